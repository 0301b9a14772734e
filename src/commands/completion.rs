//! `completion SHELL`: the clap_complete script (the committed copies in `completions/` are
//! checked against this by a test).

use std::io::Write;

use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the completion script for `shell`.
///
/// # Errors
/// On write failure.
pub fn run(shell: clap_complete::Shell, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "kubectl-ds", out);
    Ok(())
}
