//! `exec`: a command in the DaemonSet's pod on a node.

use std::io::Write;

use crate::Outcome;
use crate::cli::ExecArgs;
use crate::context::Context;

/// Runs `exec`.
///
/// # Errors
/// Usage errors, unknown DaemonSet or node, API failures.
pub async fn run(ctx: &Context, _args: &ExecArgs, _out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if matches!(ctx.source, crate::context::Source::Files(_)) {
        return Err(super::usage(
            "exec needs a live cluster: a saved snapshot (--from-file) has no running containers",
        ));
    }
    Err(super::usage("exec: not implemented yet"))
}
