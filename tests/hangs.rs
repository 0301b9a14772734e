//! Never wait forever, never read without bound (issue #13, sections 2 and 3, live side): fake API
//! servers on 127.0.0.1 that accept and never answer, complete TLS and then say nothing, or send
//! a 200 body without end; exec credential plugins that never return or never stop printing; a
//! kubeconfig without end; Ctrl-C while the command is blocked. Every wait in these tests is
//! bounded (`wait_bounded`), so a regression fails instead of hanging the suite.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kubectl_ds::cluster::transport::ConnectLimits;
use kubectl_ds::cluster::{self, ConnectOptions};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-ds");

/// A kubeconfig for `server` in a fresh temp file; `user` is the YAML of the user entry.
fn kubeconfig(tag: &str, server: &str, user: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "kubectl-ds-hangs-{tag}-{}.yaml",
        std::process::id()
    ));
    let text = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: main\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n{user}\ncontexts:\n- name: main\n  context:\n    cluster: c\n    user: u\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

const TOKEN_USER: &str = "    token: not-a-real-token\n";

/// A listener that accepts connections and never writes (kept open while the test runs).
fn silent_server() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    (port, handle)
}

/// A server that answers every request `200 OK` with a body that never ends.
fn endless_body_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                );
                let chunk = format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536));
                while stream.write_all(chunk.as_bytes()).is_ok() {}
            });
        }
    });
    port
}

/// A TLS server (the fixture's self-signed certificate) that completes the handshake, reads the
/// request and then says nothing.
async fn tls_then_silent_server() -> u16 {
    use tokio_rustls::rustls;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let cert = pem_der(&std::fs::read_to_string(dir.join("server.crt")).unwrap());
    let key = pem_der(&std::fs::read_to_string(dir.join("server.key")).unwrap());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert)],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(mut tls) = acceptor.accept(tcp).await {
                    use tokio::io::AsyncReadExt;
                    let mut buf = [0u8; 4096];
                    let _ = tls.read(&mut buf).await;
                    std::future::pending::<()>().await;
                }
            });
        }
    });
    port
}

/// The DER bytes of a one-block PEM file.
fn pem_der(pem: &str) -> Vec<u8> {
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64_decode(&b64)
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Waits for `child` at most `limit`; kills it and fails the test past that.
fn wait_bounded(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "still running after {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .env_remove("KUBECONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

// --- Never wait forever: requests -----------------------------------------------------------

#[test]
fn a_server_that_never_answers_is_bounded_by_the_request_timeout_and_says_its_figure() {
    let (port, _server) = silent_server();
    let kc = kubeconfig(
        "silent-http",
        &format!("http://127.0.0.1:{port}"),
        TOKEN_USER,
    );
    let child = spawn(&[
        "list",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--request-timeout",
        "1s",
    ]);
    let out = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "error: the API server did not answer within 1s"
    );
}

#[tokio::test]
async fn a_tls_handshake_that_never_completes_is_bounded_by_the_handshake_limit() {
    let (port, _server) = silent_server();
    let kc = kubeconfig(
        "silent-tls",
        &format!("https://127.0.0.1:{port}"),
        TOKEN_USER,
    );
    let opts = ConnectOptions {
        kubeconfig: Some(kc),
        // No request timeout: only the connect bounds apply.
        request_timeout: None,
        connect_limits: ConnectLimits {
            dial: Duration::from_secs(5),
            tls_handshake: Duration::from_millis(400),
        },
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(20), cluster.list_nodes())
        .await
        .expect("bounded by the TLS handshake limit")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        format!(
            "cannot reach the API server at https://127.0.0.1:{port}: the TLS handshake did not finish within 400ms (the server accepted the connection but did not complete TLS)"
        )
    );
}

#[test]
fn the_default_handshake_and_dial_bounds_are_client_gos() {
    let limits = ConnectLimits::default();
    assert_eq!(limits.dial, Duration::from_secs(30));
    assert_eq!(limits.tls_handshake, Duration::from_secs(10));
}

#[tokio::test]
async fn a_server_silent_after_the_tls_handshake_is_bounded_by_the_request_timeout() {
    let port = tls_then_silent_server().await;
    let kc = kubeconfig(
        "tls-silent",
        &format!("https://127.0.0.1:{port}"),
        TOKEN_USER,
    );
    let opts = ConnectOptions {
        kubeconfig: Some(kc),
        request_timeout: Some(Duration::from_millis(700)),
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts).await.unwrap();
    let err = tokio::time::timeout(Duration::from_secs(20), cluster.list_nodes())
        .await
        .expect("bounded by the request timeout")
        .unwrap_err()
        .to_string();
    assert_eq!(err, "the API server did not answer within 700ms");
}

#[test]
fn rollout_status_timeout_bounds_the_whole_command_against_a_silent_server() {
    let (port, _server) = silent_server();
    let kc = kubeconfig("rollout", &format!("http://127.0.0.1:{port}"), TOKEN_USER);
    let child = spawn(&[
        "rollout",
        "status",
        "agent",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--request-timeout",
        "0",
        "--timeout",
        "2s",
    ]);
    let out = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "error: the API server did not answer within 2s"
    );
}

#[test]
fn replace_timeout_bounds_its_requests_against_a_silent_server() {
    let (port, _server) = silent_server();
    let kc = kubeconfig("replace", &format!("http://127.0.0.1:{port}"), TOKEN_USER);
    let child = spawn(&[
        "replace",
        "agent",
        "--node",
        "n1",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--request-timeout",
        "0",
        "--timeout",
        "2s",
    ]);
    let out = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("did not answer within 2s"),
        "{}",
        stderr(&out)
    );
}

// --- Never unbounded memory --------------------------------------------------------------------

#[tokio::test]
async fn an_endless_response_body_is_capped_with_the_limit_and_the_request_named() {
    let port = endless_body_server();
    let kc = kubeconfig("endless", &format!("http://127.0.0.1:{port}"), TOKEN_USER);
    let opts = ConnectOptions {
        kubeconfig: Some(kc),
        request_timeout: None,
        ..ConnectOptions::default()
    };
    let cluster = cluster::connect(&opts)
        .await
        .unwrap()
        .with_response_limit(4 * 1024 * 1024);
    let err = tokio::time::timeout(Duration::from_secs(30), cluster.list_nodes())
        .await
        .expect("bounded by the size cap")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "the answer to GET /api/v1/nodes?limit=500 is larger than 4 MiB (the limit for one API response); the server or a proxy in between sent more than a list page can hold"
    );
}

#[test]
fn an_endless_response_body_ends_the_command_with_the_default_cap_or_the_timeout() {
    let port = endless_body_server();
    let kc = kubeconfig(
        "endless-bin",
        &format!("http://127.0.0.1:{port}"),
        TOKEN_USER,
    );
    for timeout in ["0", "3s"] {
        let child = spawn(&[
            "list",
            "--kubeconfig",
            kc.to_str().unwrap(),
            "--request-timeout",
            timeout,
        ]);
        let out = wait_bounded(child, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("is larger than 128 MiB (the limit for one API response)")
                || (timeout == "3s" && err.contains("did not answer within 3s")),
            "{err}"
        );
    }
}

#[test]
fn dev_zero_as_kubeconfig_is_refused_with_the_limit() {
    let child = spawn(&["list", "--kubeconfig", "/dev/zero"]);
    let out = wait_bounded(child, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim(),
        "error: cannot load kubeconfig /dev/zero: the file is larger than 16 MiB (the limit for a kubeconfig; is it the right file?)"
    );
}

// --- Exec credential plugins -------------------------------------------------------------------

fn exec_user(command: &str, args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {command}\n      args: [{}]\n      interactiveMode: Never\n",
        args.join(", ")
    )
}

#[test]
fn an_exec_plugin_that_never_returns_is_stopped_at_the_request_timeout() {
    let (port, _server) = silent_server();
    let kc = kubeconfig(
        "exec-sleep",
        &format!("http://127.0.0.1:{port}"),
        &exec_user("sleep", &["1000"]),
    );
    let child = spawn(&[
        "list",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--request-timeout",
        "2s",
    ]);
    let out = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "error: cannot get credentials for the cluster: the exec credential plugin \"sleep\" did not finish within 2s (stopped; it may be waiting for input or a network)"
    );
}

#[test]
fn an_exec_plugin_that_prints_without_end_is_capped() {
    let (port, _server) = silent_server();
    let kc = kubeconfig(
        "exec-yes",
        &format!("http://127.0.0.1:{port}"),
        &exec_user("yes", &[]),
    );
    let child = spawn(&["list", "--kubeconfig", kc.to_str().unwrap()]);
    let out = wait_bounded(child, Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim(),
        "error: cannot get credentials for the cluster: the exec credential plugin \"yes\" printed more than 1 MiB (the limit for its output; stopped)"
    );
}

// --- Ctrl-C --------------------------------------------------------------------------------------

/// Sends SIGINT to `child` once it has had time to block, and expects exit 130 within seconds.
fn interrupt_and_expect_130(child: Child) {
    std::thread::sleep(Duration::from_millis(700));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = wait_bounded(child, Duration::from_secs(5));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_command_reading_a_fifo_without_a_writer() {
    let fifo = std::env::temp_dir().join(format!("kubectl-ds-hangs-fifo-{}", std::process::id()));
    let _ = std::fs::remove_file(&fifo);
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let child = spawn(&["why-missing", "agent", "-f", fifo.to_str().unwrap()]);
    interrupt_and_expect_130(child);
    let _ = std::fs::remove_file(&fifo);
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_command_reading_a_silent_stdin() {
    let mut child = Command::new(BIN)
        .args(["list", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Keep stdin open and silent.
    let stdin = child.stdin.take();
    interrupt_and_expect_130(child);
    drop(stdin);
}

#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_command_waiting_on_a_silent_server_and_on_an_exec_plugin() {
    let (port, _server) = silent_server();
    let kc = kubeconfig("ctrlc", &format!("http://127.0.0.1:{port}"), TOKEN_USER);
    let child = spawn(&[
        "list",
        "--kubeconfig",
        kc.to_str().unwrap(),
        "--request-timeout",
        "0",
    ]);
    interrupt_and_expect_130(child);
    let kc = kubeconfig(
        "ctrlc-exec",
        &format!("http://127.0.0.1:{port}"),
        &exec_user("sleep", &["1000"]),
    );
    let child = spawn(&["list", "--kubeconfig", kc.to_str().unwrap()]);
    interrupt_and_expect_130(child);
}
