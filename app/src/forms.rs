//! Form plumbing shared by every page: the feedback a form shows after a failed submit
//! (with or without JavaScript) and the labelled, accessible field that displays it.
use crate::error::AppError;
use crate::i18n::*;
use crate::i18n_texts::error_text;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Query parameter carrying feedback to a form after a no-JavaScript post.
pub const FEEDBACK_PARAM: &str = "feedback";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub error: AppError,
    /// What the user typed, minus secrets, so the form can be shown again filled in.
    pub values: BTreeMap<String, String>,
}

impl Feedback {
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.get(field).cloned()
    }
}

/// `referer` saying that the form posted to `endpoint` succeeded (`done=<endpoint>`).
pub fn done_url(referer: &str, endpoint: &str) -> String {
    with_param(referer, "done", endpoint)
}

/// `url` without any earlier feedback or confirmation, plus `name=value`.
fn with_param(url: &str, name: &str, value: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let kept = form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != FEEDBACK_PARAM && k != "done");
    let mut out = form_urlencoded::Serializer::new(String::new());
    out.extend_pairs(kept);
    out.append_pair(name, value);
    format!("{base}?{}", out.finish())
}

/// The feedback a plain form post brought back, as the server verified it: the raw value of
/// the `feedback` query parameter it came in, and what it says. Provided by the page frame;
/// in the browser it is read back from the page (see `FEEDBACK_ELEMENT`), never from the
/// URL alone, so a crafted link cannot plant values or messages in anyone's form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PostedFeedback(pub Option<(String, Feedback)>);

/// Hidden element where the server writes the verified feedback for hydration.
pub const FEEDBACK_ELEMENT: &str = "concerto-feedback";

impl PostedFeedback {
    /// On the server: the URL's feedback, if it carries this browser's seal.
    #[cfg(feature = "ssr")]
    pub fn from_request() -> Self {
        let Some(parts) = use_context::<http::request::Parts>() else { return PostedFeedback(None) };
        let raw = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(k, _)| k == FEEDBACK_PARAM)
            .map(|(_, v)| v.into_owned());
        PostedFeedback(raw.and_then(|raw| {
            let key = seal::browser_key(&parts.headers)?;
            seal::open(&key, &raw).map(|f| (raw, f))
        }))
    }

    /// In the browser: what the server wrote into the page it rendered.
    #[cfg(not(feature = "ssr"))]
    pub fn from_request() -> Self {
        document()
            .get_element_by_id(FEEDBACK_ELEMENT)
            .and_then(|e| e.get_attribute("data-feedback"))
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default()
    }
}

/// Seals the feedback of a plain form post to the browser that sent it: an HMAC-SHA256
/// keyed by a random per-browser key kept in an HttpOnly cookie. Only that browser's
/// requests carry the key, so only it sees the values again; a link made by anyone else
/// shows an empty form.
#[cfg(feature = "ssr")]
pub mod seal {
    use super::Feedback;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    pub const KEY_COOKIE: &str = "concerto_form_key";

    pub fn browser_key(headers: &http::HeaderMap) -> Option<String> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(cookie::Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == KEY_COOKIE && c.value().len() >= 32)
            .map(|c| c.value().to_owned())
    }

    fn mac(key: &str, json: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(json.as_bytes());
        mac
    }

    /// `<signature>.<json>`: the value of the `feedback` query parameter.
    pub fn seal(key: &str, feedback: &Feedback) -> String {
        let json = serde_json::to_string(feedback).unwrap_or_default();
        format!("{}.{json}", URL_SAFE_NO_PAD.encode(mac(key, &json).finalize().into_bytes()))
    }

    pub fn open(key: &str, raw: &str) -> Option<Feedback> {
        let (signature, json) = raw.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        mac(key, json).verify_slice(&signature).ok()?;
        serde_json::from_str(json).ok()
    }

    /// The cookie holding a browser's key: a day long, sent back to this site only.
    pub fn key_cookie(key: String, secure: bool) -> cookie::Cookie<'static> {
        cookie::Cookie::build((KEY_COOKIE, key))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .secure(secure)
            .max_age(cookie::time::Duration::days(1))
            .build()
    }

    /// `referer` with its feedback parameter replaced by `feedback`, sealed for the browser
    /// whose request headers are `headers`; gives it a key first if it has none.
    pub fn feedback_url(referer: &str, headers: &http::HeaderMap, feedback: &Feedback, secure: bool) -> String {
        let key = browser_key(headers).unwrap_or_else(|| {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let key = URL_SAFE_NO_PAD.encode(bytes);
            let cookie = key_cookie(key.clone(), secure).to_string();
            if let (Some(res), Ok(value)) =
                (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&cookie))
            {
                res.append_header(http::header::SET_COOKIE, value);
            }
            key
        });
        super::with_param(referer, super::FEEDBACK_PARAM, &seal(&key, feedback))
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::error::{AppError, ErrorCode};

        fn feedback() -> Feedback {
            Feedback {
                error: AppError::field("title", ErrorCode::TooShort),
                values: [("title".to_owned(), "</textarea><b>".to_owned())].into(),
            }
        }

        #[test]
        fn sealed_feedback_opens_only_with_the_same_browser_key() {
            let (mine, theirs) = ("k".repeat(43), "z".repeat(43));
            let sealed = seal(&mine, &feedback());
            assert_eq!(open(&mine, &sealed), Some(feedback()));
            assert_eq!(open(&theirs, &sealed), None);
            let json = serde_json::to_string(&feedback()).expect("json");
            assert_eq!(open(&mine, &json), None, "unsigned feedback is refused");
            let forged = sealed.replace("textarea", "textareb");
            assert_eq!(open(&mine, &forged), None, "a changed value breaks the seal");
        }
    }
}

/// Ends every server function: sets the HTTP status of an error and, for a plain HTML
/// form post (no JavaScript), sends the browser back to the form with the error and the
/// non-secret values it typed, so the page can show both.
#[cfg(feature = "ssr")]
pub fn finish<T>(result: Result<T, AppError>, echo: &[(&str, &str)]) -> Result<T, AppError> {
    use http::{header, Method};
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return result };
    let plain_form_post = parts.method == Method::POST
        && parts.uri.path().starts_with("/api/")
        && parts.headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let referer = parts.headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let Err(err) = &result else {
        // Success without JavaScript: back to the form's page with `done=<function>`, so
        // the page can confirm it (unless the function chose where to go).
        if let (true, Some(referer)) = (plain_form_post, referer) {
            let redirected = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
                .is_some_and(|res| res.0.read().map(|r| r.headers.contains_key(header::LOCATION)).unwrap_or(true));
            if !redirected {
                let endpoint = parts.uri.path().trim_start_matches("/api/");
                leptos_axum::redirect(&done_url(referer, endpoint));
            }
        }
        return result;
    };
    if plain_form_post {
        if let Some(referer) = referer {
            let feedback = Feedback {
                error: err.clone(),
                values: echo.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            };
            let secure = crate::state::app_state().map(|s| s.config.secure_cookies).unwrap_or(true);
            leptos_axum::redirect(&seal::feedback_url(referer, &parts.headers, &feedback, secure));
            return result;
        }
    }
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(err.status());
    }
    result
}

/// The feedback to show for a form driven by `value` (the action's last result, with
/// JavaScript) or by the URL (after a plain form post bounced back by the server).
pub fn use_feedback<S>(action: ServerAction<S>) -> Signal<Option<Feedback>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    use_scoped_feedback(action, None)
}

/// Like `use_feedback`, for a page with several forms of one kind (a reply form under each
/// comment): the feedback a plain form post brought back in the URL goes only to the form
/// whose `scope` field (`("parent_id", "12")`) has that value.
pub fn use_scoped_feedback<S>(
    action: ServerAction<S>,
    scope: Option<(&'static str, String)>,
) -> Signal<Option<Feedback>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let value = action.value();
    let query = use_query_map();
    let posted = use_context::<PostedFeedback>().unwrap_or_default();
    Signal::derive(move || {
        // `T` need not be `Clone`: look at the result in place and keep only its error.
        let submitted: Option<Option<AppError>> = value.with(|v| v.as_ref().map(|r| r.as_ref().err().cloned()));
        match submitted {
            Some(Some(error)) => Some(Feedback { error, values: BTreeMap::new() }),
            Some(None) => None,
            None => {
                let raw = query.read().get(FEEDBACK_PARAM)?;
                posted
                    .0
                    .as_ref()
                    .filter(|(sealed, _)| *sealed == raw)
                    .map(|(_, f)| f.clone())
                    .filter(|f| scope.as_ref().is_none_or(|(k, v)| f.value(k).as_deref().unwrap_or("") == v))
            }
        }
    })
}

/// Bumps `refresh` each time `action` succeeds, so the page's resource loads again.
pub fn refresh_on_success<S>(action: ServerAction<S>, refresh: RwSignal<u64>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let value = action.value();
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(_)))) {
            refresh.update(|n| *n += 1);
        }
    });
}

/// True once the page runs in the browser with its WebAssembly: controls that need
/// JavaScript (a live preview) appear only then.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set) = signal(false);
    Effect::new(move |_| set.set(true));
    hydrated
}

/// Whether the last submission of a form succeeded (with JavaScript) or the server said so
/// through the `done` query parameter (without).
pub fn use_done<S>(action: ServerAction<S>, marker: &'static str) -> Signal<bool>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    let value = action.value();
    let query = use_query_map();
    Signal::derive(move || {
        value.with(|v| matches!(v, Some(Ok(_)))) || query.read().get("done").as_deref() == Some(marker)
    })
}

/// A labelled input whose error message, when any, sits right under it and is announced.
// Long on purpose: one accessible field, whose label, hint, error and control share ids and
// `aria-*` wiring that reads best in one place.
#[component]
pub fn Field(
    /// Form field name: the server function's argument.
    name: &'static str,
    label: ViewFn,
    feedback: Signal<Option<Feedback>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] hint: Option<ViewFn>,
    #[prop(default = true)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] multiline: bool,
    /// Makes the element ids unique when a page repeats a form (a reply form per comment).
    #[prop(optional, into)]
    scope: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = match scope {
        Some(scope) => format!("field-{name}-{scope}"),
        None => format!("field-{name}"),
    };
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let error = Signal::derive(move || feedback.with(|f| f.as_ref().and_then(|f| f.error.field_code(name))));
    // Set once, not reactively: without JavaScript the page is rendered again with what was
    // typed; with it, the browser keeps the input as it is and only the messages change.
    let typed = feedback.with_untracked(|f| f.as_ref().and_then(|f| f.value(name))).or(value).unwrap_or_default();
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = move || error.get().is_some().then_some("true");
    let control = if multiline {
        view! {
            // Leptos 0.8 writes a textarea's text children unescaped on the server (textarea
            // is a raw-text element to it), so `</textarea>` in the value would close the box
            // and the rest would be parsed as markup. Escaped here, the browser decodes the
            // entities back into exactly what was typed.
            <textarea id=id.clone() name=name required=required aria-invalid=invalid
                aria-describedby=described_by.clone() maxlength=maxlength rows="6" inner_html=escape_text(&typed)></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type=kind required=required aria-invalid=invalid
                aria-describedby=described_by autocomplete=autocomplete maxlength=maxlength value=typed />
        }
        .into_any()
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label.run()}</label>
            {hint.map(|h| view! { <p class="field-hint" id=hint_id>{h.run()}</p> })}
            {control}
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get().map(|code| view! { <span>{error_text(i18n.get_locale(), code)}</span> })}
            </p>
        </div>
    }
}

/// Text made safe to place between tags: the five characters HTML gives meaning to.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The whole-form message (errors that belong to no single field), announced on change.
#[component]
pub fn FormError(feedback: Signal<Option<Feedback>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        feedback.get().and_then(|f| match f.error {
            AppError::Invalid(_) => None,
            other => Some(view! {
                <p class="form-error" role="alert">{error_text(i18n.get_locale(), other.code())}</p>
            }),
        })
    }
}

/// A discreet confirmation shown after a successful submit.
#[component]
pub fn Notice(show: Signal<bool>, children: ChildrenFn) -> impl IntoView {
    view! { <Show when=move || show.get()><p class="notice" role="status">{children()}</p></Show> }
}

/// A field's label or hint, built lazily (translated when rendered).
pub fn label(f: impl Fn() -> AnyView + Send + Sync + 'static) -> ViewFn {
    ViewFn::from(f)
}

/// A numeric route parameter as its id type (`/objectives/:id` → `ObjectiveId`), 0 when
/// absent or malformed (the page then shows "not found").
pub fn route_param<T>(name: &'static str) -> Memo<T>
where
    T: From<i64> + PartialEq + Send + Sync + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| T::from(params.read().get(name).and_then(|s| s.parse().ok()).unwrap_or(0)))
}
