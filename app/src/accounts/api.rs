//! Account server functions: sign-in, invitations, first admin, profile, account admin.
//! Each checks the caller on the server and writes an audit event with its change.
use super::{Membership, SessionUser};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::{AssemblyId, UserId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvitationDetails {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub town: String,
    pub role: super::Role,
    pub invitee_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: UserId,
    pub display_name: String,
    pub login: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub memberships: Vec<Membership>,
}

#[server(prefix = "/api", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<SessionUser>, AppError> {
    let state = crate::state::app_state()?;
    finish(super::session::current_user(&state.db).await, &[])
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let result = ssr::login(&login, password, next).await;
    finish(result, &[("login", &login)])
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let result = async {
        let state = crate::state::app_state()?;
        super::session::end_session(&state.db, state.config.secure_cookies).await?;
        leptos_axum::redirect("/");
        Ok(())
    }
    .await;
    finish(result, &[])
}

#[server(prefix = "/api", endpoint = "invitation_info")]
pub async fn invitation_info(token: String) -> Result<InvitationDetails, AppError> {
    finish(ssr::invitation_info(&token).await, &[])
}

#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    display_name: String,
    login: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let result = ssr::accept_invitation(&token, &display_name, &login, &email, password, password_confirm).await;
    finish(result, &[("display_name", &display_name), ("login", &login), ("email", &email)])
}

/// A signed-in person accepting another invitation gets the role on their own account.
#[server(prefix = "/api", endpoint = "join_with_invitation")]
pub async fn join_with_invitation(token: String) -> Result<(), AppError> {
    finish(ssr::join_with_invitation(&token).await, &[])
}

#[server(prefix = "/api", endpoint = "setup_link_valid")]
pub async fn setup_link_valid(token: String) -> Result<bool, AppError> {
    finish(ssr::setup_link_valid(&token).await, &[])
}

#[server(prefix = "/api", endpoint = "create_first_admin")]
pub async fn create_first_admin(
    token: String,
    display_name: String,
    login: String,
    email: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let result = ssr::create_first_admin(&token, &display_name, &login, &email, password, password_confirm).await;
    finish(result, &[("display_name", &display_name), ("login", &login), ("email", &email)])
}

#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(display_name: String, email: String) -> Result<(), AppError> {
    let result = ssr::update_profile(&display_name, &email).await;
    finish(result, &[("display_name", &display_name), ("email", &email)])
}

#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    finish(ssr::change_password(current_password, password, password_confirm).await, &[])
}

#[server(prefix = "/api", endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    finish(ssr::list_accounts().await, &[])
}

/// Grants or removes a role. `assembly_id` is ignored for the platform-wide admin role.
#[server(prefix = "/api", endpoint = "set_role")]
pub async fn set_role(user_id: i64, assembly_id: Option<i64>, role: String, grant: bool) -> Result<(), AppError> {
    finish(ssr::set_role(UserId(user_id), assembly_id.map(AssemblyId), &role, grant).await, &[])
}

#[server(prefix = "/api", endpoint = "set_disabled")]
pub async fn set_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    finish(ssr::set_disabled(UserId(user_id), disabled).await, &[])
}

/// Where to go after signing in: only a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::accounts::db::{self as accounts_db, NewUser};
    use crate::accounts::session::{self, current_user, hash_password, reject_weak_password, verify_password};
    use crate::accounts::{
        check_new_password, lockout, parse_optional_email, permissions, DisplayName, LoginName, Role,
    };
    use crate::audit::ssr::{record, Event};
    use crate::db::now;
    use crate::error::{ErrorCode, Validator};
    use crate::state::app_state;
    use serde_json::json;

    #[tracing::instrument(skip_all)]
    pub async fn login(login: &str, password: String, next: Option<String>) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let now = now();
        let creds = match LoginName::parse(login) {
            Ok(l) => accounts_db::credentials(db, l.as_str()).await?,
            Err(_) => None,
        };
        if let Some(c) = &creds {
            let failures = accounts_db::recent_failures(db, c.id, now - lockout::WINDOW).await?;
            if lockout::remaining(&failures, now).is_some() {
                return Err(AppError::User(ErrorCode::TooManyAttempts));
            }
        }
        let ok = verify_password(password, creds.as_ref().map(|c| c.password_hash.clone())).await?;
        let creds = match creds {
            Some(c) if ok => c,
            Some(c) => {
                accounts_db::record_attempt(db, c.id, false, now).await?;
                return Err(AppError::User(ErrorCode::InvalidCredentials));
            }
            None => return Err(AppError::User(ErrorCode::InvalidCredentials)),
        };
        if creds.disabled {
            return Err(AppError::User(ErrorCode::AccountDisabled));
        }
        accounts_db::record_attempt(db, creds.id, true, now).await?;
        let mut tx = db.pool.begin().await?;
        session::start_session(&mut tx, creds.id, state.config.secure_cookies).await?;
        record(
            &mut tx,
            Event {
                actor: Some(creds.id),
                assembly: None,
                action: "account.login",
                target_type: "user",
                target_id: Some(creds.id.0),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    }

    /// Checks the fields of a new account, reporting every invalid one at once.
    fn new_account_fields(
        display_name: &str,
        login: &str,
        email: &str,
        password: &str,
        password_confirm: &str,
    ) -> Result<(DisplayName, LoginName, Option<String>), AppError> {
        let mut v = Validator::default();
        let name = v.check("display_name", DisplayName::parse(display_name));
        let login = v.check("login", LoginName::parse(login));
        let email = v.check("email", parse_optional_email(email));
        match check_new_password(password, password_confirm) {
            Err((field, code)) => {
                v.check::<()>(field, Err(code));
            }
            Ok(()) => {
                v.check(
                    "password",
                    reject_weak_password(password, &[display_name, login.as_ref().map_or("", |l| l.as_str())]),
                );
            }
        }
        v.finish()?;
        match (name, login, email) {
            (Some(n), Some(l), Some(e)) => Ok((n, l, e)),
            _ => Err(AppError::Internal),
        }
    }

    struct PendingInvitation {
        id: i64,
        assembly: AssemblyId,
        role: Role,
    }

    /// Claims the invitation inside `tx`: the conditional update makes a second use fail even
    /// when two people submit the same link at the same moment.
    async fn claim_invitation(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        token: &str,
        user: UserId,
        now: i64,
    ) -> Result<PendingInvitation, AppError> {
        let row: Option<(i64, i64, String)> = sqlx::query_as(
            "update invitations set used_at = $2, used_by = $3 \
             where token_hash = $1 and used_at is null and revoked_at is null and expires_at > $2 \
             returning id, assembly_id, role",
        )
        .bind(session::hash_token(token))
        .bind(now)
        .bind(user.0)
        .fetch_optional(&mut **tx)
        .await?;
        let (id, assembly, role) = row.ok_or(AppError::User(ErrorCode::InvitationInvalid))?;
        Ok(PendingInvitation {
            id,
            assembly: AssemblyId(assembly),
            role: Role::parse(&role).map_err(|_| AppError::Internal)?,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn invitation_info(token: &str) -> Result<InvitationDetails, AppError> {
        let state = app_state()?;
        let row: Option<(i64, String, String, String, Option<String>)> = sqlx::query_as(
            "select a.id, a.name, a.town, i.role, i.invitee_name from invitations i join assemblies a on a.id = i.assembly_id \
             where i.token_hash = $1 and i.used_at is null and i.revoked_at is null and i.expires_at > $2",
        )
        .bind(session::hash_token(token))
        .bind(now())
        .fetch_optional(&state.db.pool)
        .await?;
        let (id, assembly_name, town, role, invitee_name) = row.ok_or(AppError::User(ErrorCode::InvitationInvalid))?;
        Ok(InvitationDetails {
            assembly_id: AssemblyId(id),
            assembly_name,
            town,
            role: Role::parse(&role).map_err(|_| AppError::Internal)?,
            invitee_name,
        })
    }

    #[tracing::instrument(skip_all)]
    pub async fn accept_invitation(
        token: &str,
        display_name: &str,
        login: &str,
        email: &str,
        password: String,
        password_confirm: String,
    ) -> Result<(), AppError> {
        let state = app_state()?;
        // Check the link first, so nobody fills a form for a dead invitation.
        invitation_info(token).await?;
        let (name, login, email) = new_account_fields(display_name, login, email, &password, &password_confirm)?;
        let hash = hash_password(password).await?;
        let now = now();
        let mut tx = state.db.pool.begin().await?;
        let user = accounts_db::insert_user(
            &mut tx,
            NewUser {
                display_name: &name.into_inner(),
                login: login.as_str(),
                email: email.as_deref(),
                password_hash: &hash,
                is_admin: false,
            },
            now,
        )
        .await?;
        let inv = claim_invitation(&mut tx, token, user, now).await?;
        accounts_db::add_membership(&mut tx, inv.assembly, user, inv.role, now).await?;
        record(
            &mut tx,
            Event {
                actor: Some(user),
                assembly: Some(inv.assembly),
                action: "invitation.accept",
                target_type: "invitation",
                target_id: Some(inv.id),
                details: json!({ "role": inv.role.as_str(), "new_account": true }),
            },
        )
        .await?;
        session::start_session(&mut tx, user, state.config.secure_cookies).await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/assemblies/{}", inv.assembly));
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn join_with_invitation(token: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let user = permissions::require_user(current_user(&state.db).await?)?;
        let now = now();
        let mut tx = state.db.pool.begin().await?;
        let inv = claim_invitation(&mut tx, token, user.id, now).await?;
        accounts_db::add_membership(&mut tx, inv.assembly, user.id, inv.role, now).await?;
        record(
            &mut tx,
            Event {
                actor: Some(user.id),
                assembly: Some(inv.assembly),
                action: "invitation.accept",
                target_type: "invitation",
                target_id: Some(inv.id),
                details: json!({ "role": inv.role.as_str(), "new_account": false }),
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/assemblies/{}", inv.assembly));
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn setup_link_valid(token: &str) -> Result<bool, AppError> {
        let state = app_state()?;
        let (n,): (i64,) = sqlx::query_as("select count(*) from setup_tokens where token_hash = $1")
            .bind(session::hash_token(token))
            .fetch_one(&state.db.pool)
            .await?;
        Ok(n == 1 && !accounts_db::admin_exists(&state.db).await?)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_first_admin(
        token: &str,
        display_name: &str,
        login: &str,
        email: &str,
        password: String,
        password_confirm: String,
    ) -> Result<(), AppError> {
        let state = app_state()?;
        if !setup_link_valid(token).await? {
            return Err(AppError::User(ErrorCode::SetupLinkInvalid));
        }
        let (name, login, email) = new_account_fields(display_name, login, email, &password, &password_confirm)?;
        let hash = hash_password(password).await?;
        let now = now();
        let mut tx = state.db.pool.begin().await?;
        // Deleting the token is the claim: only one request can delete it.
        let claimed = sqlx::query("delete from setup_tokens where token_hash = $1")
            .bind(session::hash_token(token))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed != 1 {
            return Err(AppError::User(ErrorCode::SetupLinkInvalid));
        }
        sqlx::query("delete from setup_tokens").execute(&mut *tx).await?;
        let user = accounts_db::insert_user(
            &mut tx,
            NewUser {
                display_name: &name.into_inner(),
                login: login.as_str(),
                email: email.as_deref(),
                password_hash: &hash,
                is_admin: true,
            },
            now,
        )
        .await?;
        record(
            &mut tx,
            Event {
                actor: Some(user),
                assembly: None,
                action: "account.first_admin",
                target_type: "user",
                target_id: Some(user.0),
                details: json!({}),
            },
        )
        .await?;
        session::start_session(&mut tx, user, state.config.secure_cookies).await?;
        tx.commit().await?;
        leptos_axum::redirect("/admin");
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_profile(display_name: &str, email: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let user = permissions::require_user(current_user(&state.db).await?)?;
        let mut v = Validator::default();
        let name = v.check("display_name", DisplayName::parse(display_name));
        let email = v.check("email", parse_optional_email(email));
        v.finish()?;
        let (Some(name), Some(email)) = (name, email) else { return Err(AppError::Internal) };
        let mut tx = state.db.pool.begin().await?;
        sqlx::query("update users set display_name = $1, email = $2, updated_at = $3 where id = $4")
            .bind(name.into_inner())
            .bind(email)
            .bind(now())
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event {
                actor: Some(user.id),
                assembly: None,
                action: "account.update_profile",
                target_type: "user",
                target_id: Some(user.id.0),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn change_password(current: String, password: String, password_confirm: String) -> Result<(), AppError> {
        let state = app_state()?;
        let user = permissions::require_user(current_user(&state.db).await?)?;
        let creds = accounts_db::credentials(&state.db, &user.login).await?.ok_or(AppError::Internal)?;
        if !verify_password(current, Some(creds.password_hash)).await? {
            return Err(AppError::field("current_password", ErrorCode::InvalidCredentials));
        }
        check_new_password(&password, &password_confirm).map_err(|(f, c)| AppError::field(f, c))?;
        reject_weak_password(&password, &[&user.display_name, &user.login])
            .map_err(|c| AppError::field("password", c))?;
        let hash = hash_password(password).await?;
        let mut tx = state.db.pool.begin().await?;
        sqlx::query("update users set password_hash = $1, updated_at = $2 where id = $3")
            .bind(hash)
            .bind(now())
            .bind(user.id.0)
            .execute(&mut *tx)
            .await?;
        // Every other session ends: a changed password must lock out whoever had the old one.
        sqlx::query("delete from sessions where user_id = $1").bind(user.id.0).execute(&mut *tx).await?;
        session::start_session(&mut tx, user.id, state.config.secure_cookies).await?;
        record(
            &mut tx,
            Event {
                actor: Some(user.id),
                assembly: None,
                action: "account.change_password",
                target_type: "user",
                target_id: Some(user.id.0),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
        let state = app_state()?;
        permissions::require_admin(current_user(&state.db).await?)?;
        let memberships = accounts_db::all_memberships(&state.db).await?;
        Ok(accounts_db::list_accounts(&state.db)
            .await?
            .into_iter()
            .map(|r| Account {
                id: UserId(r.id),
                display_name: r.display_name,
                login: r.login,
                is_admin: r.is_admin == 1,
                disabled: r.disabled == 1,
                created_at: r.created_at,
                memberships: memberships.iter().filter(|(u, _)| *u == r.id).map(|(_, m)| m.clone()).collect(),
            })
            .collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_role(
        target: UserId,
        assembly: Option<AssemblyId>,
        role: &str,
        grant: bool,
    ) -> Result<(), AppError> {
        let state = app_state()?;
        let admin = permissions::require_admin(current_user(&state.db).await?)?;
        let role = Role::parse(role).map_err(|c| AppError::field("role", c))?;
        if role == Role::Admin && target == admin.id && !grant {
            return Err(AppError::User(ErrorCode::CannotChangeOwnAdmin));
        }
        let assembly = match (role, assembly) {
            (Role::Admin, _) => AssemblyId(0),
            (_, Some(a)) => a,
            (_, None) => return Err(AppError::field("assembly_id", ErrorCode::Required)),
        };
        let now = now();
        let mut tx = state.db.pool.begin().await?;
        let exists: Option<(i64,)> =
            sqlx::query_as("select id from users where id = $1").bind(target.0).fetch_optional(&mut *tx).await?;
        exists.ok_or(AppError::User(ErrorCode::NotFound))?;
        if role != Role::Admin {
            let found: Option<(i64,)> = sqlx::query_as("select id from assemblies where id = $1")
                .bind(assembly.0)
                .fetch_optional(&mut *tx)
                .await?;
            found.ok_or(AppError::field("assembly_id", ErrorCode::InvalidChoice))?;
        }
        if grant {
            accounts_db::add_membership(&mut tx, assembly, target, role, now).await?;
        } else {
            accounts_db::remove_membership(&mut tx, assembly, target, role, now).await?;
        }
        record(
            &mut tx,
            Event {
                actor: Some(admin.id),
                assembly: (role != Role::Admin).then_some(assembly),
                action: if grant { "role.grant" } else { "role.revoke" },
                target_type: "user",
                target_id: Some(target.0),
                details: json!({ "role": role.as_str() }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn set_disabled(target: UserId, disabled: bool) -> Result<(), AppError> {
        let state = app_state()?;
        let admin = permissions::require_admin(current_user(&state.db).await?)?;
        if target == admin.id {
            return Err(AppError::User(ErrorCode::CannotChangeOwnAdmin));
        }
        let mut tx = state.db.pool.begin().await?;
        let changed = sqlx::query("update users set disabled = $1, updated_at = $2 where id = $3")
            .bind(crate::db::flag(disabled))
            .bind(now())
            .bind(target.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::User(ErrorCode::NotFound));
        }
        if disabled {
            sqlx::query("delete from sessions where user_id = $1").bind(target.0).execute(&mut *tx).await?;
        }
        record(
            &mut tx,
            Event {
                actor: Some(admin.id),
                assembly: None,
                action: if disabled { "account.disable" } else { "account.enable" },
                target_type: "user",
                target_id: Some(target.0),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_ever_a_local_path() {
        assert_eq!(safe_next(Some("/profile")), "/profile");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
