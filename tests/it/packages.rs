//! The Linux packages as a user gets them: the .deb that `packaging/build.sh` made is
//! unpacked into an empty root with `dpkg-deb -x`, and the unpacked program shows its help
//! and runs the demo with nothing else installed; the .rpm's file list is read with
//! `rpm -qpl` where rpm exists. Building a package needs cargo-deb and runs cargo, which a
//! running test cannot (cargo holds the build folder), so .ci/run builds the packages after
//! the suite and runs this test again with TUTORSTAT_PACKAGES set to their folder.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::util::text;

/// Files every package carries besides the binary (paths as installed, without the root).
const DEB_FILES: &[&str] = &[
    "usr/bin/tutorstat",
    "usr/share/man/man1/tutorstat.1.gz",
    "usr/share/man/man1/tutorstat-ingest.1.gz",
    "usr/share/man/man1/tutorstat-demo.1.gz",
    "usr/share/bash-completion/completions/tutorstat",
    "usr/share/zsh/vendor-completions/_tutorstat",
    "usr/share/fish/vendor_completions.d/tutorstat.fish",
    "usr/share/doc/tutorstat/LICENSE-DejaVu.txt",
    "usr/share/doc/tutorstat/руководство.md",
];

/// The folder of built packages, or None when this run is not the packaging one.
fn packages() -> Option<PathBuf> {
    let dir = std::env::var_os("TUTORSTAT_PACKAGES").map(PathBuf::from);
    if dir.is_none() {
        eprintln!(
            "not run: packages are checked by .ci/run, which sets TUTORSTAT_PACKAGES after packaging/build.sh"
        );
    }
    dir
}

/// The one package in `dir` whose name ends with `ext`.
fn package(dir: &Path, ext: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    assert!(
        found.len() <= 1,
        "several {ext} in {}: {found:?}",
        dir.display()
    );
    found.pop()
}

#[test]
fn the_deb_unpacked_into_an_empty_root_shows_help_and_runs_the_demo() {
    let Some(dir) = packages() else { return };
    let deb = package(&dir, ".deb").expect("packaging/build.sh made a .deb");
    let field = |name: &str| {
        let out = Command::new("dpkg-deb")
            .arg("--field")
            .arg(&deb)
            .arg(name)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(field("Package"), "tutorstat");
    assert!(
        field("Version").starts_with(env!("CARGO_PKG_VERSION")),
        "{}",
        field("Version")
    );

    let root = tempfile::tempdir().unwrap();
    let unpacked = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(root.path())
        .output()
        .unwrap();
    assert!(unpacked.status.success(), "{}", text(&unpacked));
    for file in DEB_FILES {
        assert!(
            root.path().join(file).is_file(),
            "{file} missing from {}",
            deb.display()
        );
    }
    let program = root.path().join("usr/bin/tutorstat");

    let help = Command::new(&program).arg("--help").output().unwrap();
    assert!(help.status.success(), "{}", text(&help));
    let help = text(&help);
    for line in ["Команды", "demo", "Показать работу программы на примерах"]
    {
        assert!(help.contains(line), "{line} missing from --help:\n{help}");
    }

    // In an empty folder, as a user would: everything the demo needs is inside the binary.
    let work = tempfile::tempdir().unwrap();
    let demo = Command::new(&program)
        .arg("demo")
        .current_dir(work.path())
        .env("SOURCE_DATE_EPOCH", "1779000000")
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", text(&demo));
    let made = work.path().join("tutorstat-demo");
    for report in [
        "reports/2025-2026-Q4/2315-001.pdf",
        "reports/2025-2026-Q4/2315-001.xlsx",
        "центр/reports/2025-2026-Q4/centre.pdf",
    ] {
        assert!(
            made.join(report).is_file(),
            "{report} not made by the packaged demo in {}",
            made.display()
        );
    }
    assert!(text(&demo).contains("Сводка центра"), "{}", text(&demo));
}

#[test]
fn the_rpm_lists_the_binary_man_pages_and_completions() {
    let Some(dir) = packages() else { return };
    let Some(rpm) = package(&dir, ".rpm") else {
        eprintln!(
            "not run: no .rpm in {} (cargo-generate-rpm not installed)",
            dir.display()
        );
        return;
    };
    let listed = match Command::new("rpm").arg("-qpl").arg(&rpm).output() {
        Ok(out) => {
            assert!(out.status.success(), "{}", text(&out));
            String::from_utf8_lossy(&out.stdout).into_owned()
        }
        Err(_) => {
            eprintln!("not run: rpm is not installed");
            return;
        }
    };
    for file in [
        "/usr/bin/tutorstat",
        "/usr/share/man/man1/tutorstat.1.gz",
        "/usr/share/bash-completion/completions/tutorstat",
        "/usr/share/zsh/site-functions/_tutorstat",
        "/usr/share/fish/vendor_completions.d/tutorstat.fish",
        "/usr/share/licenses/tutorstat/LICENSE-DejaVu.txt",
    ] {
        assert!(
            listed.lines().any(|l| l == file),
            "{file} not in {}:\n{listed}",
            rpm.display()
        );
    }
}
