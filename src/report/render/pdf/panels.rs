//! Small line charts side by side ([`ChartKind::Lines`]): a panel per series, two to a row,
//! each over the same categories (the terms of a school year), its points labelled with their
//! values. A missing value is a gap: no point, and the line does not cross it.

use super::layout::{INK, LEFT, Layout, MUTED, SERIES, WIDTH};
use crate::report::document::{Chart, ChartKind};
use crate::report::names;
use crate::schema::Unit;

/// Panels in a row.
const COLUMNS: usize = 2;
/// Space between two panels, mm.
const GAP: f32 = 10.0;
/// Height of a panel's plot, mm.
const PLOT_H: f32 = 22.0;
/// Width of a panel's axis labels, mm.
const AXIS_W: f32 = 8.0;

impl Layout<'_> {
    /// The chart's title, then its panels row by row, a row never split across pages.
    pub fn panels(&mut self, chart: &Chart) {
        debug_assert_eq!(chart.kind, ChartKind::Lines);
        let panel_w = (WIDTH - GAP * (COLUMNS - 1) as f32) / COLUMNS as f32;
        let mut first = true;
        for row in chart.series.chunks(COLUMNS) {
            let titles: Vec<Vec<String>> = row
                .iter()
                .map(|(name, _)| {
                    self.fonts
                        .wrap(name, 7.5, true, panel_w)
                        .into_iter()
                        .take(3)
                        .collect()
                })
                .collect();
            let title_h = titles.iter().map(Vec::len).max().unwrap_or(1) as f32 * 3.2;
            let height = title_h + 4.0 + PLOT_H + 8.0;
            let heading = if first && !chart.title.is_empty() {
                8.0
            } else {
                0.0
            };
            self.ensure(heading + height + 4.0);
            self.y += 4.0;
            if heading > 0.0 {
                self.text(LEFT, self.y + 2.0, 10.0, true, INK, &chart.title);
                self.y += heading;
            }
            first = false;
            for (k, ((_, values), title)) in row.iter().zip(&titles).enumerate() {
                let x = LEFT + k as f32 * (panel_w + GAP);
                for (i, line) in title.iter().enumerate() {
                    self.text(x, self.y + 2.5 + i as f32 * 3.2, 7.5, true, INK, line);
                }
                self.panel(chart, values, x, self.y + title_h + 4.0, panel_w);
            }
            self.y += height;
        }
    }

    /// One panel's plot with its top-left corner at (`x`, `y`): gridlines, the line through
    /// consecutive values, the points and their values, the categories below.
    fn panel(&mut self, chart: &Chart, values: &[Option<f64>], x: f32, y: f32, w: f32) {
        let unit = if chart.percent {
            Unit::Percent
        } else {
            Unit::Number
        };
        let top = if chart.percent {
            100.0
        } else {
            let max = values.iter().flatten().fold(0.0f64, |m, v| m.max(*v));
            if max > 0.0 { max * 1.2 } else { 1.0 }
        };
        let (x0, pw) = (x + AXIS_W, w - AXIS_W - 1.0);
        let y_of = |v: f64| y + PLOT_H - (v.clamp(0.0, top) / top) as f32 * PLOT_H;
        for k in 0..=2 {
            let v = top * k as f64 / 2.0;
            let gy = y_of(v);
            self.line(&[(x0, gy), (x0 + pw, gy)], 0xE0E0E0, 0.3, false);
            let label = names::number(v, 0);
            let lw = self.fonts.width(&label, 6.0, false);
            self.text(x0 - 1.0 - lw, gy + 1.0, 6.0, false, MUTED, &label);
        }
        self.line(&[(x0, y + PLOT_H), (x0 + pw, y + PLOT_H)], INK, 0.5, false);
        let slot = pw / chart.categories.len().max(1) as f32;
        let point = |i: usize, v: f64| (x0 + slot * (i as f32 + 0.5), y_of(v));
        let colour = SERIES[0];
        for (i, pair) in values.windows(2).enumerate() {
            if let [Some(a), Some(b)] = pair {
                self.line(&[point(i, *a), point(i + 1, *b)], colour, 1.2, false);
            }
        }
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let (px, py) = point(i, *v);
            self.rect(px - 0.8, py - 0.8, 1.6, 1.6, Some(colour), None);
            let label = names::in_unit(unit, *v);
            let lw = self.fonts.width(&label, 6.0, false);
            self.text(px - lw / 2.0, py - 1.8, 6.0, false, INK, &label);
        }
        for (i, category) in chart.categories.iter().enumerate() {
            for (k, line) in self
                .fonts
                .wrap(category, 6.0, false, slot - 0.5)
                .iter()
                .take(2)
                .enumerate()
            {
                let lw = self.fonts.width(line, 6.0, false);
                let cx = x0 + slot * (i as f32 + 0.5) - lw / 2.0;
                self.text(
                    cx,
                    y + PLOT_H + 3.5 + k as f32 * 2.6,
                    6.0,
                    false,
                    MUTED,
                    line,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use printpdf::{Op, TextItem};

    use super::*;
    use crate::report::render::pdf::font::Fonts;

    /// The texts laid out, in order.
    fn shown(l: &Layout) -> Vec<String> {
        l.pages
            .iter()
            .flatten()
            .filter_map(|op| match op {
                Op::ShowText { items } => Some(
                    items
                        .iter()
                        .filter_map(|i| match i {
                            TextItem::Text(t) => Some(t.clone()),
                            _ => None,
                        })
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    /// The lines drawn, as their point counts.
    fn lines(l: &Layout) -> usize {
        l.pages
            .iter()
            .flatten()
            .filter(|op| matches!(op, Op::DrawLine { .. }))
            .count()
    }

    #[test]
    fn a_term_without_a_value_is_a_gap_in_its_panel_not_a_zero() {
        let fonts = Fonts::load();
        let chart = |values: Vec<Option<f64>>| Chart {
            kind: ChartKind::Lines,
            title: "Муниципалитет за учебный год".into(),
            categories: ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]
                .map(String::from)
                .to_vec(),
            series: vec![("Посещаемость".into(), values)],
            reference: None,
            percent: true,
            notes: Vec::new(),
        };
        let draw = |values| {
            let mut l = Layout::new(&fonts);
            l.new_page();
            l.panels(&chart(values));
            (shown(&l), lines(&l))
        };
        let (full, full_lines) = draw(vec![Some(40.0), Some(50.0), Some(55.0), Some(60.0)]);
        let (gap, gap_lines) = draw(vec![Some(40.0), None, Some(55.0), Some(60.0)]);
        assert!(full.contains(&"50,0 %".to_string()), "{full:?}");
        for text in ["40,0 %", "55,0 %", "60,0 %", "2 четверть", "Посещаемость"]
        {
            assert!(gap.contains(&text.to_string()), "{text}: {gap:?}");
        }
        assert!(
            !gap.contains(&"50,0 %".to_string()) && !gap.contains(&"0,0 %".to_string()),
            "no value, and no zero, in the gap: {gap:?}"
        );
        // Three segments join four values; across the gap only the 3rd-4th is left.
        assert_eq!(full_lines - gap_lines, 2);
    }
}
