//! Form 4, `Диагностика`: the tasks of a diagnostic test and each person's points.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;

use super::table::{Column as Col, Normalizations, RowCounts, RowReader, col, data_rows, locate_header, warn_unknown_columns};
use super::{Context, Record, TableFrame, frame_with_identity, keep_valid};
use crate::problem::Problems;
use crate::read::text::canonical_code;
use crate::read::values::{cell_text, format_number, parse_number};
use crate::read::workbook::{Sheet, Workbook};

pub const TASKS_SHEET: &str = "Задания";
pub const RESULTS_SHEET: &str = "Результаты";

pub const TASK_COLUMNS: [Col; 4] = [
    col("task", "№", true),
    col("max_score", "Макс. балл", true),
    col("topic_code", "Код темы", true),
    col("topic", "Тема (умение)", true),
];

pub const RESULT_COLUMNS: [Col; 2] = [col("id", "ID", true), col("full_name", "ФИО", false)];

#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub task: String,
    pub max_score: f64,
    pub topic_code: String,
    pub topic: String,
}

impl Record for Task {
    fn key(&self) -> String {
        self.task.clone()
    }
}

/// A person's points on a task; `points` is `None` for every task of an absent person.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub person_id: String,
    pub task: String,
    pub points: Option<f64>,
}

impl Record for Score {
    fn key(&self) -> String {
        format!("{}|{}", self.person_id, self.task)
    }
}

pub fn read(
    workbook: &Workbook,
    _passport: &super::Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let (Some(tasks_sheet), Some(results_sheet)) = (workbook.sheet(TASKS_SHEET), workbook.sheet(RESULTS_SHEET)) else {
        problems.file_error(format!("в диагностике должны быть два листа: «{TASKS_SHEET}» и «{RESULTS_SHEET}»"));
        return Ok(Vec::new());
    };
    let (tasks, declared) = read_tasks(tasks_sheet, problems, counts);
    let scores = read_scores(results_sheet, &tasks, &declared, ctx, problems, counts);
    Ok(vec![
        TableFrame { table: "diag_tasks", frame: tasks_frame(&tasks)? },
        TableFrame { table: "diag_results", frame: scores_frame(&scores)? },
    ])
}

/// A task as its column of points is checked: every task row with a number, valid or not,
/// with its maximum when that could be read.
struct Declared {
    task: String,
    max_score: Option<f64>,
}

/// The valid tasks, and every task row's number and maximum: a task rejected for one cell
/// still has its column of points, and those points are checked all the same.
fn read_tasks(sheet: &Sheet, problems: &mut Problems, counts: &mut RowCounts) -> (Vec<(u32, Task)>, Vec<Declared>) {
    let Some(header) = locate_header(sheet, &TASK_COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (№, Макс. балл, Код темы, Тема (умение))");
        return (Vec::new(), Vec::new());
    };
    warn_unknown_columns(sheet, &header, header.extra.clone(), "", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut tasks = Vec::new();
    let mut declared = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &TASK_COLUMNS, row, problems, norm: &mut norm };
        let task = r.code("task");
        let max_score = r.number("max_score", |m| {
            if m > 0.0 { Ok(()) } else { Err("максимальный балл должен быть больше нуля".into()) }
        });
        let topic_code = r.code("topic_code");
        let topic = r.text("topic");
        let Some(task) = task else { continue };
        if let Some(first) = first_row_of.insert(task.clone(), row) {
            let (_, cell) = r.value("task");
            r.error(cell, &task, format!("номер задания повторяется (уже в строке {})", first + 1));
            continue;
        }
        declared.push(Declared { task: task.clone(), max_score });
        if let (Some(max_score), Some(topic_code), Some(topic)) = (max_score, topic_code, topic) {
            tasks.push((row, Task { task, max_score, topic_code, topic }));
        }
    }
    norm.report(problems);
    (keep_valid(tasks, &sheet.name, &rows, problems, counts), declared)
}

/// The points of every row and every declared task's column, each checked whatever else is
/// wrong in its row or task (against the task's maximum when it could be read); kept are
/// the points of valid tasks (a partial ingest must not store points of a task it did not).
fn read_scores(
    sheet: &Sheet,
    tasks: &[(u32, Task)],
    declared: &[Declared],
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> Vec<(u32, Score)> {
    let Some(header) = locate_header(sheet, &RESULT_COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (ID, ФИО, номера заданий)");
        return Vec::new();
    };
    let mut task_cols: Vec<(u32, &Declared)> = Vec::new();
    let mut unknown = Vec::new();
    for (c, text) in &header.extra {
        let code = canonical_code(text, &mut Vec::new());
        match declared.iter().find(|t| t.task == code) {
            Some(t) => task_cols.push((*c, t)),
            None => unknown.push((*c, text.clone())),
        }
    }
    let stored = |task: &Declared| tasks.iter().any(|(_, t)| t.task == task.task);
    warn_unknown_columns(sheet, &header, unknown, ": это не номер задания с листа «Задания» — проверьте, нет ли опечатки", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut scores = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    let mut unknown_people = BTreeSet::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &RESULT_COLUMNS, row, problems, norm: &mut norm };
        // A row without an ID, or repeating one, is in error; its points are checked all the same.
        let person_id = r.code("id");
        let (_, id_cell) = r.value("id");
        if let Some(person_id) = &person_id {
            if let Some(first) = first_row_of.insert(person_id.clone(), row) {
                r.error(id_cell, person_id, format!("результаты этого участника уже есть в строке {}: одна строка на человека", first + 1));
            } else if ctx.roster_ids.is_some_and(|ids| !ids.contains(person_id)) && unknown_people.insert(person_id.clone()) {
                r.problems.warning(
                    &sheet.name,
                    id_cell,
                    person_id,
                    "такого ID нет в составе участников школы: результаты сохранены, проверьте ID",
                );
            }
        }
        let mut points = Vec::with_capacity(task_cols.len());
        for (c, task) in &task_cols {
            let value = sheet.get(row, *c);
            let text = cell_text(value).unwrap_or_default();
            let range = match task.max_score {
                Some(max) => format!("от 0 до {}", format_number(max)),
                None => "не меньше 0".to_string(),
            };
            match parse_number(value, &mut Vec::new()) {
                Ok(Some(p)) if p >= 0.0 && task.max_score.is_none_or(|max| p <= max) => points.push(Some(p)),
                Ok(Some(_)) => {
                    r.error(Some((row, *c)), &text, format!("балл за задание {} должен быть {range}", task.task));
                    points.push(None);
                }
                Ok(None) => points.push(None),
                Err(()) => {
                    r.error(Some((row, *c)), &text, format!("в ячейке должен быть балл (число {range}), а не текст"));
                    points.push(None);
                }
            }
        }
        let Some(person_id) = person_id else { continue };
        // A row with any score: empty cells are 0 points. A row with none: the person was absent.
        let present = points.iter().any(Option::is_some);
        for ((_, task), p) in task_cols.iter().zip(points).filter(|((_, task), _)| stored(task)) {
            let points = if present { Some(p.unwrap_or(0.0)) } else { None };
            scores.push((row, Score { person_id: person_id.clone(), task: task.task.clone(), points }));
        }
    }
    norm.report(problems);
    keep_valid(scores, &sheet.name, &rows, problems, counts)
}

fn tasks_frame(tasks: &[(u32, Task)]) -> PolarsResult<DataFrame> {
    let t = || tasks.iter().map(|(_, t)| t);
    frame_with_identity(
        vec![
            Column::new("task".into(), t().map(|t| t.task.as_str()).collect::<Vec<_>>()),
            Column::new("max_score".into(), t().map(|t| t.max_score).collect::<Vec<_>>()),
            Column::new("topic_code".into(), t().map(|t| t.topic_code.as_str()).collect::<Vec<_>>()),
            Column::new("topic".into(), t().map(|t| t.topic.as_str()).collect::<Vec<_>>()),
        ],
        tasks,
    )
}

fn scores_frame(scores: &[(u32, Score)]) -> PolarsResult<DataFrame> {
    let s = || scores.iter().map(|(_, s)| s);
    frame_with_identity(
        vec![
            Column::new("person_id".into(), s().map(|s| s.person_id.as_str()).collect::<Vec<_>>()),
            Column::new("task".into(), s().map(|s| s.task.as_str()).collect::<Vec<_>>()),
            Column::new("points".into(), s().map(|s| s.points).collect::<Vec<_>>()),
        ],
        scores,
    )
}
