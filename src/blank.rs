//! Blank forms for teachers (`tutorstat templates`): one workbook per form and per
//! questionnaire, each with `Паспорт`, a short instruction, locked headers, unlocked input
//! cells and dropdowns on every closed list.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatBorder, Formula,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::definitions::{Definitions, Questionnaire, Scale};
use crate::forms::spec::{Column, Kind, SheetSpec};
use crate::forms::{FormKind, attendance, passport, questionnaire};
use crate::read::text::fold;
use crate::schema::Period;
use crate::schema::Wave;

/// Rows of a data sheet that get dropdowns and unlocked input cells.
const INPUT_ROWS: u32 = 1000;
/// Columns left unlocked on sheets where teachers add columns (event codes, task numbers).
const INPUT_COLS: u16 = 60;
/// Characters across the instruction sheet's one column: within an A4 page's width in
/// portrait with the default margins, also in LibreOffice, which ignores fit-to-width here.
const INSTRUCTION_WIDTH: usize = 75;
/// Name of the sheet telling the teacher how to fill the form.
const INSTRUCTION_SHEET: &str = "Инструкция";
/// Name of the hidden sheet holding long dropdown lists.
const LISTS_SHEET: &str = "Списки";

/// Writes every blank form into `dir`; returns the files written.
pub fn write_all(dir: &Path, definitions: &Definitions) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
    let mut written = Vec::new();
    for form in [
        FormKind::Roster,
        FormKind::Attendance,
        FormKind::Diagnostic,
        FormKind::Route,
    ] {
        let path = dir.join(format!("{}.xlsx", form.russian()));
        save(form_workbook(form, None)?, &path)?;
        written.push(path);
    }
    for q in definitions.all() {
        let path = dir.join(format!("Анкета — {}.xlsx", q.code));
        save(form_workbook(FormKind::Questionnaire, Some(q))?, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// The register template of a centre: one row per school.
pub fn write_register(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("не удалось создать папку {}", dir.display()))?;
    let mut wb = Workbook::new();
    wb.set_properties(&template_properties("Реестр школ")?);
    let styles = Styles::new();
    data_sheet(
        wb.add_worksheet(),
        crate::register::SHEET,
        &crate::register::COLUMNS,
        false,
        &styles,
    )?;
    let path = dir.join("Реестр школ.xlsx");
    save(wb, &path)?;
    Ok(path)
}

fn save(mut workbook: Workbook, path: &Path) -> anyhow::Result<()> {
    workbook
        .save(path)
        .with_context(|| format!("не удалось записать {}", path.display()))
}

struct Styles {
    header: Format,
    open_header: Format,
    label: Format,
    input: Format,
    wrap: Format,
    title: Format,
}

impl Styles {
    fn new() -> Styles {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin)
            .set_text_wrap();
        Styles {
            open_header: header
                .clone()
                .set_unlocked()
                .set_background_color(Color::RGB(0xFFF2CC)),
            header,
            label: Format::new().set_bold().set_border(FormatBorder::Thin),
            input: Format::new()
                .set_unlocked()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xFFFDE7)),
            wrap: Format::new().set_text_wrap(),
            title: Format::new().set_bold().set_font_size(14),
        }
    }
}

/// One blank workbook: `Паспорт`, `Инструкция`, the data sheets and the hidden lists.
fn form_workbook(form: FormKind, q: Option<&Questionnaire>) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&template_properties(form.russian())?);
    form_sheets(&mut wb, form, q)?;
    Ok(wb)
}

/// Document properties of a workbook the program makes from its templates (blank forms,
/// questionnaire definitions, annotated copies). A fixed creation date, not the clock's,
/// keeps them byte-identical between runs; rust_xlsxwriter would write the current time.
pub fn template_properties(title: &str) -> Result<DocProperties, XlsxError> {
    let created = ExcelDateTime::from_ymd(2025, 9, 1)?;
    Ok(DocProperties::new()
        .set_creation_datetime(&created)
        .set_title(title)
        .set_author("tutorstat"))
}

/// Adds the sheets of a blank form to `wb`.
fn form_sheets(
    wb: &mut Workbook,
    form: FormKind,
    q: Option<&Questionnaire>,
) -> Result<(), XlsxError> {
    let styles = Styles::new();
    let mut lists = Lists::default();
    write_passport(wb.add_worksheet(), form, q, &styles, &mut lists)?;
    write_instruction(wb.add_worksheet(), form, q, &styles)?;
    for spec in form.sheets() {
        let ws = spec_sheet(wb.add_worksheet(), spec, &styles, &mut lists)?;
        // Only a questionnaire's blank has a definition: its items follow the spec's columns.
        if let Some(q) = q {
            questionnaire_items(ws, q, spec, &styles, &mut lists)?;
        }
    }
    lists.write(wb.add_worksheet())?;
    Ok(())
}

/// A blank form to refill with a teacher's values (the annotated copy of a rejected file,
/// `annotate.rs`): the workbook holds a first sheet named `first`, then every sheet of the
/// template with its dropdowns, widths, protection and hidden lists; [`BlankCells`] says
/// which format each of the teacher's cells takes there.
pub fn refill(
    form: FormKind,
    q: Option<&Questionnaire>,
    first: &str,
) -> Result<(Workbook, BlankCells), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&template_properties(form.russian())?);
    wb.add_worksheet().set_name(first)?.set_active(true);
    form_sheets(&mut wb, form, q)?;
    wb.worksheet_from_name(passport::SHEET)?.set_active(false);
    Ok((wb, BlankCells::new(form, q)))
}

/// The layout of a blank form's sheets: which cells are headers and labels, which are input.
pub struct BlankCells {
    styles: Styles,
    /// `Паспорт` field keys, one a row from the second.
    passport: Vec<(&'static str, &'static str)>,
    /// Data sheets: name, the fixed headers of the first row (a questionnaire item also by
    /// its code, which a teacher's header may be alone), and whether teachers add columns.
    data: Vec<(&'static str, Headers, bool)>,
}

/// The fixed headers of a data sheet's first row, each with the item code a questionnaire
/// column may be headed by alone.
type Headers = Vec<(String, Option<String>)>;

impl BlankCells {
    fn new(form: FormKind, q: Option<&Questionnaire>) -> BlankCells {
        let fixed = |columns: &[Column]| {
            columns
                .iter()
                .map(|c| (c.header.to_string(), None))
                .collect::<Vec<_>>()
        };
        let mut data: Vec<_> = form
            .sheets()
            .iter()
            .map(|spec| {
                (
                    spec.name,
                    fixed(spec.columns),
                    spec.coded.is_some_and(|c| c.typed_by_teacher),
                )
            })
            .collect();
        // Only a questionnaire's blank has a definition: its items follow the spec's columns.
        if let (Some(q), Some((_, headers, _))) = (q, data.first_mut()) {
            headers.extend(
                q.items
                    .iter()
                    .map(|item| (item.header(), Some(item.code.clone()))),
            );
        }
        BlankCells {
            styles: Styles::new(),
            passport: passport_fields(form),
            data,
        }
    }

    /// Whether a teacher's workbook keeps the blank's layout: `Паспорт`'s labels (those it
    /// has) on the blank's rows and every data sheet's headers in the blank's columns of the first row.
    /// Only then do the blank's dropdowns and formats fall on the teacher's values.
    pub fn fit(&self, wb: &crate::read::workbook::Workbook) -> bool {
        let text = |sheet: &crate::read::workbook::Sheet, row: u32, col: u32| {
            crate::read::values::cell_text(sheet.get(row, col))
                .map(|t| fold(&t))
                .unwrap_or_default()
        };
        let Some(passport) = wb.sheet(passport::SHEET) else {
            return false;
        };
        let labels_fit = (0..=*passport.row_span().end()).all(|r| {
            let expected = match r {
                0 => Some(fold("Поле")),
                r => self
                    .passport
                    .get(r as usize - 1)
                    .map(|(_, label)| fold(label)),
            };
            // A label the teacher deleted is harmless: the blank shows it again.
            let found = text(passport, r, 0);
            found.is_empty() || expected.is_some_and(|e| e == found)
        });
        labels_fit
            && self.data.iter().all(|(name, headers, _)| {
                wb.sheet(name).is_some_and(|sheet| {
                    headers.iter().enumerate().all(|(c, (header, code))| {
                        let found = text(sheet, 0, c as u32);
                        found == fold(header)
                            || code.as_ref().is_some_and(|code| {
                                found.split(' ').next() == Some(fold(code).as_str())
                            })
                    })
                })
            })
    }

    /// The blank's own name of a teacher's sheet (matched leniently), if the blank has it.
    pub fn sheet_name(&self, name: &str) -> Option<&'static str> {
        let key = fold(name);
        [passport::SHEET, INSTRUCTION_SHEET, LISTS_SHEET]
            .into_iter()
            .chain(self.data.iter().map(|(n, _, _)| *n))
            .find(|n| fold(n) == key)
    }

    /// Whether the blank writes this cell itself (a label or a fixed header): a teacher's
    /// copy of it need not be written again.
    pub fn is_fixed(&self, sheet: &str, row: u32, col: u32) -> bool {
        let key = fold(sheet);
        if key == fold(passport::SHEET) {
            return row == 0 || col == 0;
        }
        if key == fold(INSTRUCTION_SHEET) || key == fold(LISTS_SHEET) {
            return true;
        }
        self.data
            .iter()
            .any(|(n, headers, _)| fold(n) == key && row == 0 && (col as usize) < headers.len())
    }

    /// The blank's format for a teacher's value at this cell: input cells stay unlocked and
    /// yellow, headers and labels keep their style; `date` adds the date format.
    pub fn format(&self, sheet: &str, row: u32, col: u32, date: bool) -> Format {
        let key = fold(sheet);
        let input = if date {
            self.styles.input.clone().set_num_format("dd.mm.yyyy")
        } else {
            self.styles.input.clone()
        };
        if key == fold(passport::SHEET) {
            let fixed = self
                .passport
                .get((row as usize).wrapping_sub(1))
                .is_some_and(|(k, _)| matches!(*k, "form" | "form_version" | "questionnaire"));
            return match (row, col) {
                (0, _) => self.styles.header.clone(),
                (_, 0) => self.styles.label.clone(),
                _ if fixed => self.styles.label.clone(),
                _ => input,
            };
        }
        match self.data.iter().find(|(n, _, _)| fold(n) == key) {
            Some((_, headers, open)) if row == 0 => {
                if *open && col as usize >= headers.len() {
                    self.styles.open_header.clone()
                } else {
                    self.styles.header.clone()
                }
            }
            _ => input,
        }
    }
}

/// The `Паспорт` fields of a form, in the blank's row order.
fn passport_fields(form: FormKind) -> Vec<(&'static str, &'static str)> {
    passport::LABELS
        .into_iter()
        .filter(|(key, _)| match *key {
            "questionnaire" => form == FormKind::Questionnaire,
            "diagnostic" | "subject" => form == FormKind::Diagnostic,
            "wave" => matches!(form, FormKind::Questionnaire | FormKind::Diagnostic),
            _ => true,
        })
        .collect()
}

/// Dropdown lists, kept on a hidden sheet so long lists are not cut at Excel's 255 chars.
#[derive(Default)]
struct Lists {
    columns: Vec<Vec<String>>,
}

impl Lists {
    /// The range formula of a list, adding it on first use.
    fn formula(&mut self, values: &[&str]) -> Formula {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        let col = match self.columns.iter().position(|c| *c == values) {
            Some(i) => i,
            None => {
                self.columns.push(values.clone());
                self.columns.len() - 1
            }
        };
        let letter = crate::problem::column_name(col as u32);
        Formula::new(format!(
            "='{LISTS_SHEET}'!${letter}$1:${letter}${}",
            values.len()
        ))
    }

    fn write(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        ws.set_name(LISTS_SHEET)?;
        for (c, values) in self.columns.iter().enumerate() {
            for (r, v) in values.iter().enumerate() {
                ws.write_string(r as u32, c as u16, v)?;
            }
        }
        ws.set_hidden(true);
        ws.protect();
        Ok(())
    }
}

fn dropdown(
    ws: &mut Worksheet,
    col: u16,
    values: &[&str],
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    let validation = DataValidation::new()
        .allow_list_formula(lists.formula(values))
        .set_error_title("Значение не из списка")?
        .set_error_message(format!("Выберите из списка: {}", values.join(", ")))?;
    ws.add_data_validation(1, col, INPUT_ROWS, col, &validation)?;
    Ok(())
}

/// A data sheet: locked header row, unlocked input area; `open` sheets also let teachers
/// type their own headers (event codes, task numbers) to the right of the fixed columns.
fn data_sheet<'a>(
    ws: &'a mut Worksheet,
    name: &str,
    columns: &[Column],
    open: bool,
    styles: &Styles,
) -> Result<&'a mut Worksheet, XlsxError> {
    ws.set_name(name)?;
    for (c, column) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, column.header, &styles.header)?;
        ws.set_column_width(
            c as u16,
            (column.header.chars().count() as f64 + 4.0).max(12.0),
        )?;
    }
    let last = if open {
        INPUT_COLS
    } else {
        columns.len() as u16 - 1
    };
    if open {
        for c in columns.len() as u16..=INPUT_COLS {
            ws.write_blank(0, c, &styles.open_header)?;
            ws.set_column_width(c, 7)?;
        }
    }
    for c in 0..=last {
        ws.set_column_format(c, &styles.input)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.protect_with_options(&input_protection());
    // Printed on A4 as wide as the page, the header row on every page; a wide sheet lies.
    let width: usize = columns.iter().map(|c| c.header.chars().count() + 4).sum();
    fit_page_width(ws, open || width > 100)?;
    Ok(ws)
}

/// Prints a sheet on A4, one page wide, its first row repeated on every page.
fn fit_page_width(ws: &mut Worksheet, landscape: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_print_fit_to_pages(1, 0)
        .set_repeat_rows(0, 0)?;
    if landscape {
        ws.set_landscape();
    }
    Ok(())
}

/// Lines a wrapped text takes in a column of `width` characters: a row that tall shows it
/// whole, on screen and in print (spreadsheets do not grow rows that a program wrote).
fn wrapped_lines(text: &str, width: usize) -> usize {
    let mut lines = 1;
    let mut line = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if line > 0 && line + 1 + len > width {
            lines += 1;
            line = len;
        } else {
            line += if line > 0 { 1 + len } else { len };
        }
    }
    lines
}

fn input_protection() -> ProtectionOptions {
    ProtectionOptions {
        insert_rows: true,
        delete_rows: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::new()
    }
}

fn write_passport(
    ws: &mut Worksheet,
    form: FormKind,
    q: Option<&Questionnaire>,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    ws.set_name(passport::SHEET)?;
    ws.write_string_with_format(0, 0, "Поле", &styles.header)?;
    ws.write_string_with_format(0, 1, "Значение", &styles.header)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 44)?;
    for (row, (key, label)) in (1u32..).zip(passport_fields(form)) {
        ws.write_string_with_format(row, 0, label, &styles.label)?;
        match key {
            "form" => ws.write_string_with_format(row, 1, form.russian(), &styles.label)?,
            "form_version" => ws.write_number_with_format(
                row,
                1,
                q.map_or(1, |q| q.version) as f64,
                &styles.label,
            )?,
            "questionnaire" => ws.write_string_with_format(
                row,
                1,
                q.map(|q| q.code.as_str()).unwrap_or_default(),
                &styles.label,
            )?,
            _ => ws.write_blank(row, 1, &styles.input)?,
        };
        let choices: Option<Vec<&str>> = match key {
            "period" => Some(Period::ALL.iter().map(|p| p.russian()).collect()),
            "wave" => Some(Wave::ALL.iter().map(|w| w.russian()).collect()),
            _ => None,
        };
        if let Some(choices) = choices {
            let validation = DataValidation::new().allow_list_formula(lists.formula(&choices));
            ws.add_data_validation(row, 1, row, 1, &validation)?;
        }
        if key == "filled_on" {
            ws.set_cell_format(row, 1, &styles.input.clone().set_num_format("dd.mm.yyyy"))?;
        }
    }
    ws.protect_with_options(&input_protection());
    ws.set_active(true);
    Ok(())
}

fn write_instruction(
    ws: &mut Worksheet,
    form: FormKind,
    q: Option<&Questionnaire>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTION_SHEET)?;
    ws.set_column_width(0, INSTRUCTION_WIDTH as f64)?;
    let title = q.map_or_else(|| form.russian().to_string(), |q| q.title.clone());
    ws.write_string_with_format(0, 0, &title, &styles.title)?;
    let mut lines = vec![
        "1. Заполните лист «Паспорт»: код и название школы, муниципалитет, учебный год (2025/2026), период и кто заполнил.".to_string(),
        "2. Заполняйте жёлтые ячейки. Заголовки не меняйте: по ним программа узнаёт столбцы.".to_string(),
        "3. Где есть список — выберите значение из списка.".to_string(),
    ];
    lines.extend(form_instruction(form, q));
    lines.push("Сохраните файл и передайте методисту. Если в файле найдутся ошибки, вы получите его копию с отмеченными ячейками.".into());
    for (i, line) in lines.iter().enumerate() {
        ws.write_string_with_format(i as u32 + 2, 0, line, &styles.wrap)?;
        // A little narrower than the column: proportional letters vary in width.
        ws.set_row_height(
            i as u32 + 2,
            15.0 * wrapped_lines(line, INSTRUCTION_WIDTH - 10) as f64,
        )?;
    }
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

fn form_instruction(form: FormKind, q: Option<&Questionnaire>) -> Vec<String> {
    match form {
        FormKind::Roster => vec![
            "4. Одна строка — один участник. ID у каждого свой (например, У-001). Для обучающихся обязателен класс (6А).".into(),
            "5. В столбце «Тьютор (ID)» укажите ID тьютора из этого же списка.".into(),
        ],
        FormKind::Attendance => vec![
            "4. На листе «События» одна строка — одно событие с уникальным кодом (С1, С2...) и датой.".into(),
            "5. На листе «Посещаемость» впишите коды событий в заголовки столбцов справа от ФИО.".into(),
            format!("6. Отметки: {}.", attendance::MARK_HELP),
        ],
        FormKind::Diagnostic => vec![
            "4. На листе «Задания» одна строка — одно задание: номер, максимальный балл, код и название темы.".into(),
            "5. На листе «Результаты» впишите номера заданий в заголовки столбцов справа от ФИО и баллы в ячейки.".into(),
            "6. Если участник не писал работу, оставьте его строку без баллов: он будет учтён как отсутствовавший.".into(),
        ],
        FormKind::Route => vec![
            "4. Одна строка — один шаг маршрута участника: цель, мероприятие, уровень, срок (дата или «октябрь 2025»), статус.".into(),
            "5. Результат (участие, призёр, победитель) указывается только для статуса «выполнено».".into(),
        ],
        FormKind::Questionnaire => {
            let mut lines = vec!["4. Одна строка — один участник, в столбцах — ответы на пункты анкеты.".to_string()];
            if let Some(q) = q {
                if !q.instruction.is_empty() {
                    lines.push(format!("5. {}", q.instruction));
                }
                lines.push("Пункты анкеты:".into());
                for item in &q.items {
                    let scale = match item.scale {
                        Scale::Likert => format!("от {} до {}", item.min.unwrap_or(1), item.max.unwrap_or(5)),
                        Scale::Yesno => "да / нет".into(),
                        Scale::Choice => format!("один из: {}", item.options.join(", ")),
                        Scale::Multi => format!("несколько через «;»: {}", item.options.join(", ")),
                        Scale::Text => "свободный ответ".into(),
                    };
                    let required = if item.required { ", обязательный" } else { "" };
                    lines.push(format!("{} — {} ({scale}{required})", item.code, item.text));
                }
            }
            lines
        }
    }
}

/// A form's data sheet by its spec: the spec's columns with a dropdown on every closed list,
/// and the values that the columns teachers add accept.
fn spec_sheet<'a>(
    ws: &'a mut Worksheet,
    spec: &SheetSpec,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<&'a mut Worksheet, XlsxError> {
    let open = spec.coded.is_some_and(|c| c.typed_by_teacher);
    let ws = data_sheet(ws, spec.name, spec.columns, open, styles)?;
    for (c, column) in spec.columns.iter().enumerate() {
        if let Kind::Closed(values) = column.kind {
            dropdown(ws, c as u16, values, lists)?;
        }
    }
    if let Some((values, title, help)) = spec.coded.and_then(|c| c.list) {
        let validation = DataValidation::new()
            .allow_list_strings(values)?
            .set_error_message(format!("{title}: {help}"))?;
        ws.add_data_validation(
            1,
            spec.columns.len() as u16,
            INPUT_ROWS,
            INPUT_COLS,
            &validation,
        )?;
    }
    Ok(ws)
}

/// The questionnaire's item columns after the spec's (ID, ФИО), each headed by its code and text.
fn questionnaire_items(
    ws: &mut Worksheet,
    q: &Questionnaire,
    spec: &SheetSpec,
    styles: &Styles,
    lists: &mut Lists,
) -> Result<(), XlsxError> {
    let mut header_lines = 1;
    for (i, item) in q.items.iter().enumerate() {
        let col = (spec.columns.len() + i) as u16;
        let header = item.header();
        let width = if item.scale == Scale::Text { 30 } else { 16 };
        header_lines = header_lines.max(wrapped_lines(&header, width - 3));
        ws.write_string_with_format(0, col, header, &styles.header)?;
        ws.set_column_width(col, width as f64)?;
        ws.set_column_format(col, &styles.input)?;
        let validation = match item.scale {
            Scale::Likert => {
                let values = questionnaire::likert_values(item);
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                Some(DataValidation::new().allow_list_formula(lists.formula(&values)))
            }
            Scale::Yesno => {
                Some(DataValidation::new().allow_list_formula(lists.formula(&["да", "нет"])))
            }
            Scale::Choice => {
                let values: Vec<&str> = item.options.iter().map(String::as_str).collect();
                Some(DataValidation::new().allow_list_formula(lists.formula(&values)))
            }
            Scale::Multi | Scale::Text => None,
        };
        if let Some(v) = validation {
            ws.add_data_validation(1, col, INPUT_ROWS, col, &v)?;
        }
    }
    // The header shows every item's code and text whole (409 points is Excel's most).
    ws.set_row_height(0, (15.0 * header_lines as f64).min(409.0))?;
    fit_page_width(ws, true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges of a worksheet's data validations, in the order written.
    fn validated_ranges(xlsx: &[u8], sheet: usize) -> Vec<String> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("a zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip
                .by_name(&format!("xl/worksheets/sheet{sheet}.xml"))
                .expect("the sheet"),
            &mut xml,
        )
        .expect("text");
        xml.split("<dataValidation ")
            .skip(1)
            .filter_map(|v| {
                v.split("sqref=\"")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(String::from)
            })
            .collect()
    }

    #[test]
    fn every_closed_list_of_a_spec_gets_its_dropdown_in_the_blank_and_coded_columns_their_list() {
        for form in [
            FormKind::Roster,
            FormKind::Attendance,
            FormKind::Diagnostic,
            FormKind::Route,
        ] {
            let xlsx = form_workbook(form, None)
                .and_then(|mut wb| wb.save_to_buffer())
                .expect("a blank");
            // Паспорт and Инструкция come first.
            for (i, spec) in form.sheets().iter().enumerate() {
                let mut expected: Vec<String> = (0u32..)
                    .zip(spec.columns)
                    .filter(|(_, c)| matches!(c.kind, Kind::Closed(_)))
                    .map(|(c, _)| {
                        format!(
                            "{0}2:{0}{1}",
                            crate::problem::column_name(c),
                            INPUT_ROWS + 1
                        )
                    })
                    .collect();
                if spec.coded.and_then(|c| c.list).is_some() {
                    let (first, last) = (spec.columns.len() as u32, INPUT_COLS as u32);
                    expected.push(format!(
                        "{}2:{}{}",
                        crate::problem::column_name(first),
                        crate::problem::column_name(last),
                        INPUT_ROWS + 1
                    ));
                }
                assert_eq!(
                    validated_ranges(&xlsx, 3 + i),
                    expected,
                    "{} «{}»",
                    form.code(),
                    spec.name
                );
            }
        }
    }

    #[test]
    fn wrapped_text_counts_its_lines_at_word_boundaries() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("раз два три", 11), 1);
        assert_eq!(wrapped_lines("раз два три четыре", 11), 2);
        assert_eq!(
            wrapped_lines("К1.1 Выявляю образовательный запрос обучающегося", 13),
            4
        );
    }
}
