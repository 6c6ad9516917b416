use super::*;
use proptest::prelude::*;
use Choice::{Abstain, No, Yes};
use Grade::*;

fn votes(yes: usize, no: usize, abstain: usize) -> Vec<Choice> {
    [vec![Yes; yes], vec![No; no], vec![Abstain; abstain]].concat()
}

const MAJORITY: YesNoRules =
    YesNoRules { quorum: Quorum::None, threshold: Threshold::SimpleMajority, abstentions: Abstentions::Excluded };

#[test]
fn simple_majority_of_votes_cast_with_abstentions_excluded_or_counted() {
    let r = tally_yes_no(&votes(5, 4, 10), 35, 20, MAJORITY);
    assert_eq!((r.yes, r.no, r.abstain, r.cast, r.counted, r.yes_needed), (5, 4, 10, 19, 9, 5));
    assert!(r.adopted, "5 yes against 4 no, abstentions aside");
    let counted = YesNoRules { abstentions: Abstentions::Counted, ..MAJORITY };
    let r = tally_yes_no(&votes(5, 4, 10), 35, 20, counted);
    assert_eq!((r.counted, r.yes_needed), (19, 10));
    assert!(!r.adopted, "5 yes out of 19 is not a majority when abstentions count");
    assert!(!tally_yes_no(&votes(3, 3, 0), 35, 20, MAJORITY).adopted, "a tie is not a majority");
    assert!(!tally_yes_no(&votes(0, 0, 4), 35, 20, MAJORITY).adopted, "abstentions only adopt nothing");
    assert!(!tally_yes_no(&[], 35, 20, MAJORITY).adopted);
}

#[test]
fn two_thirds_is_exact() {
    let rules = YesNoRules { threshold: Threshold::TwoThirds, ..MAJORITY };
    assert!(tally_yes_no(&votes(6, 3, 0), 35, 20, rules).adopted, "6 of 9 is exactly two thirds");
    assert!(!tally_yes_no(&votes(5, 3, 0), 35, 20, rules).adopted, "5 of 8 is less");
    assert_eq!(tally_yes_no(&votes(20, 10, 0), 35, 30, rules).yes_needed, 20);
    assert_eq!(tally_yes_no(&votes(1, 0, 0), 35, 30, rules).yes_needed, 1);
}

#[test]
fn quorum_of_members_or_of_those_present_rounds_up() {
    let of_members = YesNoRules { quorum: Quorum::Members(50), ..MAJORITY };
    let r = tally_yes_no(&votes(17, 0, 0), 35, 20, of_members);
    assert_eq!((r.quorum_needed, r.quorum_reached, r.adopted), (18, false, false));
    let r = tally_yes_no(&votes(10, 7, 1), 35, 20, of_members);
    assert_eq!((r.quorum_reached, r.adopted), (true, true), "abstentions count towards the quorum");
    let of_present = YesNoRules { quorum: Quorum::Present(50), ..MAJORITY };
    let r = tally_yes_no(&votes(6, 4, 0), 35, 20, of_present);
    assert_eq!((r.quorum_needed, r.quorum_reached), (10, true));
    assert_eq!(tally_yes_no(&[], 0, 0, of_present).quorum_needed, 0);
}

#[test]
fn majority_grade_is_the_lower_median_and_missing_grades_reject() {
    assert_eq!(majority_grade(&[1, 1, 1, 1, 0, 0, 0]), Some(Good), "even count: the lower of the two middle grades");
    assert_eq!(majority_grade(&[2, 0, 1, 0, 0, 0, 2]), Some(Good));
    assert_eq!(majority_grade(&[0; 7]), None);
    let ballots = vec![vec![Some(Excellent)], vec![Some(Excellent), Some(Good)], vec![]];
    let p = profiles(&ballots, 2);
    assert_eq!(p[0], [2, 0, 0, 0, 0, 0, 1]);
    assert_eq!(p[1], [0, 0, 1, 0, 0, 0, 2], "left ungraded twice: two 'À rejeter'");
    assert_eq!(majority_grade(&p[1]), Some(Reject));
}

/// The "capital of Tennessee" example (Wikipedia, *Majority judgment*), 100 voters who
/// grade the four cities by distance from home: Memphis 42 % of voters, Nashville 26 %,
/// Chattanooga 15 %, Knoxville 17 %. Grades used: Excellent, Very good, Good, Fairly good
/// and, for "poor", À rejeter.
#[test]
fn tennessee_example_ranks_nashville_first_after_a_tie_break() {
    let city = |e, vg, g, fg, r| [e, vg, g, fg, 0, 0, r];
    let memphis = city(42, 0, 0, 0, 58);
    let nashville = city(26, 42, 32, 0, 0);
    let chattanooga = city(15, 43, 42, 0, 0);
    let knoxville = city(17, 15, 26, 42, 0);
    let mut ballots: Vec<GradeBallot> = Vec::new();
    // Rebuild 100 ballots with exactly these profiles (the grades of one voter do not
    // matter for the tally, only the profiles).
    for v in 0..100 {
        let grade_at = |p: &Profile| {
            let mut seen = 0;
            Grade::ALL.into_iter().find(|g| {
                seen += p[*g as usize];
                seen > v
            })
        };
        ballots.push([&memphis, &nashville, &chattanooga, &knoxville].iter().map(|p| grade_at(p)).collect());
    }
    let mj = tally_majority_judgment(&ballots, 4);
    let order: Vec<usize> = mj.ranking.iter().map(|r| r.candidate).collect();
    assert_eq!(order, vec![1, 2, 3, 0], "Nashville, Chattanooga, Knoxville, Memphis");
    let grades: Vec<Option<Grade>> = mj.ranking.iter().map(|r| r.majority_grade).collect();
    assert_eq!(grades, vec![Some(VeryGood), Some(VeryGood), Some(Good), Some(Reject)]);
    // Both have "Very good"; after removing 16 "Very good" from each, Chattanooga's
    // majority grade falls to "Good" while Nashville's stays "Very good".
    assert_eq!(
        mj.tie_breaks,
        vec![TieBreak { ahead: 1, behind: 2, step: 16, ahead_grade: VeryGood, behind_grade: Good }]
    );
}

#[test]
fn identical_profiles_share_a_rank() {
    let ballots: Vec<GradeBallot> =
        vec![vec![Some(Good), Some(Good), Some(Excellent)], vec![Some(Passable), Some(Passable), Some(Good)]];
    let mj = tally_majority_judgment(&ballots, 3);
    let ranks: Vec<(usize, usize)> = mj.ranking.iter().map(|r| (r.candidate, r.rank)).collect();
    assert_eq!(ranks, vec![(2, 1), (0, 2), (1, 2)]);
    assert!(mj.tie_breaks.is_empty(), "no tie-break between identical profiles");
}

#[test]
fn approval_counts_valid_ballots_only() {
    let ballots = vec![vec![0, 2], vec![2], vec![0, 0], vec![0, 1, 2], vec![5], vec![]];
    assert_eq!(tally_approval(&ballots, 3, 2), vec![1, 0, 2]);
    assert!(valid_approval(&[1, 0], 3, 2));
    assert!(!valid_approval(&[1, 1], 3, 2), "twice the same objective");
    assert!(!valid_approval(&[0, 1, 2], 3, 2), "more than allowed");
    assert!(!valid_approval(&[3], 3, 2), "unknown objective");
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Yes), Just(No), Just(Abstain)]
}

fn grade() -> impl Strategy<Value = Option<Grade>> {
    prop_oneof![Just(None), (0usize..7).prop_map(|i| Some(Grade::ALL[i]))]
}

fn rules() -> impl Strategy<Value = YesNoRules> {
    (
        prop_oneof![Just(Quorum::None), (0u32..=100).prop_map(Quorum::Members), (0u32..=100).prop_map(Quorum::Present)],
        prop_oneof![Just(Threshold::SimpleMajority), Just(Threshold::TwoThirds)],
        prop_oneof![Just(Abstentions::Excluded), Just(Abstentions::Counted)],
    )
        .prop_map(|(quorum, threshold, abstentions)| YesNoRules { quorum, threshold, abstentions })
}

proptest! {
    #[test]
    fn yes_no_does_not_depend_on_ballot_order(ballots in prop::collection::vec(choice(), 0..200), rules in rules(), seed in any::<u64>()) {
        let mut shuffled = ballots.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(tally_yes_no(&ballots, 250, 120, rules), tally_yes_no(&shuffled, 250, 120, rules));
    }

    #[test]
    fn one_more_yes_never_rejects_an_adopted_objective(ballots in prop::collection::vec(choice(), 0..200), rules in rules()) {
        let before = tally_yes_no(&ballots, 250, 120, rules);
        let mut more = ballots.clone();
        more.push(Yes);
        prop_assert!(!before.adopted || tally_yes_no(&more, 250, 120, rules).adopted);
    }

    #[test]
    fn majority_judgment_does_not_depend_on_ballot_order(
        ballots in prop::collection::vec(prop::collection::vec(grade(), 0..5), 0..60),
        seed in any::<u64>(),
    ) {
        let mut shuffled = ballots.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(tally_majority_judgment(&ballots, 4), tally_majority_judgment(&shuffled, 4));
    }

    #[test]
    fn raising_a_grade_never_lowers_an_objective(
        ballots in prop::collection::vec(prop::collection::vec(grade(), 4), 1..60),
        voter in any::<prop::sample::Index>(),
        candidate in 0usize..4,
    ) {
        let before = tally_majority_judgment(&ballots, 4);
        let mut better = ballots.clone();
        let v = voter.index(better.len());
        let current = better[v][candidate].unwrap_or(Reject);
        better[v][candidate] = Some(Grade::ALL[(current as usize).saturating_sub(1)]);
        let after = tally_majority_judgment(&better, 4);
        let rank = |mj: &MajorityJudgment| mj.ranking.iter().find(|r| r.candidate == candidate).map(|r| r.rank);
        prop_assert!(rank(&after) <= rank(&before));
    }

    #[test]
    fn approval_does_not_depend_on_ballot_order(
        ballots in prop::collection::vec(prop::collection::vec(0usize..6, 0..4), 0..100),
        seed in any::<u64>(),
    ) {
        let mut shuffled = ballots.clone();
        shuffle(&mut shuffled, seed);
        prop_assert_eq!(tally_approval(&ballots, 5, 3), tally_approval(&shuffled, 5, 3));
    }
}

/// A deterministic Fisher–Yates shuffle (no randomness inside the tallies' tests either).
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let j = (seed >> 33) as usize % (i + 1);
        items.swap(i, j);
    }
}
