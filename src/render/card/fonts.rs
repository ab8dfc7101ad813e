//! The fonts of the share cards, loaded once per process.
//!
//! They come from `themes/default/fonts/`, embedded in the binary by
//! `build.rs`, and never from the machine: a card must be the same picture on
//! every machine, and a build must not depend on what happens to be
//! installed. The same fonts serve two purposes: usvg draws the text with them
//! (through a `fontdb` database holding nothing else), and [`CardFonts`]
//! measures text with them (shaped by harfrust, as usvg does) so that long
//! claims can be wrapped before drawing.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::{Arc, OnceLock};

use harfrust::{
    script, Direction, FontRef, GlyphBuffer, Script, ShapeOptions, ShapePlan, Shaper, ShaperData, UnicodeBuffer,
};
use resvg::usvg::fontdb;
use siphasher::sip128::{Hasher128, SipHasher13};
use skrifa::charmap::Charmap;

use crate::render::theme::DEFAULT_THEME_FILES;

/// One font file, ready to measure with.
struct Face {
    id: fontdb::ID,
    family: usize,
    weight: u16,
    font: FontRef<'static>,
    /// Built once: building shaping data for every word would cost more than the shaping.
    shaper_data: &'static ShaperData,
    charmap: Charmap<'static>,
    units_per_em: f32,
}

/// The card fonts: a font database for usvg and shapers for measuring.
pub struct CardFonts {
    /// Every card font and nothing else; usvg draws with it.
    pub database: Arc<fontdb::Database>,
    /// Family names, in fallback order: a character is set in the first family
    /// that has a glyph for it.
    pub families: Vec<String>,
    faces: Vec<Face>,
    /// A hash of every font file, part of the card cache key.
    pub digest: u128,
}

static FONTS: OnceLock<CardFonts> = OnceLock::new();

/// The card fonts, loaded on first use.
pub fn fonts() -> &'static CardFonts {
    FONTS.get_or_init(CardFonts::load)
}

impl CardFonts {
    fn load() -> CardFonts {
        let mut database = fontdb::Database::new();
        let mut hasher = SipHasher13::new();
        let mut families: Vec<String> = Vec::new();
        let mut faces = Vec::new();
        // The table is sorted by path, so the fallback order is the files' order:
        // NotoSans-* before NotoSansArabic-*.
        for (path, bytes) in DEFAULT_THEME_FILES.iter().filter(|(path, _)| is_font_file(path)) {
            hasher.write(path.as_bytes());
            hasher.write(bytes);
            let ids = database.load_font_source(fontdb::Source::Binary(Arc::new(*bytes)));
            for (index, id) in ids.iter().enumerate() {
                let Some(info) = database.face(*id) else { continue };
                let Some((name, _)) = info.families.first() else { continue };
                let Ok(font) = FontRef::from_index(bytes, index as u32) else { continue };
                let family = match families.iter().position(|f| f == name) {
                    Some(i) => i,
                    None => {
                        families.push(name.clone());
                        families.len() - 1
                    }
                };
                // Leaked once per process (a few kilobytes per face), so that
                // shapers can borrow it for the rest of the run.
                let shaper_data: &'static ShaperData = Box::leak(Box::new(ShaperData::new(&font)));
                let units_per_em = f32::from(shaper_data.shaper(&font).build().units_per_em() as u16).max(1.0);
                faces.push(Face {
                    id: *id,
                    family,
                    weight: info.weight.0,
                    charmap: Charmap::new(&font),
                    font,
                    shaper_data,
                    units_per_em,
                });
            }
        }
        // A family a template names that is not here falls back to the first card font.
        if let Some(first) = families.first() {
            database.set_serif_family(first.clone());
            database.set_sans_serif_family(first.clone());
        }
        CardFonts { database: Arc::new(database), families, faces, digest: hasher.finish128().as_u128() }
    }

    /// The families that have a glyph for `c`, as a bit set over [`Self::families`].
    fn coverage(&self, c: char) -> u32 {
        self.faces
            .iter()
            .filter(|face| face.family < 32 && face.charmap.map(c).is_some())
            .fold(0, |set, face| set | 1 << face.family)
    }

    /// Splits `text` into runs that one family can set, in fallback order.
    /// Spaces, digits and punctuation that several families have stay in the
    /// run around them, so a line needs as few font changes as possible.
    /// Characters no card font has go to the first family (they show as boxes).
    pub fn runs(&self, text: &str) -> Vec<(usize, String)> {
        let mut runs: Vec<(usize, String)> = Vec::new();
        for c in text.chars() {
            let coverage = self.coverage(c);
            match runs.last_mut() {
                Some((family, run)) if coverage & (1 << *family) != 0 || coverage == 0 => run.push(c),
                _ => {
                    let family = if coverage == 0 { 0 } else { coverage.trailing_zeros() as usize };
                    runs.push((family, c.to_string()));
                }
            }
        }
        runs
    }

    /// Characters of `text` that no card font can draw (they would show as boxes).
    pub fn uncovered(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text.chars().filter(|&c| !c.is_whitespace() && self.coverage(c) == 0).collect();
        missing.dedup();
        missing
    }

    /// A shaper for each family at the weight nearest to `weight`.
    pub fn shapers(&self, weight: u16) -> Vec<FaceShaper> {
        (0..self.families.len())
            .filter_map(|family| {
                let face = (0..self.faces.len())
                    .filter(|&i| self.faces[i].family == family)
                    .min_by_key(|&i| self.faces[i].weight.abs_diff(weight))?;
                Some(self.shaper(face))
            })
            .collect()
    }

    fn shaper(&self, face: usize) -> FaceShaper {
        let Face { font, shaper_data, units_per_em, .. } = &self.faces[face];
        FaceShaper { shaper: shaper_data.shaper(font).build(), units_per_em: *units_per_em, face }
    }

    /// A shaper for the face `id` of the database, as usvg sets text in it;
    /// `None` for a face with variation axes (usvg would set those at the
    /// font size).
    pub fn shaper_of(&self, id: fontdb::ID) -> Option<FaceShaper> {
        use skrifa::MetadataProvider;
        let index = self.faces.iter().position(|face| face.id == id)?;
        self.faces[index].font.axes().is_empty().then(|| self.shaper(index))
    }
}

/// One card face, ready to shape text.
pub struct FaceShaper {
    shaper: Shaper<'static>,
    units_per_em: f32,
    /// The face's place among the card fonts.
    face: usize,
}

impl FaceShaper {
    /// The face's units per em, as `f32`.
    pub fn units_per_em(&self) -> f32 {
        self.units_per_em
    }

    /// Shapes `buffer`, whose direction and script are set, with default
    /// features. Building a shaping plan costs more than shaping a word, and
    /// a plan depends only on the face, the direction and the script, so the
    /// plans are kept (per thread); the result is the same as without.
    pub fn shape(&self, buffer: UnicodeBuffer) -> GlyphBuffer {
        type Plans = HashMap<(usize, Direction, Option<Script>), ShapePlan>;
        thread_local! {
            static PLANS: RefCell<Plans> = RefCell::new(HashMap::new());
        }
        // `script()` says UNKNOWN for a buffer without one; guessing never sets UNKNOWN.
        let script = Some(buffer.script()).filter(|s| *s != script::UNKNOWN);
        let key = (self.face, buffer.direction(), script);
        PLANS.with_borrow_mut(|plans| {
            let plan = plans.entry(key).or_insert_with(|| ShapePlan::new(&self.shaper, key.1, key.2, None, &[]));
            self.shaper.shape(buffer, ShapeOptions::new().plan(Some(plan)))
        })
    }
}

/// The advance of `text` set in one font, in ems.
pub fn advance(shaper: &FaceShaper, text: &str) -> f32 {
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.guess_segment_properties();
    let shaped = shaper.shape(buffer);
    let units: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
    units as f32 / shaper.units_per_em
}

fn is_font_file(path: &str) -> bool {
    path.starts_with("fonts/") && (path.ends_with(".ttf") || path.ends_with(".otf"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_fonts_are_the_themes_own_in_fallback_order() {
        let fonts = fonts();
        assert_eq!(fonts.families, ["Noto Sans", "Noto Sans Arabic"]);
        assert_eq!(fonts.database.len(), 4, "regular and bold of each family, nothing from the system");
    }

    #[test]
    fn runs_change_font_only_where_the_script_does() {
        let runs = fonts().runs("قال ترامب إن حلف NATO وافق.");
        let families: Vec<usize> = runs.iter().map(|(f, _)| *f).collect();
        let texts: Vec<&str> = runs.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(families, [1, 0, 1]);
        assert_eq!(texts, ["قال ترامب إن حلف ", "NATO ", "وافق."]);
        assert_eq!(fonts().runs("Це правда, NATO.").len(), 1, "Cyrillic and Latin share a font");
    }

    #[test]
    fn uncovered_characters_are_reported() {
        assert!(fonts().uncovered("Це правда — «так» — قال").is_empty());
        assert_eq!(fonts().uncovered("汉字 ok"), ['汉', '字']);
    }

    #[test]
    fn shaping_joins_arabic_letters() {
        let shapers = fonts().shapers(400);
        // Lam followed by alef is one ligature glyph, narrower than the two letters set apart.
        let joined = advance(&shapers[1], "لا");
        let apart = advance(&shapers[1], "ل") + advance(&shapers[1], "ا");
        assert!(joined < apart, "lam-alef {joined} vs {apart}");
        assert!(advance(&shapers[0], "Verdict") > 2.0);
    }
}
