//! An individual card laid out on A4 with the school report's fonts, layout engine and
//! charts: the header, «На что обратить внимание», attendance with a month
//! sparkline, the route, diagnostics, questionnaire profiles and answers. A section without
//! data is left out. A card that does not fit one page continues on the next, which carries
//! a running header with the person's name; a tutor's file is her tutorants' cards one
//! after another, each numbered on its own.

use printpdf::Op;

use super::font::{Fonts, PT_PER_MM};
use super::layout::{self, ACCENT, BAD, INK, LEFT, Layout, MUTED, PAGE_W, RIGHT, SERIES, WIDTH};
use crate::report::names;
use crate::report::view::card::{
    self as cards, Attendance, Card, Diagnostic, Profile, Route, Topic,
};
use crate::schema::Indicator;

/// A card's pages and its running header.
#[derive(Clone)]
pub struct Laid {
    pages: Vec<Vec<Op>>,
    header: String,
}

/// Lays a card out on its pages.
pub fn lay_out(card: &Card, fonts: &Fonts) -> Laid {
    let mut l = Layout::new(fonts);
    l.new_page();
    header(&mut l, card);
    let route_items = card.route.as_ref().filter(|r| !r.items.is_empty());
    if card.attendance.is_none()
        && route_items.is_none()
        && card.diagnostics.is_empty()
        && card.profiles.is_empty()
        && card.answers.is_empty()
    {
        l.paragraph("За этот период данных об участнике нет: ни отметок посещаемости, ни маршрута, ни диагностик, ни анкет.", 9.0, false);
        return Laid {
            pages: l.pages,
            header: format!("{} (продолжение)", card.title()),
        };
    }
    attention(&mut l, &card.attention);
    if let Some(a) = &card.attendance {
        attendance(&mut l, a);
    }
    if let Some(r) = route_items {
        route(&mut l, r, card.person.role == "обучающийся");
    }
    for d in &card.diagnostics {
        diagnostic(&mut l, d);
    }
    // A questionnaire's profile and its other answers under one heading.
    let mut titles: Vec<&str> = card.profiles.iter().map(|p| p.title.as_str()).collect();
    titles.extend(
        card.answers
            .iter()
            .map(|a| a.title.as_str())
            .filter(|t| !card.profiles.iter().any(|p| p.title == *t)),
    );
    for title in titles {
        l.subheading(&questionnaire_heading(title));
        if let Some(p) = card.profiles.iter().find(|p| p.title == title) {
            profile(&mut l, p);
        }
        for (question, answer) in card
            .answers
            .iter()
            .filter(|a| a.title == title)
            .flat_map(|a| &a.items)
        {
            l.paragraph(&format!("{question} — {answer}"), 8.5, true);
        }
    }
    Laid {
        pages: l.pages,
        header: format!("{} (продолжение)", card.title()),
    }
}

/// One PDF of cards (a person's, or a tutor's tutorants' one after another).
pub fn save(
    generated_at: chrono::NaiveDateTime,
    fonts: &Fonts,
    title: &str,
    cards: Vec<Laid>,
) -> Vec<u8> {
    let doc = layout::document(title, generated_at, fonts);
    layout::save(
        doc,
        fonts,
        cards.into_iter().map(|c| (c.pages, c.header)).collect(),
    )
}

/// Name, role, class, tutor, school and term, and who the card is for.
fn header(l: &mut Layout, card: &Card) {
    l.rect(0.0, 0.0, PAGE_W, 6.0, Some(ACCENT), None);
    l.y = 12.0;
    let kind = "Индивидуальная карточка";
    let kw = l.fonts.width(kind, 8.0, false);
    l.text(RIGHT - kw, l.y + 3.0, 8.0, false, MUTED, kind);
    l.lines(&card.person.full_name, 16.0, true, INK, WIDTH - kw - 4.0);
    let p = &card.person;
    let mut who = capitalised(&p.role);
    if !p.class.trim().is_empty() {
        who.push_str(&format!(", {} класс", p.class.trim()));
    }
    who.push_str(&format!(" · ID {}", p.id));
    if let Some(t) = &card.tutor {
        who.push_str(&format!(" · тьютор {t}"));
    }
    l.y += 1.0;
    l.lines(&who, 10.0, false, INK, WIDTH);
    let place = format!(
        "{}, {} · {}",
        card.school.name,
        card.school.municipality,
        card.term.russian()
    );
    l.lines(&place, 9.0, false, MUTED, WIDTH);
    l.lines(
        "Для тьюториала. Содержит персональные данные: хранится в школе, никуда не передаётся.",
        7.5,
        false,
        MUTED,
        WIDTH,
    );
    l.y += 2.0;
    l.line(&[(LEFT, l.y), (RIGHT, l.y)], 0xBFBFBF, 0.4, false);
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn attention(l: &mut Layout, sentences: &[String]) {
    l.subheading("На что обратить внимание");
    if sentences.is_empty() {
        l.paragraph(
            "Просроченных шагов маршрута, посещаемости ниже 50 %, дефицитных тем и снижений нет.",
            9.0,
            false,
        );
    }
    for s in sentences {
        l.paragraph(s, 9.0, true);
    }
}

/// Figures on the left, the months as a sparkline on the right.
fn attendance(l: &mut Layout, a: &Attendance) {
    const SPARK_W: f32 = 62.0;
    const SPARK_H: f32 = 17.0;
    l.subheading("Посещаемость");
    l.ensure(SPARK_H + 2.0);
    let top = l.y;
    let text_w = if a.months.is_empty() {
        WIDTH
    } else {
        WIDTH - SPARK_W - 6.0
    };
    let mut first = format!("Посещаемость {}", names::value(Indicator::AttRate, a.rate));
    if let Some(s) = a.school_rate {
        first.push_str(&format!(
            " (в школе {})",
            names::value(Indicator::AttRate, s)
        ));
    }
    l.lines(&first, 9.5, true, INK, text_w);
    let mut counts = Vec::new();
    if let Some(e) = a.events {
        counts.push(format!(
            "посещено событий: {}",
            names::value(Indicator::AttEvents, e)
        ));
    }
    if let Some(h) = a.hours {
        counts.push(format!("часов: {}", names::value(Indicator::AttHours, h)));
    }
    if !counts.is_empty() {
        l.lines(&capitalised(&counts.join(" · ")), 9.0, false, INK, text_w);
    }
    if !a.by_kind.is_empty() {
        let kinds: Vec<String> = a
            .by_kind
            .iter()
            .map(|(k, marked, present)| format!("{k} — {present} из {marked}"))
            .collect();
        l.lines(
            &format!(
                "По видам событий (посещено из отмеченных): {}.",
                kinds.join("; ")
            ),
            8.5,
            false,
            INK,
            text_w,
        );
    }
    let text_bottom = l.y;
    if !a.months.is_empty() {
        sparkline(
            l,
            RIGHT - SPARK_W,
            top + 1.0,
            SPARK_W,
            SPARK_H,
            &a.months,
            a.school_rate,
        );
    }
    l.y = text_bottom.max(top + SPARK_H + 2.0) + 1.5;
}

/// Monthly rates as a small line: values above the points, months below, the school's
/// rate dashed.
fn sparkline(
    l: &mut Layout,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    months: &[(String, f64)],
    school: Option<f64>,
) {
    let (plot_top, plot_h) = (y + 4.0, h - 9.0);
    let y_of = |v: f64| plot_top + plot_h - (v.clamp(0.0, 100.0) / 100.0) as f32 * plot_h;
    let slot = w / months.len() as f32;
    let x_of = |i: usize| x + slot * (i as f32 + 0.5);
    l.line(
        &[(x, plot_top + plot_h), (x + w, plot_top + plot_h)],
        0xBFBFBF,
        0.3,
        false,
    );
    if let Some(s) = school {
        l.line(&[(x, y_of(s)), (x + w, y_of(s))], MUTED, 0.4, true);
    }
    let points: Vec<(f32, f32)> = months
        .iter()
        .enumerate()
        .map(|(i, (_, v))| (x_of(i), y_of(*v)))
        .collect();
    if points.len() > 1 {
        l.line(&points, SERIES[0], 1.2, false);
    }
    for (i, ((px, py), (month, v))) in points.iter().zip(months).enumerate() {
        l.rect(px - 0.7, py - 0.7, 1.4, 1.4, Some(SERIES[0]), None);
        let value = format!("{} %", names::number(*v, 0));
        let vw = l.fonts.width(&value, 6.5, false);
        l.text(px - vw / 2.0, py - 1.5, 6.5, false, INK, &value);
        let label = cards::short_month(month);
        let mw = l.fonts.width(&label, 6.5, false);
        l.text(x_of(i) - mw / 2.0, y + h, 6.5, false, MUTED, &label);
    }
}

fn route(l: &mut Layout, r: &Route, student: bool) {
    l.subheading(if student {
        "Индивидуальная образовательная программа (ИОП)"
    } else {
        "Индивидуальный образовательный маршрут (ИОМ)"
    });
    let mut figures = vec![format!("Шагов: {}", r.items.len())];
    if let Some(d) = r.done_pct {
        figures.push(format!(
            "выполнено {}",
            names::value(Indicator::RDonePct, d)
        ));
    }
    figures.push(format!(
        "просрочено: {}",
        names::value(Indicator::ROverdue, r.overdue)
    ));
    let mut achievements = format!(
        "достижений (призёр, победитель): {}",
        names::value(Indicator::RAchievements, r.achievements)
    );
    if !r.by_level.is_empty() {
        let levels: Vec<String> = r
            .by_level
            .iter()
            .map(|(level, n)| format!("{level} {}", names::value(Indicator::RAchievements, *n)))
            .collect();
        achievements.push_str(&format!(" — {}", levels.join(", ")));
    }
    figures.push(achievements);
    let mut nominations: Vec<(&str, usize)> = Vec::new();
    for item in r
        .items
        .iter()
        .filter(|i| i.achievement && !i.nomination.is_empty())
    {
        match nominations.iter_mut().find(|(n, _)| *n == item.nomination) {
            Some((_, count)) => *count += 1,
            None => nominations.push((&item.nomination, 1)),
        }
    }
    if !nominations.is_empty() {
        let list: Vec<String> = nominations
            .iter()
            .map(|(n, c)| format!("{n} {c}"))
            .collect();
        figures.push(format!("по номинациям: {}", list.join(", ")));
    }
    l.lines(&format!("{}.", figures.join(" · ")), 9.0, false, INK, WIDTH);
    l.y += 1.0;
    let rows: Vec<Vec<String>> = r
        .items
        .iter()
        .map(|i| {
            let level = if i.nomination.is_empty() {
                i.level.clone()
            } else {
                format!("{}, {}", i.level, i.nomination)
            };
            let status = if i.overdue {
                "просрочено".to_string()
            } else {
                i.status.clone()
            };
            vec![
                i.goal.clone(),
                i.activity.clone(),
                level,
                cards::date(i.due),
                status,
                i.result.clone(),
                i.evidence.clone(),
            ]
        })
        .collect();
    let marked: Vec<bool> = r.items.iter().map(|i| i.overdue).collect();
    l.table_marked(
        &[
            "Цель",
            "Мероприятие",
            "Уровень, номинация",
            "Срок",
            "Статус",
            "Результат",
            "Подтверждение",
        ],
        &[33.0, 36.0, 24.0, 16.0, 22.0, 17.0, 26.0],
        &rows,
        &marked,
    );
}

/// Score as points: `8` or `8,5`.
fn points(v: f64) -> String {
    names::number(v, if v.fract() == 0.0 { 0 } else { 1 })
}

fn diagnostic(l: &mut Layout, d: &Diagnostic) {
    l.subheading(&format!("Диагностика «{}»", d.name));
    let waves: Vec<String> = d
        .waves
        .iter()
        .map(|w| {
            format!(
                "{} ({}): {} из {} баллов, {}, уровень {}",
                names::wave(&w.wave),
                w.term.period.russian(),
                points(w.score),
                points(w.max),
                names::value(Indicator::DPct, w.pct),
                w.level
            )
        })
        .collect();
    let mut text = waves.join(" → ");
    if let Some(p) = d.progress {
        text.push_str(&format!(
            "; прирост {}",
            names::value(Indicator::DProgress, p)
        ));
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    l.lines(&text, 9.0, false, INK, WIDTH);
    if !d.topics.is_empty() {
        l.y += 1.0;
        let rows: Vec<Vec<String>> = d
            .topics
            .iter()
            .map(|t| {
                let mark = if t.deficit() {
                    "дефицит (ниже 50 %)"
                } else {
                    ""
                };
                vec![
                    cards::topic_label(t),
                    names::value(Indicator::DTopicPct, t.pct),
                    mark.to_string(),
                ]
            })
            .collect();
        let marked: Vec<bool> = d.topics.iter().map(Topic::deficit).collect();
        let header = format!("Тема ({} диагностика)", names::wave(&d.topics_wave));
        l.table_marked(
            &[&header, "Выполнение", "Отметка"],
            &[110.0, 25.0, 39.0],
            &rows,
            &marked,
        );
    }
    if !d.groups.is_empty() {
        l.lines(
            &format!(
                "Рекомендуемые группы по дефицитным темам: {}.",
                d.groups.join("; ")
            ),
            9.0,
            false,
            BAD,
            WIDTH,
        );
        l.y += 1.5;
    }
}

/// `Анкета «…»`, unless the title already says it.
fn questionnaire_heading(title: &str) -> String {
    if title.starts_with("Анкета") {
        title.to_string()
    } else {
        format!("Анкета «{title}»")
    }
}

/// Competency scores as horizontal bars: a row per competency with its whole name on the
/// left, a bar per wave with its value, on a 0-100 % scale.
fn profile(l: &mut Layout, p: &Profile) {
    const NAME_W: f32 = 60.0;
    const BAR_H: f32 = 2.6;
    const NAME_SIZE: f32 = 7.5;
    let step = NAME_SIZE * 1.3 / PT_PER_MM;
    let bar_x = LEFT + NAME_W + 2.0;
    let bar_w = WIDTH - NAME_W - 16.0;
    let rows: Vec<(Vec<String>, f32)> = p
        .competencies
        .iter()
        .map(|(name, _)| {
            let lines = l.fonts.wrap(name, NAME_SIZE, false, NAME_W);
            let h = (lines.len() as f32 * step).max(p.waves.len() as f32 * (BAR_H + 0.6)) + 2.0;
            (lines, h)
        })
        .collect();
    let total: f32 = rows.iter().map(|(_, h)| h).sum();
    l.ensure(total + 12.0);
    // Legend: a square and the wave's name per wave.
    l.y += 1.5;
    let mut x = bar_x;
    let sense = if p.higher_worse {
        "чем выше, тем больше затруднение"
    } else {
        "оценка компетенции, % от максимума"
    };
    for (k, w) in p.waves.iter().enumerate() {
        let name = names::wave(w);
        l.rect(x, l.y, 2.6, 2.6, Some(SERIES[k % SERIES.len()]), None);
        l.text(x + 3.5, l.y + 2.4, 7.5, false, INK, name);
        x += 8.0 + l.fonts.width(name, 7.5, false);
    }
    l.text(x + 2.0, l.y + 2.4, 7.0, false, MUTED, &format!("({sense})"));
    l.y += 5.0;
    let top = l.y;
    for k in 0..=4 {
        let gx = bar_x + bar_w * k as f32 / 4.0;
        l.line(&[(gx, top), (gx, top + total)], 0xE0E0E0, 0.3, false);
        let label = format!("{} %", k * 25);
        let lw = l.fonts.width(&label, 6.5, false);
        l.text(gx - lw / 2.0, top + total + 3.0, 6.5, false, MUTED, &label);
    }
    for ((lines, h), (_, scores)) in rows.iter().zip(&p.competencies) {
        for (i, line) in lines.iter().enumerate() {
            l.text(
                LEFT,
                l.y + 1.0 + step * (i as f32 + 0.8),
                NAME_SIZE,
                false,
                INK,
                line,
            );
        }
        for (k, score) in scores.iter().enumerate() {
            let Some(v) = score else { continue };
            let y = l.y + 1.0 + k as f32 * (BAR_H + 0.6);
            let w = (v.clamp(0.0, 100.0) / 100.0) as f32 * bar_w;
            l.rect(
                bar_x,
                y,
                w.max(0.3),
                BAR_H,
                Some(SERIES[k % SERIES.len()]),
                None,
            );
            l.text(
                bar_x + w + 1.0,
                y + BAR_H - 0.3,
                6.5,
                false,
                INK,
                &names::value(Indicator::QScore, *v),
            );
        }
        l.y += h;
    }
    l.y += 5.0;
}
