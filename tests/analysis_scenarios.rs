//! Tier 1: the why-missing engine on small clusters, one upstream scenario per test (numbers refer
//! to Part L of the semantics reference).

mod common;

use std::collections::BTreeMap;

use common::builders::*;
use kubectl_ds::analysis::why_missing::WhyMissingReport;
use kubectl_ds::analysis::{Inventory, Verdict, node_report, why_missing};
use kubectl_ds::model::Snapshot;
use serde_json::{Value, json};

fn load(items: Vec<Value>) -> Snapshot {
    kubectl_ds::snapshot::load_bytes("test", &list(items))
        .unwrap()
        .snapshot
}

fn report(snapshot: &Snapshot, ds: &str) -> WhyMissingReport {
    let inv = Inventory::new(snapshot);
    let ds = snapshot.daemon_set(NS, ds).expect("daemonset in snapshot");
    why_missing(&inv, ds, None, now())
}

/// node → (verdict, reason codes).
fn verdicts(r: &WhyMissingReport) -> BTreeMap<String, (Verdict, Vec<&'static str>)> {
    r.nodes
        .iter()
        .map(|n| {
            (
                n.name.clone(),
                (n.verdict, n.reasons.iter().map(|x| x.code()).collect()),
            )
        })
        .collect()
}

fn verdict_of(r: &WhyMissingReport, node: &str) -> (Verdict, Vec<&'static str>) {
    verdicts(r)
        .remove(node)
        .unwrap_or_else(|| panic!("node {node} not in report"))
}

fn healthy_cluster(nodes: &[&str]) -> Vec<Value> {
    let ds = daemon_set("agent");
    let mut items = vec![revision_of(&ds, "h1", 1), ds];
    for n in nodes {
        items.push(node(n));
        items.push(ds_pod("agent", &format!("agent-{n}"), n, "h1"));
    }
    items
}

#[test]
fn every_node_healthy() {
    let snap = load(healthy_cluster(&["a", "b", "c"]));
    let r = report(&snap, "agent");
    assert_eq!(r.summary.nodes, 3);
    assert_eq!(r.summary.healthy, 3);
    assert_eq!(r.summary.problems, 0);
    assert!(!r.has_problems());
    assert_eq!(r.daemon_set.current_revision.as_deref(), Some("h1"));
    assert!(
        r.nodes
            .iter()
            .all(|n| n.reasons.is_empty() && n.pod.is_some())
    );
}

// 30: nodeSelector excludes unlabeled nodes, with the missing label and a kubectl label hint.
#[test]
fn node_selector_excludes_unlabeled_nodes() {
    let ds = template_set(
        daemon_set("agent"),
        "nodeSelector",
        json!({"color": "blue"}),
    );
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("plain"),
        with_labels(node("red"), &[("color", "red")]),
        with_labels(node("blue"), &[("color", "blue")]),
        ds_pod("agent", "agent-blue", "blue", "h1"),
    ]);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "plain"),
        (Verdict::Excluded, vec!["NodeSelectorMismatch"])
    );
    assert_eq!(verdict_of(&r, "blue"), (Verdict::Healthy, vec![]));
    let red = r.nodes.iter().find(|n| n.name == "red").unwrap();
    let v = serde_json::to_value(&red.reasons[0]).unwrap();
    assert_eq!(v["key"], "color");
    assert_eq!(v["expected"], "blue");
    assert_eq!(v["actual"], "red");
    assert_eq!(
        red.reasons[0].hint.as_deref(),
        Some("kubectl label node red color=blue --overwrite")
    );
    let plain = r.nodes.iter().find(|n| n.name == "plain").unwrap();
    assert!(serde_json::to_value(&plain.reasons[0]).unwrap()["actual"].is_null());
}

// 34: a template nodeName pins the DaemonSet to one node.
#[test]
fn template_node_name() {
    let ds = template_set(daemon_set("agent"), "nodeName", json!("b"));
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("a"),
        node("b"),
        ds_pod("agent", "agent-b", "b", "h1"),
    ]);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "a"),
        (Verdict::Excluded, vec!["NodeNameMismatch"])
    );
    assert_eq!(verdict_of(&r, "b").0, Verdict::Healthy);
}

// 36: required node affinity.
#[test]
fn required_node_affinity() {
    let ds = template_set(
        daemon_set("agent"),
        "affinity",
        json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd", "nvme"]}]}]}}}),
    );
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        with_labels(node("hdd"), &[("disk", "hdd")]),
        with_labels(node("ssd"), &[("disk", "ssd")]),
    ]);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "hdd"),
        (Verdict::Excluded, vec!["NodeAffinityMismatch"])
    );
    let hdd = r.nodes.iter().find(|n| n.name == "hdd").unwrap();
    let v = serde_json::to_value(&hdd.reasons[0]).unwrap();
    assert_eq!(v["requirement"], "disk In [ssd, nvme]");
    assert_eq!(v["actual"], "hdd");
    // ssd should run the pod but has none yet.
    assert_eq!(
        verdict_of(&r, "ssd"),
        (Verdict::Missing, vec!["NotYetObserved"])
    );
}

// 11, 13, 14, 20: NoSchedule excludes (and keeps an existing pod), NoExecute deletes.
#[test]
fn taints_exclude_or_misschedule() {
    let mut items = healthy_cluster(&["kept", "evicted"]);
    items.retain(|v| v["kind"] != "Node");
    items.push(with_taint(node("kept"), "dedicated", "gpu", "NoSchedule"));
    items.push(with_taint(node("evicted"), "dedicated", "gpu", "NoExecute"));
    items.push(with_taint(
        node("control-plane"),
        "node-role.kubernetes.io/control-plane",
        "",
        "NoSchedule",
    ));
    let snap = load(items);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "control-plane"),
        (Verdict::Excluded, vec!["UntoleratedTaint"])
    );
    assert_eq!(
        verdict_of(&r, "kept"),
        (Verdict::Misscheduled, vec!["UntoleratedTaint"])
    );
    assert_eq!(
        verdict_of(&r, "evicted"),
        (Verdict::Misscheduled, vec!["UntoleratedTaint"])
    );
    let kept = r.nodes.iter().find(|n| n.name == "kept").unwrap();
    assert!(
        kept.reasons[0]
            .message
            .contains("leaves the existing pod running")
    );
    let evicted = r.nodes.iter().find(|n| n.name == "evicted").unwrap();
    assert!(evicted.reasons[0].message.contains("deletes the pod"));
    let cp = r.nodes.iter().find(|n| n.name == "control-plane").unwrap();
    let v = serde_json::to_value(&cp.reasons[0]).unwrap();
    assert_eq!(
        v["taint"],
        json!({"key": "node-role.kubernetes.io/control-plane", "value": null, "effect": "NoSchedule"})
    );
    assert!(cp.reasons[0].hint.as_deref().unwrap().contains(
        "- key: node-role.kubernetes.io/control-plane\n  operator: Exists\n  effect: NoSchedule"
    ));
    // Misscheduled is not a "no" answer.
    assert!(!r.has_problems());
}

// 10, 15, 16, 19: cordon, not-ready, unreachable and pressure taints are tolerated automatically.
#[test]
fn automatic_tolerations() {
    let ds = daemon_set("agent");
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        with_taint(
            node("cordoned"),
            "node.kubernetes.io/unschedulable",
            "",
            "NoSchedule",
        ),
        with_taint(
            node("pressure"),
            "node.kubernetes.io/disk-pressure",
            "",
            "NoSchedule",
        ),
        not_ready(with_taint(
            node("down"),
            "node.kubernetes.io/unreachable",
            "",
            "NoExecute",
        )),
        with_taint(
            node("no-cni"),
            "node.kubernetes.io/network-unavailable",
            "",
            "NoSchedule",
        ),
    ]);
    let r = report(&snap, "agent");
    assert_eq!(verdict_of(&r, "cordoned").0, Verdict::Missing);
    assert_eq!(verdict_of(&r, "pressure").0, Verdict::Missing);
    assert_eq!(verdict_of(&r, "down").0, Verdict::Missing);
    // 18: network-unavailable is tolerated only with hostNetwork.
    assert_eq!(
        verdict_of(&r, "no-cni"),
        (Verdict::Excluded, vec!["UntoleratedTaint"])
    );
}

#[test]
fn host_network_tolerates_network_unavailable() {
    let ds = template_set(daemon_set("cni"), "hostNetwork", json!(true));
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        with_taint(
            node("no-cni"),
            "node.kubernetes.io/network-unavailable",
            "",
            "NoSchedule",
        ),
        ds_pod("cni", "cni-1", "no-cni", "h1"),
    ]);
    assert_eq!(
        verdict_of(&report(&snap, "cni"), "no-cni"),
        (Verdict::Healthy, vec![])
    );
}

// 68: a pending pod on a full node: the scheduler's words and the local computation agree.
#[test]
fn pending_for_cpu_names_the_holders() {
    let ds = daemon_set("agent");
    let mut full = node("full");
    full["status"]["allocatable"]["cpu"] = json!("1");
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        full,
        unbound(ds_pod("agent", "agent-full", "full", "h1")),
        other_pod("batch", "big", "full", "700m"),
        other_pod("batch", "small", "full", "250m"),
        event(
            "Pod",
            "agent-full",
            "FailedScheduling",
            "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.",
        ),
    ]);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "full"),
        (
            Verdict::Pending,
            vec!["InsufficientResource", "FailedScheduling"]
        )
    );
    let n = &r.nodes[0];
    let v = serde_json::to_value(&n.reasons[0]).unwrap();
    assert_eq!(v["resource"], "cpu");
    assert_eq!(v["requested"], "100m");
    assert_eq!(v["available"], "50m");
    assert_eq!(v["holders"], json!(["batch/big", "batch/small"]));
    assert!(
        n.reasons[1]
            .message
            .starts_with("scheduler: Insufficient cpu (x3"),
        "{}",
        n.reasons[1].message
    );
    assert!(r.has_problems());
}

// 69, 73: the pod count and extended resources.
#[test]
fn pending_for_pods_and_gpus() {
    let ds = template_set(
        daemon_set("gpu"),
        "containers",
        json!([{"name": "main", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]),
    );
    let mut tiny = node("tiny");
    tiny["status"]["allocatable"]["pods"] = json!("1");
    let mut pod = unbound(ds_pod("gpu", "gpu-tiny", "tiny", "h1"));
    pod["spec"]["containers"] =
        json!([{"name": "main", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]);
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        tiny,
        pod,
        other_pod("x", "occupant", "tiny", "10m"),
    ]);
    let r = report(&snap, "gpu");
    let n = &r.nodes[0];
    assert_eq!(n.verdict, Verdict::Pending);
    let resources: Vec<Value> = n
        .reasons
        .iter()
        .map(|r| serde_json::to_value(r).unwrap()["resource"].clone())
        .collect();
    assert_eq!(resources, vec![json!("pods"), json!("nvidia.com/gpu")]);
    assert!(
        n.reasons[1].message.contains("only 0 allocatable in total"),
        "{}",
        n.reasons[1].message
    );
}

// 70: a host port held by another DaemonSet's pod.
#[test]
fn pending_for_host_port() {
    let ds = template_set(
        daemon_set("exporter"),
        "containers",
        json!([{"name": "main", "ports": [{"containerPort": 9100, "hostPort": 9100}]}]),
    );
    let mut pod = unbound(ds_pod("exporter", "exporter-a", "a", "h1"));
    pod["spec"]["containers"] =
        json!([{"name": "main", "ports": [{"containerPort": 9100, "hostPort": 9100}]}]);
    let mut holder = other_pod("monitoring", "node-exporter-x", "a", "10m");
    holder["spec"]["hostNetwork"] = json!(true);
    holder["spec"]["containers"][0]["ports"] = json!([{"containerPort": 9100}]);
    let snap = load(vec![revision_of(&ds, "h1", 1), ds, node("a"), pod, holder]);
    let r = report(&snap, "exporter");
    assert_eq!(r.nodes[0].verdict, Verdict::Pending);
    let v = serde_json::to_value(&r.nodes[0].reasons[0]).unwrap();
    assert_eq!(v["code"], "HostPortConflict");
    assert_eq!(v["port"], 9100);
    assert_eq!(v["protocol"], "TCP");
    assert_eq!(v["conflictingPod"], "monitoring/node-exporter-x");
}

#[test]
fn pending_without_any_evidence_waits_for_the_scheduler() {
    let ds = daemon_set("agent");
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("a"),
        unbound(ds_pod("agent", "agent-a", "a", "h1")),
    ]);
    assert_eq!(
        verdict_of(&report(&snap, "agent"), "a"),
        (Verdict::Pending, vec!["WaitingForScheduler"])
    );
}

// J4: container states.
#[test]
fn failing_container_states() {
    let ds = daemon_set("agent");
    let pull = container_state(
        ds_pod("agent", "agent-pull", "pull", "h1"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"agent:1\""}}),
    );
    let mut crash = container_state(
        ds_pod("agent", "agent-crash", "crash", "h1"),
        "Running",
        false,
        json!({"waiting": {"reason": "CrashLoopBackOff"}}),
    );
    crash["status"]["containerStatuses"][0]["restartCount"] = json!(7);
    crash["status"]["containerStatuses"][0]["lastState"] =
        json!({"terminated": {"exitCode": 137, "reason": "OOMKilled"}});
    let config = container_state(
        ds_pod("agent", "agent-config", "config", "h1"),
        "Pending",
        false,
        json!({"waiting": {"reason": "CreateContainerConfigError", "message": "configmap \"agent-conf\" not found"}}),
    );
    let mount = container_state(
        ds_pod("agent", "agent-mount", "mount", "h1"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ContainerCreating"}}),
    );
    let unready = container_state(
        ds_pod("agent", "agent-unready", "unready", "h1"),
        "Running",
        false,
        json!({"running": {}}),
    );
    let mut items = vec![
        revision_of(&ds, "h1", 1),
        ds,
        pull,
        crash,
        config,
        mount,
        unready,
    ];
    for n in ["pull", "crash", "config", "mount", "unready"] {
        items.push(node(n));
    }
    items.push(event(
        "Pod",
        "agent-mount",
        "FailedMount",
        "MountVolume.SetUp failed for volume \"host\" : hostPath type check failed: /var/lib/foo is not a directory",
    ));
    items.push(event(
        "Pod",
        "agent-unready",
        "Unhealthy",
        "Readiness probe failed: HTTP probe failed with statuscode: 503",
    ));
    let r = report(&load(items), "agent");
    assert_eq!(
        verdict_of(&r, "pull"),
        (Verdict::Failing, vec!["ImagePullBackOff"])
    );
    assert_eq!(
        verdict_of(&r, "crash"),
        (Verdict::Failing, vec!["CrashLoopBackOff"])
    );
    assert_eq!(
        verdict_of(&r, "config"),
        (Verdict::Failing, vec!["CreateContainerConfigError"])
    );
    assert_eq!(
        verdict_of(&r, "mount"),
        (Verdict::Failing, vec!["MountFailed"])
    );
    assert_eq!(
        verdict_of(&r, "unready"),
        (Verdict::Failing, vec!["NotReady"])
    );
    let crash = r.nodes.iter().find(|n| n.name == "crash").unwrap();
    let v = serde_json::to_value(&crash.reasons[0]).unwrap();
    assert_eq!(
        (
            v["restartCount"].clone(),
            v["lastExitCode"].clone(),
            v["lastReason"].clone()
        ),
        (json!(7), json!(137), json!("OOMKilled"))
    );
    assert_eq!(
        crash.reasons[0].hint.as_deref(),
        Some("kubectl logs -n ns agent-crash -c main --previous")
    );
    let unready = r.nodes.iter().find(|n| n.name == "unready").unwrap();
    assert!(
        unready.reasons[0]
            .message
            .contains("Readiness probe failed")
    );
}

// J1–J3, 76: a failed pod (evicted) and a NotReady node.
#[test]
fn failed_pod_and_node_not_ready() {
    let ds = daemon_set("agent");
    let mut evicted = ds_pod("agent", "agent-ev", "ev", "h1");
    evicted["status"] = json!({"phase": "Failed", "reason": "Evicted", "message": "The node had condition: [DiskPressure]. "});
    let down = container_state(
        ds_pod("agent", "agent-down", "down", "h1"),
        "Running",
        false,
        json!({"running": {}}),
    );
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("ev"),
        evicted,
        not_ready(node("down")),
        down,
    ]);
    let r = report(&snap, "agent");
    assert_eq!(verdict_of(&r, "ev"), (Verdict::Failing, vec!["PodFailed"]));
    let ev = r.nodes.iter().find(|n| n.name == "ev").unwrap();
    assert!(
        ev.reasons[0].message.contains("Evicted"),
        "{}",
        ev.reasons[0].message
    );
    assert_eq!(
        verdict_of(&r, "down"),
        (Verdict::Failing, vec!["NodeNotReady", "NotReady"])
    );
}

// 42, 79: a terminating pod blocks its replacement; B3: a terminal+deleted pod is invisible.
#[test]
fn terminating_and_deleted_pods() {
    let ds = daemon_set("agent");
    let mut stuck = ds_pod("agent", "agent-stuck", "stuck", "h1");
    stuck["metadata"]["deletionTimestamp"] = json!("2026-11-28T09:30:00Z");
    let mut gone = ds_pod("agent", "agent-gone", "gone", "h1");
    gone["metadata"]["deletionTimestamp"] = json!("2026-11-28T09:30:00Z");
    gone["status"]["phase"] = json!("Failed");
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("stuck"),
        stuck,
        node("gone"),
        gone,
    ]);
    let r = report(&snap, "agent");
    assert_eq!(
        verdict_of(&r, "stuck"),
        (Verdict::Failing, vec!["Terminating"])
    );
    assert_eq!(
        verdict_of(&r, "gone"),
        (Verdict::Missing, vec!["NotYetObserved"])
    );
}

// 29, D3: duplicates — the controller keeps the oldest bound pod.
#[test]
fn duplicate_pods() {
    let ds = daemon_set("agent");
    let older = ds_pod("agent", "agent-older", "a", "h1");
    let mut newer = ds_pod("agent", "agent-newer", "a", "h1");
    newer["metadata"]["creationTimestamp"] = json!("2026-11-28T09:50:00Z");
    let r = report(
        &load(vec![revision_of(&ds, "h1", 1), ds, node("a"), newer, older]),
        "agent",
    );
    assert_eq!(
        verdict_of(&r, "a"),
        (Verdict::Failing, vec!["DuplicatePods"])
    );
    assert_eq!(r.nodes[0].pod.as_deref(), Some("agent-older"));
    let v = serde_json::to_value(&r.nodes[0].reasons[0]).unwrap();
    assert_eq!(v["kept"], "ns/agent-older");
}

// B1: pods of other controllers are ignored even when labels match; orphans are adopted.
#[test]
fn ownership() {
    let ds = daemon_set("agent");
    let mut foreign = ds_pod("agent", "impostor", "a", "h1");
    foreign["metadata"]["ownerReferences"][0]["uid"] = json!("uid-someone-else");
    let mut orphan = ds_pod("agent", "orphan", "b", "h1");
    orphan["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("ownerReferences");
    let r = report(
        &load(vec![
            revision_of(&ds, "h1", 1),
            ds,
            node("a"),
            node("b"),
            foreign,
            orphan,
        ]),
        "agent",
    );
    assert_eq!(verdict_of(&r, "a").0, Verdict::Missing);
    assert_eq!(verdict_of(&r, "b").0, Verdict::Healthy);
}

// 55: OnDelete with a new template: old pods are Outdated, with the replace command.
#[test]
fn on_delete_outdated() {
    let old = daemon_set("cni");
    let mut ds = template_set(
        daemon_set("cni"),
        "containers",
        json!([{"name": "main", "image": "agent:2"}]),
    );
    ds["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    let snap = load(vec![
        revision_of(&old, "h1", 1),
        revision_of(&ds, "h2", 2),
        ds,
        node("a"),
        node("b"),
        ds_pod("cni", "cni-a", "a", "h1"),
        ds_pod("cni", "cni-b", "b", "h2"),
    ]);
    let r = report(&snap, "cni");
    assert_eq!(r.daemon_set.current_revision.as_deref(), Some("h2"));
    assert_eq!(r.daemon_set.update_strategy, "OnDelete");
    assert_eq!(
        verdict_of(&r, "a"),
        (Verdict::Outdated, vec!["OldRevision"])
    );
    assert_eq!(verdict_of(&r, "b"), (Verdict::Healthy, vec![]));
    let a = &r.nodes[0];
    let v = serde_json::to_value(&a.reasons[0]).unwrap();
    assert_eq!(
        (v["podRevision"].clone(), v["currentRevision"].clone()),
        (json!("h1"), json!("h2"))
    );
    assert_eq!(
        a.reasons[0].hint.as_deref(),
        Some("OnDelete: the pod changes only when deleted; kubectl ds replace cni -n ns --node a")
    );
    assert!(!r.has_problems());
}

// 47: with surge, an old Ready pod beside a new unready one is a rollout step judged by the new pod.
#[test]
fn surge_pair_is_judged_by_the_new_pod() {
    let old = daemon_set("agent");
    let ds = template_set(
        daemon_set("agent"),
        "containers",
        json!([{"name": "main", "image": "agent:2"}]),
    );
    let new_pod = container_state(
        ds_pod("agent", "agent-new", "a", "h2"),
        "Running",
        false,
        json!({"running": {}}),
    );
    let snap = load(vec![
        revision_of(&old, "h1", 1),
        revision_of(&ds, "h2", 2),
        ds,
        node("a"),
        ds_pod("agent", "agent-old", "a", "h1"),
        new_pod,
    ]);
    let r = report(&snap, "agent");
    assert_eq!(verdict_of(&r, "a"), (Verdict::Failing, vec!["NotReady"]));
    assert_eq!(r.nodes[0].pod.as_deref(), Some("agent-new"));
}

// 28: the empty selector.
#[test]
fn empty_selector() {
    let mut ds = daemon_set("agent");
    ds["spec"]["selector"] = json!({});
    let r = report(&load(vec![ds, node("a")]), "agent");
    assert_eq!(
        verdict_of(&r, "a"),
        (Verdict::Missing, vec!["SelectorSelectsAll"])
    );
    assert!(r.warnings.iter().any(|w| w.contains("selector is empty")));
}

// 78: FailedCreate (PodSecurity) quoted, with a paste-able hint.
#[test]
fn failed_create_is_quoted() {
    let ds = template_set(daemon_set("cni"), "hostNetwork", json!(true));
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("a"),
        event(
            "DaemonSet",
            "cni",
            "FailedCreate",
            "Error creating: pods \"cni-x2\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)",
        ),
    ]);
    let r = report(&snap, "cni");
    assert_eq!(
        verdict_of(&r, "a"),
        (Verdict::Missing, vec!["FailedCreate"])
    );
    let reason = &r.nodes[0].reasons[0];
    assert!(reason.message.contains("violates PodSecurity"));
    assert!(
        reason
            .hint
            .as_deref()
            .unwrap()
            .contains("kubectl label namespace ns pod-security.kubernetes.io/enforce=privileged")
    );
    let v = serde_json::to_value(reason).unwrap();
    assert_eq!(v["event"]["reason"], "FailedCreate");
    assert_eq!(v["event"]["count"], 3);
}

// D4: a failed pod being backed off.
#[test]
fn failed_pod_backoff() {
    let ds = daemon_set("agent");
    let snap = load(vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("a"),
        event(
            "DaemonSet",
            "agent",
            "FailedDaemonPod",
            "Found failed daemon pod ns/agent-x on node a, will try to kill it",
        ),
    ]);
    assert_eq!(
        verdict_of(&report(&snap, "agent"), "a"),
        (Verdict::Missing, vec!["FailedPodBackoff"])
    );
}

// 80: pods on deleted nodes are not counted but are mentioned.
#[test]
fn pods_on_deleted_nodes_are_warned_about() {
    let mut items = healthy_cluster(&["a"]);
    items.push(ds_pod("agent", "agent-ghost", "ghost", "h1"));
    let r = report(&load(items), "agent");
    assert_eq!(r.summary.nodes, 1);
    assert!(r.warnings.iter().any(|w| w.contains("not in the cluster")));
}

#[test]
fn unknown_revision_is_a_warning_not_a_guess() {
    let mut items = healthy_cluster(&["a", "b"]);
    items.retain(|v| v["kind"] != "ControllerRevision");
    items.push(ds_pod("agent", "agent-b2", "b", "h9"));
    let r = report(&load(items), "agent");
    assert_eq!(r.daemon_set.current_revision, None);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("no ControllerRevisions"))
    );
}

// The reverse question: which DaemonSets should run on this node and don't?
#[test]
fn node_report_judges_every_daemon_set() {
    let agent = daemon_set("agent");
    let picky = template_set(daemon_set("picky"), "nodeSelector", json!({"gpu": "true"}));
    let logs = daemon_set("logs");
    let snap = load(vec![
        revision_of(&agent, "h1", 1),
        revision_of(&picky, "p1", 1),
        revision_of(&logs, "l1", 1),
        agent,
        picky,
        logs,
        node("w1"),
        ds_pod("agent", "agent-w1", "w1", "h1"),
    ]);
    let inv = Inventory::new(&snap);
    let all: Vec<_> = snap.daemon_sets.iter().collect();
    let r = node_report(&inv, &all, snap.node("w1").unwrap(), now());
    let got: Vec<(&str, Verdict)> = r
        .daemon_sets
        .iter()
        .map(|d| (d.name.as_str(), d.verdict))
        .collect();
    assert_eq!(
        got,
        vec![
            ("agent", Verdict::Healthy),
            ("logs", Verdict::Missing),
            ("picky", Verdict::Excluded)
        ]
    );
    assert!(r.has_problems());
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["kind"], "NodeReport");
    assert_eq!(v["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(v["node"], "w1");
}

// The seed's demo, shipped in tests/fixtures/demo.
#[test]
fn seed_demo() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/demo/cluster.yaml"
    ))
    .unwrap();
    let snap = kubectl_ds::snapshot::load_bytes("cluster.yaml", &bytes)
        .unwrap()
        .snapshot;
    let inv = Inventory::new(&snap);
    let ds = snap.daemon_set("daemonset-demo", "node-monitor").unwrap();
    let r = why_missing(&inv, ds, None, now());
    let v = verdicts(&r);
    assert_eq!(v["minikube"], (Verdict::Healthy, vec![]));
    // An unreachable node gets unreachable:NoSchedule too, which DaemonSet pods do not tolerate:
    // the controller keeps the pod but stops counting the node as desired.
    assert_eq!(
        v["minikube-m05"],
        (
            Verdict::Misscheduled,
            vec!["UntoleratedTaint", "NodeNotReady"]
        )
    );
    assert_eq!(v["minikube-m06"], (Verdict::Missing, vec!["FailedCreate"]));
    let ds = snap.daemon_set("daemonset-demo", "log-collector").unwrap();
    let r = why_missing(&inv, ds, None, now());
    let v = verdicts(&r);
    assert_eq!(v["minikube"], (Verdict::Excluded, vec!["UntoleratedTaint"]));
    assert_eq!(v["minikube-m02"], (Verdict::Outdated, vec!["OldRevision"]));
    assert_eq!(
        v["minikube-m03"],
        (Verdict::Failing, vec!["ImagePullBackOff"])
    );
    assert_eq!(
        v["minikube-m04"],
        (
            Verdict::Pending,
            vec!["InsufficientResource", "FailedScheduling"]
        )
    );
    assert_eq!(
        v["minikube-m05"],
        (
            Verdict::Misscheduled,
            vec!["UntoleratedTaint", "NodeNotReady"]
        )
    );
    assert_eq!(v["minikube-m06"], (Verdict::Missing, vec!["FailedCreate"]));
    assert_eq!(r.daemon_set.current_revision.as_deref(), Some("7c4b8f9d2"));
    assert_eq!(r.summary.excluded, 1);
    assert_eq!(r.summary.problems, 5);
}

// The controller re-checks after some node changes only at its next sync: say when its counts lag.
#[test]
fn status_lag_is_reported() {
    let mut items = healthy_cluster(&["a", "b", "c"]);
    for item in &mut items {
        if item["kind"] == "DaemonSet" {
            item["status"]["desiredNumberScheduled"] = json!(3);
        }
    }
    let r = report(&load(items.clone()), "agent");
    assert!(
        !r.warnings.iter().any(|w| w.contains("lags behind")),
        "{:?}",
        r.warnings
    );
    for item in &mut items {
        if item["kind"] == "Node" && item["metadata"]["name"] == "c" {
            *item = with_taint(item.clone(), "dedicated", "x", "NoSchedule");
        }
    }
    let r = report(&load(items), "agent");
    let lag: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| w.contains("lags behind"))
        .collect();
    assert_eq!(lag.len(), 1, "{:?}", r.warnings);
    assert!(
        lag[0].contains(
            "(desired 3, misscheduled 0) lags behind the nodes (desired 2, misscheduled 1)"
        ),
        "{}",
        lag[0]
    );
}
