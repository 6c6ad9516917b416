//! A closed round's results page: one component per method (yes/no, majority judgment,
//! approval), the receipt check and the published ballot list. A new method adds its
//! component here and its arm in `Results`.
use super::charts::{ApprovalChart, MeritProfile, YesNoChart};
use super::tally::{Grade, MajorityJudgment, YesNoResult};
use super::texts::{choice_name, grade_name};
use super::{BallotContent, Round, RoundObjective, RoundResult};
use crate::i18n::*;
use crate::ids::ObjectiveId;
use leptos::prelude::*;
use leptos_router::components::Form;

/// An objective's title among the round's.
fn title_of(objectives: &[RoundObjective], id: ObjectiveId) -> String {
    objectives.iter().find(|o| o.id == id).map(|o| o.title.clone()).unwrap_or_default()
}

#[component]
pub fn Results(r: Round) -> impl IntoView {
    let i18n = use_i18n();
    let objectives = r.objectives.clone();
    let results = match r.result.clone() {
        None => view! { <p>{t!(i18n, voting.no_result)}</p> }.into_any(),
        Some(RoundResult::YesNo(rows)) => rows
            .into_iter()
            .map(|(id, result)| view! { <YesNoResults title=title_of(&objectives, id) result /> })
            .collect_view()
            .into_any(),
        Some(RoundResult::MajorityJudgment { objectives: order, judgment }) => {
            let titles = order.iter().map(|id| title_of(&objectives, *id)).collect();
            view! { <JudgmentResults titles judgment /> }.into_any()
        }
        Some(RoundResult::Approval { objectives: order, counts, ballots }) => {
            let titles: Vec<String> = order.iter().map(|id| title_of(&objectives, *id)).collect();
            view! { <ApprovalResults titles counts ballots /> }.into_any()
        }
    };
    view! {
        <section aria-labelledby="results-heading">
            <h2 id="results-heading">{t!(i18n, voting.results)}</h2>
            {results}
        </section>
        <ReceiptCheck r=r.clone() />
        <BallotList r />
    }
}

/// One objective of a yes/no round: adopted or not, the chart, and its numbers.
#[component]
fn YesNoResults(title: String, result: YesNoResult) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let labels = [
        td_string!(locale, voting.yes).to_owned(),
        td_string!(locale, voting.no).to_owned(),
        td_string!(locale, voting.abstain).to_owned(),
    ];
    let chart_title = td_string!(locale, voting.chart_yes_no, title = title.clone()).to_string();
    let threshold_label = td_string!(locale, voting.threshold_mark, needed = result.yes_needed).to_string();
    let quorum = if result.quorum_needed == 0 {
        td_string!(locale, voting.no_quorum).to_owned()
    } else {
        let reached = if result.quorum_reached {
            td_string!(locale, voting.reached)
        } else {
            td_string!(locale, voting.not_reached)
        };
        td_string!(locale, voting.quorum_result, needed = result.quorum_needed, reached = reached).to_string()
    };
    let decision =
        if result.adopted { td_string!(locale, voting.adopted) } else { td_string!(locale, voting.rejected) };
    view! {
        <article class="result">
            <h3>{title.clone()}" "
                <span class=if result.adopted { "badge status-adopted" } else { "badge status-rejected" }>{decision}</span>
            </h3>
            <YesNoChart result title=chart_title labels threshold_label />
            <table class="data">
                <caption class="visually-hidden">{title}</caption>
                <tbody>
                    <tr><th scope="row">{t!(i18n, voting.yes)}</th><td>{result.yes}</td></tr>
                    <tr><th scope="row">{t!(i18n, voting.no)}</th><td>{result.no}</td></tr>
                    <tr><th scope="row">{t!(i18n, voting.abstain)}</th><td>{result.abstain}</td></tr>
                    <tr><th scope="row">{t!(i18n, voting.cast_count)}</th><td>{result.cast}</td></tr>
                    <tr><th scope="row">{t!(i18n, voting.quorum)}</th><td>{quorum}</td></tr>
                    <tr><th scope="row">{t!(i18n, voting.yes_needed)}</th><td>{result.yes_needed}</td></tr>
                </tbody>
            </table>
        </article>
    }
}

/// A majority judgment: the ranking with each merit profile, and the tie-breaks in words.
#[component]
fn JudgmentResults(titles: Vec<String>, judgment: MajorityJudgment) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let name = move |i: usize| titles.get(i).cloned().unwrap_or_default();
    let ranking = judgment.ranking.iter().map(|ro| {
        let title = name(ro.candidate);
        let grade = ro.majority_grade.map(|g| grade_name(locale, g)).unwrap_or("—");
        let chart_title = td_string!(locale, voting.chart_merit, title = title.clone(), grade = grade).to_string();
        view! {
            <li class="result">
                <h3>{td_string!(locale, voting.rank_line, rank = ro.rank, title = title.clone()).to_string()}</h3>
                <p>{t!(i18n, voting.majority_grade)}" "<strong>{grade}</strong></p>
                <MeritProfile profile=ro.profile title=chart_title />
                // The chart's numbers, and its legend: each grade beside its colour.
                <ul class="grade-counts">
                    {Grade::ALL.iter().zip(ro.profile.iter()).enumerate().map(|(i, (g, n))| view! {
                        <li class=format!("grade-{i}")>{grade_name(locale, *g)}" : "<strong>{*n}</strong></li>
                    }).collect_view()}
                </ul>
            </li>
        }
    });
    let tie_breaks = judgment.tie_breaks.iter().map(|t| {
        let text = if t.step == 0 {
            td_string!(locale, voting.tie_identical, ahead = name(t.ahead), behind = name(t.behind)).to_string()
        } else {
            td_string!(
                locale,
                voting.tie_break,
                ahead = name(t.ahead),
                behind = name(t.behind),
                step = t.step,
                ahead_grade = grade_name(locale, t.ahead_grade),
                behind_grade = grade_name(locale, t.behind_grade)
            )
            .to_string()
        };
        view! { <li>{text}</li> }
    });
    let has_ties = !judgment.tie_breaks.is_empty();
    view! {
        <ol class="ranking">{ranking.collect_view()}</ol>
        {has_ties.then(|| view! {
            <h3>{t!(i18n, voting.tie_breaks)}</h3>
            <ul>{tie_breaks.collect_view()}</ul>
        })}
    }
}

/// An approval vote: the approvals of each objective, most approved first.
#[component]
fn ApprovalResults(titles: Vec<String>, counts: Vec<u32>, ballots: u32) -> impl IntoView {
    let i18n = use_i18n();
    let mut rows: Vec<(String, u32)> = titles.into_iter().zip(counts).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    let chart_title = td_string!(i18n.get_locale_untracked(), voting.chart_approval).to_owned();
    view! {
        <ApprovalChart rows=rows.clone() ballots title=chart_title />
        <table class="data">
            <caption>{t!(i18n, voting.approvals_of, ballots)}</caption>
            <thead><tr><th scope="col">{t!(i18n, voting.objective)}</th><th scope="col">{t!(i18n, voting.approvals)}</th></tr></thead>
            <tbody>{rows.into_iter().map(|(t, n)| view! { <tr><th scope="row">{t}</th><td>{n}</td></tr> }).collect_view()}</tbody>
        </table>
    }
}

/// A form to check that a receipt code is in the published list.
#[component]
fn ReceiptCheck(r: Round) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <section aria-labelledby="check-heading">
            <h2 id="check-heading">{t!(i18n, voting.check_receipt)}</h2>
            <Form method="GET" action="">
                <div class="field">
                    <label for="check-receipt">{t!(i18n, voting.receipt_field)}</label>
                    <input id="check-receipt" name="receipt" autocomplete="off" value=r.viewer.receipt.clone().unwrap_or_default() />
                </div>
                <button type="submit" class="button button-secondary">{t!(i18n, voting.check)}</button>
            </Form>
            {r.receipt_check.map(|(_, found)| view! {
                <p class=if found { "notice" } else { "form-error" } role="status">
                    {if found { td_string!(locale, voting.receipt_found) } else { td_string!(locale, voting.receipt_not_found) }}
                </p>
            })}
        </section>
    }
}

/// A ballot's content in words.
fn ballot_text(locale: Locale, objectives: &[RoundObjective], c: &BallotContent) -> String {
    let join = |parts: Vec<String>| parts.join(" ; ");
    match c {
        BallotContent::YesNo(m) => join(
            m.iter().map(|(id, ch)| format!("{} : {}", title_of(objectives, *id), choice_name(locale, *ch))).collect(),
        ),
        BallotContent::Grades(m) => join(
            m.iter().map(|(id, g)| format!("{} : {}", title_of(objectives, *id), grade_name(locale, *g))).collect(),
        ),
        BallotContent::Approval(ids) if ids.is_empty() => td_string!(locale, voting.blank).to_owned(),
        BallotContent::Approval(ids) => join(ids.iter().map(|id| title_of(objectives, *id)).collect()),
    }
}

/// Every ballot by receipt hash (with its voter in a public round, for members), the head
/// hash of the round's log and the JSON to recount from.
#[component]
fn BallotList(r: Round) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let show_voters = r.ballots.iter().any(|b| b.voter.is_some());
    let highlighted = r.receipt_check.as_ref().filter(|(_, found)| *found).map(|(h, _)| h.clone());
    let rows = r.ballots.iter().map(|b| {
        let mine = highlighted.as_deref() == Some(b.receipt_hash.as_str());
        view! {
            <tr class:mine=mine>
                <td><code class="hash">{b.receipt_hash.clone()}</code>{mine.then(|| view! { " "<strong>{t!(i18n, voting.your_ballot)}</strong> })}</td>
                {show_voters.then(|| view! { <td>{b.voter.clone().unwrap_or_default()}</td> })}
                <td>{ballot_text(locale, &r.objectives, &b.content)}</td>
            </tr>
        }
    });
    view! {
        <section aria-labelledby="ballots-heading">
            <h2 id="ballots-heading">{t!(i18n, voting.ballot_list)}</h2>
            <p>{t!(i18n, voting.ballot_list_hint)}" "<a href=format!("/rounds/{}/ballots.json", r.id) rel="external">{t!(i18n, voting.download_json)}</a></p>
            {r.head_hash.clone().map(|h| view! { <p>{t!(i18n, voting.head_hash)}" "<code class="hash">{h}</code></p> })}
            <div class="table-scroll">
                <table class="data ballots">
                    <caption class="visually-hidden">{t!(i18n, voting.ballot_list)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, voting.receipt_hash)}</th>
                        {show_voters.then(|| view! { <th scope="col">{t!(i18n, voting.voter)}</th> })}
                        <th scope="col">{t!(i18n, voting.content)}</th>
                    </tr></thead>
                    <tbody>{rows.collect_view()}</tbody>
                </table>
            </div>
        </section>
    }
}
