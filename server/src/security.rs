//! Security middleware: response headers (CSP with a per-response nonce, nosniff,
//! referrer policy, no framing) and refusal of state-changing requests from other origins.
use app::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, Method, StatusCode};
use std::sync::{Arc, OnceLock};

/// The policy for HTML pages: scripts only from us or carrying this response's nonce
/// (Leptos' hydration script), WebAssembly allowed, no inline styles, no framing.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// For an HTML page whose renderer left no nonce (it should not happen; logged): styles and
/// our own files still load, inline scripts do not.
const PAGE_CSP_WITHOUT_NONCE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// For everything that is not a rendered page.
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Where the page renderer leaves the nonce Leptos made for a response, so that the
/// middleware that builds the response headers can put it in the policy. Inserted into
/// every request by `headers`; filled by `record_nonce` in the rendering context.
#[derive(Clone, Default)]
pub struct NonceSlot(Arc<OnceLock<String>>);

/// Called in the rendering context of every page (the `context` closure handed to Leptos).
pub fn record_nonce() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(parts)) = (leptos::nonce::use_nonce(), use_context::<http::request::Parts>()) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<NonceSlot>() {
        let _ = slot.0.set(nonce.to_string());
    }
}

/// Security headers on every response. The policy is decided here, from what the response
/// is: an HTML page gets the page policy with its nonce, anything else the strict one.
pub async fn headers(mut req: Request, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/pkg/");
    let slot = NonceSlot::default();
    req.extensions_mut().insert(slot.clone());
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = match (is_html, slot.0.get()) {
        (true, Some(nonce)) => HeaderValue::from_str(&page_csp(nonce)).ok(),
        (true, None) => {
            tracing::warn!(%path, "an HTML response without a rendering nonce");
            Some(HeaderValue::from_static(PAGE_CSP_WITHOUT_NONCE))
        }
        (false, _) if is_static => Some(HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'")),
        (false, _) => Some(HeaderValue::from_static(DEFAULT_CSP)),
    };
    let h = res.headers_mut();
    if let Some(csp) = csp {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
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
