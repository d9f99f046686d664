//! Lenient parsers for cell values: text, numbers, dates, months, school years and periods.
//!
//! They accept what office suites and teachers produce (numbers stored as text, comma
//! decimals, dates as text or as Excel serials) and say which normalisation they applied.

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use super::text::{Change, clean_text, fold};

/// The text a teacher sees in a cell, or `None` for an empty or all-spaces cell.
pub fn cell_text(value: &Data) -> Option<String> {
    match value {
        Data::Empty => None,
        Data::String(s) => {
            let t = clean_text(s, &mut Vec::new());
            (!t.is_empty()).then_some(t)
        }
        Data::Float(f) => Some(format_number(*f)),
        Data::Int(i) => Some(i.to_string()),
        Data::Bool(b) => Some(if *b { "ИСТИНА" } else { "ЛОЖЬ" }.to_string()),
        Data::DateTime(dt) => Some(date_of(dt).map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_else(|| format_number(dt.as_f64()))),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(format!("#{e:?}")),
    }
}

/// The date of a date-formatted cell. Excel's dates end at 9999-12-31 (serial 2958465): a
/// larger serial is no date, and calamine's conversion would panic on it (found by fuzzing).
fn date_of(dt: &calamine::ExcelDateTime) -> Option<NaiveDate> {
    let serial = dt.as_f64();
    ((0.0..2_958_466.0).contains(&serial)).then(|| dt.as_datetime()).flatten().map(|d| d.date())
}

/// Whether a cell holds nothing a teacher typed (empty or only spaces).
pub fn is_blank(value: &Data) -> bool {
    match value {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// A number as a teacher would write it: `17`, `0.5`; whole numbers without a fraction.
pub fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A number: numeric cells as they are, text like `3,5` or ` 12 ` read as a number.
/// `Ok(None)` for a blank cell, `Err(())` when the cell holds something else.
pub fn parse_number(value: &Data, changes: &mut Vec<Change>) -> Result<Option<f64>, ()> {
    match value {
        Data::Float(f) => Ok(Some(*f)),
        Data::Int(i) => Ok(Some(*i as f64)),
        Data::String(s) => {
            let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.is_empty() {
                return Ok(None);
            }
            let n: f64 = compact.replace(',', ".").parse().map_err(|_| ())?;
            if !n.is_finite() {
                return Err(());
            }
            changes.push(Change::NumberAsText);
            Ok(Some(n))
        }
        Data::Empty => Ok(None),
        _ => Err(()),
    }
}

/// Excel's 1900 date system: serial 1 is 1900-01-01, with the phantom 1900-02-29.
fn date_from_serial(serial: f64) -> Option<NaiveDate> {
    // Only plausible dates (1954..2119): a small number in a date column is a mistake.
    if !(20000.0..80000.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// A date: date cells, ISO dates from .ods, Excel serials, and text like `12.09.2025`,
/// `12.09.25`, `2025-09-12` or `12/09/2025`.
pub fn parse_date(value: &Data, changes: &mut Vec<Change>) -> Result<Option<NaiveDate>, ()> {
    match value {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => date_of(dt).map(Some).ok_or(()),
        Data::DateTimeIso(s) => s.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).map(Some).ok_or(()),
        Data::Float(f) => date_from_serial(*f).map(Some).ok_or(()),
        Data::Int(i) => date_from_serial(*i as f64).map(Some).ok_or(()),
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            let date = parse_date_text(t).ok_or(())?;
            changes.push(Change::DateAsText);
            Ok(Some(date))
        }
        _ => Err(()),
    }
}

fn parse_date_text(t: &str) -> Option<NaiveDate> {
    // A time part after the date (`12.09.2025 0:00:00`) is ignored.
    let t = t.split_whitespace().next()?;
    for format in ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"] {
        if let Some(d) = NaiveDate::parse_from_str(t, format).ok().filter(|d| d.year() >= 1900) {
            return Some(d);
        }
    }
    // Two-digit years: 12.09.25 is 2025.
    let parts: Vec<&str> = t.split('.').collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 2
    {
        let year = 2000 + y.parse::<i32>().ok()?;
        return NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?);
    }
    None
}

const MONTHS: [&str; 12] = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр", "декабр"];

/// Month number (1-12) of a Russian month name in any case form (`октябрь`, `октября`, `окт`).
fn month_number(word: &str) -> Option<u32> {
    let w = fold(word);
    if w == "май" || w == "мая" {
        return Some(5);
    }
    if w.chars().count() < 3 {
        return None;
    }
    MONTHS.iter().position(|stem| *stem != "ма" && (w.starts_with(stem) || stem.starts_with(w.as_str()))).map(|i| i as u32 + 1)
}

/// A deadline: a date, or a month (`октябрь 2025`, `10.2025`) meaning its last day.
pub fn parse_due(value: &Data, changes: &mut Vec<Change>) -> Result<Option<NaiveDate>, ()> {
    if let Ok(date) = parse_date(value, &mut Vec::new()) {
        if date.is_some() && matches!(value, Data::String(_)) {
            changes.push(Change::DateAsText);
        }
        return Ok(date);
    }
    let Data::String(s) = value else {
        return Err(());
    };
    let words: Vec<&str> =
        s.split(|c: char| c.is_whitespace() || c == '.' || c == '/').filter(|w| !w.is_empty() && *w != "г" && *w != "года").collect();
    let [month, year] = words.as_slice() else {
        return Err(());
    };
    let year: i32 = year.parse().map_err(|_| ())?;
    let month = month.parse::<u32>().ok().or_else(|| month_number(month)).ok_or(())?;
    last_day_of_month(year, month).map(Some).ok_or(())
}

pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1900..=2100).contains(&year) {
        return None;
    }
    let (y, m) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// A school year such as `2025/2026`, `2025-2026` or `2025–26`, as its first calendar year.
pub fn parse_school_year(s: &str) -> Option<i32> {
    let digits: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let [first, second] = digits.as_slice() else {
        return None;
    };
    let start: i32 = first.parse().ok()?;
    let end: i32 = second.parse().ok()?;
    let end = if second.len() == 2 { start / 100 * 100 + end } else { end };
    (first.len() == 4 && end == start + 1 && (2000..2100).contains(&start)).then_some(start)
}

/// A reporting period of the school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
    Y,
}

impl Period {
    pub const ALL: [Period; 7] = [Period::Q1, Period::Q2, Period::Q3, Period::Q4, Period::H1, Period::H2, Period::Y];

    pub fn code(self) -> &'static str {
        match self {
            Period::Q1 => "Q1",
            Period::Q2 => "Q2",
            Period::Q3 => "Q3",
            Period::Q4 => "Q4",
            Period::H1 => "H1",
            Period::H2 => "H2",
            Period::Y => "Y",
        }
    }

    pub fn russian(self) -> &'static str {
        match self {
            Period::Q1 => "1 четверть",
            Period::Q2 => "2 четверть",
            Period::Q3 => "3 четверть",
            Period::Q4 => "4 четверть",
            Period::H1 => "1 полугодие",
            Period::H2 => "2 полугодие",
            Period::Y => "год",
        }
    }

    /// Reads `1 четверть`, `I четверть`, `Q1`, `1 полугодие`, `год`, `учебный год`.
    pub fn parse(s: &str) -> Option<Period> {
        let key = fold(s).replace(' ', "");
        let key = key.trim_end_matches("учебный");
        Period::ALL.into_iter().find(|p| {
            let russian = fold(p.russian()).replace(' ', "");
            let roman = russian.replacen('1', "i", 1).replacen('2', "ii", 1).replacen('3', "iii", 1).replacen('4', "iv", 1);
            key == russian || key == roman || key == fold(p.code()) || (key == "учебныйгод" && *p == Period::Y)
        })
    }

    /// Quarters, half-years and the year are three kinds; change compares within a kind.
    pub fn kind(self) -> u8 {
        match self {
            Period::Q1 | Period::Q2 | Period::Q3 | Period::Q4 => 0,
            Period::H1 | Period::H2 => 1,
            Period::Y => 2,
        }
    }

    /// First and last month (1-12) of the period; months after August belong to the first year.
    pub fn months(self) -> (u32, u32) {
        match self {
            Period::Q1 => (9, 10),
            Period::Q2 => (11, 12),
            Period::Q3 => (1, 3),
            Period::Q4 => (4, 5),
            Period::H1 => (9, 12),
            Period::H2 => (1, 5),
            Period::Y => (9, 5),
        }
    }

    /// Number of months in the period (indicators.md "term months").
    pub fn month_count(self) -> u32 {
        let (first, last) = self.months();
        (last + 12 - first) % 12 + 1
    }
}

/// A school year and a period: the term of a record, written `2025/2026 Q1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Term {
    pub year: i32,
    pub period: Period,
}

/// A term the command line could not read (`--term`, `--compare`): the text typed, shown
/// with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTerm(pub String);

impl std::fmt::Display for UnknownTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "не понял период «{}»: пишите, например, \"2025/2026 Q1\" или \"2025/2026 1 четверть\"", self.0)
    }
}

impl std::error::Error for UnknownTerm {}

/// What [`Term::parse`] reads; clap parses `--term` with it.
impl std::str::FromStr for Term {
    type Err = UnknownTerm;

    fn from_str(s: &str) -> Result<Term, UnknownTerm> {
        Term::parse(s).ok_or_else(|| UnknownTerm(s.to_string()))
    }
}

impl Term {
    /// `2025/2026 Q1`.
    pub fn label(&self) -> String {
        format!("{}/{} {}", self.year, self.year + 1, self.period.code())
    }

    /// `2025-2026-Q1`: the same, safe as a folder name.
    pub fn slug(&self) -> String {
        format!("{}-{}-{}", self.year, self.year + 1, self.period.code())
    }

    /// The term in words: `1 четверть 2025/2026`, `2 полугодие 2025/2026`, `2025/2026 учебный год`.
    pub fn russian(&self) -> String {
        match self.period {
            Period::Y => format!("{}/{} учебный год", self.year, self.year + 1),
            period => format!("{} {}/{}", period.russian(), self.year, self.year + 1),
        }
    }

    /// Reads `2025/2026 Q1`, `2025-2026-Q1` or `2025/2026 1 четверть`.
    pub fn parse(s: &str) -> Option<Term> {
        let s = s.trim();
        let split = s.find(|c: char| c.is_whitespace()).or_else(|| s.rfind('-'))?;
        let (year, period) = s.split_at(split);
        Some(Term { year: parse_school_year(year)?, period: Period::parse(period.trim_start_matches(['-', ' ']))? })
    }

    /// 1 September of the school year.
    pub fn year_start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, 9, 1).expect("valid date")
    }

    /// 31 August closing the school year.
    pub fn year_end(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year + 1, 8, 31).expect("valid date")
    }

    /// The last day of the term's last month.
    pub fn end(&self) -> NaiveDate {
        let (_, last) = self.period.months();
        let year = if last >= 9 { self.year } else { self.year + 1 };
        last_day_of_month(year, last).expect("valid month")
    }

    /// The previous term of the same kind: quarter after quarter, half-year after half-year,
    /// year after year (Q1 follows Q4 of the previous school year).
    pub fn previous(&self) -> Term {
        let (year, period) = match self.period {
            Period::Q1 => (self.year - 1, Period::Q4),
            Period::Q2 => (self.year, Period::Q1),
            Period::Q3 => (self.year, Period::Q2),
            Period::Q4 => (self.year, Period::Q3),
            Period::H1 => (self.year - 1, Period::H2),
            Period::H2 => (self.year, Period::H1),
            Period::Y => (self.year - 1, Period::Y),
        };
        Term { year, period }
    }

    /// Whether a date lies in the school year (1 September to 31 August).
    pub fn in_school_year(&self, date: NaiveDate) -> bool {
        date >= self.year_start() && date <= self.year_end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_stored_as_text_with_comma_decimals() {
        let mut changes = Vec::new();
        assert_eq!(parse_number(&Data::String(" 0,5 ".into()), &mut changes), Ok(Some(0.5)));
        assert_eq!(changes, vec![Change::NumberAsText]);
        assert_eq!(parse_number(&Data::String("   ".into()), &mut Vec::new()), Ok(None));
        assert_eq!(parse_number(&Data::String("два".into()), &mut Vec::new()), Err(()));
        assert_eq!(parse_number(&Data::Float(2.0), &mut Vec::new()), Ok(Some(2.0)));
    }

    #[test]
    fn reads_dates_in_every_form_teachers_use() {
        let d = NaiveDate::from_ymd_opt(2025, 9, 12).unwrap();
        for text in ["12.09.2025", "2025-09-12", "12/09/2025", "12.09.25", "12.09.2025 0:00:00"] {
            assert_eq!(parse_date(&Data::String(text.into()), &mut Vec::new()), Ok(Some(d)), "{text}");
        }
        assert_eq!(parse_date(&Data::DateTimeIso("2025-09-12".into()), &mut Vec::new()), Ok(Some(d)));
        assert_eq!(parse_date(&Data::Float(45912.0), &mut Vec::new()), Ok(Some(d)));
        assert_eq!(parse_date(&Data::Float(3.0), &mut Vec::new()), Err(()));
        assert_eq!(parse_date(&Data::String("вчера".into()), &mut Vec::new()), Err(()));
    }

    #[test]
    fn reads_months_as_their_last_day() {
        let end = |y, m, d| Ok(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        assert_eq!(parse_due(&Data::String("октябрь 2025".into()), &mut Vec::new()), end(2025, 10, 31));
        assert_eq!(parse_due(&Data::String("Февраля 2026 г.".into()), &mut Vec::new()), end(2026, 2, 28));
        assert_eq!(parse_due(&Data::String("май 2026".into()), &mut Vec::new()), end(2026, 5, 31));
        assert_eq!(parse_due(&Data::String("03.2026".into()), &mut Vec::new()), end(2026, 3, 31));
        assert_eq!(parse_due(&Data::String("когда-нибудь".into()), &mut Vec::new()), Err(()));
    }

    #[test]
    fn reads_school_years_and_periods() {
        assert_eq!(parse_school_year("2025/2026"), Some(2025));
        assert_eq!(parse_school_year("2025-2026"), Some(2025));
        assert_eq!(parse_school_year("2025–26"), Some(2025));
        assert_eq!(parse_school_year("2025/2027"), None);
        assert_eq!(Period::parse("1 четверть"), Some(Period::Q1));
        assert_eq!(Period::parse("IV четверть"), Some(Period::Q4));
        assert_eq!(Period::parse("2 Полугодие"), Some(Period::H2));
        assert_eq!(Period::parse("Год"), Some(Period::Y));
        assert_eq!(Period::parse("q3"), Some(Period::Q3));
        assert_eq!(Period::parse("5 четверть"), None);
    }

    #[test]
    fn terms_have_labels_ends_and_month_counts() {
        let t = Term::parse("2025/2026 Q3").unwrap();
        assert_eq!(t.label(), "2025/2026 Q3");
        assert_eq!(t.russian(), "3 четверть 2025/2026");
        assert_eq!(Term { year: 2025, period: Period::Y }.russian(), "2025/2026 учебный год");
        assert_eq!(Term::parse(&t.slug()), Some(t));
        assert_eq!(t.end(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(Term { year: 2025, period: Period::H1 }.end(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap());
        assert_eq!(t.previous().label(), "2025/2026 Q2");
        assert_eq!(Term::parse("2025/2026 Q1").unwrap().previous().label(), "2024/2025 Q4");
        assert_eq!(Term::parse("2025/2026 H1").unwrap().previous().label(), "2024/2025 H2");
        let counts: Vec<u32> = Period::ALL.iter().map(|p| p.month_count()).collect();
        assert_eq!(counts, vec![2, 2, 3, 2, 4, 5, 9]);
    }
}
