//! Why an inbox file is refused whole, before any of its cells is checked: its one problem,
//! in the teacher's words. A file with cell problems is not refused here; its problems are
//! the validator's list.

use crate::package::PackageError;
use crate::problem::Problems;
use crate::read::error::OpenError;

/// Why a file cannot be taken at all. The message is what the teacher reads.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be read from disk.
    #[error("не удалось прочитать файл: {0}")]
    Unreadable(std::io::Error),
    /// The file is larger than `limits.max_file_mb`.
    #[error(
        "файл весит {} МБ, больше допустимых {} МБ (настройка limits.max_file_mb)",
        .size / (1024 * 1024),
        .limit / (1024 * 1024)
    )]
    TooLarge {
        /// The file's size, in bytes.
        size: u64,
        /// The largest size allowed, in bytes.
        limit: u64,
    },
    /// The bytes read for validation are not the ones hashed when the run began.
    #[error("файл изменился во время загрузки (его сохраняли или копировали): положите его снова и запустите загрузку ещё раз")]
    Changed,
    /// The file is not a workbook the readers can open.
    #[error(transparent)]
    Workbook(#[from] OpenError),
    /// A school's package dropped into a school's own inbox.
    #[error("это пакет школы для центра (.parquet): его загружают в рабочей папке центра, а не школы")]
    PackageAtSchool,
    /// A centre's package that is not a readable package.
    #[error(transparent)]
    Package(#[from] PackageError),
}

impl FileError {
    /// The file's problem list: this one error, and a reader's own words for the log.
    pub fn problems(&self) -> Problems {
        let mut problems = Problems::default();
        problems.file_error(self.to_string());
        if let FileError::Workbook(e) = self {
            problems.detail = e.detail().unwrap_or_default().to_string();
        }
        problems
    }
}
