//! Russian numbers and the nouns that agree with them: «2\u{2009}000», «12,5»,
//! «1 лист», «2 листа», «5 листов».

/// `n` and the form of the noun that agrees with it: `one` for 1, 21, 101…, `few` for
/// 2–4, 22–24…, `many` for 0, 5–20, 25–30… (`plural(3, "лист", "листа", "листов")` is «3 листа»).
pub fn plural(n: u64, one: &str, few: &str, many: &str) -> String {
    format!("{} {}", grouped(n), noun(n, one, few, many))
}

/// A whole number the Russian way: «2\u{2009}000\u{2009}000».
pub fn grouped(n: u64) -> String {
    number(n as f64, 0)
}

/// A number the Russian way: comma decimals, thin-space thousands.
pub fn number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{2009}');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// Only the noun form of [`plural`], for phrases where the number stands elsewhere.
pub fn noun<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (_, 11..=14) => many,
        (1, _) => one,
        (2..=4, _) => few,
        _ => many,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nouns_agree_with_their_numbers() {
        let sheets = |n| plural(n, "лист", "листа", "листов");
        assert_eq!(sheets(1), "1 лист");
        assert_eq!(sheets(2), "2 листа");
        assert_eq!(sheets(4), "4 листа");
        assert_eq!(sheets(5), "5 листов");
        assert_eq!(sheets(11), "11 листов");
        assert_eq!(sheets(12), "12 листов");
        assert_eq!(sheets(21), "21 лист");
        assert_eq!(sheets(22), "22 листа");
        assert_eq!(sheets(111), "111 листов");
        assert_eq!(sheets(0), "0 листов");
        assert_eq!(sheets(1024), "1\u{2009}024 листа");
    }
}
