//! Open data (issue #5), on SQLite and PostgreSQL: every CSV and JSON file parses and holds
//! exactly the rows the database holds, nothing hidden or private leaks, spreadsheet
//! formulas are neutralised; both Atom feeds are valid Atom with the expected entries; the
//! page lists every file and column.
mod common;

use app::open_data::DATASETS;
use common::{Assembly, Browser, TestApp};
use serde_json::Value;
use std::collections::BTreeMap;

fn s(n: i64) -> String {
    n.to_string()
}

const HOSTILE: &str = "=HYPERLINK(\"http://evil.example\",\"Cliquez ici\")";

/// Everything the exports cover, made through the real server functions.
struct World {
    a: Assembly,
    adopted: i64,
    hostile: i64,
    draft: i64,
    hidden_comment: i64,
    orphan_reply: i64,
    closed_round: i64,
    open_round: i64,
    commitment: i64,
}

async fn call_ok(b: &Browser, endpoint: &str, form: &[(&str, &str)]) -> common::Reply {
    let r = b.call(endpoint, form).await;
    assert!(r.ok(), "{endpoint}: {r:?}");
    r
}

async fn world(app: &TestApp) -> World {
    let a = app.assembly_with_people(3).await;
    let staff = app.person(&a.admin, a.id, "staff", "accueil").await;
    let adopted = a.members[0].propose(a.id, "Rappeler chaque appel manqué sous 48 heures", "phone").await;
    let hostile = a.members[1].propose(a.id, HOSTILE, "email").await;
    let later = a.members[2].propose(a.id, "Ouvrir l’accueil le samedi matin", "opening_hours").await;
    let draft = a.members[2]
        .propose_with(a.id, "Un brouillon qui reste privé", "Pas encore prêt.", "other", "draft")
        .await
        .json::<i64>();
    for m in &a.members[1..] {
        call_ok(m, "support_objective", &[("objective_id", &s(adopted)), ("support", "true")]).await;
    }

    // A discussion: a thread, a comment hidden by moderation, and a reply to it.
    let top = a.members[1].comment(adopted, None, "for", "Oui, et prévenir par SMS.").await;
    a.members[2].comment(adopted, Some(top), "neutral", "-1 pour le SMS, +1 pour le rappel").await;
    let hidden_comment = a.members[2].comment(adopted, None, "against", "Appelez Mme Durand au 06 12 34 56 78").await;
    let orphan_reply = a.members[0].comment(adopted, Some(hidden_comment), "for", "Merci de votre retour.").await;
    let r = a.facilitator.moderate(a.id, &[&format!("comment-{hidden_comment}")], "hide", "personal_data").await;
    assert!(r.ok(), "{r:?}");

    // A sitting: a public yes/no round, closed (one adopted, one rejected), and a round still open.
    let sitting: i64 = call_ok(
        &a.facilitator,
        "plan_sitting",
        &[
            ("assembly_id", &s(a.id)),
            ("title", "Séance n°1 — accueil téléphonique"),
            ("date", "2027-01-14"),
            ("start", "18:30"),
            ("end", "20:30"),
            ("place", "Salle du conseil, mairie"),
            ("online_url", ""),
        ],
    )
    .await
    .json();
    for o in [adopted, hostile, later] {
        call_ok(
            &a.facilitator,
            "run_sitting",
            &[("sitting_id", &s(sitting)), ("step", "add"), ("objective_id", &s(o))],
        )
        .await;
    }
    let closed_round: i64 = call_ok(
        &a.facilitator,
        "open_round",
        &[
            ("sitting_id", &s(sitting)),
            ("method", "yes_no"),
            ("objectives[0]", &s(adopted)),
            ("objectives[1]", &s(hostile)),
            ("quorum_base", "none"),
        ],
    )
    .await
    .json();
    for m in &a.members {
        call_ok(
            m,
            "cast_ballot",
            &[
                ("round_id", &s(closed_round)),
                (&format!("choices[{adopted}]"), "yes"),
                (&format!("choices[{hostile}]"), "no"),
            ],
        )
        .await;
    }
    call_ok(&a.facilitator, "close_round", &[("round_id", &s(closed_round))]).await;
    let open_round: i64 = call_ok(
        &a.facilitator,
        "open_round",
        &[("sitting_id", &s(sitting)), ("method", "yes_no"), ("objectives[0]", &s(later)), ("quorum_base", "none")],
    )
    .await
    .json();
    call_ok(&a.members[0], "cast_ballot", &[("round_id", &s(open_round)), (&format!("choices[{later}]"), "yes")]).await;

    // The adopted objective becomes a commitment, followed.
    let commitment: i64 = call_ok(
        &staff,
        "create_commitment",
        &[
            ("objective_id", &s(adopted)),
            ("service", "Accueil et citoyenneté"),
            ("contact_role", "@responsable de l’accueil"),
            ("target_date", "2099-06-30"),
            ("summary", "Rappeler chaque appel manqué sous **48 heures**, du lundi au samedi."),
        ],
    )
    .await
    .json();
    let c = s(commitment);
    let m1: i64 = call_ok(
        &staff,
        "add_milestone",
        &[("commitment_id", &c), ("title", "Former les agents"), ("due_date", "2099-01-31")],
    )
    .await
    .json();
    call_ok(
        &staff,
        "add_milestone",
        &[("commitment_id", &c), ("title", "Nouveau standard"), ("due_date", "2099-03-31")],
    )
    .await;
    call_ok(&staff, "set_milestone", &[("milestone_id", &s(m1)), ("done", "true")]).await;
    let indicator: i64 = call_ok(
        &staff,
        "add_indicator",
        &[
            ("commitment_id", &c),
            ("name", "Part des appels rappelés"),
            ("unit", "%"),
            ("baseline", "40"),
            ("target", "90"),
            ("direction", "higher"),
        ],
    )
    .await
    .json();
    for (on, value) in [("2026-01-31", "48"), ("2026-02-28", "55,5")] {
        call_ok(
            &staff,
            "add_measurement",
            &[
                ("indicator_id", &s(indicator)),
                ("measured_on", on),
                ("value", value),
                ("source", "Statistiques du standard"),
            ],
        )
        .await;
    }
    call_ok(
        &staff,
        "change_commitment",
        &[("commitment_id", &c), ("what", "status"), ("value", "in_progress"), ("reason", "")],
    )
    .await;
    call_ok(
        &staff,
        "post_update",
        &[("commitment_id", &c), ("body", "Premier **bilan** : 55 % rappelés. <script>alert(1)</script>")],
    )
    .await;
    World { a, adopted, hostile, draft, hidden_comment, orphan_reply, closed_round, open_round, commitment }
}

async fn ids(app: &TestApp, sql: &str) -> Vec<i64> {
    let rows: Vec<(i64,)> = sqlx::query_as(sql).fetch_all(&app.state.db.pool).await.expect(sql);
    rows.into_iter().map(|(id,)| id).collect()
}

/// A CSV file, parsed: its header and its rows as maps from column to value.
fn parse_csv(body: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader.headers().expect("CSV header").iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("CSV record");
            assert_eq!(r.len(), header.len(), "every row has every column");
            header.iter().cloned().zip(r.iter().map(str::to_owned)).collect()
        })
        .collect();
    (header, rows)
}

/// The CSV and JSON of a dataset, checked against each other and against its spec.
async fn download(app: &TestApp, assembly: i64, dataset: &str) -> (Vec<BTreeMap<String, String>>, Vec<Value>) {
    let spec = DATASETS.iter().find(|d| d.name == dataset).expect("a documented dataset");
    let names: Vec<String> = spec.columns.iter().map(|c| c.name.to_owned()).collect();
    let csv = app.browser().get(&format!("/open-data/{assembly}/{dataset}.csv")).await;
    assert_eq!(csv.status, 200, "{dataset}.csv: {}", csv.body);
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(csv.headers["content-disposition"], format!("attachment; filename=\"{dataset}.csv\"").as_str());
    assert!(csv.body.ends_with("\r\n"), "RFC 4180 line ends");
    let (header, rows) = parse_csv(&csv.body);
    assert_eq!(header, names, "{dataset}: the CSV header is the documented columns");
    let json = app.browser().get(&format!("/open-data/{assembly}/{dataset}.json")).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.headers["content-type"], "application/json");
    let json: Vec<Value> = serde_json::from_str(&json.body).expect("a JSON array");
    assert_eq!(json.len(), rows.len(), "{dataset}: as many objects as CSV rows");
    for object in &json {
        let keys: Vec<&String> = object.as_object().expect("an object").keys().collect();
        let mut expected: Vec<&String> = names.iter().collect();
        expected.sort();
        assert_eq!(keys, expected, "{dataset}: the JSON keys are the CSV columns");
    }
    (rows, json)
}

fn column(rows: &[BTreeMap<String, String>], name: &str) -> Vec<String> {
    rows.iter().map(|r| r[name].clone()).collect()
}

fn int_column(rows: &[BTreeMap<String, String>], name: &str) -> Vec<i64> {
    rows.iter().map(|r| r[name].parse().unwrap_or_else(|_| panic!("{name}: {}", r[name]))).collect()
}

/// `2027-01-14T17:30:00Z`: ISO 8601 / RFC 3339 in UTC.
fn is_utc_timestamp(s: &str) -> bool {
    s.len() == 20
        && s.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            10 => c == 'T',
            13 | 16 => c == ':',
            19 => c == 'Z',
            _ => c.is_ascii_digit(),
        })
}

async fn exports_match_the_database_row_for_row(app: TestApp) {
    let w = world(&app).await;
    let a = w.a.id;
    let published = format!(
        "select id from objectives where assembly_id = {a} and status <> 'draft' and moderation = 'visible' order by id"
    );

    // Objectives: the published ones, not the draft; the hostile title neutralised in CSV only.
    let (rows, json) = download(&app, a, "objectives").await;
    let expected = ids(&app, &published).await;
    assert_eq!(int_column(&rows, "id"), expected);
    assert_eq!(expected.len(), 3);
    assert!(!int_column(&rows, "id").contains(&w.draft), "drafts never appear");
    for (row, object) in rows.iter().zip(&json) {
        let id: i64 = row["id"].parse().unwrap();
        assert_eq!(object["id"], id);
        let (title, author, version, published_at): (String, String, i64, i64) = sqlx::query_as(
            "select o.title, u.display_name, o.version, o.published_at from objectives o join users u on u.id = o.author_id where o.id = $1",
        )
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(object["title"], title.as_str(), "JSON gives the text as it is");
        assert_eq!(row["author"], author);
        assert_eq!(row["version"], version.to_string());
        assert!(is_utc_timestamp(&row["published_at"]), "{}", row["published_at"]);
        assert_eq!(row["published_at"], app::open_data::atom::rfc3339(published_at));
        if id == w.hostile {
            assert_eq!(row["title"], format!("'{HOSTILE}"), "a formula is neutralised in CSV");
        } else {
            assert_eq!(row["title"], title);
        }
    }
    assert!(!serde_json::to_string(&json).unwrap().contains("brouillon"));

    // Supports: a count for each published objective.
    let (rows, json) = download(&app, a, "supports").await;
    assert_eq!(int_column(&rows, "objective_id"), expected);
    for (row, object) in rows.iter().zip(&json) {
        let id: i64 = row["objective_id"].parse().unwrap();
        let n = app.count(&format!("select count(*) from supports where objective_id = {id}")).await;
        assert_eq!(row["count"], n.to_string());
        assert_eq!(object["count"], n);
    }
    assert_eq!(json.iter().find(|o| o["objective_id"] == w.adopted).unwrap()["count"], 2);

    // Comments: the visible ones only; the hidden one leaves no trace, not even its id.
    let (rows, json) = download(&app, a, "comments").await;
    let expected_comments = ids(
        &app,
        &format!(
            "select id from comments where moderation = 'visible' and deleted_at is null \
             and objective_id in ({published}) order by id"
        ),
    )
    .await;
    assert_eq!(int_column(&rows, "id"), expected_comments);
    assert_eq!(expected_comments.len(), 3);
    assert!(!expected_comments.contains(&w.hidden_comment));
    let text = serde_json::to_string(&json).unwrap();
    assert!(!text.contains("06 12 34 56 78"), "hidden words never appear");
    let orphan = rows.iter().find(|r| r["id"] == s(w.orphan_reply)).expect("the reply to a hidden comment");
    assert_eq!(orphan["parent_id"], "", "a hidden parent's id does not leak");
    assert!(json.iter().all(|c| c["parent_id"] != w.hidden_comment));
    let reply = rows.iter().find(|r| r["body"].contains("SMS, +1")).expect("a reply");
    assert_eq!(reply["body"], "'-1 pour le SMS, +1 pour le rappel", "neutralised in CSV");
    assert_eq!(reply["parent_id"], rows[0]["id"]);
    assert_eq!(
        json.iter().find(|c| c["id"] == reply["id"].parse::<i64>().unwrap()).unwrap()["body"],
        "-1 pour le SMS, +1 pour le rappel"
    );

    // Vote rounds: both, the open one without head hash or result.
    let (rows, json) = download(&app, a, "vote_rounds").await;
    assert_eq!(
        int_column(&rows, "id"),
        ids(&app, &format!("select id from vote_rounds where assembly_id = {a} order by id")).await
    );
    assert_eq!(int_column(&rows, "id"), vec![w.closed_round, w.open_round]);
    let (head, result): (String, String) = sqlx::query_as("select head_hash, result from vote_rounds where id = $1")
        .bind(w.closed_round)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(rows[0]["head_hash"], head);
    assert_eq!(rows[0]["status"], "closed");
    assert_eq!(rows[0]["secret"], "false");
    assert_eq!(rows[0]["ballots_count"], "3");
    assert_eq!(rows[0]["objective_ids"], format!("[{},{}]", w.adopted, w.hostile));
    assert_eq!(
        serde_json::from_str::<Value>(&rows[0]["result"]).unwrap(),
        serde_json::from_str::<Value>(&result).unwrap()
    );
    assert_eq!(json[0]["result"]["yes_no"][0][1]["adopted"], true, "JSON carries the result as JSON");
    assert_eq!(json[0]["rules"]["method"], "yes_no");
    assert!(is_utc_timestamp(&rows[0]["closed_at"]) && is_utc_timestamp(&rows[0]["opened_at"]));
    assert_eq!(
        (rows[1]["status"].as_str(), rows[1]["head_hash"].as_str(), rows[1]["result"].as_str()),
        ("open", "", "")
    );
    assert!(json[1]["head_hash"].is_null() && json[1]["result"].is_null() && json[1]["closed_at"].is_null());

    // Ballots: the closed round's only, by receipt hash, and never a voter (even in a public round).
    let (rows, json) = download(&app, a, "ballots").await;
    let expected: Vec<(i64, String)> = sqlx::query_as(
        "select b.round_id, b.receipt_hash from ballots b join vote_rounds r on r.id = b.round_id \
         where r.assembly_id = $1 and r.status = 'closed' order by b.round_id, b.receipt_hash",
    )
    .bind(a)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let got: Vec<(i64, String)> =
        rows.iter().map(|r| (r["round_id"].parse().unwrap(), r["receipt_hash"].clone())).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 3);
    assert_eq!(
        app.count(&format!(
            "select count(*) from ballots where round_id = {} and voter_id is not null",
            w.closed_round
        ))
        .await,
        3
    );
    assert!(json.iter().all(|b| b.as_object().unwrap().len() == 3 && b["content"]["yes_no"][s(w.adopted)] == "yes"));
    assert!(!int_column(&rows, "round_id").contains(&w.open_round), "no ballot of an open round");

    // Commitments, milestones, indicators, measurements.
    let (rows, json) = download(&app, a, "commitments").await;
    assert_eq!(int_column(&rows, "id"), vec![w.commitment]);
    let row = &rows[0];
    assert_eq!(row["objective_id"], s(w.adopted));
    assert_eq!(row["round_id"], s(w.closed_round));
    assert_eq!(row["contact_role"], "'@responsable de l’accueil", "neutralised in CSV");
    assert_eq!(json[0]["contact_role"], "@responsable de l’accueil");
    assert_eq!((row["status"].as_str(), row["shown_status"].as_str()), ("in_progress", "in_progress"));
    assert_eq!((row["progress_percent"].as_str(), row["progress_source"].as_str()), ("50", "milestones"));
    assert_eq!(row["target_date"], "2099-06-30");
    assert!(row["summary"].contains("**48 heures**"));

    let (rows, _) = download(&app, a, "milestones").await;
    assert_eq!(
        int_column(&rows, "id"),
        ids(&app, &format!("select id from milestones where commitment_id = {} order by id", w.commitment)).await
    );
    assert_eq!(column(&rows, "done_on").iter().filter(|d| !d.is_empty()).count(), 1);

    let (rows, json) = download(&app, a, "indicators").await;
    let indicators =
        ids(&app, &format!("select id from indicators where commitment_id = {} order by id", w.commitment)).await;
    assert_eq!(int_column(&rows, "id"), indicators);
    assert_eq!((rows[0]["baseline"].as_str(), rows[0]["target"].as_str()), ("40", "90"));
    assert_eq!(json[0]["direction"], "higher");

    let (rows, json) = download(&app, a, "measurements").await;
    assert_eq!(
        int_column(&rows, "id"),
        ids(&app, &format!("select id from measurements where indicator_id = {} order by id", indicators[0])).await
    );
    assert_eq!(column(&rows, "value"), vec!["48", "55.5"]);
    assert_eq!(json[1]["value"], 55.5);
    assert_eq!(json[1]["measured_on"], "2026-02-28");

    // Nothing personal anywhere: no login, no e-mail column, no voter.
    for d in DATASETS {
        assert!(d.columns.iter().all(|c| !["voter_id", "user_id", "login", "email", "author_id"].contains(&c.name)));
    }

    // Unknown files, assemblies and formats are not found.
    for path in [
        format!("/open-data/{a}/users.csv"),
        format!("/open-data/{a}/objectives.xml"),
        format!("/open-data/{a}/objectives"),
        "/open-data/99999/objectives.csv".to_owned(),
        "/open-data/abc/objectives.json".to_owned(),
    ] {
        assert_eq!(app.browser().get(&path).await.status, 404, "{path}");
    }
    // Another assembly's files are its own (empty here).
    let other = app.assembly(&w.a.admin).await;
    let (rows, json) = download(&app, other, "objectives").await;
    assert!(rows.is_empty() && json.is_empty());
}

/// The Atom namespace.
const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|n| n.has_tag_name((ATOM, name)))
        .unwrap_or_else(|| panic!("<{name}> in <{}>", node.tag_name().name()))
}

fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    child(node, name).text().unwrap_or_default().to_owned()
}

/// Checks what RFC 4287 requires of a feed and its entries; returns the entries as
/// (title, updated, link, html content).
fn atom_entries(xml: &str, self_url: &str) -> Vec<(String, String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("well-formed XML ({e}): {xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "an Atom feed");
    assert_eq!(text_of(feed, "id"), self_url);
    assert!(!text_of(feed, "title").is_empty());
    assert!(is_utc_timestamp(&text_of(feed, "updated")), "updated is RFC 3339");
    let links: Vec<_> = feed.children().filter(|n| n.has_tag_name((ATOM, "link"))).collect();
    assert!(links.iter().any(|l| l.attribute("rel") == Some("self") && l.attribute("href") == Some(self_url)));
    assert!(!text_of(child(feed, "author"), "name").is_empty(), "a feed author");
    let mut out = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for e in feed.children().filter(|n| n.has_tag_name((ATOM, "entry"))) {
        let id = text_of(e, "id");
        assert!(id.starts_with("http://") && ids.insert(id.clone()), "unique IRI ids: {id}");
        let updated = text_of(e, "updated");
        assert!(is_utc_timestamp(&updated), "{updated}");
        let link = child(e, "link");
        assert_eq!(link.attribute("rel"), Some("alternate"));
        let content = child(e, "content");
        assert_eq!(content.attribute("type"), Some("html"));
        out.push((
            text_of(e, "title"),
            updated,
            link.attribute("href").unwrap().to_owned(),
            content.text().unwrap_or_default().to_owned(),
        ));
    }
    let dates: Vec<&String> = out.iter().map(|e| &e.1).collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted, "newest first");
    if let Some(newest) = out.first() {
        assert_eq!(text_of(feed, "updated"), newest.1, "the feed is as recent as its newest entry");
    }
    out
}

/// Whether caches are told that the answer depends on the reader's language.
fn varies_by_language(r: &common::Reply) -> bool {
    let vary: Vec<&str> = r.headers.get_all("vary").iter().filter_map(|v| v.to_str().ok()).collect();
    vary.iter().any(|v| v.contains("accept-language")) && vary.iter().any(|v| v.contains("cookie"))
}

async fn feeds_are_valid_atom_and_the_page_lists_every_file(app: TestApp) {
    let w = world(&app).await;
    let a = w.a.id;
    let path = format!("/assemblies/{a}/feed.atom");
    let r = app.browser().get(&path).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["content-type"], "application/atom+xml; charset=utf-8");
    let entries = atom_entries(&r.body, &format!("{}{path}", app.base));
    assert_eq!(entries.len(), 2, "one decision and one progress update: {entries:?}");
    let decision =
        entries.iter().find(|e| e.2 == format!("{}/rounds/{}", app.base, w.closed_round)).expect("the decision");
    assert_eq!(decision.0, "Vote : 1 objectif adopté, 1 rejeté");
    assert!(
        decision.3.contains("« Rappeler chaque appel manqué sous 48 heures » : adopté (oui 3, non 0, abstention 0)"),
        "{}",
        decision.3
    );
    assert!(decision.3.contains("rejeté"), "{}", decision.3);
    let update = entries.iter().find(|e| e.0.starts_with("Avancement :")).expect("the update");
    assert_eq!(update.2, format!("{}/commitments/{}", app.base, w.commitment));
    assert!(update.3.contains("<strong>bilan</strong>") && !update.3.contains("<script"), "{}", update.3);
    assert!(
        !entries.iter().any(|e| e.2.ends_with(&format!("/rounds/{}", w.open_round))),
        "an open round decides nothing"
    );

    let path = format!("/commitments/{}/feed.atom", w.commitment);
    let r = app.browser().get(&path).await;
    assert_eq!(r.status, 200);
    let entries = atom_entries(&r.body, &format!("{}{path}", app.base));
    let titles: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles.contains(&"Engagement publié : Rappeler chaque appel manqué sous 48 heures"), "{titles:?}");
    assert!(titles.contains(&"Statut : Prévu → En cours"), "{titles:?}");
    assert!(titles.contains(&"Avancement : Rappeler chaque appel manqué sous 48 heures"), "{titles:?}");

    // In English: asked by the address (which the feed then names as its own), or by the
    // reader's language choice (the address stays plain, and caches keep one per language).
    let path = format!("/assemblies/{a}/feed.atom?lang=en");
    let r = app.browser().get(&path).await;
    assert!(!varies_by_language(&r), "the address fixes the language");
    assert!(r.body.contains("xml:lang=\"en\""), "{}", r.body);
    let entries = atom_entries(&r.body, &format!("{}{path}", app.base));
    let titles: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert!(titles.contains(&"Vote: 1 objective adopted, 1 rejected"), "{titles:?}");
    assert!(titles.contains(&"Progress: Rappeler chaque appel manqué sous 48 heures"), "{titles:?}");
    let english = app.browser();
    assert_eq!(english.get("/lang/en?next=%2F").await.status, 303);
    let path = format!("/commitments/{}/feed.atom", w.commitment);
    let r = english.get(&path).await;
    assert!(varies_by_language(&r), "{:?}", r.headers);
    let entries = atom_entries(&r.body, &format!("{}{path}", app.base));
    let titles: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert!(titles.contains(&"Status: Planned → In progress"), "{titles:?}");
    assert!(titles.contains(&"Commitment published: Rappeler chaque appel manqué sous 48 heures"), "{titles:?}");
    let r = app.browser().get(&format!("{path}?lang=xx")).await;
    assert!(r.body.contains("xml:lang=\"fr\"") && varies_by_language(&r), "an unknown language is ignored");

    for path in ["/assemblies/99999/feed.atom", "/commitments/99999/feed.atom", "/commitments/x/feed.atom"] {
        assert_eq!(app.browser().get(path).await.status, 404, "{path}");
    }
    // An empty assembly's feed is valid too, dated from the assembly's creation.
    let other = app.assembly(&w.a.admin).await;
    let path = format!("/assemblies/{other}/feed.atom");
    assert!(atom_entries(&app.browser().get(&path).await.body, &format!("{}{path}", app.base)).is_empty());

    // The page lists every file of every assembly, and every column, with the licence.
    let page = app.browser().get("/open-data").await;
    assert_eq!(page.status, 200);
    // Column names may wrap after their underscores.
    let text = page.body.replace("<wbr/>", "").replace("<wbr>", "");
    for d in DATASETS {
        for assembly in [a, other] {
            for ext in ["csv", "json"] {
                assert!(
                    page.body.contains(&format!("href=\"/open-data/{assembly}/{}.{ext}\"", d.name)),
                    "{} {ext}",
                    d.name
                );
            }
        }
        assert!(page.body.contains(&format!("id=\"dataset-{}\"", d.name)));
        for c in d.columns {
            assert!(text.contains(&format!("<code>{}</code>", c.name)), "{}.{}", d.name, c.name);
        }
    }
    assert!(page.body.contains("Licence ouverte Etalab 2.0"));
    assert!(page.body.contains(&format!("href=\"/assemblies/{a}/feed.atom\"")));
    assert!(page.body.contains("<caption"), "tables have captions");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
}

on_both_backends!(exports_match_the_database_row_for_row, feeds_are_valid_atom_and_the_page_lists_every_file);
