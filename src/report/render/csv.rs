//! CSV and Parquet renderings of model tables. Text cells that a spreadsheet would take
//! for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) get a leading `'`
//! (OWASP CSV injection guidance); numeric cells are written as numbers.

use polars::prelude::*;
use polars_io::prelude::ParquetWriter;

use crate::store::log::Entry;

/// A text cell made safe to open in a spreadsheet.
pub fn neutralise(text: &str) -> String {
    let mut safe = String::with_capacity(text.len() + 1);
    push_neutralised(&mut safe, text);
    safe
}

/// Appends `text` to `out`, made safe as [`neutralise`] does, without a string of its own.
fn push_neutralised(out: &mut String, text: &str) {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        out.push('\'');
    }
    out.push_str(text);
}

/// One column's cells, read in row order by typed iterators: asking a column for its value
/// at each row (`Column::get`) cost a lookup and a string per cell, and a term's
/// indicators.csv has millions of cells, written while no other work runs.
enum Cells<'a> {
    Text(Box<dyn Iterator<Item = Option<&'a str>> + 'a>),
    Float(Box<dyn Iterator<Item = Option<f64>> + 'a>),
    /// Any other type, by value (few and small columns).
    Other(&'a Column, usize),
}

impl<'a> Cells<'a> {
    fn of(column: &'a Column) -> Cells<'a> {
        let series = column.as_materialized_series();
        match column.dtype() {
            DataType::String => match series.str() {
                Ok(text) => Cells::Text(Box::new(text.iter())),
                Err(_) => Cells::Other(column, 0),
            },
            DataType::Float64 => match series.f64() {
                Ok(numbers) => Cells::Float(Box::new(numbers.iter())),
                Err(_) => Cells::Other(column, 0),
            },
            _ => Cells::Other(column, 0),
        }
    }

    /// Appends the next row's cell to `out` (nothing for a null).
    fn push_next(&mut self, out: &mut String) {
        use std::fmt::Write as _;
        match self {
            Cells::Text(cells) => {
                if let Some(Some(text)) = cells.next() {
                    push_neutralised(out, text);
                }
            }
            Cells::Float(cells) => {
                if let Some(Some(number)) = cells.next() {
                    let _ = write!(out, "{number}");
                }
            }
            Cells::Other(column, row) => {
                match column.get(*row) {
                    Ok(AnyValue::Null) | Err(_) => {}
                    Ok(AnyValue::Float32(number)) => {
                        let _ = write!(out, "{number}");
                    }
                    Ok(AnyValue::String(text)) => push_neutralised(out, text),
                    Ok(AnyValue::StringOwned(text)) => push_neutralised(out, &text),
                    Ok(other) => {
                        let _ = write!(out, "{other}");
                    }
                }
                *row += 1;
            }
        }
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
    let mut columns: Vec<Cells> = df.columns().iter().map(Cells::of).collect();
    let mut cell = String::new();
    for _ in 0..df.height() {
        for column in &mut columns {
            cell.clear();
            column.push_next(&mut cell);
            writer.write_field(&cell)?;
        }
        writer.write_record(None::<&[u8]>)?;
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
