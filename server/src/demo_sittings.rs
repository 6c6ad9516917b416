//! The demo's sittings (issue #4): a past sitting, closed, with closed vote rounds of each
//! method, and an upcoming one. Everything goes through the app's own use cases (planning,
//! the agenda, proxies, check-in, the speaking queue, opening rounds, ballots, closing),
//! each called as the person who did it, at the time they did it: the hash-chained logs and
//! frozen results are exactly what a real sitting leaves and `concerto recount` agrees.
//! Times are relative to the load: the past sitting is twenty days before, the next one ten
//! days after, both 18:30–20:30, Paris time.
use super::fail;
use app::context::Ctx;
use app::guard::Actor;
use app::i18n_texts::paris_offset_hours;
use app::ids::{AssemblyId, ObjectiveId, RoundId, SittingId, UserId};
use app::sittings::service as sittings;
use app::state::AppState;
use app::voting::service as voting;
use app::voting::tally::{Abstentions, Choice, Grade, Quorum, Threshold, YesNoRules};
use app::voting::{BallotContent, Rules};
use std::collections::{BTreeMap, HashMap};

pub const FACILITATOR: &str = "animation";
pub const PLACE: &str = "Salle du conseil, mairie de Val-de-Brise";
pub const ONLINE_URL: &str = "https://visio.val-de-brise.fr/assemblee";

// The objectives of `demo_content.rs` the sittings deal with.
const DECROCHER: &str = "Décrocher plus vite au standard de la mairie";
const RAPPELER: &str = "Rappeler systématiquement quand personne n’a pu décrocher";
const GUICHET: &str = "Réduire l’attente au guichet de l’état civil";
const RENDEZ_VOUS: &str = "Prendre rendez-vous en ligne pour les cartes d’identité et les passeports";
const SAMEDI: &str = "Ouvrir la mairie le samedi matin";
const COURRIERS: &str = "Répondre aux courriers en moins de quinze jours";
const ACCESSIBLE: &str = "Rendre l’entrée principale accessible en fauteuil et en poussette";
const ENQUETE: &str = "Une enquête de satisfaction chaque année";

pub struct DemoSitting {
    pub title: &'static str,
    /// Days from the load (negative: in the past); it starts at 18:30 Paris time that day.
    pub day: i64,
    pub minutes: i64,
    /// Days before it starts that it was planned, and hours before that its agenda was set.
    pub planned_days_before: i64,
    pub agenda_hours_before: i64,
    /// Objective titles, in order.
    pub agenda: &'static [&'static str],
}

pub const PAST: DemoSitting = DemoSitting {
    title: "Séance n°2 — priorités pour l’accueil",
    day: -20,
    minutes: 120,
    planned_days_before: 14,
    agenda_hours_before: 8,
    agenda: &[DECROCHER, COURRIERS, GUICHET, RAPPELER, RENDEZ_VOUS, SAMEDI, ENQUETE],
};

/// Its agenda: the three objectives with enough supports that the vote leaves open.
pub const NEXT: DemoSitting = DemoSitting {
    title: "Séance n°3 — rendez-vous en ligne, samedi matin et accessibilité",
    day: 10,
    minutes: 120,
    planned_days_before: 13,
    agenda_hours_before: 12 * 24,
    agenda: &[RENDEZ_VOUS, SAMEDI, ACCESSIBLE],
};

/// Seconds after the start of the past sitting: the facilitator opens it, then closes it.
const STARTED: i64 = 4 * 60;
const ENDED: i64 = 117 * 60;

/// Who came to the past sitting and how; Lucie is excused, Yannick gives his proxy.
pub const ATTENDANCE: &[(&str, &str)] = &[
    ("animation", "room"),
    ("awa", "room"),
    ("jeanpierre", "room"),
    ("fatima", "room"),
    ("marcel", "room"),
    ("thomas", "online"),
    ("chloe", "online"),
];
/// (giver, holder): the giver is absent, the holder present.
pub const PROXY: (&str, &str) = ("yannick", "marcel");

/// Speaking turns of the past sitting: who, and seconds after its start when they asked for
/// the floor, got it, and gave it back.
pub const TURNS: &[(&str, i64, i64, i64)] = &[
    ("awa", 360, 420, 620),
    ("fatima", 480, 625, 760),
    ("thomas", 700, 765, 810),
    ("marcel", 790, 820, 915),
    ("jeanpierre", 2300, 2340, 2580),
    ("chloe", 2400, 2600, 2670),
    ("marcel", 3350, 3400, 3550),
    ("thomas", 3420, 3570, 3680),
    ("awa", 3600, 3700, 3740),
    ("fatima", 5400, 5460, 5640),
];

pub enum Vote {
    /// One choice per objective of the round, in order.
    YesNo(&'static [Choice]),
    /// One grade per objective of the round, in order.
    Grades(&'static [Grade]),
    /// The objectives approved, by position in the round.
    Approve(&'static [usize]),
}

pub struct DemoRound {
    pub rules: Rules,
    pub secret: bool,
    pub objectives: &'static [&'static str],
    /// Seconds after the sitting's start.
    pub opens: i64,
    pub closes: i64,
    /// By voter login; the proxy holder casts the giver's ballot.
    pub ballots: &'static [(&'static str, Vote)],
}

use Choice::{Abstain as A, No as N, Yes as Y};
use Grade::{
    Excellent as EX, FairlyGood as FG, Good as GO, Insufficient as IN, Passable as PA, Reject as RE, VeryGood as VG,
};

/// The past sitting's rounds, in order. Each objective is in one open round at a time:
/// the ranking rounds come last, and give their objectives their status back.
pub const ROUNDS: &[DemoRound] = &[
    // Public, quorum of half the members present: the standard is adopted; fifteen days for
    // letters seemed too long to most, the objective is rejected (to be reworked).
    DemoRound {
        rules: Rules::YesNo(YesNoRules {
            quorum: Quorum::Present(50),
            threshold: Threshold::SimpleMajority,
            abstentions: Abstentions::Excluded,
        }),
        secret: false,
        objectives: &[DECROCHER, COURRIERS],
        opens: 1920,
        closes: 2280,
        ballots: &[
            ("awa", YesNo(&[Y, N])),
            ("marcel", YesNo(&[Y, Y])),
            ("yannick", YesNo(&[Y, N])),
            ("fatima", YesNo(&[A, N])),
            ("thomas", YesNo(&[Y, N])),
            ("jeanpierre", YesNo(&[Y, A])),
            ("animation", YesNo(&[Y, Y])),
        ],
    },
    // Secret, two thirds of the votes cast (abstentions excluded): 5 yes out of 7 is enough.
    DemoRound {
        rules: Rules::YesNo(YesNoRules {
            quorum: Quorum::Present(50),
            threshold: Threshold::TwoThirds,
            abstentions: Abstentions::Excluded,
        }),
        secret: true,
        objectives: &[GUICHET],
        opens: 2940,
        closes: 3300,
        ballots: &[
            ("jeanpierre", YesNo(&[Y])),
            ("chloe", YesNo(&[Y])),
            ("yannick", YesNo(&[N])),
            ("marcel", YesNo(&[Y])),
            ("fatima", YesNo(&[Y])),
            ("awa", YesNo(&[A])),
            ("thomas", YesNo(&[N])),
            ("animation", YesNo(&[Y])),
        ],
    },
    // Secret majority judgment to rank four objectives: Saturday mornings and online
    // appointments share the majority grade "Bien"; the tie-break puts Saturday ahead.
    DemoRound {
        rules: Rules::MajorityJudgment,
        secret: true,
        objectives: &[RAPPELER, RENDEZ_VOUS, SAMEDI, ENQUETE],
        opens: 4500,
        closes: 5280,
        ballots: &[
            ("fatima", Grades(&[FG, GO, EX, PA])),
            ("thomas", Grades(&[PA, EX, EX, GO])),
            ("awa", Grades(&[FG, VG, VG, PA])),
            ("jeanpierre", Grades(&[VG, PA, VG, IN])),
            ("marcel", Grades(&[GO, IN, GO, PA])),
            ("yannick", Grades(&[PA, VG, FG, IN])),
            ("chloe", Grades(&[IN, GO, GO, RE])),
            ("animation", Grades(&[FG, GO, PA, FG])),
        ],
    },
    // Public approval, two choices at most: which objectives to submit first to the services
    // for costing. Jean-Pierre had left.
    DemoRound {
        rules: Rules::Approval { max: 2 },
        secret: false,
        objectives: &[RAPPELER, RENDEZ_VOUS, SAMEDI],
        opens: 6000,
        closes: 6360,
        ballots: &[
            ("fatima", Approve(&[1, 2])),
            ("thomas", Approve(&[1, 2])),
            ("awa", Approve(&[0, 2])),
            ("marcel", Approve(&[0, 2])),
            ("yannick", Approve(&[1])),
            ("chloe", Approve(&[1, 2])),
            ("animation", Approve(&[0, 2])),
        ],
    },
];

use Vote::{Approve, Grades, YesNo};

pub struct Summary {
    pub past: SittingId,
    pub next: SittingId,
    pub rounds: Vec<RoundId>,
}

/// `minutes` after midnight, Paris time, on the day `day` days from `now`.
fn paris_time(now: i64, day: i64, minutes: i64) -> i64 {
    let t = now + day * 86_400;
    let local = t + i64::from(paris_offset_hours(t)) * 3600;
    let naive = local.div_euclid(86_400) * 86_400 + minutes * 60;
    // Clocks change at 01:00 UTC: an hour before the naive time has the right offset.
    naive - i64::from(paris_offset_hours(naive - 3600)) * 3600
}

struct Loader<'a> {
    ctx: Ctx,
    assembly: AssemblyId,
    people: &'a HashMap<&'static str, Actor>,
    objectives: HashMap<String, ObjectiveId>,
}

/// Loads both sittings and the past one's rounds, through the same use cases a facilitator
/// and the members would have gone through, each at the time it happened. Called once the
/// rest of the demo is committed.
pub async fn load(
    state: &AppState,
    assembly: AssemblyId,
    people: &HashMap<&'static str, Actor>,
    objectives: HashMap<String, ObjectiveId>,
    now: i64,
) -> anyhow::Result<Summary> {
    let loader = Loader { ctx: Ctx::from(state), assembly, people, objectives };
    let past_start = paris_time(now, PAST.day, 18 * 60 + 30);
    let next_start = paris_time(now, NEXT.day, 18 * 60 + 30);
    let past = loader.sitting(&PAST, past_start, now).await?;
    let rounds = loader.held(past, past_start).await?;
    let next = loader.sitting(&NEXT, next_start, now).await?;
    Ok(Summary { past, next, rounds })
}

impl Loader<'_> {
    fn person(&self, login: &str) -> anyhow::Result<&Actor> {
        self.people.get(login).ok_or_else(|| anyhow::anyhow!("demo sittings: unknown login {login:?}"))
    }

    fn user(&self, login: &str) -> anyhow::Result<UserId> {
        self.person(login)?.id().ok_or_else(|| anyhow::anyhow!("demo sittings: {login:?} is nobody"))
    }

    fn objective(&self, title: &str) -> anyhow::Result<ObjectiveId> {
        self.objectives.get(title).copied().ok_or_else(|| anyhow::anyhow!("demo sittings: unknown objective {title:?}"))
    }

    async fn run(&self, sitting: SittingId, step: &str, objective: Option<ObjectiveId>, at: i64) -> anyhow::Result<()> {
        let facilitator = self.person(FACILITATOR)?;
        sittings::run(&self.ctx, facilitator, at, sitting, step, objective).await.map_err(fail)
    }

    /// The sitting as planned, with its agenda.
    async fn sitting(&self, s: &DemoSitting, start: i64, now: i64) -> anyhow::Result<SittingId> {
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
        let id =
            sittings::plan(&self.ctx, self.person(FACILITATOR)?, planned, self.assembly, &form).await.map_err(fail)?;
        let agenda_set = (start - s.agenda_hours_before * 3600).min(now - 1800);
        for (i, title) in s.agenda.iter().enumerate() {
            self.run(id, "add", Some(self.objective(title)?), agenda_set + i as i64 * 60).await?;
        }
        Ok(id)
    }

    /// What happened in the room: the proxy (given the day before), attendance, the sitting
    /// opened, the speaking turns, the votes, the sitting closed. Attendance comes first
    /// because a round records the members present when it opens.
    async fn held(&self, sitting: SittingId, start: i64) -> anyhow::Result<Vec<RoundId>> {
        let holder = self.user(PROXY.1)?;
        let giver = self.person(PROXY.0)?;
        sittings::give_proxy(&self.ctx, giver, start - 86_400 + 3 * 3600, sitting, Some(holder)).await.map_err(fail)?;
        for (i, (login, mode)) in ATTENDANCE.iter().enumerate() {
            let at = start - 600 + i as i64 * 75;
            let facilitator = self.person(FACILITATOR)?;
            sittings::check_in(&self.ctx, facilitator, at, sitting, self.user(login)?, mode).await.map_err(fail)?;
        }
        self.run(sitting, "start", None, start + STARTED).await?;
        for turn in TURNS {
            self.turn(sitting, start, turn).await?;
        }
        let mut rounds = Vec::new();
        for round in ROUNDS {
            rounds.push(self.round(sitting, start, round).await?);
        }
        self.run(sitting, "close", None, start + ENDED).await?;
        Ok(rounds)
    }

    /// A member asks for the floor, the facilitator gives it, then ends the turn.
    async fn turn(
        &self,
        sitting: SittingId,
        start: i64,
        &(login, asked, started, ended): &(&str, i64, i64, i64),
    ) -> anyhow::Result<()> {
        let (member, facilitator) = (self.person(login)?, self.person(FACILITATOR)?);
        sittings::queue(&self.ctx, member, start + asked, sitting, "raise", None).await.map_err(fail)?;
        let page = sittings::get(&self.ctx, facilitator, start + asked, sitting).await.map_err(fail)?;
        let me = self.user(login)?;
        let turn = page.queue.iter().find(|t| t.person.id == me).map(|t| t.id);
        sittings::queue(&self.ctx, facilitator, start + started, sitting, "give", turn).await.map_err(fail)?;
        sittings::queue(&self.ctx, facilitator, start + ended, sitting, "end", None).await.map_err(fail)
    }

    /// One round: opened, voted (ballots a few seconds apart; the proxy holder casts the
    /// giver's), closed by the facilitator.
    async fn round(&self, sitting: SittingId, start: i64, r: &DemoRound) -> anyhow::Result<RoundId> {
        let facilitator = self.person(FACILITATOR)?;
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
        let round = voting::open(&self.ctx, facilitator, opened, sitting, &form).await.map_err(fail)?;
        for (i, (login, vote)) in r.ballots.iter().enumerate() {
            let at = opened + 25 + i as i64 * 23;
            anyhow::ensure!(at < start + r.closes, "demo sittings: a ballot after its round closed");
            let (caster, on_behalf) = if *login == PROXY.0 {
                (self.person(PROXY.1)?, Some(self.user(PROXY.0)?))
            } else {
                (self.person(login)?, None)
            };
            let choices = choices(&ids, vote)?;
            let ballot = voting::BallotForm { choices: &choices, on_behalf, receipt: None };
            voting::cast(&self.ctx, caster, at, round, ballot).await.map_err(fail)?;
        }
        voting::close_by_facilitator(&self.ctx, facilitator, start + r.closes, round).await.map_err(fail)?;
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
    let keys: Vec<i64> = ids.iter().map(|o| o.0).collect();
    Ok(match ballot(&keys, vote)? {
        BallotContent::YesNo(m) => {
            m.into_iter().map(|(o, c)| (o.to_string(), app::voting::choice_key(c).to_owned())).collect()
        }
        BallotContent::Grades(m) => {
            m.into_iter().map(|(o, g)| (o.to_string(), app::voting::grade_key(g).to_owned())).collect()
        }
        BallotContent::Approval(v) => v.into_iter().map(|o| (o.to_string(), "1".to_owned())).collect(),
    })
}

/// A ballot as the voting form would have produced it.
fn ballot(ids: &[i64], vote: &Vote) -> anyhow::Result<BallotContent> {
    let by_position = |n: usize| {
        anyhow::ensure!(n == ids.len(), "demo sittings: {n} answers for {} objectives", ids.len());
        Ok(())
    };
    Ok(match vote {
        Vote::YesNo(choices) => {
            by_position(choices.len())?;
            BallotContent::YesNo(ids.iter().copied().zip(choices.iter().copied()).collect::<BTreeMap<_, _>>())
        }
        Vote::Grades(grades) => {
            by_position(grades.len())?;
            BallotContent::Grades(ids.iter().copied().zip(grades.iter().copied()).collect::<BTreeMap<_, _>>())
        }
        Vote::Approve(chosen) => {
            anyhow::ensure!(chosen.iter().all(|&c| c < ids.len()), "demo sittings: approval of an unknown objective");
            // In the round's order, as the form sends them.
            BallotContent::Approval(
                ids.iter().enumerate().filter(|(i, _)| chosen.contains(i)).map(|(_, id)| *id).collect(),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::content::OBJECTIVES;
    use crate::demo::PEOPLE;
    use app::accounts::Role;
    use app::objectives::{ready_for_agenda, Status};
    use app::voting::{compute_result, RoundResult};

    fn votes(login: &str) -> bool {
        PEOPLE
            .iter()
            .any(|p| p.login == login && (p.roles.contains(&Role::Member) || p.roles.contains(&Role::Facilitator)))
    }

    /// Each round's result as closing it computes, with fake ids (positions).
    fn result(r: &DemoRound) -> RoundResult {
        let ids: Vec<i64> = (0..r.objectives.len() as i64).collect();
        let ballots: Vec<BallotContent> = r.ballots.iter().map(|(_, v)| ballot(&ids, v).unwrap()).collect();
        let present = (ATTENDANCE.len() + 1) as u32;
        compute_result(&r.rules, &ids, &ballots, PEOPLE.iter().filter(|p| votes(p.login)).count() as u32, present)
    }

    #[test]
    fn sittings_follow_the_app_rules() {
        for s in [&PAST, &NEXT] {
            assert!(app::sittings::parse_title(s.title).is_ok(), "{}", s.title);
            for title in s.agenda {
                assert!(OBJECTIVES.iter().any(|o| o.title == *title), "{title}");
            }
        }
        let present: Vec<&str> = ATTENDANCE.iter().map(|(l, _)| *l).collect();
        assert!(!present.contains(&PROXY.0) && present.contains(&PROXY.1));
        assert!(present.iter().all(|l| votes(l)));
        let mut last_end = 0;
        for (login, asked, started, ended) in TURNS {
            assert!(present.contains(login), "{login}");
            assert!(asked < started && started < ended && *started >= last_end);
            assert!((40..=240).contains(&(ended - started)));
            last_end = *ended;
        }
        for r in ROUNDS {
            assert!(r.objectives.iter().all(|t| PAST.agenda.contains(t)));
            assert!(STARTED < r.opens && r.opens < r.closes && r.closes < ENDED);
            for (login, _) in r.ballots {
                assert!(votes(login) && (present.contains(login) || *login == PROXY.0), "{login}");
            }
        }
    }

    #[test]
    fn rounds_show_an_adoption_a_rejection_and_a_tie_break() {
        let RoundResult::YesNo(first) = result(&ROUNDS[0]) else { panic!() };
        assert!(first[0].1.adopted && first[0].1.quorum_reached);
        assert!(!first[1].1.adopted && first[1].1.quorum_reached);
        let RoundResult::YesNo(second) = result(&ROUNDS[1]) else { panic!() };
        assert!(second[0].1.adopted);
        assert_eq!((second[0].1.yes, second[0].1.yes_needed), (5, 5), "exactly two thirds of 7");
        let RoundResult::MajorityJudgment { judgment, .. } = result(&ROUNDS[2]) else { panic!() };
        assert!(judgment.tie_breaks.iter().any(|t| t.step > 0), "{judgment:?}");
        let RoundResult::Approval { counts, .. } = result(&ROUNDS[3]) else { panic!() };
        assert_eq!(counts, vec![3, 4, 6]);
    }

    #[test]
    fn the_next_agenda_is_ready_and_still_open() {
        let decided: Vec<&str> = ROUNDS
            .iter()
            .filter(|r| matches!(r.rules, Rules::YesNo(_)))
            .flat_map(|r| r.objectives.iter().copied())
            .collect();
        for title in NEXT.agenda {
            let o = OBJECTIVES.iter().find(|o| o.title == *title).unwrap();
            assert!(!decided.contains(title), "{title}");
            assert!(
                ready_for_agenda(o.status, o.supporters.len() as i64, crate::demo::content::SUPPORT_THRESHOLD),
                "{title}"
            );
            assert!(matches!(o.status, Status::Proposed | Status::InDiscussion));
        }
        for title in PAST.agenda {
            let o = OBJECTIVES.iter().find(|o| o.title == *title).unwrap();
            assert!(o.days_ago > -PAST.day, "{title} is published before the past sitting");
        }
    }

    #[test]
    fn sittings_start_at_half_past_six_in_paris() {
        // 10 December 2026 18:30 in Paris is 17:30 UTC; 10 June is 16:30 UTC.
        assert_eq!(paris_time(1_796_900_000, 0, 18 * 60 + 30), 1_796_923_800);
        assert_eq!(paris_time(1_781_100_000, 0, 18 * 60 + 30), 1_781_109_000);
    }
}
