//! Tier 1: which pod is "the DaemonSet's pod on node N", and which container is the default one.

mod common;

use std::collections::BTreeMap;

use common::builders::*;
use kubectl_ds::analysis::Inventory;
use kubectl_ds::analysis::pods::{default_container, pod_on_node, pod_row, pods_on_node};
use kubectl_ds::model::{PodSpec, Snapshot};
use serde_json::{Value, json};

fn load(items: Vec<Value>) -> Snapshot {
    kubectl_ds::snapshot::load_bytes("test", &list(items))
        .unwrap()
        .snapshot
}

fn created(mut pod: Value, at: &str) -> Value {
    pod["metadata"]["creationTimestamp"] = json!(at);
    pod
}

fn names(snap: &Snapshot, node: &str) -> Vec<String> {
    let inv = Inventory::new(snap);
    let ds = &snap.daemon_sets[0];
    pods_on_node(&inv, ds, node)
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect()
}

#[test]
fn duplicates_oldest_bound_first() {
    let snap = load(vec![
        node("n1"),
        daemon_set("agent"),
        created(
            ds_pod("agent", "agent-new", "n1", "h1"),
            "2026-11-28T09:30:00Z",
        ),
        created(
            ds_pod("agent", "agent-old", "n1", "h1"),
            "2026-11-28T08:00:00Z",
        ),
        created(
            unbound(ds_pod("agent", "agent-unbound", "n1", "h1")),
            "2026-11-28T07:00:00Z",
        ),
    ]);
    // Bound before unbound even when the unbound one is older; then the oldest.
    assert_eq!(
        names(&snap, "n1"),
        ["agent-old", "agent-new", "agent-unbound"]
    );
}

#[test]
fn same_age_breaks_ties_by_name() {
    let snap = load(vec![
        node("n1"),
        daemon_set("agent"),
        ds_pod("agent", "agent-b", "n1", "h1"),
        ds_pod("agent", "agent-a", "n1", "h1"),
    ]);
    assert_eq!(names(&snap, "n1"), ["agent-a", "agent-b"]);
}

#[test]
fn terminating_pod_yields_to_its_replacement() {
    let mut dying = created(
        ds_pod("agent", "agent-old", "n1", "h1"),
        "2026-11-28T08:00:00Z",
    );
    dying["metadata"]["deletionTimestamp"] = json!("2026-11-28T09:59:00Z");
    let snap = load(vec![
        node("n1"),
        daemon_set("agent"),
        dying,
        created(
            ds_pod("agent", "agent-new", "n1", "h2"),
            "2026-11-28T09:59:30Z",
        ),
    ]);
    // The controller ignores pods being deleted: the replacement is the node's pod.
    assert_eq!(names(&snap, "n1"), ["agent-new", "agent-old"]);
}

#[test]
fn terminating_pod_alone_is_still_found() {
    let mut dying = ds_pod("agent", "agent-old", "n1", "h1");
    dying["metadata"]["deletionTimestamp"] = json!("2026-11-28T09:59:00Z");
    let snap = load(vec![node("n1"), daemon_set("agent"), dying]);
    let inv = Inventory::new(&snap);
    let pod = pod_on_node(&inv, &snap.daemon_sets[0], "n1").unwrap();
    assert_eq!(pod.metadata.name, "agent-old");
    let row = pod_row("n1", &[pod], "Healthy", now());
    assert_eq!(row.status, "Terminating");
}

#[test]
fn failed_pod_comes_after_a_running_one() {
    let failed = container_state(
        created(
            ds_pod("agent", "agent-a-failed", "n1", "h1"),
            "2026-11-28T07:00:00Z",
        ),
        "Failed",
        false,
        json!({"terminated": {"exitCode": 1, "reason": "Error"}}),
    );
    let snap = load(vec![
        node("n1"),
        daemon_set("agent"),
        failed,
        ds_pod("agent", "agent-b", "n1", "h1"),
    ]);
    assert_eq!(names(&snap, "n1"), ["agent-b", "agent-a-failed"]);
}

#[test]
fn pending_pod_pinned_by_affinity_is_the_nodes_pod() {
    let snap = load(vec![
        node("n1"),
        node("n2"),
        daemon_set("agent"),
        unbound(ds_pod("agent", "agent-pending", "n2", "h1")),
        ds_pod("agent", "agent-n1", "n1", "h1"),
    ]);
    assert_eq!(names(&snap, "n2"), ["agent-pending"]);
    assert_eq!(names(&snap, "n1"), ["agent-n1"]);
    let inv = Inventory::new(&snap);
    let pod = pod_on_node(&inv, &snap.daemon_sets[0], "n2").unwrap();
    let row = pod_row("n2", &[pod], "Pending", now());
    assert!(!row.bound);
    assert_eq!(row.status, "Pending");
}

#[test]
fn other_workloads_pods_are_not_the_daemon_sets() {
    let snap = load(vec![
        node("n1"),
        daemon_set("agent"),
        other_pod("ns", "web-1", "n1", "100m"),
    ]);
    assert!(names(&snap, "n1").is_empty());
}

fn spec(names: &[&str]) -> PodSpec {
    serde_json::from_value(json!({
        "containers": names.iter().map(|n| json!({"name": n})).collect::<Vec<_>>()
    }))
    .unwrap()
}

#[test]
fn default_container_follows_the_annotation_else_the_first() {
    let mut annotations = BTreeMap::new();
    let s = spec(&["main", "sidecar"]);
    let d = default_container(&s, &annotations).unwrap();
    assert_eq!(d.name, "main");
    assert!(d.note.unwrap().contains("out of: main, sidecar"));

    annotations.insert(
        "kubectl.kubernetes.io/default-container".to_owned(),
        "sidecar".to_owned(),
    );
    let d = default_container(&s, &annotations).unwrap();
    assert_eq!(d.name, "sidecar");
    assert_eq!(d.note, None);

    annotations.insert(
        "kubectl.kubernetes.io/default-container".to_owned(),
        "gone".to_owned(),
    );
    let d = default_container(&s, &annotations).unwrap();
    assert_eq!(d.name, "main");
    assert!(d.note.unwrap().contains("\"gone\" not found"));

    let single = default_container(&spec(&["only"]), &BTreeMap::new()).unwrap();
    assert_eq!(single.name, "only");
    assert_eq!(single.note, None);
    assert!(default_container(&spec(&[]), &BTreeMap::new()).is_none());
}
