//! Tier 2: the `replace` binary — the plan from an offline fixture, usage errors and exit codes.

mod common;

use std::path::PathBuf;

use common::cli::{kds, run};
use serde_json::Value;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replace/cluster.yaml")
}

fn plan(args: &[&str]) -> (i32, String, String) {
    run(kds()
        .arg("-f")
        .arg(fixture())
        .args(["replace", "node-agent"])
        .args(args))
}

#[test]
fn client_dry_run_prints_the_plan_from_a_file() {
    let (code, out, err) = plan(&[
        "--all-outdated",
        "--max-unavailable",
        "3",
        "--dry-run=client",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    insta::assert_snapshot!("plan_all_outdated_3", out);
    // `--dry-run` alone means client, as in kubectl.
    let (code, again, _) = plan(&["--all-outdated", "--max-unavailable", "3", "--dry-run"]);
    assert_eq!((code, again), (0, out));
}

#[test]
fn client_dry_run_json_is_the_report_document() {
    let (code, out, err) = plan(&[
        "--node",
        "w6",
        "--node",
        "w3",
        "--node",
        "w1",
        "--force",
        "--canary",
        "2",
        "--max-unavailable",
        "3",
        "--dry-run=client",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(v["kind"], "ReplaceReport");
    assert_eq!(v["dryRun"], "client");
    assert_eq!(v["status"], "planned");
    assert_eq!(v["canary"], 2);
    let nodes: Vec<(&str, &str)> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap(), n["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        nodes,
        [("w6", "planned"), ("w3", "planned"), ("w1", "untouched")]
    );
    assert_eq!(v["nodes"][1]["restart"], true);
    // w4 and w5 lack an available pod: one slot of three is left per batch.
    assert_eq!(v["batches"], serde_json::json!([["w6"], ["w3"]]));
    assert_eq!(v["startedAt"], "2026-11-28T10:00:00Z");
    // YAML is the same document.
    let (code, yaml, _) = plan(&[
        "--node",
        "w6",
        "--max-unavailable",
        "3",
        "--dry-run",
        "-o",
        "yaml",
    ]);
    assert_eq!(code, 0);
    assert!(yaml.contains("kind: ReplaceReport\n"), "{yaml}");
    assert!(yaml.contains("outcome: planned\n"), "{yaml}");
}

#[test]
fn a_used_up_budget_exits_3_even_in_a_plan() {
    let (code, out, _) = plan(&["-l", "topology.kubernetes.io/zone=b", "--dry-run=client"]);
    // w4 (crash-looping, not selected) and w5 (NotReady) use up --max-unavailable 1: w6 cannot
    // go.
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains(
            "would replace nothing: 2 desired node(s) already lack an available pod (w4, w5)"
        ),
        "{out}"
    );
    assert!(out.contains("w6     untouched"), "{out}");
}

#[test]
fn mutations_need_a_live_cluster() {
    for dry_run in [None, Some("--dry-run=server"), Some("--dry-run=none")] {
        let mut args = vec!["--all-outdated"];
        args.extend(dry_run);
        let (code, out, err) = plan(&args);
        assert_eq!(code, 2, "{dry_run:?}: {err}");
        assert_eq!(out, "");
        assert_eq!(
            err,
            "error: replace deletes pods, which needs a live cluster: --from-file works only with --dry-run=client (to review the plan)\n"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    // No target: clap's required group.
    let (code, _, err) = plan(&["--dry-run"]);
    assert_eq!(code, 2);
    assert!(err.contains("--node <NODE>"), "{err}");
    // Two kinds of target.
    let (code, _, err) = plan(&["--all-outdated", "-l", "a=b", "--dry-run"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
    for (args, message) in [
        (
            &["--all-outdated", "--max-unavailable", "0"][..],
            "must be at least 1",
        ),
        (
            &["--all-outdated", "--max-unavailable", "150%"][..],
            "between 1% and 100%",
        ),
        (
            &["--all-outdated", "--max-unavailable", "two"][..],
            "expected a count",
        ),
        (
            &["--all-outdated", "--canary", "0"][..],
            "--canary must be at least 1",
        ),
        (&["-l", "zone in (a", "--dry-run"][..], "invalid selector"),
        (
            &["--all-outdated", "--grace-period=-1"][..],
            "--grace-period",
        ),
    ] {
        let (code, out, err) = plan(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let (code, _, err) = plan(&["--all-outdated", "--timeout", "soon"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(kds().args(["replace", "agent", "--all-outdated", "-A"]));
    assert_eq!(code, 2);
    assert!(err.contains("instead of -A"), "{err}");
}

#[test]
fn refusals_in_the_cluster_state_exit_1() {
    let (code, _, err) = run(kds().arg("-f").arg(fixture()).args([
        "replace",
        "log-shipper",
        "--all-outdated",
        "--dry-run",
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("uses the RollingUpdate strategy"), "{err}");
    assert!(err.contains("--force"), "{err}");
    let (code, out, err) = run(kds().arg("-f").arg(fixture()).args([
        "replace",
        "log-shipper",
        "--all-outdated",
        "--force",
        "--max-unavailable",
        "100%",
        "--dry-run",
    ]));
    assert_eq!(code, 0, "{err}");
    // Warnings go to stderr (issue #14 item 12); the plan on stdout stays clean for scripts.
    assert!(
        err.contains("warning: the DaemonSet uses the RollingUpdate strategy"),
        "{err}"
    );
    assert!(!out.contains("warning:"), "{out}");

    let (code, _, err) = plan(&["--node", "w7", "--dry-run"]);
    assert_eq!(code, 1);
    assert!(err.contains("node \"w7\" not found"), "{err}");
    let (code, _, err) = run(kds().arg("-f").arg(fixture()).args([
        "replace",
        "node-agnet",
        "--all-outdated",
        "--dry-run",
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("did you mean \"node-agent\""), "{err}");
    let (code, _, err) = plan(&["-l", "zone=x", "--dry-run"]);
    assert_eq!(code, 1);
    assert_eq!(err, "error: no node matches the selector \"zone=x\"\n");
}

#[test]
fn live_without_a_cluster_is_one_error_line() {
    let (code, out, err) = run(kds().args(["replace", "agent", "--all-outdated"]));
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn help_names_the_contract() {
    let (code, out, _) = run(kds().args(["replace", "--help"]));
    assert_eq!(code, 0);
    for flag in [
        "--node",
        "--all-outdated",
        "--selector",
        "--force",
        "--max-unavailable",
        "--grace-period",
        "--timeout",
        "--canary",
        "--pause",
        "--dry-run",
    ] {
        assert!(out.contains(flag), "{flag} missing from\n{out}");
    }
}
