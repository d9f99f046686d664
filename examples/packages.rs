//! Synthetic school packages for the centre benchmark (issue 6): N schools' packages of one
//! term, made from the packages a small synthetic region exported, each copy under its own
//! school code, name and municipality. Real packages of 40 000 schools would take hours to
//! generate as workbooks, ingest and export; copies have the same sizes and value mix.
//!
//! `cargo run --release --example packages -- TEMPLATES OUT N [SCHOOLS_PER_MUNICIPALITY]`

use std::fs::File;
use std::path::PathBuf;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::{ParquetCompression, ParquetReader, ParquetWriter};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, templates, out, n, rest @ ..] = args.as_slice() else {
        panic!("usage: packages TEMPLATES OUT N [SCHOOLS_PER_MUNICIPALITY]");
    };
    let n: usize = n.parse().expect("N is a number");
    let per_municipality: usize = rest.first().map_or(40, |k| k.parse().expect("a number"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(templates)
        .expect("a folder of packages")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
        .collect();
    paths.sort();
    let frames: Vec<DataFrame> = paths
        .iter()
        .map(|p| {
            ParquetReader::new(File::open(p).expect("a package"))
                .finish()
                .expect("a package")
        })
        .collect();
    assert!(!frames.is_empty(), "no packages in {templates}");
    std::fs::create_dir_all(out).expect("an output folder");
    let start = std::time::Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |k| k.get());
    std::thread::scope(|scope| {
        for t in 0..threads {
            let frames = &frames;
            scope.spawn(move || {
                for i in (t..n).step_by(threads) {
                    let mut df = frames[i % frames.len()].clone();
                    let code = format!("S{i:05}");
                    let height = df.height();
                    let set = |df: &mut DataFrame, name: &str, value: String| {
                        df.with_column(Column::new(name.into(), vec![value; height]))
                            .expect("a column");
                    };
                    set(&mut df, "school_code", code.clone());
                    set(&mut df, "school_name", format!("Школа № {i}"));
                    set(
                        &mut df,
                        "municipality",
                        format!("Муниципалитет {:03}", i / per_municipality),
                    );
                    let term = df
                        .column("term")
                        .ok()
                        .and_then(|c| c.str().ok()?.get(0).map(|t| t.replace(['/', ' '], "-")));
                    let path = PathBuf::from(out).join(format!(
                        "package_{code}_{}.parquet",
                        term.unwrap_or_default()
                    ));
                    // Compressed as `tutorstat export` compresses.
                    ParquetWriter::new(File::create(path).expect("a file"))
                        .with_compression(ParquetCompression::Lz4Raw)
                        .finish(&mut df)
                        .expect("written");
                }
            });
        }
    });
    println!(
        "{n} packages from {} templates in {:.1} s",
        frames.len(),
        start.elapsed().as_secs_f64()
    );
}
