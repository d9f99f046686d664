//! The problem list a teacher reads: written beside a rejected file as `<name>.ошибки.txt`
//! and printed by `check`.

use crate::problem::{Problems, Severity};

/// The problem list of `file`: errors first, then warnings and notes.
pub fn problems_text(file: &str, problems: &Problems) -> String {
    let mut text = format!(
        "Файл: {file}\nОшибок: {}, предупреждений: {}\n\n",
        problems.count(Severity::Error),
        problems.count(Severity::Warning)
    );
    let mut items: Vec<_> = problems.items.iter().collect();
    items.sort_by_key(|p| p.severity);
    for p in items {
        text.push_str(&format!("{p}\n"));
    }
    if problems.unlisted() > 0 {
        let more = crate::russian::plural(
            problems.unlisted() as u64,
            "замечание",
            "замечания",
            "замечаний",
        );
        text.push_str(&format!(
            "… и ещё {more}: исправьте показанные и проверьте файл снова.\n"
        ));
    }
    if problems.has_errors() {
        text.push_str("\nИсправьте ошибки в файле и передайте его методисту.\n");
    }
    crate::problem::printable(&text)
}
