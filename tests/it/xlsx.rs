//! The school workbook read back with calamine: the nine sheets, their headers, and every
//! figure equal to `indicators.csv`.

use calamine::{Data, Reader, open_workbook_auto};

use super::util::*;

fn demo_like_workspace() -> Ws {
    let ws = Ws::new();
    ws.drop_every_form();
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    ws
}

fn indicators(ws: &Ws) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader =
        csv::Reader::from_path(ws.path("reports/2025-2026-Q1/indicators.csv")).unwrap();
    reader.deserialize().map(Result::unwrap).collect()
}

fn value_of(
    rows: &[std::collections::BTreeMap<String, String>],
    scope: &str,
    entity: &str,
    indicator: &str,
    group: &str,
) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r["scope"] == scope
                && r["entity"] == entity
                && r["indicator"] == indicator
                && r["group"] == group
        })
        .map(|r| r["value"].parse().unwrap())
}

#[test]
fn the_school_workbook_has_the_ten_sheets_and_the_figures_of_indicators_csv() {
    let ws = demo_like_workspace();
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Сводка",
            "Педагоги",
            "Обучающиеся",
            "Посещаемость",
            "Анкеты",
            "Диагностика",
            "Группы",
            "Маршруты",
            "Качество данных",
            "Динамика"
        ]
    );
    let rows = indicators(&ws);

    let summary = wb.worksheet_range("Сводка").unwrap();
    let header = summary
        .rows()
        .position(|r| r.first().is_some_and(|c| *c == "Показатель"))
        .unwrap();
    let figure = |label: &str| -> f64 {
        let row = summary
            .rows()
            .skip(header)
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("{label} missing"));
        match &row[1] {
            Data::Float(f) => *f,
            other => panic!("{label}: a numeric cell expected, found {other:?}"),
        }
    };
    assert_eq!(
        figure("Посещаемость"),
        value_of(&rows, "school", "", "att_rate", "").unwrap()
    );
    assert_eq!(figure("Участников программы"), 8.0);
    assert_eq!(
        figure("Диагностика: ОГЭ математика, входная"),
        value_of(&rows, "school", "", "d_pct", "ОГЭ математика/start").unwrap()
    );
    assert_eq!(
        figure("Выполнение маршрутов"),
        value_of(&rows, "school", "", "r_done_pct", "").unwrap()
    );
    assert_eq!(
        figure("Анкета: Самооценка тьюторской компетенции наставника, входная"),
        value_of(&rows, "school", "", "q_index", "tutor-competency/start").unwrap()
    );

    let students = wb.worksheet_range("Обучающиеся").unwrap();
    let headers: Vec<String> = students
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        headers[..5],
        ["ID", "ФИО", "Класс", "Тьютор (ID)", "Посещаемость"]
    );
    let u1 = students.rows().find(|r| r[0] == "У-1").unwrap();
    assert_eq!(u1[1].to_string(), "Смирнов Артём Дмитриевич");
    assert_eq!(
        u1[4],
        Data::Float(value_of(&rows, "person", "У-1", "att_rate", "").unwrap())
    );
    let diag_col = headers
        .iter()
        .position(|h| h == "Диагностика: ОГЭ математика, входная")
        .unwrap();
    assert_eq!(u1[diag_col], Data::Float(60.0));

    let staff = wb.worksheet_range("Педагоги").unwrap();
    assert_eq!(
        staff.rows().skip(4).count(),
        5,
        "two tutors, two mentors, one teacher"
    );

    let groups = wb.worksheet_range("Группы").unwrap();
    let names: Vec<String> = groups.rows().skip(4).map(|r| r[5].to_string()).collect();
    assert_eq!(
        names,
        ["Смирнов Артём Дмитриевич", "Морозова Дарья Алексеевна"]
    );

    let quality = wb.worksheet_range("Качество данных").unwrap();
    let text: Vec<String> = quality
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(text.contains(&"Индивидуальные маршруты".to_string()));
    assert!(text.iter().any(|t| t.ends_with("состав.xlsx")));
}

#[test]
fn text_typed_as_a_formula_stays_text_in_the_workbook() {
    let ws = Ws::new();
    let mut r = roster();
    r[1].1[6][1] = V::from("=HYPERLINK(\"http://example.com\",\"x\")");
    ws.drop("состав.xlsx", &r);
    ws.run(&["run"]);
    let path = ws.path("reports/2025-2026-Q1/2315-001.xlsx");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut xml = String::new();
        if name.ends_with(".xml") {
            std::io::Read::read_to_string(&mut part, &mut xml).unwrap();
            assert!(!xml.contains("<f>HYPERLINK"), "{name} holds a formula");
        }
    }
    let mut wb = open_workbook_auto(&path).unwrap();
    let staff = wb.worksheet_range("Обучающиеся").unwrap();
    assert!(
        staff
            .rows()
            .any(|r| r[1] == Data::String("=HYPERLINK(\"http://example.com\",\"x\")".into()))
    );
}

#[test]
fn with_a_fixed_clock_reports_are_byte_identical_between_runs() {
    let ws = demo_like_workspace();
    let files = [
        "2315-001.xlsx",
        "2315-001.pdf",
        "indicators.csv",
        "indicators.parquet",
        "groups.csv",
        "changes.csv",
    ];
    let read =
        |ws: &Ws| files.map(|f| std::fs::read(ws.path("reports/2025-2026-Q1").join(f)).unwrap());
    let first = read(&ws);
    let out = ws.run(&["report"]);
    assert!(out.status.success(), "{}", text(&out));
    let second = read(&ws);
    for ((a, b), name) in first.iter().zip(&second).zip(files) {
        assert!(a == b, "{name} differs between two runs");
    }
}

#[test]
fn yes_no_figures_read_as_words_in_the_workbook() {
    let ws = demo_like_workspace();
    let rows = indicators(&ws);
    let met = value_of(&rows, "school", "", "club_norm_met", "")
        .expect("club_norm_met in indicators.csv");
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Посещаемость").unwrap();
    let row = sheet
        .rows()
        .find(|r| r[0] == "Норма клуба (2 встречи в месяц) выполнена")
        .expect("the club norm row");
    assert_eq!(
        row[2],
        Data::String(if met >= 1.0 { "да" } else { "нет" }.into())
    );
}

#[test]
fn the_staff_sheet_shows_each_teachers_subject_from_the_roster() {
    let ws = demo_like_workspace();
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let staff = wb.worksheet_range("Педагоги").unwrap();
    let headers: Vec<String> = staff
        .rows()
        .nth(3)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(headers[..4], ["ID", "ФИО", "Роль", "Предмет"]);
    let subject = |id: &str| {
        staff
            .rows()
            .find(|r| r[0] == id)
            .map(|r| r[3].to_string())
            .unwrap()
    };
    assert_eq!(subject("Н-1"), "математика");
    assert_eq!(subject("Н-2"), "русский язык");
    assert_eq!(subject("П-1"), "физика");
}

#[test]
fn level_distributions_are_listed_low_middle_high() {
    let ws = demo_like_workspace();
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Анкеты").unwrap();
    let levels: Vec<String> = sheet
        .rows()
        .filter(|r| r[0] == "Доля по уровню")
        .map(|r| r[1].to_string().rsplit(", ").next().unwrap().to_string())
        .collect();
    assert!(levels.len() >= 3, "{levels:?}");
    for run in levels.chunks(3) {
        assert_eq!(run, ["низкий", "средний", "высокий"], "{levels:?}");
    }
}

#[test]
fn an_empty_sheet_says_no_data_under_its_header() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Анкеты").unwrap();
    let header = sheet
        .rows()
        .position(|r| r.first().is_some_and(|c| *c == "Показатель"))
        .unwrap();
    assert_eq!(
        sheet.rows().nth(header + 1).map(|r| r[0].to_string()),
        Some("нет данных".into())
    );
}

/// The attendance line over months («сентябрь 2025» is 13 characters) keeps its axes: values
/// 0–100 on the vertical axis, months left to right. The rule for long names (horizontal
/// bars read top down) once turned it over.
#[test]
fn the_monthly_attendance_line_keeps_its_axes() {
    let ws = demo_like_workspace();
    let bytes = std::fs::read(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut lines = 0;
    for n in 1..=30 {
        let name = format!("xl/charts/chart{n}.xml");
        let Ok(mut file) = zip.by_name(&name) else {
            continue;
        };
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut file, &mut xml).unwrap();
        if !xml.contains("<c:lineChart>") || !xml.contains("сентябрь 2025") {
            continue;
        }
        lines += 1;
        assert!(!xml.contains("maxMin"), "{name}: an axis is reversed");
        let value_axis = &xml[xml.find("<c:valAx>").expect("a value axis")..];
        assert!(
            value_axis.contains("<c:axPos val=\"l\"/>"),
            "{name}: values are not on the vertical axis"
        );
    }
    assert_eq!(lines, 1, "one monthly attendance line");
}
