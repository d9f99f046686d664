//! The text a record's digest hashes: what `format!("{record:?}")` writes for the derived
//! `Debug`, byte for byte, without `Debug`'s per-character escape checks on text that needs
//! none. Those checks (is the character printable? a grapheme extender?) take slow table
//! lookups for every Cyrillic letter and were a quarter of validation's time; digests are
//! stored, so they must not change.

use std::fmt::{Debug, Write as _};

/// Writes a record as the derived `Debug` does: `Name { field: value, ... }`.
pub struct DebugText<'a> {
    out: &'a mut String,
    fields: usize,
}

impl<'a> DebugText<'a> {
    /// Starts the record named `name` (its type's name) at the end of `out`.
    pub fn new(out: &'a mut String, name: &str) -> DebugText<'a> {
        out.push_str(name);
        DebugText { out, fields: 0 }
    }

    /// A text field: `field: "value"`.
    pub fn text(mut self, field: &str, value: &str) -> Self {
        self.name(field);
        quoted(self.out, value);
        self
    }

    /// An optional text field: `field: Some("value")` or `field: None`.
    pub fn opt_text(mut self, field: &str, value: Option<&str>) -> Self {
        self.name(field);
        match value {
            Some(value) => {
                self.out.push_str("Some(");
                quoted(self.out, value);
                self.out.push(')');
            }
            None => self.out.push_str("None"),
        }
        self
    }

    /// Any other field (numbers, dates), by its own `Debug`.
    pub fn other(mut self, field: &str, value: &dyn Debug) -> Self {
        self.name(field);
        write!(self.out, "{value:?}").expect("writing to a String cannot fail");
        self
    }

    /// Closes the record.
    pub fn finish(self) {
        if self.fields > 0 {
            self.out.push_str(" }");
        }
    }

    fn name(&mut self, field: &str) {
        self.out
            .push_str(if self.fields == 0 { " { " } else { ", " });
        self.out.push_str(field);
        self.out.push_str(": ");
        self.fields += 1;
    }
}

/// `value` in quotes as `Debug` writes it: as it is when every character is [`plain`], else
/// by `Debug` itself.
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
                .other("number", &sample.number)
                .other("date", &sample.date)
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
