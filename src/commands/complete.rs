//! `__complete WORDS…`: shell completion through kubectl's plugin-completion protocol.
//!
//! For `kubectl ds <TAB>`, kubectl runs `kubectl_complete-ds` (on `PATH`) with the words typed
//! after `ds`, the last one being the word under the cursor (empty for a new word). The program
//! prints one candidate per line (`VALUE` or `VALUE<TAB>description`), then `:N`, cobra's
//! `ShellCompDirective` bit set (4 = no file completion, 32 = keep this order; 0 = the shell's
//! default, file names). `completions/kubectl_complete-ds` is three lines that run
//! `kubectl-ds __complete "$@"`, so what is completed is always this binary's own command line:
//! the clap definition is walked at run time (subcommands, aliases, flags, value enums) and
//! names come from the cluster the typed flags point at (`-n`, `-A`, `--context`,
//! `--kubeconfig`) or from the `--from-file` snapshot.
//!
//! Live lookups are one request each, bounded by [`LOOKUP_TIMEOUT`] (or a shorter
//! `--request-timeout` typed on the line) and never retried; when one fails there are no
//! candidates and nothing is printed on stderr (kubectl passes our stderr to the terminal).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Arg, ArgAction, CommandFactory};

use crate::cli::Cli;
use crate::model::{DaemonSet, Snapshot};
use crate::render::safe;

/// The hidden subcommand kubectl's completion shim calls (cobra's name for it).
pub const SUBCOMMAND: &str = "__complete";

/// The name kubectl looks up on `PATH` for `kubectl ds` completion; the binary answers
/// completion requests when started under this name (a symbolic link works as the shim).
pub const SHIM_NAME: &str = "kubectl_complete-ds";

/// The longest a live lookup may take, connection included.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Cobra's `ShellCompDirectiveNoFileComp`.
pub const NO_FILE_COMP: u8 = 4;
/// Cobra's `ShellCompDirectiveKeepOrder`.
pub const KEEP_ORDER: u8 = 32;
/// Cobra's `ShellCompDirectiveDefault`: the shell completes file names when no candidate fits.
pub const DEFAULT: u8 = 0;

/// The words of a completion request when the process was started for one: `kubectl-ds
/// __complete WORDS…`, or `kubectl_complete-ds WORDS…` (the binary linked under the shim's name).
/// `args` is the whole command line, program name first.
pub fn request_words(args: &[OsString]) -> Option<Vec<String>> {
    let program = args.first()?;
    let invoked_as = std::path::Path::new(program).file_name()?;
    let rest = if invoked_as == SHIM_NAME {
        &args[1..]
    } else if args.get(1).is_some_and(|a| a == SUBCOMMAND) {
        &args[2..]
    } else {
        return None;
    };
    Some(
        rest.iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect(),
    )
}

/// Answers one completion request on `out`: candidates, then the directive line. Never fails
/// for lack of candidates; only a write error is an error.
///
/// # Errors
/// On write failure.
pub fn run(words: &[String], out: &mut dyn Write) -> std::io::Result<()> {
    let mut command = Cli::command();
    command.build();
    let request = plan(&command, words);
    let (candidates, directive) = candidates(&request);
    write_answer(out, &candidates, &request.prefix, directive)
}

/// One completion choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The text that replaces the word under the cursor.
    pub value: String,
    /// Shown next to it by shells that show descriptions.
    pub help: Option<String>,
}

impl Candidate {
    fn new(value: impl Into<String>, help: Option<String>) -> Candidate {
        Candidate {
            value: value.into(),
            help,
        }
    }
}

/// What the word under the cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// Choices known from the command line's definition (subcommands, flag names, value enums).
    Fixed(Vec<Candidate>, u8),
    /// A path: the shell's own file completion.
    Files,
    /// A value nothing can suggest (a duration, a selector, a number).
    Nothing,
    /// A DaemonSet name.
    DaemonSets,
    /// A node name.
    Nodes,
    /// A namespace name.
    Namespaces,
    /// A kubeconfig context.
    Contexts,
    /// A revision number of the DaemonSet on the line.
    Revisions,
    /// A container of the DaemonSet on the line.
    Containers,
}

/// Where names come from: the flags already on the line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// `--from-file` was given (even if only `-`): names come from the snapshot, never the API.
    pub offline: bool,
    /// The `--from-file` paths that can be read without stdin.
    pub files: Vec<PathBuf>,
    /// `-n`.
    pub namespace: Option<String>,
    /// `-A`.
    pub all_namespaces: bool,
    /// `--context`.
    pub context: Option<String>,
    /// `--kubeconfig`.
    pub kubeconfig: Option<PathBuf>,
    /// `--request-timeout` (non-zero).
    pub request_timeout: Option<Duration>,
    /// The DaemonSet named on the line (without a `TYPE/` prefix).
    pub daemonset: Option<String>,
}

/// A decided request: what to list, for which prefix, in which scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What to list.
    pub wanted: Wanted,
    /// Candidates must start with this (the word under the cursor, after any `--flag=`).
    pub prefix: String,
    /// The flags that choose the cluster, namespace and DaemonSet.
    pub scope: Scope,
}

/// A flag waiting for its value(s) while walking the words.
struct Pending<'c> {
    arg: &'c Arg,
    remaining: usize,
    /// The value is optional (`num_args = 0..=1`): a word starting with `-` is not it.
    optional: bool,
}

/// Walks `words` (all but the last, which is being typed) through `root` (built) the way clap
/// parses them and decides what the last word can be. Pure: no IO.
pub fn plan(root: &clap::Command, words: &[String]) -> Request {
    let (typed, current) = match words.split_last() {
        Some((last, before)) => (before, last.as_str()),
        None => (&[][..], ""),
    };
    let mut command = root;
    let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut positionals = 0usize;
    let mut after_dashes = false;
    let mut pending: Option<Pending> = None;

    for word in typed {
        if let Some(p) = pending.as_mut() {
            if !(p.optional && word.starts_with('-')) {
                values
                    .entry(p.arg.get_id().to_string())
                    .or_default()
                    .push(word.clone());
                p.remaining = p.remaining.saturating_sub(1);
                if p.remaining == 0 {
                    pending = None;
                }
                continue;
            }
            pending = None;
        }
        if after_dashes {
            positionals = positionals.saturating_add(1);
            continue;
        }
        if word == "--" {
            after_dashes = true;
            continue;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (long, None),
            };
            if let Some(arg) = find_long(command, name) {
                seen.insert(arg.get_id().to_string());
                pending = take_value(arg, value, &mut values);
            }
            continue;
        }
        if word.len() > 1 && word.starts_with('-') {
            let flags = &word[1..];
            for (i, c) in flags.char_indices() {
                let Some(arg) = find_short(command, c) else {
                    break;
                };
                seen.insert(arg.get_id().to_string());
                if takes_value(arg) {
                    let rest = &flags[i + c.len_utf8()..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    pending = take_value(arg, (!rest.is_empty()).then_some(rest), &mut values);
                    break;
                }
            }
            continue;
        }
        if positionals == 0
            && let Some(sub) = find_subcommand(command, word)
        {
            command = sub;
            continue;
        }
        if let Some(arg) = positional(command, positionals, false) {
            values
                .entry(arg.get_id().to_string())
                .or_default()
                .push(word.clone());
        }
        positionals = positionals.saturating_add(1);
    }

    let scope = scope(&values, &seen);
    let (wanted, prefix) =
        if let Some(p) = pending.filter(|p| !(p.optional && current.starts_with('-'))) {
            (value_of(p.arg), current.to_owned())
        } else if !after_dashes && current.starts_with("--") && current.contains('=') {
            let (name, value) = current[2..].split_once('=').unwrap_or_default();
            let wanted = find_long(command, name).map_or(Wanted::Nothing, value_of);
            (wanted, value.to_owned())
        } else if !after_dashes && current.starts_with('-') && current.get(2..3) == Some("=") {
            // `-n=pro`: the short flag's value (as cobra reads it).
            let wanted = current[1..]
                .chars()
                .next()
                .and_then(|c| find_short(command, c))
                .map_or(Wanted::Nothing, value_of);
            (wanted, current[3..].to_owned())
        } else if !after_dashes && current.starts_with('-') {
            (
                Wanted::Fixed(flag_names(command, &seen), NO_FILE_COMP),
                current.to_owned(),
            )
        } else {
            let mut choices = Vec::new();
            if positionals == 0 && !after_dashes {
                choices = subcommand_names(command);
            }
            let wanted = match positional(command, positionals, after_dashes) {
                Some(arg) if choices.is_empty() => value_of(arg),
                _ if !choices.is_empty() => Wanted::Fixed(choices, NO_FILE_COMP),
                _ => Wanted::Nothing,
            };
            (wanted, current.to_owned())
        };
    Request {
        wanted,
        prefix,
        scope,
    }
}

/// Records an attached value, or returns what the next words must fill.
fn take_value<'c>(
    arg: &'c Arg,
    attached: Option<&str>,
    values: &mut BTreeMap<String, Vec<String>>,
) -> Option<Pending<'c>> {
    if !takes_value(arg) {
        return None;
    }
    let range = arg.get_num_args().unwrap_or_default();
    if let Some(value) = attached {
        values
            .entry(arg.get_id().to_string())
            .or_default()
            .push(value.to_owned());
        return None;
    }
    if range.min_values() == 0 {
        // `--watch` alone, or `--watch VALUE` as clap reads it; `--dry-run` needs `=`.
        return (!arg.is_require_equals_set()).then_some(Pending {
            arg,
            remaining: 1,
            optional: true,
        });
    }
    Some(Pending {
        arg,
        remaining: range.min_values().max(1),
        optional: false,
    })
}

fn takes_value(arg: &Arg) -> bool {
    arg.get_action().takes_values()
}

fn find_long<'c>(command: &'c clap::Command, name: &str) -> Option<&'c Arg> {
    command.get_arguments().find(|a| {
        a.get_long() == Some(name)
            || a.get_all_aliases()
                .is_some_and(|aliases| aliases.contains(&name))
    })
}

fn find_short(command: &clap::Command, c: char) -> Option<&Arg> {
    command.get_arguments().find(|a| {
        a.get_short() == Some(c)
            || a.get_all_short_aliases()
                .is_some_and(|aliases| aliases.contains(&c))
    })
}

fn find_subcommand<'c>(command: &'c clap::Command, word: &str) -> Option<&'c clap::Command> {
    command
        .get_subcommands()
        .find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))
}

/// The positional argument that the `index`-th positional word fills (a multi-value one keeps
/// filling); after `--`, the `last` argument (`exec`'s command).
fn positional(command: &clap::Command, index: usize, after_dashes: bool) -> Option<&Arg> {
    let mut args: Vec<&Arg> = command.get_positionals().collect();
    args.sort_by_key(|a| a.get_index());
    if after_dashes && let Some(last) = args.iter().find(|a| a.is_last_set()) {
        return Some(last);
    }
    let ordinary: Vec<&Arg> = args.into_iter().filter(|a| !a.is_last_set()).collect();
    ordinary.get(index).copied().or_else(|| {
        ordinary
            .last()
            .copied()
            .filter(|a| a.get_num_args().is_some_and(|r| r.max_values() > 1))
    })
}

/// Visible subcommands and their visible aliases, with their one-line descriptions.
fn subcommand_names(command: &clap::Command) -> Vec<Candidate> {
    let mut names = Vec::new();
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let about = sub.get_about().map(|a| first_line(&a.to_string()));
        names.push(Candidate::new(sub.get_name(), about));
        for alias in sub.get_visible_aliases() {
            names.push(Candidate::new(
                alias,
                Some(format!("alias of {}", sub.get_name())),
            ));
        }
    }
    names
}

/// The flags of `command` (its own and the global ones), long and short, that may still be
/// given: one already on the line is offered again only when it is repeatable.
fn flag_names(command: &clap::Command, seen: &BTreeSet<String>) -> Vec<Candidate> {
    let mut names = Vec::new();
    for arg in command
        .get_arguments()
        .filter(|a| !a.is_positional() && !a.is_hide_set())
    {
        let repeatable = matches!(arg.get_action(), ArgAction::Append | ArgAction::Count);
        if seen.contains(arg.get_id().as_str()) && !repeatable {
            continue;
        }
        let help = arg.get_help().map(|h| first_line(&h.to_string()));
        if let Some(long) = arg.get_long() {
            names.push(Candidate::new(format!("--{long}"), help.clone()));
        }
        if let Some(short) = arg.get_short() {
            names.push(Candidate::new(format!("-{short}"), help.clone()));
        }
    }
    names
}

/// What a value of `arg` can be.
fn value_of(arg: &Arg) -> Wanted {
    let choices: Vec<Candidate> = arg
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| {
            Candidate::new(
                v.get_name(),
                v.get_help().map(|h| first_line(&h.to_string())),
            )
        })
        .collect();
    if !choices.is_empty() {
        return Wanted::Fixed(choices, NO_FILE_COMP);
    }
    match arg.get_id().as_str() {
        "daemonset" => Wanted::DaemonSets,
        "nodes" | "node" => Wanted::Nodes,
        "namespace" => Wanted::Namespaces,
        "context" => Wanted::Contexts,
        "to_revision" | "revision" | "diff" => Wanted::Revisions,
        "container" => Wanted::Containers,
        "kubeconfig" | "from_file" => Wanted::Files,
        _ => Wanted::Nothing,
    }
}

/// The arg ids [`value_of`] completes from the cluster or the snapshot (a test checks that the
/// command line still has each, so a renamed field cannot silently lose its completion).
pub const DYNAMIC_IDS: &[&str] = &[
    "daemonset",
    "nodes",
    "node",
    "namespace",
    "context",
    "to_revision",
    "revision",
    "diff",
    "container",
    "kubeconfig",
    "from_file",
];

fn scope(values: &BTreeMap<String, Vec<String>>, seen: &BTreeSet<String>) -> Scope {
    let last = |id: &str| values.get(id).and_then(|v| v.last()).cloned();
    let from_file = values.get("from_file").cloned().unwrap_or_default();
    Scope {
        offline: !from_file.is_empty(),
        files: from_file
            .iter()
            .filter(|p| p.as_str() != "-")
            .map(PathBuf::from)
            .collect(),
        namespace: last("namespace").filter(|n| !n.is_empty()),
        all_namespaces: seen.contains("all_namespaces"),
        context: last("context").filter(|c| !c.is_empty()),
        kubeconfig: last("kubeconfig")
            .filter(|k| !k.is_empty())
            .map(PathBuf::from),
        request_timeout: last("request_timeout")
            .and_then(|t| crate::cli::parse_duration(&t).ok())
            .filter(|t| !t.is_zero()),
        daemonset: values
            .get("daemonset")
            .and_then(|v| v.first())
            .map(|name| bare_name(name).to_owned()),
    }
}

/// `NAME` from `TYPE/NAME` (kubectl's form), or the word itself.
fn bare_name(word: &str) -> &str {
    word.rsplit_once('/').map_or(word, |(_, name)| name)
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// The candidates for a request and the directive, fetching names where needed.
pub fn candidates(request: &Request) -> (Vec<Candidate>, u8) {
    match &request.wanted {
        Wanted::Fixed(choices, directive) => (choices.clone(), *directive),
        Wanted::Files => (Vec::new(), DEFAULT),
        Wanted::Nothing => (Vec::new(), NO_FILE_COMP),
        wanted => {
            let found = if request.scope.offline {
                offline(wanted, &request.scope)
            } else {
                live(wanted, &request.scope)
            };
            let mut found = found.unwrap_or_default();
            // Revisions by number and containers in the template's order (the first is the
            // default one); names sorted.
            let directive = if matches!(wanted, Wanted::Revisions | Wanted::Containers) {
                NO_FILE_COMP | KEEP_ORDER
            } else {
                found.sort_by(|a, b| a.value.cmp(&b.value));
                found.dedup_by(|a, b| a.value == b.value);
                NO_FILE_COMP
            };
            if *wanted == Wanted::DaemonSets
                && let Some((kind, _)) = request.prefix.split_once('/')
            {
                // `ds/ag<TAB>`: keep the type the user chose in front of each name.
                for c in &mut found {
                    c.value = format!("{kind}/{}", c.value);
                }
            }
            (found, directive)
        }
    }
}

/// Names from the `--from-file` snapshot (stdin is never read: it is the terminal).
fn offline(wanted: &Wanted, scope: &Scope) -> Option<Vec<Candidate>> {
    if scope.files.is_empty() {
        return None;
    }
    let snapshot = crate::snapshot::load_paths(&scope.files, &mut std::io::empty())
        .ok()?
        .snapshot;
    let namespace = scope.namespace.as_deref().filter(|_| !scope.all_namespaces);
    let names = |it: &mut dyn Iterator<Item = &str>| -> Vec<Candidate> {
        it.map(|n| Candidate::new(n, None)).collect()
    };
    Some(match wanted {
        Wanted::DaemonSets => names(
            &mut snapshot
                .daemon_sets
                .iter()
                .filter(|d| namespace.is_none_or(|ns| d.metadata.namespace == ns))
                .map(|d| d.metadata.name.as_str()),
        ),
        Wanted::Nodes => names(&mut snapshot.nodes.iter().map(|n| n.metadata.name.as_str())),
        Wanted::Namespaces => names(&mut snapshot_namespaces(&snapshot).into_iter()),
        Wanted::Contexts => contexts(scope),
        Wanted::Revisions => {
            let ds = snapshot_daemon_set(&snapshot, namespace, scope.daemonset.as_deref()?)?;
            let inventory = crate::analysis::inventory::Inventory::new(&snapshot);
            revisions(crate::analysis::rollout::owned_revisions(&inventory, ds))
        }
        Wanted::Containers => containers(snapshot_daemon_set(
            &snapshot,
            namespace,
            scope.daemonset.as_deref()?,
        )?),
        _ => Vec::new(),
    })
}

fn snapshot_namespaces(snapshot: &Snapshot) -> BTreeSet<&str> {
    snapshot
        .daemon_sets
        .iter()
        .map(|d| d.metadata.namespace.as_str())
        .chain(snapshot.pods.iter().map(|p| p.metadata.namespace.as_str()))
        .chain(
            snapshot
                .revisions
                .iter()
                .map(|r| r.metadata.namespace.as_str()),
        )
        .filter(|ns| !ns.is_empty())
        .collect()
}

fn snapshot_daemon_set<'s>(
    snapshot: &'s Snapshot,
    namespace: Option<&str>,
    name: &str,
) -> Option<&'s DaemonSet> {
    crate::commands::find_daemon_set(snapshot, namespace, name).ok()
}

/// The kubeconfig's contexts, the current one marked.
fn contexts(scope: &Scope) -> Vec<Candidate> {
    let Some((names, current)) = crate::cluster::kubeconfig_contexts(scope.kubeconfig.as_deref())
    else {
        return Vec::new();
    };
    names
        .into_iter()
        .map(|name| {
            let help = (current.as_deref() == Some(name.as_str())).then(|| "current".to_owned());
            Candidate::new(name, help)
        })
        .collect()
}

/// Revision numbers, ascending, each with the images of its template.
fn revisions<'a>(
    revisions: impl IntoIterator<Item = &'a crate::model::ControllerRevision>,
) -> Vec<Candidate> {
    let mut by_number: BTreeMap<i64, &crate::model::ControllerRevision> = BTreeMap::new();
    for r in revisions {
        by_number.insert(r.revision, r);
    }
    by_number
        .into_iter()
        .map(|(number, r)| {
            let images: Vec<String> = r
                .template()
                .and_then(|t| t.pointer("/spec/containers").cloned())
                .and_then(|c| c.as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.get("image").and_then(|i| i.as_str()).map(str::to_owned))
                .collect();
            Candidate::new(
                number.to_string(),
                (!images.is_empty()).then(|| images.join(", ")),
            )
        })
        .collect()
}

/// The template's containers, then its init containers (sidecars named as such).
fn containers(ds: &DaemonSet) -> Vec<Candidate> {
    let spec = &ds.spec.template.spec;
    let regular = spec
        .containers
        .iter()
        .map(|c| Candidate::new(c.name.clone(), Some(c.image.clone())));
    let init = spec.init_containers.iter().map(|c| {
        let kind = if c.restart_policy.as_deref() == Some("Always") {
            "sidecar"
        } else {
            "init container"
        };
        Candidate::new(c.name.clone(), Some(format!("{kind}, {}", c.image)))
    });
    regular.chain(init).collect()
}

/// Names from the API: one request, bounded, not retried; `None` on any failure.
fn live(wanted: &Wanted, scope: &Scope) -> Option<Vec<Candidate>> {
    if *wanted == Wanted::Contexts {
        return Some(contexts(scope));
    }
    let bound = scope
        .request_timeout
        .map_or(LOOKUP_TIMEOUT, |t| t.min(LOOKUP_TIMEOUT));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        tokio::time::timeout(bound, lookup(wanted, scope, bound))
            .await
            .ok()?
            .ok()
    })
}

async fn lookup(wanted: &Wanted, scope: &Scope, bound: Duration) -> anyhow::Result<Vec<Candidate>> {
    let cluster = crate::cluster::connect(&crate::cluster::ConnectOptions {
        kubeconfig: scope.kubeconfig.clone(),
        context: scope.context.clone(),
        request_timeout: Some(bound),
        verbose: false,
        connect_limits: crate::cluster::transport::ConnectLimits::default(),
    })
    .await?
    .with_retry(crate::cluster::RetryPolicy {
        attempts: 1,
        ..crate::cluster::RetryPolicy::default()
    });
    let namespace = scope
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace().to_owned());
    let names = |names: Vec<String>| names.into_iter().map(|n| Candidate::new(n, None)).collect();
    Ok(match wanted {
        Wanted::DaemonSets => {
            let ns = (!scope.all_namespaces).then_some(namespace.as_str());
            names(
                cluster
                    .list_daemon_sets(ns)
                    .await?
                    .into_iter()
                    .map(|d| d.metadata.name)
                    .collect(),
            )
        }
        Wanted::Nodes => names(
            cluster
                .list_nodes()
                .await?
                .into_iter()
                .map(|n| n.metadata.name)
                .collect(),
        ),
        Wanted::Namespaces => names(cluster.list_namespace_names().await?),
        Wanted::Revisions => {
            let Some(ds) = scope.daemonset.as_deref() else {
                return Ok(Vec::new());
            };
            // One list of the namespace's revisions, matched by owner, instead of reading the
            // DaemonSet first for its selector.
            let owned: Vec<crate::model::ControllerRevision> = cluster
                .list_revisions(&namespace, None)
                .await?
                .into_iter()
                .filter(|r| {
                    r.metadata
                        .controller_ref()
                        .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds)
                })
                .collect();
            revisions(&owned)
        }
        Wanted::Containers => {
            let Some(ds) = scope.daemonset.as_deref() else {
                return Ok(Vec::new());
            };
            match cluster.get_daemon_set(&namespace, ds).await? {
                Some(ds) => containers(&ds),
                None => Vec::new(),
            }
        }
        _ => Vec::new(),
    })
}

/// Writes the candidates that start with `prefix` (and can be typed as one word), then `:N`.
fn write_answer(
    out: &mut dyn Write,
    candidates: &[Candidate],
    prefix: &str,
    directive: u8,
) -> std::io::Result<()> {
    for c in candidates {
        // A name from a file may hold anything; one with a control character or a space is no
        // name the command would accept, and must not reach the terminal.
        if !c.value.starts_with(prefix)
            || c.value.is_empty()
            || c.value
                .chars()
                .any(|ch| safe::is_unsafe(ch) || ch.is_whitespace())
        {
            continue;
        }
        match c.help.as_deref().filter(|h| !h.is_empty()) {
            Some(help) => writeln!(out, "{}\t{}", c.value, safe::escape(help))?,
            None => writeln!(out, "{}", c.value)?,
        }
    }
    writeln!(out, ":{directive}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built() -> clap::Command {
        let mut command = Cli::command();
        command.build();
        command
    }

    fn request(words: &[&str]) -> Request {
        let words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        plan(&built(), &words)
    }

    fn fixed(words: &[&str]) -> Vec<String> {
        match request(words).wanted {
            Wanted::Fixed(choices, _) => choices.into_iter().map(|c| c.value).collect(),
            other => panic!("expected fixed choices, got {other:?}"),
        }
    }

    #[test]
    fn every_dynamic_id_is_still_on_the_command_line() {
        fn ids(command: &clap::Command, into: &mut BTreeSet<String>) {
            into.extend(command.get_arguments().map(|a| a.get_id().to_string()));
            for sub in command.get_subcommands() {
                ids(sub, into);
            }
        }
        let mut all = BTreeSet::new();
        ids(&built(), &mut all);
        for id in DYNAMIC_IDS {
            assert!(all.contains(*id), "no argument {id:?} left to complete");
        }
    }

    #[test]
    fn top_level_lists_subcommands_and_aliases_but_not_hidden_ones() {
        let names = fixed(&[""]);
        for want in [
            "why-missing",
            "why",
            "rollout",
            "list",
            "ls",
            "version",
            "help",
        ] {
            assert!(
                names.contains(&want.to_owned()),
                "{want} missing: {names:?}"
            );
        }
        assert!(!names.iter().any(|n| n.starts_with("__")), "{names:?}");
    }

    #[test]
    fn global_flags_before_the_subcommand_are_skipped_with_their_values() {
        let r = request(&["-n", "prod", "--context=c1", "rollout", ""]);
        assert_eq!(
            r.wanted,
            Wanted::Fixed(
                subcommand_names(find_subcommand(&built(), "rollout").unwrap()),
                4
            )
        );
        assert_eq!(r.scope.namespace.as_deref(), Some("prod"));
        assert_eq!(r.scope.context.as_deref(), Some("c1"));
    }

    #[test]
    fn daemonset_after_an_alias_and_the_scope_after_it() {
        let r = request(&["why", "--kubeconfig", "/k", "-A", "x"]);
        assert_eq!(r.wanted, Wanted::DaemonSets);
        assert_eq!(r.prefix, "x");
        assert!(r.scope.all_namespaces);
        assert_eq!(r.scope.kubeconfig, Some(PathBuf::from("/k")));
    }

    #[test]
    fn flag_values_by_flag() {
        assert_eq!(
            request(&["pod", "agent", "--node", ""]).wanted,
            Wanted::Nodes
        );
        assert_eq!(
            request(&["logs", "agent", "-c", ""]).wanted,
            Wanted::Containers
        );
        assert_eq!(request(&["-n", ""]).wanted, Wanted::Namespaces);
        assert_eq!(request(&["--context", ""]).wanted, Wanted::Contexts);
        assert_eq!(request(&["list", "-f", ""]).wanted, Wanted::Files);
        assert_eq!(request(&["list", "-l", ""]).wanted, Wanted::Nothing);
        let undo = request(&["rollout", "undo", "ds/agent", "--to-revision", ""]);
        assert_eq!(undo.wanted, Wanted::Revisions);
        assert_eq!(undo.scope.daemonset.as_deref(), Some("agent"));
        assert_eq!(
            fixed(&["-o", ""]),
            ["table", "wide", "json", "yaml", "name", "sarif"]
        );
    }

    #[test]
    fn a_value_after_equals_is_completed_without_the_flag() {
        let r = request(&["rollout", "history", "agent", "--revision=2"]);
        assert_eq!((r.wanted, r.prefix.as_str()), (Wanted::Revisions, "2"));
        assert_eq!(
            fixed(&["rollout", "undo", "a", "--dry-run="]),
            ["none", "client", "server"]
        );
        let short = request(&["-f", "x", "why", "-n=pro"]);
        assert_eq!(
            (short.wanted, short.prefix.as_str()),
            (Wanted::Namespaces, "pro")
        );
    }

    #[test]
    fn both_diff_values_are_revisions_and_then_nothing_is_pending() {
        assert_eq!(
            request(&["rollout", "history", "a", "--diff", "1", ""]).wanted,
            Wanted::Revisions
        );
        assert_eq!(
            request(&["rollout", "history", "a", "--diff", "1", "2", ""]).wanted,
            Wanted::Nothing
        );
    }

    #[test]
    fn flag_names_leave_out_flags_already_given_unless_repeatable() {
        let names = fixed(&["pod", "a", "--node", "n1", "--all-namespaces", "-"]);
        assert!(names.contains(&"--node".to_owned()), "{names:?}");
        assert!(!names.contains(&"--all-namespaces".to_owned()), "{names:?}");
        assert!(names.contains(&"--all-nodes".to_owned()), "{names:?}");
    }

    #[test]
    fn the_second_positional_of_a_one_name_command_is_nothing() {
        assert_eq!(request(&["describe", "agent", ""]).wanted, Wanted::Nothing);
        assert_eq!(
            request(&["exec", "agent", "--node", "n", "--", ""]).wanted,
            Wanted::Nothing
        );
    }

    #[test]
    fn offline_scope_keeps_files_but_never_stdin() {
        let r = request(&["list", "-f", "-", "--from-file=a.yaml", ""]);
        assert!(r.scope.offline);
        assert_eq!(r.scope.files, [PathBuf::from("a.yaml")]);
    }

    #[test]
    fn request_words_by_subcommand_or_shim_name() {
        let os = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            request_words(&os(&["/bin/kubectl-ds", "__complete", "-n", ""])),
            Some(vec!["-n".to_owned(), String::new()])
        );
        assert_eq!(
            request_words(&os(&["/x/kubectl_complete-ds", "why", ""])),
            Some(vec!["why".to_owned(), String::new()])
        );
        assert_eq!(request_words(&os(&["kubectl-ds", "list"])), None);
    }

    #[test]
    fn answer_filters_by_prefix_and_drops_unsafe_names() {
        let cands = vec![
            Candidate::new("agent", Some("img\u{1b}[2J".to_owned())),
            Candidate::new("a\u{1b}]52;x", None),
            Candidate::new("a b", None),
            Candidate::new("other", None),
        ];
        let mut out = Vec::new();
        write_answer(&mut out, &cands, "a", NO_FILE_COMP).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "agent\timg\\x1b[2J\n:4\n");
    }
}
