//! Tier 2: text from the cluster or a file never reaches the terminal raw (issue #13 §5).
//!
//! tests/fixtures/hostile/cluster.json carries `ESC]52;…BEL` (clipboard write), `ESC[2J` (clear
//! screen), `ESC]0;…BEL` (window title), U+202E (bidi override) and newlines followed by a forged
//! table row, in node, DaemonSet, pod and container names, images, labels, annotations, event
//! messages and sources, change-causes and a kubelet message. Every text command runs on it, on a
//! pipe and with `--color always`; stdout and stderr may hold no foreign control character, and no
//! forged line. (JSON and YAML escape on their own; container logs are data and stay raw.)

mod common;

use std::path::PathBuf;

use common::cli::kds;

fn fixture() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile/cluster.json")
        .display()
        .to_string()
}

const HOSTILE_DS: &str = "ev\u{1b}]0;pwned\u{7}il";
const HOSTILE_NODE: &str = "node-b\u{1b}[2J";

/// Every text command worth running on the fixture (after `-f FIXTURE -n prod`).
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["why-missing", "agent"],
        vec!["why-missing", "agent", "-o", "wide"],
        vec!["why-missing", "agent", "--no-headers"],
        vec!["why-missing", HOSTILE_DS],
        vec!["why-missing", "--node", "node-a"],
        vec!["why-missing", "--node", HOSTILE_NODE, "-o", "wide"],
        vec!["why-missing", "agent", "--node", "node-c"],
        vec!["list"],
        vec!["list", "-o", "wide"],
        vec!["list", "-o", "name"],
        vec!["describe", "agent"],
        vec!["describe", HOSTILE_DS],
        vec!["describe", "agent", "--node", "node-a"],
        vec!["describe", "agent", "--node", HOSTILE_NODE],
        vec!["describe", "agent", "--node", "node-c"],
        vec!["rollout", "history", "agent"],
        vec!["rollout", "history", "agent", "--revision", "1"],
        vec!["rollout", "status", "agent"],
        vec!["rollout", "status", "agent", "-o", "wide"],
        vec!["pod", "agent", "--all-nodes"],
        vec!["pod", "agent", "--all-nodes", "-o", "wide"],
        vec!["pod", "agent", "--all-nodes", "-o", "name"],
        vec!["pod", "agent", "--node", "node-c"],
        vec!["pod", "agent", "--node", "node-a"],
        vec![
            "replace",
            "agent",
            "--all-outdated",
            "--dry-run=client",
            "--max-unavailable",
            "1",
        ],
        vec![
            "replace",
            "agent",
            "--node",
            HOSTILE_NODE,
            "--dry-run=client",
        ],
        // Error lines quoting what was asked for and what exists.
        vec!["why-missing", "ev\u{1b}[2Jx"],
        vec![
            "why-missing",
            "agent",
            "--node",
            "node-\u{1b}]52;c;eA==\u{7}",
        ],
    ]
}

/// The foreign characters the fixture carries; none may be printed as they are.
fn raw_foreign(text: &str) -> Option<char> {
    text.chars().find(|c| {
        matches!(c, '\u{7}' | '\u{202e}') || (c.is_control() && !matches!(c, '\n' | '\u{1b}'))
    })
}

/// With colour, an ESC may only open one of our SGR colour sequences (`ESC [ digits/; m`).
fn foreign_escape(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        let seq = &rest[at + 1..];
        let body: String = seq
            .strip_prefix('[')
            .map(|s| {
                s.chars()
                    .take_while(|c| c.is_ascii_digit() || *c == ';')
                    .collect()
            })
            .unwrap_or_default();
        if !seq.starts_with('[') || !seq[1 + body.len()..].starts_with('m') {
            return Some(seq.chars().take(12).collect());
        }
        rest = &seq[1 + body.len() + 1..];
    }
    None
}

/// What follows a newline in the fixture's strings: no printed line may start with it (a forged
/// row, field or revision); it must stay on the line of the text before it.
const FORGED_STARTS: [&str; 5] = [
    "node-z",
    "node-a   Healthy   forged",
    "REVISION 99",
    "Warning   Forged",
    "forged: annotation",
];

fn forged_line(text: &str) -> Option<&str> {
    text.lines().find(|l| {
        let l = l.trim_start();
        FORGED_STARTS.iter().any(|f| l.starts_with(f))
    })
}

fn check(args: &[&str], color: bool) -> (i32, String, String) {
    let mut cmd = kds();
    cmd.args(["-f", &fixture(), "-n", "prod"]).args(args);
    if color {
        cmd.args(["--color", "always"]);
    }
    let out = cmd.output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        let shown = format!("{args:?} (color {color}) {name}:\n{text}");
        assert!(
            raw_foreign(text).is_none(),
            "raw control character in {shown}"
        );
        if color {
            assert_eq!(
                foreign_escape(text),
                None,
                "foreign escape sequence in {shown}"
            );
        } else {
            assert!(!text.contains('\u{1b}'), "ESC in {shown}");
        }
        assert_eq!(forged_line(text), None, "forged line in {shown}");
    }
    (code, stdout, stderr)
}

#[test]
fn no_text_command_prints_a_foreign_control_character() {
    let mut printed = 0;
    for args in commands() {
        for color in [false, true] {
            let (code, stdout, stderr) = check(&args, color);
            assert!(
                (0..=3).contains(&code),
                "{args:?} exited {code} (a usage error means the test lost its point): {stderr}"
            );
            printed += stdout.len() + stderr.len();
        }
    }
    assert!(printed > 10_000, "the commands printed almost nothing");
}

#[test]
fn the_escaped_text_is_shown_not_lost() {
    let (_, out, _) = check(&["describe", "agent"], false);
    assert!(out.contains("registry.example/agent:1.2\\x1b[2J"), "{out}");
    assert!(out.contains("main\\u{202e}"), "{out}");
    let (_, out, _) = check(&["rollout", "history", "agent"], false);
    assert!(
        out.contains("deploy\\x1b]52;c;ZXZpbA==\\x07\\nREVISION 99 forged"),
        "{out}"
    );
    let (_, out, _) = check(&["why-missing", "agent", "-o", "wide"], false);
    assert!(out.contains("node-b\\x1b[2J"), "{out}");
    assert!(
        out.contains("exceeded quota\\x1b]52;c;ZXZpbA==\\x07\\nnode-a"),
        "{out}"
    );
    let (code, _, err) = check(&["why-missing", "ev\u{1b}[2Jx"], false);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("error: ") && err.contains("ev\\"), "{err}");
}

#[test]
fn a_file_name_with_escapes_is_escaped_in_the_loader_error() {
    let dir = std::env::temp_dir().join(format!("kds-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad\u{1b}]0;pwned\u{7}\u{202e}.yaml");
    std::fs::write(&path, "kind: [unclosed\n").unwrap();
    let out = kds()
        .args(["-f", path.to_str().unwrap(), "list"])
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains("bad\\x1b]0;pwned\\x07\\u{202e}.yaml"), "{err}");
    assert!(
        raw_foreign(&err).is_none() && !err.contains('\u{1b}'),
        "{err:?}"
    );
}
