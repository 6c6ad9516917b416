//! Objective pages: the assembly's list (filters, sort, search, pages, all in the URL), the
//! proposal and edit forms (with similar titles and a preview), the objective itself with
//! its supports and discussion, and the history of its versions.
use super::api::*;
use super::*;
use crate::discussion::pages::DiscussionSection;
use crate::forms::{label, route_param as param};
use crate::forms::{refresh_on_success, use_feedback, use_hydrated, Field, FormError};
use crate::i18n::*;
use crate::i18n_texts::{format_date, format_datetime};
use crate::layout::{use_current_user, ErrorPage, Loaded};
use crate::moderation::pages::{ModerateForm, ReportForm};
use crate::moderation::texts::moderation_text;
use crate::moderation::Target;
use crate::objectives::texts::{channel_name, sort_name, status_name};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge status-{}", status.as_str())>{move || status_name(i18n.get_locale(), status)}</span> }
}

/// The list of an assembly's objectives, driven by the URL's query string.
#[component]
pub fn ObjectiveListSection(assembly: Memo<crate::ids::AssemblyId>) -> impl IntoView {
    let i18n = use_i18n();
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.read();
        let pairs: Vec<(&str, Option<String>)> =
            ["channel", "status", "sort", "q", "page"].into_iter().map(|k| (k, map.get(k))).collect();
        ListQuery::from_pairs(|k| pairs.iter().find(|(n, _)| *n == k).and_then(|(_, v)| v.as_deref()))
    });
    // The assembly's own section already says when it does not exist: nothing more here.
    let list = Resource::new(
        move || (assembly.get(), query.get()),
        |(a, q)| async move {
            match list_objectives(a, q).await {
                Err(e) if e.code() == crate::error::ErrorCode::NotFound => Ok(None),
                other => other.map(Some),
            }
        },
    );
    view! {
        <section aria-labelledby="objectives-heading" class="objectives">
            <h2 id="objectives-heading">{t!(i18n, objectives.title)}</h2>
            // First on a phone: what a member came to do. The server checks again.
            <ListActions assembly />
            <ListFilters query />
            <Loaded data=list render={move |list: Option<ObjectiveList>| match list {
                Some(list) => view! { <ListBody list query=query.get_untracked() /> }.into_any(),
                None => ().into_any(),
            }} />
        </section>
    }
}

/// Proposing an objective (members) and the moderation queue (facilitators).
#[component]
fn ListActions(assembly: Memo<crate::ids::AssemblyId>) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    move || {
        let a = assembly.get();
        user.with(|u| u.as_ref().map(|u| (u.takes_part_in(a), u.moderates(a)))).map(|(propose, moderate)| view! {
            <div class="list-actions">
                {propose.then(|| view! {
                    <A href=format!("/assemblies/{a}/objectives/new") attr:class="button">{t!(i18n, objectives.propose)}</A>
                })}
                {moderate.then(|| view! {
                    <A href=format!("/assemblies/{a}/moderation") attr:class="button button-secondary">{t!(i18n, moderation.queue_title)}</A>
                })}
            </div>
        })
    }
}

/// Search, filters and sort: a plain GET form, so every list has its own URL.
#[component]
fn ListFilters(query: Memo<ListQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <Form method="GET" action="" attr:class="filters" attr:role="search">
            <div class="field field-search">
                <label for="search-q">{t!(i18n, objectives.search)}</label>
                <input id="search-q" type="search" name="q" maxlength="200" value=move || query.with(|q| q.q.clone()) />
            </div>
            // Folded (it is long on a phone) unless a filter or a sort is in use.
            <details class="more-filters" open=move || query.with(|q| q.channel.is_some() || q.status.is_some() || q.sort != Sort::Newest)>
                <summary>{t!(i18n, objectives.more_filters)}</summary>
                <div class="filter-fields">
                    <div class="field">
                        <label for="filter-channel">{t!(i18n, objectives.channel)}</label>
                        <select id="filter-channel" name="channel">
                            <option value="">{t!(i18n, objectives.all_channels)}</option>
                            {Channel::ALL.into_iter().map(|c| view! {
                                <option value=c.as_str() selected=move || query.with(|q| q.channel == Some(c))>{channel_name(locale, c)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="filter-status">{t!(i18n, objectives.status)}</label>
                        <select id="filter-status" name="status">
                            <option value="">{t!(i18n, objectives.all_statuses)}</option>
                            {Status::PUBLIC.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=move || query.with(|q| q.status == Some(s))>{status_name(locale, s)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="filter-sort">{t!(i18n, objectives.sort)}</label>
                        <select id="filter-sort" name="sort">
                            {Sort::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected=move || query.with(|q| q.sort == s)>{sort_name(locale, s)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
            </details>
            <button type="submit" class="button">{t!(i18n, objectives.apply)}</button>
        </Form>
    }
}

#[component]
fn ListBody(list: ObjectiveList, query: ListQuery) -> impl IntoView {
    let i18n = use_i18n();
    let (page, pages, total) = (list.page, list.pages, list.total);
    let prev = (page > 1).then(|| format!("?{}", query.to_query(page - 1)));
    let next = (page < pages).then(|| format!("?{}", query.to_query(page + 1)));
    view! {
        {(!list.drafts.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="drafts-heading">
                <h3 id="drafts-heading">{t!(i18n, objectives.my_drafts)}</h3>
                <ul class="card-list">{list.drafts.into_iter().map(|o| view! { <ObjectiveCard o threshold=list.threshold /> }).collect_view()}</ul>
            </section>
        })}
        <p class="muted" role="status">{t!(i18n, objectives.count, count = move || total)}" · "{t!(i18n, objectives.threshold_note, count = { let n = list.threshold; move || n })}</p>
        {list.items.is_empty().then(|| view! { <p>{t!(i18n, objectives.none)}</p> })}
        <ul class="card-list">{list.items.into_iter().map(|o| view! { <ObjectiveCard o threshold=list.threshold /> }).collect_view()}</ul>
        {(pages > 1).then(|| view! {
            <nav class="pagination" aria-label=move || t_string!(i18n, objectives.pages).to_string()>
                {prev.map(|href| view! { <a href=href rel="prev">{t!(i18n, objectives.previous)}</a> })}
                <span>{t!(i18n, objectives.page_of, page = move || page, pages = move || pages)}</span>
                {next.map(|href| view! { <a href=href rel="next">{t!(i18n, objectives.next)}</a> })}
            </nav>
        })}
    }
}

#[component]
fn ObjectiveCard(o: ObjectiveSummary, threshold: i64) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let hidden = moderation_text(locale, &o.moderation);
    let title = hidden.clone().unwrap_or(o.title.clone());
    let (supports, comments) = (o.supports, o.comments);
    view! {
        <li class="card objective-card">
            <h3 class="card-title"><A href=format!("/objectives/{}", o.id)>{title}</A></h3>
            <p class="meta">
                <StatusBadge status=o.status />
                " "<span class="badge channel">{channel_name(locale, o.channel)}</span>
                {o.ready.then(|| view! { " "<span class="badge ready">{t!(i18n, objectives.ready)}</span> })}
            </p>
            <p class="muted">
                {o.author.clone()}
                {o.published_at.map(|at| view! { " · "{format_date(at)} })}
                " · "{t!(i18n, objectives.supports_of, count = move || supports, threshold = move || threshold)}
                " · "{t!(i18n, objectives.comments_count, count = move || comments)}
            </p>
        </li>
    }
}

/// Title (with similar objectives as one types), text (with a preview), channel, target.
#[component]
fn ObjectiveFields(
    assembly: crate::ids::AssemblyId,
    feedback: Signal<Option<Feedback>>,
    #[prop(optional)] initial: Option<Objective>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed_channel = feedback
        .with_untracked(|f| f.as_ref().and_then(|f| f.value("channel")))
        .or(initial.as_ref().map(|o| o.channel.as_str().to_owned()))
        .unwrap_or_default();
    view! {
        <TitleField assembly feedback except=initial.as_ref().map(|o| o.id)
            title=initial.as_ref().map(|o| o.title.clone()).unwrap_or_default() />
        <BodyField feedback body=initial.as_ref().map(|o| o.body_md.clone()).unwrap_or_default() />
        <ChannelField feedback typed=typed_channel />
        <Field name="target" feedback required=false maxlength=TARGET_MAX value=initial.as_ref().map(|o| o.target.clone()).unwrap_or_default()
            label=label(move || t!(i18n, objectives.field_target).into_any())
            hint=label(move || t!(i18n, objectives.field_target_hint).into_any()) />
    }
}

/// The title, and as one types it the assembly's objectives with a similar one (`except`
/// the objective being edited), so that a member joins an existing proposal instead.
#[component]
fn TitleField(
    assembly: crate::ids::AssemblyId,
    feedback: Signal<Option<Feedback>>,
    except: Option<ObjectiveId>,
    title: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let similar = RwSignal::new(Vec::<Similar>::new());
    let on_title = move |ev: leptos::ev::Event| {
        let title = event_target_value(&ev);
        if title.chars().count() < 4 {
            similar.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = similar_objectives(assembly, title).await {
                similar.set(found.into_iter().filter(|s| Some(s.id) != except).collect());
            }
        });
    };
    view! {
        <div on:input=on_title>
            <Field name="title" feedback maxlength=TITLE_MAX value=title
                label=label(move || t!(i18n, objectives.field_title).into_any())
                hint=label(move || t!(i18n, objectives.field_title_hint).into_any()) />
        </div>
        <div class="similar" aria-live="polite">
            {move || (!similar.read().is_empty()).then(|| view! {
                <p>{t!(i18n, objectives.similar_intro)}</p>
                <ul>{similar.get().into_iter().map(|s| view! {
                    <li>
                        // A new tab, so that what the member has typed here is not lost.
                        <a href=format!("/objectives/{}", s.id) target="_blank" rel="noopener">
                            {s.title}<span class="visually-hidden">" "{t!(i18n, objectives.new_tab)}</span>
                        </a>" ("{status_name(locale, s.status)}")"
                    </li>
                }).collect_view()}</ul>
            })}
        </div>
    }
}

/// The text in Markdown, and (with JavaScript) a button that shows it as it will appear.
#[component]
fn BodyField(feedback: Signal<Option<Feedback>>, body: String) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let body_text = RwSignal::new(body);
    let preview = RwSignal::new(None::<Result<String, AppError>>);
    let show_preview = move |_| {
        let text = body_text.get_untracked();
        leptos::task::spawn_local(async move { preview.set(Some(preview_markdown(text).await)) });
    };
    view! {
        <div on:input=move |ev| body_text.set(event_target_value(&ev))>
            <Field name="body" feedback multiline=true maxlength=BODY_MAX value=body_text.get_untracked()
                label=label(move || t!(i18n, objectives.field_body).into_any())
                hint=label(move || t!(i18n, objectives.field_body_hint).into_any()) />
        </div>
        <Show when=move || hydrated.get()>
            <button type="button" class="button button-secondary" on:click=show_preview>{t!(i18n, objectives.preview)}</button>
        </Show>
        {move || preview.get().map(|p| match p {
            Ok(html) => view! {
                <section class="preview" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">{t!(i18n, objectives.preview_heading)}</h2>
                    <div class="prose" inner_html=html></div>
                </section>
            }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{crate::i18n_texts::error_text(i18n.get_locale(), e.code())}</p> }.into_any(),
        })}
    }
}

/// The channel, a `<select>` built by hand (`Field` makes text inputs), with its message.
#[component]
fn ChannelField(feedback: Signal<Option<Feedback>>, typed: String) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let channel_error =
        Signal::derive(move || feedback.with(|f| f.as_ref().and_then(|f| f.error.field_code("channel"))));
    view! {
        <div class="field" class:field-invalid=move || channel_error.get().is_some()>
            <label for="field-channel">{t!(i18n, objectives.field_channel)}</label>
            <select id="field-channel" name="channel" required aria-describedby="field-channel-error"
                aria-invalid=move || channel_error.get().is_some().then_some("true")>
                <option value="">{t!(i18n, objectives.choose_channel)}</option>
                {Channel::ALL.into_iter().map(|c| view! {
                    <option value=c.as_str() selected=typed == c.as_str()>{channel_name(locale, c)}</option>
                }).collect_view()}
            </select>
            <p class="field-error" id="field-channel-error" aria-live="polite">
                {move || channel_error.get().map(|code| crate::i18n_texts::error_text(i18n.get_locale(), code))}
            </p>
        </div>
    }
}

use crate::error::AppError;
use crate::forms::Feedback;

#[component]
pub fn NewObjectivePage() -> impl IntoView {
    let i18n = use_i18n();
    let assembly = param::<crate::ids::AssemblyId>("id");
    let user = use_current_user();
    let create = ServerAction::<CreateObjective>::new();
    let feedback = use_feedback(create);
    move || {
        let a = assembly.get();
        let allowed = user.with(|u| u.as_ref().map(|u| u.takes_part_in(a)));
        match allowed {
            None => view! { <crate::layout::SignInRequired /> }.into_any(),
            Some(false) => view! { <crate::layout::Forbidden /> }.into_any(),
            Some(true) => view! {
                <Title text=td_string!(i18n.get_locale_untracked(), objectives.propose).to_string() />
                <p><A href=format!("/assemblies/{a}")>{t!(i18n, objectives.back_to_list)}</A></p>
                <h1>{t!(i18n, objectives.propose)}</h1>
                <p>{t!(i18n, objectives.propose_intro)}</p>
                <ActionForm action=create attr:novalidate=true attr:class="objective-form">
                    <FormError feedback />
                    <input type="hidden" name="assembly_id" value=a />
                    <ObjectiveFields assembly=a feedback />
                    <div class="form-buttons">
                        <button type="submit" name="intent" value="publish" class="button">{t!(i18n, objectives.publish)}</button>
                        <button type="submit" name="intent" value="draft" class="button button-secondary">{t!(i18n, objectives.save_draft)}</button>
                    </div>
                    <p class="muted">{t!(i18n, objectives.draft_hint)}</p>
                </ActionForm>
            }.into_any(),
        }
    }
}

#[component]
pub fn EditObjectivePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = param::<ObjectiveId>("id");
    let update = ServerAction::<UpdateObjective>::new();
    let feedback = use_feedback(update);
    let objective = Resource::new(move || id.get(), get_objective);
    view! {
        <Loaded data=objective render={move |o: Objective| {
            if !o.viewer.is_author {
                return view! { <crate::layout::Forbidden /> }.into_any();
            }
            if !o.status.editable() {
                return view! { <ErrorPage error=AppError::User(crate::error::ErrorCode::InvalidState) /> }.into_any();
            }
            let oid = o.id;
            let assembly = o.assembly_id;
            view! {
                <Title text=o.title.clone() />
                <p><A href=format!("/objectives/{oid}")>{t!(i18n, objectives.back_to_objective)}</A></p>
                <h1>{t!(i18n, objectives.edit)}</h1>
                <p>{t!(i18n, objectives.edit_intro)}</p>
                <ActionForm action=update attr:novalidate=true attr:class="objective-form">
                    <FormError feedback />
                    <input type="hidden" name="objective_id" value=oid.0 />
                    <ObjectiveFields assembly feedback initial=o />
                    <button type="submit" class="button">{t!(i18n, objectives.save)}</button>
                </ActionForm>
            }.into_any()
        }} />
    }
}

#[component]
pub fn ObjectivePage() -> impl IntoView {
    let id = param::<ObjectiveId>("id");
    let query = use_query_map();
    let comments_page = Memo::new(move |_| query.read().get("comments").and_then(|p| p.parse().ok()).unwrap_or(1i64));
    let refresh = RwSignal::new(0u64);
    let support = ServerAction::<SupportObjective>::new();
    let status = ServerAction::<ChangeObjectiveStatus>::new();
    let lock = ServerAction::<crate::moderation::api::LockDiscussion>::new();
    refresh_on_success(support, refresh);
    refresh_on_success(status, refresh);
    refresh_on_success(lock, refresh);
    // One resource for the whole page (objective and discussion): several resources under
    // separate Suspense boundaries can stall Leptos 0.8's server rendering.
    let data = Resource::new(
        move || (id.get(), comments_page.get(), refresh.get()),
        |(id, page, _)| async move {
            let objective = get_objective(id).await?;
            let discussion = crate::discussion::api::get_discussion(id, page).await?;
            Ok::<_, AppError>((objective, discussion))
        },
    );
    // After a plain form post (no JavaScript) the server comes back here with `done=…`.
    let i18n = use_i18n();
    let done = Memo::new(move |_| query.read().get("done"));
    let confirmation = move || match done.get().as_deref() {
        Some("report_content") => Some(t_string!(i18n, moderation.report_sent)),
        Some("add_comment") => Some(t_string!(i18n, discussion.posted)),
        Some("support_objective") => Some(t_string!(i18n, objectives.support_saved)),
        _ => None,
    };
    view! {
        {move || confirmation().map(|text| view! { <p class="notice" role="status">{text}</p> })}
        <Loaded data render=move |(o, d): (Objective, crate::discussion::Discussion)| view! {
            <ObjectiveView o=o.clone() support status lock refresh />
            <DiscussionSection objective=o.id assembly=o.assembly_id.0 viewer=o.viewer discussion=d refresh />
        } />
    }
}

#[component]
fn ObjectiveView(
    o: Objective,
    support: ServerAction<SupportObjective>,
    status: ServerAction<ChangeObjectiveStatus>,
    lock: ServerAction<crate::moderation::api::LockDiscussion>,
    refresh: RwSignal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let hidden_text = moderation_text(locale, &o.moderation);
    let heading = if o.title.is_empty() { hidden_text.clone().unwrap_or_default() } else { o.title.clone() };
    let v = o.viewer;
    let (assembly, assembly_name) = (o.assembly_id, o.assembly_name.clone());
    view! {
        <Title text=heading.clone() />
        <p><A href=format!("/assemblies/{assembly}")>{assembly_name}</A></p>
        <article class="objective" aria-labelledby="objective-title">
            <h1 id="objective-title">{heading}</h1>
            <ObjectiveMeta o=o.clone() />
            {hidden_text.clone().map(|text| view! { <p class="moderation-notice" role="note">{text}</p> })}
            {(o.status == Status::Draft).then(|| view! { <DraftNotice similar=o.similar.clone() /> })}
            {(!o.body_html.is_empty()).then(|| view! { <div class="prose" inner_html=o.body_html.clone()></div> })}
            {(!o.target.is_empty()).then(|| view! {
                <p class="target"><strong>{t!(i18n, objectives.target_label)}</strong>" "{o.target.clone()}</p>
            })}
        </article>
        <SupportBox o=o.clone() support />
        {(v.is_author || v.moderator || v.can_act()).then(|| view! { <ObjectiveActions o=o.clone() status lock refresh /> })}
    }
}

/// Status, channel, badges, author and dates, and the links to its history, its votes and
/// its commitment.
#[component]
fn ObjectiveMeta(o: Objective) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let ready = o.moderation.is_visible() && ready_for_agenda(o.status, o.supports, o.threshold);
    view! {
        <p class="meta">
            <StatusBadge status=o.status />
            " "<span class="badge channel">{channel_name(locale, o.channel)}</span>
            {ready.then(|| view! { " "<span class="badge ready">{t!(i18n, objectives.ready)}</span> })}
            {o.locked.then(|| view! { " "<span class="badge locked">{t!(i18n, moderation.locked)}</span> })}
        </p>
        <p class="muted">
            {t!(i18n, objectives.by, author = { let a = o.author.clone(); move || a.clone() })}
            {o.published_at.map(|at| view! { " · "{t!(i18n, objectives.published_on, date = move || format_date(at))} })}
            {(o.version > 1).then(|| view! { " · "{t!(i18n, objectives.edited_on, date = { let at = o.updated_at; move || format_datetime(at) })} })}
            " · "<A href=format!("/objectives/{}/history", o.id)>{t!(i18n, objectives.history_link, count = { let n = o.version; move || n })}</A>
        </p>
        {(!o.votes.is_empty()).then(|| view! {
            <p class="votes-of">{t!(i18n, voting.put_to_vote)}" "
                {o.votes.clone().into_iter().map(|(round, method, closed)| view! {
                    <A href=format!("/rounds/{round}")>{crate::voting::texts::method_name(locale, method)}" ("
                        {if closed { t_string!(i18n, voting.closed) } else { t_string!(i18n, voting.open) }}")"</A>" "
                }).collect_view()}
            </p>
        })}
        {o.commitment.map(|c| view! { <p class="notice"><A href=format!("/commitments/{c}")>{t!(i18n, commitments.follow)}</A></p> })}
    }
}

/// What the author of a draft sees: only they see it, and the objectives it may repeat.
#[component]
fn DraftNotice(similar: Vec<Similar>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice" role="note">
            <p>{t!(i18n, objectives.draft_notice)}</p>
            {(!similar.is_empty()).then(|| view! {
                <p>{t!(i18n, objectives.similar_intro)}</p>
                <ul>{similar.into_iter().map(|s| view! { <li><a href=format!("/objectives/{}", s.id)>{s.title}</a></li> }).collect_view()}</ul>
            })}
        </div>
    }
}

/// The supports against the threshold, and the button to give or withdraw one's own.
#[component]
fn SupportBox(o: Objective, support: ServerAction<SupportObjective>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(support);
    let (supports, threshold, v) = (o.supports, o.threshold, o.viewer);
    view! {
        <section class="panel support-box" aria-labelledby="support-heading">
            <h2 id="support-heading">{t!(i18n, objectives.supports_heading)}</h2>
            <p><strong>{t!(i18n, objectives.supports_of, count = move || supports, threshold = move || threshold)}</strong></p>
            <FormError feedback />
            {(o.status.supportable() && v.can_act()).then(|| view! {
                <ActionForm action=support>
                    <input type="hidden" name="objective_id" value=o.id />
                    <input type="hidden" name="support" value=(!v.supported).to_string() />
                    <button type="submit" class="button" class:button-secondary=v.supported>
                        {if v.supported { t_string!(i18n, objectives.unsupport) } else { t_string!(i18n, objectives.support) }}
                    </button>
                </ActionForm>
            })}
            {(!v.signed_in && o.status.supportable()).then(|| view! {
                <p><a href=format!("/login?next=/objectives/{}", o.id)>{t!(i18n, objectives.sign_in_to_take_part)}</a></p>
            })}
            {v.suspended_until.map(|until| view! { <p class="form-error">{t!(i18n, moderation.you_are_suspended, date = move || format_date(until))}</p> })}
        </section>
    }
}

/// A one-button form taking a lifecycle step.
#[component]
fn StepButton(
    status: ServerAction<ChangeObjectiveStatus>,
    objective: ObjectiveId,
    step: Step,
    text: String,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    view! {
        <ActionForm action=status attr:class="inline-form">
            <input type="hidden" name="objective_id" value=objective />
            <input type="hidden" name="step" value=step.as_str() />
            <button type="submit" class="button" class:button-danger=danger>{text}</button>
        </ActionForm>
    }
}

/// What the author (edit, publish, withdraw) and facilitators (open the discussion, lock
/// it, moderate) may do, and reporting for other members.
#[component]
fn ObjectiveActions(
    o: Objective,
    status: ServerAction<ChangeObjectiveStatus>,
    lock: ServerAction<crate::moderation::api::LockDiscussion>,
    refresh: RwSignal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let feedback = use_feedback(status);
    let v = o.viewer;
    let hidden = matches!(o.moderation, crate::moderation::Moderation::Hidden { .. });
    view! {
        <section class="panel actions" aria-labelledby="actions-heading">
            <h2 id="actions-heading">{t!(i18n, objectives.actions)}</h2>
            <FormError feedback />
            <div class="action-row">
                {(v.is_author && o.status.editable()).then(|| view! {
                    <A href=format!("/objectives/{}/edit", o.id) attr:class="button button-secondary">{t!(i18n, objectives.edit)}</A>
                })}
                {(v.is_author && o.status == Status::Draft).then(|| view! {
                    <StepButton status objective=o.id step=Step::Publish text=td_string!(locale, objectives.publish).to_owned() />
                })}
                {(v.is_author && o.status.withdrawable()).then(|| view! {
                    <StepButton status objective=o.id step=Step::Withdraw danger=true text=td_string!(locale, objectives.withdraw).to_owned() />
                })}
                {(v.moderator && o.status == Status::Proposed).then(|| view! {
                    <StepButton status objective=o.id step=Step::OpenDiscussion text=td_string!(locale, objectives.open_discussion).to_owned() />
                })}
                {(v.moderator && o.status != Status::Draft).then(|| view! {
                    <ActionForm action=lock attr:class="inline-form">
                        <input type="hidden" name="objective_id" value=o.id />
                        <input type="hidden" name="locked" value=(!o.locked).to_string() />
                        <button type="submit" class="button button-secondary">
                            {if o.locked { t_string!(i18n, moderation.unlock) } else { t_string!(i18n, moderation.lock) }}
                        </button>
                    </ActionForm>
                })}
            </div>
            {(v.can_act() && !v.is_author && o.status != Status::Draft && !hidden).then(|| view! {
                <ReportForm target=Target::Objective(o.id.0) />
            })}
            {(v.moderator && o.status != Status::Draft).then(|| view! {
                <ModerateForm assembly=o.assembly_id.0 target=Target::Objective(o.id.0) hidden=!o.moderation.is_visible() refresh />
            })}
        </section>
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let id = param::<ObjectiveId>("id");
    let query = use_query_map();
    let range = Memo::new(move |_| {
        let q = query.read();
        (q.get("from").and_then(|v| v.parse().ok()), q.get("to").and_then(|v| v.parse().ok()))
    });
    let history = Resource::new(move || (id.get(), range.get()), |(id, (from, to))| objective_history(id, from, to));
    view! {
        <Loaded data=history render=move |h| view! { <HistoryView h /> } />
    }
}

fn diff_view(parts: Vec<DiffPart>) -> impl IntoView {
    parts
        .into_iter()
        .map(|p| match p {
            DiffPart::Same(t) => view! { <span>{t}</span> }.into_any(),
            DiffPart::Added(t) => view! { <ins>{t}</ins> }.into_any(),
            DiffPart::Removed(t) => view! { <del>{t}</del> }.into_any(),
        })
        .collect_view()
}

#[component]
fn HistoryView(h: History) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = h.objective_id;
    let (from, to) = (h.from, h.to);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), objectives.history_title).to_string() />
        <p><A href=format!("/objectives/{id}")>{t!(i18n, objectives.back_to_objective)}</A></p>
        <h1>{t!(i18n, objectives.history_title)}</h1>
        {h.hidden.then(|| view! { <p class="moderation-notice">{t!(i18n, moderation.history_hidden)}</p> })}
        {(!h.hidden).then(|| view! {
            <p class="lead">{h.title.clone()}</p>
            <h2>{t!(i18n, objectives.versions)}</h2>
            <ol class="versions">
                {h.versions.iter().map(|v| {
                    let n = v.version;
                    view! {
                        <li>
                            {t!(i18n, objectives.version_n, n = move || n)}" · "{format_datetime(v.created_at)}" · "{v.title.clone()}
                            {(n > 1).then(|| view! { " · "<a href=format!("/objectives/{id}/history?from={}&to={n}", n - 1)>{t!(i18n, objectives.compare_previous)}</a> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            <Form method="GET" action="" attr:class="filters">
                <div class="field">
                    <label for="from">{t!(i18n, objectives.compare_from)}</label>
                    <select id="from" name="from">{h.versions.iter().map(|v| { let n = v.version; view! { <option value=n selected=n == from>{n}</option> } }).collect_view()}</select>
                </div>
                <div class="field">
                    <label for="to">{t!(i18n, objectives.compare_to)}</label>
                    <select id="to" name="to">{h.versions.iter().map(|v| { let n = v.version; view! { <option value=n selected=n == to>{n}</option> } }).collect_view()}</select>
                </div>
                <button type="submit" class="button">{t!(i18n, objectives.compare)}</button>
            </Form>
            <section class="diff" aria-labelledby="diff-heading">
                <h2 id="diff-heading">{t!(i18n, objectives.changes, from = move || from, to = move || to)}</h2>
                <p class="muted">{t!(i18n, objectives.diff_legend)}</p>
                <h3>{t!(i18n, objectives.field_title)}</h3>
                <p class="diff-text">{diff_view(h.title_diff.clone())}</p>
                {h.channel_change.map(|(a, b)| view! {
                    <h3>{t!(i18n, objectives.field_channel)}</h3>
                    <p class="diff-text"><del>{channel_name(locale, a)}</del>" → "<ins>{channel_name(locale, b)}</ins></p>
                })}
                <h3>{t!(i18n, objectives.field_target)}</h3>
                <p class="diff-text">{diff_view(h.target_diff.clone())}</p>
                <h3>{t!(i18n, objectives.field_body)}</h3>
                <pre class="diff-text">{diff_view(h.body_diff.clone())}</pre>
            </section>
        })}
    }
}
