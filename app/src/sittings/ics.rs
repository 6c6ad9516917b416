//! A sitting as an iCalendar event (RFC 5545), for members' calendars. Pure: the caller
//! passes the clock and the public URL.

pub struct IcsEvent<'a> {
    pub uid: String,
    pub title: &'a str,
    pub starts_at: i64,
    pub ends_at: i64,
    pub place: &'a str,
    pub online_url: &'a str,
    pub page_url: &'a str,
    pub stamp: i64,
    pub cancelled: bool,
}

fn utc(ts: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!("{}{:02}{:02}T{:02}{:02}{:02}Z", d.year(), u8::from(d.month()), d.day(), d.hour(), d.minute(), d.second())
}

/// Escapes a text value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a UTF-8 character (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub fn calendar(event: &IcsEvent<'_>) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Concerto//Assemblée citoyenne//FR".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", event.uid),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.starts_at)),
        format!("DTEND:{}", utc(event.ends_at)),
        format!("SUMMARY:{}", text(event.title)),
        format!("URL:{}", event.page_url),
    ];
    let mut description = event.page_url.to_owned();
    if !event.online_url.is_empty() {
        description = format!("{}\n{}", event.online_url, description);
    }
    lines.push(format!("DESCRIPTION:{}", text(&description)));
    let location = match (event.place.is_empty(), event.online_url.is_empty()) {
        (false, _) => Some(event.place),
        (true, false) => Some(event.online_url),
        (true, true) => None,
    };
    if let Some(location) = location {
        lines.push(format!("LOCATION:{}", text(location)));
    }
    lines.push(format!("STATUS:{}", if event.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".to_owned());
    lines.push("END:VCALENDAR".to_owned());
    let mut out = String::new();
    for line in lines {
        fold(&line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_escapes_text_folds_long_lines_and_uses_crlf() {
        let title = "Séance n°3 ; accueil, horaires et délais de réponse aux courriels des habitants du quartier";
        let ics = calendar(&IcsEvent {
            uid: "sitting-3@concerto".into(),
            title,
            starts_at: 1_796_923_800,
            ends_at: 1_796_931_000,
            place: "Salle du conseil, mairie",
            online_url: "",
            page_url: "https://concerto.example.fr/sittings/3",
            stamp: 1_796_000_000,
            cancelled: false,
        });
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20261210T173000Z\r\n"));
        assert!(ics.contains("LOCATION:Salle du conseil\\, mairie\r\n"));
        assert!(ics.contains("SUMMARY:Séance n°3 \\; accueil\\, horaires"));
        assert!(ics.lines().all(|l| l.len() <= 75), "every line folded at 75 octets");
        assert!(ics.split("\r\n").all(|l| !l.contains('\n')), "CRLF only");
    }
}
