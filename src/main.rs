//! The `verdict` command line: parses arguments, calls the library, prints
//! what it returns, and turns the outcome into an exit status
//! (0 success, 1 content or check errors, 2 usage errors).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use verdict::{BuildError, BuildOptions, Diagnostic};

// The binary's own modules live in src/cli/, apart from the library's.
#[path = "cli/check.rs"]
mod check_command;
#[path = "cli/man.rs"]
mod man;

/// mimalloc instead of the system allocator: see its line in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "verdict", version, about = "Build fact-check microsites from Markdown claims.", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct RootArg {
    /// The site root: the folder holding site.yaml.
    #[arg(long, value_name = "DIR", default_value = ".", global = true)]
    root: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Validate all content and write the site.
    Build {
        #[command(flatten)]
        root: RootArg,
        /// Output folder [default: public/ under the root].
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Absolute URL the site will live at, replacing base_url from site.yaml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include claims marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Write into a non-empty output folder verdict did not create (its files are kept).
        #[arg(long)]
        force: bool,
    },
    /// Serve the site with live reload: pages render as the browser asks for them, and again on every change.
    Serve {
        #[command(flatten)]
        root: RootArg,
        /// Address to listen on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on [default: 1111, or the next free one].
        #[arg(long, value_name = "N")]
        port: Option<u16>,
        /// Include claims marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Write a new claim, speaker or source file with every key stubbed and commented.
    New {
        #[command(subcommand)]
        what: NewKind,
    },
    /// Create a new site (that builds at once) in an empty or new folder.
    Init {
        /// The folder to create the site in.
        dir: PathBuf,
    },
    /// Validate everything a build would, writing nothing.
    Check(CheckArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish or powershell).
    #[command(after_help = "Install it where your shell looks, for example:\n  \
        bash: verdict completions bash > ~/.local/share/bash-completion/completions/verdict\n  \
        zsh:  verdict completions zsh > ~/.zfunc/_verdict   (with fpath+=~/.zfunc before compinit in ~/.zshrc)\n  \
        fish: verdict completions fish > ~/.config/fish/completions/verdict.fish")]
    Completions {
        /// The shell to complete verdict's commands and flags in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder.
    Man {
        /// Write verdict.1 and a page per command (verdict-build.1, ...) into DIR instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    root: RootArg,
    /// Include claims marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Also request every external URL (citations, sources, speakers, claim_url) and report dead ones.
    #[arg(long)]
    external: bool,
    /// With --external: seconds to wait for each answer.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    timeout: u64,
    /// With --external: reuse results younger than this many hours (0: always request).
    #[arg(long, value_name = "HOURS", default_value_t = 24)]
    cache_hours: u64,
    /// Exit with status 1 when there are warnings (for CI).
    #[arg(long)]
    deny_warnings: bool,
    /// Problems as text on stderr (human), one JSON array on stdout (json), or GitHub Actions annotations on stdout (github).
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Human)]
    format: Format,
}

/// How `verdict check` writes the problems it finds.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    // Plain comments, not doc comments: clap would turn these into a
    // paragraph per value in `check --help`; the flag's help says it all.
    // Compiler-style text on stderr, each problem with its line quoted.
    Human,
    // One JSON array of problems on stdout.
    Json,
    // GitHub Actions workflow commands on stdout: annotations on a pull request.
    Github,
}

#[derive(Subcommand)]
enum NewKind {
    /// content/claims/SLUG.md: a fact check (a draft until you remove `draft: true`).
    Claim {
        /// The file name and URL of the claim: letters, digits, `-`, `_` and `.`.
        slug: String,
        /// Write the translation SLUG.CODE.md of an existing claim instead, for a language of `languages`.
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/speakers/SLUG.md: a person or organisation.
    Speaker {
        /// The file name and URL of the speaker: letters, digits, `-`, `_` and `.`.
        slug: String,
        /// Write the translation SLUG.CODE.md of an existing speaker instead.
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
    /// content/sources/SLUG.md: a source claims can cite with `source: SLUG`.
    Source {
        /// The file name and URL of the source: letters, digits, `-`, `_` and `.`.
        slug: String,
        /// Write the translation SLUG.CODE.md of an existing source instead.
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        #[command(flatten)]
        root: RootArg,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build { root, output, base_url, drafts, force } => {
            let options = BuildOptions { root: root.root, output, base_url, drafts, force };
            match verdict::build(&options) {
                Ok(summary) => {
                    print_diagnostics(&summary.warnings);
                    let mut out = io::stdout().lock();
                    for kept in &summary.kept {
                        let _ = writeln!(out, "kept {kept} (not written by verdict)");
                    }
                    let _ = writeln!(
                        out,
                        "built {} pages ({} files) into {} in {} ms; {} rendered, {} changed, {} removed, the rest untouched",
                        summary.pages,
                        summary.files,
                        summary.output.display(),
                        summary.millis,
                        summary.rendered,
                        summary.changed,
                        summary.removed
                    );
                    if summary.check_warnings > 0 {
                        let total = summary.warnings.len() + summary.check_warnings;
                        let _ = writeln!(
                            io::stderr().lock(),
                            "{total} warning{}: run `verdict check` to see them",
                            if total == 1 { "" } else { "s" }
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(error) => report_failure(&error, Some(&options.output_dir())),
            }
        }
        Command::Serve { root, bind, port, drafts } => {
            let options = verdict::serve::ServeOptions {
                root: root.root,
                bind,
                port: port.unwrap_or(1111),
                port_given: port.is_some(),
                drafts,
            };
            match verdict::serve::run(options, print_serve_message) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => report_failure(&error, None),
            }
        }
        Command::New { what } => {
            let (kind, slug, lang, root) = match what {
                NewKind::Claim { slug, lang, root } => (verdict::scaffold::Kind::Claim, slug, lang, root.root),
                NewKind::Speaker { slug, lang, root } => (verdict::scaffold::Kind::Speaker, slug, lang, root.root),
                NewKind::Source { slug, lang, root } => (verdict::scaffold::Kind::Source, slug, lang, root.root),
            };
            if !root.join("site.yaml").is_file() {
                let _ = writeln!(
                    io::stderr().lock(),
                    "error: no site.yaml in {}: run verdict in a site folder or pass --root DIR",
                    root.display()
                );
                return ExitCode::from(2);
            }
            let written = match &lang {
                Some(lang) => verdict::scaffold::new_translation(&root, kind, &slug, lang),
                None => verdict::scaffold::new_file(&root, kind, &slug),
            };
            match written {
                Ok(path) => {
                    let _ = writeln!(io::stdout().lock(), "wrote {}", path.display());
                    ExitCode::SUCCESS
                }
                Err(error) => scaffold_failure(&error),
            }
        }
        Command::Init { dir } => match verdict::scaffold::init(&dir) {
            Ok(files) => {
                let mut out = io::stdout().lock();
                let _ = writeln!(
                    out,
                    "created a site in {} ({} files); build it with `verdict build --root {}`",
                    dir.display(),
                    files.len(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(error) => scaffold_failure(&error),
        },
        Command::Check(args) => check_command::run_check(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "verdict", &mut script);
            let _ = io::stdout().lock().write_all(&script);
            ExitCode::SUCCESS
        }
        Command::Man { dir } => man::run_man(Cli::command(), dir),
    }
}

fn print_serve_message(message: verdict::serve::ServeMessage) {
    use verdict::serve::ServeMessage;
    let mut out = io::stdout().lock();
    let _ = match message {
        ServeMessage::PortTaken { wanted, using } => {
            writeln!(out, "port {wanted} is in use; using port {using} instead")
        }
        ServeMessage::Listening { url, pages: 0, .. } => {
            writeln!(
                out,
                "serving {url} (the site has problems: fix them and it builds); watching for changes, Ctrl-C to stop"
            )
        }
        ServeMessage::Listening { url, pages, millis } => {
            writeln!(
                out,
                "serving {url} ({pages} pages, site loaded in {millis} ms; pages render as they are asked for); watching for changes, Ctrl-C to stop"
            )
        }
        ServeMessage::Rendered { pages, millis } => {
            writeln!(out, "{pages} page{} rendered in the background in {millis} ms", if pages == 1 { "" } else { "s" })
        }
        ServeMessage::Rebuilt(rebuild) => {
            let files = rebuild.changed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
            if rebuild.css_only {
                writeln!(out, "{files} changed: stylesheet swapped in {} ms", rebuild.millis)
            } else {
                let removed = if rebuild.removed.is_empty() {
                    String::new()
                } else {
                    format!(", {} removed", rebuild.removed.len())
                };
                let later = match rebuild.deferred.len() {
                    0 => String::new(),
                    n if rebuild.full => format!(" (every page changed: {n} to render again as they are asked for)"),
                    n => format!(" ({n} more to render as they are asked for)"),
                };
                writeln!(
                    out,
                    "{files} changed: {} page{} re-rendered{removed} in {} ms{later}",
                    rebuild.pages,
                    if rebuild.pages == 1 { "" } else { "s" },
                    rebuild.millis
                )
            }
        }
        ServeMessage::Problems(problems) => {
            drop(out);
            print_diagnostics(&problems);
            out = io::stdout().lock();
            writeln!(
                out,
                "{} problem{} found: still serving the last good version",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )
        }
        ServeMessage::WatchError(message) => writeln!(io::stderr().lock(), "warning: {message}"),
        ServeMessage::Stopped => writeln!(out, "stopped"),
    };
}

fn scaffold_failure(error: &verdict::scaffold::ScaffoldError) -> ExitCode {
    let _ = writeln!(io::stderr().lock(), "error: {error}");
    match error {
        verdict::scaffold::ScaffoldError::BadSlug(_)
        | verdict::scaffold::ScaffoldError::SlugWithExtension(_)
        | verdict::scaffold::ScaffoldError::UnknownLanguage(..) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut err = io::stderr().lock();
    for diagnostic in diagnostics {
        let _ = writeln!(err, "{diagnostic}\n");
    }
}

fn report_failure(error: &BuildError, output: Option<&std::path::Path>) -> ExitCode {
    let mut err = io::stderr().lock();
    match error {
        BuildError::Usage(message) => {
            let _ = writeln!(err, "error: {message}");
            ExitCode::from(2)
        }
        BuildError::Content(problems) => {
            drop(err);
            print_diagnostics(problems);
            let mut err = io::stderr().lock();
            let untouched = output.map(|o| format!("; {} was left untouched", o.display())).unwrap_or_default();
            let _ = writeln!(
                err,
                "error: {} problem{} found{untouched}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        BuildError::Write(error) => {
            let _ = writeln!(err, "error: {error}");
            // The path of a failed write may be inside the next tree, which
            // the user never sees: say what became of the output they know.
            if let (verdict::write::WriteError::Io { .. }, Some(output)) = (error, output) {
                let _ =
                    writeln!(err, "  = note: the new site was not written; {} was left untouched", output.display());
            }
            ExitCode::from(1)
        }
    }
}
