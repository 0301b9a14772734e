//! `check`: DaemonSet-specific production pitfalls, as lint rules.
//!
//! Every rule has a stable ID (`DS1xx` correctness, `DS2xx` reliability, `DS3xx` security,
//! `DS4xx` operations), a name and a severity ([`RULES`]); docs/checks.md gives each one's
//! rationale and upstream source. Manifest rules read only the DaemonSet; live rules
//! ([`Rule::needs_nodes`]) also read nodes, pods and ControllerRevisions, and are skipped — with
//! the reason said — when the input has no nodes, rather than guessed.

mod live;
mod manifest;

use std::collections::BTreeSet;

use jiff::Timestamp;
use serde::Serialize;

use super::Inventory;
use crate::model::{DaemonSet, IntOrString};

/// The annotation that turns rules off for one DaemonSet: `kubectl-ds.io/check-disable:
/// "DS203,DS301"`.
pub const DISABLE_ANNOTATION: &str = "kubectl-ds.io/check-disable";

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; a deliberate choice for many agents.
    Info,
    /// Likely to hurt in production.
    Warning,
    /// Broken or bound to break.
    Error,
}

impl Severity {
    /// `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One rule of the table.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    /// Stable ID, e.g. `DS101`.
    pub id: &'static str,
    /// Short kebab-case name, e.g. `surge-with-host-port`.
    pub name: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// One sentence: what the rule looks for.
    pub summary: &'static str,
    /// True when the rule reads nodes or pods (a live cluster or a cluster dump).
    pub needs_nodes: bool,
}

macro_rules! rule {
    ($id:literal, $name:literal, $sev:ident, $live:literal, $summary:literal) => {
        Rule {
            id: $id,
            name: $name,
            severity: Severity::$sev,
            summary: $summary,
            needs_nodes: $live,
        }
    };
}

/// Every rule, in ID order.
pub static RULES: &[Rule] = &[
    rule!(
        "DS101",
        "surge-with-host-port",
        Error,
        false,
        "RollingUpdate with maxSurge > 0 while a container uses a host port (hostPort, or a port under hostNetwork): the surge pod cannot be scheduled next to the old one and the rollout stalls"
    ),
    rule!(
        "DS102",
        "matches-no-node",
        Error,
        true,
        "nodeName, nodeSelector or required node affinity that matches no node of the cluster: the DaemonSet runs nowhere"
    ),
    rule!(
        "DS103",
        "selector-template-mismatch",
        Error,
        false,
        "spec.selector missing, empty, or not matching the template's labels: the API server rejects the DaemonSet"
    ),
    rule!(
        "DS104",
        "zero-rollout-budget",
        Error,
        false,
        "RollingUpdate with maxSurge and maxUnavailable both 0: the API server rejects the DaemonSet"
    ),
    rule!(
        "DS201",
        "missing-requests",
        Warning,
        false,
        "a container without cpu or memory requests (or with limits only, which become the requests): starved or evicted under pressure"
    ),
    rule!(
        "DS202",
        "no-node-critical-priority",
        Warning,
        false,
        "looks node-critical (hostNetwork, a kubelet/CNI host path, or kube-system) without priorityClassName: system-node-critical"
    ),
    rule!(
        "DS203",
        "cni-rolling-update",
        Warning,
        false,
        "looks like a CNI plugin (hostNetwork plus /etc/cni or /opt/cni) and uses RollingUpdate: a bad version takes node networking down node after node"
    ),
    rule!(
        "DS204",
        "tolerates-everything",
        Info,
        false,
        "a toleration with operator Exists and no key that covers NoExecute (or every effect): pods stay on, and are placed onto, unreachable and not-ready nodes"
    ),
    rule!(
        "DS205",
        "no-readiness-gate",
        Info,
        false,
        "no readiness probe and minReadySeconds 0: a rolling update moves on as soon as a pod runs"
    ),
    rule!(
        "DS206",
        "restarts-climbing",
        Warning,
        true,
        "pods of the current revision keep restarting since the last template change"
    ),
    rule!(
        "DS207",
        "all-at-once-rollout",
        Warning,
        false,
        "RollingUpdate with maxUnavailable 100%: every pod is replaced at once"
    ),
    rule!(
        "DS301",
        "writable-host-path",
        Warning,
        false,
        "a hostPath volume mounted without readOnly: true"
    ),
    rule!(
        "DS302",
        "sensitive-host-path",
        Warning,
        false,
        "a hostPath volume of /, /etc, or a container runtime socket: root on the node for whoever controls the pod"
    ),
    rule!("DS303", "privileged", Info, false, "a privileged container"),
    rule!("DS304", "host-pid", Info, false, "hostPID: true"),
    rule!(
        "DS305",
        "added-capabilities",
        Info,
        false,
        "a container adds Linux capabilities"
    ),
    rule!(
        "DS401",
        "no-revision-history",
        Warning,
        false,
        "revisionHistoryLimit: 0: rollout undo has nothing to go back to"
    ),
    rule!(
        "DS402",
        "mutable-image-tag",
        Warning,
        false,
        "an image by :latest or without a tag: nodes run whatever the tag meant when they pulled it"
    ),
    rule!(
        "DS403",
        "slow-rollout",
        Warning,
        true,
        "the rollout budget needs so many batches that a rollout, at the pods' observed start-to-Ready time, takes longer than --max-rollout-duration"
    ),
    rule!(
        "DS404",
        "stale-on-delete-pods",
        Warning,
        true,
        "OnDelete pods still on an older revision long after the current one was created (longer than --max-outdated-age)"
    ),
];

/// The rule with this ID.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What the user chose.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Rules turned off for every DaemonSet (`--disable`).
    pub disabled: BTreeSet<&'static str>,
    /// DS403's limit, in seconds.
    pub max_rollout_seconds: i64,
    /// DS404's limit, in seconds.
    pub max_outdated_seconds: i64,
    /// DS206: restarts of one pod of the current revision that count as climbing.
    pub restart_threshold: i32,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            disabled: BTreeSet::new(),
            max_rollout_seconds: 3600,
            max_outdated_seconds: 7 * 24 * 3600,
            restart_threshold: 3,
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: &'static Rule,
    /// One line naming the offending field path.
    pub message: String,
    /// The field path, e.g. `spec.template.spec.containers[0].resources.requests`.
    pub path: String,
    /// A YAML snippet or a command to paste.
    pub fix: String,
}

/// A rule that could not be judged for a DaemonSet, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// The rule.
    pub rule: &'static Rule,
    /// Why, e.g. `no nodes in the input`.
    pub reason: String,
}

/// The verdict on one DaemonSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonSetCheck {
    /// The DaemonSet's namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Findings, worst first, then by rule ID.
    pub findings: Vec<Finding>,
    /// Rules that could not be judged.
    pub skipped: Vec<Skip>,
    /// Notes about the input (e.g. an unknown rule ID in the opt-out annotation).
    pub warnings: Vec<String>,
}

/// What the rules see: the cluster's objects (possibly only DaemonSets), the time, the options.
pub struct CheckInput<'a> {
    /// Objects of the input.
    pub inventory: &'a Inventory<'a>,
    /// True when the input holds nodes (a live cluster or a cluster dump).
    pub has_nodes: bool,
    /// The time of judgement.
    pub now: Timestamp,
    /// Options.
    pub options: &'a CheckOptions,
}

/// Sink the rule functions write to; drops findings of rules that are turned off.
pub(crate) struct Findings<'a> {
    disabled: &'a BTreeSet<&'static str>,
    out: Vec<Finding>,
    skipped: Vec<Skip>,
}

impl Findings<'_> {
    /// True when `id` should run.
    pub(crate) fn enabled(&self, id: &str) -> bool {
        !self.disabled.contains(id)
    }

    /// Records a finding of rule `id`.
    pub(crate) fn push(
        &mut self,
        id: &str,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        let Some(rule) = rule(id) else { return };
        if !self.enabled(id) {
            return;
        }
        self.out.push(Finding {
            rule,
            message: message.into(),
            path: path.into(),
            fix: fix.into(),
        });
    }

    /// Records that rule `id` could not be judged.
    pub(crate) fn skip(&mut self, id: &str, reason: impl Into<String>) {
        let Some(rule) = rule(id) else { return };
        if self.enabled(id) {
            self.skipped.push(Skip {
                rule,
                reason: reason.into(),
            });
        }
    }
}

/// Runs every enabled rule on `ds`.
pub fn check_daemon_set(ds: &DaemonSet, input: &CheckInput<'_>) -> DaemonSetCheck {
    let mut warnings = Vec::new();
    let mut disabled = input.options.disabled.clone();
    if let Some(list) = ds.metadata.annotations.get(DISABLE_ANNOTATION) {
        for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match rule(&id.to_ascii_uppercase()) {
                Some(r) => {
                    disabled.insert(r.id);
                }
                None => warnings.push(format!(
                    "annotation {DISABLE_ANNOTATION} names an unknown rule {id:?}; ignored"
                )),
            }
        }
    }
    let mut sink = Findings {
        disabled: &disabled,
        out: Vec::new(),
        skipped: Vec::new(),
    };
    manifest::run(ds, &mut sink);
    if input.has_nodes {
        live::run(ds, input, &mut sink);
    } else {
        for r in RULES.iter().filter(|r| r.needs_nodes) {
            sink.skip(r.id, "no nodes in the input");
        }
    }
    let Findings {
        mut out, skipped, ..
    } = sink;
    out.sort_by(|a, b| {
        b.rule
            .severity
            .cmp(&a.rule.severity)
            .then_with(|| a.rule.id.cmp(b.rule.id))
    });
    DaemonSetCheck {
        namespace: ds.metadata.namespace.clone(),
        name: ds.metadata.name.clone(),
        findings: out,
        skipped,
        warnings,
    }
}

/// Parses `--disable DS203,DS301` (IDs, case-insensitive).
///
/// # Errors
/// An unknown ID, with the known ones listed.
pub fn parse_disabled<S: AsRef<str>>(items: &[S]) -> Result<BTreeSet<&'static str>, String> {
    let mut out = BTreeSet::new();
    for item in items {
        for id in item
            .as_ref()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let Some(r) = rule(&id.to_ascii_uppercase()) else {
                return Err(format!(
                    "--disable: unknown rule {id:?} (known: {})",
                    RULES.iter().map(|r| r.id).collect::<Vec<_>>().join(", ")
                ));
            };
            out.insert(r.id);
        }
    }
    Ok(out)
}

/// A rolling-update budget scaled to `total` nodes as the controller does it (percentages round
/// up); a malformed value reads as `None`.
pub(crate) fn scaled(value: &IntOrString, total: i64) -> Option<i64> {
    match value {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(s) => match s.strip_suffix('%') {
            Some(p) => {
                let p: i64 = p.trim().parse().ok()?;
                Some(p.checked_mul(total)?.checked_add(99)?.div_euclid(100))
            }
            None => s.trim().parse().ok(),
        },
    }
}

/// True when a budget is positive for any cluster with at least one node.
pub(crate) fn is_positive(value: &IntOrString) -> bool {
    scaled(value, 1).is_some_and(|n| n > 0)
}

/// A budget as written (`1`, `"25%"`).
pub(crate) fn budget_text(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `namespace` and `name` of a DaemonSet in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaemonSetRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// One finding in a [`CheckReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingDoc {
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// `live`, or `FILE:LINE` (or `FILE` when the line is unknown).
    pub source: String,
    /// Rule ID.
    pub rule: &'static str,
    /// Rule name.
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// One line naming the field path.
    pub message: String,
    /// The field path.
    pub path: String,
    /// A YAML snippet or command.
    pub fix: String,
}

/// One rule not judged for a DaemonSet in a [`CheckReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedDoc {
    /// The DaemonSet.
    pub daemon_set: DaemonSetRef,
    /// Rule ID.
    pub rule: &'static str,
    /// Rule name.
    pub name: &'static str,
    /// Why it was not judged.
    pub reason: String,
}

/// Counts of a [`CheckReport`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// DaemonSets checked.
    pub daemon_sets: usize,
}

/// `kind: CheckReport`: every finding of every DaemonSet checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// `kubectl-ds/v1alpha1`.
    pub api_version: &'static str,
    /// `CheckReport`.
    pub kind: &'static str,
    /// Findings, by DaemonSet (namespace, name), then worst first.
    pub findings: Vec<FindingDoc>,
    /// Counts.
    pub summary: CheckSummary,
    /// Rules that could not be judged (e.g. live rules on a manifest without nodes).
    pub skipped: Vec<SkippedDoc>,
}

impl CheckReport {
    /// Builds the report from per-DaemonSet results and their sources, in the order given.
    pub fn new(checks: &[(DaemonSetCheck, String)]) -> CheckReport {
        let mut findings = Vec::new();
        let mut skipped = Vec::new();
        let mut summary = CheckSummary {
            daemon_sets: checks.len(),
            ..CheckSummary::default()
        };
        for (check, source) in checks {
            let daemon_set = DaemonSetRef {
                namespace: check.namespace.clone(),
                name: check.name.clone(),
            };
            for f in &check.findings {
                match f.rule.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                }
                findings.push(FindingDoc {
                    daemon_set: daemon_set.clone(),
                    source: source.clone(),
                    rule: f.rule.id,
                    name: f.rule.name,
                    severity: f.rule.severity,
                    message: f.message.clone(),
                    path: f.path.clone(),
                    fix: f.fix.clone(),
                });
            }
            for s in &check.skipped {
                skipped.push(SkippedDoc {
                    daemon_set: daemon_set.clone(),
                    rule: s.rule.id,
                    name: s.rule.name,
                    reason: s.reason.clone(),
                });
            }
        }
        CheckReport {
            api_version: "kubectl-ds/v1alpha1",
            kind: "CheckReport",
            findings,
            summary,
            skipped,
        }
    }

    /// True when a finding at `level` or worse exists (`--fail-on`).
    pub fn fails_at(&self, level: Severity) -> bool {
        self.findings.iter().any(|f| f.severity >= level)
    }
}
