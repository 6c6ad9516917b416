//! Comment server functions: each builds the call's context and hands it to one service.
#[cfg(feature = "ssr")]
use super::service;
use super::Discussion;
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{CommentId, ObjectiveId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_discussion")]
pub async fn get_discussion(objective_id: ObjectiveId, page: i64) -> Result<Discussion, AppError> {
    let c = call()?;
    finish(service::discussion(&c.ctx, &c.actor, c.now, objective_id, page).await, &[])
}

#[server(prefix = "/api", endpoint = "add_comment")]
pub async fn add_comment(
    objective_id: ObjectiveId,
    parent_id: Option<CommentId>,
    stance: String,
    body: String,
) -> Result<CommentId, AppError> {
    let c = call()?;
    let result = service::add(&c.ctx, &c.actor, c.now, objective_id, parent_id, (&stance, &body)).await;
    let parent = parent_id.map(|p| p.to_string()).unwrap_or_default();
    finish(result, &[("stance", &stance), ("body", &body), ("parent_id", &parent)])
}

#[server(prefix = "/api", endpoint = "edit_comment")]
pub async fn edit_comment(comment_id: CommentId, body: String) -> Result<(), AppError> {
    let c = call()?;
    let result = service::edit(&c.ctx, &c.actor, c.now, comment_id, &body).await;
    finish(result, &[("body", &body), ("comment_id", &comment_id.to_string())])
}

#[server(prefix = "/api", endpoint = "delete_comment")]
pub async fn delete_comment(comment_id: CommentId) -> Result<(), AppError> {
    let c = call()?;
    finish(service::delete(&c.ctx, &c.actor, c.now, comment_id).await, &[])
}
