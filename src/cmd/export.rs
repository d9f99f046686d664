//! `tutorstat export --term T`: one pseudonymised package per school of the term, for the
//! centre, in `reports/<term>/`.

use std::process::ExitCode;

use tutorstat::schema::Term;
use tutorstat::session::Session;
use tutorstat::{package, report};

use crate::cli::ExportArgs;

pub fn run(session: &Session, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    export(session, &args.term)
}

/// Writes the packages of `term`; `demo` sends its schools' packages to its centre this way.
pub fn export(session: &Session, term: &Term) -> anyhow::Result<ExitCode> {
    let packages = package::build(
        &session.store(),
        &session.config,
        &session.definitions,
        term,
    )?;
    if packages.is_empty() {
        say!(
            "За период {} нет данных: сначала загрузите таблицы (tutorstat run).",
            term.russian()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let dir = report::term_dir(&session.ws.reports(), term);
    std::fs::create_dir_all(&dir)?;
    for (school, bytes) in packages {
        let path = dir.join(format!("package_{school}_{}.parquet", term.slug()));
        tutorstat::atomic::write(&path, &bytes)?;
        say!(
            "Пакет для центра: {} — отправьте этот файл в центр; ФИО и свободных ответов в нём нет.",
            path.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
