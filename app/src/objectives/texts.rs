//! The words for this domain's values, in the reader's language.
use crate::i18n::Locale;
use leptos_i18n::td_string;

pub fn channel_name(locale: Locale, channel: super::Channel) -> &'static str {
    use super::Channel::*;
    match channel {
        Phone => td_string!(locale, channels.phone),
        Email => td_string!(locale, channels.email),
        FrontDesk => td_string!(locale, channels.front_desk),
        OnlineServices => td_string!(locale, channels.online_services),
        OpeningHours => td_string!(locale, channels.opening_hours),
        ResponseDelays => td_string!(locale, channels.response_delays),
        Accessibility => td_string!(locale, channels.accessibility),
        Signage => td_string!(locale, channels.signage),
        Other => td_string!(locale, channels.other),
    }
}

pub fn status_name(locale: Locale, status: super::Status) -> &'static str {
    use super::Status::*;
    match status {
        Draft => td_string!(locale, statuses.draft),
        Proposed => td_string!(locale, statuses.proposed),
        InDiscussion => td_string!(locale, statuses.in_discussion),
        Voting => td_string!(locale, statuses.voting),
        Adopted => td_string!(locale, statuses.adopted),
        Rejected => td_string!(locale, statuses.rejected),
        Withdrawn => td_string!(locale, statuses.withdrawn),
    }
}

pub fn sort_name(locale: Locale, sort: super::Sort) -> &'static str {
    use super::Sort::*;
    match sort {
        Newest => td_string!(locale, objectives.sort_newest),
        Supported => td_string!(locale, objectives.sort_supported),
        Discussed => td_string!(locale, objectives.sort_discussed),
    }
}
