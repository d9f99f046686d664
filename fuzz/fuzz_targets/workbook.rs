//! A file's bytes: open, validate, annotate.
#![no_main]

libfuzzer_sys::fuzz_target!(init: tutorstat::read::workbook::quiet_reader_panics(), |data: &[u8]| tutorstat::fuzzing::workbook_bytes(data));
