//! The small value types of the content model, each checked as it is read.
//!
//! A date that does not parse, a URL that is not `http(s)`, a verdict written
//! as a YAML boolean: these are validated inside deserialisation, so serde_yaml
//! reports them with the line and column of the offending value like any other
//! type error.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date, written `YYYY-MM-DD` in front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists in that month.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days_in_month).contains(&day)).then_some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// "25 November 2025": how the default theme shows dates.
    pub fn human(&self) -> String {
        format!("{} {} {}", self.day, MONTHS[usize::from(self.month) - 1], self.year)
    }

    /// RFC 3339 timestamp at midnight UTC, for Atom feeds.
    pub fn rfc3339(&self) -> String {
        format!("{self}T00:00:00Z")
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v.trim()).ok_or_else(|| {
                    E::custom(format!("`{v}` is not a valid date: expected YYYY-MM-DD, like 2025-11-25"))
                })
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

/// An absolute `http://` or `https://` URL. Any other scheme (`javascript:`,
/// `data:`, `file:`) is refused, because content URLs end up in `href`s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WebUrl(String);

impl WebUrl {
    pub fn parse(text: &str) -> Result<WebUrl, String> {
        let trimmed = text.trim();
        let parsed = url::Url::parse(trimmed)
            .map_err(|e| format!("`{text}` is not a valid URL ({e}): expected an absolute http:// or https:// URL"))?;
        match parsed.scheme() {
            "http" | "https" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(WebUrl(parsed.to_string())),
            "http" | "https" => Err(format!("`{text}` has no host: expected an absolute http:// or https:// URL")),
            scheme => Err(format!("`{scheme}:` URLs are not allowed (`{text}`): only http:// and https:// URLs are")),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for WebUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Checks a string inside the visitor, so serde_yaml locates a bad value at
/// its own line rather than at the enclosing mapping.
struct CheckedStr<F>(&'static str, F);

impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for CheckedStr<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.1)(v).map_err(E::custom)
    }
}

impl<'de> Deserialize<'de> for WebUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CheckedStr("an http:// or https:// URL", WebUrl::parse))
    }
}

/// A verdict key. `verdict: true` and `verdict: false` without quotes are YAML
/// booleans; the spec accepts them as the keys `true` and `false`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VerdictKey(pub String);

impl<'de> Deserialize<'de> for VerdictKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = VerdictKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a verdict key (a string)")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<VerdictKey, E> {
                Ok(VerdictKey(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<VerdictKey, E> {
                Ok(VerdictKey(v.to_string()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// Written as the string it was read from (the front matter cache stores it so).
impl Serialize for VerdictKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A string or a list of strings (`author: Jane` or `author: [Jane, Ali]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<strict::Text>()? {
                    items.push(item.0);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// Written as a list, which reads back as the same value.
impl Serialize for OneOrMany {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A list that may also be written as an empty value (`topics:`).
pub fn list_or_null<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Strict strings. serde_yaml hands `claim: 42` or `speaker: true` to a
/// `String` field as "42" and "true"; the spec says a value that is not a
/// string is an error (only `verdict` booleans are accepted, by [`VerdictKey`]).
/// Use with `#[serde(deserialize_with = "...")]`.
pub mod strict {
    use std::fmt;

    use serde::de::{self, Deserializer, Visitor};
    use serde::Deserialize;

    struct StrictString;

    impl Visitor<'_> for StrictString {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string (put quotes around numbers, dates and true/false meant as text)")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
    }

    /// A string that must be written as a string.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Text(pub String);

    impl<'de> Deserialize<'de> for Text {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(StrictString).map(Text)
        }
    }

    pub fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(StrictString)
    }

    pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<Text>::deserialize(deserializer)?.map(|t| t.0))
    }

    /// A list of strings; an empty value (`topics:`) is an empty list.
    pub fn list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
        Ok(Option::<Vec<Text>>::deserialize(deserializer)?.unwrap_or_default().into_iter().map(|t| t.0).collect())
    }
}

/// A path relative to the site or a full http(s) URL (logos, speaker images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    Url(WebUrl),
    SitePath(String),
}

impl<'de> Deserialize<'de> for Link {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(CheckedStr("a path inside the site or an http(s) URL", Link::parse))
    }
}

/// Written as the URL or the path (without its leading `/`), which read back
/// as the same link.
impl Serialize for Link {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Link::Url(url) => url.serialize(serializer),
            Link::SitePath(path) => serializer.serialize_str(path),
        }
    }
}

impl Link {
    fn parse(text: &str) -> Result<Link, String> {
        let looks_like_url = text.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if looks_like_url || text.starts_with("//") {
            return WebUrl::parse(text).map(Link::Url);
        }
        let path = text.trim_start_matches('/');
        if path.split('/').any(|part| part == "..") || path.is_empty() || path.contains(['\\', '"', '<', '>', '\n']) {
            return Err(format!(
                "`{text}` is not a usable path: expected a path inside the site, like images/logo.png"
            ));
        }
        Ok(Link::SitePath(path.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_real_days() {
        assert_eq!(Date::parse("2025-11-25").map(|d| d.human()), Some("25 November 2025".into()));
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2025-13-01").is_none());
        assert!(Date::parse("25-11-2025").is_none());
        assert!(Date::parse("2025-1-05").is_none());
    }

    #[test]
    fn only_http_urls_pass() {
        assert!(WebUrl::parse("https://example.org/a?b=c").is_ok());
        assert!(WebUrl::parse("HTTP://EXAMPLE.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "ftp://x.org",
            "/relative",
            "https://",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad} passed");
        }
    }

    #[test]
    fn strict_strings_refuse_numbers_booleans_and_lists() {
        #[derive(Deserialize, Debug)]
        struct T {
            #[serde(deserialize_with = "strict::string")]
            s: String,
        }
        assert_eq!(serde_yaml::from_str::<T>("s: plain text").unwrap().s, "plain text");
        assert_eq!(serde_yaml::from_str::<T>("s: '42'").unwrap().s, "42");
        assert_eq!(serde_yaml::from_str::<T>("s: 2025-11-25").unwrap().s, "2025-11-25");
        for bad in ["s: 42", "s: true", "s: 1.5", "s: [a]", "s: {a: 1}", "s:"] {
            assert!(serde_yaml::from_str::<T>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_refuse_schemes_and_parent_folders() {
        let parse = |s: &str| serde_yaml::from_str::<Link>(s);
        assert_eq!(parse("images/logo.png").unwrap(), Link::SitePath("images/logo.png".into()));
        assert!(parse("javascript:alert(1)").is_err());
        assert!(parse("../../etc/passwd").is_err());
        assert!(matches!(parse("https://example.org/logo.png").unwrap(), Link::Url(_)));
    }
}
