//! Tier 2: `list` as a binary on offline snapshots — tables pinned with insta, exit codes,
//! kubectl's empty-result wording, the label selector, every output format.

mod common;

use std::path::PathBuf;

use common::builders::{self, NS, daemon_set, ds_pod, node, revision_of, with_labels};
use common::cli::{demo, kds, run};
use serde_json::{Value, json};

/// agent (rolled out), legacy (OnDelete, half replaced), fresh (never observed).
fn rollout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rollout/cluster.yaml")
}

/// Two nodes and three labelled DaemonSets: `agent` (tier=node, healthy everywhere), `probe`
/// (tier=edge, canary=yes, no pods: Missing on both nodes), `logs` (no labels, healthy).
fn labelled() -> Vec<u8> {
    let healthy = |name: &str, labels: &[(&str, &str)]| {
        let mut ds = with_labels(daemon_set(name), labels);
        ds["status"] = json!({"observedGeneration": 1, "desiredNumberScheduled": 2,
            "currentNumberScheduled": 2, "numberReady": 2, "updatedNumberScheduled": 2,
            "numberAvailable": 2, "numberMisscheduled": 0});
        ds["metadata"]["creationTimestamp"] = json!("2026-11-27T10:00:00Z");
        let rev = revision_of(&ds, "h1", 1);
        let pods: Vec<Value> = ["n1", "n2"]
            .iter()
            .map(|n| ds_pod(name, &format!("{name}-{n}"), n, "h1"))
            .collect();
        (ds, rev, pods)
    };
    let (agent, agent_rev, agent_pods) = healthy("agent", &[("tier", "node")]);
    let (logs, logs_rev, logs_pods) = healthy("logs", &[]);
    let mut probe = with_labels(daemon_set("probe"), &[("tier", "edge"), ("canary", "yes")]);
    probe["status"] = json!({"observedGeneration": 1, "desiredNumberScheduled": 2});
    let probe_rev = revision_of(&probe, "h9", 1);
    let mut items = vec![node("n1"), node("n2"), agent, logs, probe];
    items.extend([agent_rev, logs_rev, probe_rev]);
    items.extend(agent_pods);
    items.extend(logs_pods);
    builders::list(items)
}

fn list_labelled(args: &[&str]) -> (i32, String, String) {
    run(kds()
        .arg("list")
        .args(args)
        .args(["-f", "-"])
        .write_stdin(labelled()))
}

#[test]
fn demo_table_has_kubectls_columns_then_ours_and_exits_3() {
    let (code, out, err) = run(kds().args(["list", "-f"]).arg(demo()));
    assert_eq!((code, err.as_str()), (3, ""), "problems found");
    assert!(out.starts_with(
        "NAMESPACE        NAME            DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   MISSCHEDULED   STRATEGY        PROBLEMS\n"
    ));
    insta::assert_snapshot!("demo_table", out);
    // `ls` is the same command; -A changes nothing for a snapshot listed across namespaces.
    let (_, alias, _) = run(kds().args(["ls", "-A", "-f"]).arg(demo()));
    assert_eq!(alias, out);
}

#[test]
fn demo_wide_adds_containers_images_selector() {
    let (code, out, _) = run(kds()
        .args(["list", "-n", "daemonset-demo", "-o", "wide", "-f"])
        .arg(demo()));
    assert_eq!(code, 3);
    let header = out.lines().next().unwrap();
    assert!(
        header.starts_with("NAME ")
            && header.ends_with("CONTAINERS   IMAGES                SELECTOR"),
        "-n: no NAMESPACE column; {header}"
    );
    insta::assert_snapshot!("demo_wide", out);
}

#[test]
fn demo_json_and_yaml_are_the_same_document() {
    let (code, json_out, _) = run(kds().args(["list", "-o", "json", "-f"]).arg(demo()));
    assert_eq!(code, 3);
    insta::assert_snapshot!("demo_json", json_out);
    let (code, yaml_out, _) = run(kds().args(["list", "-o", "yaml", "-f"]).arg(demo()));
    assert_eq!(code, 3);
    let from_json: Value = serde_json::from_str(&json_out).unwrap();
    let from_yaml: Value = serde_saphyr::from_str(&yaml_out).unwrap();
    assert_eq!(from_json, from_yaml);
    let lc = &from_json["items"][0];
    assert_eq!(lc["name"], "log-collector");
    assert_eq!(
        lc["problems"],
        json!({"total": 3, "byVerdict": {"Missing": 1, "Pending": 1, "Failing": 1}})
    );
    assert_eq!(lc["currentRevision"], "7c4b8f9d2");
}

#[test]
fn rollout_fixture_strategies_and_a_never_observed_daemonset() {
    let (code, out, _) = run(kds().args(["list", "-n", "prod", "-f"]).arg(rollout()));
    assert_eq!(code, 3, "fresh has no pods yet: Missing");
    insta::assert_snapshot!("rollout_table", out);
    let legacy = out.lines().find(|l| l.starts_with("legacy ")).unwrap();
    assert!(legacy.contains(" OnDelete "), "{legacy}");
    let (code, names, _) = run(kds()
        .args(["list", "-n", "prod", "-o", "name", "-f"])
        .arg(rollout()));
    assert_eq!(code, 3);
    assert_eq!(
        names,
        "daemonset.apps/agent\ndaemonset.apps/fresh\ndaemonset.apps/legacy\n"
    );
}

#[test]
fn no_headers_drops_the_header_row_and_aligns_on_the_rows() {
    let (_, with, _) = run(kds().args(["list", "-f"]).arg(demo()));
    let (_, without, _) = run(kds().args(["list", "--no-headers", "-f"]).arg(demo()));
    let words = |text: &str| -> Vec<Vec<String>> {
        text.lines()
            .map(|l| {
                l.split("   ")
                    .map(|w| w.trim().to_owned())
                    .filter(|w| !w.is_empty())
                    .collect()
            })
            .collect()
    };
    assert_eq!(words(&without), words(&with)[1..]);
    // As kubectl's tabwriter: without the header, columns are as wide as their values.
    assert!(
        without
            .starts_with("daemonset-demo   log-collector   4   3   1   2   1   <none>   8d   1   "),
        "{without}"
    );
}

#[test]
fn nothing_found_is_kubectls_stderr_line_and_exit_0() {
    let (code, out, err) = run(kds().args(["list", "-n", "nope", "-f"]).arg(demo()));
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(err, "No resources found in nope namespace.\n");
    let (code, out, err) = list_labelled(&["-A", "-l", "tier=gone"]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(err, "No resources found\n");
    // As kubectl: structured output is an empty list, names print nothing, neither says more.
    let (code, out, err) = list_labelled(&["-l", "tier=gone", "-o", "json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["kind"], "DaemonSetSummaryList");
    assert_eq!(doc["items"], json!([]));
    let (code, out, err) = list_labelled(&["-l", "tier=gone", "-o", "name"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
}

#[test]
fn selector_filters_daemonsets_by_their_own_labels() {
    let names = |args: &[&str]| {
        let (code, out, err) = list_labelled(&[args, &["-o", "name"]].concat());
        assert_eq!(err, "", "{args:?}");
        (code, out)
    };
    assert_eq!(
        names(&["-l", "tier=node"]),
        (0, "daemonset.apps/agent\n".into())
    );
    assert_eq!(
        names(&["-l", "tier==node"]),
        (0, "daemonset.apps/agent\n".into())
    );
    assert_eq!(
        names(&["-l", "tier in (node,edge)"]),
        (3, "daemonset.apps/agent\ndaemonset.apps/probe\n".into()),
        "probe has problems: exit 3"
    );
    assert_eq!(
        names(&["-l", "tier!=edge"]),
        (0, "daemonset.apps/agent\ndaemonset.apps/logs\n".into()),
        "!= matches a missing label, as in Kubernetes"
    );
    assert_eq!(
        names(&["-l", "!canary"]).1,
        "daemonset.apps/agent\ndaemonset.apps/logs\n"
    );
    assert_eq!(names(&["-l", "canary,tier"]).1, "daemonset.apps/probe\n");
    assert_eq!(
        names(&["-l", "tier notin (node)"]).1,
        "daemonset.apps/logs\ndaemonset.apps/probe\n"
    );
    let (code, out, err) = list_labelled(&["-l", "tier in (node"]);
    assert_eq!(
        (code, out.as_str()),
        (2, ""),
        "a bad selector is a usage error"
    );
    assert!(err.starts_with("error: invalid selector"), "{err}");
}

#[test]
fn healthy_only_exits_0_and_shows_zero_problems() {
    let (code, out, _) = list_labelled(&["-n", NS, "-l", "!canary"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   MISSCHEDULED   STRATEGY        PROBLEMS\n\
         agent   2         2         2       2            2           <none>          24h   0              RollingUpdate   0\n\
         logs    2         2         2       2            2           <none>          24h   0              RollingUpdate   0\n"
    );
}

#[test]
fn colour_marks_only_the_problem_verdicts() {
    let (_, out, _) = run(kds().args(["list", "--color", "always", "-f"]).arg(demo()));
    let row = out.lines().find(|l| l.contains("node-monitor")).unwrap();
    let (before, problems) = row.rsplit_once("   ").unwrap();
    assert!(
        !before.contains('\u{1b}'),
        "nothing but PROBLEMS is coloured: {row:?}"
    );
    assert!(
        problems.contains("\u{1b}[") && problems.contains("Missing"),
        "{row:?}"
    );
    let (_, plain, _) = run(kds().args(["list", "-f"]).arg(demo()));
    assert!(!plain.contains('\u{1b}'), "NO_COLOR and a pipe: no colour");
}

/// The engine's warnings travel with each item (JSON) and go to stderr with the table, so a
/// DaemonSet the snapshot cannot fully judge says so without disturbing stdout.
#[test]
fn engine_warnings_are_in_the_items_and_on_stderr() {
    let file = rollout();
    let (_, json_out, _) = run(kds().args(["list", "-A", "-o", "json", "-f"]).arg(&file));
    let doc: Value = serde_json::from_str(&json_out).unwrap();
    let warnings = |name: &str| -> Vec<String> {
        let item = doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        serde_json::from_value(item["warnings"].clone()).unwrap()
    };
    assert!(
        warnings("fresh")
            .iter()
            .any(|w| w.contains("no ControllerRevisions")),
        "{json_out}"
    );
    assert!(warnings("agent").is_empty(), "{json_out}");

    let (_, table, err) = run(kds().args(["list", "-A", "-f"]).arg(&file));
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning: prod/fresh: ") && l.contains("ControllerRevisions")),
        "{err}"
    );
    assert!(!table.contains("warning"), "{table}");
}
