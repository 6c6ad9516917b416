//! Moderation's statements: the moderation state of objectives and comments (a column on
//! each), reports, suspensions, and what the queue shows.
use super::{LogEntry, Moderation, Reason, State, Suspension, Target};
use crate::context::Tx;
use crate::db::{Backend, Db};
use crate::error::ssr::ResultExt;
use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, CommentId, ObjectiveId, ReportId, SuspensionId, UserId};

/// Where moderated content stands: its assembly, its objective, its author, its state.
pub struct Locked {
    pub assembly: AssemblyId,
    pub objective: ObjectiveId,
    pub author: UserId,
    pub state: State,
}

/// Locks the target's row for the rest of `tx` (concurrent reports are then counted one
/// after the other) and says where it stands; `None` when it does not exist (or is a draft,
/// or a deleted comment).
pub async fn lock_target(tx: &mut Tx<'_>, target: Target) -> Result<Option<Locked>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        assembly_id: AssemblyId,
        objective_id: ObjectiveId,
        author_id: UserId,
        #[sqlx(try_from = "String")]
        moderation: State,
    }
    let row: Option<Row> = match target {
        Target::Objective(id) => {
            sqlx::query_as(
                "update objectives set moderation = moderation where id = $1 and status <> 'draft' \
                 returning assembly_id, id as objective_id, author_id, moderation",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
        }
        Target::Comment(id) => {
            let found: Option<(ObjectiveId, UserId, String)> = sqlx::query_as(
                "update comments set moderation = moderation where id = $1 and deleted_at is null \
                 returning objective_id, author_id, moderation",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            match found {
                None => None,
                Some((objective_id, author_id, moderation)) => {
                    let (assembly_id,): (AssemblyId,) =
                        sqlx::query_as("select assembly_id from objectives where id = $1")
                            .bind(objective_id)
                            .fetch_one(&mut **tx)
                            .await?;
                    let moderation = State::parse(&moderation).map_err(|_| AppError::Internal)?;
                    Some(Row { assembly_id, objective_id, author_id, moderation })
                }
            }
        }
    };
    Ok(row.map(|r| Locked {
        assembly: r.assembly_id,
        objective: r.objective_id,
        author: r.author_id,
        state: r.moderation,
    }))
}

pub async fn set_state(
    tx: &mut Tx<'_>,
    target: Target,
    state: State,
    reason: Option<Reason>,
    note: Option<&str>,
) -> Result<(), AppError> {
    let sql = match target {
        Target::Objective(_) => {
            "update objectives set moderation = $1, moderation_reason = $2, moderation_note = $3 where id = $4"
        }
        Target::Comment(_) => {
            "update comments set moderation = $1, moderation_reason = $2, moderation_note = $3 where id = $4"
        }
    };
    sqlx::query(sql)
        .bind(state.as_str())
        .bind(reason.map(Reason::as_str))
        .bind(note)
        .bind(target.id())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes hidden content out of the search index, or puts restored content back.
pub async fn sync_index(tx: &mut Tx<'_>, backend: Backend, target: Target, visible: bool) -> Result<(), AppError> {
    use crate::search::store as search;
    match (target, visible) {
        (Target::Objective(id), false) => search::unindex_objective(tx, backend, ObjectiveId(id)).await,
        (Target::Comment(id), false) => search::unindex_comment(tx, backend, CommentId(id)).await,
        (Target::Objective(id), true) => {
            let (title, body, goal): (String, String, String) =
                sqlx::query_as("select title, body_md, target from objectives where id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
            search::index_objective(tx, backend, ObjectiveId(id), &[&title, &body, &goal]).await
        }
        (Target::Comment(id), true) => {
            let (objective, body): (ObjectiveId, String) =
                sqlx::query_as("select objective_id, body_md from comments where id = $1")
                    .bind(id)
                    .fetch_one(&mut **tx)
                    .await?;
            search::index_comment(tx, backend, CommentId(id), objective, &body).await
        }
    }
}

pub struct NewReport<'a> {
    pub assembly: AssemblyId,
    pub target: Target,
    pub reporter: UserId,
    pub reason: Reason,
    pub details: &'a str,
}

/// A report; a second open report by the same person on the same content is refused by
/// the schema (`already_reported`).
pub async fn insert_report(tx: &mut Tx<'_>, r: &NewReport<'_>, now: i64) -> Result<ReportId, AppError> {
    let (id,): (ReportId,) = sqlx::query_as(
        "insert into reports (assembly_id, target_type, target_id, reporter_id, reason, details, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(r.assembly)
    .bind(r.target.kind())
    .bind(r.target.id())
    .bind(r.reporter)
    .bind(r.reason.as_str())
    .bind(r.details)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .on_constraint(&["report_open_unique", "reports.reporter_id"], || AppError::User(ErrorCode::AlreadyReported))?;
    Ok(id)
}

/// How many different members have open reports on the target.
pub async fn open_reporters(tx: &mut Tx<'_>, target: Target) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(distinct reporter_id) from reports where target_type = $1 and target_id = $2 and resolved_at is null",
    )
    .bind(target.kind())
    .bind(target.id())
    .fetch_one(&mut **tx)
    .await?;
    Ok(n)
}

pub async fn resolve_reports(
    tx: &mut Tx<'_>,
    target: Target,
    by: Option<UserId>,
    resolution: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "update reports set resolved_at = $1, resolved_by = $2, resolution = $3 \
         where target_type = $4 and target_id = $5 and resolved_at is null",
    )
    .bind(now)
    .bind(by)
    .bind(resolution)
    .bind(target.kind())
    .bind(target.id())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The objective's assembly, if it is published.
pub async fn objective_assembly(db: &Db, objective: ObjectiveId) -> Result<Option<AssemblyId>, AppError> {
    let row: Option<(AssemblyId,)> =
        sqlx::query_as("select assembly_id from objectives where id = $1 and status <> 'draft'")
            .bind(objective)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(a,)| a))
}

pub async fn set_locked(tx: &mut Tx<'_>, objective: ObjectiveId, locked: bool) -> Result<(), AppError> {
    sqlx::query("update objectives set locked = $1 where id = $2")
        .bind(crate::db::flag(locked))
        .bind(objective)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn is_member(tx: &mut Tx<'_>, assembly: AssemblyId, user: UserId) -> Result<bool, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("select user_id from memberships where assembly_id = $1 and user_id = $2 limit 1")
            .bind(assembly)
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.is_some())
}

pub struct NewSuspension<'a> {
    pub assembly: AssemblyId,
    pub member: UserId,
    pub reason: &'a str,
    pub until: i64,
    pub by: Option<UserId>,
}

pub async fn insert_suspension(tx: &mut Tx<'_>, s: &NewSuspension<'_>, now: i64) -> Result<SuspensionId, AppError> {
    let (id,): (SuspensionId,) = sqlx::query_as(
        "insert into suspensions (assembly_id, user_id, reason, until, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(s.assembly)
    .bind(s.member)
    .bind(s.reason)
    .bind(s.until)
    .bind(s.by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The suspension's assembly and member.
pub async fn suspension(db: &Db, id: SuspensionId) -> Result<Option<(AssemblyId, UserId)>, AppError> {
    Ok(sqlx::query_as("select assembly_id, user_id from suspensions where id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn lift_suspension(tx: &mut Tx<'_>, id: SuspensionId, by: Option<UserId>, now: i64) -> Result<(), AppError> {
    sqlx::query("update suspensions set lifted_at = $1, lifted_by = $2 where id = $3 and lifted_at is null")
        .bind(now)
        .bind(by)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The content with open reports in the assembly, oldest report first (at most 200).
pub async fn reported(db: &Db, assembly: AssemblyId) -> Result<Vec<Target>, AppError> {
    let open: Vec<(String, i64)> = sqlx::query_as(
        "select target_type, target_id from reports where assembly_id = $1 and resolved_at is null \
         group by target_type, target_id order by min(created_at) limit 200",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?;
    Ok(open
        .into_iter()
        .map(|(kind, id)| if kind == "objective" { Target::Objective(id) } else { Target::Comment(id) })
        .collect())
}

#[derive(sqlx::FromRow)]
pub struct ItemRow {
    pub objective_id: ObjectiveId,
    pub objective_title: String,
    pub author_id: UserId,
    pub author: String,
    pub text: String,
    moderation: String,
    moderation_reason: Option<String>,
    moderation_note: Option<String>,
}

impl ItemRow {
    pub fn moderation(&self) -> Moderation {
        Moderation::from_columns(&self.moderation, self.moderation_reason.as_deref(), self.moderation_note.as_deref())
    }
}

/// The reported content itself, as the queue shows it.
pub async fn item(db: &Db, target: Target) -> Result<Option<ItemRow>, AppError> {
    let sql = match target {
        Target::Objective(_) => {
            "select o.id as objective_id, o.title as objective_title, o.author_id, u.display_name as author, \
             o.title || ' — ' || o.body_md as text, o.moderation, o.moderation_reason, o.moderation_note \
             from objectives o join users u on u.id = o.author_id where o.id = $1"
        }
        Target::Comment(_) => {
            "select o.id as objective_id, o.title as objective_title, c.author_id, u.display_name as author, \
             c.body_md as text, c.moderation, c.moderation_reason, c.moderation_note from comments c \
             join objectives o on o.id = c.objective_id join users u on u.id = c.author_id where c.id = $1"
        }
    };
    Ok(sqlx::query_as(sql).bind(target.id()).fetch_optional(&db.pool).await?)
}

#[derive(sqlx::FromRow)]
pub struct OpenReport {
    #[sqlx(try_from = "String")]
    pub reason: Reason,
    pub details: String,
    pub created_at: i64,
}

pub async fn open_reports(db: &Db, target: Target) -> Result<Vec<OpenReport>, AppError> {
    Ok(sqlx::query_as(
        "select reason, details, created_at from reports where target_type = $1 and target_id = $2 \
         and resolved_at is null order by created_at",
    )
    .bind(target.kind())
    .bind(target.id())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn suspensions(db: &Db, assembly: AssemblyId, now: i64) -> Result<Vec<Suspension>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: SuspensionId,
        user_id: UserId,
        user: String,
        reason: String,
        until: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select s.id, s.user_id, u.display_name as user, s.reason, s.until from suspensions s \
         join users u on u.id = s.user_id where s.assembly_id = $1 and s.lifted_at is null and s.until > $2 order by s.until",
    )
    .bind(assembly)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Suspension { id: r.id, user_id: r.user_id, user: r.user, reason: r.reason, until: r.until })
        .collect())
}

/// The assembly's latest 100 moderation actions, newest first.
pub async fn log(db: &Db, assembly: AssemblyId) -> Result<Vec<LogEntry>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        actor: Option<String>,
        action: String,
        target_type: String,
        target_id: Option<i64>,
        details: String,
        created_at: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select u.display_name as actor, e.action, e.target_type, e.target_id, e.details, e.created_at \
         from audit_events e left join users u on u.id = e.actor_id where e.assembly_id = $1 \
         and e.action like 'moderation.%' order by e.id desc limit 100",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LogEntry {
            actor: r.actor,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: r.details,
            created_at: r.created_at,
        })
        .collect())
}

/// The assembly's members and facilitators (who can be suspended), by name.
pub async fn members(db: &Db, assembly: AssemblyId) -> Result<Vec<(UserId, String)>, AppError> {
    Ok(sqlx::query_as(
        "select distinct u.id, u.display_name from memberships m join users u on u.id = m.user_id \
         where m.assembly_id = $1 and m.role in ('member', 'facilitator') and u.disabled = 0 order by u.display_name",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}
