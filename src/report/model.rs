//! The report model of one term: the indicator table, recommended groups, change against
//! a comparison term, the detail tables behind the reports' lists and charts, and
//! provenance. Built once with polars; every renderer only reads it.

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDateTime;
use polars::prelude::*;

use crate::config::{Config, Thresholds};
use crate::definitions::Definitions;
use crate::indicators::{self, Inputs, Settings, of_term};
use crate::schema::{Indicator, Term};
use crate::store::Store;
use crate::store::log::Entry;

use crate::privacy::Counts;

use super::names::Words;
use super::reuse::{Pieces, Stamps};

/// A school as its files name it.
#[derive(Debug, Clone, PartialEq)]
pub struct School {
    /// `Код ОО`.
    pub code: String,
    /// The name its latest file gives.
    pub name: String,
    /// Its municipality, as its files give it.
    pub municipality: String,
}

/// Everything a term's outputs show, computed once: the long table of indicators, the detail
/// tables behind the school reports, the comparison and trend terms' values, and what
/// suppression withheld. Views select from it; no output computes a figure of its own.
pub struct ReportModel {
    /// The term reported on.
    pub term: Term,
    /// The term changes are measured against.
    pub compare: Term,
    /// The comparison term when anybody sent data for it: only then do outputs name it.
    pub compared: Option<Term>,
    /// When the outputs were made (fixed by `SOURCE_DATE_EPOCH` in deterministic runs).
    pub generated_at: NaiveDateTime,
    /// The levels' and flags' thresholds the figures were judged by.
    pub thresholds: Thresholds,
    /// The words renderers show for the questionnaires' codes.
    pub words: Words,
    /// Schools of the report.
    pub schools: Vec<School>,
    /// The long table of indicators.md.
    pub indicators: DataFrame,
    /// `groups.csv` rows.
    pub groups: DataFrame,
    /// Every non-person indicator with its value in the comparison term and the change.
    pub changes: DataFrame,
    /// The roster in force: `school_code, id, full_name, role, class, subject, tutor_id`.
    pub people: DataFrame,
    /// Attendance by calendar month: `school_code, month, events, present, marked, rate`.
    pub months: DataFrame,
    /// Route items due and still planned: `school_code, id, full_name, goal, activity, due`.
    pub overdue: DataFrame,
    /// Achievements by level and nomination: `school_code, level, nomination, achievements`.
    pub achievements: DataFrame,
    /// Expected forms and whether each arrived: `school_code, municipality, form, received`.
    pub forms: DataFrame,
    /// School competency scores of every wave of the year: `school_code, instrument, wave, competency, direction, score`.
    pub profiles: DataFrame,
    /// Questionnaires whose start and final waves were answered in different versions by
    /// persons compared in the term: `school_code, instrument, start_version, final_version`.
    pub versions: DataFrame,
    /// Topic names of the school year's diagnostics: `school_code, instrument, topic_code,
    /// topic` (the words name topics by them, at a school and at a centre).
    pub topics: DataFrame,
    /// The school year's trend up to the term: the non-person rows of every term of the
    /// term's kind with data, each as that term's own report computes them (`indicators.csv`
    /// columns), for a school's `trend.csv`; a centre writes none, so its model leaves
    /// this empty and holds only the trend's indexes.
    pub trend: DataFrame,
    /// The terms of the year trend, in order.
    pub trend_terms: Vec<Term>,
    /// The values of each term of the year trend, in the order of `trend_terms`.
    trend_values: Vec<TrendIndex>,
    /// Ingest log entries of the term: the provenance of every number.
    pub log: Vec<Entry>,
    /// Set when the report is of one school only (`--school`): the term-wide files stay as they are.
    pub only_school: Option<String>,
    /// A centre's suppression limit: its figures, changes and comparison values hold only
    /// numbers that describe at least this many persons in their own term.
    pub small_cell: Option<usize>,
    /// Keys of the figures withheld by suppression, as in `values` and `units`.
    suppressed: PlHashSet<String>,
    /// Values by [`key`] of (scope, school, entity, indicator, group) without the person
    /// rows, now and in the comparison term.
    values: Index,
    previous: Index,
    /// Municipality and region values, now and in the comparison term: (scope, municipality, indicator, group).
    units: Index,
    units_before: Index,
    /// The long table split by school, so a school's renderers never scan the region's rows.
    by_school: HashMap<String, SchoolRows>,
    /// The other tables split by school, for the same reason.
    pub(crate) parts: HashMap<(Part, String), DataFrame>,
}

/// One school's rows of the long table, and their values by [`key`], indexed when the
/// school's documents first ask for a person's. 95 % of a term's rows are persons':
/// indexing them all up front was a serial pass over the region's rows before any school
/// could render, though a `watch` batch renders one school (the full report now indexes
/// them on every core).
struct SchoolRows {
    rows: DataFrame,
    values: OnceLock<Index>,
}

/// Where the values of one term of the year trend are indexed. The term itself and the
/// comparison term are also trend terms (their rows suppressed alike, by the same counts):
/// their values are the model's own indexes, not a copy; a centre of 40 000 schools keeps
/// a few million values a term.
#[derive(Debug, PartialEq)]
enum TrendIndex {
    /// The term's: `values` and `units`.
    Term,
    /// The comparison term's: `previous` and `units_before`.
    Compare,
    /// Another term's values by [`key`] (without person rows) and its municipality and
    /// region values (as in `units`).
    Own { values: Index, units: Index },
}

/// The model tables split by school for the renderers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    /// The roster as the lists print it: ID, name, role, class, subject, tutor.
    People,
    /// Attendance by month, for the monthly line.
    Months,
    /// Route steps past their due date and still planned.
    Overdue,
    /// Route results that are achievements, by level.
    Achievements,
    /// The forms received and expected, for completeness.
    Forms,
    /// The recommended groups by diagnostic topic.
    Groups,
    /// Competency profiles of the questionnaires, by wave.
    Profiles,
    /// Each figure with its value in the comparison term.
    Changes,
    /// Questionnaires answered in different versions at start and at the end.
    Versions,
    /// The names of the diagnostics' topics, for the charts and tables.
    Topics,
}

impl Part {
    const ALL: [Part; 10] = [
        Part::People,
        Part::Months,
        Part::Overdue,
        Part::Achievements,
        Part::Forms,
        Part::Groups,
        Part::Profiles,
        Part::Changes,
        Part::Versions,
        Part::Topics,
    ];
}

/// What to build a report of.
pub struct Request<'a> {
    /// The term to report on.
    pub term: Term,
    /// The register of schools: (code, municipality); empty when there is none.
    pub register: &'a [(String, String)],
    /// One school only (`report --school`), or every school.
    pub school: Option<&'a str>,
    /// The term to compare with (`--compare`); the previous term of the same kind if `None`.
    pub compare: Option<Term>,
    /// Whether the model serves school reports: person rows, the detail tables and the
    /// per-school splits behind them. The centre's does not (it shows no person), so it
    /// holds only the schools' figures.
    pub school_reports: bool,
    /// The centre's `small_cell`: every figure of the model (and so of every output) that
    /// describes fewer persons, in the term or in the comparison term, is withheld.
    pub small_cell: Option<usize>,
    /// The clock of the run: the outputs' dates.
    pub now: NaiveDateTime,
}

fn settings<'a>(
    config: &'a Config,
    definitions: &'a Definitions,
    register: &'a [(String, String)],
    term: Term,
    batch: &'a [String],
) -> Settings<'a> {
    Settings {
        term,
        thresholds: &config.thresholds,
        definitions,
        expected: &config.expected,
        register,
        batch: Some(batch),
    }
}

/// Schools computed together: a batch's records of the school year are in memory at once,
/// and polars' fixed cost per plan is paid once per batch. Batches of 50 or 250 were no
/// faster. `[limits] report_batches` (default 2) batches are computed at once, whatever the
/// cores: memory grows with the batches in flight (see the centre's figures in
/// docs/architecture.md, Performance).
const BATCH_SCHOOLS: usize = 100;

/// What one batch of schools adds to the model; also one school's piece kept in [`Reuse`].
#[derive(Clone)]
struct Batch {
    now: DataFrame,
    previous: Option<DataFrame>,
    /// Non-person rows of each term of `Context::others`, in that order.
    trend: Vec<DataFrame>,
    /// Persons behind each of those terms' figures (counted for a centre only: it suppresses).
    trend_persons: Vec<Counts>,
    /// Persons behind the figures of the term and of the comparison term.
    persons: Counts,
    persons_before: Counts,
    schools: Vec<School>,
    tables: Vec<(Part, DataFrame)>,
    /// The term's non-person rows, for [`Earlier`] (when the model keeps them there).
    shown: Option<DataFrame>,
}

/// Each term's computed schools kept between builds of its model
/// ([`ReportModel::build_reusing`]): `watch` keeps one for as long as it runs.
#[derive(Default)]
pub struct Reuse {
    terms: HashMap<Term, Pieces<Batch>>,
}

/// The non-person rows of the terms whose models were built before, by term and batch of
/// schools, for as long as the store stays as it is (one `report` or `run`): a later
/// term's model takes its comparison and trend terms' rows from here instead of
/// computing them again (a fourth quarter compared with the first computed the first
/// quarter's indicators twice in one `report`). A batch's rows depend on its schools'
/// records of the school year, the settings and the register only, all the same within
/// one run. Not for a centre: its suppression counts the persons behind those rows.
#[derive(Default)]
pub struct Earlier {
    rows: HashMap<(Term, Vec<String>), DataFrame>,
}

impl Batch {
    /// The batch of `codes` as one piece per school, in the order of `codes`: every frame
    /// cut by `school_code` (a school without rows gets the frame's columns and no row).
    /// Persons are not counted in pieces: only a centre's suppression reads them.
    fn split(self, codes: &[String]) -> PolarsResult<Vec<Batch>> {
        let now = by_school(self.now, codes)?;
        let previous = self.previous.map(|f| by_school(f, codes)).transpose()?;
        let trend = self
            .trend
            .into_iter()
            .map(|f| by_school(f, codes))
            .collect::<PolarsResult<Vec<_>>>()?;
        let tables = self
            .tables
            .into_iter()
            .map(|(part, f)| Ok((part, by_school(f, codes)?)))
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok(codes
            .iter()
            .enumerate()
            .map(|(i, code)| Batch {
                now: now[i].clone(),
                previous: previous.as_ref().map(|p| p[i].clone()),
                trend: trend.iter().map(|t| t[i].clone()).collect(),
                trend_persons: vec![Counts::default(); trend.len()],
                persons: Counts::default(),
                persons_before: Counts::default(),
                schools: self
                    .schools
                    .iter()
                    .filter(|s| &s.code == code)
                    .cloned()
                    .collect(),
                tables: tables
                    .iter()
                    .map(|(part, f)| (*part, f[i].clone()))
                    .collect(),
                shown: None,
            })
            .collect())
    }
}

/// The frame's rows of each school of `codes`, in that order, each in the frame's order.
fn by_school(frame: DataFrame, codes: &[String]) -> PolarsResult<Vec<DataFrame>> {
    let mut parts = HashMap::new();
    if frame.height() > 0 {
        for part in frame.partition_by_stable(["school_code"], true)? {
            let code = part.column("school_code")?.str()?.get(0).map(String::from);
            parts.insert(code.unwrap_or_default(), part);
        }
    }
    let pieces = codes
        .iter()
        .map(|code| parts.remove(code).unwrap_or_else(|| frame.clear()))
        .collect();
    if !parts.is_empty() {
        polars_bail!(ComputeError: "rows of schools outside their batch: {:?}", parts.keys());
    }
    Ok(pieces)
}

impl ReportModel {
    /// `compare` defaults to the latest earlier term of the same kind that has data (a
    /// quarter for a quarter...), else the previous term of that kind. Schools are computed
    /// in batches ([`BATCH_SCHOOLS`]); the municipality and region rows are pooled from the
    /// schools' sums of every batch.
    pub fn build(
        store: &Store,
        config: &Config,
        definitions: &Definitions,
        request: Request,
        log: &[Entry],
    ) -> anyhow::Result<ReportModel> {
        ReportModel::build_reusing(store, config, definitions, request, log, None, None)
    }

    /// [`ReportModel::build`] that takes each school's rows and tables from `reuse` when the
    /// school's store files and everything else they depend on are as they were, computes
    /// only the other schools, and keeps their pieces in `reuse` for the next build. The
    /// model is the same as [`ReportModel::build`]'s: a school's rows do not depend on the
    /// schools computed in the same batch. With `earlier`, the comparison and trend terms'
    /// rows of a batch are taken from there when an earlier model of the same store
    /// computed them, and this term's are kept there.
    pub fn build_reusing(
        store: &Store,
        config: &Config,
        definitions: &Definitions,
        request: Request,
        log: &[Entry],
        reuse: Option<&mut Reuse>,
        mut earlier: Option<&mut Earlier>,
    ) -> anyhow::Result<ReportModel> {
        let term = request.term;
        let compare = request
            .compare
            .unwrap_or_else(|| default_compare(term, log));
        // A comparison term nobody sent data for compares with nothing.
        let compare_has_data = !store.schools_in(&compare)?.is_empty();
        let trend = trend_terms(store, term)?;
        let compared = compare_has_data.then_some(compare);
        // The term's and the comparison term's rows are computed anyway.
        let others: Vec<Term> = trend
            .iter()
            .copied()
            .filter(|t| *t != term && Some(*t) != compared)
            .collect();
        // A centre's suppression counts the persons behind every term's rows.
        if request.small_cell.is_some() {
            earlier = None;
        }
        let context = Context {
            store,
            config,
            definitions,
            request: &request,
            compare: compared,
            others: &others,
            earlier: earlier.as_deref(),
        };
        let groups = school_batches(store, &[term, compare], request.register)?;
        // Kept pieces serve a whole term's model of a school workspace (a centre's counts of
        // persons, which suppression needs, are not split by school).
        let batches = match reuse {
            Some(reuse)
                if request.school.is_none()
                    && request.small_cell.is_none()
                    && groups.iter().any(|g| !g.is_empty()) =>
            {
                context.reusing(reuse, &groups)?
            }
            _ => {
                let mut batches = context.batches(&groups)?;
                if let Some(earlier) = earlier {
                    for (codes, batch) in groups.iter().zip(&mut batches) {
                        if let Some(rows) = batch.shown.take() {
                            earlier.rows.insert((term, codes.clone()), rows);
                        }
                    }
                }
                batches
            }
        };
        let (mut persons, mut persons_before) = (Counts::default(), Counts::default());
        let (mut now, mut before, mut schools, mut tables) = (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            HashMap::<Part, Vec<DataFrame>>::new(),
        );
        let mut by_term: Vec<Vec<DataFrame>> = vec![Vec::new(); others.len()];
        let mut trend_persons: Vec<Counts> = vec![Counts::default(); others.len()];
        for batch in batches {
            for (frames, frame) in by_term.iter_mut().zip(batch.trend) {
                frames.push(frame);
            }
            for (counts, more) in trend_persons.iter_mut().zip(batch.trend_persons) {
                counts.merge(more);
            }
            persons.merge(batch.persons);
            persons_before.merge(batch.persons_before);
            now.push(batch.now);
            before.extend(batch.previous);
            schools.extend(batch.schools);
            for (part, frame) in batch.tables {
                tables.entry(part).or_default().push(frame);
            }
        }
        let only = |df: DataFrame| -> PolarsResult<DataFrame> {
            match request.school {
                // The school's rows, and the municipality and region rows it is compared with.
                Some(code) => df
                    .lazy()
                    .filter(
                        col("school_code")
                            .eq(lit(code.to_string()))
                            .or(col("school_code").eq(lit(""))),
                    )
                    .collect(),
                None => Ok(df),
            }
        };
        let long = only(indicators::combine(now)?)?;
        let mut other_rows = by_term
            .into_iter()
            .map(|frames| only(indicators::combine(frames)?))
            .collect::<PolarsResult<Vec<_>>>()?;
        if let Some(k) = request.small_cell {
            // Each trend term's figures suppressed by that term's own counts, like the term's.
            for (rows, counts) in other_rows.iter_mut().zip(&trend_persons) {
                let counts = counts.with_totals(rows)?;
                *rows = crate::privacy::suppress(std::mem::take(rows), &counts, k)?.0;
            }
        }
        let previous = if before.is_empty() {
            long.clear()
        } else {
            only(indicators::combine(before)?)?
        };
        // Suppression is applied here, once, to each term's figures by that term's counts:
        // a previous value or a change is left out when either term's figure is.
        let (long, previous, suppressed) = match request.small_cell {
            Some(k) => {
                let now_counts = persons.with_totals(&long)?;
                let (long, hidden) = crate::privacy::suppress(long, &now_counts, k)?;
                let before_counts = persons_before.with_totals(&previous)?;
                let (previous, _) = crate::privacy::suppress(previous, &before_counts, k)?;
                (long, previous, suppressed_keys(&hidden)?)
            }
            None => (long, previous, PlHashSet::default()),
        };
        let (trend_rows, trend_values) = year_trend(
            &trend,
            term,
            compared,
            (&long, &previous),
            other_rows,
            request.school_reports,
        )?;
        let mut table = |part: Part, columns: &[&str]| -> PolarsResult<DataFrame> {
            only(stack(tables.remove(&part).unwrap_or_default(), columns)?)
        };
        let label = term.label();
        let topics = table(
            Part::Topics,
            &["school_code", "instrument", "topic_code", "topic"],
        )?;
        let mut model = ReportModel {
            term,
            compare,
            compared,
            generated_at: request.now,
            thresholds: config.thresholds.clone(),
            words: Words::new(definitions).with_topics(&topics),
            schools: schools
                .into_iter()
                .filter(|s| request.school.is_none_or(|o| o == s.code))
                .collect(),
            groups: table(Part::Groups, &["school_code"])?,
            changes: changes(&long, &previous, &compare)?,
            people: table(Part::People, &PEOPLE)?,
            months: table(Part::Months, &MONTHS)?,
            overdue: table(Part::Overdue, &OVERDUE)?,
            achievements: table(Part::Achievements, &ACHIEVEMENTS)?,
            forms: table(
                Part::Forms,
                &["school_code", "municipality", "form", "received"],
            )?,
            profiles: table(
                Part::Profiles,
                &[
                    "school_code",
                    "instrument",
                    "wave",
                    "competency",
                    "direction",
                    "score",
                ],
            )?,
            versions: table(
                Part::Versions,
                &[
                    "school_code",
                    "instrument",
                    "start_version",
                    "final_version",
                ],
            )?,
            topics,
            only_school: request.school.map(String::from),
            trend: trend_rows,
            trend_terms: trend,
            trend_values,
            log: log
                .iter()
                .filter(|e| e.term == label && request.school.is_none_or(|c| e.school_code == c))
                .cloned()
                .collect(),
            small_cell: request.small_cell,
            suppressed,
            values: index(&long, false)?,
            units: unit_index(&long)?,
            units_before: unit_index(&previous)?,
            by_school: if request.school_reports {
                split_by_school(&long)?
                    .into_iter()
                    .map(|(code, rows)| {
                        let values = OnceLock::new();
                        (code, SchoolRows { rows, values })
                    })
                    .collect()
            } else {
                HashMap::new()
            },
            parts: HashMap::new(),
            previous: index(&previous, false)?,
            indicators: long,
        };
        model.schools.sort_by(|a, b| a.code.cmp(&b.code));
        for part in Part::ALL.into_iter().filter(|_| request.school_reports) {
            for (school, frame) in split_by_school(model.table(part))? {
                model.parts.insert((part, school), frame);
            }
        }
        Ok(model)
    }

    /// A school-scope value (`entity` empty), or a person's value.
    pub fn value(
        &self,
        school: &str,
        entity: &str,
        indicator: Indicator,
        group: &str,
    ) -> Option<f64> {
        let code = indicator.code();
        if entity.is_empty() {
            return lookup(&self.values, ["school", school, "", code, group]);
        }
        let own = self.by_school.get(school)?;
        // The rows are the long table's, whose columns `index` read when the model was
        // built: indexing them cannot fail here.
        let persons = own
            .values
            .get_or_init(|| index(&own.rows, true).unwrap_or_default());
        lookup(persons, ["person", school, entity, code, group])
    }

    /// Whether a school's (`scope` "school", `unit` its code) or a municipality's or the
    /// region's figure was withheld by suppression.
    pub fn is_suppressed(&self, scope: &str, unit: &str, indicator: &str, group: &str) -> bool {
        let key = if scope == "school" {
            key([scope, unit, "", indicator, group])
        } else {
            key([scope, unit, indicator, group])
        };
        self.suppressed.contains(&key)
    }

    /// A school-scope value in each term of the year trend, `None` where it has none.
    pub fn trend_of(&self, school: &str, indicator: Indicator, group: &str) -> Vec<Option<f64>> {
        let key = key(["school", school, "", indicator.code(), group]);
        self.trend_terms()
            .map(|(values, _)| values.get(&key).copied())
            .collect()
    }

    /// Each term of the year trend's values by [`key`] and its municipality and region
    /// values: the model's own for the term and the comparison term.
    fn trend_terms(&self) -> impl Iterator<Item = (&Index, &Index)> {
        self.trend_values.iter().map(|index| match index {
            TrendIndex::Term => (&self.values, &self.units),
            TrendIndex::Compare => (&self.previous, &self.units_before),
            TrendIndex::Own { values, units } => (values, units),
        })
    }

    /// A municipality's (or, with `municipality` empty, the region's) value in each term of
    /// the year trend, `None` where it has none.
    pub fn unit_trend_of(
        &self,
        municipality: &str,
        indicator: &str,
        group: &str,
    ) -> Vec<Option<f64>> {
        let scope = if municipality.is_empty() {
            "region"
        } else {
            "municipality"
        };
        let key = key([scope, municipality, indicator, group]);
        self.trend_terms()
            .map(|(_, units)| units.get(&key).copied())
            .collect()
    }

    /// `trend.csv`: the year trend in long form, `term, scope, unit, group, indicator,
    /// value`, the unit being the school's code or the municipality's name.
    pub fn trend_table(&self) -> PolarsResult<DataFrame> {
        self.trend
            .clone()
            .lazy()
            .select([
                col("term"),
                col("scope"),
                when(col("scope").eq(lit("school")))
                    .then(col("school_code"))
                    .otherwise(col("municipality"))
                    .alias("unit"),
                col("group"),
                col("indicator"),
                col("value"),
            ])
            .collect()
    }

    /// The school-scope value of the comparison term.
    pub fn previous(&self, school: &str, indicator: Indicator, group: &str) -> Option<f64> {
        lookup(
            &self.previous,
            ["school", school, "", indicator.code(), group],
        )
    }

    /// The whole table behind a [`Part`].
    pub fn table(&self, part: Part) -> &DataFrame {
        match part {
            Part::People => &self.people,
            Part::Months => &self.months,
            Part::Overdue => &self.overdue,
            Part::Achievements => &self.achievements,
            Part::Forms => &self.forms,
            Part::Groups => &self.groups,
            Part::Profiles => &self.profiles,
            Part::Changes => &self.changes,
            Part::Versions => &self.versions,
            Part::Topics => &self.topics,
        }
    }

    /// A municipality value (`municipality` given) or the region's (empty), and its value
    /// in the comparison term.
    pub fn unit_value(
        &self,
        municipality: &str,
        indicator: &str,
        group: &str,
    ) -> (Option<f64>, Option<f64>) {
        let scope = if municipality.is_empty() {
            "region"
        } else {
            "municipality"
        };
        let parts = [scope, municipality, indicator, group];
        (
            lookup(&self.units, parts),
            lookup(&self.units_before, parts),
        )
    }

    /// Rows of the long table of one school and scope whose indicator starts with
    /// `indicator_prefix`, in table order. Filtered eagerly by a mask of the two columns: a
    /// lazy filter planned and optimised a query for each of the some 20 calls a school's
    /// documents make, 4 % of `report`'s CPU.
    pub fn rows(
        &self,
        school: &str,
        scope: &str,
        indicator_prefix: &str,
    ) -> PolarsResult<DataFrame> {
        let Some(SchoolRows { rows, .. }) = self.by_school.get(school) else {
            return Ok(self.indicators.clear());
        };
        let scopes = rows.column("scope")?.str()?;
        let indicators = rows.column("indicator")?.str()?;
        let mask: BooleanChunked = scopes
            .iter()
            .zip(indicators.iter())
            .map(|(s, i)| s == Some(scope) && i.is_some_and(|i| i.starts_with(indicator_prefix)))
            .collect();
        rows.filter(&mask)
    }
}

/// A key of the value indexes: the parts joined by a control character no label holds, one
/// allocation a row instead of one a part (a country's index holds millions of rows).
fn key<const N: usize>(parts: [&str; N]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    push_key(&mut key, parts);
    key
}

/// Appends the [`key`] of `parts` to `out`.
fn push_key<const N: usize>(out: &mut String, parts: [&str; N]) {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('\u{1f}');
        }
        out.push_str(part);
    }
}

/// A value index by [`key`]: looked up for every cell of a school's reports, so hashed
/// with foldhash rather than SipHash.
type Index = PlHashMap<String, f64>;

/// The value of `parts` in `index`, their [`key`] written into a buffer of the thread
/// instead of a string of its own.
fn lookup<const N: usize>(index: &Index, parts: [&str; N]) -> Option<f64> {
    thread_local! {
        static KEY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    KEY.with_borrow_mut(|key| {
        key.clear();
        push_key(key, parts);
        index.get(key.as_str()).copied()
    })
}

/// (scope, school, entity, indicator, group) -> value; `with_entity` false leaves out the
/// person rows.
fn index(long: &DataFrame, with_entity: bool) -> PolarsResult<Index> {
    let col = |n: &str| long.column(n).and_then(|c| c.str().cloned());
    let (scope, school, entity, indicator, group) = (
        col("scope")?,
        col("school_code")?,
        col("entity")?,
        col("indicator")?,
        col("group")?,
    );
    let value = long.column("value")?.f64()?.clone();
    let mut map = Index::with_capacity_and_hasher(long.height(), Default::default());
    // Row by row through the columns' iterators: a lookup by row position per cell was
    // most of the serial time between a term's batches and its reports.
    let rows = scope
        .iter()
        .zip(school.iter())
        .zip(entity.iter())
        .zip(indicator.iter())
        .zip(group.iter())
        .zip(value.iter());
    for (((((scope, school), entity), indicator), group), value) in rows {
        let (Some(v), scope) = (value, scope.unwrap_or_default()) else {
            continue;
        };
        if !with_entity && scope == "person" {
            continue;
        }
        let text = Option::unwrap_or_default;
        map.insert(
            key([
                scope,
                text(school),
                text(entity),
                text(indicator),
                text(group),
            ]),
            v,
        );
    }
    Ok(map)
}

/// Keys of suppressed rows: as in `values` for schools, as in `units` for wider units.
fn suppressed_keys(hidden: &DataFrame) -> PolarsResult<PlHashSet<String>> {
    let col = |n: &str| hidden.column(n).and_then(|c| c.str().cloned());
    let (scope, muni, school, indicator, group) = (
        col("scope")?,
        col("municipality")?,
        col("school_code")?,
        col("indicator")?,
        col("group")?,
    );
    Ok((0..hidden.height())
        .map(|i| {
            let get = |c| crate::frame::text_at(c, i);
            match get(&scope) {
                "school" => key(["school", get(&school), "", get(&indicator), get(&group)]),
                s => key([s, get(&muni), get(&indicator), get(&group)]),
            }
        })
        .collect())
}

fn split_by_school(long: &DataFrame) -> PolarsResult<HashMap<String, DataFrame>> {
    let mut parts = HashMap::new();
    if long.height() == 0 {
        return Ok(parts);
    }
    for part in long.partition_by(["school_code"], true)? {
        let code = part
            .column("school_code")?
            .str()?
            .get(0)
            .unwrap_or_default()
            .to_string();
        parts.insert(code, part);
    }
    Ok(parts)
}

/// (scope, municipality, indicator, group) -> value of the municipality and region rows.
fn unit_index(long: &DataFrame) -> PolarsResult<Index> {
    let col = |n: &str| long.column(n).and_then(|c| c.str().cloned());
    let (scope, muni, indicator, group) = (
        col("scope")?,
        col("municipality")?,
        col("indicator")?,
        col("group")?,
    );
    let value = long.column("value")?.f64()?.clone();
    let mut map = Index::default();
    for i in 0..long.height() {
        let s = scope.get(i).unwrap_or_default();
        if let (true, Some(v)) = (s == "municipality" || s == "region", value.get(i)) {
            let get = |c| crate::frame::text_at(c, i);
            map.insert(key([s, get(&muni), get(&indicator), get(&group)]), v);
        }
    }
    Ok(map)
}

/// The year trend's rows (for school reports only: see [`ReportModel::trend`]) and where
/// each term's values are indexed: the term's are its (suppressed) figures without person
/// rows, the comparison term's are `previous`, and `others` are the rows of the other
/// terms, in the order of `terms`.
fn year_trend(
    terms: &[Term],
    term: Term,
    compared: Option<Term>,
    (long, previous): (&DataFrame, &DataFrame),
    others: Vec<DataFrame>,
    school_reports: bool,
) -> PolarsResult<(DataFrame, Vec<TrendIndex>)> {
    let mut others = others.into_iter();
    let (mut frames, mut indexes) = (Vec::new(), Vec::new());
    for t in terms {
        let (rows, index) = if *t == term {
            let rows = long
                .clone()
                .lazy()
                .filter(col("scope").neq(lit("person")))
                .collect()?;
            (rows, TrendIndex::Term)
        } else if Some(*t) == compared {
            (previous.clone(), TrendIndex::Compare)
        } else {
            let rows = others.next().unwrap_or_else(|| long.clear());
            let index = TrendIndex::Own {
                values: index(&rows, false)?,
                units: unit_index(&rows)?,
            };
            (rows, index)
        };
        if school_reports {
            frames.push(rows);
        }
        indexes.push(index);
    }
    let rows = if frames.is_empty() {
        long.clear()
    } else {
        stack(frames, &indicators::COLUMNS)?
    };
    Ok((rows, indexes))
}

fn default_compare(term: Term, log: &[Entry]) -> Term {
    let same_kind = |t: &Term| t.period.kind() == term.period.kind();
    log.iter()
        .filter(|e| e.outcome.commits())
        .filter_map(|e| Term::parse(&e.term))
        .filter(|t| same_kind(t) && t.end() < term.end())
        .max_by_key(Term::end)
        .unwrap_or_else(|| term.previous())
}

/// The terms of the year trend: the term and the earlier terms of its kind and school year
/// that someone sent data for, in order. A term without data is left out (a gap), so it
/// never shows as zeros.
fn trend_terms(store: &Store, term: Term) -> anyhow::Result<Vec<Term>> {
    let mut terms = Vec::new();
    for period in crate::schema::Period::ALL
        .into_iter()
        .filter(|p| p.kind() == term.period.kind())
    {
        let t = Term {
            year: term.year,
            period,
        };
        if t.end() > term.end() {
            continue;
        }
        if t == term || !store.schools_in(&t)?.is_empty() {
            terms.push(t);
        }
    }
    Ok(terms)
}

/// The schools of the terms' school years (folder names of the store) and of the register,
/// in batches of [`BATCH_SCHOOLS`]; one empty batch when there are none, so the model
/// still has its (empty) tables.
fn school_batches(
    store: &Store,
    terms: &[Term],
    register: &[(String, String)],
) -> anyhow::Result<Vec<Vec<String>>> {
    let mut codes: std::collections::BTreeSet<String> =
        register.iter().map(|(code, _)| code.clone()).collect();
    // A comparison term of the same school year adds no folders to look at.
    let years: std::collections::BTreeSet<_> = terms.iter().map(|t| t.year).collect();
    for year in years {
        for period in crate::schema::Period::ALL {
            codes.extend(store.schools_in(&Term { year, period })?);
        }
    }
    let codes: Vec<String> = codes.into_iter().collect();
    Ok(if codes.is_empty() {
        vec![Vec::new()]
    } else {
        codes
            .chunks(BATCH_SCHOOLS)
            .map(<[String]>::to_vec)
            .collect()
    })
}

/// What every batch of a report is computed with.
struct Context<'a> {
    store: &'a Store,
    config: &'a Config,
    definitions: &'a Definitions,
    request: &'a Request<'a>,
    /// The comparison term, when it has data.
    compare: Option<Term>,
    /// The terms of the year trend ([`trend_terms`]) other than the term and the
    /// comparison term.
    others: &'a [Term],
    /// Rows of terms computed before in this run.
    earlier: Option<&'a Earlier>,
}

impl Context<'_> {
    /// Computes every batch, `[limits] report_batches` at a time.
    fn batches(&self, groups: &[Vec<String>]) -> anyhow::Result<Vec<Batch>> {
        // A few batches at a time: polars alone keeps about one and a half cores busy on a
        // batch, and each batch in flight holds its records.
        crate::parallel::map_on(self.config.limits.report_batches, groups, |b| self.batch(b))
            .into_iter()
            .collect()
    }

    /// One piece per school of `groups`, in order: taken from `reuse` where the school's
    /// store files are those it was computed from, else computed (in batches of
    /// [`BATCH_SCHOOLS`]) and kept there.
    fn reusing(&self, reuse: &mut Reuse, groups: &[Vec<String>]) -> anyhow::Result<Vec<Batch>> {
        let stamps = Stamps::of_store(&self.store.root)?;
        let pieces = reuse.terms.entry(self.request.term).or_default();
        pieces.enter(format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{:?}",
            self.config,
            self.definitions,
            self.request.register,
            self.compare,
            self.others,
            self.request.school_reports,
            stamps.others,
        ));
        let codes = groups.concat();
        let stale: Vec<String> = codes
            .iter()
            .filter(|code| pieces.get(code, stamps.school(code)).is_none())
            .cloned()
            .collect();
        let stale: Vec<Vec<String>> = stale
            .chunks(BATCH_SCHOOLS)
            .map(<[String]>::to_vec)
            .collect();
        for (group, batch) in stale.iter().zip(self.batches(&stale)?) {
            for (code, piece) in group.iter().zip(batch.split(group)?) {
                pieces.insert(code, stamps.school(code), piece);
            }
        }
        pieces.retain(&codes);
        Ok(codes
            .iter()
            .filter_map(|code| pieces.get(code, stamps.school(code)).cloned())
            .collect())
    }

    /// Computes one batch of schools: its rows of the term and of the comparison term, its
    /// persons counted, and (for school reports) the detail tables of its schools.
    fn batch(&self, batch: &[String]) -> anyhow::Result<Batch> {
        let (term, register, request) = (self.request.term, self.request.register, self.request);
        let (config, definitions) = (self.config, self.definitions);
        let inputs = Inputs::load(self.store, &term, Some(batch))?.with_register(register)?;
        let s = settings(config, definitions, register, term, batch);
        let indicators::SchoolRows { rows, forms } = indicators::compute_schools(&inputs, &s)?;
        let mut persons = Counts::default();
        persons.add_persons(&rows)?;
        let mut persons_before = Counts::default();
        let not_person = || col("scope").neq(lit("person"));
        let earlier = |t: Term| -> Option<DataFrame> {
            self.earlier?.rows.get(&(t, batch.to_vec())).cloned()
        };
        let shown = match self.earlier {
            Some(_) => Some(compact(
                rows.clone().lazy().filter(not_person()).collect()?,
            )?),
            None => None,
        };
        let now = if request.school_reports {
            rows
        } else {
            rows.lazy().filter(not_person()).collect()?
        };
        let previous = match (self.compare, self.compare.and_then(&earlier)) {
            (_, Some(rows)) => Some(rows),
            (Some(compare), None) => {
                // Inputs hold a whole school year: a comparison term of the same year reuses them.
                let before = if compare.year == term.year {
                    inputs.clone()
                } else {
                    Inputs::load(self.store, &compare, Some(batch))?.with_register(register)?
                };
                let rows = indicators::compute_schools(
                    &before,
                    &settings(config, definitions, register, compare, batch),
                )?
                .rows;
                persons_before.add_persons(&rows)?;
                Some(compact(rows.lazy().filter(not_person()).collect()?)?)
            }
            (None, None) => None,
        };
        // The other trend terms' rows as each term's report computes them (the term's and
        // the comparison term's are above).
        let (mut trend, mut trend_persons) = (Vec::new(), Vec::new());
        for &t in self.others {
            if let Some(rows) = earlier(t) {
                trend.push(rows);
                trend_persons.push(Counts::default());
                continue;
            }
            let rows = indicators::compute_schools(
                &inputs,
                &settings(config, definitions, register, t, batch),
            )?
            .rows;
            let mut counts = Counts::default();
            if request.small_cell.is_some() {
                counts.add_persons(&rows)?;
            }
            trend.push(compact(rows.lazy().filter(not_person()).collect()?)?);
            trend_persons.push(counts);
        }
        let mut tables = vec![(Part::Forms, forms)];
        // Topic names travel in packages: a centre names its deficit topics by them too.
        if let Some(topics) = indicators::diagnostics::topic_names(&inputs)? {
            tables.push((Part::Topics, topics));
        }
        if request.school_reports {
            tables.push((Part::Groups, indicators::groups::recommended(&inputs, &s)?));
            tables.push((Part::People, people(&inputs)?));
            tables.push((Part::Months, months(&inputs, &term)?));
            tables.push((Part::Overdue, overdue(&inputs, &s)?));
            tables.push((Part::Achievements, achievements(&inputs, &s)?));
            if let Some(profiles) = indicators::questionnaires::year_profiles(&inputs, definitions)?
            {
                tables.push((Part::Profiles, profiles));
            }
            if let Some(versions) =
                indicators::questionnaires::version_changes(&inputs, definitions, &term)?
            {
                tables.push((Part::Versions, versions));
            }
        }
        let tables = tables
            .into_iter()
            .map(|(part, frame)| Ok((part, compact(frame)?)))
            .collect::<PolarsResult<_>>()?;
        Ok(Batch {
            now: compact(now)?,
            previous,
            trend,
            trend_persons,
            persons,
            persons_before,
            schools: schools(&inputs)?,
            tables,
            shown,
        })
    }
}

/// The frame with its text columns copied into buffers of their own. Polars' text columns
/// are views into the buffers they were cut from, so a batch's result rows would otherwise
/// keep the batch's whole input alive: 130 KB a school, 5 GB for 40 000.
fn compact(frame: DataFrame) -> PolarsResult<DataFrame> {
    let height = frame.height();
    let columns = frame
        .columns()
        .iter()
        .cloned()
        .map(|column| match column.str() {
            Ok(text) => text
                .iter()
                .collect::<StringChunked>()
                .with_name(column.name().clone())
                .into_column(),
            Err(_) => column,
        })
        .collect();
    DataFrame::new(height, columns)
}

/// The batches' frames of one table as one frame (`columns` when there are none).
fn stack(frames: Vec<DataFrame>, columns: &[&str]) -> PolarsResult<DataFrame> {
    if frames.is_empty() {
        return empty(columns);
    }
    concat(
        frames.into_iter().map(IntoLazy::lazy).collect::<Vec<_>>(),
        UnionArgs {
            diagonal: true,
            to_supertypes: true,
            ..Default::default()
        },
    )?
    .collect()
}

/// Schools with data in the school year, as their files name them.
fn schools(inputs: &Inputs) -> PolarsResult<Vec<School>> {
    let mut seen: Vec<School> = Vec::new();
    for lf in inputs.school_tables() {
        let df = lf
            .clone()
            .select([col("school_code"), col("school_name"), col("municipality")])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()?;
        let (c, n, m) = (
            df.column("school_code")?.str()?.clone(),
            df.column("school_name")?.str()?.clone(),
            df.column("municipality")?.str()?.clone(),
        );
        for i in 0..df.height() {
            let code = c.get(i).unwrap_or_default();
            if seen.iter().any(|s| s.code == code) {
                continue;
            }
            seen.push(School {
                code: code.into(),
                name: n.get(i).unwrap_or_default().into(),
                municipality: m.get(i).unwrap_or_default().into(),
            });
        }
    }
    Ok(seen)
}

fn empty(columns: &[&str]) -> PolarsResult<DataFrame> {
    DataFrame::new(
        0,
        columns
            .iter()
            .map(|c| Column::new((*c).into(), Vec::<String>::new()))
            .collect(),
    )
}

/// Columns of the people table: the roster as the school's lists print it.
const PEOPLE: [&str; 7] = [
    "school_code",
    "id",
    "full_name",
    "role",
    "class",
    "subject",
    "tutor_id",
];

fn people(inputs: &Inputs) -> PolarsResult<DataFrame> {
    let Some(roster) = inputs.roster.clone() else {
        return empty(&PEOPLE);
    };
    indicators::roster::current(roster)?
        .select(PEOPLE.map(col))
        .sort(
            ["school_code", "role", "full_name"],
            SortMultipleOptions::default(),
        )
        .collect()
}

/// Columns of the monthly attendance table.
const MONTHS: [&str; 6] = [
    "school_code",
    "month",
    "events",
    "present",
    "marked",
    "rate",
];

fn months(inputs: &Inputs, term: &Term) -> PolarsResult<DataFrame> {
    let (Some(events), Some(marks)) = (inputs.events.clone(), inputs.attendance.clone()) else {
        return empty(&MONTHS);
    };
    let events =
        of_term(events, term).with_column(col("date").dt().strftime("%Y-%m").alias("month"));
    let per_event = of_term(marks, term)
        .group_by([col("school_code"), col("author"), col("event_id")])
        .agg([
            col("mark")
                .eq(lit("present"))
                .cast(DataType::Float64)
                .sum()
                .alias("present"),
            len().cast(DataType::Float64).alias("marked"),
        ]);
    events
        .join(
            per_event,
            [col("school_code"), col("author"), col("event_id")],
            [col("school_code"), col("author"), col("event_id")],
            JoinArgs::new(JoinType::Left),
        )
        .group_by([col("school_code"), col("month")])
        .agg([
            len().cast(DataType::Float64).alias("events"),
            col("present").fill_null(lit(0.0)).sum(),
            col("marked").fill_null(lit(0.0)).sum(),
        ])
        .with_column((col("present") / col("marked") * lit(100.0)).alias("rate"))
        .sort(["school_code", "month"], SortMultipleOptions::default())
        .collect()
}

fn with_names(lf: LazyFrame, inputs: &Inputs) -> PolarsResult<LazyFrame> {
    Ok(match inputs.roster.clone() {
        Some(r) => lf.join(
            indicators::roster::current(r)?.select([
                col("school_code").alias("n_school"),
                col("id").alias("n_id"),
                col("full_name"),
            ]),
            [col("school_code"), col("id")],
            [col("n_school"), col("n_id")],
            JoinArgs::new(JoinType::Left),
        ),
        None => lf.with_column(lit(NULL).cast(DataType::String).alias("full_name")),
    })
}

/// Columns of the overdue route steps.
const OVERDUE: [&str; 6] = ["school_code", "id", "full_name", "goal", "activity", "due"];

fn overdue(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    let Some(items) = indicators::routes::items(inputs, settings)? else {
        return empty(&OVERDUE);
    };
    let late = items.filter(col("due_now").and(col("status").eq(lit("запланировано"))));
    with_names(late, inputs)?
        .select(OVERDUE.map(col))
        .sort(["school_code", "due", "id"], SortMultipleOptions::default())
        .collect()
}

/// Columns of the achievements by level.
const ACHIEVEMENTS: [&str; 4] = ["school_code", "level", "nomination", "achievements"];

fn achievements(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    let Some(items) = indicators::routes::items(inputs, settings)? else {
        return empty(&ACHIEVEMENTS);
    };
    items
        .filter(col("achievement"))
        .group_by([
            col("school_code"),
            col("level"),
            col("nomination").fill_null(lit("без номинации")),
        ])
        .agg([len().cast(DataType::Float64).alias("achievements")])
        .sort(
            ["school_code", "level", "nomination"],
            SortMultipleOptions::default(),
        )
        .collect()
}

/// Joins each non-person row with the same row of the comparison term.
fn changes(current: &DataFrame, previous: &DataFrame, compare: &Term) -> PolarsResult<DataFrame> {
    let keys = ["scope", "municipality", "school_code", "group", "indicator"];
    let not_person = col("scope").neq(lit("person"));
    let prev = previous.clone().lazy().filter(not_person.clone()).select(
        keys.iter()
            .map(|k| col(*k))
            .chain([col("value").alias("previous")])
            .collect::<Vec<_>>(),
    );
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    current
        .clone()
        .lazy()
        .filter(not_person)
        .join(
            prev,
            key_exprs.clone(),
            key_exprs,
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("term"),
            lit(compare.label()).alias("compare_term"),
            col("scope"),
            col("municipality"),
            col("school_code"),
            col("group"),
            col("indicator"),
            col("value"),
            col("previous"),
            (col("value") - col("previous")).alias("change"),
        ])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::csv::frame_to_csv;
    use crate::session::Session;

    /// The demo's store (three schools, two terms of one school year), and its two terms.
    fn demo_workspace(dir: &std::path::Path) -> (Session, Term, Term) {
        crate::workspace::Workspace::new(dir)
            .init(crate::config::Kind::School)
            .unwrap();
        let session = Session::open(dir).unwrap();
        crate::demo::fill_inbox(&session.ws).unwrap();
        let options = crate::ingest::Options {
            accept_partial: false,
            fallback: session.fallback(None, None),
            now: NaiveDateTime::parse_from_str("2025-12-01 12:00", "%Y-%m-%d %H:%M").ok(),
            interrupted: false,
        };
        crate::ingest::run(&session.ws, &session.config, &session.definitions, &options).unwrap();
        (
            session,
            Term::parse("2025-2026-Q1").unwrap(),
            Term::parse("2025-2026-Q4").unwrap(),
        )
    }

    fn build(session: &Session, term: Term, reuse: Option<&mut Reuse>) -> ReportModel {
        build_after(session, term, reuse, None)
    }

    fn build_after(
        session: &Session,
        term: Term,
        reuse: Option<&mut Reuse>,
        earlier: Option<&mut Earlier>,
    ) -> ReportModel {
        let request = Request {
            term,
            register: &[],
            school: None,
            compare: None,
            school_reports: true,
            small_cell: None,
            now: NaiveDateTime::parse_from_str("2025-12-01 12:00", "%Y-%m-%d %H:%M").unwrap(),
        };
        let log = session.log().unwrap();
        ReportModel::build_reusing(
            &session.store(),
            &session.config,
            &session.definitions,
            request,
            &log,
            reuse,
            earlier,
        )
        .unwrap()
    }

    /// Every table of the two models as the CSV writer writes it (so types count), every
    /// index and every per-school split.
    fn assert_same(reused: &ReportModel, fresh: &ReportModel) {
        let csv = |df: &DataFrame| String::from_utf8(frame_to_csv(df).unwrap()).unwrap();
        fn frames(m: &ReportModel) -> Vec<(&str, &DataFrame)> {
            let mut frames = vec![
                ("indicators", &m.indicators),
                ("changes", &m.changes),
                ("trend", &m.trend),
            ];
            frames.extend(Part::ALL.map(|part| ("part", m.table(part))));
            frames
        }
        let same = |name: &str, a: &DataFrame, b: &DataFrame| {
            assert_eq!(a.schema(), b.schema(), "{name}");
            let (a, b) = (csv(a), csv(b));
            let first = a.lines().zip(b.lines()).find(|(x, y)| x != y);
            assert!(a == b, "{name}: first difference {first:?}");
        };
        for ((name, a), (_, b)) in frames(reused).into_iter().zip(frames(fresh)) {
            same(name, a, b);
        }
        assert_eq!(reused.schools, fresh.schools);
        assert_eq!(reused.values, fresh.values);
        assert_eq!(reused.previous, fresh.previous);
        assert_eq!(reused.units, fresh.units);
        assert_eq!(reused.units_before, fresh.units_before);
        assert_eq!(reused.trend_values, fresh.trend_values);
        assert_eq!(reused.trend_terms, fresh.trend_terms);
        let mut keys: Vec<_> = fresh.parts.keys().collect();
        keys.sort_by_key(|(part, school)| (format!("{part:?}"), school.clone()));
        assert_eq!(reused.parts.len(), fresh.parts.len());
        for key in keys {
            same(&format!("{key:?}"), &reused.parts[key], &fresh.parts[key]);
        }
        assert_eq!(reused.by_school.len(), fresh.by_school.len());
        for (school, rows) in &fresh.by_school {
            same(school, &reused.by_school[school].rows, &rows.rows);
        }
    }

    #[test]
    fn a_model_taking_an_earlier_terms_rows_equals_one_built_from_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let (session, q1, q4) = demo_workspace(dir.path());
        let mut earlier = Earlier::default();
        assert_same(
            &build_after(&session, q1, None, Some(&mut earlier)),
            &build(&session, q1, None),
        );
        // The fourth term compares with the first: its rows come from the first's model.
        assert!(earlier.rows.keys().all(|(term, _)| *term == q1));
        assert!(!earlier.rows.is_empty());
        assert_same(
            &build_after(&session, q4, None, Some(&mut earlier)),
            &build(&session, q4, None),
        );
        // Its batches are the first term's, so each found its comparison rows there.
        let batches = |t: Term| -> Vec<&Vec<String>> {
            let mut codes: Vec<_> = earlier
                .rows
                .keys()
                .filter(|(term, _)| *term == t)
                .map(|(_, codes)| codes)
                .collect();
            codes.sort();
            codes
        };
        assert_eq!(batches(q4), batches(q1));
    }

    #[test]
    fn a_model_reusing_kept_schools_equals_one_built_from_scratch() {
        let dir = tempfile::tempdir().unwrap();
        let (session, q1, q4) = demo_workspace(dir.path());
        let mut reuse = Reuse::default();
        for term in [q1, q4] {
            // Computed and kept, then every school taken from what was kept.
            assert_same(
                &build(&session, term, Some(&mut reuse)),
                &build(&session, term, None),
            );
            assert_same(
                &build(&session, term, Some(&mut reuse)),
                &build(&session, term, None),
            );
        }
        // One school's first-term attendance leaves the store: the fourth term's progress
        // and trend of that school change, and it alone is computed again, in a batch of
        // its own, beside the two schools kept from the three-school batch.
        let store = session.store();
        let school = store
            .schools(crate::schema::Table::Attendance, &q1)
            .unwrap()[1]
            .clone();
        let partition = store
            .root
            .join("attendance/term_slug=2025-2026-Q1")
            .join(format!("school={school}"));
        std::fs::remove_dir_all(&partition).unwrap();
        let fresh = build(&session, q4, None);
        assert_same(&build(&session, q4, Some(&mut reuse)), &fresh);
    }
}
