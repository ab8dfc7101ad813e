//! `verdict check --external`: is every cited URL still there?
//!
//! Collects each external URL with the files and lines that use it, then
//! requests them concurrently: a bounded pool of workers, each host handled by
//! one worker at a time with a pause between its requests (politeness), a
//! timeout per request, redirects followed one hop at a time so that they can
//! be reported. HEAD first; GET when a server refuses HEAD. Results are cached
//! in `.verdict-cache/links.json` under the site root, so a rerun within the
//! cache's lifetime makes no request at all.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::load::{Document, LoadedSite};

/// How to check.
#[derive(Debug, Clone)]
pub struct LinkCheckOptions {
    /// Give up on a request after this long.
    pub timeout: Duration,
    /// A response slower than this is reported as slow.
    pub slow_after: Duration,
    /// Reuse results younger than this; zero disables the cache.
    pub cache_ttl: Duration,
    /// Requests in flight at once (each to a different host).
    pub workers: usize,
    /// Pause between two requests to the same host.
    pub politeness: Duration,
}

impl Default for LinkCheckOptions {
    fn default() -> Self {
        LinkCheckOptions {
            timeout: Duration::from_secs(10),
            slow_after: Duration::from_secs(3),
            cache_ttl: Duration::from_secs(24 * 3600),
            workers: 8,
            politeness: Duration::from_millis(200),
        }
    }
}

/// Where a URL is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkUse {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A URL and everything that cites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkTarget {
    pub url: String,
    pub uses: Vec<LinkUse>,
}

/// What a request found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum LinkStatus {
    /// A 2xx answer at the URL itself.
    Live { status: u16 },
    /// A 2xx answer after one or more redirects.
    Redirected { status: u16, to: String },
    /// An error answer, or none.
    Dead { reason: String },
}

/// The result for one URL.
#[derive(Debug, Clone)]
pub struct LinkResult {
    pub target: LinkTarget,
    pub status: LinkStatus,
    pub millis: u64,
    /// Taken from the cache: no request was made.
    pub cached: bool,
    /// Slower than `slow_after`.
    pub slow: bool,
}

/// Progress, for a progress bar.
#[derive(Debug, Clone)]
pub enum Progress {
    Started { total: usize, cached: usize },
    Checked { url: String, done: usize, total: usize },
}

/// Every external URL of a loaded site, with where it is used, sorted by URL.
pub fn collect_links(site: &LoadedSite) -> Vec<LinkTarget> {
    let mut found: BTreeMap<String, Vec<LinkUse>> = BTreeMap::new();
    let mut add = |doc: &Document, path: &str, url: &str| {
        let (line, column) = doc.position(path);
        found.entry(url.to_string()).or_default().push(LinkUse { path: doc.source.path.clone(), line, column });
    };
    for file in &site.claims {
        let front = &file.front;
        if let Some(url) = &front.claim_url {
            add(&file.doc, "claim_url", url.as_str());
        }
        for (list, citations) in [("supporting", &front.supporting), ("contradicting", &front.contradicting)] {
            for (i, citation) in citations.iter().enumerate() {
                if let Some(url) = &citation.url {
                    add(&file.doc, &format!("{list}[{i}].url"), url.as_str());
                }
                if let Some(url) = &citation.archive {
                    add(&file.doc, &format!("{list}[{i}].archive"), url.as_str());
                }
            }
        }
    }
    for file in &site.sources {
        if let Some(url) = &file.front.url {
            add(&file.doc, "url", url.as_str());
        }
        if let Some(url) = &file.front.archive {
            add(&file.doc, "archive", url.as_str());
        }
    }
    for file in &site.speakers {
        for (i, url) in file.front.same_as.iter().enumerate() {
            add(&file.doc, &format!("same_as[{i}]"), url.as_str());
        }
    }
    found
        .into_iter()
        .map(|(url, mut uses)| {
            uses.sort();
            uses.dedup();
            LinkTarget { url, uses }
        })
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct CacheEntry {
    checked_at: u64,
    millis: u64,
    #[serde(flatten)]
    status: LinkStatus,
}

/// The cache file of a site.
pub fn cache_path(root: &Path) -> PathBuf {
    root.join(".verdict-cache").join("links.json")
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn read_cache(root: &Path) -> HashMap<String, CacheEntry> {
    fs::read_to_string(cache_path(root)).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

fn write_cache(root: &Path, cache: &HashMap<String, CacheEntry>) {
    let path = cache_path(root);
    let sorted: BTreeMap<&String, &CacheEntry> = cache.iter().collect();
    if let (Some(parent), Ok(text)) = (path.parent(), serde_json::to_string_pretty(&sorted)) {
        // The cache only saves time: failing to write it is not an error.
        let _ = fs::create_dir_all(parent).and_then(|()| fs::write(&path, text));
    }
}

/// Checks every target; `root` holds the cache. Results come back in the
/// order of `targets`.
pub fn check_links(
    root: &Path,
    targets: Vec<LinkTarget>,
    options: &LinkCheckOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<LinkResult> {
    let mut cache = if options.cache_ttl.is_zero() { HashMap::new() } else { read_cache(root) };
    let fresh_after = now().saturating_sub(options.cache_ttl.as_secs());
    let mut results: Vec<Option<LinkResult>> = vec![None; targets.len()];
    let mut by_host: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, target) in targets.iter().enumerate() {
        match cache.get(&target.url).filter(|entry| entry.checked_at >= fresh_after) {
            Some(entry) => {
                results[i] = Some(LinkResult {
                    target: target.clone(),
                    status: entry.status.clone(),
                    millis: entry.millis,
                    cached: true,
                    slow: Duration::from_millis(entry.millis) > options.slow_after,
                });
            }
            None => {
                let host = url::Url::parse(&target.url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_default();
                by_host.entry(host).or_default().push(i);
            }
        }
    }
    let to_check: usize = by_host.values().map(Vec::len).sum();
    progress(Progress::Started { total: targets.len(), cached: targets.len() - to_check });

    let agent = ureq::AgentBuilder::new()
        .timeout(options.timeout)
        .redirects(0)
        .user_agent(concat!("verdict-link-check/", env!("CARGO_PKG_VERSION")))
        .build();
    let hosts = Arc::new(Mutex::new(by_host.into_values().collect::<Vec<_>>()));
    let (sender, receiver) = mpsc::channel::<(usize, LinkStatus, u64)>();
    std::thread::scope(|scope| {
        for _ in 0..options.workers.max(1).min(to_check.max(1)) {
            let (hosts, sender, agent, targets) = (Arc::clone(&hosts), sender.clone(), agent.clone(), &targets);
            // One host at a time per worker: no host gets more than one request at once.
            let next_host = move || hosts.lock().ok().and_then(|mut h| h.pop());
            scope.spawn(move || {
                while let Some(indices) = next_host() {
                    for (n, i) in indices.into_iter().enumerate() {
                        if n > 0 {
                            std::thread::sleep(options.politeness);
                        }
                        let started = Instant::now();
                        let status = request(&agent, &targets[i].url);
                        if sender.send((i, status, started.elapsed().as_millis() as u64)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(sender);
        let already = targets.len() - to_check;
        for (n, (i, status, millis)) in receiver.into_iter().enumerate() {
            let done = already + n + 1;
            progress(Progress::Checked { url: targets[i].url.clone(), done, total: targets.len() });
            cache.insert(targets[i].url.clone(), CacheEntry { checked_at: now(), millis, status: status.clone() });
            let slow = Duration::from_millis(millis) > options.slow_after;
            results[i] = Some(LinkResult { target: targets[i].clone(), status, millis, cached: false, slow });
        }
    });
    if !options.cache_ttl.is_zero() {
        write_cache(root, &cache);
    }
    results.into_iter().flatten().collect()
}

/// Requests one URL, following up to ten redirects one hop at a time.
fn request(agent: &ureq::Agent, url: &str) -> LinkStatus {
    let mut current = url.to_string();
    for _ in 0..10 {
        let answer = match agent.head(&current).call() {
            // Some servers refuse HEAD: ask again with GET (the body is not read).
            Err(ureq::Error::Status(405 | 501, _)) => agent.get(&current).call(),
            other => other,
        };
        let response = match answer {
            Ok(response) => response,
            Err(ureq::Error::Status(code, response)) => {
                return LinkStatus::Dead { reason: format!("HTTP {code} {}", response.status_text()) }
            }
            Err(ureq::Error::Transport(transport)) => return LinkStatus::Dead { reason: transport_reason(&transport) },
        };
        let status = response.status();
        if (300..400).contains(&status) {
            let Some(location) = response.header("location") else {
                return LinkStatus::Dead { reason: format!("HTTP {status} without a Location header") };
            };
            match url::Url::parse(&current).and_then(|base| base.join(location)) {
                Ok(next) => current = next.to_string(),
                Err(_) => {
                    return LinkStatus::Dead { reason: format!("HTTP {status} to an invalid Location `{location}`") }
                }
            }
            continue;
        }
        return if current == url {
            LinkStatus::Live { status }
        } else {
            LinkStatus::Redirected { status, to: current }
        };
    }
    LinkStatus::Dead { reason: "more than 10 redirects".into() }
}

fn transport_reason(error: &ureq::Transport) -> String {
    let text = error.to_string();
    let lower = text.to_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        "no answer before the timeout".into()
    } else {
        text
    }
}
