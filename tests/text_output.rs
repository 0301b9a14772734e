//! Tier 2: kubectl's habits in text output (issue #14 items 11 and 12): `--no-headers` prints the
//! rows alone, so `| awk` works; every `warning:` line goes to stderr, while JSON keeps the
//! warnings in its `warnings` field.

mod common;

use std::path::PathBuf;

use common::cli::{demo, kds, run};

fn hostile() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/cluster.json")
}

/// The DaemonSet of the hostile fixture whose status lags behind its spec (a warning).
const LAGGING: &str = "ev\u{1b}]0;pwned\u{7}il";

#[test]
fn no_headers_prints_only_the_rows_of_why_missing() {
    let (code, out, err) = run(kds().arg("-f").arg(demo()).args([
        "why-missing",
        "log-collector",
        "-n",
        "daemonset-demo",
        "--no-headers",
    ]));
    assert_eq!(code, 3, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        5,
        "one line per node needing attention:\n{out}"
    );
    for line in &lines {
        assert!(
            line.starts_with("minikube-m0"),
            "not a row: {line:?}\n{out}"
        );
    }
    let nodes: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(
        nodes,
        [
            "minikube-m06",
            "minikube-m04",
            "minikube-m03",
            "minikube-m05",
            "minikube-m02"
        ]
    );
    // With headers: the title, the header row, hints and the summary are there.
    let (_, full, _) = run(kds().arg("-f").arg(demo()).args([
        "why-missing",
        "log-collector",
        "-n",
        "daemonset-demo",
    ]));
    for part in [
        "DaemonSet daemonset-demo/log-collector",
        "NODE ",
        "Hints:",
        "6 nodes:",
    ] {
        assert!(full.contains(part), "{part} missing:\n{full}");
        assert!(
            !out.contains(part),
            "{part} printed with --no-headers:\n{out}"
        );
    }
}

#[test]
fn no_headers_prints_only_the_rows_of_the_node_report_and_rollout_status() {
    let (_, out, _) = run(kds().arg("-f").arg(demo()).args([
        "why-missing",
        "--node",
        "minikube-m03",
        "-A",
        "--no-headers",
    ]));
    assert!(!out.is_empty());
    assert!(
        out.lines().all(|l| l.starts_with("daemonset-demo ")
            || l.starts_with("kube-system ")
            || l.starts_with("monitoring ")),
        "{out}"
    );
    let (code, out, err) = run(kds().arg("-f").arg(demo()).args([
        "rollout",
        "status",
        "log-collector",
        "-n",
        "daemonset-demo",
        "--no-headers",
    ]));
    assert_eq!(code, 3, "{err}");
    assert!(!out.is_empty());
    for line in out.lines() {
        assert!(
            line.starts_with("minikube-m0"),
            "not a row: {line:?}\n{out}"
        );
    }
}

#[test]
fn warnings_go_to_stderr_and_json_keeps_them() {
    for args in [
        vec!["why-missing", LAGGING],
        vec!["why-missing", LAGGING, "-o", "wide"],
        vec!["rollout", "status", LAGGING],
    ] {
        let (_, out, err) = run(kds()
            .arg("-f")
            .arg(hostile())
            .args(["-n", "prod"])
            .args(&args));
        assert!(!out.contains("warning:"), "{args:?} stdout:\n{out}");
        assert!(
            err.lines()
                .any(|l| l.starts_with("warning: the controller has not yet observed")),
            "{args:?} stderr:\n{err}"
        );
    }
    let (_, out, err) = run(kds().arg("-f").arg(hostile()).args([
        "-n",
        "prod",
        "why-missing",
        LAGGING,
        "-o",
        "json",
    ]));
    assert!(!err.contains("not yet observed the latest spec"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let warnings = doc["warnings"].as_array().expect("a warnings array");
    assert!(
        warnings.iter().any(|w| w
            .as_str()
            .unwrap()
            .contains("not yet observed the latest spec")),
        "{out}"
    );
}
