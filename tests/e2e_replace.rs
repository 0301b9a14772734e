//! Tier 4: `kubectl ds replace` against the local control plane (real DaemonSet controller,
//! scheduler and the sim-kubelet). `#[ignore]`d; run with
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-replace tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-replace tests/cluster/cluster.sh env)"
//! cargo test --test e2e_replace -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-replace tests/cluster/cluster.sh down
//! ```

mod e2e_support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use e2e_support::{TestEnv, serving};
use kube::api::ListParams;
use serde_json::{Value, json};

const NAME: &str = "agent";

/// node → (pod uid, revision hash, ready and not terminating) of the DaemonSet's pods.
async fn pods_by_node(env: &TestEnv) -> Result<BTreeMap<String, Vec<(String, String, bool)>>> {
    let list = env
        .pods()
        .list(&ListParams::default().labels(&format!("app={NAME}")))
        .await?;
    let mut out: BTreeMap<String, Vec<(String, String, bool)>> = BTreeMap::new();
    for p in list.items {
        let node = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        let uid = p.metadata.uid.clone().unwrap_or_default();
        let hash = p
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("controller-revision-hash").cloned())
            .unwrap_or_default();
        out.entry(node).or_default().push((uid, hash, serving(&p)));
    }
    Ok(out)
}

/// Waits for the child (bounded), returning (exit code, stdout, stderr).
fn finish(mut child: Child, limit: Duration) -> Result<(i32, String, String)> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let mut out = String::new();
            let mut err = String::new();
            if let Some(mut s) = child.stdout.take() {
                s.read_to_string(&mut out)?;
            }
            if let Some(mut s) = child.stderr.take() {
                s.read_to_string(&mut err)?;
            }
            return Ok((status.code().unwrap_or(-1), out, err));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            bail!("kubectl-ds did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn sigint(child: &Child) -> Result<()> {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    anyhow::ensure!(status.success(), "kill -INT failed");
    Ok(())
}

/// Forwards the child's stderr lines to a channel (the child's stderr is taken).
fn stderr_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a stderr line containing `needle`; returns every line seen so far.
fn wait_for_line(rx: &mpsc::Receiver<String>, needle: &str, seen: &mut Vec<String>) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            let hit = line.contains(needle);
            seen.push(line);
            if hit {
                return Ok(());
            }
        }
    }
    bail!("no stderr line with {needle:?}; saw:\n{}", seen.join("\n"))
}

fn outcomes(report: &Value) -> Vec<(String, String)> {
    report["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap().to_owned(),
                n["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn six_nodes_two_at_a_time_never_more_than_two_down() -> Result<()> {
    let env = TestEnv::new("replace-six").await?;
    let nodes = env.on_delete_daemon_set(NAME, 6).await?;
    let before = pods_by_node(&env).await?;
    // New pods take 2 s to become Ready: long enough for the observer to see every batch.
    env.update_agent_image(NAME, "busybox:2", Some("slow-start=2s"))
        .await?;

    let start = Instant::now();
    let child = env.spawn_kubectl_ds(&[
        "replace",
        NAME,
        "--all-outdated",
        "--max-unavailable",
        "2",
        "-o",
        "json",
    ])?;
    // The observer: how many nodes lack a Ready pod, sampled while the command runs.
    let mut worst = 0;
    let mut samples = 0;
    let mut child = Some(child);
    while let Some(c) = child.as_mut() {
        if c.try_wait()?.is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            c.kill()?;
            bail!("replace did not finish in 120 s");
        }
        let now = pods_by_node(&env).await?;
        let lacking = nodes
            .iter()
            .filter(|n| !now.get(*n).is_some_and(|ps| ps.iter().any(|p| p.2)))
            .count();
        assert!(
            lacking <= 2,
            "{lacking} nodes lack a Ready pod at {:?}: {now:?}",
            start.elapsed()
        );
        worst = worst.max(lacking);
        samples += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (code, out, err) = finish(child.take().unwrap(), Duration::from_secs(10))?;
    let took = start.elapsed();
    eprintln!(
        "replace of 6 nodes (max-unavailable 2, slow-start 2s) took {took:?}; {samples} samples"
    );
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(worst, 2, "the observer never saw a full batch in flight");

    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["kind"], "ReplaceReport");
    assert_eq!(report["status"], "completed");
    assert_eq!(report["budget"], 2);
    assert_eq!(report["summary"], json!({"replaced": 6}));
    let batches = report["batches"].as_array().unwrap();
    assert_eq!(batches.len(), 3);
    assert!(batches.iter().all(|b| b.as_array().unwrap().len() == 2));
    for n in report["nodes"].as_array().unwrap() {
        assert!(
            n["deletedAt"].is_string() && n["readyAt"].is_string(),
            "{n}"
        );
        assert!(n["seconds"].as_f64().unwrap() >= 2.0, "slow start: {n}");
        assert_ne!(n["newPod"], n["pod"]);
    }
    // Every node: exactly one pod, new uid, the current revision, Ready.
    let current = report["daemonSet"]["currentRevision"].as_str().unwrap();
    let after = pods_by_node(&env).await?;
    for n in &nodes {
        let pods = &after[n];
        assert_eq!(pods.len(), 1, "{n}: {pods:?}");
        assert_eq!(pods[0].1, current);
        assert!(pods[0].2);
        assert!(before[n].iter().all(|old| old.0 != pods[0].0));
    }
    // One progress line per event on stderr (not a terminal).
    assert_eq!(err.matches(": deleted pod ").count(), 6, "{err}");
    assert_eq!(err.matches(": replaced by ").count(), 6, "{err}");
    assert!(err.contains("batch 3:"), "{err}");
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn a_bad_image_stops_after_the_first_batch_with_exit_3() -> Result<()> {
    let env = TestEnv::new("replace-bad").await?;
    let nodes = env.on_delete_daemon_set(NAME, 4).await?;
    let before = pods_by_node(&env).await?;
    env.update_agent_image(NAME, "busybox:bad", None).await?;

    let start = Instant::now();
    let child = env.spawn_kubectl_ds(&[
        "replace",
        NAME,
        "--all-outdated",
        "--max-unavailable",
        "2",
        "--timeout",
        "60s",
        "-o",
        "json",
    ])?;
    let (code, out, err) = finish(child, Duration::from_secs(90))?;
    eprintln!("bad image run took {:?}", start.elapsed());
    assert_eq!(code, 3, "stdout:\n{out}\nstderr:\n{err}");
    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["status"], "failed");
    assert!(
        report["message"]
            .as_str()
            .unwrap()
            .contains("ImagePullBackOff"),
        "{}",
        report["message"]
    );
    assert_eq!(report["summary"], json!({"failed": 2, "untouched": 2}));
    assert_eq!(report["batches"].as_array().unwrap().len(), 1);
    let failed: Vec<&Value> = report["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["outcome"] == "failed")
        .collect();
    for n in &failed {
        assert_eq!(n["reasons"][0]["code"], "ImagePullBackOff", "{n}");
        assert!(n["newPod"].is_string());
    }
    // The untouched nodes keep their original pods.
    let after = pods_by_node(&env).await?;
    for n in report["nodes"].as_array().unwrap() {
        let name = n["name"].as_str().unwrap();
        if n["outcome"] == "untouched" {
            assert_eq!(after[name], before[name], "{name} was touched");
        } else {
            assert!(
                after[name].iter().all(|p| !p.2),
                "{name}: {:?}",
                after[name]
            );
        }
    }
    assert_eq!(after.len(), nodes.len());
    assert!(err.contains("FAILED"), "{err}");
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn canary_then_continue() -> Result<()> {
    let env = TestEnv::new("replace-canary").await?;
    let nodes = env.on_delete_daemon_set(NAME, 3).await?;
    env.update_agent_image(NAME, "busybox:2", None).await?;

    let start = Instant::now();
    let child = env.spawn_kubectl_ds(&[
        "replace",
        NAME,
        "--all-outdated",
        "--canary",
        "1",
        "-o",
        "json",
    ])?;
    let (code, out, err) = finish(child, Duration::from_secs(60))?;
    eprintln!("canary run took {:?}", start.elapsed());
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["status"], "canaryCompleted");
    assert_eq!(report["summary"], json!({"replaced": 1, "untouched": 2}));
    let o = outcomes(&report);
    assert_eq!(o[0], (nodes[0].clone(), "replaced".to_owned()));
    let next = report["next"].as_str().unwrap();
    assert_eq!(
        next,
        format!("kubectl ds replace {NAME} -n {} --all-outdated", env.ns)
    );
    let current = report["daemonSet"]["currentRevision"]
        .as_str()
        .unwrap()
        .to_owned();
    let after = pods_by_node(&env).await?;
    let updated = nodes.iter().filter(|n| after[*n][0].1 == current).count();
    assert_eq!(updated, 1);

    // The printed command continues where the canary stopped.
    let args: Vec<&str> = next.split_whitespace().skip(2).collect();
    let (code, out, err) = finish(env.spawn_kubectl_ds(&args)?, Duration::from_secs(60))?;
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(
        out.contains("replaced 2 node(s) in 2 batch(es) [completed]"),
        "{out}"
    );
    let after = pods_by_node(&env).await?;
    assert!(
        nodes
            .iter()
            .all(|n| after[n].len() == 1 && after[n][0].1 == current)
    );
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn ctrl_c_finishes_the_batch_in_flight_and_reports_exactly() -> Result<()> {
    let env = TestEnv::new("replace-sigint").await?;
    let nodes = env.on_delete_daemon_set(NAME, 4).await?;
    let before = pods_by_node(&env).await?;
    env.update_agent_image(NAME, "busybox:2", Some("slow-start=3s"))
        .await?;

    let start = Instant::now();
    let mut child = env.spawn_kubectl_ds(&["replace", NAME, "--all-outdated", "-o", "json"])?;
    let rx = stderr_lines(&mut child);
    let mut seen = Vec::new();
    wait_for_line(&rx, ": deleted pod ", &mut seen)?;
    sigint(&child)?;
    wait_for_line(&rx, "interrupt: no new deletions", &mut seen)?;
    let (code, out, _) = finish(child, Duration::from_secs(60))?;
    seen.extend(rx.try_iter());
    eprintln!("Ctrl-C run took {:?}", start.elapsed());
    let err = seen.join("\n");
    assert_eq!(code, 130, "stdout:\n{out}\nstderr:\n{err}");
    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["status"], "interrupted");
    assert_eq!(
        report["message"],
        "interrupted (Ctrl-C): batch 1 finished, no further batch was started"
    );
    // Exactly: the first node replaced (the batch in flight was waited for), the rest untouched.
    let mut expected: Vec<(String, String)> = vec![(nodes[0].clone(), "replaced".to_owned())];
    expected.extend(
        nodes[1..]
            .iter()
            .map(|n| (n.clone(), "untouched".to_owned())),
    );
    assert_eq!(outcomes(&report), expected);
    assert_eq!(report["batches"], json!([[nodes[0]]]));
    let after = pods_by_node(&env).await?;
    for n in &nodes[1..] {
        assert_eq!(after[n], before[n], "{n} was touched after Ctrl-C");
    }
    assert!(
        after[&nodes[0]]
            .iter()
            .all(|p| p.2 && p.0 != before[&nodes[0]][0].0)
    );
    assert_eq!(err.matches(": deleted pod ").count(), 1, "{err}");
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn a_second_ctrl_c_leaves_at_once() -> Result<()> {
    let env = TestEnv::new("replace-sigint2").await?;
    let nodes = env.on_delete_daemon_set(NAME, 2).await?;
    // The new pods would take a minute.
    env.update_agent_image(NAME, "busybox:2", Some("slow-start=60s"))
        .await?;

    let mut child = env.spawn_kubectl_ds(&["replace", NAME, "--all-outdated", "-o", "json"])?;
    let rx = stderr_lines(&mut child);
    let mut seen = Vec::new();
    wait_for_line(&rx, ": deleted pod ", &mut seen)?;
    sigint(&child)?;
    wait_for_line(&rx, "interrupt: no new deletions", &mut seen)?;
    let pressed = Instant::now();
    sigint(&child)?;
    let (code, out, _) = finish(child, Duration::from_secs(30))?;
    let left_after = pressed.elapsed();
    eprintln!("second Ctrl-C: left after {left_after:?}");
    assert_eq!(code, 130);
    assert!(left_after < Duration::from_secs(5), "{left_after:?}");
    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["status"], "interrupted");
    assert_eq!(
        outcomes(&report),
        [
            (nodes[0].clone(), "interrupted".to_owned()),
            (nodes[1].clone(), "untouched".to_owned())
        ]
    );
    let first = &report["nodes"][0];
    assert!(first["deletedAt"].is_string() && first["readyAt"].is_null());
    assert_eq!(first["message"], "deleted; replacement not confirmed");
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn server_dry_run_deletes_nothing_and_rbac_refusals_are_reported() -> Result<()> {
    let env = TestEnv::new("replace-dry").await?;
    env.on_delete_daemon_set(NAME, 2).await?;
    env.update_agent_image(NAME, "busybox:2", None).await?;
    let before = pods_by_node(&env).await?;

    // The operator may delete pods: the API server validates both deletes, nothing changes.
    let kc = e2e_support::user_kubeconfig("operator")?;
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .env("KUBECONFIG", &kc)
        .arg(format!("--namespace={}", env.ns))
        .args([
            "replace",
            NAME,
            "--all-outdated",
            "--dry-run=server",
            "-o",
            "json",
        ])
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let report: Value = serde_json::from_str(&stdout)?;
    assert_eq!(report["status"], "validated");
    assert_eq!(report["summary"], json!({"validated": 2}));
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(pods_by_node(&env).await?, before);

    // The read-only user may not: exit 1, the report says nothing was deleted, then the error.
    let out = env.kubectl_ds(
        Some("readonly"),
        &["replace", NAME, "--all-outdated", "-o", "json"],
    )?;
    let stdout = String::from_utf8(out.stdout)?;
    let stderr = String::from_utf8(out.stderr)?;
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&stdout)?;
    assert_eq!(report["status"], "error");
    assert_eq!(report["summary"], json!({"untouched": 2}));
    assert!(stderr.contains("error: forbidden"), "{stderr}");
    assert_eq!(pods_by_node(&env).await?, before);
    env.cleanup().await?;
    Ok(())
}
