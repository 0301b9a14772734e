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
    let deadline = Instant::now() + revision_wait;
    loop {
        let Some(ds) = cluster.get_daemon_set(ns, name).await? else {
            let others = cluster.list_daemon_sets(Some(ns)).await.unwrap_or_default();
            let hint = super::super::suggest(name, others.iter().map(|d| d.metadata.name.as_str()))
                .unwrap_or_default();
            anyhow::bail!("daemonset {name:?} not found in namespace {ns:?}{hint}");
        };
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
        if known || settled || Instant::now() >= deadline {
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

    fn template_changed(&self) -> String {
        "the DaemonSet's template changed while running (a new revision): stopped; re-run to plan against the new revision".to_owned()
    }

    async fn batches(&mut self, initial: &Snapshot) {
        let mut pending: Vec<Target> = self.plan.targets.clone();
        let mut batch_no = 0usize;
        let mut replaced = 0usize;
        loop {
            if pending.is_empty() {
                return if replaced > 0 && !self.plan.held_back.is_empty() {
                    let message = format!(
                        "canary: replaced {replaced} node(s); {} more held back",
                        self.plan.held_back.len()
                    );
                    self.finish(RunStatus::CanaryCompleted, message)
                } else if replaced > 0 {
                    let message = format!("replaced {replaced} node(s) in {batch_no} batch(es)");
                    self.finish(RunStatus::Completed, message)
                } else {
                    self.finish(RunStatus::Completed, "nothing to replace")
                };
            }
            if self.interrupt.count() > 0 {
                return self.finish(
                    RunStatus::Interrupted,
                    format!("interrupted (Ctrl-C) before batch {}", batch_no + 1),
                );
            }
            if batch_no > 0 && !self.opts.pause.is_zero() {
                self.progress.event(&Event::Pausing {
                    seconds: self.opts.pause.as_secs_f64(),
                });
                let paused =
                    unless_interrupted(self.interrupt, 1, tokio::time::sleep(self.opts.pause))
                        .await;
                if paused.is_none() {
                    return self.finish(
                        RunStatus::Interrupted,
                        format!(
                            "interrupted (Ctrl-C) during the pause before batch {}",
                            batch_no + 1
                        ),
                    );
                }
            }
            // A fresh look before every batch but the first (the plan's own look).
            let fresh;
            let snapshot = if batch_no == 0 {
                initial
            } else {
                match unless_interrupted(self.interrupt, 1, self.observe_all()).await {
                    None => {
                        return self.finish(
                            RunStatus::Interrupted,
                            format!("interrupted (Ctrl-C) before batch {}", batch_no + 1),
                        );
                    }
                    Some(Err(e)) => return self.finish(RunStatus::Error, format!("{e:#}")),
                    Some(Ok(None)) => {
                        return self.finish(RunStatus::Error, "the DaemonSet was deleted");
                    }
                    Some(Ok(Some(s))) => {
                        if s.daemon_sets[0].spec.template_json != self.template {
                            let m = self.template_changed();
                            return self.finish(RunStatus::TemplateChanged, m);
                        }
                        self.nodes = s.nodes.clone();
                        fresh = s;
                        &fresh
                    }
                }
            };
            let now = Timestamp::now();
            let inv = Inventory::new(snapshot);
            let assessment = match Assessment::new(&inv, &snapshot.daemon_sets[0], now) {
                Ok(a) => a,
                Err(e) => return self.finish(RunStatus::Error, e.to_string()),
            };
            // Targets whose pod changed meanwhile are dropped, never deleted.
            let mut kept = Vec::new();
            for t in pending.drain(..) {
                let still = assessment
                    .nodes
                    .get(t.node.as_str())
                    .is_some_and(|ns| ns.active.iter().any(|p| p.metadata.uid == t.uid));
                if still {
                    kept.push(t);
                } else {
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
            }
            pending = kept;
            if pending.is_empty() {
                continue;
            }
            let available = |node: &str| assessment.nodes.get(node).is_some_and(|ns| ns.available);
            let flags: Vec<Pending> = pending
                .iter()
                .map(|t| Pending {
                    unavailable: !available(&t.node),
                })
                .collect();
            let unavailable = assessment.unavailable();
            let picked = next_batch(&flags, unavailable.len(), self.plan.budget);
            if picked.is_empty() {
                let message =
                    budget_message(self.plan.budget, self.plan.max_unavailable, &unavailable);
                return self.finish(RunStatus::BudgetExhausted, message);
            }
            drop(assessment);
            let mut batch = Vec::new();
            let mut rest = Vec::new();
            for (i, t) in pending.drain(..).enumerate() {
                if picked.contains(&i) {
                    batch.push(t);
                } else {
                    rest.push(t);
                }
            }
            pending = rest;
            batch_no += 1;
            let names: Vec<String> = batch.iter().map(|t| t.node.clone()).collect();
            self.report.batches.push(names.clone());
            for n in &names {
                if let Some(e) = self.report.node_mut(n) {
                    e.batch = Some(batch_no);
                }
            }
            self.progress.event(&Event::BatchStarted {
                number: batch_no,
                nodes: names,
                remaining: pending.len(),
            });
            // Deletes, one by one; after Ctrl-C none is started.
            let mut in_flight: Vec<InFlight> = Vec::new();
            let mut stop: Option<(RunStatus, String)> = None;
            for t in batch {
                if self.interrupt.count() > 0 {
                    if let Some(e) = self.report.node_mut(&t.node) {
                        e.message = Some("not started: Ctrl-C".to_owned());
                    }
                    continue;
                }
                let result = self
                    .cluster
                    .delete_pod(self.ns, &t.pod, Some(&t.uid), self.opts.grace_period, false)
                    .await;
                match result {
                    Ok(()) => {
                        let deleted_at = Timestamp::now();
                        if let Some(e) = self.report.node_mut(&t.node) {
                            e.deleted_at = Some(deleted_at);
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
                        });
                    }
                    Err(e) => {
                        let text = format!("{e:#}");
                        self.progress.event(&Event::DeleteRefused {
                            node: t.node.clone(),
                            pod: t.pod.clone(),
                            message: text.clone(),
                        });
                        let entry = self.report.node_mut(&t.node);
                        if is_gone_or_changed(&e) {
                            if let Some(entry) = entry {
                                entry.outcome = NodeOutcome::Conflict;
                                entry.message = Some(text.clone());
                            }
                            stop = Some((
                                RunStatus::Conflict,
                                format!(
                                    "stopped: the pod {} on node {} changed or is gone since it was read (replaced by someone else?); re-run to plan again",
                                    t.pod, t.node
                                ),
                            ));
                        } else {
                            if let Some(entry) = entry {
                                entry.message = Some(format!("delete failed: {text}"));
                            }
                            stop = Some((RunStatus::Error, text));
                        }
                        break;
                    }
                }
            }
            let end = if in_flight.is_empty() {
                WaitEnd::Settled
            } else {
                self.wait(batch_no, &mut in_flight).await
            };
            replaced += in_flight
                .iter()
                .filter(|f| {
                    self.report
                        .nodes
                        .iter()
                        .any(|e| e.name == f.target.node && e.outcome == NodeOutcome::Replaced)
                })
                .count();
            let failed: Vec<&InFlight> = in_flight
                .iter()
                .filter(|f| {
                    self.report
                        .nodes
                        .iter()
                        .any(|e| e.name == f.target.node && e.outcome == NodeOutcome::Failed)
                })
                .collect();
            match end {
                WaitEnd::Left => {
                    return self.finish(
                        RunStatus::Interrupted,
                        format!(
                            "interrupted (second Ctrl-C) while waiting for batch {batch_no}: the nodes marked interrupted had their pod deleted but the replacement was not confirmed"
                        ),
                    );
                }
                WaitEnd::Stop(status, message) => return self.finish(status, message),
                WaitEnd::Settled => {}
            }
            if let Some(first) = failed.first() {
                let entry = self
                    .report
                    .nodes
                    .iter()
                    .find(|e| e.name == first.target.node);
                let why = entry
                    .and_then(|e| match &e.message {
                        Some(m) if m.starts_with("not Ready within") => Some(format!(
                            "not Ready within --timeout {}",
                            crate::cluster::format_duration(self.opts.timeout)
                        )),
                        m => e
                            .reasons
                            .first()
                            .map(|r| r.code().to_owned())
                            .or_else(|| m.clone()),
                    })
                    .unwrap_or_else(|| "failed".to_owned());
                let message = format!(
                    "stopped: the new pod on node {} fails ({why}); no further batch was started",
                    first.target.node
                );
                return self.finish(RunStatus::Failed, message);
            }
            if let Some((status, message)) = stop {
                return self.finish(status, message);
            }
            if self.interrupt.count() > 0 {
                return self.finish(
                    RunStatus::Interrupted,
                    format!(
                        "interrupted (Ctrl-C): batch {batch_no} finished, no further batch was started"
                    ),
                );
            }
        }
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
                return WaitEnd::Stop(RunStatus::TemplateChanged, self.template_changed());
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
                            let text = format!(
                                "not Ready within --timeout {} (last state {code}: {message})",
                                crate::cluster::format_duration(self.opts.timeout)
                            );
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
