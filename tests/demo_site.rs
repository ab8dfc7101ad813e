//! The demo site at the top of the repository: it builds, the committed
//! `public/` is exactly what the current code produces, it passes its own
//! checks, and every page passes the W3C Nu HTML checker.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (relative, fs::read(e.path()).unwrap())
        })
        .collect()
}

fn build_demo(into: &Path) -> verdict::BuildSummary {
    let options = verdict::BuildOptions { root: repo(), output: Some(into.to_path_buf()), ..Default::default() };
    verdict::build(&options).unwrap_or_else(|e| panic!("demo site failed to build: {e:?}"))
}

#[test]
fn demo_site_has_at_least_twelve_claims_and_the_transparency_pages() {
    let out = tempfile::tempdir().unwrap();
    let summary = build_demo(&out.path().join("public"));
    let files = tree(&out.path().join("public"));
    let claims = files
        .keys()
        .filter(|k| k.starts_with("claims/") && k.ends_with("/index.html") && k.matches('/').count() == 2)
        .count();
    assert!(claims >= 12, "only {claims} claim pages");
    for page in ["methodology/index.html", "corrections-policy/index.html"] {
        assert!(files.contains_key(page), "demo lacks {page}");
    }
    assert_eq!(summary.pages, files.keys().filter(|k| k.ends_with(".html")).count());
}

/// `public/` is committed so the repository can be published as it is; it must
/// be what the current code and content produce, byte for byte.
#[test]
fn committed_public_folder_is_up_to_date() {
    let out = tempfile::tempdir().unwrap();
    build_demo(&out.path().join("public"));
    let fresh = tree(&out.path().join("public"));
    let committed = tree(&repo().join("public"));
    let stale: Vec<_> = fresh.iter().filter(|(k, v)| committed.get(*k) != Some(v)).map(|(k, _)| k.as_str()).collect();
    let extra: Vec<_> = committed.keys().filter(|k| !fresh.contains_key(*k)).map(String::as_str).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "public/ is out of date (run `cargo run -- build`): changed or missing {stale:?}, no longer produced {extra:?}"
    );
}

#[test]
fn demo_site_passes_check() {
    let warnings = verdict::check(&verdict::BuildOptions { root: repo(), ..Default::default() })
        .expect("check fails on the demo site");
    assert!(warnings.is_empty(), "{warnings:#?}");
}

/// The W3C Nu HTML checker (npm `vnu-jar`, run with the machine's Java) must
/// find zero errors in every page of the demo site.
#[test]
fn demo_site_passes_the_nu_html_checker() {
    let jar = repo().join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(jar.is_file(), "{} is missing: run `npm ci` (scripts/test does it)", jar.display());
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    build_demo(&public);
    let html_files = tree(&public).keys().filter(|k| k.ends_with(".html")).count();
    assert!(html_files > 50, "{html_files} pages");
    // The Ukrainian pages are checked with the English ones.
    let ukrainian = tree(&public).keys().filter(|k| k.starts_with("uk/") && k.ends_with(".html")).count();
    assert!(ukrainian > 50, "{ukrainian} Ukrainian pages");
    let result = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--errors-only", "--format", "text"])
        .arg(&public)
        .output()
        .expect("java runs (install a JRE: apt-get install default-jre-headless)");
    let report = String::from_utf8_lossy(&result.stderr).into_owned() + &String::from_utf8_lossy(&result.stdout);
    // With --format text, vnu starts each error line with `Error:` and ends
    // with this line when there are none; its exit status is 1 on any error.
    let errors: Vec<&str> =
        report.lines().filter(|l| l.starts_with("Error:") || l.starts_with("Fatal Error:")).collect();
    assert!(result.status.success() && errors.is_empty(), "Nu HTML checker found errors:\n{report}");
    assert!(report.contains("No errors found"), "unexpected checker output:\n{report}");
}
