//! The file journey: valid forms stored, bad ones rejected with cell-exact reasons,
//! re-submission, idempotence and row accounting.

use super::util::*;
use crate::row;

#[test]
fn stores_every_valid_form_and_archives_the_files() {
    let ws = Ws::new();
    ws.drop_every_form();
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(ws.files_in("inbox").is_empty());
    assert_eq!(ws.files_in("archive").len(), 5);
    assert_eq!(ws.records("roster").height(), 8);
    assert_eq!(ws.records("events").height(), 3);
    // 4 people x 3 events minus one empty cell (not expected).
    assert_eq!(ws.records("attendance").height(), 11);
    // 3 people x 3 tasks, the absent one with null points.
    let results = ws.records("diag_results");
    assert_eq!(results.height(), 9);
    assert_eq!(results.column("points").unwrap().null_count(), 3);
    assert_eq!(ws.records("answers").height(), 30);
    assert_eq!(ws.records("route").height(), 3);
    let summary = text(&out);
    assert!(summary.contains("загружено: 5"), "{summary}");
    // Clean files written the way the template asks raise no warning at all.
    assert!(
        ws.log().iter().all(|e| num(e, "warnings") == 0),
        "{summary}"
    );
}

#[test]
fn scores_empty_cells_of_a_present_person_as_zero() {
    let ws = Ws::new();
    ws.drop("диагностика.xlsx", &diagnostic());
    ws.ingest();
    let results = ws.records("diag_results");
    let keys = results.column("_key").unwrap().str().unwrap().clone();
    let points = results.column("points").unwrap().f64().unwrap().clone();
    let of = |key: &str| {
        keys.iter()
            .zip(points.iter())
            .find(|(k, _)| *k == Some(key))
            .unwrap()
            .1
    };
    assert_eq!(of("У-2|3"), Some(0.0));
    assert_eq!(of("У-1|2"), Some(2.0));
    assert_eq!(of("У-3|1"), None);
}

#[test]
fn accounts_for_every_row_read() {
    let ws = Ws::new();
    let mut sheets = roster();
    // A blank row between data and a total row at the end.
    sheets[1].1.insert(4, row!["", "", ""]);
    sheets[1].1.push(row!["Итого:", "8"]);
    ws.drop("состав.xlsx", &sheets);
    let mut bad = attendance();
    bad[2].1[1][3] = V::from("x");
    ws.drop("журнал.xlsx", &bad);
    ws.ingest();
    for entry in ws.log() {
        assert_eq!(
            num(&entry, "rows_read"),
            num(&entry, "rows_stored") + num(&entry, "rows_rejected") + num(&entry, "rows_blank"),
            "{entry:?}"
        );
    }
    let log = ws.log();
    let roster = log.iter().find(|e| e["form"] == "roster").unwrap();
    assert_eq!(
        (
            num(roster, "rows_read"),
            num(roster, "rows_stored"),
            num(roster, "rows_blank")
        ),
        (10, 8, 2)
    );
}

/// Each case: a mutation of a valid workbook and a text its problem list must contain.
fn assert_rejected(name: &str, sheets: &[Sheet], expected: &[&str]) {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop(name, sheets);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        ws.files_in("rejected"),
        vec![
            name.to_string(),
            format!("{name}.ошибки.txt"),
            format!("{name}.ошибки.xlsx")
        ]
    );
    let problems = ws.problems_of(name);
    for e in expected {
        assert!(problems.contains(e), "expected «{e}» in:\n{problems}");
    }
    // Nothing else in the inbox is affected.
    assert_eq!(ws.records("roster").height(), 8);
    assert!(ws.files_in("inbox").is_empty());
}

#[test]
fn rejects_a_score_above_the_task_maximum() {
    let mut d = diagnostic();
    d[2].1[1][3] = V::N(5.0);
    assert_rejected(
        "диагностика.xlsx",
        &d,
        &["лист «Результаты», ячейка D2", "значение «5»", "от 0 до 2"],
    );
}

#[test]
fn rejects_text_in_a_score() {
    let mut d = diagnostic();
    d[2].1[2][2] = V::from("два");
    assert_rejected(
        "диагностика.xlsx",
        &d,
        &["ячейка C3", "значение «два»", "а не текст"],
    );
}

#[test]
fn rejects_an_unknown_mark() {
    let mut a = attendance();
    a[2].1[2][4] = V::from("x");
    assert_rejected(
        "журнал.xlsx",
        &a,
        &[
            "лист «Посещаемость», ячейка E3",
            "значение «x»",
            "неизвестная отметка",
        ],
    );
}

#[test]
fn rejects_an_unknown_role() {
    let mut r = roster();
    r[1].1[5][2] = V::from("директор");
    let ws = Ws::new();
    ws.drop("состав.xlsx", &r);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("состав.xlsx");
    assert!(
        problems.contains("ячейка C6")
            && problems.contains("«директор»")
            && problems.contains("допустимо: наставник, тьютор, педагог, обучающийся"),
        "{problems}"
    );
}

#[test]
fn rejects_an_unknown_questionnaire() {
    let mut q = competency();
    q[0].1[8][1] = V::from("no-such-questionnaire");
    // The passport's value cell is named, as for every other passport field.
    assert_rejected(
        "анкета.xlsx",
        &q,
        &[
            "лист «Паспорт», ячейка B9",
            "значение «no-such-questionnaire»",
            "неизвестная анкета",
            "tutor-competency",
        ],
    );
}

#[test]
fn rejects_a_duplicate_id() {
    let mut r = roster();
    r[1].1[4][0] = V::from("Т-1");
    let ws = Ws::new();
    ws.drop("состав.xlsx", &r);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("состав.xlsx");
    assert!(
        problems.contains("ячейка A5") && problems.contains("ID повторяется: уже есть в строке 2"),
        "{problems}"
    );
}

#[test]
fn rejects_an_unknown_tutor() {
    let mut r = roster();
    r[1].1[6][6] = V::from("Т-9");
    let ws = Ws::new();
    ws.drop("состав.xlsx", &r);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("состав.xlsx");
    assert!(
        problems.contains("ячейка G7") && problems.contains("тьютора с таким ID нет"),
        "{problems}"
    );
}

#[test]
fn rejects_a_missing_passport_field() {
    let mut r = attendance();
    r[0].1
        .retain(|row| !matches!(&row[0], V::S(s) if s == "Код ОО"));
    assert_rejected(
        "журнал.xlsx",
        &r,
        &["лист «Паспорт»", "нет строки «Код ОО»"],
    );
}

#[test]
fn rejects_a_missing_column() {
    let mut r = route();
    for row in &mut r[1].1 {
        row.remove(6);
    }
    assert_rejected(
        "маршруты.xlsx",
        &r,
        &["лист «Маршрут»", "нет обязательного столбца «Статус»"],
    );
}

#[test]
fn rejects_an_answer_out_of_scale() {
    let mut q = competency();
    q[1].1[2][4] = V::N(7.0);
    assert_rejected(
        "анкета.xlsx",
        &q,
        &[
            "лист «Ответы», ячейка E3",
            "значение «7»",
            "целое число от 1 до 4",
        ],
    );
}

#[test]
fn rejects_a_result_on_a_status_other_than_done() {
    let mut r = route();
    r[1].1[2][7] = V::from("победитель");
    assert_rejected(
        "маршруты.xlsx",
        &r,
        &["ячейка H3", "только для статуса «выполнено»"],
    );
}

#[test]
fn rejects_broken_files_with_a_file_level_reason() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let inbox = ws.path("inbox");
    std::fs::write(inbox.join("пустой.xlsx"), b"").unwrap();
    std::fs::write(
        inbox.join("не таблица.xlsx"),
        "это просто текст, а не таблица",
    )
    .unwrap();
    let good = std::fs::read(ws.path("inbox/состав.xlsx")).unwrap();
    std::fs::write(inbox.join("обрезанный.xlsx"), &good[..good.len() / 2]).unwrap();
    // An OLE container with an EncryptedPackage stream: how Excel saves a password-protected file.
    let mut container = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    for stream in ["EncryptionInfo", "EncryptedPackage"] {
        std::io::Write::write_all(&mut container.create_stream(stream).unwrap(), &[7u8; 4096])
            .unwrap();
    }
    container.flush().unwrap();
    std::fs::write(
        inbox.join("с паролем.xlsx"),
        container.into_inner().into_inner(),
    )
    .unwrap();
    write_xlsx(&inbox.join("пустая книга.xlsx"), &[sheet("Лист1", vec![])]);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(ws.problems_of("пустой.xlsx").contains("файл пустой"));
    assert!(
        ws.problems_of("не таблица.xlsx")
            .contains("не таблица Excel")
    );
    assert!(ws.problems_of("обрезанный.xlsx").contains("повреждён"));
    assert!(ws.problems_of("с паролем.xlsx").contains("защищён паролем"));
    assert!(
        ws.problems_of("пустая книга.xlsx")
            .contains("не удалось определить форму")
    );
    assert_eq!(ws.records("roster").height(), 8);
}

#[test]
fn skips_lock_files_and_other_documents_with_a_note() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    std::fs::write(ws.path("inbox/~$состав.xlsx"), b"lock").unwrap();
    std::fs::write(ws.path("inbox/.~lock.журнал.ods#"), b"lock").unwrap();
    std::fs::write(ws.path("inbox/письмо.docx"), b"doc").unwrap();
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0));
    let t = text(&out);
    assert!(
        t.contains("файл блокировки") && t.contains("не таблица"),
        "{t}"
    );
    assert_eq!(ws.files_in("inbox").len(), 3);
}

#[test]
fn ingesting_the_same_inbox_twice_leaves_the_same_store() {
    let ws = Ws::new();
    ws.drop_every_form();
    let copies: Vec<_> = ws
        .files_in("inbox")
        .into_iter()
        .map(|n| (n.clone(), std::fs::read(ws.path("inbox").join(&n)).unwrap()))
        .collect();
    ws.ingest();
    let before: Vec<_> = [
        "roster",
        "events",
        "attendance",
        "answers",
        "diag_tasks",
        "diag_results",
        "route",
    ]
    .map(|t| ws.records(t))
    .into();
    for (name, bytes) in copies {
        std::fs::write(ws.path("inbox").join(name), bytes).unwrap();
    }
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).contains("уже загружен"));
    let after: Vec<_> = [
        "roster",
        "events",
        "attendance",
        "answers",
        "diag_tasks",
        "diag_results",
        "route",
    ]
    .map(|t| ws.records(t))
    .into();
    assert_eq!(before, after);
    assert_eq!(
        ws.log()
            .iter()
            .filter(|e| e["outcome"] == "duplicate")
            .count(),
        5
    );
}

#[test]
fn a_corrected_file_replaces_its_predecessor_and_reports_the_changes() {
    let ws = Ws::new();
    ws.drop("журнал.xlsx", &attendance());
    ws.ingest();
    let mut corrected = attendance();
    corrected[2].1[1][4] = V::from("+"); // Н-1 at С3: н -> +
    corrected[2].1.remove(4); // У-2 removed: 3 marks gone
    ws.drop("журнал (исправлен).xlsx", &corrected);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let last = ws.log().pop().unwrap();
    assert_eq!(last["outcome"], "replaced");
    assert_eq!(
        (
            num(&last, "added"),
            num(&last, "removed"),
            num(&last, "changed")
        ),
        (0, 3, 1)
    );
    assert_eq!(ws.records("attendance").height(), 8);
    assert_eq!(ws.records("events").height(), 3);
    assert_eq!(ws.files_in("archive").len(), 2);
}

#[test]
fn journals_of_different_authors_add_up() {
    let ws = Ws::new();
    ws.drop("журнал 1.xlsx", &attendance());
    let mut other = attendance();
    other[0].1.push(row!["Заполнил", "Соколов И. О."]);
    other[0].1.retain(|r| !matches!((&r[0], &r[1]), (V::S(l), V::S(v)) if l == "Заполнил" && v.starts_with("Иванова")));
    ws.drop("журнал 2.xlsx", &other);
    assert_eq!(ws.ingest().status.code(), Some(0));
    assert_eq!(ws.records("events").height(), 6);
}

#[test]
fn warns_about_ids_missing_from_the_roster_without_rejecting() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let mut a = attendance();
    a[2].1.push(row!["У-99", "Незнакомец", "+", "", ""]);
    ws.drop("журнал.xlsx", &a);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let journal = ws
        .log()
        .into_iter()
        .find(|e| e["form"] == "attendance")
        .unwrap();
    assert_eq!(num(&journal, "warnings"), 1);
    assert_eq!(ws.records("attendance").height(), 12);
}

#[test]
fn check_prints_problems_and_stores_nothing() {
    let ws = Ws::new();
    let mut d = diagnostic();
    d[2].1[1][3] = V::N(5.0);
    let path = ws.path("проверка.xlsx");
    write_xlsx(&path, &d);
    let out = ws.run(&["check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("ячейка D2"));
    assert!(ws.files_in("store").is_empty());
}

#[test]
fn a_workbook_without_passport_needs_school_and_term_and_says_how_to_give_them() {
    let ws = Ws::new();
    let sheets = roster();
    ws.drop("состав.xlsx", &sheets[1..]);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let problems = ws.problems_of("состав.xlsx");
    assert!(
        problems.contains("нет листа «Паспорт»") && problems.contains("--school КОД --term"),
        "{problems}"
    );
    std::fs::rename(
        ws.path("rejected/состав.xlsx"),
        ws.path("inbox/состав.xlsx"),
    )
    .unwrap();
    let out = ws.run(&["ingest", "--school", "2315-001", "--term", "2025/2026 Q1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let roster = ws.records("roster");
    assert_eq!(roster.height(), 8);
    assert_eq!(
        roster.column("term").unwrap().str().unwrap().get(0),
        Some("2025/2026 Q1")
    );
}

#[test]
fn two_authors_sending_the_same_person_get_a_warning_naming_the_other_file() {
    let ws = Ws::new();
    ws.drop("маршруты 1.xlsx", &route());
    ws.ingest();
    let mut other = route();
    other[0]
        .1
        .retain(|r| !matches!(&r[0], V::S(l) if l == "Заполнил"));
    other[0].1.push(row!["Заполнил", "Соколов И. О."]);
    ws.drop("маршруты 2.xlsx", &other);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("записи об участниках У-1, У-2 уже пришли в файле «inbox/маршруты 1.xlsx» другого автора"), "{t}");
}

#[test]
fn accept_partial_stores_the_valid_rows_and_counts_the_rejected_ones() {
    let ws = Ws::new();
    let mut a = attendance();
    a[2].1[2][4] = V::from("x"); // Н-2's row is rejected, three others stay.
    ws.drop("журнал.xlsx", &a);
    let out = ws.run(&["ingest", "--accept-partial"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let entry = ws.log().pop().unwrap();
    assert_eq!(
        (
            num(&entry, "rows_stored"),
            num(&entry, "rows_rejected"),
            num(&entry, "errors")
        ),
        (3 + 3, 1, 1),
        "{entry:?}"
    );
    let persons: Vec<String> = ws
        .records("attendance")
        .column("person_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(String::from)
        .collect();
    assert!(!persons.contains(&"Н-2".to_string()));
    assert_eq!(persons.len(), 8);
}

/// A workbook read back into test sheets (dates as dates), to "fix it in code".
#[test]
fn a_rejected_file_comes_with_an_annotated_copy_that_is_accepted_once_fixed() {
    let ws = Ws::new();
    let mut d = diagnostic();
    d[2].1[1][3] = V::N(5.0); // D2: above the maximum of task 2
    d[2].1[2][2] = V::from("два"); // C3: text
    ws.drop("диагностика.xlsx", &d);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let copy = ws.path("rejected/диагностика.xlsx.ошибки.xlsx");
    let mut sheets = read_back(&copy);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Проверка", "Паспорт", "Задания", "Результаты"]);
    let check: Vec<String> = sheets[0]
        .1
        .iter()
        .flatten()
        .filter_map(|v| {
            if let V::S(s) = v {
                Some(s.clone())
            } else {
                None
            }
        })
        .collect();
    assert!(
        check.contains(&"D2".to_string()) && check.contains(&"C3".to_string()),
        "{check:?}"
    );
    // The copy carries the notes on the bad cells.
    let xml = readable_text(&copy);
    assert!(
        xml.contains("должен быть от 0 до 2"),
        "the note of D2 is missing"
    );
    // Fix the two cells in code, as the teacher would, and drop the copy back.
    let results = sheets.iter_mut().find(|(n, _)| n == "Результаты").unwrap();
    results.1[1][3] = V::N(2.0);
    results.1[2][2] = V::N(0.0);
    ws.drop("диагностика (исправлено).xlsx", &sheets);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // The records equal those of the valid original.
    let fixed = ws.records("diag_results");
    let clean = Ws::new();
    clean.drop("диагностика.xlsx", &diagnostic());
    clean.ingest();
    let original = clean.records("diag_results");
    assert_eq!(
        fixed.column("points").unwrap(),
        original.column("points").unwrap()
    );
    assert_eq!(
        fixed.column("_key").unwrap(),
        original.column("_key").unwrap()
    );
}

/// Two different files of the same name (from two teachers' folders) rejected in one run:
/// both reach `rejected/`, neither replaces the other, each with its own problem list.
#[test]
fn rejected_files_of_the_same_name_both_reach_rejected() {
    let ws = Ws::new();
    for (folder, text) in [("школа1", "первый"), ("школа2", "второй")] {
        std::fs::create_dir_all(ws.path("inbox").join(folder)).unwrap();
        std::fs::write(ws.path("inbox").join(folder).join("журнал.xlsx"), text).unwrap();
    }
    assert_eq!(ws.ingest().status.code(), Some(1));
    let rejected = ws.files_in("rejected");
    let contents: std::collections::BTreeSet<String> = rejected
        .iter()
        .filter(|n| n.ends_with(".xlsx"))
        .map(|n| std::fs::read_to_string(ws.path("rejected").join(n)).unwrap())
        .collect();
    assert_eq!(
        contents,
        ["второй", "первый"].map(String::from).into(),
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
}

/// The xml part of an xlsx.
fn xlsx_part(path: &std::path::Path, part: &str) -> String {
    let mut zip = ::zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut text).unwrap();
    text
}

/// The xml part of the sheet of a given name.
fn sheet_part(path: &std::path::Path, name: &str) -> String {
    let workbook = xlsx_part(path, "xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet ")
        .skip(1)
        .map(|s| {
            s.split("name=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    let index = names
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("no sheet {name} in {names:?}"));
    xlsx_part(path, &format!("xl/worksheets/sheet{}.xml", index + 1))
}

#[test]
fn an_annotated_journal_is_the_blank_form_refilled_and_is_accepted_once_fixed() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let mut journal = attendance();
    journal[2].1[2][4] = V::from("x"); // E3: an unknown mark
    ws.drop("журнал.xlsx", &journal);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let copy = ws.path("rejected/журнал.xlsx.ошибки.xlsx");

    // The blank's sheets, «Проверка» first and active, the lists hidden.
    let workbook = xlsx_part(&copy, "xl/workbook.xml");
    let sheets: Vec<&str> = workbook.split("<sheet ").skip(1).collect();
    assert!(sheets[0].contains("name=\"Проверка\""), "{workbook}");
    let names: Vec<String> = read_back(&copy).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "Проверка",
            "Паспорт",
            "Инструкция",
            "События",
            "Посещаемость",
            "Списки"
        ]
    );
    assert!(
        sheets
            .iter()
            .any(|s| s.contains("name=\"Списки\"") && s.contains("state=\"hidden\"")),
        "{workbook}"
    );
    // Dropdowns, column widths and protection as in the blank; the bad cell has its note.
    let events = sheet_part(&copy, "События");
    let marks = sheet_part(&copy, "Посещаемость");
    let blank = ws.path("templates/Журнал посещаемости.xlsx");
    for (copy_sheet, blank_sheet) in [
        (&events, sheet_part(&blank, "События")),
        (&marks, sheet_part(&blank, "Посещаемость")),
    ] {
        let validations = |xml: &str| {
            xml.split("<dataValidations")
                .nth(1)
                .map(|s| s.split("</dataValidations>").next().unwrap().to_string())
        };
        assert_eq!(
            validations(copy_sheet),
            validations(&blank_sheet),
            "the dropdowns differ from the blank"
        );
        // Column widths (their style ids differ: the copy has more formats).
        let widths = |xml: &str| -> Vec<String> {
            xml.split("<col ")
                .skip(1)
                .map(|c| c.split(" style=").next().unwrap().to_string())
                .collect()
        };
        assert_eq!(widths(copy_sheet), widths(&blank_sheet));
        assert!(!widths(copy_sheet).is_empty());
        assert!(copy_sheet.contains("<sheetProtection"), "{copy_sheet}");
    }
    let check = sheet_part(&copy, "Проверка");
    assert!(
        check.contains("fitToPage=\"1\"") && check.contains("orientation=\"landscape\""),
        "{check}"
    );
    let words = readable_text(&copy);
    assert!(
        words.contains("передайте его методисту") && !words.contains("inbox"),
        "the copy speaks to the teacher"
    );
    assert!(
        words.contains("неизвестная отметка"),
        "the note of E3 is missing"
    );
    // The teacher's values are in their cells, dates as dates.
    let mut back = read_back(&copy);
    let marks = back.iter_mut().find(|(n, _)| n == "Посещаемость").unwrap();
    assert!(
        matches!(&marks.1[2][4], V::S(x) if x == "x"),
        "{:?}",
        marks.1[2]
    );
    let events = read_back(&copy)
        .into_iter()
        .find(|(n, _)| n == "События")
        .unwrap();
    assert!(
        matches!(events.1[1][1], V::D(2025, 9, 12)),
        "{:?}",
        events.1[1]
    );

    // Fixed as the teacher would, the copy is accepted with the valid journal's records.
    marks.1[2][4] = V::from("+");
    ws.drop("журнал (исправлен).xlsx", &back);
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let clean = Ws::new();
    clean.drop("состав.xlsx", &roster());
    let mut valid = attendance();
    valid[2].1[2][4] = V::from("+");
    clean.drop("журнал.xlsx", &valid);
    clean.ingest();
    for table in ["events", "attendance"] {
        assert_eq!(ws.records(table), clean.records(table), "{table}");
    }
}

#[test]
fn a_file_not_laid_out_as_the_blank_gets_a_plain_copy_with_wide_enough_columns() {
    let ws = Ws::new();
    let mut journal = attendance();
    journal[1].1.iter_mut().for_each(|row| row.swap(0, 1)); // «Дата» before «Код события»
    journal[2].1[2][4] = V::from("x");
    ws.drop("журнал.xlsx", &journal);
    assert_eq!(ws.ingest().status.code(), Some(1));
    let copy = ws.path("rejected/журнал.xlsx.ошибки.xlsx");
    let names: Vec<String> = read_back(&copy).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Проверка", "Паспорт", "События", "Посещаемость"]);
    let events = sheet_part(&copy, "События");
    let width = |col: u32| -> f64 {
        let cols = events
            .split("<col ")
            .skip(1)
            .find(|c| c.contains(&format!("min=\"{col}\"")))
            .unwrap()
            .to_string();
        cols.split("width=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        width(1) >= 10.0,
        "a date column shows its dates, not «###»: {events}"
    );
}

/// Schools' packages are decided like workbooks: a package in a school's inbox, or a file at
/// a centre that is not a package, goes to `rejected/` with its reason in the problem list
/// and one rejected line in the log (no annotated copy: there are no cells to mark).
#[test]
fn a_misplaced_or_damaged_package_is_rejected_with_its_reason() {
    let school = Ws::new();
    // Two copies of one package: a copy of a rejected file is rejected too, not «уже загружен».
    std::fs::write(school.path("inbox/пакет.parquet"), b"PAR1").unwrap();
    std::fs::write(school.path("inbox/копия пакета.parquet"), b"PAR1").unwrap();
    let out = school.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    for name in ["пакет.parquet", "копия пакета.parquet"] {
        let list = school.problems_of(name);
        assert!(list.contains("это пакет школы для центра (.parquet): его загружают в рабочей папке центра, а не школы"), "{name}: {list}");
    }
    let outcomes: Vec<String> = school
        .log()
        .iter()
        .map(|line| line["outcome"].clone())
        .collect();
    assert_eq!(outcomes, ["rejected", "rejected"]);

    let centre = Ws::new();
    let config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    std::fs::write(
        centre.path("tutorstat.toml"),
        config.replace("kind = \"school\"", "kind = \"centre\""),
    )
    .unwrap();
    std::fs::write(centre.path("inbox/пакет.parquet"), b"PAR1").unwrap();
    let out = centre.ingest();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let list = centre.problems_of("пакет.parquet");
    assert!(
        list.contains("файл .parquet повреждён или это не пакет tutorstat"),
        "{list}"
    );
    assert_eq!(
        centre.files_in("rejected"),
        ["пакет.parquet", "пакет.parquet.ошибки.txt"]
    );
    let log = centre.log();
    let [line] = log.as_slice() else {
        panic!("one log line expected: {log:?}")
    };
    let fields = ["outcome", "form", "school_code", "errors"].map(|c| line[c].as_str());
    assert_eq!(fields, ["rejected", "", "", "1"], "{line:?}");
}
