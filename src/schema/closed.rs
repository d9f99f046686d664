//! The closed lists of the store's records (forms.md): attendance marks, roles, route
//! statuses and results. What a column holds is [`code`](Mark::code); the forms offer and
//! accept these words (their dropdowns list `CODES`), and the indicators compare with them.

use std::fmt;

/// Declares a closed list: an enum with `ALL`, `CODES` (in the order a form's dropdown
/// lists them), `code`, `parse` and a `Display` in Russian.
macro_rules! closed_list {
    ($(#[$doc:meta])* $name:ident, $n:literal { $($variant:ident => $code:literal, $russian:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $(#[doc = $russian] $variant,)+
        }

        impl $name {
            /// Every member, in the order the form lists them.
            pub const ALL: [$name; $n] = [$($name::$variant),+];
            /// What the column holds, in the order the form lists them.
            pub const CODES: [&str; $n] = [$($code),+];

            /// What the column holds.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The word people read.
            pub fn russian(self) -> &'static str {
                match self {
                    $($name::$variant => $russian,)+
                }
            }

            /// The member a stored code stands for.
            pub fn parse(code: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|m| m.code() == code)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.russian())
            }
        }
    };
}

closed_list! {
    /// An attendance mark (the `mark` column of `attendance`); an empty cell, not expected,
    /// has no row.
    Mark, 4 {
        Present => "present", "был";
        Absent => "absent", "не был";
        Excused => "excused", "уважительная причина";
        Ill => "ill", "болел";
    }
}

closed_list! {
    /// A participant's role in the roster (the `role` column of `roster`).
    Role, 4 {
        Mentor => "наставник", "наставник";
        Tutor => "тьютор", "тьютор";
        Teacher => "педагог", "педагог";
        Student => "обучающийся", "обучающийся";
    }
}

closed_list! {
    /// A route item's status (the `status` column of `route`).
    Status, 4 {
        Planned => "запланировано", "запланировано";
        Done => "выполнено", "выполнено";
        NotDone => "не выполнено", "не выполнено";
        Postponed => "перенесено", "перенесено";
    }
}

closed_list! {
    /// A route item's result (the `result` column of `route`).
    RouteResult, 3 {
        Participation => "участие", "участие";
        Prize => "призёр", "призёр";
        Win => "победитель", "победитель";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_lists_read_back_from_their_codes() {
        for m in Mark::ALL {
            assert_eq!(Mark::parse(m.code()), Some(m));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(s));
        }
        for r in RouteResult::ALL {
            assert_eq!(RouteResult::parse(r.code()), Some(r));
        }
        assert_eq!(Mark::CODES, ["present", "absent", "excused", "ill"]);
        assert_eq!(Mark::Ill.to_string(), "болел");
        assert_eq!(
            Role::parse("Тьютор"),
            None,
            "codes are stored folded already"
        );
        assert_eq!(RouteResult::CODES, ["участие", "призёр", "победитель"]);
    }
}
