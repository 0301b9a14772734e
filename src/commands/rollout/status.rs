//! `rollout status` (not implemented yet).

use std::io::Write;

use crate::Outcome;
use crate::cli::RolloutStatusArgs;
use crate::context::Context;

/// Runs `rollout status`.
///
/// # Errors
/// Always, until implemented.
pub async fn run(
    _ctx: &Context,
    _args: &RolloutStatusArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("rollout status is not implemented yet")
}
