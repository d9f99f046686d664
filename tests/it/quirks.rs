//! Workbooks written by other programs (openpyxl, LibreOffice as .xlsx, .xls and .ods), full
//! of the quirks forms.md lists, give exactly the records of their clean versions.
//! Fixtures and their expected records: `tests/fixtures/quirks/EXPECTED.md`.

use std::path::PathBuf;

use super::util::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/quirks")
        .join(name)
}

/// Ingests one fixture into a fresh workspace and returns its records per table.
fn records_of(name: &str, tables: &[&str]) -> Vec<polars::prelude::DataFrame> {
    let ws = Ws::new();
    std::fs::copy(fixture(name), ws.path("inbox").join(name)).unwrap();
    let out = ws.ingest();
    assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
    tables.iter().map(|t| ws.records(t)).collect()
}

fn assert_same_records_as_clean(form: &str, tables: &[&str], expected_rows: &[usize]) {
    let clean = records_of(&format!("{form}_clean.xlsx"), tables);
    let heights: Vec<usize> = clean.iter().map(|df| df.height()).collect();
    assert_eq!(heights, expected_rows, "{form}: clean record counts");
    for variant in ["quirky.xlsx", "quirky_lo.xlsx", "quirky.xls", "quirky.ods"] {
        let quirky = records_of(&format!("{form}_{variant}"), tables);
        for ((table, a), b) in tables.iter().zip(&clean).zip(&quirky) {
            assert_eq!(
                a.shape(),
                b.shape(),
                "{form}_{variant}: table {table} shape"
            );
            for column in a.columns() {
                let other = b.column(column.name()).unwrap();
                assert!(
                    column
                        .as_materialized_series()
                        .equals_missing(other.as_materialized_series()),
                    "{form}_{variant}: {table}.{} differs\nclean: {column:?}\nquirky: {other:?}",
                    column.name()
                );
            }
        }
    }
}

#[test]
fn a_quirky_roster_from_any_office_suite_reads_as_the_clean_one() {
    assert_same_records_as_clean("roster", &["roster"], &[6]);
}

#[test]
fn a_quirky_diagnostic_from_any_office_suite_reads_as_the_clean_one() {
    assert_same_records_as_clean("diagnostic", &["diag_tasks", "diag_results"], &[6, 36]);
}

#[test]
fn a_quirky_attendance_journal_from_any_office_suite_reads_as_the_clean_one() {
    assert_same_records_as_clean("attendance", &["events", "attendance"], &[4, 21]);
}
