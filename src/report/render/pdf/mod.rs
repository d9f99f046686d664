//! The printed report of a document, A4: a title page, then each section the printed report
//! shows under its heading (on a page of its own where it asks), its sentences, key-figure
//! cards, tables that break across pages with repeated headers (flagged rows highlighted),
//! and vector charts (bars and lines, rows of stacked bars and spreads, or small line
//! charts side by side); «стр. N из M» on every page. Also the individual card's pages, laid out from a card.

pub mod card;
pub mod chart;
mod content;
pub mod font;
pub mod layout;
pub mod panels;
pub mod rows;

use super::Renderer;
use crate::report::document::{Block, Cell, ChartKind, Cover, Document, Style};
use crate::report::names;
use font::Fonts;
use layout::{ACCENT, BOTTOM, INK, LEFT, Layout, MUTED, PAGE_W, WIDTH};

/// What a table without rows says under its header.
const NO_DATA: &str = "нет данных";

/// The PDF renderer, with the fonts it measures and embeds.
pub struct Pdf<'a> {
    /// The embedded fonts (loaded once per run: they are large).
    pub fonts: &'a Fonts,
}

impl Renderer for Pdf<'_> {
    fn render(&self, document: &Document) -> anyhow::Result<Vec<u8>> {
        let doc = layout::document(&document.title, document.generated_at, self.fonts);
        let mut l = Layout::new(self.fonts);
        title_page(&mut l, &document.cover, document.generated_at);
        for section in document.sections.iter().filter(|s| s.place.in_print()) {
            if section.new_page {
                l.new_page();
            }
            l.heading(&section.title);
            for block in &section.blocks {
                lay_out(&mut l, block);
            }
        }
        Ok(layout::finish(doc, l, &document.running_header))
    }
}

/// One block at the cursor.
fn lay_out(l: &mut Layout, block: &Block) {
    match block {
        Block::Text(text, Style::Strong) => {
            l.lines(text, size(Style::Strong), true, INK, WIDTH);
            l.y += 1.5;
        }
        Block::Text(text, style) => l.paragraph(text, size(*style), false),
        Block::Bullets(items) => {
            for item in items {
                l.paragraph(item, size(Style::Body), true);
            }
        }
        Block::Subheading(text) => l.subheading(text),
        Block::Figures(figures, _) => l.cards(figures),
        Block::Table(table) => match &table.empty {
            Some((text, style)) if table.rows.is_empty() => l.paragraph(text, size(*style), false),
            _ => {
                let headers: Vec<&str> = table.columns.iter().map(|c| c.header.as_str()).collect();
                let widths: Vec<f32> = table.columns.iter().map(|c| c.width).collect();
                let mut rows: Vec<Vec<String>> = table
                    .rows
                    .iter()
                    .map(|row| row.iter().map(text).collect())
                    .collect();
                // A table without rows says so under its header, as the workbook's do.
                if rows.is_empty() {
                    rows.push(vec![NO_DATA.to_string()]);
                }
                l.table_marked(&headers, &widths, &rows, &table.marked);
            }
        },
        Block::Chart(chart) => match chart.kind {
            ChartKind::Stacked | ChartKind::Spread => l.row_chart(chart),
            ChartKind::Lines => l.panels(chart),
            ChartKind::Bar => l.bars(chart),
            ChartKind::Column | ChartKind::Line => l.chart(chart),
        },
    }
}

/// Points of a sentence's type.
fn size(style: Style) -> f32 {
    match style {
        Style::Body | Style::Strong => 10.0,
        Style::Note => 9.0,
    }
}

/// A cell as printed: a value in its unit, a dash for none, a date as `20.10.2025`.
fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        Cell::Value(Some(v), unit) => names::in_unit(*unit, *v),
        Cell::Value(None, _) | Cell::Change(None, _) => "—".into(),
        Cell::Change(Some(d), unit) => names::change_in(*unit, *d),
        Cell::Date(d) => d
            .map(|d| d.format("%d.%m.%Y").to_string())
            .unwrap_or_default(),
    }
}

/// The title page: the title, who and when.
pub fn title_page(l: &mut Layout, cover: &Cover, generated_at: chrono::NaiveDateTime) {
    l.new_page();
    l.rect(0.0, 0.0, PAGE_W, 8.0, Some(ACCENT), None);
    l.y = 80.0;
    for line in l.fonts.wrap(&cover.title, 24.0, true, WIDTH) {
        l.text(LEFT, l.y, 24.0, true, ACCENT, &line);
        l.y += 11.0;
    }
    l.y += 6.0;
    for line in l.fonts.wrap(&cover.name, 16.0, true, WIDTH) {
        l.text(LEFT, l.y, 16.0, true, INK, &line);
        l.y += 8.0;
    }
    if !cover.subtitle.is_empty() {
        l.text(LEFT, l.y, 12.0, false, INK, &cover.subtitle);
        l.y += 8.0;
    }
    l.text(
        LEFT,
        l.y,
        12.0,
        false,
        INK,
        &format!("Период: {}", cover.period),
    );
    l.y += 8.0;
    if let Some(compared) = &cover.compared {
        l.text(
            LEFT,
            l.y,
            10.0,
            false,
            MUTED,
            &format!("Сравнение с периодом: {compared}"),
        );
    }
    l.y = BOTTOM - 10.0;
    l.text(
        LEFT,
        l.y,
        9.0,
        false,
        MUTED,
        &format!(
            "Сформировано {} · tutorstat {}",
            generated_at.format("%d.%m.%Y %H:%M"),
            env!("CARGO_PKG_VERSION")
        ),
    );
}

#[cfg(test)]
mod tests {
    use printpdf::{Op, TextItem};

    use super::*;
    use crate::report::document::{Column, Table};

    /// The texts laid out, in order.
    fn shown(l: &Layout) -> Vec<String> {
        let text = |items: &[TextItem]| {
            items
                .iter()
                .filter_map(|i| {
                    if let TextItem::Text(t) = i {
                        Some(t.clone())
                    } else {
                        None
                    }
                })
                .collect()
        };
        l.pages
            .iter()
            .flatten()
            .filter_map(|op| {
                if let Op::ShowText { items } = op {
                    Some(text(items))
                } else {
                    None
                }
            })
            .collect()
    }

    #[test]
    fn a_table_without_rows_says_so_under_its_header_unless_it_has_its_own_sentence() {
        let fonts = Fonts::load();
        let table = Table::new(vec![Column::new("ID", 20.0), Column::new("ФИО", 80.0)]);
        let mut l = Layout::new(&fonts);
        l.new_page();
        lay_out(&mut l, &Block::Table(table.clone()));
        assert_eq!(shown(&l), ["ID", "ФИО", "нет данных"]);
        let mut l = Layout::new(&fonts);
        l.new_page();
        lay_out(
            &mut l,
            &Block::Table(table.or_say("Таких участников нет.", Style::Note)),
        );
        assert_eq!(shown(&l), ["Таких участников нет."]);
    }
}
