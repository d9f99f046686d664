//! `tutorstat.toml`: what kind of workspace this is, thresholds, expected forms and the
//! register of schools. Every field has a default, so an empty file is a valid school
//! configuration; `init` writes a commented one.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

use crate::register::RegisteredSchool;
use crate::schema::{Period, Term};

/// What a workspace is for (`kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A school: teachers' workbooks in, the school's reports, cards and packages out.
    #[default]
    School,
    /// A regional centre: schools' packages in, the summary by municipality out.
    Centre,
}

/// The school itself, used for workbooks that lack `Паспорт`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolInfo {
    /// `Код ОО`, as `2315-001`.
    pub code: Option<String>,
    /// The school's full name.
    pub name: Option<String>,
    /// The municipality the school belongs to.
    pub municipality: Option<String>,
}

/// Bounds on what the inbox may hold and on the memory a report takes (`[limits]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest unpacked workbook, in megabytes.
    pub max_unpacked_mb: u64,
    /// Largest file accepted in the inbox, in megabytes.
    pub max_file_mb: u64,
    /// Batches of schools a report computes at once, whatever the cores: memory holds
    /// this many batches' records (`report::model::BATCH_SCHOOLS` schools each).
    pub report_batches: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_unpacked_mb: 200,
            max_file_mb: 100,
            report_batches: 2,
        }
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
    /// Support flag: a diagnostic result below this % of the maximum (strict `<`).
    pub support_d_pct: f64,
    /// Support flag: attendance below this %.
    pub support_att_rate: f64,
    /// Support flag: route items done below this %.
    pub support_r_done_pct: f64,
    /// Support flag: expected forms received below this %.
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
    /// Questionnaires by period code: `Q1 = ["tutor-competency/start"]`.
    #[serde(default)]
    pub questionnaires: BTreeMap<String, Vec<String>>,
    /// Diagnostics by period code: `Q1 = ["ОГЭ математика/start"]`.
    #[serde(default)]
    pub diagnostics: BTreeMap<String, Vec<String>>,
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
        Privacy {
            key: None,
            small_cell: 5,
        }
    }
}

/// Individual cards (`report::cards`): one page per person for the school's tutors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Cards {
    /// `run` writes the cards of every term it reports.
    pub enabled: bool,
}

/// A workspace's `tutorstat.toml`, as [`Config::load`] resolves it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// School or centre.
    #[serde(default)]
    pub kind: Kind,
    /// The school itself, for workbooks without `Паспорт`.
    #[serde(default)]
    pub school: SchoolInfo,
    /// Input bounds.
    #[serde(default)]
    pub limits: Limits,
    /// Thresholds of the indicators.
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Forms expected from every school, besides those always expected.
    #[serde(default)]
    pub expected: Expected,
    /// Schools completeness is measured against, with those of `register_file` added at
    /// load; empty: the schools seen in the store.
    #[serde(default)]
    pub register: Vec<RegisteredSchool>,
    /// An xlsx register (`Код ОО`, `Наименование ОО`, `Муниципалитет`) relative to the workspace.
    #[serde(default)]
    pub register_file: Option<String>,
    /// The pseudonym key and the centre's smallest cell.
    #[serde(default)]
    pub privacy: Privacy,
    /// Deadlines of the terms for the centre as written: `"2025/2026 Q1" = "2025-11-10"`.
    #[serde(default, rename = "deadlines")]
    deadlines_written: BTreeMap<String, String>,
    /// Whether `run` writes the individual cards.
    #[serde(default)]
    pub cards: Cards,
    /// `[deadlines]` resolved at load: the day each term is due.
    #[serde(skip)]
    pub deadlines: BTreeMap<Term, chrono::NaiveDate>,
}

impl Config {
    /// Reads and checks the configuration; a missing file means all defaults. Every problem
    /// (a key that is not known, a value of the wrong kind, a deadline that is not a date, a
    /// period that does not exist, a threshold outside 0..100, a register file missing or
    /// malformed) names the file, the line and the key, in Russian. The register file's
    /// schools are read here, once, into `register`.
    pub fn load(path: &Path) -> anyhow::Result<Config> {
        if !path.exists() {
            return Ok(Config::default());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("не удалось прочитать {}", path.display()))?;
        let fail = |problems: Vec<String>| {
            anyhow::anyhow!(
                "в настройках {}:\n{}\nИсправьте файл или удалите его, чтобы взять настройки по умолчанию.",
                path.display(),
                problems.join("\n")
            )
        };
        let mut config: Config =
            toml::from_str(&text).map_err(|e| fail(vec![parse_problem(&text, &e)]))?;
        let problems = config.problems(&text);
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        config.deadlines = config.resolved_deadlines();
        if let Some(file) = &config.register_file {
            let root = path.parent().unwrap_or(Path::new("."));
            let schools =
                crate::register::read(&root.join(file), config.read_limits()).map_err(|e| {
                    fail(vec![format!(
                        "{}, ключ «register_file»: {e:#}",
                        place(&text, key_span(&text, &["register_file"]))
                    )])
                })?;
            config.register.extend(schools);
        }
        Ok(config)
    }

    /// What is wrong with the values of a configuration that parsed, one line each.
    fn problems(&self, text: &str) -> Vec<String> {
        let mut problems = Vec::new();
        let mut say = |path: &[&str], what: String| {
            problems.push(format!(
                "{}, ключ «{}»: {what}",
                place(text, key_span(text, path)),
                path.join(".")
            ));
        };
        for (term, date) in &self.deadlines_written {
            if Term::parse(term).is_none() {
                say(
                    &["deadlines", term],
                    format!(
                        "неизвестный период «{term}»; ожидается учебный год и период, например \"2025/2026 Q1\""
                    ),
                );
            }
            if parse_deadline(date).is_none() {
                say(
                    &["deadlines", term],
                    format!(
                        "срок «{date}» не является датой; ожидается ГГГГ-ММ-ДД, например \"2025-11-10\""
                    ),
                );
            }
        }
        for (table, map) in [
            ("questionnaires", &self.expected.questionnaires),
            ("diagnostics", &self.expected.diagnostics),
        ] {
            for (period, items) in map {
                if !Period::ALL.iter().any(|p| p.code() == period) {
                    say(
                        &["expected", table, period],
                        format!(
                            "неизвестный период «{period}»; допустимые: Q1, Q2, Q3, Q4, H1, H2, Y"
                        ),
                    );
                }
                for item in items {
                    let wave = item.rsplit_once('/').map(|(_, w)| w);
                    if !matches!(wave, Some("start" | "mid" | "final")) {
                        say(
                            &["expected", table, period],
                            format!(
                                "«{item}»: ожидается \"код/волна\", волна — start, mid или final"
                            ),
                        );
                    }
                }
            }
        }
        let t = &self.thresholds;
        for (key, value) in [
            ("level_mid", t.level_mid),
            ("level_high", t.level_high),
            ("support_d_pct", t.support_d_pct),
            ("support_att_rate", t.support_att_rate),
            ("support_r_done_pct", t.support_r_done_pct),
            ("support_completeness_pct", t.support_completeness_pct),
        ] {
            if !(0.0..=100.0).contains(&value) {
                say(
                    &["thresholds", key],
                    format!("порог {value} вне допустимых значений: от 0 до 100 (%)"),
                );
            }
        }
        if t.level_mid > t.level_high {
            say(
                &["thresholds", "level_mid"],
                format!(
                    "level_mid ({}) больше level_high ({})",
                    t.level_mid, t.level_high
                ),
            );
        }
        if self.limits.report_batches == 0 {
            say(
                &["limits", "report_batches"],
                "должно быть не меньше 1".into(),
            );
        }
        if self.privacy.small_cell == 0 {
            say(&["privacy", "small_cell"], "должно быть не меньше 1".into());
        }
        problems
    }

    /// `[deadlines]` as dates by term, once [`Config::problems`] found nothing wrong; a term
    /// written twice (`"2025/2026 Q1"`, `"2025-2026-Q1"`) keeps the first in key order.
    fn resolved_deadlines(&self) -> BTreeMap<Term, chrono::NaiveDate> {
        let mut deadlines = BTreeMap::new();
        for (term, date) in &self.deadlines_written {
            if let (Some(term), Some(date)) = (Term::parse(term), parse_deadline(date)) {
                deadlines.entry(term).or_insert(date);
            }
        }
        deadlines
    }

    /// The deadline of a term from `[deadlines]`.
    pub fn deadline(&self, term: &Term) -> Option<chrono::NaiveDate> {
        self.deadlines.get(term).copied()
    }

    /// The key of the pseudonyms (`[privacy] key`), which every package needs.
    pub fn pseudonym_key(&self) -> anyhow::Result<&str> {
        self.privacy
            .key
            .as_deref()
            .context("в tutorstat.toml нет ключа псевдонимизации ([privacy] key): создайте рабочую папку командой init или добавьте ключ")
    }

    /// The bounds a workbook is opened with (`[limits] max_unpacked_mb`).
    pub fn read_limits(&self) -> crate::read::workbook::Limits {
        crate::read::workbook::Limits {
            max_unpacked_bytes: self.limits.max_unpacked_mb.saturating_mul(1024 * 1024),
            ..Default::default()
        }
    }
}

/// A deadline as written in `[deadlines]`: `2025-11-10`.
fn parse_deadline(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A problem of a file that does not parse, in Russian, with its line and key.
fn parse_problem(text: &str, error: &toml::de::Error) -> String {
    let span = error.span();
    let message = error.message();
    let quoted =
        |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(String::from).collect() };
    let what = if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = quoted(rest);
        let (found, allowed) = names
            .split_first()
            .map(|(f, a)| (f.clone(), a.join(", ")))
            .unwrap_or_default();
        format!("неизвестный ключ «{found}» (опечатка?); допустимые здесь: {allowed}")
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = quoted(rest);
        let (found, allowed) = names
            .split_first()
            .map(|(f, a)| (f.clone(), a.join(", ")))
            .unwrap_or_default();
        format!("недопустимое значение «{found}»; допустимые: {allowed}")
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        format!("не хватает ключа «{}»", quoted(rest).join(""))
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        let expected = match rest.rsplit_once("expected ").map(|(_, e)| e) {
            Some("f64" | "u64" | "usize" | "i64") => "число",
            Some("a string") => "текст в кавычках",
            Some("a sequence") => "список в квадратных скобках",
            Some(e) if e.starts_with("struct") || e.starts_with("a map") => "раздел с ключами",
            _ => "значение другого вида",
        };
        format!(
            "значение {} не подходит: ожидается {expected}",
            span.clone()
                .map(|s| text[s].to_string())
                .unwrap_or_default()
        )
    } else if message.starts_with("duplicate key") {
        "ключ указан дважды".to_string()
    } else {
        "файл не читается как TOML (проверьте кавычки, скобки и знак =)".to_string()
    };
    let key = span
        .clone()
        .map(|s| key_at(text, s.start))
        .unwrap_or_default();
    if key.is_empty() {
        format!("{}: {what}", place(text, span))
    } else {
        format!("{}, ключ «{key}»: {what}", place(text, span))
    }
}

/// «строка N» of a byte offset.
fn place(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(s) => format!(
            "строка {}",
            text[..s.start.min(text.len())].matches('\n').count() + 1
        ),
        None => "файл целиком".into(),
    }
}

/// The dotted key at a byte offset: the table header above it and the key of its line.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default().trim();
    let unquote = |s: &str| s.trim().trim_matches('"').to_string();
    if line.starts_with('[') {
        return unquote(line.trim_matches(|c| c == '[' || c == ']'));
    }
    let key = line
        .split_once('=')
        .map(|(k, _)| unquote(k))
        .unwrap_or_default();
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| unquote(l.trim_matches(|c| c == '[' || c == ']')));
    match table {
        Some(t) if !key.is_empty() => format!("{t}.{key}"),
        _ => key,
    }
}

/// Where a key (`["thresholds", "level_mid"]`) is written; `None` when it is not (a default).
fn key_span(text: &str, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let mut span = None;
    for (i, name) in path.iter().enumerate() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == *name)?;
        span = Some(key.span());
        if i + 1 < path.len() {
            let toml::de::DeValue::Table(inner) = value.get_ref() else {
                return span;
            };
            table = inner;
        }
    }
    span
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
# Сколько групп по 100 школ отчёт обрабатывает одновременно. Больше — быстрее на сервере
# с многими ядрами, но каждая группа добавляет память (у центра около 130 МБ).
report_batches = 2

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

# Индивидуальные карточки: по странице на каждого наставника, педагога и обучающегося
# (маршрут, посещаемость, диагностика, анкеты и что обсудить на тьюториале) и по файлу на
# тьютора со всеми его тьюторантами — для тьюториалов. В карточках ФИО: они остаются в
# школе и не входят в пакет для центра. true — команда run пишет их в reports/<период>/cards/
# (по запросу они пишутся всегда: tutorstat cards).
[cards]
enabled = false

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
        assert!(config.problems(&template(Kind::School, "abc")).is_empty());
        assert!(!config.cards.enabled);
        let centre: Config = toml::from_str(&template(Kind::Centre, "abc")).unwrap();
        assert_eq!(centre.kind, Kind::Centre);
    }

    #[test]
    fn deadlines_are_resolved_to_dates_by_term_at_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tutorstat.toml");
        let text = "[deadlines]\n\"2025-2026-Q1\" = \"2025-11-10\"\n\"2025/2026 Q1\" = \"2025-11-20\"\n\"2025/2026 2 четверть\" = \" 2025-12-28 \"\n";
        std::fs::write(&path, text).unwrap();
        let config = Config::load(&path).unwrap();
        let term = |text: &str| Term::parse(text).unwrap();
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        // One term written two ways: the first in key order counts.
        assert_eq!(config.deadline(&term("2025/2026 Q1")), day(2025, 11, 10));
        assert_eq!(config.deadline(&term("2025/2026 Q2")), day(2025, 12, 28));
        assert_eq!(config.deadline(&term("2025/2026 Q3")), None);
        assert_eq!(config.deadlines.len(), 2);
    }
}
