//! Moderation's use cases: reporting (members and facilitators), and the facilitators'
//! queue, hide / restore / dismiss, discussion locks and suspensions. Each action is
//! audited in the transaction that makes it, after the lock on the content it acts on.
use super::store::{self, NewReport, NewSuspension};
use super::{auto_hides, parse_details, parse_suspension_days, ModAction, Queue, QueueItem, Reason, State, Target};
use crate::audit::store::{record_at, Event};
use crate::context::Ctx;
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::{store::participant, Actor};
use crate::ids::{AssemblyId, ObjectiveId, SuspensionId, UserId};
use serde_json::json;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

async fn assembly_name(ctx: &Ctx, assembly: AssemblyId) -> Result<(String, i64), AppError> {
    crate::assemblies::service::name_and_threshold(ctx, assembly).await
}

/// A member reports content; reports from three different members hide it pending review.
#[tracing::instrument(skip_all)]
pub async fn report(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    target: &str,
    reason: &str,
    details: &str,
) -> Result<(), AppError> {
    actor.signed_in()?;
    let target = Target::parse(target).map_err(AppError::User)?;
    let mut v = Validator::default();
    let reason = v.check("reason", Reason::parse(reason));
    let details = reason.and_then(|r| v.check("details", parse_details(r, details)));
    let (reason, details) = v.finish_with((reason, details))?;
    let mut tx = ctx.begin().await?;
    let content = store::lock_target(&mut tx, target).await?.ok_or_else(not_found)?;
    let user = participant(&mut tx, actor, content.assembly, now).await?;
    if content.author == user.id {
        return Err(AppError::User(ErrorCode::Forbidden));
    }
    if content.state == State::Hidden {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    let new = NewReport { assembly: content.assembly, target, reporter: user.id, reason, details: &details };
    let report = store::insert_report(&mut tx, &new, now).await?;
    let event = Event::new(actor.id(), content.assembly, "report.create", (target.kind(), target.id()))
        .details(json!({ "report": report.0, "reason": reason.as_str() }));
    record_at(&mut tx, event, now).await?;
    let reporters = store::open_reporters(&mut tx, target).await?;
    if content.state == State::Visible && auto_hides(reporters) {
        store::set_state(&mut tx, target, State::Pending, None, None).await?;
        store::sync_index(&mut tx, ctx.db.backend, target, false).await?;
        let event = Event::new(None, content.assembly, "moderation.auto_hide", (target.kind(), target.id()))
            .details(json!({ "reporters": reporters }));
        record_at(&mut tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Applies `action` (hide, restore, dismiss) to every selected item (`objective-12`,
/// `comment-34`); a hide needs a reason, shown publicly in its place.
#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn moderate(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    items: &[String],
    form: (&str, &str, &str),
) -> Result<usize, AppError> {
    let (action, reason, note) = form;
    assembly_name(ctx, assembly).await?;
    actor.must_moderate(assembly)?;
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
    let (action, reason, note) = v.finish_with((action, reason, note))?;
    let targets = items.iter().map(|i| Target::parse(i)).collect::<Result<Vec<_>, _>>().map_err(AppError::User)?;
    if targets.is_empty() {
        return Err(AppError::User(ErrorCode::Required));
    }
    let mut tx = ctx.begin().await?;
    for &target in &targets {
        let content = store::lock_target(&mut tx, target).await?.ok_or_else(not_found)?;
        if content.assembly != assembly {
            return Err(not_found());
        }
        let (resolution, new_state) = action.outcome(content.state);
        if let Some(new_state) = new_state {
            let note = (!note.is_empty()).then_some(note.as_str());
            store::set_state(&mut tx, target, new_state, reason, note).await?;
            store::sync_index(&mut tx, ctx.db.backend, target, new_state == State::Visible).await?;
        }
        store::resolve_reports(&mut tx, target, actor.id(), resolution, now).await?;
        let event = Event {
            actor: actor.id(),
            assembly: Some(assembly),
            action: action.action(),
            target_type: target.kind(),
            target_id: Some(target.id()),
            details: json!({ "reason": reason.map(Reason::as_str), "note": note }),
        };
        record_at(&mut tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(targets.len())
}

#[tracing::instrument(skip_all, fields(objective = objective.0))]
pub async fn lock(ctx: &Ctx, actor: &Actor, now: i64, objective: ObjectiveId, locked: bool) -> Result<(), AppError> {
    let assembly = store::objective_assembly(&ctx.db, objective).await?.ok_or_else(not_found)?;
    actor.must_moderate(assembly)?;
    let mut tx = ctx.begin().await?;
    store::set_locked(&mut tx, objective, locked).await?;
    let action = if locked { "moderation.lock" } else { "moderation.unlock" };
    record_at(&mut tx, Event::new(actor.id(), assembly, action, ("objective", objective.0)), now).await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn suspend(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    member: UserId,
    form: (&str, &str),
) -> Result<(), AppError> {
    let (days, reason) = form;
    assembly_name(ctx, assembly).await?;
    actor.must_moderate(assembly)?;
    if Some(member) == actor.id() {
        return Err(AppError::User(ErrorCode::Forbidden));
    }
    let mut v = Validator::default();
    let days = v.check("days", parse_suspension_days(days));
    let reason = v.check("reason", parse_details(Reason::Other, reason));
    let (days, reason) = v.finish_with((days, reason))?;
    let mut tx = ctx.begin().await?;
    if !store::is_member(&mut tx, assembly, member).await? {
        return Err(not_found());
    }
    let new = NewSuspension { assembly, member, reason: &reason, until: now + days * 24 * 3600, by: actor.id() };
    let id = store::insert_suspension(&mut tx, &new, now).await?;
    let event = Event::new(actor.id(), assembly, "moderation.suspend", ("user", member.0))
        .details(json!({ "suspension": id.0, "days": days, "reason": reason }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn lift(ctx: &Ctx, actor: &Actor, now: i64, suspension: SuspensionId) -> Result<(), AppError> {
    let (assembly, member) = store::suspension(&ctx.db, suspension).await?.ok_or_else(not_found)?;
    actor.must_moderate(assembly)?;
    let mut tx = ctx.begin().await?;
    store::lift_suspension(&mut tx, suspension, actor.id(), now).await?;
    let event = Event::new(actor.id(), assembly, "moderation.lift_suspension", ("user", member.0))
        .details(json!({ "suspension": suspension.0 }));
    record_at(&mut tx, event, now).await?;
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

async fn queue_item(ctx: &Ctx, target: Target) -> Result<Option<QueueItem>, AppError> {
    let Some(row) = store::item(&ctx.db, target).await? else { return Ok(None) };
    let reports = store::open_reports(&ctx.db, target).await?;
    let mut reasons: Vec<(Reason, i64)> = Vec::new();
    for r in &reports {
        match reasons.iter_mut().find(|(x, _)| *x == r.reason) {
            Some((_, n)) => *n += 1,
            None => reasons.push((r.reason, 1)),
        }
    }
    Ok(Some(QueueItem {
        target,
        moderation: row.moderation(),
        objective_id: row.objective_id,
        objective_title: row.objective_title,
        author_id: row.author_id,
        author: row.author,
        excerpt: excerpt(&row.text),
        reasons,
        details: reports.iter().map(|r| r.details.clone()).filter(|d| !d.is_empty()).collect(),
        first_reported_at: reports.first().map(|r| r.created_at),
    }))
}

/// Everything a facilitator reviews: reported content (reasons and notes, never who
/// reported), current suspensions, the moderation log, the members who can be suspended.
#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn queue(ctx: &Ctx, actor: &Actor, now: i64, assembly: AssemblyId) -> Result<Queue, AppError> {
    let (assembly_name, threshold) = assembly_name(ctx, assembly).await?;
    actor.must_moderate(assembly)?;
    let mut items = Vec::new();
    for target in store::reported(&ctx.db, assembly).await? {
        if let Some(item) = queue_item(ctx, target).await? {
            items.push(item);
        }
    }
    Ok(Queue {
        assembly_name,
        threshold,
        items,
        suspensions: store::suspensions(&ctx.db, assembly, now).await?,
        log: store::log(&ctx.db, assembly).await?,
        members: store::members(&ctx.db, assembly).await?,
    })
}
