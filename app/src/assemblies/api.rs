//! Assembly and invitation server functions. Reading is public; changing is for admins.
#[cfg(feature = "ssr")]
use super::service;
use super::{Assembly, CreatedInvitation, Invitation};
#[cfg(feature = "ssr")]
use crate::context::call;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::forms::finish;
use crate::ids::{AssemblyId, InvitationId};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_assemblies")]
pub async fn list_assemblies() -> Result<Vec<Assembly>, AppError> {
    let c = call()?;
    finish(service::list(&c.ctx, None).await, &[])
}

#[server(prefix = "/api", endpoint = "get_assembly")]
pub async fn get_assembly(id: AssemblyId) -> Result<Assembly, AppError> {
    let c = call()?;
    finish(service::get(&c.ctx, id).await, &[])
}

#[server(prefix = "/api", endpoint = "create_assembly")]
pub async fn create_assembly(name: String, town: String, description: String) -> Result<AssemblyId, AppError> {
    let c = call()?;
    let result = service::create(&c.ctx, &c.actor, c.now, &name, &town, &description).await;
    let result = result.inspect(|id| leptos_axum::redirect(&format!("/admin/assemblies/{id}")));
    finish(result, &[("name", &name), ("town", &town), ("description", &description)])
}

#[server(prefix = "/api", endpoint = "create_invitation")]
pub async fn create_invitation(
    assembly_id: AssemblyId,
    role: String,
    invitee_name: String,
    valid_days: String,
) -> Result<CreatedInvitation, AppError> {
    let c = call()?;
    let result =
        service::create_invitation(&c.ctx, &c.actor, c.now, assembly_id, &role, &invitee_name, &valid_days).await;
    finish(result, &[("role", &role), ("invitee_name", &invitee_name), ("valid_days", &valid_days)])
}

#[server(prefix = "/api", endpoint = "list_invitations")]
pub async fn list_invitations(assembly_id: AssemblyId) -> Result<Vec<Invitation>, AppError> {
    let c = call()?;
    finish(service::list_invitations(&c.ctx, &c.actor, c.now, assembly_id).await, &[])
}

#[server(prefix = "/api", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(invitation_id: InvitationId) -> Result<(), AppError> {
    let c = call()?;
    finish(service::revoke_invitation(&c.ctx, &c.actor, c.now, invitation_id).await, &[])
}
