//! Bulk invitations from a CSV of members (server only): reading the upload and writing the
//! answer. Town halls export lists from a spreadsheet: we accept `,` or `;` separators, an
//! optional header row, UTF-8 with or without BOM, and answer with a CSV of one invitation
//! link per accepted row and a reason for every rejected one. The use case itself is
//! `service::import_members`; the HTTP route is the server's.
use crate::accounts::{parse_optional_email, DisplayName};
use crate::error::{AppError, ErrorCode};
use crate::i18n::Locale;
use crate::i18n_texts::error_text;
use leptos_i18n::td_string;

/// What the import made of one row: its invitation link, or the reason it was refused.
pub struct ImportedRow {
    pub row: CsvRow,
    pub link: Result<String, ErrorCode>,
}

pub const MAX_ROWS: usize = 2000;
pub const MAX_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// Line number in the uploaded file (1-based, header included), for the report.
    pub line: usize,
    pub name: String,
    pub email: String,
    pub verdict: Result<(String, Option<String>), ErrorCode>,
}

/// Parses the uploaded file into rows, each accepted or rejected with a reason.
pub fn parse_members(data: &[u8]) -> Result<Vec<CsvRow>, ErrorCode> {
    let text = std::str::from_utf8(data).map_err(|_| ErrorCode::InvalidFormat)?;
    let text = text.trim_start_matches('\u{feff}');
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = if first_line.contains(';') && !first_line.contains(',') { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut seen_emails = std::collections::HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|_| ErrorCode::InvalidFormat)?;
        // The csv reader skips blank lines in its own count; count them from the byte offset.
        let line = record.position().map_or(index + 1, |p| {
            let bytes = text.as_bytes();
            let mut start = (p.byte() as usize).min(bytes.len());
            while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
                start += 1;
            }
            bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
        });
        let name = record.get(0).unwrap_or_default().to_owned();
        let email = record.get(1).unwrap_or_default().to_owned();
        if index == 0 && is_header(&name) {
            continue;
        }
        if name.is_empty() && email.is_empty() && record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(ErrorCode::TooLong);
        }
        let verdict = DisplayName::parse(&name).and_then(|n| {
            let email = parse_optional_email(&email)?;
            if let Some(e) = &email {
                if !seen_emails.insert(e.to_lowercase()) {
                    return Err(ErrorCode::LoginTaken);
                }
            }
            Ok((n.into_inner(), email))
        });
        rows.push(CsvRow { line, name, email, verdict });
    }
    Ok(rows)
}

fn is_header(first_cell: &str) -> bool {
    matches!(first_cell.to_lowercase().as_str(), "name" | "nom" | "nom complet" | "display_name" | "prénom nom")
}

/// The CSV answered to an import: one line per row of the upload, with its invitation link
/// or the reason it was refused, in the admin's language.
pub fn report(locale: Locale, rows: &[ImportedRow]) -> Result<String, AppError> {
    let mut out = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let write_err = |e: csv::Error| {
        tracing::error!(error = %e, "csv write");
        AppError::Internal
    };
    out.write_record([
        td_string!(locale, import.col_line),
        td_string!(locale, import.col_name),
        td_string!(locale, import.col_email),
        td_string!(locale, import.col_status),
        td_string!(locale, import.col_link),
        td_string!(locale, import.col_reason),
    ])
    .map_err(write_err)?;
    for ImportedRow { row, link } in rows {
        let line = row.line.to_string();
        // Names and addresses come back as typed, but never as a spreadsheet formula.
        let (name, email) = (csv_cell(&row.name), csv_cell(&row.email));
        let record = match link {
            Ok(link) => [line.as_str(), &name, &email, td_string!(locale, import.accepted), link.as_str(), ""],
            Err(code) => {
                let reason = if *code == ErrorCode::LoginTaken {
                    td_string!(locale, import.duplicate_email)
                } else {
                    error_text(locale, *code)
                };
                [line.as_str(), &name, &email, td_string!(locale, import.rejected), "", reason]
            }
        };
        out.write_record(record).map_err(write_err)?;
    }
    String::from_utf8(out.into_inner().map_err(|_| AppError::Internal)?).map_err(|_| AppError::Internal)
}

/// A cell starting with `=`, `+`, `-` or `@` gets a leading apostrophe, so a spreadsheet shows
/// it as text instead of running it.
fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_row_is_skipped_and_both_separators_work() {
        let rows = parse_members("nom;email\nAwa Diallo;awa@exemple.fr\nJean Martin;\n".as_bytes()).expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].verdict, Ok(("Awa Diallo".into(), Some("awa@exemple.fr".into()))));
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].verdict, Ok(("Jean Martin".into(), None)));
        let rows = parse_members("\u{feff}Awa Diallo,awa@exemple.fr".as_bytes()).expect("parses");
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn bad_rows_are_rejected_with_a_reason_and_good_ones_kept() {
        let csv = "name,email\nA,\n,lost@exemple.fr\nBob Dylan,not-an-email\nClaire Dubois,c@exemple.fr\nClaire Bis,C@exemple.fr\n\nDenis Roy\n";
        let rows = parse_members(csv.as_bytes()).expect("parses");
        let verdicts: Vec<_> = rows.iter().map(|r| (r.line, r.verdict.clone().map(|v| v.0))).collect();
        assert_eq!(
            verdicts,
            vec![
                (2, Err(ErrorCode::TooShort)),
                (3, Err(ErrorCode::Required)),
                (4, Err(ErrorCode::InvalidFormat)),
                (5, Ok("Claire Dubois".into())),
                (6, Err(ErrorCode::LoginTaken)),
                (8, Ok("Denis Roy".into())),
            ]
        );
    }

    #[test]
    fn non_utf8_and_oversized_files_are_refused() {
        assert_eq!(parse_members(&[0xff, 0xfe, 0x00]), Err(ErrorCode::InvalidFormat));
        let big: String = (0..=MAX_ROWS).map(|i| format!("Personne {i}\n")).collect();
        assert_eq!(parse_members(big.as_bytes()), Err(ErrorCode::TooLong));
    }
}
