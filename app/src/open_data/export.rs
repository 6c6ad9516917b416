//! The open-data files and feeds, read from the database: one query per dataset, then the
//! CSV writer (RFC 4180, UTF-8, CRLF, with spreadsheet formulas neutralised) and the JSON
//! one (an array of objects keyed like the CSV header), and the two Atom feeds.
//!
//! What is public and nothing more: objectives once published and not hidden by
//! moderation; comments visible and not deleted on those objectives (a reply to a hidden
//! or deleted comment loses its parent id, so no hidden comment's number leaks); ballots
//! of closed rounds only, by receipt hash, never with a voter; a round's head hash once it
//! is closed, as on its page; no e-mail, login or account number of anyone.
use super::atom::{self, escape, rfc3339};
use super::{parse_file, Dataset, Format};
use crate::commitments::{format_date_fr, progress, Progress, Shown};
use crate::db::Db;
use crate::error::{AppError, ErrorCode};
use crate::i18n::*;
use crate::ids::{AssemblyId, CommitmentId};
use crate::voting::tally::YesNoResult;
use crate::voting::{Method, RoundResult};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Num(f64),
    Bool(bool),
    Text(String),
    /// Unix seconds, written as ISO 8601 in UTC.
    Time(i64),
    Json(serde_json::Value),
}

impl Cell {
    fn int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Null, Cell::Int)
    }
    fn time(v: Option<i64>) -> Cell {
        v.map_or(Cell::Null, Cell::Time)
    }
    fn text(v: Option<String>) -> Cell {
        v.map_or(Cell::Null, Cell::Text)
    }
    /// JSON stored as text (rules, results, ballots); kept as text should it not parse.
    fn json_text(raw: Option<&str>) -> Cell {
        match raw {
            None => Cell::Null,
            Some(raw) => serde_json::from_str(raw).map(Cell::Json).unwrap_or_else(|_| Cell::Text(raw.to_owned())),
        }
    }

    /// The cell as CSV text: text neutralised against formulas, JSON compact.
    pub fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Int(v) => Cow::Owned(v.to_string()),
            Cell::Num(v) => Cow::Owned(v.to_string()),
            Cell::Bool(v) => Cow::Borrowed(if *v { "true" } else { "false" }),
            Cell::Text(s) => neutralise(s),
            Cell::Time(t) => Cow::Owned(rfc3339(*t)),
            Cell::Json(v) => Cow::Owned(neutralise(&v.to_string()).into_owned()),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::from(*v),
            Cell::Num(v) => Value::from(*v),
            Cell::Bool(v) => Value::Bool(*v),
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Time(t) => Value::String(rfc3339(*t)),
            Cell::Json(v) => v.clone(),
        }
    }
}

/// A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula: such a cell gets a leading `'`, which spreadsheets show
/// as text. Anyone can write these texts, so every text cell of a CSV goes through here.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

pub fn to_csv(dataset: &Dataset, rows: &[Vec<Cell>]) -> Result<Vec<u8>, AppError> {
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "CSV export failed");
        AppError::Internal
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(dataset.columns.iter().map(|c| c.name)).map_err(|e| internal(&e))?;
    for row in rows {
        w.write_record(row.iter().map(|c| c.csv().into_owned())).map_err(|e| internal(&e))?;
    }
    w.into_inner().map_err(|e| internal(&e))
}

pub fn to_json(dataset: &Dataset, rows: &[Vec<Cell>]) -> serde_json::Value {
    serde_json::Value::Array(
        rows.iter()
            .map(|row| {
                serde_json::Value::Object(
                    dataset.columns.iter().zip(row).map(|(c, v)| (c.name.to_owned(), v.json())).collect(),
                )
            })
            .collect(),
    )
}

/// The assembly's name and creation time; not found if there is none.
pub async fn assembly(db: &Db, id: AssemblyId) -> Result<(String, i64), AppError> {
    sqlx::query_as("select name, created_at from assemblies where id = $1")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::User(ErrorCode::NotFound))
}

/// Objectives that the public sees: published, and not hidden by moderation.
const PUBLISHED: &str =
    "o.assembly_id = $1 and o.status <> 'draft' and o.published_at is not null and o.moderation = 'visible'";

type CommentRow = (i64, i64, Option<i64>, String, String, i64, Option<i64>);
type ObjectiveRow = (i64, String, String, String, String, String, String, i64, Option<i64>, i64);
type RoundRow = (i64, i64, String, i64, String, String, i64, i64, i64, i64, Option<i64>, String, Option<String>);
type CommitmentRow =
    (i64, i64, Option<i64>, String, String, String, String, String, String, Option<i64>, String, i64, i64);

/// The rows of `dataset` for `assembly`, each with the dataset's columns in order.
pub async fn rows(db: &Db, assembly: AssemblyId, dataset: &Dataset) -> Result<Vec<Vec<Cell>>, AppError> {
    use Cell::*;
    let a = assembly.0;
    let pool = &db.pool;
    let rows: Vec<Vec<Cell>> = match dataset.name {
        "objectives" => {
            let rows: Vec<ObjectiveRow> = sqlx::query_as(&format!(
                "select o.id, o.title, o.channel, o.status, o.target, o.body_md, u.display_name, o.version, \
                 o.published_at, o.updated_at from objectives o join users u on u.id = o.author_id \
                 where {PUBLISHED} order by o.id"
            ))
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, title, channel, status, target, body, author, version, published, updated)| {
                    vec![
                        Int(id),
                        Text(title),
                        Text(channel),
                        Text(status),
                        Text(target),
                        Text(body),
                        Text(author),
                        Int(version),
                        Cell::time(published),
                        Time(updated),
                    ]
                })
                .collect()
        }
        "supports" => {
            let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
                "select o.id, (select count(*) from supports s where s.objective_id = o.id) from objectives o \
                 where {PUBLISHED} order by o.id"
            ))
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(|(id, n)| vec![Int(id), Int(n)]).collect()
        }
        "comments" => {
            let rows: Vec<CommentRow> = sqlx::query_as(&format!(
                "select c.id, c.objective_id, p.id, c.stance, c.body_md, c.created_at, c.edited_at \
                 from comments c join objectives o on o.id = c.objective_id \
                 left join comments p on p.id = c.parent_id and p.moderation = 'visible' and p.deleted_at is null \
                 where {PUBLISHED} and c.moderation = 'visible' and c.deleted_at is null order by c.id"
            ))
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, objective, parent, stance, body, created, edited)| {
                    vec![
                        Int(id),
                        Int(objective),
                        Cell::int(parent),
                        Text(stance),
                        Text(body),
                        Time(created),
                        Cell::time(edited),
                    ]
                })
                .collect()
        }
        "vote_rounds" => {
            let rows: Vec<RoundRow> = sqlx::query_as(
                "select id, sitting_id, method, secret, status, rules, members_count, present_count, ballots_count, \
                 created_at, closed_at, head_hash, result from vote_rounds where assembly_id = $1 order by id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            let order: Vec<(i64, i64)> = sqlx::query_as(
                "select ro.round_id, ro.objective_id from round_objectives ro join vote_rounds r on r.id = ro.round_id \
                 where r.assembly_id = $1 order by ro.round_id, ro.position",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            let mut objectives: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
            for (round, objective) in order {
                objectives.entry(round).or_default().push(objective);
            }
            rows.into_iter()
                .map(
                    |(
                        id,
                        sitting,
                        method,
                        secret,
                        status,
                        rules,
                        members,
                        present,
                        ballots,
                        opened,
                        closed,
                        head,
                        result,
                    )| {
                        let closed_round = status == "closed";
                        vec![
                            Int(id),
                            Int(sitting),
                            Text(method),
                            Bool(secret != 0),
                            Text(status),
                            Json(objectives.remove(&id).unwrap_or_default().into()),
                            Cell::json_text(Some(&rules)),
                            Int(members),
                            Int(present),
                            Int(ballots),
                            Time(opened),
                            Cell::time(closed),
                            // Published at closing, as on the round's page.
                            Cell::text(closed_round.then_some(head)),
                            Cell::json_text(result.as_deref().filter(|_| closed_round)),
                        ]
                    },
                )
                .collect()
        }
        "ballots" => {
            let rows: Vec<(i64, String, String)> = sqlx::query_as(
                "select b.round_id, b.receipt_hash, b.content from ballots b join vote_rounds r on r.id = b.round_id \
                 where r.assembly_id = $1 and r.status = 'closed' order by b.round_id, b.receipt_hash",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(round, hash, content)| vec![Int(round), Text(hash), Cell::json_text(Some(&content))])
                .collect()
        }
        "commitments" => {
            let rows: Vec<CommitmentRow> = sqlx::query_as(
                "select id, objective_id, round_id, service, contact_role, summary_md, target_date, status, status_reason, \
                 progress_override, progress_reason, created_at, updated_at from commitments where assembly_id = $1 order by id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            let counts: Vec<(i64, i64, i64)> = sqlx::query_as(
                "select m.commitment_id, count(*), sum(case when m.done_on is null then 0 else 1 end) \
                 from milestones m join commitments c on c.id = m.commitment_id where c.assembly_id = $1 \
                 group by m.commitment_id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            let counts: BTreeMap<i64, (i64, i64)> = counts.into_iter().map(|(c, n, d)| (c, (n, d))).collect();
            let today = crate::commitments::service::today(crate::db::now());
            rows.into_iter()
                .map(
                    |(
                        id,
                        objective,
                        round,
                        service,
                        contact,
                        summary,
                        target,
                        status,
                        reason,
                        over,
                        progress_reason,
                        created,
                        updated,
                    )| {
                        let declared =
                            crate::commitments::Status::parse(&status).unwrap_or(crate::commitments::Status::Planned);
                        let shown = crate::commitments::shown_status(declared, &target, &today);
                        let (total, done) = counts.get(&id).copied().unwrap_or((0, 0));
                        let p = progress(done as u32, total as u32, over.map(|p| (p as u32, progress_reason.as_str())));
                        let source = match p {
                            Progress::None => "none",
                            Progress::Milestones { .. } => "milestones",
                            Progress::Declared { .. } => "declared",
                        };
                        vec![
                            Int(id),
                            Int(objective),
                            Cell::int(round),
                            Text(service),
                            Text(contact),
                            Text(summary),
                            Text(target),
                            Text(status),
                            Text(shown.as_str().to_owned()),
                            Text(reason),
                            Int(i64::from(p.percent())),
                            Text(source.to_owned()),
                            Text(progress_reason),
                            Time(created),
                            Time(updated),
                        ]
                    },
                )
                .collect()
        }
        "milestones" => {
            let rows: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(
                "select m.id, m.commitment_id, m.title, m.due_date, m.done_on from milestones m \
                 join commitments c on c.id = m.commitment_id where c.assembly_id = $1 order by m.id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, c, title, due, done)| vec![Int(id), Int(c), Text(title), Text(due), Cell::text(done)])
                .collect()
        }
        "indicators" => {
            let rows: Vec<(i64, i64, String, String, f64, f64, String)> = sqlx::query_as(
                "select i.id, i.commitment_id, i.name, i.unit, i.baseline, i.target, i.direction from indicators i \
                 join commitments c on c.id = i.commitment_id where c.assembly_id = $1 order by i.id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, c, name, unit, baseline, target, direction)| {
                    vec![Int(id), Int(c), Text(name), Text(unit), Num(baseline), Num(target), Text(direction)]
                })
                .collect()
        }
        "measurements" => {
            let rows: Vec<(i64, i64, String, f64, String)> = sqlx::query_as(
                "select m.id, m.indicator_id, m.measured_on, m.value, m.source from measurements m \
                 join indicators i on i.id = m.indicator_id join commitments c on c.id = i.commitment_id \
                 where c.assembly_id = $1 order by m.id",
            )
            .bind(a)
            .fetch_all(pool)
            .await?;
            rows.into_iter()
                .map(|(id, i, on, value, source)| vec![Int(id), Int(i), Text(on), Num(value), Text(source)])
                .collect()
        }
        _ => return Err(AppError::User(ErrorCode::NotFound)),
    };
    debug_assert!(
        rows.iter().all(|r| r.len() == dataset.columns.len()),
        "{}: a row does not match its columns",
        dataset.name
    );
    Ok(rows)
}

/// A downloadable file.
pub struct File {
    pub content_type: &'static str,
    pub disposition: String,
    pub body: Vec<u8>,
}

/// `/open-data/{assembly}/{file}`: `file` is `<dataset>.csv` or `<dataset>.json`.
pub async fn file(db: &Db, assembly_id: AssemblyId, file: &str) -> Result<File, AppError> {
    let (dataset, format) = parse_file(file).ok_or(AppError::User(ErrorCode::NotFound))?;
    assembly(db, assembly_id).await?;
    let rows = rows(db, assembly_id, dataset).await?;
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

// ---------------------------------------------------------------------------------------
// Atom feeds
// ---------------------------------------------------------------------------------------

const FEED_ENTRIES: usize = 50;

/// An objective as a feed names it: its title, unless moderation hid it.
fn objective_name(id: i64, title: &str, visible: bool) -> String {
    if visible {
        format!("« {title} »")
    } else {
        format!("l’objectif n° {id} (masqué par la modération)")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

fn yes_no_line(name: &str, r: &YesNoResult) -> String {
    let outcome = if r.adopted { "adopté" } else { "rejeté" };
    let quorum = if r.quorum_reached { "" } else { ", quorum non atteint" };
    format!(
        "{name} : {outcome} ({} {}, {} {}, {} {}{quorum})",
        td_string!(Locale::fr, voting.yes).to_lowercase(),
        r.yes,
        td_string!(Locale::fr, voting.no).to_lowercase(),
        r.no,
        td_string!(Locale::fr, voting.abstain).to_lowercase(),
        r.abstain
    )
}

/// A closed round as a decision: its title and its outcome per objective, in HTML.
fn decision(
    method: Method,
    result: Option<&RoundResult>,
    names: &BTreeMap<i64, String>,
    sitting: &str,
    page: &str,
) -> (String, String) {
    let name = |id: &i64| names.get(id).cloned().unwrap_or_else(|| format!("l’objectif n° {id}"));
    let mut items: Vec<String> = Vec::new();
    let title = match result {
        Some(RoundResult::YesNo(list)) => {
            items = list.iter().map(|(id, r)| yes_no_line(&name(id), r)).collect();
            let adopted = list.iter().filter(|(_, r)| r.adopted).count();
            match list.as_slice() {
                [(id, r)] => format!("{} : {}", if r.adopted { "Adopté" } else { "Rejeté" }, name(id)),
                _ => format!(
                    "Vote : {}, {}",
                    plural(adopted, "objectif adopté", "objectifs adoptés"),
                    plural(list.len() - adopted, "rejeté", "rejetés")
                ),
            }
        }
        Some(RoundResult::MajorityJudgment { objectives, judgment }) => {
            for r in &judgment.ranking {
                let Some(id) = objectives.get(r.candidate) else { continue };
                let grade = r
                    .majority_grade
                    .map(|g| crate::voting::pages::grade_name(Locale::fr, g).to_owned())
                    .unwrap_or_else(|| "aucune".to_owned());
                items.push(format!("{}. {} — mention majoritaire : {grade}", r.rank, name(id)));
            }
            let first = judgment.ranking.first().and_then(|r| objectives.get(r.candidate));
            format!("Classement au jugement majoritaire : {} en tête", first.map(name).unwrap_or_default())
        }
        Some(RoundResult::Approval { objectives, counts, ballots }) => {
            let mut ranked: Vec<(i64, u32)> = objectives.iter().copied().zip(counts.iter().copied()).collect();
            ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
            items = ranked
                .iter()
                .map(|(id, n)| {
                    format!(
                        "{} : {} sur {}",
                        name(id),
                        plural(*n as usize, "approbation", "approbations"),
                        plural(*ballots as usize, "bulletin", "bulletins")
                    )
                })
                .collect();
            format!("Vote par approbation : {} en tête", ranked.first().map(|(id, _)| name(id)).unwrap_or_default())
        }
        None => format!("Vote clos ({})", crate::voting::pages::method_name(Locale::fr, method)),
    };
    let mut html = format!(
        "<p>{} — séance « {} ».</p>",
        escape(crate::voting::pages::method_name(Locale::fr, method)),
        escape(sitting)
    );
    if !items.is_empty() {
        let tag = if method == Method::MajorityJudgment { "ol" } else { "ul" };
        html.push_str(&format!("<{tag}>"));
        for item in items {
            html.push_str(&format!("<li>{}</li>", escape(&item)));
        }
        html.push_str(&format!("</{tag}>"));
    }
    html.push_str(&format!("<p><a href=\"{}\">Résultat détaillé et bulletins</a></p>", escape(page)));
    (title, html)
}

/// `/assemblies/{id}/feed.atom`: the assembly's decisions (closed rounds) and the progress
/// updates of its commitments, newest first.
pub async fn assembly_feed(db: &Db, public_url: &str, id: AssemblyId) -> Result<String, AppError> {
    let (name, created_at) = assembly(db, id).await?;
    let pool = &db.pool;
    let limit = FEED_ENTRIES as i64;
    let rounds: Vec<(i64, String, i64, Option<String>, String)> = sqlx::query_as(
        "select r.id, r.method, r.closed_at, r.result, s.title from vote_rounds r join sittings s on s.id = r.sitting_id \
         where r.assembly_id = $1 and r.status = 'closed' and r.closed_at is not null \
         order by r.closed_at desc, r.id desc limit $2",
    )
    .bind(id.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let objectives: Vec<(i64, String, String, String)> = sqlx::query_as(
        "select distinct o.id, o.title, o.moderation, o.status from round_objectives ro \
         join vote_rounds r on r.id = ro.round_id join objectives o on o.id = ro.objective_id where r.assembly_id = $1",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let names: BTreeMap<i64, String> = objectives
        .into_iter()
        .map(|(oid, title, moderation, _)| (oid, objective_name(oid, &title, moderation == "visible")))
        .collect();
    let mut entries: Vec<atom::Entry> = Vec::new();
    for (rid, method, closed_at, result, sitting) in rounds {
        let method = Method::parse(&method).unwrap_or(Method::YesNo);
        let result: Option<RoundResult> = result.as_deref().and_then(|r| serde_json::from_str(r).ok());
        let page = format!("{public_url}/rounds/{rid}");
        let (title, html) = decision(method, result.as_ref(), &names, &sitting, &page);
        entries.push(atom::Entry { id: page.clone(), title, updated: closed_at, link: page, html });
    }
    let updates: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(
        "select p.id, p.commitment_id, p.body_html, p.created_at, o.title from progress_updates p \
         join commitments c on c.id = p.commitment_id join objectives o on o.id = c.objective_id \
         where c.assembly_id = $1 order by p.created_at desc, p.id desc limit $2",
    )
    .bind(id.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    for (uid, cid, body, at, title) in updates {
        entries.push(update_entry(public_url, CommitmentId(cid), uid, &title, &body, at));
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(FEED_ENTRIES);
    Ok(atom::write(&atom::Feed {
        self_url: format!("{public_url}/assemblies/{id}/feed.atom"),
        title: format!("Décisions et avancement — {name}"),
        subtitle: "Les votes clos de l’assemblée et les nouvelles de ses engagements.".to_owned(),
        page: format!("{public_url}/assemblies/{id}/outcomes"),
        author: name,
        since: created_at,
        entries,
    }))
}

fn update_entry(
    public_url: &str,
    commitment: CommitmentId,
    id: i64,
    title: &str,
    body_html: &str,
    at: i64,
) -> atom::Entry {
    let page = format!("{public_url}/commitments/{commitment}");
    // `body_html` was sanitised when it was posted.
    let html = format!("{body_html}<p><a href=\"{}\">Voir l’engagement</a></p>", escape(&page));
    atom::Entry {
        id: format!("{page}#update-{id}"),
        title: format!("Avancement : {title}"),
        updated: at,
        link: page,
        html,
    }
}

fn status_fr(value: &str) -> String {
    match Shown::parse(value) {
        Ok(s) => crate::commitments::pages::shown_name(Locale::fr, s).to_owned(),
        Err(_) => value.to_owned(),
    }
}

/// `/commitments/{id}/feed.atom`: the commitment's changes of status, date and progress,
/// and its progress updates, newest first.
pub async fn commitment_feed(db: &Db, public_url: &str, id: CommitmentId) -> Result<String, AppError> {
    let pool = &db.pool;
    let row: Option<(String, String, i64)> = sqlx::query_as(
        "select o.title, a.name, c.created_at from commitments c join objectives o on o.id = c.objective_id \
         join assemblies a on a.id = c.assembly_id where c.id = $1",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    let (title, assembly_name, created_at) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
    let page = format!("{public_url}/commitments/{id}");
    let limit = FEED_ENTRIES as i64;
    let changes: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "select id, kind, old_value, new_value, reason, created_at from commitment_changes where commitment_id = $1 \
         order by created_at desc, id desc limit $2",
    )
    .bind(id.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut entries: Vec<atom::Entry> = Vec::new();
    for (cid, kind, old, new, reason, at) in changes {
        let (entry_title, what) = match kind.as_str() {
            "created" => (
                format!("Engagement publié : {title}"),
                format!("La mairie s’engage sur l’objectif adopté « {title} »."),
            ),
            "status" => {
                let t = format!("Statut : {} → {}", status_fr(&old), status_fr(&new));
                (t.clone(), t)
            }
            "target_date" => (
                format!("Nouvelle date cible : {}", format_date_fr(&new)),
                format!("Date cible du {} au {}.", format_date_fr(&old), format_date_fr(&new)),
            ),
            "progress" if new.is_empty() => {
                let t = "Avancement calculé à nouveau sur les étapes".to_owned();
                (t.clone(), t)
            }
            "progress" => {
                let t = format!("Avancement déclaré : {new} %");
                (t.clone(), t)
            }
            other => (other.to_owned(), other.to_owned()),
        };
        let mut html = format!("<p>{}</p>", escape(&what));
        if !reason.is_empty() {
            html.push_str(&format!("<p>Raison : {}</p>", escape(&reason)));
        }
        entries.push(atom::Entry {
            id: format!("{page}#change-{cid}"),
            title: entry_title,
            updated: at,
            link: page.clone(),
            html,
        });
    }
    let updates: Vec<(i64, String, i64)> = sqlx::query_as(
        "select id, body_html, created_at from progress_updates where commitment_id = $1 \
         order by created_at desc, id desc limit $2",
    )
    .bind(id.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    for (uid, body, at) in updates {
        entries.push(update_entry(public_url, id, uid, &title, &body, at));
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| b.id.cmp(&a.id)));
    entries.truncate(FEED_ENTRIES);
    Ok(atom::write(&atom::Feed {
        self_url: format!("{page}/feed.atom"),
        title: format!("Engagement : {title}"),
        subtitle: format!("Le suivi de l’engagement de la mairie, {assembly_name}."),
        page,
        author: assembly_name,
        since: created_at,
        entries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> &'static Dataset {
        super::super::DATASETS.iter().find(|d| d.name == "milestones").unwrap()
    }

    #[test]
    fn formulas_are_neutralised_in_csv_text_only() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for s in ["+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(neutralise(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise("Accueil = écoute"), "Accueil = écoute");
        assert_eq!(Cell::Int(-3).csv(), "-3", "numbers stay numbers");
        assert_eq!(Cell::Num(-2.5).csv(), "-2.5");
        assert_eq!(Cell::Text("-3".into()).json(), serde_json::json!("-3"), "JSON keeps the text as it is");
    }

    #[test]
    fn csv_has_a_header_quotes_per_rfc_4180_and_ends_lines_with_crlf() {
        let rows = vec![
            vec![
                Cell::Int(1),
                Cell::Int(7),
                Cell::Text("Appels, \"rappels\"\net suite".into()),
                Cell::Text("2026-12-31".into()),
                Cell::Null,
            ],
            vec![
                Cell::Int(2),
                Cell::Int(7),
                Cell::Text("=1+1".into()),
                Cell::Text("2027-01-31".into()),
                Cell::Text("2027-01-02".into()),
            ],
        ];
        let csv = String::from_utf8(to_csv(spec(), &rows).unwrap()).unwrap();
        assert_eq!(
            csv,
            "id,commitment_id,title,due_date,done_on\r\n1,7,\"Appels, \"\"rappels\"\"\net suite\",2026-12-31,\r\n2,7,'=1+1,2027-01-31,2027-01-02\r\n"
        );
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let back: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(&back[0][2], "Appels, \"rappels\"\net suite");
    }

    #[test]
    fn json_rows_are_objects_keyed_like_the_csv_header() {
        let rows = vec![vec![
            Cell::Int(1),
            Cell::Int(7),
            Cell::Text("Étape".into()),
            Cell::Text("2026-12-31".into()),
            Cell::Null,
        ]];
        assert_eq!(
            to_json(spec(), &rows),
            serde_json::json!([{"id": 1, "commitment_id": 7, "title": "Étape", "due_date": "2026-12-31", "done_on": null}])
        );
        assert_eq!(Cell::Time(1_796_923_800).json(), serde_json::json!("2026-12-10T17:30:00Z"));
        assert_eq!(Cell::json_text(Some("{\"a\":[1]}")).csv(), "{\"a\":[1]}");
        assert_eq!(Cell::Bool(true).csv(), "true");
    }

    #[test]
    fn a_decision_names_its_outcome_and_hides_hidden_objectives() {
        let r = |adopted: bool| YesNoResult {
            yes: 3,
            no: 1,
            abstain: 0,
            cast: 4,
            quorum_needed: 0,
            quorum_reached: true,
            counted: 4,
            yes_needed: 3,
            adopted,
        };
        let names: BTreeMap<i64, String> =
            [(1, objective_name(1, "Rappeler <vite>", true)), (2, objective_name(2, "secret", false))].into();
        let (title, html) = decision(
            Method::YesNo,
            Some(&RoundResult::YesNo(vec![(1, r(true))])),
            &names,
            "Séance",
            "http://x/rounds/1",
        );
        assert_eq!(title, "Adopté : « Rappeler <vite> »");
        assert!(html.contains("« Rappeler &lt;vite&gt; » : adopté (oui 3, non 1, abstention 0)"), "{html}");
        let (title, html) = decision(
            Method::YesNo,
            Some(&RoundResult::YesNo(vec![(1, r(true)), (2, r(false))])),
            &names,
            "Séance",
            "http://x/rounds/1",
        );
        assert_eq!(title, "Vote : 1 objectif adopté, 1 rejeté");
        assert!(
            html.contains("l’objectif n° 2 (masqué par la modération) : rejeté") && !html.contains("secret"),
            "{html}"
        );
    }
}
