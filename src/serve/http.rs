//! The preview's HTTP server (axum): the in-memory site, live reload over
//! server-sent events, and nothing else.
//!
//! Files come from the cache, or from the site thread when the cache does
//! not hold them fresh, never from disk, so no request path can reach a file
//! outside the site: a path is percent-decoded exactly once (a double-encoded
//! `%252e%252e` stays a literal, unknown name) and looked up. HTML responses
//! get the live-reload script injected before `</body>`; the `build` output
//! never contains it. `/__verdict/status` reports the cache, the pages still
//! to render and the open live-reload connections, as JSON.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::sync::{broadcast, oneshot};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::cache::Cache;
use super::pages::Answer;
use super::worker::Work;

/// The reserved URL prefix of the preview's own endpoints.
pub const PREFIX: &str = "/__verdict/";
const LIVE_JS: &str = include_str!("live.js");
const SCRIPT_TAG: &str = "<script src=\"/__verdict/live.js\" defer></script>";

/// A message to open tabs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LiveEvent {
    /// Pages changed: tabs showing one of `paths` (output paths) reload.
    Reload { paths: Vec<String>, all: bool },
    /// Only stylesheets changed: swap them in place.
    Css,
    /// The site has problems: show them over the page.
    Error { text: String },
    /// The problems are fixed.
    Ok,
}

/// Sends live events to every open tab, and remembers the current error so
/// that a tab opened while the site is broken shows it at once.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<LiveEvent>,
    current_error: Arc<RwLock<Option<LiveEvent>>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub { sender: broadcast::channel(64).0, current_error: Arc::default() }
    }
}

impl Hub {
    pub fn send(&self, event: LiveEvent) {
        if let Ok(mut current) = self.current_error.write() {
            match &event {
                LiveEvent::Error { .. } => *current = Some(event.clone()),
                LiveEvent::Ok | LiveEvent::Reload { .. } => *current = None,
                LiveEvent::Css => {}
            }
        }
        // No receiver (no open tab) is fine.
        let _ = self.sender.send(event);
    }

    /// How many live-reload connections are open: each holds one receiver,
    /// dropped when its connection ends.
    pub fn clients(&self) -> usize {
        self.sender.receiver_count()
    }
}

/// What the server's handlers share.
#[derive(Clone)]
pub struct Shared {
    pub cache: Arc<Cache>,
    pub hub: Hub,
    /// The site thread, for what the cache cannot answer.
    pub work: mpsc::Sender<Work>,
    /// Pages still to render in the background.
    pub queue_length: Arc<AtomicUsize>,
    /// Ends the live-reload streams at Ctrl-C.
    pub shutdown: broadcast::Sender<()>,
}

/// The router of the preview server.
pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/__verdict/live.js", get(live_js))
        .route("/__verdict/events", get(events))
        .route("/__verdict/status", get(status))
        .fallback(serve_site)
        .with_state(shared)
}

/// What `/__verdict/status` reports.
#[derive(Serialize)]
struct Status {
    live_reload_clients: usize,
    pages_queued: usize,
    cache: super::cache::CacheStats,
}

async fn status(State(state): State<Shared>) -> impl IntoResponse {
    let status = Status {
        live_reload_clients: state.hub.clients(),
        pages_queued: state.queue_length.load(Ordering::Relaxed),
        cache: state.cache.stats(),
    };
    (
        [(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")],
        serde_json::to_string(&status).unwrap_or_default(),
    )
}

async fn live_js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], LIVE_JS)
}

async fn events(State(state): State<Shared>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let initial = state.hub.current_error.read().ok().and_then(|e| e.clone());
    let updates = BroadcastStream::new(state.hub.sender.subscribe()).filter_map(Result::ok).map(Some);
    // Streams end at shutdown (a `None`), so Ctrl-C is not held up by open tabs.
    let stop = BroadcastStream::new(state.shutdown.subscribe()).map(|_| None);
    let stream = tokio_stream::iter(initial.map(Some))
        .chain(updates.merge(stop))
        .take_while(Option::is_some)
        .filter_map(|event| event)
        .map(|event| Ok(Event::default().data(serde_json::to_string(&event).unwrap_or_default())));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// The content type of an output path, by extension.
pub fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if path.ends_with("feed.xml") => "application/atom+xml; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "csv" => "text/csv; charset=utf-8",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The output path for a request path, or `None` when the path is not a
/// plain path inside the site (`..`, backslashes, NUL, bad encoding).
pub fn output_path(request_path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(request_path).decode_utf8().ok()?;
    let relative = decoded.strip_prefix('/').unwrap_or(&decoded);
    if relative.contains(['\\', '\0']) || relative.split('/').any(|segment| segment == ".." || segment == ".") {
        return None;
    }
    if relative.is_empty() || relative.ends_with('/') {
        Some(format!("{relative}index.html"))
    } else {
        Some(relative.to_string())
    }
}

/// Adds the live-reload script to a page.
fn inject(html: &[u8], status: StatusCode) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    // The live-reload script reloads a "not found" page on any change: the
    // page may exist now.
    let marker = if status == StatusCode::NOT_FOUND { "<html data-verdict-status=\"404\"" } else { "<html" };
    let text = text.replacen("<html", marker, 1);
    match text.rfind("</body>") {
        Some(at) => format!("{}{SCRIPT_TAG}\n{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{SCRIPT_TAG}\n").into_bytes(),
    }
}

/// Shown, under the overlay that lists the problems, for a page that cannot
/// be rendered and has no earlier version to show.
const BROKEN_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>This page cannot be rendered</title></head><body><p>verdict cannot render this page: its problems are listed above and in the terminal. The page appears here once they are fixed.</p></body></html>";

async fn serve_site(State(state): State<Shared>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "method not allowed\n")
            .into_response();
    }
    let head = method == Method::HEAD;
    let requested = output_path(uri.path());
    if let Some(path) = &requested {
        if let Some(cached) = state.cache.get(path).filter(|c| c.fresh) {
            return respond(StatusCode::OK, path, &cached.bytes, head);
        }
    }
    // Not rendered yet, or out of date: the site thread renders it.
    let (reply, answer) = oneshot::channel();
    if state.work.send(Work::Request { path: requested, reply }).is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "the preview is stopping\n").into_response();
    }
    let Ok(answer) = answer.await else {
        return (StatusCode::SERVICE_UNAVAILABLE, "the preview is stopping\n").into_response();
    };
    match answer {
        Answer::Found { path, bytes } => respond(StatusCode::OK, &path, &bytes, head),
        Answer::Broken => respond(StatusCode::INTERNAL_SERVER_ERROR, "index.html", BROKEN_PAGE.as_bytes(), head),
        Answer::Redirect => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, format!("{}/", uri.path()))]).into_response()
        }
        Answer::NotFound(Some(page)) => respond(StatusCode::NOT_FOUND, "404.html", &page, head),
        Answer::NotFound(None) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// A response with the file's bytes (HTML gets the live-reload script).
fn respond(status: StatusCode, path: &str, bytes: &[u8], head: bool) -> Response {
    let content_type = content_type(path);
    let body: Vec<u8> = if content_type.starts_with("text/html") { inject(bytes, status) } else { bytes.to_vec() };
    let length = body.len();
    let mut response = Response::new(if head { Body::empty() } else { Body::from(body) });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_outputs_and_never_climb() {
        assert_eq!(output_path("/").as_deref(), Some("index.html"));
        assert_eq!(output_path("/claims/x/").as_deref(), Some("claims/x/index.html"));
        assert_eq!(output_path("/style.css").as_deref(), Some("style.css"));
        assert_eq!(output_path("/a%20b/").as_deref(), Some("a b/index.html"));
        for bad in
            ["/../site.yaml", "/claims/../../etc/passwd", "/%2e%2e/site.yaml", "/a\\..\\b", "/%00", "/./x", "/%ff"]
        {
            assert_eq!(output_path(bad), None, "{bad}");
        }
        // Decoded once: a double-encoded dot-dot is a literal (unknown) name.
        assert_eq!(output_path("/%252e%252e/site.yaml").as_deref(), Some("%2e%2e/site.yaml"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("search-index.json"), "application/json");
        assert_eq!(content_type("logo.SVG"), "image/svg+xml");
        assert_eq!(content_type("blob"), "application/octet-stream");
    }

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let html = inject(b"<html><body><p>x</p></body></html>", StatusCode::OK);
        assert_eq!(String::from_utf8(html).unwrap(), format!("<html><body><p>x</p>{SCRIPT_TAG}\n</body></html>"));
        let missing =
            String::from_utf8(inject(b"<html lang=\"en\"><body></body></html>", StatusCode::NOT_FOUND)).unwrap();
        assert!(missing.starts_with("<html data-verdict-status=\"404\" lang=\"en\">"), "{missing}");
    }
}
