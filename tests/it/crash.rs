//! Crash safety: `ingest` killed with SIGKILL at many moments, then run again, leaves the
//! workspace exactly as one uninterrupted run does: no record lost or duplicated, no file in
//! two places, the same log.

use std::process::{Command, Stdio};
use std::time::Instant;

use super::util::*;

fn fill(ws: &Ws) {
    ws.drop_every_form();
    let mut bad = attendance();
    bad[2].1[1][3] = V::from("x");
    ws.drop("журнал с ошибкой.xlsx", &bad);
    let mut second = attendance();
    second[0].1.push(crate::row!["Заполнил", "Соколов И. О."]);
    second[0].1.retain(|r| !matches!((&r[0], &r[1]), (V::S(l), V::S(v)) if l == "Заполнил" && v.starts_with("Иванова")));
    ws.drop("журнал 2.xlsx", &second);
    std::fs::write(ws.path("inbox/пустой.xlsx"), b"").unwrap();
}

/// What a run leaves: store records and kept definitions, file names in archive and rejected, the inbox, the log.
fn outcome(
    ws: &Ws,
) -> (
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<String>,
    Vec<std::collections::BTreeMap<String, String>>,
) {
    let tables = [
        "roster",
        "events",
        "attendance",
        "answers",
        "diag_tasks",
        "diag_results",
        "route",
    ];
    let mut store: Vec<String> = tables
        .iter()
        .map(|t| format!("{t}: {:?}", ws.records(t)))
        .collect();
    // The questionnaire versions kept for the answers stored, whole: a half-written copy
    // refused every later run.
    for name in ws.files_in("store/questionnaires") {
        let bytes = std::fs::read(ws.path(&format!("store/questionnaires/{name}"))).unwrap();
        store.push(format!("{name}: {} bytes", bytes.len()));
    }
    (
        store,
        ws.files_in("archive"),
        ws.files_in("rejected"),
        ws.files_in("inbox"),
        ws.log(),
    )
}

fn ingest(ws: &Ws) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tutorstat"));
    cmd.args(["ingest", "--workspace"])
        .arg(ws.root())
        .env("SOURCE_DATE_EPOCH", "1763900000")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn killed_at_any_moment_and_run_again_equals_one_clean_run() {
    let clean = Ws::new();
    fill(&clean);
    let start = Instant::now();
    assert_eq!(ingest(&clean).status().unwrap().code(), Some(1));
    let duration = start.elapsed();
    let expected = outcome(&clean);
    assert!(expected.3.is_empty());
    assert!(
        expected.0.iter().any(|s| s.contains("/v1.xlsx: ")),
        "the clean run keeps a questionnaire version: {:?}",
        expected.0
    );

    let kills = 50;
    let mut interrupted = 0;
    for i in 0..kills {
        let ws = Ws::new();
        fill(&ws);
        // Kill moments spread over the whole run, from the very start to past the end.
        let delay = duration.mul_f64(i as f64 / kills as f64 * 1.1);
        let mut child = ingest(&ws).spawn().unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
        let rerun = ingest(&ws).stderr(Stdio::piped()).output().unwrap();
        assert!(
            rerun.status.code().is_some_and(|c| c <= 1),
            "kill {i} after {delay:?}: the rerun failed with {:?}: {}",
            rerun.status,
            String::from_utf8_lossy(&rerun.stderr)
        );
        let got = outcome(&ws);
        assert_eq!(
            got.0, expected.0,
            "kill {i} after {delay:?}: store records differ"
        );
        assert_eq!(
            got.1, expected.1,
            "kill {i} after {delay:?}: archive differs"
        );
        assert_eq!(
            got.2, expected.2,
            "kill {i} after {delay:?}: rejected differs"
        );
        assert_eq!(got.3, expected.3, "kill {i} after {delay:?}: inbox differs");
        assert_eq!(got.4, expected.4, "kill {i} after {delay:?}: log differs");
    }
    // Later runs are warmer than the measured one, so some kills land after the end; enough
    // must land inside for the test to mean something.
    assert!(
        interrupted >= kills / 5,
        "only {interrupted} of {kills} kills interrupted a run: the schedule misses the run"
    );
}

#[test]
fn a_second_run_on_a_locked_workspace_stops_with_a_clear_message() {
    let ws = Ws::new();
    fill(&ws);
    let lock = std::fs::File::create(ws.path(".tutorstat.lock")).unwrap();
    lock.lock().unwrap();
    let out = ws.run(&["ingest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("уже работает другой запуск tutorstat"));
    assert_eq!(ws.files_in("inbox").len(), 8, "nothing was touched");
    drop(lock);
    assert_eq!(ws.run(&["ingest"]).status.code(), Some(1));
}

#[test]
fn a_run_stopped_by_an_error_leaves_its_mark_and_the_next_run_clears_what_it_left() {
    let ws = Ws::new();
    ws.drop_every_form();
    assert_eq!(ws.ingest().status.code(), Some(0));
    assert!(
        !ws.path("store/.unfinished").exists(),
        "a finished run clears its mark"
    );
    let stored = ws.records("roster");
    // What a run stopped after publishing, before its log line, leaves: a roster file the
    // log does not commit, and the mark (an error, unlike a kill, releases the lock cleanly).
    let partition = std::fs::read_dir(ws.path("store/roster"))
        .unwrap()
        .flat_map(|term| std::fs::read_dir(term.unwrap().path()).unwrap())
        .map(|school| school.unwrap().path())
        .next()
        .unwrap();
    let committed = std::fs::read_dir(&partition)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let left = partition.join("0000000000000000-ffffffffffff.parquet");
    std::fs::copy(&committed, &left).unwrap();
    std::fs::write(ws.path("store/.unfinished"), b"").unwrap();
    assert_eq!(ws.ingest().status.code(), Some(0));
    assert!(!left.exists(), "the uncommitted file is removed");
    assert!(!ws.path("store/.unfinished").exists());
    assert_eq!(ws.records("roster"), stored);
}
