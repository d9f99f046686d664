//! Shaping pieces of the long table: person rows, and school / municipality / region rows
//! pooled over the same underlying records.

use polars::prelude::*;

use super::{exact_part_names, exact_parts, exact_sum, exact_sum_of_parts};
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
    num: Sum,
    den: Option<Sum>,
    scale: f64,
    /// Whether the school's own value is an indicator (a school either reported or not).
    school_shown: bool,
}

/// One of a [`Pool`]'s two sums over a group of records. A sum of a value of each record
/// has the value made on the records before they are grouped ([`Sum::row_value`]): made in
/// the group-by, each expression was evaluated group by group (about a tenth of a centre's
/// report was such evaluation), where the grouped sum of a column needs none.
enum Sum {
    /// An aggregation of the group's records.
    Aggregate(Expr),
    /// The sum of a record's value as a `Float64` (counts: exact in any order).
    Plain(Expr),
    /// The [`exact_sum`] of a record's value.
    Exact(Expr),
}

impl Sum {
    /// The columns made on each record for this sum, named from `name`.
    fn row_values(&self, name: &str) -> Vec<Expr> {
        match self {
            Sum::Aggregate(_) => Vec::new(),
            Sum::Plain(x) => vec![x.clone().cast(DataType::Float64).alias(name)],
            Sum::Exact(x) => exact_parts(x.clone())
                .into_iter()
                .zip(exact_part_names(name))
                .map(|(part, part_name)| part.alias(part_name))
                .collect(),
        }
    }

    /// The sum of a group from the columns of [`Sum::row_values`] named from `name`.
    fn aggregate(&self, name: &str) -> Expr {
        match self {
            Sum::Aggregate(agg) => agg.clone().cast(DataType::Float64),
            Sum::Plain(_) => col(name).sum(),
            Sum::Exact(_) => exact_sum_of_parts(name),
        }
    }
}

impl Pool {
    /// The number of records.
    pub fn count() -> Pool {
        Pool::total(len())
    }

    /// A per-school figure that adds up across schools (a sum, a count of distinct persons).
    pub fn total(per_school: Expr) -> Pool {
        Pool {
            num: Sum::Aggregate(per_school),
            den: None,
            scale: 1.0,
            school_shown: true,
        }
    }

    /// The mean of `x` over the records where it is present.
    pub fn mean(x: Expr) -> Pool {
        Pool {
            num: Sum::Exact(x.clone()),
            den: Some(present(x)),
            scale: 1.0,
            school_shown: true,
        }
    }

    /// A share in percent: the mean of a boolean condition times 100.
    pub fn share(condition: Expr) -> Pool {
        Pool {
            num: Sum::Plain(condition.clone()),
            den: Some(present(condition)),
            scale: 100.0,
            school_shown: true,
        }
    }

    /// `scale * sum(num) / sum(den)`.
    pub fn ratio(num: Expr, den: Expr, scale: f64) -> Pool {
        Pool {
            num: Sum::Exact(num),
            den: Some(Sum::Exact(den)),
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

    /// The columns made on each record for this pool's sums, the `i`th pool of a group-by.
    fn row_values(&self, i: usize) -> Vec<Expr> {
        let mut values = self.num.row_values(&format!("pool{i}_num"));
        if let Some(den) = &self.den {
            values.extend(den.row_values(&format!("pool{i}_den")));
        }
        values
    }

    /// The pool's two sums of a group, `num` and `den` (the number of records where it has
    /// none), from the columns of [`Pool::row_values`].
    fn sums(&self, i: usize) -> [Expr; 2] {
        let num = self.num.aggregate(&format!("pool{i}_num"));
        let den = match &self.den {
            Some(den) => den.aggregate(&format!("pool{i}_den")),
            None => len().cast(DataType::Float64),
        };
        [num, den]
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
fn present(x: Expr) -> Sum {
    Sum::Plain(x.is_not_null())
}

/// The columns a school's group of records is grouped by: its unit and its group label.
fn unit_keys() -> [Expr; 3] {
    [col(MUNICIPALITY), col(SCHOOL_CODE), col(GROUP)]
}

/// School rows of `pool` from a frame of one row per school and group holding
/// `municipality`, `school_code`, `group` and the pool's sums as `num` and `den`.
fn school_rows(sums: LazyFrame, term: &Term, pool: &Pool, indicator: Indicator) -> LazyFrame {
    let school = sums
        .with_columns([
            lit(pool.scale).alias("scale"),
            lit(pool.den.is_some()).alias("ratio"),
            lit(pool.school_shown).alias("shown"),
            lit("").alias(ENTITY),
        ])
        .with_column(value_of_sums());
    finish(school, term, Scope::School, indicator, SUMS.map(col))
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
    let [num, den] = pool.sums(0);
    let sums = records
        .with_column(group.alias(GROUP))
        .with_columns(pool.row_values(0))
        .group_by(unit_keys())
        .agg([num.alias("num"), den.alias("den")]);
    school_rows(sums, term, &pool, indicator)
}

/// One of the indicators [`pooled_together`] pools over the same records: the part its
/// group label adds to the shared label (a level), if any, its pool and its indicator.
pub type Pooled = (Option<&'static str>, Pool, Indicator);

/// The school rows of several pooled indicators over the same records and group label, as
/// [`pooled`] makes each, from one group-by: the records' label is made once a row and
/// their keys grouped once, and a label's part is added on the groups (`a/b` and `низкий`
/// make `a/b/низкий`, null where the label is, as `path` would on every record).
pub fn pooled_together(
    records: LazyFrame,
    term: &Term,
    group: Expr,
    pools: Vec<Pooled>,
) -> PolarsResult<Vec<LazyFrame>> {
    let mut values = Vec::new();
    let mut sums = Vec::with_capacity(2 * pools.len());
    for (i, (_, pool, _)) in pools.iter().enumerate() {
        values.extend(pool.row_values(i));
        let [num, den] = pool.sums(i);
        sums.push(num.alias(format!("num{i}")));
        sums.push(den.alias(format!("den{i}")));
    }
    let groups = super::shared(
        records
            .with_column(group.alias(GROUP))
            .with_columns(values)
            .group_by(unit_keys())
            .agg(sums),
    )?;
    Ok(pools
        .into_iter()
        .enumerate()
        .map(|(i, (part, pool, indicator))| {
            let label = match part {
                Some(part) => path(vec![col(GROUP), lit(part)]),
                None => col(GROUP),
            };
            let sums = groups.clone().select([
                col(MUNICIPALITY),
                col(SCHOOL_CODE),
                label.alias(GROUP),
                col(format!("num{i}")).alias("num"),
                col(format!("den{i}")).alias("den"),
            ]);
            school_rows(sums, term, &pool, indicator)
        })
        .collect())
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

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::{Pool, path, pooled, pooled_together};
    use crate::indicators::exact_sum;
    use crate::schema::{Indicator, Period, Term};

    /// School A (М1): x = 1, 2 and a null; B (М2): x = 4. The group label `i/w`.
    fn records() -> LazyFrame {
        df!(
            "municipality" => ["М1", "М1", "М1", "М2"],
            "school_code" => ["A", "A", "A", "B"],
            "instrument" => ["i", "i", "i", "i"],
            "wave" => ["w", "w", "w", "w"],
            "x" => [Some(1.0), Some(2.0), None, Some(4.0)]
        )
        .unwrap()
        .lazy()
    }

    fn sorted(lf: LazyFrame) -> DataFrame {
        lf.sort(["school_code"], SortMultipleOptions::default())
            .collect()
            .unwrap()
    }

    fn column(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
        df.column(name).unwrap().f64().unwrap().iter().collect()
    }

    /// One group-by for three pools makes the rows three group-bys make: A's mean of x is
    /// 3 / 2 = 1.5, its share of x >= 2 is 100 * 1 / 2 = 50 (the null counts in neither
    /// sum) under `i/w/высокий`, and it has 3 records; B: 4, 100 and 1.
    #[test]
    fn several_pools_from_one_group_by_are_the_pools_made_apart() {
        let term = Term {
            year: 2025,
            period: Period::Q1,
        };
        let group = || path(vec![col("instrument"), col("wave")]);
        let pools = || {
            [
                (None, Pool::mean(col("x")), Indicator::DPct),
                (
                    Some("высокий"),
                    Pool::share(col("x").gt_eq(lit(2.0))),
                    Indicator::DLevelPct,
                ),
                (None, Pool::count(), Indicator::Participants),
            ]
        };
        let together: Vec<DataFrame> = pooled_together(records(), &term, group(), pools().into())
            .unwrap()
            .into_iter()
            .map(sorted)
            .collect();
        let apart = pools().map(|(part, pool, indicator)| {
            let group = match part {
                Some(part) => path(vec![col("instrument"), col("wave"), lit(part)]),
                None => group(),
            };
            sorted(pooled(records(), &term, group, pool, indicator))
        });
        assert_eq!(together, apart);
        let groups = |df: &DataFrame| -> Vec<String> {
            let groups = df.column("group").unwrap().str().unwrap();
            groups.iter().map(|g| g.unwrap().to_string()).collect()
        };
        assert_eq!(column(&together[0], "value"), [Some(1.5), Some(4.0)]);
        assert_eq!(groups(&together[0]), ["i/w", "i/w"]);
        assert_eq!(column(&together[1], "value"), [Some(50.0), Some(100.0)]);
        assert_eq!(groups(&together[1]), ["i/w/высокий", "i/w/высокий"]);
        assert_eq!(column(&together[2], "value"), [Some(3.0), Some(1.0)]);
    }

    /// A pool's sums made from values split on each record before the group-by are those of
    /// the sums evaluated in it: a ratio of fractions (A: 1 + 2 over 0.5 + 0.25, the null
    /// left out) and a share.
    #[test]
    fn sums_of_values_made_on_the_records_are_the_grouped_sums() {
        let term = Term {
            year: 2025,
            period: Period::Q1,
        };
        let records = || records().with_column((col("x") / lit(4.0)).alias("y"));
        let ratio = sorted(pooled(
            records(),
            &term,
            lit(""),
            Pool::ratio(col("x"), col("y"), 100.0),
            Indicator::AttRate,
        ));
        let grouped = sorted(
            records()
                .group_by([col("municipality"), col("school_code")])
                .agg([
                    exact_sum(col("x")).alias("num"),
                    exact_sum(col("y")).alias("den"),
                ]),
        );
        assert_eq!(column(&ratio, "num"), column(&grouped, "num"));
        assert_eq!(column(&ratio, "den"), column(&grouped, "den"));
        assert_eq!(column(&ratio, "value"), [Some(400.0), Some(400.0)]);
        let share = sorted(pooled(
            records(),
            &term,
            lit(""),
            Pool::share(col("x").gt(lit(1.0))),
            Indicator::AttLowPct,
        ));
        assert_eq!(column(&share, "num"), [Some(1.0), Some(1.0)]);
        assert_eq!(column(&share, "den"), [Some(2.0), Some(1.0)]);
    }
}
