//! `tutorstat status`: per school and form, what arrived, what waits for a fix and what is
//! missing; rejected files move to `rejected/исправлено/` once their corrected file is in.

use calamine::{Reader, open_workbook_auto};

use super::util::*;

/// The rows of `status.xlsx` below its header, as text.
fn status_rows(ws: &Ws) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(ws.path("reports/2025-2026-Q1/status.xlsx")).unwrap();
    let range = wb.worksheet_range("Сдача форм").unwrap();
    range
        .rows()
        .skip(4)
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The state column of the row of a form.
fn state_of(rows: &[Vec<String>], form: &str) -> Vec<String> {
    rows.iter()
        .filter(|r| r[3] == form)
        .map(|r| r[4].clone())
        .collect()
}

fn bad_journal() -> Vec<Sheet> {
    let mut a = attendance();
    a[2].1[2][4] = V::from("x");
    a
}

#[test]
fn a_rejected_journal_waits_for_a_fix_and_moves_to_fixed_once_the_fix_arrives() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop("журнал.xlsx", &bad_journal());
    assert_eq!(ws.ingest().status.code(), Some(1));

    let out = ws.run(&["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("Сдача форм за 1 четверть 2025/2026"), "{t}");
    assert!(
        t.contains(
            "2315-001 МБОУ СОШ № 1, г. Новоморск\n  Состав участников — получена 23.11.2025"
        ),
        "{t}"
    );
    assert!(
        t.contains("Журнал посещаемости — отклонена, ждёт исправления: rejected/журнал.xlsx — ошибка: лист «Посещаемость», ячейка E3"),
        "{t}"
    );
    assert!(t.contains("Индивидуальные маршруты — не получена"), "{t}");
    let rows = status_rows(&ws);
    assert_eq!(
        state_of(&rows, "Журнал посещаемости"),
        ["отклонена, ждёт исправления"]
    );
    let journal = rows.iter().find(|r| r[3] == "Журнал посещаемости").unwrap();
    assert_eq!(
        (journal[1].as_str(), journal[6].as_str()),
        ("2315-001", "rejected/журнал.xlsx")
    );
    assert!(
        journal[7].contains("ячейка E3") && journal[7].contains("«x»"),
        "{journal:?}"
    );

    // The teacher sends the annotated copy back still wrong: one more attempt, no stacked name.
    std::fs::copy(
        ws.path("rejected/журнал.xlsx.ошибки.xlsx"),
        ws.path("inbox/журнал.xlsx.ошибки.xlsx"),
    )
    .unwrap();
    assert_eq!(ws.ingest().status.code(), Some(1));
    let rejected = ws.files_in("rejected");
    assert!(
        rejected.iter().all(|n| n.matches("ошибки").count() <= 1),
        "{rejected:?}"
    );
    assert_eq!(
        rejected
            .iter()
            .filter(|n| n.ends_with(".ошибки.txt"))
            .count(),
        2,
        "{rejected:?}"
    );

    ws.drop("журнал (исправлен).xlsx", &attendance());
    assert_eq!(ws.ingest().status.code(), Some(0));
    assert!(
        ws.files_in("rejected")
            .iter()
            .all(|n| n.starts_with("исправлено/")),
        "{:?}",
        ws.files_in("rejected")
    );
    let fixed = ws.files_in("rejected/исправлено");
    assert!(
        fixed.contains(&"журнал.xlsx".to_string())
            && fixed.contains(&"журнал.xlsx.ошибки.txt".to_string()),
        "{fixed:?}"
    );
    assert_eq!(
        fixed.len(),
        6,
        "two attempts, each with its list and annotated copy: {fixed:?}"
    );

    let t = text(&ws.run(&["status", "--term", "2025/2026 1 четверть"]));
    assert!(
        t.contains("Журнал посещаемости — получена 23.11.2025"),
        "{t}"
    );
    assert!(!t.contains("ждёт исправления:"), "{t}");
    assert_eq!(
        state_of(&status_rows(&ws), "Журнал посещаемости"),
        ["получена"]
    );
}

#[test]
fn deadlines_mark_late_and_overdue_forms_and_the_register_names_silent_schools() {
    let ws = Ws::new();
    let mut config = std::fs::read_to_string(ws.path("tutorstat.toml")).unwrap();
    config = config.replace(
        "[deadlines]\n",
        "[deadlines]\n\"2025/2026 Q1\" = \"2025-11-10\"\n",
    );
    config.push_str("\n[[register]]\ncode = \"2315-001\"\nname = \"МБОУ СОШ № 1\"\nmunicipality = \"г. Новоморск\"\n");
    config.push_str("\n[[register]]\ncode = \"2315-002\"\nname = \"МБОУ СОШ № 2\"\nmunicipality = \"г. Новоморск\"\n");
    std::fs::write(ws.path("tutorstat.toml"), config).unwrap();
    ws.drop("состав.xlsx", &roster());
    ws.ingest();
    let out = ws.run(&["status"]);
    let t = text(&out);
    assert!(t.contains("(срок сдачи — 10.11.2025)"), "{t}");
    assert!(
        t.contains("Состав участников — получена с опозданием 23.11.2025"),
        "{t}"
    );
    assert!(
        t.contains(
            "2315-002 МБОУ СОШ № 2, г. Новоморск\n  Состав участников — не получена, срок прошёл"
        ),
        "{t}"
    );
    assert!(
        t.contains("Итого: получено 1 (из них с опозданием 1), ждут исправления 0, не получено 5."),
        "{t}"
    );
}

#[test]
fn status_before_any_file_says_there_is_nothing_yet() {
    let ws = Ws::new();
    let out = ws.run(&["status"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out).contains("Файлы ещё не загружались"),
        "{}",
        text(&out)
    );
}
