//! Moderation: members report objectives and comments; content reported by three different
//! members is hidden until a facilitator reviews it; facilitators hide (with a public
//! reason), restore, dismiss reports, lock discussions and suspend members. Every action is
//! audited; the public sees the reasons, never who reported.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;

use crate::error::ErrorCode;
use crate::ids::{ObjectiveId, SuspensionId, UserId};
use serde::{Deserialize, Serialize};

/// Reports from this many different members hide the content until a facilitator reviews it.
pub const AUTO_HIDE_REPORTS: i64 = 3;
pub const DETAILS_MAX: usize = 500;
pub const SUSPENSION_MAX_DAYS: i64 = 365;

text_enum! {
    /// Why content is reported or hidden (shown publicly in its place).
    pub enum Reason {
        OffTopic = "off_topic",
        Disrespectful = "disrespectful",
        PersonalData = "personal_data",
        Spam = "spam",
        Other = "other",
    }
}

text_enum! {
    /// The `moderation` column of what can be moderated.
    pub enum State { Visible = "visible", Pending = "pending", Hidden = "hidden" }
}

/// Whether content shows, and if not, why (the reason is public).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Visible,
    /// Hidden automatically after reports, until a facilitator reviews it.
    Pending,
    /// Hidden by a facilitator; `note` is shown with the reason when given.
    Hidden {
        reason: Reason,
        note: String,
    },
}

impl Moderation {
    pub fn from_columns(state: &str, reason: Option<&str>, note: Option<&str>) -> Self {
        match state {
            "pending" => Moderation::Pending,
            "hidden" => Moderation::Hidden {
                reason: reason.and_then(|r| Reason::parse(r).ok()).unwrap_or(Reason::Other),
                note: note.unwrap_or_default().to_owned(),
            },
            _ => Moderation::Visible,
        }
    }

    pub fn is_visible(&self) -> bool {
        matches!(self, Moderation::Visible)
    }

    pub fn state(&self) -> State {
        match self {
            Moderation::Visible => State::Visible,
            Moderation::Pending => State::Pending,
            Moderation::Hidden { .. } => State::Hidden,
        }
    }
}

/// What a report or a moderation action is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum Target {
    Objective(i64),
    Comment(i64),
}

impl Target {
    pub fn kind(self) -> &'static str {
        match self {
            Target::Objective(_) => "objective",
            Target::Comment(_) => "comment",
        }
    }
    pub fn id(self) -> i64 {
        match self {
            Target::Objective(id) | Target::Comment(id) => id,
        }
    }
    /// Form value `objective-12` / `comment-34`.
    pub fn key(self) -> String {
        format!("{}-{}", self.kind(), self.id())
    }
    pub fn parse(raw: &str) -> Result<Self, ErrorCode> {
        let (kind, id) = raw.trim().split_once('-').ok_or(ErrorCode::InvalidChoice)?;
        let id: i64 = id.parse().map_err(|_| ErrorCode::InvalidChoice)?;
        match kind {
            "objective" => Ok(Target::Objective(id)),
            "comment" => Ok(Target::Comment(id)),
            _ => Err(ErrorCode::InvalidChoice),
        }
    }
}

/// Free text that goes with a reason: optional, except that "other" needs it.
pub fn parse_details(reason: Reason, raw: &str) -> Result<String, ErrorCode> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.chars().count() {
        0 if reason == Reason::Other => Err(ErrorCode::Required),
        n if n > DETAILS_MAX => Err(ErrorCode::TooLong),
        _ => Ok(s),
    }
}

pub fn parse_suspension_days(raw: &str) -> Result<i64, ErrorCode> {
    match raw.trim().parse::<i64>() {
        _ if raw.trim().is_empty() => Err(ErrorCode::Required),
        Ok(d) if (1..=SUSPENSION_MAX_DAYS).contains(&d) => Ok(d),
        Ok(_) => Err(ErrorCode::InvalidChoice),
        Err(_) => Err(ErrorCode::InvalidFormat),
    }
}

/// Reports from `distinct_reporters` different members hide visible content.
pub fn auto_hides(distinct_reporters: i64) -> bool {
    distinct_reporters >= AUTO_HIDE_REPORTS
}

text_enum! {
    /// What a facilitator does with reported content.
    pub enum ModAction { Hide = "hide", Restore = "restore", Dismiss = "dismiss" }
}

impl ModAction {
    /// The audit log's name for it.
    pub fn action(self) -> &'static str {
        match self {
            ModAction::Hide => "moderation.hide",
            ModAction::Restore => "moderation.restore",
            ModAction::Dismiss => "moderation.dismiss",
        }
    }

    /// How the open reports end, and the content's new state (`None`: unchanged).
    pub fn outcome(self, current: State) -> (&'static str, Option<State>) {
        match self {
            ModAction::Hide => ("hidden", Some(State::Hidden)),
            ModAction::Restore => ("restored", Some(State::Visible)),
            ModAction::Dismiss => ("dismissed", (current == State::Pending).then_some(State::Visible)),
        }
    }
}

/// One entry of the moderation queue: content with open reports, or hidden pending review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub target: Target,
    pub objective_id: ObjectiveId,
    pub objective_title: String,
    pub author_id: UserId,
    pub author: String,
    pub excerpt: String,
    pub moderation: Moderation,
    /// Open reports by reason, with their free texts (never who reported).
    pub reasons: Vec<(Reason, i64)>,
    pub details: Vec<String>,
    pub first_reported_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub id: SuspensionId,
    pub user_id: UserId,
    pub user: String,
    pub reason: String,
    pub until: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub actor: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub details: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub assembly_name: String,
    pub threshold: i64,
    pub items: Vec<QueueItem>,
    pub suspensions: Vec<Suspension>,
    pub log: Vec<LogEntry>,
    /// The assembly's members and facilitators (who can be suspended), by name.
    pub members: Vec<(UserId, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_different_reporters_hide_content() {
        assert!(!auto_hides(2));
        assert!(auto_hides(3));
        assert!(auto_hides(7));
    }

    #[test]
    fn targets_round_trip_through_form_values() {
        for t in [Target::Objective(12), Target::Comment(345)] {
            assert_eq!(Target::parse(&t.key()), Ok(t));
        }
        assert_eq!(Target::parse("user-3"), Err(ErrorCode::InvalidChoice));
        assert_eq!(Target::parse("comment-x"), Err(ErrorCode::InvalidChoice));
        assert_eq!(Target::parse("comment"), Err(ErrorCode::InvalidChoice));
    }

    #[test]
    fn other_reason_needs_an_explanation() {
        assert_eq!(parse_details(Reason::Other, "  "), Err(ErrorCode::Required));
        assert_eq!(parse_details(Reason::Spam, ""), Ok(String::new()));
        assert_eq!(parse_details(Reason::Spam, &"x".repeat(DETAILS_MAX + 1)), Err(ErrorCode::TooLong));
        assert_eq!(Reason::parse("rude"), Err(ErrorCode::InvalidChoice));
    }

    #[test]
    fn moderation_state_reads_back_from_columns() {
        assert_eq!(Moderation::from_columns("visible", None, None), Moderation::Visible);
        assert_eq!(Moderation::from_columns("pending", None, None), Moderation::Pending);
        assert_eq!(
            Moderation::from_columns("hidden", Some("personal_data"), None),
            Moderation::Hidden { reason: Reason::PersonalData, note: String::new() }
        );
    }

    #[test]
    fn suspension_days_are_bounded() {
        assert_eq!(parse_suspension_days("7"), Ok(7));
        assert_eq!(parse_suspension_days("0"), Err(ErrorCode::InvalidChoice));
        assert_eq!(parse_suspension_days("366"), Err(ErrorCode::InvalidChoice));
        assert_eq!(parse_suspension_days("une semaine"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_suspension_days(""), Err(ErrorCode::Required));
    }
}
