//! Views: what a report shows, selected from the report model, with no bytes written.

pub mod card;
