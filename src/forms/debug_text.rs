//! The text a record's digest hashes: what `format!("{record:?}")` writes for the derived
//! `Debug`, byte for byte, without `Debug`'s per-character escape checks on text that needs
//! none. Those checks (is the character printable? a grapheme extender?) take slow table
//! lookups for every Cyrillic letter and were a quarter of validation's time; digests are
//! stored, so they must not change.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

/// Writes a record as the derived `Debug` does: `Name { field: value, ... }`.
pub struct DebugText<'a> {
    out: &'a mut String,
    fields: usize,
}

impl<'a> DebugText<'a> {
    /// Starts the record named `name` (its type's name) at the end of `out`.
    #[inline]
    pub fn new(out: &'a mut String, name: &str) -> DebugText<'a> {
        out.push_str(name);
        DebugText { out, fields: 0 }
    }

    /// A text field: `field: "value"`.
    #[inline]
    pub fn text(mut self, field: &str, value: &str) -> Self {
        self.name(field);
        quoted(self.out, value);
        self
    }

    /// An optional text field: `field: Some("value")` or `field: None`.
    #[inline]
    pub fn opt_text(self, field: &str, value: Option<&str>) -> Self {
        self.optional(field, value, quoted)
    }

    /// A number field: `field: 1.5`.
    pub fn number(mut self, field: &str, value: f64) -> Self {
        self.name(field);
        push_number(self.out, value);
        self
    }

    /// An optional number field: `field: Some(1.5)` or `field: None`.
    pub fn opt_number(self, field: &str, value: Option<f64>) -> Self {
        self.optional(field, value, push_number)
    }

    /// An optional field: `field: Some(...)`, the value written by `push`, or `field: None`.
    #[inline]
    fn optional<T>(mut self, field: &str, value: Option<T>, push: fn(&mut String, T)) -> Self {
        self.name(field);
        match value {
            Some(value) => {
                self.out.push_str("Some(");
                push(self.out, value);
                self.out.push(')');
            }
            None => self.out.push_str("None"),
        }
        self
    }

    /// A date field: `field: 2025-09-01`.
    pub fn date(mut self, field: &str, value: NaiveDate) -> Self {
        self.name(field);
        push_date(self.out, value);
        self
    }

    /// Closes the record.
    #[inline]
    pub fn finish(self) {
        if self.fields > 0 {
            self.out.push_str(" }");
        }
    }

    #[inline]
    fn name(&mut self, field: &str) {
        self.out
            .push_str(if self.fields == 0 { " { " } else { ", " });
        self.out.push_str(field);
        self.out.push_str(": ");
        self.fields += 1;
    }
}

/// `value` as `f64`'s `Debug` writes it. Whole numbers and tenths from 0 to 10^14 (hours,
/// scores, answers, years of experience: nearly every number stored) are written digit by
/// digit: going through `fmt`'s shortest-digits search for each was a twentieth of a
/// record's text. Others are written by `Debug` itself.
fn push_number(out: &mut String, value: f64) {
    let tenths = value * 10.0;
    // `tenths` is a whole number below 10^15 and `value` is exactly the nearest double to
    // that many tenths: then `Debug`'s shortest digits that read back as `value` are those
    // tenths (two numbers one tenth apart cannot both be nearest to it at this size), and it
    // writes them without an exponent, with one decimal.
    if value.is_sign_positive() && tenths.fract() == 0.0 && tenths < 1e15 {
        let tenths = tenths as u64;
        if tenths as f64 / 10.0 == value {
            push_digits(out, tenths / 10);
            out.push('.');
            push_digits(out, tenths % 10);
            return;
        }
    }
    write!(out, "{value:?}").expect("writing to a String cannot fail");
}

/// `date` as `NaiveDate`'s `Debug` writes it: `2025-09-01`; years outside 0..=9999 (which
/// it writes with a sign) by `Debug` itself.
fn push_date(out: &mut String, date: NaiveDate) {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        write!(out, "{date:?}").expect("writing to a String cannot fail");
        return;
    }
    let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
    let year = year as u32;
    for c in [year / 1000, year / 100, year / 10, year].map(digit) {
        out.push(c);
    }
    for n in [date.month(), date.day()] {
        out.push('-');
        out.push(digit(n / 10));
        out.push(digit(n));
    }
}

/// Appends `n` in decimal digits.
fn push_digits(out: &mut String, n: u64) {
    // Pushed one by one: a `push_str` of a few bytes is a call to `memcpy` each.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = n;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        out.push(char::from(d));
    }
}

/// `value` in quotes as `Debug` writes it: as it is when every character is [`plain`], else
/// by `Debug` itself.
#[inline]
fn quoted(out: &mut String, value: &str) {
    if is_plain(value) {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        write!(out, "{value:?}").expect("writing to a String cannot fail");
    }
}

/// Whether every character of `value` is [`plain`], read byte by byte: decoding each
/// Cyrillic letter to test it was most of the time spent writing a record's text.
fn is_plain(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, bytes.get(i + 1)) {
            (b'"' | b'\\', _) => return false,
            (b' '..=b'~', _) => i += 1,
            // U+0400..U+047F and U+04C0..U+04FF, two bytes each, are all plain.
            (0xD0 | 0xD1 | 0xD3, _) => i += 2,
            // U+0480..U+04BF but the combining marks U+0483..U+0489.
            (0xD2, Some(next)) if !(0x83..=0x89).contains(next) => i += 2,
            // Anything else (rare in a record) is judged by its character.
            _ => return value[i..].chars().all(plain),
        }
    }
    true
}

/// Characters `Debug` never escapes, wherever they stand: printable ASCII but the quote and
/// the backslash, the Cyrillic letters (U+0483..U+0489 are combining marks), and the
/// typographer's quotes, dashes and the numero sign of Russian text. A test checks each.
fn plain(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{400}'..='\u{482}' | '\u{48A}'..='\u{4FF}' | '«' | '»' | '–' | '—' | '№')
        && c != '"'
        && c != '\\'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_writes_every_plain_character_as_it_is_wherever_it_stands() {
        for c in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| plain(*c))
        {
            for text in [
                format!("{c}"),
                format!("a{c}"),
                format!("{c}{c}"),
                format!("я{c}б"),
            ] {
                assert_eq!(
                    format!("{text:?}"),
                    format!("\"{text}\""),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn text_read_byte_by_byte_is_plain_when_each_character_is(
            s in "[ -~абвёЁя\u{400}-\u{4ff}«»–—№\u{301}\t\n\"\\\\é€😀]{0,12}"
        ) {
            proptest::prop_assert_eq!(is_plain(&s), s.chars().all(plain));
        }
    }

    proptest::proptest! {
        #[test]
        fn a_number_is_written_as_debug_writes_it(
            bits: u64,
            tenths in 0u64..2_000_000_000_000_000,
            whole in -1_000_000i64..1_000_000,
            hundredths in 0u32..100_000,
        ) {
            let near = |n: f64| [n, n.next_up(), n.next_down()];
            let mut values = vec![f64::from_bits(bits), whole as f64, f64::from(hundredths) / 100.0];
            values.extend(near(tenths as f64 / 10.0));
            values.extend(near(tenths as f64));
            values.extend(near(tenths as f64 * 1e-6));
            for value in values {
                let mut out = String::new();
                push_number(&mut out, value);
                proptest::prop_assert_eq!(out, format!("{value:?}"));
            }
        }

        #[test]
        fn a_date_is_written_as_debug_writes_it(days in -1_000_000i32..4_000_000) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("a date");
            let mut out = String::new();
            push_date(&mut out, date);
            proptest::prop_assert_eq!(out, format!("{date:?}"));
        }
    }

    #[test]
    fn numbers_and_dates_at_the_edges_are_written_as_debug_writes_them() {
        let numbers = [
            0.0,
            -0.0,
            0.1,
            0.2 + 0.1,
            1.0,
            1.5,
            12.5,
            99.9,
            1e14,
            1e14 - 0.1,
            1e15,
            1e16,
            1e-4,
            1e-5,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            -1.5,
        ];
        for value in numbers {
            let mut out = String::new();
            push_number(&mut out, value);
            assert_eq!(out, format!("{value:?}"));
        }
        for (y, m, d) in [
            (0, 1, 1),
            (9, 9, 9),
            (999, 12, 31),
            (2025, 9, 1),
            (9999, 12, 31),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a date");
            let mut out = String::new();
            push_date(&mut out, date);
            assert_eq!(out, format!("{date:?}"));
        }
        let mut out = String::new();
        push_digits(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string());
    }

    #[derive(Debug)]
    struct Sample {
        text: String,
        maybe: Option<String>,
        none: Option<String>,
        number: f64,
        date: chrono::NaiveDate,
        code: &'static str,
    }

    #[test]
    fn a_record_is_written_as_its_derived_debug() {
        for text in [
            "Иванова Анна",
            "кавычки \" и \\ слэш",
            "табуляция\tи\nстрока",
            "é\u{301}",
            "ё̈",
            "",
        ] {
            let sample = Sample {
                text: text.to_string(),
                maybe: Some(format!("«{text}» — №1")),
                none: None,
                number: 1.0,
                date: chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
                code: "present",
            };
            let mut out = String::new();
            DebugText::new(&mut out, "Sample")
                .text("text", &sample.text)
                .opt_text("maybe", sample.maybe.as_deref())
                .opt_text("none", sample.none.as_deref())
                .number("number", sample.number)
                .date("date", sample.date)
                .text("code", sample.code)
                .finish();
            assert_eq!(out, format!("{sample:?}"));
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_quoted_as_debug_quotes_it(text in ".*", russian in "[а-яА-ЯёЁ «»–—№.,!?0-9-]*") {
            for value in [&text, &russian] {
                let mut out = String::new();
                quoted(&mut out, value);
                proptest::prop_assert_eq!(out, format!("{value:?}"));
            }
        }
    }

    #[test]
    fn every_record_kind_is_written_as_its_derived_debug() {
        use crate::forms::Record;
        use crate::forms::{attendance, diagnostic, questionnaire, roster, route};
        let date = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        let odd = || "Петров \"Пётр\"\té\u{301}".to_string();
        let records: Vec<Box<dyn Record>> = vec![
            Box::new(roster::Person {
                id: "У-1".into(),
                full_name: odd(),
                role: "обучающийся",
                class: Some("8Б".into()),
                subject: None,
                experience_years: Some(12.5),
                tutor_id: Some(odd()),
            }),
            Box::new(attendance::Event {
                event_id: "С1".into(),
                date,
                kind: "консультация",
                topic: Some(odd()),
                hours: 1.5,
                level: "школьный",
            }),
            Box::new(attendance::Mark {
                person_id: odd().into(),
                event_id: "С1".into(),
                mark: "present",
            }),
            Box::new(diagnostic::Task {
                task: "1".into(),
                max_score: 2.0,
                topic_code: "Т1".into(),
                topic: "Действия с дробями".into(),
            }),
            Box::new(diagnostic::Score {
                person_id: "У-1".into(),
                task: odd().into(),
                points: None,
            }),
            Box::new(questionnaire::Answer {
                respondent_id: None,
                respondent: odd().into(),
                item: "A1".into(),
                value_num: Some(3.0),
                value_text: Some("«да» — №2".into()),
            }),
            Box::new(route::RouteItem {
                id: "У-1".into(),
                goal: odd(),
                activity: "Олимпиада".into(),
                level: "школьный",
                nomination: None,
                due: date,
                status: "выполнено",
                result: Some("призёр"),
                evidence: None,
            }),
        ];
        for record in records {
            let mut out = String::new();
            record.debug_text(&mut out);
            assert_eq!(out, format!("{record:?}"));
        }
    }
}
