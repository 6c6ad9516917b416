//! The demo's sittings (issue #4), plain data; `votes.rs` replays them. The first, a year
//! ago, adopted three objectives by a public yes/no vote; the second, three weeks ago, holds
//! closed rounds of each method; the third is planned. All run 18:30–20:30, Paris time.
use app::ids::ObjectiveId;
use app::voting::tally::{Abstentions, Choice, Grade, Quorum, Threshold, YesNoRules};
use app::voting::{BallotContent, Rules};
use std::collections::BTreeMap;

pub const FACILITATOR: &str = "animation";
pub const PLACE: &str = "Salle du conseil, mairie de Val-de-Brise";
pub const ONLINE_URL: &str = "https://visio.val-de-brise.fr/assemblee";

// The objectives of `content.rs` the sittings deal with.
const NUMERO: &str = "Un numéro unique pour toutes les questions";
const ACCUSER: &str = "Accuser réception de chaque courriel";
const SIGNALER: &str = "Une application pour signaler un problème dans la rue";
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
    /// What happened in it, once held.
    pub held: Option<Held>,
}

pub struct Held {
    /// Seconds after the planned start: the facilitator opens it, then closes it.
    pub started: i64,
    pub ended: i64,
    /// Who came, and how (`room` or `online`).
    pub attendance: &'static [(&'static str, &'static str)],
    /// (giver, holder): the giver is absent, the holder present.
    pub proxy: Option<(&'static str, &'static str)>,
    /// Speaking turns: who, and seconds after the start when they asked for the floor, got
    /// it, and gave it back.
    pub turns: &'static [(&'static str, i64, i64, i64)],
    /// In order. Each objective is in one open round at a time.
    pub rounds: &'static [DemoRound],
}

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
use Vote::{Approve, Grades, YesNo};

/// Every sitting, oldest first.
pub static SITTINGS: [&DemoSitting; 3] = [&FIRST, &PAST, &NEXT];

/// The assembly's first sitting: the authors present their proposals, and one public vote
/// adopts all three. Chloé is excused.
pub static FIRST: DemoSitting = DemoSitting {
    title: "Séance n°1 — premières propositions",
    day: -375,
    minutes: 120,
    planned_days_before: 21,
    agenda_hours_before: 3 * 24,
    agenda: &[NUMERO, ACCUSER, SIGNALER],
    held: Some(Held {
        started: 5 * 60,
        ended: 112 * 60,
        attendance: &[
            ("animation", "room"),
            ("thomas", "room"),
            ("lucie", "room"),
            ("jeanpierre", "room"),
            ("awa", "room"),
            ("fatima", "room"),
            ("marcel", "room"),
            ("yannick", "online"),
        ],
        proxy: None,
        turns: &[
            ("thomas", 600, 660, 860),
            ("lucie", 700, 870, 1080),
            ("jeanpierre", 900, 1090, 1300),
            ("marcel", 1500, 1560, 1680),
            ("yannick", 1620, 1700, 1790),
        ],
        rounds: &[
            // Public, quorum of half the members present, simple majority of the votes cast.
            DemoRound {
                rules: Rules::YesNo(YesNoRules {
                    quorum: Quorum::Present(50),
                    threshold: Threshold::SimpleMajority,
                    abstentions: Abstentions::Excluded,
                }),
                secret: false,
                objectives: &[NUMERO, ACCUSER, SIGNALER],
                opens: 3600,
                closes: 4500,
                ballots: &[
                    ("thomas", YesNo(&[Y, Y, Y])),
                    ("lucie", YesNo(&[Y, Y, N])),
                    ("jeanpierre", YesNo(&[N, Y, Y])),
                    ("awa", YesNo(&[Y, Y, A])),
                    ("fatima", YesNo(&[Y, A, Y])),
                    ("marcel", YesNo(&[A, Y, N])),
                    ("yannick", YesNo(&[Y, Y, Y])),
                    ("animation", YesNo(&[Y, Y, Y])),
                ],
            },
        ],
    }),
};

pub static PAST: DemoSitting = DemoSitting {
    title: "Séance n°2 — priorités pour l’accueil",
    day: -20,
    minutes: 120,
    planned_days_before: 14,
    agenda_hours_before: 8,
    agenda: &[DECROCHER, COURRIERS, GUICHET, RAPPELER, RENDEZ_VOUS, SAMEDI, ENQUETE],
    held: Some(Held {
        started: 4 * 60,
        ended: 117 * 60,
        // Lucie is excused, Yannick gives his proxy.
        attendance: &[
            ("animation", "room"),
            ("awa", "room"),
            ("jeanpierre", "room"),
            ("fatima", "room"),
            ("marcel", "room"),
            ("thomas", "online"),
            ("chloe", "online"),
        ],
        proxy: Some(("yannick", "marcel")),
        turns: &[
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
        ],
        rounds: PAST_ROUNDS,
    }),
};

/// Its agenda: the three objectives with enough supports that the vote leaves open.
pub static NEXT: DemoSitting = DemoSitting {
    title: "Séance n°3 — rendez-vous en ligne, samedi matin et accessibilité",
    day: 10,
    minutes: 120,
    planned_days_before: 13,
    agenda_hours_before: 12 * 24,
    agenda: &[RENDEZ_VOUS, SAMEDI, ACCESSIBLE],
    held: None,
};

/// The ranking rounds come last, and give their objectives their status back.
const PAST_ROUNDS: &[DemoRound] = &[
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

/// A ballot as the voting form would have produced it, for the objectives `ids` of its round.
pub fn ballot(ids: &[ObjectiveId], vote: &Vote) -> anyhow::Result<BallotContent> {
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

/// The round's result as closing it computes, with its objectives' positions as ids.
#[cfg(test)]
pub fn result(held: &Held, r: &DemoRound) -> app::voting::RoundResult {
    let ids: Vec<ObjectiveId> = (0..r.objectives.len() as i64).map(ObjectiveId).collect();
    let ballots: Vec<BallotContent> = r.ballots.iter().map(|(_, v)| ballot(&ids, v).unwrap()).collect();
    let present = (held.attendance.len() + usize::from(held.proxy.is_some())) as u32;
    let members = crate::demo::PEOPLE.iter().filter(|p| tests::votes(p.login)).count() as u32;
    app::voting::compute_result(&r.rules, &ids, &ballots, members, present)
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::demo::content::{DemoObjective, OBJECTIVES, SUPPORT_THRESHOLD};
    use crate::demo::PEOPLE;
    use app::accounts::Role;
    use app::objectives::{ready_for_agenda, Status};
    use app::voting::RoundResult;

    /// Members and facilitators vote.
    pub fn votes(login: &str) -> bool {
        PEOPLE
            .iter()
            .any(|p| p.login == login && (p.roles.contains(&Role::Member) || p.roles.contains(&Role::Facilitator)))
    }

    fn held() -> impl Iterator<Item = (&'static DemoSitting, &'static Held)> {
        SITTINGS.iter().filter_map(|s| s.held.as_ref().map(|h| (*s, h)))
    }

    fn objective(title: &str) -> &'static DemoObjective {
        OBJECTIVES.iter().find(|o| o.title == title).expect(title)
    }

    #[test]
    fn sittings_follow_the_app_rules() {
        assert!(SITTINGS.windows(2).all(|w| w[0].day < w[1].day), "oldest first");
        for s in SITTINGS {
            assert!(app::sittings::parse_title(s.title).is_ok(), "{}", s.title);
            assert!(s.agenda.iter().all(|t| OBJECTIVES.iter().any(|o| o.title == *t)), "{}", s.title);
            assert_eq!(s.held.is_some(), s.day < 0, "{}: held if past", s.title);
        }
        for (s, h) in held() {
            let present: Vec<&str> = h.attendance.iter().map(|(l, _)| *l).collect();
            assert!(h.proxy.is_none_or(|(giver, holder)| !present.contains(&giver) && present.contains(&holder)));
            assert!(present.iter().all(|l| votes(l)), "{}", s.title);
            let mut last_end = 0;
            for (login, asked, started, ended) in h.turns {
                assert!(present.contains(login), "{login}");
                assert!(h.started < *asked && asked < started && started < ended && *started >= last_end);
                assert!((40..=240).contains(&(ended - started)));
                last_end = *ended;
            }
            assert!(last_end < h.ended && h.ended <= s.minutes * 60);
            for r in h.rounds {
                assert!(r.objectives.iter().all(|t| s.agenda.contains(t)), "{}", s.title);
                assert!(h.started < r.opens && r.opens < r.closes && r.closes < h.ended);
                assert!(r.opens + 25 + r.ballots.len() as i64 * 23 < r.closes, "ballots before the close");
                for (login, _) in r.ballots {
                    let by_proxy = h.proxy.is_some_and(|(giver, _)| giver == *login);
                    assert!(votes(login) && (present.contains(login) || by_proxy), "{login}");
                }
            }
        }
    }

    #[test]
    fn the_first_sitting_adopts_its_three_objectives_in_public() {
        let h = FIRST.held.as_ref().unwrap();
        assert_eq!(h.rounds.len(), 1);
        let round = &h.rounds[0];
        assert!(!round.secret && round.objectives == FIRST.agenda && FIRST.agenda.len() == 3);
        let RoundResult::YesNo(results) = result(h, round) else { panic!() };
        assert!(results.iter().all(|(_, r)| r.adopted && r.quorum_reached), "{results:?}");
        assert!(results.iter().any(|(_, r)| r.no > 0), "not unanimous");
    }

    #[test]
    fn rounds_show_an_adoption_a_rejection_and_a_tie_break() {
        let h = PAST.held.as_ref().unwrap();
        let RoundResult::YesNo(first) = result(h, &h.rounds[0]) else { panic!() };
        assert!(first[0].1.adopted && first[0].1.quorum_reached);
        assert!(!first[1].1.adopted && first[1].1.quorum_reached);
        let RoundResult::YesNo(second) = result(h, &h.rounds[1]) else { panic!() };
        assert!(second[0].1.adopted);
        assert_eq!((second[0].1.yes, second[0].1.yes_needed), (5, 5), "exactly two thirds of 7");
        let RoundResult::MajorityJudgment { judgment, .. } = result(h, &h.rounds[2]) else { panic!() };
        assert!(judgment.tie_breaks.iter().any(|t| t.step > 0), "{judgment:?}");
        let RoundResult::Approval { counts, .. } = result(h, &h.rounds[3]) else { panic!() };
        assert_eq!(counts, vec![3, 4, 6]);
    }

    /// The titles a yes/no round decided (adopted or rejected), with its sitting.
    pub fn decided() -> Vec<(&'static str, &'static DemoSitting, &'static Held, &'static DemoRound)> {
        let mut out = Vec::new();
        for (s, h) in held() {
            for r in h.rounds.iter().filter(|r| matches!(r.rules, Rules::YesNo(_))) {
                out.extend(r.objectives.iter().map(|t| (*t, s, h, r)));
            }
        }
        out
    }

    #[test]
    fn the_next_agenda_is_ready_and_still_open() {
        let decided = decided();
        assert_eq!(decided.len(), 6, "three at the first sitting, three at the second");
        for title in NEXT.agenda {
            let o = objective(title);
            assert!(decided.iter().all(|(t, ..)| t != title), "{title}");
            assert!(ready_for_agenda(o.status, o.supporters.len() as i64, SUPPORT_THRESHOLD), "{title}");
            assert!(matches!(o.status, Status::Proposed | Status::InDiscussion));
        }
    }

    /// Minutes after publication of the last thing the objective's story holds: a support,
    /// a comment, a moderation, the discussion opened.
    fn story_ends(o: &DemoObjective) -> i64 {
        let supports = o.supporters.len().checked_sub(1).map_or(0, |n| 10 + n as i64 * 170);
        let comments = o.comments.iter().map(|c| c.moderation.map_or(c.minutes, |m| m.minutes.max(c.minutes)));
        let opened = if o.status == Status::InDiscussion { 2 * 1440 } else { 0 };
        comments.chain([supports, opened]).max().unwrap_or(0)
    }

    #[test]
    fn objectives_are_published_before_their_agenda_and_settled_before_their_vote() {
        for s in SITTINGS {
            for title in s.agenda {
                // In hours before the load: published up to ten hours before its day, while a
                // sitting starts up to six hours before the load's time of day, its day.
                let published = objective(title).days_ago * 24;
                assert!(published > -s.day * 24 + s.agenda_hours_before + 6, "{title} in « {} »", s.title);
            }
        }
        for (title, s, ..) in decided() {
            let o = objective(title);
            assert!(matches!(o.status, Status::Proposed | Status::InDiscussion), "{title}");
            // The whole story in minutes, then a day of margin, before the sitting.
            assert!((o.days_ago + s.day - 1) * 1440 > story_ends(o), "{title}: its story runs into its vote");
        }
    }
}
