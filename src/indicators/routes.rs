//! Route indicators (per term): items, completion, overdue items and achievements. A route
//! workbook holds each person's whole route as of its term, and a term's indicators come
//! only from the route workbooks submitted for that term (indicators.md, «Routes»): a route
//! of an earlier term is not carried forward, its statuses being stale.

use polars::prelude::*;

use super::scope::{Pool, pooled, pooled_together};
use super::{Inputs, Settings, of_term, shared};
use crate::schema::column::{DUE, ID, LEVEL, MUNICIPALITY, RESULT, SCHOOL_CODE, STATUS, TERM};
use crate::schema::{Indicator, RouteResult, Status};

/// The route items of the term's route workbooks, with `done`, `due` and `achievement`;
/// where two authors list the same person, the later file wins (workflow.md).
pub fn items(inputs: &Inputs, settings: &Settings) -> PolarsResult<Option<LazyFrame>> {
    let Some(route) = inputs.route.clone() else {
        return Ok(None);
    };
    let term = &settings.term;
    // The term's rows: keyed by term too, which names the one term they are of.
    let current = inputs.latest(of_term(route, term), &[SCHOOL_CODE, TERM, ID])?;
    let due = col(DUE)
        .cast(DataType::Int32)
        .lt_eq(lit(crate::forms::epoch_days(term.end())));
    Ok(Some(
        current.with_columns([
            col(ID).alias("person"),
            col(STATUS).eq(lit(Status::Done.code())).alias("done"),
            due.alias("due_now"),
            col(RESULT)
                .eq(lit(RouteResult::Prize.code()))
                .or(col(RESULT).eq(lit(RouteResult::Win.code())))
                .fill_null(lit(false))
                .alias("achievement"),
        ]),
    ))
}

pub(crate) fn indicators(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    let Some(items) = items(inputs, settings)? else {
        return Ok(Vec::new());
    };
    let term = &settings.term;
    let f = |e: Expr| e.cast(DataType::Float64);
    // Only the columns read below are materialised.
    let counted = items.select([
        col(MUNICIPALITY),
        col(SCHOOL_CODE),
        col("person"),
        col(LEVEL),
        col("achievement"),
        f(col("done")).alias("n_done"),
        f(col("due_now").or(col("done"))).alias("n_counted"),
        f(col("due_now").and(col(STATUS).eq(lit(Status::Planned.code())))).alias("n_overdue"),
        f(col("achievement")).alias("n_achievements"),
    ]);
    let counted = shared(counted)?;
    let people = inputs.group_by_school(
        counted.clone(),
        vec![col(SCHOOL_CODE), col("person")],
        vec![
            len().cast(DataType::Float64).alias("items"),
            col("n_done").sum(),
            col("n_counted").sum(),
            col("n_overdue").sum(),
            col("n_achievements").sum(),
        ],
    );
    let people = shared(people)?;
    let mut pieces: Vec<LazyFrame> = [
        (col("items"), Indicator::RItems),
        (
            col("n_done") * lit(100.0) / col("n_counted"),
            Indicator::RDonePct,
        ),
        (col("n_overdue"), Indicator::ROverdue),
        (col("n_achievements"), Indicator::RAchievements),
    ]
    .into_iter()
    .filter_map(|(value, indicator)| {
        inputs.person_rows(people.clone(), term, lit(""), value, indicator)
    })
    .collect();
    pieces.extend(pooled_together(
        counted.clone(),
        term,
        lit(""),
        vec![
            (None, Pool::count(), Indicator::RItems),
            (
                None,
                Pool::ratio(col("n_done"), col("n_counted"), 100.0),
                Indicator::RDonePct,
            ),
            (
                None,
                Pool::total(col("n_overdue").sum()),
                Indicator::ROverdue,
            ),
            (
                None,
                Pool::total(col("n_achievements").sum()),
                Indicator::RAchievements,
            ),
        ],
    )?);
    let achieved = counted.filter(col("achievement"));
    pieces.extend(
        inputs.person_rows(
            achieved
                .clone()
                .group_by([
                    col(MUNICIPALITY),
                    col(SCHOOL_CODE),
                    col("person"),
                    col(LEVEL),
                ])
                .agg([len().alias("n")]),
            term,
            col(LEVEL),
            col("n"),
            Indicator::RAchievements,
        ),
    );
    pieces.push(pooled(
        achieved,
        term,
        col(LEVEL),
        Pool::count(),
        Indicator::RAchievements,
    ));
    pieces.push(pooled(
        people,
        term,
        lit(""),
        Pool::share(col("n_achievements").gt_eq(lit(1.0))),
        Indicator::ROwnersWithAchievementPct,
    ));
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::super::testing::*;

    fn item(
        person: &str,
        due: (i32, u32, u32),
        status: &str,
        result: Option<&str>,
        level: &str,
    ) -> Rec {
        let r = rec("S", "М1")
            .s("id", person)
            .s("goal", "цель")
            .s("activity", &format!("{person}-{due:?}"))
            .s("level", level)
            .d("due", due.0, due.1, due.2)
            .s("status", status);
        match result {
            Some(x) => r.s("result", x),
            None => r.null_s("result"),
        }
    }

    fn routes() -> Vec<Rec> {
        let mut all = q1_routes();
        // R1's Q4 route: one item, done. It replaces the Q1 route in Q4, not before.
        all.push(
            item("R1", (2026, 4, 1), "выполнено", Some("участие"), "школьный")
                .term("Q4")
                .seq(2),
        );
        all
    }

    fn q1_routes() -> Vec<Rec> {
        vec![
            // R1 in Q1 (ends 31.10.2025): done and due (призёр); due, still planned (overdue);
            // done though not yet due (победитель, counted); planned, not due (not counted).
            item(
                "R1",
                (2025, 10, 15),
                "выполнено",
                Some("призёр"),
                "школьный",
            ),
            item("R1", (2025, 10, 20), "запланировано", None, "школьный"),
            item(
                "R1",
                (2025, 12, 1),
                "выполнено",
                Some("победитель"),
                "муниципальный",
            ),
            item("R1", (2026, 3, 1), "запланировано", None, "региональный"),
            // R2: due, not done.
            item("R2", (2025, 9, 30), "не выполнено", None, "школьный"),
        ]
    }

    #[test]
    fn completion_counts_due_items_and_items_done_early() {
        let long = compute_with(Inputs {
            route: Some(frame(&routes())),
            ..empty_inputs()
        });
        assert_eq!(
            value(&long, "person", "R1", Indicator::RItems, ""),
            Some(4.0)
        );
        assert_close(
            value(&long, "person", "R1", Indicator::RDonePct, ""),
            200.0 / 3.0,
        );
        assert_eq!(
            value(&long, "person", "R1", Indicator::ROverdue, ""),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "person", "R1", Indicator::RAchievements, ""),
            Some(2.0)
        );
        assert_eq!(
            value(
                &long,
                "person",
                "R1",
                Indicator::RAchievements,
                "муниципальный"
            ),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "person", "R2", Indicator::RDonePct, ""),
            Some(0.0)
        );
        assert_eq!(
            value(&long, "person", "R2", Indicator::RAchievements, ""),
            Some(0.0)
        );
        // School pooled: 2 done of 4 counted.
        assert_eq!(
            value(&long, "school", "S", Indicator::RItems, ""),
            Some(5.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::RDonePct, ""),
            Some(50.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::RAchievements, ""),
            Some(2.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::RAchievements, "школьный"),
            Some(1.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::RAchievements,
                "региональный"
            ),
            None
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::ROwnersWithAchievementPct,
                ""
            ),
            Some(50.0)
        );
    }

    #[test]
    fn a_term_counts_only_the_routes_sent_for_it() {
        let long = compute_for(
            Inputs {
                route: Some(frame(&routes())),
                ..empty_inputs()
            },
            "2025/2026 Q4",
        );
        assert_eq!(
            value(&long, "person", "R1", Indicator::RItems, ""),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "person", "R1", Indicator::RDonePct, ""),
            Some(100.0)
        );
        // R2's route came in Q1 only: its stale «не выполнено» item is not counted in Q4.
        assert_eq!(value(&long, "person", "R2", Indicator::RItems, ""), None);
        assert_eq!(
            value(&long, "school", "S", Indicator::RItems, ""),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::RDonePct, ""),
            Some(100.0)
        );
        assert_eq!(
            value(&long, "school", "S", Indicator::ROverdue, ""),
            Some(0.0)
        );
    }

    #[test]
    fn a_school_without_routes_in_the_term_has_no_route_rows_and_misses_the_form() {
        // Q1 routes only; Q4 has the roster (of the year) and an attendance journal.
        let roster = vec![
            roster_row("S", "М1", "R1", "обучающийся", None),
            roster_row("S", "М1", "R2", "обучающийся", None),
        ];
        let event = rec("S", "М1")
            .s("event_id", "С1")
            .s("kind", "семинар")
            .f("hours", 1.0)
            .d("date", 2026, 4, 10)
            .term("Q4");
        let mark = rec("S", "М1")
            .s("person_id", "R1")
            .s("event_id", "С1")
            .s("mark", "present")
            .term("Q4");
        let inputs = Inputs {
            route: Some(frame(&q1_routes())),
            roster: Some(frame(&roster)),
            events: Some(frame(&[event])),
            attendance: Some(frame(&[mark])),
            ..empty_inputs()
        };
        let long = compute_for(inputs, "2025/2026 Q4");
        let routes = long
            .clone()
            .lazy()
            .filter(col("indicator").str().starts_with(lit("r_")))
            .collect()
            .unwrap();
        assert_eq!(routes.height(), 0, "{routes}");
        // Expected roster, attendance, route: two of three received.
        assert_eq!(
            value(&long, "school", "S", Indicator::FormsReceived, ""),
            Some(2.0)
        );
        assert_close(
            value(&long, "school", "S", Indicator::CompletenessPct, ""),
            200.0 / 3.0,
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::SupportFlag,
                Indicator::CompletenessPct.code()
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &long,
                "school",
                "S",
                Indicator::SupportFlag,
                Indicator::RDonePct.code()
            ),
            None
        );
    }
}
