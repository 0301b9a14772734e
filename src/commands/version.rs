//! `version`: the version, git commit, build date, target and compiler.
//!
//! The values come from `build.rs` (environment variables baked in at compile time), so this
//! command needs no cluster and no files.

use std::io::Write;

use serde::Serialize;

use crate::Outcome;
use crate::analysis::why_missing::API_VERSION;
use crate::context::{Context, OutputFormat};
use crate::render;

/// The `-o json|yaml` document of `kubectl ds version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    /// Always `kubectl-ds/v1alpha1`.
    pub api_version: &'static str,
    /// Always `Version`.
    pub kind: &'static str,
    /// The crate's version (`Cargo.toml`).
    pub version: &'static str,
    /// Short git commit, `-dirty` when tracked files had changes; `unknown` outside a checkout.
    pub git_commit: &'static str,
    /// When the build script ran (or `SOURCE_DATE_EPOCH`), RFC 3339 UTC.
    pub build_date: &'static str,
    /// The target triple.
    pub target: &'static str,
    /// The compiler's version (`rustc -V` without the leading `rustc`).
    pub rustc: &'static str,
}

impl Version {
    /// This binary's build facts.
    pub fn current() -> Version {
        Version {
            api_version: API_VERSION,
            kind: "Version",
            version: env!("CARGO_PKG_VERSION"),
            git_commit: env!("KUBECTL_DS_GIT_COMMIT"),
            build_date: env!("KUBECTL_DS_BUILD_DATE"),
            target: env!("KUBECTL_DS_TARGET"),
            rustc: env!("KUBECTL_DS_RUSTC"),
        }
    }

    /// One line, as `rustc -V` and `git version` print theirs.
    pub fn line(&self) -> String {
        format!(
            "kubectl-ds version {} (commit {}, built {}, {}, rustc {})",
            self.version, self.git_commit, self.build_date, self.target, self.rustc
        )
    }
}

/// Runs `version`: one line, or the [`Version`] document with `-o json|yaml`.
///
/// # Errors
/// Write failures.
pub fn run(ctx: &Context, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let version = Version::current();
    match ctx.output {
        OutputFormat::Json => render::json(out, &version)?,
        OutputFormat::Yaml => render::yaml(out, &version)?,
        OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
            writeln!(out, "{}", version.line())?;
        }
    }
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_names_every_fact() {
        let v = Version {
            api_version: API_VERSION,
            kind: "Version",
            version: "1.2.3",
            git_commit: "0123456789ab",
            build_date: "2026-11-28T22:00:00Z",
            target: "x86_64-unknown-linux-gnu",
            rustc: "1.95.0 (59807616e 2026-04-14)",
        };
        assert_eq!(
            v.line(),
            "kubectl-ds version 1.2.3 (commit 0123456789ab, built 2026-11-28T22:00:00Z, \
             x86_64-unknown-linux-gnu, rustc 1.95.0 (59807616e 2026-04-14))"
        );
    }

    #[test]
    fn build_facts_are_baked_in() {
        let v = Version::current();
        assert_eq!(v.version, env!("CARGO_PKG_VERSION"));
        assert!(!v.git_commit.is_empty());
        assert!(
            v.build_date.parse::<jiff::Timestamp>().is_ok(),
            "{}",
            v.build_date
        );
        assert!(v.target.contains('-'), "{}", v.target);
    }
}
