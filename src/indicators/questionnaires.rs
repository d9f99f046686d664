//! Questionnaire indicators (per questionnaire and wave): competency scores and levels,
//! difficulty shares, option distributions, yes shares and start-to-final progress.

use polars::prelude::*;

use super::scope::{Pool, path, person, pooled, pooled_together};
use super::{Inputs, LEVELS, Settings, comparable, exact_mean, level, of_term, shared};
use crate::definitions::{self, Definitions, Direction, Item, Questionnaire, Scale};
use crate::schema::column::{
    FORM_VERSION, INSTRUMENT, ITEM, MUNICIPALITY, RESPONDENT, RESPONDENT_ID, SCHOOL_CODE,
    SOURCE_SHA256, TERM, VALUE_NUM, VALUE_TEXT, WAVE,
};
use crate::schema::{Indicator, Wave};

/// Item metadata of every known version of every questionnaire as a frame: scale,
/// competency, bounds, direction, and how many likert items the competency has.
fn items_frame(definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let mut frame = ItemRows::default();
    for def in definitions.every_version() {
        frame.push(def, def.version, def.items.iter());
    }
    Ok(frame.finish()?.lazy())
}

/// The rows of [`items_frame`] and of [`comparable_items`].
#[derive(Default)]
struct ItemRows {
    q: Vec<String>,
    version: Vec<i64>,
    item: Vec<String>,
    scale: Vec<String>,
    competency: Vec<Option<String>>,
    min: Vec<Option<f64>>,
    max: Vec<Option<f64>>,
    direction: Vec<Option<&'static str>>,
    n_items: Vec<f64>,
}

impl ItemRows {
    /// Rows for `items` of `def` under `version`; a competency's likert items are counted
    /// among `items` only.
    fn push<'a>(
        &mut self,
        def: &Questionnaire,
        version: i64,
        items: impl Iterator<Item = &'a Item> + Clone,
    ) {
        for it in items.clone() {
            self.q.push(def.code.clone());
            self.version.push(version);
            self.item.push(it.code.clone());
            self.scale.push(format!("{:?}", it.scale).to_lowercase());
            self.competency.push(it.competency.clone());
            self.min.push(it.min.map(|v| v as f64));
            self.max.push(it.max.map(|v| v as f64));
            self.direction.push(def.direction.map(|d| {
                if d == Direction::HigherWorse {
                    "higher_worse"
                } else {
                    "higher_better"
                }
            }));
            let same = items
                .clone()
                .filter(|o| {
                    o.scale == Scale::Likert
                        && o.competency.is_some()
                        && o.competency == it.competency
                })
                .count();
            self.n_items.push(same as f64);
        }
    }

    fn finish(self) -> PolarsResult<DataFrame> {
        df!(
            "q" => self.q, "q_version" => self.version, "item_code" => self.item,
            "scale" => self.scale, "competency" => self.competency, "min" => self.min,
            "max" => self.max, "direction" => self.direction, "n_items" => self.n_items
        )
    }
}

/// For progress between two versions of a questionnaire: the items answers of both can be
/// compared by (same code, scale, bounds, competency and options), with the competency's
/// count of such likert items: `q, q_version` (the start wave's version), `final_version`,
/// `item_code, n_items`. Every ordered pair of known versions, a version with itself
/// included.
fn comparable_items(definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let mut frame = ItemRows::default();
    let mut finals = Vec::new();
    for start in definitions.every_version() {
        for fin in definitions.every_version().filter(|f| f.code == start.code) {
            let left_out = definitions::incomparable(start, fin);
            let common = start
                .items
                .iter()
                .filter(|i| !left_out.iter().any(|(code, _)| *code == i.code));
            let before = frame.q.len();
            frame.push(start, start.version, common);
            finals.extend(std::iter::repeat_n(fin.version, frame.q.len() - before));
        }
    }
    let mut rows = frame.finish()?;
    rows.with_column(Column::new("final_version".into(), finals))?;
    Ok(rows.lazy().select([
        col("q"),
        col("q_version"),
        col("final_version"),
        col("item_code"),
        col("n_items"),
    ]))
}

/// (questionnaire, version, item, option) for every choice and multi item.
fn options_frame(definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let (mut q, mut version, mut item, mut option) = (vec![], vec![], vec![], vec![]);
    for def in definitions.every_version() {
        for it in def
            .items
            .iter()
            .filter(|i| matches!(i.scale, Scale::Choice | Scale::Multi))
        {
            for o in &it.options {
                q.push(def.code.clone());
                version.push(def.version);
                item.push(it.code.clone());
                option.push(o.clone());
            }
        }
    }
    Ok(df!("o_q" => q, "o_version" => version, "o_item" => item, "option" => option)?.lazy())
}

/// The year's answers with a person key (anonymous respondents get one unique to their
/// file and row), the version of the definition they are read by (`VERSION`) and its item
/// metadata; the latest file wins per person, questionnaire and wave. Only the columns the
/// questionnaire indicators read are kept: the answers are the largest table after the
/// marks, and every join and filter of them gathers each column kept.
fn answers(inputs: &Inputs, definitions: &Definitions) -> PolarsResult<Option<LazyFrame>> {
    let Some(answers) = inputs.answers.clone() else {
        return Ok(None);
    };
    let keyed = answers.with_columns([
        col(RESPONDENT_ID).is_null().alias("anonymous"),
        when(col(RESPONDENT_ID).is_null())
            .then(concat_str(
                [col(SOURCE_SHA256), col(RESPONDENT)],
                "#",
                false,
            ))
            .otherwise(col(RESPONDENT_ID))
            .alias("person"),
    ]);
    let latest_per_person =
        inputs.latest(keyed, &[SCHOOL_CODE, TERM, INSTRUMENT, WAVE, "person"])?;
    Ok(Some(
        with_version(latest_per_person, definitions)?
            .join(
                items_frame(definitions)?,
                [col(INSTRUMENT), col(VERSION), col(ITEM)],
                [col("q"), col("q_version"), col("item_code")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([
                col(MUNICIPALITY),
                col(SCHOOL_CODE),
                col(TERM),
                col("person"),
                col("anonymous"),
                col(INSTRUMENT),
                col(WAVE),
                col(VERSION),
                col(ITEM),
                col(VALUE_NUM),
                col(VALUE_TEXT),
                col("scale"),
                col("competency"),
                col("min"),
                col("max"),
                col("direction"),
                col("n_items"),
            ]),
    ))
}

/// Name of the column holding the version of the definition an answer is read by.
const VERSION: &str = "def_version";

/// Adds [`VERSION`]: the `Паспорт`'s version where the definitions know it, else the
/// current one (a centre that was never sent a school's earlier version counts its answers
/// by the version it has).
fn with_version(answers: LazyFrame, definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let (mut known_q, mut known_v, mut current_q, mut current_v) = (vec![], vec![], vec![], vec![]);
    for def in definitions.every_version() {
        known_q.push(def.code.clone());
        known_v.push(def.version);
    }
    for def in definitions.all() {
        current_q.push(def.code.clone());
        current_v.push(def.version);
    }
    let known = df!("k_q" => known_q, "k_v" => known_v.clone(), "k_version" => known_v)?.lazy();
    let current = df!("c_q" => current_q, "c_version" => current_v)?.lazy();
    Ok(answers
        .with_column(col(FORM_VERSION).cast(DataType::Int64))
        .join(
            known,
            [col(INSTRUMENT), col(FORM_VERSION)],
            [col("k_q"), col("k_v")],
            JoinArgs::new(JoinType::Left),
        )
        .join(
            current,
            [col(INSTRUMENT)],
            [col("c_q")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("k_version").is_null())
                .then(col("c_version"))
                .otherwise(col("k_version"))
                .alias(VERSION),
        ))
}

/// norm(v) of indicators.md, scaled before the division: one rounding, so each norm is the
/// number nearest to the exact fraction.
fn norm() -> Expr {
    (col(VALUE_NUM) - col("min")) * lit(100.0) / (col("max") - col("min"))
}

/// Per person, questionnaire, wave and competency: the score, null when fewer than half
/// of the competency's items are answered.
fn competency_scores(likert: LazyFrame) -> LazyFrame {
    likert
        .with_column(norm().alias("norm"))
        .group_by([
            col(MUNICIPALITY),
            col(SCHOOL_CODE),
            col(TERM),
            col("person"),
            col("anonymous"),
            col(INSTRUMENT),
            col(WAVE),
            col("competency"),
            col("direction"),
        ])
        .agg([
            exact_mean(col("norm")).alias("mean"),
            len().cast(DataType::Float64).alias("answered"),
            col("n_items").first().alias("n_items"),
        ])
        .with_column(
            when((col("answered") * lit(2.0)).gt_eq(col("n_items")))
                .then(col("mean"))
                .otherwise(lit(NULL))
                .alias("score"),
        )
}

/// Per person, questionnaire and wave: the index, mean of the non-null competency scores.
fn indexes(scores: LazyFrame) -> LazyFrame {
    scores
        .group_by([
            col(MUNICIPALITY),
            col(SCHOOL_CODE),
            col(TERM),
            col("person"),
            col("anonymous"),
            col(INSTRUMENT),
            col(WAVE),
        ])
        .agg([exact_mean(col("score")).alias("index")])
}

/// School competency scores of every wave of the school year, for start-versus-final
/// profiles: `school_code, instrument, wave, competency, direction, score`.
pub fn year_profiles(
    inputs: &Inputs,
    definitions: &Definitions,
) -> PolarsResult<Option<DataFrame>> {
    let Some(year) = answers(inputs, definitions)? else {
        return Ok(None);
    };
    let scores = competency_scores(year.filter(col("scale").eq(lit("likert"))));
    let by_wave = scores
        .group_by([
            col(SCHOOL_CODE),
            col(INSTRUMENT),
            col(WAVE),
            col("competency"),
            col("direction"),
        ])
        .agg([exact_mean(col("score")).alias("score")])
        .sort(
            [SCHOOL_CODE, INSTRUMENT, "competency", WAVE],
            SortMultipleOptions::default(),
        );
    Ok(Some(by_wave.collect()?))
}

/// Named persons' competency scores of every wave of the school year, for individual cards:
/// `school_code, term, person, instrument, wave, competency, direction, score` (non-null
/// scores only, the same as the `q_score` person rows of each wave's term).
pub fn person_scores(
    inputs: &Inputs,
    definitions: &Definitions,
) -> PolarsResult<Option<DataFrame>> {
    let Some(year) = answers(inputs, definitions)? else {
        return Ok(None);
    };
    let named = year.filter(col("anonymous").not().and(col("scale").eq(lit("likert"))));
    let scores = competency_scores(named)
        .filter(col("score").is_not_null())
        .select([
            col(SCHOOL_CODE),
            col(TERM),
            col("person"),
            col(INSTRUMENT),
            col(WAVE),
            col("competency"),
            col("direction"),
            col("score"),
        ]);
    Ok(Some(
        scores
            .sort(
                ["person", INSTRUMENT, "competency", TERM],
                SortMultipleOptions::default(),
            )
            .collect()?,
    ))
}

/// Named persons' answers to the items without a competency (choices, yes/no, free text) of
/// every wave of the school year, for individual cards: `school_code, term, person,
/// instrument, wave, item, scale, value_num, value_text`.
pub fn person_answers(
    inputs: &Inputs,
    definitions: &Definitions,
) -> PolarsResult<Option<DataFrame>> {
    let Some(year) = answers(inputs, definitions)? else {
        return Ok(None);
    };
    let answers = year
        .filter(col("anonymous").not().and(col("scale").neq(lit("likert"))))
        .select([
            col(SCHOOL_CODE),
            col(TERM),
            col("person"),
            col(INSTRUMENT),
            col(WAVE),
            col(ITEM),
            col("scale"),
            col(VALUE_NUM),
            col(VALUE_TEXT),
        ]);
    Ok(Some(answers.collect()?))
}

/// Every questionnaire indicator of the term (indicators.md, «Questionnaires»).
pub fn indicators(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    let Some(year) = answers(inputs, settings.definitions)? else {
        return Ok(Vec::new());
    };
    let year = shared(year)?;
    let term = &settings.term;
    let t = settings.thresholds;
    let answers = shared(of_term(year.clone(), term))?;
    let mut pieces = Vec::new();
    let qw = || path(vec![col(INSTRUMENT), col(WAVE)]);
    let qwc = || path(vec![col(INSTRUMENT), col(WAVE), col("competency")]);

    // Counted within a school's group, so the person key alone tells persons apart.
    let unique_person = col("person").n_unique();
    pieces.push(pooled(
        answers.clone(),
        term,
        qw(),
        Pool::total(unique_person),
        Indicator::QRespondents,
    ));

    let likert = answers.clone().filter(col("scale").eq(lit("likert")));
    let scores = shared(competency_scores(likert.clone()))?;
    let named = |lf: LazyFrame| lf.filter(col("anonymous").not());
    pieces.extend(inputs.person_rows(
        named(scores.clone()).filter(col("score").is_not_null()),
        term,
        qwc(),
        col("score"),
        Indicator::QScore,
    ));
    pieces.push(pooled(
        scores.clone(),
        term,
        qwc(),
        Pool::mean(col("score")),
        Indicator::QScore,
    ));
    let idx = shared(indexes(scores.clone()))?;
    pieces.extend(inputs.person_rows(
        named(idx.clone()).filter(col("index").is_not_null()),
        term,
        qw(),
        col("index"),
        Indicator::QIndex,
    ));
    pieces.push(pooled(
        idx,
        term,
        qw(),
        Pool::mean(col("index")),
        Indicator::QIndex,
    ));

    let better = scores.clone().filter(
        col("direction")
            .eq(lit("higher_better"))
            .and(col("score").is_not_null()),
    );
    let levels = LEVELS.map(|l| {
        let share = Pool::share(level(col("score"), t).eq(lit(l)));
        (Some(l), share, Indicator::QLevelPct)
    });
    pieces.extend(pooled_together(better, term, qwc(), levels.into())?);
    let worse = likert
        .filter(col("direction").eq(lit("higher_worse")))
        .with_column(norm().alias("norm"));
    pieces.push(pooled(
        worse,
        term,
        qwc(),
        Pool::share(comparable(col("norm")).gt_eq(lit(75.0))),
        Indicator::QDifficultyPct,
    ));

    pieces.extend(option_shares(answers.clone(), settings.definitions, term)?);
    let yesno = answers.filter(col("scale").eq(lit("yesno")));
    pieces.push(pooled(
        yesno,
        term,
        path(vec![col(INSTRUMENT), col(WAVE), col(ITEM)]),
        Pool::mean(col(VALUE_NUM)).times(100.0),
        Indicator::QYesPct,
    ));

    pieces.extend(progress(year, settings.definitions, term)?);
    Ok(pieces)
}

/// `q_option_pct`: every option of every choice and multi item, 0 included.
fn option_shares(
    answers: LazyFrame,
    definitions: &Definitions,
    term: &crate::schema::Term,
) -> PolarsResult<Vec<LazyFrame>> {
    let keys = [
        col(MUNICIPALITY),
        col(SCHOOL_CODE),
        col("person"),
        col(INSTRUMENT),
        col(VERSION),
        col(WAVE),
        col(ITEM),
    ];
    let choice = answers.filter(
        col("scale")
            .eq(lit("choice"))
            .or(col("scale").eq(lit("multi"))),
    );
    let respondents = choice
        .clone()
        .group_by(keys.clone())
        .agg([len().alias("n")]);
    let all_options = respondents.join(
        options_frame(definitions)?,
        [col(INSTRUMENT), col(VERSION), col(ITEM)],
        [col("o_q"), col("o_version"), col("o_item")],
        JoinArgs::new(JoinType::Inner),
    );
    let chosen = choice.select([
        col(SCHOOL_CODE).alias("c_school"),
        col("person").alias("c_person"),
        col(INSTRUMENT).alias("c_q"),
        col(WAVE).alias("c_wave"),
        col(ITEM).alias("c_item"),
        col(VALUE_TEXT).alias("c_option"),
        lit(true).alias("chosen"),
    ]);
    let marked = all_options
        .join(
            chosen,
            [
                col(SCHOOL_CODE),
                col("person"),
                col(INSTRUMENT),
                col(WAVE),
                col(ITEM),
                col("option"),
            ],
            [
                col("c_school"),
                col("c_person"),
                col("c_q"),
                col("c_wave"),
                col("c_item"),
                col("c_option"),
            ],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("chosen").fill_null(lit(false)));
    let group = path(vec![col(INSTRUMENT), col(WAVE), col(ITEM), col("option")]);
    Ok(vec![pooled(
        marked,
        term,
        group,
        Pool::share(col("chosen")),
        Indicator::QOptionPct,
    )])
}

/// Each person's start and final versions of a questionnaire: `school_code, person,
/// instrument, start_version, final_version` (the latest version where a wave was answered
/// twice).
fn wave_versions(answers: LazyFrame) -> LazyFrame {
    let of_wave = |w: Wave| col(VERSION).filter(col(WAVE).eq(lit(w.code()))).max();
    answers
        .group_by([col(SCHOOL_CODE), col("person"), col(INSTRUMENT)])
        .agg([
            of_wave(Wave::Start).alias("start_version"),
            of_wave(Wave::Final).alias("final_version"),
        ])
}

/// The answers of persons who answered both the start and the final wave, to the items the
/// two versions they answered have in common ([`comparable_items`]); each competency's
/// item count is that of the common items.
fn comparable_answers(answers: LazyFrame, definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let versions = wave_versions(answers.clone()).select([
        col(SCHOOL_CODE).alias("v_school"),
        col("person").alias("v_person"),
        col(INSTRUMENT).alias("v_q"),
        col("start_version"),
        col("final_version"),
    ]);
    Ok(answers
        .join(
            versions,
            [col(SCHOOL_CODE), col("person"), col(INSTRUMENT)],
            [col("v_school"), col("v_person"), col("v_q")],
            JoinArgs::new(JoinType::Inner),
        )
        .join(
            comparable_items(definitions)?.select([
                col("q"),
                col("q_version"),
                col("final_version").alias("p_final"),
                col("item_code"),
                col("n_items").alias("common_items"),
            ]),
            [
                col(INSTRUMENT),
                col("start_version"),
                col("final_version"),
                col(ITEM),
            ],
            [col("q"), col("q_version"), col("p_final"), col("item_code")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column(col("common_items").alias("n_items")))
}

/// For the report's note: each school's questionnaires whose start and final waves were
/// answered in different versions by persons compared in the term of `term`'s final wave:
/// `school_code, instrument, start_version, final_version` (each pair once, versions as text).
pub fn version_changes(
    inputs: &Inputs,
    definitions: &Definitions,
    term: &crate::schema::Term,
) -> PolarsResult<Option<DataFrame>> {
    let Some(year) = answers(inputs, definitions)? else {
        return Ok(None);
    };
    let named = year.filter(col("anonymous").not().and(col("scale").eq(lit("likert"))));
    let finals = of_term(named.clone(), term)
        .filter(col(WAVE).eq(lit(Wave::Final.code())))
        .select([
            col(SCHOOL_CODE).alias("f_school"),
            col("person").alias("f_person"),
        ])
        .unique(None, UniqueKeepStrategy::Any);
    let changed = wave_versions(named)
        .join(
            finals,
            [col(SCHOOL_CODE), col("person")],
            [col("f_school"), col("f_person")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col("start_version").neq(col("final_version")))
        .select([
            col(SCHOOL_CODE),
            col(INSTRUMENT),
            col("start_version").cast(DataType::String),
            col("final_version").cast(DataType::String),
        ])
        .unique(None, UniqueKeepStrategy::Any)
        .sort(
            [SCHOOL_CODE, INSTRUMENT, "start_version", "final_version"],
            SortMultipleOptions::default(),
        );
    Ok(Some(changed.collect()?))
}

/// Start-to-final progress of persons with both waves in the school year, shown in the
/// term of the final wave.
fn progress(
    year: LazyFrame,
    definitions: &Definitions,
    term: &crate::schema::Term,
) -> PolarsResult<Vec<LazyFrame>> {
    let named = year.filter(col("anonymous").not().and(col("scale").eq(lit("likert"))));
    let scores = shared(competency_scores(comparable_answers(named, definitions)?))?;
    let wave = |lf: LazyFrame, w: Wave, suffix: &str, value: &str| {
        lf.filter(col(WAVE).eq(lit(w.code()))).select([
            col(SCHOOL_CODE).alias(format!("school{suffix}")),
            col("person").alias(format!("person{suffix}")),
            col(INSTRUMENT).alias(format!("q{suffix}")),
            col("competency_key").alias(format!("c{suffix}")),
            col(value).alias(format!("v{suffix}")),
        ])
    };
    let mut pieces = Vec::new();
    // Competency scores, and the index under an empty competency key.
    let by_competency = scores
        .clone()
        .with_column(col("competency").alias("competency_key"));
    let by_index = indexes(scores)
        .with_column(lit("").alias("competency_key"))
        .rename(["index"], ["score"], true);
    for (lf, indicator_group) in [(by_competency, true), (by_index, false)] {
        let finals = of_term(lf.clone(), term).filter(col(WAVE).eq(lit(Wave::Final.code())));
        let start = wave(lf, Wave::Start, "_s", "score");
        let both = finals
            .join(
                start,
                [
                    col(SCHOOL_CODE),
                    col("person"),
                    col(INSTRUMENT),
                    col("competency_key"),
                ],
                [col("school_s"), col("person_s"), col("q_s"), col("c_s")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("score").is_not_null().and(col("v_s").is_not_null()))
            .with_column((col("score") - col("v_s")).alias("delta"));
        let group = if indicator_group {
            path(vec![
                col(INSTRUMENT),
                lit(Wave::Final.code()),
                col("competency_key"),
            ])
        } else {
            path(vec![col(INSTRUMENT), lit(Wave::Final.code())])
        };
        pieces.push(person(
            both.clone(),
            term,
            group.clone(),
            col("delta"),
            Indicator::QProgress,
        ));
        let mut pools = vec![(None, Pool::mean(col("delta")), Indicator::QProgress)];
        if !indicator_group {
            // Rose or fell in exact arithmetic: a person who gave the same answers twice, or
            // answers worth the same, has a delta of 0 (or a few units in the fifteenth digit).
            let delta = || comparable(col("delta"));
            pools.push((
                None,
                Pool::share(delta().gt(lit(0.0))),
                Indicator::QImprovedPct,
            ));
            pools.push((
                None,
                Pool::share(delta().lt(lit(0.0))),
                Indicator::QDeclinedPct,
            ));
        }
        pieces.extend(pooled_together(both, term, group, pools)?);
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    /// An answer of `person` (None: anonymous, row `row`) to `item` of `q`/`wave`.
    fn answer(
        school: &str,
        q: &str,
        wave: &str,
        person: Option<&str>,
        row: &str,
        item: &str,
        v: f64,
    ) -> Rec {
        let r = rec(school, "М1")
            .s("instrument", q)
            .s("wave", wave)
            .s("source_sha256", &format!("sha-{school}-{q}-{wave}"))
            .s("item", item)
            .f("value_num", v)
            .null_s("value_text");
        match person {
            Some(p) => r.s("respondent_id", p).s("respondent", p),
            None => r.null_s("respondent_id").s("respondent", row),
        }
    }

    fn text_answer(
        school: &str,
        q: &str,
        wave: &str,
        person: &str,
        item: &str,
        text: &str,
        v: Option<f64>,
    ) -> Rec {
        let r = answer(school, q, wave, Some(person), "", item, 0.0).s("value_text", text);
        match v {
            Some(v) => r.f("value_num", v),
            None => r.null_f("value_num"),
        }
    }

    fn competency_answers() -> Vec<Rec> {
        let tc = |p: &str, item: &str, v: f64| {
            answer("S", "tutor-competency", "start", Some(p), "", item, v)
        };
        vec![
            // A: К1 4, 3, (none) -> 2 of 3 answered: (100 + 66.67) / 2; К2 only 1 of 3 -> null; К3 2, 2, 2 -> 33.33.
            tc("A", "К1.1", 4.0),
            tc("A", "К1.2", 3.0),
            tc("A", "К2.1", 1.0),
            tc("A", "К3.1", 2.0),
            tc("A", "К3.2", 2.0),
            tc("A", "К3.3", 2.0),
            // B: К1 1, 1, 1 -> 0; К2 4, 4, 4 -> 100.
            tc("B", "К1.1", 1.0),
            tc("B", "К1.2", 1.0),
            tc("B", "К1.3", 1.0),
            tc("B", "К2.1", 4.0),
            tc("B", "К2.2", 4.0),
            tc("B", "К2.3", 4.0),
        ]
    }

    #[test]
    fn competency_scores_need_half_the_items_and_schools_average_persons() {
        let long = compute_with(Inputs {
            answers: Some(frame(&competency_answers())),
            ..empty_inputs()
        });
        let g = |c: &str| format!("tutor-competency/start/{c}");
        assert_close(
            value(&long, "person", "A", Indicator::QScore, &g("К1")),
            250.0 / 3.0,
        );
        assert_eq!(
            value(&long, "person", "A", Indicator::QScore, &g("К2")),
            None
        );
        assert_close(
            value(&long, "person", "A", Indicator::QScore, &g("К3")),
            100.0 / 3.0,
        );
        assert_close(
            value(
                &long,
                "person",
                "A",
                Indicator::QIndex,
                "tutor-competency/start",
            ),
            (250.0 / 3.0 + 100.0 / 3.0) / 2.0,
        );
        assert_eq!(
            value(
                &long,
                "person",
                "B",
                Indicator::QIndex,
                "tutor-competency/start"
            ),
            Some(50.0)
        );
        assert_close(
            value(&long, "school", "S", Indicator::QScore, &g("К1")),
            125.0 / 3.0,
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::QScore, &g("К2")),
            Some(100.0)
        );
        assert_close(
            value(
                &long,
                "school",
                "S",
                Indicator::QIndex,
                "tutor-competency/start",
            ),
            (175.0 / 3.0 + 50.0) / 2.0,
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QRespondents,
                "tutor-competency/start"
            ),
            Some(2.0)
        );
        // К1 levels: A 83.3 высокий, B 0 низкий; every level listed, 0 included.
        assert_eq!(
            value(&long, "school", "S", Indicator::QLevelPct, &g("К1/низкий")),
            Some(50.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::QLevelPct, &g("К1/средний")),
            Some(0.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::QLevelPct, &g("К1/высокий")),
            Some(50.0)
        );
        // К2: only B has a score.
        assert_eq!(
            value(&long, "school", "S", Indicator::QLevelPct, &g("К2/высокий")),
            Some(100.0)
        );
        // No progress without a final wave.
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QProgress,
                "tutor-competency/final"
            ),
            None
        );
    }

    #[test]
    fn progress_compares_final_with_start_of_the_same_persons_in_the_final_term() {
        let mut answers = competency_answers();
        let fin = |p: &str, item: &str, v: f64| {
            answer("S", "tutor-competency", "final", Some(p), "", item, v).term("Q4")
        };
        // A final: К1 4, 4, 4 -> 100 (start 83.33): +16.67; index 100 (start 58.33): +41.67.
        // B final: К1 1, 2, 1 -> 11.11 (start 0): +11.11; index 11.11 (start 50): -38.89.
        answers.extend([
            fin("A", "К1.1", 4.0),
            fin("A", "К1.2", 4.0),
            fin("A", "К1.3", 4.0),
            fin("B", "К1.1", 1.0),
            fin("B", "К1.2", 2.0),
            fin("B", "К1.3", 1.0),
        ]);
        let long = compute_for(
            Inputs {
                answers: Some(frame(&answers)),
                ..empty_inputs()
            },
            "2025/2026 Q4",
        );
        assert_close(
            value(
                &long,
                "person",
                "A",
                Indicator::QProgress,
                "tutor-competency/final/К1",
            ),
            100.0 - 250.0 / 3.0,
        );
        assert_close(
            value(
                &long,
                "person",
                "B",
                Indicator::QProgress,
                "tutor-competency/final/К1",
            ),
            100.0 / 9.0,
        );
        assert_close(
            value(
                &long,
                "school",
                "S",
                Indicator::QProgress,
                "tutor-competency/final/К1",
            ),
            (100.0 - 250.0 / 3.0 + 100.0 / 9.0) / 2.0,
        );
        assert_close(
            value(
                &long,
                "person",
                "A",
                Indicator::QProgress,
                "tutor-competency/final",
            ),
            100.0 - 175.0 / 3.0,
        );
        assert_close(
            value(
                &long,
                "person",
                "B",
                Indicator::QProgress,
                "tutor-competency/final",
            ),
            100.0 / 9.0 - 50.0,
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QImprovedPct,
                "tutor-competency/final"
            ),
            Some(50.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QDeclinedPct,
                "tutor-competency/final"
            ),
            Some(50.0)
        );
        // К2 has no final answers: no progress row.
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QProgress,
                "tutor-competency/final/К2"
            ),
            None
        );
        // The start wave belongs to Q1: nothing of it is reported in Q4.
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QIndex,
                "tutor-competency/start"
            ),
            None
        );
    }

    #[test]
    fn progress_between_two_versions_counts_only_the_items_both_share() {
        // Version 2 of tutor-competency drops К1.3 and puts К2.1 on 1-5; version 1 is kept.
        let mut definitions = crate::definitions::Definitions::shipped().unwrap();
        let v1 = definitions.get("tutor-competency").unwrap().clone();
        let mut v2 = v1.clone();
        v2.version = 2;
        v2.items.retain(|i| i.code != "К1.3");
        if let Some(item) = v2.items.iter_mut().find(|i| i.code == "К2.1") {
            item.max = Some(5);
        }
        definitions.keep(v1);
        definitions.add(v2);
        let tc = |wave: &str, version: i32, item: &str, v: f64| {
            let a = answer("S", "tutor-competency", wave, Some("A"), "", item, v).version(version);
            if wave == "final" { a.term("Q4") } else { a }
        };
        // Start (version 1, 1-4: 1 -> 0, 4 -> 100): the common items К1.1, К1.2, К2.2, К2.3
        // give К1 0 and К2 0; with К1.3 = 4 and К2.1 = 4 they would give 33.3 and 33.3.
        // Final (version 2): К1 100; К2.1 = 3 on 1-5 is 50, so К2 over all items is
        // (50 + 100 + 100) / 3, over the common ones 100.
        let rows = vec![
            tc("start", 1, "К1.1", 1.0),
            tc("start", 1, "К1.2", 1.0),
            tc("start", 1, "К1.3", 4.0),
            tc("start", 1, "К2.1", 4.0),
            tc("start", 1, "К2.2", 1.0),
            tc("start", 1, "К2.3", 1.0),
            tc("final", 2, "К1.1", 4.0),
            tc("final", 2, "К1.2", 4.0),
            tc("final", 2, "К2.1", 3.0),
            tc("final", 2, "К2.2", 4.0),
            tc("final", 2, "К2.3", 4.0),
        ];
        let long = compute_with_definitions(
            Inputs {
                answers: Some(frame(&rows)),
                ..empty_inputs()
            },
            "2025/2026 Q4",
            &definitions,
        );
        let g = |c: &str| format!("tutor-competency/final/{c}");
        assert_eq!(
            value(&long, "person", "A", Indicator::QProgress, &g("К1")),
            Some(100.0)
        );
        assert_eq!(
            value(&long, "person", "A", Indicator::QProgress, &g("К2")),
            Some(100.0)
        );
        assert_close(
            value(&long, "person", "A", Indicator::QScore, &g("К2")),
            250.0 / 3.0,
        );
    }

    #[test]
    fn an_index_equal_in_exact_arithmetic_neither_rose_nor_fell() {
        let tc = |p: &str, wave: &str, item: &str, v: f64| {
            let a = answer("S", "tutor-competency", wave, Some(p), "", item, v);
            if wave == "final" { a.term("Q4") } else { a }
        };
        let answers = |p: &str, wave: &str, k1: [f64; 3], k2: Option<[f64; 3]>| {
            let mut rows: Vec<Rec> = k1
                .iter()
                .enumerate()
                .map(|(i, v)| tc(p, wave, &format!("К1.{}", i + 1), *v))
                .collect();
            rows.extend(
                k2.into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, v)| tc(p, wave, &format!("К2.{}", i + 1), v)),
            );
            rows
        };
        let mut rows = Vec::new();
        // P: start К1 1,1,1 -> 0 and К2 4,4,4 -> 100: index 50. Final К1 2,1,1 -> 100/9 and
        // К2 4,4,3 -> 800/9: index (100/9 + 800/9) / 2 = 50 as well, though in floating
        // point 11.111111111111112 + 88.8888888888889 makes 50.00000000000001.
        rows.extend(answers(
            "P",
            "start",
            [1.0, 1.0, 1.0],
            Some([4.0, 4.0, 4.0]),
        ));
        rows.extend(answers(
            "P",
            "final",
            [2.0, 1.0, 1.0],
            Some([4.0, 4.0, 3.0]),
        ));
        // Q: К1 0 -> 100/9, rose. R: К1 2,2,2 -> 100/3, then 0: fell.
        rows.extend(answers("Q", "start", [1.0, 1.0, 1.0], None));
        rows.extend(answers("Q", "final", [2.0, 1.0, 1.0], None));
        rows.extend(answers("R", "start", [2.0, 2.0, 2.0], None));
        rows.extend(answers("R", "final", [1.0, 1.0, 1.0], None));
        let long = compute_for(
            Inputs {
                answers: Some(frame(&rows)),
                ..empty_inputs()
            },
            "2025/2026 Q4",
        );
        assert_close(
            value(
                &long,
                "person",
                "P",
                Indicator::QProgress,
                "tutor-competency/final",
            ),
            0.0,
        );
        // One of three rose, one fell, P neither.
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QImprovedPct,
                "tutor-competency/final"
            ),
            Some(100.0 / 3.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QDeclinedPct,
                "tutor-competency/final"
            ),
            Some(100.0 / 3.0)
        );
    }

    #[test]
    fn difficulty_shares_count_answers_and_yes_shares_include_anonymous_respondents() {
        let gia = |p: &str, item: &str, v: f64| {
            answer("S", "gia-difficulties", "start", Some(p), "", item, v)
        };
        let fb = |p: Option<&str>, row: &str, v: f64, yes: &str| {
            text_answer(
                "S",
                "tutor-feedback",
                "start",
                p.unwrap_or(row),
                "П1",
                yes,
                Some(v),
            )
            .s("respondent", row)
        };
        let mut rows = vec![
            gia("P1", "Д1", 5.0),
            gia("P1", "Д2", 4.0),
            gia("P2", "Д1", 2.0),
        ];
        rows.push(fb(Some("U1"), "U1", 1.0, "да"));
        rows.push(fb(Some("U2"), "U2", 0.0, "нет"));
        rows.push(fb(None, "#5", 1.0, "да").null_s("respondent_id"));
        let long = compute_with(Inputs {
            answers: Some(frame(&rows)),
            ..empty_inputs()
        });
        // Д1 answers: 5 -> 100, 2 -> 25: one of two is >= 75. Д2: 4 -> 75 counts.
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QDifficultyPct,
                "gia-difficulties/start/Д1"
            ),
            Some(50.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QDifficultyPct,
                "gia-difficulties/start/Д2"
            ),
            Some(100.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QLevelPct,
                "gia-difficulties/start/Д1/низкий"
            ),
            None
        );
        assert_close(
            value(
                &long,
                "school",
                "S",
                Indicator::QYesPct,
                "tutor-feedback/start/П1",
            ),
            200.0 / 3.0,
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QRespondents,
                "tutor-feedback/start"
            ),
            Some(3.0)
        );
    }

    #[test]
    fn option_shares_list_every_option_over_the_item_respondents() {
        let si = |p: &str, item: &str, option: &str| {
            text_answer("S", "student-interest", "start", p, item, option, None)
        };
        let rows = vec![
            si("U1", "И1", "спорт"),
            si("U1", "И1", "чтение"),
            si("U2", "И1", "спорт"),
            si("U3", "У1", "отлично"),
        ];
        let long = compute_with(Inputs {
            answers: Some(frame(&rows)),
            ..empty_inputs()
        });
        let g = |o: &str| format!("student-interest/start/И1/{o}");
        assert_eq!(
            value(&long, "school", "S", Indicator::QOptionPct, &g("спорт")),
            Some(100.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::QOptionPct, &g("чтение")),
            Some(50.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::QOptionPct, &g("музыка")),
            Some(0.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QOptionPct,
                "student-interest/start/У1/отлично"
            ),
            Some(100.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::QOptionPct,
                "student-interest/start/У1/хорошо"
            ),
            Some(0.0)
        );
    }
}
