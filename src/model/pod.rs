//! `v1 Pod` and the pod template, reduced to what placement and health analysis read.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};
use super::quantity::ResourceList;

/// A pod.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Pod {
    /// `metadata`, without annotations (nothing reads a pod's annotations, and on a large
    /// cluster they are a good part of the memory).
    #[serde(deserialize_with = "super::meta::without_annotations")]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(deserialize_with = "null_default")]
    pub spec: PodSpec,
    /// `status`.
    #[serde(deserialize_with = "null_default")]
    pub status: PodStatus,
}

/// A pod template (`DaemonSet.spec.template`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct PodTemplate {
    /// Template metadata (labels, annotations).
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    /// Template pod spec.
    #[serde(deserialize_with = "null_default")]
    pub spec: PodSpec,
}

/// The parts of a pod spec that decide placement, resources and ports.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    /// Bound node (pods) or pinned node (templates).
    #[serde(deserialize_with = "null_default")]
    pub node_name: String,
    /// `nodeSelector`.
    #[serde(deserialize_with = "crate::model::meta::unique_string_map")]
    pub node_selector: BTreeMap<String, String>,
    /// `affinity`.
    pub affinity: Option<Affinity>,
    /// `tolerations`.
    #[serde(deserialize_with = "null_default")]
    pub tolerations: Vec<Toleration>,
    /// `hostNetwork`.
    pub host_network: Option<bool>,
    /// Regular containers.
    #[serde(deserialize_with = "null_default")]
    pub containers: Vec<ContainerSpec>,
    /// Init containers (sidecars have `restartPolicy: Always`).
    #[serde(deserialize_with = "null_default")]
    pub init_containers: Vec<ContainerSpec>,
    /// Pod overhead (RuntimeClass).
    pub overhead: ResourceList,
    /// Pod-level resources.
    pub resources: Option<ResourceRequirements>,
    /// `schedulerName`.
    pub scheduler_name: Option<String>,
    /// `schedulingGates`.
    #[serde(deserialize_with = "null_default")]
    pub scheduling_gates: Vec<SchedulingGate>,
    /// Resolved priority.
    pub priority: Option<i32>,
    /// `priorityClassName`.
    pub priority_class_name: Option<String>,
    /// `runtimeClassName`: where a pod's `overhead` comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_class_name: Option<String>,
    /// `readinessGates`: extra conditions that must be True for the pod to be Ready.
    #[serde(
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub readiness_gates: Vec<ReadinessGate>,
}

/// One `readinessGates` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReadinessGate {
    /// The pod condition type that must be True.
    #[serde(deserialize_with = "null_default")]
    pub condition_type: String,
}

/// `affinity` (only node affinity matters here).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Affinity {
    /// `nodeAffinity`.
    pub node_affinity: Option<NodeAffinity>,
}

/// `nodeAffinity` (preferred terms are ignored by both controller and filter).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution`.
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
}

/// A node selector: terms ORed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeSelector {
    /// `nodeSelectorTerms`.
    #[serde(deserialize_with = "null_default")]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// A node selector term: requirements ANDed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    /// Label requirements.
    #[serde(deserialize_with = "null_default")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Field requirements (only `metadata.name`).
    #[serde(deserialize_with = "null_default")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// One requirement: `key operator values`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct NodeSelectorRequirement {
    /// Label key or field path.
    #[serde(deserialize_with = "null_default")]
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`.
    #[serde(deserialize_with = "null_default")]
    pub operator: String,
    /// Values.
    #[serde(deserialize_with = "null_default")]
    pub values: Vec<String>,
}

/// A toleration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Toleration {
    /// Key (empty with `Exists` matches every key).
    #[serde(deserialize_with = "null_default")]
    pub key: String,
    /// `Equal` (default) or `Exists` (or `Lt`/`Gt` behind a feature gate).
    #[serde(deserialize_with = "null_default")]
    pub operator: String,
    /// Value for `Equal`.
    #[serde(deserialize_with = "null_default")]
    pub value: String,
    /// Effect (empty matches every effect).
    #[serde(deserialize_with = "null_default")]
    pub effect: String,
    /// Eviction delay for NoExecute (ignored by the controller's decision).
    pub toleration_seconds: Option<i64>,
}

/// A container (regular or init).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerSpec {
    /// Container name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Image reference.
    #[serde(deserialize_with = "null_default")]
    pub image: String,
    /// Requests and limits.
    pub resources: Option<ResourceRequirements>,
    /// Declared ports.
    #[serde(deserialize_with = "null_default")]
    pub ports: Vec<ContainerPort>,
    /// `Always` marks a sidecar init container.
    pub restart_policy: Option<String>,
}

/// Requests and limits.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ResourceRequirements {
    /// Requests.
    pub requests: ResourceList,
    /// Limits (a limit without a request defaults the request, as the API server does).
    pub limits: ResourceList,
}

/// A container port.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerPort {
    /// Port inside the container.
    pub container_port: i32,
    /// Port on the host (0 = none).
    pub host_port: Option<i32>,
    /// Host IP the host port binds (empty = all).
    #[serde(rename = "hostIP", deserialize_with = "null_default")]
    pub host_ip: String,
    /// `TCP` (default), `UDP`, `SCTP`.
    #[serde(deserialize_with = "null_default")]
    pub protocol: String,
}

/// A scheduling gate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct SchedulingGate {
    /// Gate name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
}

/// `Pod.status`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    #[serde(deserialize_with = "null_default")]
    pub phase: String,
    /// Reason for a terminal or rejected pod (`Evicted`, `OutOfcpu`, `NodeAffinity`, …).
    pub reason: Option<String>,
    /// Message for that reason.
    pub message: Option<String>,
    /// The conditions the analysis reads: `PodScheduled`, `Ready`, `ContainersReady` and the
    /// readiness gates' conditions.
    #[serde(deserialize_with = "needed_conditions")]
    pub conditions: Vec<PodCondition>,
    /// Regular containers.
    #[serde(deserialize_with = "null_default")]
    pub container_statuses: Vec<ContainerStatus>,
    /// Init containers.
    #[serde(deserialize_with = "null_default")]
    pub init_container_statuses: Vec<ContainerStatus>,
    /// Node the scheduler nominated after preemption.
    pub nominated_node_name: Option<String>,
}

/// One pod condition.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodCondition {
    /// Condition type.
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    /// `True`, `False`, `Unknown`.
    #[serde(deserialize_with = "null_default")]
    pub status: String,
    /// Reason, e.g. `Unschedulable`.
    pub reason: Option<String>,
    /// Message, e.g. the scheduler's FailedScheduling text.
    pub message: Option<String>,
    /// When the status last changed.
    pub last_transition_time: Option<Timestamp>,
}

/// A container's status.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerStatus {
    /// Container name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Readiness.
    pub ready: bool,
    /// Restarts so far.
    pub restart_count: i32,
    /// Current state.
    pub state: Option<Box<ContainerState>>,
    /// Previous state (the last crash).
    pub last_state: Option<Box<ContainerState>>,
}

/// Container state: exactly one of the three is normally set.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ContainerState {
    /// Waiting.
    pub waiting: Option<StateDetail>,
    /// Running.
    pub running: Option<StateDetail>,
    /// Terminated.
    pub terminated: Option<StateDetail>,
}

/// Details of a container state.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StateDetail {
    /// Reason (`CrashLoopBackOff`, `Error`, `OOMKilled`, …).
    pub reason: Option<String>,
    /// Message.
    pub message: Option<String>,
    /// Exit code (terminated only).
    pub exit_code: Option<i32>,
    /// Start time (running, terminated).
    pub started_at: Option<Timestamp>,
}

/// Keeps the pod conditions the analysis reads (drops the built-in ones it does not).
fn needed_conditions<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<PodCondition>, D::Error> {
    let mut all: Vec<PodCondition> = null_default(d)?;
    // The built-in conditions nothing reads are dropped; any other type may be a readiness
    // gate's condition (the spec naming the gates is not at hand here), and pods rarely carry
    // more than one or two.
    all.retain(|c| {
        !matches!(
            c.type_.as_str(),
            "Initialized" | "PodReadyToStartContainers" | "DisruptionTarget"
        )
    });
    all.shrink_to_fit();
    Ok(all)
}

impl Pod {
    /// The `type` condition, if present.
    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// `Ready=True` (`podutil.IsPodReady`).
    pub fn is_ready(&self) -> bool {
        self.condition("Ready").is_some_and(|c| c.status == "True")
    }

    /// Ready for at least `min_ready_seconds` at `now` (`podutil.IsPodAvailable`).
    pub fn is_available(&self, min_ready_seconds: i64, now: Timestamp) -> bool {
        let Some(ready) = self.condition("Ready").filter(|c| c.status == "True") else {
            return false;
        };
        if min_ready_seconds <= 0 {
            return true;
        }
        ready
            .last_transition_time
            .is_some_and(|t| t.as_second().saturating_add(min_ready_seconds) < now.as_second())
    }

    /// Phase `Failed` or `Succeeded`.
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.phase.as_str(), "Failed" | "Succeeded")
    }

    /// Has a deletion timestamp.
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }

    /// The node this pod belongs to (`util.GetTargetNodeName`): `spec.nodeName`, else the single
    /// `metadata.name In [node]` of its required node affinity, as the controller pins it.
    pub fn target_node(&self) -> Option<&str> {
        if !self.spec.node_name.is_empty() {
            return Some(&self.spec.node_name);
        }
        let required = self
            .spec
            .affinity
            .as_ref()?
            .node_affinity
            .as_ref()?
            .required_during_scheduling_ignored_during_execution
            .as_ref()?;
        required.node_selector_terms.iter().find_map(|term| {
            term.match_fields.iter().find_map(|field| {
                (field.key == "metadata.name" && field.operator == "In" && field.values.len() == 1)
                    .then(|| field.values[0].as_str())
            })
        })
    }

    /// True once the scheduler (or the template) bound the pod to a node.
    pub fn is_bound(&self) -> bool {
        !self.spec.node_name.is_empty()
    }
}

impl PodSpec {
    /// True when the pod runs in the host network namespace.
    pub fn uses_host_network(&self) -> bool {
        self.host_network.unwrap_or(false)
    }

    /// The required node-affinity selector, if any.
    pub fn required_node_affinity(&self) -> Option<&NodeSelector> {
        self.affinity
            .as_ref()?
            .node_affinity
            .as_ref()?
            .required_during_scheduling_ignored_during_execution
            .as_ref()
    }
}

impl ContainerSpec {
    /// True for a sidecar: an init container with `restartPolicy: Always`.
    pub fn is_sidecar(&self) -> bool {
        self.restart_policy.as_deref() == Some("Always")
    }

    /// The effective request of `resource` in milli-units (the limit when only a limit is set).
    pub fn request(&self, resource: &str) -> i128 {
        let Some(res) = &self.resources else { return 0 };
        res.requests
            .amount(resource)
            .unwrap_or_else(|| res.limits.get(resource))
    }

    /// Every resource this container requests (or limits, which defaults the request).
    pub fn requested_resources(&self) -> impl Iterator<Item = &str> {
        self.resources.iter().flat_map(|r| {
            r.requests
                .iter()
                .chain(r.limits.iter().filter(|(k, _)| !r.requests.contains(k)))
                .map(|(k, _)| k)
        })
    }
}
