//! Support flags (per school and term): a school needs methodological support when its
//! latest diagnostic result so far, attendance, route completion or completeness falls
//! below its threshold (seed 004). Each firing reason gets its own row.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;

use super::{
    Settings, comparable_value, exact_mean, period_rank, period_rank_expr, wave_rank_expr,
};
use crate::schema::column::{
    ENTITY, GROUP, INDICATOR, INSTRUMENT, MUNICIPALITY, SCHOOL_CODE, SCOPE, TERM, VALUE,
};
use crate::schema::{Indicator, Scope};

/// The reasons a school can be flagged for, as `support_flag` groups, in table order.
pub const REASONS: [Indicator; 4] = [
    Indicator::AttRate,
    Indicator::CompletenessPct,
    Indicator::DPct,
    Indicator::RDonePct,
];

/// School `d_pct` of each diagnostic's latest wave so far in the school year, from the
/// year's diagnostic sums per person ([`super::diagnostics::per_person`]).
fn latest_diagnostic_pct(
    people: Option<&LazyFrame>,
    settings: &Settings,
) -> PolarsResult<BTreeMap<String, Vec<f64>>> {
    let mut by_school: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let Some(people) = people.cloned() else {
        return Ok(by_school);
    };
    let schools = people
        .filter(col("present"))
        .with_columns([
            period_rank_expr().alias("rank"),
            wave_rank_expr().alias("wave_rank"),
        ])
        .filter(col("rank").lt_eq(lit(period_rank(settings.term.period))))
        .group_by([
            col(SCHOOL_CODE),
            col(INSTRUMENT),
            col("rank"),
            col("wave_rank"),
        ])
        .agg([exact_mean(col("pct")).alias("pct")])
        .sort_by_exprs(
            [col("rank"), col("wave_rank")],
            SortMultipleOptions::default(),
        )
        .group_by_stable([col(SCHOOL_CODE), col(INSTRUMENT)])
        .agg([col("pct").last()])
        .collect()?;
    for (school, pct) in schools
        .column(SCHOOL_CODE)?
        .str()?
        .iter()
        .zip(schools.column("pct")?.f64()?.iter())
    {
        if let (Some(school), Some(pct)) = (school, pct) {
            by_school.entry(school.to_string()).or_default().push(pct);
        }
    }
    Ok(by_school)
}

/// The flag rows, from the school rows already computed and the year's diagnostic sums per
/// person ([`super::diagnostics::per_person`] of [`super::diagnostics::scored`]).
pub fn indicators(
    long: &DataFrame,
    diagnostic_people: Option<&LazyFrame>,
    settings: &Settings,
) -> PolarsResult<LazyFrame> {
    let t = settings.thresholds;
    let schools = long
        .clone()
        .lazy()
        .filter(
            col(SCOPE)
                .eq(lit(Scope::School.code()))
                .and(col(GROUP).eq(lit(""))),
        )
        .collect()?;
    let mut values: BTreeMap<(String, String), f64> = BTreeMap::new();
    let mut municipality_of: BTreeMap<String, String> = BTreeMap::new();
    let cols = (
        schools.column(SCHOOL_CODE)?.str()?,
        schools.column(MUNICIPALITY)?.str()?,
        schools.column(INDICATOR)?.str()?,
        schools.column(VALUE)?.f64()?,
    );
    for i in 0..schools.height() {
        if let (Some(s), Some(m), Some(ind), Some(v)) =
            (cols.0.get(i), cols.1.get(i), cols.2.get(i), cols.3.get(i))
        {
            values.insert((s.to_string(), ind.to_string()), v);
            municipality_of.insert(s.to_string(), m.to_string());
        }
    }
    let diagnostics = latest_diagnostic_pct(diagnostic_people, settings)?;
    let codes: BTreeSet<String> = municipality_of.keys().cloned().collect();
    let (mut munis, mut school_codes, mut groups, mut flag_values) =
        (vec![], vec![], vec![], vec![]);
    for school in codes {
        let below = |indicator: Indicator, threshold: f64| {
            values
                .get(&(school.clone(), indicator.code().to_string()))
                .is_some_and(|v| comparable_value(*v) < threshold)
        };
        let mut reasons = Vec::new();
        if diagnostics
            .get(&school)
            .is_some_and(|pcts| pcts.iter().any(|p| comparable_value(*p) < t.support_d_pct))
        {
            reasons.push(Indicator::DPct);
        }
        if below(Indicator::AttRate, t.support_att_rate) {
            reasons.push(Indicator::AttRate);
        }
        if below(Indicator::RDonePct, t.support_r_done_pct) {
            reasons.push(Indicator::RDonePct);
        }
        if below(Indicator::CompletenessPct, t.support_completeness_pct) {
            reasons.push(Indicator::CompletenessPct);
        }
        let muni = municipality_of[&school].clone();
        munis.push(muni.clone());
        school_codes.push(school.clone());
        groups.push(String::new());
        flag_values.push(if reasons.is_empty() { 0.0 } else { 1.0 });
        for reason in reasons {
            munis.push(muni.clone());
            school_codes.push(school.clone());
            groups.push(reason.code().to_string());
            flag_values.push(1.0);
        }
    }
    let n = munis.len();
    Ok(df!(
        TERM => vec![settings.term.label(); n],
        SCOPE => vec![Scope::School.code(); n],
        MUNICIPALITY => munis,
        SCHOOL_CODE => school_codes,
        ENTITY => vec![""; n],
        GROUP => groups,
        INDICATOR => vec![Indicator::SupportFlag.code(); n],
        VALUE => flag_values,
    )?
    .lazy())
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn completeness_and_support_flags_name_their_reasons() {
        // A sent roster, journal and routes; B only a journal. Both in М1.
        let roster = frame(&[roster_row("A", "М1", "T1", "тьютор", None)]);
        let events = frame(&[
            rec("A", "М1")
                .s("event_id", "С1")
                .s("kind", "семинар")
                .f("hours", 1.0)
                .d("date", 2025, 9, 10),
            rec("B", "М1")
                .s("event_id", "С1")
                .s("kind", "семинар")
                .f("hours", 1.0)
                .d("date", 2025, 9, 10),
        ]);
        // A: present 1 of 1 (100 %). B: present 1 of 2 (50 % < 60).
        let marks = frame(&[
            rec("A", "М1")
                .s("person_id", "P")
                .s("event_id", "С1")
                .s("mark", "present"),
            rec("B", "М1")
                .s("person_id", "P")
                .s("event_id", "С1")
                .s("mark", "present"),
            rec("B", "М1")
                .s("person_id", "Q")
                .s("event_id", "С1")
                .s("mark", "absent"),
        ]);
        let route = frame(&[rec("A", "М1")
            .s("id", "P")
            .s("goal", "г")
            .s("activity", "м")
            .s("level", "школьный")
            .d("due", 2025, 10, 1)
            .s("status", "выполнено")
            .null_s("result")]);
        let long = compute_with(Inputs {
            roster: Some(roster),
            events: Some(events),
            attendance: Some(marks),
            route: Some(route),
            ..empty_inputs()
        });
        assert_eq!(
            value(&long, "school", "A", Indicator::FormsExpected, ""),
            Some(3.0)
        );
        assert_eq!(
            value(&long, "school", "B", Indicator::FormsReceived, ""),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::CompletenessPct, ""),
            Some(100.0)
        );
        assert_close(
            value(&long, "school", "B", Indicator::CompletenessPct, ""),
            100.0 / 3.0,
        );
        // Pooled: 4 received of 6 expected; 1 of 2 schools sent everything.
        assert_close(
            value(&long, "municipality", "М1", Indicator::CompletenessPct, ""),
            200.0 / 3.0,
        );
        assert_eq!(
            value(
                &long,
                "municipality",
                "М1",
                Indicator::SchoolsReportingPct,
                ""
            ),
            Some(50.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::SchoolsReportingPct, ""),
            None
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::SupportFlag, ""),
            Some(0.0)
        );
        assert_eq!(
            value(&long, "school", "B", Indicator::SupportFlag, ""),
            Some(1.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "B",
                Indicator::SupportFlag,
                Indicator::AttRate.code()
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "B",
                Indicator::SupportFlag,
                Indicator::CompletenessPct.code()
            ),
            Some(1.0)
        );
        // B has no routes: no data does not fire its own condition.
        assert_eq!(
            value(
                &long,
                "school",
                "B",
                Indicator::SupportFlag,
                Indicator::RDonePct.code()
            ),
            None
        );
        assert_eq!(value(&long, "region", "", Indicator::SupportFlag, ""), None);
    }

    #[test]
    fn a_low_diagnostic_result_flags_the_school() {
        let tasks = frame(&[rec("A", "М1")
            .s("instrument", "ОГЭ математика")
            .s("wave", "start")
            .s("task", "1")
            .f("max_score", 4.0)
            .s("topic_code", "Т1")
            .s("topic", "Дроби")]);
        let scores = frame(&[rec("A", "М1")
            .s("instrument", "ОГЭ математика")
            .s("wave", "start")
            .s("person_id", "P")
            .s("task", "1")
            .f("points", 1.0)]);
        let long = compute_with(Inputs {
            diag_tasks: Some(tasks),
            diag_results: Some(scores),
            ..empty_inputs()
        });
        assert_eq!(
            value(
                &long,
                "school",
                "A",
                Indicator::SupportFlag,
                Indicator::DPct.code()
            ),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::SupportFlag, ""),
            Some(1.0)
        );
    }
}
