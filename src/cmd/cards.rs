//! `tutorstat cards`: the individual cards of a term (by default the latest term with data),
//! for a school, a person, a tutor's tutees or a class. A centre has no names: it refuses.

use std::process::ExitCode;

use tutorstat::config::Kind;
use tutorstat::report;
use tutorstat::session::Session;

use super::files;
use super::report::build_model;
use crate::cli::CardArgs;

pub fn run(session: &Session, args: &CardArgs) -> anyhow::Result<ExitCode> {
    if session.config.kind == Kind::Centre {
        anyhow::bail!(
            "индивидуальные карточки делаются только в рабочей папке школы: у центра нет ФИО участников"
        );
    }
    let term = match args.term {
        Some(t) => t,
        None => match session.stored_terms()?.last() {
            Some(t) => *t,
            None => {
                say!("Нет данных для карточек: сначала загрузите таблицы (tutorstat run).");
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    let model = build_model(
        session,
        &session.log()?,
        term,
        args.school.as_deref(),
        None,
        None,
        None,
    )?;
    let selection = report::Selection {
        school: args.school.clone(),
        person: args.person.clone(),
        tutor: args.tutor.clone(),
        class: args.class.clone(),
    };
    let fonts = report::Fonts::load();
    let reports = session.ws.reports();
    let written = report::write_cards(
        &reports,
        &model,
        &session.store(),
        &session.config,
        &session.definitions,
        &fonts,
        &selection,
    )?;
    if written.is_empty() {
        say!(
            "За {} нет участников, подходящих под условия: проверьте код школы, ID, класс и период.",
            term.russian()
        );
    } else {
        let dir = report::term_dir(&reports, &term).join("cards");
        say!(
            "Индивидуальные карточки за {}: {} ({})",
            term.russian(),
            dir.display(),
            files(written.len())
        );
    }
    Ok(ExitCode::SUCCESS)
}
