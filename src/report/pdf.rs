//! The school's PDF report (`reports/<term>/<school>.pdf`), A4, for the administration:
//! title page, key figures with their change, "Успехи" and "Сложности", four vector charts,
//! tables that break across pages with repeated headers, action lists, completeness and
//! provenance, and "стр. N из M" on every page. Text is measured with the embedded font's
//! real metrics (ttf-parser), so nothing overflows its box.

use super::model::{Part, ReportModel, School};
use super::names;
pub use super::render::pdf::font::Fonts;
use super::render::pdf::layout::{ACCENT, BOTTOM, INK, LEFT, Layout, MUTED, PAGE_W, WIDTH, document, finish};
use crate::frame::strings;
use crate::schema::Indicator;

fn cell(v: Option<f64>, indicator: Indicator) -> String {
    v.map(|v| names::value(indicator, v)).unwrap_or_else(|| "—".into())
}

/// «Динамика за учебный год»: each key figure in every term of the year with data, and
/// the change from the year's first value to its last.
fn year_trend(l: &mut Layout, model: &ReportModel, code: &str) {
    let rows: Vec<Vec<String>> = model
        .trend_figures(code)
        .into_iter()
        .map(|(f, values, change)| {
            let mut row = vec![f.label.clone()];
            row.extend(values.iter().map(|v| cell(*v, f.code)));
            row.push(change.map(|d| names::change(f.code, d)).unwrap_or_else(|| "—".into()));
            row
        })
        .collect();
    let terms: Vec<&str> = model.trend_terms.iter().map(|t| t.period.russian()).collect();
    let mut headers = vec!["Показатель"];
    headers.extend(&terms);
    headers.push("Изменение за год");
    let mut widths = vec![70.0];
    widths.extend(terms.iter().map(|_| 22.0));
    widths.push(28.0);
    l.subheading(&format!("Динамика за учебный год {}/{}", model.term.year, model.term.year + 1));
    l.table(&headers, &widths, &rows);
}

/// The title page: the title, who and when.
fn title_page(l: &mut Layout, title: &str, name: &str, subtitle: &str, model: &ReportModel) {
    l.new_page();
    l.rect(0.0, 0.0, PAGE_W, 8.0, Some(ACCENT), None);
    l.y = 80.0;
    for line in l.fonts.wrap(title, 24.0, true, WIDTH) {
        l.text(LEFT, l.y, 24.0, true, ACCENT, &line);
        l.y += 11.0;
    }
    l.y += 6.0;
    for line in l.fonts.wrap(name, 16.0, true, WIDTH) {
        l.text(LEFT, l.y, 16.0, true, INK, &line);
        l.y += 8.0;
    }
    if !subtitle.is_empty() {
        l.text(LEFT, l.y, 12.0, false, INK, subtitle);
        l.y += 8.0;
    }
    l.text(LEFT, l.y, 12.0, false, INK, &format!("Период: {}", model.term.russian()));
    l.y += 8.0;
    if let Some(compared) = model.compared {
        l.text(LEFT, l.y, 10.0, false, MUTED, &format!("Сравнение с периодом: {}", compared.russian()));
    }
    l.y = BOTTOM - 10.0;
    l.text(
        LEFT,
        l.y,
        9.0,
        false,
        MUTED,
        &format!("Сформировано {} · tutorstat {}", model.generated_at.format("%d.%m.%Y %H:%M"), env!("CARGO_PKG_VERSION")),
    );
}

/// Renders one school's report into PDF bytes.
pub fn render(model: &ReportModel, school: &School, fonts: &Fonts) -> Vec<u8> {
    let title = "Мониторинг тьюторского сопровождения";
    let doc = document(&format!("{title}: {}, {}", school.name, model.term.russian()), model.generated_at, fonts);
    let mut l = Layout::new(fonts);
    let code = school.code.as_str();

    // 1. Title page.
    title_page(&mut l, title, &school.name, &format!("{} · код ОО {}", school.municipality, school.code), model);

    // 2. Summary.
    l.new_page();
    l.heading("Ключевые показатели");
    let change = match model.compared {
        Some(compared) => format!("Изменение — по сравнению с периодом «{}».", compared.russian()),
        None => format!("Изменения не показаны: за период «{}» данных нет.", model.compare.russian()),
    };
    l.paragraph(&change, 9.0, false);
    l.cards(&model.key_figures(code));
    let reasons = model.flag_reasons(code);
    if !reasons.is_empty() {
        l.subheading("Школа нуждается в методической поддержке");
        l.paragraph(&format!("Причины: {}.", reasons.join("; ")), 10.0, false);
    }
    let (successes, difficulties) = model.highlights(code);
    l.subheading("Успехи");
    for s in &successes {
        l.paragraph(s, 10.0, true);
    }
    l.subheading("Сложности");
    for s in &difficulties {
        l.paragraph(s, 10.0, true);
    }

    // The key figures across the school year.
    year_trend(&mut l, model, code);

    // 3. Charts.
    let charts = model.charts(code);
    if !charts.is_empty() {
        l.new_page();
        l.heading("Графики");
        for c in &charts {
            l.chart(c);
        }
    }

    // 4. Tables of persons.
    let people = model.part(Part::People, code);
    let (ids, full, roles, classes) =
        (strings(&people, "id"), strings(&people, "full_name"), strings(&people, "role"), strings(&people, "class"));
    let diag = model.rows(code, "school", "d_pct").map(|df| strings(&df, "group")).unwrap_or_default().into_iter().find(|g| !g.is_empty());
    let student_rows: Vec<Vec<String>> = (0..ids.len())
        .filter(|&i| roles[i] == "обучающийся")
        .map(|i| {
            let v = |ind: &str, g: &str| model.value(code, &ids[i], ind, g);
            vec![
                ids[i].clone(),
                full[i].clone(),
                classes[i].clone(),
                cell(v("att_rate", ""), Indicator::AttRate),
                cell(v("r_done_pct", ""), Indicator::RDonePct),
                cell(v("r_overdue", ""), Indicator::ROverdue),
                cell(v("r_achievements", ""), Indicator::RAchievements),
                cell(diag.as_deref().and_then(|g| v("d_pct", g)), Indicator::DPct),
            ]
        })
        .collect();
    if !student_rows.is_empty() {
        l.new_page();
        l.heading("Обучающиеся");
        let diag_header = diag.as_deref().map(|g| format!("Диагностика ({})", model.words.path(g))).unwrap_or_else(|| "Диагностика".into());
        l.table(
            &["ID", "ФИО", "Класс", "Посещаемость", "Маршрут выполнен", "Просрочено", "Достижений", &diag_header],
            &[14.0, 42.0, 11.0, 17.0, 17.0, 14.0, 14.0, 20.0],
            &student_rows,
        );
    }
    let staff_rows: Vec<Vec<String>> = (0..ids.len())
        .filter(|&i| roles[i] != "обучающийся")
        .map(|i| {
            let v = |ind: &str| model.value(code, &ids[i], ind, "");
            vec![
                ids[i].clone(),
                full[i].clone(),
                roles[i].clone(),
                cell(v("att_rate"), Indicator::AttRate),
                cell(v("att_events"), Indicator::AttEvents),
                cell(v("att_hours"), Indicator::AttHours),
            ]
        })
        .collect();
    if !staff_rows.is_empty() {
        l.heading("Педагоги");
        l.table(&["ID", "ФИО", "Роль", "Посещаемость", "Событий", "Часов"], &[14.0, 50.0, 22.0, 20.0, 14.0, 14.0], &staff_rows);
    }

    // 5. What needs action.
    l.new_page();
    l.heading("Что требует внимания");
    l.subheading("Посещаемость ниже 50 %");
    let low: Vec<Vec<String>> =
        model.low_attendance(code).into_iter().map(|(id, name, rate)| vec![id, name, names::value(Indicator::AttRate, rate)]).collect();
    if low.is_empty() {
        l.paragraph("Таких участников нет.", 9.0, false)
    } else {
        l.table(&["ID", "ФИО", "Посещаемость"], &[20.0, 80.0, 25.0], &low)
    }
    l.subheading("Просроченные шаги маршрутов");
    let overdue = model.part(Part::Overdue, code);
    let due = overdue
        .column("due")
        .ok()
        .and_then(|c| {
            c.date()
                .ok()
                .map(|d| d.as_date_iter().map(|d| d.map(|d| d.format("%d.%m.%Y").to_string()).unwrap_or_default()).collect::<Vec<_>>())
        })
        .unwrap_or_default();
    let columns = ["id", "full_name", "goal", "activity"].map(|c| strings(&overdue, c));
    let overdue_rows: Vec<Vec<String>> = (0..overdue.height())
        .map(|i| {
            let mut row: Vec<String> = columns.iter().map(|c| c[i].clone()).collect();
            row.push(due.get(i).cloned().unwrap_or_default());
            row
        })
        .collect();
    if overdue_rows.is_empty() {
        l.paragraph("Просроченных шагов нет.", 9.0, false)
    } else {
        l.table(&["ID", "ФИО", "Цель", "Мероприятие", "Срок"], &[14.0, 36.0, 40.0, 50.0, 18.0], &overdue_rows)
    }
    l.subheading("Рекомендуемые группы по дефицитным темам");
    let groups = model.part(Part::Groups, code);
    let g = ["diagnostic", "wave", "topic_code", "topic", "person_id", "full_name"].map(|c| strings(&groups, c));
    let group_rows: Vec<Vec<String>> = (0..groups.height())
        .map(|i| {
            vec![format!("{}, {}", g[0][i], names::wave(&g[1][i])), format!("{} {}", g[2][i], g[3][i]), g[4][i].clone(), g[5][i].clone()]
        })
        .collect();
    if group_rows.is_empty() {
        l.paragraph("Групп нет: ни по одной теме не набралось достаточно участников с результатом ниже 50 %.", 9.0, false)
    } else {
        l.table(&["Диагностика", "Тема", "ID", "ФИО"], &[40.0, 50.0, 16.0, 50.0], &group_rows)
    }
    l.subheading("Снижение по компетенциям");
    let declining: Vec<Vec<String>> = model
        .declining(code)
        .into_iter()
        .map(|(id, name, group, v)| vec![id, name, group, names::value(Indicator::QProgress, v)])
        .collect();
    if declining.is_empty() {
        l.paragraph("Снижений нет.", 9.0, false)
    } else {
        l.table(&["ID", "ФИО", "Анкета, компетенция", "Изменение"], &[16.0, 56.0, 56.0, 24.0], &declining)
    }

    // 6. Completeness and provenance.
    l.new_page();
    l.heading("Полнота данных и источники");
    let forms = model.part(Part::Forms, code);
    let received = forms
        .column("received")
        .ok()
        .and_then(|c| c.bool().ok().map(|b| b.iter().map(|v| v.unwrap_or(false)).collect::<Vec<_>>()))
        .unwrap_or_default();
    let form_rows: Vec<Vec<String>> = strings(&forms, "form")
        .iter()
        .zip(&received)
        .map(|(f, r)| vec![model.words.form(f), if *r { "получена" } else { "нет" }.into()])
        .collect();
    l.table(&["Ожидаемая форма", "Статус"], &[120.0, 40.0], &form_rows);
    l.subheading("Файлы, из которых взяты данные");
    let log_rows: Vec<Vec<String>> = model
        .log_of(code)
        .map(|e| {
            vec![
                e.file.clone(),
                e.sha256.clone(),
                e.outcome.russian().into(),
                format!("{} / {} / {} / {}", e.rows_read, e.rows_stored, e.rows_rejected, e.rows_blank),
                e.warnings.to_string(),
            ]
        })
        .collect();
    l.table(
        &["Файл", "SHA-256", "Итог", "Строк: прочитано / сохранено / отклонено / пустых", "Предупр."],
        &[44.0, 56.0, 18.0, 28.0, 12.0],
        &log_rows,
    );
    let rejected: usize = model.log_of(code).map(|e| e.rows_rejected).sum();
    l.paragraph(&format!("Исключено строк: {rejected} (файлы с ошибками возвращены педагогам со списком ошибок)."), 9.0, false);

    finish(doc, l, &format!("{} · {}", school.name, model.term.russian()))
}

/// Renders the centre's report: completeness, support, municipalities, schools, distributions.
pub fn render_centre(model: &ReportModel, view: &super::centre::CentreView, fonts: &Fonts) -> Vec<u8> {
    use super::centre::{school_cell, unit_cell};
    let title = "Мониторинг тьюторского сопровождения";
    let doc = document(&format!("{title}: сводка центра, {}", model.term.russian()), model.generated_at, fonts);
    let mut l = Layout::new(fonts);
    title_page(&mut l, title, "Сводка по школам и муниципалитетам", &format!("Школ в реестре: {}", view.reporting.len()), model);

    l.new_page();
    l.heading("Полнота сдачи форм");
    let complete = view.reporting.iter().filter(|r| r.expected > 0 && r.received == r.expected).count();
    let registered = view.reporting.len() as u64;
    let schools = crate::russian::noun(registered, "школы", "школ", "школ");
    l.paragraph(&format!("Сдали все ожидаемые формы {complete} из {registered} {schools} реестра."), 10.0, false);
    let rows: Vec<Vec<String>> = view
        .reporting
        .iter()
        .map(|r| {
            let status = if r.received == 0 {
                "нет данных".to_string()
            } else if r.missing.is_empty() {
                "все формы".into()
            } else {
                format!("нет: {}", r.missing.join("; "))
            };
            vec![
                r.school.municipality.clone(),
                r.school.code.clone(),
                r.school.name.clone(),
                format!("{} из {}", r.received, r.expected),
                status,
                r.late.clone().map(|d| format!("позже срока ({d})")).unwrap_or_default(),
            ]
        })
        .collect();
    l.table(&["Муниципалитет", "Код ОО", "Наименование ОО", "Формы", "Статус", "Срок"], &[28.0, 16.0, 44.0, 14.0, 44.0, 20.0], &rows);

    l.heading("Школы, нуждающиеся в методической поддержке");
    if view.flagged.is_empty() {
        l.paragraph("Таких школ нет.", 10.0, false);
    } else {
        let rows: Vec<Vec<String>> = view
            .flagged
            .iter()
            .map(|(s, reasons)| vec![s.municipality.clone(), s.code.clone(), s.name.clone(), reasons.join("; ")])
            .collect();
        l.table(&["Муниципалитет", "Код ОО", "Наименование ОО", "Причины"], &[28.0, 16.0, 50.0, 70.0], &rows);
    }

    l.new_page();
    l.heading("Муниципалитеты и регион");
    let mut headers: Vec<String> = vec!["Муниципалитет".into(), "Сдали всё".into()];
    headers.extend(view.columns.iter().map(|(t, _, _)| t.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut widths = vec![30.0, 16.0];
    widths.extend(view.columns.iter().map(|_| 18.0));
    let rows: Vec<Vec<String>> = view
        .municipalities
        .iter()
        .chain(std::iter::once(&String::new()))
        .map(|m| {
            let mut row = vec![
                if m.is_empty() { "Регион".into() } else { m.clone() },
                cell(model.unit_value(m, Indicator::SchoolsReportingPct.code(), "").0, Indicator::SchoolsReportingPct),
            ];
            for (_, ind, g) in &view.columns {
                let now = unit_cell(model, m, *ind, g);
                let (v, p) = model.unit_value(m, ind.code(), g);
                let change = match (now, v.zip(p)) {
                    (super::centre::Shown::Value(_), Some((v, p))) => format!(" ({})", names::change(*ind, v - p)),
                    _ => String::new(),
                };
                row.push(format!("{}{change}", now.text(*ind)));
            }
            row
        })
        .collect();
    l.table(&header_refs, &widths, &rows);
    if !view.municipalities.is_empty() {
        l.chart(&view.by_municipality);
    }

    l.new_page();
    l.heading("Школы");
    let mut note =
        "Сначала школы, нуждающиеся в поддержке, затем по посещаемости от низкой к высокой. В скобках — изменение к периоду сравнения."
            .to_string();
    if let Some(k) = model.small_cell {
        let mark = super::centre::suppressed_mark(k);
        note.push_str(&format!(" «{mark}» — показатель скрыт: он описывает меньше {k} человек (в этом периоде или в периоде сравнения изменение тоже не показано)."));
    }
    l.paragraph(&note, 9.0, false);
    let mut headers: Vec<String> = vec!["Школа".into()];
    headers.extend(view.columns.iter().map(|(t, _, _)| t.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut widths = vec![40.0];
    widths.extend(view.columns.iter().map(|_| 18.0));
    let rows: Vec<Vec<String>> = view
        .ranked
        .iter()
        .map(|s| {
            let mut row = vec![format!("{} ({}, {})", s.name, s.code, s.municipality)];
            for (_, ind, g) in &view.columns {
                let now = school_cell(model, &s.code, *ind, g);
                let change = match (now, model.previous(&s.code, ind.code(), g)) {
                    (super::centre::Shown::Value(v), Some(p)) => format!(" ({})", names::change(*ind, v - p)),
                    _ => String::new(),
                };
                row.push(format!("{}{change}", now.text(*ind)));
            }
            row
        })
        .collect();
    l.table(&header_refs, &widths, &rows);
    finish(doc, l, &format!("Сводка центра · {}", model.term.russian()))
}
