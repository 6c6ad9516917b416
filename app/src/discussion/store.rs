//! The discussion's statements: comments with their authors, stance counts, one page of
//! threads, and the writes of posting, editing and deleting.
use super::{Stance, StanceCounts, THREADS_PER_PAGE};
use crate::context::Tx;
use crate::db::Db;
use crate::error::AppError;
use crate::ids::{AssemblyId, CommentId, ObjectiveId, UserId};
use crate::moderation::{Moderation, State};

#[derive(sqlx::FromRow)]
pub struct CommentRow {
    pub id: CommentId,
    pub parent_id: Option<CommentId>,
    pub author_id: UserId,
    pub author: String,
    pub depth: i64,
    #[sqlx(try_from = "String")]
    pub stance: Stance,
    pub body_md: String,
    pub body_html: String,
    moderation: String,
    moderation_reason: Option<String>,
    moderation_note: Option<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub deleted_at: Option<i64>,
}

impl CommentRow {
    pub fn moderation(&self) -> Moderation {
        Moderation::from_columns(&self.moderation, self.moderation_reason.as_deref(), self.moderation_note.as_deref())
    }
}

const SELECT: &str = "select c.id, c.parent_id, c.author_id, u.display_name as author, c.depth, c.stance, c.body_md, \
    c.body_html, c.moderation, c.moderation_reason, c.moderation_note, c.created_at, c.edited_at, c.deleted_at \
    from comments c join users u on u.id = c.author_id";

/// Visible, undeleted comments by stance.
pub async fn stance_counts(db: &Db, objective: ObjectiveId) -> Result<StanceCounts, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(try_from = "String")]
        stance: Stance,
        n: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select stance, count(*) as n from comments where objective_id = $1 and deleted_at is null \
         and moderation = $2 group by stance",
    )
    .bind(objective)
    .bind(State::Visible.as_str())
    .fetch_all(&db.pool)
    .await?;
    let mut counts = StanceCounts::default();
    for r in rows {
        match r.stance {
            Stance::For => counts.for_ = r.n,
            Stance::Against => counts.against = r.n,
            Stance::Neutral => counts.neutral = r.n,
        }
    }
    Ok(counts)
}

/// (comments, threads) under the objective.
pub async fn totals(db: &Db, objective: ObjectiveId) -> Result<(i64, i64), AppError> {
    Ok(sqlx::query_as(
        "select count(*), coalesce(sum(case when depth = 0 then 1 else 0 end), 0) from comments where objective_id = $1",
    )
    .bind(objective)
    .fetch_one(&db.pool)
    .await?)
}

/// One page of threads: its top-level comments, then every reply in those threads.
pub async fn page(db: &Db, objective: ObjectiveId, page: i64) -> Result<Vec<CommentRow>, AppError> {
    let roots: Vec<CommentRow> = sqlx::query_as(&format!(
        "{SELECT} where c.objective_id = $1 and c.depth = 0 order by c.created_at, c.id limit $2 offset $3"
    ))
    .bind(objective)
    .bind(THREADS_PER_PAGE)
    .bind((page - 1) * THREADS_PER_PAGE)
    .fetch_all(&db.pool)
    .await?;
    if roots.is_empty() {
        return Ok(roots);
    }
    // The ids are integers read from the database, not user input.
    let ids = roots.iter().map(|r| r.id.to_string()).collect::<Vec<_>>().join(", ");
    let replies: Vec<CommentRow> =
        sqlx::query_as(&format!("{SELECT} where c.objective_id = $1 and c.depth > 0 and c.thread_id in ({ids})"))
            .bind(objective)
            .fetch_all(&db.pool)
            .await?;
    Ok(roots.into_iter().chain(replies).collect())
}

/// The parent's depth and thread, if it is a comment of this objective.
pub async fn parent(
    tx: &mut Tx<'_>,
    parent: CommentId,
    objective: ObjectiveId,
) -> Result<Option<(i64, CommentId)>, AppError> {
    let found: Option<(i64, Option<CommentId>)> =
        sqlx::query_as("select depth, thread_id from comments where id = $1 and objective_id = $2")
            .bind(parent)
            .bind(objective)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.map(|(depth, thread)| (depth, thread.unwrap_or(parent))))
}

pub struct NewComment<'a> {
    pub objective: ObjectiveId,
    pub author: UserId,
    pub parent: Option<CommentId>,
    pub thread: Option<CommentId>,
    pub depth: i64,
    pub stance: Stance,
    pub body: &'a str,
    pub body_html: &'a str,
}

/// Inserts a comment; a top-level one is its own thread.
pub async fn insert_comment(tx: &mut Tx<'_>, c: &NewComment<'_>, now: i64) -> Result<CommentId, AppError> {
    let (id,): (CommentId,) = sqlx::query_as(
        "insert into comments (objective_id, author_id, parent_id, thread_id, depth, stance, body_md, body_html, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(c.objective)
    .bind(c.author)
    .bind(c.parent)
    .bind(c.thread)
    .bind(c.depth)
    .bind(c.stance.as_str())
    .bind(c.body)
    .bind(c.body_html)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    if c.thread.is_none() {
        sqlx::query("update comments set thread_id = id where id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(id)
}

#[derive(sqlx::FromRow)]
pub struct Owned {
    pub objective_id: ObjectiveId,
    pub assembly_id: AssemblyId,
    pub author_id: UserId,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    #[sqlx(try_from = "String")]
    pub moderation: State,
}

/// Who wrote the comment and where it stands, locked for the rest of `tx`.
pub async fn lock_comment(tx: &mut Tx<'_>, id: CommentId) -> Result<Option<Owned>, AppError> {
    let touched: Option<(ObjectiveId,)> =
        sqlx::query_as("update comments set moderation = moderation where id = $1 returning objective_id")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    if touched.is_none() {
        return Ok(None);
    }
    Ok(sqlx::query_as(
        "select c.objective_id, o.assembly_id, c.author_id, c.created_at, c.deleted_at, c.moderation \
         from comments c join objectives o on o.id = c.objective_id where c.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn update_body(tx: &mut Tx<'_>, id: CommentId, body: &str, html: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("update comments set body_md = $1, body_html = $2, edited_at = $3 where id = $4")
        .bind(body)
        .bind(html)
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Erases the text; the comment's place stays so its replies keep their context.
pub async fn erase(tx: &mut Tx<'_>, id: CommentId, now: i64) -> Result<(), AppError> {
    sqlx::query("update comments set body_md = '', body_html = '', deleted_at = $1 where id = $2")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct LatestRow {
    pub author: String,
    #[sqlx(try_from = "String")]
    pub stance: Stance,
    pub body_html: String,
    pub created_at: i64,
}

/// The latest five visible comments on the objective under discussion.
pub async fn latest_comments(db: &Db, objective: ObjectiveId) -> Result<Vec<LatestRow>, AppError> {
    Ok(sqlx::query_as(
        "select u.display_name as author, c.stance, c.body_html, c.created_at from comments c \
         join users u on u.id = c.author_id where c.objective_id = $1 and c.moderation = 'visible' \
         and c.deleted_at is null order by c.created_at desc, c.id desc limit 5",
    )
    .bind(objective)
    .fetch_all(&db.pool)
    .await?)
}
