// A command-line tool: printing is its job.
#![allow(clippy::print_stdout)]
//! Times the stages of a build of a site (load, model, render) without
//! writing anything: `cargo run --release --example model_timing -- DIR`.
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: model_timing DIR"));
    let t = Instant::now();
    let loaded = verdict::load::load(&root);
    let loaded = loaded.site.expect("site.yaml loads");
    println!("load: {:?}", t.elapsed());
    for _ in 0..3 {
        let t = Instant::now();
        let site = verdict::model::build_site(&loaded, &Default::default()).expect("valid site");
        println!("model: {:?} ({} claims, {} sources)", t.elapsed(), site.claims.len(), site.sources.len());
        let t = Instant::now();
        let snapshot = verdict::render::graph::snapshot::Snapshot::of(&site);
        println!("snapshot: {:?}", t.elapsed());
        let t = Instant::now();
        let _ = verdict::render::graph::plan(&snapshot, &site, &Default::default());
        println!("plan (snapshot included): {:?}", t.elapsed());
        let t = Instant::now();
        let urls = verdict::render::views::Urls::new(&site);
        let files = verdict::render::search::search_outputs(&site, &urls);
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        println!("search index: {:?} ({} files, {} KB)", t.elapsed(), files.len(), bytes / 1024);
        let t = Instant::now();
        drop(site);
        println!("drop: {:?}", t.elapsed());
    }
}
