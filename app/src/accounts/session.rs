//! Secrets (server only): session tokens, their cookie, password hashing. A session is a
//! random 256-bit token in an HttpOnly cookie; the database keeps only its SHA-256, so a
//! leaked table opens no session. Passwords are hashed with Argon2id on the blocking pool.
use super::PASSWORD_MAX;
use crate::error::{AppError, ErrorCode};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use cookie::{Cookie, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const COOKIE_NAME: &str = "concerto_session";
/// A session unused for this long ends.
pub const IDLE_TIMEOUT: i64 = 7 * 24 * 3600;
/// A session ends this long after login whatever its use.
pub const ABSOLUTE_TIMEOUT: i64 = 30 * 24 * 3600;
/// `last_seen_at` is refreshed at most this often, to spare a write on every request.
pub const TOUCH_EVERY: i64 = 60;

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

/// The session token from the request's cookie, if any.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    crate::context::cookie_from_headers(headers, COOKIE_NAME)
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
