//! The Concerto server: configuration, the axum router and its middleware. Thin by design;
//! everything about the domain lives in the `app` crate.
pub mod config;
pub mod demo;
pub mod live;
pub mod locale;
pub mod routes;
pub mod security;

use app::app::{shell, AppRouter};
use app::context::Ctx;
use app::db::Db;
use app::state::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use config::Settings;
use http::header;
use leptos::prelude::*;
use leptos_axum::LeptosRoutes;
use tower_http::compression::CompressionLayer;

/// Opens the database, applies migrations and builds the shared state.
pub async fn build_state(settings: &Settings) -> anyhow::Result<AppState> {
    let db = Db::connect(&settings.database_url).await?;
    db.migrate().await?;
    let events = app::live::ssr::Events::default();
    if db.backend == app::db::Backend::Postgres {
        events.listen(&settings.database_url).await?;
    }
    Ok(AppState { leptos_options: settings.leptos_options(), db, config: settings.app_config(), events })
}

/// Server functions that check a password or create an account. On top of the per-account
/// lockout, each client address gets a burst of `burst` calls, then one per `period`:
/// password spraying across many accounts from one address is slowed too.
const RATE_LIMITED_FUNCTIONS: [&str; 5] =
    ["login", "accept_invitation", "create_first_admin", "change_password", "join_with_invitation"];

fn rate_limited_routes(
    api_context: impl Fn() + Clone + Send + Sync + 'static,
    burst: u32,
    period: std::time::Duration,
) -> Router<AppState> {
    use tower_governor::governor::GovernorConfigBuilder;
    use tower_governor::GovernorLayer;
    let mut routes = Router::new();
    for name in RATE_LIMITED_FUNCTIONS {
        let api_context = api_context.clone();
        routes = routes.route(
            &format!("/api/{name}"),
            post(move |req| leptos_axum::handle_server_fns_with_context(api_context.clone(), req)),
        );
    }
    let Some(config) =
        (burst > 0).then(|| GovernorConfigBuilder::default().period(period).burst_size(burst).finish()).flatten()
    else {
        return routes;
    };
    let limiter = config.limiter().clone();
    // The limiter keeps one entry per address; forget the idle ones now and then.
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                limiter.retain_recent();
            }
        });
    }
    routes.layer(GovernorLayer::new(config).error_handler(|_| {
        let body =
            serde_json::to_string(&app::error::AppError::User(app::error::ErrorCode::RateLimited)).unwrap_or_default();
        http::Response::builder()
            .status(http::StatusCode::TOO_MANY_REQUESTS)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::RETRY_AFTER, "60")
            .body(axum::body::Body::from(body))
            .unwrap_or_default()
    }))
}

/// Recounts every closed round, prints one line per round, and returns how many differ.
pub async fn recount(state: &AppState) -> anyhow::Result<usize> {
    let reports = app::voting::service::recount(&Ctx::from(state)).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut differing = 0;
    for r in &reports {
        if r.problems.is_empty() {
            println!("round {}: {} ballots, chain intact, result confirmed", r.round, r.ballots);
        } else {
            differing += 1;
            for p in &r.problems {
                println!("round {}: DIFFERENCE: {p}", r.round);
            }
        }
    }
    println!("{} closed round(s) recounted, {differing} with differences", reports.len());
    Ok(differing)
}

/// Closes the rounds whose closing time has passed, every few seconds. Safe with several
/// instances: closing is a conditional update, so only one instance closes a round.
fn spawn_round_closer(state: AppState) {
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                let ctx = Ctx::from(&state);
                if let Err(e) = app::voting::service::close_due_rounds(&ctx, app::db::now()).await {
                    tracing::warn!(error = %e, "closing due rounds failed");
                }
            }
        });
    }
}

/// The page routes, listed once per process. Listing renders the route table with resource
/// loading suppressed by a process-wide flag (leptos_server's `SuppressResourceLoad`); a
/// page of another server in the same process whose resource first polls meanwhile waits
/// forever (leptos-rs/leptos #4773) — the stuck pages seen when a second instance started
/// beside a serving one. Listed once, before any server of the process serves, nothing can
/// render during it. Leptos registers every server function at /api/<name>; the
/// rate-limited ones are left out of that and mounted behind the limiter.
fn page_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| {
            let limited: Vec<String> = RATE_LIMITED_FUNCTIONS.iter().map(|f| format!("/api/{f}")).collect();
            leptos_axum::generate_route_list_with_exclusions(AppRouter, Some(limited))
        })
        .clone()
}

pub fn router(state: AppState, settings: &Settings) -> Router {
    spawn_round_closer(state.clone());
    let routes = page_routes();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            security::record_nonce();
        }
    };
    let api_context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    Router::new()
        .merge(rate_limited_routes(api_context.clone(), settings.auth_burst, settings.auth_period))
        .route("/lang/{locale}", get(locale::set_language))
        .route("/healthz", get(routes::health))
        .route("/admin/assemblies/{id}/import", post(routes::import_members))
        .route("/sittings/{id}/calendar.ics", get(routes::sitting_calendar))
        .route("/rounds/{id}/ballots.json", get(routes::round_ballots))
        .route("/open-data/{assembly}/{file}", get(routes::open_data_file))
        .route("/assemblies/{id}/feed.atom", get(routes::assembly_feed))
        .route("/commitments/{id}/feed.atom", get(routes::commitment_feed))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), attach_session_user))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::refuse_cross_origin))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(locale::clear_folder_copies))
        .layer(CompressionLayer::new())
        // No request may hold a connection forever: a stuck one answers 408 and is logged.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(30),
        ))
        // Event streams stay open: added after the timeout (and compression) layers.
        .route("/live/sittings/{id}", get(live::stream))
        .with_state(state)
}

/// Looks up the signed-in person once per request, before anything runs: pages render
/// their menu and guards synchronously (see `app::layout::CurrentUser`) and server
/// functions hand it to their service as the acting person (`app::context::call`).
async fn attach_session_user(
    State(state): State<AppState>,
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.uri().path().starts_with("/pkg/") {
        let user = match app::accounts::session::token_from_headers(req.headers()) {
            Some(token) => {
                let ctx = app::context::Ctx::from(&state);
                app::accounts::service::user_for_token(&ctx, &token, app::db::now()).await.unwrap_or(None)
            }
            None => None,
        };
        req.extensions_mut().insert(app::context::RequestUser(user));
    }
    next.run(req).await
}

/// When no admin exists, a one-time link to create the first one. The token's hash is
/// stored in the database, so the link works on any instance and dies once used.
pub async fn announce_setup_link(state: &AppState) -> anyhow::Result<Option<String>> {
    let ctx = app::context::Ctx::from(state);
    let token =
        app::accounts::service::new_setup_token(&ctx, app::db::now()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(token.map(|t| format!("{}/setup/{t}", state.config.public_url)))
}
