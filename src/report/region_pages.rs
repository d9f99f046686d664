//! The centre report's region sections (#18) as document sections, built from
//! [`Region`]: completeness by municipality with the missing and late schools, a page per
//! key indicator with its spread of schools and its weakest, the diagnostics' levels and
//! deficit topics, and a page per municipality. Printed only (the workbook's region sheets
//! are [`super::region_sheets`], which shares the completeness chart and list); every
//! figure is a [`Shown`] of the suppressed model, so a withheld one is at most its mark.

use super::document::{Block, Chart, ChartKind, Column, Place, Section, Style, Table};
use super::model::ReportModel;
use super::names;
use super::region::{
    Cell, Completeness, Distribution, MunicipalityPage, Region, WEAKEST, year_change,
};
use super::view::centre::{CentreView, Shown};
use crate::indicators::LEVELS;
use crate::schema::{Indicator, Unit};

fn text(s: impl Into<String>) -> super::document::Cell {
    super::document::Cell::Text(s.into())
}

/// A table of text cells with these (header, width) columns.
fn table(columns: &[(&str, f32)], rows: Vec<Vec<String>>) -> Table {
    let mut table = Table::new(columns.iter().map(|(h, w)| Column::new(*h, *w)).collect());
    table.rows = rows
        .into_iter()
        .map(|row| row.into_iter().map(text).collect())
        .collect();
    table
}

/// A cell as the centre shows it: the figure, its change in brackets.
fn cell_text(cell: &Cell, indicator: Indicator) -> String {
    match cell.change {
        Some(change) => format!(
            "{} ({})",
            cell.shown.text(indicator),
            names::change(indicator, change)
        ),
        None => cell.shown.text(indicator),
    }
}

/// «Полнота сдачи форм»: the schools by municipality as stacked rows, then the schools
/// missing forms or late.
pub fn completeness(region: &Region) -> Section {
    let by = &region.completeness;
    let registered: usize = by.iter().map(|c| c.on_time + c.late + c.missing).sum();
    let on_time: usize = by.iter().map(|c| c.on_time).sum();
    let late: usize = by.iter().map(|c| c.late).sum();
    let schools = crate::russian::noun(registered as u64, "школы", "школ", "школ");
    let said = format!(
        "Сдали все ожидаемые формы {} из {registered} {schools} реестра, из них позже срока — {late}.",
        on_time + late
    );
    Section::new(Place::Print, "Полнота сдачи форм")
        .on_new_page()
        .with(Block::Text(said, Style::Body))
        .with(Block::Chart(completeness_chart(region)))
        .with(Block::Subheading("Не сдали и сдали позже срока".into()))
        .with(Block::Table(completeness_list(region)))
}

/// The register's schools by municipality as stacked rows: on time, late, missing, each
/// row's note its number of schools or that none reported.
pub fn completeness_chart(region: &Region) -> Chart {
    let by = &region.completeness;
    let count = |f: fn(&Completeness) -> usize| -> Vec<Option<f64>> {
        by.iter().map(|c| Some(f(c) as f64)).collect()
    };
    Chart {
        kind: ChartKind::Stacked,
        title: "Школы по сдаче форм".into(),
        categories: by.iter().map(|c| c.municipality.clone()).collect(),
        series: vec![
            ("сдали все формы в срок".into(), count(|c| c.on_time)),
            ("сдали позже срока".into(), count(|c| c.late)),
            ("сдали не всё или ничего".into(), count(|c| c.missing)),
        ],
        reference: None,
        percent: false,
        notes: by
            .iter()
            .map(|c| {
                if c.none_reporting() {
                    "ни одна не сдала".into()
                } else {
                    format!("школ: {}", c.on_time + c.late + c.missing)
                }
            })
            .collect(),
    }
}

/// The schools missing forms or late, by municipality, a municipality where none reported
/// named as such.
pub fn completeness_list(region: &Region) -> Table {
    table(
        &[
            ("Муниципалитет", 34.0),
            ("Школа", 60.0),
            ("Код ОО", 18.0),
            ("Что не так", 62.0),
        ],
        region
            .completeness
            .iter()
            .flat_map(completeness_rows)
            .collect(),
    )
    .or_say("Все школы реестра сдали все формы в срок.", Style::Body)
}

/// The rows of a municipality in the list of missing and late schools.
fn completeness_rows(c: &Completeness) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    if c.none_reporting() {
        rows.push(vec![
            c.municipality.clone(),
            "ни одна школа муниципалитета не сдала данные".into(),
            String::new(),
            String::new(),
        ]);
    }
    for (school, forms) in &c.missing_schools {
        let what = if forms.is_empty() {
            "нет данных".to_string()
        } else {
            format!("не сданы: {}", forms.join("; "))
        };
        rows.push(vec![
            c.municipality.clone(),
            school.name.clone(),
            school.code.clone(),
            what,
        ]);
    }
    for (school, date) in &c.late_schools {
        rows.push(vec![
            c.municipality.clone(),
            school.name.clone(),
            school.code.clone(),
            format!("позже срока ({date})"),
        ]);
    }
    rows
}

/// The pages after the municipalities' table: a page per key indicator, the diagnostics,
/// a page per municipality.
pub fn pages(model: &ReportModel, view: &CentreView, region: &Region) -> Vec<Section> {
    let mut pages: Vec<Section> = region
        .distributions
        .iter()
        .map(|d| distribution(model, d))
        .collect();
    pages.extend(diagnostics(model, view, region));
    pages.extend(
        region
            .municipalities
            .iter()
            .map(|page| municipality(model, view, page)),
    );
    pages
}

/// «Распределение школ» of one key indicator: its spread by municipality and its weakest schools.
fn distribution(model: &ReportModel, d: &Distribution) -> Section {
    let mut note = format!(
        "Школ с показателем: {}. Точка — школа, прямоугольник — средние 50 % школ муниципалитета, черта в нём — медиана.",
        d.ranked.len()
    );
    if d.withheld > 0 {
        note.push_str(&format!(
            " У {} показатель скрыт: он описывает слишком мало человек.",
            names::number(d.withheld as f64, 0)
        ));
    }
    if !d.higher_better {
        note.push_str(" Чем выше значение, тем больше затруднений.");
    }
    let shown = |s: Shown| {
        if let Shown::Value(v) = s {
            Some(v)
        } else {
            None
        }
    };
    // The first series is each municipality's own figure, then one series per school rank
    // within its municipality (the renderer only needs each row's values).
    let most = d
        .municipalities
        .iter()
        .map(|m| m.values.len())
        .max()
        .unwrap_or(0);
    let mut series = vec![(
        "муниципалитет в целом".to_string(),
        d.municipalities.iter().map(|m| shown(m.unit)).collect(),
    )];
    series.extend((0..most).map(|k| {
        (
            "школа".to_string(),
            d.municipalities
                .iter()
                .map(|m| m.values.get(k).copied())
                .collect(),
        )
    }));
    let spread = Chart {
        kind: ChartKind::Spread,
        title: d.title.clone(),
        categories: d
            .municipalities
            .iter()
            .map(|m| m.municipality.clone())
            .collect(),
        series,
        reference: shown(d.region),
        percent: d.indicator.unit() == Unit::Percent,
        notes: Vec::new(),
    };
    let mut section = Section::new(Place::Print, "Распределение школ")
        .on_new_page()
        .with(Block::Text(d.title.clone(), Style::Strong))
        .with(Block::Text(note, Style::Note))
        .with(Block::Chart(spread));
    let weakest = d.weakest();
    if weakest.is_empty() {
        return section;
    }
    let which = if d.higher_better {
        "самыми низкими"
    } else {
        "самыми высокими"
    };
    let heading = format!(
        "{} {} с {which} значениями",
        weakest.len().min(WEAKEST),
        school_word(weakest.len())
    );
    let rows: Vec<Vec<String>> = weakest
        .iter()
        .map(|r| {
            let change = model
                .previous(&r.school.code, d.indicator, &d.group)
                .map(|p| names::change(d.indicator, r.value - p));
            vec![
                format!("{} из {}", r.rank, d.ranked.len()),
                r.school.name.clone(),
                r.school.code.clone(),
                r.school.municipality.clone(),
                names::value(d.indicator, r.value),
                change.unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let columns = [
        ("Место", 16.0),
        ("Школа", 58.0),
        ("Код ОО", 18.0),
        ("Муниципалитет", 36.0),
        ("Значение", 20.0),
        ("Изменение", 26.0),
    ];
    section = section
        .with(Block::Subheading(heading))
        .with(Block::Table(table(&columns, rows)));
    section
}

/// «школа», «школы», «школ» after a number.
fn school_word(n: usize) -> &'static str {
    crate::russian::noun(n as u64, "школа", "школы", "школ")
}

/// «Диагностика»: each diagnostic's levels by municipality, and the topics with the
/// largest shares of participants with a deficit in the region; none without either.
fn diagnostics(model: &ReportModel, view: &CentreView, region: &Region) -> Option<Section> {
    if region.levels.is_empty() && region.deficits.is_empty() {
        return None;
    }
    let mut section = Section::new(Place::Print, "Диагностика").on_new_page();
    for levels in &region.levels {
        let shown = |s: &Shown| {
            if let Shown::Value(v) = s {
                Some(*v)
            } else {
                None
            }
        };
        let chart = Chart {
            kind: ChartKind::Stacked,
            title: format!("Уровни результата: {}", model.words.path(&levels.group)),
            categories: levels
                .rows
                .iter()
                .map(|r| {
                    if r.municipality.is_empty() {
                        "Регион".to_string()
                    } else {
                        r.municipality.clone()
                    }
                })
                .collect(),
            series: LEVELS
                .iter()
                .enumerate()
                .map(|(k, level)| {
                    (
                        level.to_string(),
                        levels.rows.iter().map(|r| shown(&r.shares[k])).collect(),
                    )
                })
                .collect(),
            reference: None,
            percent: true,
            notes: levels
                .rows
                .iter()
                .map(
                    |r| match r.shares.iter().find(|s| !matches!(s, Shown::Value(_))) {
                        Some(Shown::Suppressed(_)) => "скрыто".into(),
                        Some(_) => "нет данных".into(),
                        None => String::new(),
                    },
                )
                .collect(),
        };
        section = section.with(Block::Chart(chart));
    }
    if region.deficits.is_empty() {
        return Some(section);
    }
    let rows: Vec<Vec<String>> = region
        .deficits
        .iter()
        .map(|d| {
            let diagnostic = d.group.rsplit_once('/').map_or("", |(dw, _)| dw);
            let mut most: Vec<(&String, f64)> = view
                .municipalities
                .iter()
                .zip(&d.municipalities)
                .filter_map(|(m, s)| {
                    if let Shown::Value(v) = s {
                        Some((m, *v))
                    } else {
                        None
                    }
                })
                .collect();
            most.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            let most: Vec<String> = most
                .iter()
                .take(3)
                .map(|(m, v)| format!("{m} — {}", names::value(Indicator::DDeficitPct, *v)))
                .collect();
            vec![
                d.topic.clone(),
                model.words.path(diagnostic),
                names::value(Indicator::DDeficitPct, d.region),
                most.join("; "),
            ]
        })
        .collect();
    let columns = [
        ("Тема", 50.0),
        ("Диагностика", 40.0),
        ("Регион", 18.0),
        ("Муниципалитеты с наибольшей долей", 70.0),
    ];
    Some(
        section
            .with(Block::Subheading("Темы с наибольшей долей участников с дефицитом".into()))
            .with(Block::Text(
                "Доля писавших диагностику, выполнивших задания темы меньше чем на 50 %: по ним муниципальное сообщество тьюторов планирует группы."
                    .into(),
                Style::Note,
            ))
            .with(Block::Table(table(&columns, rows))),
    )
}

/// A municipality's page: its schools' key figures with change and rank, the schools
/// flagged for support with the reasons, and the municipality over the year's terms
/// ([`year_chart`]).
fn municipality(model: &ReportModel, view: &CentreView, page: &MunicipalityPage) -> Section {
    let c = &page.completeness;
    let registered = c.on_time + c.late + c.missing;
    let said = if c.none_reporting() {
        format!(
            "Ни одна из {registered} {} реестра не сдала данные за {}.",
            crate::russian::noun(registered as u64, "школы", "школ", "школ"),
            model.term.russian()
        )
    } else {
        format!(
            "{} в реестре: сдали все формы в срок — {}, позже срока — {}, сдали не всё или ничего — {}.",
            crate::russian::plural(registered as u64, "школа", "школы", "школ"),
            c.on_time,
            c.late,
            c.missing
        )
    };
    let mut columns = vec![("Школа", 36.0)];
    columns.extend(view.columns.iter().map(|(t, _, _)| (t.as_str(), 20.0)));
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut unit_row = vec!["Муниципалитет в целом".to_string()];
    unit_row.extend(
        page.unit
            .iter()
            .zip(&view.columns)
            .map(|(cell, (_, indicator, _))| cell_text(cell, *indicator)),
    );
    rows.push(unit_row);
    let mut marked = vec![false];
    for s in &page.schools {
        let nothing = if s.reported {
            ""
        } else {
            " — нет данных"
        };
        let mut row = vec![format!("{} ({}){nothing}", s.school.name, s.school.code)];
        for ((cell, rank), (_, indicator, _)) in s.cells.iter().zip(&s.ranks).zip(&view.columns) {
            row.push(match rank {
                Some((r, of)) => format!("{} · {r}-е из {of}", cell_text(cell, *indicator)),
                None => cell_text(cell, *indicator),
            });
        }
        rows.push(row);
        marked.push(!s.reasons.is_empty());
    }
    let mut figures = table(&columns, rows);
    figures.marked = marked;
    let mut section = Section::new(Place::Print, page.municipality.clone())
        .on_new_page()
        .with(Block::Text(said, Style::Body))
        .with(Block::Text(
            "В скобках — изменение к периоду сравнения, «N-е из M» — место школы среди школ региона с этим показателем, первое — лучшее. \
             Строки школ, нуждающихся в поддержке, выделены."
                .into(),
            Style::Note,
        ))
        .with(Block::Table(figures));
    let flagged: Vec<String> = page
        .schools
        .iter()
        .filter(|s| !s.reasons.is_empty())
        .map(|s| format!("{}: {}.", s.school.name, s.reasons.join("; ")))
        .collect();
    if !flagged.is_empty() {
        section = section
            .with(Block::Subheading(
                "Нуждаются в методической поддержке".into(),
            ))
            .with(Block::Bullets(flagged));
    }
    if model.trend_terms.len() > 1 {
        section = section.with(Block::Chart(year_chart(model, view, page)));
    }
    section
}

/// The municipality over the school year: a small line chart per key figure, the terms
/// across, a term without a figure a gap; each titled with its change over the year. The
/// numbers are in the workbook's «Динамика муниципалитетов».
fn year_chart(model: &ReportModel, view: &CentreView, page: &MunicipalityPage) -> Chart {
    Chart {
        kind: ChartKind::Lines,
        title: format!(
            "Муниципалитет за учебный год {}/{}",
            model.term.year,
            model.term.year + 1
        ),
        categories: model
            .trend_terms
            .iter()
            .map(|t| t.period.russian().to_string())
            .collect(),
        series: view
            .columns
            .iter()
            .zip(&page.trend)
            .map(|((title, indicator, _), values)| {
                let change = year_change(values)
                    .map(|c| format!(" (за год {})", names::change(*indicator, c)))
                    .unwrap_or_default();
                (format!("{title}{change}"), values.clone())
            })
            .collect(),
        reference: None,
        percent: view
            .columns
            .iter()
            .all(|(_, indicator, _)| indicator.unit() == Unit::Percent),
        notes: Vec::new(),
    }
}
