//! Individual cards read back with pdftotext: the figures of `indicators.csv`, sections
//! only where there is data, text inside its boxes (`-bbox`), a long route continued on a
//! second page, the tutor's file, the selection flags, and nothing of a card leaving the
//! school.

use std::path::{Path, PathBuf};

use super::util::*;
use crate::row;

/// A percentage as the cards write it: `63,6 %`.
fn pct(v: f64) -> String {
    format!("{v:.1} %").replace('.', ",")
}

/// The person rows of `indicators.csv`: (indicator, group) -> value.
fn person_rows(ws: &Ws, term: &str, id: &str) -> Vec<(String, String, f64)> {
    let mut reader =
        csv::Reader::from_path(ws.path(&format!("reports/{term}/indicators.csv"))).unwrap();
    reader
        .deserialize::<std::collections::BTreeMap<String, String>>()
        .map(Result::unwrap)
        .filter(|r| r["scope"] == "person" && r["entity"] == id)
        .map(|r| {
            (
                r["indicator"].clone(),
                r["group"].clone(),
                r["value"].parse().unwrap(),
            )
        })
        .collect()
}

fn value(rows: &[(String, String, f64)], indicator: &str, group: &str) -> f64 {
    rows.iter()
        .find(|(i, g, _)| i == indicator && g == group)
        .unwrap_or_else(|| panic!("no {indicator} {group}"))
        .2
}

/// A workspace with every form of `util.rs` and cards switched on in `tutorstat.toml`.
fn school() -> Ws {
    let ws = Ws::new();
    let mut config = std::fs::read_to_string(ws.path("tutorstat.toml")).unwrap();
    config = config.replace("[cards]\nenabled = false", "[cards]\nenabled = true");
    std::fs::write(ws.path("tutorstat.toml"), config).unwrap();
    ws.drop_every_form();
    ws
}

fn card(ws: &Ws, rel: &str) -> PathBuf {
    let path = ws.path(&format!("reports/2025-2026-Q1/cards/2315-001/{rel}"));
    assert!(
        path.exists(),
        "{} missing; cards: {:?}",
        path.display(),
        ws.files_in("reports/2025-2026-Q1/cards")
    );
    path
}

#[test]
fn a_card_shows_the_persons_route_attendance_and_diagnostics_as_in_indicators_csv() {
    let ws = school();
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let text = pdf_pages(&card(&ws, "9А/У-1 Смирнов А. Д.pdf"), PdfText::Raw).join(" ");
    let rows = person_rows(&ws, "2025-2026-Q1", "У-1");
    for expected in [
        "Смирнов Артём Дмитриевич".to_string(),
        "Обучающийся, 9А класс".into(),
        "тьютор Иванова М. П.".into(),
        "МБОУ СОШ № 1".into(),
        "1 четверть 2025/2026".into(),
        // Attendance: the person's rate against the school's, events and hours present.
        format!("Посещаемость {}", pct(value(&rows, "att_rate", ""))),
        format!("Посещено событий: {}", value(&rows, "att_events", "")),
        format!(
            "часов: {}",
            format!("{:.1}", value(&rows, "att_hours", "")).replace('.', ",")
        ),
        "групповой тьюториал — 1 из 1".into(),
        // The route, item by item, and its figures.
        "Научиться выступать".into(),
        "Школьная конференция".into(),
        "Муниципальный этап ВсОШ".into(),
        "30.11.2025".into(),
        format!("выполнено {}", pct(value(&rows, "r_done_pct", ""))),
        format!("просрочено: {}", value(&rows, "r_overdue", "")),
        "по номинациям: Интеллект 1".into(),
        // The diagnostic: score, percent, level, topics.
        format!(
            "{} из 5 баллов, {}, уровень средний",
            value(&rows, "d_score", "ОГЭ математика/start"),
            pct(value(&rows, "d_pct", "ОГЭ математика/start"))
        ),
        format!(
            "Т1 Действия с дробями {}",
            pct(value(&rows, "d_topic_pct", "ОГЭ математика/start/Т1"))
        ),
        format!(
            "Т2 Уравнения {} дефицит",
            pct(value(&rows, "d_topic_pct", "ОГЭ математика/start/Т2"))
        ),
        "Дефицит по теме «Т2 Уравнения» (ОГЭ математика, входная): 0,0 %.".into(),
    ] {
        assert!(text.contains(&expected), "«{expected}» missing:\n{text}");
    }
    // No codes where people read words.
    for code in ["Q1", "start", "ОГЭ математика/start"] {
        assert!(!text.contains(code), "«{code}» in the card:\n{text}");
    }
    // A mentor: the competency profile with the competencies' names, no route, no diagnostic.
    let mentor = pdf_pages(
        &card(&ws, "наставники/Н-1 Кузнецова О. В.pdf"),
        PdfText::Raw,
    )
    .join(" ");
    assert!(
        mentor.contains("Самооценка тьюторской компетенции")
            && mentor.contains("Выявление образовательного запроса"),
        "{mentor}"
    );
    for absent in [
        "Индивидуальный образовательный",
        "Индивидуальная образовательная",
        "Диагностика",
        "Дефицит",
    ] {
        assert!(
            !mentor.contains(absent),
            "«{absent}» in a card without it:\n{mentor}"
        );
    }
    // A teacher with no data at all: one sentence, no empty sections.
    let teacher = pdf_pages(&card(&ws, "педагоги/П-1 Волков А. И.pdf"), PdfText::Raw).join(" ");
    assert!(teacher.contains("данных об участнике нет"), "{teacher}");
    for absent in [
        "Посещаемость",
        "На что обратить внимание",
        "Анкета",
        "Индивидуальный образовательный",
    ] {
        assert!(
            !teacher.contains(absent),
            "«{absent}» in an empty card:\n{teacher}"
        );
    }
    // Tutors get their tutorants' cards in one file, in roster order, not a card of their own.
    let bundle = pdf_pages(&card(&ws, "по тьюторам/Т-1 Иванова М. П.pdf"), PdfText::Raw);
    let order: Vec<usize> = [
        "Кузнецова Ольга Викторовна",
        "Морозова Дарья Алексеевна",
        "Смирнов Артём Дмитриевич",
    ]
    .iter()
    .map(|name| {
        bundle
            .iter()
            .position(|p| p.contains(name))
            .unwrap_or_else(|| panic!("{name} not in the tutor's file"))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(
        !bundle.iter().any(|p| p.contains("Орлова")),
        "another tutor's tutorant"
    );
    assert!(
        !ws.files_in("reports/2025-2026-Q1/cards")
            .iter()
            .any(|f| f.starts_with("2315-001/тьютор"))
    );
}

#[test]
fn the_cards_command_writes_what_its_flags_select_the_same_bytes_each_time() {
    let ws = school();
    let out = ws.run(&["ingest"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let cards = |args: &[&str]| -> Vec<String> {
        let _ = std::fs::remove_dir_all(ws.path("reports"));
        let mut all = vec!["cards"];
        all.extend(args);
        let out = ws.run(&all);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        ws.files_in("reports/2025-2026-Q1/cards")
    };
    assert_eq!(
        cards(&["--person", "У-2"]),
        vec!["2315-001/9А/У-2 Морозова Д. А.pdf"]
    );
    assert_eq!(
        cards(&["--class", "9 а"]),
        vec![
            "2315-001/9А/У-1 Смирнов А. Д.pdf",
            "2315-001/9А/У-2 Морозова Д. А.pdf"
        ]
    );
    assert_eq!(
        cards(&["--tutor", "Т-2", "--school", "2315-001"]),
        vec![
            "2315-001/6Б/У-3 Лебедев К. Р.pdf",
            "2315-001/наставники/Н-2 Орлова Н. С.pdf",
            "2315-001/по тьюторам/Т-2 Соколов И. О.pdf"
        ]
    );
    let all = cards(&["--term", "2025/2026 1 четверть"]);
    assert_eq!(all.len(), 6 + 2, "{all:?}");
    let first = std::fs::read(card(&ws, "9А/У-1 Смирнов А. Д.pdf")).unwrap();
    cards(&[]);
    assert_eq!(
        std::fs::read(card(&ws, "9А/У-1 Смирнов А. Д.pdf")).unwrap(),
        first,
        "cards differ between runs"
    );
    let out = ws.run(&["cards", "--school", "9999-999"]);
    assert!(text(&out).contains("нет участников"), "{}", text(&out));
}

/// The goal long enough for three lines of its column.
const LONG_GOAL: &str = "Подготовить и защитить исследовательский проект о мелиорации прибрежных территорий Азовского моря";

/// A roster with one student whose name mixes Latin look-alikes into Cyrillic, and a route
/// of `items` items, the first (or, with `all_long`, every one) with a three-line goal.
fn long_route(items: usize, all_long: bool) -> Ws {
    let ws = Ws::new();
    let mut r = roster();
    // `X`, `o`, `p` and `a` below are Latin.
    r[1].1.push(row![
        "У-9",
        "Xристофорова-Константинопольская Аннa-Мария Вoлдемаровна",
        "обучающийся",
        "7В",
        "",
        "",
        "Т-1"
    ]);
    ws.drop("состав.xlsx", &r);
    let mut sheets = route();
    for i in 0..items {
        let goal = if i == 0 || all_long {
            LONG_GOAL.to_string()
        } else {
            format!("Цель номер {i}")
        };
        let status = if i % 3 == 0 {
            "запланировано"
        } else {
            "выполнено"
        };
        sheets[1].1.push(vec![
            V::from("У-9"),
            V::from(goal),
            V::from(format!("Мероприятие {i}")),
            V::from("школьный"),
            V::E,
            V::D(2025, 10, 1 + (i % 28) as u8),
            V::from(status),
            V::E,
            V::E,
        ]);
    }
    ws.drop("маршруты.xlsx", &sheets);
    let out = ws.run(&["ingest"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = ws.run(&["cards"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    ws
}

#[test]
fn a_long_name_and_a_three_line_goal_stay_inside_their_boxes() {
    let ws = long_route(3, false);
    let path = card(&ws, "7В/У-9 Xристофорова-Константинопольская А. В.pdf");
    let words = pdf_words(&path, 1);
    // A4 is 595 x 842 pt; the margins are 18 mm (51 pt).
    let (left, right) = (18.0 * 72.0 / 25.4 - 0.5, (210.0 - 18.0) * 72.0 / 25.4 + 0.5);
    for (w, x0, _, x1, _) in &words {
        assert!(
            *x0 >= left && *x1 <= right,
            "«{w}» leaves the page margins: {x0}..{x1}"
        );
    }
    let header = |name: &str| {
        words
            .iter()
            .find(|w| w.0 == name)
            .unwrap_or_else(|| panic!("no «{name}»"))
    };
    let (goal_left, goal_right, table_top) =
        (header("Цель").1, header("Мероприятие").1, header("Цель").2);
    // The goal's words in the table (the attention sentence above it quotes the goal too).
    let goal: Vec<_> = words
        .iter()
        .filter(|w| w.2 > table_top)
        .filter(|w| {
            [
                "Подготовить",
                "исследовательский",
                "мелиорации",
                "прибрежных",
                "территорий",
                "Азовского",
                "моря",
            ]
            .contains(&w.0.as_str())
        })
        .collect();
    assert_eq!(goal.len(), 7, "{goal:?}");
    for (w, x0, _, x1, _) in &goal {
        assert!(
            *x0 >= goal_left - 0.5 && *x1 < goal_right,
            "«{w}» leaves the goal column {goal_left}..{goal_right}: {x0}..{x1}"
        );
    }
    let mut lines: Vec<i64> = goal.iter().map(|w| w.2.round() as i64).collect();
    lines.dedup();
    assert!(
        lines.len() >= 3,
        "the goal should wrap to three lines: {goal:?}"
    );
    let name: Vec<_> = words
        .iter()
        .filter(|w| w.0.contains("Константинопольская"))
        .collect();
    assert!(
        !name.is_empty() && name.iter().all(|w| w.3 <= right),
        "{name:?}"
    );
}

#[test]
fn thirty_route_items_fit_one_page() {
    let ws = long_route(30, false);
    let card_pages = pdf_pages(
        &card(&ws, "7В/У-9 Xристофорова-Константинопольская А. В.pdf"),
        PdfText::Raw,
    );
    assert_eq!(card_pages.len(), 1, "{card_pages:#?}");
    let page = &card_pages[0];
    assert!(page.contains("стр. 1 из 1") && !page.contains("(продолжение)"));
    for i in [1, 29] {
        assert!(page.contains(&format!("Мероприятие {i} ")), "item {i} lost");
    }
    // Overdue items (due by 31 October, still planned) are marked and counted.
    assert!(
        page.contains("01.10.2025 просрочено")
            && page.contains("Всего просрочено шагов маршрута: 10."),
        "{page}"
    );
}

#[test]
fn thirty_long_route_items_continue_on_a_second_page_with_a_running_header() {
    let ws = long_route(30, true);
    let card_pages = pdf_pages(
        &card(&ws, "7В/У-9 Xристофорова-Константинопольская А. В.pdf"),
        PdfText::Raw,
    );
    let n = card_pages.len();
    assert!(n >= 2, "{card_pages:#?}");
    assert!(
        card_pages[0].contains("Индивидуальная карточка")
            && card_pages[0].contains(&format!("стр. 1 из {n}"))
    );
    assert!(!card_pages[0].contains("(продолжение)"));
    for (i, page) in card_pages.iter().enumerate().skip(1) {
        assert!(
            page.contains(
                "Xристофорова-Константинопольская А. В. · 1 четверть 2025/2026 (продолжение)"
            ),
            "{page}"
        );
        assert!(
            page.contains("Цель Мероприятие"),
            "the table header is repeated: {page}"
        );
        assert!(
            page.contains(&format!("стр. {} из {n}", i + 1))
                && !page.contains("Индивидуальная карточка")
        );
    }
    for i in [1, 29] {
        assert!(
            card_pages
                .iter()
                .any(|p| p.contains(&format!("Мероприятие {i} "))),
            "item {i} lost"
        );
    }
    // The tutor's file numbers the long card's pages on their own, after the short ones.
    let bundle = pdf_pages(&card(&ws, "по тьюторам/Т-1 Иванова М. П.pdf"), PdfText::Raw);
    assert!(
        bundle
            .iter()
            .any(|p| p.contains("(продолжение)") && p.contains(&format!("стр. 2 из {n}")))
    );
    assert!(bundle.iter().filter(|p| p.contains("стр. 1 из 1")).count() >= 2);
}

#[test]
fn cards_never_leave_the_school() {
    let ws = school();
    let mut interest = vec![
        passport(
            "Анкета",
            &[
                ("Анкета", V::from("student-interest")),
                ("Волна", V::from("входная")),
                ("Заполнил", V::from("Иванова М. П.")),
            ],
        ),
        sheet(
            "Ответы",
            vec![
                row!["ID", "ФИО", "И2", "И1"],
                row![
                    "У-1",
                    "Смирнов А. Д.",
                    "Кружок юных астрономов",
                    "спорт; чтение"
                ],
            ],
        ),
    ];
    ws.drop("интересы.xlsx", &interest);
    interest.clear();
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let student = pdf_pages(&card(&ws, "9А/У-1 Смирнов А. Д.pdf"), PdfText::Raw).join(" ");
    assert!(
        student.contains("Кружок юных астрономов") && student.contains("спорт, чтение"),
        "{student}"
    );
    let out = ws.run(&["export", "--term", "2025/2026 Q1"]);
    assert!(out.status.success(), "{}", text(&out));
    let centre = Ws::new();
    let mut config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    config = config.replace("kind = \"school\"", "kind = \"centre\"");
    std::fs::write(centre.path("tutorstat.toml"), config).unwrap();
    let packages: Vec<String> = ws
        .files_in("reports")
        .into_iter()
        .filter(|n| n.contains("package_"))
        .collect();
    assert_eq!(packages.len(), 1);
    for name in &packages {
        std::fs::copy(
            ws.path("reports").join(name),
            centre
                .path("inbox")
                .join(Path::new(name).file_name().unwrap()),
        )
        .unwrap();
    }
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = centre.run(&["cards"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a centre has no cards to make: {}",
        text(&out)
    );
    // Text only a card holds: names, route goals, free answers, the card's own phrases.
    let card_text = [
        "Смирнов",
        "Артём",
        "Научиться выступать",
        "Кружок юных астрономов",
        "Индивидуальная карточка",
        "На что обратить внимание",
        "Для тьюториала",
    ];
    let mut files: Vec<PathBuf> = packages
        .iter()
        .map(|n| ws.path("reports").join(n))
        .collect();
    files.extend(
        walkdir::WalkDir::new(centre.root())
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().to_path_buf()),
    );
    for file in &files {
        assert!(
            !file.display().to_string().contains("cards"),
            "a card under the centre: {}",
            file.display()
        );
        let text = readable_text(file);
        for t in card_text {
            assert!(
                !text.contains(t),
                "«{t}» left the school in {}",
                file.display()
            );
        }
    }
}
