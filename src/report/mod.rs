//! Stage 6, render: the report model of a term and the files written from it. Every number
//! of every output comes from [`model::ReportModel`]; renderers only lay it out.

pub mod card_pdf;
pub mod cards;
pub mod centre;
pub mod csv;
pub mod figures;
pub mod model;
pub mod names;
pub mod pdf;
#[cfg(test)]
mod privacy_properties;
pub mod region;
pub mod xlsx;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::read::values::Term;
use model::ReportModel;

/// Writes the machine-readable outputs of a term into `reports/<term>/`; returns the files.
pub fn write_term(reports: &Path, model: &ReportModel, fonts: &pdf::Fonts) -> anyhow::Result<Vec<PathBuf>> {
    let dir = term_dir(reports, &model.term);
    std::fs::create_dir_all(&dir).with_context(|| format!("не удалось создать {}", dir.display()))?;
    let mut written = Vec::new();
    let mut out = |name: &str, bytes: Vec<u8>| -> anyhow::Result<()> {
        let path = dir.join(name);
        write_atomically(&path, &bytes)?;
        written.push(path);
        Ok(())
    };
    if model.only_school.is_none() {
        out("indicators.csv", csv::frame_to_csv(&model.indicators)?)?;
        out("indicators.parquet", csv::frame_to_parquet(&model.indicators)?)?;
        out("groups.csv", csv::frame_to_csv(&model.groups)?)?;
        out("changes.csv", csv::frame_to_csv(&model.changes)?)?;
        out("trend.csv", csv::frame_to_csv(&model.trend_table()?)?)?;
        out("ingest-log.csv", csv::entries_to_csv(&model.log)?)?;
    }
    // Workbooks render on every core, PDFs one after another in school order with a
    // progress line. Each PDF's bytes depend on its content only (`pdf::content_id`).
    let workbooks = crate::parallel::map(&model.schools, |s| xlsx::render(model, s).map(|bytes| (format!("{}.xlsx", s.code), bytes)));
    let workbooks: Vec<(String, Vec<u8>)> = workbooks.into_iter().collect::<Result<_, _>>()?;
    for (name, bytes) in workbooks {
        out(&name, bytes)?;
    }
    let mut progress = crate::progress::Progress::new(model.schools.len(), ["PDF-отчёта школ", "PDF-отчётов школ"]);
    for school in &model.schools {
        out(&format!("{}.pdf", school.code), pdf::render(model, school, fonts))?;
        progress.step();
    }
    Ok(written)
}

/// Writes a centre's outputs of a term: no person rows, file names (which often carry a
/// teacher's name) replaced by their content hash. Small cells are not in the model at all
/// (`ReportModel::small_cell`), so no output has to leave them out.
pub fn write_centre(reports: &Path, model: &ReportModel, view: &centre::CentreView, fonts: &pdf::Fonts) -> anyhow::Result<Vec<PathBuf>> {
    let dir = term_dir(reports, &model.term);
    std::fs::create_dir_all(&dir).with_context(|| format!("не удалось создать {}", dir.display()))?;
    let log: Vec<_> = model
        .log
        .iter()
        .cloned()
        .map(|mut e| {
            e.file = format!("файл {}", &e.sha256[..12.min(e.sha256.len())]);
            e.moved_to = String::new();
            e
        })
        .collect();
    // Two outputs are made at a time, whatever the cores, each written before the thread
    // takes the next, and the CSV tables stream to their files: at a country's scale the
    // tables hold millions of rows, and all six at once were most of the peak memory. The
    // PDF, the longest, goes first.
    type Render<'a> = Box<dyn Fn(&mut dyn Write) -> anyhow::Result<()> + Sync + 'a>;
    let outputs: [(&str, Render); 6] = [
        ("centre.pdf", Box::new(|out| Ok(out.write_all(&pdf::render_centre(model, view, fonts))?))),
        ("changes.csv", Box::new(|out| csv::write_frame(&model.changes, out))),
        ("indicators.csv", Box::new(|out| csv::write_frame(&model.indicators, out))),
        ("centre.xlsx", Box::new(|out| Ok(out.write_all(&xlsx::render_centre(model, view)?)?))),
        ("indicators.parquet", Box::new(|out| Ok(out.write_all(&csv::frame_to_parquet(&model.indicators)?)?))),
        ("ingest-log.csv", Box::new(|out| Ok(out.write_all(&csv::entries_to_csv(&log)?)?))),
    ];
    crate::parallel::map_on(2, &outputs, |(name, render)| {
        let path = dir.join(name);
        write_atomically_with(&path, render)?;
        Ok(path)
    })
    .into_iter()
    .collect()
}

/// `reports/2025-2026-Q1/`.
pub fn term_dir(reports: &Path, term: &Term) -> PathBuf {
    reports.join(term.slug())
}

/// Writes to a temporary file beside the target, then renames: a reader never sees half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}

/// [`write_atomically`] of what `write` writes.
pub fn write_atomically_with(path: &Path, write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let file = std::fs::File::create(&tmp).with_context(|| format!("не удалось записать {}", tmp.display()))?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out).with_context(|| format!("не удалось записать {}", tmp.display()))?;
    out.flush().with_context(|| format!("не удалось записать {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("не удалось записать {}", path.display()))?;
    Ok(())
}
