//! Blank forms: what `init` and `templates` write, read back with calamine, and
//! questionnaires added by a TOML file with no code change.

use calamine::{Reader, open_workbook_auto};

use super::util::*;
use crate::row;

#[test]
fn init_writes_a_blank_workbook_per_form_and_per_questionnaire() {
    let ws = Ws::new();
    let names = ws.files_in("templates");
    for expected in [
        "Состав участников.xlsx",
        "Журнал посещаемости.xlsx",
        "Диагностика.xlsx",
        "Индивидуальные маршруты.xlsx",
        "Анкета — tutor-competency.xlsx",
        "Анкета — gia-difficulties.xlsx",
        "Анкета — student-interest.xlsx",
        "Анкета — tutor-feedback.xlsx",
        "Анкета — club-needs.xlsx",
        "questionnaires/tutor-competency.xlsx",
    ] {
        assert!(
            names.contains(&expected.to_string()),
            "{expected} missing from {names:?}"
        );
    }
}

#[test]
fn blank_forms_carry_passport_instruction_headers_dropdowns_and_protection() {
    let ws = Ws::new();
    let path = ws.path("templates/Журнал посещаемости.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        vec!["Паспорт", "Инструкция", "События", "Посещаемость", "Списки"]
    );
    let passport = wb.worksheet_range("Паспорт").unwrap();
    let labels: Vec<String> = passport.rows().map(|r| r[0].to_string()).collect();
    assert_eq!(
        labels[..10],
        [
            "Поле",
            "Форма",
            "Версия формы",
            "Код ОО",
            "Наименование ОО",
            "Муниципалитет",
            "Учебный год",
            "Период",
            "Заполнил",
            "Дата заполнения"
        ]
    );
    assert_eq!(
        passport.get_value((1, 1)).unwrap().to_string(),
        "Журнал посещаемости"
    );
    let events = wb.worksheet_range("События").unwrap();
    let headers: Vec<String> = events
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        headers,
        ["Код события", "Дата", "Вид", "Тема", "Часы", "Уровень"]
    );
    // Sheet 3 is «События»: a dropdown on Вид and Уровень, a locked header, unlocked input.
    let xml = sheet_xml(&path, "xl/worksheets/sheet3.xml");
    assert!(
        xml.contains("<dataValidation") && xml.contains("sqref=\"C2:C1001\""),
        "{xml}"
    );
    assert!(xml.contains("<sheetProtection"));
    let lists = wb.worksheet_range("Списки").unwrap();
    let kinds: Vec<String> = lists.cells().map(|(_, _, v)| v.to_string()).collect();
    assert!(
        kinds.contains(&"групповой тьюториал".to_string()),
        "{kinds:?}"
    );
}

#[test]
fn a_blank_questionnaire_lists_every_item_code_with_its_text() {
    let ws = Ws::new();
    let mut wb = open_workbook_auto(ws.path("templates/Анкета — tutor-competency.xlsx")).unwrap();
    let answers = wb.worksheet_range("Ответы").unwrap();
    let headers: Vec<String> = answers
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(headers.len(), 17);
    assert!(headers[2].starts_with("К1.1 "), "{}", headers[2]);
    assert!(headers[16].starts_with("К5.3 "));
}

#[test]
fn a_new_toml_file_adds_a_questionnaire_without_code_changes() {
    let ws = Ws::new();
    std::fs::write(
        ws.path("templates/questionnaires/parent-survey.toml"),
        r#"
code = "parent-survey"
title = "Анкета для родителей"
version = 1
respondents = ["обучающийся"]
direction = "higher_better"

[[competencies]]
code = "Р"
name = "Удовлетворённость родителей"

[[items]]
code = "Р1"
text = "Я доволен тьюторским сопровождением ребёнка"
scale = "likert"
min = 1
max = 5
competency = "Р"
"#,
    )
    .unwrap();
    let out = ws.run(&["templates"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        ws.files_in("templates")
            .contains(&"Анкета — parent-survey.xlsx".to_string())
    );
    ws.drop("состав.xlsx", &roster());
    ws.drop(
        "родители.xlsx",
        &[
            passport(
                "Анкета",
                &[
                    ("Анкета", V::from("parent-survey")),
                    ("Волна", V::from("итоговая")),
                ],
            ),
            sheet(
                "Ответы",
                vec![row!["ID", "Р1"], row!["У-1", 5], row!["У-2", 4]],
            ),
        ],
    );
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(ws.records("answers").height(), 2);
}

/// `ht` of a row in a sheet's XML.
fn row_height(xml: &str, row: u32) -> f64 {
    let tag = xml
        .split(&format!("<row r=\"{row}\""))
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap()
        .to_string();
    tag.split("ht=\"")
        .nth(1)
        .map_or(15.0, |h| h.split('"').next().unwrap().parse().unwrap())
}

#[test]
fn blank_forms_print_within_the_page_width_with_whole_texts() {
    let ws = Ws::new();
    let roster = ws.path("templates/Состав участников.xlsx");
    // Инструкция: one column within an A4 page, every wrapped line given the height it needs.
    let instruction = sheet_xml(&roster, "xl/worksheets/sheet2.xml");
    assert!(
        instruction.contains("fitToPage=\"1\"") && instruction.contains("paperSize=\"9\""),
        "{instruction}"
    );
    let width: f64 = instruction
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(width <= 91.0, "{width}");
    let first_line = "1. Заполните лист «Паспорт»: код и название школы, муниципалитет, учебный год (2025/2026), период и кто заполнил.";
    assert!(
        first_line.chars().count() > 80 && row_height(&instruction, 3) >= 30.0,
        "a two-line instruction row is two lines high"
    );
    // Data sheets: one page wide (the roster used to take two), the header row on every page.
    let data = sheet_xml(&roster, "xl/worksheets/sheet3.xml");
    assert!(
        data.contains("fitToPage=\"1\"") && data.contains("paperSize=\"9\""),
        "{data}"
    );
    assert!(sheet_xml(&roster, "xl/workbook.xml").contains("_xlnm.Print_Titles"));
    // Ответы: the header row is tall enough for the longest item's code and text.
    let q = ws.path("templates/Анкета — tutor-competency.xlsx");
    let answers = sheet_xml(&q, "xl/worksheets/sheet3.xml");
    let mut wb = open_workbook_auto(&q).unwrap();
    let range = wb.worksheet_range("Ответы").unwrap();
    let longest = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string().chars().count())
        .max()
        .unwrap();
    assert!(
        row_height(&answers, 1) >= 15.0 * (longest as f64 / 16.0).ceil(),
        "header {} for {longest} characters",
        row_height(&answers, 1)
    );
}
