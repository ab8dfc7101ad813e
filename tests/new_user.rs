//! A new user's first steps, followed to the letter: `verdict init`, `verdict
//! new`, `verdict check --deny-warnings`, `verdict build`. Each test is named
//! after what a new user met before it was fixed.

mod common;

use std::fs;

use common::*;

#[test]
fn a_site_fresh_from_init_passes_check_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_cli(dir.path(), &["init", "newsite"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let run = run_cli(dir.path(), &["check", "--root", "newsite", "--deny-warnings"]);
    assert_eq!(run.code, 0, "the starter site has warnings:\n{}", run.stderr);
    assert_eq!(run.stdout, "no errors (0 warnings)\n");
}

#[test]
fn the_site_yaml_of_init_points_to_the_content_reference() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "s"]).code, 0);
    let config = fs::read_to_string(dir.path().join("s/site.yaml")).unwrap();
    assert!(config.lines().any(|l| l.starts_with('#') && l.contains("docs/CONTENT.md")), "{config}");
    let reference = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CONTENT.md");
    assert!(reference.is_file(), "site.yaml names a file the repository does not have");
}

/// `new claim` stubs `publisher: ""`; the warning named that empty publisher
/// as "every source of this fact check is from one publisher ()".
#[test]
fn a_claim_stub_never_warns_about_an_empty_publisher() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "s"]).code, 0);
    assert_eq!(run_cli(dir.path(), &["new", "claim", "fresh", "--root", "s"]).code, 0);
    let run = run_cli(dir.path(), &["check", "--root", "s", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("()"), "an empty name in a message:\n{}", run.stderr);
    assert!(!run.stderr.contains("one publisher"), "no publisher is named, so none is the only one:\n{}", run.stderr);
}

/// The README says a slug may hold letters, digits, `-`, `_` and `.`;
/// `new claim` refused `_` and `.` and said "lowercase letters, digits and `-`".
#[test]
fn new_claim_accepts_every_slug_the_readme_allows() {
    let site = TestSite::with_config(&[]);
    let help = site.cli(&["new", "claim", "--help"]);
    assert!(help.stdout.contains("letters, digits, `-`, `_` and `.`"), "{}", help.stdout);
    let readme = fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains("letters, digits, `-`, `_` and `.`"), "the README says the same");
    for slug in ["claim_01.v2", "Budget-2025", "a.b-c_d"] {
        let run = site.cli(&["new", "claim", slug]);
        assert_eq!(run.code, 0, "{slug}: {}", run.stderr);
        assert!(site.path(&format!("content/claims/{slug}.md")).is_file(), "{slug}");
    }
    // The stubs are valid claims under those names.
    let run = site.cli(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("claims/claim_01.v2/index.html").is_file());

    for (bad, says) in [("x.md", "leave out `.md`"), ("a b", "letters, digits"), (".hidden", "letters, digits")] {
        let run = site.cli(&["new", "claim", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{bad}: {}", run.stderr);
    }
}
/// `build` printed nothing about the warnings `check` finds, so they went
/// unseen by anyone who only builds.
#[test]
fn build_says_when_check_would_warn() {
    let claim = claim("Ann Lee", "true", "2025-01-01", "");
    let site = TestSite::with_config(&[("content/claims/one.md", &claim)]);
    let warnings = verdict::check(&site.options()).unwrap_or_else(|e| panic!("{}", describe(&e)));
    assert!(warnings.len() >= 3, "no methodology, corrections or about page: {}", list(&warnings));
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 1, "stdout stays one summary line: {}", run.stdout);
    let note = format!("{} warnings: run `verdict check` to see them", warnings.len());
    assert!(run.stderr.contains(&note), "expected `{note}` in:\n{}", run.stderr);

    // A site with nothing to warn about gets no such line.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run_cli(dir.path(), &["init", "clean"]).code, 0);
    let run = run_cli(dir.path(), &["build", "--root", "clean"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}
