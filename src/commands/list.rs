//! `list`: every DaemonSet with kubectl's columns and the nodes that need attention.

use std::io::Write;

use crate::Outcome;
use crate::cli::ListArgs;
use crate::context::Context;

/// Runs `list`.
///
/// # Errors
/// Unreadable files, API failures.
pub async fn run(
    _ctx: &Context,
    _args: &ListArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("list: not implemented yet")
}
