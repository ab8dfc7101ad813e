// A command-line tool: printing is its job.
#![allow(clippy::print_stdout)]
//! What one share card costs: `cargo run --release --example card_cost -- [N]`.
//!
//! Draws N cards (default 200) of claims of varied lengths with the built-in
//! theme, and times each step: the cache key, which every card pays; then,
//! which only a card not in the cache pays, rendering `card.svg` (with
//! `fit_text`, which shapes every word), laying out and rasterising the SVG
//! and encoding the PNG. Prints the median and the mean per card.
use std::path::Path;
use std::time::{Duration, Instant};

use verdict::render::card::cache::CardCache;
use verdict::render::card::{card_svg, rasterize, CardVerdict, CardView};

const WORDS: &[&str] = &[
    "the",
    "peace",
    "plan",
    "was",
    "agreed",
    "by",
    "both",
    "delegations",
    "in",
    "Geneva",
    "after",
    "five",
    "hours",
    "of",
    "talks",
    "and",
    "Ukraine",
    "will",
    "cap",
    "its",
    "army",
    "at",
    "600,000",
    "troops",
    "while",
    "Russia",
    "keeps",
    "the",
    "territory",
    "it",
    "holds",
    "today",
];

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let theme = verdict::render::theme::load_theme(Path::new("/nonexistent-site"), "default").expect("theme");
    let started = Instant::now();
    verdict::render::card::fonts::fonts();
    println!("fonts loaded once: {:?}", started.elapsed());
    let (mut key, mut template, mut draw, mut sizes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let length = 4 + (i * 7) % 40;
        let claim: Vec<&str> = (0..length).map(|w| WORDS[(i + w * 3) % WORDS.len()]).collect();
        let card = CardView {
            lang: "en".into(),
            dir: "ltr",
            site_title: "Peace Talks Fact Check".into(),
            claim: claim.join(" "),
            speaker: format!("Speaker {i}"),
            speaker_role: Some("Minister of Foreign Affairs".into()),
            verdict: CardVerdict {
                key: "false".into(),
                label: "False".into(),
                color: "#a11d2b".into(),
                text_color: "#ffffff".into(),
                ink: "#a11d2b".into(),
            },
        };
        let t = Instant::now();
        let _key = CardCache::key(&serde_json::to_vec(&card).expect("JSON"), theme.card_digest);
        key.push(t.elapsed());
        let t = Instant::now();
        let svg = card_svg(&theme, &card).expect("card.svg renders");
        template.push(t.elapsed());
        let t = Instant::now();
        let png = rasterize(&svg).expect("card draws");
        draw.push(t.elapsed());
        sizes.push(png.len());
    }
    report("cache key (every card)", &mut key);
    report("card.svg with fit_text (a card not in the cache)", &mut template);
    report("layout, raster and PNG (a card not in the cache)", &mut draw);
    println!("PNG size: mean {} KB", sizes.iter().sum::<usize>() / sizes.len().max(1) / 1024);
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
    println!("{what}: median {:.2} ms, mean {:.2} ms", ms(times[times.len() / 2]), ms(mean));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
