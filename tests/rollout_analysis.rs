//! Tier 1: the pure rollout decisions — kubectl's status table (`TestDaemonSetStatusViewerStatus`
//! and `...WithWrongUpdateStrategyType`, ported), per-node progress, history, undo planning and
//! the restart patch.

mod common;

use std::collections::BTreeMap;

use common::builders::*;
use kubectl_ds::analysis::Inventory;
use kubectl_ds::analysis::rollout::{
    NodeState, RolloutStatus, UndoError, UndoPlan, kubectl_status, owned_revisions, plan_undo,
    restart_patch, rollout_history, rollout_status, status_message,
};
use kubectl_ds::model::{DaemonSet, Snapshot};
use serde_json::{Value, json};

fn load(items: Vec<Value>) -> Snapshot {
    kubectl_ds::snapshot::load_bytes("test", &list(items))
        .unwrap()
        .snapshot
}

fn ds_with(generation: i64, strategy: &str, status: Value) -> DaemonSet {
    serde_json::from_value(json!({
        "metadata": {"name": "foo", "namespace": "bar", "uid": "8764ae47-9092-11e4-8393-42010af018ff",
                     "generation": generation},
        "spec": {"updateStrategy": {"type": strategy}},
        "status": status
    }))
    .unwrap()
}

// ---- kubectl: pkg/polymorphichelpers/rollout_status_test.go ----

#[test]
fn kubectl_daemon_set_status_viewer_cases() {
    // (name, generation, status, msg, done) exactly as kubectl's table (msg without its "\n").
    let cases = [
        (
            "test1",
            0,
            json!({"observedGeneration": 1, "updatedNumberScheduled": 0, "desiredNumberScheduled": 1, "numberAvailable": 0}),
            "Waiting for daemon set \"foo\" rollout to finish: 0 out of 1 new pods have been updated...",
            false,
        ),
        (
            "test2",
            1,
            json!({"observedGeneration": 1, "updatedNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 1}),
            "Waiting for daemon set \"foo\" rollout to finish: 1 of 2 updated pods are available...",
            false,
        ),
        (
            "test3",
            1,
            json!({"observedGeneration": 1, "updatedNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 2}),
            "daemon set \"foo\" successfully rolled out",
            true,
        ),
        (
            "test4",
            2,
            json!({"observedGeneration": 1, "updatedNumberScheduled": 2, "desiredNumberScheduled": 2, "numberAvailable": 2}),
            "Waiting for daemon set spec update to be observed...",
            false,
        ),
    ];
    for (name, generation, status, msg, done) in cases {
        let ds = ds_with(generation, "RollingUpdate", status);
        let got = kubectl_status(&ds).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.message, msg, "{name}");
        assert_eq!(got.done, done, "{name}");
    }
}

#[test]
fn kubectl_wrong_update_strategy_type() {
    let ds = ds_with(0, "OnDelete", json!({}));
    let err = kubectl_status(&ds).unwrap_err();
    assert_eq!(
        err.to_string(),
        "rollout status is only available for RollingUpdate strategy type"
    );
    // Beyond kubectl: the same decision without the gate, so OnDelete gets words too.
    let ds = ds_with(
        1,
        "OnDelete",
        json!({"observedGeneration": 1, "desiredNumberScheduled": 3, "updatedNumberScheduled": 1, "numberAvailable": 3}),
    );
    assert_eq!(
        status_message(&ds).message,
        "Waiting for daemon set \"foo\" rollout to finish: 1 out of 3 new pods have been updated..."
    );
}

#[test]
fn nothing_desired_is_rolled_out_and_missing_fields_count_as_zero() {
    let ds = ds_with(1, "RollingUpdate", json!({"observedGeneration": 1}));
    let s = kubectl_status(&ds).unwrap();
    assert!(s.done);
    assert_eq!(s.message, "daemon set \"foo\" successfully rolled out");
    // No observedGeneration at all: not observed yet.
    let ds = ds_with(1, "RollingUpdate", json!({"desiredNumberScheduled": 1}));
    assert_eq!(
        kubectl_status(&ds).unwrap().message,
        "Waiting for daemon set spec update to be observed..."
    );
}

// ---- per-node progress ----

/// A DaemonSet mid-rollout from `h1` (agent:1) to `h2` (agent:2) on nodes a..e.
fn mid_rollout(strategy: &str) -> (Vec<Value>, Value) {
    let v1 = daemon_set("agent");
    let mut ds = template_set(
        v1.clone(),
        "containers",
        json!([{"name": "main", "image": "agent:2", "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]),
    );
    ds["metadata"]["generation"] = json!(2);
    ds["spec"]["updateStrategy"] = json!({"type": strategy});
    ds["status"] = json!({"observedGeneration": 2, "desiredNumberScheduled": 5, "updatedNumberScheduled": 3,
                          "numberAvailable": 3, "currentNumberScheduled": 5, "numberReady": 3});
    let mut items = vec![revision_of(&v1, "h1", 1), revision_of(&ds, "h2", 2)];
    for n in ["a", "b", "c", "d", "e"] {
        items.push(node(n));
    }
    items.push(ds_pod("agent", "agent-a", "a", "h2"));
    items.push(ds_pod("agent", "agent-b", "b", "h1"));
    items.push(container_state(
        ds_pod("agent", "agent-c", "c", "h2"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"agent:2\""}}),
    ));
    items.push(container_state(
        ds_pod("agent", "agent-d", "d", "h2"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ContainerCreating"}}),
    ));
    items.push(container_state(
        ds_pod("agent", "agent-e", "e", "h1"),
        "Running",
        false,
        json!({"waiting": {"reason": "CrashLoopBackOff"}}),
    ));
    (items, ds)
}

fn status_of(items: Vec<Value>) -> RolloutStatus {
    let snap = load(items);
    let inv = Inventory::new(&snap);
    let ds = snap.daemon_set(NS, "agent").unwrap();
    rollout_status(&inv, ds, now())
}

fn states(s: &RolloutStatus) -> BTreeMap<String, (NodeState, Option<&'static str>)> {
    s.nodes
        .iter()
        .map(|n| {
            (
                n.name.clone(),
                (n.state, n.reasons.first().map(|r| r.code())),
            )
        })
        .collect()
}

#[test]
fn per_node_progress_mid_rollout() {
    let (mut items, ds) = mid_rollout("RollingUpdate");
    items.push(ds);
    let s = status_of(items);
    assert_eq!(
        s.message,
        "Waiting for daemon set \"agent\" rollout to finish: 3 out of 5 new pods have been updated..."
    );
    assert!(!s.complete);
    assert!(s.blocked, "agent:2 cannot be pulled on c");
    assert_eq!((s.desired, s.updated, s.available), (5, 3, 3));
    assert_eq!(s.daemon_set.current_revision.as_deref(), Some("h2"));
    let got = states(&s);
    assert_eq!(got["a"], (NodeState::Available, None));
    assert_eq!(got["b"], (NodeState::Waiting, Some("OldRevision")));
    assert_eq!(got["c"], (NodeState::Blocked, Some("ImagePullBackOff")));
    assert_eq!(got["d"], (NodeState::Updated, Some("ContainerCreating")));
    // An old pod crash-looping is not the new revision's fault: the rollout will replace it.
    assert_eq!(got["e"], (NodeState::Waiting, Some("CrashLoopBackOff")));
    let c = s.nodes.iter().find(|n| n.name == "c").unwrap();
    assert_eq!(c.pod.as_deref(), Some("agent-c"));
    assert_eq!(c.revision.as_deref(), Some("h2"));
    assert_eq!(s.hint, None, "RollingUpdate needs no hint");
    assert_eq!(s.outdated_nodes(), ["b"]);
}

#[test]
fn a_new_pod_crash_looping_blocks() {
    let (mut items, ds) = mid_rollout("RollingUpdate");
    items.retain(|i| i["metadata"]["name"] != "agent-c");
    items.push(container_state(
        ds_pod("agent", "agent-c", "c", "h2"),
        "Running",
        false,
        json!({"waiting": {"reason": "CrashLoopBackOff"}}),
    ));
    items.push(ds);
    let s = status_of(items);
    assert_eq!(
        states(&s)["c"],
        (NodeState::Blocked, Some("CrashLoopBackOff"))
    );
    assert!(s.blocked);
}

#[test]
fn a_failing_mount_blocks() {
    let (mut items, ds) = mid_rollout("RollingUpdate");
    items.push(event(
        "Pod",
        "agent-d",
        "FailedMount",
        "MountVolume.SetUp failed for volume \"cfg\" : configmap \"agent-cfg\" not found",
    ));
    items.push(ds);
    let s = status_of(items);
    assert_eq!(states(&s)["d"], (NodeState::Blocked, Some("MountFailed")));
}

#[test]
fn complete_rollout_is_not_blocked_and_every_node_available() {
    let ds = daemon_set("agent");
    let mut ds = ds;
    ds["status"] = json!({"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 2});
    let mut items = vec![revision_of(&ds, "h1", 1), ds];
    for n in ["a", "b"] {
        items.push(node(n));
        items.push(ds_pod("agent", &format!("agent-{n}"), n, "h1"));
    }
    // A tainted node the DaemonSet does not tolerate is not part of the rollout.
    items.push(with_taint(node("tainted"), "dedicated", "x", "NoSchedule"));
    let s = status_of(items);
    assert!(s.complete && !s.blocked);
    assert_eq!(s.message, "daemon set \"agent\" successfully rolled out");
    assert_eq!(s.nodes.len(), 2, "excluded nodes are left out");
    assert!(s.nodes.iter().all(|n| n.state == NodeState::Available));
}

#[test]
fn min_ready_seconds_keeps_a_ready_pod_updated() {
    let mut ds = daemon_set("agent");
    ds["spec"]["minReadySeconds"] = json!(7200);
    ds["status"] = json!({"observedGeneration": 1, "desiredNumberScheduled": 1, "updatedNumberScheduled": 1, "numberAvailable": 0});
    let items = vec![
        revision_of(&ds, "h1", 1),
        ds,
        node("a"),
        ds_pod("agent", "agent-a", "a", "h1"),
    ];
    let s = status_of(items);
    // Ready since EARLIER (an hour): not yet available with minReadySeconds 2h.
    assert_eq!(states(&s)["a"], (NodeState::Updated, None));
    assert_eq!(
        s.message,
        "Waiting for daemon set \"agent\" rollout to finish: 0 of 1 updated pods are available..."
    );
}

#[test]
fn on_delete_lists_outdated_nodes_and_how_to_replace_them() {
    let (mut items, ds) = mid_rollout("OnDelete");
    items.push(ds);
    let s = status_of(items);
    assert_eq!(s.strategy, "OnDelete");
    assert!(!s.complete);
    assert_eq!(
        s.message,
        "Waiting for daemon set \"agent\" rollout to finish: 3 out of 5 new pods have been updated..."
    );
    assert_eq!(s.outdated_nodes(), ["b"]);
    assert_eq!(
        s.hint.as_deref(),
        Some(
            "OnDelete: pods change only when they are deleted; 1 node still runs an older revision (b): kubectl ds replace agent -n ns --all-outdated"
        )
    );
}

#[test]
fn status_document_shape() {
    let (mut items, ds) = mid_rollout("RollingUpdate");
    items.push(ds);
    let v = serde_json::to_value(status_of(items)).unwrap();
    assert_eq!(v["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(v["kind"], "RolloutStatus");
    assert_eq!(v["daemonSet"]["name"], "agent");
    assert_eq!(v["daemonSet"]["namespace"], "ns");
    assert_eq!(v["strategy"], "RollingUpdate");
    assert_eq!(v["complete"], false);
    assert_eq!(v["desired"], 5);
    assert_eq!(v["updated"], 3);
    assert_eq!(v["available"], 3);
    let names: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(v["nodes"][2]["state"], "Blocked");
    assert_eq!(v["nodes"][2]["reasons"][0]["code"], "ImagePullBackOff");
}

// ---- history ----

fn history_cluster() -> (Vec<Value>, Value) {
    let v1 = daemon_set("agent");
    let v2 = template_set(
        v1.clone(),
        "containers",
        json!([{"name": "main", "image": "agent:2"}]),
    );
    let v3 = template_set(
        v1.clone(),
        "containers",
        json!([{"name": "main", "image": "agent:3"}, {"name": "side", "image": "sidecar:1"}]),
    );
    let mut r2 = revision_of(&v2, "h2", 2);
    r2["metadata"]["annotations"] =
        json!({"kubernetes.io/change-cause": "kubectl set image ds/agent main=agent:2"});
    r2["metadata"]["creationTimestamp"] = json!("2026-11-28T09:30:00Z");
    let mut r1 = revision_of(&v1, "h1", 1);
    r1["metadata"]["creationTimestamp"] = json!("2026-11-20T09:00:00Z");
    let mut r3 = revision_of(&v3, "h3", 3);
    r3["metadata"]["annotations"] = json!({"kubernetes.io/change-cause": ""});
    // Another DaemonSet's revision in the namespace: not this one's.
    let mut foreign = revision_of(&daemon_set("other"), "zz", 7);
    foreign["metadata"]["labels"]["app"] = json!("agent");
    // Listed out of order on purpose.
    let items = vec![
        r3,
        foreign,
        r1,
        r2,
        node("a"),
        node("b"),
        node("c"),
        ds_pod("agent", "agent-a", "a", "h2"),
        ds_pod("agent", "agent-b", "b", "h2"),
        ds_pod("agent", "agent-c", "c", "h1"),
    ];
    (items, v2)
}

#[test]
fn history_ascending_with_causes_images_pods_and_current_marker() {
    let (mut items, ds) = history_cluster();
    items.push(ds);
    let snap = load(items);
    let inv = Inventory::new(&snap);
    let ds = snap.daemon_set(NS, "agent").unwrap();
    let h = rollout_history(&inv, ds);
    assert_eq!(h.kind, "RolloutHistory");
    let numbers: Vec<i64> = h.revisions.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, [1, 2, 3], "only owned revisions, ascending");
    let r = &h.revisions;
    assert_eq!(r[0].change_cause, None);
    assert_eq!(
        r[1].change_cause.as_deref(),
        Some("kubectl set image ds/agent main=agent:2")
    );
    assert_eq!(r[2].change_cause, None, "an empty change-cause is none");
    assert_eq!(r[0].images, ["agent:1"]);
    assert_eq!(r[2].images, ["agent:3", "sidecar:1"]);
    assert_eq!(
        (r[0].pods, r[1].pods, r[2].pods),
        (1, 2, 0),
        "pods per revision hash"
    );
    let current: Vec<bool> = r.iter().map(|e| e.current).collect();
    assert_eq!(
        current,
        [false, true, false],
        "the template is revision 2's"
    );
    assert_eq!(r[1].hash, "h2");
    assert_eq!(r[1].name, "agent-h2");
    assert_eq!(r[1].created, Some("2026-11-28T09:30:00Z".parse().unwrap()));
    let v = serde_json::to_value(&h).unwrap();
    assert_eq!(v["revisions"][0]["changeCause"], Value::Null);
    assert!(v["revisions"][0].get("template").is_none());
}

#[test]
fn no_revisions_no_history() {
    let ds = daemon_set("agent");
    let snap = load(vec![ds, node("a")]);
    let inv = Inventory::new(&snap);
    let h = rollout_history(&inv, snap.daemon_set(NS, "agent").unwrap());
    assert!(h.revisions.is_empty());
}

// ---- undo ----

fn undo_setup(current: &str) -> Snapshot {
    let (mut items, v2) = history_cluster();
    let ds = match current {
        "v1" => daemon_set("agent"),
        "v2" => v2,
        _ => template_set(
            daemon_set("agent"),
            "containers",
            json!([{"name": "main", "image": "agent:3"}, {"name": "side", "image": "sidecar:1"}]),
        ),
    };
    items.push(ds);
    load(items)
}

fn plan(snap: &Snapshot, to: i64) -> Result<UndoPlan, UndoError> {
    let inv = Inventory::new(snap);
    let ds = snap.daemon_set(NS, "agent").unwrap();
    plan_undo(ds, &owned_revisions(&inv, ds), to)
}

#[test]
fn undo_defaults_to_the_second_highest_revision_and_sends_its_data() {
    let snap = undo_setup("v3");
    let UndoPlan::Rollback {
        target,
        patch,
        template,
    } = plan(&snap, 0).unwrap()
    else {
        panic!("expected a rollback");
    };
    assert_eq!(target, 2, "revisions 1,2,3: the previous is 2 by number");
    let cr = snap
        .revisions
        .iter()
        .find(|r| r.metadata.name == "agent-h2")
        .unwrap();
    assert_eq!(patch, cr.data, "the ControllerRevision's data, unchanged");
    assert_eq!(patch["spec"]["template"]["$patch"], "replace");
    assert_eq!(template["spec"]["containers"][0]["image"], "agent:2");
    assert!(template.get("$patch").is_none());
    let UndoPlan::Rollback { target, .. } = plan(&snap, 1).unwrap() else {
        panic!("expected a rollback");
    };
    assert_eq!(target, 1, "an explicit revision is taken as is");
}

#[test]
fn undo_skip_reports_the_requested_number_like_kubectl() {
    // The template is revision 2's, which is also the default target (second-highest of
    // 1,2,3): kubectl prints the requested value, 0.
    let snap = undo_setup("v2");
    assert_eq!(
        plan(&snap, 0).unwrap(),
        UndoPlan::Skip {
            requested: 0,
            target: 2
        }
    );
    assert_eq!(
        plan(&snap, 2).unwrap(),
        UndoPlan::Skip {
            requested: 2,
            target: 2
        }
    );
    assert!(matches!(
        plan(&snap, 3).unwrap(),
        UndoPlan::Rollback { target: 3, .. }
    ));
}

#[test]
fn undo_skip_compares_parsed_json_not_bytes() {
    // The live template spells creationTimestamp: null and orders keys differently.
    let (mut items, _) = history_cluster();
    let mut ds = daemon_set("agent");
    ds["spec"]["template"] = json!({
        "spec": {"containers": [{"resources": {"requests": {"memory": "64Mi", "cpu": "100m"}}, "image": "agent:1", "name": "main"}]},
        "metadata": {"creationTimestamp": null, "labels": {"app": "agent"}}
    });
    items.push(ds);
    let snap = load(items);
    assert_eq!(
        plan(&snap, 1).unwrap(),
        UndoPlan::Skip {
            requested: 1,
            target: 1
        }
    );
}

#[test]
fn undo_errors_as_kubectl() {
    let snap = undo_setup("v2");
    assert_eq!(
        plan(&snap, 9),
        Err(UndoError::RevisionNotFound(9, vec![1, 2, 3]))
    );
    assert_eq!(
        plan(&snap, 9).unwrap_err().to_string(),
        "unable to find specified revision 9 in history (revisions in history: 1, 2, 3)"
    );
    assert_eq!(
        plan(&snap, -1),
        Err(UndoError::RevisionNotFound(-1, vec![1, 2, 3]))
    );
    // One revision only: nothing to go back to.
    let ds = daemon_set("agent");
    let snap = load(vec![revision_of(&ds, "h1", 1), ds]);
    assert_eq!(plan(&snap, 0), Err(UndoError::NoLastRevision));
    assert_eq!(
        plan(&snap, 0).unwrap_err().to_string(),
        "no last revision to roll back to"
    );
    // ... but that one revision can be named.
    assert!(matches!(plan(&snap, 1), Ok(UndoPlan::Skip { .. })));
}

// ---- restart ----

#[test]
fn restart_patch_sets_the_template_annotation_to_now() {
    let now: jiff::Timestamp = "2026-11-28T10:00:00.5Z".parse().unwrap();
    assert_eq!(
        restart_patch(now),
        json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2026-11-28T10:00:00Z"
        }}}}})
    );
}
