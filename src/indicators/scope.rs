//! Shaping pieces of the long table: person rows, and school / municipality / region rows
//! pooled over the same underlying records.

use polars::prelude::*;

use super::exact_sum;
use crate::schema::Term;
use crate::schema::column::{
    ENTITY, GROUP, INDICATOR, MUNICIPALITY, SCHOOL_CODE, SCOPE, TERM, VALUE,
};
use crate::schema::{Indicator, Scope};

/// Columns a school row of a pooled indicator carries until its municipality and region
/// are made (see [`units`]): the school's sums, how they make a value, and whether the
/// school row itself is shown. Other rows carry nulls.
pub const SUMS: [&str; 5] = ["num", "den", "scale", "ratio", "shown"];

/// The [`SUMS`] of a row that is not pooled.
fn no_sums() -> [Expr; 5] {
    [
        lit(NULL).cast(DataType::Float64).alias("num"),
        lit(NULL).cast(DataType::Float64).alias("den"),
        lit(NULL).cast(DataType::Float64).alias("scale"),
        lit(NULL).cast(DataType::Boolean).alias("ratio"),
        lit(true).alias("shown"),
    ]
}

/// Selects the long-table columns and the [`SUMS`] from a frame holding `municipality`,
/// `school_code`, `entity`, `group` and `value`.
fn finish(
    lf: LazyFrame,
    term: &Term,
    scope: Scope,
    indicator: Indicator,
    sums: [Expr; 5],
) -> LazyFrame {
    let mut columns = vec![
        lit(term.label()).alias(TERM),
        lit(scope.code()).alias(SCOPE),
        col(MUNICIPALITY).cast(DataType::String),
        col(SCHOOL_CODE).cast(DataType::String),
        col(ENTITY).cast(DataType::String),
        col(GROUP).cast(DataType::String),
        lit(indicator.code()).alias(INDICATOR),
        col(VALUE).cast(DataType::Float64),
    ];
    columns.extend(sums);
    lf.select(columns)
}

/// Rows made outside this module (the support flags) with the [`SUMS`] of unpooled rows.
pub fn without_sums(rows: LazyFrame) -> LazyFrame {
    rows.with_columns(no_sums())
}

/// Person rows: `records` has `municipality`, `school_code`, `person`; `value` and `group`
/// are evaluated per record (the caller aggregates beforehand).
pub fn person(
    records: LazyFrame,
    term: &Term,
    group: Expr,
    value: Expr,
    indicator: Indicator,
) -> LazyFrame {
    let lf = records.select([
        col(MUNICIPALITY),
        col(SCHOOL_CODE),
        col("person").alias(ENTITY),
        group.alias(GROUP),
        value.alias(VALUE),
    ]);
    finish(lf, term, Scope::Person, indicator, no_sums())
}

/// How a unit's value is made from its records: `scale * num / den` of two sums over the
/// records (`num` alone without a `den`). Every pooled indicator has this form, so a
/// municipality's or the region's value is made from its schools' sums: pooled over the
/// underlying records, never a mean of school means, and without reading the records twice.
pub struct Pool {
    num: Expr,
    den: Option<Expr>,
    scale: f64,
    /// Whether the school's own value is an indicator (a school either reported or not).
    school_shown: bool,
}

impl Pool {
    /// The number of records.
    pub fn count() -> Pool {
        Pool::total(len())
    }

    /// A per-school figure that adds up across schools (a sum, a count of distinct persons).
    pub fn total(per_school: Expr) -> Pool {
        Pool {
            num: per_school.cast(DataType::Float64),
            den: None,
            scale: 1.0,
            school_shown: true,
        }
    }

    /// The mean of `x` over the records where it is present.
    pub fn mean(x: Expr) -> Pool {
        Pool {
            num: exact_sum(x.clone().cast(DataType::Float64)),
            den: Some(present(x)),
            scale: 1.0,
            school_shown: true,
        }
    }

    /// A share in percent: the mean of a boolean condition times 100.
    pub fn share(condition: Expr) -> Pool {
        Pool {
            num: condition.clone().cast(DataType::Float64).sum(),
            den: Some(present(condition)),
            scale: 100.0,
            school_shown: true,
        }
    }

    /// `scale * sum(num) / sum(den)`.
    pub fn ratio(num: Expr, den: Expr, scale: f64) -> Pool {
        let sum = |x: Expr| exact_sum(x.cast(DataType::Float64));
        Pool {
            num: sum(num),
            den: Some(sum(den)),
            scale,
            school_shown: true,
        }
    }

    /// The same pool with its value multiplied by `k`.
    pub fn times(self, k: f64) -> Pool {
        Pool {
            scale: self.scale * k,
            ..self
        }
    }

    /// The same pool shown for municipalities and the region only.
    pub fn units_only(self) -> Pool {
        Pool {
            school_shown: false,
            ..self
        }
    }
}

/// A unit's value from its [`SUMS`] columns (summed over its schools or not). The scale is
/// applied before the division: a share of integer counts is then the nearest number to the
/// exact fraction (29 of 100 is 29, where 29 / 100 * 100 is 28.999999999999996).
fn value_of_sums() -> Expr {
    when(col("ratio"))
        .then(col("num") * col("scale") / col("den"))
        .otherwise(col("num") * col("scale"))
        .alias(VALUE)
}

/// The number of records where `x` is present.
fn present(x: Expr) -> Expr {
    x.is_not_null().cast(DataType::Float64).sum()
}

/// The school rows of one pooled aggregation, carrying the [`SUMS`] their municipality and
/// region are made from by [`units`].
pub fn pooled(
    records: LazyFrame,
    term: &Term,
    group: Expr,
    pool: Pool,
    indicator: Indicator,
) -> LazyFrame {
    let ratio = pool.den.is_some();
    let school = records
        .with_column(group.alias(GROUP))
        .group_by([col(MUNICIPALITY), col(SCHOOL_CODE), col(GROUP)])
        .agg([
            pool.num.alias("num"),
            pool.den
                .unwrap_or(len())
                .cast(DataType::Float64)
                .alias("den"),
        ])
        .with_columns([
            lit(pool.scale).alias("scale"),
            lit(ratio).alias("ratio"),
            lit(pool.school_shown).alias("shown"),
            lit("").alias(ENTITY),
        ])
        .with_column(value_of_sums());
    let sums = SUMS.map(col);
    finish(school, term, Scope::School, indicator, sums)
}

/// Municipality and region rows of every pooled indicator, from the school rows' [`SUMS`]:
/// pooled over the underlying records (ratios of sums, means over all persons, counts
/// summed), never means of school means, whichever batch of schools a row was made in.
pub fn units(rows: LazyFrame) -> PolarsResult<LazyFrame> {
    let sums = rows.filter(col("num").is_not_null());
    let wider = |keys: &[&str]| {
        sums.clone()
            .group_by(keys.iter().map(|k| col(*k)).collect::<Vec<_>>())
            .agg([
                exact_sum(col("num")),
                exact_sum(col("den")),
                col("scale").first(),
                col("ratio").first(),
            ])
            .with_column(value_of_sums())
    };
    let municipality = wider(&[TERM, INDICATOR, MUNICIPALITY, GROUP]).with_columns([
        lit(Scope::Municipality.code()).alias(SCOPE),
        lit("").alias(SCHOOL_CODE),
    ]);
    let region = wider(&[TERM, INDICATOR, GROUP]).with_columns([
        lit(Scope::Region.code()).alias(SCOPE),
        lit("").alias(MUNICIPALITY),
        lit("").alias(SCHOOL_CODE),
    ]);
    let columns: Vec<Expr> = super::COLUMNS
        .iter()
        .map(|c| {
            if *c == ENTITY {
                lit("").alias(ENTITY)
            } else {
                col(*c)
            }
        })
        .collect();
    concat(
        [municipality.select(columns.clone()), region.select(columns)],
        UnionArgs::default(),
    )
}

/// School rows only: facts about one school (club norm, support flag).
pub fn school_only(
    records: LazyFrame,
    term: &Term,
    group: Expr,
    agg: Expr,
    indicator: Indicator,
) -> LazyFrame {
    let school = records
        .with_column(group.alias(GROUP))
        .group_by([col(MUNICIPALITY), col(SCHOOL_CODE), col(GROUP)])
        .agg([agg.alias(VALUE)])
        .with_column(lit("").alias(ENTITY));
    finish(school, term, Scope::School, indicator, no_sums())
}

/// `a/b/c` group labels.
pub fn path(parts: Vec<Expr>) -> Expr {
    concat_str(parts, "/", false)
}
