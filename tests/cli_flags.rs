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

/// `logs -f` is --follow, as in kubectl; the dump directory is named with --from-file.
#[test]
fn logs_dash_f_follows() {
    let dump = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/logs-dump");
    let (code, _, err) = run(kds()
        .args([
            "logs",
            "-f",
            "node-exporter",
            "-n",
            "monitoring",
            "--node",
            "n1",
        ])
        .arg("--from-file")
        .arg(&dump));
    assert_eq!(
        (code, err.as_str()),
        (
            2,
            "error: --follow needs a live cluster: a dump does not grow (--from-file)\n"
        )
    );
    // Without -f the same command reads the dump.
    let (code, out, err) = run(kds()
        .args(["logs", "node-exporter", "-n", "monitoring", "--node", "n1"])
        .arg("--from-file")
        .arg(&dump));
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
    // Everywhere else -f is still --from-file, also before the command.
    let (code, _, err) = run(kds().arg("-f").arg(&dump).args([
        "logs",
        "node-exporter",
        "-n",
        "monitoring",
        "--node",
        "n1",
    ]));
    assert_eq!(code, 0, "{err}");
}

/// kubectl's TYPE/NAME forms name the same DaemonSet; other types are usage errors.
#[test]
fn daemonsets_are_named_as_in_kubectl() {
    let plain = run(kds()
        .args([
            "rollout",
            "status",
            "log-collector",
            "-n",
            "daemonset-demo",
            "--watch=false",
            "-f",
        ])
        .arg(demo()));
    for form in [
        "ds/log-collector",
        "daemonset/log-collector",
        "daemonsets/log-collector",
        "daemonset.apps/log-collector",
        "daemonsets.apps/log-collector",
    ] {
        let typed = run(kds()
            .args([
                "rollout",
                "status",
                form,
                "-n",
                "daemonset-demo",
                "--watch=false",
                "-f",
            ])
            .arg(demo()));
        assert_eq!(typed, plain, "{form}");
        let (code, _, err) = run(kds()
            .args(["why-missing", form, "-n", "daemonset-demo", "-f"])
            .arg(demo()));
        assert_eq!(code, 3, "{form}: {err}");
    }
    for command in [
        &["why-missing", "deployment/log-collector"][..],
        &["rollout", "history", "pod/x"],
        &["logs", "deploy/x", "--node", "n"],
        &["describe", "sts/x"],
    ] {
        let (code, out, err) = run(kds().args(command).arg("-f").arg(demo()));
        assert_eq!((code, out.as_str()), (2, ""), "{command:?}: {err}");
        assert!(
            err.contains(
                "is not a DaemonSet type; name the DaemonSet as NAME, ds/NAME, \
                          daemonset/NAME, daemonsets/NAME, daemonset.apps/NAME or \
                          daemonsets.apps/NAME"
            ),
            "{command:?}: {err}"
        );
    }
}

/// Not found where asked: say where it is, or that the input has none at all.
#[test]
fn not_found_says_where_else_it_is() {
    let (code, _, err) = run(kds()
        .args([
            "rollout",
            "status",
            "log-collector",
            "-n",
            "kube-system",
            "-f",
        ])
        .arg(demo()));
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: daemonset \"log-collector\" not found in namespace \"kube-system\"; it exists in \
         daemonset-demo; use -n daemonset-demo\n"
    );
    let nodes_only = r#"{"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}"#;
    for command in [
        &["why-missing", "agent"][..],
        &["describe", "agent"],
        &["rollout", "history", "agent"],
    ] {
        let (code, _, err) = run(kds()
            .args(command)
            .args(["-f", "-"])
            .write_stdin(nodes_only));
        assert_eq!(code, 1, "{command:?}: {err}");
        assert!(
            err.starts_with("error: daemonset \"agent\" not found: the input has no DaemonSets"),
            "{command:?}: {err}"
        );
    }
}

/// Each command's own options come first; the global ones follow under their own heading.
#[test]
fn help_lists_command_options_before_global_ones() {
    for command in [
        &["logs"][..],
        &["why-missing"],
        &["rollout", "status"],
        &["replace"],
        &["list"],
    ] {
        let (code, out, _) = run(kds().args(command).arg("--help"));
        assert_eq!(code, 0);
        let own = out.find("\nOptions:\n").expect("an Options heading");
        let global = out
            .find("\nGlobal options:\n")
            .expect("a Global options heading");
        assert!(own < global, "{command:?}:\n{out}");
        let globals = &out[global..];
        for flag in [
            "--kubeconfig",
            "--context",
            "--namespace",
            "--request-timeout",
            "--from-file",
        ] {
            assert!(
                globals.contains(flag),
                "{command:?}: {flag} not under Global options"
            );
            assert!(
                !out[own..global].contains(flag),
                "{command:?}: {flag} among own options"
            );
        }
    }
}

/// Every command's help has an `Examples:` section, and every example is real: it parses, and
/// those on the fixtures run and answer (exit 0, or 3 for "the answer is no").
#[test]
fn every_command_has_examples_that_work() {
    use clap::{CommandFactory, Parser};
    fn walk(cmd: &clap::Command, path: Vec<String>, all: &mut Vec<(Vec<String>, String)>) {
        let help = cmd
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        all.push((path.clone(), help));
        for sub in cmd.get_subcommands() {
            let mut p = path.clone();
            p.push(sub.get_name().to_owned());
            walk(sub, p, all);
        }
    }
    let mut all = Vec::new();
    walk(&kubectl_ds::cli::Cli::command(), Vec::new(), &mut all);
    assert!(all.len() >= 14, "{}", all.len());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut ran = 0;
    for (path, help) in &all {
        assert!(help.contains("Examples:\n"), "{path:?} has no examples");
        let examples: Vec<&str> = help
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("kubectl ds "))
            .collect();
        assert!(!examples.is_empty(), "{path:?}");
        for example in examples {
            let words: Vec<&str> = example
                .split_whitespace()
                .take_while(|w| *w != ">")
                .collect();
            let parsed = kubectl_ds::cli::Cli::try_parse_from(
                std::iter::once("kubectl-ds").chain(words.iter().copied()),
            );
            assert!(parsed.is_ok(), "{path:?}: {example}: {:?}", parsed.err());
            if example.contains("tests/fixtures/") {
                let (code, out, err) = run(kds().current_dir(root).args(&words));
                assert!(matches!(code, 0 | 3), "{example}: exit {code}: {err}");
                assert!(!out.is_empty(), "{example}");
                ran += 1;
            }
        }
    }
    assert!(ran >= 12, "{ran} examples ran");
}
