//! Bulk invitations from a CSV of members (server only). Town halls export lists from a
//! spreadsheet: we accept `,` or `;` separators, an optional header row, UTF-8 with or
//! without BOM, and answer with a CSV of one invitation link per accepted row and a
//! reason for every rejected one.
use crate::accounts::{parse_optional_email, session, DisplayName, Role};
use crate::assemblies::{api::ssr::insert_invitation, INVITATION_DEFAULT_DAYS};
use crate::audit::ssr::{record, Event};
use crate::error::{AppError, ErrorCode};
use crate::i18n::Locale;
use crate::i18n_texts::{error_text, request_locale};
use crate::ids::AssemblyId;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, StatusCode};
use leptos_i18n::td_string;
use serde_json::json;

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

fn text_response(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `POST /admin/assemblies/{id}/import` (multipart: `file`, `role`, `valid_days`).
pub async fn import_members(
    State(state): State<AppState>,
    Path(assembly): Path<i64>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let locale = request_locale(&headers);
    match import(&state, AssemblyId(assembly), &headers, multipart, locale).await {
        Ok(csv) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"invitations-{assembly}.csv\"")),
            ],
            Body::from(csv),
        )
            .into_response(),
        Err(err) => {
            let status = err.status();
            text_response(status, error_text(locale, err.code()).to_owned())
        }
    }
}

async fn import(
    state: &AppState,
    assembly: AssemblyId,
    headers: &HeaderMap,
    mut multipart: Multipart,
    locale: Locale,
) -> Result<String, AppError> {
    let token = session::token_from_headers(headers).ok_or(AppError::User(ErrorCode::Unauthenticated))?;
    let admin = crate::accounts::permissions::require_admin(session::user_for_token(&state.db, &token).await?)?;
    crate::assemblies::api::ssr::require_assembly(&state.db, assembly).await?;
    let (mut data, mut role, mut days) = (None, Role::Member, INVITATION_DEFAULT_DAYS);
    while let Some(field) =
        multipart.next_field().await.map_err(|_| AppError::field("file", ErrorCode::InvalidFormat))?
    {
        match field.name() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(|_| AppError::field("file", ErrorCode::TooLong))?;
                if bytes.len() > MAX_BYTES {
                    return Err(AppError::field("file", ErrorCode::TooLong));
                }
                data = Some(bytes);
            }
            Some("role") => {
                let text = field.text().await.unwrap_or_default();
                role = Role::parse(&text).map_err(|c| AppError::field("role", c))?;
            }
            Some("valid_days") => {
                let text = field.text().await.unwrap_or_default();
                days = crate::assemblies::parse_valid_days(&text).map_err(|c| AppError::field("valid_days", c))?;
            }
            _ => {}
        }
    }
    let data = data.filter(|d| !d.is_empty()).ok_or(AppError::field("file", ErrorCode::Required))?;
    let rows = parse_members(&data).map_err(|c| AppError::field("file", c))?;
    let expires_at = crate::db::now() + days * 24 * 3600;
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
    let mut tx = state.db.pool.begin().await?;
    let (mut accepted, mut rejected) = (0, 0);
    for row in rows {
        let line = row.line.to_string();
        match &row.verdict {
            Ok((name, email)) => {
                let (_, link) = insert_invitation(
                    &mut tx,
                    &state.config.public_url,
                    assembly,
                    role,
                    (Some(name), email.as_deref()),
                    admin.id,
                    expires_at,
                )
                .await?;
                accepted += 1;
                out.write_record([
                    line.as_str(),
                    name,
                    email.as_deref().unwrap_or(""),
                    td_string!(locale, import.accepted),
                    &link,
                    "",
                ])
                .map_err(write_err)?;
            }
            Err(code) => {
                rejected += 1;
                let reason = if *code == ErrorCode::LoginTaken {
                    td_string!(locale, import.duplicate_email)
                } else {
                    error_text(locale, *code)
                };
                out.write_record([
                    line.as_str(),
                    &row.name,
                    &row.email,
                    td_string!(locale, import.rejected),
                    "",
                    reason,
                ])
                .map_err(write_err)?;
            }
        }
    }
    record(
        &mut tx,
        Event {
            actor: Some(admin.id),
            assembly: Some(assembly),
            action: "invitation.import",
            target_type: "assembly",
            target_id: Some(assembly.0),
            details: json!({ "role": role.as_str(), "accepted": accepted, "rejected": rejected }),
        },
    )
    .await?;
    tx.commit().await?;
    String::from_utf8(out.into_inner().map_err(|_| AppError::Internal)?).map_err(|_| AppError::Internal)
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
