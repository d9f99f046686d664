//! Attendance indicators (per term): rates, events, hours, the club norm (seed 001).

use polars::prelude::*;

use super::scope::{Pool, pooled, pooled_together, school_only};
use super::{
    Inputs, Settings, comparable, exact_part_columns, exact_part_names, exact_sum_of_parts,
    of_term, shared,
};
use crate::schema::column::{
    AUTHOR, EVENT_ID, HOURS, INDICATOR, KIND, MARK, MUNICIPALITY, PERSON_ID, SCHOOL_CODE, VALUE,
};
use crate::schema::{Indicator, Mark};

/// Event kinds that count as club meetings (seed 001: twice a month).
const CLUB_KINDS: [&str; 3] = ["заседание клуба", "семинар", "мастер-класс"];

/// The term's events, one row per (school, journal, event).
fn term_events(inputs: &Inputs, settings: &Settings) -> Option<LazyFrame> {
    Some(of_term(inputs.events.clone()?, &settings.term))
}

/// [`per_person`]'s events present, made on each mark (whether its person was present).
const PRESENT: &str = "present";

/// [`per_person`]'s hours present, made on each mark (its event's hours where its person was
/// present, else none) as [`exact_part_columns`].
const HOURS_PRESENT: &str = "hours_present";

/// Per person of the term: marks by kind, events present, hours present.
pub fn per_person(inputs: &Inputs, settings: &Settings) -> Option<LazyFrame> {
    let [whole_hours, billionths_hours] = exact_part_columns(HOURS);
    let events = term_events(inputs, settings)?.select([
        col(SCHOOL_CODE).alias("e_school"),
        col(AUTHOR).alias("e_author"),
        col(EVENT_ID).alias("e_id"),
        // Split once an event, not on each of its marks.
        whole_hours,
        billionths_hours,
    ]);
    let marks = of_term(inputs.attendance.clone()?, &settings.term);
    let joined = marks.join(
        events,
        [col(SCHOOL_CODE), col(AUTHOR), col(EVENT_ID)],
        [col("e_school"), col("e_author"), col("e_id")],
        JoinArgs::new(JoinType::Left),
    );
    // What the sums add up is made on each mark, so the group-by sums columns: made in it,
    // each expression was evaluated group by group.
    let present = col(MARK).eq(lit(Mark::Present.code()));
    let [whole, billionths] = exact_part_names(HOURS);
    let [whole_present, billionths_present] = exact_part_names(HOURS_PRESENT);
    let marked = joined.with_column(present.alias(PRESENT)).with_columns([
        col(PRESENT).cast(DataType::Float64),
        when(col(PRESENT))
            .then(col(whole))
            .otherwise(lit(0i64))
            .alias(whole_present),
        when(col(PRESENT))
            .then(col(billionths))
            .otherwise(lit(0i64))
            .alias(billionths_present),
    ]);
    Some(inputs.group_by_person(
        marked,
        vec![col(SCHOOL_CODE), col(PERSON_ID).alias("person")],
        vec![],
        vec![
            col(PRESENT).sum(),
            len().cast(DataType::Float64).alias("marked"),
            exact_sum_of_parts(HOURS_PRESENT).alias(HOURS_PRESENT),
        ],
    ))
}

pub(crate) fn indicators(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    let term = &settings.term;
    let mut pieces = Vec::new();
    if let Some(people) = per_person(inputs, settings) {
        let people = shared(people)?;
        let rate = col("present") * lit(100.0) / col("marked");
        pieces.extend(inputs.person_rows(
            people.clone(),
            term,
            lit(""),
            rate.clone(),
            Indicator::AttRate,
        ));
        pieces.extend(inputs.person_rows(
            people.clone(),
            term,
            lit(""),
            col("present"),
            Indicator::AttEvents,
        ));
        pieces.extend(inputs.person_rows(
            people.clone(),
            term,
            lit(""),
            col("hours_present"),
            Indicator::AttHours,
        ));
        pieces.extend(pooled_together(
            people,
            term,
            lit(""),
            vec![
                (
                    None,
                    Pool::ratio(col("present"), col("marked"), 100.0),
                    Indicator::AttRate,
                ),
                (
                    None,
                    Pool::share(comparable(rate).lt(lit(50.0))),
                    Indicator::AttLowPct,
                ),
            ],
        )?);
    }
    if let Some(events) = term_events(inputs, settings) {
        let events = shared(events.select([col(MUNICIPALITY), col(SCHOOL_CODE), col(KIND)]))?;
        pieces.push(pooled(
            events.clone(),
            term,
            col(KIND),
            Pool::count(),
            Indicator::Events,
        ));
        pieces.push(pooled(
            events.clone(),
            term,
            lit(""),
            Pool::count(),
            Indicator::Events,
        ));
        let is_club = CLUB_KINDS
            .iter()
            .fold(lit(false), |any, kind| any.or(col(KIND).eq(lit(*kind))));
        let per_month =
            is_club.cast(DataType::Float64).sum() / lit(term.period.month_count() as f64);
        let club = school_only(
            events,
            term,
            lit(""),
            per_month,
            Indicator::ClubMeetingsPerMonth,
        );
        let norm = club
            .clone()
            .with_column(
                comparable(col(VALUE))
                    .gt_eq(lit(2.0))
                    .cast(DataType::Float64)
                    .alias(VALUE),
            )
            .with_column(lit(Indicator::ClubNormMet.code()).alias(INDICATOR));
        pieces.push(club);
        pieces.push(norm);
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    fn event(school: &str, author: &str, id: &str, kind: &str, hours: f64) -> Rec {
        rec(school, "М1")
            .s("author", author)
            .s("event_id", id)
            .s("kind", kind)
            .f("hours", hours)
            .d("date", 2025, 9, 15)
    }

    fn mark(school: &str, author: &str, person: &str, event: &str, mark: &str) -> Rec {
        rec(school, "М1")
            .s("author", author)
            .s("person_id", person)
            .s("event_id", event)
            .s("mark", mark)
    }

    #[test]
    fn rates_are_pooled_marks_and_excused_marks_count_in_the_denominator() {
        let events = frame(&[
            event("A", "j1", "С1", "семинар", 2.0),
            event("A", "j1", "С2", "групповой тьюториал", 1.0),
            event("A", "j2", "С1", "заседание клуба", 1.5),
            event("B", "j1", "С1", "мастер-класс", 1.0),
        ]);
        let marks = frame(&[
            // P1 at A: present at j1/С1 (2 h) and j2/С1 (1.5 h), excused at j1/С2: 2 of 3.
            mark("A", "j1", "P1", "С1", "present"),
            mark("A", "j1", "P1", "С2", "excused"),
            mark("A", "j2", "P1", "С1", "present"),
            // P2 at A: absent, ill: 0 of 2.
            mark("A", "j1", "P2", "С1", "absent"),
            mark("A", "j1", "P2", "С2", "ill"),
            // P3 at B: present 1 of 1.
            mark("B", "j1", "P3", "С1", "present"),
        ]);
        let long = compute_with(Inputs {
            events: Some(events),
            attendance: Some(marks),
            ..empty_inputs()
        });
        assert_close(
            value(&long, "person", "P1", Indicator::AttRate, ""),
            200.0 / 3.0,
        );
        assert_eq!(
            value(&long, "person", "P1", Indicator::AttEvents, ""),
            Some(2.0)
        );
        assert_eq!(
            value(&long, "person", "P1", Indicator::AttHours, ""),
            Some(3.5)
        );
        assert_eq!(
            value(&long, "person", "P2", Indicator::AttRate, ""),
            Some(0.0)
        );
        // School A pooled: 2 present of 5 marks = 40 %, not the mean of 66.7 and 0.
        assert_eq!(
            value(&long, "school", "A", Indicator::AttRate, ""),
            Some(40.0)
        );
        // Region: 3 of 6 = 50 %.
        assert_eq!(
            value(&long, "region", "", Indicator::AttRate, ""),
            Some(50.0)
        );
        // Persons below 50 %: A has P2 of 2 = 50 %; region 1 of 3.
        assert_eq!(
            value(&long, "school", "A", Indicator::AttLowPct, ""),
            Some(50.0)
        );
        assert_close(
            value(&long, "region", "", Indicator::AttLowPct, ""),
            100.0 / 3.0,
        );
        // Events: A has 3 (one per kind), B 1; region 4.
        assert_eq!(
            value(&long, "school", "A", Indicator::Events, ""),
            Some(3.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::Events, "семинар"),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::Events, "мастер-класс"),
            None
        );
        assert_eq!(value(&long, "region", "", Indicator::Events, ""), Some(4.0));
        // Club meetings in Q1 (2 months): A has семинар + заседание клуба = 2 / 2 = 1 a month.
        assert_eq!(
            value(&long, "school", "A", Indicator::ClubMeetingsPerMonth, ""),
            Some(1.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::ClubNormMet, ""),
            Some(0.0)
        );
        assert_eq!(
            value(&long, "region", "", Indicator::ClubMeetingsPerMonth, ""),
            None
        );
    }

    #[test]
    fn the_club_norm_is_met_at_two_meetings_a_month() {
        let events = frame(&[
            event("A", "j", "1", "семинар", 1.0),
            event("A", "j", "2", "мастер-класс", 1.0),
            event("A", "j", "3", "заседание клуба", 1.0),
            event("A", "j", "4", "заседание клуба", 1.0),
        ]);
        let long = compute_with(Inputs {
            events: Some(events),
            ..empty_inputs()
        });
        assert_eq!(
            value(&long, "school", "A", Indicator::ClubMeetingsPerMonth, ""),
            Some(2.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::ClubNormMet, ""),
            Some(1.0)
        );
    }
}
