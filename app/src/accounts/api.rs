//! Account server functions: sign-in, invitations, first admin, profile, account admin.
//! Each checks the caller on the server and writes an audit event with its change.
use super::SessionUser;
#[cfg(feature = "ssr")]
use super::{
    service::{self, AccountForm},
    session,
};
#[cfg(feature = "ssr")]
use crate::context::{call, request_cookie};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, UserId};
use leptos::prelude::*;

pub use super::{Account, InvitationDetails};

#[server(prefix = "/api", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<SessionUser>, AppError> {
    let c = call()?;
    finish(Ok(c.actor.user().cloned()), &[])
}

#[server(prefix = "/api", endpoint = "login")]
pub async fn login(login: String, password: String, next: Option<String>) -> Result<(), AppError> {
    let c = call()?;
    let result = service::login(&c.ctx, c.now, &login, password).await;
    finish(signed_in(&c, result, &safe_next(next.as_deref())), &[("login", &login)])
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let c = call()?;
    let token = request_cookie(session::COOKIE_NAME);
    let result = service::logout(&c.ctx, token.as_deref(), c.now).await;
    finish(result.map(|()| end_session(&c)), &[])
}

#[server(prefix = "/api", endpoint = "invitation_info")]
pub async fn invitation_info(token: String) -> Result<InvitationDetails, AppError> {
    let c = call()?;
    finish(service::invitation_info(&c.ctx, &token, c.now).await, &[])
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
    let c = call()?;
    let form = AccountForm { display_name: &display_name, login: &login, email: &email, password, password_confirm };
    let result = service::accept_invitation(&c.ctx, c.now, &token, form).await;
    let result = result.and_then(|(assembly, s)| signed_in(&c, Ok(s), &format!("/assemblies/{assembly}")));
    finish(result, &[("display_name", &display_name), ("login", &login), ("email", &email)])
}

/// A signed-in person accepting another invitation gets the role on their own account.
#[server(prefix = "/api", endpoint = "join_with_invitation")]
pub async fn join_with_invitation(token: String) -> Result<(), AppError> {
    let c = call()?;
    let result = service::join_with_invitation(&c.ctx, &c.actor, c.now, &token).await;
    finish(result.map(|a| leptos_axum::redirect(&format!("/assemblies/{a}"))), &[])
}

#[server(prefix = "/api", endpoint = "setup_link_valid")]
pub async fn setup_link_valid(token: String) -> Result<bool, AppError> {
    let c = call()?;
    finish(service::setup_link_valid(&c.ctx, &token).await, &[])
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
    let c = call()?;
    let form = AccountForm { display_name: &display_name, login: &login, email: &email, password, password_confirm };
    let result = service::create_first_admin(&c.ctx, c.now, &token, form).await;
    finish(signed_in(&c, result, "/admin"), &[("display_name", &display_name), ("login", &login), ("email", &email)])
}

#[server(prefix = "/api", endpoint = "update_profile")]
pub async fn update_profile(display_name: String, email: String) -> Result<(), AppError> {
    let c = call()?;
    let result = service::update_profile(&c.ctx, &c.actor, c.now, &display_name, &email).await;
    finish(result, &[("display_name", &display_name), ("email", &email)])
}

#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_confirm: String,
) -> Result<(), AppError> {
    let c = call()?;
    let result = service::change_password(&c.ctx, &c.actor, c.now, current_password, password, password_confirm).await;
    finish(result.map(|s| set_session_cookie(&c, s)), &[])
}

#[server(prefix = "/api", endpoint = "list_accounts")]
pub async fn list_accounts() -> Result<Vec<Account>, AppError> {
    let c = call()?;
    finish(service::list_accounts(&c.ctx, &c.actor).await, &[])
}

/// Grants or removes a role. `assembly_id` is ignored for the platform-wide admin role.
#[server(prefix = "/api", endpoint = "set_role")]
pub async fn set_role(
    user_id: UserId,
    assembly_id: Option<AssemblyId>,
    role: String,
    grant: bool,
) -> Result<(), AppError> {
    let c = call()?;
    finish(service::set_role(&c.ctx, &c.actor, c.now, user_id, assembly_id, &role, grant).await, &[])
}

#[server(prefix = "/api", endpoint = "set_disabled")]
pub async fn set_disabled(user_id: UserId, disabled: bool) -> Result<(), AppError> {
    let c = call()?;
    finish(service::set_disabled(&c.ctx, &c.actor, c.now, user_id, disabled).await, &[])
}

/// Where to go after signing in: only a local path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[cfg(feature = "ssr")]
fn set_session_cookie(c: &crate::context::Call, s: super::service::NewSession) {
    crate::context::set_cookie(session::session_cookie(
        s.token,
        c.ctx.config.secure_cookies,
        session::ABSOLUTE_TIMEOUT,
    ));
}

/// A session opened: its cookie, then on to `next`.
#[cfg(feature = "ssr")]
fn signed_in(
    c: &crate::context::Call,
    result: Result<super::service::NewSession, AppError>,
    next: &str,
) -> Result<(), AppError> {
    set_session_cookie(c, result?);
    leptos_axum::redirect(next);
    Ok(())
}

/// The session cookie cleared, and back home.
#[cfg(feature = "ssr")]
fn end_session(c: &crate::context::Call) {
    crate::context::set_cookie(session::session_cookie(String::new(), c.ctx.config.secure_cookies, 0));
    leptos_axum::redirect("/");
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
