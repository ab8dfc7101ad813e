//! Markdown bodies to HTML: pulldown-cmark with tables, footnotes,
//! strikethrough and heading anchors, and fenced code through syntect.
//!
//! Bodies are written by the desk, but they are still content: raw HTML in a
//! body is shown as text rather than injected (a pasted `<script>` from a source
//! must not run on the site), and a link or image whose URL has a scheme other
//! than http, https or mailto is an error at its line, like any other bad URL.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::highlight::highlight;
use crate::model::slug::slugify;

/// A problem in a body: byte offset in the body, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub offset: usize,
    pub message: String,
}

/// Rendered HTML and the body's problems.
#[derive(Debug, Clone, Default)]
pub struct RenderedBody {
    pub html: String,
    pub problems: Vec<BodyProblem>,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Whether a URL from a body may be linked: relative, a fragment, or http(s)/mailto.
pub fn is_safe_body_url(url: &str) -> bool {
    let trimmed: String = url.trim().chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    match trimmed.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &trimmed[..colon];
            // A colon after the first '/', '?' or '#' is part of a relative path.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
    }
}

/// Renders one body.
pub fn render(markdown: &str) -> RenderedBody {
    let mut problems = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut heading_ids: HashSet<String> = HashSet::new();
    // Open heading: its position in `events` and its text so far.
    let mut heading: Option<(usize, String)> = None;
    // Open fenced block: language and code so far.
    let mut code: Option<(String, String)> = None;

    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if let Some((language, text)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    events.push(Event::Html(code_block(text, language).into()));
                    code = None;
                }
                _ => {}
            }
            continue;
        }
        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or_default().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((language, String::new()));
                continue;
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                heading = Some((events.len(), String::new()));
                Event::Start(Tag::Heading { level, id, classes, attrs })
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = heading.take() {
                    set_heading_id(&mut events[start], &text, &mut heading_ids);
                }
                Event::End(TagEnd::Heading(level))
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = checked_url(dest_url, range.start, "link", &mut problems);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest_url = checked_url(dest_url, range.start, "image", &mut problems);
                Event::Start(Tag::Image { link_type, dest_url, title, id })
            }
            // Raw HTML from content is shown, not executed.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
            other => other,
        };
        if let (Some((_, text)), Event::Text(t) | Event::Code(t)) = (&mut heading, &event) {
            text.push_str(t);
        }
        events.push(event);
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    RenderedBody { html, problems }
}

/// The link problems of a body without rendering it (used when the build has
/// already failed, so that these problems are reported in the same run).
pub fn link_problems(markdown: &str) -> Vec<BodyProblem> {
    let mut problems = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                checked_url(dest_url, range.start, "link", &mut problems);
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                checked_url(dest_url, range.start, "image", &mut problems);
            }
            _ => {}
        }
    }
    problems
}

fn checked_url<'a>(url: CowStr<'a>, offset: usize, what: &str, problems: &mut Vec<BodyProblem>) -> CowStr<'a> {
    if is_safe_body_url(&url) {
        return url;
    }
    problems.push(BodyProblem {
        offset,
        message: format!("{what} URL `{url}` is not allowed: use an http://, https:// or relative URL"),
    });
    CowStr::Borrowed("#")
}

/// Gives a heading an `id` from its text (unless the author wrote `{#id}`),
/// unique within the body, so that sections can be linked to.
fn set_heading_id(event: &mut Event, text: &str, taken: &mut HashSet<String>) {
    if let Event::Start(Tag::Heading { id, .. }) = event {
        let base = match id {
            Some(existing) => existing.to_string(),
            None => {
                let slug = slugify(text);
                if slug.is_empty() {
                    "section".to_string()
                } else {
                    slug
                }
            }
        };
        let mut unique = base.clone();
        let mut n = 1;
        while !taken.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        *id = Some(unique.into());
    }
}

fn code_block(code: &str, language: &str) -> String {
    let escaped_language = escape(language);
    match (!language.is_empty()).then(|| highlight(code, language)).flatten() {
        Some(html) => format!("<pre class=\"code\" data-lang=\"{escaped_language}\"><code>{html}</code></pre>\n"),
        None => format!("<pre class=\"code\"><code>{}</code></pre>\n", escape(code)),
    }
}

/// HTML-escapes text for element content and attribute values. Tera calls
/// this for every value a template prints, so it copies runs of plain text
/// whole rather than a character at a time.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut plain_from = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so both slices end on character boundaries.
        out.push_str(&text[plain_from..i]);
        out.push_str(entity);
        plain_from = i + 1;
    }
    out.push_str(&text[plain_from..]);
    out
}

/// The plain text of a Markdown snippet (for meta descriptions and search).
pub fn plain_text(markdown: &str, limit: usize) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                text.push(' ')
            }
            _ => {}
        }
        if text.len() > limit * 2 {
            break;
        }
    }
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_words(&collapsed, limit)
}

/// Cuts text to at most `limit` characters at a word boundary, adding `…`.
pub fn truncate_words(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().take(limit).collect();
    let at_boundary = text.chars().nth(limit).is_some_and(char::is_whitespace);
    let cut = if at_boundary { cut.as_str() } else { cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]) };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_footnotes_strikethrough() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~old~~\n\n[^1]: Note.\n").html;
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn headings_get_unique_anchors() {
        let html = render("## The 28 points\n\n## The 28 points\n\n## Custom {#mine}\n").html;
        assert!(html.contains("<h2 id=\"the-28-points\">"), "{html}");
        assert!(html.contains("<h2 id=\"the-28-points-1\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn fenced_code_is_highlighted_with_classes() {
        let html = render("```python\nimport csv\n```\n").html;
        assert!(html.contains("<pre class=\"code\" data-lang=\"python\">"), "{html}");
        assert!(html.contains("hl-"), "{html}");
        let plain = render("```\n<b>x</b>\n```\n").html;
        assert!(plain.contains("&lt;b&gt;"), "{plain}");
    }

    #[test]
    fn raw_html_is_shown_not_run() {
        let html = render("Hi <script>alert(1)</script>\n\n<div onclick=\"x\">block</div>\n").html;
        assert!(!html.contains("<script>") && !html.contains("<div"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_link_schemes_are_problems() {
        let body = "Fine [a](https://x.org) [b](/about/) [c](#top) [m](mailto:a@b.org)\n\n[bad](javascript:alert(1)) ![i](data:image/png;base64,xx) [c](JaVaScRiPt:x)\n";
        let rendered = render(body);
        assert_eq!(rendered.problems.len(), 3, "{:?}", rendered.problems);
        assert!(!rendered.html.to_lowercase().contains("javascript:"), "{}", rendered.html);
        assert_eq!(&body[rendered.problems[0].offset..][..5], "[bad]");
        assert_eq!(link_problems(body), rendered.problems);
        assert!(is_safe_body_url("../claims/x/"));
        assert!(is_safe_body_url("page?q=a:b"));
        assert!(!is_safe_body_url(" java\tscript:x"));
    }

    #[test]
    fn plain_text_is_cut_at_words() {
        assert_eq!(plain_text("**Bold** text and [a link](https://x.org) here", 20), "Bold text and a link…");
        assert_eq!(truncate_words("short", 20), "short");
    }
}
