//! Replays `content.rs`: each objective proposed (or kept as a draft) by its author, then,
//! in the order they happened, its supports, comments and replies, the reports on a comment
//! and the facilitator hiding it, the discussion opened or the objective withdrawn — each
//! through the app's use case, as the person who did it, at the time they did it.
use super::content::{DemoObjective, OBJECTIVES, SUPPORT_THRESHOLD};
use super::{fail, Demo, FOUNDED};
use app::discussion::service as discussion;
use app::ids::{CommentId, ObjectiveId};
use app::moderation::service as moderation;
use app::objectives::service as objectives;
use app::objectives::{Status, Step};
use std::collections::HashMap;

/// Who opens the discussions and sets the threshold.
const FACILITATOR: &str = "animation";

#[derive(Default)]
pub struct Counts {
    /// Each objective's id, by title.
    pub ids: HashMap<&'static str, ObjectiveId>,
    pub objectives: usize,
    pub supports: usize,
    pub comments: usize,
    pub hidden: usize,
}

/// What happened to a published objective, by index in its lists.
enum Act {
    Support(&'static str),
    Comment(usize),
    /// (comment, report)
    Report(usize, usize),
    Hide(usize),
    /// Left "proposed": the discussion opened, or withdrawn.
    Status,
}

pub async fn load(demo: &Demo) -> anyhow::Result<Counts> {
    // The facilitator sets the threshold the morning after everyone joined.
    let at = demo.clock.at(FOUNDED - 1, 9 * 60 + 40);
    objectives::set_threshold(&demo.ctx, demo.person(FACILITATOR)?, at, demo.assembly, &SUPPORT_THRESHOLD.to_string())
        .await
        .map_err(fail)?;
    let mut counts = Counts::default();
    for (i, o) in OBJECTIVES.iter().enumerate() {
        // Published during the day: one to nine hours before a round number of days.
        let published = demo.clock.now - o.days_ago * 86_400 - (i as i64 * 7 % 9 + 1) * 3600;
        let id = propose(demo, o, published).await?;
        counts.ids.insert(o.title, id);
        counts.objectives += 1;
        counts.supports += o.supporters.len();
        counts.comments += o.comments.len();
        counts.hidden += o.comments.iter().filter(|c| c.moderation.is_some()).count();
        let mut replay = Replay { demo, o, id, comments: vec![None; o.comments.len()] };
        for (at, act) in story(demo, o, published)? {
            replay.act(at, act).await?;
        }
    }
    Ok(counts)
}

async fn propose(demo: &Demo, o: &DemoObjective, at: i64) -> anyhow::Result<ObjectiveId> {
    let form = objectives::Form { title: o.title, body: o.body, channel: o.channel.as_str(), target: o.target };
    let publish = o.status != Status::Draft;
    objectives::create(&demo.ctx, demo.person(o.author)?, at, demo.assembly, &form, publish)
        .await
        .map_err(|e| anyhow::anyhow!("demo objective {:?}: {e}", o.title))
}

/// Everything after publication, oldest first (a reply always follows its parent, a report
/// its comment, the hiding its reports: `content.rs` checks it).
fn story(demo: &Demo, o: &DemoObjective, published: i64) -> anyhow::Result<Vec<(i64, Act)>> {
    let at = |minutes: i64| demo.clock.past(published + minutes * 60);
    let mut acts: Vec<(i64, Act)> = Vec::new();
    for (j, login) in o.supporters.iter().enumerate() {
        acts.push((at(10 + j as i64 * 170), Act::Support(login)));
    }
    for (k, c) in o.comments.iter().enumerate() {
        acts.push((at(c.minutes), Act::Comment(k)));
        if let Some(m) = c.moderation {
            for (r, report) in m.reports.iter().enumerate() {
                acts.push((at(report.minutes), Act::Report(k, r)));
            }
            acts.push((at(m.minutes), Act::Hide(k)));
        }
    }
    match o.status {
        Status::InDiscussion => acts.push((at(2 * 1440), Act::Status)),
        Status::Withdrawn => acts.push((at(4 * 1440), Act::Status)),
        Status::Proposed | Status::Draft => {}
        other => anyhow::bail!("demo content: {:?} cannot start {other}", o.title),
    }
    // Stable: what happened at the same minute keeps the content's order.
    acts.sort_by_key(|(at, _)| *at);
    Ok(acts)
}

struct Replay<'a> {
    demo: &'a Demo,
    o: &'static DemoObjective,
    id: ObjectiveId,
    /// The comments posted so far, by index in `o.comments`.
    comments: Vec<Option<CommentId>>,
}

impl Replay<'_> {
    fn comment(&self, k: usize) -> anyhow::Result<CommentId> {
        let found = self.comments.get(k).copied().flatten();
        found.ok_or_else(|| anyhow::anyhow!("demo content: {:?} comment {k} is not posted yet", self.o.title))
    }

    async fn act(&mut self, at: i64, act: Act) -> anyhow::Result<()> {
        let (demo, o, ctx) = (self.demo, self.o, &self.demo.ctx);
        match act {
            Act::Support(login) => {
                objectives::support(ctx, demo.person(login)?, at, self.id, true).await.map_err(fail)?;
            }
            Act::Comment(k) => {
                let c = &o.comments[k];
                let parent = c.replies_to.map(|p| self.comment(p)).transpose()?;
                let text = (c.stance.as_str(), c.body);
                let id = discussion::add(ctx, demo.person(c.author)?, at, self.id, parent, text)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo content: {:?} comment {k}: {e}", o.title))?;
                self.comments[k] = Some(id);
            }
            Act::Report(k, r) => {
                let report =
                    &o.comments[k].moderation.ok_or_else(|| anyhow::anyhow!("demo: no moderation"))?.reports[r];
                let target = format!("comment-{}", self.comment(k)?.0);
                let reporter = demo.person(report.reporter)?;
                moderation::report(ctx, reporter, at, &target, report.reason, report.details).await.map_err(fail)?;
            }
            Act::Hide(k) => {
                let m = o.comments[k].moderation.ok_or_else(|| anyhow::anyhow!("demo: no moderation"))?;
                let items = [format!("comment-{}", self.comment(k)?.0)];
                let form = ("hide", m.reason, m.note);
                moderation::moderate(ctx, demo.person(m.moderator)?, at, demo.assembly, &items, form)
                    .await
                    .map_err(fail)?;
            }
            Act::Status => {
                let (who, step) = match o.status {
                    Status::InDiscussion => (FACILITATOR, Step::OpenDiscussion),
                    _ => (o.author, Step::Withdraw),
                };
                objectives::change_status(ctx, demo.person(who)?, at, self.id, step.as_str()).await.map_err(fail)?;
            }
        }
        Ok(())
    }
}
