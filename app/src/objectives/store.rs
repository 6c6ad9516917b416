//! Objectives' statements and rows: the objective with its assembly and author, lists with
//! their counts, versions, supports, the status and the text (each changed by a conditional
//! update, so a concurrent change is refused rather than overwritten), the support threshold.
use super::{Channel, ListQuery, ObjectiveSummary, Similar, Sort, Status, Version, PAGE_SIZE};
use crate::context::Tx;
use crate::db::{Db, Flag};
use crate::error::AppError;
use crate::ids::{AssemblyId, CommitmentId, ObjectiveId, RoundId, UserId};
use crate::moderation::Moderation;

#[derive(sqlx::FromRow)]
pub struct ObjectiveRow {
    pub id: ObjectiveId,
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub threshold: i64,
    pub author_id: UserId,
    pub author: String,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub target: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub version: i64,
    moderation: String,
    moderation_reason: Option<String>,
    moderation_note: Option<String>,
    #[sqlx(try_from = "i64")]
    pub locked: Flag,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

impl ObjectiveRow {
    pub fn moderation(&self) -> Moderation {
        Moderation::from_columns(&self.moderation, self.moderation_reason.as_deref(), self.moderation_note.as_deref())
    }
}

const SELECT: &str = "select o.id, o.assembly_id, a.name as assembly_name, a.support_threshold as threshold, \
    o.author_id, u.display_name as author, o.title, o.body_md, o.body_html, o.channel, o.target, o.status, \
    o.version, o.moderation, o.moderation_reason, o.moderation_note, o.locked, o.created_at, o.updated_at, \
    o.published_at from objectives o join assemblies a on a.id = o.assembly_id join users u on u.id = o.author_id";

pub async fn objective(db: &Db, id: ObjectiveId) -> Result<Option<ObjectiveRow>, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT} where o.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

/// The objective as it stands inside `tx` (for the rules that guard a write).
pub async fn objective_in(tx: &mut Tx<'_>, id: ObjectiveId) -> Result<Option<ObjectiveRow>, AppError> {
    Ok(sqlx::query_as(&format!("{SELECT} where o.id = $1")).bind(id).fetch_optional(&mut **tx).await?)
}

pub async fn set_threshold(tx: &mut Tx<'_>, assembly: AssemblyId, threshold: i64) -> Result<(), AppError> {
    sqlx::query("update assemblies set support_threshold = $1 where id = $2")
        .bind(threshold)
        .bind(assembly)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub author: String,
    moderation: String,
    moderation_reason: Option<String>,
    moderation_note: Option<String>,
    pub supports: i64,
    pub comments: i64,
    pub published_at: Option<i64>,
}

impl SummaryRow {
    /// The list item; hidden content keeps its place in the list, its words do not show.
    pub fn summary(self, threshold: i64) -> ObjectiveSummary {
        let moderation = Moderation::from_columns(
            &self.moderation,
            self.moderation_reason.as_deref(),
            self.moderation_note.as_deref(),
        );
        let visible = moderation.is_visible();
        ObjectiveSummary {
            id: self.id,
            title: if visible { self.title } else { String::new() },
            channel: self.channel,
            status: self.status,
            author: self.author,
            moderation,
            supports: self.supports,
            comments: self.comments,
            published_at: self.published_at,
            ready: visible && super::ready_for_agenda(self.status, self.supports, threshold),
        }
    }
}

const SUMMARY: &str = "select o.id, o.title, o.channel, o.status, u.display_name as author, o.moderation, \
    o.moderation_reason, o.moderation_note, \
    (select count(*) from supports s where s.objective_id = o.id) as supports, \
    (select count(*) from comments c where c.objective_id = o.id and c.deleted_at is null) as comments, \
    o.published_at from objectives o join users u on u.id = o.author_id";

/// One page of the assembly's published objectives for `query`, and how many match.
pub async fn page(db: &Db, assembly: AssemblyId, query: &ListQuery) -> Result<(Vec<SummaryRow>, i64, i64), AppError> {
    let mut sql = format!(
        "{SUMMARY} where o.assembly_id = $1 and o.status <> 'draft' and ($2 = '' or o.channel = $2) and ($3 = '' or o.status = $3)"
    );
    let search = crate::search::store::condition(db, &query.q, 4);
    if let Some((cond, _)) = &search {
        sql.push_str(" and ");
        sql.push_str(cond);
    }
    let count_sql = format!("select count(*) from ({sql}) as listed");
    let next = if search.is_some() { 5 } else { 4 };
    let order = match query.sort {
        Sort::Newest => "o.published_at desc, o.id desc",
        Sort::Supported => "supports desc, o.published_at desc, o.id desc",
        Sort::Discussed => "comments desc, o.published_at desc, o.id desc",
    };
    let page_sql = format!("{sql} order by {order} limit ${next} offset ${}", next + 1);
    let channel = query.channel.map(Channel::as_str).unwrap_or("");
    let status = query.status.map(Status::as_str).unwrap_or("");
    let mut count = sqlx::query_as::<_, (i64,)>(&count_sql).bind(assembly).bind(channel).bind(status);
    let mut rows = sqlx::query_as::<_, SummaryRow>(&page_sql).bind(assembly).bind(channel).bind(status);
    if let Some((_, value)) = &search {
        count = count.bind(value.clone());
        rows = rows.bind(value.clone());
    }
    let (total,) = count.fetch_one(&db.pool).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = query.page.clamp(1, pages);
    let rows = rows.bind(PAGE_SIZE).bind((page - 1) * PAGE_SIZE).fetch_all(&db.pool).await?;
    Ok((rows, total, page))
}

/// The author's drafts in the assembly, latest first.
pub async fn drafts(db: &Db, assembly: AssemblyId, author: UserId) -> Result<Vec<SummaryRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "{SUMMARY} where o.assembly_id = $1 and o.status = 'draft' and o.author_id = $2 order by o.updated_at desc"
    ))
    .bind(assembly)
    .bind(author)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn support_count(db: &Db, id: ObjectiveId) -> Result<i64, AppError> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from supports where objective_id = $1").bind(id).fetch_one(&db.pool).await?;
    Ok(n)
}

pub async fn supported_by(db: &Db, id: ObjectiveId, user: UserId) -> Result<bool, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("select objective_id from supports where objective_id = $1 and user_id = $2")
            .bind(id)
            .bind(user)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

#[derive(sqlx::FromRow)]
pub struct RoundLink {
    pub id: RoundId,
    #[sqlx(try_from = "String")]
    pub method: crate::voting::Method,
    #[sqlx(try_from = "String")]
    pub status: crate::voting::RoundStatus,
}

/// The vote rounds the objective was put to, oldest first.
pub async fn rounds_of(db: &Db, id: ObjectiveId) -> Result<Vec<RoundLink>, AppError> {
    Ok(sqlx::query_as(
        "select r.id, r.method, r.status from round_objectives ro join vote_rounds r on r.id = ro.round_id \
         where ro.objective_id = $1 order by r.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn commitment_of(db: &Db, id: ObjectiveId) -> Result<Option<CommitmentId>, AppError> {
    let row: Option<(CommitmentId,)> =
        sqlx::query_as("select id from commitments where objective_id = $1").bind(id).fetch_optional(&db.pool).await?;
    Ok(row.map(|(c,)| c))
}

/// The text fields of an objective, as checked.
pub struct Text<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub body_html: &'a str,
    pub channel: Channel,
    pub target: &'a str,
}

pub async fn insert_objective(
    tx: &mut Tx<'_>,
    assembly: AssemblyId,
    author: UserId,
    text: &Text<'_>,
    status: Status,
    now: i64,
) -> Result<ObjectiveId, AppError> {
    let (id,): (ObjectiveId,) = sqlx::query_as(
        "insert into objectives (assembly_id, author_id, title, body_md, body_html, channel, target, status, created_at, \
         updated_at, published_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) returning id",
    )
    .bind(assembly)
    .bind(author)
    .bind(text.title)
    .bind(text.body)
    .bind(text.body_html)
    .bind(text.channel.as_str())
    .bind(text.target)
    .bind(status.as_str())
    .bind(now)
    .bind(status.public().then_some(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn insert_version(
    tx: &mut Tx<'_>,
    id: ObjectiveId,
    version: i64,
    text: &Text<'_>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into objective_versions (objective_id, version, title, body_md, body_html, channel, target, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(version)
    .bind(text.title)
    .bind(text.body)
    .bind(text.body_html)
    .bind(text.channel.as_str())
    .bind(text.target)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the text while the status is still `editable`; returns the new version and the
/// status, or `None` when a concurrent change (the discussion opened) came first.
pub async fn update_text(
    tx: &mut Tx<'_>,
    id: ObjectiveId,
    text: &Text<'_>,
    now: i64,
) -> Result<Option<(i64, Status)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Updated {
        version: i64,
        #[sqlx(try_from = "String")]
        status: Status,
    }
    let editable = [Status::Draft, Status::Proposed];
    let updated: Option<Updated> = sqlx::query_as(
        "update objectives set title = $1, body_md = $2, body_html = $3, channel = $4, target = $5, \
         version = version + 1, updated_at = $6 where id = $7 and status in ($8, $9) returning version, status",
    )
    .bind(text.title)
    .bind(text.body)
    .bind(text.body_html)
    .bind(text.channel.as_str())
    .bind(text.target)
    .bind(now)
    .bind(id)
    .bind(editable[0].as_str())
    .bind(editable[1].as_str())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(updated.map(|u| (u.version, u.status)))
}

/// Moves the objective from `from` to `to`; false when it is no longer in `from` (a
/// concurrent change won). Publication dates the objective once.
pub async fn set_status(
    tx: &mut Tx<'_>,
    id: ObjectiveId,
    from: Status,
    to: Status,
    now: i64,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update objectives set status = $1, updated_at = $2, published_at = coalesce(published_at, $3) \
         where id = $4 and status = $5",
    )
    .bind(to.as_str())
    .bind(now)
    .bind((to == Status::Proposed).then_some(now))
    .bind(id)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds or removes one support; true when something changed (a second support is a no-op,
/// even when raced: the primary key decides).
pub async fn set_support(
    tx: &mut Tx<'_>,
    id: ObjectiveId,
    user: UserId,
    support: bool,
    now: i64,
) -> Result<bool, AppError> {
    let changed = if support {
        sqlx::query(
            "insert into supports (objective_id, user_id, created_at) values ($1, $2, $3) on conflict do nothing",
        )
        .bind(id)
        .bind(user)
        .bind(now)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query("delete from supports where objective_id = $1 and user_id = $2")
            .bind(id)
            .bind(user)
            .execute(&mut **tx)
            .await?
    };
    Ok(changed.rows_affected() > 0)
}

pub async fn support_count_in(tx: &mut Tx<'_>, id: ObjectiveId) -> Result<i64, AppError> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from supports where objective_id = $1").bind(id).fetch_one(&mut **tx).await?;
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    title: String,
    #[sqlx(try_from = "String")]
    channel: Channel,
    target: String,
    body_md: String,
    created_at: i64,
}

pub async fn versions(db: &Db, id: ObjectiveId) -> Result<Vec<Version>, AppError> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "select version, title, channel, target, body_md, created_at from objective_versions \
         where objective_id = $1 order by version",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Version {
            version: r.version,
            title: r.title,
            channel: r.channel,
            target: r.target,
            body_md: r.body_md,
            created_at: r.created_at,
        })
        .collect())
}

/// The published, visible objectives of the assembly that a new title may repeat, latest
/// first (at most 2,000).
pub async fn similar_candidates(
    db: &Db,
    assembly: AssemblyId,
    except: Option<ObjectiveId>,
) -> Result<Vec<Similar>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: ObjectiveId,
        title: String,
        #[sqlx(try_from = "String")]
        status: Status,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select id, title, status from objectives where assembly_id = $1 and status <> 'draft' and moderation = 'visible' \
         and id <> $2 order by id desc limit 2000",
    )
    .bind(assembly)
    .bind(except.map_or(0, |e| e.0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| Similar { id: r.id, title: r.title, status: r.status }).collect())
}
