//! One module per command, as `tutorstat --help` lists them. Each has `run(&Session, &args)`
//! (or `run(&args)` for `init` and `demo`, which make their folders) and prints what it did
//! in Russian; `main.rs` opens the session and dispatches. Commands that share a step call
//! it in the command that owns it: `run` = `ingest::ingest_inbox` + `report::render_terms`.

pub mod cards;
pub mod check;
pub mod demo;
pub mod export;
pub mod ingest;
pub mod init;
pub mod report;
pub mod run;
pub mod status;
pub mod templates;
pub mod watch;

/// Exit codes of workflow.md: some input rejected (everything else processed) ...
pub const EXIT_REJECTED: u8 = 1;
/// ... and could not run.
pub const EXIT_CANNOT_RUN: u8 = 2;

/// «1 файл», «3 файла», «12 файлов».
fn files(count: usize) -> String {
    tutorstat::russian::plural(count as u64, "файл", "файла", "файлов")
}
