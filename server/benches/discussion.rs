//! How fast an objective page with 1,000 comments is served, on SQLite and PostgreSQL.
//! Prints figures; asserts nothing about time (the machine is shared and noisy).
//! Run: `scripts/bench.sh` (or `cargo bench -p concerto --bench discussion`).
#[path = "../tests/common/mod.rs"]
mod common;
use common::{Backend, TestApp};
use std::time::{Duration, Instant};

const RUNS: usize = 60;

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:7.2} ms   p95 {:7.2} ms   max {:7.2} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() * 95 / 100]),
        ms(times[times.len() - 1])
    )
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn measure(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let a = app.assembly_with_people(1).await;
    let id = a.members[0].propose(a.id, "Un débat très suivi", "other").await;
    app.seed_discussion(id, 250).await;
    let public = app.browser();
    let targets = [
        ("page, first 30 threads", format!("/objectives/{id}")),
        ("page, last threads", format!("/objectives/{id}?comments=9")),
        ("assembly list", format!("/assemblies/{}", a.id)),
    ];
    println!("\n{backend:?}: one objective, 1,000 comments in 250 threads, {RUNS} sequential requests each");
    for (what, path) in targets {
        for _ in 0..5 {
            public.get(&path).await;
        }
        let mut times = Vec::with_capacity(RUNS);
        let mut bytes = 0;
        for _ in 0..RUNS {
            let start = Instant::now();
            let r = public.get(&path).await;
            times.push(start.elapsed());
            assert!(r.status.is_success(), "{path}: {}", r.status);
            bytes = r.body.len();
        }
        println!("  {what:<24} {}   {:>6} KiB HTML", summary(times), bytes / 1024);
    }
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        public.discussion(id, 1).await;
        times.push(start.elapsed());
    }
    println!("  {:<24} {}", "get_discussion (JSON)", summary(times));
    println!("  peak memory of this process (server and client): {:.0} MiB", peak_rss_mib());
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(async {
        measure(Backend::Sqlite).await;
        measure(Backend::Postgres).await;
    });
}
