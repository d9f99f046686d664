//! Form 4, `Диагностика`: the tasks of a diagnostic test and each person's points.

use std::rc::Rc;

use polars::prelude::*;

use super::debug_text::DebugText;
use super::sheet::{self, Row, SheetRules};
use super::spec::{
    Coded, Earlier, Field, Frame, Kind, SheetSpec, Stored, Unique, col, table_frame,
};
use super::table::{Header, RowCounts};
use super::{Context, FieldOf, Record, TableFrame, push_joined};
use crate::problem::{Problems, Rule};
use crate::read::values::{cell_text, format_number, parse_number};
use crate::read::workbook::{Sheet, Workbook};
use crate::schema::Table;
use crate::schema::column::{FULL_NAME, ID, MAX_SCORE, PERSON_ID, POINTS, TASK, TOPIC, TOPIC_CODE};

/// The sheet `Задания`: one row per task.
pub const TASKS: SheetSpec = SheetSpec {
    name: "Задания",
    columns: &[
        col(TASK, "№", true).of(Kind::Code),
        col(MAX_SCORE, "Макс. балл", true).of(Kind::Number {
            positive: true,
            expected: "максимальный балл должен быть больше нуля",
        }),
        col(TOPIC_CODE, "Код темы", true).of(Kind::Code),
        col(TOPIC, "Тема (умение)", true),
    ],
    no_header: "не найдена строка заголовков (№, Макс. балл, Код темы, Тема (умение))",
    unique: Some(Unique {
        key: TASK,
        message: "номер задания повторяется (уже в строке {row})",
        names: Earlier::Latest,
    }),
    coded: None,
    table: Table::DiagTasks,
    frame: Frame::Columns,
};

/// The sheet `Результаты`: one row per person, one column per task headed by its number.
pub const RESULTS: SheetSpec = SheetSpec {
    name: "Результаты",
    columns: &[
        col(ID, "ID", true).of(Kind::Person {
            unknown: "такого ID нет в составе участников школы: результаты сохранены, проверьте ID",
        }),
        col(FULL_NAME, "ФИО", false),
    ],
    no_header: "не найдена строка заголовков (ID, ФИО, номера заданий)",
    unique: Some(Unique {
        key: ID,
        message: "результаты этого участника уже есть в строке {row}: одна строка на человека",
        names: Earlier::Latest,
    }),
    coded: Some(Coded {
        unknown: ": это не номер задания с листа «Задания» — проверьте, нет ли опечатки",
        typed_by_teacher: true,
        list: None,
    }),
    table: Table::DiagResults,
    frame: Frame::Long(&[
        (PERSON_ID, Stored::Text),
        (TASK, Stored::Text),
        (POINTS, Stored::Number),
    ]),
};

/// One valid row of `Задания`: a task of the test and the skill it checks, so results can be
/// read per topic.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// `№`, unique in the test; also the header of the task's column of points.
    pub task: String,
    /// `Макс. балл`: the most points the task gives, above zero; a score is checked against it.
    pub max_score: f64,
    /// `Код темы`: the topic (skill) the task checks, for results by topic.
    pub topic_code: String,
    /// `Тема (умение)`: the topic's name as people read it.
    pub topic: String,
}

impl Record for Task {
    fn key(&self, out: &mut String) {
        out.push_str(&self.task);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            TASK => |r| Field::Text(Some(&r.task)),
            MAX_SCORE => |r| Field::Number(Some(r.max_score)),
            TOPIC_CODE => |r| Field::Text(Some(&r.topic_code)),
            TOPIC => |r| Field::Text(Some(&r.topic)),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Task")
            .text("task", &self.task)
            .number("max_score", self.max_score)
            .text("topic_code", &self.topic_code)
            .text("topic", &self.topic)
            .finish();
    }
}

/// A person's points on a task; `points` is `None` for every task of an absent person.
/// The IDs are shared by the scores of a row and of a column, as a journal's marks are.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// The row's `ID`: a person of the school's roster (an unknown ID is only a warning).
    pub person_id: Rc<str>,
    /// The column's header: the [`Task::task`] the points are for.
    pub task: Rc<str>,
    /// Points from 0 to the task's maximum; an empty cell in a row with any score is 0.
    pub points: Option<f64>,
}

impl Record for Score {
    fn key(&self, out: &mut String) {
        push_joined(out, &[&self.person_id, &self.task]);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            PERSON_ID => |r| Field::Text(Some(&r.person_id)),
            TASK => |r| Field::Text(Some(&r.task)),
            POINTS => |r| Field::Number(r.points),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Score")
            .text("person_id", &self.person_id)
            .text("task", &self.task)
            .opt_number("points", self.points)
            .finish();
    }
}

/// Reads and checks a diagnostic's `Задания` and `Результаты` into the tasks and results
/// store tables: each score is checked against its task's maximum, and a row without any
/// score is stored as an absent person rather than as zero points.
pub fn read(
    workbook: &Workbook,
    _passport: &super::Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some((tasks_sheet, results_sheet)) =
        sheet::two_sheets(workbook, [&TASKS, &RESULTS], "диагностике", problems)
    else {
        return Ok(Vec::new());
    };
    let mut declared = Tasks::default();
    let tasks = sheet::read(tasks_sheet, &TASKS, None, &mut declared, problems, counts);
    let mut scores = Scores {
        declared: &declared.declared,
        tasks: &tasks,
        columns: Vec::new(),
    };
    let scores = sheet::read(
        results_sheet,
        &RESULTS,
        ctx.roster_ids,
        &mut scores,
        problems,
        counts,
    );
    Ok(vec![
        table_frame(&TASKS, &tasks)?,
        table_frame(&RESULTS, &scores)?,
    ])
}

/// A task as its column of points is checked: every task row with a number, valid or not,
/// with its maximum when that could be read.
struct Declared {
    task: String,
    max_score: Option<f64>,
}

/// Keeps every task row's number and maximum: a task rejected for one cell still has its
/// column of points, and those points are checked all the same.
#[derive(Default)]
struct Tasks {
    declared: Vec<Declared>,
}

impl SheetRules for Tasks {
    type Record = Task;

    fn records(&mut self, row: &Row, _: &Sheet, _: &mut Problems, out: &mut Vec<Task>) {
        let Some(task) = row.text(TASK).filter(|_| !row.repeated) else {
            return;
        };
        let max_score = row.number(MAX_SCORE);
        self.declared.push(Declared {
            task: task.clone(),
            max_score,
        });
        let (Some(max_score), Some(topic_code), Some(topic)) =
            (max_score, row.text(TOPIC_CODE), row.text(TOPIC))
        else {
            return;
        };
        out.push(Task {
            task,
            max_score,
            topic_code,
            topic,
        });
    }
}

/// The points of every row and every declared task's column, each checked whatever else is
/// wrong in its row or task (against the task's maximum when it could be read); kept are
/// the points of valid tasks (a partial ingest must not store points of a task it did not).
struct Scores<'a> {
    declared: &'a [Declared],
    tasks: &'a [(u32, Task)],
    /// The task columns: (column, task, its number shared by the scores, whether the task
    /// is stored).
    columns: Vec<(u32, &'a Declared, Rc<str>, bool)>,
}

impl<'a> SheetRules for Scores<'a> {
    type Record = Score;

    fn header(
        &mut self,
        _sheet: &Sheet,
        header: &Header,
        _problems: &mut Problems,
    ) -> Vec<(u32, String)> {
        let declared = self.declared;
        let (own, unknown) =
            sheet::own_columns(header, |code| declared.iter().find(|t| t.task == code));
        let tasks = self.tasks;
        self.columns.extend(own.into_iter().map(|(c, task)| {
            let stored = tasks.iter().any(|(_, t)| t.task == task.task);
            (c, task, Rc::from(task.task.as_str()), stored)
        }));
        unknown
    }

    fn records_per_row(&self) -> usize {
        self.columns.len()
    }

    /// A row without an ID, or repeating one, is in error; its points are checked all the same.
    fn records(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems, out: &mut Vec<Score>) {
        let mut points = Vec::with_capacity(self.columns.len());
        for (c, task, _, _) in &self.columns {
            let value = sheet.get(row.row, *c);
            // Made only for an error: most cells hold a valid score.
            let text = || cell_text(value).unwrap_or_default();
            let range = || match task.max_score {
                Some(max) => format!("от 0 до {}", format_number(max)),
                None => "не меньше 0".to_string(),
            };
            match parse_number(value, &mut Vec::new()) {
                Ok(Some(p)) if p >= 0.0 && task.max_score.is_none_or(|max| p <= max) => {
                    points.push(Some(p))
                }
                Ok(Some(_)) => {
                    let message = format!("балл за задание {} должен быть {}", task.task, range());
                    problems
                        .rule(Rule::Score)
                        .error(&sheet.name, (row.row, *c), &text(), message);
                    points.push(None);
                }
                Ok(None) => points.push(None),
                Err(()) => {
                    let message =
                        format!("в ячейке должен быть балл (число {}), а не текст", range());
                    problems
                        .rule(Rule::Score)
                        .error(&sheet.name, (row.row, *c), &text(), message);
                    points.push(None);
                }
            }
        }
        let Some(person_id) = row.text_ref(ID).map(Rc::<str>::from) else {
            return;
        };
        // A row with any score: empty cells are 0 points. A row with none: the person was absent.
        let present = points.iter().any(Option::is_some);
        let scores = self
            .columns
            .iter()
            .zip(points)
            .filter(|((_, _, _, stored), _)| *stored)
            .map(|((_, _, task, _), p)| {
                let points = if present {
                    Some(p.unwrap_or(0.0))
                } else {
                    None
                };
                Score {
                    person_id: Rc::clone(&person_id),
                    task: Rc::clone(task),
                    points,
                }
            });
        out.extend(scores);
    }
}
