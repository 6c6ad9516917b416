//! The feeds' words, in the reader's language (the `feeds` section of the locale files): a
//! closed round told as a decision, a line of a commitment's history, a progress update,
//! each feed's title. Pure: the service reads the rows and hands them here, `atom` writes
//! the XML. Every text built here is plain; it is escaped where it goes into HTML.
use super::atom::{escape, Entry};
use super::HistoryKind;
use crate::commitments::{format_date_fr, Shown};
use crate::i18n::*;
use crate::ids::ObjectiveId;
use crate::voting::tally::{MajorityJudgment, YesNoResult};
use crate::voting::{Method, RoundResult};
use std::collections::BTreeMap;

/// How many entries a feed carries at most.
pub const ENTRIES: usize = 50;

/// The objectives' names in a feed, by id (see `objective_name`).
pub type Names = BTreeMap<ObjectiveId, String>;

/// Whether a count of `n` takes the singular: in French 0 and 1 do, in English only 1.
fn singular(locale: Locale, n: usize) -> bool {
    match locale {
        Locale::fr => n <= 1,
        Locale::en => n == 1,
    }
}

/// `n` with its noun, singular or plural: `feeds.<one>` or `feeds.<many>`.
macro_rules! counted {
    ($locale:expr, $n:expr, $one:ident, $many:ident) => {{
        let (locale, n) = ($locale, $n);
        if singular(locale, n) {
            td_string!(locale, feeds.$one, count = n).to_string()
        } else {
            td_string!(locale, feeds.$many, count = n).to_string()
        }
    }};
}

/// The assembly's feed: its title and subtitle.
pub fn assembly_title(locale: Locale, assembly: &str) -> (String, String) {
    let title = td_string!(locale, feeds.assembly_title, name = assembly).to_string();
    (title, td_string!(locale, feeds.assembly_subtitle).to_owned())
}

/// A commitment's feed: its title and subtitle.
pub fn commitment_title(locale: Locale, title: &str, assembly: &str) -> (String, String) {
    let subtitle = td_string!(locale, feeds.commitment_subtitle, assembly = assembly).to_string();
    (td_string!(locale, feeds.commitment_title, title = title).to_string(), subtitle)
}

/// An objective as a feed names it: its title, unless moderation hid it.
pub fn objective_name(locale: Locale, id: ObjectiveId, title: &str, visible: bool) -> String {
    if visible {
        td_string!(locale, feeds.objective, title = title).to_string()
    } else {
        td_string!(locale, feeds.objective_hidden, id = id).to_string()
    }
}

/// A closed round as a decision: its title, and in HTML its method, its sitting and its
/// outcome for each objective, with a link to its page.
pub fn decision(
    locale: Locale,
    method: Method,
    result: Option<&RoundResult>,
    names: &Names,
    (sitting, page): (&str, &str),
) -> (String, String) {
    let name = |id: &ObjectiveId| {
        names.get(id).cloned().unwrap_or_else(|| td_string!(locale, feeds.objective_unknown, id = *id).to_string())
    };
    let (title, items) = match result {
        Some(RoundResult::YesNo(list)) => yes_no(locale, list, &name),
        Some(RoundResult::MajorityJudgment { objectives, judgment }) => {
            majority_judgment(locale, objectives, judgment, &name)
        }
        Some(RoundResult::Approval { objectives, counts, ballots }) => {
            approval(locale, objectives, counts, *ballots as usize, &name)
        }
        None => (td_string!(locale, feeds.closed_title, method = method_name(locale, method)).to_string(), Vec::new()),
    };
    (title, decision_html(locale, method, sitting, &items, page))
}

fn method_name(locale: Locale, method: Method) -> &'static str {
    crate::voting::texts::method_name(locale, method)
}

type Name<'a> = dyn Fn(&ObjectiveId) -> String + 'a;

fn yes_no(locale: Locale, list: &[(ObjectiveId, YesNoResult)], name: &Name<'_>) -> (String, Vec<String>) {
    let items = list.iter().map(|(id, r)| yes_no_line(locale, &name(id), r)).collect();
    let adopted = list.iter().filter(|(_, r)| r.adopted).count();
    let title = match list {
        [(id, r)] if r.adopted => td_string!(locale, feeds.adopted_title, name = name(id)).to_string(),
        [(id, _)] => td_string!(locale, feeds.rejected_title, name = name(id)).to_string(),
        _ => td_string!(
            locale,
            feeds.vote_title,
            adopted = counted!(locale, adopted, adopted_single, adopted_several),
            rejected = counted!(locale, list.len() - adopted, rejected_single, rejected_several)
        )
        .to_string(),
    };
    (title, items)
}

fn yes_no_line(locale: Locale, name: &str, r: &YesNoResult) -> String {
    let outcome = if r.adopted { td_string!(locale, feeds.adopted) } else { td_string!(locale, feeds.rejected) };
    let quorum = if r.quorum_reached { "" } else { td_string!(locale, feeds.quorum_missed) };
    td_string!(
        locale,
        feeds.yes_no_line,
        name = name,
        outcome = outcome,
        yes = r.yes,
        no = r.no,
        abstain = r.abstain,
        quorum = quorum
    )
    .to_string()
}

fn majority_judgment(
    locale: Locale,
    objectives: &[ObjectiveId],
    judgment: &MajorityJudgment,
    name: &Name<'_>,
) -> (String, Vec<String>) {
    let mut items = Vec::new();
    for r in &judgment.ranking {
        let Some(id) = objectives.get(r.candidate) else { continue };
        let grade = match r.majority_grade {
            Some(g) => crate::voting::texts::grade_name(locale, g),
            None => td_string!(locale, feeds.no_grade),
        };
        items.push(td_string!(locale, feeds.judgment_line, rank = r.rank, name = name(id), grade = grade).to_string());
    }
    let first = judgment.ranking.first().and_then(|r| objectives.get(r.candidate)).map(name).unwrap_or_default();
    (td_string!(locale, feeds.judgment_title, name = first).to_string(), items)
}

fn approval(
    locale: Locale,
    objectives: &[ObjectiveId],
    counts: &[u32],
    ballots: usize,
    name: &Name<'_>,
) -> (String, Vec<String>) {
    let mut ranked: Vec<(ObjectiveId, u32)> = objectives.iter().copied().zip(counts.iter().copied()).collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let items = ranked
        .iter()
        .map(|(id, n)| {
            td_string!(
                locale,
                feeds.approval_line,
                name = name(id),
                approvals = counted!(locale, *n as usize, approvals_single, approvals_several),
                ballots = counted!(locale, ballots, ballots_single, ballots_several)
            )
            .to_string()
        })
        .collect();
    let first = ranked.first().map(|(id, _)| name(id)).unwrap_or_default();
    (td_string!(locale, feeds.approval_title, name = first).to_string(), items)
}

fn decision_html(locale: Locale, method: Method, sitting: &str, items: &[String], page: &str) -> String {
    let context = td_string!(locale, feeds.round_context, method = method_name(locale, method), sitting = sitting);
    let mut html = format!("<p>{}</p>", escape(&context.to_string()));
    if !items.is_empty() {
        let tag = if method == Method::MajorityJudgment { "ol" } else { "ul" };
        html.push_str(&format!("<{tag}>"));
        for item in items {
            html.push_str(&format!("<li>{}</li>", escape(item)));
        }
        html.push_str(&format!("</{tag}>"));
    }
    let link = td_string!(locale, feeds.round_link);
    html.push_str(&format!("<p><a href=\"{}\">{}</a></p>", escape(page), escape(link)));
    html
}

/// A progress update posted on a commitment (`page`: the commitment's page).
pub fn update_entry(locale: Locale, page: String, (id, title): (i64, &str), body_html: &str, at: i64) -> Entry {
    // `body_html` was sanitised when it was posted.
    let link = td_string!(locale, feeds.update_link);
    let html = format!("{body_html}<p><a href=\"{}\">{}</a></p>", escape(&page), escape(link));
    Entry {
        id: format!("{page}#update-{id}"),
        title: td_string!(locale, feeds.update_title, title = title).to_string(),
        updated: at,
        link: page,
        html,
    }
}

/// A status as the public sees it (`planned` → "Prévu"); an unknown word as it is.
fn status_name(locale: Locale, value: &str) -> String {
    match Shown::parse(value) {
        Ok(s) => crate::commitments::pages::shown_name(locale, s).to_owned(),
        Err(_) => value.to_owned(),
    }
}

/// A line of a commitment's history (`old`, `new`: the values before and after) as an
/// entry's title and the sentence that tells it.
pub fn change(locale: Locale, commitment: &str, kind: HistoryKind, (old, new): (&str, &str)) -> (String, String) {
    let same = |t: String| (t.clone(), t);
    match kind {
        HistoryKind::Created => (
            td_string!(locale, feeds.created_title, title = commitment).to_string(),
            td_string!(locale, feeds.created_text, title = commitment).to_string(),
        ),
        HistoryKind::Status => same(
            td_string!(locale, feeds.status, from = status_name(locale, old), to = status_name(locale, new))
                .to_string(),
        ),
        HistoryKind::TargetDate => (
            td_string!(locale, feeds.target_date_title, date = format_date_fr(new)).to_string(),
            td_string!(locale, feeds.target_date_text, from = format_date_fr(old), to = format_date_fr(new))
                .to_string(),
        ),
        HistoryKind::Progress if new.is_empty() => same(td_string!(locale, feeds.progress_milestones).to_owned()),
        HistoryKind::Progress => same(td_string!(locale, feeds.progress_declared, percent = new).to_string()),
    }
}

/// A history line's content: the sentence, and the reason given, if any.
pub fn change_html(locale: Locale, text: &str, reason: &str) -> String {
    let mut html = format!("<p>{}</p>", escape(text));
    if !reason.is_empty() {
        let reason = td_string!(locale, feeds.reason, reason = reason).to_string();
        html.push_str(&format!("<p>{}</p>", escape(&reason)));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(adopted: bool) -> YesNoResult {
        YesNoResult {
            yes: 3,
            no: 1,
            abstain: 0,
            cast: 4,
            quorum_needed: 0,
            quorum_reached: true,
            counted: 4,
            yes_needed: 3,
            adopted,
        }
    }

    fn names(locale: Locale) -> Names {
        [
            (ObjectiveId(1), objective_name(locale, ObjectiveId(1), "Rappeler <vite>", true)),
            (ObjectiveId(2), objective_name(locale, ObjectiveId(2), "secret", false)),
        ]
        .into()
    }

    const PAGE: (&str, &str) = ("Séance", "http://x/rounds/1");

    #[test]
    fn a_decision_names_its_outcome_and_hides_hidden_objectives() {
        let names = names(Locale::fr);
        let one = RoundResult::YesNo(vec![(ObjectiveId(1), result(true))]);
        let (title, html) = decision(Locale::fr, Method::YesNo, Some(&one), &names, PAGE);
        assert_eq!(title, "Adopté : « Rappeler <vite> »");
        assert!(html.contains("« Rappeler &lt;vite&gt; » : adopté (oui 3, non 1, abstention 0)"), "{html}");
        assert!(html.starts_with("<p>Oui / non / abstention — séance « Séance ».</p>"), "{html}");
        let two = RoundResult::YesNo(vec![(ObjectiveId(1), result(true)), (ObjectiveId(2), result(false))]);
        let (title, html) = decision(Locale::fr, Method::YesNo, Some(&two), &names, PAGE);
        assert_eq!(title, "Vote : 1 objectif adopté, 1 rejeté");
        assert!(
            html.contains("l’objectif n° 2 (masqué par la modération) : rejeté") && !html.contains("secret"),
            "{html}"
        );
        assert!(html.ends_with("<p><a href=\"http://x/rounds/1\">Résultat détaillé et bulletins</a></p>"), "{html}");
    }

    #[test]
    fn a_decision_reads_in_english_too() {
        let names = names(Locale::en);
        let two = RoundResult::YesNo(vec![(ObjectiveId(1), result(true)), (ObjectiveId(2), result(false))]);
        let (title, html) = decision(Locale::en, Method::YesNo, Some(&two), &names, PAGE);
        assert_eq!(title, "Vote: 1 objective adopted, 1 rejected");
        assert!(html.contains("“Rappeler &lt;vite&gt;”: adopted (yes 3, no 1, abstain 0)"), "{html}");
        assert!(html.contains("objective no. 2 (hidden by moderation): rejected"), "{html}");
        assert!(html.contains(">Detailed result and ballots</a>"), "{html}");
        let (title, _) = decision(Locale::en, Method::Approval, None, &names, PAGE);
        assert_eq!(title, "Vote closed (Approval voting)");
    }

    #[test]
    fn counts_agree_with_their_noun_in_each_language() {
        let approval =
            RoundResult::Approval { objectives: vec![ObjectiveId(1), ObjectiveId(2)], counts: vec![0, 2], ballots: 1 };
        let (title, html) = decision(Locale::fr, Method::Approval, Some(&approval), &names(Locale::fr), PAGE);
        assert_eq!(title, "Vote par approbation : l’objectif n° 2 (masqué par la modération) en tête");
        assert!(html.contains("2 approbations sur 1 bulletin") && html.contains("0 approbation sur"), "{html}");
        let (_, html) = decision(Locale::en, Method::Approval, Some(&approval), &names(Locale::en), PAGE);
        assert!(html.contains("2 approvals out of 1 ballot") && html.contains("0 approvals out of"), "{html}");
        let three = RoundResult::YesNo(vec![
            (ObjectiveId(1), result(false)),
            (ObjectiveId(2), result(false)),
            (ObjectiveId(3), result(true)),
        ]);
        let (title, _) = decision(Locale::en, Method::YesNo, Some(&three), &names(Locale::en), PAGE);
        assert_eq!(title, "Vote: 1 objective adopted, 2 rejected");
        let (title, _) = decision(Locale::fr, Method::YesNo, Some(&three), &names(Locale::fr), PAGE);
        assert_eq!(title, "Vote : 1 objectif adopté, 2 rejetés");
    }

    #[test]
    fn history_lines_are_told_in_the_readers_language() {
        let status = (HistoryKind::Status, ("planned", "in_progress"));
        assert_eq!(change(Locale::fr, "T", status.0, status.1).0, "Statut : Prévu → En cours");
        assert_eq!(change(Locale::en, "T", status.0, status.1).0, "Status: Planned → In progress");
        let date = (HistoryKind::TargetDate, ("2026-12-31", "2027-03-31"));
        assert_eq!(change(Locale::fr, "T", date.0, date.1).1, "Date cible du 31/12/2026 au 31/03/2027.");
        assert_eq!(change(Locale::en, "T", date.0, date.1).0, "New target date: 31/03/2027");
        assert_eq!(change(Locale::fr, "T", HistoryKind::Created, ("", "planned")).0, "Engagement publié : T");
        assert_eq!(
            change(Locale::en, "T", HistoryKind::Progress, ("", "")).0,
            "Progress computed from the milestones again"
        );
        assert_eq!(change_html(Locale::en, "a < b", "why"), "<p>a &lt; b</p><p>Reason: why</p>");
        assert_eq!(change_html(Locale::fr, "x", ""), "<p>x</p>");
    }

    #[test]
    fn an_update_links_to_its_commitment() {
        let e = update_entry(Locale::en, "http://x/commitments/4".into(), (9, "Rappeler"), "<p>ok</p>", 5);
        assert_eq!(
            (e.id.as_str(), e.title.as_str(), e.updated),
            ("http://x/commitments/4#update-9", "Progress: Rappeler", 5)
        );
        assert_eq!(e.html, "<p>ok</p><p><a href=\"http://x/commitments/4\">See the commitment</a></p>");
        let e = update_entry(Locale::fr, "http://x/commitments/4".into(), (9, "Rappeler"), "", 5);
        assert_eq!(e.title, "Avancement : Rappeler");
        assert!(e.html.ends_with(">Voir l’engagement</a></p>"));
    }
}
