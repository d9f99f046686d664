//! A command's session: what every command that works on a folder needs, opened once before
//! the command runs: the [`Workspace`], its lock, the resolved configuration
//! (`tutorstat.toml` with its register file, deadlines and thresholds, checked at load), the
//! questionnaire definitions and the clock. Commands take a `&Session` and never load any
//! of these themselves, so a bad configuration stops every command the same way, at once.

use std::path::Path;

use anyhow::Context as _;

use crate::config::Config;
use crate::definitions::Definitions;
use crate::forms::Fallback;
use crate::schema::Term;
use crate::store::{self, Store};
use crate::workspace::{Lock, Workspace};

/// The shipped questionnaire definitions, the workspace's own and the versions its store
/// kept. A definition workbook with mistakes stops the command: every problem is listed by
/// sheet and cell, and an annotated copy `<name>.ошибки.xlsx` is written beside the workbook.
pub fn load_definitions(ws: &Workspace) -> anyhow::Result<Definitions> {
    let kept = crate::forms::definition::kept_dir(&ws.store());
    let (definitions, refused) = crate::forms::definition::load(&ws.questionnaires(), &kept)?;
    if refused.is_empty() {
        return Ok(definitions);
    }
    let mut messages = Vec::new();
    for book in &refused {
        let mut copy = book.path.as_os_str().to_owned();
        copy.push(".ошибки.xlsx");
        let copy = std::path::PathBuf::from(copy);
        let limits = crate::read::workbook::Limits::default();
        let written = crate::annotate::annotated_copy(&book.bytes, &book.problems, limits, None)
            .is_some_and(|annotated| crate::atomic::write(&copy, &annotated).is_ok());
        let beside = if written {
            format!("\nОшибки отмечены в копии {}", copy.display())
        } else {
            String::new()
        };
        let listed = book.listed();
        messages.push(format!(
            "в описании анкеты {} ошибки ({}):\n{}{beside}",
            book.path.display(),
            listed.len(),
            listed.join("\n")
        ));
    }
    anyhow::bail!("{}", messages.join("\n"))
}

/// The clock of a run: fixed by `SOURCE_DATE_EPOCH` for reproducible runs (the tests and the
/// frozen demo), else the local time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clock {
    fixed: Option<chrono::NaiveDateTime>,
}

impl Clock {
    /// The clock `SOURCE_DATE_EPOCH` sets, if it is set; a value that is not a number of
    /// seconds stops the command.
    pub fn from_env() -> anyhow::Result<Clock> {
        let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") else {
            return Ok(Clock::default());
        };
        let seconds: i64 = epoch.trim().parse().with_context(|| {
            format!("SOURCE_DATE_EPOCH должен быть числом секунд, а не «{epoch}»")
        })?;
        Ok(Clock {
            fixed: chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.naive_utc()),
        })
    }

    /// The fixed time, when there is one.
    pub fn fixed(&self) -> Option<chrono::NaiveDateTime> {
        self.fixed
    }

    /// The fixed time, else the local time now.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.fixed
            .unwrap_or_else(|| chrono::Local::now().naive_local())
    }
}

/// One command's view of its folder, opened once.
pub struct Session {
    /// The folder's paths.
    pub ws: Workspace,
    /// `tutorstat.toml`, checked and resolved (the register file read) when the session opened.
    pub config: Config,
    /// The shipped questionnaire definitions with the workspace's own.
    pub definitions: Definitions,
    /// Fixed by `SOURCE_DATE_EPOCH`, else the local time.
    pub clock: Clock,
    /// Held from [`Session::locked`] until the session is dropped.
    lock: Option<Lock>,
}

impl Session {
    /// A workspace a command works on: the folder must be one (its missing subfolders are
    /// created), its configuration is loaded and checked. No lock is taken
    /// ([`Session::locked`] takes it).
    pub fn open(root: &Path) -> anyhow::Result<Session> {
        let ws = Workspace::new(root);
        ws.prepare()?;
        Session::with(ws)
    }

    /// A folder that need not be a workspace (`check`, `templates`): its configuration if it
    /// has one, else the defaults; nothing is created.
    pub fn loose(root: &Path) -> anyhow::Result<Session> {
        Session::with(Workspace::new(root))
    }

    fn with(ws: Workspace) -> anyhow::Result<Session> {
        let config = Config::load(&ws.config_path())?;
        let definitions = load_definitions(&ws)?;
        Ok(Session {
            ws,
            config,
            definitions,
            clock: Clock::from_env()?,
            lock: None,
        })
    }

    /// The session with the workspace lock held: for commands that write the store or the
    /// reports, so two runs on one folder never interleave.
    pub fn locked(mut self) -> anyhow::Result<Session> {
        self.lock = Some(self.ws.lock()?);
        Ok(self)
    }

    /// The previous run on this workspace was killed before it finished (known once locked).
    pub fn interrupted(&self) -> bool {
        self.lock.as_ref().is_some_and(|l| l.interrupted)
    }

    /// The workspace's store.
    pub fn store(&self) -> Store {
        Store::new(&self.ws.store())
    }

    /// The ingest log's entries, oldest first.
    pub fn log(&self) -> anyhow::Result<Vec<store::log::Entry>> {
        store::log::Log::new(&self.ws.store()).entries()
    }

    /// Terms with stored data, from the ingest log, oldest first.
    pub fn stored_terms(&self) -> anyhow::Result<Vec<Term>> {
        let terms: std::collections::BTreeSet<Term> = self
            .log()?
            .iter()
            .filter(|e| e.outcome.commits())
            .filter_map(|e| Term::parse(&e.term))
            .collect();
        Ok(terms.into_iter().collect())
    }

    /// School and term for workbooks without `Паспорт`: the command line's first, then the
    /// configuration's `[school]`.
    pub fn fallback(&self, school: Option<&str>, term: Option<Term>) -> Fallback {
        let school_info = &self.config.school;
        Fallback {
            school_code: school
                .map(String::from)
                .or_else(|| school_info.code.clone()),
            school_name: school_info.name.clone(),
            municipality: school_info.municipality.clone(),
            term,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Kind;

    #[test]
    fn a_loose_session_takes_any_folder_and_an_opened_one_only_a_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let loose = Session::loose(&dir.path().join("нет такой")).unwrap();
        assert_eq!(
            loose.config.kind,
            Kind::School,
            "no tutorstat.toml: the defaults"
        );
        assert!(!loose.interrupted());
        let refused = Session::open(dir.path()).err().unwrap().to_string();
        assert!(refused.contains("не рабочая папка tutorstat"), "{refused}");
    }

    #[test]
    fn one_locked_session_at_a_time_and_a_normal_end_leaves_no_interruption() {
        let dir = tempfile::tempdir().unwrap();
        Workspace::new(dir.path()).init(Kind::Centre).unwrap();
        let first = Session::open(dir.path()).unwrap().locked().unwrap();
        assert_eq!(first.config.kind, Kind::Centre);
        assert!(!first.interrupted());
        // An unlocked session (status) may open beside it; a second locked one may not.
        assert!(Session::open(dir.path()).is_ok());
        let refused = Session::open(dir.path())
            .unwrap()
            .locked()
            .err()
            .unwrap()
            .to_string();
        assert!(
            refused.contains("уже работает другой запуск tutorstat"),
            "{refused}"
        );
        drop(first);
        // Other tests of this binary spawn processes (pdftotext): a child holds a copy of
        // every open file, this lock included, from fork until exec, so the lock may outlive
        // `first` by that moment on a busy machine.
        let again = (0..100).find_map(|_| {
            let session = Session::open(dir.path()).unwrap().locked().ok();
            if session.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            session
        });
        assert!(
            !again
                .expect("the lock is free once the first session has ended")
                .interrupted()
        );
    }
}
