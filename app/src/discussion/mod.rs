//! The discussion of an objective: threaded comments (three levels) with a stance for,
//! against or neutral. Authors edit for 15 minutes and may delete (a placeholder keeps the
//! replies in place). Long discussions are paginated by thread.
pub mod api;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
pub mod texts;

use crate::error::ErrorCode;
use crate::ids::{CommentId, UserId};
use crate::moderation::Moderation;
use serde::{Deserialize, Serialize};

pub const COMMENT_MAX: usize = 5_000;
/// Depth of a reply to a reply: the deepest level (three levels in all).
pub const MAX_DEPTH: i64 = 2;
pub const EDIT_WINDOW_SECS: i64 = 15 * 60;
/// Top-level comments per page (each with all its replies).
pub const THREADS_PER_PAGE: i64 = 30;

text_enum! {
    /// Where a comment stands on the objective.
    pub enum Stance { For = "for", Against = "against", Neutral = "neutral" }
}

/// Depth of a new comment under a parent of `parent_depth`, if replies may go that deep.
pub fn reply_depth(parent_depth: Option<i64>) -> Result<i64, ErrorCode> {
    match parent_depth {
        None => Ok(0),
        Some(d) if d < MAX_DEPTH => Ok(d + 1),
        Some(_) => Err(ErrorCode::ReplyTooDeep),
    }
}

/// An author may edit a comment for 15 minutes after posting it.
pub fn editable(created_at: i64, now: i64) -> bool {
    now - created_at <= EDIT_WINDOW_SECS
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub author_id: UserId,
    pub author: String,
    pub depth: i64,
    pub stance: Stance,
    pub body_md: String,
    /// Empty when deleted or hidden.
    pub body_html: String,
    pub moderation: Moderation,
    pub created_at: i64,
    pub edited: bool,
    pub deleted: bool,
    /// Whether the viewer wrote it.
    pub own: bool,
    /// Until when the viewer (its author) may still edit it.
    pub editable_until: Option<i64>,
    pub replies: Vec<Comment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StanceCounts {
    pub for_: i64,
    pub against: i64,
    pub neutral: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discussion {
    pub threads: Vec<Comment>,
    pub counts: StanceCounts,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub open: bool,
}

/// Arranges comments (sorted by creation) into threads: each reply under its parent. A
/// reply whose parent is missing from the slice is dropped rather than shown out of place.
pub fn build_threads(flat: Vec<(Option<CommentId>, Comment)>) -> Vec<Comment> {
    use std::collections::HashMap;
    let mut children: HashMap<CommentId, Vec<Comment>> = HashMap::new();
    let mut roots = Vec::new();
    // Deepest first, so that a comment has collected its replies before it is attached.
    let mut flat = flat;
    flat.sort_by_key(|(_, c)| (std::cmp::Reverse(c.depth), c.created_at, c.id));
    for (parent, mut c) in flat {
        if let Some(mut replies) = children.remove(&c.id) {
            replies.sort_by_key(|r| (r.created_at, r.id));
            c.replies = replies;
        }
        match parent {
            Some(p) => children.entry(p).or_default().push(c),
            None => roots.push(c),
        }
    }
    roots.sort_by_key(|r| (r.created_at, r.id));
    roots
}

/// A recent comment on the objective under discussion, for the live page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LiveComment {
    pub author: String,
    pub stance: Stance,
    /// Sanitised when it was saved.
    pub html: String,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, depth: i64, at: i64) -> Comment {
        Comment {
            id: CommentId(id),
            author_id: UserId(1),
            author: "A".into(),
            depth,
            stance: Stance::Neutral,
            body_md: String::new(),
            body_html: String::new(),
            moderation: Moderation::Visible,
            created_at: at,
            edited: false,
            deleted: false,
            own: false,
            editable_until: None,
            replies: vec![],
        }
    }

    #[test]
    fn replies_go_three_levels_deep_and_no_further() {
        assert_eq!(reply_depth(None), Ok(0));
        assert_eq!(reply_depth(Some(0)), Ok(1));
        assert_eq!(reply_depth(Some(1)), Ok(2));
        assert_eq!(reply_depth(Some(2)), Err(ErrorCode::ReplyTooDeep));
    }

    #[test]
    fn edit_window_is_fifteen_minutes() {
        assert!(editable(1000, 1000 + 900));
        assert!(!editable(1000, 1000 + 901));
    }

    #[test]
    fn threads_nest_replies_under_their_parents_in_order() {
        let flat = vec![
            (None, c(1, 0, 10)),
            (Some(CommentId(1)), c(3, 1, 30)),
            (None, c(2, 0, 20)),
            (Some(CommentId(3)), c(4, 2, 40)),
            (Some(CommentId(1)), c(5, 1, 25)),
            (Some(CommentId(99)), c(6, 1, 50)),
        ];
        let threads = build_threads(flat);
        let ids: Vec<i64> = threads.iter().map(|t| t.id.0).collect();
        assert_eq!(ids, vec![1, 2]);
        let replies: Vec<i64> = threads[0].replies.iter().map(|r| r.id.0).collect();
        assert_eq!(replies, vec![5, 3], "replies in posting order");
        assert_eq!(threads[0].replies[1].replies[0].id, CommentId(4));
        assert!(threads[1].replies.is_empty());
    }

    #[test]
    fn stances_parse() {
        assert_eq!(Stance::parse("against"), Ok(Stance::Against));
        assert_eq!(Stance::parse("maybe"), Err(ErrorCode::InvalidChoice));
        assert_eq!(Stance::parse(""), Err(ErrorCode::Required));
    }
}
