//! The region in figures for the centre report (reports.md «Centre report», #18):
//! reporting completeness by municipality, each key indicator's distribution of schools with
//! every school's rank and the weakest schools named, a page of figures per municipality,
//! and the diagnostics' levels and deficit topics. Plain data selected from the report
//! model; a suppressed figure was taken out of the model when it was built
//! ([`crate::privacy::suppress`]), so nothing here can carry one: it is at most a
//! [`Shown::Suppressed`] mark. Renderers only lay these out.

use std::collections::HashMap;

use polars::prelude::*;

use super::model::ReportModel;
use super::view::centre::{CentreView, Reporting, Shown, school_cell, unit_cell};
use crate::frame::{numbers, strings};
use crate::indicators::{LEVELS, comparable_value};
use crate::register::RegisteredSchool;
use crate::schema::{Indicator, Scope};

/// How many of the weakest schools each distribution names.
pub const WEAKEST: usize = 10;

/// How many deficit topics the diagnostics section lists.
pub const DEFICIT_TOPICS: usize = 10;

/// How a registered school reported in the term: each school is counted once, missing
/// forms first (a late school that still misses a form is missing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every expected form, by the deadline (or with no deadline set).
    OnTime,
    /// Every expected form, some after the deadline.
    Late,
    /// Some expected form, or everything, not received.
    Missing,
}

impl Status {
    /// How a school reported.
    pub fn of(r: &Reporting) -> Status {
        if r.received == 0 || r.received < r.expected {
            Status::Missing
        } else if r.late.is_some() {
            Status::Late
        } else {
            Status::OnTime
        }
    }
}

/// Reporting of one municipality's registered schools.
#[derive(Debug, Clone)]
pub struct Completeness {
    /// The municipality as the register names it.
    pub municipality: String,
    /// Schools with every form by the deadline ([`Status::OnTime`]).
    pub on_time: usize,
    /// Schools with every form, some late ([`Status::Late`]).
    pub late: usize,
    /// Schools missing forms or everything ([`Status::Missing`]).
    pub missing: usize,
    /// Schools that sent something (every form or not).
    pub reporting: usize,
    /// Schools missing forms, with the forms in words (empty when the school sent nothing).
    pub missing_schools: Vec<(RegisteredSchool, Vec<String>)>,
    /// Schools whose data arrived after the deadline, with the arrival date.
    pub late_schools: Vec<(RegisteredSchool, String)>,
}

impl Completeness {
    /// A municipality of the register where no school sent anything.
    pub fn none_reporting(&self) -> bool {
        self.reporting == 0
    }
}

/// Reporting completeness by municipality, in the order of `municipalities`.
pub fn completeness(reporting: &[Reporting], municipalities: &[String]) -> Vec<Completeness> {
    municipalities
        .iter()
        .map(|m| {
            let mut c = Completeness {
                municipality: m.clone(),
                on_time: 0,
                late: 0,
                missing: 0,
                reporting: 0,
                missing_schools: Vec::new(),
                late_schools: Vec::new(),
            };
            for r in reporting.iter().filter(|r| r.school.municipality == *m) {
                match Status::of(r) {
                    Status::OnTime => c.on_time += 1,
                    Status::Late => c.late += 1,
                    Status::Missing => c.missing += 1,
                }
                if r.received > 0 {
                    c.reporting += 1;
                }
                if Status::of(r) == Status::Missing {
                    let forms = if r.received == 0 {
                        Vec::new()
                    } else {
                        r.missing.clone()
                    };
                    c.missing_schools.push((r.school.clone(), forms));
                }
                if let Some(date) = &r.late {
                    c.late_schools.push((r.school.clone(), date.clone()));
                }
            }
            c
        })
        .collect()
}

/// A school's place in a distribution: rank 1 is the best; schools with equal figures
/// (compared as the indicators compare, [`comparable_value`]) share a rank.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// The school as the register names it.
    pub school: RegisteredSchool,
    /// Its shown figure.
    pub value: f64,
    /// Its place, 1 the best.
    pub rank: usize,
}

/// Ranks schools' figures, best first: the highest first when `higher_better`, else the
/// lowest; equal figures share the better rank (1, 2, 2, 4) and are listed by code.
pub fn rank(mut figures: Vec<(RegisteredSchool, f64)>, higher_better: bool) -> Vec<Ranked> {
    let key = |v: f64| {
        if higher_better {
            -comparable_value(v)
        } else {
            comparable_value(v)
        }
    };
    figures.sort_by(|(a, x), (b, y)| key(*x).total_cmp(&key(*y)).then(a.code.cmp(&b.code)));
    let mut ranked: Vec<Ranked> = Vec::with_capacity(figures.len());
    for (i, (school, value)) in figures.into_iter().enumerate() {
        let rank = match ranked.last() {
            Some(last) if key(last.value) == key(value) => last.rank,
            _ => i + 1,
        };
        ranked.push(Ranked {
            school,
            value,
            rank,
        });
    }
    ranked
}

/// Five numbers of a box plot: minimum, lower quartile, median, upper quartile, maximum
/// (quartiles interpolated between ranks, as Excel's QUARTILE.INC).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quartiles {
    /// The smallest value.
    pub min: f64,
    /// The lower quartile.
    pub q1: f64,
    /// The median.
    pub median: f64,
    /// The upper quartile.
    pub q3: f64,
    /// The largest value.
    pub max: f64,
}

impl Quartiles {
    /// Of values sorted ascending; `None` when there are none.
    pub fn of(sorted: &[f64]) -> Option<Quartiles> {
        let at = |p: f64| {
            let pos = p * (sorted.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
        };
        (!sorted.is_empty()).then(|| Quartiles {
            min: sorted[0],
            q1: at(0.25),
            median: at(0.5),
            q3: at(0.75),
            max: sorted[sorted.len() - 1],
        })
    }
}

/// The schools of one municipality in a distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// The municipality as the register names it.
    pub municipality: String,
    /// The schools' shown figures, ascending.
    pub values: Vec<f64>,
    /// The municipality's pooled figure.
    pub unit: Shown,
}

impl Spread {
    /// The five numbers of the schools' figures; none without schools.
    pub fn quartiles(&self) -> Option<Quartiles> {
        Quartiles::of(&self.values)
    }
}

/// One key indicator across the region's schools.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// The key column's title (`Посещаемость`).
    pub title: String,
    /// The indicator of the key column.
    pub indicator: Indicator,
    /// Its group (empty for a school-wide figure).
    pub group: String,
    /// False for a questionnaire whose higher figures mean more difficulty.
    pub higher_better: bool,
    /// The region's pooled figure: the line drawn across the municipalities.
    pub region: Shown,
    /// The schools by municipality, in the register's municipalities' order.
    pub municipalities: Vec<Spread>,
    /// Every school with a shown figure, best first.
    pub ranked: Vec<Ranked>,
    /// Schools with data whose figure is withheld (it describes too few persons).
    pub withheld: usize,
    /// The rank of each school of `ranked` by its code: every school's rank is looked up
    /// on its municipality's page and in the workbook, and a scan of `ranked` for each made
    /// that quadratic in the schools (billions of comparisons at 40 000).
    places: HashMap<String, usize>,
}

impl Distribution {
    /// The weakest schools, weakest first: at most [`WEAKEST`].
    pub fn weakest(&self) -> Vec<&Ranked> {
        self.ranked.iter().rev().take(WEAKEST).collect()
    }

    /// A school's rank, if its figure is shown.
    pub fn rank_of(&self, code: &str) -> Option<usize> {
        self.places.get(code).copied()
    }
}

/// A figure with its change against the comparison term, shown only when the figure is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// The figure, or its absence or mark.
    pub shown: Shown,
    /// The change against the comparison term; none when either figure is not shown.
    pub change: Option<f64>,
}

/// A school's key figures on its municipality's page.
#[derive(Debug, Clone)]
pub struct SchoolFigures {
    /// The school as the register names it.
    pub school: RegisteredSchool,
    /// Whether the school sent anything this term.
    pub reported: bool,
    /// One cell per key column, in [`CentreView::columns`] order.
    pub cells: Vec<Cell>,
    /// The school's rank in each key column's distribution and how many schools it ranks
    /// (none for completeness, or when the school's figure is not shown).
    pub ranks: Vec<Option<(usize, usize)>>,
    /// Why the school is flagged for support, in words; empty when it is not.
    pub reasons: Vec<String>,
}

/// One municipality's page.
#[derive(Debug, Clone)]
pub struct MunicipalityPage {
    /// The municipality as the register names it.
    pub municipality: String,
    /// The municipality's pooled figures, one per key column.
    pub unit: Vec<Cell>,
    /// Its registered schools, in the register's order.
    pub schools: Vec<SchoolFigures>,
    /// The municipality's key figures in each term of the year trend
    /// ([`ReportModel::trend_terms`]), one row per key column; `None` is a gap.
    pub trend: Vec<Vec<Option<f64>>>,
    /// How its schools reported.
    pub completeness: Completeness,
}

/// The change from the first term with a figure to the last; none with fewer than two.
pub fn year_change(values: &[Option<f64>]) -> Option<f64> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    match known.as_slice() {
        [first, .., last] => Some(last - first),
        _ => None,
    }
}

/// A diagnostic's level distribution in one municipality or the region.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    /// Empty for the region.
    pub municipality: String,
    /// Shares of participants at each of [`LEVELS`].
    pub shares: [Shown; 3],
}

/// A diagnostic's (and wave's) levels by municipality, the region last.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelTable {
    /// `ОГЭ математика/final`.
    pub group: String,
    /// The municipalities' levels, then the region's.
    pub rows: Vec<Levels>,
}

/// A topic of a diagnostic with the share of participants below 50 % on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Deficit {
    /// `ОГЭ математика/final/Т3`.
    pub group: String,
    /// The topic as people read it: its code and name, `Т3 Дроби` (the code alone when no
    /// task list names it).
    pub topic: String,
    /// The share of participants with a deficit in the region.
    pub region: f64,
    /// The share in each municipality of [`CentreView::municipalities`].
    pub municipalities: Vec<Shown>,
}

/// Everything the centre's region sections show.
pub struct Region {
    /// Reporting by municipality.
    pub completeness: Vec<Completeness>,
    /// Each key indicator's distribution of schools (completeness has none).
    pub distributions: Vec<Distribution>,
    /// A page per municipality of the register.
    pub municipalities: Vec<MunicipalityPage>,
    /// Each diagnostic's levels by municipality.
    pub levels: Vec<LevelTable>,
    /// The topics with the largest shares of deficits in the region, largest first.
    pub deficits: Vec<Deficit>,
}

impl Region {
    /// Selects the region's figures from `model` for the centre `view`.
    pub fn new(model: &ReportModel, view: &CentreView) -> Region {
        let register: Vec<RegisteredSchool> =
            view.reporting.iter().map(|r| r.school.clone()).collect();
        let completeness = completeness(&view.reporting, &view.municipalities);
        let distributions: Vec<Distribution> = view
            .columns
            .iter()
            .filter(|(_, ind, _)| *ind != Indicator::CompletenessPct)
            .map(|(title, ind, group)| {
                distribution(model, &register, &view.municipalities, title, *ind, group)
            })
            .collect();
        let municipalities = completeness
            .iter()
            .map(|c| municipality_page(model, view, &register, &distributions, c.clone()))
            .collect();
        Region {
            completeness,
            municipalities,
            levels: levels(model, view),
            deficits: deficits(model, &view.municipalities),
            distributions,
        }
    }
}

/// Whether a higher figure is better: not for a questionnaire whose higher scores mean
/// more difficulty.
fn higher_better(model: &ReportModel, indicator: Indicator, group: &str) -> bool {
    !(indicator.code().starts_with("q_")
        && model
            .words
            .higher_worse(group.split('/').next().unwrap_or_default()))
}

/// One key indicator's distribution over the registered schools.
fn distribution(
    model: &ReportModel,
    register: &[RegisteredSchool],
    municipalities: &[String],
    title: &str,
    indicator: Indicator,
    group: &str,
) -> Distribution {
    let mut figures = Vec::new();
    let mut withheld = 0;
    let mut by_municipality: HashMap<&str, Vec<f64>> = HashMap::new();
    for school in register {
        match school_cell(model, &school.code, indicator, group) {
            Shown::Value(v) => {
                figures.push((school.clone(), v));
                by_municipality
                    .entry(school.municipality.as_str())
                    .or_default()
                    .push(v);
            }
            Shown::Suppressed(_) => withheld += 1,
            Shown::Missing => {}
        }
    }
    let municipalities = municipalities
        .iter()
        .map(|m| {
            let mut values = by_municipality.remove(m.as_str()).unwrap_or_default();
            values.sort_by(f64::total_cmp);
            Spread {
                municipality: m.clone(),
                values,
                unit: unit_cell(model, m, indicator, group),
            }
        })
        .collect();
    let higher_better = higher_better(model, indicator, group);
    let ranked = rank(figures, higher_better);
    // A code ranked twice (a register listing a school twice) keeps its first, best, rank.
    let mut places = HashMap::with_capacity(ranked.len());
    for r in &ranked {
        places.entry(r.school.code.clone()).or_insert(r.rank);
    }
    Distribution {
        title: title.to_string(),
        indicator,
        group: group.to_string(),
        higher_better,
        region: unit_cell(model, "", indicator, group),
        municipalities,
        ranked,
        withheld,
        places,
    }
}

/// A school's (`school` given) or a municipality's figure with its change.
fn cell(
    model: &ReportModel,
    school: Option<&str>,
    municipality: &str,
    indicator: Indicator,
    group: &str,
) -> Cell {
    let (shown, previous) = match school {
        Some(code) => (
            school_cell(model, code, indicator, group),
            model.previous(code, indicator, group),
        ),
        None => (
            unit_cell(model, municipality, indicator, group),
            model.unit_value(municipality, indicator.code(), group).1,
        ),
    };
    let change = match shown {
        Shown::Value(v) => previous.map(|p| v - p),
        _ => None,
    };
    Cell { shown, change }
}

fn municipality_page(
    model: &ReportModel,
    view: &CentreView,
    register: &[RegisteredSchool],
    distributions: &[Distribution],
    completeness: Completeness,
) -> MunicipalityPage {
    let m = completeness.municipality.clone();
    let reported: Vec<&str> = view
        .reporting
        .iter()
        .filter(|r| r.school.municipality == m && r.received > 0)
        .map(|r| r.school.code.as_str())
        .collect();
    let schools = register
        .iter()
        .filter(|s| s.municipality == m)
        .map(|s| SchoolFigures {
            school: s.clone(),
            reported: reported.contains(&s.code.as_str()),
            cells: view
                .columns
                .iter()
                .map(|(_, ind, g)| cell(model, Some(&s.code), &m, *ind, g))
                .collect(),
            ranks: view
                .columns
                .iter()
                .map(|(_, ind, g)| {
                    let d = distributions
                        .iter()
                        .find(|d| d.indicator == *ind && d.group == *g)?;
                    Some((d.rank_of(&s.code)?, d.ranked.len()))
                })
                .collect(),
            reasons: model.flag_reasons(&s.code),
        })
        .collect();
    MunicipalityPage {
        unit: view
            .columns
            .iter()
            .map(|(_, ind, g)| cell(model, None, &m, *ind, g))
            .collect(),
        trend: view
            .columns
            .iter()
            .map(|(_, ind, g)| model.unit_trend_of(&m, ind.code(), g))
            .collect(),
        municipality: m,
        schools,
        completeness,
    }
}

/// The diagnostics' level distributions by municipality and in the region.
fn levels(model: &ReportModel, view: &CentreView) -> Vec<LevelTable> {
    view.level_groups
        .iter()
        .filter(|(ind, _)| *ind == Indicator::DLevelPct)
        .map(|(ind, group)| LevelTable {
            group: group.clone(),
            rows: view
                .municipalities
                .iter()
                .chain(std::iter::once(&String::new()))
                .map(|m| Levels {
                    municipality: m.clone(),
                    shares: LEVELS
                        .map(|level| unit_cell(model, m, *ind, &format!("{group}/{level}"))),
                })
                .collect(),
        })
        .collect()
}

/// The topics of each diagnostic's latest wave in the term (the final one when the term has
/// both), by the region's share of participants with a deficit, largest first; at most
/// [`DEFICIT_TOPICS`]. A topic whose region figure is withheld is not listed.
fn deficits(model: &ReportModel, municipalities: &[String]) -> Vec<Deficit> {
    let rows = model
        .indicators
        .clone()
        .lazy()
        .filter(
            col("scope")
                .eq(lit(Scope::Region.code()))
                .and(col("indicator").eq(lit(Indicator::DDeficitPct.code()))),
        )
        .collect()
        .unwrap_or_else(|_| model.indicators.clear());
    let topics: Vec<(String, f64)> = strings(&rows, "group")
        .into_iter()
        .zip(numbers(&rows, "value"))
        .filter_map(|(g, v)| Some((g, v?)))
        .collect();
    let diagnostic_wave = |g: &str| {
        g.rsplit_once('/')
            .map(|(dw, _)| dw.to_string())
            .unwrap_or_default()
    };
    let mut latest: HashMap<String, String> = HashMap::new();
    for (g, _) in &topics {
        let dw = diagnostic_wave(g);
        let (diagnostic, wave) = dw.rsplit_once('/').unwrap_or((dw.as_str(), ""));
        let chosen = latest
            .entry(diagnostic.to_string())
            .or_insert_with(|| dw.clone());
        if wave == "final" {
            *chosen = dw.clone();
        }
    }
    let mut chosen: Vec<(String, f64)> = topics
        .into_iter()
        .filter(|(g, _)| latest.values().any(|dw| *dw == diagnostic_wave(g)))
        .collect();
    chosen.sort_by(|(a, x), (b, y)| {
        comparable_value(*y)
            .total_cmp(&comparable_value(*x))
            .then(a.cmp(b))
    });
    chosen
        .into_iter()
        .take(DEFICIT_TOPICS)
        .map(|(group, region)| Deficit {
            municipalities: municipalities
                .iter()
                .map(|m| unit_cell(model, m, Indicator::DDeficitPct, &group))
                .collect(),
            topic: topic_label(model, &group),
            group,
            region,
        })
        .collect()
}

/// A topic's code and name from its group (`ОГЭ математика/final/Т3`): `Т3 Дроби`, or `Т3`
/// when no task list names it ([`super::names::Words::part`]).
fn topic_label(model: &ReportModel, group: &str) -> String {
    let instrument = group.split('/').next().unwrap_or_default();
    let code = group.rsplit_once('/').map_or(group, |(_, code)| code);
    model.words.part(instrument, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(code: &str, municipality: &str) -> RegisteredSchool {
        RegisteredSchool {
            code: code.into(),
            name: format!("Школа {code}"),
            municipality: municipality.into(),
        }
    }

    fn reporting(
        code: &str,
        municipality: &str,
        received: usize,
        expected: usize,
        late: Option<&str>,
    ) -> Reporting {
        Reporting {
            school: school(code, municipality),
            received,
            expected,
            missing: (received..expected).map(|i| format!("форма {i}")).collect(),
            late: late.map(String::from),
        }
    }

    #[test]
    fn ranks_put_the_best_first_and_share_a_rank_between_equal_figures() {
        let figures = vec![
            (school("C", "М"), 60.0),
            (school("A", "М"), 80.0),
            (school("B", "М"), 60.0 + 1e-12),
            (school("D", "М"), 40.0),
        ];
        let ranked = rank(figures.clone(), true);
        let got: Vec<(&str, usize)> = ranked
            .iter()
            .map(|r| (r.school.code.as_str(), r.rank))
            .collect();
        assert_eq!(got, [("A", 1), ("B", 2), ("C", 2), ("D", 4)]);
        let ranked = rank(figures, false);
        let got: Vec<(&str, usize)> = ranked
            .iter()
            .map(|r| (r.school.code.as_str(), r.rank))
            .collect();
        assert_eq!(got, [("D", 1), ("B", 2), ("C", 2), ("A", 4)]);
    }

    #[test]
    fn quartiles_interpolate_between_ranks() {
        let q = Quartiles::of(&[10.0, 20.0, 30.0, 40.0, 100.0]).unwrap();
        assert_eq!(
            (q.min, q.q1, q.median, q.q3, q.max),
            (10.0, 20.0, 30.0, 40.0, 100.0)
        );
        // Four values: positions 0.75, 1.5 and 2.25.
        let q = Quartiles::of(&[0.0, 10.0, 20.0, 60.0]).unwrap();
        assert_eq!((q.q1, q.median, q.q3), (7.5, 15.0, 30.0));
        assert_eq!(Quartiles::of(&[]), None);
    }

    #[test]
    fn completeness_counts_each_school_once_and_names_missing_and_late_ones() {
        let reports = [
            reporting("1", "А", 3, 3, None),
            reporting("2", "А", 3, 3, Some("2025-11-12")),
            reporting("3", "А", 1, 3, Some("2025-11-20")),
            reporting("4", "А", 0, 3, None),
            reporting("5", "Б", 0, 3, None),
        ];
        let by = completeness(&reports, &["А".into(), "Б".into()]);
        let a = &by[0];
        assert_eq!((a.on_time, a.late, a.missing, a.reporting), (1, 1, 2, 3));
        let missing: Vec<(&str, usize)> = a
            .missing_schools
            .iter()
            .map(|(s, f)| (s.code.as_str(), f.len()))
            .collect();
        assert_eq!(
            missing,
            [("3", 2), ("4", 0)],
            "a school that sent nothing lists no forms: it sent none"
        );
        let late: Vec<String> = a
            .late_schools
            .iter()
            .map(|(s, d)| format!("{}:{d}", s.code))
            .collect();
        assert_eq!(late, ["2:2025-11-12", "3:2025-11-20"]);
        assert!(!a.none_reporting());
        assert!(by[1].none_reporting() && by[1].missing == 1);
    }

    /// A centre of Q1 and Q2: schools S01..S12 in М1 (odd) and М2 (even), 20 persons each,
    /// `4 + i` present in Q1 and `5 + i` in Q2 (so 30 %..85 % in Q2); S13 in М1 marks three
    /// persons (two present in Q1, three in Q2: below `small_cell` 5); S14 of М3 sends
    /// nothing. The report is of Q2.
    fn centre() -> (tempfile::TempDir, ReportModel, CentreView) {
        use crate::indicators::testing::{frame, rec};
        use crate::schema::Term;
        use crate::store::{Store, SubmissionId};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(&dir.path().join("store"));
        let mut register: Vec<RegisteredSchool> = (1..=13)
            .map(|i| school(&format!("S{i:02}"), if i % 2 == 1 { "М1" } else { "М2" }))
            .collect();
        register.push(school("S14", "М3"));
        let mut n = 0;
        for (i, s) in register.iter().enumerate().take(13) {
            let i = i + 1;
            for (t, period) in ["Q1", "Q2"].into_iter().enumerate() {
                let (persons, present) = if i == 13 { (3, 2 + t) } else { (20, 4 + i + t) };
                let base = || {
                    rec(&s.code, &s.municipality)
                        .term(period)
                        .s("school_name", &s.name)
                        .seq(1 + t as u64)
                };
                let event = base()
                    .s("event_id", "E1")
                    .s("kind", "семинар")
                    .s("topic", "")
                    .f("hours", 1.0)
                    .s("level", "школьный");
                let event = event.d("date", 2025, if t == 0 { 9 } else { 11 }, 10);
                let marks: Vec<_> = (0..persons)
                    .map(|p| {
                        base()
                            .s("person_id", &format!("P{p}"))
                            .s("event_id", "E1")
                            .s("mark", if p < present { "present" } else { "absent" })
                    })
                    .collect();
                for (table, records) in [
                    (crate::schema::Table::Events, vec![event]),
                    (crate::schema::Table::Attendance, marks),
                ] {
                    n += 1;
                    let id = SubmissionId {
                        key_id: format!("k{n}"),
                        sha256: format!("{n:012}"),
                    };
                    let term = Term::parse(&format!("2025/2026 {period}")).unwrap();
                    let staged = store
                        .stage_frame(
                            table,
                            &term,
                            &s.code,
                            &id,
                            frame(&records).collect().unwrap(),
                        )
                        .unwrap();
                    store
                        .publish(crate::store::Staged {
                            files: vec![staged],
                        })
                        .unwrap();
                }
            }
        }
        let pairs: Vec<(String, String)> = register
            .iter()
            .map(|s| (s.code.clone(), s.municipality.clone()))
            .collect();
        let request = super::super::model::Request {
            term: Term::parse("2025/2026 Q2").unwrap(),
            register: &pairs,
            school: None,
            compare: None,
            school_reports: false,
            small_cell: Some(5),
            now: chrono::NaiveDate::from_ymd_opt(2025, 12, 1)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
        };
        let definitions = crate::definitions::Definitions::shipped().unwrap();
        let model = ReportModel::build(
            &store,
            &crate::config::Config::default(),
            &definitions,
            request,
            &[],
        )
        .unwrap();
        let view = CentreView::new(&model, &register, None);
        (dir, model, view)
    }

    #[test]
    fn ranks_and_the_weakest_schools_agree_with_the_schools_figures_and_leave_out_a_suppressed_one()
    {
        let (_dir, model, view) = centre();
        let region = Region::new(&model, &view);
        let att = region
            .distributions
            .iter()
            .find(|d| d.indicator == Indicator::AttRate)
            .unwrap();
        // 5 + i of 20 present: S12 85 %, first; S01 30 %, twelfth.
        let got: Vec<(String, f64, usize)> = att
            .ranked
            .iter()
            .map(|r| (r.school.code.clone(), r.value, r.rank))
            .collect();
        let want: Vec<(String, f64, usize)> = (1..=12)
            .rev()
            .map(|i| (format!("S{i:02}"), (5 + i) as f64 * 5.0, 13 - i))
            .collect();
        assert_eq!(got, want);
        for r in &att.ranked {
            assert_eq!(
                model.value(&r.school.code, "", Indicator::AttRate, ""),
                Some(r.value),
                "the rank's figure is the school's own"
            );
        }
        let weakest: Vec<&str> = att
            .weakest()
            .iter()
            .map(|r| r.school.code.as_str())
            .collect();
        assert_eq!(
            weakest,
            [
                "S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10"
            ]
        );
        // S13's three persons: withheld, unranked, in no spread; its 100 % appears nowhere.
        assert_eq!(att.withheld, 1);
        assert_eq!(att.rank_of("S13"), None);
        assert!(
            att.municipalities
                .iter()
                .all(|m| !m.values.contains(&100.0))
        );
        let m1 = &att.municipalities[0];
        assert_eq!(m1.values, [30.0, 40.0, 50.0, 60.0, 70.0, 80.0]);
        // М1 pools S13's persons: (6 + 8 + 10 + 12 + 14 + 16 + 3) / (120 + 3).
        let Shown::Value(pooled) = m1.unit else {
            panic!("М1 describes 123 persons: {:?}", m1.unit)
        };
        assert_eq!(
            comparable_value(pooled),
            comparable_value(69.0 / 123.0 * 100.0)
        );
        let page = &region.municipalities[0];
        let s13 = page
            .schools
            .iter()
            .find(|s| s.school.code == "S13")
            .unwrap();
        assert_eq!(
            s13.cells[0],
            Cell {
                shown: Shown::Suppressed(5),
                change: None
            }
        );
        assert_eq!(s13.ranks[0], None);
        let s01 = page
            .schools
            .iter()
            .find(|s| s.school.code == "S01")
            .unwrap();
        assert_eq!(
            (s01.cells[0], s01.ranks[0]),
            (
                Cell {
                    shown: Shown::Value(30.0),
                    change: Some(5.0)
                },
                Some((12, 12))
            )
        );
    }

    #[test]
    fn a_municipality_page_has_its_trend_and_one_with_no_school_reporting_says_so() {
        let (_dir, model, view) = centre();
        let region = Region::new(&model, &view);
        assert_eq!(
            model
                .trend_terms
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>(),
            ["2025/2026 Q1", "2025/2026 Q2"]
        );
        let m1 = &region.municipalities[0];
        assert_eq!(m1.municipality, "М1");
        // Q1: (5 + 7 + 9 + 11 + 13 + 15 + 2) / 123; Q2: 69 / 123.
        let trend: Vec<Option<f64>> = m1.trend[0]
            .iter()
            .map(|v| v.map(comparable_value))
            .collect();
        assert_eq!(
            trend,
            [
                Some(comparable_value(62.0 / 123.0 * 100.0)),
                Some(comparable_value(69.0 / 123.0 * 100.0))
            ]
        );
        // S13's three persons are withheld in each term of the trend, as in the term.
        assert_eq!(model.trend_of("S13", Indicator::AttRate, ""), [None, None]);
        assert_eq!(
            model.trend_of("S01", Indicator::AttRate, ""),
            [Some(25.0), Some(30.0)]
        );
        let m3 = &region.municipalities[2];
        assert!(
            m3.completeness.none_reporting() && m3.schools.len() == 1 && !m3.schools[0].reported
        );
        assert!(!region.municipalities[0].completeness.none_reporting());
    }
}
