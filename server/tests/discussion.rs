//! Discussion (issue #3): threaded comments with stances, the 15-minute edit window,
//! deletion with a placeholder, locked discussions, long discussions, on both backends.
mod common;
use common::TestApp;
use reqwest::StatusCode;

on_both_backends!(
    comments_thread_three_levels_deep_with_stance_counts,
    bad_comments_are_refused_and_nothing_is_stored,
    authors_edit_for_fifteen_minutes_and_nobody_else_can,
    a_deleted_comment_leaves_a_placeholder_and_keeps_its_replies,
    a_locked_or_closed_discussion_takes_no_comment,
    only_participants_comment,
    a_thousand_comments_are_served_a_page_of_threads_at_a_time,
    without_javascript_a_comment_is_posted_confirmed_or_refused_with_its_text_kept,
);

async fn comments_thread_three_levels_deep_with_stance_counts(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let id = a.members[0].propose(a.id, "Un accueil téléphonique jusqu’à 19 heures", "phone").await;
    let top = a.members[1].comment(id, None, "against", "Le coût en personnel serait **trop élevé**.").await;
    let reply = a.members[2].comment(id, Some(top), "for", "On peut décaler les horaires, pas en ajouter.").await;
    let deeper = a.members[0].comment(id, Some(reply), "neutral", "À chiffrer avec le service.").await;
    let r = a.members[1].try_comment(id, Some(deeper), "for", "Trop profond").await;
    assert_eq!(r.error(), "reply_too_deep");
    a.facilitator.comment(id, None, "for", "Les habitants le demandent souvent.").await;
    let d = app.browser().discussion(id, 1).await;
    assert_eq!(d["counts"], serde_json::json!({ "for_": 2, "against": 1, "neutral": 1 }));
    assert_eq!(d["total"], 4);
    let threads = d["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0]["id"], top);
    assert_eq!(threads[0]["replies"][0]["id"], reply);
    assert_eq!(threads[0]["replies"][0]["replies"][0]["id"], deeper);
    assert_eq!(threads[0]["replies"][0]["replies"][0]["depth"], 2);
    let page = app.browser().get(&format!("/objectives/{id}")).await;
    assert!(page.body.contains("<strong>trop élevé</strong>") && page.body.contains("À chiffrer avec le service."));
    assert!(page.body.contains("Contre : 1") && page.body.contains("Pour : 2"));
    // A member's page repeats the reply, report and edit forms: every id stays unique.
    for (who, b) in [("member", &a.members[2]), ("facilitator", &a.facilitator)] {
        let page = b.get(&format!("/objectives/{id}")).await;
        assert!(page.body.matches("name=\"parent_id\"").count() >= 3, "{who} sees reply forms");
        assert_eq!(page.duplicate_ids(), Vec::<String>::new(), "duplicate ids on the {who}'s page");
    }
    let o = id.to_string();
    let other = a.members[0].propose(a.id, "Autre objectif", "other").await;
    let r = a.members[1]
        .call(
            "add_comment",
            &[("objective_id", &other.to_string()), ("parent_id", &top.to_string()), ("stance", "for"), ("body", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a reply stays in its objective's discussion");
    assert_eq!(app.count(&format!("select count(*) from comments where objective_id = {o}")).await, 4);
}

async fn bad_comments_are_refused_and_nothing_is_stored(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Des bancs dans la salle d’attente", "front_desk").await;
    let m = &a.members[0];
    assert_eq!(m.try_comment(id, None, "", "  ").await.error(), "stance:required,body:required");
    assert_eq!(
        m.try_comment(id, None, "maybe", &"x".repeat(5001)).await.error(),
        "stance:invalid_choice,body:too_long"
    );
    assert_eq!(m.try_comment(424242, None, "for", "Texte").await.status, StatusCode::NOT_FOUND);
    assert_eq!(m.try_comment(id, Some(999_999), "for", "Texte").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("select count(*) from comments").await, 0);
}

async fn authors_edit_for_fifteen_minutes_and_nobody_else_can(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let id = a.members[0].propose(a.id, "Prendre rendez-vous en ligne", "online_services").await;
    let c = a.members[1].comment(id, None, "for", "Bonne idée").await;
    let cs = c.to_string();
    let edit = [("comment_id", cs.as_str()), ("body", "Très bonne idée")];
    assert_eq!(a.members[0].call("edit_comment", &edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(a.facilitator.call("edit_comment", &edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.browser().call("edit_comment", &edit).await.status, StatusCode::UNAUTHORIZED);
    assert!(a.members[1].call("edit_comment", &edit).await.ok());
    let d = a.members[1].discussion(id, 1).await;
    assert_eq!(d["threads"][0]["edited"], true);
    assert!(d["threads"][0]["body_html"].as_str().unwrap().contains("Très bonne idée"));
    assert!(d["threads"][0]["editable_until"].is_i64(), "its author may still edit");
    assert!(a.members[0].discussion(id, 1).await["threads"][0]["editable_until"].is_null());
    assert!(app.browser().get(&format!("/objectives/{id}")).await.body.contains("modifié"));
    // Sixteen minutes later.
    sqlx::query("update comments set created_at = created_at - 960 where id = $1")
        .bind(c)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = a.members[1].call("edit_comment", &[("comment_id", &cs), ("body", "Trop tard")]).await;
    assert_eq!(r.error(), "edit_window_closed");
    assert!(a.members[1].discussion(id, 1).await["threads"][0]["editable_until"].is_null());
    assert_eq!(
        a.members[1].call("edit_comment", &[("comment_id", &cs), ("body", "")]).await.error(),
        "edit_window_closed"
    );
}

async fn a_deleted_comment_leaves_a_placeholder_and_keeps_its_replies(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let id = a.members[0].propose(a.id, "Une boucle magnétique à l’accueil", "accessibility").await;
    let c = a.members[1].comment(id, None, "neutral", "Mon message regrettable").await;
    a.members[0].comment(id, Some(c), "for", "Ma réponse reste").await;
    let cs = c.to_string();
    assert_eq!(a.members[0].call("delete_comment", &[("comment_id", &cs)]).await.status, StatusCode::FORBIDDEN);
    assert!(a.members[1].call("delete_comment", &[("comment_id", &cs)]).await.ok());
    let page = app.browser().get(&format!("/objectives/{id}")).await.body;
    assert!(!page.contains("Mon message regrettable"));
    assert!(page.contains("Commentaire supprimé par son auteur.") && page.contains("Ma réponse reste"));
    let d = app.browser().discussion(id, 1).await;
    assert_eq!(d["threads"][0]["deleted"], true);
    assert_eq!(d["threads"][0]["author"], "", "a deleted comment no longer names its author");
    assert_eq!(d["threads"][0]["replies"][0]["body_html"], "<p>Ma réponse reste</p>\n");
    assert_eq!(
        app.count("select count(*) from comments where body_md like '%regrettable%'").await,
        0,
        "the text is gone"
    );
    assert!(a.members[1].search(a.id, "regrettable").await.is_empty());
}

async fn a_locked_or_closed_discussion_takes_no_comment(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Une signalétique en gros caractères", "signage").await;
    let o = id.to_string();
    assert_eq!(
        a.members[0].call("lock_discussion", &[("objective_id", &o), ("locked", "true")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(a.facilitator.call("lock_discussion", &[("objective_id", &o), ("locked", "true")]).await.ok());
    assert_eq!(a.members[0].try_comment(id, None, "for", "Oui").await.error(), "discussion_locked");
    assert_eq!(app.browser().discussion(id, 1).await["open"], false);
    assert!(a.facilitator.call("lock_discussion", &[("objective_id", &o), ("locked", "false")]).await.ok());
    a.members[0].comment(id, None, "for", "Oui").await;
    a.members[0].call("change_objective_status", &[("objective_id", &o), ("step", "withdraw")]).await;
    assert_eq!(a.members[0].try_comment(id, None, "for", "Encore").await.error(), "invalid_state");
    assert_eq!(
        app.count("select count(*) from audit_events where action in ('moderation.lock', 'moderation.unlock')").await,
        2
    );
}

async fn only_participants_comment(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let staff = app.person(&a.admin, a.id, "staff", "agent").await;
    let id = a.members[0].propose(a.id, "Un accueil sans rendez-vous le jeudi", "front_desk").await;
    assert_eq!(app.browser().try_comment(id, None, "for", "Oui").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(staff.try_comment(id, None, "for", "Oui").await.status, StatusCode::FORBIDDEN);
    assert_eq!(a.admin.try_comment(id, None, "for", "Oui").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("select count(*) from comments").await, 0);
}

async fn a_thousand_comments_are_served_a_page_of_threads_at_a_time(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Un débat très suivi", "other").await;
    app.seed_discussion(id, 250).await;
    let d = app.browser().discussion(id, 1).await;
    assert_eq!(d["total"], 1000);
    assert_eq!(d["pages"], 9, "250 threads, 30 per page");
    assert_eq!(d["counts"], serde_json::json!({ "for_": 500, "against": 250, "neutral": 250 }));
    let threads = d["threads"].as_array().unwrap();
    assert_eq!(threads.len(), 30);
    assert_eq!(threads[0]["replies"].as_array().unwrap().len(), 2);
    assert_eq!(threads[0]["replies"][0]["replies"].as_array().unwrap().len(), 1);
    let last = app.browser().discussion(id, 9).await;
    assert_eq!(last["threads"].as_array().unwrap().len(), 10);
    assert_eq!(app.browser().discussion(id, 99).await["page"], 9, "a page past the end shows the last one");
    let page = app.browser().get(&format!("/objectives/{id}?comments=2")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("class=\"comment\"").count(), 120, "one page of threads is rendered, not all");
    assert!(page.body.contains("?comments=3"), "a link leads to the next page");
}

async fn without_javascript_a_comment_is_posted_confirmed_or_refused_with_its_text_kept(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Un accueil par visioconférence", "online_services").await;
    let m = &a.members[0];
    let referer = format!("/objectives/{id}?comments=1");
    let o = id.to_string();
    let r = m
        .post_form("add_comment", &referer, &[("objective_id", &o), ("stance", ""), ("body", "Mon avis détaillé")])
        .await;
    let back = r.location().expect("back to the page").to_owned();
    let page = m.get(back.trim_start_matches(&m.base)).await.body;
    assert!(page.contains("Mon avis détaillé"), "the text typed is kept");
    assert!(page.contains("Ce champ est obligatoire."), "the stance error is shown");
    let r = m
        .post_form(
            "add_comment",
            &back.replace(&m.base, ""),
            &[("objective_id", &o), ("stance", "for"), ("body", "Mon avis détaillé")],
        )
        .await;
    let back = r.location().expect("back to the page").to_owned();
    assert!(back.contains("done=add_comment") && back.contains("comments=1") && !back.contains("feedback="), "{back}");
    let page = m.get(back.trim_start_matches(&m.base)).await.body;
    assert!(page.contains("Votre commentaire est publié."));
    assert_eq!(app.count("select count(*) from comments").await, 1);
}
