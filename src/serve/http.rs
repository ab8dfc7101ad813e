//! The preview's HTTP server (axum): the in-memory site, live reload over
//! server-sent events, and nothing else.
//!
//! Pages come from the map of outputs, never from disk, so no request path can
//! reach a file outside the site: a path is percent-decoded exactly once
//! (a double-encoded `%252e%252e` stays a literal, unknown name) and looked up.
//! HTML responses get the live-reload script injected before `</body>`; the
//! `build` output never contains it.

use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::state::Outputs;

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
}

#[derive(Clone)]
struct AppState {
    outputs: Outputs,
    hub: Hub,
    shutdown: broadcast::Sender<()>,
}

/// The router of the preview server.
pub fn router(outputs: Outputs, hub: Hub, shutdown: broadcast::Sender<()>) -> Router {
    Router::new()
        .route("/__verdict/live.js", get(live_js))
        .route("/__verdict/events", get(events))
        .fallback(serve_site)
        .with_state(AppState { outputs, hub, shutdown })
}

async fn live_js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], LIVE_JS)
}

async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
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

async fn serve_site(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "GET, HEAD")], "method not allowed\n")
            .into_response();
    }
    let head = method == Method::HEAD;
    let Ok(outputs) = state.outputs.read() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "the site is being rebuilt\n").into_response();
    };
    let requested = output_path(uri.path());
    let found = requested.as_ref().and_then(|path| outputs.get(path).map(|bytes| (path.clone(), Arc::clone(bytes))));
    if found.is_none() {
        // A folder asked for without its trailing slash: redirect, as static hosts do.
        if let Some(path) = requested.filter(|p| !p.ends_with("index.html")) {
            if outputs.contains_key(&format!("{path}/index.html")) {
                let location = format!("{}/", uri.path());
                return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
            }
        }
    }
    let (status, path, bytes) = match found {
        Some((path, bytes)) => (StatusCode::OK, path, bytes),
        None => match outputs.get("404.html") {
            Some(page) => (StatusCode::NOT_FOUND, "404.html".to_string(), Arc::clone(page)),
            None => return (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    };
    drop(outputs);
    let content_type = content_type(&path);
    let body: Vec<u8> = if content_type.starts_with("text/html") { inject(&bytes, status) } else { bytes.to_vec() };
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
