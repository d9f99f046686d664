//! Property tests: for random schools, municipalities and records, wider scopes equal a
//! recomputation from the person records (pooled, not mean of means), computing school by
//! school gives the same table as computing all at once, counts sum across categories,
//! shares lie in 0..100, and the order of the records changes no digit of any value.

use std::collections::BTreeMap;

use polars::prelude::*;
use proptest::prelude::*;

use super::testing::*;

const MARKS: [&str; 4] = ["present", "absent", "excused", "ill"];
const ROLES: [&str; 4] = ["наставник", "тьютор", "педагог", "обучающийся"];

/// (school index, municipality index, person index, mark index) per mark, and a role per person.
fn marks_strategy() -> impl Strategy<Value = Vec<(usize, usize, usize, usize)>> {
    prop::collection::vec((0..4usize, 0..2usize, 0..6usize, 0..4usize), 1..60)
}

fn school(s: usize, m: usize) -> (String, String) {
    // A school belongs to one municipality: school 0 and 1 in М0, 2 and 3 in М1 unless `m` moves it.
    (format!("S{s}"), format!("М{}", (s / 2 + m) % 2))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn wider_attendance_rates_are_pooled_over_person_records(marks in marks_strategy(), shift in 0..2usize) {
        let mut records = Vec::new();
        let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        let mut region = (0.0, 0.0);
        for (i, (s, _, p, m)) in marks.iter().enumerate() {
            let (code, muni) = school(*s, shift);
            records.push(rec(&code, &muni).s("person_id", &format!("P{p}")).s("event_id", &format!("E{i}")).s("mark", MARKS[*m]));
            let present = if *m == 0 { 1.0 } else { 0.0 };
            let e = sums.entry(muni).or_default();
            e.0 += present;
            e.1 += 1.0;
            region.0 += present;
            region.1 += 1.0;
        }
        let events: Vec<Rec> = (0..marks.len()).flat_map(|i| (0..4).map(move |s| (i, s))).map(|(i, s)| {
            let (code, muni) = school(s, shift);
            rec(&code, &muni).s("event_id", &format!("E{i}")).s("kind", "семинар").f("hours", 1.0).d("date", 2025, 9, 10)
        }).collect();
        let inputs = Inputs { attendance: Some(frame(&records)), events: Some(frame(&events)), ..empty_inputs() };
        let long = compute_with(inputs.clone());
        assert_same_rows(&long, &compute_by_school(inputs, &["S0", "S1", "S2", "S3"]));
        for (muni, (present, all)) in &sums {
            assert_close(value(&long, "municipality", muni, Indicator::AttRate, ""), present / all * 100.0);
        }
        assert_close(value(&long, "region", "", Indicator::AttRate, ""), region.0 / region.1 * 100.0);
        assert_shares_are_percentages(&long);
    }

    #[test]
    fn role_counts_sum_to_the_total_and_levels_to_one_hundred(people in prop::collection::vec((0..4usize, 0..4usize, 0..5u32), 1..40)) {
        let roster: Vec<Rec> = people.iter().enumerate().map(|(i, (s, r, _))| {
            let (code, muni) = school(*s, 0);
            roster_row(&code, &muni, &format!("P{i}"), ROLES[*r], None)
        }).collect();
        let tasks: Vec<Rec> = (0..4).map(|s| {
            let (code, muni) = school(s, 0);
            rec(&code, &muni).s("instrument", "Д").s("wave", "start").s("task", "1").f("max_score", 4.0).s("topic_code", "Т1").s("topic", "Т")
        }).collect();
        let scores: Vec<Rec> = people.iter().enumerate().map(|(i, (s, _, points))| {
            let (code, muni) = school(*s, 0);
            rec(&code, &muni).s("instrument", "Д").s("wave", "start").s("person_id", &format!("P{i}")).s("task", "1").f("points", f64::from(*points).min(4.0))
        }).collect();
        let inputs = Inputs { roster: Some(frame(&roster)), diag_tasks: Some(frame(&tasks)), diag_results: Some(frame(&scores)), ..empty_inputs() };
        let long = compute_with(inputs.clone());
        assert_same_rows(&long, &compute_by_school(inputs, &["S0", "S1", "S2", "S3"]));
        let rows = long.clone().lazy().filter(col("scope").neq(lit("person"))).collect().unwrap();
        let sum_by = |indicator: &str, total_group: Option<&str>| -> BTreeMap<(String, String, String), (f64, f64)> {
            let mut out: BTreeMap<(String, String, String), (f64, f64)> = BTreeMap::new();
            let ind = rows.column("indicator").unwrap().str().unwrap();
            let grp = rows.column("group").unwrap().str().unwrap();
            let sc = rows.column("scope").unwrap().str().unwrap();
            let mu = rows.column("municipality").unwrap().str().unwrap();
            let scc = rows.column("school_code").unwrap().str().unwrap();
            let val = rows.column("value").unwrap().f64().unwrap();
            for i in 0..rows.height() {
                if ind.get(i) != Some(indicator) { continue }
                let key = (sc.get(i).unwrap().to_string(), mu.get(i).unwrap().to_string(), scc.get(i).unwrap().to_string());
                let e = out.entry(key).or_default();
                if Some(grp.get(i).unwrap()) == total_group { e.1 += val.get(i).unwrap() } else { e.0 += val.get(i).unwrap() }
            }
            out
        };
        for (key, (parts, total)) in sum_by("participants", Some("")) {
            prop_assert!((parts - total).abs() < 1e-9, "{key:?}: roles {parts} != total {total}");
        }
        for (key, (levels, _)) in sum_by("d_level_pct", None) {
            prop_assert!((levels - 100.0).abs() < 1e-9, "{key:?}: levels sum to {levels}");
        }
        assert_shares_are_percentages(&long);
    }
}

/// Items of `tutor-competency` (scale 1..4, three per competency).
const ITEMS: [&str; 15] = [
    "К1.1", "К1.2", "К1.3", "К2.1", "К2.2", "К2.3", "К3.1", "К3.2", "К3.3", "К4.1", "К4.2", "К4.3",
    "К5.1", "К5.2", "К5.3",
];

/// Typed numbers whose float sums depend on the order of addition (0.1 + 0.2 + 0.7 is not 0.7 + 0.2 + 0.1).
const TYPED: [f64; 5] = [0.1, 0.2, 0.7, 1.3, 2.0];

/// Questionnaire answers in both waves (start in Q1, final in Q4), diagnostic results and
/// attendance with fractional points and hours, by (school, person, wave or task, item or
/// event, value).
fn records(
    answers: &[(usize, usize, usize, usize, u32)],
    results: &[(usize, usize, usize, usize)],
) -> Inputs {
    let answer_rows: Vec<Rec> = answers
        .iter()
        .map(|(s, p, w, i, v)| {
            let (code, muni) = school(*s, 0);
            let r = rec(&code, &muni)
                .s("instrument", "tutor-competency")
                .s("source_sha256", "sha")
                .s("respondent_id", &format!("P{p}"));
            let r = r
                .s("respondent", &format!("P{p}"))
                .s("item", ITEMS[*i])
                .f("value_num", f64::from(*v))
                .null_s("value_text");
            if *w == 0 {
                r.s("wave", "start")
            } else {
                r.s("wave", "final").term("Q4")
            }
        })
        .collect();
    let task = |s: usize, t: usize| {
        let (code, muni) = school(s, 0);
        rec(&code, &muni)
            .s("instrument", "Д")
            .s("wave", "final")
            .s("task", &format!("{t}"))
            .f("max_score", 2.5)
            .s("topic_code", "Т1")
            .s("topic", "Т")
            .term("Q4")
    };
    let tasks: Vec<Rec> = (0..4)
        .flat_map(|s| (0..3).map(move |t| (s, t)))
        .map(|(s, t)| task(s, t))
        .collect();
    let scores: Vec<Rec> = results
        .iter()
        .map(|(s, p, t, v)| {
            let (code, muni) = school(*s, 0);
            let r = rec(&code, &muni)
                .s("instrument", "Д")
                .s("wave", "final")
                .s("person_id", &format!("P{p}"))
                .s("task", &format!("{t}"));
            r.f("points", TYPED[*v]).term("Q4")
        })
        .collect();
    let events: Vec<Rec> = results
        .iter()
        .enumerate()
        .map(|(i, (s, _, _, v))| {
            let (code, muni) = school(*s, 0);
            rec(&code, &muni)
                .s("event_id", &format!("E{i}"))
                .s("kind", "семинар")
                .f("hours", TYPED[*v])
                .d("date", 2026, 4, 10)
                .term("Q4")
        })
        .collect();
    let marks: Vec<Rec> = results
        .iter()
        .enumerate()
        .map(|(i, (s, p, _, _))| {
            let (code, muni) = school(*s, 0);
            rec(&code, &muni)
                .s("person_id", &format!("P{p}"))
                .s("event_id", &format!("E{i}"))
                .s("mark", "present")
                .term("Q4")
        })
        .collect();
    Inputs {
        answers: Some(frame(&answer_rows)),
        diag_tasks: Some(frame(&tasks)),
        diag_results: Some(frame(&scores)),
        events: Some(frame(&events)),
        attendance: Some(frame(&marks)),
        ..empty_inputs()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every value is a function of the records, not of the order in which the store, joins
    /// and threads deliver them: the same records reversed and rotated give the same bytes.
    #[test]
    fn the_order_of_the_records_changes_no_digit(
        answers in prop::collection::vec((0..4usize, 0..4usize, 0..2usize, 0..15usize, 1..5u32), 1..80),
        results in prop::collection::vec((0..4usize, 0..5usize, 0..3usize, 0..5usize), 1..30),
        turn in 0..80usize,
    ) {
        let table = |inputs: Inputs| super::super::report::csv::frame_to_csv(&compute_for(inputs, "2025/2026 Q4")).unwrap();
        let first = table(records(&answers, &results));
        let second = table(records(&shuffled(&answers, turn), &shuffled(&results, turn)));
        prop_assert!(first == second, "{}\n---\n{}", String::from_utf8_lossy(&first), String::from_utf8_lossy(&second));
    }
}

/// `items` reversed, then rotated left by `turn`.
fn shuffled<T: Clone>(items: &[T], turn: usize) -> Vec<T> {
    let mut items: Vec<T> = items.iter().rev().cloned().collect();
    let n = items.len();
    items.rotate_left(turn % n);
    items
}

/// The two long tables have the same rows in the same order, values equal to 1e-9.
fn assert_same_rows(all_at_once: &DataFrame, by_school: &DataFrame) {
    assert_eq!(
        all_at_once.height(),
        by_school.height(),
        "{all_at_once}\n{by_school}"
    );
    for name in super::COLUMNS {
        let (a, b) = (
            all_at_once.column(name).unwrap(),
            by_school.column(name).unwrap(),
        );
        if name == "value" {
            for (x, y) in a.f64().unwrap().iter().zip(b.f64().unwrap().iter()) {
                assert!((x.unwrap() - y.unwrap()).abs() < 1e-9, "{x:?} != {y:?}");
            }
        } else {
            assert_eq!(
                a.str().unwrap().iter().collect::<Vec<_>>(),
                b.str().unwrap().iter().collect::<Vec<_>>(),
                "column {name}"
            );
        }
    }
}

/// Every `_pct` and `_rate` value lies in 0..100.
fn assert_shares_are_percentages(long: &DataFrame) {
    let ind = long.column("indicator").unwrap().str().unwrap();
    let val = long.column("value").unwrap().f64().unwrap();
    for (i, v) in ind.iter().zip(val.iter()) {
        let (Some(i), Some(v)) = (i, v) else { continue };
        if i.ends_with("_pct") || i.ends_with("_rate") {
            assert!((0.0..=100.0).contains(&v), "{i} = {v}");
        }
    }
}
