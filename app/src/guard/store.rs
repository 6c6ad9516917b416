//! The checks on the acting person that need the database: whether a member is suspended in
//! an assembly. Called inside the transaction that writes, so a suspension decided a moment
//! earlier applies to the very next action.
use super::{Actor, SessionUser};
use crate::db::Tx;
use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, UserId};

/// The end of the member's current suspension in the assembly, if any.
pub async fn suspended_until(
    tx: &mut Tx<'_>,
    assembly: AssemblyId,
    user: UserId,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "select max(until) from suspensions where assembly_id = $1 and user_id = $2 and lifted_at is null and until > $3 \
         having count(*) > 0",
    )
    .bind(assembly)
    .bind(user)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(u,)| u))
}

/// The acting person, if they take part in `assembly` and are not suspended there now:
/// what proposing, supporting, commenting, reporting and voting require.
pub async fn participant<'a>(
    tx: &mut Tx<'_>,
    actor: &'a Actor,
    assembly: AssemblyId,
    now: i64,
) -> Result<&'a SessionUser, AppError> {
    let user = actor.signed_in()?;
    actor.must(user.takes_part_in(assembly))?;
    if suspended_until(tx, assembly, user.id, now).await?.is_some() {
        return Err(AppError::User(ErrorCode::Suspended));
    }
    Ok(user)
}
