//! Tier 4: `exec -i -t` on a pseudo-terminal against the local control plane, next to
//! `kubectl exec -i -t` on the same pod. The sim-kubelet serves no kubelet API, so the API server
//! answers the upgrade with an error that quotes the kubelet URL it built from our request: both
//! tools must make the same one (`-i -t`: a TTY, stdin and stdout, no stderr; `-t` alone: no
//! TTY), and our terminal settings must be back after the failed session. The pty comes from tests/exec_tty/driver.py.
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-exec tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-exec tests/cluster/cluster.sh env)"
//! cargo test --test e2e_exec_tty -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-exec tests/cluster/cluster.sh down
//! ```

#![cfg(unix)]

mod e2e_support;

use std::process::Command;

use e2e_support::{DEFAULT_TIMEOUT, NodeOpts, TestEnv, kubeconfig_path, kubectl_bin};
use serde_json::Value;

/// Runs `args` under a pty; the driver's JSON report (before, after, code, output).
fn on_a_pty(args: &[String]) -> anyhow::Result<Value> {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/exec_tty/driver.py");
    let out = Command::new("python3")
        .arg(driver)
        .arg("run")
        .args(args)
        .env("NO_COLOR", "1")
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The kubelet exec URL's query quoted in an error, e.g. `command=sh&input=1&output=1&tty=1`.
fn kubelet_query(output: &str, ns: &str, pod: &str) -> Option<String> {
    let marker = format!("exec/{ns}/{pod}/collector?");
    let at = output.find(&marker)? + marker.len();
    let rest = &output[at..];
    let end = rest
        .find(|c: char| c == '"' || c == ':' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn exec_it_asks_the_kubelet_for_what_kubectl_asks_and_restores_the_terminal()
-> anyhow::Result<()> {
    let env = TestEnv::new("exec-tty").await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    env.wait_nodes_initialized(std::slice::from_ref(&w1), DEFAULT_TIMEOUT)
        .await?;
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;
    env.wait_ds_ready("log-collector", 1, DEFAULT_TIMEOUT)
        .await?;
    let pod = env.pods_by_node("app=log-collector").await?[&w1][0]
        .metadata
        .name
        .clone()
        .unwrap();
    let kubeconfig = kubeconfig_path()?.display().to_string();

    let ours = on_a_pty(
        &[
            env!("CARGO_BIN_EXE_kubectl-ds"),
            "--kubeconfig",
            &kubeconfig,
            "-n",
            &env.ns,
            "exec",
            "log-collector",
            "--node",
            &w1,
            "-i",
            "-t",
            "--",
            "sh",
        ]
        .map(str::to_owned),
    )?;
    let kubectl = on_a_pty(&[
        kubectl_bin().display().to_string(),
        format!("--kubeconfig={kubeconfig}"),
        format!("--namespace={}", env.ns),
        "exec".into(),
        "-i".into(),
        "-t".into(),
        pod.clone(),
        "-c".into(),
        "collector".into(),
        "--".into(),
        "sh".into(),
    ])?;

    let out = ours["output"].as_str().unwrap_or_default();
    assert_eq!(ours["code"], 1, "{ours}");
    assert_eq!(ours["after"]["all"], ours["before"]["all"], "{ours}");
    let our_query = kubelet_query(out, &env.ns, &pod);
    let kubectl_query = kubelet_query(
        kubectl["output"].as_str().unwrap_or_default(),
        &env.ns,
        &pod,
    );
    assert!(our_query.is_some(), "no kubelet URL in: {out}");
    assert_eq!(our_query, kubectl_query, "ours: {ours}\nkubectl: {kubectl}");
    let query = our_query.unwrap_or_default();
    assert!(
        query.contains("tty=1") && query.contains("input=1") && !query.contains("error=1"),
        "{query}"
    );

    // -t without -i: kubectl drops the TTY without a word, and so do we.
    let ours = on_a_pty(
        &[
            env!("CARGO_BIN_EXE_kubectl-ds"),
            "--kubeconfig",
            &kubeconfig,
            "-n",
            &env.ns,
            "exec",
            "log-collector",
            "--node",
            &w1,
            "-t",
            "--",
            "sh",
        ]
        .map(str::to_owned),
    )?;
    let kubectl = on_a_pty(&[
        kubectl_bin().display().to_string(),
        format!("--kubeconfig={kubeconfig}"),
        format!("--namespace={}", env.ns),
        "exec".into(),
        "-t".into(),
        pod.clone(),
        "-c".into(),
        "collector".into(),
        "--".into(),
        "sh".into(),
    ])?;
    let out = ours["output"].as_str().unwrap_or_default();
    let our_query = kubelet_query(out, &env.ns, &pod);
    assert!(our_query.is_some(), "no kubelet URL in: {out}");
    assert_eq!(
        our_query,
        kubelet_query(
            kubectl["output"].as_str().unwrap_or_default(),
            &env.ns,
            &pod
        ),
        "ours: {ours}\nkubectl: {kubectl}"
    );
    assert!(!our_query.unwrap_or_default().contains("tty=1"), "{ours}");
    assert!(!out.contains("Unable to use a TTY"), "{out}");

    env.cleanup().await
}
