//! Command-line syntax (clap derive). Parsed once and resolved into a
//! [`Context`](crate::context::Context); nothing below the command layer sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod help;

/// The help heading of the flags every command takes (kubectl keeps them apart too: "Use
/// \"kubectl options\" for a list of global command-line options").
pub const GLOBAL_OPTIONS: &str = "Global options";

/// Explain DaemonSets: why a node has no healthy pod, and what to do about it.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-ds",
    bin_name = "kubectl ds",
    version,
    about,
    after_help = help::TOP,
    propagate_version = true
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// kubectl-style global flags, listed after each command's own options under their heading.
#[derive(Debug, Args)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file to use.
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use.
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
    /// Namespace (default: the context's namespace, then "default").
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// Look in every namespace.
    #[arg(short = 'A', long, global = true)]
    pub all_namespaces: bool,
    /// Output format.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputArg::Table)]
    pub output: OutputArg,
    /// Don't print table headers.
    #[arg(long, global = true)]
    pub no_headers: bool,
    /// When to use colour (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,
    /// How long to wait for one API request, connecting included (e.g. 30s, 1m; 0 = no limit).
    /// Watches and `logs --follow` streams are not limited by it.
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_duration, default_value = "30s")]
    pub request_timeout: std::time::Duration,
    /// Analyse saved objects instead of a live cluster: a file (JSON or YAML, one object, a List
    /// or several documents), "-" for stdin, or a directory such as `kubectl cluster-info dump
    /// --output-directory`. Repeatable.
    #[arg(short = 'f', long = "from-file", global = true, value_name = "PATH")]
    pub from_file: Vec<PathBuf>,
    /// Judge as of this time (RFC 3339, e.g. 2026-11-28T10:00:00Z): ages, "2m ago" and
    /// minReadySeconds. Default: the clock; with --from-file, the newest time in the saved objects.
    #[arg(long, global = true, env = "KUBECTL_DS_NOW", value_name = "TIME")]
    pub now: Option<jiff::Timestamp>,
    /// Log every API request to stderr.
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// `-o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Nodes that need attention, with reasons and hints.
    Table,
    /// Every node.
    Wide,
    /// The JSON document (schema: docs/schema.md).
    Json,
    /// The same document as YAML.
    Yaml,
    /// `kind/NAME` lines, for scripts (`pod` and `list` only).
    Name,
    /// SARIF 2.1.0, for CI systems (`check` only).
    Sarif,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal when NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Why is there no (healthy) pod of a DaemonSet on a node? One verdict per node.
    ///
    /// With a DaemonSet: every node (or those given with --node) is judged. Without one:
    /// every DaemonSet of the namespace (or all with -A) is judged on the single --node.
    #[command(visible_alias = "why", after_help = help::WHY_MISSING)]
    WhyMissing(WhyMissingArgs),
    /// Rollout status, history, undo and restart, as kubectl does them and beyond.
    #[command(subcommand, after_help = help::ROLLOUT)]
    Rollout(RolloutCommand),
    /// Replace pods node by node (for OnDelete DaemonSets), in batches, stopping at the first
    /// failure.
    #[command(after_help = help::REPLACE)]
    Replace(ReplaceArgs),
    /// The DaemonSet's pod on a node (the one the controller keeps), or a node → pod table.
    ///
    /// Exit code 3 when a named node has no pod; the why-missing verdict says why.
    #[command(after_help = help::POD)]
    Pod(PodArgs),
    /// Print the logs of the DaemonSet's pod on a node (or on every node, prefixed).
    ///
    /// Offline, `--from-file DIR` reads them from a `kubectl cluster-info dump --output-directory
    /// DIR`. `-f` is --follow here, as in kubectl.
    #[command(after_help = help::LOGS)]
    Logs(LogsArgs),
    /// Run a command in the DaemonSet's pod on a node; its exit code becomes ours.
    #[command(after_help = help::EXEC)]
    Exec(ExecArgs),
    /// Show the DaemonSet in detail (kubectl describe style), or its pod on one node.
    #[command(after_help = help::DESCRIBE)]
    Describe(DescribeArgs),
    /// List DaemonSets with kubectl's columns plus the nodes that need attention.
    #[command(visible_alias = "ls", after_help = help::LIST)]
    List(ListArgs),
    /// Print the version, git commit and build date.
    #[command(after_help = help::VERSION)]
    Version,
    /// Print a shell completion script.
    #[command(after_help = help::COMPLETION)]
    Completion {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Lint DaemonSets for production pitfalls (live, a dump, or manifests such as `helm
    /// template … | kubectl ds check -f -`).
    ///
    /// Exit code 3 when a finding at or above --fail-on exists. Rules and their rationale:
    /// docs/checks.md.
    #[command(after_help = help::CHECK)]
    Check(CheckArgs),
}

/// `check` arguments.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only these DaemonSets (default: every one in the namespace, or all with -A).
    pub daemonsets: Vec<String>,
    /// Exit 3 when a finding of this severity or worse exists.
    #[arg(long, value_enum, default_value_t = FailOnArg::Error, value_name = "SEVERITY")]
    pub fail_on: FailOnArg,
    /// Rules to turn off, by ID (comma-separated or repeated), e.g. DS203,DS301.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub disable: Vec<String>,
    /// DS403: warn when a rollout is estimated to take longer than this.
    #[arg(long, value_parser = parse_age, default_value = "1h", value_name = "DURATION")]
    pub max_rollout_duration: std::time::Duration,
    /// DS404: warn when OnDelete pods stay on an older revision longer than this (e.g. 7d, 36h).
    #[arg(long, value_parser = parse_age, default_value = "7d", value_name = "DURATION")]
    pub max_outdated_age: std::time::Duration,
}

/// `--fail-on` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warning,
    /// Any finding.
    Info,
}

/// `why-missing` arguments.
#[derive(Debug, Args)]
pub struct WhyMissingArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: Option<String>,
    /// Only these nodes (repeatable). Without a DaemonSet, exactly one.
    #[arg(long = "node", value_name = "NODE")]
    pub nodes: Vec<String>,
}

/// `list` arguments.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only DaemonSets whose labels match this selector (e.g. `app=agent,tier!=test`).
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
}

/// `pod` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("where").required(true).args(["nodes", "all_nodes"])))]
pub struct PodArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// The node (repeatable).
    #[arg(long = "node", value_name = "NODE")]
    pub nodes: Vec<String>,
    /// Every node: a node → pod table.
    #[arg(long)]
    pub all_nodes: bool,
}

/// `logs` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("where").required(true).args(["nodes", "all_nodes", "selector"])))]
pub struct LogsArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// The node (repeatable; several nodes prefix each line with the node).
    #[arg(long = "node", value_name = "NODE")]
    pub nodes: Vec<String>,
    /// Every node that has a pod, each line prefixed with `[node/NODE pod/POD/CONTAINER]`.
    #[arg(long)]
    pub all_nodes: bool,
    /// The nodes matching this label selector, lines prefixed as with --all-nodes.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// The container (default: the pod's kubectl.kubernetes.io/default-container, else the
    /// first).
    #[arg(short = 'c', long, value_name = "NAME")]
    pub container: Option<String>,
    /// Stream the logs.
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Read container logs from a `kubectl cluster-info dump --output-directory` DIR instead of
    /// a live cluster (no short form here: -f is --follow). Repeatable.
    // The same id as the global flag: clap keeps this local definition for `logs` and still
    // hands its value to `GlobalArgs::from_file`.
    #[arg(long = "from-file", value_name = "PATH", help_heading = GLOBAL_OPTIONS)]
    pub from_file: Vec<PathBuf>,
    /// The previous instance of the container (after a restart).
    #[arg(short = 'p', long)]
    pub previous: bool,
    /// Only lines newer than this (e.g. 5s, 2m, 3h).
    #[arg(long, value_parser = parse_go_duration, value_name = "DURATION")]
    pub since: Option<std::time::Duration>,
    /// Only the last N lines (-1 = all).
    #[arg(long, default_value_t = -1, value_name = "N", allow_negative_numbers = true)]
    pub tail: i64,
    /// Prefix each line with its RFC 3339 timestamp.
    #[arg(long)]
    pub timestamps: bool,
    /// Pods read at once with several nodes.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub max_log_requests: usize,
}

/// `exec` arguments.
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// The node.
    #[arg(long = "node", value_name = "NODE", required = true)]
    pub node: String,
    /// The container (default: as for logs).
    #[arg(short = 'c', long, value_name = "NAME")]
    pub container: Option<String>,
    /// Pass stdin to the command.
    #[arg(short = 'i', long)]
    pub stdin: bool,
    /// Stdin is a TTY: with -i on a terminal, the command gets a terminal and ours is raw until
    /// the end; ignored without -i (as kubectl).
    #[arg(short = 't', long)]
    pub tty: bool,
    /// The command and its arguments, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// `describe` arguments.
#[derive(Debug, Args)]
pub struct DescribeArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// Describe the pod on this node instead, with the node's why-missing verdict.
    #[arg(long = "node", value_name = "NODE")]
    pub node: Option<String>,
}

/// `rollout` subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Show the rollout's status (kubectl's words) and per-node progress; waits until done.
    #[command(after_help = help::ROLLOUT_STATUS)]
    Status(RolloutStatusArgs),
    /// List revisions with their images and the pods that run them.
    #[command(after_help = help::ROLLOUT_HISTORY)]
    History(RolloutHistoryArgs),
    /// Roll back to the previous (or a given) revision.
    #[command(after_help = help::ROLLOUT_UNDO)]
    Undo(RolloutUndoArgs),
    /// Restart every pod by changing the template's restartedAt annotation.
    #[command(after_help = help::ROLLOUT_RESTART)]
    Restart(RolloutRestartArgs),
}

/// `rollout status` arguments.
#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// Wait for the rollout to finish (`--watch=false` prints the state once).
    #[arg(short = 'w', long, value_name = "BOOL", num_args = 0..=1, default_value_t = true, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub watch: bool,
    /// Give up after this long (0 = never), exit code 3.
    #[arg(long, value_parser = parse_go_duration, default_value = "0", value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Exit 3 as soon as a new pod is blocked (crash loop, image pull, mount failure).
    #[arg(long)]
    pub fail_fast: bool,
}

/// `rollout history` arguments.
#[derive(Debug, Args)]
pub struct RolloutHistoryArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// Show this revision's pod template.
    #[arg(long, value_name = "N", conflicts_with = "diff")]
    pub revision: Option<i64>,
    /// Show a unified diff of two revisions' templates.
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub diff: Option<Vec<i64>>,
}

/// `--dry-run` values, as kubectl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunArg {
    /// Change the cluster.
    None,
    /// Print what would change; send nothing.
    Client,
    /// Send the change with dryRun=All: the server validates it and persists nothing.
    Server,
}

/// `rollout undo` arguments.
#[derive(Debug, Args)]
pub struct RolloutUndoArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// The revision to roll back to (0 = the previous one).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub to_revision: i64,
    /// Dry run.
    #[arg(long, value_enum, default_value_t = DryRunArg::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRunArg,
}

/// `rollout restart` arguments.
#[derive(Debug, Args)]
pub struct RolloutRestartArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// Dry run.
    #[arg(long, value_enum, default_value_t = DryRunArg::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRunArg,
}

/// `replace` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("targets").required(true).args(["nodes", "all_outdated", "selector"])))]
pub struct ReplaceArgs {
    /// The DaemonSet: NAME, or TYPE/NAME as kubectl takes it (ds/NAME, daemonset.apps/NAME…).
    #[arg(value_parser = parse_daemon_set_name, value_name = "DAEMONSET")]
    pub daemonset: String,
    /// Replace the pod on these nodes (repeatable).
    #[arg(long = "node", value_name = "NODE")]
    pub nodes: Vec<String>,
    /// Replace every pod of an older revision.
    #[arg(long)]
    pub all_outdated: bool,
    /// Replace the pods on nodes matching this label selector.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
    /// Also replace pods already on the current revision (a per-node restart); required for
    /// RollingUpdate DaemonSets.
    #[arg(long)]
    pub force: bool,
    /// Nodes replaced at once: a count or a percentage of the desired nodes (rounded up).
    #[arg(long, default_value = "1", value_name = "N|P%")]
    pub max_unavailable: String,
    /// Grace period for the deleted pods in seconds (default: the pod's own).
    #[arg(long, value_name = "SECONDS")]
    pub grace_period: Option<i64>,
    /// How long one node may take to get a Ready replacement.
    #[arg(long, value_parser = parse_go_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Replace this many nodes, then stop and print how to continue.
    #[arg(long, value_name = "N")]
    pub canary: Option<usize>,
    /// Wait this long between batches.
    #[arg(long, value_parser = parse_go_duration, default_value = "0", value_name = "DURATION")]
    pub pause: std::time::Duration,
    /// Dry run: `client` prints the plan, `server` sends the deletes with dryRun=All.
    #[arg(long, value_enum, default_value_t = DryRunArg::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRunArg,
}

/// The resource types kubectl accepts for a DaemonSet in `TYPE/NAME`, compared ignoring case.
pub const DAEMON_SET_TYPES: &[&str] = &[
    "ds",
    "daemonset",
    "daemonsets",
    "daemonset.apps",
    "daemonsets.apps",
    "daemonset.v1.apps",
    "daemonsets.v1.apps",
];

/// Parses a DaemonSet argument as kubectl does: `NAME`, or `TYPE/NAME` with a DaemonSet type
/// (`ds/agent`, `daemonset.apps/agent`); returns the name.
///
/// # Errors
/// An empty name, a name with more than one `/`, or any other type (a usage error naming the
/// accepted forms).
pub fn parse_daemon_set_name(text: &str) -> Result<String, String> {
    let forms = "NAME, ds/NAME, daemonset/NAME, daemonsets/NAME, daemonset.apps/NAME or \
                 daemonsets.apps/NAME";
    let name = match text.split_once('/') {
        None => text,
        Some((kind, name)) => {
            if !DAEMON_SET_TYPES
                .iter()
                .any(|t| t.eq_ignore_ascii_case(kind))
            {
                return Err(format!(
                    "{kind:?} is not a DaemonSet type; name the DaemonSet as {forms}"
                ));
            }
            name
        }
    };
    if name.is_empty() || name.contains('/') {
        return Err(format!("{text:?} is not a DaemonSet name; use {forms}"));
    }
    Ok(name.to_owned())
}

/// Parses an age limit of `check`: a Go duration ([`parse_go_duration`]), optionally after a
/// whole number of days (`7d`, `1d12h`) — Go has no day unit, but ages of pods are counted in
/// days, as kubectl's AGE column shows them.
///
/// # Errors
/// As [`parse_go_duration`]; a day count past Go's range is "out of range".
pub fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let trimmed = text.trim();
    let Some((days, rest)) = trimmed
        .split_once('d')
        .filter(|(d, _)| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    else {
        return parse_go_duration(text);
    };
    let day_nanos = days
        .parse::<u64>()
        .ok()
        .and_then(|d| d.checked_mul(86_400 * NANOS_PER_SECOND))
        .ok_or_else(|| out_of_range(text))?;
    let rest_nanos = if rest.is_empty() {
        0
    } else {
        u64::try_from(parse_go_duration(rest)?.as_nanos()).map_err(|_| out_of_range(text))?
    };
    day_nanos
        .checked_add(rest_nanos)
        .filter(|&n| n <= MAX_DURATION_NANOS)
        .map(std::time::Duration::from_nanos)
        .ok_or_else(|| out_of_range(text))
}

/// Parses `--request-timeout` as kubectl does (client-go's `ParseTimeout`): a bare non-negative
/// integer is seconds (`30`), anything else a Go duration ([`parse_go_duration`]).
///
/// # Errors
/// A one-line message for anything else, including values past Go's limit of about 292 years.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let trimmed = text.trim();
    let unsigned = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return unsigned
            .parse::<u64>()
            .ok()
            .and_then(|seconds| seconds.checked_mul(NANOS_PER_SECOND))
            .filter(|&nanos| nanos <= MAX_DURATION_NANOS)
            .map(std::time::Duration::from_nanos)
            .ok_or_else(|| out_of_range(text));
    }
    parse_go_duration(text)
}

/// Parses a duration with Go's `time.ParseDuration` rules, as kubectl's duration flags
/// (`rollout status --timeout`, `logs --since`) do: an optional sign, then one or more
/// `NUMBER UNIT` parts (`1h30m`, `1.5s`, `.5h`, `2h45m0.5s`) where the unit is `ns`, `us` (`µs`),
/// `ms`, `s`, `m` or `h`. A bare `0` needs no unit; any other bare number is an error, as in Go.
/// A negative value is refused (no flag here means anything by it), except `-0`.
///
/// Go's own parser works in `int64` nanoseconds; so does this one, with checked arithmetic, so a
/// value past 2562047h47m16.854775807s is an "out of range" error instead of a wrap or a panic.
/// (jiff's friendly format is close but not Go's grammar: it refuses `1.5h30m` and accepts
/// `1 hour`, which kubectl does not.)
///
/// # Errors
/// A one-line message naming the value and what was expected.
pub fn parse_go_duration(text: &str) -> Result<std::time::Duration, String> {
    let invalid = || format!("invalid duration {text:?} (expected e.g. 30s, 1m30s, 500ms, 1.5h)");
    let s = text.trim();
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        // The integer part; overflow past int64 is out of range, as in Go.
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_digits, after) = rest.split_at(int_len);
        let mut whole: u64 = 0;
        for d in int_digits.bytes() {
            whole = whole
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(d - b'0')))
                .filter(|&v| v <= MAX_DURATION_NANOS)
                .ok_or_else(|| out_of_range(text))?;
        }
        rest = after;
        // The fraction: digits past what u64 holds only lose precision, as in Go.
        let mut fraction: u64 = 0;
        let mut scale: u64 = 1;
        let mut has_fraction_digits = false;
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            let (frac_digits, after) = after_dot.split_at(frac_len);
            has_fraction_digits = frac_len > 0;
            for d in frac_digits.bytes() {
                if let Some(next_scale) = scale.checked_mul(10)
                    && let Some(next) = fraction
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(d - b'0')))
                {
                    fraction = next;
                    scale = next_scale;
                }
            }
            rest = after;
        }
        if int_len == 0 && !has_fraction_digits {
            return Err(invalid());
        }
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map_or(rest.len(), |(i, _)| i);
        let (unit, after) = rest.split_at(unit_len);
        let unit_nanos: u64 = match unit {
            "" => {
                return Err(format!(
                    "invalid duration {text:?}: missing unit (ns, us, ms, s, m or h)"
                ));
            }
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => NANOS_PER_SECOND,
            "m" => 60 * NANOS_PER_SECOND,
            "h" => 3_600 * NANOS_PER_SECOND,
            other => {
                return Err(format!(
                    "invalid duration {text:?}: unknown unit {other:?} (ns, us, ms, s, m or h)"
                ));
            }
        };
        rest = after;
        let part_fraction =
            u64::try_from(u128::from(fraction) * u128::from(unit_nanos) / u128::from(scale))
                .map_err(|_| out_of_range(text))?;
        total = whole
            .checked_mul(unit_nanos)
            .and_then(|v| v.checked_add(part_fraction))
            .and_then(|v| v.checked_add(total))
            .filter(|&v| v <= MAX_DURATION_NANOS)
            .ok_or_else(|| out_of_range(text))?;
    }
    if negative && total != 0 {
        return Err(format!("invalid duration {text:?}: must not be negative"));
    }
    Ok(std::time::Duration::from_nanos(total))
}

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// Go's largest `time.Duration`: `i64::MAX` nanoseconds, about 292 years.
const MAX_DURATION_NANOS: u64 = i64::MAX as u64;

fn out_of_range(text: &str) -> String {
    format!("duration {text:?} is out of range (at most 2562047h47m16.854775807s, about 292 years)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::time::Duration;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn daemon_sets_are_named_as_kubectl_names_them() {
        for text in [
            "agent",
            "ds/agent",
            "daemonset/agent",
            "daemonsets/agent",
            "daemonset.apps/agent",
            "daemonsets.apps/agent",
            "DaemonSet/agent",
            "daemonsets.v1.apps/agent",
        ] {
            assert_eq!(parse_daemon_set_name(text).unwrap(), "agent", "{text}");
        }
        for (text, words) in [
            ("deploy/agent", "\"deploy\" is not a DaemonSet type"),
            ("pod/agent", "\"pod\" is not a DaemonSet type"),
            ("/agent", "\"\" is not a DaemonSet type"),
            ("ds/", "is not a DaemonSet name"),
            ("ds/a/b", "is not a DaemonSet name"),
            ("", "is not a DaemonSet name"),
        ] {
            let e = parse_daemon_set_name(text).unwrap_err();
            assert!(e.contains(words), "{text:?}: {e}");
            assert!(e.contains("daemonset.apps/NAME"), "{text:?}: {e}");
        }
    }

    #[test]
    fn go_durations_as_kubectl_parses_them() {
        let ok = |text: &str| parse_go_duration(text).unwrap();
        assert_eq!(ok("30s"), Duration::from_secs(30));
        assert_eq!(ok("1h30m"), Duration::from_secs(5400));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("1.5s"), Duration::from_millis(1500));
        assert_eq!(ok("300us"), Duration::from_micros(300));
        assert_eq!(ok("300\u{b5}s"), Duration::from_micros(300));
        assert_eq!(ok("300\u{3bc}s"), Duration::from_micros(300));
        assert_eq!(ok("7ns"), Duration::from_nanos(7));
        assert_eq!(ok("2h45m0.5s"), Duration::from_millis(9_900_500));
        assert_eq!(ok(".5h"), Duration::from_secs(1800));
        assert_eq!(ok("1.s"), Duration::from_secs(1));
        assert_eq!(ok("1.5h30m"), Duration::from_secs(7200));
        assert_eq!(
            ok("30m1h"),
            Duration::from_secs(5400),
            "Go sums parts in any order"
        );
        assert_eq!(ok("+5s"), Duration::from_secs(5));
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("-0"), Duration::ZERO);
        assert_eq!(ok("-0s"), Duration::ZERO);
        assert_eq!(
            ok("2562047h47m16.854775807s"),
            Duration::from_nanos(i64::MAX as u64),
            "Go's largest duration"
        );
        assert_eq!(
            ok("0.0000000001s"),
            Duration::ZERO,
            "below a nanosecond truncates"
        );
        assert_eq!(
            ok("1.00000000000000000000000001s"),
            Duration::from_secs(1),
            "long fractions lose precision, not the parse"
        );
    }

    #[test]
    fn go_duration_errors_name_the_value() {
        for (text, words) in [
            ("", "invalid duration"),
            ("soon", "invalid duration"),
            ("5", "missing unit"),
            ("00", "missing unit"),
            ("1h30", "missing unit"),
            ("5x", "unknown unit \"x\""),
            ("5 s", "unknown unit \" s\""),
            (".s", "invalid duration"),
            ("-", "invalid duration"),
            ("+-5s", "invalid duration"),
            ("-5s", "must not be negative"),
            ("1e30m", "unknown unit \"e\""),
            ("2562047h47m16.854775808s", "out of range"),
            ("18446744073709551615s", "out of range"),
            ("99999999999999999999999h", "out of range"),
            ("2562048h", "out of range"),
            ("1e25s", "unknown unit"),
        ] {
            let e = parse_go_duration(text).unwrap_err();
            assert!(e.contains(words), "{text:?}: {e}");
            assert!(e.contains(&format!("{text:?}")), "{text:?}: {e}");
        }
    }

    #[test]
    fn request_timeout_takes_bare_seconds_as_client_go_does() {
        assert_eq!(parse_duration("30").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(
            parse_duration("9223372036").unwrap(),
            Duration::from_secs(9_223_372_036)
        );
        for huge in [
            "9223372037",
            "18446744073709551615",
            "99999999999999999999999",
        ] {
            let e = parse_duration(huge).unwrap_err();
            assert!(e.contains("out of range"), "{huge}: {e}");
        }
        assert!(parse_duration("-5").unwrap_err().contains("missing unit"));
        assert!(parse_duration("1e30m").is_err());
    }

    /// A seeded generator (no extra crate) over the grammar's own alphabet, so most inputs get
    /// deep into the parser: nothing it produces may panic, and whatever parses stays within
    /// Go's range.
    #[test]
    fn no_duration_input_panics() {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "5",
            "9",
            "99999999999",
            "18446744073709551615",
            ".",
            "..",
            "-",
            "+",
            "h",
            "m",
            "s",
            "ms",
            "us",
            "ns",
            "\u{b5}s",
            "\u{3bc}s",
            "e",
            "e30",
            " ",
            "x",
            "\u{0}",
            "\u{202e}",
            "2562047h",
            "47m",
            "16.854775807s",
            "0000000000000000000001",
            ".999999999999999999999",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..100_000 {
            let len = next() % 8;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            for parse in [parse_go_duration, parse_duration] {
                if let Ok(d) = parse(&text) {
                    assert!(d.as_nanos() <= u128::from(MAX_DURATION_NANOS), "{text:?}");
                }
            }
        }
    }
}
