//! Rollout decisions: kubectl's status words, per-node progress, history, undo and restart.
//!
//! kubectl is the spec for the parts it has (`polymorphichelpers` `DaemonSetStatusViewer`,
//! `DaemonSetHistoryViewer`, `DaemonSetRollbacker`, `ObjectRestarter`); the rest (per-node
//! progress, blocking pods, OnDelete guidance, images and pods per revision) builds on the
//! why-missing engine. Pure: objects and `now` in, plain data out.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use super::inventory::Inventory;
use super::revision::{CurrentRevision, HASH_LABEL, current_revision};
use super::verdict::{Reason, Verdict};
use super::why_missing::{API_VERSION, DaemonSetRef, DaemonSetState, NodeVerdict};
use crate::model::{ControllerRevision, DaemonSet, Pod};

/// kubectl's error for a DaemonSet whose strategy is not `RollingUpdate`.
pub const NOT_ROLLING_UPDATE: &str =
    "rollout status is only available for RollingUpdate strategy type";

/// The annotation `rollout restart` sets on the pod template.
pub const RESTARTED_AT_ANNOTATION: &str = "kubectl.kubernetes.io/restartedAt";

/// The annotation `kubectl apply` keeps, which an undo leaves stale.
pub const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The annotation whose value a revision shows as its CHANGE-CAUSE.
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";

/// Reason codes that mean a new pod cannot become available without someone acting.
pub const BLOCKING_CODES: [&str; 9] = [
    "ImagePullBackOff",
    "CrashLoopBackOff",
    "MountFailed",
    "CreateContainerConfigError",
    "ContainerError",
    "FailedCreate",
    "FailedPodBackoff",
    "InsufficientResource",
    "HostPortConflict",
];

/// kubectl's answer: the status line and whether the rollout is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubectlStatus {
    /// The line kubectl prints (without its newline).
    pub message: String,
    /// True once every desired pod is updated and available.
    pub done: bool,
}

/// `rollout status` on a DaemonSet whose strategy is not `RollingUpdate` (kubectl's error).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rollout status is only available for RollingUpdate strategy type")]
pub struct NotRollingUpdate;

/// kubectl's `DaemonSetStatusViewer.Status`: the strategy gate, then [`status_message`].
///
/// # Errors
/// [`NotRollingUpdate`] for any strategy but `RollingUpdate`.
pub fn kubectl_status(ds: &DaemonSet) -> Result<KubectlStatus, NotRollingUpdate> {
    if ds.strategy() != "RollingUpdate" {
        return Err(NotRollingUpdate);
    }
    Ok(status_message(ds))
}

/// kubectl's status decision without the strategy gate: generation observed, then all new pods
/// updated, then all of them available. Only `generation`, `observedGeneration`,
/// `desiredNumberScheduled`, `updatedNumberScheduled` and `numberAvailable` count.
pub fn status_message(ds: &DaemonSet) -> KubectlStatus {
    let name = &ds.metadata.name;
    let status = &ds.status;
    let generation = ds.metadata.generation.unwrap_or(0);
    let observed = status.observed_generation.unwrap_or(0);
    if generation > observed {
        return KubectlStatus {
            message: "Waiting for daemon set spec update to be observed...".to_owned(),
            done: false,
        };
    }
    let desired = status.desired_number_scheduled;
    let updated = status.updated_number_scheduled.unwrap_or(0);
    let available = status.number_available.unwrap_or(0);
    if updated < desired {
        return KubectlStatus {
            message: format!(
                "Waiting for daemon set {name:?} rollout to finish: {updated} out of {desired} new pods have been updated..."
            ),
            done: false,
        };
    }
    if available < desired {
        return KubectlStatus {
            message: format!(
                "Waiting for daemon set {name:?} rollout to finish: {available} of {desired} updated pods are available..."
            ),
            done: false,
        };
    }
    KubectlStatus {
        message: format!("daemon set {name:?} successfully rolled out"),
        done: true,
    }
}

/// Where one node stands in the rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum NodeState {
    /// A new pod cannot become available without someone acting (image, crash loop, mounts,
    /// creation refused, no room).
    Blocked,
    /// The node still runs an older revision (or has no pod yet): the controller (RollingUpdate)
    /// or a replacement (OnDelete) has to act.
    Waiting,
    /// The pod runs the current revision but is not available yet.
    Updated,
    /// The pod runs the current revision and is available.
    Available,
}

impl NodeState {
    /// Every state, worst first (the table's order).
    pub const ALL: [NodeState; 4] = [
        NodeState::Blocked,
        NodeState::Waiting,
        NodeState::Updated,
        NodeState::Available,
    ];

    /// The state's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeState::Blocked => "Blocked",
            NodeState::Waiting => "Waiting",
            NodeState::Updated => "Updated",
            NodeState::Available => "Available",
        }
    }
}

impl std::fmt::Display for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node's progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeProgress {
    /// Node name.
    pub name: String,
    /// Where the node stands.
    pub state: NodeState,
    /// The why-missing verdict behind it.
    pub verdict: Verdict,
    /// The pod judged (`null` when there is none).
    pub pod: Option<String>,
    /// The pod's revision hash (`null` without a pod or label).
    pub revision: Option<String>,
    /// Why (the why-missing reasons); empty for `Available`, and for `Updated` while a Ready
    /// pod waits out `minReadySeconds`.
    pub reasons: Vec<Reason>,
}

/// `kind: RolloutStatus`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutStatus {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always `RolloutStatus`.
    pub kind: &'static str,
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// `RollingUpdate` or `OnDelete`.
    pub strategy: String,
    /// True once kubectl would say done (every desired pod updated and available by the
    /// status counts) and every node that should run a pod has a ready one of the current
    /// revision.
    pub complete: bool,
    /// True when a new pod is blocked (and the rollout is not complete).
    pub blocked: bool,
    /// kubectl's status line.
    pub message: String,
    /// `status.desiredNumberScheduled`.
    pub desired: i64,
    /// `status.updatedNumberScheduled`.
    pub updated: i64,
    /// `status.numberAvailable`.
    pub available: i64,
    /// Every node that should run a pod, by name.
    pub nodes: Vec<NodeProgress>,
    /// What to do next, when something is expected of the user (OnDelete).
    pub hint: Option<String>,
    /// Notes about the DaemonSet as a whole.
    pub warnings: Vec<String>,
}

impl NodeProgress {
    /// True when the node has no ready pod of the current revision: blocked, waiting, or an
    /// updated pod that is not Ready yet. An updated Ready pod waiting out `minReadySeconds`
    /// does not lag (the controller's available count decides that).
    pub fn lags(&self) -> bool {
        match self.state {
            NodeState::Blocked | NodeState::Waiting => true,
            NodeState::Updated => self.verdict != Verdict::Healthy,
            NodeState::Available => false,
        }
    }
}

impl RolloutStatus {
    /// Nodes in `state`.
    pub fn nodes_in(&self, state: NodeState) -> impl Iterator<Item = &NodeProgress> {
        self.nodes.iter().filter(move |n| n.state == state)
    }

    /// Nodes whose pod runs an older revision.
    pub fn outdated_nodes(&self) -> Vec<&str> {
        self.nodes
            .iter()
            .filter(|n| n.reasons.iter().any(|r| r.code() == "OldRevision"))
            .map(|n| n.name.as_str())
            .collect()
    }
}

/// Judges the rollout of `ds`: kubectl's line (for every strategy; OnDelete gets a hint instead
/// of kubectl's error) and where each node that should run a pod stands.
pub fn rollout_status(inv: &Inventory, ds: &DaemonSet, now: Timestamp) -> RolloutStatus {
    let state = DaemonSetState::new(inv, ds);
    let revision = state.revision().clone();
    let pods = inv.daemon_set_pods(ds);
    let mut nodes: Vec<NodeProgress> = inv
        .snapshot
        .nodes
        .iter()
        .map(|node| state.judge(inv, node, now))
        .filter_map(|v| progress(v, ds, &revision, &pods, now))
        .collect();
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    let kubectl = status_message(ds);
    // kubectl trusts the DaemonSet's status counts; they lag behind (a node that just joined, a
    // controller that is down) or say nothing (a saved manifest without status). "Complete"
    // also needs every node that should run a pod to have a ready, current one.
    let lagging: Vec<&str> = nodes
        .iter()
        .filter(|n| n.lags())
        .map(|n| n.name.as_str())
        .collect();
    let complete = kubectl.done && lagging.is_empty();
    let message = if kubectl.done && !complete {
        lagging_message(&ds.metadata.name, &lagging)
    } else {
        kubectl.message
    };
    let blocked = !complete && nodes.iter().any(|n| n.state == NodeState::Blocked);
    let on_delete = ds.strategy() == "OnDelete";
    let (ns, name) = (&ds.metadata.namespace, &ds.metadata.name);
    let outdated: Vec<&str> = nodes
        .iter()
        .filter(|n| n.reasons.iter().any(|r| r.code() == "OldRevision"))
        .map(|n| n.name.as_str())
        .collect();
    let hint = (on_delete && !outdated.is_empty()).then(|| {
        let names = name_list(&outdated);
        let n = outdated.len();
        format!(
            "OnDelete: pods change only when they are deleted; {n} node{} still run{} an older revision ({names}): kubectl ds replace {name} -n {ns} --all-outdated",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
        )
    });
    RolloutStatus {
        api_version: API_VERSION,
        kind: "RolloutStatus",
        daemon_set: DaemonSetRef {
            namespace: ns.clone(),
            name: name.clone(),
            current_revision: revision.hash.clone(),
            update_strategy: ds.strategy().to_owned(),
        },
        strategy: ds.strategy().to_owned(),
        complete,
        blocked,
        message,
        desired: ds.status.desired_number_scheduled,
        updated: ds.status.updated_number_scheduled.unwrap_or(0),
        available: ds.status.number_available.unwrap_or(0),
        nodes,
        hint,
        warnings: state.warnings().to_vec(),
    }
}

/// Up to three names, then how many more: `a, b, c and 2 more`.
fn name_list(names: &[&str]) -> String {
    match names {
        [a] => (*a).to_owned(),
        [a, b] => format!("{a}, {b}"),
        [a, b, c] => format!("{a}, {b}, {c}"),
        [a, b, c, rest @ ..] => format!("{a}, {b}, {c} and {} more", rest.len()),
        [] => String::new(),
    }
}

/// The status line when the DaemonSet's counts say done but some nodes are not.
fn lagging_message(name: &str, lagging: &[&str]) -> String {
    let n = lagging.len();
    let names = name_list(lagging);
    format!(
        "Waiting for daemon set {name:?} rollout to finish: its status counts every pod updated and available, but {n} node{} that should run one {} no ready pod of the current revision ({names})...",
        if n == 1 { "" } else { "s" },
        if n == 1 { "has" } else { "have" },
    )
}

/// Maps a why-missing verdict to rollout progress; `None` for nodes that should not run a pod.
fn progress(
    v: NodeVerdict,
    ds: &DaemonSet,
    revision: &CurrentRevision,
    pods: &[&Pod],
    now: Timestamp,
) -> Option<NodeProgress> {
    let pod = v
        .pod
        .as_deref()
        .and_then(|name| pods.iter().find(|p| p.metadata.name == name).copied());
    let is_current = pod.and_then(|p| revision.is_current(p));
    let blocking = v.reasons.iter().any(|r| BLOCKING_CODES.contains(&r.code()));
    let state = match v.verdict {
        Verdict::Excluded | Verdict::Misscheduled => return None,
        Verdict::Healthy => {
            let available = pod.is_some_and(|p| p.is_available(ds.spec.min_ready_seconds, now));
            if available {
                NodeState::Available
            } else {
                NodeState::Updated
            }
        }
        Verdict::Outdated => NodeState::Waiting,
        // A pod of an older revision: the rollout has yet to reach the node.
        Verdict::Failing | Verdict::Pending if is_current == Some(false) => NodeState::Waiting,
        Verdict::Failing | Verdict::Pending if blocking => NodeState::Blocked,
        Verdict::Failing | Verdict::Pending => {
            if pod.is_some_and(|p| p.is_terminal() || p.is_terminating()) {
                NodeState::Waiting
            } else {
                NodeState::Updated
            }
        }
        Verdict::Missing if blocking => NodeState::Blocked,
        Verdict::Missing => NodeState::Waiting,
    };
    Some(NodeProgress {
        name: v.name,
        state,
        verdict: v.verdict,
        pod: v.pod,
        revision: pod.and_then(|p| p.metadata.labels.get(HASH_LABEL).cloned()),
        reasons: v.reasons,
    })
}

/// `kind: RolloutHistory`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutHistory {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always `RolloutHistory`.
    pub kind: &'static str,
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// Its revisions, ascending.
    pub revisions: Vec<HistoryEntry>,
}

/// One revision of a DaemonSet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// `ControllerRevision.revision`.
    pub revision: i64,
    /// The ControllerRevision's name.
    pub name: String,
    /// Its `controller-revision-hash`.
    pub hash: String,
    /// The `kubernetes.io/change-cause` annotation (`null` when absent or empty).
    pub change_cause: Option<String>,
    /// True for the revision the DaemonSet's template is at.
    pub current: bool,
    /// Images of its containers (init containers after the others).
    pub images: Vec<String>,
    /// The DaemonSet's pods that carry its hash.
    pub pods: usize,
    /// When it was stored.
    pub created: Option<Timestamp>,
    /// Its pod template (only when one revision is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<serde_json::Value>,
}

/// The DaemonSet's revisions as kubectl finds them (controlled by it), ascending; a revision
/// number held by several ControllerRevisions shows once (the last listed, as kubectl's map).
pub fn owned_revisions<'a>(inv: &Inventory<'a>, ds: &DaemonSet) -> Vec<&'a ControllerRevision> {
    let mut by_number: BTreeMap<i64, &ControllerRevision> = BTreeMap::new();
    for r in inv.daemon_set_revisions(ds) {
        by_number.insert(r.revision, r);
    }
    by_number.into_values().collect()
}

/// The rollout history of `ds`.
pub fn rollout_history(inv: &Inventory, ds: &DaemonSet) -> RolloutHistory {
    let revisions = owned_revisions(inv, ds);
    let pods = inv.daemon_set_pods(ds);
    let current = current_revision(ds, &inv.daemon_set_revisions(ds), &pods);
    let entries = revisions
        .iter()
        .map(|r| {
            let hash = r.hash().to_owned();
            HistoryEntry {
                revision: r.revision,
                name: r.metadata.name.clone(),
                pods: pods
                    .iter()
                    .filter(|p| !p.is_terminal())
                    .filter(|p| p.metadata.labels.get(HASH_LABEL) == Some(&hash))
                    .count(),
                current: current.hash.as_deref() == Some(hash.as_str()),
                hash,
                change_cause: r
                    .metadata
                    .annotations
                    .get(CHANGE_CAUSE_ANNOTATION)
                    .filter(|c| !c.is_empty())
                    .cloned(),
                images: r
                    .template()
                    .map(|t| template_images(&t))
                    .unwrap_or_default(),
                created: r.metadata.creation_timestamp,
                template: None,
            }
        })
        .collect();
    RolloutHistory {
        api_version: API_VERSION,
        kind: "RolloutHistory",
        daemon_set: DaemonSetRef {
            namespace: ds.metadata.namespace.clone(),
            name: ds.metadata.name.clone(),
            current_revision: current.hash,
            update_strategy: ds.strategy().to_owned(),
        },
        revisions: entries,
    }
}

/// Images of a pod template's containers, then of its init containers.
pub fn template_images(template: &serde_json::Value) -> Vec<String> {
    let spec = &template["spec"];
    ["containers", "initContainers"]
        .iter()
        .filter_map(|key| spec[*key].as_array())
        .flatten()
        .filter_map(|c| c["image"].as_str().map(str::to_owned))
        .collect()
}

/// The revision `number` among `revisions`.
pub fn find_revision<'a>(
    revisions: &[&'a ControllerRevision],
    number: i64,
) -> Option<&'a ControllerRevision> {
    revisions.iter().find(|r| r.revision == number).copied()
}

/// Why an undo cannot be planned (kubectl's messages).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UndoError {
    /// `--to-revision` names no revision (or is negative): the number asked for, and the
    /// revisions that exist (ascending).
    #[error("unable to find specified revision {0} in history{list}", list = existing_revisions(.1))]
    RevisionNotFound(i64, Vec<i64>),
    /// The default target needs at least two revisions.
    #[error("no last revision to roll back to")]
    NoLastRevision,
}

/// What an undo does.
#[derive(Debug, Clone, PartialEq)]
pub enum UndoPlan {
    /// The template already equals the target's: nothing is sent.
    Skip {
        /// The revision as requested (0 for the default, as kubectl prints it).
        requested: i64,
        /// The target revision's number.
        target: i64,
    },
    /// Send `patch` (the ControllerRevision's `data`, unchanged) as a strategic merge patch.
    Rollback {
        /// The target revision's number.
        target: i64,
        /// The patch body.
        patch: serde_json::Value,
        /// The target's pod template (for the diff).
        template: serde_json::Value,
    },
}

/// kubectl's `DaemonSetRollbacker.Rollback` decision: the target (the second-highest revision
/// by default, else the exact number), the skip check (compared as parsed JSON, not bytes), and
/// the patch (the revision's `data` unchanged).
///
/// # Errors
/// [`UndoError`] with kubectl's messages.
pub fn plan_undo(
    ds: &DaemonSet,
    revisions: &[&ControllerRevision],
    to_revision: i64,
) -> Result<UndoPlan, UndoError> {
    let mut sorted: Vec<&ControllerRevision> = revisions.to_vec();
    sorted.sort_by_key(|r| r.revision);
    let not_found =
        || UndoError::RevisionNotFound(to_revision, sorted.iter().map(|r| r.revision).collect());
    if to_revision < 0 {
        return Err(not_found());
    }
    if to_revision == 0 && sorted.len() <= 1 {
        return Err(UndoError::NoLastRevision);
    }
    let target = if to_revision == 0 {
        sorted[sorted.len() - 2]
    } else {
        find_revision(&sorted, to_revision).ok_or_else(not_found)?
    };
    let template = target.template().unwrap_or(serde_json::Value::Null);
    if templates_equal(&ds.spec.template_json, &template) {
        return Ok(UndoPlan::Skip {
            requested: to_revision,
            target: target.revision,
        });
    }
    Ok(UndoPlan::Rollback {
        target: target.revision,
        patch: target.data.clone(),
        template,
    })
}

/// ` (revisions in history: 1, 2, 3)` after kubectl's "unable to find … revision" message, so
/// that the next try can name one that exists.
pub fn existing_revisions(numbers: &[i64]) -> String {
    if numbers.is_empty() {
        return " (the history has no revisions)".to_owned();
    }
    let list: Vec<String> = numbers.iter().map(i64::to_string).collect();
    format!(" (revisions in history: {})", list.join(", "))
}

/// Two pod templates compared as parsed JSON, ignoring `null` members (Go writes
/// `creationTimestamp: null`; other encoders leave it out).
pub fn templates_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    without_nulls(a) == without_nulls(b)
}

/// A copy of `v` without `null` object members, at every depth.
pub fn without_nulls(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(without_nulls).collect())
        }
        other => other.clone(),
    }
}

/// The strategic merge patch of `rollout restart`: the template's `restartedAt` annotation set
/// to `now` in RFC 3339 (seconds), as kubectl sends it.
pub fn restart_patch(now: Timestamp) -> serde_json::Value {
    serde_json::json!({
        "spec": {"template": {"metadata": {"annotations": {
            RESTARTED_AT_ANNOTATION: restarted_at(now)
        }}}}
    })
}

/// `now` as kubectl writes `restartedAt`: RFC 3339 with whole seconds.
pub fn restarted_at(now: Timestamp) -> String {
    now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restart_timestamp_has_whole_seconds() {
        let now: Timestamp = "2026-11-28T10:00:00.123456Z".parse().unwrap();
        assert_eq!(restarted_at(now), "2026-11-28T10:00:00Z");
    }

    #[test]
    fn null_members_do_not_count() {
        let a = serde_json::json!({"metadata": {"creationTimestamp": null, "labels": {"a": "b"}}});
        let b = serde_json::json!({"metadata": {"labels": {"a": "b"}}});
        assert!(templates_equal(&a, &b));
        let c = serde_json::json!({"metadata": {"labels": {"a": "c"}}});
        assert!(!templates_equal(&a, &c));
    }
}
