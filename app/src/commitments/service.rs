//! Commitments' use cases: the public outcomes and commitment pages, and the staff's work —
//! publishing an adopted objective as a commitment, changing its status, date and declared
//! progress (each with a reason, in its history), milestones, indicators and their
//! measurements, progress updates — and each person's notifications. A change reads the
//! commitment as it stands inside the transaction that changes it, after its lock.
use super::store::{self, NewChange, NewCommitment, NewIndicator};
use super::{
    format_iso, late_since, parse_date, parse_percent, parse_text, parse_value, progress, shown_status, trend,
    ChangeKind, Commitment, CommitmentSummary, Counts, Direction, Indicator, NotificationKind, Notifications, Outcomes,
    Shown, Status, REASON_MAX, SERVICE_MAX, SOURCE_MAX, SUMMARY_MAX, TITLE_MAX, UNIT_MAX, UPDATE_MAX,
};
use crate::audit::store::{record_at, Event};
use crate::context::Ctx;
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::Actor;
use crate::ids::{AssemblyId, CommitmentId, IndicatorId, MilestoneId, ObjectiveId};
use crate::objectives::Channel;
use serde_json::json;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

/// The date in French time at `now`, `YYYY-MM-DD` (dates compare as text).
pub fn today(now: i64) -> String {
    let offset =
        time::UtcOffset::from_hms(crate::i18n_texts::paris_offset_hours(now), 0, 0).unwrap_or(time::UtcOffset::UTC);
    let d =
        time::OffsetDateTime::from_unix_timestamp(now).unwrap_or(time::OffsetDateTime::UNIX_EPOCH).to_offset(offset);
    format_iso(d.date())
}

async fn staff_assembly(ctx: &Ctx, actor: &Actor, id: CommitmentId) -> Result<AssemblyId, AppError> {
    let assembly = store::assembly_of(&ctx.db, id).await?.ok_or_else(not_found)?;
    actor.must_work_for(assembly)?;
    Ok(assembly)
}

/// The text fields of a commitment as typed.
pub struct Fields<'a> {
    pub service: &'a str,
    pub contact_role: &'a str,
    pub summary: &'a str,
}

fn check_fields(v: &mut Validator, f: &Fields<'_>) -> Option<(String, String, String)> {
    let service = v.check("service", parse_text(f.service, 2, SERVICE_MAX));
    let contact = v.check("contact_role", parse_text(f.contact_role, 2, SERVICE_MAX));
    let summary = v.check("summary", parse_text(f.summary, 10, SUMMARY_MAX));
    Some((service?, contact?, summary?))
}

/// Staff publish an adopted objective as a commitment, linked to the vote that adopted it.
#[tracing::instrument(skip_all, fields(objective = objective.0))]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    objective: ObjectiveId,
    form: &Fields<'_>,
    target_date: &str,
) -> Result<CommitmentId, AppError> {
    let assembly = crate::objectives::service::state(ctx, actor, objective).await?.assembly;
    actor.must_work_for(assembly)?;
    let mut v = Validator::default();
    let fields = check_fields(&mut v, form);
    let date = v.check("target_date", parse_date(target_date));
    let ((service, contact, summary), date) = v.finish_with((fields, date))?;
    let html = crate::markdown::render_async(summary.clone()).await?;
    let mut tx = ctx.begin().await?;
    let o = crate::objectives::service::state_in(&mut tx, objective).await?;
    if o.status != crate::objectives::Status::Adopted {
        return Err(AppError::User(ErrorCode::NotAdopted));
    }
    let round = store::adopting_round(&mut tx, objective).await?;
    let date = format_iso(date);
    let new = NewCommitment {
        assembly,
        objective,
        round,
        service: &service,
        contact_role: &contact,
        summary: &summary,
        summary_html: &html,
        target_date: &date,
        by: actor.id(),
    };
    let id = store::insert(&mut tx, &new, now).await?;
    let created = NewChange { kind: "created", old: "", new: Status::Planned.as_str(), reason: "", author: actor.id() };
    store::log_change(&mut tx, id, &created, now).await?;
    store::notify(&mut tx, id, NotificationKind::Created, "", now).await?;
    let event = Event::new(actor.id(), assembly, "commitment.create", ("commitment", id.0))
        .details(json!({ "objective": objective.0, "target_date": date }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn edit(ctx: &Ctx, actor: &Actor, now: i64, id: CommitmentId, form: &Fields<'_>) -> Result<(), AppError> {
    let assembly = staff_assembly(ctx, actor, id).await?;
    let mut v = Validator::default();
    let fields = check_fields(&mut v, form);
    let ((service, contact, summary),) = v.finish_with((fields,))?;
    let html = crate::markdown::render_async(summary.clone()).await?;
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    store::update_text(&mut tx, id, (&service, &contact, &summary, &html), now).await?;
    record_at(&mut tx, Event::new(actor.id(), assembly, "commitment.edit", ("commitment", id.0)), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the status (abandoning needs a public reason), the target date (with a reason)
/// or the declared progress (a percentage with a reason, or empty to go back to the
/// milestones). The history records the value before, as read under the commitment's lock.
#[tracing::instrument(skip_all, fields(commitment = id.0))]
pub async fn change(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    id: CommitmentId,
    what: &str,
    (value, reason): (&str, &str),
) -> Result<(), AppError> {
    let assembly = staff_assembly(ctx, actor, id).await?;
    let what = ChangeKind::parse(what).map_err(AppError::User)?;
    let reason = parse_text(reason, 0, REASON_MAX).map_err(|c| AppError::field("reason", c))?;
    let require_reason =
        || if reason.is_empty() { Err(AppError::field("reason", ErrorCode::Required)) } else { Ok(()) };
    let mut tx = ctx.begin().await?;
    let current = store::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let change = |old: String, new: String| (old, new);
    let (old, new) = match what {
        ChangeKind::Status => {
            let new = Status::parse(value).map_err(|c| AppError::field("value", c))?;
            if new == Status::Abandoned {
                require_reason()?;
            }
            if new == current.status {
                return Ok(());
            }
            store::set_status(&mut tx, id, new, &reason).await?;
            store::notify(&mut tx, id, NotificationKind::Status, new.as_str(), now).await?;
            change(current.status.as_str().to_owned(), new.as_str().to_owned())
        }
        ChangeKind::TargetDate => {
            let date = format_iso(parse_date(value).map_err(|c| AppError::field("value", c))?);
            require_reason()?;
            store::set_target_date(&mut tx, id, &date).await?;
            store::notify(&mut tx, id, NotificationKind::TargetDate, &date, now).await?;
            change(current.target_date, date)
        }
        ChangeKind::Progress => {
            let new = parse_percent(value).map_err(|c| AppError::field("value", c))?.map(i64::from);
            if new.is_some() {
                require_reason()?;
            }
            store::set_progress(&mut tx, id, new, &reason).await?;
            let show = |p: Option<i64>| p.map(|p| p.to_string()).unwrap_or_default();
            change(show(current.progress_override), show(new))
        }
    };
    let line = NewChange { kind: what.as_str(), old: &old, new: &new, reason: &reason, author: actor.id() };
    store::log_change(&mut tx, id, &line, now).await?;
    let action = format!("commitment.{what}");
    let event = Event::new(actor.id(), assembly, &action, ("commitment", id.0))
        .details(json!({ "value": value, "reason": reason }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_milestone(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    id: CommitmentId,
    (title, due): (&str, &str),
) -> Result<MilestoneId, AppError> {
    let assembly = staff_assembly(ctx, actor, id).await?;
    let mut v = Validator::default();
    let title = v.check("title", parse_text(title, 2, TITLE_MAX));
    let due = v.check("due_date", parse_date(due));
    let (title, due) = v.finish_with((title, due))?;
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let m = store::insert_milestone(&mut tx, id, &title, &format_iso(due), now).await?;
    let event =
        Event::new(actor.id(), assembly, "milestone.add", ("commitment", id.0)).details(json!({ "title": title }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(m)
}

pub async fn set_milestone(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    milestone: MilestoneId,
    done: bool,
) -> Result<(), AppError> {
    let (commitment, assembly) = store::milestone_owner(&ctx.db, milestone).await?.ok_or_else(not_found)?;
    actor.must_work_for(assembly)?;
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, commitment).await?.ok_or_else(not_found)?;
    store::set_milestone_done(&mut tx, milestone, done.then(|| today(now)).as_deref()).await?;
    let event = Event::new(actor.id(), assembly, "milestone.set", ("commitment", commitment.0))
        .details(json!({ "milestone": milestone.0, "done": done }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// What staff type for a new indicator.
pub struct IndicatorForm<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub baseline: &'a str,
    pub target: &'a str,
    pub direction: &'a str,
}

pub async fn add_indicator(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    id: CommitmentId,
    form: &IndicatorForm<'_>,
) -> Result<IndicatorId, AppError> {
    let assembly = staff_assembly(ctx, actor, id).await?;
    let mut v = Validator::default();
    let name = v.check("name", parse_text(form.name, 2, TITLE_MAX));
    let unit = v.check("unit", parse_text(form.unit, 1, UNIT_MAX));
    let baseline = v.check("baseline", parse_value(form.baseline));
    let target = v.check("target", parse_value(form.target));
    let direction = v.check("direction", Direction::parse(form.direction));
    let (name, unit, baseline, target, direction) = v.finish_with((name, unit, baseline, target, direction))?;
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let new = NewIndicator { name: &name, unit: &unit, baseline, target, direction };
    let i = store::insert_indicator(&mut tx, id, &new, now).await?;
    let event =
        Event::new(actor.id(), assembly, "indicator.add", ("commitment", id.0)).details(json!({ "name": name }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(i)
}

/// Adds (or corrects) the measurement of `indicator` on a date: one value per date, none in
/// the future. Staff of another assembly cannot measure this one's indicators.
pub async fn add_measurement(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    indicator: IndicatorId,
    (on, value, source): (&str, &str, &str),
) -> Result<(), AppError> {
    let (commitment, assembly) = store::indicator_owner(&ctx.db, indicator).await?.ok_or_else(not_found)?;
    actor.must_work_for(assembly)?;
    let mut v = Validator::default();
    let on = v.check("measured_on", parse_date(on));
    let value = v.check("value", parse_value(value));
    let source = v.check("source", parse_text(source, 2, SOURCE_MAX));
    let (on, value, source) = v.finish_with((on, value, source))?;
    let on = format_iso(on);
    if on > today(now) {
        return Err(AppError::field("measured_on", ErrorCode::DateInFuture));
    }
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, commitment).await?.ok_or_else(not_found)?;
    store::upsert_measurement(&mut tx, indicator, (&on, value, &source), actor.id(), now).await?;
    let event = Event::new(actor.id(), assembly, "measurement.add", ("commitment", commitment.0))
        .details(json!({ "indicator": indicator.0, "on": on, "value": value }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn post_update(ctx: &Ctx, actor: &Actor, now: i64, id: CommitmentId, body: &str) -> Result<(), AppError> {
    let assembly = staff_assembly(ctx, actor, id).await?;
    let body = crate::text::parse_body(body, UPDATE_MAX).map_err(|c| AppError::field("body", c))?;
    let html = crate::markdown::render_async(body.clone()).await?;
    let mut tx = ctx.begin().await?;
    store::lock(&mut tx, id).await?.ok_or_else(not_found)?;
    let u = store::insert_update(&mut tx, id, &body, &html, actor.id(), now).await?;
    store::notify(&mut tx, id, NotificationKind::Update, "", now).await?;
    let event =
        Event::new(actor.id(), assembly, "commitment.update", ("commitment", id.0)).details(json!({ "update": u }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// What we decided and where we stand: the assembly's commitments with their status as
/// shown (late derived from the date), progress and latest update, filtered by channel and
/// shown status; the counts are for the whole assembly.
#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn outcomes(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    (channel, status): (Option<&str>, Option<&str>),
) -> Result<Outcomes, AppError> {
    let (assembly_name, _) = crate::assemblies::service::name_and_threshold(ctx, assembly).await?;
    let today = today(now);
    let channel = channel.filter(|c| !c.is_empty()).and_then(|c| Channel::parse(c).ok());
    let wanted = status.and_then(|s| Shown::parse(s).ok());
    let mut latest = store::latest_updates(&ctx.db, assembly).await?;
    let mut counts = Counts::default();
    let mut items = Vec::new();
    for r in store::summaries(&ctx.db, assembly).await? {
        let shown = shown_status(r.status, &r.target_date, &today);
        counts.add(shown);
        if channel.is_some_and(|c| c != r.channel) || wanted.is_some_and(|w| w != shown) {
            continue;
        }
        let declared = r.progress_override.map(|p| (p as u32, r.progress_reason.as_str()));
        let latest_update = latest.iter().position(|(c, _)| *c == r.id).map(|i| latest.swap_remove(i).1);
        items.push(CommitmentSummary {
            id: r.id,
            objective_id: r.objective_id,
            progress: progress(r.milestones_done as u32, r.milestones as u32, declared),
            title: r.title,
            channel: r.channel,
            service: r.service,
            target_date: r.target_date,
            shown,
            latest_update,
        });
    }
    let can_publish = actor.works_for(assembly);
    let adopted = if can_publish { store::adopted_without_commitment(&ctx.db, assembly).await? } else { Vec::new() };
    Ok(Outcomes { assembly_id: assembly, assembly_name, counts, items, can_publish, adopted })
}

/// One commitment with its links back to the proposal, debate and vote, its milestones,
/// indicators (with their trend), updates and history.
#[tracing::instrument(skip_all, fields(commitment = id.0))]
pub async fn get(ctx: &Ctx, actor: &Actor, now: i64, id: CommitmentId) -> Result<Commitment, AppError> {
    let r = store::commitment(&ctx.db, id).await?.ok_or_else(not_found)?;
    let today = today(now);
    let shown = shown_status(r.status, &r.target_date, &today);
    let milestones = store::milestones(&ctx.db, id).await?;
    let done = milestones.iter().filter(|m| m.done_on.is_some()).count() as u32;
    let mut measurements = store::measurements(&ctx.db, id).await?;
    let indicators = store::indicators(&ctx.db, id)
        .await?
        .into_iter()
        .map(|i| {
            let (mine, rest): (Vec<_>, Vec<_>) = measurements.drain(..).partition(|(owner, _)| *owner == i.id);
            measurements = rest;
            let measurements: Vec<_> = mine.into_iter().map(|(_, m)| m).collect();
            let values: Vec<f64> = measurements.iter().map(|m| m.value).collect();
            Indicator {
                trend: trend(i.baseline, i.target, i.direction, &values),
                id: i.id,
                name: i.name,
                unit: i.unit,
                baseline: i.baseline,
                target: i.target,
                direction: i.direction,
                measurements,
            }
        })
        .collect();
    let sitting = match r.round_id {
        Some(round) => store::sitting_of_round(&ctx.db, round).await?,
        None => None,
    };
    let declared = r.progress_override.map(|p| (p as u32, r.progress_reason.as_str()));
    Ok(Commitment {
        id,
        assembly_id: r.assembly_id,
        assembly_name: r.assembly_name.clone(),
        objective_id: r.objective_id,
        title: r.title.clone(),
        channel: r.channel,
        round_id: r.round_id,
        sitting,
        comments: store::visible_comments(&ctx.db, r.objective_id).await?,
        service: r.service.clone(),
        contact_role: r.contact_role.clone(),
        summary_md: r.summary_md.clone(),
        summary_html: r.summary_html.clone(),
        late_since: (shown == Shown::Late).then(|| late_since(&r.target_date)).flatten(),
        target_date: r.target_date.clone(),
        status: r.status,
        status_reason: r.status_reason.clone(),
        shown,
        progress: progress(done, milestones.len() as u32, declared),
        milestones,
        indicators,
        updates: store::updates(&ctx.db, id).await?,
        changes: store::changes(&ctx.db, id).await?,
        can_edit: actor.works_for(r.assembly_id),
        today,
    })
}

pub async fn notifications(ctx: &Ctx, actor: &Actor) -> Result<Notifications, AppError> {
    let user = actor.signed_in()?;
    Ok(Notifications {
        unread: store::unread_count(&ctx.db, user.id).await?,
        items: store::notifications(&ctx.db, user.id).await?,
    })
}

pub async fn mark_read(ctx: &Ctx, actor: &Actor, now: i64) -> Result<(), AppError> {
    let user = actor.signed_in()?;
    let mut tx = ctx.begin().await?;
    store::mark_read(&mut tx, user.id, now).await?;
    tx.commit().await?;
    Ok(())
}
