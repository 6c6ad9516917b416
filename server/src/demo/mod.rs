//! `concerto demo`: a realistic French assembly so a newcomer can explore at once. The town
//! (Val-de-Brise, about 30,000 inhabitants) is fictional. Everything is created through the
//! app's own use cases, each called as the person who did it, at the time they did it
//! (back-dated from the load): the rows, search index, audit events, vote logs and
//! notifications are exactly what a year of real use leaves.
//!
//! The story, oldest first: the admin founds the assembly about fourteen months ago and
//! invites its people (here); they propose, support and discuss objectives (`content.rs`,
//! replayed by `objectives.rs`); the first sitting adopts three of them a year ago, the second
//! votes three weeks ago and the third is planned (`sittings.rs`, replayed by `votes.rs`);
//! the town hall's staff publish and follow a commitment for each objective adopted
//! (`commitments.rs`, replayed by `outcomes.rs`).
mod clock;
mod commitments;
mod content;
mod objectives;
mod outcomes;
mod sittings;
mod votes;

use app::accounts::service::AccountForm;
use app::accounts::session::hash_password;
use app::accounts::store::{insert_user, session_user, NewUser};
use app::accounts::Role;
use app::assemblies::service as assemblies;
use app::context::Ctx;
use app::guard::Actor;
use app::ids::{AssemblyId, UserId};
use app::state::AppState;
use clock::Clock;
use std::collections::HashMap;

pub const ASSEMBLY_NAME: &str = "Assemblée citoyenne de Val-de-Brise";
const TOWN: &str = "Val-de-Brise";
/// One passphrase for every demo account: long enough for the password policy, and printed.
pub const DEMO_PASSWORD: &str = "demo-val-de-brise-2026";
/// Days before the load that the assembly was founded and its people joined: before the
/// oldest objective (`content.rs`) and the first sitting (`sittings.rs`).
const FOUNDED: i64 = 430;

pub struct DemoPerson {
    pub name: &'static str,
    pub login: &'static str,
    pub roles: &'static [Role],
}

/// The admin first: she founds the assembly and invites everyone else.
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

/// What every part of the loader acts with: the app's context, the assembly, each person
/// as an acting person (by login), and the clock of the load.
pub struct Demo {
    pub ctx: Ctx,
    pub assembly: AssemblyId,
    pub people: HashMap<&'static str, Actor>,
    pub clock: Clock,
}

impl Demo {
    pub fn person(&self, login: &str) -> anyhow::Result<&Actor> {
        self.people.get(login).ok_or_else(|| anyhow::anyhow!("demo: unknown login {login:?}"))
    }

    pub fn user(&self, login: &str) -> anyhow::Result<UserId> {
        self.person(login)?.id().ok_or_else(|| anyhow::anyhow!("demo: {login:?} is nobody"))
    }
}

/// `AppError` and friends to `anyhow`.
fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

pub async fn load(state: &AppState) -> anyhow::Result<()> {
    let ctx = Ctx::from(state);
    let assemblies = assemblies::list(&ctx, None).await.map_err(fail)?;
    if assemblies.iter().any(|a| a.name == ASSEMBLY_NAME) {
        println!("The demo is already loaded. Sign in with one of these logins and the password {DEMO_PASSWORD:?}:");
        print_people();
        return Ok(());
    }
    let clock = Clock::new(app::db::now());
    let (assembly, people) = found(&ctx, &clock).await?;
    let demo = Demo { ctx, assembly, people, clock };
    let proposed = objectives::load(&demo).await?;
    let held = votes::load(&demo, &proposed.ids).await?;
    let promised = outcomes::load(&demo, &proposed.ids).await?;
    println!(
        "Demo loaded: {ASSEMBLY_NAME}, with {} objectives, {} supports (threshold {}), {} comments and {} reported \
         comment hidden by a facilitator.",
        proposed.objectives,
        proposed.supports,
        content::SUPPORT_THRESHOLD,
        proposed.comments,
        proposed.hidden
    );
    println!("Sittings (/assemblies/{assembly}/sittings):");
    for (id, s, rounds) in &held {
        match s.held {
            Some(_) => println!("  « {} », held: {} closed vote rounds, /sittings/{id}", s.title, rounds.len()),
            None => println!("  « {} », planned: /sittings/{id}", s.title),
        }
    }
    println!(
        "Commitments: {} (planned, in progress, late, done, abandoned), {} monthly measurements and {} notifications \
         ({} unread) to their proposers and supporters: /assemblies/{assembly}/outcomes",
        promised.commitments, promised.measurements, promised.notifications, promised.unread
    );
    println!("Every account's password is {DEMO_PASSWORD:?}:");
    print_people();
    Ok(())
}

fn print_people() {
    for p in PEOPLE {
        let roles: Vec<&str> = p.roles.iter().map(|r| r.as_str()).collect();
        println!("  {:<12} {:<20} {}", p.login, p.name, roles.join(", "));
    }
}

/// The admin's account, the assembly she founds, and everyone she invites, each joining
/// with their invitation link. Returns the assembly and every person as they act.
async fn found(ctx: &Ctx, clock: &Clock) -> anyhow::Result<(AssemblyId, HashMap<&'static str, Actor>)> {
    let (first, others) = PEOPLE.split_first().ok_or_else(|| anyhow::anyhow!("demo: nobody"))?;
    anyhow::ensure!(first.roles == [Role::Admin], "demo: the first person founds the assembly as admin");
    let founded = clock.at(FOUNDED, 9 * 60);
    let admin = admin(ctx, first, founded).await?;
    let assembly =
        assemblies::create(ctx, &admin, founded + 600, ASSEMBLY_NAME, TOWN, DESCRIPTION).await.map_err(fail)?;
    let mut people = HashMap::from([(first.login, admin)]);
    for (i, person) in others.iter().enumerate() {
        let invited = founded + 1200 + i as i64 * 60;
        // Everyone joins in the afternoon, one after the other.
        let joined = clock.at(FOUNDED, 14 * 60 + i as i64 * 23);
        let actor = join(ctx, assembly, &people[first.login], person, (invited, joined)).await?;
        people.insert(person.login, actor);
    }
    Ok((assembly, people))
}

/// No use case creates an admin once the platform has one (the first comes from the setup
/// link): the demo's admin account is written directly.
async fn admin(ctx: &Ctx, p: &DemoPerson, at: i64) -> anyhow::Result<Actor> {
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await.map_err(fail)?;
    let mut tx = ctx.begin().await.map_err(fail)?;
    let new = NewUser { display_name: p.name, login: p.login, email: None, password_hash: &hash, is_admin: true };
    let id = insert_user(&mut tx, new, at).await.map_err(|e| anyhow::anyhow!("demo user {}: {e}", p.login))?;
    tx.commit().await?;
    actor(ctx, id).await
}

/// One invitation per role of `p`: the first link creates the account, the others add
/// their role to it.
async fn join(
    ctx: &Ctx,
    assembly: AssemblyId,
    admin: &Actor,
    p: &DemoPerson,
    (invited, joined): (i64, i64),
) -> anyhow::Result<Actor> {
    let mut joined_as: Option<Actor> = None;
    for (k, role) in p.roles.iter().enumerate() {
        let k = k as i64;
        let invitation =
            assemblies::create_invitation(ctx, admin, invited + k * 10, assembly, role.as_str(), p.name, "14")
                .await
                .map_err(fail)?;
        let token = invitation.link.rsplit('/').next().unwrap_or_default();
        let at = joined + k * 60;
        let user = match &joined_as {
            None => {
                let form = AccountForm {
                    display_name: p.name,
                    login: p.login,
                    email: "",
                    password: DEMO_PASSWORD.to_owned(),
                    password_confirm: DEMO_PASSWORD.to_owned(),
                };
                let (_, session) = app::accounts::service::accept_invitation(ctx, at, token, form)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo user {}: {e}", p.login))?;
                session.user
            }
            Some(actor) => {
                app::accounts::service::join_with_invitation(ctx, actor, at, token).await.map_err(fail)?;
                actor.id().ok_or_else(|| anyhow::anyhow!("demo: {} is nobody", p.login))?
            }
        };
        // Read again: the person now holds this role too.
        joined_as = Some(actor(ctx, user).await?);
    }
    joined_as.ok_or_else(|| anyhow::anyhow!("demo: {} has no role", p.login))
}

async fn actor(ctx: &Ctx, id: UserId) -> anyhow::Result<Actor> {
    Ok(Actor::from_user(session_user(&ctx.db, id).await.map_err(fail)?))
}
