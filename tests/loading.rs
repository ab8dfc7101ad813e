//! What the loader reads and skips: drafts (and the `--drafts` flag),
//! dotfiles and `_*.md` files, and symlink loops inside `content/`.

mod common;

use common::*;

#[test]
fn drafts_flag_on_the_command_line() {
    let site = TestSite::with_config(&[
        ("content/claims/public-one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        (
            "content/claims/secret-one.md",
            &claim("Secret Person", "false", "2025-01-02", "draft: true\ntopics: [\"Secret topic\"]\n"),
        ),
    ]);
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("claims/public-one/index.html").is_file());
    for (path, text) in read_tree(&site.public()) {
        assert!(!path.contains("secret") && !text.to_lowercase().contains("secret"), "the draft leaks into {path}");
    }

    let run = site.cli(&["build", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(site.public().join("claims/secret-one/index.html").is_file());
    assert!(site.public().join("speakers/secret-person/index.html").is_file());
    assert!(site.public().join("topics/secret-topic/index.html").is_file());
    assert!(std::fs::read_to_string(site.public().join("index.html")).unwrap().contains("/claims/secret-one/"));
}

#[test]
fn dotfiles_and_underscore_files_are_ignored() {
    let site = TestSite::with_config(&[
        ("content/claims/real.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("content/claims/_draft.md", "---\nthis: is [not valid\n"),
        ("content/claims/.hidden.md", "not even front matter"),
        ("content/claims/.git/objects/x.md", "---\nbroken\n"),
        ("content/speakers/_wip.md", "---\nname: [1\n---\n"),
        ("content/pages/.about.md.swp", "binary junk"),
    ]);
    let o = site.build();
    assert!(o.contains_key("claims/real/index.html"));
    assert!(
        !o.keys().any(|p| p.contains("draft") || p.contains("hidden") || p.contains("wip") || p.contains(".git")),
        "{:?}",
        o.keys()
    );
    assert_eq!(card_count(&o["claims/index.html"]), 1);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_in_content_does_not_hang_or_crash() {
    let site = TestSite::with_config(&[("content/claims/real.md", &claim("Ann Lee", "true", "2025-01-01", ""))]);
    std::os::unix::fs::symlink("..", site.path("content/claims/loop")).unwrap();
    std::os::unix::fs::symlink(".", site.path("content/self")).unwrap();
    // Through the binary, with a time limit (run_cli fails the test after 60 s).
    let run = site.cli(&["build"]);
    assert_eq!(run.code, 0, "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    assert!(site.public().join("claims/real/index.html").is_file());
    let pages = read_tree(&site.public());
    assert_eq!(card_count(&pages["claims/index.html"]), 1, "the loop made a claim appear twice");
    assert!(!site.public().join("claims/loop").exists());
}
