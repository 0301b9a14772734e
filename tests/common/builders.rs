//! Builders for small clusters as JSON, loaded through the real snapshot loader.

#![allow(dead_code)]

use serde_json::{Value, json};

pub const NS: &str = "ns";
pub const NOW: &str = "2026-11-28T10:00:00Z";
pub const EARLIER: &str = "2026-11-28T09:00:00Z";

pub fn now() -> jiff::Timestamp {
    NOW.parse().unwrap()
}

/// A Ready node with 4 CPU, 8Gi, 110 pods.
pub fn node(name: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "uid": format!("uid-{name}"), "labels": {"kubernetes.io/hostname": name}},
        "spec": {},
        "status": {
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True"}]
        }
    })
}

pub fn with_labels(mut v: Value, labels: &[(&str, &str)]) -> Value {
    for (k, val) in labels {
        v["metadata"]["labels"][*k] = json!(val);
    }
    v
}

pub fn with_taint(mut v: Value, key: &str, value: &str, effect: &str) -> Value {
    let taints = v["spec"]["taints"].as_array().cloned().unwrap_or_default();
    let mut taints = taints;
    taints.push(json!({"key": key, "value": value, "effect": effect}));
    v["spec"]["taints"] = json!(taints);
    v
}

pub fn not_ready(mut v: Value) -> Value {
    v["status"]["conditions"] = json!([{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status."}]);
    v
}

/// A DaemonSet `name` with one container requesting 100m CPU and one stored revision `h1`.
pub fn daemon_set(name: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": NS, "uid": format!("uid-{name}"), "generation": 1},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": "agent:1", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}
            },
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}}
        },
        "status": {"observedGeneration": 1, "desiredNumberScheduled": 0}
    })
}

/// Sets a field of the DaemonSet's pod template spec.
pub fn template_set(mut ds: Value, field: &str, value: Value) -> Value {
    ds["spec"]["template"]["spec"][field] = value;
    ds
}

/// The ControllerRevision storing `ds`'s current template, with hash `hash` and number `rev`.
pub fn revision_of(ds: &Value, hash: &str, rev: i64) -> Value {
    let name = ds["metadata"]["name"].as_str().unwrap();
    let mut template = ds["spec"]["template"].clone();
    template["$patch"] = json!("replace");
    json!({
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": format!("{name}-{hash}"), "namespace": NS,
                     "labels": {"app": name, "controller-revision-hash": hash},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": name,
                                          "uid": format!("uid-{name}"), "controller": true}]},
        "data": {"spec": {"template": template}},
        "revision": rev
    })
}

/// A Running, Ready pod of `ds` on `node` with revision hash `hash`.
pub fn ds_pod(ds: &str, pod: &str, node: &str, hash: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": pod, "namespace": NS, "uid": format!("uid-{pod}"), "creationTimestamp": EARLIER,
                     "labels": {"app": ds, "controller-revision-hash": hash},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": ds,
                                          "uid": format!("uid-{ds}"), "controller": true}]},
        "spec": {
            "nodeName": node,
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}}},
            "containers": [{"name": "main", "image": "agent:1", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]
        },
        "status": {
            "phase": "Running",
            "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Ready", "status": "True", "lastTransitionTime": EARLIER}],
            "containerStatuses": [{"name": "main", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": EARLIER}}}]
        }
    })
}

/// Makes a pod unbound (Pending, not scheduled).
pub fn unbound(mut pod: Value) -> Value {
    pod["spec"].as_object_mut().unwrap().remove("nodeName");
    pod["status"] = json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}]});
    pod
}

/// Sets the first container's state and readiness.
pub fn container_state(mut pod: Value, phase: &str, ready: bool, state: Value) -> Value {
    pod["status"]["phase"] = json!(phase);
    pod["status"]["conditions"][1]["status"] = json!(if ready { "True" } else { "False" });
    pod["status"]["containerStatuses"][0]["ready"] = json!(ready);
    pod["status"]["containerStatuses"][0]["state"] = state;
    pod
}

/// Another workload's pod bound to `node`.
pub fn other_pod(ns: &str, name: &str, node: &str, cpu: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "uid": format!("uid-{name}")},
        "spec": {"nodeName": node, "containers": [{"name": "c", "resources": {"requests": {"cpu": cpu}}}]},
        "status": {"phase": "Running"}
    })
}

pub fn event(kind: &str, name: &str, reason: &str, message: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{name}.{reason}"), "namespace": NS},
        "involvedObject": {"kind": kind, "namespace": NS, "name": name},
        "reason": reason, "message": message, "type": "Warning", "count": 3,
        "lastTimestamp": "2026-11-28T09:59:00Z"
    })
}

/// A `v1 List` of the items, as JSON bytes.
pub fn list(items: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"apiVersion": "v1", "kind": "List", "items": items})).unwrap()
}
