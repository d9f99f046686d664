//! Completeness (per school and term): forms received against forms expected, and the
//! share of schools with every expected form.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::scope::{Pool, pooled_together};
use super::{Inputs, Settings, of_term};
use crate::config::Expected;
use crate::read::text::fold;
use crate::schema::Indicator;
use crate::schema::Term;
use crate::schema::column::{INSTRUMENT, MUNICIPALITY, SCHOOL_CODE, WAVE};

/// What each school sent for the term, as labels of expected forms.
fn received(
    inputs: &Inputs,
    settings: &Settings,
) -> PolarsResult<BTreeMap<String, BTreeSet<String>>> {
    let mut sent: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut collect = |lf: Option<LazyFrame>, label: Expr, this_term: bool| -> PolarsResult<()> {
        let Some(lf) = lf else { return Ok(()) };
        let lf = if this_term {
            of_term(lf, &settings.term)
        } else {
            lf
        };
        let df = lf
            .select([col(SCHOOL_CODE), label.alias("label")])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()?;
        for (school, label) in df
            .column(SCHOOL_CODE)?
            .str()?
            .iter()
            .zip(df.column("label")?.str()?.iter())
        {
            if let (Some(school), Some(label)) = (school, label) {
                sent.entry(school.to_string())
                    .or_default()
                    .insert(label.to_string());
            }
        }
        Ok(())
    };
    collect(inputs.roster.clone(), lit("roster"), false)?;
    collect(inputs.events.clone(), lit("attendance"), true)?;
    collect(inputs.route.clone(), lit("route"), true)?;
    collect(
        inputs.answers.clone(),
        concat_str([lit("q:"), col(INSTRUMENT), lit("/"), col(WAVE)], "", false),
        true,
    )?;
    collect(
        inputs.diag_tasks.clone(),
        concat_str([lit("d:"), col(INSTRUMENT), lit("/"), col(WAVE)], "", false),
        true,
    )?;
    Ok(sent)
}

/// The labels every school owes for the term.
pub fn expected_labels(settings: &Settings) -> Vec<String> {
    labels_owed(settings.expected, &settings.term)
}

/// The labels every school owes for `term` under `expected`: roster, attendance, routes,
/// then `q:<code>/<wave>` and `d:<name>/<wave>` of the term's period.
pub fn labels_owed(expected: &Expected, term: &Term) -> Vec<String> {
    let period = term.period.code();
    let mut labels = vec![
        "roster".to_string(),
        "attendance".to_string(),
        "route".to_string(),
    ];
    let add = |map: &BTreeMap<String, Vec<String>>, prefix: &str, labels: &mut Vec<String>| {
        for item in map.get(period).into_iter().flatten() {
            labels.push(format!("{prefix}{item}"));
        }
    };
    add(&expected.questionnaires, "q:", &mut labels);
    add(&expected.diagnostics, "d:", &mut labels);
    labels
}

/// Schools of the register (those of the batch), or those seen in the data when there is
/// no register.
pub fn register(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<(String, String)>> {
    if !settings.register.is_empty() {
        let in_batch = |code: &String| settings.batch.is_none_or(|b| b.contains(code));
        return Ok(settings
            .register
            .iter()
            .filter(|(code, _)| in_batch(code))
            .cloned()
            .collect());
    }
    let mut seen = BTreeSet::new();
    for lf in inputs.school_tables() {
        let df = lf
            .clone()
            .select([col(SCHOOL_CODE), col(MUNICIPALITY)])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()?;
        for (code, muni) in df
            .column(SCHOOL_CODE)?
            .str()?
            .iter()
            .zip(df.column(MUNICIPALITY)?.str()?.iter())
        {
            if let (Some(code), Some(muni)) = (code, muni) {
                seen.insert((code.to_string(), muni.to_string()));
            }
        }
    }
    Ok(seen.into_iter().collect())
}

/// One row per school of the register and expected form: `school_code, municipality, form, received`.
pub fn form_status(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    let sent = received(inputs, settings)?;
    let expected = expected_labels(settings);
    // Diagnostic names keep their case in the store; compare leniently.
    let got = |code: &str, label: &str| {
        sent.get(code)
            .is_some_and(|s| s.iter().any(|x| fold(x) == fold(label)))
    };
    let (mut codes, mut munis, mut forms, mut received) = (vec![], vec![], vec![], vec![]);
    for (code, muni) in register(inputs, settings)? {
        for label in &expected {
            received.push(got(&code, label));
            codes.push(code.clone());
            munis.push(muni.clone());
            forms.push(label.clone());
        }
    }
    df!(SCHOOL_CODE => codes, MUNICIPALITY => munis, "form" => forms, "received" => received)
}

/// The completeness indicators from the [`form_status`] of the schools.
pub fn indicators(status: &DataFrame, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    if status.height() == 0 {
        return Ok(Vec::new());
    }
    let frame = status
        .clone()
        .lazy()
        .group_by([col(MUNICIPALITY), col(SCHOOL_CODE)])
        .agg([
            len().cast(DataType::Float64).alias("expected"),
            col("received")
                .cast(DataType::Float64)
                .sum()
                .alias("received"),
        ]);
    let term = &settings.term;
    let reporting = Pool::share(col("received").eq(col("expected"))).units_only();
    pooled_together(
        frame,
        term,
        lit(""),
        vec![
            (
                None,
                Pool::total(col("expected").sum()),
                Indicator::FormsExpected,
            ),
            (
                None,
                Pool::total(col("received").sum()),
                Indicator::FormsReceived,
            ),
            (
                None,
                Pool::ratio(col("received"), col("expected"), 100.0),
                Indicator::CompletenessPct,
            ),
            (None, reporting, Indicator::SchoolsReportingPct),
        ],
    )
}
