//! Account queries (server only). One SQL text for both backends.
use super::{Membership, Role, SessionUser};
use crate::db::Db;
use crate::error::AppError;
use crate::ids::{AssemblyId, UserId};
use sqlx::Any;

type Tx<'a> = sqlx::Transaction<'a, Any>;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    display_name: String,
    login: String,
    email: Option<String>,
    is_admin: i64,
}

pub async fn session_user(db: &Db, id: UserId) -> Result<Option<SessionUser>, AppError> {
    let Some(u) = sqlx::query_as::<_, UserRow>(
        "select id, display_name, login, email, is_admin from users where id = $1 and disabled = 0",
    )
    .bind(id.0)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let memberships = memberships_of(db, id).await?;
    let (unread,): (i64,) = sqlx::query_as("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(id.0)
        .fetch_one(&db.pool)
        .await?;
    Ok(Some(SessionUser {
        id: UserId(u.id),
        display_name: u.display_name,
        login: u.login,
        email: u.email,
        is_admin: u.is_admin == 1,
        memberships,
        unread,
    }))
}

pub async fn memberships_of(db: &Db, id: UserId) -> Result<Vec<Membership>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "select m.assembly_id, a.name, m.role from memberships m join assemblies a on a.id = m.assembly_id \
         where m.user_id = $1 order by a.name, m.role",
    )
    .bind(id.0)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(assembly_id, assembly_name, role)| {
            Some(Membership { assembly_id: AssemblyId(assembly_id), assembly_name, role: Role::parse(&role).ok()? })
        })
        .collect())
}

pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn credentials(db: &Db, login: &str) -> Result<Option<Credentials>, AppError> {
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("select id, password_hash, disabled from users where login = $1")
            .bind(login)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, password_hash, disabled)| Credentials { id: UserId(id), password_hash, disabled: disabled == 1 }))
}

/// Failed attempts since the last successful login, within the lockout window.
pub async fn recent_failures(db: &Db, user: UserId, since: i64) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "select created_at from login_attempts where user_id = $1 and succeeded = 0 and created_at > $2 \
         and created_at > coalesce((select max(created_at) from login_attempts where user_id = $1 and succeeded = 1), 0)",
    )
    .bind(user.0)
    .bind(since)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

pub async fn record_attempt(db: &Db, user: UserId, succeeded: bool, at: i64) -> Result<(), AppError> {
    sqlx::query("insert into login_attempts (user_id, succeeded, created_at) values ($1, $2, $3)")
        .bind(user.0)
        .bind(crate::db::flag(succeeded))
        .bind(at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub display_name: &'a str,
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_admin: bool,
}

/// Inserts a user; a taken login maps to `LoginTaken` through the unique index.
pub async fn insert_user(tx: &mut Tx<'_>, user: NewUser<'_>, now: i64) -> Result<UserId, AppError> {
    use crate::error::{ssr::ResultExt, ErrorCode};
    let (id,): (i64,) = sqlx::query_as(
        "insert into users (display_name, login, email, password_hash, is_admin, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(user.display_name)
    .bind(user.login)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(crate::db::flag(user.is_admin))
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    // PostgreSQL names the index; SQLite names its column ("UNIQUE constraint failed: users.login").
    .on_constraint(&["users_login_unique", "users.login"], || AppError::field("login", ErrorCode::LoginTaken))?;
    Ok(UserId(id))
}

pub async fn add_membership(
    tx: &mut Tx<'_>,
    assembly: AssemblyId,
    user: UserId,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    if role == Role::Admin {
        sqlx::query("update users set is_admin = 1, updated_at = $2 where id = $1")
            .bind(user.0)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    sqlx::query(
        "insert into memberships (assembly_id, user_id, role, created_at) values ($1, $2, $3, $4) \
         on conflict (assembly_id, user_id, role) do nothing",
    )
    .bind(assembly.0)
    .bind(user.0)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn remove_membership(
    tx: &mut Tx<'_>,
    assembly: AssemblyId,
    user: UserId,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    if role == Role::Admin {
        sqlx::query("update users set is_admin = 0, updated_at = $2 where id = $1")
            .bind(user.0)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    sqlx::query("delete from memberships where assembly_id = $1 and user_id = $2 and role = $3")
        .bind(assembly.0)
        .bind(user.0)
        .bind(role.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn admin_exists(db: &Db) -> Result<bool, AppError> {
    let (n,): (i64,) =
        sqlx::query_as("select count(*) from users where is_admin = 1 and disabled = 0").fetch_one(&db.pool).await?;
    Ok(n > 0)
}

#[derive(Debug, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub display_name: String,
    pub login: String,
    pub is_admin: i64,
    pub disabled: i64,
    pub created_at: i64,
}

pub async fn list_accounts(db: &Db) -> Result<Vec<AccountRow>, AppError> {
    Ok(sqlx::query_as::<_, AccountRow>(
        "select id, display_name, login, is_admin, disabled, created_at from users order by lower(display_name), id",
    )
    .fetch_all(&db.pool)
    .await?)
}

pub async fn all_memberships(db: &Db) -> Result<Vec<(i64, Membership)>, AppError> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "select m.user_id, m.assembly_id, a.name, m.role from memberships m join assemblies a on a.id = m.assembly_id order by a.name, m.role",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(user, assembly, name, role)| {
            Some((
                user,
                Membership { assembly_id: AssemblyId(assembly), assembly_name: name, role: Role::parse(&role).ok()? },
            ))
        })
        .collect())
}
