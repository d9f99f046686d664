//! Form 5, `Индивидуальные маршруты`: each person's planned steps (ИОМ / ИОП), their
//! status and achievements, as of the file's term.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use polars::prelude::*;

use super::table::{Column as Col, Normalizations, RowCounts, RowReader, col, data_rows, locate_header, warn_unknown_columns};
use super::{Context, Passport, Record, TableFrame, date_column, frame_with_identity, keep_valid};
use crate::problem::Problems;
use crate::read::workbook::Workbook;

pub const SHEET: &str = "Маршрут";

pub const LEVELS: [&str; 5] = ["школьный", "муниципальный", "региональный", "всероссийский", "международный"];
pub const STATUSES: [&str; 4] = ["запланировано", "выполнено", "не выполнено", "перенесено"];
pub const RESULTS: [&str; 3] = ["участие", "призёр", "победитель"];
pub const EVIDENCE: [&str; 5] = ["грамота", "диплом", "сертификат", "фото", "другое"];

pub const COLUMNS: [Col; 9] = [
    col("id", "ID", true),
    col("goal", "Цель", true),
    col("activity", "Мероприятие", true),
    col("level", "Уровень", true),
    col("nomination", "Номинация", false),
    col("due", "Срок", true),
    col("status", "Статус", true),
    col("result", "Результат", false),
    col("evidence", "Подтверждение", false),
];

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
}

pub fn read(
    workbook: &Workbook,
    _passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some(sheet) = workbook.sheet(SHEET) else {
        problems.file_error(format!("нет листа «{SHEET}»"));
        return Ok(Vec::new());
    };
    let Some(header) = locate_header(sheet, &COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (ID, Цель, Мероприятие...)");
        return Ok(Vec::new());
    };
    warn_unknown_columns(sheet, &header, header.extra.clone(), "", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut items = Vec::new();
    let mut unknown_people = BTreeSet::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &COLUMNS, row, problems, norm: &mut norm };
        let id = r.code("id");
        let goal = r.text("goal");
        let activity = r.text("activity");
        let level = r.closed("level", &LEVELS);
        let nomination = r.text("nomination");
        let due = r.date("due", true);
        let status = r.closed("status", &STATUSES);
        let result = r.closed("result", &RESULTS);
        let evidence = r.closed("evidence", &EVIDENCE);
        match (result, status) {
            (Some(result), Some(status)) if status != "выполнено" => {
                let (_, cell) = r.value("result");
                r.error(cell, result, format!("результат указывается только для статуса «выполнено», а здесь статус «{status}»: уберите результат или исправьте статус"));
            }
            // The rule cannot be judged yet, but the teacher learns it now, not on the next try.
            (Some(result), None) => {
                let (_, cell) = r.value("result");
                r.problems.warning(
                    &sheet.name,
                    cell,
                    result,
                    "статус в этой строке не распознан, поэтому результат не проверен: результат указывается только для статуса «выполнено»",
                );
            }
            _ => {}
        }
        if let Some(id) = &id
            && ctx.roster_ids.is_some_and(|ids| !ids.contains(id))
            && unknown_people.insert(id.clone())
        {
            let (_, cell) = r.value("id");
            r.problems.warning(&sheet.name, cell, id, "такого ID нет в составе участников школы: маршрут сохранён, проверьте ID");
        }
        if let (Some(id), Some(goal), Some(activity), Some(level), Some(due), Some(status)) = (id, goal, activity, level, due, status) {
            items.push((row, RouteItem { id, goal, activity, level, nomination, due, status, result, evidence }));
        }
    }
    norm.report(problems);
    let items = keep_valid(items, &sheet.name, &rows, problems, counts);
    Ok(vec![TableFrame { table: "route", frame: frame(&items)? }])
}

fn frame(items: &[(u32, RouteItem)]) -> PolarsResult<DataFrame> {
    let i = || items.iter().map(|(_, i)| i);
    frame_with_identity(
        vec![
            Column::new("id".into(), i().map(|i| i.id.as_str()).collect::<Vec<_>>()),
            Column::new("goal".into(), i().map(|i| i.goal.as_str()).collect::<Vec<_>>()),
            Column::new("activity".into(), i().map(|i| i.activity.as_str()).collect::<Vec<_>>()),
            Column::new("level".into(), i().map(|i| i.level).collect::<Vec<_>>()),
            Column::new("nomination".into(), i().map(|i| i.nomination.as_deref()).collect::<Vec<_>>()),
            date_column("due", i().map(|i| Some(i.due)))?,
            Column::new("status".into(), i().map(|i| i.status).collect::<Vec<_>>()),
            Column::new("result".into(), i().map(|i| i.result).collect::<Vec<_>>()),
            Column::new("evidence".into(), i().map(|i| i.evidence).collect::<Vec<_>>()),
        ],
        items,
    )
}
