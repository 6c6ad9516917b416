//! Open data's statements: one query per dataset, reading what the public may see and
//! nothing more, and the queries behind the two feeds.
//!
//! What is public: objectives once published and not hidden by moderation; comments visible
//! and not deleted on those objectives (a reply to a hidden or deleted comment loses its
//! parent id, so no hidden comment's number leaks); ballots of closed rounds only, by
//! receipt hash, never with a voter; no e-mail, login or account number of anyone.
use super::HistoryKind;
use crate::commitments::{Direction, Status as CommitmentStatus};
use crate::db::{Db, Flag};
use crate::discussion::Stance;
use crate::error::AppError;
use crate::ids::{AssemblyId, CommentId, CommitmentId, IndicatorId, MilestoneId, ObjectiveId, RoundId, SittingId};
use crate::moderation::State;
use crate::objectives::{Channel, Status as ObjectiveStatus};
use crate::voting::{Method, RoundStatus};

/// Objectives that the public sees: published, and not hidden by moderation.
const PUBLISHED: &str =
    "o.assembly_id = $1 and o.status <> 'draft' and o.published_at is not null and o.moderation = 'visible'";

#[derive(sqlx::FromRow)]
pub struct AssemblyRow {
    pub name: String,
    pub created_at: i64,
}

pub async fn assembly(db: &Db, id: AssemblyId) -> Result<Option<AssemblyRow>, AppError> {
    Ok(sqlx::query_as("select name, created_at from assemblies where id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?)
}

#[derive(sqlx::FromRow)]
pub struct ObjectiveRow {
    pub id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    #[sqlx(try_from = "String")]
    pub status: ObjectiveStatus,
    pub target: String,
    pub body_md: String,
    pub author: String,
    pub version: i64,
    pub published_at: Option<i64>,
    pub updated_at: i64,
}

pub async fn objectives(db: &Db, assembly: AssemblyId) -> Result<Vec<ObjectiveRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select o.id, o.title, o.channel, o.status, o.target, o.body_md, u.display_name as author, o.version, \
         o.published_at, o.updated_at from objectives o join users u on u.id = o.author_id \
         where {PUBLISHED} order by o.id"
    ))
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct SupportRow {
    pub objective_id: ObjectiveId,
    pub supports: i64,
}

pub async fn supports(db: &Db, assembly: AssemblyId) -> Result<Vec<SupportRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select o.id as objective_id, (select count(*) from supports s where s.objective_id = o.id) as supports \
         from objectives o where {PUBLISHED} order by o.id"
    ))
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct CommentRow {
    pub id: CommentId,
    pub objective_id: ObjectiveId,
    /// `None` too when the parent is hidden or deleted.
    pub parent_id: Option<CommentId>,
    #[sqlx(try_from = "String")]
    pub stance: Stance,
    pub body_md: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

pub async fn comments(db: &Db, assembly: AssemblyId) -> Result<Vec<CommentRow>, AppError> {
    Ok(sqlx::query_as(&format!(
        "select c.id, c.objective_id, p.id as parent_id, c.stance, c.body_md, c.created_at, c.edited_at \
         from comments c join objectives o on o.id = c.objective_id \
         left join comments p on p.id = c.parent_id and p.moderation = 'visible' and p.deleted_at is null \
         where {PUBLISHED} and c.moderation = 'visible' and c.deleted_at is null order by c.id"
    ))
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct RoundRow {
    pub id: RoundId,
    pub sitting_id: SittingId,
    #[sqlx(try_from = "String")]
    pub method: Method,
    #[sqlx(try_from = "i64")]
    pub secret: Flag,
    #[sqlx(try_from = "String")]
    pub status: RoundStatus,
    /// JSON.
    pub rules: String,
    pub members_count: i64,
    pub present_count: i64,
    pub ballots_count: i64,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    pub head_hash: String,
    /// JSON, once closed.
    pub result: Option<String>,
}

pub async fn vote_rounds(db: &Db, assembly: AssemblyId) -> Result<Vec<RoundRow>, AppError> {
    Ok(sqlx::query_as(
        "select id, sitting_id, method, secret, status, rules, members_count, present_count, ballots_count, \
         created_at as opened_at, closed_at, head_hash, result from vote_rounds where assembly_id = $1 order by id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct RoundObjectiveRow {
    pub round_id: RoundId,
    pub objective_id: ObjectiveId,
}

/// The objectives of the assembly's rounds, each round's in ballot order.
pub async fn round_objectives(db: &Db, assembly: AssemblyId) -> Result<Vec<RoundObjectiveRow>, AppError> {
    Ok(sqlx::query_as(
        "select ro.round_id, ro.objective_id from round_objectives ro join vote_rounds r on r.id = ro.round_id \
         where r.assembly_id = $1 order by ro.round_id, ro.position",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct BallotRow {
    pub round_id: RoundId,
    pub receipt_hash: String,
    /// JSON.
    pub content: String,
}

/// The ballots of closed rounds only, by receipt hash; never who cast them.
pub async fn ballots(db: &Db, assembly: AssemblyId) -> Result<Vec<BallotRow>, AppError> {
    Ok(sqlx::query_as(
        "select b.round_id, b.receipt_hash, b.content from ballots b join vote_rounds r on r.id = b.round_id \
         where r.assembly_id = $1 and r.status = 'closed' order by b.round_id, b.receipt_hash",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct CommitmentRow {
    pub id: CommitmentId,
    pub objective_id: ObjectiveId,
    pub round_id: Option<RoundId>,
    pub service: String,
    pub contact_role: String,
    pub summary_md: String,
    pub target_date: String,
    #[sqlx(try_from = "String")]
    pub status: CommitmentStatus,
    pub status_reason: String,
    pub progress_override: Option<i64>,
    pub progress_reason: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn commitments(db: &Db, assembly: AssemblyId) -> Result<Vec<CommitmentRow>, AppError> {
    Ok(sqlx::query_as(
        "select id, objective_id, round_id, service, contact_role, summary_md, target_date, status, status_reason, \
         progress_override, progress_reason, created_at, updated_at from commitments where assembly_id = $1 order by id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct MilestoneCountRow {
    pub commitment_id: CommitmentId,
    pub total: i64,
    pub done: i64,
}

/// How many milestones each of the assembly's commitments has, and how many are done.
pub async fn milestone_counts(db: &Db, assembly: AssemblyId) -> Result<Vec<MilestoneCountRow>, AppError> {
    Ok(sqlx::query_as(
        "select m.commitment_id, count(*) as total, sum(case when m.done_on is null then 0 else 1 end) as done \
         from milestones m join commitments c on c.id = m.commitment_id where c.assembly_id = $1 \
         group by m.commitment_id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct MilestoneRow {
    pub id: MilestoneId,
    pub commitment_id: CommitmentId,
    pub title: String,
    pub due_date: String,
    pub done_on: Option<String>,
}

pub async fn milestones(db: &Db, assembly: AssemblyId) -> Result<Vec<MilestoneRow>, AppError> {
    Ok(sqlx::query_as(
        "select m.id, m.commitment_id, m.title, m.due_date, m.done_on from milestones m \
         join commitments c on c.id = m.commitment_id where c.assembly_id = $1 order by m.id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct IndicatorRow {
    pub id: IndicatorId,
    pub commitment_id: CommitmentId,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub target: f64,
    #[sqlx(try_from = "String")]
    pub direction: Direction,
}

pub async fn indicators(db: &Db, assembly: AssemblyId) -> Result<Vec<IndicatorRow>, AppError> {
    Ok(sqlx::query_as(
        "select i.id, i.commitment_id, i.name, i.unit, i.baseline, i.target, i.direction from indicators i \
         join commitments c on c.id = i.commitment_id where c.assembly_id = $1 order by i.id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct MeasurementRow {
    pub id: i64,
    pub indicator_id: IndicatorId,
    pub measured_on: String,
    pub value: f64,
    pub source: String,
}

pub async fn measurements(db: &Db, assembly: AssemblyId) -> Result<Vec<MeasurementRow>, AppError> {
    Ok(sqlx::query_as(
        "select m.id, m.indicator_id, m.measured_on, m.value, m.source from measurements m \
         join indicators i on i.id = m.indicator_id join commitments c on c.id = i.commitment_id \
         where c.assembly_id = $1 order by m.id",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

// --- The feeds ---------------------------------------------------------------------------

/// A closed round, as the assembly's feed tells it.
#[derive(sqlx::FromRow)]
pub struct DecisionRow {
    pub id: RoundId,
    #[sqlx(try_from = "String")]
    pub method: Method,
    pub closed_at: i64,
    /// JSON.
    pub result: Option<String>,
    pub sitting_title: String,
}

/// The assembly's latest closed rounds, newest first.
pub async fn decisions(db: &Db, assembly: AssemblyId, limit: i64) -> Result<Vec<DecisionRow>, AppError> {
    Ok(sqlx::query_as(
        "select r.id, r.method, r.closed_at, r.result, s.title as sitting_title from vote_rounds r \
         join sittings s on s.id = r.sitting_id \
         where r.assembly_id = $1 and r.status = 'closed' and r.closed_at is not null \
         order by r.closed_at desc, r.id desc limit $2",
    )
    .bind(assembly)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct VotedObjectiveRow {
    pub id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub moderation: State,
}

/// Every objective put to a vote in the assembly (its title is shown unless it is hidden).
pub async fn voted_objectives(db: &Db, assembly: AssemblyId) -> Result<Vec<VotedObjectiveRow>, AppError> {
    Ok(sqlx::query_as(
        "select distinct o.id, o.title, o.moderation from round_objectives ro \
         join vote_rounds r on r.id = ro.round_id join objectives o on o.id = ro.objective_id where r.assembly_id = $1",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?)
}

/// A progress update, with the title of its commitment's objective.
#[derive(sqlx::FromRow)]
pub struct UpdateRow {
    pub id: i64,
    pub commitment_id: CommitmentId,
    /// Sanitised when it was posted.
    pub body_html: String,
    pub created_at: i64,
    pub title: String,
}

/// The latest progress updates of the assembly's commitments, newest first.
pub async fn assembly_updates(db: &Db, assembly: AssemblyId, limit: i64) -> Result<Vec<UpdateRow>, AppError> {
    Ok(sqlx::query_as(
        "select p.id, p.commitment_id, p.body_html, p.created_at, o.title from progress_updates p \
         join commitments c on c.id = p.commitment_id join objectives o on o.id = c.objective_id \
         where c.assembly_id = $1 order by p.created_at desc, p.id desc limit $2",
    )
    .bind(assembly)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// The latest progress updates of one commitment, newest first.
pub async fn commitment_updates(db: &Db, commitment: CommitmentId, limit: i64) -> Result<Vec<UpdateRow>, AppError> {
    Ok(sqlx::query_as(
        "select p.id, p.commitment_id, p.body_html, p.created_at, o.title from progress_updates p \
         join commitments c on c.id = p.commitment_id join objectives o on o.id = c.objective_id \
         where p.commitment_id = $1 order by p.created_at desc, p.id desc limit $2",
    )
    .bind(commitment)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}

/// What a commitment's feed is about.
#[derive(sqlx::FromRow)]
pub struct CommitmentHeadRow {
    pub title: String,
    pub assembly_name: String,
    pub created_at: i64,
}

pub async fn commitment_head(db: &Db, id: CommitmentId) -> Result<Option<CommitmentHeadRow>, AppError> {
    Ok(sqlx::query_as(
        "select o.title, a.name as assembly_name, c.created_at from commitments c \
         join objectives o on o.id = c.objective_id join assemblies a on a.id = c.assembly_id where c.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?)
}

/// A line of a commitment's history.
#[derive(sqlx::FromRow)]
pub struct ChangeRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: HistoryKind,
    pub old_value: String,
    pub new_value: String,
    pub reason: String,
    pub created_at: i64,
}

/// The commitment's latest history lines, newest first.
pub async fn changes(db: &Db, commitment: CommitmentId, limit: i64) -> Result<Vec<ChangeRow>, AppError> {
    Ok(sqlx::query_as(
        "select id, kind, old_value, new_value, reason, created_at from commitment_changes where commitment_id = $1 \
         order by created_at desc, id desc limit $2",
    )
    .bind(commitment)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?)
}
