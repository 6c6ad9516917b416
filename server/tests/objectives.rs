//! Objectives (issue #3): proposing, drafts, editing with history, supports, lifecycle,
//! listing with filters and pages, and full-text search, on SQLite and PostgreSQL.
mod common;
use common::TestApp;
use reqwest::StatusCode;
use serde_json::Value;

on_both_backends!(
    a_draft_is_its_authors_until_published_then_everyone_reads_it,
    bad_input_is_refused_field_by_field_and_nothing_is_stored,
    a_failed_plain_form_post_comes_back_with_what_was_typed,
    only_the_author_edits_until_the_discussion_opens_and_every_version_is_kept,
    members_support_once_and_facilitators_set_the_agenda_threshold,
    concurrent_supports_from_one_member_count_once,
    the_author_withdraws_before_the_vote_and_nobody_else_can,
    lists_filter_sort_and_paginate_with_stable_urls,
    search_ignores_accents_and_case_and_covers_comments,
    similar_titles_are_suggested_before_posting,
    the_preview_renders_sanitised_markdown_for_signed_in_people,
    every_objective_action_is_refused_to_the_public_and_to_other_roles,
);

async fn a_draft_is_its_authors_until_published_then_everyone_reads_it(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let author = &a.members[0];
    let r = author
        .propose_with(a.id, "Répondre aux courriels sous 48 heures", "Aujourd’hui **une semaine**.", "email", "draft")
        .await;
    assert!(r.ok(), "{r:?}");
    let id: i64 = r.json();
    let public = app.browser();
    let o = id.to_string();
    assert_eq!(public.call("get_objective", &[("objective_id", &o)]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(a.members[1].call("get_objective", &[("objective_id", &o)]).await.status, StatusCode::NOT_FOUND);
    assert_eq!(public.get(&format!("/objectives/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(public.search(a.id, "courriels").await.is_empty(), "a draft is not searchable");
    let mine = author.objective(id).await;
    assert_eq!(mine["status"], "draft");
    assert!(mine["body_html"].as_str().unwrap().contains("<strong>une semaine</strong>"), "the preview is rendered");
    let page = author.get(&format!("/objectives/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<strong>une semaine</strong>"));

    let r = author.call("change_objective_status", &[("objective_id", &o), ("step", "publish")]).await;
    assert!(r.ok(), "{r:?}");
    let seen = public.objective(id).await;
    assert_eq!(seen["status"], "proposed");
    assert_eq!(seen["viewer"]["signed_in"], false);
    assert_eq!(seen["body_md"], "", "the Markdown source is for its author's edit form only");
    let page = public.get(&format!("/objectives/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Répondre aux courriels sous 48 heures"));
    let list = public.get(&format!("/assemblies/{}", a.id)).await;
    assert!(list.body.contains(&format!("href=\"/objectives/{id}\"")), "listed on the assembly page");
    assert_eq!(public.search(a.id, "courriels").await, vec!["Répondre aux courriels sous 48 heures"]);
    let r = author.call("change_objective_status", &[("objective_id", &o), ("step", "publish")]).await;
    assert_eq!(r.error(), "invalid_state", "publishing twice");
}

async fn bad_input_is_refused_field_by_field_and_nothing_is_stored(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let m = &a.members[0];
    let r = m.propose_with(a.id, "", "", "", "publish").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.error(), "title:required,body:required,channel:required");
    let r = m.propose_with(a.id, "Abc", &"x".repeat(10_001), "fax", "publish").await;
    assert_eq!(r.error(), "title:too_short,body:too_long,channel:invalid_choice");
    let r = m.propose_with(a.id, &"é".repeat(121), "Texte", "phone", "publish").await;
    assert_eq!(r.error(), "title:too_long");
    let long_target = "x".repeat(201);
    let r = m
        .call(
            "create_objective",
            &[
                ("assembly_id", &a.id.to_string()),
                ("title", "Un titre correct"),
                ("body", "Texte"),
                ("channel", "phone"),
                ("target", &long_target),
            ],
        )
        .await;
    assert_eq!(r.error(), "target:too_long");
    let r = m.propose_with(424242, "Un titre correct", "Texte", "phone", "publish").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from objectives").await, 0);
    assert_eq!(app.count("select count(*) from objective_versions").await, 0);
}

async fn a_failed_plain_form_post_comes_back_with_what_was_typed(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let m = &a.members[0];
    let referer = format!("/assemblies/{}/objectives/new", a.id);
    let a_id = a.id.to_string();
    let form = [
        ("assembly_id", a_id.as_str()),
        ("title", "Guichet"),
        ("body", "Un texte déjà long que je ne veux pas perdre"),
        ("channel", "guichet"),
        ("target", ""),
        ("intent", "publish"),
    ];
    let r = m.post_form("create_objective", &referer, &form).await;
    assert!(r.status.is_redirection(), "{r:?}");
    let back = r.location().expect("redirected back to the form").to_owned();
    assert!(back.contains("feedback="), "{back}");
    let page = m.get(back.trim_start_matches(&m.base)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Un texte déjà long que je ne veux pas perdre"), "typed text kept");
    assert!(page.body.contains("Ce choix n’est pas valide") || page.body.contains("aria-invalid=\"true\""));
    // The same form succeeding goes to the new objective's page.
    let mut ok = form;
    ok[3] = ("channel", "front_desk");
    let r = m.post_form("create_objective", &referer, &ok).await;
    let location = r.location().expect("redirect").to_owned();
    assert!(location.contains("/objectives/"), "{location}");
    assert_eq!(app.count("select count(*) from objectives where status = 'proposed'").await, 1);
}

async fn only_the_author_edits_until_the_discussion_opens_and_every_version_is_kept(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let author = &a.members[0];
    let id = author.propose(a.id, "Répondre aux courriels sous 72 heures", "email").await;
    let o = id.to_string();
    let edit = |title: &'static str| {
        [
            ("objective_id", o.clone()),
            ("title", title.to_owned()),
            ("body", "Nouveau texte".to_owned()),
            ("channel", "response_delays".to_owned()),
            ("target", "48 h".to_owned()),
        ]
    };
    let form = edit("Répondre aux courriels sous 48 heures");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(app.browser().call("update_objective", &form).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.members[1].call("update_objective", &form).await.status, StatusCode::FORBIDDEN);
    assert_eq!(a.facilitator.call("update_objective", &form).await.status, StatusCode::FORBIDDEN);
    let r = author.call("update_objective", &form).await;
    assert!(r.ok(), "{r:?}");
    let h: Value = app.browser().call("objective_history", &[("objective_id", &o)]).await.json();
    assert_eq!(h["versions"].as_array().unwrap().len(), 2);
    assert_eq!((h["from"].as_i64(), h["to"].as_i64()), (Some(1), Some(2)));
    let diff = h["title_diff"].to_string();
    assert!(diff.contains("{\"Removed\":\"72\"}") && diff.contains("{\"Added\":\"48\"}"), "{diff}");
    assert_eq!(h["channel_change"], serde_json::json!(["email", "response_delays"]));
    let page = app.browser().get(&format!("/objectives/{id}/history?from=1&to=2")).await;
    assert!(page.body.contains("<del>72</del>") && page.body.contains("<ins>48</ins>"), "history page shows the diff");

    assert_eq!(
        a.members[1].call("change_objective_status", &[("objective_id", &o), ("step", "open_discussion")]).await.status,
        StatusCode::FORBIDDEN,
        "a member cannot open the discussion"
    );
    let r = a.facilitator.call("change_objective_status", &[("objective_id", &o), ("step", "open_discussion")]).await;
    assert!(r.ok(), "{r:?}");
    let r = author.call("update_objective", &form).await;
    assert_eq!((r.status, r.error().as_str()), (StatusCode::CONFLICT, "invalid_state"));
    assert_eq!(app.count("select count(*) from objective_versions").await, 2, "the refused edit left no version");
    assert_eq!(app.count("select count(*) from audit_events where action = 'objective.edit'").await, 1);
}

async fn members_support_once_and_facilitators_set_the_agenda_threshold(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let id = a.members[0].propose(a.id, "Décrocher avant la cinquième sonnerie", "phone").await;
    let o = id.to_string();
    for m in &a.members {
        for _ in 0..2 {
            let r = m.call("support_objective", &[("objective_id", &o), ("support", "true")]).await;
            assert!(r.ok(), "{r:?}");
        }
    }
    assert_eq!(app.browser().objective(id).await["supports"], 3, "one support per member");
    let r = a.members[2].call("support_objective", &[("objective_id", &o), ("support", "false")]).await;
    assert_eq!(r.json::<i64>(), 2);
    assert_eq!(a.members[2].objective(id).await["viewer"]["supported"], false);
    assert_eq!(a.members[0].objective(id).await["viewer"]["supported"], true);
    let a_id = a.id.to_string();
    assert_eq!(
        a.members[0].call("set_support_threshold", &[("assembly_id", &a_id), ("threshold", "2")]).await.status,
        StatusCode::FORBIDDEN
    );
    let r = a.facilitator.call("set_support_threshold", &[("assembly_id", &a_id), ("threshold", "zéro")]).await;
    assert_eq!(r.error(), "threshold:invalid_format");
    let r = a.facilitator.call("set_support_threshold", &[("assembly_id", &a_id), ("threshold", "2")]).await;
    assert!(r.ok(), "{r:?}");
    let list: Value = app.browser().call("list_objectives", &[("assembly_id", &a_id)]).await.json();
    assert_eq!(list["items"][0]["ready"], true, "2 supports reach a threshold of 2");
    assert_eq!(list["threshold"], 2);
    assert!(app.browser().get(&format!("/assemblies/{}", a.id)).await.body.contains("Prêt pour l’ordre du jour"));
    assert_eq!(
        app.browser().call("support_objective", &[("objective_id", &o), ("support", "true")]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        a.admin.call("support_objective", &[("objective_id", &o), ("support", "true")]).await.status,
        StatusCode::FORBIDDEN,
        "an admin is not an assembly member"
    );
}

async fn concurrent_supports_from_one_member_count_once(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Un numéro unique pour la mairie", "phone").await;
    let o = id.to_string();
    let calls = (0..20).map(|_| {
        let b = a.members[0].clone();
        let o = o.clone();
        tokio::spawn(async move { b.call("support_objective", &[("objective_id", &o), ("support", "true")]).await })
    });
    for r in futures_join(calls).await {
        assert!(r.ok(), "{r:?}");
    }
    assert_eq!(app.count(&format!("select count(*) from supports where objective_id = {id}")).await, 1);
}

async fn futures_join<T: Send + 'static>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.expect("task"));
    }
    out
}

async fn the_author_withdraws_before_the_vote_and_nobody_else_can(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let id = a.members[0].propose(a.id, "Ouvrir le samedi matin", "opening_hours").await;
    let o = id.to_string();
    let withdraw = [("objective_id", o.as_str()), ("step", "withdraw")];
    assert_eq!(a.members[1].call("change_objective_status", &withdraw).await.status, StatusCode::FORBIDDEN);
    assert_eq!(a.facilitator.call("change_objective_status", &withdraw).await.status, StatusCode::FORBIDDEN);
    assert!(a.members[0].call("change_objective_status", &withdraw).await.ok());
    assert_eq!(app.browser().objective(id).await["status"], "withdrawn");
    let r = a.members[1].call("support_objective", &[("objective_id", &o), ("support", "true")]).await;
    assert_eq!(r.error(), "invalid_state", "a withdrawn objective takes no supports");
    let r = a.members[0].call("change_objective_status", &withdraw).await;
    assert_eq!(r.error(), "invalid_state");
    // Once put to the vote, it can no longer be withdrawn.
    let id2 = a.members[0].propose(a.id, "Un guichet unique", "front_desk").await;
    sqlx::query("update objectives set status = 'voting' where id = $1")
        .bind(id2)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let o2 = id2.to_string();
    let r = a.members[0].call("change_objective_status", &[("objective_id", &o2), ("step", "withdraw")]).await;
    assert_eq!(r.error(), "invalid_state");
    let r = a.members[0].call("change_objective_status", &[("objective_id", &o2), ("step", "archive")]).await;
    assert_eq!(r.error(), "invalid_choice");
}

async fn lists_filter_sort_and_paginate_with_stable_urls(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let channels = ["phone", "email", "front_desk", "signage", "accessibility"];
    let mut ids = Vec::new();
    for i in 0..25 {
        ids.push(a.members[i % 2].propose(a.id, &format!("Objectif numéro {i:02}"), channels[i % 5]).await);
    }
    // Objective 7 is the most supported, 3 the most discussed.
    for m in &a.members {
        m.call("support_objective", &[("objective_id", &ids[7].to_string()), ("support", "true")]).await;
    }
    a.members[0].comment(ids[3], None, "for", "Oui").await;
    a.members[1].comment(ids[3], None, "against", "Non").await;
    let list = |q: Vec<(&'static str, &'static str)>| {
        let b = app.browser();
        let a_id = a.id.to_string();
        async move {
            let mut form = vec![("assembly_id", a_id.as_str())];
            form.extend(q);
            let r = b.call("list_objectives", &form).await;
            assert!(r.ok(), "{r:?}");
            r.json::<Value>()
        }
    };
    let first = list(vec![]).await;
    assert_eq!((first["total"].as_i64(), first["pages"].as_i64()), (Some(25), Some(2)));
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    assert_eq!(first["items"][0]["title"], "Objectif numéro 24", "newest first");
    let second = list(vec![("query[page]", "2")]).await;
    assert_eq!(second["items"].as_array().unwrap().len(), 5);
    assert_eq!(second["items"][4]["title"], "Objectif numéro 00");
    let phone = list(vec![("query[channel]", "phone")]).await;
    assert_eq!(phone["total"], 5);
    assert!(phone["items"].as_array().unwrap().iter().all(|o| o["channel"] == "phone"));
    assert_eq!(list(vec![("query[sort]", "supported")]).await["items"][0]["title"], "Objectif numéro 07");
    assert_eq!(list(vec![("query[sort]", "discussed")]).await["items"][0]["title"], "Objectif numéro 03");
    assert_eq!(list(vec![("query[status]", "withdrawn")]).await["total"], 0);
    // The page itself reads the same state from its URL, and links keep it.
    let page = app.browser().get(&format!("/assemblies/{}?channel=email&sort=supported&page=1", a.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Objectif numéro 01") && !page.body.contains("Objectif numéro 00"));
    let page = app.browser().get(&format!("/assemblies/{}?page=2", a.id)).await;
    assert!(page.body.contains("rel=\"prev\""), "page 2 links back");
    let junk = app.browser().get(&format!("/assemblies/{}?channel=fax&page=-3&sort=x", a.id)).await;
    assert_eq!(junk.status, StatusCode::OK, "a hand-edited URL shows the unfiltered list");
}

async fn search_ignores_accents_and_case_and_covers_comments(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let m = &a.members[0];
    let delay = m.propose(a.id, "Réduire le DÉLAI d’attente au guichet", "front_desk").await;
    m.propose(a.id, "Horaires élargis le samedi", "opening_hours").await;
    let mail = m.propose(a.id, "Accusé de réception des courriels", "email").await;
    a.members[1].comment(mail, None, "for", "Un numéro de dossier à chaque réponse, ça rassure.").await;
    let hidden = a.members[1].comment(delay, None, "neutral", "Le parking est plein tous les jeudis.").await;
    m.propose_with(a.id, "Brouillon secret sur le délai", "Texte", "other", "draft").await;

    assert_eq!(m.search(a.id, "delai").await, vec!["Réduire le DÉLAI d’attente au guichet"]);
    assert_eq!(m.search(a.id, "DÉLAI GUICHET").await, vec!["Réduire le DÉLAI d’attente au guichet"]);
    assert_eq!(m.search(a.id, "horaire").await, vec!["Horaires élargis le samedi"], "words match as prefixes");
    assert_eq!(
        m.search(a.id, "Numéro de DOSSIER").await,
        vec!["Accusé de réception des courriels"],
        "comments are searched"
    );
    assert_eq!(m.search(a.id, "accuse reception").await, vec!["Accusé de réception des courriels"]);
    assert!(m.search(a.id, "piscine").await.is_empty());
    assert_eq!(m.search(a.id, "\" OR 1=1 -- *").await.len(), 0, "query syntax is not interpreted");
    assert_eq!(m.search(a.id, "   ").await.len(), 3, "an empty query lists everything");
    assert_eq!(m.search(a.id, "parking").await, vec!["Réduire le DÉLAI d’attente au guichet"]);
    let r = a.facilitator.moderate(a.id, &[&format!("comment-{hidden}")], "hide", "off_topic").await;
    assert!(r.ok(), "{r:?}");
    assert!(m.search(a.id, "parking").await.is_empty(), "hidden comments are not searchable");
    let page = app.browser().get(&format!("/assemblies/{}?q=d%C3%A9lai", a.id)).await;
    assert!(page.body.contains("Réduire le DÉLAI") && !page.body.contains("Horaires élargis"));
}

async fn similar_titles_are_suggested_before_posting(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let m = &a.members[0];
    let first = m.propose(a.id, "Répondre aux courriels sous 48 heures", "email").await;
    m.propose(a.id, "Ouvrir la mairie le samedi", "opening_hours").await;
    let r =
        m.call("similar_objectives", &[("assembly_id", &a.id.to_string()), ("title", "Réponse aux COURRIELS")]).await;
    let found: Vec<Value> = r.json();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], first);
    let draft: i64 = m.propose_with(a.id, "Des courriels traités plus vite", "Texte", "email", "draft").await.json();
    let d = m.objective(draft).await;
    assert_eq!(d["similar"][0]["id"], first, "the draft page lists similar objectives");
}

async fn every_objective_action_is_refused_to_the_public_and_to_other_roles(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let staff = app.person(&a.admin, a.id, "staff", "agent").await;
    let id = a.members[0].propose(a.id, "Un accueil téléphonique plus rapide", "phone").await;
    let o = id.to_string();
    let a_id = a.id.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "create_objective",
            vec![
                ("assembly_id", &a_id),
                ("title", "Titre valable"),
                ("body", "Texte"),
                ("channel", "phone"),
                ("target", ""),
            ],
        ),
        (
            "update_objective",
            vec![
                ("objective_id", &o),
                ("title", "Titre valable"),
                ("body", "Texte"),
                ("channel", "phone"),
                ("target", ""),
            ],
        ),
        ("change_objective_status", vec![("objective_id", &o), ("step", "withdraw")]),
        ("change_objective_status", vec![("objective_id", &o), ("step", "open_discussion")]),
        ("support_objective", vec![("objective_id", &o), ("support", "true")]),
        ("set_support_threshold", vec![("assembly_id", &a_id), ("threshold", "3")]),
    ];
    let public = app.browser();
    for (endpoint, form) in &calls {
        assert_eq!(public.call(endpoint, form).await.status, StatusCode::UNAUTHORIZED, "public calling {endpoint}");
        assert_eq!(staff.call(endpoint, form).await.status, StatusCode::FORBIDDEN, "staff calling {endpoint}");
    }
    // A member of another assembly has no say here.
    let other = app.assembly(&a.admin).await;
    let outsider = app.person(&a.admin, other, "member", "ailleurs").await;
    for (endpoint, form) in &calls {
        assert_eq!(outsider.call(endpoint, form).await.status, StatusCode::FORBIDDEN, "outsider calling {endpoint}");
    }
    assert_eq!(app.count("select count(*) from objectives").await, 1);
    assert_eq!(app.count("select count(*) from supports").await, 0);
    assert_eq!(app.browser().objective(id).await["status"], "proposed");
}

async fn the_preview_renders_sanitised_markdown_for_signed_in_people(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let m = &a.members[0];
    let r = m.call("preview_markdown", &[("text", "- **un**\n- <script>alert(1)</script>")]).await;
    let html: String = r.json();
    assert!(html.contains("<li><strong>un</strong></li>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert_eq!(m.call("preview_markdown", &[("text", "  ")]).await.error(), "body:required");
    assert_eq!(m.call("preview_markdown", &[("text", &"x".repeat(10_001))]).await.error(), "body:too_long");
    assert_eq!(app.browser().call("preview_markdown", &[("text", "x")]).await.status, StatusCode::UNAUTHORIZED);
}
