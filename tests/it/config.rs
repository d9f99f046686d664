//! `tutorstat.toml` is checked when it is loaded: every bad key stops the command with
//! exit 2 and a Russian message naming the file, the line and the key.

use super::util::*;

/// A workspace whose configuration is the template `init` wrote, edited by `edit`.
fn with_config(edit: impl Fn(String) -> String) -> Ws {
    let ws = Ws::new();
    let out = ws.run(&["init", ws.root().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let config = std::fs::read_to_string(ws.path("tutorstat.toml")).unwrap();
    std::fs::write(ws.path("tutorstat.toml"), edit(config)).unwrap();
    ws
}

/// The line of `needle` in the workspace's configuration, counted from 1.
fn line_of(ws: &Ws, needle: &str) -> usize {
    let config = std::fs::read_to_string(ws.path("tutorstat.toml")).unwrap();
    config
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("«{needle}» not in the configuration"))
        + 1
}

/// A case: what it is, how it edits the configuration, a text on the line the message must
/// name, the key and the message.
type Case = (
    &'static str,
    Box<dyn Fn(String) -> String>,
    &'static str,
    &'static str,
    &'static str,
);

#[test]
fn every_bad_key_names_the_file_the_line_and_the_key_and_exits_with_2() {
    let cases: Vec<Case> = vec![
        (
            "a misspelt section",
            Box::new(|c| c.replace("[thresholds]", "[tresholds]")),
            "[tresholds]",
            "«tresholds»",
            "неизвестный ключ «tresholds» (опечатка?); допустимые здесь: kind, school, limits, thresholds",
        ),
        (
            "a misspelt key",
            Box::new(|c| c.replace("level_mid = 50", "level_mdi = 50")),
            "level_mdi =",
            "«thresholds.level_mdi»",
            "неизвестный ключ «level_mdi»",
        ),
        (
            "a deadline that is not a date",
            Box::new(|c| {
                c.replace(
                    "[deadlines]",
                    "[deadlines]\n\"2025/2026 Q1\" = \"10.11.2025г\"",
                )
            }),
            "\"2025/2026 Q1\" =",
            "«deadlines.2025/2026 Q1»",
            "срок «10.11.2025г» не является датой; ожидается ГГГГ-ММ-ДД",
        ),
        (
            "an unknown term",
            Box::new(|c| {
                c.replace(
                    "[deadlines]",
                    "[deadlines]\n\"2025/2026 Q5\" = \"2025-11-10\"",
                )
            }),
            "Q5",
            "«deadlines.2025/2026 Q5»",
            "неизвестный период «2025/2026 Q5»",
        ),
        (
            "an unknown period of the expected forms",
            Box::new(|c| {
                c.replace(
                    "[expected]",
                    "[expected]\nquestionnaires = { Q5 = [\"tutor-competency/start\"] }",
                )
            }),
            "Q5",
            "«expected.questionnaires.Q5»",
            "неизвестный период «Q5»; допустимые: Q1, Q2, Q3, Q4, H1, H2, Y",
        ),
        (
            "a threshold above 100",
            Box::new(|c| c.replace("support_att_rate = 60", "support_att_rate = 600")),
            "support_att_rate =",
            "«thresholds.support_att_rate»",
            "порог 600 вне допустимых значений: от 0 до 100",
        ),
        (
            "a threshold below 0",
            Box::new(|c| c.replace("level_mid = 50", "level_mid = -5")),
            "level_mid =",
            "«thresholds.level_mid»",
            "порог -5 вне допустимых значений",
        ),
        (
            "a threshold written as text",
            Box::new(|c| c.replace("level_high = 75", "level_high = \"75%\"")),
            "level_high =",
            "«thresholds.level_high»",
            "значение \"75%\" не подходит: ожидается число",
        ),
        (
            "a missing register file",
            Box::new(|c| format!("register_file = \"нет такого.xlsx\"\n{c}")),
            "register_file",
            "«register_file»",
            "нет такого.xlsx не найден",
        ),
        (
            "a register file that is not a workbook",
            Box::new(|c| format!("register_file = \"tutorstat.toml\"\n{c}")),
            "register_file",
            "«register_file»",
            "реестр школ",
        ),
        (
            "an unknown kind",
            Box::new(|c| c.replace("kind = \"school\"", "kind = \"shcool\"")),
            "kind =",
            "«kind»",
            "недопустимое значение «shcool»; допустимые: school, centre",
        ),
    ];
    for (case, edit, line_text, key, message) in cases {
        let ws = with_config(edit);
        let out = ws.run(&["report"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{case}: {stderr}");
        let file = ws.path("tutorstat.toml");
        let line = format!("строка {}", line_of(&ws, line_text));
        for expected in [file.to_str().unwrap(), line.as_str(), key, message] {
            assert!(
                stderr.contains(expected),
                "{case}: «{expected}» not in\n{stderr}"
            );
        }
        for english in [
            "unknown",
            "invalid",
            "expected `",
            "missing",
            "No such file",
        ] {
            assert!(
                !stderr.contains(english),
                "{case}: «{english}» in\n{stderr}"
            );
        }
    }
}

#[test]
fn a_register_file_is_read_when_the_configuration_is_loaded() {
    let ws = with_config(|c| format!("register_file = \"реестр.xlsx\"\n{c}"));
    write_xlsx(
        &ws.path("реестр.xlsx"),
        &[sheet(
            "Реестр",
            vec![
                crate::row!["Код ОО", "Наименование ОО"],
                crate::row!["2315-001", "МБОУ СОШ № 1"],
            ],
        )],
    );
    let out = ws.run(&["report"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("«register_file»") && stderr.contains("Муниципалитет"),
        "{stderr}"
    );
}
