//! Diagnostic indicators (per diagnostic name and wave): participation, percent of the
//! maximum, levels, task and topic results, deficits and start-to-final progress.

use polars::prelude::*;

use super::scope::{Pool, path, person, pooled, pooled_together};
use super::{
    Inputs, LEVELS, PERSON_KEY, Settings, comparable, exact_part_columns, exact_part_names,
    exact_sum_of_parts, latest, level, of_term, shared,
};
use crate::schema::column::{
    INSTRUMENT, MAX_SCORE, MUNICIPALITY, PERIOD, PERSON_ID, POINTS, SCHOOL_CODE, TASK, TERM, TOPIC,
    TOPIC_CODE, WAVE,
};
use crate::schema::{Indicator, Wave};

/// The topic names of every school's diagnostics in the school year, for the outputs a
/// person reads: `school_code, instrument, topic_code, topic` (one name a topic code, the
/// latest file's).
pub fn topic_names(inputs: &Inputs) -> PolarsResult<Option<DataFrame>> {
    let Some(tasks) = inputs.diag_tasks.clone() else {
        return Ok(None);
    };
    let named = latest(tasks, &[SCHOOL_CODE, INSTRUMENT, TOPIC_CODE])?
        .filter(col(TOPIC).is_not_null().and(col(TOPIC).neq(lit(""))))
        .select([
            col(SCHOOL_CODE),
            col(INSTRUMENT),
            col(TOPIC_CODE),
            col(TOPIC),
        ])
        .unique_stable(
            Some(cols([SCHOOL_CODE, INSTRUMENT, TOPIC_CODE])),
            UniqueKeepStrategy::First,
        )
        .sort(
            [SCHOOL_CODE, INSTRUMENT, TOPIC_CODE],
            SortMultipleOptions::default(),
        );
    Ok(Some(named.collect()?))
}

/// The year's scores joined with their tasks: one row per person and task, the latest
/// file winning per person (several class teachers may send the same diagnostic). Only the
/// columns the diagnostic indicators read are kept (each filter of the rows gathers them).
pub fn scored(inputs: &Inputs) -> PolarsResult<Option<LazyFrame>> {
    let (Some(results), Some(tasks)) = (inputs.diag_results.clone(), inputs.diag_tasks.clone())
    else {
        return Ok(None);
    };
    let results = inputs.latest(results, &[SCHOOL_CODE, TERM, INSTRUMENT, WAVE, PERSON_ID])?;
    // The scores' sums per person and per topic add up the parts of the points and the
    // maxima, split here once a row (a task's maximum once a task).
    let [whole_max, billionths_max] = exact_part_columns(MAX_SCORE);
    let tasks = inputs
        .latest(tasks, &[SCHOOL_CODE, TERM, INSTRUMENT, WAVE, TASK])?
        .select([
            col(SCHOOL_CODE).alias("t_school"),
            col(TERM).alias("t_term"),
            col(INSTRUMENT).alias("t_instrument"),
            col(WAVE).alias("t_wave"),
            col(TASK).alias("t_task"),
            col(MAX_SCORE),
            whole_max,
            billionths_max,
            col(TOPIC_CODE),
            col(TOPIC),
        ]);
    let mut columns = vec![
        col(MUNICIPALITY),
        col(SCHOOL_CODE),
        col(TERM),
        col(PERIOD),
        col(PERSON_ID).alias("person"),
        col(INSTRUMENT),
        col(WAVE),
        col(TASK),
        col(POINTS),
        col(MAX_SCORE),
        col(TOPIC_CODE),
        col(TOPIC),
    ];
    columns.extend(exact_part_columns(POINTS));
    columns.extend(exact_part_names(MAX_SCORE).map(col));
    if inputs.keyed {
        columns.push(col(PERSON_KEY));
    }
    Ok(Some(
        results
            .join(
                tasks,
                [
                    col(SCHOOL_CODE),
                    col(TERM),
                    col(INSTRUMENT),
                    col(WAVE),
                    col(TASK),
                ],
                [
                    col("t_school"),
                    col("t_term"),
                    col("t_instrument"),
                    col("t_wave"),
                    col("t_task"),
                ],
                JoinArgs::new(JoinType::Inner),
            )
            .select(columns),
    ))
}

/// Per person, diagnostic and wave: points, maximum, and whether the person took part, from
/// [`scored`] rows of `inputs`.
pub fn per_person(inputs: &Inputs, scored: LazyFrame) -> LazyFrame {
    let texts = vec![
        col(SCHOOL_CODE),
        col(TERM),
        col(PERIOD),
        col("person"),
        col(INSTRUMENT),
        col(WAVE),
    ];
    let sums = vec![
        exact_sum_of_parts(POINTS).alias("score"),
        exact_sum_of_parts(MAX_SCORE).alias("max_total"),
        col(POINTS).is_not_null().any(true).alias("present"),
    ];
    inputs
        .group_by_person(scored, texts, vec![], sums)
        .with_column((col("score") * lit(100.0) / col("max_total")).alias("pct"))
}

/// Per participant, diagnostic, wave and topic: percent of the topic's maximum, from
/// [`scored`] rows of `inputs`. A person's key names the period too: one with the term,
/// which [`Inputs::keyed`] checks.
pub fn per_topic(inputs: &Inputs, scored: LazyFrame) -> LazyFrame {
    let texts = vec![
        col(SCHOOL_CODE),
        col(TERM),
        col("person"),
        col(INSTRUMENT),
        col(WAVE),
    ];
    let topic = vec![
        col(TOPIC).first().alias(TOPIC),
        (exact_sum_of_parts(POINTS) * lit(100.0) / exact_sum_of_parts(MAX_SCORE))
            .alias("topic_pct"),
    ];
    inputs.group_by_person(
        scored.filter(col(POINTS).is_not_null()),
        texts,
        vec![col(TOPIC_CODE)],
        topic,
    )
}

/// The diagnostic indicators from the year's [`scored`] rows of `inputs` and their sums per person
/// ([`per_person`]), both materialised once by the caller (the support flags read the
/// sums too). A person's sums are those of one term (the term is one of their keys), so the
/// term's are the year's of that term.
pub fn indicators(
    inputs: &Inputs,
    year: &LazyFrame,
    year_people: &LazyFrame,
    settings: &Settings,
) -> PolarsResult<Vec<LazyFrame>> {
    let term = &settings.term;
    let scored = shared(of_term(year.clone(), term))?;
    let dw = || path(vec![col(INSTRUMENT), col(WAVE)]);
    let mut pieces = Vec::new();

    let people = shared(of_term(year_people.clone(), term))?;
    pieces.extend(pooled_together(
        people.clone(),
        term,
        dw(),
        vec![
            (
                None,
                Pool::total(col("present").cast(DataType::Float64).sum()),
                Indicator::DParticipants,
            ),
            (
                None,
                Pool::total(col("present").not().cast(DataType::Float64).sum()),
                Indicator::DAbsent,
            ),
        ],
    )?);
    let participants = people.filter(col("present"));
    pieces.extend(inputs.person_rows(
        participants.clone(),
        term,
        dw(),
        col("score"),
        Indicator::DScore,
    ));
    pieces.extend(inputs.person_rows(
        participants.clone(),
        term,
        dw(),
        col("pct"),
        Indicator::DPct,
    ));
    let mut pools = vec![(None, Pool::mean(col("pct")), Indicator::DPct)];
    pools.extend(LEVELS.map(|l| {
        let share = Pool::share(level(col("pct"), settings.thresholds).eq(lit(l)));
        (Some(l), share, Indicator::DLevelPct)
    }));
    pieces.extend(pooled_together(participants, term, dw(), pools)?);

    let task_pct = col(POINTS) * lit(100.0) / col(MAX_SCORE);
    let tasks = scored.clone().filter(col(POINTS).is_not_null());
    pieces.push(pooled(
        tasks,
        term,
        path(vec![col(INSTRUMENT), col(WAVE), col(TASK)]),
        Pool::mean(task_pct),
        Indicator::DTaskPct,
    ));

    let topics = shared(per_topic(inputs, scored))?;
    let dwt = || path(vec![col(INSTRUMENT), col(WAVE), col(TOPIC_CODE)]);
    pieces.extend(inputs.person_rows(
        topics.clone(),
        term,
        dwt(),
        col("topic_pct"),
        Indicator::DTopicPct,
    ));
    pieces.extend(pooled_together(
        topics,
        term,
        dwt(),
        vec![
            (None, Pool::mean(col("topic_pct")), Indicator::DTopicPct),
            (
                None,
                Pool::share(comparable(col("topic_pct")).lt(lit(50.0))),
                Indicator::DDeficitPct,
            ),
        ],
    )?);

    pieces.extend(progress(year_people.clone(), term));
    Ok(pieces)
}

/// `d_progress`: final minus start percent of persons with both, in the final wave's term,
/// from the year's sums per person.
fn progress(year_people: LazyFrame, term: &crate::schema::Term) -> Vec<LazyFrame> {
    let people = year_people.filter(col("present"));
    let finals = of_term(people.clone(), term).filter(col(WAVE).eq(lit(Wave::Final.code())));
    let start = people
        .filter(col(WAVE).eq(lit(Wave::Start.code())))
        .select([
            col(SCHOOL_CODE).alias("s_school"),
            col("person").alias("s_person"),
            col(INSTRUMENT).alias("s_instrument"),
            col("pct").alias("start_pct"),
        ]);
    let both = finals
        .join(
            start,
            [col(SCHOOL_CODE), col("person"), col(INSTRUMENT)],
            [col("s_school"), col("s_person"), col("s_instrument")],
            JoinArgs::new(JoinType::Inner),
        )
        .with_column((col("pct") - col("start_pct")).alias("delta"));
    let group = path(vec![col(INSTRUMENT), lit(Wave::Final.code())]);
    let mut pieces = vec![person(
        both.clone(),
        term,
        group.clone(),
        col("delta"),
        Indicator::DProgress,
    )];
    pieces.push(pooled(
        both,
        term,
        group,
        Pool::mean(col("delta")),
        Indicator::DProgress,
    ));
    pieces
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn task(wave: &str, n: &str, max: f64, topic: &str) -> Rec {
        rec("S", "М1")
            .s("instrument", "ОГЭ математика")
            .s("wave", wave)
            .s("task", n)
            .f("max_score", max)
            .s("topic_code", topic)
            .s("topic", &format!("Тема {topic}"))
    }

    fn score(wave: &str, person: &str, n: &str, points: Option<f64>) -> Rec {
        let r = rec("S", "М1")
            .s("instrument", "ОГЭ математика")
            .s("wave", wave)
            .s("person_id", person)
            .s("task", n);
        match points {
            Some(p) => r.f("points", p),
            None => r.null_f("points"),
        }
    }

    /// Tasks 1 (max 1, Т1), 2 (max 2, Т1), 3 (max 2, Т2). X: 1, 2, 0. Y: 0, 1, 1. W: 0, 0, 0. Z absent.
    fn start_wave() -> (Vec<Rec>, Vec<Rec>) {
        let tasks = vec![
            task("start", "1", 1.0, "Т1"),
            task("start", "2", 2.0, "Т1"),
            task("start", "3", 2.0, "Т2"),
        ];
        let mut scores = Vec::new();
        for (person, points) in [
            ("X", [Some(1.0), Some(2.0), Some(0.0)]),
            ("Y", [Some(0.0), Some(1.0), Some(1.0)]),
            ("W", [Some(0.0); 3]),
            ("Z", [None; 3]),
        ] {
            for (n, p) in ["1", "2", "3"].iter().zip(points) {
                scores.push(score("start", person, n, p));
            }
        }
        (tasks, scores)
    }

    #[test]
    fn diagnostic_results_by_person_task_and_topic() {
        let (tasks, scores) = start_wave();
        let inputs = Inputs {
            diag_tasks: Some(frame(&tasks)),
            diag_results: Some(frame(&scores)),
            ..empty_inputs()
        };
        let long = compute_with(inputs.clone());
        let g = |s: &str| {
            if s.is_empty() {
                "ОГЭ математика/start".to_string()
            } else {
                format!("ОГЭ математика/start/{s}")
            }
        };
        assert_eq!(
            value(&long, "school", "S", Indicator::DParticipants, &g("")),
            Some(3.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::DAbsent, &g("")),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "person", "X", Indicator::DScore, &g("")),
            Some(3.0)
        );
        assert_eq!(
            value(&long, "person", "X", Indicator::DPct, &g("")),
            Some(60.0)
        );
        assert_eq!(value(&long, "person", "Z", Indicator::DPct, &g("")), None);
        // Mean over participants: (60 + 40 + 0) / 3; the absent Z is not a 0.
        assert_close(
            value(&long, "school", "S", Indicator::DPct, &g("")),
            100.0 / 3.0,
        );
        assert_close(
            value(&long, "school", "S", Indicator::DLevelPct, &g("низкий")),
            200.0 / 3.0,
        );
        assert_close(
            value(&long, "school", "S", Indicator::DLevelPct, &g("средний")),
            100.0 / 3.0,
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::DLevelPct, &g("высокий")),
            Some(0.0)
        );
        assert_close(
            value(&long, "school", "S", Indicator::DTaskPct, &g("1")),
            100.0 / 3.0,
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::DTaskPct, &g("2")),
            Some(50.0)
        );
        assert_close(
            value(&long, "school", "S", Indicator::DTaskPct, &g("3")),
            50.0 / 3.0,
        );
        assert_close(
            value(&long, "person", "Y", Indicator::DTopicPct, &g("Т1")),
            100.0 / 3.0,
        );
        assert_close(
            value(&long, "school", "S", Indicator::DTopicPct, &g("Т1")),
            (100.0 + 100.0 / 3.0) / 3.0,
        );
        assert_close(
            value(&long, "school", "S", Indicator::DDeficitPct, &g("Т1")),
            200.0 / 3.0,
        );
        assert_close(
            value(&long, "school", "S", Indicator::DDeficitPct, &g("Т2")),
            200.0 / 3.0,
        );
    }

    #[test]
    fn recommended_groups_gather_participants_below_half_on_a_topic() {
        let (tasks, scores) = start_wave();
        let inputs = Inputs {
            diag_tasks: Some(frame(&tasks)),
            diag_results: Some(frame(&scores)),
            ..empty_inputs()
        };
        let groups = recommended_groups(inputs);
        // Т1: Y (33.3) and W (0); Т2: X (0) and W (0). Y has 50 on Т2: not below half.
        assert_eq!(
            groups,
            vec![
                ("Т1".to_string(), "W".to_string()),
                ("Т1".into(), "Y".into()),
                ("Т2".into(), "W".into()),
                ("Т2".into(), "X".into())
            ]
        );
    }

    #[test]
    fn progress_is_final_minus_start_for_persons_with_both_waves() {
        let (mut tasks, mut scores) = start_wave();
        tasks.extend(
            ["1", "2", "3"]
                .iter()
                .zip([1.0, 2.0, 2.0])
                .map(|(n, m)| task("final", n, m, "Т1").term("Q4")),
        );
        // X: 1, 2, 2 -> 100 (start 60). Y absent in the final wave: no progress.
        scores.extend(
            ["1", "2", "3"]
                .iter()
                .zip([1.0, 2.0, 2.0])
                .map(|(n, p)| score("final", "X", n, Some(p)).term("Q4")),
        );
        scores.extend(
            ["1", "2", "3"]
                .iter()
                .map(|n| score("final", "Y", n, None).term("Q4")),
        );
        let inputs = Inputs {
            diag_tasks: Some(frame(&tasks)),
            diag_results: Some(frame(&scores)),
            ..empty_inputs()
        };
        let long = compute_for(inputs, "2025/2026 Q4");
        assert_eq!(
            value(
                &long,
                "person",
                "X",
                Indicator::DProgress,
                "ОГЭ математика/final"
            ),
            Some(40.0)
        );
        assert_eq!(
            value(
                &long,
                "person",
                "Y",
                Indicator::DProgress,
                "ОГЭ математика/final"
            ),
            None
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::DProgress,
                "ОГЭ математика/final"
            ),
            Some(40.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::DAbsent,
                "ОГЭ математика/final"
            ),
            Some(1.0)
        );
    }
}
