//! Plain cards drawn without usvg.
//!
//! Laying out a card's text was most of what usvg cost: it builds shaping
//! data for its font on every line, and turns every glyph into a path that
//! the glyph cache then ignores. The built-in `card.svg`, and most cards a
//! designer would write, use very little SVG: filled rectangles and lines of
//! text in one font each. Such a card is drawn here instead: the lines are
//! shaped with the card fonts' own shapers (built once), positioned with the
//! very transforms usvg computes, and drawn from the glyph cache, the
//! rectangles filled as resvg fills them; the picture is the same, pixel for
//! pixel (tested). Anything else — another element or attribute, a unit, a
//! colour name, a right-to-left letter, a character the font lacks — returns
//! `None`, and usvg draws the card as before.

use resvg::tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, Rect, Transform};
use resvg::usvg::fontdb;

use super::fonts::fonts;
use super::glyphs::{self, Style};
use super::{HEIGHT, WIDTH};

/// The card `svg` drawn, or `None` if it is not plain enough to draw here.
pub(super) fn draw(svg: &str) -> Option<Pixmap> {
    let document = roxmltree::Document::parse(svg).ok()?;
    let root = document.root_element();
    if !is_svg(root, "svg") || !only(root, &["width", "height", "viewBox"]) {
        return None;
    }
    let size = format!("0 0 {WIDTH} {HEIGHT}");
    if number(root, "width")? != WIDTH as f32
        || number(root, "height")? != HEIGHT as f32
        || root.attribute("viewBox").is_some_and(|v| v.split_whitespace().collect::<Vec<_>>().join(" ") != size)
    {
        return None;
    }
    let mut pixmap = Pixmap::new(WIDTH, HEIGHT)?;
    for node in root.children() {
        if node.is_text() && node.text().is_some_and(|t| t.trim().is_empty()) || node.is_comment() {
            continue;
        }
        if is_svg(node, "rect") {
            rect(node, &mut pixmap)?;
        } else if is_svg(node, "text") {
            glyphs::draw(&text(node)?, &mut pixmap);
        } else {
            return None;
        }
    }
    Some(pixmap)
}

fn is_svg(node: roxmltree::Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(SVG)
}

const SVG: &str = "http://www.w3.org/2000/svg";

/// The element has no attribute but `allowed` (namespace declarations are
/// not attributes to roxmltree).
fn only(node: roxmltree::Node, allowed: &[&str]) -> bool {
    node.attributes().all(|a| a.namespace().is_none() && allowed.contains(&a.name()))
}

/// A plain number (no unit), parsed as usvg does: as `f64`, stored as `f32`.
fn number(node: roxmltree::Node, name: &str) -> Option<f32> {
    let value = node.attribute(name)?.trim();
    let valid = !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && value.bytes().next().is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    let parsed: f64 = valid.then(|| value.parse().ok()).flatten()?;
    Some(parsed as f32).filter(|n| n.is_finite())
}

/// `#rgb` or `#rrggbb`.
fn colour(node: roxmltree::Node) -> Option<[u8; 3]> {
    let hex = node.attribute("fill")?.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(&hex[i..=i], 16).ok();
    match hex.len() {
        3 => Some([digit(0)? * 17, digit(1)? * 17, digit(2)? * 17]),
        6 => Some([0, 2, 4].map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default())),
        _ => None,
    }
}

/// A filled rectangle, as resvg fills the path usvg makes of it.
fn rect(node: roxmltree::Node, pixmap: &mut Pixmap) -> Option<()> {
    if !only(node, &["x", "y", "width", "height", "fill"]) || node.has_children() {
        return None;
    }
    let [x, y] = ["x", "y"].map(|name| if node.has_attribute(name) { number(node, name) } else { Some(0.0) });
    let (width, height) = (number(node, "width")?, number(node, "height")?);
    if width <= 0.0 || height <= 0.0 {
        return None;
    }
    let path = PathBuilder::from_rect(Rect::from_xywh(x?, y?, width, height)?);
    let [red, green, blue] = colour(node)?;
    let mut paint = Paint::default();
    paint.set_color_rgba8(red, green, blue, 255);
    paint.anti_alias = true;
    pixmap.fill_path(&path, &paint, FillRule::Winding, Transform::identity(), None);
    Some(())
}

/// The glyphs of a `<text>` holding one line in one font: its words either
/// directly or in a single `<tspan font-family="…">`.
fn text(node: roxmltree::Node) -> Option<Vec<glyphs::Placed>> {
    if !only(node, &["x", "y", "text-anchor", "font-size", "font-weight", "fill", "font-family"]) {
        return None;
    }
    let mut children = node.children();
    let (family, words) = match (children.next(), children.next()) {
        (Some(words), None) if words.is_text() => (node.attribute("font-family")?, words.text()?),
        (Some(span), None) if is_svg(span, "tspan") && only(span, &["font-family"]) => {
            let mut inside = span.children();
            let words = match (inside.next(), inside.next()) {
                (Some(words), None) if words.is_text() => words.text()?,
                _ => return None,
            };
            (span.attribute("font-family").or_else(|| node.attribute("font-family"))?, words)
        }
        _ => return None,
    };
    // usvg collapses and trims white space: text that has none to collapse is laid out as it stands.
    if words.is_empty() || words.starts_with(' ') || words.ends_with(' ') || words.contains("  ") {
        return None;
    }
    if words.chars().any(|c| c.is_control() || may_be_right_to_left(c)) {
        return None;
    }
    let family = family.trim();
    if family.is_empty() || family.contains([',', '\'', '"']) {
        return None;
    }
    let weight = match node.attribute("font-weight").map(str::trim) {
        None | Some("normal") => 400,
        Some("bold") => 700,
        Some(value) => value.parse::<u16>().ok().filter(|w| (1..=1000).contains(w))?,
    };
    let face = fonts().database.query(&fontdb::Query {
        families: &[fontdb::Family::Name(family)],
        weight: fontdb::Weight(weight),
        stretch: fontdb::Stretch::Normal,
        style: fontdb::Style::Normal,
    })?;
    let (x, y, size) = (number(node, "x")?, number(node, "y")?, number(node, "font-size")?);
    if size <= 0.0 {
        return None;
    }
    let anchor = match node.attribute("text-anchor").map(str::trim) {
        None | Some("start") => Anchor::Start,
        Some("middle") => Anchor::Middle,
        Some("end") => Anchor::End,
        Some(_) => return None,
    };
    let style = Style { anti_alias: true, even_odd: false, colour: colour(node)?, opacity: 255 };
    line(face, words, x, y, size, anchor, style)
}

#[derive(Debug, Clone, Copy)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// Lays out one line as usvg does for a single left-to-right chunk with no
/// spacing or shifts: glyphs grouped in clusters, the line moved by the
/// anchor, and each glyph's transform composed in usvg's order.
fn line(
    face: fontdb::ID,
    words: &str,
    x: f32,
    y: f32,
    size: f32,
    anchor: Anchor,
    style: Style,
) -> Option<Vec<glyphs::Placed>> {
    let shaper = fonts().shaper_of(face)?;
    let mut buffer = harfrust::UnicodeBuffer::new();
    buffer.push_str(words);
    buffer.set_direction(harfrust::Direction::LeftToRight);
    buffer.guess_segment_properties();
    let shaped = shaper.shape(buffer);
    let (infos, positions) = (shaped.glyph_infos(), shaped.glyph_positions());
    // A missing glyph would make usvg look for another font.
    if infos.iter().any(|info| info.glyph_id == 0) {
        return None;
    }
    let scale = size / shaper.units_per_em();
    // Clusters: runs of glyphs from the same character(s).
    let mut clusters: Vec<(usize, usize, f32)> = Vec::new();
    let mut start = 0;
    while start < infos.len() {
        let end = (start..infos.len()).find(|&i| infos[i].cluster != infos[start].cluster).unwrap_or(infos.len());
        let advance = positions[start..end].iter().fold(0.0, |sum, p| sum + p.x_advance as f32 * scale);
        clusters.push((start, end, advance));
        start = end;
    }
    let (mut left, mut right, mut advance) = (f32::INFINITY, f32::NEG_INFINITY, 0.0);
    for &(_, _, width) in &clusters {
        let (from, to) = (advance, advance + width);
        left = left.min(from).min(to);
        right = right.max(from).max(to);
        advance += width;
    }
    let width = right - left;
    let mut pen = -left
        + match anchor {
            Anchor::Start => 0.0,
            Anchor::Middle => -width / 2.0,
            Anchor::End => -width,
        };
    let span = Transform::from_translate(x, y);
    let mut placed = Vec::with_capacity(infos.len());
    for &(start, end, width) in &clusters {
        let cluster = Transform::from_translate(pen, 0.0);
        let mut within = 0.0;
        for (info, position) in infos[start..end].iter().zip(&positions[start..end]) {
            let glyph = Transform::from_translate(within + position.x_offset as f32, -position.y_offset as f32);
            within += position.x_advance as f32;
            let at = span
                .pre_concat(cluster)
                .pre_concat(Transform::from_scale(scale, scale))
                .pre_concat(glyph)
                .pre_concat(Transform::from_scale(1.0, -1.0));
            placed.push(glyphs::place(face, info.glyph_id, at, style)?);
        }
        pen += width;
    }
    Some(placed)
}

/// Letters of the right-to-left scripts and the marks that change
/// direction: usvg reorders text that has any, so it draws those lines.
fn may_be_right_to_left(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{card_svg, draw_with_usvg, CardVerdict, CardView};
    use super::*;

    fn card(claim: &str, speaker: &str, role: Option<&str>, label: &str, colour: &str) -> String {
        let theme = crate::render::theme::load_theme(Path::new("/nonexistent-site"), "default").expect("theme");
        let view = CardView {
            lang: "en".into(),
            dir: "ltr",
            site_title: "Peace Talks Fact Check".into(),
            claim: claim.into(),
            speaker: speaker.into(),
            speaker_role: role.map(Into::into),
            verdict: CardVerdict {
                key: "k".into(),
                label: label.into(),
                color: colour.into(),
                text_color: "#ffffff".into(),
                ink: colour.into(),
            },
        };
        card_svg(&theme, &view).expect("card.svg renders")
    }

    /// Drawn here, and the same picture as usvg and resvg draw.
    fn same_as_usvg(svg: &str) {
        let direct = draw(svg).unwrap_or_else(|| panic!("not drawn directly: {svg}"));
        let usvg = draw_with_usvg(svg).expect("usvg draws it");
        let background = direct.pixels()[WIDTH as usize * 5 + 1190];
        let inked = direct.pixels().iter().filter(|&&p| p != background).count();
        assert!(inked > 5000, "text was drawn: {inked} pixels not the background");
        let differ = direct.pixels().iter().zip(usvg.pixels()).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{differ} pixels differ: {svg}");
    }

    #[test]
    fn the_default_card_is_drawn_as_usvg_draws_it() {
        same_as_usvg(&card(
            "The Ukrainians have agreed to the peace deal, and the army will be capped at 600,000 troops",
            "Marco Rubio",
            Some("Secretary of State"),
            "Mostly false",
            "#c0392b",
        ));
        same_as_usvg(&card("Pokrovsk has fallen", "Valery Gerasimov", None, "False", "#a11d2b"));
        same_as_usvg(&card(
            "Officials said the “not insurmountable” differences—28 points, then 20—were narrowed (fi, fl, AV, To, Wa: ligatures & kerning) in Genève, Київ",
            "A. Very-Long-Named Speaker of the Parliamentary Delegation",
            Some("Deputy Minister for European and Euro-Atlantic Integration"),
            "Needs context",
            "#7a5c00",
        ));
    }

    #[test]
    fn anchors_short_colours_and_fractions_are_drawn_as_usvg_draws_them() {
        let text = |anchor: &str| {
            format!(
                "<text x=\"600.5\" y=\"300.37\" text-anchor=\"{anchor}\" font-size=\"57.3\" font-weight=\"bold\" fill=\"#a1b\"><tspan font-family=\"Noto Sans\">Anchored — 28 to 20</tspan></text>"
            )
        };
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\" viewBox=\"0 0 1200 630\">\
             <rect width=\"1200\" height=\"630\" fill=\"#fff\"/><rect x=\"10.25\" y=\"20.5\" width=\"99.9\" height=\"3.3\" fill=\"#123456\"/>\
             {}{}{}<text x=\"40\" y=\"600\" font-size=\"30\" font-family=\"Noto Sans\" fill=\"#000000\">Plain text, no tspan</text></svg>",
            text("start"),
            text("middle"),
            text("end")
        );
        same_as_usvg(&svg);
    }

    #[test]
    fn anything_else_is_left_to_usvg() {
        let body = |inner: &str| {
            format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\"><rect width=\"1200\" height=\"630\" fill=\"#fff\"/>{inner}</svg>")
        };
        let line = |attributes: &str, words: &str| {
            body(&format!("<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"#000\" {attributes}><tspan font-family=\"Noto Sans\">{words}</tspan></text>"))
        };
        assert!(draw(&line("", "Plain")).is_some(), "the plain line itself is drawn here");
        for svg in [
            line("", "قال الوزير"),
            line("", "Mixed \u{202B}embedding\u{202C}"),
            line("", "中文"),
            line("", "28 → 20"),
            line("", " leading space"),
            line("", "two  spaces"),
            line("letter-spacing=\"2\"", "Spaced"),
            line("xml:space=\"preserve\"", "Kept"),
            line("transform=\"rotate(5)\"", "Turned"),
            body("<text x=\"20\" y=\"80\" font-size=\"40px\" fill=\"#000\" font-family=\"Noto Sans\">Unit</text>"),
            body("<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"red\" font-family=\"Noto Sans\">Named colour</text>"),
            body("<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"#000\" font-family=\"Noto Sans, serif\">List</text>"),
            body("<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"#000\" font-family=\"Nowhere Sans\">No such font</text>"),
            body("<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"#000\"><tspan font-family=\"Noto Sans\">A</tspan><tspan font-family=\"Noto Sans\">B</tspan></text>"),
            body("<circle cx=\"50\" cy=\"50\" r=\"20\" fill=\"#000\"/>"),
            body("<rect width=\"10\" height=\"10\" rx=\"2\" fill=\"#000\"/>"),
            body("<g><rect width=\"10\" height=\"10\" fill=\"#000\"/></g>"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"315\"/>".to_string(),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1200\" height=\"630\" viewBox=\"0 0 600 315\"/>".to_string(),
            "not svg".to_string(),
        ] {
            assert!(draw(&svg).is_none(), "drawn here: {svg}");
        }
    }
}
