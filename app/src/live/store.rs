//! The one statement of the live-event bus: NOTIFY on PostgreSQL, which every instance's
//! listener hears.
use crate::db::Db;

pub async fn notify(db: &Db, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_notify($1, $2)").bind(channel).bind(payload).execute(&db.pool).await.map(|_| ())
}
