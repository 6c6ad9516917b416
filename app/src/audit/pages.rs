//! The audit log page (admins).
use super::api::audit_log;
use super::AuditEvent;
use crate::i18n::*;
use crate::i18n_texts::format_datetime;
use crate::layout::{guarded, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |u| u.is_admin,
        move |_| {
            let query = use_query_map();
            let before = move || query.read().get("before").and_then(|b| b.parse::<i64>().ok());
            let events = Resource::new(before, audit_log);
            view! {
                <Title text=td_string!(i18n.get_locale_untracked(), admin.audit).to_string() />
                <h1>{t!(i18n, admin.audit)}</h1>
                <Loaded data=events render={move |list: Vec<AuditEvent>| {
                    let next = (list.len() as i64 == super::AUDIT_PAGE_SIZE).then(|| list.last().map(|e| e.id.0)).flatten();
                    view! {
                        <div class="table-scroll" role="region" tabindex="0" aria-labelledby="audit-caption">
                            <table>
                                <caption id="audit-caption">{t!(i18n, audit.caption)}</caption>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, audit.when)}</th>
                                    <th scope="col">{t!(i18n, audit.who)}</th>
                                    <th scope="col">{t!(i18n, audit.what)}</th>
                                    <th scope="col">{t!(i18n, audit.target)}</th>
                                    <th scope="col">{t!(i18n, audit.details)}</th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{format_datetime(e.created_at)}</td>
                                            <td>{e.actor.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td><code>{e.action.clone()}</code></td>
                                            <td>{e.target_type.clone()}" "{e.target_id.map(|i| format!("#{i}"))}{e.assembly.clone().map(|a| format!(" ({a})"))}</td>
                                            <td><code>{e.details.clone()}</code></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {next.map(|n| view! { <p><a href=format!("/admin/audit?before={n}")>{t!(i18n, audit.older)}</a></p> })}
                    }
                }} />
            }
        },
    )
}
