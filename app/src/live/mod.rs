//! Live updates for sitting pages. An event only says "sitting 12 changed: the queue"; it
//! never carries data, so a page that hears it fetches again through the server functions,
//! which decide what this viewer may see. Events cross server instances on PostgreSQL
//! (LISTEN/NOTIFY); on SQLite there is one instance and they stay in-process.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Sitting,
    Agenda,
    Attendance,
    Queue,
    Vote,
    Comments,
}

/// `sitting: 0` means "every sitting": sent after the listener lost events (reconnection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub sitting: i64,
    pub topic: Topic,
}

/// Bumps `refresh` whenever the server reports a change to `sitting` (0: not known yet), and after each
/// reconnection (events sent while the network was cut are lost, so fetch again). Bursts
/// (forty members voting within a second) are merged into one refresh every 400 ms.
/// Returns whether the live connection is up; without JavaScript it stays false.
pub fn use_live(sitting: Signal<crate::ids::SittingId>, refresh: RwSignal<u64>) -> ReadSignal<bool> {
    let (connected, set_connected) = signal(false);
    #[cfg(feature = "hydrate")]
    browser::connect(sitting, refresh, set_connected);
    #[cfg(not(feature = "hydrate"))]
    let _ = (sitting, refresh, set_connected);
    connected
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::Closure;
    use wasm_bindgen::JsCast;

    pub fn connect(sitting: Signal<crate::ids::SittingId>, refresh: RwSignal<u64>, set_connected: WriteSignal<bool>) {
        // Bumped to open a new stream when the browser gave up on the old one (a proxy
        // answering 502 ends an EventSource for good; a plain network cut does not).
        let attempt = RwSignal::new(0u32);
        // Any connection after the first means events may have been missed: fetch again.
        let ever_opened = Rc::new(Cell::new(false));
        Effect::new(move |_| {
            attempt.track();
            let sitting = sitting.get().0;
            if sitting == 0 {
                return;
            }
            let Ok(source) = web_sys::EventSource::new(&format!("/live/sittings/{sitting}")) else {
                return;
            };
            let bump = merged_refresh(refresh);
            let on_open = {
                let bump = bump.clone();
                let ever_opened = ever_opened.clone();
                Closure::<dyn FnMut()>::new(move || {
                    set_connected.set(true);
                    if ever_opened.replace(true) {
                        bump();
                    }
                })
            };
            let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_: web_sys::MessageEvent| bump());
            // The browser reconnects by itself (the server sets `retry`); show the cut
            // meanwhile, and start over if it stopped trying.
            let on_error = {
                let source = source.clone();
                Closure::<dyn FnMut()>::new(move || {
                    set_connected.set(false);
                    if source.ready_state() == web_sys::EventSource::CLOSED {
                        set_timeout(move || attempt.update(|n| *n += 1), std::time::Duration::from_secs(5));
                    }
                })
            };
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            let kept = StoredValue::new_local((source, on_open, on_message, on_error));
            on_cleanup(move || {
                kept.with_value(|(source, ..)| source.close());
                kept.dispose();
            });
        });
    }

    /// Bumps `refresh` 400 ms after the first call; calls meanwhile join that one bump.
    fn merged_refresh(refresh: RwSignal<u64>) -> impl Fn() + Clone + 'static {
        let pending = Rc::new(Cell::new(false));
        move || {
            if pending.replace(true) {
                return;
            }
            let pending = pending.clone();
            set_timeout(
                move || {
                    pending.set(false);
                    refresh.update(|n| *n += 1);
                },
                std::time::Duration::from_millis(400),
            );
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod store;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::{Backend, Db};
    use std::time::Duration;
    use tokio::sync::broadcast;

    pub const CHANNEL: &str = "concerto_live";

    #[derive(Clone, Debug)]
    pub struct Events {
        tx: broadcast::Sender<LiveEvent>,
    }

    impl Default for Events {
        fn default() -> Self {
            Events { tx: broadcast::channel(1024).0 }
        }
    }

    impl Events {
        pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
            self.tx.subscribe()
        }

        /// Announces a committed change. On PostgreSQL through NOTIFY, which every
        /// instance's listener (this one's included) hands to its own pages.
        pub async fn publish(&self, db: &Db, event: LiveEvent) {
            if db.backend == Backend::Postgres {
                let payload = serde_json::to_string(&event).unwrap_or_default();
                match super::store::notify(db, CHANNEL, &payload).await {
                    Ok(()) => return,
                    Err(e) => tracing::warn!(error = %e, "pg_notify failed; event delivered locally only"),
                }
            }
            // No receiver is not an error: nobody has the page open.
            let _ = self.tx.send(event);
        }

        /// Listens to the other instances' events (PostgreSQL). Returns once listening, so
        /// nothing published after start-up is missed; reconnects by itself afterwards.
        pub async fn listen(&self, url: &str) -> Result<(), sqlx::Error> {
            let mut listener = sqlx::postgres::PgListener::connect(url).await?;
            listener.listen(CHANNEL).await?;
            let tx = self.tx.clone();
            tokio::spawn(async move {
                loop {
                    match listener.try_recv().await {
                        Ok(Some(n)) => match serde_json::from_str::<LiveEvent>(n.payload()) {
                            Ok(event) => {
                                let _ = tx.send(event);
                            }
                            Err(e) => tracing::warn!(error = %e, "unreadable live event"),
                        },
                        // The connection dropped and sqlx reconnected: events may be lost.
                        Ok(None) => {
                            let _ = tx.send(LiveEvent { sitting: 0, topic: Topic::Sitting });
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "live listener error; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            });
            Ok(())
        }
    }
}
