//! Commitments (issue #5): an adopted objective turned by the town hall's staff into a
//! public promise — a service, a contact role, a target date, a summary — followed through
//! its status history, milestones, indicators measured over time and progress updates.
//! The pure rules (the status shown, progress, an indicator's trend, input parsing) are
//! here; use cases in `service`, statements in `store`, server functions in `api`.
pub mod api;
pub mod chart;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::ErrorCode;
use crate::ids::{AssemblyId, CommitmentId, IndicatorId, MilestoneId, ObjectiveId, RoundId, SittingId};
use crate::objectives::Channel;
use serde::{Deserialize, Serialize};

pub const SERVICE_MAX: usize = 120;
pub const SUMMARY_MAX: usize = 5_000;
pub const REASON_MAX: usize = 500;
pub const TITLE_MAX: usize = 200;
pub const SOURCE_MAX: usize = 200;
pub const UNIT_MAX: usize = 40;
pub const UPDATE_MAX: usize = 10_000;

text_enum! {
    /// The status staff set.
    pub enum Status { Planned = "planned", InProgress = "in_progress", Done = "done", Abandoned = "abandoned" }
}

text_enum! {
    /// The status the public sees: the one staff set, or `Late` once the target date has
    /// passed and the commitment is neither done nor abandoned.
    pub enum Shown {
        Planned = "planned",
        InProgress = "in_progress",
        Late = "late",
        Done = "done",
        Abandoned = "abandoned",
    }
}

text_enum! {
    /// What a staff member changes on a commitment (each kept in its history with a reason).
    pub enum ChangeKind { Status = "status", TargetDate = "target_date", Progress = "progress" }
}

text_enum! {
    /// What a notification tells the objective's author and supporters.
    pub enum NotificationKind { Created = "created", Status = "status", TargetDate = "target_date", Update = "update" }
}

/// The status as shown when the date does not make it late.
impl From<Status> for Shown {
    fn from(s: Status) -> Self {
        match s {
            Status::Planned => Shown::Planned,
            Status::InProgress => Shown::InProgress,
            Status::Done => Shown::Done,
            Status::Abandoned => Shown::Abandoned,
        }
    }
}

/// `today` and `target` are `YYYY-MM-DD` (they compare as text).
pub fn shown_status(status: Status, target: &str, today: &str) -> Shown {
    match status {
        Status::Done => Shown::Done,
        Status::Abandoned => Shown::Abandoned,
        _ if target < today => Shown::Late,
        Status::Planned => Shown::Planned,
        Status::InProgress => Shown::InProgress,
    }
}

/// The day a commitment became late: the day after its target date.
pub fn late_since(target: &str) -> Option<String> {
    let d = parse_date(target).ok()?;
    d.next_day().map(format_iso)
}

/// How far along a commitment is, and why that figure: from its milestones, or declared by
/// staff with a reason (which wins when set, since milestones may not capture the work).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    None,
    Milestones { done: u32, total: u32, percent: u32 },
    Declared { percent: u32, reason: String },
}

impl Progress {
    pub fn percent(&self) -> u32 {
        match self {
            Progress::None => 0,
            Progress::Milestones { percent, .. } | Progress::Declared { percent, .. } => *percent,
        }
    }
}

pub fn progress(done: u32, total: u32, declared: Option<(u32, &str)>) -> Progress {
    match declared {
        Some((percent, reason)) => Progress::Declared { percent: percent.min(100), reason: reason.to_owned() },
        None if total == 0 => Progress::None,
        None => Progress::Milestones { done, total, percent: (done.min(total) * 100) / total },
    }
}

text_enum! {
    /// Which way an indicator should go.
    pub enum Direction { Higher = "higher", Lower = "lower" }
}

/// Where an indicator stands against its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Share of the way from the baseline to the target covered by the latest measurement,
    /// in percent (negative when it went the wrong way; over 100 beyond the target).
    pub covered: i64,
    pub reached: bool,
    /// Compared with the measurement before it: better, worse or the same.
    pub last_move: Move,
}

text_enum! {
    /// How the latest measurement compares with the one before it.
    pub enum Move { Better = "better", Worse = "worse", Same = "same", Unknown = "unknown" }
}

/// `values`: measurements oldest first.
pub fn trend(baseline: f64, target: f64, direction: Direction, values: &[f64]) -> Option<Trend> {
    let last = *values.last()?;
    let span = target - baseline;
    let covered = if span.abs() < f64::EPSILON { 100.0 } else { (last - baseline) / span * 100.0 };
    let reached = match direction {
        Direction::Higher => last >= target,
        Direction::Lower => last <= target,
    };
    let last_move = match values.len().checked_sub(2).and_then(|i| values.get(i)) {
        None => Move::Unknown,
        Some(prev) if (last - prev).abs() < f64::EPSILON => Move::Same,
        Some(prev) => {
            let up = last > *prev;
            if up == (direction == Direction::Higher) {
                Move::Better
            } else {
                Move::Worse
            }
        }
    };
    Some(Trend { covered: covered.round() as i64, reached, last_move })
}

pub fn parse_date(raw: &str) -> Result<time::Date, ErrorCode> {
    use time::macros::format_description;
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ErrorCode::Required);
    }
    time::Date::parse(raw, format_description!("[year]-[month]-[day]")).map_err(|_| ErrorCode::InvalidFormat)
}

pub fn format_iso(d: time::Date) -> String {
    format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `2026-12-31` → `31/12/2026`
pub fn format_date_fr(iso: &str) -> String {
    match parse_date(iso) {
        Ok(d) => format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year()),
        Err(_) => iso.to_owned(),
    }
}

/// A measured value as people type it: `62,5`, `62.5`, `1 250`, ` 90 `.
pub fn parse_value(raw: &str) -> Result<f64, ErrorCode> {
    let cleaned: String = raw.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    if cleaned.is_empty() {
        return Err(ErrorCode::Required);
    }
    let v: f64 = cleaned.replace(',', ".").parse().map_err(|_| ErrorCode::InvalidFormat)?;
    if !v.is_finite() || v.abs() > 1e12 {
        return Err(ErrorCode::InvalidFormat);
    }
    Ok(v)
}

/// `62.5` → `62,5`; whole numbers without decimals.
pub fn format_value(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{:.2}", v).trim_end_matches('0').trim_end_matches('.').replace('.', ",")
    }
}

/// Bounded, trimmed text.
pub fn parse_text(raw: &str, min: usize, max: usize) -> Result<String, ErrorCode> {
    let t = raw.trim();
    match t.chars().count() {
        0 if min > 0 => Err(ErrorCode::Required),
        n if n < min => Err(ErrorCode::TooShort),
        n if n > max => Err(ErrorCode::TooLong),
        _ => Ok(t.to_owned()),
    }
}

/// A percentage typed by staff: empty means "from the milestones".
pub fn parse_percent(raw: &str) -> Result<Option<u32>, ErrorCode> {
    let t = raw.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(p) if p <= 100 => Ok(Some(p)),
        _ => Err(ErrorCode::InvalidFormat),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: MilestoneId,
    pub title: String,
    pub due_date: String,
    pub done_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub id: crate::ids::MeasurementId,
    pub measured_on: String,
    pub value: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    /// Oldest first.
    pub measurements: Vec<Measurement>,
    pub trend: Option<Trend>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub id: i64,
    pub author: String,
    pub html: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub kind: String,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitmentSummary {
    pub id: CommitmentId,
    pub objective_id: ObjectiveId,
    pub title: String,
    pub channel: Channel,
    pub service: String,
    pub target_date: String,
    pub shown: Shown,
    pub progress: Progress,
    pub latest_update: Option<ProgressUpdate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: u32,
    pub planned: u32,
    pub in_progress: u32,
    pub late: u32,
    pub done: u32,
    pub abandoned: u32,
}

impl Counts {
    pub fn add(&mut self, shown: Shown) {
        self.total += 1;
        match shown {
            Shown::Planned => self.planned += 1,
            Shown::InProgress => self.in_progress += 1,
            Shown::Late => self.late += 1,
            Shown::Done => self.done += 1,
            Shown::Abandoned => self.abandoned += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcomes {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    /// For the whole assembly, whatever the filters.
    pub counts: Counts,
    pub items: Vec<CommitmentSummary>,
    pub can_publish: bool,
    /// Adopted objectives not yet commitments (staff only): (id, title).
    pub adopted: Vec<(ObjectiveId, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: CommitmentId,
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub objective_id: ObjectiveId,
    pub title: String,
    pub channel: Channel,
    pub round_id: Option<RoundId>,
    /// The sitting the adopting vote took place in: (id, title).
    pub sitting: Option<(SittingId, String)>,
    pub comments: i64,
    pub service: String,
    pub contact_role: String,
    pub summary_md: String,
    pub summary_html: String,
    pub target_date: String,
    pub status: Status,
    pub status_reason: String,
    pub shown: Shown,
    pub late_since: Option<String>,
    pub progress: Progress,
    pub milestones: Vec<Milestone>,
    pub indicators: Vec<Indicator>,
    /// Newest first.
    pub updates: Vec<ProgressUpdate>,
    /// Newest first.
    pub changes: Vec<Change>,
    pub can_edit: bool,
    pub today: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub commitment_id: CommitmentId,
    pub title: String,
    pub kind: NotificationKind,
    pub detail: String,
    pub created_at: i64,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub unread: i64,
    pub items: Vec<Notification>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_shows_once_the_target_date_has_passed_unless_done_or_abandoned() {
        assert_eq!(shown_status(Status::InProgress, "2026-11-30", "2026-11-30"), Shown::InProgress);
        assert_eq!(shown_status(Status::InProgress, "2026-11-29", "2026-11-30"), Shown::Late);
        assert_eq!(shown_status(Status::Planned, "2026-01-01", "2026-11-30"), Shown::Late);
        assert_eq!(shown_status(Status::Done, "2026-01-01", "2026-11-30"), Shown::Done);
        assert_eq!(shown_status(Status::Abandoned, "2026-01-01", "2026-11-30"), Shown::Abandoned);
        assert_eq!(late_since("2026-12-31").as_deref(), Some("2027-01-01"));
    }

    #[test]
    fn progress_comes_from_milestones_unless_declared() {
        assert_eq!(progress(3, 5, None), Progress::Milestones { done: 3, total: 5, percent: 60 });
        assert_eq!(progress(0, 0, None), Progress::None);
        assert_eq!(progress(3, 5, Some((80, "travaux finis"))).percent(), 80);
        assert_eq!(progress(7, 5, None).percent(), 100);
    }

    #[test]
    fn trend_measures_the_way_covered_in_the_right_direction() {
        // Share of calls answered: 62 % → 90 %, now 76 %: half-way, and better than before.
        let t = trend(62.0, 90.0, Direction::Higher, &[62.0, 70.0, 76.0]).unwrap();
        assert_eq!((t.covered, t.reached, t.last_move), (50, false, Move::Better));
        // Reply delay 72 h → 48 h, now 40 h: beyond the target.
        let t = trend(72.0, 48.0, Direction::Lower, &[60.0, 40.0]).unwrap();
        assert!(t.reached && t.covered > 100);
        assert_eq!(t.last_move, Move::Better);
        let t = trend(72.0, 48.0, Direction::Lower, &[60.0, 65.0]).unwrap();
        assert_eq!(t.last_move, Move::Worse);
        assert!(trend(1.0, 2.0, Direction::Higher, &[]).is_none());
    }

    #[test]
    fn values_and_dates_are_read_as_people_type_them() {
        assert_eq!(parse_value("62,5"), Ok(62.5));
        assert_eq!(parse_value(" 1 250 "), Ok(1250.0));
        assert_eq!(parse_value("douze"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_value("NaN"), Err(ErrorCode::InvalidFormat));
        assert_eq!(parse_value(""), Err(ErrorCode::Required));
        assert_eq!(format_value(62.5), "62,5");
        assert_eq!(format_value(90.0), "90");
        assert!(parse_date("2026-02-30").is_err());
        assert_eq!(parse_date("2026-02-28").map(format_iso).as_deref(), Ok("2026-02-28"));
        assert_eq!(format_date_fr("2026-02-28"), "28/02/2026");
        assert_eq!(parse_percent("75 %"), Ok(Some(75)));
        assert_eq!(parse_percent(""), Ok(None));
        assert_eq!(parse_percent("120"), Err(ErrorCode::InvalidFormat));
    }
}
