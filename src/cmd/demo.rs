//! `tutorstat demo [DIR]`: a school workspace filled with the bundled samples and `run`, then
//! a centre (`DIR/центр`) fed with the schools' exported packages and `run` too.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use tutorstat::config::Kind;
use tutorstat::session::Session;
use tutorstat::{demo, report};

use super::files;
use crate::cli::{DemoArgs, FallbackArgs};

/// Marks a folder made by `demo`, so a second demo may safely start it afresh.
const DEMO_MARKER: &str = ".tutorstat-demo";

pub fn run(args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.as_path();
    if dir.join(DEMO_MARKER).exists() {
        std::fs::remove_dir_all(dir).with_context(|| {
            format!("не удалось очистить прежнюю демонстрацию {}", dir.display())
        })?;
    } else if dir
        .read_dir()
        .is_ok_and(|mut entries| entries.next().is_some())
    {
        anyhow::bail!(
            "папка {} не пуста: укажите для демонстрации новую папку, например «tutorstat demo tutorstat-demo-2»",
            dir.display()
        );
    }
    super::init::init(dir, Kind::School)?;
    std::fs::write(dir.join(DEMO_MARKER), "")?;
    // The demo writes the individual cards too.
    edit_config(dir, |config| {
        config.replace("[cards]\nenabled = false", "[cards]\nenabled = true")
    })?;
    let school = Session::open(dir)?.locked()?;
    let count = demo::fill_inbox(&school.ws)?;
    say!(
        "В папку {} положены примеры: {} трёх школ за 1 и 4 четверти 2025/2026.\n",
        school.ws.inbox().display(),
        files(count)
    );
    // Two samples are wrong on purpose, so a rejection here is the expected outcome.
    super::run::ingest_and_report(&school, false, &FallbackArgs::default(), None)?;
    say!(
        "\nОтклонённые файлы и списки ошибок: {}",
        school.ws.rejected().display()
    );
    say!(
        "Принятые файлы: {}; данные: {}",
        school.ws.archive().display(),
        school.ws.store().display()
    );

    say!("\nЦентр: пакеты школ (обезличенные) собираются в сводку по муниципалитетам.");
    let centre_dir = dir.join("центр");
    super::init::init(&centre_dir, Kind::Centre)?;
    edit_config(&centre_dir, |config| config + demo::REGISTER)?;
    let centre = Session::open(&centre_dir)?.locked()?;
    for term in school.stored_terms()? {
        super::export::export(&school, &term)?;
        for entry in std::fs::read_dir(report::term_dir(&school.ws.reports(), &term))? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "parquet")
                && path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("package_"))
            {
                std::fs::copy(
                    &path,
                    centre.ws.inbox().join(path.file_name().unwrap_or_default()),
                )?;
            }
        }
    }
    super::run::ingest_and_report(&centre, false, &FallbackArgs::default(), None)?;
    say!(
        "\nОтчёты школ: {}; индивидуальные карточки участников — в папках cards",
        school.ws.reports().display()
    );
    say!(
        "Сводка центра: {} (centre.xlsx, centre.pdf)",
        centre.ws.reports().display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Rewrites the `tutorstat.toml` of the workspace `dir` with `edit`.
fn edit_config(dir: &Path, edit: impl FnOnce(String) -> String) -> anyhow::Result<()> {
    let path = dir.join(tutorstat::workspace::CONFIG_FILE);
    let config = std::fs::read_to_string(&path)?;
    std::fs::write(&path, edit(config))?;
    Ok(())
}
