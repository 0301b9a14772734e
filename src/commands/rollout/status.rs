//! `rollout status`: kubectl's line, per-node progress, and a watch until the rollout is done.
//!
//! Also home of the lookups the other `rollout` commands share (namespace, DaemonSet, snapshot).

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::rollout::{NodeState, RolloutStatus, rollout_status};
use crate::cli::RolloutStatusArgs;
use crate::cluster::watch::{Change, Watch};
use crate::cluster::{self, Cluster};
use crate::commands::lookup::{get_daemon_set, not_found_live};
use crate::commands::{connect, pods_on_nodes, usage};
use crate::commands::{find_daemon_set, offline_snapshot};
use crate::context::{Context, NamespaceScope, OutputFormat, Source};
use crate::model::{DaemonSet, Pod, Snapshot};
use crate::render::safe::{Safe, escape_lines};
use crate::render::{self, rollout::StatusView};

/// Batches watch events arriving within this window into one evaluation.
const SETTLE: Duration = Duration::from_millis(150);
/// After `--timeout`, how long the watch has to print its last status before the command is
/// ended regardless.
const FINISH_GRACE: Duration = Duration::from_secs(1);
/// Nodes, revisions and events are re-read at most this often (more often only when the
/// DaemonSet's generation moves).
const CONTEXT_REFRESH: Duration = Duration::from_secs(5);
/// With nothing happening, re-read them this often while a node waits on something only events
/// tell (a mount failure, a refused pod creation).
const IDLE_REFRESH: Duration = Duration::from_secs(15);

/// Runs `rollout status`.
///
/// # Errors
/// Unknown DaemonSet, unreadable files, API failures, a DaemonSet deleted while watched.
pub async fn run(
    ctx: &Context,
    args: &RolloutStatusArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    one_namespace(ctx, "rollout status")?;
    let name = args.daemonset.as_str();
    match &ctx.source {
        Source::Files(_) => {
            let (snapshot, ns) = offline_snapshot(ctx)?;
            let ctx = &ctx.for_snapshot(&snapshot);
            let ds = find_daemon_set(&snapshot, ns.as_deref(), name)?;
            let inv = Inventory::new(&snapshot);
            crate::commands::ensure_answerable(ctx, &inv, ds)?;
            let status = rollout_status(&inv, ds, ctx.now);
            print_once(ctx, &status, out)?;
            Ok(outcome(&status))
        }
        Source::Live { .. } => {
            // --timeout bounds the whole command, connecting included: each request, and the
            // whole (with a moment to print the last status when the watch times out itself).
            let ctx = &crate::commands::with_requests_within(ctx, args.timeout);
            let live = async {
                let cluster = connect(ctx).await?;
                let ns = live_namespace(ctx, &cluster);
                let terminal = std::io::stdout().is_terminal()
                    && std::env::var("TERM").as_deref() != Ok("dumb");
                let result = run_live(ctx, args, &cluster, &ns, terminal, out).await;
                crate::commands::log_request_count(ctx, &cluster);
                result
            };
            if args.timeout.is_zero() {
                return live.await;
            }
            match tokio::time::timeout(args.timeout.saturating_add(FINISH_GRACE), live).await {
                Ok(result) => result,
                Err(_) => Err(anyhow::anyhow!(
                    "timed out after {} waiting for the rollout status of daemon set {name:?}: the API server did not answer in time",
                    cluster::format_duration(args.timeout)
                )),
            }
        }
    }
}

/// `rollout status` against `cluster` in `ns`: one evaluation (`--watch=false`), or the watch.
/// `terminal` selects the redrawn view over one line per change (table output only).
///
/// # Errors
/// As [`run`].
pub async fn run_live(
    ctx: &Context,
    args: &RolloutStatusArgs,
    cluster: &Cluster,
    ns: &str,
    terminal: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    if args.watch {
        return watch(ctx, args, cluster, ns, terminal, out).await;
    }
    let ds = get_daemon_set(cluster, ns, &args.daemonset).await?;
    let pods = list_ds_pods(cluster, &ds).await?;
    let snapshot = live_snapshot(cluster, ds, pods).await?;
    let inv = Inventory::new(&snapshot);
    crate::commands::ensure_answerable(ctx, &inv, &snapshot.daemon_sets[0])?;
    let status = rollout_status(&inv, &snapshot.daemon_sets[0], ctx.now);
    print_once(ctx, &status, out)?;
    Ok(outcome(&status))
}

fn outcome(status: &RolloutStatus) -> Outcome {
    if status.complete {
        Outcome::Success
    } else {
        Outcome::No
    }
}

fn view(ctx: &Context) -> StatusView {
    StatusView {
        wide: ctx.output == OutputFormat::Wide,
        headers: ctx.headers,
        color: ctx.color,
        width: ctx.width,
    }
}

fn print_once(ctx: &Context, status: &RolloutStatus, out: &mut dyn Write) -> anyhow::Result<()> {
    match ctx.output {
        OutputFormat::Json => render::json(out, status)?,
        OutputFormat::Yaml => render::yaml(out, status)?,
        OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
            crate::commands::why_missing::warn(&status.warnings);
            render::rollout::write_status(out, status, view(ctx))?;
        }
    }
    Ok(())
}

/// Why the watch ended without the rollout being complete.
enum End {
    Done,
    Blocked,
    TimedOut,
}

/// The watch: list + watch the DaemonSet and its pods, re-judge after every batch of changes,
/// print what changed.
async fn watch(
    ctx: &Context,
    args: &RolloutStatusArgs,
    cluster: &Cluster,
    ns: &str,
    terminal: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let name = args.daemonset.as_str();
    let started = Instant::now();
    // A deadline past what the clock can represent is no deadline (checked, never a panic).
    let deadline = (!args.timeout.is_zero())
        .then(|| started.checked_add(args.timeout))
        .flatten();
    let mut ds_watch = cluster.watch_daemon_set(ns, name)?;
    let mut ds = match ds_watch.next().await? {
        Change::Reset(mut found) if !found.is_empty() => found.swap_remove(0),
        Change::Applied(ds) => ds,
        _ => return Err(not_found_live(cluster, ns, name).await),
    };
    let mut pod_watch = match selector(&ds) {
        Some(sel) => Some(cluster.watch_pods(ns, &sel)?),
        None => None,
    };
    let mut pods: BTreeMap<String, Pod> = BTreeMap::new();
    if let Some(w) = pod_watch.as_mut() {
        apply_pod_change(&mut pods, w.next().await?);
    }
    let mut extras = Extras::fetch(cluster, &ds, pods.values()).await?;
    let mut printer = Printer::new(ctx, terminal, out);
    loop {
        // The clock moves on from the command's start (minReadySeconds, ages).
        let now = ctx.now + jiff::SignedDuration::try_from(started.elapsed()).unwrap_or_default();
        let snapshot = extras.snapshot(&ds, pods.values());
        let inv = Inventory::new(&snapshot);
        crate::commands::ensure_answerable(ctx, &inv, &snapshot.daemon_sets[0])?;
        let status = rollout_status(&inv, &snapshot.daemon_sets[0], now);
        printer.show(&status)?;
        let end = if status.complete {
            Some(End::Done)
        } else if args.fail_fast && status.blocked {
            Some(End::Blocked)
        } else if deadline.is_some_and(|d| Instant::now() >= d) {
            Some(End::TimedOut)
        } else {
            None
        };
        if let Some(end) = end {
            return printer.finish(&status, &end, args.timeout);
        }
        // Wait for a change (or the deadline, or an idle refresh), then let a burst settle.
        let waits_on_events = status.nodes.iter().any(|n| {
            n.state == NodeState::Updated || (n.pod.is_none() && n.state != NodeState::Available)
        });
        let idle = if waits_on_events {
            IDLE_REFRESH
        } else {
            Duration::from_secs(3600)
        };
        let mut ds_changed = false;
        let mut changed = false;
        let mut wait = idle;
        loop {
            let wait_now = match deadline {
                Some(d) => wait.min(d.saturating_duration_since(Instant::now())),
                None => wait,
            };
            let event = tokio::select! {
                r = ds_watch.next() => Some(Event::DaemonSet(Box::new(r?))),
                r = next_pod(&mut pod_watch) => Some(Event::Pod(Box::new(r?))),
                () = tokio::time::sleep(wait_now) => None,
            };
            match event {
                Some(Event::DaemonSet(change)) => {
                    ds = match *change {
                        Change::Reset(mut found) if !found.is_empty() => found.swap_remove(0),
                        Change::Applied(new) => new,
                        Change::Reset(_) | Change::Deleted(_) => {
                            printer.abandon()?;
                            anyhow::bail!("object has been deleted");
                        }
                    };
                    ds_changed = true;
                    changed = true;
                    // The update that completes the rollout by kubectl's rule is judged at once
                    // rather than after SETTLE: kubectl exits on it, so must we.
                    if crate::analysis::rollout::status_message(&ds).done {
                        break;
                    }
                }
                Some(Event::Pod(change)) => {
                    apply_pod_change(&mut pods, *change);
                    changed = true;
                }
                None => break,
            }
            wait = SETTLE;
        }
        let generation_moved =
            (ds.metadata.generation, ds.status.observed_generation) != extras.generations;
        let stale = extras.fetched.elapsed() >= CONTEXT_REFRESH;
        let idle_refresh = !changed && waits_on_events;
        if generation_moved || ((ds_changed || changed) && stale) || idle_refresh {
            extras = Extras::fetch(cluster, &ds, pods.values()).await?;
        }
    }
}

enum Event {
    DaemonSet(Box<Change<DaemonSet>>),
    Pod(Box<Change<Pod>>),
}

async fn next_pod(watch: &mut Option<Watch<'_, Pod>>) -> anyhow::Result<Change<Pod>> {
    match watch {
        Some(w) => w.next().await,
        None => std::future::pending().await,
    }
}

fn pod_key(pod: &Pod) -> String {
    if pod.metadata.uid.is_empty() {
        pod.metadata.name.clone()
    } else {
        pod.metadata.uid.clone()
    }
}

fn apply_pod_change(pods: &mut BTreeMap<String, Pod>, change: Change<Pod>) {
    match change {
        Change::Reset(all) => {
            pods.clear();
            pods.extend(all.into_iter().map(|p| (pod_key(&p), p)));
        }
        Change::Applied(p) => {
            pods.insert(pod_key(&p), p);
        }
        Change::Deleted(p) => {
            pods.remove(&pod_key(&p));
        }
    }
}

/// What the judgement needs besides the DaemonSet and its pods, re-read now and then.
struct Extras {
    nodes: Vec<crate::model::Node>,
    revisions: Vec<crate::model::ControllerRevision>,
    events: Vec<crate::model::Event>,
    others: Vec<Pod>,
    generations: (Option<i64>, Option<i64>),
    fetched: Instant,
}

impl Extras {
    /// Nodes, the DaemonSet's revisions, the namespace's Warning events about it or its pods,
    /// and (only when a pod is pending) the other pods on the nodes it waits for.
    async fn fetch<'p>(
        cluster: &Cluster,
        ds: &DaemonSet,
        pods: impl Iterator<Item = &'p Pod> + Clone,
    ) -> anyhow::Result<Extras> {
        let ns = ds.metadata.namespace.as_str();
        let nodes = cluster.list_nodes().await?;
        let revisions = match selector(ds) {
            Some(sel) => cluster.list_revisions(ns, Some(&sel)).await?,
            None => Vec::new(),
        };
        let pod_names: HashSet<&str> = pods.clone().map(|p| p.metadata.name.as_str()).collect();
        let events = cluster
            .list_events(Some(ns), Some("type=Warning"))
            .await?
            .into_iter()
            .filter(|e| {
                let o = &e.involved_object;
                (o.kind == "DaemonSet" && o.name == ds.metadata.name)
                    || (o.kind == "Pod" && pod_names.contains(o.name.as_str()))
            })
            .collect();
        let pending: Vec<String> = pods
            .clone()
            .filter(|p| !p.is_bound() && !p.is_terminal())
            .filter_map(|p| p.target_node().map(str::to_owned))
            .collect();
        let others = pods_on_nodes(cluster, &pending).await?;
        Ok(Extras {
            nodes,
            revisions,
            events,
            others,
            generations: (ds.metadata.generation, ds.status.observed_generation),
            fetched: Instant::now(),
        })
    }

    fn snapshot<'p>(&self, ds: &DaemonSet, pods: impl Iterator<Item = &'p Pod>) -> Snapshot {
        let mut all: Vec<Pod> = pods.cloned().collect();
        let known: HashSet<String> = all.iter().map(|p| p.metadata.uid.clone()).collect();
        all.extend(
            self.others
                .iter()
                .filter(|p| !known.contains(&p.metadata.uid))
                .cloned(),
        );
        Snapshot {
            nodes: self.nodes.clone(),
            pods: all,
            daemon_sets: vec![ds.clone()],
            revisions: self.revisions.clone(),
            events: self.events.clone(),
        }
    }
}

/// One live evaluation's objects: the DaemonSet, its pods and [`Extras`].
async fn live_snapshot(
    cluster: &Cluster,
    ds: DaemonSet,
    pods: Vec<Pod>,
) -> anyhow::Result<Snapshot> {
    let extras = Extras::fetch(cluster, &ds, pods.iter()).await?;
    Ok(extras.snapshot(&ds, pods.iter()))
}

/// How the watch prints: the document at the end (`-o json|yaml`), a line per change (a pipe),
/// or a redrawn view (a terminal).
struct Printer<'o> {
    out: &'o mut dyn Write,
    mode: Mode,
    color: bool,
    wide: bool,
    headers: bool,
    last_message: Option<String>,
    last_nodes: BTreeMap<String, (NodeState, Option<&'static str>, Option<String>)>,
    hint_shown: bool,
    frame_lines: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Json,
    Yaml,
    Lines,
    Live,
}

/// Not news when first seen: available already, or an old pod waiting for its turn.
fn unremarkable(node: &crate::analysis::rollout::NodeProgress) -> bool {
    node.state == NodeState::Available
        || (node.state == NodeState::Waiting
            && node.reasons.iter().any(|r| r.code() == "OldRevision"))
}

/// Rows of the live view (the terminal's size is not asked; the rest is summarised).
const LIVE_ROWS: usize = 30;

impl<'o> Printer<'o> {
    fn new(ctx: &Context, terminal: bool, out: &'o mut dyn Write) -> Printer<'o> {
        let mode = match ctx.output {
            OutputFormat::Json => Mode::Json,
            OutputFormat::Yaml => Mode::Yaml,
            _ if terminal => Mode::Live,
            _ => Mode::Lines,
        };
        Printer {
            out,
            mode,
            color: ctx.color,
            wide: ctx.output == OutputFormat::Wide,
            headers: ctx.headers,
            last_message: None,
            last_nodes: BTreeMap::new(),
            hint_shown: false,
            frame_lines: 0,
        }
    }

    fn show(&mut self, status: &RolloutStatus) -> anyhow::Result<()> {
        match self.mode {
            Mode::Json | Mode::Yaml => {}
            Mode::Lines => self.show_lines(status)?,
            Mode::Live => self.show_frame(status)?,
        }
        self.out.flush()?;
        Ok(())
    }

    /// A line when kubectl's message changes, one per node whose state (or reason, or pod)
    /// changed. Nodes first seen available, or waiting for their turn, are not news.
    fn show_lines(&mut self, status: &RolloutStatus) -> anyhow::Result<()> {
        let mut node_lines = Vec::new();
        for node in &status.nodes {
            let key = (
                node.state,
                node.reasons.first().map(|r| r.code()),
                node.pod.clone(),
            );
            let news = match self.last_nodes.get(&node.name) {
                Some(previous) => *previous != key,
                None => self.wide || !unremarkable(node),
            };
            if news {
                node_lines.push(render::rollout::node_line(node, self.color));
            }
            self.last_nodes.insert(node.name.clone(), key);
        }
        let message = (self.last_message.as_deref() != Some(status.message.as_str()))
            .then(|| status.message.clone());
        // kubectl's line leads the first evaluation and ends the others, so a finished
        // rollout ends with it.
        if self.last_message.is_none() {
            node_lines.insert(0, Safe(&status.message).to_string());
        } else if let Some(m) = &message {
            node_lines.push(Safe(m).to_string());
        }
        for line in &node_lines {
            writeln!(self.out, "{line}")?;
        }
        if message.is_some() {
            self.last_message = message;
        }
        if let Some(hint) = status.hint.as_ref().filter(|_| !self.hint_shown) {
            writeln!(self.out, "{}", escape_lines(hint))?;
            self.hint_shown = true;
        }
        Ok(())
    }

    fn show_frame(&mut self, status: &RolloutStatus) -> anyhow::Result<()> {
        if self.frame_lines == 0 {
            // No line wrapping (so the line count is exact) and no cursor while redrawing.
            write!(self.out, "\x1b[?7l\x1b[?25l")?;
        } else {
            write!(self.out, "\x1b[{}A\x1b[J", self.frame_lines)?;
        }
        let lines = render::rollout::status_frame(status, self.color, LIVE_ROWS);
        for line in &lines {
            writeln!(self.out, "{line}")?;
        }
        self.frame_lines = lines.len();
        Ok(())
    }

    /// Restores the terminal (when a frame was drawn).
    fn abandon(&mut self) -> anyhow::Result<()> {
        if self.mode == Mode::Live && self.frame_lines > 0 {
            write!(self.out, "\x1b[?7h\x1b[?25h")?;
            self.frame_lines = 0;
            self.out.flush()?;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        status: &RolloutStatus,
        end: &End,
        timeout: Duration,
    ) -> anyhow::Result<Outcome> {
        self.abandon()?;
        match self.mode {
            Mode::Json => render::json(self.out, status)?,
            Mode::Yaml => render::yaml(self.out, status)?,
            Mode::Lines | Mode::Live => {
                crate::commands::why_missing::warn(&status.warnings);
                if !matches!(end, End::Done) && self.mode == Mode::Lines {
                    // The per-node lines told the story as it went; end with the whole picture.
                    writeln!(self.out)?;
                    render::rollout::write_status(
                        self.out,
                        status,
                        StatusView {
                            wide: self.wide,
                            headers: self.headers,
                            color: self.color,
                            // Lines for a pipe or a file: whole.
                            width: None,
                        },
                    )?;
                }
            }
        }
        self.out.flush()?;
        match end {
            End::Done => Ok(Outcome::Success),
            End::Blocked => {
                let blocked: Vec<String> = status
                    .nodes_in(NodeState::Blocked)
                    .map(|n| {
                        let reason = n
                            .reasons
                            .iter()
                            .find(|r| crate::analysis::rollout::BLOCKING_CODES.contains(&r.code()))
                            .map(|r| format!("{}: {}", r.code(), r.message))
                            .unwrap_or_default();
                        format!("  {}: {reason}", n.name)
                    })
                    .collect();
                eprintln!(
                    "rollout of daemon set {} is blocked on {} node{}:",
                    Safe(&format!("{:?}", status.daemon_set.name)),
                    blocked.len(),
                    if blocked.len() == 1 { "" } else { "s" }
                );
                for line in blocked {
                    eprintln!("{}", Safe(&line));
                }
                Ok(Outcome::No)
            }
            End::TimedOut => {
                eprintln!(
                    "timed out after {} waiting for the rollout to finish: {}",
                    cluster::format_duration(timeout),
                    Safe(&status.message)
                );
                Ok(Outcome::No)
            }
        }
    }
}

impl Drop for Printer<'_> {
    fn drop(&mut self) {
        // Interrupted (Ctrl-C) mid-frame: give the terminal back its wrapping and cursor.
        let _ = self.abandon();
    }
}

// ---- shared by the rollout commands ----

/// Rejects `-A`: the rollout commands take one DaemonSet.
pub(super) fn one_namespace(ctx: &Context, command: &str) -> anyhow::Result<()> {
    if ctx.namespace == NamespaceScope::All {
        return Err(usage(format!(
            "{command} takes one DaemonSet: choose its namespace with -n, not -A"
        )));
    }
    Ok(())
}

/// Rejects `--from-file` for commands that change the cluster.
pub(super) fn live_only(ctx: &Context, command: &str) -> anyhow::Result<()> {
    if matches!(ctx.source, Source::Files(_)) {
        return Err(usage(format!(
            "{command} changes the cluster, so it needs one: drop --from-file"
        )));
    }
    Ok(())
}

/// `-n`, else the kubeconfig context's namespace.
pub(super) fn live_namespace(ctx: &Context, cluster: &Cluster) -> String {
    match &ctx.namespace {
        NamespaceScope::Explicit(ns) => ns.clone(),
        NamespaceScope::Default | NamespaceScope::All => cluster.default_namespace().to_owned(),
    }
}

/// The DaemonSet's selector as a query string (`None` for an empty selector).
pub(super) fn selector(ds: &DaemonSet) -> Option<String> {
    ds.spec
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())
        .map(cluster::label_selector_string)
}

/// The pods the DaemonSet's selector matches.
pub(super) async fn list_ds_pods(cluster: &Cluster, ds: &DaemonSet) -> anyhow::Result<Vec<Pod>> {
    match selector(ds) {
        Some(sel) => {
            cluster
                .list_pods(Some(&ds.metadata.namespace), Some(&sel), None)
                .await
        }
        None => Ok(Vec::new()),
    }
}

/// The ControllerRevisions the DaemonSet's selector matches.
pub(super) async fn list_ds_revisions(
    cluster: &Cluster,
    ds: &DaemonSet,
) -> anyhow::Result<Vec<crate::model::ControllerRevision>> {
    match selector(ds) {
        Some(sel) => {
            cluster
                .list_revisions(&ds.metadata.namespace, Some(&sel))
                .await
        }
        None => Ok(Vec::new()),
    }
}

/// ` (dry run)`, ` (server dry run)` or nothing, as kubectl's printers append.
pub(super) fn dry_run_suffix(dry_run: crate::cli::DryRunArg) -> &'static str {
    match dry_run {
        crate::cli::DryRunArg::None => "",
        crate::cli::DryRunArg::Client => " (dry run)",
        crate::cli::DryRunArg::Server => " (server dry run)",
    }
}
