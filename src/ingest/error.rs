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
    #[error(
        "файл изменился во время загрузки (его сохраняли или копировали): положите его снова и запустите загрузку ещё раз"
    )]
    Changed,
    /// The file is not a workbook the readers can open.
    #[error(transparent)]
    Workbook(#[from] OpenError),
    /// A school's package dropped into a school's own inbox.
    #[error(
        "это пакет школы для центра (.parquet): его загружают в рабочей папке центра, а не школы"
    )]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_reads_as_the_teacher_has_always_read_it() {
        let too_large = FileError::TooLarge {
            size: 31 * 1024 * 1024 + 5,
            limit: 30 * 1024 * 1024,
        };
        assert_eq!(
            too_large.to_string(),
            "файл весит 31 МБ, больше допустимых 30 МБ (настройка limits.max_file_mb)"
        );
        let unreadable = FileError::Unreadable(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "отказано",
        ));
        assert_eq!(
            unreadable.to_string(),
            "не удалось прочитать файл: отказано"
        );
        let version = FileError::from(PackageError::Version { found: 7 });
        assert_eq!(
            version.to_string(),
            "пакет версии 7, а программа читает версию 1: обновите tutorstat"
        );
        let schools = FileError::from(PackageError::SeveralSchools(vec![
            "2315-001".into(),
            "2341-012".into(),
        ]));
        assert_eq!(
            schools.to_string(),
            "в пакете данные нескольких школ (2315-001, 2341-012): один пакет — одна школа"
        );
    }

    #[test]
    fn only_a_reader_error_keeps_the_readers_own_words_for_the_log() {
        let damaged = FileError::from(OpenError::Damaged {
            detail: "invalid zip header".into(),
        })
        .problems();
        assert_eq!(
            (
                damaged.count(crate::problem::Severity::Error),
                damaged.detail.as_str()
            ),
            (1, "invalid zip header")
        );
        let changed = FileError::Changed.problems();
        assert_eq!(
            (
                changed.count(crate::problem::Severity::Error),
                changed.detail.as_str()
            ),
            (1, "")
        );
    }
}
