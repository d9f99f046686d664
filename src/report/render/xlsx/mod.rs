//! The workbook of a document: a sheet for each section the workbook shows, its title and
//! who the report is about on top, then its tables (the first one's header frozen,
//! filtered and repeated on printed pages, a later one under its subheading), coloured
//! where a column asks for it, and a chart under them with its data beside. A section with
//! key figures is a summary: the figures as a table, the sentences under it across its
//! width, the charts two in a row on a page of their own.

pub mod sheet;

use rust_xlsxwriter::{ChartFont, ChartLegendPosition, Format, Worksheet, XlsxError};

use super::Renderer;
use crate::report::document::{
    Block, Cell, Chart, ChartKind, Colours, Document, Figure, Section, Style, Table,
};
use crate::schema::Unit;
use sheet::{Extent, Styles};

/// The Excel renderer.
pub struct Xlsx;

impl Renderer for Xlsx {
    fn render(&self, document: &Document) -> anyhow::Result<Vec<u8>> {
        let mut wb = sheet::workbook(&document.title, document.generated_at)?;
        let styles = Styles::new();
        for section in document.sections.iter().filter(|s| s.place.in_workbook()) {
            write_sheet(wb.add_worksheet(), document, section, &styles)?;
        }
        Ok(wb.save_to_buffer()?)
    }
}

/// A section's sheet: its tables one under another, then its chart.
fn write_sheet(
    ws: &mut Worksheet,
    document: &Document,
    section: &Section,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(&section.sheet)?;
    let top = sheet::heading(
        ws,
        &section.title,
        &document.about,
        &document.footer,
        &document.cover.period,
        styles,
    )?;
    if section
        .blocks
        .iter()
        .any(|b| matches!(b, Block::Figures(..)))
    {
        return summary(ws, &section.sheet, &section.blocks, top, styles);
    }
    let tables: Vec<(Option<&str>, &Table)> = titled_tables(&section.blocks);
    let Some(((_, first), later)) = tables.split_first() else {
        return Ok(());
    };
    // The section's chart stands where it is among the tables: between two of them it
    // takes rows of its own, after them it goes under the last.
    let chart = section
        .blocks
        .iter()
        .enumerate()
        .find_map(|(i, b)| match b {
            Block::Chart(chart) => Some((i, chart)),
            _ => None,
        });
    let tables_before_chart = chart.map_or(usize::MAX, |(at, _)| {
        section.blocks[..at]
            .iter()
            .filter(|b| matches!(b, Block::Table(_)))
            .count()
    });
    let data_col = tables
        .iter()
        .map(|(_, t)| t.columns.len())
        .max()
        .unwrap_or(1) as u16
        + 2;
    let mut colours = Vec::new();
    let mut grid = sheet::Table::new(ws, styles, top, &headers(first))?;
    let mut r = write_rows(&mut grid, top, first, &mut colours)?;
    // The first table's rows end at least one row below its header (where «нет данных»
    // stands when it has none); a later table starts two rows further down.
    r = r.max(top + 1);
    for (i, (title, table)) in later.iter().enumerate() {
        if let (true, Some((_, chart))) = (i + 1 == tables_before_chart, chart) {
            let native = native_chart(grid.sheet(), &section.sheet, chart, data_col, styles)?;
            grid.sheet().insert_chart(r + 2, 0, &native)?;
            r += 2 + chart_rows(chart);
        }
        let header = grid.section(r + 2, title.unwrap_or_default(), &headers(table))?;
        r = write_rows(&mut grid, header, table, &mut colours)?;
    }
    let extent = grid.finish()?;
    for (col, colours, rows) in colours {
        match colours {
            Colours::Levels { mid, high } => {
                sheet::traffic_lights(ws, styles, (mid, high), &rows, col)?
            }
            Colours::Scale => {
                if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
                    sheet::colour_scale(ws, *first, *last, col)?;
                }
            }
        }
    }
    if let Some((_, chart)) = chart.filter(|_| tables_before_chart >= tables.len()) {
        chart_under(ws, &section.sheet, chart, extent, top, styles)?;
    }
    Ok(())
}

/// The tables of a section, each with the subheading right before it.
fn titled_tables(blocks: &[Block]) -> Vec<(Option<&str>, &Table)> {
    let mut tables = Vec::new();
    let mut title = None;
    for block in blocks {
        match block {
            Block::Subheading(t) => title = Some(t.as_str()),
            Block::Table(table) => tables.push((title.take(), table)),
            _ => {}
        }
    }
    tables
}

fn headers(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.header.as_str()).collect()
}

/// Writes a table's rows under its header row; returns the last row written (the header's
/// when there are none). Notes the rows of each coloured column: every percentage for level
/// colours, every row for a scale.
fn write_rows(
    grid: &mut sheet::Table,
    header: u32,
    table: &Table,
    colours: &mut Vec<(u16, Colours, Vec<u32>)>,
) -> Result<u32, XlsxError> {
    for (i, row) in table.rows.iter().enumerate() {
        grid.row(header + 1 + i as u32, row)?;
    }
    for (c, column) in table.columns.iter().enumerate() {
        let Some(kind) = column.colours else { continue };
        let rows = (0..table.rows.len())
            .filter(|&i| match kind {
                Colours::Levels { .. } => {
                    matches!(table.rows[i].get(c), Some(Cell::Value(_, Unit::Percent)))
                }
                Colours::Scale => true,
            })
            .map(|i| header + 1 + i as u32)
            .collect();
        colours.push((c as u16, kind, rows));
    }
    Ok(header + table.rows.len() as u32)
}

/// A chart across the sheet under its tables, its data block to the right of them; the
/// printed area takes it in.
fn chart_under(
    ws: &mut Worksheet,
    name: &str,
    chart: &Chart,
    extent: Extent,
    top: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let native = native_chart(ws, name, chart, extent.last_col + 3, styles)?;
    let row = extent.last_row + 3;
    ws.insert_chart(row, 0, &native)?;
    // The chart is printed with the table.
    sheet::print_setup(
        ws,
        &Extent {
            last_row: row + chart_rows(chart),
            ..extent
        },
        top,
    )
}

/// A chart of a sheet with tables, its data block in column `data_col` onwards: 640 pixels
/// wide, percentages on a 0..100 axis; stacked rows read top down, each row 24 pixels high.
fn native_chart(
    ws: &mut Worksheet,
    name: &str,
    chart: &Chart,
    data_col: u16,
    styles: &Styles,
) -> Result<rust_xlsxwriter::Chart, XlsxError> {
    let mut native = sheet::chart(ws, name, chart, data_col, styles)?;
    // A stacked row's parts always make 100 %: its axis needs no bounds.
    if chart.kind == ChartKind::Stacked {
        native.y_axis().set_reverse();
    } else if chart.percent {
        native.y_axis().set_min(0).set_max(100);
    }
    native.set_width(640).set_height(chart_rows(chart) * 20);
    Ok(native)
}

/// Rows of 20 pixels a chart of a sheet with tables takes: 16, more for many stacked rows.
fn chart_rows(chart: &Chart) -> u32 {
    if chart.kind == ChartKind::Stacked {
        (5 + chart.categories.len() as u32 * 6 / 5).max(16)
    } else {
        16
    }
}

/// Rows a chart of a summary takes (of 20 pixels): two rows of charts fill a landscape page.
const CHART_ROWS: u32 = 15;

/// A summary sheet: its first sentence above the key figures (row 2), the figures as a
/// table with their percentages coloured, then subheadings, sentences and charts.
fn summary(
    ws: &mut Worksheet,
    name: &str,
    blocks: &[Block],
    top: u32,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let at = blocks
        .iter()
        .position(|b| matches!(b, Block::Figures(..)))
        .unwrap_or_default();
    let Block::Figures(figures, colours) = &blocks[at] else {
        return Ok(());
    };
    let mut grid = sheet::Table::new(
        ws,
        styles,
        top,
        &["Показатель", "Значение", "Было", "Изменение"],
    )?;
    let mut percent_rows = Vec::new();
    for (i, f) in figures.iter().enumerate() {
        let r = top + 1 + i as u32;
        let unit = f.code.unit();
        if unit == Unit::Percent {
            percent_rows.push(r);
        }
        grid.row(r, &figure_row(f, unit))?;
    }
    let (ws, extent) = grid.fit()?;
    if let Colours::Levels { mid, high } = colours {
        sheet::traffic_lights(ws, styles, (*mid, *high), &percent_rows, 1)?;
    }
    // Sentences are wrapped across the table's width, so a printed page shows them whole.
    for block in &blocks[..at] {
        if let Block::Text(text, style) = block {
            sheet::note(ws, 2, text, &extent, format(styles, *style))?;
        }
    }
    let mut r = top + figures.len() as u32 + 2;
    let mut charts = Vec::new();
    for block in &blocks[at + 1..] {
        match block {
            Block::Subheading(title) => {
                ws.write_string_with_format(r, 0, title, &styles.title)?;
                r += 1;
            }
            Block::Bullets(lines) => {
                for line in lines {
                    sheet::note(ws, r, line, &extent, &styles.note)?;
                    r += 1;
                }
                r += 1;
            }
            Block::Text(text, style) => {
                sheet::note(ws, r, text, &extent, format(styles, *style))?;
                r += 2;
            }
            Block::Chart(chart) => charts.push(chart),
            Block::Figures(..) | Block::Table(_) => {}
        }
    }
    // Charts two in a row on a page of their own, their data in columns H onwards (outside
    // the print area).
    let chart_width = (extent.pixels() / 2.0 - 6.0).max(320.0) as u32;
    let mut data_col = extent.last_col.max(6) + 1;
    for (i, chart) in charts.iter().enumerate() {
        let mut native = summary_chart(ws, name, chart, data_col, styles)?;
        native
            .set_width(chart_width)
            .set_height(CHART_ROWS * 20 - 10);
        let row = r + (i as u32 / 2) * CHART_ROWS;
        let (col, x) = extent.anchor(if i % 2 == 0 { 0 } else { chart_width + 12 });
        ws.insert_chart_with_offset(row, col, &native, x, 0)?;
        data_col += chart.series.len() as u16 + 2;
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

/// A key figure as a row: what, now, before, change.
fn figure_row(f: &Figure, unit: Unit) -> Vec<Cell> {
    vec![
        Cell::Text(f.label.clone()),
        Cell::Value(Some(f.value), unit),
        Cell::Value(f.previous, unit),
        Cell::Change(f.previous.map(|p| f.value - p), unit),
    ]
}

fn format(styles: &Styles, style: Style) -> &Format {
    match style {
        Style::Strong => &styles.strong,
        Style::Body | Style::Note => &styles.note,
    }
}

/// A chart of a summary, half the sheet wide, its legend below.
fn summary_chart(
    ws: &mut Worksheet,
    name: &str,
    chart: &Chart,
    data_col: u16,
    styles: &Styles,
) -> Result<rust_xlsxwriter::Chart, XlsxError> {
    let mut native = sheet::chart(ws, name, chart, data_col, styles)?;
    native.legend().set_position(ChartLegendPosition::Bottom);
    // Horizontal bars (the view's choice for long category names, competencies) read top
    // down in a smaller font, their values along the x axis. A line over months keeps its
    // axes whatever the length of a month's name.
    let long_labels = chart.kind == ChartKind::Bar;
    if long_labels {
        native
            .y_axis()
            .set_reverse()
            .set_font(ChartFont::new().set_size(8));
    }
    if chart.percent {
        if long_labels {
            native.x_axis()
        } else {
            native.y_axis()
        }
        .set_min(0)
        .set_max(100);
    }
    Ok(native)
}
