//! `tutorstat watch`: every settled batch of new inbox files is `run`
//! (`tutorstat::watch` decides when a batch has settled); Ctrl-C stops between batches.

use std::process::ExitCode;
use std::time::Duration;

use tutorstat::report::model::Reuse;
use tutorstat::session::Session;

use crate::cli::WatchArgs;

/// `session` is the workspace as it was when watching began (unlocked). Each batch opens a
/// session of its own, locked only while it works: between batches `status` or `report` may
/// run, and an edited `tutorstat.toml` counts from the next batch. The schools' computed
/// rows are kept from batch to batch, so a batch computes only the schools whose store
/// files changed (or all, when the configuration, questionnaires or terms did).
pub fn run(session: &Session, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    let quiet = Duration::from_secs_f64(args.quiet.clamp(0.1, 3600.0));
    let mut reuse = Reuse::default();
    tutorstat::watch::watch(&session.ws, quiet, || {
        super::run::ingest_and_report(
            &Session::open(&session.ws.root)?.locked()?,
            false,
            &args.fallback,
            Some(&mut reuse),
        )
        .map(|_| ())
    })?;
    Ok(ExitCode::SUCCESS)
}
