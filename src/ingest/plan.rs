//! The plan of a run: what it needs ([`Run`], resolved once), the inbox files hashed
//! ([`Incoming`]), and the workbooks opened on a bounded pool of workers and put in commit
//! order ([`open`]), each validated later by [`Opened::validate`].

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use super::error::FileError;
use crate::config::{Config, Kind};
use crate::definitions::Definitions;
use crate::forms::{self, Checked, Env, Fallback, FormKind, RosterIndex};
use crate::read::workbook;
use crate::schema::Table;
use crate::store::{Columns, Store};
use crate::workspace::Workspace;

/// Choices of one ingest run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Store the valid rows of files with errors instead of rejecting them whole.
    pub accept_partial: bool,
    /// School and term for workbooks without `Паспорт`.
    pub fallback: Fallback,
    /// The clock, fixed in tests and deterministic runs.
    pub now: Option<chrono::NaiveDateTime>,
    /// The previous run was killed: its last journey may need finishing.
    pub interrupted: bool,
}

/// What every step of one run needs, resolved once when the run begins.
pub(super) struct Run<'a> {
    pub ws: &'a Workspace,
    pub store: Store,
    /// Questionnaire definitions: forms are checked against them, and an annotated copy
    /// refills the blank of its questionnaire.
    pub definitions: &'a Definitions,
    /// A school's workspace or a centre's: only a centre takes schools' packages.
    pub kind: Kind,
    pub accept_partial: bool,
    pub fallback: &'a Fallback,
    pub limits: workbook::Limits,
    pub max_file_bytes: u64,
    pub now: chrono::NaiveDateTime,
    /// At a centre: the key and the free-text items with which raw forms are pseudonymised.
    privacy: Option<(String, Vec<String>)>,
}

impl<'a> Run<'a> {
    /// Resolves the run's settings; a centre without a privacy key cannot take forms.
    pub fn new(
        ws: &'a Workspace,
        store: Store,
        config: &Config,
        definitions: &'a Definitions,
        options: &'a Options,
    ) -> anyhow::Result<Run<'a>> {
        let privacy = match config.kind {
            Kind::Centre => {
                let key = config
                    .privacy
                    .key
                    .clone()
                    .context("в tutorstat.toml центра нет ключа [privacy] key: без него формы школ нельзя обезличить")?;
                Some((key, crate::package::text_items(definitions)))
            }
            Kind::School => None,
        };
        Ok(Run {
            ws,
            store,
            definitions,
            kind: config.kind,
            accept_partial: options.accept_partial,
            fallback: &options.fallback,
            limits: config.read_limits(),
            max_file_bytes: config.limits.max_file_mb.saturating_mul(1024 * 1024),
            now: options
                .now
                .unwrap_or_else(|| chrono::Local::now().naive_local()),
            privacy,
        })
    }

    /// What validation may look up: `rosters`, and the run's definitions and fallback.
    pub fn env(&self, rosters: &'a RosterIndex) -> Env<'a> {
        Env {
            rosters,
            definitions: self.definitions,
            fallback: self.fallback,
        }
    }

    /// At a centre, the key and free-text items with which raw forms are pseudonymised.
    pub fn privacy(&self) -> Option<(&str, &[String])> {
        self.privacy
            .as_ref()
            .map(|(key, text)| (key.as_str(), text.as_slice()))
    }
}

/// A file found in the inbox, before validation: its content is hashed, not held. It is
/// read again when it is opened, so the run holds only the files being opened at once.
pub(super) struct Incoming {
    pub path: PathBuf,
    /// Empty for a file that could not be read.
    pub sha256: String,
}

impl Incoming {
    /// Hashes a file of the inbox, or says why it cannot be taken.
    pub fn hash(path: &Path, max_bytes: u64) -> Result<Incoming, FileError> {
        let size = fs::metadata(path).map_err(FileError::Unreadable)?.len();
        if size > max_bytes {
            return Err(FileError::TooLarge {
                size,
                limit: max_bytes,
            });
        }
        let mut hasher = Sha256::new();
        let mut file = fs::File::open(path).map_err(FileError::Unreadable)?;
        std::io::copy(&mut file, &mut hasher).map_err(FileError::Unreadable)?;
        Ok(Incoming {
            path: path.to_path_buf(),
            sha256: crate::digest::hex(&hasher.finalize()),
        })
    }

    /// The file's bytes, checked to be the ones hashed when the run began.
    pub fn bytes(&self) -> Result<Vec<u8>, FileError> {
        let bytes = fs::read(&self.path).map_err(FileError::Unreadable)?;
        if crate::digest::hex(&Sha256::digest(&bytes)) != self.sha256 {
            return Err(FileError::Changed);
        }
        Ok(bytes)
    }

    /// The file opened as a workbook, or why it cannot be.
    fn workbook(&self, limits: workbook::Limits) -> Result<workbook::Workbook, FileError> {
        Ok(workbook::open(&self.bytes()?, limits)?)
    }

    /// Whether the file is a school's package (Parquet) rather than a workbook.
    pub fn is_package(&self) -> bool {
        self.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    }
}

/// A workbook after validation.
pub(super) struct Validated {
    pub incoming: Incoming,
    pub checked: Checked,
}

/// The run's workbooks after a first look, in commit order, and the rosters the rest are
/// checked against: the validation itself is left to [`Opened::validate`], so that each
/// workbook can be validated and staged by one worker and its frames freed at its commit.
pub(super) struct Planned {
    pub files: Vec<Opened>,
    /// The stored rosters and this run's.
    pub rosters: RosterIndex,
}

/// A workbook after the first look of [`open`].
pub(super) struct Opened {
    pub incoming: Incoming,
    first: First,
}

impl Opened {
    /// Validates the workbook (a roster or an unreadable file is settled already).
    pub fn validate(self, env: &Env, limits: workbook::Limits) -> Validated {
        let checked = match self.first {
            First::Settled(checked) => checked,
            First::Kept(wb) => forms::check(&wb, env),
            First::Reopen => match self.incoming.workbook(limits) {
                Ok(wb) => forms::check(&wb, env),
                Err(e) => unopened(&e),
            },
        };
        Validated {
            incoming: self.incoming,
            checked,
        }
    }
}

/// Opens every workbook and puts them in commit order. Rosters are validated here, so the
/// other forms can check their IDs against rosters arriving in the same run; the others'
/// passports are read for the order.
///
/// Each file is opened on a worker thread (one per core). Rosters and unreadable files are
/// settled here; the others are checked later, once the run's rosters are known. Their
/// workbooks are kept while they span at most [`KEPT_CELLS`] cells together, and opening a
/// workbook costs about what calamine's bare parse does, so most files are opened once; the
/// rest are dropped and opened again, so memory stays bounded whatever the inbox holds.
pub(super) fn open(files: Vec<Incoming>, run: &Run) -> anyhow::Result<Planned> {
    let mut rosters = roster_index(&run.store)?;
    let env = run.env(&rosters);
    let budget = AtomicU64::new(KEPT_CELLS);
    let opened = crate::parallel::map(&files, |f| match f.workbook(run.limits) {
        Ok(wb) if forms::form_of(&wb) == Some(FormKind::Roster) => {
            let checked = forms::check(&wb, &env);
            let order = Order::of(checked.passport.as_ref(), f);
            (First::Settled(checked), order)
        }
        Ok(wb) => {
            let order = Order::of(forms::stored_passport(&wb, run.fallback).as_ref(), f);
            let cells = wb.cells();
            let kept = budget
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(cells)
                })
                .is_ok();
            (if kept { First::Kept(wb) } else { First::Reopen }, order)
        }
        Err(e) => (First::Settled(unopened(&e)), Order::of(None, f)),
    });
    for (first, _) in &opened {
        if let First::Settled(checked) = first
            && let (Some(p), false) = (&checked.passport, checked.problems.has_errors())
        {
            rosters
                .entry((p.school_code.clone(), p.term.year))
                .or_default()
                .extend(roster_ids_of(checked));
        }
    }
    let mut files: Vec<(Order, Opened)> = files
        .into_iter()
        .zip(opened)
        .map(|(incoming, (first, order))| (order, Opened { incoming, first }))
        .collect();
    // A stable sort: copies of the same bytes keep the inbox's order among themselves.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Planned {
        files: files.into_iter().map(|(_, opened)| opened).collect(),
        rosters,
    })
}

/// A file's place in commit order: a later `Дата заполнения`, then a larger SHA-256, wins
/// the same key, so the order of files inside one inbox never changes the result. Files
/// without a passport to store under come first.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Order {
    form: Option<FormKind>,
    key_id: Option<String>,
    filled_on: Option<chrono::NaiveDate>,
    sha256: String,
}

impl Order {
    /// The order of a file whose validation keeps `passport`.
    fn of(passport: Option<&forms::Passport>, file: &Incoming) -> Order {
        Order {
            form: passport.map(|p| p.form),
            key_id: passport.map(|p| p.key_id()),
            filled_on: passport.and_then(|p| p.filled_on),
            sha256: file.sha256.clone(),
        }
    }
}

/// Cells of the workbooks [`open`] may keep for their validation: about 260 MB of cell
/// values (32 bytes each) plus their strings, the workbooks of some 400 schools of the
/// synthetic region. Half as many kept 200 schools' and opened a third of a 300-school
/// region's workbooks twice (5 % more CPU for the ingest, for 70 MB less at its peak, which
/// `report` far exceeds in the same `run`).
const KEPT_CELLS: u64 = 8_000_000;

/// What [`open`] made of a file. One per file, short-lived: boxing the
/// large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
enum First {
    /// Checked already (a roster) or unreadable: nothing more to do.
    Settled(Checked),
    /// Another form, its workbook kept for its validation.
    Kept(workbook::Workbook),
    /// Another form, to be opened again for its validation (over the budget).
    Reopen,
}

/// The validation of a file that could not be opened: its one problem.
fn unopened(error: &FileError) -> Checked {
    Checked {
        problems: error.problems(),
        ..Checked::default()
    }
}

/// IDs of a validated roster.
fn roster_ids_of(checked: &Checked) -> Vec<String> {
    checked
        .tables
        .iter()
        .filter(|t| t.table == Table::Roster)
        .filter_map(|t| {
            t.frame
                .column("id")
                .ok()?
                .str()
                .ok()
                .map(|ids| ids.iter().flatten().map(str::to_string).collect::<Vec<_>>())
        })
        .flatten()
        .collect()
}

/// Roster IDs already in the store, by school and school year.
fn roster_index(store: &Store) -> anyhow::Result<RosterIndex> {
    let mut index = RosterIndex::new();
    let Some(frame) = store.read_columns(
        Table::Roster,
        None,
        None,
        Columns::Only(&["school_code", "school_year", "id"]),
    )?
    else {
        return Ok(index);
    };
    let schools = frame.column("school_code")?.str()?.clone();
    let years = frame.column("school_year")?.i32()?.clone();
    let ids = frame.column("id")?.str()?.clone();
    for ((school, year), id) in schools.iter().zip(years.iter()).zip(ids.iter()) {
        if let (Some(school), Some(year), Some(id)) = (school, year, id) {
            index
                .entry((school.to_string(), year))
                .or_default()
                .insert(id.to_string());
        }
    }
    Ok(index)
}
