//! The pieces every sheet of a workbook is made of: cell styles, a sheet's heading and
//! printed footer, tables whose columns fit what they hold and that print fitted to the
//! page width, sentences across a table's width, level colours and the data block behind
//! a native chart. Numbers are real numeric cells with number formats; every text is
//! written as a string, never as a formula.

use std::collections::BTreeMap;

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{
    ChartFont, ChartType, Color, ConditionalFormat3ColorScale, ConditionalFormatCell,
    ConditionalFormatCellRule, ConditionalFormatType, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::report::document::{Cell, Chart, ChartKind};
use crate::report::names;
use crate::schema::Unit;

/// The cell formats of a workbook.
pub struct Styles {
    pub title: Format,
    pub header: Format,
    /// A sentence across the table's width.
    pub note: Format,
    pub strong: Format,
    pub text: Format,
    pub wrap: Format,
    pub percent: Format,
    pub points: Format,
    pub count: Format,
    pub number: Format,
    pub date: Format,
    pub red: Format,
    pub yellow: Format,
    pub green: Format,
}

impl Default for Styles {
    fn default() -> Styles {
        Styles::new()
    }
}

impl Styles {
    /// The formats, made once per workbook.
    pub fn new() -> Styles {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            strong: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
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

    /// The number format of a unit.
    pub fn of(&self, unit: Unit) -> &Format {
        match unit {
            Unit::Percent => &self.percent,
            Unit::Points => &self.points,
            Unit::Count | Unit::Flag => &self.count,
            Unit::Number => &self.number,
        }
    }
}

/// The tables of a sheet: the first one's header row is frozen, filtered and repeated on
/// every printed page; later ones ([`Table::section`]) share the column widths, so every
/// column fits what it holds and the sheet prints fitted to the page width, nothing cut.
pub struct Table<'a> {
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
    /// Formats a cell of this table has been written with, so the sheet has given them
    /// their index ([`Table::put`]).
    indexed: Vec<&'a Format>,
    /// For each column, the rows written since without their format, all of one format:
    /// set on the range at once.
    runs: BTreeMap<u16, Run<'a>>,
    /// The current row's blank cells in a format written before, by column: written by
    /// [`Table::end_row`].
    blanks: Vec<(u16, &'a Format)>,
    /// The first and last row and column of the cells this table has written (each of
    /// which widened the sheet's dimension to take it in), once it has written one.
    span: Option<[u32; 4]>,
}

/// Rows `first..=last` of a column, written without their format, which is `format`.
struct Run<'a> {
    format: &'a Format,
    first: u32,
    last: u32,
}

/// A value [`Table::put`] writes.
enum Put<'v> {
    Text(&'v str),
    Number(f64),
    /// A blank cell with a format.
    Blank,
}

/// Where a finished sheet's tables end and how wide they are, in Excel's character units.
pub struct Extent {
    pub last_row: u32,
    pub last_col: u16,
    pub widths: Vec<f64>,
}

/// Printed wider than this many character units, a sheet turns to landscape (A4 portrait
/// holds about 90 at 100 %).
const PORTRAIT_WIDTH: f64 = 100.0;

impl<'a> Table<'a> {
    pub fn new(
        ws: &'a mut Worksheet,
        styles: &'a Styles,
        top: u32,
        headers: &[&str],
    ) -> Result<Table<'a>, XlsxError> {
        let mut table = Table {
            ws,
            styles,
            top,
            first_end: None,
            last_row: top,
            header_row: top,
            widths: BTreeMap::new(),
            wrapped: Vec::new(),
            indexed: Vec::new(),
            runs: BTreeMap::new(),
            blanks: Vec::new(),
            span: None,
        };
        table.header(top, headers)?;
        Ok(table)
    }

    fn header(&mut self, r: u32, headers: &[&str]) -> Result<(), XlsxError> {
        self.header_row = r;
        for (c, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(r, c as u16, *h, &self.styles.header)?;
            self.spans(r, c as u16);
            // Headers wrap: a column need not be wider than a header's longest word or a
            // third of it, so a long header does not make a wide column of numbers.
            let longest = h.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            self.widen(c as u16, longest.max(h.chars().count().div_ceil(3)).min(30));
            self.wrapped.push((r, c as u16, h.to_string()));
        }
        self.last_row = self.last_row.max(r);
        Ok(())
    }

    /// The sheet the tables are written on, to place something between them.
    pub fn sheet(&mut self) -> &mut Worksheet {
        self.ws
    }

    /// Starts a later table: its title at row `r`, its header below; returns the header row.
    pub fn section(&mut self, r: u32, title: &str, headers: &[&str]) -> Result<u32, XlsxError> {
        if r > self.header_row + 1 {
            self.say_if_empty()?;
        }
        self.first_end.get_or_insert(self.last_row);
        self.ws
            .write_string_with_format(r, 0, title, &self.styles.title)?;
        self.spans(r, 0);
        self.header(r + 1, headers)?;
        Ok(r + 1)
    }

    fn widen(&mut self, c: u16, width: usize) {
        let entry = self.widths.entry(c).or_insert(0);
        *entry = (*entry).max(width);
    }

    /// Notes that the cell at row `r`, column `c` was written, widening the sheet's
    /// dimension to take it in.
    fn spans(&mut self, r: u32, c: u16) {
        let c = u32::from(c);
        let [top, bottom, left, right] = self.span.get_or_insert([r, r, c, c]);
        (*top, *bottom) = ((*top).min(r), (*bottom).max(r));
        (*left, *right) = ((*left).min(c), (*right).max(c));
    }

    /// Writes a value in its format. rust_xlsxwriter finds a format's index by hashing the
    /// whole `Format` for every cell written with it (SipHash over its font, borders, fill
    /// and number format: 7 % of a region report's instructions), so a cell in a format
    /// this table has written before is written without it, and its format set on each
    /// column's run of such rows at once ([`Table::set_runs`]): the same cells, formats
    /// and indexes (a sheet numbers formats in the order of their first cell, and each
    /// format's first cell is still written with it). A blank cell (or an empty text, a
    /// blank cell with a format) in such a format waits for the row's end
    /// ([`Table::end_row`]).
    fn put(&mut self, r: u32, c: u16, value: Put, format: &'a Format) -> Result<(), XlsxError> {
        if !self.indexed.iter().any(|f| std::ptr::eq(*f, format)) {
            self.indexed.push(format);
            match value {
                Put::Text(t) => self.ws.write_string_with_format(r, c, t, format)?,
                Put::Number(v) => self.ws.write_number_with_format(r, c, v, format)?,
                Put::Blank => self.ws.write_blank(r, c, format)?,
            };
            self.spans(r, c);
            return Ok(());
        }
        match value {
            Put::Text("") | Put::Blank => {
                self.blanks.push((c, format));
                return Ok(());
            }
            Put::Text(t) => self.ws.write_string(r, c, t)?,
            Put::Number(v) => self.ws.write_number(r, c, v)?,
        };
        self.spans(r, c);
        self.run(r, c, format)
    }

    /// Adds row `r` of column `c`, written without its `format`, to the column's run.
    fn run(&mut self, r: u32, c: u16, format: &'a Format) -> Result<(), XlsxError> {
        match self.runs.get_mut(&c) {
            Some(run) if std::ptr::eq(run.format, format) && run.last + 1 == r => run.last = r,
            _ => {
                let run = Run {
                    format,
                    first: r,
                    last: r,
                };
                if let Some(done) = self.runs.insert(c, run) {
                    self.ws
                        .set_range_format(done.first, c, done.last, c, done.format)?;
                }
            }
        }
        Ok(())
    }

    /// Writes row `r`'s blank cells left by [`Table::put`]. A blank cell written with its
    /// format widens the sheet's dimension to take it in, and one given its format with a
    /// run's range does not: a blank cell inside the cells already written (the row's
    /// other cells and the header's columns, most often) joins its column's run, any other
    /// is written with its format.
    fn end_row(&mut self, r: u32) -> Result<(), XlsxError> {
        let mut blanks = std::mem::take(&mut self.blanks);
        for &(c, format) in &blanks {
            let inside = self.span.is_some_and(|[top, bottom, left, right]| {
                (top..=bottom).contains(&r) && (left..=right).contains(&u32::from(c))
            });
            if inside {
                self.run(r, c, format)?;
            } else {
                self.ws.write_blank(r, c, format)?;
                self.spans(r, c);
            }
        }
        blanks.clear();
        self.blanks = blanks;
        Ok(())
    }

    /// Sets the format of every run [`Table::put`] left open.
    fn set_runs(&mut self) -> Result<(), XlsxError> {
        for (c, run) in std::mem::take(&mut self.runs) {
            self.ws
                .set_range_format(run.first, c, run.last, c, run.format)?;
        }
        Ok(())
    }

    pub fn row(&mut self, r: u32, cells: &[Cell]) -> Result<(), XlsxError> {
        let styles = self.styles;
        for (c, cell) in cells.iter().enumerate() {
            let c = c as u16;
            let width = match *cell {
                Cell::Text(ref t) => {
                    let w = t.chars().count();
                    if w > 60 {
                        self.put(r, c, Put::Text(t), &styles.wrap)?;
                        self.wrapped.push((r, c, t.clone()));
                    } else {
                        self.put(r, c, Put::Text(t), &styles.text)?;
                    }
                    w.min(60)
                }
                // A yes/no figure is read as a word, not as 0 or 1.
                // A yes/no figure has no difference to show: «было» and «значение» say it.
                Cell::Change(Some(_), Unit::Flag) | Cell::Change(None, _) => {
                    self.put(r, c, Put::Blank, &styles.text)?;
                    0
                }
                Cell::Change(Some(v), unit) => {
                    let unit = if unit == Unit::Percent {
                        Unit::Points
                    } else {
                        unit
                    };
                    self.put(r, c, Put::Number(v), styles.of(unit))?;
                    8
                }
                Cell::Value(Some(v), Unit::Flag) => {
                    self.put(r, c, Put::Text(names::flag(v)), &styles.text)?;
                    3
                }
                Cell::Value(Some(v), unit) => {
                    self.put(r, c, Put::Number(v), styles.of(unit))?;
                    8
                }
                Cell::Value(None, _) => {
                    self.put(r, c, Put::Blank, &styles.text)?;
                    0
                }
                // No date: nothing written, as if the row were shorter.
                Cell::Date(None) => continue,
                Cell::Date(Some(d)) => {
                    let date =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    self.ws
                        .write_datetime_with_format(r, c, date, &self.styles.date)?;
                    self.spans(r, c);
                    10
                }
            };
            self.widen(c, width);
        }
        self.end_row(r)?;
        self.last_row = self.last_row.max(r);
        Ok(())
    }

    /// Freezes the first header, filters the first table, fits the widths and sets the
    /// sheet up for print: every table in the print area, fitted to the page width,
    /// landscape when wide, the first header repeated on every page.
    pub fn finish(self) -> Result<Extent, XlsxError> {
        let top = self.top;
        let (ws, extent) = self.fit()?;
        print_setup(ws, &extent, top)?;
        Ok(extent)
    }

    /// Writes «нет данных» under the current table's header when no row follows it.
    fn say_if_empty(&mut self) -> Result<(), XlsxError> {
        if self.last_row == self.header_row {
            let r = self.header_row + 1;
            self.ws
                .write_string_with_format(r, 0, "нет данных", &self.styles.text)?;
            self.spans(r, 0);
            self.last_row = r;
        }
        Ok(())
    }

    /// [`Table::finish`] without the print setup, for a sheet that prints otherwise.
    pub fn fit(mut self) -> Result<(&'a mut Worksheet, Extent), XlsxError> {
        self.set_runs()?;
        self.say_if_empty()?;
        let last_col = self.widths.keys().max().copied().unwrap_or(0);
        let ws = self.ws;
        ws.set_freeze_panes(self.top + 1, 0)?;
        ws.autofilter(
            self.top,
            0,
            self.first_end.unwrap_or(self.last_row).max(self.top + 1),
            last_col,
        )?;
        let mut widths = Vec::new();
        for c in 0..=last_col {
            let w = self
                .widths
                .get(&c)
                .map_or(8.43, |w| (*w as f64 * 1.15 + 3.0).clamp(8.0, 70.0));
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
        Ok((
            ws,
            Extent {
                last_row: self.last_row.max(self.top + 1),
                last_col,
                widths,
            },
        ))
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
pub fn print_setup(ws: &mut Worksheet, extent: &Extent, header_row: u32) -> Result<(), XlsxError> {
    ws.set_print_area(0, 0, extent.last_row, extent.last_col)?;
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_print_fit_to_pages(1, 0);
    if extent.wide() {
        ws.set_landscape();
    }
    Ok(())
}

impl Extent {
    pub fn wide(&self) -> bool {
        self.widths.iter().sum::<f64>() > PORTRAIT_WIDTH
    }

    /// The width in screen pixels (Excel's: 7 a character unit and 5 of padding).
    pub fn pixels(&self) -> f64 {
        self.widths.iter().map(|w| w * 7.0 + 5.0).sum()
    }

    /// The column that `x` pixels from the left edge falls in, and the offset inside it:
    /// an object anchored in its own column stays where it is in every office suite.
    pub fn anchor(&self, x: u32) -> (u16, u32) {
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

/// Deflate level of a report workbook's parts (zip's zlib-rs backend), chosen by
/// measurement (docs/architecture.md, Performance, «Thirteenth sitting: region report»). The
/// parts of 20 school workbooks (4.5 MB), one thread, best of 9-21 runs: level 1 14-20 ms
/// and 25.5 % of their size, level 2 28-39 ms and 20.3 %, level 4 41-57 ms and 18.7 %,
/// level 5 (used before) 46-66 ms and 18.1 %. Level 2 deflates in about 60 % of level 5's
/// time for workbooks 11 % larger; level 1, in about a third of it, would make them 38 %
/// larger.
const ZIP_LEVEL: u8 = 2;

/// A workbook titled `title`, dated `generated_at` (fixed in deterministic runs).
pub fn workbook(title: &str, generated_at: chrono::NaiveDateTime) -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(ZIP_LEVEL);
    let t = generated_at;
    let created = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8)?
        .and_hms(t.hour() as u16, t.minute() as u8, t.second() as f64)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_author("tutorstat")
            .set_creation_datetime(&created),
    );
    Ok(wb)
}

/// Title lines every sheet starts with (its title, then `about`), and its printed pages'
/// paper and footer (`footer`, the period, the page number); returns the first free row.
pub fn heading(
    ws: &mut Worksheet,
    title: &str,
    about: &str,
    footer: &str,
    period: &str,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(0, 0, title, &styles.title)?;
    ws.write_string(1, 0, about)?;
    ws.set_paper_size(A4);
    ws.set_footer(footer_text(footer, period));
    Ok(3)
}

/// Excel's paper size code of A4.
const A4: u8 = 9;

/// A printed page's footer: who, when, `стр. 3 из 7`. `&` starts a footer code, so a
/// name's own `&` is doubled; a name too long for Excel's 255-character footer is cut.
fn footer_text(name: &str, term: &str) -> String {
    let name: String = name.replace('&', "&&").chars().take(150).collect();
    format!("&L{name}&C{term}&Rстр. &P из &N")
}

/// Level colours (traffic lights) in column `col` of each row of `rows`: red below `mid`,
/// yellow up to `high`, green from `high`.
pub fn traffic_lights(
    ws: &mut Worksheet,
    styles: &Styles,
    (mid, high): (f64, f64),
    rows: &[u32],
    col: u16,
) -> Result<(), XlsxError> {
    for &r in rows {
        let rules = [
            ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::LessThan(mid))
                .set_format(&styles.red),
            ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::Between(mid, high - 1e-9))
                .set_format(&styles.yellow),
            ConditionalFormatCell::new()
                .set_rule(ConditionalFormatCellRule::GreaterThanOrEqualTo(high))
                .set_format(&styles.green),
        ];
        for rule in rules {
            ws.add_conditional_format(r, col, r, col, &rule)?;
        }
    }
    Ok(())
}

/// A red-yellow-green scale over 0..100 in column `col` of rows `first..=last`.
pub fn colour_scale(ws: &mut Worksheet, first: u32, last: u32, col: u16) -> Result<(), XlsxError> {
    let scale = ConditionalFormat3ColorScale::new()
        .set_minimum(ConditionalFormatType::Number, 0)
        .set_midpoint(ConditionalFormatType::Number, 50)
        .set_maximum(ConditionalFormatType::Number, 100);
    ws.add_conditional_format(first, col, last, col, &scale)?;
    Ok(())
}

/// A sentence in row `r` over the sheet's table width, wrapped, the row as high as its lines.
pub fn note(
    ws: &mut Worksheet,
    r: u32,
    text: &str,
    extent: &Extent,
    format: &Format,
) -> Result<(), XlsxError> {
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

/// Writes a chart's data block on `sheet` at `data_col` (from row 3: categories, a column
/// per series, the reference line's) and returns the native chart of its kind over it,
/// titled, its series named. Axes and size are the caller's: they depend on where it goes.
pub fn chart(
    ws: &mut Worksheet,
    sheet: &str,
    chart: &Chart,
    data_col: u16,
    styles: &Styles,
) -> Result<rust_xlsxwriter::Chart, XlsxError> {
    let top = 3u32;
    ws.write_string_with_format(top, data_col, "Категория", &styles.header)?;
    for (i, category) in chart.categories.iter().enumerate() {
        ws.write_string(top + 1 + i as u32, data_col, category)?;
    }
    for (s, (name, values)) in chart.series.iter().enumerate() {
        let c = data_col + 1 + s as u16;
        ws.write_string_with_format(top, c, name, &styles.header)?;
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                ws.write_number_with_format(top + 1 + i as u32, c, *v, &styles.number)?;
            }
        }
    }
    let n = chart.categories.len().max(1) as u32;
    let kind = match chart.kind {
        ChartKind::Column => ChartType::Column,
        ChartKind::Bar => ChartType::Bar,
        // Small lines side by side: one line chart of the series in a workbook.
        ChartKind::Line | ChartKind::Lines => ChartType::Line,
        ChartKind::Stacked => ChartType::BarPercentStacked,
        // Excel has no box of schools: each school's value is a point over its category.
        ChartKind::Spread => ChartType::Scatter,
    };
    let mut native = rust_xlsxwriter::Chart::new(kind);
    native
        .title()
        .set_name(&chart.title)
        .set_font(ChartFont::new().set_size(11));
    for s in 0..chart.series.len() {
        let c = data_col + 1 + s as u16;
        native
            .add_series()
            .set_categories((sheet, top + 1, data_col, top + n, data_col))
            .set_values((sheet, top + 1, c, top + n, c))
            .set_name((sheet, top, c));
    }
    if let Some(reference) = chart.reference {
        let c = data_col + 1 + chart.series.len() as u16;
        ws.write_string_with_format(top, c, "порог", &styles.header)?;
        for i in 0..n {
            ws.write_number(top + 1 + i, c, reference)?;
        }
        let mut line = rust_xlsxwriter::Chart::new(ChartType::Line);
        line.add_series()
            .set_categories((sheet, top + 1, data_col, top + n, data_col))
            .set_values((sheet, top + 1, c, top + n, c))
            .set_name((sheet, top, c));
        native.combine(&line);
    }
    Ok(native)
}

#[cfg(test)]
mod tests {
    use super::{Put, Styles, Table, workbook};
    use rust_xlsxwriter::{Format, XlsxError};

    /// Cells of several formats in runs down their columns and broken up (a format
    /// changing, a row left out, an empty text, a NaN, blank cells), each with its format
    /// as written; a row of blank cells only, and blank cells right of the header's columns.
    fn cells(styles: &Styles) -> Vec<(u32, u16, Put<'static>, &Format)> {
        let mut cells = Vec::new();
        for r in 1..60u32 {
            if r == 45 {
                for c in 0..4 {
                    cells.push((r, c, Put::Blank, &styles.text));
                }
                continue;
            }
            let text = match r % 7 {
                0 => "",
                3 => "длинный текст, который переносится по словам в несколько строк ячейки",
                _ => "текст",
            };
            let wrap = if text.chars().count() > 60 {
                &styles.wrap
            } else {
                &styles.text
            };
            cells.push((r, 0, Put::Text(text), wrap));
            let unit = if r < 20 || r % 5 == 0 {
                &styles.percent
            } else {
                &styles.points
            };
            cells.push((r, 1, Put::Number(f64::from(r) / 3.0), unit));
            if r % 11 != 0 {
                let value = if r == 30 { f64::NAN } else { f64::from(r) };
                cells.push((r, 2, Put::Number(value), &styles.count));
            }
            let last = if r % 4 == 0 {
                Put::Blank
            } else {
                Put::Text("да")
            };
            cells.push((r, 3, last, &styles.text));
            if r == 50 || r == 59 {
                cells.push((r, 5, Put::Blank, &styles.text));
            }
        }
        cells
    }

    /// [`Table::put`] and [`Table::end_row`] write the bytes of writing every cell with its
    /// format.
    #[test]
    fn cells_put_in_runs_are_the_cells_written_with_their_formats() -> Result<(), XlsxError> {
        let at = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let styles = Styles::new();
        let headers = ["а", "б", "в", "г"];
        let mut put = workbook("Проверка", at)?;
        let mut table = Table::new(put.add_worksheet(), &styles, 0, &headers)?;
        let mut row = 1;
        for (r, c, value, format) in cells(&styles) {
            if r != row {
                table.end_row(row)?;
                row = r;
            }
            table.put(r, c, value, format)?;
        }
        table.end_row(row)?;
        table.set_runs()?;
        let mut each = workbook("Проверка", at)?;
        let mut table = Table::new(each.add_worksheet(), &styles, 0, &headers)?;
        for (r, c, value, format) in cells(&styles) {
            match value {
                Put::Text(t) => table.sheet().write_string_with_format(r, c, t, format)?,
                Put::Number(v) => table.sheet().write_number_with_format(r, c, v, format)?,
                Put::Blank => table.sheet().write_blank(r, c, format)?,
            };
        }
        assert!(put.save_to_buffer()? == each.save_to_buffer()?);
        Ok(())
    }
}
