//! The `verdict` command line as the README documents it: exit
//! statuses, help, the summary line, `--root`, and the commands of the spec.

mod common;

use std::fs;

use common::*;

fn a_site() -> TestSite {
    TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "topics: [\"Peace plan\"]\n")),
        ("content/claims/two.md", &claim("Bo Chen", "false", "2025-01-02", "")),
    ])
}

#[test]
fn build_without_site_yaml_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("content/claims")).unwrap();
    let run = run_cli(dir.path(), &["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
    assert!(!dir.path().join("public").exists());

    let run = run_cli(dir.path(), &["build", "--root", "content"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let run = run_cli(dir.path(), &["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn bad_flags_and_commands_are_usage_errors() {
    let site = a_site();
    for args in
        [&["build", "--no-such-flag"][..], &["build", "--output"], &["frobnicate"], &[], &["build", "extra-argument"]]
    {
        let run = site.cli(args);
        assert_eq!(run.code, 2, "verdict {args:?}: {}{}", run.stdout, run.stderr);
        assert!(!run.stderr.is_empty(), "verdict {args:?} says nothing on stderr");
    }
    assert!(!site.public().exists(), "a usage error built the site");
}

#[test]
fn help_lists_the_build_flags() {
    let site = a_site();
    let run = site.cli(&["--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("build") && run.stdout.contains("check"), "{}", run.stdout);

    let run = site.cli(&["build", "--help"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for flag in ["--output", "--base-url", "--drafts", "--root"] {
        assert!(run.stdout.contains(flag), "build --help lacks {flag}:\n{}", run.stdout);
    }
    assert!(!site.public().exists(), "--help built the site");
    let run = site.cli(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains(env!("CARGO_PKG_VERSION")), "{}", run.stdout);
}

#[test]
fn success_prints_one_summary_line() {
    let site = a_site();
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    // built N pages (M files) into DIR in X ms; R rendered, C changed, 0 removed, the rest untouched
    let (line, tail) = lines[0].split_once("; ").unwrap_or_else(|| panic!("{}", lines[0]));
    let tail = tail.strip_suffix(" changed, 0 removed, the rest untouched").unwrap_or_else(|| panic!("{tail}"));
    let (rendered, changed) = tail.split_once(" rendered, ").unwrap_or_else(|| panic!("{tail}"));

    let rest = line.strip_prefix("built ").unwrap_or_else(|| panic!("{line}"));
    let (pages, rest) = rest.split_once(" pages (").unwrap_or_else(|| panic!("{line}"));
    let (files, rest) = rest.split_once(" files) into ").unwrap_or_else(|| panic!("{line}"));
    let (dir, rest) = rest.rsplit_once(" in ").unwrap_or_else(|| panic!("{line}"));
    let millis = rest.strip_suffix(" ms").unwrap_or_else(|| panic!("{line}"));
    let (pages, files, _): (usize, usize, u64) =
        (pages.parse().unwrap(), files.parse().unwrap(), millis.parse().unwrap());
    assert_eq!(dir, "public");

    let written = read_tree(&site.public());
    let html = written.keys().filter(|p| p.ends_with(".html")).count();
    assert_eq!(pages, html, "page count");
    let own = written.keys().filter(|p| !p.starts_with(".verdict")).count();
    assert_eq!(files, own, "file count");
    assert!(pages >= 15 && files > pages, "{line}");
    // A first build renders and writes every file.
    assert_eq!(changed.parse::<usize>().unwrap(), files, "{tail}");
    assert_eq!(rendered.parse::<usize>().unwrap(), files, "{tail}");
}

#[test]
fn root_flag_builds_a_site_from_elsewhere() {
    let site = a_site();
    let run = run_cli(site.dir.path(), &["build", "--root", "site"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("claims/one/index.html").is_file(), "default output is public/ under the root");
    assert!(!site.dir.path().join("public").exists(), "public/ was made in the current folder");

    site.write("content/claims/two.md", &claim("Bo Chen", "flase", "2025-01-02", ""));
    let run = run_cli(site.dir.path(), &["build", "--root", "site"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("site/content/claims/two.md:4:10"),
        "paths as seen from the current folder: {}",
        run.stderr
    );
}

#[test]
fn check_validates_without_writing() {
    let site = a_site();
    let run = site.cli(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!site.public().exists(), "check wrote the site");
    site.write("content/claims/two.md", &claim("Bo Chen", "true", "2025-01-02", "claim_url: javascript:alert(1)\n"));
    let run = site.cli(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/claims/two.md:"), "{}", run.stderr);
}

#[test]
fn every_implemented_command_has_help() {
    let site = a_site();
    for (command, flags) in
        [("build", &["--output", "--base-url", "--drafts", "--root"][..]), ("check", &["--root", "--drafts"])]
    {
        let run = site.cli(&[command, "--help"]);
        assert_eq!(run.code, 0, "verdict {command} --help: {}", run.stderr);
        for flag in flags {
            assert!(run.stdout.contains(flag), "verdict {command} --help lacks {flag}:\n{}", run.stdout);
        }
    }
}

#[test]
fn init_creates_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_cli(dir.path(), &["init", "newsite"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(dir.path().join("newsite/site.yaml").is_file());
    let run = run_cli(dir.path(), &["build", "--root", "newsite"]);
    assert_eq!(run.code, 0, "the skeleton does not build: {}", run.stderr);
    // verdict's cache is kept out of the site's version control from the start.
    let ignore = fs::read_to_string(dir.path().join("newsite/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/.verdict-cache/"), "{ignore}");

    fs::create_dir_all(dir.path().join("busy")).unwrap();
    fs::write(dir.path().join("busy/notes.txt"), "mine").unwrap();
    let run = run_cli(dir.path(), &["init", "busy"]);
    assert_ne!(run.code, 0, "init into a non-empty folder");
    assert_eq!(fs::read_to_string(dir.path().join("busy/notes.txt")).unwrap(), "mine");
}

#[test]
fn new_claim_writes_a_stub_and_refuses_to_overwrite() {
    let site = a_site();
    let run = site.cli(&["new", "claim", "fresh-claim"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let stub = fs::read_to_string(site.path("content/claims/fresh-claim.md")).expect("stub written");
    for key in ["claim:", "speaker:", "verdict:", "published:", "supporting:", "contradicting:", "summary:", "topics:"]
    {
        assert!(stub.contains(key), "stub lacks {key}:\n{stub}");
    }
    // The stubs (a draft claim, a speaker, a source) build cleanly, and with
    // --drafts the claim is published.
    assert_eq!(site.cli(&["new", "speaker", "fresh-speaker"]).code, 0);
    assert_eq!(site.cli(&["new", "source", "fresh-source"]).code, 0);
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "stubs do not build: {}", run.stderr);
    assert!(!site.public().join("claims/fresh-claim/index.html").exists(), "a stub is a draft");
    let run = site.cli(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("claims/fresh-claim/index.html").exists());
    fs::write(site.path("content/claims/fresh-claim.md"), "edited").unwrap();
    let run = site.cli(&["new", "claim", "fresh-claim"]);
    assert_ne!(run.code, 0, "overwrote an existing claim");
    assert_eq!(fs::read_to_string(site.path("content/claims/fresh-claim.md")).unwrap(), "edited");
}
