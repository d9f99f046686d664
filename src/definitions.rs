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
pub enum Direction {
    HigherBetter,
    HigherWorse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Likert,
    Yesno,
    Choice,
    Multi,
    Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Competency {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub text: String,
    pub scale: Scale,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub competency: Option<String>,
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub code: String,
    pub title: String,
    pub version: i64,
    pub respondents: Vec<String>,
    #[serde(default)]
    pub anonymous: bool,
    pub direction: Option<Direction>,
    #[serde(default)]
    pub instruction: String,
    #[serde(default)]
    pub competencies: Vec<Competency>,
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

/// All questionnaires known to a run, by code.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    by_code: BTreeMap<String, Questionnaire>,
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
}

/// Parses one definition file, with item codes canonicalised (`K1.1` typed in Latin works).
pub fn parse(name: &str, text: &str) -> anyhow::Result<Questionnaire> {
    let mut q: Questionnaire =
        toml::from_str(text).with_context(|| format!("ошибка в описании анкеты {name}"))?;
    for item in &mut q.items {
        item.code = canonical_code(&item.code, &mut Vec::new());
        item.competency = item
            .competency
            .as_deref()
            .map(|c| canonical_code(c, &mut Vec::new()));
    }
    for c in &mut q.competencies {
        c.code = canonical_code(&c.code, &mut Vec::new());
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
