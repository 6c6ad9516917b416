//! Assemblies, invitations in bulk, the audit log, authorization per role, security
//! headers and languages, against the real server on SQLite and PostgreSQL.
mod common;
use common::{Browser, TestApp};
use reqwest::StatusCode;

on_both_backends!(
    admin_creates_an_assembly_that_the_public_can_read,
    every_admin_action_is_forbidden_to_every_other_role,
    csv_import_returns_one_link_per_accepted_row_and_reasons,
    pages_carry_security_headers_and_a_nonce_csp,
    cross_origin_state_changes_are_refused,
    language_follows_the_browser_and_the_switch,
    audit_log_lists_changes_newest_first,
    hostile_text_in_every_field_is_shown_as_text,
);

async fn admin_creates_an_assembly_that_the_public_can_read(app: TestApp) {
    let admin = app.admin().await;
    let r = admin.call("create_assembly", &[("name", "ab"), ("town", ""), ("description", &"x".repeat(6000))]).await;
    assert_eq!(r.error(), "name:too_short,town:required,description:too_long");
    let id = app.assembly(&admin).await;
    let public = app.browser();
    let list = public.call("list_assemblies", &[]).await.json::<serde_json::Value>();
    assert_eq!(list[0]["name"], "Assemblée citoyenne de Val-de-Brise");
    let page = public.get(&format!("/assemblies/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Val-de-Brise"));
    assert_eq!(public.get("/assemblies/424242").await.status, StatusCode::NOT_FOUND);
    assert_eq!(public.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    let home = public.get("/").await;
    assert!(home.body.contains("Assemblée citoyenne de Val-de-Brise") && home.body.contains("href=\"/login\""));
}

async fn every_admin_action_is_forbidden_to_every_other_role(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let a = assembly.to_string();
    let mut people: Vec<(&str, Browser)> = Vec::new();
    for role in ["member", "facilitator", "staff"] {
        people.push((role, app.person(&admin, assembly, role, &format!("{role}1")).await));
    }
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("create_assembly", vec![("name", "Autre assemblée"), ("town", "Ailleurs"), ("description", "")]),
        ("create_invitation", vec![("assembly_id", &a), ("role", "admin"), ("invitee_name", ""), ("valid_days", "")]),
        ("list_invitations", vec![("assembly_id", &a)]),
        ("revoke_invitation", vec![("invitation_id", "1")]),
        ("list_accounts", vec![]),
        ("set_role", vec![("user_id", "2"), ("role", "admin"), ("grant", "true")]),
        ("set_disabled", vec![("user_id", "1"), ("disabled", "true")]),
        ("audit_log", vec![]),
    ];
    for (role, b) in &people {
        for (endpoint, form) in &calls {
            let r = b.call(endpoint, form).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} calling {endpoint}: {r:?}");
        }
        for page in
            ["/admin", "/admin/assemblies", &format!("/admin/assemblies/{assembly}"), "/admin/accounts", "/admin/audit"]
        {
            assert_eq!(b.get(page).await.status, StatusCode::FORBIDDEN, "{role} on {page}");
        }
        let r = b
            .client
            .post(format!("{}/admin/assemblies/{assembly}/import", app.base))
            .multipart(reqwest::multipart::Form::new().text("file", "Awa Diallo\n"))
            .send()
            .await
            .expect("req");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{role} importing");
    }
    let anonymous = app.browser();
    for (endpoint, form) in &calls {
        assert_eq!(anonymous.call(endpoint, form).await.status, StatusCode::UNAUTHORIZED, "public calling {endpoint}");
    }
    assert_eq!(app.count("select count(*) from assemblies").await, 1, "nothing was created");
    assert_eq!(app.count("select count(*) from users where is_admin = 1").await, 1, "nobody became admin");
}

async fn csv_import_returns_one_link_per_accepted_row_and_reasons(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let csv = "nom;email\nAwa Diallo;awa@exemple.fr\nX;\nJean Martin;\nBob;pas-un-email\nClaire;awa@exemple.fr\n";
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("membres.csv")
                .mime_str("text/csv")
                .expect("mime"),
        )
        .text("role", "member")
        .text("valid_days", "14");
    let r = admin
        .client
        .post(format!("{}/admin/assemblies/{assembly}/import", app.base))
        .header("origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().expect("ct").starts_with("text/csv"));
    let body = r.text().await.expect("body");
    let mut reader = csv::ReaderBuilder::new().from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 5);
    let accepted: Vec<&csv::StringRecord> = rows.iter().filter(|r| !r[4].is_empty()).collect();
    assert_eq!(accepted.len(), 2);
    assert!(accepted.iter().all(|r| r[4].starts_with(&format!("{}/invitation/", app.base))));
    assert_eq!(&rows[1][0], "3");
    assert_eq!(&rows[1][5], "C’est trop court.");
    assert_eq!(&rows[3][5], "Le format n’est pas valide.");
    assert!(rows[4][5].contains("déjà plus haut"));
    assert_eq!(app.count(&format!("select count(*) from invitations where assembly_id = {assembly}")).await, 2);
    // The links work.
    let token = accepted[0][4].rsplit('/').next().expect("token");
    let info = app.browser().call("invitation_info", &[("token", token)]).await.json::<serde_json::Value>();
    assert_eq!(info["invitee_name"], "Awa Diallo");
    // A file that is not text is refused whole, and nothing is created.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![0xff, 0xfe, 0x00]).file_name("x.csv"));
    let r = admin
        .client
        .post(format!("{}/admin/assemblies/{assembly}/import", app.base))
        .header("origin", &app.base)
        .multipart(form)
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count(&format!("select count(*) from invitations where assembly_id = {assembly}")).await, 2);
}

async fn pages_carry_security_headers_and_a_nonce_csp(app: TestApp) {
    let b = app.browser();
    let page = b.get("/").await;
    let csp = page.headers["content-security-policy"].to_str().expect("csp").to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    assert!(page.body.contains(&format!("nonce=\"{nonce}\"")), "hydration script carries the nonce");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert_eq!(page.headers["referrer-policy"], "same-origin");
    let other = b.get("/").await.headers["content-security-policy"].to_str().expect("csp").to_owned();
    assert_ne!(csp, other, "a fresh nonce per response");
    let api = b.call("list_assemblies", &[]).await;
    assert!(api.headers["content-security-policy"].to_str().expect("csp").contains("default-src 'none'"));
}

async fn cross_origin_state_changes_are_refused(app: TestApp) {
    let admin = app.admin().await;
    let r = admin
        .client
        .post(format!("{}/api/create_assembly", app.base))
        .header("origin", "https://evil.example")
        .form(&[("name", "Piège"), ("town", "Ailleurs"), ("description", "")])
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = admin
        .client
        .post(format!("{}/api/logout", app.base))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .expect("req");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from assemblies").await, 0);
    assert!(admin.current_user().await.is_some());
}

async fn language_follows_the_browser_and_the_switch(app: TestApp) {
    let b = app.browser();
    let fr = b.get("/login").await;
    assert!(fr.body.contains("lang=\"fr\"") && fr.body.contains("Se connecter"));
    let en = b
        .client
        .get(format!("{}/login", app.base))
        .header("accept-language", "en-GB,en;q=0.8")
        .send()
        .await
        .expect("req")
        .text()
        .await
        .expect("body");
    assert!(en.contains("lang=\"en\"") && en.contains("Sign in"), "English from Accept-Language");
    let r = b.get("/lang/en?next=%2Flogin").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/login"));
    assert!(b.get("/login").await.body.contains("Sign in"), "the switch is remembered");
    assert_eq!(b.get("/lang/fr?next=https%3A%2F%2Fevil.example").await.location(), Some("/"), "never an open redirect");
}

async fn audit_log_lists_changes_newest_first(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    app.invitation(&admin, assembly, "member").await;
    let log = admin.call("audit_log", &[]).await.json::<serde_json::Value>();
    let actions: Vec<&str> = log.as_array().expect("list").iter().map(|e| e["action"].as_str().unwrap_or("")).collect();
    assert_eq!(actions[..3], ["invitation.create", "assembly.create", "account.first_admin"]);
    assert_eq!(log[0]["actor"], "Hélène Marchand");
    let page = admin.get("/admin/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("invitation.create"));
}

/// Well-known XSS payloads in every free-text field of this capability (display name,
/// assembly name, town, description, invitee name) reach the pages escaped, never active.
async fn hostile_text_in_every_field_is_shown_as_text(app: TestApp) {
    const PAYLOADS: [&str; 7] = [
        "<script>alert(1)</script>",
        "</title><script>alert(2)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "\"><iframe src=data:text/html,x>",
        "</textarea><b onmouseover=alert(1)>",
    ];
    let admin = app.admin().await;
    for (i, p) in PAYLOADS.iter().enumerate() {
        let r = admin.call("create_assembly", &[("name", &format!("A{i} {p}")), ("town", p), ("description", p)]).await;
        assert!(r.ok(), "{r:?}");
    }
    let assembly = admin.call("list_assemblies", &[]).await.json::<serde_json::Value>()[0]["id"].as_i64().expect("id");
    for (i, p) in PAYLOADS.iter().enumerate() {
        let r = admin
            .call(
                "create_invitation",
                &[
                    ("assembly_id", &assembly.to_string()),
                    ("role", "member"),
                    ("invitee_name", &format!("I{i} {p}")),
                    ("valid_days", ""),
                ],
            )
            .await;
        let token =
            r.json::<serde_json::Value>()["link"].as_str().expect("link").rsplit('/').next().expect("token").to_owned();
        let b = app.browser();
        let r = b.accept(&token, &format!("N{i} {p}"), &format!("xss{i}")).await;
        assert!(r.ok(), "{r:?}");
    }
    let pages = [
        "/".to_owned(),
        format!("/assemblies/{assembly}"),
        "/admin/assemblies".into(),
        format!("/admin/assemblies/{assembly}"),
        "/admin/accounts".into(),
        "/admin/audit".into(),
    ];
    for page in pages {
        let body = admin.get(&page).await.body;
        for p in PAYLOADS {
            assert!(!body.contains(p), "{page} contains the raw payload {p}");
        }
        for active in ["<script>alert", "<img src=x", "<svg onload", "<iframe", "<b onmouseover"] {
            assert!(!body.contains(active), "{page} contains active markup {active}");
        }
    }
    let home = admin.get("/").await.body;
    assert!(home.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "payloads are shown, escaped");
}
