//! Fitting text into a box of a share card: the `fit_text` template function.
//!
//! SVG has no line wrapping, so `card.svg` asks for it: given a text, a width,
//! the font sizes to try and a number of lines, `fit_text` measures the words
//! with the real card fonts (shaped, so Arabic is measured as it is drawn),
//! picks the largest size at which the text fits, and breaks it into lines at
//! spaces. Text that does not fit at the smallest size is shortened at a word
//! boundary and ends with "…"; a word is never cut. A single word wider than
//! the box makes the size smaller still, so nothing leaves the card.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;

use super::fonts::{advance, fonts};

/// What a template asks `fit_text` for.
#[derive(Debug, Clone)]
pub struct FitRequest<'a> {
    pub text: &'a str,
    /// Width of the box, in pixels.
    pub width: f32,
    /// Font sizes to try, largest first.
    pub sizes: Vec<f32>,
    pub max_lines: usize,
    /// Height of the box in pixels, if it limits the lines as well: `n` lines
    /// take `n × size × line_height`.
    pub height: Option<f32>,
    /// CSS font weight (400 regular, 700 bold).
    pub weight: u16,
    /// Line height as a multiple of the font size.
    pub line_height: f32,
}

/// The fitted text, as templates see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fitted {
    /// The chosen font size.
    pub size: f32,
    /// Distance between baselines: `size × line_height`.
    pub line_height: f32,
    /// Height of the lines: their number times `line_height`.
    pub height: f32,
    pub lines: Vec<FittedLine>,
    /// Words had to be left out (the last line ends with "…").
    pub shortened: bool,
    /// `rtl` when the text starts with a right-to-left letter (Arabic, Hebrew), else `ltr`.
    pub dir: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FittedLine {
    pub text: String,
    /// Measured width in pixels (at most the box width).
    pub width: f32,
    /// The line split by font: each run goes in a `<tspan font-family="…">`.
    /// usvg falls back from one font to another badly inside mixed Arabic and
    /// Latin text, so the card names the font of every run itself. A
    /// right-to-left line is wrapped in Unicode embedding marks (invisible),
    /// because usvg lays out every line as left-to-right otherwise.
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub text: String,
    pub font: String,
}

const ELLIPSIS: &str = "…";
const RIGHT_TO_LEFT_EMBEDDING: char = '\u{202B}';
const POP_DIRECTIONAL_FORMATTING: char = '\u{202C}';

/// Fits `request.text` into its box.
pub fn fit_text(request: &FitRequest) -> Fitted {
    let fonts = fonts();
    let shapers = fonts.shapers(request.weight);
    let clean: String = request.text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words: Vec<&str> = clean.split_whitespace().collect();
    // Widths in ems: sizes scale them, so each word is shaped once.
    let measure = |text: &str| -> f32 {
        fonts.runs(text).iter().map(|(family, run)| shapers.get(*family).map_or(0.0, |s| advance(s, run))).sum()
    };
    let word_widths: Vec<f32> = words.iter().map(|w| measure(w)).collect();
    let space = measure(" ");
    let widest = word_widths.iter().copied().fold(0.0, f32::max);
    // The lines that fit at a size, by count and by height.
    let lines_at = |size: f32| -> usize {
        let by_height = request.height.map_or(usize::MAX, |h| (h / (size * request.line_height)).floor() as usize);
        request.max_lines.min(by_height).max(1)
    };

    let mut sizes: Vec<f32> = request.sizes.iter().copied().filter(|s| *s > 0.0).collect();
    if sizes.is_empty() {
        sizes.push(16.0);
    }
    let fits = |size: f32| widest * size <= request.width;
    let chosen = sizes
        .iter()
        .copied()
        .find(|&size| fits(size) && wrap(&word_widths, space, size, request.width).len() <= lines_at(size));
    let (size, mut lines) = match chosen {
        Some(size) => (size, wrap(&word_widths, space, size, request.width)),
        None => {
            let smallest = sizes.iter().copied().fold(f32::MAX, f32::min);
            // A word wider than the box: smaller type rather than a cut word.
            let size = if fits(smallest) { smallest } else { floor_tenth(request.width / widest) };
            (size, wrap(&word_widths, space, size, request.width))
        }
    };
    let max_lines = lines_at(size);
    let shortened = lines.len() > max_lines;
    let mut texts: Vec<String> = Vec::with_capacity(max_lines);
    if shortened {
        lines.truncate(max_lines);
        let last = lines.pop().unwrap_or_default();
        for line in &lines {
            texts.push(join(&words, line));
        }
        texts.push(shorten(&words, &last, |text| measure(text) * size <= request.width));
    } else {
        texts.extend(lines.iter().map(|line| join(&words, line)));
    }
    if texts.is_empty() {
        // Blank text: one empty line, so that a template can always read `lines[0]`.
        texts.push(String::new());
    }

    let dir = direction(&clean);
    let lines: Vec<FittedLine> = texts
        .into_iter()
        .map(|text| {
            let width = round_tenth(measure(&text) * size);
            let mut runs: Vec<Run> = fonts
                .runs(&text)
                .into_iter()
                .map(|(family, text)| Run { text, font: fonts.families[family].clone() })
                .collect();
            if dir == "rtl" {
                if let Some(first) = runs.first_mut() {
                    first.text.insert(0, RIGHT_TO_LEFT_EMBEDDING);
                }
                if let Some(last) = runs.last_mut() {
                    last.text.push(POP_DIRECTIONAL_FORMATTING);
                }
            }
            FittedLine { text, width, runs }
        })
        .collect();
    let line_height = round_tenth(size * request.line_height);
    let height = round_tenth(line_height * lines.len() as f32);
    Fitted { size, line_height, height, lines, shortened, dir }
}

/// Greedy line breaking: word indices per line.
fn wrap(widths: &[f32], space: f32, size: f32, box_width: f32) -> Vec<Vec<usize>> {
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut line_width = 0.0;
    for (i, &width) in widths.iter().enumerate() {
        match lines.last_mut() {
            Some(line) if (line_width + space + width) * size <= box_width => {
                line.push(i);
                line_width += space + width;
            }
            _ => {
                lines.push(vec![i]);
                line_width = width;
            }
        }
    }
    lines
}

fn join(words: &[&str], line: &[usize]) -> String {
    line.iter().map(|&i| words[i]).collect::<Vec<_>>().join(" ")
}

/// The last line of a shortened text: as many of its words as fit with "…"
/// after them, trailing punctuation dropped ("deal," becomes "deal…").
fn shorten(words: &[&str], line: &[usize], fits: impl Fn(&str) -> bool) -> String {
    let mut kept: Vec<&str> = line.iter().map(|&i| words[i]).collect();
    loop {
        let mut text = kept.join(" ");
        let trimmed = text.trim_end_matches(|c: char| c.is_ascii_punctuation() || "–—،؛…".contains(c)).len();
        text.truncate(trimmed);
        if text.is_empty() {
            // Only punctuation was left: drop that word and try the previous one.
            if kept.pop().is_some() && !kept.is_empty() {
                continue;
            }
            return ELLIPSIS.to_string();
        }
        text.push_str(ELLIPSIS);
        if fits(&text) {
            return text;
        }
        if kept.len() <= 1 {
            // Even one word and "…" are too wide: the ellipsis alone says it.
            return ELLIPSIS.to_string();
        }
        kept.pop();
    }
}

/// `rtl` when the first letter of `text` is a right-to-left one.
fn direction(text: &str) -> &'static str {
    match text.chars().find(|c| c.is_alphabetic()) {
        Some(c) if is_right_to_left(c) => "rtl",
        _ => "ltr",
    }
}

fn is_right_to_left(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF)
}

fn round_tenth(value: f32) -> f32 {
    (value * 10.0).round() / 10.0
}

fn floor_tenth(value: f32) -> f32 {
    (value * 10.0).floor() / 10.0
}

/// `fit_text(text, width, sizes | size, max_lines = 1, height, weight = 400, line_height = 1.25)`,
/// registered with Tera for `card.svg`.
pub fn tera_fit_text(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let number = |name: &str| -> tera::Result<Option<f64>> {
        match args.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_f64()
                .map(Some)
                .ok_or_else(|| tera::Error::msg(format!("fit_text: `{name}` must be a number, not {value}"))),
        }
    };
    let text = match args.get("text") {
        Some(Value::String(text)) => text.as_str(),
        None | Some(Value::Null) => "",
        Some(other) => return Err(tera::Error::msg(format!("fit_text: `text` must be a string, not {other}"))),
    };
    let width = number("width")?
        .filter(|w| *w > 0.0)
        .ok_or_else(|| tera::Error::msg("fit_text: give the box `width` in pixels"))?;
    let sizes: Vec<f32> = match (args.get("sizes"), number("size")?) {
        (Some(Value::Array(sizes)), _) => sizes.iter().filter_map(Value::as_f64).map(|s| s as f32).collect(),
        (None, Some(size)) => vec![size as f32],
        _ => return Err(tera::Error::msg("fit_text: give `size` (a number) or `sizes` (a list, largest first)")),
    };
    if sizes.is_empty() || sizes.iter().any(|s| *s <= 0.0) {
        return Err(tera::Error::msg("fit_text: font sizes must be positive numbers"));
    }
    let request = FitRequest {
        text,
        width: width as f32,
        sizes,
        max_lines: number("max_lines")?.map_or(1, |n| n.max(1.0) as usize),
        height: number("height")?.map(|h| h as f32),
        weight: number("weight")?.map_or(400, |w| w.clamp(1.0, 1000.0) as u16),
        line_height: number("line_height")?.map_or(1.25, |h| h as f32),
    };
    serde_json::to_value(fit_text(&request)).map_err(|e| tera::Error::msg(format!("fit_text: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(text: &'a str, width: f32, sizes: &[f32], max_lines: usize) -> FitRequest<'a> {
        FitRequest { text, width, sizes: sizes.to_vec(), max_lines, height: None, weight: 400, line_height: 1.25 }
    }

    #[test]
    fn short_text_takes_the_largest_size_on_one_line() {
        let fitted = fit_text(&request("Not insurmountable", 1000.0, &[60.0, 40.0], 3));
        assert_eq!(fitted.size, 60.0);
        assert_eq!(fitted.lines.len(), 1);
        assert!(!fitted.shortened);
        assert_eq!(fitted.line_height, 75.0);
        assert_eq!(fitted.dir, "ltr");
    }

    #[test]
    fn longer_text_steps_down_in_size_before_wrapping_further() {
        let text = "The Ukrainians have agreed to the peace deal, and the remaining points are details";
        let fitted = fit_text(&request(text, 800.0, &[60.0, 48.0, 36.0], 2));
        assert!(fitted.size < 60.0, "{fitted:?}");
        assert!(fitted.lines.len() <= 2);
        assert!(!fitted.shortened);
        assert_eq!(fitted.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" "), text);
        assert!(fitted.lines.iter().all(|l| l.width <= 800.0), "{fitted:?}");
    }

    #[test]
    fn text_too_long_is_shortened_at_a_word_boundary_with_an_ellipsis() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen, fifteen sixteen";
        let fitted = fit_text(&request(text, 400.0, &[40.0], 2));
        assert!(fitted.shortened);
        assert_eq!(fitted.lines.len(), 2);
        let last = &fitted.lines[1].text;
        assert!(last.ends_with('…'), "{last}");
        let words: Vec<&str> = text.split(' ').map(|w| w.trim_end_matches(',')).collect();
        for word in last.trim_end_matches('…').split(' ').chain(fitted.lines[0].text.split(' ')) {
            assert!(words.contains(&word), "`{word}` is not a whole word of the text");
        }
        assert!(fitted.lines.iter().all(|l| l.width <= 400.0), "{fitted:?}");
    }

    #[test]
    fn a_box_height_limits_the_lines_at_large_sizes() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let mut fitting = request(text, 500.0, &[80.0, 40.0], 4);
        fitting.height = Some(200.0);
        let fitted = fit_text(&fitting);
        // At 80 px only two lines (of 100 px) fit in 200 px, and the text needs more.
        assert_eq!(fitted.size, 40.0, "{fitted:?}");
        assert!(fitted.height <= 200.0 && fitted.lines.len() <= 4, "{fitted:?}");
        assert_eq!(fitted.height, fitted.line_height * fitted.lines.len() as f32);
    }

    #[test]
    fn a_word_wider_than_the_box_makes_the_type_smaller_instead_of_being_cut() {
        let fitted = fit_text(&request("Supercalifragilisticexpialidocious", 300.0, &[60.0, 50.0], 1));
        assert_eq!(fitted.lines[0].text, "Supercalifragilisticexpialidocious");
        assert!(fitted.size < 50.0 && fitted.lines[0].width <= 300.0, "{fitted:?}");
    }

    #[test]
    fn arabic_is_right_to_left_and_embedded() {
        let fitted = fit_text(&request("قال ترامب إن حلف NATO وافق على الاتفاق.", 2000.0, &[50.0], 1));
        assert_eq!(fitted.dir, "rtl");
        let runs = &fitted.lines[0].runs;
        assert_eq!(
            runs.iter().map(|r| r.font.as_str()).collect::<Vec<_>>(),
            ["Noto Sans Arabic", "Noto Sans", "Noto Sans Arabic"]
        );
        assert!(runs[0].text.starts_with('\u{202B}') && runs[2].text.ends_with('\u{202C}'));
        assert_eq!(fitted.lines[0].text, "قال ترامب إن حلف NATO وافق على الاتفاق.");
    }

    #[test]
    fn blank_text_gives_one_empty_line() {
        let fitted = fit_text(&request("  ", 100.0, &[20.0], 2));
        assert_eq!(fitted.lines.len(), 1);
        assert_eq!(fitted.lines[0].text, "");
        assert!(fitted.lines[0].runs.is_empty());
    }

    #[test]
    fn control_characters_never_reach_the_svg() {
        let fitted = fit_text(&request("a\u{1}b\u{7}c", 1000.0, &[40.0], 1));
        assert_eq!(fitted.lines[0].text, "a b c");
    }

    #[test]
    fn the_template_function_checks_its_arguments() {
        let args = |pairs: &[(&str, Value)]| -> HashMap<String, Value> {
            pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
        };
        let ok = tera_fit_text(&args(&[
            ("text", "Hello".into()),
            ("width", 500.into()),
            ("sizes", serde_json::json!([40, 30])),
        ]));
        assert_eq!(ok.unwrap()["size"], 40.0);
        let error = tera_fit_text(&args(&[("text", "Hello".into()), ("size", 40.into())])).unwrap_err();
        assert!(error.to_string().contains("`width`"), "{error}");
        let error = tera_fit_text(&args(&[("text", "Hello".into()), ("width", 500.into())])).unwrap_err();
        assert!(error.to_string().contains("`sizes`"), "{error}");
    }
}
