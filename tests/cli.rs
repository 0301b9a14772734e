//! Tier 2: the binary on offline snapshots — output pinned with insta, exit codes, errors.

mod common;

use common::cli::{demo, kds, run};

#[test]
fn help_speaks_as_a_kubectl_plugin() {
    let (code, out, _) = run(kds().arg("--help"));
    assert_eq!(code, 0);
    assert!(
        out.contains("Usage: kubectl ds [OPTIONS] <COMMAND>"),
        "{out}"
    );
    assert!(out.contains("Exit codes:"));
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run(kds().arg("--bogus"));
    assert_eq!(code, 2);
    assert!(err.contains("--bogus"));
    let (code, _, err) = run(kds().args(["why-missing", "-o", "xml", "x"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(kds().args(["why-missing", "-f"]).arg(demo()));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: name a DaemonSet, or a single --node to judge every DaemonSet on it\n"
    );
    let (code, _, err) = run(kds()
        .args(["why-missing", "--node", "a", "--node", "b", "-f"])
        .arg(demo()));
    assert_eq!(code, 2);
    assert!(err.starts_with("error: without a DaemonSet, give exactly one --node"));
}

#[test]
fn demo_table() {
    let (code, out, err) = run(kds()
        .args(["why-missing", "log-collector", "-f"])
        .arg(demo()));
    assert_eq!(code, 3, "problems found: {err}");
    assert_eq!(err, "");
    insta::assert_snapshot!("demo_log_collector_table", out);
}

#[test]
fn demo_wide() {
    let (code, out, _) = run(kds()
        .args([
            "why-missing",
            "node-monitor",
            "-n",
            "daemonset-demo",
            "-o",
            "wide",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 3);
    insta::assert_snapshot!("demo_node_monitor_wide", out);
}

#[test]
fn demo_json() {
    let (code, out, _) = run(kds()
        .args(["why-missing", "log-collector", "-o", "json", "-f"])
        .arg(demo()));
    assert_eq!(code, 3);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(doc["kind"], "WhyMissingReport");
    assert_eq!(doc["daemonSet"]["name"], "log-collector");
    assert_eq!(doc["summary"]["nodes"], 6);
    insta::assert_snapshot!("demo_log_collector_json", out);
}

#[test]
fn demo_yaml_is_the_same_document() {
    let (_, json_out, _) = run(kds()
        .args(["why-missing", "log-collector", "-o", "json", "-f"])
        .arg(demo()));
    let (code, yaml_out, _) = run(kds()
        .args(["why-missing", "log-collector", "-o", "yaml", "-f"])
        .arg(demo()));
    assert_eq!(code, 3);
    let from_json: serde_json::Value = serde_json::from_str(&json_out).unwrap();
    let from_yaml: serde_json::Value = serde_saphyr::from_str(&yaml_out).unwrap();
    assert_eq!(from_json, from_yaml);
}

#[test]
fn node_report() {
    let (code, out, _) = run(kds()
        .args(["why-missing", "--node", "minikube-m06", "-f"])
        .arg(demo()));
    assert_eq!(code, 3);
    insta::assert_snapshot!("demo_node_report_m06", out);
    let (code, out, _) = run(kds()
        .args(["why-missing", "--node", "minikube-m02", "-o", "json", "-f"])
        .arg(demo()));
    assert_eq!(
        code, 0,
        "nothing Missing/Pending/Failing on m02 (log-collector is Outdated)"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["kind"], "NodeReport");
    assert_eq!(doc["daemonSets"].as_array().unwrap().len(), 2);
}

#[test]
fn only_the_named_nodes() {
    let (code, out, _) = run(kds()
        .args([
            "why-missing",
            "log-collector",
            "--node",
            "minikube-m02",
            "-o",
            "json",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 0, "an Outdated node alone is not a problem");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["nodes"][0]["verdict"], "Outdated");
}

#[test]
fn not_found_suggests_close_names() {
    let (code, out, err) = run(kds()
        .args(["why-missing", "log-colector", "-f"])
        .arg(demo()));
    assert_eq!((code, out.as_str()), (1, ""));
    assert_eq!(
        err,
        "error: daemonset \"log-colector\" not found (did you mean \"log-collector\"?)\n"
    );
    let (code, _, err) = run(kds()
        .args([
            "why-missing",
            "log-collector",
            "--node",
            "minikube-m7",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: node \"minikube-m7\" not found (did you mean \"minikube-m0"),
        "{err}"
    );
    let (code, _, err) = run(kds()
        .args(["why-missing", "log-collector", "-n", "kube-system", "-f"])
        .arg(demo()));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: daemonset \"log-collector\" not found in namespace \"kube-system\"; it exists in \
         daemonset-demo; use -n daemonset-demo\n"
    );
}

#[test]
fn unreadable_input_is_one_error_line() {
    let (code, _, err) = run(kds().args(["why-missing", "x", "-f", "/nonexistent/dump.yaml"]));
    assert_eq!(code, 1);
    assert!(err.starts_with("error: /nonexistent/dump.yaml: "), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn stdin_dash() {
    let yaml = std::fs::read(demo()).unwrap();
    let (code, out, _) = run(kds()
        .args(["why-missing", "node-monitor", "-o", "json", "-f", "-"])
        .write_stdin(yaml));
    assert_eq!(code, 3);
    assert!(out.contains("\"WhyMissingReport\""));
}

#[test]
fn no_cluster_is_a_clear_error() {
    let (code, _, err) = run(kds().args(["why-missing", "x"]));
    assert_eq!(code, 1);
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn committed_completions_are_current() {
    for (shell, file) in [
        ("bash", "kubectl-ds.bash"),
        ("zsh", "_kubectl-ds"),
        ("fish", "kubectl-ds.fish"),
    ] {
        let (code, out, _) = run(kds().args(["completion", shell]));
        assert_eq!(code, 0);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == out,
            "{} is stale: regenerate with `cargo run -- completion {shell} > completions/{file}`",
            path.display()
        );
    }
}
