//! Objective server functions: each builds the call's context and hands it to one service
//! (`service.rs`), which says who may do what.
#[cfg(feature = "ssr")]
use super::service::{self, Form};
use super::{History, ListQuery, Objective, ObjectiveList, Similar};
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, ObjectiveId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_objectives")]
pub async fn list_objectives(
    assembly_id: AssemblyId,
    #[server(default)] query: ListQuery,
) -> Result<ObjectiveList, AppError> {
    let c = call()?;
    finish(service::list(&c.ctx, &c.actor, assembly_id, query).await, &[])
}

#[server(prefix = "/api", endpoint = "get_objective")]
pub async fn get_objective(objective_id: ObjectiveId) -> Result<Objective, AppError> {
    let c = call()?;
    finish(service::get(&c.ctx, &c.actor, c.now, objective_id).await, &[])
}

/// `intent`: `publish` posts it at once; anything else keeps a draft, which its author
/// sees rendered (the preview without JavaScript) and can publish from there.
#[server(prefix = "/api", endpoint = "create_objective")]
pub async fn create_objective(
    assembly_id: AssemblyId,
    title: String,
    body: String,
    channel: String,
    target: String,
    intent: Option<String>,
) -> Result<ObjectiveId, AppError> {
    let c = call()?;
    let form = Form { title: &title, body: &body, channel: &channel, target: &target };
    let publish = intent.as_deref() == Some("publish");
    let result = service::create(&c.ctx, &c.actor, c.now, assembly_id, &form, publish).await;
    let result = result.inspect(|id| leptos_axum::redirect(&format!("/objectives/{id}")));
    finish(result, &[("title", &title), ("body", &body), ("channel", &channel), ("target", &target)])
}

#[server(prefix = "/api", endpoint = "update_objective")]
pub async fn update_objective(
    objective_id: ObjectiveId,
    title: String,
    body: String,
    channel: String,
    target: String,
) -> Result<(), AppError> {
    let c = call()?;
    let form = Form { title: &title, body: &body, channel: &channel, target: &target };
    let result = service::update(&c.ctx, &c.actor, c.now, objective_id, &form).await;
    let result = result.inspect(|()| leptos_axum::redirect(&format!("/objectives/{objective_id}")));
    finish(result, &[("title", &title), ("body", &body), ("channel", &channel), ("target", &target)])
}

/// Lifecycle steps: `publish` and `withdraw` (the author), `open_discussion` (facilitators).
#[server(prefix = "/api", endpoint = "change_objective_status")]
pub async fn change_objective_status(objective_id: ObjectiveId, step: String) -> Result<(), AppError> {
    let c = call()?;
    finish(service::change_status(&c.ctx, &c.actor, c.now, objective_id, &step).await, &[])
}

#[server(prefix = "/api", endpoint = "support_objective")]
pub async fn support_objective(objective_id: ObjectiveId, support: bool) -> Result<i64, AppError> {
    let c = call()?;
    finish(service::support(&c.ctx, &c.actor, c.now, objective_id, support).await, &[])
}

#[server(prefix = "/api", endpoint = "objective_history")]
pub async fn objective_history(
    objective_id: ObjectiveId,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<History, AppError> {
    let c = call()?;
    finish(service::history(&c.ctx, &c.actor, objective_id, from, to).await, &[])
}

#[server(prefix = "/api", endpoint = "similar_objectives")]
pub async fn similar_objectives(assembly_id: AssemblyId, title: String) -> Result<Vec<Similar>, AppError> {
    let c = call()?;
    finish(service::similar(&c.ctx, assembly_id, &title, None).await, &[])
}

#[server(prefix = "/api", endpoint = "preview_markdown")]
pub async fn preview_markdown(text: String) -> Result<String, AppError> {
    let c = call()?;
    finish(service::preview(&c.actor, &text).await, &[])
}

#[server(prefix = "/api", endpoint = "set_support_threshold")]
pub async fn set_support_threshold(assembly_id: AssemblyId, threshold: String) -> Result<(), AppError> {
    let c = call()?;
    let result = service::set_threshold(&c.ctx, &c.actor, c.now, assembly_id, &threshold).await;
    finish(result, &[("threshold", &threshold)])
}
