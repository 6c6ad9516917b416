//! `concerto [serve|migrate|demo|recount]`: runs the site (default), applies migrations, loads
//! the French demo data, or recounts every closed vote round from its stored ballots.
use concerto::config::Settings;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")))
        .init();
    let settings = Settings::from_env()?;
    let command = std::env::args().nth(1).unwrap_or_else(|| "serve".into());
    match command.as_str() {
        "serve" => serve(settings).await,
        "migrate" => {
            concerto::build_state(&settings).await?;
            println!("migrations applied to {}", settings.database_url);
            Ok(())
        }
        "demo" => {
            let state = concerto::build_state(&settings).await?;
            concerto::demo::load(&state).await
        }
        "recount" => {
            let state = concerto::build_state(&settings).await?;
            let differences = concerto::recount(&state).await?;
            if differences > 0 {
                anyhow::bail!("{differences} round(s) differ from their stored record");
            }
            Ok(())
        }
        "help" | "--help" | "-h" => {
            println!("usage: concerto [serve|migrate|demo|recount]\n\nserve    run the site (default)\nmigrate  apply database migrations and exit\ndemo     load a French demo assembly with accounts (passwords printed)\nrecount  recompute every closed vote round from its ballots, verify its hash chain, report differences");
            Ok(())
        }
        other => anyhow::bail!("unknown command {other:?}; try `concerto help`"),
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let state = concerto::build_state(&settings).await?;
    if let Some(link) = concerto::announce_setup_link(&state).await? {
        println!("\nNo administrator yet. Create the first one, once, at:\n\n    {link}\n");
    }
    // The router (and Leptos' route list) is built before the port opens, so "listening"
    // means ready: no request meets a half-started server.
    let router = concerto::router(state, &settings);
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    println!("Concerto listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
