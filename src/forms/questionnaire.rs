//! Form 3, `Анкета`: answers to a questionnaire defined in `templates/questionnaires/`.

use std::collections::{BTreeSet, HashMap};

use polars::prelude::*;

use super::table::{Column as Col, Normalizations, RowCounts, RowReader, col, data_rows, locate_header, warn_unknown_columns};
use super::{Context, Passport, Record, TableFrame, frame_with_identity, keep_valid};
use crate::definitions::{Item, Scale};
use crate::problem::Problems;
use crate::read::text::{canonical_code, fold};
use crate::read::values::{cell_text, format_number, parse_number};
use crate::read::workbook::Workbook;

pub const SHEET: &str = "Ответы";

pub const COLUMNS: [Col; 2] = [col("id", "ID", false), col("full_name", "ФИО", false)];

/// One answer; a `multi` item gives one answer per chosen option.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Respondent ID, `None` for an anonymous respondent.
    pub respondent_id: Option<String>,
    /// Identity of the respondent inside the file: the ID, or `#<row>` when anonymous.
    pub respondent: String,
    pub item: String,
    pub value_num: Option<f64>,
    pub value_text: Option<String>,
}

impl Record for Answer {
    fn key(&self) -> String {
        format!("{}|{}|{}", self.respondent, self.item, self.value_text.as_deref().unwrap_or_default())
    }
}

pub fn read(
    workbook: &Workbook,
    passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let code = passport.questionnaire.clone().unwrap_or_default();
    let Some(def) = ctx.definitions.get(&code) else {
        let message = format!("неизвестная анкета в поле «Анкета»; известны: {}", ctx.definitions.codes().join(", "));
        match super::passport::field_cell(workbook, "questionnaire") {
            Some((sheet, cell, typed)) => problems.error(&sheet, cell, &typed, message),
            None => problems.sheet_error(super::passport::SHEET, format!("неизвестная анкета «{code}»: {message}")),
        }
        return Ok(Vec::new());
    };
    let Some(sheet) = workbook.sheet(SHEET) else {
        problems.file_error(format!("нет листа «{SHEET}»"));
        return Ok(Vec::new());
    };
    let Some(header) = locate_header(sheet, &COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (ID и коды пунктов анкеты)");
        return Ok(Vec::new());
    };
    if header.col("id").is_none() && !def.anonymous {
        problems.sheet_error(&sheet.name, "нет столбца «ID»: анкета не анонимная, у каждого ответа должен быть ID участника");
    }
    // Item columns: the header starts with the item code (`К1.2 Умею составлять...`).
    let mut item_cols: Vec<(u32, &Item)> = Vec::new();
    let mut unknown = Vec::new();
    for (c, text) in &header.extra {
        let first = text.split_whitespace().next().unwrap_or_default();
        match def.item(&canonical_code(first, &mut Vec::new())) {
            Some(item) if !item_cols.iter().any(|(_, i)| i.code == item.code) => item_cols.push((*c, item)),
            _ => unknown.push((*c, text.clone())),
        }
    }
    warn_unknown_columns(sheet, &header, unknown, ": это не код пункта анкеты — проверьте, нет ли опечатки в коде", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut answers = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    let mut unknown_people = BTreeSet::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &COLUMNS, row, problems, norm: &mut norm };
        let respondent_id = r.code("id");
        let (_, id_cell) = r.value("id");
        match &respondent_id {
            None if !def.anonymous => r.error(id_cell, "", "не заполнен ID: анкета не анонимная".into()),
            Some(id) => {
                if let Some(first) = first_row_of.insert(id.clone(), row) {
                    r.error(id_cell, id, format!("ответы этого участника уже есть в строке {}: одна строка на человека", first + 1));
                }
                if ctx.roster_ids.is_some_and(|ids| !ids.contains(id)) && unknown_people.insert(id.clone()) {
                    r.problems.warning(
                        &sheet.name,
                        id_cell,
                        id,
                        "такого ID нет в составе участников школы: ответы сохранены, проверьте ID",
                    );
                }
            }
            None => {}
        }
        let respondent = respondent_id.clone().unwrap_or_else(|| format!("#{}", row + 1));
        for (c, item) in &item_cols {
            let value = sheet.get(row, *c);
            let Some(text) = cell_text(value) else {
                continue;
            };
            match read_answer(item, value, &text) {
                Ok(values) => answers.extend(values.into_iter().map(|(value_num, value_text)| {
                    (
                        row,
                        Answer {
                            respondent_id: respondent_id.clone(),
                            respondent: respondent.clone(),
                            item: item.code.clone(),
                            value_num,
                            value_text,
                        },
                    )
                })),
                Err(expected) => r.error(Some((row, *c)), &text, format!("ответ на пункт {} вне шкалы; допустимо: {expected}", item.code)),
            }
        }
    }
    norm.report(problems);
    let answers = keep_valid(answers, &sheet.name, &rows, problems, counts);
    Ok(vec![TableFrame { table: "answers", frame: frame(&answers)? }])
}

type Value = (Option<f64>, Option<String>);

/// Reads one answer by the item's scale; `Err` carries the allowed values.
fn read_answer(item: &Item, value: &calamine::Data, text: &str) -> Result<Vec<Value>, String> {
    match item.scale {
        Scale::Likert => {
            let (min, max) = (item.min.unwrap_or(1), item.max.unwrap_or(5));
            let expected = format!("целое число от {min} до {max}");
            match parse_number(value, &mut Vec::new()) {
                Ok(Some(n)) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => Ok(vec![(Some(n), None)]),
                _ => Err(expected),
            }
        }
        Scale::Yesno => match fold(text).as_str() {
            "да" | "+" | "1" | "yes" | "д" => Ok(vec![(Some(1.0), Some("да".into()))]),
            "нет" | "-" | "0" | "no" | "н" => Ok(vec![(Some(0.0), Some("нет".into()))]),
            _ => Err("да или нет".into()),
        },
        Scale::Choice => match_option(item, text).map(|o| vec![(None, Some(o))]),
        Scale::Multi => text
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|part| match_option(item, part).map(|o| (None, Some(o))))
            .collect::<Result<Vec<_>, _>>()
            .map(|mut v| {
                v.dedup();
                v
            }),
        Scale::Text => Ok(vec![(None, Some(text.to_string()))]),
    }
}

fn match_option(item: &Item, text: &str) -> Result<String, String> {
    let key = fold(text);
    item.options.iter().find(|o| fold(o) == key).cloned().ok_or_else(|| {
        let list = item.options.join(", ");
        if item.scale == Scale::Multi { format!("{list} (несколько — через «;»)") } else { list }
    })
}

fn frame(answers: &[(u32, Answer)]) -> PolarsResult<DataFrame> {
    let a = || answers.iter().map(|(_, a)| a);
    frame_with_identity(
        vec![
            Column::new("respondent_id".into(), a().map(|a| a.respondent_id.as_deref()).collect::<Vec<_>>()),
            Column::new("respondent".into(), a().map(|a| a.respondent.as_str()).collect::<Vec<_>>()),
            Column::new("item".into(), a().map(|a| a.item.as_str()).collect::<Vec<_>>()),
            Column::new("value_num".into(), a().map(|a| a.value_num).collect::<Vec<_>>()),
            Column::new("value_text".into(), a().map(|a| a.value_text.as_deref()).collect::<Vec<_>>()),
        ],
        answers,
    )
}

/// Shown in messages and templates: the numbers a likert item accepts.
pub fn likert_values(item: &Item) -> Vec<String> {
    (item.min.unwrap_or(1)..=item.max.unwrap_or(5)).map(|v| format_number(v as f64)).collect()
}
