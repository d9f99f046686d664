//! The PDF layout engine: A4 pages laid out top to bottom with a cursor, in millimetres
//! from the top left; text, rectangles and lines; headings, wrapped paragraphs, tables that
//! break across pages with repeated headers, key-figure cards; and the document around the
//! pages: fixed dates and font names, «стр. N из M», a content-derived file identifier, so
//! the same content gives the same bytes.

use flate2::Compression;
use flate2::write::ZlibEncoder;
use printpdf::{
    Color, Date, DateTime, FontId, Line, LinePoint, Mm, Offset, Op, PaintMode, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem,
    TextMatrix, Time,
};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, LazyLock, Mutex};

use super::content;
use super::font::{Fonts, PT_PER_MM};
use crate::report::names;

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const LEFT: f32 = 18.0;
pub const RIGHT: f32 = PAGE_W - 18.0;
pub const WIDTH: f32 = RIGHT - LEFT;
pub const TOP: f32 = 22.0;
pub const BOTTOM: f32 = PAGE_H - 18.0;

fn rgb(hex: u32) -> Color {
    let c = |shift: u32| ((hex >> shift) & 0xFF) as f32 / 255.0;
    Color::Rgb(Rgb::new(c(16), c(8), c(0), None))
}

pub const INK: u32 = 0x222222;
pub const MUTED: u32 = 0x666666;
pub const ACCENT: u32 = 0x1F4E79;
pub const GOOD: u32 = 0x2E7D32;
pub const BAD: u32 = 0xC62828;
pub const SERIES: [u32; 3] = [0x4472C4, 0xED7D31, 0x70AD47];

/// Top-based millimetres to a PDF point.
fn at(x: f32, y: f32) -> Point {
    Point::new(Mm(x), Mm(PAGE_H - y))
}

/// Operations a page is made room for when it starts: a school PDF's pages hold about a
/// thousand (some 3 700 texts of three operations each, and the tables' lines, over about
/// 16 pages), and a page's vector grown from empty copied its operations ten times over.
const PAGE_OPS: usize = 1024;

/// Resource names of the two fonts in every document ([`add_font`]). Fixed, so a page laid
/// out once can also go into another document (a card into its own PDF and its tutor's).
const REGULAR_ID: &str = "F1";
const BOLD_ID: &str = "F2";

/// Pages being laid out, top to bottom, with a cursor.
pub struct Layout<'a> {
    pub fonts: &'a Fonts,
    pub pages: Vec<Vec<Op>>,
    pub y: f32,
    /// Colour, weight and size of the text whose end closes the current page's operations,
    /// when one does: the next text continues that text object ([`Layout::text`]).
    last_text: Option<(u32, bool, f32)>,
}

impl<'a> Layout<'a> {
    pub fn new(fonts: &'a Fonts) -> Layout<'a> {
        Layout {
            fonts,
            pages: Vec::new(),
            y: TOP,
            last_text: None,
        }
    }

    /// Text at (x, y). Texts laid out one after another share one text object, and the
    /// colour and font are set only when they change: a school PDF shows about 3 700 texts,
    /// and six operators each (BT, colour, font, position, text, ET) made its content
    /// streams and their serialisation a third of `report`'s time.
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, color: u32, s: &str) {
        let ops = self.pages.last_mut().expect("a page is open");
        let last = self
            .last_text
            .take()
            .filter(|_| matches!(ops.last(), Some(Op::EndTextSection)));
        match last {
            Some(_) => {
                ops.pop();
            }
            None => ops.push(Op::StartTextSection),
        }
        if last.map(|(c, ..)| c) != Some(color) {
            ops.push(Op::SetFillColor { col: rgb(color) });
        }
        if last.map(|(_, b, z)| (b, z)) != Some((bold, size)) {
            let font = FontId((if bold { BOLD_ID } else { REGULAR_ID }).to_string());
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            });
        }
        let p = at(x, y);
        ops.extend([
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(p.x, p.y),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_string())],
            },
            Op::EndTextSection,
        ]);
        self.last_text = Some((color, bold, size));
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is open")
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<u32>, stroke: Option<u32>) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        let rect = Rect {
            mode: Some(mode),
            ..Rect::from_xywh(
                Mm(x).into(),
                Mm(PAGE_H - y - h).into(),
                Mm(w).into(),
                Mm(h).into(),
            )
        };
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

    pub fn line(&mut self, points: &[(f32, f32)], color: u32, width: f32, dashed: bool) {
        let ops = self.ops();
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor { col: rgb(color) });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if dashed {
            ops.push(Op::SetLineDashPattern {
                dash: printpdf::LineDashPattern::new(0.0, &[4.0, 2.0]),
            });
        }
        ops.push(Op::DrawLine {
            line: Line {
                points: points
                    .iter()
                    .map(|&(x, y)| LinePoint {
                        p: at(x, y),
                        bezier: false,
                    })
                    .collect(),
                is_closed: false,
            },
        });
        ops.push(Op::RestoreGraphicsState);
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::with_capacity(PAGE_OPS));
        self.y = TOP;
    }

    /// Starts a new page unless `height` mm still fit.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    pub fn heading(&mut self, s: &str) {
        self.ensure(16.0);
        self.y += 7.0;
        self.text(LEFT, self.y, 14.0, true, ACCENT, s);
        self.y += 5.0;
    }

    pub fn subheading(&mut self, s: &str) {
        self.ensure(12.0);
        self.y += 5.0;
        self.text(LEFT, self.y, 11.0, true, INK, s);
        self.y += 3.0;
    }

    /// A wrapped paragraph, optionally with a bullet.
    pub fn paragraph(&mut self, s: &str, size: f32, bullet: bool) {
        let indent = if bullet { 5.0 } else { 0.0 };
        self.wrapped(s, size, false, INK, indent, WIDTH - indent, bullet);
        self.y += 1.5;
    }

    /// Wrapped lines no wider than `width` mm from the left margin, in any weight and colour.
    pub fn lines(&mut self, s: &str, size: f32, bold: bool, color: u32, width: f32) {
        self.wrapped(s, size, bold, color, 0.0, width, false);
    }

    /// Lines of `s` no wider than `width` mm, `indent` mm from the left margin, starting a page
    /// when the next one does not fit; with a bullet in the indent before the first.
    #[allow(clippy::too_many_arguments)]
    fn wrapped(
        &mut self,
        s: &str,
        size: f32,
        bold: bool,
        color: u32,
        indent: f32,
        width: f32,
        bullet: bool,
    ) {
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

    /// A table: wrapped cells, a header repeated on every page it spans, the rows whose
    /// `marked` is true on a light red ground.
    pub fn table_marked(
        &mut self,
        headers: &[&str],
        widths: &[f32],
        rows: &[Vec<String>],
        marked: &[bool],
    ) {
        // Wide tables get a smaller font so their headers' words still fit.
        let size = if headers.len() > 6 { 6.5 } else { 8.0 };
        let line = size * 1.3 / PT_PER_MM;
        let widths = self.fit_columns(headers, widths, size);
        let wrap_row = |cells: &[String], bold: bool| -> Vec<Vec<String>> {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.fonts.wrap(c, size, bold, w - 2.0))
                .collect()
        };
        let header_cells: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let header = wrap_row(&header_cells, true);
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * line + 2.0;
        let draw =
            |layout: &mut Layout, cells: &[Vec<String>], h: f32, bold: bool, fill: Option<u32>| {
                let mut x = LEFT;
                if let Some(f) = fill {
                    layout.rect(LEFT, layout.y, WIDTH, h, Some(f), None);
                }
                for (lines, w) in cells.iter().zip(&widths) {
                    for (k, l) in lines.iter().enumerate() {
                        layout.text(
                            x + 1.0,
                            layout.y + 1.0 + line * (k as f32 + 0.8),
                            size,
                            bold,
                            INK,
                            l,
                        );
                    }
                    x += w;
                }
                layout.line(
                    &[(LEFT, layout.y + h), (RIGHT, layout.y + h)],
                    0xBFBFBF,
                    0.3,
                    false,
                );
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
            draw(
                self,
                &cells,
                h,
                false,
                marked.get(i).is_some_and(|m| *m).then_some(0xFDECEA),
            );
        }
        self.y += 3.0;
    }

    /// Column widths scaled to the page, each at least as wide as the longest word of its
    /// header (headers break between words, never inside one); the columns with room to
    /// spare give it up in proportion to their slack.
    fn fit_columns(&self, headers: &[&str], widths: &[f32], size: f32) -> Vec<f32> {
        let scale = WIDTH / widths.iter().sum::<f32>();
        let minimum: Vec<f32> = headers
            .iter()
            .map(|h| {
                h.split_whitespace()
                    .map(|w| self.fonts.width(w, size, true))
                    .fold(0.0, f32::max)
                    + 2.5
            })
            .collect();
        let mut fitted: Vec<f32> = widths
            .iter()
            .zip(&minimum)
            .map(|(w, m)| (w * scale).max(*m))
            .collect();
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
    pub fn cards(&mut self, figures: &[crate::report::document::Figure]) {
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
            for (k, l) in self
                .fonts
                .wrap(&f.label, 7.5, false, w - 4.0)
                .iter()
                .take(3)
                .enumerate()
            {
                self.text(x + 2.0, self.y + 4.5 + k as f32 * 3.3, 7.5, false, MUTED, l);
            }
            self.text(
                x + 2.0,
                self.y + 20.0,
                15.0,
                true,
                INK,
                &names::value(f.code, f.value),
            );
            if let Some(p) = f.previous {
                let delta = f.value - p;
                let color = if delta > 0.0 {
                    GOOD
                } else if delta < 0.0 {
                    BAD
                } else {
                    MUTED
                };
                self.text(
                    x + 2.0,
                    self.y + 26.5,
                    7.0,
                    false,
                    color,
                    &names::change(f.code, delta),
                );
            }
        }
        if !figures.is_empty() {
            self.y += h + gap + 2.0;
        }
    }
}

fn fixed_date(t: chrono::NaiveDateTime) -> DateTime {
    use chrono::{Datelike, Timelike};
    DateTime::new_in_offset(
        Date {
            year: t.year(),
            month: t.month() as u8,
            day: t.day() as u8,
        },
        Time {
            hour: t.hour() as u8,
            minute: t.minute() as u8,
            second: t.second() as u8,
            millisecond: 0,
        },
        Offset {
            hours: 0,
            minutes: 0,
            seconds: 0,
            milliseconds: 0,
        },
    )
}

/// A document with fixed dates (the report's clock) and the fonts added.
pub fn document(title: &str, generated_at: chrono::NaiveDateTime, fonts: &Fonts) -> PdfDocument {
    let mut doc = PdfDocument::new(title);
    let date = fixed_date(generated_at);
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
    doc.resources
        .fonts
        .map
        .insert(FontId(name.into()), printpdf::PdfFont::new(font.clone()));
}

/// Replaces the file identifier that printpdf draws from the same counter (`/ID[(..)(..)]`
/// in the trailer) with a digest of the document before it, as the PDF specification
/// suggests: the same content, the same bytes, whatever the process rendered before.
pub(super) fn content_id(mut bytes: Vec<u8>) -> Vec<u8> {
    const MARK: &[u8] = b"/ID[(";
    let Some(at) = bytes.windows(MARK.len()).rposition(|w| w == MARK) else {
        return bytes;
    };
    let first = at + MARK.len();
    let (len, second) = (32, first + 34);
    if bytes.get(first + len..second) != Some(b")(".as_slice())
        || bytes.get(second + len) != Some(&b')')
    {
        return bytes;
    }
    let id = crate::digest::hex(&Sha256::digest(&bytes[..at])[..len / 2]).to_uppercase();
    bytes[first..first + len].copy_from_slice(id.as_bytes());
    bytes[second..second + len].copy_from_slice(id.as_bytes());
    bytes
}

/// Numbers every page («стр. N из M»), adds the running header from page 2, and saves.
pub fn finish(doc: PdfDocument, l: Layout, header: &str) -> Vec<u8> {
    let fonts = l.fonts;
    save(doc, fonts, vec![(l.pages, header.to_string())])
}

/// Saves documents made of parts (a tutor's cards one after another): each part's pages are
/// numbered within the part («стр. N из M»), and its pages after the first carry its
/// running header.
pub fn save(mut doc: PdfDocument, fonts: &Fonts, parts: Vec<(Vec<Vec<Op>>, String)>) -> Vec<u8> {
    let mut numbered = Vec::new();
    for (pages, header) in parts {
        let total = pages.len();
        for (i, ops) in pages.into_iter().enumerate() {
            let mut page = Layout {
                fonts,
                pages: vec![ops],
                y: 0.0,
                last_text: None,
            };
            let footer = format!("стр. {} из {total}", i + 1);
            let fw = fonts.width(&footer, 8.0, false);
            page.text(RIGHT - fw, PAGE_H - 8.0, 8.0, false, MUTED, &footer);
            if i > 0 {
                page.text(LEFT, 12.0, 8.0, false, MUTED, &header);
                page.line(&[(LEFT, 14.0), (RIGHT, 14.0)], 0xBFBFBF, 0.3, false);
            }
            numbered.push(page.pages.pop().unwrap_or_default());
        }
    }
    content_id(serialise(&mut doc, numbered))
}

pub(super) fn a4(ops: Vec<Op>) -> PdfPage {
    PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
}

/// Deflate level of every PDF stream (flate2's zlib-rs backend), chosen by measurement
/// (docs/architecture.md, Performance, «Thirteenth sitting: region report»). The page
/// streams of 20 school PDFs (5.2 MB), one thread, best of 9-21 runs: level 1 (zlib-rs'
/// quick strategy, fixed Huffman codes) 11-17 ms and 20.3 % of their size, level 2 (its
/// fast strategy, no lazy matches) 20-37 ms and 14.6 %, level 4 33-46 ms and 13.2 %, level
/// 5 (used before) 35-49 ms and 12.8 %. Level 2 deflates in about 60 % of level 5's time
/// for whole PDFs 8 % larger; level 1, in about a third of it, would make them 37 % larger.
const DEFLATE_LEVEL: u32 = 2;

/// The document of `pages`: printpdf's lopdf document, the pages' content streams written
/// by [`content::encode`] where it knows every operation (else by printpdf), and its streams
/// deflated at [`DEFLATE_LEVEL`] (as lopdf's own `compress` does, but not at its fixed
/// level 9).
fn serialise(doc: &mut PdfDocument, pages: Vec<Vec<Op>>) -> Vec<u8> {
    let mut lo = match direct(doc, &pages) {
        Some(lo) => lo,
        None => {
            doc.with_pages(pages.into_iter().map(a4).collect());
            lopdf_document(doc)
        }
    };
    lo.objects.values_mut().for_each(compress);
    let mut bytes = Vec::new();
    // Writing into a Vec has no I/O to fail.
    let _ = lo.save_to(&mut bytes);
    bytes
}

/// Deflates a stream not deflated yet, when that makes it shorter (font programs through
/// [`deflate_font`]).
pub(super) fn compress(object: &mut lopdf::Object) {
    if let lopdf::Object::Stream(stream) = object
        && stream.allows_compression
        && stream.dict.get(b"Filter").is_err()
        && let Some(packed) = if stream.dict.has(b"Length1") {
            deflate_font(&stream.content)
        } else {
            deflate(&stream.content)
        }
        && packed.len() + 19 < stream.content.len()
    {
        stream.dict.set("Filter", "FlateDecode");
        stream.set_content(packed);
    }
}

/// printpdf's lopdf document of `doc`, not optimised.
pub(super) fn lopdf_document(doc: &PdfDocument) -> lopdf::Document {
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    doc.to_lopdf_document(&opts, &mut warnings)
}

/// The lopdf document of `pages` with content streams of [`content::encode`]: printpdf
/// makes the document of as many pages, the first showing a [`content::Sample`] of the
/// pages' characters (so it subsets and maps the fonts as for the pages themselves), and
/// each page's stream is then replaced by the page's own. The font objects of a sample's
/// [`content::Usage`] met before are taken from [`FONT_PARTS`] instead. `None` when a page
/// holds an operation that [`content::encode`] does not write.
pub(super) fn direct(doc: &mut PdfDocument, pages: &[Vec<Op>]) -> Option<lopdf::Document> {
    let sample = content::Sample::of(pages)?;
    let usage = sample.usage(doc);
    let known = usage
        .as_ref()
        .and_then(|usage| FONT_PARTS.lock().ok()?.get(usage).cloned());
    let (mut lo, codes) = match known.and_then(|part| with_fonts(doc, pages.len(), &part)) {
        Some(known) => known,
        None => sampled(doc, &sample, pages.len(), usage)?,
    };
    let streams = page_streams(&lo)?;
    if streams.len() != pages.len() {
        return None;
    }
    let mut reals = content::Reals::new();
    let contents = pages
        .iter()
        .map(|ops| content::encode(ops, &codes, &mut reals))
        .collect::<Option<Vec<_>>>()?;
    for (id, bytes) in streams.into_iter().zip(contents) {
        lo.get_object_mut(id)
            .and_then(lopdf::Object::as_stream_mut)
            .ok()?
            .set_content(bytes);
    }
    Some(lo)
}

/// The content stream of each page of `lo`, in page order.
fn page_streams(lo: &lopdf::Document) -> Option<Vec<lopdf::ObjectId>> {
    lo.get_pages()
        .into_values()
        .map(|page| {
            lo.get_object(page)
                .and_then(lopdf::Object::as_dict)
                .and_then(|page| page.get(b"Contents"))
                .and_then(lopdf::Object::as_reference)
                .ok()
        })
        .collect()
}

/// The font objects printpdf makes for a [`content::Usage`] (each font's program,
/// `ToUnicode` map, descriptor and dictionary: objects 2 onwards of every document, right
/// after its page tree), their streams deflated, with the fonts' resource dictionary
/// after them and the characters' codes.
struct FontPart {
    objects: Vec<lopdf::Object>,
    dictionary: lopdf::Object,
    codes: Arc<content::Codes>,
}

/// Font parts made in this process, by usage. printpdf's font subsetting (parsing and
/// subsetting both fonts, their widths and `ToUnicode` maps) was 4.7 % of a region
/// report's instructions, and most schools' PDFs show the same characters.
static FONT_PARTS: LazyLock<Mutex<HashMap<content::Usage, Arc<FontPart>>>> =
    LazyLock::new(Default::default);

/// Font parts [`FONT_PARTS`] keeps at most (some 40 KB each).
const KEPT_FONT_PARTS: usize = 256;

/// Whether [`FONT_PARTS`] holds the font part of `usage`.
#[cfg(test)]
pub(super) fn font_part_kept(usage: &content::Usage) -> bool {
    FONT_PARTS.lock().is_ok_and(|kept| kept.contains_key(usage))
}

/// The stand-in document of [`direct`] made by printpdf from `sample`, and its codes; its
/// font part kept in [`FONT_PARTS`] under `usage`.
fn sampled(
    doc: &mut PdfDocument,
    sample: &content::Sample,
    pages: usize,
    usage: Option<content::Usage>,
) -> Option<(lopdf::Document, Arc<content::Codes>)> {
    let mut stand_in = vec![a4(sample.page())];
    stand_in.extend((1..pages).map(|_| a4(Vec::new())));
    doc.with_pages(stand_in);
    let mut lo = lopdf_document(doc);
    let sampled = lo
        .get_object(*page_streams(&lo)?.first()?)
        .and_then(lopdf::Object::as_stream);
    let codes = Arc::new(content::Codes::read(sample, &sampled.ok()?.content)?);
    if let Some(usage) = usage
        && let Some(part) = font_part(&mut lo, &codes)
        && let Ok(mut kept) = FONT_PARTS.lock()
        && kept.len() < KEPT_FONT_PARTS
    {
        kept.insert(usage, Arc::new(part));
    }
    Some((lo, codes))
}

/// The font part of printpdf's document `lo`: objects 2 up to the fonts' resource
/// dictionary of its first page, deflated in place.
fn font_part(lo: &mut lopdf::Document, codes: &Arc<content::Codes>) -> Option<FontPart> {
    let first = *lo.get_pages().values().next()?;
    let resources = lo
        .get_object(first)
        .and_then(lopdf::Object::as_dict)
        .and_then(|page| page.get(b"Resources"))
        .and_then(lopdf::Object::as_reference)
        .and_then(|id| lo.get_object(id))
        .and_then(lopdf::Object::as_dict)
        .ok()?;
    let (fonts, 0) = resources
        .get(b"Font")
        .and_then(lopdf::Object::as_reference)
        .ok()?
    else {
        return None;
    };
    let mut objects = Vec::new();
    for id in 2..fonts {
        let object = lo.objects.get_mut(&(id, 0))?;
        compress(object);
        objects.push(object.clone());
    }
    Some(FontPart {
        objects,
        dictionary: lo.objects.get(&(fonts, 0))?.clone(),
        codes: Arc::clone(codes),
    })
}

/// The stand-in document of [`direct`] with a known font part: printpdf's document of
/// `pages` empty pages, which shows no font (its font dictionary, object 2, is empty), its
/// objects from 2 on moved up to make room for the part's. The same objects, numbers and
/// references as printpdf's document with the sample.
fn with_fonts(
    doc: &mut PdfDocument,
    pages: usize,
    part: &FontPart,
) -> Option<(lopdf::Document, Arc<content::Codes>)> {
    doc.with_pages((0..pages).map(|_| a4(Vec::new())).collect());
    let mut lo = lopdf_document(doc);
    if !lo
        .objects
        .get(&(2, 0))
        .and_then(|fonts| fonts.as_dict().ok())
        .is_some_and(lopdf::Dictionary::is_empty)
    {
        return None;
    }
    let by = u32::try_from(part.objects.len()).ok()?;
    let objects = std::mem::take(&mut lo.objects);
    lo.objects = objects
        .into_iter()
        .map(|((id, generation), mut object)| {
            move_references(&mut object, by);
            ((if id >= 2 { id + by } else { id }, generation), object)
        })
        .collect();
    lo.trailer
        .iter_mut()
        .for_each(|(_, object)| move_references(object, by));
    for (id, object) in (2..).zip(&part.objects) {
        lo.objects.insert((id, 0), object.clone());
    }
    lo.objects.insert((2 + by, 0), part.dictionary.clone());
    lo.max_id += by;
    Some((lo, Arc::clone(&part.codes)))
}

/// Adds `by` to every reference in `object` to an object numbered 2 or more.
fn move_references(object: &mut lopdf::Object, by: u32) {
    match object {
        lopdf::Object::Reference((id, _)) if *id >= 2 => *id += by,
        lopdf::Object::Array(items) => items.iter_mut().for_each(|o| move_references(o, by)),
        lopdf::Object::Dictionary(dict) => {
            dict.iter_mut().for_each(|(_, o)| move_references(o, by))
        }
        lopdf::Object::Stream(stream) => stream
            .dict
            .iter_mut()
            .for_each(|(_, o)| move_references(o, by)),
        _ => {}
    }
}

/// A zlib stream at [`DEFLATE_LEVEL`] into a new buffer.
fn encoder() -> ZlibEncoder<Vec<u8>> {
    ZlibEncoder::new(Vec::new(), Compression::new(DEFLATE_LEVEL))
}

thread_local! {
    /// This thread's encoder for [`deflate`], reset after each stream (the same as a new
    /// one, says flate2): a new encoder allocates and clears zlib's window and tables, some
    /// 300 KB, and a school's PDF deflates about 25 streams.
    static ENCODER: RefCell<ZlibEncoder<Vec<u8>>> = RefCell::new(encoder());
}

/// `content` as a zlib stream at [`DEFLATE_LEVEL`], through this thread's [`ENCODER`].
fn deflate(content: &[u8]) -> Option<Vec<u8>> {
    ENCODER.with_borrow_mut(|encoder_of_thread| {
        let packed = encoder_of_thread
            .write_all(content)
            .and_then(|()| encoder_of_thread.reset(Vec::new()));
        if packed.is_err() {
            *encoder_of_thread = encoder();
        }
        packed.ok()
    })
}

/// Font programs deflated in this process, by the SHA-256 of the program. A PDF embeds
/// the subset of each font it shows, and most schools' PDFs show the same characters: in
/// a region's report 40 PDFs held 11 different programs among their 80, and their deflate
/// was two fifths of the PDFs' (63 KB of font against 259 KB of pages a PDF).
static FONT_PROGRAMS: LazyLock<Mutex<HashMap<[u8; 32], Vec<u8>>>> = LazyLock::new(Default::default);

/// Programs [`FONT_PROGRAMS`] keeps at most (some 30 KB each, deflated).
const KEPT_FONT_PROGRAMS: usize = 256;

/// [`deflate`] of a font program, taken from [`FONT_PROGRAMS`] when it was deflated before.
fn deflate_font(program: &[u8]) -> Option<Vec<u8>> {
    let digest: [u8; 32] = Sha256::digest(program).into();
    let known = FONT_PROGRAMS
        .lock()
        .ok()
        .and_then(|kept| kept.get(&digest).cloned());
    if known.is_some() {
        return known;
    }
    let packed = deflate(program)?;
    if let Ok(mut kept) = FONT_PROGRAMS.lock()
        && kept.len() < KEPT_FONT_PROGRAMS
    {
        kept.insert(digest, packed.clone());
    }
    Some(packed)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::{deflate, encoder};

    /// Streams deflated one after another by the thread's encoder are each what a new
    /// encoder makes of them: texts, an empty stream, bytes longer than zlib's window.
    #[test]
    fn deflate_by_the_threads_encoder_is_a_new_encoders() {
        let streams: [Vec<u8>; 3] = [
            b"BT /F1 12 Tf 56.7 780.2 Td (abc) Tj ET\n".repeat(500),
            Vec::new(),
            (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect(),
        ];
        for stream in streams.iter().chain(&streams) {
            let mut new = encoder();
            new.write_all(stream).unwrap();
            assert_eq!(deflate(stream), Some(new.finish().unwrap()));
        }
    }
}
