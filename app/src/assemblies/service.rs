//! Assemblies' use cases: listing them (public), creating one, and inviting people one by
//! one or from a CSV of members (admins). An invitation's link is shown once, at creation.
use super::import::{CsvRow, ImportedRow};
use super::store::{self, NewAssembly, NewInvitation};
use super::{
    parse_assembly_name, parse_description, parse_town, parse_valid_days, Assembly, CreatedInvitation, Invitation,
};
use crate::accounts::session::{hash_token, new_token};
use crate::accounts::DisplayName;
use crate::audit::store::{record_at, Event};
use crate::context::{Ctx, Tx};
use crate::error::{AppError, ErrorCode, Validator};
use crate::guard::{Actor, Role};
use crate::ids::{AssemblyId, InvitationId};
use serde_json::json;

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Ctx, only: Option<AssemblyId>) -> Result<Vec<Assembly>, AppError> {
    let rows = store::assemblies(&ctx.db, only).await?;
    let sittings = store::open_sittings(&ctx.db).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let next = sittings.iter().find(|s| s.assembly_id == a.id).map(|s| (s.id, s.title.clone(), s.starts_at));
            Assembly {
                id: a.id,
                name: a.name,
                town: a.town,
                description: a.description,
                member_count: a.member_count,
                next_sitting: next,
            }
        })
        .collect())
}

pub async fn get(ctx: &Ctx, id: AssemblyId) -> Result<Assembly, AppError> {
    list(ctx, Some(id)).await?.pop().ok_or(AppError::User(ErrorCode::NotFound))
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    name: &str,
    town: &str,
    description: &str,
) -> Result<AssemblyId, AppError> {
    actor.must_be_admin()?;
    let mut v = Validator::default();
    let name = v.check("name", parse_assembly_name(name));
    let town = v.check("town", parse_town(town));
    let description = v.check("description", parse_description(description));
    let (name, town, description) = v.finish_with((name, town, description))?;
    let mut tx = ctx.begin().await?;
    let assembly = NewAssembly { name: &name, town: &town, description: &description };
    let id = store::insert_assembly(&mut tx, &assembly, actor.id(), now).await?;
    let event = Event::new(actor.id(), id, "assembly.create", ("assembly", id.0))
        .details(json!({ "name": name, "town": town }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn require_assembly(ctx: &Ctx, id: AssemblyId) -> Result<(), AppError> {
    if store::exists(&ctx.db, id).await? {
        Ok(())
    } else {
        Err(AppError::User(ErrorCode::NotFound))
    }
}

/// Whom an invitation is for, and until when.
struct Invitee<'a> {
    assembly: AssemblyId,
    role: Role,
    name: Option<&'a str>,
    email: Option<&'a str>,
    expires_at: i64,
}

/// One invitation; returns its id and link (the token is never stored in clear).
async fn invite(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    who: Invitee<'_>,
) -> Result<(InvitationId, String), AppError> {
    let token = new_token();
    let hash = hash_token(&token);
    let invitation = NewInvitation {
        assembly: who.assembly,
        role: who.role,
        token_hash: &hash,
        invitee_name: who.name,
        invitee_email: who.email,
        created_by: actor.id(),
        expires_at: who.expires_at,
    };
    let id = store::insert_invitation(tx, &invitation, now).await?;
    Ok((id, format!("{}/invitation/{token}", ctx.config.public_url)))
}

#[tracing::instrument(skip_all)]
pub async fn create_invitation(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    role: &str,
    invitee_name: &str,
    valid_days: &str,
) -> Result<CreatedInvitation, AppError> {
    actor.must_be_admin()?;
    require_assembly(ctx, assembly).await?;
    let mut v = Validator::default();
    let role = v.check("role", Role::parse(role));
    let invitee = if invitee_name.trim().is_empty() {
        Some(None)
    } else {
        v.check("invitee_name", DisplayName::parse(invitee_name)).map(|n| Some(n.into_inner()))
    };
    let days = v.check("valid_days", parse_valid_days(valid_days));
    let (role, invitee, days) = v.finish_with((role, invitee, days))?;
    let expires_at = now + days * 24 * 3600;
    let mut tx = ctx.begin().await?;
    let who = Invitee { assembly, role, name: invitee.as_deref(), email: None, expires_at };
    let (id, link) = invite(&mut tx, ctx, actor, now, who).await?;
    let event = Event::new(actor.id(), assembly, "invitation.create", ("invitation", id.0))
        .details(json!({ "role": role.as_str(), "days": days }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(CreatedInvitation { link, role, invitee_name: invitee, expires_at })
}

#[tracing::instrument(skip_all)]
pub async fn list_invitations(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
) -> Result<Vec<Invitation>, AppError> {
    actor.must_be_admin()?;
    require_assembly(ctx, assembly).await?;
    store::invitations(&ctx.db, assembly, now).await
}

#[tracing::instrument(skip_all)]
pub async fn revoke_invitation(ctx: &Ctx, actor: &Actor, now: i64, id: InvitationId) -> Result<(), AppError> {
    actor.must_be_admin()?;
    let mut tx = ctx.begin().await?;
    let assembly = store::revoke_invitation(&mut tx, id, now).await?.ok_or(AppError::User(ErrorCode::NotFound))?;
    record_at(&mut tx, Event::new(actor.id(), assembly, "invitation.revoke", ("invitation", id.0)), now).await?;
    tx.commit().await?;
    Ok(())
}

/// Invites every accepted row of a members' CSV, in one transaction (audited once).
#[tracing::instrument(skip_all)]
pub async fn import_members(
    ctx: &Ctx,
    actor: &Actor,
    now: i64,
    assembly: AssemblyId,
    role: Role,
    days: i64,
    rows: Vec<CsvRow>,
) -> Result<Vec<ImportedRow>, AppError> {
    actor.must_be_admin()?;
    require_assembly(ctx, assembly).await?;
    let expires_at = now + days * 24 * 3600;
    let mut tx = ctx.begin().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let link = match &row.verdict {
            Ok((name, email)) => {
                let who = Invitee { assembly, role, name: Some(name.as_str()), email: email.as_deref(), expires_at };
                Ok(invite(&mut tx, ctx, actor, now, who).await?.1)
            }
            Err(code) => Err(*code),
        };
        out.push(ImportedRow { row, link });
    }
    let accepted = out.iter().filter(|r| r.link.is_ok()).count();
    let event = Event::new(actor.id(), assembly, "invitation.import", ("assembly", assembly.0))
        .details(json!({ "role": role.as_str(), "accepted": accepted, "rejected": out.len() - accepted }));
    record_at(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(out)
}

/// The assembly's name and support threshold; not found if there is none. Other domains
/// ask here rather than read the assemblies table themselves.
pub async fn name_and_threshold(ctx: &Ctx, assembly: AssemblyId) -> Result<(String, i64), AppError> {
    store::name_and_threshold(&ctx.db, assembly).await?.ok_or(AppError::User(ErrorCode::NotFound))
}
