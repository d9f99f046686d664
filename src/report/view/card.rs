//! Individual cards: one A4 page per наставник, педагог and обучающийся, for the tutor who
//! prepares a tutorial with that person (the seeds' practice is individual: ИОМ and ИОП,
//! STAR nominations, routes planned from diagnostic deficits), and one file per tutor with
//! all her tutorants' cards, for printing before a consultation day. Written to
//! `reports/<term>/cards/<school>/<class or role>/<ID> <Фамилия И. О.>.pdf` and
//! `reports/<term>/cards/<school>/по тьюторам/<ID> <Фамилия И. О.>.pdf`.
//!
//! Cards hold names: they are made only in a school's workspace and nothing of them goes
//! into the package for the centre. This module gathers what a card shows ([`Card`]); the
//! figures are the person rows of the report model (the rows of `indicators.csv`), the lists
//! behind them (route items, events by kind, topics, answers) come from the store through
//! the indicator modules' own plans. `render/pdf/card.rs` lays a card out.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::config::{Config, Thresholds};
use crate::definitions::{Definitions, Direction, Questionnaire};
use crate::frame::{numbers, strings};
use crate::indicators::{self, Inputs, Settings, comparable_value, of_term, period_rank};
use crate::report::model::{Part, ReportModel, School};
use crate::report::names;
use crate::schema::Indicator;
use crate::schema::Term;
use crate::store::Store;

/// Whose cards to write; `None` means no restriction.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// One school's cards (`cards --school`).
    pub school: Option<String>,
    /// One person's card, by ID (`--person`).
    pub person: Option<String>,
    /// The cards of one tutor's tutees, by the tutor's ID (`--tutor`).
    pub tutor: Option<String>,
    /// One class's cards (`--class`; «9 А» and «9а» are the same class).
    pub class: Option<String>,
}

impl Selection {
    /// Whether a person's card is among those asked for.
    pub fn wants(&self, p: &Person) -> bool {
        let same_class = |c: &str| squeeze(c) == squeeze(&p.class);
        self.person.as_deref().is_none_or(|id| id == p.id)
            && self.tutor.as_deref().is_none_or(|t| t == p.tutor_id)
            && self.class.as_deref().is_none_or(same_class)
    }

    /// Tutors' files are written when whole lists of tutorants are chosen.
    pub fn bundles(&self) -> bool {
        self.person.is_none() && self.class.is_none()
    }
}

/// `9 а` and `9А` are one class.
fn squeeze(class: &str) -> String {
    class.split_whitespace().collect::<String>().to_uppercase()
}

/// A person of the roster in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub full_name: String,
    pub role: String,
    pub class: String,
    pub tutor_id: String,
}

impl Person {
    /// `Смирнов А. Д.` from `Смирнов Артём Дмитриевич`.
    pub fn short_name(&self) -> String {
        short_name(&self.full_name)
    }
}

pub fn short_name(full: &str) -> String {
    let mut words = full.split_whitespace();
    let Some(surname) = words.next() else {
        return String::new();
    };
    let initials: Vec<String> = words
        .take(2)
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect();
    if initials.is_empty() {
        surname.to_string()
    } else {
        format!("{surname} {}", initials.join(" "))
    }
}

/// Attendance of the term: the person's figures, the school's rate, events by kind, months.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    pub rate: f64,
    pub school_rate: Option<f64>,
    pub events: Option<f64>,
    pub hours: Option<f64>,
    /// (kind, marked, present), by kind.
    pub by_kind: Vec<(String, usize, usize)>,
    /// (`2025-09`, rate), by month.
    pub months: Vec<(String, f64)>,
}

/// One item of the person's route in force at the end of the term.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteItem {
    pub goal: String,
    pub activity: String,
    pub level: String,
    pub nomination: String,
    pub due: Option<NaiveDate>,
    pub status: String,
    pub result: String,
    pub evidence: String,
    /// Due by the term's end and still `запланировано` (`r_overdue`).
    pub overdue: bool,
    /// Result `призёр` or `победитель` (`r_achievements`).
    pub achievement: bool,
}

/// The route's figures (person rows) with its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub items: Vec<RouteItem>,
    pub done_pct: Option<f64>,
    pub overdue: f64,
    pub achievements: f64,
    /// (level, achievements) of the person rows `r_achievements` by level.
    pub by_level: Vec<(String, f64)>,
}

/// One wave of a diagnostic the person wrote in the school year up to the term.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosticWave {
    pub wave: String,
    pub term: Term,
    pub score: f64,
    pub max: f64,
    pub pct: f64,
    /// `level(d_pct)`: низкий, средний, высокий.
    pub level: &'static str,
}

impl Topic {
    /// Below 50 %, compared as the indicators compare (`d_deficit_pct`, recommended groups).
    pub fn deficit(&self) -> bool {
        comparable_value(self.pct) < DEFICIT
    }
}

/// A topic of the diagnostic's latest wave in the term (`d_topic_pct`).
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    pub code: String,
    pub name: String,
    pub pct: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub name: String,
    pub waves: Vec<DiagnosticWave>,
    /// Topics of the latest wave held in the term (none when the last wave was earlier).
    pub topics: Vec<Topic>,
    pub topics_wave: String,
    /// `d_progress`: final minus start, in the term of the final wave.
    pub progress: Option<f64>,
    /// Recommended groups the person is in (`groups.csv`): topic code and name.
    pub groups: Vec<String>,
}

/// A questionnaire's competency profile of the person, by wave.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub title: String,
    /// Higher is worse (a difficulty questionnaire).
    pub higher_worse: bool,
    /// Waves present, in order (`start`, `mid`, `final`).
    pub waves: Vec<String>,
    /// (competency name, score per wave of `waves`).
    pub competencies: Vec<(String, Vec<Option<f64>>)>,
}

/// Answers to a questionnaire's items without a competency (interests and the like).
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    pub title: String,
    /// (question, answer).
    pub items: Vec<(String, String)>,
}

/// Everything one card shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub person: Person,
    pub tutor: Option<String>,
    pub school: School,
    pub term: Term,
    pub attendance: Option<Attendance>,
    pub route: Option<Route>,
    pub diagnostics: Vec<Diagnostic>,
    pub profiles: Vec<Profile>,
    pub answers: Vec<Answers>,
    /// «На что обратить внимание».
    pub attention: Vec<String>,
}

/// Below this attendance a person is listed for attention (the school report's list).
const LOW_ATTENDANCE: f64 = 50.0;
/// Below this a topic is a deficit (indicators.md, `d_deficit_pct`).
const DEFICIT: f64 = 50.0;

/// `У-1 Смирнов А. Д.pdf` (the initials' last dot merges with the extension's).
pub fn file_name(person: &Person) -> String {
    safe_name(&format!(
        "{} {}.pdf",
        person.id,
        person.short_name().trim_end_matches('.')
    ))
}

pub fn role_folder(role: &str) -> String {
    match role {
        "наставник" => "наставники".into(),
        "педагог" => "педагоги".into(),
        "обучающийся" => "обучающиеся".into(),
        other => other.to_string(),
    }
}

/// A file or folder name from text typed in a roster: no path separators, characters
/// Windows refuses, control characters or leading dots; never empty.
pub fn safe_name(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches([' ', '.']);
    if trimmed.is_empty() {
        "_".into()
    } else {
        trimmed.to_string()
    }
}

/// Rows of a school by person ID.
type ByPerson<T> = HashMap<String, Vec<T>>;

/// A mark of the term with its event's kind and month (`2025-09`).
struct Mark {
    kind: String,
    month: String,
    present: bool,
}

/// A competency score of a wave.
struct Score {
    questionnaire: String,
    wave: String,
    term: Term,
    competency: String,
    score: f64,
}

/// An answer to an item without a competency (one row per chosen option).
struct Answer {
    questionnaire: String,
    term: Term,
    item: String,
    text: String,
}

/// What a school's cards need beyond the report model, loaded once per school.
pub struct Details {
    pub people: Vec<Person>,
    /// Person rows of the model: entity -> (indicator, group, value).
    values: ByPerson<(String, String, f64)>,
    /// Marks of the term joined with their events: person -> (kind, month, present).
    marks: ByPerson<Mark>,
    route: ByPerson<RouteItem>,
    /// Diagnostic waves of the year up to the term: person -> waves with their diagnostic.
    waves: ByPerson<(String, DiagnosticWave)>,
    /// (diagnostic, wave, topic code) -> topic name.
    topics: HashMap<(String, String, String), String>,
    /// Competency scores up to the term: person -> (questionnaire, wave, term, competency, score).
    scores: ByPerson<Score>,
    /// Other answers up to the term: person -> (questionnaire, term, item, text).
    answers: ByPerson<Answer>,
    /// person -> recommended groups: (diagnostic, `Т2 Уравнения`).
    groups: ByPerson<(String, String)>,
    school: School,
    school_rate: Option<f64>,
    term: Term,
}

/// Whether a record's term lies in the school year up to the card's term.
fn up_to(label: &str, term: &Term) -> Option<Term> {
    Term::parse(label)
        .filter(|t| t.year == term.year && period_rank(t.period) <= period_rank(term.period))
}

impl Details {
    pub fn load(
        store: &Store,
        config: &Config,
        definitions: &Definitions,
        model: &ReportModel,
        school: &School,
    ) -> anyhow::Result<Details> {
        let term = model.term;
        let code = school.code.as_str();
        let inputs = Inputs::load(store, &term, Some(std::slice::from_ref(&school.code)))?;
        let settings = Settings {
            term,
            thresholds: &config.thresholds,
            definitions,
            expected: &config.expected,
            register: &[],
            batch: None,
        };
        let people = model.part(Part::People, code);
        let people: Vec<Person> = {
            let [id, full_name, role, class, tutor_id] =
                ["id", "full_name", "role", "class", "tutor_id"].map(|c| strings(&people, c));
            (0..id.len())
                .map(|i| Person {
                    id: id[i].clone(),
                    full_name: full_name[i].clone(),
                    role: role[i].clone(),
                    class: class[i].clone(),
                    tutor_id: tutor_id[i].clone(),
                })
                .collect()
        };
        let mut values: ByPerson<(String, String, f64)> = HashMap::new();
        let rows = model.rows(code, "person", "")?;
        for ((entity, (indicator, group)), value) in strings(&rows, "entity")
            .into_iter()
            .zip(
                strings(&rows, "indicator")
                    .into_iter()
                    .zip(strings(&rows, "group")),
            )
            .zip(numbers(&rows, "value"))
        {
            if let Some(v) = value {
                values
                    .entry(entity)
                    .or_default()
                    .push((indicator, group, v));
            }
        }
        let mut groups: ByPerson<(String, String)> = HashMap::new();
        let g = model.part(Part::Groups, code);
        let [diagnostic, topic_code, topic, person_id] =
            ["diagnostic", "topic_code", "topic", "person_id"].map(|c| strings(&g, c));
        for i in 0..g.height() {
            groups.entry(person_id[i].clone()).or_default().push((
                diagnostic[i].clone(),
                format!("{} {}", topic_code[i], topic[i]),
            ));
        }
        Ok(Details {
            marks: marks(&inputs, &term)?,
            route: route_items(&inputs, &settings)?,
            waves: diagnostic_waves(&inputs, &term, &config.thresholds)?,
            topics: topic_names(&inputs, &term)?,
            scores: competency_scores(&inputs, definitions, &term)?,
            answers: other_answers(&inputs, definitions, &term)?,
            people,
            values,
            groups,
            school: school.clone(),
            school_rate: model.value(code, "", Indicator::AttRate, ""),
            term,
        })
    }

    /// The person's value of an indicator and group (a person row of the model).
    fn value(&self, id: &str, indicator: &str, group: &str) -> Option<f64> {
        self.values
            .get(id)?
            .iter()
            .find(|(i, g, _)| i == indicator && g == group)
            .map(|(_, _, v)| *v)
    }

    pub fn card(&self, person: &Person, definitions: &Definitions) -> Card {
        let id = person.id.as_str();
        let tutor = self
            .people
            .iter()
            .find(|p| !person.tutor_id.is_empty() && p.id == person.tutor_id)
            .map(Person::short_name);
        let mut card = Card {
            person: person.clone(),
            tutor,
            school: self.school.clone(),
            term: self.term,
            attendance: self.attendance(id),
            route: self.route(id),
            diagnostics: self.diagnostics(id),
            profiles: self.profiles(id, definitions),
            answers: self.answers(id, definitions),
            attention: Vec::new(),
        };
        card.attention = attention(&card);
        card
    }

    fn attendance(&self, id: &str) -> Option<Attendance> {
        let rate = self.value(id, "att_rate", "")?;
        let marks = self.marks.get(id).map(Vec::as_slice).unwrap_or_default();
        let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut by_month: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for mark in marks {
            for (map, key) in [
                (&mut by_kind, mark.kind.as_str()),
                (&mut by_month, mark.month.as_str()),
            ] {
                let e = map.entry(key).or_default();
                e.0 += 1;
                e.1 += usize::from(mark.present);
            }
        }
        Some(Attendance {
            rate,
            school_rate: self.school_rate,
            events: self.value(id, "att_events", ""),
            hours: self.value(id, "att_hours", ""),
            by_kind: by_kind
                .into_iter()
                .map(|(k, (m, p))| (k.to_string(), m, p))
                .collect(),
            months: by_month
                .into_iter()
                .map(|(k, (m, p))| (k.to_string(), p as f64 / m as f64 * 100.0))
                .collect(),
        })
    }

    fn route(&self, id: &str) -> Option<Route> {
        let items = self.route.get(id)?.clone();
        let by_level = self
            .values
            .get(id)
            .map(|rows| {
                rows.iter()
                    .filter(|(i, g, _)| i == "r_achievements" && !g.is_empty())
                    .map(|(_, g, v)| (g.clone(), *v))
                    .collect()
            })
            .unwrap_or_default();
        Some(Route {
            items,
            done_pct: self.value(id, "r_done_pct", ""),
            overdue: self.value(id, "r_overdue", "").unwrap_or(0.0),
            achievements: self.value(id, "r_achievements", "").unwrap_or(0.0),
            by_level,
        })
    }

    fn diagnostics(&self, id: &str) -> Vec<Diagnostic> {
        let Some(waves) = self.waves.get(id) else {
            return Vec::new();
        };
        let mut names: Vec<&str> = waves.iter().map(|(d, _)| d.as_str()).collect();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let waves: Vec<DiagnosticWave> = waves
                    .iter()
                    .filter(|(d, _)| d == name)
                    .map(|(_, w)| w.clone())
                    .collect();
                // Topics of the latest wave held in the term, as the recommended groups take them.
                let topics_wave = waves
                    .iter()
                    .rev()
                    .find(|w| w.term == self.term)
                    .map(|w| w.wave.clone())
                    .unwrap_or_default();
                let prefix = format!("{name}/{topics_wave}/");
                let mut topics: Vec<Topic> = self
                    .values
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter(|(i, g, _)| {
                        i == "d_topic_pct" && !topics_wave.is_empty() && g.starts_with(&prefix)
                    })
                    .map(|(_, g, v)| {
                        let code = g[prefix.len()..].to_string();
                        let name = self
                            .topics
                            .get(&(name.to_string(), topics_wave.clone(), code.clone()))
                            .cloned()
                            .unwrap_or_default();
                        Topic {
                            code,
                            name,
                            pct: *v,
                        }
                    })
                    .collect();
                topics.sort_by(|a, b| a.code.cmp(&b.code));
                Diagnostic {
                    name: name.to_string(),
                    progress: self.value(id, "d_progress", &format!("{name}/final")),
                    groups: self
                        .groups
                        .get(id)
                        .into_iter()
                        .flatten()
                        .filter(|(d, _)| d == name)
                        .map(|(_, t)| t.clone())
                        .collect(),
                    waves,
                    topics,
                    topics_wave,
                }
            })
            .collect()
    }

    fn profiles(&self, id: &str, definitions: &Definitions) -> Vec<Profile> {
        let Some(scores) = self.scores.get(id) else {
            return Vec::new();
        };
        named_questionnaires(scores.iter().map(|s| s.questionnaire.as_str()), definitions)
            .map(|(code, def)| {
                let rows: Vec<&Score> = scores.iter().filter(|s| s.questionnaire == code).collect();
                let waves: Vec<String> = ["start", "mid", "final"]
                    .iter()
                    .filter(|w| rows.iter().any(|r| r.wave == **w))
                    .map(|w| w.to_string())
                    .collect();
                let competencies = def
                    .competencies
                    .iter()
                    .filter(|c| rows.iter().any(|r| r.competency == c.code))
                    .map(|c| {
                        // The latest score of each wave up to the term (a wave is held once a year).
                        let of_wave = |w: &String| {
                            rows.iter()
                                .filter(|r| r.wave == *w && r.competency == c.code)
                                .max_by_key(|r| r.term)
                                .map(|r| r.score)
                        };
                        (c.name.clone(), waves.iter().map(of_wave).collect())
                    })
                    .collect();
                Profile {
                    title: def.title.clone(),
                    higher_worse: def.direction == Some(Direction::HigherWorse),
                    waves,
                    competencies,
                }
            })
            .collect()
    }

    fn answers(&self, id: &str, definitions: &Definitions) -> Vec<Answers> {
        let Some(answers) = self.answers.get(id) else {
            return Vec::new();
        };
        named_questionnaires(
            answers.iter().map(|a| a.questionnaire.as_str()),
            definitions,
        )
        .filter_map(|(code, def)| {
            // The latest questionnaire of the person up to the term.
            let last = answers
                .iter()
                .filter(|a| a.questionnaire == code)
                .map(|a| a.term)
                .max()?;
            let items: Vec<(String, String)> = def
                .items
                .iter()
                .filter_map(|item| {
                    let chosen: Vec<&str> = answers
                        .iter()
                        .filter(|a| {
                            a.questionnaire == code && a.term == last && a.item == item.code
                        })
                        .map(|a| a.text.as_str())
                        .collect();
                    (!chosen.is_empty()).then(|| (item.text.clone(), chosen.join(", ")))
                })
                .collect();
            (!items.is_empty()).then(|| Answers {
                title: def.title.clone(),
                items,
            })
        })
        .collect()
    }
}

/// The distinct questionnaires among `codes`, in code order, with their definitions; an
/// anonymous questionnaire (feedback about the tutor) is never shown by person.
fn named_questionnaires<'a>(
    codes: impl Iterator<Item = &'a str>,
    definitions: &'a Definitions,
) -> impl Iterator<Item = (&'a str, &'a Questionnaire)> {
    let codes: std::collections::BTreeSet<&str> = codes.collect();
    codes
        .into_iter()
        .filter_map(|code| Some((code, definitions.get(code).filter(|d| !d.anonymous)?)))
}

/// Marks of the term with their event's kind and month, by person.
fn marks(inputs: &Inputs, term: &Term) -> PolarsResult<ByPerson<Mark>> {
    let mut out: ByPerson<Mark> = HashMap::new();
    let (Some(events), Some(marks)) = (inputs.events.clone(), inputs.attendance.clone()) else {
        return Ok(out);
    };
    let events = of_term(events, term).select([
        col("school_code").alias("e_school"),
        col("author").alias("e_author"),
        col("event_id").alias("e_id"),
        col("kind"),
        col("date").dt().strftime("%Y-%m").alias("month"),
    ]);
    let df = of_term(marks, term)
        .join(
            events,
            [col("school_code"), col("author"), col("event_id")],
            [col("e_school"), col("e_author"), col("e_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("person_id"),
            col("kind"),
            col("month"),
            col("mark").eq(lit("present")).alias("present"),
        ])
        .collect()?;
    let present = df.column("present")?.bool()?.clone();
    let [person, kind, month] = ["person_id", "kind", "month"].map(|c| strings(&df, c));
    for i in 0..df.height() {
        let kind = if kind[i].is_empty() {
            "без вида".to_string()
        } else {
            kind[i].clone()
        };
        out.entry(person[i].clone()).or_default().push(Mark {
            kind,
            month: month[i].clone(),
            present: present.get(i).unwrap_or(false),
        });
    }
    Ok(out)
}

/// The route items in force at the term's end ([`indicators::routes::items`]), by person,
/// ordered by due date.
fn route_items(inputs: &Inputs, settings: &Settings) -> PolarsResult<ByPerson<RouteItem>> {
    let mut out: ByPerson<RouteItem> = HashMap::new();
    let Some(items) = indicators::routes::items(inputs, settings)? else {
        return Ok(out);
    };
    let df = items
        .sort(
            ["id", "due", "goal", "activity"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let text = |c| strings(&df, c);
    let [
        id,
        goal,
        activity,
        level,
        nomination,
        status,
        result,
        evidence,
    ] = [
        "id",
        "goal",
        "activity",
        "level",
        "nomination",
        "status",
        "result",
        "evidence",
    ]
    .map(text);
    let flag = |c: &str| -> PolarsResult<Vec<bool>> {
        Ok(df
            .column(c)?
            .bool()?
            .iter()
            .map(|b| b.unwrap_or(false))
            .collect())
    };
    let (due_now, achievement) = (flag("due_now")?, flag("achievement")?);
    let due: Vec<Option<NaiveDate>> = df.column("due")?.date()?.as_date_iter().collect();
    for i in 0..df.height() {
        out.entry(id[i].clone()).or_default().push(RouteItem {
            goal: goal[i].clone(),
            activity: activity[i].clone(),
            level: level[i].clone(),
            nomination: nomination[i].clone(),
            due: due[i],
            overdue: due_now[i] && status[i] == "запланировано",
            status: status[i].clone(),
            result: result[i].clone(),
            evidence: evidence[i].clone(),
            achievement: achievement[i],
        });
    }
    Ok(out)
}

/// Diagnostic waves the persons wrote in the school year up to the term, computed by the
/// plan of the `d_score` and `d_pct` person rows ([`indicators::diagnostics::per_person`]).
fn diagnostic_waves(
    inputs: &Inputs,
    term: &Term,
    t: &Thresholds,
) -> PolarsResult<ByPerson<(String, DiagnosticWave)>> {
    let mut out: ByPerson<(String, DiagnosticWave)> = HashMap::new();
    let Some(scored) = indicators::diagnostics::scored(inputs)? else {
        return Ok(out);
    };
    let df = indicators::diagnostics::per_person(inputs, scored)
        .filter(col("present"))
        .sort(
            ["person", "instrument", "term", "wave"],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let [person, instrument, wave, label] =
        ["person", "instrument", "wave", "term"].map(|c| strings(&df, c));
    let [score, max, pct] = ["score", "max_total", "pct"].map(|c| numbers(&df, c));
    for i in 0..df.height() {
        let (Some(at), Some(score), Some(max), Some(pct)) =
            (up_to(&label[i], term), score[i], max[i], pct[i])
        else {
            continue;
        };
        out.entry(person[i].clone()).or_default().push((
            instrument[i].clone(),
            DiagnosticWave {
                wave: wave[i].clone(),
                term: at,
                score,
                max,
                pct,
                level: level(pct, t),
            },
        ));
    }
    Ok(out)
}

/// `level(p)` of indicators.md.
fn level(p: f64, t: &Thresholds) -> &'static str {
    let p = comparable_value(p);
    if p < t.level_mid {
        "низкий"
    } else if p < t.level_high {
        "средний"
    } else {
        "высокий"
    }
}

/// Topic names of the term's diagnostic tasks: (diagnostic, wave, topic code) -> name.
fn topic_names(
    inputs: &Inputs,
    term: &Term,
) -> PolarsResult<HashMap<(String, String, String), String>> {
    let Some(tasks) = inputs.diag_tasks.clone() else {
        return Ok(HashMap::new());
    };
    let df = of_term(tasks, term)
        .select([
            col("instrument"),
            col("wave"),
            col("topic_code"),
            col("topic"),
        ])
        .collect()?;
    let [d, w, c, t] = ["instrument", "wave", "topic_code", "topic"].map(|n| strings(&df, n));
    Ok((0..df.height())
        .map(|i| ((d[i].clone(), w[i].clone(), c[i].clone()), t[i].clone()))
        .collect())
}

/// Competency scores of the year up to the term, by person.
fn competency_scores(
    inputs: &Inputs,
    definitions: &Definitions,
    term: &Term,
) -> PolarsResult<ByPerson<Score>> {
    let mut out: ByPerson<Score> = HashMap::new();
    let Some(df) = indicators::questionnaires::person_scores(inputs, definitions)? else {
        return Ok(out);
    };
    let [person, q, wave, label, competency] =
        ["person", "instrument", "wave", "term", "competency"].map(|c| strings(&df, c));
    let score = numbers(&df, "score");
    for i in 0..df.height() {
        let (Some(t), Some(s)) = (up_to(&label[i], term), score[i]) else {
            continue;
        };
        out.entry(person[i].clone()).or_default().push(Score {
            questionnaire: q[i].clone(),
            wave: wave[i].clone(),
            term: t,
            competency: competency[i].clone(),
            score: s,
        });
    }
    Ok(out)
}

/// Answers without a competency of the year up to the term, by person.
fn other_answers(
    inputs: &Inputs,
    definitions: &Definitions,
    term: &Term,
) -> PolarsResult<ByPerson<Answer>> {
    let mut out: ByPerson<Answer> = HashMap::new();
    let Some(df) = indicators::questionnaires::person_answers(inputs, definitions)? else {
        return Ok(out);
    };
    let [person, q, label, item, text] =
        ["person", "instrument", "term", "item", "value_text"].map(|c| strings(&df, c));
    for i in 0..df.height() {
        let Some(t) = up_to(&label[i], term) else {
            continue;
        };
        if !text[i].trim().is_empty() {
            out.entry(person[i].clone()).or_default().push(Answer {
                questionnaire: q[i].clone(),
                term: t,
                item: item[i].clone(),
                text: text[i].clone(),
            });
        }
    }
    Ok(out)
}

/// «На что обратить внимание»: overdue route items, attendance below 50 %, deficit topics,
/// a diagnostic result or a competency that fell, as plain sentences.
pub fn attention(card: &Card) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(route) = &card.route {
        let overdue: Vec<&RouteItem> = route.items.iter().filter(|i| i.overdue).collect();
        for item in overdue.iter().take(3) {
            out.push(format!(
                "Просрочен шаг маршрута «{}» (цель «{}», срок {}).",
                item.activity,
                item.goal,
                date(item.due)
            ));
        }
        if overdue.len() > 3 {
            out.push(format!(
                "Всего просрочено шагов маршрута: {}.",
                overdue.len()
            ));
        }
    }
    if let Some(a) = card
        .attendance
        .as_ref()
        .filter(|a| comparable_value(a.rate) < LOW_ATTENDANCE)
    {
        let school = a
            .school_rate
            .map(|s| format!(" (в школе {})", names::value(Indicator::AttRate, s)))
            .unwrap_or_default();
        out.push(format!(
            "Посещаемость {} — ниже 50 %{school}.",
            names::value(Indicator::AttRate, a.rate)
        ));
    }
    for d in &card.diagnostics {
        for t in d.topics.iter().filter(|t| t.deficit()) {
            out.push(format!(
                "Дефицит по теме «{}» ({}, {}): {}.",
                topic_label(t),
                d.name,
                names::wave(&d.topics_wave),
                names::value(Indicator::DTopicPct, t.pct)
            ));
        }
        if let Some(p) = d.progress.filter(|p| comparable_value(*p) < 0.0) {
            out.push(format!(
                "Результат диагностики «{}» снизился: {}.",
                d.name,
                names::value(Indicator::DProgress, p)
            ));
        }
    }
    for p in &card.profiles {
        let (Some(first), Some(last)) = (p.waves.first(), p.waves.last()) else {
            continue;
        };
        if first == last {
            continue;
        }
        for (name, scores) in &p.competencies {
            let (Some(Some(start)), Some(Some(end))) = (scores.first(), scores.last()) else {
                continue;
            };
            // Changed in exact arithmetic, not by a float error (as the school report's lists).
            let change = comparable_value(end - start);
            let worse = if p.higher_worse {
                change > 0.0
            } else {
                change < 0.0
            };
            if worse {
                let what = if p.higher_worse {
                    "затруднение выросло"
                } else {
                    "оценка снизилась"
                };
                out.push(format!(
                    "«{name}» ({}): {what} с {} до {}.",
                    p.title,
                    names::value(Indicator::QScore, *start),
                    names::value(Indicator::QScore, *end)
                ));
            }
        }
    }
    out
}

/// `Т2 Уравнения`, or the code alone when the tasks name no topic.
pub fn topic_label(t: &Topic) -> String {
    if t.name.is_empty() {
        t.code.clone()
    } else {
        format!("{} {}", t.code, t.name)
    }
}

/// `20.10.2025`, or a dash.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_else(|| "—".into())
}

/// `2025-09` -> `сен`.
pub fn short_month(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек",
    ];
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|d| NAMES.get(d.month0() as usize))
        .map(|n| n.to_string())
        .unwrap_or_else(|| month.to_string())
}

impl Card {
    /// The document title and running header: `Смирнов А. Д. · 2025/2026, 4 четверть`.
    pub fn title(&self) -> String {
        format!("{} · {}", self.person.short_name(), self.term.russian())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_short_and_safe_file_names() {
        assert_eq!(short_name("Смирнов Артём Дмитриевич"), "Смирнов А. Д.");
        assert_eq!(short_name("  Ли  "), "Ли");
        assert_eq!(safe_name("../9/А: \"x\""), "_9_А_ _x_");
        assert_eq!(safe_name(" .. "), "_");
        assert_eq!(squeeze("9 а"), squeeze("9А"));
        assert_eq!(short_month("2025-10"), "окт");
    }
}
