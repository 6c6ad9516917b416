//! Vote round server functions: each builds the call's context and hands it to one service
//! (opening and closing are for the sitting's facilitators, voting for the assembly's
//! members and the holders of their proxies). The browser keeps a ballot's receipt code in
//! a cookie for the round's page; reading and writing that cookie is done here.
// A server function takes one argument per form field; `open_round`'s form has ten.
#![allow(clippy::too_many_arguments)]
#[cfg(feature = "ssr")]
use super::{
    service::{self, BallotForm, OpenForm},
    RulesForm,
};
use super::{Receipt, Round, RoundSummary};
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{RoundId, SittingId, UserId};
use leptos::prelude::*;
use std::collections::BTreeMap;

#[server(prefix = "/api", endpoint = "open_round")]
pub async fn open_round(
    sitting_id: SittingId,
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
    let c = call()?;
    let rules = RulesForm {
        method: &method,
        quorum_base: &quorum_base,
        quorum_percent: &quorum_percent,
        threshold: &threshold,
        abstentions: &abstentions,
        max_choices: &max_choices,
    };
    let form = OpenForm { rules, objectives: &objectives, secret: secret.is_some(), closes_in: &closes_in };
    let result = service::open(&c.ctx, &c.actor, c.now, sitting_id, &form).await;
    let result = result.inspect(|id| leptos_axum::redirect(&format!("/rounds/{id}")));
    let echo = [
        ("method", &method),
        ("quorum_base", &quorum_base),
        ("quorum_percent", &quorum_percent),
        ("threshold", &threshold),
        ("abstentions", &abstentions),
        ("max_choices", &max_choices),
        ("closes_in", &closes_in),
    ];
    finish(result, &echo.map(|(k, v)| (k, v.as_str())))
}

/// `receipt`: a receipt code typed on the results page, to check it is in the list.
#[server(prefix = "/api", endpoint = "get_round")]
pub async fn get_round(round_id: RoundId, receipt: Option<String>) -> Result<Round, AppError> {
    let c = call()?;
    let kept = receipts::kept(round_id);
    finish(service::get(&c.ctx, &c.actor, c.now, round_id, receipt.as_deref(), &kept).await, &[])
}

/// `choices[<objective id>]`: the ballot. `on_behalf`: the member whose proxy the caller
/// holds. `receipt`: needed to change a secret ballot (nothing else links it to its voter).
#[server(prefix = "/api", endpoint = "cast_ballot")]
pub async fn cast_ballot(
    round_id: RoundId,
    #[server(default)] choices: BTreeMap<String, String>,
    #[server(default)] on_behalf: Option<UserId>,
    #[server(default)] receipt: Option<String>,
) -> Result<Receipt, AppError> {
    let c = call()?;
    let receipt = receipts::typed_or_kept(&c, round_id, on_behalf, receipt.as_deref());
    let result = match receipt {
        Ok(receipt) => {
            let form = BallotForm { choices: &choices, on_behalf, receipt };
            service::cast(&c.ctx, &c.actor, c.now, round_id, form)
                .await
                .map(|(r, voter)| receipts::keep(&c, round_id, voter, r))
        }
        Err(e) => Err(e),
    };
    finish(result, &[("on_behalf", &on_behalf.map(|v| v.to_string()).unwrap_or_default())])
}

#[server(prefix = "/api", endpoint = "close_round")]
pub async fn close_round(round_id: RoundId) -> Result<(), AppError> {
    let c = call()?;
    finish(service::close_by_facilitator(&c.ctx, &c.actor, c.now, round_id).await, &[])
}

/// The vote rounds of a sitting, for its page.
#[server(prefix = "/api", endpoint = "list_rounds")]
pub async fn list_rounds(sitting_id: SittingId) -> Result<Vec<RoundSummary>, AppError> {
    let c = call()?;
    finish(service::rounds_of_sitting(&c.ctx, sitting_id).await, &[])
}

/// The receipt codes a browser keeps, one cookie per round and voter, for a day: the voter
/// sees their code again and can change a secret ballot without retyping it.
#[cfg(feature = "ssr")]
mod receipts {
    use super::super::{chain, Receipt};
    use crate::context::{request_cookie, set_cookie, Call};
    use crate::error::{AppError, ErrorCode};
    use crate::ids::{RoundId, UserId};

    fn cookie_name(round: RoundId, voter: UserId) -> String {
        format!("concerto_receipt_{round}_{voter}")
    }

    /// This browser's codes for the round: voter → code.
    pub fn kept(round: RoundId) -> super::service::KeptReceipts {
        let prefix = format!("concerto_receipt_{round}_");
        let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else { return Default::default() };
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| cookie::Cookie::split_parse(v.to_owned()))
            .filter_map(Result::ok)
            .filter_map(|c| {
                let voter = c.name().strip_prefix(&prefix)?.parse().ok()?;
                Some((voter, chain::normalize_receipt(c.value())?))
            })
            .collect()
    }

    /// The code typed with the ballot (refused if malformed), else the one this browser kept.
    pub fn typed_or_kept(
        c: &Call,
        round: RoundId,
        on_behalf: Option<UserId>,
        typed: Option<&str>,
    ) -> Result<Option<String>, AppError> {
        match typed.map(str::trim).filter(|t| !t.is_empty()) {
            Some(raw) => chain::normalize_receipt(raw).map(Some).ok_or(AppError::User(ErrorCode::ReceiptInvalid)),
            None => {
                let voter = on_behalf.or(c.actor.id());
                Ok(voter
                    .and_then(|v| request_cookie(&cookie_name(round, v)))
                    .and_then(|code| chain::normalize_receipt(&code)))
            }
        }
    }

    pub fn keep(c: &Call, round: RoundId, voter: UserId, receipt: Receipt) -> Receipt {
        if !receipt.code.is_empty() {
            let cookie = cookie::Cookie::build((cookie_name(round, voter), receipt.code.clone()))
                .path("/")
                .http_only(true)
                .same_site(cookie::SameSite::Strict)
                .secure(c.ctx.config.secure_cookies)
                .max_age(cookie::time::Duration::hours(24))
                .build();
            set_cookie(cookie);
        }
        receipt
    }
}
