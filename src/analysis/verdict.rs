//! Verdicts and reasons: the public vocabulary of `why-missing` (a stable contract for scripts;
//! documented in `docs/reasons.md`).

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{Event, Taint};

/// One node's answer to "is this DaemonSet's pod here and healthy?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Verdict {
    /// The controller will not place a pod here and none is here.
    Excluded,
    /// No pod exists for a node that should run one.
    Missing,
    /// A pod exists for the node but is not bound to it.
    Pending,
    /// The pod is bound but not Running and Ready, or the node is not Ready.
    Failing,
    /// A pod is on a node that should not run one.
    Misscheduled,
    /// The pod is Running and Ready but from an older revision.
    Outdated,
    /// Exactly the one pod expected: bound, Running, Ready, current revision.
    Healthy,
}

impl Verdict {
    /// Every verdict, in the order the table groups them (worst first).
    pub const ALL: [Verdict; 7] = [
        Verdict::Missing,
        Verdict::Pending,
        Verdict::Failing,
        Verdict::Misscheduled,
        Verdict::Outdated,
        Verdict::Healthy,
        Verdict::Excluded,
    ];

    /// The verdict's name as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Excluded => "Excluded",
            Verdict::Missing => "Missing",
            Verdict::Pending => "Pending",
            Verdict::Failing => "Failing",
            Verdict::Misscheduled => "Misscheduled",
            Verdict::Outdated => "Outdated",
            Verdict::Healthy => "Healthy",
        }
    }

    /// Missing, Pending and Failing: the answer is "no" (exit code 3).
    pub fn is_problem(self) -> bool {
        matches!(self, Verdict::Missing | Verdict::Pending | Verdict::Failing)
    }

    /// Anything but Healthy and Excluded: worth showing in the default table.
    pub fn needs_attention(self) -> bool {
        !matches!(self, Verdict::Healthy | Verdict::Excluded)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a node has its verdict: a code with structured details, a sentence, and a hint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// The code and its fields.
    #[serde(flatten)]
    pub detail: Detail,
    /// One human sentence, as tables print it; it may say how long ago something happened.
    #[serde(skip)]
    pub message: String,
    /// The same sentence without anything measured from the clock ("2m ago"): JSON's and YAML's
    /// `message`, so that a script sees the same text whenever it runs.
    #[serde(rename = "message")]
    pub fact: String,
    /// What to do about it, ready to paste where possible.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Reason {
    /// A reason without a hint.
    pub fn new(detail: Detail, message: impl Into<String>) -> Reason {
        let message = message.into();
        Reason {
            detail,
            fact: message.clone(),
            message,
            hint: None,
        }
    }

    /// Appends `tail` to both sentences (set `message` and `fact` only through the methods, so
    /// that they stay the same sentence).
    pub fn append(&mut self, tail: &str) {
        self.message.push_str(tail);
        self.fact.push_str(tail);
    }

    /// Replaces the human sentence with one that also says how long ago (tables only; the
    /// clock-free sentence given to [`Reason::new`] stays for JSON and YAML).
    pub fn with_elapsed(mut self, message: impl Into<String>) -> Reason {
        self.message = message.into();
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Reason {
        self.hint = Some(hint.into());
        self
    }

    /// The reason code as printed.
    pub fn code(&self) -> &'static str {
        self.detail.code()
    }
}

/// A taint as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaintRef {
    /// Key.
    pub key: String,
    /// Value (`null` when empty).
    pub value: Option<String>,
    /// Effect.
    pub effect: String,
}

impl From<&Taint> for TaintRef {
    fn from(t: &Taint) -> Self {
        TaintRef {
            key: t.key.clone(),
            value: (!t.value.is_empty()).then(|| t.value.clone()),
            effect: t.effect.clone(),
        }
    }
}

/// A readiness gate and its condition's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateRef {
    /// The gate's `conditionType`.
    pub condition_type: String,
    /// The pod condition's status (`False`, `Unknown`), `null` when the pod has no such condition.
    pub status: Option<String>,
}

/// An event quoted as evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRef {
    /// Event reason.
    pub reason: String,
    /// Event message.
    pub message: String,
    /// `Warning` or `Normal`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Occurrences.
    pub count: i64,
    /// Last occurrence (kubectl's LAST SEEN).
    pub last_seen: Option<Timestamp>,
    /// The same instant under the name kubectl's events carry (`lastTimestamp`), for scripts.
    pub last_timestamp: Option<Timestamp>,
}

impl From<&Event> for EventRef {
    fn from(e: &Event) -> Self {
        // The event recorder prefixes aggregated repeats; the prefix says nothing about the cause.
        let message = e.message.trim();
        let message = message
            .strip_prefix("(combined from similar events): ")
            .unwrap_or(message);
        EventRef {
            reason: e.reason.clone(),
            message: message.to_owned(),
            type_: e.type_.clone(),
            count: e.occurrences(),
            last_seen: e.last_seen(),
            last_timestamp: e.last_seen(),
        }
    }
}

/// The reason codes and their fields. Field names are camelCase in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all_fields = "camelCase")]
pub enum Detail {
    /// The template pins `spec.nodeName` to another node.
    NodeNameMismatch {
        /// The node the template names.
        expected: String,
    },
    /// A `nodeSelector` label is absent or different on the node.
    NodeSelectorMismatch {
        /// Label key.
        key: String,
        /// Required value.
        expected: String,
        /// The node's value, `null` when absent.
        actual: Option<String>,
    },
    /// A required node-affinity term does not match.
    NodeAffinityMismatch {
        /// Term index.
        term: usize,
        /// The failing requirement (`key Op [values]`), `null` for an empty term.
        requirement: Option<String>,
        /// The node's label value, `null` when absent.
        actual: Option<String>,
        /// Why the requirement is invalid, when it is.
        #[serde(skip_serializing_if = "Option::is_none")]
        invalid: Option<String>,
    },
    /// A NoSchedule/NoExecute taint the pod does not tolerate.
    UntoleratedTaint {
        /// The taint.
        taint: TaintRef,
    },
    /// The controller's pod creation was rejected (PodSecurity, quota, webhook, …).
    FailedCreate {
        /// The DaemonSet's latest `FailedCreate` event.
        event: EventRef,
    },
    /// The controller has not (yet) acted on this node.
    NotYetObserved {
        /// The DaemonSet's `metadata.generation`.
        generation: Option<i64>,
        /// The DaemonSet's `status.observedGeneration`.
        observed_generation: Option<i64>,
    },
    /// The DaemonSet's selector is `{}`: the controller refuses to manage it.
    SelectorSelectsAll {},
    /// The DaemonSet is being deleted: the controller creates nothing.
    DaemonSetTerminating {},
    /// The previous pod failed and the controller is backing off before replacing it.
    FailedPodBackoff {
        /// The `FailedDaemonPod` event.
        event: EventRef,
    },
    /// The node lacks a resource the pod requests.
    InsufficientResource {
        /// Resource name.
        resource: String,
        /// The pod's request.
        requested: String,
        /// What is left on the node.
        available: String,
        /// The node's allocatable amount.
        allocatable: String,
        /// Pods holding most of it (`ns/name`); for `pods`, the pods that fill the node.
        holders: Vec<String>,
        /// Where `requested` comes from when it is not the containers alone: part
        /// (`containers`, `initContainers`, `podLevel`, `overhead`) → amount. Omitted otherwise.
        #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        requested_parts: std::collections::BTreeMap<&'static str, String>,
    },
    /// Another pod on the node holds a host port the pod needs.
    HostPortConflict {
        /// Port number.
        port: i32,
        /// Protocol.
        protocol: String,
        /// The holder, `ns/name`.
        conflicting_pod: String,
    },
    /// The scheduler's own words (the latest `FailedScheduling` event or `PodScheduled` condition),
    /// reduced to what concerns the target node.
    FailedScheduling {
        /// The event (or the condition, quoted as one).
        event: EventRef,
    },
    /// The pod carries scheduling gates.
    SchedulingGated {
        /// Gate names.
        gates: Vec<String>,
    },
    /// The pod is unscheduled and nothing explains it yet (scheduler busy or absent).
    WaitingForScheduler {
        /// `spec.schedulerName`.
        scheduler_name: String,
    },
    /// An image cannot be pulled.
    ImagePullBackOff {
        /// Container name.
        container: String,
        /// Image.
        image: String,
        /// The waiting reason (`ImagePullBackOff`, `ErrImagePull`, `InvalidImageName`, …).
        state: String,
    },
    /// A container keeps crashing.
    CrashLoopBackOff {
        /// Container name.
        container: String,
        /// Restarts so far.
        restart_count: i32,
        /// Exit code of the last run.
        last_exit_code: Option<i32>,
        /// Reason of the last termination (`Error`, `OOMKilled`, …).
        last_reason: Option<String>,
    },
    /// A volume cannot be mounted.
    MountFailed {
        /// The latest `FailedMount` event.
        event: EventRef,
    },
    /// A container's configuration refers to something missing.
    CreateContainerConfigError {
        /// Container name.
        container: String,
        /// The kubelet's message.
        detail: Option<String>,
    },
    /// The runtime could not create or start a container.
    ContainerError {
        /// Container name.
        container: String,
        /// Waiting reason.
        state: String,
        /// The kubelet's message.
        detail: Option<String>,
    },
    /// The pod's containers are still being created.
    ContainerCreating {
        /// Containers not yet started.
        containers: Vec<String>,
    },
    /// The pod runs but is not Ready.
    NotReady {
        /// Containers not ready.
        containers: Vec<String>,
        /// The latest `Unhealthy` event, if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        event: Option<EventRef>,
        /// The readiness gates (`spec.readinessGates`) whose condition is not True; omitted when
        /// none is.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        readiness_gates: Vec<GateRef>,
    },
    /// The pod is being deleted (and blocks its replacement until gone).
    Terminating {
        /// Its deletion timestamp.
        since: Option<Timestamp>,
    },
    /// The node is not Ready.
    NodeNotReady {
        /// The Ready condition's status (`False`, `Unknown`, or `null` when unreported).
        status: Option<String>,
        /// The condition's reason.
        reason: Option<String>,
    },
    /// The pod failed (evicted, rejected at admission, …).
    PodFailed {
        /// `status.reason` (`Evicted`, `OutOfcpu`, `NodeAffinity`, …).
        pod_reason: Option<String>,
        /// `status.message`.
        pod_message: Option<String>,
    },
    /// The pod's containers exited and the pod completed.
    PodCompleted {},
    /// The pod runs an older revision.
    OldRevision {
        /// The pod's `controller-revision-hash`.
        pod_revision: Option<String>,
        /// The DaemonSet's current hash.
        current_revision: String,
    },
    /// More than one pod of the DaemonSet on the node.
    DuplicatePods {
        /// All of them, `ns/name`.
        pods: Vec<String>,
        /// The one the controller keeps.
        kept: String,
    },
}

impl Detail {
    /// The code as printed.
    pub fn code(&self) -> &'static str {
        match self {
            Detail::NodeNameMismatch { .. } => "NodeNameMismatch",
            Detail::NodeSelectorMismatch { .. } => "NodeSelectorMismatch",
            Detail::NodeAffinityMismatch { .. } => "NodeAffinityMismatch",
            Detail::UntoleratedTaint { .. } => "UntoleratedTaint",
            Detail::FailedCreate { .. } => "FailedCreate",
            Detail::NotYetObserved { .. } => "NotYetObserved",
            Detail::SelectorSelectsAll {} => "SelectorSelectsAll",
            Detail::DaemonSetTerminating {} => "DaemonSetTerminating",
            Detail::FailedPodBackoff { .. } => "FailedPodBackoff",
            Detail::InsufficientResource { .. } => "InsufficientResource",
            Detail::HostPortConflict { .. } => "HostPortConflict",
            Detail::FailedScheduling { .. } => "FailedScheduling",
            Detail::SchedulingGated { .. } => "SchedulingGated",
            Detail::WaitingForScheduler { .. } => "WaitingForScheduler",
            Detail::ImagePullBackOff { .. } => "ImagePullBackOff",
            Detail::CrashLoopBackOff { .. } => "CrashLoopBackOff",
            Detail::MountFailed { .. } => "MountFailed",
            Detail::CreateContainerConfigError { .. } => "CreateContainerConfigError",
            Detail::ContainerError { .. } => "ContainerError",
            Detail::ContainerCreating { .. } => "ContainerCreating",
            Detail::NotReady { .. } => "NotReady",
            Detail::Terminating { .. } => "Terminating",
            Detail::NodeNotReady { .. } => "NodeNotReady",
            Detail::PodFailed { .. } => "PodFailed",
            Detail::PodCompleted {} => "PodCompleted",
            Detail::OldRevision { .. } => "OldRevision",
            Detail::DuplicatePods { .. } => "DuplicatePods",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_serialize_flat_with_code_first_class() {
        let r = Reason::new(
            Detail::NodeSelectorMismatch {
                key: "disk".into(),
                expected: "ssd".into(),
                actual: None,
            },
            "m",
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["code"], "NodeSelectorMismatch");
        assert_eq!(v["key"], "disk");
        assert!(v["actual"].is_null());
        assert_eq!(v["message"], "m");
        assert!(v.get("hint").is_none());
        let r = Reason::new(
            Detail::HostPortConflict {
                port: 9100,
                protocol: "TCP".into(),
                conflicting_pod: "a/b".into(),
            },
            "m",
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["port"], 9100);
        assert_eq!(v["conflictingPod"], "a/b");
        assert_eq!(r.code(), "HostPortConflict");
    }
}
