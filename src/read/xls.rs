//! Bounds an .xls (BIFF8 inside an OLE compound file) before calamine opens it.
//!
//! calamine follows the container's sector chains without a loop check, reserves whatever a
//! sheet's DIMENSIONS record claims, and lays out every sheet at once: a file of a few
//! kilobytes could ask for gigabytes (fuzzing found both). The `cfb` crate validates the
//! container; the records are then walked the way calamine will walk them, adding up the
//! cells each sheet will take.

use std::io::{Cursor, Read};

use super::error::{OpenError, damaged};
use crate::problem::cell_name;

const BOUNDSHEET: u16 = 0x0085;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const DIMENSIONS: u16 = 0x0200;
const MULRK: u16 = 0x00BD;
/// Records holding one cell, starting with its row and column: Formula, LabelSst, Number,
/// Label, RString, BoolErr, Rk.
const CELLS: [u16; 7] = [0x0006, 0x00FD, 0x0203, 0x0204, 0x00D6, 0x0205, 0x027E];

/// Whether the bytes are a BIFF2-4 workbook (Excel 2.x to 4.0): a bare record stream
/// starting with its BOF record, not an OLE container. No reader here reads those.
pub fn is_old_biff(bytes: &[u8]) -> bool {
    let len = u16_at(bytes, 2).unwrap_or(0);
    matches!(u16_at(bytes, 0), Some(0x0009 | 0x0209 | 0x0409)) && (4..=16).contains(&len)
}

/// Checks the container, encryption, and the cells all sheets together will take against
/// `max_cells`, naming the cell that takes them past it.
pub fn check(bytes: &[u8], max_cells: u64) -> Result<(), OpenError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(damaged)?;
    // Office's password-protected .xlsx, .xlsm and .xlsb: an OLE container holding the
    // encrypted zip.
    if file.is_stream("EncryptedPackage") || file.is_stream("EncryptionInfo") {
        return Err(OpenError::Encrypted);
    }
    let Some(name) = ["Workbook", "Book"].into_iter().find(|n| file.is_stream(n)) else {
        // Another OLE document: a Word .doc, an Outlook message.
        return Err(OpenError::NotASpreadsheet);
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(damaged)?;
    let globals = globals(&stream);
    // Every record after FILEPASS is encrypted: walking them would read noise.
    if globals.encrypted {
        return Err(OpenError::Encrypted);
    }
    let mut total: u64 = 0;
    for (n, sheet) in globals.sheets.into_iter().enumerate() {
        total = sheet_cells(&stream, sheet.offset, total, max_cells).map_err(|(row, col)| {
            OpenError::SheetTooLarge {
                sheet: sheet.name.unwrap_or_else(|| format!("№ {}", n + 1)),
                cell: cell_name(row, col),
                limit: max_cells,
            }
        })?;
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
    bytes
        .get(at..at + 2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// What the workbook globals say before any sheet: whether the file is encrypted, and where
/// each sheet's records start.
struct Globals {
    encrypted: bool,
    sheets: Vec<SheetStart>,
}

/// A BoundSheet record: where the sheet starts, and its name when it can be decoded.
struct SheetStart {
    offset: usize,
    name: Option<String>,
}

/// Reads the workbook globals. Several BoundSheets may point at the same sheet, and calamine
/// then lays it out once for each.
fn globals(stream: &[u8]) -> Globals {
    let mut globals = Globals {
        encrypted: false,
        sheets: Vec::new(),
    };
    let mut biff8 = false;
    for (typ, body) in records(stream, 0).take_while(|(typ, _)| *typ != EOF) {
        match typ {
            BOF => biff8 = u16_at(body, 0) == Some(0x0600),
            FILEPASS => globals.encrypted = true,
            BOUNDSHEET => {
                if let Some(offset) = u32_at(body, 0) {
                    let name = if biff8 { sheet_name(body) } else { None };
                    globals.sheets.push(SheetStart {
                        offset: offset as usize,
                        name,
                    });
                }
            }
            _ => {}
        }
    }
    globals
}

/// A BIFF8 BoundSheet's name: a count of characters, a flag for two-byte characters, then
/// the characters (one byte each, the low half of UTF-16, or UTF-16LE).
fn sheet_name(body: &[u8]) -> Option<String> {
    let (count, wide) = (usize::from(*body.get(6)?), body.get(7)? & 1 == 1);
    let chars = body.get(8..)?;
    let name = if wide {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(count)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        String::from_utf16(&units).ok()?
    } else {
        chars.get(..count)?.iter().map(|b| char::from(*b)).collect()
    };
    (!name.is_empty()).then_some(name)
}

/// Adds the cells calamine will reserve or lay out for the sheet starting at `offset` (the
/// more of what its DIMENSIONS records claim and what its cells span) to the `earlier`
/// sheets' total. `Err` holds the cell that takes the total past `limit`: the far corner a
/// DIMENSIONS record claims, or the cell whose value widens the span too far.
fn sheet_cells(stream: &[u8], offset: usize, earlier: u64, limit: u64) -> Result<u64, (u32, u32)> {
    let (mut claimed, mut span, mut depth, mut seen_bof) = (0u64, Span::default(), 0u32, false);
    let add = |span: &mut Span, row: u16, col: u16| {
        span.add(row, col);
        if earlier.saturating_add(span.cells()) > limit {
            Err((u32::from(row), u32::from(col)))
        } else {
            Ok(())
        }
    };
    for (typ, body) in records(stream, offset) {
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            DIMENSIONS => {
                let (cells, far) = dimensions(body);
                claimed = claimed.max(cells);
                if earlier.saturating_add(claimed) > limit {
                    return Err(far);
                }
            }
            MULRK => {
                let last_col = body.len().checked_sub(2).and_then(|at| u16_at(body, at));
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(body, 0), u16_at(body, 2), last_col)
                {
                    add(&mut span, row, first)?;
                    add(&mut span, row, last)?;
                }
            }
            typ if CELLS.contains(&typ) => {
                if let (Some(row), Some(col)) = (u16_at(body, 0), u16_at(body, 2)) {
                    add(&mut span, row, col)?;
                }
            }
            _ => {}
        }
    }
    Ok(earlier.saturating_add(claimed.max(span.cells())))
}

/// What calamine reserves for a DIMENSIONS record, with its arithmetic (wrapping included),
/// and the far corner the record claims.
fn dimensions(body: &[u8]) -> (u64, (u32, u32)) {
    let fields = match body.len() {
        10 => (
            u16_at(body, 0).map(u32::from),
            u16_at(body, 2).map(u32::from),
            u16_at(body, 4),
            u16_at(body, 6),
        ),
        14 | 16 => (
            u32_at(body, 0),
            u32_at(body, 4),
            u16_at(body, 8),
            u16_at(body, 10),
        ),
        _ => return (0, (0, 0)),
    };
    let (Some(first_row), Some(row_after), Some(first_col), Some(col_after)) = fields else {
        return (0, (0, 0));
    };
    let (first_col, col_after) = (u32::from(first_col), u32::from(col_after));
    let far = (row_after.saturating_sub(1), col_after.saturating_sub(1));
    let first_col = if first_col > 0xFF || col_after < first_col {
        0
    } else {
        first_col
    };
    if row_after < 1 || col_after < 1 {
        return (1, far);
    }
    let rows = (row_after - 1).wrapping_sub(first_row).wrapping_add(1);
    let cols = (col_after - 1).wrapping_sub(first_col).wrapping_add(1);
    (u64::from(rows).saturating_mul(u64::from(cols)), far)
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
        self.first.map_or(0, |(r, c)| {
            (u64::from(self.last.0) - u64::from(r) + 1)
                * (u64::from(self.last.1) - u64::from(c) + 1)
        })
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
        assert_eq!(sheet_cells(&sheet, 0, 0, 1000), Ok(40));
        assert_eq!(sheet_cells(&sheet, 0, 0, 39), Err((11, 4)));
        // DIMENSIONS claiming 1 000 000 rows by 200 columns: calamine would reserve them all.
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(1_000_000u32.to_le_bytes());
        dims.extend([0, 0, 200, 0, 0, 0]);
        let mut claimed = record(BOF, &[0; 16]);
        claimed.extend(record(DIMENSIONS, &dims));
        claimed.extend(record(EOF, &[]));
        assert_eq!(sheet_cells(&claimed, 0, 0, u64::MAX), Ok(200_000_000));
        // Refused at the far corner the record claims: GR1000000.
        assert_eq!(sheet_cells(&claimed, 0, 0, 2_000_000), Err((999_999, 199)));
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
        assert_eq!(
            super::globals(&globals)
                .sheets
                .iter()
                .map(|s| s.offset)
                .collect::<Vec<_>>(),
            vec![sheet_at as usize; 2]
        );
    }
}
