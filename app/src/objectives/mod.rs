//! Objectives: what assembly members propose to improve the town hall's reception, their
//! lifecycle, versions and supports, and how they are listed and searched. Types and rules
//! compile for the browser too, so forms check input before sending.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;

use crate::error::ErrorCode;
use crate::ids::{AssemblyId, ObjectiveId, UserId};
use crate::moderation::Moderation;
use serde::{Deserialize, Serialize};

pub const TITLE_MIN: usize = 5;
pub const TITLE_MAX: usize = 120;
pub const BODY_MAX: usize = 10_000;
pub const TARGET_MAX: usize = 200;
pub const PAGE_SIZE: i64 = 20;

text_enum! {
    /// The reception channel an objective is about (its category).
    pub enum Channel {
        Phone = "phone",
        Email = "email",
        FrontDesk = "front_desk",
        OnlineServices = "online_services",
        OpeningHours = "opening_hours",
        ResponseDelays = "response_delays",
        Accessibility = "accessibility",
        Signage = "signage",
        Other = "other",
    }
}

text_enum! {
    /// `draft → proposed → in_discussion → voting → adopted | rejected`, plus `withdrawn` by
    /// the author before a vote (see `Status::after`).
    pub enum Status {
        Draft = "draft",
        Proposed = "proposed",
        InDiscussion = "in_discussion",
        Voting = "voting",
        Adopted = "adopted",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

text_enum! {
    /// What moves an objective along its lifecycle.
    pub enum Step {
        Publish = "publish",
        Withdraw = "withdraw",
        OpenDiscussion = "open_discussion",
        PutToVote = "put_to_vote",
        Adopt = "adopt",
        Reject = "reject",
    }
}

/// Who takes a step: its author, a facilitator of its assembly, or the result of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    Author,
    Facilitator,
    Vote,
}

impl Step {
    /// Who may take this step.
    pub fn mover(self) -> Mover {
        match self {
            Step::Publish | Step::Withdraw => Mover::Author,
            Step::OpenDiscussion | Step::PutToVote => Mover::Facilitator,
            Step::Adopt | Step::Reject => Mover::Vote,
        }
    }
}

impl Status {
    /// The statuses the public can filter on (a draft is its author's only).
    pub const PUBLIC: [Status; 6] =
        [Status::Proposed, Status::InDiscussion, Status::Voting, Status::Adopted, Status::Rejected, Status::Withdrawn];

    /// The lifecycle as one pure function: the status after `step` taken by `by`, or why it
    /// cannot be taken — `forbidden` when `by` may not take it, `invalid_state` when the
    /// objective is not where the step starts. Every domain that moves an objective uses it.
    pub fn after(self, step: Step, by: Mover) -> Result<Status, ErrorCode> {
        if step.mover() != by {
            return Err(ErrorCode::Forbidden);
        }
        let next = match (step, self) {
            (Step::Publish, Status::Draft) => Status::Proposed,
            (Step::Withdraw, s) if s.withdrawable() => Status::Withdrawn,
            (Step::OpenDiscussion, Status::Proposed) => Status::InDiscussion,
            (Step::PutToVote, Status::Proposed | Status::InDiscussion) => Status::Voting,
            (Step::Adopt, Status::Voting) => Status::Adopted,
            (Step::Reject, Status::Voting) => Status::Rejected,
            _ => return Err(ErrorCode::InvalidState),
        };
        Ok(next)
    }

    /// A ranking or approval vote decides priorities, not adoption: its objectives return to
    /// the status they had when it opened.
    pub fn returned_from_vote(self, previous: Status) -> Result<Status, ErrorCode> {
        match (self, previous) {
            (Status::Voting, Status::Proposed | Status::InDiscussion) => Ok(previous),
            _ => Err(ErrorCode::InvalidState),
        }
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

    /// Seen by everyone (a draft is its author's only).
    pub fn public(self) -> bool {
        self != Status::Draft
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

pub use crate::text::parse_body;

/// The optional measurable target ("answer every e-mail within 48 hours").
pub fn parse_target(raw: &str) -> Result<String, ErrorCode> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().count() > TARGET_MAX {
        Err(ErrorCode::TooLong)
    } else {
        Ok(s)
    }
}

text_enum! {
    /// The order of a list of objectives.
    #[derive(Default)]
    pub enum Sort {
        #[default]
        Newest = "newest",
        Supported = "supported",
        Discussed = "discussed",
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
            sort: get("sort").and_then(|s| Sort::parse(s).ok()).unwrap_or_default(),
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
    fn each_step_starts_from_its_statuses_and_belongs_to_one_mover() {
        use Mover::*;
        assert_eq!(Status::Draft.after(Step::Publish, Author), Ok(Status::Proposed));
        assert_eq!(Status::Proposed.after(Step::Publish, Author), Err(ErrorCode::InvalidState));
        assert_eq!(Status::Draft.after(Step::Publish, Facilitator), Err(ErrorCode::Forbidden));
        assert_eq!(Status::InDiscussion.after(Step::Withdraw, Author), Ok(Status::Withdrawn));
        assert_eq!(Status::Voting.after(Step::Withdraw, Author), Err(ErrorCode::InvalidState));
        assert_eq!(Status::Proposed.after(Step::OpenDiscussion, Facilitator), Ok(Status::InDiscussion));
        assert_eq!(Status::Proposed.after(Step::OpenDiscussion, Author), Err(ErrorCode::Forbidden));
        assert_eq!(Status::InDiscussion.after(Step::PutToVote, Facilitator), Ok(Status::Voting));
        assert_eq!(Status::Withdrawn.after(Step::PutToVote, Facilitator), Err(ErrorCode::InvalidState));
        assert_eq!(Status::Voting.after(Step::Adopt, Vote), Ok(Status::Adopted));
        assert_eq!(Status::Voting.after(Step::Reject, Vote), Ok(Status::Rejected));
        assert_eq!(Status::Adopted.after(Step::Reject, Vote), Err(ErrorCode::InvalidState));
        // No step leads out of a decided or withdrawn objective.
        for end in [Status::Adopted, Status::Rejected, Status::Withdrawn] {
            for step in Step::ALL {
                assert!(end.after(step, step.mover()).is_err(), "{end} {step}");
            }
        }
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
