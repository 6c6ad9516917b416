//! Who is acting, and what they may do. The acting person (`Actor`) carries their roles;
//! the checks read as sentences (`actor.moderates(assembly)`, `actor.must_take_part_in(…)`)
//! and every domain uses these, so a rule about roles lives in one place. Pure and compiled
//! for the browser too (menus mirror the same rules); what needs the database — whether a
//! member is suspended — is in `store`, and runs inside the transaction that writes.
#[cfg(feature = "ssr")]
pub mod store;

use crate::error::{AppError, ErrorCode};
use crate::ids::{AssemblyId, UserId};
use serde::{Deserialize, Serialize};

crate::text_enum! {
    /// A person's role in an assembly; `admin` is platform-wide.
    pub enum Role { Member = "member", Facilitator = "facilitator", Staff = "staff", Admin = "admin" }
}

impl Role {
    /// Roles held within one assembly (admin is platform-wide).
    pub const ASSEMBLY: [Role; 3] = [Role::Member, Role::Facilitator, Role::Staff];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    pub assembly_id: AssemblyId,
    pub assembly_name: String,
    pub role: Role,
}

/// Someone named on a page (a speaker, a proxy holder, a voter of a public round).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
}

/// The signed-in person, as the server saw them at the start of this request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: UserId,
    pub display_name: String,
    pub login: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub memberships: Vec<Membership>,
    /// Notifications not yet read (shown in the menu).
    #[serde(default)]
    pub unread: i64,
}

impl SessionUser {
    pub fn has_role(&self, assembly: AssemblyId, role: Role) -> bool {
        match role {
            Role::Admin => self.is_admin,
            _ => self.memberships.iter().any(|m| m.assembly_id == assembly && m.role == role),
        }
    }

    pub fn has_any_role(&self, role: Role) -> bool {
        match role {
            Role::Admin => self.is_admin,
            _ => self.memberships.iter().any(|m| m.role == role),
        }
    }

    /// Members and facilitators take part in their assembly: propose, support, comment,
    /// report, vote (unless suspended, which the server checks against the database).
    pub fn takes_part_in(&self, assembly: AssemblyId) -> bool {
        self.has_role(assembly, Role::Member) || self.has_role(assembly, Role::Facilitator)
    }

    /// Facilitators run the sittings of their assembly.
    pub fn facilitates(&self, assembly: AssemblyId) -> bool {
        self.has_role(assembly, Role::Facilitator)
    }

    /// Facilitators moderate their assembly; admins may step in anywhere.
    pub fn moderates(&self, assembly: AssemblyId) -> bool {
        self.is_admin || self.facilitates(assembly)
    }

    /// Staff publish and follow their assembly's commitments; admins may too.
    pub fn works_for(&self, assembly: AssemblyId) -> bool {
        self.is_admin || self.has_role(assembly, Role::Staff)
    }
}

/// On whose behalf a use case runs: someone signed in, a visitor, or the system itself (a
/// background job closing a round at its time). Services take it explicitly, so the same
/// use case runs from a page, the command line, the demo loader and a test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    Anonymous,
    Person(SessionUser),
    System,
}

impl Actor {
    pub fn from_user(user: Option<SessionUser>) -> Self {
        user.map_or(Actor::Anonymous, Actor::Person)
    }

    pub fn user(&self) -> Option<&SessionUser> {
        match self {
            Actor::Person(u) => Some(u),
            _ => None,
        }
    }

    /// The person's id, for the audit log (`None`: a visitor or the system).
    pub fn id(&self) -> Option<UserId> {
        self.user().map(|u| u.id)
    }

    /// The signed-in person, or `unauthenticated`.
    pub fn signed_in(&self) -> Result<&SessionUser, AppError> {
        self.user().ok_or(AppError::User(ErrorCode::Unauthenticated))
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Actor::System) || self.user().is_some_and(|u| u.is_admin)
    }

    pub fn takes_part_in(&self, assembly: AssemblyId) -> bool {
        self.user().is_some_and(|u| u.takes_part_in(assembly))
    }

    pub fn facilitates(&self, assembly: AssemblyId) -> bool {
        matches!(self, Actor::System) || self.user().is_some_and(|u| u.facilitates(assembly))
    }

    pub fn moderates(&self, assembly: AssemblyId) -> bool {
        matches!(self, Actor::System) || self.user().is_some_and(|u| u.moderates(assembly))
    }

    pub fn works_for(&self, assembly: AssemblyId) -> bool {
        matches!(self, Actor::System) || self.user().is_some_and(|u| u.works_for(assembly))
    }

    /// `Ok` when `allowed`; otherwise `unauthenticated` for a visitor (signing in may help)
    /// and `forbidden` for anyone else.
    pub fn must(&self, allowed: bool) -> Result<(), AppError> {
        match (allowed, self) {
            (true, _) => Ok(()),
            (false, Actor::Anonymous) => Err(AppError::User(ErrorCode::Unauthenticated)),
            (false, _) => Err(AppError::User(ErrorCode::Forbidden)),
        }
    }

    pub fn must_be_admin(&self) -> Result<(), AppError> {
        self.must(self.is_admin())
    }

    pub fn must_moderate(&self, assembly: AssemblyId) -> Result<(), AppError> {
        self.must(self.moderates(assembly))
    }

    pub fn must_facilitate(&self, assembly: AssemblyId) -> Result<(), AppError> {
        self.must(self.facilitates(assembly))
    }

    pub fn must_work_for(&self, assembly: AssemblyId) -> Result<(), AppError> {
        self.must(self.works_for(assembly))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role, assembly: i64) -> SessionUser {
        SessionUser {
            id: UserId(1),
            display_name: "A".into(),
            login: "a".into(),
            email: None,
            is_admin: false,
            memberships: vec![Membership { assembly_id: AssemblyId(assembly), assembly_name: "X".into(), role }],
            unread: 0,
        }
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert_eq!(Role::parse("superuser"), Err(ErrorCode::InvalidChoice));
    }

    #[test]
    fn role_checks_are_per_assembly_and_admin_is_global() {
        let facilitator = Actor::Person(person(Role::Facilitator, 1));
        assert!(facilitator.moderates(AssemblyId(1)) && facilitator.takes_part_in(AssemblyId(1)));
        assert!(!facilitator.moderates(AssemblyId(2)));
        assert!(!facilitator.works_for(AssemblyId(1)));
        assert_eq!(facilitator.must_be_admin(), Err(AppError::User(ErrorCode::Forbidden)));
        assert_eq!(Actor::Anonymous.must_be_admin(), Err(AppError::User(ErrorCode::Unauthenticated)));
        let staff = Actor::Person(person(Role::Staff, 1));
        assert!(staff.works_for(AssemblyId(1)) && !staff.takes_part_in(AssemblyId(1)));
        let admin = Actor::Person(SessionUser { is_admin: true, ..person(Role::Member, 3) });
        assert!(admin.moderates(AssemblyId(9)) && admin.works_for(AssemblyId(9)) && admin.must_be_admin().is_ok());
        assert!(!admin.takes_part_in(AssemblyId(9)), "admins do not vote or propose where they are not members");
        assert!(Actor::System.must_moderate(AssemblyId(1)).is_ok());
    }
}
