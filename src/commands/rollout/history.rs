//! `rollout history` (not implemented yet).

use std::io::Write;

use crate::Outcome;
use crate::cli::RolloutHistoryArgs;
use crate::context::Context;

/// Runs `rollout history`.
///
/// # Errors
/// Always, until implemented.
pub async fn run(
    _ctx: &Context,
    _args: &RolloutHistoryArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("rollout history is not implemented yet")
}
