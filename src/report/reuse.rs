//! What a long-lived process (`watch`) keeps between builds of a term's report model so that
//! only the schools whose store files changed are computed again: each school's computed
//! piece, stamped with the school's store files (their names carry the submission's SHA),
//! and the context every piece was computed in (configuration, questionnaires, comparison
//! and trend terms, store files that belong to no school). A piece is reused only when both
//! are unchanged; a changed context forgets every piece of the term.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A store file as a stamp sees it: path, size and modification time.
type FileStamp = (PathBuf, u64, Option<SystemTime>);

/// The store's Parquet files, by the school whose partition (`school=<code>`) holds them.
pub struct Stamps {
    by_school: HashMap<String, Vec<FileStamp>>,
    /// Files in no school's partition: whatever they hold may concern every school.
    pub others: Vec<FileStamp>,
}

impl Stamps {
    /// Every Parquet file below the store's folder (`root`), in path order; none when it is
    /// missing. The store's partitions (`<table>/term_slug=<slug>`) are walked on every
    /// core: a 300-school store is 3 900 folders and 4 200 files, and `watch` looks at each
    /// once a batch, while the other core waits.
    pub fn of_store(root: &Path) -> anyhow::Result<Stamps> {
        let mut stamps = Stamps {
            by_school: HashMap::new(),
            others: Vec::new(),
        };
        if !root.exists() {
            return Ok(stamps);
        }
        // The walk of the store cut at its second level, in path order: each entry there,
        // walked whole, lists what the whole walk lists below it, and the entries above
        // it are folders or files of no school.
        let mut partitions = Vec::new();
        for entry in walkdir::WalkDir::new(root).max_depth(2).sort_by_file_name() {
            let entry = entry?;
            if entry.depth() == 2 {
                partitions.push(entry.into_path());
            } else if let Some(stamp) = stamp(entry)? {
                stamps.others.push(stamp);
            }
        }
        let walked = crate::parallel::map(&partitions, |partition| {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(partition).sort_by_file_name() {
                if let Some(stamp) = stamp(entry?)? {
                    found.push(stamp);
                }
            }
            anyhow::Ok(found)
        });
        for found in walked {
            for stamp in found? {
                let school = stamp.0.components().find_map(|c| {
                    c.as_os_str()
                        .to_str()
                        .and_then(|n| n.strip_prefix("school="))
                        .map(String::from)
                });
                match school {
                    Some(code) => stamps.by_school.entry(code).or_default().push(stamp),
                    None => stamps.others.push(stamp),
                }
            }
        }
        Ok(stamps)
    }

    /// The files of one school (none when it has no partition).
    pub fn school(&self, code: &str) -> &[FileStamp] {
        self.by_school.get(code).map_or(&[], Vec::as_slice)
    }
}

/// The stamp of a walked entry if it is a Parquet file. Parquet files only: the ingest log
/// grows with every file, and questionnaire definitions are part of the context already.
fn stamp(entry: walkdir::DirEntry) -> anyhow::Result<Option<FileStamp>> {
    if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "parquet") {
        return Ok(None);
    }
    let meta = entry.metadata()?;
    Ok(Some((entry.into_path(), meta.len(), meta.modified().ok())))
}

/// The pieces of one term's model, by school code.
pub struct Pieces<T> {
    context: String,
    schools: HashMap<String, (Vec<FileStamp>, T)>,
}

impl<T> Default for Pieces<T> {
    fn default() -> Self {
        Pieces {
            context: String::new(),
            schools: HashMap::new(),
        }
    }
}

impl<T> Pieces<T> {
    /// Starts a build in `context` (a description of everything but the schools' own files
    /// that the pieces depend on): a different one forgets every piece.
    pub fn enter(&mut self, context: String) {
        if context != self.context {
            self.schools.clear();
            self.context = context;
        }
    }

    /// The school's piece, if it was computed from the same files.
    pub fn get(&self, code: &str, files: &[FileStamp]) -> Option<&T> {
        self.schools
            .get(code)
            .filter(|(stamp, _)| stamp.as_slice() == files)
            .map(|(_, piece)| piece)
    }

    /// Keeps a school's piece computed from `files`.
    pub fn insert(&mut self, code: &str, files: &[FileStamp], piece: T) {
        self.schools
            .insert(code.to_string(), (files.to_vec(), piece));
    }

    /// Forgets the schools not in `codes` (their data left the store).
    pub fn retain(&mut self, codes: &[String]) {
        self.schools.retain(|code, _| codes.contains(code));
    }
}
