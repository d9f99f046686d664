//! Property test of the centre's suppression: for generated centres (schools in two
//! municipalities, two terms, attendance, routes, anonymous questionnaires and rosters of
//! random sizes), no number any centre output publishes (a value, a previous value or a
//! change; CSV, Parquet, Excel, PDF) describes fewer than `small_cell` persons. The persons
//! behind each figure are counted here from the generated records, not by the code tested.

use std::collections::HashMap;
use std::path::Path;

use calamine::Reader as _;
use polars::prelude::*;
use proptest::prelude::*;

use super::centre::CentreView;
use super::model::{ReportModel, Request};
use crate::config::Config;
use crate::definitions::Definitions;
use crate::indicators::testing::{Rec, frame, rec};
use crate::register::RegisteredSchool;
use crate::schema::Table;
use crate::schema::Term;
use crate::store::{Store, SubmissionId};

/// Sizes of one school: persons marked in Q1 and Q2, route owners (the same in both
/// terms), anonymous respondents in Q1 (start wave) and Q2 (final wave), roster rows.
#[derive(Debug, Clone)]
struct Sizes {
    marked: [usize; 2],
    owners: usize,
    respondents: [usize; 2],
    roster: usize,
}

fn sizes() -> impl Strategy<Value = Sizes> {
    (
        (0..8usize, 0..8usize),
        0..8usize,
        (0..8usize, 0..8usize),
        0..8usize,
    )
        .prop_map(|((m1, m2), owners, (q1, q2), roster)| Sizes {
            marked: [m1, m2],
            owners,
            respondents: [q1, q2],
            roster,
        })
}

const TERMS: [&str; 2] = ["2025/2026 Q1", "2025/2026 Q2"];
const ROLES: [&str; 4] = ["наставник", "тьютор", "педагог", "обучающийся"];

/// School `i` and its municipality.
fn school(i: usize) -> (String, String) {
    (format!("S{i}"), format!("М{}", i % 2))
}

/// The area of persons an indicator describes, or `None` for a figure about no person.
fn area(indicator: &str, group: &str) -> Option<String> {
    match indicator {
        i if i.starts_with("att_") => Some("att".into()),
        i if i.starts_with("r_") => Some("r".into()),
        i if i.starts_with("q_") => Some(group.split('/').take(2).collect::<Vec<_>>().join("/")),
        "participants" | "mentors_with_tutor_pct" | "tutorants_per_tutor" => Some("roster".into()),
        "events"
        | "club_meetings_per_month"
        | "club_norm_met"
        | "forms_expected"
        | "forms_received"
        | "completeness_pct"
        | "schools_reporting_pct"
        | "support_flag" => None,
        other => panic!("the test does not know whom {other} describes"),
    }
}

/// Persons behind each figure: (term index, scope, unit, area) -> n; the unit is the school
/// code, the municipality, or empty for the region.
struct Persons(HashMap<(usize, String, String, String), usize>);

impl Persons {
    fn of(schools: &[Sizes]) -> Persons {
        let mut n = HashMap::new();
        for (i, s) in schools.iter().enumerate() {
            let (code, muni) = school(i);
            for t in 0..2 {
                let wave = if t == 0 {
                    "tutor-feedback/start"
                } else {
                    "tutor-feedback/final"
                };
                for (area, count) in [
                    ("att", s.marked[t]),
                    ("r", s.owners),
                    (wave, s.respondents[t]),
                    ("roster", s.roster),
                ] {
                    for (scope, unit) in [
                        ("school", code.as_str()),
                        ("municipality", muni.as_str()),
                        ("region", ""),
                    ] {
                        *n.entry((t, scope.to_string(), unit.to_string(), area.to_string()))
                            .or_default() += count;
                    }
                }
            }
        }
        Persons(n)
    }

    /// Whether a figure of term `t` may be published with limit `k`.
    fn enough(
        &self,
        t: usize,
        scope: &str,
        unit: &str,
        indicator: &str,
        group: &str,
        k: usize,
    ) -> bool {
        let Some(area) = area(indicator, group) else {
            return true;
        };
        self.0
            .get(&(t, scope.to_string(), unit.to_string(), area))
            .copied()
            .unwrap_or(0)
            >= k
    }
}

/// The store records of the generated schools, by (table, term index, school).
fn records(schools: &[Sizes]) -> Vec<(Table, usize, String, Vec<Rec>)> {
    let mut out = Vec::new();
    for (i, s) in schools.iter().enumerate() {
        let (code, muni) = school(i);
        let base = |t: usize| {
            let period = &TERMS[t][10..];
            rec(&code, &muni)
                .term(period)
                .s("school_name", &format!("Школа {code}"))
                .seq(1 + t as u64)
        };
        if s.roster > 0 {
            let roster = (0..s.roster)
                .map(|p| {
                    base(0)
                        .s("id", &format!("R{p}"))
                        .s("full_name", "")
                        .s("role", ROLES[p % 4])
                        .null_s("tutor_id")
                })
                .collect();
            out.push((Table::Roster, 0, code.clone(), roster));
        }
        for t in 0..2 {
            if s.marked[t] > 0 {
                let day = if t == 0 { 10 } else { 20 };
                let month = if t == 0 { 9 } else { 11 };
                let event = base(t)
                    .s("event_id", "E1")
                    .s("kind", "семинар")
                    .s("topic", "")
                    .f("hours", 1.0)
                    .s("level", "школьный")
                    .d("date", 2025, month, day);
                out.push((Table::Events, t, code.clone(), vec![event]));
                let marks = (0..s.marked[t])
                    .map(|p| {
                        base(t)
                            .s("person_id", &format!("P{p}"))
                            .s("event_id", "E1")
                            .s("mark", if p % 2 == 0 { "present" } else { "absent" })
                    })
                    .collect();
                out.push((Table::Attendance, t, code.clone(), marks));
            }
            if s.owners > 0 {
                let items = (0..s.owners)
                    .map(|p| {
                        base(t)
                            .s("id", &format!("P{p}"))
                            .s("goal", "")
                            .s("activity", "")
                            .s("level", "школьный")
                            .null_s("nomination")
                            .d("due", 2025, 10, 1)
                            .s(
                                "status",
                                if p % 3 == 0 {
                                    "запланировано"
                                } else {
                                    "выполнено"
                                },
                            )
                            .s(
                                "result",
                                if p % 2 == 0 {
                                    "призёр"
                                } else {
                                    "участие"
                                },
                            )
                            .null_s("evidence")
                    })
                    .collect();
                out.push((Table::Route, t, code.clone(), items));
            }
            if s.respondents[t] > 0 {
                let wave = if t == 0 { "start" } else { "final" };
                let answers = (0..s.respondents[t])
                    .flat_map(|p| ["С1", "С2", "С3"].map(|item| (p, item)))
                    .map(|(p, item)| {
                        base(t)
                            .s("instrument", "tutor-feedback")
                            .s("wave", wave)
                            .s("source_sha256", &format!("{code}-{t}"))
                            .null_s("respondent_id")
                            .s("respondent", &format!("#{}", p + 2))
                            .s("item", item)
                            .f("value_num", (1 + (p + item.len()) % 5) as f64)
                            .null_s("value_text")
                    })
                    .collect();
                out.push((Table::Answers, t, code.clone(), answers));
            }
        }
    }
    out
}

/// Writes the records into a store under `root`.
fn store(root: &Path, schools: &[Sizes]) -> Store {
    let store = Store::new(root);
    for (n, (table, t, code, recs)) in records(schools).into_iter().enumerate() {
        let id = SubmissionId {
            key_id: format!("k{n}"),
            sha256: format!("{n:012}"),
        };
        let df = frame(&recs).collect().unwrap();
        let staged = store
            .stage_frame(table, &Term::parse(TERMS[t]).unwrap(), &code, &id, df)
            .unwrap();
        store
            .publish(crate::store::Staged {
                files: vec![staged],
            })
            .unwrap();
    }
    store
}

/// Every row of a CSV file as (column -> text).
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .deserialize()
        .map(Result::unwrap)
        .collect()
}

/// The unit of a row of the long table or of `changes.csv`.
fn unit_of(row: &HashMap<String, String>) -> (String, String) {
    let scope = row["scope"].clone();
    let unit = match scope.as_str() {
        "school" => row["school_code"].clone(),
        "municipality" => row["municipality"].clone(),
        _ => String::new(),
    };
    (scope, unit)
}

/// Checks every numeric cell of a centre workbook's sheet, in each block whose key column
/// (`key`: `Код ОО`, `Муниципалитет`, `Категория`) names its units; returns the marks and
/// the changes shown.
fn check_sheet(
    rows: &[Vec<calamine::Data>],
    key: &str,
    view: &CentreView,
    persons: &Persons,
    k: usize,
) -> (usize, usize) {
    let text = |c: &calamine::Data| c.to_string();
    let (mut marks, mut changes) = (0, 0);
    let mark = super::centre::suppressed_mark(k);
    for (hr, header) in rows.iter().enumerate() {
        for kc in (0..header.len()).filter(|&c| text(&header[c]) == key) {
            for row in rows[hr + 1..]
                .iter()
                .take_while(|r| r.get(kc).is_some_and(|c| !text(c).is_empty()))
            {
                let unit = text(&row[kc]);
                let (scope, unit) = match (key, unit.as_str()) {
                    ("Код ОО", _) => ("school", unit),
                    (_, "Регион") => ("region", String::new()),
                    _ => ("municipality", unit),
                };
                for c in (kc + 1..header.len()).take_while(|&c| !text(&header[c]).is_empty()) {
                    let title = text(&header[c]);
                    let Some((ind, group, change)) = view.columns.iter().find_map(|(t, ind, g)| {
                        if *t == title {
                            Some((ind, g, false))
                        } else {
                            (title == format!("{t}: изменение")).then_some((ind, g, true))
                        }
                    }) else {
                        continue;
                    };
                    match &row[c] {
                        calamine::Data::Float(_) | calamine::Data::Int(_) => {
                            assert!(
                                persons.enough(1, scope, &unit, ind.code(), group, k),
                                "{title} of {scope} {unit} describes fewer than {k}"
                            );
                            if change {
                                assert!(
                                    persons.enough(0, scope, &unit, ind.code(), group, k),
                                    "{title} of {scope} {unit}: the previous figure is small"
                                );
                                changes += 1;
                            }
                        }
                        calamine::Data::String(s) if *s == mark => marks += 1,
                        _ => {}
                    }
                }
            }
        }
    }
    (marks, changes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn no_centre_output_publishes_a_number_about_fewer_than_small_cell_persons(
        schools in prop::collection::vec(sizes(), 2..5),
        k in 3..7usize,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir.path().join("store"), &schools);
        let register: Vec<RegisteredSchool> = (0..schools.len())
            .map(|i| {
                let (code, municipality) = school(i);
                RegisteredSchool { name: format!("Школа {code}"), code, municipality }
            })
            .collect();
        let pairs: Vec<(String, String)> = register.iter().map(|s| (s.code.clone(), s.municipality.clone())).collect();
        let config = Config::default();
        let definitions = Definitions::shipped().unwrap();
        let request = Request {
            term: Term::parse(TERMS[1]).unwrap(),
            register: &pairs,
            school: None,
            compare: Term::parse(TERMS[0]),
            school_reports: false,
            small_cell: Some(k),
            now: chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap().and_hms_opt(12, 0, 0).unwrap(),
        };
        let model = ReportModel::build(&store, &config, &definitions, request, &[]).unwrap();
        let view = CentreView::new(&model, &register, None);
        let reports = dir.path().join("reports");
        super::output::write_centre(&reports, &model, &view, &super::render::pdf::font::Fonts::load()).unwrap();
        let out = super::output::term_dir(&reports, &model.term);
        let persons = Persons::of(&schools);

        // CSV and Parquet: every figure, every previous value and every change.
        let figures = csv_rows(&out.join("indicators.csv"));
        for row in &figures {
            let (scope, unit) = unit_of(row);
            prop_assert!(scope != "person");
            prop_assert!(persons.enough(1, &scope, &unit, &row["indicator"], &row["group"], k), "indicators.csv: {row:?}");
        }
        let parquet = ParquetReader::new(std::fs::File::open(out.join("indicators.parquet")).unwrap()).finish().unwrap();
        prop_assert_eq!(parquet.height(), figures.len(), "the Parquet table holds the rows of the CSV");
        for row in csv_rows(&out.join("changes.csv")) {
            let (scope, unit) = unit_of(&row);
            let (ind, group) = (&row["indicator"], &row["group"]);
            prop_assert!(persons.enough(1, &scope, &unit, ind, group, k), "changes.csv value: {row:?}");
            if !row["previous"].is_empty() || !row["change"].is_empty() {
                prop_assert!(persons.enough(0, &scope, &unit, ind, group, k), "changes.csv previous: {row:?}");
            }
        }

        // Excel: the schools' and municipalities' figures and changes, the chart data, the
        // level distributions.
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("centre.xlsx")).unwrap();
        let grid = |book: &mut calamine::Xlsx<_>, name: &str| -> Vec<Vec<calamine::Data>> {
            book.worksheet_range(name).unwrap().rows().map(<[calamine::Data]>::to_vec).collect()
        };
        let (school_marks, school_changes) = check_sheet(&grid(&mut book, "Школы"), "Код ОО", &view, &persons, k);
        let units = grid(&mut book, "Муниципалитеты");
        let (unit_marks, unit_changes) = check_sheet(&units, "Муниципалитет", &view, &persons, k);
        check_sheet(&units, "Категория", &view, &persons, k);
        for row in grid(&mut book, "Распределения").iter().skip_while(|r| r[0] != "Муниципалитет").skip(1).filter(|r| r[0] != "нет данных") {
            let (unit, title, path) = (row[0].to_string(), row[1].to_string(), row[2].to_string());
            let (scope, unit) = if unit == "Регион" { ("region", String::new()) } else { ("municipality", unit) };
            let (ind, group) = view.level_groups.iter().find(|(i, g)| i.russian() == title && model.words.path(g) == path).unwrap();
            if row[3..].iter().any(|c| matches!(c, calamine::Data::Float(_))) {
                prop_assert!(persons.enough(1, scope, &unit, ind.code(), group, k), "Распределения: {row:?}");
            }
        }

        // Excel, the region sheets: each school's figure in «Места школ»; the weakest
        // schools' figures and changes; the ends of each spread (a school's own figure) and
        // the pooled one; the municipalities and the region in each term of the year, each
        // by that term's persons.
        check_sheet(&grid(&mut book, "Места школ"), "Код ОО", &view, &persons, k);
        let column = |title: &str| view.columns.iter().find(|(t, _, _)| t == title).map(|(_, ind, g)| (*ind, g.clone())).unwrap();
        let number = |c: &calamine::Data| match c { calamine::Data::Float(v) => Some(*v), _ => None };
        let body = |rows: Vec<Vec<calamine::Data>>| -> Vec<Vec<calamine::Data>> {
            rows.into_iter().skip_while(|r| r[0] != "Показатель" && r[0] != "Муниципалитет").skip(1).filter(|r| r[0] != "нет данных").collect()
        };
        for row in body(grid(&mut book, "Слабейшие школы")) {
            let (ind, group) = column(&row[0].to_string());
            let code = row[3].to_string();
            prop_assert!(persons.enough(1, "school", &code, ind.code(), &group, k), "Слабейшие школы: {row:?}");
            if number(&row[7]).is_some() {
                prop_assert!(persons.enough(0, "school", &code, ind.code(), &group, k), "Слабейшие школы, change: {row:?}");
            }
        }
        for row in body(grid(&mut book, "Разброс школ")) {
            let (ind, group) = column(&row[0].to_string());
            let unit = row[1].to_string();
            let (scope, unit) = if unit == "Регион" { ("region", String::new()) } else { ("municipality", unit) };
            for end in [number(&row[3]), number(&row[7])].into_iter().flatten() {
                let schools: Vec<&RegisteredSchool> = register.iter().filter(|s| scope == "region" || s.municipality == unit).collect();
                prop_assert!(
                    schools.iter().any(|s| model.value(&s.code, "", ind, &group) == Some(end) && persons.enough(1, "school", &s.code, ind.code(), &group, k)),
                    "Разброс школ: {end} is no shown school's figure: {row:?}"
                );
            }
            if number(&row[8]).is_some() {
                prop_assert!(persons.enough(1, scope, &unit, ind.code(), &group, k), "Разброс школ: {row:?}");
            }
        }
        let terms: Vec<usize> = model.trend_terms.iter().map(|t| TERMS.iter().position(|l| *l == t.label()).unwrap()).collect();
        for row in body(grid(&mut book, "Динамика муниципалитетов")) {
            let (unit, title) = (row[0].to_string(), row[1].to_string());
            let (scope, unit) = if unit == "Регион" { ("region", String::new()) } else { ("municipality", unit) };
            let (ind, group) = column(&title);
            for (t, cell) in terms.iter().zip(&row[2..]) {
                if number(cell).is_some() {
                    prop_assert!(persons.enough(*t, scope, &unit, ind.code(), &group, k), "Динамика муниципалитетов, term {t}: {row:?}");
                }
            }
        }

        // PDF: the same tables as the workbook's; it shows a mark wherever the workbook
        // does (and once in the note), and a change only where the workbook shows one: the
        // municipalities and the region in their table, the schools and their municipality
        // again on the municipality's page.
        let pdf = std::process::Command::new("pdftotext").arg(out.join("centre.pdf")).arg("-").output().expect("pdftotext (poppler-utils)");
        let pdf = String::from_utf8(pdf.stdout).unwrap();
        let mark = super::centre::suppressed_mark(k);
        let (mut region_marks, mut region_changes) = (0, 0);
        for (_, ind, group) in &view.columns {
            match super::centre::unit_cell(&model, "", *ind, group) {
                super::centre::Shown::Suppressed(_) => region_marks += 1,
                super::centre::Shown::Value(_) if model.unit_value("", ind.code(), group).1.is_some() => region_changes += 1,
                _ => {}
            }
        }
        let (page_marks, page_changes) = (unit_marks - region_marks, unit_changes - region_changes);
        prop_assert_eq!(pdf.matches(mark.as_str()).count(), school_marks + unit_marks + page_marks + 1, "marks in the PDF");
        let shown_changes = pdf.match_indices('(').filter(|(i, _)| pdf[i + 1..].starts_with(['+', '−', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])).count();
        prop_assert_eq!(shown_changes, school_changes + unit_changes + page_changes, "changes in the PDF");
    }
}
