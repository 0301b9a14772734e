//! Completion through kubectl's plugin-completion protocol.
//!
//! Tier 2: `completions/kubectl_complete-ds` is run as kubectl runs it (the words typed after
//! `kubectl ds`, the last one being completed) with `PATH` holding only the built binary's
//! directory and the system's, on `--from-file` fixtures. Tier 3: the live lookups against a
//! small API server on 127.0.0.1 that records the requests (which namespace, which context,
//! how many requests), and one that never answers.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> String {
    root()
        .join("tests/fixtures/complete/cluster.yaml")
        .display()
        .to_string()
}

/// Runs the shim with `words` and `env`; returns (exit code, stdout, stderr).
fn shim(words: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .parent()
        .unwrap()
        .to_owned();
    let mut cmd = Command::new(root().join("completions/kubectl_complete-ds"));
    cmd.args(words)
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("HOME", "/nonexistent")
        .env("KUBECONFIG", "/nonexistent/kubeconfig");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The candidates (without descriptions) and the directive of an answer.
fn parse(stdout: &str) -> (Vec<String>, String) {
    let mut lines: Vec<&str> = stdout.lines().collect();
    let directive = lines.pop().unwrap_or_default().to_owned();
    let values = lines
        .iter()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .collect();
    (values, directive)
}

/// Completes offline on the fixture: `-f FIXTURE` first, then `words`.
fn offline(words: &[&str]) -> (Vec<String>, String) {
    let f = fixture();
    let mut all = vec!["-f", f.as_str()];
    all.extend_from_slice(words);
    let (code, out, err) = shim(&all, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "completion must not write to stderr");
    parse(&out)
}

#[test]
fn subcommands_with_aliases_and_descriptions() {
    let (code, out, err) = shim(&[""], &[]);
    assert_eq!((code, err.as_str()), (0, ""));
    let (values, directive) = parse(&out);
    assert_eq!(
        values,
        [
            "why-missing",
            "why",
            "rollout",
            "replace",
            "pod",
            "logs",
            "exec",
            "describe",
            "list",
            "ls",
            "version",
            "completion",
            "check",
            "help"
        ]
    );
    assert_eq!(directive, ":4");
    assert!(out.contains("\nls\talias of list\n"), "{out}");
}

#[test]
fn rollout_subcommands_after_global_flags() {
    let (code, out, _) = shim(&["-n", "prod", "rollout", ""], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        parse(&out),
        (
            ["status", "history", "undo", "restart", "help"]
                .map(String::from)
                .to_vec(),
            ":4".to_owned()
        )
    );
}

#[test]
fn a_typed_prefix_filters_the_candidates() {
    let (_, out, _) = shim(&["rollout", "h"], &[]);
    assert_eq!(parse(&out).0, ["history", "help"]);
}

#[test]
fn daemonset_names_respect_the_namespace() {
    // Offline, without -n, every namespace of the snapshot (as the commands look there).
    assert_eq!(
        offline(&["why", ""]),
        (vec!["agent".into(), "shipper".into()], ":4".into())
    );
    assert_eq!(
        offline(&["-n", "staging", "rollout", "status", ""]).0,
        ["agent"]
    );
    assert_eq!(
        offline(&["replace", "--namespace=prod", "s"]).0,
        ["shipper"]
    );
    assert_eq!(
        offline(&["-n", "nowhere", "pod", ""]).0,
        Vec::<String>::new()
    );
}

#[test]
fn a_name_with_control_characters_never_reaches_the_shell() {
    let f = fixture();
    let (_, out, _) = shim(&["-f", &f, "-n", "staging", "describe", ""], &[]);
    assert_eq!(out, "agent\n:4\n");
}

#[test]
fn kubectl_type_prefix_is_kept() {
    assert_eq!(
        offline(&["-n", "prod", "rollout", "restart", "daemonset/a"]).0,
        ["daemonset/agent"]
    );
}

#[test]
fn node_names_after_node() {
    assert_eq!(
        offline(&["why-missing", "agent", "--node", ""]),
        (vec!["edge-1".into(), "edge-2".into()], ":4".into())
    );
    assert_eq!(offline(&["logs", "agent", "--node=edge-2"]).0, ["edge-2"]);
}

#[test]
fn revisions_of_the_named_daemonset_in_order_with_images() {
    let f = fixture();
    let (_, out, _) = shim(
        &[
            "rollout",
            "undo",
            "agent",
            "-n",
            "prod",
            "-f",
            &f,
            "--to-revision",
            "",
        ],
        &[],
    );
    assert_eq!(out, "1\tagent:1.0\n2\tagent:2.0\n:36\n");
    assert_eq!(
        offline(&[
            "-n",
            "staging",
            "rollout",
            "history",
            "agent",
            "--revision",
            ""
        ])
        .0,
        ["7"]
    );
    // Both values of --diff.
    assert_eq!(
        offline(&[
            "-n", "prod", "rollout", "history", "ds/agent", "--diff", "1", ""
        ])
        .0,
        ["1", "2"]
    );
}

#[test]
fn containers_in_template_order_with_init_and_sidecar_marked() {
    let f = fixture();
    let (_, out, _) = shim(&["exec", "agent", "-n", "prod", "-f", &f, "-c", ""], &[]);
    assert_eq!(
        out,
        "main\tagent:2.0\nsetup\tinit container, busybox:1.37\nproxy\tsidecar, envoy:1.31\n:36\n"
    );
}

#[test]
fn flag_names_and_value_enums() {
    let (values, directive) = offline(&["logs", "agent", "--t"]);
    assert_eq!(values, ["--tail", "--timestamps"]);
    assert_eq!(directive, ":4");
    assert_eq!(
        offline(&["-o", ""]).0,
        ["table", "wide", "json", "yaml", "name", "sarif"]
    );
    assert_eq!(
        offline(&["rollout", "restart", "agent", "--dry-run="]).0,
        ["none", "client", "server"]
    );
    assert_eq!(
        offline(&["completion", ""]).0,
        ["bash", "elvish", "fish", "powershell", "zsh"]
    );
}

#[test]
fn paths_get_the_shells_file_completion_and_free_text_gets_nothing() {
    assert_eq!(
        offline(&["list", "--kubeconfig", ""]),
        (vec![], ":0".into())
    );
    assert_eq!(offline(&["list", "-l", ""]), (vec![], ":4".into()));
}

#[test]
fn from_file_stdin_is_never_read_and_never_falls_back_to_the_cluster() {
    // stdin is the terminal when kubectl runs the shim: `-f -` gives no names, at once.
    let (code, out, err) = shim(&["-f", "-", "why", ""], &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, ":4\n", ""));
}

#[test]
fn an_unreadable_snapshot_gives_no_candidates_and_no_error() {
    let (code, out, err) = shim(&["-f", "/nonexistent/dump.yaml", "why", ""], &[]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, ":4\n", ""));
}

// ---- tier 3: live lookups ----

/// An API server on 127.0.0.1 answering every GET with a list holding one object named after
/// the request's path (`alpha.daemonsets`, `nodes`), and recording the request targets.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(answer: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log);
                thread::spawn(move || serve(stream, answer, &log));
            }
        });
        Server { port, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, answer: bool, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let target = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_owned();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
                break;
            }
        }
        log.lock().unwrap().push(target.clone());
        if !answer {
            // Hold the connection open and never answer.
            thread::park();
            return;
        }
        let path = target.split('?').next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let name = match segments.as_slice() {
            [.., "namespaces", ns, resource] => format!("{ns}.{resource}"),
            [.., resource] => (*resource).to_owned(),
            [] => String::new(),
        };
        let body = serde_json::json!({
            "kind": "List", "apiVersion": "v1", "metadata": {},
            "items": [{"metadata": {"name": name, "namespace": "x"}}],
        })
        .to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

/// A kubeconfig with contexts `a` (namespace alpha, current) and `b` (namespace beta) on `port`.
fn kubeconfig(port: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kds-complete-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("kubeconfig");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {{server: \"http://127.0.0.1:{port}\"}}
users:
- name: u
  user: {{token: t}}
contexts:
- name: a
  context: {{cluster: local, user: u, namespace: alpha}}
- name: b
  context: {{cluster: local, user: u, namespace: beta}}
current-context: a
"
        ),
    )
    .unwrap();
    path
}

fn live(server: &Server, words: &[&str]) -> String {
    let kc = kubeconfig(server.port);
    let (code, out, err) = shim(words, &[("KUBECONFIG", kc.to_str().unwrap())]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "completion must not write to stderr");
    out
}

#[test]
fn live_daemonsets_in_the_contexts_namespace_with_one_request() {
    let server = Server::start(true);
    assert_eq!(live(&server, &["why", ""]), "alpha.daemonsets\n:4\n");
    assert_eq!(
        server.seen(),
        ["/apis/apps/v1/namespaces/alpha/daemonsets?limit=500"]
    );
}

#[test]
fn live_lookups_follow_context_namespace_and_all_namespaces() {
    let server = Server::start(true);
    assert_eq!(
        live(&server, &["--context", "b", "pod", ""]),
        "beta.daemonsets\n:4\n"
    );
    assert_eq!(
        live(
            &server,
            &["rollout", "status", "-n", "gamma", "--context=b", ""]
        ),
        "gamma.daemonsets\n:4\n"
    );
    assert_eq!(live(&server, &["-A", "why", ""]), "daemonsets\n:4\n");
    assert_eq!(
        server.seen(),
        [
            "/apis/apps/v1/namespaces/beta/daemonsets?limit=500",
            "/apis/apps/v1/namespaces/gamma/daemonsets?limit=500",
            "/apis/apps/v1/daemonsets?limit=500",
        ]
    );
}

#[test]
fn live_kubeconfig_flag_nodes_namespaces_and_revisions() {
    let server = Server::start(true);
    let kc = kubeconfig(server.port);
    let kc = kc.to_str().unwrap();
    let run = |words: &[&str]| {
        let (code, out, err) = shim(words, &[]);
        assert_eq!((code, err.as_str()), (0, ""));
        out
    };
    assert_eq!(
        run(&["--kubeconfig", kc, "describe", "x", "--node", ""]),
        "nodes\n:4\n"
    );
    assert_eq!(run(&["--kubeconfig", kc, "-n", ""]), "namespaces\n:4\n");
    // The fake revision has no owner: not the DaemonSet's, so no candidate; one request.
    assert_eq!(
        run(&[
            "--kubeconfig",
            kc,
            "rollout",
            "undo",
            "agent",
            "--to-revision",
            ""
        ]),
        ":36\n"
    );
    assert_eq!(
        server.seen(),
        [
            "/api/v1/nodes?limit=500",
            "/api/v1/namespaces?limit=500",
            "/apis/apps/v1/namespaces/alpha/controllerrevisions?limit=500",
        ]
    );
}

#[test]
fn contexts_come_from_the_kubeconfig_without_a_request() {
    let server = Server::start(true);
    assert_eq!(live(&server, &["--context", ""]), "a\tcurrent\nb\n:4\n");
    assert_eq!(server.seen(), Vec::<String>::new());
}

#[test]
fn a_server_that_never_answers_gives_no_candidates_and_no_error() {
    let server = Server::start(false);
    // The lookup's bound is the shorter of 5 s and the --request-timeout on the line.
    let out = live(&server, &["--request-timeout=1s", "why", ""]);
    assert_eq!(out, ":4\n");
    assert_eq!(server.seen().len(), 1, "not retried: {:?}", server.seen());
}
