//! Recommended groups (seed 004: routes are planned from the September diagnostics): for
//! each diagnostic held in the term and each topic of its latest wave in that term, the
//! participants below 50 % on the topic, when there are at least `min_group_size` of them.

use polars::prelude::*;

use super::diagnostics::{per_topic, scored};
use super::roster::current;
use super::{Inputs, Settings, comparable, keep_max, of_term, wave_rank_expr};
use crate::schema::column::{
    FULL_NAME, ID, INSTRUMENT, PERSON_ID, SCHOOL_CODE, TERM, TOPIC, TOPIC_CODE, WAVE,
};

/// Columns of `groups.csv`.
pub const COLUMNS: [&str; 8] = [
    TERM,
    SCHOOL_CODE,
    "diagnostic",
    WAVE,
    TOPIC_CODE,
    TOPIC,
    PERSON_ID,
    FULL_NAME,
];

pub(crate) fn recommended(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    let Some(year) = scored(inputs)? else {
        return empty();
    };
    let topics = per_topic(inputs, of_term(year, &settings.term))
        .with_column(wave_rank_expr().alias("wave_rank"));
    let latest_wave = keep_max(topics, "wave_rank", &[SCHOOL_CODE, INSTRUMENT])?;
    let below = latest_wave.filter(comparable(col("topic_pct")).lt(lit(50.0)));
    let deficit = below.filter(
        len()
            .over([col(SCHOOL_CODE), col(INSTRUMENT), col(TOPIC_CODE)])?
            .gt_eq(lit(settings.thresholds.min_group_size as u32)),
    );
    let names = match inputs.roster.clone() {
        Some(r) => current(r)?.select([col(SCHOOL_CODE).alias("n_school"), col(ID).alias("n_id"), col(FULL_NAME)]),
        None => df!("n_school" => Vec::<String>::new(), "n_id" => Vec::<String>::new(), FULL_NAME => Vec::<String>::new())?.lazy(),
    };
    deficit
        .join(
            names,
            [col(SCHOOL_CODE), col("person")],
            [col("n_school"), col("n_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            lit(settings.term.label()).alias(TERM),
            col(SCHOOL_CODE),
            col(INSTRUMENT).alias("diagnostic"),
            col(WAVE),
            col(TOPIC_CODE),
            col(TOPIC),
            col("person").alias(PERSON_ID),
            col(FULL_NAME).fill_null(lit("")),
        ])
        .sort(
            [SCHOOL_CODE, "diagnostic", TOPIC_CODE, PERSON_ID],
            SortMultipleOptions::default(),
        )
        .collect()
}

fn empty() -> PolarsResult<DataFrame> {
    DataFrame::new(
        0,
        COLUMNS
            .iter()
            .map(|c| Column::new((*c).into(), Vec::<String>::new()))
            .collect(),
    )
}
