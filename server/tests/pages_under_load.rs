//! Every page, every time (issue #6): the demo's pages, for every role and in both languages,
//! requested many times at once. Every request must get a whole page: its status, the page
//! policy with the nonce its scripts carry (never the fallback policy, which blocks the
//! stylesheet and hydration), the stylesheet link, the language asked for, one `h1`.
//! `CONCERTO_PAGE_LOADS` sets the loads per backend (default 2,500: 5,000 over both).
mod common;

use common::{Browser, TestApp};
use std::collections::BTreeMap;
use std::sync::Arc;

const CONCURRENCY: usize = 24;

struct Page {
    path: String,
    who: &'static str,
    status: u16,
}

fn pages() -> Vec<Page> {
    let mut out = Vec::new();
    let mut add = |who: &'static str, status: u16, paths: &[&str]| {
        out.extend(paths.iter().map(|p| Page { path: (*p).to_owned(), who, status }));
    };
    add(
        "public",
        200,
        &[
            "/",
            "/login",
            "/assemblies/1",
            "/assemblies/1?q=d%C3%A9lai",
            "/assemblies/1?channel=phone&sort=supported&page=1",
            "/assemblies/1/outcomes",
            "/assemblies/1/outcomes?status=late",
            "/assemblies/1/sittings",
            "/objectives/1",
            "/objectives/2",
            "/objectives/1/history",
            "/objectives/2/history?from=1&to=1",
            "/sittings/1",
            "/sittings/2",
            "/sittings/1/screen",
            "/rounds/1",
            "/rounds/2",
            "/rounds/3",
            "/rounds/4",
            "/commitments/1",
            "/commitments/3",
            "/open-data",
        ],
    );
    add("public", 401, &["/notifications", "/profile", "/admin/audit"]);
    add("public", 404, &["/nulle-part", "/objectives/9999", "/rounds/9999"]);
    add("member", 200, &["/profile", "/notifications", "/assemblies/1/objectives/new", "/assemblies/1", "/sittings/2"]);
    add("member", 403, &["/admin/accounts", "/assemblies/1/moderation"]);
    add("facilitator", 200, &["/assemblies/1/moderation", "/sittings/2", "/assemblies/1/sittings"]);
    add("staff", 200, &["/assemblies/1/outcomes", "/commitments/2"]);
    add("admin", 200, &["/admin", "/admin/assemblies", "/admin/assemblies/1", "/admin/accounts", "/admin/audit"]);
    out
}

async fn signed_in(app: &TestApp, login: &str) -> Browser {
    let b = app.browser();
    let r = b.call("login", &[("login", login), ("password", concerto::demo::DEMO_PASSWORD)]).await;
    assert!(r.ok(), "login {login}: {r:?}");
    b
}

/// What is wrong with one page load, if anything.
fn check(page: &Page, lang: &str, res: Result<(u16, reqwest::header::HeaderMap, String), String>) -> Option<String> {
    let (status, headers, body) = match res {
        Ok(r) => r,
        Err(e) => return Some(format!("no answer: {e}")),
    };
    if status != page.status {
        return Some(format!("status {status}"));
    }
    let csp = headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(nonce) = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()) else {
        return Some(format!("policy without a nonce: {csp:?}"));
    };
    if !body.contains(&format!("nonce=\"{nonce}\"")) {
        return Some("the scripts do not carry the policy's nonce".into());
    }
    if !body.contains("href=\"/pkg/concerto.css\"") {
        return Some("no stylesheet link".into());
    }
    if !body.contains(&format!("<html lang=\"{lang}\"")) {
        return Some(format!("not in {lang}"));
    }
    if body.matches("<h1").count() != 1 {
        return Some(format!("{} h1", body.matches("<h1").count()));
    }
    if headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap_or_default().contains("i18n_pref_locale")) {
        return Some("a page wrote the language cookie (only /lang/… may)".into());
    }
    // A whole page ends with the document, or, after it, with the trailer of resolved data.
    let tail = body.trim_end();
    if !tail.ends_with("</html>") && !tail.ends_with("__INCOMPLETE_CHUNKS=[];</script>") {
        return Some(format!("page cut short: …{:?}", &body[body.len().saturating_sub(120)..]));
    }
    None
}

async fn every_page_answers_whole_with_its_policy_under_concurrent_load(app: TestApp) {
    concerto::demo::load(&app.state).await.expect("demo");
    let loads: usize = std::env::var("CONCERTO_PAGE_LOADS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_500);
    let mut browsers = BTreeMap::new();
    browsers.insert("public", app.browser());
    browsers.insert("member", signed_in(&app, "awa").await);
    browsers.insert("facilitator", signed_in(&app, "animation").await);
    browsers.insert("staff", signed_in(&app, "accueil").await);
    browsers.insert("admin", signed_in(&app, "admin").await);
    let browsers = Arc::new(browsers);
    let pages = Arc::new(pages());
    let semaphore = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..loads {
        let (browsers, pages, semaphore) = (browsers.clone(), pages.clone(), semaphore.clone());
        tasks.spawn(async move {
            let _permit = semaphore.acquire_owned().await.expect("semaphore");
            let page = &pages[i % pages.len()];
            let lang = if (i / pages.len()) % 2 == 0 { "fr" } else { "en" };
            let b = &browsers[page.who];
            let res = b
                .client
                .get(format!("{}{}", b.base, page.path))
                .header("accept", "text/html")
                .header("accept-language", lang)
                .timeout(std::time::Duration::from_secs(120))
                .send()
                .await;
            let res = match res {
                Ok(r) => {
                    let (status, headers) = (r.status().as_u16(), r.headers().clone());
                    r.text().await.map(|body| (status, headers, body)).map_err(|e| e.to_string())
                }
                Err(e) => Err(e.to_string()),
            };
            check(page, lang, res).map(|problem| format!("{} ({}, {lang}): {problem}", page.path, page.who))
        });
    }
    let mut problems = Vec::new();
    let mut answered = 0;
    while let Some(done) = tasks.join_next().await {
        answered += 1;
        if let Some(problem) = done.expect("task") {
            problems.push(problem);
        }
    }
    println!("{answered} page loads, {} with a problem", problems.len());
    assert_eq!(answered, loads);
    assert!(
        problems.is_empty(),
        "{} of {loads} page loads went wrong: {:#?}",
        problems.len(),
        &problems[..problems.len().min(20)]
    );
}

on_both_backends!(every_page_answers_whole_with_its_policy_under_concurrent_load);
