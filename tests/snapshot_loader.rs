//! The offline snapshot loader against fixture files in every supported layout, and against
//! broken input (which must give a one-line error naming the file, never a panic).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kubectl_ds::model::{IntOrString, Snapshot};
use kubectl_ds::snapshot::{Loaded, load_bytes, load_paths};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/loader")
        .join(name)
}

fn load(names: &[&str]) -> Loaded {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    load_paths(&paths, &mut std::io::empty()).unwrap_or_else(|e| panic!("{names:?}: {e}"))
}

fn load_err(names: &[&str]) -> String {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    match load_paths(&paths, &mut std::io::empty()) {
        Ok(_) => panic!("{names:?} loaded"),
        Err(e) => e.to_string(),
    }
}

/// `(nodes, pods, daemon sets, revisions, events)`.
fn counts(s: &Snapshot) -> (usize, usize, usize, usize, usize) {
    (
        s.nodes.len(),
        s.pods.len(),
        s.daemon_sets.len(),
        s.revisions.len(),
        s.events.len(),
    )
}

fn pod_keys(s: &Snapshot) -> Vec<String> {
    s.pods.iter().map(|p| p.metadata.key()).collect()
}

/// A directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("kubectl-ds-loader-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn json_list_as_kubectl_get_prints_it() {
    let loaded = load(&["list.json"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    // The ReplicaSet and the Service are dropped silently.
    assert_eq!(counts(s), (1, 1, 1, 1, 1));

    let node = s.node("node-a").unwrap();
    assert!(node.is_ready());
    assert_eq!(node.spec.taints[0].key, "dedicated");
    assert_eq!(node.allocatable().get("cpu"), 3900);
    assert_eq!(node.metadata.labels["kubernetes.io/os"], "linux");

    let ds = s.daemon_set("kube-system", "fluentd").unwrap();
    assert_eq!(ds.strategy(), "RollingUpdate");
    let rolling = ds.spec.update_strategy.rolling_update.as_ref().unwrap();
    assert_eq!(
        rolling.max_unavailable,
        Some(IntOrString::String("10%".into()))
    );
    assert_eq!(ds.spec.template.spec.containers[0].request("cpu"), 100);
    assert_eq!(ds.status.desired_number_scheduled, 1);

    let pod = &s.pods[0];
    assert_eq!(pod.metadata.key(), "kube-system/fluentd-x7k2p");
    assert_eq!(pod.metadata.controller_ref().unwrap().name, "fluentd");
    assert_eq!(pod.target_node(), Some("node-a"));
    assert!(pod.is_ready());

    assert_eq!(s.revisions[0].hash(), "7d9f8c6b5");
    assert_eq!(s.revisions[0].revision, 3);
    assert_eq!(s.events[0].reason, "SuccessfulCreate");
    assert_eq!(s.events[0].occurrences(), 4);
    assert_eq!(s.events[0].involved_object.name, "fluentd");
}

#[test]
fn yaml_list_as_kubectl_get_prints_it() {
    let loaded = load(&["list.yaml"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (1, 1, 1, 0, 0));
    let node = s.node("node-b").unwrap();
    assert_eq!(node.spec.unschedulable, Some(true));
    assert_eq!(
        node.metadata.labels["node-role.kubernetes.io/control-plane"],
        ""
    );
    assert_eq!(node.allocatable().get("memory"), 7 * (1i128 << 30) * 1000);
    let ds = s.daemon_set("monitoring", "node-exporter").unwrap();
    assert_eq!(ds.strategy(), "OnDelete");
    assert!(ds.spec.template.spec.uses_host_network());
    assert_eq!(
        ds.spec.template.spec.containers[0].ports[0].host_port,
        Some(9100)
    );
    let status = &s.pods[0].status.container_statuses[0];
    assert_eq!(status.restart_count, 7);
    let waiting = status.state.as_ref().unwrap().waiting.as_ref().unwrap();
    assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
}

#[test]
fn multi_document_yaml() {
    let loaded = load(&["multi.yaml"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (1, 2, 1, 0, 0));
    assert_eq!(s.nodes[0].name(), "node-c");
    let ds = s.daemon_set("kube-system", "kube-proxy").unwrap();
    assert_eq!(
        ds.spec.selector.as_ref().unwrap().match_labels["k8s-app"],
        "kube-proxy"
    );
    // The third document is a typed list whose items have no kind.
    assert_eq!(
        pod_keys(s),
        ["kube-system/kube-proxy-1", "kube-system/kube-proxy-2"]
    );
    assert_eq!(s.pods[0].spec.node_name, "node-c");
}

#[test]
fn single_object() {
    let loaded = load(&["pod.json"]);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (0, 1, 0, 0, 0));
    assert_eq!(s.pods[0].metadata.key(), "default/web-0");
    assert_eq!(
        s.pods[0].metadata.uid,
        "bb000000-0000-4000-8000-000000000001"
    );
    assert_eq!(s.pods[0].spec.containers[0].request("cpu"), 250);
    assert_eq!(s.pods[0].status.phase, "Pending");
}

#[test]
fn typed_list_items_take_the_list_kind() {
    let loaded = load(&["typed-list.json"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (0, 3, 0, 0, 0));
    let phases: Vec<&str> = s.pods.iter().map(|p| p.status.phase.as_str()).collect();
    assert_eq!(phases, ["Running", "Pending", ""]);
    assert_eq!(s.pods[1].spec.node_name, "node-b");

    // The list's kind may follow its items.
    let loaded = load(&["typed-list-kind-last.json"]);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (2, 0, 0, 0, 0));
    assert_eq!(s.node("n2").unwrap().spec.unschedulable, Some(true));
    assert_eq!(s.node("n1").unwrap().spec.unschedulable, None);
}

#[test]
fn concatenated_json_lists_as_cluster_info_dump_prints_them() {
    let loaded = load(&["stream.json"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (1, 2, 1, 0, 0));
    assert_eq!(s.node("worker-1").unwrap().allocatable().get("cpu"), 8000);
    assert_eq!(
        s.daemon_set("kube-system", "cilium")
            .unwrap()
            .spec
            .min_ready_seconds,
        5
    );
    assert_eq!(
        pod_keys(s),
        ["kube-system/cilium-q8w7e", "kube-system/cilium-operator-1"]
    );
}

#[test]
fn cluster_info_dump_directory() {
    let loaded = load(&["dump"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    // logs.txt (which is not JSON) and the ReplicaSets are skipped; the empty lists are fine.
    assert_eq!(counts(s), (2, 2, 1, 0, 1));
    assert!(s.node("kind-control-plane").unwrap().is_ready());
    assert!(!s.node("kind-worker").unwrap().is_ready());
    let ds = s.daemon_set("kube-system", "fluentd").unwrap();
    assert_eq!(ds.status.number_ready, 1);
    assert_eq!(s.events[0].occurrences(), 12);
    assert_eq!(s.events[0].involved_object.name, "fluentd-x7k2p");
    // Files load in name order, so the result is the same on every run.
    assert_eq!(
        pod_keys(s),
        ["kube-system/fluentd-x7k2p", "kube-system/fluentd-m4n5b"]
    );
}

#[test]
fn directories_skip_symlinks_and_other_files() {
    let dir = TempDir::new("symlinks");
    std::fs::copy(fixture("pod.json"), dir.0.join("a.json")).unwrap();
    std::fs::write(dir.0.join("notes.txt"), "not an object").unwrap();
    std::fs::write(dir.0.join("binary.bin"), [0u8, 1, 2]).unwrap();
    std::os::unix::fs::symlink(fixture("list.json"), dir.0.join("b.json")).unwrap();
    std::os::unix::fs::symlink(fixture("dump"), dir.0.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/dangling.json", dir.0.join("c.json")).unwrap();
    let loaded = load_paths(std::slice::from_ref(&dir.0), &mut std::io::empty()).unwrap();
    assert_eq!(counts(&loaded.snapshot), (0, 1, 0, 0, 0));
    assert_eq!(pod_keys(&loaded.snapshot), ["default/web-0"]);

    // A symbolic link named on the command line is followed.
    let linked = load_paths(&[dir.0.join("b.json")], &mut std::io::empty()).unwrap();
    assert_eq!(counts(&linked.snapshot), (1, 1, 1, 1, 1));
}

#[test]
fn empty_directories_are_errors() {
    let dir = TempDir::new("empty");
    let shown = dir.0.display().to_string();
    let err = load_paths(std::slice::from_ref(&dir.0), &mut std::io::empty())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!("{shown}: no Kubernetes objects found (no .json, .yaml or .yml files)")
    );

    std::fs::create_dir(dir.0.join("ns")).unwrap();
    std::fs::write(
        dir.0.join("ns/pods.json"),
        r#"{"kind": "PodList", "apiVersion": "v1", "items": []}"#,
    )
    .unwrap();
    let err = load_paths(std::slice::from_ref(&dir.0), &mut std::io::empty())
        .unwrap_err()
        .to_string();
    assert_eq!(err, format!("{shown}: no Kubernetes objects found"));
}

#[test]
fn stdin_and_files_together() {
    let yaml = std::fs::read(fixture("multi.yaml")).unwrap();
    let paths = [PathBuf::from("-"), fixture("pod.json")];
    let loaded = load_paths(&paths, &mut yaml.as_slice()).unwrap();
    assert_eq!(counts(&loaded.snapshot), (1, 3, 1, 0, 0));
    assert_eq!(loaded.snapshot.pods[2].metadata.name, "web-0");

    // JSON on stdin is streamed like a file.
    let json = std::fs::read(fixture("stream.json")).unwrap();
    let loaded = load_paths(&[PathBuf::from("-")], &mut json.as_slice()).unwrap();
    assert_eq!(counts(&loaded.snapshot), (1, 2, 1, 0, 0));

    let err = load_paths(&[PathBuf::from("-")], &mut std::io::empty())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "<stdin>: no Kubernetes objects found (the input is empty)"
    );
    let err = load_paths(&[PathBuf::from("-")], &mut &b"{\"kind\": \"Pod\""[..])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "<stdin>: line 1, column 15: unexpected end of input, expected `}` (is the file truncated?)"
    );
}

#[test]
fn unknown_api_versions_are_skipped_with_a_warning() {
    let loaded = load(&["unknown-api.yaml"]);
    let file = fixture("unknown-api.yaml").display().to_string();
    assert_eq!(
        loaded.warnings,
        [
            format!(
                "{file}: document 1: DaemonSet legacy/old-agent: apiVersion extensions/v1beta1 is not supported (known: apps/v1); skipped"
            ),
            format!(
                "{file}: document 3: Pod future-pod: apiVersion v2 is not supported (known: v1); skipped"
            ),
        ]
    );
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (0, 0, 1, 0, 0));
    assert_eq!(s.daemon_sets[0].metadata.name, "new-agent");
}

#[test]
fn duplicates_keep_the_later_copy_with_one_warning() {
    let loaded = load(&["duplicates.json"]);
    let file = fixture("duplicates.json").display().to_string();
    // Three copies of ns1/dup, one warning; ns2/dup and the Node `dup` are other objects.
    assert_eq!(
        loaded.warnings,
        [format!(
            "duplicate Pod ns1/dup in {file}; using the later one"
        )]
    );
    let s = &loaded.snapshot;
    assert_eq!(counts(s), (1, 3, 0, 0, 0));
    assert_eq!(pod_keys(s), ["ns1/other", "ns2/dup", "ns1/dup"]);
    assert_eq!(s.pods[2].status.phase, "Succeeded");

    // Across files the later file wins, and the warning names both.
    let loaded = load(&["duplicates.json", "duplicates-later.yaml"]);
    let later = fixture("duplicates-later.yaml").display().to_string();
    assert_eq!(
        loaded.warnings,
        [
            format!("duplicate Pod ns1/dup in {file}; using the later one"),
            format!(
                "duplicate Pod ns1/other in {later} (earlier copy in {file}); using the later one"
            ),
        ]
    );
    let other = loaded
        .snapshot
        .pods
        .iter()
        .find(|p| p.metadata.key() == "ns1/other")
        .unwrap();
    assert_eq!(other.status.phase, "Failed");
}

#[test]
fn objects_without_name_or_kind_are_skipped_with_a_warning() {
    let loaded = load(&["missing-name.json"]);
    let file = fixture("missing-name.json").display().to_string();
    assert_eq!(
        loaded.warnings,
        [
            format!("{file}: item 2 (Pod): metadata.name is missing; skipped"),
            format!("{file}: item 3 (DaemonSet): metadata.name is missing; skipped"),
            format!("{file}: item 4 (Node): metadata.name is missing; skipped"),
            format!("{file}: item 5 (no-kind): kind is missing; skipped"),
        ]
    );
    assert_eq!(pod_keys(&loaded.snapshot), ["default/named"]);
    assert_eq!(counts(&loaded.snapshot), (0, 1, 0, 0, 0));
}

#[test]
fn events_k8s_io_v1() {
    let loaded = load(&["events-k8s-io.yaml"]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let events = &loaded.snapshot.events;
    assert_eq!(events.len(), 2);
    // `regarding`, `note` and `deprecatedCount` fill the v1 fields.
    assert_eq!(events[0].involved_object.kind, "Pod");
    assert_eq!(events[0].involved_object.name, "fluentd-x7k2p");
    assert_eq!(events[0].reason, "FailedMount");
    assert!(
        events[0]
            .message
            .contains("configmap \"fluentd-config\" not found")
    );
    assert_eq!(events[0].occurrences(), 3);
    assert_eq!(
        events[0].last_seen().unwrap().to_string(),
        "2026-01-10T09:05:00Z"
    );
    assert_eq!(events[1].occurrences(), 9);
    assert_eq!(events[1].involved_object.kind, "DaemonSet");
    assert_eq!(
        events[1].last_seen().unwrap().to_string(),
        "2026-01-10T09:30:00Z"
    );
}

#[test]
fn empty_input_is_an_error() {
    let file = fixture("empty.json").display().to_string();
    assert_eq!(
        load_err(&["empty.json"]),
        format!("{file}: no Kubernetes objects found (the input is empty)")
    );
    let file = fixture("blank.yaml").display().to_string();
    assert_eq!(
        load_err(&["blank.yaml"]),
        format!("{file}: no Kubernetes objects found")
    );
    assert_eq!(
        load_bytes("mem", b" \n\t ").unwrap_err().to_string(),
        "mem: no Kubernetes objects found (the input is empty)"
    );
    let err = load_paths(&[], &mut std::io::empty())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("no input given"), "{err}");
    let missing = fixture("no-such-file.json").display().to_string();
    let err = load_err(&["no-such-file.json"]);
    assert!(err.starts_with(&format!("{missing}: ")), "{err}");
}

#[test]
fn truncated_json_names_the_place() {
    let file = fixture("truncated.json").display().to_string();
    assert_eq!(
        load_err(&["truncated.json"]),
        format!(
            "{file}: line 14, column 17 (item 1): unexpected end of input (is the file truncated?)"
        )
    );
    let err = load_bytes(
        "cut.json",
        br#"{"kind": "List", "items": [{"kind": "Pod"}, "#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("cut.json: line 1, column "), "{err}");
    assert!(
        err.contains("(item 2)") && err.contains("truncated"),
        "{err}"
    );
}

#[test]
fn malformed_json_names_line_item_and_object() {
    let text = br#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ok", "namespace": "a"}},
  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad", "namespace": "a"},
   "status": {"containerStatuses": [{"name": "c", "restartCount": "seven"}]}}
]}"#;
    assert_eq!(
        load_bytes("pods.json", text).unwrap_err().to_string(),
        "pods.json: line 4, column 73: item 2 (Pod a/bad): invalid type: string \"seven\", expected i32"
    );
    let err = load_bytes("x.json", br#"{"items": [{"kind": "Pod"} {"kind": "Pod"}]}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.json: line 1, column 28 (item 2): expected `,` or `]`"
    );
    let err = load_bytes(
        "x.json",
        br#"{"items": [{"kind": "Pod", "metadata": {"name": tru}}]}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("x.json: line 1, column "), "{err}");
    assert!(err.contains("item 1 (Pod)"), "{err}");
    let err = load_bytes("x.json", b"{\"kind\": \"Pod\"} 42")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.json: line 1, column 17: expected `{` or `[` (another JSON object or list)"
    );
    // Blank lines before the first value count.
    let err = load_bytes("x.json", b"\n\n  {\"items\": [1]}")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.json: line 3, column 14 (item 1): expected an object"
    );
    let err = load_bytes("x.json", br#"{"items": ["a"]}"#)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "x.json: line 1, column 12 (item 1): expected an object"
    );
}

#[test]
fn malformed_yaml_names_the_document() {
    let file = fixture("bad-type.yaml").display().to_string();
    assert_eq!(
        load_err(&["bad-type.yaml"]),
        format!(
            "{file}: document 2: Pod default/broken: invalid type: string \"not a list\", expected a sequence"
        )
    );
    let file = fixture("bad-syntax.yaml").display().to_string();
    let err = load_err(&["bad-syntax.yaml"]);
    assert!(err.starts_with(&format!("{file}: ")), "{err}");
    assert!(err.contains("line 5"), "{err}");
    assert!(!err.contains('\n'), "{err}");
    let err = load_bytes("s.yaml", b"just some text\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "s.yaml: expected a Kubernetes object or list, found a string"
    );
}

#[test]
fn binary_input_is_refused() {
    let err = load_bytes("blob", &[0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "blob: binary data (NUL byte at offset 7); expected JSON or YAML"
    );
    let err = load_bytes("latin1.yaml", b"kind: Pod\nmetadata:\n  name: caf\xe9\n")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "latin1.yaml: not UTF-8 text (invalid byte at offset 31); expected JSON or YAML"
    );
    // Binary after a `{` goes to the JSON parser, which rejects it just as clearly.
    let err = load_bytes("blob.json", b"{\x00\x01\xff}")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("blob.json: line 1, column "), "{err}");
    let err = load_bytes("utf16.json", b"\xff\xfe{\x00}\x00")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("utf16.json: UTF-16 text (byte order mark FF FE)"),
        "{err}"
    );
    assert!(err.contains("iconv -f UTF-16 -t UTF-8"), "{err}");
}

#[test]
fn alias_bomb_fails_fast() {
    let started = Instant::now();
    let file = fixture("alias-bomb.yaml").display().to_string();
    let err = load_err(&["alias-bomb.yaml"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    assert!(err.starts_with(&format!("{file}: YAML refused")), "{err}");
    assert!(err.contains("alias bomb?"), "{err}");
    assert!(!err.contains('\n'), "{err}");
}

#[test]
fn byte_order_mark_and_crlf_are_accepted() {
    let json = b"\xEF\xBB\xBF{\"apiVersion\": \"v1\", \"kind\": \"Node\",\r\n \"metadata\": {\"name\": \"n\"}}\r\n";
    assert_eq!(
        load_bytes("bom.json", json).unwrap().snapshot.nodes[0].name(),
        "n"
    );
    let yaml = b"\xEF\xBB\xBFapiVersion: v1\r\nkind: Node\r\nmetadata:\r\n  name: m\r\n";
    assert_eq!(
        load_bytes("bom.yaml", yaml).unwrap().snapshot.nodes[0].name(),
        "m"
    );
}

#[test]
fn yaml_scalars_that_look_like_booleans_stay_strings() {
    let yaml = b"apiVersion: v1\nkind: Node\nmetadata:\n  name: n\n  labels:\n    on: yes\n    mode: off\n";
    let loaded = load_bytes("b.yaml", yaml).unwrap();
    let node = &loaded.snapshot.nodes[0];
    assert_eq!(node.name(), "n");
    assert_eq!(node.metadata.labels["on"], "yes");
    assert_eq!(node.metadata.labels["mode"], "off");
}

#[test]
fn large_list_streams_through_stdin() {
    // Bigger than one read chunk, so items straddle chunk boundaries.
    let mut text = String::from("{\"apiVersion\": \"v1\", \"items\": [\n");
    let pods = 8_000;
    for i in 0..pods {
        if i > 0 {
            text.push_str(",\n");
        }
        text.push_str(&format!(
            r#"    {{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "p-{i}", "namespace": "ns-{}", "uid": "u-{i}", "labels": {{"app": "agent", "note": "{}"}}}}, "spec": {{"nodeName": "node-{}"}}, "status": {{"phase": "Running"}}}}"#,
            i % 7,
            "x".repeat(i % 900),
            i % 50
        ));
    }
    text.push_str("\n], \"kind\": \"List\", \"metadata\": {\"resourceVersion\": \"\"}}\n");
    assert!(text.len() > 4 << 20, "{}", text.len());
    let loaded = load_paths(&[PathBuf::from("-")], &mut text.as_bytes()).unwrap();
    assert!(loaded.warnings.is_empty());
    let s = &loaded.snapshot;
    assert_eq!(s.pods.len(), pods);
    assert_eq!(
        s.pods[4321].metadata.key(),
        format!("ns-{}/p-4321", 4321 % 7)
    );
    assert_eq!(s.pods[4321].metadata.labels["note"].len(), 4321 % 900);
    assert_eq!(s.pods[7999].spec.node_name, "node-49");
}

// ---- Caps on what one input may make the loader hold (issue 13 §3) ----

use kubectl_ds::snapshot::{Limits, load_paths_with_limits, load_reader_with_limits};

/// An input that never ends: `head` once, then `unit` over and over, made as it is read.
struct Endless {
    head: Vec<u8>,
    unit: Vec<u8>,
    /// Position in `head`, then in `unit`.
    pos: usize,
    in_head: bool,
    /// Bytes handed out, to show that reading stopped early.
    served: usize,
}

impl Endless {
    fn new(head: impl Into<Vec<u8>>, unit: impl Into<Vec<u8>>) -> Endless {
        Endless {
            head: head.into(),
            unit: unit.into(),
            pos: 0,
            in_head: true,
            served: 0,
        }
    }
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() {
            let src = if self.in_head { &self.head } else { &self.unit };
            if self.pos == src.len() {
                self.in_head = false;
                self.pos = 0;
                continue;
            }
            let take = (src.len() - self.pos).min(buf.len() - n);
            buf[n..n + take].copy_from_slice(&src[self.pos..self.pos + take]);
            self.pos += take;
            n += take;
        }
        self.served += n;
        Ok(n)
    }
}

fn endless_err(head: &str, unit: &str, limits: Limits) -> (String, usize) {
    let mut input = Endless::new(head, unit);
    let err = load_reader_with_limits("<stdin>", &mut input, limits)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\n'), "{err}");
    (err, input.served)
}

fn small() -> Limits {
    Limits {
        token: 64 << 10,
        object: 256 << 10,
        nodes: 50,
        pods: 50,
        others: 50,
        objects: 500,
    }
}

#[test]
fn endless_blank_input_stops_at_the_token_limit() {
    // Real limits: 16 MiB of spaces, then a one-line error (stdin through load_paths).
    let mut input = Endless::new("", " \n");
    let err = load_paths(&[PathBuf::from("-")], &mut input)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "<stdin>: more than 16 MiB of blank space before the first object (the loader's limit for one token); is this the right input?"
    );
    assert!(input.served < 17 << 20, "{}", input.served);
    // Blank space between JSON documents and after a YAML document is capped the same way.
    let node = r#"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}}"#;
    let (err, _) = endless_err(node, " ", small());
    assert!(err.starts_with("<stdin>: line 1, column "), "{err}");
    assert!(err.contains("more than 64 KiB of blank space"), "{err}");
    let (err, served) = endless_err(
        "kind: Node\napiVersion: v1\nmetadata: {name: n}\n",
        "\n",
        small(),
    );
    assert!(
        err.contains("more than 256 KiB of comments and blank lines"),
        "{err}"
    );
    assert!(served < 1 << 20, "{served}");
}

#[test]
fn an_endless_yaml_comment_stops_at_the_token_limit() {
    let (err, served) = endless_err("# a comment that never ends ", "xxxxxxxx", Limits::DEFAULT);
    assert!(
        err.starts_with("<stdin>: a comment longer than 16 MiB near offset "),
        "{err}"
    );
    assert!(err.contains("the loader's limit for one token"), "{err}");
    assert!(served < 18 << 20, "{served}");
    // The same inside a document, and for one endless scalar.
    let (err, _) = endless_err("kind: Node\n# note ", "y", small());
    assert!(err.contains("a comment longer than 64 KiB"), "{err}");
    // Many comment lines are not one token, but they are capped like an object.
    let (err, _) = endless_err("kind: Node\n", "# note\n\n", small());
    assert!(
        err.contains("more than 256 KiB of comments and blank lines"),
        "{err}"
    );
    let (err, _) = endless_err("kind: ConfigMap\ndata:\n  big: ", "z", small());
    assert!(
        err.contains("more than 64 KiB without a complete value"),
        "{err}"
    );
}

#[test]
fn an_endless_list_of_nodes_stops_at_the_object_count_limit() {
    let node = |i: &str| {
        format!(r#"{{"apiVersion": "v1", "kind": "Node", "metadata": {{"name": "n{i}"}}}}"#)
    };
    // JSON: a top-level array and a `v1 List` (the model grows with each node).
    let unit = format!(",{}", node("x"));
    for head in [
        format!("[{}", node("0")),
        format!(r#"{{"kind": "List", "items": [{}"#, node("0")),
    ] {
        let (err, _) = endless_err(&head, &unit, small());
        assert!(
            err.contains("item 51 (Node) ")
                || err.contains("document 51: Node")
                || err.contains(": item 51"),
            "{err}"
        );
        assert!(
            err.ends_with("more than 50 Node objects in the input (the loader's limit; Kubernetes supports 5,000 nodes per cluster)"),
            "{err}"
        );
    }
    // YAML: documents and list items are handed over one by one, or this would never end.
    let doc = "---\napiVersion: v1\nkind: Node\nmetadata: {name: n}\n";
    let (err, served) = endless_err(doc, doc, small());
    assert!(err.starts_with("<stdin>: document 51: Node: "), "{err}");
    assert!(err.ends_with("more than 50 Node objects in the input (the loader's limit; Kubernetes supports 5,000 nodes per cluster)"), "{err}");
    assert!(served < 1 << 20, "{served}");
    let item = "- apiVersion: v1\n  kind: Node\n  metadata: {name: n}\n";
    let (err, _) = endless_err(
        &format!("apiVersion: v1\nkind: List\nitems:\n{item}"),
        item,
        small(),
    );
    assert!(
        err.starts_with("<stdin>: item 51 (Node): more than 50 Node objects"),
        "{err}"
    );
    // Objects of kinds that are not kept are capped too (by count: they take no memory).
    let cm = ",{\"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}";
    let (err, _) = endless_err("[{\"kind\": \"ConfigMap\"}", cm, small());
    assert!(
        err.ends_with(
            "more than 500 objects in the input (the loader's limit; is the input endless?)"
        ),
        "{err}"
    );
    // Pods have their own cap.
    let pod = ",{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}";
    let (err, _) = endless_err(&format!("[{}", &pod[1..]), pod, small());
    assert!(err.ends_with("more than 50 Pod objects in the input (the loader's limit; Kubernetes supports 150,000 pods per cluster)"), "{err}");
}

#[test]
fn one_huge_json_string_stops_at_the_token_limit() {
    // Real limits: the scan stops after 16 MiB of the string, wherever it is.
    for head in [
        r#"{"kind": "ConfigMap", "data": {"big": ""#,
        r#"{"kind": "List", "items": [{"kind": "Secret", "data": {"big": ""#,
        r#"[{"kind": "Node", "metadata": {"name": ""#,
    ] {
        let (err, served) = endless_err(head, "a", Limits::DEFAULT);
        assert!(err.starts_with("<stdin>: line 1, column "), "{err}");
        assert!(
            err.ends_with("a string longer than 16 MiB (the loader's limit for one token)"),
            "{err}"
        );
        assert!(served < 21 << 20, "{served}");
    }
    // A sparse file: one string over a hole of NUL bytes (nothing is read past the cap).
    let dir = TempDir::new("sparse");
    let path = dir.0.join("sparse.json");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(br#"{"kind": "ConfigMap", "data": {"big": ""#)
            .unwrap();
        f.set_len(50 << 30).unwrap();
    }
    let err = load_paths(std::slice::from_ref(&path), &mut std::io::empty())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "{}: line 1, column 39: a string longer than 16 MiB (the loader's limit for one token)",
            path.display()
        )
    );
}

#[test]
fn one_huge_object_stops_at_the_object_limit() {
    // Many small values: no token is long, the object is.
    let (err, _) = endless_err(
        r#"[{"kind": "Node", "metadata": {"x": ["#,
        r#""v", "#,
        small(),
    );
    assert!(
        err.ends_with("an object or value longer than 256 KiB (the loader's limit for one object)"),
        "{err}"
    );
    let (err, _) = endless_err(r#"{"kind": "Node", "x": ["#, "1, ", small());
    assert!(
        err.contains("longer than 256 KiB (the loader's limit for one object)"),
        "{err}"
    );
    // YAML: the values built for one object.
    let (err, _) = endless_err("kind: Node\nmetadata:\n  x:\n", "  - v\n", small());
    assert!(
        err.contains("past the loader's limit for one object"),
        "{err}"
    );
}

#[test]
fn utf16_input_says_so_and_how_to_convert_it() {
    let json = "{\"kind\": \"Node\"}";
    let le: Vec<u8> = json.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = json.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let cases: [(Vec<u8>, &str); 4] = [
        ([&[0xFF, 0xFE][..], &le].concat(), "byte order mark FF FE"),
        ([&[0xFE, 0xFF][..], &be].concat(), "byte order mark FE FF"),
        (le.clone(), "a NUL byte after every character"),
        (be.clone(), "a NUL byte before every character"),
    ];
    for (bytes, how) in cases {
        let err = load_bytes("ps.yaml", &bytes)
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "ps.yaml: UTF-16 text ({how}), expected UTF-8 JSON or YAML; convert it with `iconv -f UTF-16 -t UTF-8 FILE > out.yaml` (or write it from PowerShell with `Out-File -Encoding utf8`)"
            )
        );
    }
    // A UTF-8 byte order mark is fine, before JSON or YAML.
    let yaml = b"\xEF\xBB\xBFapiVersion: v1\nkind: Node\nmetadata: {name: m}\n";
    assert_eq!(
        load_bytes("bom.yaml", yaml).unwrap().snapshot.nodes[0].name(),
        "m"
    );
}

#[test]
fn repeated_keys_are_refused_naming_file_and_key() {
    let cases: [(&str, &str); 7] = [
        (
            r#"{"kind": "Node", "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "n"}}"#,
            "d.json: line 1, column 38: duplicate key \"kind\"",
        ),
        (
            r#"{"items": [{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n"}, "kind": "Pod"}]}"#,
            "d.json: line 1, column 81: item 1 (Node n): duplicate key \"kind\"",
        ),
        (
            r#"{"items": [{"kind": "Pod", "kind": "Node", "metadata": {"name": "n"}}]}"#,
            "d.json: line 1, column 12 (item 1): duplicate key \"kind\"",
        ),
        (
            r#"[{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n", "labels": {"a": "1", "a": "2"}}}]"#,
            "d.json: line 1, column 2: Node n: duplicate key \"a\"",
        ),
        (
            r#"{"kind": "List", "items": [], "items": []}"#,
            "d.json: line 1, column 31: duplicate key \"items\"",
        ),
        (
            "kind: Node\napiVersion: v1\nkind: Pod\nmetadata: {name: n}\n",
            "d.json: duplicate mapping key: kind at line 3",
        ),
        (
            "kind: Node\napiVersion: v1\nmetadata:\n  name: n\n  labels: {a: '1', a: '2'}\n",
            "duplicate mapping key: a at line 5",
        ),
    ];
    for (text, expected) in cases {
        let err = load_bytes("d.json", text.as_bytes())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("d.json: "), "{err}");
        assert!(err.contains(expected), "{text}\n{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}

#[test]
fn a_file_of_other_json_is_one_error_not_a_warning_per_element() {
    let err = load_bytes("data.json", br#"[{"a": 1}, {"b": 2}, {"c": 3}]"#)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "data.json: not Kubernetes objects: none of its 3 objects has a `kind` (expected what `kubectl get -o json` or `-o yaml` prints)"
    );
    let err = load_bytes("conf.yaml", b"name: x\nreplicas: 3\n")
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("conf.yaml: not Kubernetes objects: none of its 1 object has"),
        "{err}"
    );
    // One object without a kind beside real ones stays a warning.
    let loaded = load_bytes(
        "mixed.json",
        br#"[{"a": 1}, {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"}}]"#,
    )
    .unwrap();
    assert_eq!(loaded.snapshot.nodes.len(), 1);
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
}

#[test]
fn file_names_are_escaped_in_messages() {
    let dir = TempDir::new("escape");
    let path = dir.0.join("a\u{1b}]52;c;eA==\u{7}b.yaml");
    std::fs::write(&path, "just text\n").unwrap();
    let err = load_paths_with_limits(&[path], &mut std::io::empty(), Limits::DEFAULT)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(
        err.contains("b.yaml: expected a Kubernetes object or list"),
        "{err}"
    );
}
