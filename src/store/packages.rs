//! A centre's packages in the store: each school's verified package is kept as it arrived,
//! one file per package and term
//! (`store/packages/term_slug=<slug>/school=<code>/<key>-<sha>-<seq>.parquet`), instead of
//! being split into seven table files: ingest writes the bytes it has already checked, with
//! no splitting and no encoding (issue 19: 40 000 packages in a minute).
//!
//! Every read of a table ([`Store::read_tables`]) takes that table's rows from the packages
//! too, exactly as the table files of the split package held them: the rows whose `table`
//! names it, with the table's own and the source columns in the package's order, and `seq`
//! the centre's. A package's `seq` column is the school's own numbering; the centre's (its
//! log line, which decides which of two packages' copies of a record wins) is in the file's
//! name, so the bytes stay the package's.

use std::fs::File;
use std::path::Path;

use anyhow::Context as _;
use polars::prelude::*;
use polars_arrow::array::{Array as _, View};
use polars_io::SerReader;
use polars_io::prelude::ParquetReader;

use super::{Columns, Staged, Store, SubmissionId};
use crate::schema::column::{SEQ, SOURCE};
use crate::schema::{Table, Term};

/// The packages' folder below the store's root, partitioned as the tables' are.
pub const DIR: &str = "packages";

/// The package column naming the store table of each row.
const TABLE: &str = "table";

impl Store {
    /// Whether this store holds packages: it is a centre's, whose tables all come from them.
    pub fn holds_packages(&self) -> bool {
        self.root.join(DIR).is_dir()
    }

    /// Stages a verified package as one file, its rows numbered `seq`: written durably under
    /// a temporary name beside its place, renamed by [`Store::publish`].
    pub fn stage_package(
        &self,
        term: &Term,
        school: &str,
        id: &SubmissionId,
        seq: u64,
        bytes: &[u8],
    ) -> anyhow::Result<Staged> {
        let name = format!("{}-{seq}.parquet", id.stem());
        let staged = self.stage_bytes(&self.partition(DIR, term, school), &name, bytes)?;
        Ok(Staged {
            files: vec![staged],
        })
    }
}

/// The stem and `seq` of a stored package's file name (`<key>-<sha>-<seq>.parquet`).
fn stem_and_seq(name: &str) -> Option<(&str, u64)> {
    let (stem, seq) = name.strip_suffix(".parquet")?.rsplit_once('-')?;
    Some((stem, seq.parse().ok()?))
}

/// For a stored package under the store at `root`, the file name of its submission as the
/// log commits it ([`SubmissionId`]'s): its own name without the `seq`. `None` for any other
/// file (a table's, or one staged and never published).
pub(super) fn submission_file(root: &Path, path: &Path) -> Option<String> {
    if !path.starts_with(root.join(DIR)) {
        return None;
    }
    let (stem, _) = stem_and_seq(path.file_name()?.to_str()?)?;
    Some(format!("{stem}.parquet"))
}

/// Each wanted table's rows in the stored package at `path` (`None` for a table it has no
/// rows of), as the table's own file would hold them: the table's own and the source
/// columns the read keeps, in the package's order, `seq` the centre's. One decoding of the
/// columns any wanted table keeps serves them all.
pub(super) fn read_tables(
    path: &Path,
    wanted: &[(Table, Columns)],
) -> anyhow::Result<Vec<Option<DataFrame>>> {
    let cannot_read = || format!("не удалось прочитать {}", path.display());
    let seq = path
        .file_name()
        .and_then(|n| stem_and_seq(n.to_str()?))
        .map(|(_, seq)| seq)
        .with_context(cannot_read)?;
    let file =
        File::open(path).with_context(|| format!("не удалось открыть {}", path.display()))?;
    // One thread a package: the callers read many packages on every core.
    let mut reader = ParquetReader::new(file).read_parallel(ParallelStrategy::None);
    let mut names: Vec<String> = anyhow::Context::with_context(reader.schema(), cannot_read)?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    // A package without `seq` had the centre's added last when packages were split.
    if !names.iter().any(|n| n == SEQ) {
        names.push(SEQ.to_string());
    }
    let columns: Vec<Vec<&str>> = wanted
        .iter()
        .map(|(table, columns)| {
            names
                .iter()
                .map(String::as_str)
                .filter(|n| is_store_column(*table, n) && columns.keeps(n))
                .collect()
        })
        .collect();
    let decoded: Vec<String> = names
        .iter()
        .filter(|n| *n == TABLE || (*n != SEQ && columns.iter().any(|c| c.contains(&n.as_str()))))
        .cloned()
        .collect();
    let package =
        anyhow::Context::with_context(reader.with_columns(Some(decoded)).finish(), cannot_read)?;
    let runs = runs_of_tables(package.column(TABLE)?.str()?, wanted);
    let mut tables = Vec::with_capacity(wanted.len());
    for (runs, columns) in runs.iter().zip(&columns) {
        if runs.is_empty() {
            tables.push(None);
            continue;
        }
        let kept: Vec<&str> = columns.iter().filter(|n| **n != SEQ).copied().collect();
        let count: usize = runs.iter().map(|&(_, len)| len).sum();
        let mut rows = if 2 * count >= package.height() {
            // Most of the package (a school's marks): sliced, not copied. A slice is a view
            // of the package's whole columns and keeps them alive until the caller copies the
            // rows it reads (a centre's batch is rechunked at once): at most twice its rows.
            let package = package.select(kept)?;
            let mut slices = runs
                .iter()
                .map(|&(start, len)| package.slice(start as i64, len));
            let mut rows = slices.next().unwrap_or_default();
            for slice in slices {
                rows.vstack_mut(&slice)?;
            }
            rows
        } else {
            // Gathered, not sliced: a slice of a small table (or a filter) would keep the
            // package's whole columns alive, mostly the other tables' rows (with every table
            // sliced, a 5 000-school report peaked at 1 GiB instead of 650 MiB).
            // Column by column on this thread: the callers read many packages on every core.
            let at = IdxCa::from_vec(
                "at".into(),
                runs.iter()
                    .flat_map(|&(start, len)| (start..start + len).map(|i| i as IdxSize))
                    .collect(),
            );
            DataFrame::new(
                at.len(),
                kept.iter()
                    .map(|n| package.column(n)?.take(&at))
                    .collect::<PolarsResult<_>>()?,
            )?
        };
        if let Some(place) = columns.iter().position(|n| *n == SEQ) {
            let height = rows.height();
            rows.insert_column(place, Column::new(SEQ.into(), vec![seq; height]))?;
        }
        tables.push(Some(rows));
    }
    Ok(tables)
}

/// The runs of rows (start, length) of each wanted table in a package whose `table` column
/// is `kinds`, in order: one pass, naming a row's table only where the column changes
/// (a package lists each table's rows together). A row whose view (its text's length and
/// inline bytes, or prefix and place) is the last row's holds the same text, so most rows
/// cost one comparison of two views.
fn runs_of_tables(kinds: &StringChunked, wanted: &[(Table, Columns)]) -> Vec<Vec<(usize, usize)>> {
    // The run being read: the view of its last row (`None`: null), its table, its start.
    type Run = (Option<View>, Option<usize>, usize);
    let mut runs = vec![Vec::new(); wanted.len()];
    let mut close = |run: Option<Run>, end: usize| {
        if let Some((_, Some(table), start)) = run {
            runs[table].push((start, end - start));
        }
    };
    let mut current: Option<Run> = None;
    let mut current_kind: Option<&str> = None;
    let mut row = 0;
    for array in kinds.downcast_iter() {
        for (i, view) in array.views().iter().enumerate() {
            let view = array.is_valid(i).then_some(*view);
            if let Some((previous, ..)) = current.as_mut()
                && *previous != view
            {
                let kind = view.map(|_| array.value(i));
                if kind == current_kind {
                    *previous = view;
                } else {
                    close(current.take(), row);
                }
            }
            if current.is_none() {
                current_kind = view.map(|_| array.value(i));
                let table =
                    current_kind.and_then(|kind| wanted.iter().position(|(t, _)| t.code() == kind));
                current = Some((view, table, row));
            }
            row += 1;
        }
    }
    close(current, row);
    runs
}

/// Whether a package column belongs to a table's store file: its own columns and the source
/// columns (the package's tagging columns do not).
fn is_store_column(table: Table, name: &str) -> bool {
    table.record_columns().contains(&name) || SOURCE.contains(&name)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use polars::prelude::*;
    use polars_io::prelude::ParquetWriter;

    use super::*;
    use crate::schema::Period;

    const TERM: Term = Term {
        year: 2025,
        period: Period::Q1,
    };

    /// A package of two roster rows and one event (the tables diagonal-concatenated), its
    /// `seq` the school's own (7), and its bytes.
    fn package() -> Vec<u8> {
        let mut df = df!(
            "table" => ["roster", "roster", "events"],
            "package_version" => [1, 1, 1],
            "id" => [Some("a"), Some("b"), None],
            "seq" => [7u64, 7, 7],
            "school_code" => ["S1", "S1", "S1"],
            "event_id" => [None, None, Some("e1")],
        )
        .unwrap();
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut df).unwrap();
        bytes
    }

    fn id(sha: &str) -> SubmissionId {
        SubmissionId {
            key_id: "0123456789abcdef".to_string(),
            sha256: sha.repeat(64),
        }
    }

    #[test]
    fn a_stored_package_gives_each_table_its_rows_with_the_centre_seq() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let staged = store
            .stage_package(&TERM, "S1", &id("a"), 42, &package())
            .unwrap();
        // Nothing is visible before it is published.
        let read = |columns| {
            store
                .read_tables(
                    &[
                        (Table::Roster, columns),
                        (Table::Events, columns),
                        (Table::Route, columns),
                    ],
                    Some(&TERM),
                    Some(&["S1".to_string()]),
                )
                .unwrap()
        };
        assert!(read(Columns::All).iter().all(Option::is_none));
        store.publish(staged).unwrap();
        let [roster, events, route] = <[_; 3]>::try_from(read(Columns::All)).unwrap();
        let roster = roster.unwrap();
        assert_eq!(
            roster.get_column_names(),
            ["id", "seq", "school_code"],
            "the table's own and source columns in the package's order, no tagging columns"
        );
        assert_eq!(
            roster.column("seq").unwrap().u64().unwrap().get(1),
            Some(42)
        );
        assert_eq!(roster.height(), 2);
        let events = events.unwrap();
        assert_eq!(
            events.get_column_names(),
            ["seq", "school_code", "event_id"]
        );
        assert_eq!(
            events.column("event_id").unwrap().str().unwrap().get(0),
            Some("e1")
        );
        assert!(route.is_none(), "a table without rows is not read");
        // A read of some columns keeps the package's order too.
        let [roster, ..] = <[_; 3]>::try_from(read(Columns::Only(&["school_code", "id"]))).unwrap();
        assert_eq!(roster.unwrap().get_column_names(), ["id", "school_code"]);
    }

    #[test]
    fn each_table_s_rows_are_found_in_one_pass_however_they_are_listed() {
        let kinds = StringChunked::new(
            "table".into(),
            [
                Some("roster"),
                Some("roster"),
                None,
                Some("events"),
                Some("roster"),
                Some("unknown"),
                Some("events"),
                Some("events"),
            ],
        );
        let wanted = [
            (Table::Events, Columns::All),
            (Table::Route, Columns::All),
            (Table::Roster, Columns::All),
        ];
        assert_eq!(
            runs_of_tables(&kinds, &wanted),
            [vec![(3, 1), (6, 2)], vec![], vec![(0, 2), (4, 1)]],
            "runs in order, a row of no wanted table (or none) in none"
        );
    }

    #[test]
    fn recovery_keeps_the_committed_package_and_removes_staged_and_uncommitted_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let committed = store
            .stage_package(&TERM, "S1", &id("a"), 3, &package())
            .unwrap();
        let kept = committed.files[0].1.clone();
        store.publish(committed).unwrap();
        // A crash after publishing the replacement, before its log line...
        let replacement = store
            .stage_package(&TERM, "S1", &id("b"), 4, &package())
            .unwrap();
        let uncommitted = replacement.files[0].1.clone();
        store.publish(replacement).unwrap();
        // ...and one while a third was still being staged.
        let staged = store
            .stage_package(&TERM, "S1", &id("c"), 5, &package())
            .unwrap();
        let current = HashMap::from([(id("a").key_id, id("a").sha256)]);
        assert_eq!(store.recover(&current).unwrap(), 2);
        assert!(kept.exists());
        assert!(!uncommitted.exists());
        assert!(!staged.files[0].0.exists());
        assert_eq!(store.schools_in(&TERM).unwrap(), ["S1"]);
    }
}
