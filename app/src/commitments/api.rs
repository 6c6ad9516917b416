//! Commitment server functions: each builds the call's context and hands it to one service
//! (reading is public; everything else is for the assembly's staff and admins).
#[cfg(feature = "ssr")]
use super::service::{self, Fields, IndicatorForm};
use super::{Commitment, Notifications, Outcomes};
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, CommitmentId, IndicatorId, MilestoneId, ObjectiveId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_outcomes")]
pub async fn get_outcomes(
    assembly_id: AssemblyId,
    #[server(default)] channel: Option<String>,
    #[server(default)] status: Option<String>,
) -> Result<Outcomes, AppError> {
    let c = call()?;
    let filters = (channel.as_deref(), status.as_deref());
    finish(service::outcomes(&c.ctx, &c.actor, c.now, assembly_id, filters).await, &[])
}

#[server(prefix = "/api", endpoint = "get_commitment")]
pub async fn get_commitment(commitment_id: CommitmentId) -> Result<Commitment, AppError> {
    let c = call()?;
    finish(service::get(&c.ctx, &c.actor, c.now, commitment_id).await, &[])
}

#[server(prefix = "/api", endpoint = "create_commitment")]
pub async fn create_commitment(
    objective_id: ObjectiveId,
    service: String,
    contact_role: String,
    target_date: String,
    summary: String,
) -> Result<CommitmentId, AppError> {
    let c = call()?;
    let form = Fields { service: &service, contact_role: &contact_role, summary: &summary };
    let result = service::create(&c.ctx, &c.actor, c.now, objective_id, &form, &target_date).await;
    let result = result.inspect(|id| leptos_axum::redirect(&format!("/commitments/{id}")));
    let echo =
        [("service", &service), ("contact_role", &contact_role), ("target_date", &target_date), ("summary", &summary)];
    finish(result, &echo.map(|(k, v)| (k, v.as_str())))
}

#[server(prefix = "/api", endpoint = "edit_commitment")]
pub async fn edit_commitment(
    commitment_id: CommitmentId,
    service: String,
    contact_role: String,
    summary: String,
) -> Result<(), AppError> {
    let c = call()?;
    let form = Fields { service: &service, contact_role: &contact_role, summary: &summary };
    let result = service::edit(&c.ctx, &c.actor, c.now, commitment_id, &form).await;
    finish(result, &[("service", &service), ("contact_role", &contact_role), ("summary", &summary)])
}

/// `what`: `status` (value: planned | in_progress | done | abandoned; a reason is required
/// to abandon), `target_date` (value: a date; a reason is required), `progress` (value: a
/// percentage, or empty to go back to the milestones; a reason is required with a value).
#[server(prefix = "/api", endpoint = "change_commitment")]
pub async fn change_commitment(
    commitment_id: CommitmentId,
    what: String,
    value: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let c = call()?;
    let result = service::change(&c.ctx, &c.actor, c.now, commitment_id, &what, (&value, &reason)).await;
    finish(result, &[("what", &what), ("value", &value), ("reason", &reason)])
}

#[server(prefix = "/api", endpoint = "add_milestone")]
pub async fn add_milestone(
    commitment_id: CommitmentId,
    title: String,
    due_date: String,
) -> Result<MilestoneId, AppError> {
    let c = call()?;
    let result = service::add_milestone(&c.ctx, &c.actor, c.now, commitment_id, (&title, &due_date)).await;
    finish(result, &[("title", &title), ("due_date", &due_date)])
}

#[server(prefix = "/api", endpoint = "set_milestone")]
pub async fn set_milestone(milestone_id: MilestoneId, done: bool) -> Result<(), AppError> {
    let c = call()?;
    finish(service::set_milestone(&c.ctx, &c.actor, c.now, milestone_id, done).await, &[])
}

#[server(prefix = "/api", endpoint = "add_indicator")]
pub async fn add_indicator(
    commitment_id: CommitmentId,
    name: String,
    unit: String,
    baseline: String,
    target: String,
    direction: String,
) -> Result<IndicatorId, AppError> {
    let c = call()?;
    let form = IndicatorForm { name: &name, unit: &unit, baseline: &baseline, target: &target, direction: &direction };
    let result = service::add_indicator(&c.ctx, &c.actor, c.now, commitment_id, &form).await;
    let echo =
        [("name", &name), ("unit", &unit), ("baseline", &baseline), ("target", &target), ("direction", &direction)];
    finish(result, &echo.map(|(k, v)| (k, v.as_str())))
}

#[server(prefix = "/api", endpoint = "add_measurement")]
pub async fn add_measurement(
    indicator_id: IndicatorId,
    measured_on: String,
    value: String,
    source: String,
) -> Result<(), AppError> {
    let c = call()?;
    let result = service::add_measurement(&c.ctx, &c.actor, c.now, indicator_id, (&measured_on, &value, &source)).await;
    let id = indicator_id.to_string();
    finish(result, &[("indicator_id", &id), ("measured_on", &measured_on), ("value", &value), ("source", &source)])
}

#[server(prefix = "/api", endpoint = "post_update")]
pub async fn post_update(commitment_id: CommitmentId, body: String) -> Result<(), AppError> {
    let c = call()?;
    finish(service::post_update(&c.ctx, &c.actor, c.now, commitment_id, &body).await, &[("body", &body)])
}

#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Notifications, AppError> {
    let c = call()?;
    finish(service::notifications(&c.ctx, &c.actor).await, &[])
}

#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let c = call()?;
    finish(service::mark_read(&c.ctx, &c.actor, c.now).await, &[])
}
