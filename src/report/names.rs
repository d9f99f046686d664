//! Russian words for codes, shared by every renderer so the Excel workbook and the PDF say
//! the same thing in the same words: values in their indicator's unit, waves, and the
//! titles of questionnaires, groups and forms. Indicators' names and units themselves are
//! in [`crate::schema::Indicator`].

use std::collections::HashMap;

use polars::prelude::DataFrame;

use crate::definitions::Definitions;
use crate::forms::FormKind;
use crate::frame::strings;
use crate::schema::{Indicator, Unit, Wave};

/// A wave code in words (`start` -> `входная`); anything else as it is.
pub fn wave(code: &str) -> &str {
    Wave::parse(code).map_or(code, |w| w.russian())
}

/// The words for the codes of a run's questionnaires: titles, competency names and item
/// texts, taken from their definitions. The one place a renderer turns a group path or a
/// form label into what a person reads; CSV and Parquet keep the codes.
#[derive(Debug, Clone, Default)]
pub struct Words {
    definitions: Definitions,
    /// Diagnostic topic names: (diagnostic, topic code) -> name.
    topics: HashMap<(String, String), String>,
}

impl Words {
    /// The words of these definitions (the built-in ones and the workspace's own).
    pub fn new(definitions: &Definitions) -> Words {
        Words {
            definitions: definitions.clone(),
            topics: HashMap::new(),
        }
    }

    /// These words with the diagnostics' topic names of `topics` (`instrument, topic_code,
    /// topic`), so that a topic reads `Т1 Дроби`; the first name of a code wins.
    pub fn with_topics(mut self, topics: &DataFrame) -> Words {
        let [d, c, t] = ["instrument", "topic_code", "topic"].map(|n| strings(topics, n));
        for i in 0..topics.height() {
            self.topics
                .entry((d[i].clone(), c[i].clone()))
                .or_insert_with(|| t[i].clone());
        }
        self
    }

    /// The note on progress between two versions of a questionnaire
    /// ([`Definitions::progress_note`]).
    pub fn progress_note(&self, code: &str, start: i64, fin: i64) -> Option<String> {
        self.definitions.progress_note(code, start, fin)
    }

    /// A questionnaire by its title; a diagnostic (named in words already) as it is.
    pub fn instrument<'a>(&'a self, code: &'a str) -> &'a str {
        self.definitions
            .get(code)
            .map_or(code, |q| q.title.as_str())
    }

    /// Whether a questionnaire's higher figures mean more difficulty (`direction =
    /// "higher_worse"`); false for anything else.
    pub fn higher_worse(&self, instrument: &str) -> bool {
        self.definitions
            .get(instrument)
            .is_some_and(|q| q.direction == Some(crate::definitions::Direction::HigherWorse))
    }

    /// A competency or item of a questionnaire with its name: `К1 Выявление образовательного
    /// запроса`, `П1 Выбрал(а) бы этого тьютора снова`; a diagnostic's topic with its name
    /// (`Т1 Дроби`, see [`Words::with_topics`]); anything else as it is.
    pub fn part(&self, instrument: &str, code: &str) -> String {
        let Some(q) = self.definitions.get(instrument) else {
            // A diagnostic's topic with its name, when the tasks gave one.
            return match self.topics.get(&(instrument.to_string(), code.to_string())) {
                Some(name) if !name.is_empty() && name != code => format!("{code} {name}"),
                _ => code.to_string(),
            };
        };
        let name = q
            .competencies
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name.as_str())
            .or_else(|| q.item(code).map(|i| i.text.as_str()));
        match name {
            Some(name) if name != code => format!("{code} {name}"),
            _ => code.to_string(),
        }
    }

    /// A group path in words: `tutor-competency/start/К1` -> `Самооценка тьюторской
    /// компетенции наставника, входная, К1 Выявление образовательного запроса`.
    pub fn path(&self, group: &str) -> String {
        let parts: Vec<&str> = group.split('/').collect();
        let instrument = parts[0];
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| match i {
                0 => self.instrument(p).to_string(),
                1 => wave(p).to_string(),
                2 => self.part(instrument, p),
                _ => p.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An expected-form label of the completeness table in words: `q:tutor-competency/start`
    /// -> `Анкета «Самооценка тьюторской компетенции наставника» (входная)`.
    pub fn form(&self, label: &str) -> String {
        if let Some(kind) = FormKind::parse(label) {
            return kind.russian().to_string();
        }
        let titled = |kind: &str, rest: &str| {
            let (instrument, wave) = rest.rsplit_once('/').unwrap_or((rest, ""));
            let wave = Wave::parse(wave)
                .map(|w| format!(" ({})", w.russian()))
                .unwrap_or_default();
            format!("{kind} «{}»{wave}", self.instrument(instrument))
        };
        match label.split_once(':') {
            Some(("q", rest)) => titled("Анкета", rest),
            Some(("d", rest)) => titled("Диагностика", rest),
            _ if label == "package" => "Пакет данных школы".to_string(),
            _ => label.into(),
        }
    }

    /// The form of an ingest log entry in words, with its questionnaire or diagnostic and
    /// wave from the entry's key (`questionnaire|tutor-competency|start|author`).
    pub fn logged_form(&self, form: &str, key: &str) -> String {
        let Some(kind) = FormKind::parse(form) else {
            return self.form(form);
        };
        let mut parts = key.split('|').skip(1);
        let (instrument, wave) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        match (instrument, wave) {
            ("", _) => kind.russian().to_string(),
            (i, "") => format!("{}: {}", kind.russian(), self.instrument(i)),
            (i, w) => format!(
                "{}: {}, {}",
                kind.russian(),
                self.instrument(i),
                self::wave(w)
            ),
        }
    }
}

/// Reasons of the support flag in words.
pub fn flag_reason(reason: Indicator) -> &'static str {
    match reason {
        Indicator::DPct => "результат диагностики ниже порога",
        Indicator::AttRate => "посещаемость ниже порога",
        Indicator::RDonePct => "выполнение маршрутов ниже порога",
        Indicator::CompletenessPct => "сданы не все формы",
        other => other.russian(),
    }
}

pub use crate::russian::number;

/// A value in its indicator's unit: `72,5 %`, `12`, `+3,4 п. п.`, `да`.
pub fn value(indicator: Indicator, value: f64) -> String {
    in_unit(indicator.unit(), value)
}

/// A value in a unit: `72,5 %`, `12`, `+3,4 п. п.`, `да`.
pub fn in_unit(unit: Unit, value: f64) -> String {
    match unit {
        Unit::Percent => format!("{} %", number(value, 1)),
        Unit::Points => format!(
            "{}{} п. п.",
            if value > 0.0 { "+" } else { "" },
            number(value, 1)
        ),
        Unit::Count => number(value, 0),
        Unit::Number => number(value, 1),
        Unit::Flag => flag(value).into(),
    }
}

/// A yes/no figure as a word: `да` for 1, `нет` for 0.
pub fn flag(value: f64) -> &'static str {
    if value >= 1.0 { "да" } else { "нет" }
}

/// A change against the comparison term: `+3,4 п. п.` for percentages, `+2` for counts.
pub fn change(indicator: Indicator, delta: f64) -> String {
    change_in(indicator.unit(), delta)
}

/// A change of a value of `unit`: `+3,4 п. п.` for percentages, `+2` for counts.
pub fn change_in(unit: Unit, delta: f64) -> String {
    let sign = if delta > 0.0 { "+" } else { "" };
    match unit {
        Unit::Percent | Unit::Points => format!("{sign}{} п. п.", number(delta, 1)),
        Unit::Count => format!("{sign}{}", number(delta, 0)),
        _ => format!("{sign}{}", number(delta, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_russian_way() {
        assert_eq!(number(72.54, 1), "72,5");
        assert_eq!(number(12345.0, 0), "12\u{2009}345");
        assert_eq!(number(-3.44, 1), "−3,4");
        assert_eq!(value(Indicator::AttRate, 72.54), "72,5 %");
        assert_eq!(value(Indicator::QProgress, 3.44), "+3,4 п. п.");
        assert_eq!(change(Indicator::Events, -2.0), "−2");
    }

    #[test]
    fn codes_become_titles_names_and_waves() {
        let words = Words::new(&Definitions::shipped().unwrap());
        assert_eq!(
            words.path("tutor-competency/start/К1/высокий"),
            "Самооценка тьюторской компетенции наставника, входная, К1 Выявление образовательного запроса, высокий"
        );
        assert_eq!(
            words.path("ОГЭ математика/final/17"),
            "ОГЭ математика, итоговая, 17"
        );
        assert_eq!(
            words.form("d:ОГЭ математика/final"),
            "Диагностика «ОГЭ математика» (итоговая)"
        );
        assert_eq!(
            words.form("q:gia-difficulties/start"),
            "Анкета «Затруднения педагога в подготовке к ГИА» (входная)"
        );
        assert_eq!(words.form("roster"), "Состав участников");
        assert_eq!(
            words.logged_form(
                "questionnaire",
                "questionnaire|tutor-feedback|final|Иванова И. И."
            ),
            "Анкета: Обратная связь о тьюторском сопровождении, итоговая"
        );
        assert_eq!(
            words.logged_form("attendance", "attendance|||Иванова И. И."),
            "Журнал посещаемости"
        );
    }
}
