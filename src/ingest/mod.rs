//! The file journey of workflow.md: each inbox file is identified, validated, and either
//! stored (then archived) or rejected with its problem list; same bytes twice is a no-op,
//! the same submission key replaces. The ingest log line is the commit point.
//!
//! [`run`] reads as the journey: [`plan`] hashes the inbox and opens workbooks on a
//! bounded pool, [`decision`] validates each and turns it into a [`decision::Decision`]
//! (store, reject, duplicate) for workbooks and schools' packages alike, [`journal`]
//! carries the decisions out (store commit, log, moves) and [`summary`] tells the
//! methodologist what happened. [`authors`] warns about clashes between authors,
//! [`moves`] knows where files go, [`problem_list`] writes what a teacher reads, and
//! [`error`] says why a file is refused whole.

mod authors;
mod decision;
mod error;
mod journal;
mod moves;
mod plan;
mod problem_list;
pub mod summary;

pub use moves::{Beside, FIXED, beside_rejected};
pub use plan::Options;
pub use problem_list::problems_text;
pub use summary::{FileReport, Replaced, Summary};

use crate::config::Config;
use crate::definitions::Definitions;
use crate::discover;
use crate::store::Store;
use crate::workspace::Workspace;
use decision::Decision;
use journal::Journal;
use plan::{Incoming, Run};

/// Processes everything in `inbox/`.
pub fn run(
    ws: &Workspace,
    config: &Config,
    definitions: &Definitions,
    options: &Options,
) -> anyhow::Result<Summary> {
    let store = Store::new(&ws.store());
    let mut journal = Journal::open(ws, &store, options.interrupted)?;
    let run = Run::new(ws, store, config, definitions, options)?;
    let found = discover::inbox(&ws.inbox())?;
    let mut summary = Summary {
        skipped: found
            .skipped
            .iter()
            .map(|(p, r)| (ws.relative(p), *r))
            .collect(),
        ..Default::default()
    };

    let mut incoming = Vec::new();
    // Hashed on every core: reading and hashing 3 000 files was serial time before any
    // validation could start.
    let hashed = crate::parallel::map(&found.files, |path| {
        Incoming::hash(path, run.max_file_bytes)
    });
    for (path, hashed) in found.files.into_iter().zip(hashed) {
        match hashed {
            Ok(file) => incoming.push(file),
            Err(e) => {
                let file = Incoming {
                    path,
                    sha256: String::new(),
                };
                summary.add(journal.apply(&run, file, Decision::refused(&e))?);
            }
        }
    }

    // A file whose journey was logged but not finished (a crash between the log line and
    // the move): finish the move, log nothing new, so the outcome equals an uninterrupted run.
    let mut fresh = Vec::new();
    for file in incoming {
        match journal.unfinished_move(&ws.relative(&file.path), &file.sha256) {
            Some(target) => moves::move_file(&file.path, target)?,
            None => fresh.push(file),
        }
    }

    // Same bytes as a committed file: nothing to store, the inbox copy is archived.
    let (duplicates, fresh): (Vec<_>, Vec<_>) = fresh
        .into_iter()
        .partition(|f| journal.committed().contains(&f.sha256));
    for file in duplicates {
        summary.add(journal.apply(&run, file, Decision::Duplicate)?);
    }

    // Schools' packages (Parquet) are read whole; spreadsheets are validated.
    let (packages, workbooks): (Vec<_>, Vec<_>) = fresh.into_iter().partition(Incoming::is_package);
    for (file, decision) in decision::for_packages(packages, &run, journal.next_seq())? {
        summary.add(journal.apply(&run, file, decision)?);
    }

    let planned = plan::open(workbooks, &run)?;
    let mut progress = crate::progress::Progress::new(planned.files.len(), ["файла", "файлов"]);
    // The journal's state before this step: verdicts are decided against it up front.
    let (first_seq, committed) = (journal.next_seq(), journal.committed().clone());
    decision::for_workbooks(planned, &run, first_seq, &committed, |(file, decision)| {
        progress.step();
        summary.add(journal.apply(&run, file, decision)?);
        Ok(())
    })?;
    summary.fixed = journal.finish(&run)?;
    Ok(summary)
}
