//! `verdict check --external` against a local HTTP server (no request leaves
//! the machine): live, 404, 500, redirecting, slow, never-answering and
//! HEAD-refusing endpoints; the cache makes a second run skip the network.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use verdict::check::links::{LinkCheckOptions, LinkResult, LinkStatus};

/// A tiny HTTP server on 127.0.0.1 that counts requests per path.
struct TestServer {
    port: u16,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl TestServer {
    fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let counter = Arc::clone(&hits);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counter = Arc::clone(&counter);
                std::thread::spawn(move || answer(stream, &counter));
            }
        });
        TestServer { port, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

fn answer(stream: TcpStream, hits: &Mutex<HashMap<String, usize>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or("").to_string());
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let (status, extra) = match path.as_str() {
        "/live" => ("200 OK", String::new()),
        "/missing" => ("404 Not Found", String::new()),
        "/broken" => ("500 Internal Server Error", String::new()),
        "/moved" => ("301 Moved Permanently", "Location: /live\r\n".to_string()),
        "/slow" => {
            std::thread::sleep(Duration::from_millis(700));
            ("200 OK", String::new())
        }
        "/hang" => {
            std::thread::sleep(Duration::from_secs(30));
            return;
        }
        "/get-only" if method == "HEAD" => ("405 Method Not Allowed", String::new()),
        "/get-only" => ("200 OK", String::new()),
        _ => ("404 Not Found", String::new()),
    };
    let mut stream = stream;
    let _ = write!(stream, "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n");
}

fn site_citing(server: &TestServer) -> TestSite {
    let cite = |path: &str| format!("  - title: \"Source {path}\"\n    url: {}\n", server.url(path));
    let supporting: String = ["/live", "/missing", "/broken", "/moved"].iter().map(|p| cite(p)).collect();
    let contradicting: String = ["/slow", "/hang", "/get-only"].iter().map(|p| cite(p)).collect();
    let claim = format!(
        "---\nclaim: \"A claim.\"\nspeaker: Ann Lee\nverdict: \"true\"\npublished: 2025-01-01\nclaim_url: {}\nsupporting:\n{supporting}contradicting:\n{contradicting}---\nBody.\n",
        server.url("/live")
    );
    TestSite::with_config(&[("content/claims/c.md", &claim)])
}

fn options() -> LinkCheckOptions {
    LinkCheckOptions {
        timeout: Duration::from_secs(2),
        slow_after: Duration::from_millis(400),
        politeness: Duration::from_millis(1),
        ..Default::default()
    }
}

fn by_path<'a>(results: &'a [LinkResult], server: &TestServer, path: &str) -> &'a LinkResult {
    results.iter().find(|r| r.target.url == server.url(path)).unwrap_or_else(|| panic!("no result for {path}"))
}

#[test]
fn every_kind_of_answer_is_classified_with_where_it_is_used() {
    let server = TestServer::start();
    let site = site_citing(&server);
    let (_, results) = verdict::check_external(&site.options(), &options(), &|_| {}).expect("checks");
    assert_eq!(results.len(), 7, "one result per distinct URL");
    assert_eq!(by_path(&results, &server, "/live").status, LinkStatus::Live { status: 200 });
    assert_eq!(by_path(&results, &server, "/get-only").status, LinkStatus::Live { status: 200 });
    assert_eq!(
        by_path(&results, &server, "/moved").status,
        LinkStatus::Redirected { status: 200, to: server.url("/live") }
    );
    for (path, reason) in [("/missing", "404"), ("/broken", "500"), ("/hang", "timeout")] {
        match &by_path(&results, &server, path).status {
            LinkStatus::Dead { reason: found } => assert!(found.contains(reason), "{path}: {found}"),
            other => panic!("{path} should be dead, got {other:?}"),
        }
    }
    let slow = by_path(&results, &server, "/slow");
    assert!(slow.slow && matches!(slow.status, LinkStatus::Live { .. }), "{slow:?}");
    // /live is used twice: as claim_url (line 6) and as the first citation's url (line 9).
    let uses: Vec<(usize, usize)> =
        by_path(&results, &server, "/live").target.uses.iter().map(|u| (u.line, u.column)).collect();
    assert_eq!(uses, vec![(6, 12), (9, 10)]);
    assert!(by_path(&results, &server, "/live").target.uses[0].path.ends_with("content/claims/c.md"));
}

#[test]
fn the_cache_makes_a_second_run_skip_the_network() {
    let server = TestServer::start();
    let site = site_citing(&server);
    let options = LinkCheckOptions { timeout: Duration::from_secs(1), ..options() };
    verdict::check_external(&site.options(), &options, &|_| {}).unwrap();
    let requests = server.hits();
    assert!(requests >= 7, "{requests} requests");
    let (_, results) = verdict::check_external(&site.options(), &options, &|_| {}).unwrap();
    assert_eq!(server.hits(), requests, "the second run made requests");
    assert!(results.iter().all(|r| r.cached));
    assert!(matches!(by_path(&results, &server, "/missing").status, LinkStatus::Dead { .. }));
    // A zero lifetime means: always ask again.
    let fresh = LinkCheckOptions { cache_ttl: Duration::ZERO, ..options };
    verdict::check_external(&site.options(), &fresh, &|_| {}).unwrap();
    assert!(server.hits() > requests);
}

#[test]
fn the_command_reports_dead_links_with_their_lines_and_exits_1() {
    let server = TestServer::start();
    let site = site_citing(&server);
    let run = site.cli(&["check", "--external", "--timeout", "1", "--cache-hours", "0"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("dead links (3):"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{} (HTTP 404 Not Found)", server.url("/missing"))), "{}", run.stdout);
    assert!(run.stdout.contains("content/claims/c.md:11:10"), "{}", run.stdout);
    assert!(run.stdout.contains(&format!("{} -> {}", server.url("/moved"), server.url("/live"))), "{}", run.stdout);
    assert!(run.stdout.contains("checked 7 links (0 from cache): 3 dead, 1 redirected"), "{}", run.stdout);
    // Not a terminal: plain progress lines, no progress bar.
    assert!(run.stderr.contains("checking 7 links (0 from cache)") && run.stderr.contains("[7/7]"), "{}", run.stderr);
}

#[test]
fn a_site_with_only_live_links_passes() {
    let server = TestServer::start();
    let claim = format!(
        "---\nclaim: \"A claim.\"\nspeaker: Ann Lee\nverdict: \"true\"\npublished: 2025-01-01\nsupporting:\n  - title: \"Live\"\n    url: {}\ncontradicting: []\n---\n",
        server.url("/live")
    );
    let site = TestSite::with_config(&[("content/claims/c.md", &claim)]);
    let run = site.cli(&["check", "--external"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("checked 1 links (0 from cache): 0 dead"), "{}", run.stdout);
}
