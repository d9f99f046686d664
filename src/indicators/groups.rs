//! Recommended groups (seed 004: routes are planned from the September diagnostics): for
//! each diagnostic held in the term and each topic of its latest wave in that term, the
//! participants below 50 % on the topic, when there are at least `min_group_size` of them.

use polars::prelude::*;

use super::diagnostics::{per_topic, scored};
use super::roster::current;
use super::{Inputs, Settings, comparable, keep_max, of_term, wave_rank_expr};

/// Columns of `groups.csv`.
pub const COLUMNS: [&str; 8] = ["term", "school_code", "diagnostic", "wave", "topic_code", "topic", "person_id", "full_name"];

pub fn recommended(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    let Some(year) = scored(inputs)? else { return empty() };
    let topics = per_topic(of_term(year, &settings.term)).with_column(wave_rank_expr().alias("wave_rank"));
    let latest_wave = keep_max(topics, "wave_rank", &["school_code", "instrument"])?;
    let below = latest_wave.filter(comparable(col("topic_pct")).lt(lit(50.0)));
    let deficit = below.filter(
        len().over([col("school_code"), col("instrument"), col("topic_code")])?.gt_eq(lit(settings.thresholds.min_group_size as u32)),
    );
    let names = match inputs.roster.clone() {
        Some(r) => current(r)?.select([col("school_code").alias("n_school"), col("id").alias("n_id"), col("full_name")]),
        None => df!("n_school" => Vec::<String>::new(), "n_id" => Vec::<String>::new(), "full_name" => Vec::<String>::new())?.lazy(),
    };
    deficit
        .join(names, [col("school_code"), col("person")], [col("n_school"), col("n_id")], JoinArgs::new(JoinType::Left))
        .select([
            lit(settings.term.label()).alias("term"),
            col("school_code"),
            col("instrument").alias("diagnostic"),
            col("wave"),
            col("topic_code"),
            col("topic"),
            col("person").alias("person_id"),
            col("full_name").fill_null(lit("")),
        ])
        .sort(["school_code", "diagnostic", "topic_code", "person_id"], SortMultipleOptions::default())
        .collect()
}

fn empty() -> PolarsResult<DataFrame> {
    DataFrame::new(0, COLUMNS.iter().map(|c| Column::new((*c).into(), Vec::<String>::new())).collect())
}
