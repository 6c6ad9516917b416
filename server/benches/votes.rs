//! How Concerto takes many ballots at once, on SQLite and PostgreSQL: the wait a member
//! sees when the whole assembly votes in the same second, the throughput, and how long
//! closing, recounting and showing a round take. Prints figures; asserts nothing about
//! time (the machine is shared and noisy). Run: `scripts/bench.sh`.
#[path = "../tests/common/mod.rs"]
mod common;
use common::{Backend, Browser, TestApp};
use std::time::{Duration, Instant};

const MEMBERS: usize = 200;

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:7.1} ms   p95 {:7.1} ms   max {:7.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[times.len() - 1])
    )
}

async fn ballot(b: &Browser, round: i64, objective: i64, choice: &str) -> Duration {
    let start = Instant::now();
    let r =
        b.call("cast_ballot", &[("round_id", &round.to_string()), (&format!("choices[{objective}]"), choice)]).await;
    assert!(r.ok(), "ballot: {r:?}");
    start.elapsed()
}

async fn measure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.assembly_with_people(0).await;
    let voters = app.quick_members(a.id, MEMBERS).await;
    let objective = voters[0].propose(a.id, "Répondre au téléphone dès la première sonnerie", "phone").await;
    let plan = a
        .facilitator
        .call(
            "plan_sitting",
            &[
                ("assembly_id", &a.id.to_string()),
                ("title", "Séance plénière"),
                ("date", "2027-03-04"),
                ("start", "18:00"),
                ("end", "21:00"),
                ("place", "Salle des fêtes"),
                ("online_url", ""),
            ],
        )
        .await;
    let sitting: i64 = plan.json();
    let (s, o) = (sitting.to_string(), objective.to_string());
    a.facilitator.call("run_sitting", &[("sitting_id", &s), ("step", "add"), ("objective_id", &o)]).await;
    let open = |secret: bool| {
        let (f, s, o) = (a.facilitator.clone(), s.clone(), o.clone());
        async move {
            let mut form = vec![("sitting_id", s.as_str()), ("method", "yes_no"), ("objectives[0]", o.as_str())];
            if secret {
                form.push(("secret", "1"));
            }
            let r = f.call("open_round", &form).await;
            assert!(r.ok(), "open: {r:?}");
            r.json::<i64>()
        }
    };
    println!("\n{backend:?}: {MEMBERS} members, one yes/no round");

    // Everyone votes in the same second.
    let round = open(false).await;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, v) in voters.iter().enumerate() {
        let v = v.clone();
        tasks.spawn(async move { ballot(&v, round, objective, if i % 3 == 0 { "no" } else { "yes" }).await });
    }
    let mut times = Vec::new();
    while let Some(t) = tasks.join_next().await {
        times.push(t.expect("task"));
    }
    let wall = start.elapsed();
    println!(
        "  {MEMBERS} ballots at once          {}   all in {:.2} s ({:.0} ballots/s)",
        summary(times),
        wall.as_secs_f64(),
        MEMBERS as f64 / wall.as_secs_f64()
    );

    // Each member presses the button ten times (a bad connection, an impatient thumb).
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for v in voters.iter().take(100) {
        for k in 0..10 {
            let v = v.clone();
            tasks.spawn(async move { ballot(&v, round, objective, if k % 2 == 0 { "yes" } else { "abstain" }).await });
        }
    }
    let mut times = Vec::new();
    while let Some(t) = tasks.join_next().await {
        times.push(t.expect("task"));
    }
    let wall = start.elapsed();
    println!("  1,000 changed ballots at once     {}   all in {:.2} s", summary(times), wall.as_secs_f64());

    let start = Instant::now();
    let r = a.facilitator.call("close_round", &[("round_id", &round.to_string())]).await;
    assert!(r.ok(), "close: {r:?}");
    println!("  close (tally {MEMBERS} ballots, 1,201-entry log)  {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    let public = app.browser();
    let mut times = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let page = public.get(&format!("/rounds/{round}")).await;
        assert!(page.status.is_success());
        times.push(start.elapsed());
    }
    println!("  results page ({MEMBERS} ballots listed)  {}", summary(times));
    let start = Instant::now();
    let reports = app::voting::service::recount(&app::context::Ctx::from(&app.state)).await.expect("recount");
    assert!(reports.iter().all(|r| r.problems.is_empty()));
    println!("  recount (chain, replay, tally)    {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        measure(Backend::Sqlite).await;
        measure(Backend::Postgres).await;
    });
}
