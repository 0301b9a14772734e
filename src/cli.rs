//! Command-line syntax (clap derive). Parsed once and resolved into a
//! [`Context`](crate::context::Context); nothing below the command layer sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const AFTER_HELP: &str = "\
Exit codes:
  0    success, nothing wrong
  1    error (not found, unreadable file, API unreachable or refusing)
  2    usage error
  3    the answer is \"no\": problems found (why-missing: a node Missing, Pending or
       Failing), not rolled out (rollout status), stopped at a failure (replace)
  130  interrupted (Ctrl-C)

With --from-file, nothing contacts a cluster.";

/// Explain DaemonSets: why a node has no healthy pod, and what to do about it.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-ds",
    bin_name = "kubectl ds",
    version,
    about,
    after_help = AFTER_HELP,
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

/// kubectl-style global flags.
#[derive(Debug, Args)]
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
    /// Judge as of this time (RFC 3339) instead of now: ages and minReadySeconds in a saved dump.
    #[arg(
        long,
        global = true,
        hide = true,
        env = "KUBECTL_DS_NOW",
        value_name = "TIME"
    )]
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
    #[command(visible_alias = "why")]
    WhyMissing(WhyMissingArgs),
    /// Rollout status, history, undo and restart, as kubectl does them and beyond.
    #[command(subcommand)]
    Rollout(RolloutCommand),
    /// Replace pods node by node (for OnDelete DaemonSets), in batches, stopping at the first
    /// failure.
    Replace(ReplaceArgs),
    /// The DaemonSet's pod on a node (the one the controller keeps), or a node → pod table.
    ///
    /// Exit code 3 when a named node has no pod; the why-missing verdict says why.
    Pod(PodArgs),
    /// Print the logs of the DaemonSet's pod on a node (or on every node, prefixed).
    ///
    /// Offline, `-f DIR` reads them from a `kubectl cluster-info dump --output-directory DIR`.
    Logs(LogsArgs),
    /// Run a command in the DaemonSet's pod on a node; its exit code becomes ours.
    Exec(ExecArgs),
    /// Show the DaemonSet in detail (kubectl describe style), or its pod on one node.
    Describe(DescribeArgs),
    /// List DaemonSets with kubectl's columns plus the nodes that need attention.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Print the version, git commit and build date.
    Version,
    /// Print a shell completion script.
    Completion {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// `why-missing` arguments.
#[derive(Debug, Args)]
pub struct WhyMissingArgs {
    /// The DaemonSet.
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
    /// The DaemonSet.
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
    /// The DaemonSet.
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
    /// Stream the logs (no short -f: that is --from-file).
    #[arg(long)]
    pub follow: bool,
    /// The previous instance of the container (after a restart).
    #[arg(short = 'p', long)]
    pub previous: bool,
    /// Only lines newer than this (e.g. 5s, 2m, 3h).
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
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
    /// The DaemonSet.
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
    /// The DaemonSet.
    pub daemonset: String,
    /// Describe the pod on this node instead, with the node's why-missing verdict.
    #[arg(long = "node", value_name = "NODE")]
    pub node: Option<String>,
}

/// `rollout` subcommands.
#[derive(Debug, Subcommand)]
pub enum RolloutCommand {
    /// Show the rollout's status (kubectl's words) and per-node progress; waits until done.
    Status(RolloutStatusArgs),
    /// List revisions with their images and the pods that run them.
    History(RolloutHistoryArgs),
    /// Roll back to the previous (or a given) revision.
    Undo(RolloutUndoArgs),
    /// Restart every pod by changing the template's restartedAt annotation.
    Restart(RolloutRestartArgs),
}

/// `rollout status` arguments.
#[derive(Debug, Args)]
pub struct RolloutStatusArgs {
    /// The DaemonSet.
    pub daemonset: String,
    /// Wait for the rollout to finish (`--watch=false` prints the state once).
    #[arg(short = 'w', long, value_name = "BOOL", num_args = 0..=1, default_value_t = true, default_missing_value = "true", action = clap::ArgAction::Set)]
    pub watch: bool,
    /// Give up after this long (0 = never), exit code 3.
    #[arg(long, value_parser = parse_duration, default_value = "0", value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Exit 3 as soon as a new pod is blocked (crash loop, image pull, mount failure).
    #[arg(long)]
    pub fail_fast: bool,
}

/// `rollout history` arguments.
#[derive(Debug, Args)]
pub struct RolloutHistoryArgs {
    /// The DaemonSet.
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
    /// The DaemonSet.
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
    /// The DaemonSet.
    pub daemonset: String,
    /// Dry run.
    #[arg(long, value_enum, default_value_t = DryRunArg::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRunArg,
}

/// `replace` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("targets").required(true).args(["nodes", "all_outdated", "selector"])))]
pub struct ReplaceArgs {
    /// The DaemonSet.
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
    #[arg(long, value_parser = parse_duration, default_value = "5m", value_name = "DURATION")]
    pub timeout: std::time::Duration,
    /// Replace this many nodes, then stop and print how to continue.
    #[arg(long, value_name = "N")]
    pub canary: Option<usize>,
    /// Wait this long between batches.
    #[arg(long, value_parser = parse_duration, default_value = "0", value_name = "DURATION")]
    pub pause: std::time::Duration,
    /// Dry run: `client` prints the plan, `server` sends the deletes with dryRun=All.
    #[arg(long, value_enum, default_value_t = DryRunArg::None, num_args = 0..=1, default_missing_value = "client", require_equals = true)]
    pub dry_run: DryRunArg,
}

/// Parses a Go-style duration: `30s`, `1m30s`, `2h`, `500ms`, or a bare number of seconds.
///
/// # Errors
/// On anything else.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(std::time::Duration::from_secs(seconds));
    }
    let mut total = std::time::Duration::ZERO;
    let mut rest = text;
    if rest.is_empty() {
        return Err("empty duration".to_owned());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(format!(
                "invalid duration {text:?} (expected e.g. 30s, 5m, 1h)"
            ));
        }
        let number: f64 = rest[..digits]
            .parse()
            .map_err(|_| format!("invalid duration {text:?}"))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(format!("invalid duration {text:?} (units: ms, s, m, h)")),
        };
        rest = &rest[unit_len..];
        total += std::time::Duration::from_secs_f64(number * factor);
    }
    Ok(total)
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
    fn durations() {
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("1m30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5x").is_err());
    }
}
