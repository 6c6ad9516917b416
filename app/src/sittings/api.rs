//! Sitting server functions: each builds the call's context and hands it to one service
//! (reading is public; running a sitting is for facilitators; a hand and a proxy for members).
#[cfg(feature = "ssr")]
use super::service::{self, PlanForm};
use super::{Sitting, SittingList};
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, ObjectiveId, SittingId, TurnId, UserId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_sittings")]
pub async fn list_sittings(assembly_id: AssemblyId) -> Result<SittingList, AppError> {
    let c = call()?;
    finish(service::list(&c.ctx, &c.actor, assembly_id).await, &[])
}

#[server(prefix = "/api", endpoint = "get_sitting")]
pub async fn get_sitting(sitting_id: SittingId) -> Result<Sitting, AppError> {
    let c = call()?;
    finish(service::get(&c.ctx, &c.actor, c.now, sitting_id).await, &[])
}

#[server(prefix = "/api", endpoint = "plan_sitting")]
pub async fn plan_sitting(
    assembly_id: AssemblyId,
    title: String,
    date: String,
    start: String,
    end: String,
    #[server(default)] place: String,
    #[server(default)] online_url: String,
) -> Result<SittingId, AppError> {
    let c = call()?;
    let form =
        PlanForm { title: &title, date: &date, start: &start, end: &end, place: &place, online_url: &online_url };
    let result = service::plan(&c.ctx, &c.actor, c.now, assembly_id, &form).await;
    let result = result.inspect(|id| leptos_axum::redirect(&format!("/sittings/{id}")));
    let echo = [
        ("title", &title),
        ("date", &date),
        ("start", &start),
        ("end", &end),
        ("place", &place),
        ("online_url", &online_url),
    ];
    finish(result, &echo.map(|(k, v)| (k, v.as_str())))
}

/// `step`: `add`, `remove`, `up`, `down` (an agenda item), `current` (the item under
/// discussion now), `start` or `close` (the sitting).
#[server(prefix = "/api", endpoint = "run_sitting")]
pub async fn run_sitting(
    sitting_id: SittingId,
    step: String,
    #[server(default)] objective_id: Option<ObjectiveId>,
) -> Result<(), AppError> {
    let c = call()?;
    let result = service::run(&c.ctx, &c.actor, c.now, sitting_id, &step, objective_id).await;
    finish(result, &[("objective_id", &objective_id.map(|o| o.to_string()).unwrap_or_default())])
}

/// `mode`: `room`, `online`, or `absent` (undo a check-in).
#[server(prefix = "/api", endpoint = "check_in")]
pub async fn check_in(sitting_id: SittingId, user_id: UserId, mode: String) -> Result<(), AppError> {
    let c = call()?;
    finish(service::check_in(&c.ctx, &c.actor, c.now, sitting_id, user_id, &mode).await, &[])
}

/// Gives the caller's proxy to `holder_id` for this sitting; without it, withdraws it.
#[server(prefix = "/api", endpoint = "give_proxy")]
pub async fn give_proxy(sitting_id: SittingId, #[server(default)] holder_id: Option<UserId>) -> Result<(), AppError> {
    let c = call()?;
    let result = service::give_proxy(&c.ctx, &c.actor, c.now, sitting_id, holder_id).await;
    finish(result, &[("holder_id", &holder_id.map(|h| h.to_string()).unwrap_or_default())])
}

/// Members: `raise`, `lower`. Facilitators: `give` (the floor, to `turn_id`), `end` (the
/// current turn), `drop` (a waiting turn).
#[server(prefix = "/api", endpoint = "speaking_queue")]
pub async fn speaking_queue(
    sitting_id: SittingId,
    step: String,
    #[server(default)] turn_id: Option<TurnId>,
) -> Result<(), AppError> {
    let c = call()?;
    finish(service::queue(&c.ctx, &c.actor, c.now, sitting_id, &step, turn_id).await, &[])
}
