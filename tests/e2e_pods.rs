//! Tier 4: `pod` and `describe` live against the local control plane (real apiserver, DaemonSet
//! controller and scheduler; the sim-kubelet runs the pods), and the RBAC of `logs`/`exec`.
//!
//! The sim-kubelet serves no kubelet API, so log streaming and exec sessions themselves cannot
//! run here: their requests are covered by tests/pods_mock.rs; here the API server's
//! authorization of `pods/log` and `pods/exec` is checked with the read-only test user.
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-pods tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-pods tests/cluster/cluster.sh env)"
//! cargo test --test e2e_pods -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-pods tests/cluster/cluster.sh down
//! ```

mod e2e_support;

use std::process::Output;

use e2e_support::{DEFAULT_TIMEOUT, NodeOpts, TestEnv};

fn text(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Two workers running the demo's log-collector, and a tainted third node it does not tolerate.
async fn setup(name: &str) -> anyhow::Result<(TestEnv, String, String, String)> {
    let env = TestEnv::new(name).await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    let w2 = env.create_node("w2", NodeOpts::default()).await?;
    let w3 = env
        .create_node(
            "w3",
            NodeOpts::default().taint("dedicated", Some("db"), "NoSchedule"),
        )
        .await?;
    env.wait_nodes_initialized(&[w1.clone(), w2.clone(), w3.clone()], DEFAULT_TIMEOUT)
        .await?;
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    Ok((env, w1, w2, w3))
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn pod_and_describe_live() -> anyhow::Result<()> {
    let (env, w1, w2, w3) = setup("pods").await?;
    let by_node = env.pods_by_node("app=log-collector").await?;
    let on_w1 = by_node[&w1][0].metadata.name.clone().unwrap();

    let (code, out, err) =
        text(&env.kubectl_ds(None, &["pod", "log-collector", "--node", &w1, "-o", "name"])?);
    assert_eq!(
        (code, out.as_str()),
        (0, format!("pod/{on_w1}\n").as_str()),
        "{err}"
    );

    let (code, out, err) = text(&env.kubectl_ds(None, &["pod", "log-collector", "--all-nodes"])?);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("NODE "), "{out}");
    for node in [&w1, &w2] {
        let line = out
            .lines()
            .find(|l| l.starts_with(node.as_str()))
            .unwrap_or_default();
        assert!(line.contains("Running") && line.contains("1/1"), "{out}");
    }
    // The tainted node is Excluded: not listed without -o wide.
    assert!(!out.contains(w3.as_str()), "{out}");

    let (code, out, err) =
        text(&env.kubectl_ds(None, &["pod", "log-collector", "--node", &w3, "-o", "name"])?);
    assert_eq!((code, out.as_str()), (3, ""), "{err}");
    assert!(err.contains(&format!("on node {w3}: Excluded")), "{err}");
    assert!(err.contains("UntoleratedTaint"), "{err}");

    let (code, _, err) = text(&env.kubectl_ds(None, &["pod", "log-collectr", "--node", &w1])?);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean \"log-collector\""), "{err}");

    let (code, out, err) = text(&env.kubectl_ds(None, &["describe", "log-collector"])?);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("Namespace:      {}", env.ns)),
        "{out}"
    );
    assert!(
        out.contains("Desired Number of Nodes Scheduled: 2"),
        "{out}"
    );
    assert!(out.contains("Pods Status:  2 Running"), "{out}");
    assert!(out.contains("Image:  busybox:1.36"), "{out}");
    assert!(out.contains("(current)"), "{out}");

    let (code, out, err) =
        text(&env.kubectl_ds(None, &["describe", "log-collector", "--node", &w1])?);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Verdict:    Healthy"), "{out}");
    assert!(out.contains(&format!("Pod:        {on_w1}")), "{out}");
    assert!(out.contains("State:          Running"), "{out}");
    assert!(out.contains("Ready:          True"), "{out}");

    env.cleanup().await
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn logs_and_exec_are_authorized_per_subresource() -> anyhow::Result<()> {
    let (env, w1, _, _) = setup("pods-rbac").await?;
    let (code, _, err) =
        text(&env.kubectl_ds(Some("readonly"), &["logs", "log-collector", "--node", &w1])?);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot get pods/log"), "{err}");
    assert!(err.contains("kubectl-ds-reader"), "{err}");

    let (code, _, err) = text(&env.kubectl_ds(
        Some("readonly"),
        &["exec", "log-collector", "--node", &w1, "--", "true"],
    )?);
    assert_eq!(code, 1, "{err}");
    // The API server authorizes the exec WebSocket's GET as `get` on pods/exec first.
    assert!(err.contains("cannot get pods/exec"), "{err}");
    assert!(err.contains("kubectl-ds-operator"), "{err}");

    env.cleanup().await
}

/// The API server forwards our log and exec requests to the node's kubelet, which the sim does
/// not serve: the error it returns quotes the kubelet URL, so the container chosen by default and
/// the query parameters can still be checked end to end.
#[tokio::test]
#[ignore = "needs the local control plane"]
async fn logs_and_exec_reach_the_kubelet_with_our_parameters() -> anyhow::Result<()> {
    let (env, w1, _, _) = setup("pods-kubelet").await?;
    let by_node = env.pods_by_node("app=log-collector").await?;
    let pod = by_node[&w1][0].metadata.name.clone().unwrap();

    let (code, _, err) = text(&env.kubectl_ds(
        None,
        &[
            "logs",
            "log-collector",
            "--node",
            &w1,
            "--tail",
            "5",
            "--timestamps",
        ],
    )?);
    assert_eq!(code, 1, "{err}");
    let url = format!("containerLogs/{}/{pod}/collector?", env.ns);
    assert!(err.contains(&url), "{err}");
    assert!(
        err.contains("tailLines=5") && err.contains("timestamps=true"),
        "{err}"
    );

    let (code, _, err) = text(&env.kubectl_ds(
        None,
        &["exec", "log-collector", "--node", &w1, "--", "echo", "hi"],
    )?);
    assert_eq!(code, 1, "{err}");
    let url = format!("exec/{}/{pod}/collector?command=echo&command=hi", env.ns);
    assert!(err.contains(&url), "{err}");

    env.cleanup().await
}
