//! Sittings and votes (issue #4), on SQLite and PostgreSQL: planning, agenda, attendance,
//! proxies and the speaking queue; vote rounds of each method, every forbidden case,
//! receipts, secret ballots, concurrent ballots, recounts, and live events across servers.
mod common;

use common::{Assembly, Browser, TestApp};
use serde_json::Value;
use std::time::Duration;

fn s(n: i64) -> String {
    n.to_string()
}

/// A sitting planned by the facilitator, with `objectives` proposed by the first member
/// and put on its agenda. Returns (sitting id, objective ids).
async fn sitting_with_agenda(a: &Assembly, objectives: usize) -> (i64, Vec<i64>) {
    let r = a
        .facilitator
        .call(
            "plan_sitting",
            &[
                ("assembly_id", &s(a.id)),
                ("title", "Séance n°1 — accueil téléphonique"),
                ("date", "2027-01-14"),
                ("start", "18:30"),
                ("end", "20:30"),
                ("place", "Salle du conseil, mairie"),
                ("online_url", "https://visio.example.fr/assemblee"),
            ],
        )
        .await;
    assert!(r.ok(), "plan: {r:?}");
    let sitting: i64 = r.json();
    let mut ids = Vec::new();
    for i in 0..objectives {
        let id = a.members[0].propose(a.id, &format!("Objectif numéro {i} pour l’accueil"), "phone").await;
        let r = run(&a.facilitator, sitting, "add", Some(id)).await;
        assert!(r.ok(), "add to agenda: {r:?}");
        ids.push(id);
    }
    (sitting, ids)
}

async fn run(b: &Browser, sitting: i64, step: &str, objective: Option<i64>) -> common::Reply {
    let o = objective.map(s).unwrap_or_default();
    let mut form = vec![("sitting_id", s(sitting)), ("step", step.to_owned())];
    if objective.is_some() {
        form.push(("objective_id", o));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.call("run_sitting", &form).await
}

async fn sitting(b: &Browser, id: i64) -> Value {
    let r = b.call("get_sitting", &[("sitting_id", &s(id))]).await;
    assert!(r.ok(), "get_sitting: {r:?}");
    r.json()
}

async fn round(b: &Browser, id: i64) -> Value {
    let r = b.call("get_round", &[("round_id", &s(id))]).await;
    assert!(r.ok(), "get_round: {r:?}");
    r.json()
}

/// Opens a round; `extra` are more form fields (rules).
async fn open_round(
    b: &Browser,
    sitting: i64,
    method: &str,
    objectives: &[i64],
    extra: &[(&str, &str)],
) -> common::Reply {
    let mut form: Vec<(String, String)> = vec![("sitting_id".into(), s(sitting)), ("method".into(), method.into())];
    for (i, o) in objectives.iter().enumerate() {
        form.push((format!("objectives[{i}]"), s(*o)));
    }
    for (k, v) in extra {
        form.push(((*k).into(), (*v).into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.call("open_round", &form).await
}

async fn vote(b: &Browser, round: i64, choices: &[(i64, &str)], extra: &[(&str, &str)]) -> common::Reply {
    let mut form: Vec<(String, String)> = vec![("round_id".into(), s(round))];
    for (o, v) in choices {
        form.push((format!("choices[{o}]"), (*v).into()));
    }
    for (k, v) in extra {
        form.push(((*k).into(), (*v).into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.call("cast_ballot", &form).await
}

async fn close(b: &Browser, round: i64) -> common::Reply {
    b.call("close_round", &[("round_id", &s(round))]).await
}

async fn status_of(app: &TestApp, objective: i64) -> String {
    let (st,): (String,) = sqlx::query_as("select status from objectives where id = $1")
        .bind(objective)
        .fetch_one(&app.state.db.pool)
        .await
        .expect("objective");
    st
}

async fn recount_problems(app: &TestApp) -> Vec<String> {
    app::voting::service::recount(&app::context::Ctx::from(&app.state))
        .await
        .expect("recount")
        .into_iter()
        .flat_map(|r| r.problems.into_iter().map(move |p| format!("round {}: {p}", r.round)))
        .collect()
}

async fn facilitator_plans_a_sitting_that_members_can_add_to_their_calendar(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let plan = |title: &'static str, start: &'static str, end: &'static str, place: &'static str, url: &'static str| {
        let id = s(a.id);
        let b = a.facilitator.clone();
        async move {
            b.call(
                "plan_sitting",
                &[
                    ("assembly_id", &id),
                    ("title", title),
                    ("date", "2027-01-14"),
                    ("start", start),
                    ("end", end),
                    ("place", place),
                    ("online_url", url),
                ],
            )
            .await
        }
    };
    let r = plan("Séance", "20:30", "18:30", "", "javascript:alert(1)").await;
    assert_eq!(r.error(), "online_url:invalid_format,end:end_before_start", "{r:?}");
    let r = plan("Séance", "18:30", "20:30", "", "").await;
    assert_eq!(r.error(), "place:place_or_link_required");
    let r = plan("Séance de janvier", "18:30", "20:30", "Salle du conseil, mairie", "").await;
    assert!(r.ok(), "{r:?}");
    let id: i64 = r.json();
    // A member cannot plan one.
    let r = a.members[0]
        .call(
            "plan_sitting",
            &[
                ("assembly_id", &s(a.id)),
                ("title", "Ma séance"),
                ("date", "2027-01-15"),
                ("start", "10:00"),
                ("end", "11:00"),
                ("place", "Chez moi"),
                ("online_url", ""),
            ],
        )
        .await;
    assert_eq!(r.error(), "forbidden");
    let list: Value = app.browser().call("list_sittings", &[("assembly_id", &s(a.id))]).await.json();
    assert_eq!(list["upcoming"][0]["title"], "Séance de janvier");
    assert_eq!(list["can_plan"], false, "the public cannot plan");
    let home = app.browser().get(&format!("/assemblies/{}", a.id)).await;
    assert!(
        home.body.contains("Prochaine séance :") && home.body.contains(&format!("href=\"/sittings/{id}\"")),
        "the assembly page points to it"
    );
    // 14 January 2027, 18:30 in Paris is 17:30 UTC.
    let ics = app.browser().get(&format!("/sittings/{id}/calendar.ics")).await;
    assert_eq!(ics.headers["content-type"], "text/calendar; charset=utf-8");
    assert!(ics.body.contains("DTSTART:20270114T173000Z\r\n"), "{}", ics.body);
    assert!(ics.body.contains("LOCATION:Salle du conseil\\, mairie"), "{}", ics.body);
    let page = app.browser().get(&format!("/sittings/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Séance de janvier") && page.body.contains("14/01/2027 18:30"), "public sitting page");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
}

async fn agenda_attendance_and_the_speaking_queue(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let (sit, ids) = sitting_with_agenda(&a, 3).await;
    assert_eq!(run(&a.members[1], sit, "add", Some(ids[0])).await.error(), "forbidden");
    assert!(run(&a.facilitator, sit, "down", Some(ids[0])).await.ok());
    assert!(run(&a.facilitator, sit, "current", Some(ids[2])).await.ok());
    let v = sitting(&a.facilitator, sit).await;
    let order: Vec<i64> = v["agenda"].as_array().unwrap().iter().map(|e| e["objective_id"].as_i64().unwrap()).collect();
    assert_eq!(order, vec![ids[1], ids[0], ids[2]]);
    assert_eq!(v["agenda"][2]["current"], true);

    // Check-in is the facilitator's: in the room, online, absent again.
    let member_ids: Vec<i64> =
        v["attendees"].as_array().unwrap().iter().map(|p| p["person"]["id"].as_i64().unwrap()).collect();
    assert_eq!(member_ids.len(), 4, "three members and the facilitator");
    for (i, mode) in ["room", "online", "room"].iter().enumerate() {
        let r = a
            .facilitator
            .call("check_in", &[("sitting_id", &s(sit)), ("user_id", &s(member_ids[i])), ("mode", mode)])
            .await;
        assert!(r.ok(), "{r:?}");
    }
    let r = a
        .facilitator
        .call("check_in", &[("sitting_id", &s(sit)), ("user_id", &s(member_ids[2])), ("mode", "absent")])
        .await;
    assert!(r.ok());
    let r = a.members[0]
        .call("check_in", &[("sitting_id", &s(sit)), ("user_id", &s(member_ids[0])), ("mode", "room")])
        .await;
    assert_eq!(r.error(), "forbidden");
    let v = sitting(&a.members[0], sit).await;
    assert_eq!((v["present_room"].as_i64(), v["present_online"].as_i64()), (Some(1), Some(1)));
    assert_eq!(v["attendees"].as_array().unwrap().len(), 0, "only facilitators see the check-in list");

    // The queue works during a live sitting only.
    let q = |b: &Browser, step: &'static str, turn: Option<i64>| {
        let b = b.clone();
        async move {
            let t = turn.map(s).unwrap_or_default();
            let mut form = vec![("sitting_id", s(sit)), ("step", step.to_owned())];
            if turn.is_some() {
                form.push(("turn_id", t));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.call("speaking_queue", &form).await
        }
    };
    assert_eq!(q(&a.members[0], "raise", None).await.error(), "invalid_state");
    assert!(run(&a.facilitator, sit, "start", None).await.ok());
    assert!(q(&a.members[0], "raise", None).await.ok());
    assert!(q(&a.members[0], "raise", None).await.ok(), "raising twice is harmless");
    assert!(q(&a.members[1], "raise", None).await.ok());
    let v = sitting(&a.members[0], sit).await;
    assert_eq!(v["queue"].as_array().unwrap().len(), 2, "one open hand per member");
    assert_eq!(v["viewer"]["hand_raised"], true);
    let first = v["queue"][0]["id"].as_i64().unwrap();
    let second = v["queue"][1]["id"].as_i64().unwrap();
    assert_eq!(q(&a.members[1], "give", Some(first)).await.error(), "forbidden");
    assert!(q(&a.facilitator, "give", Some(first)).await.ok());
    let screen = app.browser().get(&format!("/sittings/{sit}/screen")).await;
    assert_eq!(screen.status, 200);
    let current_title = v["agenda"][2]["title"].as_str().unwrap().to_owned();
    assert!(
        screen.body.contains(&format!("<h1>{current_title}</h1>")),
        "the room's screen shows the item under discussion"
    );
    assert!(screen.body.contains("A la parole :"), "and who speaks");
    assert!(q(&a.facilitator, "give", Some(second)).await.ok(), "giving the floor ends the current turn");
    assert!(q(&a.facilitator, "end", None).await.ok());
    let v = sitting(&app.browser(), sit).await;
    assert!(v["speaker"].is_null());
    assert_eq!(v["queue"].as_array().unwrap().len(), 0);
    assert_eq!(v["speaking_times"].as_array().unwrap().len(), 2, "{v}");
    assert!(app.count("select count(*) from audit_events where action like 'speaking.%'").await >= 5);
}

async fn a_member_holds_at_most_one_proxy_and_proxies_are_audited(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let (sit, _) = sitting_with_agenda(&a, 1).await;
    let ids: Vec<i64> = sitting(&a.facilitator, sit).await["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["person"]["name"].as_str().unwrap().starts_with("Personne membre"))
        .map(|p| p["person"]["id"].as_i64().unwrap())
        .collect();
    let (m0, m1, m2) = (ids[0], ids[1], ids[2]);
    let give = |b: &Browser, holder: Option<i64>| {
        let b = b.clone();
        async move {
            let h = holder.map(s).unwrap_or_default();
            let mut form = vec![("sitting_id", s(sit))];
            if holder.is_some() {
                form.push(("holder_id", h));
            }
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.call("give_proxy", &form).await
        }
    };
    let pool = app.state.db.pool.clone();
    let name = |id: i64| {
        let pool = pool.clone();
        async move {
            let (n,): (String,) =
                sqlx::query_as("select display_name from users where id = $1").bind(id).fetch_one(&pool).await.unwrap();
            n
        }
    };
    // Members are listed by name; find each member's browser by their id.
    let mut who = std::collections::HashMap::new();
    for (i, b) in a.members.iter().enumerate() {
        let me = b.current_user().await.unwrap();
        who.insert(me["id"].as_i64().unwrap(), i);
    }
    let b = |id: i64| a.members[who[&id]].clone();
    assert_eq!(give(&b(m0), Some(m0)).await.error(), "holder_id:invalid_choice", "not to oneself");
    assert!(give(&b(m0), Some(m1)).await.ok());
    assert_eq!(give(&b(m2), Some(m1)).await.error(), "holder_id:proxy_taken", "one proxy per holder");
    assert_eq!(give(&b(m1), Some(m2)).await.error(), "holder_id:proxy_taken", "a holder does not pass it on");
    assert_eq!(give(&b(m2), Some(m0)).await.error(), "holder_id:proxy_taken", "a giver holds none");
    let v = sitting(&a.facilitator, sit).await;
    assert_eq!(v["proxies"].as_array().unwrap().len(), 1);
    assert_eq!(v["proxies"][0]["holder"]["name"], Value::String(name(m1).await));
    assert_eq!(sitting(&b(m2), sit).await["proxies"].as_array().unwrap().len(), 0, "members do not see the list");
    assert_eq!(sitting(&b(m1), sit).await["viewer"]["proxy_held_for"]["id"], m0);
    assert!(give(&b(m0), None).await.ok(), "withdrawn");
    assert!(give(&b(m2), Some(m1)).await.ok(), "free again");
    assert_eq!(
        app.count("select count(*) from audit_events where action in ('proxy.give', 'proxy.withdraw')").await,
        3
    );
}

/// Each forbidden case answers with its reason and stores nothing.
async fn forbidden_votes_are_refused_and_store_nothing(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let (sit, ids) = sitting_with_agenda(&a, 2).await;
    assert_eq!(
        open_round(&a.members[0], sit, "yes_no", &ids[..1], &[]).await.error(),
        "forbidden",
        "a member opening a round"
    );
    assert_eq!(open_round(&app.browser(), sit, "yes_no", &ids[..1], &[]).await.error(), "unauthenticated");
    assert_eq!(open_round(&a.facilitator, sit, "yes_no", &[], &[]).await.error(), "objectives:required");
    assert_eq!(
        open_round(&a.facilitator, sit, "majority_judgment", &ids[..1], &[]).await.error(),
        "objectives:too_few_objectives"
    );
    let r =
        open_round(&a.facilitator, sit, "yes_no", &ids[..1], &[("quorum_base", "present"), ("quorum_percent", "50")])
            .await;
    assert!(r.ok(), "{r:?}");
    let rid: i64 = r.json();
    assert_eq!(status_of(&app, ids[0]).await, "voting");
    assert_eq!(
        open_round(&a.facilitator, sit, "yes_no", &ids[..1], &[]).await.error(),
        "objectives:objective_not_votable",
        "an objective is in one open round at a time"
    );
    // Proxy: member 2 gives to member 1.
    let m2 = a.members[2].current_user().await.unwrap()["id"].as_i64().unwrap();
    assert!(a.members[2]
        .call(
            "give_proxy",
            &[("sitting_id", &s(sit)), ("holder_id", &a.members[1].current_user().await.unwrap()["id"].to_string())]
        )
        .await
        .ok());

    assert_eq!(vote(&app.browser(), rid, &[(ids[0], "yes")], &[]).await.error(), "unauthenticated");
    assert_eq!(vote(&a.members[0], rid, &[], &[]).await.error(), "ballot_incomplete");
    assert_eq!(vote(&a.members[0], rid, &[(ids[0], "oui")], &[]).await.error(), "invalid_choice");
    assert_eq!(vote(&a.members[0], rid, &[(ids[1], "yes")], &[]).await.error(), "invalid_choice", "not in this round");
    assert_eq!(
        vote(&a.members[0], rid, &[(ids[0], "yes")], &[("on_behalf", &s(m2))]).await.error(),
        "no_proxy",
        "for someone else without a proxy"
    );
    assert_eq!(vote(&a.members[2], rid, &[(ids[0], "yes")], &[]).await.error(), "proxy_given");
    let staff = app.person(&a.admin, a.id, "staff", "accueil").await;
    assert_eq!(vote(&staff, rid, &[(ids[0], "yes")], &[]).await.error(), "forbidden", "staff do not vote");
    assert_eq!(app.count("select count(*) from ballots").await, 0);

    // The holder votes for the giver; the member votes, then changes their vote.
    assert!(vote(&a.members[1], rid, &[(ids[0], "no")], &[("on_behalf", &s(m2))]).await.ok());
    let first = vote(&a.members[0], rid, &[(ids[0], "no")], &[]).await;
    assert!(first.ok(), "{first:?}");
    let again = vote(&a.members[0], rid, &[(ids[0], "yes")], &[]).await;
    assert!(again.ok(), "{again:?}");
    assert_eq!(again.json::<Value>()["changed"], true);
    assert_eq!(again.json::<Value>()["hash"], first.json::<Value>()["hash"], "the same ballot, replaced");
    // Member 0 voted, then gives their proxy to the facilitator: it does not override them.
    let m0 = a.members[0].current_user().await.unwrap()["id"].as_i64().unwrap();
    let fac = a.facilitator.current_user().await.unwrap()["id"].as_i64().unwrap();
    assert!(a.members[0].call("give_proxy", &[("sitting_id", &s(sit)), ("holder_id", &s(fac))]).await.ok());
    assert_eq!(
        vote(&a.facilitator, rid, &[(ids[0], "no")], &[("on_behalf", &s(m0))]).await.error(),
        "proxy_giver_voted"
    );
    assert_eq!(app.count(&format!("select count(*) from ballots where round_id = {rid}")).await, 2);
    assert_eq!(
        app.count(&format!(
            "select count(*) from participations where round_id = {rid} and voter_id = {m2} and cast_by <> voter_id"
        ))
        .await,
        1
    );

    assert_eq!(
        run(&a.facilitator, sit, "close", None).await.error(),
        "rounds_still_open",
        "a sitting with a vote open"
    );
    assert_eq!(close(&a.members[0], rid).await.error(), "forbidden", "a member closing a round");
    assert!(close(&a.facilitator, rid).await.ok());
    assert_eq!(close(&a.facilitator, rid).await.error(), "round_closed");
    assert_eq!(vote(&a.members[0], rid, &[(ids[0], "no")], &[]).await.error(), "round_closed", "after close");
    let r = round(&app.browser(), rid).await;
    assert_eq!(r["ballots"].as_array().unwrap().len(), 2);
    let yes_for =
        r["ballots"].as_array().unwrap().iter().filter(|b| b["content"]["yes_no"][s(ids[0])] == "yes").count();
    assert_eq!(yes_for, 1, "only the last ballot of member 0 counts");
}

async fn a_yes_no_round_decides_and_publishes_ballots_that_anyone_can_recount(app: TestApp) {
    let a = app.assembly_with_people(4).await;
    let (sit, ids) = sitting_with_agenda(&a, 2).await;
    let people = sitting(&a.facilitator, sit).await["attendees"].as_array().unwrap().clone();
    for p in people.iter().take(4) {
        let r = a
            .facilitator
            .call("check_in", &[("sitting_id", &s(sit)), ("user_id", &p["person"]["id"].to_string()), ("mode", "room")])
            .await;
        assert!(r.ok());
    }
    let r = open_round(
        &a.facilitator,
        sit,
        "yes_no",
        &ids,
        &[
            ("quorum_base", "present"),
            ("quorum_percent", "50"),
            ("threshold", "two_thirds"),
            ("abstentions", "excluded"),
        ],
    )
    .await;
    let rid: i64 = r.json();
    let open = round(&a.members[0], rid).await;
    assert_eq!(open["present_count"], 4);
    assert_eq!(open["members_count"], 5);
    assert_eq!(open["rules"]["method"], "yes_no");
    assert_eq!(open["ballots"].as_array().unwrap().len(), 0, "nothing published while open");
    let mut receipts = Vec::new();
    for (i, (c0, c1)) in [("yes", "no"), ("yes", "yes"), ("yes", "no"), ("abstain", "no")].iter().enumerate() {
        let r = vote(&a.members[i], rid, &[(ids[0], c0), (ids[1], c1)], &[]).await;
        assert!(r.ok(), "{r:?}");
        receipts.push(r.json::<Value>()["code"].as_str().unwrap().to_owned());
    }
    assert_eq!(round(&app.browser(), rid).await["ballots_count"], 4);
    assert!(close(&a.facilitator, rid).await.ok());
    // 3 yes of 3 counted (abstention excluded) adopts; 1 yes of 4 rejects.
    assert_eq!(status_of(&app, ids[0]).await, "adopted");
    assert_eq!(status_of(&app, ids[1]).await, "rejected");
    // The objective links to the vote that decided it.
    let objective = app.browser().objective(ids[0]).await;
    assert_eq!(objective["votes"][0], serde_json::json!([rid, "yes_no", true]));
    assert!(app
        .browser()
        .get(&format!("/objectives/{}", ids[0]))
        .await
        .body
        .contains(&format!("href=\"/rounds/{rid}\"")));
    let public = round(&app.browser(), rid).await;
    assert_eq!(public["result"]["yes_no"][0][1]["adopted"], true);
    assert_eq!(public["result"]["yes_no"][0][1]["yes_needed"], 2);
    assert!(public["ballots"].as_array().unwrap().iter().all(|b| b["voter"].is_null()), "the public sees no names");
    let names = round(&a.members[3], rid).await;
    assert!(
        names["ballots"].as_array().unwrap().iter().all(|b| b["voter"].as_str().is_some()),
        "members see who voted what"
    );
    assert!(public["head_hash"].as_str().unwrap().len() == 64);

    // A voter finds their receipt in the published list; a wrong code is not found.
    let r = app
        .browser()
        .call("get_round", &[("round_id", &s(rid)), ("receipt", &receipts[2].to_lowercase())])
        .await
        .json::<Value>();
    assert_eq!(r["receipt_check"][1], true);
    let r = app
        .browser()
        .call("get_round", &[("round_id", &s(rid)), ("receipt", "AAAA-BBBB-CCCC-DDDD-EEEE")])
        .await
        .json::<Value>();
    assert_eq!(r["receipt_check"][1], false);
    let page = app.browser().get(&format!("/rounds/{rid}?receipt={}", receipts[2])).await;
    assert!(
        page.body.contains("<tr class=\"mine\""),
        "the voter's ballot is highlighted: {}",
        &page.body[page.body.find("check-heading").unwrap_or(0)..]
            [..3000.min(page.body.len() - page.body.find("check-heading").unwrap_or(0))]
    );
    let svg = page.body.find("<svg").map(|i| &page.body[i..(i + 300).min(page.body.len())]).unwrap_or("no svg");
    assert!(svg.contains("class=\"chart\"") && svg.contains("role=\"img\""), "an accessible chart: {svg}");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());

    // The published record recounts to the same result, and the chain verifies.
    let export: Value =
        serde_json::from_str(&app.browser().get(&format!("/rounds/{rid}/ballots.json")).await.body).unwrap();
    assert_eq!(export["ballots"].as_array().unwrap().len(), 4);
    let ballots: Vec<app::voting::BallotContent> = export["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| serde_json::from_value(b["content"].clone()).unwrap())
        .collect();
    let rules: app::voting::Rules = serde_json::from_value(export["rules"].clone()).unwrap();
    let recomputed = app::voting::compute_result(
        &rules,
        &ids.iter().copied().map(app::ids::ObjectiveId).collect::<Vec<_>>(),
        &ballots,
        5,
        4,
    );
    assert_eq!(serde_json::to_value(&recomputed).unwrap(), export["result"]);
    let log: Vec<app::voting::chain::Entry> = export["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| app::voting::chain::Entry {
            seq: e["seq"].as_i64().unwrap(),
            kind: e["kind"].as_str().unwrap().into(),
            payload: e["payload"].as_str().unwrap().into(),
            prev_hash: e["prev_hash"].as_str().unwrap().into(),
            hash: e["hash"].as_str().unwrap().into(),
        })
        .collect();
    assert_eq!(app::voting::chain::verify(rid, &log).as_deref(), Ok(export["head_hash"].as_str().unwrap()));
    assert!(recount_problems(&app).await.is_empty());

    // Tampering with a stored ballot, or with the log, is reported by the recount.
    sqlx::query(&format!("update ballots set content = '{{\"yes_no\":{{\"{}\":\"no\",\"{}\":\"no\"}}}}' where round_id = {rid} and receipt_hash = (select min(receipt_hash) from ballots where round_id = {rid})", ids[0], ids[1]))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let problems = recount_problems(&app).await;
    assert!(problems.iter().any(|p| p.contains("differs from its last log entry")), "{problems:?}");
    // The log is append-only: the database refuses to change or remove an entry...
    let tamper = format!("update round_log set payload = '{{}}' where round_id = {rid} and seq = 2");
    assert!(sqlx::query(&tamper).execute(&app.state.db.pool).await.is_err(), "an entry cannot be changed");
    let remove = format!("delete from round_log where round_id = {rid} and seq = 3");
    assert!(sqlx::query(&remove).execute(&app.state.db.pool).await.is_err(), "nor removed");
    // ...and should someone with the keys to the database lift that, the recount sees it.
    let lift = match app.backend {
        common::Backend::Sqlite => "drop trigger round_log_no_update",
        common::Backend::Postgres => "drop trigger round_log_append_only on round_log",
    };
    sqlx::query(lift).execute(&app.state.db.pool).await.unwrap();
    sqlx::query(&tamper).execute(&app.state.db.pool).await.unwrap();
    assert!(recount_problems(&app).await.iter().any(|p| p.contains("entry 2 was altered")));
}

async fn a_secret_round_keeps_voters_apart_from_ballots(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let (sit, ids) = sitting_with_agenda(&a, 1).await;
    let rid: i64 =
        open_round(&a.facilitator, sit, "yes_no", &ids, &[("secret", "1"), ("quorum_base", "none")]).await.json();
    let first = vote(&a.members[0], rid, &[(ids[0], "no")], &[]).await;
    let code = first.json::<Value>()["code"].as_str().unwrap().to_owned();
    assert!(vote(&a.members[1], rid, &[(ids[0], "yes")], &[]).await.ok());
    assert_eq!(
        app.count("select count(*) from ballots where voter_id is not null").await,
        0,
        "no voter on a secret ballot"
    );
    // Changing a secret ballot needs the receipt code: without it (a fresh browser), or
    // with another code, it is refused; with it, the ballot is replaced.
    let other_device = app.browser();
    let r = other_device.call("login", &[("login", "membre0"), ("password", common::PASSWORD)]).await;
    assert!(r.ok(), "{r:?}");
    assert_eq!(vote(&other_device, rid, &[(ids[0], "yes")], &[]).await.error(), "receipt_required");
    assert_eq!(
        vote(&other_device, rid, &[(ids[0], "yes")], &[("receipt", "AAAA-BBBB-CCCC-DDDD-EEEE")]).await.error(),
        "receipt_invalid"
    );
    assert_eq!(
        vote(&other_device, rid, &[(ids[0], "yes")], &[("receipt", "pas un code")]).await.error(),
        "receipt_invalid"
    );
    let changed = vote(&other_device, rid, &[(ids[0], "yes")], &[("receipt", &code)]).await;
    assert!(changed.ok(), "{changed:?}");
    assert_eq!(changed.json::<Value>()["changed"], true);
    // The browser that voted kept its code: it changes the ballot without retyping it.
    assert!(vote(&a.members[0], rid, &[(ids[0], "abstain")], &[]).await.ok());
    assert_eq!(app.count(&format!("select count(*) from ballots where round_id = {rid}")).await, 2);
    assert!(close(&a.facilitator, rid).await.ok());
    let members_view = round(&a.members[1], rid).await;
    assert!(
        members_view["ballots"].as_array().unwrap().iter().all(|b| b["voter"].is_null()),
        "nobody sees names in a secret round"
    );
    let abstained = members_view["ballots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["content"]["yes_no"][s(ids[0])] == "abstain")
        .count();
    assert_eq!(abstained, 1);
    assert!(recount_problems(&app).await.is_empty());
}

async fn majority_judgment_ranks_and_approval_caps_choices(app: TestApp) {
    let a = app.assembly_with_people(3).await;
    let (sit, ids) = sitting_with_agenda(&a, 3).await;
    let rid: i64 = open_round(&a.facilitator, sit, "majority_judgment", &ids, &[]).await.json();
    let grades =
        [["very_good", "good", "reject"], ["good", "good", "passable"], ["good", "fairly_good", "insufficient"]];
    for (i, g) in grades.iter().enumerate() {
        // Member 2 leaves the third objective ungraded: it counts as "À rejeter".
        let choices: Vec<(i64, &str)> = ids
            .iter()
            .zip(g.iter())
            .filter(|(_, g)| !(i == 2 && **g == "insufficient"))
            .map(|(o, g)| (*o, *g))
            .collect();
        assert!(vote(&a.members[i], rid, &choices, &[]).await.ok());
    }
    assert_eq!(vote(&a.members[0], rid, &[(ids[0], "superbe")], &[]).await.error(), "invalid_choice");
    assert!(close(&a.facilitator, rid).await.ok());
    let r = round(&app.browser(), rid).await;
    let ranking = r["result"]["majority_judgment"]["judgment"]["ranking"].as_array().unwrap();
    // Objectives 0 and 1 both have the majority grade "good"; the tie-break separates them.
    assert_eq!(ranking[2]["candidate"], 2);
    assert_eq!(ranking[2]["profile"][6], 2, "the ungraded objective got a second \"reject\"");
    assert!(!r["result"]["majority_judgment"]["judgment"]["tie_breaks"].as_array().unwrap().is_empty());
    assert_eq!(status_of(&app, ids[0]).await, "proposed", "a ranking does not adopt");
    let page = app.browser().get(&format!("/rounds/{rid}")).await;
    assert!(page.body.contains("class=\"chart merit\""), "merit profiles drawn");

    let rid: i64 = open_round(&a.facilitator, sit, "approval", &ids, &[("max_choices", "2")]).await.json();
    assert_eq!(
        vote(&a.members[0], rid, &[(ids[0], "1"), (ids[1], "1"), (ids[2], "1")], &[]).await.error(),
        "too_many_choices"
    );
    assert!(vote(&a.members[0], rid, &[(ids[0], "1"), (ids[2], "1")], &[]).await.ok());
    assert!(vote(&a.members[1], rid, &[(ids[2], "1")], &[]).await.ok());
    assert!(vote(&a.members[2], rid, &[], &[]).await.ok(), "a blank approval ballot");
    assert!(close(&a.facilitator, rid).await.ok());
    let r = round(&app.browser(), rid).await;
    assert_eq!(r["result"]["approval"]["counts"], serde_json::json!([1, 0, 2]));
    assert_eq!(r["result"]["approval"]["ballots"], 3);
    assert!(recount_problems(&app).await.is_empty());
}

/// A round whose time has run out is closed when next read (and by the server's ticker).
async fn a_round_closes_at_its_set_time(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let (sit, ids) = sitting_with_agenda(&a, 1).await;
    assert_eq!(
        open_round(&a.facilitator, sit, "yes_no", &ids, &[("closes_in", "0")]).await.error(),
        "closes_in:invalid_format"
    );
    let rid: i64 =
        open_round(&a.facilitator, sit, "yes_no", &ids, &[("closes_in", "30"), ("quorum_base", "none")]).await.json();
    assert!(vote(&a.members[0], rid, &[(ids[0], "yes")], &[]).await.ok());
    sqlx::query(&format!("update vote_rounds set closes_at = {} where id = {rid}", app::db::now() - 1))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(vote(&a.members[0], rid, &[(ids[0], "no")], &[]).await.error(), "round_closed");
    let r = round(&app.browser(), rid).await;
    assert_eq!(r["status"], "closed");
    assert_eq!(status_of(&app, ids[0]).await, "adopted");
    assert_eq!(
        app.count(&format!(
            "select count(*) from audit_events where action = 'round.close' and actor_id is null and target_id = {rid}"
        ))
        .await,
        1
    );
}

/// Without JavaScript: the ballot form posts, the page comes back with the receipt.
async fn a_vote_without_javascript_comes_back_with_its_receipt(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let (sit, ids) = sitting_with_agenda(&a, 1).await;
    let rid: i64 = open_round(&a.facilitator, sit, "yes_no", &ids, &[]).await.json();
    let page = a.members[0].get(&format!("/rounds/{rid}")).await;
    assert!(page.body.contains(&format!("name=\"choices[{}]\"", ids[0])), "the ballot form");
    let form = [("round_id", s(rid)), (&*format!("choices[{}]", ids[0]), "yes".into())].map(|(k, v)| (k.to_owned(), v));
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = a.members[0].post_form("cast_ballot", &format!("/rounds/{rid}"), &form).await;
    assert!(r.status.is_redirection(), "{r:?}");
    assert!(r.location().unwrap().contains("done=cast_ballot"));
    let back = a.members[0].get(&format!("/rounds/{rid}")).await;
    let (hash,): (String,) = sqlx::query_as("select receipt_hash from ballots where round_id = $1")
        .bind(rid)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let code = back
        .body
        .split("<code class=\"receipt-code\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .expect("receipt shown")
        .to_owned();
    assert_eq!(app::voting::chain::receipt_hash(&code), hash);
    // A refused ballot comes back to the form with the reason.
    let r = a.members[0].post_form("cast_ballot", &format!("/rounds/{rid}"), &[("round_id", &s(rid))]).await;
    let back = a.members[0].get(r.location().unwrap().trim_start_matches(&a.members[0].base)).await;
    assert!(back.body.contains("Répondez pour chaque objectif"), "{}", back.body.len());
}

/// 100 members each send 20 ballots at once: exactly one counted ballot each.
async fn concurrent_ballots_leave_one_ballot_per_member(app: TestApp) {
    let a = app.assembly_with_people(0).await;
    let voters = app.quick_members(a.id, 100).await;
    let (sit, ids) = {
        let r = a
            .facilitator
            .call(
                "plan_sitting",
                &[
                    ("assembly_id", &s(a.id)),
                    ("title", "Séance de charge"),
                    ("date", "2027-02-01"),
                    ("start", "18:00"),
                    ("end", "20:00"),
                    ("place", "Mairie"),
                    ("online_url", ""),
                ],
            )
            .await;
        let sit: i64 = r.json();
        let o = voters[0].propose(a.id, "Répondre au téléphone dès la première sonnerie", "phone").await;
        assert!(run(&a.facilitator, sit, "add", Some(o)).await.ok());
        (sit, vec![o])
    };
    let rid: i64 =
        open_round(&a.facilitator, sit, "yes_no", &ids, &[("quorum_base", "members"), ("quorum_percent", "50")])
            .await
            .json();
    // 2,000 ballots, at most 64 in flight: each member's 20 ballots race one another and
    // those of the next members, while no request queues long enough to meet the server's
    // time limits on a slow, busy machine (this test is about correctness, not speed).
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, v) in voters.iter().enumerate() {
        for k in 0..20 {
            let v = v.clone();
            let o = ids[0];
            let in_flight = in_flight.clone();
            tasks.spawn(async move {
                let _permit = in_flight.acquire_owned().await.expect("semaphore");
                let choice = if (i + k) % 3 == 0 { "no" } else { "yes" };
                let r = vote(&v, rid, &[(o, choice)], &[]).await;
                assert!(r.ok(), "ballot {i}/{k}: {r:?}");
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task");
    }
    assert_eq!(app.count(&format!("select count(*) from ballots where round_id = {rid}")).await, 100);
    assert_eq!(app.count(&format!("select count(*) from participations where round_id = {rid}")).await, 100);
    assert_eq!(app.count(&format!("select ballots_count from vote_rounds where id = {rid}")).await, 100);
    assert_eq!(
        app.count(&format!("select log_length from vote_rounds where id = {rid}")).await,
        1 + 2000,
        "every ballot logged, in one chain"
    );
    assert!(close(&a.facilitator, rid).await.ok());
    assert!(recount_problems(&app).await.is_empty());
    let r = round(&app.browser(), rid).await;
    assert_eq!(r["result"]["yes_no"][0][1]["cast"], 100);
}

/// Reads the live stream of `sitting` on `app` until an event about `topic` arrives (others
/// may come first: on PostgreSQL, NOTIFY delivers earlier changes asynchronously).
async fn next_live_event(app: &TestApp, sitting: i64, topic: &str) -> tokio::sync::oneshot::Receiver<String> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut res =
        reqwest::Client::new().get(format!("{}/live/sittings/{sitting}", app.base)).send().await.expect("stream");
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let wanted = format!("data: \"{topic}\"");
    tokio::spawn(async move {
        let mut seen = String::new();
        while let Ok(Some(chunk)) = res.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(&wanted) {
                let _ = tx.send(seen);
                return;
            }
        }
    });
    rx
}

async fn live_pages_hear_changes(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let (sit, _) = sitting_with_agenda(&a, 1).await;
    let heard = next_live_event(&app, sit, "sitting").await;
    assert!(run(&a.facilitator, sit, "start", None).await.ok());
    let event = tokio::time::timeout(Duration::from_secs(5), heard).await.expect("event in time").expect("event");
    assert!(event.contains("data: \"sitting\""), "{event}");
    // A comment on the objective under discussion reaches the live page.
    let objective = sitting(&a.facilitator, sit).await["agenda"][0]["objective_id"].as_i64().unwrap();
    assert!(run(&a.facilitator, sit, "current", Some(objective)).await.ok());
    let heard = next_live_event(&app, sit, "comments").await;
    a.members[0].comment(objective, None, "for", "Je soutiens : **le standard** doit répondre.").await;
    let event = tokio::time::timeout(Duration::from_secs(5), heard).await.expect("event in time").expect("event");
    assert!(event.contains("data: \"comments\""), "{event}");
    let page = app.browser().get(&format!("/sittings/{sit}")).await;
    assert!(page.body.contains("<strong>le standard</strong>"), "the latest comments on the live page");
}

/// Two servers on one PostgreSQL database: an action on one is heard on the other.
async fn two_instances_share_live_events(app: TestApp) {
    let a = app.assembly_with_people(1).await;
    let (sit, _) = sitting_with_agenda(&a, 1).await;
    assert!(run(&a.facilitator, sit, "start", None).await.ok());
    let other = app.second_instance().await;
    let heard = next_live_event(&other, sit, "queue").await;
    let r = a.members[0].call("speaking_queue", &[("sitting_id", &s(sit)), ("step", "raise")]).await;
    assert!(r.ok(), "{r:?}");
    let event =
        tokio::time::timeout(Duration::from_secs(5), heard).await.expect("event crossed instances").expect("event");
    assert!(event.contains("data: \"queue\""), "{event}");
}

on_both_backends!(
    facilitator_plans_a_sitting_that_members_can_add_to_their_calendar,
    agenda_attendance_and_the_speaking_queue,
    a_member_holds_at_most_one_proxy_and_proxies_are_audited,
    forbidden_votes_are_refused_and_store_nothing,
    a_yes_no_round_decides_and_publishes_ballots_that_anyone_can_recount,
    a_secret_round_keeps_voters_apart_from_ballots,
    majority_judgment_ranks_and_approval_caps_choices,
    a_round_closes_at_its_set_time,
    a_vote_without_javascript_comes_back_with_its_receipt,
    concurrent_ballots_leave_one_ballot_per_member,
    live_pages_hear_changes,
);

mod two_instances_share_live_events {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::two_instances_share_live_events(super::common::TestApp::spawn(super::common::Backend::Postgres).await)
            .await
    }
}
