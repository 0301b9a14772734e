//! `exec -i -t` on a real pseudo-terminal: `tests/exec_tty/driver.py` runs the binary with a pty
//! as its terminal against a fake API server on 127.0.0.1 that upgrades the exec to a WebSocket,
//! and reports the terminal settings before, during and after the session, the exec query, what
//! reached the remote stdin and the terminal sizes sent. Needs python3 (as the fixture
//! generators do).

#![cfg(unix)]

use std::process::Command;

use serde_json::Value;

/// Runs one scenario of the driver; its JSON report.
fn drive(scenario: &str) -> Value {
    let driver = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/exec_tty/driver.py");
    let out = Command::new("python3")
        .arg(driver)
        .arg(env!("CARGO_BIN_EXE_kubectl-ds"))
        .arg(scenario)
        .output()
        .expect("python3 runs the pty driver (install python3)");
    assert!(
        out.status.success(),
        "driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the driver prints JSON")
}

/// Raw mode was on while the session was open, and the settings are back afterwards.
fn assert_raw_then_restored(report: &Value) {
    let (before, during, after) = (&report["before"], &report["during"], &report["after"]);
    assert_eq!(before["icanon"], true, "{report}");
    for flag in ["icanon", "echo", "isig"] {
        assert_eq!(during[flag], false, "{flag} still on in raw mode: {report}");
    }
    assert_eq!(
        after["all"], before["all"],
        "terminal settings not restored: {report}"
    );
}

#[test]
fn failing_session_restores_the_terminal() {
    let report = drive("hold");
    assert_raw_then_restored(&report);
    assert_eq!(report["code"], 1, "{report}");
    // The error is printed after the terminal is back (a cooked "\n" becomes "\r\n").
    assert_eq!(
        report["output"],
        "error: command in pod ns/x-abc failed: the exec session ended without a status\r\n"
    );
    assert_eq!(
        report["query"],
        "&stdin=true&stdout=true&tty=true&container=c&command=sh"
    );
    assert_eq!(
        report["resizes"][0],
        serde_json::json!({"Width": 101, "Height": 33})
    );
}

#[test]
fn ctrl_c_is_a_byte_for_the_remote_process_and_resizes_follow_the_window() {
    let report = drive("ctrl-c");
    assert_raw_then_restored(&report);
    // 0x03 went to the remote stdin; the remote's exit code is ours, not 130.
    assert_eq!(report["stdin"], serde_json::json!([3]), "{report}");
    assert_eq!(report["code"], 42, "{report}");
    assert_eq!(
        report["resizes"],
        serde_json::json!([{"Width": 101, "Height": 33}, {"Width": 120, "Height": 40}])
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    let report = drive("sigterm");
    assert_raw_then_restored(&report);
    assert_eq!(report["code"], 128 + 15, "{report}");
}

#[test]
fn sigint_from_outside_is_ctrl_c_for_us_and_restores_the_terminal() {
    let report = drive("sigint");
    assert_raw_then_restored(&report);
    assert_eq!(report["code"], 130, "{report}");
}

#[test]
fn tty_without_a_terminal_warns_like_kubectl_and_asks_for_no_tty() {
    let report = drive("pipe");
    assert_eq!(report["code"], 0, "{report}");
    assert_eq!(
        report["stderr"],
        "Unable to use a TTY - input is not a terminal or the right kind of file\n"
    );
    assert_eq!(
        report["query"],
        "&stdin=true&stdout=true&stderr=true&container=c&command=sh"
    );
}
