//! `tutorstat watch`: every settled batch of new inbox files is `run`
//! (`tutorstat::watch` decides when a batch has settled); Ctrl-C stops between batches.

use std::process::ExitCode;
use std::time::Duration;

use tutorstat::config::Kind;
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
    compute_stored_terms(&Session::open(&session.ws.root)?.locked()?, &mut reuse)?;
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

/// Computes every stored term's model once before watching, keeping its schools in
/// `reuse`: the first file that lands then costs what the next ones do (its school
/// computed, the others kept), not a whole region's computation (release, 300 schools:
/// 4.4 s instead of 1.4 s). A centre keeps no schools ([`Reuse`]), so it skips this.
fn compute_stored_terms(session: &Session, reuse: &mut Reuse) -> anyhow::Result<()> {
    if session.config.kind != Kind::School {
        return Ok(());
    }
    let log = session.log()?;
    let terms = session.stored_terms()?;
    if !terms.is_empty() {
        eprintln!("Считаю показатели загруженных четвертей (один раз при запуске)…");
    }
    for term in terms {
        super::report::build_model(session, &log, term, None, None, Some(reuse), None)?;
    }
    Ok(())
}
