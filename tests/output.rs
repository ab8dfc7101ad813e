//! The output folder is the generator's own: a failed build leaves it as it
//! was, files verdict did not write survive rebuilds, and dangerous output
//! folders are refused.

mod common;

use std::fs;

use common::*;
use verdict::{BuildError, BuildOptions};

fn two_claims() -> TestSite {
    TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("content/claims/two.md", &claim("Bo Chen", "false", "2025-01-02", "")),
    ])
}

/// Names in the site's parent and root folders that verdict may have left behind.
fn leftovers(site: &TestSite) -> Vec<String> {
    [site.dir.path(), site.root.as_path()]
        .iter()
        .flat_map(|dir| fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|name| name.contains("verdict-new") || name.contains("verdict-old"))
        .collect()
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = two_claims();
    site.build();
    let before = read_tree_bytes(&site.public());
    assert!(before.contains_key("claims/two/index.html"));

    site.write("content/claims/two.md", &claim("Bo Chen", "flase", "2025-01-02", ""));
    match verdict::build(&site.options()) {
        Err(BuildError::Content(problems)) => assert!(!problems.is_empty()),
        other => panic!("expected content errors, got {other:?}"),
    }
    assert!(before == read_tree_bytes(&site.public()), "the library build changed the old output");

    let run = site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("content/claims/two.md:4:"), "{}", run.stderr);
    assert!(run.stderr.contains("left untouched"), "{}", run.stderr);
    assert!(before == read_tree_bytes(&site.public()), "the CLI build changed the old output");
    assert!(leftovers(&site).is_empty(), "staging folders left behind: {:?}", leftovers(&site));
}

#[test]
fn a_template_error_also_leaves_the_previous_output_in_place() {
    let site = two_claims();
    site.build();
    let before = read_tree_bytes(&site.public());
    site.write("templates/claim.html", "{% if %}broken{% endif %}");
    assert!(verdict::build(&site.options()).is_err());
    assert!(before == read_tree_bytes(&site.public()));
}

#[test]
fn files_verdict_did_not_write_survive_rebuilds() {
    let site = two_claims();
    site.build();
    fs::write(site.public().join("CNAME"), "checks.example.org\n").unwrap();
    fs::create_dir_all(site.public().join(".well-known")).unwrap();
    fs::write(site.public().join(".well-known/security.txt"), "Contact: mailto:desk@example.org\n").unwrap();

    // A rebuild after a claim was deleted: its page goes, the user's files stay.
    fs::remove_file(site.path("content/claims/two.md")).unwrap();
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("kept CNAME"), "{}", run.stdout);
    assert_eq!(fs::read_to_string(site.public().join("CNAME")).unwrap(), "checks.example.org\n");
    assert_eq!(
        fs::read_to_string(site.public().join(".well-known/security.txt")).unwrap(),
        "Contact: mailto:desk@example.org\n"
    );
    assert!(!site.public().join("claims/two").exists(), "the deleted claim's page is still there");
    assert!(site.public().join("claims/one/index.html").is_file());

    // And again through the library, twice.
    site.build();
    site.build();
    assert_eq!(fs::read_to_string(site.public().join("CNAME")).unwrap(), "checks.example.org\n");
    assert!(leftovers(&site).is_empty(), "{:?}", leftovers(&site));
}

#[test]
fn a_user_file_where_verdict_wants_to_write_is_not_overwritten() {
    let site = two_claims();
    let foreign = site.dir.path().join("www");
    fs::create_dir_all(&foreign).unwrap();
    let custom = "User-agent: *\nDisallow: /drafts/\n";
    fs::write(foreign.join("robots.txt"), custom).unwrap();
    let run = site.cli(&["build", "--output", "../www", "--force"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("robots.txt"), "{}", run.stderr);
    assert_eq!(fs::read_to_string(foreign.join("robots.txt")).unwrap(), custom);
    assert_eq!(read_tree(&foreign).len(), 1, "a refused build left files behind");
}

fn refused(site: &TestSite, args: &[&str]) -> CliOutput {
    let run = site.cli(args);
    assert_eq!(run.code, 1, "verdict {args:?} was not refused:\n{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("--output"), "the message should say how to choose another folder: {}", run.stderr);
    run
}

#[test]
fn the_site_root_its_parent_and_content_are_refused_as_output() {
    let site = two_claims();
    let before = read_tree_bytes(site.dir.path());
    refused(&site, &["build", "--output", "."]);
    refused(&site, &["build", "--output", site.root.to_str().unwrap()]);
    refused(&site, &["build", "--output", ".."]);
    refused(&site, &["build", "--output", "content"]);
    refused(&site, &["build", "--output", "content/claims"]);
    refused(&site, &["build", "--output", "./content/../content/"]);
    assert!(before == read_tree_bytes(site.dir.path()), "a refused build changed files");
    // Through the library too.
    let result = verdict::build(&BuildOptions { output: Some(site.root.join("content")), ..site.options() });
    assert!(matches!(result, Err(BuildError::Write(_))), "{result:?}");
}

#[test]
fn a_foreign_non_empty_folder_needs_force_and_keeps_its_files() {
    let site = two_claims();
    let foreign = site.dir.path().join("www");
    fs::create_dir_all(foreign.join("old")).unwrap();
    fs::write(foreign.join("notes.txt"), "my notes\n").unwrap();
    fs::write(foreign.join("old/page.html"), "<p>old</p>\n").unwrap();
    let before = read_tree_bytes(&foreign);

    let run = refused(&site, &["build", "--output", "../www"]);
    assert!(run.stderr.contains("--force"), "the refusal names the flag that overrides it: {}", run.stderr);
    assert!(before == read_tree_bytes(&foreign), "a refused build touched the folder");

    let run = site.cli(&["build", "--output", "../www", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = read_tree_bytes(&foreign);
    assert!(after.contains_key("claims/one/index.html"));
    assert_eq!(after["notes.txt"], before["notes.txt"]);
    assert_eq!(after["old/page.html"], before["old/page.html"]);

    // Now verdict's own folder: later builds need no --force and still keep the files.
    let run = site.cli(&["build", "--output", "../www"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read(foreign.join("notes.txt")).unwrap(), before["notes.txt"]);
}

#[test]
fn an_empty_existing_folder_is_accepted() {
    let site = two_claims();
    let empty = site.dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let run = site.cli(&["build", "--output", "../empty"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(empty.join("index.html").is_file());
    // The library, into a new nested folder.
    let nested = site.dir.path().join("deep/er/out");
    site.build_with(BuildOptions { output: Some(nested.clone()), ..site.options() });
    assert!(nested.join("claims/two/index.html").is_file());
}

#[test]
fn a_file_given_as_output_is_refused() {
    let site = two_claims();
    fs::write(site.dir.path().join("out.txt"), "x").unwrap();
    let run = site.cli(&["build", "--output", "../out.txt"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(fs::read_to_string(site.dir.path().join("out.txt")).unwrap(), "x");
}
