//! The words for this domain's values, in the reader's language.
use super::tally::{self, Grade};
use super::Method;
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn method_name(locale: Locale, method: Method) -> &'static str {
    match method {
        Method::YesNo => td_string!(locale, voting.method_yes_no),
        Method::MajorityJudgment => td_string!(locale, voting.method_majority_judgment),
        Method::Approval => td_string!(locale, voting.method_approval),
    }
}

pub fn grade_name(locale: Locale, grade: Grade) -> &'static str {
    match grade {
        Grade::Excellent => td_string!(locale, voting.grade_excellent),
        Grade::VeryGood => td_string!(locale, voting.grade_very_good),
        Grade::Good => td_string!(locale, voting.grade_good),
        Grade::FairlyGood => td_string!(locale, voting.grade_fairly_good),
        Grade::Passable => td_string!(locale, voting.grade_passable),
        Grade::Insufficient => td_string!(locale, voting.grade_insufficient),
        Grade::Reject => td_string!(locale, voting.grade_reject),
    }
}

pub fn choice_name(locale: Locale, c: tally::Choice) -> &'static str {
    match c {
        tally::Choice::Yes => td_string!(locale, voting.yes),
        tally::Choice::No => td_string!(locale, voting.no),
        tally::Choice::Abstain => td_string!(locale, voting.abstain),
    }
}
