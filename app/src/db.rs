//! The connection pool, chosen at start from `DATABASE_URL`: SQLite (embedded default) or
//! PostgreSQL. Queries go through sqlx's `Any` driver so one SQL text serves both
//! wherever the dialects agree; where they differ, `Backend` names the variant.
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// An open transaction on either backend.
pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, sqlx::Error> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(sqlx::Error::Configuration(format!("unsupported DATABASE_URL scheme in {url:?}").into()))
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

pub type Row = AnyRow;

impl Db {
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            ensure_sqlite_dir(url);
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed during a write; the busy timeout makes
                        // concurrent writers wait for the lock instead of failing.
                        conn.execute("pragma journal_mode = wal; pragma busy_timeout = 10000; pragma foreign_keys = on; pragma synchronous = normal;").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Db { pool, backend })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("../migrations/postgres").run(&self.pool).await,
        }
    }
}

/// Whether the database answers (for `/healthz`).
pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(&db.pool).await.map(|_| ())
}

fn ensure_sqlite_dir(url: &str) {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

/// Current time in unix seconds: the one clock read of the data layer; pure rules take it
/// as an argument.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Flags are stored as 0/1 integers on both backends.
pub fn flag(v: bool) -> i64 {
    i64::from(v)
}

/// A 0/1 flag column, read once as a boolean (`#[sqlx(try_from = "i64")] locked: Flag`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(v: i64) -> Self {
        Flag(v != 0)
    }
}

impl FromStr for Backend {
    type Err = sqlx::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::from_url(s)
    }
}
