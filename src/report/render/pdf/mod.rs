//! PDF rendering: fonts and their metrics, the layout engine, vector charts, and the
//! individual card's pages.

pub mod card;
pub mod chart;
pub mod font;
pub mod layout;
