//! Tier 2: `kubectl ds check` end to end on files: the table, the JSON/YAML document, SARIF
//! validated against the official 2.1.0 schema, exit codes and flags.

mod common;

use std::path::PathBuf;

use common::cli::{demo, kds, run};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name)
}

fn in_repo() -> assert_cmd::Command {
    let mut cmd = kds();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

#[test]
fn table_on_the_bad_manifest() {
    let (code, stdout, stderr) =
        run(in_repo().args(["check", "-A", "-f", "tests/fixtures/check/bad.yaml"]));
    assert_eq!(code, 3, "an error finding exits 3; stderr: {stderr}");
    insta::assert_snapshot!("check_bad_table", stdout);
}

#[test]
fn table_on_the_seed_demo_manifests() {
    let (code, stdout, stderr) = run(in_repo().args([
        "check",
        "-A",
        "-f",
        "tests/cluster/demo/daemonset-demo.yaml",
    ]));
    assert_eq!(code, 0, "stderr: {stderr}");
    insta::assert_snapshot!("check_seed_demo_table", stdout);
}

#[test]
fn json_on_the_demo_dump_runs_the_live_rules() {
    let (code, stdout, _) = run(in_repo().args([
        "check",
        "-A",
        "-o",
        "json",
        "-f",
        "tests/fixtures/demo/cluster.yaml",
    ]));
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["kind"], "CheckReport");
    assert_eq!(doc["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(doc["summary"]["daemonSets"], 2);
    // The dump has nodes: nothing is skipped for lack of them.
    assert_eq!(doc["skipped"], serde_json::json!([]));
    insta::assert_json_snapshot!("check_demo_dump_json", doc);
}

#[test]
fn json_fields_are_the_documented_ones() {
    let (_, stdout, _) = run(in_repo().args([
        "check",
        "bad-agent",
        "-n",
        "daemonset-demo",
        "-o",
        "json",
        "-f",
        "tests/fixtures/check/bad.yaml",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let first = &doc["findings"][0];
    let mut keys: Vec<&str> = first
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "daemonSet",
            "fix",
            "message",
            "name",
            "path",
            "rule",
            "severity",
            "source"
        ]
    );
    assert_eq!(first["daemonSet"]["namespace"], "daemonset-demo");
    assert_eq!(first["daemonSet"]["name"], "bad-agent");
    assert_eq!(first["source"], "tests/fixtures/check/bad.yaml:4");
    assert_eq!(first["rule"], "DS101");
    assert_eq!(first["name"], "surge-with-host-port");
    assert_eq!(first["severity"], "error");
    let mut summary: Vec<&str> = doc["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    summary.sort_unstable();
    assert_eq!(summary, ["daemonSets", "errors", "infos", "warnings"]);
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["summary"]["warnings"], 8);
    assert_eq!(doc["summary"]["infos"], 4);
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 4);
    assert_eq!(doc["skipped"][0]["reason"], "no nodes in the input");
}

#[test]
fn yaml_is_the_same_document() {
    let args = ["check", "-A", "-f", "tests/fixtures/check/bad.yaml"];
    let (_, json, _) = run(in_repo().args(args).args(["-o", "json"]));
    let (_, yaml, _) = run(in_repo().args(args).args(["-o", "yaml"]));
    let from_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let from_yaml: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(from_json, from_yaml);
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("sarif/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The published text's `language` patterns (of `run` and `toolComponent`) hold an unescaped
    // `]`: a literal in an ECMA regex, but the validator's check of the schema itself refuses
    // it. Escaping it keeps the meaning (and kubectl-ds never writes `language`).
    let mut fixed = 0;
    for owner in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][owner]["properties"]["language"]["pattern"];
        if pattern == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
            *pattern = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$".into();
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the vendored schema changed");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    // A file source (with lines), a dump (live rules, no line), and an empty result set.
    for args in [
        vec![
            "-f",
            "tests/fixtures/check/bad.yaml",
            "-f",
            "tests/cluster/demo/daemonset-demo.yaml",
        ],
        vec!["-f", "tests/fixtures/demo/cluster.yaml"],
        vec!["-f", "tests/fixtures/check/clean.yaml"],
    ] {
        let (code, stdout, stderr) =
            run(in_repo().args(["check", "-A", "-o", "sarif"]).args(&args));
        assert!(code == 0 || code == 3, "{args:?}: {stderr}");
        let log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        assert_eq!(log["version"], "2.1.0");
    }
    // The validator does reject a broken log (so the check above can fail).
    let (_, stdout, _) = run(in_repo().args([
        "check",
        "-A",
        "-o",
        "sarif",
        "-f",
        "tests/fixtures/check/bad.yaml",
    ]));
    let mut log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&log));
    // Findings carry the file and line for code-scanning annotations.
    let mut log: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let result = log["runs"][0]["results"][0].take();
    assert_eq!(result["ruleId"], "DS101");
    assert_eq!(result["level"], "error");
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "tests/fixtures/check/bad.yaml"
    );
    assert_eq!(physical["region"]["startLine"], 4);
}

#[test]
fn sarif_is_refused_by_other_commands() {
    let (code, _, stderr) = run(kds().args(["list", "-A", "-o", "sarif", "-f"]).arg(demo()));
    assert_eq!(code, 2);
    assert!(stderr.contains("only `check` prints SARIF"), "{stderr}");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let demo_manifests = [
        "check",
        "-A",
        "-f",
        "tests/cluster/demo/daemonset-demo.yaml",
    ];
    // Only info findings on the demo: 0 by default and with warning, 3 with info.
    assert_eq!(run(in_repo().args(demo_manifests)).0, 0);
    assert_eq!(
        run(in_repo()
            .args(demo_manifests)
            .args(["--fail-on", "warning"]))
        .0,
        0
    );
    assert_eq!(
        run(in_repo().args(demo_manifests).args(["--fail-on", "info"])).0,
        3
    );
    // Turning the only rule off makes even --fail-on info pass.
    assert_eq!(
        run(in_repo()
            .args(demo_manifests)
            .args(["--fail-on", "info", "--disable", "DS205"]))
        .0,
        0
    );
}

#[test]
fn disable_refuses_unknown_rules() {
    let (code, _, stderr) = run(in_repo().args([
        "check",
        "-A",
        "-f",
        "tests/fixtures/check/bad.yaml",
        "--disable",
        "DS101,DS999",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule \"DS999\""), "{stderr}");
}

#[test]
fn manifests_read_from_stdin() {
    let text = std::fs::read_to_string(fixture("bad.yaml")).unwrap();
    let (code, stdout, _) = run(kds()
        .args(["check", "-o", "json", "-f", "-"])
        .write_stdin(text));
    assert_eq!(code, 3);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["findings"][0]["source"], "<stdin>:4");
}

#[test]
fn a_missing_daemon_set_is_an_error() {
    let (code, _, stderr) =
        run(in_repo().args(["check", "bad-agnet", "-f", "tests/fixtures/check/bad.yaml"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("did you mean \"bad-agent\""), "{stderr}");
}
