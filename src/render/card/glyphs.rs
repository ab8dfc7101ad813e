//! A card's text, drawn from a cache of glyph masks.
//!
//! resvg fills the outline of every glyph anew on every card, and that was
//! about half the cost of drawing one. Yet a card's text comes from four
//! fonts at a few sizes, so the same glyph at the same size recurs on card
//! after card. Here each glyph is filled once per process into a coverage
//! mask, at one of [`PHASES`] horizontal positions within a pixel (the
//! baseline is rounded to a whole pixel), and a card's text is those masks
//! blended in the text's colour. What is not plain filled text (shapes,
//! images, strokes, decorations, gradients, rotated or skewed text, colour or
//! bitmap glyphs) is drawn by resvg as before.
//!
//! A mask depends only on its key, so the output does not depend on which
//! cards were drawn before, or on which thread: cards stay byte-identical.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use resvg::tiny_skia::{FillRule, Mask, Pixmap, Transform};
use resvg::usvg::{self, fontdb, Node, Paint, ShapeRendering};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::prelude::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use super::fonts::fonts;

/// Horizontal positions within a pixel a glyph can be drawn at.
const PHASES: f32 = 4.0;
/// Masks kept at most (a few megabytes); past that the cache starts afresh.
const CAPACITY: usize = 16_384;

/// One glyph at one size and position within a pixel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    font: fontdb::ID,
    glyph: u32,
    /// Pixels per font unit, as `f32` bits.
    scale: u32,
    phase: u8,
    anti_alias: bool,
    even_odd: bool,
}

/// A glyph's coverage, 0–255 a pixel, and where its top-left pixel lies
/// relative to the glyph's origin.
struct Glyph {
    left: i32,
    top: i32,
    width: usize,
    coverage: Vec<u8>,
}

type Cache = Mutex<HashMap<Key, Option<Arc<Glyph>>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Cache::default)
}

/// Draws `tree` into `pixmap` as `resvg::render` would, text from the cache.
pub fn render(tree: &usvg::Tree, transform: Transform, pixmap: &mut Pixmap) {
    for node in tree.root().children() {
        if let Node::Text(text) = node {
            if let Some(glyphs) = plan(text, transform) {
                draw(&glyphs, pixmap);
                continue;
            }
        }
        // `render_node` draws a node offset by its layer box (for drawing it
        // alone); offsetting the transform back draws it in place.
        if let Some(bbox) = node.abs_layer_bounding_box() {
            resvg::render_node(node, transform.pre_translate(bbox.x(), bbox.y()), &mut pixmap.as_mut());
        }
    }
}

/// A glyph to draw: its mask's key, its origin in whole pixels, its colour
/// (RGB, not premultiplied) and opacity (0–255).
pub(super) struct Placed {
    key: Key,
    x: i32,
    y: i32,
    colour: [u8; 3],
    opacity: u8,
}

/// The glyphs of `text`, or `None` if it is not plain filled text at an
/// upright scale (resvg then draws it).
fn plan(text: &usvg::Text, transform: Transform) -> Option<Vec<Placed>> {
    // Outline glyphs only: a colour, SVG or bitmap glyph flattens to a group or an image.
    let mut anti_alias = true;
    for child in text.flattened().children() {
        match child {
            Node::Path(path) => anti_alias = path.rendering_mode() != ShapeRendering::CrispEdges,
            _ => return None,
        }
    }
    if !text.flattened().transform().is_identity() {
        return None;
    }
    let mut placed = Vec::new();
    for span in text.layouted() {
        if span.stroke.is_some() || span.underline.is_some() || span.overline.is_some() || span.line_through.is_some() {
            return None;
        }
        let Some(fill) = span.fill.as_ref().filter(|_| span.visible) else { continue };
        let Paint::Color(colour) = fill.paint() else { return None };
        let opacity = (fill.opacity().get() * 255.0).round() as u8;
        let even_odd = fill.rule() == usvg::FillRule::EvenOdd;
        for glyph in &span.positioned_glyphs {
            let at = transform.pre_concat(glyph.outline_transform());
            let style = Style { anti_alias, even_odd, colour: [colour.red, colour.green, colour.blue], opacity };
            placed.push(place(glyph.font, glyph.id.0, at, style)?);
        }
    }
    Some(placed)
}

/// How a glyph is filled: as usvg describes a text span's fill.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub anti_alias: bool,
    pub even_odd: bool,
    /// RGB, not premultiplied, and the opacity (0–255).
    pub colour: [u8; 3],
    pub opacity: u8,
}

/// Glyph `glyph` of `font` with its outline transform `at` (font units to
/// pixels, mirrored), or `None` unless it is upright and on the page.
pub(super) fn place(font: fontdb::ID, glyph: u32, at: Transform, style: Style) -> Option<Placed> {
    // Upright: a uniform scale, mirrored vertically (font units go up).
    let upright = at.kx == 0.0 && at.ky == 0.0 && at.sx > 0.0 && (at.sx + at.sy).abs() <= at.sx * 1e-6;
    if !upright || !at.tx.is_finite() || !at.ty.is_finite() || at.tx.abs() > 1e6 || at.ty.abs() > 1e6 {
        return None;
    }
    let mut x = at.tx.floor();
    let mut phase = ((at.tx - x) * PHASES).round();
    if phase >= PHASES {
        x += 1.0;
        phase = 0.0;
    }
    Some(Placed {
        key: Key {
            font,
            glyph,
            scale: at.sx.to_bits(),
            phase: phase as u8,
            anti_alias: style.anti_alias,
            even_odd: style.even_odd,
        },
        x: x as i32,
        y: at.ty.round() as i32,
        colour: style.colour,
        opacity: style.opacity,
    })
}

pub(super) fn draw(glyphs: &[Placed], pixmap: &mut Pixmap) {
    for placed in glyphs {
        if let Some(glyph) = mask(placed.key) {
            blend(pixmap, &glyph, placed);
        }
    }
}

/// The mask of `key`, filled on first use.
fn mask(key: Key) -> Option<Arc<Glyph>> {
    let cache = cache();
    if let Some(found) = lock(cache).get(&key) {
        return found.clone();
    }
    // Filled outside the lock; two threads may both fill a glyph, to the same mask.
    let glyph = fill(key).map(Arc::new);
    let mut masks = lock(cache);
    if masks.len() >= CAPACITY {
        masks.clear();
    }
    masks.insert(key, glyph.clone());
    glyph
}

fn lock(cache: &Cache) -> std::sync::MutexGuard<'_, HashMap<Key, Option<Arc<Glyph>>>> {
    cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Fills a glyph's outline at its scale and phase; `None` for a glyph with
/// no outline (a space).
fn fill(key: Key) -> Option<Glyph> {
    let outline = fonts().database.with_face_data(key.font, |data, index| {
        let font = FontRef::from_index(data, index).ok()?;
        let glyph = font.outline_glyphs().get(skrifa::GlyphId::new(key.glyph))?;
        let mut pen = Pen::default();
        glyph.draw(DrawSettings::unhinted(Size::unscaled(), LocationRef::default()), &mut pen).ok()?;
        pen.0.finish()
    })??;
    let scale = f32::from_bits(key.scale);
    let placed = outline.transform(Transform::from_row(scale, 0.0, 0.0, -scale, f32::from(key.phase) / PHASES, 0.0))?;
    let bounds = placed.bounds();
    let left = bounds.left().floor() as i32 - 1;
    let top = bounds.top().floor() as i32 - 1;
    let width = u32::try_from(bounds.right().ceil() as i32 - left + 1).ok()?;
    let height = u32::try_from(bounds.bottom().ceil() as i32 - top + 1).ok()?;
    let mut mask = Mask::new(width, height)?;
    let rule = if key.even_odd { FillRule::EvenOdd } else { FillRule::Winding };
    mask.fill_path(&placed, rule, key.anti_alias, Transform::from_translate(-left as f32, -top as f32));
    Some(Glyph { left, top, width: width as usize, coverage: mask.data().to_vec() })
}

#[derive(Default)]
struct Pen(resvg::tiny_skia::PathBuilder);

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.0.quad_to(cx0, cy0, x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.0.cubic_to(cx0, cy0, cx1, cy1, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

/// `x * y / 255`, rounded, for `x, y` in 0–255.
fn mul255(x: u32, y: u32) -> u32 {
    let product = x * y + 128;
    (product + (product >> 8)) >> 8
}

/// Blends a glyph's mask in its colour over the premultiplied pixmap
/// (source over), clipped to the pixmap.
fn blend(pixmap: &mut Pixmap, glyph: &Glyph, placed: &Placed) {
    let (width, height) = (pixmap.width() as i32, pixmap.height() as i32);
    let [red, green, blue] = placed.colour.map(u32::from);
    let opaque = [placed.colour[0], placed.colour[1], placed.colour[2], 255];
    // The columns of the mask that fall inside the pixmap.
    let x0 = placed.x + glyph.left;
    let first = (-x0).clamp(0, glyph.width as i32) as usize;
    let last = (width - x0).clamp(0, glyph.width as i32) as usize;
    if first >= last {
        return;
    }
    let data = pixmap.data_mut();
    for (row, coverage) in glyph.coverage.chunks_exact(glyph.width).enumerate() {
        let y = placed.y + glyph.top + row as i32;
        if !(0..height).contains(&y) {
            continue;
        }
        let start = (y * width + x0 + first as i32) as usize * 4;
        let pixels = data[start..start + (last - first) * 4].chunks_exact_mut(4);
        for (pixel, &c) in pixels.zip(&coverage[first..last]) {
            if c == 0 {
                continue;
            }
            let alpha = mul255(u32::from(c), u32::from(placed.opacity));
            if alpha == 255 {
                pixel.copy_from_slice(&opaque);
                continue;
            }
            let keep = 255 - alpha;
            for (channel, source) in
                pixel.iter_mut().zip([mul255(red, alpha), mul255(green, alpha), mul255(blue, alpha), alpha])
            {
                *channel = (source + mul255(u32::from(*channel), keep)).min(255) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `svg` drawn by resvg alone and with cached glyphs.
    fn both(svg: &str) -> (Pixmap, Pixmap) {
        let mut options = usvg::Options { fontdb: fonts().database.clone(), ..usvg::Options::default() };
        options.font_family = fonts().families[0].clone();
        let tree = usvg::Tree::from_str(svg, &options).unwrap();
        let (mut plain, mut cached) = (Pixmap::new(400, 200).unwrap(), Pixmap::new(400, 200).unwrap());
        resvg::render(&tree, Transform::identity(), &mut plain.as_mut());
        render(&tree, Transform::identity(), &mut cached);
        (plain, cached)
    }

    fn svg(body: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"200\">\
             <rect width=\"400\" height=\"200\" fill=\"#fdfcfa\"/>{body}</svg>"
        )
    }

    #[test]
    fn cached_glyphs_draw_what_resvg_draws_with_the_baseline_on_a_whole_pixel() {
        let text = |y: &str| {
            format!(
                "<text x=\"10.3\" y=\"{y}\" font-size=\"47\" fill=\"#a11d2b\">Ukraine agreed, 600,000</text>\
                 <text x=\"20\" y=\"150\" font-size=\"30\" font-weight=\"700\" fill-opacity=\"0.5\">Пiдсумок — قال</text>"
            )
        };
        // A baseline at 60.6 is drawn at 61: a line of text moves by less than half a pixel.
        let (_, cached) = both(&svg(&text("60.6")));
        let (plain, _) = both(&svg(&text("61")));
        let inked = plain.data().chunks(4).filter(|p| p[0] < 200).count();
        assert!(inked > 3000, "the text was drawn: {inked} inked pixels");
        // Across, each glyph moves by at most an eighth of a pixel (to a
        // quarter). The rasteriser takes 4×4 samples a pixel, so that can
        // move an edge past one column of samples: a quarter of a pixel's
        // coverage, 64 of 255, and no more.
        let differences: Vec<u8> = plain.data().iter().zip(cached.data()).map(|(a, b)| a.abs_diff(*b)).collect();
        let most = differences.iter().max().copied().unwrap_or(0);
        assert!(most <= 64, "a pixel differs by {most}");
        let changed = differences.chunks(4).filter(|p| p.iter().any(|d| *d > 16)).count();
        assert!(changed * 10 < inked, "{changed} of {inked} inked pixels differ by more than 16");
        // The same glyphs land on the same pixels from card to card.
        let (_, again) = both(&svg(&text("60.6")));
        assert!(again.data() == cached.data());
    }

    #[test]
    fn text_that_is_not_plain_fill_is_left_to_resvg() {
        for body in [
            "<text x=\"20\" y=\"80\" font-size=\"40\" transform=\"rotate(10)\">Rotated</text>",
            "<text x=\"20\" y=\"80\" font-size=\"40\" fill=\"none\" stroke=\"#000\">Stroked</text>",
            "<text x=\"20\" y=\"80\" font-size=\"40\" text-decoration=\"underline\">Underlined</text>",
            "<linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/><stop offset=\"1\" stop-color=\"blue\"/></linearGradient>\
             <text x=\"20\" y=\"80\" font-size=\"40\" fill=\"url(#g)\">Gradient</text>",
        ] {
            let (plain, cached) = both(&svg(body));
            assert!(plain.data() == cached.data(), "{body}");
            assert!(plain.data().chunks(4).any(|p| p[0] < 128 || p[2] < 128), "nothing drawn: {body}");
        }
    }

    #[test]
    fn mul255_rounds_like_exact_division() {
        for x in 0..=255u32 {
            for y in 0..=255u32 {
                assert_eq!(mul255(x, y), (x * y + 127) / 255, "{x} × {y}");
            }
        }
    }
}
