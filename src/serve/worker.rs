//! The site thread: the one owner of the [`Preview`]. It applies file changes,
//! answers the requests the cache could not, and in between renders the
//! pages nobody has asked for yet, a few at a time, so that a request or a
//! save never waits behind more than one small batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::http::{Hub, LiveEvent};
use super::pages::Answer;
use super::{problems_text, Outcome, Preview, ServeMessage};
use crate::diagnostic::Diagnostic;

/// What the site thread is asked to do.
pub enum Work {
    /// Files changed (absolute paths, as the watcher reports them).
    Changed(Vec<PathBuf>),
    /// A request the cache could not answer: the output path asked for
    /// (`None` when the request path is not a plain path inside the site).
    Request { path: Option<String>, reply: oneshot::Sender<Answer> },
}

/// How many pages the background renders between two looks at the channel:
/// one, so that a request or a save waits for one page at most (a
/// millisecond or a few), not for a batch.
const BATCH: usize = 1;

/// How long the site must stay unchanged before the generated files (feed,
/// sitemap, search index, open data) are refreshed.
const REFRESH_AFTER_IDLE: Duration = Duration::from_millis(300);

/// More pages than this touched by one change and not rendered at once: every
/// tab asks for its page again, rather than receiving the list.
const LISTED_PATHS: usize = 200;

/// The problems open tabs are shown: the model's (the site does not build)
/// and the pages' (some pages cannot be rendered).
#[derive(Default)]
struct Overlay {
    model: Vec<Diagnostic>,
    pages: Vec<Diagnostic>,
    shown: bool,
}

impl Overlay {
    fn all(&self) -> Vec<Diagnostic> {
        self.model.iter().chain(&self.pages).cloned().collect()
    }

    /// Tells tabs and the terminal about the current problems, or that they are gone.
    fn publish(&mut self, hub: &Hub, report: &dyn Fn(ServeMessage)) {
        let problems = self.all();
        if problems.is_empty() {
            if std::mem::take(&mut self.shown) {
                hub.send(LiveEvent::Ok);
            }
            return;
        }
        hub.send(LiveEvent::Error { text: problems_text(&problems) });
        report(ServeMessage::Problems(problems));
        self.shown = true;
    }
}

/// Runs the site thread until the channel closes. `watch` is called with
/// each watched folder that appeared after start.
pub fn run(
    mut preview: Preview,
    work: Receiver<Work>,
    hub: Hub,
    report: Arc<dyn Fn(ServeMessage) + Send + Sync>,
    mut watch: impl FnMut(&Path),
    watched_folders: &[&str],
) {
    let mut overlay = Overlay::default();
    let mut background: Option<(Instant, usize)> = None;
    // Problems found in the background and not yet told.
    let mut background_problems: Option<Vec<Diagnostic>> = None;
    loop {
        let first = if preview.has_queued() {
            match work.try_recv() {
                Ok(first) => Some(first),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else if preview.generated_files_stale() {
            // The feed, sitemap, search index and open data are refreshed when the
            // author pauses, so that they never delay the next save's preview.
            match work.recv_timeout(REFRESH_AFTER_IDLE) {
                Ok(first) => Some(first),
                Err(RecvTimeoutError::Timeout) => {
                    preview.refresh_generated_files();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match work.recv() {
                Ok(first) => Some(first),
                Err(_) => break,
            }
        };
        let Some(first) = first else {
            let (started, rendered) = background.get_or_insert_with(|| (Instant::now(), 0));
            *rendered += preview.render_queued(BATCH);
            if !preview.has_queued() {
                report(ServeMessage::Rendered { pages: *rendered, millis: started.elapsed().as_millis() });
                background = None;
            }
            // Told when the first problem appears and when the queue is done,
            // not at every page: a template error can make thousands fail.
            if let Some(problems) = preview.take_problem_change() {
                background_problems = Some(problems);
            }
            let first_problem = overlay.pages.is_empty() && background_problems.as_ref().is_some_and(|p| !p.is_empty());
            if first_problem || !preview.has_queued() {
                if let Some(problems) = background_problems.take() {
                    overlay.pages = problems;
                    overlay.publish(&hub, &*report);
                }
            }
            continue;
        };

        // Take everything that arrived meanwhile: one rebuild for all the changes.
        let mut changes = Vec::new();
        let mut requests = Vec::new();
        for item in std::iter::once(first).chain(std::iter::from_fn(|| work.try_recv().ok())) {
            match item {
                Work::Changed(paths) => changes.extend(paths),
                Work::Request { path, reply } => requests.push((path, reply)),
            }
        }
        if !changes.is_empty() {
            // A watched folder created after start (say static/) is watched from now on.
            for folder in watched_folders {
                let path = preview.root.join(folder);
                if changes.contains(&path) && path.is_dir() {
                    watch(&path);
                }
            }
            if let Some(problems) = background_problems.take() {
                overlay.pages = problems;
            }
            apply(&mut preview, &changes, &hub, &*report, &mut overlay);
        }
        let answers: Vec<_> =
            requests.into_iter().map(|(path, reply)| (preview.answer(path.as_deref()), reply)).collect();
        // Problems first: a tab that opens a page that cannot be rendered finds them on connecting.
        // The latest list supersedes any the background had not told yet.
        let pending = background_problems.take();
        if let Some(problems) = preview.take_problem_change().or(pending) {
            overlay.pages = problems;
            overlay.publish(&hub, &*report);
        }
        for (answer, reply) in answers {
            // The requester may have gone (a closed tab): nothing to do then.
            let _ = reply.send(answer);
        }
    }
}

/// Applies changed files and tells tabs and the terminal what happened.
fn apply(preview: &mut Preview, changes: &[PathBuf], hub: &Hub, report: &dyn Fn(ServeMessage), overlay: &mut Overlay) {
    match preview.apply(changes) {
        Outcome::Rebuilt(rebuild) if rebuild.css_only => {
            // Stylesheets are swapped under whatever the tabs show, overlay included.
            hub.send(LiveEvent::Css);
            report(ServeMessage::Rebuilt(rebuild));
        }
        Outcome::Rebuilt(rebuild) => {
            let all = rebuild.full || rebuild.deferred.len() > LISTED_PATHS;
            let paths: Vec<String> = if all {
                Vec::new()
            } else {
                rebuild.written.iter().chain(&rebuild.removed).chain(&rebuild.deferred).cloned().collect()
            };
            // A reload clears the overlay in every tab.
            hub.send(LiveEvent::Reload { paths, all });
            overlay.model.clear();
            overlay.shown = false;
            let _ = preview.take_problem_change();
            overlay.pages = rebuild.problems.clone();
            report(ServeMessage::Rebuilt(rebuild));
            overlay.publish(hub, report);
        }
        Outcome::Failed(problems) => {
            overlay.model = problems;
            overlay.publish(hub, report);
        }
        Outcome::Unchanged => {}
    }
}

/// A channel for [`Work`], and a sender for the file watcher.
pub fn channel() -> (mpsc::Sender<Work>, Receiver<Work>) {
    mpsc::channel()
}
