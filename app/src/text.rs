//! Text values shared by every domain: long text fields (`parse_body`) and text enums.
//!
//! Text enums: closed sets of values (a status, a stance, a role) that are stored in the
//! database and sent in forms as short snake_case words. One macro gives each of them the
//! same conversions — `as_str`, `parse`, `ALL`, serde names, and `TryFrom<String>` so rows
//! convert them where they are read (`#[sqlx(try_from = "String")]`) — instead of a
//! hand-written pair per enum that can drift apart.

/// `text_enum! { pub enum Stance { For = "for", Against = "against" } }`
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; { [$($text),+].len() }] = [$($name::$variant),+];

            /// The word stored and sent for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// The value named `s` (surrounding spaces ignored); `required` when `s` is
            /// blank, `invalid_choice` when it names nothing.
            pub fn parse(s: &str) -> Result<Self, $crate::error::ErrorCode> {
                match s.trim() {
                    "" => Err($crate::error::ErrorCode::Required),
                    s => Self::ALL.into_iter().find(|v| v.as_str() == s).ok_or($crate::error::ErrorCode::InvalidChoice),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::ErrorCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::ErrorCode;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
    };
}

use crate::error::ErrorCode;

/// Markdown text (an objective, a comment, an update): required, bounded, line endings
/// normalised.
pub fn parse_body(raw: &str, max: usize) -> Result<String, ErrorCode> {
    let s = raw.replace("\r\n", "\n");
    let s = s.trim();
    match s.chars().count() {
        0 => Err(ErrorCode::Required),
        n if n > max => Err(ErrorCode::TooLong),
        _ => Ok(s.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorCode;

    text_enum! {
        /// A test enum.
        pub enum Colour { Red = "red", DarkBlue = "dark_blue" }
    }

    #[test]
    fn text_enums_round_trip_through_their_words() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.as_str()), Ok(c));
            assert_eq!(serde_json::to_string(&c).expect("json"), format!("\"{c}\""));
        }
        assert_eq!(Colour::parse(" dark_blue "), Ok(Colour::DarkBlue));
        assert_eq!(Colour::parse("DarkBlue"), Err(ErrorCode::InvalidChoice));
        assert_eq!(Colour::parse("  "), Err(ErrorCode::Required));
        assert_eq!(Colour::try_from("red".to_owned()), Ok(Colour::Red));
    }
}
