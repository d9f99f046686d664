//! CSV and Parquet renderings of model tables. Text cells that a spreadsheet would take
//! for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) get a leading `'`
//! (OWASP CSV injection guidance); numeric cells are written as numbers.

use polars::prelude::*;
use polars_io::prelude::ParquetWriter;

use crate::store::log::Entry;

/// A text cell made safe to open in a spreadsheet.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn cell(value: AnyValue) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => neutralise(s),
        AnyValue::StringOwned(s) => neutralise(&s),
        AnyValue::Float64(f) => format!("{f}"),
        AnyValue::Float32(f) => format!("{f}"),
        other => other.to_string(),
    }
}

/// A frame as CSV (UTF-8, comma, header row).
pub fn frame_to_csv(df: &DataFrame) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_frame(df, &mut bytes)?;
    Ok(bytes)
}

/// [`frame_to_csv`] straight into `out`, for tables too large to hold twice.
pub fn write_frame(df: &DataFrame, out: impl std::io::Write) -> anyhow::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    let columns = df.columns();
    for i in 0..df.height() {
        let row: Vec<String> = columns
            .iter()
            .map(|c| c.get(i).map(cell).unwrap_or_default())
            .collect();
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}

/// `indicators.parquet`: the same long table as `indicators.csv`, typed.
pub(crate) fn frame_to_parquet(df: &DataFrame) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df.clone())?;
    Ok(bytes)
}

/// Ingest log entries as CSV, text cells neutralised.
pub fn entries_to_csv(entries: &[Entry]) -> anyhow::Result<Vec<u8>> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for e in entries {
        let mut e = e.clone();
        e.file = neutralise(&e.file);
        e.moved_to = neutralise(&e.moved_to);
        e.key = neutralise(&e.key);
        writer.serialize(e)?;
    }
    writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_looks_like_a_formula_is_neutralised_and_numbers_are_not() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(neutralise("+7 999"), "'+7 999");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("Иванова"), "Иванова");
        let df = df!("name" => ["=1+1", "ok"], "value" => [-2.5, 3.0]).unwrap();
        let text = String::from_utf8(frame_to_csv(&df).unwrap()).unwrap();
        assert_eq!(text, "name,value\n'=1+1,-2.5\nok,3\n");
    }
}
