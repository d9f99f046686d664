//! `tutorstat status`: per school and form, what arrived, what waits for a fix, what is
//! missing; printed and written as `reports/<term>/status.xlsx`. Read from the ingest log
//! alone (`tutorstat::status`), so it takes no lock.

use std::process::ExitCode;

use anyhow::Context as _;
use tutorstat::session::Session;
use tutorstat::{report, status};

use crate::cli::StatusArgs;

pub fn run(session: &Session, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let ws = &session.ws;
    let entries = session.log()?;
    let terms = match args.term {
        Some(t) => vec![t],
        None => status::logged_terms(&entries),
    };
    if terms.is_empty() {
        say!(
            "Файлы ещё не загружались: сдачу форм показать не за что. Положите таблицы в {} и запустите tutorstat run.",
            ws.inbox().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let now = session.clock.now();
    for term in terms {
        let status = status::build(session, &entries, term, now.date());
        let dir = report::term_dir(&ws.reports(), &term);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
        let path = dir.join("status.xlsx");
        status::write_xlsx(&status, &session.definitions, now, &path)?;
        say_raw!("{}", status::render(&status, &session.definitions));
        say!("Таблица для рассылки: {}\n", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
