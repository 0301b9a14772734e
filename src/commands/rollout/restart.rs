//! `rollout restart` (not implemented yet).

use std::io::Write;

use crate::Outcome;
use crate::cli::RolloutRestartArgs;
use crate::context::Context;

/// Runs `rollout restart`.
///
/// # Errors
/// Always, until implemented.
pub async fn run(
    _ctx: &Context,
    _args: &RolloutRestartArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("rollout restart is not implemented yet")
}
