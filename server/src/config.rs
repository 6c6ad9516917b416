//! Configuration from environment variables, with defaults for a local SQLite site.
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub database_url: String,
    pub public_url: String,
    pub secure_cookies: Option<bool>,
    pub site_root: String,
    /// Sign-in and account-creation requests one address may burst before waiting (0: off).
    pub auth_burst: u32,
    /// After the burst, one more such request per this period.
    pub auth_period: Duration,
}

/// One more sign-in attempt every 3 seconds once the burst is spent.
pub const DEFAULT_AUTH_PERIOD: Duration = Duration::from_secs(3);

/// Enough for a family sharing one connection; a script guessing passwords waits.
pub const DEFAULT_AUTH_BURST: u32 = 20;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/concerto.db?mode=rwc";

impl Settings {
    /// `CONCERTO_ADDR` (or cargo-leptos' `LEPTOS_SITE_ADDR`), `DATABASE_URL`,
    /// `CONCERTO_PUBLIC_URL`, `CONCERTO_SECURE_COOKIES`, `LEPTOS_SITE_ROOT`, `CONCERTO_AUTH_BURST`.
    pub fn from_env() -> anyhow::Result<Self> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let addr: SocketAddr = var("CONCERTO_ADDR")
            .or_else(|| var("LEPTOS_SITE_ADDR"))
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()?;
        let secure_cookies = match var("CONCERTO_SECURE_COOKIES").as_deref() {
            None => None,
            Some("1" | "true" | "yes") => Some(true),
            Some("0" | "false" | "no") => Some(false),
            Some(other) => anyhow::bail!("CONCERTO_SECURE_COOKIES must be true or false, not {other:?}"),
        };
        Ok(Settings {
            addr,
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            public_url: var("CONCERTO_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}")),
            secure_cookies,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            auth_burst: match var("CONCERTO_AUTH_BURST") {
                Some(v) => {
                    v.parse().map_err(|_| anyhow::anyhow!("CONCERTO_AUTH_BURST must be a whole number, not {v:?}"))?
                }
                None => DEFAULT_AUTH_BURST,
            },
            auth_period: DEFAULT_AUTH_PERIOD,
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("concerto")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.addr)
            .build()
    }

    pub fn app_config(&self) -> app::state::Config {
        app::state::Config::new(&self.public_url, self.secure_cookies)
    }
}
