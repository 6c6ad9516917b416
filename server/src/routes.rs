//! The plain routes beside the Leptos pages and server functions: files for download
//! (calendars, published ballots, open data, feeds) and the members' CSV import. Each
//! builds a context, calls one service and turns the answer — or the `AppError` — into a
//! response.
use app::context::{Ctx, RequestUser};
use app::error::AppError;
use app::guard::{Actor, Role};
use app::open_data::{FeedLang, FeedQuery};
use app::state::AppState;
use axum::extract::{FromRequestParts, Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::request::Parts;
use http::{header, HeaderMap, StatusCode};
use std::str::FromStr;

/// A typed path parameter (`/rounds/{id}` → `RoundId`); anything that does not parse is a
/// page that does not exist (404), not a bad request.
pub struct Id<T>(pub T);

impl<T, S> FromRequestParts<S> for Id<T>
where
    T: FromStr + Send,
    S: Send + Sync,
{
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await.map_err(|_| StatusCode::NOT_FOUND)?;
        raw.parse().map(Id).map_err(|_| StatusCode::NOT_FOUND)
    }
}

fn actor(user: Option<Extension<RequestUser>>) -> Actor {
    Actor::from_user(user.and_then(|Extension(u)| u.0))
}

fn text(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `POST /admin/assemblies/{id}/import` (multipart: `file`, `role`, `valid_days`): one
/// invitation link per accepted row, as a CSV, or the reason in the admin's language.
pub async fn import_members(
    State(state): State<AppState>,
    Id(assembly): Id<app::ids::AssemblyId>,
    user: Option<Extension<RequestUser>>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    use app::assemblies::{import, service};
    let locale = app::i18n_texts::request_locale(&headers);
    let actor = actor(user);
    let result = async {
        // Who asks is checked before the upload is read (and again by the service).
        actor.must_be_admin()?;
        let (data, role, days) = read_import_form(multipart).await?;
        let rows = import::parse_members(&data).map_err(|c| AppError::field("file", c))?;
        let ctx = Ctx::from(&state);
        let done = service::import_members(&ctx, &actor, app::db::now(), assembly, role, days, rows).await?;
        import::report(locale, &done)
    };
    match result.await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"invitations-{assembly}.csv\"")),
            ],
            csv,
        )
            .into_response(),
        Err(err) => text(err.status(), app::i18n_texts::error_text(locale, err.code()).to_owned()),
    }
}

async fn read_import_form(mut multipart: Multipart) -> Result<(Vec<u8>, Role, i64), AppError> {
    use app::error::ErrorCode;
    let (mut data, mut role, mut days) = (None, Role::Member, app::assemblies::INVITATION_DEFAULT_DAYS);
    while let Some(field) =
        multipart.next_field().await.map_err(|_| AppError::field("file", ErrorCode::InvalidFormat))?
    {
        match field.name() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| AppError::field("file", ErrorCode::TooLong))?;
                if bytes.len() > app::assemblies::import::MAX_BYTES {
                    return Err(AppError::field("file", ErrorCode::TooLong));
                }
                data = Some(bytes.to_vec());
            }
            Some("role") => {
                let text = field.text().await.unwrap_or_default();
                role = Role::parse(&text).map_err(|c| AppError::field("role", c))?;
            }
            Some("valid_days") => {
                let text = field.text().await.unwrap_or_default();
                days = app::assemblies::parse_valid_days(&text).map_err(|c| AppError::field("valid_days", c))?;
            }
            _ => {}
        }
    }
    let data = data.filter(|d| !d.is_empty()).ok_or(AppError::field("file", ErrorCode::Required))?;
    Ok((data, role, days))
}

/// A sitting as an iCalendar file (public, like the sitting page).
pub async fn sitting_calendar(
    State(state): State<AppState>,
    Id(id): Id<app::ids::SittingId>,
) -> Result<Response, AppError> {
    let ics = app::sittings::service::calendar(&Ctx::from(&state), id).await?;
    let headers = [
        (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
        (header::CONTENT_DISPOSITION, "attachment; filename=\"seance.ics\""),
    ];
    Ok((headers, ics).into_response())
}

/// A closed round's published record: rules, ballots by receipt hash, result, hash chain.
pub async fn round_ballots(State(state): State<AppState>, Id(id): Id<app::ids::RoundId>) -> Result<Response, AppError> {
    Ok(axum::Json(app::voting::service::export(&Ctx::from(&state), id).await?).into_response())
}

/// An open-data file: `/open-data/{assembly}/{dataset}.csv` or `.json` (see `app::open_data`).
pub async fn open_data_file(
    State(state): State<AppState>,
    axum::extract::Path((assembly, file)): axum::extract::Path<(String, String)>,
) -> Result<Response, AppError> {
    let assembly: app::ids::AssemblyId =
        assembly.parse().map_err(|_| AppError::User(app::error::ErrorCode::NotFound))?;
    let f = app::open_data::service::file(&Ctx::from(&state), app::db::now(), assembly, &file).await?;
    let headers = [
        (header::CONTENT_TYPE, f.content_type.to_owned()),
        (header::CONTENT_DISPOSITION, f.disposition),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*".to_owned()),
    ];
    Ok((headers, f.body).into_response())
}

/// The feed's language: `?lang=` if it names one, else the reader's (cookie, then browser).
fn feed_lang(query: &FeedQuery, headers: &http::HeaderMap) -> FeedLang {
    FeedLang::choose(query.lang.as_deref(), || app::i18n_texts::request_locale(headers))
}

fn atom(lang: FeedLang, xml: String) -> Response {
    let mut response = (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"), (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")],
        xml,
    )
        .into_response();
    if !lang.in_address {
        // Negotiated: caches must keep one copy per language.
        response.headers_mut().insert(header::VARY, http::HeaderValue::from_static("accept-language, cookie"));
    }
    response
}

/// The assembly's decisions and its commitments' progress, as an Atom feed.
pub async fn assembly_feed(
    State(state): State<AppState>,
    Id(id): Id<app::ids::AssemblyId>,
    Query(query): Query<FeedQuery>,
    headers: http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = feed_lang(&query, &headers);
    Ok(atom(lang, app::open_data::service::assembly_feed(&Ctx::from(&state), lang, id).await?))
}

/// A commitment's changes and progress updates, as an Atom feed.
pub async fn commitment_feed(
    State(state): State<AppState>,
    Id(id): Id<app::ids::CommitmentId>,
    Query(query): Query<FeedQuery>,
    headers: http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = feed_lang(&query, &headers);
    Ok(atom(lang, app::open_data::service::commitment_feed(&Ctx::from(&state), lang, id).await?))
}

pub async fn health(State(state): State<AppState>) -> Response {
    match app::db::ping(&state.db).await {
        Ok(()) => "ok".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
