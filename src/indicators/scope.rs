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

/// How a unit's value is made from its records: `scale * num / den` of two sums over the
/// records (`num` alone without a `den`). Every pooled indicator has this form, so a
/// municipality's or the region's value is made from its schools' sums: pooled over the
/// underlying records, never a mean of school means, and without reading the records twice.
pub struct Pool {
    num: Expr,
    den: Option<Expr>,
    scale: f64,
}

impl Pool {
    /// The number of records.
    pub fn count() -> Pool {
        Pool::total(len())
    }

    /// A per-school figure that adds up across schools (a sum, a count of distinct persons).
    pub fn total(per_school: Expr) -> Pool {
        Pool { num: per_school.cast(DataType::Float64), den: None, scale: 1.0 }
    }

    /// The mean of `x` over the records where it is present.
    pub fn mean(x: Expr) -> Pool {
        Pool { num: x.clone().cast(DataType::Float64).sum(), den: Some(present(x)), scale: 1.0 }
    }

    /// A share in percent: the mean of a boolean condition times 100.
    pub fn share(condition: Expr) -> Pool {
        Pool { num: condition.clone().cast(DataType::Float64).sum(), den: Some(present(condition)), scale: 100.0 }
    }

    /// `scale * sum(num) / sum(den)`.
    pub fn ratio(num: Expr, den: Expr, scale: f64) -> Pool {
        Pool { num: num.cast(DataType::Float64).sum(), den: Some(den.cast(DataType::Float64).sum()), scale }
    }

    /// The same pool with its value multiplied by `k`.
    pub fn times(self, k: f64) -> Pool {
        Pool { scale: self.scale * k, ..self }
    }

    /// The value of a unit from its `num` and `den` columns.
    fn value(&self, num: Expr, den: Expr) -> Expr {
        match self.den {
            Some(_) => num / den * lit(self.scale),
            None => num * lit(self.scale),
        }
    }
}

/// The number of records where `x` is present.
fn present(x: Expr) -> Expr {
    x.is_not_null().cast(DataType::Float64).sum()
}

/// School, municipality and region rows of one aggregation over the same records: the
/// schools' sums are made once and the wider units add them up.
pub fn pooled(records: LazyFrame, term: &Term, group: Expr, pool: Pool, indicator: &str) -> Vec<LazyFrame> {
    let sums = records.with_column(group.alias("group")).group_by([col("municipality"), col("school_code"), col("group")]).agg([
        pool.num.clone().alias("num"),
        pool.den.clone().unwrap_or(len()).cast(DataType::Float64).alias("den"),
    ]);
    let value = || pool.value(col("num"), col("den")).alias("value");
    let school = sums.clone().with_columns([value(), lit("").alias("entity")]);
    let wider = |keys: Vec<Expr>| sums.clone().group_by(keys).agg([col("num").sum(), col("den").sum()]).with_column(value());
    let municipality = wider(vec![col("municipality"), col("group")]).with_columns([lit("").alias("school_code"), lit("").alias("entity")]);
    let region = wider(vec![col("group")]).with_columns([lit("").alias("municipality"), lit("").alias("school_code"), lit("").alias("entity")]);
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

/// `a/b/c` group labels.
pub fn path(parts: Vec<Expr>) -> Expr {
    concat_str(parts, "/", false)
}
