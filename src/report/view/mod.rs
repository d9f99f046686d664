//! Views: what a report shows, selected from the report model and built into a
//! [`Document`](super::document::Document) (or, for an individual card, a [`card::Card`]),
//! with no bytes written. `figures` holds the selections several views share.

pub mod card;
pub mod centre;
pub mod figures;
pub mod school;
