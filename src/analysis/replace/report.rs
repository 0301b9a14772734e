//! The `ReplaceReport` document and the progress events.

#[allow(unused_imports)]
use super::*;

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
