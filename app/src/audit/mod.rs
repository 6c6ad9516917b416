//! The audit log: an append-only record of every state change (who, what, when), written in
//! the same transaction as the change itself. Admins read it.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;

use crate::ids::AuditEventId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
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
