//! Form 1, `Состав участников`: who takes part, in which role, with which tutor.

use std::collections::HashMap;

use polars::prelude::*;

use super::table::{Column as Col, Normalizations, RowCounts, RowReader, col, data_rows, locate_header, warn_unknown_columns};
use super::{Record, TableFrame, frame_with_identity, keep_valid};
use crate::problem::Problems;
use crate::read::workbook::Workbook;

pub const SHEET: &str = "Состав";

pub const ROLES: [&str; 4] = ["наставник", "тьютор", "педагог", "обучающийся"];

pub const COLUMNS: [Col; 7] = [
    col("id", "ID", true),
    col("full_name", "ФИО", true),
    col("role", "Роль", true),
    col("class", "Класс", false),
    col("subject", "Предмет", false),
    col("experience_years", "Стаж, лет", false),
    col("tutor_id", "Тьютор (ID)", false),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub full_name: String,
    pub role: &'static str,
    pub class: Option<String>,
    pub subject: Option<String>,
    pub experience_years: Option<f64>,
    pub tutor_id: Option<String>,
}

impl Record for Person {
    fn key(&self) -> String {
        self.id.clone()
    }
}

/// `8 б`, `8-б` -> `8Б`: grade and letter without separators.
fn normalise_class(class: &str) -> String {
    class.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase()
}

pub fn read(workbook: &Workbook, problems: &mut Problems, counts: &mut RowCounts) -> PolarsResult<Vec<TableFrame>> {
    let Some(sheet) = workbook.sheet(SHEET) else {
        problems.file_error(format!("нет листа «{SHEET}»"));
        return Ok(Vec::new());
    };
    let Some(header) = locate_header(sheet, &COLUMNS, problems) else {
        problems.sheet_error(&sheet.name, "не найдена строка заголовков (ID, ФИО, Роль...): возьмите заголовки из бланка");
        return Ok(Vec::new());
    };
    warn_unknown_columns(sheet, &header, header.extra.clone(), "", problems);
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut people: Vec<(u32, Person)> = Vec::new();
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    // Every row with an ID, valid or not: its tutor link is a rule of its own.
    let mut listed: Vec<Listed> = Vec::new();
    for &row in &rows {
        let mut r = RowReader { sheet, header: &header, columns: &COLUMNS, row, problems, norm: &mut norm };
        let id = r.code("id");
        let full_name = r.text("full_name");
        let role = r.closed("role", &ROLES);
        let class = r.code("class").map(|c| normalise_class(&c));
        let subject = r.text("subject");
        let experience_years = r.number("experience_years", |n| {
            if n >= 0.0 { Ok(()) } else { Err("стаж не может быть отрицательным".into()) }
        });
        let tutor_id = r.code("tutor_id");
        if role == Some("обучающийся") && class.is_none() {
            let cell = header.col("class").map(|c| (row, c));
            r.error(cell, "", "для обучающегося нужно указать класс (например, 6А)".into());
        }
        let Some(id) = id else {
            listed.push(Listed { row, id: None, role, tutor_id });
            continue;
        };
        listed.push(Listed { row, id: Some(id.clone()), role, tutor_id: tutor_id.clone() });
        if let Some(first) = first_row_of.get(&id) {
            let cell = header.col("id").map(|c| (row, c));
            r.error(cell, &id, format!("ID повторяется: уже есть в строке {}; у каждого участника свой ID", first + 1));
            continue;
        }
        first_row_of.insert(id.clone(), row);
        if let (Some(full_name), Some(role)) = (full_name, role) {
            people.push((row, Person { id, full_name, role, class, subject, experience_years, tutor_id }));
        }
    }
    check_tutor_links(sheet.name.as_str(), &header, &listed, problems);
    norm.report(problems);
    let people = keep_valid(people, &sheet.name, &rows, problems, counts);
    Ok(vec![TableFrame { table: "roster", frame: frame(&people)? }])
}

/// A row of the roster as the tutor links see it, whatever else is wrong in it.
struct Listed {
    row: u32,
    id: Option<String>,
    /// `None` when the role cell is empty or not a role (an error of its own).
    role: Option<&'static str>,
    tutor_id: Option<String>,
}

/// `Тьютор (ID)` must name a `тьютор` of the same roster. Every row's link is checked,
/// also in a row rejected for another cell; a link to a person whose role could not be read
/// is not judged (that row's role error says what to fix).
fn check_tutor_links(sheet: &str, header: &super::table::Header, listed: &[Listed], problems: &mut Problems) {
    let mut roles: HashMap<&str, Option<&str>> = HashMap::new();
    for person in listed {
        if let Some(id) = &person.id {
            roles.entry(id.as_str()).or_insert(person.role);
        }
    }
    let Some(c) = header.col("tutor_id") else {
        return;
    };
    for person in listed {
        let (Some(tutor), row) = (&person.tutor_id, person.row) else {
            continue;
        };
        match roles.get(tutor.as_str()) {
            Some(Some("тьютор")) | Some(None) => {}
            Some(Some(role)) => problems.error(
                sheet,
                (row, c),
                tutor,
                format!("участник с этим ID — {role}, а не тьютор; укажите ID тьютора из этого списка"),
            ),
            None => problems.error(
                sheet,
                (row, c),
                tutor,
                "тьютора с таким ID нет в списке: добавьте его строкой с ролью «тьютор» или исправьте ID",
            ),
        }
    }
}

fn frame(people: &[(u32, Person)]) -> PolarsResult<DataFrame> {
    let p = || people.iter().map(|(_, p)| p);
    frame_with_identity(
        vec![
            Column::new("id".into(), p().map(|p| p.id.as_str()).collect::<Vec<_>>()),
            Column::new("full_name".into(), p().map(|p| p.full_name.as_str()).collect::<Vec<_>>()),
            Column::new("role".into(), p().map(|p| p.role).collect::<Vec<_>>()),
            Column::new("class".into(), p().map(|p| p.class.as_deref()).collect::<Vec<_>>()),
            Column::new("subject".into(), p().map(|p| p.subject.as_deref()).collect::<Vec<_>>()),
            Column::new("experience_years".into(), p().map(|p| p.experience_years).collect::<Vec<_>>()),
            Column::new("tutor_id".into(), p().map(|p| p.tutor_id.as_deref()).collect::<Vec<_>>()),
        ],
        people,
    )
}
