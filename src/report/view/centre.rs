//! Views of the report model for the centre (reports.md, "Centre report"): reporting
//! completeness against the register, schools and municipalities with their key
//! indicators and change, and schools flagged for support. No person-level data is shown;
//! the model holds no figure that describes fewer than `small_cell` persons (suppressed
//! where the figures are made, `privacy::suppress`), and a suppressed figure is marked.

use std::collections::HashMap;

use polars::prelude::*;

use crate::frame::{flags, strings};
use crate::register::RegisteredSchool;
use crate::report::document::{
    Block, Cell, Chart, ChartKind, Colours, Column, Cover, Document, Place, Section, Style, Table,
};
use crate::report::model::ReportModel;
use crate::report::names;
use crate::schema::{Indicator, Unit};

/// A cell of a centre table: a value, nothing, or a value withheld because it describes
/// fewer persons than `small_cell` (the number carried).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    /// A figure shown.
    Value(f64),
    /// No figure: nobody's data behind it.
    Missing,
    /// A figure withheld; the limit `small_cell` it fell below.
    Suppressed(usize),
}

impl Shown {
    /// As a page writes it: the value in its indicator's unit, `—`, or the mark `<5`.
    pub fn text(self, indicator: Indicator) -> String {
        match self {
            Shown::Value(v) => names::value(indicator, v),
            Shown::Missing => "—".into(),
            Shown::Suppressed(k) => suppressed_mark(k),
        }
    }
}

/// The mark of a suppressed figure: `<5` for `small_cell = 5`.
pub fn suppressed_mark(small_cell: usize) -> String {
    format!("<{small_cell}")
}

/// The groups an indicator has region-wide rows for, in table order (none if the filter
/// fails).
fn region_groups(model: &ReportModel, indicator: Indicator) -> Vec<String> {
    model
        .indicators
        .clone()
        .lazy()
        .filter(
            col("indicator")
                .eq(lit(indicator.code()))
                .and(col("scope").eq(lit("region"))),
        )
        .collect()
        .map(|rows| strings(&rows, "group"))
        .unwrap_or_default()
}

/// Columns of the school and municipality tables: (title, indicator, group).
pub fn key_columns(model: &ReportModel) -> Vec<(String, Indicator, String)> {
    let mut columns = vec![
        (
            "Посещаемость".to_string(),
            Indicator::AttRate,
            String::new(),
        ),
        (
            "Выполнение маршрутов".into(),
            Indicator::RDonePct,
            String::new(),
        ),
    ];
    let mut groups = |indicator: Indicator, title: &str| {
        for g in region_groups(model, indicator) {
            columns.push((format!("{title}: {}", model.words.path(&g)), indicator, g));
        }
    };
    groups(Indicator::DPct, "Диагностика");
    groups(Indicator::QIndex, "Анкета");
    columns.push((
        "Полнота сдачи форм".into(),
        Indicator::CompletenessPct,
        String::new(),
    ));
    columns
}

/// One school's figure as shown by the centre: suppressed figures were taken out of the
/// model when it was built ([`crate::privacy::suppress`]), so only the mark is left to show.
pub fn school_cell(model: &ReportModel, school: &str, indicator: Indicator, group: &str) -> Shown {
    match (model.value(school, "", indicator, group), model.small_cell) {
        (Some(v), _) => Shown::Value(v),
        (None, Some(k)) if model.is_suppressed("school", school, indicator.code(), group) => {
            Shown::Suppressed(k)
        }
        (None, _) => Shown::Missing,
    }
}

/// A municipality's (or, with `municipality` empty, the region's) figure.
pub fn unit_cell(
    model: &ReportModel,
    municipality: &str,
    indicator: Indicator,
    group: &str,
) -> Shown {
    let scope = if municipality.is_empty() {
        "region"
    } else {
        "municipality"
    };
    match (
        model.unit_value(municipality, indicator.code(), group).0,
        model.small_cell,
    ) {
        (Some(v), _) => Shown::Value(v),
        (None, Some(k)) if model.is_suppressed(scope, municipality, indicator.code(), group) => {
            Shown::Suppressed(k)
        }
        (None, _) => Shown::Missing,
    }
}

/// Reporting completeness of one registered school.
pub struct Reporting {
    /// The school as the register names it.
    pub school: RegisteredSchool,
    /// Expected forms received.
    pub received: usize,
    /// Forms expected of it in the term.
    pub expected: usize,
    /// The expected forms not received, in words.
    pub missing: Vec<String>,
    /// When its data arrived after the term's deadline: the arrival date.
    pub late: Option<String>,
}

/// Every school of the register with what it sent, missing and late ones named.
pub fn reporting(
    model: &ReportModel,
    register: &[RegisteredSchool],
    deadline: Option<chrono::NaiveDate>,
) -> Vec<Reporting> {
    let forms = &model.forms;
    let (codes, labels) = (strings(forms, "school_code"), strings(forms, "form"));
    let received = flags(forms, "received");
    // Each school's form rows and first arrival, found once: a country has tens of thousands.
    let mut rows: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, code) in codes.iter().enumerate() {
        rows.entry(code.as_str()).or_default().push(i);
    }
    let mut arrived: HashMap<&str, &str> = HashMap::new();
    for e in model.log.iter().filter(|e| e.outcome.commits()) {
        let first = arrived
            .entry(e.school_code.as_str())
            .or_insert(e.time.as_str());
        *first = (*first).min(e.time.as_str());
    }
    let mut out = Vec::new();
    for school in register {
        let mine = rows
            .get(school.code.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let missing = mine
            .iter()
            .filter(|&&i| !received[i])
            .map(|&i| model.words.form(&labels[i]))
            .collect();
        let late = match (deadline, arrived.get(school.code.as_str())) {
            (Some(d), Some(t))
                if t.get(..10)
                    .and_then(|day| chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
                    .is_some_and(|day| day > d) =>
            {
                Some(t[..10].to_string())
            }
            _ => None,
        };
        out.push(Reporting {
            school: school.clone(),
            received: mine.iter().filter(|&&i| received[i]).count(),
            expected: mine.len(),
            missing,
            late,
        });
    }
    out
}

/// Flagged schools with their reasons in words.
pub fn flagged(
    model: &ReportModel,
    register: &[RegisteredSchool],
) -> Vec<(RegisteredSchool, Vec<String>)> {
    register
        .iter()
        .filter_map(|s| {
            let reasons = model.flag_reasons(&s.code);
            (!reasons.is_empty()).then(|| (s.clone(), reasons))
        })
        .collect()
}

/// Everything the centre's renderers lay out, selected once.
pub struct CentreView {
    /// Who the report is about: the title of every sheet's footer.
    pub title: String,
    /// The key columns ([`key_columns`]): title, indicator, group.
    pub columns: Vec<(String, Indicator, String)>,
    /// Every school of the register with what it sent, in the register's order.
    pub reporting: Vec<Reporting>,
    /// Registered schools with data, flagged first, then by attendance (lowest first).
    pub ranked: Vec<RegisteredSchool>,
    /// The register's municipalities, sorted.
    pub municipalities: Vec<String>,
    /// Schools flagged for support with the reasons in words, in the register's order.
    pub flagged: Vec<(RegisteredSchool, Vec<String>)>,
    /// (indicator, group prefix) of the level distributions (`d_level_pct`, `q_level_pct`).
    pub level_groups: Vec<(Indicator, String)>,
    /// Attendance, route completion and the first diagnostic by municipality.
    pub by_municipality: Chart,
}

impl CentreView {
    /// Selects what the centre's report shows of `model` for the schools of `register`;
    /// data that arrived after `deadline` is late.
    pub fn new(
        model: &ReportModel,
        register: &[RegisteredSchool],
        deadline: Option<chrono::NaiveDate>,
    ) -> CentreView {
        let columns = key_columns(model);
        let mut ranked: Vec<RegisteredSchool> = register
            .iter()
            .filter(|s| {
                model
                    .value(&s.code, "", Indicator::CompletenessPct, "")
                    .is_some()
            })
            .cloned()
            .collect();
        let unflagged = |s: &RegisteredSchool| {
            model
                .value(&s.code, "", Indicator::SupportFlag, "")
                .is_none_or(|v| v < 1.0)
        };
        let att = |s: &RegisteredSchool| {
            model
                .value(&s.code, "", Indicator::AttRate, "")
                .unwrap_or(f64::INFINITY)
        };
        ranked.sort_by(|a, b| {
            unflagged(a)
                .cmp(&unflagged(b))
                .then(att(a).total_cmp(&att(b)))
                .then(a.code.cmp(&b.code))
        });
        let mut municipalities: Vec<String> =
            register.iter().map(|s| s.municipality.clone()).collect();
        municipalities.sort();
        municipalities.dedup();
        let mut level_groups = Vec::new();
        for ind in [Indicator::DLevelPct, Indicator::QLevelPct] {
            for g in region_groups(model, ind) {
                let prefix = g
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default();
                if !level_groups.contains(&(ind, prefix.clone())) {
                    level_groups.push((ind, prefix));
                }
            }
        }
        let shown_or_none = |m: &str, ind: Indicator, g: &str| match unit_cell(model, m, ind, g) {
            Shown::Value(v) => Some(v),
            _ => None,
        };
        let picked: Vec<&(String, Indicator, String)> = columns
            .iter()
            .filter(|(_, ind, _)| *ind != Indicator::CompletenessPct)
            .take(3)
            .collect();
        let by_municipality = Chart {
            kind: ChartKind::Column,
            title: "Показатели по муниципалитетам".into(),
            categories: municipalities.clone(),
            series: picked
                .iter()
                .map(|(title, ind, g)| {
                    (
                        title.clone(),
                        municipalities
                            .iter()
                            .map(|m| shown_or_none(m, *ind, g))
                            .collect(),
                    )
                })
                .collect(),
            reference: None,
            percent: true,
            notes: Vec::new(),
        };
        CentreView {
            title: "Центр: все школы реестра".into(),
            reporting: reporting(model, register, deadline),
            flagged: flagged(model, register),
            columns,
            ranked,
            municipalities,
            level_groups,
            by_municipality,
        }
    }
}

/// The title of every report of the programme.
const TITLE: &str = "Мониторинг тьюторского сопровождения";

/// The centre's report as a document: completeness, support, municipalities, schools and
/// level distributions. The printed report and the workbook share the support table; the
/// others differ (a sheet holds a value and its change in columns of their own, a page
/// puts the change in brackets). The printed report's completeness and the pages and sheets
/// about the region (`region`, after the level distributions) are built from the region's
/// figures (`report::region_pages`, `report::region_sheets`).
pub fn document(
    model: &ReportModel,
    view: &CentreView,
    completeness: Section,
    region: Vec<Section>,
) -> Document {
    let period = model.term.russian();
    let support = Section::new(Place::Both, "Школы, нуждающиеся в методической поддержке")
        .sheet("Поддержка")
        .with(support_table(view));
    let mut sections = vec![
        completeness,
        completeness_sheet(model, view),
        schools_sheet(model, view),
        municipalities_sheet(model, view),
        support,
        municipalities_printed(model, view),
        distributions_sheet(model, view),
    ];
    sections.extend(region);
    Document {
        title: format!("{TITLE}: сводка центра, {period}"),
        cover: Cover {
            title: TITLE.into(),
            name: "Сводка по школам и муниципалитетам".into(),
            subtitle: format!("Школ в реестре: {}", view.reporting.len()),
            period: period.clone(),
            compared: model.compared.map(|t| t.russian()),
        },
        about: format!("{}; {period}", about(view)),
        footer: view.title.clone(),
        running_header: format!("Сводка центра · {period}"),
        generated_at: model.generated_at,
        sections,
    }
}

/// Who the centre's report is about, as a school's sheets say «name (code), municipality»:
/// `Центр: все школы реестра (4 школы, 2 муниципалитета)`.
fn about(view: &CentreView) -> String {
    let schools = view.reporting.len() as u64;
    if schools == 0 {
        return view.title.clone();
    }
    let municipalities = view.municipalities.len() as u64;
    format!(
        "{} ({}, {})",
        view.title,
        crate::russian::plural(schools, "школа", "школы", "школ"),
        crate::russian::plural(
            municipalities,
            "муниципалитет",
            "муниципалитета",
            "муниципалитетов"
        )
    )
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// «Регион» for the region's row (an empty municipality).
fn unit_name(municipality: &str) -> String {
    if municipality.is_empty() {
        "Регион".into()
    } else {
        municipality.to_string()
    }
}

/// The municipalities, then the region.
fn units(view: &CentreView) -> impl Iterator<Item = &String> {
    view.municipalities.iter().chain(std::iter::once(&EMPTY))
}

static EMPTY: String = String::new();

fn completeness_sheet(model: &ReportModel, view: &CentreView) -> Section {
    let t = &model.thresholds;
    let mut columns: Vec<Column> = [
        "Муниципалитет",
        "Код ОО",
        "Наименование ОО",
        "Получено форм",
        "Ожидалось",
        "Полнота",
        "Не сдано",
        "Сдано позже срока",
    ]
    .map(|h| Column::new(h, 1.0))
    .to_vec();
    columns[5] = Column::new("Полнота", 1.0).coloured(Colours::Levels {
        mid: t.level_mid,
        high: t.level_high,
    });
    let mut table = Table::new(columns);
    for r in &view.reporting {
        let pct = if r.expected > 0 {
            Some(r.received as f64 / r.expected as f64 * 100.0)
        } else {
            None
        };
        table.rows.push(vec![
            text(&r.school.municipality),
            text(&r.school.code),
            text(&r.school.name),
            Cell::Value(Some(r.received as f64), Unit::Count),
            Cell::Value(Some(r.expected as f64), Unit::Count),
            Cell::Value(pct, Unit::Percent),
            text(if r.received == 0 {
                "нет данных".into()
            } else {
                r.missing.join("; ")
            }),
            text(r.late.clone().unwrap_or_default()),
        ]);
    }
    Section::new(Place::Workbook, "Полнота сдачи форм по реестру школ")
        .sheet("Полнота сдачи")
        .with(Block::Table(table))
}

fn support_table(view: &CentreView) -> Block {
    let mut table = Table::new(
        [
            ("Муниципалитет", 28.0),
            ("Код ОО", 16.0),
            ("Наименование ОО", 50.0),
            ("Причины", 70.0),
        ]
        .map(|(h, w)| Column::new(h, w))
        .to_vec(),
    )
    .or_say("Таких школ нет.", Style::Body);
    for (s, reasons) in &view.flagged {
        table.rows.push(vec![
            text(&s.municipality),
            text(&s.code),
            text(&s.name),
            text(reasons.join("; ")),
        ]);
    }
    Block::Table(table)
}

/// The unit a change of `indicator` is shown in: percentage points for a percentage.
pub fn change_unit(indicator: Indicator) -> Unit {
    if indicator.unit() == Unit::Percent {
        Unit::Points
    } else {
        indicator.unit()
    }
}

/// A centre cell in a sheet: a number in its unit, an empty cell, or the mark of a
/// suppressed figure (`<5`).
pub fn shown(value: Shown, indicator: Indicator) -> Cell {
    match value {
        Shown::Value(v) => Cell::Value(Some(v), indicator.unit()),
        Shown::Missing => Cell::Value(None, Unit::Number),
        Shown::Suppressed(_) => Cell::Text(value.text(indicator)),
    }
}

/// Columns of a sheet: `first`, then each key figure and its change.
fn value_and_change_columns(first: &[&str], view: &CentreView) -> Vec<Column> {
    let mut columns: Vec<Column> = first.iter().map(|h| Column::new(*h, 1.0)).collect();
    for (title, _, _) in &view.columns {
        columns.push(Column::new(title.clone(), 1.0));
        columns.push(Column::new(format!("{title}: изменение"), 1.0));
    }
    columns
}

fn schools_sheet(model: &ReportModel, view: &CentreView) -> Section {
    let mut table = Table::new(value_and_change_columns(
        &["Муниципалитет", "Код ОО", "Наименование ОО", "Поддержка"],
        view,
    ));
    for s in &view.ranked {
        let mut cells = vec![
            text(&s.municipality),
            text(&s.code),
            text(&s.name),
            text(if model.flag_reasons(&s.code).is_empty() {
                "нет"
            } else {
                "нужна"
            }),
        ];
        for &(_, ind, ref group) in &view.columns {
            let now = school_cell(model, &s.code, ind, group);
            cells.push(shown(now, ind));
            let change = match now {
                Shown::Value(v) => model.previous(&s.code, ind, group).map(|p| v - p),
                _ => None,
            };
            cells.push(Cell::Value(change, change_unit(ind)));
        }
        table.rows.push(cells);
    }
    Section::new(Place::Workbook, "Школы: ключевые показатели и изменение")
        .sheet("Школы")
        .with(Block::Table(table))
}

fn municipalities_sheet(model: &ReportModel, view: &CentreView) -> Section {
    let mut table = Table::new(value_and_change_columns(
        &["Муниципалитет", "Школ, сдавших все формы"],
        view,
    ));
    for m in units(view) {
        let mut cells = vec![
            text(unit_name(m)),
            Cell::Value(
                model
                    .unit_value(m, Indicator::SchoolsReportingPct.code(), "")
                    .0,
                Unit::Percent,
            ),
        ];
        for &(_, ind, ref group) in &view.columns {
            let now = unit_cell(model, m, ind, group);
            cells.push(shown(now, ind));
            let (v, p) = model.unit_value(m, ind.code(), group);
            let change = if matches!(now, Shown::Value(_)) {
                v.zip(p).map(|(v, p)| v - p)
            } else {
                None
            };
            cells.push(Cell::Value(change, change_unit(ind)));
        }
        table.rows.push(cells);
    }
    let section = Section::new(
        Place::Workbook,
        "Муниципалитеты и регион (по записям всех участников)",
    )
    .sheet("Муниципалитеты")
    .with(Block::Table(table));
    with_chart(section, view)
}

/// The section with the municipalities' chart under its table, when there are any.
fn with_chart(section: Section, view: &CentreView) -> Section {
    if view.municipalities.is_empty() {
        section
    } else {
        section.with(Block::Chart(view.by_municipality.clone()))
    }
}

/// A figure with its change in brackets, as a page shows it: `72,5 % (+3,4 п. п.)`.
fn with_change(now: Shown, previous: Option<f64>, indicator: Indicator) -> Cell {
    let change = match (now, previous) {
        (Shown::Value(v), Some(p)) => format!(" ({})", names::change(indicator, v - p)),
        _ => String::new(),
    };
    text(format!("{}{change}", now.text(indicator)))
}

fn municipalities_printed(model: &ReportModel, view: &CentreView) -> Section {
    let mut columns = vec![
        Column::new("Муниципалитет", 30.0),
        Column::new("Сдали всё", 16.0),
    ];
    columns.extend(
        view.columns
            .iter()
            .map(|(t, _, _)| Column::new(t.clone(), 18.0)),
    );
    let mut table = Table::new(columns);
    for m in units(view) {
        let reporting = Indicator::SchoolsReportingPct;
        let shown = model
            .unit_value(m, reporting.code(), "")
            .0
            .map_or_else(|| "—".into(), |v| names::value(reporting, v));
        let mut row = vec![text(unit_name(m)), text(shown)];
        for &(_, ind, ref g) in &view.columns {
            let (v, p) = model.unit_value(m, ind.code(), g);
            row.push(with_change(unit_cell(model, m, ind, g), v.and(p), ind));
        }
        table.rows.push(row);
    }
    let mut section = Section::new(Place::Print, "Муниципалитеты и регион")
        .on_new_page()
        .with(Block::Table(table));
    if let Some(k) = model.small_cell {
        let mark = suppressed_mark(k);
        section = section.with(Block::Text(format!("В скобках — изменение к периоду сравнения. «{mark}» — показатель скрыт: он описывает меньше {k} человек (в этом периоде или в периоде сравнения изменение тоже не показано)."), Style::Note));
    }
    section
}

fn distributions_sheet(model: &ReportModel, view: &CentreView) -> Section {
    let mut table = Table::new(
        [
            "Муниципалитет",
            "Показатель",
            "Раздел",
            "низкий",
            "средний",
            "высокий",
        ]
        .map(|h| Column::new(h, 1.0))
        .to_vec(),
    );
    for m in units(view) {
        for &(ind, ref group) in &view.level_groups {
            let mut cells = vec![
                text(unit_name(m)),
                text(ind.russian()),
                text(model.words.path(group)),
            ];
            for level in crate::indicators::LEVELS {
                cells.push(shown(
                    unit_cell(model, m, ind, &format!("{group}/{level}")),
                    ind,
                ));
            }
            table.rows.push(cells);
        }
    }
    Section::new(Place::Workbook, "Распределения по уровням")
        .sheet("Распределения")
        .with(Block::Table(table))
}
