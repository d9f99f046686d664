//! The regional centre: packages without names, roll-up equal to the schools' pooled
//! figures, completeness against the register, change between terms.

use super::util::*;
use crate::row;

/// A school workspace with two schools in two municipalities, Q1 and Q2, and a centre fed
/// with their exported packages. Returns (school workspace, centre workspace).
fn school_and_centre(register_extra: &str) -> (Ws, Ws) {
    school_and_centre_with(register_extra, &[])
}

/// [`school_and_centre`] where the schools `small_in_q1` mark only four persons in their
/// Q1 journal (below the centre's five) and seven in Q2, like the others.
fn school_and_centre_with(register_extra: &str, small_in_q1: &[&str]) -> (Ws, Ws) {
    let school = Ws::new();
    for (code, name, muni) in [
        ("2315-001", "МБОУ СОШ № 1", "г. Новоморск"),
        ("2341-012", "МБОУ СОШ № 12", "Каменский район"),
    ] {
        let mut r = roster();
        // Free text in a questionnaire, to prove it never leaves the school.
        school.drop(
            &format!("{code} состав.xlsx"),
            &at_school(r.clone(), code, name, muni),
        );
        let q1 = if small_in_q1.contains(&code) {
            attendance()
        } else {
            journal()
        };
        school.drop(
            &format!("{code} журнал.xlsx"),
            &at_school(q1, code, name, muni),
        );
        school.drop(
            &format!("{code} маршруты.xlsx"),
            &at_school(route(), code, name, muni),
        );
        school.drop(
            &format!("{code} диагностика.xlsx"),
            &at_school(diagnostic(), code, name, muni),
        );
        let feedback = vec![
            passport(
                "Анкета",
                &[
                    ("Анкета", V::from("tutor-feedback")),
                    ("Волна", V::from("итоговая")),
                ],
            ),
            sheet(
                "Ответы",
                vec![
                    row!["ID", "С1", "О1"],
                    row!["У-1", 5, "Спасибо Иванова Мария Петровна за помощь"],
                    row!["У-2", 4, "Всё понравилось"],
                ],
            ),
        ];
        school.drop(
            &format!("{code} отзывы.xlsx"),
            &at_school(feedback, code, name, muni),
        );
        // The same journal in Q2, with one more present mark, for the change between terms.
        let mut q2 = at_school(journal(), code, name, muni);
        q2[0]
            .1
            .iter_mut()
            .filter(|r| matches!(&r[0], V::S(l) if l == "Период"))
            .for_each(|r| r[1] = V::from("2 четверть"));
        for row in q2[1].1.iter_mut().skip(1) {
            row[1] = V::D(2025, 11, 20);
        }
        q2[2].1[1][4] = V::from("+");
        school.drop(&format!("{code} журнал Q2.xlsx"), &q2);
        r.clear();
    }
    let out = school.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let centre = centre_of(&school, &["2025/2026 Q1", "2025/2026 Q2"]);
    let mut config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    config.push_str(&format!(
        "\n[[register]]\ncode = \"2315-001\"\nname = \"МБОУ СОШ № 1\"\nmunicipality = \"г. Новоморск\"\n\n[[register]]\ncode = \"2341-012\"\nname = \"МБОУ СОШ № 12\"\nmunicipality = \"Каменский район\"\n{register_extra}"
    ));
    std::fs::write(centre.path("tutorstat.toml"), config).unwrap();
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    (school, centre)
}

/// A centre workspace with the school workspace's packages of `terms` in its inbox; nothing
/// run yet.
fn centre_of(school: &Ws, terms: &[&str]) -> Ws {
    let centre = Ws::new();
    let out = centre.run(&["init", centre.root().to_str().unwrap(), "--centre"]);
    assert!(out.status.success(), "{}", text(&out));
    // `run` already made the school a workspace with its key.
    for term in terms {
        let out = school.run(&["export", "--term", term]);
        assert!(out.status.success(), "{}", text(&out));
    }
    for name in school.files_in("reports") {
        if name.ends_with(".parquet") && name.contains("package_") {
            let file = std::path::Path::new(&name).file_name().unwrap().to_owned();
            std::fs::copy(
                school.path("reports").join(&name),
                centre.path("inbox").join(file),
            )
            .unwrap();
        }
    }
    let config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    std::fs::write(
        centre.path("tutorstat.toml"),
        config.replace("kind = \"school\"", "kind = \"centre\""),
    )
    .unwrap();
    centre
}

/// The journal of `util.rs` with three more persons, so every school has at least the five
/// persons a centre needs before it shows a figure: 12 present of 20 marks.
fn journal() -> Vec<Sheet> {
    let mut j = attendance();
    j[2].1.extend([
        row!["Т-1", "", "+", "+", "+"],
        row!["Т-2", "", "н", "н", "н"],
        row!["П-1", "", "+", "н", "+"],
    ]);
    j
}

fn rows(ws: &Ws, rel: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(ws.path(rel)).unwrap();
    reader.deserialize().map(Result::unwrap).collect()
}

fn find(
    rows: &[std::collections::BTreeMap<String, String>],
    scope: &str,
    key: &str,
    indicator: &str,
    column: &str,
) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r["scope"] == scope
                && r["indicator"] == indicator
                && r["group"].is_empty()
                && (r["school_code"] == key || r["municipality"] == key && scope != "school")
        })
        .and_then(|r| r[column].parse().ok())
}

#[test]
fn nothing_personal_reaches_a_package_or_any_centre_output() {
    let (school, centre) = school_and_centre("");
    let mut secrets: Vec<String> = Vec::new();
    for r in &roster()[1].1[1..] {
        if let (V::S(id), V::S(name)) = (&r[0], &r[1]) {
            secrets.push(id.clone());
            secrets.push(name.clone());
        }
    }
    secrets.extend([
        "Спасибо Иванова Мария Петровна".to_string(),
        "Всё понравилось".to_string(),
        "Научиться выступать".to_string(),
        "Мои цели на год".to_string(),
        "Петрова А. А.".to_string(),
    ]);
    let mut scanned = 0;
    let packages: Vec<std::path::PathBuf> = school
        .files_in("reports")
        .into_iter()
        .filter(|n| n.contains("package_"))
        .map(|n| school.path("reports").join(n))
        .collect();
    let centre_outputs: Vec<std::path::PathBuf> = centre
        .files_in("reports")
        .into_iter()
        .map(|n| centre.path("reports").join(n))
        .collect();
    let centre_store: Vec<std::path::PathBuf> = centre
        .files_in("store")
        .into_iter()
        .filter(|n| n.ends_with(".parquet"))
        .map(|n| centre.path("store").join(n))
        .collect();
    assert_eq!(packages.len(), 4, "two schools, two terms");
    // An event's topic («Мои цели на год», above) is free text about a session and stays
    // home; a diagnostic topic names a skill and travels, so the centre can name it.
    assert!(
        packages
            .iter()
            .any(|p| readable_text(p).contains("Действия с дробями")),
        "the diagnostic's topic travels in the package"
    );
    for path in packages.iter().chain(&centre_outputs).chain(&centre_store) {
        let text = readable_text(path);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "«{secret}» found in {}",
                path.display()
            );
        }
        scanned += 1;
    }
    assert!(scanned >= 4 + 12, "scanned {scanned} files");
}

#[test]
fn the_centre_rolls_up_the_same_pooled_figures_the_schools_data_give() {
    let (school, centre) = school_and_centre("");
    let at_school = rows(&school, "reports/2025-2026-Q1/indicators.csv");
    let at_centre = rows(&centre, "reports/2025-2026-Q1/indicators.csv");
    for indicator in ["att_rate", "participants"] {
        for (scope, key) in [
            ("region", ""),
            ("municipality", "г. Новоморск"),
            ("school", "2341-012"),
        ] {
            let a = find(&at_school, scope, key, indicator, "value");
            let b = find(&at_centre, scope, key, indicator, "value");
            assert!(
                a.is_some() && a == b,
                "{indicator} at {scope} {key}: school workspace {a:?}, centre {b:?}"
            );
        }
    }
    assert!(
        at_centre.iter().all(|r| r["scope"] != "person"),
        "no person rows leave the school"
    );
    // Routes describe two persons per school: below the small-cell limit, so not shown.
    assert!(find(&at_school, "school", "2341-012", "r_done_pct", "value").is_some());
    assert_eq!(
        find(&at_centre, "school", "2341-012", "r_done_pct", "value"),
        None
    );
    let pdf = readable_text(&centre.path("reports/2025-2026-Q1/centre.pdf"));
    assert!(pdf.contains("<5"), "suppressed cells are marked");
}

#[test]
fn a_school_that_sent_nothing_lowers_completeness_and_is_named() {
    let (_, centre) = school_and_centre(
        "\n[[register]]\ncode = \"2341-020\"\nname = \"МБОУ ООШ № 20 х. Лесного\"\nmunicipality = \"Каменский район\"\n",
    );
    let figures = rows(&centre, "reports/2025-2026-Q1/indicators.csv");
    assert_eq!(
        find(
            &figures,
            "municipality",
            "Каменский район",
            "completeness_pct",
            "value"
        ),
        Some(50.0)
    );
    assert_eq!(
        find(
            &figures,
            "municipality",
            "Каменский район",
            "schools_reporting_pct",
            "value"
        ),
        Some(50.0)
    );
    let pdf = readable_text(&centre.path("reports/2025-2026-Q1/centre.pdf"));
    assert!(
        pdf.contains("МБОУ ООШ № 20 х. Лесного") && pdf.contains("нет данных"),
        "{pdf}"
    );
}

#[test]
fn two_terms_at_the_centre_show_the_change_per_school_and_municipality() {
    let (_, centre) = school_and_centre("");
    let changes = rows(&centre, "reports/2025-2026-Q2/changes.csv");
    // Q1: 12 present of 20; Q2: 13 of 20 in every school.
    for (scope, key) in [
        ("school", "2315-001"),
        ("municipality", "Каменский район"),
        ("region", ""),
    ] {
        let change = find(&changes, scope, key, "att_rate", "change")
            .unwrap_or_else(|| panic!("no change for {scope} {key}"));
        assert!((change - 5.0).abs() < 1e-9, "{scope} {key}: {change}");
    }
    let xlsx = readable_text(&centre.path("reports/2025-2026-Q2/centre.xlsx"));
    assert!(
        xlsx.contains("Полнота сдачи")
            && xlsx.contains("Муниципалитеты")
            && xlsx.contains("Поддержка")
    );
}

/// School 2315-001 corrects a mark of its Q1 journal, runs, exports its Q1 package again and
/// puts it in the centre's inbox.
fn resend_corrected_q1(school: &Ws, centre: &Ws) {
    let mut corrected = at_school(journal(), "2315-001", "МБОУ СОШ № 1", "г. Новоморск");
    corrected[2].1[2][3] = V::from("+");
    corrected[0].1.push(row!["Дата заполнения", "01.12.2025"]);
    school.drop("исправленный журнал.xlsx", &corrected);
    assert_eq!(school.run(&["run"]).status.code(), Some(0));
    assert!(
        school
            .run(&["export", "--term", "2025/2026 Q1"])
            .status
            .success()
    );
    std::fs::copy(
        school.path("reports/2025-2026-Q1/package_2315-001_2025-2026-Q1.parquet"),
        centre.path("inbox/package_2315-001_2025-2026-Q1.parquet"),
    )
    .unwrap();
}

/// The centre's store files (names below `store/`) of Parquet.
fn store_files(centre: &Ws) -> Vec<String> {
    centre
        .files_in("store")
        .into_iter()
        .filter(|n| n.ends_with(".parquet"))
        .collect()
}

#[test]
fn a_centre_keeps_each_package_as_one_store_file_and_a_resent_package_replaces_it() {
    let (school, centre) = school_and_centre("");
    // Two schools, two terms: four packages, one store file each, none split into tables.
    let before = store_files(&centre);
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(
        before.iter().all(|n| n.starts_with("packages/term_slug=")),
        "{before:?}"
    );
    let q1 = "packages/term_slug=2025-2026-Q1/school=2315-001/";
    let old: Vec<&String> = before.iter().filter(|n| n.starts_with(q1)).collect();
    assert_eq!(old.len(), 1, "{before:?}");
    // The school corrects its Q1 journal and sends the package again.
    resend_corrected_q1(&school, &centre);
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after = store_files(&centre);
    let new: Vec<&String> = after.iter().filter(|n| n.starts_with(q1)).collect();
    assert_eq!(after.len(), 4, "{after:?}");
    assert_eq!(new.len(), 1, "{after:?}");
    assert_ne!(new, old, "the resent package replaces the old one");
    // Its name carries the log line that committed it: the package's rows win by it.
    let seq = centre.log().len();
    assert!(
        new[0].ends_with(&format!("-{seq}.parquet")),
        "{new:?}, seq {seq}"
    );
    // The stored file holds the package's bytes as the school sent them.
    assert_eq!(
        std::fs::read(centre.path("store").join(new[0])).unwrap(),
        std::fs::read(school.path("reports/2025-2026-Q1/package_2315-001_2025-2026-Q1.parquet"))
            .unwrap()
    );
}

#[test]
fn raw_forms_at_a_centre_are_pseudonymised_and_a_resent_package_replaces_the_old() {
    let (school, centre) = school_and_centre("");
    centre.drop(
        "состав напрямую.xlsx",
        &at_school(roster(), "2315-777", "МБОУ СОШ № 777", "г. Новоморск"),
    );
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    for name in centre
        .files_in("store")
        .into_iter()
        .filter(|n| n.ends_with(".parquet"))
    {
        let stored = readable_text(&centre.path("store").join(&name));
        assert!(
            !stored.contains("Иванова Мария Петровна") && !stored.contains("Т-1"),
            "{name} holds a name or a raw ID"
        );
    }
    // The school corrects its Q1 journal and sends a new package.
    resend_corrected_q1(&school, &centre);
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let last = centre.log().pop().unwrap();
    assert_eq!(
        (last["form"].as_str(), last["outcome"].as_str()),
        ("package", "replaced"),
        "{last:?}"
    );
}

#[test]
fn a_register_workbook_and_deadlines_name_late_schools() {
    let (_, centre) = school_and_centre("");
    // Replace the inline register by a workbook, and set a deadline every package missed.
    let config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    let config = config.split("\n[[register]]").next().unwrap().replace(
        "[deadlines]",
        "[deadlines]\n\"2025/2026 Q1\" = \"2025-09-01\"",
    );
    std::fs::write(
        centre.path("tutorstat.toml"),
        format!("register_file = \"реестр.xlsx\"\n{config}"),
    )
    .unwrap();
    write_xlsx(
        &centre.path("реестр.xlsx"),
        &[sheet(
            "Реестр",
            vec![
                crate::row!["Код ОО", "Наименование ОО", "Муниципалитет"],
                crate::row!["2315-001", "МБОУ СОШ № 1", "Новоморский ГО"],
                crate::row!["2341-012", "МБОУ СОШ № 12", "Новоморский ГО"],
            ],
        )],
    );
    let out = centre.run(&["report", "--term", "2025/2026 Q1"]);
    assert!(out.status.success(), "{}", text(&out));
    let figures = rows(&centre, "reports/2025-2026-Q1/indicators.csv");
    // The register's municipality wins over the files' spelling: one unit of both schools.
    assert!(
        find(
            &figures,
            "municipality",
            "Новоморский ГО",
            "att_rate",
            "value"
        )
        .is_some()
    );
    assert!(
        figures
            .iter()
            .all(|r| r["municipality"] != "Каменский район")
    );
    let pdf = readable_text(&centre.path("reports/2025-2026-Q1/centre.pdf"));
    assert!(pdf.contains("позже срока"), "{pdf}");
}

/// The cells of a centre workbook's sheet as text, by row.
fn sheet_rows(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    use calamine::Reader as _;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

/// The cell of the row holding `key` under the header `column` (the header row is the one
/// that names it).
fn cell_of(rows: &[Vec<String>], key: &str, column: &str) -> String {
    let header = rows
        .iter()
        .find(|r| r.iter().any(|c| c == column))
        .unwrap_or_else(|| panic!("no column «{column}»"));
    let at = header.iter().position(|c| c == column).unwrap();
    let row = rows
        .iter()
        .find(|r| r.iter().any(|c| c == key))
        .unwrap_or_else(|| panic!("no row «{key}»"));
    row[at].clone()
}

#[test]
fn a_figure_suppressed_in_the_comparison_term_shows_no_previous_value_and_no_change_anywhere() {
    // 2341-012 marks four persons in Q1 (suppressed there) and seven in Q2 (shown).
    let (_, centre) = school_and_centre_with("", &["2341-012"]);
    let q1 = rows(&centre, "reports/2025-2026-Q1/indicators.csv");
    assert_eq!(
        find(&q1, "school", "2341-012", "att_rate", "value"),
        None,
        "four persons in Q1: suppressed"
    );
    assert!(find(&q1, "school", "2315-001", "att_rate", "value").is_some());
    let changes = rows(&centre, "reports/2025-2026-Q2/changes.csv");
    let row = |scope: &str, key: &str| {
        changes
            .iter()
            .find(|r| {
                r["scope"] == scope
                    && r["indicator"] == "att_rate"
                    && (r["school_code"] == key || scope != "school" && r["municipality"] == key)
            })
            .unwrap_or_else(|| panic!("no att_rate row of {scope} {key}"))
            .clone()
    };
    // Q2: 13 of 20 present everywhere. Q1: 7 of 11 in 2341-012 (hidden), 12 of 20 in 2315-001.
    for (scope, key) in [("school", "2341-012"), ("municipality", "Каменский район")]
    {
        let r = row(scope, key);
        assert_eq!(r["value"].parse::<f64>().unwrap(), 65.0, "{r:?}");
        assert!(
            r["previous"].is_empty() && r["change"].is_empty(),
            "{scope} {key}: the Q1 figure describes four persons: {r:?}"
        );
    }
    let shown = row("school", "2315-001");
    assert_eq!(
        (
            shown["previous"].parse::<f64>().unwrap(),
            shown["change"].parse::<f64>().unwrap()
        ),
        (60.0, 5.0)
    );
    // The region had 11 persons in Q1: its change is shown.
    assert!(!row("region", "")["change"].is_empty());
    let xlsx = centre.path("reports/2025-2026-Q2/centre.xlsx");
    let schools = sheet_rows(&xlsx, "Школы");
    assert_eq!(cell_of(&schools, "2341-012", "Посещаемость"), "65");
    assert_eq!(cell_of(&schools, "2341-012", "Посещаемость: изменение"), "");
    assert_eq!(
        cell_of(&schools, "2315-001", "Посещаемость: изменение"),
        "5"
    );
    let units = sheet_rows(&xlsx, "Муниципалитеты");
    assert_eq!(
        cell_of(&units, "Каменский район", "Посещаемость: изменение"),
        ""
    );
    // 65 - 63.6 would be printed as +1,4 п. п.; 2315-001's change is +5,0 п. п.
    let pdf = readable_text(&centre.path("reports/2025-2026-Q2/centre.pdf"));
    assert!(pdf.contains("+5,0") && !pdf.contains("+1,4"), "{pdf}");
}

#[test]
fn an_anonymous_questionnaire_counts_its_respondents_and_the_mark_follows_small_cell() {
    let school = Ws::new();
    let mut answers = vec![row!["ID", "С1", "С2", "С3", "П1"]];
    for i in 0..12 {
        answers.push(row!["", 3 + i % 3, 4, 5, "да"]);
    }
    let feedback = vec![
        passport(
            "Анкета",
            &[
                ("Анкета", V::from("tutor-feedback")),
                ("Волна", V::from("итоговая")),
            ],
        ),
        sheet("Ответы", answers),
    ];
    school.drop("отзывы.xlsx", &feedback);
    school.drop("журнал.xlsx", &journal());
    let out = school.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let centre = centre_of(&school, &["2025/2026 Q1"]);
    let config = std::fs::read_to_string(centre.path("tutorstat.toml")).unwrap();
    assert!(config.contains("small_cell = 5"));
    std::fs::write(
        centre.path("tutorstat.toml"),
        config.replace("small_cell = 5", "small_cell = 10"),
    )
    .unwrap();
    let out = centre.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let figures = rows(&centre, "reports/2025-2026-Q1/indicators.csv");
    let q = |scope: &str, indicator: &str| {
        figures
            .iter()
            .find(|r| {
                r["scope"] == scope
                    && r["indicator"] == indicator
                    && r["group"] == "tutor-feedback/final"
            })
            .map(|r| r["value"].parse::<f64>().unwrap())
    };
    // Twelve anonymous respondents: shown at the school, municipality and region.
    for scope in ["school", "municipality", "region"] {
        assert_eq!(q(scope, "q_respondents"), Some(12.0), "{scope}");
        assert!(
            q(scope, "q_index").is_some(),
            "{scope}: q_index of 12 respondents is shown"
        );
    }
    // Seven persons in the journal: fewer than ten.
    assert_eq!(
        find(&figures, "school", "2315-001", "att_rate", "value"),
        None
    );
    let pdf = readable_text(&centre.path("reports/2025-2026-Q1/centre.pdf"));
    assert!(pdf.contains("<10") && !pdf.contains("<5"), "{pdf}");
    assert!(
        pdf.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("меньше 10 человек"),
        "{pdf}"
    );
    let xlsx = sheet_rows(&centre.path("reports/2025-2026-Q1/centre.xlsx"), "Школы");
    assert_eq!(cell_of(&xlsx, "2315-001", "Посещаемость"), "<10");
    assert_ne!(
        cell_of(
            &xlsx,
            "2315-001",
            "Анкета: Обратная связь о тьюторском сопровождении, итоговая"
        ),
        "<10"
    );
}

#[test]
fn the_centre_summary_names_form_school_and_term_of_each_package() {
    let school = Ws::new();
    school.drop("журнал.xlsx", &journal());
    assert_eq!(school.run(&["run"]).status.code(), Some(0));
    let centre = centre_of(&school, &["2025/2026 Q1"]);
    // A console narrower than the table: one block per file, its lines unbroken.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .args(["ingest", "--workspace", centre.root().to_str().unwrap()])
        .env("COLUMNS", "99")
        .output()
        .unwrap();
    let summary = text(&out);
    assert_eq!(out.status.code(), Some(0), "{summary}");
    assert!(
        summary.contains("package_2315-001_2025-2026-Q1.parquet — загружен"),
        "{summary}"
    );
    assert!(
        summary.contains("  пакет школы; 2315-001, 1 четверть"),
        "{summary}"
    );
}

/// The demo's centre (Q4): `(indicators.csv rows, centre.pdf pages, centre.xlsx path)`.
fn demo_centre() -> (
    tempfile::TempDir,
    Vec<std::collections::BTreeMap<String, String>>,
    Vec<String>,
    std::path::PathBuf,
) {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("демо");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .arg("demo")
        .arg(&target)
        .env("SOURCE_DATE_EPOCH", "1779000000")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let reports = target.join("центр/reports/2025-2026-Q4");
    let mut reader = csv::Reader::from_path(reports.join("indicators.csv")).unwrap();
    let figures = reader.deserialize().map(Result::unwrap).collect();
    let pages = pdf_pages(&reports.join("centre.pdf"), PdfText::Reading);
    (dir, figures, pages, reports.join("centre.xlsx"))
}

#[test]
fn the_demo_centre_pdf_has_the_completeness_chart_a_distribution_page_and_a_page_per_municipality()
{
    let (dir, figures, pages, _) = demo_centre();
    let q1: Vec<std::collections::BTreeMap<String, String>> = csv::Reader::from_path(
        dir.path()
            .join("демо/центр/reports/2025-2026-Q1/indicators.csv"),
    )
    .unwrap()
    .deserialize()
    .map(Result::unwrap)
    .collect();
    let page_with = |words: &[&str]| {
        pages
            .iter()
            .position(|p| words.iter().all(|w| p.contains(w)))
    };
    let completeness = page_with(&[
        "Полнота сдачи форм",
        "Школы по сдаче форм",
        "сдали все формы в срок",
        "сдали позже срока",
    ]);
    assert!(completeness.is_some(), "no completeness chart");
    assert!(
        pages[completeness.unwrap()].contains("МБОУ ООШ № 20 х. Лесного")
            && pages[completeness.unwrap()].contains("нет данных")
    );
    // A distribution page per key indicator, with the region's line at the region's figure.
    let region_att = find(&figures, "region", "", "att_rate", "value").unwrap();
    let att = page_with(&[
        "Распределение школ",
        "Посещаемость",
        "с самыми низкими значениями",
    ])
    .expect("no attendance distribution page");
    let line = format!("регион {} %", format!("{region_att:.1}").replace('.', ","));
    assert!(pages[att].contains(&line), "{line} not on\n{}", pages[att]);
    assert!(page_with(&["Распределение школ", "Выполнение маршрутов"]).is_some());
    assert!(
        page_with(&[
            "Диагностика",
            "Уровни результата",
            "Темы с наибольшей долей участников с дефицитом"
        ])
        .is_some()
    );
    // A page per municipality of the register, with its schools, their ranks and the year.
    for (municipality, schools) in [
        ("Каменский район", ["2341-012", "2341-020"]),
        ("г. Новоморск", ["2315-001", "2315-004"]),
    ] {
        let page = pages
            .iter()
            .find(|p| {
                p.lines()
                    .find(|l| !l.trim().is_empty() && !l.starts_with("Сводка центра"))
                    == Some(municipality)
            })
            .unwrap_or_else(|| panic!("no page of {municipality}"));
        assert!(
            page.contains("Муниципалитет в целом")
                && page.contains("за учебный год")
                && page.contains("1 четверть"),
            "{page}"
        );
        assert!(schools.iter().all(|s| page.contains(s)), "{page}");
        assert!(
            page.contains("-е из 3"),
            "ranks among the region's three schools: {page}"
        );
        assert!(
            !page.contains("Q1") && !page.contains("att_rate"),
            "no codes: {page}"
        );
        // The year's line of attendance: each term's point labelled with that term's figure.
        for rows in [&q1, &figures] {
            let v = find(rows, "municipality", municipality, "att_rate", "value").unwrap();
            let label = format!("{} %", format!("{v:.1}").replace('.', ","));
            assert!(page.contains(&label), "{label} not on {page}");
        }
    }
}

#[test]
fn ranks_and_the_weakest_schools_of_the_centre_agree_with_indicators_csv() {
    let (_dir, figures, pages, xlsx) = demo_centre();
    let mut att: Vec<(String, f64)> = figures
        .iter()
        .filter(|r| r["scope"] == "school" && r["indicator"] == "att_rate" && r["group"].is_empty())
        .map(|r| (r["school_code"].clone(), r["value"].parse().unwrap()))
        .collect();
    assert_eq!(att.len(), 3, "three schools sent journals");
    let page = pages
        .iter()
        .find(|p| p.contains("Распределение школ") && p.contains("Посещаемость"))
        .expect("no attendance page");
    // The weakest first, each with its rank among the three.
    att.sort_by(|a, b| a.1.total_cmp(&b.1));
    let at: Vec<usize> = att
        .iter()
        .map(|(code, _)| {
            page.find(code.as_str())
                .unwrap_or_else(|| panic!("{code} not on\n{page}"))
        })
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "weakest first: {att:?}\n{page}"
    );
    for rank in ["1 из 3", "2 из 3", "3 из 3"] {
        assert!(page.contains(rank), "{rank} not on\n{page}");
    }
    assert!(
        !page.contains("2341-020"),
        "a school without data is not ranked: {page}"
    );
    // The workbook: each school's figure and place, and the weakest in order.
    let ranks = sheet_rows(&xlsx, "Места школ");
    for (code, value) in &att {
        let better = att.iter().filter(|(_, v)| v > value).count();
        assert_eq!(
            cell_of(&ranks, code, "Посещаемость: место (из 3)"),
            (better + 1).to_string(),
            "{code}"
        );
        assert_eq!(
            cell_of(&ranks, code, "Посещаемость")
                .parse::<f64>()
                .unwrap(),
            *value,
            "{code}"
        );
    }
    assert_eq!(
        cell_of(&ranks, "2341-020", "Посещаемость: место (из 3)"),
        "",
        "a school without data has no place"
    );
    let weakest: Vec<(String, String, f64)> = sheet_rows(&xlsx, "Слабейшие школы")
        .into_iter()
        .filter(|r| r.first().is_some_and(|c| c == "Посещаемость"))
        .map(|r| (r[1].clone(), r[3].clone(), r[6].parse().unwrap()))
        .collect();
    let want: Vec<(String, String, f64)> = att
        .iter()
        .enumerate()
        .map(|(i, (code, value))| ((3 - i).to_string(), code.clone(), *value))
        .collect();
    assert_eq!(weakest, want, "the weakest first, with place and figure");
}

#[test]
fn the_demo_centre_workbook_has_the_region_sheets_printed_like_the_others() {
    let (_dir, figures, _, xlsx) = demo_centre();
    let by = sheet_rows(&xlsx, "Сдача по муниципалитетам");
    // Who and when, on the second row of every sheet.
    for sheet in ["Школы", "Сдача по муниципалитетам"] {
        assert_eq!(
            sheet_rows(&xlsx, sheet)[1][0],
            "Центр: все школы реестра (4 школы, 2 муниципалитета); 4 четверть 2025/2026"
        );
    }
    assert_eq!(cell_of(&by, "Каменский район", "Школ в реестре"), "2");
    assert_eq!(
        cell_of(&by, "Каменский район", "Сдали не всё или ничего"),
        "1"
    );
    assert_eq!(cell_of(&by, "2341-020", "Что не так"), "нет данных");
    // The year of each municipality and the region, term by term, as indicators.csv has
    // it in the last term.
    let trend = sheet_rows(&xlsx, "Динамика муниципалитетов");
    let header = trend.iter().find(|r| r[0] == "Муниципалитет").unwrap();
    assert_eq!(
        &header[..4],
        ["Муниципалитет", "Показатель", "1 четверть", "4 четверть"]
    );
    for (unit, scope, key) in [
        ("Каменский район", "municipality", "Каменский район"),
        ("Регион", "region", ""),
    ] {
        let row = trend
            .iter()
            .find(|r| r[0] == unit && r[1] == "Посещаемость")
            .unwrap();
        let q4: f64 = row[3].parse().unwrap();
        let want = find(&figures, scope, key, "att_rate", "value").unwrap();
        assert!((q4 - want).abs() < 1e-9, "{unit}: {q4} against {want}");
    }
    let spread = sheet_rows(&xlsx, "Разброс школ");
    let region = spread
        .iter()
        .find(|r| r[0] == "Посещаемость" && r[1] == "Регион")
        .unwrap();
    assert_eq!(region[2], "3", "three schools with attendance");
    let deficits = sheet_rows(&xlsx, "Дефициты");
    assert!(
        deficits.iter().any(|r| r[0].starts_with("Т")),
        "{deficits:?}"
    );
    // Every sheet prints: its area, fitted to the width, its header repeated, frozen.
    let book = sheet_xml(&xlsx, "xl/workbook.xml");
    for (i, name) in [
        "Сдача по муниципалитетам",
        "Места школ",
        "Слабейшие школы",
        "Разброс школ",
        "Динамика муниципалитетов",
        "Дефициты",
    ]
    .into_iter()
    .enumerate()
    {
        for defined in ["_xlnm.Print_Area", "_xlnm.Print_Titles"] {
            assert!(
                book.contains(&format!("name=\"{defined}\" localSheetId=\"{}\"", 5 + i)),
                "{name}: no {defined}"
            );
        }
        let sheet = sheet_xml(&xlsx, &format!("xl/worksheets/sheet{}.xml", 6 + i));
        assert!(
            sheet.contains("fitToPage=\"1\"")
                && sheet.contains("fitToHeight=\"0\"")
                && sheet.contains("state=\"frozen\"")
                && sheet.contains("<oddFooter>"),
            "{name}: {sheet}"
        );
    }
}

#[test]
fn a_figure_suppressed_at_the_centre_is_in_no_chart_rank_or_table() {
    // 2341-012 marks four persons in Q1: 7 of 11 marks present, 63,6 %, withheld; it is
    // Каменский район's only school, so the municipality's figure is withheld as well.
    let (_, centre) = school_and_centre_with("", &["2341-012"]);
    let reports = centre.path("reports/2025-2026-Q1");
    let pdf = readable_text(&reports.join("centre.pdf"));
    assert!(!pdf.contains("63,6"), "{pdf}");
    let att = pdf_pages(&reports.join("centre.pdf"), PdfText::Reading)
        .into_iter()
        .find(|p| p.contains("Распределение школ") && p.contains("Посещаемость"))
        .expect("no attendance distribution page");
    assert!(
        att.contains("Школ с показателем: 1.") && att.contains("У 1 показатель скрыт"),
        "{att}"
    );
    assert!(
        att.contains("нет показанных значений") && !att.contains("2341-012"),
        "{att}"
    );
    let xlsx = reports.join("centre.xlsx");
    let ranks = sheet_rows(&xlsx, "Места школ");
    assert_eq!(cell_of(&ranks, "2341-012", "Посещаемость"), "<5");
    assert_eq!(
        cell_of(&ranks, "2341-012", "Посещаемость: место (из 1)"),
        ""
    );
    for sheet in [
        "Сдача по муниципалитетам",
        "Места школ",
        "Слабейшие школы",
        "Разброс школ",
        "Динамика муниципалитетов",
        "Дефициты",
    ] {
        for row in sheet_rows(&xlsx, sheet) {
            assert!(
                row.iter().all(|c| !c.starts_with("63.6")),
                "{sheet}: {row:?}"
            );
        }
    }
    let kamensky = pdf_pages(&reports.join("centre.pdf"), PdfText::Reading)
        .into_iter()
        .find(|p| p.contains("Муниципалитет в целом") && p.contains("2341-012"))
        .expect("no page of Каменский район");
    assert!(
        kamensky.contains("<5") && !kamensky.contains("-е из 1"),
        "withheld, so not ranked: {kamensky}"
    );
}

#[test]
fn a_municipality_of_the_register_with_no_school_reporting_is_shown_as_such() {
    let (_, centre) = school_and_centre(
        "\n[[register]]\ncode = \"2350-003\"\nname = \"МБОУ СОШ № 3 п. Лесного\"\nmunicipality = \"Лесной район\"\n",
    );
    let reports = centre.path("reports/2025-2026-Q1");
    let pages = pdf_pages(&reports.join("centre.pdf"), PdfText::Reading);
    let page = pages
        .iter()
        .find(|p| {
            p.contains("Лесной район") && p.contains("Ни одна из 1 школы реестра не сдала данные")
        })
        .cloned();
    assert!(page.is_some(), "{}", pages.join("\n=====\n"));
    let flat = |p: &String| p.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(pages.iter().map(flat).any(|p| {
        p.contains("ни одна школа муниципалитета не сдала данные")
            && p.contains("МБОУ СОШ № 3 п. Лесного")
    }));
    assert!(
        pages
            .iter()
            .any(|p| p.contains("Школы по сдаче форм") && p.contains("ни одна не сдала")),
        "{}",
        pages.join("\n=====\n")
    );
    let by = sheet_rows(&reports.join("centre.xlsx"), "Сдача по муниципалитетам");
    assert_eq!(
        cell_of(&by, "Лесной район", "Примечание"),
        "ни одна школа не сдала данные"
    );
    assert_eq!(cell_of(&by, "Лесной район", "Сдали не всё или ничего"), "1");
}

#[test]
fn the_centre_names_the_deficit_topics_as_the_schools_task_lists_do() {
    let (dir, _, pages, xlsx) = demo_centre();
    // The schools' own names of the topics, as a school's groups.csv shows them.
    let mut reader =
        csv::Reader::from_path(dir.path().join("демо/reports/2025-2026-Q4/groups.csv")).unwrap();
    let mut named: Vec<(String, String)> = reader
        .deserialize::<std::collections::BTreeMap<String, String>>()
        .map(Result::unwrap)
        .map(|r| (r["topic_code"].clone(), r["topic"].clone()))
        .collect();
    named.sort();
    named.dedup();
    assert!(!named.is_empty(), "the demo school has groups");
    let topics: Vec<String> = sheet_rows(&xlsx, "Дефициты")
        .into_iter()
        .skip_while(|r| r[0] != "Тема")
        .skip(1)
        .map(|r| r[0].clone())
        .collect();
    let page = pages
        .iter()
        .find(|p| p.contains("Темы с наибольшей долей участников с дефицитом"))
        .expect("no deficits on the diagnostics page");
    let flat = page.split_whitespace().collect::<Vec<_>>().join(" ");
    for (code, name) in &named {
        let label = format!("{code} {name}");
        assert!(topics.contains(&label), "{label} not in {topics:?}");
        let first_words: String = label.split(' ').take(2).collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&first_words), "{first_words} not on\n{page}");
    }
}
