//! Renderers: a [`Document`] turned into a file's bytes, each format behind one trait, so a
//! view is written once and every format shows the same content. `csv` writes the model's
//! data tables (the machine-readable outputs), not a document.

pub mod csv;
pub mod pdf;
pub mod xlsx;

use super::document::Document;

/// One output format of a report.
pub trait Renderer {
    /// The document as the bytes of a file.
    fn render(&self, document: &Document) -> anyhow::Result<Vec<u8>>;
}
