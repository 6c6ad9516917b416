//! Races closed by checking every rule that guards a write inside the transaction that
//! writes, after the lock it depends on (issue #7), on SQLite and PostgreSQL: a proxy
//! holder's ballot never replaces one its giver cast in person; parallel wrong passwords
//! get at most five checks before the account locks; concurrent changes to a commitment
//! leave a history where each change starts from the value the previous one left.
//!
//! Each test sends many calls at once through the real server and then checks what was
//! stored, never how long anything took. Before the fix each rule was read on the pool
//! before the transaction (or before its lock), and each test below failed.
mod common;

use common::{adopted_objective, Browser, Reply, TestApp};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

fn s(n: i64) -> String {
    n.to_string()
}

/// "ok", or the error code of a refused call (its status and body when it has no code:
/// a timeout or an internal error shows as itself in the assertion's message).
fn outcome(r: &Reply) -> String {
    if r.ok() {
        return "ok".into();
    }
    match serde_json::from_str::<Value>(&r.body) {
        Ok(Value::Object(m)) if m.contains_key("User") || m.contains_key("Invalid") => r.error(),
        _ => format!("{} {}", r.status, r.body),
    }
}

async fn give_proxy(b: &Browser, sitting: i64, holder: Option<i64>) -> Reply {
    let holder = holder.map(s);
    let mut form = vec![("sitting_id", s(sitting))];
    if let Some(h) = holder {
        form.push(("holder_id", h));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.call("give_proxy", &form).await
}

async fn cast(b: &Browser, round: i64, objective: i64, choice: &str, on_behalf: Option<i64>) -> Reply {
    let mut form = vec![("round_id".to_owned(), s(round)), (format!("choices[{objective}]"), choice.to_owned())];
    if let Some(giver) = on_behalf {
        form.push(("on_behalf".into(), s(giver)));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.call("cast_ballot", &form).await
}

// ---------------------------------------------------------------------------------------
// 1. Proxies: a member who voted in person keeps their own ballot.

/// Giver/holder pairs racing in one round: the contention on the round's lock is what
/// opened the old window, and each pair is one more chance to fall into it.
const PAIRS: usize = 8;
/// Ballots from the giver, ballots from the holder and proxy toggles, per pair.
const CASTS: usize = 30;
/// Calls in flight at once, all pairs together: enough to queue on the round's lock, few
/// enough that no call waits near the pool's 10-second limit on a busy machine.
const IN_FLIGHT: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// The giver, voting "yes" in person.
    Giver,
    /// The holder, voting "no" for the giver.
    Holder,
    /// The giver withdrawing their proxy, then giving it back, and so on.
    Toggle,
}

#[derive(Debug)]
struct Sent {
    pair: usize,
    who: Who,
    /// Ticks of a shared counter: when the call was sent, and when its answer came back.
    sent: u64,
    answered: u64,
    outcome: String,
}

/// What the round's log recorded for `voter`'s ballot, oldest first ("yes", "no"): every
/// accepted ballot appends one entry under the ballot's receipt hash (the same hash for all
/// of a public ballot's versions), in the order the round's lock let them in.
async fn logged_choices(app: &TestApp, round: i64, voter: i64, objective: i64) -> Vec<String> {
    let pool = &app.state.db.pool;
    let hash: Option<(String,)> =
        sqlx::query_as("select receipt_hash from ballots where round_id = $1 and voter_id = $2")
            .bind(round)
            .bind(voter)
            .fetch_optional(pool)
            .await
            .expect("ballot");
    let Some((hash,)) = hash else { return Vec::new() };
    let payloads: Vec<(String,)> =
        sqlx::query_as("select payload from round_log where round_id = $1 and kind = 'ballot' order by seq")
            .bind(round)
            .fetch_all(pool)
            .await
            .expect("log");
    payloads
        .iter()
        .map(|(p,)| serde_json::from_str::<Value>(p).expect("log payload"))
        .filter(|p| p["receipt_hash"] == hash.as_str())
        .map(|p| p["content"]["yes_no"][s(objective)].as_str().expect("a yes/no choice").to_owned())
        .collect()
}

async fn stored_choice(app: &TestApp, round: i64, voter: i64, objective: i64) -> Option<String> {
    let row: Option<(String,)> = sqlx::query_as("select content from ballots where round_id = $1 and voter_id = $2")
        .bind(round)
        .bind(voter)
        .fetch_optional(&app.state.db.pool)
        .await
        .expect("ballot");
    row.map(|(c,)| {
        let c: Value = serde_json::from_str(&c).expect("content");
        c["yes_no"][s(objective)].as_str().expect("a yes/no choice").to_owned()
    })
}

/// A giver votes "yes" in person while their holder votes "no" for them, 30 times each, at
/// once, in eight pairs, while the giver withdraws and gives back the proxy (a giver votes
/// in person only while the proxy is withdrawn, a holder for them only while it is given).
///
/// How the old code failed: `cast` read "has the giver voted in person?" (and who holds the
/// proxy) on the pool, before the transaction that locks the round. A giver's ballot, its
/// checks passed while the proxy was withdrawn, waited in the queue for the round's lock;
/// meanwhile the proxy was given back and the holder's checks found no ballot of the giver
/// yet; the holder's ballot then queued behind the giver's and replaced it ("yes" then "no"
/// in the log under the giver's receipt hash, "no" stored), and holder calls sent after the
/// giver's "yes" was answered could still be accepted. Now the checks run after the lock,
/// so a holder's ballot is refused (`proxy_giver_voted`) once the giver's own is stored.
async fn a_holder_never_overwrites_a_ballot_its_giver_cast_in_person(app: TestApp) {
    let a = app.assembly_with_people(0).await;
    let people = app.quick_members(a.id, 2 * PAIRS).await;
    let mut ids = Vec::new();
    for p in &people {
        ids.push(p.current_user().await.expect("signed in")["id"].as_i64().expect("id"));
    }
    // Pair `i`: giver `2i` ("Votant 2i"), holder `2i + 1`.
    let pair = |i: usize| (ids[2 * i], ids[2 * i + 1]);
    let r = a
        .facilitator
        .call(
            "plan_sitting",
            &[
                ("assembly_id", &s(a.id)),
                ("title", "Séance sur l’accueil téléphonique"),
                ("date", "2027-03-11"),
                ("start", "18:30"),
                ("end", "20:30"),
                ("place", "Salle du conseil, mairie"),
                ("online_url", ""),
            ],
        )
        .await;
    assert!(r.ok(), "plan: {r:?}");
    let sitting: i64 = r.json();
    let objective = people[0].propose(a.id, "Rappeler sous 48 heures chaque appel manqué", "phone").await;
    let r = a
        .facilitator
        .call("run_sitting", &[("sitting_id", &s(sitting)), ("step", "add"), ("objective_id", &s(objective))])
        .await;
    assert!(r.ok(), "agenda: {r:?}");
    // Each giver hands their proxy to their holder before the round opens.
    for i in 0..PAIRS {
        let r = give_proxy(&people[2 * i], sitting, Some(pair(i).1)).await;
        assert!(r.ok(), "proxy {i}: {r:?}");
    }
    let r = a
        .facilitator
        .call(
            "open_round",
            &[
                ("sitting_id", &s(sitting)),
                ("method", "yes_no"),
                ("objectives[0]", &s(objective)),
                ("quorum_base", "none"),
            ],
        )
        .await;
    assert!(r.ok(), "open: {r:?}");
    let round: i64 = r.json();

    // All at once: k-th giver ballot, k-th holder ballot, k-th toggle of every pair, in
    // that order, at most IN_FLIGHT calls at a time (the semaphore lets them in in order).
    let clock = Arc::new(AtomicU64::new(0));
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for k in 0..CASTS {
        for i in 0..PAIRS {
            let (giver, holder) = pair(i);
            for who in [Who::Giver, Who::Holder, Who::Toggle] {
                let b = people[2 * i + usize::from(who == Who::Holder)].clone();
                let (clock, permits) = (clock.clone(), permits.clone());
                tasks.spawn(async move {
                    let _permit = permits.acquire_owned().await.expect("semaphore");
                    let sent = clock.fetch_add(1, Ordering::SeqCst);
                    let r = match who {
                        Who::Giver => cast(&b, round, objective, "yes", None).await,
                        Who::Holder => cast(&b, round, objective, "no", Some(giver)).await,
                        // Withdrawn first (it was given before the round), then given back…
                        Who::Toggle => give_proxy(&b, sitting, (k % 2 == 1).then_some(holder)).await,
                    };
                    let answered = clock.fetch_add(1, Ordering::SeqCst);
                    Sent { pair: i, who, sent, answered, outcome: outcome(&r) }
                });
            }
        }
    }
    let mut calls = Vec::new();
    while let Some(done) = tasks.join_next().await {
        calls.push(done.expect("task"));
    }

    let mut raced = 0;
    for i in 0..PAIRS {
        let (giver, _) = pair(i);
        let mine: Vec<&Sent> = calls.iter().filter(|c| c.pair == i).collect();
        for c in &mine {
            let expected: &[&str] = match c.who {
                Who::Giver => &["ok", "proxy_given"],
                Who::Holder => &["ok", "no_proxy", "proxy_giver_voted"],
                Who::Toggle => &["ok"],
            };
            assert!(expected.contains(&c.outcome.as_str()), "pair {i}: {:?} was answered {}", c.who, c.outcome);
        }
        let accepted = |who: Who| mine.iter().filter(|c| c.who == who && c.outcome == "ok").count();
        let (own, by_holder) = (accepted(Who::Giver), accepted(Who::Holder));
        // The log holds one entry per accepted ballot, in the order they were stored.
        let log = logged_choices(&app, round, giver, objective).await;
        assert_eq!(log.iter().filter(|c| *c == "yes").count(), own, "pair {i}: the giver's accepted ballots: {log:?}");
        assert_eq!(log.iter().filter(|c| *c == "no").count(), by_holder, "pair {i}: the holder's accepted ballots");
        // Once the giver's own ballot is stored, no holder's ballot follows it.
        if let Some(first_own) = log.iter().position(|c| c == "yes") {
            assert!(
                log[first_own..].iter().all(|c| c == "yes"),
                "pair {i}: the holder's ballot replaced the one the giver cast in person: {log:?}"
            );
        }
        if let Some(first_own) =
            mine.iter().filter(|c| c.who == Who::Giver && c.outcome == "ok").map(|c| c.answered).min()
        {
            // A holder's ballot sent after the giver's own was answered is refused (with
            // `no_proxy` when it found the proxy withdrawn at that moment).
            for c in mine.iter().filter(|c| c.who == Who::Holder && c.sent > first_own) {
                assert_ne!(c.outcome, "ok", "pair {i}: a holder's ballot accepted after the giver's own: {c:?}");
            }
            assert_eq!(stored_choice(&app, round, giver, objective).await.as_deref(), Some("yes"), "pair {i}");
            assert_eq!(
                app.count(&format!(
                    "select count(*) from participations where round_id = {round} and voter_id = {giver} and cast_by = voter_id"
                ))
                .await,
                1,
                "pair {i}: the giver's participation is their own"
            );
            raced += usize::from(by_holder > 0);
        }
    }
    assert!(
        calls.iter().any(|c| c.who == Who::Giver && c.outcome == "ok"),
        "no giver ever voted in person during the race: the test exercised nothing"
    );
    eprintln!("{:?}: {raced} of {PAIRS} pairs had both a holder's and the giver's own ballot accepted", app.backend);

    // In sequence, in every pair: the giver votes in person (withdrawing the proxy to do
    // so), gives it back, and the holder's ballot for them is refused.
    for i in 0..PAIRS {
        let (giver, holder) = pair(i);
        let (gb, hb) = (&people[2 * i], &people[2 * i + 1]);
        assert!(give_proxy(gb, sitting, None).await.ok(), "pair {i}: withdraw");
        let r = cast(gb, round, objective, "yes", None).await;
        assert!(r.ok(), "pair {i}: the giver votes in person: {r:?}");
        assert!(give_proxy(gb, sitting, Some(holder)).await.ok(), "pair {i}: give back");
        let r = cast(hb, round, objective, "no", Some(giver)).await;
        assert_eq!(outcome(&r), "proxy_giver_voted", "pair {i}: after the giver's own ballot");
        assert_eq!(stored_choice(&app, round, giver, objective).await.as_deref(), Some("yes"), "pair {i}");
    }

    // The published record agrees: one ballot per giver, each the giver's own "yes", and
    // the round recounts from its log.
    let r = a.facilitator.call("close_round", &[("round_id", &s(round))]).await;
    assert!(r.ok(), "close: {r:?}");
    let closed: Value = people[1].call("get_round", &[("round_id", &s(round))]).await.json();
    let ballots = closed["ballots"].as_array().expect("ballots");
    assert_eq!(ballots.len(), PAIRS, "one ballot per giver, none for the holders themselves");
    for i in 0..PAIRS {
        let name = format!("Votant {}", 2 * i);
        let mine: Vec<&Value> = ballots.iter().filter(|b| b["voter"] == name.as_str()).collect();
        assert_eq!(mine.len(), 1, "{name}'s ballot: {ballots:?}");
        assert_eq!(mine[0]["content"]["yes_no"][s(objective)], "yes", "{name} keeps their own ballot");
    }
    let problems: Vec<String> = app::voting::service::recount(&app::context::Ctx::from(&app.state))
        .await
        .expect("recount")
        .into_iter()
        .flat_map(|r| r.problems)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

// ---------------------------------------------------------------------------------------
// 2. Sign-in: five failures in fifteen minutes lock the account.

const GUESSES: usize = 20;

/// Twenty wrong passwords for one account, all at once, from twenty browsers (the address
/// rate limit is set out of the way: this is about the account's lock).
///
/// How the old code failed: `login` counted the recent failures on the pool, then hashed
/// the password, then recorded the failure. All twenty guesses counted zero failures before
/// any was recorded, so all twenty were checked against the hash and answered
/// `invalid_credentials` (twenty guesses instead of five), twenty failures were stored, and
/// only then was the owner locked out. Now each attempt is recorded as a failure before the
/// hash is checked, inside a transaction that locks the account and counts first: the first
/// five are checked, the other fifteen refused with `too_many_attempts` unchecked.
async fn parallel_wrong_passwords_get_five_checks_then_the_account_locks(app: TestApp) {
    let admin = app.admin().await;
    let assembly = app.assembly(&admin).await;
    let owner = app.person(&admin, assembly, "member", "lucie").await;
    let user = owner.current_user().await.expect("signed in")["id"].as_i64().expect("id");
    let sessions = app.count(&format!("select count(*) from sessions where user_id = {user}")).await;

    let mut tasks = JoinSet::new();
    for i in 0..GUESSES {
        let b = app.browser();
        tasks.spawn(async move {
            let password = format!("mauvais mot de passe {i}");
            outcome(&b.call("login", &[("login", "lucie"), ("password", &password)]).await)
        });
    }
    let mut answers = Vec::new();
    while let Some(done) = tasks.join_next().await {
        answers.push(done.expect("task"));
    }
    let checked = answers.iter().filter(|a| *a == "invalid_credentials").count();
    let refused = answers.iter().filter(|a| *a == "too_many_attempts").count();
    assert_eq!(checked + refused, GUESSES, "every guess is either checked or refused: {answers:?}");
    // Only a checked guess can be answered `invalid_credentials`: the answers count the
    // password checks.
    assert_eq!(checked, app::accounts::lockout::MAX_FAILURES, "guesses checked against the password: {answers:?}");
    assert_eq!(
        app.count(&format!("select count(*) from login_attempts where user_id = {user} and succeeded = 0")).await,
        app::accounts::lockout::MAX_FAILURES as i64,
        "failures recorded"
    );
    assert_eq!(
        app.count(&format!("select count(*) from login_attempts where user_id = {user}")).await,
        app::accounts::lockout::MAX_FAILURES as i64,
        "no attempt succeeded"
    );

    // The owner is locked out too, right password and all, and no session was opened.
    let r = app.browser().call("login", &[("login", "lucie"), ("password", common::PASSWORD)]).await;
    assert_eq!(r.status, reqwest::StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(outcome(&r), "too_many_attempts");
    assert_eq!(app.count(&format!("select count(*) from sessions where user_id = {user}")).await, sessions);
    assert_eq!(
        app.count(&format!("select count(*) from login_attempts where user_id = {user}")).await,
        app::accounts::lockout::MAX_FAILURES as i64,
        "a refused attempt is not recorded"
    );
}

/// The address rate limit out of the way: a thousand calls, refilled every millisecond.
const NO_ADDRESS_LIMIT: common::AuthLimit =
    common::AuthLimit { burst: 1000, period: std::time::Duration::from_millis(1) };

mod parallel_wrong_passwords_get_five_checks_then_the_account_locks {
    use super::common::{Backend, TestApp};
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::parallel_wrong_passwords_get_five_checks_then_the_account_locks(
            TestApp::spawn_with(Backend::Sqlite, super::NO_ADDRESS_LIMIT).await,
        )
        .await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::parallel_wrong_passwords_get_five_checks_then_the_account_locks(
            TestApp::spawn_with(Backend::Postgres, super::NO_ADDRESS_LIMIT).await,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------
// 3. Commitments: each change records the value it replaced.

const STATUS_CHANGES: usize = 40;
const DATE_CHANGES: usize = 20;
const PROGRESS_CHANGES: usize = 20;
const CHANGES_IN_FLIGHT: usize = 16;

/// Checks that the `kind` changes of `history` (oldest first) form a chain from `start`:
/// each starts from the value the previous one left, and the last leaves `now`.
fn assert_chain(history: &[(String, String, String)], kind: &str, start: &str, now: &str) -> usize {
    let mut value = start.to_owned();
    let mut n = 0;
    for (_, old, new) in history.iter().filter(|(k, _, _)| k == kind) {
        assert_eq!(
            old, &value,
            "{kind} change {n} says it replaced {old:?}, but the {kind} was {value:?} (history, oldest first: {history:?})"
        );
        value = new.clone();
        n += 1;
    }
    assert_eq!(value, now, "the {kind} is the one its last change set: {history:?}");
    n
}

/// Two staff members change one commitment's status, target date and declared progress,
/// eighty changes at once.
///
/// How the old code failed: `change` read the commitment's status, target date and progress
/// on the pool before opening the transaction that writes, so changes running together all
/// read the same value and recorded it as their "from": the history said
/// planned → in_progress, planned → done, planned → abandoned… — a change starting from a
/// value the previous change had already replaced. (A status change to the value it read
/// was also skipped as a no-op even when the status had moved on meanwhile.) Now the value
/// is read by the statement that locks the commitment, inside the transaction that changes
/// it, so the changes queue and each starts from what the previous one left.
async fn concurrent_commitment_changes_record_an_unbroken_history(app: TestApp) {
    let a = app.assembly_with_people(2).await;
    let staff =
        [app.person(&a.admin, a.id, "staff", "accueil").await, app.person(&a.admin, a.id, "staff", "standard").await];
    let (objective, _) = adopted_objective(&a, "Décrocher en moins de trois sonneries").await;
    let r = staff[0]
        .call(
            "create_commitment",
            &[
                ("objective_id", &s(objective)),
                ("service", "Accueil et citoyenneté"),
                ("contact_role", "responsable de l’accueil"),
                ("target_date", "2099-06-30"),
                ("summary", "Décrocher en moins de **trois sonneries** aux heures d’ouverture."),
            ],
        )
        .await;
    assert!(r.ok(), "{r:?}");
    let id: i64 = r.json();

    // Interleaved: status, date, status, progress, …; consecutive statuses differ, dates
    // and percentages are all different, so a stale "from" cannot pass for the right one.
    let statuses = ["in_progress", "done", "planned", "abandoned"];
    let mut changes: Vec<(&str, String)> = Vec::new();
    for k in 0..STATUS_CHANGES.max(DATE_CHANGES).max(PROGRESS_CHANGES) {
        if k < STATUS_CHANGES {
            changes.push(("status", statuses[k % statuses.len()].to_owned()));
        }
        if k < DATE_CHANGES {
            changes.push(("target_date", format!("2099-{:02}-{:02}", 7 + k / 28, 1 + k % 28)));
        }
        if k < PROGRESS_CHANGES {
            // Every seventh clears the declared progress (back to the milestones).
            changes.push(("progress", if k % 7 == 3 { String::new() } else { (5 * (k % 20) + 1).to_string() }));
        }
    }
    let permits = Arc::new(Semaphore::new(CHANGES_IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for (n, (what, value)) in changes.into_iter().enumerate() {
        let b = staff[n % staff.len()].clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore");
            let reason = format!("changement n°{n}");
            let form = [("commitment_id", s(id)), ("what", what.into()), ("value", value.clone()), ("reason", reason)];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            (what, value, outcome(&b.call("change_commitment", &form).await))
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (what, value, outcome) = done.expect("task");
        assert_eq!(outcome, "ok", "{what} → {value:?}");
    }

    // The history in the order the changes were written (under the commitment's lock).
    let history: Vec<(String, String, String)> = sqlx::query_as(
        "select kind, old_value, new_value from commitment_changes where commitment_id = $1 order by id",
    )
    .bind(id)
    .fetch_all(&app.state.db.pool)
    .await
    .expect("history");
    assert_eq!(history[0], ("created".into(), String::new(), "planned".into()), "{history:?}");
    let (status, date, progress): (String, String, String) = sqlx::query_as(
        "select status, target_date, coalesce(cast(progress_override as text), '') from commitments where id = $1",
    )
    .bind(id)
    .fetch_one(&app.state.db.pool)
    .await
    .expect("commitment");
    let n = assert_chain(&history, "status", "planned", &status);
    assert!(n >= 1, "at least one status change is recorded: {history:?}");
    assert!(
        history.iter().filter(|(k, _, _)| k == "status").all(|(_, old, new)| old != new),
        "a status change to the status it had is not recorded: {history:?}"
    );
    assert_eq!(assert_chain(&history, "target_date", "2099-06-30", &date), DATE_CHANGES);
    assert_eq!(assert_chain(&history, "progress", "", &progress), PROGRESS_CHANGES);

    // The public page reads the same values.
    let c: Value = app.browser().call("get_commitment", &[("commitment_id", &s(id))]).await.json();
    assert_eq!(c["status"], status.as_str());
    assert_eq!(c["target_date"], date.as_str());
    assert_eq!(c["changes"].as_array().expect("changes").len(), history.len());
}

on_both_backends!(
    a_holder_never_overwrites_a_ballot_its_giver_cast_in_person,
    concurrent_commitment_changes_record_an_unbroken_history,
);
