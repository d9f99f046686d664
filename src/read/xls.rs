//! Bounds an .xls (BIFF8 inside an OLE compound file) before calamine opens it.
//!
//! calamine follows the container's sector chains without a loop check, reserves whatever a
//! sheet's DIMENSIONS record claims, and lays out every sheet at once: a file of a few
//! kilobytes could ask for gigabytes (fuzzing found both). The `cfb` crate validates the
//! container; the records are then walked the way calamine will walk them, adding up the
//! cells each sheet will take.

use std::io::{Cursor, Read};

use super::workbook::{OpenError, short};

const BOUNDSHEET: u16 = 0x0085;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const DIMENSIONS: u16 = 0x0200;
const MULRK: u16 = 0x00BD;
/// Records holding one cell, starting with its row and column: Formula, LabelSst, Number,
/// Label, RString, BoolErr, Rk.
const CELLS: [u16; 7] = [0x0006, 0x00FD, 0x0203, 0x0204, 0x00D6, 0x0205, 0x027E];

/// Checks the container and the cells all sheets together will take against `max_cells`.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<(), OpenError> {
    let unreadable = |e: std::io::Error| OpenError::Unreadable(short(&e.to_string()));
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(unreadable)?;
    // Office's password-protected .xlsx is an OLE container holding an `EncryptedPackage`.
    if file.is_stream("EncryptedPackage") {
        return Err(OpenError::Encrypted);
    }
    let Some(name) = ["Workbook", "Book"].into_iter().find(|n| file.is_stream(n)) else {
        return Ok(());
    };
    let mut stream = Vec::new();
    file.open_stream(name).and_then(|mut s| s.read_to_end(&mut stream)).map_err(unreadable)?;
    let mut total: u64 = 0;
    for (n, offset) in sheet_offsets(&stream).into_iter().enumerate() {
        let cells = sheet_cells(&stream, offset);
        total = total.saturating_add(cells);
        if total > max_cells {
            return Err(OpenError::SheetTooLarge { sheet: format!("№ {}", n + 1), cells, limit: max_cells });
        }
    }
    Ok(())
}

/// `(type, body)` of each record from `offset`, until the stream ends or a record is cut short.
fn records(stream: &[u8], offset: usize) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = offset;
    std::iter::from_fn(move || {
        let typ = u16_at(stream, pos)?;
        let len = usize::from(u16_at(stream, pos + 2)?);
        let body = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, body))
    })
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Where each sheet's records start: the BoundSheet records of the workbook globals. Several
/// may point at the same sheet, and calamine then lays it out once for each.
fn sheet_offsets(stream: &[u8]) -> Vec<usize> {
    records(stream, 0)
        .take_while(|(typ, _)| *typ != EOF)
        .filter(|(typ, _)| *typ == BOUNDSHEET)
        .filter_map(|(_, body)| u32_at(body, 0))
        .map(|offset| offset as usize)
        .collect()
}

/// The cells calamine will reserve or lay out for the sheet starting at `offset`: the more
/// of what its DIMENSIONS records claim and what its cells span.
fn sheet_cells(stream: &[u8], offset: usize) -> u64 {
    let (mut claimed, mut span, mut depth, mut seen_bof) = (0u64, Span::default(), 0u32, false);
    for (typ, body) in records(stream, offset) {
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            DIMENSIONS => claimed = claimed.max(dimensions(body)),
            MULRK => {
                let last_col = body.len().checked_sub(2).and_then(|at| u16_at(body, at));
                if let (Some(row), Some(first), Some(last)) = (u16_at(body, 0), u16_at(body, 2), last_col) {
                    span.add(row, first);
                    span.add(row, last);
                }
            }
            typ if CELLS.contains(&typ) => {
                if let (Some(row), Some(col)) = (u16_at(body, 0), u16_at(body, 2)) {
                    span.add(row, col);
                }
            }
            _ => {}
        }
    }
    claimed.max(span.cells())
}

/// What calamine reserves for a DIMENSIONS record, with its arithmetic (wrapping included).
fn dimensions(body: &[u8]) -> u64 {
    let fields = match body.len() {
        10 => (u16_at(body, 0).map(u32::from), u16_at(body, 2).map(u32::from), u16_at(body, 4), u16_at(body, 6)),
        14 | 16 => (u32_at(body, 0), u32_at(body, 4), u16_at(body, 8), u16_at(body, 10)),
        _ => return 0,
    };
    let (Some(first_row), Some(row_after), Some(first_col), Some(col_after)) = fields else { return 0 };
    let (first_col, col_after) = (u32::from(first_col), u32::from(col_after));
    let first_col = if first_col > 0xFF || col_after < first_col { 0 } else { first_col };
    if row_after < 1 || col_after < 1 {
        return 1;
    }
    let rows = (row_after - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (col_after - 1).wrapping_sub(first_col).wrapping_add(1);
    u64::from(rows).saturating_mul(u64::from(cols))
}

/// The rectangle from the first to the last cell seen.
#[derive(Default)]
struct Span {
    first: Option<(u16, u16)>,
    last: (u16, u16),
}

impl Span {
    fn add(&mut self, row: u16, col: u16) {
        let first = self.first.get_or_insert((row, col));
        *first = (first.0.min(row), first.1.min(col));
        self.last = (self.last.0.max(row), self.last.1.max(col));
    }

    fn cells(&self) -> u64 {
        self.first.map_or(0, |(r, c)| u64::from(self.last.0 - r + 1) * u64::from(self.last.1 - c + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((body.len() as u16).to_le_bytes());
        r.extend(body);
        r
    }

    #[test]
    fn a_sheet_takes_the_more_of_its_claimed_dimensions_and_its_cell_span() {
        // Cells at (2, 1) and (11, 4): 10 rows by 4 columns.
        let mut sheet = record(BOF, &[0; 16]);
        sheet.extend(record(0x0203, &[2, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
        sheet.extend(record(0x027E, &[11, 0, 4, 0, 0, 0, 0, 0, 0, 0]));
        sheet.extend(record(EOF, &[]));
        assert_eq!(sheet_cells(&sheet, 0), 40);
        // DIMENSIONS claiming 1 000 000 rows by 200 columns: calamine would reserve them all.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(1_000_000u32.to_le_bytes());
        dims.extend([0, 0, 200, 0, 0, 0]);
        let mut claimed = record(BOF, &[0; 16]);
        claimed.extend(record(DIMENSIONS, &dims));
        claimed.extend(record(EOF, &[]));
        assert_eq!(sheet_cells(&claimed, 0), 200_000_000);
    }

    #[test]
    fn every_boundsheet_counts_even_when_two_point_at_the_same_sheet() {
        let mut globals = record(BOF, &[0; 16]);
        let sheet_at = (globals.len() + 2 * 12 + 4) as u32;
        for _ in 0..2 {
            let mut body = sheet_at.to_le_bytes().to_vec();
            body.extend([0, 0, 1, 0]);
            globals.extend(record(BOUNDSHEET, &body));
        }
        globals.extend(record(EOF, &[]));
        assert_eq!(globals.len() as u32, sheet_at);
        assert_eq!(sheet_offsets(&globals), vec![sheet_at as usize; 2]);
    }
}
