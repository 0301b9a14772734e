//! Never a false "healthy" or "rolled out": an input that cannot answer the question (no nodes,
//! no pods while the status counts some, no DaemonSets) ends in one `error:` line and exit 1; a
//! rollout whose status counts say done while nodes lag is not complete (exit 3, nodes named);
//! an operator the API does not define is a warning naming the field.

mod common;

use common::cli::{kds, run};

/// A DaemonSet `ns/x` whose status counts two nodes running it.
const DS: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x, namespace: ns, uid: u1, generation: 1}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: busybox}]
status: {observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 2, updatedNumberScheduled: 2, numberAvailable: 2}
"#;

const NODE: &str = r#"apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status:
  conditions: [{type: Ready, status: "True"}]
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
"#;

/// A bare manifest as `kubectl apply` takes it: no status at all.
const MANIFEST: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ops}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: busybox}]
"#;

fn file(content: &str) -> tempfile_path::TempFile {
    tempfile_path::TempFile::with(content)
}

/// A small temporary file that removes itself (no extra dev-dependency).
mod tempfile_path {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct TempFile(PathBuf);

    impl TempFile {
        pub fn with(content: &str) -> TempFile {
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "kds-answerable-{}-{}.yaml",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::write(&path, content).unwrap();
            TempFile(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

fn one_error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("warning:"))
        .collect();
    assert_eq!(lines.len(), 1, "one error line expected: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    lines[0]
}

#[test]
fn why_missing_without_nodes_says_the_input_cannot_answer() {
    let f = file(DS);
    let (code, stdout, stderr) = run(kds()
        .args(["why-missing", "x", "-n", "ns", "-f"])
        .arg(f.path()));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("healthy"), "{stdout}");
    let line = one_error_line(&stderr);
    assert!(
        line.contains("the input has no Node objects")
            && line.contains("daemonset ns/x")
            && line.contains("kubectl get nodes,pods"),
        "{line}"
    );
}

#[test]
fn rollout_status_of_a_bare_manifest_is_not_rolled_out() {
    let f = file(MANIFEST);
    let (code, stdout, stderr) = run(kds()
        .args(["rollout", "status", "agent", "-f"])
        .arg(f.path()));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("successfully rolled out"), "{stdout}");
    assert!(one_error_line(&stderr).contains("daemonset ops/agent"));
}

#[test]
fn list_without_nodes_or_without_daemon_sets_is_an_error() {
    let no_nodes = file(DS);
    let (code, stdout, stderr) = run(kds().args(["list", "-A", "-f"]).arg(no_nodes.path()));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(one_error_line(&stderr).contains("no Node objects"));

    let no_ds = file(NODE);
    let (code, stdout, stderr) = run(kds().args(["list", "-A", "-f"]).arg(no_ds.path()));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(one_error_line(&stderr).contains("the input has no DaemonSet objects"));

    // DaemonSets exist, none in the namespace asked: kubectl's honest empty answer.
    let both = file(&format!("{NODE}---\n{MANIFEST}"));
    let (code, stdout, stderr) = run(kds()
        .args(["list", "-n", "elsewhere", "-f"])
        .arg(both.path()));
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(stderr, "No resources found in elsewhere namespace.\n");
}

#[test]
fn pods_missing_from_the_input_while_the_status_counts_them() {
    let f = file(&format!("{NODE}---\n{DS}"));
    for args in [
        &["why-missing", "x", "-n", "ns"][..],
        &["rollout", "status", "x", "-n", "ns"][..],
        &["list", "-A"][..],
    ] {
        let (code, stdout, stderr) = run(kds().args(args).arg("-f").arg(f.path()));
        assert_eq!(code, 1, "{args:?}: {stdout}{stderr}");
        let line = one_error_line(&stderr);
        assert!(
            line.contains("the input has no pods of daemonset ns/x")
                && line.contains("counts 2 node(s)")
                && line.contains("kubectl get pods -n ns -o yaml"),
            "{args:?}: {line}"
        );
    }
}

#[test]
fn why_missing_on_a_node_without_any_daemon_set_in_the_input() {
    let f = file(NODE);
    let (code, stdout, stderr) = run(kds()
        .args(["why-missing", "--node", "n1", "-A", "-f"])
        .arg(f.path()));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(!stdout.contains("healthy"), "{stdout}");
    assert!(one_error_line(&stderr).contains("no DaemonSet objects"));
}

#[test]
fn counts_that_say_done_are_not_enough_when_nodes_lag() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rollout/cluster.yaml");
    let (code, stdout, stderr) = run(kds()
        .args(["rollout", "status", "fresh", "-n", "prod", "-f"])
        .arg(&fixture));
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(!stdout.contains("successfully rolled out"), "{stdout}");
    assert!(
        stdout.starts_with("Waiting for daemon set \"fresh\" rollout to finish: its status counts every pod updated and available, but 2 nodes that should run one have no ready pod of the current revision (node-a, node-b)..."),
        "{stdout}"
    );
    let (code, json, _) = run(kds()
        .args([
            "rollout", "status", "fresh", "-n", "prod", "-o", "json", "-f",
        ])
        .arg(&fixture));
    assert_eq!(code, 3);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["complete"], false);
    let missing: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["verdict"] == "Missing")
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["node-a", "node-b"]);
}

#[test]
fn an_unknown_operator_is_a_warning_that_names_the_field() {
    let typo = MANIFEST.replace(
        "  selector: {matchLabels: {app: agent}}",
        "  selector: {matchLabels: {app: agent}, matchExpressions: [{key: tier, operator: in, values: [node]}]}",
    );
    let f = file(&format!("{NODE}---\n{typo}"));
    let mut cmd = kds();
    cmd.args(["why-missing", "agent", "-n", "ops", "-o", "json", "-f"])
        .arg(f.path());
    let (_, stdout, stderr) = run(&mut cmd);
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    let warnings: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w.as_str())
        .collect();
    assert!(
        warnings.iter().any(|w| w
            .starts_with("spec.selector.matchExpressions[0].operator: unknown operator \"in\"")),
        "{warnings:?}"
    );
}
