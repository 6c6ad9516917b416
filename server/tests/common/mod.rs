//! Test harness: starts the real server on a free port against a fresh database (a
//! temporary SQLite file, or a new PostgreSQL database dropped afterwards) and talks to it
//! over HTTP like a browser would.
#![allow(dead_code)]

use app::state::AppState;
use concerto::config::Settings;
use reqwest::{header, Client, StatusCode};
use std::net::SocketAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend, each in a module named after the test.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(super::common::TestApp::spawn(super::common::Backend::Sqlite).await).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(super::common::TestApp::spawn(super::common::Backend::Postgres).await).await
            }
        }
    )*};
}

pub const PASSWORD: &str = "la mairie ouvre le samedi matin";

pub struct TestApp {
    pub addr: SocketAddr,
    pub database_url: String,
    pub base: String,
    pub state: AppState,
    pub backend: Backend,
    pg_database: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

fn pg_admin_url() -> String {
    std::env::var("CONCERTO_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(admin_url: &str, db: &str) -> String {
    let (base, _) = admin_url.rsplit_once('/').expect("postgres URL has a database part");
    format!("{base}/{db}")
}

/// The sign-in rate limit of a test server: tests that do not study it get the defaults.
#[derive(Clone, Copy)]
pub struct AuthLimit {
    pub burst: u32,
    pub period: std::time::Duration,
}

impl Default for AuthLimit {
    fn default() -> Self {
        AuthLimit { burst: concerto::config::DEFAULT_AUTH_BURST, period: concerto::config::DEFAULT_AUTH_PERIOD }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, AuthLimit::default()).await
    }

    pub async fn spawn_with(backend: Backend, limit: AuthLimit) -> TestApp {
        use sqlx::Connection;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let addr = listener.local_addr().expect("local addr");
        let (database_url, pg_database, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (url, None, Some(dir))
            }
            Backend::Postgres => {
                let name = format!(
                    "concerto_test_{}",
                    app::accounts::session::new_token().to_lowercase().replace(['-', '_'], "")
                );
                let name = name[..40.min(name.len())].to_owned();
                let mut conn = sqlx::PgConnection::connect(&pg_admin_url())
                    .await
                    .expect("PostgreSQL reachable at CONCERTO_TEST_PG_URL");
                sqlx::query(&format!("create database {name}")).execute(&mut conn).await.expect("create test database");
                (with_database(&pg_admin_url(), &name), Some(name), None)
            }
        };
        let state = Self::serve(listener, addr, &database_url, limit).await;
        TestApp { addr, database_url, base: format!("http://{addr}"), state, backend, pg_database, _dir: dir }
    }

    /// A second server instance on this one's database (several stateless app servers
    /// behind a load balancer). It drops nothing when dropped.
    pub async fn second_instance(&self) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let addr = listener.local_addr().expect("local addr");
        let state = Self::serve(listener, addr, &self.database_url, AuthLimit::default()).await;
        let database_url = self.database_url.clone();
        TestApp {
            addr,
            database_url,
            base: format!("http://{addr}"),
            state,
            backend: self.backend,
            pg_database: None,
            _dir: None,
        }
    }

    async fn serve(
        listener: tokio::net::TcpListener,
        addr: SocketAddr,
        database_url: &str,
        limit: AuthLimit,
    ) -> AppState {
        let settings = Settings {
            addr,
            database_url: database_url.to_owned(),
            public_url: format!("http://{addr}"),
            secure_cookies: None,
            site_root: "target/site".into(),
            auth_burst: limit.burst,
            auth_period: limit.period,
        };
        let state = concerto::build_state(&settings).await.expect("state");
        let router = concerto::router(state.clone(), &settings);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
        });
        state
    }

    /// A browser: its own cookie jar, no automatic redirects (tests look at them).
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Creates the first admin through the printed setup link and returns their browser.
    pub async fn admin(&self) -> Browser {
        let link = concerto::announce_setup_link(&self.state).await.expect("setup link").expect("no admin yet");
        let token = link.rsplit('/').next().expect("token").to_owned();
        let b = self.browser();
        let r = b
            .call(
                "create_first_admin",
                &[
                    ("token", &token),
                    ("display_name", "Hélène Marchand"),
                    ("login", "admin"),
                    ("email", ""),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await;
        assert!(r.ok(), "first admin: {r:?}");
        b
    }

    /// Creates an assembly (as `admin`) and returns its id.
    pub async fn assembly(&self, admin: &Browser) -> i64 {
        let r = admin
            .call(
                "create_assembly",
                &[
                    ("name", "Assemblée citoyenne de Val-de-Brise"),
                    ("town", "Val-de-Brise"),
                    ("description", "Accueil du public"),
                ],
            )
            .await;
        assert!(r.ok(), "create assembly: {r:?}");
        r.json::<i64>()
    }

    /// An invitation token for `role` in `assembly`.
    pub async fn invitation(&self, admin: &Browser, assembly: i64, role: &str) -> String {
        let r = admin
            .call(
                "create_invitation",
                &[("assembly_id", &assembly.to_string()), ("role", role), ("invitee_name", ""), ("valid_days", "")],
            )
            .await;
        assert!(r.ok(), "create invitation: {r:?}");
        let link = r.json::<serde_json::Value>()["link"].as_str().expect("link").to_owned();
        assert!(link.starts_with(&self.base), "{link}");
        link.rsplit('/').next().expect("token").to_owned()
    }

    /// `n` members of `assembly`, signed in, written straight into the database: for tests
    /// that need a hundred voters without a hundred password hashes (and rate limits).
    pub async fn quick_members(&self, assembly: i64, n: usize) -> Vec<Browser> {
        use app::accounts::session::{hash_token, new_token, COOKIE_NAME};
        let now = app::db::now();
        let mut out = Vec::with_capacity(n);
        let mut tx = self.state.db.pool.begin().await.expect("begin");
        for i in 0..n {
            let (id,): (i64,) = sqlx::query_as(
                "insert into users (display_name, login, password_hash, created_at, updated_at) values ($1, $2, 'x', $3, $3) returning id",
            )
            .bind(format!("Votant {i}"))
            .bind(format!("votant{i}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .expect("user");
            sqlx::query(
                "insert into memberships (assembly_id, user_id, role, created_at) values ($1, $2, 'member', $3)",
            )
            .bind(assembly)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .expect("membership");
            let token = new_token();
            sqlx::query("insert into sessions (token_hash, user_id, created_at, last_seen_at, expires_at) values ($1, $2, $3, $3, $4)")
                .bind(hash_token(&token))
                .bind(id)
                .bind(now)
                .bind(now + 86_400)
                .execute(&mut *tx)
                .await
                .expect("session");
            let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
            jar.add_cookie_str(&format!("{COOKIE_NAME}={token}; Path=/"), &self.base.parse().expect("url"));
            let client = Client::builder()
                .cookie_provider(jar)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            out.push(Browser { client, base: self.base.clone() });
        }
        tx.commit().await.expect("commit");
        out
    }

    /// A new signed-in account holding `role` in `assembly`.
    pub async fn person(&self, admin: &Browser, assembly: i64, role: &str, login: &str) -> Browser {
        let token = self.invitation(admin, assembly, role).await;
        let b = self.browser();
        let r = b.accept(&token, &format!("Personne {login}"), login).await;
        assert!(r.ok(), "accept invitation: {r:?}");
        b
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&self.state.db.pool).await.expect("count query");
        n
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some(name) = self.pg_database.take() else { return };
        let pool = self.state.db.pool.clone();
        // Drop cannot await: use a private runtime on another thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                use sqlx::Connection;
                pool.close().await;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&pg_admin_url()).await {
                    let _ =
                        sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn ok(&self) -> bool {
        self.status.is_success() || self.status.is_redirection()
    }
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("JSON body expected ({e}): {}", self.body))
    }
    /// The error code of a failed server function call (`{"User":"forbidden"}` → `forbidden`).
    pub fn error(&self) -> String {
        let v: serde_json::Value = self.json();
        match &v {
            serde_json::Value::Object(m) if m.contains_key("User") => m["User"].as_str().unwrap_or_default().to_owned(),
            serde_json::Value::Object(m) if m.contains_key("Invalid") => m["Invalid"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|f| format!("{}:{}", f["field"].as_str().unwrap_or(""), f["code"].as_str().unwrap_or("")))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default(),
            other => other.to_string(),
        }
    }
    /// Element ids used more than once in an HTML page (a label would name the wrong field).
    pub fn duplicate_ids(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut twice = Vec::new();
        for part in self.body.split(" id=\"").skip(1) {
            let id = part.split('"').next().unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                twice.push(id);
            }
        }
        twice
    }

    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    /// Calls a server function as the hydrated app does (JSON answer).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Reply {
        let res = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::ACCEPT, "application/json")
            .header(header::ORIGIN, &self.base)
            .form(form)
            .send()
            .await
            .expect("request");
        Reply::from(res).await
    }

    /// Posts a form as a browser without JavaScript does (HTML accepted, Referer set).
    pub async fn post_form(&self, endpoint: &str, referer: &str, form: &[(&str, &str)]) -> Reply {
        let res = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::ORIGIN, &self.base)
            .header(header::REFERER, format!("{}{referer}", self.base))
            .form(form)
            .send()
            .await
            .expect("request");
        Reply::from(res).await
    }

    /// Accepts an invitation as a new person, with no e-mail and the shared test password.
    pub async fn accept(&self, token: &str, display_name: &str, login: &str) -> Reply {
        let form = [
            ("token", token),
            ("display_name", display_name),
            ("login", login),
            ("email", ""),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ];
        self.call("accept_invitation", &form).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .expect("request");
        let mut reply = Reply::from(res).await;
        // Leptos marks hydration boundaries with `<!>`: drop them so tests read the text.
        reply.body = reply.body.replace("<!>", "");
        reply
    }

    pub async fn current_user(&self) -> Option<serde_json::Value> {
        let r = self.call("current_user", &[]).await;
        assert!(r.ok(), "current_user: {r:?}");
        let v: serde_json::Value = r.json();
        (!v.is_null()).then_some(v)
    }
}

impl Reply {
    async fn from(res: reqwest::Response) -> Reply {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        Reply { status, headers, body }
    }
}

/// An assembly with its admin, one facilitator and some members, ready for objectives.
pub struct Assembly {
    pub id: i64,
    pub admin: Browser,
    pub facilitator: Browser,
    pub members: Vec<Browser>,
}

impl TestApp {
    pub async fn assembly_with_people(&self, members: usize) -> Assembly {
        let admin = self.admin().await;
        let id = self.assembly(&admin).await;
        let facilitator = self.person(&admin, id, "facilitator", "animation").await;
        let mut people = Vec::new();
        for i in 0..members {
            people.push(self.person(&admin, id, "member", &format!("membre{i}")).await);
        }
        Assembly { id, admin, facilitator, members: people }
    }
}

impl TestApp {
    /// Writes `threads` threads of four comments each under `objective` straight into the
    /// database (a top comment, a reply, a reply to that reply, a second reply): for tests
    /// and benchmarks of reading long discussions.
    pub async fn seed_discussion(&self, objective: i64, threads: i64) {
        let (author,): (i64,) = sqlx::query_as("select author_id from objectives where id = $1")
            .bind(objective)
            .fetch_one(&self.state.db.pool)
            .await
            .expect("objective");
        let mut tx = self.state.db.pool.begin().await.expect("begin");
        for t in 0..threads {
            let at = 1_700_000_000 + t * 10;
            let (top,): (i64,) = sqlx::query_as(
                "insert into comments (objective_id, author_id, depth, stance, body_md, body_html, created_at) \
                 values ($1, $2, 0, 'for', 'fil', '<p>fil</p>', $3) returning id",
            )
            .bind(objective)
            .bind(author)
            .bind(at)
            .fetch_one(&mut *tx)
            .await
            .expect("insert");
            sqlx::query("update comments set thread_id = id where id = $1")
                .bind(top)
                .execute(&mut *tx)
                .await
                .expect("thread");
            let mut parent = top;
            for (depth, stance) in [(1i64, "against"), (2, "neutral"), (1, "for")] {
                let p = if depth == 1 { top } else { parent };
                let (c,): (i64,) = sqlx::query_as(
                    "insert into comments (objective_id, author_id, parent_id, thread_id, depth, stance, body_md, body_html, created_at) \
                     values ($1, $2, $3, $4, $5, $6, 'r', '<p>r</p>', $7) returning id",
                )
                .bind(objective)
                .bind(author)
                .bind(p)
                .bind(top)
                .bind(depth)
                .bind(stance)
                .bind(at + depth)
                .fetch_one(&mut *tx)
                .await
                .expect("insert");
                parent = c;
            }
        }
        tx.commit().await.expect("commit");
    }
}

impl Browser {
    /// Publishes an objective and returns its id.
    pub async fn propose(&self, assembly: i64, title: &str, channel: &str) -> i64 {
        let r = self.propose_with(assembly, title, "Constat et **proposition**.", channel, "publish").await;
        assert!(r.ok(), "propose {title}: {r:?}");
        r.json::<i64>()
    }

    pub async fn propose_with(&self, assembly: i64, title: &str, body: &str, channel: &str, intent: &str) -> Reply {
        let a = assembly.to_string();
        self.call(
            "create_objective",
            &[
                ("assembly_id", &a),
                ("title", title),
                ("body", body),
                ("channel", channel),
                ("target", ""),
                ("intent", intent),
            ],
        )
        .await
    }

    /// Posts a comment (or a reply) and returns its id.
    pub async fn comment(&self, objective: i64, parent: Option<i64>, stance: &str, body: &str) -> i64 {
        let r = self.try_comment(objective, parent, stance, body).await;
        assert!(r.ok(), "comment: {r:?}");
        r.json::<i64>()
    }

    pub async fn try_comment(&self, objective: i64, parent: Option<i64>, stance: &str, body: &str) -> Reply {
        let o = objective.to_string();
        let p = parent.map(|p| p.to_string());
        let mut form = vec![("objective_id", o.as_str()), ("stance", stance), ("body", body)];
        if let Some(p) = &p {
            form.push(("parent_id", p.as_str()));
        }
        self.call("add_comment", &form).await
    }

    pub async fn objective(&self, id: i64) -> serde_json::Value {
        let r = self.call("get_objective", &[("objective_id", &id.to_string())]).await;
        assert!(r.ok(), "get_objective: {r:?}");
        r.json()
    }

    pub async fn discussion(&self, objective: i64, page: i64) -> serde_json::Value {
        let r =
            self.call("get_discussion", &[("objective_id", &objective.to_string()), ("page", &page.to_string())]).await;
        assert!(r.ok(), "get_discussion: {r:?}");
        r.json()
    }

    pub async fn report(&self, target: &str, reason: &str, details: &str) -> Reply {
        self.call("report_content", &[("target", target), ("reason", reason), ("details", details)]).await
    }

    pub async fn moderate(&self, assembly: i64, items: &[&str], action: &str, reason: &str) -> Reply {
        let a = assembly.to_string();
        let keys: Vec<String> = (0..items.len()).map(|i| format!("items[{i}]")).collect();
        let mut form: Vec<(&str, &str)> =
            vec![("assembly_id", &a), ("action", action), ("reason", reason), ("note", "")];
        for (k, v) in keys.iter().zip(items) {
            form.push((k.as_str(), v));
        }
        self.call("moderate", &form).await
    }

    /// Searches the assembly's objectives and returns the titles found.
    pub async fn search(&self, assembly: i64, q: &str) -> Vec<String> {
        let r = self
            .call(
                "list_objectives",
                &[
                    ("assembly_id", &assembly.to_string()),
                    ("query[q]", q),
                    ("query[page]", "1"),
                    ("query[sort]", "newest"),
                ],
            )
            .await;
        assert!(r.ok(), "list_objectives: {r:?}");
        let v: serde_json::Value = r.json();
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|o| o["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn s(n: i64) -> String {
    n.to_string()
}

/// An objective adopted through a real yes/no vote; returns (objective, round).
pub async fn adopted_objective(a: &Assembly, title: &str) -> (i64, i64) {
    let objective = a.members[0].propose(a.id, title, "phone").await;
    // A second member supports it (they will hear of what follows).
    if let Some(supporter) = a.members.get(1) {
        let r = supporter.call("support_objective", &[("objective_id", &s(objective)), ("support", "true")]).await;
        assert!(r.ok(), "{r:?}");
    }
    let r = a
        .facilitator
        .call(
            "plan_sitting",
            &[
                ("assembly_id", &s(a.id)),
                ("title", "Séance de décision"),
                ("date", "2027-01-14"),
                ("start", "18:30"),
                ("end", "20:30"),
                ("place", "Mairie"),
                ("online_url", ""),
            ],
        )
        .await;
    let sitting: i64 = r.json();
    let f = &a.facilitator;
    assert!(f
        .call("run_sitting", &[("sitting_id", &s(sitting)), ("step", "add"), ("objective_id", &s(objective))])
        .await
        .ok());
    let r = f
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
    let round: i64 = r.json();
    for m in &a.members {
        let r = m.call("cast_ballot", &[("round_id", &s(round)), (&format!("choices[{objective}]"), "yes")]).await;
        assert!(r.ok(), "{r:?}");
    }
    assert!(f.call("close_round", &[("round_id", &s(round))]).await.ok());
    (objective, round)
}
