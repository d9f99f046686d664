//! One cell's text or number through every lenient parser.
#![no_main]

libfuzzer_sys::fuzz_target!(init: tutorstat::read::workbook::quiet_reader_panics(), |data: &[u8]| tutorstat::fuzzing::values(data));
