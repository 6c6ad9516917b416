//! `concerto demo`: a realistic French assembly so a newcomer can explore at once. The town
//! (Val-de-Brise, about 30,000 inhabitants) is fictional. Later capabilities add their own
//! demo data here.
use app::accounts::db::{add_membership, insert_user, NewUser};
use app::accounts::session::hash_password;
use app::accounts::Role;
use app::audit::ssr::{record, Event};
use app::db::now;
use app::ids::AssemblyId;
use app::state::AppState;
use serde_json::json;

pub const ASSEMBLY_NAME: &str = "Assemblée citoyenne de Val-de-Brise";
/// One passphrase for every demo account: long enough for the password policy, and printed.
pub const DEMO_PASSWORD: &str = "demo-val-de-brise-2026";

pub struct DemoPerson {
    pub name: &'static str,
    pub login: &'static str,
    pub roles: &'static [Role],
}

pub const PEOPLE: &[DemoPerson] = &[
    DemoPerson { name: "Hélène Marchand", login: "admin", roles: &[Role::Admin] },
    DemoPerson { name: "Karim Benali", login: "animation", roles: &[Role::Facilitator, Role::Member] },
    DemoPerson { name: "Sophie Lefèvre", login: "accueil", roles: &[Role::Staff] },
    DemoPerson { name: "Awa Diallo", login: "awa", roles: &[Role::Member] },
    DemoPerson { name: "Jean-Pierre Roux", login: "jeanpierre", roles: &[Role::Member] },
    DemoPerson { name: "Lucie Moreau", login: "lucie", roles: &[Role::Member] },
    DemoPerson { name: "Thomas Nguyen", login: "thomas", roles: &[Role::Member] },
    DemoPerson { name: "Fatima Haddad", login: "fatima", roles: &[Role::Member] },
    DemoPerson { name: "Marcel Dupuis", login: "marcel", roles: &[Role::Member] },
    DemoPerson { name: "Chloé Garnier", login: "chloe", roles: &[Role::Member] },
    DemoPerson { name: "Yannick Le Goff", login: "yannick", roles: &[Role::Member] },
];

const DESCRIPTION: &str = "Val-de-Brise (environ 30 000 habitants) vient d’obtenir le label Qualiville pour la qualité \
de son accueil. Pour aller plus loin, la mairie a confié à trente-cinq habitantes et habitants tirés au sort le soin de \
fixer ses objectifs d’amélioration : accueil au téléphone, réponses aux courriels, guichet, démarches en ligne, horaires \
d’ouverture, délais de réponse, accessibilité et signalétique.";

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let existing: Option<(i64,)> = sqlx::query_as("select id from assemblies where name = $1")
        .bind(ASSEMBLY_NAME)
        .fetch_optional(&state.db.pool)
        .await?;
    if existing.is_some() {
        println!("The demo is already loaded. Sign in with one of these logins and the password {DEMO_PASSWORD:?}:");
        print_people();
        return Ok(());
    }
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let now = now();
    let mut tx = state.db.pool.begin().await?;
    let (assembly,): (i64,) = sqlx::query_as(
        "insert into assemblies (name, town, description, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(ASSEMBLY_NAME)
    .bind("Val-de-Brise")
    .bind(DESCRIPTION)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let assembly = AssemblyId(assembly);
    for person in PEOPLE {
        let user = insert_user(
            &mut tx,
            NewUser {
                display_name: person.name,
                login: person.login,
                email: None,
                password_hash: &hash,
                is_admin: false,
            },
            now,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo user {}: {e}", person.login))?;
        for role in person.roles {
            add_membership(&mut tx, assembly, user, *role, now).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    record(
        &mut tx,
        Event {
            actor: None,
            assembly: Some(assembly),
            action: "demo.load",
            target_type: "assembly",
            target_id: Some(assembly.0),
            details: json!({}),
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    println!("Demo loaded: {ASSEMBLY_NAME}. Every account's password is {DEMO_PASSWORD:?}:");
    print_people();
    Ok(())
}

fn print_people() {
    for p in PEOPLE {
        let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
        println!("  {:<12} {:<20} {}", p.login, p.name, roles.join(", "));
    }
}
