//! Vote tallies as pure functions of the ballots: no database, no clock. The same code
//! computes a result when a round closes and recomputes it when anyone recounts, and the
//! result never depends on the order of the ballots. Integer arithmetic only, so a
//! threshold of two thirds is exact.
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------
// Yes / no / abstain
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

/// Who must take part for the vote to count: a share (in percent) of all members of the
/// assembly, or of the members present when the round opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "base", content = "percent")]
pub enum Quorum {
    None,
    Members(u32),
    Present(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// More yes than half of the votes counted.
    SimpleMajority,
    /// At least two thirds of the votes counted are yes.
    TwoThirds,
}

/// Whether abstentions count among the votes the threshold is computed on. They always
/// count towards the quorum: an abstaining member took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Abstentions {
    /// Majority of yes + no (the usual rule in French deliberative assemblies).
    Excluded,
    /// Majority of yes + no + abstain: abstaining weighs like voting no.
    Counted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YesNoRules {
    pub quorum: Quorum,
    pub threshold: Threshold,
    pub abstentions: Abstentions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YesNoResult {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Ballots cast (yes + no + abstain).
    pub cast: u32,
    /// How many ballots the quorum required (0 without a quorum).
    pub quorum_needed: u32,
    pub quorum_reached: bool,
    /// The votes the threshold applies to.
    pub counted: u32,
    /// How many yes votes adoption needed.
    pub yes_needed: u32,
    pub adopted: bool,
}

/// `percent` of `base`, rounded up: a quorum of 50 % of 35 members is 18.
fn share_rounded_up(base: u32, percent: u32) -> u32 {
    let p = u64::from(base) * u64::from(percent.min(100));
    u32::try_from(p.div_ceil(100)).unwrap_or(u32::MAX)
}

/// Tallies a yes/no/abstain round. `members` and `present` are taken when the round
/// opened (attendance can change during a sitting; the rule cannot).
pub fn tally_yes_no(ballots: &[Choice], members: u32, present: u32, rules: YesNoRules) -> YesNoResult {
    let count = |c: Choice| u32::try_from(ballots.iter().filter(|b| **b == c).count()).unwrap_or(u32::MAX);
    let (yes, no, abstain) = (count(Choice::Yes), count(Choice::No), count(Choice::Abstain));
    let cast = yes + no + abstain;
    let quorum_needed = match rules.quorum {
        Quorum::None => 0,
        Quorum::Members(p) => share_rounded_up(members, p),
        Quorum::Present(p) => share_rounded_up(present, p),
    };
    let counted = match rules.abstentions {
        Abstentions::Excluded => yes + no,
        Abstentions::Counted => cast,
    };
    let yes_needed = match rules.threshold {
        // Strictly more than half.
        Threshold::SimpleMajority => counted / 2 + 1,
        // At least two thirds: 3 × yes ≥ 2 × counted.
        Threshold::TwoThirds => (2 * counted).div_ceil(3).max(1),
    };
    let quorum_reached = cast >= quorum_needed;
    YesNoResult {
        yes,
        no,
        abstain,
        cast,
        quorum_needed,
        quorum_reached,
        counted,
        yes_needed,
        adopted: quorum_reached && counted > 0 && yes >= yes_needed,
    }
}

// ---------------------------------------------------------------------------------------
// Majority judgment (Balinski & Laraki)
// ---------------------------------------------------------------------------------------

/// The seven grades, best first. An objective a voter left ungraded counts as `Reject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    VeryGood,
    Good,
    FairlyGood,
    Passable,
    Insufficient,
    Reject,
}

impl Grade {
    pub const ALL: [Grade; 7] = [
        Grade::Excellent,
        Grade::VeryGood,
        Grade::Good,
        Grade::FairlyGood,
        Grade::Passable,
        Grade::Insufficient,
        Grade::Reject,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// How many voters gave each grade, best first: the "merit profile".
pub type Profile = [u32; 7];

/// One voter's grades: for each objective (by position), a grade or nothing.
pub type GradeBallot = Vec<Option<Grade>>;

/// The merit profiles of `candidates` objectives from the ballots; missing grades (and
/// ballots shorter than the list) count as `Reject`.
pub fn profiles(ballots: &[GradeBallot], candidates: usize) -> Vec<Profile> {
    let mut out = vec![[0u32; 7]; candidates];
    for ballot in ballots {
        for (i, profile) in out.iter_mut().enumerate() {
            let grade = ballot.get(i).copied().flatten().unwrap_or(Grade::Reject);
            profile[grade.index()] += 1;
        }
    }
    out
}

/// The majority grade: the lower median, i.e. the best grade that a majority of voters
/// judged the objective worth at least. `None` without any grade.
pub fn majority_grade(profile: &Profile) -> Option<Grade> {
    let n: u32 = profile.iter().sum();
    if n == 0 {
        return None;
    }
    // Best first: the grade at position n / 2 (0-based) is the lower median.
    let position = n / 2;
    let mut seen = 0;
    for grade in Grade::ALL {
        seen += profile[grade.index()];
        if seen > position {
            return Some(grade);
        }
    }
    None
}

/// The sequence of majority grades obtained by removing, one after the other, one
/// instance of the current majority grade (Balinski & Laraki's "majority value").
/// Objectives are ranked by comparing these sequences, best grade first.
pub fn majority_value(profile: &Profile) -> Vec<Grade> {
    let mut left = *profile;
    let mut out = Vec::with_capacity(profile.iter().sum::<u32>() as usize);
    while let Some(g) = majority_grade(&left) {
        out.push(g);
        left[g.index()] -= 1;
    }
    out
}

/// Why two objectives with the same majority grade are ranked as they are: after removing
/// `step` majority grades from each, their majority grades first differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieBreak {
    pub ahead: usize,
    pub behind: usize,
    /// How many grades were removed from each before they differed (0: no tie).
    pub step: usize,
    pub ahead_grade: Grade,
    pub behind_grade: Grade,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedObjective {
    /// The objective's position in the round's list.
    pub candidate: usize,
    pub profile: Profile,
    pub majority_grade: Option<Grade>,
    /// 1 for the first; objectives with identical profiles share a rank.
    pub rank: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MajorityJudgment {
    pub ranking: Vec<RankedObjective>,
    /// For each pair of neighbours in the ranking that share a majority grade.
    pub tie_breaks: Vec<TieBreak>,
}

/// Ranks objectives by majority judgment. Ties in the majority grade are broken by the
/// majority values; identical profiles stay tied (same rank), listed in their order.
pub fn tally_majority_judgment(ballots: &[GradeBallot], candidates: usize) -> MajorityJudgment {
    let profiles = profiles(ballots, candidates);
    let values: Vec<Vec<Grade>> = profiles.iter().map(majority_value).collect();
    let mut order: Vec<usize> = (0..candidates).collect();
    // `Grade` orders best first, so comparing the sequences ascending puts the best first.
    order.sort_by(|a, b| values[*a].cmp(&values[*b]).then(a.cmp(b)));
    let mut ranking: Vec<RankedObjective> = Vec::with_capacity(candidates);
    let mut tie_breaks = Vec::new();
    for (i, &c) in order.iter().enumerate() {
        let rank = match ranking.last() {
            Some(prev) if values[prev.candidate] == values[c] => prev.rank,
            _ => i + 1,
        };
        if let Some(prev) = ranking.last() {
            let (a, b) = (&values[prev.candidate], &values[c]);
            if a.first() == b.first() && a != b {
                let step = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
                tie_breaks.push(TieBreak {
                    ahead: prev.candidate,
                    behind: c,
                    step,
                    ahead_grade: a[step],
                    behind_grade: b[step],
                });
            }
        }
        ranking.push(RankedObjective {
            candidate: c,
            profile: profiles[c],
            majority_grade: values[c].first().copied(),
            rank,
        });
    }
    MajorityJudgment { ranking, tie_breaks }
}

// ---------------------------------------------------------------------------------------
// Approval
// ---------------------------------------------------------------------------------------

/// Whether an approval ballot is valid: at most `max` objectives, each once, all known.
pub fn valid_approval(ballot: &[usize], candidates: usize, max: usize) -> bool {
    let mut seen = vec![false; candidates];
    ballot.len() <= max
        && ballot.iter().all(|&c| {
            let fresh = c < candidates && !seen[c];
            if fresh {
                seen[c] = true;
            }
            fresh
        })
}

/// Approvals per objective (by position). Invalid ballots must be refused when cast; here
/// they are skipped, so a recount cannot be skewed by one.
pub fn tally_approval(ballots: &[Vec<usize>], candidates: usize, max: usize) -> Vec<u32> {
    let mut counts = vec![0u32; candidates];
    for ballot in ballots.iter().filter(|b| valid_approval(b, candidates, max)) {
        for &c in ballot {
            counts[c] += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests;
