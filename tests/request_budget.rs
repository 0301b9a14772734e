//! Tier 3: the live why-missing fetch makes a fixed number of requests plus pagination, whatever
//! the cluster's size (a scripted API server that pages every list at the client's `limit`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::cluster::Cluster;
use kubectl_ds::commands::why_missing::{fetch_for_daemon_set, fetch_for_node};
use serde_json::{Value, json};
use tower_test::mock;

/// Every request the server saw: (path, query).
type Log = Arc<Mutex<Vec<(String, String)>>>;

fn node(i: usize) -> Value {
    json!({"metadata": {"name": format!("n{i:04}")}, "status": {"allocatable": {"cpu": "2", "pods": "110"}, "conditions": [{"type": "Ready", "status": "True"}]}})
}

fn ds_pod(i: usize, bound: bool) -> Value {
    let node = format!("n{i:04}");
    let mut p = json!({
        "metadata": {"name": format!("agent-{i}"), "namespace": "ns", "uid": format!("u{i}"),
                     "labels": {"app": "agent", "controller-revision-hash": "h1"},
                     "ownerReferences": [{"kind": "DaemonSet", "name": "agent", "uid": "ds-uid", "controller": true}]},
        "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node.clone()]}]}]}}}},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
    });
    if bound {
        p["spec"]["nodeName"] = json!(node);
    } else {
        p["status"] = json!({"phase": "Pending"});
    }
    p
}

/// The cluster the fake server holds.
struct World {
    nodes: Vec<Value>,
    ds_pods: Vec<Value>,
    other_pods: Vec<Value>,
}

fn world(nodes: usize, pending: usize) -> World {
    World {
        nodes: (0..nodes).map(node).collect(),
        ds_pods: (0..nodes).map(|i| ds_pod(i, i >= pending)).collect(),
        other_pods: (0..nodes * 3)
            .map(|i| json!({"metadata": {"name": format!("web-{i}"), "namespace": "web", "uid": format!("w{i}")}, "spec": {"nodeName": format!("n{:04}", i % nodes)}, "status": {"phase": "Running"}}))
            .collect(),
    }
}

fn query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            (
                k.to_owned(),
                v.replace("%3D", "=")
                    .replace("%21", "!")
                    .replace("%2C", ","),
            )
        })
        .collect()
}

/// Pages `items` at the request's `limit`, continuing from the `continue` offset.
fn page(items: &[Value], q: &HashMap<String, String>) -> Value {
    let limit: usize = q
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let start: usize = q.get("continue").and_then(|c| c.parse().ok()).unwrap_or(0);
    let end = (start + limit).min(items.len());
    let cont = if end < items.len() {
        end.to_string()
    } else {
        String::new()
    };
    json!({"kind": "List", "apiVersion": "v1", "metadata": {"continue": cont}, "items": items[start..end].to_vec()})
}

fn route(w: &World, path: &str, q: &HashMap<String, String>) -> (u16, Value) {
    let ds = json!({"metadata": {"name": "agent", "namespace": "ns", "uid": "ds-uid", "generation": 1},
                    "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]}}},
                    "status": {"observedGeneration": 1}});
    match path {
        "/apis/apps/v1/namespaces/ns/daemonsets/agent" => (200, ds),
        "/apis/apps/v1/namespaces/ns/daemonsets" | "/apis/apps/v1/daemonsets" => {
            (200, page(&[ds], q))
        }
        "/api/v1/nodes" => (200, page(&w.nodes, q)),
        p if p.starts_with("/api/v1/nodes/") => {
            let name = &p["/api/v1/nodes/".len()..];
            match w.nodes.iter().find(|n| n["metadata"]["name"] == name) {
                Some(n) => (200, n.clone()),
                None => (
                    404,
                    json!({"kind": "Status", "code": 404, "reason": "NotFound"}),
                ),
            }
        }
        "/api/v1/namespaces/ns/pods" if q.get("labelSelector").is_some() => {
            (200, page(&w.ds_pods, q))
        }
        "/api/v1/pods" | "/api/v1/namespaces/ns/pods" => {
            let field = q.get("fieldSelector").cloned().unwrap_or_default();
            let all: Vec<Value> = w.ds_pods.iter().chain(&w.other_pods).cloned().collect();
            let selected: Vec<Value> = if let Some(node) = field.strip_prefix("spec.nodeName=") {
                all.into_iter()
                    .filter(|p| p["spec"]["nodeName"].as_str().unwrap_or("") == node)
                    .collect()
            } else {
                all
            };
            (200, page(&selected, q))
        }
        p if p.ends_with("/controllerrevisions") => (200, page(&[], q)),
        p if p.ends_with("/events") => {
            assert_eq!(
                q.get("fieldSelector").map(String::as_str),
                Some("type=Warning"),
                "only Warning events are fetched"
            );
            (200, page(&[], q))
        }
        p if p.starts_with("/apis/apps/v1/namespaces/") && p.contains("/daemonsets/") => (
            404,
            json!({"kind": "Status", "code": 404, "reason": "NotFound"}),
        ),
        other => panic!("unexpected request {other}"),
    }
}

fn serve(w: World) -> (Cluster, Log) {
    let (service, mut handle) = mock::pair::<Request<Body>, Response<Body>>();
    let log: Log = Arc::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Some((req, send)) = handle.next_request().await {
            let path = req.uri().path().to_owned();
            let raw = req.uri().query().unwrap_or_default().to_owned();
            seen.lock().unwrap().push((path.clone(), raw.clone()));
            let (status, body) = route(&w, &path, &query(&raw));
            send.send_response(
                Response::builder()
                    .status(status)
                    .header("content-type", "application/json")
                    .body(Body::from(serde_json::to_vec(&body).unwrap()))
                    .unwrap(),
            );
        }
    });
    let client = kube::Client::new(service, "default");
    (Cluster::from_client(client, "ns", false), log)
}

/// Requests that are not follow-up pages of a list.
fn first_pages(log: &Log) -> usize {
    log.lock()
        .unwrap()
        .iter()
        .filter(|(_, q)| !q.contains("continue="))
        .count()
}

#[tokio::test]
async fn why_missing_daemonset_is_six_requests_plus_pages_whatever_the_size() {
    for nodes in [3, 1200] {
        let (cluster, log) = serve(world(nodes, 0));
        let snap = fetch_for_daemon_set(&cluster, "ns", "agent").await.unwrap();
        assert_eq!(snap.nodes.len(), nodes);
        assert_eq!(snap.pods.len(), nodes);
        // No pending pod: DaemonSet, nodes, its pods, revisions, events.
        assert_eq!(first_pages(&log), 5, "{:?}", log.lock().unwrap());
        let pages = |n: usize| n.div_ceil(500).max(1);
        assert_eq!(
            cluster.request_count(),
            1 + pages(nodes) + pages(nodes) + 1 + 1
        );
    }
}

#[tokio::test]
async fn pending_pods_add_one_request_for_their_neighbours() {
    // One pending pod: a field selector for its node.
    let (cluster, log) = serve(world(1200, 1));
    let snap = fetch_for_daemon_set(&cluster, "ns", "agent").await.unwrap();
    assert_eq!(first_pages(&log), 6);
    assert!(
        log.lock()
            .unwrap()
            .iter()
            .any(|(p, q)| p == "/api/v1/pods" && q.contains("fieldSelector=spec.nodeName%3Dn0000"))
    );
    assert_eq!(
        snap.pods.len(),
        1200 + 3,
        "the DaemonSet's pods plus the three on n0000"
    );
    // Many pending pods: still one (paginated) list of all running pods.
    let (cluster, log) = serve(world(1200, 40));
    fetch_for_daemon_set(&cluster, "ns", "agent").await.unwrap();
    assert_eq!(
        first_pages(&log),
        6,
        "{:?}",
        log.lock()
            .unwrap()
            .iter()
            .filter(|(_, q)| !q.contains("continue="))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn why_missing_node_is_six_requests_plus_pages() {
    let (cluster, log) = serve(world(1200, 0));
    let snap = fetch_for_node(&cluster, Some("ns"), "n0007").await.unwrap();
    assert_eq!(snap.nodes.len(), 1);
    assert_eq!(first_pages(&log), 6, "{:?}", log.lock().unwrap());
    assert_eq!(
        snap.pods.len(),
        4,
        "the DaemonSet pod and three others on n0007"
    );
    let (cluster, _) = serve(world(10, 0));
    let err = fetch_for_node(&cluster, Some("ns"), "n000")
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("node \"n000\" not found (did you mean"),
        "{err}"
    );
}

#[tokio::test]
async fn list_is_four_requests_plus_pages_whatever_the_size() {
    use kubectl_ds::commands::list::fetch;
    let pages = |n: usize| n.div_ceil(500).max(1);
    for nodes in [3, 1200] {
        // One namespace: DaemonSets, nodes, the namespace's pods, its revisions.
        let (cluster, log) = serve(world(nodes, 0));
        let snap = fetch(&cluster, Some("ns"), None).await.unwrap();
        assert_eq!(snap.daemon_sets.len(), 1);
        assert_eq!(snap.nodes.len(), nodes);
        assert_eq!(
            snap.pods.len(),
            4 * nodes,
            "one list of every pod, not one per DaemonSet"
        );
        assert_eq!(first_pages(&log), 4, "{:?}", log.lock().unwrap());
        assert_eq!(
            cluster.request_count(),
            1 + pages(nodes) + pages(4 * nodes) + 1
        );
        // -A with a selector: the same four, cluster-wide, the selector sent to the server.
        let (cluster, log) = serve(world(nodes, 0));
        fetch(&cluster, None, Some("app=agent")).await.unwrap();
        let seen = log.lock().unwrap().clone();
        let firsts: Vec<&str> = seen
            .iter()
            .filter(|(_, q)| !q.contains("continue="))
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(
            firsts,
            [
                "/apis/apps/v1/daemonsets",
                "/api/v1/nodes",
                "/api/v1/pods",
                "/apis/apps/v1/controllerrevisions"
            ]
        );
        assert!(
            seen[0].1.contains("labelSelector=app%3Dagent"),
            "{:?}",
            seen[0]
        );
        assert_eq!(
            cluster.request_count(),
            1 + pages(nodes) + pages(4 * nodes) + 1
        );
    }
}

#[tokio::test]
async fn a_daemonset_in_another_namespace_costs_one_list_and_is_named() {
    let (cluster, log) = serve(world(3, 0));
    let e = fetch_for_daemon_set(&cluster, "other", "agent")
        .await
        .unwrap_err();
    assert_eq!(
        format!("{e:#}"),
        "daemonset \"agent\" not found in namespace \"other\"; it exists in ns; use -n ns"
    );
    let paths: Vec<String> = log.lock().unwrap().iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        paths,
        [
            "/apis/apps/v1/namespaces/other/daemonsets/agent",
            "/apis/apps/v1/daemonsets"
        ],
        "the GET, then one list over all namespaces; nothing else"
    );
}
