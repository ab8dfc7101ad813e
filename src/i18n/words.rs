//! Reading word files (`i18n/CODE.yaml`): the built-in default theme's, a
//! theme folder's and the site's own, each overriding the one before.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::locale::{Locale, CATEGORIES};
use super::Piece;
use crate::diagnostic::{display_path, Diagnostic, SourceText};
use crate::load::confine::Confinement;
use crate::load::{read_text, Document};
use crate::render::theme::DEFAULT_THEME_FILES;

/// One word: a text, or a count's forms by CLDR plural category.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Word {
    Text(String),
    /// Category (`one`, `few`…) → text; `other` is always there.
    Counts(BTreeMap<String, String>),
}

impl Word {
    /// The text to use for `count` (the `other` form without a count).
    pub fn form(&self, locale: &Locale, count: Option<u64>) -> &str {
        match self {
            Word::Text(text) => text,
            Word::Counts(forms) => {
                let category = count.map_or("other", |n| locale.category(n));
                forms.get(category).or_else(|| forms.get("other")).map_or("", String::as_str)
            }
        }
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct WordVisitor;
        impl<'de> Visitor<'de> for WordVisitor {
            type Value = Word;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text in quotes, or a map of plural forms (`one: …`, `other: …`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Word, E> {
                Ok(Word::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Word, A::Error> {
                let mut forms = BTreeMap::new();
                while let Some((category, text)) = map.next_entry::<String, String>()? {
                    if !CATEGORIES.contains(&category.as_str()) {
                        return Err(de::Error::custom(format!(
                            "`{category}` is not a CLDR plural category (zero, one, two, few, many, other)"
                        )));
                    }
                    forms.insert(category, text);
                }
                if !forms.contains_key("other") {
                    return Err(de::Error::custom("a count needs its `other` form, used for any category left out"));
                }
                Ok(Word::Counts(forms))
            }
        }
        deserializer.deserialize_any(WordVisitor)
    }
}

/// The words of one language from every layer, and the site's file if any.
pub(super) struct Layers {
    pub words: HashMap<String, Word>,
    pub site_file: Option<PathBuf>,
}

/// Reads the word files of `language`: built-in, then `themes/THEME/i18n/`,
/// then the site's `i18n/`, later ones winning word by word.
pub(super) fn layers(root: &Path, theme: &str, language: &str, problems: &mut Vec<Diagnostic>) -> Layers {
    let name = format!("{language}.yaml");
    let mut words = HashMap::new();
    let built_in = DEFAULT_THEME_FILES.iter().find(|(path, _)| path.strip_prefix("i18n/") == Some(name.as_str()));
    if let Some((path, bytes)) = built_in {
        let shown = format!("themes/default/{path} (built-in default theme)");
        words.extend(parse(&shown, &String::from_utf8_lossy(bytes), problems));
    }
    let mut site_file = None;
    for folder in [Path::new("themes").join(theme).join("i18n"), PathBuf::from("i18n")] {
        let relative = folder.join(&name);
        if !root.join(&relative).exists() {
            continue;
        }
        let confinement = Confinement::new(root);
        let shown = display_path(root, &relative);
        let text = match confinement.check(&relative) {
            Ok(path) => read_text(&path, &shown),
            Err(outside) => Err(confinement.error(&outside)),
        };
        match text {
            Ok(text) => words.extend(parse(&shown.display().to_string(), &text, problems)),
            Err(problem) => problems.push(problem),
        }
        if folder == Path::new("i18n") {
            site_file = Some(relative);
        }
    }
    Layers { words, site_file }
}

/// Parses one word file; every problem is reported, the good words kept.
fn parse(shown: &str, text: &str, problems: &mut Vec<Diagnostic>) -> HashMap<String, Word> {
    let text = crate::load::frontmatter::normalize(text.to_string());
    let mut doc = Document::new(SourceText::new(shown, text.clone()), &text, 1);
    let (words, mut found) = doc.deserialize_partial::<HashMap<String, Word>>();
    problems.append(&mut found);
    words.unwrap_or_default()
}

/// Splits a word into text and `{placeholder}`s. A `{` that does not open a
/// placeholder name is text.
pub(super) fn split(word: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = word;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after
            .find('}')
            .filter(|&n| n > 0 && after[..n].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
        match name_len {
            Some(n) => {
                if open > 0 {
                    pieces.push(Piece::Text(&rest[..open]));
                }
                pieces.push(Piece::Placeholder(&after[..n]));
                rest = &after[n + 1..];
            }
            None => {
                pieces.push(Piece::Text(&rest[..=open]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_split_out() {
        assert_eq!(
            split("{speaker} said: {claim}!"),
            [Piece::Placeholder("speaker"), Piece::Text(" said: "), Piece::Placeholder("claim"), Piece::Text("!")]
        );
        assert_eq!(split("a {b c} {}"), [Piece::Text("a {"), Piece::Text("b c} {"), Piece::Text("}")]);
    }

    #[test]
    fn a_count_without_other_is_an_error_at_its_line() {
        let mut problems = Vec::new();
        parse("i18n/uk.yaml", "a: \"x\"\nclaims_count: { one: \"{count} перевірка\" }\n", &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 2);
        assert!(problems[0].message.contains("`other` form"), "{}", problems[0].message);
    }

    #[test]
    fn every_built_in_language_has_every_english_word() {
        let english = parse("en", &built_in("en"), &mut Vec::new());
        assert!(english.len() > 100);
        for code in ["uk", "es", "fr", "de", "pt", "ar"] {
            let mut problems = Vec::new();
            let words = parse(code, &built_in(code), &mut problems);
            assert!(problems.is_empty(), "{code}: {problems:?}");
            let missing: Vec<_> = english.keys().filter(|k| !words.contains_key(*k)).collect();
            assert!(missing.is_empty(), "{code} lacks {missing:?}");
        }
    }

    fn built_in(code: &str) -> String {
        let name = format!("i18n/{code}.yaml");
        let (_, bytes) = DEFAULT_THEME_FILES.iter().find(|(p, _)| *p == name).unwrap();
        String::from_utf8_lossy(bytes).into_owned()
    }
}
