//! Reading polars columns as plain Rust values, for the code that walks a frame row by row
//! (the report's views, privacy's suppression). Below both, so neither imports the other
//! for it. A missing or mistyped column reads as one empty value per row, never a panic.

use polars::prelude::*;

/// A text column as strings (null as empty).
pub fn strings(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name)
        .ok()
        .and_then(|c| {
            c.str().ok().map(|s| {
                s.iter()
                    .map(|v| v.unwrap_or_default().to_string())
                    .collect()
            })
        })
        // Always one value per row, so indexing by row is safe whatever the column holds.
        .unwrap_or_else(|| vec![String::new(); df.height()])
}

/// Row `row` of a text column, empty for a null.
pub fn text_at(column: &StringChunked, row: usize) -> &str {
    column.get(row).unwrap_or_default()
}

/// A boolean column as `bool` values (null as false).
pub fn flags(df: &DataFrame, name: &str) -> Vec<bool> {
    df.column(name)
        .ok()
        .and_then(|c| {
            c.bool()
                .ok()
                .map(|b| b.iter().map(|v| v.unwrap_or(false)).collect())
        })
        .unwrap_or_else(|| vec![false; df.height()])
}

/// A numeric column as `f64` values.
pub fn numbers(df: &DataFrame, name: &str) -> Vec<Option<f64>> {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| c.f64().ok().map(|s| s.iter().collect()))
        .unwrap_or_else(|| vec![None; df.height()])
}
