//! Author clashes: warnings when a file's records meet another author's. Two authors may
//! send records about the same persons (the later file wins, and says so), or one journal
//! may arrive twice under two spellings of `Заполнил` (every event would count twice).
//! Both read the store as it stands before the file is committed.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::PlHashSet;

use crate::forms::{FormKind, Passport, TableFrame};
use crate::problem::Problems;
use crate::schema::Table;
use crate::store::{Columns, Store};

/// Whether a stored row's author is another than `filled_by` (an identity, see
/// [`crate::author::identity`]), worked out once for each run of rows with one author: a
/// store file's rows share theirs, and folding every row's name was most of these checks.
fn other_author<'a>(filled_by: &str) -> impl FnMut(&'a str) -> bool + use<'a, '_> {
    let mut last: Option<(&'a str, bool)> = None;
    move |author| match last {
        Some((seen, other)) if seen == author => other,
        _ => {
            let other = crate::author::identity(author) != filled_by;
            last = Some((author, other));
            other
        }
    }
}

/// Warns when another author's file already holds records for the same persons (same
/// school, term, form, instrument and wave): this file, arriving later, wins (workflow.md).
pub(super) fn warn_about_other_authors(
    store: &Store,
    passport: &Passport,
    tables: &[TableFrame],
    problems: &mut Problems,
) -> anyhow::Result<()> {
    for t in tables {
        let Some(person) = t.table.person_column() else {
            continue;
        };
        let columns = ["author", "instrument", "wave", "source_file", person];
        let Some(existing) = store.read_columns(
            t.table,
            Some(&passport.term),
            Some(std::slice::from_ref(&passport.school_code)),
            Columns::Only(&columns),
        )?
        else {
            continue;
        };
        let new_ids: PlHashSet<&str> = t.frame.column(person)?.str()?.iter().flatten().collect();
        let instrument = passport
            .questionnaire
            .clone()
            .or_else(|| passport.diagnostic.clone())
            .unwrap_or_default();
        let wave = passport.wave.map(|w| w.code()).unwrap_or_default();
        let authors = existing.column("author")?.str()?;
        let instruments = existing.column("instrument")?.str()?;
        let waves = existing.column("wave")?.str()?;
        let files = existing.column("source_file")?.str()?;
        let ids = existing.column(person)?.str()?;
        let mut clashes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        let mut is_other = other_author(&passport.filled_by);
        for i in 0..existing.height() {
            let other_author = authors.get(i).is_some_and(&mut is_other);
            let same_instrument =
                instruments.get(i) == Some(instrument.as_str()) && waves.get(i) == Some(wave);
            if let (true, true, Some(id), Some(file)) =
                (other_author, same_instrument, ids.get(i), files.get(i))
                && new_ids.contains(id)
            {
                clashes.entry(file).or_default().insert(id);
            }
        }
        for (file, ids) in clashes {
            let list: Vec<&str> = ids.iter().take(10).copied().collect();
            let more = if ids.len() > 10 {
                format!(" и ещё {}", ids.len() - 10)
            } else {
                String::new()
            };
            problems.warning(
                "",
                None,
                "",
                format!("записи об участниках {}{more} уже пришли в файле «{file}» другого автора; в расчётах учитывается этот файл как более поздний", list.join(", ")),
            );
        }
    }
    Ok(())
}

/// Share of a journal's events and of its marks that, both, must equal another author's
/// for the two files to look like one journal sent twice.
const SAME_JOURNAL_SHARE: f64 = 0.5;

/// Warns when another author's journal of the same school and term holds mostly the same
/// events (code and date, kind, topic) and the same persons' marks: most likely one journal
/// sent twice under two different names in `Заполнил`, which would count every event twice.
pub(super) fn warn_about_one_journal_twice(
    store: &Store,
    passport: &Passport,
    file: &str,
    tables: &[TableFrame],
    problems: &mut Problems,
) -> anyhow::Result<()> {
    if passport.form != FormKind::Attendance {
        return Ok(());
    }
    // Per other author's file: (its events matched, its marks matched).
    let mut matched: BTreeMap<(String, String), [usize; 2]> = BTreeMap::new();
    let mut totals = [0usize; 2];
    for (slot, table) in [Table::Events, Table::Attendance].into_iter().enumerate() {
        let Some(new) = tables.iter().find(|t| t.table == table) else {
            continue;
        };
        let columns = ["author", "source_file", "_key", "_digest"];
        // Read first: a school's first journal of the term (most of a region's) meets no
        // stored rows, and its records need no set (a total without matches warns of nothing).
        let Some(existing) = store.read_columns(
            table,
            Some(&passport.term),
            Some(std::slice::from_ref(&passport.school_code)),
            Columns::Only(&columns),
        )?
        else {
            continue;
        };
        let records: PlHashSet<(&str, &str)> = new
            .frame
            .column("_key")?
            .str()?
            .iter()
            .zip(new.frame.column("_digest")?.str()?.iter())
            .filter_map(|(k, d)| Some((k?, d?)))
            .collect();
        totals[slot] = records.len();
        let (authors, files) = (
            existing.column("author")?.str()?,
            existing.column("source_file")?.str()?,
        );
        let mut is_other = other_author(&passport.filled_by);
        let (keys, digests) = (
            existing.column("_key")?.str()?,
            existing.column("_digest")?.str()?,
        );
        for i in 0..existing.height() {
            let (Some(author), Some(file), Some(key), Some(digest)) =
                (authors.get(i), files.get(i), keys.get(i), digests.get(i))
            else {
                continue;
            };
            if is_other(author) && records.contains(&(key, digest)) {
                matched
                    .entry((file.to_string(), author.to_string()))
                    .or_default()[slot] += 1;
            }
        }
    }
    let strong =
        |count: usize, total: usize| total > 0 && count as f64 >= SAME_JOURNAL_SHARE * total as f64;
    for ((other, other_author), [events, marks]) in matched {
        if strong(events, totals[0]) && strong(marks, totals[1]) {
            problems.warning(
                "",
                None,
                "",
                format!(
                    "файлы «{file}» (автор «{}») и «{other}» (автор «{other_author}») похожи на один журнал, присланный дважды: совпадают {events} из {} {} (код и дата) и {marks} из {} {}. Если это один журнал, в «Заполнил» должен стоять один автор, иначе события посчитаются дважды",
                    passport.filled_by_text,
                    totals[0],
                    crate::russian::noun(totals[0] as u64, "события", "событий", "событий"),
                    totals[1],
                    crate::russian::noun(totals[1] as u64, "отметки", "отметок", "отметок"),
                ),
            );
        }
    }
    Ok(())
}
