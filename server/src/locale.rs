//! The language choice: one cookie for the whole site (`Path=/`), written only by
//! `/lang/{locale}`. Earlier versions let the i18n layer write it on every page without a
//! path, so browsers kept one copy per folder and a stale copy could win; those copies are
//! expired here whenever a browser still sends them.
use axum::extract::{Path, Query, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{header, HeaderValue};
use std::collections::HashMap;

pub const COOKIE: &str = "i18n_pref_locale";

/// The folders under which a browser may hold its own copy of the cookie for `path`: the
/// path itself and each parent but `/` (whose copy is the one to keep).
fn folder_paths(path: &str) -> Vec<&str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/-_.%~".contains(c);
    if !path.chars().all(safe) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut p = path.trim_end_matches('/');
    while !p.is_empty() {
        out.push(p);
        p = &p[..p.rfind('/').unwrap_or(0)];
    }
    out
}

/// A cookie is removed only by naming its exact path; browsers store a folder's copy
/// without a trailing slash (RFC 6265, 5.1.4), other clients sometimes with one.
fn expire_copies(headers: &mut http::HeaderMap, path: &str) {
    for folder in folder_paths(path) {
        for path in [folder.to_owned(), format!("{folder}/")] {
            if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}=; Path={path}; Max-Age=0; SameSite=Lax")) {
                headers.append(header::SET_COOKIE, v);
            }
        }
    }
}

fn copies_sent(req: &Request) -> usize {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter(|pair| pair.trim_start().split('=').next() == Some(COOKIE))
        .count()
}

/// Expires the per-folder copies of the language cookie a browser still sends.
pub async fn clear_folder_copies(req: Request, next: Next) -> Response {
    let path = (copies_sent(&req) > 1).then(|| req.uri().path().to_owned());
    let mut res = next.run(req).await;
    if let Some(path) = path {
        expire_copies(res.headers_mut(), &path);
    }
    res
}

/// `/lang/{fr|en}?next=/path`: remembers the language for the whole site, then goes back.
/// A plain link, so it works without JavaScript.
pub async fn set_language(Path(locale): Path<String>, Query(q): Query<HashMap<String, String>>) -> Response {
    let locale = if locale == "en" { "en" } else { "fr" };
    let next = app::accounts::api::safe_next(q.get("next").map(String::as_str));
    let cookie = format!("{COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
    let mut res = ([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response();
    let next_path = next.split(['?', '#']).next().unwrap_or("/").to_owned();
    expire_copies(res.headers_mut(), &next_path);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_looked_for_in_every_folder_but_the_root() {
        assert_eq!(folder_paths("/objectives/5/history"), ["/objectives/5/history", "/objectives/5", "/objectives"]);
        assert_eq!(folder_paths("/"), Vec::<&str>::new());
        assert_eq!(folder_paths("/a;b"), Vec::<&str>::new(), "nothing that could break the header");
    }
}
