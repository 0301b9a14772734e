//! The live run: fetch, plan, then batch by batch delete (uid precondition) and wait for the
//! controller's replacements; stop at the first failure, on Ctrl-C, or when the template changes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::Notify;

use crate::analysis::Inventory;
use crate::analysis::replace::{
    Assessment, DryRun, Event, NodeOutcome, Pending, Plan, ReplaceReport, Replacement, Request,
    RunStatus, SkipReason, Target, budget_message, continue_command, judge_replacement, next_batch,
    plan, seconds_between,
};
use crate::analysis::revision::current_revision;
use crate::analysis::why_missing::DaemonSetState;
use crate::cluster::{Cluster, ClusterError};
use crate::model::{ControllerRevision, DaemonSet, Event as KubeEvent, Node, Pod, Snapshot};
use crate::render::replace::LiveNode;

/// How the run behaves (beyond the request).
#[derive(Debug, Clone)]
pub struct Options {
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// `--grace-period` (`None`: the pod's own).
    pub grace_period: Option<i64>,
    /// `--timeout`: how long one node may take.
    pub timeout: Duration,
    /// `--pause` between batches.
    pub pause: Duration,
    /// How often to look at the nodes in flight.
    pub poll: Duration,
    /// A node waiting this long has its events read too (mount and create failures).
    pub events_after: Duration,
    /// At the start, how long to wait for the controller to record a just-changed template.
    pub revision_wait: Duration,
}

impl Options {
    /// The defaults for a dry-run mode.
    pub fn new(dry_run: DryRun) -> Options {
        Options {
            dry_run,
            grace_period: None,
            timeout: Duration::from_secs(300),
            pause: Duration::ZERO,
            poll: Duration::from_secs(1),
            events_after: Duration::from_secs(5),
            revision_wait: Duration::from_secs(10),
        }
    }
}

/// Ctrl-C presses, shared between the signal listener and the run.
#[derive(Debug, Default)]
pub struct Interrupt {
    presses: AtomicUsize,
    notify: Notify,
}

impl Interrupt {
    /// No press yet.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Records a press.
    pub fn press(&self) {
        self.presses.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Presses so far.
    pub fn count(&self) -> usize {
        self.presses.load(Ordering::SeqCst)
    }

    /// Resolves once there have been at least `n` presses.
    pub async fn reached(&self, n: usize) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.count() >= n {
                return;
            }
            notified.await;
        }
    }
}

/// Where progress goes.
pub trait Progress {
    /// Something happened.
    fn event(&mut self, event: &Event);
    /// The nodes in flight, after each look (for a live view).
    fn live(&mut self, _batch: usize, _nodes: &[LiveNode]) {}
    /// The run is over (clear a live view).
    fn finish(&mut self) {}
}

/// Keeps every event (tests, and `-o json` callers that want them).
#[derive(Debug, Default)]
pub struct Recorder {
    /// The events, in order.
    pub events: Vec<Event>,
}

impl Progress for Recorder {
    fn event(&mut self, event: &Event) {
        self.events.push(event.clone());
    }
}

/// The run was interrupted before anything was planned or deleted.
#[derive(Debug, thiserror::Error)]
#[error("interrupted before anything was deleted")]
pub struct InterruptedBeforeStart;

/// Races `fut` against `n` presses of Ctrl-C.
async fn unless_interrupted<F: std::future::Future>(
    interrupt: &Interrupt,
    n: usize,
    fut: F,
) -> Option<F::Output> {
    tokio::select! {
        r = fut => Some(r),
        () = interrupt.reached(n) => None,
    }
}

/// Reads what the plan needs: the DaemonSet, all nodes, its pods and its revisions. When no
/// revision matches the template yet (it was just changed), waits up to `revision_wait` for the
/// controller to record it.
///
/// # Errors
/// Not found (with suggestions) and API failures.
pub async fn fetch(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    revision_wait: Duration,
) -> anyhow::Result<Snapshot> {
    let deadline = Instant::now().checked_add(revision_wait);
    loop {
        let ds = crate::commands::lookup::get_daemon_set(cluster, ns, name).await?;
        let nodes = cluster.list_nodes().await?;
        let pods = cluster.list_daemon_set_pods(&ds, None).await?;
        let revisions = match ds.spec.selector.as_ref().filter(|s| !s.is_empty()) {
            Some(sel) => {
                cluster
                    .list_revisions(ns, Some(&crate::cluster::label_selector_string(sel)))
                    .await?
            }
            None => Vec::new(),
        };
        let owned: Vec<&ControllerRevision> = revisions
            .iter()
            .filter(|r| {
                r.metadata
                    .controller_ref()
                    .is_some_and(|o| o.uid == ds.metadata.uid)
            })
            .collect();
        let known = owned
            .iter()
            .any(|r| r.template().as_ref() == Some(&ds.spec.template_json));
        let pod_refs: Vec<&Pod> = pods.iter().collect();
        let settled = current_revision(&ds, &owned, &pod_refs).hash.is_some();
        if known || settled || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Snapshot {
                nodes,
                pods,
                daemon_sets: vec![ds],
                revisions,
                events: Vec::new(),
            });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Plans against a live cluster and carries it out (or only validates it, or only plans,
/// according to `opts.dry_run`).
///
/// # Errors
/// Usage problems found in the cluster (unknown node, RollingUpdate without `--force`), API
/// errors before the first delete, and [`InterruptedBeforeStart`]. Once something was deleted,
/// errors end the run with status `error` in the report instead.
pub async fn replace(
    cluster: &Cluster,
    ns: &str,
    name: &str,
    req: &Request,
    opts: &Options,
    interrupt: &Interrupt,
    progress: &mut dyn Progress,
) -> anyhow::Result<ReplaceReport> {
    let started = Timestamp::now();
    let Some(snapshot) =
        unless_interrupted(interrupt, 1, fetch(cluster, ns, name, opts.revision_wait)).await
    else {
        return Err(InterruptedBeforeStart.into());
    };
    let snapshot = snapshot?;
    super::check_nodes(&snapshot, req)?;
    let inv = Inventory::new(&snapshot);
    let ds = &snapshot.daemon_sets[0];
    let plan = plan(&inv, ds, req, started)?;
    let mut report = ReplaceReport::from_plan(&plan, opts.dry_run, req.canary, started);
    match opts.dry_run {
        DryRun::Client => {}
        DryRun::Server => {
            server_dry_run(cluster, &plan, opts, interrupt, progress, &mut report).await
        }
        DryRun::None => {
            for w in &plan.warnings {
                progress.event(&Event::Warning { message: w.clone() });
            }
            progress.event(&Event::Started {
                targets: plan.targets.len(),
                budget: plan.budget,
                skipped: plan.skipped.len(),
            });
            let mut run = Run {
                cluster,
                ns,
                opts,
                interrupt,
                progress,
                plan: &plan,
                template: ds.spec.template_json.clone(),
                nodes: snapshot.nodes.clone(),
                revisions: snapshot.revisions.clone(),
                report: &mut report,
            };
            run.batches(&snapshot).await;
        }
    }
    report.next = continue_command(
        &report.daemon_set,
        req,
        &report.untouched(),
        opts.grace_period,
    )
    .filter(|_| report.dry_run == DryRun::None);
    progress.finish();
    Ok(report)
}

async fn server_dry_run(
    cluster: &Cluster,
    plan: &Plan,
    opts: &Options,
    interrupt: &Interrupt,
    progress: &mut dyn Progress,
    report: &mut ReplaceReport,
) {
    let ns = &plan.daemon_set.namespace;
    let mut status = (
        RunStatus::Validated,
        format!(
            "the API server accepted the delete of {} pod(s) (dryRun=All)",
            plan.targets.len()
        ),
    );
    for t in &plan.targets {
        if interrupt.count() > 0 {
            status = (RunStatus::Interrupted, "interrupted (Ctrl-C)".to_owned());
            break;
        }
        let result = cluster
            .delete_pod(ns, &t.pod, Some(&t.uid), opts.grace_period, true)
            .await;
        let entry = report.node_mut(&t.node).expect("every target has an entry");
        match result {
            Ok(()) => {
                entry.outcome = NodeOutcome::Validated;
                progress.event(&Event::Deleted {
                    node: t.node.clone(),
                    pod: t.pod.clone(),
                    dry_run: true,
                });
            }
            Err(e) if is_gone_or_changed(&e) => {
                entry.outcome = NodeOutcome::Conflict;
                entry.message = Some(format!("{e:#}"));
                progress.event(&Event::DeleteRefused {
                    node: t.node.clone(),
                    pod: t.pod.clone(),
                    message: format!("{e:#}"),
                });
                status = (
                    RunStatus::Conflict,
                    format!(
                        "the pod {} on node {} changed or is gone since it was read",
                        t.pod, t.node
                    ),
                );
            }
            Err(e) => {
                entry.message = Some(format!("{e:#}"));
                status = (RunStatus::Error, format!("{e:#}"));
                break;
            }
        }
    }
    report.finish(status.0, status.1, Timestamp::now());
}

/// No answer, or one that does not say whether the write happened: lost connection, timeout,
/// 5xx.
fn maybe_done(e: &anyhow::Error) -> bool {
    match e.downcast_ref::<ClusterError>() {
        Some(ClusterError::Unreachable { .. } | ClusterError::Timeout { .. }) => true,
        Some(ClusterError::Api { code, .. }) => *code >= 500,
        _ => false,
    }
}

/// 409 (uid precondition failed) or 404 (already gone).
fn is_gone_or_changed(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<ClusterError>(),
        Some(ClusterError::Conflict { .. } | ClusterError::NotFound { .. })
    )
}

/// A node whose pod was deleted and whose replacement is awaited.
struct InFlight {
    target: Target,
    deleted_at: Timestamp,
    since: Instant,
    resolved: bool,
    last_code: Option<String>,
    new_pod: Option<String>,
    new_pod_uid: Option<String>,
    events_read: Option<Instant>,
    events: Vec<KubeEvent>,
    /// Set when the node ran out of `--timeout`.
    timed_out: Option<TimedOut>,
}

/// How a node ran out of `--timeout`: the stop line names the suspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TimedOut {
    /// No pod was created and nothing was reported: the DaemonSet controller.
    NoReplacement,
    /// A pod exists but never became Ready and available.
    NotReady,
}

/// A reason to stop: the status and one sentence.
type Stop = (RunStatus, String);

fn template_changed() -> String {
    "the DaemonSet's template changed while running (a new revision): stopped; re-run to plan against the new revision".to_owned()
}

/// Up to this many nodes in flight, each look lists the pods of each node (small answers);
/// beyond, all the DaemonSet's pods at once (one request).
const PER_NODE_LISTS: usize = 4;

/// How a wait for a batch ended.
enum WaitEnd {
    /// Every node replaced or failed.
    Settled,
    /// A second Ctrl-C.
    Left,
    /// Stop with this status and message.
    Stop(RunStatus, String),
}

/// What one look at the nodes in flight found.
struct Observation {
    ds: Option<DaemonSet>,
    pods: Vec<Pod>,
}

struct Run<'a, 'p> {
    cluster: &'a Cluster,
    ns: &'a str,
    opts: &'a Options,
    interrupt: &'a Interrupt,
    progress: &'p mut dyn Progress,
    plan: &'a Plan,
    template: serde_json::Value,
    nodes: Vec<Node>,
    revisions: Vec<ControllerRevision>,
    report: &'a mut ReplaceReport,
}

impl Run<'_, '_> {
    fn finish(&mut self, status: RunStatus, message: impl Into<String>) {
        let message = message.into();
        if !matches!(status, RunStatus::Completed | RunStatus::CanaryCompleted) {
            self.progress.event(&Event::Stopping {
                message: message.clone(),
            });
        }
        self.report.finish(status, message, Timestamp::now());
    }

    /// Batch after batch until done or stopped; always ends with [`Run::finish`].
    async fn batches(&mut self, initial: &Snapshot) {
        let mut pending: Vec<Target> = self.plan.targets.clone();
        let mut batch_no = 0usize;
        let mut replaced = 0usize;
        let (status, message) = loop {
            if pending.is_empty() {
                break self.done(replaced, batch_no);
            }
            if let Err(stop) = self.between_batches(batch_no).await {
                break stop;
            }
            let batch = match self.pick(batch_no, initial, &mut pending).await {
                Ok(Some(batch)) => batch,
                Ok(None) => continue,
                Err(stop) => break stop,
            };
            batch_no += 1;
            self.announce(batch_no, &batch, pending.len());
            let (mut in_flight, refused) = self.delete_all(batch).await;
            let end = if in_flight.is_empty() {
                WaitEnd::Settled
            } else {
                self.wait(batch_no, &mut in_flight).await
            };
            replaced += self.count(&in_flight, NodeOutcome::Replaced);
            if let Some(stop) = self.after_batch(batch_no, end, &in_flight, refused) {
                break stop;
            }
        };
        self.finish(status, message);
    }

    /// How a run that ran out of targets ends.
    fn done(&self, replaced: usize, batches: usize) -> Stop {
        if replaced > 0 && !self.plan.held_back.is_empty() {
            let message = format!(
                "canary: replaced {replaced} node(s); {} more held back",
                self.plan.held_back.len()
            );
            (RunStatus::CanaryCompleted, message)
        } else if replaced > 0 {
            let message = format!("replaced {replaced} node(s) in {batches} batch(es)");
            (RunStatus::Completed, message)
        } else {
            (RunStatus::Completed, "nothing to replace".to_owned())
        }
    }

    /// Ctrl-C and `--pause` before batch `done + 1`.
    async fn between_batches(&mut self, done: usize) -> Result<(), Stop> {
        let interrupted = |when: &str| {
            (
                RunStatus::Interrupted,
                format!("interrupted (Ctrl-C) {when} batch {}", done + 1),
            )
        };
        if self.interrupt.count() > 0 {
            return Err(interrupted("before"));
        }
        if done > 0 && !self.opts.pause.is_zero() {
            self.progress.event(&Event::Pausing {
                seconds: self.opts.pause.as_secs_f64(),
            });
            let pause = tokio::time::sleep(self.opts.pause);
            if unless_interrupted(self.interrupt, 1, pause).await.is_none() {
                return Err(interrupted("during the pause before"));
            }
        }
        Ok(())
    }

    /// The next batch, taken out of `pending`: the plan's look for the first, a fresh one for
    /// the others. Targets whose pod changed meanwhile are dropped (never deleted); `None` when
    /// none is left.
    async fn pick(
        &mut self,
        done: usize,
        initial: &Snapshot,
        pending: &mut Vec<Target>,
    ) -> Result<Option<Vec<Target>>, Stop> {
        let fresh;
        let snapshot = if done == 0 {
            initial
        } else {
            match unless_interrupted(self.interrupt, 1, self.observe_all()).await {
                None => {
                    let message = format!("interrupted (Ctrl-C) before batch {}", done + 1);
                    return Err((RunStatus::Interrupted, message));
                }
                Some(Err(e)) => return Err((RunStatus::Error, format!("{e:#}"))),
                Some(Ok(None)) => {
                    return Err((RunStatus::Error, "the DaemonSet was deleted".to_owned()));
                }
                Some(Ok(Some(s))) => {
                    if s.daemon_sets[0].spec.template_json != self.template {
                        return Err((RunStatus::TemplateChanged, template_changed()));
                    }
                    self.nodes = s.nodes.clone();
                    fresh = s;
                    &fresh
                }
            }
        };
        let inv = Inventory::new(snapshot);
        let assessment = Assessment::new(&inv, &snapshot.daemon_sets[0], Timestamp::now())
            .map_err(|e| (RunStatus::Error, e.to_string()))?;
        let mut kept = Vec::new();
        for t in pending.drain(..) {
            let still = assessment
                .nodes
                .get(t.node.as_str())
                .is_some_and(|ns| ns.active.iter().any(|p| p.metadata.uid == t.uid));
            if still {
                kept.push(t);
                continue;
            }
            let message = format!(
                "the pod {} was deleted or replaced by something else while waiting for its batch",
                t.pod
            );
            if let Some(e) = self.report.node_mut(&t.node) {
                e.outcome = NodeOutcome::Skipped;
                e.skip_reason = Some(SkipReason::ReplacedMeanwhile);
                e.message = Some(message.clone());
            }
            self.progress.event(&Event::Skipped {
                node: t.node.clone(),
                message,
            });
        }
        if kept.is_empty() {
            return Ok(None);
        }
        let flags: Vec<Pending> = kept
            .iter()
            .map(|t| Pending {
                unavailable: !assessment
                    .nodes
                    .get(t.node.as_str())
                    .is_some_and(|ns| ns.available),
            })
            .collect();
        let unavailable = assessment.unavailable();
        let picked = next_batch(&flags, unavailable.len(), self.plan.budget);
        if picked.is_empty() {
            *pending = kept;
            let message = budget_message(self.plan.budget, self.plan.max_unavailable, &unavailable);
            return Err((RunStatus::BudgetExhausted, message));
        }
        let mut batch = Vec::new();
        for (i, t) in kept.into_iter().enumerate() {
            if picked.contains(&i) {
                batch.push(t);
            } else {
                pending.push(t);
            }
        }
        Ok(Some(batch))
    }

    /// Records and reports the start of batch `number`.
    fn announce(&mut self, number: usize, batch: &[Target], remaining: usize) {
        let names: Vec<String> = batch.iter().map(|t| t.node.clone()).collect();
        self.report.batches.push(names.clone());
        for n in &names {
            if let Some(e) = self.report.node_mut(n) {
                e.batch = Some(number);
            }
        }
        self.progress.event(&Event::BatchStarted {
            number,
            nodes: names,
            remaining,
        });
    }

    /// Deletes the batch's pods one by one (uid precondition); after Ctrl-C none is started,
    /// and a refused delete ends the batch. Returns the nodes in flight and why to stop, if so.
    async fn delete_all(&mut self, batch: Vec<Target>) -> (Vec<InFlight>, Option<Stop>) {
        let mut in_flight: Vec<InFlight> = Vec::new();
        for t in batch {
            if self.interrupt.count() > 0 {
                if let Some(e) = self.report.node_mut(&t.node) {
                    e.message = Some("not started: Ctrl-C".to_owned());
                }
                continue;
            }
            match self.delete_checked(&t).await {
                Ok(()) => {
                    let deleted_at = Timestamp::now();
                    if let Some(e) = self.report.node_mut(&t.node) {
                        e.deleted_at = Some(deleted_at);
                        // Until the replacement is judged.
                        e.outcome = NodeOutcome::Interrupted;
                        e.message = Some("deleted; replacement not confirmed".to_owned());
                    }
                    self.progress.event(&Event::Deleted {
                        node: t.node.clone(),
                        pod: t.pod.clone(),
                        dry_run: false,
                    });
                    in_flight.push(InFlight {
                        target: t,
                        deleted_at,
                        since: Instant::now(),
                        resolved: false,
                        last_code: None,
                        new_pod: None,
                        new_pod_uid: None,
                        events_read: None,
                        events: Vec::new(),
                        timed_out: None,
                    });
                }
                Err(e) => {
                    let text = format!("{e:#}");
                    self.progress.event(&Event::DeleteRefused {
                        node: t.node.clone(),
                        pod: t.pod.clone(),
                        message: text.clone(),
                    });
                    let conflict = is_gone_or_changed(&e);
                    if let Some(entry) = self.report.node_mut(&t.node) {
                        if conflict {
                            entry.outcome = NodeOutcome::Conflict;
                            entry.message = Some(text.clone());
                        } else {
                            entry.message = Some(format!("delete failed: {text}"));
                        }
                    }
                    let stop = if conflict {
                        (
                            RunStatus::Conflict,
                            format!(
                                "stopped: the pod {} on node {} changed or is gone since it was read (replaced by someone else?); re-run to plan again",
                                t.pod, t.node
                            ),
                        )
                    } else {
                        (RunStatus::Error, text)
                    };
                    return (in_flight, Some(stop));
                }
            }
        }
        (in_flight, None)
    }

    /// Deletes the target's pod (uid precondition). A delete that got no answer (the connection
    /// was lost, a timeout, a 5xx) may have happened: the pod is looked up by uid (a read, which
    /// rides out an API server restart) and the delete is sent again only if the pod is still
    /// there and not terminating — never blindly, so no node loses two pods.
    async fn delete_checked(&self, t: &Target) -> anyhow::Result<()> {
        let delete = || {
            self.cluster
                .delete_pod(self.ns, &t.pod, Some(&t.uid), self.opts.grace_period, false)
        };
        let first = delete().await;
        let Err(e) = first else {
            return Ok(());
        };
        if !maybe_done(&e) {
            return Err(e);
        }
        match self.cluster.get_pod(self.ns, &t.pod).await {
            // Gone, or marked for deletion: the delete went through.
            Ok(None) => Ok(()),
            Ok(Some(p)) if p.metadata.uid != t.uid || p.is_terminating() => Ok(()),
            // Still there: it did not; once more, with the same uid precondition.
            Ok(Some(_)) => delete().await,
            // Say so rather than report the node untouched with certainty.
            Err(_) => Err(e.context(format!(
                "the delete of pod {} may have happened: its answer was lost and the pod could not be read again",
                t.pod
            ))),
        }
    }

    /// Nodes of `in_flight` whose entry has `outcome`.
    fn count(&self, in_flight: &[InFlight], outcome: NodeOutcome) -> usize {
        in_flight
            .iter()
            .filter(|f| {
                self.report
                    .nodes
                    .iter()
                    .any(|e| e.name == f.target.node && e.outcome == outcome)
            })
            .count()
    }

    /// Whether to stop after batch `number`: a second Ctrl-C, a stop while waiting, a failed
    /// node, a refused delete, a first Ctrl-C.
    fn after_batch(
        &self,
        number: usize,
        end: WaitEnd,
        in_flight: &[InFlight],
        refused: Option<Stop>,
    ) -> Option<Stop> {
        match end {
            WaitEnd::Left => {
                return Some((
                    RunStatus::Interrupted,
                    format!(
                        "interrupted (second Ctrl-C) while waiting for batch {number}: the nodes marked interrupted had their pod deleted but the replacement was not confirmed"
                    ),
                ));
            }
            WaitEnd::Stop(status, message) => return Some((status, message)),
            WaitEnd::Settled => {}
        }
        let failed = in_flight.iter().find_map(|f| {
            self.report
                .nodes
                .iter()
                .find(|e| e.name == f.target.node && e.outcome == NodeOutcome::Failed)
                .map(|e| (e, f.timed_out))
        });
        if let Some((entry, timed_out)) = failed {
            let timeout = crate::cluster::format_duration(self.opts.timeout);
            if timed_out == Some(TimedOut::NoReplacement) {
                return Some((
                    RunStatus::Failed,
                    format!(
                        "stopped: node {} got no replacement pod within --timeout {timeout} (is kube-controller-manager running?); no further batch was started",
                        entry.name,
                    ),
                ));
            }
            let why = match (timed_out, &entry.message, entry.reasons.first()) {
                (Some(TimedOut::NotReady), _, _) => format!("not Ready within --timeout {timeout}"),
                (_, _, Some(r)) => r.code().to_owned(),
                (_, Some(m), None) => m.clone(),
                (_, None, None) => "failed".to_owned(),
            };
            return Some((
                RunStatus::Failed,
                format!(
                    "stopped: the new pod on node {} fails ({why}); no further batch was started",
                    entry.name
                ),
            ));
        }
        if refused.is_some() {
            return refused;
        }
        (self.interrupt.count() > 0).then(|| {
            (
                RunStatus::Interrupted,
                format!(
                    "interrupted (Ctrl-C): batch {number} finished, no further batch was started"
                ),
            )
        })
    }

    /// The DaemonSet, all nodes and all its pods (`None` when the DaemonSet is gone).
    async fn observe_all(&self) -> anyhow::Result<Option<Snapshot>> {
        let name = &self.plan.daemon_set.name;
        let Some(ds) = self.cluster.get_daemon_set(self.ns, name).await? else {
            return Ok(None);
        };
        let nodes = self.cluster.list_nodes().await?;
        let pods = self.cluster.list_daemon_set_pods(&ds, None).await?;
        Ok(Some(Snapshot {
            nodes,
            pods,
            daemon_sets: vec![ds],
            revisions: self.revisions.clone(),
            events: Vec::new(),
        }))
    }

    /// The DaemonSet and its pods on the unresolved nodes (plus unbound ones when a node shows
    /// no pod yet), and the events of nodes that have waited a while.
    async fn observe(&self, in_flight: &mut [InFlight]) -> anyhow::Result<Observation> {
        let name = &self.plan.daemon_set.name;
        let Some(ds) = self.cluster.get_daemon_set(self.ns, name).await? else {
            return Ok(Observation {
                ds: None,
                pods: Vec::new(),
            });
        };
        if ds.spec.template_json != self.template {
            // The caller stops; no need to read more.
            return Ok(Observation {
                ds: Some(ds),
                pods: Vec::new(),
            });
        }
        let mut pods: Vec<Pod> = Vec::new();
        let unresolved: Vec<&str> = in_flight
            .iter()
            .filter(|f| !f.resolved)
            .map(|f| f.target.node.as_str())
            .collect();
        if unresolved.len() > PER_NODE_LISTS {
            // Many nodes in flight: one list of all the DaemonSet's pods is cheaper.
            pods = self.cluster.list_daemon_set_pods(&ds, None).await?;
        } else {
            let mut bare = false;
            for node in unresolved {
                let on_node = self.cluster.list_daemon_set_pods(&ds, Some(node)).await?;
                bare |= on_node.iter().all(|p| p.is_terminating());
                pods.extend(on_node);
            }
            if bare {
                // The replacement may exist but not be scheduled yet.
                pods.extend(self.cluster.list_daemon_set_pods(&ds, Some("")).await?);
            }
        }
        for f in in_flight.iter_mut().filter(|f| !f.resolved) {
            let waited = f.since.elapsed() >= self.opts.events_after;
            let due = f
                .events_read
                .is_none_or(|t| t.elapsed() >= self.opts.events_after);
            let wants = matches!(
                f.last_code.as_deref(),
                Some("ContainerCreating" | "NotReady" | "NotYetObserved" | "Waiting")
            );
            if !(waited && due && wants) {
                continue;
            }
            f.events_read = Some(Instant::now());
            f.events = match &f.new_pod_uid {
                Some(uid) => self.cluster.list_events_about(self.ns, uid, None).await?,
                None => self
                    .cluster
                    .list_events_about(self.ns, &ds.metadata.uid, Some("FailedCreate"))
                    .await?
                    .into_iter()
                    .filter(|e| e.last_seen().is_some_and(|t| t >= f.deleted_at))
                    .collect(),
            };
        }
        Ok(Observation { ds: Some(ds), pods })
    }

    /// Waits until every node of the batch is replaced or failed.
    async fn wait(&mut self, batch_no: usize, in_flight: &mut [InFlight]) -> WaitEnd {
        let mut announced = false;
        loop {
            let presses = self.interrupt.count();
            if presses >= 2 {
                return WaitEnd::Left;
            }
            if presses == 1 && !announced {
                announced = true;
                let n = in_flight.iter().filter(|f| !f.resolved).count();
                self.progress
                    .event(&Event::InterruptRequested { in_flight: n });
            }
            let observed = tokio::select! {
                r = self.observe(in_flight) => r,
                () = self.interrupt.reached(2) => return WaitEnd::Left,
            };
            let obs = match observed {
                Ok(o) => o,
                Err(e) => {
                    return WaitEnd::Stop(
                        RunStatus::Error,
                        format!("{e:#} (while waiting for batch {batch_no})"),
                    );
                }
            };
            let Some(ds) = obs.ds else {
                return WaitEnd::Stop(
                    RunStatus::Error,
                    "the DaemonSet was deleted while waiting for its pods".to_owned(),
                );
            };
            if ds.spec.template_json != self.template {
                return WaitEnd::Stop(RunStatus::TemplateChanged, template_changed());
            }
            let snapshot = Snapshot {
                nodes: self.nodes.clone(),
                pods: obs.pods,
                daemon_sets: vec![ds],
                revisions: self.revisions.clone(),
                events: in_flight.iter().flat_map(|f| f.events.clone()).collect(),
            };
            let now = Timestamp::now();
            let inv = Inventory::new(&snapshot);
            let ds = &snapshot.daemon_sets[0];
            let state = DaemonSetState::new(&inv, ds);
            let uids: HashMap<&str, &str> = snapshot
                .pods
                .iter()
                .map(|p| (p.metadata.name.as_str(), p.metadata.uid.as_str()))
                .collect();
            let mut live = Vec::new();
            for f in in_flight.iter_mut().filter(|f| !f.resolved) {
                let node_name = f.target.node.clone();
                let judged = match inv.node(&node_name) {
                    Some(node) => judge_replacement(
                        &inv,
                        &state,
                        node,
                        &f.target.uid,
                        ds.spec.min_ready_seconds,
                        now,
                    ),
                    None => Replacement::Failed {
                        pod: None,
                        reasons: Vec::new(),
                    },
                };
                let seconds = seconds_between(f.deleted_at, now);
                let entry = self
                    .report
                    .nodes
                    .iter_mut()
                    .find(|e| e.name == node_name)
                    .expect("every target has an entry");
                match judged {
                    Replacement::Ready { pod, .. } => {
                        f.resolved = true;
                        entry.outcome = NodeOutcome::Replaced;
                        entry.new_pod = Some(pod.clone());
                        entry.ready_at = Some(now);
                        entry.seconds = Some(seconds);
                        entry.message = None;
                        self.progress.event(&Event::Replaced {
                            node: node_name,
                            pod,
                            seconds,
                        });
                    }
                    Replacement::Failed { pod, reasons } => {
                        f.resolved = true;
                        let message = reasons.first().map_or_else(
                            || "the node is gone".to_owned(),
                            |r| format!("{}: {}", r.code(), r.message),
                        );
                        entry.outcome = NodeOutcome::Failed;
                        entry.new_pod = pod.clone();
                        entry.seconds = Some(seconds);
                        entry.message = Some(message.clone());
                        entry.reasons = reasons;
                        self.progress.event(&Event::Failed {
                            node: node_name,
                            pod,
                            message,
                        });
                    }
                    Replacement::Waiting {
                        pod,
                        code,
                        message,
                        reasons,
                    } => {
                        f.new_pod_uid = pod
                            .as_deref()
                            .and_then(|p| uids.get(p))
                            .map(|u| (*u).to_owned());
                        if f.since.elapsed() >= self.opts.timeout {
                            f.resolved = true;
                            let timeout = crate::cluster::format_duration(self.opts.timeout);
                            // Nothing created and nothing reported: the controller is the
                            // suspect, not the pod.
                            let kind = if pod.is_none() && code == "NotYetObserved" {
                                TimedOut::NoReplacement
                            } else {
                                TimedOut::NotReady
                            };
                            f.timed_out = Some(kind);
                            let text = match kind {
                                TimedOut::NoReplacement => format!(
                                    "no replacement pod appeared within --timeout {timeout}: the DaemonSet controller did not create one; check that kube-controller-manager runs and its log (last state {code}: {message})"
                                ),
                                TimedOut::NotReady => format!(
                                    "not Ready within --timeout {timeout} (last state {code}: {message})"
                                ),
                            };
                            entry.outcome = NodeOutcome::Failed;
                            entry.new_pod = pod.clone();
                            entry.seconds = Some(seconds);
                            entry.message = Some(text.clone());
                            entry.reasons = reasons;
                            self.progress.event(&Event::Failed {
                                node: node_name,
                                pod,
                                message: text,
                            });
                            continue;
                        }
                        if f.last_code.as_deref() != Some(code.as_str()) || f.new_pod != pod {
                            self.progress.event(&Event::Waiting {
                                node: node_name.clone(),
                                pod: pod.clone(),
                                code: code.clone(),
                                message,
                            });
                        }
                        entry.new_pod = pod.clone();
                        live.push(LiveNode {
                            node: node_name,
                            pod: pod.clone(),
                            code: code.clone(),
                            seconds: f.since.elapsed().as_secs_f64(),
                        });
                        f.last_code = Some(code);
                        f.new_pod = pod;
                    }
                }
            }
            if in_flight.iter().all(|f| f.resolved) {
                return WaitEnd::Settled;
            }
            self.progress.live(batch_no, &live);
            let next_press = self.interrupt.count() + 1;
            tokio::select! {
                () = tokio::time::sleep(self.opts.poll) => {}
                () = self.interrupt.reached(next_press) => {}
            }
        }
    }
}
