//! Which nodes to replace, and in which batches.

#[allow(unused_imports)]
use super::*;
use crate::analysis::label_query::LabelQuery;

/// Which nodes to consider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// `--node` (in the order given).
    Nodes(Vec<String>),
    /// `--all-outdated`.
    AllOutdated,
    /// `-l`.
    Selector(LabelQuery),
}

/// What was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The nodes to consider.
    pub targets: Targets,
    /// Also replace pods already on the current revision; allow RollingUpdate DaemonSets.
    pub force: bool,
    /// The batch budget.
    pub max_unavailable: MaxUnavailable,
    /// Replace at most this many nodes.
    pub canary: Option<usize>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The current revision is unknown (no ControllerRevision matches the template).
    #[error("cannot tell which revision is current: {0}")]
    RevisionUnknown(String),
    /// A RollingUpdate DaemonSet (name, namespace) without `--force`.
    #[error(
        "daemonset {0:?} uses the RollingUpdate strategy: the controller replaces its pods itself (follow it with `kubectl ds rollout status {0} -n {1}`); add --force to replace pods anyway"
    )]
    RollingUpdate(String, String),
    /// `--node` names a node that does not exist.
    #[error("node {0:?} not found")]
    UnknownNode(String),
    /// `-l` matches no node.
    #[error("no node matches the selector {0:?}")]
    NoNodeMatches(String),
    /// The DaemonSet's selector is empty: the controller manages nothing.
    #[error(
        "the DaemonSet's selector is empty: the controller does not manage it, so no pod would be replaced"
    )]
    SelectorEmpty,
}

/// Why a considered node is not replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SkipReason {
    /// The DaemonSet does not run on the node.
    NotScheduled,
    /// The pod is on a node that should not run it: the controller would not recreate it.
    Misscheduled,
    /// No pod on the node.
    NoPod,
    /// The pod is already being deleted.
    Terminating,
    /// Several pods of the DaemonSet on the node.
    DuplicatePods,
    /// The node is not Ready: a deleted pod would stay Terminating.
    NodeNotReady,
    /// Already on the current revision (and no `--force`).
    Current,
    /// The pod carries no revision label.
    UnknownRevision,
    /// The planned pod was replaced by something else while the command ran.
    ReplacedMeanwhile,
}

/// One node to replace.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// Node name.
    pub node: String,
    /// The pod to delete.
    pub pod: String,
    /// Its uid (the delete's precondition).
    pub uid: String,
    /// Its `controller-revision-hash`.
    pub revision: Option<String>,
    /// True when the pod is already on the current revision (a restart, `--force`).
    pub restart: bool,
    /// True when the pod is available now.
    pub available: bool,
    /// The node's why-missing verdict.
    pub verdict: Verdict,
}

/// One considered node that is not replaced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skipped {
    /// Node name.
    pub node: String,
    /// The node's pod, if any.
    pub pod: Option<String>,
    /// Why.
    pub reason: SkipReason,
    /// One sentence.
    pub message: String,
}

/// What the command will do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// `spec.minReadySeconds`.
    pub min_ready_seconds: i64,
    /// `desiredNumberScheduled` (the status', else counted from the snapshot).
    pub desired: usize,
    /// As asked.
    pub max_unavailable: MaxUnavailable,
    /// Resolved against `desired`.
    pub budget: usize,
    /// The nodes to replace, in order (after `--canary`).
    pub targets: Vec<Target>,
    /// Targets beyond `--canary`.
    pub held_back: Vec<Target>,
    /// Considered nodes that are not replaced.
    pub skipped: Vec<Skipped>,
    /// Desired nodes without an available pod now, by name.
    pub unavailable: Vec<String>,
    /// The batches, if nothing changes meanwhile.
    pub batches: Vec<Vec<String>>,
    /// Why the remaining targets fit in no batch (the budget is used up), when that happens.
    pub blocked: Option<String>,
    /// Things to know.
    pub warnings: Vec<String>,
}

/// One node of the DaemonSet as seen in a snapshot.
#[derive(Debug, Clone)]
pub struct NodeState<'a> {
    /// The node.
    pub node: &'a Node,
    /// Its why-missing verdict.
    pub verdict: NodeVerdict,
    /// The DaemonSet's pods for the node that are not being deleted.
    pub active: Vec<&'a Pod>,
    /// The DaemonSet's pods for the node that are being deleted.
    pub terminating: Vec<&'a Pod>,
    /// The controller wants a pod here.
    pub desired: bool,
    /// The node has an available pod (Running, Ready for minReadySeconds, node Ready).
    pub available: bool,
}

impl<'a> NodeState<'a> {
    /// The pod the verdict is about.
    pub fn judged_pod(&self) -> Option<&'a Pod> {
        let name = self.verdict.pod.as_deref()?;
        self.active
            .iter()
            .chain(&self.terminating)
            .find(|p| p.metadata.name == name)
            .copied()
    }
}

/// Every node of a snapshot judged for the DaemonSet.
pub struct Assessment<'a> {
    /// The DaemonSet's state (pods, revision).
    pub state: DaemonSetState<'a>,
    /// The current revision's hash.
    pub hash: String,
    /// One entry per node of the snapshot.
    pub nodes: HashMap<&'a str, NodeState<'a>>,
    /// Desired nodes counted in the snapshot.
    pub desired: usize,
}

impl<'a> Assessment<'a> {
    /// Judges every node of the snapshot.
    ///
    /// # Errors
    /// [`PlanError::RevisionUnknown`] and [`PlanError::SelectorEmpty`].
    pub fn new(
        inv: &Inventory<'a>,
        ds: &'a DaemonSet,
        now: Timestamp,
    ) -> Result<Assessment<'a>, PlanError> {
        if ds.spec.selector.as_ref().is_none_or(|s| s.is_empty()) {
            return Err(PlanError::SelectorEmpty);
        }
        let state = DaemonSetState::new(inv, ds);
        let Some(hash) = state.revision().hash.clone() else {
            let note = state.revision().note.clone().unwrap_or_else(|| {
                "no ControllerRevision matches the DaemonSet's template".to_owned()
            });
            return Err(PlanError::RevisionUnknown(note));
        };
        let mut by_node: HashMap<&str, (Vec<&Pod>, Vec<&Pod>)> = HashMap::new();
        for pod in inv.daemon_set_pods(ds) {
            if pod.is_terminal() && pod.is_terminating() {
                continue;
            }
            if let Some(node) = pod.target_node() {
                let entry = by_node.entry(node).or_default();
                if pod.is_terminating() {
                    entry.1.push(pod);
                } else {
                    entry.0.push(pod);
                }
            }
        }
        let min_ready = ds.spec.min_ready_seconds;
        let mut nodes = HashMap::new();
        let mut desired = 0;
        for node in &inv.snapshot.nodes {
            let verdict = state.judge(inv, node, now);
            let (active, terminating) = by_node.remove(node.name()).unwrap_or_default();
            let is_desired = !matches!(verdict.verdict, Verdict::Excluded | Verdict::Misscheduled);
            desired += usize::from(is_desired);
            let mut ns = NodeState {
                node,
                verdict,
                active,
                terminating,
                desired: is_desired,
                available: false,
            };
            ns.available = is_desired
                && matches!(ns.verdict.verdict, Verdict::Healthy | Verdict::Outdated)
                && ns
                    .judged_pod()
                    .is_some_and(|p| !p.is_terminating() && p.is_available(min_ready, now));
            nodes.insert(node.name(), ns);
        }
        Ok(Assessment {
            state,
            hash,
            nodes,
            desired,
        })
    }

    /// Desired nodes without an available pod, by name.
    pub fn unavailable(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .nodes
            .values()
            .filter(|n| n.desired && !n.available)
            .map(|n| n.node.name().to_owned())
            .collect();
        names.sort();
        names
    }

    /// What to do with one node: replace its pod, or why not.
    pub fn classify(&self, name: &str, force: bool) -> Result<Target, Skipped> {
        let Some(ns) = self.nodes.get(name) else {
            return Err(skip(
                name,
                None,
                SkipReason::NoPod,
                "the node is not in the cluster",
            ));
        };
        let pod_name = ns.verdict.pod.clone();
        let codes: Vec<&str> = ns.verdict.reasons.iter().map(Reason::code).collect();
        let first_reason = if codes.is_empty() {
            String::new()
        } else {
            format!(" ({})", codes.join(", "))
        };
        match ns.verdict.verdict {
            Verdict::Excluded => {
                return Err(skip(
                    name,
                    None,
                    SkipReason::NotScheduled,
                    format!("the DaemonSet does not run on this node{first_reason}"),
                ));
            }
            Verdict::Misscheduled => {
                return Err(skip(
                    name,
                    pod_name,
                    SkipReason::Misscheduled,
                    format!(
                        "the node should no longer run the DaemonSet, so a deleted pod would not come back{first_reason}"
                    ),
                ));
            }
            _ => {}
        }
        if !ns.node.is_ready() {
            return Err(skip(
                name,
                pod_name,
                SkipReason::NodeNotReady,
                "the node is not Ready: a deleted pod would stay Terminating and block its replacement",
            ));
        }
        match ns.active.as_slice() {
            [] if !ns.terminating.is_empty() => Err(skip(
                name,
                Some(ns.terminating[0].metadata.name.clone()),
                SkipReason::Terminating,
                "the pod is already being deleted",
            )),
            [] => Err(skip(
                name,
                None,
                SkipReason::NoPod,
                format!("no pod of the DaemonSet on the node{first_reason}"),
            )),
            [pod] => {
                let revision = pod.metadata.labels.get(HASH_LABEL).cloned();
                let current = match self.state.revision().is_current(pod) {
                    Some(c) => c,
                    None => {
                        return Err(skip(
                            name,
                            Some(pod.metadata.name.clone()),
                            SkipReason::UnknownRevision,
                            "the pod carries no controller-revision-hash label",
                        ));
                    }
                };
                if current && !force {
                    return Err(skip(
                        name,
                        Some(pod.metadata.name.clone()),
                        SkipReason::Current,
                        "already on the current revision (--force restarts it)",
                    ));
                }
                Ok(Target {
                    node: name.to_owned(),
                    pod: pod.metadata.name.clone(),
                    uid: pod.metadata.uid.clone(),
                    revision,
                    restart: current,
                    available: ns.available,
                    verdict: ns.verdict.verdict,
                })
            }
            several => Err(skip(
                name,
                Some(several[0].metadata.name.clone()),
                SkipReason::DuplicatePods,
                format!(
                    "{} pods of the DaemonSet are on the node; the controller is removing the extra ones",
                    several.len()
                ),
            )),
        }
    }

    /// True when the node's (only) active pod runs an older revision.
    fn has_outdated_pod(&self, name: &str) -> bool {
        self.nodes.get(name).is_some_and(|ns| {
            ns.active
                .iter()
                .chain(&ns.terminating)
                .any(|p| self.state.revision().is_current(p) == Some(false))
        })
    }
}

fn skip(
    node: &str,
    pod: Option<String>,
    reason: SkipReason,
    message: impl Into<String>,
) -> Skipped {
    Skipped {
        node: node.to_owned(),
        pod,
        reason,
        message: message.into(),
    }
}

/// A target waiting for a batch, with whether its pod is available now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// True when the node has no available pod now (replacing it costs no availability).
    pub unavailable: bool,
}

/// The next batch, as indices into `pending` (kept in order).
///
/// At most `budget` nodes; targets already unavailable are taken first; an available target is
/// taken only while the desired nodes lacking an available pod (`unavailable_now`, which
/// includes unavailable targets) plus those taken stay within `budget`. An empty batch with
/// targets left means the budget is used up.
pub fn next_batch(pending: &[Pending], unavailable_now: usize, budget: usize) -> Vec<usize> {
    let mut batch: Vec<usize> = pending
        .iter()
        .enumerate()
        .filter(|(_, p)| p.unavailable)
        .map(|(i, _)| i)
        .take(budget)
        .collect();
    let room = (budget - batch.len()).min(budget.saturating_sub(unavailable_now));
    batch.extend(
        pending
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.unavailable)
            .map(|(i, _)| i)
            .take(room),
    );
    batch.sort_unstable();
    batch
}

/// The sentence for a used-up budget.
pub fn budget_message(budget: usize, max: MaxUnavailable, unavailable: &[String]) -> String {
    let names = match unavailable {
        [] => String::new(),
        [a] => format!(" ({a})"),
        [a, b] => format!(" ({a}, {b})"),
        [a, b, c] => format!(" ({a}, {b}, {c})"),
        [a, b, c, rest @ ..] => format!(" ({a}, {b}, {c} and {} more)", rest.len()),
    };
    format!(
        "{} desired node(s) already lack an available pod{names}, which uses up --max-unavailable {max} ({budget} node(s)); fix them or raise --max-unavailable",
        unavailable.len()
    )
}

/// Plans the replacement: targets, skips, order and (simulated) batches.
///
/// Node names of [`Targets::Nodes`] must exist ([`PlanError::UnknownNode`] otherwise).
///
/// # Errors
/// See [`PlanError`].
pub fn plan(
    inv: &Inventory,
    ds: &DaemonSet,
    req: &Request,
    now: Timestamp,
) -> Result<Plan, PlanError> {
    let assessment = Assessment::new(inv, ds, now)?;
    let mut warnings: Vec<String> = assessment.state.warnings().to_vec();
    if ds.strategy() != "OnDelete" {
        if !req.force {
            return Err(PlanError::RollingUpdate(
                ds.metadata.name.clone(),
                ds.metadata.namespace.clone(),
            ));
        }
        warnings.push(format!(
            "the DaemonSet uses the {} strategy: the controller replaces outdated pods itself, with its own maxUnavailable, alongside this command",
            ds.strategy()
        ));
    }
    let mut sorted_nodes: Vec<&str> = inv.snapshot.nodes.iter().map(Node::name).collect();
    sorted_nodes.sort_unstable();
    // The nodes considered, and whether each was asked for by name or selector (then every
    // outcome is reported) or found by --all-outdated (then only outdated pods are).
    let considered: Vec<String> = match &req.targets {
        Targets::Nodes(names) => {
            let mut seen = HashSet::new();
            let mut list = Vec::new();
            for n in names {
                if !assessment.nodes.contains_key(n.as_str()) {
                    return Err(PlanError::UnknownNode(n.clone()));
                }
                if seen.insert(n.as_str()) {
                    list.push(n.clone());
                }
            }
            list
        }
        Targets::AllOutdated => sorted_nodes
            .iter()
            .filter(|n| assessment.has_outdated_pod(n))
            .map(|n| (*n).to_owned())
            .collect(),
        Targets::Selector(sel) => {
            let matching: Vec<String> = sorted_nodes
                .iter()
                .filter(|n| {
                    assessment
                        .nodes
                        .get(*n)
                        .is_some_and(|ns| sel.matches(&ns.node.metadata.labels))
                })
                .map(|n| (*n).to_owned())
                .collect();
            if matching.is_empty() {
                return Err(PlanError::NoNodeMatches(sel.as_str().to_owned()));
            }
            matching
        }
    };
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    for name in &considered {
        match assessment.classify(name, req.force) {
            Ok(t) => targets.push(t),
            Err(s) => {
                // A selector over a big cluster would list every node the DaemonSet skips.
                let quiet = matches!(req.targets, Targets::Selector(_))
                    && s.reason == SkipReason::NotScheduled;
                if !quiet {
                    skipped.push(s);
                }
            }
        }
    }
    // Already-unavailable targets first (stable).
    targets.sort_by_key(|t| t.available);
    let held_back = match req.canary {
        Some(n) if n < targets.len() => targets.split_off(n),
        _ => Vec::new(),
    };
    let desired = match usize::try_from(ds.status.desired_number_scheduled) {
        Ok(d) if d > 0 => d,
        _ => assessment.desired,
    };
    let budget = req.max_unavailable.resolve(desired);
    let unavailable = assessment.unavailable();
    let (batches, blocked) = simulate(&targets, &unavailable, budget, req.max_unavailable);
    Ok(Plan {
        daemon_set: DaemonSetRef {
            namespace: ds.metadata.namespace.clone(),
            name: ds.metadata.name.clone(),
            current_revision: Some(assessment.hash.clone()),
            update_strategy: ds.strategy().to_owned(),
        },
        min_ready_seconds: ds.spec.min_ready_seconds,
        desired,
        max_unavailable: req.max_unavailable,
        budget,
        targets,
        held_back,
        skipped,
        unavailable,
        batches,
        blocked,
        warnings,
    })
}

/// The batches if every replacement succeeds and nothing else changes.
fn simulate(
    targets: &[Target],
    unavailable: &[String],
    budget: usize,
    max: MaxUnavailable,
) -> (Vec<Vec<String>>, Option<String>) {
    let mut down: HashSet<&str> = unavailable.iter().map(String::as_str).collect();
    let mut pending: Vec<&Target> = targets.iter().collect();
    let mut batches = Vec::new();
    while !pending.is_empty() {
        let flags: Vec<Pending> = pending
            .iter()
            .map(|t| Pending {
                unavailable: down.contains(t.node.as_str()),
            })
            .collect();
        let batch = next_batch(&flags, down.len(), budget);
        if batch.is_empty() {
            let mut others: Vec<String> = down.iter().map(|s| (*s).to_owned()).collect();
            others.sort();
            return (batches, Some(budget_message(budget, max, &others)));
        }
        let names: Vec<String> = batch.iter().map(|&i| pending[i].node.clone()).collect();
        for n in &names {
            down.remove(n.as_str());
        }
        let taken: HashSet<usize> = batch.into_iter().collect();
        pending = pending
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !taken.contains(i))
            .map(|(_, t)| t)
            .collect();
        batches.push(names);
    }
    (batches, None)
}

/// Reason codes that mean the new pod will not become Ready by itself: stop at once.
pub const HARD_FAILURES: [&str; 8] = [
    "ImagePullBackOff",
    "CrashLoopBackOff",
    "MountFailed",
    "CreateContainerConfigError",
    "ContainerError",
    "PodFailed",
    "PodCompleted",
    "FailedCreate",
];
