//! Sessions and secrets (server only). A session is a random 256-bit token in an HttpOnly
//! cookie; the database keeps only its SHA-256, so a leaked table opens no session.
//! Passwords are hashed with Argon2id on the blocking pool.
use super::{SessionUser, PASSWORD_MAX};
use crate::db::{now, Db};
use crate::error::{AppError, ErrorCode};
use crate::ids::UserId;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use cookie::{Cookie, SameSite};
use http::header::{COOKIE, SET_COOKIE};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "concerto_session";
/// A session unused for this long ends.
pub const IDLE_TIMEOUT: i64 = 7 * 24 * 3600;
/// A session ends this long after login whatever its use.
pub const ABSOLUTE_TIMEOUT: i64 = 30 * 24 * 3600;
/// `last_seen_at` is refreshed at most this often, to spare a write on every request.
const TOUCH_EVERY: i64 = 60;

/// A fresh URL-safe random token (256 bits).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|e| internal("argon2 task", e))?
    .map_err(|e| internal("argon2 hash", e))
}

/// Verifies `password` against `hash`. With no hash (unknown login) it still spends the
/// same time, so response times do not reveal which logins exist.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let dummy;
        let stored = match &hash {
            Some(h) => h.as_str(),
            None => {
                dummy = Argon2::default()
                    .hash_password(b"timing equaliser", &SaltString::generate(&mut OsRng))
                    .map(|h| h.to_string())
                    .unwrap_or_default();
                dummy.as_str()
            }
        };
        let ok = PasswordHash::new(stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && hash.is_some()
    })
    .await
    .map_err(|e| internal("argon2 task", e))
}

/// Rejects common and easily guessed passwords (zxcvbn's dictionaries of leaked passwords,
/// names, keyboard patterns and repeats), with the person's own names as extra words.
pub fn reject_weak_password(password: &str, user_inputs: &[&str]) -> Result<(), ErrorCode> {
    if password.chars().count() > PASSWORD_MAX {
        return Err(ErrorCode::TooLong);
    }
    // Names count whole, squeezed ("mariedupont") and word by word.
    let mut words: Vec<String> = Vec::new();
    for input in user_inputs {
        let lower = input.to_lowercase();
        words.push(lower.chars().filter(|c| c.is_alphanumeric()).collect());
        words.extend(lower.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() >= 3).map(str::to_owned));
        words.push(lower);
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let entropy = zxcvbn::zxcvbn(password, &words);
    if (entropy.score() as u8) < 3 {
        return Err(ErrorCode::PasswordTooCommon);
    }
    Ok(())
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "{what} failed");
    AppError::Internal
}

pub fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The session token from the request's cookie, if any.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    cookie_from_headers(headers, COOKIE_NAME)
}

/// The value of the request's cookie `name`, if any.
pub fn cookie_from_headers(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Who is calling, looked up on every request so that a role change or a disabled account
/// takes effect on the very next one.
pub async fn current_user(db: &Db) -> Result<Option<SessionUser>, AppError> {
    let Some(token) = request_parts().and_then(|p| token_from_headers(&p.headers)) else {
        return Ok(None);
    };
    user_for_token(db, &token).await
}

pub async fn user_for_token(db: &Db, token: &str) -> Result<Option<SessionUser>, AppError> {
    let now = now();
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "select s.id, s.user_id, s.last_seen_at from sessions s join users u on u.id = s.user_id \
         where s.token_hash = $1 and s.expires_at > $2 and s.last_seen_at > $3 and u.disabled = 0",
    )
    .bind(hash_token(token))
    .bind(now)
    .bind(now - IDLE_TIMEOUT)
    .fetch_optional(&db.pool)
    .await?;
    let Some((session_id, user_id, last_seen)) = row else { return Ok(None) };
    if now - last_seen > TOUCH_EVERY {
        sqlx::query("update sessions set last_seen_at = $1 where id = $2")
            .bind(now)
            .bind(session_id)
            .execute(&db.pool)
            .await?;
    }
    super::db::session_user(db, UserId(user_id)).await
}

/// Creates a session for `user` and sets its cookie on the response. Always a new token,
/// so a token planted before login is worthless after it.
pub async fn start_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user: UserId,
    secure: bool,
) -> Result<(), AppError> {
    let token = new_token();
    let now = now();
    sqlx::query(
        "insert into sessions (token_hash, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)",
    )
    .bind(hash_token(&token))
    .bind(user.0)
    .bind(now)
    .bind(now + ABSOLUTE_TIMEOUT)
    .execute(&mut **tx)
    .await?;
    set_cookie(session_cookie(token, secure, ABSOLUTE_TIMEOUT));
    Ok(())
}

/// Ends the caller's session on the server (audited) and clears the cookie.
pub async fn end_session(db: &Db, secure: bool) -> Result<(), AppError> {
    if let Some(token) = request_parts().and_then(|p| token_from_headers(&p.headers)) {
        let mut tx = db.pool.begin().await?;
        let ended: Option<(i64,)> = sqlx::query_as("delete from sessions where token_hash = $1 returning user_id")
            .bind(hash_token(&token))
            .fetch_optional(&mut *tx)
            .await?;
        if let Some((user,)) = ended {
            crate::audit::ssr::record(
                &mut tx,
                crate::audit::ssr::Event {
                    actor: Some(UserId(user)),
                    assembly: None,
                    action: "account.logout",
                    target_type: "user",
                    target_id: Some(user),
                    details: serde_json::json!({}),
                },
            )
            .await?;
        }
        tx.commit().await?;
    }
    set_cookie(session_cookie(String::new(), secure, 0));
    Ok(())
}

pub fn session_cookie(value: String, secure: bool, max_age: i64) -> Cookie<'static> {
    Cookie::build((COOKIE_NAME, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age))
        .build()
}

pub fn set_cookie(cookie: Cookie<'static>) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie.to_string()) {
            res.append_header(SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_only_their_hash_is_kept() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), hash_token(&b));
        assert!(!hash_token(&a).contains(&a));
    }

    #[test]
    fn common_passwords_are_rejected_and_passphrases_accepted() {
        for weak in ["motdepasse123", "azertyuiop123", "password1234", "aaaaaaaaaaaa", "123456789012"] {
            assert_eq!(reject_weak_password(weak, &[]), Err(ErrorCode::PasswordTooCommon), "{weak}");
        }
        assert_eq!(
            reject_weak_password("MarieDupont2024", &["Marie Dupont", "marie.dupont"]),
            Err(ErrorCode::PasswordTooCommon)
        );
        assert_eq!(reject_weak_password("la mairie ouvre le samedi matin", &[]), Ok(()));
    }

    #[tokio::test]
    async fn argon2id_hashes_verify_only_the_right_password() {
        let hash = hash_password("correct horse battery".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await.expect("verify"));
        assert!(!verify_password("wrong horse battery".into(), Some(hash)).await.expect("verify"));
        assert!(!verify_password("anything".into(), None).await.expect("verify"));
    }

    #[test]
    fn session_cookie_is_http_only_and_same_site() {
        let c = session_cookie("t".into(), true, 60).to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"), "{c}");
        assert!(!session_cookie("t".into(), false, 60).to_string().contains("Secure"));
    }
}
