//! The search index's statements, per dialect: FTS5 on SQLite, a `tsvector` with a GIN
//! index on PostgreSQL. Documents are folded by `super::normalize` first.
use super::{normalize, query_words};
use crate::context::Tx;
use crate::db::{Backend, Db};
use crate::error::AppError;
use crate::ids::{CommentId, ObjectiveId};

fn objective_key(id: ObjectiveId) -> i64 {
    id.0 * 2
}

fn comment_key(id: CommentId) -> i64 {
    id.0 * 2 + 1
}

/// Index (or re-index) the text of an objective.
pub async fn index_objective(
    tx: &mut Tx<'_>,
    backend: Backend,
    id: ObjectiveId,
    text: &[&str],
) -> Result<(), AppError> {
    upsert(tx, backend, objective_key(id), id, &normalize(&text.join(" "))).await
}

pub async fn index_comment(
    tx: &mut Tx<'_>,
    backend: Backend,
    id: CommentId,
    objective: ObjectiveId,
    text: &str,
) -> Result<(), AppError> {
    upsert(tx, backend, comment_key(id), objective, &normalize(text)).await
}

pub async fn unindex_objective(tx: &mut Tx<'_>, backend: Backend, id: ObjectiveId) -> Result<(), AppError> {
    remove(tx, backend, objective_key(id)).await
}

pub async fn unindex_comment(tx: &mut Tx<'_>, backend: Backend, id: CommentId) -> Result<(), AppError> {
    remove(tx, backend, comment_key(id)).await
}

async fn upsert(
    tx: &mut Tx<'_>,
    backend: Backend,
    key: i64,
    objective: ObjectiveId,
    document: &str,
) -> Result<(), AppError> {
    remove(tx, backend, key).await?;
    let sql = match backend {
        Backend::Sqlite => "insert into search_index (rowid, document, objective_id) values ($1, $2, $3)",
        Backend::Postgres => {
            "insert into search_index (key, document, objective_id) values ($1, to_tsvector('simple', $2), $3)"
        }
    };
    sqlx::query(sql).bind(key).bind(document).bind(objective.0).execute(&mut **tx).await?;
    Ok(())
}

async fn remove(tx: &mut Tx<'_>, backend: Backend, key: i64) -> Result<(), AppError> {
    let sql = match backend {
        Backend::Sqlite => "delete from search_index where rowid = $1",
        Backend::Postgres => "delete from search_index where key = $1",
    };
    sqlx::query(sql).bind(key).execute(&mut **tx).await?;
    Ok(())
}

/// A SQL condition on `o.id` that keeps objectives whose text or comments contain every
/// word of the query (as a prefix), and the value to bind for it. `None` when the query has
/// no word at all.
pub fn condition(db: &Db, query: &str, placeholder: usize) -> Option<(String, String)> {
    let words = query_words(query);
    if words.is_empty() {
        return None;
    }
    // Words are [a-z0-9]+ after folding, so they cannot carry query syntax.
    match db.backend {
        Backend::Sqlite => Some((
            format!("o.id in (select cast(objective_id as integer) from search_index where search_index match ${placeholder})"),
            words.iter().map(|w| format!("{w}*")).collect::<Vec<_>>().join(" "),
        )),
        Backend::Postgres => Some((
            format!("o.id in (select objective_id from search_index where document @@ to_tsquery('simple', ${placeholder}))"),
            words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "),
        )),
    }
}
