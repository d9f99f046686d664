//! Russian names of indicators, groups and forms, shared by every renderer so the Excel
//! workbook and the PDF say the same thing in the same words.

use crate::definitions::Definitions;
use crate::forms::{FormKind, Wave};

/// How a value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A percentage 0..100, shown `72,5 %`.
    Percent,
    /// A difference of percentage points, shown `+3,4 п. п.`.
    Points,
    /// A count, shown without decimals.
    Count,
    /// Any other number, one decimal.
    Number,
    /// 1 = yes, 0 = no.
    Flag,
}

/// (code, Russian name, unit) of every indicator of indicators.md.
pub const INDICATORS: [(&str, &str, Unit); 39] = [
    ("participants", "Участников", Unit::Count),
    ("mentors_with_tutor_pct", "Наставников с тьютором", Unit::Percent),
    ("tutorants_per_tutor", "Тьюторантов на одного тьютора", Unit::Number),
    ("att_rate", "Посещаемость", Unit::Percent),
    ("att_events", "Посещено событий", Unit::Count),
    ("att_hours", "Часов посещено", Unit::Number),
    ("events", "Событий", Unit::Count),
    ("att_low_pct", "Доля участников с посещаемостью ниже 50 %", Unit::Percent),
    ("club_meetings_per_month", "Встреч клуба в месяц", Unit::Number),
    ("club_norm_met", "Норма клуба (2 встречи в месяц) выполнена", Unit::Flag),
    ("q_respondents", "Ответивших на анкету", Unit::Count),
    ("q_score", "Оценка компетенции", Unit::Percent),
    ("q_index", "Индекс по анкете", Unit::Percent),
    ("q_level_pct", "Доля по уровню", Unit::Percent),
    ("q_difficulty_pct", "Доля ответов «затруднение»", Unit::Percent),
    ("q_progress", "Прирост по анкете", Unit::Points),
    ("q_improved_pct", "Доля с ростом индекса", Unit::Percent),
    ("q_declined_pct", "Доля со снижением индекса", Unit::Percent),
    ("q_option_pct", "Доля выбравших вариант", Unit::Percent),
    ("q_yes_pct", "Доля ответов «да»", Unit::Percent),
    ("d_participants", "Писали диагностику", Unit::Count),
    ("d_absent", "Отсутствовали на диагностике", Unit::Count),
    ("d_score", "Балл", Unit::Number),
    ("d_pct", "Результат диагностики", Unit::Percent),
    ("d_level_pct", "Доля по уровню результата", Unit::Percent),
    ("d_task_pct", "Выполнение задания", Unit::Percent),
    ("d_topic_pct", "Выполнение по теме", Unit::Percent),
    ("d_deficit_pct", "Доля с дефицитом по теме", Unit::Percent),
    ("d_progress", "Прирост результата диагностики", Unit::Points),
    ("r_items", "Шагов маршрута", Unit::Count),
    ("r_done_pct", "Выполнение маршрутов", Unit::Percent),
    ("r_overdue", "Просрочено шагов маршрута", Unit::Count),
    ("r_achievements", "Достижений (призёр, победитель)", Unit::Count),
    ("r_owners_with_achievement_pct", "Доля участников с достижениями", Unit::Percent),
    ("forms_expected", "Форм ожидалось", Unit::Count),
    ("forms_received", "Форм получено", Unit::Count),
    ("completeness_pct", "Полнота сдачи форм", Unit::Percent),
    ("schools_reporting_pct", "Доля школ, сдавших все формы", Unit::Percent),
    ("support_flag", "Нуждается в методической поддержке", Unit::Flag),
];

/// The Russian name of an indicator (the code itself if unknown).
pub fn indicator(code: &str) -> &str {
    INDICATORS.iter().find(|(c, _, _)| *c == code).map(|(_, n, _)| *n).unwrap_or(code)
}

pub fn unit(code: &str) -> Unit {
    INDICATORS.iter().find(|(c, _, _)| *c == code).map(|(_, _, u)| *u).unwrap_or(Unit::Number)
}

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
}

impl Words {
    pub fn new(definitions: &Definitions) -> Words {
        Words { definitions: definitions.clone() }
    }

    /// A questionnaire by its title; a diagnostic (named in words already) as it is.
    pub fn instrument<'a>(&'a self, code: &'a str) -> &'a str {
        self.definitions.get(code).map_or(code, |q| q.title.as_str())
    }

    /// Whether a questionnaire's higher figures mean more difficulty (`direction =
    /// "higher_worse"`); false for anything else.
    pub fn higher_worse(&self, instrument: &str) -> bool {
        self.definitions.get(instrument).is_some_and(|q| q.direction == Some(crate::definitions::Direction::HigherWorse))
    }

    /// A competency or item of a questionnaire with its name: `К1 Выявление образовательного
    /// запроса`, `П1 Выбрал(а) бы этого тьютора снова`; anything else as it is.
    pub fn part(&self, instrument: &str, code: &str) -> String {
        let Some(q) = self.definitions.get(instrument) else { return code.to_string() };
        let name =
            q.competencies.iter().find(|c| c.code == code).map(|c| c.name.as_str()).or_else(|| q.item(code).map(|i| i.text.as_str()));
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
            let wave = Wave::parse(wave).map(|w| format!(" ({})", w.russian())).unwrap_or_default();
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
        let (instrument, wave) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
        match (instrument, wave) {
            ("", _) => kind.russian().to_string(),
            (i, "") => format!("{}: {}", kind.russian(), self.instrument(i)),
            (i, w) => format!("{}: {}, {}", kind.russian(), self.instrument(i), self::wave(w)),
        }
    }
}

/// Reasons of the support flag in words.
pub fn flag_reason(code: &str) -> &str {
    match code {
        "d_pct" => "результат диагностики ниже порога",
        "att_rate" => "посещаемость ниже порога",
        "r_done_pct" => "выполнение маршрутов ниже порога",
        "completeness_pct" => "сданы не все формы",
        other => other,
    }
}

pub use crate::russian::number;

/// A value in its unit: `72,5 %`, `12`, `+3,4 п. п.`, `да`.
pub fn value(code: &str, value: f64) -> String {
    match unit(code) {
        Unit::Percent => format!("{} %", number(value, 1)),
        Unit::Points => format!("{}{} п. п.", if value > 0.0 { "+" } else { "" }, number(value, 1)),
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
pub fn change(code: &str, delta: f64) -> String {
    let sign = if delta > 0.0 { "+" } else { "" };
    match unit(code) {
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
        assert_eq!(value("att_rate", 72.54), "72,5 %");
        assert_eq!(value("q_progress", 3.44), "+3,4 п. п.");
        assert_eq!(change("events", -2.0), "−2");
    }

    #[test]
    fn codes_become_titles_names_and_waves() {
        let words = Words::new(&Definitions::load(None).unwrap());
        assert_eq!(
            words.path("tutor-competency/start/К1/высокий"),
            "Самооценка тьюторской компетенции наставника, входная, К1 Выявление образовательного запроса, высокий"
        );
        assert_eq!(words.path("ОГЭ математика/final/17"), "ОГЭ математика, итоговая, 17");
        assert_eq!(words.form("d:ОГЭ математика/final"), "Диагностика «ОГЭ математика» (итоговая)");
        assert_eq!(words.form("q:gia-difficulties/start"), "Анкета «Затруднения педагога в подготовке к ГИА» (входная)");
        assert_eq!(words.form("roster"), "Состав участников");
        assert_eq!(
            words.logged_form("questionnaire", "questionnaire|tutor-feedback|final|Иванова И. И."),
            "Анкета: Обратная связь о тьюторском сопровождении, итоговая"
        );
        assert_eq!(words.logged_form("attendance", "attendance|||Иванова И. И."), "Журнал посещаемости");
    }
}
