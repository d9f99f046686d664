//! Property tests standing in for fuzzing of the lenient parsers: whatever a teacher (or a
//! broken program) types, parsing never panics and normalisation is stable.

use calamine::Data;
use proptest::prelude::*;

use super::text::{canonical_code, fold};
use super::values::{cell_text, parse_date, parse_due, parse_number, parse_school_year};
use crate::schema::{Period, Term};

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_text_makes_a_parser_panic(s in "\\PC{0,40}") {
        let v = Data::String(s.clone());
        let _ = parse_number(&v, &mut Vec::new());
        let _ = parse_date(&v, &mut Vec::new());
        let _ = parse_due(&v, &mut Vec::new());
        let _ = parse_school_year(&s);
        let _ = Period::parse(&s);
        let _ = Term::parse(&s);
        let _ = cell_text(&v);
        let _ = crate::forms::attendance::parse_mark(&s);
    }

    #[test]
    fn no_number_makes_a_date_or_number_parser_panic(f in proptest::num::f64::ANY) {
        let date = Data::DateTime(calamine::ExcelDateTime::new(f, calamine::ExcelDateTimeType::DateTime, false));
        for v in [Data::Float(f), date] {
            let _ = parse_number(&v, &mut Vec::new());
            let _ = parse_date(&v, &mut Vec::new());
            let _ = parse_due(&v, &mut Vec::new());
            let _ = cell_text(&v);
        }
    }

    /// Over what teachers type (Cyrillic, Latin, digits, spaces, the punctuation of codes):
    /// exotic Unicode case mappings are out of scope here, panics are covered above.
    #[test]
    fn folding_and_codes_are_idempotent(s in "[a-zA-Zа-яА-ЯёЁ0-9 .:_-]{0,30}") {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once.clone());
        let code = canonical_code(&s, &mut Vec::new()).into_owned();
        prop_assert_eq!(canonical_code(&code, &mut Vec::new()), code.as_str());
    }

    #[test]
    fn typical_russian_dates_parse_to_themselves(d in 1u32..=28, m in 1u32..=12, y in 2000i32..2100) {
        let text = format!("{d:02}.{m:02}.{y}");
        let parsed = parse_date(&Data::String(text), &mut Vec::new()).unwrap().unwrap();
        prop_assert_eq!(parsed, chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
    }
}

/// Every opening of a workbook from arbitrary bytes ends in a workbook or an error.
#[test]
fn arbitrary_bytes_never_panic_the_workbook_opener() {
    use super::workbook::{Limits, open};
    let samples: Vec<Vec<u8>> = vec![
        vec![],
        b"PK\x03\x04".to_vec(),
        b"PK\x03\x04garbage garbage garbage".to_vec(),
        vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0],
        (0..=255u8).cycle().take(4096).collect(),
        b"<?xml version=\"1.0\"?><office:document/>".to_vec(),
    ];
    for bytes in samples {
        let _ = open(&bytes, Limits::default());
    }
}
