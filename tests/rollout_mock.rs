//! Tier 3: `rollout undo|restart|status` against a scripted API server (`tower_test` mock): the
//! exact requests (method, path, query, content type, body), what is *not* sent (client dry
//! run, nothing to undo), conflicts, and the status watch resuming after `410 Gone` and ending
//! on deletion.

mod common;

use std::future::Future;
use std::time::Duration;

use common::builders::{NS, daemon_set, ds_pod, node, revision_of, template_set};
use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::Outcome;
use kubectl_ds::cli::{DryRunArg, RolloutRestartArgs, RolloutStatusArgs, RolloutUndoArgs};
use kubectl_ds::cluster::Cluster;
use kubectl_ds::commands::rollout::{restart, status, undo};
use kubectl_ds::context::{Context, NamespaceScope, OutputFormat, Source};
use serde_json::{Value, json};
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;
type Responder = mock::SendResponse<Response<Body>>;

fn setup() -> (Cluster, Handle) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    (Cluster::from_client(client, "default", false), handle)
}

/// What the mock server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
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

async fn receive(handle: &mut Handle) -> Option<(Seen, Responder)> {
    let (req, send) = handle.next_request().await?;
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query = query_pairs(req.uri().query().unwrap_or_default());
    let content_type = req
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = req.into_body().collect_bytes().await.unwrap();
    let body =
        (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).expect("JSON request body"));
    Some((
        Seen {
            method,
            path,
            query,
            content_type,
            body,
        },
        send,
    ))
}

fn respond(send: Responder, status: u16, body: &Value) {
    respond_raw(send, status, serde_json::to_vec(body).unwrap());
}

fn respond_raw(send: Responder, status: u16, body: Vec<u8>) {
    send.send_response(
        Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap(),
    );
}

/// Receives the next request and answers it.
async fn answer(handle: &mut Handle, status: u16, body: Value) -> Seen {
    let (seen, send) = receive(handle).await.expect("the client sent no request");
    respond(send, status, &body);
    seen
}

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

/// Runs the call and the server script together; fails after 20 s.
async fn run<A: Future, B: Future>(call: A, script: B) -> (A::Output, B::Output) {
    tokio::time::timeout(Duration::from_secs(20), async {
        tokio::join!(call, script)
    })
    .await
    .expect("test timed out: a request was never answered or never sent")
}

fn list(kind: &str, rv: &str, items: Vec<Value>) -> Value {
    json!({"kind": kind, "apiVersion": "v1", "metadata": {"resourceVersion": rv}, "items": items})
}

fn status_body(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason, "code": code})
}

const DS_PATH: &str = "/apis/apps/v1/namespaces/ns/daemonsets/agent";

/// agent with revisions 1 (agent:1), 2 (agent:2), 3 (agent:3); the template is revision 3's.
fn three_revisions() -> (Value, Vec<Value>) {
    let v1 = daemon_set("agent");
    let v2 = template_set(
        v1.clone(),
        "containers",
        json!([{"name": "main", "image": "agent:2"}]),
    );
    let mut v3 = template_set(
        v1.clone(),
        "containers",
        json!([{"name": "main", "image": "agent:3"}]),
    );
    v3["metadata"]["resourceVersion"] = json!("42");
    v3["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/last-applied-configuration": "{}"});
    let revisions = vec![
        revision_of(&v2, "h2", 2),
        revision_of(&v3, "h3", 3),
        revision_of(&v1, "h1", 1),
    ];
    (v3, revisions)
}

fn undo_args(to_revision: i64, dry_run: DryRunArg) -> RolloutUndoArgs {
    RolloutUndoArgs {
        daemonset: "agent".to_owned(),
        to_revision,
        dry_run,
    }
}

/// Answers the undo's reads: GET the DaemonSet, LIST its revisions.
async fn undo_reads(handle: &mut Handle, ds: &Value, revisions: &[Value]) -> (Seen, Seen) {
    let get = answer(handle, 200, ds.clone()).await;
    let list_revisions = answer(
        handle,
        200,
        list("ControllerRevisionList", "50", revisions.to_vec()),
    )
    .await;
    (get, list_revisions)
}

#[tokio::test]
async fn undo_patches_with_the_revision_data_and_a_resource_version_guard() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(0, DryRunArg::None);
    let (result, (get, list_revisions, patch)) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        async {
            let (get, list_revisions) = undo_reads(&mut handle, &ds, &revisions).await;
            let patch = answer(&mut handle, 200, ds.clone()).await;
            (get, list_revisions, patch)
        },
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    assert_eq!((get.method.as_str(), get.path.as_str()), ("GET", DS_PATH));
    assert_eq!(
        list_revisions.path,
        "/apis/apps/v1/namespaces/ns/controllerrevisions"
    );
    assert_eq!(list_revisions.query("labelSelector"), Some("app=agent"));
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.path, DS_PATH);
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    assert_eq!(patch.query("dryRun"), None);
    // The previous revision (2)'s data, unchanged, plus the guard.
    let mut expected = revisions[0]["data"].clone();
    expected["metadata"] = json!({"resourceVersion": "42"});
    assert_eq!(patch.body.as_ref(), Some(&expected));
    assert_eq!(
        patch.body.as_ref().unwrap()["spec"]["template"]["$patch"],
        "replace"
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent rolled back\n"
    );
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.starts_with("Warning: resource daemonsets/agent was previously managed with 'kubectl apply'. Rolling back will not update the kubectl.kubernetes.io/last-applied-configuration annotation"),
        "{err}"
    );
    assert!(
        err.contains(
            "\n--- daemonset.apps/agent (current template)\n+++ daemonset.apps/agent revision #2\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("\n-  - image: agent:3\n+  - image: agent:2\n"),
        "{err}"
    );
    drop(cluster);
    assert!(handle.next_request().await.is_none(), "no further request");
}

#[tokio::test]
async fn undo_server_dry_run_sends_dry_run_all() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(1, DryRunArg::Server);
    let (result, patch) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        async {
            undo_reads(&mut handle, &ds, &revisions).await;
            answer(&mut handle, 200, ds.clone()).await
        },
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    assert_eq!(patch.query("dryRun"), Some("All"));
    let mut expected = revisions[2]["data"].clone();
    expected["metadata"] = json!({"resourceVersion": "42"});
    assert_eq!(patch.body, Some(expected), "revision 1's data");
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent rolled back (server dry run)\n"
    );
}

#[tokio::test]
async fn undo_client_dry_run_sends_no_patch() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(0, DryRunArg::Client);
    let (result, _) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        undo_reads(&mut handle, &ds, &revisions),
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    drop(cluster);
    assert!(
        handle.next_request().await.is_none(),
        "client dry run: no PATCH"
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent rolled back (dry run)\n"
    );
    assert!(
        String::from_utf8(err)
            .unwrap()
            .contains("\n+  - image: agent:2\n")
    );
}

#[tokio::test]
async fn undo_to_the_current_template_is_skipped_without_a_patch() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(3, DryRunArg::None);
    let (result, _) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        undo_reads(&mut handle, &ds, &revisions),
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    drop(cluster);
    assert!(handle.next_request().await.is_none());
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent skipped rollback (current template already matches revision 3)\n"
    );
    assert_eq!(String::from_utf8(err).unwrap(), "", "no diff, no warning");
}

#[tokio::test]
async fn undo_conflict_is_a_clear_error() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(0, DryRunArg::None);
    let (result, _) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        async {
            undo_reads(&mut handle, &ds, &revisions).await;
            answer(
                &mut handle,
                409,
                status_body(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on daemonsets.apps \"agent\": the object has been modified; please apply your changes to the latest version and try again",
                ),
            )
            .await
        },
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(
        format!("{e:#}"),
        "failed restoring revision 2: conflict: the DaemonSet changed since it was read (resourceVersion 42); re-run"
    );
    assert_eq!(String::from_utf8(out).unwrap(), "", "no success line");
}

#[tokio::test]
async fn undo_errors_as_kubectl() {
    let (cluster, mut handle) = setup();
    let (ds, revisions) = three_revisions();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(7, DryRunArg::None);
    let (result, _) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        undo_reads(&mut handle, &ds, &revisions),
    )
    .await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "unable to find specified revision 7 in history (revisions in history: 1, 2, 3)"
    );
    let (cluster, mut handle) = setup();
    let args = undo_args(0, DryRunArg::None);
    let (result, _) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        undo_reads(&mut handle, &ds, &revisions[..1]),
    )
    .await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "no last revision to roll back to"
    );
    let (cluster, mut handle) = setup();
    let (result, get) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        async {
            let get = answer(&mut handle, 404, status_body(404, "NotFound", "not found")).await;
            let all = answer(&mut handle, 200, list("DaemonSetList", "1", vec![])).await;
            (get, all)
        },
    )
    .await;
    let (get, all) = get;
    assert_eq!(get.path, DS_PATH);
    assert_eq!(
        all.path, "/apis/apps/v1/daemonsets",
        "one list over all namespaces"
    );
    assert_eq!(
        result.unwrap_err().to_string(),
        "daemonset \"agent\" not found in namespace \"ns\": the cluster has no DaemonSets"
    );
}

/// When listing DaemonSets over all namespaces is forbidden (a namespaced role), the not-found
/// path falls back to the namespace asked and still suggests close names there.
#[tokio::test]
async fn not_found_falls_back_to_the_namespace_when_the_cluster_list_is_forbidden() {
    let (cluster, mut handle) = setup();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = undo_args(0, DryRunArg::None);
    let (result, paths) = run(
        undo::undo(&cluster, NS, &args, false, &mut out, &mut err),
        async {
            let get = answer(&mut handle, 404, status_body(404, "NotFound", "not found")).await;
            let all = answer(
                &mut handle,
                403,
                status_body(403, "Forbidden", "daemonsets.apps is forbidden"),
            )
            .await;
            let here = answer(
                &mut handle,
                200,
                list("DaemonSetList", "1", vec![daemon_set("agnet")]),
            )
            .await;
            [get.path, all.path, here.path]
        },
    )
    .await;
    assert_eq!(
        paths,
        [
            DS_PATH.to_owned(),
            "/apis/apps/v1/daemonsets".to_owned(),
            format!("/apis/apps/v1/namespaces/{NS}/daemonsets"),
        ]
    );
    assert_eq!(
        result.unwrap_err().to_string(),
        "daemonset \"agent\" not found in namespace \"ns\" (did you mean \"agnet\"?)"
    );
}

fn restart_args(dry_run: DryRunArg) -> RolloutRestartArgs {
    RolloutRestartArgs {
        daemonset: "agent".to_owned(),
        dry_run,
    }
}

#[tokio::test]
async fn restart_patches_the_restarted_at_annotation() {
    let (cluster, mut handle) = setup();
    let ds = daemon_set("agent");
    let now: jiff::Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = restart_args(DryRunArg::None);
    let (result, (get, patch)) = run(
        restart::restart(&cluster, NS, &args, now, &mut out, &mut err),
        async {
            let get = answer(&mut handle, 200, ds.clone()).await;
            let patch = answer(&mut handle, 200, ds.clone()).await;
            (get, patch)
        },
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    assert_eq!(get.method, "GET");
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.path, DS_PATH);
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    assert_eq!(
        patch.body,
        Some(json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2026-11-28T10:00:00Z"
        }}}}}))
    );
    assert_eq!(patch.query("fieldManager"), Some("kubectl-ds"));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent restarted\n"
    );
    assert_eq!(String::from_utf8(err).unwrap(), "");
}

#[tokio::test]
async fn restart_dry_runs_and_on_delete_warning() {
    let (cluster, mut handle) = setup();
    let mut ds = daemon_set("agent");
    ds["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    let now: jiff::Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (result, patch) = run(
        restart::restart(
            &cluster,
            NS,
            &restart_args(DryRunArg::Server),
            now,
            &mut out,
            &mut err,
        ),
        async {
            answer(&mut handle, 200, ds.clone()).await;
            answer(&mut handle, 200, ds.clone()).await
        },
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    assert_eq!(patch.query("dryRun"), Some("All"));
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent restarted (server dry run)\n"
    );
    assert!(
        String::from_utf8(err)
            .unwrap()
            .contains("uses the OnDelete strategy: the new template takes effect only as pods are replaced; kubectl ds replace agent -n ns --all-outdated")
    );
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (result, _) = run(
        restart::restart(
            &cluster,
            NS,
            &restart_args(DryRunArg::Client),
            now,
            &mut out,
            &mut err,
        ),
        answer(&mut handle, 200, ds.clone()),
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    drop(cluster);
    assert!(
        handle.next_request().await.is_none(),
        "client dry run: no PATCH"
    );
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "daemonset.apps/agent restarted (dry run)\n"
    );
}

// ---- status: list + watch ----

fn ctx(output: OutputFormat) -> Context {
    Context {
        source: Source::Live {
            kubeconfig: None,
            context: None,
        },
        namespace: NamespaceScope::Explicit(NS.to_owned()),
        output,
        headers: true,
        color: false,
        width: None,
        request_timeout: None,
        verbose: false,
        now: common::builders::now(),
        now_source: kubectl_ds::context::NowSource::Flag,
        sarif: false,
    }
}

fn status_args(fail_fast: bool, timeout: Duration) -> RolloutStatusArgs {
    RolloutStatusArgs {
        daemonset: "agent".to_owned(),
        watch: true,
        timeout,
        fail_fast,
    }
}

/// agent on nodes a and b, template at revision 2, status `updated`/`available` of 2.
fn rolling(updated: i64, available: i64, rv: &str) -> Value {
    let v1 = daemon_set("agent");
    let mut ds = template_set(
        v1,
        "containers",
        json!([{"name": "main", "image": "agent:2"}]),
    );
    ds["metadata"]["generation"] = json!(2);
    ds["metadata"]["resourceVersion"] = json!(rv);
    ds["status"] = json!({"observedGeneration": 2, "desiredNumberScheduled": 2, "currentNumberScheduled": 2,
                          "updatedNumberScheduled": updated, "numberAvailable": available, "numberReady": available});
    ds
}

fn event_line(kind: &str, object: &Value) -> String {
    json!({"type": kind, "object": object}).to_string()
}

/// A scripted API server for the watch: lists answer from `state`, each watch request takes the
/// next body of its queue (an empty queue leaves the request open, as a quiet watch is).
struct WatchServer {
    ds_lists: Vec<Value>,
    ds_watches: Vec<Vec<String>>,
    pods: Vec<Value>,
    revisions: Vec<Value>,
    seen: Vec<Seen>,
    open: Vec<Responder>,
}

impl WatchServer {
    async fn serve(&mut self, handle: &mut Handle) {
        while let Some((seen, send)) = receive(handle).await {
            let watching = seen.query("watch") == Some("true");
            let path = seen.path.clone();
            self.seen.push(seen);
            if path == "/apis/apps/v1/namespaces/ns/daemonsets" && watching {
                if self.ds_watches.is_empty() {
                    self.open.push(send);
                } else {
                    let lines = self.ds_watches.remove(0);
                    respond_raw(send, 200, (lines.join("\n") + "\n").into_bytes());
                }
            } else if path == "/apis/apps/v1/namespaces/ns/daemonsets" {
                let ds = if self.ds_lists.len() > 1 {
                    self.ds_lists.remove(0)
                } else {
                    self.ds_lists[0].clone()
                };
                respond(send, 200, &ds);
            } else if watching {
                self.open.push(send);
            } else if path == "/api/v1/namespaces/ns/pods" {
                respond(send, 200, &list("PodList", "11", self.pods.clone()));
            } else if path == "/api/v1/nodes" {
                respond(
                    send,
                    200,
                    &list("NodeList", "12", vec![node("a"), node("b")]),
                );
            } else if path == "/apis/apps/v1/namespaces/ns/controllerrevisions" {
                respond(
                    send,
                    200,
                    &list("ControllerRevisionList", "13", self.revisions.clone()),
                );
            } else if path == "/api/v1/namespaces/ns/events" {
                respond(send, 200, &list("EventList", "14", vec![]));
            } else {
                respond(send, 404, &status_body(404, "NotFound", &path));
            }
        }
    }
}

fn watch_server(
    ds_lists: Vec<Value>,
    ds_watches: Vec<Vec<String>>,
    pods: Vec<Value>,
) -> WatchServer {
    let v1 = daemon_set("agent");
    let v2 = rolling(0, 0, "1");
    WatchServer {
        ds_lists: ds_lists
            .into_iter()
            .map(|ds| list("DaemonSetList", "10", vec![ds]))
            .collect(),
        ds_watches,
        pods,
        revisions: vec![revision_of(&v1, "h1", 1), revision_of(&v2, "h2", 2)],
        seen: Vec::new(),
        open: Vec::new(),
    }
}

/// Runs the status watch until it returns, serving requests meanwhile.
async fn run_status(
    server: &mut WatchServer,
    args: &RolloutStatusArgs,
    output: OutputFormat,
) -> (anyhow::Result<Outcome>, String) {
    let (cluster, mut handle) = setup();
    let mut out = Vec::new();
    let context = ctx(output);
    let result = tokio::time::timeout(Duration::from_secs(20), async {
        tokio::select! {
            r = status::run_live(&context, args, &cluster, NS, false, &mut out) => r,
            () = server.serve(&mut handle) => panic!("the server stopped"),
        }
    })
    .await
    .expect("status watch did not end");
    (result, String::from_utf8(out).unwrap())
}

#[tokio::test]
async fn status_watch_relists_after_410_and_ends_when_rolled_out() {
    let expired = json!({"kind": "Status", "apiVersion": "v1", "status": "Failure",
                         "message": "too old resource version: 10 (20)", "reason": "Expired", "code": 410});
    let mut server = watch_server(
        vec![rolling(1, 1, "10"), rolling(1, 1, "20")],
        vec![
            vec![event_line("ERROR", &expired)],
            vec![
                event_line(
                    "BOOKMARK",
                    &json!({"kind": "DaemonSet", "apiVersion": "apps/v1", "metadata": {"resourceVersion": "25"}}),
                ),
                event_line("MODIFIED", &rolling(2, 2, "30")),
            ],
        ],
        // Both pods already run the new revision: the status counts catch up with the
        // MODIFIED event (complete needs both the counts and the pods).
        vec![
            ds_pod("agent", "agent-a", "a", "h2"),
            ds_pod("agent", "agent-b", "b", "h2"),
        ],
    );
    let (result, out) = run_status(
        &mut server,
        &status_args(false, Duration::ZERO),
        OutputFormat::Table,
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::Success);
    assert_eq!(
        out,
        "Waiting for daemon set \"agent\" rollout to finish: 1 out of 2 new pods have been updated...\n\
         daemon set \"agent\" successfully rolled out\n"
    );
    let ds_requests: Vec<(bool, Option<String>)> = server
        .seen
        .iter()
        .filter(|s| s.path == "/apis/apps/v1/namespaces/ns/daemonsets")
        .map(|s| {
            assert_eq!(s.query("fieldSelector"), Some("metadata.name=agent"));
            (
                s.query("watch") == Some("true"),
                s.query("resourceVersion").map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        ds_requests[..4],
        [
            (false, None),                 // list
            (true, Some("10".to_owned())), // watch from the list's version → 410
            (false, None),                 // relist
            (true, Some("10".to_owned())), // watch again → bookmark, MODIFIED
        ]
    );
    let pod_watch = server
        .seen
        .iter()
        .find(|s| s.path == "/api/v1/namespaces/ns/pods" && s.query("watch") == Some("true"))
        .expect("the pods are watched too");
    assert_eq!(pod_watch.query("labelSelector"), Some("app=agent"));
    assert_eq!(pod_watch.query("resourceVersion"), Some("11"));
    assert_eq!(pod_watch.query("allowWatchBookmarks"), Some("true"));
}

#[tokio::test]
async fn status_watch_ends_on_deletion() {
    let mut server = watch_server(
        vec![rolling(1, 1, "10")],
        vec![vec![event_line("DELETED", &rolling(1, 1, "11"))]],
        vec![ds_pod("agent", "agent-a", "a", "h2")],
    );
    let (result, out) = run_status(
        &mut server,
        &status_args(false, Duration::ZERO),
        OutputFormat::Table,
    )
    .await;
    assert_eq!(result.unwrap_err().to_string(), "object has been deleted");
    assert!(out.starts_with("Waiting for daemon set \"agent\" rollout"));
}

#[tokio::test]
async fn status_fail_fast_on_a_blocked_new_pod() {
    let bad = common::builders::container_state(
        ds_pod("agent", "agent-a", "a", "h2"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image \"agent:2\""}}),
    );
    let mut server = watch_server(
        vec![rolling(1, 0, "10")],
        vec![],
        vec![bad, ds_pod("agent", "agent-b", "b", "h1")],
    );
    let (result, out) = run_status(
        &mut server,
        &status_args(true, Duration::ZERO),
        OutputFormat::Json,
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::No);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["kind"], "RolloutStatus");
    assert_eq!(doc["blocked"], true);
    assert_eq!(doc["nodes"][0]["name"], "a");
    assert_eq!(doc["nodes"][0]["state"], "Blocked");
    assert_eq!(doc["nodes"][0]["reasons"][0]["code"], "ImagePullBackOff");
}

#[tokio::test]
async fn status_timeout_exits_no_with_the_last_state() {
    let mut server = watch_server(
        vec![rolling(1, 1, "10")],
        vec![],
        vec![
            ds_pod("agent", "agent-a", "a", "h2"),
            ds_pod("agent", "agent-b", "b", "h1"),
        ],
    );
    let started = std::time::Instant::now();
    let (result, out) = run_status(
        &mut server,
        &status_args(false, Duration::from_millis(400)),
        OutputFormat::Table,
    )
    .await;
    assert_eq!(result.unwrap(), Outcome::No);
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert!(
        out.contains("\nb      Waiting   agent-b   h1         OldRevision: the pod runs revision h1 but the current one is h2\n"),
        "the final picture lists what is left: {out}"
    );
    assert!(out.ends_with("\n2 nodes: 1 available, 0 updated, 1 waiting, 0 blocked\n"));
}
