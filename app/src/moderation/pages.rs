//! The report and moderation forms placed beside content, and the facilitators' queue page
//! (bulk actions, suspensions, the moderation log).
use super::api::{LiftSuspension, Moderate, ReportContent, SuspendMember};
use super::*;
use crate::forms::label;
use crate::forms::{refresh_on_success, use_feedback, use_scoped_feedback, Field, FormError, Notice};
use crate::i18n::*;
use crate::i18n_texts::{format_date, format_datetime};
use crate::ids::UserId;
use crate::layout::Loaded;
use crate::moderation::texts::{moderation_text, reason_name};
use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::components::A;

/// A reason picker (`<select name="reason">`) with its label and error.
#[component]
fn ReasonSelect(
    id: String,
    feedback: Signal<Option<crate::forms::Feedback>>,
    #[prop(optional)] with_blank: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let typed = feedback.with_untracked(|f| f.as_ref().and_then(|f| f.value("reason")));
    let error = Signal::derive(move || feedback.with(|f| f.as_ref().and_then(|f| f.error.field_code("reason"))));
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{t!(i18n, moderation.reason)}</label>
            <select id=id name="reason" aria-describedby=error_id.clone() aria-invalid=move || error.get().is_some().then_some("true")>
                {with_blank.then(|| view! { <option value="">{t!(i18n, moderation.choose_reason)}</option> })}
                {Reason::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str() selected=typed.as_deref() == Some(r.as_str())>{reason_name(locale, r)}</option>
                }).collect_view()}
            </select>
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().map(|code| crate::i18n_texts::error_text(i18n.get_locale(), code))}
            </p>
        </div>
    }
}

#[component]
pub fn ReportForm(target: Target) -> impl IntoView {
    let i18n = use_i18n();
    let report = ServerAction::<ReportContent>::new();
    let feedback = use_scoped_feedback(report, Some(("target", target.key())));
    // No page refresh after a report: the confirmation stays where the person looks. The
    // content, if now hidden, shows so on the next load.
    let done = Signal::derive(move || report.value().with(|v| matches!(v, Some(Ok(_)))));
    let open = feedback.with_untracked(|f| f.is_some());
    let key = target.key();
    view! {
        <details open=open class="report">
            <summary>{t!(i18n, moderation.report)}</summary>
            <ActionForm action=report attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="target" value=key.clone() />
                <ReasonSelect id=format!("report-reason-{key}") feedback />
                <Field name="details" feedback required=false maxlength=DETAILS_MAX value=String::new() scope=key.clone()
                    label=label(move || t!(i18n, moderation.details).into_any())
                    hint=label(move || t!(i18n, moderation.details_hint).into_any()) />
                <button type="submit" class="button button-secondary">{t!(i18n, moderation.send_report)}</button>
            </ActionForm>
            <Notice show=done>{t!(i18n, moderation.report_sent)}</Notice>
        </details>
    }
}

/// Hide (with a public reason) or restore one item, from where it appears.
#[component]
pub fn ModerateForm(assembly: i64, target: Target, hidden: bool, refresh: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let moderate = ServerAction::<Moderate>::new();
    refresh_on_success(moderate, refresh);
    let key = target.key();
    let feedback = use_scoped_feedback(moderate, Some(("items", key.clone())));
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <details open=open class="moderate">
            <summary>{if hidden { t_string!(i18n, moderation.restore) } else { t_string!(i18n, moderation.hide) }}</summary>
            <ActionForm action=moderate attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="assembly_id" value=assembly />
                <input type="hidden" name="items[0]" value=key.clone() />
                {if hidden {
                    view! {
                        <input type="hidden" name="action" value="restore" />
                        <button type="submit" class="button">{t!(i18n, moderation.restore)}</button>
                    }.into_any()
                } else {
                    view! {
                        <input type="hidden" name="action" value="hide" />
                        <ReasonSelect id=format!("hide-reason-{key}") feedback />
                        <Field name="note" feedback required=false maxlength=DETAILS_MAX value=String::new() scope=key.clone()
                            label=label(move || t!(i18n, moderation.note).into_any())
                            hint=label(move || t!(i18n, moderation.note_hint).into_any()) />
                        <button type="submit" class="button button-danger">{t!(i18n, moderation.hide)}</button>
                    }.into_any()
                }}
            </ActionForm>
        </details>
    }
}

#[component]
pub fn ModerationPage() -> impl IntoView {
    let assembly = crate::forms::route_param::<crate::ids::AssemblyId>("id");
    let refresh = RwSignal::new(0u64);
    let moderate = ServerAction::<Moderate>::new();
    let suspend = ServerAction::<SuspendMember>::new();
    let lift = ServerAction::<LiftSuspension>::new();
    refresh_on_success(moderate, refresh);
    refresh_on_success(suspend, refresh);
    refresh_on_success(lift, refresh);
    let queue = Resource::new(move || (assembly.get(), refresh.get()), |(a, _)| super::api::moderation_queue(a));
    view! {
        <Loaded data=queue render=move |q| view! { <QueueView q assembly=assembly.get_untracked() moderate suspend lift /> } />
    }
}

#[component]
fn QueueView(
    q: Queue,
    assembly: crate::ids::AssemblyId,
    moderate: ServerAction<Moderate>,
    suspend: ServerAction<SuspendMember>,
    lift: ServerAction<LiftSuspension>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Queue { assembly_name, threshold, items, suspensions, log, members } = q;
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), moderation.queue_title).to_string() />
        <p><A href=format!("/assemblies/{assembly}")>{assembly_name}</A></p>
        <h1>{t!(i18n, moderation.queue_title)}</h1>
        <ReportedSection items assembly moderate />
        <SuspensionsSection suspensions members assembly suspend lift />
        <ThresholdSection threshold assembly />
        <LogSection log />
    }
}

/// Reported content, and the bulk form to hide, restore or dismiss it.
#[component]
fn ReportedSection(
    items: Vec<QueueItem>,
    assembly: crate::ids::AssemblyId,
    moderate: ServerAction<Moderate>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(moderate);
    let count = items.len();
    let empty = items.is_empty();
    view! {
        <section aria-labelledby="queue-heading">
            <h2 id="queue-heading">{t!(i18n, moderation.reported, count = move || count)}</h2>
            {empty.then(|| view! { <p>{t!(i18n, moderation.queue_empty)}</p> })}
            {(!empty).then(|| view! {
                <ActionForm action=moderate attr:novalidate=true attr:class="queue-form">
                    <FormError feedback />
                    <input type="hidden" name="assembly_id" value=assembly />
                    <ul class="card-list queue">
                        {items.into_iter().enumerate().map(|(i, item)| view! { <QueueCard i item /> }).collect_view()}
                    </ul>
                    <fieldset class="bulk">
                        <legend>{t!(i18n, moderation.bulk)}</legend>
                        <div class="field">
                            <label for="bulk-action">{t!(i18n, moderation.action)}</label>
                            <select id="bulk-action" name="action">
                                <option value="hide">{t!(i18n, moderation.hide)}</option>
                                <option value="restore">{t!(i18n, moderation.restore)}</option>
                                <option value="dismiss">{t!(i18n, moderation.dismiss)}</option>
                            </select>
                        </div>
                        <ReasonSelect id="bulk-reason".to_owned() feedback with_blank=true />
                        <Field name="note" feedback required=false maxlength=DETAILS_MAX value=String::new()
                            label=label(move || t!(i18n, moderation.note).into_any())
                            hint=label(move || t!(i18n, moderation.note_hint).into_any()) />
                        <button type="submit" class="button">{t!(i18n, moderation.apply)}</button>
                    </fieldset>
                </ActionForm>
            })}
        </section>
    }
}

/// One reported item: what, by whom, why (reasons and notes, never who reported).
#[component]
fn QueueCard(i: usize, item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let key = item.target.key();
    let box_id = format!("select-{key}");
    let state = moderation_text(locale, &item.moderation);
    let kind = match item.target {
        Target::Objective(_) => td_string!(locale, moderation.kind_objective),
        Target::Comment(_) => td_string!(locale, moderation.kind_comment),
    };
    let reasons =
        item.reasons.iter().map(|(r, n)| format!("{} × {}", reason_name(locale, *r), n)).collect::<Vec<_>>().join(", ");
    view! {
        <li class="card">
            <p class="queue-select">
                <input type="checkbox" id=box_id.clone() name=format!("items[{i}]") value=key.clone() />
                <label for=box_id>{kind}" · "{item.author.clone()}</label>
            </p>
            <p><A href=format!("/objectives/{}", item.objective_id)>{item.objective_title.clone()}</A></p>
            <blockquote class="excerpt">{item.excerpt.clone()}</blockquote>
            {state.map(|s| view! { <p class="moderation-notice">{s}</p> })}
            <p class="muted">{reasons}{item.first_reported_at.map(|at| format!(" · {}", format_datetime(at)))}</p>
            {(!item.details.is_empty()).then(|| view! {
                <ul class="report-details">{item.details.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
            })}
        </li>
    }
}

/// Current suspensions (each can be lifted) and the form to suspend a member.
#[component]
fn SuspensionsSection(
    suspensions: Vec<Suspension>,
    members: Vec<(UserId, String)>,
    assembly: crate::ids::AssemblyId,
    suspend: ServerAction<SuspendMember>,
    lift: ServerAction<LiftSuspension>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(suspend);
    // Nobody suspends themselves (the server refuses it too).
    let me = crate::layout::use_current_user().with_untracked(|u| u.as_ref().map(|u| u.id));
    let members: Vec<(UserId, String)> = members.into_iter().filter(|(id, _)| Some(*id) != me).collect();
    let none = suspensions.is_empty();
    view! {
        <section class="panel" aria-labelledby="suspend-heading">
            <h2 id="suspend-heading">{t!(i18n, moderation.suspensions)}</h2>
            {none.then(|| view! { <p>{t!(i18n, moderation.no_suspension)}</p> })}
            <ul>
                {suspensions.into_iter().map(|s| view! {
                    <li>
                        {s.user.clone()}" · "{t!(i18n, moderation.until, date = { let u = s.until; move || format_date(u) })}" · "{s.reason.clone()}
                        <ActionForm action=lift attr:class="inline-form">
                            <input type="hidden" name="suspension_id" value=s.id />
                            <button type="submit" class="link-button">{t!(i18n, moderation.lift)}</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            {(!members.is_empty()).then(|| view! {
                <ActionForm action=suspend attr:novalidate=true>
                    <FormError feedback />
                    <input type="hidden" name="assembly_id" value=assembly />
                    <div class="field">
                        <label for="suspend-user">{t!(i18n, moderation.member)}</label>
                        <select id="suspend-user" name="user_id">
                            {members.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <Field name="days" kind="number" feedback value="7".to_owned()
                        label=label(move || t!(i18n, moderation.days, max = move || SUSPENSION_MAX_DAYS).into_any()) />
                    <Field name="reason" feedback maxlength=DETAILS_MAX value=String::new()
                        label=label(move || t!(i18n, moderation.suspension_reason).into_any()) />
                    <button type="submit" class="button button-danger">{t!(i18n, moderation.suspend)}</button>
                </ActionForm>
            })}
        </section>
    }
}

/// The support threshold an objective needs to be ready for the agenda.
#[component]
fn ThresholdSection(threshold: i64, assembly: crate::ids::AssemblyId) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<crate::objectives::api::SetSupportThreshold>::new();
    let feedback = use_feedback(action);
    view! {
        <section class="panel" aria-labelledby="threshold-heading">
            <h2 id="threshold-heading">{t!(i18n, moderation.threshold_title)}</h2>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="assembly_id" value=assembly />
                <Field name="threshold" kind="number" feedback value=threshold.to_string()
                    label=label(move || t!(i18n, moderation.threshold_label).into_any()) />
                <button type="submit" class="button">{t!(i18n, moderation.save)}</button>
            </ActionForm>
        </section>
    }
}

/// The moderation log, in words.
#[component]
fn LogSection(log: Vec<LogEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let empty = log.is_empty();
    view! {
        <section aria-labelledby="log-heading">
            <h2 id="log-heading">{t!(i18n, moderation.log)}</h2>
            {empty.then(|| view! { <p>{t!(i18n, moderation.log_empty)}</p> })}
            <ul class="log">
                {log.into_iter().map(|e| view! {
                    <li>
                        {format_datetime(e.created_at)}" · "{e.actor.clone().unwrap_or_else(|| td_string!(locale, moderation.automatic).to_owned())}
                        " · "{log_action(locale, &e.action)}" · "{log_target(locale, &e.target_type)}{e.target_id.map(|i| format!(" {}{i}", td_string!(locale, moderation.number_prefix)))}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn log_action(locale: Locale, action: &str) -> String {
    let text = match action {
        "moderation.auto_hide" => td_string!(locale, moderation.log_auto_hide),
        "moderation.hide" => td_string!(locale, moderation.log_hide),
        "moderation.restore" => td_string!(locale, moderation.log_restore),
        "moderation.dismiss" => td_string!(locale, moderation.log_dismiss),
        "moderation.lock" => td_string!(locale, moderation.log_lock),
        "moderation.unlock" => td_string!(locale, moderation.log_unlock),
        "moderation.suspend" => td_string!(locale, moderation.log_suspend),
        "moderation.lift_suspension" => td_string!(locale, moderation.log_lift),
        other => return other.to_owned(),
    };
    text.to_owned()
}

fn log_target(locale: Locale, kind: &str) -> &'static str {
    match kind {
        "objective" => td_string!(locale, moderation.kind_objective),
        "comment" => td_string!(locale, moderation.kind_comment),
        _ => td_string!(locale, moderation.member),
    }
}
