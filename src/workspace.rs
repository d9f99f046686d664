//! The workspace folder (workflow.md): where inbox, archive, rejected, store, reports and
//! templates live, how one is created, and the lock that keeps two runs apart.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::config::{self, Config, Kind};

pub const CONFIG_FILE: &str = "tutorstat.toml";

/// Paths of one workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    pub fn new(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    pub fn config_path(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }
    pub fn inbox(&self) -> PathBuf {
        self.root.join("inbox")
    }
    pub fn archive(&self) -> PathBuf {
        self.root.join("archive")
    }
    pub fn rejected(&self) -> PathBuf {
        self.root.join("rejected")
    }
    pub fn store(&self) -> PathBuf {
        self.root.join("store")
    }
    pub fn reports(&self) -> PathBuf {
        self.root.join("reports")
    }
    pub fn templates(&self) -> PathBuf {
        self.root.join("templates")
    }
    /// Questionnaire definitions the workspace adds to the shipped ones.
    pub fn questionnaires(&self) -> PathBuf {
        self.templates().join("questionnaires")
    }

    /// Checks the folder is a workspace and loads its configuration.
    pub fn open(&self) -> anyhow::Result<Config> {
        if !self.root.is_dir() {
            bail!("папка {} не найдена: создайте рабочую папку командой «tutorstat init {}»", self.root.display(), self.root.display());
        }
        if !self.config_path().exists() && !self.inbox().exists() {
            bail!(
                "{} — не рабочая папка tutorstat (нет {CONFIG_FILE} и папки inbox): создайте её командой «tutorstat init {}» или укажите --workspace",
                self.root.display(),
                self.root.display()
            );
        }
        for dir in [self.inbox(), self.archive(), self.rejected(), self.store(), self.reports()] {
            fs::create_dir_all(&dir).with_context(|| format!("не удалось создать папку {}", dir.display()))?;
        }
        Config::load(&self.config_path())
    }

    /// Creates the folders and a commented configuration; keeps an existing configuration.
    pub fn init(&self, kind: Kind) -> anyhow::Result<()> {
        for dir in [self.inbox(), self.archive(), self.rejected(), self.store(), self.reports(), self.questionnaires()] {
            fs::create_dir_all(&dir).with_context(|| format!("не удалось создать папку {}", dir.display()))?;
        }
        if !self.config_path().exists() {
            fs::write(self.config_path(), config::template(kind, &crate::privacy::new_key()?))
                .with_context(|| format!("не удалось записать {}", self.config_path().display()))?;
        }
        Ok(())
    }

    /// Takes the workspace lock; a second run on the same folder stops with a clear message.
    /// The operating system releases the lock when the process ends, even when killed.
    pub fn lock(&self) -> anyhow::Result<File> {
        let path = self.root.join(".tutorstat.lock");
        let file = File::create(&path).with_context(|| format!("не удалось создать {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => Ok(file),
            Err(TryLockError::WouldBlock) => {
                bail!("с папкой {} уже работает другой запуск tutorstat: дождитесь его окончания и запустите снова", self.root.display())
            }
            Err(TryLockError::Error(e)) => Err(e).with_context(|| format!("не удалось заблокировать {}", path.display())),
        }
    }

    /// `path` relative to the workspace root, for messages and the log.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }
}
