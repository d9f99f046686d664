//! Opening a teacher's file: .xlsx, .xlsm, .xlsb, .xls or .ods, from bytes already in
//! memory, with the checks that keep a hostile or broken file from taking the program down:
//! every format's sheets are bounded before they are laid out densely (`read/xls.rs`,
//! `read/ods.rs`, or cell by cell here), and every reader error becomes a Russian reason.

use std::cell::Cell;
use std::io::Cursor;

use calamine::{Data, DataRef, Range, Reader};

pub use super::error::OpenError;
use super::error::damaged;
use super::text::fold;
use crate::problem::cell_name;

/// Limits that bound the memory and time one file may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest total unpacked size of a zipped workbook (xlsx, xlsb, ods), in bytes.
    pub max_unpacked_bytes: u64,
    /// Most sheets a workbook may have.
    pub max_sheets: usize,
    /// Most cells the used ranges (first to last filled cell) of all sheets may span together.
    pub max_cells: u64,
}

/// Cells all sheets of one workbook may span together. The largest form a teacher fills is
/// a questionnaire's answers or an attendance journal: tens of thousands of rows (forms.md)
/// by a few dozen columns, a few hundred thousand cells. Two million leaves room for
/// several times that, and a workbook laid out that far takes about 200 MB while it is read
/// (32 bytes a laid-out cell, plus the list of filled cells read before the layout), so the
/// few workbooks read at once fit in 1 GiB. One stray value at IV65536 (16.8 million cells)
/// or XFD1048576 is refused before anything is laid out.
pub const MAX_CELLS: u64 = 2_000_000;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unpacked_bytes: 200 * 1024 * 1024,
            max_sheets: 255,
            max_cells: MAX_CELLS,
        }
    }
}

/// One sheet's used range, positions absolute (row 0 is the sheet's first row).
#[derive(Clone)]
pub struct Sheet {
    /// The sheet's name as the teacher sees it on its tab: problems name it.
    pub name: String,
    /// The cells of the used range, as calamine read them.
    pub range: Range<Data>,
}

static EMPTY: Data = Data::Empty;

impl Sheet {
    /// The value at an absolute zero-based position, `Empty` outside the used range.
    pub fn get(&self, row: u32, col: u32) -> &Data {
        self.range.get_value((row, col)).unwrap_or(&EMPTY)
    }

    /// Absolute rows of the used range, first to last (empty when the sheet is empty).
    pub fn row_span(&self) -> std::ops::RangeInclusive<u32> {
        match (self.range.start(), self.range.end()) {
            (Some((r0, _)), Some((r1, _))) => r0..=r1,
            _ => std::ops::RangeInclusive::new(1, 0),
        }
    }

    /// Absolute columns of the used range.
    pub fn col_span(&self) -> std::ops::RangeInclusive<u32> {
        match (self.range.start(), self.range.end()) {
            (Some((_, c0)), Some((_, c1))) => c0..=c1,
            _ => std::ops::RangeInclusive::new(1, 0),
        }
    }
}

/// A workbook read into memory.
#[derive(Clone)]
pub struct Workbook {
    /// The sheets in the workbook's tab order.
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// Cells the sheets' used ranges span together: what the workbook holds in memory, at
    /// the size of a cell value each (strings besides).
    pub fn cells(&self) -> u64 {
        self.sheets
            .iter()
            .map(|s| s.range.get_size().0 as u64 * s.range.get_size().1 as u64)
            .sum()
    }

    /// The sheet whose name matches `name` leniently (case, spaces, `ё`, look-alikes).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        let key = fold(name);
        self.sheets.iter().find(|s| fold(&s.name) == key)
    }
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The formats told apart by their bytes, each opened with its own reader so that reader's
/// error (a password, a limit) is the one reported: calamine's auto-detection tries them in
/// turn and reports only that none fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

thread_local! {
    /// Set while this thread is inside a reader, so the panic hook can keep quiet.
    static READING: Cell<bool> = const { Cell::new(false) };
}

/// Opens a workbook from its bytes, checking size, encryption and readability first.
///
/// The readers can panic on a malformed file (fuzzing found calamine slicing past the end
/// of a damaged .xls): such a panic is the file's fault, so it becomes this file's error,
/// not the end of the run.
pub fn open(bytes: &[u8], limits: Limits) -> Result<Workbook, OpenError> {
    READING.with(|r| r.set(true));
    let opened = std::panic::catch_unwind(|| open_unguarded(bytes, limits));
    READING.with(|r| r.set(false));
    opened.unwrap_or_else(|payload| {
        let reason = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        Err(damaged(format!("panic: {}", reason.unwrap_or_default())))
    })
}

/// Wraps the current panic hook so that panics [`open`] turns into a file's error print
/// nothing; every other panic still reaches the hook.
pub fn quiet_reader_panics() {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !READING.with(Cell::get) {
            hook(info);
        }
    }));
}

fn open_unguarded(bytes: &[u8], limits: Limits) -> Result<Workbook, OpenError> {
    let cursor = || Cursor::new(bytes);
    match sniff(bytes, limits)? {
        Format::Xlsx => {
            let mut book = calamine::Xlsx::new(cursor()).map_err(xlsx_error)?;
            let sheets = worksheets(&book, limits)?;
            let mut budget = Budget::new(limits.max_cells);
            let mut read = Vec::with_capacity(sheets.len());
            for (name, cells) in sheets {
                let range = if cells {
                    let mut reader = book.worksheet_cells_reader(&name).map_err(xlsx_error)?;
                    budget.read(&name, || reader.next_cell().map_err(xlsx_error))?
                } else {
                    Range::default()
                };
                read.push(Sheet { name, range });
            }
            Ok(Workbook { sheets: read })
        }
        Format::Xlsb => {
            let mut book = calamine::Xlsb::new(cursor()).map_err(xlsb_error)?;
            let sheets = worksheets(&book, limits)?;
            let mut budget = Budget::new(limits.max_cells);
            let mut read = Vec::with_capacity(sheets.len());
            for (name, cells) in sheets {
                let range = if cells {
                    let mut reader = book.worksheet_cells_reader(&name).map_err(xlsb_error)?;
                    budget.read(&name, || reader.next_cell().map_err(xlsb_error))?
                } else {
                    Range::default()
                };
                read.push(Sheet { name, range });
            }
            Ok(Workbook { sheets: read })
        }
        Format::Ods => {
            super::ods::check(bytes, limits.max_cells)?;
            laid_out(
                calamine::Ods::new(cursor()).map_err(ods_error)?,
                limits,
                ods_error,
            )
        }
        Format::Xls => {
            super::xls::check(bytes, limits.max_cells)?;
            laid_out(
                calamine::Xls::new(cursor()).map_err(xls_error)?,
                limits,
                xls_error,
            )
        }
    }
}

/// Which format the bytes hold, from the container and the parts inside it.
fn sniff(bytes: &[u8], limits: Limits) -> Result<Format, OpenError> {
    if bytes.is_empty() {
        return Err(OpenError::Empty);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Ok(Format::Xls);
    }
    if super::xls::is_old_biff(bytes) {
        return Err(OpenError::OldExcel);
    }
    if !bytes.starts_with(ZIP_MAGIC) {
        return Err(OpenError::NotASpreadsheet);
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(damaged)?;
    check_unpacked_size(&mut archive, limits.max_unpacked_bytes)?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has("xl/workbook.bin") {
        Ok(Format::Xlsb)
    } else if has("[Content_Types].xml") || has("xl/workbook.xml") {
        Ok(Format::Xlsx)
    } else if has("mimetype") || has("content.xml") {
        Ok(Format::Ods)
    } else {
        Err(OpenError::NotASpreadsheet)
    }
}

/// Sheet names in workbook order, each with whether it holds cells (a chart sheet has none),
/// refused when there are more than a form could need.
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(
    book: &R,
    limits: Limits,
) -> Result<Vec<(String, bool)>, OpenError> {
    let metadata = book.sheets_metadata();
    if metadata.len() > limits.max_sheets {
        return Err(OpenError::TooManySheets {
            count: metadata.len(),
            limit: limits.max_sheets,
        });
    }
    Ok(metadata
        .iter()
        .map(|m| (m.name.clone(), m.typ == calamine::SheetType::WorkSheet))
        .collect())
}

/// Every sheet of a reader that lays sheets out itself (ods, xls), once its bound is checked.
fn laid_out<RS, R, E>(
    mut book: R,
    limits: Limits,
    error: fn(E) -> OpenError,
) -> Result<Workbook, OpenError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS, Error = E>,
{
    let metadata = book.sheets_metadata().to_vec();
    if metadata.len() > limits.max_sheets {
        return Err(OpenError::TooManySheets {
            count: metadata.len(),
            limit: limits.max_sheets,
        });
    }
    let mut sheets = Vec::with_capacity(metadata.len());
    for meta in metadata {
        let range = book.worksheet_range(&meta.name).map_err(error)?;
        sheets.push(Sheet {
            name: meta.name,
            range,
        });
    }
    Ok(Workbook { sheets })
}
/// Rejects zip bombs: sums the declared unpacked sizes before anything is inflated.
fn check_unpacked_size(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    limit: u64,
) -> Result<(), OpenError> {
    // Sizes from the central directory: nothing is inflated here. A sum that does not fit
    // (or a size field at its maximum) is a lie no real table tells: `None`.
    let total = match archive.decompressed_size() {
        Some(total) => u64::try_from(total).ok(),
        None => (0..archive.len()).try_fold(0u64, |total, i| {
            total.checked_add(archive.by_index_raw(i).ok()?.size())
        }),
    };
    let total = total.filter(|t| *t < u64::MAX);
    if total.is_none_or(|t| t > limit) {
        return Err(OpenError::TooLarge {
            unpacked: total.map(|t| t / (1024 * 1024)),
            limit: limit / (1024 * 1024),
        });
    }
    Ok(())
}

/// The cells all sheets of a workbook span so far, checked as each filled cell is read:
/// one value at XFD1048576 would otherwise make a reader lay out billions of cells before
/// anything could look at them.
struct Budget {
    /// Cells the sheets already read span.
    earlier: u64,
    limit: u64,
}

impl Budget {
    fn new(limit: u64) -> Budget {
        Budget { earlier: 0, limit }
    }

    /// Reads one sheet's filled cells from `next` (in the one pass calamine itself would
    /// make) and lays them out, refusing the sheet at the first cell that takes the
    /// workbook's span past the limit.
    fn read<'a>(
        &mut self,
        sheet: &str,
        mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, OpenError>,
    ) -> Result<Range<Data>, OpenError> {
        let mut cells = Vec::new();
        let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
        while let Some(cell) = next()? {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            (first, last) = (
                (first.0.min(r), first.1.min(c)),
                (last.0.max(r), last.1.max(c)),
            );
            let span = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
            if self.earlier + span > self.limit {
                return Err(OpenError::SheetTooLarge {
                    sheet: sheet.to_string(),
                    cell: cell_name(r, c),
                    limit: self.limit,
                });
            }
            cells.push(calamine::Cell::new(
                (r, c),
                Data::from(cell.get_value().clone()),
            ));
        }
        let range = Range::from_sparse(cells);
        self.earlier += range.get_size().0 as u64 * range.get_size().1 as u64;
        Ok(range)
    }
}

/// Whether a reader's «unrecognised sheet type» is a sheet kind calamine cannot read
/// (Excel 4.0 macro sheets, dialog sheets of old workbooks).
fn is_sheet_kind(typ: &str) -> bool {
    matches!(typ, "sheet:type" | "BoundSheet8:dt")
}

fn xlsx_error(e: calamine::XlsxError) -> OpenError {
    match e {
        calamine::XlsxError::Password => OpenError::Encrypted,
        calamine::XlsxError::Unrecognized { typ, .. } if is_sheet_kind(typ) => {
            OpenError::MacroSheet
        }
        e => damaged(e),
    }
}

fn xlsb_error(e: calamine::XlsbError) -> OpenError {
    match e {
        calamine::XlsbError::Password => OpenError::Encrypted,
        calamine::XlsbError::Unrecognized { typ, .. } if is_sheet_kind(typ) => {
            OpenError::MacroSheet
        }
        e => damaged(e),
    }
}

fn ods_error(e: calamine::OdsError) -> OpenError {
    match e {
        calamine::OdsError::Password => OpenError::Encrypted,
        // A zip of another OpenDocument kind (a text, a presentation).
        calamine::OdsError::InvalidMime(_) | calamine::OdsError::FileNotFound(_) => {
            OpenError::NotASpreadsheet
        }
        e => damaged(e),
    }
}

fn xls_error(e: calamine::XlsError) -> OpenError {
    match e {
        calamine::XlsError::Password => OpenError::Encrypted,
        calamine::XlsError::Unrecognized { typ, .. } if is_sheet_kind(typ) => OpenError::MacroSheet,
        e => damaged(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_overflow_are_written_as_more_than_allowed() {
        let overflowed = OpenError::TooLarge {
            unpacked: None,
            limit: 200,
        }
        .to_string();
        assert!(
            overflowed
                .starts_with("файл распаковывается в объём больше допустимого (разрешено 200 МБ)"),
            "{overflowed}"
        );
        let plain = OpenError::TooLarge {
            unpacked: Some(64),
            limit: 10,
        }
        .to_string();
        assert!(
            plain.contains("распаковывается в 64 МБ, больше допустимых 10 МБ"),
            "{plain}"
        );
    }

    #[test]
    fn formats_are_told_apart_by_their_bytes() {
        let limits = Limits::default();
        assert_eq!(sniff(b"", limits), Err(OpenError::Empty));
        assert_eq!(
            sniff(b"<html><table></table></html>", limits),
            Err(OpenError::NotASpreadsheet)
        );
        // BIFF4: a BOF record (type 0x0409) at the start, no container.
        assert_eq!(
            sniff(&[0x09, 0x04, 6, 0, 0, 0, 0x10, 0, 0, 0], limits),
            Err(OpenError::OldExcel)
        );
        assert_eq!(sniff(CFB_MAGIC, limits), Ok(Format::Xls));
    }
}
