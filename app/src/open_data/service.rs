//! Open data's use cases: a dataset as a file, and the two feeds. Each dataset is one
//! function that turns its store rows into records with the dataset's columns, in order;
//! the writers (`table`, `feed`, `atom`) are pure. Public reads: no actor, but the clock is
//! explicit (a commitment's shown status depends on the day).
use super::feed::{self, Names};
use super::store;
use super::table::{to_csv, to_json, Cell, Record};
use super::{atom, parse_file, Data, FeedLang, File, Format};
use crate::commitments::{progress, shown_status, Progress};
use crate::context::Ctx;
use crate::db::Db;
use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, CommitmentId};
use crate::voting::{RoundResult, RoundStatus};
use std::collections::BTreeMap;
use Cell::*;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

/// `/open-data/{assembly}/{file}`: `file` is `<dataset>.csv` or `<dataset>.json`.
pub async fn file(ctx: &Ctx, now: i64, assembly: AssemblyId, file: &str) -> Result<File, AppError> {
    let (data, format) = parse_file(file).ok_or_else(not_found)?;
    store::assembly(&ctx.db, assembly).await?.ok_or_else(not_found)?;
    let dataset = data.dataset();
    let rows = records(&ctx.db, now, assembly, data).await?;
    debug_assert!(
        rows.iter().all(|r| r.len() == dataset.columns.len()),
        "{}: a row does not match its columns",
        dataset.name
    );
    Ok(match format {
        Format::Csv => File {
            content_type: "text/csv; charset=utf-8",
            disposition: format!("attachment; filename=\"{}.csv\"", dataset.name),
            body: to_csv(dataset, &rows)?,
        },
        Format::Json => File {
            content_type: "application/json",
            disposition: format!("inline; filename=\"{}.json\"", dataset.name),
            body: serde_json::to_vec_pretty(&to_json(dataset, &rows)).map_err(|_| AppError::Internal)?,
        },
    })
}

/// The records of one dataset of the assembly.
pub async fn records(db: &Db, now: i64, assembly: AssemblyId, data: Data) -> Result<Vec<Record>, AppError> {
    match data {
        Data::Objectives => objectives(db, assembly).await,
        Data::Supports => supports(db, assembly).await,
        Data::Comments => comments(db, assembly).await,
        Data::VoteRounds => vote_rounds(db, assembly).await,
        Data::Ballots => ballots(db, assembly).await,
        Data::Commitments => commitments(db, now, assembly).await,
        Data::Milestones => milestones(db, assembly).await,
        Data::Indicators => indicators(db, assembly).await,
        Data::Measurements => measurements(db, assembly).await,
    }
}

async fn objectives(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::objectives(db, assembly)
        .await?
        .into_iter()
        .map(|o| {
            vec![
                Int(o.id.0),
                Text(o.title),
                Cell::word(o.channel),
                Cell::word(o.status),
                Text(o.target),
                Text(o.body_md),
                Text(o.author),
                Int(o.version),
                Cell::time(o.published_at),
                Time(o.updated_at),
            ]
        })
        .collect())
}

async fn supports(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::supports(db, assembly).await?.into_iter().map(|s| vec![Int(s.objective_id.0), Int(s.supports)]).collect())
}

async fn comments(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::comments(db, assembly)
        .await?
        .into_iter()
        .map(|c| {
            vec![
                Int(c.id.0),
                Int(c.objective_id.0),
                Cell::int(c.parent_id.map(|p| p.0)),
                Cell::word(c.stance),
                Text(c.body_md),
                Time(c.created_at),
                Cell::time(c.edited_at),
            ]
        })
        .collect())
}

async fn vote_rounds(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    let mut objectives: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for ro in store::round_objectives(db, assembly).await? {
        objectives.entry(ro.round_id.0).or_default().push(ro.objective_id.0);
    }
    Ok(store::vote_rounds(db, assembly)
        .await?
        .into_iter()
        .map(|r| {
            // The head hash and the result are published at closing, as on the round's page.
            let closed = r.status == RoundStatus::Closed;
            vec![
                Int(r.id.0),
                Int(r.sitting_id.0),
                Cell::word(r.method),
                Bool(r.secret.0),
                Cell::word(r.status),
                Json(objectives.remove(&r.id.0).unwrap_or_default().into()),
                Cell::json_text(Some(&r.rules)),
                Int(r.members_count),
                Int(r.present_count),
                Int(r.ballots_count),
                Time(r.opened_at),
                Cell::time(r.closed_at),
                Cell::text(closed.then_some(r.head_hash)),
                Cell::json_text(r.result.as_deref().filter(|_| closed)),
            ]
        })
        .collect())
}

async fn ballots(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::ballots(db, assembly)
        .await?
        .into_iter()
        .map(|b| vec![Int(b.round_id.0), Text(b.receipt_hash), Cell::json_text(Some(&b.content))])
        .collect())
}

async fn commitments(db: &Db, now: i64, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    let counts: BTreeMap<i64, (i64, i64)> = store::milestone_counts(db, assembly)
        .await?
        .into_iter()
        .map(|m| (m.commitment_id.0, (m.total, m.done)))
        .collect();
    let today = crate::commitments::service::today(now);
    Ok(store::commitments(db, assembly)
        .await?
        .into_iter()
        .map(|c| {
            let shown = shown_status(c.status, &c.target_date, &today);
            let (total, done) = counts.get(&c.id.0).copied().unwrap_or((0, 0));
            let p = progress(
                done as u32,
                total as u32,
                c.progress_override.map(|p| (p as u32, c.progress_reason.as_str())),
            );
            let source = match p {
                Progress::None => "none",
                Progress::Milestones { .. } => "milestones",
                Progress::Declared { .. } => "declared",
            };
            vec![
                Int(c.id.0),
                Int(c.objective_id.0),
                Cell::int(c.round_id.map(|r| r.0)),
                Text(c.service),
                Text(c.contact_role),
                Text(c.summary_md),
                Text(c.target_date),
                Cell::word(c.status),
                Cell::word(shown),
                Text(c.status_reason),
                Int(i64::from(p.percent())),
                Cell::word(source),
                Text(c.progress_reason),
                Time(c.created_at),
                Time(c.updated_at),
            ]
        })
        .collect())
}

async fn milestones(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::milestones(db, assembly)
        .await?
        .into_iter()
        .map(|m| vec![Int(m.id.0), Int(m.commitment_id.0), Text(m.title), Text(m.due_date), Cell::text(m.done_on)])
        .collect())
}

async fn indicators(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::indicators(db, assembly)
        .await?
        .into_iter()
        .map(|i| {
            vec![
                Int(i.id.0),
                Int(i.commitment_id.0),
                Text(i.name),
                Text(i.unit),
                Num(i.baseline),
                Num(i.target),
                Cell::word(i.direction),
            ]
        })
        .collect())
}

async fn measurements(db: &Db, assembly: AssemblyId) -> Result<Vec<Record>, AppError> {
    Ok(store::measurements(db, assembly)
        .await?
        .into_iter()
        .map(|m| vec![Int(m.id), Int(m.indicator_id.0), Text(m.measured_on), Num(m.value), Text(m.source)])
        .collect())
}

/// Newest first, then the feed's size.
fn newest(mut entries: Vec<atom::Entry>) -> Vec<atom::Entry> {
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(feed::ENTRIES);
    entries
}

/// `/assemblies/{id}/feed.atom`: the assembly's decisions (closed rounds) and the progress
/// updates of its commitments, newest first, in `lang`.
pub async fn assembly_feed(ctx: &Ctx, lang: FeedLang, id: AssemblyId) -> Result<String, AppError> {
    let (db, public_url, locale) = (&ctx.db, &ctx.config.public_url, lang.locale);
    let assembly = store::assembly(db, id).await?.ok_or_else(not_found)?;
    let limit = feed::ENTRIES as i64;
    let names: Names = store::voted_objectives(db, id)
        .await?
        .into_iter()
        .map(|o| {
            (o.id, feed::objective_name(locale, o.id, &o.title, o.moderation == crate::moderation::State::Visible))
        })
        .collect();
    let mut entries: Vec<atom::Entry> = Vec::new();
    for d in store::decisions(db, id, limit).await? {
        let result: Option<RoundResult> = d.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
        let page = format!("{public_url}/rounds/{}", d.id);
        let (title, html) = feed::decision(locale, d.method, result.as_ref(), &names, (&d.sitting_title, &page));
        entries.push(atom::Entry { id: page.clone(), title, updated: d.closed_at, link: page, html });
    }
    for u in store::assembly_updates(db, id, limit).await? {
        let page = format!("{public_url}/commitments/{}", u.commitment_id);
        entries.push(feed::update_entry(locale, page, (u.id, &u.title), &u.body_html, u.created_at));
    }
    let (title, subtitle) = feed::assembly_title(locale, &assembly.name);
    Ok(atom::write(&atom::Feed {
        lang: super::lang_tag(locale),
        self_url: format!("{public_url}/assemblies/{id}/feed.atom{}", lang.query()),
        title,
        subtitle,
        page: format!("{public_url}/assemblies/{id}/outcomes"),
        author: assembly.name,
        since: assembly.created_at,
        entries: newest(entries),
    }))
}

/// `/commitments/{id}/feed.atom`: the commitment's changes of status, date and progress,
/// and its progress updates, newest first, in `lang`.
pub async fn commitment_feed(ctx: &Ctx, lang: FeedLang, id: CommitmentId) -> Result<String, AppError> {
    let (db, public_url, locale) = (&ctx.db, &ctx.config.public_url, lang.locale);
    let head = store::commitment_head(db, id).await?.ok_or_else(not_found)?;
    let page = format!("{public_url}/commitments/{id}");
    let limit = feed::ENTRIES as i64;
    let mut entries: Vec<atom::Entry> = Vec::new();
    for c in store::changes(db, id, limit).await? {
        let (title, text) = feed::change(locale, &head.title, c.kind, (&c.old_value, &c.new_value));
        entries.push(atom::Entry {
            id: format!("{page}#change-{}", c.id),
            title,
            updated: c.created_at,
            link: page.clone(),
            html: feed::change_html(locale, &text, &c.reason),
        });
    }
    for u in store::commitment_updates(db, id, limit).await? {
        entries.push(feed::update_entry(locale, page.clone(), (u.id, &u.title), &u.body_html, u.created_at));
    }
    let (title, subtitle) = feed::commitment_title(locale, &head.title, &head.assembly_name);
    Ok(atom::write(&atom::Feed {
        lang: super::lang_tag(locale),
        self_url: format!("{page}/feed.atom{}", lang.query()),
        title,
        subtitle,
        page,
        author: head.assembly_name,
        since: head.created_at,
        entries: newest(entries),
    }))
}
