//! `replace` (not implemented yet).

use std::io::Write;

use crate::Outcome;
use crate::cli::ReplaceArgs;
use crate::context::Context;

/// Runs `replace`.
///
/// # Errors
/// Always, until implemented.
pub async fn run(
    _ctx: &Context,
    _args: &ReplaceArgs,
    _out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("replace is not implemented yet")
}
