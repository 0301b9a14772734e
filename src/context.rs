//! The resolved invocation: every decision about flags, terminal and clock made once.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli::{ColorArg, GlobalArgs, OutputArg};
use crate::model::Snapshot;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Human table of what needs attention.
    Table,
    /// Human table of everything.
    Wide,
    /// JSON document.
    Json,
    /// YAML document.
    Yaml,
    /// `kind/name` lines (`pod` only).
    Name,
}

/// Where objects come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A live API server.
    Live {
        /// `--kubeconfig`.
        kubeconfig: Option<PathBuf>,
        /// `--context`.
        context: Option<String>,
    },
    /// Saved objects (`--from-file`).
    Files(Vec<PathBuf>),
}

/// Which namespaces a command looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamespaceScope {
    /// One namespace, given with `-n`.
    Explicit(String),
    /// Not given: the kubeconfig context's namespace live; any namespace in a snapshot.
    Default,
    /// `-A`.
    All,
}

/// Everything a command needs to know about how it was invoked.
#[derive(Debug, Clone)]
pub struct Context {
    /// Object source.
    pub source: Source,
    /// Namespace scope.
    pub namespace: NamespaceScope,
    /// Output format.
    pub output: OutputFormat,
    /// Print table headers.
    pub headers: bool,
    /// Colour verdict words.
    pub color: bool,
    /// The terminal's width when stdout is one (tables then cut their last column to fit).
    pub width: Option<usize>,
    /// Per-request timeout (`None` = no limit).
    pub request_timeout: Option<Duration>,
    /// Log requests to stderr.
    pub verbose: bool,
    /// The time every age and availability judgement is made at: `--now`, else the time the
    /// command started; offline, [`Context::for_snapshot`] replaces it with the dump's own time.
    pub now: Timestamp,
    /// Where [`Context::now`] comes from.
    pub now_source: NowSource,
    /// `-o sarif` (`check` only). `output` is then `Json`, so commands that do not know SARIF
    /// need no case for it; `dispatch` refuses it for them.
    pub sarif: bool,
}

/// Where the command's "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NowSource {
    /// The wall clock when the command started.
    Clock,
    /// `--now` (or `KUBECTL_DS_NOW`): the user's, and it stays.
    Flag,
    /// The newest time found in the saved objects (titles say so).
    Snapshot,
}

impl Context {
    /// Resolves the global flags, the terminal and the clock.
    pub fn resolve(g: &GlobalArgs) -> Context {
        let color = match g.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => auto_color(
                std::env::var_os("NO_COLOR").as_deref(),
                std::env::var_os("TERM").as_deref(),
                std::io::stdout().is_terminal(),
            ),
        };
        let source = if g.from_file.is_empty() {
            Source::Live {
                kubeconfig: g.kubeconfig.clone(),
                context: g.context.clone(),
            }
        } else {
            Source::Files(g.from_file.clone())
        };
        let namespace = match (&g.namespace, g.all_namespaces) {
            (_, true) => NamespaceScope::All,
            (Some(ns), false) => NamespaceScope::Explicit(ns.clone()),
            (None, false) => NamespaceScope::Default,
        };
        Context {
            source,
            namespace,
            output: match g.output {
                OutputArg::Table => OutputFormat::Table,
                OutputArg::Wide => OutputFormat::Wide,
                OutputArg::Json => OutputFormat::Json,
                OutputArg::Yaml => OutputFormat::Yaml,
                OutputArg::Name => OutputFormat::Name,
                OutputArg::Sarif => OutputFormat::Json,
            },
            sarif: g.output == OutputArg::Sarif,
            headers: !g.no_headers,
            color,
            width: std::io::stdout()
                .is_terminal()
                .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
                .flatten(),
            request_timeout: (!g.request_timeout.is_zero()).then_some(g.request_timeout),
            verbose: g.verbose > 0,
            now: g.now.unwrap_or_else(Timestamp::now),
            now_source: if g.now.is_some() {
                NowSource::Flag
            } else {
                NowSource::Clock
            },
        }
    }

    /// The context to judge `snapshot` in. Offline without `--now`, "now" is the newest time the
    /// snapshot carries, so that a dump read days later still says "2m ago" for what was two
    /// minutes old when it was taken. Live, or with `--now`, or when the snapshot has no time at
    /// all, it is this context unchanged.
    pub fn for_snapshot(&self, snapshot: &Snapshot) -> Context {
        let mut ctx = self.clone();
        if matches!(self.source, Source::Files(_))
            && self.now_source == NowSource::Clock
            && let Some(t) = snapshot.newest_timestamp()
        {
            ctx.now = t;
            ctx.now_source = NowSource::Snapshot;
        }
        ctx
    }

    /// The `as of …` note for titles when "now" came from the snapshot.
    pub fn as_of(&self) -> Option<Timestamp> {
        (self.now_source == NowSource::Snapshot).then_some(self.now)
    }
}

/// `--color=auto`: colour on a terminal, unless `NO_COLOR` is set (non-empty) or the terminal
/// says it cannot show it (`TERM=dumb`, as Emacs shells and some CI logs set).
fn auto_color(
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
    is_terminal: bool,
) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::*;

    #[test]
    fn auto_colour_needs_a_terminal_that_can_show_it() {
        let s = |v: &'static str| Some(OsStr::new(v));
        assert!(auto_color(None, s("xterm-256color"), true));
        assert!(
            auto_color(s(""), None, true),
            "an empty NO_COLOR does not count"
        );
        assert!(!auto_color(None, s("dumb"), true));
        assert!(!auto_color(s("1"), s("xterm"), true));
        assert!(!auto_color(None, s("xterm"), false));
    }
}
