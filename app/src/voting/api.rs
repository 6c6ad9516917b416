//! Vote round server functions. Opening and closing are for the sitting's facilitators;
//! voting is for the assembly's members (and the holder of a member's proxy). Every ballot
//! is written in one transaction that first locks its round, so ballots and log entries of
//! a round are strictly ordered and a round closing cannot miss one.
// A server function takes one argument per form field; `open_round`'s form has ten.
#![allow(clippy::too_many_arguments)]
use super::{Receipt, Round};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::RoundId;
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "open_round")]
pub async fn open_round(
    sitting_id: i64,
    method: String,
    #[server(default)] objectives: Vec<String>,
    #[server(default)] secret: Option<String>,
    #[server(default)] quorum_base: String,
    #[server(default)] quorum_percent: String,
    #[server(default)] threshold: String,
    #[server(default)] abstentions: String,
    #[server(default)] max_choices: String,
    #[server(default)] closes_in: String,
) -> Result<RoundId, AppError> {
    let form = super::RulesForm {
        method: &method,
        quorum_base: &quorum_base,
        quorum_percent: &quorum_percent,
        threshold: &threshold,
        abstentions: &abstentions,
        max_choices: &max_choices,
    };
    let result = ssr::open(crate::ids::SittingId(sitting_id), &form, &objectives, secret.is_some(), &closes_in).await;
    finish(
        result,
        &[
            ("method", &method),
            ("quorum_base", &quorum_base),
            ("quorum_percent", &quorum_percent),
            ("threshold", &threshold),
            ("abstentions", &abstentions),
            ("max_choices", &max_choices),
            ("closes_in", &closes_in),
        ],
    )
}

/// `receipt`: a receipt code typed on the results page, to check it is in the list.
#[server(prefix = "/api", endpoint = "get_round")]
pub async fn get_round(round_id: i64, receipt: Option<String>) -> Result<Round, AppError> {
    finish(ssr::get(RoundId(round_id), receipt.as_deref()).await, &[])
}

/// `choices[<objective id>]`: the ballot. `on_behalf`: the member whose proxy the caller
/// holds. `receipt`: needed to change a secret ballot (nothing else links it to its voter).
#[server(prefix = "/api", endpoint = "cast_ballot")]
pub async fn cast_ballot(
    round_id: i64,
    #[server(default)] choices: BTreeMap<String, String>,
    #[server(default)] on_behalf: Option<i64>,
    #[server(default)] receipt: Option<String>,
) -> Result<Receipt, AppError> {
    let result = ssr::cast(RoundId(round_id), &choices, on_behalf, receipt.as_deref()).await;
    let scope = on_behalf.map(|v| v.to_string()).unwrap_or_default();
    finish(result, &[("on_behalf", &scope)])
}

#[server(prefix = "/api", endpoint = "close_round")]
pub async fn close_round(round_id: i64) -> Result<(), AppError> {
    finish(ssr::close_by_facilitator(RoundId(round_id)).await, &[])
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::accounts::permissions::{moderates, participates, require_user};
    use crate::accounts::session::{cookie_from_headers, current_user, request_parts, set_cookie};
    use crate::audit::ssr::{record, Event};
    use crate::db::{now, Db};
    use crate::error::ErrorCode;
    use crate::ids::{AssemblyId, SittingId, UserId};
    use crate::live::{LiveEvent, Topic};
    use crate::objectives::api::ssr::check_participant;
    use crate::sittings::api::ssr as sittings;
    use crate::state::app_state;
    use crate::voting::chain;
    use crate::voting::*;
    use serde_json::json;

    type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

    const CLOSES_IN_MAX_MINUTES: i64 = 7 * 24 * 60;

    #[derive(sqlx::FromRow)]
    pub struct RoundRow {
        pub id: i64,
        pub assembly_id: i64,
        pub sitting_id: i64,
        pub sitting_title: String,
        pub rules: String,
        pub secret: i64,
        pub status: String,
        pub members_count: i64,
        pub present_count: i64,
        pub ballots_count: i64,
        pub head_hash: String,
        pub created_at: i64,
        pub closes_at: Option<i64>,
        pub closed_at: Option<i64>,
        pub result: Option<String>,
    }

    impl RoundRow {
        pub fn rules(&self) -> Result<Rules, AppError> {
            serde_json::from_str(&self.rules).map_err(|e| {
                tracing::error!(error = %e, round = self.id, "unreadable round rules");
                AppError::Internal
            })
        }
        pub fn open(&self, now: i64) -> bool {
            self.status == "open" && self.closes_at.is_none_or(|t| t > now)
        }
        pub fn status(&self) -> RoundStatus {
            if self.status == "closed" {
                RoundStatus::Closed
            } else {
                RoundStatus::Open
            }
        }
    }

    pub async fn load(db: &Db, id: RoundId) -> Result<RoundRow, AppError> {
        sqlx::query_as(
            "select r.id, r.assembly_id, r.sitting_id, s.title as sitting_title, r.rules, r.secret, r.status, \
             r.members_count, r.present_count, r.ballots_count, r.head_hash, r.created_at, r.closes_at, r.closed_at, r.result \
             from vote_rounds r join sittings s on s.id = r.sitting_id where r.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::User(ErrorCode::NotFound))
    }

    pub async fn objectives_of(db: &Db, id: RoundId) -> Result<Vec<RoundObjective>, AppError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "select o.id, o.title from round_objectives ro join objectives o on o.id = ro.objective_id \
             where ro.round_id = $1 order by ro.position",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows.into_iter().map(|(id, title)| RoundObjective { id, title }).collect())
    }

    /// Appends to the round's log; the round row must already be locked by this transaction.
    async fn append_log(
        tx: &mut Tx<'_>,
        round: i64,
        kind: &str,
        payload: &serde_json::Value,
    ) -> Result<String, AppError> {
        let (len, head): (i64, String) = sqlx::query_as("select log_length, head_hash from vote_rounds where id = $1")
            .bind(round)
            .fetch_one(&mut **tx)
            .await?;
        let seq = len + 1;
        let payload = payload.to_string();
        let hash = chain::link(&head, seq, kind, &payload);
        sqlx::query(
            "insert into round_log (round_id, seq, kind, payload, prev_hash, hash) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(round)
        .bind(seq)
        .bind(kind)
        .bind(&payload)
        .bind(&head)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
        sqlx::query("update vote_rounds set log_length = $1, head_hash = $2 where id = $3")
            .bind(seq)
            .bind(&hash)
            .bind(round)
            .execute(&mut **tx)
            .await?;
        Ok(hash)
    }

    #[tracing::instrument(skip_all, fields(sitting = sitting.0))]
    pub async fn open(
        sitting: SittingId,
        form: &RulesForm<'_>,
        objective_keys: &[String],
        secret: bool,
        closes_in: &str,
    ) -> Result<RoundId, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let meta = sittings::meta(db, sitting).await?;
        let user = require_user(current_user(db).await?)?;
        if !moderates(&user, meta.assembly) {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        if meta.status == crate::sittings::SittingStatus::Closed {
            return Err(AppError::User(ErrorCode::InvalidState));
        }
        let mut ids: Vec<i64> = Vec::new();
        for key in objective_keys {
            let id = key.trim().parse::<i64>().map_err(|_| AppError::field("objectives", ErrorCode::InvalidChoice))?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.is_empty() {
            return Err(AppError::field("objectives", ErrorCode::Required));
        }
        let rules = parse_rules(form, ids.len()).map_err(|(field, code)| AppError::field(field, code))?;
        let closes_in = closes_in.trim();
        let closes_at = if closes_in.is_empty() {
            None
        } else {
            match closes_in.parse::<i64>() {
                Ok(m) if (1..=CLOSES_IN_MAX_MINUTES).contains(&m) => Some(now() + m * 60),
                _ => return Err(AppError::field("closes_in", ErrorCode::InvalidFormat)),
            }
        };
        let agenda = sittings::agenda_ids(db, sitting).await?;
        if ids.iter().any(|id| !agenda.contains(id)) {
            return Err(AppError::field("objectives", ErrorCode::InvalidChoice));
        }
        let round = insert_round(db, meta.assembly, sitting, user.id, &rules, &ids, secret, closes_at, now()).await?;
        state.events.publish(db, LiveEvent { sitting: sitting.0, topic: Topic::Vote }).await;
        leptos_axum::redirect(&format!("/rounds/{}", round.0));
        Ok(round)
    }

    /// Opens a round (the checks done): records the counts, moves its objectives to
    /// `voting`, and starts its log. Also used by the demo, with a past `now`.
    pub async fn insert_round(
        db: &Db,
        assembly: AssemblyId,
        sitting: SittingId,
        by: UserId,
        rules: &Rules,
        ids: &[i64],
        secret: bool,
        closes_at: Option<i64>,
        now: i64,
    ) -> Result<RoundId, AppError> {
        let (members, present) = sittings::counts(db, sitting, assembly).await?;
        let mut tx = db.pool.begin().await?;
        let (round,): (i64,) = sqlx::query_as(
            "insert into vote_rounds (assembly_id, sitting_id, method, secret, rules, members_count, present_count, head_hash, \
             opened_by, created_at, closes_at) values ($1, $2, $3, $4, $5, $6, $7, '', $8, $9, $10) returning id",
        )
        .bind(assembly.0)
        .bind(sitting.0)
        .bind(rules.method().as_str())
        .bind(crate::db::flag(secret))
        .bind(serde_json::to_string(rules).map_err(|_| AppError::Internal)?)
        .bind(members)
        .bind(present)
        .bind(by.0)
        .bind(now)
        .bind(closes_at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("update vote_rounds set head_hash = $1 where id = $2")
            .bind(chain::genesis(round))
            .bind(round)
            .execute(&mut *tx)
            .await?;
        for (position, id) in ids.iter().enumerate() {
            // Only an objective under discussion, and in no other open round, can be voted on.
            let previous: Option<(String,)> = sqlx::query_as(
                "select status from objectives where id = $1 and assembly_id = $2 \
                 and status in ('proposed', 'in_discussion') and moderation = 'visible'",
            )
            .bind(id)
            .bind(assembly.0)
            .fetch_optional(&mut *tx)
            .await?;
            let moved = sqlx::query(
                "update objectives set status = 'voting' where id = $1 and status in ('proposed', 'in_discussion')",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let (Some((previous,)), 1) = (previous, moved.rows_affected()) else {
                return Err(AppError::field("objectives", ErrorCode::ObjectiveNotVotable));
            };
            sqlx::query(
                "insert into round_objectives (round_id, objective_id, position, previous_status) values ($1, $2, $3, $4)",
            )
            .bind(round)
            .bind(id)
            .bind(position as i64)
            .bind(previous)
            .execute(&mut *tx)
            .await?;
        }
        let opening = json!({
            "objectives": ids, "rules": rules, "secret": secret, "members": members,
            "present": present, "opened_at": now, "closes_at": closes_at,
        });
        append_log(&mut tx, round, "open", &opening).await?;
        record(&mut tx, Event::new(Some(by), assembly, "round.open", ("vote_round", round)).details(opening)).await?;
        tx.commit().await?;
        Ok(RoundId(round))
    }

    fn receipt_cookie_name(round: i64, voter: i64) -> String {
        format!("concerto_receipt_{round}_{voter}")
    }

    fn kept_receipt(round: i64, voter: i64) -> Option<String> {
        request_parts()
            .and_then(|p| cookie_from_headers(&p.headers, &receipt_cookie_name(round, voter)))
            .and_then(|c| chain::normalize_receipt(&c))
    }

    /// Keeps the receipt code in this browser for the round's page only, for a day: the
    /// voter sees it again and can change a secret ballot without retyping it.
    fn keep_receipt(round: i64, voter: i64, code: &str, secure: bool) {
        let cookie = cookie::Cookie::build((receipt_cookie_name(round, voter), code.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Strict)
            .secure(secure)
            .max_age(cookie::time::Duration::hours(24))
            .build();
        set_cookie(cookie);
    }

    #[tracing::instrument(skip_all, fields(round = round.0))]
    pub async fn cast(
        round: RoundId,
        choices: &BTreeMap<String, String>,
        on_behalf: Option<i64>,
        receipt: Option<&str>,
    ) -> Result<Receipt, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let row = load(db, round).await?;
        let now = now();
        if !row.open(now) {
            close_if_due(db, &state.events, &row).await?;
            return Err(AppError::User(ErrorCode::RoundClosed));
        }
        let assembly = AssemblyId(row.assembly_id);
        let sitting = SittingId(row.sitting_id);
        let user = require_user(current_user(db).await?)?;
        check_participant(db, &user, assembly).await?;
        let voter = match on_behalf {
            Some(giver) if giver != user.id.0 => {
                if sittings::proxy_holder(db, sitting, UserId(giver)).await? != Some(user.id) {
                    return Err(AppError::User(ErrorCode::NoProxy));
                }
                if !sittings::is_participant(db, assembly, UserId(giver)).await? {
                    return Err(AppError::User(ErrorCode::NoProxy));
                }
                // A member who voted before giving their proxy keeps their own ballot.
                let own: Option<(i64,)> = sqlx::query_as(
                    "select 1 from participations where round_id = $1 and voter_id = $2 and cast_by = voter_id",
                )
                .bind(round.0)
                .bind(giver)
                .fetch_optional(&db.pool)
                .await?;
                if own.is_some() {
                    return Err(AppError::User(ErrorCode::ProxyGiverVoted));
                }
                UserId(giver)
            }
            _ => {
                if sittings::proxy_holder(db, sitting, user.id).await?.is_some() {
                    return Err(AppError::User(ErrorCode::ProxyGiven));
                }
                user.id
            }
        };
        let rules = row.rules()?;
        let objectives: Vec<i64> = objectives_of(db, round).await?.into_iter().map(|o| o.id).collect();
        let content = parse_ballot(&rules, &objectives, choices).map_err(AppError::User)?;
        let content_json = serde_json::to_value(&content).map_err(|_| AppError::Internal)?;
        let secret = row.secret != 0;
        let typed = receipt.and_then(chain::normalize_receipt);
        if receipt.is_some_and(|r| !r.trim().is_empty()) && typed.is_none() {
            return Err(AppError::User(ErrorCode::ReceiptInvalid));
        }
        let kept = typed.or_else(|| kept_receipt(round.0, voter.0));

        let (receipt, hash, first) = store_ballot(db, round, secret, voter, user.id, &content_json, kept, now).await?;
        if !receipt.is_empty() {
            keep_receipt(round.0, voter.0, &receipt, state.config.secure_cookies);
        }
        state.events.publish(db, LiveEvent { sitting: sitting.0, topic: Topic::Vote }).await;
        Ok(Receipt { code: receipt, hash, changed: !first })
    }

    /// Stores a ballot (the checks done) in one transaction that first locks the round:
    /// a first ballot adds a participation and a ballot; a later one replaces the ballot's
    /// content (found by voter in a public round, by receipt code in a secret one). Returns
    /// the receipt code (empty when a public ballot's code was not kept), its hash, and
    /// whether it was the first. Also used by the demo.
    pub async fn store_ballot(
        db: &Db,
        round: RoundId,
        secret: bool,
        voter: UserId,
        cast_by: UserId,
        content_json: &serde_json::Value,
        kept: Option<String>,
        now: i64,
    ) -> Result<(String, String, bool), AppError> {
        let mut tx = db.pool.begin().await?;
        // The first statement writes: it locks the round (a row lock on PostgreSQL, the
        // database on SQLite), so concurrent ballots queue here and a closing round waits.
        let locked = sqlx::query(
            "update vote_rounds set ballots_count = ballots_count where id = $1 and status = 'open' \
             and (closes_at is null or closes_at > $2)",
        )
        .bind(round.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if locked.rows_affected() == 0 {
            return Err(AppError::User(ErrorCode::RoundClosed));
        }
        let code = chain::new_receipt_code();
        let first = sqlx::query(
            "insert into participations (round_id, voter_id, cast_by, receipt_check) values ($1, $2, $3, $4) \
             on conflict (round_id, voter_id) do nothing",
        )
        .bind(round.0)
        .bind(voter.0)
        .bind(cast_by.0)
        .bind(chain::receipt_check(round.0, voter.0, &code))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let (receipt, hash) = if first {
            let hash = chain::receipt_hash(&code);
            sqlx::query("insert into ballots (round_id, receipt_hash, voter_id, content) values ($1, $2, $3, $4)")
                .bind(round.0)
                .bind(&hash)
                .bind((!secret).then_some(voter.0))
                .bind(content_json.to_string())
                .execute(&mut *tx)
                .await?;
            sqlx::query("update vote_rounds set ballots_count = ballots_count + 1 where id = $1")
                .bind(round.0)
                .execute(&mut *tx)
                .await?;
            (code, hash)
        } else if secret {
            // Nothing links a secret ballot to its voter but the code the voter holds.
            let Some(code) = kept else { return Err(AppError::User(ErrorCode::ReceiptRequired)) };
            let (check,): (String,) =
                sqlx::query_as("select receipt_check from participations where round_id = $1 and voter_id = $2")
                    .bind(round.0)
                    .bind(voter.0)
                    .fetch_one(&mut *tx)
                    .await?;
            if check != chain::receipt_check(round.0, voter.0, &code) {
                return Err(AppError::User(ErrorCode::ReceiptInvalid));
            }
            let hash = chain::receipt_hash(&code);
            sqlx::query("update ballots set content = $1 where round_id = $2 and receipt_hash = $3")
                .bind(content_json.to_string())
                .bind(round.0)
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            (code, hash)
        } else {
            let (hash,): (String,) =
                sqlx::query_as("select receipt_hash from ballots where round_id = $1 and voter_id = $2")
                    .bind(round.0)
                    .bind(voter.0)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query("update ballots set content = $1 where round_id = $2 and voter_id = $3")
                .bind(content_json.to_string())
                .bind(round.0)
                .bind(voter.0)
                .execute(&mut *tx)
                .await?;
            // A public ballot's code is only for checking; the browser may have kept it.
            (kept.filter(|c| chain::receipt_hash(c) == hash).unwrap_or_default(), hash)
        };
        // The log never names the voter: the published log must not reveal public votes to
        // the public either (members see names on the results page).
        append_log(
            &mut tx,
            round.0,
            "ballot",
            &json!({ "receipt_hash": hash, "content": content_json, "change": !first }),
        )
        .await?;
        tx.commit().await?;
        Ok((receipt, hash, first))
    }

    pub async fn close_by_facilitator(round: RoundId) -> Result<(), AppError> {
        let state = app_state()?;
        let row = load(&state.db, round).await?;
        let user = require_user(current_user(&state.db).await?)?;
        if !moderates(&user, AssemblyId(row.assembly_id)) {
            return Err(AppError::User(ErrorCode::Forbidden));
        }
        if !close(&state.db, &state.events, round, Some(user.id)).await? {
            return Err(AppError::User(ErrorCode::RoundClosed));
        }
        Ok(())
    }

    async fn close_if_due(db: &Db, events: &crate::live::ssr::Events, row: &RoundRow) -> Result<(), AppError> {
        if row.status == "open" && row.closes_at.is_some_and(|t| t <= now()) {
            close(db, events, RoundId(row.id), None).await?;
        }
        Ok(())
    }

    /// Closes every round whose closing time has passed (run periodically by the server).
    pub async fn close_due_rounds(db: &Db, events: &crate::live::ssr::Events) -> Result<usize, AppError> {
        let due: Vec<(i64,)> = sqlx::query_as("select id from vote_rounds where status = 'open' and closes_at <= $1")
            .bind(now())
            .fetch_all(&db.pool)
            .await?;
        let mut closed = 0;
        for (id,) in due {
            if close(db, events, RoundId(id), None).await? {
                closed += 1;
            }
        }
        Ok(closed)
    }

    pub async fn ballot_contents(db: &Db, round: i64) -> Result<Vec<(String, Option<i64>, BallotContent)>, AppError> {
        let rows: Vec<(String, Option<i64>, String)> = sqlx::query_as(
            "select receipt_hash, voter_id, content from ballots where round_id = $1 order by receipt_hash",
        )
        .bind(round)
        .fetch_all(&db.pool)
        .await?;
        rows.into_iter()
            .map(|(h, v, c)| serde_json::from_str(&c).map(|c| (h, v, c)).map_err(|_| AppError::Internal))
            .collect()
    }

    /// Closes a round: freezes its result from the stored ballots, logs it, and sets each
    /// yes/no objective adopted or rejected. `by`: the facilitator, or `None` when its time
    /// ran out. False when it was already closed (two closings racing: one wins).
    pub async fn close(
        db: &Db,
        events: &crate::live::ssr::Events,
        round: RoundId,
        by: Option<UserId>,
    ) -> Result<bool, AppError> {
        close_at(db, events, round, by, now()).await
    }

    /// `close` at a given time (the demo closes rounds in the past).
    pub async fn close_at(
        db: &Db,
        events: &crate::live::ssr::Events,
        round: RoundId,
        by: Option<UserId>,
        now: i64,
    ) -> Result<bool, AppError> {
        let mut tx = db.pool.begin().await?;
        let done = sqlx::query(
            "update vote_rounds set status = 'closed', closed_at = $1, closed_by = $2 where id = $3 and status = 'open'",
        )
        .bind(now)
        .bind(by.map(|u| u.0))
        .bind(round.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let row: RoundRow = sqlx::query_as(
            "select r.id, r.assembly_id, r.sitting_id, s.title as sitting_title, r.rules, r.secret, r.status, \
             r.members_count, r.present_count, r.ballots_count, r.head_hash, r.created_at, r.closes_at, r.closed_at, r.result \
             from vote_rounds r join sittings s on s.id = r.sitting_id where r.id = $1",
        )
        .bind(round.0)
        .fetch_one(&mut *tx)
        .await?;
        let rules = row.rules()?;
        let objectives: Vec<(i64, String)> = sqlx::query_as(
            "select objective_id, previous_status from round_objectives where round_id = $1 order by position",
        )
        .bind(round.0)
        .fetch_all(&mut *tx)
        .await?;
        let ids: Vec<i64> = objectives.iter().map(|(id, _)| *id).collect();
        let contents: Vec<(String,)> =
            sqlx::query_as("select content from ballots where round_id = $1").bind(round.0).fetch_all(&mut *tx).await?;
        let ballots: Vec<BallotContent> = contents.iter().filter_map(|(c,)| serde_json::from_str(c).ok()).collect();
        let result = compute_result(&rules, &ids, &ballots, row.members_count as u32, row.present_count as u32);
        let result_json = serde_json::to_value(&result).map_err(|_| AppError::Internal)?;
        let head = append_log(
            &mut tx,
            round.0,
            "close",
            &json!({ "result": result_json, "ballots": ballots.len(), "closed_at": now }),
        )
        .await?;
        sqlx::query("update vote_rounds set result = $1 where id = $2")
            .bind(result_json.to_string())
            .bind(round.0)
            .execute(&mut *tx)
            .await?;
        for (id, previous) in &objectives {
            let status = match &result {
                RoundResult::YesNo(results) => {
                    let adopted = results.iter().any(|(o, r)| o == id && r.adopted);
                    if adopted {
                        "adopted"
                    } else {
                        "rejected"
                    }
                }
                // Ranking or approval decides priorities, not adoption.
                _ => previous.as_str(),
            };
            sqlx::query("update objectives set status = $1 where id = $2 and status = 'voting'")
                .bind(status)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        record(
            &mut tx,
            Event::new(by, AssemblyId(row.assembly_id), "round.close", ("vote_round", round.0))
                .details(json!({ "ballots": ballots.len(), "head_hash": head, "automatic": by.is_none() })),
        )
        .await?;
        tx.commit().await?;
        events.publish(db, LiveEvent { sitting: row.sitting_id, topic: Topic::Vote }).await;
        Ok(true)
    }

    #[tracing::instrument(skip_all, fields(round = round.0))]
    pub async fn get(round: RoundId, receipt: Option<&str>) -> Result<Round, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let mut row = load(db, round).await?;
        if row.status == "open" && row.closes_at.is_some_and(|t| t <= now()) {
            close_if_due(db, &state.events, &row).await?;
            row = load(db, round).await?;
        }
        let assembly = AssemblyId(row.assembly_id);
        let sitting = SittingId(row.sitting_id);
        let user = current_user(db).await?;
        let secret = row.secret != 0;
        let closed = row.status == "closed";
        let mut viewer = RoundViewer { signed_in: user.is_some(), ..Default::default() };
        let member_view = user.as_ref().is_some_and(|u| participates(u, assembly) || moderates(u, assembly));
        if let Some(u) = &user {
            viewer.facilitates = moderates(u, assembly);
            if participates(u, assembly) {
                viewer.proxy_given_to = sittings::proxy_given_to(db, sitting, u.id).await?;
                viewer.proxy_for = sittings::proxy_held_for(db, sitting, u.id).await?;
                viewer.can_vote = !closed && viewer.proxy_given_to.is_none();
                viewer.has_voted = has_participated(db, round, u.id).await?;
                if let Some(giver) = &viewer.proxy_for {
                    viewer.proxy_voted = has_participated(db, round, giver.id).await?;
                    viewer.receipt_for_proxy = kept_receipt(round.0, giver.id.0);
                }
                viewer.receipt = kept_receipt(round.0, u.id.0);
                viewer.my_ballot = my_ballot(db, round.0, secret, u.id, viewer.receipt.as_deref()).await?;
            }
        }
        let result = match (&row.result, closed) {
            (Some(json), true) => Some(serde_json::from_str(json).map_err(|_| AppError::Internal)?),
            _ => None,
        };
        let ballots = if closed {
            let names = if member_view && !secret { sittings::names(db, assembly).await? } else { Default::default() };
            ballot_contents(db, round.0)
                .await?
                .into_iter()
                .map(|(receipt_hash, voter, content)| PublishedBallot {
                    receipt_hash,
                    content,
                    voter: voter.and_then(|v| names.get(&v).cloned()),
                })
                .collect()
        } else {
            Vec::new()
        };
        let receipt_check = receipt.filter(|r| !r.trim().is_empty()).map(|raw| match chain::normalize_receipt(raw) {
            Some(code) => {
                let hash = chain::receipt_hash(&code);
                let found = ballots.iter().any(|b: &PublishedBallot| b.receipt_hash == hash);
                (hash, found)
            }
            None => (String::new(), false),
        });
        Ok(Round {
            id: round,
            assembly_id: assembly,
            sitting_id: sitting,
            sitting_title: row.sitting_title.clone(),
            rules: row.rules()?,
            secret,
            status: row.status(),
            objectives: objectives_of(db, round).await?,
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
            now: now(),
        })
    }

    async fn has_participated(db: &Db, round: RoundId, voter: UserId) -> Result<bool, AppError> {
        let row: Option<(i64,)> = sqlx::query_as("select 1 from participations where round_id = $1 and voter_id = $2")
            .bind(round.0)
            .bind(voter.0)
            .fetch_optional(&db.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn my_ballot(
        db: &Db,
        round: i64,
        secret: bool,
        voter: UserId,
        code: Option<&str>,
    ) -> Result<Option<BallotContent>, AppError> {
        let row: Option<(String,)> = if secret {
            let Some(code) = code else { return Ok(None) };
            sqlx::query_as("select content from ballots where round_id = $1 and receipt_hash = $2")
                .bind(round)
                .bind(chain::receipt_hash(code))
                .fetch_optional(&db.pool)
                .await?
        } else {
            sqlx::query_as("select content from ballots where round_id = $1 and voter_id = $2")
                .bind(round)
                .bind(voter.0)
                .fetch_optional(&db.pool)
                .await?
        };
        Ok(row.and_then(|(c,)| serde_json::from_str(&c).ok()))
    }

    pub async fn summaries(db: &Db, sitting: SittingId) -> Result<Vec<RoundSummary>, AppError> {
        let rows: Vec<(i64, String, i64, String, i64, Option<i64>)> = sqlx::query_as(
            "select id, method, secret, status, ballots_count, closes_at from vote_rounds where sitting_id = $1 order by id",
        )
        .bind(sitting.0)
        .fetch_all(&db.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, method, secret, status, ballots_count, closes_at) in rows {
            out.push(RoundSummary {
                id: RoundId(id),
                method: Method::parse(&method).unwrap_or(Method::YesNo),
                secret: secret != 0,
                status: if status == "closed" { RoundStatus::Closed } else { RoundStatus::Open },
                objectives: objectives_of(db, RoundId(id)).await?,
                ballots_count,
                closes_at,
            });
        }
        Ok(out)
    }

    /// The published record of a closed round, for `/rounds/{id}/ballots.json`: anyone can
    /// recount from it and re-hash the log.
    pub async fn export(db: &Db, round: RoundId) -> Result<serde_json::Value, AppError> {
        let row = load(db, round).await?;
        if row.status != "closed" {
            return Err(AppError::User(ErrorCode::NotFound));
        }
        let ballots: Vec<serde_json::Value> = ballot_contents(db, round.0)
            .await?
            .into_iter()
            .map(|(h, _, c)| json!({ "receipt_hash": h, "content": c }))
            .collect();
        let log = log_of(db, round.0).await?;
        Ok(json!({
            "round": round.0,
            "rules": row.rules()?,
            "secret": row.secret != 0,
            "objectives": objectives_of(db, round).await?.into_iter().map(|o| json!({"id": o.id, "title": o.title})).collect::<Vec<_>>(),
            "members": row.members_count,
            "present": row.present_count,
            "ballots": ballots,
            "result": row.result.as_deref().and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok()),
            "head_hash": row.head_hash,
            "genesis": chain::genesis(round.0),
            "log": log.iter().map(|e| json!({"seq": e.seq, "kind": e.kind, "payload": e.payload, "prev_hash": e.prev_hash, "hash": e.hash})).collect::<Vec<_>>(),
        }))
    }

    pub async fn log_of(db: &Db, round: i64) -> Result<Vec<chain::Entry>, AppError> {
        let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
            "select seq, kind, payload, prev_hash, hash from round_log where round_id = $1 order by seq",
        )
        .bind(round)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, kind, payload, prev_hash, hash)| chain::Entry { seq, kind, payload, prev_hash, hash })
            .collect())
    }

    /// One round's recount: what differs from what was stored (empty when all agrees).
    pub struct Recount {
        pub round: i64,
        pub ballots: usize,
        pub problems: Vec<String>,
    }

    /// Recomputes every closed round from its stored ballots and checks its log: the chain,
    /// the published head hash, the ballots the log's entries add up to, and the result.
    pub async fn recount(db: &Db) -> Result<Vec<Recount>, AppError> {
        let rounds: Vec<(i64,)> = sqlx::query_as("select id from vote_rounds where status = 'closed' order by id")
            .fetch_all(&db.pool)
            .await?;
        let mut out = Vec::new();
        for (id,) in rounds {
            let row = load(db, RoundId(id)).await?;
            let mut problems = Vec::new();
            let log = log_of(db, id).await?;
            match chain::verify(id, &log) {
                Ok(head) if head == row.head_hash => {}
                Ok(_) => problems.push("the log's head hash differs from the published one".to_owned()),
                Err(e) => problems.push(format!("log: {e}")),
            }
            let stored = ballot_contents(db, id).await?;
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
            let ids: Vec<i64> = objectives_of(db, RoundId(id)).await?.into_iter().map(|o| o.id).collect();
            let contents: Vec<BallotContent> = stored.into_iter().map(|(_, _, c)| c).collect();
            let again =
                compute_result(&row.rules()?, &ids, &contents, row.members_count as u32, row.present_count as u32);
            let frozen: Option<RoundResult> = row.result.as_deref().and_then(|r| serde_json::from_str(r).ok());
            if frozen.as_ref() != Some(&again) {
                problems.push("the recomputed result differs from the frozen one".to_owned());
            }
            out.push(Recount { round: id, ballots: contents.len(), problems });
        }
        Ok(out)
    }
}
