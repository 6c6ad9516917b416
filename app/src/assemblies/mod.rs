//! Assemblies and the invitations that bring people into them. Members are drawn by lot and
//! invited by the town hall: an invitation is a single-use, expiring link for one role.
pub mod api;
#[cfg(feature = "ssr")]
pub mod import;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;

use crate::accounts::Role;
use crate::error::ErrorCode;
use crate::ids::{AssemblyId, InvitationId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assembly {
    pub id: AssemblyId,
    pub name: String,
    pub town: String,
    pub description: String,
    pub member_count: i64,
    /// The next sitting not yet closed, if any: (id, title, start).
    pub next_sitting: Option<(crate::ids::SittingId, String, i64)>,
}

fn bounded(raw: &str, min: usize, max: usize) -> Result<String, ErrorCode> {
    let s = raw.trim();
    match s.chars().count() {
        0 if min > 0 => Err(ErrorCode::Required),
        n if n < min => Err(ErrorCode::TooShort),
        n if n > max => Err(ErrorCode::TooLong),
        _ => Ok(s.to_owned()),
    }
}

pub fn parse_assembly_name(raw: &str) -> Result<String, ErrorCode> {
    bounded(raw, 3, 120)
}

pub fn parse_town(raw: &str) -> Result<String, ErrorCode> {
    bounded(raw, 1, 120)
}

pub const DESCRIPTION_MAX: usize = 5000;

pub fn parse_description(raw: &str) -> Result<String, ErrorCode> {
    bounded(raw, 0, DESCRIPTION_MAX)
}

pub const INVITATION_DEFAULT_DAYS: i64 = 30;
pub const INVITATION_MAX_DAYS: i64 = 90;

pub fn parse_valid_days(raw: &str) -> Result<i64, ErrorCode> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(INVITATION_DEFAULT_DAYS);
    }
    match raw.parse::<i64>() {
        Ok(d) if (1..=INVITATION_MAX_DAYS).contains(&d) => Ok(d),
        Ok(_) => Err(ErrorCode::InvalidChoice),
        Err(_) => Err(ErrorCode::InvalidFormat),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Used,
    Expired,
    Revoked,
}

impl InvitationStatus {
    /// An invitation can be used once, before it expires, unless an admin revoked it.
    pub fn of(expires_at: i64, used_at: Option<i64>, revoked_at: Option<i64>, now: i64) -> Self {
        if used_at.is_some() {
            InvitationStatus::Used
        } else if revoked_at.is_some() {
            InvitationStatus::Revoked
        } else if now >= expires_at {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: InvitationId,
    pub role: Role,
    pub invitee_name: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub status: InvitationStatus,
    pub used_by: Option<String>,
}

/// Returned once, at creation: only the token's hash is stored, so the link cannot be shown
/// again later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedInvitation {
    pub link: String,
    pub role: Role,
    pub invitee_name: Option<String>,
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_is_valid_once_before_expiry_unless_revoked() {
        assert_eq!(InvitationStatus::of(100, None, None, 99), InvitationStatus::Pending);
        assert_eq!(InvitationStatus::of(100, None, None, 100), InvitationStatus::Expired);
        assert_eq!(InvitationStatus::of(100, Some(50), None, 99), InvitationStatus::Used);
        assert_eq!(InvitationStatus::of(100, None, Some(60), 99), InvitationStatus::Revoked);
        // Used beats expired: the history says what happened.
        assert_eq!(InvitationStatus::of(100, Some(50), None, 200), InvitationStatus::Used);
    }

    #[test]
    fn validity_days_default_and_bounds() {
        assert_eq!(parse_valid_days(""), Ok(INVITATION_DEFAULT_DAYS));
        assert_eq!(parse_valid_days("7"), Ok(7));
        assert_eq!(parse_valid_days("0"), Err(ErrorCode::InvalidChoice));
        assert_eq!(parse_valid_days("91"), Err(ErrorCode::InvalidChoice));
        assert_eq!(parse_valid_days("sept"), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn assembly_fields_are_bounded() {
        assert_eq!(parse_assembly_name("  Assemblée citoyenne  "), Ok("Assemblée citoyenne".into()));
        assert_eq!(parse_assembly_name("ab"), Err(ErrorCode::TooShort));
        assert_eq!(parse_assembly_name(""), Err(ErrorCode::Required));
        assert_eq!(parse_town(&"x".repeat(121)), Err(ErrorCode::TooLong));
        assert_eq!(parse_description(""), Ok(String::new()));
        assert_eq!(parse_description(&"x".repeat(DESCRIPTION_MAX + 1)), Err(ErrorCode::TooLong));
    }
}
