//! The centre workbook's sheets about the region (#18) as document sections, built from
//! [`Region`]: reporting by municipality with its chart and the missing and late schools,
//! every school's place in each key indicator, the weakest schools, the spread of schools
//! by municipality, the municipalities over the year's terms and the deficit topics. The
//! printed pages ([`super::region_pages`]) show the same figures; a sheet holds each as a
//! number of its own, so it can be sorted and filtered. Every figure is a [`Shown`] of the
//! suppressed model, so a withheld one is at most its mark.

use super::document::{Block, Cell, Column, Place, Section, Table};
use super::model::ReportModel;
use super::region::{Distribution, Quartiles, Region, WEAKEST, year_change};
use super::region_pages::{completeness_chart, completeness_list};
use super::view::centre::{CentreView, Shown, change_unit, school_cell, shown};
use crate::schema::{Indicator, Unit};

/// The workbook's region sheets, in the order they follow the centre's other sheets.
pub fn sheets(model: &ReportModel, view: &CentreView, region: &Region) -> Vec<Section> {
    vec![
        completeness(region),
        ranks(model, view, region),
        weakest(model, region),
        spread(region),
        trend(model, view, region),
        deficits(model, view, region),
    ]
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn count(n: usize) -> Cell {
    Cell::Value(Some(n as f64), Unit::Count)
}

/// A table with these headers (a sheet sizes its columns itself).
fn table(headers: impl IntoIterator<Item = String>) -> Table {
    Table::new(headers.into_iter().map(|h| Column::new(h, 1.0)).collect())
}

/// «Регион» for the region's row (an empty municipality).
fn unit_name(municipality: &str) -> String {
    if municipality.is_empty() {
        "Регион".into()
    } else {
        municipality.to_string()
    }
}

/// «Сдача по муниципалитетам»: the register's schools by municipality in numbers and as a
/// stacked bar chart, then the schools missing forms or late.
fn completeness(region: &Region) -> Section {
    let mut by = table(
        [
            "Муниципалитет",
            "Школ в реестре",
            "Сдали всё в срок",
            "Сдали всё позже срока",
            "Сдали не всё или ничего",
            "Примечание",
        ]
        .map(String::from),
    );
    for c in &region.completeness {
        by.rows.push(vec![
            text(&c.municipality),
            count(c.on_time + c.late + c.missing),
            count(c.on_time),
            count(c.late),
            count(c.missing),
            text(if c.none_reporting() {
                "ни одна школа не сдала данные"
            } else {
                ""
            }),
        ]);
    }
    let mut section = Section::new(Place::Workbook, "Сдача форм по муниципалитетам")
        .sheet("Сдача по муниципалитетам")
        .with(Block::Table(by));
    if !region.completeness.is_empty() {
        section = section.with(Block::Chart(completeness_chart(region)));
    }
    section
        .with(Block::Subheading("Не сдали и сдали позже срока".into()))
        .with(Block::Table(completeness_list(region)))
}

/// The header of a distribution's rank column: `Посещаемость: место (из 3)`.
pub fn rank_header(d: &Distribution) -> String {
    format!("{}: место (из {})", d.title, d.ranked.len())
}

/// «Места школ»: every registered school's figure and rank in each key indicator.
fn ranks(model: &ReportModel, view: &CentreView, region: &Region) -> Section {
    let mut headers: Vec<String> = ["Муниципалитет", "Код ОО", "Наименование ОО"]
        .map(String::from)
        .to_vec();
    for d in &region.distributions {
        headers.push(d.title.clone());
        headers.push(rank_header(d));
    }
    let mut places = table(headers);
    for r in &view.reporting {
        let s = &r.school;
        let mut cells = vec![text(&s.municipality), text(&s.code), text(&s.name)];
        for d in &region.distributions {
            cells.push(shown(
                school_cell(model, &s.code, d.indicator, &d.group),
                d.indicator,
            ));
            cells.push(Cell::Value(
                d.rank_of(&s.code).map(|r| r as f64),
                Unit::Count,
            ));
        }
        places.rows.push(cells);
    }
    Section::new(
        Place::Workbook,
        "Места школ по ключевым показателям (1 — лучшее)",
    )
    .sheet("Места школ")
    .with(Block::Table(places))
}

/// «Слабейшие школы»: each key indicator's weakest schools with their rank and change.
fn weakest(model: &ReportModel, region: &Region) -> Section {
    let mut list = table(
        [
            "Показатель",
            "Место",
            "Из",
            "Код ОО",
            "Наименование ОО",
            "Муниципалитет",
            "Значение",
            "Изменение",
        ]
        .map(String::from),
    );
    for d in &region.distributions {
        for w in d.weakest() {
            let change = model
                .previous(&w.school.code, d.indicator, &d.group)
                .map(|p| w.value - p);
            list.rows.push(vec![
                text(&d.title),
                count(w.rank),
                count(d.ranked.len()),
                text(&w.school.code),
                text(&w.school.name),
                text(&w.school.municipality),
                Cell::Value(Some(w.value), d.indicator.unit()),
                Cell::Value(change, change_unit(d.indicator)),
            ]);
        }
    }
    Section::new(
        Place::Workbook,
        format!("Слабейшие школы: до {WEAKEST} по каждому показателю (место 1 — лучшее)"),
    )
    .sheet("Слабейшие школы")
    .with(Block::Table(list))
}

/// The five numbers of a spread in the indicator's unit, empty without schools.
fn quartile_cells(q: Option<Quartiles>, indicator: Indicator) -> Vec<Cell> {
    let q = [
        q.map(|q| q.min),
        q.map(|q| q.q1),
        q.map(|q| q.median),
        q.map(|q| q.q3),
        q.map(|q| q.max),
    ];
    q.into_iter()
        .map(|v| Cell::Value(v, indicator.unit()))
        .collect()
}

/// «Разброс школ»: each key indicator's schools by municipality and in the region in five
/// numbers, with the unit's pooled figure.
fn spread(region: &Region) -> Section {
    let mut spreads = table(
        [
            "Показатель",
            "Муниципалитет",
            "Школ с показателем",
            "Минимум",
            "Нижний квартиль",
            "Медиана",
            "Верхний квартиль",
            "Максимум",
            "Муниципалитет в целом",
        ]
        .map(String::from),
    );
    for d in &region.distributions {
        for m in &d.municipalities {
            let mut cells = vec![text(&d.title), text(&m.municipality), count(m.values.len())];
            cells.extend(quartile_cells(m.quartiles(), d.indicator));
            cells.push(shown(m.unit, d.indicator));
            spreads.rows.push(cells);
        }
        let mut all: Vec<f64> = d.ranked.iter().map(|r| r.value).collect();
        all.sort_by(f64::total_cmp);
        let mut cells = vec![text(&d.title), text(unit_name("")), count(all.len())];
        cells.extend(quartile_cells(Quartiles::of(&all), d.indicator));
        cells.push(shown(d.region, d.indicator));
        spreads.rows.push(cells);
    }
    Section::new(Place::Workbook, "Разброс школ по муниципалитетам")
        .sheet("Разброс школ")
        .with(Block::Table(spreads))
}

/// «Динамика муниципалитетов»: each municipality's and the region's key figures in every
/// term of the school year, a term without a figure empty, and the change from the first
/// term with a figure to the last.
fn trend(model: &ReportModel, view: &CentreView, region: &Region) -> Section {
    let mut headers: Vec<String> = ["Муниципалитет", "Показатель"].map(String::from).to_vec();
    headers.extend(
        model
            .trend_terms
            .iter()
            .map(|t| t.period.russian().to_string()),
    );
    headers.push("Изменение за год".into());
    let mut terms = table(headers);
    let region_trend: Vec<Vec<Option<f64>>> = view
        .columns
        .iter()
        .map(|(_, ind, g)| model.unit_trend_of("", ind.code(), g))
        .collect();
    let units = region
        .municipalities
        .iter()
        .map(|p| (p.municipality.as_str(), &p.trend))
        .chain(std::iter::once(("", &region_trend)));
    for (m, trend) in units {
        for ((title, ind, _), values) in view.columns.iter().zip(trend) {
            let mut cells = vec![text(unit_name(m)), text(title)];
            cells.extend(values.iter().map(|v| Cell::Value(*v, ind.unit())));
            cells.push(Cell::Value(year_change(values), change_unit(*ind)));
            terms.rows.push(cells);
        }
    }
    Section::new(
        Place::Workbook,
        format!(
            "Муниципалитеты и регион за учебный год {}/{}",
            model.term.year,
            model.term.year + 1
        ),
    )
    .sheet("Динамика муниципалитетов")
    .with(Block::Table(terms))
}

/// «Дефициты»: the topics with the largest shares of participants with a deficit, in the
/// region and in each municipality.
fn deficits(model: &ReportModel, view: &CentreView, region: &Region) -> Section {
    let mut headers: Vec<String> = ["Тема", "Диагностика", "Регион"].map(String::from).to_vec();
    headers.extend(view.municipalities.iter().cloned());
    let mut topics = table(headers);
    for d in &region.deficits {
        let diagnostic = d.group.rsplit_once('/').map_or("", |(dw, _)| dw);
        let mut cells = vec![
            text(&d.topic),
            text(model.words.path(diagnostic)),
            shown(Shown::Value(d.region), Indicator::DDeficitPct),
        ];
        cells.extend(
            d.municipalities
                .iter()
                .map(|s| shown(*s, Indicator::DDeficitPct)),
        );
        topics.rows.push(cells);
    }
    Section::new(
        Place::Workbook,
        "Темы с наибольшей долей участников с дефицитом",
    )
    .sheet("Дефициты")
    .with(Block::Table(topics))
}
