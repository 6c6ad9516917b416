//! The HTML shell and the route table. Every route renders in `SsrMode::Async` so that a
//! page's HTTP status (403, 404) is known before the first byte is sent.
use crate::accounts::pages::AdminAccountsPage;
use crate::accounts::pages::{AcceptInvitationPage, LoginPage, ProfilePage, SetupPage};
use crate::assemblies::pages::{AdminAssembliesPage, AdminAssemblyPage, AssemblyPage, HomePage};
use crate::audit::pages::AuditPage;
use crate::commitments::pages::{CommitmentPage, NotificationsPage, OutcomesPage};
use crate::i18n::*;
use crate::layout::{AdminHome, Frame, Layout, NotFound};
use crate::moderation::pages::ModerationPage;
use crate::objectives::pages::{EditObjectivePage, HistoryPage, NewObjectivePage, ObjectivePage};
use crate::open_data::pages::OpenDataPage;
use crate::sittings::pages::{SittingPage, SittingScreenPage, SittingsPage};
use crate::voting::pages::RoundPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The page title. leptos_meta writes it into the server-rendered `<title>` without
/// escaping, so a user-chosen name such as `</title><script>…` would become markup: escape
/// it there (entities are decoded inside `<title>`); the browser sets `document.title` as
/// plain text.
fn title_text(text: String) -> String {
    let full = if text.is_empty() { "Concerto".to_owned() } else { format!("{text} · Concerto") };
    if cfg!(feature = "ssr") {
        full.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        full
    }
}

/// The language cookie is written in one place only, `/lang/{locale}` on the server, with
/// `Path=/`. Left to itself, the i18n layer would write it on every page with no path, so a
/// browser would keep one copy per folder and a stale one could win.
fn locale_cookie() -> leptos_i18n::context::CookieOptions<Locale> {
    leptos_i18n::context::CookieOptions::<Locale>::default().readonly(true).path("/")
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider cookie_options=locale_cookie()>
            <Stylesheet id="leptos" href="/pkg/concerto.css" />
            <Title formatter=title_text />
            <AppRouter />
        </I18nContextProvider>
    }
}

/// The route table. The server lists routes from this component alone at start-up: that
/// throwaway render must not create the i18n context, whose server-side effect could run
/// after the render is disposed and panic ("reactive value … already disposed").
#[component]
pub fn AppRouter() -> impl IntoView {
    view! {
            <Router>
                <Routes fallback=|| view! { <Frame><NotFound /></Frame> }>
                    <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                        <Route path=path!("") view=HomePage />
                        <Route path=path!("login") view=LoginPage />
                        <Route path=path!("profile") view=ProfilePage />
                        <Route path=path!("invitation/:token") view=AcceptInvitationPage />
                        <Route path=path!("setup/:token") view=SetupPage />
                        <Route path=path!("assemblies/:id") view=AssemblyPage />
                        <Route path=path!("assemblies/:id/objectives/new") view=NewObjectivePage />
                        <Route path=path!("assemblies/:id/moderation") view=ModerationPage />
                        <Route path=path!("objectives/:id") view=ObjectivePage />
                        <Route path=path!("objectives/:id/edit") view=EditObjectivePage />
                        <Route path=path!("objectives/:id/history") view=HistoryPage />
                        <Route path=path!("assemblies/:id/sittings") view=SittingsPage />
                        <Route path=path!("sittings/:id") view=SittingPage />
                        <Route path=path!("sittings/:id/screen") view=SittingScreenPage />
                        <Route path=path!("rounds/:id") view=RoundPage />
                        <Route path=path!("assemblies/:id/outcomes") view=OutcomesPage />
                        <Route path=path!("commitments/:id") view=CommitmentPage />
                        <Route path=path!("notifications") view=NotificationsPage />
                        <Route path=path!("open-data") view=OpenDataPage />
                        <Route path=path!("admin") view=AdminHome />
                        <Route path=path!("admin/assemblies") view=AdminAssembliesPage />
                        <Route path=path!("admin/assemblies/:id") view=AdminAssemblyPage />
                        <Route path=path!("admin/accounts") view=AdminAccountsPage />
                        <Route path=path!("admin/audit") view=AuditPage />
                    </ParentRoute>
                </Routes>
            </Router>
    }
}
