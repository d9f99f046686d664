//! Stage 4, store: validated records as Parquet, Hive-partitioned
//! (`store/<table>/term_slug=<slug>/school=<code>/<key>-<sha>.parquet`), one file per table
//! per submission. A centre keeps each school's package as one file instead
//! (`store/packages/...`, [`packages`]); every read takes a table's rows from both. Files are
//! staged under a temporary name (in parallel, during validation) and renamed at commit; the
//! ingest log line that follows commits them, and [`Store::recover`] removes whatever a crash
//! left behind.

pub mod log;
pub mod packages;
pub mod parquet;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::ParquetReader;

use crate::forms::{Passport, TableFrame};
use crate::schema::Term;
use crate::schema::{Table, column};

/// The workspace's Parquet store: every table's partitions below one folder.
pub struct Store {
    /// The store's folder (`<workspace>/store`).
    pub root: PathBuf,
}

/// The folders of the store's files: every table's, and the packages'.
fn folders() -> impl Iterator<Item = &'static str> {
    Table::ALL
        .map(Table::code)
        .into_iter()
        .chain([packages::DIR])
}

/// The mark of an ingest under way ([`Store::begin`]), in the store's folder.
const UNFINISHED: &str = ".unfinished";

/// Identifies a submission: the key, and the file stored under it.
#[derive(Debug, Clone)]
pub struct SubmissionId {
    /// The submission key (school, form, term, author...) hashed: a re-submission under
    /// the same key replaces the earlier one.
    pub key_id: String,
    /// The SHA-256 of the submitted file: its first 12 digits name the stored file.
    pub sha256: String,
}

impl SubmissionId {
    /// The stored file's name without its extension: the key, and the file's first 12 digits.
    fn stem(&self) -> String {
        format!(
            "{}-{}",
            self.key_id,
            self.sha256.get(..12).unwrap_or(&self.sha256)
        )
    }

    fn file_name(&self) -> String {
        format!("{}.parquet", self.stem())
    }
}

/// Which columns a read decodes.
#[derive(Debug, Clone, Copy)]
pub enum Columns<'a> {
    /// Every column of the table.
    All,
    /// These columns only: a read that needs three columns does not decode thirty.
    Only(&'a [&'a str]),
    /// Every column but these (free text a computation never looks at).
    Except(&'a [&'a str]),
}

impl Columns<'_> {
    /// Whether a read of these columns decodes the column `name`.
    fn keeps(&self, name: &str) -> bool {
        match self {
            Columns::All => true,
            Columns::Only(names) => names.contains(&name),
            Columns::Except(names) => !names.contains(&name),
        }
    }
}

/// A submission's files written under temporary names, waiting for [`Store::publish`].
/// Those never published (a copy found to be a duplicate, a run stopped by an error) are
/// removed when it is dropped: a run that finishes walks only the partitions it replaced
/// submissions in ([`Store::recover_schools`]).
#[derive(Debug, Default)]
pub struct Staged {
    /// (temporary path, final path) of each file: publishing renames one to the other.
    pub files: Vec<(PathBuf, PathBuf)>,
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            // One left behind is removed by the next whole walk of the store.
            let _ = fs::remove_file(tmp);
        }
    }
}

/// Rows added, removed and changed by a re-submission, by record key.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Diff {
    /// Records whose key only the new file has.
    pub added: usize,
    /// Records whose key only the replaced file had.
    pub removed: usize,
    /// Records under the same key whose values differ.
    pub changed: usize,
}

impl Store {
    /// The store below `root` (nothing is created until a file is staged).
    pub fn new(root: &Path) -> Store {
        Store {
            root: root.to_path_buf(),
        }
    }

    /// A term's folder of a table (`folder` is its code) or of the packages. The partition
    /// keys (`term_slug`, `school`) repeat no data column: Spark refuses a key that is also a
    /// column, and DuckDB silently replaces the column.
    fn term_dir(&self, folder: &str, term: &Term) -> PathBuf {
        self.root.join(folder).join(term_part(term))
    }

    /// A partition's folder.
    fn partition(&self, folder: &str, term: &Term, school: &str) -> PathBuf {
        self.term_dir(folder, term).join(school_part(school))
    }

    /// Stages a validated submission: adds the source columns (term, school, author...),
    /// pseudonymises persons with `privacy` (a centre's key and its free-text items), and
    /// writes each table to a temporary file. Safe to run for many files at once; nothing is
    /// visible to readers until [`Store::publish`], and [`Store::recover`] removes what a
    /// crash leaves staged.
    pub fn stage(
        &self,
        passport: &Passport,
        source_file: &str,
        id: &SubmissionId,
        seq: u64,
        tables: &[TableFrame],
        privacy: Option<(&str, &[String])>,
    ) -> anyhow::Result<Staged> {
        let mut staged = Staged::default();
        for t in tables {
            let mut frame =
                with_source_columns(t.frame.clone(), passport, source_file, &id.sha256, seq)?;
            if let Some((key, text_items)) = privacy {
                frame = crate::privacy::pseudonymise(t.table, frame, key, text_items)?;
            }
            staged.files.push(self.stage_frame(
                t.table,
                &passport.term,
                &passport.school_code,
                id,
                frame,
            )?);
        }
        Ok(staged)
    }

    /// Writes one table of one submission to a temporary file beside its place, durably.
    pub fn stage_frame(
        &self,
        table: Table,
        term: &Term,
        school: &str,
        id: &SubmissionId,
        mut frame: DataFrame,
    ) -> anyhow::Result<(PathBuf, PathBuf)> {
        // Encoded in memory (one thread a file: files are staged on every core already) and
        // written with one call: the writer's many small writes would each be a system call
        // on an unbuffered file.
        let bytes = parquet::frame_to_parquet(&mut frame)?;
        self.stage_bytes(
            &self.partition(table.code(), term, school),
            &id.file_name(),
            &bytes,
        )
    }

    /// Writes `bytes` to a temporary file in `dir` (made if missing); returns it with the path
    /// `name` it takes when published. Not flushed to the disk here: the journal makes a
    /// group's published files durable together before the log line that commits them
    /// ([`crate::atomic::sync_files`]).
    fn stage_bytes(
        &self,
        dir: &Path,
        name: &str,
        bytes: &[u8],
    ) -> anyhow::Result<(PathBuf, PathBuf)> {
        fs::create_dir_all(dir).with_context(|| format!("не удалось создать {}", dir.display()))?;
        let (path, tmp) = (dir.join(name), dir.join(format!(".{name}.tmp")));
        fs::write(&tmp, bytes).with_context(|| format!("не удалось записать {}", tmp.display()))?;
        Ok((tmp, path))
    }

    /// Puts staged files in their places (atomic renames) and returns those places; the log
    /// line that follows commits them, once they are durable ([`crate::atomic::sync_files`]).
    pub fn publish(&self, mut staged: Staged) -> anyhow::Result<Vec<PathBuf>> {
        let mut published = Vec::with_capacity(staged.files.len());
        for (tmp, path) in std::mem::take(&mut staged.files) {
            fs::rename(&tmp, &path).with_context(|| {
                format!(
                    "не удалось переименовать {} в {}",
                    tmp.display(),
                    path.display()
                )
            })?;
            published.push(path);
        }
        Ok(published)
    }

    /// Removes store files that the log does not commit: leftovers of a crash, and the files
    /// of submissions that have since been replaced. Walks the whole store.
    pub fn recover(&self, current: &HashMap<String, String>) -> anyhow::Result<usize> {
        let folders: Vec<PathBuf> = folders().map(|folder| self.root.join(folder)).collect();
        self.remove_uncommitted(current, &folders)
    }

    /// [`Store::recover`] within the partitions of `schools` (term, school code) only: what
    /// a run that finished leaves to remove is the files of the submissions it replaced,
    /// and those lie in the partitions of their replacements. A whole walk was two thirds
    /// of the ingest of one file in a 300-school store (4 200 files), twice a `watch` batch.
    pub fn recover_schools(
        &self,
        current: &HashMap<String, String>,
        schools: &BTreeSet<(Term, String)>,
    ) -> anyhow::Result<usize> {
        let partitions: Vec<PathBuf> = schools
            .iter()
            .flat_map(|(term, school)| folders().map(|folder| self.partition(folder, term, school)))
            .collect();
        self.remove_uncommitted(current, &partitions)
    }

    /// Removes the files below `folders` that the log does not commit.
    fn remove_uncommitted(
        &self,
        current: &HashMap<String, String>,
        folders: &[PathBuf],
    ) -> anyhow::Result<usize> {
        let keep: HashSet<String> = current
            .iter()
            .map(|(key_id, sha)| {
                SubmissionId {
                    key_id: key_id.clone(),
                    sha256: sha.clone(),
                }
                .file_name()
            })
            .collect();
        let mut removed = 0;
        for path in files_below(folders)? {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            // A stored package's name adds its `seq` to its submission's file name.
            let committed = match packages::submission_file(&self.root, &path) {
                Some(submission) => keep.contains(&submission),
                None => keep.contains(name),
            };
            if !committed {
                fs::remove_file(&path)
                    .with_context(|| format!("не удалось удалить {}", path.display()))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Whether an ingest began and did not finish (killed, or stopped by an error): the
    /// store may then hold files its log does not commit, anywhere.
    pub fn unfinished(&self) -> bool {
        self.root.join(UNFINISHED).exists()
    }

    /// Marks an ingest begun, durably, before it stages anything: if it does not reach
    /// [`Store::finished`], the next one walks the whole store ([`Store::recover`]).
    pub fn begin(&self) -> anyhow::Result<()> {
        let mark = self.root.join(UNFINISHED);
        fs::create_dir_all(&self.root)
            .with_context(|| format!("не удалось создать {}", self.root.display()))?;
        fs::write(&mark, b"").with_context(|| format!("не удалось записать {}", mark.display()))?;
        crate::atomic::sync_files(&[mark])
    }

    /// Marks an ingest finished: the store is as its log says.
    pub fn finished(&self) -> anyhow::Result<()> {
        let mark = self.root.join(UNFINISHED);
        match fs::remove_file(&mark) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).with_context(|| format!("не удалось удалить {}", mark.display()))
            }
            _ => Ok(()),
        }
    }

    /// The schools with a partition of `table` in `term`, from the folder names alone. A
    /// centre's packages are not looked into: [`Store::schools_in`] counts their schools.
    pub fn schools(&self, table: Table, term: &Term) -> anyhow::Result<Vec<String>> {
        self.partitions(table.code(), term)
    }

    /// The schools with data of any table in `term`, their packages' included, from the
    /// folder names alone.
    pub fn schools_in(&self, term: &Term) -> anyhow::Result<Vec<String>> {
        let mut schools = std::collections::BTreeSet::new();
        for folder in Table::ALL
            .map(Table::code)
            .into_iter()
            .chain([packages::DIR])
        {
            schools.extend(self.partitions(folder, term)?);
        }
        Ok(schools.into_iter().collect())
    }

    /// The schools of the partitions of `folder` in `term`, in order.
    fn partitions(&self, folder: &str, term: &Term) -> anyhow::Result<Vec<String>> {
        let dir = self.term_dir(folder, term);
        if !dir.exists() {
            return Ok(Vec::new());
        }
        let mut schools = Vec::new();
        for entry in
            fs::read_dir(&dir).with_context(|| format!("не удалось прочитать {}", dir.display()))?
        {
            let name = entry?.file_name().to_string_lossy().to_string();
            if let Some(school) = name.strip_prefix("school=") {
                schools.push(school.to_string());
            }
        }
        schools.sort();
        Ok(schools)
    }

    /// All rows of a table, optionally of one term and some schools (partition pruning by path).
    pub fn read(
        &self,
        table: Table,
        term: Option<&Term>,
        schools: Option<&[String]>,
    ) -> anyhow::Result<Option<DataFrame>> {
        self.read_columns(table, term, schools, Columns::All)
    }

    /// [`Store::read`] of some columns only (projection pushdown: the others are not decoded).
    pub fn read_columns(
        &self,
        table: Table,
        term: Option<&Term>,
        schools: Option<&[String]>,
        columns: Columns,
    ) -> anyhow::Result<Option<DataFrame>> {
        Ok(self
            .read_tables(&[(table, columns)], term, schools)?
            .pop()
            .flatten())
    }

    /// Several tables of one term and some schools, each as [`Store::read_columns`] reads
    /// it: a stored package holds every table of its school, and is decoded once for all.
    /// A table's rows are stacked by partition, then by file name, whichever kind of file
    /// holds them.
    pub fn read_tables(
        &self,
        wanted: &[(Table, Columns)],
        term: Option<&Term>,
        schools: Option<&[String]>,
    ) -> anyhow::Result<Vec<Option<DataFrame>>> {
        let parts = parts(term, schools);
        let packages = self.found(packages::DIR, term, &parts, schools)?;
        let files = wanted
            .iter()
            .map(|(table, _)| self.found(table.code(), term, &parts, schools))
            .collect::<anyhow::Result<Vec<_>>>()?;
        // Files decode on all cores; a package once for every wanted table.
        let mut by_package =
            crate::parallel::map(&packages, |p| packages::read_tables(&p.path, wanted))
                .into_iter()
                .collect::<anyhow::Result<Vec<_>>>()?;
        let jobs: Vec<(&Path, Columns)> = files
            .iter()
            .zip(wanted)
            .flat_map(|(found, (_, columns))| found.iter().map(|f| (f.path.as_path(), *columns)))
            .collect();
        let mut read = crate::parallel::map(&jobs, |(path, columns)| read_parquet(path, *columns))
            .into_iter()
            .collect::<anyhow::Result<Vec<_>>>()?
            .into_iter();
        let mut tables = Vec::with_capacity(wanted.len());
        for (i, found) in files.iter().enumerate() {
            // The table's files and the packages' rows of it, in the order of their places.
            let mut placed: Vec<(&(usize, PathBuf), DataFrame)> = found
                .iter()
                .map(|f| &f.place)
                .zip(read.by_ref().take(found.len()))
                .collect();
            placed.extend(
                packages
                    .iter()
                    .zip(by_package.iter_mut())
                    .filter_map(|(p, tables)| Some((&p.place, tables[i].take()?))),
            );
            placed.sort_by(|a, b| a.0.cmp(b.0));
            tables.push(union(placed.into_iter().map(|(_, f)| f).collect())?);
        }
        Ok(tables)
    }

    /// The Parquet files of `folder` (a table's or the packages') in the partitions `parts`
    /// of the wanted schools, each with its place: its partition, then its path.
    fn found(
        &self,
        folder: &str,
        term: Option<&Term>,
        parts: &[PathBuf],
        schools: Option<&[String]>,
    ) -> anyhow::Result<Vec<Found>> {
        // One look at the term's folder spares one per school when the term has no data.
        if let (Some(t), Some(_)) = (term, schools)
            && !self.term_dir(folder, t).exists()
        {
            return Ok(Vec::new());
        }
        let base = self.root.join(folder);
        let wanted = |relative: &Path| {
            schools.is_none_or(|list| {
                relative.components().any(|c| {
                    c.as_os_str()
                        .to_str()
                        .and_then(|n| n.strip_prefix("school="))
                        .is_some_and(|s| list.iter().any(|l| l == s))
                })
            })
        };
        let mut found = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let dir = base.join(part);
            if !dir.exists() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let path = entry?.into_path();
                let relative = path.strip_prefix(&base).unwrap_or(&path).to_path_buf();
                if path.extension().is_some_and(|e| e == "parquet") && wanted(&relative) {
                    found.push(Found {
                        place: (i, relative),
                        path,
                    });
                }
            }
        }
        Ok(found)
    }

    /// A submission's rows of one table as stored, for the change report of a replacement.
    pub fn read_submission(
        &self,
        table: Table,
        passport: &Passport,
        id: &SubmissionId,
    ) -> anyhow::Result<Option<DataFrame>> {
        let path = self
            .partition(table.code(), &passport.term, &passport.school_code)
            .join(id.file_name());
        if !path.exists() {
            return Ok(None);
        }
        Ok(Some(read_parquet(&path, Columns::All)?))
    }
}

/// The partition folders a read walks, relative to a table's folder, in the order its rows
/// are stacked: the schools' in the order given, else the term's or every term's folder.
fn parts(term: Option<&Term>, schools: Option<&[String]>) -> Vec<PathBuf> {
    match (term, schools) {
        (Some(t), Some(list)) => list
            .iter()
            .map(|s| Path::new(&term_part(t)).join(school_part(s)))
            .collect(),
        (Some(t), None) => vec![PathBuf::from(term_part(t))],
        (None, _) => vec![PathBuf::new()],
    }
}

/// A term's partition key as a folder name.
fn term_part(term: &Term) -> String {
    format!("term_slug={}", term.slug())
}

/// A school's partition key as a folder name.
fn school_part(school: &str) -> String {
    format!("school={school}")
}

/// Every file below those of `folders` that exist, sorted.
fn files_below(folders: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for dir in folders.iter().filter(|dir| dir.exists()) {
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A Parquet file a read found, and its place among the files of the read: the index of its
/// partition folder, then its path below the table's (or the packages') folder.
struct Found {
    place: (usize, PathBuf),
    path: PathBuf,
}

/// Concatenates frames diagonally (files written at different times, packages and raw
/// forms, may order or lack columns differently), 64 at a time.
fn union(mut frames: Vec<DataFrame>) -> PolarsResult<Option<DataFrame>> {
    let args = || UnionArgs {
        diagonal: true,
        to_supertypes: true,
        ..Default::default()
    };
    while frames.len() > 1 {
        frames = frames
            .chunks(64)
            .map(|chunk| {
                concat(
                    chunk.iter().map(|f| f.clone().lazy()).collect::<Vec<_>>(),
                    args(),
                )?
                .collect()
            })
            .collect::<PolarsResult<_>>()?;
    }
    Ok(frames.pop())
}

fn read_parquet(path: &Path, columns: Columns) -> anyhow::Result<DataFrame> {
    let file =
        File::open(path).with_context(|| format!("не удалось открыть {}", path.display()))?;
    // One thread a file: the callers read many small files on every core, and polars'
    // own fan-out over the columns of a file this small cost more than the decoding.
    let mut reader = ParquetReader::new(file).read_parallel(ParallelStrategy::None);
    if !matches!(columns, Columns::All) {
        let schema = anyhow::Context::with_context(reader.schema(), || {
            format!("не удалось прочитать {}", path.display())
        })?;
        let keep = schema
            .iter_names()
            .filter(|n| columns.keeps(n))
            .map(|n| n.to_string())
            .collect();
        reader = reader.with_columns(Some(keep));
    }
    anyhow::Context::with_context(reader.finish(), || {
        format!("не удалось прочитать {}", path.display())
    })
}

/// Adds the columns every store row carries: where and when it comes from.
/// `seq` is the submission's line in the ingest log: where two authors send a record for the
/// same person, the larger `seq` wins. Built eagerly: on frames this small a lazy plan costs
/// more than the work.
fn with_source_columns(
    mut frame: DataFrame,
    p: &Passport,
    source_file: &str,
    sha: &str,
    seq: u64,
) -> PolarsResult<DataFrame> {
    let n = frame.height();
    let text = |name: &str, value: &str| {
        Column::new_scalar(
            name.into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(value.into())),
            n,
        )
    };
    let filled_on = p.filled_on.map(|d| d.format("%Y-%m-%d").to_string());
    let instrument = p
        .questionnaire
        .as_deref()
        .or(p.diagnostic.as_deref())
        .unwrap_or_default();
    for source in [
        text(column::TERM, &p.term.label()),
        Column::new_scalar(
            column::SCHOOL_YEAR.into(),
            Scalar::new(DataType::Int32, AnyValue::Int32(p.term.year)),
            n,
        ),
        text(column::PERIOD, p.term.period.code()),
        text(column::SCHOOL_CODE, &p.school_code),
        text(column::SCHOOL_NAME, &p.school_name),
        text(column::MUNICIPALITY, &p.municipality),
        text(column::AUTHOR, &p.filled_by),
        text(column::FILLED_ON, filled_on.as_deref().unwrap_or_default()),
        Column::new_scalar(
            column::FORM_VERSION.into(),
            Scalar::new(DataType::Int64, AnyValue::Int64(p.form_version)),
            n,
        ),
        text(column::INSTRUMENT, instrument),
        text(column::WAVE, p.wave.map(|w| w.code()).unwrap_or_default()),
        text(column::SUBJECT, p.subject.as_deref().unwrap_or_default()),
        text(column::SOURCE_FILE, source_file),
        text(column::SOURCE_SHA256, sha),
        Column::new_scalar(
            column::SEQ.into(),
            Scalar::new(DataType::UInt64, AnyValue::UInt64(seq)),
            n,
        ),
    ] {
        // The roster's rows carry each person's own subject: the passport's (a diagnostic's
        // subject, empty on a roster) must not overwrite it.
        if source.name() == column::SUBJECT && frame.column(column::SUBJECT).is_ok() {
            continue;
        }
        frame.with_column(source)?;
    }
    Ok(frame)
}

/// Compares two versions of a submission's table by record key and content digest.
pub fn diff(old: Option<&DataFrame>, new: &DataFrame) -> anyhow::Result<Diff> {
    let pairs = |df: &DataFrame| -> anyhow::Result<HashMap<String, String>> {
        let keys = df.column(column::KEY)?.str()?.clone();
        let digests = df.column(column::DIGEST)?.str()?.clone();
        Ok(keys
            .iter()
            .zip(digests.iter())
            .filter_map(|(k, d)| Some((k?.to_string(), d?.to_string())))
            .collect())
    };
    let Some(old) = old else {
        // A first submission: every record is new.
        return Ok(Diff {
            added: new.column(column::KEY)?.n_unique()?,
            ..Diff::default()
        });
    };
    let (new, old) = (pairs(new)?, pairs(old)?);
    Ok(Diff {
        added: new.keys().filter(|k| !old.contains_key(*k)).count(),
        removed: old.keys().filter(|k| !new.contains_key(*k)).count(),
        changed: new
            .iter()
            .filter(|(k, d)| old.get(*k).is_some_and(|o| o != *d))
            .count(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Period;

    const TERM: Term = Term {
        year: 2025,
        period: Period::Q1,
    };

    fn id(key: &str, sha: &str) -> SubmissionId {
        SubmissionId {
            key_id: key.repeat(16),
            sha256: sha.repeat(64),
        }
    }

    /// Stages a roster file of `school` under `id` (its bytes do not matter here).
    fn stage(store: &Store, school: &str, id: &SubmissionId) -> Staged {
        let dir = store.partition(Table::Roster.code(), &TERM, school);
        let file = store.stage_bytes(&dir, &id.file_name(), b"rows").unwrap();
        Staged { files: vec![file] }
    }

    #[test]
    fn a_finished_run_removes_replaced_files_from_its_schools_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let old = store.publish(stage(&store, "S1", &id("a", "1"))).unwrap();
        let new = store.publish(stage(&store, "S1", &id("a", "2"))).unwrap();
        // Uncommitted in another school: only a whole walk finds it.
        let elsewhere = store.publish(stage(&store, "S2", &id("b", "3"))).unwrap();
        let current = HashMap::from([(id("a", "2").key_id, id("a", "2").sha256)]);
        let s1 = BTreeSet::from([(TERM, "S1".to_string())]);
        assert_eq!(store.recover_schools(&current, &s1).unwrap(), 1);
        assert!(!old[0].exists() && new[0].exists() && elsewhere[0].exists());
        assert_eq!(store.recover(&current).unwrap(), 1);
        assert!(!elsewhere[0].exists() && new[0].exists());
    }

    #[test]
    fn a_staged_file_never_published_is_removed_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let staged = stage(&store, "S1", &id("a", "1"));
        let (tmp, path) = staged.files[0].clone();
        assert!(tmp.exists());
        drop(staged);
        assert!(!tmp.exists() && !path.exists());
        // Published, it stays.
        let published = store.publish(stage(&store, "S1", &id("a", "1"))).unwrap();
        assert!(published[0].exists());
    }

    #[test]
    fn an_ingest_is_unfinished_from_its_beginning_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join("store"));
        assert!(!store.unfinished());
        store.begin().unwrap();
        assert!(store.unfinished());
        store.finished().unwrap();
        assert!(!store.unfinished());
        store.finished().unwrap();
    }
}
