//! Reading the audit log: admins only.
use super::AuditEvent;
use crate::context::Ctx;
use crate::error::AppError;
use crate::guard::Actor;

/// The events before `before` (an event id), newest first.
pub async fn page(ctx: &Ctx, actor: &Actor, before: Option<i64>) -> Result<Vec<AuditEvent>, AppError> {
    actor.must_be_admin()?;
    super::store::page(&ctx.db, before).await
}
