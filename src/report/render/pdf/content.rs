//! Page content streams written straight from the layout's operations, byte for byte as
//! printpdf's `translate_operations` and lopdf's `Content::encode` write them. Those two
//! made an operator and a vector of objects for each operation, looked every character's
//! glyph up in the font's cmap and wrote each byte of a glyph code through `write!`: a
//! fifth of a region's `report`. The glyph codes (the subset font's renumbered glyph ids)
//! are printpdf's own: [`Sample`] shows every character of the document once, printpdf
//! encodes it, and [`Codes::read`] takes each character's code from that page.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;

use polars::prelude::PlHashMap;
use printpdf::{
    Color, FontId, Op, PaintMode, PdfDocument, PdfFontHandle, TextItem, TextMatrix, WindingOrder,
};

/// Every character each font shows, in the order of its last use in the document.
/// printpdf keeps, for a glyph that several characters share, the character it met last
/// (for the font's `ToUnicode` map); shown in this order, each glyph is met last with the
/// same character as in the document, so the font subset and its maps come out the same.
pub struct Sample {
    fonts: Vec<(String, Vec<char>)>,
}

impl Sample {
    /// The characters of `pages`, font by font in the order each font is first used.
    /// `None` when a page shows text other than plain text in one of the document's fonts.
    pub fn of(pages: &[Vec<Op>]) -> Option<Sample> {
        let mut fonts: Vec<(String, CharMap<usize>)> = Vec::new();
        let mut at = 0usize;
        for page in pages {
            // A page's text is in the font it sets itself (printpdf reads each page alone).
            let mut current: Option<usize> = None;
            for op in page {
                match op {
                    Op::SetFont {
                        font: PdfFontHandle::External(FontId(name)),
                        ..
                    } => {
                        let i = match fonts.iter().position(|(n, _)| n == name) {
                            Some(i) => i,
                            None => {
                                fonts.push((name.clone(), CharMap::new()));
                                fonts.len() - 1
                            }
                        };
                        current = Some(i);
                    }
                    Op::SetFont { .. } => return None,
                    Op::ShowText { items } => {
                        let last = &mut fonts[current?].1;
                        for item in items {
                            let TextItem::Text(text) = item else {
                                return None;
                            };
                            for c in text.chars() {
                                last.insert(c, at);
                                at += 1;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Sample {
            fonts: fonts
                .into_iter()
                .map(|(name, last)| {
                    let mut chars = last.entries();
                    chars.sort_by_key(|&(_, at)| at);
                    (name, chars.into_iter().map(|(c, _)| c).collect())
                })
                .collect(),
        })
    }

    /// What printpdf makes `doc`'s font objects and the characters' codes from, for this
    /// sample: each font's characters (as a set) and the glyphs it uses, each with the
    /// character printpdf keeps for it (the last one met of those that share it), found
    /// by printpdf's own lookup. Two samples of one usage give the same font subsets,
    /// `ToUnicode` maps, widths and codes, whatever order their characters came in.
    /// `None` when a font of the sample is not one of `doc`'s.
    pub fn usage(&self, doc: &PdfDocument) -> Option<Usage> {
        let fonts = &doc.resources.fonts.map;
        self.fonts
            .iter()
            .map(|(name, chars)| {
                let font = fonts.get(&FontId(name.clone()))?;
                let mut glyphs = BTreeMap::new();
                for c in chars {
                    if let Some(glyph) = font.parsed_font.lookup_glyph_index(u32::from(*c)) {
                        glyphs.insert(glyph, *c);
                    }
                }
                let mut set = chars.clone();
                set.sort_unstable();
                Some((name.clone(), set, glyphs.into_iter().collect()))
            })
            .collect::<Option<Vec<_>>>()
            .map(Usage)
    }

    /// A page showing every character of the sample, one text per font, for printpdf to
    /// encode (and to subset its fonts by).
    pub fn page(&self) -> Vec<Op> {
        let mut ops = vec![Op::StartTextSection];
        for (name, chars) in &self.fonts {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(FontId(name.clone())),
                size: printpdf::Pt(8.0),
            });
            ops.push(Op::ShowText {
                items: vec![TextItem::Text(chars.iter().collect())],
            });
        }
        ops.push(Op::EndTextSection);
        ops
    }
}

/// A [`Sample`]'s fonts as printpdf uses them ([`Sample::usage`]): for each font in the
/// sample's order, its name, its characters in order, and its glyphs with the character
/// kept for each, in glyph order.
#[derive(PartialEq, Eq, Hash)]
pub struct Usage(Vec<(String, Vec<char>, Vec<(u16, char)>)>);

/// Each font's code (two bytes, the subset's glyph id) of each character of a [`Sample`].
pub struct Codes {
    fonts: HashMap<String, CharMap<[u8; 2]>>,
}

impl Codes {
    /// The codes printpdf wrote for `sample` on its [`Sample::page`], whose content stream
    /// is `content`: `BT`, then `/F1 8 Tf` and `<…> Tj` for each font, four hex digits a
    /// character, then `ET`. `None` when the stream is not that (a font that printpdf did
    /// not embed writes its text otherwise).
    pub fn read(sample: &Sample, content: &[u8]) -> Option<Codes> {
        let mut rest = content.strip_prefix(b"BT\n")?;
        let mut fonts = HashMap::new();
        for (name, chars) in &sample.fonts {
            rest = rest.strip_prefix(format!("/{name} 8 Tf\n<").as_bytes())?;
            let close = rest.iter().position(|&b| b == b'>')?;
            let hex = &rest[..close];
            rest = rest[close..].strip_prefix(b"> Tj\n")?;
            if hex.len() != chars.len() * 4 {
                return None;
            }
            let mut codes = CharMap::new();
            for (c, digits) in chars.iter().zip(hex.chunks(4)) {
                let byte = |i: usize| -> Option<u8> {
                    let pair = std::str::from_utf8(&digits[i..i + 2]).ok()?;
                    u8::from_str_radix(pair, 16).ok()
                };
                codes.insert(*c, [byte(0)?, byte(2)?]);
            }
            fonts.insert(name.clone(), codes);
        }
        (rest == b"ET").then_some(Codes { fonts })
    }
}

/// The content stream of a page's operations as printpdf and lopdf write it, its reals
/// kept in the document's `reals`; `None` for an operation this writer does not know (the
/// caller then lets printpdf write the document).
pub fn encode(ops: &[Op], codes: &Codes, reals: &mut Reals) -> Option<Vec<u8>> {
    let mut out = Content {
        bytes: Vec::with_capacity(ops.len() * 24),
        first: true,
        reals,
    };
    let mut font: Option<&CharMap<[u8; 2]>> = None;
    for op in ops {
        match op {
            Op::StartTextSection => out.op(&[], "BT"),
            Op::EndTextSection => out.op(&[], "ET"),
            Op::SaveGraphicsState => out.op(&[], "q"),
            Op::RestoreGraphicsState => out.op(&[], "Q"),
            Op::SetFont {
                font: PdfFontHandle::External(FontId(name)),
                size,
            } => {
                if !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                font = Some(codes.fonts.get(name)?);
                out.start();
                out.bytes.push(b'/');
                out.bytes.extend_from_slice(name.as_bytes());
                out.bytes.push(b' ');
                out.real(size.0);
                out.bytes.extend_from_slice(b" Tf");
            }
            Op::SetTextMatrix {
                matrix: matrix @ TextMatrix::Translate(..),
            } => out.op(&matrix.as_array(), "Tm"),
            Op::ShowText { items } => {
                let font = font?;
                let [TextItem::Text(text)] = items.as_slice() else {
                    return None;
                };
                out.start();
                out.bytes.push(b'<');
                for c in text.chars() {
                    for byte in font.get(c)? {
                        out.hex(byte);
                    }
                }
                out.bytes.extend_from_slice(b"> Tj");
            }
            Op::SetFillColor {
                col: Color::Rgb(rgb),
            } => out.op(&[rgb.r, rgb.g, rgb.b], "rg"),
            Op::SetOutlineColor {
                col: Color::Rgb(rgb),
            } => out.op(&[rgb.r, rgb.g, rgb.b], "RG"),
            Op::SetOutlineThickness { pt } => out.op(&[pt.0], "w"),
            Op::SetLineDashPattern { dash } => {
                out.start();
                out.bytes.push(b'[');
                for (i, length) in dash.pattern.iter().enumerate() {
                    if i > 0 {
                        out.bytes.push(b' ');
                    }
                    out.real(*length);
                }
                out.bytes.extend_from_slice(b"] ");
                out.real(dash.offset);
                out.bytes.extend_from_slice(b" d");
            }
            Op::DrawRectangle { rectangle } => {
                let r = rectangle;
                out.op(&[r.x.0, r.y.0, r.width.0, r.height.0], "re");
                let winding = r.winding_order.unwrap_or(WindingOrder::NonZero);
                match r.mode {
                    Some(PaintMode::Fill) => out.op(&[], winding.get_fill_op()),
                    Some(PaintMode::Stroke) => out.op(&[], "S"),
                    Some(PaintMode::FillStroke) => out.op(&[], winding.get_fill_stroke_op()),
                    _ => return None,
                }
            }
            Op::DrawLine { line } => {
                if line.points.iter().any(|p| p.bezier) {
                    return None;
                }
                let Some((first, rest)) = line.points.split_first() else {
                    continue;
                };
                out.op(&[first.p.x.0, first.p.y.0], "m");
                for point in rest {
                    out.op(&[point.p.x.0, point.p.y.0], "l");
                }
                if line.is_closed {
                    out.op(&[], "h");
                }
                out.op(&[], "S");
            }
            _ => return None,
        }
    }
    Some(out.bytes)
}

/// A value for each of some characters: a table for U+0000..U+04FF (Latin, punctuation
/// and Cyrillic, nearly every character a report shows), a hash map above. Looked up for
/// every character of a PDF twice (its sample and its page), where SipHash in a
/// `HashMap<char, _>` was 3.6 % of a region report's instructions.
struct CharMap<V> {
    table: Vec<Option<V>>,
    above: PlHashMap<char, V>,
}

/// Characters below this have their place in [`CharMap`]'s table.
const TABLE_CHARS: usize = 0x500;

impl<V: Copy> CharMap<V> {
    fn new() -> CharMap<V> {
        CharMap {
            table: vec![None; TABLE_CHARS],
            above: PlHashMap::default(),
        }
    }

    fn insert(&mut self, c: char, value: V) {
        match self.table.get_mut(c as usize) {
            Some(slot) => *slot = Some(value),
            None => {
                self.above.insert(c, value);
            }
        }
    }

    fn get(&self, c: char) -> Option<V> {
        match self.table.get(c as usize) {
            Some(slot) => *slot,
            None => self.above.get(&c).copied(),
        }
    }

    /// Every character and its value, in no particular order.
    fn entries(&self) -> Vec<(char, V)> {
        let table = self.table.iter().enumerate().filter_map(|(i, slot)| {
            let c = char::from_u32(u32::try_from(i).ok()?)?;
            Some((c, (*slot)?))
        });
        table
            .chain(self.above.iter().map(|(c, v)| (*c, *v)))
            .collect()
    }
}

/// Reals as lopdf writes them (`Display` of the `f32`), each written once a document and
/// copied after. A school PDF writes some 23 000 reals, a few hundred of them different
/// (the text matrix's ones and zeros, the colours, the tables' columns and rows), and
/// `Display` of an `f32` (Grisu, `core::fmt`) was 6 % of a region report's instructions.
/// A table of [`REAL_SLOTS`] slots, each taken by the last real whose bits hash to it.
pub struct Reals {
    slots: Vec<RealSlot>,
}

/// Slots of [`Reals`]: a power of two.
const REAL_SLOTS: usize = 4096;

/// A real's bits and its text; `len` 0 when empty (no real's text is).
#[derive(Clone, Copy, Default)]
struct RealSlot {
    bits: u32,
    len: u8,
    text: [u8; 15],
}

impl Reals {
    pub fn new() -> Reals {
        Reals {
            slots: vec![RealSlot::default(); REAL_SLOTS],
        }
    }

    /// Appends `value` to `out` as `format!("{value}")` writes it.
    fn push(&mut self, out: &mut Vec<u8>, value: f32) {
        let bits = value.to_bits();
        // Fibonacci hashing: the top bits of the product, REAL_SLOTS = 2^12.
        let slot = &mut self.slots[(bits.wrapping_mul(0x9E37_79B9) >> 20) as usize];
        if slot.len > 0 && slot.bits == bits {
            out.extend_from_slice(&slot.text[..usize::from(slot.len)]);
            return;
        }
        let start = out.len();
        // Writing into a Vec has no I/O to fail.
        let _ = write!(out, "{value}");
        let text = &out[start..];
        if let Some(kept) = slot.text.get_mut(..text.len()) {
            kept.copy_from_slice(text);
            slot.bits = bits;
            slot.len = text.len() as u8;
        }
    }
}

/// A content stream being written: operations one a line, each operand followed by a
/// space, as lopdf's `Content::encode`.
struct Content<'r> {
    bytes: Vec<u8>,
    first: bool,
    reals: &'r mut Reals,
}

impl Content<'_> {
    /// Starts an operation: a line break after the previous one.
    fn start(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.bytes.push(b'\n');
        }
    }

    /// An operation of real operands.
    fn op(&mut self, operands: &[f32], operator: &str) {
        self.start();
        for value in operands {
            self.real(*value);
            self.bytes.push(b' ');
        }
        self.bytes.extend_from_slice(operator.as_bytes());
    }

    /// A real as lopdf writes it (`Display` of the `f32`).
    fn real(&mut self, value: f32) {
        self.reals.push(&mut self.bytes, value);
    }

    fn hex(&mut self, byte: u8) {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        self.bytes.push(DIGITS[usize::from(byte >> 4)]);
        self.bytes.push(DIGITS[usize::from(byte & 15)]);
    }
}

#[cfg(test)]
mod tests {
    use super::super::font::Fonts;
    use super::super::layout::{self, INK, Layout, MUTED};

    /// Pages of every kind of operation the layout makes: texts in both weights and several
    /// colours and sizes (Cyrillic, Latin, digits, brackets and backslashes, characters the
    /// font lacks, an empty text), filled and outlined rectangles, plain and dashed lines,
    /// a table over several pages.
    fn pages(fonts: &Fonts) -> Vec<Vec<printpdf::Op>> {
        let mut l = Layout::new(fonts);
        l.new_page();
        l.heading("Мониторинг тьюторского сопровождения (итоги)");
        l.paragraph(
            "Посещаемость 87,5 % — выше порога; путь C:\\отчёты\\школа (1)",
            9.0,
            true,
        );
        l.text(30.0, 40.0, 7.0, false, MUTED, "");
        l.text(30.0, 45.0, 7.0, true, 0xC62828, "漢字 🙂 ✓ «№» Ёё");
        l.rect(20.0, 50.0, 40.0, 10.0, Some(0xF5F8FC), Some(0xBFD3E6));
        l.rect(20.0, 65.0, 40.0, 10.0, Some(0xF5F8FC), None);
        l.rect(20.0, 80.0, 40.0, 10.0, None, Some(0x1F4E79));
        l.line(&[(20.0, 95.0), (60.0, 99.5), (90.0, 91.25)], INK, 0.8, true);
        l.line(&[(20.0, 100.0), (190.0, 100.0)], 0xBFBFBF, 0.3, false);
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| {
                vec![
                    format!("P{i:03}"),
                    format!("Иванова Мария {i}"),
                    format!("{}.5", i),
                ]
            })
            .collect();
        let marked: Vec<bool> = (0..120).map(|i| i % 7 == 0).collect();
        l.table_marked(
            &["ID", "ФИО", "Значение"],
            &[20.0, 60.0, 20.0],
            &rows,
            &marked,
        );
        l.pages
    }

    /// The document as printpdf writes it alone, and as [`layout`] writes it with these
    /// content streams, before deflating: the same bytes.
    fn both(fonts: &Fonts, pages: Vec<Vec<printpdf::Op>>) -> (Vec<u8>, Option<Vec<u8>>) {
        let at = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let bytes = |lo: Option<lopdf::Document>| {
            lo.map(|mut lo| {
                // The font part of a document is deflated when it is kept for later ones.
                lo.objects.values_mut().for_each(layout::compress);
                let mut out = Vec::new();
                lo.save_to(&mut out).unwrap();
                layout::content_id(out)
            })
        };
        let mut doc = layout::document("Проверка", at, fonts);
        let direct = bytes(layout::direct(&mut doc, &pages));
        let mut doc = layout::document("Проверка", at, fonts);
        doc.with_pages(pages.into_iter().map(layout::a4).collect());
        (bytes(Some(layout::lopdf_document(&doc))).unwrap(), direct)
    }

    #[test]
    fn content_streams_are_printpdfs_bytes() {
        let fonts = Fonts::load();
        let pages = pages(&fonts);
        assert!(pages.len() > 2);
        let (printpdf, direct) = both(&fonts, pages);
        assert!(
            direct.is_some(),
            "every operation of the layout is written directly"
        );
        assert!(direct.as_deref() == Some(printpdf.as_slice()));
    }

    /// A document whose characters printpdf's fonts use as an earlier one's did (here the
    /// same pages with their last page repeated, so other characters are met last) takes
    /// that document's font part, moved past its page tree: printpdf's bytes still.
    #[test]
    fn a_kept_font_part_gives_printpdfs_bytes() {
        let fonts = Fonts::load();
        let mut pages = pages(&fonts);
        let (printpdf, direct) = both(&fonts, pages.clone());
        assert!(direct.as_deref() == Some(printpdf.as_slice()));
        let last = pages.last().unwrap().clone();
        pages.push(last);
        let at = chrono::NaiveDate::from_ymd_opt(2025, 10, 1)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap();
        let doc = layout::document("Проверка", at, &fonts);
        let usage = super::Sample::of(&pages).unwrap().usage(&doc).unwrap();
        assert!(layout::font_part_kept(&usage));
        let (printpdf, direct) = both(&fonts, pages);
        assert!(direct.as_deref() == Some(printpdf.as_slice()));
    }

    /// Reals written from the kept text (the second time round) and written anew (the
    /// first time, and whenever two share a slot) are `Display`'s text alike; 470.640625
    /// lies halfway between two shortest decimals (`Display` writes 470.64063).
    #[test]
    fn reals_are_displays_text() {
        let values: Vec<f32> = (0..20_000)
            .map(|i| i as f32 * 0.37 - 1000.0)
            .chain([
                0.0,
                -0.0,
                1.0,
                470.0 + 41.0 / 64.0,
                1e-30,
                f32::MIN_POSITIVE,
                f32::MAX,
            ])
            .chain([f32::NAN, f32::INFINITY, f32::NEG_INFINITY])
            .collect();
        let mut reals = super::Reals::new();
        for _ in 0..2 {
            for value in &values {
                let mut out = b"x".to_vec();
                reals.push(&mut out, *value);
                assert_eq!(out, format!("x{value}").as_bytes());
            }
        }
    }

    #[test]
    fn a_font_with_no_glyph_shown_is_left_to_printpdf() {
        let fonts = Fonts::load();
        let mut l = Layout::new(&fonts);
        l.new_page();
        l.text(20.0, 20.0, 8.0, false, INK, "Итого");
        l.text(20.0, 30.0, 8.0, true, INK, "");
        let (_, direct) = both(&fonts, l.pages);
        assert!(direct.is_none());
    }
}
