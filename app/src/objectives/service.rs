//! Objectives' use cases: listing and reading (public, drafts excepted), proposing,
//! editing, publishing and withdrawing (the author), supporting (members), opening the
//! discussion and setting the support threshold (facilitators). The last section is what
//! other domains use to move an objective along its lifecycle.
use super::store::{self, ObjectiveRow, Text};
use super::{
    parse_body, parse_target, parse_title, Channel, DiffPart, History, ListQuery, Mover, Objective, ObjectiveList,
    Similar, Status, Step, Viewer, BODY_MAX, TITLE_MAX,
};
use crate::audit::store::{record_at, Event};
use crate::context::{Ctx, Tx};
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::{store::participant, Actor};
use crate::ids::{AssemblyId, ObjectiveId};
use crate::search::store as search;
use serde_json::json;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

/// The objective as `actor` may see it: a draft exists for its author only.
async fn visible(ctx: &Ctx, actor: &Actor, id: ObjectiveId) -> Result<ObjectiveRow, AppError> {
    match store::objective(&ctx.db, id).await? {
        Some(r) if r.status.public() || actor.id() == Some(r.author_id) => Ok(r),
        _ => Err(not_found()),
    }
}

async fn threshold_of(ctx: &Ctx, assembly: AssemblyId) -> Result<i64, AppError> {
    Ok(crate::assemblies::service::name_and_threshold(ctx, assembly).await?.1)
}

#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn list(ctx: &Ctx, actor: &Actor, assembly: AssemblyId, query: ListQuery) -> Result<ObjectiveList, AppError> {
    let threshold = threshold_of(ctx, assembly).await?;
    let (rows, total, page) = store::page(&ctx.db, assembly, &query).await?;
    let drafts = match actor.user() {
        Some(u) if page == 1 => store::drafts(&ctx.db, assembly, u.id).await?,
        _ => Vec::new(),
    };
    Ok(ObjectiveList {
        items: rows.into_iter().map(|r| r.summary(threshold)).collect(),
        total,
        page,
        pages: ((total + super::PAGE_SIZE - 1) / super::PAGE_SIZE).max(1),
        threshold,
        drafts: drafts.into_iter().map(|r| r.summary(threshold)).collect(),
        can_propose: actor.takes_part_in(assembly),
        can_moderate: actor.moderates(assembly),
    })
}

async fn viewer(ctx: &Ctx, actor: &Actor, now: i64, row: &ObjectiveRow) -> Result<Viewer, AppError> {
    let Some(u) = actor.user() else { return Ok(Viewer::default()) };
    let mut tx = ctx.begin_read().await?;
    let suspended_until = crate::guard::store::suspended_until(&mut tx, row.assembly_id, u.id, now).await?;
    tx.commit().await?;
    Ok(Viewer {
        signed_in: true,
        is_author: u.id == row.author_id,
        participant: u.takes_part_in(row.assembly_id),
        suspended_until,
        moderator: u.moderates(row.assembly_id),
        supported: store::supported_by(&ctx.db, row.id, u.id).await?,
    })
}

#[tracing::instrument(skip_all, fields(objective = id.0))]
pub async fn get(ctx: &Ctx, actor: &Actor, now: i64, id: ObjectiveId) -> Result<Objective, AppError> {
    let row = visible(ctx, actor, id).await?;
    let viewer = viewer(ctx, actor, now, &row).await?;
    let moderation = row.moderation();
    let visible = moderation.is_visible();
    let similar = if row.status == Status::Draft && viewer.is_author {
        similar(ctx, row.assembly_id, &row.title, Some(id)).await?
    } else {
        Vec::new()
    };
    let votes = store::rounds_of(&ctx.db, id)
        .await?
        .into_iter()
        .map(|r| (r.id, r.method, r.status == crate::voting::RoundStatus::Closed))
        .collect();
    Ok(Objective {
        id: row.id,
        assembly_id: row.assembly_id,
        assembly_name: row.assembly_name.clone(),
        author_id: row.author_id,
        author: row.author.clone(),
        // The text of hidden content is not sent, except to its author to fix it.
        title: if visible || viewer.is_author { row.title.clone() } else { String::new() },
        body_md: if viewer.is_author && row.status.editable() { row.body_md.clone() } else { String::new() },
        body_html: if visible { row.body_html.clone() } else { String::new() },
        channel: row.channel,
        target: if visible { row.target.clone() } else { String::new() },
        status: row.status,
        version: row.version,
        moderation,
        locked: row.locked.0,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
        supports: store::support_count(&ctx.db, id).await?,
        threshold: row.threshold,
        viewer,
        similar,
        votes,
        commitment: store::commitment_of(&ctx.db, id).await?,
    })
}

/// What a person types for an objective.
pub struct Form<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub channel: &'a str,
    pub target: &'a str,
}

/// The checked fields and the body rendered to sanitised HTML.
struct Checked {
    title: String,
    body: String,
    html: String,
    channel: Channel,
    target: String,
}

impl Checked {
    fn text(&self) -> Text<'_> {
        Text {
            title: &self.title,
            body: &self.body,
            body_html: &self.html,
            channel: self.channel,
            target: &self.target,
        }
    }
}

async fn check(form: &Form<'_>) -> Result<Checked, AppError> {
    let mut v = Validator::default();
    let title = v.check("title", parse_title(form.title));
    let body = v.check("body", parse_body(form.body, BODY_MAX));
    let channel = v.check("channel", Channel::parse(form.channel));
    let target = v.check("target", parse_target(form.target));
    let (title, body, channel, target) = v.finish_with((title, body, channel, target))?;
    let html = crate::markdown::render_async(body.clone()).await?;
    Ok(Checked { title, body, html, channel, target })
}

async fn reindex(tx: &mut Tx<'_>, ctx: &Ctx, id: ObjectiveId, text: &Text<'_>) -> Result<(), AppError> {
    search::index_objective(tx, ctx.db.backend, id, &[text.title, text.body, text.target]).await
}

/// Proposes an objective (`publish`) or keeps it as its author's draft.
#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    form: &Form<'_>,
    publish: bool,
) -> Result<ObjectiveId, AppError> {
    threshold_of(ctx, assembly).await?;
    actor.must(actor.takes_part_in(assembly))?;
    let checked = check(form).await?;
    let status = if publish { Status::Proposed } else { Status::Draft };
    let mut tx = ctx.begin().await?;
    let author = participant(&mut tx, actor, assembly, now).await?;
    let text = checked.text();
    let id = store::insert_objective(&mut tx, assembly, author.id, &text, status, now).await?;
    store::insert_version(&mut tx, id, 1, &text, now).await?;
    if publish {
        reindex(&mut tx, ctx, id, &text).await?;
    }
    let action = if publish { "objective.propose" } else { "objective.draft" };
    let event = Event::new(actor.id(), assembly, action, ("objective", id.0))
        .details(json!({ "title": checked.title, "channel": checked.channel.as_str() }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// The author edits the text; every edit is a new version.
#[tracing::instrument(skip_all, fields(objective = id.0))]
pub async fn update(ctx: &Ctx, actor: &Actor, now: i64, id: ObjectiveId, form: &Form<'_>) -> Result<(), AppError> {
    let row = visible(ctx, actor, id).await?;
    actor.must(actor.id() == Some(row.author_id))?;
    let checked = check(form).await?;
    let mut tx = ctx.begin().await?;
    participant(&mut tx, actor, row.assembly_id, now).await?;
    let text = checked.text();
    // The status check is in the update itself: a facilitator opening the discussion at the
    // same moment wins, and the edit is refused rather than slipped in afterwards.
    let (version, status) =
        store::update_text(&mut tx, id, &text, now).await?.ok_or(AppError::User(ErrorCode::InvalidState))?;
    store::insert_version(&mut tx, id, version, &text, now).await?;
    if status.public() && row.moderation().is_visible() {
        reindex(&mut tx, ctx, id, &text).await?;
    }
    let event = Event::new(actor.id(), row.assembly_id, "objective.edit", ("objective", id.0))
        .details(json!({ "version": version }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// A lifecycle step taken from the objective's page: `publish` and `withdraw` by its
/// author, `open_discussion` by a facilitator.
#[tracing::instrument(skip_all, fields(objective = id.0))]
pub async fn change_status(ctx: &Ctx, actor: &Actor, now: i64, id: ObjectiveId, step: &str) -> Result<(), AppError> {
    let step = Step::parse(step).map_err(AppError::User)?;
    let row = visible(ctx, actor, id).await?;
    let mover = match step {
        Step::Publish | Step::Withdraw => {
            actor.must(actor.id() == Some(row.author_id))?;
            Mover::Author
        }
        Step::OpenDiscussion => {
            actor.must_moderate(row.assembly_id)?;
            Mover::Facilitator
        }
        _ => return Err(AppError::User(ErrorCode::InvalidChoice)),
    };
    let mut tx = ctx.begin().await?;
    if mover == Mover::Author {
        participant(&mut tx, actor, row.assembly_id, now).await?;
    }
    let (from, to) = move_status(&mut tx, now, id, step, mover).await?;
    if to == Status::Proposed && row.moderation().is_visible() {
        let text = Text {
            title: &row.title,
            body: &row.body_md,
            body_html: &row.body_html,
            channel: row.channel,
            target: &row.target,
        };
        reindex(&mut tx, ctx, id, &text).await?;
    }
    let action = match step {
        Step::Publish => "objective.propose",
        Step::Withdraw => "objective.withdraw",
        _ => "objective.open_discussion",
    };
    let event = Event::new(actor.id(), row.assembly_id, action, ("objective", id.0))
        .details(json!({ "from": from.as_str(), "to": to.as_str() }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds or withdraws the member's support; returns the new count.
#[tracing::instrument(skip_all, fields(objective = id.0))]
pub async fn support(ctx: &Ctx, actor: &Actor, now: i64, id: ObjectiveId, support: bool) -> Result<i64, AppError> {
    let row = visible(ctx, actor, id).await?;
    let mut tx = ctx.begin().await?;
    let user = participant(&mut tx, actor, row.assembly_id, now).await?;
    let current = store::objective_in(&mut tx, id).await?.ok_or_else(not_found)?;
    if !current.status.supportable() {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    if store::set_support(&mut tx, id, user.id, support, now).await? {
        let action = if support { "objective.support" } else { "objective.unsupport" };
        record_at(&mut tx, Event::new(actor.id(), row.assembly_id, action, ("objective", id.0)), now).await?;
    }
    let count = store::support_count_in(&mut tx, id).await?;
    tx.commit().await?;
    Ok(count)
}

#[tracing::instrument(skip_all, fields(objective = id.0))]
pub async fn history(
    ctx: &Ctx,
    actor: &Actor,
    id: ObjectiveId,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<History, AppError> {
    let row = visible(ctx, actor, id).await?;
    let hidden = !row.moderation().is_visible() && actor.id() != Some(row.author_id);
    let versions = if hidden { Vec::new() } else { store::versions(&ctx.db, id).await? };
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

/// Published objectives whose titles resemble `title`, best first (at most five).
pub async fn similar(
    ctx: &Ctx,
    assembly: AssemblyId,
    title: &str,
    except: Option<ObjectiveId>,
) -> Result<Vec<Similar>, AppError> {
    let title: String = title.chars().take(TITLE_MAX).collect();
    let candidates: Vec<(Similar, String)> = store::similar_candidates(&ctx.db, assembly, except)
        .await?
        .into_iter()
        .map(|s| {
            let t = s.title.clone();
            (s, t)
        })
        .collect();
    Ok(crate::search::similar_titles(&title, &candidates, 5))
}

/// The Markdown preview; rendering costs CPU, so only for people who can write something.
pub async fn preview(actor: &Actor, text: &str) -> Result<String, AppError> {
    actor.signed_in()?;
    let text = parse_body(text, BODY_MAX).map_err(|code| AppError::field("body", code))?;
    crate::markdown::render_async(text).await
}

#[tracing::instrument(skip_all, fields(assembly = assembly.0))]
pub async fn set_threshold(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    raw: &str,
) -> Result<(), AppError> {
    threshold_of(ctx, assembly).await?;
    actor.must_moderate(assembly)?;
    let threshold = match raw.trim().parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => n,
        Ok(_) => return Err(AppError::field("threshold", ErrorCode::InvalidChoice)),
        Err(_) if raw.trim().is_empty() => return Err(AppError::field("threshold", ErrorCode::Required)),
        Err(_) => return Err(AppError::field("threshold", ErrorCode::InvalidFormat)),
    };
    let mut tx = ctx.begin().await?;
    store::set_threshold(&mut tx, assembly, threshold).await?;
    let event = Event::new(actor.id(), assembly, "assembly.support_threshold", ("assembly", assembly.0))
        .details(json!({ "threshold": threshold }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}

// For other domains: moving an objective along its lifecycle, inside their transaction.

/// Takes `step` on the objective inside `tx`: reads its status there, applies the
/// lifecycle (`Status::after`) and writes the change only if nothing moved it meanwhile.
/// Returns (from, to).
pub async fn move_status(
    tx: &mut Tx<'_>,
    now: i64,
    id: ObjectiveId,
    step: Step,
    by: Mover,
) -> Result<(Status, Status), AppError> {
    transition(tx, now, id, |current| current.after(step, by)).await
}

/// After a ranking or approval vote, the objective returns to `previous` (see
/// `Status::returned_from_vote`).
pub async fn return_from_vote(tx: &mut Tx<'_>, now: i64, id: ObjectiveId, previous: Status) -> Result<(), AppError> {
    transition(tx, now, id, |current| current.returned_from_vote(previous)).await.map(|_| ())
}

async fn transition(
    tx: &mut Tx<'_>,
    now: i64,
    id: ObjectiveId,
    rule: impl FnOnce(Status) -> Result<Status, ErrorCode>,
) -> Result<(Status, Status), AppError> {
    let current = store::objective_in(tx, id).await?.ok_or_else(not_found)?;
    let next = rule(current.status).map_err(AppError::User)?;
    if !store::set_status(tx, id, current.status, next, now).await? {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    Ok((current.status, next))
}

/// What another domain needs to know of an objective to act on it (the discussion, an
/// agenda, a vote), read inside its transaction.
pub struct ObjectiveState {
    pub id: ObjectiveId,
    pub assembly: AssemblyId,
    pub title: String,
    pub status: Status,
    pub locked: bool,
    pub visible: bool,
}

impl From<ObjectiveRow> for ObjectiveState {
    fn from(r: ObjectiveRow) -> Self {
        ObjectiveState {
            id: r.id,
            assembly: r.assembly_id,
            visible: r.moderation().is_visible(),
            title: r.title,
            status: r.status,
            locked: r.locked.0,
        }
    }
}

/// The published objective as it stands inside `tx`.
pub async fn state_in(tx: &mut Tx<'_>, id: ObjectiveId) -> Result<ObjectiveState, AppError> {
    let r = store::objective_in(tx, id).await?.ok_or_else(not_found)?;
    if !r.status.public() {
        return Err(not_found());
    }
    Ok(r.into())
}

/// The objective as `actor` may see it (a draft is its author's only), for reading.
pub async fn state(ctx: &Ctx, actor: &Actor, id: ObjectiveId) -> Result<ObjectiveState, AppError> {
    Ok(visible(ctx, actor, id).await?.into())
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
