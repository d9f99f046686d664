//! Same data, same bytes: every output of a report is a function of the store (and the store
//! of the inbox), whatever order threads finish in or files arrive in.

use std::collections::BTreeMap;
use std::path::Path;

use super::util::*;
use crate::row;

/// A roster of one tutor and `n` mentors.
fn mentors(n: usize) -> Vec<Sheet> {
    let mut rows = vec![row![
        "ID",
        "ФИО",
        "Роль",
        "Класс",
        "Предмет",
        "Стаж, лет",
        "Тьютор (ID)"
    ]];
    rows.push(row![
        "Т-1",
        "Иванова Мария Петровна",
        "тьютор",
        "",
        "",
        12,
        ""
    ]);
    for i in 1..=n {
        rows.push(row![
            format!("Н-{i}"),
            format!("Наставник Номер {i}"),
            "наставник",
            "",
            "математика",
            5,
            "Т-1"
        ]);
    }
    vec![
        passport(
            "Состав участников",
            &[("Заполнил", V::from("Петрова А. А."))],
        ),
        sheet("Состав", rows),
    ]
}

/// `tutor-competency` answers of `n` mentors in one wave: varied, so that competency scores
/// are thirds and ninths whose float sums depend on the order of addition.
fn competency_wave(n: usize, wave: &str, period: &str, shift: usize) -> Vec<Sheet> {
    let mut header = row!["ID", "ФИО"];
    for k in 1..=5 {
        for m in 1..=3 {
            header.push(V::from(format!("К{k}.{m}")));
        }
    }
    let mut rows = vec![header];
    for i in 1..=n {
        let mut row = row![format!("Н-{i}"), format!("Наставник Номер {i}")];
        for k in 1..=5 {
            for m in 1..=3 {
                row.push(V::N(((i * k + m * shift) % 4 + 1) as f64));
            }
        }
        rows.push(row);
    }
    let fields = [
        ("Анкета", V::from("tutor-competency")),
        ("Волна", V::from(wave)),
        ("Период", V::from(period)),
        ("Заполнил", V::from("Иванова М. П.")),
    ];
    vec![passport("Анкета", &fields), sheet("Ответы", rows)]
}

/// Every file under `reports/`, by relative name.
fn reports(ws: &Ws) -> BTreeMap<String, Vec<u8>> {
    ws.files_in("reports")
        .into_iter()
        .map(|name| {
            (
                name.clone(),
                std::fs::read(ws.path("reports").join(&name)).unwrap(),
            )
        })
        .collect()
}

/// Names of the files that differ between two report folders (or exist in one only).
fn differing(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    names
        .into_iter()
        .filter(|n| a.get(*n) != b.get(*n))
        .cloned()
        .collect()
}

#[test]
fn one_store_reported_twenty_times_gives_the_same_bytes() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &mentors(12));
    ws.drop(
        "анкета входная.xlsx",
        &competency_wave(12, "входная", "1 четверть", 1),
    );
    ws.drop(
        "анкета итоговая.xlsx",
        &competency_wave(12, "итоговая", "4 четверть", 2),
    );
    let out = ws.run(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let first = reports(&ws);
    assert!(
        first.contains_key("2025-2026-Q4/indicators.csv")
            && first.contains_key("2025-2026-Q4/2315-001.pdf"),
        "{first:?}"
    );
    for run in 1..20 {
        let out = ws.run(&["report", "--term", "2025/2026 Q4"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert_eq!(
            differing(&first, &reports(&ws)),
            Vec::<String>::new(),
            "report {run} of the same store"
        );
    }
}

/// The bundled samples, as (path inside the inbox, bytes), in name order.
fn samples() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/inbox");
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&root)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(&root).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn two_workspaces_fed_the_same_inbox_in_different_orders_give_the_same_bytes() {
    let files = samples();
    assert!(files.len() > 20, "{}", files.len());
    let fed = |order: &mut dyn Iterator<Item = &(String, Vec<u8>)>| {
        let ws = Ws::new();
        for (name, bytes) in order {
            let path = ws.path("inbox").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
        let out = ws.run(&["run"]);
        // The samples hold two files with errors: exit 1, everything else processed.
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        ws
    };
    let (a, b) = (fed(&mut files.iter()), fed(&mut files.iter().rev()));
    let (a_reports, b_reports) = (reports(&a), reports(&b));
    for kind in [
        "indicators.csv",
        "indicators.parquet",
        "changes.csv",
        "groups.csv",
        "ingest-log.csv",
        ".xlsx",
        ".pdf",
    ] {
        assert!(
            a_reports.keys().any(|n| n.ends_with(kind)),
            "no {kind} in {:?}",
            a_reports.keys()
        );
    }
    assert_eq!(differing(&a_reports, &b_reports), Vec::<String>::new());
    assert_eq!(a.files_in("archive"), b.files_in("archive"));
}
