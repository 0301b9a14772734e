//! `rollout undo` (not implemented yet).

use std::io::Write;

use crate::Outcome;
use crate::cli::RolloutUndoArgs;
use crate::context::Context;

/// Runs `rollout undo`.
///
/// # Errors
/// Always, until implemented.
pub async fn run(
    _ctx: &Context,
    _args: &RolloutUndoArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("rollout undo is not implemented yet")
}
