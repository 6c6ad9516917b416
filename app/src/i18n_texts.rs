//! Translations of the shared core's values that come as data (error codes, roles) rather
//! than as fixed keys, and locale-aware formatting. Each domain translates its own values
//! (its `texts.rs`). Each `match` is exhaustive, so a new code without a text does not
//! compile.
use crate::error::ErrorCode;
use crate::guard::Role;
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn error_text(locale: Locale, code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        Required => td_string!(locale, error_codes.required),
        TooShort => td_string!(locale, error_codes.too_short),
        TooLong => td_string!(locale, error_codes.too_long),
        InvalidFormat => td_string!(locale, error_codes.invalid_format),
        InvalidChoice => td_string!(locale, error_codes.invalid_choice),
        PasswordTooShort => td_string!(locale, error_codes.password_too_short),
        PasswordTooCommon => td_string!(locale, error_codes.password_too_common),
        PasswordMismatch => td_string!(locale, error_codes.password_mismatch),
        LoginTaken => td_string!(locale, error_codes.login_taken),
        InvalidCredentials => td_string!(locale, error_codes.invalid_credentials),
        TooManyAttempts => td_string!(locale, error_codes.too_many_attempts),
        RateLimited => td_string!(locale, error_codes.rate_limited),
        AccountDisabled => td_string!(locale, error_codes.account_disabled),
        InvitationInvalid => td_string!(locale, error_codes.invitation_invalid),
        SetupLinkInvalid => td_string!(locale, error_codes.setup_link_invalid),
        Unauthenticated => td_string!(locale, error_codes.unauthenticated),
        Forbidden => td_string!(locale, error_codes.forbidden),
        NotFound => td_string!(locale, error_codes.not_found),
        CannotChangeOwnAdmin => td_string!(locale, error_codes.cannot_change_own_admin),
        Suspended => td_string!(locale, error_codes.suspended),
        InvalidState => td_string!(locale, error_codes.invalid_state),
        EditWindowClosed => td_string!(locale, error_codes.edit_window_closed),
        DiscussionLocked => td_string!(locale, error_codes.discussion_locked),
        AlreadyReported => td_string!(locale, error_codes.already_reported),
        ReplyTooDeep => td_string!(locale, error_codes.reply_too_deep),
        NotAdopted => td_string!(locale, error_codes.not_adopted),
        AlreadyCommitted => td_string!(locale, error_codes.already_committed),
        DateInFuture => td_string!(locale, error_codes.date_in_future),
        ProxyGiverVoted => td_string!(locale, error_codes.proxy_giver_voted),
        RoundsStillOpen => td_string!(locale, error_codes.rounds_still_open),
        EndBeforeStart => td_string!(locale, error_codes.end_before_start),
        PlaceOrLinkRequired => td_string!(locale, error_codes.place_or_link_required),
        TooFewObjectives => td_string!(locale, error_codes.too_few_objectives),
        ObjectiveNotVotable => td_string!(locale, error_codes.objective_not_votable),
        BallotIncomplete => td_string!(locale, error_codes.ballot_incomplete),
        TooManyChoices => td_string!(locale, error_codes.too_many_choices),
        RoundClosed => td_string!(locale, error_codes.round_closed),
        ReceiptRequired => td_string!(locale, error_codes.receipt_required),
        ReceiptInvalid => td_string!(locale, error_codes.receipt_invalid),
        NoProxy => td_string!(locale, error_codes.no_proxy),
        ProxyGiven => td_string!(locale, error_codes.proxy_given),
        ProxyTaken => td_string!(locale, error_codes.proxy_taken),
        Internal => td_string!(locale, error_codes.internal),
        Network => td_string!(locale, error_codes.network),
    }
}

pub fn role_name(locale: Locale, role: Role) -> &'static str {
    match role {
        Role::Member => td_string!(locale, roles.member),
        Role::Facilitator => td_string!(locale, roles.facilitator),
        Role::Staff => td_string!(locale, roles.staff),
        Role::Admin => td_string!(locale, roles.admin),
    }
}

/// The display time zone. The assembly is French; dates show in metropolitan French time
/// (UTC+1, +2 in summer), computed without a time-zone database: the EU rule is fixed.
fn paris(ts: i64) -> time::OffsetDateTime {
    let utc = time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let offset = time::UtcOffset::from_hms(paris_offset_hours(ts), 0, 0).unwrap_or(time::UtcOffset::UTC);
    utc.to_offset(offset)
}

/// French legal time's offset from UTC at `ts`: summer time runs from the last Sunday of
/// March 01:00 UTC to the last Sunday of October 01:00 UTC.
pub fn paris_offset_hours(ts: i64) -> i8 {
    let utc = time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let year = utc.year();
    let last_sunday = |month: time::Month| {
        let last = time::Date::from_calendar_date(year, month, 31).unwrap_or(time::Date::MIN);
        let back = last.weekday().number_days_from_sunday();
        last - time::Duration::days(i64::from(back))
    };
    let start = last_sunday(time::Month::March).with_hms(1, 0, 0).map(|d| d.assume_utc());
    let end = last_sunday(time::Month::October).with_hms(1, 0, 0).map(|d| d.assume_utc());
    if matches!((start, end), (Ok(s), Ok(e)) if utc >= s && utc < e) {
        2
    } else {
        1
    }
}

/// `2026-12-10` and `18:30` in French time, as a date and a time input expect them.
pub fn input_date_time(ts: i64) -> (String, String) {
    let d = paris(ts);
    (format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()), format!("{:02}:{:02}", d.hour(), d.minute()))
}

/// `18:30`
pub fn format_time(ts: i64) -> String {
    let d = paris(ts);
    format!("{:02}:{:02}", d.hour(), d.minute())
}

/// `28/11/2026`
pub fn format_date(ts: i64) -> String {
    let d = paris(ts);
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `28/11/2026 14:05`
pub fn format_datetime(ts: i64) -> String {
    let d = paris(ts);
    format!("{} {:02}:{:02}", format_date(ts), d.hour(), d.minute())
}

/// The locale for a plain (non-Leptos) response: the saved choice, else the browser's
/// languages, else French.
#[cfg(feature = "ssr")]
pub fn request_locale(headers: &http::HeaderMap) -> Locale {
    use leptos_i18n::Locale as _;
    let from_cookie = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == "i18n_pref_locale")
        .and_then(|(_, v)| Locale::get_all().iter().copied().find(|l| l.as_str() == v));
    if let Some(l) = from_cookie {
        return l;
    }
    let accepted: Vec<String> = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .map(|part| part.split(';').next().unwrap_or_default().trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if accepted.is_empty() {
        Locale::fr
    } else {
        Locale::find_locale(&accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_show_in_french_time_across_daylight_saving() {
        // 2026-11-28 12:00 UTC is 13:00 in Paris (winter).
        assert_eq!(format_datetime(1_795_867_200), "28/11/2026 13:00");
        // 2026-07-14 12:00 UTC is 14:00 in Paris (summer).
        assert_eq!(format_datetime(1_784_030_400), "14/07/2026 14:00");
    }

    #[test]
    fn every_error_code_has_a_french_and_an_english_text() {
        for locale in [Locale::fr, Locale::en] {
            assert!(!error_text(locale, ErrorCode::PasswordTooCommon).is_empty());
        }
        assert_ne!(error_text(Locale::fr, ErrorCode::Forbidden), error_text(Locale::en, ErrorCode::Forbidden));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn locale_comes_from_cookie_then_accept_language_then_french() {
        let mut h = http::HeaderMap::new();
        assert_eq!(request_locale(&h), Locale::fr);
        h.insert(http::header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9".parse().expect("header"));
        assert_eq!(request_locale(&h), Locale::en);
        h.insert(http::header::COOKIE, "a=b; i18n_pref_locale=fr".parse().expect("header"));
        assert_eq!(request_locale(&h), Locale::fr);
    }
}
