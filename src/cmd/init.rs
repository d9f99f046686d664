//! `tutorstat init DIR [--centre]`: a workspace's folders, a commented `tutorstat.toml`, the
//! shipped questionnaire definitions as workbooks and the blank forms.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use tutorstat::blank;
use tutorstat::config::Kind;
use tutorstat::definitions::Definitions;
use tutorstat::forms::definition;
use tutorstat::session::load_definitions;
use tutorstat::workspace::Workspace;

use crate::cli::InitArgs;

pub fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    init(
        &args.dir,
        if args.centre {
            Kind::Centre
        } else {
            Kind::School
        },
    )
}

/// Creates (or completes) the workspace `dir` of `kind`; `demo` makes its two this way.
pub fn init(dir: &Path, kind: Kind) -> anyhow::Result<ExitCode> {
    let ws = Workspace::new(dir);
    let existed = ws.config_path().exists();
    ws.init(kind)?;
    // The shipped definitions as workbooks a methodologist edits; a workspace that already
    // has one of them (a workbook, or the TOML of an older version) keeps its own.
    for q in Definitions::shipped()?.all() {
        let dir = ws.questionnaires();
        let path = dir.join(format!("{}.xlsx", q.code));
        if !path.exists() && !dir.join(format!("{}.toml", q.code)).exists() {
            let bytes = blank::template_properties(&q.title)
                .and_then(|properties| definition::write(q, &properties))
                .with_context(|| format!("не удалось записать {}", path.display()))?;
            std::fs::write(&path, bytes)
                .with_context(|| format!("не удалось записать {}", path.display()))?;
        }
    }
    let written = blank::write_all(&ws.templates(), &load_definitions(&ws)?)?;
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
        say!(
            "Реестр школ заполните в {} и укажите его в tutorstat.toml (register_file) или перечислите школы там же.",
            register.display()
        );
        say!(
            "Пакеты школ (.parquet) и заполненные формы кладите в {}.",
            ws.inbox().display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    say!(
        "Бланки для педагогов ({} шт.): {}",
        written.len(),
        ws.templates().display()
    );
    say!(
        "Заполненные таблицы кладите в {} и запускайте: tutorstat ingest --workspace {}",
        ws.inbox().display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
