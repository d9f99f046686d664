//! The report model of one term: the indicator table, recommended groups, change against
//! a comparison term, and provenance. Built once; every renderer reads it.

use polars::prelude::*;

use crate::config::Config;
use crate::definitions::Definitions;
use crate::indicators::{self, Inputs, Settings};
use crate::read::values::Term;
use crate::store::Store;
use crate::store::log::Entry;

pub struct ReportModel {
    pub term: Term,
    /// The term changes are measured against.
    pub compare: Term,
    /// The long table of indicators.md.
    pub indicators: DataFrame,
    /// `groups.csv` rows.
    pub groups: DataFrame,
    /// Every non-person indicator with its value in the comparison term and the change.
    pub changes: DataFrame,
    /// Ingest log entries of the term: the provenance of every number.
    pub log: Vec<Entry>,
}

/// Computes the indicators of `term` (optionally one school's rows only).
pub fn compute_term(store: &Store, config: &Config, definitions: &Definitions, term: Term) -> anyhow::Result<(DataFrame, DataFrame)> {
    let inputs = Inputs::load(store, &term)?;
    let register: Vec<(String, String)> = config.register.iter().map(|s| (s.code.clone(), s.municipality.clone())).collect();
    let settings = Settings { term, thresholds: &config.thresholds, definitions, expected: &config.expected, register: &register };
    let long = indicators::compute(&inputs, &settings)?;
    let groups = indicators::groups::recommended(&inputs, &settings)?;
    Ok((long, groups))
}

impl ReportModel {
    /// `compare` defaults to the latest earlier term of the same kind that has data (a
    /// quarter for a quarter...), else the previous term of that kind.
    pub fn build(
        store: &Store,
        config: &Config,
        definitions: &Definitions,
        term: Term,
        school: Option<&str>,
        compare: Option<Term>,
        log: &[Entry],
    ) -> anyhow::Result<ReportModel> {
        let compare = compare.unwrap_or_else(|| default_compare(term, log));
        let (mut long, mut groups) = compute_term(store, config, definitions, term)?;
        let (mut previous, _) = compute_term(store, config, definitions, compare)?;
        if let Some(code) = school {
            let only = |df: DataFrame| df.lazy().filter(col("school_code").eq(lit(code.to_string()))).collect();
            long = only(long)?;
            groups = only(groups)?;
            previous = only(previous)?;
        }
        let changes = changes(&long, &previous, &compare)?;
        let label = term.label();
        let log = log.iter().filter(|e| e.term == label && school.is_none_or(|s| e.school_code == s)).cloned().collect();
        Ok(ReportModel { term, compare, indicators: long, groups, changes, log })
    }
}

fn default_compare(term: Term, log: &[Entry]) -> Term {
    let same_kind = |t: &Term| t.period.kind() == term.period.kind();
    log.iter()
        .filter(|e| e.outcome.commits())
        .filter_map(|e| Term::parse(&e.term))
        .filter(|t| same_kind(t) && t.end() < term.end())
        .max_by_key(Term::end)
        .unwrap_or_else(|| term.previous())
}

/// Joins each non-person row with the same row of the comparison term.
fn changes(current: &DataFrame, previous: &DataFrame, compare: &Term) -> PolarsResult<DataFrame> {
    let keys = ["scope", "municipality", "school_code", "group", "indicator"];
    let not_person = col("scope").neq(lit("person"));
    let prev = previous
        .clone()
        .lazy()
        .filter(not_person.clone())
        .select(keys.iter().map(|k| col(*k)).chain([col("value").alias("previous")]).collect::<Vec<_>>());
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    current
        .clone()
        .lazy()
        .filter(not_person)
        .join(prev, key_exprs.clone(), key_exprs, JoinArgs::new(JoinType::Left))
        .select([
            col("term"),
            lit(compare.label()).alias("compare_term"),
            col("scope"),
            col("municipality"),
            col("school_code"),
            col("group"),
            col("indicator"),
            col("value"),
            col("previous"),
            (col("value") - col("previous")).alias("change"),
        ])
        .collect()
}
