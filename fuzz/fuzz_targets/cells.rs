//! Edits to a bundled sample workbook: every validator rule.
#![no_main]

libfuzzer_sys::fuzz_target!(init: tutorstat::read::workbook::quiet_reader_panics(), |data: &[u8]| tutorstat::fuzzing::cell_edits(data));
