//! The school's PDF report (`reports/<term>/<school>.pdf`), A4, for the administration:
//! title page, key figures with their change, "Успехи" and "Сложности", four vector charts,
//! tables that break across pages with repeated headers, action lists, completeness and
//! provenance, and "стр. N из M" on every page. Text is measured with the embedded font's
//! real metrics (ttf-parser), so nothing overflows its box.

use printpdf::{
    Color, Date, DateTime, FontId, Line, LinePoint, Mm, Offset, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, Time,
};

use sha2::{Digest, Sha256};

use super::figures::{Series, strings};
use super::model::{Part, ReportModel, School};
use super::names;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

pub(super) const PAGE_W: f32 = 210.0;
pub(super) const PAGE_H: f32 = 297.0;
pub(super) const LEFT: f32 = 18.0;
pub(super) const RIGHT: f32 = PAGE_W - 18.0;
pub(super) const WIDTH: f32 = RIGHT - LEFT;
pub(super) const TOP: f32 = 22.0;
pub(super) const BOTTOM: f32 = PAGE_H - 18.0;
/// Points per millimetre.
pub(super) const PT_PER_MM: f32 = 72.0 / 25.4;

/// The embedded fonts, parsed once per run: for the PDF and for measuring.
pub struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
    /// Advances of U+0000..U+04FF (Latin and Cyrillic), in font units, looked up once.
    regular_advances: Vec<u16>,
    bold_advances: Vec<u16>,
}

/// Characters whose advances are kept in a table: everything up to the end of Cyrillic.
const TABLE_CHARS: u32 = 0x500;

fn advances(face: &ttf_parser::Face) -> Vec<u16> {
    (0..TABLE_CHARS)
        .map(|c| char::from_u32(c).and_then(|c| face.glyph_index(c)).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0))
        .collect()
}

impl Fonts {
    pub fn load() -> Fonts {
        let mut warnings = Vec::new();
        // The fonts are compiled in and known good: failing here is a build defect, not user data.
        let regular_face = ttf_parser::Face::parse(REGULAR, 0).expect("embedded regular font parses");
        let bold_face = ttf_parser::Face::parse(BOLD, 0).expect("embedded bold font parses");
        Fonts {
            regular: ParsedFont::from_bytes(REGULAR, 0, &mut warnings).expect("embedded regular font parses"),
            bold: ParsedFont::from_bytes(BOLD, 0, &mut warnings).expect("embedded bold font parses"),
            regular_advances: advances(&regular_face),
            bold_advances: advances(&bold_face),
            regular_face,
            bold_face,
        }
    }

    fn face(&self, bold: bool) -> &ttf_parser::Face<'static> {
        if bold { &self.bold_face } else { &self.regular_face }
    }

    /// Width of `text` in millimetres at `size` points: the sum of the glyphs' advances.
    pub(super) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let table = if bold { &self.bold_advances } else { &self.regular_advances };
        let units: u32 = text
            .chars()
            .map(|c| match table.get(c as usize) {
                Some(a) => *a as u32,
                None => face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(0) as u32,
            })
            .sum();
        units as f32 / face.units_per_em() as f32 * size / PT_PER_MM
    }

    /// Greedy word wrap into lines no wider than `max` mm; a word longer than a line is cut.
    pub(super) fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = self.width(" ", size, bold);
        for word in text.split_whitespace() {
            // Widths add up word by word: no string is measured twice.
            let word_width = self.width(word, size, bold);
            let candidate_width = if line.is_empty() { word_width } else { line_width + space + word_width };
            if candidate_width <= max {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width = candidate_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // Cut a word that alone is wider than the line (a long SHA-256, a URL).
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if self.width(&piece, size, bold) > max && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line_width = self.width(&piece, size, bold);
            line = piece;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

fn rgb(hex: u32) -> Color {
    let c = |shift: u32| ((hex >> shift) & 0xFF) as f32 / 255.0;
    Color::Rgb(Rgb::new(c(16), c(8), c(0), None))
}

pub(super) const INK: u32 = 0x222222;
pub(super) const MUTED: u32 = 0x666666;
pub(super) const ACCENT: u32 = 0x1F4E79;
pub(super) const GOOD: u32 = 0x2E7D32;
pub(super) const BAD: u32 = 0xC62828;
pub(super) const SERIES: [u32; 3] = [0x4472C4, 0xED7D31, 0x70AD47];

/// Top-based millimetres to a PDF point.
fn at(x: f32, y: f32) -> Point {
    Point::new(Mm(x), Mm(PAGE_H - y))
}

/// Resource names of the two fonts in every document ([`add_font`]). Fixed, so a page laid
/// out once can also go into another document (a card into its own PDF and its tutor's).
const REGULAR_ID: &str = "F1";
const BOLD_ID: &str = "F2";

/// Pages being laid out, top to bottom, with a cursor.
pub(super) struct Layout<'a> {
    pub(super) fonts: &'a Fonts,
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) y: f32,
}

impl<'a> Layout<'a> {
    pub(super) fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout { fonts, pages: Vec::new(), y: TOP }
    }

    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: u32, s: &str) {
        let font = FontId((if bold { BOLD_ID } else { REGULAR_ID }).to_string());
        let ops = self.pages.last_mut().expect("a page is open");
        ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: rgb(color) },
            Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
            Op::SetTextCursor { pos: at(x, y) },
            Op::ShowText { items: vec![TextItem::Text(s.to_string())] },
            Op::EndTextSection,
        ]);
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is open")
    }

    pub(super) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<u32>, stroke: Option<u32>) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        let rect = Rect { mode: Some(mode), ..Rect::from_xywh(Mm(x).into(), Mm(PAGE_H - y - h).into(), Mm(w).into(), Mm(h).into()) };
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        if let Some(f) = fill {
            ops.push(Op::SetFillColor { col: rgb(f) });
        }
        if let Some(s) = stroke {
            ops.push(Op::SetOutlineColor { col: rgb(s) });
            ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        }
        ops.push(Op::DrawRectangle { rectangle: rect });
        ops.push(Op::RestoreGraphicsState);
    }

    pub(super) fn line(&mut self, points: &[(f32, f32)], color: u32, width: f32, dashed: bool) {
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor { col: rgb(color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if dashed {
            ops.push(Op::SetLineDashPattern { dash: printpdf::LineDashPattern::new(0.0, &[4.0, 2.0]) });
        }
        ops.push(Op::DrawLine {
            line: Line { points: points.iter().map(|&(x, y)| LinePoint { p: at(x, y), bezier: false }).collect(), is_closed: false },
        });
        ops.push(Op::RestoreGraphicsState);
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` mm still fit.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    pub(super) fn heading(&mut self, s: &str) {
        self.ensure(16.0);
        self.y += 7.0;
        self.text(LEFT, self.y, 14.0, true, ACCENT, s);
        self.y += 5.0;
    }

    pub(super) fn subheading(&mut self, s: &str) {
        self.ensure(12.0);
        self.y += 5.0;
        self.text(LEFT, self.y, 11.0, true, INK, s);
        self.y += 3.0;
    }

    /// A wrapped paragraph, optionally with a bullet.
    pub(super) fn paragraph(&mut self, s: &str, size: f32, bullet: bool) {
        let indent = if bullet { 5.0 } else { 0.0 };
        self.wrapped(s, size, false, INK, indent, WIDTH - indent, bullet);
        self.y += 1.5;
    }

    /// Wrapped lines no wider than `width` mm from the left margin, in any weight and colour.
    pub(super) fn lines(&mut self, s: &str, size: f32, bold: bool, color: u32, width: f32) {
        self.wrapped(s, size, bold, color, 0.0, width, false);
    }

    /// Lines of `s` no wider than `width` mm, `indent` mm from the left margin, starting a page
    /// when the next one does not fit; with a bullet in the indent before the first.
    #[allow(clippy::too_many_arguments)]
    fn wrapped(&mut self, s: &str, size: f32, bold: bool, color: u32, indent: f32, width: f32, bullet: bool) {
        let step = size * 1.35 / PT_PER_MM;
        for (i, l) in self.fonts.wrap(s, size, bold, width).iter().enumerate() {
            self.ensure(step + 1.0);
            self.y += step;
            if bullet && i == 0 {
                self.text(LEFT + 1.0, self.y, size, false, INK, "•");
            }
            self.text(LEFT + indent, self.y, size, bold, color, l);
        }
    }

    /// A table: wrapped cells, a header repeated on every page it spans.
    pub(super) fn table(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>]) {
        self.table_marked(headers, widths, rows, &[]);
    }

    /// [`Layout::table`] with the rows whose `marked` is true on a light red ground.
    pub(super) fn table_marked(&mut self, headers: &[&str], widths: &[f32], rows: &[Vec<String>], marked: &[bool]) {
        // Wide tables get a smaller font so their headers' words still fit.
        let size = if headers.len() > 6 { 6.5 } else { 8.0 };
        let line = size * 1.3 / PT_PER_MM;
        let widths = self.fit_columns(headers, widths, size);
        let wrap_row = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            cells.iter().zip(&widths).map(|(c, w)| self.fonts.wrap(c, size, bold, w - 2.0)).collect()
        };
        let header_cells: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let header = wrap_row(&header_cells, true);
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0;
        let draw = |layout: &mut Layout, cells: &[Vec<String>], h: f32, bold: bool, fill: Option<u32>| {
            let mut x = LEFT;
            if let Some(f) = fill {
                layout.rect(LEFT, layout.y, WIDTH, h, Some(f), None);
            }
            for (lines, w) in cells.iter().zip(&widths) {
                for (k, l) in lines.iter().enumerate() {
                    layout.text(x + 1.0, layout.y + 1.0 + line * (k as f32 + 0.8), size, bold, INK, l);
                }
                x += w;
            }
            layout.line(&[(LEFT, layout.y + h), (RIGHT, layout.y + h)], 0xBFBFBF, 0.3, false);
            layout.y += h;
        };
        self.ensure(header_h + line + 2.0);
        draw(self, &header, header_h, true, Some(0xDDEBF7));
        for (i, row) in rows.iter().enumerate() {
            let cells = wrap_row(row, false);
            let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0;
            if self.y + h > BOTTOM {
                self.new_page();
                draw(self, &header, header_h, true, Some(0xDDEBF7));
            }
            draw(self, &cells, h, false, marked.get(i).is_some_and(|m| *m).then_some(0xFDECEA));
        }
        self.y += 3.0;
    }

    /// Column widths scaled to the page, each at least as wide as the longest word of its
    /// header (headers break between words, never inside one); the columns with room to
    /// spare give it up in proportion to their slack.
    fn fit_columns(&self, headers: &[&str], widths: &[f32], size: f32) -> Vec<f32> {
        let scale = WIDTH / widths.iter().sum::<f32>();
        let minimum: Vec<f32> =
            headers.iter().map(|h| h.split_whitespace().map(|w| self.fonts.width(w, size, true)).fold(0.0, f32::max) + 2.5).collect();
        let mut fitted: Vec<f32> = widths.iter().zip(&minimum).map(|(w, m)| (w * scale).max(*m)).collect();
        let excess = fitted.iter().sum::<f32>() - WIDTH;
        if excess > 0.0 {
            let slack: Vec<f32> = fitted.iter().zip(&minimum).map(|(f, m)| f - m).collect();
            let total: f32 = slack.iter().sum();
            if total >= excess {
                for (f, s) in fitted.iter_mut().zip(&slack) {
                    *f -= excess * s / total;
                }
            } else {
                // Not even the headers fit: shrink every column alike (words of headers may break).
                let shrink = WIDTH / fitted.iter().sum::<f32>();
                fitted.iter_mut().for_each(|f| *f *= shrink);
            }
        }
        fitted
    }

    /// Key figures as cards, four in a row, each with its change against the comparison term.
    fn cards(&mut self, figures: &[super::figures::Figure]) {
        let (w, h, gap) = ((WIDTH - 9.0) / 4.0, 30.0, 3.0);
        for (i, f) in figures.iter().enumerate() {
            if i % 4 == 0 {
                self.ensure(h + gap);
                if i > 0 {
                    self.y += h + gap;
                }
            }
            let x = LEFT + (i % 4) as f32 * (w + gap);
            self.rect(x, self.y, w, h, Some(0xF5F8FC), Some(0xBFD3E6));
            for (k, l) in self.fonts.wrap(&f.label, 7.5, false, w - 4.0).iter().take(3).enumerate() {
                self.text(x + 2.0, self.y + 4.5 + k as f32 * 3.3, 7.5, false, MUTED, l);
            }
            self.text(x + 2.0, self.y + 20.0, 15.0, true, INK, &names::value(&f.code, f.value));
            if let Some(p) = f.previous {
                let delta = f.value - p;
                let color = if delta > 0.0 {
                    GOOD
                } else if delta < 0.0 {
                    BAD
                } else {
                    MUTED
                };
                self.text(x + 2.0, self.y + 26.5, 7.0, false, color, &names::change(&f.code, delta));
            }
        }
        if !figures.is_empty() {
            self.y += h + gap + 2.0;
        }
    }

    /// A vector chart: axes, gridlines with labels, bars or a line, the reference line, a legend.
    fn chart(&mut self, series: &Series) {
        let (x0, w) = (LEFT + 12.0, WIDTH - 14.0);
        let slot = w / series.categories.len().max(1) as f32;
        // Category labels (competency names are long) wrap onto as many as four lines.
        let labels: Vec<Vec<String>> =
            series.categories.iter().map(|c| self.fonts.wrap(c, 7.0, false, slot - 1.0).into_iter().take(4).collect()).collect();
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1).max(2) as f32;
        let height = 72.0 + label_lines * 3.0;
        self.ensure(height + 12.0);
        self.y += 6.0;
        self.text(LEFT, self.y, 10.0, true, INK, &series.title);
        let y0 = self.y + 6.0;
        let h = 52.0;
        let max_value = series.series.iter().flat_map(|(_, v)| v.iter().flatten()).fold(0.0f64, |m, v| m.max(*v));
        let top = if series.percent { 100.0 } else { nice_ceiling(max_value) };
        let y_of = |v: f64| y0 + h - (v / top) as f32 * h;
        for k in 0..=4 {
            let v = top * k as f64 / 4.0;
            let y = y_of(v);
            self.line(&[(x0, y), (x0 + w, y)], 0xE0E0E0, 0.3, false);
            let label = if series.percent { format!("{} %", names::number(v, 0)) } else { names::number(v, 0) };
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x0 - 1.5 - lw, y + 1.0, 7.0, false, MUTED, &label);
        }
        self.line(&[(x0, y0), (x0, y0 + h), (x0 + w, y0 + h)], INK, 0.6, false);
        let line_chart = series.title.starts_with("Посещаемость");
        let groups = series.series.len().max(1) as f32;
        for (s, (_, values)) in series.series.iter().enumerate() {
            let color = SERIES[s % SERIES.len()];
            if line_chart {
                let points: Vec<(f32, f32)> =
                    values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (x0 + slot * (i as f32 + 0.5), y_of(v)))).collect();
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
            let label = format!("порог {}", names::value("d_pct", reference));
            let lw = self.fonts.width(&label, 7.0, false);
            self.text(x0 + w - lw, y - 1.0, 7.0, false, BAD, &label);
        }
        for (i, label) in labels.iter().enumerate() {
            for (k, l) in label.iter().enumerate() {
                let lw = self.fonts.width(l, 7.0, false);
                self.text(x0 + slot * (i as f32 + 0.5) - lw / 2.0, y0 + h + 4.0 + k as f32 * 3.0, 7.0, false, INK, l);
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
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|c| *c >= v).unwrap_or(10.0 * p)
}

fn fixed_date(t: chrono::NaiveDateTime) -> DateTime {
    use chrono::{Datelike, Timelike};
    DateTime::new_in_offset(
        Date { year: t.year(), month: t.month() as u8, day: t.day() as u8 },
        Time { hour: t.hour() as u8, minute: t.minute() as u8, second: t.second() as u8, millisecond: 0 },
        Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
    )
}

fn cell(v: Option<f64>, code: &str) -> String {
    v.map(|v| names::value(code, v)).unwrap_or_else(|| "—".into())
}

/// «Динамика за учебный год»: each key figure in every term of the year with data, and
/// the change from the year's first value to its last.
fn year_trend(l: &mut Layout, model: &ReportModel, code: &str) {
    let rows: Vec<Vec<String>> = model
        .trend_figures(code)
        .into_iter()
        .map(|(f, values, change)| {
            let mut row = vec![f.label.clone()];
            row.extend(values.iter().map(|v| cell(*v, &f.code)));
            row.push(change.map(|d| names::change(&f.code, d)).unwrap_or_else(|| "—".into()));
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

/// A document with fixed dates (the model's clock) and the fonts added.
pub(super) fn document(title: &str, model: &ReportModel, fonts: &Fonts) -> PdfDocument {
    let mut doc = PdfDocument::new(title);
    let date = fixed_date(model.generated_at);
    doc.metadata.info.creation_date = date;
    doc.metadata.info.modification_date = date;
    doc.metadata.info.metadata_date = date;
    doc.metadata.info.author = "tutorstat".into();
    doc.metadata.info.creator = format!("tutorstat {}", env!("CARGO_PKG_VERSION"));
    add_font(&mut doc, &fonts.regular, REGULAR_ID);
    add_font(&mut doc, &fonts.bold, BOLD_ID);
    doc
}

/// Adds a font under a fixed resource name. printpdf's own `add_font` draws names from a
/// process-wide counter, so a term's report made after another term's in one process
/// (`run`) had other names, and its fonts in another order, than the same report alone.
fn add_font(doc: &mut PdfDocument, font: &ParsedFont, name: &str) {
    doc.resources.fonts.map.insert(FontId(name.into()), printpdf::PdfFont::new(font.clone()));
}

/// Replaces the file identifier that printpdf draws from the same counter (`/ID[(..)(..)]`
/// in the trailer) with a digest of the document before it, as the PDF specification
/// suggests: the same content, the same bytes, whatever the process rendered before.
fn content_id(mut bytes: Vec<u8>) -> Vec<u8> {
    const MARK: &[u8] = b"/ID[(";
    let Some(at) = bytes.windows(MARK.len()).rposition(|w| w == MARK) else { return bytes };
    let first = at + MARK.len();
    let (len, second) = (32, first + 34);
    if bytes.get(first + len..second) != Some(b")(".as_slice()) || bytes.get(second + len) != Some(&b')') {
        return bytes;
    }
    let id = crate::digest::hex(&Sha256::digest(&bytes[..at])[..len / 2]).to_uppercase();
    bytes[first..first + len].copy_from_slice(id.as_bytes());
    bytes[second..second + len].copy_from_slice(id.as_bytes());
    bytes
}

/// Numbers every page («стр. N из M»), adds the running header from page 2, and saves.
fn finish(doc: PdfDocument, l: Layout, header: &str) -> Vec<u8> {
    let fonts = l.fonts;
    save(doc, fonts, vec![(l.pages, header.to_string())])
}

/// Saves documents made of parts (a tutor's cards one after another): each part's pages are
/// numbered within the part («стр. N из M»), and its pages after the first carry its
/// running header.
pub(super) fn save(mut doc: PdfDocument, fonts: &Fonts, parts: Vec<(Vec<Vec<Op>>, String)>) -> Vec<u8> {
    let mut numbered = Vec::new();
    for (pages, header) in parts {
        let total = pages.len();
        for (i, ops) in pages.into_iter().enumerate() {
            let mut page = Layout { fonts, pages: vec![ops], y: 0.0 };
            let footer = format!("стр. {} из {total}", i + 1);
            let fw = fonts.width(&footer, 8.0, false);
            page.text(RIGHT - fw, PAGE_H - 8.0, 8.0, false, MUTED, &footer);
            if i > 0 {
                page.text(LEFT, 12.0, 8.0, false, MUTED, &header);
                page.line(&[(LEFT, 14.0), (RIGHT, 14.0)], 0xBFBFBF, 0.3, false);
            }
            numbered.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), page.pages.pop().unwrap_or_default()));
        }
    }
    doc.with_pages(numbered);
    let mut warnings = Vec::new();
    content_id(doc.save(&PdfSaveOptions::default(), &mut warnings))
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
    let doc = document(&format!("{title}: {}, {}", school.name, model.term.russian()), model, fonts);
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
                cell(v("att_rate", ""), "att_rate"),
                cell(v("r_done_pct", ""), "r_done_pct"),
                cell(v("r_overdue", ""), "r_overdue"),
                cell(v("r_achievements", ""), "r_achievements"),
                cell(diag.as_deref().and_then(|g| v("d_pct", g)), "d_pct"),
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
                cell(v("att_rate"), "att_rate"),
                cell(v("att_events"), "att_events"),
                cell(v("att_hours"), "att_hours"),
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
        model.low_attendance(code).into_iter().map(|(id, name, rate)| vec![id, name, names::value("att_rate", rate)]).collect();
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
    let declining: Vec<Vec<String>> =
        model.declining(code).into_iter().map(|(id, name, group, v)| vec![id, name, group, names::value("q_progress", v)]).collect();
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
    let doc = document(&format!("{title}: сводка центра, {}", model.term.russian()), model, fonts);
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
                cell(model.unit_value(m, "schools_reporting_pct", "").0, "schools_reporting_pct"),
            ];
            for (_, ind, g) in &view.columns {
                let now = unit_cell(model, m, ind, g);
                let (v, p) = model.unit_value(m, ind, g);
                let change = match (now, v.zip(p)) {
                    (super::centre::Shown::Value(_), Some((v, p))) => format!(" ({})", names::change(ind, v - p)),
                    _ => String::new(),
                };
                row.push(format!("{}{change}", now.text(ind)));
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
                let now = school_cell(model, &s.code, ind, g);
                let change = match (now, model.previous(&s.code, ind, g)) {
                    (super::centre::Shown::Value(v), Some(p)) => format!(" ({})", names::change(ind, v - p)),
                    _ => String::new(),
                };
                row.push(format!("{}{change}", now.text(ind)));
            }
            row
        })
        .collect();
    l.table(&header_refs, &widths, &rows);
    finish(doc, l, &format!("Сводка центра · {}", model.term.russian()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_the_fonts_real_widths_and_cuts_words_longer_than_a_line() {
        let fonts = Fonts::load();
        let lines = fonts.wrap("Мониторинг тьюторского сопровождения в школе", 10.0, false, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| fonts.width(l, 10.0, false) <= 40.0), "{lines:?}");
        let sha = "a".repeat(64);
        let cut = fonts.wrap(&sha, 8.0, false, 30.0);
        assert!(cut.len() > 1 && cut.concat() == sha);
        assert!(fonts.width("ШШШ", 10.0, true) > fonts.width("iii", 10.0, false));
    }

    #[test]
    fn axis_tops_are_round_numbers() {
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(13.0), 20.0);
        assert_eq!(nice_ceiling(41.0), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
    }
}
