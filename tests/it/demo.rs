//! `tutorstat demo`: from nothing to school and centre reports with one command.

use std::process::Command;

#[test]
fn demo_builds_school_reports_a_rejection_and_a_centre() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("демо");
    let out = Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .arg("demo")
        .arg(&target)
        .env("SOURCE_DATE_EPOCH", "1779000000")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for school in ["2315-001", "2315-004", "2341-012"] {
        for ext in ["pdf", "xlsx"] {
            assert!(
                target
                    .join(format!("reports/2025-2026-Q4/{school}.{ext}"))
                    .exists(),
                "{school}.{ext}"
            );
        }
    }
    assert!(target.join("reports/2025-2026-Q1/indicators.csv").exists());
    // Individual cards of every school, with a file per tutor; none at the centre.
    for school in ["2315-001", "2315-004", "2341-012"] {
        let cards = target.join(format!("reports/2025-2026-Q4/cards/{school}"));
        let count = walkdir::WalkDir::new(&cards)
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
            .count();
        assert!(count > 40, "{school}: {count} cards");
        assert!(
            cards.join("по тьюторам").is_dir(),
            "{school}: no tutors' files"
        );
    }
    assert!(
        !walkdir::WalkDir::new(target.join("центр"))
            .into_iter()
            .flatten()
            .any(|e| e.file_name() == "cards")
    );
    let rejected: Vec<_> = std::fs::read_dir(target.join("rejected"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        rejected
            .iter()
            .filter(|n| n.ends_with(".ошибки.xlsx"))
            .count(),
        2,
        "{rejected:?}"
    );
    assert!(
        target
            .join("центр/reports/2025-2026-Q4/centre.pdf")
            .exists()
    );
    assert!(
        target
            .join("центр/reports/2025-2026-Q4/centre.xlsx")
            .exists()
    );
    assert!(stdout.contains("Сводка центра"));
    // A second demo into the same folder starts afresh.
    let again = Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .arg("demo")
        .arg(&target)
        .output()
        .unwrap();
    assert!(again.status.success());
}

/// The frozen demo: every file the demo leaves (reports, cards, store, packages, annotated
/// copies, templates) has the SHA-256 listed in `tests/golden/demo.sha256`. A change that is
/// meant to change an output re-freezes it with `TUTORSTAT_BLESS=1` and says so in its
/// commit; a refactoring must leave every byte as it was.
#[test]
fn demo_outputs_are_byte_identical_to_the_frozen_ones() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .arg("demo")
        .arg(&target)
        .env("SOURCE_DATE_EPOCH", "1779000000")
        // Run as on a five-core machine (CI has two): which thread takes which school or
        // file must change no byte.
        .env("TUTORSTAT_CORES", "5")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(&target)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(&target)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let digest = Sha256::digest(std::fs::read(e.path()).unwrap());
            (name, digest.iter().map(|b| format!("{b:02x}")).collect())
        })
        .collect();
    files.sort();
    let manifest: String = files
        .iter()
        .map(|(name, digest)| format!("{digest}  {name}\n"))
        .collect();
    let frozen_path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/demo.sha256");
    if std::env::var_os("TUTORSTAT_BLESS").is_some() {
        std::fs::create_dir_all(frozen_path.parent().unwrap()).unwrap();
        std::fs::write(&frozen_path, &manifest).unwrap();
        return;
    }
    let frozen = std::fs::read_to_string(&frozen_path).unwrap_or_default();
    let frozen_lines: std::collections::BTreeSet<&str> = frozen.lines().collect();
    let now_lines: std::collections::BTreeSet<&str> = manifest.lines().collect();
    let changed: Vec<String> = frozen_lines
        .symmetric_difference(&now_lines)
        .map(|line| {
            format!(
                "{} {}",
                if frozen_lines.contains(line) {
                    "-"
                } else {
                    "+"
                },
                line
            )
        })
        .collect();
    assert!(
        changed.is_empty(),
        "the demo's files differ from tests/golden/demo.sha256 (TUTORSTAT_BLESS=1 re-freezes):\n{}",
        changed.join("\n")
    );
}
