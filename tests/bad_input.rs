//! Bad `--from-file` input, through the binary: every case ends in exactly one `error:` line
//! naming the file (and the object where there is one) with exit code 1, or in a `warning:` and
//! the correct answer — never a panic (no "panicked", never exit code 101).

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use common::cli::kds;

/// A node, a DaemonSet `ns/x` and its healthy pod and revision: `why-missing x` says Healthy.
const HEALTHY: &str = r#"apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
status:
  conditions: [{type: Ready, status: "True"}]
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x, namespace: ns, uid: u1, generation: 1}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers: [{name: c, image: busybox}]
status: {observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1}
---
apiVersion: v1
kind: Pod
metadata:
  name: x-abc
  namespace: ns
  uid: p1
  labels: {app: x, controller-revision-hash: h1}
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: x, uid: u1, controller: true}]
spec: {nodeName: n1, containers: [{name: c, image: busybox}]}
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
  containerStatuses: [{name: c, ready: true, restartCount: 0, image: busybox, imageID: "", state: {running: {startedAt: "2026-11-28T09:00:00Z"}}}]
---
apiVersion: apps/v1
kind: ControllerRevision
metadata:
  name: x-h1
  namespace: ns
  labels: {controller-revision-hash: h1}
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: x, uid: u1, controller: true}]
revision: 1
data: {}
"#;

/// The DaemonSet document of [`HEALTHY`].
fn ds_doc() -> &'static str {
    HEALTHY.split("---\n").nth(1).unwrap()
}

/// The node document of [`HEALTHY`].
fn node_doc() -> &'static str {
    HEALTHY.split("---\n").next().unwrap()
}

fn healthy_with(extra: &str) -> Vec<u8> {
    format!("{HEALTHY}---\n{extra}").into_bytes()
}

/// The healthy answer on stdout.
const ANSWER_HEALTHY: &str = "Every node that should run x has a healthy pod (1 of 1).";

/// 50 MiB of JSON: a `v1 List` of many ConfigMaps (other kinds, ignored) around [`HEALTHY`]'s
/// objects; `truncate` cuts the last bytes off.
fn huge_json(truncate: bool) -> Vec<u8> {
    let mut items: Vec<String> = HEALTHY
        .split("---\n")
        .map(|doc| {
            let v: serde_json::Value = serde_saphyr::from_str(doc).unwrap();
            v.to_string()
        })
        .collect();
    let filler = "z".repeat(1000);
    let mut out = String::with_capacity(51 << 20);
    out.push_str("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
    let mut i = 0;
    while out.len() < 50 << 20 {
        out.push_str(&format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"cm-{i}\",\"namespace\":\"ns\"}},\"data\":{{\"k\":\"{filler}\"}}}},\n"
        ));
        i += 1;
    }
    out.push_str(&items.remove(0));
    for item in items {
        out.push_str(",\n");
        out.push_str(&item);
    }
    out.push_str("\n]}\n");
    let mut bytes = out.into_bytes();
    if truncate {
        bytes.truncate(bytes.len() - 40);
    }
    bytes
}

/// 50 MiB of YAML: [`HEALTHY`] followed by a long comment block.
fn huge_yaml() -> Vec<u8> {
    let mut out = String::from(HEALTHY);
    let line = format!("# {}\n", "c".repeat(1000));
    while out.len() < 50 << 20 {
        out.push_str(&line);
    }
    out.into_bytes()
}

/// A billion-laughs document: 9^10 strings if the aliases were expanded.
fn alias_bomb() -> Vec<u8> {
    let mut s = String::from(
        "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..=10 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 9].join(",");
        s.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    s.into_bytes()
}

/// The same bomb inside a DaemonSet's labels.
fn alias_bomb_in_object() -> Vec<u8> {
    let mut s = String::from(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\n  namespace: ns\n  annotations:\n    a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..=10 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 9].join(",");
        s.push_str(&format!("    a{i}: &a{i} [{refs}]\n"));
    }
    s.into_bytes()
}

/// A pending pod of `x` for `n1` whose containers together request more cpu than an `i128` of
/// milli-units holds (each request is near the largest quantity the model accepts, 9e35 milli): the sum must
/// saturate, not overflow (found by the `analysis` fuzz target).
fn huge_requests() -> Vec<u8> {
    let containers: String = (0..200)
        .map(|i| format!("  - {{name: c{i}, image: busybox, resources: {{requests: {{cpu: 900000000000000000P}}}}}}\n"))
        .collect();
    let start = HEALTHY.find("spec: {nodeName: n1").unwrap();
    let end = HEALTHY[start..].find("---\n").unwrap() + start;
    format!(
        "{}spec:\n  affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: [{{matchFields: [{{key: metadata.name, operator: In, values: [n1]}}]}}]}}}}}}\n  containers:\n{containers}status: {{phase: Pending}}\n{}",
        &HEALTHY[..start],
        &HEALTHY[end..]
    )
    .into_bytes()
}

/// What a case must produce.
enum Expect {
    /// Exit 1, exactly one `error:` line, which contains every fragment; nothing on stdout.
    Error(&'static [&'static str]),
    /// The exit code; a `warning:` line containing every fragment; stdout contains the answer.
    Warning {
        code: i32,
        warning: &'static [&'static str],
        stdout: &'static str,
    },
    /// The exit code, no warning from the loader, stdout contains the answer.
    Answer { code: i32, stdout: &'static str },
}

struct Case {
    name: &'static str,
    /// File name (as bytes: it may not be UTF-8) and contents.
    files: Vec<(Vec<u8>, Vec<u8>)>,
    /// Arguments before `-f FILE…`.
    args: &'static [&'static str],
    expect: Expect,
}

fn file(name: &str, content: impl Into<Vec<u8>>) -> (Vec<u8>, Vec<u8>) {
    (name.as_bytes().to_vec(), content.into())
}

fn cases() -> Vec<Case> {
    let wm = &["why-missing", "x"][..];
    let node_report = &["why-missing", "--node", "n1", "-A"][..];
    let mut random = Vec::with_capacity(4096);
    // A fixed xorshift stream: "binary" without a NUL in the first bytes as well as with.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..4096 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        random.push((state >> 24) as u8);
    }
    let mut random_no_nul = random.clone();
    for b in &mut random_no_nul {
        if *b == 0 {
            *b = 1;
        }
    }
    let mut latin1_name = HEALTHY.as_bytes().to_vec();
    // `name: x,` → `name: x\xff,` in the DaemonSet: Latin-1 bytes, not UTF-8.
    let at = HEALTHY.find("name: x,").unwrap() + "name: x".len();
    latin1_name.insert(at, 0xff);
    let mut latin1_json = br#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"#.to_vec();
    latin1_json.extend_from_slice(b"\xe91\"}}");

    vec![
        Case {
            name: "empty file",
            files: vec![file("empty.yaml", "")],
            args: wm,
            expect: Expect::Error(&["empty.yaml", "the input is empty"]),
        },
        Case {
            name: "blank file",
            files: vec![file("blank.json", " \n\t\n\n")],
            args: wm,
            expect: Expect::Error(&["blank.json", "empty"]),
        },
        Case {
            name: "only a document separator",
            files: vec![file("sep.yaml", "---\n---\n")],
            args: wm,
            expect: Expect::Error(&["sep.yaml", "no Kubernetes objects"]),
        },
        Case {
            name: "truncated JSON",
            files: vec![file(
                "trunc.json",
                &br#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"x","names"#[..],
            )],
            args: wm,
            expect: Expect::Error(&["trunc.json", "item 1", "truncated"]),
        },
        Case {
            name: "truncated YAML",
            files: vec![file("trunc.yaml", &HEALTHY.as_bytes()[..HEALTHY.find("[{name: c,").unwrap() + 4])],
            args: wm,
            expect: Expect::Error(&["trunc.yaml", "line 16"]),
        },
        Case {
            name: "binary data with NUL",
            files: vec![file("random.yaml", random.clone())],
            args: wm,
            expect: Expect::Error(&["random.yaml", "binary data"]),
        },
        Case {
            name: "binary data without NUL",
            files: vec![file("random.yml", random_no_nul)],
            args: wm,
            expect: Expect::Error(&["random.yml"]),
        },
        Case {
            name: "binary data behind a JSON brace",
            files: vec![file("png.json", {
                let mut b = b"{".to_vec();
                b.extend_from_slice(&random);
                b
            })],
            args: wm,
            expect: Expect::Error(&["png.json"]),
        },
        Case {
            name: "gzip magic",
            files: vec![file("dump.yaml", &b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"[..])],
            args: wm,
            expect: Expect::Error(&["dump.yaml", "binary data"]),
        },
        Case {
            name: "50 MiB JSON list",
            files: vec![file("huge.json", huge_json(false))],
            args: wm,
            expect: Expect::Answer {
                code: 0,
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "50 MiB JSON list, truncated",
            files: vec![file("huge-trunc.json", huge_json(true))],
            args: wm,
            expect: Expect::Error(&["huge-trunc.json", "truncated"]),
        },
        Case {
            name: "50 MiB YAML (mostly comments)",
            files: vec![file("huge.yaml", huge_yaml())],
            args: wm,
            expect: Expect::Answer {
                code: 0,
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "YAML alias bomb",
            files: vec![file("bomb.yaml", alias_bomb())],
            args: wm,
            expect: Expect::Error(&["bomb.yaml", "alias"]),
        },
        Case {
            name: "YAML alias bomb inside a DaemonSet",
            files: vec![file("bomb-ds.yaml", alias_bomb_in_object())],
            args: wm,
            expect: Expect::Error(&["bomb-ds.yaml", "alias"]),
        },
        Case {
            name: "wrong kinds only",
            files: vec![file(
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: ns}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, namespace: ns}\n",
            )],
            args: wm,
            expect: Expect::Error(&[r#"daemonset "x" not found"#]),
        },
        Case {
            name: "nodes only",
            files: vec![file("nodes.yaml", node_doc())],
            args: wm,
            expect: Expect::Error(&[r#"daemonset "x" not found"#]),
        },
        Case {
            name: "DaemonSet without spec",
            files: vec![file(
                "nospec.yaml",
                format!("{}---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: x, namespace: ns, uid: u1}}\n", node_doc()),
            )],
            args: wm,
            // No spec means no selector: what the controller does with `{}`.
            expect: Expect::Answer {
                code: 3,
                stdout: "SelectorSelectsAll",
            },
        },
        Case {
            name: "DaemonSet without status",
            files: vec![file("nostatus.yaml", HEALTHY.replace(
                "status: {observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1}\n",
                "",
            ))],
            args: wm,
            // The pod on the node is what counts; the missing status only costs the revision.
            expect: Expect::Answer {
                code: 0,
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "DaemonSet without status nor generation",
            files: vec![file("nostatus-nogen.yaml", HEALTHY.replace(
                "status: {observedGeneration: 1, desiredNumberScheduled: 1, currentNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, numberAvailable: 1}\n",
                "",
            ).replace(", generation: 1}", "}").replace("phase: Running", "phase: Pending").replace("spec: {nodeName: n1, ", "spec: {"))],
            args: wm,
            expect: Expect::Answer {
                code: 3,
                stdout: "NotYetObserved",
            },
        },
        Case {
            name: "DaemonSet without metadata.name",
            files: vec![file("noname.yaml", HEALTHY.replace("name: x, namespace", "namespace"))],
            args: wm,
            expect: Expect::Warning {
                code: 1,
                warning: &["noname.yaml", "document 2", "metadata.name is missing"],
                stdout: "",
            },
        },
        Case {
            name: "node without status",
            files: vec![file("node-nostatus.yaml", HEALTHY.replacen(
                "status:\n  conditions: [{type: Ready, status: \"True\"}]\n  allocatable: {cpu: \"2\", memory: 4Gi, pods: \"110\"}\n",
                "",
                1,
            ))],
            args: wm,
            expect: Expect::Answer {
                code: 3,
                stdout: "Failing",
            },
        },
        Case {
            name: "pod without spec",
            files: vec![file("pod-nospec.yaml", HEALTHY.replace(
                "spec: {nodeName: n1, containers: [{name: c, image: busybox}]}\n",
                "",
            ))],
            args: wm,
            expect: Expect::Answer {
                code: 3,
                stdout: "Missing",
            },
        },
        Case {
            name: "pod without status",
            files: vec![file("pod-nostatus.yaml", {
                let start = HEALTHY.find("status:\n  phase").unwrap();
                let end = HEALTHY[start..].find("---\n").unwrap() + start;
                format!("{}{}", &HEALTHY[..start], &HEALTHY[end..])
            })],
            args: wm,
            expect: Expect::Answer {
                code: 3,
                stdout: "Failing",
            },
        },
        Case {
            name: "node without metadata.name, node report",
            files: vec![file("node-noname.yaml", healthy_with("apiVersion: v1\nkind: Node\nmetadata: {labels: {a: b}}\n"))],
            args: node_report,
            expect: Expect::Warning {
                code: 0,
                warning: &["node-noname.yaml", "document 5", "Node", "metadata.name is missing"],
                stdout: "1 DaemonSet: 1 Healthy",
            },
        },
        Case {
            name: "unknown apiVersion of a DaemonSet",
            files: vec![file("apps-v9.yaml", healthy_with(&ds_doc().replace("apps/v1", "apps/v9").replace("name: x,", "name: y,")))],
            args: wm,
            expect: Expect::Warning {
                code: 0,
                warning: &["apps-v9.yaml", "document 5", "DaemonSet ns/y", "apiVersion apps/v9 is not supported"],
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "unknown apiVersion of a node",
            files: vec![file("v2-node.yaml", healthy_with(&node_doc().replace("apiVersion: v1", "apiVersion: v2").replace("name: n1,", "name: n2,")))],
            args: wm,
            expect: Expect::Warning {
                code: 0,
                warning: &["v2-node.yaml", "Node n2", "apiVersion v2"],
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "duplicate DaemonSet",
            files: vec![file("dup.yaml", healthy_with(ds_doc()))],
            args: wm,
            expect: Expect::Warning {
                code: 0,
                warning: &["dup.yaml", "duplicate DaemonSet ns/x"],
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "duplicate across two files, the later one wins",
            files: vec![
                file("a.yaml", HEALTHY),
                file("b.yaml", ds_doc().replace("selector: {matchLabels: {app: x}}", "selector: {}")),
            ],
            args: wm,
            expect: Expect::Warning {
                code: 3,
                warning: &["duplicate DaemonSet ns/x", "b.yaml"],
                stdout: "SelectorSelectsAll",
            },
        },
        Case {
            name: "empty selector",
            files: vec![file("empty-selector.yaml", HEALTHY.replace("selector: {matchLabels: {app: x}}", "selector: {}"))],
            args: wm,
            expect: Expect::Warning {
                code: 3,
                warning: &["selector is empty", "refuses"],
                stdout: "SelectorSelectsAll",
            },
        },
        Case {
            name: "non-UTF-8 bytes in a YAML name",
            files: vec![file("latin1.yaml", latin1_name)],
            args: wm,
            expect: Expect::Error(&["latin1.yaml", "not UTF-8"]),
        },
        Case {
            name: "non-UTF-8 bytes in a JSON name",
            files: vec![file("latin1.json", latin1_json)],
            args: wm,
            expect: Expect::Error(&["latin1.json", "Node"]),
        },
        Case {
            name: "non-UTF-8 file name",
            files: vec![(b"clu\xffster.yaml".to_vec(), HEALTHY.as_bytes().to_vec())],
            args: wm,
            expect: Expect::Answer {
                code: 0,
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "non-UTF-8 file name, empty file",
            files: vec![(b"em\xffpty.yaml".to_vec(), Vec::new())],
            args: wm,
            expect: Expect::Error(&["em\u{fffd}pty.yaml", "empty"]),
        },
        // Issue 13: caps, encodings and repeated keys (see docs/reliability.md).
        Case {
            name: "UTF-16 file (PowerShell's > redirect)",
            files: vec![file(
                "ps.yaml",
                [&[0xFF, 0xFE][..], &HEALTHY.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>()].concat(),
            )],
            args: wm,
            expect: Expect::Error(&["ps.yaml: UTF-16 text (byte order mark FF FE)", "iconv -f UTF-16 -t UTF-8", "Out-File -Encoding utf8"]),
        },
        Case {
            name: "UTF-16 without a byte order mark",
            files: vec![file(
                "ps.json",
                r#"{"kind": "Node"}"#.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>(),
            )],
            args: wm,
            expect: Expect::Error(&["ps.json: UTF-16 text (a NUL byte after every character)"]),
        },
        Case {
            name: "UTF-8 byte order mark",
            files: vec![file("bom.yaml", [&b"\xEF\xBB\xBF"[..], HEALTHY.as_bytes()].concat())],
            args: wm,
            expect: Expect::Answer {
                code: 0,
                stdout: ANSWER_HEALTHY,
            },
        },
        Case {
            name: "kind twice in a JSON object",
            files: vec![file("a.yaml", HEALTHY), file("dup-kind.json", r#"{"apiVersion": "v1", "kind": "Node", "kind": "Pod", "metadata": {"name": "n2"}}"#)],
            args: wm,
            expect: Expect::Error(&["dup-kind.json: line 1, column 38: duplicate key \"kind\""]),
        },
        Case {
            name: "a label twice in a JSON list item",
            files: vec![file("a.yaml", HEALTHY), file("dup-label.json", r#"{"kind": "List", "items": [{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n2", "labels": {"a": "1", "a": "2"}}}]}"#)],
            args: wm,
            expect: Expect::Error(&["dup-label.json: line 1, column ", "item 1 (Node n2): duplicate key \"a\""]),
        },
        Case {
            name: "a key twice in a YAML mapping",
            files: vec![file("dup.yaml", HEALTHY.replace("uid: p1\n", "uid: p1\n  uid: p2\n"))],
            args: wm,
            expect: Expect::Error(&["dup.yaml: duplicate mapping key: uid at line 25, column 3"]),
        },
        Case {
            name: "JSON that is not Kubernetes objects",
            files: vec![file("a.yaml", HEALTHY), file("data.json", r#"[{"a": 1}, {"b": 2}, {"c": 3}, {"d": 4}]"#)],
            args: wm,
            expect: Expect::Error(&["data.json: not Kubernetes objects: none of its 4 objects has a `kind`"]),
        },
        Case {
            name: "file name with a terminal escape",
            files: vec![file("x\u{1b}[2J\u{1b}]0;owned\u{7}.yaml", "just text\n")],
            args: wm,
            expect: Expect::Error(&["x\\x1b[2J\\x1b]0;owned\\x07.yaml: expected a Kubernetes object or list"]),
        },
        Case {
            name: "a name that is not a string",
            files: vec![file("int-name.yaml", HEALTHY.replace("name: x,", "name: 42,"))],
            args: wm,
            expect: Expect::Error(&["int-name.yaml", "document 2", "DaemonSet"]),
        },
        Case {
            name: "requests that overflow a sum",
            files: vec![file("huge-requests.yaml", huge_requests())],
            args: wm,
            expect: Expect::Answer {
                code: 3,
                stdout: "InsufficientResource",
            },
        },
    ]
}

/// A directory under cargo's per-target temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("bad-input-{}-{name}", std::process::id()));
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

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Runs one case; returns a description of what went wrong, if anything.
fn check(case: &Case) -> Option<String> {
    let dir = TempDir::new(&slug(case.name));
    let mut cmd = kds();
    cmd.args(case.args);
    for (name, content) in &case.files {
        let path = dir.0.join(OsString::from_vec(name.clone()));
        std::fs::write(&path, content).unwrap();
        cmd.arg("-f").arg(&path);
    }
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let fail = |why: String| {
        Some(format!(
            "{}: {why}\n  exit code {code}\n  stdout: {}\n  stderr: {stderr}",
            case.name,
            stdout.chars().take(2000).collect::<String>()
        ))
    };
    if stderr.contains("panicked") || code == 101 {
        return fail("panicked".into());
    }
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    // The loader warns on stderr; the analysis puts its warnings in the report.
    let warnings: Vec<&str> = stderr
        .lines()
        .chain(stdout.lines())
        .filter(|l| l.starts_with("warning:"))
        .collect();
    match &case.expect {
        Expect::Error(fragments) => {
            if code != 1 {
                return fail("expected exit code 1".into());
            }
            if errors.len() != 1 {
                return fail("expected exactly one error: line".into());
            }
            if let Some(f) = fragments.iter().find(|f| !errors[0].contains(*f)) {
                return fail(format!("the error does not mention {f:?}"));
            }
            if !stdout.is_empty() {
                return fail("expected nothing on stdout".into());
            }
        }
        Expect::Warning {
            code: want,
            warning,
            stdout: answer,
        } => {
            if code != *want {
                return fail(format!("expected exit code {want}"));
            }
            if !warnings
                .iter()
                .any(|w| warning.iter().all(|f| w.contains(f)))
            {
                return fail(format!("no warning: line mentions all of {warning:?}"));
            }
            if !stdout.contains(answer) {
                return fail(format!("stdout lacks {answer:?}"));
            }
            if code != 1 && !errors.is_empty() {
                return fail("unexpected error: line".into());
            }
        }
        Expect::Answer {
            code: want,
            stdout: answer,
        } => {
            if code != *want {
                return fail(format!("expected exit code {want}"));
            }
            if !errors.is_empty() {
                return fail("unexpected error: line".into());
            }
            if !stdout.contains(answer) {
                return fail(format!("stdout lacks {answer:?}"));
            }
        }
    }
    None
}

#[test]
fn bad_input_table() {
    let cases = cases();
    let failures: Vec<String> = cases.iter().filter_map(check).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Bad input in a directory: the error names the file inside it.
#[test]
fn bad_file_inside_a_directory_is_named() {
    let dir = TempDir::new("dir");
    std::fs::write(dir.0.join("a.yaml"), HEALTHY).unwrap();
    std::fs::create_dir(dir.0.join("ns")).unwrap();
    std::fs::write(dir.0.join("ns/pods.json"), "{\"items\": [").unwrap();
    let out = kds()
        .args(["why-missing", "x", "-f"])
        .arg(&dir.0)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("ns/pods.json"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// Bad input on standard input: named `<stdin>`.
#[test]
fn bad_stdin_is_named() {
    for (input, fragment) in [
        (&b""[..], "empty"),
        (&b"\x00\x01\x02"[..], "binary data"),
        (&b"{\"kind\": \"List\", \"items\": [{"[..], "truncated"),
    ] {
        let out = kds()
            .args(["why-missing", "x", "-f", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with("error: <stdin>") && stderr.contains(fragment),
            "{stderr}"
        );
    }
}

/// Standard input that never ends (blank lines): one error at the token cap, not all of memory.
#[test]
fn endless_blank_stdin_is_refused_at_the_token_cap() {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .args(["why-missing", "x", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'\n'; 1 << 16];
        let mut written = 0usize;
        // Ends when the reader stops reading (broken pipe); the bound only guards the test.
        while written < 1 << 30 && stdin.write_all(&chunk).is_ok() {
            written += chunk.len();
        }
        written
    });
    let out = child.wait_with_output().unwrap();
    let written = writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        "error: <stdin>: more than 16 MiB of blank space before the first object (the loader's limit for one token); is this the right input?\n"
    );
    assert!(written < 64 << 20, "{written}");
}

/// A sparse 50 GB file holding one JSON string: refused after the token cap, not read whole.
#[test]
fn a_huge_json_string_is_refused_at_the_token_cap() {
    let dir = TempDir::new("sparse");
    let path = dir.0.join("huge.json");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(br#"{"apiVersion": "v1", "kind": "ConfigMap", "data": {"x": ""#)
            .unwrap();
        f.set_len(50_000_000_000).unwrap();
    }
    let out = kds()
        .args(["why-missing", "x", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "error: {}: line 1, column 57: a string longer than 16 MiB (the loader's limit for one token)\n",
            path.display()
        )
    );
}
