//! Outcome pages: an assembly's public outcomes ("what we decided and where we stand"),
//! a commitment with its traceability, milestones, indicator charts and update timeline
//! (and the staff's forms), and a member's notifications. Print styles in `main.css`.
use super::api::*;
use super::chart::IndicatorChart;
use super::*;
use crate::forms::Feedback;
use crate::forms::{label, refresh_on_success, route_param, use_feedback, Field, FormError};
use crate::i18n::*;
use crate::i18n_texts::format_datetime;
use crate::layout::Loaded;
use crate::objectives::texts::channel_name;
use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub fn shown_name(locale: Locale, s: Shown) -> &'static str {
    match s {
        Shown::Planned => td_string!(locale, commitments.planned),
        Shown::InProgress => td_string!(locale, commitments.in_progress),
        Shown::Done => td_string!(locale, commitments.done),
        Shown::Late => td_string!(locale, commitments.late),
        Shown::Abandoned => td_string!(locale, commitments.abandoned),
    }
}

#[component]
fn ShownBadge(shown: Shown) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    view! { <span class=format!("badge commitment-{}", shown.as_str())>{shown_name(locale, shown)}</span> }
}

/// A progress bar with its figure in words ("3 étapes sur 5", or the declared share and why).
#[component]
fn ProgressBar(progress: Progress, id: String) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let percent = progress.percent();
    let text = match &progress {
        Progress::None => td_string!(locale, commitments.no_progress).to_owned(),
        Progress::Milestones { done, total, percent } => {
            td_string!(locale, commitments.progress_milestones, done = *done, total = *total, percent = *percent)
                .to_string()
        }
        Progress::Declared { percent, reason } => {
            td_string!(locale, commitments.progress_declared, percent = *percent, reason = reason.clone()).to_string()
        }
    };
    let label_id = format!("progress-{id}");
    view! {
        <div class="progress">
            <progress max="100" value=percent aria-labelledby=label_id.clone()>{format!("{percent} %")}</progress>
            <p id=label_id class="progress-text">{text}</p>
        </div>
    }
}

#[component]
pub fn OutcomesPage() -> impl IntoView {
    let assembly = route_param::<crate::ids::AssemblyId>("id");
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        (q.get("channel").filter(|c| !c.is_empty()), q.get("status").filter(|c| !c.is_empty()))
    });
    let create = ServerAction::<CreateCommitment>::new();
    let data = Resource::new(move || (assembly.get(), filters.get()), |(a, (c, s))| get_outcomes(a, c, s));
    view! {
        <Loaded data render=move |o| view! { <OutcomesView o filters=filters.get_untracked() create /> } />
    }
}

/// The outcomes of an assembly: counts, feed, filters, the commitments, and (staff) the
/// form that publishes a new one.
#[component]
fn OutcomesView(
    o: Outcomes,
    filters: (Option<String>, Option<String>),
    create: ServerAction<CreateCommitment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let a = o.assembly_id.0;
    let (channel, status) = filters;
    view! {
        <Title text=format!("{} · {}", td_string!(locale, commitments.outcomes_title), o.assembly_name) />
        <Link rel="alternate" type_="application/atom+xml" href=format!("/assemblies/{a}/feed.atom") title=td_string!(locale, commitments.feed) />
        <p class="breadcrumb"><A href=format!("/assemblies/{a}")>{o.assembly_name.clone()}</A></p>
        <h1>{t!(i18n, commitments.outcomes_title)}</h1>
        <OutcomeCounts c=o.counts.clone() />
        <p class="action-row">
            <a href=format!("/assemblies/{a}/feed.atom") rel="external" type="application/atom+xml">{t!(i18n, commitments.feed)}</a>
            " · "<A href="/open-data">{t!(i18n, commitments.open_data)}</A>
        </p>
        <OutcomeFilters channel status />
        {if o.items.is_empty() {
            view! { <p>{t!(i18n, commitments.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="card-list outcomes">
                    {o.items.into_iter().map(|item| view! { <OutcomeCard item /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(o.can_publish && !o.adopted.is_empty()).then(|| view! { <CreateForm adopted=o.adopted.clone() create /> })}
    }
}

/// How many commitments stand where, for the whole assembly.
#[component]
fn OutcomeCounts(c: Counts) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <ul class="outcome-counts" aria-label=td_string!(locale, commitments.summary)>
            <li><strong>{c.total}</strong>" "{t!(i18n, commitments.count_total)}</li>
            <li class="commitment-done"><strong>{c.done}</strong>" "{shown_name(locale, Shown::Done)}</li>
            <li class="commitment-in_progress"><strong>{c.in_progress}</strong>" "{shown_name(locale, Shown::InProgress)}</li>
            <li class="commitment-planned"><strong>{c.planned}</strong>" "{shown_name(locale, Shown::Planned)}</li>
            <li class="commitment-late"><strong>{c.late}</strong>" "{shown_name(locale, Shown::Late)}</li>
            <li class="commitment-abandoned"><strong>{c.abandoned}</strong>" "{shown_name(locale, Shown::Abandoned)}</li>
        </ul>
    }
}

/// Filters by channel and status: a plain GET form, so the filtered list has its own URL.
#[component]
fn OutcomeFilters(channel: Option<String>, status: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <Form method="GET" action="" attr:class="filters">
            <div class="field">
                <label for="outcome-channel">{t!(i18n, commitments.channel)}</label>
                <select id="outcome-channel" name="channel">
                    <option value="">{t!(i18n, commitments.all)}</option>
                    {Channel::ALL.into_iter().map(|ch| view! {
                        <option value=ch.as_str() selected=channel.as_deref() == Some(ch.as_str())>{channel_name(locale, ch)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="outcome-status">{t!(i18n, commitments.status)}</label>
                <select id="outcome-status" name="status">
                    <option value="">{t!(i18n, commitments.all)}</option>
                    {Shown::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=status.as_deref() == Some(s.as_str())>{shown_name(locale, s)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button-secondary">{t!(i18n, commitments.filter)}</button>
        </Form>
    }
}

#[component]
fn OutcomeCard(item: CommitmentSummary) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = item.id.0;
    view! {
        <li class="card">
            <h2 class="card-title"><A href=format!("/commitments/{id}")>{item.title.clone()}</A>" "<ShownBadge shown=item.shown /></h2>
            <p class="meta">{channel_name(locale, item.channel)}" · "{item.service.clone()}" · "
                {t!(i18n, commitments.target_on, date = format_date_fr(&item.target_date))}</p>
            <ProgressBar progress=item.progress.clone() id=id.to_string() />
            {item.latest_update.clone().map(|u| view! {
                <div class="latest-update">
                    <p class="meta">{t!(i18n, commitments.latest_update, date = format_datetime(u.created_at))}</p>
                    <div class="prose" inner_html=u.html></div>
                </div>
            })}
        </li>
    }
}

#[component]
fn CreateForm(
    adopted: Vec<(crate::ids::ObjectiveId, String)>,
    create: ServerAction<CreateCommitment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(create);
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <section aria-labelledby="create-heading">
            <details open=open>
                <summary><h2 id="create-heading" class="summary-heading">{t!(i18n, commitments.create)}</h2></summary>
                <ActionForm action=create attr:novalidate=true>
                    <FormError feedback />
                    <div class="field">
                        <label for="create-objective">{t!(i18n, commitments.adopted_objective)}</label>
                        <select id="create-objective" name="objective_id">
                            {adopted.into_iter().map(|(id, title)| view! { <option value=id>{title}</option> }).collect_view()}
                        </select>
                    </div>
                    <Field name="service" feedback maxlength=SERVICE_MAX label=label(move || t!(i18n, commitments.service).into_any())
                        hint=label(move || t!(i18n, commitments.service_hint).into_any()) />
                    <Field name="contact_role" feedback maxlength=SERVICE_MAX label=label(move || t!(i18n, commitments.contact_role).into_any())
                        hint=label(move || t!(i18n, commitments.contact_role_hint).into_any()) />
                    <Field name="target_date" kind="date" feedback label=label(move || t!(i18n, commitments.target_date).into_any()) />
                    <Field name="summary" feedback multiline=true maxlength=SUMMARY_MAX label=label(move || t!(i18n, commitments.summary_field).into_any())
                        hint=label(move || t!(i18n, commitments.summary_hint).into_any()) />
                    <button type="submit" class="button">{t!(i18n, commitments.create_submit)}</button>
                </ActionForm>
            </details>
        </section>
    }
}

/// The staff's actions on a commitment page; any success reloads the page's data.
#[derive(Clone, Copy)]
struct StaffActions {
    status: ServerAction<ChangeCommitment>,
    date: ServerAction<ChangeCommitment>,
    progress: ServerAction<ChangeCommitment>,
    milestone: ServerAction<AddMilestone>,
    set_milestone: ServerAction<SetMilestone>,
    indicator: ServerAction<AddIndicator>,
    measurement: ServerAction<AddMeasurement>,
    update: ServerAction<PostUpdate>,
    edit: ServerAction<EditCommitment>,
}

#[component]
pub fn CommitmentPage() -> impl IntoView {
    let id = route_param::<crate::ids::CommitmentId>("id");
    let refresh = RwSignal::new(0u64);
    let actions = StaffActions {
        status: ServerAction::new(),
        date: ServerAction::new(),
        progress: ServerAction::new(),
        milestone: ServerAction::new(),
        set_milestone: ServerAction::new(),
        indicator: ServerAction::new(),
        measurement: ServerAction::new(),
        update: ServerAction::new(),
        edit: ServerAction::new(),
    };
    refresh_on_success(actions.status, refresh);
    refresh_on_success(actions.date, refresh);
    refresh_on_success(actions.progress, refresh);
    refresh_on_success(actions.milestone, refresh);
    refresh_on_success(actions.set_milestone, refresh);
    refresh_on_success(actions.indicator, refresh);
    refresh_on_success(actions.measurement, refresh);
    refresh_on_success(actions.update, refresh);
    refresh_on_success(actions.edit, refresh);
    let data = Resource::new(move || (id.get(), refresh.get()), |(id, _)| get_commitment(id));
    view! {
        <Loaded data=data render=move |c| view! { <CommitmentView c actions /> } />
    }
}

#[component]
fn CommitmentView(c: Commitment, actions: StaffActions) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = c.id.0;
    let a = c.assembly_id.0;
    let objective = c.objective_id;
    let (title, assembly_name, target, late, reason, service, contact, summary, progress, sitting) = (
        c.title.clone(),
        c.assembly_name.clone(),
        c.target_date.clone(),
        c.late_since.clone(),
        c.status_reason.clone(),
        c.service.clone(),
        c.contact_role.clone(),
        c.summary_html.clone(),
        c.progress.clone(),
        c.sitting.clone(),
    );
    let abandoned = c.status == Status::Abandoned && !reason.is_empty();
    let (shown, channel, comments, round, can_edit) = (c.shown, c.channel, c.comments, c.round_id, c.can_edit);
    view! {
        <Title text=title.clone() />
        <Link rel="alternate" type_="application/atom+xml" href=format!("/commitments/{id}/feed.atom") title=td_string!(locale, commitments.feed) />
        <p class="breadcrumb">
            <A href=format!("/assemblies/{a}")>{assembly_name}</A>" › "
            <A href=format!("/assemblies/{a}/outcomes")>{t!(i18n, commitments.outcomes_title)}</A>
        </p>
        <h1>{title}" "<ShownBadge shown /></h1>
        <p class="meta">{channel_name(locale, channel)}" · "{t!(i18n, commitments.target_on, date = format_date_fr(&target))}
            {late.map(|d| view! { " · "<strong>{t!(i18n, commitments.late_since, date = format_date_fr(&d))}</strong> })}</p>
        {abandoned.then(|| view! {
            <p class="moderation-notice" role="note">{t!(i18n, commitments.abandoned_because)}" "{reason}</p>
        })}
        <dl class="facts">
            <dt>{t!(i18n, commitments.service)}</dt><dd>{service}</dd>
            <dt>{t!(i18n, commitments.contact_role)}</dt><dd>{contact}</dd>
        </dl>
        <div class="prose" inner_html=summary></div>
        <ProgressBar progress id=id.to_string() />
        <p><a href=format!("/commitments/{id}/feed.atom") rel="external" type="application/atom+xml">{t!(i18n, commitments.feed_one)}</a></p>
        <section aria-labelledby="trace-heading">
            <h2 id="trace-heading">{t!(i18n, commitments.trace)}</h2>
            <ol class="trace">
                <li><A href=format!("/objectives/{objective}")>{t!(i18n, commitments.trace_proposal)}</A></li>
                <li><A href=format!("/objectives/{objective}#discussion-heading")>{t!(i18n, commitments.trace_debate, count = comments)}</A></li>
                {round.map(|r| view! { <li><A href=format!("/rounds/{r}")>{t!(i18n, commitments.trace_vote)}</A>
                    {sitting.map(|(s, title)| view! { " ("<A href=format!("/sittings/{s}")>{title}</A>")" })}</li> })}
                <li>{t!(i18n, commitments.trace_commitment)}</li>
            </ol>
        </section>
        <Milestones c=c.clone() actions />
        <Indicators c=c.clone() actions />
        <Updates c=c.clone() actions />
        <History c=c.clone() />
        {can_edit.then(|| view! { <StaffForms c actions /> })}
    }
}

#[component]
fn Milestones(c: Commitment, actions: StaffActions) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(actions.milestone);
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <section aria-labelledby="milestones-heading">
            <h2 id="milestones-heading">{t!(i18n, commitments.milestones)}</h2>
            {if c.milestones.is_empty() {
                view! { <p>{t!(i18n, commitments.no_milestone)}</p> }.into_any()
            } else {
                view! {
                    <ol class="milestones">
                        {c.milestones.clone().into_iter().map(|m| {
                            let done = m.done_on.is_some();
                            view! {
                                <li class:done=done>
                                    <span class="milestone-mark" aria-hidden="true">{if done { "✓" } else { "○" }}</span>" "
                                    {m.title.clone()}" — "
                                    {match m.done_on.clone() {
                                        Some(d) => view! { <span>{t!(i18n, commitments.done_on, date = format_date_fr(&d))}</span> }.into_any(),
                                        None => view! { <span>{t!(i18n, commitments.due_on, date = format_date_fr(&m.due_date))}</span> }.into_any(),
                                    }}
                                    {c.can_edit.then(|| view! {
                                        <ActionForm action=actions.set_milestone attr:class="inline-form">
                                            <input type="hidden" name="milestone_id" value=m.id />
                                            <input type="hidden" name="done" value=if done { "false" } else { "true" } />
                                            <button type="submit" class="button button-small button-secondary">
                                                {if done { t!(i18n, commitments.mark_not_done).into_any() } else { t!(i18n, commitments.mark_done).into_any() }}
                                                <span class="visually-hidden">" : "{m.title.clone()}</span>
                                            </button>
                                        </ActionForm>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {c.can_edit.then(|| view! {
                <details open=open>
                    <summary>{t!(i18n, commitments.add_milestone)}</summary>
                    <ActionForm action=actions.milestone attr:novalidate=true>
                        <FormError feedback />
                        <input type="hidden" name="commitment_id" value=c.id.0 />
                        <Field name="title" feedback maxlength=TITLE_MAX scope="milestone" label=label(move || t!(i18n, commitments.milestone_title).into_any()) />
                        <Field name="due_date" kind="date" feedback scope="milestone" label=label(move || t!(i18n, commitments.due_date).into_any()) />
                        <button type="submit" class="button button-secondary">{t!(i18n, commitments.add)}</button>
                    </ActionForm>
                </details>
            })}
        </section>
    }
}

#[component]
fn Indicators(c: Commitment, actions: StaffActions) -> impl IntoView {
    let i18n = use_i18n();
    let measure_feedback = crate::forms::use_scoped_feedback(actions.measurement, None);
    view! {
        <section aria-labelledby="indicators-heading">
            <h2 id="indicators-heading">{t!(i18n, commitments.indicators)}</h2>
            {c.indicators.is_empty().then(|| view! { <p>{t!(i18n, commitments.no_indicator)}</p> })}
            {c.indicators.clone().into_iter().map(|ind| view! {
                <IndicatorCard ind can_edit=c.can_edit measurement=actions.measurement measure_feedback />
            }).collect_view()}
        </section>
    }
}

/// A value with its unit ("42 %").
fn with_unit(v: f64, unit: &str) -> String {
    format!("{} {}", format_value(v), unit)
}

/// Where an indicator stands against its target, and which way it last moved.
fn trend_text(locale: Locale, t: Trend) -> String {
    let mv = match t.last_move {
        Move::Better => td_string!(locale, commitments.move_better),
        Move::Worse => td_string!(locale, commitments.move_worse),
        Move::Same => td_string!(locale, commitments.move_same),
        Move::Unknown => "",
    };
    if t.reached {
        format!("{} {mv}", td_string!(locale, commitments.target_reached))
    } else {
        format!("{} {mv}", td_string!(locale, commitments.covered, percent = t.covered))
    }
}

/// One indicator: baseline and target, trend, chart, its measurements as a table, and (staff)
/// the form that adds a measurement.
#[component]
fn IndicatorCard(
    ind: Indicator,
    can_edit: bool,
    measurement: ServerAction<AddMeasurement>,
    measure_feedback: Signal<Option<Feedback>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let better = match ind.direction {
        Direction::Higher => td_string!(locale, commitments.higher_better),
        Direction::Lower => td_string!(locale, commitments.lower_better),
    };
    let unit = ind.unit.clone();
    let fmt = move |v: f64| with_unit(v, &unit);
    let chart_title = td_string!(
        locale,
        commitments.chart_title,
        name = ind.name.clone(),
        baseline = fmt(ind.baseline),
        target = fmt(ind.target)
    )
    .to_string();
    let target_label = td_string!(locale, commitments.target_line, value = fmt(ind.target)).to_string();
    let baseline_label = td_string!(locale, commitments.baseline_line, value = fmt(ind.baseline)).to_string();
    let trend_text = ind.trend.map(|t| trend_text(locale, t));
    let iid = ind.id;
    // The indicators share one action: only the form that was sent opens with its messages.
    let mine =
        measure_feedback.with_untracked(|f| f.as_ref().and_then(|f| f.value("indicator_id")) == Some(iid.to_string()));
    let fb = Signal::derive(move || if mine { measure_feedback.get() } else { None });
    view! {
        <article class="indicator" aria-labelledby=format!("indicator-{iid}")>
            <h3 id=format!("indicator-{iid}")>{ind.name.clone()}</h3>
            <p class="meta">{t!(i18n, commitments.baseline_target, baseline = fmt(ind.baseline), target = fmt(ind.target))}" · "{better}</p>
            {trend_text.map(|t| view! { <p class="trend">{t}</p> })}
            {(!ind.measurements.is_empty()).then(|| view! {
                <IndicatorChart indicator=ind.clone() title=chart_title.clone() target_label baseline_label />
            })}
            <MeasurementTable ind=ind.clone() />
            {can_edit.then(|| view! { <MeasurementForm iid name=ind.name.clone() measurement fb open=mine /> })}
        </article>
    }
}

/// An indicator's measurements, newest first: the chart's text equivalent.
#[component]
fn MeasurementTable(ind: Indicator) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="data">
                <caption>{t!(i18n, commitments.measurements_of, name = ind.name.clone())}</caption>
                <thead><tr><th scope="col">{t!(i18n, commitments.date)}</th><th scope="col">{t!(i18n, commitments.value)}</th><th scope="col">{t!(i18n, commitments.source)}</th></tr></thead>
                <tbody>
                    {ind.measurements.iter().rev().map(|m| view! {
                        <tr><th scope="row">{format_date_fr(&m.measured_on)}</th><td>{with_unit(m.value, &ind.unit)}</td><td>{m.source.clone()}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn MeasurementForm(
    iid: IndicatorId,
    name: String,
    measurement: ServerAction<AddMeasurement>,
    fb: Signal<Option<Feedback>>,
    open: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let scope = format!("indicator{iid}");
    view! {
        <details open=open>
            <summary>{t!(i18n, commitments.add_measurement)}<span class="visually-hidden">" : "{name}</span></summary>
            <ActionForm action=measurement attr:novalidate=true>
                <FormError feedback=fb />
                <input type="hidden" name="indicator_id" value=iid />
                <Field name="measured_on" kind="date" feedback=fb scope=scope.clone() label=label(move || t!(i18n, commitments.date).into_any()) />
                <Field name="value" feedback=fb scope=scope.clone() label=label(move || t!(i18n, commitments.value).into_any())
                    hint=label(move || t!(i18n, commitments.value_hint).into_any()) />
                <Field name="source" feedback=fb scope=scope.clone() maxlength=SOURCE_MAX label=label(move || t!(i18n, commitments.source).into_any())
                    hint=label(move || t!(i18n, commitments.source_hint).into_any()) />
                <button type="submit" class="button button-secondary">{t!(i18n, commitments.add)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn Updates(c: Commitment, actions: StaffActions) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(actions.update);
    view! {
        <section aria-labelledby="updates-heading">
            <h2 id="updates-heading">{t!(i18n, commitments.updates)}</h2>
            {c.can_edit.then(|| view! {
                <ActionForm action=actions.update attr:novalidate=true>
                    <FormError feedback />
                    <input type="hidden" name="commitment_id" value=c.id.0 />
                    <Field name="body" feedback multiline=true maxlength=UPDATE_MAX scope="update" label=label(move || t!(i18n, commitments.new_update).into_any())
                        hint=label(move || t!(i18n, commitments.update_hint).into_any()) />
                    <button type="submit" class="button">{t!(i18n, commitments.publish_update)}</button>
                </ActionForm>
            })}
            {if c.updates.is_empty() {
                view! { <p>{t!(i18n, commitments.no_update)}</p> }.into_any()
            } else {
                view! {
                    <ol class="timeline">
                        {c.updates.iter().map(|u| view! {
                            <li>
                                <p class="meta"><time>{format_datetime(u.created_at)}</time>" · "{u.author.clone()}</p>
                                <div class="prose" inner_html=u.html.clone()></div>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn History(c: Commitment) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let describe = move |ch: &Change| -> String {
        let status = |s: &str| Status::parse(s).map(|s| shown_name(locale, Shown::from(s))).unwrap_or("—");
        match ch.kind.as_str() {
            "created" => td_string!(locale, commitments.history_created).to_owned(),
            "status" => {
                td_string!(locale, commitments.history_status, from = status(&ch.old_value), to = status(&ch.new_value))
                    .to_string()
            }
            "target_date" => td_string!(
                locale,
                commitments.history_date,
                from = format_date_fr(&ch.old_value),
                to = format_date_fr(&ch.new_value)
            )
            .to_string(),
            _ if ch.new_value.is_empty() => td_string!(locale, commitments.history_progress_milestones).to_owned(),
            _ => td_string!(locale, commitments.history_progress, percent = ch.new_value.clone()).to_string(),
        }
    };
    // Newest first; the day it became late (derived, not stored) takes its place in time.
    let late = c.late_since.clone().map(|d| {
        let at = crate::sittings::parse_local(&d, "00:00").unwrap_or(0);
        (at, format_date_fr(&d), td_string!(locale, commitments.history_late).to_owned())
    });
    let mut entries: Vec<(i64, String, String)> = c
        .changes
        .iter()
        .map(|ch| {
            let reason = if ch.reason.is_empty() { String::new() } else { format!(" ({})", ch.reason) };
            (ch.created_at, format_datetime(ch.created_at), format!("{}{reason}", describe(ch)))
        })
        .collect();
    entries.extend(late);
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    let entries: Vec<(String, String)> = entries.into_iter().map(|(_, when, what)| (when, what)).collect();
    view! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{t!(i18n, commitments.history)}</h2>
            <ul class="history">
                {entries.into_iter().map(|(when, what)| view! { <li><time>{when}</time>" — "{what}</li> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn StaffForms(c: Commitment, actions: StaffActions) -> impl IntoView {
    let i18n = use_i18n();
    // One action per form, so an error shows under the form that was sent; without
    // JavaScript the `what` field tells which one came back.
    let status_fb = crate::forms::use_scoped_feedback(actions.status, Some(("what", "status".to_owned())));
    let date_fb = crate::forms::use_scoped_feedback(actions.date, Some(("what", "target_date".to_owned())));
    let progress_fb = crate::forms::use_scoped_feedback(actions.progress, Some(("what", "progress".to_owned())));
    let ind_fb = use_feedback(actions.indicator);
    let edit_fb = use_feedback(actions.edit);
    let id = c.id.0;
    view! {
        <section aria-labelledby="staff-heading" class="panel staff">
            <h2 id="staff-heading">{t!(i18n, commitments.staff)}</h2>
            <StatusForm id current=c.status action=actions.status feedback=status_fb />
            <DateForm id target_date=c.target_date.clone() action=actions.date feedback=date_fb />
            <ProgressForm id action=actions.progress feedback=progress_fb />
            <IndicatorForm id action=actions.indicator feedback=ind_fb />
            <EditForm c action=actions.edit feedback=edit_fb />
        </section>
    }
}

/// Whether a staff form starts unfolded: when it came back with something to say.
fn opened(feedback: Signal<Option<Feedback>>) -> bool {
    feedback.with_untracked(|f| f.is_some())
}

#[component]
fn StatusForm(
    id: i64,
    current: Status,
    action: ServerAction<ChangeCommitment>,
    feedback: Signal<Option<Feedback>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <details open=opened(feedback)>
            <summary>{t!(i18n, commitments.change_status)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="commitment_id" value=id />
                <input type="hidden" name="what" value="status" />
                <div class="field">
                    <label for="status-value">{t!(i18n, commitments.status)}</label>
                    <select id="status-value" name="value">
                        {Status::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=s == current>{shown_name(locale, Shown::from(s))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field name="reason" feedback required=false maxlength=REASON_MAX scope="status"
                    label=label(move || t!(i18n, commitments.reason_public).into_any())
                    hint=label(move || t!(i18n, commitments.reason_status_hint).into_any()) />
                <button type="submit" class="button">{t!(i18n, commitments.save)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn DateForm(
    id: i64,
    target_date: String,
    action: ServerAction<ChangeCommitment>,
    feedback: Signal<Option<Feedback>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details open=opened(feedback)>
            <summary>{t!(i18n, commitments.change_date)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="commitment_id" value=id />
                <input type="hidden" name="what" value="target_date" />
                <Field name="value" kind="date" feedback scope="date" value=target_date
                    label=label(move || t!(i18n, commitments.target_date).into_any()) />
                <Field name="reason" feedback maxlength=REASON_MAX scope="date"
                    label=label(move || t!(i18n, commitments.reason_public).into_any()) />
                <button type="submit" class="button">{t!(i18n, commitments.save)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ProgressForm(id: i64, action: ServerAction<ChangeCommitment>, feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details open=opened(feedback)>
            <summary>{t!(i18n, commitments.change_progress)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="commitment_id" value=id />
                <input type="hidden" name="what" value="progress" />
                <Field name="value" feedback required=false scope="progress"
                    label=label(move || t!(i18n, commitments.progress_percent).into_any())
                    hint=label(move || t!(i18n, commitments.progress_hint).into_any()) />
                <Field name="reason" feedback required=false maxlength=REASON_MAX scope="progress"
                    label=label(move || t!(i18n, commitments.reason_public).into_any()) />
                <button type="submit" class="button">{t!(i18n, commitments.save)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn IndicatorForm(id: i64, action: ServerAction<AddIndicator>, feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details open=opened(feedback)>
            <summary>{t!(i18n, commitments.add_indicator)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="commitment_id" value=id />
                <Field name="name" feedback maxlength=TITLE_MAX label=label(move || t!(i18n, commitments.indicator_name).into_any())
                    hint=label(move || t!(i18n, commitments.indicator_name_hint).into_any()) />
                <Field name="unit" feedback maxlength=UNIT_MAX label=label(move || t!(i18n, commitments.unit).into_any())
                    hint=label(move || t!(i18n, commitments.unit_hint).into_any()) />
                <Field name="baseline" feedback label=label(move || t!(i18n, commitments.baseline).into_any()) />
                <Field name="target" feedback label=label(move || t!(i18n, commitments.target).into_any()) />
                <fieldset>
                    <legend>{t!(i18n, commitments.direction)}</legend>
                    <div class="choice"><input type="radio" id="direction-higher" name="direction" value="higher" checked=true />
                        <label for="direction-higher">{t!(i18n, commitments.higher_better)}</label></div>
                    <div class="choice"><input type="radio" id="direction-lower" name="direction" value="lower" />
                        <label for="direction-lower">{t!(i18n, commitments.lower_better)}</label></div>
                </fieldset>
                <button type="submit" class="button button-secondary">{t!(i18n, commitments.add)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn EditForm(c: Commitment, action: ServerAction<EditCommitment>, feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details open=opened(feedback)>
            <summary>{t!(i18n, commitments.edit)}</summary>
            <ActionForm action attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="commitment_id" value=c.id.0 />
                <Field name="service" feedback scope="edit" maxlength=SERVICE_MAX value=c.service.clone() label=label(move || t!(i18n, commitments.service).into_any()) />
                <Field name="contact_role" feedback scope="edit" maxlength=SERVICE_MAX value=c.contact_role.clone() label=label(move || t!(i18n, commitments.contact_role).into_any()) />
                <Field name="summary" feedback scope="edit" multiline=true maxlength=SUMMARY_MAX value=c.summary_md.clone() label=label(move || t!(i18n, commitments.summary_field).into_any()) />
                <button type="submit" class="button button-secondary">{t!(i18n, commitments.save)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let read = ServerAction::<MarkNotificationsRead>::new();
    let refresh = RwSignal::new(0u64);
    refresh_on_success(read, refresh);
    Effect::new(move |_| {
        if read.value().with(|v| matches!(v, Some(Ok(_)))) {
            crate::layout::refresh_current_user();
        }
    });
    let data = Resource::new(move || refresh.get(), |_| list_notifications());
    // On error, the error page brings its own heading ("Connectez-vous…"): one h1 a page.
    view! {
        <Title text=td_string!(locale, nav.notifications) />
        <Loaded data render=move |n| view! { <NotificationsView n read /> } />
    }
}

#[component]
fn NotificationsView(n: Notifications, read: ServerAction<MarkNotificationsRead>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <h1>{t!(i18n, nav.notifications)}</h1>
        <p>{t!(i18n, commitments.unread_count, count = n.unread)}</p>
        {(n.unread > 0).then(|| view! {
            <ActionForm action=read>
                <button type="submit" class="button button-secondary">{t!(i18n, commitments.mark_read)}</button>
            </ActionForm>
        })}
        {if n.items.is_empty() {
            view! { <p>{t!(i18n, commitments.no_notification)}</p> }.into_any()
        } else {
            view! {
                <ul class="notifications">
                    {n.items.into_iter().map(|item| {
                        let what = notification_text(locale, &item);
                        view! {
                        <li class:unread=!item.read>
                            {(!item.read).then(|| view! { <span class="badge live">{t!(i18n, commitments.new_badge)}</span>" " })}
                            <A href=format!("/commitments/{}", item.commitment_id)>{item.title.clone()}</A>" — "{what}
                            <span class="meta">" · "{format_datetime(item.created_at)}</span>
                        </li>
                    }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// What happened to the commitment, in a few words.
fn notification_text(locale: Locale, n: &Notification) -> String {
    match n.kind.as_str() {
        "created" => td_string!(locale, commitments.notif_created).to_owned(),
        "update" => td_string!(locale, commitments.notif_update).to_owned(),
        "target_date" => td_string!(locale, commitments.notif_date, date = format_date_fr(&n.detail)).to_string(),
        _ => {
            let s = Status::parse(&n.detail).map(|s| shown_name(locale, Shown::from(s))).unwrap_or("");
            td_string!(locale, commitments.notif_status, status = s).to_string()
        }
    }
}
