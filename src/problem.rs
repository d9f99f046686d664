//! Problems found in a teacher's file: what is wrong, where, and what is expected.
//!
//! Every reader and validator reports through [`Problems`], which collects all of them
//! instead of stopping at the first, so a teacher fixes a file in one pass.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// Whether a problem stops the file from being stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file (or the row, for a row rule) is not stored until it is corrected.
    Error,
    /// Stored all the same; the teacher is told what looks wrong.
    Warning,
    /// Informational: skipped rows, totals, hidden rows.
    Note,
}

impl Severity {
    /// The severity as the problem list and the annotated copy write it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "ошибка",
            Severity::Warning => "предупреждение",
            Severity::Note => "замечание",
        }
    }
}

/// The rule a problem breaks: a stable code beside the Russian text, so tests and tools can
/// tell problems apart without matching words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Not classified yet (a file that cannot be opened, ingest decisions).
    Other,
    /// No `Паспорт`, and the form or the school and term cannot be known without it.
    NoPassport,
    /// A `Паспорт` field the form needs is empty, or its row is missing.
    PassportField,
    /// A `Паспорт` field's value is not one it allows.
    PassportValue,
    /// A sheet the form needs is missing.
    MissingSheet,
    /// No header row could be found on a data sheet.
    NoHeader,
    /// A required column is missing from the header row.
    MissingColumn,
    /// A column the form does not know (kept out).
    UnknownColumn,
    /// A total row (`Итого`), skipped.
    TotalRow,
    /// A value was normalised (case, spaces, look-alike letters...).
    Normalised,
    /// A required cell is empty.
    Required,
    /// A value outside a closed list.
    ClosedList,
    /// A cell that should hold a number does not.
    Number,
    /// A number outside what its column allows.
    NumberRange,
    /// A cell that should hold a date (or a month) does not.
    Date,
    /// A key repeated within a sheet.
    DuplicateKey,
    /// A person ID that is not in the school's roster.
    UnknownPerson,
    /// A roster's `Тьютор (ID)` that names no tutor of the roster.
    TutorLink,
    /// A learner without a class.
    LearnerClass,
    /// An event date outside the file's school year.
    SchoolYear,
    /// A route result on a step that is not done (or whose status is unreadable).
    ResultStatus,
    /// An attendance mark that is not one of the form's.
    Mark,
    /// A diagnostic score outside 0..maximum, or not a number.
    Score,
    /// A questionnaire answer outside its item's scale.
    Answer,
    /// A questionnaire row without the ID a named questionnaire needs.
    RespondentId,
    /// The passport names a questionnaire that is not defined.
    UnknownQuestionnaire,
    /// A questionnaire definition's own rule (a code usable as a file name, a likert item's
    /// range and competency, a choice item's list...).
    Definition,
    /// The program failed to prepare valid data (a bug, never the teacher's mistake).
    Internal,
}

impl Rule {
    /// The rule's code, for machines (never shown to teachers).
    pub fn code(self) -> &'static str {
        match self {
            Rule::Other => "other",
            Rule::NoPassport => "no-passport",
            Rule::PassportField => "passport-field",
            Rule::PassportValue => "passport-value",
            Rule::MissingSheet => "missing-sheet",
            Rule::NoHeader => "no-header",
            Rule::MissingColumn => "missing-column",
            Rule::UnknownColumn => "unknown-column",
            Rule::TotalRow => "total-row",
            Rule::Normalised => "normalised",
            Rule::Required => "required",
            Rule::ClosedList => "closed-list",
            Rule::Number => "number",
            Rule::NumberRange => "number-range",
            Rule::Date => "date",
            Rule::DuplicateKey => "duplicate-key",
            Rule::UnknownPerson => "unknown-person",
            Rule::TutorLink => "tutor-link",
            Rule::LearnerClass => "learner-class",
            Rule::SchoolYear => "school-year",
            Rule::ResultStatus => "result-status",
            Rule::Mark => "mark",
            Rule::Score => "score",
            Rule::Answer => "answer",
            Rule::RespondentId => "respondent-id",
            Rule::UnknownQuestionnaire => "unknown-questionnaire",
            Rule::Definition => "definition",
            Rule::Internal => "internal",
        }
    }
}

/// One problem, located as precisely as the file allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Whether the problem stops the file, warns or only informs.
    pub severity: Severity,
    /// The rule broken.
    pub rule: Rule,
    /// Sheet name as written in the file, empty for problems of the whole file.
    pub sheet: String,
    /// Zero-based (row, column) of the cell, if the problem concerns one cell.
    pub cell: Option<(u32, u32)>,
    /// The value as found, empty if none.
    pub found: String,
    /// What is wrong and what is expected, in Russian.
    pub message: String,
}

impl Problem {
    /// The cell as Excel names it (`C17`), or empty.
    pub fn cell_ref(&self) -> String {
        self.cell.map(|(r, c)| cell_name(r, c)).unwrap_or_default()
    }

    /// Zero-based row of the problem, if it concerns a cell.
    pub fn row(&self) -> Option<u32> {
        self.cell.map(|(r, _)| r)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity.label())?;
        if !self.sheet.is_empty() {
            write!(f, "лист «{}»", self.sheet)?;
            if self.cell.is_some() {
                write!(f, ", ячейка {}", self.cell_ref())?;
            }
            write!(f, ": ")?;
        }
        if !self.found.is_empty() {
            write!(f, "значение «{}»: ", self.found)?;
        }
        write!(f, "{}", self.message)
    }
}

/// Excel's name of a zero-based cell: (16, 2) -> `C17`.
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// Excel's letters of a zero-based column: 0 -> `A`, 27 -> `AB`.
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Text for a terminal or a text file: control characters (other than line breaks) from file
/// names and cells are shown escaped, so a name like `\u{1b}[2J` cannot drive the terminal.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Most problems kept to show a teacher: beyond this, a file is wrong throughout (a million
/// junk rows), one more screen of the same message helps nobody, and keeping them all would
/// take memory in proportion. Counts and row accounting stay complete.
pub const MAX_LISTED: usize = 10_000;

/// The problems of one file, collected in the order found.
#[derive(Debug, Default, Clone)]
pub struct Problems {
    /// The first [`MAX_LISTED`] problems, in the order found.
    pub items: Vec<Problem>,
    /// Every problem counted by severity, listed or not.
    counts: [usize; 3],
    /// Rows carrying an error, by sheet, for every error listed or not.
    error_rows: HashMap<String, BTreeSet<u32>>,
    /// A reader's own words on why the file could not be read: for the ingest log, never
    /// shown to a teacher (they are English and technical).
    pub detail: String,
}

impl Problems {
    /// Reports problems that break `rule`: `problems.rule(Rule::Mark).error(...)`.
    pub fn rule(&mut self, rule: Rule) -> Report<'_> {
        Report {
            problems: self,
            rule,
        }
    }

    /// A problem of the whole file (not of a cell), of no classified rule.
    pub fn file_error(&mut self, message: impl Into<String>) {
        self.rule(Rule::Other).file_error(message);
    }

    /// An error in a cell, of no classified rule.
    pub fn error(
        &mut self,
        sheet: &str,
        cell: (u32, u32),
        found: &str,
        message: impl Into<String>,
    ) {
        self.rule(Rule::Other).error(sheet, cell, found, message);
    }

    /// A warning, of no classified rule.
    pub fn warning(
        &mut self,
        sheet: &str,
        cell: Option<(u32, u32)>,
        found: &str,
        message: impl Into<String>,
    ) {
        self.rule(Rule::Other).warning(sheet, cell, found, message);
    }

    /// An error of a whole sheet, of no classified rule.
    pub fn sheet_error(&mut self, sheet: &str, message: impl Into<String>) {
        self.rule(Rule::Other).sheet_error(sheet, message);
    }

    fn push(
        &mut self,
        rule: Rule,
        severity: Severity,
        sheet: &str,
        cell: Option<(u32, u32)>,
        found: &str,
        message: impl Into<String>,
    ) {
        self.counts[severity as usize] += 1;
        if let (Severity::Error, Some((row, _))) = (severity, cell) {
            self.error_rows
                .entry(sheet.to_string())
                .or_default()
                .insert(row);
        }
        if self.items.len() >= MAX_LISTED {
            return;
        }
        self.items.push(Problem {
            severity,
            rule,
            sheet: sheet.to_string(),
            cell,
            found: found.chars().take(80).collect(),
            message: message.into(),
        });
    }

    /// Problems of a severity, the unlisted ones included.
    pub fn count(&self, severity: Severity) -> usize {
        self.counts[severity as usize]
    }

    /// Whether the file must be rejected.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Problems found beyond those listed in [`Problems::items`].
    pub fn unlisted(&self) -> usize {
        self.counts.iter().sum::<usize>() - self.items.len()
    }

    /// Zero-based rows of `sheet` that carry at least one error.
    pub fn error_rows(&self, sheet: &str) -> BTreeSet<u32> {
        self.error_rows.get(sheet).cloned().unwrap_or_default()
    }
}

/// [`Problems`] reporting under one rule.
pub struct Report<'a> {
    problems: &'a mut Problems,
    rule: Rule,
}

impl Report<'_> {
    /// A problem of the whole file (not of a cell).
    pub fn file_error(self, message: impl Into<String>) {
        self.problems
            .push(self.rule, Severity::Error, "", None, "", message);
    }

    /// An error in one cell, with the value found there.
    pub fn error(self, sheet: &str, cell: (u32, u32), found: &str, message: impl Into<String>) {
        self.problems.push(
            self.rule,
            Severity::Error,
            sheet,
            Some(cell),
            found,
            message,
        );
    }

    /// A warning, of one cell or of a whole sheet, with the value found.
    pub fn warning(
        self,
        sheet: &str,
        cell: Option<(u32, u32)>,
        found: &str,
        message: impl Into<String>,
    ) {
        self.problems
            .push(self.rule, Severity::Warning, sheet, cell, found, message);
    }

    /// A note: something skipped or worked around, not wrong.
    pub fn note(self, sheet: &str, cell: Option<(u32, u32)>, message: impl Into<String>) {
        self.problems
            .push(self.rule, Severity::Note, sheet, cell, "", message);
    }

    /// An error of a whole sheet (a missing column, an empty sheet).
    pub fn sheet_error(self, sheet: &str, message: impl Into<String>) {
        self.problems
            .push(self.rule, Severity::Error, sheet, None, "", message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cells_the_way_excel_does() {
        assert_eq!(cell_name(16, 2), "C17");
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }
}
