//! `verdict serve`: a live preview that keeps up with the author.
//!
//! [`state::Preview`] keeps the whole site in memory and re-renders only what
//! a change touches ([`crate::render::graph`]); [`http`] serves it with live reload over
//! server-sent events; a debounced file watcher (notify) feeds changes to a
//! rebuild thread. The library reports what happens through a callback; the
//! binary prints it.

pub mod http;
pub mod state;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::diagnostic::Diagnostic;
use crate::BuildError;
use http::{Hub, LiveEvent};
pub use state::{Outcome, Preview, Rebuild};

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
    /// Serving at `url`; the first build took `millis` (or failed: see `Problems`).
    Listening {
        url: String,
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

/// How long the site must stay unchanged before the generated files (feed,
/// sitemap, search index, open data) are refreshed.
const REFRESH_AFTER_IDLE: Duration = Duration::from_millis(300);

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

    // Watch before the first build: a save made while it runs is queued, not lost.
    let (changes, changed) = mpsc::channel::<Vec<PathBuf>>();
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
            let _ = changes.send(paths);
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

    let (mut preview, first) = Preview::open(&root, options.drafts, &url)?;
    let hub = Hub::default();
    match first {
        Outcome::Rebuilt(rebuild) => {
            report(ServeMessage::Listening { url: url.clone(), pages: rebuild.pages, millis: rebuild.millis })
        }
        Outcome::Failed(problems) => {
            report(ServeMessage::Listening { url: url.clone(), pages: 0, millis: 0 });
            hub.send(LiveEvent::Error { text: problems_text(&problems) });
            report(ServeMessage::Problems(problems));
        }
        Outcome::Unchanged => {}
    }
    let outputs = preview.outputs();

    let report = std::sync::Arc::new(report);
    let rebuild_hub = hub.clone();
    let rebuild_report = std::sync::Arc::clone(&report);
    let rebuild_root = root.clone();
    std::thread::spawn(move || {
        let mut generated_stale = false;
        loop {
            // The feed, sitemap, search index and open data are refreshed when the
            // author pauses, so that they never delay the next save's preview.
            let mut paths = if generated_stale {
                match changed.recv_timeout(REFRESH_AFTER_IDLE) {
                    Ok(paths) => paths,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        preview.refresh_generated_files();
                        generated_stale = false;
                        continue;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => break,
                }
            } else {
                match changed.recv() {
                    Ok(paths) => paths,
                    Err(_) => break,
                }
            };
            // Take every change that arrived meanwhile: one rebuild for all of them.
            while let Ok(more) = changed.try_recv() {
                paths.extend(more);
            }
            // A watched folder created after start (say static/) is watched from now on.
            for folder in WATCHED_FOLDERS {
                let path = rebuild_root.join(folder);
                if paths.contains(&path) && path.is_dir() {
                    let _ = debouncer.watch(&path, RecursiveMode::Recursive);
                }
            }
            match preview.apply(&paths) {
                Outcome::Rebuilt(rebuild) => {
                    if rebuild.css_only {
                        rebuild_hub.send(LiveEvent::Css);
                    } else {
                        let paths: Vec<String> = rebuild.written.iter().chain(&rebuild.removed).cloned().collect();
                        rebuild_hub.send(LiveEvent::Reload { paths, all: false });
                    }
                    rebuild_report(ServeMessage::Rebuilt(rebuild));
                    generated_stale = true;
                }
                Outcome::Failed(problems) => {
                    rebuild_hub.send(LiveEvent::Error { text: problems_text(&problems) });
                    rebuild_report(ServeMessage::Problems(problems));
                }
                Outcome::Unchanged => {}
            }
        }
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
        let app = http::router(outputs, hub, shutdown.clone());
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

/// Problems as the terminal shows them, for the browser overlay.
pub fn problems_text(problems: &[Diagnostic]) -> String {
    let mut text = problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n\n");
    text.push_str(&format!("\n\n{} problem{} found", problems.len(), if problems.len() == 1 { "" } else { "s" }));
    text
}
