//! The audit log: an append-only record of every state change (who, what, when), written in
//! the same transaction as the change itself. Admins read it.
pub mod pages;

use crate::error::AppError;
use crate::ids::AuditEventId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub actor: Option<String>,
    pub assembly: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub details: String,
    pub created_at: i64,
}

pub const AUDIT_PAGE_SIZE: i64 = 50;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
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

    pub async fn record(tx: &mut sqlx::Transaction<'_, sqlx::Any>, event: Event<'_>) -> Result<(), AppError> {
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
        .bind(crate::db::now())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

/// A page of the audit log, newest first (admins only).
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(before: Option<i64>) -> Result<Vec<AuditEvent>, AppError> {
    let result = async {
        let state = crate::state::app_state()?;
        crate::accounts::permissions::require_admin(crate::accounts::session::current_user(&state.db).await?)?;
        type EventRow = (i64, Option<String>, Option<String>, String, String, Option<i64>, String, i64);
        let rows: Vec<EventRow> = sqlx::query_as(
            "select e.id, u.display_name, a.name, e.action, e.target_type, e.target_id, e.details, e.created_at \
             from audit_events e left join users u on u.id = e.actor_id left join assemblies a on a.id = e.assembly_id \
             where e.id < $1 order by e.id desc limit $2",
        )
        .bind(before.unwrap_or(i64::MAX))
        .bind(AUDIT_PAGE_SIZE)
        .fetch_all(&state.db.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, actor, assembly, action, target_type, target_id, details, created_at)| AuditEvent {
                id: AuditEventId(id),
                actor,
                assembly,
                action,
                target_type,
                target_id,
                details,
                created_at,
            })
            .collect())
    }
    .await;
    crate::error::ssr::finish(result, &[])
}
