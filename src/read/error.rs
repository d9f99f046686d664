//! Why a file could not be opened as a workbook, in the teacher's words: the error every
//! format reader (`workbook`, `xls`, `ods`) returns.

use crate::russian::{grouped, plural};

/// Why a file could not be opened as a workbook. The message is for the teacher and says
/// what to do; a reader's own (English) words travel only in [`OpenError::detail`].
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OpenError {
    /// The file has no bytes (a copy or a save that failed).
    #[error("файл пустой (0 байт): сохраните таблицу ещё раз и положите файл заново")]
    Empty,
    /// The workbook is encrypted with a password: no cell can be read without it.
    #[error(
        "файл защищён паролем: откройте его, снимите пароль (в Excel: Файл → Сведения → Защитить книгу → Зашифровать с использованием пароля, поле очистить; в LibreOffice: Файл → Свойства → Безопасность) и сохраните заново"
    )]
    Encrypted,
    /// Excel 2–4 (a bare BIFF2–4 stream), which no reader here understands.
    #[error(
        "файл сохранён в очень старом формате Excel (версии 2–4, до 1995 года), его прочитать нельзя: откройте его в Excel или LibreOffice и сохраните как .xlsx"
    )]
    OldExcel,
    /// An Excel 4.0 macro sheet, which calamine cannot read.
    #[error(
        "в книге есть лист макросов Excel 4.0, такие листы прочитать нельзя: удалите этот лист (или скопируйте листы формы в новую книгу) и сохраните как .xlsx"
    )]
    MacroSheet,
    /// Neither an Office or OpenDocument zip nor an OLE container.
    #[error(
        "это не таблица Excel или LibreOffice (нужен .xlsx, .xlsm, .xlsb, .xls или .ods): откройте файл в табличном редакторе и сохраните как .xlsx"
    )]
    NotASpreadsheet,
    /// The workbook unpacks to more than any form needs: a zip bomb or not a form.
    #[error("{}: это не похоже на таблицу формы", unpacked_size(.unpacked, *.limit))]
    TooLarge {
        /// The unpacked size, when the archive declares it.
        unpacked: Option<u64>,
        /// The most bytes a workbook may unpack to.
        limit: u64,
    },
    /// More sheets than any form has.
    #[error("в книге {}, больше допустимых {limit}: оставьте только листы формы", plural(*.count as u64, "лист", "листа", "листов"))]
    TooManySheets {
        /// Sheets in the workbook.
        count: usize,
        /// The most sheets a workbook may have.
        limit: usize,
    },
    /// A value far from the table makes the sheets span more cells than allowed.
    #[error(
        "на листе «{sheet}» есть значение в ячейке {cell}, далеко за таблицей: с ним книга занимает больше {} ячеек (от первой заполненной до последней), столько не нужно ни одной форме. Удалите это значение и другие далёкие от таблицы (или строки и столбцы с ними) и сохраните файл", grouped(*.limit)
    )]
    SheetTooLarge {
        /// The sheet with the far value.
        sheet: String,
        /// The far cell (`IV65536`).
        cell: String,
        /// The most cells the sheets may span together.
        limit: u64,
    },
    /// A workbook of a known format whose reader failed: truncated or corrupted.
    #[error(
        "файл повреждён: его не удаётся прочитать как таблицу (возможно, он сохранён не до конца или испорчен при пересылке). Откройте его в Excel или LibreOffice, сохраните как .xlsx и положите снова"
    )]
    Damaged {
        /// The reader's own words, for the ingest log only.
        detail: String,
    },
}

impl OpenError {
    /// The reader's own words, for the ingest log (never for the teacher).
    pub fn detail(&self) -> Option<&str> {
        match self {
            OpenError::Damaged { detail } => Some(detail),
            _ => None,
        }
    }
}

/// «файл распаковывается в 64 МБ, больше допустимых 10 МБ», or, when the declared sizes
/// overflowed, «…в объём больше допустимого (разрешено 10 МБ)» instead of a meaningless number.
fn unpacked_size(unpacked: &Option<u64>, limit: u64) -> String {
    match unpacked {
        Some(mb) => format!(
            "файл распаковывается в {} МБ, больше допустимых {} МБ",
            grouped(*mb),
            grouped(limit)
        ),
        None => format!(
            "файл распаковывается в объём больше допустимого (разрешено {} МБ)",
            grouped(limit)
        ),
    }
}

/// A reader's error as a file's error: its text, cut to a log line's length, kept as detail.
pub(super) fn damaged(error: impl std::fmt::Display) -> OpenError {
    OpenError::Damaged {
        detail: error.to_string().chars().take(300).collect(),
    }
}
