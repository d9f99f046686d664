//! The workspace folder (workflow.md): where inbox, archive, rejected, store, reports and
//! templates live, how one is created, and the lock that keeps two runs apart.

use std::fs::{self, File, TryLockError};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::config::{self, Kind};

/// The configuration's file name in a workspace.
pub const CONFIG_FILE: &str = "tutorstat.toml";

/// The held workspace lock.
pub struct Lock {
    file: File,
    /// The previous run was killed before it finished.
    pub interrupted: bool,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // A normal end: the next run need not look for an interrupted journey.
        let _ = self.file.set_len(0);
    }
}

/// Paths of one workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The workspace folder (`--workspace`).
    pub root: PathBuf,
}

impl Workspace {
    /// The paths of the workspace at `root`; nothing is checked or created (see
    /// [`Workspace::prepare`] and [`Workspace::init`]).
    pub fn new(root: impl Into<PathBuf>) -> Workspace {
        Workspace { root: root.into() }
    }

    /// `tutorstat.toml`.
    pub fn config_path(&self) -> PathBuf {
        self.root.join(CONFIG_FILE)
    }
    /// Where teachers' workbooks and schools' packages are dropped.
    pub fn inbox(&self) -> PathBuf {
        self.root.join("inbox")
    }
    /// Accepted files, renamed with their date and digest.
    pub fn archive(&self) -> PathBuf {
        self.root.join("archive")
    }
    /// Rejected files with their problem lists and annotated copies.
    pub fn rejected(&self) -> PathBuf {
        self.root.join("rejected")
    }
    /// The Parquet store and the ingest log.
    pub fn store(&self) -> PathBuf {
        self.root.join("store")
    }
    /// Reports, cards, packages and status tables, one folder per term.
    pub fn reports(&self) -> PathBuf {
        self.root.join("reports")
    }
    /// Blank forms for teachers.
    pub fn templates(&self) -> PathBuf {
        self.root.join("templates")
    }
    /// Questionnaire definitions the workspace adds to the shipped ones.
    pub fn questionnaires(&self) -> PathBuf {
        self.templates().join("questionnaires")
    }

    /// Checks the folder is a workspace and creates the folders it lacks.
    pub fn prepare(&self) -> anyhow::Result<()> {
        if !self.root.is_dir() {
            bail!(
                "папка {} не найдена: создайте рабочую папку командой «tutorstat init {}»",
                self.root.display(),
                self.root.display()
            );
        }
        if !self.config_path().exists() && !self.inbox().exists() {
            bail!(
                "{} — не рабочая папка tutorstat (нет {CONFIG_FILE} и папки inbox): создайте её командой «tutorstat init {}» или укажите --workspace",
                self.root.display(),
                self.root.display()
            );
        }
        create_folders([
            self.inbox(),
            self.archive(),
            self.rejected(),
            self.store(),
            self.reports(),
        ])
    }

    /// Creates the folders and a commented configuration; keeps an existing configuration.
    pub fn init(&self, kind: Kind) -> anyhow::Result<()> {
        create_folders([
            self.inbox(),
            self.archive(),
            self.rejected(),
            self.store(),
            self.reports(),
            self.questionnaires(),
        ])?;
        if !self.config_path().exists() {
            fs::write(
                self.config_path(),
                config::template(kind, &crate::privacy::new_key()?),
            )
            .with_context(|| format!("не удалось записать {}", self.config_path().display()))?;
        }
        Ok(())
    }

    /// Takes the workspace lock; a second run on the same folder stops with a clear message.
    /// The operating system releases the lock when the process ends, even when killed. The
    /// file also says whether the previous run ended normally: it holds a mark while a run
    /// works, removed when the lock is dropped.
    pub fn lock(&self) -> anyhow::Result<Lock> {
        let path = self.root.join(".tutorstat.lock");
        let mut file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("не удалось создать {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                bail!(
                    "с папкой {} уже работает другой запуск tutorstat: дождитесь его окончания и запустите снова",
                    self.root.display()
                )
            }
            Err(TryLockError::Error(e)) => {
                return Err(e)
                    .with_context(|| format!("не удалось заблокировать {}", path.display()));
            }
        }
        let mut mark = String::new();
        std::io::Read::read_to_string(&mut file, &mut mark)?;
        file.set_len(0)?;
        std::io::Write::write_all(&mut file, b"running")?;
        file.sync_all()?;
        Ok(Lock {
            file,
            interrupted: !mark.is_empty(),
        })
    }

    /// `path` relative to the workspace root, for messages and the log, with `/` between
    /// folders on every system: on Windows `display()` would write `inbox\\x.xlsx`, and the
    /// log, the summaries and the packages must read the same wherever they were made (the
    /// log's move targets are recognised by their `archive/` or `rejected/` prefix).
    pub fn relative(&self, path: &Path) -> String {
        match path.strip_prefix(&self.root) {
            Ok(inside) => inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => path.display().to_string(),
        }
    }
}

/// Creates each folder with its parents, in order; the first that fails names itself.
fn create_folders<const N: usize>(folders: [PathBuf; N]) -> anyhow::Result<()> {
    for dir in folders {
        fs::create_dir_all(&dir)
            .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_name_folders_with_forward_slashes() {
        let ws = Workspace::new("Мониторинг школы");
        let file = ws.inbox().join("1 четверть").join("Состав участников.xlsx");
        assert_eq!(
            ws.relative(&file),
            "inbox/1 четверть/Состав участников.xlsx"
        );
        assert_eq!(ws.relative(&ws.archive().join("x.xlsx")), "archive/x.xlsx");
        assert_eq!(
            ws.relative(Path::new("elsewhere/x.xlsx")),
            "elsewhere/x.xlsx"
        );
    }
}
