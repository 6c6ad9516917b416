//! Full-text search over objectives and their comments, ignoring accents and case. The
//! application folds text to plain lowercase words before storing or querying it, so that
//! SQLite's FTS5 and PostgreSQL's text search see exactly the same words and give the same
//! results. This is the one place where the two SQL dialects differ for search.
use crate::db::{Backend, Db};
use crate::error::AppError;
use crate::ids::{CommentId, ObjectiveId};

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

fn objective_key(id: ObjectiveId) -> i64 {
    id.0 * 2
}

fn comment_key(id: CommentId) -> i64 {
    id.0 * 2 + 1
}

/// Index (or re-index) the text of an objective.
pub async fn index_objective(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    id: ObjectiveId,
    text: &[&str],
) -> Result<(), AppError> {
    upsert(tx, backend, objective_key(id), id, &normalize(&text.join(" "))).await
}

pub async fn index_comment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    id: CommentId,
    objective: ObjectiveId,
    text: &str,
) -> Result<(), AppError> {
    upsert(tx, backend, comment_key(id), objective, &normalize(text)).await
}

pub async fn unindex_objective(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    id: ObjectiveId,
) -> Result<(), AppError> {
    remove(tx, backend, objective_key(id)).await
}

pub async fn unindex_comment(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    id: CommentId,
) -> Result<(), AppError> {
    remove(tx, backend, comment_key(id)).await
}

async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    key: i64,
    objective: ObjectiveId,
    document: &str,
) -> Result<(), AppError> {
    remove(tx, backend, key).await?;
    let sql = match backend {
        Backend::Sqlite => "insert into search_index (rowid, document, objective_id) values ($1, $2, $3)",
        Backend::Postgres => {
            "insert into search_index (key, document, objective_id) values ($1, to_tsvector('simple', $2), $3)"
        }
    };
    sqlx::query(sql).bind(key).bind(document).bind(objective.0).execute(&mut **tx).await?;
    Ok(())
}

async fn remove(tx: &mut sqlx::Transaction<'_, sqlx::Any>, backend: Backend, key: i64) -> Result<(), AppError> {
    let sql = match backend {
        Backend::Sqlite => "delete from search_index where rowid = $1",
        Backend::Postgres => "delete from search_index where key = $1",
    };
    sqlx::query(sql).bind(key).execute(&mut **tx).await?;
    Ok(())
}

/// A SQL condition on `o.id` that keeps objectives whose text or comments contain every
/// word of the query (as a prefix), and the value to bind for it. `None` when the query has
/// no word at all.
pub fn condition(db: &Db, query: &str, placeholder: usize) -> Option<(String, String)> {
    let words = query_words(query);
    if words.is_empty() {
        return None;
    }
    // Words are [a-z0-9]+ after folding, so they cannot carry query syntax.
    match db.backend {
        Backend::Sqlite => Some((
            format!("o.id in (select cast(objective_id as integer) from search_index where search_index match ${placeholder})"),
            words.iter().map(|w| format!("{w}*")).collect::<Vec<_>>().join(" "),
        )),
        Backend::Postgres => Some((
            format!("o.id in (select objective_id from search_index where document @@ to_tsquery('simple', ${placeholder}))"),
            words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "),
        )),
    }
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
