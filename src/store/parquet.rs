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
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
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
    let frame = chunk_df_for_writing(frame, ROW_GROUP_ROWS)?;
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
    let mut writer = FileWriter::try_new(Vec::new(), schema, options)?;
    for batch in frame.iter_chunks(CompatLevel::newest(), false) {
        // polars-io writes no empty row group either: a frame without rows is a footer.
        if batch.is_empty() {
            continue;
        }
        let rows = batch.len() as u64;
        let (batch, encodings) = constant_text_as_dictionaries(batch)?;
        let group = row_group_iter(batch, encodings.into(), fields.clone(), options);
        writer.write(rows, group)?;
    }
    writer.end(None)?;
    Ok(writer.into_inner())
}

/// The batch with every text column holding one value on every row (the school, the term,
/// the source file, the author: the columns the store adds to a submission's rows) as a
/// dictionary of that value, written as a dictionary page and keys (`RLE_DICTIONARY`) under
/// the footer's text type, and the encoding of each column. A reader gets those columns as
/// one shared copy: written `PLAIN`, each row had its own, and the report's peak memory grew
/// by a third. Built here, the column skips polars-parquet's cardinality estimate; other
/// columns stay `PLAIN` (a dictionary for every text column cost ingest a sixth of its time).
fn constant_text_as_dictionaries(
    batch: RecordBatch,
) -> PolarsResult<(RecordBatch, Vec<Vec<Encoding>>)> {
    let height = batch.height();
    // The footer's schema, not the batch's, says what a reader gets: the text type.
    let schema = std::sync::Arc::new(batch.schema().clone());
    let mut encodings = Vec::new();
    let mut arrays = Vec::new();
    for array in batch.into_arrays() {
        let leaves = get_dtype_encoding(array.dtype()).len();
        match constant_text(array.as_ref()) {
            Some(value) => {
                arrays.push(dictionary_of_one(value, height)?);
                encodings.push(vec![Encoding::RleDictionary]);
            }
            None => {
                arrays.push(array);
                encodings.push(vec![Encoding::Plain; leaves]);
            }
        }
    }
    Ok((RecordBatch::try_new(height, schema, arrays)?, encodings))
}

/// The value every row of a text array holds (none missing), if there is one.
fn constant_text(array: &dyn Array) -> Option<&str> {
    let text = array.as_any().downcast_ref::<Utf8ViewArray>()?;
    let mut values = text.values_iter();
    let first = values.next()?;
    (text.null_count() == 0 && values.all(|v| v == first)).then_some(first)
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
}
