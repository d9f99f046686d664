//! Views of the report model that both renderers show: key figures with their change,
//! "Успехи" and "Сложности" sentences, chart series and action lists. They select and
//! order values of the model; they compute nothing the model does not already hold.

use polars::prelude::*;

use crate::frame::{flags, numbers, strings};
use crate::indicators::comparable_value;
use crate::report::document::{Chart, ChartKind, Figure};
use crate::report::model::{Part, ReportModel};
use crate::report::names;
use crate::schema::{Indicator, Unit, Wave};

/// The club questionnaire's code: its answers tell a club exists even without meetings.
const CLUB_QUESTIONNAIRE: &str = "club-needs/";

/// Groups of an indicator at school scope, in table order.
fn groups_of(model: &ReportModel, school: &str, indicator: &str) -> Vec<(String, f64)> {
    let Ok(rows) = model.rows(school, "school", indicator) else {
        return Vec::new();
    };
    let ind = strings(&rows, "indicator");
    strings(&rows, "group")
        .into_iter()
        .zip(numbers(&rows, "value"))
        .zip(ind)
        .filter(|(_, i)| i == indicator)
        .filter_map(|((g, v), _)| Some((g, v?)))
        .collect()
}

impl ReportModel {
    /// The figures of the summary: attendance, routes, diagnostics, questionnaires, completeness.
    pub fn key_figures(&self, school: &str) -> Vec<Figure> {
        let mut figures = Vec::new();
        let mut add = |label: String, code: Indicator, group: &str| {
            if let Some(value) = self.value(school, "", code, group) {
                let previous = self.previous(school, code, group);
                figures.push(Figure {
                    label,
                    code,
                    group: group.into(),
                    value,
                    previous,
                });
            }
        };
        add("Участников программы".into(), Indicator::Participants, "");
        add("Посещаемость".into(), Indicator::AttRate, "");
        add("Событий за период".into(), Indicator::Events, "");
        add("Выполнение маршрутов".into(), Indicator::RDonePct, "");
        add(
            "Достижений (призёр, победитель)".into(),
            Indicator::RAchievements,
            "",
        );
        for (group, _) in groups_of(self, school, "d_pct") {
            add(
                format!("Диагностика: {}", self.words.path(&group)),
                Indicator::DPct,
                &group,
            );
        }
        for (group, _) in groups_of(self, school, "q_index") {
            add(
                format!("Анкета: {}", self.words.path(&group)),
                Indicator::QIndex,
                &group,
            );
        }
        add("Полнота сдачи форм".into(), Indicator::CompletenessPct, "");
        figures
    }

    /// The key figures across the school year: each figure with its value in every term of
    /// [`ReportModel::trend_terms`] (`None`: no value that term, a gap) and the change from
    /// the year's first value to its last.
    pub fn trend_figures(&self, school: &str) -> Vec<(Figure, Vec<Option<f64>>, Option<f64>)> {
        self.key_figures(school)
            .into_iter()
            .map(|f| {
                let values = self.trend_of(school, f.code, &f.group);
                let known: Vec<f64> = values.iter().flatten().copied().collect();
                let change = match known.as_slice() {
                    [first, .., last] => Some(last - first),
                    _ => None,
                };
                (f, values, change)
            })
            .collect()
    }

    /// "Успехи" and "Сложности": the school indicators that rose and fell most against the
    /// comparison term, and the facts that need attention, as plain sentences.
    pub fn highlights(&self, school: &str) -> (Vec<String>, Vec<String>) {
        let mut moves: Vec<(f64, String)> = Vec::new();
        let changes = self.part_where(Part::Changes, school, "scope", "school");
        if let Ok(ch) = changes {
            for ((indicator, group), (value, previous)) in strings(&ch, "indicator")
                .into_iter()
                .zip(strings(&ch, "group"))
                .zip(
                    numbers(&ch, "value")
                        .into_iter()
                        .zip(numbers(&ch, "previous")),
                )
            {
                let (Some(value), Some(previous), Some(ind)) =
                    (value, previous, Indicator::parse(&indicator))
                else {
                    continue;
                };
                if ind.unit() != Unit::Percent
                    || (indicator.starts_with("q_") && indicator != "q_index")
                    || indicator.ends_with("_level_pct")
                {
                    continue;
                }
                let what = if group.is_empty() {
                    ind.russian().to_string()
                } else {
                    format!("{} ({})", ind.russian(), self.words.path(&group))
                };
                // A rising difficulty or deficit share is bad news.
                let worse_when_up = matches!(
                    ind,
                    Indicator::AttLowPct
                        | Indicator::DDeficitPct
                        | Indicator::QDifficultyPct
                        | Indicator::QDeclinedPct
                );
                let delta = value - previous;
                let good = if worse_when_up { -delta } else { delta };
                let verb = if delta > 0.0 {
                    "выросла"
                } else {
                    "снизилась"
                };
                moves.push((
                    good,
                    format!(
                        "{what} {verb} с {} до {}.",
                        names::value(ind, previous),
                        names::value(ind, value)
                    ),
                ));
            }
        }
        moves.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut successes: Vec<String> = moves
            .iter()
            .filter(|(g, _)| *g >= 1.0)
            .take(3)
            .map(|(_, s)| s.clone())
            .collect();
        let mut difficulties: Vec<String> = moves
            .iter()
            .rev()
            .filter(|(g, _)| *g <= -1.0)
            .take(3)
            .map(|(_, s)| s.clone())
            .collect();
        let t = &self.thresholds;
        // A club sentence only where a club exists: club meetings in the journals or a
        // club questionnaire; a school without either simply has no club to judge.
        let has_club = self
            .value(school, "", Indicator::ClubMeetingsPerMonth, "")
            .is_some_and(|v| v > 0.0)
            || self.rows(school, "school", "q_").is_ok_and(|rows| {
                strings(&rows, "group")
                    .iter()
                    .any(|g| g.starts_with(CLUB_QUESTIONNAIRE))
            });
        if let Some(v) = self
            .value(school, "", Indicator::ClubNormMet, "")
            .filter(|_| has_club)
        {
            if v >= 1.0 {
                successes.push(
                    "Клуб классных руководителей собирается не реже двух раз в месяц.".into(),
                );
            } else {
                difficulties
                    .push("Клуб классных руководителей собирается реже двух раз в месяц.".into());
            }
        }
        for (group, value) in groups_of(self, school, "d_pct") {
            if comparable_value(value) < t.support_d_pct {
                difficulties.push(format!(
                    "Результат диагностики ({}) — {}, ниже порога {} %.",
                    self.words.path(&group),
                    names::value(Indicator::DPct, value),
                    t.support_d_pct
                ));
            }
        }
        if let Some(v) = self
            .value(school, "", Indicator::ROverdue, "")
            .filter(|v| *v > 0.0)
        {
            difficulties.push(format!(
                "Просрочено шагов индивидуальных маршрутов: {}.",
                names::number(v, 0)
            ));
        }
        if let Some(v) = self
            .value(school, "", Indicator::CompletenessPct, "")
            .filter(|v| comparable_value(*v) < 100.0)
        {
            difficulties.push(format!(
                "Сданы не все ожидаемые формы: полнота {}.",
                names::value(Indicator::CompletenessPct, v)
            ));
        }
        if successes.is_empty() {
            successes.push("Заметных улучшений по сравнению с прошлым периодом нет или нет данных для сравнения.".into());
        }
        if difficulties.is_empty() {
            difficulties.push("Показателей ниже порогов нет.".into());
        }
        (successes, difficulties)
    }

    /// Reasons of the school's support flag, in words: each names its figure, the value and
    /// the threshold it fell below, or the forms that are missing.
    pub fn flag_reasons(&self, school: &str) -> Vec<String> {
        crate::indicators::flags::REASONS
            .iter()
            .filter(|reason| {
                self.value(school, "", Indicator::SupportFlag, reason.code())
                    .is_some_and(|v| v >= 1.0)
            })
            .map(|reason| self.flag_reason(school, *reason))
            .collect()
    }

    /// One reason of the support flag with its numbers.
    fn flag_reason(&self, school: &str, reason: Indicator) -> String {
        let t = &self.thresholds;
        let below = |what: &str, value: Option<f64>, threshold: f64| match value {
            Some(v) => format!(
                "{what} — {}, ниже порога {}",
                names::value(reason, v),
                names::value(reason, threshold)
            ),
            None => names::flag_reason(reason).to_string(),
        };
        match reason {
            Indicator::AttRate => below(
                "посещаемость",
                self.value(school, "", reason, ""),
                t.support_att_rate,
            ),
            Indicator::RDonePct => below(
                "выполнение маршрутов",
                self.value(school, "", reason, ""),
                t.support_r_done_pct,
            ),
            Indicator::DPct => {
                let low: Vec<String> = groups_of(self, school, "d_pct")
                    .into_iter()
                    .filter(|(_, v)| *v < t.support_d_pct)
                    .map(|(group, v)| {
                        format!(
                            "«{}» — {}",
                            self.words.path(&group),
                            names::value(Indicator::DPct, v)
                        )
                    })
                    .collect();
                if low.is_empty() {
                    names::flag_reason(reason).to_string()
                } else {
                    format!(
                        "результат диагностики ниже порога {}: {}",
                        names::value(Indicator::DPct, t.support_d_pct),
                        low.join(", ")
                    )
                }
            }
            Indicator::CompletenessPct => {
                let missing = self.missing_forms(school);
                if missing.is_empty() {
                    names::flag_reason(reason).to_string()
                } else {
                    format!("не сданы формы: {}", missing.join(", "))
                }
            }
            other => names::flag_reason(other).to_string(),
        }
    }

    /// The expected forms a school has not sent, in words.
    pub fn missing_forms(&self, school: &str) -> Vec<String> {
        let forms = &self.forms;
        let (codes, labels) = (strings(forms, "school_code"), strings(forms, "form"));
        let received = flags(forms, "received");
        codes
            .iter()
            .zip(&labels)
            .zip(received)
            .filter(|((code, _), got)| code.as_str() == school && !got)
            .map(|((_, label), _)| self.words.form(label))
            .collect()
    }

    /// Competency profile, start versus final, of the first higher-better questionnaire.
    pub fn profile_chart(&self, school: &str) -> Option<Chart> {
        let df = self
            .part_where(Part::Profiles, school, "direction", "higher_better")
            .ok()?;
        let instruments = strings(&df, "instrument");
        let q = instruments.first()?.clone();
        let (waves, comps, scores) = (
            strings(&df, "wave"),
            strings(&df, "competency"),
            numbers(&df, "score"),
        );
        let mut codes: Vec<String> = Vec::new();
        for (c, i) in comps.iter().zip(&instruments) {
            if *i == q && !codes.contains(c) {
                codes.push(c.clone());
            }
        }
        let series_of = |wave: Wave| -> (String, Vec<Option<f64>>) {
            let values = codes
                .iter()
                .map(|c| {
                    (0..df.height())
                        .find(|&r| instruments[r] == q && waves[r] == wave.code() && comps[r] == *c)
                        .and_then(|r| scores[r])
                })
                .collect();
            (wave.russian().to_string(), values)
        };
        let categories: Vec<String> = codes.iter().map(|c| self.words.part(&q, c)).collect();
        Some(Chart {
            kind: bars_for(&categories),
            title: format!("Профиль компетенций: {}", self.words.instrument(&q)),
            series: vec![series_of(Wave::Start), series_of(Wave::Final)],
            categories,
            reference: None,
            percent: true,
            notes: Vec::new(),
        })
    }

    /// Attendance rate by calendar month of the term.
    pub fn attendance_chart(&self, school: &str) -> Option<Chart> {
        let df = self.part(Part::Months, school);
        (df.height() > 0).then(|| Chart {
            kind: ChartKind::Line,
            title: "Посещаемость по месяцам".into(),
            categories: strings(&df, "month")
                .iter()
                .map(|m| month_label(m))
                .collect(),
            series: vec![("посещаемость, %".into(), numbers(&df, "rate"))],
            reference: None,
            percent: true,
            notes: Vec::new(),
        })
    }

    /// Topic results of each diagnostic's latest wave in the term, with the 50 % line.
    pub fn topics_chart(&self, school: &str) -> Option<Chart> {
        let topics = groups_of(self, school, "d_topic_pct");
        let last_wave = topics
            .iter()
            .map(|(g, _)| {
                g.rsplit_once('/')
                    .map(|(dw, _)| dw.to_string())
                    .unwrap_or_default()
            })
            .max_by_key(|dw| dw.ends_with("final"))?;
        let chosen: Vec<(String, f64)> = topics
            .into_iter()
            .filter(|(g, _)| g.starts_with(&format!("{last_wave}/")))
            .collect();
        let diagnostic = last_wave.split('/').next().unwrap_or_default();
        let categories: Vec<String> = chosen
            .iter()
            .map(|(g, _)| {
                self.words
                    .part(diagnostic, g.rsplit('/').next().unwrap_or_default())
            })
            .collect();
        Some(Chart {
            kind: bars_for(&categories),
            title: format!("Диагностика по темам: {}", self.words.path(&last_wave)),
            categories,
            series: vec![(
                "выполнение темы, %".into(),
                chosen.iter().map(|(_, v)| Some(*v)).collect(),
            )],
            reference: Some(50.0),
            percent: true,
            notes: Vec::new(),
        })
    }

    /// Achievements by level.
    pub fn achievements_chart(&self, school: &str) -> Option<Chart> {
        let order = [
            "школьный",
            "муниципальный",
            "региональный",
            "всероссийский",
            "международный",
        ];
        let by_level = groups_of(self, school, "r_achievements");
        let categories: Vec<String> = order.iter().map(|l| l.to_string()).collect();
        by_level.iter().any(|(g, _)| !g.is_empty()).then(|| Chart {
            kind: bars_for(&categories),
            title: "Достижения по уровням".into(),
            categories,
            series: vec![(
                "призёры и победители".into(),
                order
                    .iter()
                    .map(|l| {
                        Some(
                            by_level
                                .iter()
                                .find(|(g, _)| g == l)
                                .map_or(0.0, |(_, v)| *v),
                        )
                    })
                    .collect(),
            )],
            reference: None,
            percent: false,
            notes: Vec::new(),
        })
    }

    /// The four charts of the summary, those with data.
    pub fn charts(&self, school: &str) -> Vec<Chart> {
        [
            self.profile_chart(school),
            self.attendance_chart(school),
            self.topics_chart(school),
            self.achievements_chart(school),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Persons of the school with attendance below 50 %: (ID, name, rate).
    pub fn low_attendance(&self, school: &str) -> Vec<(String, String, f64)> {
        let Ok(rows) = self.rows(school, "person", "att_rate") else {
            return Vec::new();
        };
        let names = self.names(school);
        let mut low: Vec<(String, String, f64)> = strings(&rows, "entity")
            .into_iter()
            .zip(numbers(&rows, "value"))
            .filter_map(|(id, v)| Some((id, v?)))
            .filter(|(_, v)| comparable_value(*v) < 50.0)
            .map(|(id, v)| (names.get(&id).cloned().unwrap_or_default(), id, v))
            .map(|(name, id, v)| (id, name, v))
            .collect();
        low.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.1.cmp(&b.1)));
        low
    }

    /// Persons whose competency score fell from start to final: (ID, name, group, change).
    pub fn declining(&self, school: &str) -> Vec<(String, String, String, f64)> {
        let Ok(rows) = self.rows(school, "person", "q_progress") else {
            return Vec::new();
        };
        let names = self.names(school);
        strings(&rows, "entity")
            .into_iter()
            .zip(strings(&rows, "group"))
            .zip(numbers(&rows, "value"))
            .filter_map(|((id, g), v)| Some((id, g, v?)))
            // Fell in exact arithmetic (indicators::comparable), not by a float error.
            .filter(|(_, g, v)| comparable_value(*v) < 0.0 && g.matches('/').count() == 2)
            .map(|(id, g, v)| {
                (
                    id.clone(),
                    names.get(&id).cloned().unwrap_or_default(),
                    self.words.path(&g),
                    v,
                )
            })
            .collect()
    }

    /// ID -> full name of the school's roster.
    pub fn names(&self, school: &str) -> std::collections::HashMap<String, String> {
        let df = self.part(Part::People, school);
        strings(&df, "id")
            .into_iter()
            .zip(strings(&df, "full_name"))
            .collect()
    }

    /// The ingest log entries of one school: the provenance of its figures.
    pub fn log_of<'a>(
        &'a self,
        school: &'a str,
    ) -> impl Iterator<Item = &'a crate::store::log::Entry> + 'a {
        self.log.iter().filter(move |e| e.school_code == school)
    }

    /// Rows of a model table for one school (split once when the model was built).
    pub fn part(&self, part: Part, school: &str) -> DataFrame {
        self.parts
            .get(&(part, school.to_string()))
            .cloned()
            .unwrap_or_else(|| self.table(part).clear())
    }

    /// [`part`](Self::part)'s rows whose text `column` is `value`, in table order. Filtered
    /// eagerly by a mask: a lazy filter of the whole table planned and optimised a query for
    /// each school.
    pub fn part_where(
        &self,
        part: Part,
        school: &str,
        column: &str,
        value: &str,
    ) -> PolarsResult<DataFrame> {
        let rows = self.part(part, school);
        let mask = rows.column(column)?.str()?.equal(value);
        rows.filter(&mask)
    }
}

/// Upright bars, or horizontal ones when a category's name is long (competencies): a
/// long name reads along its bar.
fn bars_for(categories: &[String]) -> ChartKind {
    if categories.iter().any(|c| c.chars().count() > 12) {
        ChartKind::Bar
    } else {
        ChartKind::Column
    }
}

/// `2025-09` -> `сентябрь 2025`.
pub fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "январь",
        "февраль",
        "март",
        "апрель",
        "май",
        "июнь",
        "июль",
        "август",
        "сентябрь",
        "октябрь",
        "ноябрь",
        "декабрь",
    ];
    let (y, m) = month.split_once('-').unwrap_or((month, ""));
    m.parse::<usize>()
        .ok()
        .and_then(|m| NAMES.get(m.wrapping_sub(1)))
        .map(|n| format!("{n} {y}"))
        .unwrap_or_else(|| month.to_string())
}
