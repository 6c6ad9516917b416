//! The demo's commitments (issue #5), plain data; `outcomes.rs` replays them. What the town
//! hall promised for five objectives the sittings adopted, one in each status the public
//! sees — planned, in progress, late, done and abandoned — with their history, milestones,
//! indicators measured on the first of each month over the last year, and progress
//! updates. Three follow the first sitting's vote, a year ago; two the second sitting's,
//! three weeks ago. Times are in days from the load; dates are Paris dates.
use app::commitments::{Direction, Status};

/// Who publishes and follows the commitments: Sophie Lefèvre, of the reception service.
pub const STAFF: &str = "accueil";
/// Notifications older than this many days have been read, except by `NEVER_READS`.
pub const READ_AFTER_DAYS: i64 = 30;
pub const NEVER_READS: &str = "yannick";

pub struct DemoCommitment {
    /// The title of an objective of `content.rs` a sitting adopted (`sittings.rs`).
    pub objective: &'static str,
    pub service: &'static str,
    pub contact_role: &'static str,
    /// Markdown.
    pub summary: &'static str,
    /// Days before the load it was published, as planned: after the vote.
    pub created: i64,
    /// Its first target date, in days from the load (negative: past).
    pub target: i64,
    /// What changed since, oldest first.
    pub changes: &'static [DemoChange],
    pub milestones: &'static [DemoMilestone],
    pub indicators: &'static [DemoIndicator],
    /// Oldest first.
    pub updates: &'static [DemoUpdate],
}

pub struct DemoChange {
    pub days_ago: i64,
    pub what: What,
    /// Public; required to abandon, to move the target date and to declare progress.
    pub reason: &'static str,
}

pub enum What {
    Status(Status),
    /// The new target date, in days from the load.
    TargetDate(i64),
    /// Declared progress, in percent.
    Progress(u32),
}

pub struct DemoMilestone {
    pub title: &'static str,
    /// Days from the load.
    pub due: i64,
    /// Days from the load (never positive).
    pub done: Option<i64>,
}

pub struct DemoIndicator {
    pub name: &'static str,
    pub unit: &'static str,
    pub baseline: f64,
    pub target: f64,
    pub direction: Direction,
    pub source: &'static str,
    /// The first `n` measurements came from another source.
    pub early_source: Option<(usize, &'static str)>,
    /// One per month, oldest first, measured on the first of the month; the last one on the
    /// first of the current month.
    pub values: &'static [f64],
}

pub struct DemoUpdate {
    pub days_ago: i64,
    /// Markdown.
    pub body: &'static str,
}

const DECROCHER: &str = "Décrocher plus vite au standard de la mairie";
const GUICHET: &str = "Réduire l’attente au guichet de l’état civil";
const NUMERO: &str = "Un numéro unique pour toutes les questions";
const ACCUSER: &str = "Accuser réception de chaque courriel";
const SIGNALER: &str = "Une application pour signaler un problème dans la rue";

/// The share of calls answered, in the indicator the tests look for.
pub const CALLS: &str = "Part des appels décrochés";

use Status::{Abandoned, Done, InProgress};

pub const COMMITMENTS: &[DemoCommitment] = &[
    // Planned: adopted three weeks ago, published a week later.
    DemoCommitment {
        objective: DECROCHER,
        service: "Accueil et citoyenneté",
        contact_role: "responsable de l’accueil",
        summary: "La mairie s’engage à **décrocher 90 % des appels en moins de cinq sonneries** au standard. Le \
numéro unique décroche déjà plus de huit appels sur dix, mais souvent après une longue attente.

Ce qui est prévu :
- analyser avec l’opérateur les heures où les appels sont perdus ;
- renforcer le standard aux heures de pointe (lundi matin, midi, veille des vacances scolaires) ;
- annoncer le temps d’attente estimé dans le message d’accueil.

Le délai de décroché est mesuré chaque mois et publié ici.",
        created: 13,
        target: 240,
        changes: &[],
        milestones: &[
            DemoMilestone {
                title: "Analyse des appels perdus par tranche horaire avec l’opérateur",
                due: 25,
                done: None,
            },
            DemoMilestone { title: "Renfort d’un agent au standard aux heures de pointe", due: 75, done: None },
            DemoMilestone {
                title: "Message d’accueil annonçant le temps d’attente estimé", due: 130, done: None
            },
            DemoMilestone { title: "Bilan à six mois présenté à l’assemblée", due: 220, done: None },
        ],
        indicators: &[DemoIndicator {
            name: "Appels décrochés en moins de cinq sonneries",
            unit: "%",
            baseline: 71.0,
            target: 90.0,
            direction: Direction::Higher,
            source: "Statistiques du standard téléphonique",
            early_source: None,
            values: &[71.0],
        }],
        updates: &[
            DemoUpdate {
                days_ago: 12,
                body: "L’engagement est publié. Il est suivi par la responsable de l’accueil : écrivez à l’adresse de \
contact de la mairie en indiquant « standard » dans l’objet.",
            },
            DemoUpdate {
                days_ago: 4,
                body:
                    "Première réunion avec l’opérateur : il nous transmettra chaque semaine le nombre d’appels perdus \
par demi-heure. Les premiers chiffres confirment ce que disaient les membres de l’assemblée : **près d’un appel sur \
trois est perdu le lundi entre 8 h 30 et 10 h**.",
            },
        ],
    },
    // In progress: a second counter opened within a week.
    DemoCommitment {
        objective: GUICHET,
        service: "Population et état civil",
        contact_role: "responsable de l’état civil",
        summary: "Objectif : **recevoir 80 % des usagers en moins de 10 minutes** au guichet de l’état civil, et \
ramener le temps d’attente moyen de 18 à 10 minutes.

Les leviers retenus avec les agents :
1. un deuxième guichet ouvert le lundi, jour d’affluence ;
2. un pré-accueil qui vérifie que le dossier est complet avant l’attente ;
3. une borne de tickets qui affiche le temps d’attente estimé.",
        created: 11,
        target: 150,
        changes: &[DemoChange {
            days_ago: 6,
            what: What::Status(InProgress),
            reason: "Un deuxième guichet est ouvert le lundi.",
        }],
        milestones: &[
            DemoMilestone { title: "Deuxième guichet ouvert le lundi", due: -5, done: Some(-6) },
            DemoMilestone { title: "Pré-accueil pour vérifier les dossiers avant l’attente", due: 35, done: None },
            DemoMilestone { title: "Borne de tickets et écran d’appel dans le hall", due: 90, done: None },
            DemoMilestone { title: "Bilan des temps d’attente avec l’assemblée", due: 140, done: None },
        ],
        indicators: &[DemoIndicator {
            name: "Temps d’attente moyen au guichet",
            unit: "minutes",
            baseline: 18.0,
            target: 10.0,
            direction: Direction::Lower,
            source: "Comptage à l’accueil",
            early_source: None,
            values: &[18.0, 17.4, 19.1, 18.3, 17.2, 18.6, 20.4, 19.2, 17.8, 18.1, 17.0, 16.4],
        }],
        updates: &[
            DemoUpdate {
                days_ago: 10,
                body: "L’engagement est publié. Nous y avons repris les comptages mensuels faits à l’accueil depuis \
l’obtention du label Qualiville : le temps d’attente moyen tourne autour de **18 minutes** depuis un an, avec des \
pointes le lundi et avant l’été (cartes d’identité et passeports).",
            },
            DemoUpdate {
                days_ago: 5,
                body:
                    "**Un deuxième guichet est ouvert le lundi** toute la journée. Une agente du service des affaires \
scolaires a été formée aux démarches courantes d’état civil. Premier constat : la file ne déborde plus du hall.",
            },
            DemoUpdate {
                days_ago: 1,
                body:
                    "Le pré-accueil commencera après la formation des agents, prévue le mois prochain. Nous cherchons \
aussi pour la borne de tickets un emplacement accessible en fauteuil.",
            },
        ],
    },
    // Late: the single number works for six services out of eight; the last two wait for the
    // operator, past the target date.
    DemoCommitment {
        objective: NUMERO,
        service: "Accueil et citoyenneté",
        contact_role: "responsable de l’accueil",
        summary: "Un seul numéro pour joindre la mairie, avec un agent d’accueil qui répond aux questions simples et \
oriente vers le bon service, au lieu d’une dizaine de numéros directs :
- une plateforme téléphonique qui répartit les appels entre les agents disponibles ;
- un pré-accueil formé aux questions les plus fréquentes ;
- les numéros directs des services renvoyés vers le numéro unique.

Indicateur suivi : la part des appels décrochés, de **62 %** au départ à **90 %**.",
        created: 352,
        target: -40,
        changes: &[
            DemoChange { days_ago: 320, what: What::Status(InProgress), reason: "" },
            DemoChange {
                days_ago: 21,
                what: What::Progress(85),
                reason: "Six services sur huit sont raccordés ; restent les lignes de l’urbanisme et des services \
techniques.",
            },
        ],
        milestones: &[
            DemoMilestone { title: "Choix de la plateforme téléphonique", due: -300, done: Some(-305) },
            DemoMilestone {
                title: "Formation des agents d’accueil au pré-accueil téléphonique",
                due: -240,
                done: Some(-236),
            },
            DemoMilestone {
                title: "Mise en service pour l’accueil, l’état civil, les écoles et le CCAS",
                due: -180,
                done: Some(-172),
            },
            DemoMilestone { title: "Raccordement de l’urbanisme et des services techniques", due: -40, done: None },
        ],
        indicators: &[DemoIndicator {
            name: CALLS,
            unit: "%",
            baseline: 62.0,
            target: 90.0,
            direction: Direction::Higher,
            source: "Statistiques du standard téléphonique",
            early_source: None,
            values: &[62.0, 63.4, 65.1, 64.2, 68.7, 71.9, 73.5, 72.8, 77.4, 79.6, 81.2, 84.1],
        }],
        updates: &[
            DemoUpdate {
                days_ago: 345,
                body: "L’engagement est publié. Trois prestataires de plateformes téléphoniques sont consultés ; le \
choix sera fait d’ici deux mois, avec le service informatique.",
            },
            DemoUpdate {
                days_ago: 235,
                body: "Les six agents d’accueil ont suivi deux jours de formation au pré-accueil téléphonique. Ils \
disposent d’une fiche pour chacune des **quarante questions les plus fréquentes**.",
            },
            DemoUpdate {
                days_ago: 170,
                body:
                    "**Le numéro unique est en service** pour l’accueil général, l’état civil, les écoles et le CCAS. \
Les anciens numéros directs de ces services y renvoient automatiquement.",
            },
            DemoUpdate {
                days_ago: 22,
                body: "Le raccordement de l’urbanisme et des services techniques prend du retard : l’opérateur doit \
transférer leurs lignes et ne l’a pas encore programmé. Nous le relançons chaque semaine et publierons une nouvelle \
date dès qu’il l’aura confirmée. En attendant, la part des appels décrochés continue de progresser : **elle dépasse \
désormais 80 %**.",
            },
        ],
    },
    // Done, after its target date was moved once.
    DemoCommitment {
        objective: ACCUSER,
        service: "Direction du numérique",
        contact_role: "cheffe de projet relation aux usagers",
        summary: "Chaque courriel adressé à la mairie reçoit **sous 24 heures ouvrées** un accusé de réception qui \
indique :
- le service qui traite la demande ;
- la date de réponse prévue ;
- un numéro de dossier à rappeler en cas de relance.

Les courriels sont enregistrés dans un outil de suivi commun à tous les services, qui mesure aussi le délai de \
réponse.",
        created: 348,
        target: -150,
        changes: &[
            DemoChange { days_ago: 330, what: What::Status(InProgress), reason: "" },
            DemoChange {
                days_ago: 176,
                what: What::TargetDate(-60),
                reason: "Le module d’accusé de réception a été livré avec deux mois de retard ; tous les services \
seront formés avant de l’activer.",
            },
            DemoChange {
                days_ago: 66,
                what: What::Status(Done),
                reason: "Tous les services accusent réception des courriels avec un numéro de dossier.",
            },
        ],
        milestones: &[
            DemoMilestone { title: "Choix de l’outil de suivi des courriels", due: -280, done: Some(-284) },
            DemoMilestone {
                title: "Modèles d’accusé de réception relus par des membres de l’assemblée",
                due: -220,
                done: Some(-214),
            },
            DemoMilestone { title: "Formation des agents de tous les services", due: -120, done: Some(-95) },
            DemoMilestone {
                title: "Accusé de réception automatique activé pour tous les services",
                due: -60,
                done: Some(-68),
            },
        ],
        indicators: &[DemoIndicator {
            name: "Délai médian de réponse aux courriels",
            unit: "heures",
            baseline: 72.0,
            target: 48.0,
            direction: Direction::Lower,
            source: "Outil de suivi des courriels",
            early_source: Some((3, "Relevé manuel de la boîte de contact")),
            values: &[72.0, 70.5, 71.8, 66.0, 63.2, 58.4, 55.1, 51.3, 47.6, 46.9, 45.8, 44.5],
        }],
        updates: &[
            DemoUpdate {
                days_ago: 340,
                body: "L’engagement est publié. Relevé à la main sur l’adresse de contact, le délai médian de réponse \
est aujourd’hui de **72 heures**, et aucun accusé de réception n’est envoyé.",
            },
            DemoUpdate {
                days_ago: 212,
                body: "Trois membres de l’assemblée ont relu les modèles d’accusé de réception. Leurs demandes, \
retenues : le **nom du service** plutôt qu’un sigle, et une date de réponse plutôt qu’un délai.",
            },
            DemoUpdate {
                days_ago: 175,
                body: "Le module d’accusé de réception a été livré avec deux mois de retard. Plutôt que de l’activer \
service par service, nous formons d’abord tous les agents : la date cible est repoussée de trois mois.",
            },
            DemoUpdate {
                days_ago: 65,
                body:
                    "**C’est fait** : tous les services accusent réception des courriels sous 24 heures ouvrées, avec \
un numéro de dossier. Le délai médian de réponse est passé sous l’objectif de 48 heures ; nous continuerons de le \
publier chaque mois.",
            },
        ],
    },
    // Abandoned, for a public reason: the towns' association builds the same application.
    DemoCommitment {
        objective: SIGNALER,
        service: "Services techniques",
        contact_role: "responsable des services techniques",
        summary: "Permettre de signaler en deux minutes un problème dans l’espace public (lampadaire en panne, \
nid-de-poule, dépôt sauvage), **avec une photo et la localisation**, puis de suivre son traitement.

Objectif retenu par l’assemblée : prendre en charge 100 % des signalements sous 48 heures.",
        created: 346,
        target: 20,
        changes: &[
            DemoChange { days_ago: 290, what: What::Status(InProgress), reason: "" },
            DemoChange {
                days_ago: 95,
                what: What::Status(Abandoned),
                reason: "La communauté d’agglomération ouvre une application de signalement commune à ses douze \
communes. Plutôt que de financer un outil concurrent, la mairie y raccorde ses services techniques.",
            },
        ],
        milestones: &[
            DemoMilestone {
                title: "Recensement des signalements reçus par téléphone et par courriel",
                due: -290,
                done: Some(-292),
            },
            DemoMilestone { title: "Comparaison des solutions existantes", due: -200, done: Some(-185) },
            DemoMilestone { title: "Choix de la solution et paramétrage", due: -60, done: None },
            DemoMilestone { title: "Ouverture au public", due: 20, done: None },
        ],
        indicators: &[],
        updates: &[
            DemoUpdate {
                days_ago: 330,
                body: "L’engagement est publié. Les services techniques recensent d’abord les signalements reçus \
aujourd’hui : environ **350 par mois**, dont la moitié par téléphone.",
            },
            DemoUpdate {
                days_ago: 184,
                body: "Nous avons comparé quatre solutions, dont celle que prépare la communauté d’agglomération pour \
ses douze communes. La décision sera prise avec elle dans les prochains mois.",
            },
            DemoUpdate {
                days_ago: 95,
                body:
                    "**Nous abandonnons cet engagement**, pour une bonne raison : l’application de signalement de la \
communauté d’agglomération couvrira Val-de-Brise dès son ouverture. Nos services techniques y seront raccordés, et \
l’objectif de prise en charge sous 48 heures est maintenu pour nos équipes. Nous présenterons ce choix à l’assemblée \
lors de sa prochaine séance.",
            },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::content::OBJECTIVES;
    use crate::demo::sittings::tests::decided;
    use crate::demo::sittings::{result, DemoSitting, FIRST};
    use crate::demo::PEOPLE;
    use app::accounts::Role;
    use app::commitments::{shown_status, Shown};
    use app::ids::ObjectiveId;
    use app::voting::RoundResult;
    use std::collections::BTreeSet;

    /// The shown status of each, on a day.
    fn shown(c: &DemoCommitment) -> Shown {
        let mut status = Status::Planned;
        let mut target = c.target;
        for change in c.changes {
            match change.what {
                What::Status(s) => status = s,
                What::TargetDate(d) => target = d,
                What::Progress(_) => {}
            }
        }
        // Days from the load as dates that compare as text.
        let day = |d: i64| format!("{:06}", 500_000 + d);
        shown_status(status, &day(target), &day(0))
    }

    #[test]
    fn one_commitment_in_each_shown_status() {
        let shown: BTreeSet<&str> = COMMITMENTS.iter().map(|c| shown(c).as_str()).collect();
        let all: BTreeSet<&str> = Shown::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(shown, all);
        assert_eq!(COMMITMENTS.len(), Shown::ALL.len());
    }

    /// The sitting whose yes/no round adopted `title`, if one did.
    fn adopted_at(title: &str) -> Option<&'static DemoSitting> {
        let (_, s, h, r) = decided().into_iter().find(|(t, ..)| *t == title)?;
        let RoundResult::YesNo(results) = result(h, r) else { return None };
        let position = ObjectiveId(r.objectives.iter().position(|t| *t == title)? as i64);
        results.iter().any(|(o, r)| *o == position && r.adopted).then_some(s)
    }

    #[test]
    fn each_commitment_follows_the_vote_that_adopted_its_objective() {
        let objectives: BTreeSet<&str> = COMMITMENTS.iter().map(|c| c.objective).collect();
        assert_eq!(objectives.len(), COMMITMENTS.len(), "one commitment per objective");
        for c in COMMITMENTS {
            let s = adopted_at(c.objective).unwrap_or_else(|| panic!("{} was not adopted", c.objective));
            assert!(c.created < -s.day, "{}: published after « {} »", c.objective, s.title);
        }
        let first = COMMITMENTS.iter().filter(|c| adopted_at(c.objective).is_some_and(|s| s.title == FIRST.title));
        assert_eq!(first.count(), 3, "the first sitting's three objectives became commitments");
    }

    #[test]
    fn the_story_of_each_commitment_holds_together() {
        for c in COMMITMENTS {
            let o = OBJECTIVES.iter().find(|o| o.title == c.objective).expect(c.objective);
            assert!(!o.supporters.is_empty());
            assert!(c.milestones.len() >= 3 && c.updates.len() >= 2, "{}", c.objective);
            let mut last = c.created;
            let mut status = Status::Planned;
            for change in c.changes {
                assert!(change.days_ago < last, "{}: changes in order", c.objective);
                last = change.days_ago;
                match change.what {
                    What::Status(s) => {
                        assert_ne!(s, status);
                        assert!(s != Status::Abandoned || !change.reason.is_empty());
                        status = s;
                    }
                    What::TargetDate(_) | What::Progress(_) => assert!(!change.reason.is_empty()),
                }
            }
            let mut last = c.created;
            for u in c.updates {
                assert!(u.days_ago < last && u.days_ago > 0, "{}: updates in order", c.objective);
                last = u.days_ago;
            }
            for m in c.milestones {
                assert!(m.done.is_none_or(|d| d <= 0 && -d < c.created), "{}: {}", c.objective, m.title);
                if status == Status::Done {
                    assert!(m.done.is_some(), "{}: {}", c.objective, m.title);
                }
            }
            for i in c.indicators {
                assert!(i.values.len() == 1 || i.values.len() == 12, "{}", i.name);
                assert!(i.early_source.is_none_or(|(n, _)| n < i.values.len()));
            }
        }
        let kinds =
            |f: fn(&What) -> bool| COMMITMENTS.iter().filter(|c| c.changes.iter().any(|ch| f(&ch.what))).count();
        assert!(kinds(|w| matches!(w, What::TargetDate(_))) >= 1);
        assert!(kinds(|w| matches!(w, What::Progress(_))) >= 1);
    }

    #[test]
    fn every_member_hears_of_a_commitment() {
        let told = |login: &str| {
            COMMITMENTS.iter().any(|c| {
                let o = OBJECTIVES.iter().find(|o| o.title == c.objective).expect(c.objective);
                o.author == login || o.supporters.contains(&login)
            })
        };
        for p in PEOPLE.iter().filter(|p| p.roles.contains(&Role::Member)) {
            assert!(told(p.login), "{} proposed or supported no commitment's objective", p.login);
        }
    }

    #[test]
    fn the_calls_answered_rise_from_62_towards_90() {
        let calls = COMMITMENTS.iter().flat_map(|c| c.indicators).find(|i| i.name == CALLS).unwrap();
        assert_eq!((calls.baseline, calls.target, calls.direction), (62.0, 90.0, Direction::Higher));
        assert_eq!(calls.values.len(), 12);
        assert_eq!(calls.values[0], 62.0);
        assert!(calls.values.windows(3).all(|w| w[2] > w[0]), "rising, with some noise");
        assert!((80.0..90.0).contains(calls.values.last().unwrap()));
    }
}
