//! Moderation server functions: each builds the call's context and hands it to one service
//! (reporting is for the assembly's members and facilitators, the rest for its facilitators
//! and admins).
#[cfg(feature = "ssr")]
use super::service;
use super::Queue;
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, ObjectiveId, SuspensionId, UserId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "report_content")]
pub async fn report_content(target: String, reason: String, details: String) -> Result<(), AppError> {
    let c = call()?;
    let result = service::report(&c.ctx, &c.actor, c.now, &target, &reason, &details).await;
    finish(result, &[("reason", &reason), ("details", &details), ("target", &target)])
}

#[server(prefix = "/api", endpoint = "moderation_queue")]
pub async fn moderation_queue(assembly_id: AssemblyId) -> Result<Queue, AppError> {
    let c = call()?;
    finish(service::queue(&c.ctx, &c.actor, c.now, assembly_id).await, &[])
}

/// Applies `action` (hide, restore, dismiss) to every selected item. `items` are
/// `objective-12` / `comment-34`; a hide needs a reason, shown publicly in its place.
#[server(prefix = "/api", endpoint = "moderate")]
pub async fn moderate(
    assembly_id: AssemblyId,
    #[server(default)] items: Vec<String>,
    action: String,
    #[server(default)] reason: String,
    #[server(default)] note: String,
) -> Result<usize, AppError> {
    let c = call()?;
    let result = service::moderate(&c.ctx, &c.actor, c.now, assembly_id, &items, (&action, &reason, &note)).await;
    let joined = items.join(",");
    finish(result, &[("reason", &reason), ("note", &note), ("action", &action), ("items", &joined)])
}

#[server(prefix = "/api", endpoint = "lock_discussion")]
pub async fn lock_discussion(objective_id: ObjectiveId, locked: bool) -> Result<(), AppError> {
    let c = call()?;
    finish(service::lock(&c.ctx, &c.actor, c.now, objective_id, locked).await, &[])
}

#[server(prefix = "/api", endpoint = "suspend_member")]
pub async fn suspend_member(
    assembly_id: AssemblyId,
    user_id: UserId,
    days: String,
    reason: String,
) -> Result<(), AppError> {
    let c = call()?;
    let result = service::suspend(&c.ctx, &c.actor, c.now, assembly_id, user_id, (&days, &reason)).await;
    finish(result, &[("days", &days), ("reason", &reason), ("user_id", &user_id.to_string())])
}

#[server(prefix = "/api", endpoint = "lift_suspension")]
pub async fn lift_suspension(suspension_id: SuspensionId) -> Result<(), AppError> {
    let c = call()?;
    finish(service::lift(&c.ctx, &c.actor, c.now, suspension_id).await, &[])
}
