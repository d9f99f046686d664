//! Bounds an .ods (OpenDocument spreadsheet) before calamine opens it.
//!
//! calamine parses every sheet of an .ods when it opens the file and lays each one out
//! densely, expanding `table:number-rows-repeated` and `table:number-columns-repeated`: a
//! file of a few hundred bytes can declare a value repeated over a million rows, or one
//! value at XFD5000 (6.7 GB when laid out). `content.xml` is streamed here with quick-xml
//! first, adding up what calamine will hold for each sheet, and the file is refused at the
//! cell that takes it past the limit. The manifest is read first: an encrypted file's
//! `content.xml` is noise.

use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::error::{OpenError, damaged};
use crate::problem::cell_name;

/// The sheet size calamine caps repeats at (Excel's).
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// Checks encryption and the cells all sheets together will take against `max_cells`.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<(), OpenError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    if let Ok(mut manifest) = zip.by_name("META-INF/manifest.xml") {
        let mut text = String::new();
        // A manifest that does not read as text is left for calamine's reader to report.
        if manifest.read_to_string(&mut text).is_ok() && text.contains("manifest:encryption-data") {
            return Err(OpenError::Encrypted);
        }
    }
    let Ok(content) = zip.by_name("content.xml") else {
        // calamine's reader says what is missing.
        return Ok(());
    };
    scan(BufReader::new(content), max_cells)
}

/// Walks the sheets of `content.xml`. XML that does not parse is left for calamine, which
/// stops at the same place: everything before it was within the limit.
fn scan(reader: impl std::io::BufRead, max_cells: u64) -> Result<(), OpenError> {
    let mut xml = quick_xml::Reader::from_reader(reader);
    // As calamine reads it, so `<x/>` and `<x></x>` are the same.
    xml.config_mut().expand_empty_elements = true;
    let (mut buf, mut skipped) = (Vec::new(), Vec::new());
    let mut earlier: u64 = 0;
    let mut table: Option<Table> = None;
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(event) => event,
        };
        match (event, table.as_mut()) {
            (Event::Start(e), None) if e.name().as_ref() == "table:table" => {
                let name = attribute(&e, "table:name").unwrap_or_default();
                table = Some(Table::new(name, earlier, max_cells));
            }
            (Event::Start(e), Some(t)) => match e.name().as_ref() {
                "table:table-row" => t.start_row(repeats(&e, "table:number-rows-repeated")),
                "table:table-cell" | "table:covered-table-cell" => {
                    let count = repeats(&e, "table:number-columns-repeated");
                    let valued = has_value(&e);
                    let filled = has_content(&mut xml, &mut skipped) || valued;
                    t.cells(count, filled).map_err(|far| t.too_large(far))?;
                }
                _ => {}
            },
            (Event::End(e), Some(t)) => match e.name().as_ref() {
                "table:table-row" => t.end_row(),
                "table:table" => {
                    earlier = t.total();
                    table = None;
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
}

/// Reads a cell's content up to its end tag: whether it holds an element (a paragraph, an
/// annotation) or text other than spaces. Such a cell counts as filled, which may count a
/// cell calamine finds empty (a comment alone) but never misses one it fills.
fn has_content(xml: &mut quick_xml::Reader<impl std::io::BufRead>, buf: &mut Vec<u8>) -> bool {
    let (mut depth, mut content) = (0u32, false);
    loop {
        buf.clear();
        match xml.read_event_into(buf) {
            Ok(Event::Start(_)) => (depth, content) = (depth + 1, true),
            Ok(Event::End(_)) if depth == 0 => return content,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(text)) => content |= !text.trim().is_empty(),
            Ok(Event::CData(_) | Event::GeneralRef(_)) => content = true,
            Ok(Event::Eof) | Err(_) => return content,
            Ok(_) => {}
        }
    }
}

/// An attribute's raw text.
fn attribute(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// A repeat count; anything unreadable counts once (calamine then reports the file).
fn repeats(e: &BytesStart, key: &str) -> u64 {
    attribute(e, key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(1)
}

/// Whether a cell's attributes give it a value or a formula.
fn has_value(e: &BytesStart) -> bool {
    e.attributes().flatten().any(|a| {
        matches!(
            a.key.as_ref(),
            "office:value"
                | "office:string-value"
                | "office:date-value"
                | "office:time-value"
                | "office:boolean-value"
                | "table:formula"
        )
    })
}

/// One sheet as calamine will hold it: while parsing, each row element keeps its cells up to
/// its last filled one (repeats of a row are kept once); then the sheet is laid out from the
/// first filled cell to the last, repeated rows expanded.
struct Table {
    name: String,
    /// Cells of the sheets before this one.
    earlier: u64,
    limit: u64,
    /// The current row element: its first row and how many rows it stands for.
    row: u64,
    row_repeats: u64,
    /// The next column of the current row, and the end of its last filled cell.
    col: u64,
    row_end: u64,
    /// Cells kept while parsing, for the rows before the current one.
    parsed: u64,
    /// First and last filled (row, column).
    span: Option<((u64, u64), (u64, u64))>,
}

impl Table {
    fn new(name: String, earlier: u64, limit: u64) -> Table {
        Table {
            name,
            earlier,
            limit,
            row: 0,
            row_repeats: 1,
            col: 0,
            row_end: 0,
            parsed: 0,
            span: None,
        }
    }

    fn start_row(&mut self, repeats: u64) {
        (self.row_repeats, self.col, self.row_end) = (repeats.max(1), 0, 0);
    }

    fn end_row(&mut self) {
        self.parsed += self.row_end;
        self.row = self.row.saturating_add(self.row_repeats).min(MAX_ROWS);
    }

    /// `count` cells at the current column; `Err` holds the cell that takes the workbook
    /// past the limit.
    fn cells(&mut self, count: u64, filled: bool) -> Result<(), (u32, u32)> {
        let first_col = self.col.min(MAX_COLUMNS - 1);
        self.col = self.col.saturating_add(count.max(1)).min(MAX_COLUMNS);
        if !filled {
            return Ok(());
        }
        let (first_row, last_row) = (
            self.row.min(MAX_ROWS - 1),
            self.row
                .saturating_add(self.row_repeats - 1)
                .min(MAX_ROWS - 1),
        );
        let last_col = self.col - 1;
        self.row_end = self.col;
        let ((r0, c0), (r1, c1)) = self
            .span
            .unwrap_or(((first_row, first_col), (last_row, last_col)));
        self.span = Some((
            (r0.min(first_row), c0.min(first_col)),
            (r1.max(last_row), c1.max(last_col)),
        ));
        if self.total() > self.limit {
            Err((last_row as u32, last_col as u32))
        } else {
            Ok(())
        }
    }

    /// The cells of the earlier sheets and this one so far.
    fn total(&self) -> u64 {
        let laid_out = self
            .span
            .map_or(0, |((r0, c0), (r1, c1))| (r1 - r0 + 1) * (c1 - c0 + 1));
        self.earlier + laid_out.max(self.parsed + self.row_end)
    }

    fn too_large(&self, (row, col): (u32, u32)) -> OpenError {
        OpenError::SheetTooLarge {
            sheet: self.name.clone(),
            cell: cell_name(row, col),
            limit: self.limit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            "<office:document-content><office:body><office:spreadsheet><table:table table:name=\"Посещаемость\">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"
        )
    }

    fn far_cell(xml: &str, limit: u64) -> Option<String> {
        match scan(xml.as_bytes(), limit) {
            Err(OpenError::SheetTooLarge { cell, .. }) => Some(cell),
            _ => None,
        }
    }

    #[test]
    fn a_small_sheet_passes_and_a_far_value_is_named() {
        let a1 = "<table:table-cell office:value-type=\"float\" office:value=\"1\"/>";
        let small = content(&format!("<table:table-row>{a1}{a1}</table:table-row>"));
        assert_eq!(far_cell(&small, 10), None);
        // One value in A1, one in XFD5000: 82 million cells laid out.
        let far = content(&format!(
            "<table:table-row>{a1}</table:table-row><table:table-row table:number-rows-repeated=\"4998\"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>{a1}</table:table-row>"
        ));
        assert_eq!(far_cell(&far, 2_000_000), Some("XFD5000".into()));
    }

    #[test]
    fn repeated_filled_rows_and_columns_count_every_repeat() {
        let row = "<table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"3\"><text:p>x</text:p></table:table-cell></table:table-row>";
        assert_eq!(far_cell(&content(row), 2_000_000), Some("C1000000".into()));
        assert_eq!(far_cell(&content(row), 3_000_000), None);
        // Formatted empty cells repeated to the sheet's end lay nothing out, even when the
        // XML is laid out with line breaks inside them.
        let empty = "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:style-name=\"ce1\" table:number-columns-repeated=\"16384\"/></table:table-row>";
        assert_eq!(far_cell(&content(empty), 10), None);
        let spaced = "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:number-columns-repeated=\"16384\">\n  </table:table-cell></table:table-row>";
        assert_eq!(far_cell(&content(spaced), 10), None);
    }
}
