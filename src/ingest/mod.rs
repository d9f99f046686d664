//! The file journey of workflow.md: each inbox file is identified, validated, and either
//! stored (then archived) or rejected with its problem list; same bytes twice is a no-op,
//! the same submission key replaces. The ingest log line is the commit point.

pub mod summary;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use polars::prelude::Column;
use sha2::{Digest, Sha256};

use crate::config::{Config, Kind};
use crate::definitions::Definitions;
use crate::discover;
use crate::forms::{self, Checked, Env, Fallback, FormKind, Passport, RosterIndex, RowCounts};
use crate::problem::{Problems, Severity};
use crate::read::values::Term;
use crate::read::workbook;
use crate::store::log::{Entry, Log, Outcome, current_submissions};
use crate::store::{Columns, Diff, Staged, Store, SubmissionId};
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

/// What happened to one file.
#[derive(Debug)]
pub struct FileReport {
    /// Path relative to the workspace.
    pub file: String,
    pub sha256: String,
    pub outcome: Outcome,
    pub passport: Option<Passport>,
    pub counts: RowCounts,
    pub diff: Diff,
    pub problems: Problems,
    /// Where the file went, relative to the workspace.
    pub moved_to: String,
    /// For a school's package at the centre: its school and term.
    pub package: Option<(String, Term)>,
    /// The submission this file replaced, when it replaced one.
    pub replaced: Option<Replaced>,
    /// The annotated copy written beside a rejected file, relative to the workspace.
    pub annotated: Option<String>,
}

/// The earlier file of a submission key that a new file replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    /// The replaced file as it was named in the inbox.
    pub file: String,
    /// `Заполнил` as that file spelt it.
    pub author: String,
}

/// The result of one ingest run.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: Vec<FileReport>,
    /// Files left in the inbox, with the reason.
    pub skipped: Vec<(String, &'static str)>,
    /// (school, term) pairs whose data changed in this run.
    pub touched: BTreeSet<(String, Term)>,
    /// Rejected files moved to `rejected/исправлено/` because a corrected file was accepted.
    pub fixed: Vec<String>,
}

impl Summary {
    pub fn rejected(&self) -> usize {
        self.files.iter().filter(|f| f.outcome == Outcome::Rejected).count()
    }
}

/// A file found in the inbox, before validation: its content is hashed, not held. It is
/// read again when it is opened, so the run holds only the files being opened at once.
struct Incoming {
    path: PathBuf,
    sha256: String,
}

impl Incoming {
    /// The file's bytes, checked to be the ones hashed when the run began.
    fn bytes(&self) -> Result<Vec<u8>, String> {
        let bytes = fs::read(&self.path).map_err(|e| format!("не удалось прочитать файл: {e}"))?;
        if crate::digest::hex(&Sha256::digest(&bytes)) != self.sha256 {
            return Err(
                "файл изменился во время загрузки (его сохраняли или копировали): положите его снова и запустите загрузку ещё раз".into()
            );
        }
        Ok(bytes)
    }

    /// The file opened as a workbook, or the problem that stops it.
    fn workbook(&self, limits: workbook::Limits) -> Result<workbook::Workbook, Problems> {
        let mut problems = Problems::default();
        match self.bytes().map(|bytes| workbook::open(&bytes, limits)) {
            Ok(Ok(wb)) => return Ok(wb),
            Ok(Err(e)) => {
                problems.file_error(e.to_string());
                problems.detail = e.detail().unwrap_or_default().to_string();
            }
            Err(message) => problems.file_error(message),
        }
        Err(problems)
    }
}

/// A school's package read, its store files staged.
struct StagedPackage {
    school: String,
    term: Term,
    rows: usize,
    key_id: String,
    staged: Staged,
}

/// A file after validation, ready to commit.
struct Validated {
    incoming: Incoming,
    checked: Checked,
}

/// Processes everything in `inbox/`.
pub fn run(ws: &Workspace, config: &Config, definitions: &Definitions, options: &Options) -> anyhow::Result<Summary> {
    let mut journal = Journal::open(ws, config, definitions, options)?;
    let found = discover::inbox(&ws.inbox())?;
    let mut summary = Summary { skipped: found.skipped.iter().map(|(p, r)| (ws.relative(p), *r)).collect(), ..Default::default() };
    let max_file_bytes = config.limits.max_file_mb.saturating_mul(1024 * 1024);

    let mut incoming = Vec::new();
    for path in found.files {
        match read_file(&path, max_file_bytes) {
            Ok(file) => incoming.push(file),
            Err(message) => {
                let mut problems = Problems::default();
                problems.file_error(message);
                summary.files.push(journal.reject(&path, "", None, RowCounts::default(), problems, None)?);
            }
        }
    }

    // A file whose journey was logged but not finished (a crash between the log line and
    // the move): finish the move, log nothing new, so the outcome equals an uninterrupted run.
    let (interrupted, incoming): (Vec<_>, Vec<_>) =
        incoming.into_iter().partition(|f| journal.unfinished.contains_key(&(ws.relative(&f.path), f.sha256.clone())));
    for file in interrupted {
        let target = journal.unfinished[&(ws.relative(&file.path), file.sha256.clone())].clone();
        move_file(&file.path, &target)?;
    }

    // Same bytes as a committed file: nothing to store, the inbox copy is archived.
    let (duplicates, fresh): (Vec<_>, Vec<_>) = incoming.into_iter().partition(|f| journal.committed.contains(&f.sha256));
    for file in duplicates {
        summary.files.push(journal.archive_duplicate(file)?);
    }
    // Schools' packages (Parquet) go their own way; spreadsheets are validated below.
    let (packages, fresh): (Vec<_>, Vec<_>) =
        fresh.into_iter().partition(|f| f.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")));
    let staged = journal.stage_packages(&packages, config.kind)?;
    for (file, staged) in packages.into_iter().zip(staged) {
        let report = match staged {
            Some(staged) => journal.commit_package(file, staged)?,
            None => journal.archive_duplicate(file)?,
        };
        if let (true, Some(target)) = (report.outcome.commits(), &report.package) {
            summary.touched.insert(target.clone());
        }
        summary.files.push(report);
    }

    let validated = validate_all(fresh, &journal.store, definitions, config, options)?;
    let staged = journal.stage_all(&validated)?;
    let mut progress = crate::progress::Progress::new(validated.len(), ["файла", "файлов"]);
    for (v, staged) in validated.into_iter().zip(staged) {
        progress.step();
        // Same bytes twice in one inbox: the second is a duplicate of the first.
        let report = if journal.committed.contains(&v.incoming.sha256) {
            journal.archive_duplicate(v.incoming)?
        } else {
            journal.commit(v, staged)?
        };
        if let (true, Some(p)) = (report.outcome.commits(), &report.passport) {
            summary.touched.insert((p.school_code.clone(), p.term));
        }
        summary.files.push(report);
    }
    journal.flush()?;
    journal.store.recover(&journal.current)?;
    summary.fixed = move_fixed_rejections(ws, &journal.log.entries()?)?;
    Ok(summary)
}

/// A path from the log that may be trusted as a move target: relative, below archive/ or rejected/.
fn inside_workspace(rel: &str) -> bool {
    let path = Path::new(rel);
    path.is_relative()
        && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
        && (rel.starts_with("archive/") || rel.starts_with("rejected/"))
}

fn read_file(path: &Path, max_bytes: u64) -> Result<Incoming, String> {
    let size = fs::metadata(path).map_err(|e| format!("не удалось прочитать файл: {e}"))?.len();
    if size > max_bytes {
        return Err(format!(
            "файл весит {} МБ, больше допустимых {} МБ (настройка limits.max_file_mb)",
            size / (1024 * 1024),
            max_bytes / (1024 * 1024)
        ));
    }
    let mut hasher = Sha256::new();
    let read = fs::File::open(path).and_then(|mut file| std::io::copy(&mut file, &mut hasher));
    read.map_err(|e| format!("не удалось прочитать файл: {e}"))?;
    Ok(Incoming { path: path.to_path_buf(), sha256: crate::digest::hex(&hasher.finalize()) })
}

/// Opens and validates every file, rosters first so the other forms can check their IDs
/// against rosters arriving in the same run. Returns the files in commit order.
///
/// Each file is opened on a worker thread (one per core) and its workbook dropped once
/// checked, so the run holds at most one workbook per core whatever the inbox holds: rosters
/// and unreadable files are settled in the first pass, which looks only at the form of the
/// others; those are opened again in the second pass, once the run's rosters are known.
fn validate_all(
    files: Vec<Incoming>,
    store: &Store,
    definitions: &Definitions,
    config: &Config,
    options: &Options,
) -> anyhow::Result<Vec<Validated>> {
    let limits = config.read_limits();
    let mut index = roster_index(store)?;
    let env = Env { rosters: &index, definitions, fallback: &options.fallback };
    let first = crate::parallel::map(&files, |f| match f.workbook(limits) {
        Ok(wb) if forms::form_of(&wb) == Some(FormKind::Roster) => Some(forms::check(&wb, &env)),
        Ok(_) => None,
        Err(problems) => Some(Checked { problems, ..Checked::default() }),
    });
    for checked in first.iter().flatten() {
        if let (Some(p), false) = (&checked.passport, checked.problems.has_errors()) {
            index.entry((p.school_code.clone(), p.term.year)).or_default().extend(roster_ids_of(checked));
        }
    }
    let env = Env { rosters: &index, definitions, fallback: &options.fallback };
    let (settled, later): (Vec<_>, Vec<_>) = files.into_iter().zip(first).partition(|(_, checked)| checked.is_some());
    let later: Vec<Incoming> = later.into_iter().map(|(f, _)| f).collect();
    let checked = crate::parallel::map(&later, |f| match f.workbook(limits) {
        Ok(wb) => forms::check(&wb, &env),
        Err(problems) => Checked { problems, ..Checked::default() },
    });
    let mut validated: Vec<Validated> =
        settled.into_iter().filter_map(|(incoming, checked)| Some(Validated { incoming, checked: checked? })).collect();
    validated.extend(later.into_iter().zip(checked).map(|(incoming, checked)| Validated { incoming, checked }));

    // Commit order: a later `Дата заполнения`, then a larger SHA-256, wins the same key,
    // so the order of files inside one inbox never changes the result.
    validated.sort_by(|a, b| {
        let key = |v: &Validated| {
            let p = v.checked.passport.as_ref();
            (p.map(|p| p.form), p.map(|p| p.key_id()), p.and_then(|p| p.filled_on), v.incoming.sha256.clone())
        };
        key(a).cmp(&key(b))
    });
    Ok(validated)
}

/// IDs of a validated roster.
fn roster_ids_of(checked: &Checked) -> Vec<String> {
    checked
        .tables
        .iter()
        .filter(|t| t.table == "roster")
        .filter_map(|t| t.frame.column("id").ok()?.str().ok().map(|ids| ids.iter().flatten().map(str::to_string).collect::<Vec<_>>()))
        .flatten()
        .collect()
}

/// Roster IDs already in the store, by school and school year.
fn roster_index(store: &Store) -> anyhow::Result<RosterIndex> {
    let mut index = RosterIndex::new();
    let Some(frame) = store.read_columns("roster", None, None, Columns::Only(&["school_code", "school_year", "id"]))? else {
        return Ok(index);
    };
    let schools = frame.column("school_code")?.str()?.clone();
    let years = frame.column("school_year")?.i32()?.clone();
    let ids = frame.column("id")?.str()?.clone();
    for ((school, year), id) in schools.iter().zip(years.iter()).zip(ids.iter()) {
        if let (Some(school), Some(year), Some(id)) = (school, year, id) {
            index.entry((school.to_string(), year)).or_default().insert(id.to_string());
        }
    }
    Ok(index)
}

/// The moves of one run: store writes, log lines, files to archive or rejected.
struct Journal<'a> {
    ws: &'a Workspace,
    /// Questionnaire definitions: an annotated copy refills the blank of its questionnaire.
    definitions: &'a Definitions,
    store: Store,
    log: Log,
    /// Submission key -> SHA-256 of the file stored under it.
    current: HashMap<String, String>,
    /// Submission key -> the file stored under it and its author as written.
    current_files: HashMap<String, Replaced>,
    /// SHA-256 of every committed file.
    committed: HashSet<String>,
    /// Number of log lines so far: orders submissions, so the later one wins a conflict.
    seq: u64,
    accept_partial: bool,
    now: chrono::NaiveDateTime,
    /// At a centre: the key and the free-text items with which raw forms are pseudonymised.
    privacy: Option<(String, Vec<String>)>,
    limits: workbook::Limits,
    /// (file, SHA-256) of logged journeys whose file never reached its destination.
    unfinished: HashMap<(String, String), PathBuf>,
    /// Log lines not yet written, with the move each one announces: written together, then
    /// moved together ([`Journal::flush`]).
    pending: Vec<(Entry, PathBuf, PathBuf)>,
}

/// Log lines written (and fsynced) at once: a crash leaves at most this many journeys to finish.
const GROUP_COMMIT: usize = 256;

impl<'a> Journal<'a> {
    /// Reads the log and removes whatever it does not commit (a crash's leftovers).
    fn open(ws: &'a Workspace, config: &Config, definitions: &'a Definitions, options: &Options) -> anyhow::Result<Journal<'a>> {
        let store = Store::new(&ws.store());
        let log = Log::new(&ws.store());
        let entries = log.entries()?;
        let current = current_submissions(&entries);
        store.recover(&current)?;
        // Only a killed run leaves journeys half done, and only among its last logged group:
        // log lines are written just before their files move.
        let unfinished = entries
            .iter()
            .rev()
            .take(GROUP_COMMIT)
            .filter(|e| {
                options.interrupted
                    && inside_workspace(&e.moved_to)
                    && !ws.root.join(&e.moved_to).exists()
                    && ws.root.join(&e.file).exists()
            })
            .map(|e| ((e.file.clone(), e.sha256.clone()), ws.root.join(&e.moved_to)))
            .collect();
        Ok(Journal {
            ws,
            definitions,
            unfinished,
            pending: Vec::new(),
            committed: entries.iter().filter(|e| e.outcome.commits()).map(|e| e.sha256.clone()).collect(),
            current_files: entries
                .iter()
                .filter(|e| e.outcome.commits())
                .map(|e| (e.key_id.clone(), Replaced { file: e.file.clone(), author: author_in_key(&e.key).to_string() }))
                .collect(),
            seq: entries.len() as u64,
            store,
            log,
            current,
            accept_partial: options.accept_partial,
            now: options.now.unwrap_or_else(|| chrono::Local::now().naive_local()),
            limits: config.read_limits(),
            privacy: match config.kind {
                Kind::Centre => {
                    let key = config
                        .privacy
                        .key
                        .clone()
                        .context("в tutorstat.toml центра нет ключа [privacy] key: без него формы школ нельзя обезличить")?;
                    Some((key, crate::package::text_items(definitions)))
                }
                Kind::School => None,
            },
        })
    }

    /// Logs a file's journey and moves the file, in groups: store files are published
    /// before, so a group's lines commit them all with one fsync.
    fn record(&mut self, entry: Entry, from: &Path, to: &Path) -> anyhow::Result<()> {
        self.pending.push((entry, from.to_path_buf(), to.to_path_buf()));
        self.seq += 1;
        if self.pending.len() >= GROUP_COMMIT {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the pending log lines (the commit point), then moves their files.
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        self.log.append(pending.iter().map(|(entry, _, _)| entry))?;
        for (_, from, to) in &pending {
            move_file(from, to)?;
        }
        Ok(())
    }

    /// `dir/<name>`, or `dir/<stem>_<sha8>.<ext>` when a different file already has that name
    /// (in the folder, or on its way there in the pending group). The name is the file's
    /// [`first_name`], so attempts after attempts never stack suffixes.
    fn unique_path(&self, dir: &Path, path: &Path, sha: &str) -> PathBuf {
        let name = first_name(&path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        let plain = dir.join(&name);
        if !plain.exists() && !self.pending.iter().any(|(_, _, to)| *to == plain) {
            return plain;
        }
        let (stem, ext) = name.rsplit_once('.').map(|(s, e)| (s.to_string(), format!(".{e}"))).unwrap_or((name.clone(), String::new()));
        dir.join(format!("{stem}_{}{ext}", &sha[..8.min(sha.len())]))
    }

    /// Whether a validated file goes to the store (else to `rejected/`).
    fn accepts(&self, checked: &Checked) -> bool {
        checked.passport.is_some() && (self.accept_partial || !checked.problems.has_errors())
    }

    /// At a centre, the key and free-text items with which raw forms are pseudonymised.
    fn privacy(&self) -> Option<(&str, &[String])> {
        self.privacy.as_ref().map(|(key, text)| (key.as_str(), text.as_slice()))
    }

    /// Stages, on all cores, the store files of every file that will be stored: encoding is
    /// most of a commit's cost. Each validated file takes exactly one log line, in order, so
    /// its `seq` is known before the commit loop runs. Only the first copy of the same bytes
    /// is staged; the others are archived as duplicates.
    fn stage_all(&self, validated: &[Validated]) -> anyhow::Result<Vec<Option<Staged>>> {
        let mut seen = HashSet::new();
        let jobs: Vec<(u64, &Validated, bool)> = (self.seq + 1..)
            .zip(validated)
            .map(|(seq, v)| (seq, v, !self.committed.contains(&v.incoming.sha256) && seen.insert(v.incoming.sha256.as_str())))
            .collect();
        crate::parallel::map(&jobs, |(seq, v, first)| if *first { self.stage(*seq, v) } else { Ok(None) }).into_iter().collect()
    }

    /// Stages one validated file's store files if it is to be stored.
    fn stage(&self, seq: u64, v: &Validated) -> anyhow::Result<Option<Staged>> {
        let Some(passport) = v.checked.passport.as_ref().filter(|_| self.accepts(&v.checked)) else { return Ok(None) };
        let id = SubmissionId { key_id: passport.key_id(), sha256: v.incoming.sha256.clone() };
        let file = self.ws.relative(&v.incoming.path);
        self.store.stage(passport, &file, &id, seq, &v.checked.tables, self.privacy()).map(Some)
    }

    /// Stores or rejects one validated file; `staged` holds its store files if [`Self::stage_all`] wrote them.
    fn commit(&mut self, v: Validated, staged: Option<Staged>) -> anyhow::Result<FileReport> {
        let accepted = self.accepts(&v.checked);
        let Validated { incoming, checked } = v;
        let Checked { passport, tables, mut counts, mut problems } = checked;
        let passport = match passport {
            Some(passport) if accepted => passport,
            passport => {
                counts.rejected = counts.read - counts.blank;
                counts.stored = 0;
                let copy = self.annotated_copy(&incoming, &problems, passport.as_ref());
                return self.reject(&incoming.path, &incoming.sha256, passport, counts, problems, copy);
            }
        };
        let id = SubmissionId { key_id: passport.key_id(), sha256: incoming.sha256.clone() };
        let previous = self.current.get(&id.key_id).map(|sha| SubmissionId { key_id: id.key_id.clone(), sha256: sha.clone() });
        let mut diff = Diff::default();
        for t in &tables {
            let old = match &previous {
                Some(prev) => self.store.read_submission(t.table, &passport, prev)?,
                None => None,
            };
            let d = crate::store::diff(old.as_ref(), &t.frame)?;
            diff.added += d.added;
            diff.removed += d.removed;
            diff.changed += d.changed;
        }
        warn_about_other_authors(&self.store, &passport, &tables, &mut problems)?;
        let file = self.ws.relative(&incoming.path);
        warn_about_one_journal_twice(&self.store, &passport, &file, &tables, &mut problems)?;
        let staged = match staged {
            Some(staged) => staged,
            None => self.store.stage(&passport, &file, &id, self.seq + 1, &tables, self.privacy())?,
        };
        self.store.publish(staged)?;
        let outcome = if previous.is_some() { Outcome::Replaced } else { Outcome::Stored };
        let moved_to = archive_path(self.ws, &incoming.path, &incoming.sha256, self.now);
        let moved_rel = self.ws.relative(&moved_to);
        self.record(
            entry(&file, &moved_rel, &incoming.sha256, outcome, Some(&passport), counts, &problems, diff, self.now),
            &incoming.path,
            &moved_to,
        )?;
        let replaced = previous.and_then(|_| self.current_files.get(&id.key_id).cloned());
        self.current_files.insert(id.key_id.clone(), Replaced { file: file.clone(), author: passport.filled_by_text.clone() });
        self.current.insert(id.key_id, incoming.sha256.clone());
        self.committed.insert(incoming.sha256.clone());
        Ok(FileReport {
            file,
            sha256: incoming.sha256,
            outcome,
            passport: Some(passport),
            counts,
            diff,
            problems,
            moved_to: moved_rel,
            package: None,
            replaced,
            annotated: None,
        })
    }

    /// Reads and stages, on every core, the packages a centre receives; like spreadsheets,
    /// each takes one log line in order, so its `seq` is known. `None` for a later copy of
    /// the same bytes (a duplicate); `Err` holds why a package is rejected.
    fn stage_packages(&self, files: &[Incoming], kind: Kind) -> anyhow::Result<Vec<Option<Result<StagedPackage, String>>>> {
        let mut seen = HashSet::new();
        let jobs: Vec<(u64, &Incoming, bool)> =
            (self.seq + 1..).zip(files).map(|(seq, f)| (seq, f, seen.insert(f.sha256.as_str()))).collect();
        crate::parallel::map(&jobs, |(seq, file, first)| match (first, kind) {
            (false, _) => Ok(None),
            (true, Kind::School) => {
                Ok(Some(Err("это пакет школы для центра (.parquet): его загружают в рабочей папке центра, а не школы".into())))
            }
            (true, Kind::Centre) => match file.bytes().and_then(|bytes| crate::package::read(&bytes)) {
                Err(message) => Ok(Some(Err(message))),
                Ok(package) => self.stage_package(*seq, &file.sha256, package).map(|p| Some(Ok(p))),
            },
        })
        .into_iter()
        .collect()
    }

    fn stage_package(&self, seq: u64, sha256: &str, package: crate::package::Package) -> anyhow::Result<StagedPackage> {
        let key_id = crate::digest::short_sha256(format!("{}|{}|package", package.school, package.term.label()).as_bytes());
        let id = SubmissionId { key_id: key_id.clone(), sha256: sha256.to_string() };
        let mut staged = Staged::default();
        for (table, mut frame) in package.tables {
            frame.with_column(Column::new("seq".into(), vec![seq; frame.height()]))?;
            staged.files.push(self.store.stage_frame(table, &package.term, &package.school, &id, frame)?);
        }
        Ok(StagedPackage { school: package.school, term: package.term, rows: package.rows, key_id, staged })
    }

    /// Stores a school's package at a centre, replacing the school's earlier package of the term.
    fn commit_package(&mut self, incoming: Incoming, staged: Result<StagedPackage, String>) -> anyhow::Result<FileReport> {
        let mut problems = Problems::default();
        let package = match staged {
            Ok(p) => p,
            Err(message) => {
                problems.file_error(message);
                return self.reject(&incoming.path, &incoming.sha256, None, RowCounts::default(), problems, None);
            }
        };
        let key_id = package.key_id.clone();
        let replaced = self.current.contains_key(&key_id);
        self.store.publish(package.staged)?;
        let file = self.ws.relative(&incoming.path);
        let moved_to = archive_path(self.ws, &incoming.path, &incoming.sha256, self.now);
        let moved_rel = self.ws.relative(&moved_to);
        let outcome = if replaced { Outcome::Replaced } else { Outcome::Stored };
        let counts = RowCounts { read: package.rows, stored: package.rows, rejected: 0, blank: 0 };
        let mut e = entry(&file, &moved_rel, &incoming.sha256, outcome, None, counts, &problems, Diff::default(), self.now);
        (e.form, e.school_code, e.term, e.key, e.key_id) =
            ("package".into(), package.school.clone(), package.term.label(), "package".into(), key_id.clone());
        self.record(e, &incoming.path, &moved_to)?;
        let replaced = if replaced { self.current_files.get(&key_id).cloned() } else { None };
        self.current_files.insert(key_id.clone(), Replaced { file: file.clone(), author: String::new() });
        self.current.insert(key_id, incoming.sha256.clone());
        self.committed.insert(incoming.sha256.clone());
        Ok(FileReport {
            file,
            sha256: incoming.sha256,
            outcome,
            passport: None,
            counts,
            diff: Diff::default(),
            problems,
            moved_to: moved_rel,
            package: Some((package.school, package.term)),
            replaced,
            annotated: None,
        })
    }

    /// The annotated copy of a rejected workbook, if it can be read at all.
    fn annotated_copy(&self, incoming: &Incoming, problems: &Problems, passport: Option<&Passport>) -> Option<Vec<u8>> {
        let blank = crate::annotate::blank_of(passport, self.definitions);
        crate::annotate::annotated_copy(&incoming.bytes().ok()?, problems, self.limits, blank)
    }

    /// Moves a file to `rejected/` with its problem list, and its annotated copy if there is
    /// one, beside it.
    fn reject(
        &mut self,
        path: &Path,
        sha: &str,
        passport: Option<Passport>,
        counts: RowCounts,
        problems: Problems,
        copy: Option<Vec<u8>>,
    ) -> anyhow::Result<FileReport> {
        let file = self.ws.relative(path);
        let target = self.unique_path(&self.ws.rejected(), path, sha);
        let list = beside_rejected(&target, Beside::ProblemList);
        fs::write(&list, problems_text(&file, &problems)).with_context(|| format!("не удалось записать {}", list.display()))?;
        let annotated = match copy {
            Some(bytes) => {
                let copy = beside_rejected(&target, Beside::AnnotatedCopy);
                fs::write(&copy, bytes).with_context(|| format!("не удалось записать {}", copy.display()))?;
                Some(self.ws.relative(&copy))
            }
            None => None,
        };
        let moved_to = self.ws.relative(&target);
        // The log line first, the move last: a crash in between is finished by the next run.
        self.record(
            entry(&file, &moved_to, sha, Outcome::Rejected, passport.as_ref(), counts, &problems, Diff::default(), self.now),
            path,
            &target,
        )?;
        Ok(FileReport {
            file,
            sha256: sha.to_string(),
            outcome: Outcome::Rejected,
            passport,
            counts,
            diff: Diff::default(),
            problems,
            moved_to,
            package: None,
            replaced: None,
            annotated,
        })
    }

    /// Archives a file whose bytes are already stored.
    fn archive_duplicate(&mut self, file: Incoming) -> anyhow::Result<FileReport> {
        let rel = self.ws.relative(&file.path);
        let target = archive_path(self.ws, &file.path, &file.sha256, self.now);
        let moved_to = self.ws.relative(&target);
        let none = Problems::default();
        let e = entry(&rel, &moved_to, &file.sha256, Outcome::Duplicate, None, RowCounts::default(), &none, Diff::default(), self.now);
        self.record(e, &file.path, &target)?;
        Ok(FileReport {
            file: rel,
            sha256: file.sha256,
            outcome: Outcome::Duplicate,
            passport: None,
            counts: RowCounts::default(),
            diff: Diff::default(),
            problems: none,
            moved_to,
            package: None,
            replaced: None,
            annotated: None,
        })
    }
}

/// The person column of tables where two authors may send a record for the same person.
fn person_column(table: &str) -> Option<&'static str> {
    match table {
        "roster" | "route" => Some("id"),
        "answers" => Some("respondent_id"),
        "diag_results" => Some("person_id"),
        _ => None,
    }
}

/// Warns when another author's file already holds records for the same persons (same
/// school, term, form, instrument and wave): this file, arriving later, wins (workflow.md).
fn warn_about_other_authors(
    store: &Store,
    passport: &Passport,
    tables: &[forms::TableFrame],
    problems: &mut Problems,
) -> anyhow::Result<()> {
    for t in tables {
        let Some(person) = person_column(t.table) else { continue };
        let columns = ["author", "instrument", "wave", "source_file", person];
        let Some(existing) = store.read_columns(
            t.table,
            Some(&passport.term),
            Some(std::slice::from_ref(&passport.school_code)),
            Columns::Only(&columns),
        )?
        else {
            continue;
        };
        let new_ids: HashSet<&str> = t.frame.column(person)?.str()?.iter().flatten().collect();
        let instrument = passport.questionnaire.clone().or_else(|| passport.diagnostic.clone()).unwrap_or_default();
        let wave = passport.wave.map(|w| w.code()).unwrap_or_default();
        let authors = existing.column("author")?.str()?;
        let instruments = existing.column("instrument")?.str()?;
        let waves = existing.column("wave")?.str()?;
        let files = existing.column("source_file")?.str()?;
        let ids = existing.column(person)?.str()?;
        let mut clashes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for i in 0..existing.height() {
            let other_author = authors.get(i).is_some_and(|a| crate::author::identity(a) != passport.filled_by);
            let same_instrument = instruments.get(i) == Some(instrument.as_str()) && waves.get(i) == Some(wave);
            if let (true, true, Some(id), Some(file)) = (other_author, same_instrument, ids.get(i), files.get(i))
                && new_ids.contains(id)
            {
                clashes.entry(file).or_default().insert(id);
            }
        }
        for (file, ids) in clashes {
            let list: Vec<&str> = ids.iter().take(10).copied().collect();
            let more = if ids.len() > 10 { format!(" и ещё {}", ids.len() - 10) } else { String::new() };
            problems.warning(
                "",
                None,
                "",
                format!("записи об участниках {}{more} уже пришли в файле «{file}» другого автора; в расчётах учитывается этот файл как более поздний", list.join(", ")),
            );
        }
    }
    Ok(())
}

/// Share of a journal's events and of its marks that, both, must equal another author's
/// for the two files to look like one journal sent twice.
const SAME_JOURNAL_SHARE: f64 = 0.5;

/// Warns when another author's journal of the same school and term holds mostly the same
/// events (code and date, kind, topic) and the same persons' marks: most likely one journal
/// sent twice under two different names in `Заполнил`, which would count every event twice.
fn warn_about_one_journal_twice(
    store: &Store,
    passport: &Passport,
    file: &str,
    tables: &[forms::TableFrame],
    problems: &mut Problems,
) -> anyhow::Result<()> {
    if passport.form != FormKind::Attendance {
        return Ok(());
    }
    // Per other author's file: (its events matched, its marks matched).
    let mut matched: BTreeMap<(String, String), [usize; 2]> = BTreeMap::new();
    let mut totals = [0usize; 2];
    for (slot, table) in ["events", "attendance"].into_iter().enumerate() {
        let Some(new) = tables.iter().find(|t| t.table == table) else { continue };
        let records: HashSet<(&str, &str)> = new
            .frame
            .column("_key")?
            .str()?
            .iter()
            .zip(new.frame.column("_digest")?.str()?.iter())
            .filter_map(|(k, d)| Some((k?, d?)))
            .collect();
        totals[slot] = records.len();
        let columns = ["author", "source_file", "_key", "_digest"];
        let Some(existing) =
            store.read_columns(table, Some(&passport.term), Some(std::slice::from_ref(&passport.school_code)), Columns::Only(&columns))?
        else {
            continue;
        };
        let (authors, files) = (existing.column("author")?.str()?, existing.column("source_file")?.str()?);
        let (keys, digests) = (existing.column("_key")?.str()?, existing.column("_digest")?.str()?);
        for i in 0..existing.height() {
            let (Some(author), Some(file), Some(key), Some(digest)) = (authors.get(i), files.get(i), keys.get(i), digests.get(i)) else {
                continue;
            };
            if crate::author::identity(author) != passport.filled_by && records.contains(&(key, digest)) {
                matched.entry((file.to_string(), author.to_string())).or_default()[slot] += 1;
            }
        }
    }
    let strong = |count: usize, total: usize| total > 0 && count as f64 >= SAME_JOURNAL_SHARE * total as f64;
    for ((other, other_author), [events, marks]) in matched {
        if strong(events, totals[0]) && strong(marks, totals[1]) {
            problems.warning(
                "",
                None,
                "",
                format!(
                    "файлы «{file}» (автор «{}») и «{other}» (автор «{other_author}») похожи на один журнал, присланный дважды: совпадают {events} из {} {} (код и дата) и {marks} из {} {}. Если это один журнал, в «Заполнил» должен стоять один автор, иначе события посчитаются дважды",
                    passport.filled_by_text,
                    totals[0],
                    crate::russian::noun(totals[0] as u64, "события", "событий", "событий"),
                    totals[1],
                    crate::russian::noun(totals[1] as u64, "отметки", "отметок", "отметок"),
                ),
            );
        }
    }
    Ok(())
}

/// The author part of a submission key in words (the log's `key` column).
fn author_in_key(key: &str) -> &str {
    key.rsplit('|').next().unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn entry(
    file: &str,
    moved_to: &str,
    sha: &str,
    outcome: Outcome,
    p: Option<&Passport>,
    counts: RowCounts,
    problems: &Problems,
    diff: Diff,
    now: chrono::NaiveDateTime,
) -> Entry {
    Entry {
        time: now.format("%Y-%m-%d %H:%M:%S").to_string(),
        file: file.to_string(),
        moved_to: moved_to.to_string(),
        sha256: sha.to_string(),
        outcome,
        form: p.map(|p| p.form.code().to_string()).unwrap_or_default(),
        school_code: p.map(|p| p.school_code.clone()).unwrap_or_default(),
        term: p.map(|p| p.term.label()).unwrap_or_default(),
        key: p.map(Passport::key_as_written).unwrap_or_default(),
        key_id: p.map(Passport::key_id).unwrap_or_default(),
        rows_read: counts.read,
        rows_stored: counts.stored,
        rows_rejected: counts.rejected,
        rows_blank: counts.blank,
        warnings: problems.count(Severity::Warning),
        errors: problems.count(Severity::Error),
        added: diff.added,
        removed: diff.removed,
        changed: diff.changed,
        detail: problems.detail.clone(),
    }
}

/// `archive/<date>_<sha12>_<name>`: date and content hash in the name, extension kept.
fn archive_path(ws: &Workspace, path: &Path, sha: &str, now: chrono::NaiveDateTime) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    ws.archive().join(format!("{}_{}_{name}", now.format("%Y-%m-%d"), &sha[..12.min(sha.len())]))
}

/// Where rejected files go once a corrected file of their submission key is accepted.
pub const FIXED: &str = "исправлено";

/// Moves every rejected file that a later accepted file of the same submission key has
/// fixed, with its problem list and annotated copy, from `rejected/` to
/// `rejected/исправлено/`, so `rejected/` holds only what still waits for a teacher. Keyed
/// on the log's submission key, never on file names; run at the end of every ingest, so a
/// run killed half-way through the moves is finished by the next one.
fn move_fixed_rejections(ws: &Workspace, entries: &[Entry]) -> anyhow::Result<Vec<String>> {
    let mut last_commit: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate().filter(|(_, e)| e.outcome.commits() && !e.key_id.is_empty()) {
        last_commit.insert(e.key_id.as_str(), i);
    }
    let dir = ws.rejected().join(FIXED);
    let mut moved = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let fixed = e.outcome == Outcome::Rejected && last_commit.get(e.key_id.as_str()).is_some_and(|&c| c > i);
        let from = ws.root.join(&e.moved_to);
        // Only files still lying directly in rejected/: those moved before are done.
        if !fixed || !inside_workspace(&e.moved_to) || from.parent() != Some(ws.rejected().as_path()) || !from.is_file() {
            continue;
        }
        let name = from.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let mut target = dir.join(&name);
        if target.exists() {
            let stem = from.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let ext = from.extension().map(|x| format!(".{}", x.to_string_lossy())).unwrap_or_default();
            target = dir.join(format!("{stem}_{}{ext}", &e.sha256[..8.min(e.sha256.len())]));
        }
        for what in [Beside::ProblemList, Beside::AnnotatedCopy] {
            let (companion, to) = (beside_rejected(&from, what), beside_rejected(&target, what));
            if companion.is_file() {
                move_file(&companion, &to)?;
            }
        }
        // The file itself last: while it is in rejected/, the next run finishes its move.
        move_file(&from, &target)?;
        moved.push(ws.relative(&target));
    }
    Ok(moved)
}

/// The name a file is given in `rejected/`: a teacher's corrected annotated copy
/// (`журнал.ошибки.xlsx`, `журнал_5aa78da2.xlsx.ошибки.xlsx`) goes back to the first name of
/// the journal, `журнал.xlsx`, with its own extension; the `_<sha8>` that told apart two
/// attempts of one name is dropped too. Otherwise every round of corrections would add a
/// suffix (`журнал.ошибки_5aa78da2.ошибки.xlsx`).
fn first_name(name: &str) -> String {
    let Some((stem, ext)) = name.rsplit_once('.') else { return name.to_string() };
    let mut base = stem.split(".ошибки").next().unwrap_or(stem);
    if let Some((inner, source_ext)) = base.rsplit_once('.')
        && ["xlsx", "xlsm", "xls", "xlsb", "ods"].contains(&source_ext.to_lowercase().as_str())
    {
        base = inner;
    }
    if let Some((inner, hash)) = base.rsplit_once('_')
        && hash.len() == 8
        && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && !inner.is_empty()
    {
        base = inner;
    }
    if base.is_empty() { name.to_string() } else { format!("{base}.{ext}") }
}

/// What is written beside a rejected file.
#[derive(Debug, Clone, Copy)]
pub enum Beside {
    /// The problem list, `<name>.ошибки.txt`.
    ProblemList,
    /// The annotated copy, `<name>.ошибки.xlsx`.
    AnnotatedCopy,
}

/// The name of what is written beside a file in `rejected/`: the file's whole name, its
/// extension kept, then `.ошибки.txt` or `.ошибки.xlsx`. `Журнал.xlsx`, `Журнал.xls` and
/// `Журнал.ods` thus never share a list or a copy (`Журнал.xls.ошибки.xlsx`), and the
/// file's own name in `rejected/` is unique (a second `Журнал.xls` gets its hash).
pub fn beside_rejected(rejected: &Path, what: Beside) -> PathBuf {
    let name = rejected.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let ext = match what {
        Beside::ProblemList => "txt",
        Beside::AnnotatedCopy => "xlsx",
    };
    rejected.with_file_name(format!("{name}.ошибки.{ext}"))
}

/// The problem list a teacher reads: errors first, then warnings and notes.
pub fn problems_text(file: &str, problems: &Problems) -> String {
    let mut text =
        format!("Файл: {file}\nОшибок: {}, предупреждений: {}\n\n", problems.count(Severity::Error), problems.count(Severity::Warning));
    let mut items: Vec<_> = problems.items.iter().collect();
    items.sort_by_key(|p| p.severity);
    for p in items {
        text.push_str(&format!("{p}\n"));
    }
    if problems.unlisted() > 0 {
        let more = crate::russian::plural(problems.unlisted() as u64, "замечание", "замечания", "замечаний");
        text.push_str(&format!("… и ещё {more}: исправьте показанные и проверьте файл снова.\n"));
    }
    if problems.has_errors() {
        text.push_str("\nИсправьте ошибки в файле и передайте его методисту.\n");
    }
    crate::problem::printable(&text)
}

/// Moves a file, copying when a rename across file systems is impossible.
/// An identical file already at the target (same name means same content hash) is kept.
fn move_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    if to.exists() {
        fs::remove_file(from).with_context(|| format!("не удалось убрать {}", from.display()))?;
        return Ok(());
    }
    if fs::rename(from, to).is_err() {
        fs::copy(from, to).with_context(|| format!("не удалось скопировать {} в {}", from.display(), to.display()))?;
        fs::remove_file(from).with_context(|| format!("не удалось убрать {} после копирования", from.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_copy_goes_back_to_its_first_name() {
        assert_eq!(first_name("журнал.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал.xls.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал_5aa78da2.xlsx.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал.ошибки_5aa78da2.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал_2025.xlsx"), "журнал_2025.xlsx");
        assert_eq!(first_name("без расширения"), "без расширения");
        assert_eq!(first_name(".ошибки.xlsx"), ".ошибки.xlsx");
    }
}
