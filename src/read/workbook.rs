//! Opening a teacher's file: any format calamine reads, from bytes already in memory,
//! with the checks that keep a hostile or broken file from taking the program down.

use std::cell::Cell;
use std::io::Cursor;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

use super::text::fold;

/// Limits that bound the memory and time one file may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest total unpacked size of a zipped workbook (xlsx, ods), in bytes.
    pub max_unpacked_bytes: u64,
    /// Most sheets a workbook may have.
    pub max_sheets: usize,
    /// Most cells the used ranges (first to last filled cell) of all sheets may span together.
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_unpacked_bytes: 200 * 1024 * 1024, max_sheets: 255, max_cells: 20_000_000 }
    }
}

/// One sheet's used range, positions absolute (row 0 is the sheet's first row).
#[derive(Clone)]
pub struct Sheet {
    pub name: String,
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
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet whose name matches `name` leniently (case, spaces, `ё`, look-alikes).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        let key = fold(name);
        self.sheets.iter().find(|s| fold(&s.name) == key)
    }
}

/// Why a file could not be opened as a workbook; the message is for the teacher.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OpenError {
    #[error("файл пустой (0 байт): сохраните таблицу ещё раз и положите файл заново")]
    Empty,
    #[error("файл защищён паролем: снимите пароль (Файл → Сведения → Защита книги) и сохраните заново")]
    Encrypted,
    #[error("файл распаковывается в {unpacked} МБ, больше допустимых {limit} МБ: это не похоже на таблицу формы")]
    TooLarge { unpacked: u64, limit: u64 },
    #[error("в книге {0} листов, больше допустимых: оставьте только листы формы")]
    TooManySheets(usize),
    #[error(
        "лист «{sheet}» занимает {cells} ячеек (от первой заполненной до последней); вместе с другими листами книги это больше допустимых {limit}: удалите лишнее, например значения в далёких строках или столбцах"
    )]
    SheetTooLarge { sheet: String, cells: u64, limit: u64 },
    #[error("файл повреждён или это не таблица Excel/LibreOffice ({0}): откройте его в табличном редакторе и сохраните как .xlsx")]
    Unreadable(String),
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

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
        let reason = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned());
        Err(OpenError::Unreadable(short(&reason.unwrap_or_default())))
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
    if bytes.is_empty() {
        return Err(OpenError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        check_unpacked_size(bytes, limits.max_unpacked_bytes)?;
        // A zip that is not an .xlsx (an .ods) goes the general way below.
        if let Ok(xlsx) = calamine::Xlsx::new(Cursor::new(bytes)) {
            return read_xlsx(xlsx, limits);
        }
    } else if bytes.starts_with(CFB_MAGIC) {
        super::xls::check(bytes, limits.max_cells)?;
    }
    let mut reader = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| OpenError::Unreadable(short(&e.to_string())))?;
    let metadata = reader.sheets_metadata().to_vec();
    if metadata.len() > limits.max_sheets {
        return Err(OpenError::TooManySheets(metadata.len()));
    }
    let mut sheets = Vec::with_capacity(metadata.len());
    for meta in metadata {
        let range = reader.worksheet_range(&meta.name).map_err(|e| OpenError::Unreadable(short(&e.to_string())))?;
        sheets.push(Sheet { name: meta.name, range });
    }
    Ok(Workbook { sheets })
}

/// A reader's message cut to what fits in a teacher's problem line.
pub(super) fn short(message: &str) -> String {
    message.chars().take(120).collect()
}

/// Rejects zip bombs: sums the declared unpacked sizes before anything is inflated.
fn check_unpacked_size(bytes: &[u8], limit: u64) -> Result<(), OpenError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| OpenError::Unreadable(short(&e.to_string())))?;
    // Sizes from the central directory: nothing is inflated here.
    let total = match archive.decompressed_size() {
        Some(total) => u64::try_from(total).unwrap_or(u64::MAX),
        None => {
            let mut total: u64 = 0;
            for i in 0..archive.len() {
                let size = archive.by_index_raw(i).map(|f| f.size()).unwrap_or(u64::MAX);
                total = total.saturating_add(size);
            }
            total
        }
    };
    if total > limit {
        return Err(OpenError::TooLarge { unpacked: total / (1024 * 1024), limit: limit / (1024 * 1024) });
    }
    Ok(())
}

/// Reads an .xlsx cell by cell, in the one pass calamine itself would make, checking each
/// sheet's used range as it grows: one value at XFD1048576 would otherwise make calamine lay
/// out billions of cells before anything could look at them.
fn read_xlsx(mut xlsx: calamine::Xlsx<Cursor<&[u8]>>, limits: Limits) -> Result<Workbook, OpenError> {
    let names = xlsx.sheet_names();
    if names.len() > limits.max_sheets {
        return Err(OpenError::TooManySheets(names.len()));
    }
    let mut sheets = Vec::with_capacity(names.len());
    // All sheets are held at once, so the limit is on their sum.
    let mut earlier: u64 = 0;
    for name in names {
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(reader) => reader,
            // A chart sheet has no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => {
                sheets.push(Sheet { name, range: Range::default() });
                continue;
            }
            Err(e) => return Err(OpenError::Unreadable(short(&e.to_string()))),
        };
        let mut cells = Vec::new();
        let (mut first, mut last) = ((u32::MAX, u32::MAX), (0u32, 0u32));
        while let Some(cell) = reader.next_cell().map_err(|e| OpenError::Unreadable(short(&e.to_string())))? {
            if matches!(cell.get_value(), calamine::DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            (first, last) = ((first.0.min(r), first.1.min(c)), (last.0.max(r), last.1.max(c)));
            let span = u64::from(last.0 - first.0 + 1) * u64::from(last.1 - first.1 + 1);
            if earlier + span > limits.max_cells {
                return Err(OpenError::SheetTooLarge { sheet: name, cells: span, limit: limits.max_cells });
            }
            cells.push(calamine::Cell::new((r, c), Data::from(cell.get_value().clone())));
        }
        drop(reader);
        let range = Range::from_sparse(cells);
        earlier += range.get_size().0 as u64 * range.get_size().1 as u64;
        sheets.push(Sheet { name, range });
    }
    Ok(Workbook { sheets })
}
