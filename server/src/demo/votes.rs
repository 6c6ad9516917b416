//! Replays `sittings.rs` through the app's own use cases: each sitting planned and its agenda
//! set by the facilitator; for a held one, the proxy given the day before, the check-ins,
//! the sitting opened, the speaking turns, the vote rounds (opened, ballots cast, closed),
//! the sitting closed — each as the person who did it, at the time they did it. Closing a
//! yes/no round is what adopts or rejects its objectives, so the hash-chained logs, frozen
//! results and statuses are exactly what a real sitting leaves, and `concerto recount`
//! agrees.
use super::sittings::{ballot, DemoRound, DemoSitting, Held, Vote, FACILITATOR, ONLINE_URL, PLACE, SITTINGS};
use super::{fail, Demo};
use app::ids::{ObjectiveId, RoundId, SittingId};
use app::sittings::service as sittings;
use app::voting::service as voting;
use app::voting::tally::{Abstentions, Quorum, Threshold};
use app::voting::{BallotContent, Rules};
use std::collections::{BTreeMap, HashMap};

/// Each sitting's id, its data, and the rounds it held.
pub type Sittings = Vec<(SittingId, &'static DemoSitting, Vec<RoundId>)>;

/// Every sitting, oldest first: the first and second held, the third planned.
pub async fn load(demo: &Demo, objectives: &HashMap<&'static str, ObjectiveId>) -> anyhow::Result<Sittings> {
    let replay = Replay { demo, objectives };
    let mut out = Vec::new();
    for s in SITTINGS {
        let start = demo.clock.local(s.day, 18 * 60 + 30);
        let id = replay.plan(s, start).await?;
        let rounds = match &s.held {
            Some(h) => replay.held(id, start, h).await?,
            None => Vec::new(),
        };
        out.push((id, s, rounds));
    }
    Ok(out)
}

struct Replay<'a> {
    demo: &'a Demo,
    objectives: &'a HashMap<&'static str, ObjectiveId>,
}

impl Replay<'_> {
    fn objective(&self, title: &str) -> anyhow::Result<ObjectiveId> {
        self.objectives.get(title).copied().ok_or_else(|| anyhow::anyhow!("demo sittings: unknown objective {title:?}"))
    }

    async fn run(&self, sitting: SittingId, step: &str, objective: Option<ObjectiveId>, at: i64) -> anyhow::Result<()> {
        let facilitator = self.demo.person(FACILITATOR)?;
        sittings::run(&self.demo.ctx, facilitator, at, sitting, step, objective).await.map_err(fail)
    }

    /// The sitting as planned, with its agenda.
    async fn plan(&self, s: &DemoSitting, start: i64) -> anyhow::Result<SittingId> {
        let now = self.demo.clock.now;
        let planned = (start - s.planned_days_before * 86_400).min(now - 3600);
        let (date, from) = app::i18n_texts::input_date_time(start);
        let (_, to) = app::i18n_texts::input_date_time(start + s.minutes * 60);
        let form = sittings::PlanForm {
            title: s.title,
            date: &date,
            start: &from,
            end: &to,
            place: PLACE,
            online_url: ONLINE_URL,
        };
        let facilitator = self.demo.person(FACILITATOR)?;
        let id = sittings::plan(&self.demo.ctx, facilitator, planned, self.demo.assembly, &form)
            .await
            .map_err(|e| anyhow::anyhow!("demo sitting {:?}: {e}", s.title))?;
        let agenda_set = (start - s.agenda_hours_before * 3600).min(now - 1800);
        for (i, title) in s.agenda.iter().enumerate() {
            self.run(id, "add", Some(self.objective(title)?), agenda_set + i as i64 * 60).await?;
        }
        Ok(id)
    }

    /// What happened in the room: the proxy (given the day before), attendance, the sitting
    /// opened, the speaking turns, the votes, the sitting closed. Attendance comes first
    /// because a round records the members present when it opens.
    async fn held(&self, sitting: SittingId, start: i64, h: &Held) -> anyhow::Result<Vec<RoundId>> {
        let (demo, ctx) = (self.demo, &self.demo.ctx);
        if let Some((giver, holder)) = h.proxy {
            let at = start - 86_400 + 3 * 3600;
            sittings::give_proxy(ctx, demo.person(giver)?, at, sitting, Some(demo.user(holder)?))
                .await
                .map_err(fail)?;
        }
        for (i, (login, mode)) in h.attendance.iter().enumerate() {
            let at = start - 600 + i as i64 * 75;
            let facilitator = demo.person(FACILITATOR)?;
            sittings::check_in(ctx, facilitator, at, sitting, demo.user(login)?, mode).await.map_err(fail)?;
        }
        self.run(sitting, "start", None, start + h.started).await?;
        for turn in h.turns {
            self.turn(sitting, start, turn).await?;
        }
        let mut rounds = Vec::new();
        for round in h.rounds {
            rounds.push(self.round(sitting, start, h, round).await?);
        }
        self.run(sitting, "close", None, start + h.ended).await?;
        Ok(rounds)
    }

    /// A member asks for the floor, the facilitator gives it, then ends the turn.
    async fn turn(
        &self,
        sitting: SittingId,
        start: i64,
        &(login, asked, started, ended): &(&str, i64, i64, i64),
    ) -> anyhow::Result<()> {
        let (ctx, member, facilitator) = (&self.demo.ctx, self.demo.person(login)?, self.demo.person(FACILITATOR)?);
        sittings::queue(ctx, member, start + asked, sitting, "raise", None).await.map_err(fail)?;
        let page = sittings::get(ctx, facilitator, start + asked, sitting).await.map_err(fail)?;
        let me = self.demo.user(login)?;
        let turn = page.queue.iter().find(|t| t.person.id == me).map(|t| t.id);
        sittings::queue(ctx, facilitator, start + started, sitting, "give", turn).await.map_err(fail)?;
        sittings::queue(ctx, facilitator, start + ended, sitting, "end", None).await.map_err(fail)
    }

    /// One round: opened, voted (ballots a few seconds apart; the proxy holder casts the
    /// giver's), closed by the facilitator — which decides its yes/no objectives.
    async fn round(&self, sitting: SittingId, start: i64, h: &Held, r: &DemoRound) -> anyhow::Result<RoundId> {
        let (demo, ctx) = (self.demo, &self.demo.ctx);
        let facilitator = demo.person(FACILITATOR)?;
        let ids = r.objectives.iter().map(|t| self.objective(t)).collect::<anyhow::Result<Vec<ObjectiveId>>>()?;
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        let [quorum_base, quorum_percent, threshold, abstentions, max_choices] = rule_fields(&r.rules);
        let rules = app::voting::RulesForm {
            method: r.rules.method().as_str(),
            quorum_base: &quorum_base,
            quorum_percent: &quorum_percent,
            threshold: &threshold,
            abstentions: &abstentions,
            max_choices: &max_choices,
        };
        let form = voting::OpenForm { rules, objectives: &keys, secret: r.secret, closes_in: "" };
        let opened = start + r.opens;
        let round = voting::open(ctx, facilitator, opened, sitting, &form).await.map_err(fail)?;
        for (i, (login, vote)) in r.ballots.iter().enumerate() {
            let at = opened + 25 + i as i64 * 23;
            anyhow::ensure!(at < start + r.closes, "demo sittings: a ballot after its round closed");
            let (caster, on_behalf) = match h.proxy {
                Some((giver, holder)) if giver == *login => (demo.person(holder)?, Some(demo.user(giver)?)),
                _ => (demo.person(login)?, None),
            };
            let choices = choices(&ids, vote)?;
            let ballot = voting::BallotForm { choices: &choices, on_behalf, receipt: None };
            voting::cast(ctx, caster, at, round, ballot)
                .await
                .map_err(|e| anyhow::anyhow!("demo ballot of {login}: {e}"))?;
        }
        voting::close_by_facilitator(ctx, facilitator, start + r.closes, round).await.map_err(fail)?;
        Ok(round)
    }
}

/// The fields of the "open a round" form that give these rules: quorum base and percent,
/// threshold, abstentions, maximum choices.
fn rule_fields(rules: &Rules) -> [String; 5] {
    let mut fields = ["none", "", "", "", ""].map(str::to_owned);
    match rules {
        Rules::YesNo(y) => {
            (fields[0], fields[1]) = match y.quorum {
                Quorum::None => ("none".into(), String::new()),
                Quorum::Members(p) => ("members".into(), p.to_string()),
                Quorum::Present(p) => ("present".into(), p.to_string()),
            };
            fields[2] = if y.threshold == Threshold::TwoThirds { "two_thirds" } else { "simple_majority" }.into();
            fields[3] = if y.abstentions == Abstentions::Counted { "counted" } else { "excluded" }.into();
        }
        Rules::MajorityJudgment => {}
        Rules::Approval { max } => fields[4] = max.to_string(),
    }
    fields
}

/// The ballot form's fields for a vote: `choices[<objective id>]`.
fn choices(ids: &[ObjectiveId], vote: &Vote) -> anyhow::Result<BTreeMap<String, String>> {
    Ok(match ballot(ids, vote)? {
        BallotContent::YesNo(m) => {
            m.into_iter().map(|(o, c)| (o.to_string(), app::voting::choice_key(c).to_owned())).collect()
        }
        BallotContent::Grades(m) => {
            m.into_iter().map(|(o, g)| (o.to_string(), app::voting::grade_key(g).to_owned())).collect()
        }
        BallotContent::Approval(v) => v.into_iter().map(|o| (o.to_string(), "1".to_owned())).collect(),
    })
}
