//! Form 5, `Индивидуальные маршруты`: each person's planned steps (ИОМ / ИОП), their
//! status and achievements, as of the file's term.

use chrono::NaiveDate;
use polars::prelude::*;

use super::sheet::{self, Row, SheetRules};
use super::spec::{Field, Frame, Kind, SheetSpec, col, frame};
use super::{Context, Passport, Record, TableFrame};
use crate::problem::{Problems, Rule};
use crate::read::workbook::{Sheet, Workbook};

pub const LEVELS: [&str; 5] = ["школьный", "муниципальный", "региональный", "всероссийский", "международный"];
pub const STATUSES: [&str; 4] = ["запланировано", "выполнено", "не выполнено", "перенесено"];
pub const RESULTS: [&str; 3] = ["участие", "призёр", "победитель"];
pub const EVIDENCE: [&str; 5] = ["грамота", "диплом", "сертификат", "фото", "другое"];

/// The sheet `Маршрут`: one row per planned step of a person's route.
pub const SHEET: SheetSpec = SheetSpec {
    name: "Маршрут",
    columns: &[
        col("id", "ID", true).of(Kind::Person {
            unknown: "такого ID нет в составе участников школы: маршрут сохранён, проверьте ID"
        }),
        col("goal", "Цель", true),
        col("activity", "Мероприятие", true),
        col("level", "Уровень", true).of(Kind::Closed(&LEVELS)),
        col("nomination", "Номинация", false),
        col("due", "Срок", true).of(Kind::DateOrMonth),
        col("status", "Статус", true).of(Kind::Closed(&STATUSES)),
        col("result", "Результат", false).of(Kind::Closed(&RESULTS)),
        col("evidence", "Подтверждение", false).of(Kind::Closed(&EVIDENCE)),
    ],
    no_header: "не найдена строка заголовков (ID, Цель, Мероприятие...)",
    unique: None,
    coded: None,
    table: "route",
    frame: Frame::Columns,
};

#[derive(Debug, Clone, PartialEq)]
pub struct RouteItem {
    pub id: String,
    pub goal: String,
    pub activity: String,
    pub level: &'static str,
    pub nomination: Option<String>,
    pub due: NaiveDate,
    pub status: &'static str,
    pub result: Option<&'static str>,
    pub evidence: Option<&'static str>,
}

impl Record for RouteItem {
    fn key(&self) -> String {
        format!("{}|{}|{}", self.id, self.goal, self.activity)
    }

    fn field(&self, column: &str) -> Option<Field<'_>> {
        Some(match column {
            "id" => Field::Text(Some(&self.id)),
            "goal" => Field::Text(Some(&self.goal)),
            "activity" => Field::Text(Some(&self.activity)),
            "level" => Field::Text(Some(self.level)),
            "nomination" => Field::Text(self.nomination.as_deref()),
            "due" => Field::Date(Some(self.due)),
            "status" => Field::Text(Some(self.status)),
            "result" => Field::Text(self.result),
            "evidence" => Field::Text(self.evidence),
            _ => return None,
        })
    }
}

pub fn read(
    workbook: &Workbook,
    _passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut super::RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some(sheet) = workbook.sheet(SHEET.name) else {
        problems.rule(Rule::MissingSheet).file_error(format!("нет листа «{}»", SHEET.name));
        return Ok(Vec::new());
    };
    let items = sheet::read(sheet, &SHEET, ctx.roster_ids, &mut Steps, problems, counts);
    Ok(vec![TableFrame { table: SHEET.table, frame: frame(&SHEET, &items)? }])
}

/// The route's own rules: a result only for a step that is done.
struct Steps;

impl SheetRules for Steps {
    type Record = RouteItem;

    fn check_row(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems) {
        match (row.closed("result"), row.closed("status")) {
            (Some(result), Some(status)) if status != "выполнено" => problems.rule(Rule::ResultStatus).error(
                &sheet.name,
                row.at("result"),
                result,
                format!("результат указывается только для статуса «выполнено», а здесь статус «{status}»: уберите результат или исправьте статус"),
            ),
            // The rule cannot be judged yet, but the teacher learns it now, not on the next try.
            (Some(result), None) => problems.rule(Rule::ResultStatus).warning(
                &sheet.name,
                row.cell("result"),
                result,
                "статус в этой строке не распознан, поэтому результат не проверен: результат указывается только для статуса «выполнено»",
            ),
            _ => {}
        }
    }

    fn records(&mut self, row: &Row, _sheet: &Sheet, _problems: &mut Problems) -> Vec<RouteItem> {
        let (Some(id), Some(goal), Some(activity), Some(level), Some(due), Some(status)) =
            (row.text("id"), row.text("goal"), row.text("activity"), row.closed("level"), row.date("due"), row.closed("status"))
        else {
            return Vec::new();
        };
        let (nomination, result, evidence) = (row.text("nomination"), row.closed("result"), row.closed("evidence"));
        vec![RouteItem { id, goal, activity, level, nomination, due, status, result, evidence }]
    }
}
