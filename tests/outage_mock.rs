//! Tier 3: riding out a lost API server (a restart) against a scripted server: reads are tried
//! again once the server has answered before, writes never are, and a server never reached
//! fails at once. The end-to-end version, with a real kube-apiserver restart, is
//! tests/e2e_faults.rs.

use std::time::{Duration, Instant};

use http::{Request, Response};
use kube::client::Body;
use kubectl_ds::cluster::{Cluster, ClusterError};
use serde_json::json;
use tower_test::mock;

type Handle = mock::Handle<Request<Body>, Response<Body>>;

fn setup() -> (Cluster, Handle) {
    let (service, handle) = mock::pair::<Request<Body>, Response<Body>>();
    let client = kube::Client::new(service, "default");
    (Cluster::from_client(client, "default", false), handle)
}

/// Answers the next request with 200 and an empty list; returns its method and path.
async fn ok_empty_list(handle: &mut Handle) -> (String, String) {
    let (req, send) = handle.next_request().await.expect("a request");
    let seen = (req.method().to_string(), req.uri().path().to_owned());
    let body = json!({"kind": "List", "apiVersion": "v1", "metadata": {}, "items": []});
    send.send_response(
        Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap(),
    );
    seen
}

/// Fails the next request as a refused connection; returns its method.
async fn refuse(handle: &mut Handle) -> String {
    let (req, send) = handle.next_request().await.expect("a request");
    send.send_error(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "connection refused",
    ));
    req.method().to_string()
}

#[tokio::test]
async fn a_read_rides_out_a_restart_of_a_server_that_answered_before() {
    let (cluster, mut handle) = setup();
    let script = async {
        ok_empty_list(&mut handle).await;
        // The restart: two refused connections, then the server is back.
        refuse(&mut handle).await;
        refuse(&mut handle).await;
        ok_empty_list(&mut handle).await
    };
    let calls = async {
        cluster.list_nodes().await.unwrap();
        let started = Instant::now();
        let second = cluster.list_nodes().await;
        (second, started.elapsed())
    };
    let ((second, took), last) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(calls, script)
    })
    .await
    .expect("no hang");
    assert!(second.unwrap().is_empty());
    assert_eq!(last, ("GET".to_owned(), "/api/v1/nodes".to_owned()));
    // Backoff 250 ms then 500 ms.
    assert!(took >= Duration::from_millis(700), "{took:?}");
    assert_eq!(cluster.request_count(), 4);
}

#[tokio::test]
async fn a_write_is_never_repeated() {
    let (cluster, mut handle) = setup();
    let script = async {
        ok_empty_list(&mut handle).await;
        refuse(&mut handle).await
    };
    let calls = async {
        cluster.list_nodes().await.unwrap();
        cluster
            .delete_pod("ns", "agent-a", Some("uid-a"), None, false)
            .await
    };
    let (deleted, method) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(calls, script)
    })
    .await
    .expect("no hang");
    assert_eq!(method, "DELETE");
    let err = deleted.unwrap_err();
    assert!(
        matches!(
            err.downcast_ref::<ClusterError>(),
            Some(ClusterError::Unreachable { .. })
        ),
        "{err}"
    );
    assert_eq!(cluster.request_count(), 2);
}

#[tokio::test]
async fn a_server_never_reached_fails_at_once() {
    let (cluster, mut handle) = setup();
    let script = async { refuse(&mut handle).await };
    let started = Instant::now();
    let (result, _) = tokio::time::timeout(Duration::from_secs(10), async {
        tokio::join!(cluster.list_nodes(), script)
    })
    .await
    .expect("no hang");
    assert!(result.is_err());
    assert!(started.elapsed() < Duration::from_millis(200));
    assert_eq!(cluster.request_count(), 1);
}
