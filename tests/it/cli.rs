//! The command line speaks Russian: help, usage errors and exit codes.

use std::process::Command;

fn tutorstat(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tutorstat"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn help_of_every_command_is_in_russian() {
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["ingest", "--help"],
        vec!["check", "--help"],
        vec!["templates", "--help"],
        vec!["demo", "--help"],
    ] {
        let out = tutorstat(&args);
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Использование:"), "{args:?}: {help}");
        for english in ["Usage:", "Options:", "Commands:", "Print help", "[default"] {
            assert!(
                !help.contains(english),
                "{args:?} shows «{english}»: {help}"
            );
        }
    }
}

#[test]
fn a_wrong_command_says_what_to_do_and_exits_with_2() {
    let out = tutorstat(&["xyz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("неизвестная команда «xyz». Список команд: tutorstat --help")
    );
}

#[test]
fn mistyped_commands_and_parameters_get_a_suggestion() {
    for (args, expected) in [
        (
            vec!["rn"],
            "неизвестная команда «rn». Возможно, имелось в виду «run»?",
        ),
        (
            vec!["ingets"],
            "неизвестная команда «ingets». Возможно, имелось в виду «ingest»",
        ),
        (
            vec!["ingest", "--workpace", "x"],
            "неизвестный параметр «--workpace». Возможно, имелось в виду «--workspace»?",
        ),
    ] {
        let out = tutorstat(&args);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn init_on_an_existing_workspace_says_it_kept_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    let first = tutorstat(&["init", root.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&first.stdout).contains("Рабочая папка создана"));
    let config = std::fs::read_to_string(root.join("tutorstat.toml")).unwrap();
    let again = tutorstat(&["init", root.to_str().unwrap()]);
    assert!(again.status.success());
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(
        stdout.contains("Рабочая папка уже есть")
            && stdout.contains("сохранена как была")
            && !stdout.contains("создана:"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("tutorstat.toml")).unwrap(),
        config,
        "the configuration and its key are kept"
    );
}

#[test]
fn a_folder_that_is_not_a_workspace_is_named_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = tutorstat(&["ingest", "--workspace", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("не рабочая папка tutorstat"));
}

#[test]
fn without_a_terminal_long_work_prints_plain_progress_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    assert!(
        tutorstat(&["init", root.to_str().unwrap()])
            .status
            .success()
    );
    for i in 0..25 {
        let path = root.join("inbox").join(format!("{i}.xlsx"));
        super::util::write_xlsx(
            &path,
            &super::util::at_school(
                super::util::roster(),
                &format!("2315-{i:03}"),
                "Школа",
                "Город",
            ),
        );
    }
    let out = tutorstat(&["ingest", "--workspace", root.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Обработано 25 из 25 файлов"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal escapes in a log: {stderr}"
    );
}

#[test]
fn the_help_of_every_command_starts_with_its_own_line_from_the_list() {
    let list = String::from_utf8(tutorstat(&["--help"]).stdout).unwrap();
    let section = list.split("Команды:").nth(1).expect("a list of commands");
    // `  name  description`, a long description wrapped onto deeper-indented lines.
    let mut commands: Vec<(String, String)> = Vec::new();
    for line in section
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.starts_with("  "))
    {
        match (line[2..].starts_with(' '), commands.last_mut()) {
            (true, Some((_, about))) => *about = format!("{about} {}", line.trim()),
            _ => {
                let (name, about) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
                commands.push((name.to_string(), about.trim().to_string()));
            }
        }
    }
    let names: Vec<&str> = commands.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "init",
        "templates",
        "check",
        "ingest",
        "report",
        "export",
        "run",
        "watch",
        "demo",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is not listed: {list}"
        );
    }
    for (name, about) in &commands {
        assert!(!about.is_empty(), "{name} has no description in the list");
        assert_eq!(
            commands.iter().filter(|(_, a)| a == about).count(),
            1,
            "{name} shares its description «{about}»"
        );
        let out = tutorstat(&[name.as_str(), "--help"]);
        assert!(out.status.success(), "{name} --help");
        let help = String::from_utf8(out.stdout).unwrap();
        let first = help
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default();
        assert_eq!(
            first, *about,
            "{name} --help starts with another command's line or none:\n{help}"
        );
    }
}

#[test]
fn a_term_that_is_not_one_is_refused_in_russian_before_the_workspace_is_opened() {
    // The folder does not exist: the term is read first, by the command line.
    let missing = tempfile::tempdir().unwrap().path().join("нет такой папки");
    for args in [
        vec!["report", "--term", "2025/2026 Q9"],
        vec!["report", "--compare", "2025/2026 Q9"],
        vec!["export", "--term", "2025/2026 Q9"],
        vec!["ingest", "--term", "2025/2026 Q9"],
    ] {
        let out =
            tutorstat(&[args.as_slice(), &["--workspace", missing.to_str().unwrap()]].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("Ошибка: не понял период «2025/2026 Q9»: пишите, например, \"2025/2026 Q1\" или \"2025/2026 1 четверть\""),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains("не найдена"),
            "{args:?}: the folder is not looked at: {stderr}"
        );
    }
    // Another value that does not parse keeps the general Russian line, not clap's English.
    let out = tutorstat(&["watch", "--quiet", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Ошибка в параметрах командной строки") && !stderr.contains("invalid"),
        "{stderr}"
    );
}
