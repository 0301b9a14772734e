//! Tier 4: `list` against the local control plane — every column kubectl prints must read as
//! `kubectl get ds -o wide` reads it, and PROBLEMS must count what the real controller and
//! scheduler left undone.
//!
//! ```sh
//! KDS_CLUSTER_DIR=/tmp/kds-list tests/cluster/cluster.sh up
//! eval "$(KDS_CLUSTER_DIR=/tmp/kds-list tests/cluster/cluster.sh env)"
//! cargo test --test e2e_list -- --ignored
//! KDS_CLUSTER_DIR=/tmp/kds-list tests/cluster/cluster.sh down
//! ```

mod e2e_support;

use std::collections::BTreeMap;
use std::process::Output;

use anyhow::Result;
use e2e_support::{DEFAULT_TIMEOUT, NodeOpts, TestEnv};
use serde_json::{Value, json};

fn text(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A table as header → cell maps, one per row, keyed by NAME. Columns are separated by runs of
/// at least two spaces (kubectl's tabwriter pads by three; NODE SELECTOR has one inside).
fn parse_table(out: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let split = |line: &str| -> Vec<String> {
        line.split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut lines = out.lines();
    let headers = split(lines.next().unwrap_or_default());
    lines
        .map(|l| {
            let row: BTreeMap<String, String> = headers.iter().cloned().zip(split(l)).collect();
            (row["NAME"].clone(), row)
        })
        .collect()
}

/// kubectl's AGE of two reads a moment apart: equal, or both seconds within two.
fn same_age(a: &str, b: &str) -> bool {
    let secs = |s: &str| s.strip_suffix('s').and_then(|n| n.parse::<i64>().ok());
    a == b || matches!((secs(a), secs(b)), (Some(x), Some(y)) if (x - y).abs() <= 2)
}

fn daemonset(name: &str, tier: &str, strategy: &str, cpu: Option<&str>) -> Value {
    let mut container = json!({"name": "main", "image": "busybox:1.36"});
    if let Some(cpu) = cpu {
        container["resources"] = json!({"requests": {"cpu": cpu}});
    }
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": name, "labels": {"tier": tier}},
        "spec": {
            "selector": {"matchLabels": {"app": name}},
            "updateStrategy": {"type": strategy},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container, {"name": "sidecar", "image": "pause:3.10"}]}
            }
        }
    })
}

/// Adds set-based terms to the selector (matched by the template's labels), so the wide
/// SELECTOR column is checked against kubectl's ordering: by key, values sorted.
fn set_based(mut ds: Value) -> Value {
    ds["spec"]["selector"]["matchExpressions"] = json!([
        {"key": "zone", "operator": "NotIn", "values": ["b", "a"]},
        {"key": "app", "operator": "Exists"},
        {"key": "beta", "operator": "DoesNotExist"}
    ]);
    ds
}

/// Three workers (one with 100m CPU) and one tainted node; `agent` (RollingUpdate) and `legacy`
/// (OnDelete) run everywhere they may, `hungry` asks for 500m CPU and stays Pending on the small
/// node. The taint excludes the tainted node from all three (not a problem: Excluded).
async fn cluster() -> Result<TestEnv> {
    let env = TestEnv::new("list").await?;
    let mut names = Vec::new();
    for (suffix, opts) in [
        ("w1", NodeOpts::default()),
        ("w2", NodeOpts::default()),
        ("small", NodeOpts::default().allocatable("cpu=100m")),
        (
            "infra",
            NodeOpts::default().taint("dedicated", Some("infra"), "NoSchedule"),
        ),
    ] {
        names.push(env.create_node(suffix, opts).await?);
    }
    env.wait_nodes_initialized(&names, DEFAULT_TIMEOUT).await?;
    for ds in [
        daemonset("agent", "node", "RollingUpdate", None),
        daemonset("legacy", "node", "OnDelete", None),
        set_based(daemonset("hungry", "edge", "RollingUpdate", Some("500m"))),
    ] {
        let mut ds = ds;
        env.isolate(&mut ds);
        env.apply_value(&ds).await?;
    }
    env.wait_ds_ready("agent", 3, DEFAULT_TIMEOUT).await?;
    env.wait_ds_ready("legacy", 3, DEFAULT_TIMEOUT).await?;
    env.wait_ds(
        "hungry",
        DEFAULT_TIMEOUT,
        "3 desired, 2 ready, 3 pods",
        |s| s.desired_number_scheduled == 3 && s.number_ready == 2 && s.number_available == Some(2),
    )
    .await?;
    Ok(env)
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn columns_match_kubectl_get_ds_wide_and_problems_count_the_pending_node() -> Result<()> {
    let env = cluster().await?;
    let (code, theirs, err) = text(&env.kubectl(&["get", "ds", "-o", "wide"])?);
    assert_eq!(code, 0, "{err}");
    let (code, ours, err) = text(&env.kubectl_ds(None, &["list", "-o", "wide"])?);
    assert_eq!(code, 3, "hungry has a Pending node: {err}\n{ours}");
    let (theirs, ours) = (parse_table(&theirs), parse_table(&ours));
    assert_eq!(
        theirs.keys().collect::<Vec<_>>(),
        ours.keys().collect::<Vec<_>>()
    );
    for (name, kubectl_row) in &theirs {
        let row = &ours[name];
        for (header, value) in kubectl_row {
            let mine = row
                .get(header)
                .unwrap_or_else(|| panic!("no {header} column"));
            if header == "AGE" {
                assert!(same_age(value, mine), "{name} AGE: {value} vs {mine}");
            } else {
                assert_eq!(mine, value, "{name} {header}");
            }
        }
    }
    let problems = |n: &str| ours[n]["PROBLEMS"].as_str();
    assert_eq!(
        (problems("agent"), problems("legacy"), problems("hungry")),
        ("0", "0", "1 Pending")
    );
    assert_eq!(ours["legacy"]["STRATEGY"], "OnDelete");
    assert_eq!(ours["agent"]["STRATEGY"], "RollingUpdate");
    assert_eq!(
        ours["agent"]["DESIRED"], "3",
        "the tainted node is excluded"
    );
    assert_eq!(ours["agent"]["MISSCHEDULED"], "0");
    assert_eq!(ours["agent"]["CONTAINERS"], "main,sidecar");
    assert_eq!(
        ours["hungry"]["SELECTOR"],
        "app=hungry,app,!beta,zone notin (a,b)"
    );
    env.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn selector_names_empty_result_and_request_count_as_kubectl() -> Result<()> {
    let env = cluster().await?;
    // -l on the DaemonSets' labels, sent to the server; -o name as kubectl's.
    let (_, theirs, _) = text(&env.kubectl(&["get", "ds", "-l", "tier=node", "-o", "name"])?);
    let (code, ours, err) =
        text(&env.kubectl_ds(None, &["list", "-l", "tier=node", "-o", "name"])?);
    assert_eq!((code, ours.as_str()), (0, theirs.as_str()), "{err}");
    assert_eq!(ours, "daemonset.apps/agent\ndaemonset.apps/legacy\n");
    let (code, ours, _) = text(&env.kubectl_ds(None, &["list", "-l", "tier notin (node)"])?);
    assert_eq!(code, 3, "only hungry, which has a problem");
    assert_eq!(parse_table(&ours).keys().collect::<Vec<_>>(), ["hungry"]);
    // Nothing selected: kubectl's stderr line, word for word; nothing on stdout; exit 0.
    let (kcode, kout, kerr) = text(&env.kubectl(&["get", "ds", "-l", "tier=none"])?);
    let (code, out, err) = text(&env.kubectl_ds(None, &["list", "-l", "tier=none"])?);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (kcode, kout.as_str(), kerr.as_str())
    );
    assert_eq!(
        err,
        format!("No resources found in {} namespace.\n", env.ns)
    );
    // Four requests with -v (no page is needed at this size).
    let (code, _, err) = text(&env.kubectl_ds(None, &["list", "-v"])?);
    assert_eq!(code, 3);
    assert!(err.contains("I 4 API requests"), "{err}");
    // -A: a NAMESPACE column, our three among the cluster's DaemonSets.
    let (_, all, _) = text(&env.kubectl_ds(None, &["list", "-A"])?);
    assert!(all.starts_with("NAMESPACE "), "{all}");
    let ours: Vec<&str> = all
        .lines()
        .filter(|l| l.starts_with(&format!("{} ", env.ns)))
        .collect();
    assert_eq!(ours.len(), 3, "{all}");
    env.cleanup().await?;
    Ok(())
}
