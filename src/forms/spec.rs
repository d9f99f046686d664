//! Each form's sheets described once, declaratively. A [`SheetSpec`] names a data sheet, its
//! columns in the blank's order (header, kind of value, whether required), its unique key,
//! what its added columns are, and the store table it fills. The generic reader
//! (`forms::sheet`), the blank templates (`blank.rs`) and the store frames ([`frame`]) all
//! follow these descriptions, so a column's place, header and list of values live here alone.

use chrono::NaiveDate;
use polars::prelude::{Column as FrameColumn, DataFrame, PolarsError, PolarsResult, polars_err};

use super::text_column::TextColumn;
use super::{Record, date_column};
use crate::digest;
use crate::schema::Table;
use crate::schema::column::{DIGEST, KEY, SOURCE_ROW};

/// What a column holds, which says how a cell is read, checked and stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Free text, spaces squeezed.
    Text,
    /// An ID or code in canonical form (`17.0` -> `17`, look-alikes folded).
    Code,
    /// A school class: a code without spaces or dashes, upper case (`8 б` -> `8Б`).
    Class,
    /// A person's ID: a code checked against the school's roster; an unknown ID is a warning
    /// (once per ID), `unknown` its text.
    Person {
        /// The warning on an ID the roster does not have.
        unknown: &'static str,
    },
    /// One of a closed list (a dropdown in the blank), read in its canonical spelling.
    Closed(&'static [&'static str]),
    /// A number; `positive` requires more than zero, otherwise zero or more; `expected` is
    /// what a number outside that is told.
    Number {
        /// Whether zero is refused too (hours, maximum scores) or allowed (experience).
        positive: bool,
        /// The error's «what is expected» for a number out of range.
        expected: &'static str,
    },
    /// A date.
    Date,
    /// A date, or a month with its year (`октябрь 2025`, meaning the month's last day).
    DateOrMonth,
}

impl Kind {
    /// How the store keeps a value of this kind.
    pub fn stored(self) -> Stored {
        match self {
            Kind::Text | Kind::Code | Kind::Class | Kind::Person { .. } | Kind::Closed(_) => {
                Stored::Text
            }
            Kind::Number { .. } => Stored::Number,
            Kind::Date | Kind::DateOrMonth => Stored::Date,
        }
    }
}

/// A column a form knows: its key in the store, its header in the template, what it holds.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The store column's name (`full_name`), also how the forms' code names the column.
    pub key: &'static str,
    /// The header teachers see in the blank and must write (`ФИО`), matched leniently.
    pub header: &'static str,
    /// Whether a missing column is a sheet error and an empty cell a row error.
    pub required: bool,
    /// How the column's cells are read, checked and stored.
    pub kind: Kind,
}

/// A column of text; [`Column::of`] says what else it holds.
pub const fn col(key: &'static str, header: &'static str, required: bool) -> Column {
    Column {
        key,
        header,
        required,
        kind: Kind::Text,
    }
}

impl Column {
    /// The column holding `kind` of value.
    pub const fn of(self, kind: Kind) -> Column {
        Column { kind, ..self }
    }
}

/// How a store column keeps its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A string column (codes, closed values, free text).
    Text,
    /// A floating-point column (hours, scores, experience).
    Number,
    /// A polars `Date` column.
    Date,
}

/// Which earlier row a repeated key's message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Earlier {
    /// The row where the key first appeared.
    First,
    /// The last row before this one with the key.
    Latest,
}

/// A key that must not repeat within a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Unique {
    /// The column whose value must not repeat (an ID, an event code, a task number).
    pub key: &'static str,
    /// The error on a repeated key; `{row}` is replaced by the earlier row's number.
    pub message: &'static str,
    /// Which earlier row `{row}` names.
    pub names: Earlier,
}

/// Columns after the spec's own whose headers are codes declared elsewhere: event codes,
/// task numbers, questionnaire items.
#[derive(Debug, Clone, Copy)]
pub struct Coded {
    /// What the warning on a column that names no such code adds.
    pub unknown: &'static str,
    /// Whether the blank leaves those headers for teachers to type (events, tasks) rather
    /// than writing them itself (questionnaire items).
    pub typed_by_teacher: bool,
    /// The values those columns accept in the blank, and the message on any other: its
    /// first words and the values explained.
    pub list: Option<(&'static [&'static str], &'static str, &'static str)>,
}

/// The store columns a sheet fills (before the identity columns).
#[derive(Debug, Clone, Copy)]
pub enum Frame {
    /// The sheet's own columns, in order.
    Columns,
    /// One row per coded cell (a mark, a score, an answer): these columns.
    Long(&'static [(&'static str, Stored)]),
}

/// One data sheet of a form.
#[derive(Debug, Clone, Copy)]
pub struct SheetSpec {
    /// The sheet's name in the blank, matched leniently in teachers' files.
    pub name: &'static str,
    /// The form's own columns, in the blank's order.
    pub columns: &'static [Column],
    /// The error when no header row is found.
    pub no_header: &'static str,
    /// The key that must not repeat in the sheet, if any.
    pub unique: Option<Unique>,
    /// The columns after the form's own that are headed by codes (events, tasks, items).
    pub coded: Option<Coded>,
    /// The store table the sheet's records go to.
    pub table: Table,
    /// The store columns the records fill: the sheet's own, or one row per coded cell.
    pub frame: Frame,
}

impl SheetSpec {
    /// A spec column by key; the forms name only keys they declare.
    pub fn column(&self, key: &str) -> &Column {
        self.columns
            .iter()
            .find(|c| c.key == key)
            .expect("the form declares every key it reads")
    }

    /// The store columns, in order, and how each keeps its values.
    pub fn store_columns(&self) -> Vec<(&'static str, Stored)> {
        match self.frame {
            Frame::Columns => self
                .columns
                .iter()
                .map(|c| (c.key, c.kind.stored()))
                .collect(),
            Frame::Long(columns) => columns.to_vec(),
        }
    }
}

/// One value of a record, as the store keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    /// A value of a [`Stored::Text`] column, `None` for an empty optional cell.
    Text(Option<&'a str>),
    /// A value of a [`Stored::Number`] column, `None` for an empty optional cell.
    Number(Option<f64>),
    /// A value of a [`Stored::Date`] column, `None` for an empty optional cell.
    Date(Option<NaiveDate>),
}

/// A sheet's valid records as the rows its store table receives.
pub(crate) fn table_frame<R: Record>(
    spec: &SheetSpec,
    rows: &[(u32, R)],
) -> PolarsResult<super::TableFrame> {
    Ok(super::TableFrame {
        table: spec.table,
        frame: frame(spec, rows)?,
    })
}

/// The store frame of a sheet's records: the spec's store columns, then the identity columns.
pub fn frame<R: Record>(spec: &SheetSpec, rows: &[(u32, R)]) -> PolarsResult<DataFrame> {
    let mut columns = Vec::new();
    for (key, stored) in spec.store_columns() {
        let field = R::field(key);
        let fields = rows.iter().map(|(_, r)| field.map(|field| field(r)));
        let mismatch = || polars_err!(ComputeError: "the records of {} give no {stored:?} value for {key}", spec.table);
        let column = match stored {
            Stored::Text => {
                fn text<'r>(
                    f: Option<Field<'r>>,
                    mismatch: impl Fn() -> PolarsError,
                ) -> PolarsResult<Option<&'r str>> {
                    match f {
                        Some(Field::Text(t)) => Ok(t),
                        _ => Err(mismatch()),
                    }
                }
                // Two passes over the records, not a vector of their values: the first checks
                // them and sizes the buffer to the values a view cannot hold.
                let mut bytes = 0;
                for f in fields.clone() {
                    bytes += TextColumn::buffered_len(text(f, mismatch)?);
                }
                let mut values = TextColumn::with_capacity(rows.len(), bytes);
                for f in fields {
                    values.push(text(f, mismatch)?);
                }
                values.finish(key)
            }
            Stored::Number => {
                let values = fields.map(|f| {
                    if let Some(Field::Number(n)) = f {
                        Ok(n)
                    } else {
                        Err(mismatch())
                    }
                });
                FrameColumn::new(key.into(), values.collect::<PolarsResult<Vec<_>>>()?)
            }
            Stored::Date => {
                let values = fields.map(|f| {
                    if let Some(Field::Date(d)) = f {
                        Ok(d)
                    } else {
                        Err(mismatch())
                    }
                });
                date_column(key, values.collect::<PolarsResult<Vec<_>>>()?.into_iter())?
            }
        };
        columns.push(column);
    }
    columns.extend(identity_columns(rows));
    DataFrame::new(rows.len(), columns)
}

/// `_key` and `_digest` columns: which record, and a fingerprint of its content, so a
/// re-submission can report rows added, removed and changed; `source_row`: where it was.
fn identity_columns<R: Record>(rows: &[(u32, R)]) -> [FrameColumn; 3] {
    // Keys and digests are written straight into their columns; the texts the digests hash
    // go through two reused buffers, since two records are hashed at once.
    let mut keys = TextColumn::with_capacity(rows.len(), rows.len() * 16);
    let mut digests = TextColumn::with_capacity(rows.len(), rows.len() * 16);
    let mut texts = [String::new(), String::new()];
    for pair in rows.chunks(2) {
        for ((_, r), text) in pair.iter().zip(&mut texts) {
            keys.push_with(|out| r.key(out));
            text.clear();
            r.debug_text(text);
        }
        if let [_, _] = pair {
            for short in digest::short_sha256_two(texts[0].as_bytes(), texts[1].as_bytes()) {
                digests.push_with(|out| digest::push_hex(&short, out));
            }
        } else {
            digests.push_with(|out| digest::push_short_sha256(texts[0].as_bytes(), out));
        }
    }
    let source_rows: Vec<u32> = rows.iter().map(|(row, _)| row + 1).collect();
    [
        keys.finish(KEY),
        digests.finish(DIGEST),
        FrameColumn::new(SOURCE_ROW.into(), source_rows),
    ]
}

#[cfg(test)]
mod tests {
    use crate::forms::FormKind;

    #[test]
    fn the_values_of_every_closed_list_fold_apart() {
        for form in FormKind::ALL {
            for spec in form.sheets() {
                for column in spec.columns {
                    if let super::Kind::Closed(values) = column.kind {
                        let mut folded: Vec<String> =
                            values.iter().map(|v| crate::read::text::fold(v)).collect();
                        folded.sort();
                        folded.dedup();
                        assert_eq!(folded.len(), values.len(), "«{}»", column.header);
                    }
                }
            }
        }
    }

    #[test]
    fn every_sheet_stores_the_columns_of_its_table_in_the_schemas_order() {
        for form in FormKind::ALL {
            for spec in form.sheets() {
                let stored: Vec<&str> = spec
                    .store_columns()
                    .into_iter()
                    .map(|(key, _)| key)
                    .collect();
                assert_eq!(stored, spec.table.record_columns(), "«{}»", spec.name);
            }
        }
    }
}
