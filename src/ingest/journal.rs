//! The journal carries out decisions: it commits a stored file's store files, writes the
//! ingest log line, moves the file to `archive/` or `rejected/` (with its problem list and
//! annotated copy) and returns the file's line of the summary.
//!
//! Crash safety (docs/architecture.md, Reliability): store files are staged under temporary
//! names and renamed before their log line; the log line (fsynced) is the commit point;
//! lines are written in groups of up to [`GROUP_COMMIT`] with one fsync, each group just
//! after its store files are made durable together and just before its files move. A killed
//! run's last group may have lines whose files never moved: the next run finishes those
//! moves and logs nothing new.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::authors;
use super::decision::{Content, Decision, Rejection, Submission, package_key_id};
use super::moves::{self, Beside, beside_rejected, first_name};
use super::plan::{Incoming, Run};
use super::problem_list::problems_text;
use super::summary::{FileReport, Replaced};
use crate::forms::{Passport, TableFrame};
use crate::problem::{Problems, Severity};
use crate::schema::Term;
use crate::store::log::{Entry, Log, Outcome, current_submissions};
use crate::store::{Diff, Store, SubmissionId};
use crate::workspace::Workspace;

/// Log lines written (and fsynced) at once: a crash leaves at most this many journeys to finish.
const GROUP_COMMIT: usize = 256;

/// The committed state of the workspace as the log tells it, and the lines of this run.
pub(super) struct Journal {
    log: Log,
    /// Submission key -> SHA-256 of the file stored under it.
    current: HashMap<String, String>,
    /// Submission key -> the file stored under it and its author as written.
    current_files: HashMap<String, Replaced>,
    /// SHA-256 of every committed file.
    committed: HashSet<String>,
    /// Number of log lines so far: orders submissions, so the later one wins a conflict.
    seq: u64,
    /// (file, SHA-256) of logged journeys whose file never reached its destination.
    unfinished: HashMap<(String, String), PathBuf>,
    /// Log lines not yet written, with the move each one announces: written together, then
    /// moved together ([`Journal::flush`]).
    pending: Vec<(Entry, PathBuf, PathBuf)>,
    /// Store files published for the pending lines, made durable before those lines are written.
    published: Vec<PathBuf>,
    /// (term, school) of every submission this run replaced: the replaced files are removed
    /// from these partitions at the end ([`Store::recover_schools`]).
    replaced: BTreeSet<(Term, String)>,
}

impl Journal {
    /// Reads the log and, when the last ingest did not finish, removes from the store
    /// whatever the log does not commit (its leftovers); marks this one begun.
    /// `interrupted`: the previous run was killed.
    pub fn open(ws: &Workspace, store: &Store, interrupted: bool) -> anyhow::Result<Journal> {
        let log = Log::new(&ws.store());
        let entries = log.entries()?;
        let current = current_submissions(&entries);
        if interrupted || store.unfinished() {
            store.recover(&current)?;
        }
        store.begin()?;
        if interrupted {
            // Half-written problem lists, annotated copies and kept definitions.
            crate::atomic::remove_leftovers(&ws.rejected())?;
            crate::atomic::remove_leftovers(&crate::forms::definition::kept_dir(&ws.store()))?;
        }
        // Only a killed run leaves journeys half done, and only among its last logged group:
        // log lines are written just before their files move.
        let unfinished = entries
            .iter()
            .rev()
            .take(GROUP_COMMIT)
            .filter(|e| {
                interrupted
                    && moves::inside_workspace(&e.moved_to)
                    && !ws.root.join(&e.moved_to).exists()
                    && ws.root.join(&e.file).exists()
            })
            .map(|e| {
                (
                    (e.file.clone(), e.sha256.clone()),
                    ws.root.join(&e.moved_to),
                )
            })
            .collect();
        Ok(Journal {
            unfinished,
            pending: Vec::new(),
            published: Vec::new(),
            replaced: BTreeSet::new(),
            committed: entries
                .iter()
                .filter(|e| e.outcome.commits())
                .map(|e| e.sha256.clone())
                .collect(),
            current_files: entries
                .iter()
                .filter(|e| e.outcome.commits())
                .map(|e| {
                    (
                        e.key_id.clone(),
                        Replaced {
                            file: e.file.clone(),
                            author: author_in_key(&e.key).to_string(),
                        },
                    )
                })
                .collect(),
            seq: entries.len() as u64,
            log,
            current,
        })
    }

    /// SHA-256 of every file committed so far.
    pub fn committed(&self) -> &HashSet<String> {
        &self.committed
    }

    /// The `seq` of the next log line.
    pub fn next_seq(&self) -> u64 {
        self.seq + 1
    }

    /// Where a killed run meant to move this file (`file` relative to the workspace), if its
    /// journey was logged but never finished.
    pub fn unfinished_move(&self, file: &str, sha256: &str) -> Option<&Path> {
        self.unfinished
            .get(&(file.to_string(), sha256.to_string()))
            .map(PathBuf::as_path)
    }

    /// Carries out one file's decision.
    pub fn apply(
        &mut self,
        run: &Run,
        file: Incoming,
        decision: Decision,
    ) -> anyhow::Result<FileReport> {
        match decision {
            Decision::Store(submission) => self.store(run, file, submission),
            Decision::Reject(rejection) => self.reject(run, file, rejection),
            Decision::Duplicate => self.archive_duplicate(run, file),
        }
    }

    /// Writes the last lines, puts the store in the log's state and moves the rejected files
    /// that this or an earlier run's accepted files fixed; returns those.
    pub fn finish(mut self, run: &Run) -> anyhow::Result<Vec<String>> {
        self.flush()?;
        run.store.recover_schools(&self.current, &self.replaced)?;
        let fixed = moves::move_fixed_rejections(run.ws, &self.log.entries()?)?;
        run.store.finished()?;
        Ok(fixed)
    }

    /// Commits a submission's store files, replacing the earlier submission of its key.
    fn store(
        &mut self,
        run: &Run,
        incoming: Incoming,
        submission: Submission,
    ) -> anyhow::Result<FileReport> {
        let Submission {
            key_id,
            content,
            counts,
            mut problems,
            staged,
        } = submission;
        let file = run.ws.relative(&incoming.path);
        let previous = self.current.get(&key_id).map(|sha| SubmissionId {
            key_id: key_id.clone(),
            sha256: sha.clone(),
        });
        // The partition of a replaced submission is its replacement's (same key).
        let (passport, package, diff, partition) = match content {
            Content::Workbook { passport, tables } => {
                let diff = replacement_diff(&run.store, &passport, &tables, previous.as_ref())?;
                authors::warn_about_other_authors(&run.store, &passport, &tables, &mut problems)?;
                authors::warn_about_one_journal_twice(
                    &run.store,
                    &passport,
                    &file,
                    &tables,
                    &mut problems,
                )?;
                let partition = (passport.term, passport.school_code.clone());
                (Some(*passport), None, diff, partition)
            }
            Content::Package { school, term } => {
                let partition = (term, school.clone());
                (None, Some((school, term)), Diff::default(), partition)
            }
        };
        if previous.is_some() {
            self.replaced.insert(partition);
        }
        self.published.extend(run.store.publish(staged)?);
        keep_questionnaire_version(run, passport.as_ref())?;
        let outcome = if previous.is_some() {
            Outcome::Replaced
        } else {
            Outcome::Stored
        };
        let target = moves::archive_path(run.ws, &incoming.path, &incoming.sha256, run.now);
        let replaced = previous.and_then(|_| self.current_files.get(&key_id).cloned());
        let author = passport
            .as_ref()
            .map(|p| p.filled_by_text.clone())
            .unwrap_or_default();
        self.current_files.insert(
            key_id.clone(),
            Replaced {
                file: file.clone(),
                author,
            },
        );
        self.current.insert(key_id, incoming.sha256.clone());
        self.committed.insert(incoming.sha256.clone());
        let moved_to = run.ws.relative(&target);
        let report = FileReport {
            passport,
            counts,
            diff,
            problems,
            package,
            replaced,
            ..FileReport::moved(file, incoming.sha256, outcome, moved_to)
        };
        self.record(log_line(&report, run), &incoming.path, &target)?;
        Ok(report)
    }

    /// Moves a file to `rejected/` with its problem list, and its annotated copy if there is
    /// one, beside it.
    fn reject(
        &mut self,
        run: &Run,
        incoming: Incoming,
        rejection: Rejection,
    ) -> anyhow::Result<FileReport> {
        let Rejection {
            passport,
            counts,
            problems,
            annotate,
        } = rejection;
        let copy = if annotate {
            annotated_copy(run, &incoming, &problems, passport.as_ref())
        } else {
            None
        };
        let file = run.ws.relative(&incoming.path);
        let target = self.unique_path(&run.ws.rejected(), &incoming.path, &incoming.sha256);
        let list = beside_rejected(&target, Beside::ProblemList);
        crate::atomic::write(&list, problems_text(&file, &problems).as_bytes())?;
        let annotated = match copy {
            Some(bytes) => {
                let copy = beside_rejected(&target, Beside::AnnotatedCopy);
                crate::atomic::write(&copy, &bytes)?;
                Some(run.ws.relative(&copy))
            }
            None => None,
        };
        let moved_to = run.ws.relative(&target);
        let report = FileReport {
            passport,
            counts,
            problems,
            annotated,
            ..FileReport::moved(file, incoming.sha256, Outcome::Rejected, moved_to)
        };
        // The log line first, the move last: a crash in between is finished by the next run.
        self.record(log_line(&report, run), &incoming.path, &target)?;
        Ok(report)
    }

    /// Archives a file whose bytes are already stored.
    fn archive_duplicate(&mut self, run: &Run, incoming: Incoming) -> anyhow::Result<FileReport> {
        let target = moves::archive_path(run.ws, &incoming.path, &incoming.sha256, run.now);
        let report = FileReport::moved(
            run.ws.relative(&incoming.path),
            incoming.sha256,
            Outcome::Duplicate,
            run.ws.relative(&target),
        );
        self.record(log_line(&report, run), &incoming.path, &target)?;
        Ok(report)
    }

    /// Logs a file's journey and moves the file, in groups: store files are published
    /// before, so a group's lines commit them all, made durable together just before.
    fn record(&mut self, entry: Entry, from: &Path, to: &Path) -> anyhow::Result<()> {
        self.pending
            .push((entry, from.to_path_buf(), to.to_path_buf()));
        self.seq += 1;
        if self.pending.len() >= GROUP_COMMIT {
            self.flush()?;
        }
        Ok(())
    }

    /// Makes the group's published store files durable, writes the pending log lines (the
    /// commit point), then moves their files.
    fn flush(&mut self) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        crate::atomic::sync_files(&std::mem::take(&mut self.published))?;
        let pending = std::mem::take(&mut self.pending);
        self.log.append(pending.iter().map(|(entry, _, _)| entry))?;
        for (_, from, to) in &pending {
            moves::move_file(from, to)?;
        }
        Ok(())
    }

    /// `dir/<name>`, or `dir/<stem>_<sha8>.<ext>` when a different file already has that name
    /// (in the folder, or on its way there in the pending group). The name is the file's
    /// [`first_name`], so attempts after attempts never stack suffixes.
    fn unique_path(&self, dir: &Path, path: &Path, sha: &str) -> PathBuf {
        let name = first_name(
            &path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
        );
        let plain = dir.join(&name);
        if !plain.exists() && !self.pending.iter().any(|(_, _, to)| *to == plain) {
            return plain;
        }
        let (stem, ext) = name
            .rsplit_once('.')
            .map(|(s, e)| (s.to_string(), format!(".{e}")))
            .unwrap_or((name.clone(), String::new()));
        dir.join(format!("{stem}_{}{ext}", &sha[..8.min(sha.len())]))
    }
}

/// The first answers of a questionnaire version keep a copy of that version in the store:
/// later edits of the definition cannot change how these answers are read and counted.
fn keep_questionnaire_version(run: &Run, passport: Option<&Passport>) -> anyhow::Result<()> {
    let Some(p) = passport else {
        return Ok(());
    };
    let Some(q) = p
        .questionnaire
        .as_deref()
        .and_then(|code| run.definitions.version(code, p.form_version))
    else {
        return Ok(());
    };
    let kept = crate::forms::definition::kept_dir(&run.ws.store());
    crate::forms::definition::keep_version(&kept, q, &crate::blank::template_properties(&q.title)?)
}

/// Rows added, removed and changed against the submission a workbook replaces (all added
/// when it replaces none).
fn replacement_diff(
    store: &Store,
    passport: &Passport,
    tables: &[TableFrame],
    previous: Option<&SubmissionId>,
) -> anyhow::Result<Diff> {
    let mut diff = Diff::default();
    for t in tables {
        let old = match previous {
            Some(prev) => store.read_submission(t.table, passport, prev)?,
            None => None,
        };
        let d = crate::store::diff(old.as_ref(), &t.frame)?;
        diff.added += d.added;
        diff.removed += d.removed;
        diff.changed += d.changed;
    }
    Ok(diff)
}

/// The annotated copy of a rejected workbook, if it can be read at all.
fn annotated_copy(
    run: &Run,
    incoming: &Incoming,
    problems: &Problems,
    passport: Option<&Passport>,
) -> Option<Vec<u8>> {
    let blank = crate::annotate::blank_of(passport, run.definitions);
    crate::annotate::annotated_copy(&incoming.bytes().ok()?, problems, run.limits, blank)
}

/// The author part of a submission key in words (the log's `key` column).
fn author_in_key(key: &str) -> &str {
    key.rsplit('|').next().unwrap_or_default()
}

/// The log line of a file's journey: a workbook is named by its passport, a school's
/// package by its school and term.
fn log_line(report: &FileReport, run: &Run) -> Entry {
    let (form, school_code, term, key, key_id) = match (&report.passport, &report.package) {
        (Some(p), _) => (
            p.form.code().to_string(),
            p.school_code.clone(),
            p.term.label(),
            p.key_as_written(),
            p.key_id(),
        ),
        (None, Some((school, term))) => (
            "package".to_string(),
            school.clone(),
            term.label(),
            "package".to_string(),
            package_key_id(school, term),
        ),
        (None, None) => Default::default(),
    };
    let (counts, problems, diff) = (report.counts, &report.problems, report.diff);
    Entry {
        time: run.now.format("%Y-%m-%d %H:%M:%S").to_string(),
        file: report.file.clone(),
        moved_to: report.moved_to.clone(),
        sha256: report.sha256.clone(),
        outcome: report.outcome,
        form,
        school_code,
        term,
        key,
        key_id,
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
