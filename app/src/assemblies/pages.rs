//! Public pages of assemblies, and the admin pages that create them and invite people.
use super::api::*;
use super::{Assembly, Invitation, InvitationStatus, INVITATION_DEFAULT_DAYS, INVITATION_MAX_DAYS};
use crate::accounts::Role;
use crate::assemblies::texts::invitation_status_name;
use crate::forms::{label, route_param};
use crate::forms::{use_feedback, Field, FormError};
use crate::i18n::*;
use crate::i18n_texts::{format_date, role_name};
use crate::layout::{guarded, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let assemblies = Resource::new(|| (), |_| list_assemblies());
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), home.title).to_string() />
        <section class="hero">
            <h1>{t!(i18n, home.title)}</h1>
            <p class="lead">{t!(i18n, home.lead)}</p>
        </section>
        <section class="steps" aria-labelledby="how-heading">
            <h2 id="how-heading">{t!(i18n, home.how)}</h2>
            <ol class="step-list">
                <li><strong>{t!(i18n, home.step_propose)}</strong>" "{t!(i18n, home.step_propose_text)}</li>
                <li><strong>{t!(i18n, home.step_discuss)}</strong>" "{t!(i18n, home.step_discuss_text)}</li>
                <li><strong>{t!(i18n, home.step_vote)}</strong>" "{t!(i18n, home.step_vote_text)}</li>
                <li><strong>{t!(i18n, home.step_follow)}</strong>" "{t!(i18n, home.step_follow_text)}</li>
            </ol>
        </section>
        <section aria-labelledby="assemblies-heading">
            <h2 id="assemblies-heading">{t!(i18n, home.assemblies)}</h2>
            <Loaded data=assemblies render={move |list: Vec<Assembly>| if list.is_empty() {
                view! { <p>{t!(i18n, home.no_assembly)}</p> }.into_any()
            } else {
                view! {
                    <ul class="card-list">
                        {list.into_iter().map(|a| view! {
                            <li class="card">
                                <h3 class="card-title"><A href=format!("/assemblies/{}", a.id)>{a.name.clone()}</A></h3>
                                <p class="muted">{a.town.clone()}" · "{t!(i18n, home.members, count = { let c = a.member_count; move || c })}</p>
                                <p>{a.description.clone()}</p>
                                {a.next_sitting.clone().map(|(id, title, at)| view! {
                                    <p>{t!(i18n, sittings.next)}" "<A href=format!("/sittings/{id}")>{title}</A>
                                        " · "{crate::i18n_texts::format_datetime(at)}</p>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }} />
        </section>
    }
}

#[component]
pub fn AssemblyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = route_param::<crate::ids::AssemblyId>("id");
    let assembly = Resource::new(move || id.get(), get_assembly);
    view! {
        <Loaded data=assembly render={move |a: Assembly| view! {
            <Title text=a.name.clone() />
            <h1>{a.name.clone()}</h1>
            <p class="muted">{a.town.clone()}" · "{t!(i18n, home.members, count = { let c = a.member_count; move || c })}</p>
            <div class="prose"><p>{a.description.clone()}</p></div>
            {a.next_sitting.clone().map(|(id, title, at)| view! {
                <p>{t!(i18n, sittings.next)}" "<A href=format!("/sittings/{id}")>{title}</A>
                    " · "{crate::i18n_texts::format_datetime(at)}</p>
            })}
            <p class="action-row">
                <A href=format!("/assemblies/{}/sittings", a.id) attr:class="button button-secondary">{t!(i18n, sittings.sittings_and_votes)}</A>
                <A href=format!("/assemblies/{}/outcomes", a.id) attr:class="button button-secondary">{t!(i18n, commitments.outcomes_link)}</A>
            </p>
        }} />
        <crate::objectives::pages::ObjectiveListSection assembly=id />
    }
}

#[component]
pub fn AdminAssembliesPage() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |u| u.is_admin,
        move |_| {
            let create = ServerAction::<CreateAssembly>::new();
            let feedback = use_feedback(create);
            let assemblies = Resource::new(move || create.version().get(), |_| list_assemblies());
            view! {
                <Title text=td_string!(i18n.get_locale_untracked(), admin.assemblies).to_string() />
                <h1>{t!(i18n, admin.assemblies)}</h1>
                <Loaded data=assemblies render={move |list: Vec<Assembly>| view! {
                    <ul class="card-list">
                        {list.into_iter().map(|a| view! {
                            <li class="card">
                                <h2 class="card-title"><A href=format!("/admin/assemblies/{}", a.id)>{a.name.clone()}</A></h2>
                                <p class="muted">{a.town.clone()}" · "{t!(i18n, home.members, count = { let c = a.member_count; move || c })}</p>
                            </li>
                        }).collect_view()}
                    </ul>
                }} />
                <section class="panel" aria-labelledby="new-assembly">
                    <h2 id="new-assembly">{t!(i18n, assemblies.create)}</h2>
                    <ActionForm action=create attr:novalidate=true>
                        <FormError feedback />
                        <Field name="name" feedback maxlength=120 label=label(move || t!(i18n, assemblies.name).into_any()) />
                        <Field name="town" feedback maxlength=120 label=label(move || t!(i18n, assemblies.town).into_any()) />
                        <Field name="description" feedback multiline=true required=false maxlength=super::DESCRIPTION_MAX
                            label=label(move || t!(i18n, assemblies.description).into_any()) />
                        <button type="submit" class="button">{t!(i18n, assemblies.create)}</button>
                    </ActionForm>
                </section>
            }
        },
    )
}

#[component]
pub fn AdminAssemblyPage() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |u| u.is_admin,
        move |_| {
            let id = route_param::<crate::ids::AssemblyId>("id");
            let invite = ServerAction::<CreateInvitation>::new();
            let revoke = ServerAction::<RevokeInvitation>::new();
            let assembly = Resource::new(move || id.get(), get_assembly);
            let invitations = Resource::new(
                move || (id.get(), invite.version().get(), revoke.version().get()),
                |(id, _, _)| list_invitations(id),
            );
            view! {
                <Loaded data=assembly render={move |a: Assembly| view! {
                    <Title text=a.name.clone() />
                    <h1>{a.name.clone()}</h1>
                    <p class="muted">{a.town.clone()}" · "<A href=format!("/assemblies/{}", a.id)>{t!(i18n, assemblies.public_page)}</A></p>
                }} />
                <InvitePanel id invite />
                <ImportPanel id />
                <section class="panel" aria-labelledby="invitations-heading">
                    <h2 id="invitations-heading">{t!(i18n, invitations.list)}</h2>
                    <Loaded data=invitations render={move |list: Vec<Invitation>| if list.is_empty() {
                        view! { <p>{t!(i18n, invitations.none)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="invitation-list">
                                {list.into_iter().map(|inv| view! { <InvitationItem inv revoke /> }).collect_view()}
                            </ul>
                        }.into_any()
                    }} />
                </section>
            }
        },
    )
}

/// The roles one may invite someone to, as the options of a `<select>`.
fn role_options(locale: Locale) -> impl IntoView {
    Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{role_name(locale, r)}</option> }).collect_view()
}

/// The form that makes one invitation link, and the link once made (shown only once).
#[component]
fn InvitePanel(id: Memo<crate::ids::AssemblyId>, invite: ServerAction<CreateInvitation>) -> impl IntoView {
    let i18n = use_i18n();
    let feedback = use_feedback(invite);
    let locale = i18n.get_locale_untracked();
    view! {
        <section class="panel" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t!(i18n, invitations.create)}</h2>
            <p>{t!(i18n, invitations.create_hint)}</p>
            <ActionForm action=invite attr:novalidate=true>
                <FormError feedback />
                <input type="hidden" name="assembly_id" value=move || id.get().0 />
                <div class="field">
                    <label for="invite-role">{t!(i18n, accounts.role)}</label>
                    <select id="invite-role" name="role">{move || role_options(locale)}</select>
                </div>
                <Field name="invitee_name" feedback required=false maxlength=80 label=label(move || t!(i18n, invitations.invitee_name).into_any()) />
                <Field name="valid_days" kind="number" feedback required=false value=INVITATION_DEFAULT_DAYS.to_string()
                    label=label(move || t!(i18n, invitations.valid_days, max = move || INVITATION_MAX_DAYS).into_any()) />
                <button type="submit" class="button">{t!(i18n, invitations.create)}</button>
            </ActionForm>
            {move || invite.value().get().and_then(Result::ok).map(|created| view! {
                <div class="notice" role="status">
                    <p>{t!(i18n, invitations.created, role = { let r = role_name(locale, created.role); move || r })}</p>
                    <label for="invitation-link">{t!(i18n, invitations.link)}</label>
                    <input id="invitation-link" class="copy-field" readonly value=created.link.clone() />
                    <p class="muted">{t!(i18n, invitations.link_once)}</p>
                </div>
            })}
        </section>
    }
}

/// Invitations for a whole list of people at once, from a CSV file (a plain form post).
#[component]
fn ImportPanel(id: Memo<crate::ids::AssemblyId>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <section class="panel" aria-labelledby="import-heading">
            <h2 id="import-heading">{t!(i18n, import.title)}</h2>
            <p>{t!(i18n, import.hint)}</p>
            <form method="post" enctype="multipart/form-data" action=move || format!("/admin/assemblies/{}/import", id.get())>
                <div class="field">
                    <label for="import-file">{t!(i18n, import.file)}</label>
                    <input id="import-file" type="file" name="file" accept=".csv,text/csv" required />
                </div>
                <div class="field">
                    <label for="import-role">{t!(i18n, accounts.role)}</label>
                    <select id="import-role" name="role">{move || role_options(locale)}</select>
                </div>
                <div class="field">
                    <label for="import-days">{t!(i18n, invitations.valid_days, max = move || INVITATION_MAX_DAYS)}</label>
                    <input id="import-days" type="number" name="valid_days" min="1" max=INVITATION_MAX_DAYS value=INVITATION_DEFAULT_DAYS />
                </div>
                <button type="submit" class="button">{t!(i18n, import.submit)}</button>
            </form>
        </section>
    }
}

/// One invitation: for whom, which role, its status, and a button to revoke it while pending.
#[component]
fn InvitationItem(inv: Invitation, revoke: ServerAction<RevokeInvitation>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <li>
            <span>{inv.invitee_name.clone().unwrap_or_else(|| "—".into())}</span>
            " · "{role_name(locale, inv.role)}
            " · "<span class=format!("status status-{:?}", inv.status).to_lowercase()>{invitation_status_name(locale, inv.status)}</span>
            {inv.used_by.clone().map(|n| view! { " · "{n} })}
            " · "{t!(i18n, invitations.expires, date = { let d = format_date(inv.expires_at); move || d.clone() })}
            {(inv.status == InvitationStatus::Pending).then(|| view! {
                <ActionForm action=revoke attr:class="inline-form">
                    <input type="hidden" name="invitation_id" value=inv.id.0 />
                    <button type="submit" class="link-button">{t!(i18n, invitations.revoke)}</button>
                </ActionForm>
            })}
        </li>
    }
}
