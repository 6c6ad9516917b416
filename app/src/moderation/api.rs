//! Moderation server functions. Reporting is for the assembly's members and facilitators;
//! everything else is for its facilitators (and admins). Each action is audited in the
//! transaction that makes it.
use super::Queue;
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "report_content")]
pub async fn report_content(target: String, reason: String, details: String) -> Result<(), AppError> {
    let result = ssr::report(&target, &reason, &details).await;
    finish(result, &[("reason", &reason), ("details", &details), ("target", &target)])
}

#[server(prefix = "/api", endpoint = "moderation_queue")]
pub async fn moderation_queue(assembly_id: i64) -> Result<Queue, AppError> {
    finish(ssr::queue(crate::ids::AssemblyId(assembly_id)).await, &[])
}

/// Applies `action` (hide, restore, dismiss) to every selected item. `items` are
/// `objective-12` / `comment-34`; a hide needs a reason, shown publicly in its place.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(
    assembly_id: i64,
    #[server(default)] items: Vec<String>,
    action: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<usize, AppError> {
    let result = ssr::moderate(crate::ids::AssemblyId(assembly_id), &items, &action, &reason, &note).await;
    let joined = items.join(",");
    finish(result, &[("reason", &reason), ("note", &note), ("action", &action), ("items", &joined)])
}

#[server(prefix = "/api", endpoint = "lock_discussion")]
pub async fn lock_discussion(objective_id: i64, locked: bool) -> Result<(), AppError> {
    finish(ssr::lock(crate::ids::ObjectiveId(objective_id), locked).await, &[])
}

#[server(prefix = "/api", endpoint = "suspend_member")]
pub async fn suspend_member(assembly_id: i64, user_id: i64, days: String, reason: String) -> Result<(), AppError> {
    let result = ssr::suspend(crate::ids::AssemblyId(assembly_id), crate::ids::UserId(user_id), &days, &reason).await;
    let user = user_id.to_string();
    finish(result, &[("days", &days), ("reason", &reason), ("user_id", &user)])
}

#[server(prefix = "/api", endpoint = "lift_suspension")]
pub async fn lift_suspension(suspension_id: i64) -> Result<(), AppError> {
    finish(ssr::lift(suspension_id).await, &[])
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::accounts::permissions::require_user;
    use crate::accounts::session::current_user;
    use crate::audit::ssr::{record, Event};
    use crate::db::{now, Backend, Db};
    use crate::error::ssr::ResultExt;
    use crate::error::{ErrorCode, Validator};
    use crate::ids::{AssemblyId, CommentId, ObjectiveId, UserId};
    use crate::moderation::*;
    use crate::objectives::api::ssr::{check_participant, require_moderator, threshold_of, Tx};
    use crate::objectives::search;
    use crate::state::app_state;
    use serde_json::json;

    /// Locks the target's row for this transaction (so concurrent reports are counted one
    /// after the other) and returns its assembly, author and moderation state.
    async fn lock_target(
        tx: &mut Tx<'_>,
        target: Target,
    ) -> Result<(AssemblyId, ObjectiveId, UserId, String), AppError> {
        let row: Option<(i64, i64, i64, String)> = match target {
            Target::Objective(id) => {
                sqlx::query_as(
                    "update objectives set moderation = moderation where id = $1 and status <> 'draft' \
                 returning assembly_id, id, author_id, moderation",
                )
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?
            }
            Target::Comment(id) => {
                let found: Option<(i64, i64, String)> = sqlx::query_as(
                    "update comments set moderation = moderation where id = $1 and deleted_at is null \
                     returning objective_id, author_id, moderation",
                )
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                match found {
                    None => None,
                    Some((objective, author, moderation)) => {
                        let (assembly,): (i64,) = sqlx::query_as("select assembly_id from objectives where id = $1")
                            .bind(objective)
                            .fetch_one(&mut **tx)
                            .await?;
                        Some((assembly, objective, author, moderation))
                    }
                }
            }
        };
        let (assembly, objective, author, moderation) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        Ok((AssemblyId(assembly), ObjectiveId(objective), UserId(author), moderation))
    }

    async fn target_owner(db: &Db, target: Target) -> Result<(AssemblyId, UserId), AppError> {
        let row: Option<(i64, i64)> = match target {
            Target::Objective(id) => {
                sqlx::query_as("select assembly_id, author_id from objectives where id = $1 and status <> 'draft'")
                    .bind(id)
                    .fetch_optional(&db.pool)
                    .await?
            }
            Target::Comment(id) => {
                sqlx::query_as(
                    "select o.assembly_id, c.author_id from comments c join objectives o on o.id = c.objective_id \
                 where c.id = $1 and c.deleted_at is null",
                )
                .bind(id)
                .fetch_optional(&db.pool)
                .await?
            }
        };
        let (assembly, author) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        Ok((AssemblyId(assembly), UserId(author)))
    }

    async fn set_state(
        tx: &mut Tx<'_>,
        target: Target,
        state: &str,
        reason: Option<&str>,
        note: Option<&str>,
    ) -> Result<(), AppError> {
        let table = match target {
            Target::Objective(_) => "objectives",
            Target::Comment(_) => "comments",
        };
        sqlx::query(&format!(
            "update {table} set moderation = $1, moderation_reason = $2, moderation_note = $3 where id = $4"
        ))
        .bind(state)
        .bind(reason)
        .bind(note)
        .bind(target.id())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Takes hidden content out of the search index, or puts restored content back.
    async fn sync_index(tx: &mut Tx<'_>, backend: Backend, target: Target, visible: bool) -> Result<(), AppError> {
        match (target, visible) {
            (Target::Objective(id), false) => search::unindex_objective(tx, backend, ObjectiveId(id)).await,
            (Target::Comment(id), false) => search::unindex_comment(tx, backend, CommentId(id)).await,
            (Target::Objective(id), true) => {
                let (title, body, goal): (String, String, String) =
                    sqlx::query_as("select title, body_md, target from objectives where id = $1")
                        .bind(id)
                        .fetch_one(&mut **tx)
                        .await?;
                search::index_objective(tx, backend, ObjectiveId(id), &[&title, &body, &goal]).await
            }
            (Target::Comment(id), true) => {
                let (objective, body): (i64, String) =
                    sqlx::query_as("select objective_id, body_md from comments where id = $1")
                        .bind(id)
                        .fetch_one(&mut **tx)
                        .await?;
                search::index_comment(tx, backend, CommentId(id), ObjectiveId(objective), &body).await
            }
        }
    }

    async fn resolve_reports(tx: &mut Tx<'_>, target: Target, by: UserId, resolution: &str) -> Result<(), AppError> {
        sqlx::query(
            "update reports set resolved_at = $1, resolved_by = $2, resolution = $3 \
             where target_type = $4 and target_id = $5 and resolved_at is null",
        )
        .bind(now())
        .bind(by.0)
        .bind(resolution)
        .bind(target.kind())
        .bind(target.id())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn report(target: &str, reason: &str, details: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let target = Target::parse(target).map_err(AppError::User)?;
        let mut v = Validator::default();
        let reason = v.check("reason", Reason::parse(reason));
        let details = reason.and_then(|r| v.check("details", parse_details(r, details)));
        v.finish()?;
        let (Some(reason), Some(details)) = (reason, details) else { return Err(AppError::Internal) };
        // Permissions first, outside the transaction: they read (and may touch) the session.
        let (assembly, author) = target_owner(db, target).await?;
        check_participant(db, &user, assembly).await?;
        if author == user.id {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        let mut tx = db.pool.begin().await?;
        let (_, _, _, moderation) = lock_target(&mut tx, target).await?;
        if moderation == "hidden" {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let (report_id,): (i64,) = sqlx::query_as(
            "insert into reports (assembly_id, target_type, target_id, reporter_id, reason, details, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(assembly.0)
        .bind(target.kind())
        .bind(target.id())
        .bind(user.id.0)
        .bind(reason.as_str())
        .bind(&details)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .on_constraint(&["report_open_unique", "reports.reporter_id"], || AppError::User(ErrorCode::AlreadyReported))?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "report.create", (target.kind(), target.id()))
                .details(json!({ "report": report_id, "reason": reason.as_str() })),
        )
        .await?;
        let (reporters,): (i64,) = sqlx::query_as(
            "select count(distinct reporter_id) from reports where target_type = $1 and target_id = $2 and resolved_at is null",
        )
        .bind(target.kind())
        .bind(target.id())
        .fetch_one(&mut *tx)
        .await?;
        if moderation == "visible" && auto_hides(reporters) {
            set_state(&mut tx, target, "pending", None, None).await?;
            sync_index(&mut tx, db.backend, target, false).await?;
            record(
                &mut tx,
                Event::new(None, assembly, "moderation.auto_hide", (target.kind(), target.id()))
                    .details(json!({ "reporters": reporters })),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn moderate(
        assembly: AssemblyId,
        items: &[String],
        action: &str,
        reason: &str,
        note: &str,
    ) -> Result<usize, AppError> {
        let state = app_state()?;
        let db = &state.db;
        threshold_of(db, assembly).await?;
        let user = require_moderator(db, assembly).await?;
        let mut v = Validator::default();
        let action = v.check("action", ModAction::parse(action));
        let reason = match action {
            Some(ModAction::Hide) => v.check("reason", Reason::parse(reason)).map(Some),
            _ => Some(None),
        };
        let note = match reason {
            Some(Some(r)) => v.check("note", parse_details(r, note)),
            _ => Some(String::new()),
        };
        v.finish()?;
        let (Some(action), Some(reason), Some(note)) = (action, reason, note) else { return Err(AppError::Internal) };
        let targets = items.iter().map(|i| Target::parse(i)).collect::<Result<Vec<_>, _>>().map_err(AppError::User)?;
        if targets.is_empty() {
            return Err(AppError::User(ErrorCode::Required));
        }
        let mut tx = db.pool.begin().await?;
        for &target in &targets {
            let (target_assembly, _, _, moderation) = lock_target(&mut tx, target).await?;
            if target_assembly != assembly {
                return Err(AppError::User(ErrorCode::NotFound));
            }
            let (resolution, new_state) = match action {
                ModAction::Hide => ("hidden", Some("hidden")),
                ModAction::Restore => ("restored", Some("visible")),
                ModAction::Dismiss => ("dismissed", (moderation == "pending").then_some("visible")),
            };
            if let Some(new_state) = new_state {
                let note = (!note.is_empty()).then_some(note.as_str());
                set_state(&mut tx, target, new_state, reason.map(Reason::as_str), note).await?;
                sync_index(&mut tx, db.backend, target, new_state == "visible").await?;
            }
            resolve_reports(&mut tx, target, user.id, resolution).await?;
            record(
                &mut tx,
                Event {
                    actor: Some(user.id),
                    assembly: Some(assembly),
                    action: match action {
                        ModAction::Hide => "moderation.hide",
                        ModAction::Restore => "moderation.restore",
                        ModAction::Dismiss => "moderation.dismiss",
                    },
                    target_type: target.kind(),
                    target_id: Some(target.id()),
                    details: json!({ "reason": reason.map(Reason::as_str), "note": note }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(targets.len())
    }

    #[tracing::instrument(skip_all, fields(objective = objective.0))]
    pub async fn lock(objective: ObjectiveId, locked: bool) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let found: Option<(i64,)> =
            sqlx::query_as("select assembly_id from objectives where id = $1 and status <> 'draft'")
                .bind(objective.0)
                .fetch_optional(&db.pool)
                .await?;
        let assembly = AssemblyId(found.ok_or(AppError::User(ErrorCode::NotFound))?.0);
        let user = require_moderator(db, assembly).await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query("update objectives set locked = $1 where id = $2")
            .bind(crate::db::flag(locked))
            .bind(objective.0)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event::new(
                Some(user.id),
                assembly,
                if locked { "moderation.lock" } else { "moderation.unlock" },
                ("objective", objective.0),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn suspend(assembly: AssemblyId, member: UserId, days: &str, reason: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        threshold_of(db, assembly).await?;
        let user = require_moderator(db, assembly).await?;
        if member == user.id {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        let mut v = Validator::default();
        let days = v.check("days", parse_suspension_days(days));
        let reason = v.check("reason", parse_details(Reason::Other, reason));
        v.finish()?;
        let (Some(days), Some(reason)) = (days, reason) else { return Err(AppError::Internal) };
        let is_member: Option<(i64,)> =
            sqlx::query_as("select user_id from memberships where assembly_id = $1 and user_id = $2 limit 1")
                .bind(assembly.0)
                .bind(member.0)
                .fetch_optional(&db.pool)
                .await?;
        if is_member.is_none() {
            return Err(AppError::User(ErrorCode::NotFound));
        }
        let now = now();
        let until = now + days * 24 * 3600;
        let mut tx = db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into suspensions (assembly_id, user_id, reason, until, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(assembly.0)
        .bind(member.0)
        .bind(&reason)
        .bind(until)
        .bind(user.id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "moderation.suspend", ("user", member.0))
                .details(json!({ "suspension": id, "days": days, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn lift(suspension: i64) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let found: Option<(i64, i64)> = sqlx::query_as("select assembly_id, user_id from suspensions where id = $1")
            .bind(suspension)
            .fetch_optional(&db.pool)
            .await?;
        let (assembly, member) = found.ok_or(AppError::User(ErrorCode::NotFound))?;
        let user = require_moderator(db, AssemblyId(assembly)).await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query("update suspensions set lifted_at = $1, lifted_by = $2 where id = $3 and lifted_at is null")
            .bind(now())
            .bind(user.id.0)
            .bind(suspension)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), AssemblyId(assembly), "moderation.lift_suspension", ("user", member))
                .details(json!({ "suspension": suspension })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn excerpt(text: &str) -> String {
        let mut s: String = text.chars().take(400).collect();
        if text.chars().count() > 400 {
            s.push('…');
        }
        s
    }

    async fn queue_item(db: &Db, target: Target) -> Result<Option<QueueItem>, AppError> {
        type ItemRow = (i64, String, i64, String, String, String, Option<String>, Option<String>);
        let row: Option<ItemRow> = match target {
            Target::Objective(id) => sqlx::query_as(
                "select o.id, o.title, o.author_id, u.display_name, o.title || ' — ' || o.body_md, o.moderation, \
                 o.moderation_reason, o.moderation_note from objectives o join users u on u.id = o.author_id where o.id = $1",
            )
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
            Target::Comment(id) => sqlx::query_as(
                "select o.id, o.title, c.author_id, u.display_name, c.body_md, c.moderation, c.moderation_reason, \
                 c.moderation_note from comments c join objectives o on o.id = c.objective_id \
                 join users u on u.id = c.author_id where c.id = $1",
            )
            .bind(id)
            .fetch_optional(&db.pool)
            .await?,
        };
        let Some((objective_id, objective_title, author_id, author, text, state, reason, note)) = row else {
            return Ok(None);
        };
        let reports: Vec<(String, String, i64)> = sqlx::query_as(
            "select reason, details, created_at from reports where target_type = $1 and target_id = $2 \
             and resolved_at is null order by created_at",
        )
        .bind(target.kind())
        .bind(target.id())
        .fetch_all(&db.pool)
        .await?;
        let mut reasons: Vec<(Reason, i64)> = Vec::new();
        for (r, _, _) in &reports {
            let r = Reason::parse(r).unwrap_or(Reason::Other);
            match reasons.iter_mut().find(|(x, _)| *x == r) {
                Some((_, n)) => *n += 1,
                None => reasons.push((r, 1)),
            }
        }
        Ok(Some(QueueItem {
            target,
            objective_id: ObjectiveId(objective_id),
            objective_title,
            author_id: UserId(author_id),
            author,
            excerpt: excerpt(&text),
            moderation: Moderation::from_columns(&state, reason.as_deref(), note.as_deref()),
            reasons,
            details: reports.iter().map(|(_, d, _)| d.clone()).filter(|d| !d.is_empty()).collect(),
            first_reported_at: reports.first().map(|r| r.2),
        }))
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn queue(assembly: AssemblyId) -> Result<Queue, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (assembly_name, threshold) = threshold_of(db, assembly).await?;
        require_moderator(db, assembly).await?;
        let open: Vec<(String, i64)> = sqlx::query_as(
            "select target_type, target_id from reports where assembly_id = $1 and resolved_at is null \
             group by target_type, target_id order by min(created_at) limit 200",
        )
        .bind(assembly.0)
        .fetch_all(&db.pool)
        .await?;
        let mut items = Vec::with_capacity(open.len());
        for (kind, id) in open {
            let target = if kind == "objective" { Target::Objective(id) } else { Target::Comment(id) };
            if let Some(item) = queue_item(db, target).await? {
                items.push(item);
            }
        }
        let suspensions: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
            "select s.id, s.user_id, u.display_name, s.reason, s.until from suspensions s join users u on u.id = s.user_id \
             where s.assembly_id = $1 and s.lifted_at is null and s.until > $2 order by s.until",
        )
        .bind(assembly.0)
        .bind(now())
        .fetch_all(&db.pool)
        .await?;
        type LogRow = (Option<String>, String, String, Option<i64>, String, i64);
        let log: Vec<LogRow> = sqlx::query_as(
            "select u.display_name, e.action, e.target_type, e.target_id, e.details, e.created_at from audit_events e \
             left join users u on u.id = e.actor_id where e.assembly_id = $1 and e.action like 'moderation.%' \
             order by e.id desc limit 100",
        )
        .bind(assembly.0)
        .fetch_all(&db.pool)
        .await?;
        let members: Vec<(i64, String)> = sqlx::query_as(
            "select distinct u.id, u.display_name from memberships m join users u on u.id = m.user_id \
             where m.assembly_id = $1 and m.role in ('member', 'facilitator') and u.disabled = 0 order by u.display_name",
        )
        .bind(assembly.0)
        .fetch_all(&db.pool)
        .await?;
        Ok(Queue {
            members: members.into_iter().map(|(id, name)| (UserId(id), name)).collect(),
            assembly_name,
            threshold,
            items,
            suspensions: suspensions
                .into_iter()
                .map(|(id, user_id, user, reason, until)| Suspension {
                    id,
                    user_id: UserId(user_id),
                    user,
                    reason,
                    until,
                })
                .collect(),
            log: log
                .into_iter()
                .map(|(actor, action, target_type, target_id, details, created_at)| LogEntry {
                    actor,
                    action,
                    target_type,
                    target_id,
                    details,
                    created_at,
                })
                .collect(),
        })
    }
}
