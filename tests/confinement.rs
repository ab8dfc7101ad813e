//! Nothing outside the site root is read into the site or into a message: a
//! content file, `archive_file`, static file, template, theme or `site.yaml`
//! that is a symbolic link leading outside the root is an error naming the
//! link, and the linked file's text appears nowhere. Links that stay inside
//! the root keep working.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use common::*;

/// The first line of every file "outside the site": it must never be printed or published.
const SECRET: &str = "SECRET-FIRST-LINE root:x:0:0";

/// A site whose root is `dir/site`, with a secret file beside it at `dir/outside/…`.
struct Fixture {
    site: TestSite,
}

impl Fixture {
    fn new(files: &[(&str, &str)]) -> Fixture {
        let site = TestSite::with_config(files);
        let fixture = Fixture { site };
        // A secret in each shape a link might expect: a text file, a Markdown
        // file with valid front matter, a template, a folder of them.
        fixture.outside_write("secret.txt", &format!("{SECRET}\nmore secrets\n"));
        fixture.outside_write("secret.md", &format!("{SECRET}\n---\n"));
        fixture.outside_write(
            "claims/stolen.md",
            &claim("Secret Person", "true", "2025-01-02", &format!("summary: \"{SECRET}\"\n")),
        );
        fixture.outside_write("templates/claim.html", &format!("{SECRET} {{{{ claim.claim }}}}\n"));
        fixture
    }

    fn outside(&self) -> PathBuf {
        self.site.dir.path().join("outside")
    }

    fn outside_write(&self, relative: &str, text: &str) {
        let path = self.outside().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Makes `link` (relative to the site root) a symbolic link to `target`.
    fn link(&self, link: &str, target: impl AsRef<Path>) {
        let path = self.site.path(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(target, path).unwrap();
    }

    /// Builds through the binary, expecting it to refuse; checks that the
    /// message names `link` and that no secret leaked into it or the output.
    fn refuses_naming(&self, link: &str) -> CliOutput {
        let run = self.site.cli(&["build"]);
        assert_eq!(run.code, 1, "stdout: {}\nstderr: {}", run.stdout, run.stderr);
        let named = run
            .stderr
            .lines()
            .any(|line| line.trim_start().strip_prefix("--> ").is_some_and(|location| location == link));
        assert!(named, "the error does not name {link}:\n{}", run.stderr);
        assert!(run.stderr.contains("leads outside the site root"), "{}", run.stderr);
        self.assert_no_secret(&run);
        run
    }

    fn assert_no_secret(&self, run: &CliOutput) {
        assert!(!run.stderr.contains("SECRET") && !run.stdout.contains("SECRET"), "a secret leaked:\n{}", run.stderr);
        for (path, text) in read_tree(&self.site.public()) {
            assert!(!text.contains("SECRET"), "a secret was published in {path}");
        }
    }
}

fn valid_claim() -> String {
    claim("Ann Lee", "true", "2025-01-01", "")
}

#[test]
fn a_claim_file_linked_to_a_file_outside_is_an_error_and_its_first_line_is_not_printed() {
    // The report: a claim linked to /etc/passwd printed its first line.
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("content/claims/passwd.md", f.outside().join("secret.md"));
    f.refuses_naming("content/claims/passwd.md");
    assert!(!f.site.public().exists(), "nothing was written");
}

#[test]
fn a_claim_linked_outside_with_a_relative_path_is_an_error() {
    // `..` in the link's text: only the canonical path tells where it leads.
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("content/claims/valid-looking.md", "../../../outside/claims/stolen.md");
    f.refuses_naming("content/claims/valid-looking.md");
}

#[test]
fn a_chain_of_links_that_ends_outside_is_an_error_naming_the_link_that_leaves() {
    // content/claims/a.md → content/b.md (inside) → outside: the second link is to blame.
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("content/b.md", f.outside().join("claims/stolen.md"));
    f.link("content/claims/a.md", "../b.md");
    let run = f.refuses_naming("content/claims/a.md");
    assert!(!run.stderr.contains("Secret Person"), "{}", run.stderr);
}

#[test]
fn a_folder_beside_the_root_whose_name_starts_like_the_root_is_outside() {
    // `site-evil` starts with the string `site`; paths are compared component by component.
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    let evil = f.site.dir.path().join("site-evil");
    std::fs::create_dir_all(&evil).unwrap();
    std::fs::copy(f.outside().join("claims/stolen.md"), evil.join("stolen.md")).unwrap();
    f.link("content/claims/stolen.md", evil.join("stolen.md"));
    f.refuses_naming("content/claims/stolen.md");
}

#[test]
fn a_claims_folder_linked_outside_is_one_error_naming_the_folder() {
    let f = Fixture::new(&[("content/speakers/ann-lee.md", "---\nname: \"Ann Lee\"\n---\n")]);
    f.link("content/claims", f.outside().join("claims"));
    let run = f.refuses_naming("content/claims");
    assert_eq!(run.stderr.matches("leads outside the site root").count(), 1, "{}", run.stderr);
}

#[test]
fn a_content_folder_linked_outside_is_an_error() {
    let f = Fixture::new(&[]);
    std::fs::create_dir_all(f.outside().join("content")).unwrap();
    std::fs::rename(f.outside().join("claims"), f.outside().join("content/claims")).unwrap();
    f.link("content", f.outside().join("content"));
    f.refuses_naming("content");
}

#[test]
fn site_yaml_linked_outside_is_an_error_and_is_not_read() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    std::fs::remove_file(f.site.path("site.yaml")).unwrap();
    f.link("site.yaml", f.outside().join("secret.txt"));
    f.refuses_naming("site.yaml");
}

#[test]
fn an_archive_file_linked_outside_is_an_error_at_its_line_and_is_not_published() {
    // The report: the linked file's text was published at sources/SLUG/archive/.
    let f = Fixture::new(&[
        (
            "content/sources/report.md",
            "---\ntitle: \"Report\"\npublisher: \"Desk\"\nurl: https://example.org/r\narchive_file: archive/report.txt\n---\n",
        ),
        ("content/claims/real.md", &claim("Ann Lee", "true", "2025-01-01", "")),
    ]);
    f.link("content/archive/report.txt", f.outside().join("secret.txt"));
    let run = f.site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--> content/sources/report.md:5:15"), "{}", run.stderr);
    assert!(run.stderr.contains("content/archive/report.txt is a symbolic link"), "{}", run.stderr);
    f.assert_no_secret(&run);

    // Through the library: the same error, at the key's line.
    let problems = f.site.errors();
    let problem = only_for(&problems, "content/sources/report.md");
    assert_eq!((problem.line, problem.column), (5, 15));
    assert!(problem.message.contains("content/archive/report.txt"), "{}", problem.message);
}

#[test]
fn a_citations_archive_file_in_a_linked_out_folder_is_an_error_naming_the_folder() {
    let citation = "  - title: \"Copy\"\n    publisher: \"Desk\"\n    archive_file: archive/secret.txt\n    quote: \"more secrets\"\n";
    let text = format!(
        "---\nclaim: \"C\"\nspeaker: Ann\nverdict: \"true\"\npublished: 2025-01-01\nsupporting:\n{citation}contradicting: []\n---\n"
    );
    let f = Fixture::new(&[("content/claims/c.md", &text)]);
    f.link("content/archive", f.outside());
    let run = f.site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--> content/claims/c.md:9:19"), "{}", run.stderr);
    assert!(run.stderr.contains("content/archive is a symbolic link"), "{}", run.stderr);
    // The quote was not checked against the secret copy, so nothing of it is quoted back.
    f.assert_no_secret(&run);
}

#[test]
fn a_static_file_linked_outside_is_an_error() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim()), ("static/ok.txt", "fine\n")]);
    f.link("static/leak.txt", f.outside().join("secret.txt"));
    f.refuses_naming("static/leak.txt");
    assert!(!f.site.public().exists());
}

#[test]
fn a_static_folder_linked_outside_is_an_error() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("static", f.outside());
    f.refuses_naming("static");
}

#[test]
fn check_reports_a_static_link_outside_too() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("static/css/leak.css", f.outside().join("secret.txt"));
    let run = f.site.cli(&["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("--> static/css/leak.css"), "{}", run.stderr);
    f.assert_no_secret(&run);
}

#[test]
fn a_template_linked_outside_is_an_error() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("templates/claim.html", f.outside().join("templates/claim.html"));
    f.refuses_naming("templates/claim.html");
}

#[test]
fn a_templates_folder_linked_outside_is_an_error() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("templates", f.outside().join("templates"));
    f.refuses_naming("templates");
}

#[test]
fn a_theme_folder_linked_outside_is_one_error_naming_it() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.site.write("site.yaml", &format!("{SITE_YAML}theme: borrowed\n"));
    f.link("themes/borrowed", f.outside());
    let run = f.refuses_naming("themes/borrowed");
    assert_eq!(run.stderr.matches("leads outside the site root").count(), 1, "{}", run.stderr);
}

#[test]
fn a_theme_template_linked_outside_is_an_error() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.site.write("site.yaml", &format!("{SITE_YAML}theme: mine\n"));
    f.site.write("themes/mine/templates/index.html", "{% extends \"base.html\" %}\n");
    f.link("themes/mine/templates/claim.html", f.outside().join("templates/claim.html"));
    f.refuses_naming("themes/mine/templates/claim.html");
}

#[test]
fn every_link_outside_is_reported_in_one_run() {
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    f.link("content/claims/passwd.md", f.outside().join("secret.md"));
    f.link("static/leak.txt", f.outside().join("secret.txt"));
    f.link("templates/claim.html", f.outside().join("templates/claim.html"));
    let run = f.site.cli(&["build"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for link in ["content/claims/passwd.md", "static/leak.txt", "templates/claim.html"] {
        assert!(run.stderr.contains(&format!("--> {link}\n")), "{link} is not named:\n{}", run.stderr);
    }
    f.assert_no_secret(&run);
}

#[test]
fn serve_refuses_a_claim_linked_outside_when_it_reparses_one_file() {
    // `verdict serve` parses a changed file on its own, without the walk.
    let f = Fixture::new(&[]);
    f.link("content/claims/passwd.md", f.outside().join("secret.md"));
    let (parsed, problems) = verdict::load::parse_file(
        &f.site.root,
        verdict::load::ContentKind::Claim,
        Path::new("content/claims/passwd.md"),
        &[],
    );
    assert!(parsed.is_none());
    assert_eq!(problems.len(), 1, "{}", list(&problems));
    assert!(problems[0].path.ends_with("content/claims/passwd.md"), "{}", problems[0]);
    assert!(!problems[0].to_string().contains("SECRET"), "{}", problems[0]);
}

#[test]
fn links_inside_the_root_keep_working() {
    let f = Fixture::new(&[
        ("shared/claims/linked.md", &claim("Linked Speaker", "false", "2025-01-03", "")),
        ("shared/more/folder-claim.md", &claim("Folder Speaker", "true", "2025-01-04", "")),
        ("shared/copy.txt", "The archived words are here.\n"),
        ("shared/asset.txt", "a static file from elsewhere in the site\n"),
        ("shared/claim.html", "{% extends \"base.html\" %}{% block content %}LINKED TEMPLATE {{ claim.claim }}{% endblock %}\n"),
        ("shared/theme/templates/index.html", "{% extends \"base.html\" %}{% block content %}LINKED THEME HOME{% endblock %}\n"),
        ("content/claims/real.md", &valid_claim()),
        (
            "content/sources/copy.md",
            "---\ntitle: \"Copy\"\npublisher: \"Desk\"\nurl: https://example.org/copy\narchive_file: archive/copy.txt\n---\n",
        ),
    ]);
    f.site.write("site.yaml", &format!("{SITE_YAML}theme: linked\n"));
    f.link("content/claims/linked.md", "../../shared/claims/linked.md");
    f.link("content/claims/more", f.site.path("shared/more"));
    f.link("content/archive/copy.txt", "../../shared/copy.txt");
    f.link("static/asset.txt", "../shared/asset.txt");
    f.link("templates/claim.html", "../shared/claim.html");
    f.link("themes/linked", "../shared/theme");
    let run = f.site.cli(&["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let outputs = read_tree(&f.site.public());
    assert!(outputs["claims/linked/index.html"].contains("LINKED TEMPLATE"), "linked claim and template");
    assert!(outputs.contains_key("claims/folder-claim/index.html"), "a claim in a linked folder");
    assert!(outputs["sources/copy/archive/index.html"].contains("The archived words are here."));
    assert_eq!(outputs["asset.txt"], "a static file from elsewhere in the site\n");
    assert!(outputs["index.html"].contains("LINKED THEME HOME"));
}

#[test]
fn a_site_reached_through_a_link_still_builds() {
    // The root itself may be a link: it is resolved before comparing.
    let f = Fixture::new(&[("content/claims/real.md", &valid_claim())]);
    let alias = f.site.dir.path().join("alias");
    symlink(&f.site.root, &alias).unwrap();
    let run = run_cli(f.site.dir.path(), &["build", "--root", "alias"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(f.site.public().join("claims/real/index.html").is_file());
}
