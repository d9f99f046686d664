//! The school PDF read back with poppler's `pdftotext`: Russian headings, the school name,
//! key figures as in `indicators.csv`, page numbers, and a long roster that paginates with
//! its header repeated on every page.

use super::util::*;
use crate::row;

#[test]
fn the_pdf_speaks_russian_and_carries_the_figures_of_indicators_csv() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop("журнал.xlsx", &attendance());
    ws.drop("диагностика.xlsx", &diagnostic());
    ws.drop("маршруты.xlsx", &route());
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let pages = pdf_pages(
        &ws.path("reports/2025-2026-Q1/2315-001.pdf"),
        PdfText::Layout,
    );
    let all = pages.join("\n");
    for heading in [
        "Мониторинг тьюторского",
        "МБОУ СОШ № 1",
        "Ключевые показатели",
        "Успехи",
        "Сложности",
        "Графики",
        "Обучающиеся",
        "Что требует внимания",
        "Полнота данных и источники",
    ] {
        assert!(all.contains(heading), "«{heading}» missing:\n{all}");
    }
    // 7 present of 11 marks = 63,6 %; the diagnostic 40,0 %.
    assert!(all.contains("63,6 %") && all.contains("40,0 %"), "{all}");
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("стр. {} из {}", i + 1, pages.len())),
            "page {} lacks its number",
            i + 1
        );
    }
    assert!(all.contains("Смирнов Артём Дмитриевич"));
}

#[test]
fn a_roster_of_500_students_paginates_with_repeated_headers() {
    let ws = Ws::new();
    let mut sheets = roster();
    for i in 0..500 {
        sheets[1].1.push(row![
            format!("Д-{i:03}"),
            format!("Ученикова Мария {i}"),
            "обучающийся",
            "7А",
            "",
            "",
            "Т-1"
        ]);
    }
    ws.drop("состав.xlsx", &sheets);
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let pages = pdf_pages(
        &ws.path("reports/2025-2026-Q1/2315-001.pdf"),
        PdfText::Layout,
    );
    let with_students: Vec<&String> = pages
        .iter()
        .filter(|p| p.contains("Ученикова Мария"))
        .collect();
    assert!(
        with_students.len() >= 8,
        "500 rows should span many pages, got {}",
        with_students.len()
    );
    for page in &with_students {
        assert!(
            page.contains("Посещаемость") && page.contains("Класс"),
            "a page of the table lacks its header:\n{page}"
        );
    }
    assert!(pages.iter().any(|p| p.contains("Д-499")));
    assert!(
        pages
            .last()
            .unwrap()
            .contains(&format!("стр. {0} из {0}", pages.len()))
    );
}

#[test]
fn the_pdf_states_only_what_holds_no_club_no_comparison_and_reasons_with_their_forms() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let mut journal = attendance();
    // Club meetings are the seminars, master classes and club sessions: none here.
    for event in journal[1].1.iter_mut().skip(1) {
        event[2] = V::from("групповой тьюториал");
    }
    ws.drop("журнал.xlsx", &journal);
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let all = pdf_pages(
        &ws.path("reports/2025-2026-Q1/2315-001.pdf"),
        PdfText::Layout,
    )
    .join("\n");
    assert!(
        !all.contains("Клуб"),
        "a school without club events gets no club sentence:\n{all}"
    );
    // The first term sent: the comparison term has no data and is not named as one.
    assert!(!all.contains("Сравнение с периодом"), "{all}");
    assert!(all.contains("Изменения не показаны"), "{all}");
    // Routes were not sent: the support reason names the form.
    let flat = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("не сданы формы: Индивидуальные маршруты"),
        "{flat}"
    );

    let with_club = Ws::new();
    with_club.drop("состав.xlsx", &roster());
    with_club.drop("журнал.xlsx", &attendance());
    with_club.run(&["run"]);
    let all = pdf_pages(
        &with_club.path("reports/2025-2026-Q1/2315-001.pdf"),
        PdfText::Layout,
    )
    .join("\n");
    assert!(
        all.contains("Клуб классных руководителей собирается реже двух раз в месяц"),
        "{all}"
    );
}

/// The sources page lists the files the figures rest on; a rejected journal that was then
/// corrected, and the copy sent twice, are listed apart as earlier attempts, and their
/// rows are not counted as excluded.
#[test]
fn the_sources_page_lists_corrected_and_replaced_attempts_apart() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    let mut wrong = attendance();
    wrong[2].1[1][2] = V::from("?");
    ws.drop("журнал_с_ошибкой.xlsx", &wrong);
    assert_eq!(ws.run(&["run"]).status.code(), Some(1));
    ws.drop("журнал_исправленный.xlsx", &attendance());
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let pages = pdf_pages(
        &ws.path("reports/2025-2026-Q1/2315-001.pdf"),
        PdfText::Layout,
    );
    let sources = pages
        .iter()
        .find(|p| p.contains("Полнота данных и источники"))
        .expect("the sources page");
    let (current, earlier) = sources
        .split_once("Прежние попытки")
        .expect("earlier attempts apart");
    assert!(
        current.contains("журнал_исправленный") && !current.contains("журнал_с_ошибкой"),
        "{sources}"
    );
    assert!(current.contains("Исключено строк: 0"), "{sources}");
    assert!(
        earlier.contains("журнал_с_ошибкой") && earlier.contains("отклонён"),
        "{sources}"
    );
    // The workbook's «Качество данных» lists them apart the same way.
    use calamine::Reader as _;
    let mut wb =
        calamine::open_workbook_auto(ws.path("reports/2025-2026-Q1/2315-001.xlsx")).unwrap();
    let quality = wb.worksheet_range("Качество данных").unwrap();
    let first_cells: Vec<String> = quality
        .rows()
        .map(|r| r.first().map(|c| c.to_string()).unwrap_or_default())
        .collect();
    let apart = first_cells
        .iter()
        .position(|c| c.starts_with("Прежние попытки"))
        .expect("earlier attempts apart in the workbook");
    let at = |name: &str| first_cells.iter().position(|c| c.contains(name)).unwrap();
    assert!(
        at("журнал_исправленный") < apart && apart < at("журнал_с_ошибкой"),
        "{first_cells:?}"
    );
}

#[test]
fn long_competency_names_get_horizontal_bars_with_the_names_on_the_left() {
    let ws = Ws::new();
    ws.drop_every_form();
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let path = ws.path("reports/2025-2026-Q1/2315-001.pdf");
    let pages = pdf_pages(&path, PdfText::Reading);
    let page = 1 + pages
        .iter()
        .position(|p| p.contains("Профиль компетенций"))
        .expect("no competency profile");
    let words = pdf_words(&path, page);
    // Each competency's name starts with its code (К1 ... К5): as rows, the codes stand one
    // under another at the left margin; as columns they stood side by side under the bars.
    let codes: Vec<_> = (1..=5)
        .map(|k| {
            words
                .iter()
                .find(|w| w.0 == format!("К{k}"))
                .unwrap_or_else(|| panic!("К{k} not on page {page}: {words:?}"))
        })
        .collect();
    for pair in codes.windows(2) {
        assert!(
            (pair[1].1 - pair[0].1).abs() < 0.5 && pair[1].2 > pair[0].2 + 5.0,
            "{} and {} are not rows one under another: {codes:?}",
            pair[0].0,
            pair[1].0
        );
    }
    assert!(codes[0].1 < 60.0, "not at the left margin: {codes:?}");
    // The value axis runs along the bottom, under the last row: 0 % ... 100 % left to right.
    let axis: Vec<_> = words
        .iter()
        .filter(|w| ["0", "25", "50", "75", "100"].contains(&w.0.as_str()))
        .filter(|w| w.2 > codes[4].2 && w.2 < codes[4].2 + 30.0)
        .collect();
    assert_eq!(axis.len(), 5, "{axis:?}");
    assert!(
        axis.windows(2)
            .all(|p| p[0].1 < p[1].1 && (p[0].2 - p[1].2).abs() < 0.5)
    );
}
