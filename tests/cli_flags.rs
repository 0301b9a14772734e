//! Tier 2: flags as kubectl users type them — durations, `logs -f`, `TYPE/NAME`, help layout.

mod common;

use common::cli::{demo, kds, run};

/// Every duration flag, with values past Go's range: a usage error (exit 2) naming the flag and
/// the range, never a panic (exit 101).
#[test]
fn out_of_range_durations_are_usage_errors() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["rollout", "status", "x", "--timeout"],
            "18446744073709551615",
        ),
        (
            &["rollout", "status", "x", "--timeout"],
            "99999999999999999999999h",
        ),
        (&["list", "--request-timeout"], "1e30m"),
        (&["list", "--request-timeout"], "18446744073709551615"),
        (
            &["logs", "x", "--node", "n", "--since"],
            "99999999999999999999h",
        ),
        (&["replace", "x", "--all-outdated", "--pause"], "1e25s"),
        (&["replace", "x", "--all-outdated", "--timeout"], "2562048h"),
    ];
    for (args, value) in cases {
        let (code, out, err) = run(kds().args(*args).arg(value).arg("-f").arg(demo()));
        assert_eq!((code, out.as_str()), (2, ""), "{args:?} {value}: {err}");
        assert!(err.contains(value), "{args:?} {value}: {err}");
        assert!(
            err.contains("out of range") || err.contains("unknown unit"),
            "{args:?} {value}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// Go's grammar: `rollout status --timeout 30` has no unit (an error in kubectl too), while
/// `--request-timeout 30` is 30 seconds (client-go's rule).
#[test]
fn durations_follow_kubectl_per_flag() {
    let (code, _, err) = run(kds()
        .args(["rollout", "status", "agent", "--timeout", "30", "-f"])
        .arg(demo()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing unit"), "{err}");
    let (code, _, err) = run(kds()
        .args(["rollout", "status", "agent", "--timeout=-5s", "-f"])
        .arg(demo()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("must not be negative"), "{err}");
    // Accepted: the command runs (and answers about the fixture, not about the flag).
    for timeout in ["1h30m", "1.5s", "2h45m0.5s", "300us", "0"] {
        let (code, _, err) = run(kds()
            .args(["list", "--request-timeout", timeout, "-f"])
            .arg(demo()));
        assert_ne!(code, 2, "{timeout}: {err}");
    }
    let (code, _, err) = run(kds()
        .args(["list", "--request-timeout", "30", "-f"])
        .arg(demo()));
    assert_ne!(code, 2, "{err}");
}
