//! tutorstat: teachers' workbooks in, monitoring reports out.
//!
//! The pipeline, one folder per stage: discover (`discover`) -> read (`read`) ->
//! validate (`forms`) -> store (`store`), driven per file by `ingest`.

mod blank;
mod cli;
mod config;
mod definitions;
mod demo;
mod discover;
mod forms;
mod indicators;
mod ingest;
mod problem;
mod read;
mod store;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;

use cli::{Cli, Command, FallbackArgs};
use config::{Config, Kind};
use definitions::Definitions;
use forms::Fallback;
use read::values::Term;
use workspace::Workspace;

/// Prints a line to stdout; a closed pipe (`tutorstat ... | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// [`say!`] without the newline.
macro_rules! say_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// Exit codes of workflow.md.
const EXIT_REJECTED: u8 = 1;
const EXIT_CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli_error(e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init { dir, centre } => init(&dir, if centre { Kind::Centre } else { Kind::School }),
        Command::Templates { out, workspace } => templates(&Workspace::new(workspace.workspace), out),
        Command::Check { files, fallback, workspace } => check(&Workspace::new(workspace.workspace), &files, &fallback),
        Command::Ingest { accept_partial, fallback, workspace } => ingest(&Workspace::new(workspace.workspace), accept_partial, &fallback),
        Command::Demo { dir } => run_demo(&dir),
    }
}

fn init(dir: &Path, kind: Kind) -> anyhow::Result<ExitCode> {
    let ws = Workspace::new(dir);
    ws.init(kind)?;
    for (name, text) in definitions::BUILTIN {
        let path = ws.questionnaires().join(name);
        if !path.exists() {
            std::fs::write(&path, text).with_context(|| format!("не удалось записать {}", path.display()))?;
        }
    }
    let written = blank::write_all(&ws.templates(), &Definitions::load(Some(&ws.questionnaires()))?)?;
    say!("Рабочая папка создана: {}", dir.display());
    say!("Бланки для педагогов ({} шт.): {}", written.len(), ws.templates().display());
    say!("Заполненные таблицы кладите в {} и запускайте: tutorstat ingest --workspace {}", ws.inbox().display(), dir.display());
    Ok(ExitCode::SUCCESS)
}

/// Marks a folder made by `demo`, so a second demo may safely start it afresh.
const DEMO_MARKER: &str = ".tutorstat-demo";

fn run_demo(dir: &Path) -> anyhow::Result<ExitCode> {
    if dir.join(DEMO_MARKER).exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("не удалось очистить прежнюю демонстрацию {}", dir.display()))?;
    } else if dir.read_dir().is_ok_and(|mut entries| entries.next().is_some()) {
        anyhow::bail!("папка {} не пуста: укажите для демонстрации новую папку, например «tutorstat demo tutorstat-demo-2»", dir.display());
    }
    init(dir, Kind::School)?;
    std::fs::write(dir.join(DEMO_MARKER), "")?;
    let ws = Workspace::new(dir);
    let count = demo::fill_inbox(&ws)?;
    say!("В папку {} положены примеры: {count} файлов трёх школ за 1 и 4 четверти 2025/2026.\n", ws.inbox().display());
    // Two samples are wrong on purpose, so a rejection here is the expected outcome.
    ingest(&ws, false, &FallbackArgs::default())?;
    say!("\nОтклонённые файлы и списки ошибок: {}", ws.rejected().display());
    say!("Принятые файлы: {}; данные: {}", ws.archive().display(), ws.store().display());
    Ok(ExitCode::SUCCESS)
}

fn templates(ws: &Workspace, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let dir = out.unwrap_or_else(|| ws.templates());
    let written = blank::write_all(&dir, &definitions)?;
    for path in &written {
        say!("{}", path.display());
    }
    say!("Записано бланков: {}", written.len());
    Ok(ExitCode::SUCCESS)
}

/// Validates files without storing anything; prints every problem.
fn check(ws: &Workspace, files: &[PathBuf], fallback: &FallbackArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&ws.config_path())?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let fallback = resolve_fallback(fallback, &config)?;
    let rosters = forms::RosterIndex::new();
    let env = forms::Env { rosters: &rosters, definitions: &definitions, fallback: &fallback };
    let mut any_errors = false;
    for path in files {
        let problems = match std::fs::read(path) {
            Ok(bytes) => match read::workbook::open(&bytes, config.read_limits()) {
                Ok(wb) => forms::check(&wb, &env).problems,
                Err(e) => file_problem(e.to_string()),
            },
            Err(e) => file_problem(format!("не удалось прочитать файл: {e}")),
        };
        any_errors |= problems.has_errors();
        say_raw!("{}", ingest::problems_text(&path.display().to_string(), &problems));
        say!();
    }
    Ok(if any_errors { ExitCode::from(EXIT_REJECTED) } else { ExitCode::SUCCESS })
}

fn file_problem(message: String) -> problem::Problems {
    let mut problems = problem::Problems::default();
    problems.file_error(message);
    problems
}

fn ingest(ws: &Workspace, accept_partial: bool, fallback: &FallbackArgs) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    let _lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let options = ingest::Options { accept_partial, fallback: resolve_fallback(fallback, &config)?, now: fixed_clock()? };
    let summary = ingest::run(ws, &config, &definitions, &options)?;
    say_raw!("{}", ingest::summary::render(&summary));
    Ok(if summary.rejected() > 0 { ExitCode::from(EXIT_REJECTED) } else { ExitCode::SUCCESS })
}

/// School and term for workbooks without `Паспорт`: command line first, then configuration.
fn resolve_fallback(args: &FallbackArgs, config: &Config) -> anyhow::Result<Fallback> {
    let term = match &args.term {
        Some(t) => Some(
            Term::parse(t)
                .with_context(|| format!("не понял период «{t}»: пишите, например, \"2025/2026 Q1\" или \"2025/2026 1 четверть\""))?,
        ),
        None => None,
    };
    Ok(Fallback {
        school_code: args.school.clone().or_else(|| config.school.code.clone()),
        school_name: config.school.name.clone(),
        municipality: config.school.municipality.clone(),
        term,
    })
}

/// A fixed clock from `SOURCE_DATE_EPOCH`, for reproducible runs and tests.
fn fixed_clock() -> anyhow::Result<Option<chrono::NaiveDateTime>> {
    let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") else {
        return Ok(None);
    };
    let seconds: i64 = epoch.trim().parse().with_context(|| format!("SOURCE_DATE_EPOCH должен быть числом секунд, а не «{epoch}»"))?;
    Ok(chrono::DateTime::from_timestamp(seconds, 0).map(|d| d.naive_utc()))
}

/// Clap's own messages are English; say the essentials in Russian.
fn cli_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::InvalidSubcommand => {
            eprintln!("Ошибка: неизвестная команда. Список команд: tutorstat --help")
        }
        ErrorKind::UnknownArgument => {
            eprintln!("Ошибка: неизвестный параметр. Справка по команде: tutorstat КОМАНДА --help")
        }
        ErrorKind::MissingRequiredArgument => {
            eprintln!("Ошибка: не хватает обязательного параметра. Справка по команде: tutorstat КОМАНДА --help")
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            eprintln!("Ошибка: укажите команду. Список команд: tutorstat --help")
        }
        _ => eprintln!("Ошибка в параметрах командной строки. Справка: tutorstat --help"),
    }
    ExitCode::from(EXIT_CANNOT_RUN)
}
