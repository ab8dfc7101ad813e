// A command-line tool: printing is its job.
#![allow(clippy::print_stdout)]
//! Times rendering alone, by kind of page, on one thread, writing nothing:
//! `cargo run --release --example render_timing -- DIR`. Tells where the
//! render stage's time goes before anyone guesses.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use verdict::render::{all_pages, PageId, Renderer};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn kind(id: PageId) -> &'static str {
    match id {
        PageId::Claim(_) => "claim page",
        PageId::Home => "home",
        PageId::ClaimList(_) | PageId::Speaker(..) | PageId::Verdict(..) | PageId::Topic(..) | PageId::Source(..) => {
            "list of claim cards"
        }
        _ => "other",
    }
}

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: render_timing DIR"));
    let loaded = verdict::load::load(&root).site.expect("site.yaml loads");
    let site = verdict::model::build_site(&loaded, &Default::default()).expect("valid site");
    let theme = verdict::render::theme::load_theme(&site.root, &site.config.theme).expect("theme loads");
    let renderer = Renderer::new(&site, &theme);
    let mut by_kind: BTreeMap<&str, (usize, Duration, usize)> = BTreeMap::new();
    for id in all_pages(&site) {
        let t = Instant::now();
        let bytes = renderer.render_page(id).map(|o| o.bytes.len()).unwrap_or(0);
        let entry = by_kind.entry(kind(id)).or_default();
        entry.0 += 1;
        entry.1 += t.elapsed();
        entry.2 += bytes;
    }
    for (kind, (pages, time, bytes)) in by_kind {
        println!("{kind:>20}: {pages:>6} pages, {time:>10.2?}, {:>6} KB", bytes / 1024);
    }
    // The parts of a claim page that are not its template.
    let t = Instant::now();
    let html: usize = site.claims.iter().map(|c| verdict::render::markdown::render(&c.body).html.len()).sum();
    println!("{:>20}: {:>10.2?}, {:>6} KB", "  of which Markdown", t.elapsed(), html / 1024);
    let t = Instant::now();
    let json: usize = site
        .claims
        .iter()
        .map(|c| {
            verdict::render::jsonld::script_safe(&verdict::render::jsonld::claim_review(&site, &renderer.urls, c)).len()
        })
        .sum();
    println!("{:>20}: {:>10.2?}, {:>6} KB", "  of which JSON-LD", t.elapsed(), json / 1024);
    time_site_files(&site, &renderer);
}

/// The files generated from the whole site (feeds, search, sitemap, open
/// data), which every build that changes anything makes again.
fn time_site_files(site: &verdict::model::Site, renderer: &Renderer) {
    use verdict::render::{feeds, opendata, search};
    let urls = &renderer.urls;
    let versions = verdict::render::languages::Versions::of(site);
    let parts: [(&str, &dyn Fn() -> usize); 7] = [
        ("atom feed", &|| feeds::atom_feed(site, urls).len()),
        ("search-index.json", &|| feeds::search_index(site, urls).len()),
        ("search shards", &|| search::search_outputs(site, urls).iter().map(|o| o.bytes.len()).sum()),
        ("sitemap", &|| feeds::sitemap(site, &versions).len()),
        ("claims.json", &|| opendata::claims_json(site, urls).len()),
        ("claims.csv", &|| opendata::claims_csv(site, urls).len()),
        ("corrections feed", &|| feeds::corrections_feed(site, urls).len()),
    ];
    for (name, make) in parts {
        let t = Instant::now();
        let bytes = make();
        println!("{name:>20}: {:>10.2?}, {:>6} KB", t.elapsed(), bytes / 1024);
    }
}
