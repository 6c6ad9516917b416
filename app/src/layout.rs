//! The page frame (skip link, header with a menu that follows the user's roles, language
//! switch, footer) and the error pages, which also set the HTTP status when rendered on
//! the server.
#[cfg(feature = "hydrate")]
use crate::accounts::api::get_current_user;
use crate::accounts::api::Logout;
use crate::accounts::{Role, SessionUser};
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::i18n_texts::error_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

/// The signed-in user for this page view. The server reads it before rendering (see
/// `context::RequestUser`) and writes it into the page, so the menu and the page guards render
/// synchronously: no shared resource between Suspense boundaries, whose SSR wake-ups are
/// racy in Leptos 0.8. In the browser it is refreshed after each navigation.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub RwSignal<Option<SessionUser>>);

pub fn use_current_user() -> RwSignal<Option<SessionUser>> {
    expect_context::<CurrentUser>().0
}

const SESSION_ELEMENT: &str = "concerto-session";

#[cfg(feature = "ssr")]
fn initial_user() -> Option<SessionUser> {
    crate::context::request_user()
}

#[cfg(not(feature = "ssr"))]
fn initial_user() -> Option<SessionUser> {
    document()
        .get_element_by_id(SESSION_ELEMENT)
        .and_then(|e| e.get_attribute("data-user"))
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .flatten()
}

/// Asks the server again who is signed in (browser only; the server always knows).
pub fn refresh_current_user() {
    #[cfg(feature = "hydrate")]
    {
        let user = use_current_user();
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = get_current_user().await {
                if user.get_untracked() != fresh {
                    user.set(fresh);
                }
            }
        });
    }
}

/// The frame around every routed page.
#[component]
pub fn Layout() -> impl IntoView {
    view! { <Frame><Outlet /></Frame> }
}

#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let initial = initial_user();
    let bootstrap = serde_json::to_string(&initial).unwrap_or_else(|_| "null".into());
    let user = RwSignal::new(initial);
    provide_context(CurrentUser(user));
    let posted = crate::forms::PostedFeedback::from_request();
    let posted_json = posted.0.is_some().then(|| serde_json::to_string(&posted).unwrap_or_default());
    provide_context(posted);
    // After a client-side navigation (sign-in, invitation accepted...), ask again.
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            refresh_current_user();
        }
        path
    });
    // Browser tests wait for this mark before they act as a JavaScript user.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <div id=SESSION_ELEMENT hidden data-user=bootstrap></div>
        {posted_json.map(|json| view! { <div id=crate::forms::FEEDBACK_ELEMENT hidden data-feedback=json></div> })}
        <a class="skip-link" href="#main">{t!(i18n, nav.skip)}</a>
        <Header />
        <main id="main" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <p>{t!(i18n, footer.about)}</p>
            <p><A href="/open-data">{t!(i18n, footer.open_data)}</A></p>
        </footer>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |previous: Option<usize>| {
        let version = logout.version().get();
        if previous.is_some_and(|p| p != version) {
            refresh_current_user();
        }
        version
    });
    let menu = move || match user.get() {
        Some(u) => {
            let admin = u.has_any_role(Role::Admin);
            view! {
                <li><A href="/profile">{t!(i18n, nav.profile)}</A></li>
                <li><A href="/notifications">{t!(i18n, nav.notifications)}
                    {(u.unread > 0).then(|| view! { " "<span class="count">{u.unread}</span><span class="visually-hidden">{t!(i18n, nav.unread)}</span> })}
                </A></li>
                {admin.then(|| view! { <li><A href="/admin">{t!(i18n, nav.admin)}</A></li> })}
                <li>
                    <ActionForm action=logout attr:class="inline-form">
                        <button type="submit" class="link-button">{t!(i18n, nav.logout)}</button>
                    </ActionForm>
                </li>
            }
            .into_any()
        }
        None => view! { <li><A href="/login">{t!(i18n, nav.login)}</A></li> }.into_any(),
    };
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-name">"Concerto"</span>
                <span class="brand-tagline">{t!(i18n, nav.tagline)}</span>
            </A>
            <nav aria-label=move || t_string!(i18n, nav.main_label).to_string()>
                <ul class="menu">
                    <li><A href="/">{t!(i18n, nav.home)}</A></li>
                    {menu}
                </ul>
            </nav>
            <LangSwitch />
        </header>
    }
}

/// Plain links to a server route that stores the choice in a cookie: works without
/// JavaScript and survives reloads.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let query = location.search.get();
        let target = if query.is_empty() { path } else { format!("{path}?{query}") };
        form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
    };
    let current = move || i18n.get_locale();
    view! {
        <nav class="lang-switch" aria-label=move || t_string!(i18n, nav.language).to_string()>
            <a href=move || format!("/lang/fr?next={}", next()) rel="external" hreflang="fr" lang="fr"
                aria-current=move || (current() == Locale::fr).then_some("true")>"Français"</a>
            <a href=move || format!("/lang/en?next={}", next()) rel="external" hreflang="en" lang="en"
                aria-current=move || (current() == Locale::en).then_some("true")>"English"</a>
        </nav>
    }
}

/// Sets the HTTP status of the page being rendered on the server (no-op in the browser).
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(code)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(_code)) {
        res.set_status(code);
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), errors.not_found_title).to_string() />
        <section class="error-page">
            <h1>{t!(i18n, errors.not_found_title)}</h1>
            <p>{t!(i18n, errors.not_found_body)}</p>
            <p><A href="/">{t!(i18n, errors.back_home)}</A></p>
        </section>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    set_status(403);
    let i18n = use_i18n();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), errors.forbidden_title).to_string() />
        <section class="error-page">
            <h1>{t!(i18n, errors.forbidden_title)}</h1>
            <p>{t!(i18n, errors.forbidden_body)}</p>
            <p><A href="/">{t!(i18n, errors.back_home)}</A></p>
        </section>
    }
}

#[component]
pub fn SignInRequired() -> impl IntoView {
    set_status(401);
    let i18n = use_i18n();
    let location = use_location();
    let href = move || {
        format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(location.pathname.get().as_bytes()).collect::<String>()
        )
    };
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), errors.sign_in_title).to_string() />
        <section class="error-page">
            <h1>{t!(i18n, errors.sign_in_title)}</h1>
            <p>{t!(i18n, errors.sign_in_body)}</p>
            <p><a href=href class="button">{t!(i18n, nav.login)}</a></p>
        </section>
    }
}

/// A page's data: its view once loaded, or the error page (which sets the HTTP status).
/// One resource under one boundary: Leptos 0.8 can leave a server-rendered page unfinished
/// when a resource is read under two. A `live` page (refreshed at every event of its
/// sitting) keeps showing its previous view while the data loads again, rather than going
/// blank many times a minute; other pages show their new view only once it is whole.
#[component]
pub fn Loaded<T, F, V>(data: Resource<Result<T, AppError>>, render: F, #[prop(optional)] live: bool) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let content = move || {
        let render = render.clone();
        Suspend::new(async move {
            match data.await {
                Err(e) => view! { <ErrorPage error=e /> }.into_any(),
                Ok(value) => render(value).into_any(),
            }
        })
    };
    if live {
        view! { <Transition fallback=|| ()>{content}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback=|| ()>{content}</Suspense> }.into_any()
    }
}

/// The page for an error that stops a whole page from showing.
#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    match error.code() {
        ErrorCode::Forbidden => view! { <Forbidden /> }.into_any(),
        ErrorCode::NotFound => view! { <NotFound /> }.into_any(),
        ErrorCode::Unauthenticated => view! { <SignInRequired /> }.into_any(),
        code => {
            set_status(if code == ErrorCode::Internal { 500 } else { 400 });
            view! {
                <section class="error-page">
                    <h1>{t!(i18n, errors.generic_title)}</h1>
                    <p>{move || error_text(i18n.get_locale(), code)}</p>
                </section>
            }
            .into_any()
        }
    }
}

/// Renders `view` with the signed-in user when they pass `allowed`, else the right error
/// page. The server functions behind the page check again: this only shapes the page.
pub fn guarded<V: IntoView + 'static>(
    allowed: fn(&SessionUser) -> bool,
    view: impl Fn(SessionUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let user = use_current_user();
    move || match user.get() {
        Some(u) if allowed(&u) => view(u).into_any(),
        Some(_) => view! { <Forbidden /> }.into_any(),
        None => view! { <SignInRequired /> }.into_any(),
    }
}

#[component]
pub fn AdminHome() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |u| u.is_admin,
        move |_| {
            view! {
                <Title text=td_string!(i18n.get_locale_untracked(), admin.title).to_string() />
                <h1>{t!(i18n, admin.title)}</h1>
                <ul class="card-list">
                    <li class="card"><A href="/admin/assemblies">{t!(i18n, admin.assemblies)}</A><p>{t!(i18n, admin.assemblies_hint)}</p></li>
                    <li class="card"><A href="/admin/accounts">{t!(i18n, admin.accounts)}</A><p>{t!(i18n, admin.accounts_hint)}</p></li>
                    <li class="card"><A href="/admin/audit">{t!(i18n, admin.audit)}</A><p>{t!(i18n, admin.audit_hint)}</p></li>
                </ul>
            }
        },
    )
}
