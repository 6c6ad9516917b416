//! `concerto demo` (issues #3, #4, #5 and #11), on SQLite and PostgreSQL: the demo assembly's
//! first sitting, a year ago, whose public vote adopted the objectives its commitments
//! follow; its past sitting with closed rounds of each method that a recount confirms; the
//! next sitting; and commitments in every status with indicators measured monthly over a year.
mod common;

use app::commitments::{shown_status, Status};
use app::voting::tally::tally_majority_judgment;
use app::voting::{BallotContent, RoundResult};
use common::TestApp;
use reqwest::StatusCode;
use std::collections::BTreeSet;

on_both_backends!(
    the_demo_has_a_past_sitting_with_closed_rounds_of_each_method_and_a_planned_one,
    the_first_sitting_adopted_by_a_vote_the_objectives_that_became_commitments,
    the_demo_has_commitments_in_every_status_with_indicators_measured_monthly,
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
    assert_eq!(sittings.len(), 3, "{sittings:?}");
    let (past, past_title, status, starts, ends, started, ended) = sittings[1].clone();
    assert_eq!(status, "closed");
    assert!((now - starts) > 18 * 86_400 && (now - starts) < 22 * 86_400, "about three weeks ago");
    assert_eq!(ends - starts, 2 * 3600);
    assert!(started.is_some_and(|s| s >= starts) && ended.is_some_and(|e| e <= ends && Some(e) > started));
    let (next, next_title, status, starts, ..) = sittings[2].clone();
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
    assert_eq!(app.count(&format!("select count(*) from vote_rounds where sitting_id = {next}")).await, 0);
    // Every closed round, this sitting's and the first one's.
    let reports = app::voting::service::recount(&app::context::Ctx::from(&app.state)).await.expect("recount");
    let closed = app.count("select count(*) from vote_rounds where status = 'closed'").await;
    assert_eq!(reports.len() as i64, closed);
    assert!(reports.len() > rounds.len());
    assert_eq!(app.count("select count(*) from vote_rounds where status <> 'closed'").await, 0);
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

/// objective id, its status, its round at the sitting, its commitment's round and creation,
/// when the round closed
type AdoptedRow = (i64, String, i64, Option<i64>, Option<i64>, i64);

async fn the_first_sitting_adopted_by_a_vote_the_objectives_that_became_commitments(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let now = app::db::now();
    let sittings: Vec<SittingRow> = rows(
        &app,
        "select id, title, status, starts_at, ends_at, started_at, ended_at from sittings order by starts_at",
    )
    .await;
    let (first, title, status, starts, ends, started, ended) = sittings[0].clone();
    assert_eq!(status, "closed", "{title}");
    assert!((now - starts) > 360 * 86_400 && (now - starts) < 390 * 86_400, "about a year ago");
    let (started, ended) = (started.expect("started"), ended.expect("ended"));
    assert!(starts <= started && started < ended && ended <= ends);

    // Its rounds: closed, with ballots, each cast by someone present and in the round's log.
    let rounds: Vec<RoundRow> = rows(
        &app,
        &format!(
            "select id, method, secret, status, members_count, present_count, result from vote_rounds \
             where sitting_id = {first} order by id"
        ),
    )
    .await;
    assert!(!rounds.is_empty());
    for (id, method, _, status, members, present, result) in &rounds {
        assert_eq!((method.as_str(), status.as_str()), ("yes_no", "closed"), "round {id}");
        let ballots = app.count(&format!("select count(*) from ballots where round_id = {id}")).await;
        assert!(ballots > 0 && ballots <= *present && present < members, "round {id}: {ballots} ballots");
        let logged =
            app.count(&format!("select count(*) from round_log where round_id = {id} and kind = 'ballot'")).await;
        assert_eq!(logged, ballots, "round {id}");
        let absent = app
            .count(&format!(
                "select count(*) from participations p where p.round_id = {id} and not exists \
                 (select 1 from attendance a where a.sitting_id = {first} and a.user_id = p.cast_by)"
            ))
            .await;
        assert_eq!(absent, 0, "round {id}: ballots cast by people present");
        assert!(result.is_some(), "round {id}: a frozen result");
    }

    // Every objective on its agenda was put to its vote, adopted by it, and published as a
    // commitment naming that round, after it closed.
    let adopted: Vec<AdoptedRow> = rows(
        &app,
        &format!(
            "select o.id, o.status, r.id, c.round_id, c.created_at, r.closed_at from agenda_items i \
             join objectives o on o.id = i.objective_id \
             join round_objectives ro on ro.objective_id = o.id \
             join vote_rounds r on r.id = ro.round_id and r.sitting_id = {first} \
             left join commitments c on c.objective_id = o.id where i.sitting_id = {first}"
        ),
    )
    .await;
    let agenda = app.count(&format!("select count(*) from agenda_items where sitting_id = {first}")).await;
    assert!(agenda >= 3 && adopted.len() as i64 == agenda, "{adopted:?}");
    for (objective, status, round, committed_round, committed_at, closed_at) in &adopted {
        assert_eq!(status, "adopted", "objective {objective}");
        let (.., result) = rounds.iter().find(|r| r.0 == *round).expect("its round");
        let result: RoundResult = serde_json::from_str(result.as_deref().expect("result")).expect("result JSON");
        let RoundResult::YesNo(results) = result else { panic!("{result:?}") };
        assert!(results.iter().any(|(o, r)| o.0 == *objective && r.adopted), "objective {objective}: {results:?}");
        assert_eq!(*committed_round, Some(*round), "objective {objective} has a commitment naming its round");
        assert!(committed_at.is_some_and(|c| c > *closed_at), "objective {objective}");
    }

    // Nothing was adopted but by a closed yes/no vote.
    assert_eq!(
        app.count(
            "select count(*) from objectives where status = 'adopted' and id not in (select ro.objective_id \
             from round_objectives ro join vote_rounds r on r.id = ro.round_id \
             where r.method = 'yes_no' and r.status = 'closed')"
        )
        .await,
        0
    );
}

async fn loading_the_demo_twice_adds_nothing(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let tables = [
        "sittings",
        "agenda_items",
        "attendance",
        "speaking_turns",
        "vote_rounds",
        "ballots",
        "round_log",
        "commitments",
        "commitment_changes",
        "milestones",
        "indicators",
        "measurements",
        "progress_updates",
        "notifications",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(app.count(&format!("select count(*) from {t}")).await);
    }
    concerto::demo::load(&app.state).await.expect("demo again");
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(app.count(&format!("select count(*) from {t}")).await, n, "{t}");
    }
    let reports = app::voting::service::recount(&app::context::Ctx::from(&app.state)).await.expect("recount");
    assert!(reports.iter().all(|r| r.problems.is_empty()));
}

/// id, title, status, target_date, status_reason, round_id
type CommitmentRow = (i64, String, String, String, String, Option<i64>);

/// `YYYY-MM-DD` → months since year 0, and the day.
fn month_and_day(date: &str) -> (i64, i64) {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().expect(date)).collect();
    assert_eq!(parts.len(), 3, "{date}");
    (parts[0] * 12 + parts[1] - 1, parts[2])
}

async fn the_demo_has_commitments_in_every_status_with_indicators_measured_monthly(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let now = app::db::now();
    let today = app::commitments::service::today(app::db::now());

    // Five commitments, one in each status the public sees, all on adopted objectives.
    let commitments: Vec<CommitmentRow> = rows(
        &app,
        "select c.id, o.title, c.status, c.target_date, c.status_reason, c.round_id from commitments c \
         join objectives o on o.id = c.objective_id order by c.id",
    )
    .await;
    assert_eq!(commitments.len(), 5, "{commitments:?}");
    let shown: BTreeSet<&str> = commitments
        .iter()
        .map(|(_, _, status, target, ..)| shown_status(Status::parse(status).expect(status), target, &today).as_str())
        .collect();
    assert_eq!(shown, BTreeSet::from(["planned", "in_progress", "done", "late", "abandoned"]));
    assert_eq!(
        app.count(
            "select count(*) from commitments c join objectives o on o.id = c.objective_id where o.status <> 'adopted'"
        )
        .await,
        0
    );
    // Each follows the vote that adopted its objective (three at the first sitting, two at
    // the past one) and names its round; none is older than its objective or that vote.
    assert_eq!(commitments.iter().filter(|c| c.5.is_some()).count(), 5);
    assert_eq!(
        app.count("select count(distinct r.sitting_id) from commitments c join vote_rounds r on r.id = c.round_id")
            .await,
        2
    );
    assert_eq!(
        app.count(
            "select count(*) from commitments c join vote_rounds r on r.id = c.round_id \
             where r.method <> 'yes_no' or r.closed_at >= c.created_at"
        )
        .await,
        0
    );
    assert_eq!(
        app.count(
            "select count(*) from commitments c join objectives o on o.id = c.objective_id \
             where o.published_at >= c.created_at or c.created_by <> (select user_id from memberships where role = 'staff')"
        )
        .await,
        0
    );
    assert!(
        app.count(&format!("select count(*) from commitments where created_at < {}", now - 150 * 86_400)).await >= 3
    );

    // The abandoned one says why, in its status and in its history.
    let abandoned = commitments.iter().find(|c| c.2 == "abandoned").expect("an abandoned commitment");
    assert!(abandoned.4.trim().len() > 20, "{abandoned:?}");
    assert_eq!(
        app.count(&format!(
            "select count(*) from commitment_changes where commitment_id = {} and kind = 'status' \
             and new_value = 'abandoned' and reason = (select status_reason from commitments where id = {0})",
            abandoned.0
        ))
        .await,
        1
    );

    // A history for each: created first, nothing in the future; a target date moved and a
    // progress declared, with their reasons.
    for (id, title, ..) in &commitments {
        let first: Vec<(String, String)> = rows(
            &app,
            &format!(
                "select kind, new_value from commitment_changes where commitment_id = {id} order by created_at, id limit 1"
            ),
        )
        .await;
        assert_eq!(first, vec![("created".to_owned(), "planned".to_owned())], "{title}");
        let milestones = app.count(&format!("select count(*) from milestones where commitment_id = {id}")).await;
        assert!(milestones >= 3, "{title}: {milestones} milestones");
        let updates = app.count(&format!("select count(*) from progress_updates where commitment_id = {id}")).await;
        assert!(updates >= 2, "{title}: {updates} updates");
    }
    for table in ["commitment_changes", "progress_updates", "notifications", "measurements", "milestones"] {
        assert_eq!(app.count(&format!("select count(*) from {table} where created_at > {now}")).await, 0, "{table}");
    }
    for kind in ["target_date", "progress"] {
        let n =
            app.count(&format!("select count(*) from commitment_changes where kind = '{kind}' and reason <> ''")).await;
        assert!(n >= 1, "a {kind} change with its reason");
    }
    let done: Vec<(String,)> = rows(&app, "select done_on from milestones where done_on is not null").await;
    assert!(!done.is_empty() && done.iter().all(|(d,)| d.as_str() <= today.as_str()), "{done:?}");
    assert!(
        app.count(&format!("select count(*) from milestones where done_on is null and due_date > '{today}'")).await > 0
    );

    // The share of calls answered, measured on the first of each of the last twelve months:
    // from 62 % towards the 90 % target.
    let (calls, baseline, target, direction): (i64, f64, f64, String) = sqlx::query_as(
        "select id, baseline, target, direction from indicators where name = 'Part des appels décrochés' and unit = '%'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .expect("the calls indicator");
    assert_eq!((baseline, target, direction.as_str()), (62.0, 90.0, "higher"));
    let measured: Vec<(String, f64, String)> = rows(
        &app,
        &format!(
            "select measured_on, value, source from measurements where indicator_id = {calls} order by measured_on"
        ),
    )
    .await;
    assert_eq!(measured.len(), 12, "{measured:?}");
    let months: Vec<(i64, i64)> = measured.iter().map(|(on, ..)| month_and_day(on)).collect();
    assert!(months.iter().all(|(_, day)| *day == 1), "{measured:?}");
    assert!(months.windows(2).all(|w| w[1].0 == w[0].0 + 1), "consecutive months: {measured:?}");
    assert_eq!(months.last().unwrap().0, month_and_day(&today).0, "up to this month");
    assert!(measured.iter().all(|(on, ..)| on.as_str() <= today.as_str()), "none in the future");
    assert!(measured.iter().all(|(.., source)| !source.is_empty()));
    let values: Vec<f64> = measured.iter().map(|(_, v, _)| *v).collect();
    assert!((values[0] - 62.0).abs() <= 1.0, "{values:?}");
    assert!(values[11] > values[0] + 15.0 && values[11] < 90.0, "{values:?}");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    assert!(mean(&values[9..]) > mean(&values[..3]) + 10.0, "rising overall: {values:?}");
    // The other two the town hall tracks, going down towards their targets.
    for (name, unit, baseline, target) in [
        ("Délai médian de réponse aux courriels", "heures", 72.0, 48.0),
        ("Temps d’attente moyen au guichet", "minutes", 18.0, 10.0),
    ] {
        let row: (i64, f64, f64, String) =
            sqlx::query_as("select id, baseline, target, direction from indicators where name = $1 and unit = $2")
                .bind(name)
                .bind(unit)
                .fetch_one(&app.state.db.pool)
                .await
                .expect(name);
        assert_eq!((row.1, row.2, row.3.as_str()), (baseline, target, "lower"), "{name}");
        let values: Vec<(String, f64)> = rows(
            &app,
            &format!("select measured_on, value from measurements where indicator_id = {} order by measured_on", row.0),
        )
        .await;
        assert_eq!(values.len(), 12, "{name}");
        assert!(values.iter().all(|(on, _)| on.as_str() <= today.as_str()), "{name}");
        assert!(values[11].1 < values[0].1, "{name}: {values:?}");
    }

    // The members who proposed or supported them were told, and have not read it all.
    assert_eq!(
        app.count(
            "select count(*) from memberships m where m.role = 'member' \
             and not exists (select 1 from notifications n where n.user_id = m.user_id)"
        )
        .await,
        0
    );
    assert_eq!(
        app.count(
            "select count(*) from notifications n join commitments c on c.id = n.commitment_id \
             where n.user_id <> (select author_id from objectives where id = c.objective_id) \
             and not exists (select 1 from supports s where s.objective_id = c.objective_id and s.user_id = n.user_id)"
        )
        .await,
        0,
        "only proposers and supporters"
    );
    let read = app.count("select count(*) from notifications where read_at is not null").await;
    let unread = app.count("select count(*) from notifications where read_at is null").await;
    assert!(read > 0 && unread > read, "{read} read, {unread} unread");
    for kind in ["created", "status", "update", "target_date"] {
        assert!(app.count(&format!("select count(*) from notifications where kind = '{kind}'")).await > 0, "{kind}");
    }

    // The public pages.
    let (assembly,): (i64,) =
        sqlx::query_as("select id from assemblies").fetch_one(&app.state.db.pool).await.expect("assembly");
    let public = app.browser();
    let outcomes = public.get(&format!("/assemblies/{assembly}/outcomes")).await;
    assert_eq!(outcomes.status, StatusCode::OK);
    for (id, title, ..) in &commitments {
        assert!(outcomes.body.contains(title.as_str()), "the outcomes lack {title}");
        let page = public.get(&format!("/commitments/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "/commitments/{id}");
        assert!(page.body.contains(title.as_str()), "/commitments/{id} lacks {title}");
    }
    let page = public.get(&format!("/commitments/{}", abandoned.0)).await;
    assert!(page.body.contains(abandoned.4.as_str()), "the abandoned one shows its reason");
    let (with_calls,): (i64,) = sqlx::query_as(&format!("select commitment_id from indicators where id = {calls}"))
        .fetch_one(&app.state.db.pool)
        .await
        .expect("commitment");
    let page = public.get(&format!("/commitments/{with_calls}")).await;
    assert!(page.body.contains("Part des appels décrochés") && page.body.contains("<svg"), "a chart of the calls");
}
