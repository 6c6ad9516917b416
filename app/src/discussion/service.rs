//! The discussion's use cases: reading a page of threads (public), commenting and replying
//! (members and facilitators, not suspended, discussion open), editing within the window and
//! deleting (the author). The rules are checked inside the transaction that writes.
use super::store::{self, CommentRow, NewComment};
use super::{
    build_threads, editable, reply_depth, Comment, Discussion, Stance, COMMENT_MAX, EDIT_WINDOW_SECS, THREADS_PER_PAGE,
};
use crate::audit::store::{record_at, Event};
use crate::context::Ctx;
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::{store::participant, Actor};
use crate::ids::{CommentId, ObjectiveId, UserId};
use crate::moderation::State;
use crate::objectives::service as objectives;
use crate::search::store as search;
use crate::text::parse_body;
use serde_json::json;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

#[tracing::instrument(skip_all, fields(objective = objective.0))]
pub async fn discussion(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    objective: ObjectiveId,
    page: i64,
) -> Result<Discussion, AppError> {
    // Read like the objective itself: a draft is its author's only.
    let o = objectives::state(ctx, actor, objective).await?;
    let counts = store::stance_counts(&ctx.db, objective).await?;
    let (total, threads) = store::totals(&ctx.db, objective).await?;
    let pages = ((threads + THREADS_PER_PAGE - 1) / THREADS_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let viewer = actor.id();
    let flat = store::page(&ctx.db, objective, page).await?.into_iter().map(|r| to_comment(r, viewer, now)).collect();
    let open = o.status.commentable() && !o.locked && o.visible;
    Ok(Discussion { threads: build_threads(flat), counts, total, page, pages, open })
}

fn to_comment(r: CommentRow, viewer: Option<UserId>, now: i64) -> (Option<CommentId>, Comment) {
    let moderation = r.moderation();
    let deleted = r.deleted_at.is_some();
    let shown = moderation.is_visible() && !deleted;
    let own = viewer == Some(r.author_id);
    let can_edit = own && shown && editable(r.created_at, now);
    let comment = Comment {
        id: r.id,
        author_id: r.author_id,
        author: if deleted { String::new() } else { r.author },
        depth: r.depth,
        stance: r.stance,
        body_md: if can_edit { r.body_md } else { String::new() },
        body_html: if shown { r.body_html } else { String::new() },
        moderation,
        created_at: r.created_at,
        edited: r.edited_at.is_some(),
        deleted,
        own,
        editable_until: can_edit.then_some(r.created_at + EDIT_WINDOW_SECS),
        replies: Vec::new(),
    };
    (r.parent_id, comment)
}

/// Posts a comment, or a reply under `parent` (three levels in all).
#[tracing::instrument(skip_all, fields(objective = objective.0))]
pub async fn add(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    objective: ObjectiveId,
    parent: Option<CommentId>,
    (stance, body): (&str, &str),
) -> Result<CommentId, AppError> {
    actor.signed_in()?;
    let mut v = Validator::default();
    let stance = v.check("stance", Stance::parse(stance));
    let body = v.check("body", parse_body(body, COMMENT_MAX));
    let (stance, body) = v.finish_with((stance, body))?;
    let html = crate::markdown::render_async(body.clone()).await?;
    let mut tx = ctx.begin().await?;
    let o = objectives::state_in(&mut tx, objective).await?;
    let user = participant(&mut tx, actor, o.assembly, now).await?;
    if !o.status.commentable() || !o.visible {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    if o.locked {
        return Err(AppError::User(ErrorCode::DiscussionLocked));
    }
    let (depth, thread) = match parent {
        None => (0, None),
        Some(p) => {
            let (parent_depth, thread) = store::parent(&mut tx, p, objective).await?.ok_or_else(not_found)?;
            (reply_depth(Some(parent_depth)).map_err(AppError::User)?, Some(thread))
        }
    };
    let new = NewComment { objective, author: user.id, parent, thread, depth, stance, body: &body, body_html: &html };
    let id = store::insert_comment(&mut tx, &new, now).await?;
    search::index_comment(&mut tx, ctx.db.backend, id, objective, &body).await?;
    let event = Event::new(actor.id(), o.assembly, "comment.create", ("comment", id.0))
        .details(json!({ "objective": objective.0, "stance": stance.as_str() }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    ctx.announce_objective(objective, crate::live::Topic::Comments).await;
    Ok(id)
}

/// The author edits their comment within the edit window.
#[tracing::instrument(skip_all, fields(comment = id.0))]
pub async fn edit(ctx: &Ctx, actor: &Actor, now: i64, id: CommentId, body: &str) -> Result<(), AppError> {
    actor.signed_in()?;
    let mut tx = ctx.begin().await?;
    let c = store::lock_comment(&mut tx, id).await?.ok_or_else(not_found)?;
    actor.must(actor.id() == Some(c.author_id))?;
    participant(&mut tx, actor, c.assembly_id, now).await?;
    if c.deleted_at.is_some() || c.moderation != State::Visible {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    // The window first: past it, nothing typed matters.
    if !editable(c.created_at, now) {
        return Err(AppError::User(ErrorCode::EditWindowClosed));
    }
    let body = parse_body(body, COMMENT_MAX).map_err(|code| AppError::field("body", code))?;
    let html = crate::markdown::render_async(body.clone()).await?;
    store::update_body(&mut tx, id, &body, &html, now).await?;
    search::index_comment(&mut tx, ctx.db.backend, id, c.objective_id, &body).await?;
    let event = Event::new(actor.id(), c.assembly_id, "comment.edit", ("comment", id.0))
        .details(json!({ "objective": c.objective_id.0 }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes the text; the comment's place stays so its replies keep their context. Deleting
/// one's own words is always allowed, even when suspended.
#[tracing::instrument(skip_all, fields(comment = id.0))]
pub async fn delete(ctx: &Ctx, actor: &Actor, now: i64, id: CommentId) -> Result<(), AppError> {
    actor.signed_in()?;
    let mut tx = ctx.begin().await?;
    let c = store::lock_comment(&mut tx, id).await?.ok_or_else(not_found)?;
    actor.must(actor.id() == Some(c.author_id))?;
    if c.deleted_at.is_some() {
        return Ok(());
    }
    store::erase(&mut tx, id, now).await?;
    search::unindex_comment(&mut tx, ctx.db.backend, id).await?;
    let event = Event::new(actor.id(), c.assembly_id, "comment.delete", ("comment", id.0))
        .details(json!({ "objective": c.objective_id.0 }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The latest visible comments on `objective`, newest first, as a sitting's live page
/// shows them beside the objective under discussion.
pub async fn latest(ctx: &Ctx, objective: ObjectiveId) -> Result<Vec<super::LiveComment>, AppError> {
    Ok(store::latest_comments(&ctx.db, objective)
        .await?
        .into_iter()
        .map(|c| super::LiveComment { author: c.author, stance: c.stance, html: c.body_html, created_at: c.created_at })
        .collect())
}
