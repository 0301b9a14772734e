//! Per-node pod access: one pod with its annotations, a pod's log stream, and exec.

use std::collections::BTreeMap;

use futures::StreamExt;

use super::error::{self, Op};
use super::{CORE, Cluster, ClusterError, build, check_segment, collection, with_query};

/// The query parameters of `pods/{name}/log`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogOptions {
    /// `container`.
    pub container: Option<String>,
    /// `follow`.
    pub follow: bool,
    /// `previous`.
    pub previous: bool,
    /// `sinceSeconds`.
    pub since_seconds: Option<i64>,
    /// `tailLines`.
    pub tail_lines: Option<i64>,
    /// `timestamps`.
    pub timestamps: bool,
}

/// Terminal sizes (width, height) for an exec session with a TTY: the first is sent at the
/// start, each later one as the terminal changes.
pub type TerminalSizes = futures::stream::LocalBoxStream<'static, (u16, u16)>;

/// How a command run with [`Cluster::exec`] ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEnd {
    /// The command exited with this code.
    Exited(i32),
    /// The API ended the session with an error message (no exit code).
    Error(String),
}

/// Just the metadata of one object, annotations included.
#[derive(serde::Deserialize)]
struct MetaOnly {
    #[serde(default)]
    metadata: crate::model::ObjectMeta,
}

impl Cluster {
    /// The annotations of the pod `ns/name` (bulk pod lists drop them), `None` when it is gone.
    ///
    /// # Errors
    /// See [`ClusterError`].
    pub async fn get_pod_annotations(
        &self,
        ns: &str,
        name: &str,
    ) -> anyhow::Result<Option<BTreeMap<String, String>>> {
        let op = Op::new("get", "pods", Some(ns)).named(name);
        let got: Option<MetaOnly> = self
            .get(op, &collection(CORE, Some(ns), "pods")?, name)
            .await?;
        Ok(got.map(|m| m.metadata.annotations))
    }

    /// Streams the log of a pod's container as the API sends it (`GET pods/{name}/log`).
    ///
    /// # Errors
    /// A refused request (403 names `pods/log`), a missing pod, transport failures; errors in
    /// the middle of the stream come as items.
    pub async fn pod_logs(
        &self,
        ns: &str,
        name: &str,
        opts: &LogOptions,
    ) -> anyhow::Result<futures::stream::LocalBoxStream<'static, anyhow::Result<Vec<u8>>>> {
        check_segment("name", name)?;
        let op = Op::new("get", "pods/log", Some(ns)).named(name);
        let path = format!("{}/{name}/log", collection(CORE, Some(ns), "pods")?);
        let since = opts.since_seconds.map(|s| s.to_string());
        let tail = opts.tail_lines.map(|t| t.to_string());
        let mut query: Vec<(&str, &str)> = Vec::new();
        if let Some(c) = &opts.container {
            query.push(("container", c));
        }
        if opts.follow {
            query.push(("follow", "true"));
        }
        if opts.previous {
            query.push(("previous", "true"));
        }
        if let Some(s) = &since {
            query.push(("sinceSeconds", s));
        }
        if let Some(t) = &tail {
            query.push(("tailLines", t));
        }
        if opts.timestamps {
            query.push(("timestamps", "true"));
        }
        let req = build(http::Method::GET, with_query(&path, &query), None)?;
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.verbose {
            eprintln!("I GET {}", with_query(&path, &query));
        }
        // Opening the stream (up to the answer's headers) is a request like any other; the
        // stream itself is not bounded (`--follow` may wait for lines as long as it likes).
        let opening = self.client.request_stream(req);
        let opened = match self.request_timeout {
            Some(limit) => match tokio::time::timeout(limit, opening).await {
                Ok(result) => result,
                Err(_) => return Err(ClusterError::Timeout { timeout: limit }.into()),
            },
            None => opening.await,
        };
        let reader = match opened {
            Ok(r) => Box::pin(r),
            Err(kube::Error::Api(status)) => {
                let body = serde_json::to_vec(&*status).unwrap_or_default();
                let err = match error::from_status(&op, status.code, &body) {
                    ClusterError::NotFound { .. } => ClusterError::Api {
                        code: 404,
                        message: format!(
                            "cannot get pods/log {name:?} in namespace {ns:?}: {}",
                            status.message
                        ),
                    },
                    other => other,
                };
                return Err(err.into());
            }
            Err(e) => return Err(self.transport_error(&e).into()),
        };
        Ok(futures::stream::unfold(reader, |mut r| async move {
            let mut buf = vec![0u8; 16 * 1024];
            match futures::AsyncReadExt::read(&mut r, &mut buf).await {
                Ok(0) => None,
                Ok(n) => {
                    buf.truncate(n);
                    Some((Ok(buf), r))
                }
                Err(e) => Some((Err(anyhow::anyhow!("the log stream broke off: {e}")), r)),
            }
        })
        .boxed_local())
    }

    /// Runs `command` in the pod's container over a WebSocket (`pods/{name}/exec`), copying the
    /// streams through `stdin` (when given), `stdout` and `stderr`; returns how it ended.
    ///
    /// With `tty` the API allocates a terminal (`tty=true`): it merges stderr into stdout, so
    /// no stderr stream is asked for (kubectl does the same) and `stderr` stays unused; the sizes
    /// go over the resize channel.
    ///
    /// # Errors
    /// A refused request (403 names `pods/exec`), a failed upgrade, transport failures.
    #[allow(clippy::too_many_arguments)]
    pub async fn exec<R, O, E>(
        &self,
        ns: &str,
        name: &str,
        container: &str,
        command: &[String],
        stdin: Option<R>,
        mut stdout: O,
        mut stderr: E,
        tty: Option<TerminalSizes>,
    ) -> anyhow::Result<ExecEnd>
    where
        R: tokio::io::AsyncRead + Unpin + Send + 'static,
        O: tokio::io::AsyncWrite + Unpin,
        E: tokio::io::AsyncWrite + Unpin,
    {
        use kube::api::AttachParams;
        check_segment("name", name)?;
        let op = Op::new("create", "pods/exec", Some(ns)).named(name);
        let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
            kube::Api::namespaced(self.client.clone(), ns);
        let params = AttachParams::default()
            .container(container)
            .stdin(stdin.is_some())
            .stdout(true)
            .stderr(tty.is_none())
            .tty(tty.is_some());
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.verbose {
            eprintln!("I POST upgrade /api/v1/namespaces/{ns}/pods/{name}/exec");
        }
        // Opening the session is bounded like any request; the session itself is not.
        let opening = api.exec(name, command.to_vec(), &params);
        let opened = match self.request_timeout {
            Some(limit) => match tokio::time::timeout(limit, opening).await {
                Ok(result) => result,
                Err(_) => return Err(ClusterError::Timeout { timeout: limit }.into()),
            },
            None => opening.await,
        };
        let mut attached = match opened {
            Ok(a) => a,
            Err(kube::Error::Api(status)) => {
                let body = serde_json::to_vec(&*status).unwrap_or_default();
                return Err(error::from_status(&op, status.code, &body).into());
            }
            Err(e @ kube::Error::UpgradeConnection(_)) => {
                anyhow::bail!("cannot open an exec session to pod {ns}/{name}: {e}")
            }
            Err(e) => return Err(self.transport_error(&e).into()),
        };
        let status = attached.take_status();
        if let (Some(mut input), Some(mut writer)) = (stdin, attached.stdin()) {
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut input, &mut writer).await;
                let _ = tokio::io::AsyncWriteExt::shutdown(&mut writer).await;
            });
        }
        let mut out = attached.stdout();
        let mut err = attached.stderr();
        let copy_out = async {
            if let Some(r) = out.as_mut() {
                tokio::io::copy(r, &mut stdout).await?;
            }
            tokio::io::AsyncWriteExt::flush(&mut stdout).await
        };
        let copy_err = async {
            if let Some(r) = err.as_mut() {
                tokio::io::copy(r, &mut stderr).await?;
            }
            tokio::io::AsyncWriteExt::flush(&mut stderr).await
        };
        let size_sender = attached.terminal_size();
        let resize = async {
            if let (Some(mut sizes), Some(mut sender)) = (tty, size_sender) {
                use futures::SinkExt;
                while let Some((width, height)) = sizes.next().await {
                    let size = kube::api::TerminalSize { width, height };
                    if sender.send(size).await.is_err() {
                        break;
                    }
                }
            }
            // Sizes are a side channel: the session ends with its output streams.
            std::future::pending::<std::convert::Infallible>().await
        };
        let (o, e) = tokio::select! {
            done = async { tokio::join!(copy_out, copy_err) } => done,
            never = resize => match never {},
        };
        o?;
        e?;
        let end = match status {
            Some(fut) => fut.await,
            None => None,
        };
        let _ = attached.join().await;
        Ok(exec_end(end.as_ref()))
    }
}

/// The exit code from the exec's final Status: `Success` is 0; `NonZeroExitCode` carries the
/// code as the `ExitCode` cause's message.
pub fn exec_end(
    status: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Status>,
) -> ExecEnd {
    let Some(status) = status else {
        return ExecEnd::Error("the exec session ended without a status".to_owned());
    };
    if status.status.as_deref() == Some("Success") {
        return ExecEnd::Exited(0);
    }
    if status.reason.as_deref() == Some("NonZeroExitCode")
        && let Some(code) = status
            .details
            .as_ref()
            .and_then(|d| d.causes.as_ref())
            .into_iter()
            .flatten()
            .find(|c| c.reason.as_deref() == Some("ExitCode"))
            .and_then(|c| c.message.as_deref())
            .and_then(|m| m.trim().parse::<i32>().ok())
    {
        return ExecEnd::Exited(code);
    }
    ExecEnd::Error(
        status
            .message
            .clone()
            .or_else(|| status.reason.clone())
            .unwrap_or_else(|| "the command failed".to_owned()),
    )
}
