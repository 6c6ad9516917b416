//! What the demo assembly of Val-de-Brise talks about: objectives inspired by the Qualiville
//! reception framework, their supports, discussions and one moderated comment. Plain data;
//! `objectives.rs` replays it. Times are relative: an objective is published `days_ago` days
//! ago (minus a few hours), its supports and comments minutes after that. Three of them are
//! more than a year old: the first sitting adopted them (`sittings.rs`).
use app::discussion::Stance;
use app::objectives::{Channel, Status};

pub struct DemoObjective {
    /// Login of the author (a member of the assembly).
    pub author: &'static str,
    pub title: &'static str,
    /// Markdown.
    pub body: &'static str,
    pub channel: Channel,
    /// The measurable target; may be empty.
    pub target: &'static str,
    /// Where its author and the facilitator left it (proposed, in discussion, withdrawn or
    /// a draft); the sittings' votes take it further.
    pub status: Status,
    pub days_ago: i64,
    /// Logins of the members who support it (never for a draft).
    pub supporters: &'static [&'static str],
    pub comments: &'static [DemoComment],
}

pub struct DemoComment {
    pub author: &'static str,
    pub stance: Stance,
    pub body: &'static str,
    /// Index of the parent in the same objective's list (always an earlier comment).
    pub replies_to: Option<usize>,
    /// Minutes after the objective was published.
    pub minutes: i64,
    /// Reported, then hidden by a facilitator.
    pub moderation: Option<&'static DemoModeration>,
}

pub struct DemoModeration {
    pub reason: &'static str,
    /// Public note shown with the reason.
    pub note: &'static str,
    /// Login of the facilitator who hid it.
    pub moderator: &'static str,
    /// Minutes after the objective was published.
    pub minutes: i64,
    pub reports: &'static [DemoReport],
}

pub struct DemoReport {
    pub reporter: &'static str,
    pub reason: &'static str,
    pub details: &'static str,
    pub minutes: i64,
}

/// The assembly's support threshold: low enough that a few objectives are ready for the agenda.
pub const SUPPORT_THRESHOLD: i64 = 6;

const fn c(author: &'static str, stance: Stance, body: &'static str, minutes: i64) -> DemoComment {
    DemoComment { author, stance, body, replies_to: None, minutes, moderation: None }
}

const fn r(parent: usize, author: &'static str, stance: Stance, body: &'static str, minutes: i64) -> DemoComment {
    DemoComment { author, stance, body, replies_to: Some(parent), minutes, moderation: None }
}

use Stance::{Against, For, Neutral};

const PERSONAL_PHONE: DemoModeration = DemoModeration {
    reason: "personal_data",
    note: "Numéro de téléphone personnel d’une agente retiré.",
    moderator: "animation",
    minutes: 2250,
    reports: &[
        DemoReport {
            reporter: "lucie",
            reason: "personal_data",
            details: "Numéro de portable personnel d’une agente, cité avec son nom.",
            minutes: 1700,
        },
        DemoReport { reporter: "chloe", reason: "personal_data", details: "", minutes: 1750 },
        DemoReport {
            reporter: "awa",
            reason: "personal_data",
            details: "Je doute que cette personne soit d’accord pour que son numéro soit publié ici.",
            minutes: 1900,
        },
    ],
};

pub const OBJECTIVES: &[DemoObjective] = &[
    DemoObjective {
        author: "awa",
        title: "Décrocher plus vite au standard de la mairie",
        body: "Quand on appelle la mairie en fin de matinée, on tombe souvent sur une longue attente ou sur la \
messagerie. Le référentiel Qualiville demande de **décrocher rapidement** et de ne pas laisser les appels se perdre.

Je propose de :
- renforcer le standard aux heures de pointe (9 h – 10 h et 13 h 30 – 14 h 30) ;
- mesurer chaque mois le taux d’appels décrochés et le publier.",
        channel: Channel::Phone,
        target: "Répondre à 90 % des appels en moins de 5 sonneries",
        status: Status::Proposed,
        days_ago: 27,
        supporters: &["awa", "lucie", "marcel", "fatima", "chloe", "yannick", "jeanpierre", "thomas"],
        comments: &[
            c("marcel", For, "Tout à fait d’accord. La semaine dernière, j’ai dû appeler trois fois pour une question de \
cimetière avant d’avoir quelqu’un.", 180),
            c("thomas", Neutral, "Cinq sonneries, cela fait combien de secondes ? Il faudrait que l’objectif soit \
vérifiable par le standard lui-même, sinon on ne saura jamais s’il est atteint.", 420),
            r(1, "awa", Neutral, "Environ 20 secondes. Le logiciel téléphonique de la mairie compte déjà les appels \
décrochés : on l’a appris lors de la visite du service.", 600),
            r(2, "animation", Neutral, "Je confirme : le service peut sortir ces chiffres chaque mois. Je demande qu’on \
nous présente ceux de l’an dernier à la prochaine séance.", 1500),
            c("fatima", Against, "D’accord sur l’intention, mais pas sur la cible : décrocher vite pour ensuite faire \
patienter dix minutes en musique ne sert à rien. Je préférerais un objectif sur le **temps total** avant d’obtenir une \
vraie réponse.", 2900),
            r(4, "lucie", For, "Les deux peuvent aller ensemble : décrocher en moins de cinq sonneries et, si l’agent ne \
peut pas répondre tout de suite, proposer un rappel. C’est justement la proposition de Marcel.", 3300),
        ],
    },
    DemoObjective {
        author: "marcel",
        title: "Rappeler systématiquement quand personne n’a pu décrocher",
        body: "Quand le standard est saturé, l’appel bascule sur une messagerie que personne ne semble écouter. Je \
propose qu’un message laissé donne **toujours** lieu à un rappel, par un agent qui a noté l’objet de l’appel. Pour les \
personnes âgées qui n’ont pas internet, le téléphone reste le seul moyen de joindre la mairie.",
        channel: Channel::Phone,
        target: "Rappeler sous 24 h ouvrées 95 % des personnes qui ont laissé un message",
        status: Status::InDiscussion,
        days_ago: 24,
        supporters: &["marcel", "jeanpierre", "awa", "yannick", "chloe"],
        comments: &[
            c("jeanpierre", For, "Ma mère a 86 ans et n’utilise que le téléphone. Être rappelée le lendemain, ce serait \
déjà un grand progrès.", 240),
            c("chloe", Neutral, "Sait-on combien de messages sont laissés chaque semaine ? S’il y en a des centaines, il \
faudra du personnel en plus.", 900),
            r(1, "animation", Neutral, "J’ai posé la question au service accueil : environ 60 messages par semaine, \
surtout le lundi. Le chiffre figurera dans le compte rendu de la séance.", 2200),
            r(2, "marcel", For, "Soixante par semaine, cela fait une douzaine par jour : c’est faisable sans embaucher.", 2500),
        ],
    },
    DemoObjective {
        author: "thomas",
        title: "Un numéro unique pour toutes les questions",
        body: "Sur le site, on trouve une dizaine de numéros différents : état civil, urbanisme, écoles, services \
techniques… On ne sait jamais lequel composer. Un numéro unique, avec un agent qui oriente, éviterait d’être renvoyé \
d’un service à l’autre.",
        channel: Channel::Phone,
        target: "",
        status: Status::Proposed,
        days_ago: 409,
        supporters: &["thomas", "yannick"],
        comments: &[],
    },
    DemoObjective {
        author: "lucie",
        title: "Accuser réception de chaque courriel",
        body: "Quand on écrit à l’adresse de contact de la mairie, on ne sait ni si le message est arrivé ni qui va le \
traiter. Un accusé de réception devrait indiquer :
- le service qui s’en occupe ;
- le délai de réponse prévu ;
- un numéro de dossier à rappeler en cas de relance.",
        channel: Channel::Email,
        target: "Accuser réception de 100 % des courriels sous 24 h ouvrées",
        status: Status::Proposed,
        days_ago: 420,
        supporters: &["lucie", "thomas", "fatima"],
        comments: &[],
    },
    DemoObjective {
        author: "fatima",
        title: "Des réponses écrites compréhensibles du premier coup",
        body: "Certaines réponses de la mairie recopient des articles de loi sans expliquer ce qu’il faut faire. Chaque \
réponse devrait dire clairement **ce que la personne doit faire ensuite**. À retravailler avant de publier : trouver une \
cible mesurable.",
        channel: Channel::Email,
        target: "",
        status: Status::Draft,
        days_ago: 2,
        supporters: &[],
        comments: &[],
    },
    DemoObjective {
        author: "jeanpierre",
        title: "Réduire l’attente au guichet de l’état civil",
        body: "Le lundi matin et pendant les vacances scolaires, on attend parfois plus de 45 minutes au guichet de \
l’état civil, debout dans le couloir. Je propose :
- un ticket numéroté à l’entrée ;
- l’ouverture d’un deuxième guichet dès que plus de cinq personnes attendent ;
- un relevé mensuel du temps d’attente, affiché dans le hall.",
        channel: Channel::FrontDesk,
        target: "Recevoir 80 % des usagers en moins de 10 minutes",
        status: Status::InDiscussion,
        days_ago: 26,
        supporters: &["jeanpierre", "chloe", "fatima", "lucie", "awa", "marcel", "thomas", "yannick", "animation"],
        comments: &[
            c("chloe", For, "Oui ! Avec une poussette, attendre trois quarts d’heure debout dans le couloir est vraiment \
pénible.", 120),
            c("yannick", Against, "D’accord sur le constat, mais 10 minutes me paraît irréaliste pour un dossier de \
mariage ou une succession. Pourquoi pas 15 minutes, avec un objectif plus court pour les simples retraits de \
documents ?", 400),
            r(1, "jeanpierre", Neutral, "Bonne remarque. Il faut distinguer l’attente avant d’être reçu et la durée du \
rendez-vous lui-même : l’objectif ne porte que sur l’attente.", 700),
            r(2, "yannick", For, "Dans ce cas, les 10 minutes me conviennent.", 820),
            DemoComment {
                author: "marcel",
                stance: Neutral,
                body: "Quand il y a trop de monde, le plus simple est d’appeler directement Nathalie Perrin, à l’état \
civil, sur son portable : 06 39 98 12 34. Elle est très arrangeante et vous trouve un créneau.",
                replies_to: None,
                minutes: 1600,
                moderation: Some(&PERSONAL_PHONE),
            },
            r(4, "animation", Neutral, "Merci Marcel pour l’intention, mais ce message a été masqué : il donnait le \
numéro personnel d’une agente. Les agents se joignent par les canaux de la mairie, et c’est justement ce que nous \
cherchons à améliorer.", 2300),
            c("fatima", For, "Le ticket numéroté est une bonne idée, à condition que les numéros soient aussi annoncés \
**à voix haute** pour les personnes malvoyantes.", 3000),
            r(6, "lucie", For, "Et qu’il y ait des chaises : le couloir n’en compte que quatre.", 3200),
        ],
    },
    DemoObjective {
        author: "chloe",
        title: "Un espace d’attente adapté aux familles",
        body: "Le hall d’accueil n’a ni coin pour les enfants ni place pour une poussette. Un petit espace avec \
quelques jeux et des livres, et un emplacement pour les poussettes, rendraient l’attente plus simple pour les parents.",
        channel: Channel::FrontDesk,
        target: "Coin enfants et emplacement poussettes installés dans le hall avant l’été",
        status: Status::Proposed,
        days_ago: 15,
        supporters: &["chloe", "awa", "fatima", "thomas"],
        comments: &[],
    },
    DemoObjective {
        author: "yannick",
        title: "Afficher le temps d’attente estimé à l’entrée",
        body: "En arrivant, on ne sait pas si on en a pour cinq minutes ou pour une heure. Un écran à l’entrée, et la \
même information sur le site, permettraient de **choisir le bon moment** pour venir. Plusieurs villes de notre taille \
le font déjà.",
        channel: Channel::FrontDesk,
        target: "Temps d’attente estimé affiché à l’entrée et en ligne, mis à jour toutes les 15 minutes",
        status: Status::Proposed,
        days_ago: 6,
        supporters: &["yannick"],
        comments: &[],
    },
    DemoObjective {
        author: "thomas",
        title: "Prendre rendez-vous en ligne pour les cartes d’identité et les passeports",
        body: "Aujourd’hui, il faut appeler pendant les heures d’ouverture pour obtenir un rendez-vous, et les créneaux \
partent en quelques minutes. Un agenda en ligne permettrait de réserver à toute heure, de recevoir un rappel par SMS et \
d’annuler facilement. **Le téléphone doit rester possible** pour celles et ceux qui n’utilisent pas internet.",
        channel: Channel::OnlineServices,
        target: "Rendez-vous réservables en ligne 24 h sur 24, avec un rappel par SMS la veille",
        status: Status::Proposed,
        days_ago: 22,
        supporters: &["thomas", "lucie", "chloe", "yannick", "awa", "fatima", "animation"],
        comments: &[
            c("lucie", For, "Indispensable. Les rendez-vous non honorés font perdre des créneaux à tout le monde : le \
rappel par SMS devrait en réduire le nombre.", 300),
            c("marcel", Against, "Encore une démarche sur internet… Je crains qu’on oublie ceux qui n’ont pas \
d’ordinateur.", 1000),
            r(1, "thomas", Neutral, "C’est pour cela que le téléphone doit rester possible. On pourrait aussi garder une \
part des créneaux pour les rendez-vous pris au guichet.", 1300),
            r(2, "marcel", For, "Si une part des créneaux reste réservée au guichet et au téléphone, alors je suis \
d’accord.", 1500),
            c("fatima", Neutral, "L’espace France services du quartier des Tilleuls pourrait aider les habitants à \
prendre rendez-vous. Il faudrait l’associer dès le départ.", 4000),
        ],
    },
    DemoObjective {
        author: "yannick",
        title: "Un assistant en ligne pour les questions fréquentes",
        body: "Beaucoup d’appels portent sur les mêmes questions : horaires, pièces à fournir, ramassage des \
encombrants. Un assistant conversationnel (chatbot) sur le site pourrait y répondre **à toute heure**, à partir des \
fiches déjà rédigées par les services. Il devrait toujours proposer de parler à un agent si la réponse ne convient pas.",
        channel: Channel::OnlineServices,
        target: "Répondre automatiquement à 60 % des questions fréquentes, avec un renvoi vers un agent en un clic",
        status: Status::InDiscussion,
        days_ago: 18,
        supporters: &["yannick", "thomas", "chloe"],
        comments: &[
            c("jeanpierre", Against, "Je suis réservé. Quand j’ai une question, je veux parler à une personne, pas à un \
robot qui répond à côté.", 200),
            r(0, "yannick", Neutral, "Je comprends, c’est pour cela que le renvoi vers un agent fait partie de \
l’objectif. L’idée est de libérer du temps au standard pour les demandes qui en ont vraiment besoin.", 500),
            r(1, "jeanpierre", Neutral, "D’accord, si on ne se retrouve jamais coincé avec le robot.", 800),
            c("thomas", For, "D’après le service, les questions sur les encombrants et la déchetterie représentent une \
bonne partie des appels. Un assistant ferait gagner du temps à tout le monde.", 1400),
            c("awa", Neutral, "Qui vérifiera que les réponses sont justes et à jour ? Une erreur sur les pièces à \
fournir, c’est un aller-retour inutile au guichet.", 2600),
            r(4, "animation", Neutral, "Bonne question pour le service communication, qui tient les fiches pratiques à \
jour. Je l’inscris à l’ordre du jour de la prochaine séance.", 3100),
            c("chloe", For, "Je l’utiliserais le soir, une fois les enfants couchés, quand la mairie est fermée.", 5000),
        ],
    },
    DemoObjective {
        author: "jeanpierre",
        title: "Une application pour signaler un problème dans la rue",
        body: "Lampadaire en panne, nid-de-poule, dépôt sauvage : aujourd’hui, il faut appeler les services techniques \
ou leur écrire. Une application (ou un formulaire sur le site) avec une photo et la localisation permettrait de \
signaler un problème en deux minutes, puis d’en **suivre le traitement**.",
        channel: Channel::OnlineServices,
        target: "Prendre en charge 100 % des signalements sous 48 h, avec un suivi visible par l’habitant",
        status: Status::Proposed,
        days_ago: 412,
        supporters: &["jeanpierre", "thomas", "yannick", "awa", "fatima"],
        comments: &[],
    },
    DemoObjective {
        author: "fatima",
        title: "Ouvrir la mairie le samedi matin",
        body: "Pour beaucoup d’actifs, venir en semaine entre 8 h 30 et 17 h oblige à poser une demi-journée. Une \
ouverture le samedi matin, au moins pour l’accueil général et l’état civil, répondrait à ce besoin. Le référentiel \
Qualiville recommande d’**adapter les horaires aux rythmes des usagers**.",
        channel: Channel::OpeningHours,
        target: "Accueil général et état civil ouverts chaque samedi de 9 h à 12 h",
        status: Status::Proposed,
        days_ago: 21,
        supporters: &["fatima", "awa", "lucie", "thomas", "chloe", "yannick", "jeanpierre", "marcel", "animation"],
        comments: &[
            c("thomas", For, "Je travaille à quarante kilomètres d’ici : c’est le seul moment où je pourrais venir sans \
prendre de congé.", 150),
            c("awa", For, "Et pour les parents aussi : le samedi matin, on peut venir avec les enfants.", 500),
            c("yannick", Neutral, "Il faudra compenser pour les agents : s’ils travaillent le samedi, ils ne doivent pas \
y perdre. Une fermeture le lundi matin, par exemple ?", 1200),
            r(2, "fatima", Neutral, "Oui, je ne veux pas que ce soit au détriment des agents. On pourrait fermer le \
créneau le moins fréquenté de la semaine.", 1500),
            r(3, "animation", Neutral, "D’après les relevés de l’accueil, le mercredi après-midi est le créneau le plus \
calme. Je transmets la question à la direction des ressources humaines.", 2800),
            c("marcel", For, "Le samedi matin, c’est aussi le marché : beaucoup de monde est déjà dans le centre.", 4200),
        ],
    },
    DemoObjective {
        author: "lucie",
        title: "Une ouverture en soirée une fois par semaine",
        body: "En complément du samedi, une soirée par semaine jusqu’à 19 h permettrait de faire ses démarches après \
le travail. Le jeudi semble le jour le plus adapté. Cela pourrait ne concerner que certains services, sur rendez-vous.",
        channel: Channel::OpeningHours,
        target: "Ouverture jusqu’à 19 h le jeudi, toute l’année",
        status: Status::InDiscussion,
        days_ago: 16,
        supporters: &["lucie", "chloe", "thomas", "awa", "animation"],
        comments: &[
            c("chloe", For, "Avec la sortie de l’école à 16 h 30, une ouverture jusqu’à 19 h m’arrangerait beaucoup.", 300),
            c("jeanpierre", Against, "Je préférerais concentrer les moyens sur le samedi matin plutôt que multiplier les \
créneaux avec moins d’agents à chaque fois.", 1100),
            r(1, "lucie", Neutral, "Les deux propositions peuvent être votées séparément, l’assemblée choisira. Mais \
l’argument est juste.", 1400),
            c("awa", Neutral, "Et si la soirée n’était ouverte que sur rendez-vous ? On éviterait de garder un agent pour \
personne.", 2600),
        ],
    },
    DemoObjective {
        author: "animation",
        title: "Répondre aux courriers en moins de quinze jours",
        body: "Plusieurs membres ont raconté avoir attendu plus d’un mois la réponse à un courrier. Le référentiel \
Qualiville fixe un délai maximal de réponse aux courriers et aux courriels. Je reprends ici leur demande pour que nous \
fixions ensemble le bon délai.",
        channel: Channel::ResponseDelays,
        target: "Répondre à 90 % des courriers et courriels en moins de 15 jours",
        status: Status::Proposed,
        days_ago: 25,
        supporters: &["animation", "marcel"],
        comments: &[],
    },
    DemoObjective {
        author: "awa",
        title: "Indiquer un délai quand la réponse prend du temps",
        body: "Quand une demande est complexe (urbanisme, logement), la réponse complète peut prendre plusieurs \
semaines. La mairie devrait alors envoyer rapidement une réponse d’attente, avec le délai prévu et le nom d’un \
interlocuteur.",
        channel: Channel::ResponseDelays,
        target: "Réponse d’attente sous 8 jours, avec un délai et un interlocuteur nommé",
        status: Status::Draft,
        days_ago: 1,
        supporters: &[],
        comments: &[],
    },
    DemoObjective {
        author: "chloe",
        title: "Rendre l’entrée principale accessible en fauteuil et en poussette",
        body: "L’entrée principale a trois marches, et la rampe amovible doit être demandée à l’accueil. Les personnes \
en fauteuil, avec une poussette ou des béquilles passent par la porte de service, à l’arrière. Je propose :
- une rampe permanente ;
- une porte à ouverture automatique ;
- en attendant les travaux, une sonnette d’appel à hauteur de fauteuil.",
        channel: Channel::Accessibility,
        target: "Rampe permanente et porte automatique à l’entrée principale d’ici la fin de l’année",
        status: Status::Proposed,
        days_ago: 19,
        supporters: &["chloe", "fatima", "marcel", "awa", "jeanpierre", "lucie"],
        comments: &[
            c("fatima", For, "Mon voisin, en fauteuil, ne vient plus à la mairie à cause de ces marches. Pour moi, c’est \
la priorité.", 200),
            c("yannick", Neutral, "Le bâtiment est ancien : il y a peut-être des contraintes liées aux monuments \
historiques. Il faudrait interroger les services techniques.", 1000),
            r(1, "chloe", Neutral, "La mairie de la commune voisine, protégée elle aussi, a pu installer une rampe \
discrète en pierre. C’est donc possible.", 1600),
            r(2, "animation", Neutral, "Les services techniques viendront présenter les contraintes du bâtiment lors \
d’une prochaine séance.", 3000),
        ],
    },
    DemoObjective {
        author: "marcel",
        title: "Installer une boucle magnétique aux guichets",
        body: "Avec mon appareil auditif, je comprends mal les agents derrière la vitre du guichet, surtout quand le \
hall est bruyant. Une **boucle à induction magnétique** transmet directement la voix de l’agent dans l’appareil. \
L’équipement coûte quelques centaines d’euros par guichet.",
        channel: Channel::Accessibility,
        target: "Une boucle magnétique à chaque guichet, signalée par le pictogramme officiel",
        status: Status::Proposed,
        days_ago: 13,
        supporters: &["marcel", "jeanpierre", "fatima"],
        comments: &[],
    },
    DemoObjective {
        author: "lucie",
        title: "Une signalétique claire du parking jusqu’au bon guichet",
        body: "Depuis le parking, rien n’indique l’entrée de la mairie, et une fois à l’intérieur les services ne sont \
signalés que par des numéros de bureau. Des panneaux lisibles, avec le nom des services et des flèches, éviteraient de \
demander son chemin trois fois.",
        channel: Channel::Signage,
        target: "",
        status: Status::Proposed,
        days_ago: 11,
        supporters: &["lucie", "thomas"],
        comments: &[],
    },
    DemoObjective {
        author: "awa",
        title: "Des panneaux avec pictogrammes et en plusieurs langues",
        body: "Une partie des habitants lit difficilement le français. Des pictogrammes simples (état civil, \
passeports, inscriptions scolaires) et les indications principales en anglais, en arabe et en portugais rendraient la \
mairie plus accueillante. Les documents **faciles à lire et à comprendre (FALC)** pourraient suivre la même logique.",
        channel: Channel::Signage,
        target: "",
        status: Status::Proposed,
        days_ago: 4,
        supporters: &[],
        comments: &[],
    },
    DemoObjective {
        author: "animation",
        title: "Une enquête de satisfaction chaque année",
        body: "Pour savoir si nos objectifs changent vraiment quelque chose, il faut demander leur avis aux usagers. \
Je propose une enquête annuelle, en ligne et sur papier au guichet, dont les résultats seraient **publiés \
intégralement**. Elle servirait de point de départ à chaque nouvelle assemblée.",
        channel: Channel::Other,
        target: "Interroger au moins 500 usagers par an et publier les résultats en ligne",
        status: Status::Proposed,
        days_ago: 23,
        supporters: &["animation", "thomas", "lucie", "awa", "yannick"],
        comments: &[
            c("thomas", For, "Bonne idée. Il faudrait garder les mêmes questions d’une année sur l’autre pour pouvoir \
comparer.", 400),
            r(0, "lucie", For, "Et ajouter une question ouverte à la fin : ce sont souvent les remarques libres qui en \
apprennent le plus.", 900),
            c("yannick", Against, "Cinq cents réponses, c’est beaucoup pour une ville de 30 000 habitants si l’enquête \
n’est pas relayée activement. Je viserais plutôt 300.", 2500),
        ],
    },
    DemoObjective {
        author: "thomas",
        title: "Publier chaque trimestre les indicateurs de l’accueil",
        body: "Temps d’attente, appels décrochés, délais de réponse : ces chiffres existent mais ne sont pas publiés. \
Un tableau de bord trimestriel, sur le site et dans le hall, permettrait à chacun de suivre les progrès.",
        channel: Channel::Other,
        target: "Tableau de bord publié chaque trimestre sur le site et affiché dans le hall",
        status: Status::Withdrawn,
        days_ago: 17,
        supporters: &["thomas", "lucie"],
        comments: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::PEOPLE;
    use app::accounts::Role;
    use std::collections::HashSet;

    fn is_member(login: &str) -> bool {
        PEOPLE.iter().any(|p| p.login == login && p.roles.contains(&Role::Member))
    }

    #[test]
    fn content_follows_the_app_rules() {
        let channels: HashSet<_> = OBJECTIVES.iter().map(|o| o.channel).collect();
        assert_eq!(channels.len(), Channel::ALL.len(), "every channel has an objective");
        for o in OBJECTIVES {
            assert_eq!(app::objectives::parse_title(o.title).as_deref(), Ok(o.title));
            assert!(app::objectives::parse_body(o.body, app::objectives::BODY_MAX).is_ok());
            assert_eq!(app::objectives::parse_target(o.target).as_deref(), Ok(o.target));
            assert!(is_member(o.author), "{}", o.author);
            assert!(o.supporters.iter().all(|s| is_member(s)), "{}", o.title);
            assert_eq!(o.supporters.iter().collect::<HashSet<_>>().len(), o.supporters.len(), "{}", o.title);
            assert!(o.status != Status::Draft || o.supporters.is_empty(), "{}", o.title);
            assert!(o.comments.is_empty() || o.status.commentable(), "{}", o.title);
            check_comments(o);
        }
    }

    fn check_comments(o: &DemoObjective) {
        let mut depths = Vec::new();
        for (i, c) in o.comments.iter().enumerate() {
            assert!(is_member(c.author), "{}", c.author);
            let depth = match c.replies_to {
                None => 0,
                Some(p) => {
                    assert!(p < i && o.comments[p].minutes < c.minutes, "{}: comment {i}", o.title);
                    depths[p] + 1
                }
            };
            assert!(depth <= 2, "{}: comment {i} too deep", o.title);
            assert!(c.minutes < o.days_ago * 1440, "{}: comment {i} in the future", o.title);
            depths.push(depth);
            if let Some(m) = c.moderation {
                let reporters: HashSet<_> = m.reports.iter().map(|r| r.reporter).collect();
                assert_eq!(reporters.len(), m.reports.len());
                assert!(!reporters.contains(c.author));
                assert!(m.reports.iter().all(|r| c.minutes < r.minutes && r.minutes < m.minutes));
            }
        }
    }
}
