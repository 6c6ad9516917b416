//! `concerto demo`: a realistic French assembly so a newcomer can explore at once. The town
//! (Val-de-Brise, about 30,000 inhabitants) is fictional. Later capabilities add their own
//! demo data here. The objectives, supports and discussions are in `demo_content.rs`; the
//! sittings and vote rounds in `demo_sittings.rs`; the commitments in `demo_commitments.rs`.
#[path = "demo_commitments.rs"]
mod commitments;
#[path = "demo_content.rs"]
mod content;
#[path = "demo_sittings.rs"]
mod sittings;

use app::accounts::session::hash_password;
use app::accounts::store::{add_membership, insert_user, NewUser};
use app::accounts::Role;
use app::audit::store::{record, Event};
use app::db::{now, Backend};
use app::ids::{AssemblyId, CommentId, ObjectiveId, UserId};
use app::markdown::render;
use app::moderation::AUTO_HIDE_REPORTS;
use app::objectives::Status;
use app::search::store::{index_comment, index_objective};
use app::state::AppState;
use content::{DemoComment, DemoModeration, DemoObjective, OBJECTIVES, SUPPORT_THRESHOLD};
use serde_json::json;
use std::collections::HashMap;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

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
    let mut users = HashMap::new();
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
        users.insert(person.login, user);
    }
    let loader = Loader { backend: state.db.backend, assembly, users, now };
    let counts = loader.objectives(&mut tx).await?;
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
    // The sittings and votes go through the app's use cases, as each person: after the commit.
    let mut people = HashMap::new();
    for (login, id) in &loader.users {
        let user = app::accounts::store::session_user(&state.db, *id).await.map_err(fail)?;
        people.insert(*login, app::guard::Actor::from_user(user));
    }
    let held = sittings::load(state, assembly, &people, counts.ids.clone(), now).await?;
    // Two commitments follow the past sitting's votes.
    let promised = commitments::load(state, assembly, &loader.users, now).await?;
    println!(
        "Demo loaded: {ASSEMBLY_NAME}, with {} objectives, {} supports (threshold {SUPPORT_THRESHOLD}), {} comments \
         and {} reported comment hidden by a facilitator.",
        counts.objectives, counts.supports, counts.comments, counts.hidden
    );
    println!(
        "Sittings: « {} » (held, {} closed vote rounds: /sittings/{}) and « {} » (planned: /sittings/{}).",
        sittings::PAST.title,
        held.rounds.len(),
        held.past,
        sittings::NEXT.title,
        held.next
    );
    println!(
        "Commitments: {} (planned, in progress, late, done, abandoned), {} monthly measurements and {} notifications \
         to their proposers and supporters: /assemblies/{assembly}/outcomes",
        promised.commitments, promised.measurements, promised.notifications
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

#[derive(Default)]
struct Counts {
    /// Each objective's id, by title.
    ids: HashMap<String, ObjectiveId>,
    objectives: usize,
    supports: usize,
    comments: usize,
    hidden: usize,
}

/// `AppError` and friends to `anyhow`.
fn fail(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// Inserts the demo content of `demo_content.rs` into the new assembly, as its members would have
/// through the app: same rows, same search index, same audit events, back-dated.
struct Loader {
    backend: Backend,
    assembly: AssemblyId,
    users: HashMap<&'static str, UserId>,
    now: i64,
}

impl Loader {
    fn user(&self, login: &str) -> anyhow::Result<UserId> {
        self.users.get(login).copied().ok_or_else(|| anyhow::anyhow!("demo content: unknown login {login:?}"))
    }

    /// `minutes` after `start`, but never in the future.
    fn at(&self, start: i64, minutes: i64) -> i64 {
        (start + minutes * 60).min(self.now - 60)
    }

    async fn event(
        &self,
        tx: &mut Tx<'_>,
        actor: Option<UserId>,
        action: &str,
        target: (&str, i64),
        details: serde_json::Value,
    ) -> anyhow::Result<()> {
        let event = Event {
            actor,
            assembly: Some(self.assembly),
            action,
            target_type: target.0,
            target_id: Some(target.1),
            details,
        };
        record(tx, event).await.map_err(fail)
    }

    async fn objectives(&self, tx: &mut Tx<'_>) -> anyhow::Result<Counts> {
        sqlx::query("update assemblies set support_threshold = $1 where id = $2")
            .bind(SUPPORT_THRESHOLD)
            .bind(self.assembly.0)
            .execute(&mut **tx)
            .await?;
        let mut counts = Counts::default();
        for (i, o) in OBJECTIVES.iter().enumerate() {
            // Published during the day: one to nine hours before a round number of days.
            let created = self.now - o.days_ago * 86_400 - (i as i64 * 7 % 9 + 1) * 3600;
            let id = self.objective(tx, o, created).await?;
            counts.ids.insert(o.title.to_owned(), id);
            counts.objectives += 1;
            counts.supports += self.supports(tx, id, o, created).await?;
            let (comments, hidden) = self.comments(tx, id, o, created).await?;
            counts.comments += comments;
            counts.hidden += hidden;
        }
        Ok(counts)
    }

    async fn objective(&self, tx: &mut Tx<'_>, o: &DemoObjective, created: i64) -> anyhow::Result<ObjectiveId> {
        let author = self.user(o.author)?;
        let html = render(o.body);
        let published = (o.status != Status::Draft).then_some(created);
        let updated = match o.status {
            Status::InDiscussion => self.at(created, 2 * 1440),
            Status::Withdrawn => self.at(created, 4 * 1440),
            _ => created,
        };
        let (id,): (i64,) = sqlx::query_as(
            "insert into objectives (assembly_id, author_id, title, body_md, body_html, channel, target, status, created_at, updated_at, published_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning id",
        )
        .bind(self.assembly.0)
        .bind(author.0)
        .bind(o.title)
        .bind(o.body)
        .bind(&html)
        .bind(o.channel.as_str())
        .bind(o.target)
        .bind(o.status.as_str())
        .bind(created)
        .bind(updated)
        .bind(published)
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query(
            "insert into objective_versions (objective_id, version, title, body_md, body_html, channel, target, created_at) \
             values ($1, 1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(o.title)
        .bind(o.body)
        .bind(&html)
        .bind(o.channel.as_str())
        .bind(o.target)
        .bind(created)
        .execute(&mut **tx)
        .await?;
        if published.is_some() {
            index_objective(tx, self.backend, ObjectiveId(id), &[o.title, o.body, o.target]).await.map_err(fail)?;
        }
        let action = if published.is_some() { "objective.propose" } else { "objective.draft" };
        let details = json!({ "title": o.title, "channel": o.channel.as_str() });
        self.event(tx, Some(author), action, ("objective", id), details).await?;
        self.status_change(tx, ObjectiveId(id), o, author).await?;
        Ok(ObjectiveId(id))
    }

    /// The audit event of how it left "proposed", if it did.
    async fn status_change(
        &self,
        tx: &mut Tx<'_>,
        id: ObjectiveId,
        o: &DemoObjective,
        author: UserId,
    ) -> anyhow::Result<()> {
        let (actor, action) = match o.status {
            Status::InDiscussion => (self.user("animation")?, "objective.open_discussion"),
            Status::Withdrawn => (author, "objective.withdraw"),
            _ => return Ok(()),
        };
        let details = json!({ "from": Status::Proposed.as_str(), "to": o.status.as_str() });
        self.event(tx, Some(actor), action, ("objective", id.0), details).await
    }

    async fn supports(
        &self,
        tx: &mut Tx<'_>,
        id: ObjectiveId,
        o: &DemoObjective,
        created: i64,
    ) -> anyhow::Result<usize> {
        anyhow::ensure!(
            o.supporters.is_empty() || o.status.supportable() || o.status == Status::Withdrawn,
            "demo content: {:?} cannot have supports",
            o.title
        );
        for (j, login) in o.supporters.iter().enumerate() {
            sqlx::query("insert into supports (objective_id, user_id, created_at) values ($1, $2, $3)")
                .bind(id.0)
                .bind(self.user(login)?.0)
                .bind(self.at(created, 10 + j as i64 * 170))
                .execute(&mut **tx)
                .await?;
        }
        Ok(o.supporters.len())
    }

    /// The discussion of one objective; returns how many comments, and how many of them hidden.
    async fn comments(
        &self,
        tx: &mut Tx<'_>,
        id: ObjectiveId,
        o: &DemoObjective,
        published: i64,
    ) -> anyhow::Result<(usize, usize)> {
        anyhow::ensure!(
            o.comments.is_empty() || o.status.commentable(),
            "demo content: {:?} cannot have comments",
            o.title
        );
        // (id, depth, thread) of the comments inserted so far, by index in `o.comments`.
        let mut inserted: Vec<(i64, i64, i64)> = Vec::new();
        let mut hidden = 0;
        for (i, c) in o.comments.iter().enumerate() {
            let parent = match c.replies_to {
                None => None,
                Some(p) => {
                    Some(*inserted.get(p).ok_or_else(|| anyhow::anyhow!("demo content: {:?} comment {i}", o.title))?)
                }
            };
            let depth = parent.map_or(0, |(_, d, _)| d + 1);
            anyhow::ensure!(depth <= 2, "demo content: {:?} comment {i} is too deep", o.title);
            let created = self.at(published, c.minutes);
            let comment = self.comment(tx, id, c, parent.map(|(p, _, t)| (p, t)), depth, created).await?;
            match c.moderation {
                Some(m) => {
                    self.hide(tx, comment, c.author, m, published).await?;
                    hidden += 1;
                }
                None => index_comment(tx, self.backend, comment, id, c.body).await.map_err(fail)?,
            }
            inserted.push((comment.0, depth, parent.map_or(comment.0, |(_, _, t)| t)));
        }
        Ok((o.comments.len(), hidden))
    }

    /// One comment; `parent` is (parent id, thread id) for a reply.
    async fn comment(
        &self,
        tx: &mut Tx<'_>,
        objective: ObjectiveId,
        c: &DemoComment,
        parent: Option<(i64, i64)>,
        depth: i64,
        created: i64,
    ) -> anyhow::Result<CommentId> {
        let author = self.user(c.author)?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into comments (objective_id, author_id, parent_id, thread_id, depth, stance, body_md, body_html, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
        )
        .bind(objective.0)
        .bind(author.0)
        .bind(parent.map(|(p, _)| p))
        .bind(parent.map(|(_, t)| t))
        .bind(depth)
        .bind(c.stance.as_str())
        .bind(c.body)
        .bind(render(c.body))
        .bind(created)
        .fetch_one(&mut **tx)
        .await?;
        if parent.is_none() {
            // A top-level comment is its own thread.
            sqlx::query("update comments set thread_id = id where id = $1").bind(id).execute(&mut **tx).await?;
        }
        let details = json!({ "objective": objective.0, "stance": c.stance.as_str() });
        self.event(tx, Some(author), "comment.create", ("comment", id), details).await?;
        Ok(CommentId(id))
    }

    /// Reports by several members, then a facilitator hides the comment: it leaves the search
    /// index (it never entered it here) and the reports are resolved.
    async fn hide(
        &self,
        tx: &mut Tx<'_>,
        id: CommentId,
        author: &str,
        m: &DemoModeration,
        published: i64,
    ) -> anyhow::Result<()> {
        let moderator = self.user(m.moderator)?;
        let hidden_at = self.at(published, m.minutes);
        for report in m.reports {
            anyhow::ensure!(report.reporter != author, "demo content: {author} reports their own comment");
            let reporter = self.user(report.reporter)?;
            let (report_id,): (i64,) = sqlx::query_as(
                "insert into reports (assembly_id, target_type, target_id, reporter_id, reason, details, created_at, resolved_at, resolved_by, resolution) \
                 values ($1, 'comment', $2, $3, $4, $5, $6, $7, $8, 'hidden') returning id",
            )
            .bind(self.assembly.0)
            .bind(id.0)
            .bind(reporter.0)
            .bind(report.reason)
            .bind(report.details)
            .bind(self.at(published, report.minutes))
            .bind(hidden_at)
            .bind(moderator.0)
            .fetch_one(&mut **tx)
            .await?;
            let details = json!({ "report": report_id, "reason": report.reason });
            self.event(tx, Some(reporter), "report.create", ("comment", id.0), details).await?;
        }
        if m.reports.len() as i64 >= AUTO_HIDE_REPORTS {
            let details = json!({ "reporters": m.reports.len() });
            self.event(tx, None, "moderation.auto_hide", ("comment", id.0), details).await?;
        }
        sqlx::query(
            "update comments set moderation = 'hidden', moderation_reason = $1, moderation_note = $2 where id = $3",
        )
        .bind(m.reason)
        .bind(m.note)
        .bind(id.0)
        .execute(&mut **tx)
        .await?;
        let details = json!({ "reason": m.reason, "note": m.note });
        self.event(tx, Some(moderator), "moderation.hide", ("comment", id.0), details).await
    }
}
