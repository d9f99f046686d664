//! The register of schools a centre measures completeness against: `[[register]]` in
//! `tutorstat.toml` and/or an xlsx (`Код ОО`, `Наименование ОО`, `Муниципалитет`), read
//! here when the configuration is loaded (`Config::load`), so a missing or malformed
//! register stops every command at once.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

use crate::forms::spec::col;
use crate::forms::table::{Normalizations, RowCounts, RowReader, data_rows, locate_header};
use crate::problem::Problems;
use crate::read::workbook;

/// One school of the register: a `[[register]]` entry of `tutorstat.toml` or a row of the
/// register workbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredSchool {
    /// `Код ОО`.
    pub code: String,
    /// `Наименование ОО`.
    pub name: String,
    /// `Муниципалитет`.
    pub municipality: String,
}

/// The sheet a register workbook keeps its schools on (the first sheet serves otherwise).
pub(crate) const SHEET: &str = "Реестр";

/// The register's columns: the blank register template is written from the same list.
pub(crate) const COLUMNS: [crate::forms::spec::Column; 3] = [
    col("code", "Код ОО", true),
    col("name", "Наименование ОО", true),
    col("municipality", "Муниципалитет", true),
];

/// The schools of a register workbook.
pub fn read(path: &Path, limits: workbook::Limits) -> anyhow::Result<Vec<RegisteredSchool>> {
    let mut schools = Vec::new();
    if !path.is_file() {
        anyhow::bail!("файл реестра школ {} не найден", path.display());
    }
    let bytes = std::fs::read(path)
        .with_context(|| format!("не удалось прочитать реестр школ {}", path.display()))?;
    let wb = workbook::open(&bytes, limits)
        .map_err(|e| anyhow::anyhow!("реестр школ {}: {e}", path.display()))?;
    let sheet = wb
        .sheet(SHEET)
        .or_else(|| wb.sheets.first())
        .context("в реестре школ нет листов")?;
    let mut problems = Problems::default();
    let header = locate_header(sheet, &COLUMNS, &mut problems).context(
        "в реестре школ не найдены столбцы «Код ОО», «Наименование ОО», «Муниципалитет»",
    )?;
    let mut counts = RowCounts::default();
    let mut norm = Normalizations::default();
    for row in data_rows(sheet, &header, &mut counts, &mut problems) {
        let mut r = RowReader {
            sheet,
            header: &header,
            columns: &COLUMNS,
            row,
            problems: &mut problems,
            norm: &mut norm,
        };
        if let (Some(code), Some(name), Some(municipality)) =
            (r.text("code"), r.text("name"), r.text("municipality"))
        {
            schools.push(RegisteredSchool {
                code,
                name,
                municipality,
            });
        }
    }
    if problems.has_errors() {
        let list: Vec<String> = problems.items.iter().map(|p| p.to_string()).collect();
        anyhow::bail!(
            "ошибки в реестре школ {}:\n{}",
            path.display(),
            list.join("\n")
        );
    }
    Ok(schools)
}
