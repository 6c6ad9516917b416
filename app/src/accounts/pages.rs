//! Pages of the accounts domain: sign-in, invitation, first admin, profile, account admin.
use super::api::*;
use super::{Account, InvitationDetails, Role, SessionUser};
use crate::assemblies::api::list_assemblies;
use crate::assemblies::Assembly;
use crate::error::AppError;
use crate::forms::label;
use crate::forms::{use_done, use_feedback, Feedback, Field, FormError, Notice};
use crate::i18n::*;
use crate::i18n_texts::role_name;
use crate::layout::{guarded, ErrorPage, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<Login>::new();
    let feedback = use_feedback(action);
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), login.title).to_string() />
        <section class="narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <p>{t!(i18n, login.intro)}</p>
            <ActionForm action=action attr:novalidate=true>
                <FormError feedback />
                <Field name="login" feedback autocomplete="username"
                    label=label(move || t!(i18n, login.login).into_any()) />
                <Field name="password" kind="password" feedback autocomplete="current-password"
                    label=label(move || t!(i18n, login.password).into_any()) />
                <input type="hidden" name="next" prop:value=next value=next />
                <button type="submit" class="button">{t!(i18n, login.submit)}</button>
            </ActionForm>
            <p class="muted">{t!(i18n, login.no_account)}</p>
        </section>
    }
}

/// The fields of a new account, shared by the invitation and first-admin forms.
#[component]
fn NewAccountFields(feedback: Signal<Option<Feedback>>, #[prop(optional)] name: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field name="display_name" feedback value=name.unwrap_or_default() autocomplete="name" maxlength=80
            label=label(move || t!(i18n, account.display_name).into_any())
            hint=label(move || t!(i18n, account.display_name_hint).into_any()) />
        <Field name="login" feedback autocomplete="username" maxlength=60
            label=label(move || t!(i18n, account.login).into_any())
            hint=label(move || t!(i18n, account.login_hint).into_any()) />
        <Field name="email" kind="email" feedback required=false autocomplete="email"
            label=label(move || t!(i18n, account.email).into_any())
            hint=label(move || t!(i18n, account.email_hint).into_any()) />
        <Field name="password" kind="password" feedback autocomplete="new-password"
            label=label(move || t!(i18n, account.password).into_any())
            hint=label(move || t!(i18n, account.password_hint).into_any()) />
        <Field name="password_confirm" kind="password" feedback autocomplete="new-password"
            label=label(move || t!(i18n, account.password_confirm).into_any()) />
    }
}

#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, invitation_info);
    let user = crate::layout::use_current_user();
    let accept = ServerAction::<AcceptInvitation>::new();
    let join = ServerAction::<JoinWithInvitation>::new();
    let feedback = use_feedback(accept);
    let join_feedback = use_feedback(join);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), invitation.title).to_string() />
        <section class="narrow">
            <Loaded data=info render={move |info: InvitationDetails| {
                let user = user.get_untracked();
                let role = role_name(i18n.get_locale(), info.role);
                let assembly = info.assembly_name.clone();
                let header = view! {
                    <h1>{t!(i18n, invitation.title)}</h1>
                    <p>{t!(i18n, invitation.intro, assembly = { let a = assembly.clone(); move || a.clone() }, town = { let t = info.town.clone(); move || t.clone() }, role = move || role)}</p>
                };
                let form = match user {
                    Some(u) => view! {
                        <ActionForm action=join>
                            <FormError feedback=join_feedback />
                            <input type="hidden" name="token" value=token() />
                            <p>{t!(i18n, invitation.join_as, name = { let n = u.display_name.clone(); move || n.clone() })}</p>
                            <button type="submit" class="button">{t!(i18n, invitation.join)}</button>
                        </ActionForm>
                    }.into_any(),
                    _ => view! {
                        <ActionForm action=accept attr:novalidate=true>
                            <FormError feedback />
                            <input type="hidden" name="token" value=token() />
                            <NewAccountFields feedback name=info.invitee_name.clone().unwrap_or_default() />
                            <button type="submit" class="button">{t!(i18n, invitation.accept)}</button>
                        </ActionForm>
                    }.into_any(),
                };
                view! { {header} {form} }
            }} />
        </section>
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let valid = Resource::new(token, setup_link_valid);
    let action = ServerAction::<CreateFirstAdmin>::new();
    let feedback = use_feedback(action);
    view! {
        <Title text=td_string!(i18n.get_locale_untracked(), setup.title).to_string() />
        <section class="narrow">
            <Loaded data=valid render={move |valid: bool| if valid {
                view! {
                    <h1>{t!(i18n, setup.title)}</h1>
                    <p>{t!(i18n, setup.intro)}</p>
                    <ActionForm action=action attr:novalidate=true>
                        <FormError feedback />
                        <input type="hidden" name="token" value=token() />
                        <NewAccountFields feedback />
                        <button type="submit" class="button">{t!(i18n, setup.submit)}</button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <ErrorPage error=AppError::User(crate::error::ErrorCode::NotFound) /> }.into_any()
            }} />
        </section>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |_| true,
        move |user: SessionUser| {
            let profile = ServerAction::<UpdateProfile>::new();
            let password = ServerAction::<ChangePassword>::new();
            let profile_feedback = use_feedback(profile);
            let password_feedback = use_feedback(password);
            let profile_done = use_done(profile, "update_profile");
            let password_done = use_done(password, "change_password");
            let locale = i18n.get_locale_untracked();
            view! {
                <Title text=td_string!(i18n.get_locale_untracked(), profile.title).to_string() />
                <h1>{t!(i18n, profile.title)}</h1>
                <section class="panel" aria-labelledby="roles-heading">
                    <h2 id="roles-heading">{t!(i18n, profile.roles)}</h2>
                    <ul>
                        {user.is_admin.then(|| view! { <li>{role_name(locale, Role::Admin)}</li> })}
                        {user.memberships.iter().map(|m| view! {
                            <li><a href=format!("/assemblies/{}", m.assembly_id)>{m.assembly_name.clone()}</a>" : "{role_name(locale, m.role)}</li>
                        }).collect_view()}
                    </ul>
                    <p class="muted">{t!(i18n, profile.login_is, login = { let l = user.login.clone(); move || l.clone() })}</p>
                </section>
                <section class="panel" aria-labelledby="profile-heading">
                    <h2 id="profile-heading">{t!(i18n, profile.edit)}</h2>
                    <ActionForm action=profile attr:novalidate=true>
                        <FormError feedback=profile_feedback />
                        <Notice show=profile_done>{t!(i18n, profile.saved)}</Notice>
                        <Field name="display_name" feedback=profile_feedback value=user.display_name.clone() maxlength=80
                            label=label(move || t!(i18n, account.display_name).into_any()) />
                        <Field name="email" kind="email" required=false feedback=profile_feedback value=user.email.clone().unwrap_or_default()
                            label=label(move || t!(i18n, account.email).into_any()) />
                        <button type="submit" class="button">{t!(i18n, profile.save)}</button>
                    </ActionForm>
                </section>
                <section class="panel" aria-labelledby="password-heading">
                    <h2 id="password-heading">{t!(i18n, profile.password)}</h2>
                    <ActionForm action=password attr:novalidate=true>
                        <FormError feedback=password_feedback />
                        <Notice show=password_done>{t!(i18n, profile.password_changed)}</Notice>
                        <Field name="current_password" kind="password" feedback=password_feedback autocomplete="current-password"
                            label=label(move || t!(i18n, profile.current_password).into_any()) />
                        <Field name="password" kind="password" feedback=password_feedback autocomplete="new-password"
                            label=label(move || t!(i18n, account.password).into_any())
                            hint=label(move || t!(i18n, account.password_hint).into_any()) />
                        <Field name="password_confirm" kind="password" feedback=password_feedback autocomplete="new-password"
                            label=label(move || t!(i18n, account.password_confirm).into_any()) />
                        <button type="submit" class="button">{t!(i18n, profile.change_password)}</button>
                    </ActionForm>
                </section>
            }
        },
    )
}

#[component]
pub fn AdminAccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    guarded(
        |u| u.is_admin,
        move |me: SessionUser| {
            let set_role = ServerAction::<SetRole>::new();
            let set_disabled = ServerAction::<SetDisabled>::new();
            // One resource for both lists: Leptos 0.8's server-side Suspense can miss a wake-up
            // when several resources resolve under one boundary.
            let data = Resource::new(
                move || (set_role.version().get(), set_disabled.version().get()),
                |_| async move { Ok::<_, AppError>((list_accounts().await?, list_assemblies().await?)) },
            );
            let role_feedback = use_feedback(set_role);
            let disabled_feedback = use_feedback(set_disabled);
            let me = me.id;
            view! {
                <Title text=td_string!(i18n.get_locale_untracked(), admin.accounts).to_string() />
                <h1>{t!(i18n, admin.accounts)}</h1>
                <FormError feedback=role_feedback />
                <FormError feedback=disabled_feedback />
                <Loaded data render={move |(accounts, assemblies): (Vec<Account>, Vec<Assembly>)| view! {
                    <ul class="account-list">
                        {accounts.into_iter().map(|a| {
                            let is_me = a.id == me;
                            view! { <AccountCard a is_me assemblies=assemblies.clone() set_role set_disabled /> }
                        }).collect_view()}
                    </ul>
                }} />
            }
        },
    )
}

/// One account: its roles (each removable), a form to grant one more, and the button that
/// disables or enables it (not on one's own account).
#[component]
fn AccountCard(
    a: Account,
    is_me: bool,
    assemblies: Vec<Assembly>,
    set_role: ServerAction<SetRole>,
    set_disabled: ServerAction<SetDisabled>,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let id = a.id.0;
    view! {
        <li class="card" class:disabled=a.disabled>
            <h2 class="card-title">{a.display_name.clone()}
                {a.disabled.then(|| view! { <span class="badge">{t!(i18n, accounts.disabled)}</span> })}
            </h2>
            <p class="muted">{a.login.clone()}</p>
            <ul class="role-list">
                {a.is_admin.then(|| view! {
                    <li>
                        {role_name(locale, Role::Admin)}
                        {(!is_me).then(|| view! { <RoleToggle action=set_role user=id assembly=None role=Role::Admin grant=false /> })}
                    </li>
                })}
                {a.memberships.iter().map(|m| view! {
                    <li>
                        {m.assembly_name.clone()}" : "{role_name(locale, m.role)}
                        <RoleToggle action=set_role user=id assembly=Some(m.assembly_id.0) role=m.role grant=false />
                    </li>
                }).collect_view()}
            </ul>
            <GrantRoleForm user=id assemblies set_role />
            {(!is_me).then(|| view! {
                <ActionForm action=set_disabled attr:class="inline-form">
                    <input type="hidden" name="user_id" value=id />
                    <input type="hidden" name="disabled" value=(!a.disabled).to_string() />
                    <button type="submit" class="button small secondary">
                        {if a.disabled { t!(i18n, accounts.enable).into_any() } else { t!(i18n, accounts.disable).into_any() }}
                        <span class="visually-hidden">" "{a.display_name.clone()}</span>
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

/// Grants `user` a role in one assembly.
#[component]
fn GrantRoleForm(user: i64, assemblies: Vec<Assembly>, set_role: ServerAction<SetRole>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <ActionForm action=set_role attr:class="inline-fields">
            <input type="hidden" name="user_id" value=user />
            <input type="hidden" name="grant" value="true" />
            <label for=format!("assembly-{user}")>{t!(i18n, accounts.assembly)}</label>
            <select id=format!("assembly-{user}") name="assembly_id">
                {assemblies.into_iter().map(|s| view! { <option value=s.id.0>{s.name}</option> }).collect_view()}
            </select>
            <label for=format!("role-{user}")>{t!(i18n, accounts.role)}</label>
            <select id=format!("role-{user}") name="role">
                {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{role_name(locale, r)}</option> }).collect_view()}
            </select>
            <button type="submit" class="button small">{t!(i18n, accounts.grant)}</button>
        </ActionForm>
    }
}

/// A one-button form that removes (or grants) one role.
#[component]
fn RoleToggle(
    action: ServerAction<SetRole>,
    user: i64,
    assembly: Option<i64>,
    role: Role,
    grant: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ActionForm action=action attr:class="inline-form">
            <input type="hidden" name="user_id" value=user />
            {assembly.map(|a| view! { <input type="hidden" name="assembly_id" value=a /> })}
            <input type="hidden" name="role" value=role.as_str() />
            <input type="hidden" name="grant" value=grant.to_string() />
            <button type="submit" class="link-button">{t!(i18n, accounts.remove_role)}</button>
        </ActionForm>
    }
}
