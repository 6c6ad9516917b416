//! The audit log's server function.
use super::AuditEvent;
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the audit log, newest first (admins only).
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(before: Option<i64>) -> Result<Vec<AuditEvent>, AppError> {
    let c = crate::context::call()?;
    crate::forms::finish(super::service::page(&c.ctx, &c.actor, before).await, &[])
}
