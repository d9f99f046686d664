//! The vocabulary every stage shares: the store's tables and columns, the scopes and
//! indicators of the long table, waves, periods and terms, and the closed lists of the records
//! (marks, roles, route statuses and results). Each word is written once here, with its code
//! (what CSV and Parquet hold) and its Russian name (what people read, also its
//! `Display`); the other stages name these things by the types, so a misspelt indicator or
//! table does not compile.

mod closed;
mod indicator;
mod scope;
mod table;
mod term;
mod wave;

pub use closed::{Mark, Role, RouteResult, Status};
pub use indicator::{Family, Indicator, Unit};
pub use scope::Scope;
pub use table::{Table, column};
pub use term::{Period, Term, UnknownTerm};
pub use wave::Wave;
