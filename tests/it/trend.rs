//! The year trend of a school report: `trend.csv` holds each term's own figures, a term
//! without data is a gap, and the PDF and workbook show the «Динамика за учебный год».

use std::collections::BTreeMap;

use super::util::*;

type Rows = Vec<BTreeMap<String, String>>;

fn csv_rows(ws: &Ws, rel: &str) -> Rows {
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

/// The attendance journal of 2 четверть: the Q1 journal moved to November, Н-1 now attending С3.
fn attendance_q2() -> Vec<Sheet> {
    let mut q2 = attendance();
    q2[0]
        .1
        .iter_mut()
        .filter(|r| matches!(&r[0], V::S(l) if l == "Период"))
        .for_each(|r| r[1] = V::from("2 четверть"));
    for row in q2[1].1.iter_mut().skip(1) {
        row[1] = V::D(2025, 11, 20);
    }
    q2[2].1[1][4] = V::from("+");
    q2
}

/// Non-person rows of an `indicators.csv` as trend rows: (scope, unit, group, indicator) → value.
fn as_trend(rows: &Rows) -> BTreeMap<(String, String, String, String), String> {
    rows.iter()
        .filter(|r| r["scope"] != "person")
        .map(|r| {
            let unit = if r["scope"] == "school" {
                &r["school_code"]
            } else {
                &r["municipality"]
            };
            (
                (
                    r["scope"].clone(),
                    unit.clone(),
                    r["group"].clone(),
                    r["indicator"].clone(),
                ),
                r["value"].clone(),
            )
        })
        .collect()
}

fn trend_of(rows: &Rows, term: &str) -> BTreeMap<(String, String, String, String), String> {
    rows.iter()
        .filter(|r| r["term"] == term)
        .map(|r| {
            (
                (
                    r["scope"].clone(),
                    r["unit"].clone(),
                    r["group"].clone(),
                    r["indicator"].clone(),
                ),
                r["value"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_year_trend_holds_each_terms_own_indicators_and_the_reports_show_it() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    ws.drop("журнал Q1.xlsx", &attendance());
    ws.drop("журнал Q2.xlsx", &attendance_q2());
    ws.ingest();
    for term in ["2025/2026 Q1", "2025/2026 Q2"] {
        let out = ws.run(&["report", "--term", term]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let trend = csv_rows(&ws, "reports/2025-2026-Q2/trend.csv");
    for (term, folder) in [
        ("2025/2026 Q1", "2025-2026-Q1"),
        ("2025/2026 Q2", "2025-2026-Q2"),
    ] {
        let own = as_trend(&csv_rows(&ws, &format!("reports/{folder}/indicators.csv")));
        assert!(
            own.contains_key(&(
                "school".into(),
                "2315-001".into(),
                "".into(),
                "att_rate".into()
            )),
            "{own:?}"
        );
        assert_eq!(trend_of(&trend, term), own, "{term}");
    }
    assert!(
        trend
            .iter()
            .all(|r| ["2025/2026 Q1", "2025/2026 Q2"].contains(&r["term"].as_str())),
        "{trend:?}"
    );

    // Attendance: 7 of 11 in 1 четверть, 8 of 11 in 2 четверть, +9,1 п. п. over the year.
    let pdf = readable_text(&ws.path("reports/2025-2026-Q2/2315-001.pdf"));
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    let section = &flat[flat.find("Динамика за учебный год 2025/2026").expect(&flat)..];
    assert!(
        section.contains("1 четверть") && section.contains("2 четверть"),
        "{section}"
    );
    let row = &section[section.find("Посещаемость").expect(section)..];
    let row: String = row.chars().take(80).collect();
    assert!(
        row.contains("63,6") && row.contains("72,7") && row.contains("9,1"),
        "{row}"
    );
    let workbook = readable_text(&ws.path("reports/2025-2026-Q2/2315-001.xlsx"));
    assert!(
        workbook.contains("Динамика за учебный год") && workbook.contains("1 четверть"),
        "the workbook's trend sheet"
    );
}

#[test]
fn a_term_without_data_is_a_gap_in_the_trend_not_zeros() {
    let ws = Ws::new();
    ws.drop("журнал Q2.xlsx", &attendance_q2());
    ws.ingest();
    let out = ws.run(&["report", "--term", "2025/2026 Q2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let trend = csv_rows(&ws, "reports/2025-2026-Q2/trend.csv");
    assert!(!trend.is_empty());
    assert!(
        trend.iter().all(|r| r["term"] == "2025/2026 Q2"),
        "1 четверть has no data: {trend:?}"
    );
}
