//! Objective server functions. Reading is public (drafts excepted); proposing, editing,
//! supporting are for the assembly's members and facilitators; opening the discussion and
//! setting the support threshold are for facilitators.
use super::{History, ListQuery, Objective, ObjectiveList, Similar};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::ObjectiveId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_objectives")]
pub async fn list_objectives(assembly_id: i64, #[server(default)] query: ListQuery) -> Result<ObjectiveList, AppError> {
    finish(ssr::list(crate::ids::AssemblyId(assembly_id), query).await, &[])
}

#[server(prefix = "/api", endpoint = "get_objective")]
pub async fn get_objective(objective_id: i64) -> Result<Objective, AppError> {
    finish(ssr::get(ObjectiveId(objective_id)).await, &[])
}

/// `intent`: `publish` posts it at once; anything else keeps a draft, which its author
/// sees rendered (the preview without JavaScript) and can publish from there.
#[server(prefix = "/api", endpoint = "create_objective")]
pub async fn create_objective(
    assembly_id: i64,
    title: String,
    body: String,
    channel: String,
    target: String,
    intent: Option<String>,
) -> Result<ObjectiveId, AppError> {
    let publish = intent.as_deref() == Some("publish");
    let result = ssr::create(crate::ids::AssemblyId(assembly_id), &title, &body, &channel, &target, publish).await;
    finish(result, &[("title", &title), ("body", &body), ("channel", &channel), ("target", &target)])
}

#[server(prefix = "/api", endpoint = "update_objective")]
pub async fn update_objective(
    objective_id: i64,
    title: String,
    body: String,
    channel: String,
    target: String,
) -> Result<(), AppError> {
    let result = ssr::update(ObjectiveId(objective_id), &title, &body, &channel, &target).await;
    finish(result, &[("title", &title), ("body", &body), ("channel", &channel), ("target", &target)])
}

/// Lifecycle steps: `publish` and `withdraw` (the author), `open_discussion` (facilitators).
#[server(prefix = "/api", endpoint = "change_objective_status")]
pub async fn change_objective_status(objective_id: i64, step: String) -> Result<(), AppError> {
    finish(ssr::change_status(ObjectiveId(objective_id), &step).await, &[])
}

#[server(prefix = "/api", endpoint = "support_objective")]
pub async fn support_objective(objective_id: i64, support: bool) -> Result<i64, AppError> {
    finish(ssr::support(ObjectiveId(objective_id), support).await, &[])
}

#[server(prefix = "/api", endpoint = "objective_history")]
pub async fn objective_history(objective_id: i64, from: Option<i64>, to: Option<i64>) -> Result<History, AppError> {
    finish(ssr::history(ObjectiveId(objective_id), from, to).await, &[])
}

#[server(prefix = "/api", endpoint = "similar_objectives")]
pub async fn similar_objectives(assembly_id: i64, title: String) -> Result<Vec<Similar>, AppError> {
    finish(ssr::similar(crate::ids::AssemblyId(assembly_id), &title, None).await, &[])
}

#[server(prefix = "/api", endpoint = "preview_markdown")]
pub async fn preview_markdown(text: String) -> Result<String, AppError> {
    let result = async {
        // Rendering costs CPU: only for people who can write something.
        let state = crate::state::app_state()?;
        crate::accounts::permissions::require_user(crate::accounts::session::current_user(&state.db).await?)?;
        let text = super::parse_body(&text, super::BODY_MAX).map_err(|code| AppError::field("body", code))?;
        super::markdown::render_async(text).await
    }
    .await;
    finish(result, &[])
}

#[server(prefix = "/api", endpoint = "set_support_threshold")]
pub async fn set_support_threshold(assembly_id: i64, threshold: String) -> Result<(), AppError> {
    let result = ssr::set_threshold(crate::ids::AssemblyId(assembly_id), &threshold).await;
    finish(result, &[("threshold", &threshold)])
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::accounts::permissions::{moderates, participates, require_user};
    use crate::accounts::session::current_user;
    use crate::accounts::SessionUser;
    use crate::audit::ssr::{record, Event};
    use crate::db::{now, Db};
    use crate::error::{ErrorCode, Validator};
    use crate::ids::{AssemblyId, UserId};
    use crate::moderation::Moderation;
    use crate::objectives::markdown::render_async;
    use crate::objectives::search;
    use crate::objectives::*;
    use crate::state::app_state;
    use serde_json::json;

    pub type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

    #[derive(sqlx::FromRow)]
    pub struct Row {
        pub id: i64,
        pub assembly_id: i64,
        pub assembly_name: String,
        pub threshold: i64,
        pub author_id: i64,
        pub author: String,
        pub title: String,
        pub body_md: String,
        pub body_html: String,
        pub channel: String,
        pub target: String,
        pub status: String,
        pub version: i64,
        pub moderation: String,
        pub moderation_reason: Option<String>,
        pub moderation_note: Option<String>,
        pub locked: i64,
        pub created_at: i64,
        pub updated_at: i64,
        pub published_at: Option<i64>,
    }

    impl Row {
        pub fn status(&self) -> Status {
            Status::parse(&self.status).unwrap_or(Status::Draft)
        }
        pub fn moderation(&self) -> Moderation {
            Moderation::from_columns(
                &self.moderation,
                self.moderation_reason.as_deref(),
                self.moderation_note.as_deref(),
            )
        }
        pub fn assembly(&self) -> AssemblyId {
            AssemblyId(self.assembly_id)
        }
        pub fn locked(&self) -> bool {
            self.locked != 0
        }
    }

    const SELECT: &str = "select o.id, o.assembly_id, a.name as assembly_name, a.support_threshold as threshold, \
        o.author_id, u.display_name as author, o.title, o.body_md, o.body_html, o.channel, o.target, o.status, \
        o.version, o.moderation, o.moderation_reason, o.moderation_note, o.locked, o.created_at, o.updated_at, \
        o.published_at from objectives o join assemblies a on a.id = o.assembly_id join users u on u.id = o.author_id";

    /// Loads an objective as `user` may see it: a draft exists for its author only.
    pub async fn load(db: &Db, id: ObjectiveId, user: Option<&SessionUser>) -> Result<Row, AppError> {
        let row: Option<Row> =
            sqlx::query_as(&format!("{SELECT} where o.id = $1")).bind(id.0).fetch_optional(&db.pool).await?;
        match row {
            Some(r) if r.status() != Status::Draft || user.is_some_and(|u| u.id.0 == r.author_id) => Ok(r),
            _ => Err(AppError::User(ErrorCode::NotFound)),
        }
    }

    /// The end of `user`'s current suspension from `assembly`, if any.
    pub async fn suspended_until(
        db: &Db,
        assembly: AssemblyId,
        user: UserId,
        now: i64,
    ) -> Result<Option<i64>, AppError> {
        let row: Option<(i64,)> = sqlx::query_as(
            "select max(until) from suspensions where assembly_id = $1 and user_id = $2 and lifted_at is null and until > $3 \
             having count(*) > 0",
        )
        .bind(assembly.0)
        .bind(user.0)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
        Ok(row.map(|(u,)| u))
    }

    /// The signed-in person, if they may take part in `assembly` right now.
    pub async fn require_participant(db: &Db, assembly: AssemblyId) -> Result<SessionUser, AppError> {
        let user = require_user(current_user(db).await?)?;
        check_participant(db, &user, assembly).await?;
        Ok(user)
    }

    pub async fn check_participant(db: &Db, user: &SessionUser, assembly: AssemblyId) -> Result<(), AppError> {
        if !participates(user, assembly) {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        if suspended_until(db, assembly, user.id, now()).await?.is_some() {
            return Err(AppError::User(ErrorCode::Suspended));
        }
        Ok(())
    }

    pub async fn require_moderator(db: &Db, assembly: AssemblyId) -> Result<SessionUser, AppError> {
        let user = require_user(current_user(db).await?)?;
        if moderates(&user, assembly) {
            Ok(user)
        } else {
            Err(AppError::User(ErrorCode::Forbidden))
        }
    }

    pub async fn threshold_of(db: &Db, assembly: AssemblyId) -> Result<(String, i64), AppError> {
        let row: Option<(String, i64)> = sqlx::query_as("select name, support_threshold from assemblies where id = $1")
            .bind(assembly.0)
            .fetch_optional(&db.pool)
            .await?;
        row.ok_or(AppError::User(ErrorCode::NotFound))
    }

    #[derive(sqlx::FromRow)]
    struct SummaryRow {
        id: i64,
        title: String,
        channel: String,
        status: String,
        author: String,
        moderation: String,
        moderation_reason: Option<String>,
        moderation_note: Option<String>,
        supports: i64,
        comments: i64,
        published_at: Option<i64>,
    }

    const SUMMARY: &str = "select o.id, o.title, o.channel, o.status, u.display_name as author, o.moderation, \
        o.moderation_reason, o.moderation_note, \
        (select count(*) from supports s where s.objective_id = o.id) as supports, \
        (select count(*) from comments c where c.objective_id = o.id and c.deleted_at is null) as comments, \
        o.published_at from objectives o join users u on u.id = o.author_id";

    fn summary(r: SummaryRow, threshold: i64) -> ObjectiveSummary {
        let status = Status::parse(&r.status).unwrap_or(Status::Draft);
        let moderation =
            Moderation::from_columns(&r.moderation, r.moderation_reason.as_deref(), r.moderation_note.as_deref());
        let visible = moderation.is_visible();
        ObjectiveSummary {
            id: ObjectiveId(r.id),
            // Hidden content keeps its place in the list; its words do not show.
            title: if visible { r.title } else { String::new() },
            channel: Channel::parse(&r.channel).unwrap_or(Channel::Other),
            status,
            author: r.author,
            moderation,
            supports: r.supports,
            comments: r.comments,
            published_at: r.published_at,
            ready: visible && ready_for_agenda(status, r.supports, threshold),
        }
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn list(assembly: AssemblyId, query: ListQuery) -> Result<ObjectiveList, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (_, threshold) = threshold_of(db, assembly).await?;
        let user = current_user(db).await?;
        let mut sql = format!("{SUMMARY} where o.assembly_id = $1 and o.status <> 'draft' and ($2 = '' or o.channel = $2) and ($3 = '' or o.status = $3)");
        let search = search::condition(db, &query.q, 4);
        if let Some((cond, _)) = &search {
            sql.push_str(" and ");
            sql.push_str(cond);
        }
        let count_sql = format!("select count(*) from ({sql}) as listed");
        let next = if search.is_some() { 5 } else { 4 };
        let order = match query.sort {
            Sort::Newest => "o.published_at desc, o.id desc",
            Sort::Supported => "supports desc, o.published_at desc, o.id desc",
            Sort::Discussed => "comments desc, o.published_at desc, o.id desc",
        };
        let page_sql = format!("{sql} order by {order} limit ${next} offset ${}", next + 1);
        let channel = query.channel.map(Channel::as_str).unwrap_or("");
        let status = query.status.map(Status::as_str).unwrap_or("");
        let mut count = sqlx::query_as::<_, (i64,)>(&count_sql).bind(assembly.0).bind(channel).bind(status);
        let mut rows = sqlx::query_as::<_, SummaryRow>(&page_sql).bind(assembly.0).bind(channel).bind(status);
        if let Some((_, value)) = &search {
            count = count.bind(value.clone());
            rows = rows.bind(value.clone());
        }
        let (total,) = count.fetch_one(&db.pool).await?;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        let page = query.page.clamp(1, pages);
        let rows = rows.bind(PAGE_SIZE).bind((page - 1) * PAGE_SIZE).fetch_all(&db.pool).await?;
        let drafts = match &user {
            Some(u) if page == 1 => sqlx::query_as::<_, SummaryRow>(&format!(
                "{SUMMARY} where o.assembly_id = $1 and o.status = 'draft' and o.author_id = $2 order by o.updated_at desc"
            ))
            .bind(assembly.0)
            .bind(u.id.0)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|r| summary(r, threshold))
            .collect(),
            _ => Vec::new(),
        };
        Ok(ObjectiveList {
            items: rows.into_iter().map(|r| summary(r, threshold)).collect(),
            total,
            page,
            pages,
            threshold,
            drafts,
            can_propose: user.as_ref().is_some_and(|u| participates(u, assembly)),
            can_moderate: user.as_ref().is_some_and(|u| moderates(u, assembly)),
        })
    }

    #[tracing::instrument(skip_all, fields(objective = id.0))]
    pub async fn get(id: ObjectiveId) -> Result<Objective, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = current_user(db).await?;
        let row = load(db, id, user.as_ref()).await?;
        let (supports,): (i64,) = sqlx::query_as("select count(*) from supports where objective_id = $1")
            .bind(id.0)
            .fetch_one(&db.pool)
            .await?;
        let viewer = match &user {
            None => Viewer::default(),
            Some(u) => {
                let supported: Option<(i64,)> =
                    sqlx::query_as("select objective_id from supports where objective_id = $1 and user_id = $2")
                        .bind(id.0)
                        .bind(u.id.0)
                        .fetch_optional(&db.pool)
                        .await?;
                Viewer {
                    signed_in: true,
                    is_author: u.id.0 == row.author_id,
                    participant: participates(u, row.assembly()),
                    suspended_until: suspended_until(db, row.assembly(), u.id, now()).await?,
                    moderator: moderates(u, row.assembly()),
                    supported: supported.is_some(),
                }
            }
        };
        let moderation = row.moderation();
        let visible = moderation.is_visible();
        let status = row.status();
        let similar = if status == Status::Draft && viewer.is_author {
            similar(row.assembly(), &row.title, Some(id)).await?
        } else {
            Vec::new()
        };
        let votes: Vec<(i64, String, String)> = sqlx::query_as(
            "select r.id, r.method, r.status from round_objectives ro join vote_rounds r on r.id = ro.round_id \
             where ro.objective_id = $1 order by r.id",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await?;
        let votes = votes
            .into_iter()
            .filter_map(|(r, m, st)| {
                Some((crate::ids::RoundId(r), crate::voting::Method::parse(&m).ok()?, st == "closed"))
            })
            .collect();
        let commitment: Option<(i64,)> = sqlx::query_as("select id from commitments where objective_id = $1")
            .bind(id.0)
            .fetch_optional(&db.pool)
            .await?;
        Ok(Objective {
            id: ObjectiveId(row.id),
            assembly_id: row.assembly(),
            assembly_name: row.assembly_name.clone(),
            author_id: UserId(row.author_id),
            author: row.author.clone(),
            // The text of hidden content is not sent, except to its author to fix it.
            title: if visible || viewer.is_author { row.title.clone() } else { String::new() },
            body_md: if viewer.is_author && status.editable() { row.body_md.clone() } else { String::new() },
            body_html: if visible { row.body_html.clone() } else { String::new() },
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Other),
            target: if visible { row.target.clone() } else { String::new() },
            status,
            version: row.version,
            moderation,
            locked: row.locked(),
            created_at: row.created_at,
            updated_at: row.updated_at,
            published_at: row.published_at,
            supports,
            threshold: row.threshold,
            viewer,
            similar,
            votes,
            commitment: commitment.map(|(c,)| crate::ids::CommitmentId(c)),
        })
    }

    pub struct Fields {
        pub title: String,
        pub body: String,
        pub channel: Channel,
        pub target: String,
    }

    pub fn validate(title: &str, body: &str, channel: &str, target: &str) -> Result<Fields, AppError> {
        let mut v = Validator::default();
        let title = v.check("title", parse_title(title));
        let body = v.check("body", parse_body(body, BODY_MAX));
        let channel = v.check("channel", Channel::parse(channel));
        let target = v.check("target", parse_target(target));
        v.finish()?;
        match (title, body, channel, target) {
            (Some(title), Some(body), Some(channel), Some(target)) => Ok(Fields { title, body, channel, target }),
            _ => Err(AppError::Internal),
        }
    }

    async fn save_version(
        tx: &mut Tx<'_>,
        id: ObjectiveId,
        version: i64,
        f: &Fields,
        html: &str,
    ) -> Result<(), AppError> {
        sqlx::query(
            "insert into objective_versions (objective_id, version, title, body_md, body_html, channel, target, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.0)
        .bind(version)
        .bind(&f.title)
        .bind(&f.body)
        .bind(html)
        .bind(f.channel.as_str())
        .bind(&f.target)
        .bind(now())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    pub async fn reindex(tx: &mut Tx<'_>, db: &Db, id: ObjectiveId, f: &Fields) -> Result<(), AppError> {
        search::index_objective(tx, db.backend, id, &[&f.title, &f.body, &f.target]).await
    }

    #[tracing::instrument(skip_all, fields(assembly = assembly.0))]
    pub async fn create(
        assembly: AssemblyId,
        title: &str,
        body: &str,
        channel: &str,
        target: &str,
        publish: bool,
    ) -> Result<ObjectiveId, AppError> {
        let state = app_state()?;
        let db = &state.db;
        threshold_of(db, assembly).await?;
        let user = require_participant(db, assembly).await?;
        let fields = validate(title, body, channel, target)?;
        let html = render_async(fields.body.clone()).await?;
        let now = now();
        let status = if publish { Status::Proposed } else { Status::Draft };
        let mut tx = db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into objectives (assembly_id, author_id, title, body_md, body_html, channel, target, status, created_at, updated_at, published_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) returning id",
        )
        .bind(assembly.0)
        .bind(user.id.0)
        .bind(&fields.title)
        .bind(&fields.body)
        .bind(&html)
        .bind(fields.channel.as_str())
        .bind(&fields.target)
        .bind(status.as_str())
        .bind(now)
        .bind(publish.then_some(now))
        .fetch_one(&mut *tx)
        .await?;
        let id = ObjectiveId(id);
        save_version(&mut tx, id, 1, &fields, &html).await?;
        if publish {
            reindex(&mut tx, db, id, &fields).await?;
        }
        record(
            &mut tx,
            Event::new(
                Some(user.id),
                assembly,
                if publish { "objective.propose" } else { "objective.draft" },
                ("objective", id.0),
            )
            .details(json!({ "title": fields.title, "channel": fields.channel.as_str() })),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/objectives/{id}"));
        Ok(id)
    }

    #[tracing::instrument(skip_all, fields(objective = id.0))]
    pub async fn update(id: ObjectiveId, title: &str, body: &str, channel: &str, target: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let row = load(db, id, Some(&user)).await?;
        if row.author_id != user.id.0 {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        check_participant(db, &user, row.assembly()).await?;
        let fields = validate(title, body, channel, target)?;
        let html = render_async(fields.body.clone()).await?;
        let mut tx = db.pool.begin().await?;
        // The status check is in the update itself: a facilitator opening the discussion at
        // the same moment wins, and the edit is refused rather than slipped in afterwards.
        let updated: Option<(i64, String)> = sqlx::query_as(
            "update objectives set title = $1, body_md = $2, body_html = $3, channel = $4, target = $5, \
             version = version + 1, updated_at = $6 where id = $7 and status in ('draft', 'proposed') returning version, status",
        )
        .bind(&fields.title)
        .bind(&fields.body)
        .bind(&html)
        .bind(fields.channel.as_str())
        .bind(&fields.target)
        .bind(now())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (version, status) = updated.ok_or(AppError::User(ErrorCode::InvalidState))?;
        save_version(&mut tx, id, version, &fields, &html).await?;
        if status != Status::Draft.as_str() && row.moderation().is_visible() {
            reindex(&mut tx, db, id, &fields).await?;
        }
        record(
            &mut tx,
            Event::new(Some(user.id), row.assembly(), "objective.edit", ("objective", id.0))
                .details(json!({ "version": version })),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/objectives/{id}"));
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(objective = id.0))]
    pub async fn change_status(id: ObjectiveId, step: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let row = load(db, id, Some(&user)).await?;
        let is_author = row.author_id == user.id.0;
        let (from, to, action): (&[&str], Status, &str) = match step {
            "publish" => (&["draft"], Status::Proposed, "objective.propose"),
            "withdraw" => (&["draft", "proposed", "in_discussion"], Status::Withdrawn, "objective.withdraw"),
            "open_discussion" => (&["proposed"], Status::InDiscussion, "objective.open_discussion"),
            _ => return Err(AppError::User(ErrorCode::InvalidChoice)),
        };
        if to == Status::InDiscussion {
            require_moderator(db, row.assembly()).await?;
        } else if !is_author {
            return Err(AppError::User(ErrorCode::Forbidden));
        } else {
            check_participant(db, &user, row.assembly()).await?;
        }
        let now = now();
        let mut tx = db.pool.begin().await?;
        let list = from.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ");
        let done = sqlx::query(&format!(
            "update objectives set status = $1, updated_at = $2, published_at = coalesce(published_at, $3) \
             where id = $4 and status in ({list})"
        ))
        .bind(to.as_str())
        .bind(now)
        .bind((to == Status::Proposed).then_some(now))
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        if to == Status::Proposed && row.moderation().is_visible() {
            let channel = Channel::parse(&row.channel).unwrap_or(Channel::Other);
            let fields =
                Fields { title: row.title.clone(), body: row.body_md.clone(), channel, target: row.target.clone() };
            reindex(&mut tx, db, id, &fields).await?;
        }
        record(
            &mut tx,
            Event::new(Some(user.id), row.assembly(), action, ("objective", id.0))
                .details(json!({ "from": row.status, "to": to.as_str() })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds or withdraws the signed-in member's support; returns the new count.
    #[tracing::instrument(skip_all, fields(objective = id.0))]
    pub async fn support(id: ObjectiveId, support: bool) -> Result<i64, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        let row = load(db, id, Some(&user)).await?;
        check_participant(db, &user, row.assembly()).await?;
        if !row.status().supportable() {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let mut tx = db.pool.begin().await?;
        let changed = if support {
            sqlx::query(
                "insert into supports (objective_id, user_id, created_at) values ($1, $2, $3) on conflict do nothing",
            )
            .bind(id.0)
            .bind(user.id.0)
            .bind(now())
            .execute(&mut *tx)
            .await?
        } else {
            sqlx::query("delete from supports where objective_id = $1 and user_id = $2")
                .bind(id.0)
                .bind(user.id.0)
                .execute(&mut *tx)
                .await?
        };
        if changed.rows_affected() > 0 {
            record(
                &mut tx,
                Event::new(
                    Some(user.id),
                    row.assembly(),
                    if support { "objective.support" } else { "objective.unsupport" },
                    ("objective", id.0),
                ),
            )
            .await?;
        }
        let (count,): (i64,) = sqlx::query_as("select count(*) from supports where objective_id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(count)
    }

    #[tracing::instrument(skip_all, fields(objective = id.0))]
    pub async fn history(id: ObjectiveId, from: Option<i64>, to: Option<i64>) -> Result<History, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = current_user(db).await?;
        let row = load(db, id, user.as_ref()).await?;
        let hidden = !row.moderation().is_visible() && user.as_ref().is_none_or(|u| u.id.0 != row.author_id);
        let rows: Vec<(i64, String, String, String, String, i64)> = if hidden {
            Vec::new()
        } else {
            sqlx::query_as(
                "select version, title, channel, target, body_md, created_at from objective_versions \
                 where objective_id = $1 order by version",
            )
            .bind(id.0)
            .fetch_all(&db.pool)
            .await?
        };
        let versions: Vec<Version> = rows
            .into_iter()
            .map(|(version, title, channel, target, body_md, created_at)| Version {
                version,
                title,
                channel: Channel::parse(&channel).unwrap_or(Channel::Other),
                target,
                body_md,
                created_at,
            })
            .collect();
        let last = versions.last().map_or(1, |v| v.version);
        let to = to.filter(|t| (1..=last).contains(t)).unwrap_or(last);
        let from = from.filter(|f| (1..=to).contains(f)).unwrap_or((to - 1).max(1));
        let pick = |n: i64| versions.iter().find(|v| v.version == n);
        let (title_diff, target_diff, body_diff, channel_change) = match (pick(from), pick(to)) {
            (Some(a), Some(b)) => (
                word_diff(&a.title, &b.title),
                word_diff(&a.target, &b.target),
                word_diff(&a.body_md, &b.body_md),
                (a.channel != b.channel).then_some((a.channel, b.channel)),
            ),
            _ => Default::default(),
        };
        Ok(History {
            objective_id: id,
            title: if hidden { String::new() } else { row.title.clone() },
            hidden,
            versions,
            from,
            to,
            title_diff,
            target_diff,
            body_diff,
            channel_change,
        })
    }

    /// What changed between two texts, word by word (whitespace kept, so line breaks show).
    pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
        use similar::{ChangeTag, TextDiff};
        let diff = TextDiff::from_words(old, new);
        let mut parts: Vec<DiffPart> = Vec::new();
        for change in diff.iter_all_changes() {
            let text = change.value().to_owned();
            let part = match change.tag() {
                ChangeTag::Equal => DiffPart::Same(text),
                ChangeTag::Insert => DiffPart::Added(text),
                ChangeTag::Delete => DiffPart::Removed(text),
            };
            // Merge runs of the same kind so the page has few elements.
            match (parts.last_mut(), part) {
                (Some(DiffPart::Same(a)), DiffPart::Same(b))
                | (Some(DiffPart::Added(a)), DiffPart::Added(b))
                | (Some(DiffPart::Removed(a)), DiffPart::Removed(b)) => a.push_str(&b),
                (_, part) => parts.push(part),
            }
        }
        parts
    }

    pub async fn similar(
        assembly: AssemblyId,
        title: &str,
        except: Option<ObjectiveId>,
    ) -> Result<Vec<Similar>, AppError> {
        let state = app_state()?;
        let title: String = title.chars().take(TITLE_MAX).collect();
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "select id, title, status from objectives where assembly_id = $1 and status <> 'draft' and moderation = 'visible' \
             and id <> $2 order by id desc limit 2000",
        )
        .bind(assembly.0)
        .bind(except.map_or(0, |e| e.0))
        .fetch_all(&state.db.pool)
        .await?;
        let candidates: Vec<((i64, String, String), String)> = rows.into_iter().map(|r| (r.clone(), r.1)).collect();
        Ok(search::similar_titles(&title, &candidates, 5)
            .into_iter()
            .map(|(id, title, status)| Similar {
                id: ObjectiveId(id),
                title,
                status: Status::parse(&status).unwrap_or(Status::Proposed),
            })
            .collect())
    }

    pub async fn set_threshold(assembly: AssemblyId, raw: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        threshold_of(db, assembly).await?;
        let user = require_moderator(db, assembly).await?;
        let threshold = match raw.trim().parse::<i64>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            Ok(_) => return Err(AppError::field("threshold", ErrorCode::InvalidChoice)),
            Err(_) if raw.trim().is_empty() => return Err(AppError::field("threshold", ErrorCode::Required)),
            Err(_) => return Err(AppError::field("threshold", ErrorCode::InvalidFormat)),
        };
        let mut tx = db.pool.begin().await?;
        sqlx::query("update assemblies set support_threshold = $1 where id = $2")
            .bind(threshold)
            .bind(assembly.0)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "assembly.support_threshold", ("assembly", assembly.0))
                .details(json!({ "threshold": threshold })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn word_diff_shows_added_and_removed_words() {
            let d = word_diff("Répondre aux courriels sous 72 heures", "Répondre aux courriels sous 48 heures");
            assert!(d.contains(&DiffPart::Removed("72".into())), "{d:?}");
            assert!(d.contains(&DiffPart::Added("48".into())), "{d:?}");
            assert_eq!(word_diff("a b", "a b"), vec![DiffPart::Same("a b".into())]);
        }
    }
}
