//! `tutorstat.toml`: what kind of workspace this is, thresholds, expected forms and the
//! register of schools. Every field has a default, so an empty file is a valid school
//! configuration; `init` writes a commented one.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    School,
    Centre,
}

/// The school itself, used for workbooks that lack `Паспорт`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolInfo {
    pub code: Option<String>,
    pub name: Option<String>,
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest unpacked workbook, in megabytes.
    pub max_unpacked_mb: u64,
    /// Largest file accepted in the inbox, in megabytes.
    pub max_file_mb: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_unpacked_mb: 200, max_file_mb: 100 }
    }
}

/// Thresholds of indicators.md, all configurable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// `level(p)`: below this is `низкий`.
    pub level_mid: f64,
    /// `level(p)`: from this on is `высокий`.
    pub level_high: f64,
    /// Smallest recommended group.
    pub min_group_size: usize,
    /// Support flag fires below these (strict `<`).
    pub support_d_pct: f64,
    pub support_att_rate: f64,
    pub support_r_done_pct: f64,
    pub support_completeness_pct: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            level_mid: 50.0,
            level_high: 75.0,
            min_group_size: 2,
            support_d_pct: 50.0,
            support_att_rate: 60.0,
            support_r_done_pct: 50.0,
            support_completeness_pct: 100.0,
        }
    }
}

/// Forms expected from every school. A roster each school year and an attendance journal
/// and routes each term are always expected; questionnaires and diagnostics are added per
/// period as `"code/wave"` (`"tutor-competency/start"`, `"ОГЭ математика/final"`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    #[serde(default)]
    pub questionnaires: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub diagnostics: BTreeMap<String, Vec<String>>,
}

/// One school of the register.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredSchool {
    pub code: String,
    pub name: String,
    pub municipality: String,
}

/// What may leave the workspace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// The key of the pseudonyms (HMAC-SHA-256); it never leaves this file.
    pub key: Option<String>,
    /// Centre reports suppress any cell that describes fewer persons than this.
    pub small_cell: usize,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy { key: None, small_cell: 5 }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub school: SchoolInfo,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub thresholds: Thresholds,
    #[serde(default)]
    pub expected: Expected,
    /// Schools completeness is measured against; empty: the schools seen in the store.
    #[serde(default)]
    pub register: Vec<RegisteredSchool>,
    /// An xlsx register (`Код ОО`, `Наименование ОО`, `Муниципалитет`) relative to the workspace.
    #[serde(default)]
    pub register_file: Option<String>,
    #[serde(default)]
    pub privacy: Privacy,
    /// Deadlines of the terms for the centre: `"2025/2026 Q1" = "2025-11-10"`.
    #[serde(default)]
    pub deadlines: BTreeMap<String, String>,
}

impl Config {
    /// Reads the configuration; a missing file means all defaults.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("не удалось прочитать {}", path.display()))?;
        toml::from_str(&text).with_context(|| {
            format!("ошибка в настройках {}: исправьте файл или удалите его, чтобы взять настройки по умолчанию", path.display())
        })
    }

    pub fn read_limits(&self) -> crate::read::workbook::Limits {
        crate::read::workbook::Limits { max_unpacked_bytes: self.limits.max_unpacked_mb.saturating_mul(1024 * 1024), ..Default::default() }
    }
}

/// The commented configuration `init` writes, with a fresh pseudonym key.
pub fn template(kind: Kind, key: &str) -> String {
    let kind = match kind {
        Kind::School => "school",
        Kind::Centre => "centre",
    };
    format!(
        r#"# Настройки tutorstat для этой папки.
# Строки, начинающиеся с #, — комментарии. Значения по умолчанию указаны ниже.

# Вид рабочей папки: "school" — школа, "centre" — центр развития образования.
kind = "{kind}"

# Сведения о школе. Нужны только для файлов без листа «Паспорт»:
# тогда код, название и муниципалитет берутся отсюда.
[school]
# code = "2315-001"
# name = "МБОУ СОШ № 1"
# municipality = "г. Новоморск"

# Ограничения на входные файлы.
[limits]
# Файл, который распаковывается больше чем в столько мегабайт, отклоняется.
max_unpacked_mb = 200
# Файл больше стольких мегабайт отклоняется, не открываясь.
max_file_mb = 100

# Пороги показателей.
[thresholds]
# Уровни: ниже level_mid — «низкий», от level_high — «высокий», между ними — «средний» (в %).
level_mid = 50
level_high = 75
# Наименьшая рекомендуемая группа по дефицитной теме диагностики.
min_group_size = 2
# Школа отмечается как нуждающаяся в поддержке, если значение строго ниже порога:
support_d_pct = 50              # результат диагностики, % от максимума
support_att_rate = 60           # посещаемость, %
support_r_done_pct = 50         # выполнение маршрутов, %
support_completeness_pct = 100  # полнота сдачи форм, %

# Ожидаемые формы. Всегда ожидаются: состав участников на учебный год,
# журнал посещаемости и маршруты каждый период. Анкеты и диагностики добавляются
# по периодам (Q1..Q4, H1, H2, Y) в виде "код/волна" (волна: start, mid, final).
[expected]
# questionnaires = {{ Q1 = ["tutor-competency/start"], Q4 = ["tutor-competency/final"] }}
# diagnostics = {{ Q1 = ["ОГЭ математика/start"], Q4 = ["ОГЭ математика/final"] }}

# Реестр школ (для центра; у школы можно не заполнять): либо таблица
# (столбцы «Код ОО», «Наименование ОО», «Муниципалитет»; бланк — templates/Реестр школ.xlsx),
# register_file = "Реестр школ.xlsx"
# либо список прямо здесь:
# [[register]]
# code = "2315-001"
# name = "МБОУ СОШ № 1"
# municipality = "г. Новоморск"

# Сроки сдачи по периодам (для центра): школы, приславшие данные позже, отмечаются.
[deadlines]
# "2025/2026 Q1" = "2025-11-10"

# Персональные данные (ФЗ-152). Ключ псевдонимизации: из него и ID участника получается
# обезличенный код в пакете для центра. Ключ никуда не передаётся — не меняйте и не
# пересылайте его: с другим ключом коды участников в следующих пакетах не совпадут.
[privacy]
key = "{key}"
# Центр скрывает показатели, описывающие меньше стольких человек.
small_cell = 5
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_template_parses_to_the_defaults() {
        let config: Config = toml::from_str(&template(Kind::School, "abc")).unwrap();
        assert_eq!(config.kind, Kind::School);
        assert_eq!(config.limits.max_unpacked_mb, 200);
        assert_eq!(config.privacy.key.as_deref(), Some("abc"));
        assert_eq!(config.thresholds.level_high, 75.0);
        let centre: Config = toml::from_str(&template(Kind::Centre, "abc")).unwrap();
        assert_eq!(centre.kind, Kind::Centre);
    }
}
