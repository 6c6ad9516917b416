//! Security middleware: response headers (CSP with a per-response nonce, nosniff,
//! referrer policy, no framing) and refusal of state-changing requests from other origins.
use app::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};

/// The policy for HTML pages: scripts only from us or carrying this response's nonce
/// (Leptos' hydration script), WebAssembly allowed, no inline styles, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// For everything that is not a rendered page.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Called in the rendering context of every page: Leptos made a nonce for this response.
pub fn provide_csp_header() {
    use leptos::prelude::use_context;
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce)) {
            res.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

pub async fn headers(req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let csp = if is_static { "default-src 'self'; frame-ancestors 'none'" } else { DEFAULT_CSP };
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    res
}

/// Refuses state-changing requests that a browser marks as coming from another site. With
/// SameSite cookies this closes cross-site request forgery even for no-JavaScript forms.
pub async fn refuse_cross_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let same_origin = match origin {
        None | Some("null") if fetch_site.is_none() => origin.is_none(),
        None => !matches!(fetch_site, Some("cross-site" | "same-site")),
        Some(o) => {
            let o = o.trim_end_matches('/');
            o == state.config.public_url || host.is_some_and(|h| o.split_once("://").is_some_and(|(_, rest)| rest == h))
        }
    };
    if same_origin && fetch_site != Some("cross-site") {
        next.run(req).await
    } else {
        tracing::warn!(?origin, ?fetch_site, "refused a cross-origin state change");
        (StatusCode::FORBIDDEN, "cross-origin request refused").into_response()
    }
}
