//! The annotated copy of a rejected workbook (`rejected/<name>.ошибки.xlsx`, workflow.md):
//! the teacher's values with each bad cell highlighted and its message as a note, and a
//! first, printable sheet `Проверка` listing every problem with a link to its cell. Where
//! the file keeps the layout of the program's blank form, the copy is that blank refilled
//! (dropdowns, formats, widths, protection and hidden lists as in the blank), so the
//! corrected file again prevents the next mistake; otherwise it is a plain copy of the
//! teacher's sheets. The teacher fixes the copy and hands it back to the methodologist.

use calamine::Data;
use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Url, Workbook, Worksheet, XlsxError,
};

use std::collections::HashMap;

use crate::blank::{self, BlankCells};
use crate::definitions::{Definitions, Questionnaire};
use crate::forms::{FormKind, Passport};
use crate::problem::{MAX_LISTED, Problem, Problems, Severity, cell_name};
use crate::read::workbook::{self, Limits, Sheet};

/// The sheet listing the problems; readers ignore it when the copy comes back.
pub const CHECK_SHEET: &str = "Проверка";

/// Files up to this many cells are refilled into the blank form, which holds the whole
/// copy in memory; larger ones are copied plainly, their rows streamed to disk.
const REFILL_CELLS: usize = 200_000;

/// The blank form a rejected file was meant to be: its form and questionnaire definition.
#[derive(Debug, Clone, Copy)]
pub struct Blank<'a> {
    /// The form whose blank the copy is written on.
    pub form: FormKind,
    /// For a questionnaire, the definition its items and answer lists come from.
    pub questionnaire: Option<&'a Questionnaire>,
}

/// The blank of a file whose `Паспорт` could be read; a questionnaire needs its definition.
pub fn blank_of<'a>(
    passport: Option<&Passport>,
    definitions: &'a Definitions,
) -> Option<Blank<'a>> {
    let p = passport?;
    let questionnaire = match p.form {
        FormKind::Questionnaire => Some(definitions.get(p.questionnaire.as_deref()?)?),
        _ => None,
    };
    Some(Blank {
        form: p.form,
        questionnaire,
    })
}

/// The annotated copy, or `None` when the file could not be read at all (nothing to annotate).
pub fn annotated_copy(
    bytes: &[u8],
    problems: &Problems,
    limits: Limits,
    blank: Option<Blank>,
) -> Option<Vec<u8>> {
    let wb = workbook::open(bytes, limits).ok()?;
    let cells: usize = wb
        .sheets
        .iter()
        .map(|s| s.range.get_size().0 * s.range.get_size().1)
        .sum();
    if let Some(blank) = blank.filter(|_| cells <= REFILL_CELLS)
        && let Ok(Some(copy)) = on_blank(&wb, problems, blank)
    {
        return Some(copy);
    }
    plain(&wb, problems).ok()
}

/// How bad cells look: the cell's own format with a red or yellow fill.
fn highlighted(format: Format, severity: Option<Severity>) -> Format {
    match severity {
        Some(Severity::Error) => format
            .set_background_color(Color::RGB(0xF8CBAD))
            .set_border(FormatBorder::Medium)
            .set_border_color(Color::RGB(0xC00000)),
        Some(Severity::Warning) => format.set_background_color(Color::RGB(0xFFC000)),
        _ => format,
    }
}

/// The listed problems (notes left out), errors first.
fn listed(problems: &Problems) -> Vec<&Problem> {
    let mut items: Vec<&Problem> = problems
        .items
        .iter()
        .filter(|p| p.severity != Severity::Note)
        .collect();
    items.sort_by_key(|p| p.severity);
    items
}

/// The listed problems by sheet and cell, looked up once per cell of every sheet.
fn by_cell<'p>(items: &[&'p Problem]) -> HashMap<(&'p str, (u32, u32)), Vec<&'p Problem>> {
    let mut map: HashMap<(&str, (u32, u32)), Vec<&Problem>> = HashMap::new();
    for p in items {
        if let Some(cell) = p.cell {
            map.entry((p.sheet.as_str(), cell)).or_default().push(p);
        }
    }
    map
}

/// The blank form refilled with the teacher's values; `None` when the file does not keep
/// the blank's layout (the blank's dropdowns would fall on the wrong columns).
fn on_blank(
    wb: &workbook::Workbook,
    problems: &Problems,
    blank: Blank,
) -> Result<Option<Vec<u8>>, XlsxError> {
    let (mut out, cells) = blank::refill(blank.form, blank.questionnaire, CHECK_SHEET)?;
    if !cells.fit(wb) {
        return Ok(None);
    }
    let items = listed(problems);
    write_check(out.worksheet_from_name(CHECK_SHEET)?, problems, &items)?;
    let notes = by_cell(&items);
    for sheet in wb.sheets.iter().filter(|s| s.name != CHECK_SHEET) {
        match cells.sheet_name(&sheet.name) {
            Some(name) => refill_sheet(out.worksheet_from_name(name)?, sheet, &cells, &notes)?,
            // A sheet the teacher added is kept after the blank's own.
            None => copy_sheet(out.add_worksheet(), sheet, &notes)?,
        }
    }
    out.save_to_buffer().map(Some)
}

/// Writes a teacher's sheet into the blank's sheet of the same name, each value in the
/// blank's format for its cell.
fn refill_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    cells: &BlankCells,
    notes: &HashMap<(&str, (u32, u32)), Vec<&Problem>>,
) -> Result<(), XlsxError> {
    for row in sheet.row_span() {
        for col in sheet.col_span() {
            let here = notes
                .get(&(sheet.name.as_str(), (row, col)))
                .map_or(&[][..], Vec::as_slice);
            if here.is_empty() && cells.is_fixed(&sheet.name, row, col) {
                continue;
            }
            let value = sheet.get(row, col);
            let date = matches!(value, Data::DateTime(_));
            let format = highlighted(
                cells.format(&sheet.name, row, col, date),
                here.first().map(|p| p.severity),
            );
            let Ok(c) = u16::try_from(col) else { continue };
            write_value(ws, row, c, value, &format, !here.is_empty())?;
            add_note(ws, row, c, here)?;
        }
    }
    Ok(())
}

/// A value with its type kept, so the corrected copy reads back as the original did.
/// Empty cells are written only when `mark` (a bad empty cell is highlighted).
fn write_value(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    value: &Data,
    format: &Format,
    mark: bool,
) -> Result<(), XlsxError> {
    match value {
        Data::String(s) => ws.write_string_with_format(r, c, s, format)?,
        Data::Float(n) => ws.write_number_with_format(r, c, *n, format)?,
        Data::Int(n) => ws.write_number_with_format(r, c, *n as f64, format)?,
        Data::Bool(b) => ws.write_boolean_with_format(r, c, *b, format)?,
        Data::DateTime(d) => ws.write_number_with_format(r, c, d.as_f64(), format)?,
        Data::DateTimeIso(s) | Data::DurationIso(s) => {
            ws.write_string_with_format(r, c, s, format)?
        }
        Data::Error(_) => ws.write_string_with_format(
            r,
            c,
            crate::read::values::cell_text(value).unwrap_or_default(),
            format,
        )?,
        Data::Empty if mark => ws.write_blank(r, c, format)?,
        Data::Empty => ws,
    };
    Ok(())
}

fn add_note(ws: &mut Worksheet, r: u32, c: u16, problems: &[&Problem]) -> Result<(), XlsxError> {
    if !problems.is_empty() {
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        ws.insert_note(
            r,
            c,
            &Note::new(messages.join("\n")).set_author("tutorstat"),
        )?;
    }
    Ok(())
}

/// The teacher's own sheets copied as they are, for a file that is not laid out as the blank.
fn plain(wb: &workbook::Workbook, problems: &Problems) -> Result<Vec<u8>, XlsxError> {
    let mut out = Workbook::new();
    out.set_properties(&blank::template_properties(CHECK_SHEET)?);
    let items = listed(problems);
    write_check(out.add_worksheet(), problems, &items)?;
    let notes = by_cell(&items);
    // A copy that comes back with errors again already has a «Проверка» sheet: it is rebuilt.
    for sheet in wb.sheets.iter().filter(|s| s.name != CHECK_SHEET) {
        // Rows go to a temporary file as they are written (they are written in order): a
        // sheet of a million rows would otherwise be held whole in memory.
        copy_sheet(out.add_worksheet_with_constant_memory()?, sheet, &notes)?;
    }
    out.save_to_buffer()
}

/// Copies a sheet cell by cell with columns wide enough for their values (dates never
/// show as «###»).
fn copy_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    notes: &HashMap<(&str, (u32, u32)), Vec<&Problem>>,
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let plain = Format::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for col in sheet.col_span() {
        let Ok(c) = u16::try_from(col) else { continue };
        let widest = sheet
            .row_span()
            .take(1000)
            .map(|row| shown_width(sheet.get(row, col)))
            .max()
            .unwrap_or(0);
        ws.set_column_width(c, (widest as f64 + 2.0).clamp(8.0, 50.0))?;
    }
    for row in sheet.row_span() {
        for col in sheet.col_span() {
            let Ok(c) = u16::try_from(col) else { continue };
            let value = sheet.get(row, col);
            let here = notes
                .get(&(sheet.name.as_str(), (row, col)))
                .map_or(&[][..], Vec::as_slice);
            let base = if matches!(value, Data::DateTime(_)) {
                date.clone()
            } else {
                plain.clone()
            };
            write_value(
                ws,
                row,
                c,
                value,
                &highlighted(base, here.first().map(|p| p.severity)),
                !here.is_empty(),
            )?;
            add_note(ws, row, c, here)?;
        }
    }
    Ok(())
}

/// Characters a value takes on screen.
fn shown_width(value: &Data) -> usize {
    match value {
        Data::Empty => 0,
        Data::DateTime(_) => 10,
        Data::Float(_) | Data::Int(_) => 8,
        other => crate::read::values::cell_text(other).map_or(0, |t| t.chars().count()),
    }
}

/// `Проверка`: what to do, then one row per problem with a link to its cell; prints on A4
/// landscape, one page wide, the header repeated on every page.
fn write_check(
    check: &mut Worksheet,
    problems: &Problems,
    items: &[&Problem],
) -> Result<(), XlsxError> {
    check.set_name(CHECK_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let cell = wrap.clone().set_border(FormatBorder::Thin);
    check.write_string_with_format(0, 0, "Что исправить в этом файле", &title)?;
    check.merge_range(
        1,
        0,
        1,
        4,
        "Файл не принят: в нём есть ошибки. Исправьте ячейки, отмеченные на листах этой книги: красные — ошибки (пока они есть, \
         файл не будет принят), оранжевые — предупреждения (проверьте их). У каждой отмеченной ячейки есть примечание — что не \
         так и что ожидается; ниже они перечислены все, ссылка в столбце «Ячейка» ведёт к ячейке. Исправьте, сохраните файл и \
         передайте его методисту. Этот лист удалять не нужно.",
        &wrap,
    )?;
    check.set_row_height(1, 62)?;
    if problems.unlisted() > 0 {
        let text = format!(
            "Показаны первые {} замечаний, ещё {} не показано: исправьте показанные и передайте файл снова — программа покажет остальные.",
            crate::russian::grouped(MAX_LISTED as u64),
            crate::russian::plural(
                problems.unlisted() as u64,
                "замечание",
                "замечания",
                "замечаний"
            )
        );
        check.merge_range(2, 0, 2, 4, &text, &wrap)?;
        check.set_row_height(2, 30)?;
    }
    for (c, h) in [
        "Вид",
        "Лист",
        "Ячейка",
        "Значение",
        "Что не так и что ожидается",
    ]
    .iter()
    .enumerate()
    {
        check.write_string_with_format(3, c as u16, *h, &header)?;
    }
    for (i, p) in items.iter().enumerate() {
        let r = 4 + i as u32;
        check.write_string_with_format(r, 0, p.severity.label(), &cell)?;
        check.write_string_with_format(r, 1, &p.sheet, &cell)?;
        match p.cell {
            Some((row, col)) => {
                let target = format!(
                    "internal:'{}'!{}",
                    p.sheet.replace('\'', "''"),
                    cell_name(row, col)
                );
                check.write_url_with_format(
                    r,
                    2,
                    Url::new(target).set_text(cell_name(row, col)),
                    &cell,
                )?;
            }
            None => {
                check.write_blank(r, 2, &cell)?;
            }
        }
        check.write_string_with_format(r, 3, &p.found, &cell)?;
        check.write_string_with_format(r, 4, &p.message, &cell)?;
    }
    for (c, width) in [14.0, 16.0, 9.0, 22.0, 70.0].into_iter().enumerate() {
        check.set_column_width(c as u16, width)?;
    }
    check.set_freeze_panes(4, 0)?;
    check
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(3, 3)?;
    check.set_footer("&Cстр. &P из &N");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_file_has_no_annotated_copy() {
        assert!(
            annotated_copy(
                b"not a workbook",
                &Problems::default(),
                Limits::default(),
                None
            )
            .is_none()
        );
    }
}
