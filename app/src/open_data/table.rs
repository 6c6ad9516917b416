//! A dataset's rows as typed cells, and the two ways they are written: CSV (RFC 4180, UTF-8,
//! CRLF, with spreadsheet formulas neutralised) and JSON (an array of objects keyed like the
//! CSV header). Pure: the service reads the rows, this writes them.
use super::atom::rfc3339;
use super::Dataset;
use crate::error::AppError;
use std::borrow::Cow;

/// One value of an exported row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Num(f64),
    Bool(bool),
    Text(String),
    /// Unix seconds, written as ISO 8601 in UTC.
    Time(i64),
    Json(serde_json::Value),
}

/// One exported row: the dataset's columns, in order.
pub type Record = Vec<Cell>;

impl Cell {
    pub fn int(v: Option<i64>) -> Cell {
        v.map_or(Cell::Null, Cell::Int)
    }

    pub fn time(v: Option<i64>) -> Cell {
        v.map_or(Cell::Null, Cell::Time)
    }

    pub fn text(v: Option<String>) -> Cell {
        v.map_or(Cell::Null, Cell::Text)
    }

    /// A word of a closed list (a status, a channel…), as stored.
    pub fn word(v: impl std::fmt::Display) -> Cell {
        Cell::Text(v.to_string())
    }

    /// JSON stored as text (rules, results, ballots); kept as text should it not parse.
    pub fn json_text(raw: Option<&str>) -> Cell {
        match raw {
            None => Cell::Null,
            Some(raw) => serde_json::from_str(raw).map(Cell::Json).unwrap_or_else(|_| Cell::Text(raw.to_owned())),
        }
    }

    /// The cell as CSV text: text neutralised against formulas, JSON compact.
    pub fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Null => Cow::Borrowed(""),
            Cell::Int(v) => Cow::Owned(v.to_string()),
            Cell::Num(v) => Cow::Owned(v.to_string()),
            Cell::Bool(v) => Cow::Borrowed(if *v { "true" } else { "false" }),
            Cell::Text(s) => neutralise(s),
            Cell::Time(t) => Cow::Owned(rfc3339(*t)),
            Cell::Json(v) => Cow::Owned(neutralise(&v.to_string()).into_owned()),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Cell::Null => Value::Null,
            Cell::Int(v) => Value::from(*v),
            Cell::Num(v) => Value::from(*v),
            Cell::Bool(v) => Value::Bool(*v),
            Cell::Text(s) => Value::String(s.clone()),
            Cell::Time(t) => Value::String(rfc3339(*t)),
            Cell::Json(v) => v.clone(),
        }
    }
}

/// A spreadsheet reads a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage
/// return before one) as a formula: such a cell gets a leading `'`, which spreadsheets show
/// as text. Anyone can write these texts, so every text cell of a CSV goes through here.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

pub fn to_csv(dataset: &Dataset, rows: &[Record]) -> Result<Vec<u8>, AppError> {
    let internal = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "CSV export failed");
        AppError::Internal
    };
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    w.write_record(dataset.columns.iter().map(|c| c.name)).map_err(|e| internal(&e))?;
    for row in rows {
        w.write_record(row.iter().map(|c| c.csv().into_owned())).map_err(|e| internal(&e))?;
    }
    w.into_inner().map_err(|e| internal(&e))
}

pub fn to_json(dataset: &Dataset, rows: &[Record]) -> serde_json::Value {
    serde_json::Value::Array(
        rows.iter()
            .map(|row| {
                serde_json::Value::Object(
                    dataset.columns.iter().zip(row).map(|(c, v)| (c.name.to_owned(), v.json())).collect(),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> &'static Dataset {
        super::super::Data::Milestones.dataset()
    }

    #[test]
    fn formulas_are_neutralised_in_csv_text_only() {
        assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        for s in ["+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(neutralise(s).starts_with('\''), "{s:?}");
        }
        assert_eq!(neutralise("Accueil = écoute"), "Accueil = écoute");
        assert_eq!(Cell::Int(-3).csv(), "-3", "numbers stay numbers");
        assert_eq!(Cell::Num(-2.5).csv(), "-2.5");
        assert_eq!(Cell::Text("-3".into()).json(), serde_json::json!("-3"), "JSON keeps the text as it is");
    }

    #[test]
    fn csv_has_a_header_quotes_per_rfc_4180_and_ends_lines_with_crlf() {
        let rows = vec![
            vec![
                Cell::Int(1),
                Cell::Int(7),
                Cell::Text("Appels, \"rappels\"\net suite".into()),
                Cell::Text("2026-12-31".into()),
                Cell::Null,
            ],
            vec![
                Cell::Int(2),
                Cell::Int(7),
                Cell::Text("=1+1".into()),
                Cell::Text("2027-01-31".into()),
                Cell::Text("2027-01-02".into()),
            ],
        ];
        let csv = String::from_utf8(to_csv(spec(), &rows).unwrap()).unwrap();
        assert_eq!(
            csv,
            "id,commitment_id,title,due_date,done_on\r\n1,7,\"Appels, \"\"rappels\"\"\net suite\",2026-12-31,\r\n2,7,'=1+1,2027-01-31,2027-01-02\r\n"
        );
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let back: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(&back[0][2], "Appels, \"rappels\"\net suite");
    }

    #[test]
    fn json_rows_are_objects_keyed_like_the_csv_header() {
        let rows = vec![vec![
            Cell::Int(1),
            Cell::Int(7),
            Cell::Text("Étape".into()),
            Cell::Text("2026-12-31".into()),
            Cell::Null,
        ]];
        assert_eq!(
            to_json(spec(), &rows),
            serde_json::json!([{"id": 1, "commitment_id": 7, "title": "Étape", "due_date": "2026-12-31", "done_on": null}])
        );
        assert_eq!(Cell::Time(1_796_923_800).json(), serde_json::json!("2026-12-10T17:30:00Z"));
        assert_eq!(Cell::json_text(Some("{\"a\":[1]}")).csv(), "{\"a\":[1]}");
        assert_eq!(Cell::json_text(Some("not json")), Cell::Text("not json".into()), "kept as text");
        assert_eq!(Cell::Bool(true).csv(), "true");
        assert_eq!(Cell::word(crate::commitments::Status::InProgress), Cell::Text("in_progress".into()));
    }
}
