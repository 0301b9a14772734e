//! Credentials never reach the output: the binary runs with `-v` against a tiny HTTP server on
//! 127.0.0.1 with a bearer token, a token file or an exec credential plugin, on success and on
//! every error path, and neither the token nor the plugin's output appears on stdout or stderr.
//! `--from-file` treats what it reads as data: no `$ref`, `!include` or kubeconfig path in a file
//! is followed, and no cluster is contacted.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

use common::cli::kds;

/// Every secret of these tests starts with this.
const SECRET: &str = "sekret-";
const TOKEN: &str = "sekret-bearer-7f3a9c";
const EXEC_TOKEN: &str = "sekret-exec-51d2e8";
const FILE_TOKEN: &str = "sekret-file-0b77aa";

/// A node, a DaemonSet `ns/x` and its healthy pod, as JSON objects.
fn objects() -> Vec<serde_json::Value> {
    let yaml = r#"apiVersion: v1
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
    yaml.split("---\n")
        .map(|doc| serde_saphyr::from_str(doc).unwrap())
        .collect()
}

/// How the server answers.
#[derive(Clone, Copy)]
enum Mode {
    /// The objects of [`objects`].
    Serve,
    /// This status code with a `Status` body, for every request.
    Status(u16),
}

/// A one-thread HTTP/1.1 server on 127.0.0.1 that records each request's `Authorization`.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(mode: Mode) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log);
                thread::spawn(move || serve(stream, mode, &log));
            }
        });
        Server { port, seen }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The `Authorization` headers received (`-` when absent), one per request.
    fn authorizations(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, mode: Mode, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("/")
            .to_owned();
        let mut auth = "-".to_owned();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("authorization") {
                    auth = value.trim().to_owned();
                }
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
            return;
        }
        log.lock().unwrap().push(auth);
        let (status, body) = answer(mode, &path);
        let reason = match status {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Error",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn status_body(code: u16, reason: &str, message: &str) -> String {
    serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code,
    })
    .to_string()
}

fn answer(mode: Mode, target: &str) -> (u16, String) {
    match mode {
        Mode::Status(401) => (401, status_body(401, "Unauthorized", "Unauthorized")),
        Mode::Status(403) => (
            403,
            status_body(
                403,
                "Forbidden",
                "daemonsets.apps \"x\" is forbidden: User \"jane\" cannot get resource \"daemonsets\" in API group \"apps\" in the namespace \"ns\"",
            ),
        ),
        Mode::Status(code) => (code, status_body(code, "InternalError", "boom")),
        Mode::Serve => {
            let path = target.split('?').next().unwrap_or("");
            let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
            let kind_of = |resource: &str| match resource {
                "nodes" => "Node",
                "pods" => "Pod",
                "daemonsets" => "DaemonSet",
                "controllerrevisions" => "ControllerRevision",
                _ => "",
            };
            let objects = objects();
            // `…/RESOURCE/NAME` is a get, `…/RESOURCE` a list.
            let last = *segments.last().unwrap_or(&"");
            if kind_of(last).is_empty() && segments.len() >= 2 {
                let resource = segments[segments.len() - 2];
                if let Some(found) = objects
                    .iter()
                    .find(|o| o["kind"] == kind_of(resource) && o["metadata"]["name"] == last)
                {
                    return (200, found.to_string());
                }
                if !kind_of(resource).is_empty() {
                    return (404, status_body(404, "NotFound", "not found"));
                }
            }
            let items: Vec<&serde_json::Value> = objects
                .iter()
                .filter(|o| o["kind"] == kind_of(last))
                .collect();
            (
                200,
                serde_json::json!({"kind": "List", "apiVersion": "v1", "metadata": {}, "items": items})
                    .to_string(),
            )
        }
    }
}

/// A directory under cargo's per-target temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("secrets-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, content: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn kubeconfig(server: &str, user: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: k\n  cluster:\n    server: {server}\ncontexts:\n- name: c\n  context: {{cluster: k, user: u, namespace: ns}}\nusers:\n- name: u\n  user:\n{user}"
    )
}

fn token_user() -> String {
    format!("    token: {TOKEN}\n")
}

fn exec_user(command: &Path) -> String {
    format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
        command.display()
    )
}

/// An executable shell script.
fn script(dir: &TempDir, name: &str, body: &str) -> PathBuf {
    let path = dir.write(name, &format!("#!/bin/sh\n{body}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn exec_credential(token: &str) -> String {
    format!(
        r#"{{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{{"token":"{token}"}}}}"#
    )
}

/// Runs `kubectl-ds -v ARGS --kubeconfig KC`; returns (exit code, stdout + stderr).
fn run_with(kubeconfig: &Path, args: &[&str]) -> (i32, String) {
    let out = kds()
        .arg("-v")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["--request-timeout", "5s"])
        .args(args)
        .output()
        .unwrap();
    let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
    all.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), all)
}

fn assert_no_secret(case: &str, output: &str) {
    assert!(
        !output.contains(SECRET),
        "{case}: a secret reached the output:\n{output}"
    );
    for quoted in ["\"kind\":\"ExecCredential\"", "\"status\":{", "token="] {
        assert!(
            !output.contains(quoted),
            "{case}: the exec plugin's output reached the output:\n{output}"
        );
    }
    assert!(!output.contains("panicked"), "{case}:\n{output}");
}

const WHY: &[&str] = &["why-missing", "x", "-n", "ns"];
const ROLLOUT: &[&str] = &["rollout", "history", "x", "-n", "ns"];

#[test]
fn bearer_token_success_and_errors() {
    let dir = TempDir::new("bearer");
    for (mode, want) in [
        (Mode::Serve, 0),
        (Mode::Status(401), 1),
        (Mode::Status(403), 1),
        (Mode::Status(500), 1),
    ] {
        let server = Server::start(mode);
        let kc = dir.write("kc", &kubeconfig(&server.url(), &token_user()));
        for args in [WHY, ROLLOUT] {
            let (code, output) = run_with(&kc, args);
            let case = format!("token, {args:?}, {}", output.lines().last().unwrap_or(""));
            assert_eq!(code, want, "{case}:\n{output}");
            assert!(
                output.contains("I GET /"),
                "{case}: no request log:\n{output}"
            );
            assert_no_secret(&case, &output);
        }
        // The token was sent: the test would prove nothing otherwise.
        let auth = server.authorizations();
        assert!(!auth.is_empty());
        assert!(
            auth.iter().all(|a| a == &format!("Bearer {TOKEN}")),
            "{auth:?}"
        );
    }
}

#[test]
fn bearer_token_unreachable_server() {
    let dir = TempDir::new("refused");
    // A port that was just free: connection refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = dir.write(
        "kc",
        &kubeconfig(&format!("http://127.0.0.1:{port}"), &token_user()),
    );
    let (code, output) = run_with(&kc, WHY);
    assert_eq!(code, 1, "{output}");
    assert_no_secret("refused", &output);
}

#[test]
fn token_file() {
    let dir = TempDir::new("token-file");
    let token = dir.write("token", FILE_TOKEN);
    let server = Server::start(Mode::Status(401));
    let kc = dir.write(
        "kc",
        &kubeconfig(
            &server.url(),
            &format!("    tokenFile: {}\n", token.display()),
        ),
    );
    let (code, output) = run_with(&kc, WHY);
    assert_eq!(code, 1, "{output}");
    assert_no_secret("token file", &output);
    assert_eq!(server.authorizations(), [format!("Bearer {FILE_TOKEN}")]);
}

#[test]
fn exec_plugin_success_and_errors() {
    let dir = TempDir::new("exec");
    let good = script(
        &dir,
        "good.sh",
        &format!("printf '%s\\n' '{}'\n", exec_credential(EXEC_TOKEN)),
    );
    for (mode, want) in [
        (Mode::Serve, 0),
        (Mode::Status(401), 1),
        (Mode::Status(403), 1),
    ] {
        let server = Server::start(mode);
        let kc = dir.write("kc", &kubeconfig(&server.url(), &exec_user(&good)));
        let (code, output) = run_with(&kc, WHY);
        assert_eq!(code, want, "{output}");
        assert_no_secret("exec plugin", &output);
        let auth = server.authorizations();
        assert!(!auth.is_empty());
        assert!(
            auth.iter().all(|a| a == &format!("Bearer {EXEC_TOKEN}")),
            "{auth:?}"
        );
    }
}

#[test]
fn failing_exec_plugins_are_not_quoted() {
    let dir = TempDir::new("exec-fail");
    let plugins = [
        // Prints a credential, then fails.
        format!("printf '%s\\n' '{}'\nexit 1\n", exec_credential(EXEC_TOKEN)),
        // Prints something that is not an ExecCredential but holds the token.
        format!("printf '%s\\n' 'token={EXEC_TOKEN} ExecCredential'\n"),
        // A credential with a malformed expiry.
        format!(
            "printf '%s\\n' '{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{EXEC_TOKEN}\",\"expirationTimestamp\":\"{EXEC_TOKEN}\"}}}}'\n"
        ),
        // A credential of the wrong API version.
        format!(
            "printf '%s\\n' '{{\"apiVersion\":\"client.authentication.k8s.io/v9\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{EXEC_TOKEN}\"}}}}'\n"
        ),
    ];
    for (i, body) in plugins.iter().enumerate() {
        let plugin = script(&dir, &format!("plugin{i}.sh"), body);
        let server = Server::start(Mode::Serve);
        let kc = dir.write("kc", &kubeconfig(&server.url(), &exec_user(&plugin)));
        let (code, output) = run_with(&kc, WHY);
        let case = format!("plugin {i}");
        assert_no_secret(&case, &output);
        if code != 0 {
            assert_eq!(code, 1, "{case}:\n{output}");
            assert!(
                output.lines().any(|l| l.starts_with("error: ")),
                "{case}:\n{output}"
            );
        }
    }
    // A plugin that does not exist.
    let server = Server::start(Mode::Serve);
    let kc = dir.write(
        "kc",
        &kubeconfig(&server.url(), &exec_user(&dir.0.join("missing.sh"))),
    );
    let (code, output) = run_with(&kc, WHY);
    assert_eq!(code, 1, "{output}");
    assert_no_secret("missing plugin", &output);
}

#[test]
fn malformed_kubeconfig_is_not_quoted() {
    let dir = TempDir::new("bad-kc");
    let server = Server::start(Mode::Serve);
    for (i, kc) in [
        // A YAML syntax error right after the token.
        kubeconfig(&server.url(), &format!("    token: {TOKEN}\n  : [\n")),
        // The token where a map is expected.
        format!("apiVersion: v1\nkind: Config\nusers: {TOKEN}\n"),
        // The context's cluster is not defined; the user's token is in the file.
        kubeconfig(&server.url(), &token_user()).replace("- name: k\n", "- name: other\n"),
        // A client key that cannot be loaded, next to the token.
        kubeconfig(
            &server.url(),
            &format!(
                "{}    client-key-data: {TOKEN}\n    client-certificate-data: {TOKEN}\n",
                token_user()
            ),
        ),
    ]
    .iter()
    .enumerate()
    {
        let path = dir.write(&format!("kc{i}"), kc);
        let (code, output) = run_with(&path, WHY);
        assert_eq!(code, 1, "kubeconfig {i}:\n{output}");
        assert_no_secret(&format!("kubeconfig {i}"), &output);
    }
}

/// A file's content is data: references in it are never followed, and `--from-file` never
/// contacts a cluster, even when a kubeconfig is configured.
#[test]
fn from_file_follows_no_references() {
    let dir = TempDir::new("refs");
    // What a follower would find: a DaemonSet "included" and a secret.
    let target = dir.write(
        "included.yaml",
        &format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: included, namespace: ns, annotations: {{s: {TOKEN}}}}}\nspec: {{selector: {{matchLabels: {{a: b}}}}}}\n"
        ),
    );
    let server = Server::start(Mode::Serve);
    let kc = dir.write("kc", &kubeconfig(&server.url(), &token_user()));
    let t = target.display();
    let k = kc.display();
    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n";
    let inputs = [
        (
            "ref.json",
            format!(
                r#"{{"apiVersion":"v1","kind":"List","items":[{{"$ref":"{t}"}},{{"$ref":"file://{t}"}},{{"apiVersion":"v1","kind":"Node","metadata":{{"name":"n1"}}}}]}}"#
            ),
        ),
        (
            "ref.yaml",
            format!("{node}---\n$ref: {t}\n---\n$include: {t}\n"),
        ),
        (
            "include-tag.yaml",
            format!("{node}---\nitems: !include {t}\n"),
        ),
        ("include-doc.yaml", format!("{node}---\n!include {t}\n")),
        (
            "kubeconfig-path.yaml",
            format!(
                "{node}---\napiVersion: v1\nkind: Config\nkubeconfig: {k}\ncurrent-context: c\n---\napiVersion: v1\nkind: List\nitems: []\nmetadata: {{selfLink: {t}}}\n"
            ),
        ),
        (
            "kubeconfig-inline.yaml",
            format!("{node}---\n{}", kubeconfig(&server.url(), &token_user())),
        ),
    ];
    for (name, content) in &inputs {
        let path = dir.write(name, content);
        let out = kds()
            .env("KUBECONFIG", &kc)
            .args(["why-missing", "included", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        let mut all = String::from_utf8_lossy(&out.stdout).into_owned();
        all.push_str(&String::from_utf8_lossy(&out.stderr));
        let code = out.status.code().unwrap_or(-1);
        assert_eq!(code, 1, "{name}:\n{all}");
        assert!(!all.contains("panicked"), "{name}:\n{all}");
        // Either a syntax error naming the file, or the DaemonSet is not in the data.
        assert!(
            all.contains(r#"daemonset "included" not found"#) || all.contains(name),
            "{name}:\n{all}"
        );
        assert!(
            !all.contains(SECRET),
            "{name}: followed a reference:\n{all}"
        );
    }
    assert!(
        server.authorizations().is_empty(),
        "--from-file contacted the cluster"
    );
}

/// A password in the server URL's user-info (`http://user:password@host`) is a credential too.
/// `connect` drops it from the URL it puts into errors.
#[test]
fn server_url_user_info_is_not_printed() {
    let dir = TempDir::new("user-info");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = dir.write(
        "kc",
        &kubeconfig(
            &format!("http://admin:sekret-password@127.0.0.1:{port}"),
            &token_user(),
        ),
    );
    let (code, output) = run_with(&kc, WHY);
    assert_eq!(code, 1, "{output}");
    assert_no_secret("user-info", &output);
}
