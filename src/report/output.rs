//! The files of a report: a term's CSV, Parquet, workbooks and PDFs for a school workspace,
//! the centre's outputs, and individual cards, each written atomically.

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use anyhow::Context as _;

use super::model::{ReportModel, School};
use super::region::Region;
use super::render::Renderer;
use super::render::csv::{self, LongText};
use super::render::pdf::{self, Pdf, font::Fonts};
use super::render::xlsx::Xlsx;
use super::view::card;
use super::view::{centre, school};
use super::{region_pages, region_sheets};
use crate::config::Config;
use crate::definitions::Definitions;
use crate::schema::Term;
use crate::store::Store;

/// Writes the outputs of a term into `reports/<term>/`: the term's tables, and the workbook
/// and PDF of every school of the model, or only of `schools` (a school's reports show its
/// own data only, so new data of a few schools changes only theirs); returns the files.
/// With `text`, `indicators.csv` is written from the text kept there (`watch`).
pub fn write_term(
    reports: &Path,
    model: &ReportModel,
    fonts: &Fonts,
    schools: Option<&BTreeSet<String>>,
    text: Option<&mut LongText>,
) -> anyhow::Result<Vec<PathBuf>> {
    let dir = term_dir(reports, &model.term);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("не удалось создать {}", dir.display()))?;
    // The term's tables are jobs like the schools, first in the list: written one after
    // another before the schools, they kept one core busy and the other idle for about
    // half a second a term (indicators.csv of 300 schools is 50 MB). When only the schools
    // whose data came are rewritten (`run` after an ingest, `watch`), what their senders
    // wait for comes first: indicators.csv and those schools' reports, then the other
    // tables (the Parquet copy of indicators.csv took a core for 0.3 s of each `watch`
    // batch of 300 schools, with the school's PDF waiting behind it).
    let tables: &[TermTable] = if model.only_school.is_none() {
        &TermTable::ALL
    } else {
        &[]
    };
    let chosen = model
        .schools
        .iter()
        .filter(|s| schools.is_none_or(|set| set.contains(&s.code)))
        .map(Job::School);
    let first = if schools.is_some() {
        tables.len().min(1)
    } else {
        tables.len()
    };
    let jobs: Vec<Job> = tables[..first]
        .iter()
        .map(|table| Job::Table(*table))
        .chain(chosen)
        .chain(tables[first..].iter().map(|table| Job::Table(*table)))
        .collect();
    // Only the job that writes indicators.csv takes it.
    let text = text.map(Mutex::new);
    let progress = Mutex::new(crate::progress::Progress::new(
        jobs.len() - tables.len(),
        ["отчёта школ", "отчётов школ"],
    ));
    // Each school's document is built once, and its workbook and PDF rendered from it and
    // written, on every core, one school per thread at a time. A PDF's bytes depend on its
    // content only: printpdf's process-wide counter names nothing left in the file (fonts
    // get fixed names, the trailer ID is a digest, `render::pdf::layout::content_id`), so
    // which thread takes which school changes no byte.
    let files = crate::parallel::map(&jobs, |job| -> anyhow::Result<Vec<PathBuf>> {
        match job {
            Job::Table(table) => {
                let path = dir.join(table.file_name());
                match (table, &text) {
                    (TermTable::Indicators, Some(text)) => {
                        let mut text = text.lock().unwrap_or_else(PoisonError::into_inner);
                        crate::atomic::write_with(&path, |out| text.write(&model.indicators, out))?;
                    }
                    _ => crate::atomic::write(&path, &table.bytes(model)?)?,
                }
                Ok(vec![path])
            }
            Job::School(school) => {
                let document = school::document(model, school);
                let workbook = dir.join(format!("{}.xlsx", school.code));
                crate::atomic::write(&workbook, &Xlsx.render(&document)?)?;
                let printed = dir.join(format!("{}.pdf", school.code));
                crate::atomic::write(&printed, &Pdf { fonts }.render(&document)?)?;
                if let Ok(mut progress) = progress.lock() {
                    progress.step();
                }
                Ok(vec![workbook, printed])
            }
        }
    });
    let mut written = Vec::new();
    for paths in files {
        written.extend(paths?);
    }
    Ok(written)
}

/// The term's tables beside the schools' reports.
#[derive(Clone, Copy)]
enum TermTable {
    Indicators,
    IndicatorsParquet,
    Groups,
    Changes,
    Trend,
    IngestLog,
}

impl TermTable {
    /// Every table, in the order they are listed among the written files; indicators.csv
    /// first ([`write_term`] may write it alone before the schools' reports).
    const ALL: [TermTable; 6] = [
        TermTable::Indicators,
        TermTable::IndicatorsParquet,
        TermTable::Groups,
        TermTable::Changes,
        TermTable::Trend,
        TermTable::IngestLog,
    ];

    fn file_name(self) -> &'static str {
        match self {
            TermTable::Indicators => "indicators.csv",
            TermTable::IndicatorsParquet => "indicators.parquet",
            TermTable::Groups => "groups.csv",
            TermTable::Changes => "changes.csv",
            TermTable::Trend => "trend.csv",
            TermTable::IngestLog => "ingest-log.csv",
        }
    }

    fn bytes(self, model: &ReportModel) -> anyhow::Result<Vec<u8>> {
        match self {
            TermTable::Indicators => csv::frame_to_csv(&model.indicators),
            TermTable::IndicatorsParquet => csv::frame_to_parquet(&model.indicators),
            TermTable::Groups => csv::frame_to_csv(&model.groups),
            TermTable::Changes => csv::frame_to_csv(&model.changes),
            TermTable::Trend => csv::frame_to_csv(&model.trend_table()?),
            TermTable::IngestLog => csv::entries_to_csv(&model.log),
        }
    }
}

/// A file [`write_term`] writes: one of the term's tables, or a school's workbook and PDF.
enum Job<'a> {
    Table(TermTable),
    School(&'a School),
}

/// Writes a centre's outputs of a term: no person rows, file names (which often carry a
/// teacher's name) replaced by their content hash. Small cells are not in the model at all
/// (`ReportModel::small_cell`), so no output has to leave them out.
pub fn write_centre(
    reports: &Path,
    model: &ReportModel,
    view: &centre::CentreView,
    fonts: &Fonts,
) -> anyhow::Result<Vec<PathBuf>> {
    let dir = term_dir(reports, &model.term);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("не удалось создать {}", dir.display()))?;
    let log: Vec<_> = model
        .log
        .iter()
        .cloned()
        .map(|mut e| {
            e.file = format!("файл {}", &e.sha256[..12.min(e.sha256.len())]);
            e.moved_to = String::new();
            e
        })
        .collect();
    // Two outputs are made at a time, whatever the cores, each written before the thread
    // takes the next, and the CSV tables stream to their files: at a country's scale the
    // tables hold millions of rows, and all six at once were most of the peak memory. The
    // PDF, the longest, goes first.
    let region = Region::new(model, view);
    let mut region_sections = region_pages::pages(model, view, &region);
    region_sections.extend(region_sheets::sheets(model, view, &region));
    let document = centre::document(
        model,
        view,
        region_pages::completeness(&region),
        region_sections,
    );
    type Render<'a> = Box<dyn Fn(&mut dyn Write) -> anyhow::Result<()> + Sync + 'a>;
    let outputs: [(&str, Render); 6] = [
        (
            "centre.pdf",
            Box::new(|out| Ok(out.write_all(&Pdf { fonts }.render(&document)?)?)),
        ),
        (
            "changes.csv",
            Box::new(|out| csv::write_frame(&model.changes, out)),
        ),
        (
            "indicators.csv",
            Box::new(|out| csv::write_frame(&model.indicators, out)),
        ),
        (
            "centre.xlsx",
            Box::new(|out| Ok(out.write_all(&Xlsx.render(&document)?)?)),
        ),
        (
            "indicators.parquet",
            Box::new(|out| Ok(out.write_all(&csv::frame_to_parquet(&model.indicators)?)?)),
        ),
        (
            "ingest-log.csv",
            Box::new(|out| Ok(out.write_all(&csv::entries_to_csv(&log)?)?)),
        ),
    ];
    crate::parallel::map_on(2, &outputs, |(name, render)| {
        let path = dir.join(name);
        crate::atomic::write_with(&path, render)?;
        Ok(path)
    })
    .into_iter()
    .collect()
}

/// Writes the cards `selection` asks for, of the schools of `model`; returns the files.
pub fn write_cards(
    reports: &Path,
    model: &ReportModel,
    store: &Store,
    config: &Config,
    definitions: &Definitions,
    fonts: &Fonts,
    selection: &card::Selection,
) -> anyhow::Result<Vec<PathBuf>> {
    let root = term_dir(reports, &model.term).join("cards");
    let mut written = Vec::new();
    for school in model
        .schools
        .iter()
        .filter(|s| selection.school.as_deref().is_none_or(|c| c == s.code))
    {
        let details = card::Details::load(store, config, definitions, model, school)?;
        let chosen: Vec<&card::Person> = details
            .people
            .iter()
            .filter(|p| p.role != "тьютор" && selection.wants(p))
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let dir = root.join(card::safe_name(&school.code));
        // Cards render on every core: a PDF's bytes depend on its content only
        // (`layout::content_id`). Each card is laid out once; its pages go into its own file
        // and into its tutor's.
        let progress = Mutex::new(crate::progress::Progress::new(
            chosen.len(),
            ["индивидуальной карточки", "индивидуальных карточек"],
        ));
        let cards = crate::parallel::map(
            &chosen,
            |person| -> anyhow::Result<(PathBuf, pdf::card::Laid)> {
                let card = details.card(person, definitions);
                let laid = pdf::card::lay_out(&card, fonts);
                let folder = if person.role == "обучающийся" && !person.class.trim().is_empty()
                {
                    person.class.trim().to_string()
                } else {
                    card::role_folder(&person.role)
                };
                let path = dir
                    .join(card::safe_name(&folder))
                    .join(card::file_name(person));
                write_file(
                    &path,
                    &pdf::card::save(model.generated_at, fonts, &card.title(), vec![laid.clone()]),
                )?;
                if let Ok(mut progress) = progress.lock() {
                    progress.step();
                }
                Ok((path, laid))
            },
        );
        let mut pages: HashMap<&str, pdf::card::Laid> = HashMap::new();
        for (person, card) in chosen.iter().zip(cards) {
            let (path, laid) = card?;
            written.push(path);
            pages.insert(person.id.as_str(), laid);
        }
        if selection.bundles() {
            let tutors: Vec<&card::Person> = details
                .people
                .iter()
                .filter(|p| {
                    p.role == "тьютор" && selection.tutor.as_deref().is_none_or(|t| t == p.id)
                })
                .collect();
            let bundles =
                crate::parallel::map(&tutors, |tutor| -> anyhow::Result<Option<PathBuf>> {
                    let parts: Vec<_> = chosen
                        .iter()
                        .filter(|p| p.tutor_id == tutor.id)
                        .filter_map(|p| pages.get(p.id.as_str()).cloned())
                        .collect();
                    if parts.is_empty() {
                        return Ok(None);
                    }
                    let title = format!(
                        "Карточки тьюторантов: {}, {}",
                        tutor.full_name,
                        model.term.russian()
                    );
                    let path = dir.join("по тьюторам").join(card::file_name(tutor));
                    write_file(
                        &path,
                        &pdf::card::save(model.generated_at, fonts, &title, parts),
                    )?;
                    Ok(Some(path))
                });
            for bundle in bundles {
                written.extend(bundle?);
            }
        }
    }
    Ok(written)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("не удалось создать {}", dir.display()))?;
    }
    crate::atomic::write(path, bytes)
}

/// `reports/2025-2026-Q1/`.
pub fn term_dir(reports: &Path, term: &Term) -> PathBuf {
    reports.join(term.slug())
}
