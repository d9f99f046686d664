//! The floor of ingest: open every workbook under a folder with calamine and read every used
//! cell, nothing else, on all cores (`cargo run --release --example floor -- DIR`).

use calamine::{Data, Reader, open_workbook_auto};
use rayon::prelude::*;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: floor DIR");
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
        .map(|e| e.into_path())
        .collect();
    let start = std::time::Instant::now();
    let cells: usize = files
        .par_iter()
        .map(|path| {
            let mut wb = open_workbook_auto(path).expect("a workbook");
            let mut used = 0;
            for name in wb.sheet_names() {
                let range = wb.worksheet_range(&name).expect("a sheet");
                used += range
                    .used_cells()
                    .filter(|(_, _, v)| !matches!(v, Data::Empty))
                    .count();
            }
            used
        })
        .sum();
    println!(
        "floor: {} workbooks, {cells} cells read in {:.3} s",
        files.len(),
        start.elapsed().as_secs_f64()
    );
}
