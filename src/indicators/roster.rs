//! Roster indicators (per school and school year; the latest roster received wins).

use polars::prelude::*;

use super::scope::{Pool, pooled, pooled_together};
use super::{Inputs, Settings, keep_max, latest, period_rank_expr};
use crate::schema::column::{AUTHOR, ID, MUNICIPALITY, ROLE, SCHOOL_CODE, TUTOR_ID};
use crate::schema::{Indicator, Role};

/// The school year's roster: per author the latest term's file, then per person the
/// latest file; with `valid_tutor` saying whether `tutor_id` names a tutor of the school.
pub fn current(roster: LazyFrame) -> PolarsResult<LazyFrame> {
    let by_author = keep_max(
        roster.with_column(period_rank_expr().alias("rank")),
        "rank",
        &[SCHOOL_CODE, AUTHOR],
    )?;
    let people = latest(
        latest(by_author, &[SCHOOL_CODE, AUTHOR])?,
        &[SCHOOL_CODE, ID],
    )?;
    Ok(with_tutors(people))
}

/// [`current`] of the roster of `inputs`: where each school's roster came in one file
/// ([`Inputs::one_roster_file_a_school`]), every row (a school's rows have one rank and one
/// `seq`, so each window keeps them all), without computing the windows.
fn current_of(inputs: &Inputs, roster: LazyFrame) -> PolarsResult<LazyFrame> {
    if inputs.one_roster_file_a_school {
        Ok(with_tutors(roster))
    } else {
        current(roster)
    }
}

/// `people` with `valid_tutor` saying whether their `tutor_id` names a tutor of the school.
fn with_tutors(people: LazyFrame) -> LazyFrame {
    let tutors = people
        .clone()
        .filter(col(ROLE).eq(lit(Role::Tutor.code())))
        .select([
            col(SCHOOL_CODE).alias("t_school"),
            col(ID).alias("t_id"),
            lit(true).alias("valid_tutor"),
        ]);
    people
        .join(
            tutors,
            [col(SCHOOL_CODE), col(TUTOR_ID)],
            [col("t_school"), col("t_id")],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(col("valid_tutor").fill_null(lit(false)))
}

pub(crate) fn indicators(inputs: &Inputs, settings: &Settings) -> PolarsResult<Vec<LazyFrame>> {
    let Some(roster) = inputs.roster.clone() else {
        return Ok(Vec::new());
    };
    let term = &settings.term;
    let people = super::shared(current_of(inputs, roster)?.select([
        col(MUNICIPALITY),
        col(SCHOOL_CODE),
        col(ROLE),
        col("valid_tutor"),
    ]))?;
    let mut pieces = Vec::new();
    pieces.push(pooled(
        people.clone(),
        term,
        col(ROLE),
        Pool::count(),
        Indicator::Participants,
    ));
    let per_tutor = Pool::ratio(
        col("valid_tutor"),
        col(ROLE).eq(lit(Role::Tutor.code())),
        1.0,
    );
    pieces.extend(pooled_together(
        people.clone(),
        term,
        lit(""),
        vec![
            (None, Pool::count(), Indicator::Participants),
            (None, per_tutor, Indicator::TutorantsPerTutor),
        ],
    )?);
    let mentors = people.filter(col(ROLE).eq(lit(Role::Mentor.code())));
    pieces.push(pooled(
        mentors,
        term,
        lit(""),
        Pool::share(col("valid_tutor")),
        Indicator::MentorsWithTutorPct,
    ));
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    #[test]
    fn counts_roles_and_tutor_links_pooled_over_schools() {
        // School A: 1 tutor, 2 mentors (one linked), 2 students (one linked, one to a mentor).
        // School B: 2 tutors, 1 mentor linked, 1 student linked.
        let roster = frame(&[
            roster_row("A", "М1", "T1", "тьютор", None),
            roster_row("A", "М1", "N1", "наставник", Some("T1")),
            roster_row("A", "М1", "N2", "наставник", None),
            roster_row("A", "М1", "S1", "обучающийся", Some("T1")),
            roster_row("A", "М1", "S2", "обучающийся", Some("N1")),
            roster_row("B", "М1", "T1", "тьютор", None),
            roster_row("B", "М1", "T2", "тьютор", None),
            roster_row("B", "М1", "N1", "наставник", Some("T2")),
            roster_row("B", "М1", "S1", "обучающийся", Some("T1")),
        ]);
        let long = compute_with(Inputs {
            roster: Some(roster),
            ..empty_inputs()
        });
        assert_eq!(
            value(&long, "school", "A", Indicator::Participants, ""),
            Some(5.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::Participants, "наставник"),
            Some(2.0)
        );
        assert_eq!(
            value(&long, "school", "A", Indicator::Participants, "педагог"),
            None
        );
        assert_eq!(
            value(&long, "region", "", Indicator::Participants, ""),
            Some(9.0)
        );
        // A: 1 of 2 mentors linked = 50 %; B: 1 of 1 = 100 %; region pooled: 2 of 3.
        assert_eq!(
            value(&long, "school", "A", Indicator::MentorsWithTutorPct, ""),
            Some(50.0)
        );
        assert_eq!(
            value(&long, "school", "B", Indicator::MentorsWithTutorPct, ""),
            Some(100.0)
        );
        assert_close(
            value(&long, "region", "", Indicator::MentorsWithTutorPct, ""),
            200.0 / 3.0,
        );
        // A: 2 valid links / 1 tutor; B: 2 / 2; region: 4 / 3.
        assert_eq!(
            value(&long, "school", "A", Indicator::TutorantsPerTutor, ""),
            Some(2.0)
        );
        assert_eq!(
            value(&long, "school", "B", Indicator::TutorantsPerTutor, ""),
            Some(1.0)
        );
        assert_close(
            value(
                &long,
                "municipality",
                "М1",
                Indicator::TutorantsPerTutor,
                "",
            ),
            4.0 / 3.0,
        );
    }
}
