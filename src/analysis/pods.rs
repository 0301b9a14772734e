//! Per-node pod access: which pod of a DaemonSet is "the pod on node N", its one-line status as
//! `kubectl get pods` shows it, and the container kubectl would pick by default.
//!
//! Selection follows the controller (`podsShouldBeOnNode`): it ignores pods being deleted and pods
//! that finished (it deletes failed ones), and of several remaining pods on one node keeps the
//! first by rule D3 in docs/semantics.md — bound before unbound, then the oldest
//! `creationTimestamp`, then the name. A pod pinned to the node by the controller's node affinity
//! but not yet bound (Pending) is still the node's pod. Pods the controller no longer counts
//! (terminating, then finished) are kept after those, in the same order, so `logs` and `describe`
//! can still reach a pod that is going away when it is the only one.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use super::Inventory;
use super::age::human_duration;
use super::why_missing::DaemonSetState;
use crate::model::{DaemonSet, Node, Pod, PodSpec};

/// The label carrying a pod's revision hash.
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// The annotation naming the container kubectl logs and exec use by default.
pub const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

/// How much the controller still counts a pod: 0 counted, 1 being deleted, 2 finished.
fn standing(pod: &Pod) -> u8 {
    if pod.is_terminal() {
        2
    } else if pod.is_terminating() {
        1
    } else {
        0
    }
}

/// Sorts pods of one node: counted first, then rule D3 (bound first, oldest, name).
pub fn sort_for_node(pods: &mut [&Pod]) {
    pods.sort_by(|a, b| {
        standing(a)
            .cmp(&standing(b))
            .then_with(|| b.is_bound().cmp(&a.is_bound()))
            .then_with(|| {
                a.metadata
                    .creation_timestamp
                    .cmp(&b.metadata.creation_timestamp)
            })
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

/// The DaemonSet's pods that belong to `node` (bound there, or pinned there by node affinity),
/// the controller's choice first.
pub fn pods_on_node<'a>(inv: &Inventory<'a>, ds: &DaemonSet, node: &str) -> Vec<&'a Pod> {
    let mut pods: Vec<&Pod> = inv
        .daemon_set_pods(ds)
        .into_iter()
        .filter(|p| p.target_node() == Some(node))
        .collect();
    sort_for_node(&mut pods);
    pods
}

/// The DaemonSet's pods by the node they belong to, each list as [`pods_on_node`] orders it: one
/// pass over the pods, for commands that look at every node.
pub fn pods_by_node<'a>(inv: &Inventory<'a>, ds: &DaemonSet) -> HashMap<&'a str, Vec<&'a Pod>> {
    let mut by_node: HashMap<&'a str, Vec<&'a Pod>> = HashMap::new();
    for pod in inv.daemon_set_pods(ds) {
        if let Some(node) = pod.target_node() {
            by_node.entry(node).or_default().push(pod);
        }
    }
    for pods in by_node.values_mut() {
        sort_for_node(pods);
    }
    by_node
}

/// The rows of `pod --all-nodes`: every node by name, with its pod (or none) and verdict. Nodes
/// that should not run the pod and have none are left out unless `with_excluded` (`-o wide`).
/// Linear in nodes and pods: the pods are grouped by node once.
pub fn all_node_rows(
    inv: &Inventory,
    state: &DaemonSetState,
    ds: &DaemonSet,
    with_excluded: bool,
    now: Timestamp,
) -> Vec<PodRow> {
    let by_node = pods_by_node(inv, ds);
    let mut nodes: Vec<&Node> = inv.snapshot.nodes.iter().collect();
    nodes.sort_by(|a, b| a.name().cmp(b.name()));
    let mut rows = Vec::with_capacity(nodes.len());
    for node in nodes {
        let pods = by_node.get(node.name()).map_or(&[][..], Vec::as_slice);
        let verdict = state.judge(inv, node, now);
        if pods.is_empty() && !with_excluded && verdict.verdict == super::Verdict::Excluded {
            continue;
        }
        rows.push(pod_row(node.name(), pods, verdict.verdict.as_str(), now));
    }
    rows
}

/// The pod of the DaemonSet on `node`: the one the controller keeps (see the module docs).
pub fn pod_on_node<'a>(inv: &Inventory<'a>, ds: &DaemonSet, node: &str) -> Option<&'a Pod> {
    pods_on_node(inv, ds, node).into_iter().next()
}

/// The container kubectl picks when none is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultContainer {
    /// The container's name.
    pub name: String,
    /// A note for stderr (kubectl's "Defaulted container …" line, or why the annotation was
    /// ignored).
    pub note: Option<String>,
}

/// The default container of a pod: the one the `kubectl.kubernetes.io/default-container`
/// annotation names when it exists, else the first container. `None` for a pod without
/// containers.
pub fn default_container(
    spec: &PodSpec,
    annotations: &BTreeMap<String, String>,
) -> Option<DefaultContainer> {
    let first = spec.containers.first()?;
    if let Some(wanted) = annotations.get(DEFAULT_CONTAINER_ANNOTATION)
        && !wanted.is_empty()
    {
        if spec.containers.iter().any(|c| &c.name == wanted) {
            return Some(DefaultContainer {
                name: wanted.clone(),
                note: None,
            });
        }
        return Some(DefaultContainer {
            name: first.name.clone(),
            note: Some(format!(
                "default container name {wanted:?} not found in pod; using {:?}",
                first.name
            )),
        });
    }
    let note = (spec.containers.len() > 1).then(|| {
        let others: Vec<&str> = spec.containers[1..]
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        format!(
            "Defaulted container {:?} out of: {}, {}",
            first.name,
            first.name,
            others.join(", ")
        )
    });
    Some(DefaultContainer {
        name: first.name.clone(),
        note,
    })
}

/// Checks a container name given with `-c` against the pod.
///
/// # Errors
/// The list of the pod's containers when the name is not one of them.
pub fn check_container(spec: &PodSpec, pod: &str, wanted: &str) -> Result<(), String> {
    let names: Vec<&str> = spec
        .containers
        .iter()
        .chain(&spec.init_containers)
        .map(|c| c.name.as_str())
        .collect();
    if names.contains(&wanted) {
        Ok(())
    } else {
        Err(format!(
            "container {wanted:?} is not valid for pod {pod}; choose one of: {}",
            names.join(", ")
        ))
    }
}

/// One row of `kubectl ds pod`: a node and its pod.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodRow {
    /// The node.
    pub node: String,
    /// The pod's name, `None` when the node has none.
    pub pod: Option<String>,
    /// kubectl's STATUS column (`Running`, `CrashLoopBackOff`, `Terminating`, …); the verdict
    /// when there is no pod.
    pub status: String,
    /// `ready/total` containers.
    pub ready: String,
    /// Restarts of all containers.
    pub restarts: i64,
    /// Age of the pod (kubectl's short form, the AGE column), measured from the command's "now".
    pub age: String,
    /// The pod's `metadata.creationTimestamp`: the clock-free form of `age`.
    pub creation_timestamp: Option<Timestamp>,
    /// The pod's revision hash.
    pub revision: Option<String>,
    /// True when bound to the node; false while Pending, pinned by node affinity.
    pub bound: bool,
    /// The node's why-missing verdict for the DaemonSet.
    pub verdict: String,
    /// Other pods of the DaemonSet on the same node (duplicates, terminating ones).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<String>,
}

/// The `-o json|yaml` document of `kubectl ds pod`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetPods {
    /// Always `kubectl-ds/v1alpha1`.
    pub api_version: &'static str,
    /// Always `DaemonSetPods`.
    pub kind: &'static str,
    /// The DaemonSet's namespace.
    pub namespace: String,
    /// The DaemonSet's name.
    pub daemon_set: String,
    /// One row per node asked about.
    pub nodes: Vec<PodRow>,
}

impl DaemonSetPods {
    /// The document for `rows`.
    pub fn new(ds: &DaemonSet, nodes: Vec<PodRow>) -> DaemonSetPods {
        DaemonSetPods {
            api_version: super::why_missing::API_VERSION,
            kind: "DaemonSetPods",
            namespace: ds.metadata.namespace.clone(),
            daemon_set: ds.metadata.name.clone(),
            nodes,
        }
    }
}

/// kubectl's STATUS column for a pod (a reduced `printPod`).
pub fn pod_status(pod: &Pod) -> String {
    let mut reason = pod
        .status
        .reason
        .clone()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| pod.status.phase.clone());
    for (i, c) in pod.status.init_container_statuses.iter().enumerate() {
        let state = c.state.as_deref();
        if let Some(t) = state.and_then(|s| s.terminated.as_ref())
            && t.exit_code == Some(0)
        {
            continue;
        }
        if state.is_some_and(|s| s.running.is_some()) {
            continue;
        }
        let total = pod.spec.init_containers.len();
        if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
            reason = match &t.reason {
                Some(r) if !r.is_empty() => format!("Init:{r}"),
                _ => format!("Init:ExitCode:{}", t.exit_code.unwrap_or_default()),
            };
        } else if let Some(w) = state.and_then(|s| s.waiting.as_ref())
            && let Some(r) = w.reason.as_deref().filter(|r| *r != "PodInitializing")
        {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{total}");
        }
        return finish_status(pod, reason);
    }
    let mut running = false;
    for c in pod.status.container_statuses.iter().rev() {
        let Some(state) = c.state.as_deref() else {
            continue;
        };
        if let Some(w) = &state.waiting
            && let Some(r) = w.reason.as_deref().filter(|r| !r.is_empty())
        {
            reason = r.to_owned();
        } else if let Some(t) = &state.terminated {
            reason = match &t.reason {
                Some(r) if !r.is_empty() => r.clone(),
                _ => format!("ExitCode:{}", t.exit_code.unwrap_or_default()),
            };
        } else if state.running.is_some() && c.ready {
            running = true;
        }
    }
    if reason == "Completed" && running {
        reason = if pod.is_ready() {
            "Running".to_owned()
        } else {
            "NotReady".to_owned()
        };
    }
    finish_status(pod, reason)
}

fn finish_status(pod: &Pod, reason: String) -> String {
    if pod.is_terminating() {
        if pod.status.reason.as_deref() == Some("NodeLost") {
            "Unknown".to_owned()
        } else {
            "Terminating".to_owned()
        }
    } else if reason.is_empty() {
        "Unknown".to_owned()
    } else {
        reason
    }
}

/// The row for `node` and its pod (if any); `verdict` fills STATUS when there is no pod.
pub fn pod_row(node: &str, pods: &[&Pod], verdict: &str, now: Timestamp) -> PodRow {
    let Some(pod) = pods.first() else {
        return PodRow {
            node: node.to_owned(),
            pod: None,
            status: verdict.to_owned(),
            ready: String::new(),
            restarts: 0,
            age: String::new(),
            creation_timestamp: None,
            revision: None,
            bound: false,
            verdict: verdict.to_owned(),
            others: Vec::new(),
        };
    };
    let total = pod.spec.containers.len();
    let ready = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready)
        .count();
    PodRow {
        node: node.to_owned(),
        pod: Some(pod.metadata.name.clone()),
        status: pod_status(pod),
        ready: format!("{ready}/{total}"),
        restarts: pod
            .status
            .container_statuses
            .iter()
            .map(|c| i64::from(c.restart_count))
            .sum(),
        creation_timestamp: pod.metadata.creation_timestamp,
        age: pod
            .metadata
            .creation_timestamp
            .map(|t| human_duration(now.duration_since(t)))
            .unwrap_or_else(|| "<unknown>".to_owned()),
        revision: pod.metadata.labels.get(REVISION_LABEL).cloned(),
        bound: pod.is_bound(),
        verdict: verdict.to_owned(),
        others: pods[1..].iter().map(|p| p.metadata.name.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_node_rows_match_the_per_node_lookup_on_every_fixture_daemon_set() {
        let text = include_str!("../../tests/fixtures/demo/cluster.yaml");
        let snapshot = crate::snapshot::load_bytes("cluster.yaml", text.as_bytes())
            .unwrap()
            .snapshot;
        let now: Timestamp = "2026-11-02T08:00:00Z".parse().unwrap();
        let inv = Inventory::new(&snapshot);
        let mut compared = 0;
        for ds in &snapshot.daemon_sets {
            let state = DaemonSetState::new(&inv, ds);
            for with_excluded in [false, true] {
                let rows = all_node_rows(&inv, &state, ds, with_excluded, now);
                let mut nodes: Vec<&Node> = snapshot.nodes.iter().collect();
                nodes.sort_by(|a, b| a.name().cmp(b.name()));
                let expected: Vec<PodRow> = nodes
                    .into_iter()
                    .filter_map(|node| {
                        let pods = pods_on_node(&inv, ds, node.name());
                        let verdict = state.judge(&inv, node, now).verdict;
                        let shown = !pods.is_empty()
                            || with_excluded
                            || verdict != crate::analysis::Verdict::Excluded;
                        shown.then(|| pod_row(node.name(), &pods, verdict.as_str(), now))
                    })
                    .collect();
                assert_eq!(rows, expected, "{}", ds.metadata.name);
                compared += rows.iter().filter(|r| r.pod.is_some()).count();
            }
        }
        assert!(compared > 0, "the fixture has pods to compare");
    }
    use crate::model::{ContainerSpec, ContainerState, ContainerStatus, StateDetail};

    fn containers(names: &[&str]) -> PodSpec {
        PodSpec {
            containers: names
                .iter()
                .map(|n| ContainerSpec {
                    name: (*n).to_owned(),
                    ..ContainerSpec::default()
                })
                .collect(),
            ..PodSpec::default()
        }
    }

    #[test]
    fn status_shows_waiting_reason_and_terminating() {
        let mut pod = Pod::default();
        pod.status.phase = "Running".into();
        pod.status.container_statuses = vec![ContainerStatus {
            name: "a".into(),
            state: Some(Box::new(ContainerState {
                waiting: Some(StateDetail {
                    reason: Some("CrashLoopBackOff".into()),
                    ..StateDetail::default()
                }),
                ..ContainerState::default()
            })),
            ..ContainerStatus::default()
        }];
        assert_eq!(pod_status(&pod), "CrashLoopBackOff");
        pod.metadata.deletion_timestamp = Some(Timestamp::UNIX_EPOCH);
        assert_eq!(pod_status(&pod), "Terminating");
    }

    #[test]
    fn container_check_lists_names() {
        let spec = containers(&["a", "b"]);
        assert!(check_container(&spec, "p", "b").is_ok());
        let err = check_container(&spec, "p", "c").unwrap_err();
        assert!(err.contains("a, b"), "{err}");
    }
}
