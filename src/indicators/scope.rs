//! Shaping pieces of the long table: person rows, and school / municipality / region rows
//! pooled over the same underlying records.

use polars::prelude::*;

use crate::read::values::Term;

/// Selects the long-table columns from a frame holding `municipality`, `school_code`,
/// `entity`, `group` and `value`.
fn finish(lf: LazyFrame, term: &Term, scope: &str, indicator: &str) -> LazyFrame {
    lf.select([
        lit(term.label()).alias("term"),
        lit(scope.to_string()).alias("scope"),
        col("municipality").cast(DataType::String),
        col("school_code").cast(DataType::String),
        col("entity").cast(DataType::String),
        col("group").cast(DataType::String),
        lit(indicator.to_string()).alias("indicator"),
        col("value").cast(DataType::Float64),
    ])
}

/// Person rows: `records` has `municipality`, `school_code`, `person`; `value` and `group`
/// are evaluated per record (the caller aggregates beforehand).
pub fn person(records: LazyFrame, term: &Term, group: Expr, value: Expr, indicator: &str) -> LazyFrame {
    let lf = records.select([
        col("municipality"),
        col("school_code"),
        col("person").alias("entity"),
        group.alias("group"),
        value.alias("value"),
    ]);
    finish(lf, term, "person", indicator)
}

/// School, municipality and region rows of one aggregation over the same records: `agg`
/// runs over the records of each school, each municipality and the whole region, so the
/// wider values are pooled, never means of means.
pub fn pooled(records: LazyFrame, term: &Term, group: Expr, agg: Expr, indicator: &str) -> Vec<LazyFrame> {
    let base = records.with_column(group.alias("group"));
    let school = base
        .clone()
        .group_by([col("municipality"), col("school_code"), col("group")])
        .agg([agg.clone().alias("value")])
        .with_column(lit("").alias("entity"));
    let municipality = base
        .clone()
        .group_by([col("municipality"), col("group")])
        .agg([agg.clone().alias("value")])
        .with_columns([lit("").alias("school_code"), lit("").alias("entity")]);
    let region = base.group_by([col("group")]).agg([agg.alias("value")]).with_columns([
        lit("").alias("municipality"),
        lit("").alias("school_code"),
        lit("").alias("entity"),
    ]);
    vec![
        finish(school, term, "school", indicator),
        finish(municipality, term, "municipality", indicator),
        finish(region, term, "region", indicator),
    ]
}

/// School rows only: facts about one school (club norm, support flag).
pub fn school_only(records: LazyFrame, term: &Term, group: Expr, agg: Expr, indicator: &str) -> LazyFrame {
    let school = records
        .with_column(group.alias("group"))
        .group_by([col("municipality"), col("school_code"), col("group")])
        .agg([agg.alias("value")])
        .with_column(lit("").alias("entity"));
    finish(school, term, "school", indicator)
}

/// A share in percent: the mean of a boolean condition times 100.
pub fn share(condition: Expr) -> Expr {
    condition.cast(DataType::Float64).mean() * lit(100.0)
}

/// `a/b/c` group labels.
pub fn path(parts: Vec<Expr>) -> Expr {
    concat_str(parts, "/", false)
}
