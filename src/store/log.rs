//! The ingest log (`store/ingest-log.csv`): one line per file per run. It is the commit
//! point of the store: a submission's Parquet files count only once its line is written.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

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
    fn read(&self) -> anyhow::Result<(Vec<Entry>, Option<u64>)> {
        if !self.path.exists() {
            return Ok((Vec::new(), None));
        }
        let cannot_read = || format!("не удалось прочитать {}", self.path.display());
        // Flexible: lines written after a column was added are longer than the header of
        // an older log; the fields the header names are read.
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(&self.path)
            .with_context(cannot_read)?;
        let headers = reader.headers().with_context(cannot_read)?.clone();
        let mut parsed = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            let start = reader.position().byte();
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => parsed.push((
                    start,
                    record
                        .deserialize::<Entry>(Some(&headers))
                        .ok()
                        .filter(valid),
                )),
                Err(_) if reader.position().byte() > start => parsed.push((start, None)),
                Err(_) => break,
            }
        }
        let last = parsed.len().saturating_sub(1);
        let mut entries = Vec::with_capacity(parsed.len());
        let mut torn = None;
        for (i, (start, entry)) in parsed.into_iter().enumerate() {
            match entry {
                Some(e) => entries.push(e),
                // Only the last line may be cut short, by a crash; it commits nothing.
                None if i == last => torn = Some(start),
                None => anyhow::bail!(
                    "журнал загрузок {} повреждён (строка {}): его нельзя редактировать вручную. Верните его из резервной копии; хранилище не тронуто",
                    self.path.display(),
                    i + 2
                ),
            }
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
