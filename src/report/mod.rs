//! Stage 6, render: the report model of a term and the files written from it. Every number
//! of every output comes from [`model::ReportModel`]; renderers only lay it out.

pub mod document;
pub mod model;
pub mod names;
pub mod output;
#[cfg(test)]
mod privacy_properties;
pub mod region;
pub mod region_pages;
pub mod region_sheets;
pub(crate) mod render;
pub mod reuse;
pub(crate) mod view;

pub use output::{term_dir, write_cards, write_centre, write_term};
pub use render::csv;
pub use render::pdf::font::Fonts;
pub use view::card::Selection;
pub use view::centre;
