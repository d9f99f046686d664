//! The embedded fonts (DejaVu Sans, regular and bold) and their real metrics
//! (ttf-parser): text is measured and wrapped here, so nothing a PDF shows overflows its box.

use printpdf::ParsedFont;

static REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// The embedded fonts, parsed once per run: for the PDF and for measuring.
pub struct Fonts {
    pub(super) regular: ParsedFont,
    pub(super) bold: ParsedFont,
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
        .map(|c| {
            char::from_u32(c)
                .and_then(|c| face.glyph_index(c))
                .and_then(|g| face.glyph_hor_advance(g))
                .unwrap_or(0)
        })
        .collect()
}

impl Fonts {
    /// Parses the fonts compiled into the program.
    pub fn load() -> Fonts {
        let mut warnings = Vec::new();
        // The fonts are compiled in and known good: failing here is a build defect, not user data.
        let regular_face =
            ttf_parser::Face::parse(REGULAR, 0).expect("embedded regular font parses");
        let bold_face = ttf_parser::Face::parse(BOLD, 0).expect("embedded bold font parses");
        Fonts {
            regular: ParsedFont::from_bytes(REGULAR, 0, &mut warnings)
                .expect("embedded regular font parses"),
            bold: ParsedFont::from_bytes(BOLD, 0, &mut warnings)
                .expect("embedded bold font parses"),
            regular_advances: advances(&regular_face),
            bold_advances: advances(&bold_face),
            regular_face,
            bold_face,
        }
    }

    fn face(&self, bold: bool) -> &ttf_parser::Face<'static> {
        if bold {
            &self.bold_face
        } else {
            &self.regular_face
        }
    }

    /// Width of `text` in millimetres at `size` points: the sum of the glyphs' advances.
    pub fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        let table = if bold {
            &self.bold_advances
        } else {
            &self.regular_advances
        };
        let units: u32 = text
            .chars()
            .map(|c| match table.get(c as usize) {
                Some(a) => *a as u32,
                None => face
                    .glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .unwrap_or(0) as u32,
            })
            .sum();
        units as f32 / face.units_per_em() as f32 * size / PT_PER_MM
    }

    /// Greedy word wrap into lines no wider than `max` mm; a word longer than a line is cut.
    pub fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = self.width(" ", size, bold);
        for word in text.split_whitespace() {
            // Widths add up word by word: no string is measured twice.
            let word_width = self.width(word, size, bold);
            let candidate_width = if line.is_empty() {
                word_width
            } else {
                line_width + space + word_width
            };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_by_the_fonts_real_widths_and_cuts_words_longer_than_a_line() {
        let fonts = Fonts::load();
        let lines = fonts.wrap(
            "Мониторинг тьюторского сопровождения в школе",
            10.0,
            false,
            40.0,
        );
        assert!(lines.len() > 1);
        assert!(
            lines.iter().all(|l| fonts.width(l, 10.0, false) <= 40.0),
            "{lines:?}"
        );
        let sha = "a".repeat(64);
        let cut = fonts.wrap(&sha, 8.0, false, 30.0);
        assert!(cut.len() > 1 && cut.concat() == sha);
        assert!(fonts.width("ШШШ", 10.0, true) > fonts.width("iii", 10.0, false));
    }
}
