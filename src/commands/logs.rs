//! `logs`: the logs of the DaemonSet's pod on a node, through the API.

use std::io::Write;

use crate::Outcome;
use crate::cli::LogsArgs;
use crate::context::Context;

/// Runs `logs`.
///
/// # Errors
/// Usage errors, unknown DaemonSet or node, API failures.
pub async fn run(ctx: &Context, _args: &LogsArgs, _out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if matches!(ctx.source, crate::context::Source::Files(_)) {
        return Err(super::usage(
            "logs needs a live cluster: a saved snapshot (--from-file) has no container logs",
        ));
    }
    Err(super::usage("logs: not implemented yet"))
}
