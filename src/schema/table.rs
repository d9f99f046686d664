//! The store's tables (`store/<table>/...`, and the `table` column of a package) and the
//! names of their columns.

use std::fmt;

/// A table of the store: one per kind of record a form holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// The roster's persons.
    Roster,
    /// The journal's events.
    Events,
    /// The journal's marks, one per person and event.
    Attendance,
    /// Questionnaire answers, one per respondent and item.
    Answers,
    /// A diagnostic's tasks.
    DiagTasks,
    /// A diagnostic's points, one per person and task.
    DiagResults,
    /// Route items.
    Route,
}

impl Table {
    /// Every table, in the order the store lists them.
    pub const ALL: [Table; 7] = [
        Table::Roster,
        Table::Events,
        Table::Attendance,
        Table::Answers,
        Table::DiagTasks,
        Table::DiagResults,
        Table::Route,
    ];

    /// The folder name of the store and the `table` column of a package: `diag_tasks`.
    pub fn code(self) -> &'static str {
        match self {
            Table::Roster => "roster",
            Table::Events => "events",
            Table::Attendance => "attendance",
            Table::Answers => "answers",
            Table::DiagTasks => "diag_tasks",
            Table::DiagResults => "diag_results",
            Table::Route => "route",
        }
    }

    /// The table of a code.
    pub fn parse(code: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The columns of its records, besides the [`column::SOURCE`] every row carries.
    pub fn record_columns(self) -> &'static [&'static str] {
        use column::*;
        match self {
            Table::Roster => &[
                ID,
                FULL_NAME,
                ROLE,
                CLASS,
                SUBJECT,
                EXPERIENCE_YEARS,
                TUTOR_ID,
            ],
            Table::Events => &[EVENT_ID, DATE, KIND, TOPIC, HOURS, LEVEL],
            Table::Attendance => &[PERSON_ID, EVENT_ID, MARK],
            Table::Answers => &[RESPONDENT_ID, RESPONDENT, ITEM, VALUE_NUM, VALUE_TEXT],
            Table::DiagTasks => &[TASK, MAX_SCORE, TOPIC_CODE, TOPIC],
            Table::DiagResults => &[PERSON_ID, TASK, POINTS],
            Table::Route => &[
                ID, GOAL, ACTIVITY, LEVEL, NOMINATION, DUE, STATUS, RESULT, EVIDENCE,
            ],
        }
    }

    /// The column naming the person of a record, in the tables where two authors may send
    /// a record for the same person (workflow.md: the later file wins).
    pub fn person_column(self) -> Option<&'static str> {
        match self {
            Table::Roster | Table::Route => Some(column::ID),
            Table::Answers => Some(column::RESPONDENT_ID),
            Table::DiagResults => Some(column::PERSON_ID),
            Table::Events | Table::Attendance | Table::DiagTasks => None,
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Column names of the store and of the long table of indicators.
pub mod column {
    /// Columns every store row carries: where it comes from (the passport and the file).
    pub const SOURCE: [&str; 15] = [
        TERM,
        SCHOOL_YEAR,
        PERIOD,
        SCHOOL_CODE,
        SCHOOL_NAME,
        MUNICIPALITY,
        AUTHOR,
        FILLED_ON,
        FORM_VERSION,
        INSTRUMENT,
        WAVE,
        SUBJECT,
        SOURCE_FILE,
        SOURCE_SHA256,
        SEQ,
    ];

    /// Columns of the long table of indicators.md, in order.
    pub const LONG: [&str; 8] = [
        TERM,
        SCOPE,
        MUNICIPALITY,
        SCHOOL_CODE,
        ENTITY,
        GROUP,
        INDICATOR,
        VALUE,
    ];

    // Source columns.
    /// The term a row belongs to, as its label (`2025/2026 Q1`).
    pub const TERM: &str = "term";
    /// The first calendar year of the school year (2025 for 2025/2026): what a year's data is read
    /// by.
    pub const SCHOOL_YEAR: &str = "school_year";
    /// The period of the year (`Q1` ... `H2`, `Y`), as `schema::Period` codes it.
    pub const PERIOD: &str = "period";
    /// The school's `Код ОО` from `Паспорт`: the partition and the unit of every school figure.
    pub const SCHOOL_CODE: &str = "school_code";
    /// The school's name as `Паспорт` gives it, for the reports' titles.
    pub const SCHOOL_NAME: &str = "school_name";
    /// The school's municipality from `Паспорт`: the centre pools its schools by it.
    pub const MUNICIPALITY: &str = "municipality";
    /// Who filled the file in (`Паспорт`): two authors' files of one form are two submissions.
    pub const AUTHOR: &str = "author";
    /// The date `Паспорт` says the file was filled in, if it says.
    pub const FILLED_ON: &str = "filled_on";
    /// The blank's version from `Паспорт`.
    pub const FORM_VERSION: &str = "form_version";
    /// The questionnaire's or diagnostic's code; empty for the other forms.
    pub const INSTRUMENT: &str = "instrument";
    /// The wave (`start`, `mid`, `final`) of a questionnaire or diagnostic; empty otherwise.
    pub const WAVE: &str = "wave";
    /// A diagnostic's subject (`Паспорт`), or a teacher's subject in the roster.
    pub const SUBJECT: &str = "subject";
    /// The name of the file the row came from, as it was dropped in `inbox/`.
    pub const SOURCE_FILE: &str = "source_file";
    /// The SHA-256 of that file: the link to the ingest log and the archive.
    pub const SOURCE_SHA256: &str = "source_sha256";
    /// The submission's sequence number: a later file wins.
    pub const SEQ: &str = "seq";

    // A record's identity, set by the form reader.
    /// The record key built from raw IDs.
    pub const KEY: &str = "_key";
    /// The digest of a record's content, to tell changed records.
    pub const DIGEST: &str = "_digest";
    /// The row of the sheet the record was read from (1-based, as Excel shows it).
    pub const SOURCE_ROW: &str = "source_row";

    // Record columns.
    /// A person's ID in the roster (`У-1`, `Т-1`): the only way a person is named outside the
    /// school's own lists.
    pub const ID: &str = "id";
    /// A person's full name; it never leaves the school.
    pub const FULL_NAME: &str = "full_name";
    /// A person's role in the programme (`schema::Role` code).
    pub const ROLE: &str = "role";
    /// A learner's class (`9А`).
    pub const CLASS: &str = "class";
    /// A staff member's years of experience.
    pub const EXPERIENCE_YEARS: &str = "experience_years";
    /// The ID of the tutor a learner or mentee is assigned to.
    pub const TUTOR_ID: &str = "tutor_id";
    /// An event's code in a journal: the header of its column of marks.
    pub const EVENT_ID: &str = "event_id";
    /// The date of an event.
    pub const DATE: &str = "date";
    /// The kind of an event, a word of the journal's list («заседание клуба»...): club meetings
    /// count against the club norm.
    pub const KIND: &str = "kind";
    /// An event's topic, or the topic (skill) a diagnostic task checks.
    pub const TOPIC: &str = "topic";
    /// An event's length in hours.
    pub const HOURS: &str = "hours";
    /// An event's level (school, municipal, regional).
    pub const LEVEL: &str = "level";
    /// The ID of the person a mark, answer, score or route step is about.
    pub const PERSON_ID: &str = "person_id";
    /// An attendance mark (`schema::Mark` code).
    pub const MARK: &str = "mark";
    /// The respondent's ID as the questionnaire gives it; empty when anonymous.
    pub const RESPONDENT_ID: &str = "respondent_id";
    /// The respondent's ID, or `#<row>` for an anonymous one.
    pub const RESPONDENT: &str = "respondent";
    /// A questionnaire item's code.
    pub const ITEM: &str = "item";
    /// An answer on a numeric scale.
    pub const VALUE_NUM: &str = "value_num";
    /// An answer chosen from a list or typed as text.
    pub const VALUE_TEXT: &str = "value_text";
    /// A diagnostic task's number.
    pub const TASK: &str = "task";
    /// The most points a diagnostic task gives.
    pub const MAX_SCORE: &str = "max_score";
    /// The code of the topic a diagnostic task checks: results are summed by it.
    pub const TOPIC_CODE: &str = "topic_code";
    /// The points a learner scored on a task.
    pub const POINTS: &str = "points";
    /// A route step's goal.
    pub const GOAL: &str = "goal";
    /// A route step's activity (a course, an olympiad...).
    pub const ACTIVITY: &str = "activity";
    /// The nomination an achievement was won in.
    pub const NOMINATION: &str = "nomination";
    /// The date a route step is due: a planned step past it is overdue.
    pub const DUE: &str = "due";
    /// A route step's status (`schema::Status` code).
    pub const STATUS: &str = "status";
    /// A route step's result (`schema::RouteResult` code): prize-winner and winner are
    /// achievements.
    pub const RESULT: &str = "result";
    /// What confirms a route step's result (a certificate, a link).
    pub const EVIDENCE: &str = "evidence";

    // Long-table columns besides the source ones.
    /// Whose figure a long-table row is (`schema::Scope` code).
    pub const SCOPE: &str = "scope";
    /// A person's ID in a person-scope row; empty otherwise.
    pub const ENTITY: &str = "entity";
    /// What part of the indicator a row is (a competency, a wave, a level, a topic); empty for the
    /// whole.
    pub const GROUP: &str = "group";
    /// The indicator's code (`schema::Indicator`).
    pub const INDICATOR: &str = "indicator";
    /// The figure, in the indicator's unit.
    pub const VALUE: &str = "value";
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tables_read_back_and_columns_are_unique() {
        for t in Table::ALL {
            assert_eq!(Table::parse(t.code()), Some(t));
            let columns: HashSet<&str> = t
                .record_columns()
                .iter()
                .chain(column::SOURCE.iter())
                .copied()
                .collect();
            // `subject` is both a source column (the passport's) and a roster column.
            let expected =
                t.record_columns().len() + column::SOURCE.len() - usize::from(t == Table::Roster);
            assert_eq!(columns.len(), expected, "{t}");
        }
        assert_eq!(Table::parse("diag_tasks"), Some(Table::DiagTasks));
        assert_eq!(Table::parse("Roster"), None);
    }
}
