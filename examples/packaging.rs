//! Writes the man pages and shell completions of `tutorstat` from the clap definitions the
//! program itself parses with, so they cannot drift from `--help`:
//!
//!     cargo run --example packaging -- OUT
//!
//! fills `OUT/man/` (`tutorstat.1` and one page per command, `tutorstat-ingest.1`, ...) and
//! `OUT/completions/` (bash, zsh, fish, PowerShell). `packaging/build.sh` puts them into
//! the .deb and .rpm, the release workflow into the archives. An example rather than
//! `build.rs`: the pages are needed only when packaging, not on every build, and the
//! command line lives in the binary (`src/cli.rs`), which a build script cannot import.

// The definitions only: the fields the program reads after parsing are unused here.
#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;

/// The program's name as installed (the completions are registered for it).
const BIN: &str = "tutorstat";

/// clap_mangen writes English section titles; a Russian program gets Russian ones, the
/// titles of Russian man pages (man-pages-ru). Titles taken from `--help` headings
/// («Команды», «Общие параметры») are capitalised like the rest.
const SECTION_TITLES: &[(&str, &str)] = &[
    ("NAME", "ИМЯ"),
    ("SYNOPSIS", "ОБЗОР"),
    ("DESCRIPTION", "ОПИСАНИЕ"),
    ("OPTIONS", "ПАРАМЕТРЫ"),
    ("SUBCOMMANDS", "КОМАНДЫ"),
    ("EXTRA", "ПРИМЕЧАНИЕ"),
    ("VERSION", "ВЕРСИЯ"),
    ("AUTHORS", "АВТОРЫ"),
];

fn main() -> io::Result<()> {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: cargo run --example packaging -- OUT_DIR");
        std::process::exit(2);
    };
    let written = write_all(&out)?;
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}

/// Writes every man page and completion script under `out`; returns the files written.
fn write_all(out: &Path) -> io::Result<Vec<PathBuf>> {
    let mut written = write_man_pages(&out.join("man"))?;
    written.extend(write_completions(&out.join("completions"))?);
    Ok(written)
}

/// `tutorstat.1` for the program and `tutorstat-<command>.1` for each command.
fn write_man_pages(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut cmd = cli::Cli::command();
    // Resolves each command's display name (`tutorstat-ingest`) and usage line.
    cmd.build();
    let mut pages = vec![cmd.clone()];
    pages.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    pages
        .into_iter()
        .map(|page| {
            let man = clap_mangen::Man::new(page)
                .date(page_date())
                .source(format!("tutorstat {}", env!("CARGO_PKG_VERSION")))
                .manual("Руководство tutorstat");
            let path = dir.join(man.get_filename());
            let mut roff = Vec::new();
            man.render(&mut roff)?;
            fs::write(&path, russian_titles(&String::from_utf8_lossy(&roff)))?;
            Ok(path)
        })
        .collect()
}

/// The pages' date: the day of `SOURCE_DATE_EPOCH` when set (reproducible packages;
/// packaging/build.sh sets it to the last commit's time), else today. Never empty: an empty
/// date would shift the header's other fields.
fn page_date() -> String {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0));
    fixed
        .unwrap_or_else(chrono::Utc::now)
        .format("%Y-%m-%d")
        .to_string()
}

/// The page with its section titles in Russian and a coding line, so `man` on a system
/// whose locale is not UTF-8 still decodes the Cyrillic (preconv reads the line).
fn russian_titles(roff: &str) -> String {
    let mut page = String::from(".\\\" -*- coding: UTF-8 -*-\n");
    for line in roff.lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => {
                let russian = SECTION_TITLES
                    .iter()
                    .find(|(en, _)| *en == title)
                    .map_or(title, |(_, ru)| ru);
                page.push_str(&format!(".SH {}", russian.to_uppercase()));
            }
            None => page.push_str(line),
        }
        page.push('\n');
    }
    page
}

/// One completion script per shell, named where each shell's packages put them.
fn write_completions(dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    [
        (Shell::Bash, "tutorstat.bash"),
        (Shell::Zsh, "_tutorstat"),
        (Shell::Fish, "tutorstat.fish"),
        (Shell::PowerShell, "_tutorstat.ps1"),
    ]
    .into_iter()
    .map(|(shell, name)| {
        let path = dir.join(name);
        let mut file = fs::File::create(&path)?;
        clap_complete::generate(shell, &mut cli::Cli::command(), BIN, &mut file);
        Ok(path)
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands() -> Vec<String> {
        cli::Cli::command()
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect()
    }

    #[test]
    fn every_command_has_a_russian_man_page() {
        let out = tempfile::tempdir().unwrap();
        write_all(out.path()).unwrap();
        let main = fs::read_to_string(out.path().join("man/tutorstat.1")).unwrap();
        assert!(main.starts_with(".\\\" -*- coding: UTF-8 -*-\n"), "{main}");
        let header = format!(
            " \"tutorstat {}\" \"Руководство tutorstat\"",
            env!("CARGO_PKG_VERSION")
        );
        assert!(
            main.lines()
                .any(|l| l.starts_with(".TH tutorstat 1 20") && l.ends_with(&header)),
            "{main}"
        );
        for title in [".SH ИМЯ", ".SH ОБЗОР", ".SH ОПИСАНИЕ", ".SH КОМАНДЫ"]
        {
            assert!(main.contains(title), "{title} missing from\n{main}");
        }
        assert!(
            !main.contains(".SH NAME") && !main.contains(".SH SYNOPSIS"),
            "{main}"
        );
        for command in cli::Cli::command().get_subcommands() {
            assert!(
                command.get_about().is_some(),
                "{} has no description for --help and man",
                command.get_name()
            );
        }
        for name in commands() {
            let page = fs::read_to_string(out.path().join(format!("man/tutorstat-{name}.1")))
                .unwrap_or_else(|e| panic!("no page for {name}: {e}"));
            assert!(
                page.lines()
                    .any(|l| l.starts_with(&format!(".TH tutorstat-{name} 1 20"))
                        && l.ends_with(&header)),
                "{page}"
            );
            assert!(
                main.contains(&format!("tutorstat\\-{name}(1)")),
                "{name} not listed in\n{main}"
            );
        }
        let ingest = fs::read_to_string(out.path().join("man/tutorstat-ingest.1")).unwrap();
        assert!(
            ingest.contains("\\-\\-workspace") && ingest.contains("inbox"),
            "{ingest}"
        );
    }

    #[test]
    fn completions_offer_every_command_and_the_workspace_option() {
        let out = tempfile::tempdir().unwrap();
        write_all(out.path()).unwrap();
        for name in [
            "tutorstat.bash",
            "_tutorstat",
            "tutorstat.fish",
            "_tutorstat.ps1",
        ] {
            let script = fs::read_to_string(out.path().join("completions").join(name)).unwrap();
            for command in commands() {
                assert!(script.contains(&command), "{command} missing from {name}");
            }
            assert!(
                script.contains("workspace"),
                "--workspace missing from {name}"
            );
        }
    }
}
