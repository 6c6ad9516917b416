//! Assemblies' statements: the assemblies with their member counts and next sitting, and
//! the invitations (only a token's hash is stored).
use super::{Invitation, InvitationStatus};
use crate::context::Tx;
use crate::db::Db;
use crate::error::AppError;
use crate::guard::Role;
use crate::ids::{AssemblyId, InvitationId, SittingId, UserId};

#[derive(sqlx::FromRow)]
pub struct AssemblyRow {
    pub id: AssemblyId,
    pub name: String,
    pub town: String,
    pub description: String,
    pub member_count: i64,
}

/// Every assembly (or only `only`), newest first, with its count of enabled members.
pub async fn assemblies(db: &Db, only: Option<AssemblyId>) -> Result<Vec<AssemblyRow>, AppError> {
    Ok(sqlx::query_as(
        "select a.id, a.name, a.town, a.description, \
         (select count(distinct m.user_id) from memberships m join users u on u.id = m.user_id \
          where m.assembly_id = a.id and u.disabled = 0) as member_count \
         from assemblies a where ($1 = 0 or a.id = $1) order by a.created_at desc, a.id desc",
    )
    .bind(only.map_or(0, |a| a.0))
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct NextSitting {
    pub assembly_id: AssemblyId,
    pub id: SittingId,
    pub title: String,
    pub starts_at: i64,
}

/// For every assembly, its sittings not yet closed, the live one first, then by start; the
/// first of each assembly is its next sitting. One query for the whole list.
pub async fn open_sittings(db: &Db) -> Result<Vec<NextSitting>, AppError> {
    Ok(sqlx::query_as(
        "select assembly_id, id, title, starts_at from sittings where status <> 'closed' \
         order by assembly_id, status = 'live' desc, starts_at",
    )
    .fetch_all(&db.pool)
    .await?)
}

pub async fn exists(db: &Db, id: AssemblyId) -> Result<bool, AppError> {
    let found: Option<(i64,)> =
        sqlx::query_as("select id from assemblies where id = $1").bind(id).fetch_optional(&db.pool).await?;
    Ok(found.is_some())
}

pub struct NewAssembly<'a> {
    pub name: &'a str,
    pub town: &'a str,
    pub description: &'a str,
}

pub async fn insert_assembly(
    tx: &mut Tx<'_>,
    a: &NewAssembly<'_>,
    by: Option<UserId>,
    now: i64,
) -> Result<AssemblyId, AppError> {
    let (id,): (AssemblyId,) = sqlx::query_as(
        "insert into assemblies (name, town, description, created_by, created_at) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(a.name)
    .bind(a.town)
    .bind(a.description)
    .bind(by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub struct NewInvitation<'a> {
    pub assembly: AssemblyId,
    pub role: Role,
    pub token_hash: &'a str,
    pub invitee_name: Option<&'a str>,
    pub invitee_email: Option<&'a str>,
    pub created_by: Option<UserId>,
    pub expires_at: i64,
}

pub async fn insert_invitation(tx: &mut Tx<'_>, i: &NewInvitation<'_>, now: i64) -> Result<InvitationId, AppError> {
    let (id,): (InvitationId,) = sqlx::query_as(
        "insert into invitations (assembly_id, role, token_hash, invitee_name, invitee_email, created_by, created_at, expires_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
    )
    .bind(i.assembly)
    .bind(i.role.as_str())
    .bind(i.token_hash)
    .bind(i.invitee_name)
    .bind(i.invitee_email)
    .bind(i.created_by)
    .bind(now)
    .bind(i.expires_at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: InvitationId,
    #[sqlx(try_from = "String")]
    role: Role,
    invitee_name: Option<String>,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
    revoked_at: Option<i64>,
    used_by: Option<String>,
}

/// The assembly's latest 500 invitations, newest first, with their state at `now`.
pub async fn invitations(db: &Db, assembly: AssemblyId, now: i64) -> Result<Vec<Invitation>, AppError> {
    let rows: Vec<InvitationRow> = sqlx::query_as(
        "select i.id, i.role, i.invitee_name, i.created_at, i.expires_at, i.used_at, i.revoked_at, u.display_name as used_by \
         from invitations i left join users u on u.id = i.used_by where i.assembly_id = $1 order by i.id desc limit 500",
    )
    .bind(assembly)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Invitation {
            id: r.id,
            role: r.role,
            invitee_name: r.invitee_name,
            created_at: r.created_at,
            expires_at: r.expires_at,
            status: InvitationStatus::of(r.expires_at, r.used_at, r.revoked_at, now),
            used_by: r.used_by,
        })
        .collect())
}

/// Revokes an invitation not yet used; returns its assembly, if it was revocable.
pub async fn revoke_invitation(tx: &mut Tx<'_>, id: InvitationId, now: i64) -> Result<Option<AssemblyId>, AppError> {
    let row: Option<(AssemblyId,)> = sqlx::query_as(
        "update invitations set revoked_at = $1 where id = $2 and used_at is null and revoked_at is null returning assembly_id",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(a,)| a))
}

/// The assembly's name and support threshold.
pub async fn name_and_threshold(db: &Db, assembly: AssemblyId) -> Result<Option<(String, i64)>, AppError> {
    Ok(sqlx::query_as("select name, support_threshold from assemblies where id = $1")
        .bind(assembly)
        .fetch_optional(&db.pool)
        .await?)
}
