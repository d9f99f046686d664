//! Form 2, `Журнал посещаемости`: the events of a journal and who attended each.

use std::collections::BTreeSet;
use std::rc::Rc;

use chrono::NaiveDate;
use polars::prelude::*;

use super::debug_text::DebugText;
use super::sheet::{self, Row, SheetRules};
use super::spec::{
    Coded, Earlier, Field, Frame, Kind, SheetSpec, Stored, Unique, col, table_frame,
};
use super::table::{Header, RowCounts};
use super::{Context, FieldOf, Passport, Record, TableFrame, push_joined};
use crate::problem::{Problems, Rule};
use crate::read::text::fold_tracked;
use crate::read::values::cell_str;
use crate::read::workbook::{Sheet, Workbook};
use crate::schema;
use crate::schema::Table;
use crate::schema::Term;
use crate::schema::column::{
    DATE, EVENT_ID, FULL_NAME, HOURS, ID, KIND, LEVEL, MARK, PERSON_ID, TOPIC,
};

/// The values `Вид` accepts: the kinds of tutoring event the programme counts, from seminars
/// to club meetings, so that reports can split hours and attendance by kind.
pub const KINDS: [&str; 9] = [
    "семинар",
    "мастер-класс",
    "групповой тьюториал",
    "индивидуальный тьюториал",
    "тьюторское событие",
    "консультация",
    "взаимопосещение",
    "заседание клуба",
    "другое",
];
/// The values `Уровень` accepts: how far beyond the school an event reaches (`школьный`
/// when the cell is empty).
pub const LEVELS: [&str; 3] = ["школьный", "муниципальный", "региональный"];

/// What a mark means (forms.md): present, absent, excused, ill (excused).
pub const MARK_HELP: &str = "«+» или «1» — был, «н» или «0» — не был, «у» — уважительная причина, «б» — болел, пусто — не ожидался";

/// The sheet `События`: one row per event.
pub const EVENTS: SheetSpec = SheetSpec {
    name: "События",
    columns: &[
        col(EVENT_ID, "Код события", true).of(Kind::Code),
        col(DATE, "Дата", true).of(Kind::Date),
        col(KIND, "Вид", true).of(Kind::Closed(&KINDS)),
        col(TOPIC, "Тема", false),
        col(HOURS, "Часы", false).of(Kind::Number {
            positive: true,
            expected: "часы должны быть больше нуля",
        }),
        col(LEVEL, "Уровень", false).of(Kind::Closed(&LEVELS)),
    ],
    no_header: "не найдена строка заголовков (Код события, Дата, Вид...)",
    unique: Some(Unique {
        key: EVENT_ID,
        message: "код события повторяется (уже в строке {row}): у каждого события свой код",
        names: Earlier::First,
    }),
    coded: None,
    table: Table::Events,
    frame: Frame::Columns,
};

/// The sheet `Посещаемость`: one row per person, one column per event headed by its code.
pub const MARKS: SheetSpec = SheetSpec {
    name: "Посещаемость",
    columns: &[
        col(ID, "ID", true).of(Kind::Person {
            unknown: "такого ID нет в составе участников школы: отметки сохранены, проверьте ID или пришлите состав",
        }),
        col(FULL_NAME, "ФИО", false),
    ],
    no_header: "не найдена строка заголовков (ID, ФИО, коды событий)",
    unique: Some(Unique {
        key: ID, message: "участник уже записан в строке {row}: одна строка на человека", names: Earlier::Latest
    }),
    coded: Some(Coded {
        unknown: ": это не код события с листа «События» — проверьте, нет ли опечатки в коде",
        typed_by_teacher: true,
        list: Some((&["+", "н", "у", "б", "1", "0"], "Допустимые отметки", MARK_HELP)),
    }),
    table: Table::Attendance,
    frame: Frame::Long(&[(PERSON_ID, Stored::Text), (EVENT_ID, Stored::Text), (MARK, Stored::Text)]),
};

/// One valid row of `События`: an event the tutor held, which the marks refer to by code.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `Код события`, unique in the journal; also the header of the event's marks column.
    pub event_id: String,
    /// `Дата`, within the school year of the file's term.
    pub date: NaiveDate,
    /// `Вид`, one of [`KINDS`].
    pub kind: &'static str,
    /// `Тема`: what the event was about.
    pub topic: Option<String>,
    /// `Часы`: the event's length, positive; 1 when the cell is empty.
    pub hours: f64,
    /// `Уровень`, one of [`LEVELS`].
    pub level: &'static str,
}

impl Record for Event {
    fn key(&self, out: &mut String) {
        out.push_str(&self.event_id);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            EVENT_ID => |r| Field::Text(Some(&r.event_id)),
            DATE => |r| Field::Date(Some(r.date)),
            KIND => |r| Field::Text(Some(r.kind)),
            TOPIC => |r| Field::Text(r.topic.as_deref()),
            HOURS => |r| Field::Number(Some(r.hours)),
            LEVEL => |r| Field::Text(Some(r.level)),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Event")
            .text("event_id", &self.event_id)
            .date("date", self.date)
            .text("kind", self.kind)
            .opt_text("topic", self.topic.as_deref())
            .number("hours", self.hours)
            .text("level", self.level)
            .finish();
    }
}

/// One non-empty cell of `Посещаемость`: whether a person expected at an event came.
/// The IDs are shared by the marks of a row and of a column: most records of a region are
/// marks, and two copied strings each were a tenth of their validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The row's `ID`: a person of the school's roster (an unknown ID is only a warning).
    pub person_id: Rc<str>,
    /// The column's header: the [`Event::event_id`] the mark is for.
    pub event_id: Rc<str>,
    /// `present`, `absent`, `excused` or `ill`.
    pub mark: &'static str,
}

impl Record for Mark {
    fn key(&self, out: &mut String) {
        push_joined(out, &[&self.person_id, &self.event_id]);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            PERSON_ID => |r| Field::Text(Some(&r.person_id)),
            EVENT_ID => |r| Field::Text(Some(&r.event_id)),
            MARK => |r| Field::Text(Some(r.mark)),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Mark")
            .text("person_id", &self.person_id)
            .text("event_id", &self.event_id)
            .text("mark", self.mark)
            .finish();
    }
}

/// Reads a non-empty mark cell (`+`, `н`, `у`, `б`...) as its stored code; `Err` for a value
/// that is not a mark. An empty cell means not expected and is the caller's to skip.
pub fn parse_mark(text: &str) -> Result<&'static str, ()> {
    // Folding leaves a mark typed as the form shows it as it is: only others are folded.
    mark_code(text).or_else(|()| mark_code(&fold_tracked(text, &mut Vec::new())))
}

/// The stored code of a mark written as the form shows it (folded).
fn mark_code(text: &str) -> Result<&'static str, ()> {
    match text {
        "+" | "1" => Ok(schema::Mark::Present.code()),
        "н" | "0" => Ok(schema::Mark::Absent.code()),
        "у" => Ok(schema::Mark::Excused.code()),
        "б" => Ok(schema::Mark::Ill.code()),
        _ => Err(()),
    }
}

/// Reads and checks a journal's `События` and `Посещаемость` into the events and attendance
/// store tables: marks are checked against the declared events and the school's roster, and
/// only the marks of valid events are kept.
pub fn read(
    workbook: &Workbook,
    passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some((events_sheet, marks_sheet)) =
        sheet::two_sheets(workbook, [&EVENTS, &MARKS], "журнале", problems)
    else {
        return Ok(Vec::new());
    };
    let mut declared = Events {
        term: passport.term,
        declared: BTreeSet::new(),
    };
    let events = sheet::read(events_sheet, &EVENTS, None, &mut declared, problems, counts);
    let valid = events.iter().map(|(_, e)| e.event_id.as_str()).collect();
    let mut marks = Marks {
        declared: &declared.declared,
        valid,
        columns: Vec::new(),
    };
    let marks = sheet::read(
        marks_sheet,
        &MARKS,
        ctx.roster_ids,
        &mut marks,
        problems,
        counts,
    );
    Ok(vec![
        table_frame(&EVENTS, &events)?,
        table_frame(&MARKS, &marks)?,
    ])
}

/// The events' own rules: a date within the school year. Keeps the code of every event
/// row, valid or not: an event rejected for one cell still has its column of marks, and
/// those marks are checked all the same.
struct Events {
    term: Term,
    declared: BTreeSet<String>,
}

impl SheetRules for Events {
    type Record = Event;

    fn check_row(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems) {
        let term = self.term;
        if let Some(d) = row.date(DATE).filter(|d| !term.in_school_year(*d)) {
            problems.rule(Rule::SchoolYear).error(
                &sheet.name,
                row.at(DATE),
                &d.format("%d.%m.%Y").to_string(),
                format!(
                    "дата вне учебного года {}/{} (1 сентября — 31 августа)",
                    term.year,
                    term.year + 1
                ),
            );
        }
    }

    fn records(&mut self, row: &Row, _: &Sheet, _: &mut Problems, out: &mut Vec<Event>) {
        let Some(event_id) = row.text(EVENT_ID) else {
            return;
        };
        self.declared.insert(event_id.clone());
        let (Some(date), Some(kind), false) = (row.date(DATE), row.closed(KIND), row.repeated)
        else {
            return;
        };
        let hours = row.number(HOURS).unwrap_or(1.0);
        let level = row.closed(LEVEL).unwrap_or("школьный");
        out.push(Event {
            event_id,
            date,
            kind,
            topic: row.text(TOPIC),
            hours,
            level,
        });
    }
}

/// The marks of every row and every declared event's column, each checked whatever else is
/// wrong in its row or column; kept are those of valid events (a partial ingest must not
/// store marks of an event it did not store).
struct Marks<'a> {
    declared: &'a BTreeSet<String>,
    valid: BTreeSet<&'a str>,
    /// The event columns: (column, event code, whether the event is valid).
    columns: Vec<(u32, Rc<str>, bool)>,
}

impl SheetRules for Marks<'_> {
    type Record = Mark;

    fn header(
        &mut self,
        _sheet: &Sheet,
        header: &Header,
        _problems: &mut Problems,
    ) -> Vec<(u32, String)> {
        let (own, unknown) = sheet::own_columns(header, |code| {
            let event = self.declared.get(code)?;
            Some((
                Rc::from(event.as_str()),
                self.valid.contains(event.as_str()),
            ))
        });
        let own = own.into_iter().map(|(c, (event, valid))| (c, event, valid));
        self.columns.extend(own);
        unknown
    }

    fn records_per_row(&self) -> usize {
        self.columns.len()
    }

    /// A row without an ID, or repeating one, is in error; its marks are checked all the same.
    fn records(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems, out: &mut Vec<Mark>) {
        let person_id: Option<Rc<str>> = row.text_ref(ID).map(Rc::from);
        for (c, event_id, valid) in &self.columns {
            let Some(text) = cell_str(sheet.get(row.row, *c)) else {
                continue;
            };
            match (parse_mark(&text), &person_id) {
                (Ok(mark), Some(person_id)) if *valid => out.push(Mark {
                    person_id: Rc::clone(person_id),
                    event_id: Rc::clone(event_id),
                    mark,
                }),
                (Ok(_), _) => {}
                (Err(()), _) => problems.rule(Rule::Mark).error(
                    &sheet.name,
                    (row.row, *c),
                    &text,
                    format!("неизвестная отметка; допустимо: {MARK_HELP}"),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mark;

    #[test]
    fn reads_every_mark_of_the_form_and_nothing_else() {
        assert_eq!(parse_mark("+"), Ok("present"));
        assert_eq!(parse_mark("1"), Ok("present"));
        assert_eq!(parse_mark("Н"), Ok("absent"));
        assert_eq!(parse_mark("H"), Ok("absent"));
        assert_eq!(parse_mark("0"), Ok("absent"));
        assert_eq!(parse_mark("у"), Ok("excused"));
        assert_eq!(parse_mark("y"), Ok("excused"));
        assert_eq!(parse_mark("б"), Ok("ill"));
        assert_eq!(parse_mark("x"), Err(()));
        assert_eq!(parse_mark("++"), Err(()));
    }
}
