//! Questionnaire definitions (`templates/questionnaires/<code>.xlsx`, see [`book`], or the
//! older `<code>.toml`, read by the same loader): items, scales, competencies and direction.
//! The shipped ones are embedded at build time as TOML; a workspace's own
//! `templates/questionnaires/` adds to or overrides them.

pub mod book;

use std::collections::BTreeMap;
use std::path::Path;

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
    fn validate(&self) -> anyhow::Result<()> {
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
    /// The shipped definitions plus those in `workspace_dir` (which win on the same code).
    pub fn load(workspace_dir: Option<&Path>) -> anyhow::Result<Definitions> {
        let mut defs = Definitions::default();
        for (name, text) in BUILTIN {
            defs.add(parse(name, text)?);
        }
        if let Some(dir) = workspace_dir.filter(|d| d.is_dir()) {
            let mut paths: Vec<_> = std::fs::read_dir(dir)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            paths.sort();
            for path in paths {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                // Lock files of an open workbook and the annotated copies written beside a
                // definition with mistakes are not definitions.
                if name.starts_with("~$") || name.starts_with('.') || name.contains(".ошибки.")
                {
                    continue;
                }
                match path.extension().and_then(|x| x.to_str()) {
                    Some("toml") => {
                        let text = std::fs::read_to_string(&path)
                            .with_context(|| format!("не удалось прочитать {}", path.display()))?;
                        defs.add(parse(&path.display().to_string(), &text)?);
                    }
                    Some("xlsx" | "xlsm" | "ods" | "xls") => defs.add(read_book(&path)?),
                    _ => {}
                }
            }
        }
        Ok(defs)
    }

    fn add(&mut self, q: Questionnaire) {
        self.by_code.insert(fold(&q.code), q);
    }

    /// The questionnaire a `Паспорт` names (leniently).
    pub fn get(&self, code: &str) -> Option<&Questionnaire> {
        self.by_code.get(&fold(code))
    }

    pub fn all(&self) -> impl Iterator<Item = &Questionnaire> {
        self.by_code.values()
    }

    pub fn codes(&self) -> Vec<&str> {
        self.by_code.values().map(|q| q.code.as_str()).collect()
    }
}

/// Reads a definition workbook. With mistakes, an annotated copy `<name>.ошибки.xlsx` is
/// written beside it and the error lists every problem by sheet and cell.
fn read_book(path: &Path) -> anyhow::Result<Questionnaire> {
    let bytes =
        std::fs::read(path).with_context(|| format!("не удалось прочитать {}", path.display()))?;
    let limits = crate::read::workbook::Limits::default();
    let book = crate::read::workbook::open(&bytes, limits)
        .map_err(|e| anyhow::anyhow!("описание анкеты {}: {e}", path.display()))?;
    let mut problems = crate::problem::Problems::default();
    let q = book::read(&book, &mut problems);
    let listed: Vec<String> = problems
        .items
        .iter()
        .filter(|p| p.severity == crate::problem::Severity::Error)
        .map(|p| format!("  {p}"))
        .collect();
    match q {
        Some(q) if listed.is_empty() => {
            q.validate()
                .with_context(|| format!("ошибка в описании анкеты {}", path.display()))?;
            Ok(q)
        }
        _ => {
            let mut copy = path.as_os_str().to_owned();
            copy.push(".ошибки.xlsx");
            let copy = std::path::PathBuf::from(copy);
            let written = crate::annotate::annotated_copy(&bytes, &problems, limits, None)
                .is_some_and(|annotated| {
                    crate::report::write_atomically(&copy, &annotated).is_ok()
                });
            let beside = if written {
                format!("\nОшибки отмечены в копии {}", copy.display())
            } else {
                String::new()
            };
            bail!(
                "в описании анкеты {} ошибки ({}):\n{}{beside}",
                path.display(),
                listed.len(),
                listed.join("\n")
            )
        }
    }
}

/// Parses one definition file, with item codes canonicalised (`K1.1` typed in Latin works).
fn parse(name: &str, text: &str) -> anyhow::Result<Questionnaire> {
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
        let defs = Definitions::load(None).unwrap();
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
