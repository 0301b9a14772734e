//! The resolved invocation: every decision about flags, terminal and clock made once.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use crate::cli::{ColorArg, GlobalArgs, OutputArg};

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
    /// The time the command started; used for every age and availability judgement.
    pub now: Timestamp,
    /// `-o sarif` (`check` only). `output` is then `Json`, so commands that do not know SARIF
    /// need no case for it; `dispatch` refuses it for them.
    pub sarif: bool,
}

impl Context {
    /// Resolves the global flags, the terminal and the clock.
    pub fn resolve(g: &GlobalArgs) -> Context {
        let color = match g.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
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
        }
    }
}
