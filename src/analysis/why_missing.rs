//! `why-missing`: one verdict per node for a DaemonSet, and every DaemonSet's verdict on a node.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use serde::Serialize;

use super::eligibility::{effective_tolerations, evaluate};
use super::health::{bound_pod_problems, node_not_ready};
use super::inventory::Inventory;
use super::revision::{CurrentRevision, HASH_LABEL, current_revision};
use super::scheduling::pending_reasons;
use super::verdict::{Detail, EventRef, Reason, Verdict};
use crate::model::{DaemonSet, Node, Pod, Toleration};

/// The `apiVersion` of every document this tool prints.
pub const API_VERSION: &str = "kubectl-ds/v1alpha1";

/// `kind: WhyMissingReport`: every (or each requested) node judged for one DaemonSet.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhyMissingReport {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always `WhyMissingReport`.
    pub kind: &'static str,
    /// Offline without `--now`: the snapshot's newest timestamp, the "now" every age is
    /// measured from. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Timestamp>,
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// Counts.
    pub summary: Summary,
    /// One entry per node, by name.
    pub nodes: Vec<NodeVerdict>,
    /// Things the reader should know that are not about one node.
    pub warnings: Vec<String>,
}

/// The DaemonSet a report is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The current revision's hash (`null` when the snapshot cannot tell).
    pub current_revision: Option<String>,
    /// `RollingUpdate` or `OnDelete`.
    pub update_strategy: String,
}

/// Node counts of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Nodes reported.
    pub nodes: usize,
    /// `Healthy` nodes.
    pub healthy: usize,
    /// `Excluded` nodes.
    pub excluded: usize,
    /// Nodes with any other verdict.
    pub problems: usize,
    /// Count per verdict (only verdicts that occur).
    pub by_verdict: BTreeMap<Verdict, usize>,
}

/// One node's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeVerdict {
    /// Node name.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The pod judged (`null` when there is none).
    pub pod: Option<String>,
    /// Why; empty for `Healthy`.
    pub reasons: Vec<Reason>,
}

/// `kind: NodeReport`: every DaemonSet judged on one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeReport {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always `NodeReport`.
    pub kind: &'static str,
    /// As [`WhyMissingReport::as_of`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Timestamp>,
    /// The node.
    pub node: String,
    /// One entry per DaemonSet, by namespace and name.
    pub daemon_sets: Vec<DaemonSetVerdict>,
    /// Notes not about one DaemonSet.
    pub warnings: Vec<String>,
}

/// One DaemonSet's verdict on the node of a [`NodeReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetVerdict {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The pod judged.
    pub pod: Option<String>,
    /// Why.
    pub reasons: Vec<Reason>,
}

impl Summary {
    fn of<'a>(verdicts: impl Iterator<Item = &'a Verdict>) -> Summary {
        let mut s = Summary::default();
        for v in verdicts {
            s.nodes += 1;
            match v {
                Verdict::Healthy => s.healthy += 1,
                Verdict::Excluded => s.excluded += 1,
                _ => s.problems += 1,
            }
            *s.by_verdict.entry(*v).or_default() += 1;
        }
        s
    }
}

impl WhyMissingReport {
    /// True when a node is Missing, Pending or Failing (exit code 3).
    pub fn has_problems(&self) -> bool {
        self.nodes.iter().any(|n| n.verdict.is_problem())
    }
}

impl NodeReport {
    /// True when a DaemonSet is Missing, Pending or Failing on the node (exit code 3).
    pub fn has_problems(&self) -> bool {
        self.daemon_sets.iter().any(|d| d.verdict.is_problem())
    }
}

/// What is known about one DaemonSet before judging nodes: its pods by node, its revision.
pub struct DaemonSetState<'a> {
    ds: &'a DaemonSet,
    tolerations: Vec<Toleration>,
    pods_by_node: HashMap<&'a str, Vec<&'a Pod>>,
    revision: CurrentRevision,
    warnings: Vec<String>,
}

impl<'a> DaemonSetState<'a> {
    /// Gathers the DaemonSet's pods (rules B1–B3 in docs/semantics.md) and current revision.
    pub fn new(inv: &Inventory<'a>, ds: &'a DaemonSet) -> DaemonSetState<'a> {
        let pods = inv.daemon_set_pods(ds);
        let revisions = inv.daemon_set_revisions(ds);
        let revision = current_revision(ds, &revisions, &pods);
        let mut warnings = Vec::new();
        let mut pods_by_node: HashMap<&str, Vec<&Pod>> = HashMap::new();
        let mut nodeless = 0;
        let mut on_unknown_nodes = 0;
        for pod in pods {
            if pod.is_terminal() && pod.is_terminating() {
                continue; // invisible to the controller (rule B3)
            }
            match pod.target_node() {
                Some(node) => {
                    if inv.node(node).is_none() {
                        on_unknown_nodes += 1;
                    }
                    pods_by_node.entry(node).or_default().push(pod);
                }
                None => nodeless += 1,
            }
        }
        for list in pods_by_node.values_mut() {
            // Rule D3: bound first, then oldest, then by name.
            list.sort_by(|a, b| {
                b.is_bound()
                    .cmp(&a.is_bound())
                    .then_with(|| {
                        a.metadata
                            .creation_timestamp
                            .cmp(&b.metadata.creation_timestamp)
                    })
                    .then_with(|| a.metadata.name.cmp(&b.metadata.name))
            });
        }
        let selector_empty = ds.spec.selector.as_ref().is_none_or(|s| s.is_empty());
        if selector_empty {
            warnings.push("the DaemonSet's selector is empty ({}): the controller refuses to manage a DaemonSet that selects every pod, so it creates no pods (event SelectingAll)".to_owned());
        }
        if ds.metadata.deletion_timestamp.is_some() {
            warnings.push(
                "the DaemonSet is being deleted: the controller creates no pods for it".to_owned(),
            );
        }
        if let (Some(g), Some(o)) = (ds.metadata.generation, ds.status.observed_generation)
            && o < g
        {
            warnings.push(format!(
                "the controller has not yet observed the latest spec (generation {g}, observed {o}); status counts may be stale"
            ));
        }
        if let Some(note) = &revision.note {
            warnings.push(note.clone());
        }
        warnings.extend(super::operators::unknown_operator_warnings(ds));
        if nodeless > 0 {
            warnings.push(format!(
                "{nodeless} pod(s) of the DaemonSet name no node and are not counted"
            ));
        }
        if on_unknown_nodes > 0 {
            warnings.push(format!(
                "{on_unknown_nodes} pod(s) of the DaemonSet target nodes that are not in the cluster (deleted nodes; pod garbage collection removes them)"
            ));
        }
        DaemonSetState {
            ds,
            tolerations: effective_tolerations(ds),
            pods_by_node,
            revision,
            warnings,
        }
    }

    /// Judges one node (the decision procedure of Part K in docs/semantics.md).
    pub fn judge(&self, inv: &Inventory, node: &Node, now: Timestamp) -> NodeVerdict {
        let (verdict, pod, reasons) = self.judge_parts(inv, node, now);
        NodeVerdict {
            name: node.name().to_owned(),
            verdict,
            pod: pod.map(|p| p.metadata.name.clone()),
            reasons,
        }
    }

    fn judge_parts(
        &self,
        inv: &Inventory,
        node: &Node,
        now: Timestamp,
    ) -> (Verdict, Option<&'a Pod>, Vec<Reason>) {
        let ds = self.ds;
        let eligibility = evaluate(ds, &self.tolerations, node);
        let pods: &[&'a Pod] = self
            .pods_by_node
            .get(node.name())
            .map_or(&[], Vec::as_slice);
        if !eligibility.should_run {
            let mut reasons = eligibility.reasons;
            // A node that went down also carries taints pods don't tolerate; say why.
            reasons.extend(node_not_ready(node));
            if pods.is_empty() {
                return (Verdict::Excluded, None, reasons);
            }
            let fate = if eligibility.should_continue {
                "the controller leaves the existing pod running but counts it as misscheduled"
            } else {
                "the controller deletes the pod"
            };
            if let Some(first) = reasons.first_mut() {
                first.append(&format!("; {fate}"));
            }
            return (Verdict::Misscheduled, Some(pods[0]), reasons);
        }
        if ds.spec.selector.as_ref().is_none_or(|s| s.is_empty()) {
            return (
                Verdict::Missing,
                None,
                vec![
                    Reason::new(Detail::SelectorSelectsAll {}, "the selector is empty, so the controller does nothing for this DaemonSet")
                        .with_hint("set spec.selector.matchLabels to the template's labels (the selector is immutable: recreate the DaemonSet)"),
                ],
            );
        }
        if pods.is_empty() {
            return (Verdict::Missing, None, self.missing_reasons(inv, node));
        }
        let active: Vec<&'a Pod> = pods
            .iter()
            .filter(|p| !p.is_terminating())
            .copied()
            .collect();
        if active.is_empty() {
            let pod = pods[0];
            return (
                Verdict::Failing,
                Some(pod),
                bound_pod_problems(inv, pod, &self.owner_args()),
            );
        }
        // With surge, an old and a new pod side by side is a rollout step: judge the new one.
        let surge_pair = active.len() == 2
            && self.revision.is_current(active[0]) != self.revision.is_current(active[1]);
        let pod = if surge_pair {
            *active
                .iter()
                .find(|p| self.revision.is_current(p) == Some(true))
                .unwrap_or(&active[0])
        } else {
            active[0]
        };
        let mut reasons = Vec::new();
        let mut verdict = if !pod.is_bound() {
            reasons.extend(pending_reasons(inv, pod, node, now));
            Verdict::Pending
        } else {
            reasons.extend(node_not_ready(node));
            reasons.extend(bound_pod_problems(inv, pod, &self.owner_args()));
            if !reasons.is_empty() {
                Verdict::Failing
            } else if self.revision.is_current(pod) == Some(false) {
                reasons.push(self.old_revision(pod, node));
                Verdict::Outdated
            } else {
                Verdict::Healthy
            }
        };
        if active.len() > 1 && !surge_pair {
            let names: Vec<String> = active.iter().map(|p| p.metadata.key()).collect();
            reasons.push(
                Reason::new(
                    Detail::DuplicatePods { pods: names.clone(), kept: active[0].metadata.key() },
                    format!(
                        "{} pods of the DaemonSet are on the node; the controller keeps {} and deletes the others",
                        names.len(),
                        active[0].metadata.name
                    ),
                )
                .with_hint("if they persist, check for a second controller or pods created by hand with the DaemonSet's labels"),
            );
            if matches!(verdict, Verdict::Healthy | Verdict::Outdated) {
                verdict = Verdict::Failing;
            }
        }
        (verdict, Some(pod), reasons)
    }

    fn old_revision(&self, pod: &Pod, node: &Node) -> Reason {
        let current = self.revision.hash.clone().unwrap_or_default();
        let pod_revision = pod.metadata.labels.get(HASH_LABEL).cloned();
        let ds = &self.ds.metadata;
        let hint = if self.ds.strategy() == "OnDelete" {
            format!(
                "OnDelete: the pod changes only when deleted; kubectl ds replace {} -n {} --node {}",
                ds.name,
                ds.namespace,
                node.name()
            )
        } else {
            format!(
                "the rolling update replaces it; follow it with kubectl ds rollout status {} -n {}",
                ds.name, ds.namespace
            )
        };
        Reason::new(
            Detail::OldRevision {
                pod_revision: pod_revision.clone(),
                current_revision: current.clone(),
            },
            format!(
                "the pod runs revision {} but the current one is {current}",
                pod_revision.as_deref().unwrap_or("<unknown>")
            ),
        )
        .with_hint(hint)
    }

    fn missing_reasons(&self, inv: &Inventory, node: &Node) -> Vec<Reason> {
        let ds = self.ds;
        let (ns, name) = (&ds.metadata.namespace, &ds.metadata.name);
        if ds.metadata.deletion_timestamp.is_some() {
            return vec![Reason::new(
                Detail::DaemonSetTerminating {},
                "the DaemonSet is being deleted, so the controller creates no pod",
            )];
        }
        let mut reasons = Vec::new();
        let on_node = format!("on node {},", node.name());
        if let Some(failed) = inv
            .events_for("DaemonSet", ns, name)
            .find(|e| e.reason == "FailedDaemonPod" && e.message.contains(&on_node))
        {
            let event = EventRef::from(failed);
            reasons.push(
                Reason::new(
                    Detail::FailedPodBackoff { event: event.clone() },
                    format!("the previous pod failed ({}); the controller backs off (up to 15 minutes) before replacing it", event.message),
                )
                .with_hint(format!("kubectl get events -n {ns} --field-selector involvedObject.name={name}")),
            );
        }
        if let Some(failed) = inv.latest_event("DaemonSet", ns, name, "FailedCreate") {
            let event = EventRef::from(failed);
            let hint = failed_create_hint(&event.message, ns);
            reasons.push(
                Reason::new(
                    Detail::FailedCreate {
                        event: event.clone(),
                    },
                    format!("the controller cannot create the pod: {}", event.message),
                )
                .with_hint(hint),
            );
        }
        if reasons.is_empty() {
            let generation = ds.metadata.generation;
            let observed = ds.status.observed_generation;
            let message = match (generation, observed) {
                (Some(g), Some(o)) if o < g => format!(
                    "the controller has not yet observed generation {g} of the DaemonSet (observed {o})"
                ),
                (_, None) => {
                    "the controller has not processed the DaemonSet yet (no observedGeneration)"
                        .to_owned()
                }
                _ => "the controller has not created a pod for this node yet and reported no error"
                    .to_owned(),
            };
            reasons.push(
                Reason::new(Detail::NotYetObserved { generation, observed_generation: observed }, message)
                    .with_hint("wait a few seconds; if it persists, check that kube-controller-manager runs the daemonset controller"),
            );
        }
        reasons
    }

    /// The DaemonSet as command arguments: `NAME -n NAMESPACE`.
    fn owner_args(&self) -> String {
        format!(
            "{} -n {}",
            self.ds.metadata.name, self.ds.metadata.namespace
        )
    }

    /// Warnings about the DaemonSet as a whole.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The current revision, as far as the snapshot tells.
    pub fn revision(&self) -> &CurrentRevision {
        &self.revision
    }
}

fn failed_create_hint(message: &str, namespace: &str) -> String {
    if message.contains("PodSecurity") {
        format!(
            "the namespace's Pod Security level forbids the pod: kubectl label namespace {namespace} pod-security.kubernetes.io/enforce=privileged --overwrite (or drop the privileged settings)"
        )
    } else if message.contains("exceeded quota") {
        format!("raise the ResourceQuota: kubectl describe resourcequota -n {namespace}")
    } else if message.contains("webhook") {
        "an admission webhook rejects the pod; check the webhook's logs and configuration"
            .to_owned()
    } else if message.contains("priorityclass") || message.contains("PriorityClass") {
        "create the PriorityClass named in the template".to_owned()
    } else {
        format!("kubectl get events -n {namespace} --field-selector reason=FailedCreate")
    }
}

/// Judges `nodes` (all nodes when `None`) for `ds`.
pub fn why_missing(
    inv: &Inventory,
    ds: &DaemonSet,
    nodes: Option<&[&Node]>,
    now: Timestamp,
) -> WhyMissingReport {
    let state = DaemonSetState::new(inv, ds);
    let mut judged: Vec<NodeVerdict> = match nodes {
        Some(list) => list.iter().map(|n| state.judge(inv, n, now)).collect(),
        None => inv
            .snapshot
            .nodes
            .iter()
            .map(|n| state.judge(inv, n, now))
            .collect(),
    };
    judged.sort_by(|a, b| a.name.cmp(&b.name));
    let mut warnings = state.warnings;
    if nodes.is_none() {
        warnings.extend(status_lag(ds, &judged));
    }
    WhyMissingReport {
        api_version: API_VERSION,
        kind: "WhyMissingReport",
        as_of: None,
        daemon_set: DaemonSetRef {
            namespace: ds.metadata.namespace.clone(),
            name: ds.metadata.name.clone(),
            current_revision: state.revision.hash.clone(),
            update_strategy: ds.strategy().to_owned(),
        },
        summary: Summary::of(judged.iter().map(|n| &n.verdict)),
        nodes: judged,
        warnings,
    }
}

/// When the controller has observed the current spec but its counts differ from what the nodes
/// show, says so: the controller re-checks a DaemonSet after some node changes (a taint under a
/// running pod, for one) only at its next sync.
fn status_lag(ds: &DaemonSet, judged: &[NodeVerdict]) -> Option<String> {
    let status = &ds.status;
    if status.observed_generation.is_none() || status.observed_generation != ds.metadata.generation
    {
        return None;
    }
    let misscheduled = judged
        .iter()
        .filter(|n| n.verdict == Verdict::Misscheduled)
        .count() as i64;
    let desired = judged
        .iter()
        .filter(|n| !matches!(n.verdict, Verdict::Excluded | Verdict::Misscheduled))
        .count() as i64;
    (desired != status.desired_number_scheduled || misscheduled != status.number_misscheduled).then(|| {
        format!(
            "the DaemonSet's status (desired {}, misscheduled {}) lags behind the nodes (desired {desired}, misscheduled {misscheduled}); the controller catches up at its next sync of the DaemonSet (any change to it triggers one)",
            status.desired_number_scheduled, status.number_misscheduled
        )
    })
}

/// Judges every DaemonSet in `daemon_sets` on `node`.
pub fn node_report(
    inv: &Inventory,
    daemon_sets: &[&DaemonSet],
    node: &Node,
    now: Timestamp,
) -> NodeReport {
    let mut entries: Vec<DaemonSetVerdict> = daemon_sets
        .iter()
        .map(|ds| {
            let state = DaemonSetState::new(inv, ds);
            let v = state.judge(inv, node, now);
            DaemonSetVerdict {
                namespace: ds.metadata.namespace.clone(),
                name: ds.metadata.name.clone(),
                verdict: v.verdict,
                pod: v.pod,
                reasons: v.reasons,
            }
        })
        .collect();
    entries.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    NodeReport {
        api_version: API_VERSION,
        kind: "NodeReport",
        as_of: None,
        node: node.name().to_owned(),
        daemon_sets: entries,
        warnings: Vec::new(),
    }
}
