//! `tutorstat templates [--out DIR]`: the blank forms, one workbook per form and per
//! questionnaire the workspace knows.

use std::process::ExitCode;

use tutorstat::blank;
use tutorstat::session::Session;

use crate::cli::TemplatesArgs;

pub fn run(session: &Session, args: &TemplatesArgs) -> anyhow::Result<ExitCode> {
    let dir = args.out.clone().unwrap_or_else(|| session.ws.templates());
    let written = blank::write_all(&dir, &session.definitions)?;
    for path in &written {
        say!("{}", path.display());
    }
    say!("Записано бланков: {}", written.len());
    Ok(ExitCode::SUCCESS)
}
