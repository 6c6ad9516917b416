//! Voting's statements: rounds, their objectives, participations and ballots (stored apart
//! in secret rounds), the hash-chained log, and what recounting and publishing read.
use super::{chain, BallotContent, Method, RoundObjective, RoundStatus, RoundSummary, Rules};
use crate::context::Tx;
use crate::db::{Db, Flag};
use crate::error::AppError;
use crate::ids::{AssemblyId, ObjectiveId, RoundId, SittingId, UserId};
use crate::objectives::Status;

#[derive(sqlx::FromRow)]
pub struct RoundRow {
    pub id: RoundId,
    pub assembly_id: AssemblyId,
    pub sitting_id: SittingId,
    pub sitting_title: String,
    pub rules: String,
    #[sqlx(try_from = "i64")]
    pub secret: Flag,
    #[sqlx(try_from = "String")]
    pub status: RoundStatus,
    pub members_count: i64,
    pub present_count: i64,
    pub ballots_count: i64,
    pub head_hash: String,
    pub created_at: i64,
    pub closes_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub result: Option<String>,
}

impl RoundRow {
    pub fn rules(&self) -> Result<Rules, AppError> {
        serde_json::from_str(&self.rules).map_err(|e| {
            tracing::error!(error = %e, round = self.id.0, "unreadable round rules");
            AppError::Internal
        })
    }

    /// Open for ballots at `now`: not closed, and its closing time (if any) not reached.
    pub fn open(&self, now: i64) -> bool {
        self.status == RoundStatus::Open && self.closes_at.is_none_or(|t| t > now)
    }

    pub fn due(&self, now: i64) -> bool {
        self.status == RoundStatus::Open && self.closes_at.is_some_and(|t| t <= now)
    }
}

const ROUND: &str = "select r.id, r.assembly_id, r.sitting_id, s.title as sitting_title, r.rules, r.secret, r.status, \
    r.members_count, r.present_count, r.ballots_count, r.head_hash, r.created_at, r.closes_at, r.closed_at, r.result \
    from vote_rounds r join sittings s on s.id = r.sitting_id";

pub async fn round(db: &Db, id: RoundId) -> Result<Option<RoundRow>, AppError> {
    Ok(sqlx::query_as(&format!("{ROUND} where r.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

pub async fn round_in(tx: &mut Tx<'_>, id: RoundId) -> Result<RoundRow, AppError> {
    Ok(sqlx::query_as(&format!("{ROUND} where r.id = $1")).bind(id).fetch_one(&mut **tx).await?)
}

/// The round's objectives, in ballot order.
pub async fn objectives(db: &Db, id: RoundId) -> Result<Vec<RoundObjective>, AppError> {
    let rows: Vec<(ObjectiveId, String)> = sqlx::query_as(
        "select o.id, o.title from round_objectives ro join objectives o on o.id = ro.objective_id \
         where ro.round_id = $1 order by ro.position",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id, title)| RoundObjective { id, title }).collect())
}

/// Every round's objectives for the rounds of a sitting, in one query.
pub async fn objectives_of_sitting(db: &Db, sitting: SittingId) -> Result<Vec<(RoundId, RoundObjective)>, AppError> {
    let rows: Vec<(RoundId, ObjectiveId, String)> = sqlx::query_as(
        "select ro.round_id, o.id, o.title from round_objectives ro join objectives o on o.id = ro.objective_id \
         join vote_rounds r on r.id = ro.round_id where r.sitting_id = $1 order by ro.round_id, ro.position",
    )
    .bind(sitting)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(r, id, title)| (r, RoundObjective { id, title })).collect())
}

pub async fn summaries(db: &Db, sitting: SittingId) -> Result<Vec<RoundSummary>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: RoundId,
        #[sqlx(try_from = "String")]
        method: Method,
        #[sqlx(try_from = "i64")]
        secret: Flag,
        #[sqlx(try_from = "String")]
        status: RoundStatus,
        ballots_count: i64,
        closes_at: Option<i64>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select id, method, secret, status, ballots_count, closes_at from vote_rounds where sitting_id = $1 order by id",
    )
    .bind(sitting)
    .fetch_all(&db.pool)
    .await?;
    let objectives = objectives_of_sitting(db, sitting).await?;
    Ok(rows
        .into_iter()
        .map(|r| RoundSummary {
            id: r.id,
            method: r.method,
            secret: r.secret.0,
            status: r.status,
            objectives: objectives.iter().filter(|(round, _)| *round == r.id).map(|(_, o)| o.clone()).collect(),
            ballots_count: r.ballots_count,
            closes_at: r.closes_at,
        })
        .collect())
}

pub struct NewRound<'a> {
    pub assembly: AssemblyId,
    pub sitting: SittingId,
    pub rules: &'a Rules,
    pub secret: bool,
    pub members: i64,
    pub present: i64,
    pub by: Option<UserId>,
    pub closes_at: Option<i64>,
}

pub async fn insert_round(tx: &mut Tx<'_>, r: &NewRound<'_>, now: i64) -> Result<RoundId, AppError> {
    let (round,): (RoundId,) = sqlx::query_as(
        "insert into vote_rounds (assembly_id, sitting_id, method, secret, rules, members_count, present_count, head_hash, \
         opened_by, created_at, closes_at) values ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10) returning id",
    )
    .bind(r.assembly)
    .bind(r.sitting)
    .bind(r.rules.method().as_str())
    .bind(crate::db::flag(r.secret))
    .bind(serde_json::to_string(r.rules).map_err(|_| AppError::Internal)?)
    .bind(r.members)
    .bind(r.present)
    .bind(r.by)
    .bind(now)
    .bind(r.closes_at)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("update vote_rounds set head_hash = $1 where id = $2")
        .bind(chain::genesis(round.0))
        .bind(round)
        .execute(&mut **tx)
        .await?;
    Ok(round)
}

pub async fn insert_round_objective(
    tx: &mut Tx<'_>,
    round: RoundId,
    objective: ObjectiveId,
    position: i64,
    previous: Status,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into round_objectives (round_id, objective_id, position, previous_status) values ($1, $2, $3, $4)",
    )
    .bind(round)
    .bind(objective)
    .bind(position)
    .bind(previous.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The round's objectives with the status each had before the vote, in ballot order.
pub async fn round_objectives_in(tx: &mut Tx<'_>, round: RoundId) -> Result<Vec<(ObjectiveId, Status)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        objective_id: ObjectiveId,
        #[sqlx(try_from = "String")]
        previous_status: Status,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select objective_id, previous_status from round_objectives where round_id = $1 order by position",
    )
    .bind(round)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.objective_id, r.previous_status)).collect())
}

/// Appends to the round's log; the round row must already be locked by this transaction.
pub async fn append_log(
    tx: &mut Tx<'_>,
    round: RoundId,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<String, AppError> {
    let (len, head): (i64, String) = sqlx::query_as("select log_length, head_hash from vote_rounds where id = $1")
        .bind(round)
        .fetch_one(&mut **tx)
        .await?;
    let seq = len + 1;
    let payload = payload.to_string();
    let hash = chain::link(&head, seq, kind, &payload);
    sqlx::query(
        "insert into round_log (round_id, seq, kind, payload, prev_hash, hash) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(round)
    .bind(seq)
    .bind(kind)
    .bind(&payload)
    .bind(&head)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update vote_rounds set log_length = $1, head_hash = $2 where id = $3")
        .bind(seq)
        .bind(&hash)
        .bind(round)
        .execute(&mut **tx)
        .await?;
    Ok(hash)
}

/// Locks the round for the rest of `tx` if it is open at `now` (a row lock on PostgreSQL,
/// the database on SQLite): ballots of a round queue here, and a closing round waits for
/// them. False when it is closed or its time is up.
pub async fn lock_open_round(tx: &mut Tx<'_>, round: RoundId, now: i64) -> Result<bool, AppError> {
    let locked = sqlx::query(
        "update vote_rounds set ballots_count = ballots_count where id = $1 and status = 'open' \
         and (closes_at is null or closes_at > $2)",
    )
    .bind(round)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(locked.rows_affected() == 1)
}

/// Whether `voter` cast a ballot in the round themselves (not through a proxy).
pub async fn voted_in_person(tx: &mut Tx<'_>, round: RoundId, voter: UserId) -> Result<bool, AppError> {
    let own: Option<(i64,)> =
        sqlx::query_as("select 1 from participations where round_id = $1 and voter_id = $2 and cast_by = voter_id")
            .bind(round)
            .bind(voter)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(own.is_some())
}

/// Records that `voter` took part (cast by `cast_by`); false when they already had.
pub async fn insert_participation(
    tx: &mut Tx<'_>,
    round: RoundId,
    voter: UserId,
    cast_by: UserId,
    receipt_check: &str,
) -> Result<bool, AppError> {
    let done = sqlx::query(
        "insert into participations (round_id, voter_id, cast_by, receipt_check) values ($1, $2, $3, $4) \
         on conflict (round_id, voter_id) do nothing",
    )
    .bind(round)
    .bind(voter)
    .bind(cast_by)
    .bind(receipt_check)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records that `cast_by` cast the latest ballot for `voter` (a proxy, or the voter again).
pub async fn set_cast_by(tx: &mut Tx<'_>, round: RoundId, voter: UserId, cast_by: UserId) -> Result<(), AppError> {
    sqlx::query("update participations set cast_by = $1 where round_id = $2 and voter_id = $3")
        .bind(cast_by)
        .bind(round)
        .bind(voter)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn receipt_check(tx: &mut Tx<'_>, round: RoundId, voter: UserId) -> Result<String, AppError> {
    let (check,): (String,) =
        sqlx::query_as("select receipt_check from participations where round_id = $1 and voter_id = $2")
            .bind(round)
            .bind(voter)
            .fetch_one(&mut **tx)
            .await?;
    Ok(check)
}

/// A first ballot; `voter` only in a public round (a secret ballot names nobody).
pub async fn insert_ballot(
    tx: &mut Tx<'_>,
    round: RoundId,
    receipt_hash: &str,
    voter: Option<UserId>,
    content: &str,
) -> Result<(), AppError> {
    sqlx::query("insert into ballots (round_id, receipt_hash, voter_id, content) values ($1, $2, $3, $4)")
        .bind(round)
        .bind(receipt_hash)
        .bind(voter)
        .bind(content)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update vote_rounds set ballots_count = ballots_count + 1 where id = $1")
        .bind(round)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn replace_ballot(
    tx: &mut Tx<'_>,
    round: RoundId,
    receipt_hash: &str,
    content: &str,
) -> Result<(), AppError> {
    sqlx::query("update ballots set content = $1 where round_id = $2 and receipt_hash = $3")
        .bind(content)
        .bind(round)
        .bind(receipt_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The receipt hash of a voter's ballot in a public round.
pub async fn public_receipt_hash(tx: &mut Tx<'_>, round: RoundId, voter: UserId) -> Result<String, AppError> {
    let (hash,): (String,) = sqlx::query_as("select receipt_hash from ballots where round_id = $1 and voter_id = $2")
        .bind(round)
        .bind(voter)
        .fetch_one(&mut **tx)
        .await?;
    Ok(hash)
}

/// Closes the round if still open; false when another closing came first.
pub async fn close(tx: &mut Tx<'_>, round: RoundId, by: Option<UserId>, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update vote_rounds set status = 'closed', closed_at = $1, closed_by = $2 where id = $3 and status = 'open'",
    )
    .bind(now)
    .bind(by)
    .bind(round)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_result(tx: &mut Tx<'_>, round: RoundId, result: &str) -> Result<(), AppError> {
    sqlx::query("update vote_rounds set result = $1 where id = $2").bind(result).bind(round).execute(&mut **tx).await?;
    Ok(())
}

/// Every ballot's content inside `tx`.
pub async fn contents_in(tx: &mut Tx<'_>, round: RoundId) -> Result<Vec<BallotContent>, AppError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("select content from ballots where round_id = $1").bind(round).fetch_all(&mut **tx).await?;
    Ok(rows.iter().filter_map(|(c,)| serde_json::from_str(c).ok()).collect())
}

/// The round's ballots by receipt hash, with the voter of a public ballot.
pub async fn ballots(db: &Db, round: RoundId) -> Result<Vec<(String, Option<UserId>, BallotContent)>, AppError> {
    let rows: Vec<(String, Option<UserId>, String)> =
        sqlx::query_as("select receipt_hash, voter_id, content from ballots where round_id = $1 order by receipt_hash")
            .bind(round)
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(h, v, c)| serde_json::from_str(&c).map(|c| (h, v, c)).map_err(|_| AppError::Internal))
        .collect()
}

/// The rounds whose closing time has passed and that are still open.
pub async fn due_rounds(db: &Db, now: i64) -> Result<Vec<RoundId>, AppError> {
    let due: Vec<(RoundId,)> = sqlx::query_as("select id from vote_rounds where status = 'open' and closes_at <= $1")
        .bind(now)
        .fetch_all(&db.pool)
        .await?;
    Ok(due.into_iter().map(|(r,)| r).collect())
}

pub async fn closed_rounds(db: &Db) -> Result<Vec<RoundId>, AppError> {
    let rows: Vec<(RoundId,)> =
        sqlx::query_as("select id from vote_rounds where status = 'closed' order by id").fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(r,)| r).collect())
}

pub async fn participated(db: &Db, round: RoundId, voter: UserId) -> Result<bool, AppError> {
    let row: Option<(i64,)> = sqlx::query_as("select 1 from participations where round_id = $1 and voter_id = $2")
        .bind(round)
        .bind(voter)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// A ballot's content by its receipt hash (a secret ballot) or its voter (a public one).
pub async fn ballot_of(db: &Db, round: RoundId, by: Result<&str, UserId>) -> Result<Option<BallotContent>, AppError> {
    let row: Option<(String,)> = match by {
        Ok(hash) => {
            sqlx::query_as("select content from ballots where round_id = $1 and receipt_hash = $2")
                .bind(round)
                .bind(hash)
                .fetch_optional(&db.pool)
                .await?
        }
        Err(voter) => {
            sqlx::query_as("select content from ballots where round_id = $1 and voter_id = $2")
                .bind(round)
                .bind(voter)
                .fetch_optional(&db.pool)
                .await?
        }
    };
    Ok(row.and_then(|(c,)| serde_json::from_str(&c).ok()))
}

pub async fn log(db: &Db, round: RoundId) -> Result<Vec<chain::Entry>, AppError> {
    let rows: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("select seq, kind, payload, prev_hash, hash from round_log where round_id = $1 order by seq")
            .bind(round)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, kind, payload, prev_hash, hash)| chain::Entry { seq, kind, payload, prev_hash, hash })
        .collect())
}
