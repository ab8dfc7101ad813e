//! Share cards: `claims/SLUG/card.png`, the 1200×630 picture that social
//! networks and chat apps show with a link to a fact check.
//!
//! A card is drawn at build time from the theme's `card.svg`, a Tera template
//! a designer can edit like any other (`templates/card.svg`, overridable per
//! site). The template sees a [`CardView`] and the [`fit`] function that wraps
//! text with the real fonts; usvg turns the SVG into shapes with the theme's
//! [`fonts`] only, resvg rasterises the shapes and `glyphs` the text (from
//! glyph masks drawn once per process), and the picture is written as a
//! palette PNG. The result depends on nothing but the card's words, the
//! template and the fonts, so it is byte-identical from build to build and
//! [`cache`]d by content.

pub mod cache;
mod direct;
pub mod fit;
pub mod fonts;
mod glyphs;

use std::collections::HashMap;
use std::path::PathBuf;

use resvg::tiny_skia::{self, PremultipliedColorU8};
use resvg::usvg;
use serde::Serialize;
use tera::{Context, Tera};

use super::theme::{error_chain, Theme};
use crate::model::verdict::contrast_ratio;
use crate::model::{Claim, Site};
use cache::CardCache;

/// Card size in pixels: what Facebook, LinkedIn and X ask for (1.91:1).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// The card template, under `templates/`.
pub const TEMPLATE: &str = "card.svg";

/// Everything a card shows; the `card` variable of `card.svg`.
#[derive(Debug, Clone, Serialize)]
pub struct CardView {
    /// Language of the card's words (BCP 47), and its direction (`ltr`, `rtl`).
    pub lang: String,
    pub dir: &'static str,
    pub site_title: String,
    pub claim: String,
    pub speaker: String,
    pub speaker_role: Option<String>,
    pub verdict: CardVerdict,
}

#[derive(Debug, Clone, Serialize)]
pub struct CardVerdict {
    pub key: String,
    pub label: String,
    /// The verdict's colour, and black or white, whichever reads better on it.
    pub color: String,
    pub text_color: String,
    /// The verdict's colour when text in it reads on white (WCAG AA, 4.5:1),
    /// else near-black: the colour for the label on a light card.
    pub ink: String,
}

impl CardView {
    pub fn new(site: &Site, claim: &Claim) -> CardView {
        let speaker = &site.speakers[claim.speaker];
        let verdict = &site.scale.verdicts[claim.verdict];
        let language = &site.config.language;
        CardView {
            lang: language.clone(),
            dir: direction_of_language(language),
            site_title: plain(&site.config.title),
            claim: plain(&claim.claim),
            speaker: plain(&speaker.name),
            speaker_role: speaker.role.as_deref().map(plain),
            verdict: CardVerdict {
                key: verdict.key.clone(),
                label: plain(&verdict.label),
                color: verdict.color.clone(),
                text_color: verdict.text_color.clone(),
                ink: ink(&verdict.color),
            },
        }
    }
}

/// `color` if text in it reads on white; colours that are not hex cannot be
/// measured and are trusted (the default scale is dark).
pub fn ink(color: &str) -> String {
    match contrast_ratio(color, "#ffffff") {
        Some(ratio) if ratio < 4.5 => "#1a1a1a".into(),
        _ => color.to_string(),
    }
}

/// Control characters are not allowed in SVG (XML) text: they become spaces.
fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `rtl` for the languages written right to left, else `ltr`.
pub fn direction_of_language(language: &str) -> &'static str {
    let primary = language.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    if matches!(primary.as_str(), "ar" | "he" | "fa" | "ur") {
        "rtl"
    } else {
        "ltr"
    }
}

/// Registers the template functions `card.svg` uses.
pub fn register_functions(tera: &mut Tera) {
    tera.register_function("fit_text", |args: &HashMap<String, serde_json::Value>| fit::tera_fit_text(args));
}

/// Why a card could not be drawn.
#[derive(Debug)]
pub enum CardError {
    /// `card.svg` failed to render (the message has Tera's whole chain).
    Template(String),
    /// The template's output is not SVG that usvg can read.
    Svg(String),
    Png(String),
}

impl std::fmt::Display for CardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardError::Template(message) => write!(f, "{message}"),
            CardError::Svg(message) => write!(f, "{TEMPLATE} did not produce valid SVG: {message}"),
            CardError::Png(message) => write!(f, "cannot encode the PNG: {message}"),
        }
    }
}

impl std::error::Error for CardError {}

/// The SVG of a card: `card.svg` rendered with `card`.
pub fn card_svg(theme: &Theme, card: &CardView) -> Result<String, CardError> {
    let mut context = Context::new();
    context.insert("card", card);
    context.insert("width", &WIDTH);
    context.insert("height", &HEIGHT);
    theme.tera.render(TEMPLATE, &context).map_err(|e| CardError::Template(error_chain(&e)))
}

/// Draws a card into PNG bytes, without a cache.
pub fn draw_card(theme: &Theme, card: &CardView) -> Result<Vec<u8>, CardError> {
    rasterize(&card_svg(theme, card)?)
}

/// A card from [`draw_card_cached`].
#[derive(Debug)]
pub enum Drawn {
    /// The PNG, and the cache's file holding it, if there is one.
    Png(Vec<u8>, Option<PathBuf>),
    /// The cache's file holding the PNG, left unread (the cache does not read hits).
    InFile(PathBuf),
}

/// Draws a card, taking it from `cache` when the same card was drawn before
/// with the same templates and fonts.
pub fn draw_card_cached(theme: &Theme, card: &CardView, cache: &CardCache) -> Result<Drawn, CardError> {
    // Serialising a struct of strings cannot fail.
    let view = serde_json::to_vec(card).unwrap_or_default();
    let key = CardCache::key(&view, theme.card_digest);
    match cache.get(&key) {
        Some((Some(png), file)) => return Ok(Drawn::Png(png, Some(file))),
        Some((None, file)) => return Ok(Drawn::InFile(file)),
        None => {}
    }
    let png = rasterize(&card_svg(theme, card)?)?;
    let file = cache.put(&key, &png);
    Ok(Drawn::Png(png, file))
}

/// SVG text to a `WIDTH`×`HEIGHT` PNG, scaled to fill the card.
pub fn rasterize(svg: &str) -> Result<Vec<u8>, CardError> {
    let pixmap = match direct::draw(svg) {
        Some(pixmap) => pixmap,
        None => draw_with_usvg(svg)?,
    };
    encode_png(&pixmap).map_err(|e| CardError::Png(e.to_string()))
}

/// SVG text drawn by usvg (layout) and resvg (shapes), text from the glyph cache.
fn draw_with_usvg(svg: &str) -> Result<tiny_skia::Pixmap, CardError> {
    let mut options = usvg::Options { fontdb: fonts::fonts().database.clone(), ..usvg::Options::default() };
    options.font_family = fonts::fonts().families.first().cloned().unwrap_or_default();
    // Only images inside the SVG (data: URLs) are drawn: a card never reads a
    // file or the network.
    options.image_href_resolver.resolve_string = Box::new(|_, _| None);
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| CardError::Svg(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or_else(|| CardError::Png("no pixmap".into()))?;
    let size = tree.size();
    let transform = tiny_skia::Transform::from_scale(WIDTH as f32 / size.width(), HEIGHT as f32 / size.height());
    glyphs::render(&tree, transform, &mut pixmap);
    Ok(pixmap)
}

/// A card has a few dozen colours (its fills and the anti-aliased edges of
/// its text), so a palette PNG holds it exactly in a third of the bytes of
/// RGBA, and encodes several times faster. A card with more than 256 colours
/// (a gradient, a photo) is written as RGBA.
fn encode_png(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    match palette(pixmap.data(), pixmap.width() as usize) {
        Some((colours, indices)) => {
            // The pixmap is premultiplied: palette entries are demultiplied
            // here, once per colour rather than once per pixel.
            let colours: Vec<tiny_skia::ColorU8> = colours.iter().map(|c| c.demultiply()).collect();
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_palette(colours.iter().flat_map(|c| [c.red(), c.green(), c.blue()]).collect::<Vec<u8>>());
            if colours.iter().any(|c| c.alpha() != 255) {
                encoder.set_trns(colours.iter().map(|c| c.alpha()).collect::<Vec<u8>>());
            }
            encoder.set_compression(png::Compression::Fast);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&indices)?;
            writer.finish()?;
        }
        None => {
            let rgba: Vec<u8> = pixmap
                .pixels()
                .iter()
                .flat_map(|p| {
                    let c = p.demultiply();
                    [c.red(), c.green(), c.blue(), c.alpha()]
                })
                .collect();
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_compression(png::Compression::Balanced);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&rgba)?;
            writer.finish()?;
        }
    }
    Ok(out)
}

/// The colours of a pixmap in order of first appearance (so the file is the
/// same every time) and each pixel's index, or `None` beyond 256 colours.
/// `data` is the pixmap's bytes, RGBA premultiplied, `width` pixels a row.
///
/// This runs over every pixel of every new card, so it compares bytes, which
/// the compiler does many at a time. A row equal to the one above (most of a
/// card's background) is copied whole; within a row the pixels go by runs of
/// one colour (the background between letters, the inside of a stroke),
/// eight pixels a comparison, and the colour table is consulted once a run.
fn palette(data: &[u8], width: usize) -> Option<(Vec<PremultipliedColorU8>, Vec<u8>)> {
    const BLOCK: usize = 8;
    let mut colours: Vec<PremultipliedColorU8> = Vec::new();
    let mut table = ColourTable::default();
    let mut indices: Vec<u8> = vec![0; data.len() / 4];
    let mut above: Option<&[u8]> = None;
    for (y, row) in data.chunks_exact(width * 4).enumerate() {
        let at = y * width;
        if above == Some(row) {
            indices.copy_within(at - width..at, at);
            continue;
        }
        above = Some(row);
        let mut start = 0;
        while start < width {
            let pixel: [u8; 4] = row[start * 4..start * 4 + 4].try_into().ok()?;
            let block: [u8; 4 * BLOCK] = std::array::from_fn(|i| pixel[i % 4]);
            let mut end = start + 1;
            while end + BLOCK <= width && row[end * 4..(end + BLOCK) * 4] == block {
                end += BLOCK;
            }
            while end < width && row[end * 4..end * 4 + 4] == pixel {
                end += 1;
            }
            let index = match table.get(pixel) {
                Some(index) => index,
                None => {
                    let index = u8::try_from(colours.len()).ok()?;
                    let [red, green, blue, alpha] = pixel;
                    colours.push(PremultipliedColorU8::from_rgba(red, green, blue, alpha)?);
                    table.insert(pixel, index);
                    index
                }
            };
            indices[at + start..at + end].fill(index);
            start = end;
        }
    }
    Some((colours, indices))
}

/// Colour → palette index, for at most 256 colours: open addressing in a
/// table four times that size (a `HashMap` costs more than the whole loop in
/// a debug build).
struct ColourTable {
    slots: Vec<Option<(u32, u8)>>,
}

impl Default for ColourTable {
    fn default() -> Self {
        ColourTable { slots: vec![None; 1024] }
    }
}

impl ColourTable {
    fn slot(&self, colour: u32) -> usize {
        let mut slot = (colour.wrapping_mul(0x9E37_79B9) >> 22) as usize;
        while let Some((other, _)) = self.slots[slot] {
            if other == colour {
                break;
            }
            slot = (slot + 1) % self.slots.len();
        }
        slot
    }

    fn get(&self, pixel: [u8; 4]) -> Option<u8> {
        let colour = u32::from_le_bytes(pixel);
        self.slots[self.slot(colour)].map(|(_, i)| i)
    }

    fn insert(&mut self, pixel: [u8; 4], index: u8) {
        let colour = u32::from_le_bytes(pixel);
        let slot = self.slot(colour);
        self.slots[slot] = Some((colour, index));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_written_right_to_left() {
        for rtl in ["ar", "he", "fa", "ur", "ar-EG", "AR"] {
            assert_eq!(direction_of_language(rtl), "rtl", "{rtl}");
        }
        for ltr in ["en", "uk", "fr-CA", "arn"] {
            assert_eq!(direction_of_language(ltr), "ltr", "{ltr}");
        }
    }

    #[test]
    fn palette_keeps_first_appearance_order_and_gives_up_past_256_colours() {
        let grey = |c: u8| PremultipliedColorU8::from_rgba(c, c, c, 255).unwrap();
        let bytes = |colours: &[PremultipliedColorU8]| -> Vec<[u8; 4]> {
            colours.iter().map(|c| [c.red(), c.green(), c.blue(), c.alpha()]).collect()
        };
        // Two rows of three pixels; the second row repeats the first.
        let row = [grey(9), grey(1), grey(9)];
        let data = |pixels: &[PremultipliedColorU8]| -> Vec<u8> { bytes(pixels).concat() };
        let (colours, indices) = palette(&data(&[row, row].concat()), 3).unwrap();
        assert_eq!(bytes(&colours), [[9, 9, 9, 255], [1, 1, 1, 255]]);
        assert_eq!(indices, [0, 1, 0, 0, 1, 0]);
        let many: Vec<PremultipliedColorU8> = (0..=256u32)
            .map(|i| PremultipliedColorU8::from_rgba((i % 256) as u8, 0, (i / 256) as u8, 255).unwrap())
            .collect();
        assert!(palette(&data(&many), 257).is_none());
        // Runs of every length and rows that differ, checked against the plain per-pixel answer.
        let rows: Vec<PremultipliedColorU8> =
            [1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 1, 4, 4, 1, 1, 1].iter().map(|&c| grey(c)).collect();
        let (colours, indices) = palette(&data(&rows), 5).unwrap();
        let expected: Vec<u8> = rows.iter().map(|p| colours.iter().position(|c| c == p).unwrap() as u8).collect();
        assert_eq!(indices, expected);
        assert_eq!(bytes(&colours), [[1, 1, 1, 255], [2, 2, 2, 255], [3, 3, 3, 255], [4, 4, 4, 255]]);
        // Runs longer than a block of eight, ending inside one and at the row's end.
        let long: Vec<PremultipliedColorU8> = [(5, 11), (6, 1), (5, 9), (7, 9), (7, 17), (5, 8), (6, 5)]
            .iter()
            .flat_map(|&(c, n)| std::iter::repeat_n(grey(c), n))
            .collect();
        let (colours, indices) = palette(&data(&long), 30).unwrap();
        let expected: Vec<u8> = long.iter().map(|p| colours.iter().position(|c| c == p).unwrap() as u8).collect();
        assert_eq!(indices, expected);
        assert_eq!(bytes(&colours), [[5, 5, 5, 255], [6, 6, 6, 255], [7, 7, 7, 255]]);
    }

    #[test]
    fn invalid_svg_is_an_error_not_a_panic() {
        let error = rasterize("<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&</text></svg>").unwrap_err();
        assert!(matches!(error, CardError::Svg(_)), "{error}");
    }
}
