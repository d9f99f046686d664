//! The Russian summary a methodologist reads at the end of a run: one table row per file,
//! then every rejected file's errors, so nothing needs to be looked up elsewhere.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::{FileReport, Summary};
use crate::problem::{Severity, printable};
use crate::store::log::Outcome;

/// The summary table and the problems worth reading now.
pub fn render(summary: &Summary) -> String {
    let mut out = String::new();
    for (file, reason) in &summary.skipped {
        out.push_str(&format!("{file}: {reason}\n"));
    }
    if summary.files.is_empty() {
        out.push_str("В папке inbox нет новых таблиц.\n");
        return out;
    }
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
    if table.width().is_none() {
        // Not a terminal (a log, CI): a width that still fits a wide console window.
        table.set_width(180);
    }
    let mut files: Vec<&FileReport> = summary.files.iter().collect();
    files.sort_by(|a, b| a.file.cmp(&b.file));
    table.set_header(["Файл", "Форма", "Школа", "Период", "Итог", "Строк", "Сохранено", "Отклонено", "Пустых", "Предупр.", "Изменения"]);
    for f in files {
        table.add_row(row(f));
    }
    out.push_str(&format!("{table}\n"));
    let stored = summary.files.iter().filter(|f| f.outcome.commits()).count();
    let duplicates = summary.files.iter().filter(|f| f.outcome == Outcome::Duplicate).count();
    out.push_str(&format!(
        "Итого файлов: {}; загружено: {stored}; уже были загружены: {duplicates}; отклонено: {}.\n",
        summary.files.len(),
        summary.rejected()
    ));
    for f in summary.files.iter().filter(|f| f.outcome.commits() && f.problems.count(Severity::Warning) > 0) {
        out.push_str(&format!("\n{} — принят, предупреждения:\n", f.file));
        for p in f.problems.items.iter().filter(|p| p.severity == Severity::Warning).take(10) {
            out.push_str(&format!("  {p}\n"));
        }
    }
    for f in summary.files.iter().filter(|f| f.outcome == Outcome::Rejected) {
        let copy = f.moved_to.rsplit_once('.').map(|(stem, _)| format!("{stem}.ошибки.xlsx")).unwrap_or_default();
        out.push_str(&format!("\n{} — отклонён. Список ошибок: {}.ошибки.txt; копия с отмеченными ячейками: {copy}\n", f.file, f.moved_to));
        for p in f.problems.items.iter().filter(|p| p.severity == Severity::Error).take(20) {
            out.push_str(&format!("  {p}\n"));
        }
        let more = f.problems.count(Severity::Error).saturating_sub(20);
        if more > 0 {
            out.push_str(&format!("  … и ещё ошибок: {more}\n"));
        }
    }
    printable(&out)
}

fn row(f: &FileReport) -> Vec<String> {
    let p = f.passport.as_ref();
    let changes =
        if f.outcome == Outcome::Replaced { format!("+{} −{} ~{}", f.diff.added, f.diff.removed, f.diff.changed) } else { String::new() };
    let form = p
        .map(|p| {
            let detail = p.questionnaire.as_deref().or(p.diagnostic.as_deref()).unwrap_or_default();
            let wave = p.wave.map(|w| format!(" ({})", w.russian())).unwrap_or_default();
            if detail.is_empty() { p.form.russian().to_string() } else { format!("{}: {detail}{wave}", p.form.russian()) }
        })
        .unwrap_or_default();
    vec![
        f.file.strip_prefix("inbox/").unwrap_or(&f.file).to_string(),
        form,
        p.map(|p| p.school_code.clone()).unwrap_or_default(),
        p.map(|p| p.term.label()).unwrap_or_default(),
        f.outcome.russian().to_string(),
        f.counts.read.to_string(),
        f.counts.stored.to_string(),
        f.counts.rejected.to_string(),
        f.counts.blank.to_string(),
        f.problems.count(Severity::Warning).to_string(),
        changes,
    ]
}
