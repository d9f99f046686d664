//! Form 2, `Журнал посещаемости`: the events of a journal and who attended each.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use polars::prelude::*;

use super::table::{Column as Col, Header, Normalizations, RowCounts, RowReader, col, data_rows, locate_header, warn_unknown_columns};
use super::{Context, Passport, Record, TableFrame, date_column, frame_with_identity, keep_valid};
use crate::problem::Problems;
use crate::read::text::{canonical_code, fold_tracked};
use crate::read::values::cell_text;
use crate::read::workbook::{Sheet, Workbook};

pub const EVENTS_SHEET: &str = "События";
pub const MARKS_SHEET: &str = "Посещаемость";

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
pub const LEVELS: [&str; 3] = ["школьный", "муниципальный", "региональный"];

pub const EVENT_COLUMNS: [Col; 6] = [
    col("event_id", "Код события", true),
    col("date", "Дата", true),
    col("kind", "Вид", true),
    col("topic", "Тема", false),
    col("hours", "Часы", false),
    col("level", "Уровень", false),
];

pub const MARK_COLUMNS: [Col; 2] = [col("id", "ID", true), col("full_name", "ФИО", false)];

/// What a mark means (forms.md): present, absent, excused, ill (excused).
pub const MARK_HELP: &str = "«+» или «1» — был, «н» или «0» — не был, «у» — уважительная причина, «б» — болел, пусто — не ожидался";

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub event_id: String,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub topic: Option<String>,
    pub hours: f64,
    pub level: &'static str,
}

impl Record for Event {
    fn key(&self) -> String {
        self.event_id.clone()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub person_id: String,
    pub event_id: String,
    /// `present`, `absent`, `excused` or `ill`.
    pub mark: &'static str,
}

impl Record for Mark {
    fn key(&self) -> String {
        format!("{}|{}", self.person_id, self.event_id)
    }
}

/// Reads a mark cell; `None` for an empty cell (not expected), `Err` for anything else.
pub fn parse_mark(text: &str) -> Result<&'static str, ()> {
    match fold_tracked(text, &mut Vec::new()).as_str() {
        "+" | "1" => Ok("present"),
        "н" | "0" => Ok("absent"),
        "у" => Ok("excused"),
        "б" => Ok("ill"),
        _ => Err(()),
    }
}

pub fn read(
    workbook: &Workbook,
    passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let (Some(events_sheet), Some(marks_sheet)) = (workbook.sheet(EVENTS_SHEET), workbook.sheet(MARKS_SHEET)) else {
        problems.file_error(format!("в журнале должны быть два листа: «{EVENTS_SHEET}» и «{MARKS_SHEET}»"));
        return Ok(Vec::new());
    };
    let (events, declared) = read_events(events_sheet, passport, problems, counts);
    let marks = read_marks(marks_sheet, &events, &declared, ctx, problems, counts);
    Ok(vec![TableFrame { table: "events", frame: events_frame(&events)? }, TableFrame { table: "attendance", frame: marks_frame(&marks)? }])
}

/// The valid events, and the code of every event row, valid or not: an event rejected for
/// one cell still has its column of marks, and those marks are checked all the same.
fn read_events(
    sheet: &Sheet,
    passport: &Passport,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> (Vec<(u32, Event)>, BTreeSet<String>) {
    let Some(header) = locate_header(sheet, &EVENT_COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (Код события, Дата, Вид...)");
        return (Vec::new(), BTreeSet::new());
    };
    warn_unknown_columns(sheet, &header, header.extra.clone(), "", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut events = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    let mut declared = BTreeSet::new();
    let term = passport.term;
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &EVENT_COLUMNS, row, problems, norm: &mut norm };
        let event_id = r.code("event_id");
        let date = r.date("date", false);
        let kind = r.closed("kind", &KINDS);
        let topic = r.text("topic");
        let hours = r.number("hours", |h| if h > 0.0 { Ok(()) } else { Err("часы должны быть больше нуля".into()) });
        let level = r.closed("level", &LEVELS);
        if let Some(d) = date.filter(|d| !term.in_school_year(*d)) {
            let (_, cell) = r.value("date");
            r.error(
                cell,
                &d.format("%d.%m.%Y").to_string(),
                format!("дата вне учебного года {}/{} (1 сентября — 31 августа)", term.year, term.year + 1),
            );
        }
        let Some(event_id) = event_id else { continue };
        declared.insert(event_id.clone());
        if let Some(first) = first_row_of.get(&event_id) {
            let (_, cell) = r.value("event_id");
            r.error(cell, &event_id, format!("код события повторяется (уже в строке {}): у каждого события свой код", first + 1));
            continue;
        }
        first_row_of.insert(event_id.clone(), row);
        if let (Some(date), Some(kind)) = (date, kind) {
            events.push((row, Event { event_id, date, kind, topic, hours: hours.unwrap_or(1.0), level: level.unwrap_or("школьный") }));
        }
    }
    norm.report(problems);
    (keep_valid(events, &sheet.name, &rows, problems, counts), declared)
}

/// The marks of every row and every declared event's column, each checked whatever else is
/// wrong in its row or column; kept are those of valid events (a partial ingest must not
/// store marks of an event it did not store).
fn read_marks(
    sheet: &Sheet,
    events: &[(u32, Event)],
    declared: &BTreeSet<String>,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> Vec<(u32, Mark)> {
    let Some(header) = locate_header(sheet, &MARK_COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (ID, ФИО, коды событий)");
        return Vec::new();
    };
    let valid: BTreeSet<&str> = events.iter().map(|(_, e)| e.event_id.as_str()).collect();
    let (event_cols, unknown) = event_columns(&header, declared);
    warn_unknown_columns(sheet, &header, unknown, ": это не код события с листа «События» — проверьте, нет ли опечатки в коде", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut marks = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    let mut unknown_people = BTreeSet::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &MARK_COLUMNS, row, problems, norm: &mut norm };
        // A row without an ID, or repeating one, is in error; its marks are checked all the same.
        let person_id = r.code("id");
        if let Some(person_id) = &person_id {
            if let Some(first) = first_row_of.insert(person_id.clone(), row) {
                let (_, cell) = r.value("id");
                r.error(cell, person_id, format!("участник уже записан в строке {}: одна строка на человека", first + 1));
            } else if ctx.roster_ids.is_some_and(|ids| !ids.contains(person_id)) && unknown_people.insert(person_id.clone()) {
                let (_, cell) = r.value("id");
                r.problems.warning(
                    &sheet.name,
                    cell,
                    person_id,
                    "такого ID нет в составе участников школы: отметки сохранены, проверьте ID или пришлите состав",
                );
            }
        }
        for (c, event_id) in &event_cols {
            let Some(text) = cell_text(sheet.get(row, *c)) else {
                continue;
            };
            match (parse_mark(&text), &person_id) {
                (Ok(mark), Some(person_id)) if valid.contains(event_id.as_str()) => {
                    marks.push((row, Mark { person_id: person_id.clone(), event_id: event_id.clone(), mark }))
                }
                (Ok(_), _) => {}
                (Err(()), _) => r.error(Some((row, *c)), &text, format!("неизвестная отметка; допустимо: {MARK_HELP}")),
            }
        }
    }
    norm.report(problems);
    keep_valid(marks, &sheet.name, &rows, problems, counts)
}

/// Splits the extra columns of `Посещаемость` into event columns and unknown ones.
fn event_columns(header: &Header, known: &BTreeSet<String>) -> (Vec<(u32, String)>, Vec<(u32, String)>) {
    let mut events = Vec::new();
    let mut unknown = Vec::new();
    for (c, text) in &header.extra {
        let code = canonical_code(text, &mut Vec::new());
        if known.contains(&code) {
            events.push((*c, code));
        } else {
            unknown.push((*c, text.clone()));
        }
    }
    (events, unknown)
}

fn events_frame(events: &[(u32, Event)]) -> PolarsResult<DataFrame> {
    let e = || events.iter().map(|(_, e)| e);
    frame_with_identity(
        vec![
            Column::new("event_id".into(), e().map(|e| e.event_id.as_str()).collect::<Vec<_>>()),
            date_column("date", e().map(|e| Some(e.date)))?,
            Column::new("kind".into(), e().map(|e| e.kind).collect::<Vec<_>>()),
            Column::new("topic".into(), e().map(|e| e.topic.as_deref()).collect::<Vec<_>>()),
            Column::new("hours".into(), e().map(|e| e.hours).collect::<Vec<_>>()),
            Column::new("level".into(), e().map(|e| e.level).collect::<Vec<_>>()),
        ],
        events,
    )
}

fn marks_frame(marks: &[(u32, Mark)]) -> PolarsResult<DataFrame> {
    let m = || marks.iter().map(|(_, m)| m);
    frame_with_identity(
        vec![
            Column::new("person_id".into(), m().map(|m| m.person_id.as_str()).collect::<Vec<_>>()),
            Column::new("event_id".into(), m().map(|m| m.event_id.as_str()).collect::<Vec<_>>()),
            Column::new("mark".into(), m().map(|m| m.mark).collect::<Vec<_>>()),
        ],
        marks,
    )
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
