//! `GET /live/sittings/{id}`: the server-sent event stream of one sitting's pages (see
//! `app::live`). Mounted outside the request time limit, since a stream stays open.
use app::state::AppState;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use std::time::Duration;
use tokio::sync::broadcast;

/// `GET /live/sittings/{id}`: the event stream for one sitting's pages. Public: events
/// carry no data.
pub async fn stream(
    State(state): State<AppState>,
    Path(sitting): Path<i64>,
) -> Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>> {
    let rx = state.events.subscribe();
    let stream = futures::stream::unfold(rx, move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(e) if e.sitting == sitting || e.sitting == 0 => {
                    let data = serde_json::to_string(&e.topic).unwrap_or_default();
                    return Some((Ok(Event::default().data(data).retry(Duration::from_secs(2))), rx));
                }
                Ok(_) => continue,
                // Too slow a reader: say "everything changed" rather than lose updates.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    return Some((Ok(Event::default().data("\"sitting\"")), rx));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
