//! `run` and `report`: the machine-readable outputs of a term, checked against numbers
//! worked out by hand from the workbooks of `util.rs`.

use super::util::*;

fn csv_rows(ws: &Ws, rel: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(ws.path(rel)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn indicator(
    rows: &[std::collections::BTreeMap<String, String>],
    scope: &str,
    indicator: &str,
    group: &str,
    entity: &str,
) -> Option<f64> {
    rows.iter()
        .find(|r| {
            r["scope"] == scope
                && r["indicator"] == indicator
                && r["group"] == group
                && r["entity"] == entity
        })
        .map(|r| r["value"].parse().unwrap())
}

/// New data of one school in a term the store already has rewrites that school's workbook
/// and PDF and the term's tables, and leaves the other schools' reports as they were (they
/// show their own data only).
#[test]
fn run_rewrites_the_reports_of_the_schools_whose_data_arrived_and_the_terms_tables() {
    let ws = Ws::new();
    for (code, name) in [("2315-001", "МБОУ СОШ № 1"), ("2315-002", "МБОУ СОШ № 2")]
    {
        ws.drop(
            &format!("{code} состав.xlsx"),
            &at_school(roster(), code, name, "г. Новоморск"),
        );
        ws.drop(
            &format!("{code} журнал.xlsx"),
            &at_school(attendance(), code, name, "г. Новоморск"),
        );
    }
    assert_eq!(ws.run(&["run"]).status.code(), Some(0));
    let dir = "reports/2025-2026-Q1";
    let modified = |name: &str| {
        std::fs::metadata(ws.path(&format!("{dir}/{name}")))
            .unwrap()
            .modified()
            .unwrap()
    };
    let before: Vec<_> = [
        "2315-001.pdf",
        "2315-001.xlsx",
        "2315-002.pdf",
        "2315-002.xlsx",
    ]
    .map(modified)
    .into();
    let other = std::fs::read(ws.path(&format!("{dir}/2315-002.pdf"))).unwrap();
    assert!(!readable_text(&ws.path(&format!("{dir}/2315-001.pdf"))).contains("ОГЭ математика"));

    ws.drop("2315-001 диагностика.xlsx", &diagnostic());
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(readable_text(&ws.path(&format!("{dir}/2315-001.pdf"))).contains("ОГЭ математика"));
    assert_ne!(modified("2315-001.xlsx"), before[1]);
    assert_eq!(
        [modified("2315-002.pdf"), modified("2315-002.xlsx")],
        [before[2], before[3]],
        "school 2 not rewritten"
    );
    assert_eq!(
        std::fs::read(ws.path(&format!("{dir}/2315-002.pdf"))).unwrap(),
        other
    );
    let rows = csv_rows(&ws, &format!("{dir}/indicators.csv"));
    let d_pct = rows
        .iter()
        .find(|r| r["scope"] == "school" && r["indicator"] == "d_pct" && r["entity"].is_empty());
    assert!(
        d_pct.is_some_and(|r| r["school_code"] == "2315-001"),
        "the term's tables hold the new data"
    );
}

#[test]
fn run_ingests_and_writes_the_terms_indicators_groups_and_log() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop("журнал.xlsx", &attendance());
    ws.drop("диагностика.xlsx", &diagnostic());
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        ws.files_in("reports/2025-2026-Q1"),
        [
            "2315-001.pdf",
            "2315-001.xlsx",
            "changes.csv",
            "groups.csv",
            "indicators.csv",
            "indicators.parquet",
            "ingest-log.csv",
            "trend.csv"
        ]
    );
    let rows = csv_rows(&ws, "reports/2025-2026-Q1/indicators.csv");
    // Marks: Н-1 + + н, Н-2 + у +, У-1 1 0 (empty), У-2 б + +: 7 present of 11.
    let rate = indicator(&rows, "school", "att_rate", "", "").unwrap();
    assert!((rate - 700.0 / 11.0).abs() < 1e-9, "{rate}");
    assert_eq!(
        indicator(&rows, "person", "att_rate", "", "У-1"),
        Some(50.0)
    );
    assert_eq!(
        indicator(&rows, "school", "participants", "", ""),
        Some(8.0)
    );
    // Diagnostic: У-1 3 of 5 = 60 %, У-2 1 of 5 = 20 %, У-3 absent.
    assert_eq!(
        indicator(&rows, "school", "d_pct", "ОГЭ математика/start", ""),
        Some(40.0)
    );
    assert_eq!(
        indicator(&rows, "school", "d_absent", "ОГЭ математика/start", ""),
        Some(1.0)
    );
    // No routes: completeness 2 of 3, and the flag says why.
    assert!(
        (indicator(&rows, "school", "completeness_pct", "", "").unwrap() - 200.0 / 3.0).abs()
            < 1e-9
    );
    assert_eq!(
        indicator(&rows, "school", "support_flag", "completeness_pct", ""),
        Some(1.0)
    );
    assert_eq!(
        indicator(&rows, "school", "support_flag", "d_pct", ""),
        Some(1.0)
    );
    // Т2 (Уравнения): У-1 0 of 2, У-2 0 of 2: a group of two, with names from the roster.
    let groups = csv_rows(&ws, "reports/2025-2026-Q1/groups.csv");
    let t2: Vec<&str> = groups
        .iter()
        .filter(|g| g["topic_code"] == "Т2")
        .map(|g| g["full_name"].as_str())
        .collect();
    assert_eq!(
        t2,
        ["Смирнов Артём Дмитриевич", "Морозова Дарья Алексеевна"]
    );
    assert!(
        groups.iter().all(|g| g["topic_code"] != "Т1"),
        "Т1 has only У-2 below half: {groups:?}"
    );
    let log = csv_rows(&ws, "reports/2025-2026-Q1/ingest-log.csv");
    assert_eq!(log.len(), 3);
}

#[test]
fn report_compares_with_a_named_term_and_filters_a_school() {
    let ws = Ws::new();
    ws.drop("журнал Q1.xlsx", &attendance());
    let mut q2 = attendance();
    q2[0]
        .1
        .iter_mut()
        .filter(|r| matches!(&r[0], V::S(l) if l == "Период"))
        .for_each(|r| r[1] = V::from("2 четверть"));
    for row in q2[1].1.iter_mut().skip(1) {
        row[1] = V::D(2025, 11, 20);
    }
    q2[2].1[1][4] = V::from("+"); // Н-1 now attends С3: 8 present of 11.
    ws.drop("журнал Q2.xlsx", &q2);
    ws.ingest();
    let out = ws.run(&[
        "report",
        "--term",
        "2025/2026 Q2",
        "--compare",
        "2025/2026 Q1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let changes = csv_rows(&ws, "reports/2025-2026-Q2/changes.csv");
    let att = changes
        .iter()
        .find(|r| r["scope"] == "school" && r["indicator"] == "att_rate")
        .unwrap();
    assert_eq!(att["compare_term"], "2025/2026 Q1");
    let change: f64 = att["change"].parse().unwrap();
    assert!((change - 100.0 / 11.0).abs() < 1e-9, "{att:?}");
    // One school's report rewrites that school's documents and leaves the term's files alone.
    let before = std::fs::read(ws.path("reports/2025-2026-Q2/indicators.csv")).unwrap();
    std::fs::remove_file(ws.path("reports/2025-2026-Q2/2315-001.pdf")).unwrap();
    let out = ws.run(&[
        "report",
        "--term",
        "2025/2026 Q2",
        "--compare",
        "2025/2026 Q1",
        "--school",
        "2315-001",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(ws.path("reports/2025-2026-Q2/2315-001.pdf").exists());
    assert_eq!(
        std::fs::read(ws.path("reports/2025-2026-Q2/indicators.csv")).unwrap(),
        before
    );
}

#[test]
fn a_term_without_route_workbooks_has_no_route_figures_and_misses_the_form() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop("журнал Q1.xlsx", &attendance());
    ws.drop("маршруты Q1.xlsx", &route());
    let mut q4 = attendance();
    q4[0]
        .1
        .iter_mut()
        .filter(|r| matches!(&r[0], V::S(l) if l == "Период"))
        .for_each(|r| r[1] = V::from("4 четверть"));
    for row in q4[1].1.iter_mut().skip(1) {
        row[1] = V::D(2026, 4, 20);
    }
    ws.drop("журнал Q4.xlsx", &q4);
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Q1: У-1's item done (20.10), У-2's due and not done; У-1's November item not yet due.
    let q1 = csv_rows(&ws, "reports/2025-2026-Q1/indicators.csv");
    assert_eq!(indicator(&q1, "school", "r_done_pct", "", ""), Some(50.0));
    assert_eq!(
        indicator(&q1, "school", "completeness_pct", "", ""),
        Some(100.0)
    );
    // Q4: the Q1 routes are not carried forward (their statuses are stale): no route rows at
    // all, and completeness shows the missing form (roster and journal: 2 of 3).
    let q4 = csv_rows(&ws, "reports/2025-2026-Q4/indicators.csv");
    let routes: Vec<_> = q4
        .iter()
        .filter(|r| r["indicator"].starts_with("r_"))
        .collect();
    assert!(routes.is_empty(), "{routes:?}");
    assert!(
        (indicator(&q4, "school", "completeness_pct", "", "").unwrap() - 200.0 / 3.0).abs() < 1e-9
    );
    assert_eq!(
        indicator(&q4, "school", "support_flag", "completeness_pct", ""),
        Some(1.0)
    );
    assert_eq!(
        indicator(&q4, "school", "support_flag", "r_done_pct", ""),
        None
    );
}
