//! The discussion under an objective: stance counts, the comment form, threads with reply,
//! edit, delete, report and moderation forms. Each small form sits in a `<details>` so it
//! opens with a keyboard or a tap and works without JavaScript.
use super::api::{AddComment, DeleteComment, EditComment};
use super::*;
use crate::discussion::texts::stance_name;
use crate::forms::label;
use crate::forms::{refresh_on_success, use_scoped_feedback, Field, FormError};
use crate::i18n::*;
use crate::i18n_texts::format_datetime;
use crate::ids::ObjectiveId;
use crate::moderation::pages::{ModerateForm, ReportForm};
use crate::moderation::texts::moderation_text;
use crate::moderation::Target;
use crate::objectives::Viewer;
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Ctx {
    objective: ObjectiveId,
    assembly: i64,
    viewer: Viewer,
    open: bool,
    refresh: RwSignal<u64>,
}

#[component]
pub fn DiscussionSection(
    objective: ObjectiveId,
    assembly: i64,
    viewer: Viewer,
    discussion: Discussion,
    refresh: RwSignal<u64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let counts = discussion.counts;
    let (page, pages, total) = (discussion.page, discussion.pages, discussion.total);
    let ctx = Ctx { objective, assembly, viewer, open: discussion.open, refresh };
    view! {
        <section class="discussion" aria-labelledby="discussion-heading">
            <h2 id="discussion-heading">{t!(i18n, discussion.title)}" ("{total}")"</h2>
            <ul class="stance-counts" aria-label=move || t_string!(i18n, discussion.counts_label).to_string()>
                <li class="stance-for">{t!(i18n, discussion.count_for, count = move || counts.for_)}</li>
                <li class="stance-against">{t!(i18n, discussion.count_against, count = move || counts.against)}</li>
                <li class="stance-neutral">{t!(i18n, discussion.count_neutral, count = move || counts.neutral)}</li>
            </ul>
            {if !discussion.open {
                view! { <p class="notice">{t!(i18n, discussion.closed)}</p> }.into_any()
            } else if viewer.can_act() {
                view! { <CommentForm ctx parent=None /> }.into_any()
            } else if !viewer.signed_in {
                view! { <p><a href=format!("/login?next=/objectives/{objective}")>{t!(i18n, objectives.sign_in_to_take_part)}</a></p> }.into_any()
            } else {
                ().into_any()
            }}
            {discussion.threads.is_empty().then(|| view! { <p>{t!(i18n, discussion.none)}</p> })}
            <ol class="comments">
                {discussion.threads.into_iter().map(|c| view! { <CommentView c ctx /> }).collect_view()}
            </ol>
            {(pages > 1).then(|| view! {
                <nav class="pagination" aria-label=move || t_string!(i18n, discussion.pages).to_string()>
                    {(page > 1).then(|| view! { <a href=format!("?comments={}#discussion-heading", page - 1) rel="prev">{t!(i18n, discussion.earlier)}</a> })}
                    <span>{t!(i18n, objectives.page_of, page = move || page, pages = move || pages)}</span>
                    {(page < pages).then(|| view! { <a href=format!("?comments={}#discussion-heading", page + 1) rel="next">{t!(i18n, discussion.later)}</a> })}
                </nav>
            })}
        </section>
    }
}

/// A new comment (parent `None`) or a reply.
#[component]
fn CommentForm(ctx: Ctx, parent: Option<CommentId>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let add = ServerAction::<AddComment>::new();
    refresh_on_success(add, ctx.refresh);
    let scope = parent.map(|p| p.0.to_string()).unwrap_or_default();
    let feedback = use_scoped_feedback(add, Some(("parent_id", scope.clone())));
    let typed_stance = feedback.with_untracked(|f| f.as_ref().and_then(|f| f.value("stance")));
    let stance_error = Signal::derive(move || feedback.with(|f| f.as_ref().and_then(|f| f.error.field_code("stance"))));
    let suffix = if scope.is_empty() { "new".to_owned() } else { scope.clone() };
    let heading_id = format!("comment-form-{suffix}");
    let heading_for = heading_id.clone();
    view! {
        <ActionForm action=add attr:novalidate=true attr:class="comment-form" attr:aria-labelledby=heading_id.clone()>
            <p id=heading_for class="form-title">{if parent.is_some() { t_string!(i18n, discussion.reply) } else { t_string!(i18n, discussion.add) }}</p>
            <FormError feedback />
            <input type="hidden" name="objective_id" value=ctx.objective.0 />
            {parent.map(|p| view! { <input type="hidden" name="parent_id" value=p.0 /> })}
            <fieldset class="stance-choice" aria-describedby=format!("stance-error-{suffix}")>
                <legend>{t!(i18n, discussion.stance)}</legend>
                {Stance::ALL.into_iter().map(|s| {
                    let id = format!("stance-{}-{suffix}", s.as_str());
                    let checked = typed_stance.as_deref() == Some(s.as_str());
                    view! {
                        <span class="radio">
                            <input type="radio" id=id.clone() name="stance" value=s.as_str() checked=checked required />
                            <label for=id>{stance_name(locale, s)}</label>
                        </span>
                    }
                }).collect_view()}
                <p class="field-error" id=format!("stance-error-{suffix}") aria-live="polite">
                    {move || stance_error.get().map(|code| crate::i18n_texts::error_text(i18n.get_locale(), code))}
                </p>
            </fieldset>
            <Field name="body" feedback multiline=true maxlength=COMMENT_MAX scope=format!("reply-{suffix}")
                label=label(move || t!(i18n, discussion.body).into_any())
                hint=label(move || t!(i18n, discussion.body_hint).into_any()) />
            <button type="submit" class="button">{t!(i18n, discussion.post)}</button>
        </ActionForm>
    }
}

#[component]
fn CommentView(c: Comment, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = c.id;
    let hidden = moderation_text(locale, &c.moderation);
    let shown = hidden.is_none() && !c.deleted;
    let v = ctx.viewer;
    let can_reply = ctx.open && v.can_act() && c.depth < MAX_DEPTH && !c.deleted;
    let replies = c.replies.clone();
    view! {
        <li class="comment" id=format!("comment-{id}")>
            <article class=format!("comment-body stance-{}", c.stance.as_str()) aria-labelledby=format!("comment-{id}-meta")>
                <p class="comment-meta" id=format!("comment-{id}-meta")>
                    {if c.deleted { ().into_any() } else { view! { <strong>{c.author.clone()}</strong>" · " }.into_any() }}
                    <span class=format!("badge stance stance-{}", c.stance.as_str())>{stance_name(locale, c.stance)}</span>
                    " · "<time>{format_datetime(c.created_at)}</time>
                    {c.edited.then(|| view! { " · "<em>{t!(i18n, discussion.edited)}</em> })}
                </p>
                {if c.deleted {
                    view! { <p class="placeholder">{t!(i18n, discussion.deleted)}</p> }.into_any()
                } else if let Some(text) = hidden {
                    view! { <p class="moderation-notice">{text}</p> }.into_any()
                } else {
                    view! { <div class="prose" inner_html=c.body_html.clone()></div> }.into_any()
                }}
                <div class="comment-actions">
                    {can_reply.then(|| view! {
                        <details>
                            <summary>{t!(i18n, discussion.reply)}</summary>
                            <CommentForm ctx parent=Some(id) />
                        </details>
                    })}
                    {(c.own && shown && c.editable_until.is_some()).then(|| view! { <EditCommentForm id body=c.body_md.clone() ctx /> })}
                    {(c.own && !c.deleted).then(|| view! { <DeleteCommentForm id ctx /> })}
                    {(v.can_act() && shown && !c.own).then(|| view! {
                        <ReportForm target=Target::Comment(id.0) />
                    })}
                    {(v.moderator && !c.deleted).then(|| view! {
                        <ModerateForm assembly=ctx.assembly target=Target::Comment(id.0) hidden=!c.moderation.is_visible() refresh=ctx.refresh />
                    })}
                </div>
            </article>
            {(!replies.is_empty()).then(|| view! {
                <ol class="replies">{replies.into_iter().map(|r| view! { <CommentView c=r ctx /> }.into_any()).collect_view()}</ol>
            })}
        </li>
    }
}

#[component]
fn EditCommentForm(id: CommentId, body: String, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let edit = ServerAction::<EditComment>::new();
    refresh_on_success(edit, ctx.refresh);
    let feedback = use_scoped_feedback(edit, Some(("comment_id", id.0.to_string())));
    let open = feedback.with_untracked(|f| f.is_some());
    view! {
        <details open=open>
            <summary>{t!(i18n, discussion.edit)}</summary>
            <ActionForm action=edit attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="comment_id" value=id.0 />
                <Field name="body" feedback multiline=true maxlength=COMMENT_MAX value=body scope=format!("edit-{id}")
                    label=label(move || t!(i18n, discussion.body).into_any())
                    hint=label(move || t!(i18n, discussion.edit_hint).into_any()) />
                <button type="submit" class="button">{t!(i18n, discussion.save)}</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn DeleteCommentForm(id: CommentId, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let delete = ServerAction::<DeleteComment>::new();
    refresh_on_success(delete, ctx.refresh);
    view! {
        <details>
            <summary>{t!(i18n, discussion.delete)}</summary>
            <ActionForm action=delete>
                <input type="hidden" name="comment_id" value=id.0 />
                <p>{t!(i18n, discussion.delete_confirm)}</p>
                <button type="submit" class="button button-danger">{t!(i18n, discussion.delete)}</button>
            </ActionForm>
        </details>
    }
}
