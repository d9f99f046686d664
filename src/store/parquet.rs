//! The store's Parquet encoder: a frame to the bytes of one small file, text columns as
//! dictionaries, the others `PLAIN`, every page LZ4-compressed.
//!
//! polars-io's `ParquetWriter` gives every text and number column dictionary encoding, and
//! before building each dictionary estimates the column's distinct values with a
//! HyperLogLog of 16 384 registers: for the store's files (tens of rows, thirty columns,
//! thousands of files an ingest) that estimate and the dictionary cast were most of the
//! cost of staging (docs/architecture.md, «Store files without dictionary estimates»).
//! polars-io 0.55 takes no encodings from its caller, so this module drives polars-parquet's
//! writer the way polars-io's does, with the encodings chosen here: a text column holding one
//! value on every row becomes a dictionary of that value (no estimate), every other column
//! is `PLAIN`. The files read back the
//! same (same Arrow schema in the footer), and dictionary and `PLAIN` pages with `LZ4_RAW`
//! are standard Parquet that any reader (pyarrow, DuckDB, Spark) opens.

use polars::frame::chunk_df_for_writing;
use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray, View};
use polars_arrow::datatypes::IntegerType;
use polars_arrow::record_batch::RecordBatch;
use polars_parquet::write::{
    CompressionOptions, Encoding, FileWriter, StatisticsOptions, Version, WriteOptions,
    get_dtype_encoding, row_group_iter, to_parquet_schema,
};

/// Rows per row group, polars-io's default: a store file is one row group.
const ROW_GROUP_ROWS: usize = 512 * 512;

/// Encodes `frame` as a Parquet file: text as dictionaries, other columns `PLAIN`, LZ4 pages,
/// null counts for statistics,
/// and the Arrow schema in the footer as polars-io writes it (the frame reads back with its
/// own types).
pub fn frame_to_parquet(frame: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let schema = frame.schema().to_arrow(CompatLevel::newest());
    let options = WriteOptions {
        // Null counts only: nothing reads a store file's min and max (a read takes whole
        // files, chosen by their partition folders), and computing them for every text
        // column was a quarter of this encoder's time (measured with `examples/stage.rs`).
        statistics: StatisticsOptions {
            null_count: true,
            ..StatisticsOptions::empty()
        },
        compression: CompressionOptions::Lz4Raw,
        version: Version::V1,
        data_page_size: None,
    };
    let fields = to_parquet_schema(&schema)?.fields().to_vec();
    let constants = scalar_texts(frame);
    let mut varying = DataFrame::new(
        frame.height(),
        frame
            .columns()
            .iter()
            .zip(&constants)
            .filter(|(_, constant)| constant.is_none())
            .map(|(column, _)| column.clone())
            .collect(),
    )?;
    let varying = chunk_df_for_writing(&mut varying, ROW_GROUP_ROWS)?;
    let schema = std::sync::Arc::new(schema);
    let mut writer = FileWriter::try_new(Vec::new(), schema.as_ref().clone(), options)?;
    for batch in varying.iter_chunks(CompatLevel::newest(), false) {
        // polars-io writes no empty row group either: a frame without rows is a footer.
        if batch.is_empty() {
            continue;
        }
        let rows = batch.len() as u64;
        let (batch, encodings) = with_constant_text_as_dictionaries(batch, &constants, &schema)?;
        let group = row_group_iter(batch, encodings.into(), fields.clone(), options);
        writer.write(rows, group)?;
    }
    writer.end(None)?;
    Ok(writer.into_inner())
}

/// For each column of `frame`, the text it holds on every row if it is a scalar column of
/// text (the source columns the store adds: school, term, file, author...), known without
/// laying it out; `None` for the others. When no column varies, none is taken as a scalar:
/// the rows are counted from the columns that remain.
fn scalar_texts(frame: &DataFrame) -> Vec<Option<PlSmallStr>> {
    let texts: Vec<Option<PlSmallStr>> = frame
        .columns()
        .iter()
        .map(|column| match column.as_scalar_column()?.scalar().value() {
            AnyValue::String(text) => Some(PlSmallStr::from_str(text)),
            AnyValue::StringOwned(text) => Some(text.clone()),
            _ => None,
        })
        .collect();
    if texts.iter().all(Option::is_some) {
        return vec![None; texts.len()];
    }
    texts
}

/// The batch of the varying columns with the constant ones put back in their places, and
/// the encoding of each column: every text column holding one value on every row (the
/// scalar `constants`, and any other that happens to) becomes a dictionary of that value,
/// written as a dictionary page and keys (`RLE_DICTIONARY`) under the footer's text type
/// (`schema`). A reader gets those columns as one shared copy: written `PLAIN`, each row
/// had its own, and the report's peak memory grew by a third. Built here, the column skips
/// polars-parquet's cardinality estimate, and a scalar column is never laid out row by row
/// (materialising them and finding them constant again was a fortieth of ingest); other
/// columns stay `PLAIN` (a dictionary for every text column cost ingest a sixth of its time).
fn with_constant_text_as_dictionaries(
    batch: RecordBatch,
    constants: &[Option<PlSmallStr>],
    schema: &std::sync::Arc<ArrowSchema>,
) -> PolarsResult<(RecordBatch, Vec<Vec<Encoding>>)> {
    let height = batch.height();
    let mut varying = batch.into_arrays().into_iter();
    let mut encodings = Vec::with_capacity(constants.len());
    let mut arrays = Vec::with_capacity(constants.len());
    for constant in constants {
        let (array, dictionary) = match constant {
            Some(value) => (dictionary_of_one(value, height)?, true),
            None => {
                let array = varying.next().ok_or_else(
                    || polars_err!(ComputeError: "a store frame's batch lacks a column"),
                )?;
                match constant_text(array.as_ref()) {
                    Some(value) => (dictionary_of_one(value, height)?, true),
                    None => (array, false),
                }
            }
        };
        encodings.push(match dictionary {
            true => vec![Encoding::RleDictionary],
            false => vec![Encoding::Plain; get_dtype_encoding(array.dtype()).len()],
        });
        arrays.push(array);
    }
    Ok((
        RecordBatch::try_new(height, schema.clone(), arrays)?,
        encodings,
    ))
}

/// The value every row of a text array holds (none missing), if there is one.
///
/// Rows are compared by their views first: an equal view is an equal text (the same inline
/// bytes, or the same place in the same buffer), a different length a different one. Only
/// texts of one length in different places are compared byte by byte: a mark repeated over a
/// journal's rows (short, so inline) cost a call to `memcmp` a row, 4-6 % of the encoder.
fn constant_text(array: &dyn Array) -> Option<&str> {
    let text = array.as_any().downcast_ref::<Utf8ViewArray>()?;
    if text.null_count() != 0 {
        return None;
    }
    let views = text.views();
    let first = *views.first()?;
    let value = text.value(0);
    let same = |(i, view): (usize, &View)| {
        *view == first || (view.length == first.length && text.value(i) == value)
    };
    views.iter().enumerate().all(same).then_some(value)
}

/// A dictionary array of `height` rows that all point to `value`: what polars' cast to a
/// dictionary gives for a constant column, built without hashing every row (that cast was
/// a twentieth of ingest's samples).
fn dictionary_of_one(value: &str, height: usize) -> PolarsResult<Box<dyn Array>> {
    let dtype = ArrowDataType::Dictionary(
        IntegerType::UInt32,
        Box::new(ArrowDataType::Utf8View),
        false,
    );
    let keys = PrimitiveArray::<u32>::from_vec(vec![0; height]);
    let values = Utf8ViewArray::from_slice_values([value]);
    Ok(DictionaryArray::try_new(dtype, keys, values.boxed())?.boxed())
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use polars_io::SerReader;
    use polars_io::prelude::ParquetReader;

    use super::*;

    /// A frame of every kind of column the store holds, with missing values in each.
    fn frame() -> DataFrame {
        let dates = Column::new(
            "filled_on".into(),
            [Some(20_000i32), None, Some(20_400), Some(20_001)],
        )
        .cast(&DataType::Date)
        .unwrap();
        let mut df = df!(
            "school_code" => ["S1", "S1", "S2", "S1"],
            "term" => ["2025-2026-Q1"; 4],
            "comment" => [Some("Иванов И. И."), None, Some(""), Some("a long text, repeated")],
            "year" => [2025i32, 2025, 2026, 2025],
            "seq" => [Some(7u64), Some(7), None, Some(u64::MAX)],
            "score" => [Some(1.5f64), None, Some(-0.0), Some(f64::MAX)],
            "present" => [Some(true), Some(false), None, Some(true)],
        )
        .unwrap();
        df.with_column(dates).unwrap();
        df
    }

    #[test]
    fn a_frame_reads_back_equal_schema_included() {
        let original = frame();
        let bytes = frame_to_parquet(&mut original.clone()).unwrap();
        let read = ParquetReader::new(Cursor::new(bytes)).finish().unwrap();
        assert_eq!(read.schema(), original.schema());
        assert!(read.equals_missing(&original), "{read}\n{original}");
    }

    #[test]
    fn a_frame_without_rows_reads_back_with_its_columns() {
        let original = frame().head(Some(0));
        let bytes = frame_to_parquet(&mut original.clone()).unwrap();
        let read = ParquetReader::new(Cursor::new(bytes)).finish().unwrap();
        assert_eq!(read.schema(), original.schema());
        assert_eq!(read.height(), 0);
    }

    #[test]
    fn constant_text_columns_have_a_dictionary_others_are_plain_and_all_lz4() {
        let frame = frame();
        let bytes = frame_to_parquet(&mut frame.clone()).unwrap();
        let metadata =
            polars_parquet::parquet::read::read_metadata(&mut Cursor::new(bytes)).unwrap();
        let columns = metadata.row_groups[0].parquet_columns();
        assert_eq!(columns.len(), frame.width());
        for (column, name) in columns.iter().zip(frame.get_column_names()) {
            let constant = name == "term";
            assert_eq!(
                column.dictionary_page_offset().is_some(),
                constant,
                "{name}"
            );
            assert_eq!(
                column.compression(),
                polars_parquet::parquet::compression::Compression::Lz4Raw
            );
        }
    }

    #[test]
    fn scalar_columns_encode_to_the_bytes_of_their_laid_out_rows() {
        let mut frame = frame();
        let n = frame.height();
        let scalar = |name: &str, value: AnyValue<'static>, dtype: DataType| {
            Column::new_scalar(name.into(), Scalar::new(dtype, value), n)
        };
        for column in [
            scalar(
                "school_name",
                AnyValue::StringOwned("Школа № 1 имени А. С. Пушкина".into()),
                DataType::String,
            ),
            scalar(
                "period",
                AnyValue::StringOwned("Q1".into()),
                DataType::String,
            ),
            scalar("wave", AnyValue::Null, DataType::String),
            scalar("form_version", AnyValue::Int64(3), DataType::Int64),
        ] {
            frame.with_column(column).unwrap();
        }
        let laid_out = DataFrame::new(
            n,
            frame
                .columns()
                .iter()
                .map(|c| c.as_materialized_series().clone().into_column())
                .collect(),
        )
        .unwrap();
        assert!(
            frame
                .columns()
                .iter()
                .any(|c| c.as_scalar_column().is_some())
        );
        assert_eq!(
            frame_to_parquet(&mut frame.clone()).unwrap(),
            frame_to_parquet(&mut laid_out.clone()).unwrap()
        );
        let only_scalars = frame.select(["school_name", "period"]).unwrap();
        let bytes = frame_to_parquet(&mut only_scalars.clone()).unwrap();
        let read = ParquetReader::new(Cursor::new(bytes)).finish().unwrap();
        assert_eq!(read.height(), n);
        assert!(read.equals_missing(&only_scalars), "{read}");
    }

    #[test]
    fn a_constant_column_s_dictionary_is_what_polars_cast_gives() {
        use polars::polars_compute::cast::{CastOptionsImpl, cast};
        let column = Utf8ViewArray::from_slice_values(["Школа № 1"; 5]);
        let value = constant_text(&column).unwrap();
        let ours = dictionary_of_one(value, column.len()).unwrap();
        let dtype = ours.dtype().clone();
        let polars = cast(&column, &dtype, CastOptionsImpl::default()).unwrap();
        assert_eq!(ours.as_ref(), polars.as_ref());
        let varied = Utf8ViewArray::from_slice([Some("a"), Some("a"), None]);
        assert_eq!(constant_text(&varied), None);
    }

    #[test]
    fn a_constant_text_is_found_whatever_its_length_and_place() {
        let long = "Иванова Мария Петровна, учитель математики";
        let same_long_elsewhere = long.to_string();
        for (values, expected) in [
            (vec!["present"; 3], Some("present")),
            (vec!["present", "present", "absent"], None),
            (vec!["present", "presenT"], None),
            (vec![long, same_long_elsewhere.as_str(), long], Some(long)),
            (vec![long, &long[..long.len() - 2]], None),
            (
                vec!["Иванова Мария Петровна, учитель математикИ", long],
                None,
            ),
            (vec![""; 2], Some("")),
        ] {
            let array = Utf8ViewArray::from_slice_values(&values);
            assert_eq!(constant_text(&array), expected, "{values:?}");
        }
        assert_eq!(
            constant_text(&Utf8ViewArray::from_slice_values([""; 0])),
            None
        );
    }
}
