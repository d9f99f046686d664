//! Edits to a bundled sample workbook: every validator rule.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tutorstat::fuzzing::cell_edits(data));
