//! Vector charts on a PDF page: axes, gridlines with labels, bars or a line, a reference
//! line and a legend.

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
        let max_value = series
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().flatten())
            .fold(0.0f64, |m, v| m.max(*v));
        let top = if series.percent {
            100.0
        } else {
            nice_ceiling(max_value)
        };
        let y_of = |v: f64| y0 + h - (v / top) as f32 * h;
        for k in 0..=4 {
            let v = top * k as f64 / 4.0;
            let y = y_of(v);
            self.line(&[(x0, y), (x0 + w, y)], 0xE0E0E0, 0.3, false);
            let label = if series.percent {
                format!("{} %", names::number(v, 0))
            } else {
                names::number(v, 0)
            };
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x0 - 1.5 - lw, y + 1.0, 7.0, false, MUTED, &label);
        }
        self.line(&[(x0, y0), (x0, y0 + h), (x0 + w, y0 + h)], INK, 0.6, false);
        // Bars stand upright on a page whatever the kind: long names wrap below them.
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
            let label = format!("порог {}", names::value(Indicator::DPct, reference));
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
        let mut lx = x0;
        let ly = y0 + h + 6.0 + label_lines * 3.0;
        for (s, (name, _)) in series.series.iter().enumerate() {
            self.rect(lx, ly - 2.5, 3.0, 3.0, Some(SERIES[s % SERIES.len()]), None);
            self.text(lx + 4.0, ly, 7.5, false, INK, name);
            lx += 8.0 + self.fonts.width(name, 7.5, false);
        }
        self.y = y0 + height - 6.0;
    }
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
