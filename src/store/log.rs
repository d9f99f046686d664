//! The ingest log (`store/ingest-log.csv`): one line per file per run. It is the commit
//! point of the store: a submission's Parquet files count only once its line is written.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored for the first time under its key.
    Stored,
    /// Stored, replacing an earlier file with the same key.
    Replaced,
    /// The same bytes were stored before: nothing to do.
    Duplicate,
    /// Not stored: it has errors.
    Rejected,
}

impl Outcome {
    /// The outcome as the methodologist reads it in the summary and `status`.
    pub fn russian(self) -> &'static str {
        match self {
            Outcome::Stored => "загружен",
            Outcome::Replaced => "заменил прежний",
            Outcome::Duplicate => "уже загружен",
            Outcome::Rejected => "отклонён",
        }
    }

    /// Whether the entry commits a submission to the store.
    pub fn commits(self) -> bool {
        matches!(self, Outcome::Stored | Outcome::Replaced)
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the file was handled (local time, `SOURCE_DATE_EPOCH` in tests).
    pub time: String,
    /// The file's name as it was dropped in `inbox/`.
    pub file: String,
    /// Where the file went: its path in `archive/` or `rejected/`.
    pub moved_to: String,
    /// The SHA-256 of the file's bytes: the same bytes twice are a duplicate.
    pub sha256: String,
    /// What happened to the file.
    pub outcome: Outcome,
    /// The form's code (`FormKind::code`), empty when the form could not be told.
    pub form: String,
    /// The school's `Код ОО` from `Паспорт`, empty when unread.
    pub school_code: String,
    /// The term's label (`2025/2026 Q1`), empty when unread.
    pub term: String,
    /// The submission key in words: form, instrument, wave, author.
    pub key: String,
    /// Short hash of the key, naming the submission's store files.
    pub key_id: String,
    /// Data rows read (blank and `Итого` rows not counted).
    pub rows_read: usize,
    /// Rows stored: those without an error.
    pub rows_stored: usize,
    /// Rows left out for an error.
    pub rows_rejected: usize,
    /// Blank rows skipped between data rows.
    pub rows_blank: usize,
    /// Warnings given (the file is stored all the same).
    pub warnings: usize,
    /// Errors found.
    pub errors: usize,
    /// Records new against the submission this one replaced.
    pub added: usize,
    /// Records of the replaced submission this one no longer has.
    pub removed: usize,
    /// Records under the same key whose values changed.
    pub changed: usize,
    /// Why a reader could not read the file, in its own words (empty otherwise). Logs
    /// written before this column existed read as empty.
    #[serde(default)]
    pub detail: String,
}

/// The ingest log of a store, appended to line by line.
pub struct Log {
    path: PathBuf,
}

impl Log {
    /// The log of the store in `store` (the file is created with its first line).
    pub fn new(store: &Path) -> Log {
        Log {
            path: store.join("ingest-log.csv"),
        }
    }

    /// Every entry; a last line cut short by a crash is ignored.
    pub fn entries(&self) -> anyhow::Result<Vec<Entry>> {
        Ok(self.read()?.0)
    }

    /// The entries, and where a last record cut short by a crash starts (it commits nothing).
    /// What was read last ([`LAST_READ`]) is parsed again only if the log no longer starts
    /// with it.
    fn read(&self) -> anyhow::Result<(Vec<Entry>, Option<u64>)> {
        let cannot_read = || format!("не удалось прочитать {}", self.path.display());
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
            Err(e) => return Err(e).with_context(cannot_read),
        };
        let mut last_read = LAST_READ.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = last_read
            .take()
            .filter(|read| read.path == self.path && bytes.starts_with(&read.bytes));
        let (headers, mut entries, from) = match kept {
            Some(read) => (read.headers, read.entries, read.bytes.len()),
            None => {
                // Flexible: lines written after a column was added are longer than the
                // header of an older log; the fields the header names are read.
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(bytes.as_slice());
                let headers = reader.headers().with_context(cannot_read)?.clone();
                let from = reader.position().byte() as usize;
                (headers, Vec::new(), from)
            }
        };
        let parsed = records(&bytes, from, &headers);
        let (before, last) = (entries.len(), parsed.len().saturating_sub(1));
        let last_start = parsed.last().map(|(start, _)| *start);
        let mut torn = None;
        for (i, (start, entry)) in parsed.into_iter().enumerate() {
            match entry {
                Some(e) => entries.push(e),
                // Only the last line may be cut short, by a crash; it commits nothing.
                None if i == last => torn = Some(start),
                None => anyhow::bail!(
                    "журнал загрузок {} повреждён (строка {}): его нельзя редактировать вручную. Верните его из резервной копии; хранилище не тронуто",
                    self.path.display(),
                    before + i + 2
                ),
            }
        }
        // What the next read may take as read: every record up to a torn one, or up to
        // the last one when the log does not end with a line end (a crash may have cut it
        // where it still reads whole).
        let open_last = last_start.filter(|_| !bytes.ends_with(b"\n"));
        let (end, count) = match (torn, open_last) {
            (Some(start), _) => (start as usize, entries.len()),
            (None, Some(start)) => (start as usize, entries.len() - 1),
            (None, None) => (bytes.len(), entries.len()),
        };
        // Whole lines only, the header's among them.
        if bytes[..end].ends_with(b"\n") {
            let mut bytes = bytes;
            bytes.truncate(end);
            *last_read = Some(Read {
                path: self.path.clone(),
                bytes,
                headers,
                entries: entries[..count].to_vec(),
            });
        }
        Ok((entries, torn))
    }

    /// Appends entries with one write and flushes them to disk before returning.
    pub fn append<'e>(&self, entries: impl IntoIterator<Item = &'e Entry>) -> anyhow::Result<()> {
        self.mend_torn_end()?;
        let new = !self.path.exists() || std::fs::metadata(&self.path)?.len() == 0;
        let mut writer = csv::WriterBuilder::new()
            .has_headers(new)
            .from_writer(Vec::new());
        for entry in entries {
            writer.serialize(entry)?;
        }
        let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .with_context(|| format!("не удалось записать {}", self.path.display()))?;
        file.write_all(&bytes)?;
        file.sync_data()?;
        Ok(())
    }

    /// A log whose last line was cut short by a crash (it does not end with a line end) is
    /// mended before anything is added, so the next line starts on its own line: a cut record
    /// is removed (it committed nothing), a record that reads whole gets its line end, and a
    /// log without even a whole header starts afresh.
    fn mend_torn_end(&self) -> anyhow::Result<()> {
        let Ok(bytes) = std::fs::read(&self.path) else {
            return Ok(());
        };
        if bytes.is_empty() || bytes.ends_with(b"\n") {
            return Ok(());
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .with_context(|| format!("не удалось записать {}", self.path.display()))?;
        if !bytes.contains(&b'\n') {
            file.set_len(0)?;
        } else if let (_, Some(start)) = self.read()? {
            file.set_len(start)?;
        } else {
            (&file).write_all(b"\n")?;
        }
        file.sync_data()?;
        Ok(())
    }
}

/// What this process read of a log last: its bytes up to the end of the last whole record,
/// the header and the entries of those bytes.
struct Read {
    path: PathBuf,
    bytes: Vec<u8>,
    headers: csv::StringRecord,
    entries: Vec<Entry>,
}

/// The log read last. A log only grows (lines are added at its end, and a torn last line is
/// cut off before), so a log that still starts with the bytes read last is parsed from
/// where they end: `watch` reads the log five times a batch, and a 300-school workspace's
/// log has 3 000 lines.
static LAST_READ: Mutex<Option<Read>> = Mutex::new(None);

/// The records of the log `bytes` from byte `from` (the start of a record), each with its
/// start and its entry (`None` where it does not read as a whole entry).
fn records(bytes: &[u8], from: usize, headers: &csv::StringRecord) -> Vec<(u64, Option<Entry>)> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&bytes[from..]);
    let mut parsed = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let start = from as u64 + reader.position().byte();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => parsed.push((
                start,
                record
                    .deserialize::<Entry>(Some(headers))
                    .ok()
                    .filter(valid),
            )),
            Err(_) if from as u64 + reader.position().byte() > start => {
                parsed.push((start, None));
            }
            Err(_) => break,
        }
    }
    parsed
}

/// Whether an entry read back is whole: a line cut short loses its later fields, and the
/// SHA-256 (when there is one) is the check that the line was not cut inside it.
fn valid(e: &Entry) -> bool {
    e.sha256.is_empty() || (e.sha256.len() == 64 && e.sha256.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The committed state: for each submission key, the SHA-256 of the file stored under it.
pub fn current_submissions(entries: &[Entry]) -> HashMap<String, String> {
    entries
        .iter()
        .filter(|e| e.outcome.commits())
        .map(|e| (e.key_id.clone(), e.sha256.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str) -> Entry {
        Entry {
            time: "2026-12-02 10:00:00".into(),
            file: file.into(),
            moved_to: format!("archive/{file}"),
            sha256: "ab".repeat(32),
            outcome: Outcome::Stored,
            form: "attendance".into(),
            school_code: "2300-001".into(),
            term: "2025/2026 Q4".into(),
            key: "посещаемость".into(),
            key_id: "0123456789abcdef".into(),
            rows_read: 3,
            rows_stored: 3,
            rows_rejected: 0,
            rows_blank: 0,
            warnings: 0,
            errors: 0,
            added: 3,
            removed: 0,
            changed: 0,
            detail: String::new(),
        }
    }

    /// The entries as a process that never read the log would read them.
    fn fresh(log: &Log) -> Vec<Entry> {
        *LAST_READ.lock().unwrap() = None;
        log.entries().unwrap()
    }

    fn files(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(|e| e.file.as_str()).collect()
    }

    #[test]
    fn a_log_read_again_after_lines_were_added_reads_as_a_fresh_read() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path());
        assert!(log.entries().unwrap().is_empty(), "no log yet");
        log.append(&[entry("а.xlsx"), entry("б.xlsx")]).unwrap();
        assert_eq!(files(&log.entries().unwrap()), ["а.xlsx", "б.xlsx"]);
        log.append(&[entry("в.xlsx")]).unwrap();
        let again = log.entries().unwrap();
        assert_eq!(files(&again), ["а.xlsx", "б.xlsx", "в.xlsx"]);
        assert_eq!(again, fresh(&log));
    }

    #[test]
    fn a_log_changed_before_its_end_is_read_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path());
        log.append(&[entry("а.xlsx"), entry("б.xlsx")]).unwrap();
        log.entries().unwrap();
        let path = dir.path().join("ingest-log.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("а.xlsx", "я.xlsx")).unwrap();
        assert_eq!(files(&log.entries().unwrap()), ["я.xlsx", "б.xlsx"]);
        // A shorter log (restored from a backup) too.
        let mut lines: Vec<&str> = text.lines().collect();
        lines.pop();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        assert_eq!(files(&log.entries().unwrap()), ["а.xlsx"]);
    }

    #[test]
    fn a_last_line_without_its_end_is_read_again_when_the_log_grows() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path());
        log.append(&[entry("а.xlsx"), entry("б.xlsx")]).unwrap();
        let path = dir.path().join("ingest-log.csv");
        let whole = std::fs::read(&path).unwrap();
        // A crash after the record but before its line end: it reads whole and counts.
        std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
        assert_eq!(files(&log.entries().unwrap()), ["а.xlsx", "б.xlsx"]);
        // A crash inside the record's SHA-256: it commits nothing...
        let cut = whole.len() - 40;
        std::fs::write(&path, &whole[..cut]).unwrap();
        let (entries, torn) = log.read().unwrap();
        assert_eq!(files(&entries), ["а.xlsx"]);
        assert!(torn.is_some());
        // ...and the next run's line replaces it.
        log.append(&[entry("в.xlsx")]).unwrap();
        let after = log.entries().unwrap();
        assert_eq!(files(&after), ["а.xlsx", "в.xlsx"]);
        assert_eq!(after, fresh(&log));
    }

    #[test]
    fn a_damaged_line_before_the_last_stops_a_read_that_kept_the_lines_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let log = Log::new(dir.path());
        log.append(&[entry("а.xlsx")]).unwrap();
        log.entries().unwrap();
        let path = dir.path().join("ingest-log.csv");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"2026,broken,x,nothex,stored\n");
        std::fs::write(&path, &bytes).unwrap();
        log.append(&[entry("б.xlsx")]).unwrap();
        let refused = log.entries().unwrap_err().to_string();
        assert!(refused.contains("повреждён (строка 3)"), "{refused}");
    }
}
