//! Entry points for the fuzzers in `fuzz/` and for the test that replays their corpus in CI:
//! one function per fuzz target, so the fuzzer and the regression test run the same code.
//!
//! Each takes arbitrary bytes and must return without panicking, whatever they hold.

use std::sync::OnceLock;

use calamine::Data;

use crate::annotate::annotated_copy;
use crate::definitions::Definitions;
use crate::forms::{self, Env, Fallback, RosterIndex};
use crate::read::text::{canonical_code, fold};
use crate::read::values::{cell_text, parse_date, parse_due, parse_number, parse_school_year};
use crate::read::workbook::{self, Limits, Workbook};
use crate::schema::{Period, Term};

/// The fuzz targets, by name: `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
pub const TARGETS: [(&str, fn(&[u8])); 3] = [
    ("workbook", workbook_bytes),
    ("cells", cell_edits),
    ("values", values),
];

/// Limits small enough that the fuzzer's memory cap is never the limit that bites.
const LIMITS: Limits = Limits {
    max_unpacked_bytes: 16 * 1024 * 1024,
    max_sheets: 64,
    max_cells: 200_000,
};

/// Bytes as a file in the inbox: open, validate, and write the annotated copy a teacher gets.
pub fn workbook_bytes(data: &[u8]) {
    if let Ok(wb) = workbook::open(data, LIMITS) {
        let checked = check(&wb);
        let blank = crate::annotate::blank_of(checked.passport.as_ref(), &environment().1);
        let _ = annotated_copy(data, &checked.problems, LIMITS, blank);
    }
}

/// Bytes as edits to a bundled sample workbook, so the fuzzer reaches every validator rule
/// without having to discover the xlsx format first. The first byte picks the sample; then
/// each edit is `sheet, row, column, kind, length, text...`.
pub fn cell_edits(data: &[u8]) {
    let Some((&pick, mut edits)) = data.split_first() else {
        return;
    };
    let samples = samples();
    let Some(sample) = samples.get(usize::from(pick) % samples.len().max(1)) else {
        return;
    };
    let mut wb = sample.clone();
    while let [sheet, row, col, kind, len, rest @ ..] = edits {
        let take = usize::from(*len).min(rest.len());
        let (text, tail) = rest.split_at(take);
        edits = tail;
        let sheets = wb.sheets.len().max(1);
        if let Some(s) = wb.sheets.get_mut(usize::from(*sheet) % sheets) {
            s.range
                .set_value((u32::from(*row), u32::from(*col) % 32), value(*kind, text));
        }
    }
    check(&wb);
}

/// Bytes as one typed or pasted cell, through every lenient parser.
pub fn values(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let number = data
        .get(..8)
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(f64::from_le_bytes)
        .unwrap_or(0.0);
    let date = Data::DateTime(calamine::ExcelDateTime::new(
        number,
        calamine::ExcelDateTimeType::DateTime,
        false,
    ));
    for value in [
        Data::String(text.clone()),
        Data::Float(number),
        Data::Int(number as i64),
        date,
    ] {
        let _ = parse_number(&value, &mut Vec::new());
        let _ = parse_date(&value, &mut Vec::new());
        let _ = parse_due(&value, &mut Vec::new());
        let _ = cell_text(&value);
    }
    let _ = parse_school_year(&text);
    let _ = Period::parse(&text);
    let _ = Term::parse(&text);
    let _ = forms::attendance::parse_mark(&text);
    let _ = forms::FormKind::parse(&text);
    let _ = crate::schema::Wave::parse(&text);
    let _ = forms::passport::is_valid_school_code(&text);
    let _ = fold(&text);
    let _ = canonical_code(&text, &mut Vec::new());
}

/// A cell value of the kind a spreadsheet program may store.
fn value(kind: u8, text: &[u8]) -> Data {
    let number = || {
        text.get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(f64::from_le_bytes)
            .unwrap_or(0.0)
    };
    match kind % 6 {
        0 => Data::Empty,
        1 => Data::Float(number()),
        2 => Data::Int(number() as i64),
        3 => Data::Bool(kind & 0x80 != 0),
        4 => Data::DateTime(calamine::ExcelDateTime::new(
            number(),
            calamine::ExcelDateTimeType::DateTime,
            false,
        )),
        _ => Data::String(String::from_utf8_lossy(text).into_owned()),
    }
}

/// Validation with nothing known beyond the file, as for a school's first submission, and
/// with a fallback school and term so files without `Паспорт` reach the form readers too.
/// The passport read on its own must be the one validation keeps: ingest puts its commits
/// in order by it before validating (`forms::stored_passport`).
fn check(wb: &Workbook) -> forms::Checked {
    let (rosters, definitions, fallback) = environment();
    let checked = forms::check(
        wb,
        &Env {
            rosters,
            definitions,
            fallback,
        },
    );
    assert_eq!(forms::stored_passport(wb, fallback), checked.passport);
    checked
}

/// What [`check`] validates against, made once.
fn environment() -> &'static (RosterIndex, Definitions, Fallback) {
    static ENV: OnceLock<(RosterIndex, Definitions, Fallback)> = OnceLock::new();
    ENV.get_or_init(|| {
        let fallback = Fallback {
            school_code: Some("2315-001".into()),
            school_name: Some("МБОУ СОШ № 1".into()),
            municipality: Some("г. Новоморск".into()),
            term: Term::parse("2025/2026 Q1"),
        };
        (
            RosterIndex::new(),
            Definitions::shipped().unwrap_or_default(),
            fallback,
        )
    })
}

/// The bundled sample workbooks, opened once.
fn samples() -> &'static [Workbook] {
    static SAMPLES: OnceLock<Vec<Workbook>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        crate::demo::SAMPLES
            .iter()
            .filter_map(|(_, bytes)| workbook::open(bytes, Limits::default()).ok())
            .collect()
    })
}

#[cfg(test)]
mod tests {
    /// The minimised corpus of every fuzz run, crashes found included, replayed: what once
    /// crashed stays fixed (`fuzz/run.sh` refreshes it).
    #[test]
    fn fuzz_corpus_replays_without_a_panic() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
        let mut replayed = 0;
        for (name, target) in super::TARGETS {
            let dir = root.join(name);
            let entries =
                std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
            for entry in entries {
                let path = entry.unwrap().path();
                target(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
        assert!(
            replayed >= 3,
            "the fuzz corpus is missing: {replayed} inputs"
        );
    }
}
