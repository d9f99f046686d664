//! Form 5, `Индивидуальные маршруты`: each person's planned steps (ИОМ / ИОП), their
//! status and achievements, as of the file's term.

use chrono::NaiveDate;
use polars::prelude::*;

use super::debug_text::DebugText;
use super::sheet::{self, Row, SheetRules};
use super::spec::{Field, Frame, Kind, SheetSpec, col, frame};
use super::{Context, FieldOf, Passport, Record, TableFrame, push_joined};
use crate::problem::{Problems, Rule};
use crate::read::workbook::{Sheet, Workbook};
use crate::schema::Table;
use crate::schema::column::{ACTIVITY, DUE, EVIDENCE, GOAL, ID, LEVEL, NOMINATION, RESULT, STATUS};
use crate::schema::{RouteResult, Status};

/// The values `Уровень` accepts: how far beyond the school a step reaches, up to
/// international competitions.
pub const LEVELS: [&str; 5] = [
    "школьный",
    "муниципальный",
    "региональный",
    "всероссийский",
    "международный",
];
/// The values `Статус` accepts: whether a step is planned, done, not done or postponed.
pub const STATUSES: [&str; 4] = Status::CODES;
/// The values `Результат` accepts: what a done step achieved (participation, prize,
/// victory), counted as achievements in the reports.
pub const RESULTS: [&str; 3] = RouteResult::CODES;
/// The values `Подтверждение` accepts: the document that proves an achievement.
pub const EVIDENCE_KINDS: [&str; 5] = ["грамота", "диплом", "сертификат", "фото", "другое"];

/// The sheet `Маршрут`: one row per planned step of a person's route.
pub const SHEET: SheetSpec = SheetSpec {
    name: "Маршрут",
    columns: &[
        col(ID, "ID", true).of(Kind::Person {
            unknown: "такого ID нет в составе участников школы: маршрут сохранён, проверьте ID",
        }),
        col(GOAL, "Цель", true),
        col(ACTIVITY, "Мероприятие", true),
        col(LEVEL, "Уровень", true).of(Kind::Closed(&LEVELS)),
        col(NOMINATION, "Номинация", false),
        col(DUE, "Срок", true).of(Kind::DateOrMonth),
        col(STATUS, "Статус", true).of(Kind::Closed(&STATUSES)),
        col(RESULT, "Результат", false).of(Kind::Closed(&RESULTS)),
        col(EVIDENCE, "Подтверждение", false).of(Kind::Closed(&EVIDENCE_KINDS)),
    ],
    no_header: "не найдена строка заголовков (ID, Цель, Мероприятие...)",
    unique: None,
    coded: None,
    table: Table::Route,
    frame: Frame::Columns,
};

/// One valid row of `Маршрут`: a planned step of a person's individual route (ИОМ / ИОП).
#[derive(Debug, Clone, PartialEq)]
pub struct RouteItem {
    /// `ID`: the person whose route it is.
    pub id: String,
    /// `Цель`: what the step serves.
    pub goal: String,
    /// `Мероприятие`: the contest, course or event the step consists of.
    pub activity: String,
    /// `Уровень`, one of [`LEVELS`].
    pub level: &'static str,
    /// `Номинация`, e.g. a STAR nomination the step aims at.
    pub nomination: Option<String>,
    /// `Срок`: when the step is due (a date, or a month such as `октябрь 2025`).
    pub due: NaiveDate,
    /// `Статус`, one of [`STATUSES`].
    pub status: &'static str,
    /// `Результат`, one of [`RESULTS`]; only for a done step.
    pub result: Option<&'static str>,
    /// `Подтверждение`, one of [`EVIDENCE_KINDS`].
    pub evidence: Option<&'static str>,
}

impl Record for RouteItem {
    fn key(&self, out: &mut String) {
        push_joined(out, &[&self.id, &self.goal, &self.activity]);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            ID => |r| Field::Text(Some(&r.id)),
            GOAL => |r| Field::Text(Some(&r.goal)),
            ACTIVITY => |r| Field::Text(Some(&r.activity)),
            LEVEL => |r| Field::Text(Some(r.level)),
            NOMINATION => |r| Field::Text(r.nomination.as_deref()),
            DUE => |r| Field::Date(Some(r.due)),
            STATUS => |r| Field::Text(Some(r.status)),
            RESULT => |r| Field::Text(r.result),
            EVIDENCE => |r| Field::Text(r.evidence),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "RouteItem")
            .text("id", &self.id)
            .text("goal", &self.goal)
            .text("activity", &self.activity)
            .text("level", self.level)
            .opt_text("nomination", self.nomination.as_deref())
            .date("due", self.due)
            .text("status", self.status)
            .opt_text("result", self.result)
            .opt_text("evidence", self.evidence)
            .finish();
    }
}

/// Reads and checks a routes workbook's `Маршрут` into the route store table; an ID not in
/// the school's roster is only a warning, and only valid rows are kept.
pub fn read(
    workbook: &Workbook,
    _passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut super::RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some(sheet) = sheet::one_sheet(workbook, &SHEET, problems) else {
        return Ok(Vec::new());
    };
    let items = sheet::read(sheet, &SHEET, ctx.roster_ids, &mut Steps, problems, counts);
    Ok(vec![TableFrame {
        table: SHEET.table,
        frame: frame(&SHEET, &items)?,
    }])
}

/// The route's own rules: a result only for a step that is done.
struct Steps;

impl SheetRules for Steps {
    type Record = RouteItem;

    fn check_row(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems) {
        match (row.closed(RESULT), row.closed(STATUS)) {
            (Some(result), Some(status)) if status != "выполнено" => problems.rule(Rule::ResultStatus).error(
                &sheet.name,
                row.at(RESULT),
                result,
                format!("результат указывается только для статуса «выполнено», а здесь статус «{status}»: уберите результат или исправьте статус"),
            ),
            // The rule cannot be judged yet, but the teacher learns it now, not on the next try.
            (Some(result), None) => problems.rule(Rule::ResultStatus).warning(
                &sheet.name,
                row.cell(RESULT),
                result,
                "статус в этой строке не распознан, поэтому результат не проверен: результат указывается только для статуса «выполнено»",
            ),
            _ => {}
        }
    }

    fn records(&mut self, row: &Row, _: &Sheet, _: &mut Problems, out: &mut Vec<RouteItem>) {
        let (Some(id), Some(goal), Some(activity), Some(level), Some(due), Some(status)) = (
            row.text(ID),
            row.text(GOAL),
            row.text(ACTIVITY),
            row.closed(LEVEL),
            row.date(DUE),
            row.closed(STATUS),
        ) else {
            return;
        };
        let (nomination, result, evidence) = (
            row.text(NOMINATION),
            row.closed(RESULT),
            row.closed(EVIDENCE),
        );
        out.push(RouteItem {
            id,
            goal,
            activity,
            level,
            nomination,
            due,
            status,
            result,
            evidence,
        });
    }
}
