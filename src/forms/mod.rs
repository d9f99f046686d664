//! Stage 3, validate: one module per form kind turns a workbook into records and problems.
//!
//! [`check`] identifies the form (by `Паспорт`, else by its data sheets), reads the passport,
//! runs the form's reader, and returns typed store frames plus every problem found.

pub mod attendance;
pub mod debug_text;
pub mod definition;
pub mod diagnostic;
pub mod passport;
pub mod questionnaire;
pub mod roster;
pub mod route;
pub mod sheet;
pub mod spec;
pub mod table;
pub mod text_column;

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;

use polars::prelude::*;

use crate::definitions::Definitions;
use crate::problem::{Problems, Rule};
use crate::read::text::fold;
use crate::read::workbook::Workbook;
use crate::schema::Table;
pub use passport::{Fallback, Passport};
use spec::SheetSpec;
pub use table::RowCounts;

/// The five kinds of workbook teachers fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormKind {
    /// «Состав участников»: who is tutored and who tutors; every other form's persons are
    /// checked against it.
    Roster,
    /// «Журнал посещаемости»: a tutor's events and who attended them.
    Attendance,
    /// «Анкета»: answers to one questionnaire of the definitions, in one wave.
    Questionnaire,
    /// «Диагностика»: a diagnostic's tasks and the students' results, in one wave.
    Diagnostic,
    /// «Индивидуальные маршруты»: each student's planned steps, their dates and outcomes.
    Route,
}

impl FormKind {
    /// Every form, in the order reports and the status list name them.
    pub const ALL: [FormKind; 5] = [
        FormKind::Roster,
        FormKind::Attendance,
        FormKind::Questionnaire,
        FormKind::Diagnostic,
        FormKind::Route,
    ];

    /// The code of the store, the CSV files and `Паспорт`'s fallback: `roster`.
    pub fn code(self) -> &'static str {
        match self {
            FormKind::Roster => "roster",
            FormKind::Attendance => "attendance",
            FormKind::Questionnaire => "questionnaire",
            FormKind::Diagnostic => "diagnostic",
            FormKind::Route => "route",
        }
    }

    /// The form's title as teachers see it on the blank and in every message.
    pub fn russian(self) -> &'static str {
        match self {
            FormKind::Roster => "Состав участников",
            FormKind::Attendance => "Журнал посещаемости",
            FormKind::Questionnaire => "Анкета",
            FormKind::Diagnostic => "Диагностика",
            FormKind::Route => "Индивидуальные маршруты",
        }
    }

    /// Reads the Russian name or the code.
    pub fn parse(s: &str) -> Option<FormKind> {
        let key = fold(s);
        FormKind::ALL
            .into_iter()
            .find(|f| fold(f.russian()) == key || f.code() == key)
    }

    /// The form's data sheets, in the blank's order; the first identifies the form when
    /// `Паспорт` does not name it.
    pub fn sheets(self) -> &'static [SheetSpec] {
        match self {
            FormKind::Roster => &[roster::SHEET],
            FormKind::Attendance => &[attendance::EVENTS, attendance::MARKS],
            FormKind::Questionnaire => &[questionnaire::SHEET],
            FormKind::Diagnostic => &[diagnostic::TASKS, diagnostic::RESULTS],
            FormKind::Route => &[route::SHEET],
        }
    }
}

/// IDs of each school's rosters, by (school code, first year of the school year).
pub type RosterIndex = HashMap<(String, i32), HashSet<String>>;

/// What validation may look up beyond the file itself.
pub struct Env<'a> {
    /// The rosters already stored, so a journal may name only the school's persons.
    pub rosters: &'a RosterIndex,
    /// The questionnaires and diagnostics a file's answers are checked against.
    pub definitions: &'a Definitions,
    /// School and term for a workbook without `Паспорт`: the command line's, then the
    /// configuration's `[school]` (`Session::fallback`).
    pub fallback: &'a Fallback,
}

/// [`Env`] narrowed to one file's school and year, as the form readers use it.
pub struct Context<'a> {
    /// IDs in the school's roster for the file's school year, if a roster is known.
    pub roster_ids: Option<&'a HashSet<String>>,
    /// The questionnaires and diagnostics a file's answers are checked against.
    pub definitions: &'a Definitions,
}

/// One store table's rows from one file.
#[derive(Debug, Clone)]
pub struct TableFrame {
    /// The store table the rows go to.
    pub table: Table,
    /// The rows, in the table's record columns ([`spec::frame`]).
    pub frame: DataFrame,
}

/// The outcome of validating one workbook.
#[derive(Debug, Default)]
pub struct Checked {
    /// The file's `Паспорт` (school, term, author...), `None` when it could not be read.
    pub passport: Option<Passport>,
    /// Valid rows only (rows with an error are left out).
    pub tables: Vec<TableFrame>,
    /// Rows read, kept and left out, for the journal and the summary.
    pub counts: RowCounts,
    /// Every problem found, errors and warnings, each naming its cell.
    pub problems: Problems,
}

/// Identifies and validates a workbook, collecting every problem.
pub fn check(workbook: &Workbook, env: &Env) -> Checked {
    let mut checked = Checked::default();
    let detected = detect(workbook);
    let (passport, storable) =
        match passport::read(workbook, detected, env.fallback, &mut checked.problems) {
            passport::Reading::Valid(passport) => (passport, true),
            passport::Reading::CheckOnly(passport) => (passport, false),
            passport::Reading::Unreadable => return checked,
        };
    let roster_ids = env
        .rosters
        .get(&(passport.school_code.clone(), passport.term.year));
    let ctx = &Context {
        roster_ids,
        definitions: env.definitions,
    };
    let problems = &mut checked.problems;
    let result = match passport.form {
        FormKind::Roster => roster::read(workbook, problems, &mut checked.counts),
        FormKind::Attendance => {
            attendance::read(workbook, &passport, ctx, problems, &mut checked.counts)
        }
        FormKind::Questionnaire => {
            questionnaire::read(workbook, &passport, ctx, problems, &mut checked.counts)
        }
        FormKind::Diagnostic => {
            diagnostic::read(workbook, &passport, ctx, problems, &mut checked.counts)
        }
        FormKind::Route => route::read(workbook, &passport, ctx, problems, &mut checked.counts),
    };
    match result {
        Ok(tables) => checked.tables = tables,
        Err(e) => checked
            .problems
            .rule(Rule::Internal)
            .file_error(format!("внутренняя ошибка при подготовке данных: {e}")),
    }
    if storable {
        checked.passport = Some(passport);
    } else {
        // Checked against a stand-in passport: every row is reported, none can be stored.
        checked.tables.clear();
        checked.counts.rejected += std::mem::take(&mut checked.counts.stored);
    }
    checked
}

/// The passport [`check`] keeps for a workbook (`None` when nothing can be stored under
/// it), read without the data sheets: ingest orders its commits by it before validating.
pub fn stored_passport(workbook: &Workbook, fallback: &Fallback) -> Option<Passport> {
    let detected = detect(workbook);
    match passport::read(workbook, detected, fallback, &mut Problems::default()) {
        passport::Reading::Valid(passport) => Some(passport),
        passport::Reading::CheckOnly(_) | passport::Reading::Unreadable => None,
    }
}

/// The form a workbook holds, by `Паспорт`'s `Форма`, else by its data sheets.
pub fn form_of(workbook: &Workbook) -> Option<FormKind> {
    passport::form_field(workbook).or_else(|| detect(workbook))
}

/// The form whose main data sheet the workbook has.
fn detect(workbook: &Workbook) -> Option<FormKind> {
    FormKind::ALL
        .into_iter()
        .find(|f| workbook.sheet(f.sheets()[0].name).is_some())
}

/// How a record of type `R` gives its value of one store column.
pub type FieldOf<R> = for<'r> fn(&'r R) -> spec::Field<'r>;

/// A record of a store table: its identity within one submission, for change reports.
pub trait Record: Debug {
    /// Appends what identifies the record (a person ID, an event code...; several values
    /// joined by `|`, [`push_joined`]).
    fn key(&self, out: &mut String);

    /// How a record gives the value of a store column (`None` for a column the record does
    /// not have): looked up by the column's name once per frame, then called for each
    /// record, rather than the name matched for every record.
    fn field(column: &str) -> Option<FieldOf<Self>>
    where
        Self: Sized;

    /// Appends what `format!("{self:?}")` writes, the text the record's digest hashes, by
    /// [`debug_text::DebugText`] (quicker than `Debug` on Russian text).
    fn debug_text(&self, out: &mut String);
}

/// Appends `parts` joined by `|`: the key of a record that several values identify.
pub fn push_joined(out: &mut String, parts: &[&str]) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('|');
        }
        out.push_str(part);
    }
}

/// Days since 1970-01-01: the physical value of a polars `Date`.
pub fn epoch_days(date: chrono::NaiveDate) -> i32 {
    (date - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date")).num_days() as i32
}

/// Dates as a polars `Date` column.
pub fn date_column(
    name: &str,
    dates: impl Iterator<Item = Option<chrono::NaiveDate>>,
) -> PolarsResult<Column> {
    let days: Vec<Option<i32>> = dates.map(|d| d.map(epoch_days)).collect();
    Column::new(name.into(), days).cast(&DataType::Date)
}
