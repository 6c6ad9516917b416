//! Concerto: a platform where a citizen assembly proposes, discusses and votes on
//! objectives, and where staff publish and track the adopted ones. One library, two
//! builds: `ssr` (linked into the server) and `hydrate` (the WASM that runs in browsers).
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

#[macro_use]
pub mod text;

pub mod accounts;
pub mod app;
pub mod assemblies;
pub mod audit;
pub mod commitments;
#[cfg(feature = "ssr")]
pub mod context;
#[cfg(feature = "ssr")]
pub mod db;
pub mod discussion;
pub mod error;
pub mod forms;
pub mod guard;
pub mod i18n_texts;
pub mod ids;
pub mod layout;
pub mod live;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod moderation;
pub mod objectives;
pub mod open_data;
#[cfg(feature = "ssr")]
pub mod search;
pub mod sittings;
#[cfg(feature = "ssr")]
pub mod state;
pub mod voting;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
