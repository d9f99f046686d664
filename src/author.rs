//! Who filled a form (`Паспорт`'s `Заполнил`), matched as people match names: surname plus
//! initials, whatever the spelling. «Орлов П. С.», «Орлов Павел Сергеевич» and «орлов п.с.»
//! are one author, so a corrected journal signed with the full name replaces the first one
//! instead of being counted as a second journal.

use crate::read::text::fold;

/// The author's identity: the folded surname followed by the initials of the other words
/// (`орлов п с`). A word holding a digit (a class such as `5А`) is kept whole, so «Классный
/// руководитель 5А» and «… 5Б» stay two authors. Initials written first («П. С. Орлов»)
/// are moved after the surname. Empty stays empty: an author of its own.
pub fn identity(written: &str) -> String {
    let folded = fold(written);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let is_initial = |w: &str| w.chars().count() == 1 && w.chars().all(char::is_alphabetic);
    // «П. С. Орлов»: the surname is the first word that is more than an initial.
    let surname_at = words
        .iter()
        .position(|w| !is_initial(w))
        .filter(|&i| words[..i].iter().all(|w| is_initial(w)))
        .unwrap_or(0);
    let Some(surname) = words.get(surname_at) else {
        return String::new();
    };
    let mut parts = vec![surname.to_string()];
    for (i, word) in words.iter().enumerate() {
        if i == surname_at {
            continue;
        }
        if word.chars().any(|c| c.is_ascii_digit())
            || !word.chars().all(|c| c.is_alphabetic() || c == '-')
        {
            parts.push(word.to_string());
        } else if let Some(initial) = word.chars().next() {
            parts.push(initial.to_string());
        }
    }
    parts.join(" ")
}

/// The author as written, spaces squeezed: what the summary shows.
pub fn as_written(written: &str) -> String {
    written.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_person_are_one_author() {
        let expected = "орлов п с";
        for spelling in [
            "Орлов П. С.",
            "Орлов Павел Сергеевич",
            "орлов п.с.",
            "  ОРЛОВ  П.С ",
            "Орлов П.С.",
            "П. С. Орлов",
            "Орлов, П. С.",
        ] {
            assert_eq!(identity(spelling), expected, "{spelling}");
        }
        assert_eq!(identity("Королёва Анна"), identity("Королева А."));
    }

    #[test]
    fn different_people_stay_apart() {
        assert_ne!(identity("Орлов П. С."), identity("Орлова П. С."));
        assert_ne!(identity("Орлов П. С."), identity("Орлов П. А."));
        assert_ne!(
            identity("Классный руководитель 5А"),
            identity("Классный руководитель 5Б")
        );
        assert_eq!(identity(""), "");
        assert_eq!(identity(" . "), "");
    }

    #[test]
    fn the_written_spelling_keeps_its_case() {
        assert_eq!(
            as_written("  Орлов   Павел Сергеевич "),
            "Орлов Павел Сергеевич"
        );
    }
}
