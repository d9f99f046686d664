//! Vector charts on a PDF page: axes, gridlines with labels, upright or horizontal bars or a
//! line, a reference line and a legend.

use super::layout::{BAD, INK, LEFT, Layout, MUTED, SERIES, WIDTH};
use crate::report::document::{Chart, ChartKind};
use crate::report::names;
use crate::schema::Indicator;

impl Layout<'_> {
    /// A vector chart: axes, gridlines with labels, bars or a line, the reference line, a legend.
    pub fn chart(&mut self, series: &Chart) {
        let (x0, w) = (LEFT + 12.0, WIDTH - 14.0);
        let slot = w / series.categories.len().max(1) as f32;
        // Category labels (competency names are long) wrap onto as many as four lines.
        let labels: Vec<Vec<String>> = series
            .categories
            .iter()
            .map(|c| {
                self.fonts
                    .wrap(c, 7.0, false, slot - 1.0)
                    .into_iter()
                    .take(4)
                    .collect()
            })
            .collect();
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1).max(2) as f32;
        let height = 72.0 + label_lines * 3.0;
        self.ensure(height + 12.0);
        self.y += 6.0;
        self.text(LEFT, self.y, 10.0, true, INK, &series.title);
        let y0 = self.y + 6.0;
        let h = 52.0;
        let top = axis_top(series);
        let y_of = |v: f64| y0 + h - (v / top) as f32 * h;
        for k in 0..=4 {
            let v = top * k as f64 / 4.0;
            let y = y_of(v);
            self.line(&[(x0, y), (x0 + w, y)], GRID, 0.3, false);
            let label = axis_label(series, v);
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x0 - 1.5 - lw, y + 1.0, 7.0, false, MUTED, &label);
        }
        self.line(&[(x0, y0), (x0, y0 + h), (x0 + w, y0 + h)], INK, 0.6, false);
        let line_chart = series.kind == ChartKind::Line;
        let groups = series.series.len().max(1) as f32;
        for (s, (_, values)) in series.series.iter().enumerate() {
            let color = SERIES[s % SERIES.len()];
            if line_chart {
                let points: Vec<(f32, f32)> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (x0 + slot * (i as f32 + 0.5), y_of(v))))
                    .collect();
                if points.len() > 1 {
                    self.line(&points, color, 1.5, false);
                }
                for (px, py) in points {
                    self.rect(px - 0.9, py - 0.9, 1.8, 1.8, Some(color), None);
                }
            } else {
                let bar = slot * 0.7 / groups;
                for (i, v) in values.iter().enumerate() {
                    let Some(v) = v else { continue };
                    let x = x0 + slot * i as f32 + slot * 0.15 + bar * s as f32;
                    let y = y_of(*v);
                    self.rect(x, y, bar, y0 + h - y, Some(color), None);
                }
            }
        }
        if let Some(reference) = series.reference {
            let y = y_of(reference);
            self.line(&[(x0, y), (x0 + w, y)], BAD, 0.8, true);
            let label = reference_label(reference);
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x0 + w - lw, y - 1.0, 7.0, false, BAD, &label);
        }
        for (i, label) in labels.iter().enumerate() {
            for (k, l) in label.iter().enumerate() {
                let lw = self.fonts.width(l, 7.0, false);
                self.text(
                    x0 + slot * (i as f32 + 0.5) - lw / 2.0,
                    y0 + h + 4.0 + k as f32 * 3.0,
                    7.0,
                    false,
                    INK,
                    l,
                );
            }
        }
        self.legend(x0, y0 + h + 6.0 + label_lines * 3.0, &legend(series));
        self.y = y0 + height - 6.0;
    }

    /// Horizontal bars ([`ChartKind::Bar`], chosen for long category names): a row per
    /// category, its name on the left and read top down in the document's order, a bar per
    /// series running right along the value axis, the reference as an upright dashed line.
    pub fn bars(&mut self, chart: &Chart) {
        let (x0, w) = (LEFT + BAR_LABEL_W, WIDTH - BAR_LABEL_W - 2.0);
        let labels: Vec<Vec<String>> = chart
            .categories
            .iter()
            .map(|c| {
                self.fonts
                    .wrap(c, 7.0, false, BAR_LABEL_W - 3.0)
                    .into_iter()
                    .take(3)
                    .collect()
            })
            .collect();
        let groups = chart.series.len().max(1) as f32;
        let rows: Vec<f32> = labels
            .iter()
            .map(|l| (l.len() as f32 * 2.8 + 1.6).max(groups * BAR_H + 2.0))
            .collect();
        let body: f32 = rows.iter().sum();
        self.ensure(body + 34.0);
        self.y += 6.0;
        self.text(LEFT, self.y, 10.0, true, INK, &chart.title);
        let y0 = self.y + 5.0;
        let y1 = y0 + body;
        let top = axis_top(chart);
        let x_of = |v: f64| x0 + (v / top) as f32 * w;
        for k in 0..=4 {
            let v = top * k as f64 / 4.0;
            let x = x_of(v);
            self.line(&[(x, y0), (x, y1)], GRID, 0.3, false);
            let label = axis_label(chart, v);
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x - lw / 2.0, y1 + 3.5, 7.0, false, MUTED, &label);
        }
        let mut y = y0;
        for (i, (label, row_h)) in labels.iter().zip(&rows).enumerate() {
            let first = y + row_h / 2.0 + 1.0 - (label.len() as f32 - 1.0) * 1.4;
            for (k, l) in label.iter().enumerate() {
                self.text(LEFT, first + k as f32 * 2.8, 7.0, false, INK, l);
            }
            let bars_top = y + (row_h - groups * BAR_H) / 2.0;
            for (s, (_, values)) in chart.series.iter().enumerate() {
                if let Some(v) = values.get(i).copied().flatten() {
                    let color = SERIES[s % SERIES.len()];
                    let by = bars_top + s as f32 * BAR_H;
                    self.rect(x0, by, x_of(v) - x0, BAR_H * 0.85, Some(color), None);
                }
            }
            y += row_h;
        }
        self.line(&[(x0, y0), (x0, y1), (x0 + w, y1)], INK, 0.6, false);
        if let Some(reference) = chart.reference {
            let x = x_of(reference);
            self.line(&[(x, y0), (x, y1)], BAD, 0.8, true);
            self.text(
                x + 1.0,
                y0 - 1.0,
                7.0,
                false,
                BAD,
                &reference_label(reference),
            );
        }
        self.legend(x0, y1 + 9.0, &legend(chart));
        self.y = y1 + 12.0;
    }
}

/// Width of a horizontal bar chart's category names, mm.
const BAR_LABEL_W: f32 = 56.0;
/// Thickness of one series' bar in a horizontal bar chart, mm.
const BAR_H: f32 = 2.6;
/// Colour of the gridlines.
const GRID: u32 = 0xE0E0E0;

/// The top of the value axis: 100 for percentages, else a round number above the largest.
fn axis_top(chart: &Chart) -> f64 {
    let max_value = chart
        .series
        .iter()
        .flat_map(|(_, v)| v.iter().flatten())
        .fold(0.0f64, |m, v| m.max(*v));
    if chart.percent {
        100.0
    } else {
        nice_ceiling(max_value)
    }
}

/// A gridline's value as the axis prints it.
fn axis_label(chart: &Chart, v: f64) -> String {
    if chart.percent {
        format!("{} %", names::number(v, 0))
    } else {
        names::number(v, 0)
    }
}

/// The reference line's caption: the threshold of a diagnostic topic's result.
fn reference_label(reference: f64) -> String {
    format!("порог {}", names::value(Indicator::DPct, reference))
}

/// The series' names with their colours.
fn legend(chart: &Chart) -> Vec<(&str, u32)> {
    chart
        .series
        .iter()
        .enumerate()
        .map(|(s, (name, _))| (name.as_str(), SERIES[s % SERIES.len()]))
        .collect()
}

/// 1, 2, 5 times a power of ten, at least `v`.
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round_numbers() {
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(41.0), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
