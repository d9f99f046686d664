//! `tutorstat watch`: a file written slowly in chunks is processed once, complete; Ctrl-C
//! stops the watcher cleanly; what it writes batch after batch, computing only the schools
//! whose data changed, is what a fresh `report` writes.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::util::*;

#[test]
fn a_file_written_slowly_is_processed_once_complete_and_ctrl_c_stops_cleanly() {
    let ws = Ws::new();
    let full = ws.path("готовый.xlsx");
    write_xlsx(&full, &roster());
    let bytes = std::fs::read(&full).unwrap();
    let child = spawn_watch(&ws, "1.5");
    std::thread::sleep(Duration::from_millis(500));
    // Five chunks, 200 ms apart: never quiet long enough to look finished.
    let target = ws.path("inbox/состав.xlsx");
    let mut file = std::fs::File::create(&target).unwrap();
    for chunk in bytes.chunks(bytes.len().div_ceil(5)) {
        file.write_all(chunk).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(file);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ws.path("reports/2025-2026-Q1/2315-001.pdf").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1500));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Наблюдение остановлено"), "{stderr}");
    let log = ws.log();
    assert_eq!(log.len(), 1, "processed exactly once: {log:?}");
    assert_eq!(log[0]["outcome"], "stored");
    assert_eq!(num(&log[0], "rows_stored"), 8);
    assert!(ws.files_in("rejected").is_empty());
}

#[test]
fn a_batch_of_files_already_loaded_says_nothing_new_arrived() {
    let ws = Ws::new();
    ws.drop("состав.xlsx", &roster());
    assert_eq!(ws.run(&["run"]).status.code(), Some(0));
    let child = spawn_watch(&ws, "0.5");
    // The same roster again, under another name: «уже загружен».
    ws.drop("состав ещё раз.xlsx", &roster());
    let deadline = Instant::now() + Duration::from_secs(30);
    while ws.log().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1500));
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    let all = text(&out);
    assert_eq!(
        ws.log().last().map(|e| e["outcome"].clone()),
        Some("duplicate".to_string()),
        "{all}"
    );
    assert!(all.contains("Новых данных нет: отчёты в "), "{all}");
    assert!(!all.contains("Нет данных для отчётов"), "{all}");
}

#[test]
fn what_watch_writes_batch_after_batch_is_what_a_fresh_report_writes() {
    let ws = Ws::new();
    let schools = [
        ("2315-001", "Школа № 1", "г. Новоморск"),
        ("2315-002", "Школа № 2", "Каменский район"),
    ];
    for (code, name, muni) in schools {
        ws.drop(
            &format!("состав {code}.xlsx"),
            &at_school(roster(), code, name, muni),
        );
    }
    assert_eq!(ws.run(&["run"]).status.code(), Some(0));
    let term = ws.path("reports/2025-2026-Q1");
    let child = spawn_watch(&ws, "0.5");
    // One journal per batch: the first batch computes every school and keeps them, the
    // second computes only the second school and takes the first as kept.
    for (code, name, muni) in schools {
        let pdf = term.join(format!("{code}.pdf"));
        let before = std::fs::metadata(&pdf).unwrap().modified().unwrap();
        ws.drop(
            &format!("журнал {code}.xlsx"),
            &at_school(attendance(), code, name, muni),
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::fs::metadata(&pdf).unwrap().modified().unwrap() == before {
            assert!(Instant::now() < deadline, "{code}: no new PDF");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    // Ctrl-C stops between batches: the second batch's files are all written.
    interrupt(&child);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(ws.log().len(), 4, "{}", text(&out));
    let written = |dir: &std::path::Path| {
        let mut files = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
        files
    };
    let by_watch = written(&term);
    assert!(by_watch.contains_key("indicators.csv") && by_watch.contains_key("2315-002.xlsx"));
    let out = ws.run(&["report"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let fresh = written(&term);
    assert_eq!(
        by_watch.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &fresh {
        assert!(
            by_watch[name] == *bytes,
            "{name} differs from a fresh report's"
        );
    }
}

/// Starts `watch` on the workspace with the given quiet period, output captured.
fn spawn_watch(ws: &Ws, quiet: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .args(["watch", "--quiet", quiet, "--workspace"])
        .arg(ws.root())
        .env("SOURCE_DATE_EPOCH", "1763900000")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Ctrl-C to a running `watch`: it stops between batches.
fn interrupt(child: &std::process::Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}
