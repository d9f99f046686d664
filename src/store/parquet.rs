//! The store's Parquet encoder: a frame to the bytes of one small file, every column
//! `PLAIN`-encoded and LZ4-compressed.
//!
//! polars-io's `ParquetWriter` gives every text and number column dictionary encoding, and
//! before building each dictionary estimates the column's distinct values with a
//! HyperLogLog of 16 384 registers: for the store's files (tens of rows, thirty columns,
//! thousands of files an ingest) that estimate and the dictionary cast were most of the
//! cost of staging (docs/architecture.md, «Store files without dictionary estimates»).
//! polars-io 0.55 takes no encodings from its caller, so this module drives polars-parquet's
//! writer the way polars-io's does, with the encodings chosen here. The files read back the
//! same (same Arrow schema in the footer), and `PLAIN` with `LZ4_RAW` is standard Parquet
//! that any reader (pyarrow, DuckDB, Spark) opens.

use polars::frame::chunk_df_for_writing;
use polars::prelude::*;
use polars_parquet::write::{
    CompressionOptions, Encoding, FileWriter, StatisticsOptions, Version, WriteOptions,
    get_dtype_encoding, row_group_iter, to_parquet_schema,
};

/// Rows per row group, polars-io's default: a store file is one row group.
const ROW_GROUP_ROWS: usize = 512 * 512;

/// Encodes `frame` as a Parquet file: `PLAIN` columns, LZ4 pages, null counts for statistics,
/// and the Arrow schema in the footer as polars-io writes it (the frame reads back with its
/// own types).
pub fn frame_to_parquet(frame: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let frame = chunk_df_for_writing(frame, ROW_GROUP_ROWS)?;
    let schema = frame.schema().to_arrow(CompatLevel::newest());
    // One encoding per Parquet leaf column of each field (a nested field has several).
    let encodings: Vec<Vec<Encoding>> = schema
        .iter_values()
        .map(|field| vec![Encoding::Plain; get_dtype_encoding(&field.dtype).len()])
        .collect();
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
        let group = row_group_iter(batch, encodings.clone().into(), fields.clone(), options);
        writer.write(rows, group)?;
    }
    writer.end(None)?;
    Ok(writer.into_inner())
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
    fn every_column_is_plain_and_lz4_without_a_dictionary() {
        let bytes = frame_to_parquet(&mut frame()).unwrap();
        let metadata =
            polars_parquet::parquet::read::read_metadata(&mut Cursor::new(bytes)).unwrap();
        let columns = metadata.row_groups[0].parquet_columns();
        assert_eq!(columns.len(), frame().width());
        for column in columns {
            assert_eq!(column.dictionary_page_offset(), None);
            assert_eq!(
                column.compression(),
                polars_parquet::parquet::compression::Compression::Lz4Raw
            );
        }
    }
}
