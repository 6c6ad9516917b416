//! The words for this domain's values, in the reader's language.
use super::InvitationStatus;
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn invitation_status_name(locale: Locale, status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::Pending => td_string!(locale, invitation_status.pending),
        InvitationStatus::Used => td_string!(locale, invitation_status.used),
        InvitationStatus::Expired => td_string!(locale, invitation_status.expired),
        InvitationStatus::Revoked => td_string!(locale, invitation_status.revoked),
    }
}
