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

/// `referer` with its feedback parameter replaced by `feedback`.
pub fn feedback_url(referer: &str, feedback: &Feedback) -> String {
    with_param(referer, FEEDBACK_PARAM, &serde_json::to_string(feedback).unwrap_or_default())
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
    Signal::derive(move || {
        // `T` need not be `Clone`: look at the result in place and keep only its error.
        let submitted: Option<Option<AppError>> = value.with(|v| v.as_ref().map(|r| r.as_ref().err().cloned()));
        match submitted {
            Some(Some(error)) => Some(Feedback { error, values: BTreeMap::new() }),
            Some(None) => None,
            None => {
                query.read().get(FEEDBACK_PARAM).and_then(|raw| serde_json::from_str::<Feedback>(&raw).ok()).filter(
                    |f| scope.as_ref().is_none_or(|(k, v)| f.values.get(*k).map(String::as_str).unwrap_or("") == v),
                )
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
            <textarea id=id.clone() name=name required=required aria-invalid=invalid
                aria-describedby=described_by.clone() maxlength=maxlength rows="6">{typed.clone()}</textarea>
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

/// A numeric route parameter (`/objectives/:id`), 0 when absent or malformed (the page
/// then shows "not found").
pub fn route_param(name: &'static str) -> Memo<i64> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| params.read().get(name).and_then(|s| s.parse().ok()).unwrap_or(0))
}
