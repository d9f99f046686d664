//! The school year's reporting periods and terms: `2025/2026 Q1` in CSV and Parquet,
//! «1 четверть 2025/2026» for people.

use chrono::NaiveDate;

use crate::read::text::fold;
use crate::read::values::{last_day_of_month, parse_school_year};

/// A reporting period of the school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// The first quarter (September to October).
    Q1,
    /// The second quarter (November to December).
    Q2,
    /// The third quarter (January to March).
    Q3,
    /// The fourth quarter (April to May).
    Q4,
    /// The first half-year, for schools that report by halves.
    H1,
    /// The second half-year.
    H2,
    /// The whole school year.
    Y,
}

impl Period {
    /// Every period, quarters first: the order a year's terms are listed and read in.
    pub const ALL: [Period; 7] = [
        Period::Q1,
        Period::Q2,
        Period::Q3,
        Period::Q4,
        Period::H1,
        Period::H2,
        Period::Y,
    ];

    /// The code of the store, the CSV files and the command line: `Q1`.
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

    /// The period as people read it: «1 четверть».
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
            let roman = russian
                .replacen('1', "i", 1)
                .replacen('2', "ii", 1)
                .replacen('3', "iii", 1)
                .replacen('4', "iv", 1);
            key == russian
                || key == roman
                || key == fold(p.code())
                || (key == "учебныйгод" && *p == Period::Y)
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
    /// The first calendar year of the school year (2025 for 2025/2026).
    pub year: i32,
    /// The period within that year.
    pub period: Period,
}

/// A term the command line could not read (`--term`, `--compare`): the text typed, shown
/// with what to write instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTerm(pub String);

impl std::fmt::Display for UnknownTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "не понял период «{}»: пишите, например, \"2025/2026 Q1\" или \"2025/2026 1 четверть\"",
            self.0
        )
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
        let split = s
            .find(|c: char| c.is_whitespace())
            .or_else(|| s.rfind('-'))?;
        let (year, period) = s.split_at(split);
        Some(Term {
            year: parse_school_year(year)?,
            period: Period::parse(period.trim_start_matches(['-', ' ']))?,
        })
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
    fn terms_have_labels_ends_and_month_counts() {
        let t = Term::parse("2025/2026 Q3").unwrap();
        assert_eq!(t.label(), "2025/2026 Q3");
        assert_eq!(t.russian(), "3 четверть 2025/2026");
        assert_eq!(
            Term {
                year: 2025,
                period: Period::Y
            }
            .russian(),
            "2025/2026 учебный год"
        );
        assert_eq!(Term::parse(&t.slug()), Some(t));
        assert_eq!(t.end(), NaiveDate::from_ymd_opt(2026, 3, 31).unwrap());
        assert_eq!(
            Term {
                year: 2025,
                period: Period::H1
            }
            .end(),
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()
        );
        assert_eq!(t.previous().label(), "2025/2026 Q2");
        assert_eq!(
            Term::parse("2025/2026 Q1").unwrap().previous().label(),
            "2024/2025 Q4"
        );
        assert_eq!(
            Term::parse("2025/2026 H1").unwrap().previous().label(),
            "2024/2025 H2"
        );
        let counts: Vec<u32> = Period::ALL.iter().map(|p| p.month_count()).collect();
        assert_eq!(counts, vec![2, 2, 3, 2, 4, 5, 9]);
    }
}
