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
    pub const TERM: &str = "term";
    pub const SCHOOL_YEAR: &str = "school_year";
    pub const PERIOD: &str = "period";
    pub const SCHOOL_CODE: &str = "school_code";
    pub const SCHOOL_NAME: &str = "school_name";
    pub const MUNICIPALITY: &str = "municipality";
    pub const AUTHOR: &str = "author";
    pub const FILLED_ON: &str = "filled_on";
    pub const FORM_VERSION: &str = "form_version";
    pub const INSTRUMENT: &str = "instrument";
    pub const WAVE: &str = "wave";
    pub const SUBJECT: &str = "subject";
    pub const SOURCE_FILE: &str = "source_file";
    pub const SOURCE_SHA256: &str = "source_sha256";
    /// The submission's sequence number: a later file wins.
    pub const SEQ: &str = "seq";

    // A record's identity, set by the form reader.
    /// The record key built from raw IDs.
    pub const KEY: &str = "_key";
    /// The digest of a record's content, to tell changed records.
    pub const DIGEST: &str = "_digest";
    pub const SOURCE_ROW: &str = "source_row";

    // Record columns.
    pub const ID: &str = "id";
    pub const FULL_NAME: &str = "full_name";
    pub const ROLE: &str = "role";
    pub const CLASS: &str = "class";
    pub const EXPERIENCE_YEARS: &str = "experience_years";
    pub const TUTOR_ID: &str = "tutor_id";
    pub const EVENT_ID: &str = "event_id";
    pub const DATE: &str = "date";
    pub const KIND: &str = "kind";
    pub const TOPIC: &str = "topic";
    pub const HOURS: &str = "hours";
    pub const LEVEL: &str = "level";
    pub const PERSON_ID: &str = "person_id";
    pub const MARK: &str = "mark";
    pub const RESPONDENT_ID: &str = "respondent_id";
    /// The respondent's ID, or `#<row>` for an anonymous one.
    pub const RESPONDENT: &str = "respondent";
    pub const ITEM: &str = "item";
    pub const VALUE_NUM: &str = "value_num";
    pub const VALUE_TEXT: &str = "value_text";
    pub const TASK: &str = "task";
    pub const MAX_SCORE: &str = "max_score";
    pub const TOPIC_CODE: &str = "topic_code";
    pub const POINTS: &str = "points";
    pub const GOAL: &str = "goal";
    pub const ACTIVITY: &str = "activity";
    pub const NOMINATION: &str = "nomination";
    pub const DUE: &str = "due";
    pub const STATUS: &str = "status";
    pub const RESULT: &str = "result";
    pub const EVIDENCE: &str = "evidence";

    // Long-table columns besides the source ones.
    pub const SCOPE: &str = "scope";
    pub const ENTITY: &str = "entity";
    pub const GROUP: &str = "group";
    pub const INDICATOR: &str = "indicator";
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
