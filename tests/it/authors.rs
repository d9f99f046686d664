//! Authors matched as people are: one author under two spellings sends one journal; two
//! authors sending what looks like one journal are warned about.

use super::util::*;

#[test]
fn the_same_journal_signed_with_the_full_name_replaces_the_one_signed_with_initials() {
    let ws = Ws::new();
    ws.drop("журнал.xlsx", &signed(attendance(), "Орлов П. С."));
    assert_eq!(ws.ingest().status.code(), Some(0));
    let events = ws.records("events");
    let marks = ws.records("attendance");

    ws.drop(
        "журнал (исправлен).xlsx",
        &signed(attendance(), "Орлов Павел Сергеевич"),
    );
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        ws.records("events"),
        events,
        "one journal, its events unchanged"
    );
    assert_eq!(ws.records("attendance"), marks);
    let last = ws.log().pop().unwrap();
    assert_eq!(last["outcome"], "replaced");
    let t = text(&out);
    assert!(
        t.contains("заменён файл inbox/журнал.xlsx: строк добавлено 0, удалено 0, изменено 0"),
        "{t}"
    );
    assert!(
        t.contains("«Орлов Павел Сергеевич» вместо «Орлов П. С.»"),
        "{t}"
    );

    ws.drop("журнал 3.xlsx", &signed(attendance(), "орлов п.с."));
    ws.drop("журнал 4.xlsx", &signed(attendance(), "ОРЛОВ  П. С"));
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(ws.records("events"), events);
}

#[test]
fn two_authors_sending_one_journal_are_warned_naming_both_files() {
    let ws = Ws::new();
    ws.drop("журнал Орлова.xlsx", &signed(attendance(), "Орлов П. С."));
    ws.ingest();
    ws.drop(
        "журнал Соколова.xlsx",
        &signed(attendance(), "Соколов И. О."),
    );
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("файлы «inbox/журнал Соколова.xlsx» (автор «Соколов И. О.») и «inbox/журнал Орлова.xlsx»")
            && t.contains("похожи на один журнал, присланный дважды: совпадают 3 из 3 событий"),
        "{t}"
    );
    assert_eq!(num(&ws.log().pop().unwrap(), "warnings"), 1);
    assert_eq!(
        ws.records("events").height(),
        6,
        "two authors' journals still add up"
    );
}

#[test]
fn different_journals_of_two_authors_raise_no_warning() {
    let ws = Ws::new();
    ws.drop("журнал Орлова.xlsx", &signed(attendance(), "Орлов П. С."));
    ws.ingest();
    let mut other = signed(attendance(), "Соколов И. О.");
    for (i, row) in other[1].1.iter_mut().skip(1).enumerate() {
        row[1] = V::D(2025, 10, 20 + i as u8);
    }
    ws.drop("журнал Соколова.xlsx", &other);
    let out = ws.ingest();
    assert!(!text(&out).contains("один журнал"), "{}", text(&out));
}

#[test]
fn the_summary_fits_a_narrow_console_in_blocks_and_a_wide_one_in_a_table() {
    let ws = Ws::new();
    ws.drop("журнал.xlsx", &attendance());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tutorstat"));
    let narrow = cmd
        .args(["ingest", "--workspace"])
        .arg(ws.root())
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let t = text(&narrow);
    assert!(
        t.contains(
            "журнал.xlsx — загружен\n  Журнал посещаемости; 2315-001, 1 четверть 2025/2026;"
        ),
        "{t}"
    );
    assert!(t.lines().all(|l| l.chars().count() <= 60), "{t}");

    ws.drop("состав.xlsx", &roster());
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tutorstat"));
    let wide = cmd
        .args(["ingest", "--workspace"])
        .arg(ws.root())
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    let t = text(&wide);
    assert!(
        t.contains("│ Файл") && t.contains("Сохр. — сохранено"),
        "{t}"
    );
    assert!(t.lines().all(|l| l.chars().count() <= 100), "{t}");
}
