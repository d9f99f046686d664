//! Questionnaire and diagnostic waves, in the order they are held.

use std::fmt;

use crate::read::text::fold;

/// A questionnaire or diagnostic wave. The derived order is the order they are held in
/// (`start` < `mid` < `final`): the latest wave of a year is the largest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wave {
    /// Before the support begins: the baseline each later wave is compared with.
    Start,
    /// Halfway through the year, where a school holds one.
    Mid,
    /// At the end of the year: progress is measured from `Start` to here.
    Final,
}

impl Wave {
    /// Every wave, in the order they are held.
    pub const ALL: [Wave; 3] = [Wave::Start, Wave::Mid, Wave::Final];

    /// The code of the store and the CSV files: `start`.
    pub fn code(self) -> &'static str {
        match self {
            Wave::Start => "start",
            Wave::Mid => "mid",
            Wave::Final => "final",
        }
    }

    /// The word people read: `входная`.
    pub fn russian(self) -> &'static str {
        match self {
            Wave::Start => "входная",
            Wave::Mid => "промежуточная",
            Wave::Final => "итоговая",
        }
    }

    /// Reads the Russian word or the code, leniently.
    pub fn parse(s: &str) -> Option<Wave> {
        let key = fold(s);
        Wave::ALL
            .into_iter()
            .find(|w| fold(w.russian()) == key || w.code() == key)
    }
}

impl fmt::Display for Wave {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.russian())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waves_read_back_and_are_ordered_as_held() {
        for w in Wave::ALL {
            assert_eq!(Wave::parse(w.code()), Some(w));
            assert_eq!(Wave::parse(w.russian()), Some(w));
        }
        assert_eq!(Wave::parse("Итоговая"), Some(Wave::Final));
        assert!(Wave::Start < Wave::Mid && Wave::Mid < Wave::Final);
        assert_eq!(Wave::ALL.iter().max(), Some(&Wave::Final));
    }
}
