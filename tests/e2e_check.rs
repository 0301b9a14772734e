//! Tier 4: `check -A` against the local control plane: the seed's demo (node-monitor,
//! log-collector) next to a deliberately bad DaemonSet and one whose nodeSelector matches no
//! node. Live, the rules that need nodes and pods run (nothing is skipped), findings name
//! `live` as their source, and the request budget holds.
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-check tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-check tests/cluster/cluster.sh env)"
//! cargo test --test e2e_check -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-check tests/cluster/cluster.sh down
//! ```

mod e2e_support;

use std::collections::BTreeMap;

use e2e_support::{DEFAULT_TIMEOUT, NodeOpts, TestEnv};
use serde_json::Value;

const BAD: &str = include_str!("fixtures/check/bad.yaml");

/// A DaemonSet for SSD nodes, in a cluster that has none.
const NOWHERE: &str = "
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-only
spec:
  selector:
    matchLabels: {app: ssd-only}
  template:
    metadata:
      labels: {app: ssd-only}
    spec:
      nodeSelector: {kubectl-ds.test/disk: ssd}
      containers:
      - name: main
        image: busybox:1.36
        resources:
          requests: {cpu: 10m, memory: 16Mi}
        readinessProbe:
          exec: {command: [\"true\"]}
";

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn check_all_namespaces_on_the_demo_and_a_bad_daemon_set() -> anyhow::Result<()> {
    let env = TestEnv::new("check").await?;
    let cp = env
        .create_node("cp", NodeOpts::default().control_plane())
        .await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    let w2 = env.create_node("w2", NodeOpts::default()).await?;
    env.wait_nodes_initialized(&[cp, w1, w2], DEFAULT_TIMEOUT)
        .await?;
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;
    env.apply_yaml(BAD).await?;
    env.apply_yaml(NOWHERE).await?;
    env.wait_ds_ready("node-monitor", 3, DEFAULT_TIMEOUT)
        .await?;
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    env.wait_ds(
        "ssd-only",
        DEFAULT_TIMEOUT,
        "observed by the controller",
        |s| s.observed_generation == Some(1),
    )
    .await?;

    let out = env.kubectl_ds(None, &["check", "-A", "-o", "json", "-v"])?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // bad-agent has an error finding (DS101), ssd-only another (DS102): exit 3.
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    let requests: usize = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("I ")?
                .strip_suffix(" API requests")?
                .parse()
                .ok()
        })
        .expect("-v prints the request count");
    assert!(requests <= 6, "{requests} requests: {stderr}");

    let doc: Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(doc["kind"], "CheckReport");
    // -A sees other tests' DaemonSets too: keep ours.
    let ours = |v: &Value| v["daemonSet"]["namespace"] == env.ns.as_str();
    let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f))
    {
        assert_eq!(f["source"], "live");
        rules
            .entry(f["daemonSet"]["name"].as_str().unwrap().to_owned())
            .or_default()
            .push(f["rule"].as_str().unwrap().to_owned());
    }
    let skipped: Vec<&Value> = doc["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| ours(s))
        .collect();
    assert!(skipped.is_empty(), "live, nothing is skipped: {skipped:?}");

    // The seed's two demo DaemonSets: only "no readiness gate" (docs/checks.md says why).
    assert_eq!(rules["node-monitor"], ["DS205"]);
    assert_eq!(rules["log-collector"], ["DS205"]);
    assert_eq!(
        rules["bad-agent"],
        [
            "DS101", "DS201", "DS202", "DS203", "DS301", "DS301", "DS302", "DS401", "DS402",
            "DS204", "DS205", "DS303", "DS304"
        ]
    );
    assert_eq!(rules["ssd-only"], ["DS102"]);

    // The table and --fail-on on one DaemonSet.
    let out = env.kubectl_ds(None, &["check", "node-monitor", "--fail-on", "info"])?;
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{table}");
    assert!(
        table.contains(&format!("DaemonSet {}/node-monitor (live)", env.ns)),
        "{table}"
    );
    assert!(table.contains("DS205  no-readiness-gate"), "{table}");
    let out = env.kubectl_ds(None, &["check", "node-monitor"])?;
    assert_eq!(out.status.code(), Some(0));

    env.cleanup().await?;
    Ok(())
}
