//! `tutorstat ingest`: every file of the inbox checked, stored or rejected, and moved to
//! `archive/` or `rejected/`; the summary printed. Exit 1 when a file was rejected.

use std::process::ExitCode;

use tutorstat::ingest;
use tutorstat::session::Session;

use super::EXIT_REJECTED;
use crate::cli::{FallbackArgs, IngestArgs};

pub fn run(session: &Session, args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let summary = ingest_inbox(session, args.accept_partial, &args.fallback)?;
    Ok(exit_code(&summary))
}

/// discover -> read -> validate -> store, for every file of the inbox; prints the summary.
pub fn ingest_inbox(
    session: &Session,
    accept_partial: bool,
    fallback: &FallbackArgs,
) -> anyhow::Result<ingest::Summary> {
    let options = ingest::Options {
        accept_partial,
        fallback: session.fallback(fallback.school.as_deref(), fallback.term),
        now: session.clock.fixed(),
        interrupted: session.interrupted(),
    };
    let summary = ingest::run(&session.ws, &session.config, &session.definitions, &options)?;
    say_raw!(
        "{}",
        ingest::summary::render(
            &summary,
            &session.definitions,
            ingest::summary::console_width()
        )
    );
    Ok(summary)
}

/// 1 when a file was rejected (everything else was processed), else 0.
pub fn exit_code(summary: &ingest::Summary) -> ExitCode {
    if summary.rejected() > 0 {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    }
}
