//! Commitments (issue #5), on SQLite and PostgreSQL: staff publish an adopted objective as
//! a commitment and follow it (status with reasons, target date, milestones, declared
//! progress, indicators and measurements, updates); every forbidden case; the automatic
//! late status; notifications to the objective's author and supporters.
mod common;

use common::{adopted_objective, Browser, TestApp};
use serde_json::Value;

fn s(n: i64) -> String {
    n.to_string()
}

fn commitment_form<'a>(objective: &'a str, service: &'a str, date: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("objective_id", objective),
        ("service", service),
        ("contact_role", "responsable de l’accueil"),
        ("target_date", date),
        ("summary", "Décrocher en moins de **trois sonneries** aux heures d’ouverture."),
    ]
}

async fn commitment(b: &Browser, id: i64) -> Value {
    let r = b.call("get_commitment", &[("commitment_id", &s(id))]).await;
    assert!(r.ok(), "{r:?}");
    r.json()
}

async fn change(b: &Browser, id: i64, what: &str, value: &str, reason: &str) -> common::Reply {
    b.call("change_commitment", &[("commitment_id", &s(id)), ("what", what), ("value", value), ("reason", reason)])
        .await
}

async fn staff_publish_an_adopted_objective_and_follow_it(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let staff = app.person(&a.admin, a.id, "staff", "accueil").await;
    let (objective, round) = adopted_objective(&a, "Décrocher en moins de trois sonneries").await;
    let o = s(objective);

    // Forbidden: the public, a member, a facilitator; a proposed (not adopted) objective.
    assert_eq!(
        app.browser().call("create_commitment", &commitment_form(&o, "Accueil", "2027-06-30")).await.error(),
        "unauthenticated"
    );
    assert_eq!(
        a.members[0].call("create_commitment", &commitment_form(&o, "Accueil", "2027-06-30")).await.error(),
        "forbidden"
    );
    assert_eq!(
        a.facilitator.call("create_commitment", &commitment_form(&o, "Accueil", "2027-06-30")).await.error(),
        "forbidden"
    );
    let other = a.members[0].propose(a.id, "Un objectif encore en débat", "email").await;
    assert_eq!(
        staff.call("create_commitment", &commitment_form(&s(other), "Accueil", "2027-06-30")).await.error(),
        "not_adopted"
    );
    // Bad input comes back field by field.
    let r = staff.call("create_commitment", &commitment_form(&o, "", "2027-02-30")).await;
    assert_eq!(r.error(), "service:required,target_date:invalid_format");
    assert_eq!(app.count("select count(*) from commitments").await, 0);

    let r = staff.call("create_commitment", &commitment_form(&o, "Accueil et citoyenneté", "2099-06-30")).await;
    assert!(r.ok(), "{r:?}");
    let id: i64 = r.json();
    assert_eq!(
        staff.call("create_commitment", &commitment_form(&o, "Accueil", "2099-06-30")).await.error(),
        "already_committed"
    );
    let c = commitment(&app.browser(), id).await;
    assert_eq!(c["round_id"], round, "it links back to the vote that adopted it");
    assert_eq!(app.browser().objective(objective).await["commitment"], id, "and the objective links to it");
    assert_eq!(c["sitting"][1], "Séance de décision");
    assert_eq!(c["shown"], "planned");
    assert_eq!(c["can_edit"], false);
    assert!(c["summary_html"].as_str().unwrap().contains("<strong>trois sonneries</strong>"));

    // Milestones make the progress, unless staff declare it with a reason.
    for (title, due) in [("Former les agents", "2099-01-31"), ("Nouveau standard", "2099-03-31")] {
        let r = staff.call("add_milestone", &[("commitment_id", &s(id)), ("title", title), ("due_date", due)]).await;
        assert!(r.ok(), "{r:?}");
    }
    assert_eq!(
        staff
            .call("add_milestone", &[("commitment_id", &s(id)), ("title", "X"), ("due_date", "bientôt")])
            .await
            .error(),
        "title:too_short,due_date:invalid_format"
    );
    let first = commitment(&staff, id).await["milestones"][0]["id"].as_i64().unwrap();
    assert_eq!(
        a.members[0].call("set_milestone", &[("milestone_id", &s(first)), ("done", "true")]).await.error(),
        "forbidden"
    );
    assert!(staff.call("set_milestone", &[("milestone_id", &s(first)), ("done", "true")]).await.ok());
    assert_eq!(
        commitment(&app.browser(), id).await["progress"],
        serde_json::json!({ "Milestones": { "done": 1, "total": 2, "percent": 50 } })
    );
    assert_eq!(change(&staff, id, "progress", "80", "").await.error(), "reason:required");
    assert_eq!(change(&staff, id, "progress", "180", "x").await.error(), "value:invalid_format");
    assert!(change(&staff, id, "progress", "80", "standard installé, formation en cours").await.ok());
    assert_eq!(commitment(&app.browser(), id).await["progress"]["Declared"]["percent"], 80);

    // Status: abandoning needs a public reason; every change is dated and kept.
    assert_eq!(change(&staff, id, "status", "abandoned", "").await.error(), "reason:required");
    assert_eq!(change(&staff, id, "status", "finished", "").await.error(), "value:invalid_choice");
    assert_eq!(change(&a.members[0], id, "status", "done", "").await.error(), "forbidden");
    assert!(change(&staff, id, "status", "in_progress", "").await.ok());
    let c = commitment(&app.browser(), id).await;
    assert_eq!(c["shown"], "in_progress");
    let kinds: Vec<&str> = c["changes"].as_array().unwrap().iter().map(|ch| ch["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["status", "progress", "created"]);

    // Indicators and measurements, with French decimals; one value per date.
    let r = staff
        .call(
            "add_indicator",
            &[
                ("commitment_id", &s(id)),
                ("name", "Part des appels décrochés"),
                ("unit", "%"),
                ("baseline", "douze"),
                ("target", "90"),
                ("direction", "up"),
            ],
        )
        .await;
    assert_eq!(r.error(), "baseline:invalid_format,direction:invalid_choice");
    let r = staff
        .call(
            "add_indicator",
            &[
                ("commitment_id", &s(id)),
                ("name", "Part des appels décrochés"),
                ("unit", "%"),
                ("baseline", "62"),
                ("target", "90"),
                ("direction", "higher"),
            ],
        )
        .await;
    let indicator: i64 = r.json();
    let measure = |b: &Browser, on: &'static str, value: &'static str| {
        let b = b.clone();
        async move {
            b.call(
                "add_measurement",
                &[
                    ("indicator_id", &s(indicator)),
                    ("measured_on", on),
                    ("value", value),
                    ("source", "Statistiques du standard"),
                ],
            )
            .await
        }
    };
    assert!(measure(&staff, "2026-01-01", "62").await.ok());
    assert!(measure(&staff, "2026-02-01", "70,5").await.ok());
    assert!(measure(&staff, "2026-02-01", "71,5").await.ok(), "a correction replaces the value of that date");
    assert_eq!(measure(&staff, "2099-01-01", "80").await.error(), "measured_on:date_in_future");
    assert_eq!(measure(&staff, "2026-03-01", "beaucoup").await.error(), "value:invalid_format");
    assert_eq!(measure(&a.members[0], "2026-03-01", "75").await.error(), "forbidden");
    let c = commitment(&app.browser(), id).await;
    let ms = c["indicators"][0]["measurements"].as_array().unwrap();
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[1]["value"], 71.5);
    assert_eq!(c["indicators"][0]["trend"]["last_move"], "better");

    // An update notifies the author and the supporter, not the other voter.
    assert_eq!(staff.call("post_update", &[("commitment_id", &s(id)), ("body", "")]).await.error(), "body:required");
    assert!(staff
        .call("post_update", &[("commitment_id", &s(id)), ("body", "Le nouveau standard est **installé**.")])
        .await
        .ok());
    let author = a.members[0].call("list_notifications", &[]).await.json::<Value>();
    let kinds: Vec<&str> = author["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["update", "status", "created"]);
    assert_eq!(author["unread"], 3);
    assert_eq!(a.members[1].call("list_notifications", &[]).await.json::<Value>()["unread"], 3, "the supporter");
    assert_eq!(
        a.facilitator.call("list_notifications", &[]).await.json::<Value>()["unread"],
        0,
        "neither author nor supporter"
    );
    assert_eq!(app.browser().call("list_notifications", &[]).await.error(), "unauthenticated");
    assert_eq!(a.members[0].current_user().await.unwrap()["unread"], 3, "the menu shows the count");
    assert!(a.members[0].call("mark_notifications_read", &[]).await.ok());
    assert_eq!(a.members[0].call("list_notifications", &[]).await.json::<Value>()["unread"], 0);

    // The pages: progress bar, chart with its data table, the timeline.
    let page = app.browser().get(&format!("/commitments/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<progress"), "a progress bar");
    assert!(page.body.contains("indicator-chart") && page.body.contains("71,5 %"), "the chart and its numbers");
    assert!(page.body.contains(&format!("href=\"/rounds/{round}\"")), "traceability to the vote");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
    let staff_page = staff.get(&format!("/commitments/{id}")).await;
    assert!(staff_page.duplicate_ids().is_empty(), "{:?}", staff_page.duplicate_ids());
    assert!(app.count("select count(*) from audit_events where action like 'commitment.%' or action like 'milestone.%' or action like 'measurement.%' or action like 'indicator.%'").await >= 9);
}

/// A commitment past its target date shows as late by itself, until a new date is set.
async fn a_commitment_past_its_date_is_late_until_a_new_date_is_set(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let staff = app.person(&a.admin, a.id, "staff", "accueil").await;
    let (objective, _) = adopted_objective(&a, "Répondre aux courriels sous 48 heures").await;
    let id: i64 =
        staff.call("create_commitment", &commitment_form(&s(objective), "Courrier", "2099-12-31")).await.json();
    assert_eq!(change(&staff, id, "target_date", "2020-01-31", "").await.error(), "reason:required");
    assert!(change(&staff, id, "target_date", "2020-01-31", "saisie rétroactive").await.ok());
    let c = commitment(&app.browser(), id).await;
    assert_eq!(c["shown"], "late");
    assert_eq!(c["late_since"], "2020-02-01");
    let outcomes: Value = app.browser().call("get_outcomes", &[("assembly_id", &s(a.id))]).await.json();
    assert_eq!(outcomes["counts"]["late"], 1);
    let late: Value = app.browser().call("get_outcomes", &[("assembly_id", &s(a.id)), ("status", "late")]).await.json();
    assert_eq!(late["items"].as_array().unwrap().len(), 1);
    let done: Value = app.browser().call("get_outcomes", &[("assembly_id", &s(a.id)), ("status", "done")]).await.json();
    assert_eq!(done["items"].as_array().unwrap().len(), 0);
    assert!(change(&staff, id, "target_date", "2099-06-30", "nouveau calendrier voté").await.ok());
    assert_eq!(commitment(&app.browser(), id).await["shown"], "planned");
    assert!(change(&staff, id, "status", "done", "").await.ok());
    assert!(change(&staff, id, "target_date", "2020-01-31", "date réelle").await.ok());
    assert_eq!(commitment(&app.browser(), id).await["shown"], "done", "a done commitment is never late");
    let page = app.browser().get(&format!("/assemblies/{}/outcomes", a.id)).await;
    assert!(page.body.contains("Ce que nous avons décidé, où nous en sommes"));
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
}

/// Staff of one assembly can do nothing to another assembly's commitments.
async fn staff_of_another_assembly_are_refused(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let staff = app.person(&a.admin, a.id, "staff", "accueil").await;
    let (objective, _) = adopted_objective(&a, "Ouvrir le samedi matin").await;
    let id: i64 =
        staff.call("create_commitment", &commitment_form(&s(objective), "Accueil", "2099-12-31")).await.json();
    let indicator: i64 = staff
        .call(
            "add_indicator",
            &[
                ("commitment_id", &s(id)),
                ("name", "Visiteurs du samedi"),
                ("unit", "personnes"),
                ("baseline", "0"),
                ("target", "120"),
                ("direction", "higher"),
            ],
        )
        .await
        .json();
    let r = a
        .admin
        .call(
            "create_assembly",
            &[("name", "Assemblée de Brise-Haute"), ("town", "Brise-Haute"), ("description", "Voisine")],
        )
        .await;
    let other: i64 = r.json();
    let outsider = app.person(&a.admin, other, "staff", "voisin").await;
    assert_eq!(change(&outsider, id, "status", "done", "").await.error(), "forbidden");
    let r = outsider
        .call(
            "add_measurement",
            &[("indicator_id", &s(indicator)), ("measured_on", "2026-01-01"), ("value", "10"), ("source", "Comptage")],
        )
        .await;
    assert_eq!(r.error(), "forbidden", "a measurement on another assembly's indicator");
    assert_eq!(
        outsider.call("post_update", &[("commitment_id", &s(id)), ("body", "Intrusion")]).await.error(),
        "forbidden"
    );
    assert_eq!(app.count("select count(*) from measurements").await, 0);
    assert_eq!(app.count("select count(*) from progress_updates").await, 0);
    let edit = |b: &Browser, service: &'static str| {
        let b = b.clone();
        async move {
            b.call(
                "edit_commitment",
                &[
                    ("commitment_id", &s(id)),
                    ("service", service),
                    ("contact_role", "responsable de l’accueil"),
                    ("summary", "Ouvrir le samedi de 9 h à 12 h."),
                ],
            )
            .await
        }
    };
    assert_eq!(edit(&outsider, "Intrus").await.error(), "forbidden");
    assert_eq!(edit(&a.members[0], "Membre").await.error(), "forbidden");
    assert_eq!(edit(&staff, "").await.error(), "service:required");
    assert!(edit(&staff, "Accueil du samedi").await.ok());
    let c = commitment(&app.browser(), id).await;
    assert_eq!(c["service"], "Accueil du samedi");
    assert_eq!(c["summary_html"], "<p>Ouvrir le samedi de 9 h à 12 h.</p>\n");
    // The admin may act anywhere.
    assert!(change(&a.admin, id, "status", "in_progress", "").await.ok());
}

on_both_backends!(
    staff_publish_an_adopted_objective_and_follow_it,
    a_commitment_past_its_date_is_late_until_a_new_date_is_set,
    staff_of_another_assembly_are_refused,
);
