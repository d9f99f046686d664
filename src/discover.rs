//! Stage 1, discover: the spreadsheets waiting in `inbox/` (any depth), and the files that
//! are skipped with a note (office lock files, hidden files, non-spreadsheets).

use std::path::{Path, PathBuf};

/// Extensions tutorstat reads: spreadsheets, and schools' packages (`.parquet`) at a centre.
pub const SPREADSHEET_EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xlsb", "xls", "ods", "parquet"];

/// What the inbox holds.
#[derive(Debug, Default)]
pub struct Found {
    /// Spreadsheets to process, in a stable order.
    pub files: Vec<PathBuf>,
    /// Files left alone, with the reason.
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Why a file is not a workbook to process, if it is not.
pub fn skip_reason(path: &Path) -> Option<&'static str> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with("~$") || (name.starts_with(".~lock.") && name.ends_with('#')) {
        return Some("файл блокировки офисной программы (таблица открыта у кого-то): пропущен");
    }
    if name.starts_with('.') {
        return Some("скрытый файл: пропущен");
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    if !SPREADSHEET_EXTENSIONS.contains(&ext.as_str()) {
        return Some("не таблица (нужен .xlsx, .xlsm, .xlsb, .xls или .ods): пропущен");
    }
    None
}

/// Walks `inbox` recursively; hidden folders are skipped whole.
pub fn inbox(inbox: &Path) -> anyhow::Result<Found> {
    let mut found = Found::default();
    let walker = walkdir::WalkDir::new(inbox)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e.file_type().is_dir()
                || !e.file_name().to_string_lossy().starts_with('.')
        });
    for entry in walker {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.into_path();
        match skip_reason(&path) {
            Some(reason) => found.skipped.push((path, reason)),
            None => found.files.push(path),
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_lock_hidden_and_foreign_files() {
        assert!(skip_reason(Path::new("~$журнал.xlsx")).is_some());
        assert!(skip_reason(Path::new(".~lock.журнал.ods#")).is_some());
        assert!(skip_reason(Path::new(".DS_Store")).is_some());
        assert!(skip_reason(Path::new("письмо.docx")).is_some());
        assert!(skip_reason(Path::new("журнал.XLSX")).is_none());
        assert!(skip_reason(Path::new("состав.ods")).is_none());
    }
}
