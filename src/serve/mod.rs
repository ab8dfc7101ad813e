//! `verdict serve`: a live preview that keeps up with the author.
//!
//! [`state::Preview`] keeps the site's model in memory; the server starts as
//! soon as the model is built, and pages are rendered when a browser asks for
//! them ([`pages`]), the rest in the background behind that, into a bounded
//! [`cache`]. A change re-renders only what it touches
//! ([`crate::render::graph`]). [`http`] serves the cache with live reload over
//! server-sent events; a debounced file watcher (notify) feeds changes to the
//! site thread ([`worker`]), which owns the preview. The library reports what
//! happens through a callback; the binary prints it.

pub mod cache;
mod change;
pub mod http;
pub mod pages;
mod patch;
pub mod state;
pub mod worker;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::diagnostic::Diagnostic;
use crate::BuildError;
use http::{Hub, LiveEvent};
pub use pages::Answer;
pub use state::{Outcome, Preview, Rebuild};
use worker::Work;

/// What `verdict serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    /// The port was given on the command line: if it is taken, fail rather than pick another.
    pub port_given: bool,
    pub drafts: bool,
}

/// What happens while serving, for the binary to print.
#[derive(Debug, Clone)]
pub enum ServeMessage {
    /// The requested port was taken; another one is used.
    PortTaken {
        wanted: u16,
        using: u16,
    },
    /// Serving at `url`: the site of `pages` pages was loaded and modelled in
    /// `millis` (`pages` is 0 when it has problems: see `Problems`). Pages are
    /// rendered as they are asked for.
    Listening {
        url: String,
        pages: usize,
        millis: u128,
    },
    /// The pages nobody had asked for were rendered in the background.
    Rendered {
        pages: usize,
        millis: u128,
    },
    Rebuilt(Rebuild),
    Problems(Vec<Diagnostic>),
    /// The file watcher reported an error (the server keeps running).
    WatchError(String),
    Stopped,
}

/// Folders (under the root) whose contents make the site.
const WATCHED_FOLDERS: [&str; 5] = ["content", "templates", "themes", "static", "i18n"];

/// How long the watcher waits for a burst of file events to settle (an
/// editor's write-to-temp-then-rename is one burst).
const DEBOUNCE: Duration = Duration::from_millis(10);

/// Binds the listening socket, moving to the next free port if the default is taken.
fn bind(options: &ServeOptions, report: &dyn Fn(ServeMessage)) -> Result<TcpListener, BuildError> {
    let in_use = |port: u16| format!("{}:{port} is already in use", options.bind);
    match TcpListener::bind(SocketAddr::new(options.bind, options.port)) {
        Ok(listener) => return Ok(listener),
        Err(e) if e.kind() != std::io::ErrorKind::AddrInUse => {
            return Err(BuildError::Usage(format!("cannot listen on {}:{}: {e}", options.bind, options.port)))
        }
        Err(_) => {}
    }
    let next_free = (options.port.saturating_add(1)..=options.port.saturating_add(100))
        .find_map(|port| TcpListener::bind(SocketAddr::new(options.bind, port)).ok().map(|l| (port, l)));
    match next_free {
        Some((port, _)) if options.port_given => {
            Err(BuildError::Usage(format!("{}; port {port} is free: try `--port {port}`", in_use(options.port))))
        }
        Some((port, listener)) => {
            report(ServeMessage::PortTaken { wanted: options.port, using: port });
            Ok(listener)
        }
        None => Err(BuildError::Usage(format!(
            "{} and so are the next 100 ports: choose one with --port",
            in_use(options.port)
        ))),
    }
}

/// Builds the site, serves it, watches it, and rebuilds on change until Ctrl-C.
pub fn run(options: ServeOptions, report: impl Fn(ServeMessage) + Send + Sync + 'static) -> Result<(), BuildError> {
    if !options.root.join("site.yaml").is_file() {
        return Err(BuildError::Usage(format!(
            "no site.yaml in {}: run verdict in a site folder or pass --root DIR",
            options.root.display()
        )));
    }
    // notify reports absolute, resolved paths; the root must be spelled the same way.
    let root =
        options.root.canonicalize().map_err(|e| BuildError::Usage(format!("{}: {e}", options.root.display())))?;
    let listener = bind(&options, &report)?;
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(options.port);
    let host = if options.bind.is_unspecified() { "localhost".to_string() } else { options.bind.to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let url = format!("http://{host}:{port}/");

    // Watch before the site is loaded: a save made meanwhile is queued, not lost.
    let (work, work_queue) = worker::channel();
    let changes = work.clone();
    let results = work.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let paths: Vec<PathBuf> = match result {
            // Reading a file is an event too (inotify's open/access): only
            // creations, writes, renames and removals change the site.
            Ok(events) => events
                .into_iter()
                .filter(|e| matches!(e.event.kind, EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)))
                .filter(|e| !matches!(e.event.kind, EventKind::Modify(ModifyKind::Metadata(_))))
                .flat_map(|e| e.event.paths)
                .collect(),
            Err(_) => return,
        };
        if !paths.is_empty() {
            let _ = changes.send(Work::Changed(paths));
        }
    })
    .map_err(|e| BuildError::Usage(format!("cannot watch {}: {e}", root.display())))?;
    debouncer
        .watch(&root, RecursiveMode::NonRecursive)
        .map_err(|e| BuildError::Usage(format!("cannot watch {}: {e}", root.display())))?;
    for folder in WATCHED_FOLDERS {
        if root.join(folder).is_dir() {
            if let Err(e) = debouncer.watch(root.join(folder), RecursiveMode::Recursive) {
                report(ServeMessage::WatchError(format!("cannot watch {folder}/: {e}")));
            }
        }
    }

    // Load and model the site; pages are rendered when asked for.
    let started = std::time::Instant::now();
    let (preview, first) = Preview::open(&root, options.drafts, &url)?;
    let hub = Hub::default();
    match first {
        Outcome::Rebuilt(rebuild) => report(ServeMessage::Listening {
            url: url.clone(),
            pages: rebuild.deferred.len(),
            millis: started.elapsed().as_millis(),
        }),
        Outcome::Failed(problems) => {
            report(ServeMessage::Listening { url: url.clone(), pages: 0, millis: 0 });
            hub.send(LiveEvent::Error { text: problems_text(&problems) });
            report(ServeMessage::Problems(problems));
        }
        Outcome::Unchanged => {}
    }
    let cache = preview.cache();
    let queue_length = preview.queue_length();

    let report: std::sync::Arc<dyn Fn(ServeMessage) + Send + Sync> = std::sync::Arc::new(report);
    let site_hub = hub.clone();
    let site_report = std::sync::Arc::clone(&report);
    std::thread::spawn(move || {
        let watch = |path: &std::path::Path| {
            let _ = debouncer.watch(path, RecursiveMode::Recursive);
        };
        worker::run(preview, work_queue, results, site_hub, site_report, watch, &WATCHED_FOLDERS);
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| BuildError::Usage(format!("cannot start the server: {e}")))?;
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let (shutdown, _) = tokio::sync::broadcast::channel::<()>(1);
        let app = http::router(http::Shared { cache, hub, work, queue_length, shutdown: shutdown.clone() });
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                let _ = shutdown.send(());
            })
            .await
    });
    report(ServeMessage::Stopped);
    served.map_err(|e| BuildError::Usage(format!("the server stopped: {e}")))
}

/// At most this many problems are sent to the overlay (a template error can
/// make every page of a large site fail; the terminal has them all).
const OVERLAY_PROBLEMS: usize = 20;

/// Problems as the terminal shows them, for the browser overlay.
pub fn problems_text(problems: &[Diagnostic]) -> String {
    let shown = &problems[..problems.len().min(OVERLAY_PROBLEMS)];
    let mut text = shown.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n\n");
    if problems.len() > shown.len() {
        text.push_str(&format!("\n\nand {} more: see the terminal", problems.len() - shown.len()));
    }
    text.push_str(&format!("\n\n{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" }));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_shows_the_first_problems_and_counts_the_rest() {
        let problems: Vec<Diagnostic> =
            (0..25).map(|i| Diagnostic::file_error(format!("content/claims/c{i:02}.md"), "cannot render")).collect();
        let text = problems_text(&problems);
        assert!(text.contains("c19.md") && !text.contains("c20.md"), "{text}");
        assert!(text.ends_with("and 5 more: see the terminal\n\n25 problems found"), "{text}");
        assert_eq!(problems_text(&problems[..1]).matches("problem").count(), 1);
    }
}
