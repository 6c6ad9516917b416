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

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
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
        let settings = Settings {
            addr,
            database_url,
            public_url: format!("http://{addr}"),
            secure_cookies: None,
            site_root: "target/site".into(),
            auth_burst: concerto::config::DEFAULT_AUTH_BURST,
        };
        let state = concerto::build_state(&settings).await.expect("state");
        let router = concerto::router(state.clone(), settings.auth_burst);
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
        });
        TestApp { addr, base: format!("http://{addr}"), state, backend, pg_database, _dir: dir }
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
        Reply::from(res).await
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
