//! Commitments' statements: the commitment, its history of changes, milestones, indicators
//! and their measurements, progress updates, and the notifications it sends.
use super::{Change, Direction, Measurement, Milestone, Notification, NotificationKind, ProgressUpdate, Status};
use crate::context::Tx;
use crate::db::Db;
use crate::error::ssr::ResultExt;
use crate::error::{AppError, ErrorCode};
use crate::ids::{
    AssemblyId, CommitmentId, IndicatorId, MeasurementId, MilestoneId, ObjectiveId, RoundId, SittingId, UserId,
};
use crate::objectives::Channel;

/// The commitment's assembly and where it stands, its row locked for the rest of `tx`:
/// changes to one commitment are made one after another, each from the state before it.
pub struct Locked {
    pub assembly: AssemblyId,
    pub status: Status,
    pub target_date: String,
    pub progress_override: Option<i64>,
}

pub async fn lock(tx: &mut Tx<'_>, id: CommitmentId) -> Result<Option<Locked>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        assembly_id: AssemblyId,
        #[sqlx(try_from = "String")]
        status: Status,
        target_date: String,
        progress_override: Option<i64>,
    }
    let row: Option<Row> = sqlx::query_as(
        "update commitments set updated_at = updated_at where id = $1 \
         returning assembly_id, status, target_date, progress_override",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| Locked {
        assembly: r.assembly_id,
        status: r.status,
        target_date: r.target_date,
        progress_override: r.progress_override,
    }))
}

pub async fn assembly_of(db: &Db, id: CommitmentId) -> Result<Option<AssemblyId>, AppError> {
    let row: Option<(AssemblyId,)> =
        sqlx::query_as("select assembly_id from commitments where id = $1").bind(id).fetch_optional(&db.pool).await?;
    Ok(row.map(|(a,)| a))
}

/// The vote that adopted the objective: the last closed yes/no round it was in.
pub async fn adopting_round(tx: &mut Tx<'_>, objective: ObjectiveId) -> Result<Option<RoundId>, AppError> {
    let round: Option<(RoundId,)> = sqlx::query_as(
        "select r.id from round_objectives ro join vote_rounds r on r.id = ro.round_id \
         where ro.objective_id = $1 and r.status = 'closed' and r.method = 'yes_no' order by r.closed_at desc limit 1",
    )
    .bind(objective)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(round.map(|(r,)| r))
}

pub struct NewCommitment<'a> {
    pub assembly: AssemblyId,
    pub objective: ObjectiveId,
    pub round: Option<RoundId>,
    pub service: &'a str,
    pub contact_role: &'a str,
    pub summary: &'a str,
    pub summary_html: &'a str,
    pub target_date: &'a str,
    pub by: Option<UserId>,
}

/// A commitment; an objective has one at most (`already_committed`).
pub async fn insert(tx: &mut Tx<'_>, c: &NewCommitment<'_>, now: i64) -> Result<CommitmentId, AppError> {
    let (id,): (CommitmentId,) = sqlx::query_as(
        "insert into commitments (assembly_id, objective_id, round_id, service, contact_role, summary_md, summary_html, \
         target_date, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
    )
    .bind(c.assembly)
    .bind(c.objective)
    .bind(c.round)
    .bind(c.service)
    .bind(c.contact_role)
    .bind(c.summary)
    .bind(c.summary_html)
    .bind(c.target_date)
    .bind(c.by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .on_constraint(&["commitment_objective_unique", "commitments.objective_id"], || {
        AppError::User(ErrorCode::AlreadyCommitted)
    })?;
    Ok(id)
}

pub async fn update_text(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    (service, contact_role, summary, html): (&str, &str, &str, &str),
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "update commitments set service = $1, contact_role = $2, summary_md = $3, summary_html = $4, updated_at = $5 where id = $6",
    )
    .bind(service)
    .bind(contact_role)
    .bind(summary)
    .bind(html)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_status(tx: &mut Tx<'_>, id: CommitmentId, status: Status, reason: &str) -> Result<(), AppError> {
    sqlx::query("update commitments set status = $1, status_reason = $2 where id = $3")
        .bind(status.as_str())
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_target_date(tx: &mut Tx<'_>, id: CommitmentId, date: &str) -> Result<(), AppError> {
    sqlx::query("update commitments set target_date = $1 where id = $2").bind(date).bind(id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_progress(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    percent: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    sqlx::query("update commitments set progress_override = $1, progress_reason = $2 where id = $3")
        .bind(percent)
        .bind(reason)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One line of the commitment's history.
pub struct NewChange<'a> {
    pub kind: &'a str,
    pub old: &'a str,
    pub new: &'a str,
    pub reason: &'a str,
    pub author: Option<UserId>,
}

pub async fn log_change(tx: &mut Tx<'_>, id: CommitmentId, c: &NewChange<'_>, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "insert into commitment_changes (commitment_id, kind, old_value, new_value, reason, author_id, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(c.kind)
    .bind(c.old)
    .bind(c.new)
    .bind(c.reason)
    .bind(c.author)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update commitments set updated_at = $1 where id = $2").bind(now).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Tells the objective's author and supporters, in the change's transaction.
pub async fn notify(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    kind: NotificationKind,
    detail: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into notifications (user_id, commitment_id, kind, detail, created_at) \
         select p.user_id, c.id, $2, $3, $4 from commitments c join ( \
           select o.id as objective_id, o.author_id as user_id from objectives o \
           union select s.objective_id, s.user_id from supports s \
         ) p on p.objective_id = c.objective_id where c.id = $1",
    )
    .bind(id)
    .bind(kind.as_str())
    .bind(detail)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_milestone(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    title: &str,
    due: &str,
    now: i64,
) -> Result<MilestoneId, AppError> {
    let (m,): (MilestoneId,) = sqlx::query_as(
        "insert into milestones (commitment_id, title, due_date, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(id)
    .bind(title)
    .bind(due)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(m)
}

/// The commitment and assembly a milestone belongs to.
pub async fn milestone_owner(db: &Db, m: MilestoneId) -> Result<Option<(CommitmentId, AssemblyId)>, AppError> {
    Ok(sqlx::query_as(
        "select c.id, c.assembly_id from milestones m join commitments c on c.id = m.commitment_id where m.id = $1",
    )
    .bind(m)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn set_milestone_done(tx: &mut Tx<'_>, m: MilestoneId, done_on: Option<&str>) -> Result<(), AppError> {
    sqlx::query("update milestones set done_on = $1 where id = $2").bind(done_on).bind(m).execute(&mut **tx).await?;
    Ok(())
}

pub struct NewIndicator<'a> {
    pub name: &'a str,
    pub unit: &'a str,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
}

pub async fn insert_indicator(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    i: &NewIndicator<'_>,
    now: i64,
) -> Result<IndicatorId, AppError> {
    let (ind,): (IndicatorId,) = sqlx::query_as(
        "insert into indicators (commitment_id, name, unit, baseline, target, direction, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(id)
    .bind(i.name)
    .bind(i.unit)
    .bind(i.baseline)
    .bind(i.target)
    .bind(i.direction.as_str())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(ind)
}

/// The commitment and assembly an indicator belongs to.
pub async fn indicator_owner(db: &Db, i: IndicatorId) -> Result<Option<(CommitmentId, AssemblyId)>, AppError> {
    Ok(sqlx::query_as(
        "select c.id, c.assembly_id from indicators i join commitments c on c.id = i.commitment_id where i.id = $1",
    )
    .bind(i)
    .fetch_optional(&db.pool)
    .await?)
}

/// Adds the measurement of a date, or corrects it: one value per date.
pub async fn upsert_measurement(
    tx: &mut Tx<'_>,
    indicator: IndicatorId,
    (on, value, source): (&str, f64, &str),
    author: Option<UserId>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into measurements (indicator_id, measured_on, value, source, author_id, created_at) values ($1, $2, $3, $4, $5, $6) \
         on conflict (indicator_id, measured_on) do update set value = excluded.value, source = excluded.source, \
         author_id = excluded.author_id, created_at = excluded.created_at",
    )
    .bind(indicator)
    .bind(on)
    .bind(value)
    .bind(source)
    .bind(author)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_update(
    tx: &mut Tx<'_>,
    id: CommitmentId,
    body: &str,
    html: &str,
    author: Option<UserId>,
    now: i64,
) -> Result<i64, AppError> {
    let (u,): (i64,) = sqlx::query_as(
        "insert into progress_updates (commitment_id, body_md, body_html, author_id, created_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(id)
    .bind(body)
    .bind(html)
    .bind(author)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(u)
}

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub id: CommitmentId,
    pub objective_id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub service: String,
    pub target_date: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub progress_override: Option<i64>,
    pub progress_reason: String,
    pub milestones_done: i64,
    pub milestones: i64,
}

/// The assembly's commitments by target date, each with its milestone counts (one query).
pub async fn summaries(db: &Db, assembly: AssemblyId) -> Result<Vec<SummaryRow>, AppError> {
    Ok(sqlx::query_as(
        "select c.id, c.objective_id, o.title, o.channel, c.service, c.target_date, c.status, c.progress_override, \
         c.progress_reason, \
         (select count(*) from milestones m where m.commitment_id = c.id and m.done_on is not null) as milestones_done, \
         (select count(*) from milestones m where m.commitment_id = c.id) as milestones \
         from commitments c join objectives o on o.id = c.objective_id where c.assembly_id = $1 order by c.target_date, c.id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

/// Each commitment's latest update, for the assembly's commitments (one query).
pub async fn latest_updates(db: &Db, assembly: AssemblyId) -> Result<Vec<(CommitmentId, ProgressUpdate)>, AppError> {
    let rows: Vec<(CommitmentId, i64, String, String, i64)> = sqlx::query_as(
        "select p.commitment_id, p.id, u.display_name, p.body_html, p.created_at from progress_updates p \
         join users u on u.id = p.author_id join commitments c on c.id = p.commitment_id \
         where c.assembly_id = $1 and p.id = (select p2.id from progress_updates p2 where p2.commitment_id = p.commitment_id \
         order by p2.created_at desc, p2.id desc limit 1)",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(c, id, author, html, created_at)| (c, ProgressUpdate { id, author, html, created_at }))
        .collect())
}

/// Adopted objectives of the assembly not yet commitments.
pub async fn adopted_without_commitment(db: &Db, assembly: AssemblyId) -> Result<Vec<(ObjectiveId, String)>, AppError> {
    Ok(sqlx::query_as(
        "select o.id, o.title from objectives o where o.assembly_id = $1 and o.status = 'adopted' \
         and not exists (select 1 from commitments c where c.objective_id = o.id) order by o.id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct CommitmentRow {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub objective_id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub round_id: Option<RoundId>,
    pub service: String,
    pub contact_role: String,
    pub summary_md: String,
    pub summary_html: String,
    pub target_date: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub status_reason: String,
    pub progress_override: Option<i64>,
    pub progress_reason: String,
}

pub async fn commitment(db: &Db, id: CommitmentId) -> Result<Option<CommitmentRow>, AppError> {
    Ok(sqlx::query_as(
        "select c.assembly_id, a.name as assembly_name, c.objective_id, o.title, o.channel, c.round_id, c.service, \
         c.contact_role, c.summary_md, c.summary_html, c.target_date, c.status, c.status_reason, c.progress_override, \
         c.progress_reason from commitments c join objectives o on o.id = c.objective_id \
         join assemblies a on a.id = c.assembly_id where c.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

pub async fn milestones(db: &Db, id: CommitmentId) -> Result<Vec<Milestone>, AppError> {
    let rows: Vec<(MilestoneId, String, String, Option<String>)> = sqlx::query_as(
        "select id, title, due_date, done_on from milestones where commitment_id = $1 order by due_date, id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id, title, due_date, done_on)| Milestone { id, title, due_date, done_on }).collect())
}

#[derive(sqlx::FromRow)]
pub struct IndicatorRow {
    pub id: IndicatorId,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
}

pub async fn indicators(db: &Db, id: CommitmentId) -> Result<Vec<IndicatorRow>, AppError> {
    Ok(sqlx::query_as(
        "select id, name, unit, baseline, target, direction from indicators where commitment_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?)
}

/// Every measurement of the commitment's indicators, oldest first (one query).
pub async fn measurements(db: &Db, id: CommitmentId) -> Result<Vec<(IndicatorId, Measurement)>, AppError> {
    let rows: Vec<(IndicatorId, MeasurementId, String, f64, String)> = sqlx::query_as(
        "select m.indicator_id, m.id, m.measured_on, m.value, m.source from measurements m \
         join indicators i on i.id = m.indicator_id where i.commitment_id = $1 order by m.measured_on",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(i, id, measured_on, value, source)| (i, Measurement { id, measured_on, value, source }))
        .collect())
}

pub async fn changes(db: &Db, id: CommitmentId) -> Result<Vec<Change>, AppError> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "select kind, old_value, new_value, reason, created_at from commitment_changes where commitment_id = $1 \
         order by created_at desc, id desc",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, old_value, new_value, reason, created_at)| Change {
            kind,
            old_value,
            new_value,
            reason,
            created_at,
        })
        .collect())
}

pub async fn updates(db: &Db, id: CommitmentId) -> Result<Vec<ProgressUpdate>, AppError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "select p.id, u.display_name, p.body_html, p.created_at from progress_updates p join users u on u.id = p.author_id \
         where p.commitment_id = $1 order by p.created_at desc, p.id desc limit 200",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id, author, html, created_at)| ProgressUpdate { id, author, html, created_at }).collect())
}

pub async fn sitting_of_round(db: &Db, round: RoundId) -> Result<Option<(SittingId, String)>, AppError> {
    Ok(sqlx::query_as("select s.id, s.title from vote_rounds r join sittings s on s.id = r.sitting_id where r.id = $1")
        .bind(round)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn visible_comments(db: &Db, objective: ObjectiveId) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as(
        "select count(*) from comments where objective_id = $1 and moderation = 'visible' and deleted_at is null",
    )
    .bind(objective)
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

pub async fn notifications(db: &Db, user: UserId) -> Result<Vec<Notification>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        commitment_id: CommitmentId,
        title: String,
        #[sqlx(try_from = "String")]
        kind: NotificationKind,
        detail: String,
        created_at: i64,
        read_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select n.id, n.commitment_id, o.title, n.kind, n.detail, n.created_at, n.read_at from notifications n \
         join commitments c on c.id = n.commitment_id join objectives o on o.id = c.objective_id \
         where n.user_id = $1 order by n.created_at desc, n.id desc limit 100",
    )
    .bind(user)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            commitment_id: r.commitment_id,
            title: r.title,
            kind: r.kind,
            detail: r.detail,
            created_at: r.created_at,
            read: r.read_at.is_some(),
        })
        .collect())
}

pub async fn unread_count(db: &Db, user: UserId) -> Result<i64, AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(user)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

pub async fn mark_read(tx: &mut Tx<'_>, user: UserId, now: i64) -> Result<(), AppError> {
    sqlx::query("update notifications set read_at = $1 where user_id = $2 and read_at is null")
        .bind(now)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
