//! `tutorstat report`: compute -> render for the chosen terms (by default every term with
//! data): the school's reports (and cards when `[cards] enabled`), or the centre's summary.

use std::collections::{BTreeSet, HashMap};
use std::process::ExitCode;

use tutorstat::config::Kind;
use tutorstat::register::RegisteredSchool;
use tutorstat::report;
use tutorstat::report::csv::LongText;
use tutorstat::report::model::{Earlier, Reuse};
use tutorstat::schema::Term;
use tutorstat::session::Session;
use tutorstat::store::log::Entry;

use super::files;
use crate::cli::ReportArgs;

pub fn run(session: &Session, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let terms = match args.term {
        Some(t) => vec![t],
        None => session.stored_terms()?,
    };
    render_terms(
        session,
        &terms,
        args.school.as_deref(),
        args.compare,
        None,
        None,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What `watch` keeps from one batch to the next: each term's computed schools and the
/// text of each term's indicators.csv.
#[derive(Default)]
pub struct Kept {
    /// Each term's computed schools.
    pub schools: Reuse,
    /// Each term's indicators.csv.
    pub texts: HashMap<Term, LongText>,
}

/// Writes the reports of `terms`, one term after the other; with `rewrite`, the school
/// workbooks and PDFs of those schools only (the term's tables are always written); with
/// `kept`, each term's model computes only the schools whose store files changed since
/// the model's last build with it, and `indicators.csv` formats only the rows that changed
/// (`watch`).
pub fn render_terms(
    session: &Session,
    terms: &[Term],
    school: Option<&str>,
    compare: Option<Term>,
    rewrite: Option<&BTreeSet<String>>,
    mut kept: Option<&mut Kept>,
) -> anyhow::Result<()> {
    let (ws, config) = (&session.ws, &session.config);
    let store = session.store();
    let log = session.log()?;
    if terms.is_empty() {
        say!("Нет данных для отчётов: сначала загрузите таблицы (tutorstat ingest).");
    }
    if config.kind == Kind::Centre {
        crate::allocator::keep_freed_memory_for_batches();
    }
    let fonts = report::Fonts::load();
    let mut earlier = Earlier::default();
    for term in terms {
        let model = build_model(
            session,
            &log,
            *term,
            school,
            compare,
            kept.as_deref_mut().map(|k| &mut k.schools),
            Some(&mut earlier),
        )?;
        let written = match config.kind {
            Kind::School => {
                let text = kept
                    .as_deref_mut()
                    .map(|k| k.texts.entry(*term).or_default());
                let mut written = report::write_term(&ws.reports(), &model, &fonts, rewrite, text)?;
                if config.cards.enabled {
                    let selection = report::Selection {
                        school: school.map(String::from),
                        ..Default::default()
                    };
                    written.extend(report::write_cards(
                        &ws.reports(),
                        &model,
                        &store,
                        config,
                        &session.definitions,
                        &fonts,
                        &selection,
                    )?);
                }
                written
            }
            Kind::Centre => {
                let deadline = config.deadline(term);
                // Without a register, the centre measures against the schools that sent data.
                let known = if config.register.is_empty() {
                    model
                        .schools
                        .iter()
                        .map(|s| RegisteredSchool {
                            code: s.code.clone(),
                            name: s.name.clone(),
                            municipality: s.municipality.clone(),
                        })
                        .collect()
                } else {
                    config.register.clone()
                };
                let view = report::centre::CentreView::new(&model, &known, deadline);
                report::write_centre(&ws.reports(), &model, &view, &fonts)?
            }
        };
        say!(
            "Отчёты за {}: {} ({})",
            term.russian(),
            report::term_dir(&ws.reports(), term).display(),
            files(written.len())
        );
    }
    Ok(())
}

/// The report model of a term (reusing what `reuse` kept, and the rows of terms computed
/// before in `earlier`: [`render_terms`]).
pub fn build_model(
    session: &Session,
    log: &[Entry],
    term: Term,
    school: Option<&str>,
    compare: Option<Term>,
    reuse: Option<&mut Reuse>,
    earlier: Option<&mut Earlier>,
) -> anyhow::Result<report::model::ReportModel> {
    let config = &session.config;
    let register: Vec<(String, String)> = config
        .register
        .iter()
        .map(|s| (s.code.clone(), s.municipality.clone()))
        .collect();
    let request = report::model::Request {
        term,
        register: &register,
        school,
        compare,
        school_reports: config.kind == Kind::School,
        small_cell: (config.kind == Kind::Centre).then_some(config.privacy.small_cell),
        now: session.clock.now(),
    };
    report::model::ReportModel::build_reusing(
        &session.store(),
        config,
        &session.definitions,
        request,
        log,
        reuse,
        earlier,
    )
}
