//! `replace`: which pods to replace, in which order and batches, and whether a replacement is
//! done. Pure: a snapshot in, plans, judgements and the report's data out; the clock is a
//! parameter.
//!
//! The budget follows the controller's rolling update (semantics reference F1/F3): a percentage
//! of `desiredNumberScheduled` is rounded **up**, and every desired node that already lacks an
//! available pod counts against it. Targets whose pod is already unavailable go first (replacing
//! them costs no availability, as the controller deletes such old pods first).

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::Timestamp;
use serde::Serialize;

use super::inventory::Inventory;
use super::labels::{is_valid_label_key, is_valid_label_value};
use super::revision::HASH_LABEL;
use super::verdict::{Reason, Verdict};
use super::why_missing::{API_VERSION, DaemonSetRef, DaemonSetState, NodeVerdict};
use crate::model::{DaemonSet, Node, Pod};

/// The `kind` of the report document.
pub const REPORT_KIND: &str = "ReplaceReport";

// ------------------------------------------------------------------------------------------
// --max-unavailable
// ------------------------------------------------------------------------------------------

/// `--max-unavailable`: a count or a percentage of `desiredNumberScheduled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxUnavailable {
    /// A number of nodes (at least 1).
    Count(usize),
    /// A percentage (1–100), rounded up.
    Percent(u32),
}

impl MaxUnavailable {
    /// Parses `2` or `25%`. Zero is refused: it would replace nothing.
    ///
    /// # Errors
    /// A message for anything else.
    pub fn parse(text: &str) -> Result<MaxUnavailable, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "invalid --max-unavailable {text:?}: expected a count such as 2 or a percentage such as 25%"
            )
        };
        if let Some(p) = t.strip_suffix('%') {
            let v: u32 = p.trim().parse().map_err(|_| bad())?;
            if v == 0 || v > 100 {
                return Err(format!(
                    "invalid --max-unavailable {text:?}: a percentage must be between 1% and 100%"
                ));
            }
            Ok(MaxUnavailable::Percent(v))
        } else {
            let v: usize = t.parse().map_err(|_| bad())?;
            if v == 0 {
                return Err(format!(
                    "invalid --max-unavailable {text:?}: must be at least 1 (0 would replace nothing)"
                ));
            }
            Ok(MaxUnavailable::Count(v))
        }
    }

    /// The number of nodes for `desired` desired nodes: percentages are rounded up, as the
    /// DaemonSet controller does (`50%` of 3 is 2), and never below 1.
    pub fn resolve(self, desired: usize) -> usize {
        match self {
            MaxUnavailable::Count(n) => n,
            MaxUnavailable::Percent(p) => (desired * p as usize).div_ceil(100).max(1),
        }
    }
}

impl std::fmt::Display for MaxUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaxUnavailable::Count(n) => write!(f, "{n}"),
            MaxUnavailable::Percent(p) => write!(f, "{p}%"),
        }
    }
}

// ------------------------------------------------------------------------------------------
// -l / --selector (node labels)
// ------------------------------------------------------------------------------------------

/// A node label selector in kubectl's syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, comma-separated (all must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLabelSelector {
    text: String,
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl NodeLabelSelector {
    /// Parses a selector.
    ///
    /// # Errors
    /// A message naming the bad part.
    pub fn parse(text: &str) -> Result<NodeLabelSelector, String> {
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut start = 0;
        for (i, c) in text.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("invalid selector {text:?}: unbalanced ')'"))?;
                }
                ',' if depth == 0 => {
                    parts.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        if depth != 0 {
            return Err(format!("invalid selector {text:?}: unbalanced '('"));
        }
        parts.push(&text[start..]);
        let requirements = parts
            .into_iter()
            .map(|p| {
                parse_requirement(p.trim())
                    .map_err(|why| format!("invalid selector {text:?}: {why}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NodeLabelSelector {
            text: text.trim().to_owned(),
            requirements,
        })
    }

    /// True when the labels satisfy every requirement (`!=` and `notin` match an absent label,
    /// as in Kubernetes).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    /// The selector as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if part.is_empty() {
        return Err("empty requirement".to_owned());
    }
    let key = |k: &str| -> Result<String, String> {
        let k = k.trim();
        if is_valid_label_key(k) {
            Ok(k.to_owned())
        } else {
            Err(format!("{k:?} is not a valid label key"))
        }
    };
    let value = |v: &str| -> Result<String, String> {
        let v = v.trim();
        if v.is_empty() || is_valid_label_value(v) {
            Ok(v.to_owned())
        } else {
            Err(format!("{v:?} is not a valid label value"))
        }
    };
    if let Some(rest) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key(rest)?));
    }
    if let Some(open) = part.find('(') {
        let Some(inner) = part[open + 1..].strip_suffix(')') else {
            return Err(format!("{part:?}: expected `key in (a,b)`"));
        };
        let head: Vec<&str> = part[..open].split_whitespace().collect();
        let values = inner.split(',').map(value).collect::<Result<Vec<_>, _>>()?;
        return match head.as_slice() {
            [k, "in"] => Ok(Requirement::In(key(k)?, values)),
            [k, "notin"] => Ok(Requirement::NotIn(key(k)?, values)),
            _ => Err(format!(
                "{part:?}: expected `key in (a,b)` or `key notin (a,b)`"
            )),
        };
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(key(k)?, value(v)?));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key(k)?, value(v)?));
    }
    Ok(Requirement::Exists(key(part)?))
}

// ------------------------------------------------------------------------------------------
// The request and the plan
// ------------------------------------------------------------------------------------------

/// Which nodes to consider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Targets {
    /// `--node` (in the order given).
    Nodes(Vec<String>),
    /// `--all-outdated`.
    AllOutdated,
    /// `-l`.
    Selector(NodeLabelSelector),
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
    /// A RollingUpdate DaemonSet without `--force`.
    #[error(
        "daemonset {0:?} uses the RollingUpdate strategy: the controller replaces its pods itself (follow it with `kubectl ds rollout status {0}`); add --force to replace pods anyway"
    )]
    RollingUpdate(String),
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
            return Err(PlanError::RollingUpdate(ds.metadata.name.clone()));
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

// ------------------------------------------------------------------------------------------
// Waiting for a replacement
// ------------------------------------------------------------------------------------------

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

/// Where one node's replacement stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Replacement {
    /// Not there yet; `code` says what is awaited (a why-missing reason code, or
    /// `MinReadySeconds`).
    Waiting {
        /// The new pod, once created.
        pod: Option<String>,
        /// Short state: `Terminating`, `NotYetObserved`, `ContainerCreating`, …
        code: String,
        /// One sentence.
        message: String,
        /// The why-missing reasons.
        reasons: Vec<Reason>,
    },
    /// A new pod of the current revision is Running, Ready and available.
    Ready {
        /// The new pod.
        pod: String,
        /// Its uid.
        uid: String,
    },
    /// The new pod fails in a way that does not heal by itself.
    Failed {
        /// The new pod, if created.
        pod: Option<String>,
        /// The why-missing reasons.
        reasons: Vec<Reason>,
    },
}

/// Judges the replacement of the pod `old_uid` on `node`.
pub fn judge_replacement(
    inv: &Inventory,
    assessment_state: &DaemonSetState,
    node: &Node,
    old_uid: &str,
    min_ready_seconds: i64,
    now: Timestamp,
) -> Replacement {
    let v = assessment_state.judge(inv, node, now);
    let pod = v
        .pod
        .as_deref()
        .and_then(|name| inv.snapshot.pods.iter().find(|p| p.metadata.name == name))
        .filter(|p| p.metadata.uid != old_uid);
    let pod_name = pod.map(|p| p.metadata.name.clone());
    let old_still_there = inv
        .snapshot
        .pods
        .iter()
        .any(|p| p.metadata.uid == old_uid && !p.is_terminating());
    if old_still_there {
        return Replacement::Waiting {
            pod: None,
            code: "Deleting".to_owned(),
            message: "the old pod is not marked for deletion yet".to_owned(),
            reasons: Vec::new(),
        };
    }
    match v.verdict {
        Verdict::Healthy => match pod {
            Some(p) if p.is_available(min_ready_seconds, now) => Replacement::Ready {
                pod: p.metadata.name.clone(),
                uid: p.metadata.uid.clone(),
            },
            Some(_) => Replacement::Waiting {
                pod: pod_name,
                code: "MinReadySeconds".to_owned(),
                message: format!("Ready; waiting for minReadySeconds ({min_ready_seconds}s)"),
                reasons: Vec::new(),
            },
            None => waiting_for(None, &v.reasons, "the old pod is still the node's pod"),
        },
        Verdict::Excluded | Verdict::Misscheduled => Replacement::Failed {
            pod: pod_name,
            reasons: v.reasons,
        },
        Verdict::Outdated => waiting_for(
            pod_name,
            &v.reasons,
            "the new pod runs an older revision than expected",
        ),
        Verdict::Missing | Verdict::Pending | Verdict::Failing => {
            // The old pod, terminating, is judged while it blocks the node (D5): expected.
            let hard = v.reasons.iter().any(|r| HARD_FAILURES.contains(&r.code()));
            let create_failed = v.reasons.iter().any(|r| r.code() == "FailedCreate");
            if (hard && pod.is_some()) || create_failed {
                Replacement::Failed {
                    pod: pod_name,
                    reasons: v.reasons,
                }
            } else {
                waiting_for(pod_name, &v.reasons, "waiting for the new pod")
            }
        }
    }
}

fn waiting_for(pod: Option<String>, reasons: &[Reason], fallback: &str) -> Replacement {
    let (code, message) = match reasons.first() {
        Some(r) => (r.code().to_owned(), r.message.clone()),
        None => ("Waiting".to_owned(), fallback.to_owned()),
    };
    Replacement::Waiting {
        pod,
        code,
        message,
        reasons: reasons.to_vec(),
    }
}

// ------------------------------------------------------------------------------------------
// The report
// ------------------------------------------------------------------------------------------

/// `--dry-run`, as recorded in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DryRun {
    /// Changes were made.
    None,
    /// Only the plan.
    Client,
    /// Deletes sent with `dryRun=All`.
    Server,
}

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RunStatus {
    /// Every target replaced (or nothing to do). Exit 0.
    Completed,
    /// `--canary N` nodes replaced; the rest held back. Exit 0.
    CanaryCompleted,
    /// `--dry-run=client`: the plan. Exit 0.
    Planned,
    /// `--dry-run=server`: every delete accepted. Exit 0.
    Validated,
    /// A new pod failed or was not ready in time. Exit 3.
    Failed,
    /// A delete was refused because the pod changed or was gone (409/404). Exit 3.
    Conflict,
    /// The DaemonSet's template changed while running. Exit 3.
    TemplateChanged,
    /// Too many nodes already lack an available pod. Exit 3.
    BudgetExhausted,
    /// Ctrl-C. Exit 130.
    Interrupted,
    /// An API error. Exit 1.
    Error,
}

impl RunStatus {
    /// The process exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            RunStatus::Completed
            | RunStatus::CanaryCompleted
            | RunStatus::Planned
            | RunStatus::Validated => 0,
            RunStatus::Failed
            | RunStatus::Conflict
            | RunStatus::TemplateChanged
            | RunStatus::BudgetExhausted => 3,
            RunStatus::Interrupted => 130,
            RunStatus::Error => 1,
        }
    }

    /// The status as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Completed => "completed",
            RunStatus::CanaryCompleted => "canaryCompleted",
            RunStatus::Planned => "planned",
            RunStatus::Validated => "validated",
            RunStatus::Failed => "failed",
            RunStatus::Conflict => "conflict",
            RunStatus::TemplateChanged => "templateChanged",
            RunStatus::BudgetExhausted => "budgetExhausted",
            RunStatus::Interrupted => "interrupted",
            RunStatus::Error => "error",
        }
    }
}

/// What happened to one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NodeOutcome {
    /// Deleted; the new pod is Running, Ready, current and available.
    Replaced,
    /// Deleted; the new pod fails or was not ready within `--timeout`.
    Failed,
    /// Deleted; the wait was cut short (second Ctrl-C, template change, API error).
    Interrupted,
    /// The delete was refused: the pod changed or is gone (409/404).
    Conflict,
    /// A target not reached (a later batch, after a stop, or beyond `--canary`).
    Untouched,
    /// Considered but not a target.
    Skipped,
    /// `--dry-run=client`: would be replaced.
    Planned,
    /// `--dry-run=server`: the API server accepted the delete.
    Validated,
}

impl NodeOutcome {
    /// The outcome as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeOutcome::Replaced => "replaced",
            NodeOutcome::Failed => "failed",
            NodeOutcome::Interrupted => "interrupted",
            NodeOutcome::Conflict => "conflict",
            NodeOutcome::Untouched => "untouched",
            NodeOutcome::Skipped => "skipped",
            NodeOutcome::Planned => "planned",
            NodeOutcome::Validated => "validated",
        }
    }
}

/// One node of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeEntry {
    /// Node name.
    pub name: String,
    /// What happened.
    pub outcome: NodeOutcome,
    /// The batch (1-based) it was or would be in.
    pub batch: Option<usize>,
    /// The pod replaced (or to replace, or the node's pod when skipped).
    pub pod: Option<String>,
    /// Its uid.
    pub pod_uid: Option<String>,
    /// Its revision hash.
    pub pod_revision: Option<String>,
    /// True when the pod was already current (`--force`).
    pub restart: bool,
    /// The replacement pod.
    pub new_pod: Option<String>,
    /// When the delete was accepted.
    pub deleted_at: Option<Timestamp>,
    /// When the replacement was seen available.
    pub ready_at: Option<Timestamp>,
    /// `readyAt - deletedAt`, or until the failure was seen.
    pub seconds: Option<f64>,
    /// Why it is skipped, untouched, failed or interrupted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_reason: Option<SkipReason>,
    /// One sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// For a failed node: why the new pod is not healthy (why-missing reasons).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
}

impl NodeEntry {
    fn for_target(t: &Target, outcome: NodeOutcome) -> NodeEntry {
        NodeEntry {
            name: t.node.clone(),
            outcome,
            batch: None,
            pod: Some(t.pod.clone()),
            pod_uid: Some(t.uid.clone()),
            pod_revision: t.revision.clone(),
            restart: t.restart,
            new_pod: None,
            deleted_at: None,
            ready_at: None,
            seconds: None,
            skip_reason: None,
            message: None,
            reasons: Vec::new(),
        }
    }

    fn for_skipped(s: &Skipped) -> NodeEntry {
        NodeEntry {
            name: s.node.clone(),
            outcome: NodeOutcome::Skipped,
            batch: None,
            pod: s.pod.clone(),
            pod_uid: None,
            pod_revision: None,
            restart: false,
            new_pod: None,
            deleted_at: None,
            ready_at: None,
            seconds: None,
            skip_reason: Some(s.reason),
            message: Some(s.message.clone()),
            reasons: Vec::new(),
        }
    }
}

/// `kind: ReplaceReport`: what `replace` did (or would do), node by node.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceReport {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always [`REPORT_KIND`].
    pub kind: &'static str,
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// `--dry-run`.
    pub dry_run: DryRun,
    /// How the run ended.
    pub status: RunStatus,
    /// One sentence about it.
    pub message: String,
    /// `--max-unavailable` as given.
    pub max_unavailable: String,
    /// Nodes per batch at most (resolved against `desiredNumberScheduled`, rounded up).
    pub budget: usize,
    /// `desiredNumberScheduled`.
    pub desired_number_scheduled: usize,
    /// `--canary`.
    pub canary: Option<usize>,
    /// When the command started.
    pub started_at: Timestamp,
    /// When it ended.
    pub finished_at: Option<Timestamp>,
    /// Duration in seconds.
    pub seconds: Option<f64>,
    /// Nodes per outcome.
    pub summary: BTreeMap<NodeOutcome, usize>,
    /// Node names per batch: those started (a run) or planned (a dry run).
    pub batches: Vec<Vec<String>>,
    /// Every node considered: targets in replacement order, then held back, then skipped.
    pub nodes: Vec<NodeEntry>,
    /// How to continue, when something is left to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Things to know.
    pub warnings: Vec<String>,
}

impl ReplaceReport {
    /// The report before anything happened: targets `untouched` (or `planned` for a client
    /// dry run), held-back targets `untouched`, the rest `skipped`.
    pub fn from_plan(
        plan: &Plan,
        dry_run: DryRun,
        canary: Option<usize>,
        now: Timestamp,
    ) -> ReplaceReport {
        let target_outcome = if dry_run == DryRun::Client {
            NodeOutcome::Planned
        } else {
            NodeOutcome::Untouched
        };
        let mut nodes: Vec<NodeEntry> = Vec::new();
        for t in &plan.targets {
            let mut e = NodeEntry::for_target(t, target_outcome);
            if dry_run == DryRun::Client {
                e.batch = plan
                    .batches
                    .iter()
                    .position(|b| b.contains(&t.node))
                    .map(|i| i + 1);
                if e.batch.is_none() {
                    e.outcome = NodeOutcome::Untouched;
                    e.message = Some("no room in the --max-unavailable budget".to_owned());
                } else if !t.available {
                    e.message = Some(format!("already unavailable ({})", t.verdict));
                } else if t.restart {
                    e.message = Some("already current: restarted (--force)".to_owned());
                }
            }
            nodes.push(e);
        }
        for t in &plan.held_back {
            let mut e = NodeEntry::for_target(t, NodeOutcome::Untouched);
            e.message = Some(format!(
                "held back by --canary {}",
                canary.unwrap_or_default()
            ));
            nodes.push(e);
        }
        nodes.extend(plan.skipped.iter().map(NodeEntry::for_skipped));
        let mut report = ReplaceReport {
            api_version: API_VERSION,
            kind: REPORT_KIND,
            daemon_set: plan.daemon_set.clone(),
            dry_run,
            status: RunStatus::Planned,
            message: String::new(),
            max_unavailable: plan.max_unavailable.to_string(),
            budget: plan.budget,
            desired_number_scheduled: plan.desired,
            canary,
            started_at: now,
            finished_at: None,
            seconds: None,
            summary: BTreeMap::new(),
            batches: if dry_run == DryRun::Client {
                plan.batches.clone()
            } else {
                Vec::new()
            },
            nodes,
            next: None,
            warnings: plan.warnings.clone(),
        };
        if dry_run == DryRun::Client {
            let (status, message) = plan_status(plan);
            report.status = status;
            report.message = message;
        }
        report.recount();
        report
    }

    /// Recomputes [`ReplaceReport::summary`].
    pub fn recount(&mut self) {
        self.summary.clear();
        for n in &self.nodes {
            *self.summary.entry(n.outcome).or_default() += 1;
        }
    }

    /// The entry of `node`.
    pub fn node_mut(&mut self, node: &str) -> Option<&mut NodeEntry> {
        self.nodes.iter_mut().find(|n| n.name == node)
    }

    /// Count of `outcome`.
    pub fn count(&self, outcome: NodeOutcome) -> usize {
        self.summary.get(&outcome).copied().unwrap_or(0)
    }

    /// Sets the end, the duration and the summary.
    pub fn finish(&mut self, status: RunStatus, message: impl Into<String>, now: Timestamp) {
        self.status = status;
        self.message = message.into();
        self.finished_at = Some(now);
        self.seconds = Some(seconds_between(self.started_at, now));
        self.recount();
    }

    /// Nodes still to do after the run: untouched targets (in order).
    pub fn untouched(&self) -> Vec<&str> {
        self.nodes
            .iter()
            .filter(|n| n.outcome == NodeOutcome::Untouched)
            .map(|n| n.name.as_str())
            .collect()
    }
}

fn plan_status(plan: &Plan) -> (RunStatus, String) {
    let n: usize = plan.batches.iter().map(Vec::len).sum();
    if plan.targets.is_empty() {
        return (
            RunStatus::Completed,
            "nothing to replace: no considered node has a pod to replace".to_owned(),
        );
    }
    let mut message = format!(
        "would replace {n} node(s) in {} batch(es) of at most {}",
        plan.batches.len(),
        plan.budget
    );
    if let Some(why) = &plan.blocked {
        message = if n == 0 {
            format!("would replace nothing: {why}")
        } else {
            format!("{message}, then stop: {why}")
        };
        return (RunStatus::BudgetExhausted, message);
    }
    if !plan.held_back.is_empty() {
        message.push_str(&format!(
            ", then stop (--canary); {} more held back",
            plan.held_back.len()
        ));
    }
    (RunStatus::Planned, message)
}

/// Seconds from `a` to `b`, to a tenth.
pub fn seconds_between(a: Timestamp, b: Timestamp) -> f64 {
    let ms = b.as_millisecond() - a.as_millisecond();
    (ms as f64 / 100.0).round() / 10.0
}

/// The command that continues where a run stopped: the same options, with the untouched nodes
/// named explicitly when `--force` would otherwise restart the nodes done already.
pub fn continue_command(
    ds: &DaemonSetRef,
    req: &Request,
    untouched: &[&str],
    grace_period: Option<i64>,
) -> Option<String> {
    if untouched.is_empty() {
        return None;
    }
    let mut cmd = format!("kubectl ds replace {} -n {}", ds.name, ds.namespace);
    let explicit = match &req.targets {
        Targets::Nodes(_) => true,
        Targets::AllOutdated => false,
        Targets::Selector(_) => req.force,
    };
    if explicit {
        for n in untouched {
            cmd.push_str(&format!(" --node {n}"));
        }
    } else {
        match &req.targets {
            Targets::Selector(sel) => cmd.push_str(&format!(" -l {}", shell_quote(sel.as_str()))),
            _ => cmd.push_str(" --all-outdated"),
        }
    }
    if req.force {
        cmd.push_str(" --force");
    }
    if req.max_unavailable != MaxUnavailable::Count(1) {
        cmd.push_str(&format!(" --max-unavailable {}", req.max_unavailable));
    }
    if let Some(g) = grace_period {
        cmd.push_str(&format!(" --grace-period {g}"));
    }
    Some(cmd)
}

/// Quotes for a POSIX shell when needed.
pub fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

// ------------------------------------------------------------------------------------------
// Progress events (the runner emits them; render formats them)
// ------------------------------------------------------------------------------------------

/// Something the run reports as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The plan, before the first delete.
    Started {
        /// Nodes to replace.
        targets: usize,
        /// At most this many at once.
        budget: usize,
        /// Nodes considered but skipped.
        skipped: usize,
    },
    /// Something to know before it starts (e.g. a RollingUpdate DaemonSet with `--force`).
    Warning {
        /// One sentence.
        message: String,
    },
    /// A batch starts.
    BatchStarted {
        /// 1-based.
        number: usize,
        /// Its nodes.
        nodes: Vec<String>,
        /// Targets left after it.
        remaining: usize,
    },
    /// A delete was accepted.
    Deleted {
        /// Node.
        node: String,
        /// Pod.
        pod: String,
        /// `--dry-run=server`.
        dry_run: bool,
    },
    /// A delete was refused.
    DeleteRefused {
        /// Node.
        node: String,
        /// Pod.
        pod: String,
        /// The API's answer.
        message: String,
    },
    /// A waiting node changed state.
    Waiting {
        /// Node.
        node: String,
        /// The new pod, once there.
        pod: Option<String>,
        /// The state code.
        code: String,
        /// One sentence.
        message: String,
    },
    /// A node is done.
    Replaced {
        /// Node.
        node: String,
        /// The new pod.
        pod: String,
        /// Seconds since the delete.
        seconds: f64,
    },
    /// A node failed.
    Failed {
        /// Node.
        node: String,
        /// The new pod.
        pod: Option<String>,
        /// Why.
        message: String,
    },
    /// A target is dropped before its batch.
    Skipped {
        /// Node.
        node: String,
        /// Why.
        message: String,
    },
    /// Waiting between batches.
    Pausing {
        /// Seconds.
        seconds: f64,
    },
    /// First Ctrl-C.
    InterruptRequested {
        /// Nodes being waited for.
        in_flight: usize,
    },
    /// The run stops.
    Stopping {
        /// One sentence.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_round_up() {
        let p = |s| MaxUnavailable::parse(s).unwrap();
        assert_eq!(p("2").resolve(6), 2);
        assert_eq!(p("50%").resolve(3), 2);
        assert_eq!(p("50%").resolve(2), 1);
        assert_eq!(p("10%").resolve(6), 1);
        assert_eq!(p("34%").resolve(6), 3);
        assert_eq!(p("100%").resolve(6), 6);
        assert_eq!(p("1%").resolve(0), 1);
        assert_eq!(p("25%").to_string(), "25%");
        for bad in ["0", "0%", "101%", "-1", "x", "", "1.5", "%"] {
            assert!(MaxUnavailable::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn selectors() {
        let labels: BTreeMap<String, String> = [("zone", "a"), ("role", "edge"), ("gpu", "")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let m = |s: &str| NodeLabelSelector::parse(s).unwrap().matches(&labels);
        assert!(m("zone=a"));
        assert!(m("zone==a"));
        assert!(!m("zone=b"));
        assert!(m("zone!=b"));
        assert!(m("missing!=b"));
        assert!(m("zone in (a, b),role"));
        assert!(!m("zone notin (a)"));
        assert!(m("other notin (a)"));
        assert!(m("!other"));
        assert!(!m("!gpu"));
        assert!(m("gpu="));
        assert!(m(" zone = a , role = edge "));
        for bad in [
            "",
            "a=b,",
            "zone in a",
            "(",
            "zone in (a",
            "bad key=x",
            "a=b=c",
            "x inn (a)",
        ] {
            assert!(NodeLabelSelector::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn batches_respect_the_budget() {
        let p = |u: bool| Pending { unavailable: u };
        // 2 slots, nothing down: two at a time.
        assert_eq!(
            next_batch(&[p(false), p(false), p(false)], 0, 2),
            vec![0, 1]
        );
        // One node elsewhere down: one slot left.
        assert_eq!(next_batch(&[p(false), p(false)], 1, 2), vec![0]);
        // Budget used up elsewhere: nothing.
        assert!(next_batch(&[p(false)], 2, 2).is_empty());
        // Unavailable targets go even when the budget is used up (they cost nothing) …
        assert_eq!(next_batch(&[p(true), p(false)], 2, 2), vec![0]);
        // … but never more than the budget at once.
        assert_eq!(next_batch(&[p(true), p(true), p(true)], 3, 2), vec![0, 1]);
        // Mixed: the unavailable one plus what the budget allows.
        assert_eq!(next_batch(&[p(true), p(false), p(false)], 1, 2), vec![0, 1]);
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_quote("zone=a,role"), "zone=a,role");
        assert_eq!(shell_quote("zone in (a)"), "'zone in (a)'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
