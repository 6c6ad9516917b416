//! Voting's use cases: opening and closing rounds (the sitting's facilitators), casting a
//! ballot (members, and the holder of a member's proxy), reading a round and its results
//! (public once closed), publishing and recounting. A ballot's every rule — the round is
//! open, the voter takes part, the proxy is held, the giver has not voted in person — is
//! checked inside the transaction that stores it, after the round's lock.
use super::store::{self, NewRound, RoundRow};
use super::{
    chain, compute_result, parse_ballot, parse_rules, BallotContent, PublishedBallot, Receipt, Round, RoundResult,
    RoundStatus, RoundSummary, RoundViewer, RulesForm,
};
use crate::audit::store::{record_at, Event};
use crate::context::{Ctx, Tx};
use crate::error::{AppError, ErrorCode};
use crate::guard::{store::participant, Actor, Person};
use crate::ids::{ObjectiveId, RoundId, SittingId, UserId};
use crate::live::Topic;
use crate::objectives::{service as objectives, Mover, Status, Step};
use crate::sittings::{service as sittings, SittingStatus};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

const CLOSES_IN_MAX_MINUTES: i64 = 7 * 24 * 60;

fn not_found() -> AppError {
    AppError::User(ErrorCode::NotFound)
}

async fn announce(ctx: &Ctx, sitting: SittingId) {
    ctx.announce(sitting, Topic::Vote).await;
}

async fn round(ctx: &Ctx, id: RoundId) -> Result<RoundRow, AppError> {
    store::round(&ctx.db, id).await?.ok_or_else(not_found)
}

/// What a facilitator chose to open a round.
pub struct OpenForm<'a> {
    pub rules: RulesForm<'a>,
    pub objectives: &'a [String],
    pub secret: bool,
    pub closes_in: &'a str,
}

fn objective_ids(keys: &[String]) -> Result<Vec<ObjectiveId>, AppError> {
    let mut ids: Vec<ObjectiveId> = Vec::new();
    for key in keys {
        let id = key.trim().parse().map_err(|_| AppError::field("objectives", ErrorCode::InvalidChoice))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(AppError::field("objectives", ErrorCode::Required));
    }
    Ok(ids)
}

/// Opens a round on agenda objectives: records the counts of members and of those present
/// or represented, puts its objectives to the vote, and starts its hash-chained log.
#[tracing::instrument(skip_all, fields(sitting = sitting.0))]
pub async fn open(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    sitting: SittingId,
    form: &OpenForm<'_>,
) -> Result<RoundId, AppError> {
    let ids = objective_ids(form.objectives)?;
    let rules = parse_rules(&form.rules, ids.len()).map_err(|(field, code)| AppError::field(field, code))?;
    let closes_in = form.closes_in.trim();
    let closes_at = match closes_in.parse::<i64>() {
        _ if closes_in.is_empty() => None,
        Ok(m) if (1..=CLOSES_IN_MAX_MINUTES).contains(&m) => Some(now + m * 60),
        _ => return Err(AppError::field("closes_in", ErrorCode::InvalidFormat)),
    };
    let mut tx = ctx.begin().await?;
    let (assembly, status, _) = sittings::locked(&mut tx, sitting).await?;
    actor.must_moderate(assembly)?;
    if status == SittingStatus::Closed {
        return Err(AppError::User(ErrorCode::InvalidState));
    }
    let agenda = sittings::agenda_in(&mut tx, sitting).await?;
    if ids.iter().any(|id| !agenda.contains(id)) {
        return Err(AppError::field("objectives", ErrorCode::InvalidChoice));
    }
    let (members, present) = sittings::counts(&mut tx, sitting, assembly).await?;
    let new =
        NewRound { assembly, sitting, rules: &rules, secret: form.secret, members, present, by: actor.id(), closes_at };
    let round = store::insert_round(&mut tx, &new, now).await?;
    for (position, &id) in ids.iter().enumerate() {
        // Only a visible objective of this assembly under discussion, and in no other open
        // round, can be put to the vote.
        let o = objectives::state_in(&mut tx, id).await?;
        if o.assembly != assembly || !o.visible {
            return Err(AppError::field("objectives", ErrorCode::ObjectiveNotVotable));
        }
        let (previous, _) = objectives::move_status(&mut tx, now, id, Step::PutToVote, Mover::Facilitator)
            .await
            .map_err(|_| AppError::field("objectives", ErrorCode::ObjectiveNotVotable))?;
        store::insert_round_objective(&mut tx, round, id, position as i64, previous).await?;
    }
    let opening = json!({
        "objectives": ids, "rules": rules, "secret": form.secret, "members": members,
        "present": present, "opened_at": now, "closes_at": closes_at,
    });
    store::append_log(&mut tx, round, "open", &opening).await?;
    record_at(&mut tx, Event::new(actor.id(), assembly, "round.open", ("vote_round", round.0)).details(opening), now)
        .await?;
    tx.commit().await?;
    announce(ctx, sitting).await;
    Ok(round)
}

/// A ballot as sent: its choices, for whom (a proxy giver), and the receipt code that lets
/// a secret ballot be changed (typed, or kept by the browser).
pub struct BallotForm<'a> {
    pub choices: &'a BTreeMap<String, String>,
    pub on_behalf: Option<UserId>,
    pub receipt: Option<String>,
}

/// Casts (or changes) a ballot. Returns the receipt, and the voter it was cast for.
#[tracing::instrument(skip_all, fields(round = id.0))]
pub async fn cast(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    id: RoundId,
    form: BallotForm<'_>,
) -> Result<(Receipt, UserId), AppError> {
    let row = round(ctx, id).await?;
    if !row.open(now) {
        close_if_due(ctx, &row, now).await?;
        return Err(AppError::User(ErrorCode::RoundClosed));
    }
    let rules = row.rules()?;
    let objectives: Vec<ObjectiveId> = store::objectives(&ctx.db, id).await?.into_iter().map(|o| o.id).collect();
    let content = parse_ballot(&rules, &objectives, form.choices).map_err(AppError::User)?;
    let content = serde_json::to_value(&content).map_err(|_| AppError::Internal)?;
    let mut tx = ctx.begin().await?;
    if !store::lock_open_round(&mut tx, id, now).await? {
        return Err(AppError::User(ErrorCode::RoundClosed));
    }
    let user = participant(&mut tx, actor, row.assembly_id, now).await?;
    let voter = voter_for(&mut tx, &row, user.id, form.on_behalf).await?;
    let ballot = Ballot { voter, cast_by: user.id, secret: row.secret.0, content: &content, kept: form.receipt };
    let receipt = store_ballot(&mut tx, id, ballot).await?;
    tx.commit().await?;
    announce(ctx, row.sitting_id).await;
    Ok((receipt, voter))
}

/// Whom `user`'s ballot is for, checked inside the ballot's transaction: themselves (unless
/// they gave their proxy), or the member whose proxy they hold (who takes part, and has not
/// voted in person: a member who voted keeps their own ballot).
async fn voter_for(
    tx: &mut Tx<'_>,
    row: &RoundRow,
    user: UserId,
    on_behalf: Option<UserId>,
) -> Result<UserId, AppError> {
    let sitting = row.sitting_id;
    match on_behalf {
        Some(giver) if giver != user => {
            if sittings::proxy_holder(tx, sitting, giver).await? != Some(user)
                || !sittings::takes_part(tx, row.assembly_id, giver).await?
            {
                return Err(AppError::User(ErrorCode::NoProxy));
            }
            if store::voted_in_person(tx, row.id, giver).await? {
                return Err(AppError::User(ErrorCode::ProxyGiverVoted));
            }
            Ok(giver)
        }
        _ => {
            if sittings::proxy_holder(tx, sitting, user).await?.is_some() {
                return Err(AppError::User(ErrorCode::ProxyGiven));
            }
            Ok(user)
        }
    }
}

/// A ballot to store, its rules checked.
pub struct Ballot<'a> {
    pub voter: UserId,
    pub cast_by: UserId,
    pub secret: bool,
    pub content: &'a serde_json::Value,
    /// The receipt code the voter holds, needed to change a secret ballot.
    pub kept: Option<String>,
}

/// Stores a ballot in `tx`, whose round is locked: a first ballot adds a participation and
/// a ballot; a later one replaces the ballot's content (found by voter in a public round,
/// by receipt code in a secret one). Every ballot extends the round's log, which never
/// names the voter.
pub async fn store_ballot(tx: &mut Tx<'_>, round: RoundId, b: Ballot<'_>) -> Result<Receipt, AppError> {
    let code = chain::new_receipt_code();
    let first =
        store::insert_participation(tx, round, b.voter, b.cast_by, &chain::receipt_check(round.0, b.voter.0, &code))
            .await?;
    let content = b.content.to_string();
    let (receipt, hash) = if first {
        let hash = chain::receipt_hash(&code);
        store::insert_ballot(tx, round, &hash, (!b.secret).then_some(b.voter), &content).await?;
        (code, hash)
    } else if b.secret {
        // Nothing links a secret ballot to its voter but the code the voter holds.
        let Some(code) = b.kept else { return Err(AppError::User(ErrorCode::ReceiptRequired)) };
        if store::receipt_check(tx, round, b.voter).await? != chain::receipt_check(round.0, b.voter.0, &code) {
            return Err(AppError::User(ErrorCode::ReceiptInvalid));
        }
        let hash = chain::receipt_hash(&code);
        store::replace_ballot(tx, round, &hash, &content).await?;
        (code, hash)
    } else {
        let hash = store::public_receipt_hash(tx, round, b.voter).await?;
        store::replace_ballot(tx, round, &hash, &content).await?;
        // A public ballot's code is only for checking; the browser may have kept it.
        (b.kept.filter(|c| chain::receipt_hash(c) == hash).unwrap_or_default(), hash)
    };
    if !first {
        store::set_cast_by(tx, round, b.voter, b.cast_by).await?;
    }
    let entry = json!({ "receipt_hash": hash, "content": b.content, "change": !first });
    store::append_log(tx, round, "ballot", &entry).await?;
    Ok(Receipt { code: receipt, hash, changed: !first })
}

pub async fn close_by_facilitator(ctx: &Ctx, actor: &Actor, now: i64, id: RoundId) -> Result<(), AppError> {
    let row = round(ctx, id).await?;
    actor.must_moderate(row.assembly_id)?;
    if !close(ctx, id, actor, now).await? {
        return Err(AppError::User(ErrorCode::RoundClosed));
    }
    Ok(())
}

async fn close_if_due(ctx: &Ctx, row: &RoundRow, now: i64) -> Result<(), AppError> {
    if row.due(now) {
        close(ctx, row.id, &Actor::System, now).await?;
    }
    Ok(())
}

/// Closes every round whose closing time has passed (run periodically by the server).
pub async fn close_due_rounds(ctx: &Ctx, now: i64) -> Result<usize, AppError> {
    let mut closed = 0;
    for id in store::due_rounds(&ctx.db, now).await? {
        if close(ctx, id, &Actor::System, now).await? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Closes a round: freezes its result from the stored ballots, logs it, and decides each
/// yes/no objective (adopted or rejected); after a ranking or approval vote its objectives
/// return to where they were. False when it was already closed (two closings racing: one
/// wins). `actor`: the facilitator, or the system when its time ran out.
pub async fn close(ctx: &Ctx, id: RoundId, actor: &Actor, now: i64) -> Result<bool, AppError> {
    let mut tx = ctx.begin().await?;
    if !store::close(&mut tx, id, actor.id(), now).await? {
        return Ok(false);
    }
    let row = store::round_in(&mut tx, id).await?;
    let rules = row.rules()?;
    let objectives = store::round_objectives_in(&mut tx, id).await?;
    let ids: Vec<ObjectiveId> = objectives.iter().map(|(o, _)| *o).collect();
    let ballots = store::contents_in(&mut tx, id).await?;
    let result = compute_result(&rules, &ids, &ballots, row.members_count as u32, row.present_count as u32);
    let result_json = serde_json::to_value(&result).map_err(|_| AppError::Internal)?;
    let closing = json!({ "result": result_json, "ballots": ballots.len(), "closed_at": now });
    let head = store::append_log(&mut tx, id, "close", &closing).await?;
    store::set_result(&mut tx, id, &result_json.to_string()).await?;
    for (objective, previous) in &objectives {
        decide(&mut tx, now, *objective, *previous, &result).await?;
    }
    let event = Event::new(actor.id(), row.assembly_id, "round.close", ("vote_round", id.0))
        .details(json!({ "ballots": ballots.len(), "head_hash": head, "automatic": actor.id().is_none() }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    announce(ctx, row.sitting_id).await;
    Ok(true)
}

/// What a closed round does to one of its objectives.
async fn decide(
    tx: &mut Tx<'_>,
    now: i64,
    objective: ObjectiveId,
    previous: Status,
    result: &RoundResult,
) -> Result<(), AppError> {
    match result {
        RoundResult::YesNo(results) => {
            let adopted = results.iter().any(|(o, r)| *o == objective && r.adopted);
            let step = if adopted { Step::Adopt } else { Step::Reject };
            objectives::move_status(tx, now, objective, step, Mover::Vote).await?;
        }
        // Ranking or approval decides priorities, not adoption.
        _ => objectives::return_from_vote(tx, now, objective, previous).await?,
    }
    Ok(())
}

/// The viewer's receipt codes for this round, kept by their browser: voter → code.
pub type KeptReceipts = HashMap<UserId, String>;

/// A round as `actor` may see it: its rules and participation while open; its result and
/// every ballot (by receipt hash; with voters' names for members in a public round) once
/// closed. `receipt`: a code typed on the page, to check that it is in the list.
#[tracing::instrument(skip_all, fields(round = id.0))]
pub async fn get(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    id: RoundId,
    receipt: Option<&str>,
    kept: &KeptReceipts,
) -> Result<Round, AppError> {
    let mut row = round(ctx, id).await?;
    if row.due(now) {
        close_if_due(ctx, &row, now).await?;
        row = round(ctx, id).await?;
    }
    let assembly = row.assembly_id;
    let secret = row.secret.0;
    let closed = row.status == RoundStatus::Closed;
    let viewer = viewer(ctx, actor, &row, kept).await?;
    let result = match (&row.result, closed) {
        (Some(json), true) => Some(serde_json::from_str(json).map_err(|_| AppError::Internal)?),
        _ => None,
    };
    let member_view = actor.takes_part_in(assembly) || actor.moderates(assembly);
    let ballots = if closed { published(ctx, &row, member_view && !secret).await? } else { Vec::new() };
    let receipt_check = receipt.filter(|r| !r.trim().is_empty()).map(|raw| match chain::normalize_receipt(raw) {
        Some(code) => {
            let hash = chain::receipt_hash(&code);
            let found = ballots.iter().any(|b: &PublishedBallot| b.receipt_hash == hash);
            (hash, found)
        }
        None => (String::new(), false),
    });
    Ok(Round {
        id,
        assembly_id: assembly,
        sitting_id: row.sitting_id,
        sitting_title: row.sitting_title.clone(),
        rules: row.rules()?,
        secret,
        status: row.status,
        objectives: store::objectives(&ctx.db, id).await?,
        members_count: row.members_count,
        present_count: row.present_count,
        ballots_count: row.ballots_count,
        opened_at: row.created_at,
        closes_at: row.closes_at,
        closed_at: row.closed_at,
        result,
        ballots,
        head_hash: closed.then(|| row.head_hash.clone()),
        receipt_check,
        viewer,
        now,
    })
}

/// What the viewer may do in the round and what the server knows of their ballot.
async fn viewer(ctx: &Ctx, actor: &Actor, row: &RoundRow, kept: &KeptReceipts) -> Result<RoundViewer, AppError> {
    let mut viewer = RoundViewer { signed_in: actor.user().is_some(), ..Default::default() };
    let Some(u) = actor.user() else { return Ok(viewer) };
    viewer.facilitates = u.moderates(row.assembly_id);
    if !u.takes_part_in(row.assembly_id) {
        return Ok(viewer);
    }
    let names = sittings::names(ctx, row.assembly_id).await?;
    let person = |id: UserId| Person { id, name: names.get(&id).cloned().unwrap_or_default() };
    let mut tx = ctx.begin_read().await?;
    viewer.proxy_given_to = sittings::proxy_holder(&mut tx, row.sitting_id, u.id).await?.map(person);
    viewer.proxy_for = sittings::proxy_giver(&mut tx, row.sitting_id, u.id).await?.map(person);
    tx.commit().await?;
    viewer.can_vote = row.status == RoundStatus::Open && viewer.proxy_given_to.is_none();
    viewer.has_voted = store::participated(&ctx.db, row.id, u.id).await?;
    if let Some(giver) = &viewer.proxy_for {
        viewer.proxy_voted = store::participated(&ctx.db, row.id, giver.id).await?;
        viewer.receipt_for_proxy = kept.get(&giver.id).cloned();
    }
    viewer.receipt = kept.get(&u.id).cloned();
    viewer.my_ballot = if row.secret.0 {
        match &viewer.receipt {
            Some(code) => store::ballot_of(&ctx.db, row.id, Ok(&chain::receipt_hash(code))).await?,
            None => None,
        }
    } else {
        store::ballot_of(&ctx.db, row.id, Err(u.id)).await?
    };
    Ok(viewer)
}

async fn published(ctx: &Ctx, row: &RoundRow, with_names: bool) -> Result<Vec<PublishedBallot>, AppError> {
    let names = if with_names { sittings::names(ctx, row.assembly_id).await? } else { Default::default() };
    Ok(store::ballots(&ctx.db, row.id)
        .await?
        .into_iter()
        .map(|(receipt_hash, voter, content)| PublishedBallot {
            receipt_hash,
            content,
            voter: voter.and_then(|v| names.get(&v).cloned()),
        })
        .collect())
}

/// The sitting's rounds, for its page.
pub async fn rounds_of_sitting(ctx: &Ctx, sitting: SittingId) -> Result<Vec<RoundSummary>, AppError> {
    store::summaries(&ctx.db, sitting).await
}

/// The published record of a closed round, for `/rounds/{id}/ballots.json`: anyone can
/// recount from it and re-hash the log.
pub async fn export(ctx: &Ctx, id: RoundId) -> Result<serde_json::Value, AppError> {
    let row = round(ctx, id).await?;
    if row.status != RoundStatus::Closed {
        return Err(not_found());
    }
    let ballots: Vec<serde_json::Value> = store::ballots(&ctx.db, id)
        .await?
        .into_iter()
        .map(|(h, _, c)| json!({ "receipt_hash": h, "content": c }))
        .collect();
    let objectives = store::objectives(&ctx.db, id).await?;
    let log = store::log(&ctx.db, id).await?;
    Ok(json!({
        "round": id.0,
        "rules": row.rules()?,
        "secret": row.secret.0,
        "objectives": objectives.into_iter().map(|o| json!({"id": o.id, "title": o.title})).collect::<Vec<_>>(),
        "members": row.members_count,
        "present": row.present_count,
        "ballots": ballots,
        "result": row.result.as_deref().and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok()),
        "head_hash": row.head_hash,
        "genesis": chain::genesis(id.0),
        "log": log.iter().map(|e| json!({"seq": e.seq, "kind": e.kind, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash})).collect::<Vec<_>>(),
    }))
}

/// One round's recount: what differs from what was stored (empty when all agrees).
pub struct Recount {
    pub round: RoundId,
    pub ballots: usize,
    pub problems: Vec<String>,
}

/// Recomputes every closed round from its stored ballots and checks its log: the chain,
/// the published head hash, the ballots the log's entries add up to, and the result.
pub async fn recount(ctx: &Ctx) -> Result<Vec<Recount>, AppError> {
    let mut out = Vec::new();
    for id in store::closed_rounds(&ctx.db).await? {
        out.push(recount_round(ctx, id).await?);
    }
    Ok(out)
}

async fn recount_round(ctx: &Ctx, id: RoundId) -> Result<Recount, AppError> {
    let row = round(ctx, id).await?;
    let mut problems = Vec::new();
    let log = store::log(&ctx.db, id).await?;
    match chain::verify(id.0, &log) {
        Ok(head) if head == row.head_hash => {}
        Ok(_) => problems.push("the log's head hash differs from the published one".to_owned()),
        Err(e) => problems.push(format!("log: {e}")),
    }
    let stored = store::ballots(&ctx.db, id).await?;
    let mut replayed: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for e in log.iter().filter(|e| e.kind == "ballot") {
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        if let Some(h) = p["receipt_hash"].as_str() {
            replayed.insert(h.to_owned(), p["content"].clone());
        }
    }
    if replayed.len() != stored.len() {
        problems.push(format!("{} ballots stored, {} in the log", stored.len(), replayed.len()));
    }
    for (hash, _, content) in &stored {
        if replayed.get(hash) != serde_json::to_value(content).ok().as_ref() {
            problems.push(format!("ballot {hash} differs from its last log entry"));
        }
    }
    if stored.len() as i64 != row.ballots_count {
        problems.push(format!("{} ballots stored, {} counted", stored.len(), row.ballots_count));
    }
    let ids: Vec<ObjectiveId> = store::objectives(&ctx.db, id).await?.into_iter().map(|o| o.id).collect();
    let contents: Vec<BallotContent> = stored.into_iter().map(|(_, _, c)| c).collect();
    let again = compute_result(&row.rules()?, &ids, &contents, row.members_count as u32, row.present_count as u32);
    let frozen: Option<RoundResult> = row.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
    if frozen.as_ref() != Some(&again) {
        problems.push("the recomputed result differs from the frozen one".to_owned());
    }
    Ok(Recount { round: id, ballots: contents.len(), problems })
}
