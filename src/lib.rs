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
