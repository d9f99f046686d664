//! Stage 5, compute: the indicators of indicators.md as one long table
//! (`term, scope, municipality, school_code, entity, group, indicator, value`), computed with
//! polars' lazy API from the store. One module per area; each returns lazy pieces of the
//! long table, and [`compute`] concatenates them.
//!
//! Municipality and region values are always pooled over the underlying person records
//! (ratios of sums, means over all persons, counts summed), never means of school means.

pub mod attendance;
pub mod completeness;
pub mod diagnostics;
pub mod flags;
pub mod groups;
pub mod questionnaires;
pub mod roster;
pub mod routes;
mod scope;

use polars::prelude::*;
use polars::series::IsSorted;
use polars_arrow::array::{Array as _, Utf8ViewArray, View};

use crate::config::{Expected, Thresholds};
use crate::definitions::Definitions;
use crate::schema::column::{
    AUTHOR, DIGEST, ENTITY, EVENT_ID, FILLED_ON, FORM_VERSION, GROUP, INDICATOR, INSTRUMENT, KEY,
    MARK, MUNICIPALITY, PERIOD, PERSON_ID, SCHOOL_CODE, SCHOOL_NAME, SCHOOL_YEAR, SCOPE, SEQ,
    SOURCE_FILE, SOURCE_ROW, TERM, VALUE, WAVE,
};
use crate::schema::{Period, Term};
use crate::schema::{Table, Wave, column};
use crate::store::{Columns, Store};

/// Columns of the long table, in order.
pub const COLUMNS: [&str; 8] = column::LONG;

/// Store columns no indicator reads: left on disk (identity and provenance of rows).
const UNREAD: [&str; 7] = [
    KEY,
    DIGEST,
    SOURCE_ROW,
    SOURCE_FILE,
    FILLED_ON,
    FORM_VERSION,
    SCHOOL_YEAR,
];

/// The answers' unread columns: as [`UNREAD`], but answers are counted by the version of
/// their questionnaire their `Паспорт` names, so the form version is read.
const UNREAD_BY_ANSWERS: [&str; 6] = [KEY, DIGEST, SOURCE_ROW, SOURCE_FILE, FILLED_ON, SCHOOL_YEAR];

/// The attendance marks, by far the largest table, are read with only the columns their two
/// readers use (`attendance::per_person`, the report's months): a school year of a region's
/// marks is most of a report's memory.
const ATTENDANCE_READ: [&str; 8] = [
    TERM,
    SCHOOL_CODE,
    MUNICIPALITY,
    AUTHOR,
    EVENT_ID,
    PERSON_ID,
    MARK,
    SEQ,
];

/// What a centre's computation reads of each table, where its store holds packages
/// ([`Inputs::load`]): a centre makes no school documents (their people, months and overdue
/// steps read the roster's classes and subjects, the events' dates, the routes' goals), so
/// nothing else of a package is decoded, cut out by table and copied into the batch's
/// tables. Every reader of a centre's inputs (the indicators, the forms received, the
/// schools' names, the register's municipalities, the checks of [`Inputs::load`]) reads no
/// other column: a column left out would fail a query, not change a value.
fn centre_read(table: Table) -> &'static [&'static str] {
    match table {
        Table::Roster => &[
            TERM,
            PERIOD,
            SCHOOL_CODE,
            SCHOOL_NAME,
            MUNICIPALITY,
            AUTHOR,
            SEQ,
            column::ID,
            column::ROLE,
            column::TUTOR_ID,
        ],
        Table::Events => &[
            TERM,
            SCHOOL_CODE,
            SCHOOL_NAME,
            MUNICIPALITY,
            AUTHOR,
            EVENT_ID,
            column::KIND,
            column::HOURS,
        ],
        Table::Attendance => &[
            TERM,
            SCHOOL_CODE,
            MUNICIPALITY,
            AUTHOR,
            EVENT_ID,
            PERSON_ID,
            MARK,
        ],
        Table::Answers => &[
            TERM,
            SCHOOL_CODE,
            SCHOOL_NAME,
            MUNICIPALITY,
            SEQ,
            INSTRUMENT,
            WAVE,
            FORM_VERSION,
            column::SOURCE_SHA256,
            column::RESPONDENT_ID,
            column::RESPONDENT,
            column::ITEM,
            column::VALUE_NUM,
            column::VALUE_TEXT,
        ],
        Table::DiagTasks => &[
            TERM,
            SCHOOL_CODE,
            SCHOOL_NAME,
            MUNICIPALITY,
            SEQ,
            INSTRUMENT,
            WAVE,
            column::TASK,
            column::MAX_SCORE,
            column::TOPIC_CODE,
            column::TOPIC,
        ],
        Table::DiagResults => &[
            TERM,
            PERIOD,
            SCHOOL_CODE,
            MUNICIPALITY,
            SEQ,
            INSTRUMENT,
            WAVE,
            PERSON_ID,
            column::TASK,
            column::POINTS,
        ],
        Table::Route => &[
            TERM,
            SCHOOL_CODE,
            SCHOOL_NAME,
            MUNICIPALITY,
            SEQ,
            column::ID,
            column::LEVEL,
            column::DUE,
            column::STATUS,
            column::RESULT,
        ],
    }
}

/// The store tables of one school year, conflicts between authors resolved.
#[derive(Clone)]
pub struct Inputs {
    /// Who is tutored and by whom (`None`: no roster stored for the year).
    pub roster: Option<LazyFrame>,
    /// The journals' events (date, kind, hours).
    pub events: Option<LazyFrame>,
    /// The journals' marks, a row per person and event.
    pub attendance: Option<LazyFrame>,
    /// Questionnaire answers, a row per respondent and item.
    pub answers: Option<LazyFrame>,
    /// Each diagnostic's tasks, with their topic and maximum score.
    pub diag_tasks: Option<LazyFrame>,
    /// Students' scores, a row per student and task.
    pub diag_results: Option<LazyFrame>,
    /// The individual routes' steps, with due dates and outcomes.
    pub route: Option<LazyFrame>,
    /// Whether the tables [`Inputs::latest`] reads (answers, diagnostics, routes) hold one
    /// `seq` per school and term (each school's term came in one file, as a centre's packages
    /// do): the latest file is then every row.
    pub one_file_a_term: bool,
    /// Whether each school of these tables has one municipality (as the register, or a
    /// centre's packages, give it): the group-bys within schools then take it from a
    /// group's first row instead of grouping by it ([`Inputs::group_by_school`]).
    pub one_municipality_a_school: bool,
    /// Whether each school's roster rows came in one file (one `seq`, none null, and one
    /// period per school, as a centre's packages give them): every window of
    /// [`roster::current`] then keeps every row, and none is computed.
    pub one_roster_file_a_school: bool,
    /// Whether the marks and the diagnostic results carry the integer key of their
    /// persons [`Inputs::keyed`] makes: the group-bys per person then group one `u32` column
    /// ([`Inputs::group_by_person`]).
    pub keyed: bool,
    /// Whether the person rows of an indicator are computed only where the persons behind
    /// the figures are counted from them ([`crate::privacy::COUNTED`]): a centre's inputs
    /// (its store holds packages), as a centre shows no person rows and counts the persons
    /// of five indicators only. The others' rows, most of a batch's long table, were made,
    /// stacked, filtered and dropped ([`Inputs::person_rows`]).
    pub counted_persons_only: bool,
}

/// A person's integer key within a batch ([`Inputs::keyed`]): the same number for the same
/// texts of [`MARK_PERSON`] in the marks, of [`RESULT_PERSON`] in the diagnostic results.
pub const PERSON_KEY: &str = "person_key";

/// The columns whose texts make the marks' [`PERSON_KEY`]: a person of a school (the
/// municipality is not one of them, so the register's cannot change a key).
const MARK_PERSON: [&str; 2] = [SCHOOL_CODE, PERSON_ID];

/// The columns whose texts make the diagnostic results' [`PERSON_KEY`]: a person of a
/// school in one diagnostic's wave of one term.
const RESULT_PERSON: [&str; 6] = [SCHOOL_CODE, TERM, PERIOD, PERSON_ID, INSTRUMENT, WAVE];

impl Inputs {
    /// Every table held.
    fn tables(&self) -> impl Iterator<Item = &LazyFrame> {
        [
            &self.roster,
            &self.events,
            &self.attendance,
            &self.answers,
            &self.diag_tasks,
            &self.diag_results,
            &self.route,
        ]
        .into_iter()
        .flatten()
    }

    /// The tables every submitted form has a row in with its school (a journal's marks and
    /// a diagnostic's results add no school their events and tasks do not name): where to
    /// look for the schools that sent data.
    pub(crate) fn school_tables(&self) -> impl Iterator<Item = &LazyFrame> {
        [
            &self.roster,
            &self.events,
            &self.answers,
            &self.diag_tasks,
            &self.route,
        ]
        .into_iter()
        .flatten()
    }

    /// Reads the school year of `term` from the store, of some schools or all (partition
    /// pruning by path). A centre's (its store holds packages) reads the columns of
    /// [`centre_read`] and computes the person rows it counts only
    /// ([`Inputs::counted_persons_only`]).
    pub fn load(store: &Store, term: &Term, schools: Option<&[String]>) -> anyhow::Result<Inputs> {
        let centre = store.holds_packages();
        let wanted = Table::ALL.map(|table| {
            let columns = match table {
                _ if centre => Columns::Only(centre_read(table)),
                Table::Attendance => Columns::Only(&ATTENDANCE_READ),
                Table::Answers => Columns::Except(&UNREAD_BY_ANSWERS),
                _ => Columns::Except(&UNREAD),
            };
            (table, columns)
        });
        let mut by_table: [Vec<LazyFrame>; Table::ALL.len()] = Default::default();
        for period in Period::ALL {
            let period = Term {
                year: term.year,
                period,
            };
            // Every table of the term at once: a centre's package is decoded once for all.
            let read = store.read_tables(&wanted, Some(&period), schools)?;
            for (frames, df) in by_table.iter_mut().zip(read) {
                frames.extend(df.map(IntoLazy::lazy));
            }
        }
        // In the order of `Table::ALL`.
        let [
            roster,
            events,
            attendance,
            answers,
            diag_tasks,
            diag_results,
            route,
        ] = by_table.map(|frames| {
            if frames.is_empty() {
                return Ok(None);
            }
            concat(
                frames,
                UnionArgs {
                    diagonal: true,
                    to_supertypes: true,
                    ..Default::default()
                },
            )
            .map(Some)
        });
        let mut inputs = Inputs {
            roster: roster?,
            events: events?,
            attendance: attendance?,
            answers: answers?,
            diag_tasks: diag_tasks?,
            diag_results: diag_results?,
            route: route?,
            one_file_a_term: false,
            one_municipality_a_school: false,
            one_roster_file_a_school: false,
            keyed: false,
            counted_persons_only: centre,
        }
        .materialised()?;
        inputs.one_file_a_term = inputs.holds_one_file_a_term()?;
        inputs.one_roster_file_a_school = inputs.holds_one_roster_file_a_school()?;
        inputs.one_municipality_a_school = inputs.holds_one_municipality_a_school()?;
        Ok(inputs.keyed()?)
    }

    /// The inputs with a [`PERSON_KEY`] column in the marks and the diagnostic results,
    /// numbered here by one pass over each table's key texts ([`dense_keys`]); unchanged (and
    /// not [`Inputs::keyed`]) where a table lacks one of those columns as text, or where a
    /// term's results name two periods (a diagnostic's topics are grouped by its person key
    /// and topic, without the period). Only the tables whose group-bys per person save more
    /// than their keys cost are keyed: the route items (and the events the marks join) were
    /// measured to cost more.
    pub fn keyed(self) -> PolarsResult<Inputs> {
        let frame = |lf: &Option<LazyFrame>| lf.clone().map(LazyFrame::collect).transpose();
        let (mut marks, mut results) = (frame(&self.attendance)?, frame(&self.diag_results)?);
        if let Some(results) = &results
            && !one_value_each(std::slice::from_ref(results), TERM, PERIOD)?
        {
            return Ok(self);
        }
        let keys = [
            marks.as_ref().map(|df| dense_keys(df, MARK_PERSON)),
            results.as_ref().map(|df| dense_keys(df, RESULT_PERSON)),
        ];
        let mut person_keys = Vec::with_capacity(keys.len());
        for keys in keys {
            match keys.transpose()? {
                Some(None) => return Ok(self),
                keys => person_keys.push(keys.flatten()),
            }
        }
        for (df, keys) in [&mut marks, &mut results].into_iter().zip(person_keys) {
            if let (Some(df), Some(keys)) = (df, keys) {
                df.with_column(keys.with_name(PERSON_KEY.into()).into_column())?;
            }
        }
        Ok(Inputs {
            attendance: marks.map(IntoLazy::lazy),
            diag_results: results.map(IntoLazy::lazy),
            keyed: true,
            ..self
        })
    }

    /// Whether the tables [`Inputs::latest`] reads hold one `seq`, none null, per school
    /// and term.
    fn holds_one_file_a_term(&self) -> PolarsResult<bool> {
        let latest_read = [
            &self.answers,
            &self.diag_tasks,
            &self.diag_results,
            &self.route,
        ];
        for table in latest_read.into_iter().flatten() {
            if !one_seq_a_term(&table.clone().collect()?)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the roster holds one `seq`, none null, and one period per school.
    pub(crate) fn holds_one_roster_file_a_school(&self) -> PolarsResult<bool> {
        match &self.roster {
            Some(roster) => one_seq_each(&roster.clone().collect()?, PERIOD, false),
            None => Ok(false),
        }
    }

    /// Whether every table's rows name one municipality per school ([`one_municipality_each`]).
    fn holds_one_municipality_a_school(&self) -> PolarsResult<bool> {
        let frames = self
            .tables()
            .map(|table| table.clone().collect())
            .collect::<PolarsResult<Vec<_>>>()?;
        one_value_each(&frames, SCHOOL_CODE, MUNICIPALITY)
    }

    /// `lf` grouped by `municipality` and `keys` (which name the school), aggregated by
    /// `aggs`. Where each school has one municipality ([`Inputs::one_municipality_a_school`]),
    /// the groups are those of `keys` alone and the municipality is a group's first: the
    /// same groups, without the municipality's text (30 bytes, where the other keys of a
    /// person take about as many) encoded on every row. The columns come in another order.
    pub fn group_by_school(&self, lf: LazyFrame, keys: Vec<Expr>, aggs: Vec<Expr>) -> LazyFrame {
        if self.one_municipality_a_school {
            let mut all = vec![col(MUNICIPALITY).first()];
            all.extend(aggs);
            lf.group_by(keys).agg(all)
        } else {
            let mut by = vec![col(MUNICIPALITY)];
            by.extend(keys);
            lf.group_by(by).agg(aggs)
        }
    }

    /// `lf` grouped by a person (`texts`, the columns that name them: the school, the
    /// person, and, for the diagnostics, the term, the period, the diagnostic and its wave)
    /// and `extra` keys, aggregated by `aggs`, as [`Inputs::group_by_school`] groups
    /// `texts` and `extra`. Where the rows carry their [`PERSON_KEY`]
    /// ([`Inputs::keyed`]), the groups are those of the key (one `u32` column instead of
    /// several texts encoded on every row) and `texts` are each group's first. The columns
    /// come in another order, the key among them.
    pub fn group_by_person(
        &self,
        lf: LazyFrame,
        texts: Vec<Expr>,
        extra: Vec<Expr>,
        aggs: Vec<Expr>,
    ) -> LazyFrame {
        if !self.keyed {
            let mut keys = texts;
            keys.extend(extra);
            return self.group_by_school(lf, keys, aggs);
        }
        let mut by = vec![col(PERSON_KEY)];
        by.extend(extra);
        let mut all: Vec<Expr> = texts.into_iter().map(Expr::first).collect();
        if self.one_municipality_a_school {
            all.push(col(MUNICIPALITY).first());
        } else {
            by.push(col(MUNICIPALITY));
        }
        all.extend(aggs);
        lf.group_by(by).agg(all)
    }

    /// The person rows of `indicator` ([`scope::person`]), or none where only the rows the
    /// persons are counted from are computed ([`Inputs::counted_persons_only`]) and
    /// `indicator` is not one of them.
    pub fn person_rows(
        &self,
        records: LazyFrame,
        term: &Term,
        group: Expr,
        value: Expr,
        indicator: crate::schema::Indicator,
    ) -> Option<LazyFrame> {
        (!self.counted_persons_only || crate::privacy::COUNTED.contains(&indicator))
            .then(|| scope::person(records, term, group, value, indicator))
    }

    /// [`latest`] over rows of these inputs (filtered, or with columns added, but with their
    /// own school, term and `seq`), for `keys` naming the school and the term: where each
    /// school's term came in one file ([`Inputs::one_file_a_term`]), every row is its key's
    /// latest, and the window over the keys is not computed.
    pub fn latest(&self, lf: LazyFrame, keys: &[&str]) -> PolarsResult<LazyFrame> {
        if self.one_file_a_term && keys.contains(&SCHOOL_CODE) && keys.contains(&TERM) {
            Ok(lf)
        } else {
            latest(lf, keys)
        }
    }
}

/// Whether `df`'s rows hold one `seq`, none null, per school and term (a null school or term
/// counting as one): a frame without these columns does not.
fn one_seq_a_term(df: &DataFrame) -> PolarsResult<bool> {
    one_seq_each(df, TERM, true)
}

/// Whether `df`'s rows hold one `seq`, none null, per school and `other` text (`by_other`),
/// or one `seq` and one `other` text per school (a null school or text counting as one): a
/// frame without these columns does not.
fn one_seq_each(df: &DataFrame, other: &str, by_other: bool) -> PolarsResult<bool> {
    let (Ok(schools), Ok(others), Ok(seqs)) =
        (df.column(SCHOOL_CODE), df.column(other), df.column(SEQ))
    else {
        return Ok(false);
    };
    let (Ok(schools), Ok(others), Ok(seqs)) = (schools.str(), others.str(), seqs.u64()) else {
        return Ok(false);
    };
    if seqs.null_count() > 0 {
        return Ok(false);
    }
    let (schools, others, seqs) = (schools.rechunk(), others.rechunk(), seqs.rechunk());
    let (schools, others) = (schools.downcast_as_array(), others.downcast_as_array());
    let mut files = OneValueEach::default();
    for (i, &seq) in seqs.downcast_as_array().values().iter().enumerate() {
        let row = (view(schools, i), view(others, i), seq);
        let holds = files.holds(row, || {
            let (school, other) = (schools.get(i), others.get(i));
            if by_other {
                ((school, other), (None, seq))
            } else {
                ((school, None), (other, seq))
            }
        });
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Whether the rows of `frames` name one `value` per `key` text (a null counting as one
/// text): a frame without either column names none.
fn one_value_each(frames: &[DataFrame], key: &str, value: &str) -> PolarsResult<bool> {
    let mut columns = Vec::with_capacity(frames.len());
    for df in frames {
        let (Ok(keys), Ok(values)) = (df.column(key), df.column(value)) else {
            continue;
        };
        let (Ok(keys), Ok(values)) = (keys.str(), values.str()) else {
            return Ok(false);
        };
        columns.push((keys.rechunk(), values.rechunk()));
    }
    let mut keys_seen = OneValueEach::default();
    for (keys, values) in &columns {
        let (keys, values) = (keys.downcast_as_array(), values.downcast_as_array());
        // A view names a long text by its place in this array's buffers.
        keys_seen.next_array();
        for i in 0..keys.len() {
            let row = (view(keys, i), view(values, i));
            if !keys_seen.holds(row, || (keys.get(i), values.get(i))) {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Dense `u32` keys of the rows of `df`, one number for each distinct tuple of the texts of
/// `columns` (a null counting as one text); `None` where `df` lacks one of the columns as
/// text. Each column's texts are numbered first ([`Numbered`]), so a row's tuple is looked
/// up as `N` numbers, and only where it is not the last row's.
fn dense_keys<const N: usize>(
    df: &DataFrame,
    columns: [&str; N],
) -> PolarsResult<Option<UInt32Chunked>> {
    let mut texts = Vec::with_capacity(N);
    for name in columns {
        let Ok(Ok(column)) = df.column(name).map(Column::str) else {
            return Ok(None);
        };
        texts.push(column.rechunk().into_owned());
    }
    let arrays: [&Utf8ViewArray; N] = std::array::from_fn(|c| texts[c].downcast_as_array());
    let mut numbered: [Numbered; N] = std::array::from_fn(|_| Numbered::default());
    let mut keys_of = FirstSeen::default();
    let mut keys = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let row: [u32; N] = std::array::from_fn(|c| numbered[c].number(arrays[c], i));
        keys.push(keys_of.number(row)?);
    }
    Ok(Some(UInt32Chunked::from_vec("key".into(), keys)))
}

/// Keys numbered in order of first appearance. Rows of one key mostly come one after
/// another, so a key is compared with the last one first and hashed only where it differs.
struct FirstSeen<K> {
    numbers: PlHashMap<K, u32>,
    last: Option<(K, u32)>,
}

impl<K> Default for FirstSeen<K> {
    fn default() -> Self {
        FirstSeen {
            numbers: PlHashMap::default(),
            last: None,
        }
    }
}

impl<K: Copy + Eq + std::hash::Hash> FirstSeen<K> {
    /// The number of `key`: the count of keys met before it, the first time it is met.
    fn number(&mut self, key: K) -> PolarsResult<u32> {
        if let Some((last, number)) = self.last
            && last == key
        {
            return Ok(number);
        }
        let next = u32::try_from(self.numbers.len())
            .map_err(|_| polars_err!(ComputeError: "more keys than a u32 numbers"))?;
        let number = *self.numbers.entry(key).or_insert(next);
        self.last = Some((key, number));
        Ok(number)
    }
}

/// The texts of one column of [`dense_keys`], numbered in order of first appearance. Within
/// one array a text's view (its length and inline bytes, or prefix and place
/// in the array's buffers) names it, and a column decoded from a package's dictionary
/// repeats a few views many times: a row's text is looked up by its view, and by its bytes
/// only the first time a view is met.
#[derive(Default)]
struct Numbered<'a> {
    /// The number of each view met.
    by_view: PlHashMap<u128, u32>,
    /// The number of each text.
    by_text: PlHashMap<&'a str, u32>,
    /// The last row's view and number.
    last: Option<(View, u32)>,
}

impl<'a> Numbered<'a> {
    /// The number of a null.
    const NULL: u32 = u32::MAX;

    /// The number of row `i`'s text of `texts`.
    fn number(&mut self, texts: &'a Utf8ViewArray, i: usize) -> u32 {
        if !texts.is_valid(i) {
            return Self::NULL;
        }
        let view = texts.views()[i];
        if let Some((last, number)) = self.last
            && last == view
        {
            return number;
        }
        let by_text = &mut self.by_text;
        let number = *self.by_view.entry(view.as_u128()).or_insert_with(|| {
            let next = u32::try_from(by_text.len()).unwrap_or(Self::NULL);
            *by_text.entry(texts.value(i)).or_insert(next)
        });
        self.last = Some((view, number));
        number
    }
}

/// The view of row `i` of `texts` (its length and inline bytes, or its prefix and place in
/// the array's buffers), `None` where it is null.
fn view(texts: &Utf8ViewArray, i: usize) -> Option<View> {
    texts.is_valid(i).then(|| texts.views()[i])
}

/// Checks row by row that each key comes with one value. The rows of a file or a school
/// come together, and within one array a text's view is the last row's where it is the
/// same text: a row whose views (`R`) are the last row's is not looked up.
struct OneValueEach<R, K, V> {
    last: Option<R>,
    seen: std::collections::HashMap<K, V>,
}

impl<R, K, V> Default for OneValueEach<R, K, V> {
    fn default() -> Self {
        OneValueEach {
            last: None,
            seen: std::collections::HashMap::new(),
        }
    }
}

impl<R: PartialEq, K: std::hash::Hash + Eq, V: PartialEq> OneValueEach<R, K, V> {
    /// Whether the row of views `row`, with its key and value from `key_value`, keeps each
    /// key seen so far with one value.
    fn holds(&mut self, row: R, key_value: impl FnOnce() -> (K, V)) -> bool {
        if self.last.as_ref() == Some(&row) {
            return true;
        }
        self.last = Some(row);
        let (key, value) = key_value();
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(seen) => *seen.get() == value,
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(value);
                true
            }
        }
    }

    /// Rows of another array follow: its views compare with none of the last array's.
    fn next_array(&mut self) {
        self.last = None;
    }
}

impl Inputs {
    /// Takes each school's municipality from the register, whatever its files say, so a
    /// municipality spelt two ways is still one unit of the roll-up.
    pub fn with_register(self, register: &[(String, String)]) -> PolarsResult<Inputs> {
        if register.is_empty() {
            return Ok(self);
        }
        let mut inputs = self.registered(register)?;
        inputs.one_municipality_a_school = inputs.holds_one_municipality_a_school()?;
        Ok(inputs)
    }

    /// [`Inputs::with_register`] before its municipalities are checked.
    fn registered(self, register: &[(String, String)]) -> PolarsResult<Inputs> {
        let mut municipality_of = std::collections::HashMap::with_capacity(register.len());
        let unique = register.iter().all(|(code, municipality)| {
            municipality_of
                .insert(code.as_str(), municipality.as_str())
                .is_none()
        });
        if !unique {
            return self.joined_to(register);
        }
        // Each table's municipality column is made anew; its other columns stay as they are
        // (a join would gather every column of every table again).
        let remap = |lf: Option<LazyFrame>| -> PolarsResult<Option<LazyFrame>> {
            lf.map(|lf| {
                let mut df = lf.collect()?;
                let codes = df.column(SCHOOL_CODE)?.cast(&DataType::String)?;
                let own = df.column(MUNICIPALITY)?;
                let kept = own.dtype() == &DataType::String;
                let own = own.cast(&DataType::String)?;
                let registered = || {
                    Ok::<_, PolarsError>(
                        codes
                            .str()?
                            .iter()
                            .map(|code| code.and_then(|c| municipality_of.get(c).copied())),
                    )
                };
                // Where the files already name every registered school's municipality as the
                // register does (the usual case), the column stays as it is.
                if kept
                    && registered()?
                        .zip(own.str()?.iter())
                        .all(|(registered, own)| registered.is_none_or(|r| Some(r) == own))
                {
                    return Ok(df.lazy());
                }
                let municipality: StringChunked = registered()?
                    .zip(own.str()?.iter())
                    .map(|(registered, own)| registered.or(own))
                    .collect();
                df.replace(
                    MUNICIPALITY,
                    municipality.with_name(MUNICIPALITY.into()).into_column(),
                )?;
                Ok(df.lazy())
            })
            .transpose()
        };
        self.try_map(remap)
    }

    /// [`Inputs::with_register`] for a register naming a school more than once: a join, so
    /// each of the school's rows is counted once for every entry, as it always was.
    fn joined_to(self, register: &[(String, String)]) -> PolarsResult<Inputs> {
        let (codes, munis): (Vec<&str>, Vec<&str>) = register
            .iter()
            .map(|(c, m)| (c.as_str(), m.as_str()))
            .unzip();
        let lookup = df!("r_code" => codes, "r_municipality" => munis)?.lazy();
        let remap = |lf: Option<LazyFrame>| {
            lf.map(|lf| {
                lf.join(
                    lookup.clone(),
                    [col(SCHOOL_CODE)],
                    [col("r_code")],
                    JoinArgs::new(JoinType::Left),
                )
                .with_column(
                    when(col("r_municipality").is_not_null())
                        .then(col("r_municipality"))
                        .otherwise(col(MUNICIPALITY))
                        .alias(MUNICIPALITY),
                )
                .drop(cols(["r_municipality"]))
            })
        };
        self.try_map(|lf| Ok(remap(lf)))?.materialised()
    }

    /// Each table computed once, as one chunk a column. The indicators scan each table
    /// several times (a query per indicator area, and again per term of a trend): left
    /// lazy, every scan would concatenate the table's frames of every package or
    /// submission again, and join it to the register again.
    fn materialised(self) -> PolarsResult<Inputs> {
        let collect = |lf: Option<LazyFrame>| -> PolarsResult<Option<LazyFrame>> {
            lf.map(|lf| {
                let mut df = lf.collect()?;
                df.rechunk_mut();
                Ok(df.lazy())
            })
            .transpose()
        };
        self.try_map(collect)
    }

    /// `f` applied to each table, in the order of the fields.
    fn try_map(
        self,
        f: impl Fn(Option<LazyFrame>) -> PolarsResult<Option<LazyFrame>>,
    ) -> PolarsResult<Inputs> {
        Ok(Inputs {
            roster: f(self.roster)?,
            events: f(self.events)?,
            attendance: f(self.attendance)?,
            answers: f(self.answers)?,
            diag_tasks: f(self.diag_tasks)?,
            diag_results: f(self.diag_results)?,
            route: f(self.route)?,
            one_file_a_term: self.one_file_a_term,
            one_municipality_a_school: self.one_municipality_a_school,
            one_roster_file_a_school: self.one_roster_file_a_school,
            keyed: self.keyed,
            counted_persons_only: self.counted_persons_only,
        })
    }
}

/// What a computation needs besides the data.
pub struct Settings<'a> {
    /// The term the indicators are computed for (the year's data up to its end).
    pub term: Term,
    /// The levels and flags' thresholds of `tutorstat.toml`.
    pub thresholds: &'a Thresholds,
    /// The questionnaires and diagnostics, for their scales and competencies.
    pub definitions: &'a Definitions,
    /// The questionnaires and diagnostics owed in each term, for completeness.
    pub expected: &'a Expected,
    /// Schools the completeness is measured against: (code, municipality).
    pub register: &'a [(String, String)],
    /// The schools of this computation when it covers a batch of them (see [`compute_schools`]).
    pub batch: Option<&'a [String]>,
}

/// Every indicator of the term, as the long table.
pub fn compute(inputs: &Inputs, settings: &Settings) -> PolarsResult<DataFrame> {
    combine(vec![compute_schools(inputs, settings)?.rows])
}

/// What [`compute_schools`] makes of a batch of schools.
pub struct SchoolRows {
    /// School and person rows with the [`scope::SUMS`] columns.
    pub rows: DataFrame,
    /// The expected forms of each school and whether each arrived ([`completeness::form_status`]).
    pub forms: DataFrame,
}

/// The school and person rows of the schools in `inputs`, with the sums their municipality
/// and region are pooled from (the [`scope::SUMS`] columns). A region is computed in batches
/// of schools this way, so memory holds one batch's records, not the region's.
pub fn compute_schools(inputs: &Inputs, settings: &Settings) -> PolarsResult<SchoolRows> {
    let forms = completeness::form_status(inputs, settings)?;
    let mut pieces = Vec::new();
    pieces.extend(roster::indicators(inputs, settings)?);
    pieces.extend(attendance::indicators(inputs, settings)?);
    pieces.extend(questionnaires::indicators(inputs, settings)?);
    // The year's scored diagnostics and their sums per person, read by the diagnostic
    // indicators and (the sums) by the support flags.
    let scored = diagnostics::scored(inputs)?.map(shared).transpose()?;
    let people = scored
        .clone()
        .map(|scored| shared(diagnostics::per_person(inputs, scored)))
        .transpose()?;
    if let (Some(scored), Some(people)) = (&scored, &people) {
        pieces.extend(diagnostics::indicators(inputs, scored, people, settings)?);
    }
    pieces.extend(routes::indicators(inputs, settings)?);
    pieces.extend(completeness::indicators(&forms, settings)?);
    let rows = if pieces.is_empty() {
        scope::without_sums(empty_long()?.lazy())
    } else {
        concat(pieces, UnionArgs::default())?
    };
    // A null (or undefined: 0/0, x/0) value has no row.
    // One chunk: the pieces' union leaves a chunk per piece, and every group-by of the flags
    // and of the persons' counts would copy them into one again.
    let mut rows = rows.filter(col(VALUE).is_finite()).collect()?;
    rows.rechunk_mut();
    let flags = scope::without_sums(flags::indicators(&rows, people.as_ref(), settings)?);
    Ok(SchoolRows {
        rows: concat([rows.lazy(), flags], UnionArgs::default())?.collect()?,
        forms,
    })
}

/// The long table from the rows of every batch of schools ([`compute_schools`]): the
/// municipality and region rows are made from the schools' sums.
pub fn combine(batches: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let rows = concat(
        batches.into_iter().map(IntoLazy::lazy).collect::<Vec<_>>(),
        UnionArgs::default(),
    )?
    .collect()?
    .lazy();
    let units = scope::units(rows.clone())?.filter(col(VALUE).is_finite());
    let schools = rows.filter(col("shown")).select(COLUMNS.map(col));
    sorted_long(concat([schools, units], UnionArgs::default())?.collect()?)
}

/// The columns the long table is sorted by, in order.
const LONG_ORDER: [&str; 6] = [SCOPE, MUNICIPALITY, SCHOOL_CODE, INDICATOR, GROUP, ENTITY];

/// `long` sorted by [`LONG_ORDER`], ascending with nulls first, rows of equal keys in the
/// order they come: the frame polars' stable sort by those columns makes, with the first
/// of them marked sorted as polars marks it. The rows are counted into their (scope,
/// municipality, school) groups ([`group_numbers`]), some 600 for a region of 300 schools,
/// the groups ordered by those three texts, and each group's rows sorted stably by the
/// other three: a comparison of two rows never reads the 50 or so bytes a group's rows
/// share. The frame is made one chunk first, so that the gather copies each text's view,
/// not its bytes.
fn sorted_long(mut long: DataFrame) -> PolarsResult<DataFrame> {
    long.rechunk_mut();
    let order = {
        let texts = |name: &str| -> PolarsResult<Vec<Option<&str>>> {
            Ok(long.column(name)?.str()?.iter().collect())
        };
        let [scope, municipality, school, indicator, group, entity] = LONG_ORDER;
        let rest = (texts(indicator)?, texts(group)?, texts(entity)?);
        let keys = [texts(scope)?, texts(municipality)?, texts(school)?];
        let groups = group_numbers(&keys)?;
        // Each group's first row and its rows' count, by the group's number.
        let (mut first, mut sizes) = (Vec::new(), Vec::<IdxSize>::new());
        for (row, &g) in groups.iter().enumerate() {
            if g as usize == sizes.len() {
                first.push(row);
                sizes.push(0);
            }
            sizes[g as usize] += 1;
        }
        // The groups in the order of their texts, and where each one's rows start.
        let key = |g: usize| keys.each_ref().map(|texts| texts[first[g]]);
        let mut ranked: Vec<usize> = (0..sizes.len()).collect();
        ranked.sort_by(|&a, &b| key(a).cmp(&key(b)));
        let mut starts = vec![0 as IdxSize; sizes.len()];
        let mut bounds = Vec::with_capacity(sizes.len() + 1);
        let mut at: IdxSize = 0;
        bounds.push(0);
        for &g in &ranked {
            starts[g] = at;
            at += sizes[g];
            bounds.push(at as usize);
        }
        let mut order = vec![0 as IdxSize; groups.len()];
        for (row, &g) in groups.iter().enumerate() {
            order[starts[g as usize] as usize] = row as IdxSize;
            starts[g as usize] += 1;
        }
        let rest_of = |row: IdxSize| {
            let row = row as usize;
            (rest.0[row], rest.1[row], rest.2[row])
        };
        for range in bounds.windows(2) {
            order[range[0]..range[1]].sort_by(|&a, &b| rest_of(a).cmp(&rest_of(b)));
        }
        IdxCa::from_vec(PlSmallStr::EMPTY, order)
    };
    let mut sorted = long.take(&order)?;
    sorted.apply(SCOPE, |scope| {
        let mut scope = scope.clone();
        scope.set_sorted_flag(IsSorted::Ascending);
        scope
    })?;
    Ok(sorted)
}

/// The number of each row's (scope, municipality, school) group of the long table, given
/// its three columns' texts: the groups numbered in order of first appearance. A group's
/// rows mostly come one after another (a batch's school, then its persons), so a row is
/// compared with the last one first, and its texts hashed only where they differ. Numbering
/// each column's texts by their views and bytes first ([`dense_keys`]) hashed every row of
/// the long table (537 000 at 300 schools), a view per text being new where a column's
/// texts are not dictionary-decoded.
fn group_numbers(keys: &[Vec<Option<&str>>; 3]) -> PolarsResult<Vec<u32>> {
    let rows = keys[0].len();
    let mut numbers = FirstSeen::default();
    let mut groups = Vec::with_capacity(rows);
    for row in 0..rows {
        groups.push(numbers.number(keys.each_ref().map(|texts| texts[row]))?);
    }
    Ok(groups)
}

/// A long table with no rows.
fn empty_long() -> PolarsResult<DataFrame> {
    let mut columns: Vec<Column> = COLUMNS[..7]
        .iter()
        .map(|c| Column::new((*c).into(), Vec::<String>::new()))
        .collect();
    columns.push(Column::new(VALUE.into(), Vec::<f64>::new()));
    DataFrame::new(0, columns)
}

/// `level(p)` of indicators.md as an expression: `низкий`, `средний`, `высокий`.
pub fn level(p: Expr, t: &Thresholds) -> Expr {
    let p = comparable(p);
    when(p.clone().lt(lit(t.level_mid)))
        .then(lit("низкий"))
        .when(p.lt(lit(t.level_high)))
        .then(lit("средний"))
        .otherwise(lit("высокий"))
}

/// Decimal places a computed value is rounded to before it is compared, with a threshold
/// (levels, deficits, support flags) or with another value (progress). Every value is a
/// fraction of integer points, marks or counts with small denominators, so two values that
/// differ at all differ long before the ninth decimal, while floating-point error sits near
/// the fifteenth: a mean that is 75 in exact arithmetic but computed as 74.99999999999999
/// is `высокий`, and a person whose index is the same in both waves neither rose nor fell.
pub const COMPARE_DECIMALS: u32 = 9;

/// A computed value as it is compared ([`COMPARE_DECIMALS`]).
pub fn comparable(x: Expr) -> Expr {
    x.round(COMPARE_DECIMALS, RoundMode::HalfToEven)
}

/// [`comparable`] of one number, for comparisons made outside polars.
pub fn comparable_value(x: f64) -> f64 {
    let scale = 10f64.powi(COMPARE_DECIMALS as i32);
    (x * scale).round_ties_even() / scale
}

/// The sum of `x` over a group, the same whatever order its rows come in. Floating-point
/// addition is not associative, and joins and group-bys on several threads deliver a
/// group's rows in a different order from run to run: summed as they come (or even sorted
/// first, which polars' optimiser does not always keep), the same data gave last digits
/// that changed between runs. So each value is split into its whole part and its fraction
/// in billionths, both summed as integers, which is exact in any order; the two are joined
/// by one division at the end. A value loses at most half a billionth, well below
/// [`COMPARE_DECIMALS`]; typed numbers (hours, points) with up to nine decimals are exact,
/// so 0.1 + 0.2 is 0.3. Two integer sums keep room for any region: the billionths of a row
/// are below 10^9, and the whole parts are the values themselves.
pub fn exact_sum(x: Expr) -> Expr {
    let [whole, billionths] = exact_parts(x);
    sum_of_parts(whole, billionths)
}

/// The two integer parts of each value of `x` that [`exact_sum`] adds up: its whole part
/// and its fraction in billionths (`Int64`). Made once a row as columns ([`exact_part_columns`])
/// where several sums read the same values, or where a join repeats a few values on many
/// rows: a sum in a group-by evaluates its expression on every row of every group, `floor`
/// twice.
pub(super) fn exact_parts(x: Expr) -> [Expr; 2] {
    let x = x.cast(DataType::Float64);
    let whole = x.clone().floor();
    let billionths = ((x - whole.clone()) * lit(BILLION)).round(0, RoundMode::HalfToEven);
    [
        whole.cast(DataType::Int64),
        billionths.cast(DataType::Int64),
    ]
}

/// The names of the columns holding [`exact_parts`] of a column `name`.
pub fn exact_part_names(name: &str) -> [String; 2] {
    [format!("{name}_whole"), format!("{name}_billionths")]
}

/// [`exact_parts`] of the column `name`, as columns named by [`exact_part_names`].
pub fn exact_part_columns(name: &str) -> [Expr; 2] {
    let [whole, billionths] = exact_parts(col(name));
    let [whole_name, billionths_name] = exact_part_names(name);
    [whole.alias(whole_name), billionths.alias(billionths_name)]
}

/// [`exact_sum`] of the column `name` from its [`exact_part_columns`].
pub fn exact_sum_of_parts(name: &str) -> Expr {
    let [whole, billionths] = exact_part_names(name);
    sum_of_parts(col(whole), col(billionths))
}

/// The sum [`exact_sum`] makes of the integer parts `whole` and `billionths`.
fn sum_of_parts(whole: Expr, billionths: Expr) -> Expr {
    whole.sum().cast(DataType::Float64) + billionths.sum().cast(DataType::Float64) / lit(BILLION)
}

/// The mean of the present values of `x` ([`exact_sum`] over their count); null when none is.
pub fn exact_mean(x: Expr) -> Expr {
    let count = x.clone().is_not_null().cast(DataType::Float64).sum();
    when(count.clone().gt(lit(0.0)))
        .then(exact_sum(x) / count)
        .otherwise(lit(NULL))
}

/// Units of one in [`exact_sum`]'s fractions.
const BILLION: f64 = 1e9;

/// The three levels of indicators.md, from the lowest: the values of [`level`] and the
/// order a level distribution is shown in.
pub const LEVELS: [&str; 3] = ["низкий", "средний", "высокий"];

/// Keeps, for each `keys`, the rows of the latest submission (largest `seq`): where two
/// authors send a record for the same person, the later file wins (workflow.md).
pub fn latest(lf: LazyFrame, keys: &[&str]) -> PolarsResult<LazyFrame> {
    keep_max(lf, SEQ, keys)
}

/// Keeps the rows whose `column` is the largest within each `keys` group.
pub fn keep_max(lf: LazyFrame, column: &str, keys: &[&str]) -> PolarsResult<LazyFrame> {
    let keys: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    Ok(lf.filter(col(column).eq(col(column).max().over(keys)?)))
}

/// The rank of a period by its last month within the school year (Q1 < Q2 = H1 < Q3 < Q4 = H2 = Y).
pub fn period_rank(period: Period) -> i32 {
    match period {
        Period::Q1 => 1,
        Period::Q2 | Period::H1 => 2,
        Period::Q3 => 3,
        Period::Q4 | Period::H2 | Period::Y => 4,
    }
}

/// [`period_rank`] as an expression over a `period` code column.
pub fn period_rank_expr() -> Expr {
    Period::ALL
        .into_iter()
        .fold(lit(period_rank(Period::Y)), |rest, p| {
            when(col(PERIOD).eq(lit(p.code())))
                .then(lit(period_rank(p)))
                .otherwise(rest)
        })
}

/// The rank of a `wave` code column as an expression, in the order waves are held (the
/// `Ord` of [`Wave`]); anything else ranks with the final wave.
pub fn wave_rank_expr() -> Expr {
    Wave::ALL
        .into_iter()
        .fold(lit(Wave::Final as i32), |rest, w| {
            when(col(WAVE).eq(lit(w.code())))
                .then(lit(w as i32))
                .otherwise(rest)
        })
}

/// Materialises a plan used by several pieces, so it runs once instead of once per piece,
/// as one chunk a column (polars' group-by copies a frame of several chunks into one first,
/// each time it runs).
pub fn shared(lf: LazyFrame) -> PolarsResult<LazyFrame> {
    let mut df = lf.collect()?;
    df.rechunk_mut();
    Ok(df.lazy())
}

/// Rows of the term itself.
pub fn of_term(lf: LazyFrame, term: &Term) -> LazyFrame {
    lf.filter(col(TERM).eq(lit(term.label())))
}

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod properties;

#[cfg(test)]
mod register {
    use polars::prelude::*;

    use super::Inputs;
    use super::testing::empty_inputs;

    /// A registered school's rows take the register's municipality, others keep their own:
    /// the same frame as the join a register naming a school twice still takes.
    #[test]
    fn municipalities_from_the_register_are_those_of_the_join() {
        let events = df!(
            "school_code" => [Some("A"), Some("B"), None, Some("A"), Some("C")],
            "municipality" => [Some("из файла"), Some("М2"), Some("М3"), None, Some("М4")],
            "x" => [1, 2, 3, 4, 5]
        )
        .unwrap()
        .lazy();
        let inputs = || Inputs {
            events: Some(events.clone()),
            ..empty_inputs()
        };
        let register = [
            ("A".to_string(), "М1".to_string()),
            ("C".to_string(), "М9".to_string()),
            ("D".to_string(), "М1".to_string()),
        ];
        let events_of = |inputs: Inputs| {
            inputs
                .events
                .unwrap()
                .sort(["x"], SortMultipleOptions::default())
                .collect()
                .unwrap()
        };
        let mapped = events_of(inputs().with_register(&register).unwrap());
        let joined = events_of(inputs().joined_to(&register).unwrap());
        assert_eq!(mapped.get_column_names(), joined.get_column_names());
        assert_eq!(mapped, joined);
        let municipalities: Vec<Option<&str>> = mapped
            .column("municipality")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(
            municipalities,
            [Some("М1"), Some("М2"), Some("М3"), Some("М1"), Some("М9")]
        );
        // A register the files agree with leaves the frame as it was.
        let agreeing = [("B".to_string(), "М2".to_string())];
        let kept = events_of(inputs().with_register(&agreeing).unwrap());
        assert_eq!(kept, events_of(inputs()));
        assert_eq!(kept, events_of(inputs().joined_to(&agreeing).unwrap()));
    }
}

#[cfg(test)]
mod one_file {
    use polars::prelude::*;

    use super::testing::empty_inputs;
    use super::{Inputs, latest, one_seq_a_term, one_seq_each};

    fn rows(seqs: [u64; 5]) -> DataFrame {
        df!(
            "school_code" => [Some("A"), Some("A"), Some("B"), None, Some("A")],
            "term" => ["T1", "T1", "T1", "T1", "T2"],
            "id" => ["p", "p", "p", "q", "p"],
            "seq" => seqs
        )
        .unwrap()
    }

    #[test]
    fn one_seq_a_school_and_term_is_found_however_the_rows_are_listed() {
        assert!(one_seq_a_term(&rows([1, 1, 2, 3, 4])).unwrap());
        assert!(one_seq_a_term(&rows([1, 1, 1, 1, 1])).unwrap());
        // A school's term from two files, even apart.
        assert!(!one_seq_a_term(&rows([1, 2, 2, 3, 4])).unwrap());
        let mut apart = rows([1, 1, 2, 3, 4]);
        apart.vstack_mut(&rows([5, 5, 2, 3, 4])).unwrap();
        assert!(!one_seq_a_term(&apart).unwrap());
        // A null `seq` or none at all.
        let nulls = df!("school_code" => ["A"], "term" => ["T1"], "seq" => [None::<u64>]).unwrap();
        assert!(!one_seq_a_term(&nulls).unwrap());
        assert!(!one_seq_a_term(&rows([1; 5]).drop("seq").unwrap()).unwrap());
    }

    /// One file a school: one `seq` and one text of the other column (here the term) per
    /// school, a null school counting as one.
    #[test]
    fn one_seq_and_text_a_school_is_found() {
        assert!(one_seq_each(&rows([1, 1, 2, 3, 1]).drop("term").unwrap(), "id", false).unwrap());
        // A's two terms, though in one file.
        assert!(!one_seq_each(&rows([1, 1, 2, 3, 1]), "term", false).unwrap());
        // A's two files, though of two terms.
        assert!(!one_seq_each(&rows([1, 1, 2, 3, 4]), "id", false).unwrap());
    }

    /// Where each school's term holds one `seq`, every row is its key's latest: what the
    /// inputs' `latest` returns without a window is what `latest` computes.
    #[test]
    fn the_latest_of_one_file_a_term_is_every_row() {
        let inputs = Inputs {
            route: Some(rows([1, 1, 2, 3, 4]).lazy()),
            ..empty_inputs()
        };
        assert!(inputs.holds_one_file_a_term().unwrap());
        let one_file = Inputs {
            one_file_a_term: true,
            ..inputs
        };
        let keys = ["school_code", "term", "id"];
        let frame = one_file.route.clone().unwrap();
        let skipped = one_file.latest(frame.clone(), &keys).unwrap();
        let computed = latest(frame, &keys).unwrap();
        assert_eq!(skipped.collect().unwrap(), computed.collect().unwrap());
        // Two files of a term: computed as ever.
        let two = Inputs {
            route: Some(rows([1, 2, 2, 3, 4]).lazy()),
            ..empty_inputs()
        };
        assert!(!two.holds_one_file_a_term().unwrap());
    }
}

#[cfg(test)]
mod sums {
    use polars::prelude::*;

    use super::{exact_mean, exact_part_columns, exact_sum, exact_sum_of_parts};

    fn first(df: DataFrame, column: &str) -> Option<f64> {
        df.column(column).unwrap().f64().unwrap().get(0)
    }

    /// Summed as they come, 0.1 + 0.2 + 0.3 is 0.6000000000000001 and 0.3 + 0.2 + 0.1 is
    /// 0.6; a third split into whole part and billionths counts to the ninth decimal.
    #[test]
    fn exact_sums_do_not_depend_on_row_order() {
        let sum_of = |values: &[f64]| {
            let df = df!("x" => values).unwrap().lazy().select([
                exact_sum(col("x")).alias("s"),
                exact_mean(col("x")).alias("m"),
            ]);
            let df = df.collect().unwrap();
            (first(df.clone(), "s").unwrap(), first(df, "m").unwrap())
        };
        assert_eq!(sum_of(&[0.1, 0.2, 0.3]), sum_of(&[0.3, 0.2, 0.1]));
        assert_eq!(sum_of(&[0.1, 0.2, 0.3]).0, 0.6);
        let thirds = [100.0 / 3.0, 200.0 / 3.0, -1.0 / 3.0, 7.25];
        let mut reversed = thirds;
        reversed.reverse();
        assert_eq!(sum_of(&thirds), sum_of(&reversed));
        assert!((sum_of(&thirds).0 - (299.0 / 3.0 + 7.25)).abs() < 1e-9);
    }

    /// Sums of the parts split once a row are the sums of the values: whole parts and
    /// billionths of fractions, negative values and nulls.
    #[test]
    fn sums_of_parts_split_once_a_row_are_exact_sums() {
        let x = [Some(100.0 / 3.0), Some(-1.25), None, Some(7.5), Some(0.1)];
        let df = df!("x" => x)
            .unwrap()
            .lazy()
            .with_columns(exact_part_columns("x"))
            .select([
                exact_sum(col("x")).alias("s"),
                exact_sum_of_parts("x").alias("p"),
            ])
            .collect()
            .unwrap();
        assert_eq!(first(df.clone(), "p"), first(df.clone(), "s"));
        assert!((first(df, "p").unwrap() - (100.0 / 3.0 - 1.25 + 7.5 + 0.1)).abs() < 1e-9);
    }

    #[test]
    fn the_mean_of_nothing_is_null() {
        let df = df!("x" => [None::<f64>, None])
            .unwrap()
            .lazy()
            .select([exact_mean(col("x")).alias("m")])
            .collect()
            .unwrap();
        assert_eq!(first(df, "m"), None);
    }
}

#[cfg(test)]
mod municipalities {
    use polars::prelude::*;

    use super::testing::empty_inputs;
    use super::{Inputs, one_value_each};

    /// Schools A, A, (no code), B.
    fn rows(munis: [Option<&str>; 4]) -> DataFrame {
        df!(
            "school_code" => [Some("A"), Some("A"), None, Some("B")],
            "municipality" => munis
        )
        .unwrap()
    }

    #[test]
    fn one_municipality_a_school_is_checked_over_every_table() {
        let one_municipality_each =
            |frames: &[DataFrame]| one_value_each(frames, "school_code", "municipality");
        let one = rows([Some("М1"), Some("М1"), Some("М2"), Some("М2")]);
        assert!(one_municipality_each(std::slice::from_ref(&one)).unwrap());
        // A null municipality (or code) is one value.
        assert!(one_municipality_each(&[rows([None, None, Some("М1"), Some("М2")])]).unwrap());
        // A school named in two municipalities, in one table or in two.
        assert!(!one_municipality_each(&[rows([Some("М1"), None, None, None])]).unwrap());
        let other = rows([Some("М1"), Some("М1"), Some("М2"), Some("М3")]);
        assert!(!one_municipality_each(&[one.clone(), other]).unwrap());
        // A frame without a municipality names none.
        let events = df!("school_code" => ["A", "C"]).unwrap();
        assert!(one_municipality_each(&[one, events]).unwrap());
    }

    /// A: p has x = 1 and 8, q has 2; B: p has 4. Grouped within schools with the
    /// municipality as a key or taken from the groups, the same sums and municipalities.
    #[test]
    fn groups_within_schools_are_those_of_the_municipality_as_a_key() {
        let lf = df!(
            "municipality" => ["М1", "М1", "М2", "М1"],
            "school_code" => ["A", "A", "B", "A"],
            "person" => ["p", "q", "p", "p"],
            "x" => [1.0, 2.0, 4.0, 8.0]
        )
        .unwrap()
        .lazy();
        for one in [false, true] {
            let inputs = Inputs {
                one_municipality_a_school: one,
                ..empty_inputs()
            };
            let keys = vec![col("school_code"), col("person")];
            let df = inputs
                .group_by_school(lf.clone(), keys, vec![col("x").sum()])
                .select([
                    col("municipality"),
                    col("school_code"),
                    col("person"),
                    col("x"),
                ])
                .sort(["school_code", "person"], SortMultipleOptions::default())
                .collect()
                .unwrap();
            let expected = df!(
                "municipality" => ["М1", "М1", "М2"],
                "school_code" => ["A", "A", "B"],
                "person" => ["p", "q", "p"],
                "x" => [9.0, 2.0, 4.0]
            )
            .unwrap();
            assert_eq!(df, expected);
        }
    }
}

#[cfg(test)]
mod keys {
    use polars::prelude::*;

    use super::dense_keys;
    use super::testing::{empty_inputs, frame, rec};

    const LONG: &str = "средняя школа № 1 города";

    /// Numbers worked by hand: (A, p) 0, (A, q) 1, (LONG, p) 2, (null, p) 3. The two
    /// LONG texts are stored apart, so their views differ.
    #[test]
    fn equal_texts_take_one_key() {
        let df = df!(
            "s" => [Some("A"), Some("A"), Some("A"), Some(LONG), None, Some(LONG)],
            "p" => ["p", "q", "p", "p", "p", "p"]
        )
        .unwrap();
        let keys = dense_keys(&df, ["s", "p"]).unwrap().unwrap();
        assert_eq!(keys.to_vec(), [0, 1, 0, 2, 3, 2].map(Some));
        // A frame without one of the columns as text takes none.
        let numbers = df!("s" => [1], "p" => ["p"]).unwrap();
        assert!(dense_keys(&numbers, ["s", "p"]).unwrap().is_none());
        assert!(dense_keys(&df, ["s", "x"]).unwrap().is_none());
    }

    /// Results whose term names two periods are not keyed: a topic's groups leave the
    /// period out of their texts.
    #[test]
    fn inputs_are_keyed_where_each_term_has_one_period() {
        let result = |period: &str| {
            rec("S", "М1")
                .s("period", period)
                .s("person_id", "p")
                .s("task", "1")
                .f("points", 1.0)
        };
        let keyed = |periods: [&str; 2]| {
            let inputs = super::Inputs {
                diag_results: Some(frame(&periods.map(result))),
                ..empty_inputs()
            };
            inputs.keyed().unwrap().keyed
        };
        assert!(keyed(["Q1", "Q1"]));
        assert!(!keyed(["Q1", "Q2"]));
    }
}

#[cfg(test)]
mod long_order {
    use polars::prelude::*;
    use proptest::prelude::*;

    use super::{LONG_ORDER, sorted_long};

    /// Texts that share prefixes, an empty text, Cyrillic and a null.
    const TEXTS: [Option<&str>; 7] = [
        None,
        Some(""),
        Some("a"),
        Some("ab"),
        Some("b"),
        Some("М1"),
        Some("М1/низкий"),
    ];

    /// A long table of `rows` (one text index per key column), in two chunks, its `value`
    /// the row's place so that rows of equal keys tell apart.
    fn frame(rows: &[[usize; 6]], split: usize) -> DataFrame {
        let column = |k: usize| {
            let texts: Vec<Option<&str>> = rows.iter().map(|r| TEXTS[r[k]]).collect();
            Column::new(LONG_ORDER[k].into(), texts)
        };
        let mut columns: Vec<Column> = (0..LONG_ORDER.len()).map(column).collect();
        let values: Vec<f64> = (0..rows.len()).map(|i| i as f64).collect();
        columns.push(Column::new("value".into(), values));
        let df = DataFrame::new(rows.len(), columns).unwrap();
        let split = split.min(rows.len());
        let mut chunked = df.slice(0, split);
        chunked
            .vstack_mut(&df.slice(split as i64, rows.len()))
            .unwrap();
        chunked
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// The row-encoded sort gives polars' stable sort by the six columns, nulls first,
        /// ties in their order, and marks the first column sorted as polars does.
        #[test]
        fn sorted_long_is_polars_stable_sort(
            rows in prop::collection::vec([0..7usize, 0..7usize, 0..7usize, 0..3usize, 0..7usize, 0..7usize], 0..80),
            split in 0..80usize,
        ) {
            let df = frame(&rows, split);
            let expected = df
                .sort(LONG_ORDER, SortMultipleOptions::default().with_maintain_order(true))
                .unwrap();
            let got = sorted_long(df).unwrap();
            prop_assert!(got.equals_missing(&expected));
            for (g, e) in got.columns().iter().zip(expected.columns()) {
                prop_assert_eq!(g.is_sorted_flag(), e.is_sorted_flag());
            }
        }
    }
}
