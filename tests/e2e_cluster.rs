//! End-to-end tests against the local control plane (real etcd, kube-apiserver,
//! kube-controller-manager, kube-scheduler v1.37 + the sim-kubelet).
//!
//! They are `#[ignore]`d so that a plain `cargo test` needs no cluster. Run them with
//! `tests/run-all.sh`, or by hand:
//!
//! ```sh
//! tests/cluster/cluster.sh up && eval "$(tests/cluster/cluster.sh env)"
//! cargo test --test e2e_cluster -- --ignored
//! tests/cluster/cluster.sh down
//! ```
//!
//! These tests check the harness itself (the DaemonSet controller, scheduler and sim-kubelet
//! produce the states kubectl-ds must explain); the plugin's own assertions live beside them.

mod e2e_support;

use std::time::Duration;

use e2e_support::{BEHAVIOR_ANNOTATION, DEFAULT_TIMEOUT, NODE_READY_LABEL, NodeOpts, TestEnv};
use kube::ResourceExt;
use kube::api::{ListParams, Patch, PatchParams};
use serde_json::json;

/// The seed demo: a tainted control-plane node plus two workers. node-monitor tolerates the
/// control-plane taint (3 pods), log-collector does not (2 pods).
#[tokio::test]
#[ignore = "needs the local control plane"]
async fn seed_demo_daemonsets_become_ready() -> anyhow::Result<()> {
    let env = TestEnv::new("seed-demo").await?;
    let cp = env
        .create_node("cp", NodeOpts::default().control_plane())
        .await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    let w2 = env.create_node("w2", NodeOpts::default()).await?;
    env.wait_nodes_initialized(&[cp.clone(), w1.clone(), w2.clone()], DEFAULT_TIMEOUT)
        .await?;

    // the sim-kubelet must have left the node Ready and without the not-ready taint
    let node = env.node_api().get(&w1).await?;
    let taints = node.spec.and_then(|s| s.taints).unwrap_or_default();
    assert!(
        taints
            .iter()
            .all(|t| !t.key.starts_with("node.kubernetes.io/")),
        "unexpected taints {taints:?}"
    );

    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;

    let nm = env
        .wait_ds_ready("node-monitor", 3, DEFAULT_TIMEOUT)
        .await?;
    assert_eq!(nm.desired_number_scheduled, 3);
    assert_eq!(nm.number_ready, 3);

    let lc = env
        .wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    assert_eq!(lc.desired_number_scheduled, 2);
    assert_eq!(lc.number_ready, 2);

    let by_node = env.pods_by_node("app=node-monitor").await?;
    assert_eq!(by_node.keys().cloned().collect::<Vec<_>>(), {
        let mut v = vec![cp.clone(), w1.clone(), w2.clone()];
        v.sort();
        v
    });
    let by_node = env.pods_by_node("app=log-collector").await?;
    assert!(
        !by_node.contains_key(&cp),
        "log-collector must not run on the tainted control plane"
    );
    assert_eq!(by_node.len(), 2);
    for pods in by_node.values() {
        assert_eq!(pods.len(), 1);
        let st = pods[0].status.clone().unwrap_or_default();
        assert_eq!(st.phase.as_deref(), Some("Running"));
        let cs = &st.container_statuses.unwrap_or_default()[0];
        assert!(cs.ready && cs.started == Some(true));
        assert!(
            cs.container_id
                .as_deref()
                .unwrap_or("")
                .starts_with("containerd://")
        );
        assert!(st.pod_ip.is_some() && st.host_ip.is_some());
    }
    env.cleanup().await?;
    Ok(())
}

/// A rollout to an image that cannot be pulled stalls with ImagePullBackOff on one node
/// (maxUnavailable 1) while the other node keeps the old, Ready pod.
#[tokio::test]
#[ignore = "needs the local control plane"]
async fn sim_bad_image_rollout_stalls() -> anyhow::Result<()> {
    let env = TestEnv::new("bad-rollout").await?;
    env.create_node("w1", NodeOpts::default()).await?;
    env.create_node("w2", NodeOpts::default()).await?;
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;

    env.daemonsets()
        .patch(
            "log-collector",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
                {"name": "collector", "image": "busybox:bad"}
            ]}}}})),
        )
        .await?;
    let st = env
        .wait_ds(
            "log-collector",
            DEFAULT_TIMEOUT,
            "one updated pod, not ready",
            |s| {
                s.updated_number_scheduled == Some(1)
                    && s.number_ready == 1
                    && s.number_unavailable == Some(1)
            },
        )
        .await?;
    assert_eq!(st.desired_number_scheduled, 2);

    // give the controller a moment: the rollout must stay stuck
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pods = env
        .pods()
        .list(&ListParams::default().labels("app=log-collector"))
        .await?;
    let waiting: Vec<String> = pods
        .items
        .iter()
        .filter_map(|p| {
            let cs = p
                .status
                .as_ref()?
                .container_statuses
                .as_ref()?
                .first()?
                .clone();
            cs.state?.waiting?.reason
        })
        .collect();
    assert_eq!(
        waiting,
        vec!["ImagePullBackOff".to_string()],
        "pods: {}",
        env.dump().await
    );
    env.cleanup().await?;
    Ok(())
}

/// The sim knobs: crash-loop annotation, not-ready annotation, and a NotReady node.
#[tokio::test]
#[ignore = "needs the local control plane"]
async fn sim_knobs_crash_loop_not_ready_and_node_not_ready() -> anyhow::Result<()> {
    let env = TestEnv::new("knobs").await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    let bad = env
        .create_node("bad", NodeOpts::default().not_ready())
        .await?;
    env.wait_nodes_initialized(&[w1.clone(), bad.clone()], DEFAULT_TIMEOUT)
        .await?;

    // NotReady node: Ready=False and tainted not-ready (NoSchedule + NoExecute)
    let node = env.node_api().get(&bad).await?;
    let ready = node
        .status
        .as_ref()
        .unwrap()
        .conditions
        .as_ref()
        .unwrap()
        .iter()
        .find(|c| c.type_ == "Ready")
        .unwrap()
        .clone();
    assert_eq!(ready.status, "False");
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let mut keys: Vec<String> = taints
        .iter()
        .map(|t| format!("{}:{}", t.key, t.effect))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "node.kubernetes.io/not-ready:NoExecute",
            "node.kubernetes.io/not-ready:NoSchedule"
        ]
    );

    for (name, behavior) in [("crasher", "crash-loop"), ("unready", "not-ready")] {
        let mut ds = json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name},
            "spec": {
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}, "annotations": {BEHAVIOR_ANNOTATION: behavior}},
                    "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}]}
                }
            }
        });
        env.isolate(&mut ds);
        env.apply_value(&ds).await?;
    }
    // one eligible node (the NotReady one has an untolerated not-ready:NoSchedule taint)
    for name in ["crasher", "unready"] {
        env.wait_ds(name, DEFAULT_TIMEOUT, "1 scheduled, 0 ready", |s| {
            s.desired_number_scheduled == 1
                && s.current_number_scheduled == 1
                && s.number_ready == 0
        })
        .await?;
    }
    let deadline = std::time::Instant::now() + DEFAULT_TIMEOUT;
    loop {
        let crash = env
            .pods()
            .list(&ListParams::default().labels("app=crasher"))
            .await?;
        let unready = env
            .pods()
            .list(&ListParams::default().labels("app=unready"))
            .await?;
        let c = crash
            .items
            .first()
            .and_then(|p| p.status.clone())
            .and_then(|s| s.container_statuses)
            .and_then(|v| v.first().cloned());
        let u = unready
            .items
            .first()
            .and_then(|p| p.status.clone())
            .and_then(|s| s.container_statuses)
            .and_then(|v| v.first().cloned());
        if let (Some(c), Some(u)) = (c, u) {
            assert_eq!(
                c.state
                    .as_ref()
                    .unwrap()
                    .waiting
                    .as_ref()
                    .unwrap()
                    .reason
                    .as_deref(),
                Some("CrashLoopBackOff")
            );
            assert!(c.restart_count > 0);
            let last = c.last_state.as_ref().unwrap().terminated.as_ref().unwrap();
            assert_eq!((last.exit_code, last.reason.as_deref()), (1, Some("Error")));
            assert!(u.state.as_ref().unwrap().running.is_some());
            assert!(!u.ready && u.started == Some(true));
            assert_eq!(
                crash.items[0].spec.as_ref().unwrap().node_name.as_deref(),
                Some(w1.as_str())
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no container statuses: {}",
            env.dump().await
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    // flipping the node label makes it Ready and removes the taints
    env.node_api()
        .patch(
            &bad,
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {NODE_READY_LABEL: "true"}}})),
        )
        .await?;
    env.wait_ds(
        "crasher",
        DEFAULT_TIMEOUT,
        "2 scheduled after the node became Ready",
        |s| s.desired_number_scheduled == 2 && s.current_number_scheduled == 2,
    )
    .await?;
    let node = env.node_api().get(&bad).await?;
    assert!(
        node.spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default()
            .is_empty(),
        "{}",
        node.name_any()
    );
    env.cleanup().await?;
    Ok(())
}

/// The static test users: readonly can read but not write, nobody can do nothing.
#[tokio::test]
#[ignore = "needs the local control plane"]
async fn rbac_test_users() -> anyhow::Result<()> {
    use k8s_openapi::api::core::v1::{Node, Pod};
    use kube::Api;
    let env = TestEnv::new("rbac").await?;
    let ro = e2e_support::user_client("readonly").await?;
    let nodes: Api<Node> = Api::all(ro.clone());
    nodes.list(&ListParams::default().limit(1)).await?;
    let pods: Api<Pod> = Api::namespaced(ro, &env.ns);
    let err = pods
        .delete("does-not-matter", &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 403),
        "{err}"
    );
    let nobody = e2e_support::user_client("nobody").await?;
    let err = Api::<Node>::all(nobody)
        .list(&ListParams::default().limit(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 403),
        "{err}"
    );
    let op = e2e_support::user_client("operator").await?;
    let err = Api::<Pod>::namespaced(op, &env.ns)
        .delete("does-not-exist", &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, kube::Error::Api(ref s) if s.code == 404),
        "operator may delete pods: {err}"
    );
    env.cleanup().await?;
    Ok(())
}
