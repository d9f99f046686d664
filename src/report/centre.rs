//! Views of the report model for the centre (reports.md, "Centre report"): reporting
//! completeness against the register, schools and municipalities with their key
//! indicators and change, and schools flagged for support. No person-level data is shown;
//! the model holds no figure that describes fewer than `small_cell` persons (suppressed
//! where the figures are made, `privacy::suppress`), and a suppressed figure is marked.

use std::collections::HashMap;

use polars::prelude::*;

use super::model::ReportModel;
use super::names;
use crate::config::RegisteredSchool;
use crate::frame::strings;
use crate::schema::Indicator;

/// A cell of a centre table: a value, nothing, or a value withheld because it describes
/// fewer persons than `small_cell` (the number carried).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Value(f64),
    Missing,
    Suppressed(usize),
}

impl Shown {
    pub fn text(self, indicator: Indicator) -> String {
        match self {
            Shown::Value(v) => names::value(indicator, v),
            Shown::Missing => "—".into(),
            Shown::Suppressed(k) => suppressed_mark(k),
        }
    }
}

/// The mark of a suppressed figure: `<5` for `small_cell = 5`.
pub fn suppressed_mark(small_cell: usize) -> String {
    format!("<{small_cell}")
}

/// Columns of the school and municipality tables: (title, indicator, group).
pub fn key_columns(model: &ReportModel) -> Vec<(String, Indicator, String)> {
    let mut columns = vec![
        ("Посещаемость".to_string(), Indicator::AttRate, String::new()),
        ("Выполнение маршрутов".into(), Indicator::RDonePct, String::new()),
    ];
    let mut groups = |indicator: Indicator, title: &str| {
        let rows = model
            .indicators
            .clone()
            .lazy()
            .filter(col("indicator").eq(lit(indicator.code())).and(col("scope").eq(lit("region"))))
            .collect();
        if let Ok(rows) = rows {
            for g in strings(&rows, "group") {
                columns.push((format!("{title}: {}", model.words.path(&g)), indicator, g));
            }
        }
    };
    groups(Indicator::DPct, "Диагностика");
    groups(Indicator::QIndex, "Анкета");
    columns.push(("Полнота сдачи форм".into(), Indicator::CompletenessPct, String::new()));
    columns
}

/// One school's figure as shown by the centre: suppressed figures were taken out of the
/// model when it was built ([`crate::privacy::suppress`]), so only the mark is left to show.
pub fn school_cell(model: &ReportModel, school: &str, indicator: Indicator, group: &str) -> Shown {
    match (model.value(school, "", indicator.code(), group), model.small_cell) {
        (Some(v), _) => Shown::Value(v),
        (None, Some(k)) if model.is_suppressed("school", school, indicator.code(), group) => Shown::Suppressed(k),
        (None, _) => Shown::Missing,
    }
}

/// A municipality's (or, with `municipality` empty, the region's) figure.
pub fn unit_cell(model: &ReportModel, municipality: &str, indicator: Indicator, group: &str) -> Shown {
    let scope = if municipality.is_empty() { "region" } else { "municipality" };
    match (model.unit_value(municipality, indicator.code(), group).0, model.small_cell) {
        (Some(v), _) => Shown::Value(v),
        (None, Some(k)) if model.is_suppressed(scope, municipality, indicator.code(), group) => Shown::Suppressed(k),
        (None, _) => Shown::Missing,
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
        let missing = mine.iter().filter(|&&i| !received[i]).map(|&i| model.words.form(&labels[i])).collect();
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
    pub columns: Vec<(String, Indicator, String)>,
    pub reporting: Vec<Reporting>,
    /// Registered schools with data, flagged first, then by attendance (lowest first).
    pub ranked: Vec<RegisteredSchool>,
    pub municipalities: Vec<String>,
    pub flagged: Vec<(RegisteredSchool, Vec<String>)>,
    /// (indicator, group prefix) of the level distributions (`d_level_pct`, `q_level_pct`).
    pub level_groups: Vec<(Indicator, String)>,
    /// Attendance, route completion and the first diagnostic by municipality.
    pub by_municipality: super::figures::Series,
}

impl CentreView {
    pub fn new(model: &ReportModel, register: &[RegisteredSchool], deadline: Option<chrono::NaiveDate>) -> CentreView {
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
        for ind in [Indicator::DLevelPct, Indicator::QLevelPct] {
            let rows =
                model.indicators.clone().lazy().filter(col("indicator").eq(lit(ind.code())).and(col("scope").eq(lit("region")))).collect();
            for g in rows.map(|r| strings(&r, "group")).unwrap_or_default() {
                let prefix = g.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default();
                if !level_groups.contains(&(ind, prefix.clone())) {
                    level_groups.push((ind, prefix));
                }
            }
        }
        let shown_or_none = |m: &str, ind: Indicator, g: &str| match unit_cell(model, m, ind, g) {
            Shown::Value(v) => Some(v),
            _ => None,
        };
        let picked: Vec<&(String, Indicator, String)> =
            columns.iter().filter(|(_, ind, _)| *ind != Indicator::CompletenessPct).take(3).collect();
        let by_municipality = super::figures::Series {
            title: "Показатели по муниципалитетам".into(),
            categories: municipalities.clone(),
            series: picked
                .iter()
                .map(|(title, ind, g)| (title.clone(), municipalities.iter().map(|m| shown_or_none(m, *ind, g)).collect()))
                .collect(),
            reference: None,
            percent: true,
        };
        CentreView {
            title: "Центр: все школы реестра".into(),
            reporting: reporting(model, register, deadline),
            flagged: flagged(model, register),
            columns,
            ranked,
            municipalities,
            level_groups,
            by_municipality,
        }
    }
}
