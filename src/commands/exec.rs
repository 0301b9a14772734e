//! `exec`: a command in the DaemonSet's pod on a node, over the API's WebSocket exec; the
//! command's exit code becomes ours. `-i` passes stdin; `-i -t` on a terminal asks for a TTY
//! and puts our terminal in raw mode (kubectl's rules, see [`tty`]).

pub(crate) mod tty;

use std::io::{Read, Write};
use std::pin::Pin;
use std::task::Poll;

use super::logs::container_for;
use super::pod::{Loaded, find_node, load, no_pod_message};
use super::usage;
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::pods::pod_on_node;
use crate::analysis::why_missing::DaemonSetState;
use crate::cli::ExecArgs;
use crate::cluster::pods::ExecEnd;
use crate::context::{Context, Source};

/// A blocking `Write` seen as a tokio `AsyncWrite` (a CLI's stdout and stderr may block);
/// `immediate` flushes every write, for a terminal session where each keystroke's echo counts.
struct Blocking<W> {
    inner: W,
    immediate: bool,
}

impl<W> Blocking<W> {
    fn new(inner: W, immediate: bool) -> Self {
        Blocking { inner, immediate }
    }
}

impl<W: Write + Unpin> tokio::io::AsyncWrite for Blocking<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let written = this.inner.write(buf);
        if this.immediate && written.is_ok() {
            this.inner.flush()?;
        }
        Poll::Ready(written)
    }

    fn poll_flush(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Poll::Ready(self.get_mut().inner.flush())
    }

    fn poll_shutdown(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// Our stdin as an `AsyncRead`: a thread reads it and feeds a pipe.
fn stdin_pipe() -> tokio::io::DuplexStream {
    let (reader, mut writer) = tokio::io::duplex(64 * 1024);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(buf[..n].to_vec()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Some(chunk) = rx.recv().await {
            if writer.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = writer.shutdown().await;
    });
    reader
}

/// Runs `exec`.
///
/// # Errors
/// Usage errors, unknown DaemonSet or node, API failures.
pub async fn run(ctx: &Context, args: &ExecArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if matches!(ctx.source, Source::Files(_)) {
        return Err(usage(
            "exec needs a live cluster: a saved snapshot (--from-file) has no running containers",
        ));
    }
    let Loaded {
        snapshot,
        namespace,
        cluster,
    } = load(ctx, &args.daemonset).await?;
    let Some(cluster) = cluster else {
        anyhow::bail!("internal error: no cluster");
    };
    let ds = super::find_daemon_set(&snapshot, namespace.as_deref(), &args.daemonset)?;
    let inv = Inventory::new(&snapshot);
    let node = find_node(&snapshot, &args.node)?;
    let Some(pod) = pod_on_node(&inv, ds, node.name()) else {
        let state = DaemonSetState::new(&inv, ds);
        eprintln!("{}", no_pod_message(&inv, &state, ds, node, ctx));
        return Ok(Outcome::No);
    };
    let container = container_for(&cluster, pod, args.container.as_deref()).await?;
    let mode = tty::decide(args.stdin, args.tty, tty::stdin_is_terminal());
    if mode == tty::Tty::Unusable {
        eprintln!("{}", tty::UNUSABLE);
    }
    let raw = mode == tty::Tty::Raw;
    // In raw mode Ctrl-C, Ctrl-Z and Ctrl-\ are bytes for the remote process, not signals; what
    // still arrives as a signal (kill, a closed terminal) must end the session with the terminal
    // restored, so the handlers go in before raw mode does.
    let mut terminations = if raw {
        Some(tty::Terminations::install()?)
    } else {
        None
    };
    let sizes = if raw { Some(tty::sizes()?) } else { None };
    let stdin = args.stdin.then(stdin_pipe);
    let guard = if raw {
        Some(
            tty::RawMode::enter()
                .map_err(|e| anyhow::anyhow!("cannot put the terminal in raw mode for -t: {e}"))?,
        )
    } else {
        None
    };
    let session = cluster.exec(
        &pod.metadata.namespace,
        &pod.metadata.name,
        &container,
        &args.command,
        stdin,
        Blocking::new(&mut *out, raw),
        Blocking::new(std::io::stderr(), false),
        sizes,
    );
    let end = match terminations.as_mut() {
        Some(signals) => tokio::select! {
            end = session => end,
            signal = signals.recv() => {
                drop(guard);
                out.flush()?;
                // The shell's convention for "ended by signal N".
                return Ok(Outcome::Exited(u8::try_from(128 + signal).unwrap_or(1)));
            }
        },
        None => session.await,
    };
    drop(guard);
    let end = end?;
    out.flush()?;
    match end {
        ExecEnd::Exited(0) => Ok(Outcome::Success),
        ExecEnd::Exited(code) => Ok(Outcome::Exited(
            u8::try_from(code.rem_euclid(256)).unwrap_or(1),
        )),
        ExecEnd::Error(message) => anyhow::bail!(
            "command in pod {}/{} failed: {message}",
            pod.metadata.namespace,
            pod.metadata.name
        ),
    }
}
