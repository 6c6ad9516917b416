//! Assembly and invitation server functions. Reading is public; changing is for admins.
use super::{Assembly, CreatedInvitation, Invitation};
#[cfg(feature = "ssr")]
use crate::error::ssr::finish;
use crate::error::AppError;
use crate::ids::AssemblyId;
#[cfg(feature = "ssr")]
use crate::ids::InvitationId;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_assemblies")]
pub async fn list_assemblies() -> Result<Vec<Assembly>, AppError> {
    finish(ssr::list(None).await, &[])
}

#[server(prefix = "/api", endpoint = "get_assembly")]
pub async fn get_assembly(id: i64) -> Result<Assembly, AppError> {
    let result = ssr::list(Some(AssemblyId(id)))
        .await
        .and_then(|mut v| v.pop().ok_or(AppError::User(crate::error::ErrorCode::NotFound)));
    finish(result, &[])
}

#[server(prefix = "/api", endpoint = "create_assembly")]
pub async fn create_assembly(name: String, town: String, description: String) -> Result<AssemblyId, AppError> {
    let result = ssr::create(&name, &town, &description).await;
    finish(result, &[("name", &name), ("town", &town), ("description", &description)])
}

#[server(prefix = "/api", endpoint = "create_invitation")]
pub async fn create_invitation(
    assembly_id: i64,
    role: String,
    invitee_name: String,
    valid_days: String,
) -> Result<CreatedInvitation, AppError> {
    let result = ssr::create_invitation(AssemblyId(assembly_id), &role, &invitee_name, &valid_days).await;
    finish(result, &[("role", &role), ("invitee_name", &invitee_name), ("valid_days", &valid_days)])
}

#[server(prefix = "/api", endpoint = "list_invitations")]
pub async fn list_invitations(assembly_id: i64) -> Result<Vec<Invitation>, AppError> {
    finish(ssr::list_invitations(AssemblyId(assembly_id)).await, &[])
}

#[server(prefix = "/api", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: i64) -> Result<(), AppError> {
    finish(ssr::revoke_invitation(InvitationId(invitation_id)).await, &[])
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::accounts::session::{current_user, hash_token, new_token};
    use crate::accounts::{permissions, DisplayName, Role};
    use crate::assemblies::{parse_assembly_name, parse_description, parse_town, parse_valid_days, InvitationStatus};
    use crate::audit::ssr::{record, Event};
    use crate::db::now;
    use crate::error::{ErrorCode, Validator};
    use crate::ids::UserId;
    use crate::state::app_state;
    use serde_json::json;

    #[tracing::instrument(skip_all)]
    pub async fn list(only: Option<AssemblyId>) -> Result<Vec<Assembly>, AppError> {
        let state = app_state()?;
        let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "select a.id, a.name, a.town, a.description, \
             (select count(distinct m.user_id) from memberships m join users u on u.id = m.user_id where m.assembly_id = a.id and u.disabled = 0) \
             from assemblies a where ($1 = 0 or a.id = $1) order by a.created_at desc, a.id desc",
        )
        .bind(only.map_or(0, |a| a.0))
        .fetch_all(&state.db.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, town, description, member_count) in rows {
            let next_sitting: Option<(i64, String, i64)> = sqlx::query_as(
                "select id, title, starts_at from sittings where assembly_id = $1 and status <> 'closed' \
                 order by status = 'live' desc, starts_at limit 1",
            )
            .bind(id)
            .fetch_optional(&state.db.pool)
            .await?;
            out.push(Assembly {
                id: AssemblyId(id),
                name,
                town,
                description,
                member_count,
                next_sitting: next_sitting.map(|(s, t, at)| (crate::ids::SittingId(s), t, at)),
            });
        }
        Ok(out)
    }

    #[tracing::instrument(skip_all)]
    pub async fn create(name: &str, town: &str, description: &str) -> Result<AssemblyId, AppError> {
        let state = app_state()?;
        let admin = permissions::require_admin(current_user(&state.db).await?)?;
        let mut v = Validator::default();
        let name = v.check("name", parse_assembly_name(name));
        let town = v.check("town", parse_town(town));
        let description = v.check("description", parse_description(description));
        v.finish()?;
        let (Some(name), Some(town), Some(description)) = (name, town, description) else {
            return Err(AppError::Internal);
        };
        let mut tx = state.db.pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "insert into assemblies (name, town, description, created_by, created_at) values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(&name)
        .bind(&town)
        .bind(&description)
        .bind(admin.id.0)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        record(
            &mut tx,
            Event {
                actor: Some(admin.id),
                assembly: Some(AssemblyId(id)),
                action: "assembly.create",
                target_type: "assembly",
                target_id: Some(id),
                details: json!({ "name": name, "town": town }),
            },
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/assemblies/{id}"));
        Ok(AssemblyId(id))
    }

    #[tracing::instrument(skip_all)]
    pub async fn require_assembly(db: &crate::db::Db, id: AssemblyId) -> Result<(), AppError> {
        let found: Option<(i64,)> =
            sqlx::query_as("select id from assemblies where id = $1").bind(id.0).fetch_optional(&db.pool).await?;
        found.map(|_| ()).ok_or(AppError::User(ErrorCode::NotFound))
    }

    /// Inserts one invitation and returns its link (the token is never stored in clear).
    #[tracing::instrument(skip_all)]
    pub async fn insert_invitation(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        public_url: &str,
        assembly: AssemblyId,
        role: Role,
        invitee: (Option<&str>, Option<&str>),
        created_by: UserId,
        expires_at: i64,
    ) -> Result<(InvitationId, String), AppError> {
        let token = new_token();
        let (id,): (i64,) = sqlx::query_as(
            "insert into invitations (assembly_id, role, token_hash, invitee_name, invitee_email, created_by, created_at, expires_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(assembly.0)
        .bind(role.as_str())
        .bind(hash_token(&token))
        .bind(invitee.0)
        .bind(invitee.1)
        .bind(created_by.0)
        .bind(now())
        .bind(expires_at)
        .fetch_one(&mut **tx)
        .await?;
        Ok((InvitationId(id), format!("{public_url}/invitation/{token}")))
    }

    #[tracing::instrument(skip_all)]
    pub async fn create_invitation(
        assembly: AssemblyId,
        role: &str,
        invitee_name: &str,
        valid_days: &str,
    ) -> Result<CreatedInvitation, AppError> {
        let state = app_state()?;
        let admin = permissions::require_admin(current_user(&state.db).await?)?;
        require_assembly(&state.db, assembly).await?;
        let mut v = Validator::default();
        let role = v.check("role", Role::parse(role));
        let invitee = if invitee_name.trim().is_empty() {
            Some(None)
        } else {
            v.check("invitee_name", DisplayName::parse(invitee_name)).map(|n| Some(n.into_inner()))
        };
        let days = v.check("valid_days", parse_valid_days(valid_days));
        v.finish()?;
        let (Some(role), Some(invitee), Some(days)) = (role, invitee, days) else { return Err(AppError::Internal) };
        let expires_at = now() + days * 24 * 3600;
        let mut tx = state.db.pool.begin().await?;
        let (id, link) = insert_invitation(
            &mut tx,
            &state.config.public_url,
            assembly,
            role,
            (invitee.as_deref(), None),
            admin.id,
            expires_at,
        )
        .await?;
        record(
            &mut tx,
            Event {
                actor: Some(admin.id),
                assembly: Some(assembly),
                action: "invitation.create",
                target_type: "invitation",
                target_id: Some(id.0),
                details: json!({ "role": role.as_str(), "days": days }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedInvitation { link, role, invitee_name: invitee, expires_at })
    }

    #[tracing::instrument(skip_all)]
    pub async fn list_invitations(assembly: AssemblyId) -> Result<Vec<Invitation>, AppError> {
        let state = app_state()?;
        permissions::require_admin(current_user(&state.db).await?)?;
        require_assembly(&state.db, assembly).await?;
        type InvitationRow = (i64, String, Option<String>, i64, i64, Option<i64>, Option<i64>, Option<String>);
        let rows: Vec<InvitationRow> = sqlx::query_as(
            "select i.id, i.role, i.invitee_name, i.created_at, i.expires_at, i.used_at, i.revoked_at, u.display_name \
             from invitations i left join users u on u.id = i.used_by where i.assembly_id = $1 order by i.id desc limit 500",
        )
        .bind(assembly.0)
        .fetch_all(&state.db.pool)
        .await?;
        let now = now();
        rows.into_iter()
            .map(|(id, role, invitee_name, created_at, expires_at, used_at, revoked_at, used_by)| {
                Ok(Invitation {
                    id: InvitationId(id),
                    role: Role::parse(&role).map_err(|_| AppError::Internal)?,
                    invitee_name,
                    created_at,
                    expires_at,
                    status: InvitationStatus::of(expires_at, used_at, revoked_at, now),
                    used_by,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all)]
    pub async fn revoke_invitation(id: InvitationId) -> Result<(), AppError> {
        let state = app_state()?;
        let admin = permissions::require_admin(current_user(&state.db).await?)?;
        let mut tx = state.db.pool.begin().await?;
        let row: Option<(i64,)> = sqlx::query_as(
            "update invitations set revoked_at = $1 where id = $2 and used_at is null and revoked_at is null returning assembly_id",
        )
        .bind(now())
        .bind(id.0)
        .fetch_optional(&mut *tx)
        .await?;
        let (assembly,) = row.ok_or(AppError::User(ErrorCode::NotFound))?;
        record(
            &mut tx,
            Event {
                actor: Some(admin.id),
                assembly: Some(AssemblyId(assembly)),
                action: "invitation.revoke",
                target_type: "invitation",
                target_id: Some(id.0),
                details: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
