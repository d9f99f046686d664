//! Lenient matching of what teachers type (forms.md, "matched leniently").
//!
//! Two operations: [`fold`] builds a comparison key for headers, sheet names and closed
//! lists; [`canonical_code`] builds the stored form of IDs and codes. Both report which
//! normalisations changed the text, so callers can warn instead of changing data silently.

use std::borrow::Cow;

/// A kind of change the lenient rules made to a value. Warnings are grouped by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// Latin letters that look like Cyrillic ones were replaced.
    LatinLookalike,
    /// `ё` read as `е`.
    Yo,
    /// Repeated or surrounding spaces removed.
    Spaces,
    /// A number typed as text (`"3,5"`).
    NumberAsText,
    /// A date typed as text (`"12.09.2025"`).
    DateAsText,
    /// A whole number written with a fraction (`17.0` read as `17`).
    WholeNumber,
}

impl Change {
    /// The change in the words of the «Исправлено автоматически» note.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Change::LatinLookalike => "латинские буквы, похожие на русские, прочитаны как русские",
            Change::Yo => "буква «ё» прочитана как «е»",
            Change::Spaces => "лишние пробелы удалены",
            Change::NumberAsText => "число, записанное как текст, прочитано как число",
            Change::DateAsText => "дата, записанная как текст, прочитана как дата",
            Change::WholeNumber => "целое число с дробной частью «.0» прочитано как целое",
        }
    }
}

/// Latin capitals that look like Cyrillic capitals, and their Cyrillic twins.
const UPPER_LOOKALIKES: [(char, char); 12] = [
    ('A', 'А'),
    ('B', 'В'),
    ('E', 'Е'),
    ('K', 'К'),
    ('M', 'М'),
    ('H', 'Н'),
    ('O', 'О'),
    ('P', 'Р'),
    ('C', 'С'),
    ('T', 'Т'),
    ('X', 'Х'),
    ('Y', 'У'),
];
/// Latin small letters that look like Cyrillic small letters.
const LOWER_LOOKALIKES: [(char, char); 7] = [
    ('a', 'а'),
    ('e', 'е'),
    ('o', 'о'),
    ('p', 'р'),
    ('c', 'с'),
    ('y', 'у'),
    ('x', 'х'),
];

fn cyrillic_twin(c: char) -> Option<char> {
    UPPER_LOOKALIKES
        .iter()
        .chain(LOWER_LOOKALIKES.iter())
        .find(|(latin, _)| *latin == c)
        .map(|(_, cyr)| *cyr)
}

fn is_cyrillic(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{04FF}')
}

/// Replaces Latin look-alikes inside words that contain Cyrillic letters, and in words made
/// only of look-alikes, digits and punctuation (codes like `C1`, `K1.2`, `Y-001`).
/// Other Latin words (`yes`, `Google`) are kept.
fn fold_lookalikes<'a>(s: &'a str, changes: &mut Vec<Change>) -> Cow<'a, str> {
    // Most text has no Latin letter at all: it is kept without a copy.
    if !s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        // Most words have no Latin letter at all: they are kept without the costlier checks.
        let has_latin = word.bytes().any(|b| b.is_ascii_alphabetic());
        if has_latin
            && (word.chars().any(is_cyrillic)
                || word
                    .chars()
                    .all(|c| !c.is_alphabetic() || is_cyrillic(c) || cyrillic_twin(c).is_some()))
        {
            let mut folded = false;
            for c in word.chars() {
                let twin = cyrillic_twin(c).unwrap_or(c);
                folded |= twin != c;
                out.push(twin);
            }
            if folded {
                push_once(changes, Change::LatinLookalike);
            }
        } else {
            out.push_str(word);
        }
    }
    Cow::Owned(out)
}

fn push_once(changes: &mut Vec<Change>, change: Change) {
    if !changes.contains(&change) {
        changes.push(change);
    }
}

/// Trims and collapses runs of whitespace (including non-breaking spaces) into one space;
/// clean text is borrowed, not copied.
pub fn squeeze_spaces<'a>(s: &'a str, changes: &mut Vec<Change>) -> Cow<'a, str> {
    // What teachers type is mostly clean already: single ASCII spaces between words.
    if is_squeezed(s) {
        return Cow::Borrowed(s);
    }
    let squeezed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if squeezed.len() != s.len() {
        push_once(changes, Change::Spaces);
    }
    Cow::Owned(squeezed)
}

/// Whether `s` has no whitespace but single ASCII spaces between words, so squeezing would
/// keep it as it is. One pass over the bytes: every cell read goes through here, and four
/// searches over its characters were a twentieth of validation. Only the bytes `\t`..`\r`
/// and the lead bytes `C2`, `E1`, `E2`, `E3` can start whitespace other than a space (U+0085,
/// U+00A0, U+1680, U+2000..U+205F, U+3000): text without them, as nearly all is, is judged by
/// its spaces alone, one byte at a time.
fn is_squeezed(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ') {
        return false;
    }
    let mut after_space = false;
    for &byte in bytes {
        match byte {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t'..=b'\r' | 0xC2 | 0xE1..=0xE3 => return is_squeezed_by_characters(s),
            _ => after_space = false,
        }
    }
    true
}

/// [`is_squeezed`] for text that may hold whitespace other than a space, character by
/// character.
fn is_squeezed_by_characters(s: &str) -> bool {
    let bytes = s.as_bytes();
    // A space first, or after another space, is one too many.
    let mut after_space = true;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b' ' if after_space => return false,
            b' ' => after_space = true,
            b'\t'..=b'\r' => return false,
            // Other ASCII, and the two-byte Cyrillic letters U+0400..U+04FF: never spaces.
            0..=0x7F | 0xD0..=0xD3 => after_space = false,
            _ => match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => return false,
                _ => after_space = false,
            },
        }
        i += utf8_width(byte);
    }
    s.is_empty() || !after_space
}

/// The length of the UTF-8 sequence that `lead` starts.
fn utf8_width(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Cleans free text: spaces squeezed, nothing else touched (names keep their letters).
pub fn clean_text<'a>(s: &'a str, changes: &mut Vec<Change>) -> Cow<'a, str> {
    squeeze_spaces(s, changes)
}

/// The lenient comparison key: spaces squeezed, lower case, `ё`=`е`, Latin look-alikes
/// folded, trailing `.`/`:` dropped. Used for headers, sheet names, labels and closed lists.
pub fn fold(s: &str) -> String {
    fold_tracked(s, &mut Vec::new()).into_owned()
}

/// Whether [`fold`] would return `s` unchanged: spaces clean, and only small Cyrillic
/// letters (no `ё`) besides ASCII digits, punctuation and single spaces, nothing trailing to
/// trim. Most cells compared (marks, closed-list values, answers) are so already, and
/// folding them took four allocations each.
fn is_folded(s: &str) -> bool {
    let bytes = s.as_bytes();
    // Byte by byte, as `is_squeezed`: a space first, or after another space, is one too many.
    let mut after_space = true;
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, bytes.get(i + 1)) {
            (b' ', _) if after_space => return false,
            (b' ', _) => after_space = true,
            (b'!'..=b'~', _) if !byte.is_ascii_alphabetic() => after_space = false,
            // а..п are D0 B0..BF, р..я are D1 80..8F.
            (0xD0, Some(0xB0..=0xBF)) | (0xD1, Some(0x80..=0x8F)) => after_space = false,
            _ => return false,
        }
        i += utf8_width(byte);
    }
    s.is_empty() || (!after_space && !s.ends_with(['.', ':']))
}

/// [`fold`], recording which changes (other than case and trailing punctuation) it made;
/// text already folded is borrowed.
pub fn fold_tracked<'a>(s: &'a str, changes: &mut Vec<Change>) -> Cow<'a, str> {
    if is_folded(s) {
        return Cow::Borrowed(s);
    }
    // One allocation, the lower-case copy: the steps before it borrow unchanged text, and
    // the trailing punctuation is cut from the copy.
    let squeezed = squeeze_spaces(s, changes);
    let folded = fold_lookalikes(&squeezed, changes);
    let mut lower = folded.to_lowercase();
    if lower.contains('ё') {
        push_once(changes, Change::Yo);
        lower = lower.replace('ё', "е");
    }
    let kept = lower
        .trim_end_matches(|c: char| c == '.' || c == ':' || c.is_whitespace())
        .len();
    lower.truncate(kept);
    Cow::Owned(lower)
}

/// The stored form of an ID or code: spaces squeezed, upper case, Latin look-alikes folded,
/// `ё`=`е`, and `17.0` read as `17`; a code canonical as typed is borrowed.
pub fn canonical_code<'a>(s: &'a str, changes: &mut Vec<Change>) -> Cow<'a, str> {
    let squeezed = squeeze_spaces(s, changes);
    if let Some(whole) = squeezed
        .strip_suffix(".0")
        .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
    {
        push_once(changes, Change::WholeNumber);
        return Cow::Owned(whole.to_string());
    }
    if is_canonical(&squeezed) {
        return squeezed;
    }
    Cow::Owned(upper_code(&squeezed, changes))
}

/// Whether [`upper_code`] would return `s` as it is: ASCII but small letters and the
/// capitals that look like Cyrillic ones, and Cyrillic capitals but `Ё`. Codes typed in
/// Cyrillic capitals and digits, as most are, are so.
fn is_canonical(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match (byte, bytes.get(i + 1)) {
            (b'A'..=b'Z', _) if cyrillic_twin(char::from(byte)).is_some() => return false,
            (0..=0x7F, _) if !byte.is_ascii_lowercase() => i += 1,
            // А..Я are D0 90..AF (`Ё` is D0 81).
            (0xD0, Some(0x90..=0xAF)) => i += 2,
            _ => return false,
        }
    }
    true
}

/// [`canonical_code`] of squeezed text that is not a whole number: upper case, look-alikes
/// folded, `Ё` read as `Е`.
fn upper_code(squeezed: &str, changes: &mut Vec<Change>) -> String {
    if squeezed.is_ascii() {
        ascii_upper_code(squeezed, changes)
    } else {
        unicode_upper_code(squeezed, changes)
    }
}

/// [`upper_code`] of ASCII text (IDs typed in Latin letters, `P12`, `k1.2`) in one pass and
/// one allocation: its upper case is ASCII, and a word of it is folded when it has a letter
/// and each of its letters, in upper case, looks like a Cyrillic one.
fn ascii_upper_code(s: &str, changes: &mut Vec<Change>) -> String {
    // A folded letter takes two bytes.
    let mut out = String::with_capacity(2 * s.len());
    let mut folded = false;
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let upper = word.bytes().map(|b| char::from(b.to_ascii_uppercase()));
        let letters = word.bytes().filter(u8::is_ascii_alphabetic);
        let fold = word.bytes().any(|b| b.is_ascii_alphabetic())
            && letters
                .map(|b| char::from(b.to_ascii_uppercase()))
                .all(|c| cyrillic_twin(c).is_some());
        if fold {
            for c in upper {
                let twin = cyrillic_twin(c).unwrap_or(c);
                folded |= twin != c;
                out.push(twin);
            }
        } else {
            out.extend(upper);
        }
    }
    if folded {
        push_once(changes, Change::LatinLookalike);
    }
    out
}

/// [`upper_code`] of any text.
fn unicode_upper_code(squeezed: &str, changes: &mut Vec<Change>) -> String {
    // Upper case first: `b` becomes `B`, a look-alike, so one pass settles the code.
    let upper = squeezed.to_uppercase();
    let folded = match fold_lookalikes(&upper, changes) {
        Cow::Owned(folded) => Some(folded),
        Cow::Borrowed(_) => None,
    };
    let mut upper = folded.unwrap_or(upper);
    if upper.contains('Ё') {
        push_once(changes, Change::Yo);
        upper = upper.replace('Ё', "Е");
    }
    upper
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_spaces_yo_and_trailing_punctuation() {
        assert_eq!(fold("  Стаж,   лет: "), "стаж, лет");
        assert_eq!(fold("Тьютор (ID)."), "тьютор (id)");
        assert_eq!(fold("Волонтёрство"), fold("волонтерство"));
    }

    #[test]
    fn text_already_folded_is_returned_as_it_is_and_anything_else_is_folded() {
        for folded in ["", "+", "н", "8 б", "мастер-класс", "стаж, лет", "(17) 5,5"]
        {
            assert!(is_folded(folded), "{folded}");
            assert_eq!(fold(folded), folded);
        }
        for other in [
            " н", "н ", "н.", "н:", "а  б", "Н", "ё", "x", "a\tb", "н\u{a0}",
        ] {
            assert!(!is_folded(other), "{other}");
        }
    }

    #[test]
    fn every_whitespace_but_the_space_starts_with_a_byte_is_squeezed_looks_for() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() && c != ' ' {
                let mut bytes = [0; 4];
                let lead = c.encode_utf8(&mut bytes).as_bytes()[0];
                assert!(
                    matches!(lead, b'\t'..=b'\r' | 0xC2 | 0xE1..=0xE3),
                    "U+{:04X}",
                    c as u32
                );
                assert!(!is_squeezed(&format!("a{c}b")), "U+{:04X}", c as u32);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn text_taken_as_squeezed_is_what_squeezing_makes_of_it(
            s in "[ абвЁНabc.:,\t\n\u{85}\u{a0}\u{1680}\u{2003}\u{2028}\u{205f}\u{3000}é€ÿ-]{0,8}"
        ) {
            let squeezed = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(is_squeezed(&s), squeezed == s);
            proptest::prop_assert_eq!(is_squeezed_by_characters(&s), squeezed == s);
        }

        #[test]
        fn text_taken_as_folded_is_what_folding_makes_of_it(
            s in "[ абвгдеёжзиклмнопрстуфхцчшщъыьэюяАБВЁНОabcehopxyACEHKOPXY.:,;+0-9\t\u{a0}-]{0,8}"
        ) {
            if is_folded(&s) {
                let mut changes = Vec::new();
                proptest::prop_assert_eq!(&fold_tracked(&s, &mut changes), &s);
                proptest::prop_assert!(changes.is_empty());
            }
        }
    }

    #[test]
    fn folds_latin_lookalikes_in_cyrillic_words_but_keeps_latin_words() {
        let mut changes = Vec::new();
        assert_eq!(fold_tracked("тьютоp", &mut changes), "тьютор");
        assert_eq!(changes, vec![Change::LatinLookalike]);
        assert_eq!(fold("yes"), "yes");
        assert_eq!(fold("ID"), "id");
    }

    #[test]
    fn canonical_codes_fold_numbers_and_lookalikes() {
        let mut changes = Vec::new();
        assert_eq!(canonical_code("17.0", &mut changes), "17");
        assert_eq!(changes, vec![Change::WholeNumber]);
        assert_eq!(canonical_code(" c1 ", &mut Vec::new()), "С1");
        assert_eq!(canonical_code("K1.2", &mut Vec::new()), "К1.2");
        assert_eq!(canonical_code("y-001", &mut Vec::new()), "У-001");
        assert_eq!(canonical_code("8 б", &mut Vec::new()), "8 Б");
        for typed in ["Р-17", "С1", "ИВАНОВ_2", "D-4", "17", "Ж 1.2"] {
            let mut changes = Vec::new();
            assert!(
                matches!(canonical_code(typed, &mut changes), Cow::Borrowed(c) if c == typed),
                "{typed}"
            );
            assert!(changes.is_empty(), "{typed}");
        }
        for other in ["P-17", "р1", "Ё1", "d", "ß"] {
            assert!(!is_canonical(other), "{other}");
        }
    }

    proptest::proptest! {
        #[test]
        fn an_ascii_code_is_folded_in_one_pass_as_any_other_code(
            s in "[ ABCDEHKMOPTXYZabcdehkmoptxyz0-9.,_-]{0,10}"
        ) {
            let (mut one_pass, mut unicode) = (Vec::new(), Vec::new());
            proptest::prop_assert_eq!(
                ascii_upper_code(&s, &mut one_pass),
                unicode_upper_code(&s, &mut unicode)
            );
            proptest::prop_assert_eq!(one_pass, unicode);
        }

        #[test]
        fn a_code_taken_as_canonical_is_what_folding_makes_of_it(
            s in "[ АБВЁНОРСЖЯабвёнрABCDEHKMOPTXYZabcdhpxyßﬁ0-9.,_-]{0,8}"
        ) {
            let mut changes = Vec::new();
            let squeezed = squeeze_spaces(&s, &mut changes);
            if is_canonical(&squeezed) {
                let mut folded = Vec::new();
                proptest::prop_assert_eq!(upper_code(&squeezed, &mut folded), squeezed.as_ref());
                proptest::prop_assert!(folded.is_empty());
            }
        }
    }
}
