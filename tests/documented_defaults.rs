//! One truth for flag defaults: every flag the README documents as "`--flag VALUE` (default
//! `X`" must show `[default: X]` in the `--help` of the first command that lists it (issue
//! #14, item 7).

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-ds");

/// (flag, default) for each "`--flag …` (default `X`" in `text`.
fn documented_defaults(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("`--") {
        let rest = &text[at + 1..];
        let Some(end) = rest.find('`') else { continue };
        let flag = rest[..end].split_whitespace().next().unwrap_or_default();
        let after = rest[end + 1..].trim_start();
        let Some(default) = after.strip_prefix("(default `") else {
            continue;
        };
        let Some(close) = default.find('`') else {
            continue;
        };
        found.push((flag.to_owned(), default[..close].to_owned()));
    }
    found
}

/// The `[default: X]` that `--help` shows for `flag`, if any.
fn help_default(help: &str, flag: &str) -> Option<String> {
    let start = help.find(&format!("{flag} "))?;
    // The flag's entry runs to the next option line.
    let entry = &help[start..];
    let end = entry[1..].find("\n  -").map_or(entry.len(), |e| e + 1);
    let entry = &entry[..end];
    let at = entry.find("[default: ")?;
    let value = &entry[at + 10..];
    Some(value[..value.find(']')?].to_owned())
}

#[test]
fn readme_defaults_match_the_help() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let documented = documented_defaults(&readme);
    assert!(
        documented
            .iter()
            .any(|(flag, _)| flag == "--request-timeout"),
        "the README no longer documents the default of --request-timeout: {documented:?}"
    );
    // Global flags show in every command's help; a command's own flags in its own.
    let helps: Vec<(String, String)> = [
        "list",
        "check",
        "why-missing",
        "replace",
        "rollout status",
        "rollout history",
        "rollout undo",
        "rollout restart",
        "pod",
        "logs",
        "exec",
        "describe",
    ]
    .iter()
    .map(|command| {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let out = Command::new(BIN).args(&args).output().unwrap();
        (command.to_string(), String::from_utf8(out.stdout).unwrap())
    })
    .collect();
    for (flag, default) in documented {
        let (command, help) = helps
            .iter()
            .find(|(_, help)| help.contains(&format!("{flag} ")))
            .unwrap_or_else(|| panic!("README documents {flag}, which no command's --help lists"));
        assert_eq!(
            help_default(help, &flag).as_deref(),
            Some(default.as_str()),
            "README says {flag} defaults to {default:?}; `{command} --help`:\n{help}"
        );
    }
}

#[test]
fn the_extraction_reads_what_it_should() {
    let text = "x `--request-timeout DURATION` (default `30s`; …), `--color` (auto)";
    assert_eq!(
        documented_defaults(text),
        [("--request-timeout".to_owned(), "30s".to_owned())]
    );
    let help = "  -v, --verbose\n      --request-timeout <DURATION>\n          How long [default: 30s]\n  -f, --from-file <PATH>\n";
    assert_eq!(
        help_default(help, "--request-timeout").as_deref(),
        Some("30s")
    );
    assert_eq!(help_default(help, "--from-file"), None);
}
