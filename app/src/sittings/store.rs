//! Sittings' statements: the sitting, its agenda, attendance, proxies and speaking turns.
//! Attendance and proxies are also what voting reads (through `service`'s narrow functions)
//! to know who may vote and who is present.
use super::{Mode, Person, SittingStatus, SittingSummary};
use crate::context::Tx;
use crate::db::Db;
use crate::error::ssr::ResultExt;
use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, ObjectiveId, SittingId, TurnId, UserId};
use crate::objectives::Status;

#[derive(sqlx::FromRow)]
pub struct SittingRow {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: String,
    pub online_url: String,
    #[sqlx(try_from = "String")]
    pub status: SittingStatus,
    pub current_objective_id: Option<ObjectiveId>,
    pub created_at: i64,
}

const SITTING: &str = "select s.assembly_id, a.name as assembly_name, s.title, s.starts_at, s.ends_at, s.place, \
    s.online_url, s.status, s.current_objective_id, s.created_at from sittings s join assemblies a on a.id = s.assembly_id";

pub async fn sitting(db: &Db, id: SittingId) -> Result<Option<SittingRow>, AppError> {
    Ok(sqlx::query_as(&format!("{SITTING} where s.id = $1")).bind(id).fetch_optional(&db.pool).await?)
}

/// The sitting as it stands inside `tx`, its row locked for the rest of it: changes to one
/// sitting (its agenda, attendance, proxies, queue) are made one after another.
pub async fn lock_sitting(tx: &mut Tx<'_>, id: SittingId) -> Result<Option<SittingRow>, AppError> {
    let touched = sqlx::query("update sittings set status = status where id = $1").bind(id).execute(&mut **tx).await?;
    if touched.rows_affected() == 0 {
        return Ok(None);
    }
    Ok(sqlx::query_as(&format!("{SITTING} where s.id = $1")).bind(id).fetch_optional(&mut **tx).await?)
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: SittingId,
    title: String,
    starts_at: i64,
    ends_at: i64,
    place: String,
    online_url: String,
    #[sqlx(try_from = "String")]
    status: SittingStatus,
    agenda_count: i64,
}

pub async fn summaries(db: &Db, assembly: AssemblyId) -> Result<Vec<SittingSummary>, AppError> {
    let rows: Vec<SummaryRow> = sqlx::query_as(
        "select s.id, s.title, s.starts_at, s.ends_at, s.place, s.online_url, s.status, \
         (select count(*) from agenda_items a where a.sitting_id = s.id) as agenda_count \
         from sittings s where s.assembly_id = $1 order by s.starts_at",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SittingSummary {
            id: r.id,
            title: r.title,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            online_url: r.online_url,
            status: r.status,
            agenda_count: r.agenda_count,
        })
        .collect())
}

pub struct NewSitting<'a> {
    pub assembly: AssemblyId,
    pub title: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: &'a str,
    pub online_url: &'a str,
    pub by: Option<UserId>,
}

pub async fn insert_sitting(tx: &mut Tx<'_>, s: &NewSitting<'_>, now: i64) -> Result<SittingId, AppError> {
    let (id,): (SittingId,) = sqlx::query_as(
        "insert into sittings (assembly_id, title, starts_at, ends_at, place, online_url, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(s.assembly)
    .bind(s.title)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(s.place)
    .bind(s.online_url)
    .bind(s.by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Whether the objective may go on one of the assembly's agendas: published, visible, not
/// withdrawn.
pub async fn agenda_candidate(tx: &mut Tx<'_>, objective: ObjectiveId, assembly: AssemblyId) -> Result<bool, AppError> {
    let row: Option<(String,)> = sqlx::query_as(
        "select status from objectives where id = $1 and assembly_id = $2 and moderation = 'visible' \
         and status in ('proposed', 'in_discussion', 'voting', 'adopted', 'rejected')",
    )
    .bind(objective)
    .bind(assembly)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.is_some())
}

pub async fn add_to_agenda(
    tx: &mut Tx<'_>,
    sitting: SittingId,
    objective: ObjectiveId,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into agenda_items (sitting_id, objective_id, position, created_at) \
         values ($1, $2, (select coalesce(max(position), 0) + 1 from agenda_items where sitting_id = $1), $3)",
    )
    .bind(sitting)
    .bind(objective)
    .bind(now)
    .execute(&mut **tx)
    .await
    .on_constraint(&["agenda_objective_unique", "agenda_items.sitting_id, agenda_items.objective_id"], || {
        AppError::field("objective_id", ErrorCode::InvalidChoice)
    })?;
    Ok(())
}

pub async fn remove_from_agenda(tx: &mut Tx<'_>, sitting: SittingId, objective: ObjectiveId) -> Result<(), AppError> {
    sqlx::query("delete from agenda_items where sitting_id = $1 and objective_id = $2")
        .bind(sitting)
        .bind(objective)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update sittings set current_objective_id = null where id = $1 and current_objective_id = $2")
        .bind(sitting)
        .bind(objective)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The agenda's objectives with their positions, in order.
pub async fn agenda_positions(tx: &mut Tx<'_>, sitting: SittingId) -> Result<Vec<(ObjectiveId, i64)>, AppError> {
    Ok(sqlx::query_as("select objective_id, position from agenda_items where sitting_id = $1 order by position")
        .bind(sitting)
        .fetch_all(&mut **tx)
        .await?)
}

pub async fn set_position(
    tx: &mut Tx<'_>,
    sitting: SittingId,
    objective: ObjectiveId,
    position: i64,
) -> Result<(), AppError> {
    sqlx::query("update agenda_items set position = $1 where sitting_id = $2 and objective_id = $3")
        .bind(position)
        .bind(sitting)
        .bind(objective)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks an agenda objective as the one under discussion; false when it is not on it.
pub async fn set_current(tx: &mut Tx<'_>, sitting: SittingId, objective: ObjectiveId) -> Result<bool, AppError> {
    let done = sqlx::query(
        "update sittings set current_objective_id = $1 where id = $2 \
         and exists (select 1 from agenda_items where sitting_id = $2 and objective_id = $1)",
    )
    .bind(objective)
    .bind(sitting)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn start(tx: &mut Tx<'_>, sitting: SittingId, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "update sittings set status = $1, started_at = coalesce(started_at, $2), ended_at = null where id = $3",
    )
    .bind(SittingStatus::Live.as_str())
    .bind(now)
    .bind(sitting)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether a vote round of the sitting is still open (a sitting does not close over one).
pub async fn has_open_round(tx: &mut Tx<'_>, sitting: SittingId) -> Result<bool, AppError> {
    let open: Option<(i64,)> =
        sqlx::query_as("select id from vote_rounds where sitting_id = $1 and status = 'open' limit 1")
            .bind(sitting)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(open.is_some())
}

/// Closes the sitting: the current speaker stops, waiting hands are dropped.
pub async fn close(tx: &mut Tx<'_>, sitting: SittingId, now: i64) -> Result<(), AppError> {
    end_current_turn(tx, sitting, now).await?;
    sqlx::query(
        "update speaking_turns set cancelled_at = $1 where sitting_id = $2 and started_at is null and cancelled_at is null",
    )
    .bind(now)
    .bind(sitting)
    .execute(&mut **tx)
    .await?;
    sqlx::query("update sittings set status = $1, ended_at = $2 where id = $3")
        .bind(SittingStatus::Closed.as_str())
        .bind(now)
        .bind(sitting)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets (or, with `None`, clears) a member's check-in.
pub async fn set_attendance(
    tx: &mut Tx<'_>,
    sitting: SittingId,
    member: UserId,
    mode: Option<Mode>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("delete from attendance where sitting_id = $1 and user_id = $2")
        .bind(sitting)
        .bind(member)
        .execute(&mut **tx)
        .await?;
    if let Some(mode) = mode {
        sqlx::query("insert into attendance (sitting_id, user_id, mode, created_at) values ($1, $2, $3, $4)")
            .bind(sitting)
            .bind(member)
            .bind(mode.as_str())
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Each checked-in member's mode.
pub async fn attendance(db: &Db, sitting: SittingId) -> Result<Vec<(UserId, Mode)>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: UserId,
        #[sqlx(try_from = "String")]
        mode: Mode,
    }
    let rows: Vec<Row> = sqlx::query_as("select user_id, mode from attendance where sitting_id = $1")
        .bind(sitting)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|r| (r.user_id, r.mode)).collect())
}

pub async fn attends(tx: &mut Tx<'_>, sitting: SittingId, user: UserId) -> Result<bool, AppError> {
    let row: Option<(i64,)> = sqlx::query_as("select 1 from attendance where sitting_id = $1 and user_id = $2")
        .bind(sitting)
        .bind(user)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// Withdraws the giver's proxy; true when there was one.
pub async fn remove_proxy(tx: &mut Tx<'_>, sitting: SittingId, giver: UserId) -> Result<bool, AppError> {
    let removed = sqlx::query("delete from proxies where sitting_id = $1 and giver_id = $2")
        .bind(sitting)
        .bind(giver)
        .execute(&mut **tx)
        .await?;
    Ok(removed.rows_affected() > 0)
}

/// Whether `holder` gave a proxy, or `giver` holds one: a vote is never passed on.
pub async fn proxy_chain(tx: &mut Tx<'_>, sitting: SittingId, giver: UserId, holder: UserId) -> Result<bool, AppError> {
    let chained: Option<(i64,)> =
        sqlx::query_as("select 1 from proxies where sitting_id = $1 and (giver_id = $2 or holder_id = $3)")
            .bind(sitting)
            .bind(holder)
            .bind(giver)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(chained.is_some())
}

/// A proxy; a holder holds one at most (`proxy_taken`).
pub async fn insert_proxy(
    tx: &mut Tx<'_>,
    sitting: SittingId,
    giver: UserId,
    holder: UserId,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("insert into proxies (sitting_id, giver_id, holder_id, created_at) values ($1, $2, $3, $4)")
        .bind(sitting)
        .bind(giver)
        .bind(holder)
        .bind(now)
        .execute(&mut **tx)
        .await
        .on_constraint(&["proxy_holder_unique", "proxies.sitting_id, proxies.holder_id"], || {
            AppError::field("holder_id", ErrorCode::ProxyTaken)
        })?;
    Ok(())
}

/// Every proxy of the sitting: (giver, holder).
pub async fn proxies(db: &Db, sitting: SittingId) -> Result<Vec<(UserId, UserId)>, AppError> {
    Ok(sqlx::query_as("select giver_id, holder_id from proxies where sitting_id = $1")
        .bind(sitting)
        .fetch_all(&db.pool)
        .await?)
}

/// Who holds `giver`'s proxy, inside `tx`.
pub async fn proxy_holder(tx: &mut Tx<'_>, sitting: SittingId, giver: UserId) -> Result<Option<UserId>, AppError> {
    let row: Option<(UserId,)> =
        sqlx::query_as("select holder_id from proxies where sitting_id = $1 and giver_id = $2")
            .bind(sitting)
            .bind(giver)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(h,)| h))
}

/// Whose proxy `holder` holds, inside `tx`.
pub async fn proxy_giver(tx: &mut Tx<'_>, sitting: SittingId, holder: UserId) -> Result<Option<UserId>, AppError> {
    let row: Option<(UserId,)> =
        sqlx::query_as("select giver_id from proxies where sitting_id = $1 and holder_id = $2")
            .bind(sitting)
            .bind(holder)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(g,)| g))
}

const PARTICIPANTS: &str =
    "select distinct u.id, u.display_name as name from memberships m join users u on u.id = m.user_id \
    where m.assembly_id = $1 and m.role in ('member', 'facilitator') and u.disabled = 0";

/// The assembly's members and facilitators (who take part in its sittings), by name.
pub async fn participants(db: &Db, assembly: AssemblyId) -> Result<Vec<Person>, AppError> {
    Ok(sqlx::query_as::<_, (UserId, String)>(&format!("{PARTICIPANTS} order by u.display_name"))
        .bind(assembly)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, name)| Person { id, name })
        .collect())
}

pub async fn is_participant(tx: &mut Tx<'_>, assembly: AssemblyId, user: UserId) -> Result<bool, AppError> {
    let row: Option<(UserId, String)> = sqlx::query_as(&format!("{PARTICIPANTS} and u.id = $2"))
        .bind(assembly)
        .bind(user)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.is_some())
}

/// Members of the assembly, and members present or represented (a proxy whose holder is
/// present and whose giver is not), inside `tx`.
pub async fn counts(tx: &mut Tx<'_>, sitting: SittingId, assembly: AssemblyId) -> Result<(i64, i64), AppError> {
    let (members,): (i64,) = sqlx::query_as(&format!("select count(*) from ({PARTICIPANTS}) as p"))
        .bind(assembly)
        .fetch_one(&mut **tx)
        .await?;
    let (present,): (i64,) = sqlx::query_as(
        "select (select count(*) from attendance where sitting_id = $1) + \
         (select count(*) from proxies p where p.sitting_id = $1 \
           and exists (select 1 from attendance a where a.sitting_id = $1 and a.user_id = p.holder_id) \
           and not exists (select 1 from attendance a where a.sitting_id = $1 and a.user_id = p.giver_id))",
    )
    .bind(sitting)
    .fetch_one(&mut **tx)
    .await?;
    Ok((members, present))
}

#[derive(sqlx::FromRow)]
pub struct AgendaRow {
    pub objective_id: ObjectiveId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
}

pub async fn agenda(db: &Db, sitting: SittingId) -> Result<Vec<AgendaRow>, AppError> {
    Ok(sqlx::query_as(
        "select o.id as objective_id, o.title, o.status from agenda_items i join objectives o on o.id = i.objective_id \
         where i.sitting_id = $1 order by i.position",
    )
    .bind(sitting)
    .fetch_all(&db.pool)
    .await?)
}

/// The agenda's objectives inside `tx`, in order.
pub async fn agenda_in(tx: &mut Tx<'_>, sitting: SittingId) -> Result<Vec<ObjectiveId>, AppError> {
    Ok(agenda_positions(tx, sitting).await?.into_iter().map(|(o, _)| o).collect())
}

/// Objectives a facilitator may still put on the agenda, most supported first.
pub async fn candidates(
    db: &Db,
    assembly: AssemblyId,
    sitting: SittingId,
) -> Result<Vec<(ObjectiveId, String)>, AppError> {
    Ok(sqlx::query_as(
        "select o.id, o.title from objectives o where o.assembly_id = $1 and o.moderation = 'visible' \
         and o.status in ('proposed', 'in_discussion') \
         and not exists (select 1 from agenda_items i where i.sitting_id = $2 and i.objective_id = o.id) \
         order by (select count(*) from supports s where s.objective_id = o.id) desc, o.id",
    )
    .bind(assembly)
    .bind(sitting)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct TurnRow {
    pub id: TurnId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
}

/// The speaking turns not cancelled, in order of request.
pub async fn turns(db: &Db, sitting: SittingId) -> Result<Vec<TurnRow>, AppError> {
    Ok(sqlx::query_as(
        "select t.id, t.user_id, u.display_name as name, t.created_at, t.started_at, t.ended_at from speaking_turns t \
         join users u on u.id = t.user_id where t.sitting_id = $1 and t.cancelled_at is null order by t.created_at, t.id",
    )
    .bind(sitting)
    .fetch_all(&db.pool)
    .await?)
}

/// Raises a hand; raising twice is harmless: one open hand per member (unique index).
pub async fn raise_hand(tx: &mut Tx<'_>, sitting: SittingId, user: UserId, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "insert into speaking_turns (sitting_id, user_id, created_at) values ($1, $2, $3) \
         on conflict (sitting_id, user_id) where ended_at is null and cancelled_at is null do nothing",
    )
    .bind(sitting)
    .bind(user)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn lower_hand(tx: &mut Tx<'_>, sitting: SittingId, user: UserId, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "update speaking_turns set cancelled_at = $1 where sitting_id = $2 and user_id = $3 \
         and started_at is null and cancelled_at is null",
    )
    .bind(now)
    .bind(sitting)
    .bind(user)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whoever speaks now stops.
pub async fn end_current_turn(tx: &mut Tx<'_>, sitting: SittingId, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "update speaking_turns set ended_at = $1 where sitting_id = $2 and started_at is not null \
         and ended_at is null and cancelled_at is null",
    )
    .bind(now)
    .bind(sitting)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Gives the floor to a waiting turn (`give`) or drops it; false when it is not waiting.
pub async fn settle_turn(
    tx: &mut Tx<'_>,
    sitting: SittingId,
    turn: TurnId,
    give: bool,
    now: i64,
) -> Result<bool, AppError> {
    let sql = if give {
        "update speaking_turns set started_at = $1 where id = $2 and sitting_id = $3 and started_at is null and cancelled_at is null"
    } else {
        "update speaking_turns set cancelled_at = $1 where id = $2 and sitting_id = $3 and started_at is null and cancelled_at is null"
    };
    let done = sqlx::query(sql).bind(now).bind(turn).bind(sitting).execute(&mut **tx).await?;
    Ok(done.rows_affected() > 0)
}
