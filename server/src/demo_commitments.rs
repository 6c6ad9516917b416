//! The demo's commitments (issue #5): what the town hall promised for five adopted
//! objectives, one in each status the public sees — planned, in progress, late, done and
//! abandoned — with their history, milestones, indicators measured on the first of each
//! month over the last year, progress updates, and the notifications their proposers and
//! supporters received.
//!
//! Two objectives were adopted by the yes/no rounds of the demo's past sitting, twenty days
//! before the load: their commitments are a fortnight old. The three others stand for the
//! assembly's first sitting, a year earlier (the past sitting is "séance n°2"): they are
//! marked adopted here, without a vote round, and moved back in time by `EARLIER` days with
//! their versions and supports, so that nothing is dated before the objective it follows.
//! Rows are written as the server functions of `app::commitments::api` write them (same
//! SQL, same changes, notifications and audit actions), back-dated. Times are relative to
//! the load; dates are Paris dates, `YYYY-MM-DD`.
use super::fail;
use app::audit::store::{record, Event};
use app::commitments::{Direction, Status};
use app::i18n_texts::paris_offset_hours;
use app::ids::{AssemblyId, UserId};
use app::markdown::render;
use app::state::AppState;
use serde_json::json;
use std::collections::HashMap;

type Tx<'a> = sqlx::Transaction<'a, sqlx::Any>;

/// Who publishes and follows the commitments: Sophie Lefèvre, of the reception service.
pub const STAFF: &str = "accueil";
/// The assembly's first sitting, where the three older objectives were adopted.
pub const FIRST_SITTING: &str = "Séance n°1 — premières propositions";
/// Days before the load that the first sitting adopted them.
const FIRST_SITTING_DAY: i64 = 375;
/// How many days earlier than in `demo_content.rs` the first sitting's objectives were published.
const EARLIER: i64 = 400;
/// Notifications older than this many days have been read, except by `NEVER_READS`.
const READ_AFTER_DAYS: i64 = 30;
const NEVER_READS: &str = "yannick";

pub struct DemoCommitment {
    /// The objective's title in `demo_content.rs`.
    pub objective: &'static str,
    /// Adopted at the first sitting a year ago, rather than by the demo's vote.
    pub first_sitting: bool,
    pub service: &'static str,
    pub contact_role: &'static str,
    /// Markdown.
    pub summary: &'static str,
    /// Days before the load it was published, as planned.
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
        first_sitting: false,
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
        first_sitting: false,
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
        first_sitting: true,
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
        first_sitting: true,
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
        first_sitting: true,
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

pub struct Summary {
    pub commitments: usize,
    pub measurements: usize,
    pub notifications: i64,
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn iso(y: i64, m: i64, d: i64) -> String {
    format!("{y}-{m:02}-{d:02}")
}

/// Paris days since 1970-01-01 at `ts`.
fn paris_day(ts: i64) -> i64 {
    (ts + i64::from(paris_offset_hours(ts)) * 3600).div_euclid(86_400)
}

/// `minutes` after midnight, Paris time, on the Paris day `day`.
fn paris_at(day: i64, minutes: i64) -> i64 {
    let naive = day * 86_400 + minutes * 60;
    // Clocks change at 01:00 UTC: an hour before the naive time has the right offset.
    naive - i64::from(paris_offset_hours(naive - 3600)) * 3600
}

struct Clock {
    now: i64,
    today: i64,
}

impl Clock {
    fn new(now: i64) -> Clock {
        Clock { now, today: paris_day(now) }
    }

    /// The Paris date `days` from the load.
    fn date(&self, days: i64) -> String {
        let (y, m, d) = civil(self.today + days);
        iso(y, m, d)
    }

    /// `minutes` after midnight `days_ago` days before the load, but never in the future.
    fn at(&self, days_ago: i64, minutes: i64) -> i64 {
        paris_at(self.today - days_ago, minutes).min(self.now - 60)
    }

    /// The first of the month `back` months before the current one, as a Paris day.
    fn month_start(&self, back: i64) -> i64 {
        let (y, m, _) = civil(self.today);
        let months = y * 12 + (m - 1) - back;
        days_from_civil(months.div_euclid(12), months.rem_euclid(12) + 1, 1)
    }
}

struct Loader<'a> {
    assembly: AssemblyId,
    users: &'a HashMap<&'static str, UserId>,
    staff: UserId,
    clock: Clock,
}

/// Loads the commitments, in one transaction, once the sittings are: two of them follow
/// the past sitting's votes.
pub async fn load(
    state: &AppState,
    assembly: AssemblyId,
    users: &HashMap<&'static str, UserId>,
    now: i64,
) -> anyhow::Result<Summary> {
    let staff = users.get(STAFF).copied().ok_or_else(|| anyhow::anyhow!("demo commitments: no {STAFF:?}"))?;
    let loader = Loader { assembly, users, staff, clock: Clock::new(now) };
    let mut tx = state.db.pool.begin().await?;
    let mut measurements = 0;
    for c in COMMITMENTS {
        let objective = loader.adopted(&mut tx, c).await?;
        measurements += loader.commitment(&mut tx, c, objective).await?;
    }
    let notifications = loader.read_some(&mut tx).await?;
    tx.commit().await?;
    Ok(Summary { commitments: COMMITMENTS.len(), measurements, notifications })
}

impl Loader<'_> {
    fn user(&self, login: &str) -> anyhow::Result<UserId> {
        self.users.get(login).copied().ok_or_else(|| anyhow::anyhow!("demo commitments: unknown login {login:?}"))
    }

    async fn event(
        &self,
        tx: &mut Tx<'_>,
        actor: UserId,
        action: &str,
        target: (&str, i64),
        details: serde_json::Value,
    ) -> anyhow::Result<()> {
        record(tx, Event::new(Some(actor), self.assembly, action, target).details(details)).await.map_err(fail)
    }

    /// The objective's id, adopted: by the past sitting's vote (checked), or at the first
    /// sitting (set here, the objective moved back in time). Returns (id, adopting round).
    async fn adopted(&self, tx: &mut Tx<'_>, c: &DemoCommitment) -> anyhow::Result<(i64, Option<i64>)> {
        let row: Option<(i64, String)> =
            sqlx::query_as("select id, status from objectives where assembly_id = $1 and title = $2")
                .bind(self.assembly.0)
                .bind(c.objective)
                .fetch_optional(&mut **tx)
                .await?;
        let (id, status) =
            row.ok_or_else(|| anyhow::anyhow!("demo commitments: unknown objective {:?}", c.objective))?;
        if !c.first_sitting {
            anyhow::ensure!(status == "adopted", "demo commitments: {:?} is {status}, not adopted", c.objective);
            // As `create` finds it: the last closed yes/no round it was in.
            let round: Option<(i64,)> = sqlx::query_as(
                "select r.id from round_objectives ro join vote_rounds r on r.id = ro.round_id \
                 where ro.objective_id = $1 and r.status = 'closed' and r.method = 'yes_no' order by r.closed_at desc limit 1",
            )
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
            return Ok((id, round.map(|(r,)| r)));
        }
        anyhow::ensure!(
            status == "proposed" || status == "in_discussion",
            "demo commitments: {:?} is {status}",
            c.objective
        );
        for table in ["comments", "agenda_items", "round_objectives"] {
            let (n,): (i64,) = sqlx::query_as(&format!("select count(*) from {table} where objective_id = $1"))
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
            anyhow::ensure!(n == 0, "demo commitments: {:?} has {table}, it cannot be moved back", c.objective);
        }
        let shift = EARLIER * 86_400;
        sqlx::query(
            "update objectives set created_at = created_at - $1, updated_at = updated_at - $1, \
             published_at = published_at - $1 where id = $2",
        )
        .bind(shift)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        for table in ["objective_versions", "supports"] {
            sqlx::query(&format!("update {table} set created_at = created_at - $1 where objective_id = $2"))
                .bind(shift)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        let (published,): (i64,) =
            sqlx::query_as("select published_at from objectives where id = $1").bind(id).fetch_one(&mut **tx).await?;
        let adopted = self.clock.at(FIRST_SITTING_DAY, 20 * 60 + 10);
        anyhow::ensure!(published < adopted - 14 * 86_400, "demo commitments: {:?} published too late", c.objective);
        sqlx::query("update objectives set status = 'adopted', updated_at = $1 where id = $2")
            .bind(adopted)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        let details = json!({ "from": status, "to": "adopted", "sitting": FIRST_SITTING });
        self.event(tx, self.user("animation")?, "objective.adopt", ("objective", id), details).await?;
        Ok((id, None))
    }

    /// One commitment and everything that followed; returns how many measurements.
    async fn commitment(
        &self,
        tx: &mut Tx<'_>,
        c: &DemoCommitment,
        (objective, round): (i64, Option<i64>),
    ) -> anyhow::Result<usize> {
        let created = self.clock.at(c.created, 10 * 60 + 30);
        let mut target = self.clock.date(c.target);
        let (id,): (i64,) = sqlx::query_as(
            "insert into commitments (assembly_id, objective_id, round_id, service, contact_role, summary_md, summary_html, \
             target_date, created_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
        )
        .bind(self.assembly.0)
        .bind(objective)
        .bind(round)
        .bind(c.service)
        .bind(c.contact_role)
        .bind(c.summary)
        .bind(render(c.summary))
        .bind(&target)
        .bind(self.staff.0)
        .bind(created)
        .fetch_one(&mut **tx)
        .await?;
        self.log_change(tx, id, "created", "", Status::Planned.as_str(), "", created).await?;
        self.notify(tx, id, "created", "", created).await?;
        let details = json!({ "objective": objective, "target_date": target });
        self.event(tx, self.staff, "commitment.create", ("commitment", id), details).await?;
        self.milestones(tx, id, c, created).await?;
        let measurements = self.indicators(tx, id, c, created).await?;
        let mut status = Status::Planned;
        let mut percent: Option<u32> = None;
        for (i, change) in c.changes.iter().enumerate() {
            let at = self.clock.at(change.days_ago, 11 * 60 + 15 + i as i64);
            anyhow::ensure!(at > created, "demo commitments: {:?} changes before it exists", c.objective);
            let (what, value) = match change.what {
                What::Status(new) => {
                    sqlx::query("update commitments set status = $1, status_reason = $2 where id = $3")
                        .bind(new.as_str())
                        .bind(change.reason)
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    self.log_change(tx, id, "status", status.as_str(), new.as_str(), change.reason, at).await?;
                    self.notify(tx, id, "status", new.as_str(), at).await?;
                    status = new;
                    ("status", new.as_str().to_owned())
                }
                What::TargetDate(days) => {
                    let date = self.clock.date(days);
                    sqlx::query("update commitments set target_date = $1 where id = $2")
                        .bind(&date)
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    self.log_change(tx, id, "target_date", &target, &date, change.reason, at).await?;
                    self.notify(tx, id, "target_date", &date, at).await?;
                    target = date.clone();
                    ("target_date", date)
                }
                What::Progress(p) => {
                    sqlx::query("update commitments set progress_override = $1, progress_reason = $2 where id = $3")
                        .bind(i64::from(p))
                        .bind(change.reason)
                        .bind(id)
                        .execute(&mut **tx)
                        .await?;
                    let old = percent.map(|p| p.to_string()).unwrap_or_default();
                    self.log_change(tx, id, "progress", &old, &p.to_string(), change.reason, at).await?;
                    percent = Some(p);
                    ("progress", p.to_string())
                }
            };
            let details = json!({ "value": value, "reason": change.reason });
            self.event(tx, self.staff, &format!("commitment.{what}"), ("commitment", id), details).await?;
        }
        for u in c.updates {
            let at = self.clock.at(u.days_ago, 16 * 60 + 40);
            anyhow::ensure!(at > created, "demo commitments: {:?} has an update before it exists", c.objective);
            let (update,): (i64,) = sqlx::query_as(
                "insert into progress_updates (commitment_id, body_md, body_html, author_id, created_at) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(id)
            .bind(u.body)
            .bind(render(u.body))
            .bind(self.staff.0)
            .bind(at)
            .fetch_one(&mut **tx)
            .await?;
            self.notify(tx, id, "update", "", at).await?;
            self.event(tx, self.staff, "commitment.update", ("commitment", id), json!({ "update": update })).await?;
        }
        Ok(measurements)
    }

    async fn milestones(&self, tx: &mut Tx<'_>, id: i64, c: &DemoCommitment, created: i64) -> anyhow::Result<()> {
        for (i, m) in c.milestones.iter().enumerate() {
            let done = m.done.map(|d| self.clock.date(d));
            let (milestone,): (i64,) = sqlx::query_as(
                "insert into milestones (commitment_id, title, due_date, done_on, created_at) values ($1, $2, $3, $4, $5) returning id",
            )
            .bind(id)
            .bind(m.title)
            .bind(self.clock.date(m.due))
            .bind(&done)
            .bind(created + 600 + i as i64 * 60)
            .fetch_one(&mut **tx)
            .await?;
            self.event(tx, self.staff, "milestone.add", ("commitment", id), json!({ "title": m.title })).await?;
            if done.is_some() {
                let details = json!({ "milestone": milestone, "done": true });
                self.event(tx, self.staff, "milestone.set", ("commitment", id), details).await?;
            }
        }
        Ok(())
    }

    /// The indicators and their monthly measurements; returns how many measurements.
    async fn indicators(&self, tx: &mut Tx<'_>, id: i64, c: &DemoCommitment, created: i64) -> anyhow::Result<usize> {
        let mut count = 0;
        for (i, ind) in c.indicators.iter().enumerate() {
            let added = created + 1200 + i as i64 * 60;
            let (indicator,): (i64,) = sqlx::query_as(
                "insert into indicators (commitment_id, name, unit, baseline, target, direction, created_at) \
                 values ($1, $2, $3, $4, $5, $6, $7) returning id",
            )
            .bind(id)
            .bind(ind.name)
            .bind(ind.unit)
            .bind(ind.baseline)
            .bind(ind.target)
            .bind(ind.direction.as_str())
            .bind(added)
            .fetch_one(&mut **tx)
            .await?;
            self.event(tx, self.staff, "indicator.add", ("commitment", id), json!({ "name": ind.name })).await?;
            let n = ind.values.len() as i64;
            for (k, value) in ind.values.iter().enumerate() {
                let day = self.clock.month_start(n - 1 - k as i64);
                let (y, m, d) = civil(day);
                let on = iso(y, m, d);
                let source = match ind.early_source {
                    Some((early, s)) if k < early => s,
                    _ => ind.source,
                };
                // Entered a couple of days after the month's figures came in, or with the
                // indicator for the months before it.
                let entered = paris_at(day + 2, 9 * 60 + k as i64).max(added + 60 + k as i64).min(self.clock.now - 60);
                sqlx::query(
                    "insert into measurements (indicator_id, measured_on, value, source, author_id, created_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(indicator)
                .bind(&on)
                .bind(*value)
                .bind(source)
                .bind(self.staff.0)
                .bind(entered)
                .execute(&mut **tx)
                .await?;
                let details = json!({ "indicator": indicator, "on": on, "value": value });
                self.event(tx, self.staff, "measurement.add", ("commitment", id), details).await?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// As `log_change` in `app::commitments::api`, back-dated.
    #[allow(clippy::too_many_arguments)]
    async fn log_change(
        &self,
        tx: &mut Tx<'_>,
        id: i64,
        kind: &str,
        old: &str,
        new: &str,
        reason: &str,
        at: i64,
    ) -> anyhow::Result<()> {
        sqlx::query(
            "insert into commitment_changes (commitment_id, kind, old_value, new_value, reason, author_id, created_at) \
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(kind)
        .bind(old)
        .bind(new)
        .bind(reason)
        .bind(self.staff.0)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        sqlx::query("update commitments set updated_at = $1 where id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// As `notify` in `app::commitments::api`: the objective's author and supporters, back-dated.
    async fn notify(&self, tx: &mut Tx<'_>, id: i64, kind: &str, detail: &str, at: i64) -> anyhow::Result<()> {
        sqlx::query(
            "insert into notifications (user_id, commitment_id, kind, detail, created_at) \
             select p.user_id, c.id, $2, $3, $4 from commitments c join ( \
               select o.id as objective_id, o.author_id as user_id from objectives o \
               union select s.objective_id, s.user_id from supports s \
             ) p on p.objective_id = c.objective_id where c.id = $1",
        )
        .bind(id)
        .bind(kind)
        .bind(detail)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Members read their older notifications the next day, except one who never signs in;
    /// the last month's are unread. Returns how many notifications in all.
    async fn read_some(&self, tx: &mut Tx<'_>) -> anyhow::Result<i64> {
        sqlx::query(
            "update notifications set read_at = created_at + 26 * 3600 where created_at < $1 and user_id <> $2 \
             and commitment_id in (select id from commitments where assembly_id = $3)",
        )
        .bind(self.clock.now - READ_AFTER_DAYS * 86_400)
        .bind(self.user(NEVER_READS)?.0)
        .bind(self.assembly.0)
        .execute(&mut **tx)
        .await?;
        let (n,): (i64,) = sqlx::query_as(
            "select count(*) from notifications where commitment_id in (select id from commitments where assembly_id = $1)",
        )
        .bind(self.assembly.0)
        .fetch_one(&mut **tx)
        .await?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::content::OBJECTIVES;
    use crate::demo::sittings::{NEXT, PAST, ROUNDS};
    use app::commitments::{shown_status, Shown};
    use std::collections::BTreeSet;

    #[test]
    fn dates_are_counted_in_days_from_the_epoch() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_000), (2024, 10, 4));
        assert_eq!(civil(-1), (1969, 12, 31));
        for days in [-800, 0, 59, 60, 11_016, 20_000, 20_513, 30_000] {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // 2026-03-31 (Paris), a year and a month back: 2025-02-01.
        let clock = Clock { now: 0, today: days_from_civil(2026, 3, 31) };
        assert_eq!(civil(clock.month_start(0)), (2026, 3, 1));
        assert_eq!(civil(clock.month_start(13)), (2025, 2, 1));
        assert_eq!(clock.date(1), "2026-04-01");
        // 15 June 2026 at 10:30 in Paris is 08:30 UTC.
        assert_eq!(
            paris_at(days_from_civil(2026, 6, 15), 10 * 60 + 30),
            days_from_civil(2026, 6, 15) * 86_400 + 8 * 3600 + 1800
        );
    }

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

    #[test]
    fn the_story_of_each_commitment_holds_together() {
        let decided: Vec<&str> = ROUNDS.iter().flat_map(|r| r.objectives.iter().copied()).collect();
        for c in COMMITMENTS {
            let o = OBJECTIVES.iter().find(|o| o.title == c.objective).expect(c.objective);
            if c.first_sitting {
                assert!(!decided.contains(&c.objective) && !NEXT.agenda.contains(&c.objective), "{}", c.objective);
                assert!(o.comments.is_empty() && o.days_ago + EARLIER > FIRST_SITTING_DAY + 14, "{}", c.objective);
                assert!(c.created < FIRST_SITTING_DAY, "{}", c.objective);
            } else {
                assert!(PAST.agenda.contains(&c.objective), "{}", c.objective);
                assert!(c.created < -PAST.day, "{}", c.objective);
            }
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
    fn the_calls_answered_rise_from_62_towards_90() {
        let calls = COMMITMENTS.iter().flat_map(|c| c.indicators).find(|i| i.name == CALLS).unwrap();
        assert_eq!((calls.baseline, calls.target, calls.direction), (62.0, 90.0, Direction::Higher));
        assert_eq!(calls.values.len(), 12);
        assert_eq!(calls.values[0], 62.0);
        assert!(calls.values.windows(3).all(|w| w[2] > w[0]), "rising, with some noise");
        assert!((80.0..90.0).contains(calls.values.last().unwrap()));
    }
}
