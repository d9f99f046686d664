//! Shared mechanics of the data sheets, for the generic reader (`forms::sheet`), the
//! register and questionnaire definitions: finding the header row wherever it is, mapping
//! columns leniently, walking data rows (blank and total rows skipped and counted), and
//! reading a cell by its column's kind with problems and grouped normalisation warnings.

use std::borrow::Cow;
use std::collections::BTreeMap;

use calamine::Data;
use chrono::NaiveDate;

use super::spec::{Column, Kind};
use crate::problem::{Problems, Rule, cell_name};
use crate::read::text::{Change, canonical_code, fold, fold_tracked};
use crate::read::values::{cell_str, cell_text, is_blank, parse_date, parse_due, parse_number};
use crate::read::workbook::Sheet;

/// A cell's value as its column's kind reads it; text is borrowed from the cell when reading
/// left it as typed, as it mostly does.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Text, a code, a class or a person's ID.
    Text(Cow<'a, str>),
    /// A value of a closed list, in its canonical spelling.
    Closed(&'static str),
    /// A number (comma decimals accepted), within the column's bounds.
    Number(f64),
    /// A date (an Excel date or a date written as text); a due month as its last day.
    Date(NaiveDate),
}

/// Where a table's columns are: the header row and each known column's position.
#[derive(Debug)]
pub struct Header {
    /// The header row (0-based); data rows start below it.
    pub row: u32,
    /// The first column of the table (where a total row says `Итого`).
    pub first_col: u32,
    /// Last column holding a header.
    pub last_col: u32,
    /// The form's columns in the order [`locate_header`] was given them: each one's key and
    /// the sheet column that holds it, `None` when the sheet lacks it.
    columns: Vec<(&'static str, Option<u32>)>,
    /// Columns with a header the form does not know: (column, header as written).
    pub extra: Vec<(u32, String)>,
}

impl Header {
    /// The column (0-based) of a known column by its key, `None` when the sheet lacks it.
    pub fn col(&self, key: &str) -> Option<u32> {
        self.columns
            .iter()
            .find_map(|(k, c)| c.filter(|_| *k == key))
    }

    /// [`Header::col`] of the form's column at `index` in the list the header was located
    /// by: a row's cells are looked up by position, without comparing keys per cell.
    pub fn position(&self, index: usize) -> Option<u32> {
        self.columns.get(index).and_then(|(_, c)| *c)
    }
}

/// How many header rows are searched from the top of the sheet.
const HEADER_SEARCH_ROWS: u32 = 30;

/// Finds the header row (the row matching most known headers, searched from the top) and
/// maps columns. Reports missing required columns; returns `None` when the sheet has no
/// recognisable header at all.
pub fn locate_header(sheet: &Sheet, columns: &[Column], problems: &mut Problems) -> Option<Header> {
    let keys: Vec<String> = columns.iter().map(|c| fold(c.header)).collect();
    // A number cell reads as a number, so it can match only a header that is one; no form
    // has such a header, and skipping number cells spares formatting every score and answer
    // of the rows searched.
    let numbers_can_match = keys.iter().any(|k| k.parse::<f64>().is_ok());
    let mut best: Option<(usize, u32)> = None;
    let span = sheet.row_span();
    let last_search = (*span.start())
        .saturating_add(HEADER_SEARCH_ROWS)
        .min(*span.end());
    for row in *span.start()..=last_search {
        let matches = sheet
            .col_span()
            .map(|c| sheet.get(row, c))
            .filter(|value| numbers_can_match || !matches!(value, Data::Float(_) | Data::Int(_)))
            .filter(|value| cell_str(value).is_some_and(|t| is_key(&t, &keys)))
            .count();
        if matches > 0 && best.is_none_or(|(m, _)| matches > m) {
            best = Some((matches, row));
        }
        // A row whose every cell is a header cannot be outdone by a later one, which would
        // need more matching cells than a row has: most sheets' first row is such a header,
        // and folding the 30 rows below it (every route's goal, every event's topic) was a
        // twentieth of validation.
        if best.is_some_and(|(m, _)| m >= sheet.col_span().count()) {
            break;
        }
    }
    let (_, row) = best?;
    let mut known: Vec<(&'static str, Option<u32>)> =
        columns.iter().map(|column| (column.key, None)).collect();
    let is_known = |known: &[(&str, Option<u32>)], key: &str| {
        known.iter().any(|(k, c)| c.is_some() && *k == key)
    };
    let mut extra = Vec::new();
    let mut first_col = None;
    let mut last_col = 0;
    for c in sheet.col_span() {
        let Some(text) = cell_text(sheet.get(row, c)) else {
            continue;
        };
        first_col.get_or_insert(c);
        last_col = c;
        let key = fold(&text);
        // The first of the form's columns with this header, unless a column of its key was
        // found already (a repeated header is an unknown column).
        match keys.iter().position(|k| *k == key) {
            Some(i) if !is_known(&known, columns[i].key) => known[i].1 = Some(c),
            _ => extra.push((c, text)),
        }
    }
    for column in columns
        .iter()
        .filter(|c| c.required && !is_known(&known, c.key))
    {
        problems.rule(Rule::MissingColumn).sheet_error(
            &sheet.name,
            format!("нет обязательного столбца «{}» (строка заголовков — {}): добавьте его с таким заголовком", column.header, row + 1),
        );
    }
    Some(Header {
        row,
        first_col: first_col.unwrap_or(0),
        last_col,
        columns: known,
        extra,
    })
}

/// Whether a cell's text folds to one of `keys`.
fn is_key(text: &str, keys: &[String]) -> bool {
    let folded = fold_tracked(text, &mut Vec::new());
    keys.iter().any(|k| *k == *folded)
}

/// Warns once per column the form does not know; `what` says what it might have been.
pub fn warn_unknown_columns(
    sheet: &Sheet,
    header: &Header,
    columns: impl IntoIterator<Item = (u32, String)>,
    what: &str,
    problems: &mut Problems,
) {
    for (c, text) in columns {
        problems.rule(Rule::UnknownColumn).warning(
            &sheet.name,
            Some((header.row, c)),
            &text,
            format!("столбец не входит в форму и не загружен{what}"),
        );
    }
}

/// Row accounting of one file: read = stored + rejected + blank.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RowCounts {
    /// Every row below the header, whatever it holds.
    pub read: usize,
    /// Rows whose records were kept.
    pub stored: usize,
    /// Rows left out for an error in one of their cells (or a file that cannot be stored).
    pub rejected: usize,
    /// Blank and `Итого` rows, skipped without judging them.
    pub blank: usize,
}

/// The data rows below the header: blank rows and a trailing `Итого` row are skipped with
/// counts (and a note for totals); every other row is returned for reading.
pub fn data_rows(
    sheet: &Sheet,
    header: &Header,
    counts: &mut RowCounts,
    problems: &mut Problems,
) -> Vec<u32> {
    let mut rows = Vec::new();
    for row in header.row + 1..=*sheet.row_span().end() {
        counts.read += 1;
        let blank = (header.first_col..=header.last_col).all(|c| is_blank(sheet.get(row, c)));
        if blank {
            counts.blank += 1;
            continue;
        }
        // Only a text starting with `и` or `И` folds to one starting with `итого` (no Latin
        // letter looks like it): other rows are not folded.
        let total = cell_str(sheet.get(row, header.first_col))
            .filter(|t| t.starts_with(['и', 'И']))
            .is_some_and(|t| fold(&t).starts_with("итого"));
        if total {
            counts.blank += 1;
            problems.rule(Rule::TotalRow).note(
                &sheet.name,
                Some((row, header.first_col)),
                "строка «Итого» пропущена: итоги программа считает сама",
            );
            continue;
        }
        rows.push(row);
    }
    rows
}

/// Normalisation warnings grouped by sheet, column and kind of change (forms.md).
#[derive(Default)]
pub struct Normalizations {
    /// By sheet, then by column and change: (cells, first cell, column header). Nested, so
    /// that counting a cell looks its sheet up by name without copying the name.
    groups: BTreeMap<String, BTreeMap<(u32, Change), (usize, (u32, u32), String)>>,
}

impl Normalizations {
    /// Counts the changes made to one cell's value under its column's group, keeping the
    /// first cell of each group to name in the warning.
    pub fn record(&mut self, sheet: &str, cell: (u32, u32), header: &str, changes: &[Change]) {
        if changes.is_empty() {
            return;
        }
        if !self.groups.contains_key(sheet) {
            self.groups.insert(sheet.to_string(), BTreeMap::new());
        }
        let Some(groups) = self.groups.get_mut(sheet) else {
            return;
        };
        for &change in changes {
            let entry = groups
                .entry((cell.1, change))
                .or_insert_with(|| (0, cell, header.to_string()));
            entry.0 += 1;
        }
    }

    /// One warning per group: kind of change, column, count and first cell.
    pub fn report(self, problems: &mut Problems) {
        for (sheet, groups) in self.groups {
            for ((_, change), (count, first, header)) in groups {
                problems.rule(Rule::Normalised).warning(
                    &sheet,
                    Some(first),
                    "",
                    format!(
                        "столбец «{header}»: {} — ячеек: {count}, первая {}",
                        change.describe(),
                        cell_name(first.0, first.1)
                    ),
                );
            }
        }
    }
}

/// `8 б`, `8-б` -> `8Б`: grade and letter without separators.
fn normalise_class(class: &str) -> String {
    class
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_uppercase()
}

/// Reads the cells of one data row, reporting problems against their cells. A cell is
/// named by its column's index in `columns`, the list the header was located by, so that
/// its position is looked up, not its key compared with every column's.
pub struct RowReader<'a, 's> {
    /// The sheet the row is on, named in every problem; text read is borrowed from it.
    pub sheet: &'s Sheet,
    /// Where the sheet's known columns are.
    pub header: &'a Header,
    /// The form's columns: how each cell is read and whether it is required.
    pub columns: &'a [Column],
    /// The row being read (0-based).
    pub row: u32,
    /// Where the row's errors and warnings go.
    pub problems: &'a mut Problems,
    /// The sheet's normalisation warnings, grouped across rows.
    pub norm: &'a mut Normalizations,
}

impl<'s> RowReader<'_, 's> {
    /// The raw value of the column at `i`, `Empty` when the sheet lacks the column.
    fn value(&self, i: usize) -> (&'s Data, Option<(u32, u32)>) {
        match self.header.position(i) {
            Some(c) => (self.sheet.get(self.row, c), Some((self.row, c))),
            None => (&Data::Empty, None),
        }
    }

    fn note_changes(&mut self, i: usize, cell: (u32, u32), changes: &[Change]) {
        let header = self.columns[i].header;
        self.norm.record(&self.sheet.name, cell, header, changes);
    }

    fn error(&mut self, rule: Rule, cell: Option<(u32, u32)>, found: &str, message: String) {
        let cell = cell.unwrap_or((self.row, self.header.first_col));
        self.problems
            .rule(rule)
            .error(&self.sheet.name, cell, found, message);
    }

    /// Reads the cell of the column at `i` by the column's kind.
    pub fn read(&mut self, i: usize) -> Option<Value<'s>> {
        match self.columns[i].kind {
            Kind::Text => self.text_at(i).map(Value::Text),
            Kind::Code | Kind::Person { .. } => self.code(i).map(Value::Text),
            Kind::Class => self
                .code(i)
                .map(|c| Value::Text(Cow::Owned(normalise_class(&c)))),
            Kind::Closed(allowed) => self.closed(i, allowed).map(Value::Closed),
            Kind::Number { positive, expected } => {
                let allowed = |n: f64| if positive { n > 0.0 } else { n >= 0.0 };
                self.number(i, |n| {
                    if allowed(n) {
                        Ok(())
                    } else {
                        Err(expected.to_string())
                    }
                })
                .map(Value::Number)
            }
            Kind::Date => self.date(i, false).map(Value::Date),
            Kind::DateOrMonth => self.date(i, true).map(Value::Date),
        }
    }

    /// Reports an empty required cell.
    fn missing(&mut self, i: usize) {
        let cell = self.header.position(i).map(|c| (self.row, c));
        let message = format!(
            "не заполнен обязательный столбец «{}»",
            self.columns[i].header
        );
        self.error(Rule::Required, cell, "", message);
    }

    /// Free text of the column `key` (spaces squeezed); an error if required and empty.
    pub fn text(&mut self, key: &str) -> Option<String> {
        let i = self
            .columns
            .iter()
            .position(|c| c.key == key)
            .expect("the form declares every key it reads");
        self.text_at(i).map(Cow::into_owned)
    }

    /// [`RowReader::text`] of the column at `i`, borrowed from the cell when it is clean.
    fn text_at(&mut self, i: usize) -> Option<Cow<'s, str>> {
        let (value, _) = self.value(i);
        let text = cell_str(value);
        if text.is_none() && self.columns[i].required {
            self.missing(i);
        }
        text
    }

    /// An ID or code in canonical form (`17.0` -> `17`, look-alikes folded); borrowed from
    /// the cell when it is canonical as typed.
    fn code(&mut self, i: usize) -> Option<Cow<'s, str>> {
        let (value, cell) = self.value(i);
        let raw = match value {
            Data::Float(f) => Some(Cow::Owned(crate::read::values::format_number(*f))),
            other => cell_str(other),
        };
        let Some(raw) = raw else {
            if self.columns[i].required {
                self.missing(i);
            }
            return None;
        };
        let mut changes = Vec::new();
        let code = match raw {
            Cow::Borrowed(raw) => canonical_code(raw, &mut changes),
            Cow::Owned(raw) => Cow::Owned(canonical_code(&raw, &mut changes).into_owned()),
        };
        if let Some(cell) = cell {
            self.note_changes(i, cell, &changes);
        }
        Some(code)
    }

    /// A value of a closed list, returned in its canonical spelling.
    fn closed(&mut self, i: usize, allowed: &[&'static str]) -> Option<&'static str> {
        let (value, cell) = self.value(i);
        let Some(raw) = cell_str(value) else {
            if self.columns[i].required {
                self.missing(i);
            }
            return None;
        };
        // A value written as the list spells it is that value, with nothing to note (the
        // values of a list fold apart: spec.rs tests it), and most cells are written so.
        if let Some(found) = allowed.iter().find(|a| **a == raw) {
            return Some(*found);
        }
        let mut changes = Vec::new();
        let folded = fold_tracked(&raw, &mut changes);
        match allowed.iter().find(|a| fold(a) == folded) {
            Some(found) => {
                // Only what differs from the canonical spelling is a change (`призёр` keeps its ё).
                let mut own = Vec::new();
                fold_tracked(found, &mut own);
                changes.retain(|c| !own.contains(c));
                if let Some(cell) = cell {
                    self.note_changes(i, cell, &changes);
                }
                Some(*found)
            }
            None => {
                let header = self.columns[i].header;
                self.error(
                    Rule::ClosedList,
                    cell,
                    &raw,
                    format!(
                        "недопустимое значение в столбце «{header}»; допустимо: {}",
                        allowed.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// A number; `check` says whether it is allowed and, if not, what is expected.
    fn number(&mut self, i: usize, check: impl Fn(f64) -> Result<(), String>) -> Option<f64> {
        let (value, cell) = self.value(i);
        let header = self.columns[i].header;
        let mut changes = Vec::new();
        match parse_number(value, &mut changes) {
            Ok(Some(n)) => match check(n) {
                Ok(()) => {
                    if let Some(cell) = cell {
                        self.note_changes(i, cell, &changes);
                    }
                    Some(n)
                }
                Err(expected) => {
                    self.error(
                        Rule::NumberRange,
                        cell,
                        &cell_text(value).unwrap_or_default(),
                        format!("столбец «{header}»: {expected}"),
                    );
                    None
                }
            },
            Ok(None) => {
                if self.columns[i].required {
                    self.missing(i);
                }
                None
            }
            Err(()) => {
                self.error(
                    Rule::Number,
                    cell,
                    &cell_text(value).unwrap_or_default(),
                    format!("в столбце «{header}» должно быть число"),
                );
                None
            }
        }
    }

    /// A date (`date_or_month` also accepts `октябрь 2025`, meaning the month's last day).
    fn date(&mut self, i: usize, date_or_month: bool) -> Option<NaiveDate> {
        let (value, cell) = self.value(i);
        let header = self.columns[i].header;
        let mut changes = Vec::new();
        let parsed = if date_or_month {
            parse_due(value, &mut changes)
        } else {
            parse_date(value, &mut changes)
        };
        match parsed {
            Ok(Some(d)) => {
                if let Some(cell) = cell {
                    self.note_changes(i, cell, &changes);
                }
                Some(d)
            }
            Ok(None) => {
                if self.columns[i].required {
                    self.missing(i);
                }
                None
            }
            Err(()) => {
                let expected = if date_or_month {
                    "дата (12.09.2025) или месяц с годом (октябрь 2025)"
                } else {
                    "дата, например 12.09.2025"
                };
                self.error(
                    Rule::Date,
                    cell,
                    &cell_text(value).unwrap_or_default(),
                    format!("в столбце «{header}» должна быть {expected}"),
                );
                None
            }
        }
    }
}
