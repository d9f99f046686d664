//! Privacy for everything that leaves a school (workflow.md, ФЗ-152): persons become keyed
//! hashes (HMAC-SHA-256 with a key that lives only in the school's `tutorstat.toml`), and
//! names, free-text answers and free-text fields are dropped. At the centre, small-cell
//! suppression: a figure that describes fewer than `small_cell` persons is removed from the
//! figures of its term before any output is made ([`suppress`]).

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use polars::prelude::*;
use sha2::Sha256;

use crate::frame::{numbers, strings, text_at};
use crate::schema::column::{
    ACTIVITY, AUTHOR, DIGEST, FULL_NAME, GOAL, GROUP, ID, INDICATOR, ITEM, KEY, MUNICIPALITY,
    NOMINATION, PERSON_ID, RESPONDENT, RESPONDENT_ID, SCHOOL_CODE, SCOPE, SOURCE_FILE, SOURCE_ROW,
    TOPIC, TUTOR_ID, VALUE,
};
use crate::schema::{Family, Indicator, Scope, Table};

/// A fresh random key, hex encoded, for `[privacy] key` in `tutorstat.toml`. A reproducible
/// run (`SOURCE_DATE_EPOCH` set: the tests and the frozen demo) gets a key made from that
/// time instead, so the same inbox gives the same pseudonyms and package bytes; workspaces
/// people use are made without it.
pub fn new_key() -> anyhow::Result<String> {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return Ok(crate::digest::hex(&<Sha256 as sha2::Digest>::digest(
            format!("tutorstat reproducible key {epoch}"),
        )));
    }
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| anyhow::anyhow!("не удалось получить случайный ключ: {e}"))?;
    Ok(crate::digest::hex(&bytes))
}

/// The pseudonym of an ID: `п-` and 16 hex digits of HMAC-SHA-256(key, school | id).
pub fn pseudonym(key: &str, school: &str, id: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(school.as_bytes());
    mac.update(b"|");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex = crate::digest::hex(&digest[..8]);
    format!("п-{hex}")
}

/// Columns holding person IDs (or authors' names) that are replaced by pseudonyms.
const ID_COLUMNS: [&str; 5] = [ID, TUTOR_ID, PERSON_ID, RESPONDENT_ID, AUTHOR];

/// Columns emptied before anything leaves the school: names, free text and file names. They
/// stay in the schema, as nulls, so every reader of the store works the same at a centre.
/// A diagnostic task's `topic` is kept ([`kept`]).
const BLANKED: [&str; 6] = [FULL_NAME, GOAL, ACTIVITY, NOMINATION, TOPIC, SOURCE_FILE];

/// Whether a [`BLANKED`] column of `table` leaves the school as it is: a diagnostic task's
/// topic names a skill («Дроби»), not a person or a session, and the centre plans its groups
/// by it; an event's topic is free text about a session and stays blanked.
fn kept(table: Table, column: &str) -> bool {
    table == Table::DiagTasks && column == TOPIC
}

/// Columns dropped: record keys built from raw IDs, and source rows.
const DROPPED: [&str; 3] = [KEY, DIGEST, SOURCE_ROW];

/// Pseudonymises one store table: IDs hashed with the key, names and free text removed.
/// Events keep no topic (diagnostic tasks keep theirs) and answers to free-text items are
/// dropped whole.
pub fn pseudonymise(
    table: Table,
    frame: DataFrame,
    key: &str,
    text_items: &[String],
) -> PolarsResult<DataFrame> {
    let mut frame = frame;
    if table == Table::Answers {
        let keep: BooleanChunked = frame
            .column(ITEM)?
            .str()?
            .iter()
            .map(|i| Some(!i.is_some_and(|i| text_items.iter().any(|t| t == i))))
            .collect();
        frame = frame.filter(&keep)?;
    }
    for name in BLANKED.into_iter().filter(|name| !kept(table, name)) {
        if frame.column(name).is_ok() {
            frame.replace(
                name,
                Column::full_null(name.into(), frame.height(), &DataType::String),
            )?;
        }
    }
    let schools = frame.column(SCHOOL_CODE)?.str()?.clone();
    for name in ID_COLUMNS {
        let Ok(column) = frame.column(name) else {
            continue;
        };
        let values = column.str()?.clone();
        let hashed: StringChunked = values
            .iter()
            .zip(schools.iter())
            .map(|(v, s)| v.map(|v| pseudonym(key, s.unwrap_or_default(), v)))
            .collect();
        frame.replace(name, hashed.with_name(name.into()).into_column())?;
    }
    if table == Table::Answers {
        // Anonymous respondents are `#<row>` inside their file: not an ID, kept as is.
        frame = frame
            .lazy()
            .with_column(
                when(col(RESPONDENT_ID).is_not_null())
                    .then(col(RESPONDENT_ID))
                    .otherwise(col(RESPONDENT))
                    .alias(RESPONDENT),
            )
            .collect()?;
    }
    let present: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .filter(|n| !DROPPED.contains(&n.as_str()))
        .collect();
    frame.select(present)
}

/// The indicators whose person rows [`Counts::add_persons`] counts: the only person rows
/// a centre, which shows none, computes ([`crate::indicators::Inputs::counted_persons_only`]).
pub const COUNTED: [Indicator; 5] = [
    Indicator::AttRate,
    Indicator::RItems,
    Indicator::QProgress,
    Indicator::DPct,
    Indicator::DProgress,
];

/// Persons behind each unit's figures of one term, to decide suppression:
/// (scope, municipality, school, family) -> n.
#[derive(Clone, Default)]
pub struct Counts(HashMap<(String, String, String, String), f64>);

/// The persons a figure describes, as a key of [`Counts`]: the indicator's [`Family`], and
/// for questionnaires and diagnostics the instrument and wave its group starts with;
/// `None` for figures about no person (events, forms, flags).
fn family(indicator: &str, group: &str) -> Option<String> {
    let first_two = || group.split('/').take(2).collect::<Vec<_>>().join("/");
    Some(match Indicator::parse(indicator)?.family()? {
        Family::Attendance => "att".into(),
        Family::Routes => "r".into(),
        Family::Roster => "roster".into(),
        Family::Questionnaire => format!("q:{}", first_two()),
        Family::QuestionnaireProgress => format!("qp:{}", first_two()),
        Family::Diagnostic => format!("d:{}", first_two()),
        Family::DiagnosticProgress => format!("dp:{}", first_two()),
    })
}

impl Counts {
    /// Adds the persons behind the person rows of `rows` (the rows of a batch of schools),
    /// to their school, municipality and the region: counts add up over batches.
    /// Questionnaires are counted by their respondents instead ([`Counts::with_totals`]):
    /// anonymous respondents have no person rows.
    pub fn add_persons(&mut self, rows: &DataFrame) -> PolarsResult<()> {
        let is_counted = COUNTED.iter().fold(lit(false), |any, c| {
            any.or(col(INDICATOR).eq(lit(c.code())))
        });
        let persons = rows
            .clone()
            .lazy()
            .filter(col(SCOPE).eq(lit(Scope::Person.code())).and(is_counted))
            .collect()?;
        let text = |name: &str| persons.column(name).and_then(|c| c.str().cloned());
        let (muni, school, ind, group) = (
            text(MUNICIPALITY)?,
            text(SCHOOL_CODE)?,
            text(INDICATOR)?,
            text(GROUP)?,
        );
        // Counted by school and family first, on the frame's own text: a key of four owned
        // strings for every person row and scope was a twentieth of a centre's report.
        let mut families: Vec<String> = Vec::new();
        // polars' hasher: the standard one (SipHash) of every person row's texts was about
        // one per cent of a centre's report.
        let mut family_of: PlHashMap<(&str, &str), Option<usize>> = PlHashMap::default();
        let mut at_school: PlHashMap<(&str, &str, usize), f64> = PlHashMap::default();
        for (((muni, school), ind), group) in muni
            .iter()
            .zip(school.iter())
            .zip(ind.iter())
            .zip(group.iter())
        {
            let (ind, group) = (ind.unwrap_or_default(), group.unwrap_or_default());
            // A person's progress has a row per competency and one for the index: count the index.
            if ind == Indicator::QProgress.code() && group.matches('/').count() > 1 {
                continue;
            }
            let found = *family_of.entry((ind, group)).or_insert_with(|| {
                family(ind, group).map(|f| {
                    families.push(f);
                    families.len() - 1
                })
            });
            let Some(f) = found else {
                continue;
            };
            let at = (muni.unwrap_or_default(), school.unwrap_or_default(), f);
            *at_school.entry(at).or_default() += 1.0;
        }
        for ((muni, school, f), n) in at_school {
            for key in [
                (Scope::School.code(), muni, school),
                (Scope::Municipality.code(), muni, ""),
                (Scope::Region.code(), "", ""),
            ] {
                *self
                    .0
                    .entry((
                        key.0.into(),
                        key.1.into(),
                        key.2.into(),
                        families[f].clone(),
                    ))
                    .or_default() += n;
            }
        }
        Ok(())
    }

    /// Adds the counts of another batch of schools.
    pub fn merge(&mut self, other: Counts) {
        for (key, n) in other.0 {
            *self.0.entry(key).or_default() += n;
        }
    }

    /// The person counts with the totals of the long table that count persons themselves:
    /// the participants total (the roster) and each questionnaire's respondents, named or
    /// anonymous.
    pub fn with_totals(&self, long: &DataFrame) -> PolarsResult<Counts> {
        let mut counts = self.clone();
        // The few totals first: the long table of a country has millions of rows.
        let totals = long
            .clone()
            .lazy()
            .filter(
                col(INDICATOR)
                    .eq(lit(Indicator::Participants.code()))
                    .and(col(GROUP).eq(lit("")))
                    .or(col(INDICATOR).eq(lit(Indicator::QRespondents.code())))
                    .and(col(SCOPE).neq(lit(Scope::Person.code()))),
            )
            .collect()?;
        let (scope, muni, school, indicator, group, value) = (
            strings(&totals, SCOPE),
            strings(&totals, MUNICIPALITY),
            strings(&totals, SCHOOL_CODE),
            strings(&totals, INDICATOR),
            strings(&totals, GROUP),
            numbers(&totals, VALUE),
        );
        for i in 0..totals.height() {
            if let (Some(f), Some(v)) = (family(&indicator[i], &group[i]), value[i]) {
                counts
                    .0
                    .insert((scope[i].clone(), muni[i].clone(), school[i].clone(), f), v);
            }
        }
        Ok(counts)
    }

    /// Whether a figure of a unit describes fewer than `k` persons.
    pub fn is_small(
        &self,
        scope: &str,
        municipality: &str,
        school: &str,
        indicator: &str,
        group: &str,
        k: usize,
    ) -> bool {
        let Some(f) = family(indicator, group) else {
            return false;
        };
        let n = self
            .0
            .get(&(scope.into(), municipality.into(), school.into(), f))
            .copied()
            .unwrap_or(0.0);
        n < k as f64
    }
}

/// Splits the non-person rows of a term's long table into the figures that may be
/// published (each describes at least `k` persons, by `counts` of the same term) and the
/// suppressed ones; person rows are never published.
pub fn suppress(
    long: DataFrame,
    counts: &Counts,
    k: usize,
) -> PolarsResult<(DataFrame, DataFrame)> {
    let text = |name: &str| long.column(name).and_then(|c| c.str().cloned());
    let (scope, muni, school, ind, group) = (
        text(SCOPE)?,
        text(MUNICIPALITY)?,
        text(SCHOOL_CODE)?,
        text(INDICATOR)?,
        text(GROUP)?,
    );
    let small: BooleanChunked = (0..long.height())
        .map(|i| {
            Some(counts.is_small(
                text_at(&scope, i),
                text_at(&muni, i),
                text_at(&school, i),
                text_at(&ind, i),
                text_at(&group, i),
                k,
            ))
        })
        .collect();
    let not_person: BooleanChunked = scope
        .iter()
        .map(|s| Some(s != Some(Scope::Person.code())))
        .collect();
    let shown = long.filter(&(&not_person & &!&small))?;
    let hidden = long.filter(&(&not_person & &small))?;
    Ok((shown, hidden))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_depend_on_the_key_and_the_school_and_hide_the_id() {
        let a = pseudonym("ключ", "2315-001", "У-1");
        assert_eq!(a, pseudonym("ключ", "2315-001", "У-1"));
        assert_ne!(a, pseudonym("другой ключ", "2315-001", "У-1"));
        assert_ne!(a, pseudonym("ключ", "2315-004", "У-1"));
        assert!(a.starts_with("п-") && !a.contains("У-1"));
    }

    #[test]
    fn a_diagnostic_topic_leaves_the_school_and_an_event_topic_does_not() {
        let events =
            df!("school_code" => ["S"], "event_id" => ["С1"], "topic" => ["Мои цели на год"])
                .unwrap();
        let out = pseudonymise(Table::Events, events, "k", &[]).unwrap();
        assert_eq!(out.column("topic").unwrap().null_count(), 1);
        let tasks = df!("school_code" => ["S"], "task" => ["1"], "topic_code" => ["Т1"], "topic" => ["Дроби"]).unwrap();
        let out = pseudonymise(Table::DiagTasks, tasks, "k", &[]).unwrap();
        assert_eq!(
            out.column("topic").unwrap().str().unwrap().get(0),
            Some("Дроби")
        );
    }

    #[test]
    fn names_and_free_text_are_dropped_and_ids_hashed() {
        let roster = df!("school_code" => ["S"], "id" => ["У-1"], "full_name" => ["Иванов Иван"], "role" => ["обучающийся"], "tutor_id" => [None::<&str>], "source_file" => ["inbox/Иванова.xlsx"]).unwrap();
        let out = pseudonymise(Table::Roster, roster, "k", &[]).unwrap();
        assert_eq!(
            out.get_column_names(),
            [
                "school_code",
                "id",
                "full_name",
                "role",
                "tutor_id",
                "source_file"
            ]
        );
        assert_eq!(out.column("full_name").unwrap().null_count(), 1);
        assert_eq!(out.column("source_file").unwrap().null_count(), 1);
        assert_eq!(
            out.column("id").unwrap().str().unwrap().get(0),
            Some(pseudonym("k", "S", "У-1").as_str())
        );
        let answers = df!("school_code" => ["S", "S"], "item" => ["С1", "О1"], "respondent_id" => [Some("У-1"), Some("У-1")], "respondent" => ["У-1", "У-1"], "value_text" => [None, Some("Мне помогла Мария Петровна")]).unwrap();
        let out = pseudonymise(Table::Answers, answers, "k", &["О1".to_string()]).unwrap();
        assert_eq!(out.height(), 1);
        assert_eq!(
            out.column("respondent").unwrap().str().unwrap().get(0),
            Some(pseudonym("k", "S", "У-1").as_str())
        );
    }
}
