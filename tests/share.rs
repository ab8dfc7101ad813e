//! Fact checks that travel: share cards (`claims/SLUG/card.png`), their
//! cache, the tags that announce them, embeds (`claims/SLUG/embed/`), oEmbed
//! (`claims/SLUG/oembed.json`) and the page icon.
//!
//! Cards are read back as pictures: decoded with the `png` crate, and read by
//! OCR with Debian's `tesseract-ocr` (with its `ukr` and `ara` data), which CI
//! installs.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use verdict::render::card::{draw_card, fonts::fonts, CardVerdict, CardView};
use verdict::render::theme::load_theme;

const ENGLISH_CLAIM: &str = "The Ukrainians have agreed to the peace deal.";
const UKRAINIAN_CLAIM: &str = "Українці погодилися на мирну угоду.";
const ARABIC_CLAIM: &str = "لقد وافق الأوكرانيون على اتفاق السلام.";

fn share_site() -> TestSite {
    TestSite::new(&[
        (
            "site.yaml",
            "title: \"Peace Talks Fact Check\"\nbase_url: \"https://checks.example.org/talks/\"\norganization:\n  name: \"Verdict Desk\"\n  url: \"https://desk.example.org/\"\n",
        ),
        ("content/speakers/official.md", "---\nname: Unnamed US official\nrole: White House aide\n---\n"),
        (
            "content/claims/agreed.md",
            &format!(
                "---\nclaim: \"{ENGLISH_CLAIM}\"\nspeaker: official\nverdict: misleading\npublished: 2025-11-25\nsummary: \"Kyiv backed a framework, not a final deal.\"\nsupporting:\n  - title: \"Evidence\"\n    url: https://example.org/evidence\ncontradicting: []\n---\nThe analysis.\n"
            ),
        ),
        (
            "content/claims/long.md",
            &format!(
                "---\nclaim: \"{}\"\nspeaker: \"Ann Lee\"\nverdict: \"false\"\npublished: 2025-11-24\nsupporting: []\ncontradicting:\n  - title: \"Evidence\"\n    url: https://example.org/evidence\n---\nThe analysis.\n",
                "Every word of this claim is here to make it far too long for a share card, so that the card must shorten it at a word boundary and end with an ellipsis instead of running off the edge ".repeat(3)
            ),
        ),
    ])
}

/// A decoded card: width, height, and RGBA pixels.
struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<[u8; 4]>,
}

fn decode(png_bytes: &[u8]) -> Picture {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
    let frame = reader.next_frame(&mut buffer).expect("PNG data");
    let bytes = &buffer[..frame.buffer_size()];
    let pixels = match frame.color_type {
        png::ColorType::Rgba => bytes.chunks_exact(4).map(|p| [p[0], p[1], p[2], p[3]]).collect(),
        png::ColorType::Rgb => bytes.chunks_exact(3).map(|p| [p[0], p[1], p[2], 255]).collect(),
        other => panic!("unexpected colour type {other:?}"),
    };
    Picture { width: frame.width, height: frame.height, pixels }
}

impl Picture {
    /// Dark pixels (text) in a rectangle.
    fn ink(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> Vec<(u32, u32)> {
        let mut ink = Vec::new();
        for y in y0..y1 {
            for x in x0..x1 {
                let [r, g, b, _] = self.pixels[(y * self.width + x) as usize];
                if u32::from(r) + u32::from(g) + u32::from(b) < 3 * 128 {
                    ink.push((x, y));
                }
            }
        }
        ink
    }

    /// Share of pixels in a rectangle that differ from `other`'s.
    fn difference(&self, other: &Picture, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
        let mut differ = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                let i = (y * self.width + x) as usize;
                differ += usize::from(self.pixels[i] != other.pixels[i]);
            }
        }
        differ as f64 / f64::from((x1 - x0) * (y1 - y0))
    }
}

/// The text tesseract reads in a card, in `language` (`eng`, `ukr`, `ara`).
fn ocr(png_bytes: &[u8], language: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("card.png");
    fs::write(&file, png_bytes).unwrap();
    let output = Command::new("tesseract")
        .arg(&file)
        .arg("stdout")
        .args(["-l", language])
        .output()
        .expect("tesseract runs (install it: apt-get install tesseract-ocr tesseract-ocr-ukr tesseract-ocr-ara)");
    assert!(output.status.success(), "tesseract failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn card(lang: &str, dir: &'static str, site_title: &str, claim: &str, speaker: &str, label: &str) -> CardView {
    CardView {
        lang: lang.into(),
        dir,
        site_title: site_title.into(),
        claim: claim.into(),
        speaker: speaker.into(),
        speaker_role: None,
        verdict: CardVerdict {
            key: "misleading".into(),
            label: label.into(),
            color: "#9a4a0b".into(),
            text_color: "#ffffff".into(),
            ink: "#9a4a0b".into(),
        },
    }
}

fn english() -> CardView {
    card("en", "ltr", "Peace Talks Fact Check", ENGLISH_CLAIM, "Unnamed US official", "Misleading")
}

fn ukrainian() -> CardView {
    card(
        "uk",
        "ltr",
        "Перевірка фактів: мирні переговори",
        UKRAINIAN_CLAIM,
        "Неназваний американський посадовець",
        "Маніпуляція",
    )
}

fn arabic() -> CardView {
    card("ar", "rtl", "تدقيق الحقائق: محادثات السلام", ARABIC_CLAIM, "مسؤول أمريكي لم يذكر اسمه", "مضلل")
}

fn draw(view: &CardView) -> Vec<u8> {
    let theme = load_theme(Path::new("/nonexistent-site"), "default").expect("the built-in theme loads");
    draw_card(&theme, view).unwrap_or_else(|e| panic!("cannot draw: {e}"))
}

/// With `VERDICT_BLESS=1`, writes the README's card pictures; otherwise
/// checks they are what the current code draws.
fn readme_picture(name: &str, png_bytes: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots").join(name);
    if std::env::var("VERDICT_BLESS").is_ok_and(|v| v == "1") {
        fs::write(&path, png_bytes).unwrap();
    }
    let committed = fs::read(&path).unwrap_or_default();
    assert!(committed == png_bytes, "{} is not what the card code draws: run with VERDICT_BLESS=1", path.display());
}

#[test]
fn every_claim_page_has_a_1200_by_630_png_card() {
    let site = share_site();
    verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let files = read_tree_bytes(&site.public());
    let cards: Vec<&String> = files.keys().filter(|p| p.ends_with("/card.png")).collect();
    assert_eq!(cards, ["claims/agreed/card.png", "claims/long/card.png"]);
    for path in cards {
        let picture = decode(&files[path]);
        assert_eq!((picture.width, picture.height), (1200, 630), "{path}");
        let ink = picture.ink(0, 0, 1200, 630).len();
        assert!(ink > 20_000, "{path}: only {ink} dark pixels, the text is missing");
    }
}

#[test]
fn an_english_card_reads_back_by_ocr() {
    let site = share_site();
    verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let png_bytes = fs::read(site.public().join("claims/agreed/card.png")).unwrap();
    let text = ocr(&png_bytes, "eng");
    let words: Vec<String> =
        text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
    for expected in ["misleading", "ukrainians", "agreed", "peace", "deal", "unnamed", "official", "talks", "check"] {
        assert!(words.iter().any(|w| w == expected), "OCR did not read `{expected}` in:\n{text}");
    }
}

#[test]
fn a_long_claim_is_shortened_at_a_word_with_an_ellipsis_and_stays_on_the_card() {
    let site = share_site();
    verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let picture = decode(&fs::read(site.public().join("claims/long/card.png")).unwrap());
    // Nothing is drawn in the margins beside the text (the verdict bar is at x < 16).
    assert!(picture.ink(16, 0, 60, 630).is_empty(), "ink in the start margin");
    assert!(picture.ink(1140, 0, 1200, 630).is_empty(), "ink in the end margin: a line ran off the card");
    let text = ocr(&fs::read(site.public().join("claims/long/card.png")).unwrap(), "eng");
    assert!(text.contains('…') || text.contains("..."), "no ellipsis read:\n{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains('…') || l.contains("...")).collect();
    let last_word = lines[0].trim_end_matches(['…', '.']).split_whitespace().last().unwrap_or_default();
    let words = "every word of this claim is here to make it far too long for a share card so that the card must shorten it at a word boundary and end with an ellipsis instead of running off the edge";
    assert!(
        words.split(' ').any(|w| w == last_word.to_lowercase().trim_matches(|c: char| !c.is_alphanumeric())),
        "the line before the ellipsis ends with `{last_word}`, not a whole word:\n{text}"
    );
}

#[test]
fn ukrainian_and_arabic_cards_are_drawn_with_the_themes_fonts() {
    for view in [ukrainian(), arabic()] {
        for text in [&view.claim, &view.speaker, &view.site_title, &view.verdict.label] {
            assert_eq!(fonts().uncovered(text), Vec::<char>::new(), "no card font has a glyph for part of {text}");
        }
    }
    let (en, uk, ar) = (draw(&english()), draw(&ukrainian()), draw(&arabic()));
    assert!(en != uk && en != ar && uk != ar);
    for png_bytes in [&en, &uk, &ar] {
        let picture = decode(png_bytes);
        assert_eq!((picture.width, picture.height), (1200, 630));
    }
    readme_picture("card-en.png", &en);
    readme_picture("card-uk.png", &uk);
    readme_picture("card-ar.png", &ar);
}

#[test]
fn a_ukrainian_card_reads_back_in_ukrainian() {
    let text = ocr(&draw(&ukrainian()), "ukr");
    let lower = text.to_lowercase();
    for expected in ["маніпуляція", "українці", "погодилися", "мирну", "угоду", "посадовець", "переговори"]
    {
        assert!(lower.contains(expected), "OCR did not read `{expected}` in:\n{text}");
    }
}

#[test]
fn an_arabic_card_is_shaped_and_right_to_left() {
    let shaped = decode(&draw(&arabic()));
    // The same words with a zero-width non-joiner between every two letters:
    // each letter then stands alone, as it would if nothing shaped the text.
    let apart: String = ARABIC_CLAIM.chars().flat_map(|c| [c, '\u{200C}']).collect();
    let unshaped = decode(&draw(&CardView { claim: apart, ..arabic() }));
    let claim_area = (60, 190, 1140, 500);
    let changed = shaped.difference(&unshaped, claim_area.0, claim_area.1, claim_area.2, claim_area.3);
    assert!(changed > 0.02, "joined and unjoined letters look the same ({changed:.3} of pixels differ)");

    // Right to left: the claim's lines end at the right margin, and the
    // English card's start at the left one.
    let ink = shaped.ink(claim_area.0, claim_area.1, claim_area.2, claim_area.3);
    let (left, right) = (ink.iter().map(|p| p.0).min().unwrap(), ink.iter().map(|p| p.0).max().unwrap());
    assert!(right > 1100 && left > 110, "Arabic claim spans x {left}..{right}: not aligned right");
    let english = decode(&draw(&english()));
    let ink = english.ink(claim_area.0, claim_area.1, claim_area.2, claim_area.3);
    assert!(ink.iter().map(|p| p.0).min().unwrap() < 90, "the English claim starts at the left margin");

    // Read back: the words, in order.
    let text = ocr(&draw(&arabic()), "ara");
    let words: Vec<&str> = text.split_whitespace().collect();
    let position = |word: &str| words.iter().position(|w| w.contains(word));
    let (first, last) = (position("الأوكرانيون"), position("السلام"));
    assert!(first.is_some() && last.is_some() && first < last, "OCR read the Arabic claim as:\n{text}");
}

#[test]
fn cards_are_byte_identical_from_build_to_build_and_reused_from_the_cache() {
    let site = share_site();
    let build = |site: &TestSite| verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let cold = build(&site);
    let first = read_tree_bytes(&site.public());
    let cache = site.path(".verdict-cache/cards");
    let entries: BTreeMap<String, Vec<u8>> = read_tree_bytes(&cache);
    assert_eq!(entries.len(), 2, "one cache entry per card: {:?}", entries.keys());
    for (name, bytes) in &entries {
        assert!(name.len() == 36 && name.ends_with(".png"), "{name}");
        assert!(first.values().any(|b| b == bytes), "{name} is not one of the built cards");
    }

    // Nothing changed: the rebuild renders nothing, so no card is drawn or even read.
    let unchanged = build(&site);
    assert_eq!((unchanged.rendered, unchanged.changed), (0, 0), "{unchanged:?}");

    // A cached card is used as it is: replace one entry, then make a change
    // that renders every page again (a template that card.svg does not name),
    // and the build copies the entry.
    let (name, original) = entries.iter().next().unwrap();
    let marked = [original.as_slice(), b"marker"].concat();
    fs::write(cache.join("marked"), &marked).unwrap();
    fs::rename(cache.join("marked"), cache.join(name)).unwrap();
    fs::write(cache.join("00000000000000000000000000000000.png"), b"\x89PNG\r\n\x1a\nstale").unwrap();
    site.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}Gone.{% endblock content %}");
    let full = build(&site);
    assert_eq!(full.rendered, cold.rendered, "not a full render: {full:?}");
    let second = read_tree_bytes(&site.public());
    assert!(second.values().any(|b| *b == marked), "the cached card was not used");
    assert!(!cache.join("00000000000000000000000000000000.png").exists(), "an unused entry is pruned");

    // The cache is safe to delete: the cards are drawn again, byte for byte.
    fs::remove_dir_all(site.path(".verdict-cache")).unwrap();
    build(&site);
    let third = read_tree_bytes(&site.public());
    for path in first.keys().filter(|p| p.ends_with("card.png")) {
        assert!(first[path] == third[path], "{path} differs from the first build");
    }
    assert_eq!(read_tree_bytes(&cache).len(), 2);
}

/// Builds the site and returns the share cards of the output, by path.
fn built_cards(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    read_tree_bytes(&site.public()).into_iter().filter(|(path, _)| path.ends_with("/card.png")).collect()
}

/// A card in the output is the cache's file under a second name (a hard
/// link): a build into a new folder creates no file for a card it did not
/// draw, and the card keeps the bytes and time it was drawn with.
#[cfg(unix)]
#[test]
fn a_cached_card_is_hard_linked_into_a_new_output_folder_not_copied() {
    use std::os::unix::fs::MetadataExt;
    let site = share_site();
    let drawn = built_cards(&site);
    let cards: Vec<&String> = drawn.keys().collect();
    assert_eq!(cards.len(), 2, "{cards:?}");
    let cache = site.path(".verdict-cache/cards");
    let entries: BTreeMap<u64, std::path::PathBuf> = fs::read_dir(&cache)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (fs::metadata(&path).unwrap().ino(), path)
        })
        .collect();

    // A new output folder, the cache kept.
    fs::remove_dir_all(site.public()).unwrap();
    let fresh = verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(fresh.changed > 0, "{fresh:?}");
    for card in &cards {
        let output = site.public().join(card);
        let metadata = fs::metadata(&output).unwrap();
        let entry = entries.get(&metadata.ino()).unwrap_or_else(|| panic!("{card} is not a cache entry's file"));
        assert_eq!(fs::metadata(entry).unwrap().modified().unwrap(), metadata.modified().unwrap());
        assert!(fs::read(&output).unwrap() == drawn[*card], "{card} has other bytes than the card drawn first");
    }
    // Pages are written, not linked.
    let page = fs::metadata(site.public().join(cards[0].replace("card.png", "index.html"))).unwrap();
    assert!(!entries.contains_key(&page.ino()));

    // Deleting the cache leaves the output's cards whole (a link is a name, not the file).
    fs::remove_dir_all(site.path(".verdict-cache")).unwrap();
    for card in &cards {
        assert!(fs::read(site.public().join(card)).unwrap() == drawn[*card], "{card} lost its bytes");
    }
}

/// A card in the output that is a copy of the cache's file, not a link to
/// it (copied by a deploy tool, or built where links fail), is compared by
/// its bytes: a full render leaves it untouched, and a card whose bytes
/// differ is replaced by the cache's.
#[cfg(unix)]
#[test]
fn a_card_copied_in_the_output_is_compared_by_its_bytes() {
    use std::os::unix::fs::MetadataExt;
    let site = share_site();
    let drawn = built_cards(&site);
    let cards: Vec<&String> = drawn.keys().collect();
    let (copied, spoiled) = (site.public().join(cards[0]), site.public().join(cards[1]));
    for (card, bytes) in [(&copied, drawn[cards[0]].clone()), (&spoiled, b"\x89PNG\r\n\x1a\nnot this card".to_vec())] {
        let copy = card.with_extension("copy");
        fs::write(&copy, bytes).unwrap();
        fs::rename(&copy, card).unwrap();
    }
    let copied_before = fs::metadata(&copied).unwrap();
    // Without the build state every file is rendered again, each card taken from the cache unread.
    for entry in fs::read_dir(site.path(".verdict-cache")).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("build-") {
            fs::remove_file(path).unwrap();
        }
    }
    verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let copied_after = fs::metadata(&copied).unwrap();
    assert_eq!(copied_before.ino(), copied_after.ino(), "the same bytes: the copy stays");
    assert_eq!(copied_before.modified().unwrap(), copied_after.modified().unwrap());
    assert!(fs::read(&spoiled).unwrap() == drawn[cards[1]], "other bytes: the card is the cache's again");
}

#[test]
fn a_card_shows_its_claims_words_so_an_edit_redraws_it_and_a_template_edit_redraws_all() {
    let site = share_site();
    let before = built_cards(&site);
    let text = fs::read_to_string(site.path("content/claims/agreed.md")).unwrap();
    site.write("content/claims/agreed.md", &text.replace("peace deal", "ceasefire"));
    let edited = built_cards(&site);
    assert!(edited["claims/agreed/card.png"] != before["claims/agreed/card.png"]);
    assert!(edited["claims/long/card.png"] == before["claims/long/card.png"]);

    let default_template =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/card.svg")).unwrap();
    site.write("templates/card.svg", &default_template.replace("#fdfcfa", "#e8f0ff"));
    let restyled = built_cards(&site);
    for (path, bytes) in &restyled {
        assert!(*bytes != edited[path], "{path} was not redrawn after the template changed");
        let [r, g, b, _] = decode(bytes).pixels[600 * 1200 + 1100];
        assert_eq!([r, g, b], [0xe8, 0xf0, 0xff], "{path} does not have the new background");
    }
    assert_eq!(read_tree_bytes(&site.path(".verdict-cache/cards")).len(), 2, "the old cards were pruned");
}

/// Modification time and inode of every share file of `slugs` in the output.
fn share_stamps(site: &TestSite, slugs: &[&str]) -> BTreeMap<String, (std::time::SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let mut stamps = BTreeMap::new();
    for slug in slugs {
        for file in ["card.png", "embed/index.html", "oembed.json"] {
            let path = format!("claims/{slug}/{file}");
            let metadata = fs::metadata(site.public().join(&path)).unwrap();
            stamps.insert(path, (metadata.modified().unwrap(), metadata.ino()));
        }
    }
    stamps
}

#[test]
fn an_incremental_build_renders_a_claims_share_files_only_when_its_card_changed() {
    let site = share_site();
    let build = |site: &TestSite| verdict::build(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    build(&site);
    let before = share_stamps(&site, &["agreed", "long"]);
    let cache = site.path(".verdict-cache/cards");
    // Mark the cached cards: a card taken from the cache would now change in
    // the output. Entries are replaced, as the cache replaces them: an entry
    // and the output's card are one file, so writing into it would change both.
    for (name, bytes) in read_tree_bytes(&cache) {
        fs::write(cache.join("marked"), [bytes.as_slice(), b"marker"].concat()).unwrap();
        fs::rename(cache.join("marked"), cache.join(name)).unwrap();
    }

    // The analysis alone: of the pages and share files, only the claim page is
    // rendered, and of the files generated from the whole site only the feeds
    // (the only ones that show a body); no card is drawn or read.
    let text = fs::read_to_string(site.path("content/claims/agreed.md")).unwrap();
    site.write("content/claims/agreed.md", &text.replace("The analysis.", "The analysis, with one more sentence."));
    let body_edit = build(&site);
    assert_eq!(body_edit.rendered, 1 + verdict::render::FEED_PATHS.len(), "{body_edit:?}");
    assert_eq!(share_stamps(&site, &["agreed", "long"]), before, "a share file was rewritten");

    // The claim's words: its card, embed page and oEmbed response are rendered
    // again (the card drawn anew), the other claim's are left alone.
    let text = fs::read_to_string(site.path("content/claims/agreed.md")).unwrap();
    site.write("content/claims/agreed.md", &text.replace("peace deal", "ceasefire"));
    build(&site);
    let after = share_stamps(&site, &["agreed", "long"]);
    for (path, stamp) in &before {
        assert_eq!(stamp == &after[path], path.starts_with("claims/long/"), "{path}");
    }
    let card = fs::read(site.public().join("claims/agreed/card.png")).unwrap();
    assert!(!card.ends_with(b"marker"), "the edited claim's card came from the cache");
    assert!(fs::read_to_string(site.public().join("claims/agreed/oembed.json")).unwrap().contains("ceasefire"));
}

#[test]
fn card_template_errors_name_the_template() {
    let site = share_site();
    site.write("templates/card.svg", "<svg>{{ fit_text(text=card.claim) }}</svg>");
    let problems = site.errors();
    let problem = &problems[0];
    assert!(problem.path.ends_with("templates/card.svg"), "{}", list(&problems));
    assert!(problem.message.contains("cannot draw claims/agreed/card.png"), "{}", problem.message);
    assert!(problem.message.contains("fit_text: give the box `width`"), "{}", problem.message);

    site.write("templates/card.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>{{ card.claim }}</svg>");
    let problems = site.errors();
    assert!(problems[0].path.ends_with("templates/card.svg"), "{}", list(&problems));
    assert!(problems[0].message.contains("card.svg did not produce valid SVG"), "{}", problems[0].message);
}

#[test]
fn claim_pages_announce_their_card_and_their_embed() {
    let outputs = share_site().build();
    let page = &outputs["claims/agreed/index.html"];
    let meta = |marker: &str| attribute(page, marker, "content");
    let card = "https://checks.example.org/talks/claims/agreed/card.png";
    assert_eq!(meta("property=\"og:image\"").as_deref(), Some(card));
    assert_eq!(meta("property=\"og:image:width\"").as_deref(), Some("1200"));
    assert_eq!(meta("property=\"og:image:height\"").as_deref(), Some("630"));
    assert_eq!(
        meta("property=\"og:image:alt\"").as_deref(),
        Some(format!("Misleading: “{ENGLISH_CLAIM}” — Unnamed US official. Peace Talks Fact Check").as_str())
    );
    assert_eq!(meta("name=\"twitter:card\"").as_deref(), Some("summary_large_image"));
    assert_eq!(page.matches("property=\"og:image\"").count(), 1, "one og:image");
    assert_eq!(
        attribute(page, "type=\"application/json+oembed\"", "href").as_deref(),
        Some("https://checks.example.org/talks/claims/agreed/oembed.json")
    );
    assert_eq!(attribute(page, "type=\"application/json+oembed\"", "title").as_deref(), Some(ENGLISH_CLAIM));
    // The visible embed box: a labelled, read-only text area with the iframe code, escaped.
    assert!(page.contains("<summary>Embed this fact check</summary>"), "{page}");
    assert!(page.contains("<label for=\"embed-code\">"));
    let code = page.split("<textarea id=\"embed-code\"").nth(1).and_then(|t| t.split("</textarea>").next()).unwrap();
    assert!(code.contains(" readonly"), "{code}");
    assert!(
        code.contains(
            "&lt;iframe src=&quot;https://checks.example.org/talks/claims/agreed/embed/&quot; width=&quot;600&quot;"
        ),
        "{code}"
    );
    // Other pages keep the plain summary card.
    assert_eq!(attribute(&outputs["index.html"], "name=\"twitter:card\"", "content").as_deref(), Some("summary"));
}

#[test]
fn oembed_json_is_a_rich_oembed_1_0_response_for_the_embed() {
    let outputs = share_site().build();
    let json: serde_json::Value = serde_json::from_str(&outputs["claims/agreed/oembed.json"]).expect("JSON");
    let base = "https://checks.example.org/talks/";
    assert_eq!(json["type"], "rich");
    assert_eq!(json["version"], "1.0");
    assert_eq!(json["title"], ENGLISH_CLAIM);
    assert_eq!(json["provider_name"], "Peace Talks Fact Check");
    assert_eq!(json["provider_url"], base);
    assert_eq!(json["author_name"], "Verdict Desk");
    assert_eq!(json["width"], 600);
    assert_eq!(json["height"], 440);
    assert_eq!(json["thumbnail_url"], format!("{base}claims/agreed/card.png"));
    assert_eq!(json["thumbnail_width"], 1200);
    assert_eq!(json["thumbnail_height"], 630);
    let html = json["html"].as_str().unwrap();
    assert!(
        html.starts_with(&format!("<iframe src=\"{base}claims/agreed/embed/\" width=\"600\" height=\"440\"")),
        "{html}"
    );
    assert!(html.contains(&format!("title=\"Fact check: {ENGLISH_CLAIM}\"")), "{html}");
    assert!(html.ends_with("></iframe>"), "{html}");
    // The claim page's box shows the same code.
    let page = &outputs["claims/agreed/index.html"];
    assert!(page.contains(&html.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")));
}

#[test]
fn the_embed_page_is_the_card_alone_not_indexed_and_links_the_top_window() {
    let outputs = share_site().build();
    let embed = &outputs["claims/agreed/embed/index.html"];
    assert!(embed.contains("<meta name=\"robots\" content=\"noindex\">"), "{embed}");
    for absent in ["class=\"masthead\"", "<nav", "site-footer", "<script"] {
        assert!(!embed.contains(absent), "the embed has {absent}");
    }
    for shown in [
        "Misleading",
        ENGLISH_CLAIM,
        "Unnamed US official",
        "White House aide",
        "Kyiv backed a framework, not a final deal.",
    ] {
        assert!(embed.contains(shown), "the embed lacks {shown}");
    }
    assert!(
        embed.contains(
            "<a href=\"https://checks.example.org/talks/claims/agreed/\" target=\"_top\">Read the full fact check"
        ),
        "{embed}"
    );
    let links = links(embed);
    assert!(links.iter().any(|l| l.ends_with("/style.css") || l.contains("/style.css?v=")), "styled by the theme");
    let sitemap = &outputs["sitemap.xml"];
    assert!(sitemap.contains("claims/agreed/</loc>"));
    for absent in ["embed/", "card.png", "oembed.json"] {
        assert!(!sitemap.contains(absent), "the sitemap lists {absent}");
    }
}

#[test]
fn every_page_declares_an_icon_that_the_output_has() {
    let site = share_site();
    let outputs = site.build();
    let pages: Vec<(&String, &String)> = outputs.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(pages.len() > 10);
    for (path, html) in pages {
        let icons: Vec<String> = html
            .split("<link rel=\"icon\"")
            .skip(1)
            .filter_map(|tag| tag.split("href=\"").nth(1)?.split('"').next().map(str::to_string))
            .collect();
        assert_eq!(icons, ["/talks/favicon.svg", "/talks/favicon.png"], "{path}");
    }
    assert!(outputs["favicon.svg"].starts_with("<svg"));
    let icon = decode(&fs::read(site.public().join("favicon.png")).unwrap());
    assert_eq!((icon.width, icon.height), (48, 48));
}

#[test]
fn a_site_icon_in_static_replaces_the_themes() {
    let site = share_site();
    site.write("static/favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><title>ours</title></svg>");
    let outputs = site.build();
    assert!(outputs["favicon.svg"].contains("<title>ours</title>"));
    assert!(outputs["index.html"].contains("<link rel=\"icon\" href=\"/talks/favicon.svg\""));
}
