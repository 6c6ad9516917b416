//! The words for this domain's values, in the reader's language.
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn stance_name(locale: Locale, stance: super::Stance) -> &'static str {
    use super::Stance::*;
    match stance {
        For => td_string!(locale, stances.for_),
        Against => td_string!(locale, stances.against),
        Neutral => td_string!(locale, stances.neutral),
    }
}
