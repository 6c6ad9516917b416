//! Sitting pages: the assembly's sittings (upcoming and past, with the planning form), and
//! the sitting itself — the live page members follow on their phones and the room sees on
//! its screen: agenda, speaking queue with timer, attendance, proxies and vote rounds,
//! updated over server-sent events, every action also a plain form.
use super::api::*;
use super::*;
use crate::forms::{label, route_param as param};
use crate::forms::{refresh_on_success, use_feedback, Field, FormError};
use crate::i18n::*;
use crate::i18n_texts::{format_datetime, format_time};
use crate::ids::{ObjectiveId, SittingId, TurnId};
use crate::layout::Loaded;
use crate::live::use_live;
use crate::objectives::texts::status_name;
use crate::voting::pages::OpenRoundForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SittingStatusBadge(status: SittingStatus) -> impl IntoView {
    let i18n = use_i18n();
    // The language changes by reloading the page (`/lang/…`), so text need not track it.
    let locale = i18n.get_locale_untracked();
    let (class, text) = match status {
        SittingStatus::Planned => ("badge", td_string!(locale, sittings.status_planned)),
        SittingStatus::Live => ("badge live", td_string!(locale, sittings.status_live)),
        SittingStatus::Closed => ("badge", td_string!(locale, sittings.status_closed)),
    };
    view! { <span class=class>{text}</span> }
}

fn when(starts_at: i64, ends_at: i64) -> String {
    format!("{} – {}", format_datetime(starts_at), format_time(ends_at))
}

#[component]
fn SittingCard(s: SittingSummary) -> impl IntoView {
    let i18n = use_i18n();
    let count = s.agenda_count;
    view! {
        <li class="card">
            <h3 class="card-title"><A href=format!("/sittings/{}", s.id)>{s.title.clone()}</A>
                " "<SittingStatusBadge status=s.status /></h3>
            <p class="meta">{when(s.starts_at, s.ends_at)}</p>
            {(!s.place.is_empty()).then(|| view! { <p>{s.place.clone()}</p> })}
            <p class="meta">{t!(i18n, sittings.agenda_count, count)}</p>
        </li>
    }
}

#[component]
pub fn SittingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let assembly = param::<crate::ids::AssemblyId>("id");
    let plan = ServerAction::<PlanSitting>::new();
    let data = Resource::new(move || assembly.get(), list_sittings);
    view! {
        <Loaded data render={move |list: SittingList| {
            let assembly = list.assembly_id;
            view! {
                <Title text=format!("{} · {}", td_string!(locale, sittings.title), list.assembly_name) />
                <p class="breadcrumb"><A href=format!("/assemblies/{assembly}")>{list.assembly_name.clone()}</A></p>
                <h1>{t!(i18n, sittings.title)}</h1>
                <SittingSection id="upcoming" sittings=list.upcoming
                    heading=td_string!(locale, sittings.upcoming) empty=td_string!(locale, sittings.none_upcoming) />
                {list.can_plan.then(|| view! { <PlanForm assembly plan /> })}
                <SittingSection id="past" sittings=list.past
                    heading=td_string!(locale, sittings.past) empty=td_string!(locale, sittings.none_past) />
            }
        }} />
    }
}

/// A titled list of sitting cards, or a sentence when there is none.
#[component]
fn SittingSection(
    id: &'static str,
    sittings: Vec<SittingSummary>,
    heading: &'static str,
    empty: &'static str,
) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading_id>{heading}</h2>
            {if sittings.is_empty() {
                view! { <p>{empty}</p> }.into_any()
            } else {
                view! { <ul class="card-list">{sittings.into_iter().map(|s| view! { <SittingCard s /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn PlanForm(assembly: crate::ids::AssemblyId, plan: ServerAction<PlanSitting>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(plan);
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <section aria-labelledby="plan-heading">
            <details open=open>
                <summary><h2 id="plan-heading" class="summary-heading">{t!(i18n, sittings.plan)}</h2></summary>
                <ActionForm action=plan attr:novalidate=true>
                    <FormError feedback />
                    <input type="hidden" name="assembly_id" value=assembly />
                    <Field name="title" feedback maxlength=TITLE_MAX label=label(move || t!(i18n, sittings.field_title).into_any()) />
                    <div class="field-row">
                        <Field name="date" kind="date" feedback label=label(move || t!(i18n, sittings.field_date).into_any()) />
                        <Field name="start" kind="time" feedback label=label(move || t!(i18n, sittings.field_start).into_any()) />
                        <Field name="end" kind="time" feedback label=label(move || t!(i18n, sittings.field_end).into_any()) />
                    </div>
                    <Field name="place" feedback required=false maxlength=PLACE_MAX
                        label=label(move || t!(i18n, sittings.field_place).into_any())
                        hint=label(move || t!(i18n, sittings.field_place_hint).into_any()) />
                    <Field name="online_url" kind="url" feedback required=false maxlength=URL_MAX
                        label=label(move || t!(i18n, sittings.field_online_url).into_any()) />
                    <button type="submit" class="button">{t!(i18n, sittings.plan_submit)}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// The actions of a sitting page, shared by its sections: any success refreshes the page
/// (the live stream refreshes everyone else's).
#[derive(Clone, Copy)]
struct Actions {
    run: ServerAction<RunSitting>,
    check_in: ServerAction<CheckIn>,
    proxy: ServerAction<GiveProxy>,
    queue: ServerAction<SpeakingQueue>,
}

#[component]
pub fn SittingPage() -> impl IntoView {
    let id = param::<crate::ids::SittingId>("id");
    let refresh = RwSignal::new(0u64);
    let actions = Actions {
        run: ServerAction::new(),
        check_in: ServerAction::new(),
        proxy: ServerAction::new(),
        queue: ServerAction::new(),
    };
    refresh_on_success(actions.run, refresh);
    refresh_on_success(actions.check_in, refresh);
    refresh_on_success(actions.proxy, refresh);
    refresh_on_success(actions.queue, refresh);
    let open_round = ServerAction::<crate::voting::api::OpenRound>::new();
    let connected = use_live(id.into(), refresh);
    let data = Resource::new(move || (id.get(), refresh.get()), |(id, _)| get_sitting(id));
    view! {
        <Loaded data live=true render=move |s| view! { <SittingView s actions open_round connected refresh /> } />
    }
}

#[component]
fn SittingView(
    s: Sitting,
    actions: Actions,
    open_round: ServerAction<crate::voting::api::OpenRound>,
    connected: ReadSignal<bool>,
    refresh: RwSignal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let v = s.viewer.clone();
    let (id, status) = (s.id, s.status);
    let live = status == SittingStatus::Live;
    let errors = [
        use_feedback(actions.run),
        use_feedback(actions.check_in),
        use_feedback(actions.proxy),
        use_feedback(actions.queue),
    ];
    let error = Signal::derive(move || errors.iter().find_map(|f| f.get()));
    let votable: Vec<(crate::ids::ObjectiveId, String)> = s
        .agenda
        .iter()
        .filter(|a| matches!(a.status, crate::objectives::Status::Proposed | crate::objectives::Status::InDiscussion))
        .map(|a| (a.objective_id, a.title.clone()))
        .collect();
    view! {
        <SittingIntro s=s.clone() connected />
        <FormError feedback=error />
        {v.facilitates.then(|| view! { <RunControls id status run=actions.run /> })}
        <Agenda s=s.clone() run=actions.run />
        <CurrentDiscussion s=s.clone() />
        <section aria-labelledby="rounds-heading">
            <h2 id="rounds-heading">{t!(i18n, sittings.rounds)}</h2>
            // The sitting's rounds are voting's: fetched through its own server function.
            <crate::voting::pages::SittingRounds sitting=id refresh />
            {(v.facilitates && status != SittingStatus::Closed && !votable.is_empty())
                .then(move || view! { <OpenRoundForm sitting=id objectives=votable action=open_round /> })}
        </section>
        <Speaking s=s.clone() queue=actions.queue live />
        <Attendance s check_in=actions.check_in proxy=actions.proxy />
    }
}

/// The sitting's title, when and where, and until it is over: the calendar file, the room's
/// screen, and whether live updates are on.
#[component]
fn SittingIntro(s: Sitting, connected: ReadSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let Sitting { id, assembly_id, assembly_name, title, starts_at, ends_at, place, online_url, status, .. } = s;
    view! {
        <Title text=title.clone() />
        <p class="breadcrumb">
            <A href=format!("/assemblies/{assembly_id}")>{assembly_name}</A>" › "
            <A href=format!("/assemblies/{assembly_id}/sittings")>{t!(i18n, sittings.title)}</A>
        </p>
        <h1>{title}" "<SittingStatusBadge status /></h1>
        <p class="meta">{when(starts_at, ends_at)}</p>
        {(!place.is_empty()).then(move || view! { <p>{t!(i18n, sittings.place)}" "{place}</p> })}
        {(!online_url.is_empty() && status != SittingStatus::Closed).then(move || view! {
            <p><a href=online_url rel="noopener noreferrer">{t!(i18n, sittings.join_online)}</a></p>
        })}
        // A past sitting neither goes in a calendar nor changes any more.
        {(status != SittingStatus::Closed).then(|| view! {
            <p class="action-row">
                <a class="button button-secondary" href=format!("/sittings/{id}/calendar.ics") download="seance.ics" rel="external">{t!(i18n, sittings.add_to_calendar)}</a>
                <A href=format!("/sittings/{id}/screen") attr:class="button button-secondary">{t!(i18n, sittings.screen)}</A>
                <span class="live-status" role="status">
                    {move || if connected.get() { td_string!(locale, sittings.live_on) } else { td_string!(locale, sittings.live_off) }}
                </span>
            </p>
        })}
    }
}

/// A form of one button: `step` (and an objective or turn) sent to a server function.
#[component]
fn RunButton(
    run: ServerAction<RunSitting>,
    sitting: SittingId,
    step: &'static str,
    #[prop(optional)] objective: Option<ObjectiveId>,
    text: String,
    #[prop(optional)] secondary: bool,
) -> impl IntoView {
    view! {
        <ActionForm action=run attr:class="inline-form">
            <input type="hidden" name="sitting_id" value=sitting />
            <input type="hidden" name="step" value=step />
            {objective.map(|o| view! { <input type="hidden" name="objective_id" value=o /> })}
            <button type="submit" class=if secondary { "button button-secondary button-small" } else { "button button-small" }>{text}</button>
        </ActionForm>
    }
}

#[component]
fn RunControls(id: SittingId, status: SittingStatus, run: ServerAction<RunSitting>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    // A `div`, not a `p`: a `<form>` inside a `<p>` makes the HTML parser close the `p`
    // early, so the server's markup no longer matches what hydration expects.
    view! {
        <div class="action-row">
            {match status {
                SittingStatus::Planned => view! { <RunButton run sitting=id step="start" text=td_string!(locale, sittings.start).to_owned() /> }.into_any(),
                SittingStatus::Live => view! { <RunButton run sitting=id step="close" text=td_string!(locale, sittings.close).to_owned() secondary=true /> }.into_any(),
                SittingStatus::Closed => view! { <RunButton run sitting=id step="start" text=td_string!(locale, sittings.reopen).to_owned() secondary=true /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Agenda(s: Sitting, run: ServerAction<RunSitting>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = s.id;
    let facilitates = s.viewer.facilitates && s.status != SittingStatus::Closed;
    let last = s.agenda.len().saturating_sub(1);
    view! {
        <section aria-labelledby="agenda-heading">
            <h2 id="agenda-heading">{t!(i18n, sittings.agenda)}</h2>
            {if s.agenda.is_empty() {
                view! { <p>{t!(i18n, sittings.agenda_empty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="agenda">
                        {s.agenda.iter().cloned().enumerate().map(|(i, a)| {
                            let o = a.objective_id;
                            view! {
                                <li class:current=a.current aria-current=a.current.then_some("step")>
                                    <A href=format!("/objectives/{o}")>{a.title.clone()}</A>
                                    " "<span class=format!("badge status-{}", a.status.as_str())>{status_name(locale, a.status)}</span>
                                    {a.current.then(|| view! { " "<strong class="badge live">{t!(i18n, sittings.current)}</strong> })}
                                    {facilitates.then(|| view! {
                                        <div class="action-row">
                                            {(!a.current).then(|| view! { <RunButton run sitting=id step="current" objective=o text=td_string!(locale, sittings.make_current).to_owned() secondary=true /> })}
                                            {(i > 0).then(|| view! { <RunButton run sitting=id step="up" objective=o text=td_string!(locale, sittings.move_up).to_owned() secondary=true /> })}
                                            {(i < last).then(|| view! { <RunButton run sitting=id step="down" objective=o text=td_string!(locale, sittings.move_down).to_owned() secondary=true /> })}
                                            <RunButton run sitting=id step="remove" objective=o text=td_string!(locale, sittings.remove).to_owned() secondary=true />
                                        </div>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(facilitates && !s.candidates.is_empty()).then(|| view! {
                <ActionForm action=run>
                    <input type="hidden" name="sitting_id" value=id />
                    <input type="hidden" name="step" value="add" />
                    <div class="field">
                        <label for="agenda-add">{t!(i18n, sittings.add_objective)}</label>
                        <select id="agenda-add" name="objective_id">
                            {s.candidates.iter().map(|(o, title)| view! { <option value=*o>{title.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button-secondary">{t!(i18n, sittings.add)}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The current speaker's running time, ticking in the browser from the server's clock.
#[component]
fn Timer(started_at: i64, server_now: i64) -> impl IntoView {
    let (elapsed, set_elapsed) = signal(server_now - started_at);
    #[cfg(feature = "hydrate")]
    {
        let base = server_now - started_at;
        let t0 = js_sys_now();
        if let Ok(handle) = set_interval_with_handle(
            move || set_elapsed.set(base + ((js_sys_now() - t0) / 1000.0) as i64),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_elapsed;
    // Announcing every second would drown a screen reader: the timer is not live.
    view! { <span class="timer">{move || format_duration(elapsed.get())}</span> }
}

#[cfg(feature = "hydrate")]
fn js_sys_now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or_default()
}

#[component]
fn QueueButton(
    queue: ServerAction<SpeakingQueue>,
    sitting: SittingId,
    step: &'static str,
    #[prop(optional)] turn: Option<TurnId>,
    text: String,
) -> impl IntoView {
    view! {
        <ActionForm action=queue attr:class="inline-form">
            <input type="hidden" name="sitting_id" value=sitting />
            <input type="hidden" name="step" value=step />
            {turn.map(|t| view! { <input type="hidden" name="turn_id" value=t /> })}
            <button type="submit" class="button button-small">{text}</button>
        </ActionForm>
    }
}

#[component]
fn Speaking(s: Sitting, queue: ServerAction<SpeakingQueue>, live: bool) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = s.id;
    let v = s.viewer.clone();
    let now = s.now;
    let closed = s.status == SittingStatus::Closed;
    view! {
        <section aria-labelledby="queue-heading">
            <h2 id="queue-heading">{t!(i18n, sittings.speaking)}</h2>
            // Once the sitting is over, only who spoke and for how long remains.
            {(!closed).then(|| view! {
            {match s.speaker.clone() {
                Some(t) => view! {
                    <div class="speaker">{t!(i18n, sittings.has_the_floor)}" "<strong>{t.person.name.clone()}</strong>" · "
                        <Timer started_at=t.started_at.unwrap_or(now) server_now=now />
                        {v.facilitates.then(|| view! { <QueueButton queue sitting=id step="end" text=td_string!(locale, sittings.end_turn).to_owned() /> })}
                    </div>
                }.into_any(),
                None => view! { <p>{t!(i18n, sittings.nobody_speaks)}</p> }.into_any(),
            }}
            <h3>{t!(i18n, sittings.queue)}</h3>
            {if s.queue.is_empty() {
                view! { <p>{t!(i18n, sittings.queue_empty)}</p> }.into_any()
            } else {
                view! {
                    <ol class="queue">
                        {s.queue.clone().into_iter().map(|t| view! {
                            <li>{t.person.name.clone()}" "<span class="meta">{format_time(t.requested_at)}</span>
                                {v.facilitates.then(|| view! {
                                    <QueueButton queue sitting=id step="give" turn=t.id text=td_string!(locale, sittings.give_floor).to_owned() />
                                    <QueueButton queue sitting=id step="drop" turn=t.id text=td_string!(locale, sittings.drop_turn).to_owned() />
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(live && v.participates).then(|| if v.hand_raised {
                view! { <QueueButton queue sitting=id step="lower" text=td_string!(locale, sittings.lower_hand).to_owned() /> }.into_any()
            } else {
                view! { <QueueButton queue sitting=id step="raise" text=td_string!(locale, sittings.raise_hand).to_owned() /> }.into_any()
            })}
            })}
            {(closed && s.speaking_times.is_empty()).then(|| view! { <p>{t!(i18n, sittings.nobody_spoke)}</p> })}
            {(!s.speaking_times.is_empty()).then(|| view! {
                <table class="data">
                    <caption>{t!(i18n, sittings.speaking_times)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, sittings.speaker)}</th><th scope="col">{t!(i18n, sittings.turns)}</th><th scope="col">{t!(i18n, sittings.total_time)}</th></tr></thead>
                    <tbody>
                        {s.speaking_times.iter().map(|t| view! {
                            <tr><th scope="row">{t.person.name.clone()}</th><td>{t.turns}</td><td>{format_duration(t.seconds)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn Attendance(s: Sitting, check_in: ServerAction<CheckIn>, proxy: ServerAction<GiveProxy>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = s.id;
    let v = s.viewer.clone();
    let (room, online, members) = (s.present_room, s.present_online, s.members_count);
    let open = s.status != SittingStatus::Closed;
    view! {
        <section aria-labelledby="attendance-heading">
            <h2 id="attendance-heading">{t!(i18n, sittings.attendance)}</h2>
            <p>{t!(i18n, sittings.present_counts, room, online, members)}</p>
            {v.present.map(|m| view! { <p>{match m { Mode::Room => td_string!(locale, sittings.you_present_room), Mode::Online => td_string!(locale, sittings.you_present_online) }}</p> })}
            {(v.participates && open).then(|| view! { <ProxyForm sitting=id v=v.clone() candidates=s.proxy_candidates.clone() proxy /> })}
            {(!v.participates).then(|| v.proxy_held_for.clone()).flatten().map(|p| view! { <p>{t!(i18n, sittings.you_hold_proxy, name = p.name.clone())}</p> })}
            {(v.facilitates && !s.attendees.is_empty()).then(|| view! {
                <table class="data attendance">
                    <caption>{t!(i18n, sittings.check_in)}</caption>
                    <thead><tr><th scope="col">{t!(i18n, sittings.member)}</th><th scope="col">{t!(i18n, sittings.presence)}</th></tr></thead>
                    <tbody>
                        {s.attendees.clone().into_iter().map(|a| view! { <CheckInRow sitting=id a open check_in /> }).collect_view()}
                    </tbody>
                </table>
            })}
            {(v.facilitates).then(|| view! { <ProxyList proxies=s.proxies.clone() /> })}
        </section>
    }
}

/// One member's presence: three buttons while the sitting is open (the one pressed shows
/// where they are), plain words once it is closed.
#[component]
fn CheckInRow(sitting: SittingId, a: Attendee, open: bool, check_in: ServerAction<CheckIn>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let current = a.mode;
    let user = a.person.id;
    let name = a.person.name.clone();
    view! {
        <tr>
            <th scope="row">{name.clone()}</th>
            <td>
                {if open {
                    view! {
                        <ActionForm action=check_in attr:class="inline-form">
                            <input type="hidden" name="sitting_id" value=sitting />
                            <input type="hidden" name="user_id" value=user />
                            <button type="submit" name="mode" value="room" class="button button-small" class:button-secondary=current != Some(Mode::Room)
                                aria-pressed=if current == Some(Mode::Room) { "true" } else { "false" }
                                aria-label=format!("{} · {}", name, td_string!(locale, sittings.in_room))>{t!(i18n, sittings.in_room)}</button>
                            <button type="submit" name="mode" value="online" class="button button-small" class:button-secondary=current != Some(Mode::Online)
                                aria-pressed=if current == Some(Mode::Online) { "true" } else { "false" }
                                aria-label=format!("{} · {}", name, td_string!(locale, sittings.online))>{t!(i18n, sittings.online)}</button>
                            <button type="submit" name="mode" value="absent" class="button button-small" class:button-secondary=current.is_some()
                                aria-pressed=if current.is_none() { "true" } else { "false" }
                                aria-label=format!("{} · {}", name, td_string!(locale, sittings.absent))>{t!(i18n, sittings.absent)}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    match current {
                        Some(Mode::Room) => td_string!(locale, sittings.in_room),
                        Some(Mode::Online) => td_string!(locale, sittings.online),
                        None => td_string!(locale, sittings.absent),
                    }.into_any()
                }}
            </td>
        </tr>
    }
}

/// Every proxy given for the sitting (facilitators).
#[component]
fn ProxyList(proxies: Vec<Proxy>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{t!(i18n, sittings.proxies)}</h3>
        {if proxies.is_empty() {
            view! { <p>{t!(i18n, sittings.no_proxy)}</p> }.into_any()
        } else {
            view! { <ul>{proxies.iter().map(|p| view! { <li>{t!(i18n, sittings.proxy_line, giver = p.giver.name.clone(), holder = p.holder.name.clone())}</li> }).collect_view()}</ul> }.into_any()
        }}
    }
}

#[component]
fn ProxyForm(
    sitting: SittingId,
    v: SittingViewer,
    candidates: Vec<Person>,
    proxy: ServerAction<GiveProxy>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="proxy">
            <h3>{t!(i18n, sittings.proxy)}</h3>
            {v.proxy_held_for.clone().map(|p| view! { <p>{t!(i18n, sittings.you_hold_proxy, name = p.name.clone())}</p> })}
            {match v.proxy_given_to.clone() {
                Some(p) => view! {
                    <p>{t!(i18n, sittings.you_gave_proxy, name = p.name.clone())}</p>
                    <ActionForm action=proxy>
                        <input type="hidden" name="sitting_id" value=sitting />
                        <button type="submit" class="button button-secondary">{t!(i18n, sittings.withdraw_proxy)}</button>
                    </ActionForm>
                }.into_any(),
                None => view! {
                    <p class="field-hint">{t!(i18n, sittings.proxy_hint)}</p>
                    <ActionForm action=proxy>
                        <input type="hidden" name="sitting_id" value=sitting />
                        <div class="field">
                            <label for="proxy-holder">{t!(i18n, sittings.proxy_to)}</label>
                            <select id="proxy-holder" name="holder_id">
                                {candidates.into_iter().map(|p| view! { <option value=p.id.0>{p.name}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button button-secondary">{t!(i18n, sittings.give_proxy)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </div>
    }
}

/// The latest comments on the objective under discussion: the room's screen shows the
/// online members' words as they come.
#[component]
fn CurrentDiscussion(s: Sitting) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let current = s.agenda.iter().find(|a| a.current).cloned();
    current.map(|a| {
        view! {
            <section aria-labelledby="discussion-heading">
                <h2 id="discussion-heading">{t!(i18n, sittings.latest_comments)}</h2>
                <p><A href=format!("/objectives/{}", a.objective_id)>{a.title.clone()}</A></p>
                {if s.current_discussion.is_empty() {
                    view! { <p>{t!(i18n, sittings.no_comment_yet)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="live-comments">
                            {s.current_discussion.iter().map(|c| view! {
                                <li>
                                    <p class="comment-meta"><strong>{c.author.clone()}</strong>" · "
                                        <span class=format!("badge stance-{}", c.stance.as_str())>{crate::discussion::texts::stance_name(locale, c.stance)}</span>
                                        " · "{format_datetime(c.created_at)}</p>
                                    <div class="prose" inner_html=c.html.clone()></div>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        }
    })
}

/// `/sittings/{id}/screen`: the room's screen. Large type, nothing to click: the item
/// under discussion, who speaks and for how long, who waits, the vote in progress and how
/// many have voted, the latest comments from members online. Updates itself.
#[component]
pub fn SittingScreenPage() -> impl IntoView {
    let id = param::<crate::ids::SittingId>("id");
    let refresh = RwSignal::new(0u64);
    let connected = use_live(id.into(), refresh);
    let data = Resource::new(move || (id.get(), refresh.get()), |(id, _)| get_sitting(id));
    view! {
        <Loaded data live=true render=move |s| view! { <Screen s connected refresh /> } />
    }
}

#[component]
fn Screen(s: Sitting, connected: ReadSignal<bool>, refresh: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let current = s.agenda.iter().find(|a| a.current).cloned();
    let members = s.members_count;
    let now = s.now;
    view! {
        <Title text=s.title.clone() />
        <div class="screen">
            <p class="screen-sitting">{s.title.clone()}" · "<A href=format!("/sittings/{}", s.id)>{t!(i18n, sittings.back_to_sitting)}</A>
                <span class="live-status" role="status">
                    {move || if connected.get() { td_string!(locale, sittings.live_on) } else { td_string!(locale, sittings.live_off) }}
                </span>
            </p>
            <h1>{match current {
                Some(a) => a.title,
                None => td_string!(locale, sittings.no_current_item).to_owned(),
            }}</h1>
            <crate::voting::pages::ScreenVotes sitting=s.id members refresh />
            <div class="screen-floor">
                {match s.speaker.clone() {
                    Some(t) => view! {
                        <p class="speaker">{t!(i18n, sittings.has_the_floor)}" "<strong>{t.person.name.clone()}</strong>" "
                            <Timer started_at=t.started_at.unwrap_or(now) server_now=now /></p>
                    }.into_any(),
                    None => view! { <p>{t!(i18n, sittings.nobody_speaks)}</p> }.into_any(),
                }}
                {(!s.queue.is_empty()).then(|| view! {
                    <h2>{t!(i18n, sittings.queue)}</h2>
                    <ol class="queue">{s.queue.iter().map(|t| view! { <li>{t.person.name.clone()}</li> }).collect_view()}</ol>
                })}
            </div>
            <CurrentDiscussion s=s.clone() />
        </div>
    }
}
