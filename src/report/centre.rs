//! Views of the report model for the centre (reports.md, "Centre report"): reporting
//! completeness against the register, schools and municipalities with their key
//! indicators and change, schools flagged for support, and small-cell suppression.
//! No person-level data is shown; a cell that describes fewer than `small_cell` persons
//! is suppressed and marked.

use std::collections::HashMap;

use polars::prelude::*;

use super::figures::{numbers, strings};
use super::model::ReportModel;
use super::names;
use crate::config::RegisteredSchool;

/// A cell of a centre table: a value, nothing, or a value withheld (too few persons).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Value(f64),
    Missing,
    Suppressed,
}

impl Shown {
    pub fn text(self, code: &str) -> String {
        match self {
            Shown::Value(v) => names::value(code, v),
            Shown::Missing => "—".into(),
            Shown::Suppressed => "<5".into(),
        }
    }
}

/// Columns of the school and municipality tables: (title, indicator, group).
pub fn key_columns(model: &ReportModel) -> Vec<(String, String, String)> {
    let mut columns = vec![
        ("Посещаемость".to_string(), "att_rate".to_string(), String::new()),
        ("Выполнение маршрутов".into(), "r_done_pct".into(), String::new()),
    ];
    let mut groups = |indicator: &str, title: &str| {
        let rows = model
            .indicators
            .clone()
            .lazy()
            .filter(col("indicator").eq(lit(indicator.to_string())).and(col("scope").eq(lit("region"))))
            .collect();
        if let Ok(rows) = rows {
            for g in strings(&rows, "group") {
                columns.push((format!("{title}: {}", names::path(&g)), indicator.to_string(), g));
            }
        }
    };
    groups("d_pct", "Диагностика");
    groups("q_index", "Анкета");
    columns.push(("Полнота сдачи форм".into(), "completeness_pct".into(), String::new()));
    columns
}

/// Persons behind each unit's figures, to decide suppression: (scope, municipality, school, family) -> n.
#[derive(Clone, Default)]
pub struct Counts(HashMap<(String, String, String, String), f64>);

/// The family of an indicator for counting persons, with the group that identifies it.
fn family(indicator: &str, group: &str) -> Option<String> {
    let first_two = || group.split('/').take(2).collect::<Vec<_>>().join("/");
    match indicator {
        "att_rate" | "att_low_pct" => Some("att".into()),
        i if i.starts_with("r_") => Some("r".into()),
        "q_progress" | "q_improved_pct" | "q_declined_pct" => Some(format!("qp:{}", first_two())),
        i if i.starts_with("q_") => Some(format!("q:{}", first_two())),
        "d_progress" => Some(format!("dp:{}", first_two())),
        i if i.starts_with("d_") => Some(format!("d:{}", first_two())),
        "participants" | "mentors_with_tutor_pct" | "tutorants_per_tutor" => Some("roster".into()),
        _ => None,
    }
}

impl Counts {
    /// Adds the persons behind the person rows of `rows` (the rows of a batch of schools),
    /// to their school, municipality and the region: counts add up over batches.
    pub fn add_persons(&mut self, rows: &DataFrame) -> PolarsResult<()> {
        let counted = ["att_rate", "r_items", "q_index", "q_progress", "d_pct", "d_progress"];
        let is_counted = counted.iter().fold(lit(false), |any, c| any.or(col("indicator").eq(lit(*c))));
        let persons = rows.clone().lazy().filter(col("scope").eq(lit("person")).and(is_counted)).collect()?;
        let (muni, school, ind, group) = (
            strings(&persons, "municipality"),
            strings(&persons, "school_code"),
            strings(&persons, "indicator"),
            strings(&persons, "group"),
        );
        for i in 0..persons.height() {
            if ind[i] == "q_progress" && group[i].matches('/').count() > 1 {
                continue;
            }
            let Some(f) = family(&ind[i], &group[i]) else { continue };
            for key in [("school", muni[i].as_str(), school[i].as_str()), ("municipality", muni[i].as_str(), ""), ("region", "", "")] {
                *self.0.entry((key.0.into(), key.1.into(), key.2.into(), f.clone())).or_default() += 1.0;
            }
        }
        Ok(())
    }

    /// Adds the counts of another batch of schools.
    pub fn merge(&mut self, other: Counts) {
        for (key, n) in other.0 {
            *self.0.entry(key).or_default() += n;
        }
    }

    /// The person counts with the roster figures of the long table: the participants total
    /// describes the persons themselves.
    pub fn with_roster(&self, long: &DataFrame) -> PolarsResult<Counts> {
        let mut counts = self.clone();
        // The few participants totals first: the long table of a country has millions of rows.
        let totals = long
            .clone()
            .lazy()
            .filter(col("indicator").eq(lit("participants")).and(col("group").eq(lit(""))).and(col("scope").neq(lit("person"))))
            .collect()?;
        let (scope, muni, school, value) =
            (strings(&totals, "scope"), strings(&totals, "municipality"), strings(&totals, "school_code"), numbers(&totals, "value"));
        for i in 0..totals.height() {
            if let Some(v) = value[i] {
                counts.0.insert((scope[i].clone(), muni[i].clone(), school[i].clone(), "roster".into()), v);
            }
        }
        Ok(counts)
    }

    /// Whether a figure of a unit describes fewer than `k` persons.
    pub fn is_small(&self, scope: &str, municipality: &str, school: &str, indicator: &str, group: &str, k: usize) -> bool {
        let Some(f) = family(indicator, group) else { return false };
        // Anonymous respondents have no person rows: questionnaires count respondents instead.
        let n = self.0.get(&(scope.into(), municipality.into(), school.into(), f)).copied().unwrap_or(0.0);
        n < k as f64
    }
}

/// One school's figure as shown by the centre.
pub fn school_cell(
    model: &ReportModel,
    counts: &Counts,
    k: usize,
    municipality: &str,
    school: &str,
    indicator: &str,
    group: &str,
) -> Shown {
    match model.value(school, "", indicator, group) {
        None => Shown::Missing,
        Some(_) if counts.is_small("school", municipality, school, indicator, group, k) => Shown::Suppressed,
        Some(v) => Shown::Value(v),
    }
}

/// A municipality's (or, with `municipality` empty, the region's) figure.
pub fn unit_cell(model: &ReportModel, counts: &Counts, k: usize, municipality: &str, indicator: &str, group: &str) -> Shown {
    let scope = if municipality.is_empty() { "region" } else { "municipality" };
    match model.unit_value(municipality, indicator, group).0 {
        None => Shown::Missing,
        Some(_) if counts.is_small(scope, municipality, "", indicator, group, k) => Shown::Suppressed,
        Some(v) => Shown::Value(v),
    }
}

/// Reporting completeness of one registered school.
pub struct Reporting {
    pub school: RegisteredSchool,
    pub received: usize,
    pub expected: usize,
    pub missing: Vec<String>,
    /// When its data arrived after the term's deadline: the arrival date.
    pub late: Option<String>,
}

/// Every school of the register with what it sent, missing and late ones named.
pub fn reporting(model: &ReportModel, register: &[RegisteredSchool], deadline: Option<chrono::NaiveDate>) -> Vec<Reporting> {
    let forms = &model.forms;
    let (codes, labels) = (strings(forms, "school_code"), strings(forms, "form"));
    let received: Vec<bool> = forms
        .column("received")
        .ok()
        .and_then(|c| c.bool().ok().map(|b| b.iter().map(|v| v.unwrap_or(false)).collect()))
        .unwrap_or_else(|| vec![false; forms.height()]);
    // Each school's form rows and first arrival, found once: a country has tens of thousands.
    let mut rows: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, code) in codes.iter().enumerate() {
        rows.entry(code.as_str()).or_default().push(i);
    }
    let mut arrived: HashMap<&str, &str> = HashMap::new();
    for e in model.log.iter().filter(|e| e.outcome.commits()) {
        let first = arrived.entry(e.school_code.as_str()).or_insert(e.time.as_str());
        *first = (*first).min(e.time.as_str());
    }
    let mut out = Vec::new();
    for school in register {
        let mine = rows.get(school.code.as_str()).map(Vec::as_slice).unwrap_or_default();
        let missing = mine.iter().filter(|&&i| !received[i]).map(|&i| names::form(&labels[i])).collect();
        let late = match (deadline, arrived.get(school.code.as_str())) {
            (Some(d), Some(t))
                if t.get(..10).and_then(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()).is_some_and(|day| day > d) =>
            {
                Some(t[..10].to_string())
            }
            _ => None,
        };
        out.push(Reporting {
            school: school.clone(),
            received: mine.iter().filter(|&&i| received[i]).count(),
            expected: mine.len(),
            missing,
            late,
        });
    }
    out
}

/// Flagged schools with their reasons in words.
pub fn flagged(model: &ReportModel, register: &[RegisteredSchool]) -> Vec<(RegisteredSchool, Vec<String>)> {
    register
        .iter()
        .filter_map(|s| {
            let reasons = model.flag_reasons(&s.code);
            (!reasons.is_empty()).then(|| (s.clone(), reasons))
        })
        .collect()
}

/// Everything the centre's renderers lay out, selected once.
pub struct CentreView {
    pub title: String,
    pub small_cell: usize,
    pub counts: Counts,
    pub columns: Vec<(String, String, String)>,
    pub reporting: Vec<Reporting>,
    /// Registered schools with data, flagged first, then by attendance (lowest first).
    pub ranked: Vec<RegisteredSchool>,
    pub municipalities: Vec<String>,
    pub flagged: Vec<(RegisteredSchool, Vec<String>)>,
    /// (indicator, group prefix) of the level distributions (`d_level_pct`, `q_level_pct`).
    pub level_groups: Vec<(String, String)>,
    /// Attendance, route completion and the first diagnostic by municipality.
    pub by_municipality: super::figures::Series,
}

impl CentreView {
    pub fn new(
        model: &ReportModel,
        register: &[RegisteredSchool],
        small_cell: usize,
        deadline: Option<chrono::NaiveDate>,
    ) -> PolarsResult<CentreView> {
        let counts = model.persons.with_roster(&model.indicators)?;
        let columns = key_columns(model);
        let mut ranked: Vec<RegisteredSchool> =
            register.iter().filter(|s| model.value(&s.code, "", "completeness_pct", "").is_some()).cloned().collect();
        let unflagged = |s: &RegisteredSchool| model.value(&s.code, "", "support_flag", "").is_none_or(|v| v < 1.0);
        let att = |s: &RegisteredSchool| model.value(&s.code, "", "att_rate", "").unwrap_or(f64::INFINITY);
        ranked.sort_by(|a, b| unflagged(a).cmp(&unflagged(b)).then(att(a).total_cmp(&att(b))).then(a.code.cmp(&b.code)));
        let mut municipalities: Vec<String> = register.iter().map(|s| s.municipality.clone()).collect();
        municipalities.sort();
        municipalities.dedup();
        let mut level_groups = Vec::new();
        for ind in ["d_level_pct", "q_level_pct"] {
            let rows = model.indicators.clone().lazy().filter(col("indicator").eq(lit(ind)).and(col("scope").eq(lit("region")))).collect();
            for g in rows.map(|r| strings(&r, "group")).unwrap_or_default() {
                let prefix = g.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default();
                if !level_groups.contains(&(ind.to_string(), prefix.clone())) {
                    level_groups.push((ind.to_string(), prefix));
                }
            }
        }
        let shown_or_none = |m: &str, ind: &str, g: &str| match unit_cell(model, &counts, small_cell, m, ind, g) {
            Shown::Value(v) => Some(v),
            _ => None,
        };
        let picked: Vec<&(String, String, String)> = columns.iter().filter(|(_, ind, _)| ind != "completeness_pct").take(3).collect();
        let by_municipality = super::figures::Series {
            title: "Показатели по муниципалитетам".into(),
            categories: municipalities.clone(),
            series: picked
                .iter()
                .map(|(title, ind, g)| (title.clone(), municipalities.iter().map(|m| shown_or_none(m, ind, g)).collect()))
                .collect(),
            reference: None,
            percent: true,
        };
        Ok(CentreView {
            title: "Центр: все школы реестра".into(),
            small_cell,
            reporting: reporting(model, register, deadline),
            flagged: flagged(model, register),
            counts,
            columns,
            ranked,
            municipalities,
            level_groups,
            by_municipality,
        })
    }
}
