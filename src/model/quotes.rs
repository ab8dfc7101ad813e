//! Verifying quotes against a local archived copy of their source.
//!
//! A source (or a citation) may name `archive_file`, an HTML or text copy kept
//! under `content/`. A quote cited from it must appear in the copy's visible
//! text. Whitespace, typographic quotes and dashes, and letter case are
//! normalised first, because copying from a browser changes exactly those.
//! When a quote is not found, the closest passage is offered, so the author
//! sees at once whether it is a typo or a misquote.

/// The visible text of an archived copy: tags dropped, `<script>`/`<style>`
/// contents skipped, common entities decoded. Plain text is returned as is.
pub fn visible_text(content: &str, is_html: bool) -> String {
    if !is_html {
        return content.to_string();
    }
    let mut text = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(open) = rest.find('<') {
        text.push_str(&decode_entities(&rest[..open]));
        rest = &rest[open..];
        let lower: String = rest.chars().take(8).collect::<String>().to_ascii_lowercase();
        let skip_until = if lower.starts_with("<script") {
            Some("</script")
        } else if lower.starts_with("<style") {
            Some("</style")
        } else if lower.starts_with("<!--") {
            Some("-->")
        } else {
            None
        };
        if let Some(end_marker) = skip_until {
            let found = find_ignoring_ascii_case(rest, end_marker);
            rest = match found {
                Some(i) => &rest[i + end_marker.len()..],
                None => "",
            };
            rest = rest.find('>').map_or(rest, |i| if end_marker == "-->" { rest } else { &rest[i + 1..] });
            continue;
        }
        match rest.find('>') {
            Some(close) => {
                // Block-level tags end a line (the archived copy is shown by
                // paragraphs); any other tag separates words, which is
                // harmless once whitespace is collapsed for matching.
                let name: String = rest[1..close]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let block = matches!(
                    name.as_str(),
                    "p" | "div"
                        | "br"
                        | "li"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "tr"
                        | "section"
                        | "article"
                        | "blockquote"
                        | "title"
                );
                text.push(if block { '\n' } else { ' ' });
                rest = &rest[close + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    text.push_str(&decode_entities(rest));
    text
}

/// The byte offset of `needle` (ASCII, lowercase) in `haystack`, ignoring
/// ASCII case. Lowercasing the rest of the copy at every `<script` instead
/// made a copy with many scripts take time with the square of its size.
fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    haystack.windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // Bytes, not `str`: the 12th byte may fall inside a character (found by tests/properties.rs).
        let Some(semi) = rest.as_bytes()[..rest.len().min(12)].iter().position(|&b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            // Decoded faithfully (the copy is published and linked to with text
            // fragments); matching normalises these anyway.
            "rsquo" => Some('\u{2019}'),
            "lsquo" => Some('\u{2018}'),
            "ldquo" => Some('\u{201C}'),
            "rdquo" => Some('\u{201D}'),
            "mdash" => Some('\u{2014}'),
            "ndash" => Some('\u{2013}'),
            "hellip" => Some('…'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lowercase, straight quotes, plain hyphens, single spaces.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '´' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '«' | '»' => '"',
            '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether `quote` appears in `normalized_text` (already [`normalize`]d).
/// Leading and trailing punctuation and ellipses of the quote are ignored.
pub fn contains_quote(normalized_text: &str, quote: &str) -> bool {
    let quote = normalize(quote);
    let trimmed = quote.trim_matches(|c: char| c.is_ascii_punctuation() || c == '…' || c == ' ');
    !trimmed.is_empty() && normalized_text.contains(trimmed)
}

/// Words of a quote compared with each window of the copy by [`closest_passage`].
const MAX_SCORED_WORDS: usize = 64;

/// The passage of the copy most like the quote: the window of as many words
/// as the quote that shares the most words with it, in order of position.
pub fn closest_passage(visible: &str, quote: &str) -> Option<String> {
    let words: Vec<&str> = visible.split_whitespace().collect();
    let wanted: Vec<String> = normalize(quote).split(' ').map(str::to_string).collect();
    if words.is_empty() || wanted.is_empty() {
        return None;
    }
    let normalized: Vec<String> = words.iter().map(|w| normalize(w)).collect();
    let width = wanted.len().min(words.len());
    // Windows are scored on their first words only, so that a long quote
    // against a long copy costs time in proportion to the copy, not the
    // product of the two.
    let scored = width.min(MAX_SCORED_WORDS);
    let (best_start, best_score) = (0..=words.len() - width)
        .map(|start| (start, normalized[start..start + scored].iter().zip(&wanted).filter(|(a, b)| a == b).count()))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    (best_score > 0).then(|| words[best_start..best_start + width].join(" "))
}

/// `text` cut to about `max_chars` characters, its start and its end joined by
/// ` … `, so that a message quoting a long passage stays readable.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let length = text.chars().count();
    if length <= max_chars {
        return text.to_string();
    }
    let head: String = text.chars().take(max_chars / 2).collect();
    let tail: String = text.chars().skip(length - max_chars / 2).collect();
    format!("{} … {}", head.trim_end(), tail.trim_start())
}

/// The archived copy as paragraphs of plain text (for its published page).
pub fn paragraphs(visible: &str) -> Vec<String> {
    visible
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect()
}

/// A text fragment (`#:~:text=`) that makes a browser scroll to and highlight
/// `passage`: the whole passage when short, else its first and last words.
pub fn text_fragment(passage: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let encode = |words: &[&str]| utf8_percent_encode(&words.join(" "), NON_ALPHANUMERIC).to_string();
    let words: Vec<&str> = passage.split_whitespace().collect();
    if words.len() <= 10 {
        format!("#:~:text={}", encode(&words))
    } else {
        format!("#:~:text={},{}", encode(&words[..4]), encode(&words[words.len() - 4..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_like_ampersand_before_multibyte_text_does_not_panic() {
        // Found by tests/properties.rs: the 12-byte look-ahead for `;` cut a character.
        assert_eq!(visible_text("<p>&ééééééé; x</p>", true), "\n&ééééééé; x\n");
        assert_eq!(visible_text("a &ﬁﬁﬁﬁ&amp;", true), "a &ﬁﬁﬁﬁ&");
    }

    #[test]
    fn excerpts_keep_the_start_and_the_end() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(excerpt("one two three four five six", 10), "one t … e six");
    }

    #[test]
    fn script_end_tags_are_found_in_any_case() {
        assert_eq!(visible_text("a<SCRIPT>x</ScRiPt>b<style>y</STYLE >c", true), "abc");
    }

    const HTML: &str = "<html><head><style>p{}</style><script>var x = 'not text';</script></head>\
        <body><p>Ukrainian National Security Secretary Rustem Umerov said Tuesday that\n  \
        &ldquo;our delegations reached a common understanding on the core terms&rdquo;.</p><!-- hidden --></body></html>";

    #[test]
    fn matching_ignores_whitespace_quotes_and_case() {
        let text = normalize(&visible_text(HTML, true));
        assert!(contains_quote(&text, "“Our delegations reached a   common understanding on the core terms”"));
        assert!(contains_quote(&text, "said Tuesday that \"our delegations"));
        assert!(!contains_quote(&text, "not text"), "script contents are not visible text");
        assert!(!contains_quote(&text, "hidden"));
    }

    #[test]
    fn altered_quotes_fail_and_show_the_closest_passage() {
        let visible = visible_text(HTML, true);
        let text = normalize(&visible);
        let altered = "our delegations reached a full agreement on the core terms";
        assert!(!contains_quote(&text, altered));
        assert_eq!(
            closest_passage(&visible, altered).as_deref(),
            Some("“our delegations reached a common understanding on the core terms”.")
        );
    }

    #[test]
    fn text_fragments_are_encoded_and_shortened() {
        assert_eq!(text_fragment("core terms, agreed-on"), "#:~:text=core%20terms%2C%20agreed%2Don");
        assert_eq!(
            text_fragment("one two three four five six seven eight nine ten eleven"),
            "#:~:text=one%20two%20three%20four,eight%20nine%20ten%20eleven"
        );
        assert_eq!(paragraphs("  a  b \n\n c\n"), vec!["a b", "c"]);
    }

    #[test]
    fn plain_text_copies_are_used_as_they_are() {
        assert_eq!(visible_text("a <b> c", false), "a <b> c");
        assert_eq!(normalize("A\u{00A0}–\u{2014}  B"), "a -- b");
    }
}
