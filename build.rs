//! Build facts for `kubectl ds version`: the git commit, the build date, the target triple and
//! the compiler, handed to the crate as `KUBECTL_DS_*` environment variables.
//!
//! The script reruns only when the checked-out commit changes (`HEAD`, the branch's ref file,
//! `packed-refs`), when one of its environment variables changes, or when it is edited itself —
//! never on every build, so incremental builds stay incremental.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KUBECTL_DS_GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");

    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = git_commit(&manifest_dir)
        .or_else(|| {
            std::env::var("KUBECTL_DS_GIT_COMMIT")
                .ok()
                .filter(|c| !c.trim().is_empty())
                .map(|c| c.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=KUBECTL_DS_GIT_COMMIT={commit}");

    // Reproducible builds set SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/).
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    println!("cargo:rustc-env=KUBECTL_DS_BUILD_DATE={}", rfc3339(epoch));

    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=KUBECTL_DS_TARGET={target}");

    // Cargo reruns build scripts itself when the compiler changes, so this stays current.
    let rustc = std::env::var_os("RUSTC")
        .and_then(|rustc| Command::new(rustc).arg("-V").output().ok())
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|v| v.trim().trim_start_matches("rustc ").to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=KUBECTL_DS_RUSTC={rustc}");
}

/// The short commit of the checkout at `dir`, with `-dirty` when tracked files had changes at
/// the time this script ran; `None` when `dir` is not the top of a git work tree (a crates.io
/// download, or a directory vendored inside some other repository).
fn git_commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if Path::new(&top).canonicalize().ok()? != dir.canonicalize().ok()? {
        return None;
    }
    // Watch what moves when the commit changes; only existing files, since Cargo treats a
    // missing rerun-if-changed path as always stale.
    let mut watched = vec![git(dir, &["rev-parse", "--git-path", "HEAD"])?];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(git(dir, &["rev-parse", "--git-path", &branch])?);
    }
    watched.push(git(dir, &["rev-parse", "--git-path", "packed-refs"])?);
    for path in watched {
        let path = dir.join(path);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    let commit = git(dir, &["rev-parse", "--short=12", "HEAD"])?;
    let dirty =
        git(dir, &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    })
}

/// Runs git in `dir`; its trimmed stdout on success.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    // --no-optional-locks: `git status` must not take index.lock (and race a concurrent
    // `git add`) just to refresh its stat cache.
    let out = Command::new("git")
        .arg("--no-optional-locks")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
        .map(|s| s.trim().to_owned())
}

/// Seconds since the Unix epoch as RFC 3339 UTC (`2026-11-28T22:00:00Z`), by hand to keep the
/// build script free of dependencies.
fn rfc3339(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
