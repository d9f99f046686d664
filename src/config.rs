//! `tutorstat.toml`: what kind of workspace this is, thresholds, expected forms and the
//! register of schools. Every field has a default, so an empty file is a valid school
//! configuration; `init` writes a commented one.

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub school: SchoolInfo,
    #[serde(default)]
    pub limits: Limits,
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
        crate::read::workbook::Limits { max_unpacked_bytes: self.limits.max_unpacked_mb * 1024 * 1024, ..Default::default() }
    }
}

/// The commented configuration `init` writes.
pub fn template(kind: Kind) -> String {
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
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_template_parses_to_the_defaults() {
        let config: Config = toml::from_str(&template(Kind::School)).unwrap();
        assert_eq!(config.kind, Kind::School);
        assert_eq!(config.limits.max_unpacked_mb, 200);
        let centre: Config = toml::from_str(&template(Kind::Centre)).unwrap();
        assert_eq!(centre.kind, Kind::Centre);
    }
}
