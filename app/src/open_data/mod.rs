//! Open data (issue #5): every assembly's public record as downloadable files, in CSV and
//! JSON at stable URLs (`/open-data/{assembly}/{dataset}.csv|json`), and Atom feeds of its
//! decisions and of each commitment's progress, in the reader's language. The datasets and
//! their columns, with their meaning in French and English, are plain data here: the
//! `/open-data` page documents them and the export writes exactly these columns, in this
//! order. Use cases in `service`, statements in `store`; the writers (`table` for CSV and
//! JSON, `feed` for the feeds' words, `atom` for the XML) are pure.
#[cfg(feature = "ssr")]
pub mod atom;
#[cfg(feature = "ssr")]
pub mod feed;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod store;
#[cfg(feature = "ssr")]
pub mod table;

use crate::i18n::Locale;
use serde::Deserialize;

/// What a column holds, as the documentation page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Number,
    Text,
    Boolean,
    /// `YYYY-MM-DD`.
    Date,
    /// ISO 8601 in UTC: `2026-12-10T17:30:00Z`.
    Timestamp,
    /// JSON text in the CSV; the JSON value itself in the JSON file.
    Json,
}

impl Kind {
    pub fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (Kind::Integer, false) => "entier",
            (Kind::Integer, true) => "integer",
            (Kind::Number, false) => "nombre décimal",
            (Kind::Number, true) => "decimal number",
            (Kind::Text, false) => "texte",
            (Kind::Text, true) => "text",
            (Kind::Boolean, false) => "booléen (true / false)",
            (Kind::Boolean, true) => "boolean (true / false)",
            (Kind::Date, false) => "date (AAAA-MM-JJ)",
            (Kind::Date, true) => "date (YYYY-MM-DD)",
            (Kind::Timestamp, false) => "date et heure (ISO 8601, UTC)",
            (Kind::Timestamp, true) => "date and time (ISO 8601, UTC)",
            (Kind::Json, false) => "JSON",
            (Kind::Json, true) => "JSON",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// May be empty (CSV) or null (JSON).
    pub optional: bool,
    pub fr: &'static str,
    pub en: &'static str,
}

impl Column {
    pub fn meaning(&self, english: bool) -> &'static str {
        if english {
            self.en
        } else {
            self.fr
        }
    }
}

const fn col(name: &'static str, kind: Kind, fr: &'static str, en: &'static str) -> Column {
    Column { name, kind, optional: false, fr, en }
}

const fn opt(name: &'static str, kind: Kind, fr: &'static str, en: &'static str) -> Column {
    Column { name, kind, optional: true, fr, en }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dataset {
    /// The file name without its extension, part of the stable URL.
    pub name: &'static str,
    pub title_fr: &'static str,
    pub title_en: &'static str,
    pub about_fr: &'static str,
    pub about_en: &'static str,
    pub columns: &'static [Column],
}

impl Dataset {
    pub fn title(&self, english: bool) -> &'static str {
        if english {
            self.title_en
        } else {
            self.title_fr
        }
    }
    pub fn about(&self, english: bool) -> &'static str {
        if english {
            self.about_en
        } else {
            self.about_fr
        }
    }
    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }
}

/// A file's path, relative to the site: `/open-data/3/objectives.csv`.
pub fn file_path(assembly: i64, dataset: &str, format: Format) -> String {
    format!("/open-data/{assembly}/{dataset}.{}", format.extension())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

text_enum! {
    /// The datasets, one file each; `dataset` gives its documented columns.
    pub enum Data {
        Objectives = "objectives",
        Supports = "supports",
        Comments = "comments",
        VoteRounds = "vote_rounds",
        Ballots = "ballots",
        Commitments = "commitments",
        Milestones = "milestones",
        Indicators = "indicators",
        Measurements = "measurements",
    }
}

impl Data {
    /// The dataset's documentation: its title, its meaning and its columns, in order.
    pub fn dataset(self) -> &'static Dataset {
        match self {
            Data::Objectives => &OBJECTIVES,
            Data::Supports => &SUPPORTS,
            Data::Comments => &COMMENTS,
            Data::VoteRounds => &VOTE_ROUNDS,
            Data::Ballots => &BALLOTS,
            Data::Commitments => &COMMITMENTS,
            Data::Milestones => &MILESTONES,
            Data::Indicators => &INDICATORS,
            Data::Measurements => &MEASUREMENTS,
        }
    }
}

/// `objectives.csv` → the dataset and the format; `None` for anything else.
pub fn parse_file(file: &str) -> Option<(Data, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let format = match ext {
        "csv" => Format::Csv,
        "json" => Format::Json,
        _ => return None,
    };
    Data::ALL.into_iter().find(|d| d.as_str() == name).map(|d| (d, format))
}

/// A downloadable file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub content_type: &'static str,
    pub disposition: String,
    pub body: Vec<u8>,
}

/// A feed's query string: `?lang=en` asks for the feed in English.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    pub lang: Option<String>,
}

/// The language a feed is written in: the one its address asks for (`?lang=en`), else the
/// reader's (their saved choice, else their browser's). A feed names itself (its id and
/// `self` link) with the language only when its address did, so that a reader subscribed to
/// `…/feed.atom?lang=en` stays in English whatever the feed reader sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedLang {
    pub locale: Locale,
    pub in_address: bool,
}

impl FeedLang {
    /// `asked`: the `lang` parameter, if any (an unknown language is ignored);
    /// `negotiated`: the request's language, from its cookie or `Accept-Language`.
    pub fn choose(asked: Option<&str>, negotiated: impl FnOnce() -> Locale) -> Self {
        match asked.and_then(locale_named) {
            Some(locale) => FeedLang { locale, in_address: true },
            None => FeedLang { locale: negotiated(), in_address: false },
        }
    }

    /// What follows the feed's path in its own address: `?lang=en`, or nothing.
    pub fn query(self) -> String {
        if self.in_address {
            format!("?lang={}", lang_tag(self.locale))
        } else {
            String::new()
        }
    }
}

/// The locale's language tag, as in `xml:lang` and `?lang=`.
pub fn lang_tag(locale: Locale) -> &'static str {
    use leptos_i18n::Locale as _;
    locale.as_str()
}

/// `en`, `EN` or `en-GB` → English; `None` for a language the site does not speak.
fn locale_named(tag: &str) -> Option<Locale> {
    use leptos_i18n::Locale as _;
    let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
    Locale::get_all().iter().copied().find(|l| l.as_str().eq_ignore_ascii_case(primary))
}

text_enum! {
    /// A line of a commitment's history, as its feed tells it: published, then changes of
    /// status, target date or declared progress.
    pub enum HistoryKind { Created = "created", Status = "status", TargetDate = "target_date", Progress = "progress" }
}

use Kind::*;

/// Every dataset, in the order the page lists them.
pub const DATASETS: &[Dataset] =
    &[OBJECTIVES, SUPPORTS, COMMENTS, VOTE_ROUNDS, BALLOTS, COMMITMENTS, MILESTONES, INDICATORS, MEASUREMENTS];

const OBJECTIVES: Dataset = Dataset {
    name: "objectives",
    title_fr: "Objectifs",
    title_en: "Objectives",
    about_fr: "Les objectifs publiés par les membres. Les brouillons et les objectifs masqués par la modération n’y figurent pas.",
    about_en: "The objectives members published. Drafts and objectives hidden by moderation are left out.",
    columns: &[
        col("id", Integer, "Numéro de l’objectif (celui de son adresse /objectives/{id}).", "Objective number (as in its address /objectives/{id})."),
        col("title", Text, "Titre.", "Title."),
        col("channel", Text, "Canal d’accueil concerné : phone, email, front_desk, online_services, opening_hours, response_delays, accessibility, signage ou other.", "Public service channel concerned: phone, email, front_desk, online_services, opening_hours, response_delays, accessibility, signage or other."),
        col("status", Text, "Étape : proposed (proposé), in_discussion (en discussion), voting (au vote), adopted (adopté), rejected (rejeté) ou withdrawn (retiré).", "Stage: proposed, in_discussion, voting, adopted, rejected or withdrawn."),
        col("target", Text, "Cible visée, telle que rédigée (peut être vide).", "Intended target, as written (may be empty)."),
        col("body", Text, "Texte de l’objectif, en Markdown.", "The objective's text, in Markdown."),
        col("author", Text, "Nom affiché de la personne qui l’a proposé, tel qu’il apparaît sur le site.", "Display name of the person who proposed it, as shown on the site."),
        col("version", Integer, "Numéro de la version actuelle du texte (1 pour la première).", "Number of the text's current version (1 for the first)."),
        col("published_at", Timestamp, "Date de publication.", "When it was published."),
        col("updated_at", Timestamp, "Dernière modification.", "Last change."),
    ],
};

const SUPPORTS: Dataset = Dataset {
    name: "supports",
    title_fr: "Soutiens",
    title_en: "Supports",
    about_fr: "Le nombre de soutiens de chaque objectif publié (qui a soutenu n’est pas publié).",
    about_en: "How many members support each published objective (who did is not published).",
    columns: &[
        col("objective_id", Integer, "Numéro de l’objectif.", "Objective number."),
        col("count", Integer, "Nombre de soutiens.", "Number of supports."),
    ],
};

const COMMENTS: Dataset = Dataset {
    name: "comments",
    title_fr: "Commentaires",
    title_en: "Comments",
    about_fr: "Les commentaires visibles sur les objectifs publiés. Les commentaires masqués par la modération, en attente d’examen ou supprimés n’y figurent pas, pas même leur numéro.",
    about_en: "The visible comments on published objectives. Comments hidden by moderation, awaiting review or deleted are left out, not even their number appears.",
    columns: &[
        col("id", Integer, "Numéro du commentaire.", "Comment number."),
        col("objective_id", Integer, "Objectif commenté.", "Objective commented on."),
        opt("parent_id", Integer, "Commentaire auquel il répond ; vide pour un commentaire de premier niveau, ou si celui-ci a été masqué ou supprimé.", "Comment it replies to; empty for a top-level comment, or when that one was hidden or deleted."),
        col("stance", Text, "Position : for (pour), against (contre) ou neutral (neutre).", "Stance: for, against or neutral."),
        col("body", Text, "Texte, en Markdown.", "Text, in Markdown."),
        col("created_at", Timestamp, "Date de publication.", "When it was posted."),
        opt("edited_at", Timestamp, "Dernière modification par son auteur, s’il y en a eu.", "Last edit by its author, if any."),
    ],
};

const VOTE_ROUNDS: Dataset = Dataset {
    name: "vote_rounds",
    title_fr: "Votes",
    title_en: "Vote rounds",
    about_fr: "Les votes ouverts en séance, avec leurs règles et, une fois clos, leur résultat.",
    about_en: "The vote rounds opened during sittings, with their rules and, once closed, their result.",
    columns: &[
        col("id", Integer, "Numéro du vote (celui de son adresse /rounds/{id}).", "Round number (as in its address /rounds/{id})."),
        col("sitting_id", Integer, "Séance pendant laquelle il a eu lieu.", "Sitting it took place in."),
        col("method", Text, "Mode de scrutin : yes_no (oui / non / abstention), majority_judgment (jugement majoritaire) ou approval (vote par approbation).", "Voting method: yes_no, majority_judgment or approval."),
        col("secret", Boolean, "Vote secret : personne ne voit qui a voté quoi.", "Secret ballot: nobody sees who voted what."),
        col("status", Text, "open (ouvert) ou closed (clos).", "open or closed."),
        col("objective_ids", Json, "Objectifs mis au vote, dans l’ordre du bulletin (tableau de numéros).", "Objectives put to the vote, in ballot order (array of numbers)."),
        col("rules", Json, "Règles annoncées avant le vote (quorum, majorité, abstentions, nombre de choix).", "Rules announced before voting (quorum, threshold, abstentions, number of choices)."),
        col("members_count", Integer, "Membres de l’assemblée à l’ouverture du vote.", "Members of the assembly when the round opened."),
        col("present_count", Integer, "Membres présents ou représentés à l’ouverture du vote.", "Members present or represented when the round opened."),
        col("ballots_count", Integer, "Bulletins déposés.", "Ballots cast."),
        col("opened_at", Timestamp, "Ouverture du vote.", "When the round opened."),
        opt("closed_at", Timestamp, "Clôture du vote (vide s’il est ouvert).", "When the round closed (empty while open)."),
        opt("head_hash", Text, "Empreinte SHA-256 de la dernière entrée du journal chaîné du vote, publiée à la clôture : elle permet de vérifier la liste des bulletins.", "SHA-256 hash of the last entry of the round's chained log, published at closing: it lets anyone check the list of ballots."),
        opt("result", Json, "Résultat figé à la clôture (vide tant que le vote est ouvert).", "Result frozen at closing (empty while open)."),
    ],
};

const BALLOTS: Dataset = Dataset {
    name: "ballots",
    title_fr: "Bulletins",
    title_en: "Ballots",
    about_fr: "Les bulletins des votes clos, anonymes, identifiés par l’empreinte du code de reçu remis au votant : chacun peut retrouver le sien et recompter. Aucun nom, même pour les votes publics.",
    about_en: "The ballots of closed rounds, anonymous, identified by the hash of the receipt code given to the voter: anyone can find their own and recount. No names, even for public rounds.",
    columns: &[
        col("round_id", Integer, "Numéro du vote.", "Round number."),
        col("receipt_hash", Text, "Empreinte du code de reçu.", "Hash of the receipt code."),
        col("content", Json, "Contenu du bulletin : un choix (yes, no, abstain) ou une mention par objectif, ou la liste des objectifs approuvés.", "What the ballot says: a choice (yes, no, abstain) or a grade per objective, or the list of approved objectives."),
    ],
};

const COMMITMENTS: Dataset = Dataset {
    name: "commitments",
    title_fr: "Engagements",
    title_en: "Commitments",
    about_fr: "Les engagements publiés par la mairie pour les objectifs adoptés.",
    about_en: "The commitments the town hall published for adopted objectives.",
    columns: &[
        col("id", Integer, "Numéro de l’engagement (celui de son adresse /commitments/{id}).", "Commitment number (as in its address /commitments/{id})."),
        col("objective_id", Integer, "Objectif adopté dont il découle.", "Adopted objective it follows from."),
        opt("round_id", Integer, "Vote qui a adopté l’objectif.", "Round that adopted the objective."),
        col("service", Text, "Service responsable.", "Department in charge."),
        col("contact_role", Text, "Fonction de la personne à contacter.", "Role of the contact person."),
        col("summary", Text, "Ce que la mairie s’engage à faire, en Markdown.", "What the town hall commits to, in Markdown."),
        col("target_date", Date, "Date cible.", "Target date."),
        col("status", Text, "Statut déclaré : planned (prévu), in_progress (en cours), done (réalisé) ou abandoned (abandonné).", "Declared status: planned, in_progress, done or abandoned."),
        col("shown_status", Text, "Statut affiché : le statut déclaré, ou late (en retard) une fois la date cible passée sans que l’engagement soit réalisé ou abandonné.", "Status shown: the declared one, or late once the target date has passed and it is neither done nor abandoned."),
        col("status_reason", Text, "Raison donnée au dernier changement de statut (obligatoire pour un abandon).", "Reason given for the last status change (required to abandon)."),
        col("progress_percent", Integer, "Avancement en pourcentage.", "Progress, in percent."),
        col("progress_source", Text, "Origine de l’avancement : milestones (étapes réalisées), declared (déclaré par la mairie, avec une raison) ou none (non renseigné).", "Where progress comes from: milestones (steps done), declared (by the town hall, with a reason) or none."),
        col("progress_reason", Text, "Raison de l’avancement déclaré.", "Reason for the declared progress."),
        col("created_at", Timestamp, "Publication de l’engagement.", "When it was published."),
        col("updated_at", Timestamp, "Dernier changement.", "Last change."),
    ],
};

const MILESTONES: Dataset = Dataset {
    name: "milestones",
    title_fr: "Étapes",
    title_en: "Milestones",
    about_fr: "Les étapes de chaque engagement.",
    about_en: "Each commitment's milestones.",
    columns: &[
        col("id", Integer, "Numéro de l’étape.", "Milestone number."),
        col("commitment_id", Integer, "Engagement.", "Commitment."),
        col("title", Text, "Intitulé.", "Title."),
        col("due_date", Date, "Échéance.", "Due date."),
        opt(
            "done_on",
            Date,
            "Date de réalisation (vide si elle n’est pas réalisée).",
            "Date done (empty if not done).",
        ),
    ],
};

const INDICATORS: Dataset = Dataset {
    name: "indicators",
    title_fr: "Indicateurs",
    title_en: "Indicators",
    about_fr: "Les indicateurs chiffrés qui mesurent l’effet des engagements.",
    about_en: "The figures that measure the commitments' effect.",
    columns: &[
        col("id", Integer, "Numéro de l’indicateur.", "Indicator number."),
        col("commitment_id", Integer, "Engagement.", "Commitment."),
        col("name", Text, "Nom.", "Name."),
        col("unit", Text, "Unité.", "Unit."),
        col("baseline", Number, "Valeur de départ.", "Baseline value."),
        col("target", Number, "Valeur visée.", "Target value."),
        col(
            "direction",
            Text,
            "Sens du progrès : higher (plus c’est haut, mieux c’est) ou lower (plus c’est bas, mieux c’est).",
            "Which way is better: higher or lower.",
        ),
    ],
};

const MEASUREMENTS: Dataset = Dataset {
    name: "measurements",
    title_fr: "Mesures",
    title_en: "Measurements",
    about_fr: "Les mesures successives de chaque indicateur.",
    about_en: "Each indicator's successive measurements.",
    columns: &[
        col("id", Integer, "Numéro de la mesure.", "Measurement number."),
        col("indicator_id", Integer, "Indicateur.", "Indicator."),
        col("measured_on", Date, "Date de la mesure.", "Date measured."),
        col("value", Number, "Valeur (point décimal).", "Value (decimal point)."),
        col("source", Text, "Source de la mesure.", "Source of the measurement."),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_name_a_dataset_and_a_format() {
        assert_eq!(parse_file("objectives.csv"), Some((Data::Objectives, Format::Csv)));
        assert_eq!(parse_file("vote_rounds.json"), Some((Data::VoteRounds, Format::Json)));
        assert!(parse_file("objectives.xml").is_none());
        assert!(parse_file("users.csv").is_none());
        assert!(parse_file("objectives").is_none());
        assert!(parse_file(" objectives.csv").is_none(), "the name as it is, nothing around it");
        assert_eq!(file_path(3, "ballots", Format::Json), "/open-data/3/ballots.json");
    }

    #[test]
    fn every_dataset_is_documented_in_both_languages_with_unique_names() {
        let mut names = std::collections::HashSet::new();
        for d in DATASETS {
            assert!(names.insert(d.name), "{} twice", d.name);
            assert!(
                !d.title_fr.is_empty() && !d.title_en.is_empty() && !d.about_fr.is_empty() && !d.about_en.is_empty()
            );
            let mut cols = std::collections::HashSet::new();
            for c in d.columns {
                assert!(cols.insert(c.name), "{}.{} twice", d.name, c.name);
                assert!(!c.fr.is_empty() && !c.en.is_empty(), "{}.{}", d.name, c.name);
                assert!(c.name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{}", c.name);
            }
        }
        assert_eq!(DATASETS.len(), 9);
    }

    #[test]
    fn every_dataset_is_listed_once_under_its_own_name() {
        let listed: Vec<&str> = DATASETS.iter().map(|d| d.name).collect();
        let named: Vec<&str> = Data::ALL.iter().map(|d| d.dataset().name).collect();
        assert_eq!(listed, named, "the page lists the datasets in the order of `Data`");
        assert!(Data::ALL.iter().all(|d| d.dataset().name == d.as_str()));
    }

    #[test]
    fn a_feed_speaks_the_language_its_address_asks_for_else_the_readers() {
        let asked = FeedLang::choose(Some("en"), || Locale::fr);
        assert_eq!(asked, FeedLang { locale: Locale::en, in_address: true });
        assert_eq!(asked.query(), "?lang=en");
        assert_eq!(FeedLang::choose(Some("EN-gb"), || Locale::fr).locale, Locale::en);
        let negotiated = FeedLang::choose(None, || Locale::en);
        assert_eq!(negotiated, FeedLang { locale: Locale::en, in_address: false });
        assert_eq!(negotiated.query(), "", "a negotiated feed keeps its plain address");
        assert_eq!(FeedLang::choose(Some("de"), || Locale::fr), FeedLang { locale: Locale::fr, in_address: false });
        assert_eq!(FeedLang::choose(Some("fr"), || Locale::en).query(), "?lang=fr");
        assert_eq!((lang_tag(Locale::fr), lang_tag(Locale::en)), ("fr", "en"));
    }
}
