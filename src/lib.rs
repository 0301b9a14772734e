//! kubectl-ds: explain and operate Kubernetes DaemonSets.
//!
//! Layers, from the bottom: [`model`] (compact cluster objects), [`snapshot`] (saved objects),
//! [`analysis`] (pure decisions), [`render`] (bytes for people and scripts), [`cluster`] (the
//! only kube client user) and [`commands`] (fetch → decide → act → print).
#![forbid(unsafe_code)]

pub mod analysis;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod context;
pub mod model;
pub mod render;
pub mod snapshot;

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How a successful run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing wrong (exit 0).
    Success,
    /// The answer is "no": problems found, not rolled out (exit 3).
    No,
    /// Interrupted by Ctrl-C (exit 130).
    Interrupted,
    /// A remote command's own exit code (`exec`).
    Exited(u8),
}

impl Outcome {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::No => 3,
            Outcome::Interrupted => 130,
            Outcome::Exited(code) => code,
        }
    }
}

/// A usage error found after parsing (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs the parsed command line.
///
/// # Errors
/// Every failure, for `main` to print as one line.
pub fn run(cli: cli::Cli) -> anyhow::Result<Outcome> {
    watch_interrupts();
    let ctx = context::Context::resolve(&cli.global);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let outcome = runtime.block_on(async {
        if handles_interrupt(&cli.command) {
            return commands::dispatch(&cli.command, &ctx, &mut out).await;
        }
        tokio::select! {
            result = commands::dispatch(&cli.command, &ctx, &mut out) => result,
            _ = tokio::signal::ctrl_c() => Ok(Outcome::Interrupted),
        }
    })?;
    out.flush()?;
    Ok(outcome)
}

/// Set while a command handles Ctrl-C itself (`replace` between its first delete and its
/// report): the first press is left to it.
pub(crate) static COMMAND_HANDLES_INTERRUPT: AtomicBool = AtomicBool::new(false);

/// How long a command has, after Ctrl-C, to end on its own (flushing its output, or `replace`
/// printing its report after the second press) before the process is ended.
const INTERRUPT_GRACE: Duration = Duration::from_millis(300);
/// The same for `replace` after its second press: its report is worth a little longer.
const REPLACE_REPORT_GRACE: Duration = Duration::from_millis(700);

/// Ends the process with exit code 130 shortly after Ctrl-C, whatever the command is blocked
/// on. Work that never yields to the runtime (reading a FIFO without a writer, a silent stdin,
/// an exec credential plugin run by kube) would otherwise keep the select in [`run`] from ever
/// seeing the signal. The command's own handling runs first: the runtime's select ends a
/// command that is waiting, and `replace` finishes its batch on the first press (the second
/// press leaves: see docs/replace.md). The terminal is restored if `exec -it` left it raw.
fn watch_interrupts() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("interrupt".to_owned())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                let _ = ready_tx.send(());
                return;
            };
            runtime.block_on(async move {
                #[cfg(unix)]
                let Ok(mut interrupts) =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                else {
                    let _ = ready_tx.send(());
                    return;
                };
                let _ = ready_tx.send(());
                let mut presses = 0u32;
                loop {
                    #[cfg(unix)]
                    if interrupts.recv().await.is_none() {
                        return;
                    }
                    #[cfg(not(unix))]
                    if tokio::signal::ctrl_c().await.is_err() {
                        return;
                    }
                    presses = presses.saturating_add(1);
                    let grace = if COMMAND_HANDLES_INTERRUPT.load(Ordering::SeqCst) {
                        if presses < 2 {
                            continue;
                        }
                        REPLACE_REPORT_GRACE
                    } else {
                        INTERRUPT_GRACE
                    };
                    tokio::time::sleep(grace).await;
                    commands::exec::tty::restore_now();
                    let _ = std::io::stderr().flush();
                    std::process::exit(i32::from(Outcome::Interrupted.code()));
                }
            });
        });
    if spawned.is_ok() {
        // The handler is in place before any work starts.
        let _ = ready_rx.recv_timeout(Duration::from_secs(1));
    }
}

/// Commands that handle Ctrl-C themselves (finish what is in flight, then report) instead of
/// being dropped at the first one.
fn handles_interrupt(command: &cli::Command) -> bool {
    matches!(command, cli::Command::Replace(_))
}

/// True when the error chain holds a broken pipe (the reader went away: not an error).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
