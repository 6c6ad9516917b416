//! Accounts' statements: people, memberships, sessions, sign-in attempts, invitations
//! claimed by a new account, the one-time setup link. One SQL text for both backends.
use super::{Membership, Role, SessionUser};
use crate::context::Tx;
use crate::db::Db;
use crate::error::ssr::ResultExt;
use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, InvitationId, UserId};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: UserId,
    display_name: String,
    login: String,
    email: Option<String>,
    is_admin: i64,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    user_id: UserId,
    assembly_id: AssemblyId,
    assembly_name: String,
    #[sqlx(try_from = "String")]
    role: Role,
}

impl MembershipRow {
    fn membership(self) -> Membership {
        Membership { assembly_id: self.assembly_id, assembly_name: self.assembly_name, role: self.role }
    }
}

const MEMBERSHIPS: &str = "select m.user_id, m.assembly_id, a.name as assembly_name, m.role from memberships m \
    join assemblies a on a.id = m.assembly_id";

/// The person behind a live session token's hash, refreshing the session's last use at
/// most once a minute (`touch_before`).
pub async fn session_owner(
    db: &Db,
    token_hash: &str,
    now: i64,
    idle_since: i64,
    touch_before: i64,
) -> Result<Option<UserId>, AppError> {
    let row: Option<(i64, UserId, i64)> = sqlx::query_as(
        "select s.id, s.user_id, s.last_seen_at from sessions s join users u on u.id = s.user_id \
         where s.token_hash = $1 and s.expires_at > $2 and s.last_seen_at > $3 and u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .bind(idle_since)
    .fetch_optional(&db.pool)
    .await?;
    let Some((session, user, last_seen)) = row else { return Ok(None) };
    if last_seen < touch_before {
        sqlx::query("update sessions set last_seen_at = $1 where id = $2")
            .bind(now)
            .bind(session)
            .execute(&db.pool)
            .await?;
    }
    Ok(Some(user))
}

/// An enabled person with their roles and unread notifications.
pub async fn session_user(db: &Db, id: UserId) -> Result<Option<SessionUser>, AppError> {
    let Some(u) = sqlx::query_as::<_, UserRow>(
        "select id, display_name, login, email, is_admin from users where id = $1 and disabled = 0",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let memberships =
        sqlx::query_as::<_, MembershipRow>(&format!("{MEMBERSHIPS} where m.user_id = $1 order by a.name, m.role"))
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(MembershipRow::membership)
            .collect();
    let (unread,): (i64,) = sqlx::query_as("select count(*) from notifications where user_id = $1 and read_at is null")
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    Ok(Some(SessionUser {
        id: u.id,
        display_name: u.display_name,
        login: u.login,
        email: u.email,
        is_admin: u.is_admin == 1,
        memberships,
        unread,
    }))
}

pub async fn insert_session(
    tx: &mut Tx<'_>,
    token_hash: &str,
    user: UserId,
    now: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into sessions (token_hash, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends the session with this token's hash; returns its owner, if it existed.
pub async fn delete_session(tx: &mut Tx<'_>, token_hash: &str) -> Result<Option<UserId>, AppError> {
    let row: Option<(UserId,)> = sqlx::query_as("delete from sessions where token_hash = $1 returning user_id")
        .bind(token_hash)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|(u,)| u))
}

pub async fn delete_sessions_of(tx: &mut Tx<'_>, user: UserId) -> Result<(), AppError> {
    sqlx::query("delete from sessions where user_id = $1").bind(user).execute(&mut **tx).await?;
    Ok(())
}

pub struct Credentials {
    pub id: UserId,
    pub password_hash: String,
    pub disabled: bool,
}

pub async fn credentials(db: &Db, login: &str) -> Result<Option<Credentials>, AppError> {
    let row: Option<(UserId, String, i64)> =
        sqlx::query_as("select id, password_hash, disabled from users where login = $1")
            .bind(login)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, password_hash, disabled)| Credentials { id, password_hash, disabled: disabled == 1 }))
}

/// Takes the account's row lock (PostgreSQL) or the database write lock (SQLite) for the
/// rest of `tx`: sign-in attempts on one account are then counted one after another.
pub async fn lock_user(tx: &mut Tx<'_>, user: UserId) -> Result<(), AppError> {
    sqlx::query("update users set updated_at = updated_at where id = $1").bind(user).execute(&mut **tx).await?;
    Ok(())
}

/// Failed attempts since the last successful login, within the lockout window.
pub async fn recent_failures(tx: &mut Tx<'_>, user: UserId, since: i64) -> Result<Vec<i64>, AppError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "select created_at from login_attempts where user_id = $1 and succeeded = 0 and created_at > $2 \
         and created_at > coalesce((select max(created_at) from login_attempts where user_id = $1 and succeeded = 1), 0)",
    )
    .bind(user)
    .bind(since)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Records an attempt as failed until proven otherwise (`attempt_succeeded`).
pub async fn insert_attempt(tx: &mut Tx<'_>, user: UserId, at: i64) -> Result<i64, AppError> {
    let (id,): (i64,) =
        sqlx::query_as("insert into login_attempts (user_id, succeeded, created_at) values ($1, 0, $2) returning id")
            .bind(user)
            .bind(at)
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

pub async fn attempt_succeeded(tx: &mut Tx<'_>, attempt: i64) -> Result<(), AppError> {
    sqlx::query("update login_attempts set succeeded = 1 where id = $1").bind(attempt).execute(&mut **tx).await?;
    Ok(())
}

pub struct NewUser<'a> {
    pub display_name: &'a str,
    pub login: &'a str,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub is_admin: bool,
}

/// Inserts a user; a taken login maps to `login_taken` through the unique index.
pub async fn insert_user(tx: &mut Tx<'_>, user: NewUser<'_>, now: i64) -> Result<UserId, AppError> {
    let (id,): (UserId,) = sqlx::query_as(
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
    Ok(id)
}

pub async fn user_exists(tx: &mut Tx<'_>, user: UserId) -> Result<bool, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("select id from users where id = $1").bind(user).fetch_optional(&mut **tx).await?;
    Ok(row.is_some())
}

pub async fn assembly_exists(tx: &mut Tx<'_>, assembly: AssemblyId) -> Result<bool, AppError> {
    let row: Option<(i64,)> =
        sqlx::query_as("select id from assemblies where id = $1").bind(assembly).fetch_optional(&mut **tx).await?;
    Ok(row.is_some())
}

pub async fn update_profile(
    tx: &mut Tx<'_>,
    user: UserId,
    display_name: &str,
    email: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("update users set display_name = $1, email = $2, updated_at = $3 where id = $4")
        .bind(display_name)
        .bind(email)
        .bind(now)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_password_hash(tx: &mut Tx<'_>, user: UserId, hash: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("update users set password_hash = $1, updated_at = $2 where id = $3")
        .bind(hash)
        .bind(now)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Returns whether the account exists.
pub async fn set_disabled(tx: &mut Tx<'_>, user: UserId, disabled: bool, now: i64) -> Result<bool, AppError> {
    let changed = sqlx::query("update users set disabled = $1, updated_at = $2 where id = $3")
        .bind(crate::db::flag(disabled))
        .bind(now)
        .bind(user)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(changed > 0)
}

/// The platform-wide admin role is a flag on the account, not a membership.
async fn set_admin(tx: &mut Tx<'_>, user: UserId, admin: bool, now: i64) -> Result<(), AppError> {
    sqlx::query("update users set is_admin = $1, updated_at = $3 where id = $2")
        .bind(i64::from(admin))
        .bind(user)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn add_membership(
    tx: &mut Tx<'_>,
    assembly: AssemblyId,
    user: UserId,
    role: Role,
    now: i64,
) -> Result<(), AppError> {
    if role == Role::Admin {
        return set_admin(tx, user, true, now).await;
    }
    sqlx::query(
        "insert into memberships (assembly_id, user_id, role, created_at) values ($1, $2, $3, $4) \
         on conflict (assembly_id, user_id, role) do nothing",
    )
    .bind(assembly)
    .bind(user)
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
        return set_admin(tx, user, false, now).await;
    }
    sqlx::query("delete from memberships where assembly_id = $1 and user_id = $2 and role = $3")
        .bind(assembly)
        .bind(user)
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
    pub id: UserId,
    pub display_name: String,
    pub login: String,
    pub is_admin: i64,
    pub disabled: i64,
    pub created_at: i64,
}

pub async fn accounts(db: &Db) -> Result<Vec<AccountRow>, AppError> {
    Ok(sqlx::query_as::<_, AccountRow>(
        "select id, display_name, login, is_admin, disabled, created_at from users order by lower(display_name), id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// Every membership, with its person.
pub async fn all_memberships(db: &Db) -> Result<Vec<(UserId, Membership)>, AppError> {
    Ok(sqlx::query_as::<_, MembershipRow>(&format!("{MEMBERSHIPS} order by a.name, m.role"))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| (r.user_id, r.membership()))
        .collect())
}

#[derive(sqlx::FromRow)]
pub struct OpenInvitation {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub town: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub invitee_name: Option<String>,
}

/// The invitation with this token's hash, if it can still be used.
pub async fn open_invitation(db: &Db, token_hash: &str, now: i64) -> Result<Option<OpenInvitation>, AppError> {
    Ok(sqlx::query_as(
        "select a.id as assembly_id, a.name as assembly_name, a.town, i.role, i.invitee_name from invitations i \
         join assemblies a on a.id = i.assembly_id \
         where i.token_hash = $1 and i.used_at is null and i.revoked_at is null and i.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
pub struct ClaimedInvitation {
    pub id: InvitationId,
    pub assembly_id: AssemblyId,
    #[sqlx(try_from = "String")]
    pub role: Role,
}

/// Claims the invitation for `user`: the conditional update makes a second use fail even
/// when two people submit the same link at the same moment.
pub async fn claim_invitation(
    tx: &mut Tx<'_>,
    token_hash: &str,
    user: UserId,
    now: i64,
) -> Result<Option<ClaimedInvitation>, AppError> {
    Ok(sqlx::query_as(
        "update invitations set used_at = $2, used_by = $3 \
         where token_hash = $1 and used_at is null and revoked_at is null and expires_at > $2 \
         returning id, assembly_id, role",
    )
    .bind(token_hash)
    .bind(now)
    .bind(user)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn insert_setup_token(db: &Db, token_hash: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("insert into setup_tokens (token_hash, created_at) values ($1, $2)")
        .bind(token_hash)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn setup_token_exists(db: &Db, token_hash: &str) -> Result<bool, AppError> {
    let (n,): (i64,) = sqlx::query_as("select count(*) from setup_tokens where token_hash = $1")
        .bind(token_hash)
        .fetch_one(&db.pool)
        .await?;
    Ok(n == 1)
}

/// Deleting the token is the claim: only one request can delete it. Every other setup link
/// dies with it.
pub async fn claim_setup_token(tx: &mut Tx<'_>, token_hash: &str) -> Result<bool, AppError> {
    let claimed = sqlx::query("delete from setup_tokens where token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    sqlx::query("delete from setup_tokens").execute(&mut **tx).await?;
    Ok(claimed == 1)
}
