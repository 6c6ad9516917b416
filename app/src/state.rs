//! What every request handler and server function shares: the Leptos options, the
//! database, and the runtime configuration. Built once at start; tests build as many as
//! they like (no global statics).
use crate::db::Db;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

#[derive(Clone, Debug)]
pub struct Config {
    /// Public base URL, without a trailing slash, used in invitation and setup links.
    pub public_url: String,
    /// Whether cookies get the `Secure` attribute (true when `public_url` is https).
    pub secure_cookies: bool,
}

impl Config {
    pub fn new(public_url: &str, secure_cookies: Option<bool>) -> Self {
        let public_url = public_url.trim_end_matches('/').to_owned();
        let secure_cookies = secure_cookies.unwrap_or_else(|| public_url.starts_with("https://"));
        Config { public_url, secure_cookies }
    }
}

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Config,
    /// Live events for sitting pages (in-process, and across instances on PostgreSQL).
    pub events: crate::live::ssr::Events,
}

/// The state, from a server function's or component's context.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        crate::error::AppError::Internal
    })
}
