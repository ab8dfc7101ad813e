//! A build killed at any moment (SIGKILL: no cleanup runs) leaves the output
//! holding the old site or the new one, whole, never a mix; the next build
//! clears whatever the killed one left behind.
//!
//! The kill moments are spread over the whole build by a seeded generator;
//! whatever the moment, the assertions are the same, so the test does not
//! depend on how fast the machine is.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use common::*;

const BINARY: &str = env!("CARGO_BIN_EXE_verdict");

fn claims(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let text = claim("Jane Doe", if i % 2 == 0 { "true" } else { "false" }, "2025-01-01", "")
                + &format!("\nAnalysis of claim {i}.\n\n```rust\nfn main() {{ println!(\"{i}\"); }}\n```\n");
            (format!("content/claims/claim-{i:03}.md"), text)
        })
        .collect()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree_bytes(dir)
}

/// Entries of the site root other than the site's own files and the output.
fn leftovers(site: &TestSite) -> Vec<String> {
    let mut found: Vec<String> = fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !["site.yaml", "content", "public", ".verdict-cache"].contains(&name.as_str()))
        .collect();
    found.extend(fs::read_dir(site.dir.path()).unwrap().flatten().filter_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        (name != "site").then_some(name)
    }));
    found
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_old_site_or_the_new_one() {
    let files = claims(40);
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let site = TestSite::with_config(&refs);
    let config = fs::read_to_string(site.path("site.yaml")).unwrap();
    let old_config = config.clone();
    // A new title changes every page: the most files a build can rewrite.
    let new_config = config.replacen("title: ", "title: New ", 1);
    assert_ne!(old_config, new_config);

    // The two complete sites, and how long a build takes here.
    let build = |yaml: &str| {
        site.write("site.yaml", yaml);
        let started = Instant::now();
        let run = site.cli(&["build"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        started.elapsed()
    };
    build(&new_config);
    let new_site = tree(&site.public());
    let duration = build(&old_config);
    let old_site = tree(&site.public());
    assert_ne!(old_site, new_site);

    let mut seed: u64 = 0x5eed_1234;
    let mut outcomes = BTreeMap::new();
    for round in 0..10 {
        // Start from the old site, then kill a build of the new one.
        if tree(&site.public()) != old_site {
            build(&old_config);
        }
        site.write("site.yaml", &new_config);
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let delay = duration.mul_f64(1.2 * ((seed >> 33) as f64 / (1u64 << 31) as f64));
        let mut child = Command::new(BINARY)
            .args(["build"])
            .current_dir(&site.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();

        let now = tree(&site.public());
        let which = if now == old_site {
            "old"
        } else if now == new_site {
            "new"
        } else {
            let differing: Vec<_> = now.keys().filter(|k| now.get(*k) != old_site.get(*k)).take(5).collect();
            panic!("round {round} (killed after {delay:?}, {status}): the output is a mix: {differing:?}");
        };
        *outcomes.entry(which).or_insert(0usize) += 1;

        // The next build finishes the job and leaves nothing behind.
        build(&new_config);
        assert_eq!(tree(&site.public()), new_site, "round {round}");
        assert!(leftovers(&site).is_empty(), "round {round}: left behind: {:?}", leftovers(&site));
        site.write("site.yaml", &old_config);
    }
    // Which side of the swap the kills landed on depends on the machine's
    // speed, so it is not asserted; every outcome was checked above.
    assert_eq!(outcomes.values().sum::<usize>(), 10, "{outcomes:?}");
}
