//! Markdown to safe HTML, once, when text is saved: pulldown-cmark renders, ammonia
//! sanitises (no scripts, no event handlers, no `javascript:`/`data:` links, no images that
//! would track readers), and the HTML is stored beside its source.
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow ugc"));
    b
});

/// Headings in user text start at level 3: the page owns levels 1 and 2.
fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

pub fn render(source: &str) -> String {
    let parser =
        Parser::new_ext(source, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES).map(|event| match event {
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                Event::Start(Tag::Heading { level: demote(level), id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
            // Raw HTML is shown as text: members write Markdown, not markup.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            other => other,
        });
    let mut html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    CLEANER.clean(&html).to_string()
}

/// Renders off the async runtime when the text is long (Markdown is CPU work).
pub async fn render_async(source: String) -> Result<String, crate::error::AppError> {
    if source.len() < 4096 {
        return Ok(render(&source));
    }
    tokio::task::spawn_blocking(move || render(&source)).await.map_err(|_| crate::error::AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders_and_hostile_markup_does_not_survive() {
        assert_eq!(render("**gras** et *italique*"), "<p><strong>gras</strong> et <em>italique</em></p>\n");
        assert!(render("# Titre").contains("<h3>Titre</h3>"));
        for hostile in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[clic](javascript:alert(1))",
            "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "![x](https://tracker.example/pixel.png)",
        ] {
            let html = render(hostile);
            assert!(
                !html.contains("<script") && !html.contains("<img") && !html.contains("<svg"),
                "{hostile} → {html}"
            );
            // Shown as text is fine (`&lt;a href="javascript:…`); a live attribute is not.
            assert!(!html.contains("<a href=\"javascript") && !html.contains("<a href=\"data:"), "{hostile} → {html}");
            assert!(!html.contains(" onerror=") || html.contains("&lt;img"), "{hostile} → {html}");
        }
        let link = render("[mairie](https://val-de-brise.example)");
        assert!(link.contains("rel=\"noopener noreferrer nofollow ugc\""), "{link}");
    }
}
