//! The store's encoder timed against polars-io's writer on the same frames, in one run:
//! `cargo run --example stage -- WORKSPACE [ROUNDS]` reads every table file of the
//! workspace's store (an ingested one), then encodes all the frames ROUNDS times (3 unless
//! told) with each writer in turn, alternating: polars-io's `ParquetWriter` as `stage_frame`
//! used it until issue 19 (LZ4, one thread, dictionary encoding), and
//! `store::parquet::frame_to_parquet`. One thread, as each staged file is encoded. Prints
//! one line per writer: its best round's seconds and the bytes it wrote. Figures are
//! relative: compare the two lines of one run.

use std::fs::File;
use std::time::Instant;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::{ParquetCompression, ParquetReader, ParquetWriter};
use tutorstat::schema::Table;
use tutorstat::store::parquet::frame_to_parquet;

/// polars-io's writer as the store used it.
fn polars_io(frame: &mut DataFrame) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Lz4Raw)
        .set_parallel(false)
        .finish(frame)?;
    Ok(bytes)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let workspace = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: stage WORKSPACE [ROUNDS]"))?;
    let rounds: usize = args.next().map_or(Ok(3), |r| r.parse())?;
    let mut frames = Vec::new();
    for table in Table::ALL {
        let dir = std::path::Path::new(&workspace)
            .join("store")
            .join(table.code());
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let path = entry?.into_path();
            if path.extension().is_some_and(|e| e == "parquet") {
                frames.push(ParquetReader::new(File::open(&path)?).finish()?);
            }
        }
    }
    anyhow::ensure!(!frames.is_empty(), "no store files under {workspace}/store");

    let writers: [(&str, fn(&mut DataFrame) -> PolarsResult<Vec<u8>>); 2] = [
        ("polars-io ParquetWriter", polars_io),
        ("store::parquet", frame_to_parquet),
    ];
    let mut best = [f64::INFINITY; 2];
    let mut bytes = [0usize; 2];
    for _ in 0..rounds {
        for (i, (_, write)) in writers.iter().enumerate() {
            let start = Instant::now();
            bytes[i] = 0;
            for frame in &frames {
                bytes[i] += write(&mut frame.clone())?.len();
            }
            best[i] = best[i].min(start.elapsed().as_secs_f64());
        }
    }
    for (i, (name, _)) in writers.iter().enumerate() {
        println!(
            "{name}: {:.3} s, {} bytes, {} frames",
            best[i],
            bytes[i],
            frames.len()
        );
    }
    Ok(())
}
