//! Tier 2: `rollout status|history|undo|restart` as a binary on offline snapshots — output
//! pinned with insta, exit codes, errors.

mod common;

use std::path::PathBuf;

use common::cli::{demo, kds, run};

/// agent (rolled out, 3 revisions), legacy (OnDelete, half replaced), fresh (no revisions).
fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rollout/cluster.yaml")
}

// ---- status ----

#[test]
fn status_mid_rollout_is_not_done_and_names_the_blocked_nodes() {
    let (code, out, err) = run(kds()
        .args(["rollout", "status", "log-collector", "--watch=false", "-f"])
        .arg(demo()));
    assert_eq!(code, 3, "not rolled out: {err}");
    assert_eq!(err, "");
    assert!(out.starts_with(
        "Waiting for daemon set \"log-collector\" rollout to finish: 2 out of 4 new pods have been updated...\n"
    ));
    insta::assert_snapshot!("status_log_collector", out);
}

#[test]
fn status_from_file_is_one_evaluation_even_when_watching() {
    // --watch defaults to true; a snapshot does not change, so it answers once.
    let (code, watched, _) = run(kds()
        .args(["rollout", "status", "log-collector", "-f"])
        .arg(demo()));
    assert_eq!(code, 3);
    let (_, once, _) = run(kds()
        .args(["rollout", "status", "log-collector", "--watch=false", "-f"])
        .arg(demo()));
    assert_eq!(watched, once);
}

#[test]
fn status_rolled_out_prints_kubectls_line_only_and_exits_0() {
    let (code, out, err) = run(kds()
        .args(["rollout", "status", "agent", "-f"])
        .arg(fixture()));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, "daemon set \"agent\" successfully rolled out\n");
    // -o wide adds every node.
    let (code, out, _) = run(kds()
        .args([
            "rollout", "status", "agent", "-o", "wide", "-n", "prod", "-f",
        ])
        .arg(fixture()));
    assert_eq!(code, 0);
    insta::assert_snapshot!("status_agent_wide", out);
}

#[test]
fn status_on_delete_lists_outdated_nodes_and_the_replace_command() {
    let (code, out, err) = run(kds()
        .args(["rollout", "status", "legacy", "--watch=false", "-f"])
        .arg(fixture()));
    assert_eq!(code, 3, "{err}");
    assert!(
        !out.contains("only available for RollingUpdate"),
        "kubectl's error is replaced by guidance"
    );
    assert!(out.contains("node-b   Waiting   legacy-node-b   8f6d5c7b9   OldRevision"));
    assert!(out.contains("kubectl ds replace legacy -n prod --all-outdated"));
    insta::assert_snapshot!("status_legacy_on_delete", out);
}

#[test]
fn status_json_document() {
    let (code, out, _) = run(kds()
        .args([
            "rollout",
            "status",
            "log-collector",
            "--watch=false",
            "-o",
            "json",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 3);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(doc["kind"], "RolloutStatus");
    assert_eq!(doc["daemonSet"]["name"], "log-collector");
    assert_eq!(doc["daemonSet"]["namespace"], "daemonset-demo");
    assert_eq!(doc["daemonSet"]["currentRevision"], "7c4b8f9d2");
    assert_eq!(doc["strategy"], "RollingUpdate");
    assert_eq!(doc["complete"], false);
    assert_eq!(doc["blocked"], true);
    assert_eq!(
        doc["message"],
        "Waiting for daemon set \"log-collector\" rollout to finish: 2 out of 4 new pods have been updated..."
    );
    assert_eq!(
        (&doc["desired"], &doc["updated"], &doc["available"]),
        (&4.into(), &2.into(), &1.into())
    );
    let nodes: Vec<(&str, &str)> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap(), n["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        nodes,
        [
            ("minikube-m02", "Waiting"),
            ("minikube-m03", "Blocked"),
            ("minikube-m04", "Blocked"),
            ("minikube-m06", "Blocked"),
        ]
    );
    insta::assert_snapshot!("status_log_collector_json", out);
    // YAML is the same document.
    let (_, yaml, _) = run(kds()
        .args([
            "rollout",
            "status",
            "log-collector",
            "--watch=false",
            "-o",
            "yaml",
            "-f",
        ])
        .arg(demo()));
    let from_yaml: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(from_yaml, doc);
}

#[test]
fn status_errors() {
    let (code, _, err) = run(kds()
        .args(["rollout", "status", "log-colector", "-f"])
        .arg(demo()));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: daemonset \"log-colector\" not found (did you mean \"log-collector\"?)\n"
    );
    let (code, _, err) = run(kds()
        .args(["rollout", "status", "agent", "-A", "-f"])
        .arg(fixture()));
    assert_eq!(code, 2);
    assert!(
        err.contains("choose its namespace with -n, not -A"),
        "{err}"
    );
    let (code, _, err) = run(kds().args(["rollout", "status"]));
    assert_eq!(code, 2, "{err}");
}

// ---- history ----

#[test]
fn history_table() {
    let (code, out, err) = run(kds()
        .args(["rollout", "history", "log-collector", "-f"])
        .arg(demo()));
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("history_log_collector", out);
    let (code, out, _) = run(kds()
        .args(["rollout", "history", "agent", "-f"])
        .arg(fixture()));
    assert_eq!(code, 0);
    assert!(out.starts_with("daemonset.apps/agent\nREVISION   CHANGE-CAUSE"));
    insta::assert_snapshot!("history_agent", out);
}

#[test]
fn history_none() {
    let (code, out, _) = run(kds()
        .args(["rollout", "history", "fresh", "-f"])
        .arg(fixture()));
    assert_eq!(code, 0);
    assert_eq!(out, "daemonset.apps/fresh\nNo rollout history found.\n");
}

#[test]
fn history_json_document() {
    let (code, out, _) = run(kds()
        .args(["rollout", "history", "agent", "-o", "json", "-f"])
        .arg(fixture()));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["kind"], "RolloutHistory");
    assert_eq!(doc["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(doc["daemonSet"]["name"], "agent");
    let revs = doc["revisions"].as_array().unwrap();
    assert_eq!(revs.len(), 3);
    assert_eq!(revs[0]["revision"], 1);
    assert_eq!(revs[0]["changeCause"], serde_json::Value::Null);
    assert_eq!(revs[2]["changeCause"], "upgrade to 1.2");
    assert_eq!(revs[2]["current"], true);
    assert_eq!(revs[2]["pods"], 2);
    assert_eq!(revs[2]["hash"], "6b7c9d8f2");
    assert_eq!(revs[2]["name"], "agent-6b7c9d8f2");
    assert_eq!(
        revs[2]["images"],
        serde_json::json!(["registry.example/agent:1.2"])
    );
    assert_eq!(revs[2]["created"], "2026-11-27T00:00:00Z");
    insta::assert_snapshot!("history_agent_json", out);
}

#[test]
fn history_one_revision() {
    let (code, out, _) = run(kds()
        .args([
            "rollout",
            "history",
            "log-collector",
            "--revision",
            "1",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 0);
    assert!(out.starts_with("daemonset.apps/log-collector with revision #1\n"));
    assert!(out.contains("image: busybox:1.36"));
    insta::assert_snapshot!("history_log_collector_revision_1", out);
    // JSON: the revision with its template.
    let (_, out, _) = run(kds()
        .args([
            "rollout",
            "history",
            "agent",
            "--revision",
            "2",
            "-o",
            "json",
            "-f",
        ])
        .arg(fixture()));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["revisions"].as_array().unwrap().len(), 1);
    assert_eq!(
        doc["revisions"][0]["template"]["spec"]["containers"][0]["image"],
        "registry.example/agent:1.1"
    );
    let (code, out, err) = run(kds()
        .args(["rollout", "history", "agent", "--revision", "9", "-f"])
        .arg(fixture()));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: unable to find the specified revision (revisions in history: 1, 2, 3)\n"
    );
}

#[test]
fn history_diff() {
    let (code, out, _) = run(kds()
        .args([
            "rollout",
            "history",
            "log-collector",
            "--diff",
            "1",
            "2",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 0);
    assert!(out.contains("\n-    image: busybox:1.36\n+    image: busybox:1.37-glibcx\n"));
    insta::assert_snapshot!("history_log_collector_diff_1_2", out);
    let (code, _, err) = run(kds()
        .args(["rollout", "history", "agent", "--diff", "1", "7", "-f"])
        .arg(fixture()));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: unable to find the specified revision #7 (revisions in history: 1, 2, 3)\n"
    );
    let (code, _, err) = run(kds()
        .args([
            "rollout", "history", "agent", "--diff", "1", "2", "-o", "json", "-f",
        ])
        .arg(fixture()));
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(kds()
        .args([
            "rollout",
            "history",
            "agent",
            "--diff",
            "1",
            "--revision",
            "2",
            "-f",
        ])
        .arg(fixture()));
    assert_eq!(code, 2, "--diff and --revision conflict");
}

// ---- undo, restart ----

#[test]
fn mutating_commands_need_a_cluster() {
    for args in [
        &["rollout", "undo", "agent"][..],
        &[
            "rollout",
            "undo",
            "agent",
            "--to-revision",
            "1",
            "--dry-run=client",
        ][..],
        &["rollout", "restart", "agent"][..],
    ] {
        let (code, out, err) = run(kds().args(args).arg("-f").arg(fixture()));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(
            err.starts_with(&format!(
                "error: {} {} changes the cluster, so it needs one: drop --from-file",
                args[0], args[1]
            )),
            "{err}"
        );
    }
}

#[test]
fn undo_without_a_cluster_is_an_error() {
    let (code, _, err) = run(kds().args(["rollout", "undo", "agent"]));
    assert_eq!(code, 1);
    assert!(err.starts_with("error: cannot "), "{err}");
}
