//! Helpers for the indicator tests: small frames built by hand and lookups in the result.

use chrono::NaiveDate;
use polars::prelude::*;

pub use super::Inputs;
use super::{Settings, combine, compute, compute_schools};
use crate::config::{Expected, Thresholds};
use crate::definitions::Definitions;
pub use crate::schema::Indicator;
use crate::schema::Term;

#[derive(Clone)]
pub enum Val {
    S(String),
    NullS,
    F(f64),
    NullF,
    I(i32),
    U(u64),
    D(NaiveDate),
}

/// One store record: named values, with the source columns every store row carries.
#[derive(Clone)]
pub struct Rec(pub Vec<(&'static str, Val)>);

impl Rec {
    fn set(mut self, name: &'static str, v: Val) -> Rec {
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, v));
        self
    }
    pub fn s(self, name: &'static str, v: &str) -> Rec {
        self.set(name, Val::S(v.to_string()))
    }
    pub fn null_s(self, name: &'static str) -> Rec {
        self.set(name, Val::NullS)
    }
    pub fn f(self, name: &'static str, v: f64) -> Rec {
        self.set(name, Val::F(v))
    }
    pub fn null_f(self, name: &'static str) -> Rec {
        self.set(name, Val::NullF)
    }
    pub fn d(self, name: &'static str, y: i32, m: u32, d: u32) -> Rec {
        self.set(name, Val::D(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
    }
    pub fn seq(self, seq: u64) -> Rec {
        self.set("seq", Val::U(seq))
    }
    /// Sets the version of the form the record's file names in its `Паспорт`.
    pub fn version(self, v: i32) -> Rec {
        self.set("form_version", Val::I(v))
    }
    /// Moves the record to another term of 2025/2026 (`Q4`...).
    pub fn term(self, period: &str) -> Rec {
        self.s("term", &format!("2025/2026 {period}"))
            .s("period", period)
    }
}

/// A record of school `school` in municipality `muni`, term 2025/2026 Q1.
pub fn rec(school: &str, muni: &str) -> Rec {
    Rec(vec![
        ("school_code", Val::S(school.into())),
        ("municipality", Val::S(muni.into())),
        ("term", Val::S("2025/2026 Q1".into())),
        ("school_year", Val::I(2025)),
        ("period", Val::S("Q1".into())),
        ("author", Val::S("автор".into())),
        ("instrument", Val::S(String::new())),
        ("wave", Val::S(String::new())),
        ("form_version", Val::I(1)),
        ("seq", Val::U(1)),
    ])
}

pub fn roster_row(school: &str, muni: &str, id: &str, role: &str, tutor: Option<&str>) -> Rec {
    let r = rec(school, muni)
        .s("id", id)
        .s("full_name", &format!("Участник {id}"))
        .s("role", role);
    match tutor {
        Some(t) => r.s("tutor_id", t),
        None => r.null_s("tutor_id"),
    }
}

/// A frame from records (columns in the first record's order).
pub fn frame(records: &[Rec]) -> LazyFrame {
    let names: Vec<&'static str> = records[0].0.iter().map(|(n, _)| *n).collect();
    let mut columns = Vec::new();
    for name in names {
        let values: Vec<&Val> = records
            .iter()
            .map(|r| {
                &r.0.iter()
                    .find(|(n, _)| *n == name)
                    .expect("every record has every column")
                    .1
            })
            .collect();
        let column = match values[0] {
            Val::S(_) | Val::NullS => Column::new(
                name.into(),
                values
                    .iter()
                    .map(|v| {
                        if let Val::S(s) = v {
                            Some(s.clone())
                        } else {
                            None
                        }
                    })
                    .collect::<Vec<_>>(),
            ),
            Val::F(_) | Val::NullF => Column::new(
                name.into(),
                values
                    .iter()
                    .map(|v| if let Val::F(f) = v { Some(*f) } else { None })
                    .collect::<Vec<_>>(),
            ),
            Val::I(_) => Column::new(
                name.into(),
                values
                    .iter()
                    .map(|v| if let Val::I(i) = v { *i } else { 0 })
                    .collect::<Vec<_>>(),
            ),
            Val::U(_) => Column::new(
                name.into(),
                values
                    .iter()
                    .map(|v| if let Val::U(u) = v { *u } else { 0 })
                    .collect::<Vec<_>>(),
            ),
            Val::D(_) => crate::forms::date_column(
                name,
                values
                    .iter()
                    .map(|v| if let Val::D(d) = v { Some(*d) } else { None }),
            )
            .unwrap(),
        };
        columns.push(column);
    }
    DataFrame::new(records.len(), columns).unwrap().lazy()
}

pub fn empty_inputs() -> Inputs {
    Inputs {
        roster: None,
        events: None,
        attendance: None,
        answers: None,
        diag_tasks: None,
        diag_results: None,
        route: None,
        one_file_a_term: false,
        one_municipality_a_school: false,
        one_roster_file_a_school: false,
        keyed: false,
        counted_persons_only: false,
    }
}

/// Computes the long table for 2025/2026 Q1 with default settings.
pub fn compute_with(inputs: Inputs) -> DataFrame {
    compute_for(inputs, "2025/2026 Q1")
}

/// The long table of `term`; where each school has one municipality, computed both with the
/// municipality as a key and taken from the groups ([`Inputs::group_by_school`]), where
/// the tables take integer keys, computed with and without them ([`Inputs::keyed`]), and
/// where each school's roster came in one file, with and without the roster's windows
/// ([`Inputs::one_roster_file_a_school`]): the same; and as a centre's inputs, without the
/// person rows no count reads ([`Inputs::counted_persons_only`]): the same other rows.
pub fn compute_for(inputs: Inputs, term: &str) -> DataFrame {
    let long = with_settings(term, None, |settings| compute(&inputs, settings).unwrap());
    // A centre's: the same rows but the person rows no count of persons reads.
    let centre = Inputs {
        counted_persons_only: true,
        ..inputs.clone()
    };
    let counted = with_settings(term, None, |settings| compute(&centre, settings).unwrap());
    assert_eq!(counted_person_rows_only(&long), counted);
    let keyed = inputs.clone().keyed().unwrap();
    let mut ways = vec![];
    if keyed.keyed {
        ways.push(keyed);
    }
    if inputs.holds_one_roster_file_a_school().unwrap() {
        ways.push(Inputs {
            one_roster_file_a_school: true,
            ..inputs.clone()
        });
    }
    if inputs.holds_one_municipality_a_school().unwrap() {
        for inputs in [inputs.clone(), inputs.keyed().unwrap()] {
            ways.push(Inputs {
                one_municipality_a_school: true,
                ..inputs
            });
        }
    }
    for way in ways {
        let other = with_settings(term, None, |settings| compute(&way, settings).unwrap());
        assert_eq!(long, other);
    }
    long
}

/// `long` without the person rows of the indicators [`crate::privacy::COUNTED`] leaves out.
fn counted_person_rows_only(long: &DataFrame) -> DataFrame {
    let counted = crate::privacy::COUNTED.iter().fold(lit(false), |any, c| {
        any.or(col("indicator").eq(lit(c.code())))
    });
    long.clone()
        .lazy()
        .filter(col("scope").neq(lit("person")).or(counted))
        .collect()
        .unwrap()
}

/// [`compute_for`] with the questionnaires of `definitions` instead of the shipped ones.
pub fn compute_with_definitions(
    inputs: Inputs,
    term: &str,
    definitions: &Definitions,
) -> DataFrame {
    let (thresholds, expected) = (Thresholds::default(), Expected::default());
    let settings = Settings {
        term: Term::parse(term).unwrap(),
        thresholds: &thresholds,
        definitions,
        expected: &expected,
        register: &[],
        batch: None,
    };
    compute(&inputs, &settings).unwrap()
}

/// Runs `f` with the default settings of `term` (and a batch of schools, if given).
fn with_settings<R>(term: &str, batch: Option<&[String]>, f: impl FnOnce(&Settings) -> R) -> R {
    let thresholds = Thresholds::default();
    let definitions = Definitions::shipped().unwrap();
    let expected = Expected::default();
    f(&Settings {
        term: Term::parse(term).unwrap(),
        thresholds: &thresholds,
        definitions: &definitions,
        expected: &expected,
        register: &[],
        batch,
    })
}

/// [`compute_with`], one school at a time: each school's rows computed from its records
/// alone, then combined (as a report computes a region in batches of schools).
pub fn compute_by_school(inputs: Inputs, schools: &[&str]) -> DataFrame {
    let batches = schools.iter().map(|school| {
        let batch = [school.to_string()];
        let only =
            |lf: Option<LazyFrame>| lf.map(|lf| lf.filter(col("school_code").eq(lit(*school))));
        let mine = Inputs {
            roster: only(inputs.roster.clone()),
            events: only(inputs.events.clone()),
            attendance: only(inputs.attendance.clone()),
            answers: only(inputs.answers.clone()),
            diag_tasks: only(inputs.diag_tasks.clone()),
            diag_results: only(inputs.diag_results.clone()),
            route: only(inputs.route.clone()),
            one_file_a_term: inputs.one_file_a_term,
            one_municipality_a_school: inputs.one_municipality_a_school,
            one_roster_file_a_school: inputs.one_roster_file_a_school,
            keyed: inputs.keyed,
            counted_persons_only: inputs.counted_persons_only,
        };
        with_settings("2025/2026 Q1", Some(&batch), |settings| {
            compute_schools(&mine, settings).unwrap().rows
        })
    });
    combine(batches.collect()).unwrap()
}

/// The value of one row; `key` is the school code (school scope), the municipality
/// (municipality scope), the person (person scope) or empty (region).
pub fn value(
    long: &DataFrame,
    scope: &str,
    key: &str,
    indicator: Indicator,
    group: &str,
) -> Option<f64> {
    let key_column = match scope {
        "person" => "entity",
        "municipality" => "municipality",
        _ => "school_code",
    };
    let hits = long
        .clone()
        .lazy()
        .filter(
            col("scope")
                .eq(lit(scope))
                .and(col(key_column).eq(lit(key)))
                .and(col("indicator").eq(lit(indicator.code())))
                .and(col("group").eq(lit(group))),
        )
        .collect()
        .unwrap();
    assert!(
        hits.height() <= 1,
        "{scope}/{key}/{indicator}/{group} has {} rows:\n{hits}",
        hits.height()
    );
    hits.column("value")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .next()
        .flatten()
}

pub fn assert_close(actual: Option<f64>, expected: f64) {
    let actual = actual.expect("a value");
    assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
}

/// (topic code, person) of the recommended groups of 2025/2026 Q1.
pub fn recommended_groups(inputs: Inputs) -> Vec<(String, String)> {
    let groups = with_settings("2025/2026 Q1", None, |settings| {
        super::groups::recommended(&inputs, settings).unwrap()
    });
    let topics = groups.column("topic_code").unwrap().str().unwrap().clone();
    let persons = groups.column("person_id").unwrap().str().unwrap().clone();
    topics
        .iter()
        .zip(persons.iter())
        .map(|(t, p)| (t.unwrap().to_string(), p.unwrap().to_string()))
        .collect()
}
