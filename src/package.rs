//! The school's package for the centre (`tutorstat export`): one Parquet file per school and
//! term holding the term's store records (and the school year's roster), pseudonymised:
//! person IDs are keyed hashes, names and free text are gone. Format version 1:
//! one row per record, a `table` column naming the store table it belongs to, a
//! `package_version` column, and the store columns of that table (absent ones null).

use std::io::Cursor;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::prelude::{ParquetCompression, ParquetReader, ParquetWriter};

use crate::config::Config;
use crate::definitions::{Definitions, Scale};
use crate::schema::Table;
use crate::schema::column::{SCHOOL_CODE, TERM};
use crate::schema::{Period, Term};
use crate::store::Store;

/// The package format's version, in every row's `package_version`.
pub const VERSION: i32 = 1;

/// Item codes of free-text questionnaire items, of every known version: their answers never
/// leave the school.
pub fn text_items(definitions: &Definitions) -> Vec<String> {
    definitions
        .every_version()
        .flat_map(|q| {
            q.items
                .iter()
                .filter(|i| i.scale == Scale::Text)
                .map(|i| i.code.clone())
        })
        .collect()
}

/// The packages of a term: (school code, Parquet bytes) per school with data.
pub fn build(
    store: &Store,
    config: &Config,
    definitions: &Definitions,
    term: &Term,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let key = config.pseudonym_key()?;
    let text = text_items(definitions);
    let mut by_school: std::collections::BTreeMap<String, Vec<LazyFrame>> = Default::default();
    for table in Table::ALL {
        // The roster belongs to the school year: it travels with every term's package.
        let terms: Vec<Term> = if table == Table::Roster {
            Period::ALL
                .iter()
                .map(|p| Term {
                    year: term.year,
                    period: *p,
                })
                .collect()
        } else {
            vec![*term]
        };
        for t in terms {
            // Each school's rows from its own partition: filtering the whole table once per
            // school made export quadratic (1 000 schools took many minutes).
            for school in store.schools(table, &t)? {
                let Some(rows) =
                    store.read(table, Some(&t), Some(std::slice::from_ref(&school)))?
                else {
                    continue;
                };
                let hidden = crate::privacy::pseudonymise(table, rows, key, &text)?;
                let tagged = hidden.lazy().with_columns([
                    lit(table.code()).alias("table"),
                    lit(VERSION).alias("package_version"),
                ]);
                by_school.entry(school).or_default().push(tagged);
            }
        }
    }
    let mut packages = Vec::new();
    for (school, frames) in by_school {
        let mut df = concat(
            frames,
            UnionArgs {
                diagonal: true,
                to_supertypes: true,
                ..Default::default()
            },
        )?
        .collect()?;
        let mut bytes = Vec::new();
        // LZ4, as the store: a centre reading tens of thousands of packages spent a tenth of
        // its ingest setting up zstd decoders.
        ParquetWriter::new(&mut bytes)
            .with_compression(ParquetCompression::Lz4Raw)
            .finish(&mut df)?;
        packages.push((school, bytes));
    }
    Ok(packages)
}

/// A package read back and checked at the centre: the centre stores it as it is
/// ([`Store::stage_package`]).
pub struct Package {
    /// The school's code.
    pub school: String,
    /// The term the package is of.
    pub term: Term,
    /// Records in all its tables.
    pub rows: usize,
}

/// Why a file is not a package this program can read; the message is for the centre's
/// methodologist.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// Not a Parquet file at all.
    #[error("файл .parquet повреждён или это не пакет tutorstat")]
    Damaged,
    /// A Parquet file without the `table` column every package carries.
    #[error(
        "в файле .parquet нет столбца «table»: это не пакет tutorstat (пакет делается командой tutorstat export)"
    )]
    NotAPackage,
    /// A column every package carries is missing.
    #[error("в пакете нет столбца «{0}»: это не пакет tutorstat")]
    MissingColumn(String),
    /// A column that must hold text does not.
    #[error("столбец «{0}» пакета не текстовый")]
    NotText(String),
    /// No `package_version`.
    #[error("в пакете нет версии формата (package_version)")]
    NoVersion,
    /// A format version this program does not read.
    #[error("пакет версии {found}, а программа читает версию {expected}: обновите tutorstat", expected = VERSION)]
    Version {
        /// The package's version.
        found: i32,
    },
    /// Records of several schools (or of none) in one package.
    #[error("в пакете данные нескольких школ ({}): один пакет — одна школа", .0.join(", "))]
    SeveralSchools(Vec<String>),
    /// A school code that could not be a folder name.
    #[error(
        "код школы в пакете «{0}» недопустим: только буквы, цифры, дефис, подчёркивание и точка"
    )]
    SchoolCode(String),
    /// No readable term.
    #[error("в пакете нет периода")]
    NoTerm,
    /// The package's frame could not be taken apart.
    #[error(transparent)]
    Frame(#[from] PolarsError),
}

/// Reads and checks a package, every column decoded (a damaged page is found here, not by
/// a report); the error says what is wrong, in Russian.
pub fn read(bytes: &[u8]) -> Result<Package, PackageError> {
    // One thread a package: packages are read on every core already.
    let df = ParquetReader::new(Cursor::new(bytes))
        .read_parallel(ParallelStrategy::None)
        .finish()
        .map_err(|_| PackageError::Damaged)?;
    if df.column("table").is_err() {
        return Err(PackageError::NotAPackage);
    }
    let text = |name: &str| -> Result<Vec<String>, PackageError> {
        let column = df
            .column(name)
            .map_err(|_| PackageError::MissingColumn(name.to_string()))?;
        let values = column
            .str()
            .map_err(|_| PackageError::NotText(name.to_string()))?;
        Ok(values
            .unique()?
            .iter()
            .flatten()
            .map(String::from)
            .collect())
    };
    let version = df
        .column("package_version")
        .ok()
        .and_then(|c| c.i32().ok())
        .and_then(|v| v.max())
        .ok_or(PackageError::NoVersion)?;
    if version != VERSION {
        return Err(PackageError::Version { found: version });
    }
    let schools = text(SCHOOL_CODE)?;
    let [school] = schools.as_slice() else {
        return Err(PackageError::SeveralSchools(schools));
    };
    if !crate::forms::passport::is_valid_school_code(school) {
        return Err(PackageError::SchoolCode(school.clone()));
    }
    let terms: Vec<Term> = text(TERM)?.iter().filter_map(|t| Term::parse(t)).collect();
    // The roster may come from an earlier term of the year: the package's term is the latest.
    let term = terms
        .iter()
        .copied()
        .max_by_key(Term::end)
        .ok_or(PackageError::NoTerm)?;
    Ok(Package {
        school: school.clone(),
        term,
        rows: df.height(),
    })
}
