//! Commands: fetch → decide → act → print.

pub mod completion;
pub mod replace;
pub mod rollout;
pub mod why_missing;

use std::io::Write;

use crate::cli::{Command, RolloutCommand};
use crate::context::Context;
use crate::{Outcome, UsageError};

/// Runs one command.
///
/// # Errors
/// Whatever the command reports; [`UsageError`] for bad combinations of arguments.
pub async fn dispatch(
    command: &Command,
    ctx: &Context,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    match command {
        Command::WhyMissing(args) => why_missing::run(ctx, args, out).await,
        Command::Rollout(RolloutCommand::Status(args)) => {
            rollout::status::run(ctx, args, out).await
        }
        Command::Rollout(RolloutCommand::History(args)) => {
            rollout::history::run(ctx, args, out).await
        }
        Command::Rollout(RolloutCommand::Undo(args)) => rollout::undo::run(ctx, args, out).await,
        Command::Rollout(RolloutCommand::Restart(args)) => {
            rollout::restart::run(ctx, args, out).await
        }
        Command::Replace(args) => replace::run(ctx, args, out).await,
        Command::Completion { shell } => {
            completion::run(*shell, out)?;
            Ok(Outcome::Success)
        }
    }
}

/// The closest few of `candidates` to `wanted`, for "did you mean" hints.
pub fn suggest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    let names: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, c)| format!("{c:?}"))
        .collect();
    (!names.is_empty()).then(|| format!(" (did you mean {}?)", names.join(" or ")))
}

/// Builds a usage error (exit code 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}
