//! Usage errors in Russian: clap's own messages are English, so the essentials of each kind
//! of mistake (unknown command or parameter, with a suggestion; a missing one; a term that is
//! not one) are said here, with where to find help. Exit code 2, as for any command that
//! could not run.

use std::process::ExitCode;

use clap::CommandFactory as _;
use tutorstat::schema::UnknownTerm;

use crate::cli::Cli;

/// ` «rn»`: what the user typed, as clap's error context holds it.
fn quoted(value: Option<&clap::error::ContextValue>) -> String {
    value.map(|v| format!(" «{v}»")).unwrap_or_default()
}

/// ` Возможно, имелось в виду «run»?`: clap's suggestion for a mistyped command or parameter.
fn suggestion(value: Option<&clap::error::ContextValue>) -> String {
    use clap::error::ContextValue;
    let names: Vec<String> = match value {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(list)) => list.clone(),
        _ => return String::new(),
    };
    if names.is_empty() {
        return String::new();
    }
    // clap orders its candidates from the least to the most likely.
    let names: Vec<String> = names.iter().rev().map(|n| format!("«{n}»")).collect();
    format!(" Возможно, имелось в виду {}?", names.join(" или "))
}

/// A command one letter away from what was typed (`rn` for `run`): clap's similarity
/// measure misses such short slips.
fn close_command(typed: &str) -> String {
    let close: Vec<String> = Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|name| edit_distance(typed, name) <= 1 && typed.chars().count() >= 2)
        .collect();
    let value = clap::error::ContextValue::Strings(close);
    suggestion(Some(&value))
}

/// Levenshtein distance between two words, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// Tells a usage error (or prints the help clap was asked for); the exit code to end with.
pub fn report(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::InvalidSubcommand => {
            let typed = e.get(ContextKind::InvalidSubcommand);
            let clap_says = suggestion(e.get(ContextKind::SuggestedSubcommand));
            let hint = if clap_says.is_empty() {
                close_command(typed.map(|t| t.to_string()).unwrap_or_default().as_str())
            } else {
                clap_says
            };
            eprintln!(
                "Ошибка: неизвестная команда{}.{hint} Список команд: tutorstat --help",
                quoted(typed)
            )
        }
        ErrorKind::UnknownArgument => eprintln!(
            "Ошибка: неизвестный параметр{}.{} Справка по команде: tutorstat КОМАНДА --help",
            quoted(e.get(ContextKind::InvalidArg)),
            suggestion(e.get(ContextKind::SuggestedArg))
        ),
        ErrorKind::MissingRequiredArgument => {
            eprintln!(
                "Ошибка: не хватает обязательного параметра. Справка по команде: tutorstat КОМАНДА --help"
            )
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprintln!("Ошибка: укажите команду. Список команд: tutorstat --help")
        }
        // A term clap could not read: `Term`'s own message says what to write instead.
        _ => match unknown_term(&e) {
            Some(message) => eprintln!("Ошибка: {message}"),
            None => eprintln!("Ошибка в параметрах командной строки. Справка: tutorstat --help"),
        },
    }
    ExitCode::from(crate::cmd::EXIT_CANNOT_RUN)
}

/// The message of a `--term` or `--compare` value that is no term.
fn unknown_term(e: &clap::Error) -> Option<String> {
    std::error::Error::source(e)
        .and_then(|s| s.downcast_ref::<UnknownTerm>())
        .map(|t| t.to_string())
}
