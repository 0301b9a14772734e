//! Explanations that point to the right place, and a clock that belongs to the input: the offline
//! "now" taken from the snapshot, clock-free JSON, readiness gates, RuntimeClass overhead, the
//! pods limit, and the smaller wording fixes of issue 14 (items 13–17). Tier 1 on small clusters
//! built inline, tier 2 through the binary.

mod common;

use common::builders::*;
use common::cli::{demo, kds, run};
use kubectl_ds::analysis::why_missing::WhyMissingReport;
use kubectl_ds::analysis::{Inventory, Reason, why_missing};
use kubectl_ds::model::Snapshot;
use serde_json::{Value, json};

fn load(items: Vec<Value>) -> Snapshot {
    kubectl_ds::snapshot::load_bytes("test", &list(items))
        .unwrap()
        .snapshot
}

fn report_at(snapshot: &Snapshot, ds: &str, at: jiff::Timestamp) -> WhyMissingReport {
    let inv = Inventory::new(snapshot);
    let ds = snapshot.daemon_set(NS, ds).expect("daemonset in snapshot");
    why_missing(&inv, ds, None, at)
}

/// The reasons of `node` in the report.
fn reasons<'r>(r: &'r WhyMissingReport, node: &str) -> &'r [Reason] {
    &r.nodes
        .iter()
        .find(|n| n.name == node)
        .expect("node in report")
        .reasons
}

/// The DaemonSet, its status caught up with one node, and its revision `h1`.
fn with_revision(mut ds: Value) -> Vec<Value> {
    ds["status"]["desiredNumberScheduled"] = json!(1);
    ds["status"]["currentNumberScheduled"] = json!(1);
    let rev = revision_of(&ds, "h1", 1);
    vec![ds, rev]
}

// ---- item 13: the offline clock ----

#[test]
fn the_snapshot_time_is_its_newest_timestamp() {
    let mut n = node("n1");
    n["status"]["conditions"][0]["lastHeartbeatTime"] = json!("2026-11-28T09:59:30Z");
    n["status"]["conditions"][0]["lastTransitionTime"] = json!("2026-11-20T00:00:00Z");
    let mut pod = ds_pod("agent", "agent-1", "n1", "h1");
    pod["metadata"]["managedFields"] = json!([
        {"manager": "kubelet", "operation": "Update", "time": "2026-11-28T09:59:45Z",
         "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {}}},
        {"manager": "kube-controller-manager", "time": "not a time"}
    ]);
    // A deletionTimestamp lies a grace period ahead: never "now".
    pod["metadata"]["deletionTimestamp"] = json!("2026-11-28T10:30:00Z");
    let mut items = with_revision(daemon_set("agent"));
    items.extend([n, pod, event("Pod", "agent-1", "Unhealthy", "probe failed")]);
    let snap = load(items);
    assert_eq!(
        snap.newest_timestamp(),
        Some("2026-11-28T09:59:45Z".parse().unwrap())
    );
    // Without the managed fields, the node's heartbeat is the newest.
    let mut n = node("n1");
    n["status"]["conditions"][0]["lastHeartbeatTime"] = json!("2026-11-28T09:59:30Z");
    let snap = load(vec![n, event("Pod", "x", "Unhealthy", "probe failed")]);
    assert_eq!(
        snap.newest_timestamp(),
        Some("2026-11-28T09:59:30Z".parse().unwrap())
    );
    assert_eq!(load(vec![node("n1")]).newest_timestamp(), None);
}

/// The demo dump's newest time is its events' 09:58; read without `--now`, the title says so and
/// "ago" is measured from it, whatever the wall clock says.
#[test]
fn offline_without_now_judges_as_of_the_snapshot() {
    let args = [
        "why-missing",
        "log-collector",
        "-n",
        "daemonset-demo",
        "--node",
        "minikube-m04",
        "-o",
        "wide",
        "-f",
    ];
    let (code, out, err) = run(kds().env_remove("KUBECTL_DS_NOW").args(args).arg(demo()));
    assert_eq!(code, 3, "{err}");
    assert!(
        out.starts_with(
            "DaemonSet daemonset-demo/log-collector (strategy RollingUpdate, revision 7c4b8f9d2), as of 2026-11-28 09:58 UTC, from the snapshot\n"
        ),
        "{out}"
    );
    assert!(out.contains("(x12, 0s ago)"), "{out}");
    insta::assert_snapshot!("offline_clock_from_the_snapshot", out);

    // --now overrides it, and the title then has nothing to explain.
    let (_, out, _) = run(kds()
        .env_remove("KUBECTL_DS_NOW")
        .args(["--now", "2026-11-28T10:00:00Z"])
        .args(args)
        .arg(demo()));
    assert!(!out.contains("from the snapshot"), "{out}");
    assert!(out.contains("(x12, 2m ago)"), "{out}");

    // JSON names the instant.
    let (_, out, _) = run(kds()
        .env_remove("KUBECTL_DS_NOW")
        .args(["why-missing", "--node", "minikube-m04", "-o", "json", "-f"])
        .arg(demo()));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["asOf"], "2026-11-28T09:58:00Z");
    assert!(out.starts_with("{"), "{out}");
}

#[test]
fn now_is_documented_in_help() {
    let (code, out, _) = run(kds().args(["why-missing", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("--now <TIME>"), "{out}");
    assert!(out.contains("the newest time in the saved"), "{out}");
}

// ---- item 14: JSON carries facts, not the clock ----

#[test]
fn json_reasons_do_not_depend_on_the_clock() {
    let ds = daemon_set("agent");
    let mut tiny = node("n1");
    tiny["status"]["allocatable"]["cpu"] = json!("150m");
    let pod = unbound(ds_pod("agent", "agent-1", "n1", "h1"));
    let mut items = with_revision(ds);
    items.extend([
        tiny,
        other_pod("other", "hog", "n1", "100m"),
        pod,
        event(
            "Pod",
            "agent-1",
            "FailedScheduling",
            "0/1 nodes are available: 1 Insufficient cpu.",
        ),
    ]);
    let snap = load(items);
    let early = report_at(&snap, "agent", now());
    let later = report_at(&snap, "agent", "2026-11-28T11:00:00Z".parse().unwrap());
    let json = |r: &WhyMissingReport| serde_json::to_value(r).unwrap();
    assert_eq!(
        json(&early),
        json(&later),
        "JSON must not change with the clock"
    );
    let scheduler = |r: &WhyMissingReport| {
        reasons(r, "n1")
            .iter()
            .find(|x| x.code() == "FailedScheduling")
            .unwrap()
            .message
            .clone()
    };
    // The table keeps the human "ago".
    assert_eq!(
        scheduler(&early),
        "scheduler: Insufficient cpu (x3, 60s ago)"
    );
    assert_eq!(
        scheduler(&later),
        "scheduler: Insufficient cpu (x3, 61m ago)"
    );
    let doc = json(&early);
    let reason = doc["nodes"][0]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "FailedScheduling")
        .unwrap()
        .clone();
    assert_eq!(reason["message"], "scheduler: Insufficient cpu (x3)");
    assert_eq!(reason["event"]["lastTimestamp"], "2026-11-28T09:59:00Z");
    assert_eq!(reason["event"]["count"], 3);
    assert_eq!(reason["event"]["reason"], "FailedScheduling");
}

#[test]
fn pod_rows_carry_the_creation_time() {
    let (code, out, err) = run(kds()
        .args([
            "pod",
            "log-collector",
            "-n",
            "daemonset-demo",
            "--node",
            "minikube-m04",
            "-o",
            "json",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["nodes"][0]["creationTimestamp"], "2026-11-28T09:30:00Z");
    assert_eq!(doc["nodes"][0]["age"], "30m");
}

// ---- item 15: readiness gates ----

const GATE: &str = "target-health.elbv2.k8s.aws/agent-tg";

fn gated_pod(gate_status: Option<&str>) -> Value {
    let mut pod = ds_pod("agent", "agent-1", "n1", "h1");
    pod["spec"]["readinessGates"] = json!([{"conditionType": GATE}]);
    let mut conditions = vec![
        json!({"type": "PodScheduled", "status": "True"}),
        json!({"type": "Initialized", "status": "True"}),
        json!({"type": "ContainersReady", "status": "True"}),
        json!({"type": "Ready", "status": "False", "reason": "ReadinessGatesNotReady",
               "message": format!("corresponding condition of pod readiness gate \"{GATE}\" does not exist.")}),
    ];
    if let Some(s) = gate_status {
        conditions.push(json!({"type": GATE, "status": s}));
    }
    pod["status"]["conditions"] = json!(conditions);
    pod
}

#[test]
fn an_unmet_readiness_gate_is_named_not_the_probe() {
    for (status, shown, json_status) in [
        (Some("False"), format!("{GATE}=False"), json!("False")),
        (None, format!("{GATE} (condition not set)"), Value::Null),
    ] {
        let mut items = with_revision(daemon_set("agent"));
        items.extend([node("n1"), gated_pod(status)]);
        let snap = load(items);
        let r = report_at(&snap, "agent", now());
        let [reason] = reasons(&r, "n1") else {
            panic!("one reason expected: {:?}", reasons(&r, "n1"))
        };
        assert_eq!(reason.code(), "NotReady");
        assert_eq!(
            reason.message,
            format!("the containers are ready but the readiness gate is not: {shown}")
        );
        let hint = reason.hint.as_deref().unwrap();
        assert!(!hint.contains("readiness probe"), "{hint}");
        assert!(hint.contains(GATE), "{hint}");
        let doc = serde_json::to_value(reason).unwrap();
        assert_eq!(
            doc["readinessGates"],
            json!([{"conditionType": GATE, "status": json_status}])
        );
    }
    // A gate that is True with a container not ready: the probe is the story again.
    let mut pod = gated_pod(Some("True"));
    pod["status"]["containerStatuses"][0]["ready"] = json!(false);
    let mut items = with_revision(daemon_set("agent"));
    items.extend([node("n1"), pod]);
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert!(
        reason.message.contains("containers not ready: main"),
        "{}",
        reason.message
    );
    assert!(reason.hint.as_deref().unwrap().contains("readiness probe"));
    assert!(
        serde_json::to_value(reason)
            .unwrap()
            .get("readinessGates")
            .is_none()
    );
}

#[test]
fn readiness_gate_table() {
    let mut items = with_revision(daemon_set("agent"));
    items.extend([node("n1"), gated_pod(Some("False"))]);
    let (code, out, err) = run(kds()
        .args(["why-missing", "agent", "-n", NS, "-f", "-"])
        .write_stdin(list(items)));
    assert_eq!(code, 3, "{err}");
    assert!(out.contains(&format!("{GATE}=False")), "{out}");
    insta::assert_snapshot!("readiness_gate_not_ready", out);
}

// ---- item 16: RuntimeClass overhead ----

/// A pending pod whose request is mostly RuntimeClass overhead.
fn overhead_cluster(node_cpu: &str) -> Vec<Value> {
    let ds = template_set(
        template_set(daemon_set("agent"), "runtimeClassName", json!("kata")),
        "containers",
        json!([{"name": "main", "image": "agent:1", "resources": {"requests": {"cpu": "10m"}}}]),
    );
    let mut pod = unbound(ds_pod("agent", "agent-1", "n1", "h1"));
    pod["spec"]["runtimeClassName"] = json!("kata");
    pod["spec"]["overhead"] = json!({"cpu": "250m"});
    pod["spec"]["containers"][0]["resources"] = json!({"requests": {"cpu": "10m"}});
    let mut n = node("n1");
    n["status"]["allocatable"]["cpu"] = json!(node_cpu);
    let mut items = with_revision(ds);
    items.extend([n, pod]);
    items
}

#[test]
fn overhead_is_split_out_and_the_hint_points_at_the_runtime_class() {
    // Even an empty node is too small.
    let snap = load(overhead_cluster("200m"));
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert_eq!(reason.code(), "InsufficientResource");
    assert_eq!(
        reason.message,
        "the pod requests 260m cpu (containers 10m + overhead 250m) but the node has only 200m allocatable in total"
    );
    let hint = reason.hint.as_deref().unwrap();
    assert!(hint.contains("RuntimeClass kata"), "{hint}");
    assert!(
        !hint.contains("lower the cpu request in the DaemonSet template"),
        "{hint}"
    );
    let doc = serde_json::to_value(reason).unwrap();
    assert_eq!(doc["requested"], "260m");
    assert_eq!(
        doc["requestedParts"],
        json!({"containers": "10m", "overhead": "250m"})
    );

    // Room is taken by another pod: the holders come first, the overhead is still named.
    let mut items = overhead_cluster("1");
    items.push(other_pod("other", "hog", "n1", "900m"));
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert_eq!(
        reason.message,
        "the pod requests 260m cpu (containers 10m + overhead 250m); only 100m of 1 is free"
    );
    let hint = reason.hint.as_deref().unwrap();
    assert!(
        hint.starts_with("pods holding the most cpu: other/hog (900m)"),
        "{hint}"
    );
    assert!(
        hint.ends_with("; or RuntimeClass kata adds 250m of the 260m cpu as overhead: choose a RuntimeClass with less overhead (spec.template.spec.runtimeClassName) or lower its overhead.podFixed"),
        "{hint}"
    );
}

#[test]
fn containers_alone_keep_the_plain_message() {
    let mut tiny = node("n1");
    tiny["status"]["allocatable"]["cpu"] = json!("50m");
    let mut items = with_revision(daemon_set("agent"));
    items.extend([tiny, unbound(ds_pod("agent", "agent-1", "n1", "h1"))]);
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert_eq!(
        reason.message,
        "the pod requests 100m cpu but the node has only 50m allocatable in total"
    );
    assert_eq!(
        reason.hint.as_deref(),
        Some("lower the cpu request in the DaemonSet template, or exclude this node")
    );
    assert!(
        serde_json::to_value(reason)
            .unwrap()
            .get("requestedParts")
            .is_none()
    );
}

#[test]
fn an_init_container_that_dominates_is_named() {
    let mut pod = unbound(ds_pod("agent", "agent-1", "n1", "h1"));
    pod["spec"]["initContainers"] =
        json!([{"name": "warm-cache", "resources": {"requests": {"cpu": "3"}}}]);
    let mut items = with_revision(daemon_set("agent"));
    items.extend([node("n1"), other_pod("other", "hog", "n1", "3")]);
    items.push(pod);
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert_eq!(
        reason.message,
        "the pod requests 3 cpu (containers 100m + init containers 2900m); only 1 of 4 is free"
    );
    assert!(
        reason
            .hint
            .as_deref()
            .unwrap()
            .contains("init containers or sidecars"),
        "{:?}",
        reason.hint
    );
}

#[test]
fn overhead_table() {
    let (code, out, err) = run(kds()
        .args(["why-missing", "agent", "-n", NS, "-o", "wide", "-f", "-"])
        .write_stdin(list(overhead_cluster("200m"))));
    assert_eq!(code, 3, "{err}");
    insta::assert_snapshot!("insufficient_cpu_overhead", out);
}

// ---- item 17: the pods limit ----

#[test]
fn a_full_node_names_its_pods_in_the_singular_too() {
    let mut tiny = node("n1");
    tiny["status"]["allocatable"]["pods"] = json!("1");
    let mut items = with_revision(daemon_set("agent"));
    items.extend([
        tiny,
        other_pod("other", "web-0", "n1", "10m"),
        unbound(ds_pod("agent", "agent-1", "n1", "h1")),
    ]);
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = reasons(&r, "n1")
        .iter()
        .find(|x| x.code() == "InsufficientResource")
        .unwrap();
    assert_eq!(
        reason.message,
        "the node already runs 1 pod, its limit (allocatable pods 1)"
    );
    let doc = serde_json::to_value(reason).unwrap();
    assert_eq!(doc["resource"], "pods");
    assert_eq!(doc["holders"], json!(["other/web-0"]));
    assert!(
        reason
            .hint
            .as_deref()
            .unwrap()
            .contains("move pods off it (other/web-0)"),
        "{:?}",
        reason.hint
    );

    let mut small = node("n1");
    small["status"]["allocatable"]["pods"] = json!("4");
    let mut items = with_revision(daemon_set("agent"));
    items.push(small);
    for i in 0..4 {
        items.push(other_pod("other", &format!("web-{i}"), "n1", "10m"));
    }
    items.push(unbound(ds_pod("agent", "agent-1", "n1", "h1")));
    let snap = load(items);
    let r = report_at(&snap, "agent", now());
    let reason = &reasons(&r, "n1")[0];
    assert_eq!(
        reason.message,
        "the node already runs 4 pods, its limit (allocatable pods 4)"
    );
    assert_eq!(
        serde_json::to_value(reason).unwrap()["holders"],
        json!(["other/web-0", "other/web-1", "other/web-2", "other/web-3"])
    );
    assert!(
        reason
            .hint
            .as_deref()
            .unwrap()
            .contains("(other/web-0, other/web-1, other/web-2 and 1 more)"),
        "{:?}",
        reason.hint
    );
}

// ---- smaller ----

#[test]
fn replace_refusal_names_the_namespace() {
    let (code, _, err) = run(kds()
        .args([
            "replace",
            "log-shipper",
            "-n",
            "monitoring",
            "--all-outdated",
            "--dry-run",
            "-f",
        ])
        .arg(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/replace/cluster.yaml"),
        ));
    assert_ne!(code, 0);
    assert!(
        err.contains("`kubectl ds rollout status log-shipper -n monitoring`"),
        "{err}"
    );
}

#[test]
fn an_unknown_revision_lists_those_that_exist() {
    let (code, _, err) = run(kds()
        .args([
            "rollout",
            "history",
            "log-collector",
            "-n",
            "daemonset-demo",
            "--revision",
            "9",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: unable to find the specified revision (revisions in history: 1, 2)\n"
    );
}
