//! `concerto demo` (issues #3 and #4), on SQLite and PostgreSQL: the demo assembly's past
//! sitting with closed rounds of each method that a recount confirms, and the next sitting.
mod common;

use app::voting::tally::tally_majority_judgment;
use app::voting::{BallotContent, RoundResult};
use common::TestApp;
use reqwest::StatusCode;

on_both_backends!(
    the_demo_has_a_past_sitting_with_closed_rounds_of_each_method_and_a_planned_one,
    loading_the_demo_twice_adds_nothing,
);

/// id, title, status, starts_at, ends_at, started_at, ended_at
type SittingRow = (i64, String, String, i64, i64, Option<i64>, Option<i64>);
/// id, method, secret, status, members_count, present_count, result
type RoundRow = (i64, String, i64, String, i64, i64, Option<String>);

async fn rows<T>(app: &TestApp, sql: &str) -> Vec<T>
where
    T: Send + Unpin + for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
{
    sqlx::query_as(sql).fetch_all(&app.state.db.pool).await.expect(sql)
}

async fn the_demo_has_a_past_sitting_with_closed_rounds_of_each_method_and_a_planned_one(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let now = app::db::now();

    let sittings: Vec<SittingRow> = rows(
        &app,
        "select id, title, status, starts_at, ends_at, started_at, ended_at from sittings order by starts_at",
    )
    .await;
    assert_eq!(sittings.len(), 2, "{sittings:?}");
    let (past, past_title, status, starts, ends, started, ended) = sittings[0].clone();
    assert_eq!(status, "closed");
    assert!((now - starts) > 18 * 86_400 && (now - starts) < 22 * 86_400, "about three weeks ago");
    assert_eq!(ends - starts, 2 * 3600);
    assert!(started.is_some_and(|s| s >= starts) && ended.is_some_and(|e| e <= ends && Some(e) > started));
    let (next, next_title, status, starts, ..) = sittings[1].clone();
    assert_eq!(status, "planned");
    assert!(starts > now + 8 * 86_400 && starts < now + 12 * 86_400, "in about ten days");

    // Attendance, one proxy (its giver absent, its holder present), speaking turns.
    let present = app.count(&format!("select count(*) from attendance where sitting_id = {past}")).await;
    assert!(present >= 6, "{present}");
    assert_eq!(app.count(&format!("select count(distinct mode) from attendance where sitting_id = {past}")).await, 2);
    let proxies: Vec<(i64, i64)> =
        rows(&app, &format!("select giver_id, holder_id from proxies where sitting_id = {past}")).await;
    assert_eq!(proxies.len(), 1);
    let (giver, holder) = proxies[0];
    let attends = |u: i64| format!("select count(*) from attendance where sitting_id = {past} and user_id = {u}");
    assert_eq!(app.count(&attends(giver)).await, 0);
    assert_eq!(app.count(&attends(holder)).await, 1);
    let turns: Vec<(i64, i64, i64)> = rows(
        &app,
        &format!(
            "select created_at, started_at, ended_at from speaking_turns where sitting_id = {past} order by started_at"
        ),
    )
    .await;
    assert!(turns.len() >= 4, "{turns:?}");
    assert!(turns.iter().all(|(c, s, e)| c < s && (40..=240).contains(&(e - s))), "{turns:?}");

    // Rounds: closed, of each method, all agreeing with a recount.
    let rounds: Vec<RoundRow> = rows(
        &app,
        &format!(
            "select id, method, secret, status, members_count, present_count, result from vote_rounds \
             where sitting_id = {past} order by id"
        ),
    )
    .await;
    assert!(rounds.len() >= 4, "{rounds:?}");
    assert!(rounds.iter().all(|r| r.3 == "closed"));
    for method in ["yes_no", "majority_judgment", "approval"] {
        assert!(rounds.iter().any(|r| r.1 == method), "a {method} round");
    }
    // Present when each opened: those in the room or online, and the proxy's giver.
    assert!(rounds.iter().all(|r| r.5 == present + 1 && r.4 > r.5), "{rounds:?}");
    assert_eq!(app.count(&format!("select count(*) from vote_rounds where sitting_id <> {past}")).await, 0);
    let reports = app::voting::api::ssr::recount(&app.state.db).await.expect("recount");
    assert_eq!(reports.len(), rounds.len());
    for r in &reports {
        assert!(r.problems.is_empty(), "round {}: {:?}", r.round, r.problems);
        assert!(r.ballots > 0);
    }

    // Yes/no rounds decide; the ranking rounds gave their objectives their status back.
    let decided: Vec<(String,)> = rows(
        &app,
        "select o.status from objectives o join round_objectives ro on ro.objective_id = o.id \
         join vote_rounds r on r.id = ro.round_id where r.method = 'yes_no' order by o.status",
    )
    .await;
    assert!(decided.contains(&("adopted".to_owned(),)), "{decided:?}");
    assert!(decided.contains(&("rejected".to_owned(),)), "{decided:?}");
    assert!(decided.iter().all(|(s,)| s == "adopted" || s == "rejected"), "{decided:?}");
    assert_eq!(app.count("select count(*) from objectives where status = 'voting'").await, 0);
    assert_eq!(
        app.count(
            "select count(*) from objectives o join round_objectives ro on ro.objective_id = o.id \
             join vote_rounds r on r.id = ro.round_id where r.method <> 'yes_no' and o.status <> ro.previous_status"
        )
        .await,
        0
    );

    // Secret ballots name nobody; public ones do; the proxy holder cast the giver's.
    for (id, _, secret, ..) in &rounds {
        let named =
            app.count(&format!("select count(*) from ballots where round_id = {id} and voter_id is not null")).await;
        let all = app.count(&format!("select count(*) from ballots where round_id = {id}")).await;
        assert_eq!(named, if *secret == 1 { 0 } else { all }, "round {id}");
        let cast_by: Vec<(i64,)> =
            rows(&app, &format!("select cast_by from participations where round_id = {id} and voter_id = {giver}"))
                .await;
        assert!(cast_by.iter().all(|(c,)| *c == holder), "round {id}");
    }
    assert!(
        app.count(&format!("select count(*) from participations where voter_id = {giver} and cast_by = {holder}"))
            .await
            > 0
    );

    // The majority judgment needs its tie-break, and the stored ballots say the same.
    let (mj, ..) = rounds.iter().find(|r| r.1 == "majority_judgment").expect("majority judgment round");
    let frozen = &rounds.iter().find(|r| r.0 == *mj).unwrap().6;
    let result: RoundResult = serde_json::from_str(frozen.as_deref().expect("result")).expect("result JSON");
    let RoundResult::MajorityJudgment { objectives, judgment } = result else { panic!("{result:?}") };
    assert!(objectives.len() >= 4);
    assert!(judgment.tie_breaks.iter().any(|t| t.step > 0), "{judgment:?}");
    let tie = judgment.tie_breaks.iter().find(|t| t.step > 0).unwrap();
    let grade = |c: usize| judgment.ranking.iter().find(|r| r.candidate == c).unwrap().majority_grade;
    assert_eq!(grade(tie.ahead), grade(tie.behind), "same majority grade, separated by the tie-break");
    let contents: Vec<(String,)> = rows(&app, &format!("select content from ballots where round_id = {mj}")).await;
    let grades: Vec<Vec<Option<app::voting::tally::Grade>>> = contents
        .iter()
        .map(|(c,)| match serde_json::from_str(c).expect("ballot") {
            BallotContent::Grades(m) => objectives.iter().map(|o| m.get(o).copied()).collect(),
            other => panic!("{other:?}"),
        })
        .collect();
    let again = tally_majority_judgment(&grades, objectives.len());
    assert!(!again.tie_breaks.is_empty() && again.tie_breaks.iter().any(|t| t.step > 0));
    assert_eq!(again, judgment);

    // The next sitting's agenda: three objectives open for the vote, with enough supports.
    let agenda: Vec<(i64, String)> = rows(
        &app,
        &format!(
            "select o.id, o.status from agenda_items i join objectives o on o.id = i.objective_id \
             where i.sitting_id = {next} order by i.position"
        ),
    )
    .await;
    assert_eq!(agenda.len(), 3);
    let (threshold,): (i64,) = sqlx::query_as("select support_threshold from assemblies")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("threshold");
    for (id, status) in &agenda {
        assert!(status == "proposed" || status == "in_discussion", "{status}");
        let supports = app.count(&format!("select count(*) from supports where objective_id = {id}")).await;
        assert!(supports >= threshold, "objective {id}: {supports} supports");
    }
    let past_agenda = app.count(&format!("select count(*) from agenda_items where sitting_id = {past}")).await;
    assert!((6..=7).contains(&past_agenda), "{past_agenda}");

    // The public pages.
    let public = app.browser();
    let titles = |sitting: i64| {
        format!(
            "select o.title from agenda_items i join objectives o on o.id = i.objective_id \
             where i.sitting_id = {sitting} order by i.position"
        )
    };
    for (sitting, title) in [(past, &past_title), (next, &next_title)] {
        let page = public.get(&format!("/sittings/{sitting}")).await;
        assert_eq!(page.status, StatusCode::OK, "/sittings/{sitting}");
        assert!(page.body.contains(title.as_str()), "/sittings/{sitting} names the sitting");
        for (t,) in rows::<(String,)>(&app, &titles(sitting)).await {
            assert!(page.body.contains(&t), "/sittings/{sitting} lacks {t}");
        }
    }
    for (id, ..) in &rounds {
        let page = public.get(&format!("/rounds/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "/rounds/{id}");
        let titles: Vec<(String,)> = rows(
            &app,
            &format!(
                "select o.title from round_objectives ro join objectives o on o.id = ro.objective_id where ro.round_id = {id}"
            ),
        )
        .await;
        for (t,) in titles {
            assert!(page.body.contains(&t), "/rounds/{id} lacks {t}");
        }
    }
}

async fn loading_the_demo_twice_adds_nothing(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let tables = ["sittings", "agenda_items", "attendance", "speaking_turns", "vote_rounds", "ballots", "round_log"];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(&format!("select count(*) from {t}")).await);
    }
    concerto::demo::load(&app.state).await.expect("demo again");
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(&format!("select count(*) from {t}")).await, n, "{t}");
    }
    let reports = app::voting::api::ssr::recount(&app.state.db).await.expect("recount");
    assert!(reports.iter().all(|r| r.problems.is_empty()));
}
