//! Form 3, `Анкета`: answers to a questionnaire defined in `templates/questionnaires/`.

use std::rc::Rc;

use polars::prelude::*;

use super::debug_text::DebugText;
use super::sheet::{self, Row, SheetRules};
use super::spec::{Coded, Earlier, Field, Frame, Kind, SheetSpec, Stored, Unique, col, frame};
use super::table::{Header, RowCounts};
use super::{Context, FieldOf, Passport, Record, TableFrame, push_joined};
use crate::definitions::{Item, Questionnaire, Scale};
use crate::problem::{Problems, Rule};
use crate::read::text::{canonical_code, fold};
use crate::read::values::{cell_str, cell_text, format_number, is_blank, parse_number};
use crate::read::workbook::{Sheet, Workbook};
use crate::schema::Table;
use crate::schema::column::{
    FULL_NAME, ID, ITEM, RESPONDENT, RESPONDENT_ID, VALUE_NUM, VALUE_TEXT,
};

/// The sheet `Ответы`: one row per respondent, one column per item headed by its code.
pub const SHEET: SheetSpec = SheetSpec {
    name: "Ответы",
    columns: &[
        col(ID, "ID", false).of(Kind::Person {
            unknown: "такого ID нет в составе участников школы: ответы сохранены, проверьте ID",
        }),
        col(FULL_NAME, "ФИО", false),
    ],
    no_header: "не найдена строка заголовков (ID и коды пунктов анкеты)",
    unique: Some(Unique {
        key: ID,
        message: "ответы этого участника уже есть в строке {row}: одна строка на человека",
        names: Earlier::Latest,
    }),
    coded: Some(Coded {
        unknown: ": это не код пункта анкеты — проверьте, нет ли опечатки в коде",
        typed_by_teacher: false,
        list: None,
    }),
    table: Table::Answers,
    frame: Frame::Long(&[
        (RESPONDENT_ID, Stored::Text),
        (RESPONDENT, Stored::Text),
        (ITEM, Stored::Text),
        (VALUE_NUM, Stored::Number),
        (VALUE_TEXT, Stored::Text),
    ]),
};

/// One answer; a `multi` item gives one answer per chosen option. The respondent and the
/// item are shared by the answers of a row and of a column, as a journal's marks are.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// Respondent ID, `None` for an anonymous respondent.
    pub respondent_id: Option<Rc<str>>,
    /// Identity of the respondent inside the file: the ID, or `#<row>` when anonymous.
    pub respondent: Rc<str>,
    /// The item's code.
    pub item: Rc<str>,
    /// A likert value, or 1/0 for yes/no.
    pub value_num: Option<f64>,
    /// A chosen option, `да`/`нет`, or free text.
    pub value_text: Option<String>,
}

impl Record for Answer {
    fn key(&self, out: &mut String) {
        let value = self.value_text.as_deref().unwrap_or_default();
        push_joined(out, &[&self.respondent, &self.item, value]);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            RESPONDENT_ID => |r| Field::Text(r.respondent_id.as_deref()),
            RESPONDENT => |r| Field::Text(Some(&r.respondent)),
            ITEM => |r| Field::Text(Some(&r.item)),
            VALUE_NUM => |r| Field::Number(r.value_num),
            VALUE_TEXT => |r| Field::Text(r.value_text.as_deref()),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Answer")
            .opt_text("respondent_id", self.respondent_id.as_deref())
            .text("respondent", &self.respondent)
            .text("item", &self.item)
            .opt_number("value_num", self.value_num)
            .opt_text("value_text", self.value_text.as_deref())
            .finish();
    }
}

/// Reads the answers of a questionnaire workbook by the version of the definition its
/// `Паспорт` names; every answer outside its item's scale is a problem naming the cell.
pub fn read(
    workbook: &Workbook,
    passport: &Passport,
    ctx: &Context,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let code = passport.questionnaire.clone().unwrap_or_default();
    let Some(def) = ctx.definitions.get(&code) else {
        let message = format!(
            "неизвестная анкета в поле «Анкета»; известны: {}",
            ctx.definitions.codes().join(", ")
        );
        let report = problems.rule(Rule::UnknownQuestionnaire);
        match super::passport::field_cell(workbook, "questionnaire") {
            Some((sheet, cell, typed)) => report.error(&sheet, cell, &typed, message),
            None => report.sheet_error(
                super::passport::SHEET,
                format!("неизвестная анкета «{code}»: {message}"),
            ),
        }
        return Ok(Vec::new());
    };
    // Answers are read by the version their `Паспорт` names: an earlier one the workspace
    // kept when its first answers arrived, or the current one.
    let Some(def) = ctx.definitions.version(&def.code, passport.form_version) else {
        let known = ctx.definitions.known_versions(&def.code);
        let known = known
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "версия {} анкеты «{}» неизвестна: известны версии {known}; возьмите свежий бланк (tutorstat templates) или исправьте «Версия формы»",
            passport.form_version, def.title
        );
        let report = problems.rule(Rule::UnknownQuestionnaire);
        match super::passport::field_cell(workbook, "form_version") {
            Some((sheet, cell, typed)) => report.error(&sheet, cell, &typed, message),
            None => report.sheet_error(super::passport::SHEET, message),
        }
        return Ok(Vec::new());
    };
    let Some(sheet) = sheet::one_sheet(workbook, &SHEET, problems) else {
        return Ok(Vec::new());
    };
    let answers = sheet::read(
        sheet,
        &SHEET,
        ctx.roster_ids,
        &mut Answers {
            def,
            columns: Vec::new(),
        },
        problems,
        counts,
    );
    Ok(vec![TableFrame {
        table: SHEET.table,
        frame: frame(&SHEET, &answers)?,
    }])
}

/// The questionnaire's own rules: an ID unless the questionnaire is anonymous, and each
/// answer within its item's scale.
struct Answers<'a> {
    def: &'a Questionnaire,
    /// The item columns: (column, item, its code shared by the answers).
    columns: Vec<(u32, &'a Item, Rc<str>)>,
}

impl SheetRules for Answers<'_> {
    type Record = Answer;

    /// Item columns: the header starts with the item code (`К1.2 Умею составлять...`).
    fn header(
        &mut self,
        sheet: &Sheet,
        header: &Header,
        problems: &mut Problems,
    ) -> Vec<(u32, String)> {
        if header.col(ID).is_none() && !self.def.anonymous {
            problems.rule(Rule::RespondentId).sheet_error(
                &sheet.name,
                "нет столбца «ID»: анкета не анонимная, у каждого ответа должен быть ID участника",
            );
        }
        let mut unknown = Vec::new();
        let headed: Vec<String> = header
            .extra
            .iter()
            .map(|(_, text)| {
                canonical_code(
                    text.split_whitespace().next().unwrap_or_default(),
                    &mut Vec::new(),
                )
                .into_owned()
            })
            .collect();
        for item in self.def.items.iter().filter(|i| i.required) {
            if !headed.contains(&item.code) {
                problems.rule(Rule::Required).sheet_error(
                    &sheet.name,
                    format!(
                        "нет столбца обязательного вопроса {}: добавьте его (заголовок — код вопроса)",
                        item.code
                    ),
                );
            }
        }
        for (c, text) in &header.extra {
            let first = text.split_whitespace().next().unwrap_or_default();
            match self.def.item(&canonical_code(first, &mut Vec::new())) {
                Some(item) if !self.columns.iter().any(|(_, i, _)| i.code == item.code) => {
                    self.columns.push((*c, item, Rc::from(item.code.as_str())))
                }
                _ => unknown.push((*c, text.clone())),
            }
        }
        unknown
    }

    fn records_per_row(&self) -> usize {
        self.columns.len()
    }

    fn check_row(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems) {
        if row.text(ID).is_none() && !self.def.anonymous {
            problems.rule(Rule::RespondentId).error(
                &sheet.name,
                row.at(ID),
                "",
                "не заполнен ID: анкета не анонимная",
            );
        }
    }

    fn records(
        &mut self,
        row: &Row,
        sheet: &Sheet,
        problems: &mut Problems,
        out: &mut Vec<Answer>,
    ) {
        let respondent_id: Option<Rc<str>> = row.text_ref(ID).map(Rc::from);
        let respondent = respondent_id
            .clone()
            .unwrap_or_else(|| Rc::from(format!("#{}", row.row + 1)));
        for (c, item, code) in &self.columns {
            let value = sheet.get(row.row, *c);
            if is_blank(value) {
                if item.required {
                    problems.rule(Rule::Required).error(
                        &sheet.name,
                        (row.row, *c),
                        "",
                        format!("не заполнен обязательный вопрос {}", item.code),
                    );
                }
                continue;
            }
            match read_answer(item, value) {
                Ok(values) => {
                    out.extend(values.into_iter().map(|(value_num, value_text)| Answer {
                        respondent_id: respondent_id.clone(),
                        respondent: Rc::clone(&respondent),
                        item: Rc::clone(code),
                        value_num,
                        value_text,
                    }))
                }
                Err(expected) => problems.rule(Rule::Answer).error(
                    &sheet.name,
                    (row.row, *c),
                    &cell_text(value).unwrap_or_default(),
                    format!(
                        "ответ на пункт {} вне шкалы; допустимо: {expected}",
                        item.code
                    ),
                ),
            }
        }
    }
}

type Value = (Option<f64>, Option<String>);

/// Reads one answer (a cell that is not blank) by the item's scale; `Err` carries the
/// allowed values.
fn read_answer(item: &Item, value: &calamine::Data) -> Result<Vec<Value>, String> {
    // A likert answer is read as a number: only the other scales need the cell's text.
    let text = || cell_str(value).unwrap_or_default();
    match item.scale {
        Scale::Likert => {
            let (min, max) = (item.min.unwrap_or(1), item.max.unwrap_or(5));
            match parse_number(value, &mut Vec::new()) {
                Ok(Some(n)) if n.fract() == 0.0 && n >= min as f64 && n <= max as f64 => {
                    Ok(vec![(Some(n), None)])
                }
                _ => Err(format!("целое число от {min} до {max}")),
            }
        }
        Scale::Yesno => match fold(&text()).as_str() {
            "да" | "+" | "1" | "yes" | "д" => Ok(vec![(Some(1.0), Some("да".into()))]),
            "нет" | "-" | "0" | "no" | "н" => Ok(vec![(Some(0.0), Some("нет".into()))]),
            _ => Err("да или нет".into()),
        },
        Scale::Choice => match_option(item, &text()).map(|o| vec![(None, Some(o))]),
        Scale::Multi => text()
            .split([';', ','])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|part| match_option(item, part).map(|o| (None, Some(o))))
            .collect::<Result<Vec<_>, _>>()
            .map(|mut v| {
                v.dedup();
                v
            }),
        Scale::Text => Ok(vec![(None, Some(text().into_owned()))]),
    }
}

fn match_option(item: &Item, text: &str) -> Result<String, String> {
    let key = fold(text);
    item.options
        .iter()
        .find(|o| fold(o) == key)
        .cloned()
        .ok_or_else(|| {
            let list = item.options.join(", ");
            if item.scale == Scale::Multi {
                format!("{list} (несколько — через «;»)")
            } else {
                list
            }
        })
}

/// Shown in messages and templates: the numbers a likert item accepts.
pub fn likert_values(item: &Item) -> Vec<String> {
    (item.min.unwrap_or(1)..=item.max.unwrap_or(5))
        .map(|v| format_number(v as f64))
        .collect()
}
