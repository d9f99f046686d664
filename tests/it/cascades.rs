//! All problems at once, even behind a bad row: a row or column that fails one rule is still
//! checked against every other rule, so a teacher learns every error of a file in one go.

use std::path::Path;

use super::util::*;
use crate::row;

/// `check` of one workbook: (exit code, the printed problems).
fn check(ws: &Ws, sheets: &[Sheet]) -> (Option<i32>, String) {
    let path = ws.path("проверка.xlsx");
    write_xlsx(&path, sheets);
    let out = ws.run(&["check", path.to_str().unwrap()]);
    (out.status.code(), text(&out))
}

/// The problem lines of a `check` output that concern `cell` of `sheet`.
fn at<'a>(out: &'a str, sheet: &str, cell: &str) -> Vec<&'a str> {
    let place = format!("лист «{sheet}», ячейка {cell}:");
    out.lines().filter(|l| l.contains(&place)).collect()
}

#[test]
fn the_sample_journal_reports_the_event_date_and_the_mark_of_that_event_at_once() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples/inbox/2341-012 СОШ 12/2341-012_Q4_посещаемость_обучающиеся_Семёнов_с_ошибками.xlsx");
    let ws = Ws::new();
    let out = ws.run(&["check", sample.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert_eq!(at(&t, "События", "B4").len(), 1, "{t}");
    let e5 = at(&t, "Посещаемость", "E5");
    assert!(
        e5.len() == 1 && e5[0].starts_with("ошибка") && e5[0].contains("«x»"),
        "{t}"
    );
    assert!(
        !t.contains("не входит в форму"),
        "the event's column is part of the form: {t}"
    );
}

#[test]
fn marks_are_checked_in_the_column_of_a_rejected_event_and_in_rows_without_a_valid_id() {
    let mut a = attendance();
    a[1].1[2][2] = V::from("лекция"); // С2: not a kind of event (C3)
    a[2].1[1][3] = V::from("?"); // Н-1's mark for С2 (D2)
    a[2].1[3][0] = V::E; // У-1's row loses its ID (A4)...
    a[2].1[3][2] = V::from("да"); // ...and has a bad mark (C4)
    a[2].1.push(row!["Н-1", "Кузнецова О. В.", "", "", "2"]); // a second row of Н-1 (A6) with a bad mark (E6)
    let ws = Ws::new();
    let (code, t) = check(&ws, &a);
    assert_eq!(code, Some(1));
    for (sheet, cell) in [
        ("События", "C3"),
        ("Посещаемость", "D2"),
        ("Посещаемость", "A4"),
        ("Посещаемость", "C4"),
        ("Посещаемость", "A6"),
        ("Посещаемость", "E6"),
    ] {
        assert_eq!(at(&t, sheet, cell).len(), 1, "{sheet} {cell}: {t}");
    }
    assert!(!t.contains("не входит в форму"), "{t}");
}

#[test]
fn a_partial_ingest_keeps_no_marks_of_an_event_it_did_not_keep() {
    let mut a = attendance();
    a[1].1[3][1] = V::D(2024, 10, 10); // С3 dated outside the school year
    let ws = Ws::new();
    ws.drop("журнал.xlsx", &a);
    let out = ws.run(&["ingest", "--accept-partial"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let events: Vec<String> = ws
        .records("events")
        .column("event_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(String::from)
        .collect();
    assert_eq!(events, ["С1", "С2"]);
    let marked: Vec<String> = ws
        .records("attendance")
        .column("event_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(String::from)
        .collect();
    // Marks of С1 and С2: Н-1 2, Н-2 2, У-1 2, У-2 2; С3's three marks are left out.
    assert_eq!(marked.len(), 8, "{marked:?}");
    assert!(!marked.contains(&"С3".to_string()));
}

#[test]
fn a_roster_row_with_a_bad_role_still_has_its_tutor_link_checked() {
    let mut r = roster();
    r[1].1[6][2] = V::from("ученик"); // У-1: not a role (C7)...
    r[1].1[6][6] = V::from("П-1"); // ...and its tutor is a teacher (G7)
    r[1].1[2][2] = V::from("тьютр"); // Т-2's role misspelt (C3): У-3 points to Т-2
    let ws = Ws::new();
    let (code, t) = check(&ws, &r);
    assert_eq!(code, Some(1));
    assert_eq!(at(&t, "Состав", "C7").len(), 1, "{t}");
    let link = at(&t, "Состав", "G7");
    assert!(
        link.len() == 1 && link[0].contains("педагог, а не тьютор"),
        "{t}"
    );
    assert_eq!(at(&t, "Состав", "C3").len(), 1, "{t}");
    // Т-2 is in the list; only its role is unreadable: no second error for the link to it.
    assert!(
        at(&t, "Состав", "G9").is_empty() && at(&t, "Состав", "G5").is_empty(),
        "{t}"
    );
}

#[test]
fn points_are_checked_in_the_column_of_a_task_with_a_bad_maximum() {
    let mut d = diagnostic();
    d[1].1[3][1] = V::from("два"); // task 3: the maximum is not a number (B4)
    d[2].1[1][4] = V::from("много"); // У-1's points for task 3 (E2)
    d[2].1[2][4] = V::N(-1.0); // У-2's points for task 3 (E3)
    d[2].1[3][0] = V::E; // У-3's row without an ID (A4)...
    d[2].1[3][2] = V::N(7.0); // ...with points above task 1's maximum 1 (C4)
    let ws = Ws::new();
    let (code, t) = check(&ws, &d);
    assert_eq!(code, Some(1));
    assert_eq!(at(&t, "Задания", "B4").len(), 1, "{t}");
    let text_points = at(&t, "Результаты", "E2");
    assert!(
        text_points.len() == 1 && text_points[0].contains("не меньше 0"),
        "{t}"
    );
    assert_eq!(at(&t, "Результаты", "E3").len(), 1, "{t}");
    assert_eq!(at(&t, "Результаты", "A4").len(), 1, "{t}");
    let over = at(&t, "Результаты", "C4");
    assert!(over.len() == 1 && over[0].contains("от 0 до 1"), "{t}");
    assert!(!t.contains("не входит в форму"), "{t}");
}

#[test]
fn a_route_row_with_a_bad_status_says_what_its_result_needs() {
    let mut r = route();
    r[1].1[1][6] = V::from("готово"); // У-1's first item: not a status (G2); its result «призёр» (H2)
    r[1].1[3][8] = V::from("медаль"); // and an unknown evidence in another row (I4)
    let ws = Ws::new();
    let (code, t) = check(&ws, &r);
    assert_eq!(code, Some(1));
    assert_eq!(at(&t, "Маршрут", "G2").len(), 1, "{t}");
    let result = at(&t, "Маршрут", "H2");
    assert!(
        result.len() == 1
            && result[0].starts_with("предупреждение")
            && result[0].contains("«выполнено»"),
        "{t}"
    );
    assert_eq!(at(&t, "Маршрут", "I4").len(), 1, "{t}");
}

#[test]
fn a_passport_that_names_no_valid_term_or_school_still_has_its_data_checked() {
    let mut a = attendance();
    a[0].1
        .iter_mut()
        .filter(|r| matches!(&r[0], V::S(l) if l == "Период"))
        .for_each(|r| r[1] = V::from("5 четверть"));
    a[2].1[2][4] = V::from("x"); // Н-2's mark for С3 (E3)
    let ws = Ws::new();
    let (code, t) = check(&ws, &a);
    assert_eq!(code, Some(1));
    let period = t
        .lines()
        .filter(|l| l.contains("лист «Паспорт»") && l.contains("«5 четверть»"))
        .count();
    assert_eq!(period, 1, "{t}");
    assert_eq!(at(&t, "Посещаемость", "E3").len(), 1, "{t}");
    // A school code that cannot be a folder: the same, and a partial ingest stores nothing.
    let mut r = roster();
    r[0].1
        .iter_mut()
        .filter(|r| matches!(&r[0], V::S(l) if l == "Код ОО"))
        .for_each(|r| r[1] = V::from("../2315"));
    r[1].1[1][2] = V::from("директор"); // Т-1: not a role (C2)
    ws.drop("состав.xlsx", &r);
    let out = ws.run(&["ingest", "--accept-partial"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let problems = ws.problems_of("состав.xlsx");
    assert!(
        problems.contains("«Код ОО»") && problems.contains("ячейка C2"),
        "{problems}"
    );
    assert!(
        ws.files_in("store")
            .iter()
            .all(|f| !f.ends_with(".parquet")),
        "{:?}",
        ws.files_in("store")
    );
    let entry = ws.log().pop().unwrap();
    assert_eq!(
        (
            num(&entry, "rows_read"),
            num(&entry, "rows_stored"),
            num(&entry, "rows_rejected")
        ),
        (8, 0, 8),
        "{entry:?}"
    );
}
