//! The command line, in Russian: what the user typed, parsed once into [`Cli`], one
//! argument struct per command (the `args` of `cmd::<command>::run`). Terms are parsed here,
//! by clap, through `Term`'s `FromStr`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tutorstat::schema::Term;

const HELP_TEMPLATE: &str = "\
{before-help}{about}

Использование: {usage}

{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "tutorstat",
    override_usage = "tutorstat КОМАНДА [ПАРАМЕТРЫ]",
    version,
    about = "tutorstat — проверка таблиц педагогов, хранение данных и отчёты мониторинга тьюторского сопровождения.",
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Команды",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    after_help = "Начало работы: tutorstat init ПАПКА, затем положите заполненные таблицы в ПАПКА/inbox и запустите tutorstat ingest --workspace ПАПКА."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Показать эту справку
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true, help_heading = "Общие параметры")]
    help: Option<bool>,

    /// Показать версию программы
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version, help_heading = "Общие параметры")]
    version: Option<bool>,
}

#[derive(Debug, Args)]
pub struct WorkspaceArg {
    /// Рабочая папка (по умолчанию — текущая)
    #[arg(
        id = "workspace",
        short = 'w',
        long = "workspace",
        value_name = "ПАПКА",
        default_value = ".",
        hide_default_value = true
    )]
    pub root: PathBuf,
}

/// School and term for workbooks without the `Паспорт` sheet.
#[derive(Debug, Args, Clone, Default)]
pub struct FallbackArgs {
    /// Код школы для файлов без листа «Паспорт», например 2315-001
    #[arg(long = "school", value_name = "КОД")]
    pub school: Option<String>,

    /// Период для файлов без листа «Паспорт», например "2025/2026 Q1"
    #[arg(long = "term", value_name = "ПЕРИОД")]
    pub term: Option<Term>,
}

/// `init`: the folder to create.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Папка, которую нужно создать
    #[arg(value_name = "ПАПКА")]
    pub dir: PathBuf,
    /// Папка центра развития образования (принимает пакеты школ)
    #[arg(long = "centre")]
    pub centre: bool,
}

/// `templates`: where to write the blank forms.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Куда записать бланки (по умолчанию — папка templates рабочей папки)
    #[arg(long = "out", value_name = "ПАПКА")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `check`: the files to validate.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Файлы для проверки
    #[arg(value_name = "ФАЙЛ", required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub fallback: FallbackArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `ingest` and `run`: how to treat the inbox's files.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Сохранять верные строки файлов с ошибками, а не отклонять файл целиком
    #[arg(long = "accept-partial")]
    pub accept_partial: bool,
    #[command(flatten)]
    pub fallback: FallbackArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// Which reports to write.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Период отчёта, например "2025/2026 Q1" (по умолчанию — все периоды с данными)
    #[arg(long = "term", value_name = "ПЕРИОД")]
    pub term: Option<Term>,

    /// Только эта школа (код ОО)
    #[arg(long = "school", value_name = "КОД")]
    pub school: Option<String>,

    /// С каким периодом сравнивать (по умолчанию — с предыдущим периодом того же вида)
    #[arg(long = "compare", value_name = "ПЕРИОД")]
    pub compare: Option<Term>,

    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// Whose individual cards to write.
#[derive(Debug, Args)]
pub struct CardArgs {
    /// Период, например "2025/2026 Q4" (по умолчанию — последний период с данными)
    #[arg(long = "term", value_name = "ПЕРИОД")]
    pub term: Option<Term>,

    /// Только эта школа (код ОО)
    #[arg(long = "school", value_name = "КОД")]
    pub school: Option<String>,

    /// Только этот участник (ID из состава)
    #[arg(long = "person", value_name = "ID")]
    pub person: Option<String>,

    /// Тьюторанты этого тьютора (ID тьютора) и общий файл с их карточками
    #[arg(long = "tutor", value_name = "ID")]
    pub tutor: Option<String>,

    /// Только этот класс, например 9А
    #[arg(long = "class", value_name = "КЛАСС")]
    pub class: Option<String>,

    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `export`: the term to package.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Период, например "2025/2026 Q1"
    #[arg(long = "term", value_name = "ПЕРИОД", required = true)]
    pub term: Term,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `watch`: how long a file must stay unchanged, and how to treat the files.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Сколько секунд файл должен не меняться, чтобы считаться дописанным
    #[arg(
        long = "quiet",
        value_name = "СЕКУНДЫ",
        default_value_t = 2.0,
        hide_default_value = true
    )]
    pub quiet: f64,
    #[command(flatten)]
    pub fallback: FallbackArgs,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `status`: which terms to show.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Период, например "2025/2026 Q1" (по умолчанию — все периоды, за которые приходили файлы)
    #[arg(long = "term", value_name = "ПЕРИОД")]
    pub term: Option<Term>,
    #[command(flatten)]
    pub workspace: WorkspaceArg,
}

/// `demo`: where to build the demonstration.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Папка для демонстрации (по умолчанию tutorstat-demo в текущей папке)
    #[arg(
        value_name = "ПАПКА",
        default_value = "tutorstat-demo",
        hide_default_value = true
    )]
    pub dir: PathBuf,
}

#[derive(Debug, Subcommand)]
#[command(help_template = HELP_TEMPLATE)]
pub enum Command {
    /// Создать рабочую папку: inbox, archive, rejected, store, reports, бланки и настройки
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat init ПАПКА [--centre]", next_help_heading = "Параметры")]
    Init(InitArgs),
    /// Записать пустые бланки форм для педагогов
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat templates [--out ПАПКА] [--workspace ПАПКА]", next_help_heading = "Параметры")]
    Templates(TemplatesArgs),
    /// Проверить таблицы, ничего не сохраняя; код выхода 1, если есть ошибки
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat check ФАЙЛ... [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Check(CheckArgs),
    /// Загрузить всё из папки inbox: проверить, сохранить, разложить по archive и rejected
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat ingest [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Ingest(IngestArgs),
    /// Рассчитать показатели и записать отчёты в папку reports
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat report [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Report(ReportArgs),
    /// Записать индивидуальные карточки участников (для тьюторов; с ФИО, в центр не передаются)
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat cards [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Cards(CardArgs),
    /// Подготовить пакет для центра: обезличенные данные школы за период (без ФИО и свободных ответов)
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat export --term ПЕРИОД [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Export(ExportArgs),
    /// Загрузить всё из inbox и обновить отчёты всех затронутых периодов (главная команда)
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat run [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Run(IngestArgs),
    /// Следить за папкой inbox и обрабатывать новые таблицы сразу (остановить — Ctrl-C)
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat watch [ПАРАМЕТРЫ]", next_help_heading = "Параметры")]
    Watch(WatchArgs),
    /// Сдача форм по школам: получено, ждёт исправления, не получено, с опозданием
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat status [--term ПЕРИОД] [--workspace ПАПКА]", next_help_heading = "Параметры")]
    Status(StatusArgs),
    /// Показать работу программы на примерах: три школы, два периода, файлы с ошибками
    #[command(help_template = HELP_TEMPLATE, override_usage = "tutorstat demo [ПАПКА]", next_help_heading = "Параметры")]
    Demo(DemoArgs),
}
