//! The row charts of a PDF page, a row per category with its label on the left and a note
//! on the right: 100 % stacked bars ([`ChartKind::Stacked`]: reporting, levels) and a
//! spread of schools' values with the region's line ([`ChartKind::Spread`]).

use super::layout::{BAD, BOTTOM, INK, LEFT, Layout, MUTED, SERIES, WIDTH};
use crate::report::document::{Chart, ChartKind};
use crate::report::names;
use crate::report::region::Quartiles;
use crate::schema::Unit;

/// Width of the row labels (municipalities), mm.
const LABEL_W: f32 = 40.0;
/// Width of the note right of a row, mm.
const NOTE_W: f32 = 24.0;
/// Height of one chart row, mm.
const ROW_H: f32 = 6.0;

/// Colours of a stacked chart's parts: good, middling, bad (reporting on time, late,
/// missing; levels high, middle, low are given in the order low, middle, high).
const STACKED: [u32; 3] = [0x70AD47, 0xED7D31, 0xC62828];
const LEVELS: [u32; 3] = [0xC62828, 0xFFC000, 0x70AD47];
const BOX: u32 = 0xDDEBF7;
const WHITE: u32 = 0xFFFFFF;

impl Layout<'_> {
    /// A row chart: stacked bars or a spread, by the chart's kind.
    pub fn row_chart(&mut self, chart: &Chart) {
        match chart.kind {
            ChartKind::Spread => self.spread(chart),
            _ => self.stacked_rows(chart),
        }
    }

    /// Rows of 100 % stacked bars, one per category, with a legend. Percentages are level
    /// shares (low to high), counts are schools (good to bad).
    fn stacked_rows(&mut self, chart: &Chart) {
        let palette = if chart.percent { LEVELS } else { STACKED };
        let legend: Vec<(&str, u32)> = chart
            .series
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (name.as_str(), palette[i % palette.len()]))
            .collect();
        let (x0, w) = (LEFT + LABEL_W, WIDTH - LABEL_W - NOTE_W);
        self.ensure(16.0 + ROW_H * chart.categories.len().min(4) as f32);
        self.y += 6.0;
        self.text(LEFT, self.y, 10.0, true, INK, &chart.title);
        self.legend(LEFT, self.y + 5.0, &legend);
        self.y += 8.0;
        for (i, label) in chart.categories.iter().enumerate() {
            if self.y + ROW_H > BOTTOM {
                self.new_page();
            }
            self.row_label(label, ROW_H);
            let parts: Option<Vec<f64>> = chart
                .series
                .iter()
                .map(|(_, values)| values.get(i).copied().flatten())
                .collect();
            match parts {
                Some(parts) if parts.iter().sum::<f64>() > 0.0 => {
                    let total: f64 = parts.iter().sum();
                    let mut x = x0;
                    for (k, part) in parts.iter().enumerate() {
                        let pw = (part / total) as f32 * w;
                        let color = legend[k].1;
                        if pw > 0.0 {
                            self.rect(x, self.y + 0.8, pw, ROW_H - 1.6, Some(color), None);
                        }
                        let text = match (*part > 0.0, chart.percent) {
                            (false, _) => String::new(),
                            (true, true) => format!("{} %", names::number(*part, 0)),
                            (true, false) => names::number(*part, 0),
                        };
                        let tw = self.fonts.width(&text, 6.5, false);
                        if !text.is_empty() && tw + 1.0 < pw {
                            let ink = if color == LEVELS[1] { INK } else { WHITE };
                            self.text(
                                x + (pw - tw) / 2.0,
                                self.y + ROW_H / 2.0 + 1.0,
                                6.5,
                                false,
                                ink,
                                &text,
                            );
                        }
                        x += pw;
                    }
                }
                _ => self.rect(x0, self.y + 0.8, w, ROW_H - 1.6, None, Some(0xBFBFBF)),
            }
            let note = chart.notes.get(i).map(String::as_str).unwrap_or_default();
            self.text(
                x0 + w + 2.0,
                self.y + ROW_H / 2.0 + 1.0,
                7.0,
                false,
                MUTED,
                note,
            );
            self.y += ROW_H;
        }
        self.y += 3.0;
    }

    /// A row's label, wrapped onto at most two lines left of the chart.
    fn row_label(&mut self, label: &str, row_h: f32) {
        let lines: Vec<String> = self
            .fonts
            .wrap(label, 7.0, false, LABEL_W - 2.0)
            .into_iter()
            .take(2)
            .collect();
        let top = self.y + row_h / 2.0 + 1.0 - (lines.len() as f32 - 1.0) * 1.4;
        for (k, l) in lines.iter().enumerate() {
            self.text(LEFT, top + k as f32 * 2.8, 7.0, false, INK, l);
        }
    }

    /// Coloured squares with their names, from `x` on the line at `y`.
    pub(super) fn legend(&mut self, x: f32, y: f32, items: &[(&str, u32)]) {
        let mut lx = x;
        for (name, color) in items {
            self.rect(lx, y - 2.5, 3.0, 3.0, Some(*color), None);
            self.text(lx + 4.0, y, 7.5, false, INK, name);
            lx += 8.0 + self.fonts.width(name, 7.5, false);
        }
    }

    /// Schools' values by category (municipality): a row per category with every school's
    /// value as a dot, the middle half of them as a box with the median, the category's own
    /// figure as an orange tick, and the reference (the region's figure) as a dashed line
    /// across the rows. Rows continue on the next page with the axis repeated.
    fn spread(&mut self, chart: &Chart) {
        let (x0, w) = (LEFT + LABEL_W, WIDTH - LABEL_W - NOTE_W);
        let unit = if chart.percent {
            Unit::Percent
        } else {
            Unit::Number
        };
        let own = chart
            .series
            .first()
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default();
        let rows: Vec<Vec<f64>> = (0..chart.categories.len())
            .map(|i| {
                let mut values: Vec<f64> = chart
                    .series
                    .iter()
                    .skip(1)
                    .filter_map(|(_, v)| v.get(i).copied().flatten())
                    .collect();
                values.sort_by(f64::total_cmp);
                values
            })
            .collect();
        let max = rows.iter().flatten().fold(0.0f64, |m, v| m.max(*v));
        let top = if chart.percent {
            100.0f64.max(max)
        } else {
            max.max(1.0).ceil()
        };
        let x_of = |v: f64| x0 + (v / top) as f32 * w;
        // Few categories get taller rows; many stay compact and continue on the next page.
        let row_h = if chart.categories.len() <= 12 {
            2.0 * ROW_H
        } else {
            ROW_H
        };
        let mut i = 0;
        while i < chart.categories.len() {
            self.ensure(20.0 + row_h * 2.0);
            // The axis: values above the rows, grid lines through them.
            self.y += 4.0;
            for k in 0..=4 {
                let v = top * k as f64 / 4.0;
                let label = if chart.percent {
                    format!("{} %", names::number(v, 0))
                } else {
                    names::number(v, 0)
                };
                let lw = self.fonts.width(&label, 6.5, false);
                self.text(x_of(v) - lw / 2.0, self.y, 6.5, false, MUTED, &label);
            }
            self.text(x0 + w + 8.0, self.y, 6.5, false, MUTED, "школ");
            self.y += 1.5;
            let first = self.y;
            while i < chart.categories.len() && self.y + row_h + 10.0 <= BOTTOM {
                self.row_label(&chart.categories[i], row_h);
                let mid = self.y + row_h / 2.0;
                let values = &rows[i];
                match Quartiles::of(values) {
                    Some(q) => {
                        self.line(&[(x_of(q.min), mid), (x_of(q.max), mid)], MUTED, 0.4, false);
                        let half = row_h * 0.3;
                        self.rect(
                            x_of(q.q1),
                            mid - half,
                            (x_of(q.q3) - x_of(q.q1)).max(0.3),
                            2.0 * half,
                            Some(BOX),
                            Some(SERIES[0]),
                        );
                        self.line(
                            &[(x_of(q.median), mid - half), (x_of(q.median), mid + half)],
                            INK,
                            1.0,
                            false,
                        );
                        for v in values {
                            self.rect(x_of(*v) - 0.6, mid - 0.6, 1.2, 1.2, Some(SERIES[0]), None);
                        }
                    }
                    None => self.text(
                        x0 + 1.0,
                        mid + 1.0,
                        7.0,
                        false,
                        MUTED,
                        "нет показанных значений",
                    ),
                }
                if let Some(Some(v)) = own.get(i) {
                    self.line(
                        &[(x_of(*v), mid - row_h * 0.4), (x_of(*v), mid + row_h * 0.4)],
                        SERIES[1],
                        1.4,
                        false,
                    );
                }
                self.text(
                    x0 + w + 8.0,
                    mid + 1.0,
                    7.0,
                    false,
                    MUTED,
                    &values.len().to_string(),
                );
                self.y += row_h;
                i += 1;
            }
            for k in 0..=4 {
                let x = x_of(top * k as f64 / 4.0);
                self.line(&[(x, first), (x, self.y)], 0xE0E0E0, 0.3, false);
            }
            if let Some(v) = chart.reference {
                self.line(&[(x_of(v), first - 1.0), (x_of(v), self.y)], BAD, 0.8, true);
                let label = format!("регион {}", names::in_unit(unit, v));
                self.text(x_of(v) + 1.0, self.y + 3.0, 7.0, false, BAD, &label);
            }
            self.y += 7.0;
        }
        let own_name = chart
            .series
            .first()
            .map(|(n, _)| n.as_str())
            .unwrap_or_default();
        let legend = [
            ("школа", SERIES[0]),
            ("средние 50 % школ", BOX),
            (own_name, SERIES[1]),
            ("регион", BAD),
        ];
        self.ensure(6.0);
        self.legend(LEFT, self.y, &legend);
        self.y += 4.0;
    }
}
