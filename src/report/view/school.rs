//! A school's report as a document (reports.md, "School report"): key figures with their
//! change, «Успехи» and «Сложности», the year's trend, charts, persons, what needs action,
//! completeness and provenance. The workbook spreads them over ten sheets with more
//! columns than a page holds; the printed report puts them on A4 pages. What both show
//! (key figures, sentences, charts, the trend, persons below 50 % attendance, overdue route
//! steps) is built once and placed in both.

use crate::frame::{flags, numbers, strings};
use crate::report::document::{
    Block, Cell, Colours, Column, Cover, Document, Place, Section, Style, Table,
};
use crate::report::model::{Part, ReportModel, School};
use crate::report::names;
use crate::schema::{Indicator, Unit};

/// The title of every report of the programme.
const TITLE: &str = "Мониторинг тьюторского сопровождения";

/// What both outputs show, built once.
struct Shared {
    figures: Block,
    successes: Vec<String>,
    difficulties: Vec<String>,
    reasons: Vec<String>,
    charts: Vec<Block>,
    trend: Block,
    low_attendance: Table,
    overdue: Table,
}

/// The school's report as a document.
pub fn document(model: &ReportModel, school: &School) -> Document {
    let code = school.code.as_str();
    let period = model.term.russian();
    let (successes, difficulties) = model.highlights(code);
    let t = &model.thresholds;
    let shared = Shared {
        figures: Block::Figures(
            model.key_figures(code),
            Colours::Levels {
                mid: t.level_mid,
                high: t.level_high,
            },
        ),
        successes,
        difficulties,
        reasons: model.flag_reasons(code),
        charts: model.charts(code).into_iter().map(Block::Chart).collect(),
        trend: Block::Table(trend(model, code)),
        low_attendance: low_attendance(model, code),
        overdue: overdue(model, code),
    };
    let mut sections = vec![
        summary_sheet(model, &shared),
        summary_printed(model, &shared),
    ];
    if !shared.charts.is_empty() {
        sections.push(Section {
            blocks: shared.charts.clone(),
            ..Section::new(Place::Print, "Графики").on_new_page()
        });
    }
    sections.extend(persons_printed(model, code));
    sections.push(actions_printed(model, code, &shared));
    sections.push(sources_printed(model, code));
    sections.push(person_sheet(model, code, "Педагоги", false));
    sections.push(person_sheet(model, code, "Обучающиеся", true));
    sections.push(attendance_sheet(model, code, &shared));
    let mut questionnaires = indicator_sheet(model, code, "Анкеты", "Анкеты", &["q_"]);
    let notes = version_notes(model, code);
    if !notes.is_empty() {
        // A sheet shows tables: the notes as one, a row each.
        let mut table = Table::new(sheet_columns(&["Примечание"]));
        table.rows = notes.into_iter().map(|n| vec![text(n)]).collect();
        questionnaires = questionnaires
            .with(Block::Subheading(VERSIONS_HEADING.into()))
            .with(Block::Table(table));
    }
    sections.push(questionnaires);
    sections.push(diagnostics_sheet(model, code));
    sections.push(groups_sheet(model, code));
    sections.push(routes_sheet(model, code, &shared));
    sections.push(quality_sheet(model, code));
    sections.push(
        Section::new(Place::Workbook, "Динамика за учебный год")
            .sheet("Динамика")
            .with(shared.trend.clone()),
    );
    Document {
        title: format!("{TITLE}: {}, {period}", school.name),
        cover: Cover {
            title: TITLE.into(),
            name: school.name.clone(),
            subtitle: format!("{} · код ОО {}", school.municipality, school.code),
            period: period.clone(),
            compared: model.compared.map(|t| t.russian()),
        },
        about: format!(
            "{} ({}), {}; {period}",
            school.name, school.code, school.municipality
        ),
        footer: school.name.clone(),
        running_header: format!("{} · {period}", school.name),
        generated_at: model.generated_at,
        sections,
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Columns of the given headers and printed widths.
fn columns(spec: &[(&str, f32)]) -> Vec<Column> {
    spec.iter().map(|(h, w)| Column::new(*h, *w)).collect()
}

/// Columns of a table only the workbook shows (its widths come from what the cells hold).
fn sheet_columns(headers: &[&str]) -> Vec<Column> {
    headers.iter().map(|h| Column::new(*h, 1.0)).collect()
}

/// The summary sheet: when and against what, the key figures, the sentences, the support
/// flag, the charts.
fn summary_sheet(model: &ReportModel, shared: &Shared) -> Section {
    let comparison = match model.compared {
        Some(compared) => format!("сравнение с периодом «{}»", compared.russian()),
        None => format!(
            "сравнения нет: за период «{}» данных нет",
            model.compare.russian()
        ),
    };
    let generated = format!(
        "Сформировано {} программой tutorstat {}; {comparison}",
        model.generated_at.format("%d.%m.%Y %H:%M"),
        env!("CARGO_PKG_VERSION")
    );
    let mut section = Section::new(Place::Workbook, TITLE)
        .sheet("Сводка")
        .with(Block::Text(generated, Style::Note))
        .with(shared.figures.clone())
        .with(Block::Subheading("Успехи".into()))
        .with(Block::Bullets(shared.successes.clone()))
        .with(Block::Subheading("Сложности".into()))
        .with(Block::Bullets(shared.difficulties.clone()));
    if !shared.reasons.is_empty() {
        let reasons = format!(
            "Школа нуждается в методической поддержке: {}.",
            shared.reasons.join("; ")
        );
        section = section.with(Block::Text(reasons, Style::Strong));
    }
    section.blocks.extend(shared.charts.iter().cloned());
    section
}

/// The printed summary: key figures, the support flag, the sentences, the year's trend.
fn summary_printed(model: &ReportModel, shared: &Shared) -> Section {
    let change = match model.compared {
        Some(compared) => format!(
            "Изменение — по сравнению с периодом «{}».",
            compared.russian()
        ),
        None => format!(
            "Изменения не показаны: за период «{}» данных нет.",
            model.compare.russian()
        ),
    };
    let mut section = Section::new(Place::Print, "Ключевые показатели")
        .on_new_page()
        .with(Block::Text(change, Style::Note))
        .with(shared.figures.clone());
    if !shared.reasons.is_empty() {
        section = section
            .with(Block::Subheading(
                "Школа нуждается в методической поддержке".into(),
            ))
            .with(Block::Text(
                format!("Причины: {}.", shared.reasons.join("; ")),
                Style::Body,
            ));
    }
    section
        .with(Block::Subheading("Успехи".into()))
        .with(Block::Bullets(shared.successes.clone()))
        .with(Block::Subheading("Сложности".into()))
        .with(Block::Bullets(shared.difficulties.clone()))
        .with(Block::Subheading(format!(
            "Динамика за учебный год {}/{}",
            model.term.year,
            model.term.year + 1
        )))
        .with(shared.trend.clone())
}

/// «Динамика за учебный год»: each key figure in every term of the year with data (none
/// where a term has no value), and the change from the year's first value to its last.
fn trend(model: &ReportModel, code: &str) -> Table {
    let terms: Vec<&str> = model
        .trend_terms
        .iter()
        .map(|t| t.period.russian())
        .collect();
    let mut spec = vec![("Показатель", 70.0)];
    spec.extend(terms.iter().map(|t| (*t, 22.0)));
    spec.push(("Изменение за год", 28.0));
    let mut table = Table::new(columns(&spec));
    for (f, values, change) in model.trend_figures(code) {
        let unit = f.code.unit();
        let mut cells = vec![text(f.label.clone())];
        cells.extend(values.into_iter().map(|v| Cell::Value(v, unit)));
        cells.push(Cell::Change(change, unit));
        table.rows.push(cells);
    }
    table
}

/// Persons below 50 % attendance.
fn low_attendance(model: &ReportModel, code: &str) -> Table {
    let mut table = Table::new(columns(&[
        ("ID", 20.0),
        ("ФИО", 80.0),
        ("Посещаемость", 25.0),
    ]))
    .or_say("Таких участников нет.", Style::Note);
    for (id, name, rate) in model.low_attendance(code) {
        table.rows.push(vec![
            text(id),
            text(name),
            Cell::Value(Some(rate), Unit::Percent),
        ]);
    }
    table
}

/// Route steps due and still planned.
fn overdue(model: &ReportModel, code: &str) -> Table {
    let mut table = Table::new(columns(&[
        ("ID", 14.0),
        ("ФИО", 36.0),
        ("Цель", 40.0),
        ("Мероприятие", 50.0),
        ("Срок", 18.0),
    ]))
    .or_say("Просроченных шагов нет.", Style::Note);
    let overdue = model.part(Part::Overdue, code);
    let cols = ["id", "full_name", "goal", "activity"].map(|c| strings(&overdue, c));
    let due = overdue
        .column("due")
        .ok()
        .and_then(|c| c.date().ok().map(|d| d.as_date_iter().collect::<Vec<_>>()))
        .unwrap_or_default();
    for i in 0..overdue.height() {
        let mut cells: Vec<Cell> = cols.iter().map(|col| text(col[i].clone())).collect();
        cells.push(Cell::Date(due.get(i).copied().flatten()));
        table.rows.push(cells);
    }
    table
}

/// A person's value of `indicator` in its unit.
fn person_value(
    model: &ReportModel,
    code: &str,
    id: &str,
    indicator: Indicator,
    group: &str,
) -> Cell {
    Cell::Value(model.value(code, id, indicator, group), indicator.unit())
}

/// The printed lists of students and of staff with their main figures, those with persons.
fn persons_printed(model: &ReportModel, code: &str) -> Vec<Section> {
    let people = model.part(Part::People, code);
    let (ids, full, roles, classes) = (
        strings(&people, "id"),
        strings(&people, "full_name"),
        strings(&people, "role"),
        strings(&people, "class"),
    );
    let diag = model
        .rows(code, "school", "d_pct")
        .map(|df| strings(&df, "group"))
        .unwrap_or_default()
        .into_iter()
        .find(|g| !g.is_empty());
    let diag_header = diag
        .as_deref()
        .map(|g| format!("Диагностика ({})", model.words.path(g)))
        .unwrap_or_else(|| "Диагностика".into());
    let mut students = Table::new(columns(&[
        ("ID", 14.0),
        ("ФИО", 42.0),
        ("Класс", 11.0),
        ("Посещаемость", 17.0),
        ("Маршрут выполнен", 17.0),
        ("Просрочено", 14.0),
        ("Достижений", 14.0),
        (diag_header.as_str(), 20.0),
    ]));
    let mut staff = Table::new(columns(&[
        ("ID", 14.0),
        ("ФИО", 50.0),
        ("Роль", 22.0),
        ("Посещаемость", 20.0),
        ("Событий", 14.0),
        ("Часов", 14.0),
    ]));
    for i in 0..ids.len() {
        let v = |ind: Indicator, g: &str| person_value(model, code, &ids[i], ind, g);
        if roles[i] == "обучающийся" {
            let diagnostic = Cell::Value(
                diag.as_deref()
                    .and_then(|g| model.value(code, &ids[i], Indicator::DPct, g)),
                Unit::Percent,
            );
            students.rows.push(vec![
                text(ids[i].clone()),
                text(full[i].clone()),
                text(classes[i].clone()),
                v(Indicator::AttRate, ""),
                v(Indicator::RDonePct, ""),
                v(Indicator::ROverdue, ""),
                v(Indicator::RAchievements, ""),
                diagnostic,
            ]);
        } else {
            staff.rows.push(vec![
                text(ids[i].clone()),
                text(full[i].clone()),
                text(roles[i].clone()),
                v(Indicator::AttRate, ""),
                v(Indicator::AttEvents, ""),
                v(Indicator::AttHours, ""),
            ]);
        }
    }
    let mut sections = Vec::new();
    if !students.rows.is_empty() {
        sections.push(
            Section::new(Place::Print, "Обучающиеся")
                .on_new_page()
                .with(Block::Table(students)),
        );
    }
    if !staff.rows.is_empty() {
        sections.push(Section::new(Place::Print, "Педагоги").with(Block::Table(staff)));
    }
    sections
}

/// The printed «Что требует внимания»: low attendance, overdue steps, groups, declines.
fn actions_printed(model: &ReportModel, code: &str, shared: &Shared) -> Section {
    let groups = model.part(Part::Groups, code);
    let g = [
        "diagnostic",
        "wave",
        "topic_code",
        "topic",
        "person_id",
        "full_name",
    ]
    .map(|c| strings(&groups, c));
    let mut group_table = Table::new(columns(&[
        ("Диагностика", 40.0),
        ("Тема", 50.0),
        ("ID", 16.0),
        ("ФИО", 50.0),
    ]))
    .or_say(
        "Групп нет: ни по одной теме не набралось достаточно участников с результатом ниже 50 %.",
        Style::Note,
    );
    for i in 0..groups.height() {
        group_table.rows.push(vec![
            text(format!("{}, {}", g[0][i], names::wave(&g[1][i]))),
            text(format!("{} {}", g[2][i], g[3][i])),
            text(g[4][i].clone()),
            text(g[5][i].clone()),
        ]);
    }
    let mut declining = Table::new(columns(&[
        ("ID", 16.0),
        ("ФИО", 56.0),
        ("Анкета, компетенция", 56.0),
        ("Изменение", 24.0),
    ]))
    .or_say("Снижений нет.", Style::Note);
    for (id, name, group, v) in model.declining(code) {
        declining.rows.push(vec![
            text(id),
            text(name),
            text(group),
            Cell::Value(Some(v), Indicator::QProgress.unit()),
        ]);
    }
    let mut section = Section::new(Place::Print, "Что требует внимания")
        .on_new_page()
        .with(Block::Subheading("Посещаемость ниже 50 %".into()))
        .with(Block::Table(shared.low_attendance.clone()))
        .with(Block::Subheading("Просроченные шаги маршрутов".into()))
        .with(Block::Table(shared.overdue.clone()))
        .with(Block::Subheading(
            "Рекомендуемые группы по дефицитным темам".into(),
        ))
        .with(Block::Table(group_table))
        .with(Block::Subheading("Снижение по компетенциям".into()))
        .with(Block::Table(declining));
    let notes = version_notes(model, code);
    if !notes.is_empty() {
        section
            .blocks
            .push(Block::Subheading(VERSIONS_HEADING.into()));
        section
            .blocks
            .extend(notes.into_iter().map(|note| Block::Text(note, Style::Note)));
    }
    section
}

/// The heading of the notes on questionnaires answered in two versions.
const VERSIONS_HEADING: &str = "Анкеты, заполненные по разным версиям";

/// Notes on questionnaires whose start and final waves were answered in different
/// versions: which items the change since the start leaves out, and why.
fn version_notes(model: &ReportModel, code: &str) -> Vec<String> {
    let versions = model.part(Part::Versions, code);
    let [q, start, fin] =
        ["instrument", "start_version", "final_version"].map(|c| strings(&versions, c));
    (0..versions.height())
        .filter_map(|i| {
            let (start, fin) = (start[i].parse().ok()?, fin[i].parse().ok()?);
            model.words.progress_note(&q[i], start, fin)
        })
        .collect()
}

/// Whether each expected form of the school arrived, with its name in words.
fn forms(model: &ReportModel, code: &str) -> Vec<(String, bool)> {
    let forms = model.part(Part::Forms, code);
    let received = flags(&forms, "received");
    strings(&forms, "form")
        .iter()
        .zip(received)
        .map(|(f, r)| (model.words.form(f), r))
        .collect()
}

/// The printed «Полнота данных и источники»: expected forms and the files behind the figures.
fn sources_printed(model: &ReportModel, code: &str) -> Section {
    let mut form_table = Table::new(columns(&[("Ожидаемая форма", 120.0), ("Статус", 40.0)]));
    for (form, got) in forms(model, code) {
        form_table
            .rows
            .push(vec![text(form), text(if got { "получена" } else { "нет" })]);
    }
    let (current, earlier) = files_behind_figures(model.log_of(code));
    let rejected: usize = current.iter().map(|e| e.rows_rejected).sum();
    let mut section = Section::new(Place::Print, "Полнота данных и источники")
        .on_new_page()
        .with(Block::Table(form_table))
        .with(Block::Subheading("Файлы, из которых взяты данные".into()))
        .with(Block::Table(log_table(&current)))
        .with(Block::Text(format!("Исключено строк: {rejected} (файлы с ошибками возвращены педагогам со списком ошибок)."), Style::Note));
    if !earlier.is_empty() {
        section = section
            .with(Block::Subheading(
                "Прежние попытки: заменённые и исправленные файлы".into(),
            ))
            .with(Block::Table(log_table(&earlier)));
    }
    section
}

/// The school's log entries split into the files the figures rest on (the latest stored file
/// of each submission key, and rejected files not yet corrected) and earlier attempts: files
/// a later one replaced, rejected files whose key was stored later, and copies of stored
/// bytes. A superseded or corrected attempt is not a source, and its rows are not excluded
/// rows of the report.
fn files_behind_figures<'a>(
    log: impl Iterator<Item = &'a crate::store::log::Entry>,
) -> (
    Vec<&'a crate::store::log::Entry>,
    Vec<&'a crate::store::log::Entry>,
) {
    use crate::store::log::Outcome;
    let entries: Vec<_> = log.collect();
    let stored =
        |e: &crate::store::log::Entry| matches!(e.outcome, Outcome::Stored | Outcome::Replaced);
    let superseded = |i: usize| {
        let e = entries[i];
        e.outcome == Outcome::Duplicate
            || (!e.key_id.is_empty()
                && entries[i + 1..]
                    .iter()
                    .any(|later| stored(later) && later.key_id == e.key_id))
    };
    let (mut current, mut earlier) = (Vec::new(), Vec::new());
    for (i, e) in entries.iter().enumerate() {
        if superseded(i) {
            earlier.push(*e)
        } else {
            current.push(*e)
        }
    }
    (current, earlier)
}

/// A table of log entries: file, SHA-256, outcome, rows, warnings.
fn log_table(entries: &[&crate::store::log::Entry]) -> Table {
    let mut log = Table::new(columns(&[
        ("Файл", 44.0),
        ("SHA-256", 56.0),
        ("Итог", 18.0),
        ("Строк: прочитано / сохранено / отклонено / пустых", 28.0),
        ("Предупр.", 12.0),
    ]));
    for e in entries {
        log.rows.push(vec![
            text(e.file.clone()),
            text(e.sha256.clone()),
            text(e.outcome.russian()),
            text(format!(
                "{} / {} / {} / {}",
                e.rows_read, e.rows_stored, e.rows_rejected, e.rows_blank
            )),
            text(e.warnings.to_string()),
        ]);
    }
    log
}

/// Person rows of one role filter with their indicators: the sheet «Педагоги» or
/// «Обучающиеся», percentages on a colour scale.
fn person_sheet(model: &ReportModel, code: &str, title: &str, students: bool) -> Section {
    let people = model.part(Part::People, code);
    let (ids, full, roles, classes, subjects, tutors) = (
        strings(&people, "id"),
        strings(&people, "full_name"),
        strings(&people, "role"),
        strings(&people, "class"),
        strings(&people, "subject"),
        strings(&people, "tutor_id"),
    );
    let (indicator, label) = if students {
        (Indicator::DPct, "Диагностика")
    } else {
        (Indicator::QIndex, "Анкета")
    };
    let groups: Vec<String> = model
        .rows(code, "school", indicator.code())
        .map(|df| strings(&df, "group"))
        .unwrap_or_default()
        .into_iter()
        .filter(|g| !students || !g.is_empty())
        .collect();
    let mut headers = vec![
        "ID",
        "ФИО",
        if students { "Класс" } else { "Роль" },
        if students {
            "Тьютор (ID)"
        } else {
            "Предмет"
        },
    ];
    headers.extend([
        "Посещаемость",
        "Событий",
        "Часов",
        "Шагов маршрута",
        "Выполнение маршрута",
        "Просрочено",
        "Достижений",
    ]);
    let mut columns = sheet_columns(&headers);
    columns.extend(
        groups
            .iter()
            .map(|g| Column::new(format!("{label}: {}", model.words.path(g)), 1.0)),
    );
    for c in [4, 8].into_iter().chain(11..columns.len()) {
        columns[c].colours = Some(Colours::Scale);
    }
    let mut table = Table::new(columns);
    for i in (0..ids.len()).filter(|&i| (roles[i] == "обучающийся") == students) {
        let v = |ind: Indicator| person_value(model, code, &ids[i], ind, "");
        let mut cells = vec![
            text(ids[i].clone()),
            text(full[i].clone()),
            text(if students {
                classes[i].clone()
            } else {
                roles[i].clone()
            }),
            text(if students {
                tutors[i].clone()
            } else {
                subjects[i].clone()
            }),
            v(Indicator::AttRate),
            v(Indicator::AttEvents),
            v(Indicator::AttHours),
            v(Indicator::RItems),
            v(Indicator::RDonePct),
            v(Indicator::ROverdue),
            v(Indicator::RAchievements),
        ];
        cells.extend(
            groups
                .iter()
                .map(|g| Cell::Value(model.value(code, &ids[i], indicator, g), Unit::Percent)),
        );
        table.rows.push(cells);
    }
    Section::new(Place::Workbook, title)
        .sheet(title)
        .with(Block::Table(table))
}

/// The rows with a level distribution (`…/низкий`, `…/средний`, `…/высокий`) put in the
/// levels' order rather than the alphabetical one; every other row keeps its place.
fn in_level_order(
    mut rows: Vec<((String, String), Option<f64>)>,
) -> Vec<((String, String), Option<f64>)> {
    let mut first_seen: Vec<(String, String)> = Vec::new();
    let keys: Vec<(usize, usize)> = rows
        .iter()
        .map(|((ind, group), _)| {
            let (prefix, rank) = match group.rsplit_once('/') {
                Some((prefix, last)) => {
                    match crate::indicators::LEVELS.iter().position(|l| *l == last) {
                        Some(rank) => (prefix, rank),
                        None => (group.as_str(), 0),
                    }
                }
                None => (group.as_str(), 0),
            };
            let bucket = (ind.clone(), prefix.to_string());
            let at = first_seen
                .iter()
                .position(|b| *b == bucket)
                .unwrap_or_else(|| {
                    first_seen.push(bucket);
                    first_seen.len() - 1
                });
            (at, rank)
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| keys[i]);
    let mut taken: Vec<Option<((String, String), Option<f64>)>> =
        rows.drain(..).map(Some).collect();
    order.into_iter().filter_map(|i| taken[i].take()).collect()
}

/// School rows of the indicators starting with `prefixes`: what, group, value, before, change.
fn indicator_table(model: &ReportModel, code: &str, prefixes: &[&str]) -> Table {
    let mut table = Table::new(sheet_columns(&[
        "Показатель",
        "Анкета / диагностика, волна, раздел",
        "Значение",
        "Было",
        "Изменение",
    ]));
    for prefix in prefixes {
        let Ok(rows) = model.rows(code, "school", prefix) else {
            continue;
        };
        let listed = strings(&rows, "indicator")
            .into_iter()
            .zip(strings(&rows, "group"))
            .zip(numbers(&rows, "value"));
        for ((ind, group), value) in in_level_order(listed.collect()) {
            let (true, Some(indicator)) = (ind.starts_with(prefix), Indicator::parse(&ind)) else {
                continue;
            };
            let unit = indicator.unit();
            let before = model.previous(code, indicator, &group);
            table.rows.push(vec![
                text(indicator.russian()),
                text(model.words.path(&group)),
                Cell::Value(value, unit),
                Cell::Value(before, unit),
                Cell::Change(value.zip(before).map(|(a, b)| a - b), unit),
            ]);
        }
    }
    table
}

/// A sheet of the school rows of some indicators.
fn indicator_sheet(
    model: &ReportModel,
    code: &str,
    sheet: &str,
    title: &str,
    prefixes: &[&str],
) -> Section {
    Section::new(Place::Workbook, title)
        .sheet(sheet)
        .with(Block::Table(indicator_table(model, code, prefixes)))
}

/// «Посещаемость»: the attendance figures, attendance by month, persons below 50 %.
fn attendance_sheet(model: &ReportModel, code: &str, shared: &Shared) -> Section {
    let months = model.part(Part::Months, code);
    let mut by_month = Table::new(sheet_columns(&[
        "Месяц",
        "Событий",
        "Отметок «был»",
        "Всего отметок",
        "Посещаемость",
    ]));
    for (((m, e), (p, k)), rate) in strings(&months, "month")
        .into_iter()
        .zip(numbers(&months, "events"))
        .zip(
            numbers(&months, "present")
                .into_iter()
                .zip(numbers(&months, "marked")),
        )
        .zip(numbers(&months, "rate"))
    {
        let mut cells = vec![text(super::figures::month_label(&m))];
        cells.extend([e, p, k].map(|v| Cell::Value(v, Unit::Count)));
        cells.push(Cell::Value(rate, Unit::Percent));
        by_month.rows.push(cells);
    }
    indicator_sheet(
        model,
        code,
        "Посещаемость",
        "Посещаемость",
        &["att_", "events", "club_"],
    )
    .with(Block::Subheading("По месяцам".into()))
    .with(Block::Table(by_month))
    .with(Block::Subheading("Посещаемость ниже 50 %".into()))
    .with(Block::Table(shared.low_attendance.clone()))
}

/// «Диагностика»: the diagnostic figures, values on a colour scale (as before: only when
/// there are two rows or more).
fn diagnostics_sheet(model: &ReportModel, code: &str) -> Section {
    let mut table = indicator_table(model, code, &["d_"]);
    if table.rows.len() >= 2 {
        table.columns[2].colours = Some(Colours::Scale);
    }
    Section::new(Place::Workbook, "Диагностика")
        .sheet("Диагностика")
        .with(Block::Table(table))
}

/// «Группы»: the recommended groups by deficit topic.
fn groups_sheet(model: &ReportModel, code: &str) -> Section {
    let g = model.part(Part::Groups, code);
    let mut table = Table::new(sheet_columns(&[
        "Диагностика",
        "Волна",
        "Код темы",
        "Тема",
        "ID",
        "ФИО",
    ]));
    let cols = [
        "diagnostic",
        "wave",
        "topic_code",
        "topic",
        "person_id",
        "full_name",
    ]
    .map(|c| strings(&g, c));
    for i in 0..g.height() {
        table.rows.push(
            cols.iter()
                .enumerate()
                .map(|(c, v)| {
                    text(if c == 1 {
                        names::wave(&v[i]).to_string()
                    } else {
                        v[i].clone()
                    })
                })
                .collect(),
        );
    }
    Section::new(Place::Workbook, "Рекомендуемые группы по дефицитным темам")
        .sheet("Группы")
        .with(Block::Table(table))
}

/// «Маршруты»: the route figures, overdue steps, achievements by level and nomination.
fn routes_sheet(model: &ReportModel, code: &str, shared: &Shared) -> Section {
    let ach = model.part(Part::Achievements, code);
    let mut achievements = Table::new(sheet_columns(&[
        "Уровень",
        "Номинация",
        "Призёров и победителей",
    ]));
    for ((level, nomination), n) in strings(&ach, "level")
        .into_iter()
        .zip(strings(&ach, "nomination"))
        .zip(numbers(&ach, "achievements"))
    {
        achievements.rows.push(vec![
            text(level),
            text(nomination),
            Cell::Value(Some(n.unwrap_or(0.0)), Unit::Count),
        ]);
    }
    indicator_sheet(model, code, "Маршруты", "Индивидуальные маршруты", &["r_"])
        .with(Block::Subheading("Просроченные шаги маршрутов".into()))
        .with(Block::Table(shared.overdue.clone()))
        .with(Block::Subheading(
            "Достижения по уровням и номинациям".into(),
        ))
        .with(Block::Table(achievements))
}

/// «Качество данных»: expected forms and the files behind the figures.
fn quality_sheet(model: &ReportModel, code: &str) -> Section {
    let mut form_table = Table::new(sheet_columns(&["Ожидаемая форма", "Получена"]));
    for (form, got) in forms(model, code) {
        form_table
            .rows
            .push(vec![text(form), text(if got { "да" } else { "нет" })]);
    }
    let (current, earlier) = files_behind_figures(model.log_of(code));
    let mut section = Section::new(Place::Workbook, "Качество данных и источники")
        .sheet("Качество данных")
        .with(Block::Table(form_table))
        .with(Block::Subheading("Файлы, из которых взяты данные".into()))
        .with(Block::Table(log_sheet_table(model, &current)));
    if !earlier.is_empty() {
        section = section
            .with(Block::Subheading(
                "Прежние попытки: заменённые и исправленные файлы".into(),
            ))
            .with(Block::Table(log_sheet_table(model, &earlier)));
    }
    section
}

/// Log entries as the workbook lists them, with their form, row counts and time.
fn log_sheet_table(model: &ReportModel, entries: &[&crate::store::log::Entry]) -> Table {
    let mut log = Table::new(sheet_columns(&[
        "Файл",
        "SHA-256",
        "Итог",
        "Форма",
        "Строк",
        "Сохранено",
        "Отклонено",
        "Пустых",
        "Предупреждений",
        "Время",
    ]));
    for e in entries {
        let mut cells = vec![
            text(e.file.clone()),
            text(e.sha256.clone()),
            text(e.outcome.russian()),
            text(model.words.logged_form(&e.form, &e.key)),
        ];
        cells.extend(
            [
                e.rows_read,
                e.rows_stored,
                e.rows_rejected,
                e.rows_blank,
                e.warnings,
            ]
            .map(|v| Cell::Value(Some(v as f64), Unit::Count)),
        );
        cells.push(text(e.time.clone()));
        log.rows.push(cells);
    }
    log
}
