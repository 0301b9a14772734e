//! Tier 3: the requests behind `logs` and `exec` against a scripted API server (`tower_test`).

use std::future::Future;
use std::time::Duration;

use futures::StreamExt;
use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::cluster::pods::{ExecEnd, LogOptions, exec_end};
use kubectl_ds::cluster::{Cluster, ClusterError};
use serde_json::{Value, json};
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;

fn setup() -> (Cluster, Handle) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    (Cluster::from_client(client, "default", false), handle)
}

/// Runs the call and the server script together; fails after 10 s.
async fn run<A: Future, B: Future>(call: A, script: B) -> (A::Output, B::Output) {
    tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(call, script)
    })
    .await
    .expect("test timed out: a request was never answered or never sent")
}

/// `(path, [(key, value)])` of the next request, answered with `status` and `body`.
async fn answer(
    handle: &mut Handle,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> (String, Vec<(String, String)>, http::HeaderMap) {
    let (req, send) = handle.next_request().await.expect("no request sent");
    let path = req.uri().path().to_owned();
    let query = req
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_owned(), percent_decode(v))
        })
        .collect();
    let headers = req.headers().clone();
    send.send_response(
        Response::builder()
            .status(status)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap(),
    );
    (path, query, headers)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                out.push(
                    u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16)
                        .unwrap(),
                );
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn status(code: u16, reason: &str, message: &str) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
        "message": message, "reason": reason, "code": code}),
    )
    .unwrap()
}

#[tokio::test]
async fn log_request_carries_every_option() {
    let (cluster, mut handle) = setup();
    let opts = LogOptions {
        container: Some("agent".into()),
        follow: true,
        previous: true,
        since_seconds: Some(300),
        tail_lines: Some(20),
        timestamps: true,
    };
    let call = async {
        let stream = cluster
            .pod_logs("kube-system", "agent-x7k2p", &opts)
            .await?;
        let chunks: Vec<anyhow::Result<Vec<u8>>> = stream.collect().await;
        let mut all = Vec::new();
        for c in chunks {
            all.extend(c?);
        }
        anyhow::Ok(String::from_utf8(all)?)
    };
    let script = answer(&mut handle, 200, "text/plain", b"line 1\nline 2\n".to_vec());
    let (text, (path, query, _)) = run(call, script).await;
    assert_eq!(text.unwrap(), "line 1\nline 2\n");
    assert_eq!(path, "/api/v1/namespaces/kube-system/pods/agent-x7k2p/log");
    let q = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(q("container"), Some("agent"));
    assert_eq!(q("follow"), Some("true"));
    assert_eq!(q("previous"), Some("true"));
    assert_eq!(q("sinceSeconds"), Some("300"));
    assert_eq!(q("tailLines"), Some("20"));
    assert_eq!(q("timestamps"), Some("true"));
    assert_eq!(query.len(), 6, "{query:?}");
}

#[tokio::test]
async fn log_request_without_options_has_no_query() {
    let (cluster, mut handle) = setup();
    let call = async {
        let s = cluster.pod_logs("ns", "p", &LogOptions::default()).await?;
        let _: Vec<_> = s.collect().await;
        anyhow::Ok(())
    };
    let script = answer(&mut handle, 200, "text/plain", Vec::new());
    let (r, (path, query, _)) = run(call, script).await;
    r.unwrap();
    assert_eq!(path, "/api/v1/namespaces/ns/pods/p/log");
    assert!(query.is_empty(), "{query:?}");
}

#[tokio::test]
async fn forbidden_logs_name_pods_log_and_the_reader_role() {
    let (cluster, mut handle) = setup();
    let message = "pods \"p\" is forbidden: User \"kds-nobody\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"ns\"";
    let call = async {
        cluster
            .pod_logs("ns", "p", &LogOptions::default())
            .await
            .map(|_| ())
    };
    let script = answer(
        &mut handle,
        403,
        "application/json",
        status(403, "Forbidden", message),
    );
    let (r, _) = run(call, script).await;
    let err = r.unwrap_err();
    assert!(matches!(
        err.downcast_ref::<ClusterError>(),
        Some(ClusterError::Forbidden { .. })
    ));
    assert_eq!(
        err.to_string(),
        "forbidden: User \"kds-nobody\" cannot get pods/log in namespace \"ns\" (grant the read-only ClusterRole kubectl-ds-reader from the README)"
    );
}

#[tokio::test]
async fn exec_upgrade_request_line_then_forbidden_names_pods_exec() {
    let (cluster, mut handle) = setup();
    let command = vec!["sh".to_owned(), "-c".to_owned(), "echo hi".to_owned()];
    let call = async {
        cluster
            .exec(
                "ns",
                "agent-1",
                "main",
                &command,
                Some(tokio::io::empty()),
                tokio::io::sink(),
                tokio::io::sink(),
                None,
            )
            .await
    };
    let message = "pods \"agent-1\" is forbidden: User \"kds-reader\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"ns\"";
    let script = answer(
        &mut handle,
        403,
        "application/json",
        status(403, "Forbidden", message),
    );
    let (r, (path, query, headers)) = run(call, script).await;
    assert_eq!(path, "/api/v1/namespaces/ns/pods/agent-1/exec");
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("stdin", "true"),
            ("stdout", "true"),
            ("stderr", "true"),
            ("container", "main"),
            ("command", "sh"),
            ("command", "-c"),
            ("command", "echo hi"),
        ]
    );
    assert!(!pairs.iter().any(|(k, _)| *k == "tty"));
    assert_eq!(headers.get("upgrade").unwrap(), "websocket");
    let err = r.unwrap_err();
    assert_eq!(
        err.to_string(),
        "forbidden: User \"kds-reader\" cannot create pods/exec in namespace \"ns\" (grant the ClusterRole kubectl-ds-operator from the README)"
    );
}

#[tokio::test]
async fn exec_without_stdin_asks_for_no_stdin() {
    let (cluster, mut handle) = setup();
    let command = vec!["true".to_owned()];
    let call = async {
        cluster
            .exec(
                "ns",
                "agent-1",
                "main",
                &command,
                None::<tokio::io::Empty>,
                tokio::io::sink(),
                tokio::io::sink(),
                None,
            )
            .await
    };
    // A plain 200 is not an upgrade: the session cannot open.
    let script = answer(&mut handle, 200, "application/json", b"{}".to_vec());
    let (r, (_, query, _)) = run(call, script).await;
    assert!(!query.iter().any(|(k, _)| k == "stdin"), "{query:?}");
    assert!(r.is_err());
}

fn exec_status(v: Value) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::Status {
    serde_json::from_value(v).unwrap()
}

#[test]
fn exec_status_maps_to_the_exit_code() {
    assert_eq!(
        exec_end(Some(&exec_status(json!({"status": "Success"})))),
        ExecEnd::Exited(0)
    );
    let failed = exec_status(json!({
        "status": "Failure", "reason": "NonZeroExitCode",
        "message": "command terminated with non-zero exit code: error executing command [sh -c exit 7], exit code 7",
        "details": {"causes": [{"reason": "ExitCode", "message": "7"}]}
    }));
    assert_eq!(exec_end(Some(&failed)), ExecEnd::Exited(7));
    let other = exec_status(json!({"status": "Failure", "message": "container not found (\"x\")"}));
    assert_eq!(
        exec_end(Some(&other)),
        ExecEnd::Error("container not found (\"x\")".into())
    );
    assert!(matches!(exec_end(None), ExecEnd::Error(_)));
}

/// The query pairs of an exec upgrade request made with a TTY.
async fn tty_exec_query(stdin: bool) -> Vec<(String, String)> {
    let (cluster, mut handle) = setup();
    let command = vec!["sh".to_owned()];
    let sizes: kubectl_ds::cluster::pods::TerminalSizes =
        Box::pin(futures::stream::iter([(80u16, 24u16)]));
    let call = async {
        cluster
            .exec(
                "ns",
                "agent-1",
                "main",
                &command,
                stdin.then(tokio::io::empty),
                tokio::io::sink(),
                tokio::io::sink(),
                Some(sizes),
            )
            .await
    };
    let script = answer(
        &mut handle,
        403,
        "application/json",
        status(403, "Forbidden", "no"),
    );
    let (r, (path, query, headers)) = run(call, script).await;
    assert_eq!(path, "/api/v1/namespaces/ns/pods/agent-1/exec");
    assert_eq!(headers.get("upgrade").unwrap(), "websocket");
    assert!(r.is_err());
    query
}

#[tokio::test]
async fn exec_with_a_tty_asks_for_tty_and_no_stderr() {
    let query = tty_exec_query(false).await;
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // A TTY merges stderr into stdout: the API refuses tty with stderr, kubectl sends none.
    assert_eq!(
        pairs,
        [
            ("stdout", "true"),
            ("tty", "true"),
            ("container", "main"),
            ("command", "sh"),
        ]
    );
}

#[tokio::test]
async fn exec_interactive_with_a_tty_asks_for_stdin_and_tty() {
    let query = tty_exec_query(true).await;
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("stdin", "true"),
            ("stdout", "true"),
            ("tty", "true"),
            ("container", "main"),
            ("command", "sh"),
        ]
    );
}
