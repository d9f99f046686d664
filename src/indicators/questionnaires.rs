//! Questionnaire indicators (per questionnaire and wave): competency scores and levels,
//! difficulty shares, option distributions, yes shares and start-to-final progress.

use polars::prelude::*;

use super::scope::{path, person, pooled, share};
use super::{Inputs, LEVELS, Settings, latest, level, of_term};
use crate::definitions::{Definitions, Direction, Scale};

/// Item metadata of every known questionnaire as a frame: scale, competency, bounds,
/// direction, and how many likert items the competency has.
fn items_frame(definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let (mut q, mut item, mut scale, mut competency, mut min, mut max, mut direction, mut n_items) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for def in definitions.all() {
        for it in &def.items {
            q.push(def.code.clone());
            item.push(it.code.clone());
            scale.push(format!("{:?}", it.scale).to_lowercase());
            competency.push(it.competency.clone());
            min.push(it.min.map(|v| v as f64));
            max.push(it.max.map(|v| v as f64));
            direction.push(def.direction.map(|d| if d == Direction::HigherWorse { "higher_worse" } else { "higher_better" }));
            let same =
                def.items.iter().filter(|o| o.scale == Scale::Likert && o.competency.is_some() && o.competency == it.competency).count();
            n_items.push(same as f64);
        }
    }
    Ok(df!(
        "q" => q, "item_code" => item, "scale" => scale, "competency" => competency,
        "min" => min, "max" => max, "direction" => direction, "n_items" => n_items
    )?
    .lazy())
}

/// (questionnaire, item, option) for every choice and multi item.
fn options_frame(definitions: &Definitions) -> PolarsResult<LazyFrame> {
    let (mut q, mut item, mut option) = (vec![], vec![], vec![]);
    for def in definitions.all() {
        for it in def.items.iter().filter(|i| matches!(i.scale, Scale::Choice | Scale::Multi)) {
            for o in &it.options {
                q.push(def.code.clone());
                item.push(it.code.clone());
                option.push(o.clone());
            }
        }
    }
    Ok(df!("o_q" => q, "o_item" => item, "option" => option)?.lazy())
}

/// The year's answers with a person key (anonymous respondents get one unique to their
/// file and row) and item metadata; the latest file wins per person, questionnaire and wave.
fn answers(inputs: &Inputs, definitions: &Definitions) -> PolarsResult<Option<LazyFrame>> {
    let Some(answers) = inputs.answers.clone() else { return Ok(None) };
    let keyed = answers.with_columns([
        col("respondent_id").is_null().alias("anonymous"),
        when(col("respondent_id").is_null())
            .then(concat_str([col("source_sha256"), col("respondent")], "#", false))
            .otherwise(col("respondent_id"))
            .alias("person"),
    ]);
    let latest_per_person = latest(keyed, &["school_code", "term", "instrument", "wave", "person"])?;
    Ok(Some(latest_per_person.join(
        items_frame(definitions)?,
        [col("instrument"), col("item")],
        [col("q"), col("item_code")],
        JoinArgs::new(JoinType::Inner),
    )))
}

/// Per person, questionnaire, wave and competency: the score, null when fewer than half
/// of the competency's items are answered.
fn competency_scores(likert: LazyFrame) -> LazyFrame {
    let norm = (col("value_num") - col("min")) / (col("max") - col("min")) * lit(100.0);
    likert
        .with_column(norm.alias("norm"))
        .group_by([
            col("municipality"),
            col("school_code"),
            col("term"),
            col("person"),
            col("anonymous"),
            col("instrument"),
            col("wave"),
            col("competency"),
            col("direction"),
        ])
        .agg([col("norm").mean().alias("mean"), len().cast(DataType::Float64).alias("answered"), col("n_items").first().alias("n_items")])
        .with_column(when((col("answered") * lit(2.0)).gt_eq(col("n_items"))).then(col("mean")).otherwise(lit(NULL)).alias("score"))
}

/// Per person, questionnaire and wave: the index, mean of the non-null competency scores.
fn indexes(scores: LazyFrame) -> LazyFrame {
    scores
        .group_by([col("municipality"), col("school_code"), col("term"), col("person"), col("anonymous"), col("instrument"), col("wave")])
        .agg([col("score").mean().alias("index")])
}

pub fn indicators(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    let Some(year) = answers(inputs, settings.definitions)? else { return Ok(Vec::new()) };
    let term = &settings.term;
    let t = settings.thresholds;
    let answers = of_term(year.clone(), term);
    let mut pieces = Vec::new();
    let qw = || path(vec![col("instrument"), col("wave")]);
    let qwc = || path(vec![col("instrument"), col("wave"), col("competency")]);

    let unique_person = concat_str([col("school_code"), col("person")], "|", false).n_unique();
    pieces.extend(pooled(answers.clone(), term, qw(), unique_person, "q_respondents"));

    let likert = answers.clone().filter(col("scale").eq(lit("likert")));
    let scores = competency_scores(likert.clone());
    let named = |lf: LazyFrame| lf.filter(col("anonymous").not());
    pieces.push(person(named(scores.clone()).filter(col("score").is_not_null()), term, qwc(), col("score"), "q_score"));
    pieces.extend(pooled(scores.clone(), term, qwc(), col("score").mean(), "q_score"));
    let idx = indexes(scores.clone());
    pieces.push(person(named(idx.clone()).filter(col("index").is_not_null()), term, qw(), col("index"), "q_index"));
    pieces.extend(pooled(idx, term, qw(), col("index").mean(), "q_index"));

    let better = scores.clone().filter(col("direction").eq(lit("higher_better")).and(col("score").is_not_null()));
    for l in LEVELS {
        let group = path(vec![col("instrument"), col("wave"), col("competency"), lit(l)]);
        pieces.extend(pooled(better.clone(), term, group, share(level(col("score"), t).eq(lit(l))), "q_level_pct"));
    }
    let worse = likert
        .filter(col("direction").eq(lit("higher_worse")))
        .with_column(((col("value_num") - col("min")) / (col("max") - col("min")) * lit(100.0)).alias("norm"));
    pieces.extend(pooled(worse, term, qwc(), share(col("norm").gt_eq(lit(75.0))), "q_difficulty_pct"));

    pieces.extend(option_shares(answers.clone(), settings.definitions, term)?);
    let yesno = answers.filter(col("scale").eq(lit("yesno")));
    pieces.extend(pooled(
        yesno,
        term,
        path(vec![col("instrument"), col("wave"), col("item")]),
        col("value_num").mean() * lit(100.0),
        "q_yes_pct",
    ));

    pieces.extend(progress(year, term)?);
    Ok(pieces)
}

/// `q_option_pct`: every option of every choice and multi item, 0 included.
fn option_shares(answers: LazyFrame, definitions: &Definitions, term: &crate::read::values::Term) -> PolarsResult<Vec<LazyFrame>> {
    let keys = [col("municipality"), col("school_code"), col("person"), col("instrument"), col("wave"), col("item")];
    let choice = answers.filter(col("scale").eq(lit("choice")).or(col("scale").eq(lit("multi"))));
    let respondents = choice.clone().group_by(keys.clone()).agg([len().alias("n")]);
    let all_options = respondents.join(
        options_frame(definitions)?,
        [col("instrument"), col("item")],
        [col("o_q"), col("o_item")],
        JoinArgs::new(JoinType::Inner),
    );
    let chosen = choice.select([
        col("school_code").alias("c_school"),
        col("person").alias("c_person"),
        col("instrument").alias("c_q"),
        col("wave").alias("c_wave"),
        col("item").alias("c_item"),
        col("value_text").alias("c_option"),
        lit(true).alias("chosen"),
    ]);
    let marked = all_options
        .join(
            chosen,
            [col("school_code"), col("person"), col("instrument"), col("wave"), col("item"), col("option")],
            [col("c_school"), col("c_person"), col("c_q"), col("c_wave"), col("c_item"), col("c_option")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("chosen").fill_null(lit(false)));
    let group = path(vec![col("instrument"), col("wave"), col("item"), col("option")]);
    Ok(pooled(marked, term, group, share(col("chosen")), "q_option_pct"))
}

/// Start-to-final progress of persons with both waves in the school year, shown in the
/// term of the final wave.
fn progress(year: LazyFrame, term: &crate::read::values::Term) -> PolarsResult<Vec<LazyFrame>> {
    let named = year.filter(col("anonymous").not().and(col("scale").eq(lit("likert"))));
    let scores = competency_scores(named);
    let wave = |lf: LazyFrame, w: &str, suffix: &str, value: &str| {
        lf.filter(col("wave").eq(lit(w))).select([
            col("school_code").alias(format!("school{suffix}")),
            col("person").alias(format!("person{suffix}")),
            col("instrument").alias(format!("q{suffix}")),
            col("competency_key").alias(format!("c{suffix}")),
            col(value).alias(format!("v{suffix}")),
        ])
    };
    let mut pieces = Vec::new();
    // Competency scores, and the index under an empty competency key.
    let by_competency = scores.clone().with_column(col("competency").alias("competency_key"));
    let by_index = indexes(scores).with_column(lit("").alias("competency_key")).rename(["index"], ["score"], true);
    for (lf, indicator_group) in [(by_competency, true), (by_index, false)] {
        let finals = of_term(lf.clone(), term).filter(col("wave").eq(lit("final")));
        let start = wave(lf, "start", "_s", "score");
        let both = finals
            .join(
                start,
                [col("school_code"), col("person"), col("instrument"), col("competency_key")],
                [col("school_s"), col("person_s"), col("q_s"), col("c_s")],
                JoinArgs::new(JoinType::Inner),
            )
            .filter(col("score").is_not_null().and(col("v_s").is_not_null()))
            .with_column((col("score") - col("v_s")).alias("delta"));
        let group = if indicator_group {
            path(vec![col("instrument"), lit("final"), col("competency_key")])
        } else {
            path(vec![col("instrument"), lit("final")])
        };
        pieces.push(person(both.clone(), term, group.clone(), col("delta"), "q_progress"));
        pieces.extend(pooled(both.clone(), term, group.clone(), col("delta").mean(), "q_progress"));
        if !indicator_group {
            pieces.extend(pooled(both.clone(), term, group.clone(), share(col("delta").gt(lit(0.0))), "q_improved_pct"));
            pieces.extend(pooled(both, term, group, share(col("delta").lt(lit(0.0))), "q_declined_pct"));
        }
    }
    Ok(pieces)
}
