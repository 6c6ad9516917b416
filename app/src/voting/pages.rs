//! The round page: its rules in plain words, the ballot (and the proxy's ballot), the
//! receipt, participation while it is open, and once closed the results with their charts
//! and text equivalents, the published ballot list and the head hash. Also the "open a
//! round" form shown on the sitting page.
use super::api::*;
use super::tally::{Abstentions, Grade, Quorum, Threshold, YesNoRules};
use super::*;
use crate::forms::{refresh_on_success, use_feedback, use_scoped_feedback, Feedback, FormError};
use crate::i18n::*;
use crate::i18n_texts::format_datetime;
use crate::layout::Loaded;
use crate::live::use_live;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::texts::{choice_name, grade_name, method_name};

/// The rules in one or two plain sentences, shown before voting and with the results.
pub fn rules_text(locale: Locale, rules: &Rules) -> String {
    match rules {
        Rules::YesNo(YesNoRules { quorum, threshold, abstentions }) => {
            let q = match quorum {
                Quorum::None => td_string!(locale, voting.quorum_none).to_owned(),
                Quorum::Members(p) => td_string!(locale, voting.quorum_members, percent = *p).to_string(),
                Quorum::Present(p) => td_string!(locale, voting.quorum_present, percent = *p).to_string(),
            };
            let t = match threshold {
                Threshold::SimpleMajority => td_string!(locale, voting.threshold_simple),
                Threshold::TwoThirds => td_string!(locale, voting.threshold_two_thirds),
            };
            let a = match abstentions {
                Abstentions::Excluded => td_string!(locale, voting.abstentions_excluded),
                Abstentions::Counted => td_string!(locale, voting.abstentions_counted),
            };
            format!("{q} {t} {a}")
        }
        Rules::MajorityJudgment => td_string!(locale, voting.rules_majority_judgment).to_owned(),
        Rules::Approval { max } => td_string!(locale, voting.rules_approval, max = *max).to_string(),
    }
}

#[component]
pub fn OpenRoundForm(
    sitting: crate::ids::SittingId,
    objectives: Vec<(crate::ids::ObjectiveId, String)>,
    action: ServerAction<OpenRound>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(action);
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <details open=open class="open-round">
            <summary>{t!(i18n, voting.open_round)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="sitting_id" value=sitting />
                <ObjectivesChoice objectives feedback />
                <MethodChoice method=typed(feedback, "method", "yes_no") />
                <YesNoRulesChoice feedback />
                <RoundOptions feedback />
                <button type="submit" class="button">{t!(i18n, voting.open_round_submit)}</button>
            </ActionForm>
        </details>
    }
}

/// What was typed in `name` when a plain form post came back refused, else `default`. Set
/// once: with JavaScript the browser keeps the form as it is.
fn typed(feedback: Signal<Option<Feedback>>, name: &str, default: &str) -> String {
    feedback.with_untracked(|f| f.as_ref().and_then(|f| f.value(name))).unwrap_or_else(|| default.to_owned())
}

/// The message under one part of the form, when the server refused it.
#[component]
fn RoundFieldError(feedback: Signal<Option<Feedback>>, name: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        feedback.with(|f| f.as_ref().and_then(|f| f.error.field_code(name))).map(|code| {
            view! { <p class="field-error" role="alert">{crate::i18n_texts::error_text(i18n.get_locale(), code)}</p> }
        })
    }
}

/// One radio button with its label, checked when `current` is its value.
fn radio(name: &'static str, value: &'static str, current: &str, text: &'static str) -> impl IntoView {
    let id = format!("open-{name}-{value}");
    view! {
        <div class="choice">
            <input type="radio" id=id.clone() name=name value=value checked=current == value />
            <label for=id>{text}</label>
        </div>
    }
}

#[component]
fn ObjectivesChoice(
    objectives: Vec<(crate::ids::ObjectiveId, String)>,
    feedback: Signal<Option<Feedback>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{t!(i18n, voting.which_objectives)}</legend>
            <RoundFieldError feedback name="objectives" />
            {objectives.into_iter().enumerate().map(|(i, (id, title))| {
                let html_id = format!("open-objective-{id}");
                view! {
                    <div class="choice">
                        <input type="checkbox" id=html_id.clone() name=format!("objectives[{i}]") value=id />
                        <label for=html_id>{title}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn MethodChoice(method: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <fieldset>
            <legend>{t!(i18n, voting.method)}</legend>
            {radio("method", "yes_no", &method, td_string!(locale, voting.method_yes_no))}
            {radio("method", "majority_judgment", &method, td_string!(locale, voting.method_majority_judgment))}
            {radio("method", "approval", &method, td_string!(locale, voting.method_approval))}
        </fieldset>
    }
}

/// Quorum, threshold and abstentions: what a yes/no vote needs to pass.
#[component]
fn YesNoRulesChoice(feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let quorum_base = typed(feedback, "quorum_base", "present");
    let threshold = typed(feedback, "threshold", "simple_majority");
    let abstentions = typed(feedback, "abstentions", "excluded");
    view! {
        <fieldset>
            <legend>{t!(i18n, voting.yes_no_rules)}</legend>
            {radio("quorum_base", "present", &quorum_base, td_string!(locale, voting.quorum_base_present))}
            {radio("quorum_base", "members", &quorum_base, td_string!(locale, voting.quorum_base_members))}
            {radio("quorum_base", "none", &quorum_base, td_string!(locale, voting.quorum_base_none))}
            <div class="field">
                <label for="open-quorum-percent">{t!(i18n, voting.quorum_percent)}</label>
                <input id="open-quorum-percent" name="quorum_percent" type="number" min="1" max="100" inputmode="numeric" value=typed(feedback, "quorum_percent", "50") />
                <RoundFieldError feedback name="quorum_percent" />
            </div>
            {radio("threshold", "simple_majority", &threshold, td_string!(locale, voting.threshold_simple_choice))}
            {radio("threshold", "two_thirds", &threshold, td_string!(locale, voting.threshold_two_thirds_choice))}
            {radio("abstentions", "excluded", &abstentions, td_string!(locale, voting.abstentions_excluded_choice))}
            {radio("abstentions", "counted", &abstentions, td_string!(locale, voting.abstentions_counted_choice))}
        </fieldset>
    }
}

/// How many choices an approval ballot may hold, secrecy, and when the round closes by itself.
#[component]
fn RoundOptions(feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="open-max-choices">{t!(i18n, voting.max_choices)}</label>
            <p class="field-hint" id="open-max-choices-hint">{t!(i18n, voting.max_choices_hint)}</p>
            <input id="open-max-choices" name="max_choices" type="number" min="1" inputmode="numeric" aria-describedby="open-max-choices-hint" value=typed(feedback, "max_choices", "2") />
            <RoundFieldError feedback name="max_choices" />
        </div>
        <div class="choice">
            <input type="checkbox" id="open-secret" name="secret" value="1" />
            <label for="open-secret">{t!(i18n, voting.secret_choice)}</label>
        </div>
        <div class="field">
            <label for="open-closes-in">{t!(i18n, voting.closes_in)}</label>
            <p class="field-hint" id="open-closes-in-hint">{t!(i18n, voting.closes_in_hint)}</p>
            <input id="open-closes-in" name="closes_in" type="number" min="1" inputmode="numeric" aria-describedby="open-closes-in-hint" value=typed(feedback, "closes_in", "") />
            <RoundFieldError feedback name="closes_in" />
        </div>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let query = use_query_map();
    let id = crate::forms::route_param::<crate::ids::RoundId>("id");
    let receipt = Memo::new(move |_| query.read().get("receipt"));
    let refresh = RwSignal::new(0u64);
    let cast = ServerAction::<CastBallot>::new();
    let close = ServerAction::<CloseRound>::new();
    refresh_on_success(cast, refresh);
    refresh_on_success(close, refresh);
    let sitting = RwSignal::new(crate::ids::SittingId(0));
    let connected = use_live(sitting.into(), refresh);
    let data =
        Resource::new(move || (id.get(), receipt.get(), refresh.get()), |(id, receipt, _)| get_round(id, receipt));
    let render = move |r: Round| {
        let s = r.sitting_id;
        Effect::new(move |_| sitting.set(s));
        view! { <RoundView r cast close connected /> }
    };
    view! { <Loaded data render live=true /> }
}

#[component]
fn RoundView(
    r: Round,
    cast: ServerAction<CastBallot>,
    close: ServerAction<CloseRound>,
    connected: ReadSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let open = r.status == RoundStatus::Open;
    let v = r.viewer.clone();
    let close_feedback = use_feedback(close);
    let title = format!("{} · {}", method_name(locale, r.rules.method()), r.sitting_title);
    let (ballots, members, present) = (r.ballots_count, r.members_count, r.present_count);
    let method = r.rules.method();
    let rules = rules_text(locale, &r.rules);
    let (secret, round_id, opened_at, closes_at, closed_at) = (r.secret, r.id.0, r.opened_at, r.closes_at, r.closed_at);
    let objectives = r.objectives.clone();
    let sitting_link = format!("/sittings/{}", r.sitting_id);
    let sitting_title = r.sitting_title.clone();
    view! {
        <Title text=title />
        <p class="breadcrumb"><A href=sitting_link>{sitting_title}</A></p>
        <h1>{method_name(locale, method)}
            " "<span class=if open { "badge live" } else { "badge" }>{if open { td_string!(locale, voting.open) } else { td_string!(locale, voting.closed) }}</span>
            " "<span class="badge">{if secret { td_string!(locale, voting.secret) } else { td_string!(locale, voting.public) }}</span>
        </h1>
        <ul class="round-objectives">
            {objectives.into_iter().map(|o| view! { <li><A href=format!("/objectives/{}", o.id)>{o.title}</A></li> }).collect_view()}
        </ul>
        <section aria-labelledby="rules-heading" class="rules">
            <h2 id="rules-heading">{t!(i18n, voting.rules)}</h2>
            <p>{rules}</p>
            <p>{if secret { td_string!(locale, voting.secret_explained) } else { td_string!(locale, voting.public_explained) }}</p>
            <p class="meta">{t!(i18n, voting.opened_at, date = format_datetime(opened_at))}
                {closes_at.filter(|_| open).map(|c| view! { " · "{t!(i18n, voting.closes_at, date = format_datetime(c))} })}
                {closed_at.map(|c| view! { " · "{t!(i18n, voting.closed_at, date = format_datetime(c))} })}
            </p>
        </section>
        <p class="participation" role="status">
            {t!(i18n, voting.participation, ballots, members, present)}
            {open.then(|| view! { " "<span class="meta">{move || if connected.get() { td_string!(locale, sittings.live_on) } else { "" }}</span> })}
        </p>
        {(open && v.facilitates).then(|| view! {
            <ActionForm action=close>
                <FormError feedback=close_feedback />
                <input type="hidden" name="round_id" value=round_id />
                <button type="submit" class="button button-danger">{t!(i18n, voting.close_round)}</button>
            </ActionForm>
        })}
        {if open { view! { <VoteSection r cast /> }.into_any() } else { view! { <super::results::Results r /> }.into_any() }}
    }
}

#[component]
fn VoteSection(r: Round, cast: ServerAction<CastBallot>) -> impl IntoView {
    let i18n = use_i18n();
    let v = r.viewer.clone();
    let just_cast = Signal::derive(move || cast.value().with(|x| x.as_ref().and_then(|r| r.as_ref().ok().cloned())));
    // The receipt this browser kept (a cookie), unless it is the one just announced above:
    // once the page loads again after a vote, the same code would otherwise show twice.
    let kept = move |code: Option<String>| {
        move || {
            code.clone()
                .filter(|c| just_cast.with(|j| j.as_ref().is_none_or(|j| &j.code != c)))
                .map(|code| view! { <ReceiptNotice code changed=false /> })
        }
    };
    view! {
        <section aria-labelledby="vote-heading">
            <h2 id="vote-heading">{t!(i18n, voting.your_vote)}</h2>
            {move || just_cast.get().map(|receipt| view! { <ReceiptNotice code=receipt.code changed=receipt.changed /> })}
            {match (&v.proxy_given_to, v.signed_in) {
                (_, false) => view! { <p><A href=format!("/login?next=/rounds/{}", r.id)>{t!(i18n, voting.sign_in_to_vote)}</A></p> }.into_any(),
                (Some(p), _) => view! { <p>{t!(i18n, voting.proxy_given, name = p.name.clone())}</p> }.into_any(),
                (None, true) if !v.can_vote => view! { <p>{t!(i18n, voting.not_a_voter)}</p> }.into_any(),
                (None, true) => view! {
                    {kept(v.receipt.clone())}
                    {v.has_voted.then(|| view! { <p class="notice">{t!(i18n, voting.already_voted)}</p> })}
                    <BallotForm r=r.clone() cast on_behalf=None current=v.my_ballot.clone() receipt=v.receipt.clone() has_voted=v.has_voted />
                }.into_any(),
            }}
            {v.proxy_for.clone().map(|p| view! {
                <h3>{t!(i18n, voting.proxy_vote, name = p.name.clone())}</h3>
                {kept(v.receipt_for_proxy.clone())}
                {v.proxy_voted.then(|| view! { <p class="notice">{t!(i18n, voting.proxy_already_voted)}</p> })}
                <BallotForm r=r.clone() cast on_behalf=Some(p.id.0) current=None receipt=v.receipt_for_proxy.clone() has_voted=v.proxy_voted />
            })}
        </section>
    }
}

#[component]
fn ReceiptNotice(code: String, changed: bool) -> impl IntoView {
    let i18n = use_i18n();
    // The language changes by reloading the page (`/lang/…`), so text need not track it.
    let locale = i18n.get_locale_untracked();
    (!code.is_empty()).then(|| {
        view! {
            <div class="receipt" role="status">
                <p>{if changed { td_string!(locale, voting.vote_changed) } else { td_string!(locale, voting.vote_recorded) }}</p>
                <p>{t!(i18n, voting.receipt_is)}" "<code class="receipt-code">{code}</code></p>
                <p class="field-hint">{t!(i18n, voting.receipt_hint)}</p>
            </div>
        }
    })
}

#[component]
fn BallotForm(
    r: Round,
    cast: ServerAction<CastBallot>,
    on_behalf: Option<i64>,
    current: Option<BallotContent>,
    receipt: Option<String>,
    has_voted: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let scope = on_behalf.map(|v| v.to_string()).unwrap_or_default();
    let feedback = use_scoped_feedback(cast, Some(("on_behalf", scope.clone())));
    let prefix = if scope.is_empty() { "me".to_owned() } else { format!("p{scope}") };
    let round = r.id.0;
    let objectives = r.objectives.clone();
    let body = match r.rules {
        Rules::YesNo(_) => view! { <YesNoItems objectives prefix=prefix.clone() current /> }.into_any(),
        Rules::MajorityJudgment => view! { <GradeItems objectives prefix=prefix.clone() current /> }.into_any(),
        Rules::Approval { max } => view! { <ApprovalItems max objectives prefix=prefix.clone() current /> }.into_any(),
    };
    let receipt_id = format!("{prefix}-receipt");
    view! {
        <ActionForm action=cast attr:class="ballot">
            <FormError feedback />
            <input type="hidden" name="round_id" value=round />
            {on_behalf.map(|v| view! { <input type="hidden" name="on_behalf" value=v /> })}
            {body}
            {(r.secret && has_voted).then(|| view! {
                <div class="field">
                    <label for=receipt_id.clone()>{t!(i18n, voting.receipt_field)}</label>
                    <p class="field-hint" id=format!("{receipt_id}-hint")>{t!(i18n, voting.receipt_field_hint)}</p>
                    <input id=receipt_id.clone() name="receipt" autocomplete="off" aria-describedby=format!("{receipt_id}-hint") value=receipt.clone().unwrap_or_default() />
                </div>
            })}
            <button type="submit" class="button">{if has_voted { td_string!(locale, voting.change_vote) } else { td_string!(locale, voting.cast) }}</button>
        </ActionForm>
    }
}

/// Yes, no or abstain for each objective (ids prefixed by whose ballot it is).
#[component]
fn YesNoItems(objectives: Vec<RoundObjective>, prefix: String, current: Option<BallotContent>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    objectives
        .into_iter()
        .map(|o| {
            let chosen = match &current {
                Some(BallotContent::YesNo(m)) => m.get(&o.id).copied(),
                _ => None,
            };
            view! {
                <fieldset class="ballot-item">
                    <legend>{o.title.clone()}</legend>
                    {[tally::Choice::Yes, tally::Choice::No, tally::Choice::Abstain].into_iter().map(|c| {
                        let id = format!("{prefix}-{}-{}", o.id, choice_key(c));
                        view! {
                            <div class="choice choice-large">
                                <input type="radio" id=id.clone() name=format!("choices[{}]", o.id) value=choice_key(c) checked=chosen == Some(c) required=true />
                                <label for=id>{choice_name(locale, c)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }
        })
        .collect_view()
}

/// A grade for each objective (majority judgment).
#[component]
fn GradeItems(objectives: Vec<RoundObjective>, prefix: String, current: Option<BallotContent>) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    objectives
        .into_iter()
        .map(|o| {
            let chosen = match &current {
                Some(BallotContent::Grades(m)) => m.get(&o.id).copied(),
                _ => None,
            };
            view! {
                <fieldset class="ballot-item grades">
                    <legend>{o.title.clone()}</legend>
                    {Grade::ALL.into_iter().enumerate().map(|(i, g)| {
                        let id = format!("{prefix}-{}-{}", o.id, grade_key(g));
                        view! {
                            <div class=format!("choice grade grade-{i}")>
                                <input type="radio" id=id.clone() name=format!("choices[{}]", o.id) value=grade_key(g) checked=chosen == Some(g) />
                                <label for=id>{grade_name(locale, g)}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }
        })
        .collect_view()
}

/// Up to `max` objectives approved (approval voting).
#[component]
fn ApprovalItems(
    max: u32,
    objectives: Vec<RoundObjective>,
    prefix: String,
    current: Option<BallotContent>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="ballot-item">
            <legend>{t!(i18n, voting.choose_up_to, max)}</legend>
            {objectives.into_iter().map(|o| {
                let id = format!("{prefix}-{}-approve", o.id);
                let checked = matches!(&current, Some(BallotContent::Approval(ids)) if ids.contains(&o.id));
                view! {
                    <div class="choice choice-large">
                        <input type="checkbox" id=id.clone() name=format!("choices[{}]", o.id) value="1" checked=checked />
                        <label for=id>{o.title.clone()}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// A sitting's vote rounds, for its page: fetched through voting's own server function and
/// fetched again whenever the sitting's page refreshes.
#[component]
pub fn SittingRounds(sitting: crate::ids::SittingId, refresh: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let rounds = Resource::new(move || refresh.get(), move |_| super::api::list_rounds(sitting));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match rounds.await {
                    Err(e) => view! { <p class="form-error" role="alert">{crate::i18n_texts::error_text(i18n.get_locale_untracked(), e.code())}</p> }.into_any(),
                    Ok(rounds) if rounds.is_empty() => view! { <p>{t!(i18n, sittings.no_round)}</p> }.into_any(),
                    Ok(rounds) => view! {
                        <ul class="card-list">{rounds.into_iter().map(|r| view! { <RoundCard r /> }).collect_view()}</ul>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RoundCard(r: RoundSummary) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let open = r.status == RoundStatus::Open;
    let count = r.ballots_count;
    let titles = r.objectives.iter().map(|o| o.title.clone()).collect::<Vec<_>>().join(" · ");
    view! {
        <li class="card">
            <h3 class="card-title"><A href=format!("/rounds/{}", r.id)>{method_name(locale, r.method)}</A>
                " "<span class=if open { "badge live" } else { "badge" }>
                    {if open { td_string!(locale, voting.open) } else { td_string!(locale, voting.closed) }}
                </span>
                {r.secret.then(|| view! { " "<span class="badge">{t!(i18n, voting.secret)}</span> })}
            </h3>
            <p>{titles}</p>
            <p class="meta">{t!(i18n, voting.ballots_count, count)}</p>
        </li>
    }
}

/// The votes in progress on the room's screen, with how many have voted.
#[component]
pub fn ScreenVotes(sitting: crate::ids::SittingId, members: i64, refresh: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let rounds = Resource::new(move || refresh.get(), move |_| super::api::list_rounds(sitting));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let open: Vec<RoundSummary> =
                    rounds.await.unwrap_or_default().into_iter().filter(|r| r.status == RoundStatus::Open).collect();
                open.into_iter().map(|r| {
                    let count = r.ballots_count;
                    view! {
                        <p class="screen-vote">{method_name(locale, r.method)}" : "
                            {t!(i18n, sittings.screen_ballots, count, members)}</p>
                    }
                }).collect_view()
            })}
        </Suspense>
    }
}
