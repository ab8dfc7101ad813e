//! `t()`, the template function that gives the theme's words in the page's
//! language (documented in `docs/THEMES.md`).
//!
//! `{{ t(key="claims_count", count=3) }}` picks the plural form the language
//! needs for 3, writes the number as the language does, and fills the other
//! placeholders from arguments of the same name. The result is HTML: the
//! word and every value are escaped, except values passed as `NAME_html`
//! (markup the template built, such as a link or a `<time>`), which fill
//! `{NAME}` as they are. So templates print it without `| safe`.

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Function, Value};

use super::markdown;
use crate::i18n::{Piece, Words};

/// The `t()` function of one language.
pub struct WordFunction {
    words: Arc<Words>,
    /// Words without placeholders, escaped once: most calls (`t(key="nav_claims")`) are these.
    plain: HashMap<String, Value>,
}

impl WordFunction {
    pub fn new(words: Arc<Words>) -> WordFunction {
        let plain = words
            .keys()
            .filter_map(|key| match words.pieces(key, None).ok()?.as_slice() {
                [Piece::Text(text)] if matches!(words.word(key), Some(crate::i18n::Word::Text(_))) => {
                    Some((key.to_string(), Value::String(escape_text(text))))
                }
                _ => None,
            })
            .collect();
        WordFunction { words, plain }
    }
}

impl Function for WordFunction {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args.get("key").and_then(Value::as_str).ok_or("t() needs the word's key: t(key=\"nav_claims\")")?;
        if args.len() == 1 {
            if let Some(text) = self.plain.get(key) {
                return Ok(text.clone());
            }
        }
        let count = args.get("count").and_then(count_of);
        let pieces = self.words.pieces(key, count).map_err(tera::Error::msg)?;
        let mut html = String::new();
        for piece in pieces {
            match piece {
                Piece::Text(text) => html.push_str(&escape_text(text)),
                Piece::Placeholder(name) => {
                    if let Some(value) = args.get(&format!("{name}_html")) {
                        html.push_str(&text_of(value));
                    } else if let (Some(n), "count") = (count, name) {
                        html.push_str(&self.words.number(n as i64));
                    } else if let Some(value) = args.get(name) {
                        html.push_str(&markdown::escape(&text_of(value)));
                    } else {
                        return Err(tera::Error::msg(format!(
                            "t(key=\"{key}\") needs a value for {{{name}}}: pass {name}=… (or {name}_html=… for markup)"
                        )));
                    }
                }
            }
        }
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

fn count_of(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_f64().map(|f| f.max(0.0) as u64))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Escapes the words themselves: they are text, but they were written
/// straight into templates before, so only what HTML requires is escaped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}
