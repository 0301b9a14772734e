//! Tier 3: the live-API module against a scripted API server (`tower_test` mock service).
//!
//! Each test runs the cluster call and the server script side by side under a timeout, so a
//! missing or extra request fails instead of hanging, and asserts both the requests (method,
//! path, query, content type, body) and the result.

use std::future::Future;
use std::time::{Duration, Instant};

use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::cluster::{self, Cluster, ClusterError, ConnectOptions};
use serde_json::{Value, json};
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;

fn setup() -> (Cluster, Handle) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    (Cluster::from_client(client, "default", false), handle)
}

/// What the mock server saw of one request.
#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    raw_query: String,
    query: Vec<(String, String)>,
    content_type: Option<String>,
    body: Option<Value>,
}

impl Seen {
    fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Receives the next request and answers it with `status`, `headers` and a JSON `body`.
async fn answer(handle: &mut Handle, status: u16, headers: &[(&str, &str)], body: Value) -> Seen {
    let (req, send) = handle
        .next_request()
        .await
        .expect("the client sent no request");
    let seen = seen(req).await;
    let mut res = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    for (k, v) in headers {
        res = res.header(*k, *v);
    }
    send.send_response(
        res.body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap(),
    );
    seen
}

async fn seen(req: Request<Body>) -> Seen {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let raw_query = req.uri().query().unwrap_or_default().to_owned();
    let query = query_pairs(&raw_query);
    let content_type = req
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = req.into_body().collect_bytes().await.unwrap();
    let body =
        (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).expect("JSON request body"));
    Seen {
        method,
        path,
        raw_query,
        query,
        content_type,
        body,
    }
}

/// `a=b&c=d+e%2C` → `[(a, b), (c, "d e,")]`.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).unwrap()
    }
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Runs the call and the server script together; fails after 10 s.
async fn run<A, B>(call: A, script: B) -> (A::Output, B::Output)
where
    A: Future,
    B: Future,
{
    tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(call, script)
    })
    .await
    .expect("test timed out: a request was never answered or never sent")
}

fn cluster_error(e: &anyhow::Error) -> &ClusterError {
    e.downcast_ref::<ClusterError>()
        .unwrap_or_else(|| panic!("not a ClusterError: {e:#}"))
}

fn node(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": format!("uid-{name}")}})
}

fn daemon_set(ns: &str, name: &str, rv: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": ns, "resourceVersion": rv, "managedFields": [{"manager": "x"}]},
        "spec": {"selector": {"matchLabels": {"app": name}}, "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}},
        "status": {"desiredNumberScheduled": 2, "numberReady": 2}
    })
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason, "code": code})
}

#[tokio::test]
async fn list_follows_continue_and_counts_every_page() {
    let (cluster, mut handle) = setup();
    let (result, (first, second)) = run(cluster.list_nodes(), async {
        let first = answer(
            &mut handle,
            200,
            &[],
            json!({"kind": "NodeList", "apiVersion": "v1", "metadata": {"continue": "tok-1", "resourceVersion": "9"}, "items": [node("n1")]}),
        )
        .await;
        let second = answer(
            &mut handle,
            200,
            &[],
            json!({"kind": "NodeList", "apiVersion": "v1", "metadata": {"resourceVersion": "9"}, "items": [node("n2")]}),
        )
        .await;
        (first, second)
    })
    .await;
    assert_eq!(first.method, "GET");
    assert_eq!(first.path, "/api/v1/nodes");
    assert_eq!(first.raw_query, "limit=500");
    assert_eq!(second.path, "/api/v1/nodes");
    assert_eq!(second.query("limit"), Some("500"));
    assert_eq!(second.query("continue"), Some("tok-1"));
    assert_eq!(second.raw_query, "continue=tok-1&limit=500");
    assert!(first.body.is_none() && second.body.is_none());
    let nodes = result.unwrap();
    let names: Vec<&str> = nodes.iter().map(|n| n.name()).collect();
    assert_eq!(names, ["n1", "n2"]);
    assert_eq!(cluster.request_count(), 2);
}

#[tokio::test]
async fn selectors_go_into_the_query() {
    let (cluster, mut handle) = setup();
    let labels = "app=agent,tier in (a,b),!canary";
    let fields = cluster::field_selector_for_node("worker-1");
    let (result, req) = run(
        cluster.list_pods(Some("kube-system"), Some(labels), Some(&fields)),
        answer(
            &mut handle,
            200,
            &[],
            json!({"kind": "PodList", "metadata": {}, "items": null}),
        ),
    )
    .await;
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/api/v1/namespaces/kube-system/pods");
    assert_eq!(req.query("labelSelector"), Some(labels));
    assert_eq!(req.query("fieldSelector"), Some("spec.nodeName=worker-1"));
    assert_eq!(req.query("limit"), Some("500"));
    assert_eq!(
        req.raw_query,
        "fieldSelector=spec.nodeName%3Dworker-1&labelSelector=app%3Dagent%2Ctier%20in%20%28a%2Cb%29%2C%21canary&limit=500"
    );
    assert!(result.unwrap().is_empty());

    // All namespaces, events and revisions use their own paths.
    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.list_events(None, Some("involvedObject.kind=DaemonSet")),
        answer(
            &mut handle,
            200,
            &[],
            json!({"items": [{"metadata": {"name": "e"}, "reason": "FailedCreate"}]}),
        ),
    )
    .await;
    assert_eq!(req.path, "/api/v1/events");
    assert_eq!(
        req.query("fieldSelector"),
        Some("involvedObject.kind=DaemonSet")
    );
    assert_eq!(result.unwrap()[0].reason, "FailedCreate");

    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.list_revisions("ns", Some("app=agent")),
        answer(
            &mut handle,
            200,
            &[],
            json!({"items": [{"metadata": {"name": "agent-abc"}, "revision": 3}]}),
        ),
    )
    .await;
    assert_eq!(req.path, "/apis/apps/v1/namespaces/ns/controllerrevisions");
    assert_eq!(req.query("labelSelector"), Some("app=agent"));
    assert_eq!(result.unwrap()[0].revision, 3);
}

#[tokio::test]
async fn forbidden_names_verb_resource_and_namespace() {
    let (cluster, mut handle) = setup();
    let message = "pods is forbidden: User \"kds-nobody\" cannot list resource \"pods\" in API group \"\" in the namespace \"x\"";
    let (result, req) = run(
        cluster.list_pods(Some("x"), None, None),
        answer(&mut handle, 403, &[], status(403, "Forbidden", message)),
    )
    .await;
    assert_eq!(req.path, "/api/v1/namespaces/x/pods");
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        "forbidden: User \"kds-nobody\" cannot list pods in namespace \"x\" (grant the read-only ClusterRole kubectl-ds-reader from the README)"
    );
    match cluster_error(&err) {
        ClusterError::Forbidden {
            verb,
            resource,
            namespace,
            message: m,
        } => {
            assert_eq!((verb.as_str(), resource.as_str()), ("list", "pods"));
            assert_eq!(namespace.as_deref(), Some("x"));
            assert_eq!(m, message);
        }
        other => panic!("unexpected {other:?}"),
    }
    // Not retried.
    assert_eq!(cluster.request_count(), 1);
}

#[tokio::test]
async fn unauthorized_is_one_clear_line() {
    let (cluster, mut handle) = setup();
    let (result, _) = run(
        cluster.list_nodes(),
        answer(
            &mut handle,
            401,
            &[],
            status(401, "Unauthorized", "Unauthorized"),
        ),
    )
    .await;
    let err = result.unwrap_err();
    assert!(matches!(cluster_error(&err), ClusterError::Unauthorized));
    assert_eq!(
        err.to_string(),
        "unauthorized: the cluster rejected the credentials (check your kubeconfig)"
    );
}

#[tokio::test]
async fn get_not_found_is_none() {
    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.get_daemon_set("kube-system", "agnet"),
        answer(
            &mut handle,
            404,
            &[],
            status(404, "NotFound", "daemonsets.apps \"agnet\" not found"),
        ),
    )
    .await;
    assert_eq!(req.method, "GET");
    assert_eq!(
        req.path,
        "/apis/apps/v1/namespaces/kube-system/daemonsets/agnet"
    );
    assert_eq!(req.raw_query, "");
    assert!(result.unwrap().is_none());
    assert_eq!(cluster.request_count(), 1);

    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.get_node("n1"),
        answer(&mut handle, 200, &[], node("n1")),
    )
    .await;
    assert_eq!(req.path, "/api/v1/nodes/n1");
    assert_eq!(result.unwrap().unwrap().name(), "n1");
}

#[tokio::test]
async fn get_decodes_into_the_compact_model() {
    let (cluster, mut handle) = setup();
    let (result, _) = run(
        cluster.get_daemon_set("ns", "agent"),
        answer(&mut handle, 200, &[], daemon_set("ns", "agent", "77")),
    )
    .await;
    let ds = result.unwrap().unwrap();
    assert_eq!(ds.key(), "ns/agent");
    assert_eq!(ds.metadata.resource_version, "77");
    assert_eq!(ds.status.desired_number_scheduled, 2);
    assert_eq!(
        cluster::label_selector_string(ds.spec.selector.as_ref().unwrap()),
        "app=agent"
    );
}

#[tokio::test]
async fn too_many_requests_is_retried_after_retry_after() {
    let (cluster, mut handle) = setup();
    let start = Instant::now();
    let (result, (first, second)) = run(cluster.list_nodes(), async {
        let first = answer(
            &mut handle,
            429,
            &[("retry-after", "1")],
            status(429, "TooManyRequests", "slow down"),
        )
        .await;
        let second = answer(&mut handle, 200, &[], json!({"items": [node("n1")]})).await;
        (first, second)
    })
    .await;
    assert_eq!(result.unwrap().len(), 1);
    assert_eq!(first.path, second.path);
    assert_eq!(first.query, second.query);
    assert_eq!(cluster.request_count(), 2);
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "Retry-After not honoured"
    );
}

#[tokio::test]
async fn server_errors_are_retried_three_times_then_fail() {
    let (cluster, mut handle) = setup();
    let start = Instant::now();
    let (result, ()) = run(cluster.list_daemon_sets(None), async {
        for _ in 0..3 {
            let req = answer(
                &mut handle,
                500,
                &[],
                status(500, "InternalError", "etcd is sad"),
            )
            .await;
            assert_eq!(req.path, "/apis/apps/v1/daemonsets");
        }
    })
    .await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot list daemonsets across all namespaces: etcd is sad (HTTP 500)"
    );
    assert!(matches!(
        cluster_error(&err),
        ClusterError::Api { code: 500, .. }
    ));
    assert_eq!(cluster.request_count(), 3);
    // Backoff 200 ms then 400 ms.
    assert!(start.elapsed() >= Duration::from_millis(550));
}

#[tokio::test]
async fn writes_are_not_retried() {
    let (cluster, mut handle) = setup();
    let (result, _) = run(
        cluster.patch_daemon_set_merge("ns", "agent", json!({"spec": {}}), None, false),
        answer(
            &mut handle,
            503,
            &[],
            status(503, "ServiceUnavailable", "try later"),
        ),
    )
    .await;
    assert!(matches!(
        cluster_error(&result.unwrap_err()),
        ClusterError::Api { code: 503, .. }
    ));
    assert_eq!(cluster.request_count(), 1);
}

#[tokio::test]
async fn delete_sends_uid_precondition_and_dry_run() {
    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.delete_pod("kube-system", "agent-x7k2p", Some("uid-123"), Some(0), true),
        answer(
            &mut handle,
            200,
            &[],
            json!({"kind": "Pod", "metadata": {"name": "agent-x7k2p"}}),
        ),
    )
    .await;
    result.unwrap();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.path, "/api/v1/namespaces/kube-system/pods/agent-x7k2p");
    assert_eq!(req.raw_query, "dryRun=All");
    assert_eq!(req.content_type.as_deref(), Some("application/json"));
    let body = req.body.unwrap();
    assert_eq!(body["kind"], "DeleteOptions");
    assert_eq!(body["preconditions"]["uid"], "uid-123");
    assert_eq!(body["gracePeriodSeconds"], 0);
    assert_eq!(body["dryRun"], json!(["All"]));

    // A real delete carries no dry-run marker.
    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.delete_pod("ns", "p", Some("uid-9"), None, false),
        answer(&mut handle, 200, &[], json!({"kind": "Pod"})),
    )
    .await;
    result.unwrap();
    assert!(req.query("dryRun").is_none());
    let body = req.body.unwrap();
    assert!(body.get("dryRun").is_none() && body.get("gracePeriodSeconds").is_none());
    assert_eq!(body["preconditions"]["uid"], "uid-9");
}

#[tokio::test]
async fn delete_of_a_replaced_pod_is_a_conflict_and_a_missing_one_not_found() {
    let (cluster, mut handle) = setup();
    let (result, _) = run(
        cluster.delete_pod("ns", "p", Some("uid-old"), None, false),
        answer(
            &mut handle,
            409,
            &[],
            status(
                409,
                "Conflict",
                "Precondition failed: UID in precondition: uid-old, UID in object meta: uid-new",
            ),
        ),
    )
    .await;
    let err = result.unwrap_err();
    assert_eq!(
        err.to_string(),
        "conflict: the pod ns/p changed since it was read (uid uid-old); re-run"
    );
    assert_eq!(cluster.request_count(), 1);

    let (cluster, mut handle) = setup();
    let (result, _) = run(
        cluster.delete_pod("ns", "p", None, None, false),
        answer(
            &mut handle,
            404,
            &[],
            status(404, "NotFound", "pods \"p\" not found"),
        ),
    )
    .await;
    assert!(matches!(
        cluster_error(&result.unwrap_err()),
        ClusterError::NotFound { .. }
    ));
}

#[tokio::test]
async fn strategic_patch_sends_content_type_and_resource_version() {
    let (cluster, mut handle) = setup();
    let patch =
        json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:2"}]}}}});
    let (result, req) = run(
        cluster.patch_daemon_set_strategic("ns", "agent", patch, Some("123"), true),
        answer(&mut handle, 200, &[], daemon_set("ns", "agent", "124")),
    )
    .await;
    assert_eq!(req.method, "PATCH");
    assert_eq!(req.path, "/apis/apps/v1/namespaces/ns/daemonsets/agent");
    assert_eq!(
        req.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    assert_eq!(req.raw_query, "dryRun=All&fieldManager=kubectl-ds");
    assert_eq!(
        req.body.unwrap(),
        json!({
            "metadata": {"resourceVersion": "123"},
            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i:2"}]}}}
        })
    );
    assert_eq!(result.unwrap().metadata.resource_version, "124");
}

#[tokio::test]
async fn merge_patch_for_restart() {
    let (cluster, mut handle) = setup();
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z"}}}}});
    let (result, req) = run(
        cluster.patch_daemon_set_merge("ns", "agent", patch.clone(), None, false),
        answer(&mut handle, 200, &[], daemon_set("ns", "agent", "5")),
    )
    .await;
    assert_eq!(req.method, "PATCH");
    assert_eq!(
        req.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(req.raw_query, "fieldManager=kubectl-ds");
    assert_eq!(req.body.unwrap(), patch);
    result.unwrap();
}

#[tokio::test]
async fn patch_conflict_names_the_resource_version() {
    let (cluster, mut handle) = setup();
    let (result, req) = run(
        cluster.patch_daemon_set_strategic("ns", "agent", json!({"spec": {}}), Some("123"), false),
        answer(
            &mut handle,
            409,
            &[],
            status(409, "Conflict", "Operation cannot be fulfilled on daemonsets.apps \"agent\": the object has been modified; please apply your changes to the latest version and try again"),
        ),
    )
    .await;
    assert_eq!(req.body.unwrap()["metadata"]["resourceVersion"], "123");
    let err = result.unwrap_err();
    assert!(matches!(cluster_error(&err), ClusterError::Conflict { .. }));
    assert_eq!(
        err.to_string(),
        "conflict: the DaemonSet changed since it was read (resourceVersion 123); re-run"
    );
    assert_eq!(cluster.request_count(), 1);
}

#[tokio::test]
async fn expired_continue_token_restarts_the_list_once() {
    let (cluster, mut handle) = setup();
    let (result, ()) = run(cluster.list_nodes(), async {
        answer(
            &mut handle,
            200,
            &[],
            json!({"metadata": {"continue": "old"}, "items": [node("n1")]}),
        )
        .await;
        let req = answer(
            &mut handle,
            410,
            &[],
            status(410, "Expired", "continue token expired"),
        )
        .await;
        assert_eq!(req.query("continue"), Some("old"));
        let req = answer(
            &mut handle,
            200,
            &[],
            json!({"items": [node("n1"), node("n2")]}),
        )
        .await;
        assert!(req.query("continue").is_none());
    })
    .await;
    assert_eq!(result.unwrap().len(), 2);
    assert_eq!(cluster.request_count(), 3);
}

#[tokio::test]
async fn silent_server_times_out() {
    let (cluster, mut handle) = setup();
    let cluster = cluster.with_request_timeout(Some(Duration::from_millis(200)));
    let (result, ()) = run(cluster.list_nodes(), async {
        let (_req, send) = handle.next_request().await.unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
        drop(send);
    })
    .await;
    let err = result.unwrap_err();
    assert!(matches!(cluster_error(&err), ClusterError::Timeout { .. }));
    assert_eq!(
        err.to_string(),
        "the API server did not answer within 200ms"
    );
}

#[tokio::test]
async fn transport_failure_is_unreachable() {
    let (cluster, mut handle) = setup();
    let (result, ()) = run(cluster.list_nodes(), async {
        let (_req, send) = handle.next_request().await.unwrap();
        send.send_error(std::io::Error::new(
            std::io::ErrorKind::ConnectionRefused,
            "connection refused",
        ));
    })
    .await;
    let err = result.unwrap_err();
    assert!(matches!(
        cluster_error(&err),
        ClusterError::Unreachable { .. }
    ));
    assert!(
        err.to_string()
            .starts_with("cannot reach the API server at "),
        "{err}"
    );
    assert!(err.to_string().ends_with("connection refused"), "{err}");
}

#[tokio::test]
async fn bad_names_are_refused_before_any_request() {
    let (cluster, _handle) = setup();
    assert!(cluster.get_daemon_set("a/b", "x").await.is_err());
    assert!(cluster.get_node("../x").await.is_err());
    assert_eq!(cluster.request_count(), 0);
}

/// A kubeconfig with two contexts for a server at `server`.
fn write_kubeconfig(tag: &str, server: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!(
        "kubectl-ds-mock-api-{tag}-{}.yaml",
        std::process::id()
    ));
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: main\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: not-a-real-token\ncontexts:\n- name: main\n  context:\n    cluster: c\n    user: u\n- name: other\n  context:\n    cluster: c\n    user: u\n    namespace: monitoring\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn connect_uses_the_kubeconfig_file_and_context() {
    let path = write_kubeconfig("ctx", "https://127.0.0.1:1");
    let opts = ConnectOptions {
        kubeconfig: Some(path.clone()),
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts).await.unwrap();
    assert_eq!(cluster.default_namespace(), "default");
    assert_eq!(cluster.server_url(), Some("https://127.0.0.1:1"));
    let opts = ConnectOptions {
        context: Some("other".into()),
        ..opts
    };
    assert_eq!(
        cluster::connect(&opts).await.unwrap().default_namespace(),
        "monitoring"
    );
    let opts = ConnectOptions {
        context: Some("nope".into()),
        ..opts
    };
    let err = cluster::connect(&opts).await.unwrap_err().to_string();
    assert!(err.contains("context \"nope\" not found"), "{err}");
    assert!(!err.contains("not-a-real-token"));
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn refused_connection_names_the_server() {
    // Port 1 on loopback: nothing listens there.
    let path = write_kubeconfig("refused", "https://127.0.0.1:1");
    let opts = ConnectOptions {
        kubeconfig: Some(path.clone()),
        request_timeout: Some(Duration::from_secs(5)),
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), cluster.list_nodes())
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot reach the API server at https://127.0.0.1:1: "),
        "{err}"
    );
    assert!(err.to_lowercase().contains("refused"), "{err}");
    assert!(!err.contains("not-a-real-token"));
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn unanswered_connection_times_out() {
    // A listener that accepts and never speaks (the TLS handshake never completes).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let path = write_kubeconfig("silent", &format!("https://127.0.0.1:{port}"));
    let opts = ConnectOptions {
        kubeconfig: Some(path.clone()),
        request_timeout: Some(Duration::from_millis(300)),
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(10), cluster.list_nodes())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(cluster_error(&err), ClusterError::Timeout { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "the API server did not answer within 300ms"
    );
    drop(listener);
    std::fs::remove_file(path).ok();
}
