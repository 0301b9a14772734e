//! The binary under test, in a scrubbed environment.

#![allow(dead_code)]

use std::path::PathBuf;

use assert_cmd::Command;

/// The demo snapshot.
pub fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo/cluster.yaml")
}

/// `kubectl-ds` with no inherited environment, a fixed clock and no reachable cluster.
pub fn kds() -> Command {
    let mut cmd = Command::cargo_bin("kubectl-ds").unwrap();
    cmd.env_clear()
        .env("KUBECTL_DS_NOW", "2026-11-28T10:00:00Z")
        .env("KUBECONFIG", "/nonexistent/kubeconfig")
        .env("HOME", "/nonexistent")
        .env("NO_COLOR", "1");
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
