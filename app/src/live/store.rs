//! The one statement of the live-event bus: NOTIFY on PostgreSQL, which every instance's
//! listener hears.
use crate::db::Db;
use crate::ids::{ObjectiveId, SittingId};

pub async fn notify(db: &Db, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_notify($1, $2)").bind(channel).bind(payload).execute(&db.pool).await.map(|_| ())
}

/// The live sittings discussing `objective` right now (they show its latest comments).
pub async fn sittings_showing(db: &Db, objective: ObjectiveId) -> Result<Vec<SittingId>, sqlx::Error> {
    let rows: Vec<(SittingId,)> =
        sqlx::query_as("select id from sittings where current_objective_id = $1 and status = 'live'")
            .bind(objective)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(s,)| s).collect())
}
