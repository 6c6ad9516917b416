//! Commitment server functions. Reading is public; everything else is for the assembly's
//! staff (and admins). Every change is audited in its transaction, and the members who
//! proposed or supported the objective get a notification in the same transaction.
use super::{Commitment, Notifications, Outcomes};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::CommitmentId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "get_outcomes")]
pub async fn get_outcomes(
    assembly_id: i64,
    #[server(default)] channel: Option<String>,
    #[server(default)] status: Option<String>,
) -> Result<Outcomes, AppError> {
    finish(ssr::outcomes(crate::ids::AssemblyId(assembly_id), channel.as_deref(), status.as_deref()).await, &[])
}

#[server(prefix = "/api", endpoint = "get_commitment")]
pub async fn get_commitment(commitment_id: i64) -> Result<Commitment, AppError> {
    finish(ssr::get(CommitmentId(commitment_id)).await, &[])
}

#[server(prefix = "/api", endpoint = "create_commitment")]
pub async fn create_commitment(
    objective_id: i64,
    service: String,
    contact_role: String,
    target_date: String,
    summary: String,
) -> Result<CommitmentId, AppError> {
    let form = ssr::Fields { service: &service, contact_role: &contact_role, summary: &summary };
    let result = ssr::create(crate::ids::ObjectiveId(objective_id), &form, &target_date).await;
    finish(
        result,
        &[("service", &service), ("contact_role", &contact_role), ("target_date", &target_date), ("summary", &summary)],
    )
}

#[server(prefix = "/api", endpoint = "edit_commitment")]
pub async fn edit_commitment(
    commitment_id: i64,
    service: String,
    contact_role: String,
    summary: String,
) -> Result<(), AppError> {
    let form = ssr::Fields { service: &service, contact_role: &contact_role, summary: &summary };
    let result = ssr::edit(CommitmentId(commitment_id), &form).await;
    finish(result, &[("service", &service), ("contact_role", &contact_role), ("summary", &summary)])
}

/// `what`: `status` (value: planned | in_progress | done | abandoned; a reason is required
/// to abandon), `target_date` (value: a date; a reason is required), `progress` (value: a
/// percentage, or empty to go back to the milestones; a reason is required with a value).
#[server(prefix = "/api", endpoint = "change_commitment")]
pub async fn change_commitment(
    commitment_id: i64,
    what: String,
    value: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    let result = ssr::change(CommitmentId(commitment_id), &what, &value, &reason).await;
    finish(result, &[("what", &what), ("value", &value), ("reason", &reason)])
}

#[server(prefix = "/api", endpoint = "add_milestone")]
pub async fn add_milestone(commitment_id: i64, title: String, due_date: String) -> Result<i64, AppError> {
    let result = ssr::add_milestone(CommitmentId(commitment_id), &title, &due_date).await;
    finish(result, &[("title", &title), ("due_date", &due_date)])
}

#[server(prefix = "/api", endpoint = "set_milestone")]
pub async fn set_milestone(milestone_id: i64, done: bool) -> Result<(), AppError> {
    finish(ssr::set_milestone(milestone_id, done).await, &[])
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "add_indicator")]
pub async fn add_indicator(
    commitment_id: i64,
    name: String,
    unit: String,
    baseline: String,
    target: String,
    direction: String,
) -> Result<i64, AppError> {
    let result = ssr::add_indicator(CommitmentId(commitment_id), &name, &unit, &baseline, &target, &direction).await;
    finish(
        result,
        &[("name", &name), ("unit", &unit), ("baseline", &baseline), ("target", &target), ("direction", &direction)],
    )
}

#[server(prefix = "/api", endpoint = "add_measurement")]
pub async fn add_measurement(
    indicator_id: i64,
    measured_on: String,
    value: String,
    source: String,
) -> Result<(), AppError> {
    let result = ssr::add_measurement(indicator_id, &measured_on, &value, &source).await;
    finish(
        result,
        &[
            ("indicator_id", &indicator_id.to_string()),
            ("measured_on", &measured_on),
            ("value", &value),
            ("source", &source),
        ],
    )
}

#[server(prefix = "/api", endpoint = "post_update")]
pub async fn post_update(commitment_id: i64, body: String) -> Result<(), AppError> {
    finish(ssr::post_update(CommitmentId(commitment_id), &body).await, &[("body", &body)])
}

#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Notifications, AppError> {
    finish(ssr::notifications().await, &[])
}

#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    finish(ssr::mark_read().await, &[])
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::accounts::permissions::require_user;
    use crate::accounts::session::current_user;
    use crate::accounts::{Role, SessionUser};
    use crate::audit::ssr::{record, Event};
    use crate::commitments::*;
    use crate::db::{now, Db};
    use crate::error::ssr::ResultExt;
    use crate::error::Validator;
    use crate::ids::{AssemblyId, ObjectiveId, RoundId, UserId};
    use crate::objectives::markdown::render_async;
    use crate::state::app_state;
    use serde_json::json;

    type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

    /// Staff publish and follow commitments in their assembly; admins anywhere.
    pub fn publishes(user: &SessionUser, assembly: AssemblyId) -> bool {
        user.is_admin || user.has_role(assembly, Role::Staff)
    }

    /// Today in French time, `YYYY-MM-DD`.
    pub fn today() -> String {
        let ts = now();
        let offset =
            time::UtcOffset::from_hms(crate::i18n_texts::paris_offset_hours(ts), 0, 0).unwrap_or(time::UtcOffset::UTC);
        let d =
            time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH).to_offset(offset);
        format_iso(d.date())
    }

    async fn assembly_of(db: &Db, id: CommitmentId) -> Result<AssemblyId, AppError> {
        let row: Option<(i64,)> = sqlx::query_as("select assembly_id from commitments where id = $1")
            .bind(id.0)
            .fetch_optional(&db.pool)
            .await?;
        row.map(|(a,)| AssemblyId(a)).ok_or(AppError::User(ErrorCode::NotFound))
    }

    /// The signed-in person, if they publish in `assembly`.
    async fn require_staff(db: &Db, assembly: AssemblyId) -> Result<SessionUser, AppError> {
        let user = require_user(current_user(db).await?)?;
        if publishes(&user, assembly) {
            Ok(user)
        } else {
            Err(AppError::User(ErrorCode::Forbidden))
        }
    }

    /// Tells the objective's author and supporters, in the change's transaction.
    async fn notify(tx: &mut Tx<'_>, commitment: CommitmentId, kind: &str, detail: &str) -> Result<(), AppError> {
        sqlx::query(
            "insert into notifications (user_id, commitment_id, kind, detail, created_at) \
             select p.user_id, c.id, $2, $3, $4 from commitments c join ( \
               select o.id as objective_id, o.author_id as user_id from objectives o \
               union select s.objective_id, s.user_id from supports s \
             ) p on p.objective_id = c.objective_id where c.id = $1",
        )
        .bind(commitment.0)
        .bind(kind)
        .bind(detail)
        .bind(now())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    async fn log_change(
        tx: &mut Tx<'_>,
        commitment: CommitmentId,
        kind: &str,
        old: &str,
        new: &str,
        reason: &str,
        author: UserId,
    ) -> Result<(), AppError> {
        sqlx::query(
            "insert into commitment_changes (commitment_id, kind, old_value, new_value, reason, author_id, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(commitment.0)
        .bind(kind)
        .bind(old)
        .bind(new)
        .bind(reason)
        .bind(author.0)
        .bind(now())
        .execute(&mut **tx)
        .await?;
        sqlx::query("update commitments set updated_at = $1 where id = $2")
            .bind(now())
            .bind(commitment.0)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    pub struct Fields<'a> {
        pub service: &'a str,
        pub contact_role: &'a str,
        pub summary: &'a str,
    }

    fn check_fields(v: &mut Validator, f: &Fields<'_>) -> Option<(String, String, String)> {
        let service = v.check("service", parse_text(f.service, 2, SERVICE_MAX));
        let contact = v.check("contact_role", parse_text(f.contact_role, 2, SERVICE_MAX));
        let summary = v.check("summary", parse_text(f.summary, 10, SUMMARY_MAX));
        Some((service?, contact?, summary?))
    }

    #[tracing::instrument(skip_all, fields(objective = objective.0))]
    pub async fn create(
        objective: ObjectiveId,
        form: &Fields<'_>,
        target_date: &str,
    ) -> Result<CommitmentId, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let row: Option<(i64, String)> = sqlx::query_as("select assembly_id, status from objectives where id = $1")
            .bind(objective.0)
            .fetch_optional(&db.pool)
            .await?;
        let (assembly, status) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        let assembly = AssemblyId(assembly);
        let user = require_staff(db, assembly).await?;
        if status != "adopted" {
            return Err(AppError::User(ErrorCode::NotAdopted));
        }
        let mut v = Validator::default();
        let fields = check_fields(&mut v, form);
        let date = v.check("target_date", parse_date(target_date));
        v.finish()?;
        let (Some((service, contact, summary)), Some(date)) = (fields, date) else { return Err(AppError::Internal) };
        let html = render_async(summary.clone()).await?;
        // The vote that adopted it: the last closed yes/no round it was in.
        let round: Option<(i64,)> = sqlx::query_as(
            "select r.id from round_objectives ro join vote_rounds r on r.id = ro.round_id \
             where ro.objective_id = $1 and r.status = 'closed' and r.method = 'yes_no' order by r.closed_at desc limit 1",
        )
        .bind(objective.0)
        .fetch_optional(&db.pool)
        .await?;
        let now = now();
        let mut tx = db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into commitments (assembly_id, objective_id, round_id, service, contact_role, summary_md, summary_html, \
             target_date, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
        )
        .bind(assembly.0)
        .bind(objective.0)
        .bind(round.map(|(r,)| r))
        .bind(&service)
        .bind(&contact)
        .bind(&summary)
        .bind(&html)
        .bind(format_iso(date))
        .bind(user.id.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .on_constraint(&["commitment_objective_unique", "commitments.objective_id"], || {
            AppError::User(ErrorCode::AlreadyCommitted)
        })?;
        let id = CommitmentId(id);
        log_change(&mut tx, id, "created", "", "planned", "", user.id).await?;
        notify(&mut tx, id, "created", "").await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "commitment.create", ("commitment", id.0))
                .details(json!({ "objective": objective.0, "target_date": format_iso(date) })),
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/commitments/{id}"));
        Ok(id)
    }

    pub async fn edit(id: CommitmentId, form: &Fields<'_>) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let assembly = assembly_of(db, id).await?;
        let user = require_staff(db, assembly).await?;
        let mut v = Validator::default();
        let fields = check_fields(&mut v, form);
        v.finish()?;
        let Some((service, contact, summary)) = fields else { return Err(AppError::Internal) };
        let html = render_async(summary.clone()).await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query(
            "update commitments set service = $1, contact_role = $2, summary_md = $3, summary_html = $4, updated_at = $5 where id = $6",
        )
        .bind(&service)
        .bind(&contact)
        .bind(&summary)
        .bind(&html)
        .bind(now())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        record(&mut tx, Event::new(Some(user.id), assembly, "commitment.edit", ("commitment", id.0))).await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(commitment = id.0, what))]
    pub async fn change(id: CommitmentId, what: &str, value: &str, reason: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let assembly = assembly_of(db, id).await?;
        let user = require_staff(db, assembly).await?;
        let reason = parse_text(reason, 0, REASON_MAX).map_err(|c| AppError::field("reason", c))?;
        let require_reason = || {
            if reason.is_empty() {
                Err(AppError::field("reason", ErrorCode::Required))
            } else {
                Ok(())
            }
        };
        let (status, target, percent): (String, String, Option<i64>) =
            sqlx::query_as("select status, target_date, progress_override from commitments where id = $1")
                .bind(id.0)
                .fetch_one(&db.pool)
                .await?;
        let mut tx = db.pool.begin().await?;
        match what {
            "status" => {
                let new = Status::parse(value).map_err(|c| AppError::field("value", c))?;
                if new == Status::Abandoned {
                    require_reason()?;
                }
                if new.as_str() == status {
                    return Ok(());
                }
                sqlx::query("update commitments set status = $1, status_reason = $2 where id = $3")
                    .bind(new.as_str())
                    .bind(&reason)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                log_change(&mut tx, id, "status", &status, new.as_str(), &reason, user.id).await?;
                notify(&mut tx, id, "status", new.as_str()).await?;
            }
            "target_date" => {
                let date = format_iso(parse_date(value).map_err(|c| AppError::field("value", c))?);
                require_reason()?;
                sqlx::query("update commitments set target_date = $1 where id = $2")
                    .bind(&date)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                log_change(&mut tx, id, "target_date", &target, &date, &reason, user.id).await?;
                notify(&mut tx, id, "target_date", &date).await?;
            }
            "progress" => {
                let new = parse_percent(value).map_err(|c| AppError::field("value", c))?;
                if new.is_some() {
                    require_reason()?;
                }
                sqlx::query("update commitments set progress_override = $1, progress_reason = $2 where id = $3")
                    .bind(new.map(i64::from))
                    .bind(&reason)
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                let show = |p: Option<i64>| p.map(|p| p.to_string()).unwrap_or_default();
                log_change(&mut tx, id, "progress", &show(percent), &show(new.map(i64::from)), &reason, user.id)
                    .await?;
            }
            _ => return Err(AppError::User(ErrorCode::InvalidChoice)),
        }
        let action = format!("commitment.{what}");
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, &action, ("commitment", id.0))
                .details(json!({ "value": value, "reason": reason })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_milestone(id: CommitmentId, title: &str, due: &str) -> Result<i64, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let assembly = assembly_of(db, id).await?;
        let user = require_staff(db, assembly).await?;
        let mut v = Validator::default();
        let title = v.check("title", parse_text(title, 2, TITLE_MAX));
        let due = v.check("due_date", parse_date(due));
        v.finish()?;
        let (Some(title), Some(due)) = (title, due) else { return Err(AppError::Internal) };
        let mut tx = db.pool.begin().await?;
        let (m,): (i64,) = sqlx::query_as(
            "insert into milestones (commitment_id, title, due_date, created_at) values ($1, $2, $3, $4) returning id",
        )
        .bind(id.0)
        .bind(&title)
        .bind(format_iso(due))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "milestone.add", ("commitment", id.0))
                .details(json!({ "title": title })),
        )
        .await?;
        tx.commit().await?;
        Ok(m)
    }

    pub async fn set_milestone(milestone: i64, done: bool) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let row: Option<(i64, i64)> = sqlx::query_as(
            "select c.id, c.assembly_id from milestones m join commitments c on c.id = m.commitment_id where m.id = $1",
        )
        .bind(milestone)
        .fetch_optional(&db.pool)
        .await?;
        let (commitment, assembly) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        let user = require_staff(db, AssemblyId(assembly)).await?;
        let mut tx = db.pool.begin().await?;
        sqlx::query("update milestones set done_on = $1 where id = $2")
            .bind(done.then(today))
            .bind(milestone)
            .execute(&mut *tx)
            .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), AssemblyId(assembly), "milestone.set", ("commitment", commitment))
                .details(json!({ "milestone": milestone, "done": done })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_indicator(
        id: CommitmentId,
        name: &str,
        unit: &str,
        baseline: &str,
        target: &str,
        direction: &str,
    ) -> Result<i64, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let assembly = assembly_of(db, id).await?;
        let user = require_staff(db, assembly).await?;
        let mut v = Validator::default();
        let name = v.check("name", parse_text(name, 2, TITLE_MAX));
        let unit = v.check("unit", parse_text(unit, 1, UNIT_MAX));
        let baseline = v.check("baseline", parse_value(baseline));
        let target = v.check("target", parse_value(target));
        let direction = v.check("direction", Direction::parse(direction));
        v.finish()?;
        let (Some(name), Some(unit), Some(baseline), Some(target), Some(direction)) =
            (name, unit, baseline, target, direction)
        else {
            return Err(AppError::Internal);
        };
        let mut tx = db.pool.begin().await?;
        let (i,): (i64,) = sqlx::query_as(
            "insert into indicators (commitment_id, name, unit, baseline, target, direction, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(id.0)
        .bind(&name)
        .bind(&unit)
        .bind(baseline)
        .bind(target)
        .bind(direction.as_str())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "indicator.add", ("commitment", id.0)).details(json!({ "name": name })),
        )
        .await?;
        tx.commit().await?;
        Ok(i)
    }

    /// Adds (or corrects) the measurement of `indicator` on a date: one value per date.
    pub async fn add_measurement(indicator: i64, on: &str, value: &str, source: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let row: Option<(i64, i64)> = sqlx::query_as(
            "select c.id, c.assembly_id from indicators i join commitments c on c.id = i.commitment_id where i.id = $1",
        )
        .bind(indicator)
        .fetch_optional(&db.pool)
        .await?;
        let (commitment, assembly) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        // Staff of another assembly cannot measure this one's indicators.
        let user = require_staff(db, AssemblyId(assembly)).await?;
        let mut v = Validator::default();
        let on = v.check("measured_on", parse_date(on));
        let value = v.check("value", parse_value(value));
        let source = v.check("source", parse_text(source, 2, SOURCE_MAX));
        v.finish()?;
        let (Some(on), Some(value), Some(source)) = (on, value, source) else { return Err(AppError::Internal) };
        if format_iso(on) > today() {
            return Err(AppError::field("measured_on", ErrorCode::DateInFuture));
        }
        let mut tx = db.pool.begin().await?;
        sqlx::query(
            "insert into measurements (indicator_id, measured_on, value, source, author_id, created_at) values ($1, $2, $3, $4, $5, $6) \
             on conflict (indicator_id, measured_on) do update set value = excluded.value, source = excluded.source, \
             author_id = excluded.author_id, created_at = excluded.created_at",
        )
        .bind(indicator)
        .bind(format_iso(on))
        .bind(value)
        .bind(&source)
        .bind(user.id.0)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event::new(Some(user.id), AssemblyId(assembly), "measurement.add", ("commitment", commitment))
                .details(json!({ "indicator": indicator, "on": format_iso(on), "value": value })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn post_update(id: CommitmentId, body: &str) -> Result<(), AppError> {
        let state = app_state()?;
        let db = &state.db;
        let assembly = assembly_of(db, id).await?;
        let user = require_staff(db, assembly).await?;
        let body = crate::objectives::parse_body(body, UPDATE_MAX).map_err(|c| AppError::field("body", c))?;
        let html = render_async(body.clone()).await?;
        let mut tx = db.pool.begin().await?;
        let (u,): (i64,) = sqlx::query_as(
            "insert into progress_updates (commitment_id, body_md, body_html, author_id, created_at) values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(id.0)
        .bind(&body)
        .bind(&html)
        .bind(user.id.0)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        notify(&mut tx, id, "update", "").await?;
        record(
            &mut tx,
            Event::new(Some(user.id), assembly, "commitment.update", ("commitment", id.0))
                .details(json!({ "update": u })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    type SummaryRow = (i64, i64, String, String, String, String, String, Option<i64>, String);

    async fn milestone_counts(db: &Db, id: i64) -> Result<(u32, u32), AppError> {
        let (done, total): (i64, i64) = sqlx::query_as(
            "select (select count(*) from milestones where commitment_id = $1 and done_on is not null), \
             (select count(*) from milestones where commitment_id = $1)",
        )
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
        Ok((done as u32, total as u32))
    }

    async fn updates_of(db: &Db, id: i64, limit: i64) -> Result<Vec<ProgressUpdate>, AppError> {
        let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
            "select p.id, u.display_name, p.body_html, p.created_at from progress_updates p join users u on u.id = p.author_id \
             where p.commitment_id = $1 order by p.created_at desc, p.id desc limit $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, author, html, created_at)| ProgressUpdate { id, author, html, created_at })
            .collect())
    }

    pub async fn outcomes(
        assembly: AssemblyId,
        channel: Option<&str>,
        status: Option<&str>,
    ) -> Result<Outcomes, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let (assembly_name, _) = crate::objectives::api::ssr::threshold_of(db, assembly).await?;
        let user = current_user(db).await?;
        let today = today();
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "select c.id, c.objective_id, o.title, o.channel, c.service, c.target_date, c.status, c.progress_override, c.progress_reason \
             from commitments c join objectives o on o.id = c.objective_id where c.assembly_id = $1 order by c.target_date, c.id",
        )
        .bind(assembly.0)
        .fetch_all(&db.pool)
        .await?;
        let channel = channel.filter(|c| !c.is_empty()).and_then(|c| Channel::parse(c).ok());
        let wanted = status.and_then(Shown::parse);
        let mut counts = Counts::default();
        let mut items = Vec::new();
        for (id, objective, title, ch, service, target, st, over, reason) in rows {
            let shown = shown_status(Status::parse(&st).unwrap_or(Status::Planned), &target, &today);
            counts.total += 1;
            match shown {
                Shown::Planned => counts.planned += 1,
                Shown::InProgress => counts.in_progress += 1,
                Shown::Late => counts.late += 1,
                Shown::Done => counts.done += 1,
                Shown::Abandoned => counts.abandoned += 1,
            }
            let ch = Channel::parse(&ch).unwrap_or(Channel::Other);
            if channel.is_some_and(|c| c != ch) || wanted.is_some_and(|w| w != shown) {
                continue;
            }
            let (done, total) = milestone_counts(db, id).await?;
            items.push(CommitmentSummary {
                id: CommitmentId(id),
                objective_id: ObjectiveId(objective),
                title,
                channel: ch,
                service,
                target_date: target,
                shown,
                progress: progress(done, total, over.map(|p| (p as u32, reason.as_str()))),
                latest_update: updates_of(db, id, 1).await?.into_iter().next(),
            });
        }
        let can_publish = user.as_ref().is_some_and(|u| publishes(u, assembly));
        let adopted = if can_publish {
            sqlx::query_as(
                "select o.id, o.title from objectives o where o.assembly_id = $1 and o.status = 'adopted' \
                 and not exists (select 1 from commitments c where c.objective_id = o.id) order by o.id",
            )
            .bind(assembly.0)
            .fetch_all(&db.pool)
            .await?
        } else {
            Vec::new()
        };
        Ok(Outcomes { assembly_id: assembly, assembly_name, counts, items, can_publish, adopted })
    }

    type CommitmentRow = (
        i64,
        String,
        i64,
        String,
        String,
        Option<i64>,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        String,
    );

    pub async fn get(id: CommitmentId) -> Result<Commitment, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let row: Option<CommitmentRow> = sqlx::query_as(
            "select c.assembly_id, a.name, c.objective_id, o.title, o.channel, c.round_id, c.service, c.contact_role, \
             c.summary_md, c.summary_html, c.target_date, c.status, c.status_reason, c.progress_override, c.progress_reason \
             from commitments c join objectives o on o.id = c.objective_id join assemblies a on a.id = c.assembly_id where c.id = $1",
        )
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?;
        let (
            assembly,
            assembly_name,
            objective,
            title,
            channel,
            round,
            service,
            contact_role,
            summary_md,
            summary_html,
            target,
            status,
            status_reason,
            over,
            progress_reason,
        ) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        let user = current_user(db).await?;
        let today = today();
        let status = Status::parse(&status).unwrap_or(Status::Planned);
        let shown = shown_status(status, &target, &today);
        let milestones: Vec<Milestone> = {
            let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
                "select id, title, due_date, done_on from milestones where commitment_id = $1 order by due_date, id",
            )
            .bind(id.0)
            .fetch_all(&db.pool)
            .await?;
            rows.into_iter().map(|(id, title, due_date, done_on)| Milestone { id, title, due_date, done_on }).collect()
        };
        let done = milestones.iter().filter(|m| m.done_on.is_some()).count() as u32;
        let mut indicators = Vec::new();
        let rows: Vec<(i64, String, String, f64, f64, String)> = sqlx::query_as(
            "select id, name, unit, baseline, target, direction from indicators where commitment_id = $1 order by id",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await?;
        for (iid, name, unit, baseline, target_value, direction) in rows {
            let ms: Vec<(i64, String, f64, String)> = sqlx::query_as(
                "select id, measured_on, value, source from measurements where indicator_id = $1 order by measured_on",
            )
            .bind(iid)
            .fetch_all(&db.pool)
            .await?;
            let measurements: Vec<Measurement> = ms
                .into_iter()
                .map(|(id, measured_on, value, source)| Measurement { id, measured_on, value, source })
                .collect();
            let direction = Direction::parse(&direction).unwrap_or(Direction::Higher);
            let values: Vec<f64> = measurements.iter().map(|m| m.value).collect();
            indicators.push(Indicator {
                id: iid,
                name,
                unit,
                baseline,
                target: target_value,
                direction,
                trend: trend(baseline, target_value, direction, &values),
                measurements,
            });
        }
        let changes: Vec<(String, String, String, String, i64)> = sqlx::query_as(
            "select kind, old_value, new_value, reason, created_at from commitment_changes where commitment_id = $1 \
             order by created_at desc, id desc",
        )
        .bind(id.0)
        .fetch_all(&db.pool)
        .await?;
        let sitting: Option<(i64, String)> =
            match round {
                Some(r) => sqlx::query_as(
                    "select s.id, s.title from vote_rounds r join sittings s on s.id = r.sitting_id where r.id = $1",
                )
                .bind(r)
                .fetch_optional(&db.pool)
                .await?,
                None => None,
            };
        let (comments,): (i64,) = sqlx::query_as(
            "select count(*) from comments where objective_id = $1 and moderation = 'visible' and deleted_at is null",
        )
        .bind(objective)
        .fetch_one(&db.pool)
        .await?;
        Ok(Commitment {
            id,
            assembly_id: AssemblyId(assembly),
            assembly_name,
            objective_id: ObjectiveId(objective),
            title,
            channel: Channel::parse(&channel).unwrap_or(Channel::Other),
            round_id: round.map(RoundId),
            sitting,
            comments,
            service,
            contact_role,
            summary_md,
            summary_html,
            late_since: (shown == Shown::Late).then(|| late_since(&target)).flatten(),
            target_date: target,
            status,
            status_reason,
            shown,
            progress: progress(done, milestones.len() as u32, over.map(|p| (p as u32, progress_reason.as_str()))),
            milestones,
            indicators,
            updates: updates_of(db, id.0, 200).await?,
            changes: changes
                .into_iter()
                .map(|(kind, old_value, new_value, reason, created_at)| Change {
                    kind,
                    old_value,
                    new_value,
                    reason,
                    created_at,
                })
                .collect(),
            can_edit: user.as_ref().is_some_and(|u| publishes(u, AssemblyId(assembly))),
            today,
        })
    }

    pub async fn notifications() -> Result<Notifications, AppError> {
        let state = app_state()?;
        let db = &state.db;
        let user = require_user(current_user(db).await?)?;
        type NotificationRow = (i64, i64, String, String, String, i64, Option<i64>);
        let rows: Vec<NotificationRow> = sqlx::query_as(
            "select n.id, n.commitment_id, o.title, n.kind, n.detail, n.created_at, n.read_at from notifications n \
             join commitments c on c.id = n.commitment_id join objectives o on o.id = c.objective_id \
             where n.user_id = $1 order by n.created_at desc, n.id desc limit 100",
        )
        .bind(user.id.0)
        .fetch_all(&db.pool)
        .await?;
        let unread = unread_count(db, user.id).await?;
        Ok(Notifications {
            unread,
            items: rows
                .into_iter()
                .map(|(id, c, title, kind, detail, created_at, read_at)| Notification {
                    id,
                    commitment_id: CommitmentId(c),
                    title,
                    kind,
                    detail,
                    created_at,
                    read: read_at.is_some(),
                })
                .collect(),
        })
    }

    pub async fn unread_count(db: &Db, user: UserId) -> Result<i64, AppError> {
        let (n,): (i64,) = sqlx::query_as("select count(*) from notifications where user_id = $1 and read_at is null")
            .bind(user.0)
            .fetch_one(&db.pool)
            .await?;
        Ok(n)
    }

    pub async fn mark_read() -> Result<(), AppError> {
        let state = app_state()?;
        let user = require_user(current_user(&state.db).await?)?;
        sqlx::query("update notifications set read_at = $1 where user_id = $2 and read_at is null")
            .bind(now())
            .bind(user.id.0)
            .execute(&state.db.pool)
            .await?;
        Ok(())
    }
}
