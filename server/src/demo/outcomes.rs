//! Replays `commitments.rs` through `app::commitments::service`, in the order things happened
//! across all the commitments: the staff publish each adopted objective as a commitment
//! (linked by the service to the round that adopted it), add its milestones and indicators,
//! enter the monthly measurements, tick milestones off on the day they were done, change a
//! status, a target date or the declared progress, post updates. The service notifies the
//! objective's author and supporters; they read their notifications the next day, except
//! one who never signs in, and nobody has read the last month's yet. In one timeline,
//! because reading marks everything received so far as read.
use super::clock::{iso, paris_at};
use super::commitments::{DemoCommitment, DemoIndicator, What, COMMITMENTS, NEVER_READS, READ_AFTER_DAYS, STAFF};
use super::content::OBJECTIVES;
use super::{fail, Demo, PEOPLE};
use app::commitments::service as commitments;
use app::commitments::ChangeKind;
use app::ids::{CommitmentId, IndicatorId, MilestoneId, ObjectiveId};
use std::collections::HashMap;

pub struct Summary {
    pub commitments: usize,
    pub measurements: usize,
    /// Every notification the commitments sent, and how many are still unread.
    pub notifications: usize,
    pub unread: i64,
}

/// One thing the staff or a member did; indexes into `COMMITMENTS` and their lists.
#[derive(Clone, Copy, Debug)]
enum Act {
    Publish(usize),
    /// (commitment, milestone)
    Milestone(usize, usize),
    Done(usize, usize),
    /// (commitment, indicator)
    Indicator(usize, usize),
    /// (commitment, indicator, month): the month's value, oldest first.
    Measure(usize, usize, usize),
    /// (commitment, change)
    Change(usize, usize),
    /// (commitment, update)
    Update(usize, usize),
    /// A member reads their notifications.
    Read(&'static str),
}

pub async fn load(demo: &Demo, objectives: &HashMap<&'static str, ObjectiveId>) -> anyhow::Result<Summary> {
    let mut acts = Vec::new();
    for (i, c) in COMMITMENTS.iter().enumerate() {
        acts.extend(story(demo, i, c)?);
    }
    acts.extend(reads(demo, &acts)?);
    // Stable: what happened at the same second keeps the order above.
    acts.sort_by_key(|(at, _)| *at);
    let measurements = acts.iter().filter(|(_, act)| matches!(act, Act::Measure(..))).count();
    let mut replay = Replay {
        demo,
        objectives,
        commitments: vec![None; COMMITMENTS.len()],
        milestones: HashMap::new(),
        indicators: HashMap::new(),
    };
    for (at, act) in acts {
        replay.act(at, act).await.map_err(|e| anyhow::anyhow!("demo commitments, {act:?}: {e}"))?;
    }
    let (notifications, unread) = notifications(demo).await?;
    Ok(Summary { commitments: COMMITMENTS.len(), measurements, notifications, unread })
}

/// Everything the staff did for commitment `i`, each with its time.
fn story(demo: &Demo, i: usize, c: &DemoCommitment) -> anyhow::Result<Vec<(i64, Act)>> {
    let clock = &demo.clock;
    let created = clock.at(c.created, 10 * 60 + 30);
    let mut acts = vec![(created, Act::Publish(i))];
    for (m, milestone) in c.milestones.iter().enumerate() {
        acts.push((created + 600 + m as i64 * 60, Act::Milestone(i, m)));
        if let Some(done) = milestone.done {
            acts.push((clock.at(-done, 16 * 60 + m as i64), Act::Done(i, m)));
        }
    }
    for (k, indicator) in c.indicators.iter().enumerate() {
        let added = created + 1200 + k as i64 * 60;
        acts.push((added, Act::Indicator(i, k)));
        acts.extend(measurements(demo, (i, k), indicator, added));
    }
    for (k, change) in c.changes.iter().enumerate() {
        acts.push((clock.at(change.days_ago, 11 * 60 + 15 + k as i64), Act::Change(i, k)));
    }
    for (k, update) in c.updates.iter().enumerate() {
        acts.push((clock.at(update.days_ago, 16 * 60 + 40), Act::Update(i, k)));
    }
    anyhow::ensure!(
        acts.iter().skip(1).all(|(at, _)| *at > created),
        "demo commitments: {:?} has a change before it exists",
        c.objective
    );
    Ok(acts)
}

/// The monthly measurements of indicator `k` of commitment `i`, each entered a couple of
/// days after the month's figures came in, or with the indicator for the months before it.
fn measurements(demo: &Demo, (i, k): (usize, usize), indicator: &DemoIndicator, added: i64) -> Vec<(i64, Act)> {
    let n = indicator.values.len();
    (0..n)
        .map(|m| {
            let day = demo.clock.month_start((n - 1 - m) as i64);
            let entered = paris_at(day + 2, 9 * 60 + m as i64).max(added + 60 + m as i64);
            (demo.clock.past(entered), Act::Measure(i, k, m))
        })
        .collect()
}

/// The proposer and supporters of the objective of commitment `i`: whom it notifies.
fn told(i: usize) -> anyhow::Result<Vec<&'static str>> {
    let title = COMMITMENTS[i].objective;
    let o = OBJECTIVES.iter().find(|o| o.title == title).ok_or_else(|| anyhow::anyhow!("demo: no {title:?}"))?;
    let mut people = vec![o.author];
    people.extend(o.supporters.iter().filter(|s| **s != o.author));
    Ok(people)
}

/// Each notification older than `READ_AFTER_DAYS` is read the next day by those it told,
/// except `NEVER_READS`.
fn reads(demo: &Demo, acts: &[(i64, Act)]) -> anyhow::Result<Vec<(i64, Act)>> {
    let read_before = demo.clock.now - READ_AFTER_DAYS * 86_400;
    let mut out = Vec::new();
    for &(at, act) in acts.iter().filter(|(at, _)| *at < read_before) {
        let notified = match act {
            Act::Publish(i) | Act::Update(i, _) => Some(i),
            Act::Change(i, k) => {
                matches!(COMMITMENTS[i].changes[k].what, What::Status(_) | What::TargetDate(_)).then_some(i)
            }
            _ => None,
        };
        if let Some(i) = notified {
            let readers = told(i)?.into_iter().filter(|login| *login != NEVER_READS);
            out.extend(readers.map(|login| (at + 26 * 3600, Act::Read(login))));
        }
    }
    Ok(out)
}

/// (notifications sent, still unread), as each person's notifications page counts them.
async fn notifications(demo: &Demo) -> anyhow::Result<(usize, i64)> {
    let (mut sent, mut unread) = (0, 0);
    for p in PEOPLE {
        let n = commitments::notifications(&demo.ctx, demo.person(p.login)?).await.map_err(fail)?;
        sent += n.items.len();
        unread += n.unread;
    }
    Ok((sent, unread))
}

struct Replay<'a> {
    demo: &'a Demo,
    objectives: &'a HashMap<&'static str, ObjectiveId>,
    /// By index in `COMMITMENTS`, once published.
    commitments: Vec<Option<CommitmentId>>,
    milestones: HashMap<(usize, usize), MilestoneId>,
    indicators: HashMap<(usize, usize), IndicatorId>,
}

impl Replay<'_> {
    fn commitment(&self, i: usize) -> anyhow::Result<CommitmentId> {
        self.commitments[i].ok_or_else(|| anyhow::anyhow!("not published yet"))
    }

    async fn act(&mut self, at: i64, act: Act) -> anyhow::Result<()> {
        let (demo, ctx) = (self.demo, &self.demo.ctx);
        let staff = demo.person(STAFF)?;
        match act {
            Act::Publish(i) => self.publish(at, i).await?,
            Act::Milestone(i, m) => {
                let milestone = &COMMITMENTS[i].milestones[m];
                let due = demo.clock.date(milestone.due);
                let id = commitments::add_milestone(ctx, staff, at, self.commitment(i)?, (milestone.title, &due))
                    .await
                    .map_err(fail)?;
                self.milestones.insert((i, m), id);
            }
            Act::Done(i, m) => {
                let id = *self.milestones.get(&(i, m)).ok_or_else(|| anyhow::anyhow!("no milestone yet"))?;
                commitments::set_milestone(ctx, staff, at, id, true).await.map_err(fail)?;
            }
            Act::Indicator(i, k) => self.indicator(at, i, k).await?,
            Act::Measure(i, k, m) => self.measure(at, i, k, m).await?,
            Act::Change(i, k) => self.change(at, i, k).await?,
            Act::Update(i, k) => {
                let body = COMMITMENTS[i].updates[k].body;
                commitments::post_update(ctx, staff, at, self.commitment(i)?, body).await.map_err(fail)?;
            }
            Act::Read(login) => commitments::mark_read(ctx, demo.person(login)?, at).await.map_err(fail)?,
        }
        Ok(())
    }

    /// The staff publish the adopted objective as a commitment, planned.
    async fn publish(&mut self, at: i64, i: usize) -> anyhow::Result<()> {
        let c = &COMMITMENTS[i];
        let objective =
            *self.objectives.get(c.objective).ok_or_else(|| anyhow::anyhow!("unknown objective {:?}", c.objective))?;
        let fields = commitments::Fields { service: c.service, contact_role: c.contact_role, summary: c.summary };
        let target = self.demo.clock.date(c.target);
        let staff = self.demo.person(STAFF)?;
        let id = commitments::create(&self.demo.ctx, staff, at, objective, &fields, &target).await.map_err(fail)?;
        self.commitments[i] = Some(id);
        Ok(())
    }

    async fn indicator(&mut self, at: i64, i: usize, k: usize) -> anyhow::Result<()> {
        let indicator = &COMMITMENTS[i].indicators[k];
        let (baseline, target) = (indicator.baseline.to_string(), indicator.target.to_string());
        let form = commitments::IndicatorForm {
            name: indicator.name,
            unit: indicator.unit,
            baseline: &baseline,
            target: &target,
            direction: indicator.direction.as_str(),
        };
        let staff = self.demo.person(STAFF)?;
        let id =
            commitments::add_indicator(&self.demo.ctx, staff, at, self.commitment(i)?, &form).await.map_err(fail)?;
        self.indicators.insert((i, k), id);
        Ok(())
    }

    /// The value of month `m` (oldest first), measured on its first day.
    async fn measure(&self, at: i64, i: usize, k: usize, m: usize) -> anyhow::Result<()> {
        let indicator = &COMMITMENTS[i].indicators[k];
        let id = *self.indicators.get(&(i, k)).ok_or_else(|| anyhow::anyhow!("no indicator yet"))?;
        let on = iso(self.demo.clock.month_start((indicator.values.len() - 1 - m) as i64));
        let source = match indicator.early_source {
            Some((early, source)) if m < early => source,
            _ => indicator.source,
        };
        let value = indicator.values[m].to_string();
        let staff = self.demo.person(STAFF)?;
        commitments::add_measurement(&self.demo.ctx, staff, at, id, (&on, &value, source)).await.map_err(fail)
    }

    /// A status, a target date or the declared progress changes, with its public reason.
    async fn change(&self, at: i64, i: usize, k: usize) -> anyhow::Result<()> {
        let change = &COMMITMENTS[i].changes[k];
        let (what, value) = match change.what {
            What::Status(status) => (ChangeKind::Status, status.as_str().to_owned()),
            What::TargetDate(days) => (ChangeKind::TargetDate, self.demo.clock.date(days)),
            What::Progress(percent) => (ChangeKind::Progress, percent.to_string()),
        };
        let staff = self.demo.person(STAFF)?;
        commitments::change(&self.demo.ctx, staff, at, self.commitment(i)?, what.as_str(), (&value, change.reason))
            .await
            .map_err(fail)
    }
}
