//! Lenient parsers for cell values: text, numbers, dates, months and school years (the
//! periods and terms they make are `crate::schema::{Period, Term}`).
//!
//! They accept what office suites and teachers produce (numbers stored as text, comma
//! decimals, dates as text or as Excel serials) and say which normalisation they applied.

use std::borrow::Cow;

use calamine::Data;
use chrono::{Datelike, NaiveDate};

use super::text::{Change, clean_text, fold};

/// The text a teacher sees in a cell, or `None` for an empty or all-spaces cell.
pub fn cell_text(value: &Data) -> Option<String> {
    cell_str(value).map(Cow::into_owned)
}

/// [`cell_text`] borrowed from the cell when it is clean text already, as most are: for
/// the cells looked at and let go (marks, headers, labels, closed-list values).
pub fn cell_str(value: &Data) -> Option<Cow<'_, str>> {
    let text = match value {
        Data::Empty => return None,
        Data::String(s) => {
            let t = clean_text(s, &mut Vec::new());
            return (!t.is_empty()).then_some(t);
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => return Some(Cow::Borrowed(s)),
        Data::Float(f) => format_number(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "ИСТИНА" } else { "ЛОЖЬ" }.to_string(),
        Data::DateTime(dt) => date_of(dt)
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_else(|| format_number(dt.as_f64())),
        Data::Error(e) => format!("#{e:?}"),
    };
    Some(Cow::Owned(text))
}

/// The date of a date-formatted cell. Excel's dates end at 9999-12-31 (serial 2958465): a
/// larger serial is no date, and calamine's conversion would panic on it (found by fuzzing).
fn date_of(dt: &calamine::ExcelDateTime) -> Option<NaiveDate> {
    let serial = dt.as_f64();
    ((0.0..2_958_466.0).contains(&serial))
        .then(|| dt.as_datetime())
        .flatten()
        .map(|d| d.date())
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
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
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
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// A date: date cells, ISO dates from .ods, Excel serials, and text like `12.09.2025`,
/// `12.09.25`, `2025-09-12` or `12/09/2025`.
pub fn parse_date(value: &Data, changes: &mut Vec<Change>) -> Result<Option<NaiveDate>, ()> {
    match value {
        Data::Empty => Ok(None),
        Data::DateTime(dt) => date_of(dt).map(Some).ok_or(()),
        Data::DateTimeIso(s) => s
            .get(..10)
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .map(Some)
            .ok_or(()),
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
        if let Some(d) = NaiveDate::parse_from_str(t, format)
            .ok()
            .filter(|d| d.year() >= 1900)
        {
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

const MONTHS: [&str; 12] = [
    "январ",
    "феврал",
    "март",
    "апрел",
    "ма",
    "июн",
    "июл",
    "август",
    "сентябр",
    "октябр",
    "ноябр",
    "декабр",
];

/// Month number (1-12) of a Russian month name in any case form (`октябрь`, `октября`, `окт`).
fn month_number(word: &str) -> Option<u32> {
    let w = fold(word);
    if w == "май" || w == "мая" {
        return Some(5);
    }
    if w.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|stem| *stem != "ма" && (w.starts_with(stem) || stem.starts_with(w.as_str())))
        .map(|i| i as u32 + 1)
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
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == '.' || c == '/')
        .filter(|w| !w.is_empty() && *w != "г" && *w != "года")
        .collect();
    let [month, year] = words.as_slice() else {
        return Err(());
    };
    let year: i32 = year.parse().map_err(|_| ())?;
    let month = month
        .parse::<u32>()
        .ok()
        .or_else(|| month_number(month))
        .ok_or(())?;
    last_day_of_month(year, month).map(Some).ok_or(())
}

/// The last day of a month, `None` outside the years a school calendar can name.
pub(crate) fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1900..=2100).contains(&year) {
        return None;
    }
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// A school year such as `2025/2026`, `2025-2026` or `2025–26`, as its first calendar year.
pub fn parse_school_year(s: &str) -> Option<i32> {
    let digits: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let [first, second] = digits.as_slice() else {
        return None;
    };
    let start: i32 = first.parse().ok()?;
    let end: i32 = second.parse().ok()?;
    let end = if second.len() == 2 {
        start / 100 * 100 + end
    } else {
        end
    };
    (first.len() == 4 && end == start + 1 && (2000..2100).contains(&start)).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Period;

    #[test]
    fn reads_numbers_stored_as_text_with_comma_decimals() {
        let mut changes = Vec::new();
        assert_eq!(
            parse_number(&Data::String(" 0,5 ".into()), &mut changes),
            Ok(Some(0.5))
        );
        assert_eq!(changes, vec![Change::NumberAsText]);
        assert_eq!(
            parse_number(&Data::String("   ".into()), &mut Vec::new()),
            Ok(None)
        );
        assert_eq!(
            parse_number(&Data::String("два".into()), &mut Vec::new()),
            Err(())
        );
        assert_eq!(
            parse_number(&Data::Float(2.0), &mut Vec::new()),
            Ok(Some(2.0))
        );
    }

    #[test]
    fn reads_dates_in_every_form_teachers_use() {
        let d = NaiveDate::from_ymd_opt(2025, 9, 12).unwrap();
        for text in [
            "12.09.2025",
            "2025-09-12",
            "12/09/2025",
            "12.09.25",
            "12.09.2025 0:00:00",
        ] {
            assert_eq!(
                parse_date(&Data::String(text.into()), &mut Vec::new()),
                Ok(Some(d)),
                "{text}"
            );
        }
        assert_eq!(
            parse_date(&Data::DateTimeIso("2025-09-12".into()), &mut Vec::new()),
            Ok(Some(d))
        );
        assert_eq!(
            parse_date(&Data::Float(45912.0), &mut Vec::new()),
            Ok(Some(d))
        );
        assert_eq!(parse_date(&Data::Float(3.0), &mut Vec::new()), Err(()));
        assert_eq!(
            parse_date(&Data::String("вчера".into()), &mut Vec::new()),
            Err(())
        );
    }

    #[test]
    fn reads_months_as_their_last_day() {
        let end = |y, m, d| Ok(Some(NaiveDate::from_ymd_opt(y, m, d).unwrap()));
        assert_eq!(
            parse_due(&Data::String("октябрь 2025".into()), &mut Vec::new()),
            end(2025, 10, 31)
        );
        assert_eq!(
            parse_due(&Data::String("Февраля 2026 г.".into()), &mut Vec::new()),
            end(2026, 2, 28)
        );
        assert_eq!(
            parse_due(&Data::String("май 2026".into()), &mut Vec::new()),
            end(2026, 5, 31)
        );
        assert_eq!(
            parse_due(&Data::String("03.2026".into()), &mut Vec::new()),
            end(2026, 3, 31)
        );
        assert_eq!(
            parse_due(&Data::String("когда-нибудь".into()), &mut Vec::new()),
            Err(())
        );
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
}
