//! Questionnaire definitions: items, scales, competencies and direction. The shipped ones
//! are embedded at build time as TOML and parsed here; a workspace's own
//! `templates/questionnaires/` (workbooks, or the older TOML) adds to or overrides them and
//! is read by [`crate::forms::definition`]. A lower layer: it knows no workbook.

use std::collections::BTreeMap;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::read::text::{canonical_code, fold};

include!(concat!(env!("OUT_DIR"), "/builtin_questionnaires.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
/// Whether a high likert answer is good (a competency) or bad (a difficulty).
pub enum Direction {
    /// `higher_better`: levels are reported.
    HigherBetter,
    /// `higher_worse`: difficulty shares are reported.
    HigherWorse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
/// How an item is answered.
pub enum Scale {
    /// An integer from `min` to `max`, measuring a competency.
    Likert,
    /// `да` or `нет`.
    Yesno,
    /// One of the item's options.
    Choice,
    /// Any of the item's options, separated by `;` or `,`.
    Multi,
    /// Free text.
    Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
/// A competency (or area) that likert items measure.
pub struct Competency {
    /// Its code, `К1`.
    pub code: String,
    /// Its name, shown beside the code in reports.
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
/// One item (question) of a questionnaire.
pub struct Item {
    /// Its code, canonical (`К1.1`): the answer column's header.
    pub code: String,
    /// The question as respondents read it.
    pub text: String,
    /// How it is answered.
    pub scale: Scale,
    /// The lowest answer of a likert item.
    pub min: Option<i64>,
    /// The highest answer of a likert item.
    pub max: Option<i64>,
    /// The competency a likert item measures.
    pub competency: Option<String>,
    /// The options of a choice or multi item.
    #[serde(default)]
    pub options: Vec<String>,
    /// Whether every respondent must answer it: the blank marks it, and an empty answer is
    /// a problem naming the cell.
    #[serde(default)]
    pub required: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
/// One version of a questionnaire's definition.
pub struct Questionnaire {
    /// Its code (`tutor-competency`): the `Анкета` field of a `Паспорт`, and a file name.
    pub code: String,
    /// Its title, which readers of reports see.
    pub title: String,
    /// Its version, written by its blank into `Версия формы`.
    pub version: i64,
    /// Who answers it (`наставник`, `педагог`, `обучающийся`).
    pub respondents: Vec<String>,
    /// Whether answers may come without an ID.
    #[serde(default)]
    pub anonymous: bool,
    /// What a high likert answer means (needed when there are likert items).
    pub direction: Option<Direction>,
    /// The blank's instruction to respondents.
    #[serde(default)]
    pub instruction: String,
    /// The competencies its likert items measure.
    #[serde(default)]
    pub competencies: Vec<Competency>,
    /// Its items, in order.
    pub items: Vec<Item>,
}

impl Questionnaire {
    /// The item whose canonical code is `code`.
    pub fn item(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }

    /// Checks what serde cannot: codes unique, likert bounds, competencies declared.
    pub fn validate(&self) -> anyhow::Result<()> {
        // The code names a blank form's file: letters, digits and dashes only.
        if self.code.is_empty()
            || !self
                .code
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            bail!(
                "код анкеты «{}»: только буквы, цифры, дефис и подчёркивание",
                self.code
            );
        }
        let mut seen = std::collections::HashSet::new();
        for item in &self.items {
            if !seen.insert(&item.code) {
                bail!("пункт {} повторяется", item.code);
            }
            match item.scale {
                Scale::Likert => {
                    let (Some(min), Some(max)) = (item.min, item.max) else {
                        bail!("у пункта {} шкалы likert нет min/max", item.code)
                    };
                    if min >= max {
                        bail!("у пункта {}: min должен быть меньше max", item.code);
                    }
                    let Some(c) = &item.competency else {
                        bail!("у пункта {} не указана competency", item.code)
                    };
                    if !self.competencies.iter().any(|k| &k.code == c) {
                        bail!(
                            "пункт {} ссылается на неописанную компетенцию {c}",
                            item.code
                        );
                    }
                    if self.direction.is_none() {
                        bail!("в анкете есть шкалы likert, но не указано direction");
                    }
                }
                Scale::Choice | Scale::Multi if item.options.is_empty() => {
                    bail!("у пункта {} нет options", item.code)
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// All questionnaires known to a run, by code: the current definition of each, and the
/// earlier versions the workspace kept when their first answers arrived.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    by_code: BTreeMap<String, Questionnaire>,
    /// Kept versions by folded code and version (the current one may be among them).
    kept: BTreeMap<(String, i64), Questionnaire>,
}

impl Definitions {
    /// The definitions shipped inside the binary (the workspace's own are read by
    /// [`crate::forms::definition::load`]).
    pub fn shipped() -> anyhow::Result<Definitions> {
        let mut defs = Definitions::default();
        for (name, text) in BUILTIN {
            defs.add(parse(name, text)?);
        }
        Ok(defs)
    }

    /// Adds `q`, replacing a definition with the same code.
    pub fn add(&mut self, q: Questionnaire) {
        self.by_code.insert(fold(&q.code), q);
    }

    /// The questionnaire a `Паспорт` names (leniently).
    pub fn get(&self, code: &str) -> Option<&Questionnaire> {
        self.by_code.get(&fold(code))
    }

    /// Every definition, by code.
    pub fn all(&self) -> impl Iterator<Item = &Questionnaire> {
        self.by_code.values()
    }

    /// The codes of every definition, in order.
    pub fn codes(&self) -> Vec<&str> {
        self.by_code.values().map(|q| q.code.as_str()).collect()
    }

    /// Adds a kept version of a questionnaire (the copy made when its first answers arrived).
    pub fn keep(&mut self, q: Questionnaire) {
        self.kept.insert((fold(&q.code), q.version), q);
    }

    /// The kept copy of version `version` of questionnaire `code`, if there is one.
    pub fn kept(&self, code: &str, version: i64) -> Option<&Questionnaire> {
        self.kept.get(&(fold(code), version))
    }

    /// Version `version` of questionnaire `code`: the current definition when it has that
    /// version, else the kept copy.
    pub fn version(&self, code: &str, version: i64) -> Option<&Questionnaire> {
        self.get(code)
            .filter(|q| q.version == version)
            .or_else(|| self.kept(code, version))
    }

    /// Every known version of every questionnaire, each once (a kept copy of the current
    /// version gives way to the current definition).
    pub fn every_version(&self) -> impl Iterator<Item = &Questionnaire> {
        let earlier = self
            .kept
            .iter()
            .filter(|((code, version), _)| {
                self.by_code.get(code).is_none_or(|q| q.version != *version)
            })
            .map(|(_, q)| q);
        self.by_code.values().chain(earlier)
    }

    /// The report's note when the start wave of questionnaire `code` was answered in version
    /// `start` and the final wave in `fin`: which scale items progress leaves out, and why.
    /// `None` when it leaves none out (or a version is unknown).
    pub fn progress_note(&self, code: &str, start: i64, fin: i64) -> Option<String> {
        let (before, after) = (self.version(code, start)?, self.version(code, fin)?);
        let likert = |item: &str| {
            [before, after]
                .iter()
                .any(|q| q.item(item).is_some_and(|i| i.scale == Scale::Likert))
        };
        let left_out: Vec<String> = incomparable(before, after)
            .into_iter()
            .filter(|(item, _)| likert(item))
            .map(|(item, why)| format!("{item} ({why})"))
            .collect();
        if left_out.is_empty() {
            return None;
        }
        Some(format!(
            "Анкета «{}»: входная волна заполнена по версии {start}, итоговая — по версии {fin}. Изменение с начала года считается только по вопросам, одинаковым в обеих версиях; не учтены: {}.",
            after.title,
            left_out.join(", ")
        ))
    }

    /// Every known version of questionnaire `code` (the current one included), in order.
    pub fn known_versions(&self, code: &str) -> Vec<i64> {
        let mut versions: Vec<i64> = self
            .every_version()
            .filter(|q| fold(&q.code) == fold(code))
            .map(|q| q.version)
            .collect();
        versions.sort_unstable();
        versions
    }
}

impl Item {
    /// The item's column header in a blank: code, text, and a mark when it is required.
    pub fn header(&self) -> String {
        if self.required {
            format!("{} {} (обязательный)", self.code, self.text)
        } else {
            format!("{} {}", self.code, self.text)
        }
    }

    /// Whether answers to this item and to `other` can be compared: the same scale, bounds,
    /// competency and options. `None` when they can, else why not, in Russian.
    pub fn change_from(&self, other: &Item) -> Option<String> {
        if self.scale != other.scale || (self.min, self.max) != (other.min, other.max) {
            return Some(format!(
                "шкала изменилась: {} → {}",
                other.scale_words(),
                self.scale_words()
            ));
        }
        if self.competency != other.competency {
            return Some("изменилась компетенция, которую измеряет вопрос".into());
        }
        if self.options != other.options {
            return Some("изменились варианты ответа".into());
        }
        None
    }

    /// The item's scale in words: «1–4» for a likert scale, else its kind.
    pub fn scale_words(&self) -> String {
        match (self.scale, self.min, self.max) {
            (Scale::Likert, Some(min), Some(max)) => format!("{min}–{max}"),
            (scale, _, _) => scale.russian().to_string(),
        }
    }
}

impl Scale {
    /// Every scale, in the order definitions list them.
    pub const ALL: [Scale; 5] = [
        Scale::Likert,
        Scale::Yesno,
        Scale::Choice,
        Scale::Multi,
        Scale::Text,
    ];

    /// The scale in words, as a definition workbook's `Вопросы` writes it.
    pub fn russian(self) -> &'static str {
        match self {
            Scale::Likert => "шкала",
            Scale::Yesno => "да/нет",
            Scale::Choice => "один вариант",
            Scale::Multi => "несколько вариантов",
            Scale::Text => "текст",
        }
    }
}

/// The items of two versions of a questionnaire that cannot be compared between them: an
/// item only one has, or one whose scale, competency or options changed; with why, in
/// Russian, in the order of the items (`earlier`'s, then those only `later` has).
pub fn incomparable(earlier: &Questionnaire, later: &Questionnaire) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for item in &earlier.items {
        match later.item(&item.code) {
            None => out.push((
                item.code.clone(),
                format!("есть только в версии {}", earlier.version),
            )),
            Some(now) => {
                if let Some(why) = now.change_from(item) {
                    out.push((item.code.clone(), why));
                }
            }
        }
    }
    for item in &later.items {
        if earlier.item(&item.code).is_none() {
            out.push((
                item.code.clone(),
                format!("есть только в версии {}", later.version),
            ));
        }
    }
    out
}

/// Parses one definition file, with item codes canonicalised (`K1.1` typed in Latin works).
pub fn parse(name: &str, text: &str) -> anyhow::Result<Questionnaire> {
    let mut q: Questionnaire =
        toml::from_str(text).with_context(|| format!("ошибка в описании анкеты {name}"))?;
    for item in &mut q.items {
        item.code = canonical_code(&item.code, &mut Vec::new()).into_owned();
        item.competency = item
            .competency
            .as_deref()
            .map(|c| canonical_code(c, &mut Vec::new()).into_owned());
    }
    for c in &mut q.competencies {
        c.code = canonical_code(&c.code, &mut Vec::new()).into_owned();
    }
    q.validate()
        .with_context(|| format!("ошибка в описании анкеты {name}"))?;
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ships_the_five_questionnaires_of_the_spec() {
        let defs = Definitions::shipped().unwrap();
        assert_eq!(
            defs.codes(),
            vec![
                "club-needs",
                "gia-difficulties",
                "student-interest",
                "tutor-competency",
                "tutor-feedback"
            ]
        );
        let tc = defs.get("tutor-competency").unwrap();
        assert_eq!(tc.items.len(), 15);
        assert_eq!(tc.competencies.len(), 5);
        assert_eq!(tc.item("К3.2").unwrap().competency.as_deref(), Some("К3"));
        assert_eq!(
            defs.get("gia-difficulties").unwrap().direction,
            Some(Direction::HigherWorse)
        );
        assert!(defs.get("tutor-feedback").unwrap().anonymous);
    }
}
