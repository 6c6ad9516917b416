//! The demo's sittings (issue #4): a past sitting, closed, with closed vote rounds of each
//! method, and an upcoming one. The rounds go through the app's own functions
//! (`insert_round`, `store_ballot`, `close_at`), back-dated, so their hash-chained logs and
//! frozen results are exactly what a real sitting leaves and `concerto recount` agrees.
//! Times are relative to the load: the past sitting is twenty days before, the next one ten
//! days after, both 18:30–20:30, Paris time.
use super::fail;
use app::audit::ssr::{record, Event};
use app::i18n_texts::paris_offset_hours;
use app::ids::{AssemblyId, RoundId, SittingId, UserId};
use app::state::AppState;
use app::voting::api::ssr::{close_at, insert_round, store_ballot};
use app::voting::tally::{Abstentions, Choice, Grade, Quorum, Threshold, YesNoRules};
use app::voting::{BallotContent, Rules};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

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
    state: &'a AppState,
    assembly: AssemblyId,
    users: &'a HashMap<&'static str, UserId>,
    objectives: HashMap<String, i64>,
}

/// Loads both sittings and the past one's rounds. Called once the rest of the demo is
/// committed: the voting functions open their own transactions.
pub async fn load(
    state: &AppState,
    assembly: AssemblyId,
    users: &HashMap<&'static str, UserId>,
    now: i64,
) -> anyhow::Result<Summary> {
    let rows: Vec<(i64, String)> = sqlx::query_as("select id, title from objectives where assembly_id = $1")
        .bind(assembly.0)
        .fetch_all(&state.db.pool)
        .await?;
    let loader = Loader { state, assembly, users, objectives: rows.into_iter().map(|(id, t)| (t, id)).collect() };
    let past_start = paris_time(now, PAST.day, 18 * 60 + 30);
    let next_start = paris_time(now, NEXT.day, 18 * 60 + 30);
    let mut tx = state.db.pool.begin().await?;
    let past = loader.sitting(&mut tx, &PAST, past_start, now).await?;
    loader.held(&mut tx, past, past_start).await?;
    let next = loader.sitting(&mut tx, &NEXT, next_start, now).await?;
    tx.commit().await?;
    let mut rounds = Vec::new();
    for round in ROUNDS {
        rounds.push(loader.round(past, past_start, round).await?);
    }
    Ok(Summary { past, next, rounds })
}

impl Loader<'_> {
    fn user(&self, login: &str) -> anyhow::Result<UserId> {
        self.users.get(login).copied().ok_or_else(|| anyhow::anyhow!("demo sittings: unknown login {login:?}"))
    }

    fn objective(&self, title: &str) -> anyhow::Result<i64> {
        self.objectives.get(title).copied().ok_or_else(|| anyhow::anyhow!("demo sittings: unknown objective {title:?}"))
    }

    async fn event(
        &self,
        tx: &mut Tx<'_>,
        actor: &str,
        action: &str,
        sitting: SittingId,
        details: serde_json::Value,
    ) -> anyhow::Result<()> {
        let event = Event::new(Some(self.user(actor)?), self.assembly, action, ("sitting", sitting.0)).details(details);
        record(tx, event).await.map_err(fail)
    }

    /// The sitting as planned, with its agenda.
    async fn sitting(&self, tx: &mut Tx<'_>, s: &DemoSitting, start: i64, now: i64) -> anyhow::Result<SittingId> {
        let facilitator = self.user(FACILITATOR)?;
        let created = (start - s.planned_days_before * 86_400).min(now - 3600);
        let (id,): (i64,) = sqlx::query_as(
            "insert into sittings (assembly_id, title, starts_at, ends_at, place, online_url, created_by, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        )
        .bind(self.assembly.0)
        .bind(s.title)
        .bind(start)
        .bind(start + s.minutes * 60)
        .bind(PLACE)
        .bind(ONLINE_URL)
        .bind(facilitator.0)
        .bind(created)
        .fetch_one(&mut **tx)
        .await?;
        let id = SittingId(id);
        self.event(tx, FACILITATOR, "sitting.plan", id, json!({ "title": s.title, "starts_at": start })).await?;
        let agenda_set = (start - s.agenda_hours_before * 3600).min(now - 1800);
        for (i, title) in s.agenda.iter().enumerate() {
            let objective = self.objective(title)?;
            sqlx::query(
                "insert into agenda_items (sitting_id, objective_id, position, created_at) values ($1, $2, $3, $4)",
            )
            .bind(id.0)
            .bind(objective)
            .bind(i as i64 + 1)
            .bind(agenda_set + i as i64 * 60)
            .execute(&mut **tx)
            .await?;
            self.event(tx, FACILITATOR, "sitting.add", id, json!({ "objective": objective })).await?;
        }
        Ok(id)
    }

    /// What happened in the room, before any vote: the proxy (given the day before),
    /// attendance, the sitting opened then closed, the speaking turns. Attendance comes
    /// first because a round records the members present when it opens.
    async fn held(&self, tx: &mut Tx<'_>, sitting: SittingId, start: i64) -> anyhow::Result<()> {
        let (giver, holder) = (self.user(PROXY.0)?, self.user(PROXY.1)?);
        sqlx::query("insert into proxies (sitting_id, giver_id, holder_id, created_at) values ($1, $2, $3, $4)")
            .bind(sitting.0)
            .bind(giver.0)
            .bind(holder.0)
            .bind(start - 86_400 + 3 * 3600)
            .execute(&mut **tx)
            .await?;
        self.event(tx, PROXY.0, "proxy.give", sitting, json!({ "holder": holder.0 })).await?;
        for (i, (login, mode)) in ATTENDANCE.iter().enumerate() {
            let member = self.user(login)?;
            sqlx::query("insert into attendance (sitting_id, user_id, mode, created_at) values ($1, $2, $3, $4)")
                .bind(sitting.0)
                .bind(member.0)
                .bind(mode)
                .bind(start - 600 + i as i64 * 75)
                .execute(&mut **tx)
                .await?;
            let details = json!({ "member": member.0, "mode": mode });
            self.event(tx, FACILITATOR, "sitting.attendance", sitting, details).await?;
        }
        for (login, asked, started, ended) in TURNS {
            sqlx::query(
                "insert into speaking_turns (sitting_id, user_id, created_at, started_at, ended_at) values ($1, $2, $3, $4, $5)",
            )
            .bind(sitting.0)
            .bind(self.user(login)?.0)
            .bind(start + asked)
            .bind(start + started)
            .bind(start + ended)
            .execute(&mut **tx)
            .await?;
        }
        sqlx::query("update sittings set status = 'closed', started_at = $1, ended_at = $2 where id = $3")
            .bind(start + STARTED)
            .bind(start + ENDED)
            .bind(sitting.0)
            .execute(&mut **tx)
            .await?;
        self.event(tx, FACILITATOR, "sitting.start", sitting, json!({ "objective": null })).await?;
        self.event(tx, FACILITATOR, "sitting.close", sitting, json!({ "objective": null })).await
    }

    /// One round: opened, voted (ballots a few seconds apart), closed by the facilitator.
    async fn round(&self, sitting: SittingId, start: i64, r: &DemoRound) -> anyhow::Result<RoundId> {
        let db = &self.state.db;
        let facilitator = self.user(FACILITATOR)?;
        let ids = r.objectives.iter().map(|t| self.objective(t)).collect::<anyhow::Result<Vec<i64>>>()?;
        let opened = start + r.opens;
        let round = insert_round(db, self.assembly, sitting, facilitator, &r.rules, &ids, r.secret, None, opened)
            .await
            .map_err(fail)?;
        for (i, (login, vote)) in r.ballots.iter().enumerate() {
            let voter = self.user(login)?;
            let cast_by = if *login == PROXY.0 { self.user(PROXY.1)? } else { voter };
            let content = ballot(&ids, vote)?;
            let at = opened + 25 + i as i64 * 23;
            anyhow::ensure!(at < start + r.closes, "demo sittings: a ballot after its round closed");
            store_ballot(db, round, r.secret, voter, cast_by, &serde_json::to_value(&content)?, None, at)
                .await
                .map_err(fail)?;
        }
        let closed =
            close_at(db, &self.state.events, round, Some(facilitator), start + r.closes).await.map_err(fail)?;
        anyhow::ensure!(closed, "demo sittings: round {round} was already closed");
        Ok(round)
    }
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
