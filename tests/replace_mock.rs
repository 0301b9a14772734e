//! Tier 3: `replace` against a scripted API server (`tower_test` mock service).
//!
//! Each test runs the command's runner and the server script side by side under a timeout, so a
//! missing or extra request fails instead of hanging. The scripts answer every request in the
//! order the runner makes them and assert what was sent: the deletes' uid preconditions, grace
//! periods and `dryRun=All`, that a refused delete is not retried, and that nothing more is
//! deleted after a failure.

mod common;

use std::future::Future;
use std::time::Duration;

use common::builders::*;
use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::analysis::replace::{
    DryRun, Event, MaxUnavailable, NodeOutcome, ReplaceReport, Request as ReplaceRequest,
    RunStatus, Targets,
};
use kubectl_ds::cluster::Cluster;
use kubectl_ds::commands::replace::runner::{Interrupt, Options, Recorder, replace};
use serde_json::{Value, json};
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;

// ------------------------------------------------------------------ the scripted server

#[derive(Debug)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
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

struct Server {
    handle: Handle,
    seen: Vec<Seen>,
}

impl Server {
    async fn answer(&mut self, status: u16, body: Value) -> &Seen {
        let (req, send) = self
            .handle
            .next_request()
            .await
            .expect("the client sent no request");
        let method = req.method().to_string();
        let path = req.uri().path().to_owned();
        let query = query_pairs(req.uri().query().unwrap_or_default());
        let bytes = req.into_body().collect_bytes().await.unwrap();
        let body_in = (!bytes.is_empty()).then(|| serde_json::from_slice(&bytes).unwrap());
        send.send_response(
            Response::builder()
                .status(status)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&body).unwrap()))
                .unwrap(),
        );
        self.seen.push(Seen {
            method,
            path,
            query,
            body: body_in,
        });
        self.seen.last().unwrap()
    }

    /// GET the DaemonSet.
    async fn daemon_set(&mut self, ds: &Value) {
        let seen = self.answer(200, ds.clone()).await;
        assert_eq!(seen.method, "GET");
        assert_eq!(seen.path, "/apis/apps/v1/namespaces/ns/daemonsets/agent");
    }

    /// LIST nodes.
    async fn nodes(&mut self, items: &[Value]) {
        let seen = self
            .answer(200, json!({"kind": "NodeList", "items": items}))
            .await;
        assert_eq!(seen.path, "/api/v1/nodes");
    }

    /// LIST the DaemonSet's pods (all, or on one node: `Some("")` = unbound).
    async fn pods(&mut self, node: Option<&str>, items: &[Value]) {
        let seen = self
            .answer(200, json!({"kind": "PodList", "items": items}))
            .await;
        assert_eq!(seen.method, "GET");
        assert_eq!(seen.path, "/api/v1/namespaces/ns/pods");
        assert_eq!(seen.query("labelSelector"), Some("app=agent"));
        let want = node.map(|n| format!("spec.nodeName={n}"));
        assert_eq!(
            seen.query("fieldSelector"),
            want.as_deref(),
            "pods of node {node:?}"
        );
    }

    /// LIST revisions.
    async fn revisions(&mut self, items: &[Value]) {
        let seen = self
            .answer(
                200,
                json!({"kind": "ControllerRevisionList", "items": items}),
            )
            .await;
        assert_eq!(seen.path, "/apis/apps/v1/namespaces/ns/controllerrevisions");
        assert_eq!(seen.query("labelSelector"), Some("app=agent"));
    }

    /// The start: DaemonSet, nodes, pods, revisions.
    async fn start(&mut self, c: &Cluster2) {
        self.daemon_set(&c.ds).await;
        self.nodes(&c.nodes).await;
        self.pods(None, &c.pods).await;
        self.revisions(&c.revisions).await;
    }

    /// A DELETE of `pod`, answered with `status`.
    async fn delete(&mut self, pod: &str, status: u16, body: Value) -> &Seen {
        let seen = self.answer(status, body).await;
        assert_eq!(seen.method, "DELETE");
        assert_eq!(seen.path, format!("/api/v1/namespaces/ns/pods/{pod}"));
        seen
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' if i + 2 < bytes.len() + 1 => {
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

fn setup() -> (Cluster, Server) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "ns");
    (
        Cluster::from_client(client, "ns", false),
        Server {
            handle,
            seen: Vec::new(),
        },
    )
}

/// Runs the call and the server script together; fails after 10 s.
async fn together<A: Future, B: Future>(call: A, script: B) -> (A::Output, B::Output) {
    tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(call, script)
    })
    .await
    .expect("test timed out: a request was never answered or never sent")
}

// ------------------------------------------------------------------ the cluster

/// An OnDelete DaemonSet `agent` updated to revision h2; nodes a, b, c, each with a Ready pod
/// of revision h1 (`agent-a`, uid `uid-agent-a`, …).
struct Cluster2 {
    ds: Value,
    nodes: Vec<Value>,
    pods: Vec<Value>,
    revisions: Vec<Value>,
}

fn cluster() -> Cluster2 {
    let mut v1 = daemon_set("agent");
    v1["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    let mut ds = v1.clone();
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = json!("agent:2");
    ds["metadata"]["generation"] = json!(2);
    ds["status"] = json!({"observedGeneration": 2, "desiredNumberScheduled": 3});
    Cluster2 {
        revisions: vec![revision_of(&v1, "h1", 1), revision_of(&ds, "h2", 2)],
        ds,
        nodes: ["a", "b", "c"].iter().map(|n| node(n)).collect(),
        pods: ["a", "b", "c"]
            .iter()
            .map(|n| ds_pod("agent", &format!("agent-{n}"), n, "h1"))
            .collect(),
    }
}

fn terminating(mut pod: Value) -> Value {
    pod["metadata"]["deletionTimestamp"] = json!("2026-11-28T10:00:01Z");
    pod
}

/// The controller's replacement on `node`: current revision, Running and Ready.
fn replacement(node: &str) -> Value {
    ds_pod("agent", &format!("agent-{node}-new"), node, "h2")
}

fn image_pull_backoff(pod: Value) -> Value {
    container_state(
        pod,
        "Pending",
        false,
        json!({"waiting": {"reason": "ImagePullBackOff",
                           "message": "Back-off pulling image \"agent:2\": ErrImagePull: not found"}}),
    )
}

fn conflict() -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
           "message": "Operation cannot be fulfilled on Pod \"agent-a\": Precondition failed: UID in precondition: uid-agent-a, UID in object meta: uid-agent-a2"})
}

fn req(nodes: &[&str], max: usize) -> ReplaceRequest {
    ReplaceRequest {
        targets: Targets::Nodes(nodes.iter().map(|s| (*s).to_owned()).collect()),
        force: false,
        max_unavailable: MaxUnavailable::Count(max),
        canary: None,
    }
}

fn opts(dry_run: DryRun) -> Options {
    let mut o = Options::new(dry_run);
    o.poll = Duration::from_millis(5);
    o.events_after = Duration::from_secs(3600);
    o.revision_wait = Duration::ZERO;
    o.timeout = Duration::from_secs(30);
    o
}

fn entry<'a>(r: &'a ReplaceReport, node: &str) -> &'a kubectl_ds::analysis::replace::NodeEntry {
    r.nodes.iter().find(|n| n.name == node).unwrap()
}

fn deletes(s: &Server) -> Vec<&str> {
    s.seen
        .iter()
        .filter(|x| x.method == "DELETE")
        .map(|x| x.path.rsplit('/').next().unwrap())
        .collect()
}

// ------------------------------------------------------------------ tests

#[tokio::test]
async fn delete_has_a_uid_precondition_and_the_grace_period_then_waits_for_the_replacement() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let mut o = opts(DryRun::None);
    o.grace_period = Some(7);
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a"], 1);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        let del = server
            .delete("agent-a", 200, terminating(c.pods[0].clone()))
            .await;
        let body = del.body.clone().expect("a DeleteOptions body");
        assert_eq!(body["preconditions"]["uid"], "uid-agent-a");
        assert_eq!(body["gracePeriodSeconds"], 7);
        assert!(body.get("dryRun").is_none());
        assert!(del.query("dryRun").is_none());
        // First look: the old pod is terminating, nothing else yet (so unbound pods are read).
        server.daemon_set(&c.ds).await;
        server
            .pods(Some("a"), &[terminating(c.pods[0].clone())])
            .await;
        server.pods(Some(""), &[]).await;
        // Second look: the replacement is Running and Ready.
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Completed, "{}", report.message);
    assert_eq!(report.status.exit_code(), 0);
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Replaced);
    assert_eq!(a.new_pod.as_deref(), Some("agent-a-new"));
    assert_eq!(a.pod_uid.as_deref(), Some("uid-agent-a"));
    assert_eq!(a.batch, Some(1));
    let (deleted, ready) = (a.deleted_at.unwrap(), a.ready_at.unwrap());
    assert!(ready >= deleted);
    assert!(a.seconds.unwrap() >= 0.0);
    assert_eq!(report.batches, [vec!["a".to_owned()]]);
    assert_eq!(deletes(&server), ["agent-a"]);
    assert_eq!(cluster_api.request_count(), 10);
    // The progress: the plan, deleted, waiting on the terminating pod, replaced.
    let e = &progress.events;
    assert!(
        matches!(
            &e[0],
            Event::Started {
                targets: 1,
                budget: 1,
                skipped: 0
            }
        ),
        "{e:?}"
    );
    assert!(matches!(&e[1], Event::BatchStarted { number: 1, .. }));
    assert!(matches!(&e[2], Event::Deleted { node, dry_run: false, .. } if node == "a"));
    assert!(
        matches!(&e[3], Event::Waiting { code, .. } if code == "Terminating"),
        "{e:?}"
    );
    assert!(matches!(&e[4], Event::Replaced { pod, .. } if pod == "agent-a-new"));
    assert_eq!(e.len(), 5, "{e:?}");
}

#[tokio::test]
async fn server_dry_run_sends_every_delete_with_dry_run_all_and_waits_for_nothing() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::Server);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        for (pod, uid) in [("agent-a", "uid-agent-a"), ("agent-b", "uid-agent-b")] {
            let del = server.delete(pod, 200, json!({"kind": "Pod"})).await;
            assert_eq!(del.query("dryRun"), Some("All"));
            let body = del.body.clone().unwrap();
            assert_eq!(body["dryRun"], json!(["All"]));
            assert_eq!(body["preconditions"]["uid"], uid);
            assert!(
                body.get("gracePeriodSeconds").is_none(),
                "the pod's own grace period"
            );
        }
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Validated);
    assert_eq!(report.dry_run, DryRun::Server);
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Validated);
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Validated);
    // No polling: the start (4) and two deletes.
    assert_eq!(cluster_api.request_count(), 6);
    assert!(report.next.is_none());
}

#[tokio::test]
async fn a_refused_precondition_is_reported_not_retried() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 409, conflict()).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Conflict);
    assert_eq!(report.status.exit_code(), 3);
    assert!(report.message.contains("agent-a"), "{}", report.message);
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Conflict);
    assert!(
        a.message
            .as_deref()
            .unwrap()
            .contains("changed since it was read")
    );
    assert!(a.deleted_at.is_none());
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    // One delete, no retry, no wait, no second batch.
    assert_eq!(deletes(&server), ["agent-a"]);
    assert_eq!(cluster_api.request_count(), 5);
    assert!(
        progress
            .events
            .iter()
            .any(|e| matches!(e, Event::DeleteRefused { node, .. } if node == "a"))
    );
    assert_eq!(
        report.next.as_deref(),
        Some("kubectl ds replace agent -n ns --node b")
    );
}

#[tokio::test]
async fn the_run_stops_after_a_failed_node_and_deletes_nothing_more() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = ReplaceRequest {
        targets: Targets::AllOutdated,
        ..req(&[], 1)
    };
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server
            .delete("agent-a", 200, terminating(c.pods[0].clone()))
            .await;
        server.daemon_set(&c.ds).await;
        server
            .pods(Some("a"), &[image_pull_backoff(replacement("a"))])
            .await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Failed, "{}", report.message);
    assert_eq!(report.status.exit_code(), 3);
    assert!(report.message.contains("node a"), "{}", report.message);
    assert!(
        report.message.contains("ImagePullBackOff"),
        "{}",
        report.message
    );
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Failed);
    assert_eq!(a.new_pod.as_deref(), Some("agent-a-new"));
    assert_eq!(a.reasons[0].code(), "ImagePullBackOff");
    assert!(a.deleted_at.is_some() && a.ready_at.is_none());
    for n in ["b", "c"] {
        assert_eq!(entry(&report, n).outcome, NodeOutcome::Untouched);
        assert!(entry(&report, n).deleted_at.is_none());
    }
    assert_eq!(deletes(&server), ["agent-a"]);
    assert_eq!(report.batches.len(), 1);
    // The start, one delete, one look.
    assert_eq!(cluster_api.request_count(), 7);
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["summary"], json!({"failed": 1, "untouched": 2}));
    assert_eq!(v["nodes"][0]["outcome"], "failed");
    assert_eq!(v["nodes"][0]["reasons"][0]["code"], "ImagePullBackOff");
}

#[tokio::test]
async fn batches_of_two_and_the_next_batch_is_looked_at_afresh() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = ReplaceRequest {
        targets: Targets::AllOutdated,
        ..req(&[], 2)
    };
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        server.delete("agent-b", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
        server.pods(Some("b"), &[replacement("b")]).await;
        // Batch 2: a fresh look at everything first.
        server.daemon_set(&c.ds).await;
        server.nodes(&c.nodes).await;
        server
            .pods(
                None,
                &[replacement("a"), replacement("b"), c.pods[2].clone()],
            )
            .await;
        server.delete("agent-c", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("c"), &[replacement("c")]).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Completed, "{}", report.message);
    assert_eq!(
        report.batches,
        [vec!["a".to_owned(), "b".to_owned()], vec!["c".to_owned()]]
    );
    assert_eq!(report.count(NodeOutcome::Replaced), 3);
    assert_eq!(deletes(&server), ["agent-a", "agent-b", "agent-c"]);
    assert_eq!(report.message, "replaced 3 node(s) in 2 batch(es)");
}

#[tokio::test]
async fn a_node_gone_bad_elsewhere_stops_the_next_batch() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
        // Meanwhile c's pod crashed: it uses up the budget of 1.
        let crashed = container_state(
            c.pods[2].clone(),
            "Running",
            false,
            json!({"waiting": {"reason": "CrashLoopBackOff"}}),
        );
        server.daemon_set(&c.ds).await;
        server.nodes(&c.nodes).await;
        server
            .pods(None, &[replacement("a"), c.pods[1].clone(), crashed])
            .await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::BudgetExhausted);
    assert!(report.message.contains("(c)"), "{}", report.message);
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Replaced);
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn a_pod_replaced_by_someone_else_is_skipped_not_deleted() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
        server.daemon_set(&c.ds).await;
        server.nodes(&c.nodes).await;
        // b already has a new pod (someone deleted agent-b): nothing to do there.
        server
            .pods(
                None,
                &[replacement("a"), replacement("b"), c.pods[2].clone()],
            )
            .await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Completed, "{}", report.message);
    let b = entry(&report, "b");
    assert_eq!(b.outcome, NodeOutcome::Skipped);
    assert!(b.message.as_deref().unwrap().contains("something else"));
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn ctrl_c_finishes_the_batch_in_flight_then_stops() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        interrupt.press();
        server.daemon_set(&c.ds).await;
        server
            .pods(
                Some("a"),
                &[terminating(c.pods[0].clone()), replacement("a")],
            )
            .await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Interrupted);
    assert_eq!(report.status.exit_code(), 130);
    assert!(
        report.message.contains("batch 1 finished"),
        "{}",
        report.message
    );
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Replaced);
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
    assert!(
        progress
            .events
            .iter()
            .any(|e| matches!(e, Event::InterruptRequested { in_flight: 1 }))
    );
    assert_eq!(
        report.next.as_deref(),
        Some("kubectl ds replace agent -n ns --node b")
    );
}

#[tokio::test]
async fn a_second_ctrl_c_leaves_at_once() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server
            .pods(Some("a"), &[terminating(c.pods[0].clone())])
            .await;
        server.pods(Some(""), &[]).await;
        interrupt.press();
        interrupt.press();
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Interrupted);
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Interrupted);
    assert!(a.deleted_at.is_some() && a.new_pod.is_none());
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn a_template_change_stops_the_run() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        let mut v3 = c.ds.clone();
        v3["spec"]["template"]["spec"]["containers"][0]["image"] = json!("agent:3");
        server.daemon_set(&v3).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::TemplateChanged);
    assert_eq!(report.status.exit_code(), 3);
    assert!(
        report.message.contains("template changed"),
        "{}",
        report.message
    );
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Interrupted);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn a_replacement_not_ready_in_time_fails_the_node() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a"], 1);
    let mut o = opts(DryRun::None);
    o.timeout = Duration::from_millis(1);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let creating = container_state(
        replacement("a"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ContainerCreating"}}),
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        tokio::time::sleep(Duration::from_millis(5)).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[creating]).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Failed);
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Failed);
    assert!(
        a.message
            .as_deref()
            .unwrap()
            .contains("not Ready within --timeout"),
        "{:?}",
        a.message
    );
    assert_eq!(a.reasons[0].code(), "ContainerCreating");
}

#[tokio::test]
async fn a_mount_failure_seen_in_the_events_fails_the_node() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let mut o = opts(DryRun::None);
    o.events_after = Duration::ZERO;
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let creating = container_state(
        replacement("a"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ContainerCreating"}}),
    );
    let mount = json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "agent-a-new.1", "namespace": "ns"},
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "agent-a-new", "uid": "uid-agent-a-new"},
        "reason": "FailedMount", "type": "Warning", "count": 2,
        "message": "MountVolume.SetUp failed for volume \"config\" : configmap \"agent-config\" not found",
        "lastTimestamp": "2026-11-28T10:00:05Z"
    });
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        // First look: the new pod is being created; its events are not read yet.
        server.daemon_set(&c.ds).await;
        server
            .pods(Some("a"), std::slice::from_ref(&creating))
            .await;
        // Second look: still creating, so its events are read.
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[creating]).await;
        let seen = server
            .answer(200, json!({"kind": "EventList", "items": [mount]}))
            .await;
        assert_eq!(seen.path, "/api/v1/namespaces/ns/events");
        assert_eq!(
            seen.query("fieldSelector"),
            Some("involvedObject.uid=uid-agent-a-new")
        );
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Failed, "{}", report.message);
    let a = entry(&report, "a");
    assert_eq!(a.reasons[0].code(), "MountFailed");
    assert!(a.message.as_deref().unwrap().contains("agent-config"));
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn a_refused_delete_ends_the_run_with_an_error_status() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 2);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server
            .delete(
                "agent-a",
                403,
                json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
                       "message": "pods \"agent-a\" is forbidden: User \"kds-readonly\" cannot delete resource \"pods\" in API group \"\" in the namespace \"ns\""}),
            )
            .await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Error);
    assert_eq!(report.status.exit_code(), 1);
    assert!(report.message.contains("forbidden"), "{}", report.message);
    let a = entry(&report, "a");
    assert_eq!(a.outcome, NodeOutcome::Untouched);
    assert!(a.message.as_deref().unwrap().starts_with("delete failed: "));
    // b, in the same batch, is not tried after the refusal.
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn ctrl_c_during_the_pause_starts_no_further_batch() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a", "b"], 1);
    let mut o = opts(DryRun::None);
    o.pause = Duration::from_secs(30);
    let started = std::time::Instant::now();
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server.delete("agent-a", 200, json!({})).await;
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        interrupt.press();
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(report.status, RunStatus::Interrupted);
    assert_eq!(
        report.message,
        "interrupted (Ctrl-C) during the pause before batch 2"
    );
    assert!(
        progress
            .events
            .iter()
            .any(|e| matches!(e, Event::Pausing { seconds } if *seconds == 30.0))
    );
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Replaced);
    assert_eq!(entry(&report, "b").outcome, NodeOutcome::Untouched);
    assert_eq!(deletes(&server), ["agent-a"]);
}

#[tokio::test]
async fn ctrl_c_before_the_start_deletes_nothing() {
    let (cluster_api, _server) = setup();
    let interrupt = Interrupt::new();
    interrupt.press();
    let mut progress = Recorder::default();
    let r = req(&["a"], 1);
    let o = opts(DryRun::None);
    let result = tokio::time::timeout(
        Duration::from_secs(5),
        replace(
            &cluster_api,
            "ns",
            "agent",
            &r,
            &o,
            &interrupt,
            &mut progress,
        ),
    )
    .await
    .expect("returns at once");
    let err = result.unwrap_err();
    assert!(
        err.is::<kubectl_ds::commands::replace::InterruptedBeforeStart>(),
        "{err:#}"
    );
    assert!(progress.events.is_empty());
}

/// A delete answered 5xx may have happened (an API server restarting): the runner looks the pod
/// up by name and uid instead of stopping or deleting again; terminating means it went through.
#[tokio::test]
async fn a_delete_without_a_clear_answer_is_checked_by_uid_not_repeated() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server
            .delete(
                "agent-a",
                503,
                json!({"kind": "Status", "code": 503, "message": "the server is shutting down"}),
            )
            .await;
        let get = server.answer(200, terminating(c.pods[0].clone())).await;
        assert_eq!(
            (get.method.as_str(), get.path.as_str()),
            ("GET", "/api/v1/namespaces/ns/pods/agent-a")
        );
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Completed, "{}", report.message);
    assert_eq!(entry(&report, "a").outcome, NodeOutcome::Replaced);
    assert_eq!(deletes(&server), ["agent-a"]);
}

/// … and when the pod is still there, untouched, the delete is sent once more (same uid
/// precondition).
#[tokio::test]
async fn a_delete_that_did_not_happen_is_sent_again_with_the_same_uid() {
    let (cluster_api, mut server) = setup();
    let c = cluster();
    let interrupt = Interrupt::new();
    let mut progress = Recorder::default();
    let r = req(&["a"], 1);
    let o = opts(DryRun::None);
    let call = replace(
        &cluster_api,
        "ns",
        "agent",
        &r,
        &o,
        &interrupt,
        &mut progress,
    );
    let script = async {
        server.start(&c).await;
        server
            .delete("agent-a", 500, json!({"kind": "Status", "code": 500}))
            .await;
        server.answer(200, c.pods[0].clone()).await;
        let again = server
            .delete("agent-a", 200, terminating(c.pods[0].clone()))
            .await;
        assert_eq!(
            again.body.as_ref().unwrap()["preconditions"]["uid"],
            "uid-agent-a"
        );
        server.daemon_set(&c.ds).await;
        server.pods(Some("a"), &[replacement("a")]).await;
    };
    let (report, ()) = together(call, script).await;
    let report = report.unwrap();
    assert_eq!(report.status, RunStatus::Completed, "{}", report.message);
    assert_eq!(deletes(&server), ["agent-a", "agent-a"]);
}
