//! The words for this domain's values, in the reader's language.
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn reason_name(locale: Locale, reason: super::Reason) -> &'static str {
    use super::Reason::*;
    match reason {
        OffTopic => td_string!(locale, reasons.off_topic),
        Disrespectful => td_string!(locale, reasons.disrespectful),
        PersonalData => td_string!(locale, reasons.personal_data),
        Spam => td_string!(locale, reasons.spam),
        Other => td_string!(locale, reasons.other),
    }
}

/// The public text that stands in for hidden content.
pub fn moderation_text(locale: Locale, moderation: &super::Moderation) -> Option<String> {
    use super::Moderation;
    match moderation {
        Moderation::Visible => None,
        Moderation::Pending => Some(td_string!(locale, moderation.pending_notice).to_owned()),
        Moderation::Hidden { reason, note } => {
            let mut s = format!("{} {}", td_string!(locale, moderation.hidden_notice), reason_name(locale, *reason));
            if !note.is_empty() {
                s.push_str(" — ");
                s.push_str(note);
            }
            Some(s)
        }
    }
}
