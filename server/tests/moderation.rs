//! Moderation (issue #3): reports hide content after three members, the facilitators' queue
//! (hide with a public reason, restore, dismiss, in bulk), suspensions, the audit trail,
//! and hostile text in every field, on both backends.
mod common;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    three_members_reporting_a_comment_hide_it_until_review,
    concurrent_reports_hide_once,
    facilitators_hide_with_a_public_reason_restore_and_dismiss,
    bulk_actions_apply_to_every_selected_item,
    members_and_the_public_cannot_moderate,
    a_suspended_member_reads_but_cannot_take_part,
    moderation_actions_are_audited_and_listed_without_reporters,
    hostile_text_in_objectives_comments_and_reports_is_inert,
);

async fn three_members_reporting_a_comment_hide_it_until_review(app: TestApp) {
    let a = app.assembly_with_people(5).await;
    let id = a.members[0].propose(a.id, "Afficher les délais d’attente", "signage").await;
    let c = a.members[1].comment(id, None, "against", "Texte contestable").await;
    let target = format!("comment-{c}");
    assert_eq!(a.members[1].report(&target, "spam", "").await.status, StatusCode::FORBIDDEN, "not one's own words");
    let r = a.members[2].report(&target, "other", " ").await;
    assert_eq!(r.error(), "details:required", "'other' needs an explanation");
    assert!(a.members[2].report(&target, "disrespectful", "").await.ok());
    assert_eq!(a.members[2].report(&target, "spam", "").await.error(), "already_reported");
    assert!(a.members[3].report(&target, "off_topic", "").await.ok());
    assert!(
        app.browser().get(&format!("/objectives/{id}")).await.body.contains("Texte contestable"),
        "two reports: still shown"
    );
    assert!(a.members[4].report(&target, "personal_data", "Un nom").await.ok());
    let page = app.browser().get(&format!("/objectives/{id}")).await.body;
    assert!(!page.contains("Texte contestable"), "three reports hide it");
    assert!(page.contains("en attente d’examen"), "the public sees why");
    let d = app.browser().discussion(id, 1).await;
    assert_eq!(d["threads"][0]["moderation"], "pending");
    assert_eq!(d["threads"][0]["body_html"], "");
    assert_eq!(a.members[0].report(&target, "spam", "").await.status, StatusCode::OK, "more reports are still taken");
    let r = a.members[0].report("user-1", "spam", "").await;
    assert_eq!(r.error(), "invalid_choice");
    assert_eq!(a.members[0].report("comment-999999", "spam", "").await.status, StatusCode::NOT_FOUND);
}

async fn concurrent_reports_hide_once(app: TestApp) {
    let a = app.assembly_with_people(6).await;
    let id = a.members[0].propose(a.id, "Un accueil bilingue", "front_desk").await;
    let target = format!("objective-{id}");
    let handles: Vec<_> = a.members[1..]
        .iter()
        .map(|m| {
            let (m, t) = (m.clone(), target.clone());
            tokio::spawn(async move { m.report(&t, "spam", "").await })
        })
        .collect();
    for h in handles {
        let r = h.await.unwrap();
        assert!(r.ok(), "{r:?}");
    }
    assert_eq!(app.browser().objective(id).await["moderation"], "pending");
    assert_eq!(app.count("select count(*) from audit_events where action = 'moderation.auto_hide'").await, 1);
    assert_eq!(app.count("select count(*) from reports").await, 5);
    assert!(app.browser().search(a.id, "bilingue").await.is_empty(), "hidden content is not searchable");
}

async fn facilitators_hide_with_a_public_reason_restore_and_dismiss(app: TestApp) {
    let a = app.assembly_with_people(4).await;
    let id = a.members[0].propose(a.id, "Rappeler chaque appel manqué", "phone").await;
    let c = a.members[1].comment(id, None, "for", "Appelez Mme Durand au 06 12 34 56 78").await;
    let target = format!("comment-{c}");
    for m in &a.members[2..4] {
        assert!(m.report(&target, "personal_data", "").await.ok());
    }
    let q: Value = a.facilitator.call("moderation_queue", &[("assembly_id", &a.id.to_string())]).await.json();
    let item = &q["items"][0];
    assert_eq!(item["target"], serde_json::json!({ "type": "comment", "id": c }));
    assert_eq!(item["reasons"], serde_json::json!([["personal_data", 2]]));
    assert!(item["excerpt"].as_str().unwrap().contains("06 12 34 56 78"), "facilitators see what they review");
    let r = a.facilitator.moderate(a.id, &[&target], "hide", "").await;
    assert_eq!(r.error(), "reason:required");
    assert!(a.facilitator.moderate(a.id, &[&target], "hide", "personal_data").await.ok());
    let page = app.browser().get(&format!("/objectives/{id}")).await.body;
    assert!(!page.contains("06 12 34 56 78"));
    assert!(page.contains("Masqué par la modération : données personnelles"), "the reason is public");
    let en = app
        .browser()
        .client
        .get(format!("{}/objectives/{id}", app.base))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Hidden by moderation: personal data"));
    assert_eq!(
        a.members[2].report(&target, "spam", "").await.error(),
        "invalid_state",
        "hidden content takes no report"
    );
    let q: Value = a.facilitator.call("moderation_queue", &[("assembly_id", &a.id.to_string())]).await.json();
    assert_eq!(q["items"].as_array().unwrap().len(), 0, "reviewed content leaves the queue");

    assert!(a.facilitator.moderate(a.id, &[&target], "restore", "").await.ok());
    assert!(app.browser().get(&format!("/objectives/{id}")).await.body.contains("06 12 34 56 78"));
    // Dismissing the reports of pending content shows it again; of visible content, keeps it.
    let other = a.members[1].comment(id, None, "neutral", "Un avis tranché").await;
    let other_target = format!("comment-{other}");
    for m in &a.members[0..1] {
        m.report(&other_target, "disrespectful", "").await;
    }
    assert!(a.facilitator.moderate(a.id, &[&other_target], "dismiss", "").await.ok());
    assert_eq!(
        app.count(&format!("select count(*) from reports where target_id = {other} and resolution = 'dismissed'"))
            .await,
        1
    );
    assert_eq!(
        app.count(&format!("select count(*) from comments where id = {other} and moderation = 'visible'")).await,
        1
    );
    let r = a.facilitator.moderate(a.id, &[&other_target], "delete", "").await;
    assert_eq!(r.error(), "action:invalid_choice");
}

async fn bulk_actions_apply_to_every_selected_item(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let id = a.members[0].propose(a.id, "Publier les horaires sur les réseaux", "online_services").await;
    let c1 = a.members[1].comment(id, None, "for", "Pub 1").await;
    let c2 = a.members[1].comment(id, None, "for", "Pub 2").await;
    let (t1, t2, t3) = (format!("comment-{c1}"), format!("comment-{c2}"), format!("objective-{id}"));
    let r = a.facilitator.moderate(a.id, &[&t1, &t2, &t3], "hide", "spam").await;
    assert_eq!(r.json::<i64>(), 3);
    assert_eq!(
        app.count("select count(*) from comments where moderation = 'hidden' and moderation_reason = 'spam'").await,
        2
    );
    assert_eq!(app.browser().objective(id).await["moderation"]["hidden"]["reason"], "spam");
    // An item from another assembly makes the whole batch fail, and nothing changes.
    let other = app.assembly(&a.admin).await;
    let outsider = app.person(&a.admin, other, "member", "ailleurs").await;
    let foreign = outsider.propose(other, "Ailleurs aussi", "other").await;
    let r = a.facilitator.moderate(a.id, &[&t1, &format!("objective-{foreign}")], "restore", "").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count(&format!("select count(*) from comments where id = {c1} and moderation = 'hidden'")).await, 1);
    assert_eq!(a.facilitator.moderate(a.id, &[], "hide", "spam").await.status, StatusCode::BAD_REQUEST);
}

async fn members_and_the_public_cannot_moderate(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let staff = app.person(&a.admin, a.id, "staff", "agent").await;
    let id = a.members[0].propose(a.id, "Une application de signalement", "online_services").await;
    let c = a.members[1].comment(id, None, "for", "Oui").await;
    let (a_id, o, m1) = (a.id.to_string(), id.to_string(), "3".to_owned());
    let item = format!("comment-{c}");
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("moderation_queue", vec![("assembly_id", &a_id)]),
        ("moderate", vec![("assembly_id", &a_id), ("items[0]", &item), ("action", "hide"), ("reason", "spam")]),
        ("lock_discussion", vec![("objective_id", &o), ("locked", "true")]),
        ("suspend_member", vec![("assembly_id", &a_id), ("user_id", &m1), ("days", "7"), ("reason", "Insultes")]),
        ("lift_suspension", vec![("suspension_id", "1")]),
    ];
    sqlx::query("insert into suspensions (assembly_id, user_id, reason, until, created_at) values ($1, $2, 'x', 1, 1)")
        .bind(a.id)
        .bind(3i64)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for (endpoint, form) in &calls {
        for (who, b) in [("member", &a.members[0]), ("staff", &staff)] {
            assert_eq!(b.call(endpoint, form).await.status, StatusCode::FORBIDDEN, "{who} calling {endpoint}");
        }
        assert_eq!(
            app.browser().call(endpoint, form).await.status,
            StatusCode::UNAUTHORIZED,
            "public calling {endpoint}"
        );
    }
    assert_eq!(a.members[0].get(&format!("/assemblies/{}/moderation", a.id)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from comments where moderation <> 'visible'").await, 0);
    assert_eq!(app.count("select count(*) from suspensions").await, 1, "nobody was suspended");
    assert_eq!(app.count("select count(*) from audit_events where action like 'moderation.%'").await, 0);
    // The admin may step in.
    assert!(a.admin.moderate(a.id, &[&item], "hide", "spam").await.ok());
}

async fn a_suspended_member_reads_but_cannot_take_part(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let id = a.members[0].propose(a.id, "Un accueil plus chaleureux", "front_desk").await;
    let c = a.members[0].comment(id, None, "for", "Mon commentaire").await;
    let me: Value = a.members[1].current_user().await.unwrap();
    let user = me["id"].as_i64().unwrap().to_string();
    let a_id = a.id.to_string();
    let r = a
        .facilitator
        .call("suspend_member", &[("assembly_id", &a_id), ("user_id", &user), ("days", "400"), ("reason", "")])
        .await;
    assert_eq!(r.error(), "days:invalid_choice,reason:required");
    let r = a
        .facilitator
        .call(
            "suspend_member",
            &[("assembly_id", &a_id), ("user_id", &user), ("days", "7"), ("reason", "Propos insultants répétés")],
        )
        .await;
    assert!(r.ok(), "{r:?}");
    let s = &a.members[1];
    assert_eq!(s.propose_with(a.id, "Un titre valable", "Texte", "phone", "publish").await.error(), "suspended");
    assert_eq!(s.try_comment(id, None, "for", "Texte").await.error(), "suspended");
    assert_eq!(s.try_comment(id, None, "for", "Texte").await.status, StatusCode::FORBIDDEN);
    let o = id.to_string();
    assert_eq!(s.call("support_objective", &[("objective_id", &o), ("support", "true")]).await.error(), "suspended");
    assert_eq!(s.report(&format!("comment-{c}"), "spam", "").await.error(), "suspended");
    assert!(s.objective(id).await["viewer"]["suspended_until"].is_i64());
    assert_eq!(s.get(&format!("/objectives/{id}")).await.status, StatusCode::OK, "reading is still allowed");
    let q: Value = a.facilitator.call("moderation_queue", &[("assembly_id", &a_id)]).await.json();
    let suspension = q["suspensions"][0]["id"].as_i64().unwrap().to_string();
    assert!(a.facilitator.call("lift_suspension", &[("suspension_id", &suspension)]).await.ok());
    s.comment(id, None, "for", "De retour").await;
    let mine: Value = a.facilitator.current_user().await.unwrap();
    let own = mine["id"].as_i64().unwrap().to_string();
    let r = a
        .facilitator
        .call("suspend_member", &[("assembly_id", &a_id), ("user_id", &own), ("days", "1"), ("reason", "Test")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no self-suspension");
}

async fn moderation_actions_are_audited_and_listed_without_reporters(app: TestApp) {
    let a = app.assembly_with_people(4).await;
    let id = a.members[0].propose(a.id, "Un registre des réclamations", "other").await;
    let c = a.members[0].comment(id, None, "for", "Texte signalé").await;
    let target = format!("comment-{c}");
    for m in &a.members[1..4] {
        m.report(&target, "off_topic", "Sans rapport").await;
    }
    a.facilitator.moderate(a.id, &[&target], "hide", "off_topic").await;
    a.facilitator.call("lock_discussion", &[("objective_id", &id.to_string()), ("locked", "true")]).await;
    let actions: Vec<(String,)> =
        sqlx::query_as("select action from audit_events where action like 'moderation.%' order by id")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(actions, vec!["moderation.auto_hide", "moderation.hide", "moderation.lock"]);
    let q = a.facilitator.call("moderation_queue", &[("assembly_id", &a.id.to_string())]).await;
    let log: Value = q.json();
    assert_eq!(log["log"].as_array().unwrap().len(), 3);
    assert_eq!(log["log"][0]["action"], "moderation.lock");
    for reporter in ["Personne membre1", "Personne membre2", "Personne membre3"] {
        assert!(!log["items"].to_string().contains(reporter), "the queue never names reporters");
        assert!(!log["log"].to_string().contains(reporter), "nor does the moderation log");
        let page = app.browser().get(&format!("/objectives/{id}")).await.body;
        assert!(!page.contains(reporter), "the public page never names reporters");
    }
    let page = a.facilitator.get(&format!("/assemblies/{}/moderation", a.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("masquage automatique après signalements") && page.body.contains("débat verrouillé"));
    assert!(page.body.contains("Personne membre1"), "every member can be picked for a suspension");
}

async fn hostile_text_in_objectives_comments_and_reports_is_inert(app: TestApp) {
    const PAYLOADS: [&str; 9] = [
        "<script>alert(1)</script>",
        "</title><script>alert(2)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "[clic](javascript:alert(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<a href=\"javascript:alert(1)\">x</a>",
        "\"><iframe src=data:text/html,x>",
        "</textarea><b onmouseover=alert(1)>",
    ];
    let a = app.assembly_with_people(1).await;
    let member = &a.members[0];
    let token = app.invitation(&a.admin, a.id, "member").await;
    let hostile_name = app.browser();
    assert!(hostile_name.accept(&token, "<img src=x onerror=alert(9)>", "hostile").await.ok());
    let mut ids = Vec::new();
    for (i, p) in PAYLOADS.iter().enumerate() {
        let a_id = a.id.to_string();
        let title = format!("Objectif {i} {p}");
        let title: String = title.chars().take(120).collect();
        let r = hostile_name
            .call(
                "create_objective",
                &[
                    ("assembly_id", &a_id),
                    ("title", &title),
                    ("body", p),
                    ("channel", "other"),
                    ("target", p),
                    ("intent", "publish"),
                ],
            )
            .await;
        assert!(r.ok(), "{r:?}");
        let id: i64 = r.json();
        ids.push(id);
        let c = member.comment(id, None, "for", p).await;
        hostile_name.comment(id, Some(c), "against", p).await;
        assert!(member.report(&format!("objective-{id}"), "other", p).await.ok());
        // The facilitator's public note is user text too.
        let r = a
            .facilitator
            .call(
                "moderate",
                &[
                    ("assembly_id", &a_id),
                    ("items[0]", &format!("comment-{c}")),
                    ("action", "hide"),
                    ("reason", "other"),
                    ("note", p),
                ],
            )
            .await;
        assert!(r.ok(), "{r:?}");
    }
    // A suspension reason is shown to facilitators.
    let me: Value = hostile_name.current_user().await.expect("signed in");
    let r = a
        .facilitator
        .call(
            "suspend_member",
            &[
                ("assembly_id", &a.id.to_string()),
                ("user_id", &me["id"].to_string()),
                ("days", "1"),
                ("reason", PAYLOADS[2]),
            ],
        )
        .await;
    assert!(r.ok(), "{r:?}");
    // One hidden comment restored, so the page shows rendered hostile Markdown too.
    let c: (i64,) = sqlx::query_as("select min(id) from comments").fetch_one(&app.state.db.pool).await.unwrap();
    assert!(a.facilitator.moderate(a.id, &[&format!("comment-{}", c.0)], "restore", "").await.ok());
    let mut pages = vec![format!("/assemblies/{}", a.id), format!("/assemblies/{}/moderation", a.id)];
    for id in &ids {
        pages.push(format!("/objectives/{id}"));
        pages.push(format!("/objectives/{id}/history"));
    }
    for page in pages {
        let body = a.facilitator.get(&page).await.body;
        for active in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<iframe",
            "<b onmouseover",
            "<a href=\"javascript:",
            "<a href=\"data:",
        ] {
            assert!(!body.contains(active), "{page} contains active markup {active}");
        }
    }
    let page = app.browser().get(&format!("/objectives/{}", ids[0])).await.body;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "payloads are shown as text");
}
