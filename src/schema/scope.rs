//! The scopes of the long table: whose figure a row is.

use std::fmt;

/// Whose figure a row of `indicators.csv` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// One person (`entity` holds the ID); never leaves the school.
    Person,
    /// One school (`unit` its code): the school's own report and the centre's rows.
    School,
    /// The schools of one municipality together, as the centre sees them.
    Municipality,
    /// Every school of the region's register together.
    Region,
}

impl Scope {
    /// Every scope, from the narrowest.
    pub const ALL: [Scope; 4] = [
        Scope::Person,
        Scope::School,
        Scope::Municipality,
        Scope::Region,
    ];

    /// The code of the `scope` column: `school`.
    pub fn code(self) -> &'static str {
        match self {
            Scope::Person => "person",
            Scope::School => "school",
            Scope::Municipality => "municipality",
            Scope::Region => "region",
        }
    }

    /// The word people read: `школа`.
    pub fn russian(self) -> &'static str {
        match self {
            Scope::Person => "участник",
            Scope::School => "школа",
            Scope::Municipality => "муниципалитет",
            Scope::Region => "регион",
        }
    }

    /// The scope of a code of the `scope` column.
    pub fn parse(code: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.code() == code)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.russian())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_from_their_codes() {
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.code()), Some(s));
        }
        assert_eq!(Scope::parse("школа"), None);
        assert_eq!(Scope::School.to_string(), "школа");
    }
}
