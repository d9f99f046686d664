//! A file's bytes: open, validate, annotate.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tutorstat::fuzzing::workbook_bytes(data));
