//! What becomes of each inbox file, decided from its validation alone: store it, reject it
//! with its problems, or archive it as a duplicate. Teachers' workbooks and the schools'
//! packages a centre receives get the same [`Decision`]; the journal carries it out.
//!
//! A stored file's store files are staged here, on every core, since encoding is most of a
//! commit's cost (a package is stored as it arrived, one file); nothing staged is visible
//! until the journal's log line commits it. Every decision takes exactly one log line, in
//! order, so each file's `seq` is known here.
//! Whether a store replaces an earlier file of its key is the journal's to say: that file
//! may be committed earlier in the same run.

use std::collections::{HashMap, HashSet};

use super::error::FileError;
use super::plan::{Incoming, Opened, Planned, Run, Validated};
use crate::config::Kind;
use crate::forms::{Checked, Passport, RowCounts, TableFrame};
use crate::package::Package;
use crate::problem::Problems;
use crate::schema::Term;
use crate::store::{Staged, SubmissionId};

/// What becomes of one inbox file.
pub(super) enum Decision {
    /// Store it (then archive it): its store files are staged.
    Store(Submission),
    /// Move it to `rejected/` with its problem list.
    Reject(Rejection),
    /// Its bytes are stored already, earlier or as another copy in this inbox: archive it.
    Duplicate,
}

/// A submission to store.
pub(super) struct Submission {
    /// The submission key's short hash: a later submission of the key replaces this one.
    pub key_id: String,
    pub content: Content,
    pub counts: RowCounts,
    pub problems: Problems,
    /// Its store files, written under temporary names.
    pub staged: Staged,
}

/// What a submission holds.
pub(super) enum Content {
    /// A teacher's workbook: its passport and valid rows.
    Workbook {
        passport: Box<Passport>,
        tables: Vec<TableFrame>,
    },
    /// A school's package at the centre.
    Package { school: String, term: Term },
}

/// A file to reject, with its problems.
#[derive(Clone)]
pub(super) struct Rejection {
    pub passport: Option<Passport>,
    pub counts: RowCounts,
    pub problems: Problems,
    /// Whether an annotated copy of the file is written beside it (a validated workbook).
    pub annotate: bool,
}

impl Decision {
    /// A file refused whole, before validation.
    pub fn refused(error: &FileError) -> Decision {
        Decision::Reject(Rejection {
            passport: None,
            counts: RowCounts::default(),
            problems: error.problems(),
            annotate: false,
        })
    }
}

/// The submission key of a school's package: one package per school and term.
pub(super) fn package_key_id(school: &str, term: &Term) -> String {
    crate::digest::short_sha256(format!("{school}|{}|package", term.label()).as_bytes())
}

/// Validates and decides the planned workbooks, in commit order, their log lines numbered
/// from `first_seq`, and hands each decision to `apply` in that order as soon as it is made.
/// `stored` holds the SHA-256 of every file committed so far: the same bytes are stored
/// once, the later copy is a duplicate. Each file is validated and staged by one worker
/// while `apply` commits the ones before it, so its frames live from its validation to its
/// commit only.
pub(super) fn for_workbooks(
    planned: Planned,
    run: &Run,
    first_seq: u64,
    stored: &HashSet<String>,
    mut apply: impl FnMut((Incoming, Decision)) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let Planned { files, rosters } = planned;
    let env = run.env(&rosters);
    // A file whose bytes are new and come first in commit order is stored if validation
    // accepts it, whatever comes before it: its worker stages it. The verdicts on the
    // others wait for the files before them.
    let mut copies = HashSet::new();
    let jobs: Vec<(u64, Opened, bool)> = (first_seq..)
        .zip(files)
        .map(|(seq, opened)| {
            let sha = &opened.incoming.sha256;
            let new = !stored.contains(sha) && copies.insert(sha.clone());
            (seq, opened, new)
        })
        .collect();
    let mut verdicts = Verdicts::new(stored);
    crate::parallel::for_each_in_order(
        jobs,
        |(seq, opened, new)| {
            let v = opened.validate(&env, run.limits);
            let staged = match (new, v.checked.passport.as_ref()) {
                (true, Some(passport)) if accepts(run, &v.checked) => Some(stage_workbook(
                    run,
                    seq,
                    &v.incoming,
                    passport,
                    &v.checked.tables,
                )?),
                _ => None,
            };
            anyhow::Ok((seq, v, staged))
        },
        |validated| {
            let (seq, v, staged) = validated?;
            let verdict = verdicts.next(&v.incoming.sha256, accepts(run, &v.checked));
            apply(decide_workbook(run, seq, v, verdict, staged)?)
        },
    )
}

/// The decision on one validated workbook; its store files are those its worker staged, or
/// staged now when it is to be stored and was not (a copy whose earlier copy could not be
/// read).
fn decide_workbook(
    run: &Run,
    seq: u64,
    v: Validated,
    verdict: Verdict,
    staged: Option<Staged>,
) -> anyhow::Result<(Incoming, Decision)> {
    let Validated { incoming, checked } = v;
    let decision = match (verdict, checked.passport) {
        (Verdict::Duplicate, _) => Decision::Duplicate,
        (Verdict::Store, Some(passport)) => Decision::Store(Submission {
            staged: match staged {
                Some(staged) => staged,
                None => stage_workbook(run, seq, &incoming, &passport, &checked.tables)?,
            },
            key_id: passport.key_id(),
            content: Content::Workbook {
                passport: Box::new(passport),
                tables: checked.tables,
            },
            counts: checked.counts,
            problems: checked.problems,
        }),
        (_, passport) => {
            let counts = RowCounts {
                rejected: checked.counts.read - checked.counts.blank,
                stored: 0,
                ..checked.counts
            };
            Decision::Reject(Rejection {
                passport,
                counts,
                problems: checked.problems,
                annotate: true,
            })
        }
    };
    Ok((incoming, decision))
}

/// The decision on a validated workbook before its store files are staged.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Verdict {
    Store,
    Reject,
    Duplicate,
}

/// The verdicts on files taken in commit order: bytes stored before or by an earlier file of
/// the run are a duplicate; the rest is stored if accepted, else rejected (so every copy of a
/// rejected file is rejected too).
struct Verdicts<'a> {
    stored: &'a HashSet<String>,
    stored_now: HashSet<String>,
}

impl<'a> Verdicts<'a> {
    fn new(stored: &'a HashSet<String>) -> Verdicts<'a> {
        Verdicts {
            stored,
            stored_now: HashSet::new(),
        }
    }

    /// The verdict on the next file, given its SHA-256 and whether validation accepts it.
    fn next(&mut self, sha: &str, accepted: bool) -> Verdict {
        if self.stored.contains(sha) || self.stored_now.contains(sha) {
            Verdict::Duplicate
        } else if accepted {
            self.stored_now.insert(sha.to_string());
            Verdict::Store
        } else {
            Verdict::Reject
        }
    }
}

/// Whether a validated workbook goes to the store (else to `rejected/`): it has a passport,
/// and no errors unless the run accepts the valid rows of files with errors.
fn accepts(run: &Run, checked: &Checked) -> bool {
    checked.passport.is_some() && (run.accept_partial || !checked.problems.has_errors())
}

/// Stages the store files of a workbook to be stored.
fn stage_workbook(
    run: &Run,
    seq: u64,
    incoming: &Incoming,
    passport: &Passport,
    tables: &[TableFrame],
) -> anyhow::Result<Staged> {
    let id = SubmissionId {
        key_id: passport.key_id(),
        sha256: incoming.sha256.clone(),
    };
    let file = run.ws.relative(&incoming.path);
    run.store
        .stage(passport, &file, &id, seq, tables, run.privacy())
}

/// Reads, decides and stages, on every core, the packages in the inbox, their log lines
/// numbered from `first_seq`. Only a centre takes packages. A later copy of the same bytes
/// shares its first copy's fate, as a workbook's does: a duplicate of a stored package,
/// rejected with the same problems as a rejected one.
pub(super) fn for_packages(
    files: Vec<Incoming>,
    run: &Run,
    first_seq: u64,
) -> anyhow::Result<Vec<(Incoming, Decision)>> {
    let mut seen = HashSet::new();
    let jobs: Vec<(u64, &Incoming, bool)> = (first_seq..)
        .zip(&files)
        .map(|(seq, f)| (seq, f, seen.insert(f.sha256.as_str())))
        .collect();
    let firsts = crate::parallel::map(&jobs, |(seq, file, first)| match (first, run.kind) {
        (false, _) => Ok(None),
        (true, Kind::School) => Ok(Some(Decision::refused(&FileError::PackageAtSchool))),
        (true, Kind::Centre) => match file
            .bytes()
            .and_then(|bytes| Ok((crate::package::read(&bytes)?, bytes)))
        {
            Err(e) => Ok(Some(Decision::refused(&e))),
            Ok((package, bytes)) => stage_package(run, *seq, &file.sha256, package, &bytes)
                .map(|s| Some(Decision::Store(s))),
        },
    });
    // SHA-256 -> the rejection of its first copy, or `None` when that copy is stored.
    let mut fates: HashMap<String, Option<Rejection>> = HashMap::new();
    let mut decisions = Vec::with_capacity(files.len());
    for (file, first) in files.into_iter().zip(firsts) {
        let decision = match first? {
            Some(decision) => {
                let rejection = if let Decision::Reject(r) = &decision {
                    Some(r.clone())
                } else {
                    None
                };
                fates.insert(file.sha256.clone(), rejection);
                decision
            }
            None => match fates.get(&file.sha256) {
                Some(Some(rejection)) => Decision::Reject(rejection.clone()),
                _ => Decision::Duplicate,
            },
        };
        decisions.push((file, decision));
    }
    Ok(decisions)
}

/// Stages a package as one store file, its rows numbered with the package's `seq`.
fn stage_package(
    run: &Run,
    seq: u64,
    sha256: &str,
    package: Package,
    bytes: &[u8],
) -> anyhow::Result<Submission> {
    let key_id = package_key_id(&package.school, &package.term);
    let id = SubmissionId {
        key_id: key_id.clone(),
        sha256: sha256.to_string(),
    };
    let staged = run
        .store
        .stage_package(&package.term, &package.school, &id, seq, bytes)?;
    Ok(Submission {
        key_id,
        content: Content::Package {
            school: package.school,
            term: package.term,
        },
        counts: RowCounts {
            read: package.rows,
            stored: package.rows,
            rejected: 0,
            blank: 0,
        },
        problems: Problems::default(),
        staged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_are_stored_once_and_every_copy_of_a_rejected_file_is_rejected() {
        let stored = HashSet::from(["c".to_string()]);
        let files = [
            ("a", true),
            ("a", true),
            ("b", false),
            ("b", false),
            ("c", true),
            ("d", true),
        ];
        let expected = [
            Verdict::Store,
            Verdict::Duplicate,
            Verdict::Reject,
            Verdict::Reject,
            Verdict::Duplicate,
            Verdict::Store,
        ];
        let mut verdicts = Verdicts::new(&stored);
        let got: Vec<Verdict> = files
            .into_iter()
            .map(|(sha, accepted)| verdicts.next(sha, accepted))
            .collect();
        assert_eq!(got, expected);
    }
}
