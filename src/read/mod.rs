//! Stage 2, read: files into in-memory workbooks, and the lenient text and value rules
//! every form reader shares.

pub mod error;
pub mod ods;
pub mod text;
pub mod values;
pub mod workbook;
pub mod xls;

#[cfg(test)]
mod robustness;
