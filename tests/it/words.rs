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
