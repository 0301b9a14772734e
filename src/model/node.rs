//! `v1 Node`, reduced to placement-relevant fields.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};
use super::quantity::ResourceList;

/// A node: labels (in `metadata`), taints, cordon flag, allocatable resources and conditions.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Node {
    /// `metadata`.
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(deserialize_with = "null_default")]
    pub spec: NodeSpec,
    /// `status`.
    #[serde(deserialize_with = "null_default")]
    pub status: NodeStatus,
}

/// `Node.spec`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeSpec {
    /// Cordoned (`kubectl cordon`).
    pub unschedulable: Option<bool>,
    /// Taints, in order.
    #[serde(deserialize_with = "null_default")]
    pub taints: Vec<Taint>,
}

/// A node taint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Taint {
    /// Taint key.
    #[serde(deserialize_with = "null_default")]
    pub key: String,
    /// Taint value (may be empty).
    #[serde(deserialize_with = "null_default")]
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    #[serde(deserialize_with = "null_default")]
    pub effect: String,
}

/// `Node.status`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeStatus {
    /// What the scheduler may hand out.
    pub allocatable: ResourceList,
    /// Total capacity (used when `allocatable` is absent, as the scheduler does).
    pub capacity: ResourceList,
    /// Conditions (`Ready`, `DiskPressure`, …).
    #[serde(deserialize_with = "null_default")]
    pub conditions: Vec<NodeCondition>,
}

/// One node condition.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeCondition {
    /// Condition type, e.g. `Ready`.
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(deserialize_with = "null_default")]
    pub status: String,
    /// Machine-readable reason.
    pub reason: Option<String>,
    /// Human message.
    pub message: Option<String>,
    /// When the status last changed.
    pub last_transition_time: Option<Timestamp>,
    /// When the kubelet last reported it (an offline dump's clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Timestamp>,
}

impl Node {
    /// The node's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The `Ready` condition, if reported.
    pub fn ready_condition(&self) -> Option<&NodeCondition> {
        self.status.conditions.iter().find(|c| c.type_ == "Ready")
    }

    /// True when the node reports `Ready=True`.
    pub fn is_ready(&self) -> bool {
        self.ready_condition().is_some_and(|c| c.status == "True")
    }

    /// Allocatable resources, falling back to capacity when a node reports no allocatable.
    pub fn allocatable(&self) -> &ResourceList {
        if self.status.allocatable.is_empty() {
            &self.status.capacity
        } else {
            &self.status.allocatable
        }
    }
}
