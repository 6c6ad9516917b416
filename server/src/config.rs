//! Configuration from environment variables, with defaults for a local SQLite site.
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub database_url: String,
    pub public_url: String,
    pub secure_cookies: Option<bool>,
    pub site_root: String,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/concerto.db?mode=rwc";

impl Settings {
    /// `CONCERTO_ADDR` (or cargo-leptos' `LEPTOS_SITE_ADDR`), `DATABASE_URL`,
    /// `CONCERTO_PUBLIC_URL`, `CONCERTO_SECURE_COOKIES`, `LEPTOS_SITE_ROOT`.
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
