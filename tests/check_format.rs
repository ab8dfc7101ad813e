//! `verdict check --format json|github`: what CI reads. The JSON is parsed
//! as a tool would parse it; the GitHub workflow commands are checked for the
//! escaping the runner expects. Errors, warnings, `--deny-warnings` and
//! `--external` all give the same problems and exit status in every format.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

use common::*;
use serde_json::Value;

const PAGES: [(&str, &str); 3] = [
    ("content/pages/methodology.md", "---\ntitle: Methodology\n---\nHow we work.\n"),
    ("content/pages/corrections-policy.md", "---\ntitle: Corrections policy\n---\nHow we correct.\n"),
    ("content/pages/about.md", "---\ntitle: About and funding\n---\nWho we are.\n"),
];

/// A claim citing `url`, with a quote, from one inline source.
fn claim_citing(url: &str) -> String {
    format!(
        "---\nclaim: \"Parks got more money.\"\nspeaker: Ann Lee\nverdict: true\npublished: 2025-01-01\nsupporting:\n  - title: \"Budget\"\n    publisher: \"City council\"\n    url: {url}\n    quote: \"Parks: 1.9 million\"\n  - title: \"Report\"\n    publisher: \"Gazette\"\n    quote: \"more for parks\"\ncontradicting: []\n---\nBody.\n"
    )
}

fn site_with(claim: &str) -> TestSite {
    let mut files: Vec<(&str, &str)> = PAGES.to_vec();
    files.push(("content/claims/c.md", claim));
    TestSite::with_config(&files)
}

/// stdout parsed as the one JSON array it must be.
fn parse(stdout: &str) -> Vec<Value> {
    match serde_json::from_str::<Value>(stdout) {
        Ok(Value::Array(problems)) => problems,
        other => panic!("stdout is not one JSON array ({other:?}):\n{stdout}"),
    }
}

fn field<'a>(problem: &'a Value, name: &str) -> &'a Value {
    problem.get(name).unwrap_or_else(|| panic!("no `{name}` in {problem}"))
}

#[test]
fn json_lists_every_content_error_with_its_position() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_cli(repo, &["check", "--root", "tests/fixtures/broken", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let problems = parse(&run.stdout);
    assert_eq!(problems.len(), 6, "{}", run.stdout);
    for problem in &problems {
        assert_eq!(field(problem, "file"), "tests/fixtures/broken/content/claims/bad.md");
        assert_eq!(field(problem, "severity"), "error");
        assert!(field(problem, "line").as_u64().is_some_and(|l| l > 0), "{problem}");
        assert!(field(problem, "column").as_u64().is_some_and(|c| c > 0), "{problem}");
        assert!(field(problem, "help").is_string() || field(problem, "help").is_null(), "{problem}");
        assert_eq!(problem.as_object().map(|o| o.len()), Some(6), "exactly the six fields: {problem}");
    }
    let verdict =
        problems.iter().find(|p| field(p, "message") == "unknown verdict `flase`").expect("the verdict error");
    assert_eq!((field(verdict, "line"), field(verdict, "column")), (&Value::from(4), &Value::from(10)));
    assert!(field(verdict, "help").as_str().is_some_and(|h| h.contains("did you mean `false`?")), "{verdict}");
    // The same problems as the text, at the same places.
    let human = run_cli(repo, &["check", "--root", "tests/fixtures/broken"]);
    for problem in &problems {
        let place = format!(
            "{}:{}:{}",
            field(problem, "file").as_str().unwrap(),
            field(problem, "line"),
            field(problem, "column")
        );
        assert!(human.stderr.contains(&place), "{place} is not in the text output:\n{}", human.stderr);
    }
    assert!(run.stderr.contains("error: 6 problems found"), "{}", run.stderr);
}

#[test]
fn json_warnings_and_deny_warnings() {
    let site = site_with(&claim_citing("https://example.org/budget").replace("Parks got more money.", &"L".repeat(80)));
    let run = site.cli(&["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let problems = parse(&run.stdout);
    assert_eq!(problems.len(), 1, "{}", run.stdout);
    let warning = &problems[0];
    assert_eq!(field(warning, "severity"), "warning");
    assert_eq!(field(warning, "file"), "content/claims/c.md");
    assert_eq!((field(warning, "line"), field(warning, "column")), (&Value::from(2), &Value::from(8)));
    assert!(field(warning, "message").as_str().unwrap().contains("80 characters"), "{warning}");
    assert!(run.stderr.contains("no errors (1 warning)"), "{}", run.stderr);

    let denied = site.cli(&["check", "--format", "json", "--deny-warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stderr);
    assert_eq!(parse(&denied.stdout), problems, "--deny-warnings changes the status, not the problems");
    assert!(denied.stderr.contains("1 warning, and --deny-warnings was given"), "{}", denied.stderr);

    let clean = site_with(&claim_citing("https://example.org/budget"));
    let run = clean.cli(&["check", "--format", "json", "--deny-warnings"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{}", run.stderr);
}

#[test]
fn a_usage_error_prints_no_json() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_cli(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "", "a usage error is not a list of problems");
    assert!(run.stderr.contains("no site.yaml"), "{}", run.stderr);
    let run = run_cli(dir.path(), &["check", "--format", "xml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("human") && run.stderr.contains("github"), "names the formats: {}", run.stderr);
}

#[test]
fn github_commands_carry_position_and_escaping() {
    let site = site_with(&claim_citing("https://example.org/budget").replace("verdict: true", "verdict: \"100%\""));
    site.write("content/claims/a,b:c.md", &claim_citing("https://example.org/budget"));
    let run = site.cli(&["check", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one command per problem:\n{}", run.stdout);
    // `,` and `:` in a property are encoded, or the runner would cut the path.
    assert!(
        lines[0].starts_with("::error file=content/claims/a%2Cb%3Ac.md::`a,b:c` cannot be a URL slug"),
        "{}",
        lines[0]
    );
    // `%` in a message is encoded, and the help is the annotation's second line.
    assert!(
        lines[1].starts_with("::error file=content/claims/c.md,line=4,col=10::unknown verdict `100%25`%0Ahelp: "),
        "{}",
        lines[1]
    );
}

#[test]
fn github_warnings_are_warning_commands() {
    let long = claim_citing("https://example.org/budget").replace("Parks got more money.", &"L".repeat(80));
    // No methodology page: a warning about a folder, with no line.
    let site = TestSite::with_config(&[PAGES[1], PAGES[2], ("content/claims/c.md", &long)]);
    let run = site.cli(&["check", "--format", "github", "--deny-warnings"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout.lines().map(|l| l.split("::").nth(1).unwrap_or(l)).collect::<Vec<_>>(),
        vec!["warning file=content/claims/c.md,line=2,col=8", "warning file=content/pages"],
        "{}",
        run.stdout
    );
}

/// A server on 127.0.0.1 that answers `/live` with 200 and anything else with 404.
fn start_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let status = if request.split_whitespace().nth(1) == Some("/live") { "200 OK" } else { "404 Not Found" };
            let mut stream = stream;
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    port
}

#[test]
fn external_dead_links_are_errors_where_they_are_used() {
    let port = start_server();
    let site = site_with(&claim_citing(&format!("http://127.0.0.1:{port}/gone")));
    site.write(
        "content/claims/d.md",
        &claim_citing(&format!("http://127.0.0.1:{port}/live")).replace("Parks got", "Roads got"),
    );
    let run = site.cli(&["check", "--external", "--cache-hours", "0", "--format", "json"]);
    assert_eq!(run.code, 1, "a dead link fails the check: {}", run.stderr);
    let problems = parse(&run.stdout);
    assert_eq!(problems.len(), 1, "{}", run.stdout);
    let dead = &problems[0];
    assert_eq!(field(dead, "severity"), "error");
    assert_eq!(field(dead, "file"), "content/claims/c.md");
    assert_eq!((field(dead, "line"), field(dead, "column")), (&Value::from(9), &Value::from(10)), "at the `url:`");
    let message = field(dead, "message").as_str().unwrap();
    assert!(message.contains(&format!("http://127.0.0.1:{port}/gone")) && message.contains("404"), "{message}");
    assert!(run.stderr.contains("1 dead link"), "{}", run.stderr);

    let run = site.cli(&["check", "--external", "--cache-hours", "0", "--format", "github"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.starts_with("::error file=content/claims/c.md,line=9,col=10::dead link: "), "{}", run.stdout);

    // With the link fixed, the same site passes, in JSON too.
    site.write("content/claims/c.md", &claim_citing(&format!("http://127.0.0.1:{port}/live")));
    let run = site.cli(&["check", "--external", "--cache-hours", "0", "--format", "json", "--deny-warnings"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{}", run.stderr);
}
