//! Tier 2: `pod`, `describe` and `logs` offline: the demo snapshot, and for `logs` a
//! `kubectl cluster-info dump` directory.

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
    // A saved file has no logs; only a cluster-info dump directory has (see `dump` below).
    let (code, _, err) = ds(&["logs", "node-monitor", "--node", "minikube"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("live cluster or the directory of a `kubectl cluster-info dump"),
        "{err}"
    );
    let (code, _, err) = ds(&["exec", "node-monitor", "--node", "minikube", "--", "true"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("live cluster"), "{err}");
}

/// `logs` on the `kubectl cluster-info dump` directory of tests/fixtures/logs-dump.
fn dump(args: &[&str]) -> (i32, String, String) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-dump");
    let mut cmd = kds();
    cmd.args(["logs", "node-exporter", "-n", "monitoring", "--from-file"])
        .arg(dir)
        .args(args);
    run(&mut cmd)
}

#[test]
fn dump_logs_of_the_default_container_as_written() {
    let (code, out, err) = dump(&["--node", "n1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err,
        "Defaulted container \"exporter\" out of: exporter, reloader\n"
    );
    // The section only: no START/END lines, no other container, the missing last newline kept.
    assert_eq!(
        out,
        "level=info msg=\"Starting node_exporter\" version=1.9.1\n\
         level=info msg=\"Enabled collectors\" count=41\n\
         level=info msg=\"Listening on\" address=[::]:9100\n\
         level=warn msg=\"hwmon: no sensors\""
    );
}

#[test]
fn dump_logs_of_an_init_container_with_tail() {
    let (code, out, err) = dump(&["--node", "n1", "-c", "setup"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "setup: sysfs mounted read-only\n", "")
    );
    let (code, out, _) = dump(&["--node", "n2", "-c", "exporter", "--tail", "1"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "level=info msg=\"Listening on\" address=[::]:9100\n")
    );
}

#[test]
fn dump_logs_on_several_nodes_are_prefixed_and_a_failed_fetch_is_reported() {
    let (code, out, err) = dump(&["--all-nodes", "-c", "reloader"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "[node/n1 pod/node-exporter-7xk2p/reloader] watching /etc/node-exporter\n"
    );
    assert_eq!(
        err,
        "error: node n2: the dump has no logs of container reloader of pod monitoring/node-exporter-q9m4d: \
         kubectl cluster-info dump wrote \"Request log error: the server rejected our request for an unknown reason (get pods node-exporter-q9m4d)\"\n\
         error: 1 of 2 pod logs failed (see above)\n"
    );
    let (code, out, _) = dump(&["--node", "n1", "--node", "n2", "--tail", "1"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "[node/n1 pod/node-exporter-7xk2p/exporter] level=warn msg=\"hwmon: no sensors\"\n\
         [node/n2 pod/node-exporter-q9m4d/exporter] level=info msg=\"Listening on\" address=[::]:9100\n"
    );
}

#[test]
fn dump_logs_refuse_what_a_dump_cannot_answer() {
    for (flag, why) in [
        ("--follow", "a dump does not grow"),
        (
            "--previous",
            "a dump holds only the current containers' logs",
        ),
        ("--timestamps", "a dump's logs have no timestamps"),
    ] {
        let (code, out, err) = dump(&["--node", "n1", flag]);
        assert_eq!((code, out.as_str()), (2, ""), "{flag}: {err}");
        assert_eq!(
            err,
            format!("error: {flag} needs a live cluster: {why} (--from-file)\n")
        );
    }
    // A node without a pod: the verdict, exit 3, as live.
    let (code, _, err) = dump(&["--node", "n3"]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.starts_with("no pod of daemonset monitoring/node-exporter on node n3: Excluded"),
        "{err}"
    );
}
