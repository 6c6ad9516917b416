//! Announcing changes to the live pages (server side). Events name a sitting and a topic;
//! a change to an objective reaches the sittings discussing it right now.
use super::{store, LiveEvent, Topic};
use crate::context::Ctx;
use crate::ids::{ObjectiveId, SittingId};

/// Tells the pages of `sitting` that `topic` changed.
pub async fn announce(ctx: &Ctx, sitting: SittingId, topic: Topic) {
    ctx.events.publish(&ctx.db, LiveEvent { sitting: sitting.0, topic }).await;
}

/// Tells the pages of the sittings discussing `objective` right now that `topic` changed.
/// Best effort, like every announcement: the change is committed, and a page that misses
/// the event still shows it at its next refresh.
pub async fn announce_objective(ctx: &Ctx, objective: ObjectiveId, topic: Topic) {
    for sitting in store::sittings_showing(&ctx.db, objective).await.unwrap_or_default() {
        announce(ctx, sitting, topic).await;
    }
}
