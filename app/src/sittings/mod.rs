//! Sittings (issue #4): planned meetings of an assembly, in the room and online at once,
//! with an ordered agenda of objectives, attendance taken by the facilitator, proxies, and
//! a speaking queue with each speaker's total time. Vote rounds belong to a sitting; they
//! live in `voting`.
pub mod api;
pub mod ics;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::ErrorCode;
use crate::ids::{AssemblyId, ObjectiveId, SittingId, TurnId, UserId};
use crate::objectives::Status;
use serde::{Deserialize, Serialize};

pub const TITLE_MIN: usize = 3;
pub const TITLE_MAX: usize = 120;
pub const PLACE_MAX: usize = 200;
pub const URL_MAX: usize = 500;

text_enum! {
    /// `planned → live → closed` (a closed sitting may be reopened).
    pub enum SittingStatus { Planned = "planned", Live = "live", Closed = "closed" }
}

text_enum! {
    /// How a member attends: in the room or online (no row: absent).
    pub enum Mode { Room = "room", Online = "online" }
}

text_enum! {
    /// What a facilitator does to the agenda or the sitting itself.
    pub enum RunStep {
        Add = "add",
        Remove = "remove",
        Up = "up",
        Down = "down",
        Current = "current",
        Start = "start",
        Close = "close",
    }
}

text_enum! {
    /// The speaking queue: members `raise` and `lower` their hand; facilitators `give` the
    /// floor, `end` the current turn, `drop` a waiting one.
    pub enum QueueStep { Raise = "raise", Lower = "lower", Give = "give", End = "end", Drop = "drop" }
}

pub use crate::guard::Person;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingSummary {
    pub id: SittingId,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub online_url: String,
    pub status: SittingStatus,
    pub agenda_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingList {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub upcoming: Vec<SittingSummary>,
    pub past: Vec<SittingSummary>,
    pub can_plan: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaEntry {
    pub objective_id: ObjectiveId,
    pub title: String,
    pub status: Status,
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub person: Person,
    pub mode: Option<Mode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    pub giver: Person,
    pub holder: Person,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    pub id: TurnId,
    pub person: Person,
    pub requested_at: i64,
    pub started_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakingTime {
    pub person: Person,
    pub seconds: i64,
    pub turns: i64,
}

pub use crate::discussion::LiveComment;

/// What the viewer may do on the sitting page, decided by the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SittingViewer {
    pub signed_in: bool,
    pub facilitates: bool,
    pub participates: bool,
    pub user_id: Option<UserId>,
    pub hand_raised: bool,
    pub present: Option<Mode>,
    pub proxy_given_to: Option<Person>,
    pub proxy_held_for: Option<Person>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sitting {
    pub id: SittingId,
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub online_url: String,
    pub status: SittingStatus,
    pub agenda: Vec<AgendaEntry>,
    pub members_count: i64,
    pub present_room: i64,
    pub present_online: i64,
    /// Every participant with their check-in (facilitators only; empty for others).
    pub attendees: Vec<Attendee>,
    /// All proxies for facilitators; none for others (they see their own in `viewer`).
    pub proxies: Vec<Proxy>,
    pub speaker: Option<Turn>,
    pub queue: Vec<Turn>,
    pub speaking_times: Vec<SpeakingTime>,
    /// The latest comments on the objective under discussion, newest first.
    pub current_discussion: Vec<LiveComment>,
    /// Objectives a facilitator may still put on the agenda: (id, title).
    pub candidates: Vec<(ObjectiveId, String)>,
    /// Other participants a member may give their proxy to.
    pub proxy_candidates: Vec<Person>,
    pub viewer: SittingViewer,
    /// The server's clock, so a phone with a wrong clock still shows the right timer.
    pub now: i64,
}

pub fn parse_title(raw: &str) -> Result<String, ErrorCode> {
    let t = raw.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(ErrorCode::Required)
    } else if n < TITLE_MIN {
        Err(ErrorCode::TooShort)
    } else if n > TITLE_MAX {
        Err(ErrorCode::TooLong)
    } else {
        Ok(t.to_owned())
    }
}

pub fn parse_place(raw: &str) -> Result<String, ErrorCode> {
    let t = raw.trim();
    if t.chars().count() > PLACE_MAX {
        Err(ErrorCode::TooLong)
    } else {
        Ok(t.to_owned())
    }
}

/// An online meeting link: empty, or an http(s) URL (never `javascript:`).
pub fn parse_online_url(raw: &str) -> Result<String, ErrorCode> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    if t.len() > URL_MAX {
        return Err(ErrorCode::TooLong);
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !t.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') => {
            Ok(t.to_owned())
        }
        _ => Err(ErrorCode::InvalidFormat),
    }
}

/// `2026-12-10` and `18:30`, French local time, to unix seconds. The offset is found by
/// trying winter time then checking the result against the summer-time rule.
pub fn parse_local(date: &str, clock: &str) -> Result<i64, ErrorCode> {
    use time::macros::format_description;
    let date = date.trim();
    let clock = clock.trim();
    if date.is_empty() || clock.is_empty() {
        return Err(ErrorCode::Required);
    }
    let d =
        time::Date::parse(date, format_description!("[year]-[month]-[day]")).map_err(|_| ErrorCode::InvalidFormat)?;
    let t = time::Time::parse(clock, format_description!("[hour]:[minute]")).map_err(|_| ErrorCode::InvalidFormat)?;
    let naive = d.with_time(t);
    for offset_hours in [1i8, 2] {
        let offset = time::UtcOffset::from_hms(offset_hours, 0, 0).map_err(|_| ErrorCode::InvalidFormat)?;
        let ts = naive.assume_offset(offset).unix_timestamp();
        if crate::i18n_texts::paris_offset_hours(ts) == offset_hours {
            return Ok(ts);
        }
    }
    // The hour skipped when clocks go forward: take it as winter time.
    Ok(naive.assume_offset(time::UtcOffset::from_hms(1, 0, 0).map_err(|_| ErrorCode::InvalidFormat)?).unix_timestamp())
}

/// Total speaking time per person from their turns `(person, started_at, ended_at)`; a turn
/// still running counts up to `now`. Longest first, so the facilitator sees who spoke most.
pub fn speaking_times(turns: &[(Person, i64, Option<i64>)], now: i64) -> Vec<SpeakingTime> {
    let mut out: Vec<SpeakingTime> = Vec::new();
    for (person, start, end) in turns {
        let secs = (end.unwrap_or(now) - start).max(0);
        match out.iter_mut().find(|s| s.person.id == person.id) {
            Some(s) => {
                s.seconds += secs;
                s.turns += 1;
            }
            None => out.push(SpeakingTime { person: person.clone(), seconds: secs, turns: 1 }),
        }
    }
    out.sort_by(|a, b| b.seconds.cmp(&a.seconds).then_with(|| a.person.name.cmp(&b.person.name)));
    out
}

/// `4 min 05 s`
pub fn format_duration(secs: i64) -> String {
    let secs = secs.max(0);
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min {:02} s", secs / 60, secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_follows_french_summer_and_winter_time() {
        // 10 December 18:30 in Paris is 17:30 UTC; 10 June 18:30 is 16:30 UTC.
        assert_eq!(parse_local("2026-12-10", "18:30"), Ok(1_796_923_800));
        assert_eq!(parse_local("2026-06-10", "18:30"), Ok(1_781_109_000));
        assert_eq!(parse_local("2026-13-10", "18:30"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_local("2026-12-10", "25:00"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_local("", "18:30"), Err(ErrorCode::Required));
    }

    #[test]
    fn online_links_must_be_web_addresses() {
        assert_eq!(parse_online_url(""), Ok(String::new()));
        assert!(parse_online_url("https://visio.example.fr/salle-1").is_ok());
        assert_eq!(parse_online_url("javascript:alert(1)"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_online_url("https://"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_online_url("https://a.fr/\"><script>"), Err(ErrorCode::InvalidFormat));
    }

    #[test]
    fn speaking_time_adds_up_turns_and_counts_the_running_one() {
        let p = |id, name: &str| Person { id: UserId(id), name: name.into() };
        let turns = vec![(p(1, "Awa"), 100, Some(160)), (p(2, "Marcel"), 160, Some(400)), (p(1, "Awa"), 400, None)];
        let times = speaking_times(&turns, 430);
        assert_eq!(times[0].person.name, "Marcel");
        assert_eq!(times[0].seconds, 240);
        assert_eq!(times[1].seconds, 90);
        assert_eq!(times[1].turns, 2);
        assert_eq!(format_duration(245), "4 min 05 s");
        assert_eq!(format_duration(9), "9 s");
    }
}
