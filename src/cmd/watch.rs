//! `tutorstat watch`: every settled batch of new inbox files is `run`
//! (`tutorstat::watch` decides when a batch has settled); Ctrl-C stops between batches.

use std::process::ExitCode;
use std::time::Duration;

use tutorstat::config::Kind;
use tutorstat::session::Session;

use super::report::Kept;
use crate::cli::WatchArgs;

/// `session` is the workspace as it was when watching began (unlocked). Each batch opens a
/// session of its own, locked only while it works: between batches `status` or `report` may
/// run, and an edited `tutorstat.toml` counts from the next batch. The schools' computed
/// rows are kept from batch to batch, so a batch computes only the schools whose store
/// files changed (or all, when the configuration, questionnaires or terms did), and so is
/// the text of each term's indicators.csv, so a batch formats only the rows that changed.
pub fn run(session: &Session, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    let quiet = Duration::from_secs_f64(args.quiet.clamp(0.1, 3600.0));
    let mut kept = Kept::default();
    compute_stored_terms(&Session::open(&session.ws.root)?.locked()?, &mut kept)?;
    tutorstat::watch::watch(&session.ws, quiet, || {
        super::run::ingest_and_report(
            &Session::open(&session.ws.root)?.locked()?,
            false,
            &args.fallback,
            Some(&mut kept),
        )
        .map(|_| ())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Computes every stored term's model once before watching, keeping its schools and the
/// text of its indicators.csv in `kept`: the first file that lands then costs what the next
/// ones do (its school computed and formatted, the others kept), not a whole region's
/// computation (release, 300 schools: 4.4 s instead of 1.4 s). A centre keeps no schools
/// (`Reuse`), so it skips this.
fn compute_stored_terms(session: &Session, kept: &mut Kept) -> anyhow::Result<()> {
    if session.config.kind != Kind::School {
        return Ok(());
    }
    let log = session.log()?;
    let terms = session.stored_terms()?;
    if !terms.is_empty() {
        eprintln!("Считаю показатели загруженных четвертей (один раз при запуске)…");
    }
    for term in terms {
        let model = super::report::build_model(
            session,
            &log,
            term,
            None,
            None,
            Some(&mut kept.schools),
            None,
        )?;
        let text = kept.texts.entry(term).or_default();
        text.write(&model.indicators, &mut std::io::sink())?;
    }
    Ok(())
}
