//! The audit log's statements: append an event inside the transaction of the change it
//! records; read a page of it.
use super::{AuditEvent, AUDIT_PAGE_SIZE};
use crate::context::Tx;
use crate::db::Db;
use crate::error::AppError;
use crate::ids::{AssemblyId, UserId};

/// What changed, for the log. `details` is a small JSON object (never a secret).
pub struct Event<'a> {
    pub actor: Option<UserId>,
    pub assembly: Option<AssemblyId>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<i64>,
    pub details: serde_json::Value,
}

impl<'a> Event<'a> {
    /// `action` by `actor` (`None`: the system) in `assembly`, on `target` (type, id),
    /// without details.
    pub fn new(actor: Option<UserId>, assembly: AssemblyId, action: &'a str, target: (&'a str, i64)) -> Self {
        Event {
            actor,
            assembly: Some(assembly),
            action,
            target_type: target.0,
            target_id: Some(target.1),
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn details(self, details: serde_json::Value) -> Self {
        Event { details, ..self }
    }
}

/// Appends `event`, dated by the clock (callers that act at a chosen time use `record_at`).
pub async fn record(tx: &mut Tx<'_>, event: Event<'_>) -> Result<(), AppError> {
    record_at(tx, event, crate::db::now()).await
}

/// Appends `event`, dated `at`.
pub async fn record_at(tx: &mut Tx<'_>, event: Event<'_>, at: i64) -> Result<(), AppError> {
    sqlx::query(
        "insert into audit_events (actor_id, assembly_id, action, target_type, target_id, details, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.actor.map(|u| u.0))
    .bind(event.assembly.map(|a| a.0))
    .bind(event.action)
    .bind(event.target_type)
    .bind(event.target_id)
    .bind(event.details.to_string())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The events before `before` (an event id), newest first, one page.
pub async fn page(db: &Db, before: Option<i64>) -> Result<Vec<AuditEvent>, AppError> {
    Ok(sqlx::query_as(
        "select e.id, u.display_name as actor, a.name as assembly, e.action, e.target_type, e.target_id, e.details, \
         e.created_at from audit_events e left join users u on u.id = e.actor_id \
         left join assemblies a on a.id = e.assembly_id where e.id < $1 order by e.id desc limit $2",
    )
    .bind(before.unwrap_or(i64::MAX))
    .bind(AUDIT_PAGE_SIZE)
    .fetch_all(&db.pool)
    .await?)
}
