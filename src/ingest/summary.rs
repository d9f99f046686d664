//! The result of a run and the Russian summary a methodologist reads at its end: one line
//! per file (a table on a wide console, a short block per file on a narrow one), what each
//! replacement changed in words, then every rejected file's errors, so nothing needs to be
//! looked up elsewhere.

use std::collections::BTreeSet;
use std::path::Path;

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use super::moves::{Beside, FIXED, beside_rejected};
use crate::definitions::Definitions;
use crate::forms::{Passport, RowCounts};
use crate::problem::{Problems, Severity, printable};
use crate::report::names::Words;
use crate::schema::Term;
use crate::store::Diff;
use crate::store::log::Outcome;

/// What happened to one file.
#[derive(Debug)]
pub struct FileReport {
    /// Path relative to the workspace.
    pub file: String,
    /// The file's SHA-256 (empty when it could not be read).
    pub sha256: String,
    /// Stored, replaced, duplicate or rejected.
    pub outcome: Outcome,
    /// A workbook's passport, when it could be read.
    pub passport: Option<Passport>,
    /// Rows read, stored, rejected and blank.
    pub counts: RowCounts,
    /// Rows a stored file added, removed and changed against the file it replaced.
    pub diff: Diff,
    /// Every problem found, with the warnings about other authors.
    pub problems: Problems,
    /// Where the file went, relative to the workspace.
    pub moved_to: String,
    /// For a school's package at the centre: its school and term.
    pub package: Option<(String, Term)>,
    /// The submission this file replaced, when it replaced one.
    pub replaced: Option<Replaced>,
    /// The annotated copy written beside a rejected file, relative to the workspace.
    pub annotated: Option<String>,
}

impl FileReport {
    /// A file's line with only its journey: nothing read, stored, found or replaced.
    pub(super) fn moved(
        file: String,
        sha256: String,
        outcome: Outcome,
        moved_to: String,
    ) -> FileReport {
        FileReport {
            file,
            sha256,
            outcome,
            passport: None,
            counts: RowCounts::default(),
            diff: Diff::default(),
            problems: Problems::default(),
            moved_to,
            package: None,
            replaced: None,
            annotated: None,
        }
    }
}

/// The earlier file of a submission key that a new file replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    /// The replaced file as it was named in the inbox.
    pub file: String,
    /// `Заполнил` as that file spelt it.
    pub author: String,
}

/// The result of one ingest run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Every file taken from the inbox, in the order the journal took them.
    pub files: Vec<FileReport>,
    /// Files left in the inbox, with the reason.
    pub skipped: Vec<(String, &'static str)>,
    /// (school, term) pairs whose data changed in this run.
    pub touched: BTreeSet<(String, Term)>,
    /// Rejected files moved to `rejected/исправлено/` because a corrected file was accepted.
    pub fixed: Vec<String>,
}

impl Summary {
    /// The number of files rejected.
    pub fn rejected(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.outcome == Outcome::Rejected)
            .count()
    }

    /// Adds a file's line; a stored file touches its school and term.
    pub(super) fn add(&mut self, report: FileReport) {
        let target = match (&report.passport, &report.package) {
            (Some(p), _) => Some((p.school_code.clone(), p.term)),
            (None, package) => package.clone(),
        };
        if let (true, Some(target)) = (report.outcome.commits(), target) {
            self.touched.insert(target);
        }
        self.files.push(report);
    }
}

/// Consoles narrower than this get one block per file instead of the table.
pub const TABLE_WIDTH: u16 = 100;

/// The summary table and the problems worth reading now. `width` is the console's width:
/// long lines are wrapped to it. `None` when the output is not a console (a log file, a
/// pipe): the table is made for [`TABLE_WIDTH`] and other lines are left whole.
pub fn render(summary: &Summary, definitions: &Definitions, width: Option<u16>) -> String {
    let mut out = String::new();
    for (file, reason) in &summary.skipped {
        out.push_str(&format!("{file}: {reason}\n"));
    }
    if summary.files.is_empty() {
        out.push_str("В папке inbox нет новых таблиц.\n");
        return out;
    }
    let mut files: Vec<&FileReport> = summary.files.iter().collect();
    files.sort_by(|a, b| a.file.cmp(&b.file));
    let words = Words::new(definitions);
    let console = width;
    let width = width.unwrap_or(TABLE_WIDTH);
    if width >= TABLE_WIDTH {
        out.push_str(&table(&files, &words, width));
    } else {
        for f in &files {
            out.push_str(&block(f, &words));
        }
    }
    let stored = summary.files.iter().filter(|f| f.outcome.commits()).count();
    let duplicates = summary
        .files
        .iter()
        .filter(|f| f.outcome == Outcome::Duplicate)
        .count();
    out.push_str(&format!(
        "Итого файлов: {}; загружено: {stored}; уже были загружены: {duplicates}; отклонено: {}.\n",
        summary.files.len(),
        summary.rejected()
    ));
    if !summary.fixed.is_empty() {
        out.push_str(&format!(
            "\nИсправленные файлы приняты; прежние отклонённые попытки перенесены в rejected/{}/: {}\n",
            FIXED,
            summary.fixed.len()
        ));
    }
    for f in files.iter().filter(|f| f.outcome == Outcome::Replaced) {
        out.push_str(&format!("\n{}\n", replacement(f)));
    }
    for f in files
        .iter()
        .filter(|f| f.outcome.commits() && f.problems.count(Severity::Warning) > 0)
    {
        out.push_str(&format!("\n{} — принят, предупреждения:\n", f.file));
        for p in f
            .problems
            .items
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .take(10)
        {
            out.push_str(&format!("  {p}\n"));
        }
    }
    for f in files.iter().filter(|f| f.outcome == Outcome::Rejected) {
        let list = beside_rejected(Path::new(&f.moved_to), Beside::ProblemList);
        let copy = f
            .annotated
            .as_ref()
            .map(|copy| format!("; копия с отмеченными ячейками: {copy}"))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n{} — отклонён. Список ошибок: {}{copy}\n",
            f.file,
            list.display()
        ));
        for p in f
            .problems
            .items
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .take(20)
        {
            out.push_str(&format!("  {p}\n"));
        }
        let more = f.problems.count(Severity::Error).saturating_sub(20);
        if more > 0 {
            out.push_str(&format!("  … и ещё ошибок: {more}\n"));
        }
    }
    match console {
        Some(width) => fit(&printable(&out), usize::from(width)),
        None => printable(&out),
    }
}

/// Wraps every line longer than the console at spaces, continuing it indented under its
/// start, so the console never breaks a word.
fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let indent = line.chars().take_while(|c| *c == ' ').count();
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let pad = " ".repeat(indent + 2);
        for (i, part) in wrap(line.trim_start(), width.saturating_sub(indent + 2).max(20))
            .iter()
            .enumerate()
        {
            out.push_str(if i == 0 { &pad[..indent] } else { &pad });
            out.push_str(part);
            out.push('\n');
        }
    }
    out
}

/// The console's width: the terminal's, else `COLUMNS` (set by whoever runs us in a pipe),
/// else `None`.
pub fn console_width() -> Option<u16> {
    Table::new()
        .width()
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
}

/// One row per file, with a legend for the short column names.
fn table(files: &[&FileReport], words: &Words, width: u16) -> String {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    table.set_header([
        "Файл",
        "Форма",
        "Школа, период",
        "Итог",
        "Строк",
        "Сохр.",
        "Откл.",
        "Пуст.",
        "Предупр.",
    ]);
    for f in files {
        let counts = f.counts;
        table.add_row([
            shown_name(f).to_string(),
            form_of(f, words),
            school_and_term(f),
            f.outcome.russian().to_string(),
            counts.read.to_string(),
            counts.stored.to_string(),
            counts.rejected.to_string(),
            counts.blank.to_string(),
            f.problems.count(Severity::Warning).to_string(),
        ]);
    }
    format!(
        "{table}\nСтрок — строк данных в файле; Сохр. — сохранено; Откл. — отклонено; Пуст. — пустых строк пропущено; Предупр. — предупреждений.\n"
    )
}

/// A file's line on a narrow console: its name and outcome, then what it is and its rows.
fn block(f: &FileReport, words: &Words) -> String {
    let mut what = Vec::new();
    let form = form_of(f, words);
    if !form.is_empty() {
        what.push(form);
    }
    let school = school_and_term(f);
    if !school.is_empty() {
        what.push(school);
    }
    let c = f.counts;
    if c.read > 0 {
        what.push(format!(
            "строк {}: сохранено {}, отклонено {}, пустых {}",
            c.read, c.stored, c.rejected, c.blank
        ));
    }
    let warnings = f.problems.count(Severity::Warning);
    if warnings > 0 {
        what.push(format!("предупреждений {warnings}"));
    }
    let mut text = format!("{} — {}\n", shown_name(f), f.outcome.russian());
    text.push_str(&format!("  {}\n", what.join("; ")));
    text
}

/// What a replacement changed, in words, and which spelling of the author each file used.
fn replacement(f: &FileReport) -> String {
    let d = f.diff;
    let Some(old) = &f.replaced else {
        return format!(
            "{}: заменил прежний файл; строк добавлено {}, удалено {}, изменено {}",
            f.file, d.added, d.removed, d.changed
        );
    };
    let mut text = format!(
        "{}: заменён файл {}: строк добавлено {}, удалено {}, изменено {}",
        f.file, old.file, d.added, d.removed, d.changed
    );
    let author = f
        .passport
        .as_ref()
        .map(|p| p.filled_by_text.as_str())
        .unwrap_or_default();
    if author != old.author {
        text.push_str(&format!(
            ". Автор записан иначе, чем в заменённом файле: «{author}» вместо «{}» — это один и тот же автор (фамилия и инициалы совпадают)",
            old.author
        ));
    }
    text
}

/// The file name without the `inbox/` every file shares.
fn shown_name(f: &FileReport) -> &str {
    f.file.strip_prefix("inbox/").unwrap_or(&f.file)
}

/// «2315-001, 1 четверть 2025/2026» from the passport of a workbook or a school's package.
fn school_and_term(f: &FileReport) -> String {
    match (&f.passport, &f.package) {
        (Some(p), _) => format!("{}, {}", p.school_code, p.term.russian()),
        (None, Some((school, term))) => format!("{school}, {}", term.russian()),
        (None, None) => String::new(),
    }
}

/// The form in words: a questionnaire by its title, a diagnostic by its name, with the wave.
fn form_of(f: &FileReport, words: &Words) -> String {
    match &f.passport {
        Some(p) => words.logged_form(p.form.code(), &p.key()),
        None if f.package.is_some() => "пакет школы".to_string(),
        None => String::new(),
    }
}

/// Splits text into lines of at most `width` characters at spaces; a longer word gets a
/// line of its own rather than being cut.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_continue_indented_under_their_start() {
        assert_eq!(
            fit("  один два три четыре пять шесть\nок\n", 24),
            "  один два три четыре\n    пять шесть\nок\n"
        );
    }

    #[test]
    fn wraps_at_spaces_and_never_cuts_a_word() {
        assert_eq!(
            wrap("строк 4: сохранено 4, отклонено 0", 12),
            ["строк 4:", "сохранено 4,", "отклонено 0"]
        );
        assert_eq!(wrap("оченьдлинноеслово а", 5), ["оченьдлинноеслово", "а"]);
    }
}
