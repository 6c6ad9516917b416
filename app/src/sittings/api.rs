//! Sitting server functions. Reading is public; planning, running, checking members in and
//! giving the floor are for the assembly's facilitators; raising a hand and giving a proxy
//! are for its members. Each change is audited and announced to the live pages.
use super::{Sitting, SittingList};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::SittingId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_sittings")]
pub async fn list_sittings(assembly_id: i64) -> Result<SittingList, AppError> {
    finish(ssr::list(crate::ids::AssemblyId(assembly_id)).await, &[])
}

#[server(prefix = "/api", endpoint = "get_sitting")]
pub async fn get_sitting(sitting_id: i64) -> Result<Sitting, AppError> {
    finish(ssr::get(SittingId(sitting_id)).await, &[])
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "plan_sitting")]
pub async fn plan_sitting(
    assembly_id: i64,
    title: String,
    date: String,
    start: String,
    end: String,
    #[server(default)] place: String,
    #[server(default)] online_url: String,
) -> Result<SittingId, AppError> {
    let form =
        ssr::PlanForm { title: &title, date: &date, start: &start, end: &end, place: &place, online_url: &online_url };
    let result = ssr::plan(crate::ids::AssemblyId(assembly_id), &form).await;
    finish(
        result,
        &[
            ("title", &title),
            ("date", &date),
            ("start", &start),
            ("end", &end),
            ("place", &place),
            ("online_url", &online_url),
        ],
    )
}

/// `step`: `add`, `remove`, `up`, `down` (an agenda item), `current` (the item under
/// discussion now), `start` or `close` (the sitting).
#[server(prefix = "/api", endpoint = "run_sitting")]
pub async fn run_sitting(
    sitting_id: i64,
    step: String,
    #[server(default)] objective_id: Option<i64>,
) -> Result<(), AppError> {
    let scope = objective_id.map(|o| o.to_string()).unwrap_or_default();
    finish(ssr::run(SittingId(sitting_id), &step, objective_id).await, &[("objective_id", &scope)])
}

/// `mode`: `room`, `online`, or `absent` (undo a check-in).
#[server(prefix = "/api", endpoint = "check_in")]
pub async fn check_in(sitting_id: i64, user_id: i64, mode: String) -> Result<(), AppError> {
    finish(ssr::check_in(SittingId(sitting_id), crate::ids::UserId(user_id), &mode).await, &[])
}

/// Gives the caller's proxy to `holder_id` for this sitting; without it, withdraws it.
#[server(prefix = "/api", endpoint = "give_proxy")]
pub async fn give_proxy(sitting_id: i64, #[server(default)] holder_id: Option<i64>) -> Result<(), AppError> {
    let holder = holder_id.map(|h| h.to_string()).unwrap_or_default();
    finish(ssr::give_proxy(SittingId(sitting_id), holder_id.map(crate::ids::UserId)).await, &[("holder_id", &holder)])
}

/// Members: `raise`, `lower`. Facilitators: `give` (the floor, to `turn_id`), `end` (the
/// current turn), `drop` (a waiting turn).
#[server(prefix = "/api", endpoint = "speaking_queue")]
pub async fn speaking_queue(
    sitting_id: i64,
    step: String,
    #[server(default)] turn_id: Option<i64>,
) -> Result<(), AppError> {
    finish(ssr::queue(SittingId(sitting_id), &step, turn_id).await, &[])
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::accounts::permissions::{moderates, participates, require_user};
    use crate::accounts::session::current_user;
    use crate::accounts::SessionUser;
    use crate::audit::ssr::{record, Event};
    use crate::db::{now, Db};
    use crate::error::ssr::ResultExt;
    use crate::error::{ErrorCode, Validator};
    use crate::ids::{AssemblyId, UserId};
    use crate::live::{LiveEvent, Topic};
    use crate::objectives::api::ssr::{check_participant, threshold_of};
    use crate::objectives::Status;
    use crate::sittings::*;
    use crate::state::app_state;
    use serde_json::json;
    use std::collections::HashMap;

    pub struct Meta {
        pub assembly: AssemblyId,
        pub status: SittingStatus,
        pub title: String,
    }

    pub async fn meta(db: &Db, id: SittingId) -> Result<Meta, AppError> {
        let row: Option<(i64, String, String)> =
            sqlx::query_as("select assembly_id, status, title from sittings where id = $1")
                .bind(id.0)
                .fetch_optional(&db.pool)
                .await?;
        let (assembly, status, title) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        Ok(Meta { assembly: AssemblyId(assembly), status: SittingStatus::parse(&status), title })
    }

    pub async fn agenda_ids(db: &Db, id: SittingId) -> Result<Vec<i64>, AppError> {
        let rows: Vec<(i64,)> =
            sqlx::query_as("select objective_id from agenda_items where sitting_id = $1 order by position")
                .bind(id.0)
                .fetch_all(&db.pool)
                .await?;
        Ok(rows.into_iter().map(|(i,)| i).collect())
    }

    const PARTICIPANTS: &str =
        "select distinct u.id, u.display_name from memberships m join users u on u.id = m.user_id \
        where m.assembly_id = $1 and m.role in ('member', 'facilitator') and u.disabled = 0";

    async fn participants(db: &Db, assembly: AssemblyId) -> Result<Vec<Person>, AppError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(&format!("{PARTICIPANTS} order by u.display_name"))
            .bind(assembly.0)
            .fetch_all(&db.pool)
            .await?;
        Ok(rows.into_iter().map(|(id, name)| Person { id: UserId(id), name }).collect())
    }

    pub async fn names(db: &Db, assembly: AssemblyId) -> Result<HashMap<i64, String>, AppError> {
        Ok(participants(db, assembly).await?.into_iter().map(|p| (p.id.0, p.name)).collect())
    }

    pub async fn is_participant(db: &Db, assembly: AssemblyId, user: UserId) -> Result<bool, AppError> {
        Ok(participants(db, assembly).await?.iter().any(|p| p.id == user))
    }

    /// Members of the assembly, and members present or represented (a proxy whose holder is
    /// present), as a round opening now would record them.
    pub async fn counts(db: &Db, sitting: SittingId, assembly: AssemblyId) -> Result<(i64, i64), AppError> {
        let members = participants(db, assembly).await?.len() as i64;
        let (present,): (i64,) = sqlx::query_as(
            "select (select count(*) from attendance where sitting_id = $1) + \
             (select count(*) from proxies p where p.sitting_id = $1 \
               and exists (select 1 from attendance a where a.sitting_id = $1 and a.user_id = p.holder_id) \
               and not exists (select 1 from attendance a where a.sitting_id = $1 and a.user_id = p.giver_id))",
        )
        .bind(sitting.0)
        .fetch_one(&db.pool)
        .await?;
        Ok((members, present))
    }

    pub async fn proxy_holder(db: &Db, sitting: SittingId, giver: UserId) -> Result<Option<UserId>, AppError> {
        let row: Option<(i64,)> =
            sqlx::query_as("select holder_id from proxies where sitting_id = $1 and giver_id = $2")
                .bind(sitting.0)
                .bind(giver.0)
                .fetch_optional(&db.pool)
                .await?;
        Ok(row.map(|(h,)| UserId(h)))
    }

    async fn proxy_person(
        db: &Db,
        sitting: SittingId,
        user: UserId,
        column: &str,
        other: &str,
    ) -> Result<Option<Person>, AppError> {
        let row: Option<(i64, String)> = sqlx::query_as(&format!(
            "select u.id, u.display_name from proxies p join users u on u.id = p.{other} where p.sitting_id = $1 and p.{column} = $2"
        ))
        .bind(sitting.0)
        .bind(user.0)
        .fetch_optional(&db.pool)
        .await?;
        Ok(row.map(|(id, name)| Person { id: UserId(id), name }))
    }

    pub async fn proxy_given_to(db: &Db, sitting: SittingId, giver: UserId) -> Result<Option<Person>, AppError> {
        proxy_person(db, sitting, giver, "giver_id", "holder_id").await
    }

    pub async fn proxy_held_for(db: &Db, sitting: SittingId, holder: UserId) -> Result<Option<Person>, AppError> {
        proxy_person(db, sitting, holder, "holder_id", "giver_id").await
    }

    async fn publish(sitting: SittingId, topic: Topic) -> Result<(), AppError> {
        let state = app_state()?;
        state.events.publish(&state.db, LiveEvent { sitting: sitting.0, topic }).await;
        Ok(())
    }

    /// Tells the live pages of the sittings discussing `objective` right now that a comment
    /// was posted (they show the latest ones).
    pub async fn announce_comment(state: &crate::state::AppState, objective: crate::ids::ObjectiveId) {
        let live: Result<Vec<(i64,)>, _> =
            sqlx::query_as("select id from sittings where current_objective_id = $1 and status = 'live'")
                .bind(objective.0)
                .fetch_all(&state.db.pool)
                .await;
        for (sitting,) in live.unwrap_or_default() {
            state.events.publish(&state.db, LiveEvent { sitting, topic: Topic::Comments }).await;
        }
    }

    async fn facilitator(db: &Db, sitting: SittingId) -> Result<(SessionUser, Meta), AppError> {
        let meta = meta(db, sitting).await?;
        let user = require_user(current_user(db).await?)?;
        if !moderates(&user, meta.assembly) {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        Ok((user, meta))
    }

    type SummaryRow = (i64, String, i64, i64, String, String, String, i64);

    fn summary(r: SummaryRow) -> SittingSummary {
        SittingSummary {
            id: SittingId(r.0),
            title: r.1,
            starts_at: r.2,
            ends_at: r.3,
            place: r.4,
            online_url: r.5,
            status: SittingStatus::parse(&r.6),
            agenda_count: r.7,
        }
    }

    pub async fn list(assembly: AssemblyId) -> Result<SittingList, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (assembly_name, _) = threshold_of(db, assembly).await?;
        let user = current_user(db).await?;
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "select s.id, s.title, s.starts_at, s.ends_at, s.place, s.online_url, s.status, \
             (select count(*) from agenda_items a where a.sitting_id = s.id) \
             from sittings s where s.assembly_id = $1 order by s.starts_at",
        )
        .bind(assembly.0)
        .fetch_all(&db.pool)
        .await?;
        let (mut upcoming, mut past): (Vec<_>, Vec<_>) =
            rows.into_iter().map(summary).partition(|s| s.status != SittingStatus::Closed);
        past.reverse();
        upcoming.sort_by_key(|s| (s.status != SittingStatus::Live, s.starts_at));
        Ok(SittingList {
            assembly_id: assembly,
            assembly_name,
            upcoming,
            past,
            can_plan: user.as_ref().is_some_and(|u| moderates(u, assembly)),
        })
    }

    pub struct PlanForm<'a> {
        pub title: &'a str,
        pub date: &'a str,
        pub start: &'a str,
        pub end: &'a str,
        pub place: &'a str,
        pub online_url: &'a str,
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn plan(assembly: AssemblyId, form: &PlanForm<'_>) -> Result<SittingId, AppError> {
        let state = app_state()?;
        let db = &state.db;
        threshold_of(db, assembly).await?;
        let user = require_user(current_user(db).await?)?;
        if !moderates(&user, assembly) {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
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
        v.finish()?;
        let (Some(title), Some(starts_at), Some(ends_at), Some(place), Some(online_url)) =
            (title, starts_at, ends_at, place, online_url)
        else {
            return Err(AppError::Internal);
        };
        let mut tx = db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into sittings (assembly_id, title, starts_at, ends_at, place, online_url, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(assembly.0)
        .bind(&title)
        .bind(starts_at)
        .bind(ends_at)
        .bind(&place)
        .bind(&online_url)
        .bind(user.id.0)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "sitting.plan", ("sitting", id))
                .details(json!({ "title": title, "starts_at": starts_at })),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/sittings/{id}"));
        Ok(SittingId(id))
    }

    #[tracing::instrument(skip_all, fields(sitting = sitting.0, step))]
    pub async fn run(sitting: SittingId, step: &str, objective: Option<i64>) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (user, meta) = facilitator(db, sitting).await?;
        if meta.status == SittingStatus::Closed && step != "start" {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let now = now();
        let objective_id = || objective.ok_or(AppError::field("objective_id", ErrorCode::Required));
        let mut tx = db.pool.begin().await?;
        let topic = match step {
            "add" => {
                let id = objective_id()?;
                let ok: Option<(String,)> = sqlx::query_as(
                    "select status from objectives where id = $1 and assembly_id = $2 and moderation = 'visible' \
                     and status in ('proposed', 'in_discussion', 'voting', 'adopted', 'rejected')",
                )
                .bind(id)
                .bind(meta.assembly.0)
                .fetch_optional(&mut *tx)
                .await?;
                if ok.is_none() {
                    return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
                }
                sqlx::query(
                    "insert into agenda_items (sitting_id, objective_id, position, created_at) \
                     values ($1, $2, (select coalesce(max(position), 0) + 1 from agenda_items where sitting_id = $1), $3)",
                )
                .bind(sitting.0)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .on_constraint(&["agenda_objective_unique", "agenda_items.sitting_id, agenda_items.objective_id"], || {
                    AppError::field("objective_id", ErrorCode::InvalidChoice)
                })?;
                Topic::Agenda
            }
            "remove" => {
                let id = objective_id()?;
                sqlx::query("delete from agenda_items where sitting_id = $1 and objective_id = $2")
                    .bind(sitting.0)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "update sittings set current_objective_id = null where id = $1 and current_objective_id = $2",
                )
                .bind(sitting.0)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Topic::Agenda
            }
            "up" | "down" => {
                let id = objective_id()?;
                let items: Vec<(i64, i64)> = sqlx::query_as(
                    "select objective_id, position from agenda_items where sitting_id = $1 order by position",
                )
                .bind(sitting.0)
                .fetch_all(&mut *tx)
                .await?;
                let Some(i) = items.iter().position(|(o, _)| *o == id) else {
                    return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
                };
                let j = if step == "up" { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < items.len()) };
                if let Some(j) = j {
                    for (a, b) in [(i, j), (j, i)] {
                        sqlx::query(
                            "update agenda_items set position = $1 where sitting_id = $2 and objective_id = $3",
                        )
                        .bind(items[b].1)
                        .bind(sitting.0)
                        .bind(items[a].0)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                Topic::Agenda
            }
            "current" => {
                let id = objective_id()?;
                let done = sqlx::query(
                    "update sittings set current_objective_id = $1 where id = $2 \
                     and exists (select 1 from agenda_items where sitting_id = $2 and objective_id = $1)",
                )
                .bind(id)
                .bind(sitting.0)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(AppError::field("objective_id", ErrorCode::InvalidChoice));
                }
                Topic::Agenda
            }
            "start" => {
                sqlx::query("update sittings set status = 'live', started_at = coalesce(started_at, $1), ended_at = null where id = $2")
                    .bind(now)
                    .bind(sitting.0)
                    .execute(&mut *tx)
                    .await?;
                Topic::Sitting
            }
            "close" => {
                let open: Option<(i64,)> =
                    sqlx::query_as("select id from vote_rounds where sitting_id = $1 and status = 'open' limit 1")
                        .bind(sitting.0)
                        .fetch_optional(&mut *tx)
                        .await?;
                if open.is_some() {
                    return Err(AppError::User(ErrorCode::RoundsStillOpen));
                }
                sqlx::query("update speaking_turns set ended_at = $1 where sitting_id = $2 and started_at is not null and ended_at is null and cancelled_at is null")
                    .bind(now)
                    .bind(sitting.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("update speaking_turns set cancelled_at = $1 where sitting_id = $2 and started_at is null and cancelled_at is null")
                    .bind(now)
                    .bind(sitting.0)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("update sittings set status = 'closed', ended_at = $1 where id = $2")
                    .bind(now)
                    .bind(sitting.0)
                    .execute(&mut *tx)
                    .await?;
                Topic::Sitting
            }
            _ => return Err(AppError::User(ErrorCode::InvalidChoice)),
        };
        let action = format!("sitting.{step}");
        record(
            &mut tx,
            Event::new(Some(user.id), meta.assembly, &action, ("sitting", sitting.0))
                .details(json!({ "objective": objective })),
        )
        .await?;
        tx.commit().await?;
        publish(sitting, topic).await
    }

    #[tracing::instrument(skip_all, fields(sitting = sitting.0))]
    pub async fn check_in(sitting: SittingId, member: UserId, mode: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (user, meta) = facilitator(db, sitting).await?;
        if meta.status == SittingStatus::Closed {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        if !is_participant(db, meta.assembly, member).await? {
            return Err(AppError::User(ErrorCode::NotFound));
        }
        let mut tx = db.pool.begin().await?;
        sqlx::query("delete from attendance where sitting_id = $1 and user_id = $2")
            .bind(sitting.0)
            .bind(member.0)
            .execute(&mut *tx)
            .await?;
        match Mode::parse(mode) {
            Some(m) => {
                sqlx::query("insert into attendance (sitting_id, user_id, mode, created_at) values ($1, $2, $3, $4)")
                    .bind(sitting.0)
                    .bind(member.0)
                    .bind(m.as_str())
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
            }
            None if mode == "absent" => {}
            None => return Err(AppError::User(ErrorCode::InvalidChoice)),
        }
        record(
            &mut tx,
            Event::new(Some(user.id), meta.assembly, "sitting.attendance", ("sitting", sitting.0))
                .details(json!({ "member": member.0, "mode": mode })),
        )
        .await?;
        tx.commit().await?;
        publish(sitting, Topic::Attendance).await
    }

    #[tracing::instrument(skip_all, fields(sitting = sitting.0))]
    pub async fn give_proxy(sitting: SittingId, holder: Option<UserId>) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let meta = meta(db, sitting).await?;
        let user = require_user(current_user(db).await?)?;
        check_participant(db, &user, meta.assembly).await?;
        if meta.status == SittingStatus::Closed {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let mut tx = db.pool.begin().await?;
        let removed = sqlx::query("delete from proxies where sitting_id = $1 and giver_id = $2")
            .bind(sitting.0)
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
        if let Some(holder) = holder {
            if holder == user.id || !is_participant(db, meta.assembly, holder).await? {
                return Err(AppError::field("holder_id", ErrorCode::InvalidChoice));
            }
            // A holder cannot pass a vote on: who gave a proxy holds none, and vice versa.
            let chained: Option<(i64,)> =
                sqlx::query_as("select 1 from proxies where sitting_id = $1 and (giver_id = $2 or holder_id = $3)")
                    .bind(sitting.0)
                    .bind(holder.0)
                    .bind(user.id.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            if chained.is_some() {
                return Err(AppError::field("holder_id", ErrorCode::ProxyTaken));
            }
            sqlx::query("insert into proxies (sitting_id, giver_id, holder_id, created_at) values ($1, $2, $3, $4)")
                .bind(sitting.0)
                .bind(user.id.0)
                .bind(holder.0)
                .bind(now())
                .execute(&mut *tx)
                .await
                .on_constraint(&["proxy_holder_unique", "proxies.sitting_id, proxies.holder_id"], || {
                    AppError::field("holder_id", ErrorCode::ProxyTaken)
                })?;
        } else if removed.rows_affected() == 0 {
            return Ok(());
        }
        let action = if holder.is_some() { "proxy.give" } else { "proxy.withdraw" };
        record(
            &mut tx,
            Event::new(Some(user.id), meta.assembly, action, ("sitting", sitting.0))
                .details(json!({ "holder": holder.map(|h| h.0) })),
        )
        .await?;
        tx.commit().await?;
        publish(sitting, Topic::Attendance).await
    }

    #[tracing::instrument(skip_all, fields(sitting = sitting.0, step))]
    pub async fn queue(sitting: SittingId, step: &str, turn: Option<i64>) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let meta = meta(db, sitting).await?;
        if meta.status != SittingStatus::Live {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let user = require_user(current_user(db).await?)?;
        let now = now();
        let mut tx;
        match step {
            "raise" | "lower" => {
                check_participant(db, &user, meta.assembly).await?;
                tx = db.pool.begin().await?;
                if step == "raise" {
                    // Raising twice is harmless: one open hand per member (unique index).
                    sqlx::query(
                        "insert into speaking_turns (sitting_id, user_id, created_at) values ($1, $2, $3) \
                         on conflict (sitting_id, user_id) where ended_at is null and cancelled_at is null do nothing",
                    )
                    .bind(sitting.0)
                    .bind(user.id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                } else {
                    sqlx::query(
                        "update speaking_turns set cancelled_at = $1 where sitting_id = $2 and user_id = $3 \
                         and started_at is null and cancelled_at is null",
                    )
                    .bind(now)
                    .bind(sitting.0)
                    .bind(user.id.0)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            "give" | "end" | "drop" => {
                if !moderates(&user, meta.assembly) {
                    return Err(AppError::User(ErrorCode::Forbidden));
                }
                tx = db.pool.begin().await?;
                // Whoever speaks now stops: one speaker at a time.
                if step != "drop" {
                    sqlx::query(
                        "update speaking_turns set ended_at = $1 where sitting_id = $2 and started_at is not null \
                         and ended_at is null and cancelled_at is null",
                    )
                    .bind(now)
                    .bind(sitting.0)
                    .execute(&mut *tx)
                    .await?;
                }
                if step != "end" {
                    let turn = turn.ok_or(AppError::User(ErrorCode::InvalidChoice))?;
                    let sql = if step == "give" {
                        "update speaking_turns set started_at = $1 where id = $2 and sitting_id = $3 and started_at is null and cancelled_at is null"
                    } else {
                        "update speaking_turns set cancelled_at = $1 where id = $2 and sitting_id = $3 and started_at is null and cancelled_at is null"
                    };
                    let done = sqlx::query(sql).bind(now).bind(turn).bind(sitting.0).execute(&mut *tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(AppError::User(ErrorCode::InvalidState));
                    }
                }
            }
            _ => return Err(AppError::User(ErrorCode::InvalidChoice)),
        }
        let action = format!("speaking.{step}");
        record(
            &mut tx,
            Event::new(Some(user.id), meta.assembly, &action, ("sitting", sitting.0)).details(json!({ "turn": turn })),
        )
        .await?;
        tx.commit().await?;
        publish(sitting, Topic::Queue).await
    }

    type TurnRow = (i64, i64, String, i64, Option<i64>, Option<i64>);

    #[tracing::instrument(skip_all, fields(sitting = sitting.0))]
    pub async fn get(sitting: SittingId) -> Result<Sitting, AppError> {
        let state = app_state()?;
        let db = &state.db;
        type SittingRow = (i64, String, String, i64, i64, String, String, String, Option<i64>);
        let row: Option<SittingRow> = sqlx::query_as(
            "select s.assembly_id, a.name, s.title, s.starts_at, s.ends_at, s.place, s.online_url, s.status, s.current_objective_id \
             from sittings s join assemblies a on a.id = s.assembly_id where s.id = $1",
        )
        .bind(sitting.0)
        .fetch_optional(&db.pool)
        .await?;
        let (assembly, assembly_name, title, starts_at, ends_at, place, online_url, status, current) =
            row.ok_or(AppError::User(ErrorCode::NotFound))?;
        let assembly = AssemblyId(assembly);
        let user = current_user(db).await?;
        let now = now();
        let agenda_rows: Vec<(i64, String, String)> = sqlx::query_as(
            "select o.id, o.title, o.status from agenda_items i join objectives o on o.id = i.objective_id \
             where i.sitting_id = $1 order by i.position",
        )
        .bind(sitting.0)
        .fetch_all(&db.pool)
        .await?;
        let agenda: Vec<AgendaEntry> = agenda_rows
            .into_iter()
            .map(|(id, title, status)| AgendaEntry {
                objective_id: id,
                title,
                status: Status::parse(&status).unwrap_or(Status::Proposed),
                current: current == Some(id),
            })
            .collect();
        let people = participants(db, assembly).await?;
        let attendance: Vec<(i64, String)> =
            sqlx::query_as("select user_id, mode from attendance where sitting_id = $1")
                .bind(sitting.0)
                .fetch_all(&db.pool)
                .await?;
        let mode_of = |id: UserId| attendance.iter().find(|(u, _)| *u == id.0).and_then(|(_, m)| Mode::parse(m));
        let present_room = attendance.iter().filter(|(_, m)| m == "room").count() as i64;
        let present_online = attendance.iter().filter(|(_, m)| m == "online").count() as i64;
        let facilitates = user.as_ref().is_some_and(|u| moderates(u, assembly));
        let participates_now = user.as_ref().is_some_and(|u| participates(u, assembly));
        let name_of = |id: i64| people.iter().find(|p| p.id.0 == id).map(|p| p.name.clone()).unwrap_or_default();
        let proxies: Vec<Proxy> = if facilitates {
            let rows: Vec<(i64, i64)> = sqlx::query_as("select giver_id, holder_id from proxies where sitting_id = $1")
                .bind(sitting.0)
                .fetch_all(&db.pool)
                .await?;
            rows.into_iter()
                .map(|(g, h)| Proxy {
                    giver: Person { id: UserId(g), name: name_of(g) },
                    holder: Person { id: UserId(h), name: name_of(h) },
                })
                .collect()
        } else {
            Vec::new()
        };
        let turns: Vec<TurnRow> = sqlx::query_as(
            "select t.id, t.user_id, u.display_name, t.created_at, t.started_at, t.ended_at from speaking_turns t \
             join users u on u.id = t.user_id where t.sitting_id = $1 and t.cancelled_at is null order by t.created_at, t.id",
        )
        .bind(sitting.0)
        .fetch_all(&db.pool)
        .await?;
        let turn = |t: &TurnRow| Turn {
            id: t.0,
            person: Person { id: UserId(t.1), name: t.2.clone() },
            requested_at: t.3,
            started_at: t.4,
        };
        let speaker = turns.iter().find(|t| t.4.is_some() && t.5.is_none()).map(turn);
        let queue: Vec<Turn> = turns.iter().filter(|t| t.4.is_none()).map(turn).collect();
        let spoken: Vec<(Person, i64, Option<i64>)> = turns
            .iter()
            .filter_map(|t| t.4.map(|start| (Person { id: UserId(t.1), name: t.2.clone() }, start, t.5)))
            .collect();
        let mut viewer = SittingViewer {
            signed_in: user.is_some(),
            facilitates,
            participates: participates_now,
            ..Default::default()
        };
        if let Some(u) = &user {
            viewer.user_id = Some(u.id);
            viewer.hand_raised = turns.iter().any(|t| t.1 == u.id.0 && t.5.is_none());
            viewer.present = mode_of(u.id);
            viewer.proxy_given_to = proxy_given_to(db, sitting, u.id).await?;
            viewer.proxy_held_for = proxy_held_for(db, sitting, u.id).await?;
        }
        let current_discussion = match current {
            Some(objective) => {
                let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
                    "select u.display_name, c.stance, c.body_html, c.created_at from comments c join users u on u.id = c.author_id \
                     where c.objective_id = $1 and c.moderation = 'visible' and c.deleted_at is null \
                     order by c.created_at desc, c.id desc limit 5",
                )
                .bind(objective)
                .fetch_all(&db.pool)
                .await?;
                rows.into_iter()
                    .map(|(author, stance, html, at)| LiveComment {
                        author,
                        stance: crate::discussion::Stance::parse(&stance).unwrap_or(crate::discussion::Stance::Neutral),
                        html,
                        created_at: at,
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let candidates: Vec<(i64, String)> = if facilitates {
            sqlx::query_as(
                "select o.id, o.title from objectives o where o.assembly_id = $1 and o.moderation = 'visible' \
                 and o.status in ('proposed', 'in_discussion') \
                 and not exists (select 1 from agenda_items i where i.sitting_id = $2 and i.objective_id = o.id) \
                 order by (select count(*) from supports s where s.objective_id = o.id) desc, o.id",
            )
            .bind(assembly.0)
            .bind(sitting.0)
            .fetch_all(&db.pool)
            .await?
        } else {
            Vec::new()
        };
        let proxy_candidates = if participates_now {
            people.iter().filter(|p| Some(p.id) != viewer.user_id).cloned().collect()
        } else {
            Vec::new()
        };
        Ok(Sitting {
            id: sitting,
            assembly_id: assembly,
            assembly_name,
            title,
            starts_at,
            ends_at,
            place,
            online_url,
            status: SittingStatus::parse(&status),
            agenda,
            members_count: people.len() as i64,
            present_room,
            present_online,
            attendees: if facilitates {
                people.iter().map(|p| Attendee { person: p.clone(), mode: mode_of(p.id) }).collect()
            } else {
                Vec::new()
            },
            proxies,
            speaker,
            queue,
            speaking_times: speaking_times(&spoken, now),
            rounds: crate::voting::api::ssr::summaries(db, sitting).await?,
            current_discussion,
            candidates,
            proxy_candidates,
            viewer,
            now,
        })
    }

    /// The sitting as an iCalendar file, for `/sittings/{id}/calendar.ics`.
    pub async fn calendar(db: &Db, public_url: &str, sitting: SittingId) -> Result<String, AppError> {
        let row: Option<(String, i64, i64, String, String, i64)> = sqlx::query_as(
            "select title, starts_at, ends_at, place, online_url, created_at from sittings where id = $1",
        )
        .bind(sitting.0)
        .fetch_optional(&db.pool)
        .await?;
        let (title, starts_at, ends_at, place, online_url, created_at) =
            row.ok_or(AppError::User(ErrorCode::NotFound))?;
        let host = public_url.split("://").nth(1).unwrap_or("concerto").split('/').next().unwrap_or("concerto");
        let page_url = format!("{public_url}/sittings/{}", sitting.0);
        Ok(super::super::ics::calendar(&super::super::ics::IcsEvent {
            uid: format!("sitting-{}@{host}", sitting.0),
            title: &title,
            starts_at,
            ends_at,
            place: &place,
            online_url: &online_url,
            page_url: &page_url,
            stamp: created_at,
            cancelled: false,
        }))
    }
}
