//! Comment server functions: reading is public, posting is for the assembly's members and
//! facilitators (not suspended, discussion not locked), editing and deleting for the author.
use super::Discussion;
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::CommentId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_discussion")]
pub async fn get_discussion(objective_id: i64, page: i64) -> Result<Discussion, AppError> {
    finish(ssr::discussion(crate::ids::ObjectiveId(objective_id), page).await, &[])
}

#[server(prefix = "/api", endpoint = "add_comment")]
pub async fn add_comment(
    objective_id: i64,
    parent_id: Option<i64>,
    stance: String,
    body: String,
) -> Result<CommentId, AppError> {
    let parent = parent_id.map(|p| p.to_string()).unwrap_or_default();
    let result = ssr::add(crate::ids::ObjectiveId(objective_id), parent_id.map(CommentId), &stance, &body).await;
    finish(result, &[("stance", &stance), ("body", &body), ("parent_id", &parent)])
}

#[server(prefix = "/api", endpoint = "edit_comment")]
pub async fn edit_comment(comment_id: i64, body: String) -> Result<(), AppError> {
    let id = comment_id.to_string();
    finish(ssr::edit(CommentId(comment_id), &body).await, &[("body", &body), ("comment_id", &id)])
}

#[server(prefix = "/api", endpoint = "delete_comment")]
pub async fn delete_comment(comment_id: i64) -> Result<(), AppError> {
    finish(ssr::delete(CommentId(comment_id)).await, &[])
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::accounts::permissions::require_user;
    use crate::accounts::session::current_user;
    use crate::audit::ssr::{record, Event};
    use crate::db::now;
    use crate::discussion::*;
    use crate::error::ErrorCode;
    use crate::ids::{ObjectiveId, UserId};
    use crate::moderation::Moderation;
    use crate::objectives::api::ssr::{check_participant, load};
    use crate::objectives::markdown::render_async;
    use crate::objectives::{parse_body, search};
    use crate::state::app_state;
    use serde_json::json;

    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        parent_id: Option<i64>,
        author_id: i64,
        author: String,
        depth: i64,
        stance: String,
        body_md: String,
        body_html: String,
        moderation: String,
        moderation_reason: Option<String>,
        moderation_note: Option<String>,
        created_at: i64,
        edited_at: Option<i64>,
        deleted_at: Option<i64>,
    }

    const SELECT: &str =
        "select c.id, c.parent_id, c.author_id, u.display_name as author, c.depth, c.stance, c.body_md, \
        c.body_html, c.moderation, c.moderation_reason, c.moderation_note, c.created_at, c.edited_at, c.deleted_at \
        from comments c join users u on u.id = c.author_id";

    #[tracing::instrument(skip_all, fields(objective = objective.0))]
    pub async fn discussion(objective: ObjectiveId, page: i64) -> Result<Discussion, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = current_user(db).await?;
        let row = load(db, objective, user.as_ref()).await?;
        let counts: Vec<(String, i64)> = sqlx::query_as(
            "select stance, count(*) from comments where objective_id = $1 and deleted_at is null \
             and moderation = 'visible' group by stance",
        )
        .bind(objective.0)
        .fetch_all(&db.pool)
        .await?;
        let mut stance_counts = StanceCounts::default();
        for (stance, n) in counts {
            match Stance::parse(&stance) {
                Ok(Stance::For) => stance_counts.for_ = n,
                Ok(Stance::Against) => stance_counts.against = n,
                Ok(Stance::Neutral) => stance_counts.neutral = n,
                Err(_) => {}
            }
        }
        let (total, threads): (i64, i64) = sqlx::query_as(
            "select count(*), coalesce(sum(case when depth = 0 then 1 else 0 end), 0) from comments where objective_id = $1",
        )
        .bind(objective.0)
        .fetch_one(&db.pool)
        .await?;
        let pages = ((threads + THREADS_PER_PAGE - 1) / THREADS_PER_PAGE).max(1);
        let page = page.clamp(1, pages);
        // One page of threads: its top-level comments, then every reply in those threads.
        let roots: Vec<Row> = sqlx::query_as(&format!(
            "{SELECT} where c.objective_id = $1 and c.depth = 0 order by c.created_at, c.id limit $2 offset $3"
        ))
        .bind(objective.0)
        .bind(THREADS_PER_PAGE)
        .bind((page - 1) * THREADS_PER_PAGE)
        .fetch_all(&db.pool)
        .await?;
        let replies: Vec<Row> = if roots.is_empty() {
            Vec::new()
        } else {
            let ids = roots.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", ");
            // The ids are integers read from the database, not user input.
            sqlx::query_as(&format!("{SELECT} where c.objective_id = $1 and c.depth > 0 and c.thread_id in ({ids})"))
                .bind(objective.0)
                .fetch_all(&db.pool)
                .await?
        };
        let now = now();
        let viewer = user.as_ref().map(|u| u.id);
        let flat = roots.into_iter().chain(replies).map(|r| to_comment(r, viewer, now)).collect();
        let open = row.status().commentable() && !row.locked() && row.moderation().is_visible();
        Ok(Discussion { threads: build_threads(flat), counts: stance_counts, total, page, pages, open })
    }

    fn to_comment(r: Row, viewer: Option<UserId>, now: i64) -> (Option<CommentId>, Comment) {
        let moderation =
            Moderation::from_columns(&r.moderation, r.moderation_reason.as_deref(), r.moderation_note.as_deref());
        let deleted = r.deleted_at.is_some();
        let shown = moderation.is_visible() && !deleted;
        let own = viewer.is_some_and(|v| v.0 == r.author_id);
        let comment = Comment {
            id: CommentId(r.id),
            author_id: UserId(r.author_id),
            author: if deleted { String::new() } else { r.author },
            depth: r.depth,
            stance: Stance::parse(&r.stance).unwrap_or(Stance::Neutral),
            body_md: if own && shown && editable(r.created_at, now) { r.body_md } else { String::new() },
            body_html: if shown { r.body_html } else { String::new() },
            moderation,
            created_at: r.created_at,
            edited: r.edited_at.is_some(),
            deleted,
            own,
            editable_until: (own && shown && editable(r.created_at, now)).then_some(r.created_at + EDIT_WINDOW_SECS),
            replies: Vec::new(),
        };
        (r.parent_id.map(CommentId), comment)
    }

    #[tracing::instrument(skip_all, fields(objective = objective.0))]
    pub async fn add(
        objective: ObjectiveId,
        parent: Option<CommentId>,
        stance: &str,
        body: &str,
    ) -> Result<CommentId, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let row = load(db, objective, Some(&user)).await?;
        check_participant(db, &user, row.assembly()).await?;
        if !row.status().commentable() || !row.moderation().is_visible() {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        if row.locked() {
            return Err(AppError::User(ErrorCode::DiscussionLocked));
        }
        let mut v = crate::error::Validator::default();
        let stance = v.check("stance", Stance::parse(stance));
        let body = v.check("body", parse_body(body, COMMENT_MAX));
        v.finish()?;
        let (Some(stance), Some(body)) = (stance, body) else { return Err(AppError::Internal) };
        let (depth, thread) = match parent {
            None => (0, None),
            Some(p) => {
                let found: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
                    "select depth, thread_id, deleted_at from comments where id = $1 and objective_id = $2",
                )
                .bind(p.0)
                .bind(objective.0)
                .fetch_optional(&db.pool)
                .await?;
                let (parent_depth, parent_thread, _) = found.ok_or(AppError::User(ErrorCode::NotFound))?;
                (reply_depth(Some(parent_depth)).map_err(AppError::User)?, Some(parent_thread.unwrap_or(p.0)))
            }
        };
        let html = render_async(body.clone()).await?;
        let mut tx = db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into comments (objective_id, author_id, parent_id, thread_id, depth, stance, body_md, body_html, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(objective.0)
        .bind(user.id.0)
        .bind(parent.map(|p| p.0))
        .bind(thread)
        .bind(depth)
        .bind(stance.as_str())
        .bind(&body)
        .bind(&html)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        if thread.is_none() {
            // A top-level comment is its own thread.
            sqlx::query("update comments set thread_id = id where id = $1").bind(id).execute(&mut *tx).await?;
        }
        search::index_comment(&mut tx, db.backend, CommentId(id), objective, &body).await?;
        record(
            &mut tx,
            Event::new(Some(user.id), row.assembly(), "comment.create", ("comment", id))
                .details(json!({ "objective": objective.0, "stance": stance.as_str() })),
        )
        .await?;
        tx.commit().await?;
        crate::sittings::api::ssr::announce_comment(&state, objective).await;
        Ok(CommentId(id))
    }

    /// The comment, if the signed-in person wrote it and may still act in its assembly.
    async fn own_comment(
        id: CommentId,
    ) -> Result<(crate::accounts::SessionUser, ObjectiveId, crate::ids::AssemblyId, i64), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let found: Option<(i64, i64, i64, i64, Option<i64>, String)> = sqlx::query_as(
            "select c.objective_id, o.assembly_id, c.author_id, c.created_at, c.deleted_at, c.moderation \
             from comments c join objectives o on o.id = c.objective_id where c.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
        let (objective, assembly, author, created_at, deleted_at, moderation) =
            found.ok_or(AppError::User(ErrorCode::NotFound))?;
        if author != user.id.0 {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        let assembly = crate::ids::AssemblyId(assembly);
        check_participant(db, &user, assembly).await?;
        if deleted_at.is_some() || moderation != "visible" {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        Ok((user, ObjectiveId(objective), assembly, created_at))
    }

    #[tracing::instrument(skip_all, fields(comment = id.0))]
    pub async fn edit(id: CommentId, body: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (user, objective, assembly, created_at) = own_comment(id).await?;
        let now = now();
        if !editable(created_at, now) {
            return Err(AppError::User(ErrorCode::EditWindowClosed));
        }
        let body = parse_body(body, COMMENT_MAX).map_err(|code| AppError::field("body", code))?;
        let html = render_async(body.clone()).await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query("update comments set body_md = $1, body_html = $2, edited_at = $3 where id = $4")
            .bind(&body)
            .bind(&html)
            .bind(now)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        search::index_comment(&mut tx, db.backend, id, objective, &body).await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "comment.edit", ("comment", id.0))
                .details(json!({ "objective": objective.0 })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the text; the comment's place stays so its replies keep their context.
    #[tracing::instrument(skip_all, fields(comment = id.0))]
    pub async fn delete(id: CommentId) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let found: Option<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
            "select c.objective_id, o.assembly_id, c.author_id, c.deleted_at from comments c \
             join objectives o on o.id = c.objective_id where c.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
        let (objective, assembly, author, deleted_at) = found.ok_or(AppError::User(ErrorCode::NotFound))?;
        // Deleting one's own words is always allowed, even when suspended.
        if author != user.id.0 {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        if deleted_at.is_some() {
            return Ok(());
        }
        let mut tx = db.pool.begin().await?;
        sqlx::query("update comments set body_md = '', body_html = '', deleted_at = $1 where id = $2")
            .bind(now())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        search::unindex_comment(&mut tx, db.backend, id).await?;
        record(
            &mut tx,
            Event::new(Some(user.id), crate::ids::AssemblyId(assembly), "comment.delete", ("comment", id.0))
                .details(json!({ "objective": objective })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
