//! Accounts' use cases: signing in and out, joining from an invitation, the first admin,
//! one's profile and password, and the admins' account management. Each takes the context,
//! the acting person and the time; a new session comes back as its token, for the caller
//! to put in a cookie.
use super::session::{self, hash_password, hash_token, reject_weak_password, verify_password};
use super::store::{self, NewUser};
use super::{
    check_new_password, lockout, parse_optional_email, Account, DisplayName, InvitationDetails, LoginName, Role,
    SessionUser,
};
use crate::audit::store::{record_at, Event};
use crate::context::{Ctx, Tx};
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::Actor;
use crate::ids::{AssemblyId, UserId};
use serde_json::json;

/// A session just opened: its token goes into the person's cookie.
pub struct NewSession {
    pub user: UserId,
    pub token: String,
}

fn account_event(actor: UserId, action: &str, target: UserId) -> Event<'_> {
    Event {
        actor: Some(actor),
        assembly: None,
        action,
        target_type: "user",
        target_id: Some(target.0),
        details: json!({}),
    }
}

/// Opens a session for `user`: always a new token, so one planted before is worthless.
async fn open_session(tx: &mut Tx<'_>, user: UserId, now: i64) -> Result<NewSession, AppError> {
    let token = session::new_token();
    store::insert_session(tx, &hash_token(&token), user, now, now + session::ABSOLUTE_TIMEOUT).await?;
    Ok(NewSession { user, token })
}

/// The person a session token belongs to, if the session is alive.
pub async fn user_for_token(ctx: &Ctx, token: &str, now: i64) -> Result<Option<SessionUser>, AppError> {
    let idle_since = now - session::IDLE_TIMEOUT;
    let touch_before = now - session::TOUCH_EVERY;
    match store::session_owner(&ctx.db, &hash_token(token), now, idle_since, touch_before).await? {
        Some(user) => store::session_user(&ctx.db, user).await,
        None => Ok(None),
    }
}

/// Signs in. The attempt is counted as a failure before the password is checked, inside a
/// transaction that holds the account's lock: parallel guesses queue there, and once five
/// failures are recorded every further one is refused without a check.
#[tracing::instrument(skip_all)]
pub async fn login(ctx: &Ctx, now: i64, login: &str, password: String) -> Result<NewSession, AppError> {
    let creds = match LoginName::parse(login) {
        Ok(l) => store::credentials(&ctx.db, l.as_str()).await?,
        Err(_) => None,
    };
    let attempt = match &creds {
        Some(c) => {
            let mut tx = ctx.begin().await?;
            store::lock_user(&mut tx, c.id).await?;
            let failures = store::recent_failures(&mut tx, c.id, now - lockout::WINDOW).await?;
            if lockout::remaining(&failures, now).is_some() {
                return Err(AppError::User(ErrorCode::TooManyAttempts));
            }
            let attempt = store::insert_attempt(&mut tx, c.id, now).await?;
            tx.commit().await?;
            Some(attempt)
        }
        None => None,
    };
    let ok = verify_password(password, creds.as_ref().map(|c| c.password_hash.clone())).await?;
    let (Some(creds), Some(attempt), true) = (creds, attempt, ok) else {
        return Err(AppError::User(ErrorCode::InvalidCredentials));
    };
    if creds.disabled {
        return Err(AppError::User(ErrorCode::AccountDisabled));
    }
    let mut tx = ctx.begin().await?;
    store::attempt_succeeded(&mut tx, attempt).await?;
    let session = open_session(&mut tx, creds.id, now).await?;
    record_at(&mut tx, account_event(creds.id, "account.login", creds.id), now).await?;
    tx.commit().await?;
    Ok(session)
}

/// Ends the session whose token the browser holds (audited).
pub async fn logout(ctx: &Ctx, token: Option<&str>, now: i64) -> Result<(), AppError> {
    let Some(token) = token else { return Ok(()) };
    let mut tx = ctx.begin().await?;
    if let Some(user) = store::delete_session(&mut tx, &hash_token(token)).await? {
        record_at(&mut tx, account_event(user, "account.logout", user), now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The fields of a new account, every invalid one reported at once.
pub struct AccountForm<'a> {
    pub display_name: &'a str,
    pub login: &'a str,
    pub email: &'a str,
    pub password: String,
    pub password_confirm: String,
}

struct CheckedAccount {
    name: DisplayName,
    login: LoginName,
    email: Option<String>,
    password_hash: String,
}

async fn check_account(form: AccountForm<'_>) -> Result<CheckedAccount, AppError> {
    let mut v = Validator::default();
    let name = v.check("display_name", DisplayName::parse(form.display_name));
    let login = v.check("login", LoginName::parse(form.login));
    let email = v.check("email", parse_optional_email(form.email));
    match check_new_password(&form.password, &form.password_confirm) {
        Err((field, code)) => {
            v.check::<()>(field, Err(code));
        }
        Ok(()) => {
            let own_words = [form.display_name, login.as_ref().map_or("", |l| l.as_str())];
            v.check("password", reject_weak_password(&form.password, &own_words));
        }
    }
    let (name, login, email) = v.finish_with((name, login, email))?;
    Ok(CheckedAccount { name, login, email, password_hash: hash_password(form.password).await? })
}

async fn insert_account(tx: &mut Tx<'_>, a: &CheckedAccount, is_admin: bool, now: i64) -> Result<UserId, AppError> {
    let user = NewUser {
        display_name: a.name.as_str(),
        login: a.login.as_str(),
        email: a.email.as_deref(),
        password_hash: &a.password_hash,
        is_admin,
    };
    store::insert_user(tx, user, now).await
}

#[tracing::instrument(skip_all)]
pub async fn invitation_info(ctx: &Ctx, token: &str, now: i64) -> Result<InvitationDetails, AppError> {
    let found = store::open_invitation(&ctx.db, &hash_token(token), now).await?;
    let i = found.ok_or(AppError::User(ErrorCode::InvitationInvalid))?;
    Ok(InvitationDetails {
        assembly_id: i.assembly_id,
        assembly_name: i.assembly_name,
        town: i.town,
        role: i.role,
        invitee_name: i.invitee_name,
    })
}

/// Claims the invitation for `user` and gives them its role; returns the assembly.
async fn join(tx: &mut Tx<'_>, token: &str, user: UserId, new_account: bool, now: i64) -> Result<AssemblyId, AppError> {
    let claimed = store::claim_invitation(tx, &hash_token(token), user, now).await?;
    let inv = claimed.ok_or(AppError::User(ErrorCode::InvitationInvalid))?;
    store::add_membership(tx, inv.assembly_id, user, inv.role, now).await?;
    let event = Event::new(Some(user), inv.assembly_id, "invitation.accept", ("invitation", inv.id.0))
        .details(json!({ "role": inv.role.as_str(), "new_account": new_account }));
    record_at(tx, event, now).await?;
    Ok(inv.assembly_id)
}

/// A new person accepts an invitation: their account, the role, a session.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    ctx: &Ctx,
    now: i64,
    token: &str,
    form: AccountForm<'_>,
) -> Result<(AssemblyId, NewSession), AppError> {
    // Check the link first, so nobody fills a form for a dead invitation.
    invitation_info(ctx, token, now).await?;
    let account = check_account(form).await?;
    let mut tx = ctx.begin().await?;
    let user = insert_account(&mut tx, &account, false, now).await?;
    let assembly = join(&mut tx, token, user, true, now).await?;
    let session = open_session(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok((assembly, session))
}

/// A signed-in person accepting another invitation gets the role on their own account.
#[tracing::instrument(skip_all)]
pub async fn join_with_invitation(ctx: &Ctx, actor: &Actor, now: i64, token: &str) -> Result<AssemblyId, AppError> {
    let user = actor.signed_in()?;
    let mut tx = ctx.begin().await?;
    let assembly = join(&mut tx, token, user.id, false, now).await?;
    tx.commit().await?;
    Ok(assembly)
}

/// A fresh setup token while no admin exists (the server prints its link at start).
pub async fn new_setup_token(ctx: &Ctx, now: i64) -> Result<Option<String>, AppError> {
    if store::admin_exists(&ctx.db).await? {
        return Ok(None);
    }
    let token = session::new_token();
    store::insert_setup_token(&ctx.db, &hash_token(&token), now).await?;
    Ok(Some(token))
}

pub async fn setup_link_valid(ctx: &Ctx, token: &str) -> Result<bool, AppError> {
    Ok(store::setup_token_exists(&ctx.db, &hash_token(token)).await? && !store::admin_exists(&ctx.db).await?)
}

#[tracing::instrument(skip_all)]
pub async fn create_first_admin(
    ctx: &Ctx,
    now: i64,
    token: &str,
    form: AccountForm<'_>,
) -> Result<NewSession, AppError> {
    if !setup_link_valid(ctx, token).await? {
        return Err(AppError::User(ErrorCode::SetupLinkInvalid));
    }
    let account = check_account(form).await?;
    let mut tx = ctx.begin().await?;
    if !store::claim_setup_token(&mut tx, &hash_token(token)).await? {
        return Err(AppError::User(ErrorCode::SetupLinkInvalid));
    }
    let user = insert_account(&mut tx, &account, true, now).await?;
    record_at(&mut tx, account_event(user, "account.first_admin", user), now).await?;
    let session = open_session(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok(session)
}

#[tracing::instrument(skip_all)]
pub async fn update_profile(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    display_name: &str,
    email: &str,
) -> Result<(), AppError> {
    let user = actor.signed_in()?;
    let mut v = Validator::default();
    let name = v.check("display_name", DisplayName::parse(display_name));
    let email = v.check("email", parse_optional_email(email));
    let (name, email) = v.finish_with((name, email))?;
    let mut tx = ctx.begin().await?;
    store::update_profile(&mut tx, user.id, name.as_str(), email.as_deref(), now).await?;
    record_at(&mut tx, account_event(user.id, "account.update_profile", user.id), now).await?;
    tx.commit().await?;
    Ok(())
}

/// A new password ends every other session: whoever had the old one is out.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    current: String,
    password: String,
    password_confirm: String,
) -> Result<NewSession, AppError> {
    let user = actor.signed_in()?;
    let creds = store::credentials(&ctx.db, &user.login).await?.ok_or(AppError::Internal)?;
    if !verify_password(current, Some(creds.password_hash)).await? {
        return Err(AppError::field("current_password", ErrorCode::InvalidCredentials));
    }
    check_new_password(&password, &password_confirm).map_err(|(f, c)| AppError::field(f, c))?;
    reject_weak_password(&password, &[&user.display_name, &user.login]).map_err(|c| AppError::field("password", c))?;
    let hash = hash_password(password).await?;
    let mut tx = ctx.begin().await?;
    store::set_password_hash(&mut tx, user.id, &hash, now).await?;
    store::delete_sessions_of(&mut tx, user.id).await?;
    let session = open_session(&mut tx, user.id, now).await?;
    record_at(&mut tx, account_event(user.id, "account.change_password", user.id), now).await?;
    tx.commit().await?;
    Ok(session)
}

#[tracing::instrument(skip_all)]
pub async fn list_accounts(ctx: &Ctx, actor: &Actor) -> Result<Vec<Account>, AppError> {
    actor.must_be_admin()?;
    let memberships = store::all_memberships(&ctx.db).await?;
    Ok(store::accounts(&ctx.db)
        .await?
        .into_iter()
        .map(|r| Account {
            id: r.id,
            display_name: r.display_name,
            login: r.login,
            is_admin: r.is_admin == 1,
            disabled: r.disabled == 1,
            created_at: r.created_at,
            memberships: memberships.iter().filter(|(u, _)| *u == r.id).map(|(_, m)| m.clone()).collect(),
        })
        .collect())
}

/// Grants or removes a role. `assembly` is ignored for the platform-wide admin role.
#[tracing::instrument(skip_all)]
pub async fn set_role(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    target: UserId,
    assembly: Option<AssemblyId>,
    role: &str,
    grant: bool,
) -> Result<(), AppError> {
    actor.must_be_admin()?;
    let role = Role::parse(role).map_err(|c| AppError::field("role", c))?;
    if role == Role::Admin && Some(target) == actor.id() && !grant {
        return Err(AppError::User(ErrorCode::CannotChangeOwnAdmin));
    }
    let assembly = match (role, assembly) {
        (Role::Admin, _) => None,
        (_, Some(a)) => Some(a),
        (_, None) => return Err(AppError::field("assembly_id", ErrorCode::Required)),
    };
    let mut tx = ctx.begin().await?;
    if !store::user_exists(&mut tx, target).await? {
        return Err(AppError::User(ErrorCode::NotFound));
    }
    if let Some(a) = assembly {
        if !store::assembly_exists(&mut tx, a).await? {
            return Err(AppError::field("assembly_id", ErrorCode::InvalidChoice));
        }
    }
    let at = assembly.unwrap_or(AssemblyId(0));
    if grant {
        store::add_membership(&mut tx, at, target, role, now).await?;
    } else {
        store::remove_membership(&mut tx, at, target, role, now).await?;
    }
    let event = Event {
        actor: actor.id(),
        assembly,
        action: if grant { "role.grant" } else { "role.revoke" },
        target_type: "user",
        target_id: Some(target.0),
        details: json!({ "role": role.as_str() }),
    };
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Disabling an account ends all its sessions.
#[tracing::instrument(skip_all)]
pub async fn set_disabled(ctx: &Ctx, actor: &Actor, now: i64, target: UserId, disabled: bool) -> Result<(), AppError> {
    actor.must_be_admin()?;
    if Some(target) == actor.id() {
        return Err(AppError::User(ErrorCode::CannotChangeOwnAdmin));
    }
    let mut tx = ctx.begin().await?;
    if !store::set_disabled(&mut tx, target, disabled, now).await? {
        return Err(AppError::User(ErrorCode::NotFound));
    }
    if disabled {
        store::delete_sessions_of(&mut tx, target).await?;
    }
    let event = Event {
        actor: actor.id(),
        assembly: None,
        action: if disabled { "account.disable" } else { "account.enable" },
        target_type: "user",
        target_id: Some(target.0),
        details: json!({}),
    };
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}
