//! `tutorstat run`, the main command: ingest, then the reports of every term touched and of
//! every later term of the same school year (progress and change depend on earlier terms),
//! so no report is left stale. `watch` runs it for every batch, `demo` for its workspaces.

use std::collections::BTreeSet;
use std::process::ExitCode;

use tutorstat::indicators;
use tutorstat::ingest::Summary;
use tutorstat::schema::Term;
use tutorstat::session::Session;

use super::ingest::{exit_code, ingest_inbox};
use super::report::{Kept, render_terms};
use crate::cli::{FallbackArgs, IngestArgs};

pub fn run(session: &Session, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    ingest_and_report(session, args.accept_partial, &args.fallback, None)
}

/// Ingests the inbox, then writes the reports of the terms it touched and of their later
/// terms (computing and formatting only what changed since `kept` last served, when
/// given); the exit code says whether a file was rejected.
pub fn ingest_and_report(
    session: &Session,
    accept_partial: bool,
    fallback: &FallbackArgs,
    kept: Option<&mut Kept>,
) -> anyhow::Result<ExitCode> {
    let before = session.stored_terms()?;
    let summary = ingest_inbox(session, accept_partial, fallback)?;
    let touched: Vec<Term> = summary.touched.iter().map(|(_, t)| *t).collect();
    let stored = session.stored_terms()?;
    let terms: Vec<Term> = stored
        .iter()
        .copied()
        .filter(|t| {
            touched.iter().any(|x| {
                x.year == t.year
                    && indicators::period_rank(x.period) <= indicators::period_rank(t.period)
            })
        })
        .collect();
    // Files already loaded or rejected change nothing: the workspace has data, none is new
    // (`watch` runs this after every batch).
    if terms.is_empty() && !stored.is_empty() {
        say!(
            "Новых данных нет: отчёты в {} остались прежними.",
            session.ws.reports().display()
        );
        return Ok(exit_code(&summary));
    }
    render_terms(
        session,
        &terms,
        None,
        None,
        schools_to_rewrite(&summary, &touched, &before).as_ref(),
        kept,
    )?;
    Ok(exit_code(&summary))
}

/// The schools whose workbooks and PDFs a run rewrites: those whose files it stored or
/// logged (a rejection shows in the school's «Качество данных»), since a school's reports
/// show its own data only; `None` (every school) when the run brought a term the store did
/// not have, because that changes which term every school is compared with.
fn schools_to_rewrite(
    summary: &Summary,
    touched: &[Term],
    before: &[Term],
) -> Option<BTreeSet<String>> {
    if !touched.iter().all(|t| before.contains(t)) {
        return None;
    }
    let stored = summary.touched.iter().map(|(school, _)| school.clone());
    let logged = summary
        .files
        .iter()
        .filter_map(|f| f.passport.as_ref().map(|p| p.school_code.clone()));
    Some(stored.chain(logged).collect())
}
