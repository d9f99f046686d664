//! The indicators of indicators.md: each one's code (the `indicator` column of
//! `indicators.csv`), Russian name, unit and privacy family, written once.

use std::fmt;

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

/// Whose persons a figure describes, for small-cell suppression at the centre
/// (`privacy::Counts`): figures of one family and unit are suppressed together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// Persons with attendance marks.
    Attendance,
    /// Route owners.
    Routes,
    /// Persons of the roster.
    Roster,
    /// Respondents of one questionnaire and wave.
    Questionnaire,
    /// Respondents having both waves of one questionnaire.
    QuestionnaireProgress,
    /// Participants of one diagnostic and wave.
    Diagnostic,
    /// Participants having both waves of one diagnostic.
    DiagnosticProgress,
}

/// Declares [`Indicator`] from one table: variant, code, Russian name, unit, family.
macro_rules! indicators {
    ($($variant:ident => $code:literal, $russian:literal, $unit:ident, $family:expr;)+) => {
        /// An indicator of indicators.md. Its [`fmt::Display`] is its Russian name;
        /// [`Indicator::code`] is what CSV and Parquet hold.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Indicator {
            $(#[doc = $russian] $variant,)+
        }

        impl Indicator {
            /// Every indicator, in the order of indicators.md.
            pub const ALL: &[Indicator] = &[$(Indicator::$variant),+];

            /// The code of `indicators.csv`: `att_rate`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Indicator::$variant => $code,)+
                }
            }

            /// The name people read: `Посещаемость`.
            pub fn russian(self) -> &'static str {
                match self {
                    $(Indicator::$variant => $russian,)+
                }
            }

            /// How its values are shown.
            pub fn unit(self) -> Unit {
                match self {
                    $(Indicator::$variant => Unit::$unit,)+
                }
            }

            /// Whose persons its figures describe; `None` for figures about no person
            /// (events, forms, flags), which are never suppressed.
            pub fn family(self) -> Option<Family> {
                match self {
                    $(Indicator::$variant => $family,)+
                }
            }
        }
    };
}

indicators! {
    Participants => "participants", "Участников", Count, Some(Family::Roster);
    MentorsWithTutorPct => "mentors_with_tutor_pct", "Наставников с тьютором", Percent, Some(Family::Roster);
    TutorantsPerTutor => "tutorants_per_tutor", "Тьюторантов на одного тьютора", Number, Some(Family::Roster);
    AttRate => "att_rate", "Посещаемость", Percent, Some(Family::Attendance);
    AttEvents => "att_events", "Посещено событий", Count, None;
    AttHours => "att_hours", "Часов посещено", Number, None;
    Events => "events", "Событий", Count, None;
    AttLowPct => "att_low_pct", "Доля участников с посещаемостью ниже 50 %", Percent, Some(Family::Attendance);
    ClubMeetingsPerMonth => "club_meetings_per_month", "Встреч клуба в месяц", Number, None;
    ClubNormMet => "club_norm_met", "Норма клуба (2 встречи в месяц) выполнена", Flag, None;
    QRespondents => "q_respondents", "Ответивших на анкету", Count, Some(Family::Questionnaire);
    QScore => "q_score", "Оценка компетенции", Percent, Some(Family::Questionnaire);
    QIndex => "q_index", "Индекс по анкете", Percent, Some(Family::Questionnaire);
    QLevelPct => "q_level_pct", "Доля по уровню", Percent, Some(Family::Questionnaire);
    QDifficultyPct => "q_difficulty_pct", "Доля ответов «затруднение»", Percent, Some(Family::Questionnaire);
    QProgress => "q_progress", "Прирост по анкете", Points, Some(Family::QuestionnaireProgress);
    QImprovedPct => "q_improved_pct", "Доля с ростом индекса", Percent, Some(Family::QuestionnaireProgress);
    QDeclinedPct => "q_declined_pct", "Доля со снижением индекса", Percent, Some(Family::QuestionnaireProgress);
    QOptionPct => "q_option_pct", "Доля выбравших вариант", Percent, Some(Family::Questionnaire);
    QYesPct => "q_yes_pct", "Доля ответов «да»", Percent, Some(Family::Questionnaire);
    DParticipants => "d_participants", "Писали диагностику", Count, Some(Family::Diagnostic);
    DAbsent => "d_absent", "Отсутствовали на диагностике", Count, Some(Family::Diagnostic);
    DScore => "d_score", "Балл", Number, Some(Family::Diagnostic);
    DPct => "d_pct", "Результат диагностики", Percent, Some(Family::Diagnostic);
    DLevelPct => "d_level_pct", "Доля по уровню результата", Percent, Some(Family::Diagnostic);
    DTaskPct => "d_task_pct", "Выполнение задания", Percent, Some(Family::Diagnostic);
    DTopicPct => "d_topic_pct", "Выполнение по теме", Percent, Some(Family::Diagnostic);
    DDeficitPct => "d_deficit_pct", "Доля с дефицитом по теме", Percent, Some(Family::Diagnostic);
    DProgress => "d_progress", "Прирост результата диагностики", Points, Some(Family::DiagnosticProgress);
    RItems => "r_items", "Шагов маршрута", Count, Some(Family::Routes);
    RDonePct => "r_done_pct", "Выполнение маршрутов", Percent, Some(Family::Routes);
    ROverdue => "r_overdue", "Просрочено шагов маршрута", Count, Some(Family::Routes);
    RAchievements => "r_achievements", "Достижений (призёр, победитель)", Count, Some(Family::Routes);
    ROwnersWithAchievementPct => "r_owners_with_achievement_pct", "Доля участников с достижениями", Percent, Some(Family::Routes);
    FormsExpected => "forms_expected", "Форм ожидалось", Count, None;
    FormsReceived => "forms_received", "Форм получено", Count, None;
    CompletenessPct => "completeness_pct", "Полнота сдачи форм", Percent, None;
    SchoolsReportingPct => "schools_reporting_pct", "Доля школ, сдавших все формы", Percent, None;
    SupportFlag => "support_flag", "Нуждается в методической поддержке", Flag, None;
}

impl Indicator {
    /// The indicator of a code of `indicators.csv`.
    pub fn parse(code: &str) -> Option<Indicator> {
        Indicator::ALL.iter().copied().find(|i| i.code() == code)
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.russian())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_code_reads_back_as_its_indicator() {
        for &i in Indicator::ALL {
            assert_eq!(Indicator::parse(i.code()), Some(i), "{}", i.code());
        }
        assert_eq!(Indicator::parse("att_rat"), None);
        assert_eq!(Indicator::parse("Посещаемость"), None);
    }

    #[test]
    fn codes_and_names_are_unique_and_present() {
        let codes: HashSet<&str> = Indicator::ALL.iter().map(|i| i.code()).collect();
        let names: HashSet<&str> = Indicator::ALL.iter().map(|i| i.russian()).collect();
        assert_eq!(codes.len(), Indicator::ALL.len());
        assert_eq!(names.len(), Indicator::ALL.len());
        for &i in Indicator::ALL {
            assert!(
                i.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                i.code()
            );
            assert!(
                i.russian()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() && !c.is_ascii()),
                "{}",
                i.code()
            );
            assert_eq!(i.to_string(), i.russian());
        }
    }

    /// indicators.md's 39 indicators, with the units the reports show them in.
    #[test]
    fn indicators_md_is_covered_with_its_units() {
        assert_eq!(Indicator::ALL.len(), 39);
        assert_eq!(Indicator::AttRate.unit(), Unit::Percent);
        assert_eq!(Indicator::QProgress.unit(), Unit::Points);
        assert_eq!(Indicator::Events.unit(), Unit::Count);
        assert_eq!(Indicator::SupportFlag.unit(), Unit::Flag);
        assert_eq!(Indicator::DScore.unit(), Unit::Number);
    }

    #[test]
    fn progress_is_its_own_family_and_forms_have_none() {
        assert_eq!(
            Indicator::QProgress.family(),
            Some(Family::QuestionnaireProgress)
        );
        assert_eq!(Indicator::QIndex.family(), Some(Family::Questionnaire));
        assert_eq!(
            Indicator::DProgress.family(),
            Some(Family::DiagnosticProgress)
        );
        assert_eq!(Indicator::CompletenessPct.family(), None);
        assert_eq!(Indicator::Events.family(), None);
    }
}
