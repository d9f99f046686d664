//! Benchmark: every indicator of a synthetic region term (default 300 schools), computed
//! from in-memory store frames. Run with `cargo bench --bench indicators [-- SCHOOLS]`.
//!
//! Prints the best of three runs of `compute`, the baseline of the same run (one grouped
//! count per school over every input table: the least a computation over all records can
//! do), their ratio, and the process's peak resident memory.

use std::time::{Duration, Instant};

use polars::prelude::*;
use tutorstat::config::{Expected, Thresholds};
use tutorstat::definitions::Definitions;
use tutorstat::indicators::{Inputs, Settings, compute};
use tutorstat::schema::Term;

/// Per school: 5 tutors, 15 mentors, 20 teachers, 150 students (issue 6's sizes).
const TUTORS: usize = 5;
const MENTORS: usize = 15;
const TEACHERS: usize = 20;
const STUDENTS: usize = 150;
const EVENTS: usize = 20;
const TASKS: usize = 12;

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

/// Columns every store row carries, for `n` rows of one school.
#[derive(Default)]
struct Source {
    school: Vec<String>,
    municipality: Vec<String>,
}

impl Source {
    fn push(&mut self, s: usize) {
        self.school
            .push(format!("{:04}-{:03}", 2300 + s / 30, s % 30));
        self.municipality.push(format!("Муниципалитет {}", s / 30));
    }
    fn columns(self, instrument: &str, wave: &str) -> Vec<Column> {
        let n = self.school.len();
        vec![
            Column::new("school_code".into(), self.school),
            Column::new("municipality".into(), self.municipality),
            Column::new("term".into(), vec!["2025/2026 Q1"; n]),
            Column::new("school_year".into(), vec![2025i32; n]),
            Column::new("period".into(), vec!["Q1"; n]),
            Column::new("author".into(), vec!["автор"; n]),
            Column::new("instrument".into(), vec![instrument; n]),
            Column::new("wave".into(), vec![wave; n]),
            Column::new("seq".into(), vec![1u64; n]),
            Column::new("source_sha256".into(), vec!["sha"; n]),
        ]
    }
}

fn frame(mut columns: Vec<Column>, source: Source, instrument: &str, wave: &str) -> LazyFrame {
    let n = source.school.len();
    columns.extend(source.columns(instrument, wave));
    DataFrame::new(n, columns).unwrap().lazy()
}

fn synthetic(schools: usize) -> Inputs {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let people = TUTORS + MENTORS + TEACHERS + STUDENTS;
    let role = |i: usize| match i {
        i if i < TUTORS => "тьютор",
        i if i < TUTORS + MENTORS => "наставник",
        i if i < TUTORS + MENTORS + TEACHERS => "педагог",
        _ => "обучающийся",
    };
    let (mut r_src, mut r_id, mut r_role, mut r_tutor) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut e_src, mut e_id, mut e_kind, mut e_hours) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut a_src, mut a_person, mut a_event, mut a_mark) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut q_src, mut q_person, mut q_item, mut q_value) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut t_src, mut t_task, mut t_max, mut t_topic) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut d_src, mut d_person, mut d_task, mut d_points) =
        (Source::default(), vec![], vec![], vec![]);
    let (mut p_src, mut p_id, mut p_level, mut p_due, mut p_status, mut p_result) =
        (Source::default(), vec![], vec![], vec![], vec![], vec![]);
    let kinds = [
        "семинар",
        "групповой тьюториал",
        "индивидуальный тьюториал",
        "заседание клуба",
        "мастер-класс",
    ];
    let marks = ["present", "present", "present", "absent", "excused", "ill"];
    for s in 0..schools {
        for i in 0..people {
            r_src.push(s);
            r_id.push(format!("P{i}"));
            r_role.push(role(i));
            r_tutor.push((i >= TUTORS).then(|| format!("P{}", i % TUTORS)));
        }
        for e in 0..EVENTS {
            e_src.push(s);
            e_id.push(format!("С{e}"));
            e_kind.push(kinds[e % kinds.len()]);
            e_hours.push(1.0 + (e % 2) as f64);
            for i in 0..people {
                if rng.below(4) > 0 {
                    a_src.push(s);
                    a_person.push(format!("P{i}"));
                    a_event.push(format!("С{e}"));
                    a_mark.push(marks[rng.below(6) as usize]);
                }
            }
        }
        for m in TUTORS..TUTORS + MENTORS {
            for k in 1..=5 {
                for j in 1..=3 {
                    q_src.push(s);
                    q_person.push(format!("P{m}"));
                    q_item.push(format!("К{k}.{j}"));
                    q_value.push(1.0 + rng.below(4) as f64);
                }
            }
        }
        for t in 1..=TASKS {
            t_src.push(s);
            t_task.push(t.to_string());
            t_max.push(1.0 + (t % 2) as f64);
            t_topic.push(format!("Т{}", t % 4));
        }
        for st in people - 30..people {
            let absent = rng.below(20) == 0;
            for t in 1..=TASKS {
                d_src.push(s);
                d_person.push(format!("P{st}"));
                d_task.push(t.to_string());
                d_points.push((!absent).then(|| rng.below(1 + (t % 2) as u64 + 1) as f64));
            }
        }
        for st in people - STUDENTS..people {
            for k in 0..3 {
                p_src.push(s);
                p_id.push(format!("P{st}"));
                p_level.push(["школьный", "муниципальный", "региональный"][k]);
                p_due.push(20330 + (rng.below(120) as i32));
                let done = rng.below(2) == 0;
                p_status.push(if done {
                    "выполнено"
                } else {
                    "запланировано"
                });
                p_result
                    .push(done.then(|| ["участие", "призёр", "победитель"][rng.below(3) as usize]));
            }
        }
    }
    let text = |name: &str, v: Vec<String>| Column::new(name.into(), v);
    Inputs {
        roster: Some(frame(
            vec![
                text("id", r_id.clone()),
                Column::new("role".into(), r_role),
                Column::new("tutor_id".into(), r_tutor),
                Column::new("full_name".into(), r_id),
            ],
            r_src,
            "",
            "",
        )),
        events: Some(frame(
            vec![
                text("event_id", e_id),
                Column::new("kind".into(), e_kind),
                Column::new("hours".into(), e_hours),
            ],
            e_src,
            "",
            "",
        )),
        attendance: Some(frame(
            vec![
                text("person_id", a_person),
                text("event_id", a_event),
                Column::new("mark".into(), a_mark),
            ],
            a_src,
            "",
            "",
        )),
        answers: Some(
            frame(
                vec![
                    Column::new(
                        "respondent_id".into(),
                        q_person.iter().map(|p| Some(p.clone())).collect::<Vec<_>>(),
                    ),
                    text("respondent", q_person),
                    text("item", q_item),
                    Column::new("value_num".into(), q_value),
                ],
                q_src,
                "tutor-competency",
                "start",
            )
            .with_columns([
                lit(NULL).cast(DataType::String).alias("value_text"),
                lit(1i64).alias("form_version"),
            ]),
        ),
        diag_tasks: Some(frame(
            vec![
                text("task", t_task),
                Column::new("max_score".into(), t_max),
                text("topic_code", t_topic.clone()),
                text("topic", t_topic),
            ],
            t_src,
            "ОГЭ математика",
            "start",
        )),
        diag_results: Some(frame(
            vec![
                text("person_id", d_person),
                text("task", d_task),
                Column::new("points".into(), d_points),
            ],
            d_src,
            "ОГЭ математика",
            "start",
        )),
        route: Some(frame(
            vec![
                text("id", p_id),
                Column::new("level".into(), p_level),
                Column::new("due".into(), p_due)
                    .cast(&DataType::Date)
                    .unwrap(),
                Column::new("status".into(), p_status),
                Column::new("result".into(), p_result),
            ],
            p_src,
            "",
            "",
        )),
        one_file_a_term: false,
        one_municipality_a_school: false,
        one_roster_file_a_school: false,
        keyed: false,
        counted_persons_only: false,
    }
}

fn best_of_three(mut run: impl FnMut()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap()
}

/// Peak resident memory of this process (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let schools: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(300);
    let inputs = synthetic(schools);
    let rows: usize = [
        &inputs.roster,
        &inputs.events,
        &inputs.attendance,
        &inputs.answers,
        &inputs.diag_tasks,
        &inputs.diag_results,
        &inputs.route,
    ]
    .iter()
    .map(|lf| {
        lf.as_ref()
            .unwrap()
            .clone()
            .select([len()])
            .collect()
            .unwrap()
            .column("len")
            .unwrap()
            .u32()
            .unwrap()
            .get(0)
            .unwrap() as usize
    })
    .sum();
    let baseline = best_of_three(|| {
        for lf in [
            &inputs.roster,
            &inputs.events,
            &inputs.attendance,
            &inputs.answers,
            &inputs.diag_tasks,
            &inputs.diag_results,
            &inputs.route,
        ] {
            lf.as_ref()
                .unwrap()
                .clone()
                .group_by([col("school_code")])
                .agg([len()])
                .collect()
                .unwrap();
        }
    });
    let thresholds = Thresholds::default();
    let definitions = Definitions::shipped().unwrap();
    let expected = Expected::default();
    let settings = Settings {
        term: Term::parse("2025/2026 Q1").unwrap(),
        thresholds: &thresholds,
        definitions: &definitions,
        expected: &expected,
        register: &[],
        batch: None,
    };
    let mut indicator_rows = 0;
    let elapsed = best_of_three(|| indicator_rows = compute(&inputs, &settings).unwrap().height());
    println!("schools: {schools}; store rows: {rows}; indicator rows: {indicator_rows}");
    println!(
        "baseline (count per school):   {:.3} s",
        baseline.as_secs_f64()
    );
    println!(
        "compute all indicators:        {:.3} s  ({:.1}x baseline)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() / baseline.as_secs_f64()
    );
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
}
