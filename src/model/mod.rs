//! The compact cluster model: just the fields of Nodes, Pods, DaemonSets, ControllerRevisions and
//! Events that the analysis reads.
//!
//! These types deserialize straight from the Kubernetes JSON (or YAML) of the real objects, so the
//! same structs serve a saved `kubectl get -o json` dump, a `kubectl cluster-info dump` directory
//! and live API pages. Every field is optional on the wire: a missing `status` or `spec` yields
//! defaults rather than an error, and unknown fields are skipped without being kept (a pod's
//! `managedFields` can be larger than the rest of it).

use jiff::Timestamp;

mod daemonset;
mod event;
mod meta;
mod node;
mod pod;
mod quantity;
mod revision;
mod template;

pub use daemonset::{
    DaemonSet, DaemonSetSpec, DaemonSetStatus, IntOrString, LabelSelector,
    LabelSelectorRequirement, RollingUpdate, UpdateStrategy,
};
pub use event::{Event, EventSeries, EventSource, InvolvedObject};
pub use meta::{ObjectMeta, OwnerReference};
pub use node::{Node, NodeCondition, NodeSpec, NodeStatus, Taint};
pub use pod::{
    Affinity, ContainerPort, ContainerSpec, ContainerState, ContainerStatus, NodeAffinity,
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PodCondition, PodSpec, PodStatus,
    PodTemplate, ReadinessGate, ResourceRequirements, SchedulingGate, StateDetail, Toleration,
};
pub use quantity::{ResourceList, format_quantity, parse_quantity_milli};
pub use revision::ControllerRevision;
pub use template::{
    Capabilities, ContainerExtras, HostPathSource, SecurityContext, TemplateExtras, Volume,
    VolumeMount,
};

/// Everything a snapshot (or a set of live lists) holds that the analysis uses.
///
/// Objects of other kinds are dropped when the snapshot is built.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// All nodes of the cluster.
    pub nodes: Vec<Node>,
    /// Pods: those of the DaemonSets in question, and the others bound to nodes that need a
    /// resource or host-port analysis.
    pub pods: Vec<Pod>,
    /// DaemonSets.
    pub daemon_sets: Vec<DaemonSet>,
    /// ControllerRevisions (the DaemonSets' revision history).
    pub revisions: Vec<ControllerRevision>,
    /// Events (evidence only: quoted, never the sole basis of a verdict).
    pub events: Vec<Event>,
}

/// The kinds of object the snapshot keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `v1 Node`
    Node,
    /// `v1 Pod`
    Pod,
    /// `apps/v1 DaemonSet`
    DaemonSet,
    /// `apps/v1 ControllerRevision`
    ControllerRevision,
    /// `v1 Event` or `events.k8s.io/v1 Event`
    Event,
}

impl Kind {
    /// The kind for an object's `kind` field, or `None` for kinds the analysis ignores.
    pub fn from_kind(kind: &str) -> Option<Kind> {
        match kind {
            "Node" => Some(Kind::Node),
            "Pod" => Some(Kind::Pod),
            "DaemonSet" => Some(Kind::DaemonSet),
            "ControllerRevision" => Some(Kind::ControllerRevision),
            "Event" => Some(Kind::Event),
            _ => None,
        }
    }

    /// The API versions this tool understands for the kind.
    pub fn known_api_versions(self) -> &'static [&'static str] {
        match self {
            Kind::Node | Kind::Pod => &["v1"],
            Kind::DaemonSet | Kind::ControllerRevision => &["apps/v1"],
            Kind::Event => &["v1", "events.k8s.io/v1"],
        }
    }
}

impl Snapshot {
    /// The DaemonSet `namespace/name`, if present.
    pub fn daemon_set(&self, namespace: &str, name: &str) -> Option<&DaemonSet> {
        self.daemon_sets
            .iter()
            .find(|ds| ds.metadata.name == name && ds.metadata.namespace == namespace)
    }

    /// The node called `name`, if present.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.metadata.name == name)
    }

    /// The newest time written anywhere in the snapshot: creation and managed-fields times,
    /// events' last occurrences, node heartbeats, condition transitions and container starts.
    /// A saved dump was taken at (or just after) it, so it stands in for "now" offline.
    /// (`deletionTimestamp` is left out: it lies a grace period in the future.)
    pub fn newest_timestamp(&self) -> Option<Timestamp> {
        let meta = |m: &ObjectMeta| m.creation_timestamp.max(m.managed_fields_time);
        let nodes = self.nodes.iter().flat_map(|n| {
            let conditions = n
                .status
                .conditions
                .iter()
                .map(|c| c.last_transition_time.max(c.last_heartbeat_time));
            std::iter::once(meta(&n.metadata)).chain(conditions)
        });
        let pods = self.pods.iter().flat_map(|p| {
            let conditions = p.status.conditions.iter().map(|c| c.last_transition_time);
            let starts = p
                .status
                .container_statuses
                .iter()
                .chain(&p.status.init_container_statuses)
                .filter_map(|c| c.state.as_deref())
                .map(|s| {
                    let started = |d: &Option<StateDetail>| d.as_ref().and_then(|d| d.started_at);
                    started(&s.running).max(started(&s.terminated))
                });
            std::iter::once(meta(&p.metadata))
                .chain(conditions)
                .chain(starts)
        });
        let events = self.events.iter().map(|e| {
            [
                e.last_seen(),
                e.event_time,
                e.last_timestamp,
                meta(&e.metadata),
            ]
            .into_iter()
            .max()
            .flatten()
        });
        let others = self
            .daemon_sets
            .iter()
            .map(|d| meta(&d.metadata))
            .chain(self.revisions.iter().map(|r| meta(&r.metadata)));
        nodes
            .chain(pods)
            .chain(events)
            .chain(others)
            .flatten()
            .max()
    }
}
