//! The `tutorstat` command: parses the command line once and runs the pipeline stages of
//! the library in order (see `lib.rs`).

mod cli;
mod console;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{CommandFactory as _, Parser};

use cli::{CardArgs, Cli, Command, FallbackArgs, ReportArgs};
use tutorstat::config::{Config, Kind};
use tutorstat::definitions::{self, Definitions};
use tutorstat::forms::{self, Fallback};
use tutorstat::read::values::Term;
use tutorstat::workspace::Workspace;
use tutorstat::{blank, demo, indicators, ingest, problem, read, report, store};

/// mimalloc instead of the system allocator: many threads allocate small strings and frames
/// at once, and glibc's malloc spent a fifth of ingest in its own locks and free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    let _utf8 = console::utf8_output();
    if std::env::args_os().len() <= 1 && console::own_window() {
        return explain_double_click();
    }
    read::workbook::quiet_reader_panics();
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

/// tutorstat.exe double-clicked in Explorer: its window closes with the program, so say how
/// to start it from a terminal, show the help and wait until the user has read it.
fn explain_double_click() -> ExitCode {
    say!(
        "tutorstat работает в командной строке. Откройте терминал в папке с программой (в Проводнике: правая кнопка мыши → «Открыть в терминале») и введите, например, tutorstat demo (если программа только распакована, а не установлена, — .\\tutorstat.exe demo).\n"
    );
    say!("{}", Cli::command().render_help());
    console::wait_for_enter();
    ExitCode::from(EXIT_CANNOT_RUN)
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init { dir, centre } => init(&dir, if centre { Kind::Centre } else { Kind::School }),
        Command::Templates { out, workspace } => templates(&Workspace::new(workspace.workspace), out),
        Command::Check { files, fallback, workspace } => check(&Workspace::new(workspace.workspace), &files, &fallback),
        Command::Ingest { accept_partial, fallback, workspace } => ingest(&Workspace::new(workspace.workspace), accept_partial, &fallback),
        Command::Report { report, workspace } => write_reports(&Workspace::new(workspace.workspace), &report),
        Command::Run { accept_partial, fallback, workspace } => run_all(&Workspace::new(workspace.workspace), accept_partial, &fallback),
        Command::Cards { cards, workspace } => write_cards(&Workspace::new(workspace.workspace), &cards),
        Command::Export { term, workspace } => export(&Workspace::new(workspace.workspace), &term),
        Command::Watch { quiet, fallback, workspace } => {
            let ws = Workspace::new(workspace.workspace);
            ws.open()?;
            let quiet = std::time::Duration::from_secs_f64(quiet.clamp(0.1, 3600.0));
            tutorstat::watch::watch(&ws, quiet, || run_all(&ws, false, &fallback).map(|_| ()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Status { term, workspace } => status(&Workspace::new(workspace.workspace), term.as_deref()),
        Command::Demo { dir } => run_demo(&dir),
    }
}

fn init(dir: &Path, kind: Kind) -> anyhow::Result<ExitCode> {
    let ws = Workspace::new(dir);
    let existed = ws.config_path().exists();
    ws.init(kind)?;
    // The shipped definitions as workbooks a methodologist edits; a workspace that already
    // has one of them (a workbook, or the TOML of an older version) keeps its own.
    for q in Definitions::load(None)?.all() {
        let dir = ws.questionnaires();
        let path = dir.join(format!("{}.xlsx", q.code));
        if !path.exists() && !dir.join(format!("{}.toml", q.code)).exists() {
            let bytes = definitions::book::write(q).with_context(|| format!("не удалось записать {}", path.display()))?;
            std::fs::write(&path, bytes).with_context(|| format!("не удалось записать {}", path.display()))?;
        }
    }
    let written = blank::write_all(&ws.templates(), &Definitions::load(Some(&ws.questionnaires()))?)?;
    if existed {
        say!(
            "Рабочая папка уже есть: {}. Она сохранена как была (настройки, данные, отчёты); недостающие папки созданы, бланки обновлены.",
            dir.display()
        );
    } else {
        say!("Рабочая папка создана: {}", dir.display());
    }
    if kind == Kind::Centre {
        let register = blank::write_register(&ws.templates())?;
        say!("Реестр школ заполните в {} и укажите его в tutorstat.toml (register_file) или перечислите школы там же.", register.display());
        say!("Пакеты школ (.parquet) и заполненные формы кладите в {}.", ws.inbox().display());
        return Ok(ExitCode::SUCCESS);
    }
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
    // The demo writes the individual cards too.
    let config = std::fs::read_to_string(ws.config_path())?.replace("[cards]\nenabled = false", "[cards]\nenabled = true");
    std::fs::write(ws.config_path(), config)?;
    let count = demo::fill_inbox(&ws)?;
    say!("В папку {} положены примеры: {} трёх школ за 1 и 4 четверти 2025/2026.\n", ws.inbox().display(), files(count));
    // Two samples are wrong on purpose, so a rejection here is the expected outcome.
    run_all(&ws, false, &FallbackArgs::default())?;
    say!("\nОтклонённые файлы и списки ошибок: {}", ws.rejected().display());
    say!("Принятые файлы: {}; данные: {}", ws.archive().display(), ws.store().display());

    say!("\nЦентр: пакеты школ (обезличенные) собираются в сводку по муниципалитетам.");
    let centre = Workspace::new(dir.join("центр"));
    init(&centre.root, Kind::Centre)?;
    let mut config = std::fs::read_to_string(centre.config_path())?;
    config.push_str(demo::REGISTER);
    std::fs::write(centre.config_path(), config)?;
    for term in stored_terms(&ws)? {
        export(&ws, &term.label())?;
        for entry in std::fs::read_dir(report::term_dir(&ws.reports(), &term))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "parquet")
                && path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("package_"))
            {
                std::fs::copy(&path, centre.inbox().join(path.file_name().unwrap_or_default()))?;
            }
        }
    }
    run_all(&centre, false, &FallbackArgs::default())?;
    say!("\nОтчёты школ: {}; индивидуальные карточки участников — в папках cards", ws.reports().display());
    say!("Сводка центра: {} (centre.xlsx, centre.pdf)", centre.reports().display());
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
    // A path that is not a file is a mistake in the command, not a teacher's file to fix.
    for path in files {
        if path.is_dir() {
            anyhow::bail!("{} — это папка, а нужны файлы таблиц: укажите их, например «tutorstat check папка/*.xlsx»", path.display());
        }
        if !path.exists() {
            anyhow::bail!("файл {} не найден: проверьте имя и папку", path.display());
        }
    }
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
    let lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let summary = ingest_inbox(ws, &config, &definitions, accept_partial, fallback, lock.interrupted)?;
    Ok(exit_code(&summary))
}

/// discover -> read -> validate -> store, for every file of the inbox.
fn ingest_inbox(
    ws: &Workspace,
    config: &Config,
    definitions: &Definitions,
    accept_partial: bool,
    fallback: &FallbackArgs,
    interrupted: bool,
) -> anyhow::Result<ingest::Summary> {
    let options = ingest::Options { accept_partial, fallback: resolve_fallback(fallback, config)?, now: fixed_clock()?, interrupted };
    let summary = ingest::run(ws, config, definitions, &options)?;
    say_raw!("{}", ingest::summary::render(&summary, definitions, ingest::summary::console_width()));
    Ok(summary)
}

fn exit_code(summary: &ingest::Summary) -> ExitCode {
    if summary.rejected() > 0 { ExitCode::from(EXIT_REJECTED) } else { ExitCode::SUCCESS }
}

/// `report`: compute -> render for the chosen terms.
fn write_reports(ws: &Workspace, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    let _lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let terms = match &args.term {
        Some(t) => vec![parse_term(t)?],
        None => stored_terms(ws)?,
    };
    let compare = args.compare.as_deref().map(parse_term).transpose()?;
    render_terms(ws, &config, &definitions, &terms, args.school.as_deref(), compare)?;
    Ok(ExitCode::SUCCESS)
}

/// `run`: ingest, then the reports of every term touched and every later term of the same
/// school year (progress and change depend on earlier terms), so no report is left stale.
fn run_all(ws: &Workspace, accept_partial: bool, fallback: &FallbackArgs) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    let lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let summary = ingest_inbox(ws, &config, &definitions, accept_partial, fallback, lock.interrupted)?;
    let touched: Vec<Term> = summary.touched.iter().map(|(_, t)| *t).collect();
    let stored = stored_terms(ws)?;
    let terms: Vec<Term> = stored
        .iter()
        .copied()
        .filter(|t| touched.iter().any(|x| x.year == t.year && indicators::period_rank(x.period) <= indicators::period_rank(t.period)))
        .collect();
    // Files already loaded or rejected change nothing: the workspace has data, none is new
    // (`watch` runs this after every batch).
    if terms.is_empty() && !stored.is_empty() {
        say!("Новых данных нет: отчёты в {} остались прежними.", ws.reports().display());
        return Ok(exit_code(&summary));
    }
    render_terms(ws, &config, &definitions, &terms, None, None)?;
    Ok(exit_code(&summary))
}

fn render_terms(
    ws: &Workspace,
    config: &Config,
    definitions: &Definitions,
    terms: &[Term],
    school: Option<&str>,
    compare: Option<Term>,
) -> anyhow::Result<()> {
    let store = store::Store::new(&ws.store());
    let log = store::log::Log::new(&ws.store()).entries()?;
    let register = config.register.clone();
    let register_pairs: Vec<(String, String)> = register.iter().map(|s| (s.code.clone(), s.municipality.clone())).collect();
    if terms.is_empty() {
        say!("Нет данных для отчётов: сначала загрузите таблицы (tutorstat ingest).");
    }
    let fonts = report::pdf::Fonts::load();
    for term in terms {
        let model = build_model(&store, config, definitions, &log, &register_pairs, *term, school, compare)?;
        let written = match config.kind {
            Kind::School => {
                let mut written = report::write_term(&ws.reports(), &model, &fonts)?;
                if config.cards.enabled {
                    let selection = report::cards::Selection { school: school.map(String::from), ..Default::default() };
                    written.extend(report::cards::write(&ws.reports(), &model, &store, config, definitions, &fonts, &selection)?);
                }
                written
            }
            Kind::Centre => {
                let deadline = config.deadline(term);
                let known = if register.is_empty() {
                    model
                        .schools
                        .iter()
                        .map(|s| tutorstat::config::RegisteredSchool {
                            code: s.code.clone(),
                            name: s.name.clone(),
                            municipality: s.municipality.clone(),
                        })
                        .collect()
                } else {
                    register.clone()
                };
                let view = report::centre::CentreView::new(&model, &known, deadline);
                report::write_centre(&ws.reports(), &model, &view, &fonts)?
            }
        };
        say!("Отчёты за {}: {} ({})", term.russian(), report::term_dir(&ws.reports(), term).display(), files(written.len()));
    }
    Ok(())
}

/// «1 файл», «3 файла», «12 файлов».
fn files(count: usize) -> String {
    tutorstat::russian::plural(count as u64, "файл", "файла", "файлов")
}

/// The report model of a term.
#[allow(clippy::too_many_arguments)]
fn build_model(
    store: &store::Store,
    config: &Config,
    definitions: &Definitions,
    log: &[store::log::Entry],
    register: &[(String, String)],
    term: Term,
    school: Option<&str>,
    compare: Option<Term>,
) -> anyhow::Result<report::model::ReportModel> {
    let request = report::model::Request {
        term,
        register,
        school,
        compare,
        school_reports: config.kind == Kind::School,
        small_cell: (config.kind == Kind::Centre).then_some(config.privacy.small_cell),
        now: fixed_clock()?.unwrap_or_else(|| chrono::Local::now().naive_local()),
    };
    report::model::ReportModel::build(store, config, definitions, request, log)
}

/// `cards`: the individual cards of a term (by default the latest term with data).
fn write_cards(ws: &Workspace, args: &CardArgs) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    if config.kind == Kind::Centre {
        anyhow::bail!("индивидуальные карточки делаются только в рабочей папке школы: у центра нет ФИО участников");
    }
    let _lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let term = match &args.term {
        Some(t) => parse_term(t)?,
        None => match stored_terms(ws)?.last() {
            Some(t) => *t,
            None => {
                say!("Нет данных для карточек: сначала загрузите таблицы (tutorstat run).");
                return Ok(ExitCode::SUCCESS);
            }
        },
    };
    let store = store::Store::new(&ws.store());
    let log = store::log::Log::new(&ws.store()).entries()?;
    let register_pairs: Vec<(String, String)> = config.register.iter().map(|s| (s.code.clone(), s.municipality.clone())).collect();
    let model = build_model(&store, &config, &definitions, &log, &register_pairs, term, args.school.as_deref(), None)?;
    let selection = report::cards::Selection {
        school: args.school.clone(),
        person: args.person.clone(),
        tutor: args.tutor.clone(),
        class: args.class.clone(),
    };
    let fonts = report::pdf::Fonts::load();
    let written = report::cards::write(&ws.reports(), &model, &store, &config, &definitions, &fonts, &selection)?;
    if written.is_empty() {
        say!("За {} нет участников, подходящих под условия: проверьте код школы, ID, класс и период.", term.russian());
    } else {
        let dir = report::term_dir(&ws.reports(), &term).join("cards");
        say!("Индивидуальные карточки за {}: {} ({})", term.russian(), dir.display(), files(written.len()));
    }
    Ok(ExitCode::SUCCESS)
}

/// Terms with stored data, from the ingest log.
fn stored_terms(ws: &Workspace) -> anyhow::Result<Vec<Term>> {
    let entries = store::log::Log::new(&ws.store()).entries()?;
    let terms: std::collections::BTreeSet<Term> =
        entries.iter().filter(|e| e.outcome.commits()).filter_map(|e| Term::parse(&e.term)).collect();
    Ok(terms.into_iter().collect())
}

/// `status`: per school and form, what arrived, what waits for a fix, what is missing;
/// printed and written as `reports/<term>/status.xlsx`.
fn status(ws: &Workspace, term: Option<&str>) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let entries = store::log::Log::new(&ws.store()).entries()?;
    let terms = match term {
        Some(t) => vec![parse_term(t)?],
        None => tutorstat::status::logged_terms(&entries),
    };
    if terms.is_empty() {
        say!(
            "Файлы ещё не загружались: сдачу форм показать не за что. Положите таблицы в {} и запустите tutorstat run.",
            ws.inbox().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let now = fixed_clock()?.unwrap_or_else(|| chrono::Local::now().naive_local());
    for term in terms {
        let status = tutorstat::status::build(ws, &config, &config.register, &entries, term, now.date());
        let dir = report::term_dir(&ws.reports(), &term);
        std::fs::create_dir_all(&dir).with_context(|| format!("не удалось создать папку {}", dir.display()))?;
        let path = dir.join("status.xlsx");
        tutorstat::status::write_xlsx(&status, &definitions, now, &path)?;
        say_raw!("{}", tutorstat::status::render(&status, &definitions));
        say!("Таблица для рассылки: {}\n", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// `export`: one pseudonymised package per school of the term, for the centre.
fn export(ws: &Workspace, term: &str) -> anyhow::Result<ExitCode> {
    let config = ws.open()?;
    let _lock = ws.lock()?;
    let definitions = Definitions::load(Some(&ws.questionnaires()))?;
    let term = parse_term(term)?;
    let packages = tutorstat::package::build(&store::Store::new(&ws.store()), &config, &definitions, &term)?;
    if packages.is_empty() {
        say!("За период {} нет данных: сначала загрузите таблицы (tutorstat run).", term.russian());
        return Ok(ExitCode::SUCCESS);
    }
    let dir = report::term_dir(&ws.reports(), &term);
    std::fs::create_dir_all(&dir)?;
    for (school, bytes) in packages {
        let path = dir.join(format!("package_{school}_{}.parquet", term.slug()));
        report::write_atomically(&path, &bytes)?;
        say!("Пакет для центра: {} — отправьте этот файл в центр; ФИО и свободных ответов в нём нет.", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_term(text: &str) -> anyhow::Result<Term> {
    Term::parse(text).with_context(|| format!("не понял период «{text}»: пишите, например, \"2025/2026 Q1\" или \"2025/2026 1 четверть\""))
}

/// School and term for workbooks without `Паспорт`: command line first, then configuration.
fn resolve_fallback(args: &FallbackArgs, config: &Config) -> anyhow::Result<Fallback> {
    let term = match &args.term {
        Some(t) => Some(parse_term(t)?),
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
    use clap::CommandFactory as _;
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

/// Clap's own messages are English; say the essentials in Russian.
fn cli_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ErrorKind};
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::InvalidSubcommand => {
            let typed = e.get(ContextKind::InvalidSubcommand);
            let clap_says = suggestion(e.get(ContextKind::SuggestedSubcommand));
            let hint =
                if clap_says.is_empty() { close_command(typed.map(|t| t.to_string()).unwrap_or_default().as_str()) } else { clap_says };
            eprintln!("Ошибка: неизвестная команда{}.{hint} Список команд: tutorstat --help", quoted(typed))
        }
        ErrorKind::UnknownArgument => eprintln!(
            "Ошибка: неизвестный параметр{}.{} Справка по команде: tutorstat КОМАНДА --help",
            quoted(e.get(ContextKind::InvalidArg)),
            suggestion(e.get(ContextKind::SuggestedArg))
        ),
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
