//! Tier 2: `pod` and `describe` on the demo snapshot, offline.

mod common;

use common::cli::{demo, kds, run};

fn ds(args: &[&str]) -> (i32, String, String) {
    let mut cmd = kds();
    cmd.arg("-f").arg(demo()).args(args);
    run(&mut cmd)
}

#[test]
fn pod_name_for_scripts() {
    let (code, out, err) = ds(&["pod", "node-monitor", "--node", "minikube", "-o", "name"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "pod/node-monitor-x7k2p\n", "")
    );
}

#[test]
fn pod_wide_on_several_nodes() {
    let (code, out, err) = ds(&[
        "pod",
        "log-collector",
        "--node",
        "minikube-m03",
        "--node",
        "minikube-m04",
        "-o",
        "wide",
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("pod_log_collector_wide", out);
}

#[test]
fn pod_all_nodes_table() {
    let (code, out, err) = ds(&["pod", "log-collector", "--all-nodes"]);
    assert_eq!((code, err.as_str()), (0, ""));
    // The control-plane node is Excluded and has no pod: not listed without -o wide.
    assert!(!out.contains("minikube "), "{out}");
    insta::assert_snapshot!("pod_log_collector_all_nodes", out);
}

#[test]
fn pod_json_document() {
    let (code, out, _) = ds(&[
        "pod",
        "node-monitor",
        "--node",
        "minikube-m05",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["kind"], "DaemonSetPods");
    assert_eq!(doc["nodes"][0]["pod"], "node-monitor-f5w8z");
    assert_eq!(doc["nodes"][0]["verdict"], "Misscheduled");
}

#[test]
fn no_pod_exits_3_with_the_verdict() {
    let (code, out, err) = ds(&[
        "pod",
        "node-monitor",
        "--node",
        "minikube-m06",
        "-o",
        "name",
    ]);
    assert_eq!(code, 3);
    assert_eq!(out, "");
    assert!(
        err.starts_with(
            "no pod of daemonset daemonset-demo/node-monitor on node minikube-m06: Missing"
        ),
        "{err}"
    );
    assert!(err.contains("FailedCreate"), "{err}");
    assert!(err.contains("hint: raise the ResourceQuota"), "{err}");
}

#[test]
fn unknown_names_are_suggested() {
    let (code, _, err) = ds(&["pod", "node-monitr", "--node", "minikube"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean \"node-monitor\""), "{err}");
    let (code, _, err) = ds(&["pod", "node-monitor", "--node", "minikube-m6"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("node \"minikube-m6\" not found (did you mean"),
        "{err}"
    );
}

#[test]
fn pod_needs_a_node() {
    let (code, _, err) = ds(&["pod", "node-monitor"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn name_output_is_for_pod_only() {
    let (code, _, err) = ds(&["why-missing", "node-monitor", "-o", "name"]);
    assert_eq!(code, 2);
    assert!(err.contains("unsupported output format"), "{err}");
}

#[test]
fn describe_daemon_set() {
    let (code, out, err) = ds(&["describe", "log-collector"]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("describe_log_collector", out);
}

#[test]
fn describe_node_with_pod() {
    let (code, out, err) = ds(&["describe", "log-collector", "--node", "minikube-m03"]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("describe_log_collector_m03", out);
}

#[test]
fn describe_node_without_pod() {
    let (code, out, _) = ds(&["describe", "node-monitor", "--node", "minikube-m06"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("describe_node_monitor_m06", out);
}

#[test]
fn logs_and_exec_need_a_live_cluster() {
    let (code, _, err) = ds(&["logs", "node-monitor", "--node", "minikube"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("live cluster"), "{err}");
    let (code, _, err) = ds(&["exec", "node-monitor", "--node", "minikube", "--", "true"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("live cluster"), "{err}");
}
