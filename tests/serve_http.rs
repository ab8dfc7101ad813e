//! `verdict serve` over real HTTP: status codes, content types, HEAD, path
//! traversal (plain, encoded, double-encoded), live-reload injection, a taken
//! port, a clean stop on Ctrl-C (SIGINT), live-reload clients that vanish,
//! and a static file that links outside the site.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// A running `verdict serve`, stopped (SIGINT) when dropped.
struct Server {
    child: Child,
    port: u16,
    stdout: BufReader<std::process::ChildStdout>,
    stderr: std::process::ChildStderr,
}

impl Server {
    fn start(site: &TestSite, extra: &[&str]) -> Server {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_verdict"))
            .args(["serve", "--root"])
            .arg(&site.root)
            .args(["--port", &port.to_string()])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("verdict serve starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let stderr = child.stderr.take().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert!(line.starts_with(&format!("serving http://127.0.0.1:{port}/")), "first line: {line:?}");
        Server { child, port, stdout, stderr }
    }

    /// Opens a live-reload connection and returns it once the server has
    /// answered with the event stream's headers.
    fn live_reload(&self) -> TcpStream {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(stream, "GET /__verdict/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).unwrap(), 1, "the stream ended in its headers");
            head.push(byte[0]);
        }
        assert!(head.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&head));
        stream
    }

    /// `/__verdict/status`, parsed.
    fn status(&self) -> serde_json::Value {
        let (status, _, body) = self.get("/__verdict/status");
        assert_eq!(status, 200);
        serde_json::from_str(&body).unwrap()
    }

    /// Waits until the server counts `n` open live-reload connections. The
    /// deadline is far beyond what it takes: it only stops a test that would
    /// otherwise hang.
    fn wait_for_clients(&self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let status = self.status();
            if status["live_reload_clients"] == n {
                return;
            }
            assert!(Instant::now() < deadline, "never {n} live-reload clients: {status}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A raw HTTP/1.1 request; returns (status, headers, body).
    fn request(&self, method: &str, path: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
        (status, head.to_lowercase(), response[split + 4..].to_vec())
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        let (status, head, body) = self.request("GET", path);
        (status, head, String::from_utf8_lossy(&body).into_owned())
    }

    fn interrupt(&mut self) -> (std::process::ExitStatus, String) {
        Command::new("kill").args(["-INT", &self.child.id().to_string()]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut rest = String::new();
                self.stdout.read_to_string(&mut rest).unwrap();
                self.stderr.read_to_string(&mut rest).unwrap();
                return (status, rest);
            }
            assert!(Instant::now() < deadline, "serve did not stop within 10 s of Ctrl-C");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn a_site() -> TestSite {
    TestSite::with_config(&[
        ("content/claims/one.md", &claim("Ann Lee", "true", "2025-01-01", "")),
        ("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("secret.txt", "do not serve"),
    ])
}

#[test]
fn pages_assets_and_not_found() {
    let site = a_site();
    let server = Server::start(&site, &[]);
    let (status, head, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"), "{head}");
    assert!(body.contains("<script src=\"/__verdict/live.js\" defer></script>\n</body>"), "live reload injected");

    let (status, _, body) = server.get("/claims/one/");
    assert_eq!(status, 200);
    assert!(body.contains("A statement by Ann Lee."));
    for (path, content_type) in [
        ("/style.css", "text/css"),
        ("/feed.xml", "application/atom+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/search-index.json", "application/json"),
        ("/robots.txt", "text/plain"),
        ("/img/logo.svg", "image/svg+xml"),
        ("/__verdict/live.js", "text/javascript"),
    ] {
        let (status, head, _) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(head.contains(&format!("content-type: {content_type}")), "{path}: {head}");
    }
    // Folders without the trailing slash redirect, as static hosts do.
    let (status, head, _) = server.get("/claims/one");
    assert_eq!(status, 301);
    assert!(head.contains("location: /claims/one/"), "{head}");
    // Unknown paths: the site's own 404 page, with status 404.
    let (status, _, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found") && body.contains("/__verdict/live.js"));
    // Only GET and HEAD.
    assert_eq!(server.request("POST", "/").0, 405);
}

#[test]
fn head_requests_have_headers_and_no_body() {
    let site = a_site();
    let server = Server::start(&site, &[]);
    let (_, _, full) = server.request("GET", "/claims/one/");
    let (status, head, body) = server.request("HEAD", "/claims/one/");
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD has no body");
    assert!(head.contains(&format!("content-length: {}", full.len())), "{head}");
}

#[test]
fn paths_cannot_leave_the_site() {
    let site = a_site();
    let server = Server::start(&site, &[]);
    for path in [
        "/../site.yaml",
        "/../secret.txt",
        "/claims/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%252e%252e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/static/img/logo.svg",
        "/content/claims/one.md",
        "/site.yaml",
    ] {
        let (status, _, body) = server.get(path);
        assert_ne!(status, 200, "{path} was served");
        assert!(!body.contains("do not serve") && !body.contains("base_url"), "{path} leaked a file");
    }
}

#[test]
fn an_explicit_port_that_is_taken_is_a_usage_error() {
    let site = a_site();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let given = Command::new(env!("CARGO_BIN_EXE_verdict"))
        .args(["serve", "--root"])
        .arg(&site.root)
        .args(["--port", &port.to_string()])
        .output()
        .unwrap();
    assert_eq!(given.status.code(), Some(2), "an explicit taken port is a usage error");
    let stderr = String::from_utf8_lossy(&given.stderr);
    assert!(stderr.contains("already in use") && stderr.contains("--port"), "{stderr}");
}

#[test]
fn ctrl_c_stops_cleanly() {
    let site = a_site();
    let mut server = Server::start(&site, &[]);
    // An open live-reload connection must not hold the shutdown up.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(events, "GET /__verdict/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let (status, rest) = server.interrupt();
    assert!(status.success(), "exit status {status:?}");
    assert!(rest.contains("stopped"), "{rest}");
}

#[test]
fn live_reload_clients_that_vanish_mid_stream_are_let_go() {
    let site = a_site();
    let server = Server::start(&site, &[]);
    let tabs: Vec<TcpStream> = (0..64).map(|_| server.live_reload()).collect();
    server.wait_for_clients(64);
    // Closed without a word, as a tab that is killed or a laptop that sleeps.
    drop(tabs);
    server.wait_for_clients(0);
    // The server still answers, and a new tab is counted.
    let _tab = server.live_reload();
    server.wait_for_clients(1);
    assert_eq!(server.get("/claims/one/").0, 200);
}

#[test]
fn a_static_file_linked_outside_the_site_is_reported_in_the_terminal_and_the_browser() {
    let site = a_site();
    let outside = site.dir.path().join("outside.txt");
    std::fs::write(&outside, "SECRET\n").unwrap();
    std::os::unix::fs::symlink(&outside, site.path("static/leak.txt")).unwrap();
    let mut server = Server::start(&site, &[]);
    // A tab opened now gets the problem at once, for its overlay.
    let mut tab = server.live_reload();
    let mut event = Vec::new();
    let mut byte = [0u8; 1];
    while !event.ends_with(b"\n\n") {
        assert_eq!(tab.read(&mut byte).unwrap(), 1, "the stream ended");
        event.push(byte[0]);
    }
    let event = String::from_utf8_lossy(&event);
    assert!(event.contains("\"kind\":\"error\""), "{event}");
    assert!(event.contains("static/leak.txt") && event.contains("leads outside the site root"), "{event}");
    assert!(!event.contains("SECRET"), "{event}");
    let (status, _, body) = server.get("/leak.txt");
    assert_ne!(status, 200);
    assert!(!body.contains("SECRET"));
    drop(tab);
    let (_, output) = server.interrupt();
    assert!(output.contains("--> static/leak.txt") || output.contains("static/leak.txt"), "{output}");
    assert!(output.contains("leads outside the site root"), "{output}");
    assert!(!output.contains("SECRET"), "{output}");
}
