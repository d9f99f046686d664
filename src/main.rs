//! The `tutorstat` command, a table of contents: parse the command line (`cli`), open a
//! session on the folder the command works on (`tutorstat::session`), and hand both to the
//! command's own module under `cmd/`. Usage errors are told in Russian by `usage`.

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

mod allocator;
mod cli;
mod cmd;
mod console;
mod usage;

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser};

use cli::{Cli, Command};
use tutorstat::read;
use tutorstat::session::Session;

/// mimalloc instead of the system allocator: many threads allocate small strings and frames
/// at once, and glibc's malloc spent a fifth of ingest in its own locks and free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    tutorstat::parallel::size_compute_pool();
    let _utf8 = console::utf8_output();
    if std::env::args_os().len() <= 1 && console::own_window() {
        return explain_double_click();
    }
    read::workbook::quiet_reader_panics();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage::report(e),
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Ошибка: {e:#}");
            ExitCode::from(cmd::EXIT_CANNOT_RUN)
        }
    }
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for huge pages on
/// its arena (`MADV_HUGEPAGE`), gives memory back as it goes, and every 2 MiB page touched
/// again was zeroed whole: `clear_page` was 12 % of ingest's CPU. Off, a 300-school ingest
/// and report spend a third less system time and ingest peaks 75 MB lower
/// (docs/architecture.md «Performance»). The same as `MIMALLOC_ALLOW_THP=0`, which mimalloc
/// reads before `main` and a program cannot set for itself.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours; a kernel
    // without it returns an error, and the program runs as before.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
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
    ExitCode::from(cmd::EXIT_CANNOT_RUN)
}

/// Each command with the session it needs: none (`init`, `demo` make their folders), a
/// folder that need not be a workspace (`templates`, `check`), a workspace read as it is
/// (`status`, `watch`, which locks per batch), or a workspace locked for writing.
fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Init(args) => cmd::init::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
        Command::Templates(args) => {
            cmd::templates::run(&Session::loose(&args.workspace.root)?, &args)
        }
        Command::Check(args) => cmd::check::run(&Session::loose(&args.workspace.root)?, &args),
        Command::Status(args) => cmd::status::run(&Session::open(&args.workspace.root)?, &args),
        Command::Watch(args) => cmd::watch::run(&Session::open(&args.workspace.root)?, &args),
        Command::Ingest(args) => {
            cmd::ingest::run(&Session::open(&args.workspace.root)?.locked()?, &args)
        }
        Command::Run(args) => cmd::run::run(&Session::open(&args.workspace.root)?.locked()?, &args),
        Command::Report(args) => {
            cmd::report::run(&Session::open(&args.workspace.root)?.locked()?, &args)
        }
        Command::Cards(args) => {
            cmd::cards::run(&Session::open(&args.workspace.root)?.locked()?, &args)
        }
        Command::Export(args) => {
            cmd::export::run(&Session::open(&args.workspace.root)?.locked()?, &args)
        }
    }
}
