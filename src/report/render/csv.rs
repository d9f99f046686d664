//! CSV and Parquet renderings of model tables. Text cells that a spreadsheet would take
//! for a formula (`=`, `+`, `-`, `@`, tab, carriage return first) get a leading `'`
//! (OWASP CSV injection guidance); numeric cells are written as numbers. A long-lived
//! process keeps a term's long table as text by group of rows ([`LongText`]).

use std::collections::HashMap;

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
pub fn write_frame(df: &DataFrame, mut out: impl std::io::Write) -> anyhow::Result<()> {
    let mut writer = ::csv::Writer::from_writer(&mut out);
    writer.write_record(df.get_column_names().iter().map(|n| n.as_str()))?;
    writer.flush()?;
    drop(writer);
    write_rows(df, out)
}

/// The rows of `df` as [`write_frame`] writes them, without the header: a record's bytes
/// depend on that record alone, so a table written in parts is the same table.
fn write_rows(df: &DataFrame, out: impl std::io::Write) -> anyhow::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
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

/// A term's long table as CSV text (`indicators.csv`), kept by `watch` by its groups of rows: each run
/// of rows of one (scope, municipality, school), with the rows it was written from. Written
/// again, a group whose rows are the same, value for value, takes its kept text: new data of
/// one school changes that school's rows and its municipality's and the region's, and
/// formatting the other 500 000 rows of a 300-school term was the longest part of a `watch`
/// batch. The kept rows are slices of the last table written (its memory stays held).
#[derive(Default)]
pub struct LongText {
    groups: HashMap<[Option<String>; 3], (DataFrame, Vec<u8>)>,
}

impl LongText {
    /// The columns whose values name a group.
    const GROUP: [&'static str; 3] = ["scope", "municipality", "school_code"];

    /// Writes `long` as [`write_frame`] does, formatting only the groups of rows that
    /// are not kept from the last call, and keeps this table's groups for the next one.
    pub fn write(&mut self, long: &DataFrame, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
        write_frame(&long.clear(), &mut *out)?;
        let mut kept = HashMap::with_capacity(self.groups.len());
        for (key, start, len) in groups(long, Self::GROUP)? {
            let rows = long.slice(start as i64, len);
            let text = match self.groups.remove(&key) {
                Some((before, text)) if same_rows(&before, &rows, &Self::GROUP)? => text,
                _ => {
                    let mut text = Vec::new();
                    write_rows(&rows, &mut text)?;
                    text
                }
            };
            out.write_all(&text)?;
            kept.insert(key, (rows, text));
        }
        self.groups = kept;
        Ok(())
    }
}

/// The runs of consecutive rows with the same values of `columns` (texts), in row order:
/// the values, the first row and the number of rows. Each column is compared with itself
/// shifted by a row by polars' kernel, which compares a short text's view whole: asking
/// each row for its texts took 0.18 s of a batch for the 537 000 rows of 300 schools.
fn groups<const N: usize>(
    frame: &DataFrame,
    columns: [&str; N],
) -> anyhow::Result<Vec<([Option<String>; N], usize, usize)>> {
    let texts = columns
        .iter()
        .map(|name| Ok(frame.column(name)?.str()?))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut starts = BooleanChunked::full("starts".into(), false, frame.height());
    for column in &texts {
        starts = &starts | &column.not_equal_missing(&column.shift(1));
    }
    let mut starts: Vec<usize> = starts
        .iter()
        .enumerate()
        .filter_map(|(row, start)| (row == 0 || start == Some(true)).then_some(row))
        .collect();
    starts.push(frame.height());
    Ok(starts
        .windows(2)
        .filter(|run| run[1] > run[0])
        .map(|run| {
            let key = std::array::from_fn(|c| texts[c].get(run[0]).map(String::from));
            (key, run[0], run[1] - run[0])
        })
        .collect())
}

/// Whether two frames hold the same rows, value for value, as CSV text would show them:
/// texts equal byte for byte (compared by polars' kernel, which compares a short text's
/// view whole), numbers bit for bit (`-0` is not `0` in a file). Columns of any other type
/// count as changed; the columns in `same` are known to be equal.
fn same_rows(a: &DataFrame, b: &DataFrame, same: &[&str]) -> anyhow::Result<bool> {
    if a.shape() != b.shape() || a.get_column_names() != b.get_column_names() {
        return Ok(false);
    }
    for (x, y) in a.columns().iter().zip(b.columns()) {
        if same.contains(&x.name().as_str()) {
            continue;
        }
        let equal = match (x.dtype(), y.dtype()) {
            (DataType::String, DataType::String) => {
                x.null_count() == y.null_count() && x.str()?.equal_missing(y.str()?).all()
            }
            (DataType::Float64, DataType::Float64) => {
                let bits = |v: Option<f64>| v.map(f64::to_bits);
                x.f64()?.iter().map(bits).eq(y.f64()?.iter().map(bits))
            }
            _ => false,
        };
        if !equal {
            return Ok(false);
        }
    }
    Ok(true)
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

    /// A long table of two schools of one municipality and the municipality's own rows.
    fn long(school_value: f64, municipality_value: f64) -> DataFrame {
        df!(
            "scope" => ["municipality", "school", "school", "school"],
            "municipality" => [Some("Муниципалитет 1"); 4],
            "school_code" => [None, Some("2300-001"), Some("2300-001"), Some("2300-002")],
            "entity" => [None, None, Some("=Иванов"), None],
            "indicator" => ["att_rate", "att_rate", "att_rate", "att_rate"],
            "value" => [Some(municipality_value), Some(school_value), None, Some(1.5)],
        )
        .unwrap()
    }

    fn written(text: &mut LongText, frame: &DataFrame) -> Vec<u8> {
        let mut out = Vec::new();
        text.write(frame, &mut out).unwrap();
        out
    }

    #[test]
    fn the_kept_text_is_the_whole_table_written_again_whatever_changed() {
        let mut text = LongText::default();
        for frame in [
            long(50.0, 40.0),
            long(50.0, 40.0),
            // One school's value and its municipality's change.
            long(75.0, 45.5),
            // -0 is written as such: a value equal to 0 but not the same bits is new.
            long(0.0, 45.5),
            long(-0.0, 45.5),
            // A school's rows removed: the groups are those of the table written.
            long(-0.0, 45.5).slice(0, 3),
        ] {
            assert_eq!(
                written(&mut text, &frame),
                frame_to_csv(&frame).unwrap(),
                "{frame}"
            );
        }
        let unchanged = long(-0.0, 45.5).slice(0, 3);
        let bytes = String::from_utf8(written(&mut text, &unchanged)).unwrap();
        assert!(
            bytes.contains(",-0\n") && bytes.contains("'=Иванов"),
            "{bytes}"
        );
    }

    #[test]
    fn rows_are_the_same_only_value_for_value() {
        let a = long(1.0, 2.0);
        assert!(same_rows(&a, &long(1.0, 2.0), &[]).unwrap());
        assert!(!same_rows(&a, &long(1.0, 2.5), &[]).unwrap());
        assert!(!same_rows(&a, &a.slice(0, 3), &[]).unwrap());
        let renamed = a.clone().rename("entity", "person".into()).unwrap().clone();
        assert!(!same_rows(&a, &renamed, &[]).unwrap());
        let groups = groups(&a, LongText::GROUP).unwrap();
        let starts: Vec<(usize, usize)> = groups.iter().map(|(_, s, n)| (*s, *n)).collect();
        assert_eq!(starts, [(0, 1), (1, 2), (3, 1)]);
    }
}
