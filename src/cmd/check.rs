//! `tutorstat check FILE...`: validates files without storing anything and prints every
//! problem; exit 1 when any file has an error.

use std::process::ExitCode;

use tutorstat::session::Session;
use tutorstat::{forms, ingest, problem, read};

use super::EXIT_REJECTED;
use crate::cli::CheckArgs;

pub fn run(session: &Session, args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let fallback = session.fallback(args.fallback.school.as_deref(), args.fallback.term);
    let rosters = forms::RosterIndex::new();
    let env = forms::Env {
        rosters: &rosters,
        definitions: &session.definitions,
        fallback: &fallback,
    };
    // A path that is not a file is a mistake in the command, not a teacher's file to fix.
    for path in &args.files {
        if path.is_dir() {
            anyhow::bail!(
                "{} — это папка, а нужны файлы таблиц: укажите их, например «tutorstat check папка/*.xlsx»",
                path.display()
            );
        }
        if !path.exists() {
            anyhow::bail!("файл {} не найден: проверьте имя и папку", path.display());
        }
    }
    let mut any_errors = false;
    for path in &args.files {
        let problems = match std::fs::read(path) {
            Ok(bytes) => match read::workbook::open(&bytes, session.config.read_limits()) {
                Ok(wb) => forms::check(&wb, &env).problems,
                Err(e) => file_problem(e.to_string()),
            },
            Err(e) => file_problem(format!("не удалось прочитать файл: {e}")),
        };
        any_errors |= problems.has_errors();
        say_raw!(
            "{}",
            ingest::problems_text(&path.display().to_string(), &problems)
        );
        say!();
    }
    Ok(if any_errors {
        ExitCode::from(EXIT_REJECTED)
    } else {
        ExitCode::SUCCESS
    })
}

fn file_problem(message: String) -> problem::Problems {
    let mut problems = problem::Problems::default();
    problems.file_error(message);
    problems
}
