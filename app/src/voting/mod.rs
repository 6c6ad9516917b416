//! Voting (issue #4): rounds opened by a facilitator during a sitting, ballots with
//! receipts, results frozen at close, and an append-only hash-chained log that the
//! `recount` subcommand (and anyone with the published ballot list) can check. The pure
//! parts — ballot parsing, results, the chain — are here, in `tally` and in `chain`; the
//! use cases in `service`, the statements in `store`.
pub mod api;
#[cfg(feature = "ssr")]
pub mod chain;
pub mod charts;
pub mod pages;
pub mod results;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod tally;
pub mod texts;

use crate::error::ErrorCode;
use crate::guard::Person;
use crate::ids::{AssemblyId, ObjectiveId, RoundId, SittingId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tally::{Abstentions, Choice, Grade, MajorityJudgment, Quorum, Threshold, YesNoResult, YesNoRules};

text_enum! {
    /// How a round decides.
    pub enum Method { YesNo = "yes_no", MajorityJudgment = "majority_judgment", Approval = "approval" }
}

/// The rules a round was opened with, shown to voters before they vote and stored with the
/// round as JSON: a recount uses exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Rules {
    YesNo(YesNoRules),
    MajorityJudgment,
    Approval { max: u32 },
}

impl Rules {
    pub fn method(&self) -> Method {
        match self {
            Rules::YesNo(_) => Method::YesNo,
            Rules::MajorityJudgment => Method::MajorityJudgment,
            Rules::Approval { .. } => Method::Approval,
        }
    }
}

/// The raw fields of the "open a round" form, parsed into rules.
pub struct RulesForm<'a> {
    pub method: &'a str,
    pub quorum_base: &'a str,
    pub quorum_percent: &'a str,
    pub threshold: &'a str,
    pub abstentions: &'a str,
    pub max_choices: &'a str,
}

pub fn parse_rules(form: &RulesForm<'_>, objectives: usize) -> Result<Rules, (&'static str, ErrorCode)> {
    let method = Method::parse(form.method).map_err(|c| ("method", c))?;
    match method {
        Method::YesNo => {
            let percent = || -> Result<u32, (&'static str, ErrorCode)> {
                match form.quorum_percent.trim().parse::<u32>() {
                    Ok(p) if (1..=100).contains(&p) => Ok(p),
                    _ => Err(("quorum_percent", ErrorCode::InvalidFormat)),
                }
            };
            let quorum = match form.quorum_base {
                "none" | "" => Quorum::None,
                "members" => Quorum::Members(percent()?),
                "present" => Quorum::Present(percent()?),
                _ => return Err(("quorum_base", ErrorCode::InvalidChoice)),
            };
            let threshold = match form.threshold {
                "two_thirds" => Threshold::TwoThirds,
                "simple_majority" | "" => Threshold::SimpleMajority,
                _ => return Err(("threshold", ErrorCode::InvalidChoice)),
            };
            let abstentions = match form.abstentions {
                "counted" => Abstentions::Counted,
                "excluded" | "" => Abstentions::Excluded,
                _ => return Err(("abstentions", ErrorCode::InvalidChoice)),
            };
            Ok(Rules::YesNo(YesNoRules { quorum, threshold, abstentions }))
        }
        Method::MajorityJudgment if objectives < 2 => Err(("objectives", ErrorCode::TooFewObjectives)),
        Method::MajorityJudgment => Ok(Rules::MajorityJudgment),
        Method::Approval => match form.max_choices.trim().parse::<u32>() {
            Ok(max) if max >= 1 && (max as usize) <= objectives => Ok(Rules::Approval { max }),
            _ => Err(("max_choices", ErrorCode::InvalidFormat)),
        },
    }
}

/// What one ballot says. Objectives are keyed by id, in a `BTreeMap`, so the stored JSON
/// (which the chain hashes) is canonical.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BallotContent {
    YesNo(BTreeMap<ObjectiveId, Choice>),
    Grades(BTreeMap<ObjectiveId, Grade>),
    Approval(Vec<ObjectiveId>),
}

/// Reads a ballot form: `choices[<objective id>]` = `yes|no|abstain`, a grade, or `1`
/// (approved). Every yes/no objective needs an answer (abstaining is an answer); an
/// ungraded objective counts as "À rejeter"; approval allows up to `max`.
pub fn parse_ballot(
    rules: &Rules,
    objectives: &[ObjectiveId],
    choices: &BTreeMap<String, String>,
) -> Result<BallotContent, ErrorCode> {
    let value = |id: ObjectiveId| choices.get(&id.to_string()).map(|s| s.trim()).filter(|s| !s.is_empty());
    if choices.keys().any(|k| k.parse::<ObjectiveId>().map_or(true, |id| !objectives.contains(&id))) {
        return Err(ErrorCode::InvalidChoice);
    }
    match rules {
        Rules::YesNo(_) => {
            let mut out = BTreeMap::new();
            for &id in objectives {
                let choice = match value(id) {
                    Some("yes") => Choice::Yes,
                    Some("no") => Choice::No,
                    Some("abstain") => Choice::Abstain,
                    Some(_) => return Err(ErrorCode::InvalidChoice),
                    None => return Err(ErrorCode::BallotIncomplete),
                };
                out.insert(id, choice);
            }
            Ok(BallotContent::YesNo(out))
        }
        Rules::MajorityJudgment => {
            let mut out = BTreeMap::new();
            for &id in objectives {
                let grade = match value(id) {
                    None => Grade::Reject,
                    Some(s) => Grade::ALL.into_iter().find(|g| grade_key(*g) == s).ok_or(ErrorCode::InvalidChoice)?,
                };
                out.insert(id, grade);
            }
            Ok(BallotContent::Grades(out))
        }
        Rules::Approval { max } => {
            let mut chosen = Vec::new();
            for &id in objectives {
                match value(id) {
                    None | Some("0") => {}
                    Some("1") | Some("on") => chosen.push(id),
                    Some(_) => return Err(ErrorCode::InvalidChoice),
                }
            }
            if chosen.len() > *max as usize {
                return Err(ErrorCode::TooManyChoices);
            }
            Ok(BallotContent::Approval(chosen))
        }
    }
}

pub fn grade_key(g: Grade) -> &'static str {
    match g {
        Grade::Excellent => "excellent",
        Grade::VeryGood => "very_good",
        Grade::Good => "good",
        Grade::FairlyGood => "fairly_good",
        Grade::Passable => "passable",
        Grade::Insufficient => "insufficient",
        Grade::Reject => "reject",
    }
}

pub fn choice_key(c: Choice) -> &'static str {
    match c {
        Choice::Yes => "yes",
        Choice::No => "no",
        Choice::Abstain => "abstain",
    }
}

/// A closed round's result, frozen as JSON when it closes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundResult {
    YesNo(Vec<(ObjectiveId, YesNoResult)>),
    MajorityJudgment { objectives: Vec<ObjectiveId>, judgment: MajorityJudgment },
    Approval { objectives: Vec<ObjectiveId>, counts: Vec<u32>, ballots: u32 },
}

/// The result of a round from its ballots: a pure function, the one both closing and
/// recounting call. Ballots of another method than the rules' are ignored (they cannot be
/// stored, but a recount must not trust that).
pub fn compute_result(
    rules: &Rules,
    objectives: &[ObjectiveId],
    ballots: &[BallotContent],
    members: u32,
    present: u32,
) -> RoundResult {
    match rules {
        Rules::YesNo(r) => RoundResult::YesNo(
            objectives
                .iter()
                .map(|id| {
                    let choices: Vec<Choice> = ballots
                        .iter()
                        .filter_map(|b| match b {
                            BallotContent::YesNo(m) => m.get(id).copied(),
                            _ => None,
                        })
                        .collect();
                    (*id, tally::tally_yes_no(&choices, members, present, *r))
                })
                .collect(),
        ),
        Rules::MajorityJudgment => {
            let grades: Vec<tally::GradeBallot> = ballots
                .iter()
                .filter_map(|b| match b {
                    BallotContent::Grades(m) => Some(objectives.iter().map(|id| m.get(id).copied()).collect()),
                    _ => None,
                })
                .collect();
            RoundResult::MajorityJudgment {
                objectives: objectives.to_vec(),
                judgment: tally::tally_majority_judgment(&grades, objectives.len()),
            }
        }
        Rules::Approval { max } => {
            let chosen: Vec<Vec<usize>> = ballots
                .iter()
                .filter_map(|b| match b {
                    BallotContent::Approval(ids) => {
                        Some(ids.iter().filter_map(|id| objectives.iter().position(|o| o == id)).collect())
                    }
                    _ => None,
                })
                .collect();
            RoundResult::Approval {
                objectives: objectives.to_vec(),
                counts: tally::tally_approval(&chosen, objectives.len(), *max as usize),
                ballots: chosen.len() as u32,
            }
        }
    }
}

text_enum! {
    /// A round takes ballots until it closes.
    pub enum RoundStatus { Open = "open", Closed = "closed" }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundObjective {
    pub id: ObjectiveId,
    pub title: String,
}

/// A round as listed on its sitting's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSummary {
    pub id: RoundId,
    pub method: Method,
    pub secret: bool,
    pub status: RoundStatus,
    pub objectives: Vec<RoundObjective>,
    pub ballots_count: i64,
    pub closes_at: Option<i64>,
}

/// One published ballot: its receipt hash and content; the voter's name in public rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedBallot {
    pub receipt_hash: String,
    pub content: BallotContent,
    pub voter: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundViewer {
    pub signed_in: bool,
    pub facilitates: bool,
    /// May vote for themselves now (member, round open, no proxy given).
    pub can_vote: bool,
    pub has_voted: bool,
    /// The member whose proxy the viewer holds for this sitting, and whether it was used.
    pub proxy_for: Option<Person>,
    pub proxy_voted: bool,
    /// Gave their proxy: the holder votes for them.
    pub proxy_given_to: Option<Person>,
    /// The viewer's current ballot, when the server can know it (public round, or the
    /// receipt code this browser kept).
    pub my_ballot: Option<BallotContent>,
    /// The receipt code this browser kept after voting, to show again and to change a
    /// secret ballot.
    pub receipt: Option<String>,
    pub receipt_for_proxy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub assembly_id: AssemblyId,
    pub sitting_id: SittingId,
    pub sitting_title: String,
    pub rules: Rules,
    pub secret: bool,
    pub status: RoundStatus,
    pub objectives: Vec<RoundObjective>,
    pub members_count: i64,
    pub present_count: i64,
    pub ballots_count: i64,
    pub opened_at: i64,
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub result: Option<RoundResult>,
    /// Published once closed, sorted by receipt hash.
    pub ballots: Vec<PublishedBallot>,
    pub head_hash: Option<String>,
    /// The result of checking a receipt code typed on the page: found or not.
    pub receipt_check: Option<(String, bool)>,
    pub viewer: RoundViewer,
    pub now: i64,
}

/// What voting returns: the receipt code (new on a first ballot, the same on a change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub code: String,
    pub hash: String,
    pub changed: bool,
}

#[cfg(test)]
mod tests;
