//! Objectives: what assembly members propose to improve the town hall's reception, their
//! lifecycle, versions and supports, and how they are listed and searched. Types and rules
//! compile for the browser too, so forms check input before sending.
pub mod api;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod search;

use crate::error::ErrorCode;
use crate::ids::{AssemblyId, ObjectiveId, UserId};
use crate::moderation::Moderation;
use serde::{Deserialize, Serialize};

pub const TITLE_MIN: usize = 5;
pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 10_000;
pub const TARGET_MAX: usize = 200;
pub const PAGE_SIZE: i64 = 20;

/// The reception channel an objective is about (its category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Phone,
    Email,
    FrontDesk,
    OnlineServices,
    OpeningHours,
    ResponseDelays,
    Accessibility,
    Signage,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::Phone,
        Channel::Email,
        Channel::FrontDesk,
        Channel::OnlineServices,
        Channel::OpeningHours,
        Channel::ResponseDelays,
        Channel::Accessibility,
        Channel::Signage,
        Channel::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::FrontDesk => "front_desk",
            Channel::OnlineServices => "online_services",
            Channel::OpeningHours => "opening_hours",
            Channel::ResponseDelays => "response_delays",
            Channel::Accessibility => "accessibility",
            Channel::Signage => "signage",
            Channel::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ErrorCode> {
        match s.trim() {
            "" => Err(ErrorCode::Required),
            s => Channel::ALL.into_iter().find(|c| c.as_str() == s).ok_or(ErrorCode::InvalidChoice),
        }
    }
}

/// `draft → proposed → in_discussion → voting → adopted | rejected`, plus `withdrawn` by the
/// author before a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Proposed,
    InDiscussion,
    Voting,
    Adopted,
    Rejected,
    Withdrawn,
}

impl Status {
    /// The statuses the public can filter on (a draft is its author's only).
    pub const PUBLIC: [Status; 6] =
        [Status::Proposed, Status::InDiscussion, Status::Voting, Status::Adopted, Status::Rejected, Status::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Proposed => "proposed",
            Status::InDiscussion => "in_discussion",
            Status::Voting => "voting",
            Status::Adopted => "adopted",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Result<Self, ErrorCode> {
        [Status::Draft]
            .into_iter()
            .chain(Status::PUBLIC)
            .find(|c| c.as_str() == s.trim())
            .ok_or(ErrorCode::InvalidChoice)
    }

    /// The author edits the text until a facilitator opens the discussion: after that,
    /// people argue about a text that must not move under them.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Proposed)
    }

    /// The author may withdraw an objective before it is put to the vote.
    pub fn withdrawable(self) -> bool {
        matches!(self, Status::Draft | Status::Proposed | Status::InDiscussion)
    }

    /// Members may support an objective while it is being debated.
    pub fn supportable(self) -> bool {
        matches!(self, Status::Proposed | Status::InDiscussion)
    }

    /// The discussion is open from publication until the vote is over.
    pub fn commentable(self) -> bool {
        matches!(self, Status::Proposed | Status::InDiscussion | Status::Voting)
    }
}

impl TryFrom<String> for Status {
    type Error = ErrorCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Status::parse(&s)
    }
}

impl TryFrom<String> for Channel {
    type Error = ErrorCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Channel::parse(&s)
    }
}

/// A title is one line of 5 to 120 characters.
pub fn parse_title(raw: &str) -> Result<String, ErrorCode> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.chars().count() {
        0 => Err(ErrorCode::Required),
        n if n < TITLE_MIN => Err(ErrorCode::TooShort),
        n if n > TITLE_MAX => Err(ErrorCode::TooLong),
        _ => Ok(s),
    }
}

/// Markdown text of an objective or a comment: required, bounded, line endings normalised.
pub fn parse_body(raw: &str, max: usize) -> Result<String, ErrorCode> {
    let s = raw.replace("\r\n", "\n");
    let s = s.trim();
    match s.chars().count() {
        0 => Err(ErrorCode::Required),
        n if n > max => Err(ErrorCode::TooLong),
        _ => Ok(s.to_owned()),
    }
}

/// The optional measurable target ("answer every e-mail within 48 hours").
pub fn parse_target(raw: &str) -> Result<String, ErrorCode> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > TARGET_MAX {
        Err(ErrorCode::TooLong)
    } else {
        Ok(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Newest,
    Supported,
    Discussed,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Newest, Sort::Supported, Sort::Discussed];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Supported => "supported",
            Sort::Discussed => "discussed",
        }
    }
    pub fn parse(s: &str) -> Sort {
        Sort::ALL.into_iter().find(|x| x.as_str() == s).unwrap_or_default()
    }
}

/// A listing's filters, sort, search and page: everything the URL carries, so that every
/// state of the list has a stable address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    pub channel: Option<Channel>,
    pub status: Option<Status>,
    pub sort: Sort,
    pub q: String,
    pub page: i64,
}

impl ListQuery {
    /// Reads the query string leniently: an unknown value means "no filter", never an error
    /// page, because people edit and share URLs.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        ListQuery {
            channel: get("channel").and_then(|c| Channel::parse(c).ok()),
            status: get("status").and_then(|s| Status::parse(s).ok()).filter(|s| *s != Status::Draft),
            sort: get("sort").map(Sort::parse).unwrap_or_default(),
            q: get("q").map(|q| q.chars().take(200).collect()).unwrap_or_default(),
            page: get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    /// The query string for this state, with `page` replaced.
    pub fn to_query(&self, page: i64) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        if let Some(c) = self.channel {
            out.append_pair("channel", c.as_str());
        }
        if let Some(s) = self.status {
            out.append_pair("status", s.as_str());
        }
        if self.sort != Sort::Newest {
            out.append_pair("sort", self.sort.as_str());
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        out.finish()
    }
}

/// An objective in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveSummary {
    pub id: ObjectiveId,
    pub title: String,
    pub channel: Channel,
    pub status: Status,
    pub author: String,
    pub moderation: Moderation,
    pub supports: i64,
    pub comments: i64,
    pub published_at: Option<i64>,
    pub ready: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveList {
    pub items: Vec<ObjectiveSummary>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub threshold: i64,
    /// The signed-in author's drafts (first page only), which nobody else sees.
    pub drafts: Vec<ObjectiveSummary>,
    pub can_propose: bool,
    pub can_moderate: bool,
}

/// One objective with what the viewer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub id: ObjectiveId,
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub author_id: UserId,
    pub author: String,
    pub title: String,
    pub body_md: String,
    /// Sanitised HTML rendered from `body_md` when it was saved. Empty when hidden.
    pub body_html: String,
    pub channel: Channel,
    pub target: String,
    pub status: Status,
    pub version: i64,
    pub moderation: Moderation,
    pub locked: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
    pub supports: i64,
    pub threshold: i64,
    pub viewer: Viewer,
    /// For its author's draft: published objectives with similar titles.
    pub similar: Vec<Similar>,
    /// The vote rounds it was put to, oldest first: (round, method, closed).
    pub votes: Vec<(crate::ids::RoundId, crate::voting::Method, bool)>,
    /// The town hall's commitment made from it, once adopted.
    pub commitment: Option<crate::ids::CommitmentId>,
}

/// What the person looking at an objective may do; computed on the server by the same
/// rules the server functions enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Viewer {
    pub signed_in: bool,
    pub is_author: bool,
    pub participant: bool,
    pub suspended_until: Option<i64>,
    pub moderator: bool,
    pub supported: bool,
}

impl Viewer {
    pub fn can_act(&self) -> bool {
        self.participant && self.suspended_until.is_none()
    }
}

/// An earlier (or the current) text of an objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub version: i64,
    pub title: String,
    pub channel: Channel,
    pub target: String,
    pub body_md: String,
    pub created_at: i64,
}

/// A piece of a word diff between two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffPart {
    Same(String),
    Added(String),
    Removed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub objective_id: ObjectiveId,
    pub title: String,
    pub hidden: bool,
    pub versions: Vec<Version>,
    pub from: i64,
    pub to: i64,
    pub title_diff: Vec<DiffPart>,
    pub target_diff: Vec<DiffPart>,
    pub body_diff: Vec<DiffPart>,
    pub channel_change: Option<(Channel, Channel)>,
}

/// A similar existing objective, shown before posting so members join a discussion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Similar {
    pub id: ObjectiveId,
    pub title: String,
    pub status: Status,
}

/// Whether an objective has enough supports to be put on a sitting's agenda.
pub fn ready_for_agenda(status: Status, supports: i64, threshold: i64) -> bool {
    status.supportable() && supports >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_one_trimmed_line_of_5_to_120_characters() {
        assert_eq!(parse_title("  Répondre  aux\ncourriels  "), Ok("Répondre aux courriels".into()));
        assert_eq!(parse_title("   "), Err(ErrorCode::Required));
        assert_eq!(parse_title("Abcd"), Err(ErrorCode::TooShort));
        assert_eq!(parse_title("Accès"), Ok("Accès".into()), "five characters, one of them accented");
        assert_eq!(parse_title(&"é".repeat(121)), Err(ErrorCode::TooLong));
        assert!(parse_title(&"é".repeat(120)).is_ok());
    }

    #[test]
    fn body_and_target_are_bounded() {
        assert_eq!(parse_body("a\r\nb ", BODY_MAX), Ok("a\nb".into()));
        assert_eq!(parse_body(" \n ", BODY_MAX), Err(ErrorCode::Required));
        assert_eq!(parse_body(&"x".repeat(BODY_MAX + 1), BODY_MAX), Err(ErrorCode::TooLong));
        assert_eq!(parse_target(""), Ok(String::new()));
        assert_eq!(parse_target(&"x".repeat(TARGET_MAX + 1)), Err(ErrorCode::TooLong));
    }

    #[test]
    fn channels_and_statuses_round_trip_and_reject_unknown_values() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(c));
        }
        assert_eq!(Channel::parse("fax"), Err(ErrorCode::InvalidChoice));
        assert_eq!(Channel::parse(""), Err(ErrorCode::Required));
        for s in Status::PUBLIC {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
        assert_eq!(Status::parse("archived"), Err(ErrorCode::InvalidChoice));
    }

    #[test]
    fn lifecycle_rules() {
        assert!(Status::Draft.editable() && Status::Proposed.editable());
        assert!(!Status::InDiscussion.editable() && !Status::Voting.editable());
        assert!(
            Status::InDiscussion.withdrawable() && !Status::Voting.withdrawable() && !Status::Adopted.withdrawable()
        );
        assert!(!Status::Draft.supportable() && Status::Proposed.supportable() && !Status::Withdrawn.supportable());
        assert!(!Status::Draft.commentable() && Status::Voting.commentable() && !Status::Rejected.commentable());
        assert!(ready_for_agenda(Status::Proposed, 10, 10));
        assert!(!ready_for_agenda(Status::Proposed, 9, 10));
        assert!(!ready_for_agenda(Status::Withdrawn, 50, 10));
    }

    #[test]
    fn list_query_round_trips_through_the_url_and_ignores_junk() {
        let q = ListQuery {
            channel: Some(Channel::Phone),
            status: Some(Status::Proposed),
            sort: Sort::Supported,
            q: "délai courriel".into(),
            page: 3,
        };
        let qs = q.to_query(3);
        let pairs: Vec<(String, String)> = form_urlencoded::parse(qs.as_bytes()).into_owned().collect();
        let back = ListQuery::from_pairs(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()));
        assert_eq!(back, q);
        let junk = ListQuery::from_pairs(|k| match k {
            "channel" => Some("fax"),
            "status" => Some("draft"),
            "sort" => Some("random"),
            "page" => Some("-4"),
            _ => None,
        });
        assert_eq!(junk, ListQuery { page: 1, ..ListQuery::default() });
        assert_eq!(ListQuery::default().to_query(1), "");
    }
}
