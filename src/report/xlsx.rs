//! The school's Excel workbook (`reports/<term>/<school>.xlsx`): the nine sheets of
//! reports.md, laid out from the report model. Numbers are real numeric cells with number
//! formats; every text from a workbook is written as a string, never as a formula.

use std::collections::BTreeMap;

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{
    Chart, ChartFont, ChartLegendPosition, ChartType, Color, ConditionalFormat3ColorScale, ConditionalFormatCell,
    ConditionalFormatCellRule, ConditionalFormatType, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::figures::Series;
use super::model::{Part, ReportModel, School};
use super::names;
use crate::frame::{numbers, strings};
use crate::schema::{Indicator, Unit};

struct Styles {
    title: Format,
    header: Format,
    /// A sentence across the table's width.
    note: Format,
    strong: Format,
    text: Format,
    wrap: Format,
    percent: Format,
    points: Format,
    count: Format,
    number: Format,
    date: Format,
    red: Format,
    yellow: Format,
    green: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_border_color(Color::RGB(0xBFBFBF));
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            strong: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            // Values are 0..100 already: the format only adds the sign.
            percent: cell.clone().set_num_format("0.0\" %\""),
            points: cell.clone().set_num_format("+0.0;-0.0;0.0"),
            count: cell.clone().set_num_format("0"),
            number: cell.clone().set_num_format("0.0"),
            date: cell.set_num_format("dd.mm.yyyy"),
            red: Format::new().set_background_color(Color::RGB(0xF8CBAD)),
            yellow: Format::new().set_background_color(Color::RGB(0xFFE699)),
            green: Format::new().set_background_color(Color::RGB(0xC6EFCE)),
        }
    }

    fn of(&self, unit: Unit) -> &Format {
        match unit {
            Unit::Percent => &self.percent,
            Unit::Points => &self.points,
            Unit::Count | Unit::Flag => &self.count,
            Unit::Number => &self.number,
        }
    }
}

/// A cell of a table.
enum Cell {
    Text(String),
    Value(Option<f64>, Unit),
    Date(chrono::NaiveDate),
}

/// The tables of a sheet: the first one's header row is frozen, filtered and repeated on
/// every printed page; later ones ([`Table::section`]) share the column widths, so every
/// column fits what it holds and the sheet prints fitted to the page width, nothing cut.
struct Table<'a> {
    ws: &'a mut Worksheet,
    styles: &'a Styles,
    top: u32,
    /// The first table's last row, once a later one starts.
    first_end: Option<u32>,
    last_row: u32,
    /// The current table's header row: a table with no row below it says «нет данных».
    header_row: u32,
    widths: BTreeMap<u16, usize>,
    /// Cells whose text wraps (headers, long texts): their rows are made as high as their
    /// lines once the widths are known.
    wrapped: Vec<(u32, u16, String)>,
}

/// Where a finished sheet's tables end and how wide they are, in Excel's character units.
struct Extent {
    last_row: u32,
    last_col: u16,
    widths: Vec<f64>,
}

/// Printed wider than this many character units, a sheet turns to landscape (A4 portrait
/// holds about 90 at 100 %).
const PORTRAIT_WIDTH: f64 = 100.0;

impl<'a> Table<'a> {
    fn new(ws: &'a mut Worksheet, styles: &'a Styles, top: u32, headers: &[&str]) -> Result<Table<'a>, XlsxError> {
        let mut table =
            Table { ws, styles, top, first_end: None, last_row: top, header_row: top, widths: BTreeMap::new(), wrapped: Vec::new() };
        table.header(top, headers)?;
        Ok(table)
    }

    fn header(&mut self, r: u32, headers: &[&str]) -> Result<(), XlsxError> {
        self.header_row = r;
        for (c, h) in headers.iter().enumerate() {
            self.ws.write_string_with_format(r, c as u16, *h, &self.styles.header)?;
            // Headers wrap: a column need not be wider than a header's longest word or a
            // third of it, so a long header does not make a wide column of numbers.
            let longest = h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            self.widen(c as u16, longest.max(h.chars().count().div_ceil(3)).min(30));
            self.wrapped.push((r, c as u16, h.to_string()));
        }
        self.last_row = self.last_row.max(r);
        Ok(())
    }

    /// Starts a later table: its title at row `r`, its header below; returns the header row.
    fn section(&mut self, r: u32, title: &str, headers: &[&str]) -> Result<u32, XlsxError> {
        if r > self.header_row + 1 {
            self.say_if_empty()?;
        }
        self.first_end.get_or_insert(self.last_row);
        self.ws.write_string_with_format(r, 0, title, &self.styles.title)?;
        self.header(r + 1, headers)?;
        Ok(r + 1)
    }

    fn widen(&mut self, c: u16, width: usize) {
        let entry = self.widths.entry(c).or_insert(0);
        *entry = (*entry).max(width);
    }

    fn row(&mut self, r: u32, cells: Vec<Cell>) -> Result<(), XlsxError> {
        for (c, cell) in cells.into_iter().enumerate() {
            let c = c as u16;
            let width = match cell {
                Cell::Text(t) => {
                    let w = t.chars().count();
                    if w > 60 {
                        self.ws.write_string_with_format(r, c, &t, &self.styles.wrap)?;
                        self.wrapped.push((r, c, t));
                    } else {
                        self.ws.write_string_with_format(r, c, &t, &self.styles.text)?;
                    }
                    w.min(60)
                }
                // A yes/no figure is read as a word, not as 0 or 1.
                Cell::Value(Some(v), Unit::Flag) => {
                    self.ws.write_string_with_format(r, c, names::flag(v), &self.styles.text)?;
                    3
                }
                Cell::Value(Some(v), unit) => {
                    self.ws.write_number_with_format(r, c, v, self.styles.of(unit))?;
                    8
                }
                Cell::Value(None, _) => {
                    self.ws.write_blank(r, c, &self.styles.text)?;
                    0
                }
                Cell::Date(d) => {
                    let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    self.ws.write_datetime_with_format(r, c, date, &self.styles.date)?;
                    10
                }
            };
            self.widen(c, width);
        }
        self.last_row = self.last_row.max(r);
        Ok(())
    }

    /// Freezes the first header, filters the first table, fits the widths and sets the
    /// sheet up for print: every table in the print area, fitted to the page width,
    /// landscape when wide, the first header repeated on every page.
    fn finish(self) -> Result<Extent, XlsxError> {
        let top = self.top;
        let (ws, extent) = self.fit()?;
        print_setup(ws, &extent, top)?;
        Ok(extent)
    }

    /// Writes «нет данных» under the current table's header when no row follows it.
    fn say_if_empty(&mut self) -> Result<(), XlsxError> {
        if self.last_row == self.header_row {
            let r = self.header_row + 1;
            self.ws.write_string_with_format(r, 0, "нет данных", &self.styles.text)?;
            self.last_row = r;
        }
        Ok(())
    }

    /// [`Table::finish`] without the print setup, for a sheet that prints otherwise.
    fn fit(mut self) -> Result<(&'a mut Worksheet, Extent), XlsxError> {
        self.say_if_empty()?;
        let last_col = self.widths.keys().max().copied().unwrap_or(0);
        let ws = self.ws;
        ws.set_freeze_panes(self.top + 1, 0)?;
        ws.autofilter(self.top, 0, self.first_end.unwrap_or(self.last_row).max(self.top + 1), last_col)?;
        let mut widths = Vec::new();
        for c in 0..=last_col {
            let w = self.widths.get(&c).map_or(8.43, |w| (*w as f64 * 1.15 + 3.0).clamp(8.0, 70.0));
            ws.set_column_width(c, w)?;
            widths.push(w);
        }
        // Measured against a wider font than Excel's, so LibreOffice's lines fit as well.
        let mut lines: BTreeMap<u32, usize> = BTreeMap::new();
        for (r, c, text) in &self.wrapped {
            let n = wrapped_lines(text, widths[*c as usize] / 1.25 - 1.0);
            let entry = lines.entry(*r).or_insert(1);
            *entry = (*entry).max(n);
        }
        for (r, n) in lines {
            ws.set_row_height(r, 15.0 * n as f64)?;
        }
        Ok((ws, Extent { last_row: self.last_row.max(self.top + 1), last_col, widths }))
    }
}

/// How many lines `text` wraps into at `width` characters, breaking at spaces.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let (mut lines, mut line) = (1, 0usize);
    for word in text.split(' ').map(|w| w.chars().count()) {
        if line > 0 && (line + 1 + word) as f64 > width {
            lines += 1;
            line = word;
        } else {
            line += word + usize::from(line > 0);
        }
    }
    lines
}

/// Print area, fit to the page width, orientation and the repeated header row of a sheet.
fn print_setup(ws: &mut Worksheet, extent: &Extent, header_row: u32) -> Result<(), XlsxError> {
    ws.set_print_area(0, 0, extent.last_row, extent.last_col)?;
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_print_fit_to_pages(1, 0);
    if extent.wide() {
        ws.set_landscape();
    }
    Ok(())
}

impl Extent {
    fn wide(&self) -> bool {
        self.widths.iter().sum::<f64>() > PORTRAIT_WIDTH
    }

    /// The width in screen pixels (Excel's: 7 a character unit and 5 of padding).
    fn pixels(&self) -> f64 {
        self.widths.iter().map(|w| w * 7.0 + 5.0).sum()
    }

    /// The column that `x` pixels from the left edge falls in, and the offset inside it:
    /// an object anchored in its own column stays where it is in every office suite.
    fn anchor(&self, x: u32) -> (u16, u32) {
        let mut left = 0;
        for (c, w) in self.widths.iter().enumerate() {
            let width = (w * 7.0 + 5.0) as u32;
            if x < left + width {
                return (c as u16, x - left);
            }
            left += width;
        }
        (self.last_col, 0)
    }
}

/// A workbook titled `title`, dated by the model's clock (fixed in deterministic runs).
fn workbook(model: &ReportModel, title: String) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let t = model.generated_at;
    let created = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?.and_hms(
        t.hour() as u16,
        t.minute() as u8,
        t.second() as f64,
    )?;
    wb.set_properties(&DocProperties::new().set_title(title).set_author("tutorstat").set_creation_datetime(&created));
    Ok(wb)
}

/// Renders one school's workbook into bytes.
pub fn render(model: &ReportModel, school: &School) -> Result<Vec<u8>, XlsxError> {
    let mut wb = workbook(model, format!("Мониторинг тьюторского сопровождения: {}, {}", school.name, model.term.russian()))?;
    let styles = Styles::new();
    summary(wb.add_worksheet(), model, school, &styles)?;
    staff(wb.add_worksheet(), model, school, &styles)?;
    students(wb.add_worksheet(), model, school, &styles)?;
    attendance(wb.add_worksheet(), model, school, &styles)?;
    questionnaires(wb.add_worksheet(), model, school, &styles)?;
    diagnostics(wb.add_worksheet(), model, school, &styles)?;
    groups(wb.add_worksheet(), model, school, &styles)?;
    routes(wb.add_worksheet(), model, school, &styles)?;
    quality(wb.add_worksheet(), model, school, &styles)?;
    year_trend(wb.add_worksheet(), model, school, &styles)?;
    wb.save_to_buffer()
}

/// Title lines every sheet starts with, and its printed pages' paper and footer (school,
/// term, page number); returns the first free row.
fn heading(ws: &mut Worksheet, title: &str, model: &ReportModel, school: &School, styles: &Styles) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &styles.title)?;
    ws.write_string(1, 0, format!("{} ({}), {}; {}", school.name, school.code, school.municipality, model.term.russian()))?;
    ws.set_paper_size(A4);
    ws.set_footer(footer(&school.name, &model.term.russian()));
    Ok(3)
}

/// Excel's paper size code of A4.
const A4: u8 = 9;

/// A printed page's footer: who, when, `стр. 3 из 7`. `&` starts a footer code, so a
/// name's own `&` is doubled; a name too long for Excel's 255-character footer is cut.
fn footer(name: &str, term: &str) -> String {
    let name: String = name.replace('&', "&&").chars().take(150).collect();
    format!("&L{name}&C{term}&Rстр. &P из &N")
}

fn traffic_lights(ws: &mut Worksheet, styles: &Styles, model: &ReportModel, rows: &[u32], col: u16) -> Result<(), XlsxError> {
    let t = &model.thresholds;
    for &r in rows {
        let rules = [
            ConditionalFormatCell::new().set_rule(ConditionalFormatCellRule::LessThan(t.level_mid)).set_format(&styles.red),
            ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::Between(t.level_mid, t.level_high - 1e-9))
                .set_format(&styles.yellow),
            ConditionalFormatCell::new().set_rule(ConditionalFormatCellRule::GreaterThanOrEqualTo(t.level_high)).set_format(&styles.green),
        ];
        for rule in rules {
            ws.add_conditional_format(r, col, r, col, &rule)?;
        }
    }
    Ok(())
}

fn summary(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Сводка")?;
    let top = heading(ws, "Мониторинг тьюторского сопровождения", model, school, styles)?;
    let figures = model.key_figures(&school.code);
    let mut table = Table::new(ws, styles, top, &["Показатель", "Значение", "Было", "Изменение"])?;
    let mut percent_rows = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let r = top + 1 + i as u32;
        let unit = f.code.unit();
        if unit == Unit::Percent {
            percent_rows.push(r);
        }
        let change_unit = if unit == Unit::Percent { Unit::Points } else { unit };
        table.row(
            r,
            vec![
                Cell::Text(f.label.clone()),
                Cell::Value(Some(f.value), unit),
                Cell::Value(f.previous, unit),
                // A yes/no figure has no difference to show (here and in the other tables):
                // «было» and «значение» say it.
                Cell::Value(f.previous.map(|p| f.value - p).filter(|_| unit != Unit::Flag), change_unit),
            ],
        )?;
    }
    let (ws, extent) = table.fit()?;
    traffic_lights(ws, styles, model, &percent_rows, 1)?;
    // Sentences are wrapped across the table's width, so a printed page shows them whole.
    let comparison = match model.compared {
        Some(compared) => format!("сравнение с периодом «{}»", compared.russian()),
        None => format!("сравнения нет: за период «{}» данных нет", model.compare.russian()),
    };
    let generated = format!(
        "Сформировано {} программой tutorstat {}; {comparison}",
        model.generated_at.format("%d.%m.%Y %H:%M"),
        env!("CARGO_PKG_VERSION")
    );
    note(ws, 2, &generated, &extent, &styles.note)?;

    let mut r = top + figures.len() as u32 + 2;
    let (successes, difficulties) = model.highlights(&school.code);
    for (title, lines) in [("Успехи", successes), ("Сложности", difficulties)] {
        ws.write_string_with_format(r, 0, title, &styles.title)?;
        r += 1;
        for line in lines {
            note(ws, r, &line, &extent, &styles.note)?;
            r += 1;
        }
        r += 1;
    }
    let reasons = model.flag_reasons(&school.code);
    if !reasons.is_empty() {
        note(ws, r, &format!("Школа нуждается в методической поддержке: {}.", reasons.join("; ")), &extent, &styles.strong)?;
        r += 2;
    }
    // Charts two in a row on a page of their own, their data in columns H onwards (outside
    // the print area).
    let charts = model.charts(&school.code);
    let chart_width = (extent.pixels() / 2.0 - 6.0).max(320.0) as u32;
    let mut data_col = extent.last_col.max(6) + 1;
    for (i, series) in charts.iter().enumerate() {
        let mut chart = chart(ws, series, data_col, styles)?;
        chart.set_width(chart_width).set_height(CHART_ROWS * 20 - 10);
        let row = r + (i as u32 / 2) * CHART_ROWS;
        let (col, x) = extent.anchor(if i % 2 == 0 { 0 } else { chart_width + 12 });
        ws.insert_chart_with_offset(row, col, &chart, x, 0)?;
        data_col += series.series.len() as u16 + 2;
    }
    let mut last_row = r;
    if !charts.is_empty() {
        ws.set_page_breaks(&[r])?;
        last_row = r + charts.len().div_ceil(2) as u32 * CHART_ROWS;
    }
    // The figures fit one page: no header to repeat, and none over the charts.
    ws.set_print_area(0, 0, last_row, extent.last_col)?;
    ws.set_print_fit_to_pages(1, 0);
    if extent.wide() {
        ws.set_landscape();
    }
    Ok(())
}

/// «Динамика»: each key figure in every term of the school year with data (an empty cell
/// where a term has no value) and the change from the year's first value to its last.
fn year_trend(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Динамика")?;
    let top = heading(ws, "Динамика за учебный год", model, school, styles)?;
    let mut headers = vec!["Показатель"];
    headers.extend(model.trend_terms.iter().map(|t| t.period.russian()));
    headers.push("Изменение за год");
    let mut table = Table::new(ws, styles, top, &headers)?;
    for (i, (f, values, change)) in model.trend_figures(&school.code).into_iter().enumerate() {
        let unit = f.code.unit();
        let change_unit = if unit == Unit::Percent { Unit::Points } else { unit };
        let mut cells = vec![Cell::Text(f.label.clone())];
        cells.extend(values.into_iter().map(|v| Cell::Value(v, unit)));
        cells.push(Cell::Value(change.filter(|_| unit != Unit::Flag), change_unit));
        table.row(top + 1 + i as u32, cells)?;
    }
    table.finish()?;
    Ok(())
}

/// The rows with a level distribution (`…/низкий`, `…/средний`, `…/высокий`) put in the
/// levels' order rather than the alphabetical one; every other row keeps its place.
fn in_level_order(mut rows: Vec<((String, String), Option<f64>)>) -> Vec<((String, String), Option<f64>)> {
    let mut first_seen: Vec<(String, String)> = Vec::new();
    let keys: Vec<(usize, usize)> = rows
        .iter()
        .map(|((ind, group), _)| {
            let (prefix, rank) = match group.rsplit_once('/') {
                Some((prefix, last)) => match crate::indicators::LEVELS.iter().position(|l| *l == last) {
                    Some(rank) => (prefix, rank),
                    None => (group.as_str(), 0),
                },
                None => (group.as_str(), 0),
            };
            let bucket = (ind.clone(), prefix.to_string());
            let at = first_seen.iter().position(|b| *b == bucket).unwrap_or_else(|| {
                first_seen.push(bucket);
                first_seen.len() - 1
            });
            (at, rank)
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    let mut taken: Vec<Option<((String, String), Option<f64>)>> = rows.drain(..).map(Some).collect();
    order.into_iter().filter_map(|i| taken[i].take()).collect()
}

/// Rows a chart of the summary takes (of 20 pixels): two rows of charts fill a landscape page.
const CHART_ROWS: u32 = 15;

/// A sentence in row `r` over the sheet's table width, wrapped, the row as high as its lines.
fn note(ws: &mut Worksheet, r: u32, text: &str, extent: &Extent, format: &Format) -> Result<(), XlsxError> {
    let width: f64 = extent.widths.iter().sum();
    let lines = (text.chars().count() as f64 * 1.1 / width).ceil().max(1.0);
    if extent.last_col > 0 {
        ws.merge_range(r, 0, r, extent.last_col, text, format)?;
    } else {
        ws.write_string_with_format(r, 0, text, format)?;
    }
    ws.set_row_height(r, 15.0 * lines)?;
    Ok(())
}

/// Writes a chart's data block at `data_col` and returns the native chart over it.
fn chart(ws: &mut Worksheet, series: &Series, data_col: u16, styles: &Styles) -> Result<Chart, XlsxError> {
    let top = 3u32;
    ws.write_string_with_format(top, data_col, "Категория", &styles.header)?;
    for (i, category) in series.categories.iter().enumerate() {
        ws.write_string(top + 1 + i as u32, data_col, category)?;
    }
    for (s, (name, values)) in series.series.iter().enumerate() {
        let c = data_col + 1 + s as u16;
        ws.write_string_with_format(top, c, name, &styles.header)?;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(top + 1 + i as u32, c, *v, &styles.number)?;
            }
        }
    }
    let n = series.categories.len().max(1) as u32;
    // Long category names (competencies) read along horizontal bars.
    let long_labels = series.categories.iter().any(|c| c.chars().count() > 12);
    let kind = if series.title.starts_with("Посещаемость") {
        ChartType::Line
    } else if long_labels {
        ChartType::Bar
    } else {
        ChartType::Column
    };
    let mut chart = Chart::new(kind);
    chart.title().set_name(&series.title).set_font(ChartFont::new().set_size(11));
    chart.legend().set_position(ChartLegendPosition::Bottom);
    for s in 0..series.series.len() {
        let c = data_col + 1 + s as u16;
        chart
            .add_series()
            .set_categories(("Сводка", top + 1, data_col, top + n, data_col))
            .set_values(("Сводка", top + 1, c, top + n, c))
            .set_name(("Сводка", top, c));
    }
    if let Some(reference) = series.reference {
        let c = data_col + 1 + series.series.len() as u16;
        ws.write_string_with_format(top, c, "порог", &styles.header)?;
        for i in 0..n {
            ws.write_number(top + 1 + i, c, reference)?;
        }
        let mut line = Chart::new(ChartType::Line);
        line.add_series()
            .set_categories(("Сводка", top + 1, data_col, top + n, data_col))
            .set_values(("Сводка", top + 1, c, top + n, c))
            .set_name(("Сводка", top, c));
        chart.combine(&line);
    }
    // A bar chart's value axis is its x axis; its categories read top down.
    if long_labels {
        chart.y_axis().set_reverse().set_font(&ChartFont::new().set_size(8));
    }
    if series.percent {
        if long_labels { chart.x_axis() } else { chart.y_axis() }.set_min(0).set_max(100);
    }
    Ok(chart)
}

/// Person rows of one role filter with their indicators: the sheet `Педагоги` or `Обучающиеся`.
fn person_sheet(
    ws: &mut Worksheet,
    model: &ReportModel,
    school: &School,
    styles: &Styles,
    title: &str,
    students: bool,
) -> Result<(), XlsxError> {
    ws.set_name(title)?;
    let top = heading(ws, title, model, school, styles)?;
    let people = model.part(Part::People, &school.code);
    let (ids, full, roles, classes, subjects, tutors) = (
        strings(&people, "id"),
        strings(&people, "full_name"),
        strings(&people, "role"),
        strings(&people, "class"),
        strings(&people, "subject"),
        strings(&people, "tutor_id"),
    );
    let diag_groups: Vec<String> = model
        .rows(&school.code, "school", "d_pct")
        .map(|df| strings(&df, "group"))
        .unwrap_or_default()
        .into_iter()
        .filter(|g| !g.is_empty())
        .collect();
    let q_groups: Vec<String> = model.rows(&school.code, "school", "q_index").map(|df| strings(&df, "group")).unwrap_or_default();
    let mut headers: Vec<String> = vec![
        "ID".into(),
        "ФИО".into(),
        if students { "Класс".into() } else { "Роль".into() },
        if students { "Тьютор (ID)".into() } else { "Предмет".into() },
    ];
    headers.extend([
        "Посещаемость".into(),
        "Событий".into(),
        "Часов".into(),
        "Шагов маршрута".into(),
        "Выполнение маршрута".into(),
        "Просрочено".into(),
        "Достижений".into(),
    ]);
    let extra: Vec<(String, String, Unit)> = if students {
        diag_groups.iter().map(|g| (format!("Диагностика: {}", model.words.path(g)), g.clone(), Unit::Percent)).collect()
    } else {
        q_groups.iter().map(|g| (format!("Анкета: {}", model.words.path(g)), g.clone(), Unit::Percent)).collect()
    };
    headers.extend(extra.iter().map(|(h, _, _)| h.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut table = Table::new(ws, styles, top, &header_refs)?;
    let mut r = top;
    for i in 0..ids.len() {
        if (roles[i] == "обучающийся") != students {
            continue;
        }
        r += 1;
        let v = |ind: &str| model.value(&school.code, &ids[i], ind, "");
        let mut cells = vec![
            Cell::Text(ids[i].clone()),
            Cell::Text(full[i].clone()),
            Cell::Text(if students { classes[i].clone() } else { roles[i].clone() }),
            Cell::Text(if students { tutors[i].clone() } else { subjects[i].clone() }),
            Cell::Value(v("att_rate"), Unit::Percent),
            Cell::Value(v("att_events"), Unit::Count),
            Cell::Value(v("att_hours"), Unit::Number),
            Cell::Value(v("r_items"), Unit::Count),
            Cell::Value(v("r_done_pct"), Unit::Percent),
            Cell::Value(v("r_overdue"), Unit::Count),
            Cell::Value(v("r_achievements"), Unit::Count),
        ];
        let indicator = if students { "d_pct" } else { "q_index" };
        cells.extend(extra.iter().map(|(_, g, u)| Cell::Value(model.value(&school.code, &ids[i], indicator, g), *u)));
        table.row(r, cells)?;
    }
    let rows = r - top;
    table.finish()?;
    let mut lights = vec![4u16, 8];
    lights.extend((0..extra.len()).map(|k| 11 + k as u16));
    for c in lights {
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum(ConditionalFormatType::Number, 0)
            .set_midpoint(ConditionalFormatType::Number, 50)
            .set_maximum(ConditionalFormatType::Number, 100);
        if rows > 0 {
            ws.add_conditional_format(top + 1, c, top + rows, c, &scale)?;
        }
    }
    Ok(())
}

fn staff(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    person_sheet(ws, model, school, styles, "Педагоги", false)
}

fn students(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    person_sheet(ws, model, school, styles, "Обучающиеся", true)
}

/// School rows of the given indicators as the sheet's first table: what, group, value,
/// before, change. Returns the table, for the sheet's later tables, and its next free row.
fn indicator_table<'a>(
    ws: &'a mut Worksheet,
    model: &ReportModel,
    school: &School,
    styles: &'a Styles,
    top: u32,
    prefixes: &[&str],
) -> Result<(Table<'a>, u32), XlsxError> {
    let mut table = Table::new(ws, styles, top, &["Показатель", "Анкета / диагностика, волна, раздел", "Значение", "Было", "Изменение"])?;
    let mut r = top;
    for prefix in prefixes {
        let Ok(rows) = model.rows(&school.code, "school", prefix) else { continue };
        let listed = strings(&rows, "indicator").into_iter().zip(strings(&rows, "group")).zip(numbers(&rows, "value"));
        for ((ind, group), value) in in_level_order(listed.collect()) {
            let (true, Some(indicator)) = (ind.starts_with(prefix), Indicator::parse(&ind)) else { continue };
            r += 1;
            let unit = indicator.unit();
            let before = model.previous(&school.code, &ind, &group);
            let change_unit = if unit == Unit::Percent { Unit::Points } else { unit };
            table.row(
                r,
                vec![
                    Cell::Text(indicator.russian().into()),
                    Cell::Text(model.words.path(&group)),
                    Cell::Value(value, unit),
                    Cell::Value(before, unit),
                    Cell::Value(value.zip(before).map(|(a, b)| a - b).filter(|_| unit != Unit::Flag), change_unit),
                ],
            )?;
        }
    }
    Ok((table, r.max(top + 1) + 2))
}

fn attendance(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Посещаемость")?;
    let top = heading(ws, "Посещаемость", model, school, styles)?;
    let (mut table, next) = indicator_table(ws, model, school, styles, top, &["att_", "events", "club_"])?;
    let months = model.part(Part::Months, &school.code);
    let mut r = table.section(next, "По месяцам", &["Месяц", "Событий", "Отметок «был»", "Всего отметок", "Посещаемость"])?;
    for (((m, e), (p, k)), rate) in strings(&months, "month")
        .into_iter()
        .zip(numbers(&months, "events"))
        .zip(numbers(&months, "present").into_iter().zip(numbers(&months, "marked")))
        .zip(numbers(&months, "rate"))
    {
        r += 1;
        let counts = [e, p, k].map(|v| Cell::Value(v, Unit::Count));
        let mut cells = vec![Cell::Text(super::figures::month_label(&m))];
        cells.extend(counts);
        cells.push(Cell::Value(rate, Unit::Percent));
        table.row(r, cells)?;
    }
    let mut r = table.section(r + 2, "Посещаемость ниже 50 %", &["ID", "ФИО", "Посещаемость"])?;
    for (id, name, rate) in model.low_attendance(&school.code) {
        r += 1;
        table.row(r, vec![Cell::Text(id), Cell::Text(name), Cell::Value(Some(rate), Unit::Percent)])?;
    }
    table.finish()?;
    Ok(())
}

fn questionnaires(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Анкеты")?;
    let top = heading(ws, "Анкеты", model, school, styles)?;
    indicator_table(ws, model, school, styles, top, &["q_"])?.0.finish()?;
    Ok(())
}

fn diagnostics(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Диагностика")?;
    let top = heading(ws, "Диагностика", model, school, styles)?;
    let (table, end) = indicator_table(ws, model, school, styles, top, &["d_"])?;
    table.finish()?;
    // Heat map over every task and topic value.
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 50)
        .set_maximum(ConditionalFormatType::Number, 100);
    if end > top + 3 {
        ws.add_conditional_format(top + 1, 2, end - 2, 2, &scale)?;
    }
    Ok(())
}

fn groups(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Группы")?;
    let top = heading(ws, "Рекомендуемые группы по дефицитным темам", model, school, styles)?;
    let g = model.part(Part::Groups, &school.code);
    let mut table = Table::new(ws, styles, top, &["Диагностика", "Волна", "Код темы", "Тема", "ID", "ФИО"])?;
    let cols = ["diagnostic", "wave", "topic_code", "topic", "person_id", "full_name"].map(|c| strings(&g, c));
    for i in 0..g.height() {
        let cells =
            cols.iter().enumerate().map(|(c, v)| Cell::Text(if c == 1 { names::wave(&v[i]).to_string() } else { v[i].clone() })).collect();
        table.row(top + 1 + i as u32, cells)?;
    }
    table.finish()?;
    Ok(())
}

fn routes(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Маршруты")?;
    let top = heading(ws, "Индивидуальные маршруты", model, school, styles)?;
    let (mut table, next) = indicator_table(ws, model, school, styles, top, &["r_"])?;
    let overdue = model.part(Part::Overdue, &school.code);
    let mut r = table.section(next, "Просроченные шаги маршрутов", &["ID", "ФИО", "Цель", "Мероприятие", "Срок"])?;
    let cols = ["id", "full_name", "goal", "activity"].map(|c| strings(&overdue, c));
    let due = overdue.column("due").ok().and_then(|c| c.date().ok().map(|d| d.as_date_iter().collect::<Vec<_>>())).unwrap_or_default();
    for i in 0..overdue.height() {
        r += 1;
        let mut cells: Vec<Cell> = cols.iter().map(|col| Cell::Text(col[i].clone())).collect();
        if let Some(Some(d)) = due.get(i) {
            cells.push(Cell::Date(*d));
        }
        table.row(r, cells)?;
    }
    let ach = model.part(Part::Achievements, &school.code);
    let mut r = table.section(r + 2, "Достижения по уровням и номинациям", &["Уровень", "Номинация", "Призёров и победителей"])?;
    for ((level, nomination), n) in strings(&ach, "level").into_iter().zip(strings(&ach, "nomination")).zip(numbers(&ach, "achievements")) {
        r += 1;
        table.row(r, vec![Cell::Text(level), Cell::Text(nomination), Cell::Value(Some(n.unwrap_or(0.0)), Unit::Count)])?;
    }
    table.finish()?;
    Ok(())
}

fn quality(ws: &mut Worksheet, model: &ReportModel, school: &School, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name("Качество данных")?;
    let top = heading(ws, "Качество данных и источники", model, school, styles)?;
    let forms = model.part(Part::Forms, &school.code);
    let received: Vec<bool> = forms
        .column("received")
        .ok()
        .and_then(|c| c.bool().ok().map(|b| b.iter().map(|v| v.unwrap_or(false)).collect()))
        .unwrap_or_default();
    let mut table = Table::new(ws, styles, top, &["Ожидаемая форма", "Получена"])?;
    for (i, (form, got)) in strings(&forms, "form").into_iter().zip(received).enumerate() {
        table.row(top + 1 + i as u32, vec![Cell::Text(model.words.form(&form)), Cell::Text(if got { "да" } else { "нет" }.into())])?;
    }
    let headers = ["Файл", "SHA-256", "Итог", "Форма", "Строк", "Сохранено", "Отклонено", "Пустых", "Предупреждений", "Время"];
    let mut r = table.section(top + forms.height().max(1) as u32 + 2, "Файлы, из которых взяты данные", &headers)?;
    for e in model.log_of(&school.code) {
        r += 1;
        let mut cells = vec![
            Cell::Text(e.file.clone()),
            Cell::Text(e.sha256.clone()),
            Cell::Text(e.outcome.russian().into()),
            Cell::Text(model.words.logged_form(&e.form, &e.key)),
        ];
        cells.extend(
            [e.rows_read, e.rows_stored, e.rows_rejected, e.rows_blank, e.warnings].map(|v| Cell::Value(Some(v as f64), Unit::Count)),
        );
        cells.push(Cell::Text(e.time.clone()));
        table.row(r, cells)?;
    }
    table.finish()?;
    Ok(())
}

/// A centre cell: a number in its unit, a dash, or the mark of a suppressed cell (`<5`).
fn shown(value: super::centre::Shown, indicator: Indicator) -> Cell {
    match value {
        super::centre::Shown::Value(v) => Cell::Value(Some(v), indicator.unit()),
        super::centre::Shown::Missing => Cell::Value(None, Unit::Number),
        super::centre::Shown::Suppressed(_) => Cell::Text(value.text(indicator)),
    }
}

/// Renders the centre's workbook: completeness, schools, municipalities, support, distributions.
pub fn render_centre(model: &ReportModel, view: &super::centre::CentreView) -> Result<Vec<u8>, XlsxError> {
    use super::centre::{school_cell, unit_cell};
    let mut wb = workbook(model, format!("Мониторинг тьюторского сопровождения: сводка центра, {}", model.term.russian()))?;
    let styles = Styles::new();
    let centre = School { code: String::new(), name: view.title.clone(), municipality: String::new() };

    let ws = wb.add_worksheet();
    ws.set_name("Полнота сдачи")?;
    let top = heading(ws, "Полнота сдачи форм по реестру школ", model, &centre, &styles)?;
    let mut table = Table::new(
        ws,
        &styles,
        top,
        &["Муниципалитет", "Код ОО", "Наименование ОО", "Получено форм", "Ожидалось", "Полнота", "Не сдано", "Сдано позже срока"],
    )?;
    for (i, r) in view.reporting.iter().enumerate() {
        let pct = if r.expected > 0 { Some(r.received as f64 / r.expected as f64 * 100.0) } else { None };
        table.row(
            top + 1 + i as u32,
            vec![
                Cell::Text(r.school.municipality.clone()),
                Cell::Text(r.school.code.clone()),
                Cell::Text(r.school.name.clone()),
                Cell::Value(Some(r.received as f64), Unit::Count),
                Cell::Value(Some(r.expected as f64), Unit::Count),
                Cell::Value(pct, Unit::Percent),
                Cell::Text(if r.received == 0 { "нет данных".into() } else { r.missing.join("; ") }),
                Cell::Text(r.late.clone().unwrap_or_default()),
            ],
        )?;
    }
    table.finish()?;
    let rows: Vec<u32> = (0..view.reporting.len() as u32).map(|i| top + 1 + i).collect();
    traffic_lights(ws, &styles, model, &rows, 5)?;

    let columns = &view.columns;
    let ws = wb.add_worksheet();
    ws.set_name("Школы")?;
    let top = heading(ws, "Школы: ключевые показатели и изменение", model, &centre, &styles)?;
    let mut headers: Vec<String> = vec!["Муниципалитет".into(), "Код ОО".into(), "Наименование ОО".into(), "Поддержка".into()];
    for (title, _, _) in columns {
        headers.push(title.clone());
        headers.push(format!("{title}: изменение"));
    }
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut table = Table::new(ws, &styles, top, &refs)?;
    for (i, s) in view.ranked.iter().enumerate() {
        let mut cells = vec![
            Cell::Text(s.municipality.clone()),
            Cell::Text(s.code.clone()),
            Cell::Text(s.name.clone()),
            Cell::Text(if model.flag_reasons(&s.code).is_empty() { "нет".into() } else { "нужна".into() }),
        ];
        for (_, ind, group) in columns {
            let now = school_cell(model, &s.code, *ind, group);
            cells.push(shown(now, *ind));
            let change = match now {
                super::centre::Shown::Value(v) => model.previous(&s.code, ind.code(), group).map(|p| v - p),
                _ => None,
            };
            cells.push(Cell::Value(change, if ind.unit() == Unit::Percent { Unit::Points } else { ind.unit() }));
        }
        table.row(top + 1 + i as u32, cells)?;
    }
    table.finish()?;

    let ws = wb.add_worksheet();
    ws.set_name("Муниципалитеты")?;
    let top = heading(ws, "Муниципалитеты и регион (по записям всех участников)", model, &centre, &styles)?;
    let mut headers: Vec<String> = vec!["Муниципалитет".into(), "Школ, сдавших все формы".into()];
    for (title, _, _) in columns {
        headers.push(title.clone());
        headers.push(format!("{title}: изменение"));
    }
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut table = Table::new(ws, &styles, top, &refs)?;
    for (i, m) in view.municipalities.iter().chain(std::iter::once(&String::new())).enumerate() {
        let mut cells = vec![
            Cell::Text(if m.is_empty() { "Регион".into() } else { m.clone() }),
            Cell::Value(model.unit_value(m, Indicator::SchoolsReportingPct.code(), "").0, Unit::Percent),
        ];
        for (_, ind, group) in columns {
            let now = unit_cell(model, m, *ind, group);
            cells.push(shown(now, *ind));
            let (v, p) = model.unit_value(m, ind.code(), group);
            let change = if matches!(now, super::centre::Shown::Value(_)) { v.zip(p).map(|(v, p)| v - p) } else { None };
            cells.push(Cell::Value(change, if ind.unit() == Unit::Percent { Unit::Points } else { ind.unit() }));
        }
        table.row(top + 1 + i as u32, cells)?;
    }
    let extent = table.finish()?;
    if !view.municipalities.is_empty() {
        let series = view.by_municipality.clone();
        let chart = chart_on(ws, &series, "Муниципалитеты", headers.len() as u16 + 2, &styles)?;
        let row = top + view.municipalities.len() as u32 + 4;
        ws.insert_chart(row, 0, &chart)?;
        // The chart (320 pixels, 16 rows) is printed with the table.
        print_setup(ws, &Extent { last_row: row + 16, ..extent }, top)?;
    }

    let ws = wb.add_worksheet();
    ws.set_name("Поддержка")?;
    let top = heading(ws, "Школы, нуждающиеся в методической поддержке", model, &centre, &styles)?;
    let mut table = Table::new(ws, &styles, top, &["Муниципалитет", "Код ОО", "Наименование ОО", "Причины"])?;
    for (i, (s, reasons)) in view.flagged.iter().enumerate() {
        table.row(
            top + 1 + i as u32,
            vec![
                Cell::Text(s.municipality.clone()),
                Cell::Text(s.code.clone()),
                Cell::Text(s.name.clone()),
                Cell::Text(reasons.join("; ")),
            ],
        )?;
    }
    table.finish()?;

    let ws = wb.add_worksheet();
    ws.set_name("Распределения")?;
    let top = heading(ws, "Распределения по уровням", model, &centre, &styles)?;
    let mut table = Table::new(ws, &styles, top, &["Муниципалитет", "Показатель", "Раздел", "низкий", "средний", "высокий"])?;
    let mut r = top;
    for m in view.municipalities.iter().chain(std::iter::once(&String::new())) {
        for (ind, group) in &view.level_groups {
            r += 1;
            let mut cells = vec![
                Cell::Text(if m.is_empty() { "Регион".into() } else { m.clone() }),
                Cell::Text(ind.russian().into()),
                Cell::Text(model.words.path(group)),
            ];
            for level in crate::indicators::LEVELS {
                cells.push(shown(unit_cell(model, m, *ind, &format!("{group}/{level}")), *ind));
            }
            table.row(r, cells)?;
        }
    }
    table.finish()?;
    wb.save_to_buffer()
}

/// A chart whose data block is written on `sheet` at `data_col`.
fn chart_on(ws: &mut Worksheet, series: &Series, sheet: &str, data_col: u16, styles: &Styles) -> Result<Chart, XlsxError> {
    let top = 3u32;
    ws.write_string_with_format(top, data_col, "Категория", &styles.header)?;
    for (i, category) in series.categories.iter().enumerate() {
        ws.write_string(top + 1 + i as u32, data_col, category)?;
    }
    let n = series.categories.len().max(1) as u32;
    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name(&series.title).set_font(ChartFont::new().set_size(11));
    for (s, (name, values)) in series.series.iter().enumerate() {
        let c = data_col + 1 + s as u16;
        ws.write_string_with_format(top, c, name, &styles.header)?;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(top + 1 + i as u32, c, *v, &styles.number)?;
            }
        }
        chart
            .add_series()
            .set_categories((sheet, top + 1, data_col, top + n, data_col))
            .set_values((sheet, top + 1, c, top + n, c))
            .set_name((sheet, top, c));
    }
    if series.percent {
        chart.y_axis().set_min(0).set_max(100);
    }
    chart.set_width(640).set_height(320);
    Ok(chart)
}
