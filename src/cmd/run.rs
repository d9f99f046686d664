//! `tutorstat run`, the main command: ingest, then the reports of every term touched and of
//! every later term of the same school year (progress and change depend on earlier terms),
//! so no report is left stale. `watch` runs it for every batch, `demo` for its workspaces.

use std::process::ExitCode;

use tutorstat::indicators;
use tutorstat::read::values::Term;
use tutorstat::session::Session;

use super::ingest::{exit_code, ingest_inbox};
use super::report::render_terms;
use crate::cli::{FallbackArgs, IngestArgs};

pub fn run(session: &Session, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    ingest_and_report(session, args.accept_partial, &args.fallback)
}

/// Ingests the inbox, then writes the reports of the terms it touched and of their later
/// terms; the exit code says whether a file was rejected.
pub fn ingest_and_report(session: &Session, accept_partial: bool, fallback: &FallbackArgs) -> anyhow::Result<ExitCode> {
    let summary = ingest_inbox(session, accept_partial, fallback)?;
    let touched: Vec<Term> = summary.touched.iter().map(|(_, t)| *t).collect();
    let stored = session.stored_terms()?;
    let terms: Vec<Term> = stored
        .iter()
        .copied()
        .filter(|t| touched.iter().any(|x| x.year == t.year && indicators::period_rank(x.period) <= indicators::period_rank(t.period)))
        .collect();
    // Files already loaded or rejected change nothing: the workspace has data, none is new
    // (`watch` runs this after every batch).
    if terms.is_empty() && !stored.is_empty() {
        say!("Новых данных нет: отчёты в {} остались прежними.", session.ws.reports().display());
        return Ok(exit_code(&summary));
    }
    render_terms(session, &terms, None, None)?;
    Ok(exit_code(&summary))
}
