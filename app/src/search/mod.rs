//! Full-text search over objectives and their comments, ignoring accents and case. The
//! application folds text to plain lowercase words before storing or querying it, so that
//! SQLite's FTS5 and PostgreSQL's text search see exactly the same words and give the same
//! results. `store` is the one place where the two SQL dialects differ for search.
#[cfg(feature = "ssr")]
pub mod store;

/// Folds text to lowercase ASCII words separated by single spaces ("Délai d'attente" →
/// "delai d attente").
pub fn normalize(text: &str) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    ascii.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Words of a query, each matched as a prefix ("horaire" finds "horaires"); at most 12.
pub fn query_words(query: &str) -> Vec<String> {
    normalize(query).split(' ').filter(|w| !w.is_empty()).take(12).map(str::to_owned).collect()
}

/// Short words that say nothing about what an objective is about.
const STOP_WORDS: &[&str] = &[
    "les", "des", "une", "pour", "avec", "dans", "sur", "par", "aux", "plus", "que", "qui", "est", "son", "ses",
    "leur", "the", "and", "for", "with", "mairie",
];

fn significant(title: &str) -> Vec<String> {
    normalize(title)
        .split(' ')
        .filter(|w| w.len() >= 3 && !STOP_WORDS.contains(w))
        // A crude stem: plurals and feminine forms match ("horaires" ~ "horaire").
        .map(|w| w.trim_end_matches('s').trim_end_matches('e').to_owned())
        .collect()
}

/// Ranks `candidates` by how many significant words their title shares with `title`, best
/// first, keeping at most `limit` with at least one word in common.
pub fn similar_titles<T: Clone>(title: &str, candidates: &[(T, String)], limit: usize) -> Vec<T> {
    let wanted = significant(title);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize, &T)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, (item, t))| {
            let words = significant(t);
            let shared = wanted.iter().filter(|w| words.contains(w)).count();
            (shared > 0).then_some((shared, i, item))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(limit).map(|(_, _, item)| item.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_accents_case_and_punctuation() {
        assert_eq!(normalize("Délai d'ATTENTE au guichet : 15 min !"), "delai d attente au guichet 15 min");
        assert_eq!(normalize("Œuvre — cœur, ça"), "oeuvre coeur ca");
        assert_eq!(normalize("e-mail"), "e mail");
        assert_eq!(query_words("  ÉTÉ  "), vec!["ete".to_owned()]);
        assert!(query_words("!!! ?").is_empty());
    }

    #[test]
    fn similar_titles_share_significant_words() {
        let candidates = vec![
            (1, "Répondre aux courriels sous 48 heures".to_owned()),
            (2, "Ouvrir la mairie le samedi matin".to_owned()),
            (3, "Des horaires d'ouverture plus larges".to_owned()),
            (4, "Un accusé de réception pour chaque courriel".to_owned()),
        ];
        assert_eq!(similar_titles("Réponse aux courriels en 48 h", &candidates, 5), vec![1, 4]);
        assert_eq!(similar_titles("Horaire d'ouverture le samedi", &candidates, 5), vec![3, 2]);
        assert!(similar_titles("Les pour des", &candidates, 5).is_empty());
        assert_eq!(similar_titles("courriel", &candidates, 1), vec![1]);
    }
}
