//! An Atom 1.0 feed writer (RFC 4287), small and pure: the caller gives the entries, the
//! public URL, the clock and the language. Every text is escaped; characters XML 1.0
//! forbids are dropped.

/// ISO 8601 / RFC 3339 in UTC: `2026-12-10T17:30:00Z`.
pub fn rfc3339(ts: i64) -> String {
    let d = time::OffsetDateTime::from_unix_timestamp(ts).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// Text escaped for XML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows tab, line feed and carriage return, and no other control
            // character, nor U+FFFE and U+FFFF.
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

pub struct Entry {
    /// A permanent IRI: the page's URL, with a fragment when one page has several entries.
    pub id: String,
    pub title: String,
    pub updated: i64,
    /// The page the entry is about.
    pub link: String,
    /// HTML, already safe (sanitised or built from escaped text); escaped again here, as
    /// `type="html"` content requires.
    pub html: String,
}

pub struct Feed {
    /// The language of its texts (`fr`, `en`), as `xml:lang`.
    pub lang: &'static str,
    /// The feed's own URL, also its id.
    pub self_url: String,
    pub title: String,
    pub subtitle: String,
    /// The page the feed follows.
    pub page: String,
    pub author: String,
    /// When nothing has happened yet: the feed's `updated` is the newest entry's, else this.
    pub since: i64,
    /// Newest first.
    pub entries: Vec<Entry>,
}

pub fn write(feed: &Feed) -> String {
    let updated = feed.entries.iter().map(|e| e.updated).max().unwrap_or(feed.since);
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", escape(feed.lang)));
    out.push_str(&format!("  <id>{}</id>\n", escape(&feed.self_url)));
    out.push_str(&format!("  <title>{}</title>\n", escape(&feed.title)));
    if !feed.subtitle.is_empty() {
        out.push_str(&format!("  <subtitle>{}</subtitle>\n", escape(&feed.subtitle)));
    }
    out.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&feed.self_url)
    ));
    out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(&feed.page)));
    out.push_str(&format!("  <author><name>{}</name></author>\n", escape(&feed.author)));
    out.push_str("  <generator>Concerto</generator>\n");
    for e in &feed.entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", escape(&e.id)));
        out.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        out.push_str(&format!("    <updated>{}</updated>\n", rfc3339(e.updated)));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(&e.link)));
        out.push_str(&format!("    <content type=\"html\">{}</content>\n", escape(&e.html)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_796_923_800), "2026-12-10T17:30:00Z");
    }

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(escape("<b>A & B</b> \"c\" 'd'"), "&lt;b&gt;A &amp; B&lt;/b&gt; &quot;c&quot; &apos;d&apos;");
        assert_eq!(escape("a\u{0}b\u{1b}c\td\n\u{ffff}é"), "abc\td\né");
    }

    #[test]
    fn a_feed_has_its_id_title_updated_self_link_author_and_escaped_entries() {
        let feed = Feed {
            lang: "fr",
            self_url: "https://concerto.example.fr/assemblies/1/feed.atom".into(),
            title: "Décisions — <Val-de-Brise>".into(),
            subtitle: String::new(),
            page: "https://concerto.example.fr/assemblies/1/outcomes".into(),
            author: "Assemblée & co".into(),
            since: 10,
            entries: vec![Entry {
                id: "https://concerto.example.fr/rounds/4".into(),
                title: "Adopté : « Rappeler sous 48 h »".into(),
                updated: 1_796_923_800,
                link: "https://concerto.example.fr/rounds/4?a=1&b=2".into(),
                html: "<p>Oui : 3</p>".into(),
            }],
        };
        let xml = write(&feed);
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"")
        );
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n"));
        assert!(xml.contains("<title>Décisions — &lt;Val-de-Brise&gt;</title>"));
        assert!(xml.contains("<updated>2026-12-10T17:30:00Z</updated>\n  <link rel=\"self\""));
        assert!(xml.contains("<author><name>Assemblée &amp; co</name></author>"));
        assert!(xml.contains("href=\"https://concerto.example.fr/rounds/4?a=1&amp;b=2\""));
        assert!(xml.contains("<content type=\"html\">&lt;p&gt;Oui : 3&lt;/p&gt;</content>"));
        assert_eq!(xml.matches("<entry>").count(), 1);
        let empty = write(&Feed { entries: Vec::new(), lang: "en", ..feed });
        assert!(empty.contains("<updated>1970-01-01T00:00:10Z</updated>"), "an empty feed dates from its start");
        assert!(empty.contains("xml:lang=\"en\""), "the feed says its language");
    }
}
