//! Stage 6, render: the report model of a term and the files written from it. Every number
//! of every output comes from [`model::ReportModel`]; renderers only lay it out.

pub mod centre;
pub mod figures;
pub mod model;
pub mod names;
pub mod output;
pub mod pdf;
#[cfg(test)]
mod privacy_properties;
pub mod region;
pub mod render;
pub mod view;
pub mod xlsx;

pub use output::{term_dir, write_atomically, write_cards, write_centre, write_term};
pub use render::csv;
pub use render::pdf::font::Fonts;
pub use view::card::Selection;
