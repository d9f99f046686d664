//! The vocabulary every stage shares: the store's tables and columns, the scopes and
//! indicators of the long table, waves. Each word is written once here, with its code
//! (what CSV and Parquet hold) and its Russian name (what people read, also its
//! `Display`); the other stages name these things by the types, so a misspelt indicator or
//! table does not compile.

mod indicator;
mod scope;
mod table;
mod wave;

pub use indicator::{Family, Indicator, Unit};
pub use scope::Scope;
pub use table::{Table, column};
pub use wave::Wave;
