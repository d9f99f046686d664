//! What a person reads says words, not codes: the school PDF (through pdftotext) and the
//! school workbook (every cell read back with calamine) name questionnaires by title,
//! competencies by name, waves and terms in Russian; the codes stay in `indicators.csv`.

use calamine::{Reader, open_workbook_auto};

use super::util::*;
use crate::row;

/// A workspace of two terms: the first quarter with every form and the start wave of
/// `tutor-competency`, the second with its final wave (so progress and change are shown).
fn two_terms() -> Ws {
    let ws = Ws::new();
    ws.drop_every_form();
    let mut final_wave = competency();
    final_wave[0] = passport(
        "Анкета",
        &[
            ("Анкета", V::from("tutor-competency")),
            ("Волна", V::from("итоговая")),
            ("Период", V::from("2 четверть")),
            ("Заполнил", V::from("Иванова М. П.")),
        ],
    );
    ws.drop("анкета в конце.xlsx", &final_wave);
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    ws
}

/// Every text cell of every sheet of a workbook.
fn workbook_text(path: &std::path::Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let mut all = String::new();
    for name in wb.sheet_names() {
        all.push_str(&format!("[{name}]\n"));
        for row in wb.worksheet_range(&name).unwrap().rows() {
            for cell in row {
                all.push_str(&cell.to_string());
                all.push('\t');
            }
            all.push('\n');
        }
    }
    all
}

/// The codes no person should read, each found as a word of its own.
fn codes_in(text: &str) -> Vec<&'static str> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .collect();
    [
        "Q1",
        "Q2",
        "start",
        "mid",
        "final",
        "tutor-competency",
        "higher_better",
        "questionnaire",
        "roster",
        "attendance",
        "route",
    ]
    .into_iter()
    .filter(|code| words.contains(code))
    .collect()
}

#[test]
fn school_reports_name_questionnaires_competencies_waves_and_terms_in_words() {
    let ws = two_terms();
    for term in ["2025-2026-Q1", "2025-2026-Q2"] {
        let pdf = readable_text(&ws.path(&format!("reports/{term}/2315-001.pdf")));
        let book = workbook_text(&ws.path(&format!("reports/{term}/2315-001.xlsx")));
        for (what, text) in [("PDF", &pdf), ("xlsx", &book)] {
            assert_eq!(
                codes_in(text),
                Vec::<&str>::new(),
                "{term} {what} shows codes:\n{text}"
            );
            for words in [
                "Самооценка тьюторской компетенции наставника",
                "К1 Выявление образовательного запроса",
            ] {
                assert!(
                    text.replace('\n', " ").contains(words),
                    "{term} {what} lacks «{words}»:\n{text}"
                );
            }
        }
    }
    let q2 = readable_text(&ws.path("reports/2025-2026-Q2/2315-001.pdf"));
    assert!(
        q2.contains("2 четверть 2025/2026") && q2.contains("1 четверть 2025/2026"),
        "{q2}"
    );
    let book = workbook_text(&ws.path("reports/2025-2026-Q2/2315-001.xlsx"));
    assert!(
        book.contains("Самооценка тьюторской компетенции наставника, итоговая"),
        "{book}"
    );
    assert!(
        book.contains("Анкета: Самооценка тьюторской компетенции наставника, итоговая"),
        "the sources name the form:\n{book}"
    );
    // Diagnostic topics by name: the «Диагностика» sheet's rows and the topic chart's
    // categories (its data beside the print area).
    let q1 = workbook_text(&ws.path("reports/2025-2026-Q1/2315-001.xlsx"));
    let diagnostics = q1.split("[Диагностика]").nth(1).unwrap_or_default();
    assert!(
        diagnostics.contains(", Т2 Уравнения\t")
            && diagnostics.contains(", Т1 Действия с дробями\t"),
        "{diagnostics}"
    );
    let summary = q1.split("[Сводка]").nth(1).unwrap_or_default();
    assert!(
        summary.contains("\tТ2 Уравнения\t") || summary.contains("\nТ2 Уравнения\t"),
        "{summary}"
    );
    // The machine outputs keep the codes.
    let csv = std::fs::read_to_string(ws.path("reports/2025-2026-Q2/indicators.csv")).unwrap();
    assert!(
        csv.contains("tutor-competency/final/К1") && csv.contains("2025/2026 Q2"),
        "{csv}"
    );
}

#[test]
fn every_sheet_of_the_school_workbook_is_set_up_for_print() {
    let ws = two_terms();
    let path = ws.path("reports/2025-2026-Q1/2315-001.xlsx");
    let mut zip = ::zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let workbook = part("xl/workbook.xml");
    assert_eq!(
        workbook.matches("_xlnm.Print_Area").count(),
        10,
        "{workbook}"
    );
    // Every sheet but the one-page summary repeats its header row on every page.
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        9,
        "{workbook}"
    );
    for n in 1..=10 {
        let sheet = part(&format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            sheet.contains(r#"<pageSetup paperSize="9""#),
            "sheet {n}: A4"
        );
        assert!(
            sheet.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "sheet {n}: fitted to the page width"
        );
        assert!(
            sheet.contains("МБОУ СОШ № 1&amp;C1 четверть 2025/2026&amp;Rстр. &amp;P из &amp;N"),
            "sheet {n}: footer\n{sheet}"
        );
        assert!(
            sheet.contains(r#"state="frozen""#),
            "sheet {n}: frozen header"
        );
    }
    // The person sheets are wide: landscape.
    assert!(part("xl/worksheets/sheet2.xml").contains(r#"orientation="landscape""#));
}

/// A methodologist's new questionnaire, as they would type it in Excel: three likert items
/// on two competencies, a single-choice item and a free text.
fn parent_survey(
    about: Vec<Vec<V>>,
    items: Vec<Vec<V>>,
    options: Vec<Vec<V>>,
    competencies: Vec<Vec<V>>,
) -> Vec<Sheet> {
    vec![
        sheet("Анкета", about),
        sheet("Вопросы", items),
        sheet("Варианты", options),
        sheet("Компетенции", competencies),
    ]
}

fn about(code: &str) -> Vec<Vec<V>> {
    vec![
        row!["Код анкеты", code],
        row![
            "Название",
            "Удовлетворённость родителей тьюторским сопровождением"
        ],
        row!["Кто заполняет", "обучающийся"],
        row!["Анонимная", "нет"],
        row!["Направление шкалы", "чем выше, тем лучше"],
        row!["Инструкция", "Оцените утверждения от 1 до 5."],
        row!["Версия", 1],
    ]
}

#[test]
fn a_questionnaire_defined_in_a_workbook_gets_a_blank_and_indicators() {
    let ws = Ws::new();
    let items_header = row![
        "Код",
        "Текст вопроса",
        "Шкала",
        "Мин.",
        "Макс.",
        "Компетенция",
        "Список вариантов"
    ];
    write_xlsx(
        &ws.path("templates/questionnaires/parents.xlsx"),
        &parent_survey(
            about("parents"),
            vec![
                items_header,
                row![
                    "Р1.1",
                    "Я знаю, кто тьютор моего ребёнка",
                    "шкала",
                    1,
                    5,
                    "Р1",
                    ""
                ],
                row![
                    "Р1.2",
                    "Тьютор отвечает на мои вопросы",
                    "шкала",
                    1,
                    5,
                    "Р1",
                    ""
                ],
                row!["Р2.1", "Ребёнок стал увереннее", "шкала", 1, 5, "Р2", ""],
                row![
                    "В1",
                    "Как часто вы общаетесь с тьютором",
                    "один вариант",
                    "",
                    "",
                    "",
                    "частота"
                ],
                row!["О1", "Ваши пожелания", "текст", "", "", "", ""],
            ],
            vec![
                row!["Список", "Вариант"],
                row!["частота", "еженедельно"],
                row!["частота", "ежемесячно"],
                row!["частота", "реже"],
            ],
            vec![
                row!["Код", "Название"],
                row!["Р1", "Связь с тьютором"],
                row!["Р2", "Изменения в ребёнке"],
            ],
        ),
    );
    let out = ws.run(&["templates"]);
    assert!(out.status.success(), "{}", text(&out));
    // The blank names the items; its answer sheet's header is what a teacher fills under.
    let mut blank = open_workbook_auto(ws.path("templates/Анкета — parents.xlsx")).unwrap();
    let answers = blank.worksheet_range("Ответы").unwrap();
    let header = answers
        .rows()
        .find(|r| r.iter().any(|c| *c == "ID"))
        .unwrap();
    let codes: Vec<String> = header
        .iter()
        .skip(1)
        .map(|c| {
            c.to_string()
                .split(' ')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        codes.iter().any(|c| c == "Р1.1") && codes.iter().any(|c| c == "В1"),
        "{codes:?}"
    );

    ws.drop("состав.xlsx", &roster());
    let mut filled = vec![row!["ID"]];
    filled[0].extend(["Р1.1", "Р1.2", "Р2.1", "В1", "О1"].map(V::from));
    filled.push(row!["У-1", 5, 4, 3, "еженедельно", "Спасибо"]);
    filled.push(row!["У-2", 3, 3, 4, "реже", ""]);
    ws.drop(
        "родители.xlsx",
        &[
            passport(
                "Анкета",
                &[
                    ("Анкета", V::from("parents")),
                    ("Волна", V::from("входная")),
                ],
            ),
            sheet("Ответы", filled),
        ],
    );
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let csv = std::fs::read_to_string(ws.path("reports/2025-2026-Q1/indicators.csv")).unwrap();
    for group in [
        "parents/start,q_index",
        "parents/start/Р1,q_score",
        "parents/start/В1/еженедельно,q_option_pct",
    ] {
        assert!(
            csv.contains(&format!("2315-001,,{group}")),
            "{group} missing:\n{csv}"
        );
    }
    let pdf = readable_text(&ws.path("reports/2025-2026-Q1/2315-001.pdf"));
    assert!(pdf.contains("Удовлетворённость родителей"), "{pdf}");
}

#[test]
fn a_definition_with_five_kinds_of_mistakes_is_refused_cell_by_cell() {
    let ws = Ws::new();
    write_xlsx(
        &ws.path("templates/questionnaires/bad.xlsx"),
        &parent_survey(
            about("опрос родителей"),
            vec![
                row![
                    "Код",
                    "Текст вопроса",
                    "Шкала",
                    "Мин.",
                    "Макс.",
                    "Компетенция",
                    "Список вариантов"
                ],
                row!["Р1", "Первый", "шкала", 1, 5, "Р1", ""],
                row!["Р1", "Повтор кода", "шкала", 1, 5, "Р1", ""],
                row!["Р3", "Неизвестная шкала", "звёздочки", "", "", "", ""],
                row!["В1", "Пустой список", "один вариант", "", "", "", "частота"],
            ],
            vec![row!["Список", "Вариант"], row!["другой", "да"]],
            vec![
                row!["Код", "Название"],
                row!["Р1", "Связь"],
                row!["Р9", "Никем не измеряемая"],
            ],
        ),
    );
    let out = ws.run(&["templates"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    for cell in [
        "лист «Анкета», ячейка B1: значение «опрос родителей»",
        "лист «Вопросы», ячейка A3: значение «Р1»: код вопроса повторяется",
        "лист «Вопросы», ячейка C4: значение «звёздочки»: неизвестная шкала",
        "лист «Вопросы», ячейка G5: значение «частота»: список вариантов пуст",
        "лист «Компетенции», ячейка A3: значение «Р9»: эту компетенцию не измеряет ни один вопрос",
    ] {
        assert!(t.contains(cell), "«{cell}» missing:\n{t}");
    }
    assert!(t.contains("ошибки (5)"), "{t}");
    assert!(
        ws.path("templates/questionnaires/bad.xlsx.ошибки.xlsx")
            .exists(),
        "the annotated copy is written beside"
    );
    // The copy is not taken for a definition: fixing the file is enough.
    std::fs::remove_file(ws.path("templates/questionnaires/bad.xlsx")).unwrap();
    assert!(ws.run(&["templates"]).status.success());
}

/// The parents' survey as a methodologist types it: five likert items on two competencies,
/// `items` giving each item's code, competency and maximum (minimum 1).
fn survey_version(version: i32, items: &[(&str, &str, i32)]) -> Vec<Sheet> {
    let mut about = about("parents");
    about[6] = row!["Версия", version];
    let mut rows = vec![row![
        "Код",
        "Текст вопроса",
        "Шкала",
        "Мин.",
        "Макс.",
        "Компетенция",
        "Список вариантов"
    ]];
    for (code, competency, max) in items {
        rows.push(row![
            *code,
            format!("Утверждение {code}"),
            "шкала",
            1,
            *max,
            *competency,
            ""
        ]);
    }
    parent_survey(
        about,
        rows,
        vec![row!["Список", "Вариант"]],
        vec![
            row!["Код", "Название"],
            row!["Р1", "Связь с тьютором"],
            row!["Р2", "Изменения в ребёнке"],
        ],
    )
}

/// A filled parents' survey: its `Паспорт` names the version, wave and period, and who
/// filled it in (each author's file stands on its own).
fn survey_answers(
    by: &str,
    version: i32,
    wave: &str,
    period: &str,
    items: &[&str],
    rows: &[(&str, &[i32])],
) -> Vec<Sheet> {
    let mut header = row!["ID"];
    header.extend(items.iter().map(|i| V::from(*i)));
    let mut answers = vec![header];
    for (id, values) in rows {
        let mut row = row![*id];
        row.extend(values.iter().map(|v| V::from(*v)));
        answers.push(row);
    }
    vec![
        passport(
            "Анкета",
            &[
                ("Версия формы", V::from(version)),
                ("Анкета", V::from("parents")),
                ("Волна", V::from(wave)),
                ("Период", V::from(period)),
                ("Заполнил", V::from(by)),
            ],
        ),
        sheet("Ответы", answers),
    ]
}

#[test]
fn a_questionnaire_changed_between_waves_compares_only_the_items_both_versions_share() {
    let ws = Ws::new();
    let definition = ws.path("templates/questionnaires/parents.xlsx");
    let v1 = [
        ("Р1.1", "Р1", 5),
        ("Р1.2", "Р1", 5),
        ("Р1.3", "Р1", 5),
        ("Р2.1", "Р2", 5),
        ("Р2.2", "Р2", 5),
    ];
    write_xlsx(&definition, &survey_version(1, &v1));
    ws.drop("состав.xlsx", &roster());
    let all = ["Р1.1", "Р1.2", "Р1.3", "Р2.1", "Р2.2"];
    ws.drop(
        "родители, начало.xlsx",
        &survey_answers(
            "Иванова М. П.",
            1,
            "входная",
            "1 четверть",
            &all,
            &[("У-1", &[1, 3, 5, 5, 1]), ("У-2", &[3, 3, 1, 1, 5])],
        ),
    );
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        ws.path("store/questionnaires/parents/v1.xlsx").exists(),
        "the first answers of version 1 keep a copy of it"
    );

    // The methodologist removes Р1.3 and puts Р2.1 on a scale of 1-4, forgetting the version:
    // answers of version 1 arrived, so the definition is refused at its «Версия» cell.
    let v2 = [
        ("Р1.1", "Р1", 5),
        ("Р1.2", "Р1", 5),
        ("Р2.1", "Р2", 4),
        ("Р2.2", "Р2", 5),
    ];
    write_xlsx(&definition, &survey_version(1, &v2));
    let out = ws.run(&["run"]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(
        t.contains("лист «Анкета», ячейка B7: значение «1»")
            && t.contains("Р1.3: есть только в версии 1")
            && t.contains("Р2.1: шкала изменилась: 1–5 → 1–4")
            && t.contains("укажите «Версия» 2"),
        "{t}"
    );

    // As version 2 it is taken; the final wave comes in version 2, and the start wave sent
    // again in version 1 (a third respondent added) is still read by version 1: Р1.3
    // answered, Р2.1 = 5 allowed.
    write_xlsx(&definition, &survey_version(2, &v2));
    let now = ["Р1.1", "Р1.2", "Р2.1", "Р2.2"];
    ws.drop(
        "родители, конец.xlsx",
        &survey_answers(
            "Иванова М. П.",
            2,
            "итоговая",
            "2 четверть",
            &now,
            &[("У-1", &[5, 5, 1, 3]), ("У-2", &[3, 3, 4, 5])],
        ),
    );
    ws.drop(
        "родители, начало, ещё раз.xlsx",
        &survey_answers(
            "Иванова М. П.",
            1,
            "входная",
            "1 четверть",
            &all,
            &[
                ("У-1", &[1, 3, 5, 5, 1]),
                ("У-2", &[3, 3, 1, 1, 5]),
                ("У-3", &[2, 2, 2, 5, 2]),
            ],
        ),
    );
    // A version nobody has seen is refused at the passport's cell.
    ws.drop(
        "родители, версия 7.xlsx",
        &survey_answers(
            "Соколов И. О.",
            7,
            "итоговая",
            "2 четверть",
            &now,
            &[("У-3", &[1, 1, 1, 1])],
        ),
    );
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let refused = ws.problems_of("родители, версия 7.xlsx");
    assert!(
        refused.contains("лист «Паспорт», ячейка B3: значение «7»")
            && refused.contains("версия 7 анкеты «Удовлетворённость родителей тьюторским сопровождением» неизвестна: известны версии 1, 2"),
        "{refused}\n{}",
        text(&out)
    );
    assert!(
        ws.files_in("archive")
            .iter()
            .any(|f| f.contains("родители, начало, ещё раз")),
        "{:?}",
        ws.files_in("rejected")
    );

    // Progress over the items both versions share, Р1.1, Р1.2 and Р2.2 (norm: 1 -> 0,
    // 3 -> 50, 5 -> 100 on 1-5):
    // У-1 start Р1 (0 + 50) / 2 = 25, Р2 0, index 12.5; final Р1 100, Р2 50, index 75:
    //     progress Р1 +75, Р2 +50, index +62.5.
    // У-2 start Р1 50, Р2 100, index 75; final the same: progress 0.
    // With every item, У-1's start Р1 would be 50 and Р2 (100 + 0) / 2 = 50.
    let csv = std::fs::read_to_string(ws.path("reports/2025-2026-Q2/indicators.csv")).unwrap();
    let value = |scope_entity: &str, group: &str, indicator: &str| -> f64 {
        let prefix = format!("{scope_entity},{group},{indicator},");
        let line = csv
            .lines()
            .find(|l| l.contains(&prefix))
            .unwrap_or_else(|| panic!("{prefix} missing:\n{csv}"));
        line.rsplit(',').next().unwrap().parse().unwrap()
    };
    assert_eq!(
        value("2315-001,У-1", "parents/final/Р1", "q_progress"),
        75.0
    );
    assert_eq!(
        value("2315-001,У-1", "parents/final/Р2", "q_progress"),
        50.0
    );
    assert_eq!(value("2315-001,У-1", "parents/final", "q_progress"), 62.5);
    assert_eq!(value("2315-001,У-2", "parents/final", "q_progress"), 0.0);
    assert_eq!(value("2315-001,", "parents/final/Р1", "q_progress"), 37.5);
    assert_eq!(value("2315-001,", "parents/final/Р2", "q_progress"), 25.0);
    assert_eq!(value("2315-001,", "parents/final", "q_progress"), 31.25);
    assert_eq!(value("2315-001,", "parents/final", "q_improved_pct"), 50.0);
    // The final wave itself is scored by version 2 with all its items: Р2.1 on 1-4.
    // У-1 Р2 (0 + 50) / 2 = 25, У-2 Р2 (100 + 100) / 2 = 100: the school 62.5.
    assert_eq!(value("2315-001,", "parents/final/Р2", "q_score"), 62.5);

    // The report says which items were left out, and why.
    let pdf = readable_text(&ws.path("reports/2025-2026-Q2/2315-001.pdf"));
    let pdf = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    let workbook = workbook_text(&ws.path("reports/2025-2026-Q2/2315-001.xlsx"));
    for said in [pdf.as_str(), workbook.as_str()] {
        assert!(
            said.contains("Анкета «Удовлетворённость родителей тьюторским сопровождением»: входная волна заполнена по версии 1, итоговая — по версии 2")
                && said.contains("Р1.3 (есть только в версии 1), Р2.1 (шкала изменилась: 1–5 → 1–4)"),
            "{said}"
        );
    }
}

#[test]
fn a_required_item_is_marked_in_the_blank_and_left_empty_is_refused_at_its_cell() {
    let ws = Ws::new();
    let header = row![
        "Код",
        "Текст вопроса",
        "Шкала",
        "Мин.",
        "Макс.",
        "Компетенция",
        "Список вариантов",
        "Обязательный"
    ];
    write_xlsx(
        &ws.path("templates/questionnaires/parents.xlsx"),
        &parent_survey(
            about("parents"),
            vec![
                header,
                row!["Р1.1", "Я знаю тьютора", "шкала", 1, 5, "Р1", "", "да"],
                row!["Р1.2", "Тьютор отвечает", "шкала", 1, 5, "Р1", "", ""],
                row!["Р2.1", "Ребёнок увереннее", "шкала", 1, 5, "Р2", "", "нет"],
            ],
            vec![row!["Список", "Вариант"]],
            vec![
                row!["Код", "Название"],
                row!["Р1", "Связь с тьютором"],
                row!["Р2", "Изменения в ребёнке"],
            ],
        ),
    );
    let out = ws.run(&["templates"]);
    assert!(out.status.success(), "{}", text(&out));
    let mut blank = open_workbook_auto(ws.path("templates/Анкета — parents.xlsx")).unwrap();
    let answers = blank.worksheet_range("Ответы").unwrap();
    let headers: Vec<String> = answers
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert!(
        headers.contains(&"Р1.1 Я знаю тьютора (обязательный)".to_string()),
        "{headers:?}"
    );
    assert!(
        headers.contains(&"Р1.2 Тьютор отвечает".to_string()),
        "{headers:?}"
    );

    ws.drop("состав.xlsx", &roster());
    ws.drop(
        "родители.xlsx",
        &[
            passport(
                "Анкета",
                &[
                    ("Анкета", V::from("parents")),
                    ("Волна", V::from("входная")),
                ],
            ),
            sheet(
                "Ответы",
                vec![
                    row!["ID", "Р1.1", "Р1.2", "Р2.1"],
                    row!["У-1", 5, 4, 3],
                    row!["У-2", "", 3, ""],
                ],
            ),
        ],
    );
    let out = ws.run(&["ingest"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let problems = ws.problems_of("родители.xlsx");
    assert!(
        problems.contains("лист «Ответы», ячейка B3")
            && problems.contains("не заполнен обязательный вопрос Р1.1"),
        "{problems}"
    );
    // An empty answer to an item that is not required is no answer, not a mistake.
    assert!(!problems.contains("D3"), "{problems}");
}
