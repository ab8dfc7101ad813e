//! `verdict check` on the command line: runs the checks, writes the problems
//! as text, JSON or GitHub workflow commands, and the link report of
//! `--external` with its progress bar, then picks the exit status.

use std::io::{self, Write};
use std::process::ExitCode;

use verdict::{BuildError, BuildOptions, Diagnostic};

use super::{print_diagnostics, report_failure, CheckArgs, Format};

/// `verdict check`: the problems in the chosen format, then the exit status
/// (1 for errors or dead links, and for warnings with --deny-warnings).
pub fn run_check(args: CheckArgs) -> ExitCode {
    let options = BuildOptions { root: args.root.root, drafts: args.drafts, ..BuildOptions::default() };
    let result = if args.external {
        let links = verdict::check::links::LinkCheckOptions {
            timeout: std::time::Duration::from_secs(args.timeout.max(1)),
            cache_ttl: std::time::Duration::from_secs(args.cache_hours * 3600),
            ..Default::default()
        };
        let bar = std::sync::Mutex::new(None::<indicatif::ProgressBar>);
        let progress = |event: verdict::check::links::Progress| show_link_progress(&bar, event);
        let result = verdict::check_external(&options, &links, &progress);
        if let Ok(Some(bar)) = bar.lock().map(|mut b| b.take()) {
            bar.finish_and_clear();
        }
        result.map(|(warnings, results)| (warnings, Some(results)))
    } else {
        verdict::check(&options).map(|warnings| (warnings, None))
    };
    let (warnings, links) = match result {
        Ok(checked) => checked,
        Err(BuildError::Content(problems)) if args.format != Format::Human => {
            print_machine_readable(args.format, &problems);
            let _ = writeln!(io::stderr().lock(), "error: {} found", count(problems.len(), "problem"));
            return ExitCode::from(1);
        }
        Err(error) => return report_failure(&error, None),
    };
    let dead = match args.format {
        Format::Human => {
            print_diagnostics(&warnings);
            links.as_deref().is_some_and(report_links)
        }
        format => {
            let mut problems = warnings.clone();
            let dead = links.as_deref().map(verdict::check::report::dead_links).unwrap_or_default();
            problems.extend_from_slice(&dead);
            verdict::sort_diagnostics(&mut problems);
            print_machine_readable(format, &problems);
            if !dead.is_empty() {
                let _ = writeln!(io::stderr().lock(), "error: {} used", count(dead.len(), "dead link"));
            }
            !dead.is_empty()
        }
    };
    if args.deny_warnings && !warnings.is_empty() {
        let _ =
            writeln!(io::stderr().lock(), "error: {}, and --deny-warnings was given", count(warnings.len(), "warning"));
        return ExitCode::from(1);
    }
    if dead {
        return ExitCode::from(1);
    }
    let summary = format!("no errors ({})", count(warnings.len(), "warning"));
    match (args.format, &links) {
        // With --external the link report ends the text.
        (Format::Human, Some(_)) => {}
        (Format::Human, None) => {
            let _ = writeln!(io::stdout().lock(), "{summary}");
        }
        // stdout holds only what the machine reads.
        _ => {
            let _ = writeln!(io::stderr().lock(), "{summary}");
        }
    }
    ExitCode::SUCCESS
}

/// `3 warnings`, `1 warning`.
fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The problems as JSON or GitHub workflow commands, on stdout.
fn print_machine_readable(format: Format, problems: &[Diagnostic]) {
    let text = match format {
        Format::Json => verdict::check::report::json(problems),
        Format::Github => verdict::check::report::github(problems),
        Format::Human => return print_diagnostics(problems),
    };
    let _ = io::stdout().lock().write_all(text.as_bytes());
}

/// A progress bar on a terminal; one plain line per checked URL otherwise.
fn show_link_progress(bar: &std::sync::Mutex<Option<indicatif::ProgressBar>>, event: verdict::check::links::Progress) {
    use std::io::IsTerminal;
    use verdict::check::links::Progress;
    let Ok(mut bar) = bar.lock() else { return };
    match event {
        Progress::Started { total, cached } => {
            if io::stderr().is_terminal() {
                let progress = indicatif::ProgressBar::new(total as u64);
                if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} links {wide_msg}") {
                    progress.set_style(style);
                }
                progress.set_position(cached as u64);
                *bar = Some(progress);
            } else {
                let _ = writeln!(io::stderr().lock(), "checking {total} links ({cached} from cache)");
            }
        }
        Progress::Checked { url, done, total } => match bar.as_ref() {
            Some(progress) => {
                progress.set_position(done as u64);
                progress.set_message(url);
            }
            None => {
                let _ = writeln!(io::stderr().lock(), "[{done}/{total}] {url}");
            }
        },
    }
}

/// Prints dead, redirected and slow links with where they are used; true if any is dead.
fn report_links(results: &[verdict::check::links::LinkResult]) -> bool {
    use verdict::check::links::LinkStatus;
    let mut out = io::stdout().lock();
    let uses = |out: &mut io::StdoutLock, result: &verdict::check::links::LinkResult| {
        for place in &result.target.uses {
            let _ = writeln!(out, "    {}:{}:{}", place.path.display(), place.line, place.column);
        }
    };
    let dead: Vec<_> = results.iter().filter(|r| matches!(r.status, LinkStatus::Dead { .. })).collect();
    let redirected: Vec<_> = results.iter().filter(|r| matches!(r.status, LinkStatus::Redirected { .. })).collect();
    let slow: Vec<_> = results.iter().filter(|r| r.slow && !matches!(r.status, LinkStatus::Dead { .. })).collect();
    if !dead.is_empty() {
        let _ = writeln!(out, "dead links ({}):", dead.len());
        for result in &dead {
            if let LinkStatus::Dead { reason } = &result.status {
                let _ = writeln!(out, "  {} ({reason})", result.target.url);
            }
            uses(&mut out, result);
        }
    }
    if !redirected.is_empty() {
        let _ = writeln!(out, "redirected links ({}):", redirected.len());
        for result in &redirected {
            if let LinkStatus::Redirected { to, .. } = &result.status {
                let _ = writeln!(out, "  {} -> {to}", result.target.url);
            }
            uses(&mut out, result);
        }
    }
    if !slow.is_empty() {
        let _ = writeln!(out, "slow links ({}):", slow.len());
        for result in &slow {
            let _ = writeln!(out, "  {} ({} ms)", result.target.url, result.millis);
            uses(&mut out, result);
        }
    }
    let cached = results.iter().filter(|r| r.cached).count();
    let _ = writeln!(
        out,
        "checked {} links ({cached} from cache): {} dead, {} redirected, {} slow",
        results.len(),
        dead.len(),
        redirected.len(),
        slow.len()
    );
    !dead.is_empty()
}
