//! The one reader of every form's data sheets: it turns a sheet into typed rows and problems
//! by its [`SheetSpec`] (header found, unknown columns warned, blank and total rows skipped,
//! each cell read by its column's kind, repeated keys and unknown persons reported,
//! normalisations grouped, rows with an error left out). A form adds only its own rules and
//! its records through [`SheetRules`].

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;

use super::spec::{Earlier, Kind, SheetSpec};
use super::table::{
    Header, Normalizations, RowCounts, RowReader, Value, data_rows, locate_header,
    warn_unknown_columns,
};
use crate::problem::{Problems, Rule};
use crate::read::text::canonical_code;
use crate::read::workbook::{Sheet, Workbook};

/// One data row: each spec column's value (`None` when empty, absent or wrong), and where.
pub struct Row<'a> {
    /// Zero-based row in the sheet.
    pub row: u32,
    /// Whether the row repeats an earlier row's unique key.
    pub repeated: bool,
    /// In the spec's column order; text borrowed from the sheet's cells where it can be.
    values: &'a [Option<Value<'a>>],
    spec: &'a SheetSpec,
    header: &'a Header,
}

impl Row<'_> {
    fn value(&self, key: &str) -> Option<&Value<'_>> {
        let i = self
            .spec
            .columns
            .iter()
            .position(|c| c.key == key)
            .expect("the form declares every key it reads");
        self.values[i].as_ref()
    }

    /// Text, a code, a class or a person's ID.
    pub fn text(&self, key: &str) -> Option<String> {
        self.text_ref(key).map(str::to_string)
    }

    /// [`Row::text`] borrowed, for the checks that only look at it.
    pub fn text_ref(&self, key: &str) -> Option<&str> {
        match self.value(key) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// A closed-list column's code (`Mark`, `Role`, ...), already mapped from its Russian
    /// word.
    pub fn closed(&self, key: &str) -> Option<&'static str> {
        match self.value(key) {
            Some(Value::Closed(v)) => Some(v),
            _ => None,
        }
    }

    /// A number column, already checked against its rule (range, whole or not).
    pub fn number(&self, key: &str) -> Option<f64> {
        match self.value(key) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// A date column, whether the cell held a date or text such as `20.10.2025`.
    pub fn date(&self, key: &str) -> Option<NaiveDate> {
        match self.value(key) {
            Some(Value::Date(d)) => Some(*d),
            _ => None,
        }
    }

    /// The cell of a column, if the sheet has the column.
    pub fn cell(&self, key: &str) -> Option<(u32, u32)> {
        self.header.col(key).map(|c| (self.row, c))
    }

    /// The cell of a column, or the row's first cell when the sheet lacks the column: where
    /// an error about the column is shown.
    pub fn at(&self, key: &str) -> (u32, u32) {
        self.cell(key).unwrap_or((self.row, self.header.first_col))
    }
}

/// What a form adds to the generic reading of one of its sheets.
pub trait SheetRules {
    /// The store record of a row.
    type Record;

    /// Takes the form's own columns from the header's unknown ones (event codes, task
    /// numbers, item codes) and returns the rest, which are warned as unknown.
    fn header(
        &mut self,
        _sheet: &Sheet,
        header: &Header,
        _problems: &mut Problems,
    ) -> Vec<(u32, String)> {
        header.extra.clone()
    }

    /// Rules across a row's cells, checked after each cell's own rules.
    fn check_row(&mut self, _row: &Row, _sheet: &Sheet, _problems: &mut Problems) {}

    /// Pushes the row's records onto `out`, after its key and person were checked; cells of
    /// the form's own columns are read and checked here. Called for every row, whatever is
    /// wrong in it.
    fn records(
        &mut self,
        row: &Row,
        sheet: &Sheet,
        problems: &mut Problems,
        out: &mut Vec<Self::Record>,
    );

    /// About how many records a row gives (one, or one per coded column), so that room for
    /// the sheet's records is reserved at once: growing the vector by doubling copied every
    /// mark of a journal several times.
    fn records_per_row(&self) -> usize {
        1
    }

    /// Rules across rows, checked once every row was read.
    fn check_rows(&mut self, _sheet: &Sheet, _header: &Header, _problems: &mut Problems) {}
}

/// The data sheet of a one-sheet form (a roster, a route, a questionnaire's answers);
/// `None`, with a file error naming it, when it is missing.
pub(crate) fn one_sheet<'w>(
    workbook: &'w Workbook,
    spec: &SheetSpec,
    problems: &mut Problems,
) -> Option<&'w Sheet> {
    let sheet = workbook.sheet(spec.name);
    if sheet.is_none() {
        problems
            .rule(Rule::MissingSheet)
            .file_error(format!("нет листа «{}»", spec.name));
    }
    sheet
}

/// The two data sheets of a two-sheet form (a journal's events and marks, a diagnostic's
/// tasks and results); `None`, with a file error naming both, when either is missing.
pub(crate) fn two_sheets<'w>(
    workbook: &'w Workbook,
    [first, second]: [&SheetSpec; 2],
    form: &str,
    problems: &mut Problems,
) -> Option<(&'w Sheet, &'w Sheet)> {
    let sheets = workbook.sheet(first.name).zip(workbook.sheet(second.name));
    if sheets.is_none() {
        problems.rule(Rule::MissingSheet).file_error(format!(
            "в {form} должны быть два листа: «{}» и «{}»",
            first.name, second.name
        ));
    }
    sheets
}

/// Splits a header's extra columns into the form's own, those whose code `own` knows
/// (event codes, task numbers), and the rest, which are warned as unknown.
pub(crate) fn own_columns<T>(
    header: &Header,
    mut own: impl FnMut(&str) -> Option<T>,
) -> (Vec<(u32, T)>, Vec<(u32, String)>) {
    let mut found = Vec::new();
    let mut unknown = Vec::new();
    for (c, text) in &header.extra {
        match own(&canonical_code(text, &mut Vec::new())) {
            Some(t) => found.push((*c, t)),
            None => unknown.push((*c, text.clone())),
        }
    }
    (found, unknown)
}

/// Reads a data sheet by its spec; `roster` is the school's roster when one is known.
/// Returns the records of the rows without an error, counting every data row.
pub fn read<F: SheetRules>(
    sheet: &Sheet,
    spec: &SheetSpec,
    roster: Option<&HashSet<String>>,
    form: &mut F,
    problems: &mut Problems,
    counts: &mut RowCounts,
) -> Vec<(u32, F::Record)> {
    let Some(header) = locate_header(sheet, spec.columns, problems) else {
        problems
            .rule(Rule::NoHeader)
            .sheet_error(&sheet.name, spec.no_header);
        return Vec::new();
    };
    let unknown = form.header(sheet, &header, problems);
    warn_unknown_columns(
        sheet,
        &header,
        unknown,
        spec.coded.map_or("", |c| c.unknown),
        problems,
    );
    let rows = data_rows(sheet, &header, counts, problems);
    let mut norm = Normalizations::default();
    let mut records = Vec::with_capacity(rows.len() * form.records_per_row());
    let mut row_records = Vec::with_capacity(form.records_per_row());
    let mut earlier: HashMap<String, u32> = HashMap::new();
    let mut unknown_people = BTreeSet::new();
    // One vector of values for every row, emptied before each: one a row was an allocation each.
    let mut values: Vec<Option<Value>> = Vec::with_capacity(spec.columns.len());
    for &number in &rows {
        let mut reader = RowReader {
            sheet,
            header: &header,
            columns: spec.columns,
            row: number,
            problems,
            norm: &mut norm,
        };
        values.clear();
        values.extend((0..spec.columns.len()).map(|i| reader.read(i)));
        let mut row = Row {
            row: number,
            repeated: false,
            values: &values,
            spec,
            header: &header,
        };
        form.check_row(&row, sheet, problems);
        row.repeated = check_unique(&row, sheet, &mut earlier, problems);
        check_persons(&row, sheet, roster, &mut unknown_people, problems);
        // One buffer for every row's records: a vector per row was an allocation each.
        form.records(&row, sheet, problems, &mut row_records);
        records.extend(row_records.drain(..).map(|record| (number, record)));
    }
    form.check_rows(sheet, &header, problems);
    norm.report(problems);
    keep_valid(records, &sheet.name, &rows, problems, counts)
}

/// Reports a row repeating the spec's unique key of an earlier row; `earlier` holds each
/// key's row as the spec says. Returns whether the row repeats one.
fn check_unique(
    row: &Row,
    sheet: &Sheet,
    earlier: &mut HashMap<String, u32>,
    problems: &mut Problems,
) -> bool {
    let Some(unique) = row.spec.unique else {
        return false;
    };
    let Some(key) = row.text_ref(unique.key) else {
        return false;
    };
    let Some(latest) = earlier.get_mut(key) else {
        earlier.insert(key.to_string(), row.row);
        return false;
    };
    let before = *latest;
    if unique.names == Earlier::Latest {
        *latest = row.row;
    }
    let message = unique.message.replace("{row}", &(before + 1).to_string());
    problems
        .rule(Rule::DuplicateKey)
        .error(&sheet.name, row.at(unique.key), key, message);
    true
}

/// Warns, once per ID, of a person column's ID that the school's roster lacks.
fn check_persons(
    row: &Row,
    sheet: &Sheet,
    roster: Option<&HashSet<String>>,
    warned: &mut BTreeSet<String>,
    problems: &mut Problems,
) {
    for (column, value) in row.spec.columns.iter().zip(row.values) {
        if let (Kind::Person { unknown }, Some(Value::Text(id))) = (column.kind, value)
            && roster.is_some_and(|ids| !ids.contains(id.as_ref()))
            && warned.insert(id.to_string())
        {
            problems.rule(Rule::UnknownPerson).warning(
                &sheet.name,
                row.cell(column.key),
                id,
                unknown,
            );
        }
    }
}

/// Counts the data rows of `sheet` as stored or rejected (a row with any error is
/// rejected) and keeps the records of the valid rows.
fn keep_valid<R>(
    records: Vec<(u32, R)>,
    sheet: &str,
    data_rows: &[u32],
    problems: &Problems,
    counts: &mut RowCounts,
) -> Vec<(u32, R)> {
    let bad = problems.error_rows(sheet);
    let rejected = data_rows.iter().filter(|r| bad.contains(r)).count();
    counts.rejected += rejected;
    counts.stored += data_rows.len() - rejected;
    records
        .into_iter()
        .filter(|(row, _)| !bad.contains(row))
        .collect()
}

#[cfg(test)]
mod tests {
    use calamine::{Data, Range};

    use super::*;
    use crate::forms::{roster, route};

    /// A sheet from rows of text cells, `""` for an empty cell.
    fn sheet(name: &str, rows: &[&[&str]]) -> Sheet {
        let width = rows.iter().map(|r| r.len()).max().unwrap_or(1) as u32;
        let mut range = Range::new((0, 0), (rows.len() as u32 - 1, width - 1));
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
                range.set_value((r as u32, c as u32), Data::String(text.to_string()));
            }
        }
        Sheet {
            name: name.into(),
            range,
        }
    }

    fn rules(problems: &Problems) -> Vec<(&'static str, String)> {
        problems
            .items
            .iter()
            .map(|p| (p.rule.code(), p.cell_ref()))
            .collect()
    }

    struct Steps;

    impl SheetRules for Steps {
        type Record = (String, Option<&'static str>);

        fn records(
            &mut self,
            row: &Row,
            _sheet: &Sheet,
            _problems: &mut Problems,
            out: &mut Vec<Self::Record>,
        ) {
            out.extend(row.text("id").map(|id| (id, row.closed("status"))));
        }
    }

    /// The header's known columns and unknown ones as they were found before the columns
    /// were looked up by position: sheet column by sheet column, each taken by the first of
    /// the form's columns with its header unless a column of that key was taken already.
    fn known_by_key(
        sheet: &Sheet,
        row: u32,
        columns: &[super::super::spec::Column],
    ) -> (Vec<(&'static str, u32)>, Vec<(u32, String)>) {
        use crate::read::text::fold;
        use crate::read::values::cell_text;
        let keys: Vec<String> = columns.iter().map(|c| fold(c.header)).collect();
        let (mut known, mut extra) = (Vec::new(), Vec::new());
        for c in sheet.col_span() {
            let Some(text) = cell_text(sheet.get(row, c)) else {
                continue;
            };
            let key = fold(&text);
            match columns.iter().zip(&keys).find(|(_, k)| **k == key) {
                Some((column, _)) if !known.iter().any(|(k, _)| *k == column.key) => {
                    known.push((column.key, c))
                }
                _ => extra.push((c, text)),
            }
        }
        (known, extra)
    }

    /// Every data sheet's columns, and two lists whose keys or headers repeat.
    fn column_lists() -> Vec<&'static [super::super::spec::Column]> {
        use super::super::spec::{Kind, col};
        const REPEATED: &[super::super::spec::Column] = &[
            col("a", "Один", true),
            col("b", "Два", false).of(Kind::Code),
            col("a", "Три", false),
            col("c", "Два", false),
        ];
        let mut lists: Vec<&'static [super::super::spec::Column]> = crate::forms::FormKind::ALL
            .into_iter()
            .flat_map(|f| f.sheets().iter().map(|s| s.columns))
            .collect();
        lists.push(REPEATED);
        lists
    }

    #[test]
    fn no_sheet_has_two_columns_of_one_key() {
        for spec in crate::forms::FormKind::ALL
            .into_iter()
            .flat_map(|f| f.sheets())
        {
            let mut keys: Vec<&str> = spec.columns.iter().map(|c| c.key).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), spec.columns.len(), "«{}»", spec.name);
        }
    }

    proptest::proptest! {
        /// A header row of the form's headers (as written, in capitals, spaced out),
        /// repeated, missing, mixed with unknown ones and empty cells: each column's
        /// position is where the lookup by key found it, and a row's cells read by
        /// position are the cells of those columns.
        #[test]
        fn columns_looked_up_by_position_are_where_their_keys_were_found(
            list in 0usize..16,
            cells in proptest::collection::vec((0usize..12, 0u8..5), 1..14),
        ) {
            let lists = column_lists();
            let columns = lists[list % lists.len()];
            let header: Vec<String> = cells
                .iter()
                .map(|&(i, how)| match (columns.get(i), how) {
                    (None, _) | (_, 4) => "Лишний".to_string(),
                    (Some(_), 3) => String::new(),
                    (Some(c), 0) => c.header.to_string(),
                    (Some(c), 1) => c.header.to_uppercase(),
                    (Some(c), _) => format!("  {}  ", c.header.replace(' ', "   ")),
                })
                .collect();
            let data: Vec<String> = (0..header.len()).map(|c| format!("v{c}")).collect();
            let header_row: Vec<&str> = header.iter().map(String::as_str).collect();
            let data_row: Vec<&str> = data.iter().map(String::as_str).collect();
            let sheet = sheet("Лист", &[&header_row, &data_row]);
            let mut problems = Problems::default();
            let Some(found) = locate_header(&sheet, columns, &mut problems) else {
                proptest::prop_assert!(header.iter().all(|h| h.is_empty() || h == "Лишний"));
                return Ok(());
            };
            let (known, extra) = known_by_key(&sheet, found.row, columns);
            proptest::prop_assert_eq!(&found.extra, &extra);
            for (i, column) in columns.iter().enumerate() {
                let by_key = known.iter().find(|(k, _)| *k == column.key).map(|(_, c)| *c);
                proptest::prop_assert_eq!(found.col(column.key), by_key);
                // Repeated keys aside (no form has them), the position is the key's column.
                if columns.iter().filter(|c| c.key == column.key).count() == 1 {
                    proptest::prop_assert_eq!(found.position(i), by_key);
                    let mut norm = Normalizations::default();
                    let mut reader = RowReader {
                        sheet: &sheet,
                        header: &found,
                        columns,
                        row: found.row + 1,
                        problems: &mut problems,
                        norm: &mut norm,
                    };
                    let expected = by_key.map(|c| data[c as usize].clone());
                    let read = match reader.read(i) {
                        Some(Value::Text(t)) => Some(t.into_owned()),
                        _ => None,
                    };
                    if matches!(column.kind, Kind::Text) {
                        proptest::prop_assert_eq!(read, expected);
                    } else if matches!(column.kind, Kind::Code | Kind::Person { .. }) {
                        proptest::prop_assert_eq!(read, expected.map(|v| v.replace('v', "V")));
                    }
                }
            }
        }
    }

    #[test]
    fn a_sheet_is_read_by_its_spec_with_a_rule_for_every_problem() {
        let header: &[&str] = &[
            "ID",
            "Цель",
            "Мероприятие",
            "Уровень",
            "Номинация",
            "Срок",
            "Статус",
            "Лишний",
        ];
        let sheet = sheet(
            "Маршрут",
            &[
                header,
                &[
                    "У-1",
                    "цель",
                    "олимпиада",
                    "школьный",
                    "",
                    "октябрь 2025",
                    "выполнено",
                ],
                &[
                    "У-2",
                    "цель",
                    "олимпиада",
                    "районный",
                    "",
                    "12.13.2025",
                    "выполнено",
                ],
                &[],
                &[
                    "У-1",
                    "",
                    "олимпиада",
                    "региональный",
                    "",
                    "октябрь 2025",
                    "запланировано",
                ],
                &["Итого"],
            ],
        );
        let roster = HashSet::from(["У-1".to_string()]);
        let mut problems = Problems::default();
        let mut counts = RowCounts::default();
        let records = read(
            &sheet,
            &route::SHEET,
            Some(&roster),
            &mut Steps,
            &mut problems,
            &mut counts,
        );
        assert_eq!(
            rules(&problems),
            [
                ("unknown-column", "H1".to_string()),
                ("total-row", "A6".to_string()),
                ("closed-list", "D3".to_string()),
                ("date", "F3".to_string()),
                ("unknown-person", "A3".to_string()),
                ("required", "B5".to_string()),
            ]
        );
        assert_eq!(records, [(1, ("У-1".to_string(), Some("выполнено")))]);
        assert_eq!(
            counts,
            RowCounts {
                read: 5,
                stored: 1,
                rejected: 2,
                blank: 2
            }
        );
    }

    #[test]
    fn a_repeated_key_names_the_row_the_spec_says_and_cross_row_rules_follow() {
        let sheet = sheet(
            "Состав",
            &[
                &["ID", "ФИО", "Роль", "Класс", "Тьютор (ID)"],
                &["1", "Иванова", "тьютор"],
                &["1", "Петров", "педагог", "", "2"],
                &["1", "Сидоров", "обучающийся"],
            ],
        );
        let mut problems = Problems::default();
        let people = roster::read(
            &crate::read::workbook::Workbook {
                sheets: vec![sheet],
            },
            &mut problems,
            &mut RowCounts::default(),
        );
        let texts: Vec<(&str, &str)> = problems
            .items
            .iter()
            .map(|p| (p.rule.code(), p.message.as_str()))
            .collect();
        assert_eq!(
            texts,
            [
                (
                    "duplicate-key",
                    "ID повторяется: уже есть в строке 2; у каждого участника свой ID"
                ),
                (
                    "learner-class",
                    "для обучающегося нужно указать класс (например, 6А)"
                ),
                (
                    "duplicate-key",
                    "ID повторяется: уже есть в строке 2; у каждого участника свой ID"
                ),
                (
                    "tutor-link",
                    "тьютора с таким ID нет в списке: добавьте его строкой с ролью «тьютор» или исправьте ID"
                ),
            ]
        );
        let frame = &people.expect("a frame")[0].frame;
        let names: Vec<&str> = frame
            .get_column_names()
            .into_iter()
            .map(|n| n.as_str())
            .collect();
        let spec: Vec<&str> = roster::SHEET
            .columns
            .iter()
            .map(|c| c.key)
            .chain(["_key", "_digest", "source_row"])
            .collect();
        assert_eq!(names, spec);
        assert_eq!(frame.height(), 1);
    }
}
