//! The verdict scale: the ratings a site gives, best first.
//!
//! A site may define its own scale in `site.yaml`; otherwise the spec's default
//! seven-step scale applies. Ratings feed ClaimReview (`ratingValue`,
//! `bestRating`, `worstRating`); a verdict without a rating ("unproven") is off
//! the numeric scale and gets only its label in `reviewRating`.

use serde::{Deserialize, Serialize};

use super::values::strict;

/// One verdict of the scale, as written in `site.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictEntry {
    #[serde(deserialize_with = "strict::string")]
    pub key: String,
    #[serde(deserialize_with = "strict::string")]
    pub label: String,
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(default, deserialize_with = "strict::option")]
    pub color: Option<String>,
    #[serde(default, deserialize_with = "strict::option")]
    pub description: Option<String>,
}

/// One verdict, checked and with its colours resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub key: String,
    pub label: String,
    pub rating: Option<i64>,
    /// Badge background, a CSS colour.
    pub color: String,
    /// Badge text colour: black or white, whichever contrasts more with `color`.
    pub text_color: String,
    pub description: String,
}

/// The ordered scale, best first.
#[derive(Debug, Clone, Serialize)]
pub struct VerdictScale {
    pub verdicts: Vec<Verdict>,
}

/// Default badge colours: dark enough for white text at WCAG AA (4.5:1).
const DEFAULT_SCALE: [(&str, &str, Option<i64>, &str, &str); 7] = [
    ("true", "True", Some(6), "#1d6b36", "The statement is accurate and nothing significant is missing."),
    (
        "mostly-true",
        "Mostly true",
        Some(5),
        "#3d6b1e",
        "The statement is accurate but needs clarification or additional information.",
    ),
    (
        "half-true",
        "Half true",
        Some(4),
        "#75600b",
        "The statement is partially accurate but leaves out important details or takes things out of context.",
    ),
    (
        "misleading",
        "Misleading",
        Some(3),
        "#9a4a0b",
        "The statement contains an element of truth but creates a false impression.",
    ),
    (
        "mostly-false",
        "Mostly false",
        Some(2),
        "#a63b1d",
        "The statement contains an element of truth but ignores critical facts.",
    ),
    ("false", "False", Some(1), "#a11d2b", "The statement is not accurate."),
    ("unproven", "Unproven", None, "#4f5863", "The evidence available does not allow a rating either way."),
];

impl Default for VerdictScale {
    fn default() -> Self {
        VerdictScale {
            verdicts: DEFAULT_SCALE
                .iter()
                .map(|(key, label, rating, color, description)| Verdict {
                    key: (*key).into(),
                    label: (*label).into(),
                    rating: *rating,
                    color: (*color).into(),
                    text_color: text_color_for(color).into(),
                    description: (*description).into(),
                })
                .collect(),
        }
    }
}

impl VerdictScale {
    /// Builds a scale from `site.yaml` entries; problems are `(entry index, field, message)`.
    pub fn from_entries(entries: &[VerdictEntry]) -> Result<VerdictScale, Vec<(usize, &'static str, String)>> {
        let mut problems = Vec::new();
        let mut verdicts: Vec<Verdict> = Vec::new();
        let fallback = VerdictScale::default();
        for (i, entry) in entries.iter().enumerate() {
            if entry.key.is_empty()
                || !entry.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                problems.push((
                    i,
                    "key",
                    format!("verdict key `{}` must be a slug: lowercase letters, digits and `-`", entry.key),
                ));
            }
            if verdicts.iter().any(|v| v.key == entry.key) {
                problems.push((i, "key", format!("verdict key `{}` appears twice in the scale", entry.key)));
            }
            let color = match &entry.color {
                Some(color) if is_safe_css_color(color) => color.trim().to_string(),
                Some(color) => {
                    problems.push((
                        i,
                        "color",
                        format!("`{color}` is not a CSS colour: use #rrggbb, #rgb, a colour name, rgb(…) or hsl(…)"),
                    ));
                    continue;
                }
                // A custom verdict without colour borrows the default one of the same
                // key, else a neutral grey.
                None => fallback.get(&entry.key).map_or("#4f5863".to_string(), |v| v.color.clone()),
            };
            verdicts.push(Verdict {
                key: entry.key.clone(),
                label: entry.label.clone(),
                rating: entry.rating,
                text_color: text_color_for(&color).into(),
                color,
                description: entry.description.clone().unwrap_or_default(),
            });
        }
        if entries.is_empty() {
            problems.push((
                0,
                "",
                "the verdict scale is empty: list at least one verdict, or remove `verdicts` to use the default scale"
                    .into(),
            ));
        }
        if problems.is_empty() {
            Ok(VerdictScale { verdicts })
        } else {
            Err(problems)
        }
    }

    pub fn get(&self, key: &str) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.key == key)
    }

    pub fn position(&self, key: &str) -> Option<usize> {
        self.verdicts.iter().position(|v| v.key == key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.verdicts.iter().map(|v| v.key.as_str())
    }

    /// Highest and lowest rating on the scale, for `bestRating`/`worstRating`.
    pub fn rating_bounds(&self) -> Option<(i64, i64)> {
        let ratings = self.verdicts.iter().filter_map(|v| v.rating);
        let best = ratings.clone().max()?;
        Some((best, ratings.min()?))
    }
}

/// A colour is written into `style` attributes, so only plain colour syntax is
/// accepted: a hex colour, a name, or a colour function of numbers.
pub fn is_safe_css_color(color: &str) -> bool {
    let color = color.trim();
    if let Some(hex) = color.strip_prefix('#') {
        return matches!(hex.len(), 3 | 4 | 6 | 8) && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if color.chars().all(|c| c.is_ascii_alphabetic()) {
        return !color.is_empty() && color.len() <= 30;
    }
    let functions = ["rgb(", "rgba(", "hsl(", "hsla(", "oklch(", "oklab(", "lab(", "lch(", "hwb("];
    functions.iter().any(|f| color.to_ascii_lowercase().starts_with(f))
        && color.ends_with(')')
        && color.matches('(').count() == 1
        && color.chars().all(|c| c.is_ascii_alphanumeric() || " ,.%()/-+".contains(c))
}

/// Black or white text, whichever has the higher WCAG contrast with `background`.
/// Colours other than hex get white (the default palette is dark).
pub fn text_color_for(background: &str) -> &'static str {
    match relative_luminance(background) {
        Some(l) if (l + 0.05) / 0.05 > 1.05 / (l + 0.05) => "#000000",
        _ => "#ffffff",
    }
}

/// WCAG relative luminance of a hex colour.
pub fn relative_luminance(color: &str) -> Option<f64> {
    let hex = color.trim().strip_prefix('#')?;
    let expanded: String = match hex.len() {
        3 | 4 => hex.chars().take(3).flat_map(|c| [c, c]).collect(),
        6 | 8 => hex[..6].to_string(),
        _ => return None,
    };
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(&expanded[i..i + 2], 16).ok()?) / 255.0;
        Some(if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// WCAG contrast ratio between two hex colours.
pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (relative_luminance(a)?, relative_luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scale_matches_the_spec() {
        let scale = VerdictScale::default();
        let keys: Vec<_> = scale.keys().collect();
        assert_eq!(keys, ["true", "mostly-true", "half-true", "misleading", "mostly-false", "false", "unproven"]);
        let ratings: Vec<_> = scale.verdicts.iter().map(|v| v.rating).collect();
        assert_eq!(ratings, [Some(6), Some(5), Some(4), Some(3), Some(2), Some(1), None]);
        assert_eq!(scale.rating_bounds(), Some((6, 1)));
    }

    #[test]
    fn default_badges_meet_wcag_aa() {
        for verdict in VerdictScale::default().verdicts {
            let ratio = contrast_ratio(&verdict.color, &verdict.text_color).unwrap();
            assert!(ratio >= 4.5, "{} badge contrast {ratio:.2}", verdict.key);
        }
    }

    #[test]
    fn light_custom_colours_get_dark_text() {
        assert_eq!(text_color_for("#ffee88"), "#000000");
        assert_eq!(text_color_for("#102030"), "#ffffff");
    }

    #[test]
    fn colours_that_could_break_out_of_a_style_attribute_are_refused() {
        for good in ["#abc", "#A1B2C3", "rebeccapurple", "rgb(10, 20, 30)", "hsl(120 50% 40% / 0.5)"] {
            assert!(is_safe_css_color(good), "{good}");
        }
        for bad in
            ["red;background:url(x)", "#ggg", "rgb(1,2,3);x", "url(javascript:x)", "\"red\"", "expression(alert(1))"]
        {
            assert!(!is_safe_css_color(bad), "{bad}");
        }
    }
}
