//! Renderers: what the views built, turned into bytes.

pub mod csv;
pub mod pdf;
