//! Sittings' use cases: listing and reading (public), planning and running them, checking
//! members in and giving the floor (facilitators), raising a hand and giving a proxy
//! (members). Each change locks the sitting, checks its rules there, is audited and then
//! announced to the live pages. The last section is what voting reads: who takes part,
//! who is present, who holds whose proxy.
use super::store::{self, NewSitting, SittingRow};
use super::{
    parse_local, parse_online_url, parse_place, parse_title, speaking_times, AgendaEntry, Attendee, LiveComment, Mode,
    Person, Proxy, QueueStep, RunStep, Sitting, SittingList, SittingStatus, SittingViewer, Turn,
};
use crate::audit::store::{record_at, Event};
use crate::context::{Ctx, Tx};
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::{store::participant, Actor};
use crate::ids::{AssemblyId, ObjectiveId, SittingId, TurnId, UserId};
use crate::live::Topic;
use serde_json::json;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

async fn announce(ctx: &Ctx, sitting: SittingId, topic: Topic) {
    ctx.announce(sitting, topic).await;
}

/// The sitting locked inside `tx`, if `actor` facilitates its assembly.
async fn facilitated(tx: &mut Tx<'_>, actor: &Actor, sitting: SittingId) -> Result<SittingRow, AppError> {
    let row = store::lock_sitting(tx, sitting).await?.ok_or_else(not_found)?;
    actor.must_moderate(row.assembly_id)?;
    Ok(row)
}

pub async fn list(ctx: &Ctx, actor: &Actor, assembly: AssemblyId) -> Result<SittingList, AppError> {
    let (assembly_name, _) = crate::assemblies::service::name_and_threshold(ctx, assembly).await?;
    let (mut upcoming, mut past): (Vec<_>, Vec<_>) =
        store::summaries(&ctx.db, assembly).await?.into_iter().partition(|s| s.status != SittingStatus::Closed);
    past.reverse();
    upcoming.sort_by_key(|s| (s.status != SittingStatus::Live, s.starts_at));
    Ok(SittingList { assembly_id: assembly, assembly_name, upcoming, past, can_plan: actor.moderates(assembly) })
}

/// What a facilitator types to plan a sitting.
pub struct PlanForm<'a> {
    pub title: &'a str,
    pub date: &'a str,
    pub start: &'a str,
    pub end: &'a str,
    pub place: &'a str,
    pub online_url: &'a str,
}

#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn plan(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    form: &PlanForm<'_>,
) -> Result<SittingId, AppError> {
    crate::assemblies::service::name_and_threshold(ctx, assembly).await?;
    actor.must_moderate(assembly)?;
    let mut v = Validator::default();
    let title = v.check("title", parse_title(form.title));
    let starts_at = v.check("start", parse_local(form.date, form.start));
    let ends_at = v.check("end", parse_local(form.date, form.end));
    let place = v.check("place", parse_place(form.place));
    let online_url = v.check("online_url", parse_online_url(form.online_url));
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            v.check::<()>("end", Err(ErrorCode::EndBeforeStart));
        }
    }
    if let (Some(""), Some("")) = (place.as_deref(), online_url.as_deref()) {
        v.check::<()>("place", Err(ErrorCode::PlaceOrLinkRequired));
    }
    let (title, starts_at, ends_at, place, online_url) =
        v.finish_with((title, starts_at, ends_at, place, online_url))?;
    let mut tx = ctx.begin().await?;
    let new = NewSitting {
        assembly,
        title: &title,
        starts_at,
        ends_at,
        place: &place,
        online_url: &online_url,
        by: actor.id(),
    };
    let id = store::insert_sitting(&mut tx, &new, now).await?;
    let event = Event::new(actor.id(), assembly, "sitting.plan", ("sitting", id.0))
        .details(json!({ "title": title, "starts_at": starts_at }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes the agenda (`add`, `remove`, `up`, `down`, `current`) or the sitting itself
/// (`start`, `close`).
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn run(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    sitting: SittingId,
    step: &str,
    objective: Option<ObjectiveId>,
) -> Result<(), AppError> {
    let step = RunStep::parse(step).map_err(AppError::User)?;
    let objective_id = || objective.ok_or(AppError::field("objective_id", ErrorCode::Required));
    let mut tx = ctx.begin().await?;
    let row = facilitated(&mut tx, actor, sitting).await?;
    if row.status == SittingStatus::Closed && step != RunStep::Start {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    let topic = match step {
        RunStep::Add => {
            let id = objective_id()?;
            if !store::agenda_candidate(&mut tx, id, row.assembly_id).await? {
                return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
            }
            store::add_to_agenda(&mut tx, sitting, id, now).await?;
            Topic::Agenda
        }
        RunStep::Remove => {
            store::remove_from_agenda(&mut tx, sitting, objective_id()?).await?;
            Topic::Agenda
        }
        RunStep::Up | RunStep::Down => {
            reorder(&mut tx, sitting, objective_id()?, step == RunStep::Up).await?;
            Topic::Agenda
        }
        RunStep::Current => {
            if !store::set_current(&mut tx, sitting, objective_id()?).await? {
                return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
            }
            Topic::Agenda
        }
        RunStep::Start => {
            store::start(&mut tx, sitting, now).await?;
            Topic::Sitting
        }
        RunStep::Close => {
            if store::has_open_round(&mut tx, sitting).await? {
                return Err(AppError::User(ErrorCode::RoundsStillOpen));
            }
            store::close(&mut tx, sitting, now).await?;
            Topic::Sitting
        }
    };
    let action = format!("sitting.{step}");
    let event = Event::new(actor.id(), row.assembly_id, &action, ("sitting", sitting.0))
        .details(json!({ "objective": objective.map(|o| o.0) }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    announce(ctx, sitting, topic).await;
    Ok(())
}

/// Swaps the objective with its neighbour above (`up`) or below.
async fn reorder(tx: &mut Tx<'_>, sitting: SittingId, objective: ObjectiveId, up: bool) -> Result<(), AppError> {
    let items = store::agenda_positions(tx, sitting).await?;
    let Some(i) = items.iter().position(|(o, _)| *o == objective) else {
        return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
    };
    let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < items.len()) };
    if let Some(j) = j {
        store::set_position(tx, sitting, items[i].0, items[j].1).await?;
        store::set_position(tx, sitting, items[j].0, items[i].1).await?;
    }
    Ok(())
}

/// `mode`: `room`, `online`, or `absent` (undo a check-in).
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn check_in(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    sitting: SittingId,
    member: UserId,
    mode: &str,
) -> Result<(), AppError> {
    let mode = match mode {
        "absent" => None,
        other => Some(Mode::parse(other).map_err(|_| AppError::User(ErrorCode::InvalidChoice))?),
    };
    let mut tx = ctx.begin().await?;
    let row = facilitated(&mut tx, actor, sitting).await?;
    if row.status == SittingStatus::Closed {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    if !store::is_participant(&mut tx, row.assembly_id, member).await? {
        return Err(not_found());
    }
    store::set_attendance(&mut tx, sitting, member, mode, now).await?;
    let event = Event::new(actor.id(), row.assembly_id, "sitting.attendance", ("sitting", sitting.0))
        .details(json!({ "member": member.0, "mode": mode.map_or("absent", Mode::as_str) }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    announce(ctx, sitting, Topic::Attendance).await;
    Ok(())
}

/// Gives the member's proxy to `holder` for this sitting; without one, withdraws it. A
/// holder holds one proxy at most, and a vote is never passed on.
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn give_proxy(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    sitting: SittingId,
    holder: Option<UserId>,
) -> Result<(), AppError> {
    let mut tx = ctx.begin().await?;
    let row = store::lock_sitting(&mut tx, sitting).await?.ok_or_else(not_found)?;
    let user = participant(&mut tx, actor, row.assembly_id, now).await?;
    if row.status == SittingStatus::Closed {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    let removed = store::remove_proxy(&mut tx, sitting, user.id).await?;
    if let Some(holder) = holder {
        if holder == user.id || !store::is_participant(&mut tx, row.assembly_id, holder).await? {
            return Err(AppError::field("holder_id", ErrorCode::InvalidChoice));
        }
        if store::proxy_chain(&mut tx, sitting, user.id, holder).await? {
            return Err(AppError::field("holder_id", ErrorCode::ProxyTaken));
        }
        store::insert_proxy(&mut tx, sitting, user.id, holder, now).await?;
    } else if !removed {
        return Ok(());
    }
    let action = if holder.is_some() { "proxy.give" } else { "proxy.withdraw" };
    let event = Event::new(actor.id(), row.assembly_id, action, ("sitting", sitting.0))
        .details(json!({ "holder": holder.map(|h| h.0) }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    announce(ctx, sitting, Topic::Attendance).await;
    Ok(())
}

/// The speaking queue (see `QueueStep`).
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn queue(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    sitting: SittingId,
    step: &str,
    turn: Option<TurnId>,
) -> Result<(), AppError> {
    let step = QueueStep::parse(step).map_err(AppError::User)?;
    let mut tx = ctx.begin().await?;
    let row = store::lock_sitting(&mut tx, sitting).await?.ok_or_else(not_found)?;
    if row.status != SittingStatus::Live {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    match step {
        QueueStep::Raise | QueueStep::Lower => {
            let user = participant(&mut tx, actor, row.assembly_id, now).await?;
            if step == QueueStep::Raise {
                store::raise_hand(&mut tx, sitting, user.id, now).await?;
            } else {
                store::lower_hand(&mut tx, sitting, user.id, now).await?;
            }
        }
        QueueStep::Give | QueueStep::End | QueueStep::Drop => {
            actor.must_moderate(row.assembly_id)?;
            // One speaker at a time: whoever speaks now stops.
            if step != QueueStep::Drop {
                store::end_current_turn(&mut tx, sitting, now).await?;
            }
            if step != QueueStep::End {
                let turn = turn.ok_or(AppError::User(ErrorCode::InvalidChoice))?;
                if !store::settle_turn(&mut tx, sitting, turn, step == QueueStep::Give, now).await? {
                    return Err(AppError::User(ErrorCode::InvalidState));
                }
            }
        }
    }
    let action = format!("speaking.{step}");
    let event = Event::new(actor.id(), row.assembly_id, &action, ("sitting", sitting.0))
        .details(json!({ "turn": turn.map(|t| t.0) }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    announce(ctx, sitting, Topic::Queue).await;
    Ok(())
}

/// Who is in the sitting: the assembly's participants, their attendance and the proxies.
struct Roll {
    people: Vec<Person>,
    attendance: Vec<(UserId, Mode)>,
    proxies: Vec<(UserId, UserId)>,
}

impl Roll {
    fn mode_of(&self, id: UserId) -> Option<Mode> {
        self.attendance.iter().find(|(u, _)| *u == id).map(|(_, m)| *m)
    }

    fn count(&self, mode: Mode) -> i64 {
        self.attendance.iter().filter(|(_, m)| *m == mode).count() as i64
    }

    fn person(&self, id: UserId) -> Person {
        let name = self.people.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default();
        Person { id, name }
    }
}

fn turn(t: &store::TurnRow) -> Turn {
    Turn {
        id: t.id,
        person: Person { id: t.user_id, name: t.name.clone() },
        requested_at: t.created_at,
        started_at: t.started_at,
    }
}

/// What the page needs to know of the one looking at it.
fn viewer(actor: &Actor, assembly: AssemblyId, roll: &Roll, turns: &[store::TurnRow]) -> SittingViewer {
    let mut viewer = SittingViewer {
        signed_in: actor.user().is_some(),
        facilitates: actor.moderates(assembly),
        participates: actor.takes_part_in(assembly),
        ..Default::default()
    };
    if let Some(u) = actor.user() {
        viewer.user_id = Some(u.id);
        viewer.hand_raised = turns.iter().any(|t| t.user_id == u.id && t.ended_at.is_none());
        viewer.present = roll.mode_of(u.id);
        viewer.proxy_given_to = roll.proxies.iter().find(|(g, _)| *g == u.id).map(|(_, h)| roll.person(*h));
        viewer.proxy_held_for = roll.proxies.iter().find(|(_, h)| *h == u.id).map(|(g, _)| roll.person(*g));
    }
    viewer
}

/// The latest comments on the objective under discussion, if any (from discussion).
async fn current_discussion(ctx: &Ctx, objective: Option<ObjectiveId>) -> Result<Vec<LiveComment>, AppError> {
    match objective {
        Some(objective) => crate::discussion::service::latest(ctx, objective).await,
        None => Ok(Vec::new()),
    }
}

async fn agenda(ctx: &Ctx, sitting: SittingId, current: Option<ObjectiveId>) -> Result<Vec<AgendaEntry>, AppError> {
    Ok(store::agenda(&ctx.db, sitting)
        .await?
        .into_iter()
        .map(|a| AgendaEntry {
            current: current == Some(a.objective_id),
            objective_id: a.objective_id,
            title: a.title,
            status: a.status,
        })
        .collect())
}

/// Everything the sitting page shows to `actor`: the agenda, who is present, the proxies
/// (facilitators see them all, a member their own), the floor and the queue, the latest
/// comments on the objective under discussion. The sitting's vote rounds come from voting.
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn get(ctx: &Ctx, actor: &Actor, now: i64, sitting: SittingId) -> Result<Sitting, AppError> {
    let row = store::sitting(&ctx.db, sitting).await?.ok_or_else(not_found)?;
    let assembly = row.assembly_id;
    let roll = Roll {
        people: store::participants(&ctx.db, assembly).await?,
        attendance: store::attendance(&ctx.db, sitting).await?,
        proxies: store::proxies(&ctx.db, sitting).await?,
    };
    let turns = store::turns(&ctx.db, sitting).await?;
    let spoken: Vec<(Person, i64, Option<i64>)> =
        turns.iter().filter_map(|t| t.started_at.map(|start| (turn(t).person, start, t.ended_at))).collect();
    let viewer = viewer(actor, assembly, &roll, &turns);
    let (facilitates, participates) = (viewer.facilitates, viewer.participates);
    Ok(Sitting {
        id: sitting,
        assembly_id: assembly,
        assembly_name: row.assembly_name,
        title: row.title,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        place: row.place,
        online_url: row.online_url,
        status: row.status,
        agenda: agenda(ctx, sitting, row.current_objective_id).await?,
        members_count: roll.people.len() as i64,
        present_room: roll.count(Mode::Room),
        present_online: roll.count(Mode::Online),
        attendees: if facilitates {
            roll.people.iter().map(|p| Attendee { person: p.clone(), mode: roll.mode_of(p.id) }).collect()
        } else {
            Vec::new()
        },
        proxies: if facilitates {
            roll.proxies.iter().map(|(g, h)| Proxy { giver: roll.person(*g), holder: roll.person(*h) }).collect()
        } else {
            Vec::new()
        },
        speaker: turns.iter().find(|t| t.started_at.is_some() && t.ended_at.is_none()).map(turn),
        queue: turns.iter().filter(|t| t.started_at.is_none()).map(turn).collect(),
        speaking_times: speaking_times(&spoken, now),
        current_discussion: current_discussion(ctx, row.current_objective_id).await?,
        candidates: if facilitates { store::candidates(&ctx.db, assembly, sitting).await? } else { Vec::new() },
        proxy_candidates: if participates {
            roll.people.iter().filter(|p| Some(p.id) != viewer.user_id).cloned().collect()
        } else {
            Vec::new()
        },
        viewer,
        now,
    })
}

/// The sitting as an iCalendar file, for `/sittings/{id}/calendar.ics`.
pub async fn calendar(ctx: &Ctx, sitting: SittingId) -> Result<String, AppError> {
    let row = store::sitting(&ctx.db, sitting).await?.ok_or_else(not_found)?;
    let public_url = &ctx.config.public_url;
    let host = public_url.split("://").nth(1).unwrap_or("concerto").split('/').next().unwrap_or("concerto");
    let page_url = format!("{public_url}/sittings/{}", sitting.0);
    Ok(super::ics::calendar(&super::ics::IcsEvent {
        uid: format!("sitting-{}@{host}", sitting.0),
        title: &row.title,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        place: &row.place,
        online_url: &row.online_url,
        page_url: &page_url,
        stamp: row.created_at,
        cancelled: false,
    }))
}

// For voting: who takes part, who is present, who holds whose proxy — read inside the
// ballot's or the round's transaction.

/// The sitting's assembly and status, locked for the rest of `tx`.
pub async fn locked(tx: &mut Tx<'_>, sitting: SittingId) -> Result<(AssemblyId, SittingStatus, String), AppError> {
    let row = store::lock_sitting(tx, sitting).await?.ok_or_else(not_found)?;
    Ok((row.assembly_id, row.status, row.title))
}

pub async fn agenda_in(tx: &mut Tx<'_>, sitting: SittingId) -> Result<Vec<ObjectiveId>, AppError> {
    store::agenda_in(tx, sitting).await
}

/// (members of the assembly, members present or represented) as a round opening now
/// records them.
pub async fn counts(tx: &mut Tx<'_>, sitting: SittingId, assembly: AssemblyId) -> Result<(i64, i64), AppError> {
    store::counts(tx, sitting, assembly).await
}

pub async fn takes_part(tx: &mut Tx<'_>, assembly: AssemblyId, user: UserId) -> Result<bool, AppError> {
    store::is_participant(tx, assembly, user).await
}

pub async fn proxy_holder(tx: &mut Tx<'_>, sitting: SittingId, giver: UserId) -> Result<Option<UserId>, AppError> {
    store::proxy_holder(tx, sitting, giver).await
}

pub async fn proxy_giver(tx: &mut Tx<'_>, sitting: SittingId, holder: UserId) -> Result<Option<UserId>, AppError> {
    store::proxy_giver(tx, sitting, holder).await
}

pub async fn attends(tx: &mut Tx<'_>, sitting: SittingId, user: UserId) -> Result<bool, AppError> {
    store::attends(tx, sitting, user).await
}

/// The assembly's participants by id (public rounds name their voters).
pub async fn names(ctx: &Ctx, assembly: AssemblyId) -> Result<std::collections::HashMap<UserId, String>, AppError> {
    Ok(store::participants(&ctx.db, assembly).await?.into_iter().map(|p| (p.id, p.name)).collect())
}
