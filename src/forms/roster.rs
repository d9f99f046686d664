//! Form 1, `Состав участников`: who takes part, in which role, with which tutor.

use std::collections::HashMap;

use polars::prelude::*;

use super::debug_text::DebugText;
use super::sheet::{self, Row, SheetRules};
use super::spec::{Earlier, Field, Frame, Kind, SheetSpec, Unique, col, frame};
use super::table::{Header, RowCounts};
use super::{FieldOf, Record, TableFrame};
use crate::problem::{Problems, Rule};
use crate::read::workbook::{Sheet, Workbook};
use crate::schema::Role;
use crate::schema::Table;
use crate::schema::column::{CLASS, EXPERIENCE_YEARS, FULL_NAME, ID, ROLE, SUBJECT, TUTOR_ID};

/// The values `Роль` accepts: a person's part in the programme (наставник, тьютор, педагог,
/// обучающийся); the role decides which rules and indicators apply to them.
pub const ROLES: [&str; 4] = Role::CODES;

/// The sheet `Состав`: one row per person of the school taking part.
pub const SHEET: SheetSpec = SheetSpec {
    name: "Состав",
    columns: &[
        col(ID, "ID", true).of(Kind::Code),
        col(FULL_NAME, "ФИО", true),
        col(ROLE, "Роль", true).of(Kind::Closed(&ROLES)),
        col(CLASS, "Класс", false).of(Kind::Class),
        col(SUBJECT, "Предмет", false),
        col(EXPERIENCE_YEARS, "Стаж, лет", false).of(Kind::Number {
            positive: false,
            expected: "стаж не может быть отрицательным",
        }),
        col(TUTOR_ID, "Тьютор (ID)", false).of(Kind::Code),
    ],
    no_header: "не найдена строка заголовков (ID, ФИО, Роль...): возьмите заголовки из бланка",
    unique: Some(Unique {
        key: ID,
        message: "ID повторяется: уже есть в строке {row}; у каждого участника свой ID",
        names: Earlier::First,
    }),
    coded: None,
    table: Table::Roster,
    frame: Frame::Columns,
};

/// One valid row of `Состав`: a participant that every other form of the school names by ID.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// `ID`: how attendance, answers, results and routes refer to the person.
    pub id: String,
    /// `ФИО`, for the reports people read.
    pub full_name: String,
    /// `Роль`, one of [`ROLES`].
    pub role: &'static str,
    /// `Класс`, normalised (`8 б` -> `8Б`); required for a learner.
    pub class: Option<String>,
    /// `Предмет` the person teaches or is tutored in.
    pub subject: Option<String>,
    /// `Стаж, лет`: teaching experience, never negative.
    pub experience_years: Option<f64>,
    /// `Тьютор (ID)`: the `тьютор` of the same roster who accompanies the person.
    pub tutor_id: Option<String>,
}

impl Record for Person {
    fn key(&self, out: &mut String) {
        out.push_str(&self.id);
    }

    fn field(column: &str) -> Option<FieldOf<Self>> {
        Some(match column {
            ID => |r| Field::Text(Some(&r.id)),
            FULL_NAME => |r| Field::Text(Some(&r.full_name)),
            ROLE => |r| Field::Text(Some(r.role)),
            CLASS => |r| Field::Text(r.class.as_deref()),
            SUBJECT => |r| Field::Text(r.subject.as_deref()),
            EXPERIENCE_YEARS => |r| Field::Number(r.experience_years),
            TUTOR_ID => |r| Field::Text(r.tutor_id.as_deref()),
            _ => return None,
        })
    }

    fn debug_text(&self, out: &mut String) {
        DebugText::new(out, "Person")
            .text("id", &self.id)
            .text("full_name", &self.full_name)
            .text("role", self.role)
            .opt_text("class", self.class.as_deref())
            .opt_text("subject", self.subject.as_deref())
            .opt_number("experience_years", self.experience_years)
            .opt_text("tutor_id", self.tutor_id.as_deref())
            .finish();
    }
}

/// Reads and checks a roster workbook's `Состав` into the roster store table; a missing
/// sheet is a file error, every bad cell a problem, and only valid rows are kept.
pub fn read(
    workbook: &Workbook,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> PolarsResult<Vec<TableFrame>> {
    let Some(sheet) = sheet::one_sheet(workbook, &SHEET, problems) else {
        return Ok(Vec::new());
    };
    let people = sheet::read(
        sheet,
        &SHEET,
        None,
        &mut People::default(),
        problems,
        counts,
    );
    Ok(vec![TableFrame {
        table: SHEET.table,
        frame: frame(&SHEET, &people)?,
    }])
}

/// The roster's own rules: a learner's class, and tutor links across rows.
#[derive(Default)]
struct People {
    /// Every row with an ID, valid or not: its tutor link is a rule of its own.
    listed: Vec<Listed>,
}

/// A row of the roster as the tutor links see it, whatever else is wrong in it.
struct Listed {
    row: u32,
    id: Option<String>,
    /// `None` when the role cell is empty or not a role (an error of its own).
    role: Option<&'static str>,
    tutor_id: Option<String>,
}

impl SheetRules for People {
    type Record = Person;

    fn check_row(&mut self, row: &Row, sheet: &Sheet, problems: &mut Problems) {
        if row.closed(ROLE) == Some("обучающийся") && row.text(CLASS).is_none() {
            problems.rule(Rule::LearnerClass).error(
                &sheet.name,
                row.at(CLASS),
                "",
                "для обучающегося нужно указать класс (например, 6А)",
            );
        }
    }

    fn records(&mut self, row: &Row, _: &Sheet, _: &mut Problems, out: &mut Vec<Person>) {
        let (id, role) = (row.text(ID), row.closed(ROLE));
        self.listed.push(Listed {
            row: row.row,
            id: id.clone(),
            role,
            tutor_id: row.text(TUTOR_ID),
        });
        let (Some(id), Some(full_name), Some(role)) = (id, row.text(FULL_NAME), role) else {
            return;
        };
        if row.repeated {
            return;
        }
        out.push(Person {
            id,
            full_name,
            role,
            class: row.text(CLASS),
            subject: row.text(SUBJECT),
            experience_years: row.number(EXPERIENCE_YEARS),
            tutor_id: row.text(TUTOR_ID),
        });
    }

    /// `Тьютор (ID)` must name a `тьютор` of the same roster. Every row's link is checked,
    /// also in a row rejected for another cell; a link to a person whose role could not be
    /// read is not judged (that row's role error says what to fix).
    fn check_rows(&mut self, sheet: &Sheet, header: &Header, problems: &mut Problems) {
        let mut roles: HashMap<&str, Option<&str>> = HashMap::new();
        for person in &self.listed {
            if let Some(id) = &person.id {
                roles.entry(id.as_str()).or_insert(person.role);
            }
        }
        let Some(c) = header.col(TUTOR_ID) else {
            return;
        };
        for person in &self.listed {
            let (Some(tutor), row) = (&person.tutor_id, person.row) else {
                continue;
            };
            match roles.get(tutor.as_str()) {
                Some(Some("тьютор")) | Some(None) => {}
                Some(Some(role)) => problems.rule(Rule::TutorLink).error(
                    &sheet.name,
                    (row, c),
                    tutor,
                    format!("участник с этим ID — {role}, а не тьютор; укажите ID тьютора из этого списка"),
                ),
                None => problems.rule(Rule::TutorLink).error(
                    &sheet.name,
                    (row, c),
                    tutor,
                    "тьютора с таким ID нет в списке: добавьте его строкой с ролью «тьютор» или исправьте ID",
                ),
            }
        }
    }
}
