//! The annotated copy of a rejected workbook (`rejected/<name>.ошибки.xlsx`, workflow.md):
//! the teacher's own sheets with every value kept, each bad cell highlighted with its
//! message as a note, and a first sheet `Проверка` listing every problem with a link to
//! its cell. The teacher fixes the copy and drops it back into `inbox/`.

use calamine::Data;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Url, Workbook, XlsxError};

use std::collections::HashMap;

use crate::problem::{MAX_LISTED, Problem, Problems, Severity, cell_name};
use crate::read::workbook::{self, Limits};

/// The sheet listing the problems; readers ignore it when the copy comes back.
pub const CHECK_SHEET: &str = "Проверка";

/// The annotated copy, or `None` when the file could not be read at all (nothing to annotate).
pub fn annotated_copy(bytes: &[u8], problems: &Problems, limits: Limits) -> Option<Vec<u8>> {
    let wb = workbook::open(bytes, limits).ok()?;
    write(&wb, problems).ok()
}

fn write(wb: &workbook::Workbook, problems: &Problems) -> Result<Vec<u8>, XlsxError> {
    let mut out = Workbook::new();
    let bold = Format::new().set_bold();
    let header = bold.clone().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin);
    let error_cell =
        Format::new().set_background_color(Color::RGB(0xF8CBAD)).set_border(FormatBorder::Medium).set_border_color(Color::RGB(0xC00000));
    let warning_cell = Format::new().set_background_color(Color::RGB(0xFFE699));
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let error_date = error_cell.clone().set_num_format("dd.mm.yyyy");

    let check = out.add_worksheet();
    check.set_name(CHECK_SHEET)?;
    check.write_string_with_format(0, 0, "Что исправить в этом файле", &bold)?;
    check.write_string(1, 0, "Исправьте отмеченные ячейки на листах ниже (красные — ошибки, жёлтые — предупреждения), сохраните файл и положите его снова в папку inbox. Этот лист можно не удалять.")?;
    for (c, h) in ["Вид", "Лист", "Ячейка", "Значение", "Что не так и что ожидается"].iter().enumerate()
    {
        check.write_string_with_format(3, c as u16, *h, &header)?;
    }
    let mut items: Vec<_> = problems.items.iter().filter(|p| p.severity != Severity::Note).collect();
    items.sort_by_key(|p| p.severity);
    if problems.unlisted() > 0 {
        let text = format!(
            "Показаны первые {} замечаний, ещё {} не показано: исправьте показанные и проверьте файл снова.",
            crate::russian::grouped(MAX_LISTED as u64),
            crate::russian::plural(problems.unlisted() as u64, "замечание", "замечания", "замечаний")
        );
        check.write_string(2, 0, text)?;
    }
    for (i, p) in items.iter().enumerate() {
        let r = 4 + i as u32;
        check.write_string(r, 0, p.severity.label())?;
        check.write_string(r, 1, &p.sheet)?;
        if let Some((row, col)) = p.cell {
            let target = format!("internal:'{}'!{}", p.sheet.replace('\'', "''"), cell_name(row, col));
            check.write_url_with_text(r, 2, Url::new(target), cell_name(row, col))?;
        }
        check.write_string(r, 3, &p.found)?;
        check.write_string(r, 4, &p.message)?;
    }
    check.set_column_width(0, 16)?;
    check.set_column_width(1, 16)?;
    check.set_column_width(3, 20)?;
    check.set_column_width(4, 90)?;
    check.set_freeze_panes(4, 0)?;

    // The listed problems by cell, looked up once per cell of every sheet.
    let mut by_cell: HashMap<(&str, (u32, u32)), Vec<&Problem>> = HashMap::new();
    for p in &items {
        if let Some(cell) = p.cell {
            by_cell.entry((p.sheet.as_str(), cell)).or_default().push(p);
        }
    }
    // A copy that comes back with errors again already has a «Проверка» sheet: it is rebuilt.
    for sheet in wb.sheets.iter().filter(|s| s.name != CHECK_SHEET) {
        // Rows go to a temporary file as they are written (they are written in order): a
        // sheet of a million rows would otherwise be held whole in memory.
        let ws = out.add_worksheet_with_constant_memory()?;
        ws.set_name(&sheet.name)?;
        for row in sheet.row_span() {
            for col in sheet.col_span() {
                let value = sheet.get(row, col);
                let notes = by_cell.get(&(sheet.name.as_str(), (row, col))).map_or(&[][..], Vec::as_slice);
                let severity = notes.first().map(|p| p.severity);
                let (text_format, date_format) = match severity {
                    Some(Severity::Error) => (Some(&error_cell), &error_date),
                    Some(Severity::Warning) => (Some(&warning_cell), &date),
                    _ => (None, &date),
                };
                let (r, c) = (row, col as u16);
                // Every value keeps its type, so the fixed copy reads back as the original did.
                match (value, text_format) {
                    (Data::String(s), Some(f)) => ws.write_string_with_format(r, c, s, f).map(|_| ())?,
                    (Data::String(s), None) => ws.write_string(r, c, s).map(|_| ())?,
                    (Data::Float(n), Some(f)) => ws.write_number_with_format(r, c, *n, f).map(|_| ())?,
                    (Data::Float(n), None) => ws.write_number(r, c, *n).map(|_| ())?,
                    (Data::Int(n), _) => ws.write_number(r, c, *n as f64).map(|_| ())?,
                    (Data::Bool(b), _) => ws.write_boolean(r, c, *b).map(|_| ())?,
                    (Data::DateTime(d), _) => ws.write_number_with_format(r, c, d.as_f64(), date_format).map(|_| ())?,
                    (Data::DateTimeIso(s) | Data::DurationIso(s), _) => ws.write_string(r, c, s).map(|_| ())?,
                    (Data::Error(_), _) => ws.write_string(r, c, crate::read::values::cell_text(value).unwrap_or_default()).map(|_| ())?,
                    (Data::Empty, Some(f)) => ws.write_blank(r, c, f).map(|_| ())?,
                    (Data::Empty, None) => {}
                }
                let messages: Vec<&str> = notes.iter().map(|p| p.message.as_str()).collect();
                if !messages.is_empty() {
                    ws.insert_note(r, c, &Note::new(messages.join("\n")).set_author("tutorstat"))?;
                }
            }
        }
    }
    out.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_file_has_no_annotated_copy() {
        assert!(annotated_copy(b"not a workbook", &Problems::default(), Limits::default()).is_none());
    }
}
