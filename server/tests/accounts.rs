//! Accounts, sessions, invitations and roles, against the real server, on SQLite and
//! PostgreSQL.
mod common;
use common::{TestApp, PASSWORD};
use reqwest::StatusCode;

on_both_backends!(
    setup_link_creates_the_first_admin_once,
    setup_rejects_bad_input_field_by_field,
    member_joins_from_an_invitation_and_signs_in,
    invitation_link_works_once_even_when_raced,
    revoked_and_expired_invitations_are_refused,
    signed_in_person_accepting_an_invitation_gains_the_role,
    five_failed_logins_lock_the_account,
    logout_ends_the_session_on_the_server,
    role_changes_and_disabling_apply_on_the_next_request,
    profile_and_password_can_be_changed,
    no_javascript_form_post_bounces_back_with_errors_and_input,
);

/// The rate-limit test sets its own budget (a burst of 5, then one per hour), so a slow,
/// busy machine cannot earn it extra attempts while it runs.
mod one_address_is_slowed_after_a_burst_of_sign_in_attempts {
    use super::common::{AuthLimit, Backend, TestApp};
    const LIMIT: AuthLimit = AuthLimit { burst: 5, period: std::time::Duration::from_secs(3600) };
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::one_address_is_slowed_after_a_burst_of_sign_in_attempts(
            TestApp::spawn_with(Backend::Sqlite, LIMIT).await,
            LIMIT,
        )
        .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::one_address_is_slowed_after_a_burst_of_sign_in_attempts(
            TestApp::spawn_with(Backend::Postgres, LIMIT).await,
            LIMIT,
        )
        .await
    }
}

async fn setup_link_creates_the_first_admin_once(app: TestApp) {
    let link = concerto::announce_setup_link(&app.state).await.expect("announce").expect("link while no admin");
    let token = link.rsplit('/').next().expect("token");
    let anonymous = app.browser();
    assert_eq!(anonymous.get(&format!("/setup/{token}")).await.status, StatusCode::OK);
    let admin = app.browser();
    let fields = [
        ("token", token),
        ("display_name", "Hélène"),
        ("login", "admin"),
        ("email", ""),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ];
    assert!(admin.call("create_first_admin", &fields).await.ok());
    let me = admin.current_user().await.expect("signed in");
    assert_eq!(me["is_admin"], true);
    // The link is dead now, and no new one is printed while an admin exists.
    let again = app
        .browser()
        .call(
            "create_first_admin",
            &[
                ("token", token),
                ("display_name", "Autre"),
                ("login", "admin2"),
                ("email", ""),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.error(), "setup_link_invalid", "{again:?}");
    assert_eq!(anonymous.get(&format!("/setup/{token}")).await.status, StatusCode::NOT_FOUND);
    assert!(concerto::announce_setup_link(&app.state).await.expect("announce").is_none());
    assert_eq!(app.count("select count(*) from audit_events where action = 'account.first_admin'").await, 1);
}

async fn setup_rejects_bad_input_field_by_field(app: TestApp) {
    let link = concerto::announce_setup_link(&app.state).await.expect("announce").expect("link");
    let token = link.rsplit('/').next().expect("token");
    let b = app.browser();
    let r = b
        .call(
            "create_first_admin",
            &[
                ("token", token),
                ("display_name", ""),
                ("login", "a b"),
                ("email", "pas-une-adresse"),
                ("password", "court"),
                ("password_confirm", "court"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.error(),
        "display_name:required,login:invalid_format,email:invalid_format,password:password_too_short"
    );
    let r = b
        .call(
            "create_first_admin",
            &[
                ("token", token),
                ("display_name", "Hélène"),
                ("login", "admin"),
                ("email", ""),
                ("password", "motdepasse123"),
                ("password_confirm", "motdepasse123"),
            ],
        )
        .await;
    assert_eq!(r.error(), "password:password_too_common");
    let r = b
        .call(
            "create_first_admin",
            &[
                ("token", token),
                ("display_name", "Hélène"),
                ("login", "admin"),
                ("email", ""),
                ("password", PASSWORD),
                ("password_confirm", "autre chose encore"),
            ],
        )
        .await;
    assert_eq!(r.error(), "password_confirm:password_mismatch");
    let long = "x".repeat(10_000);
    let r = b
        .call(
            "create_first_admin",
            &[
                ("token", token),
                ("display_name", &long),
                ("login", &long),
                ("email", ""),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.error(), "display_name:too_long,login:too_long");
    // Nothing was stored, and the link still works.
    assert_eq!(app.count("select count(*) from users").await, 0);
    assert_eq!(b.get(&format!("/setup/{token}")).await.status, StatusCode::OK);
}

async fn member_joins_from_an_invitation_and_signs_in(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let token = app.invitation(&admin, assembly, "member").await;
    let page = app.browser().get(&format!("/invitation/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Val-de-Brise"), "invitation page names the assembly");
    let b = app.browser();
    let r = b
        .call(
            "accept_invitation",
            &[
                ("token", &token),
                ("display_name", "Awa Diallo"),
                ("login", "Awa.Diallo"),
                ("email", "awa@exemple.fr"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert!(r.ok(), "{r:?}");
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("concerto_session="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let me = b.current_user().await.expect("signed in after accepting");
    assert_eq!(me["login"], "awa.diallo");
    assert_eq!(me["memberships"][0]["role"], "member");
    // Only the token's hash is stored.
    let token_hash = app::accounts::session::hash_token(cookie.split(['=', ';']).nth(1).expect("value"));
    let stored = app.count(&format!("select count(*) from sessions where token_hash = '{token_hash}'")).await;
    assert_eq!(stored, 1);
    // Sign in again from another browser with the new account.
    let other = app.browser();
    let r = other.call("login", &[("login", "AWA.DIALLO"), ("password", PASSWORD)]).await;
    assert!(r.ok(), "{r:?}");
    assert_eq!(other.current_user().await.expect("signed in")["display_name"], "Awa Diallo");
    // The member sees the member menu but gets a 403 page on an admin page.
    let home = other.get("/").await;
    assert!(home.body.contains("href=\"/profile\"") && !home.body.contains("href=\"/admin\""), "member menu");
    assert_eq!(other.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(other.get("/admin/accounts").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.browser().get("/admin").await.status, StatusCode::UNAUTHORIZED);
    // A taken login is refused.
    let token = app.invitation(&admin, assembly, "member").await;
    let r = app.browser().accept(&token, "Awa Bis", "awa.diallo").await;
    assert_eq!(r.error(), "login:login_taken");
    assert_eq!(app.count("select count(*) from audit_events where action = 'invitation.accept'").await, 1);
}

async fn invitation_link_works_once_even_when_raced(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let token = app.invitation(&admin, assembly, "member").await;
    let attempts = (0..6).map(|i| {
        let b = app.browser();
        let token = token.clone();
        tokio::spawn(async move {
            let login = format!("racer{i}");
            b.accept(&token, &format!("Racer {i}"), &login).await
        })
    });
    let mut ok = 0;
    for a in attempts {
        let r = a.await.expect("task");
        if r.ok() {
            ok += 1;
        } else {
            assert_eq!(r.error(), "invitation_invalid", "{r:?}");
        }
    }
    assert_eq!(ok, 1, "exactly one person joins with one invitation");
    assert_eq!(app.count(&format!("select count(*) from memberships where assembly_id = {assembly}")).await, 1);
    assert_eq!(
        app.count("select count(*) from users where login like 'racer%'").await,
        1,
        "losers' accounts were rolled back"
    );
}

async fn revoked_and_expired_invitations_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let token = app.invitation(&admin, assembly, "member").await;
    let list =
        admin.call("list_invitations", &[("assembly_id", &assembly.to_string())]).await.json::<serde_json::Value>();
    assert_eq!(list[0]["status"], "pending");
    let id = list[0]["id"].as_i64().expect("id").to_string();
    assert!(admin.call("revoke_invitation", &[("invitation_id", &id)]).await.ok());
    let r = app.browser().call("invitation_info", &[("token", &token)]).await;
    assert_eq!(r.error(), "invitation_invalid");
    assert_eq!(app.browser().get(&format!("/invitation/{token}")).await.status, StatusCode::BAD_REQUEST);
    let expired = app.invitation(&admin, assembly, "staff").await;
    sqlx::query("update invitations set expires_at = 1 where role = 'staff'")
        .execute(&app.state.db.pool)
        .await
        .expect("expire");
    let r = app.browser().accept(&expired, "Tard", "tard").await;
    assert_eq!(r.error(), "invitation_invalid");
    let r = admin
        .call(
            "create_invitation",
            &[
                ("assembly_id", &assembly.to_string()),
                ("role", "superuser"),
                ("invitee_name", ""),
                ("valid_days", "365"),
            ],
        )
        .await;
    assert_eq!(r.error(), "role:invalid_choice,valid_days:invalid_choice");
    let r = admin
        .call(
            "create_invitation",
            &[("assembly_id", "999999"), ("role", "member"), ("invitee_name", ""), ("valid_days", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

async fn signed_in_person_accepting_an_invitation_gains_the_role(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let member = app.person(&admin, assembly, "member", "karim").await;
    let token = app.invitation(&admin, assembly, "facilitator").await;
    assert!(member.call("join_with_invitation", &[("token", &token)]).await.ok());
    let roles: Vec<String> = member.current_user().await.expect("me")["memberships"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["role"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(roles, vec!["facilitator", "member"]);
    assert_eq!(app.browser().call("join_with_invitation", &[("token", &token)]).await.status, StatusCode::UNAUTHORIZED);
}

async fn five_failed_logins_lock_the_account(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    app.person(&admin, assembly, "member", "lucie").await;
    let b = app.browser();
    for _ in 0..5 {
        let r = b.call("login", &[("login", "lucie"), ("password", "mauvais mot de passe")]).await;
        assert_eq!(r.error(), "invalid_credentials");
    }
    let r = b.call("login", &[("login", "lucie"), ("password", PASSWORD)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.error(), "too_many_attempts", "even the right password is refused while locked");
    // Once the window has passed, the right password works again.
    sqlx::query("update login_attempts set created_at = created_at - 901")
        .execute(&app.state.db.pool)
        .await
        .expect("age attempts");
    assert!(b.call("login", &[("login", "lucie"), ("password", PASSWORD)]).await.ok());
    // An unknown login gets the same answer as a wrong password.
    assert_eq!(b.call("login", &[("login", "personne"), ("password", PASSWORD)]).await.error(), "invalid_credentials");
}

async fn logout_ends_the_session_on_the_server(app: TestApp) {
    let admin = app.admin().await;
    let cookie_jar_copy = admin.clone();
    assert!(admin.current_user().await.is_some());
    let sessions_before = app.count("select count(*) from sessions").await;
    assert!(admin.call("logout", &[]).await.ok());
    assert_eq!(app.count("select count(*) from sessions").await, sessions_before - 1);
    assert_eq!(app.count("select count(*) from audit_events where action = 'account.logout'").await, 1);
    assert!(cookie_jar_copy.current_user().await.is_none());
    // A replayed old token is worthless too.
    let token = "forged-or-replayed-token";
    let r = app
        .browser()
        .client
        .post(format!("{}/api/current_user", app.base))
        .header("cookie", format!("concerto_session={token}"))
        .header("accept", "application/json")
        .send()
        .await
        .expect("req");
    assert_eq!(r.text().await.expect("body"), "null");
}

async fn role_changes_and_disabling_apply_on_the_next_request(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let member = app.person(&admin, assembly, "member", "thomas").await;
    let id = member.current_user().await.expect("me")["id"].as_i64().expect("id").to_string();
    assert_eq!(member.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert!(admin.call("set_role", &[("user_id", &id), ("role", "admin"), ("grant", "true")]).await.ok());
    assert_eq!(member.get("/admin").await.status, StatusCode::OK, "admin right applies at once");
    assert!(admin.call("set_role", &[("user_id", &id), ("role", "admin"), ("grant", "false")]).await.ok());
    assert!(admin
        .call(
            "set_role",
            &[("user_id", &id), ("assembly_id", &assembly.to_string()), ("role", "staff"), ("grant", "true")]
        )
        .await
        .ok());
    assert_eq!(member.get("/admin").await.status, StatusCode::FORBIDDEN);
    let roles = member.current_user().await.expect("me")["memberships"].as_array().expect("list").len();
    assert_eq!(roles, 2);
    let accounts = admin.call("list_accounts", &[]).await.json::<serde_json::Value>();
    assert_eq!(accounts.as_array().expect("list").len(), 2);
    // Admins cannot lock themselves out.
    let my_id = admin.current_user().await.expect("me")["id"].as_i64().expect("id").to_string();
    assert_eq!(
        admin.call("set_disabled", &[("user_id", &my_id), ("disabled", "true")]).await.error(),
        "cannot_change_own_admin"
    );
    assert_eq!(
        admin.call("set_role", &[("user_id", &my_id), ("role", "admin"), ("grant", "false")]).await.error(),
        "cannot_change_own_admin"
    );
    assert_eq!(
        admin.call("set_role", &[("user_id", &id), ("role", "member"), ("grant", "true")]).await.error(),
        "assembly_id:required"
    );
    assert_eq!(
        admin.call("set_role", &[("user_id", "424242"), ("role", "admin"), ("grant", "true")]).await.status,
        StatusCode::NOT_FOUND
    );
    // Disabling ends the member's sessions and refuses new logins.
    assert!(admin.call("set_disabled", &[("user_id", &id), ("disabled", "true")]).await.ok());
    assert!(member.current_user().await.is_none());
    assert_eq!(
        app.browser().call("login", &[("login", "thomas"), ("password", PASSWORD)]).await.error(),
        "account_disabled"
    );
    assert!(admin.call("set_disabled", &[("user_id", &id), ("disabled", "false")]).await.ok());
    assert!(app.browser().call("login", &[("login", "thomas"), ("password", PASSWORD)]).await.ok());
    for action in ["role.grant", "role.revoke", "account.disable", "account.enable"] {
        assert!(
            app.count(&format!("select count(*) from audit_events where action = '{action}'")).await >= 1,
            "{action} audited"
        );
    }
}

async fn profile_and_password_can_be_changed(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let member = app.person(&admin, assembly, "member", "fatima").await;
    let second_device = app.browser();
    assert!(second_device.call("login", &[("login", "fatima"), ("password", PASSWORD)]).await.ok());
    assert!(member.call("update_profile", &[("display_name", "Fatima H."), ("email", "fatima@exemple.fr")]).await.ok());
    assert_eq!(member.current_user().await.expect("me")["display_name"], "Fatima H.");
    assert_eq!(
        member.call("update_profile", &[("display_name", " "), ("email", "x@")]).await.error(),
        "display_name:required,email:invalid_format"
    );
    assert_eq!(member.current_user().await.expect("me")["display_name"], "Fatima H.", "a bad edit changes nothing");
    let new_password = "un nouveau mot de passe solide";
    assert_eq!(
        member
            .call(
                "change_password",
                &[("current_password", "faux"), ("password", new_password), ("password_confirm", new_password)]
            )
            .await
            .error(),
        "current_password:invalid_credentials"
    );
    assert!(member
        .call(
            "change_password",
            &[("current_password", PASSWORD), ("password", new_password), ("password_confirm", new_password)]
        )
        .await
        .ok());
    assert!(member.current_user().await.is_some(), "this device stays signed in");
    assert!(second_device.current_user().await.is_none(), "other sessions end");
    assert!(app.browser().call("login", &[("login", "fatima"), ("password", new_password)]).await.ok());
    assert_eq!(
        app.browser().call("update_profile", &[("display_name", "Intrus"), ("email", "")]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn no_javascript_form_post_bounces_back_with_errors_and_input(app: TestApp) {
    let b = app.browser();
    let r =
        b.post_form("login", "/login", &[("login", "Quelqu'un"), ("password", "secret-qui-ne-doit-pas-revenir")]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    let location = r.location().expect("redirect back to the form").to_owned();
    assert!(location.contains("/login?feedback="), "{location}");
    assert!(!location.contains("secret"), "passwords are never echoed");
    let page = b.get(location.trim_start_matches(&app.base)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Identifiant ou mot de passe incorrect"), "the localised error shows on the page");
    assert!(
        page.body.contains("value=\"Quelqu&#x27;un\"") || page.body.contains("value=\"Quelqu'un\""),
        "typed login kept"
    );
    // A successful plain post redirects where the server says.
    let admin = app.admin().await;
    drop(admin);
    let r = b
        .post_form(
            "login",
            "/login?next=%2Fprofile",
            &[("login", "admin"), ("password", PASSWORD), ("next", "/profile")],
        )
        .await;
    assert_eq!(r.location(), Some("/profile"), "{r:?}");
}

async fn one_address_is_slowed_after_a_burst_of_sign_in_attempts(app: TestApp, limit: common::AuthLimit) {
    // Password spraying: one address, many accounts, so no account lockout applies.
    let b = app.browser();
    let burst = limit.burst as usize;
    let mut codes = Vec::new();
    for i in 0..burst + 3 {
        codes.push(b.call("login", &[("login", &format!("inconnu{i}")), ("password", "mauvais mot de passe")]).await);
    }
    assert!(codes[..burst].iter().all(|r| r.error() == "invalid_credentials"), "the burst is allowed");
    assert!(codes[burst..].iter().all(|r| r.status == StatusCode::TOO_MANY_REQUESTS), "then every call waits");
    let limited = codes.last().expect("replies");
    assert_eq!(limited.error(), "rate_limited", "a localisable code, not a bare text");
    // Other functions and other pages are not limited.
    assert!(b.call("list_assemblies", &[]).await.ok());
}
