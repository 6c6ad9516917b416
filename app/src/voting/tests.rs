//! Ballot parsing and round results: the pure functions closing and recounting rely on.
use super::tally::{Abstentions, Choice, Grade, Quorum, Threshold, YesNoRules};
use super::*;
use crate::ids::ObjectiveId;
use proptest::prelude::*;

fn ids(v: &[i64]) -> Vec<ObjectiveId> {
    v.iter().copied().map(ObjectiveId).collect()
}

fn form(pairs: &[(i64, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), (*v).to_owned())).collect()
}

const YES_NO: Rules = Rules::YesNo(YesNoRules {
    quorum: Quorum::Present(50),
    threshold: Threshold::SimpleMajority,
    abstentions: Abstentions::Excluded,
});

#[test]
fn a_yes_no_ballot_needs_an_answer_for_every_objective() {
    assert_eq!(parse_ballot(&YES_NO, &ids(&[1, 2]), &form(&[(1, "yes")])), Err(ErrorCode::BallotIncomplete));
    assert_eq!(parse_ballot(&YES_NO, &ids(&[1, 2]), &form(&[(1, "yes"), (2, "maybe")])), Err(ErrorCode::InvalidChoice));
    assert_eq!(
        parse_ballot(&YES_NO, &ids(&[1, 2]), &form(&[(1, "yes"), (2, "abstain")])),
        Ok(BallotContent::YesNo(
            [(ObjectiveId(1), Choice::Yes), (ObjectiveId(2), Choice::Abstain)].into_iter().collect()
        ))
    );
}

#[test]
fn a_ballot_cannot_name_an_objective_outside_the_round() {
    assert_eq!(parse_ballot(&YES_NO, &ids(&[1]), &form(&[(1, "yes"), (9, "yes")])), Err(ErrorCode::InvalidChoice));
    assert_eq!(
        parse_ballot(
            &Rules::Approval { max: 1 },
            &ids(&[1]),
            &[("x".to_owned(), "1".to_owned())].into_iter().collect()
        ),
        Err(ErrorCode::InvalidChoice)
    );
}

#[test]
fn an_ungraded_objective_counts_as_reject() {
    let parsed = parse_ballot(&Rules::MajorityJudgment, &ids(&[1, 2]), &form(&[(1, "very_good")]));
    assert_eq!(
        parsed,
        Ok(BallotContent::Grades(
            [(ObjectiveId(1), Grade::VeryGood), (ObjectiveId(2), Grade::Reject)].into_iter().collect()
        ))
    );
    assert_eq!(
        parse_ballot(&Rules::MajorityJudgment, &ids(&[1, 2]), &form(&[(1, "superb")])),
        Err(ErrorCode::InvalidChoice)
    );
}

#[test]
fn approval_allows_at_most_max_choices_and_a_blank_ballot() {
    let rules = Rules::Approval { max: 2 };
    assert_eq!(
        parse_ballot(&rules, &ids(&[1, 2, 3]), &form(&[(1, "1"), (2, "1"), (3, "1")])),
        Err(ErrorCode::TooManyChoices)
    );
    assert_eq!(
        parse_ballot(&rules, &ids(&[1, 2, 3]), &form(&[(3, "1"), (1, "1")])),
        Ok(BallotContent::Approval(vec![ObjectiveId(1), ObjectiveId(3)]))
    );
    assert_eq!(parse_ballot(&rules, &ids(&[1, 2, 3]), &form(&[])), Ok(BallotContent::Approval(vec![])));
}

#[test]
fn rules_form_is_checked_field_by_field() {
    let f = |method, base, percent, max| RulesForm {
        method,
        quorum_base: base,
        quorum_percent: percent,
        threshold: "two_thirds",
        abstentions: "counted",
        max_choices: max,
    };
    assert_eq!(parse_rules(&f("yes_no", "members", "150", ""), 1), Err(("quorum_percent", ErrorCode::InvalidFormat)));
    assert_eq!(
        parse_rules(&f("yes_no", "present", "50", ""), 1),
        Ok(Rules::YesNo(YesNoRules {
            quorum: Quorum::Present(50),
            threshold: Threshold::TwoThirds,
            abstentions: Abstentions::Counted
        }))
    );
    assert_eq!(parse_rules(&f("majority_judgment", "", "", ""), 1), Err(("objectives", ErrorCode::TooFewObjectives)));
    assert_eq!(parse_rules(&f("approval", "", "", "4"), 3), Err(("max_choices", ErrorCode::InvalidFormat)));
    assert_eq!(parse_rules(&f("lottery", "", "", ""), 3), Err(("method", ErrorCode::InvalidChoice)));
}

#[test]
fn stored_rules_and_ballots_round_trip_through_json() {
    let json = serde_json::to_string(&YES_NO).unwrap();
    assert_eq!(serde_json::from_str::<Rules>(&json).unwrap(), YES_NO);
    let ballot = BallotContent::Grades([(ObjectiveId(4), Grade::Good)].into_iter().collect());
    let json = serde_json::to_string(&ballot).unwrap();
    assert_eq!(json, r#"{"grades":{"4":"good"}}"#, "canonical JSON: the chain hashes it");
    assert_eq!(serde_json::from_str::<BallotContent>(&json).unwrap(), ballot);
}

#[test]
fn each_yes_no_objective_is_decided_on_its_own() {
    let ballots = vec![
        BallotContent::YesNo([(ObjectiveId(1), Choice::Yes), (ObjectiveId(2), Choice::No)].into_iter().collect()),
        BallotContent::YesNo([(ObjectiveId(1), Choice::Yes), (ObjectiveId(2), Choice::No)].into_iter().collect()),
        BallotContent::YesNo([(ObjectiveId(1), Choice::No), (ObjectiveId(2), Choice::Yes)].into_iter().collect()),
    ];
    let RoundResult::YesNo(rows) = compute_result(&YES_NO, &ids(&[1, 2]), &ballots, 10, 4) else {
        panic!("yes/no result")
    };
    assert!(rows[0].1.adopted && !rows[1].1.adopted);
    assert_eq!((rows[0].1.yes, rows[0].1.no, rows[0].1.quorum_needed), (2, 1, 2));
}

fn any_ballot() -> impl Strategy<Value = BallotContent> {
    prop_oneof![
        prop::collection::vec(0usize..3, 3).prop_map(|v| BallotContent::YesNo(
            v.into_iter()
                .enumerate()
                .map(|(i, c)| (ObjectiveId(i as i64 + 1), [Choice::Yes, Choice::No, Choice::Abstain][c]))
                .collect()
        )),
        prop::collection::vec(0usize..7, 3).prop_map(|v| BallotContent::Grades(
            v.into_iter().enumerate().map(|(i, g)| (ObjectiveId(i as i64 + 1), Grade::ALL[g])).collect()
        )),
        prop::collection::btree_set(1i64..4, 0..3)
            .prop_map(|s| BallotContent::Approval(s.into_iter().map(ObjectiveId).collect())),
    ]
}

proptest! {
    /// What a recount relies on: the same ballots, in any order, give the same result.
    #[test]
    fn results_do_not_depend_on_ballot_order(mut ballots in prop::collection::vec(any_ballot(), 0..40), seed in any::<u64>()) {
        for rules in [YES_NO, Rules::MajorityJudgment, Rules::Approval { max: 2 }] {
            let first = compute_result(&rules, &ids(&[1, 2, 3]), &ballots, 40, 30);
            let n = ballots.len();
            if n > 1 {
                ballots.rotate_left((seed as usize) % n);
                ballots.swap(0, n - 1);
            }
            prop_assert_eq!(first, compute_result(&rules, &ids(&[1, 2, 3]), &ballots, 40, 30));
        }
    }
}
