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
            let found = rest.to_ascii_lowercase().find(end_marker);
            rest = match found {
                Some(i) => &rest[i + end_marker.len()..],
                None => "",
            };
            rest = rest.find('>').map_or(rest, |i| if end_marker == "-->" { rest } else { &rest[i + 1..] });
            continue;
        }
        match rest.find('>') {
            Some(close) => {
                // Block-level tags separate words; inline ones do not, but a
                // space is harmless either way once whitespace is collapsed.
                text.push(' ');
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

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
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
            "rsquo" | "lsquo" => Some('\''),
            "ldquo" | "rdquo" => Some('"'),
            "mdash" | "ndash" => Some('-'),
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
    let (best_start, best_score) = (0..=words.len() - width)
        .map(|start| (start, normalized[start..start + width].iter().zip(&wanted).filter(|(a, b)| a == b).count()))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
    (best_score > 0).then(|| words[best_start..best_start + width].join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            Some("\"our delegations reached a common understanding on the core terms\".")
        );
    }

    #[test]
    fn plain_text_copies_are_used_as_they_are() {
        assert_eq!(visible_text("a <b> c", false), "a <b> c");
        assert_eq!(normalize("A\u{00A0}–\u{2014}  B"), "a -- b");
    }
}
