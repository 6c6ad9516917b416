//! What a use case runs with, handed to it explicitly: the context (`Ctx`: the database, the
//! live-event bus, the configuration), the acting person (`guard::Actor`) and the time.
//! Server functions build these from the request (`call`) and pass them to one service;
//! the command line, the demo loader, background jobs and tests build their own.
use crate::db::Db;
use crate::error::AppError;
use crate::guard::{Actor, SessionUser};
use crate::ids::{ObjectiveId, SittingId};
use crate::live::ssr::Events;
use crate::live::{LiveEvent, Topic};
use crate::state::{AppState, Config};

pub use crate::db::Tx;

/// The shared resources a service may use.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub db: Db,
    pub events: Events,
    pub config: Config,
}

impl From<&AppState> for Ctx {
    fn from(state: &AppState) -> Self {
        Ctx { db: state.db.clone(), events: state.events.clone(), config: state.config.clone() }
    }
}

impl Ctx {
    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that read first and wrote later would fail with
    /// "database is locked" when another writer committed in between, instead of waiting.
    /// Rules are checked inside it, after this lock (and the row locks it takes).
    pub async fn begin(&self) -> Result<Tx<'static>, AppError> {
        Ok(match self.db.backend {
            crate::db::Backend::Sqlite => self.db.pool.begin_with("BEGIN IMMEDIATE").await?,
            crate::db::Backend::Postgres => self.db.pool.begin().await?,
        })
    }

    /// A transaction that only reads (a consistent view, no write lock).
    pub async fn begin_read(&self) -> Result<Tx<'static>, AppError> {
        Ok(self.db.pool.begin().await?)
    }
}

impl Ctx {
    /// Tells the live pages of `sitting` that `topic` changed. Best effort, like every
    /// announcement: the change is committed, and a page that misses the event still shows
    /// it at its next refresh.
    pub async fn announce(&self, sitting: SittingId, topic: Topic) {
        self.events.publish(&self.db, LiveEvent { sitting: sitting.0, topic }).await;
    }

    /// Tells the pages of the sittings discussing `objective` right now that `topic` changed.
    pub async fn announce_objective(&self, objective: ObjectiveId, topic: Topic) {
        for sitting in crate::live::store::sittings_showing(&self.db, objective).await.unwrap_or_default() {
            self.announce(sitting, topic).await;
        }
    }
}

/// Request extension: the signed-in person, looked up once per request by the server's
/// session middleware before anything runs.
#[derive(Clone, Debug)]
pub struct RequestUser(pub Option<SessionUser>);

/// One server-function call: the context, who is calling, and the time of the call.
pub struct Call {
    pub ctx: Ctx,
    pub actor: Actor,
    pub now: i64,
}

/// The call being served, from the Leptos request context.
pub fn call() -> Result<Call, AppError> {
    let state = crate::state::app_state()?;
    Ok(Call { ctx: Ctx::from(&state), actor: Actor::from_user(request_user()), now: crate::db::now() })
}

/// The signed-in person of the request being served (`None` outside a request).
pub fn request_user() -> Option<SessionUser> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<RequestUser>().cloned())
        .and_then(|u| u.0)
}

/// The value of the request's cookie `name`, if any.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    cookie_from_headers(&parts.headers, name)
}

/// The value of cookie `name` in `headers`, if any.
pub fn cookie_from_headers(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| cookie::Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Adds `Set-Cookie: cookie` to the response being built (no-op outside a request).
pub fn set_cookie(cookie: cookie::Cookie<'static>) {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(value) = http::HeaderValue::from_str(&cookie.to_string()) {
            res.append_header(http::header::SET_COOKIE, value);
        }
    }
}
