//! Accounts: people, their roles, sessions and the rules about passwords and logins.
//! Types and rules here compile for the browser too, so forms check input before sending.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::ErrorCode;
use crate::ids::{AssemblyId, UserId};

pub use crate::guard::{Membership, Role, SessionUser};

pub const DISPLAY_NAME_MAX: usize = 80;
pub const LOGIN_MAX: usize = 60;
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 256;

/// How a person appears to others: 2 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match s.chars().count() {
            0 => Err(ErrorCode::Required),
            1 => Err(ErrorCode::TooShort),
            n if n > DISPLAY_NAME_MAX => Err(ErrorCode::TooLong),
            _ if s.chars().any(char::is_control) => Err(ErrorCode::InvalidFormat),
            _ => Ok(DisplayName(s)),
        }
    }
    pub fn into_inner(self) -> String {
        self.0
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The identifier typed at login: 3 to 60 of `a-z 0-9 . _ - @ +`, case-insensitive (an
/// e-mail address works).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginName(String);

impl LoginName {
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        let s = raw.trim().to_lowercase();
        match s.chars().count() {
            0 => Err(ErrorCode::Required),
            1..=2 => Err(ErrorCode::TooShort),
            n if n > LOGIN_MAX => Err(ErrorCode::TooLong),
            _ if !s.chars().all(|c| c.is_ascii_alphanumeric() || ".-_@+".contains(c)) => Err(ErrorCode::InvalidFormat),
            _ => Ok(LoginName(s)),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An optional contact address: empty means none; otherwise `local@domain.tld`-shaped.
pub fn parse_optional_email(raw: &str) -> Result<Option<String>, ErrorCode> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let valid = s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && s.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(Some(s.to_owned()))
    } else {
        Err(ErrorCode::InvalidFormat)
    }
}

/// The shape rules of a new password, checked in the browser and on the server. The server
/// also rejects common and guessable passwords (`session::reject_weak_password`).
pub fn check_new_password(password: &str, confirmation: &str) -> Result<(), (&'static str, ErrorCode)> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(("password", ErrorCode::PasswordTooShort));
    }
    if n > PASSWORD_MAX {
        return Err(("password", ErrorCode::TooLong));
    }
    if password != confirmation {
        return Err(("password_confirm", ErrorCode::PasswordMismatch));
    }
    Ok(())
}

/// Lockout rule: after `MAX_FAILURES` failed logins within `WINDOW` seconds, further tries
/// are refused until the oldest of them leaves the window. Returns the seconds left.
pub mod lockout {
    pub const MAX_FAILURES: usize = 5;
    pub const WINDOW: i64 = 15 * 60;

    /// `failures`: times of failed attempts since the last success, any order.
    pub fn remaining(failures: &[i64], now: i64) -> Option<i64> {
        let mut recent: Vec<i64> = failures.iter().copied().filter(|t| now - t < WINDOW).collect();
        if recent.len() < MAX_FAILURES {
            return None;
        }
        recent.sort_unstable();
        // The window reopens when the MAX_FAILURES-th most recent failure expires.
        let pivot = recent[recent.len() - MAX_FAILURES];
        Some((pivot + WINDOW - now).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_is_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Awa   Diallo ").map(|d| d.into_inner()), Ok("Awa Diallo".into()));
        assert_eq!(DisplayName::parse("   "), Err(ErrorCode::Required));
        assert_eq!(DisplayName::parse("A"), Err(ErrorCode::TooShort));
        assert_eq!(DisplayName::parse(&"é".repeat(81)), Err(ErrorCode::TooLong));
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
    }

    #[test]
    fn login_is_lowercased_and_restricted() {
        assert_eq!(LoginName::parse(" Marie.Dupont@Example.fr ").map(|l| l.0), Ok("marie.dupont@example.fr".into()));
        assert_eq!(LoginName::parse("ab"), Err(ErrorCode::TooShort));
        assert_eq!(LoginName::parse("marie dupont"), Err(ErrorCode::InvalidFormat));
        assert_eq!(LoginName::parse("<script>"), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn password_policy_checks_length_and_confirmation() {
        assert_eq!(check_new_password("court", "court"), Err(("password", ErrorCode::PasswordTooShort)));
        assert_eq!(check_new_password("exactement12", "exactement12"), Ok(()));
        assert_eq!(
            check_new_password("un long mot de passe", "un long mot de passf"),
            Err(("password_confirm", ErrorCode::PasswordMismatch))
        );
        let long = "x".repeat(PASSWORD_MAX + 1);
        assert_eq!(check_new_password(&long, &long), Err(("password", ErrorCode::TooLong)));
    }

    #[test]
    fn optional_email_accepts_blank_and_rejects_malformed() {
        assert_eq!(parse_optional_email("  "), Ok(None));
        assert_eq!(parse_optional_email("a@b.fr"), Ok(Some("a@b.fr".into())));
        for bad in ["a@b", "@b.fr", "a b@c.fr", "a@b@c.fr", "a@.fr"] {
            assert_eq!(parse_optional_email(bad), Err(ErrorCode::InvalidFormat), "{bad}");
        }
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_the_account() {
        let now = 10_000;
        assert_eq!(lockout::remaining(&[now - 10, now - 20, now - 30, now - 40], now), None);
        assert_eq!(
            lockout::remaining(&[now - 10, now - 20, now - 30, now - 40, now - 50], now),
            Some(lockout::WINDOW - 50)
        );
        // Failures older than the window do not count.
        assert_eq!(lockout::remaining(&[now - 10, now - 20, now - 30, now - 40, now - 901], now), None);
        // With more failures, the lock lasts until the fifth most recent one expires.
        assert_eq!(
            lockout::remaining(&[now - 1, now - 2, now - 3, now - 4, now - 5, now - 800], now),
            Some(lockout::WINDOW - 5)
        );
    }
}

/// An invitation as its link's page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InvitationDetails {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub town: String,
    pub role: Role,
    pub invitee_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub id: UserId,
    pub display_name: String,
    pub login: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub memberships: Vec<Membership>,
}
