//! Indexes over a snapshot, built once and shared by every DaemonSet analysed.

use std::collections::HashMap;

use crate::model::{ControllerRevision, DaemonSet, Event, Node, Pod, Snapshot};

use super::labels::selector_matches;

/// Lookups the analysis needs, borrowed from a [`Snapshot`].
pub struct Inventory<'a> {
    /// The snapshot.
    pub snapshot: &'a Snapshot,
    nodes: HashMap<&'a str, &'a Node>,
    /// Non-terminal pods by `spec.nodeName`: what the scheduler counts on each node.
    bound: HashMap<&'a str, Vec<&'a Pod>>,
    /// Pods by their controller's uid.
    by_controller: HashMap<&'a str, Vec<&'a Pod>>,
    /// Pods without a controller, by namespace (candidates for adoption).
    orphans: HashMap<&'a str, Vec<&'a Pod>>,
    /// Events by the involved object's name, latest first.
    events: HashMap<&'a str, Vec<&'a Event>>,
}

impl<'a> Inventory<'a> {
    /// Indexes `snapshot`.
    pub fn new(snapshot: &'a Snapshot) -> Inventory<'a> {
        let nodes = snapshot.nodes.iter().map(|n| (n.name(), n)).collect();
        let mut bound: HashMap<&str, Vec<&Pod>> = HashMap::new();
        let mut by_controller: HashMap<&str, Vec<&Pod>> = HashMap::new();
        let mut orphans: HashMap<&str, Vec<&Pod>> = HashMap::new();
        for pod in &snapshot.pods {
            if pod.is_bound() && !pod.is_terminal() {
                bound
                    .entry(pod.spec.node_name.as_str())
                    .or_default()
                    .push(pod);
            }
            match pod.metadata.controller_ref() {
                Some(owner) => by_controller
                    .entry(owner.uid.as_str())
                    .or_default()
                    .push(pod),
                None => orphans
                    .entry(pod.metadata.namespace.as_str())
                    .or_default()
                    .push(pod),
            }
        }
        let mut events: HashMap<&str, Vec<&Event>> = HashMap::new();
        for event in &snapshot.events {
            events
                .entry(event.involved_object.name.as_str())
                .or_default()
                .push(event);
        }
        for list in events.values_mut() {
            list.sort_by_key(|e| std::cmp::Reverse(e.last_seen()));
        }
        Inventory {
            snapshot,
            nodes,
            bound,
            by_controller,
            orphans,
            events,
        }
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.nodes.get(name).copied()
    }

    /// Non-terminal pods bound to `node` (terminating ones included, as the scheduler counts
    /// them).
    pub fn pods_bound_to(&self, node: &str) -> &[&'a Pod] {
        self.bound.get(node).map_or(&[], Vec::as_slice)
    }

    /// The DaemonSet's pods as the controller claims them: controlled by it (by uid, or by
    /// kind and name when the snapshot has no uids) and matching its selector, plus orphans that
    /// match the selector and would be adopted (unless it is being deleted).
    pub fn daemon_set_pods(&self, ds: &DaemonSet) -> Vec<&'a Pod> {
        let Some(selector) = ds.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
            return Vec::new();
        };
        let namespace = ds.metadata.namespace.as_str();
        let in_scope = |p: &&&Pod| {
            p.metadata.namespace == namespace && selector_matches(selector, &p.metadata.labels)
        };
        let mut pods: Vec<&Pod> = if ds.metadata.uid.is_empty() {
            self.snapshot
                .pods
                .iter()
                .filter(|p| {
                    p.metadata
                        .controller_ref()
                        .is_some_and(|o| o.kind == "DaemonSet" && o.name == ds.metadata.name)
                })
                .filter(|p| in_scope(&p))
                .collect()
        } else {
            self.by_controller
                .get(ds.metadata.uid.as_str())
                .into_iter()
                .flatten()
                .filter(in_scope)
                .copied()
                .collect()
        };
        if ds.metadata.deletion_timestamp.is_none() {
            pods.extend(
                self.orphans
                    .get(namespace)
                    .into_iter()
                    .flatten()
                    .filter(in_scope)
                    .copied(),
            );
        }
        pods
    }

    /// The DaemonSet's ControllerRevisions (controlled by it, or in its namespace with its
    /// name as prefix when the snapshot has no uids), by revision ascending.
    pub fn daemon_set_revisions(&self, ds: &DaemonSet) -> Vec<&'a ControllerRevision> {
        let mut revisions: Vec<&ControllerRevision> = self
            .snapshot
            .revisions
            .iter()
            .filter(|r| r.metadata.namespace == ds.metadata.namespace)
            .filter(|r| match r.metadata.controller_ref() {
                Some(owner) if !ds.metadata.uid.is_empty() && !owner.uid.is_empty() => {
                    owner.uid == ds.metadata.uid
                }
                Some(owner) => owner.kind == "DaemonSet" && owner.name == ds.metadata.name,
                None => false,
            })
            .collect();
        revisions.sort_by_key(|r| r.revision);
        revisions
    }

    /// Events about the object, latest first.
    pub fn events_for<'s>(
        &'s self,
        kind: &'s str,
        namespace: &'s str,
        name: &str,
    ) -> impl Iterator<Item = &'a Event> + 's {
        self.events
            .get(name)
            .into_iter()
            .flatten()
            .filter(move |e| {
                let o = &e.involved_object;
                let ns = if o.namespace.is_empty() {
                    &e.metadata.namespace
                } else {
                    &o.namespace
                };
                o.kind == kind && ns == namespace
            })
            .copied()
    }

    /// The latest event with `reason` about the object.
    pub fn latest_event(
        &self,
        kind: &str,
        namespace: &str,
        name: &str,
        reason: &str,
    ) -> Option<&'a Event> {
        self.events_for(kind, namespace, name)
            .find(|e| e.reason == reason)
    }
}
