//! `version`: the version, git commit and build date.

use std::io::Write;

use crate::Outcome;
use crate::context::Context;

/// Runs `version`.
///
/// # Errors
/// Write failures.
pub fn run(_ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    writeln!(out, "kubectl-ds {}", env!("CARGO_PKG_VERSION"))?;
    Ok(Outcome::Success)
}
