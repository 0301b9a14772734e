//! What a user installing the plugin relies on: `kubectl ds version` reports real build facts,
//! and the krew manifest `.krew.yaml` agrees with Cargo.toml, the README's RBAC section and
//! `scripts/release-archives.sh`.

mod common;

use std::path::Path;

use common::cli::{kds, run};
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A short git commit (`-dirty` allowed) or `unknown`.
fn is_commit(commit: &str) -> bool {
    let hash = commit.strip_suffix("-dirty").unwrap_or(commit);
    commit == "unknown"
        || (hash.len() >= 7 && hash.len() <= 40 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn version_line_carries_the_build_facts() {
    let (code, out, err) = run(kds().arg("version"));
    assert_eq!(code, 0, "{err}");
    let line = out
        .strip_suffix('\n')
        .expect("one line ending in a newline");
    assert!(!line.contains('\n'), "{out}");
    let rest = line
        .strip_prefix(&format!("kubectl-ds version {VERSION} (commit "))
        .unwrap_or_else(|| panic!("unexpected line {line:?}"));
    let (commit, rest) = rest.split_once(", built ").unwrap();
    assert!(is_commit(commit), "commit {commit:?}");
    let (date, rest) = rest.split_once(", ").unwrap();
    assert!(
        date.parse::<jiff::Timestamp>().is_ok(),
        "build date {date:?}"
    );
    assert!(date.ends_with('Z'), "build date {date:?} not UTC");
    assert!(rest.contains("rustc "), "{rest}");
}

#[test]
fn version_json_is_a_version_document() {
    let (code, out, err) = run(kds().args(["version", "-o", "json"]));
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(doc["kind"], "Version");
    assert_eq!(doc["version"], VERSION);
    assert!(is_commit(doc["gitCommit"].as_str().unwrap()), "{doc}");
    let date = doc["buildDate"].as_str().unwrap();
    assert!(date.parse::<jiff::Timestamp>().is_ok(), "{date}");
    assert!(doc["target"].as_str().unwrap().contains('-'), "{doc}");
    assert!(doc["rustc"].as_str().unwrap().starts_with("1."), "{doc}");
    // The order people read: kubectl's apiVersion and kind first.
    let order = [
        "apiVersion",
        "kind",
        "version",
        "gitCommit",
        "buildDate",
        "target",
        "rustc",
    ];
    assert_eq!(doc.as_object().unwrap().len(), order.len(), "{doc}");
    let at: Vec<usize> = order
        .iter()
        .map(|k| out.find(&format!("\n    \"{k}\": ")).unwrap())
        .collect();
    assert!(at.is_sorted(), "fields out of order: {out}");
}

#[test]
fn version_yaml_is_the_same_document() {
    let (_, json, _) = run(kds().args(["version", "-o", "json"]));
    let (code, yaml, err) = run(kds().args(["version", "-o", "yaml"]));
    assert_eq!(code, 0, "{err}");
    let from_yaml: Value = serde_saphyr::from_str(&yaml).unwrap();
    let from_json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(from_yaml, from_json);
}

#[test]
fn dash_dash_version_still_prints_the_cargo_version() {
    let (code, out, _) = run(kds().arg("--version"));
    assert_eq!(code, 0);
    assert_eq!(out, format!("kubectl-ds {VERSION}\n"));
}

#[test]
fn version_needs_no_cluster_and_refuses_name_output() {
    // kds() points KUBECONFIG at a file that does not exist: version must not read it.
    let (code, _, err) = run(kds().args(["version", "--kubeconfig", "/nonexistent"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(kds().args(["version", "-o", "name"]));
    assert_eq!(code, 2, "{err}");
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(root().join(".krew.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// The ClusterRole names of the README's "### RBAC" section.
fn readme_cluster_roles() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n### RBAC\n")
        .nth(1)
        .expect("README has a ### RBAC section");
    let section = section.split("\n## ").next().unwrap();
    let mut names = Vec::new();
    let mut in_role = false;
    for line in section.lines() {
        if line.starts_with("kind: ") {
            in_role = line == "kind: ClusterRole";
        } else if in_role && let Some(name) = line.strip_prefix("  name: ") {
            names.push(name.trim().to_owned());
            in_role = false;
        }
    }
    names
}

#[test]
fn krew_manifest_is_a_plugin_named_ds() {
    let m = manifest();
    assert_eq!(
        m["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(m["kind"], "Plugin");
    assert_eq!(m["metadata"]["name"], "ds");
    assert_eq!(m["spec"]["version"], format!("v{VERSION}"));
    for field in ["homepage", "shortDescription", "description", "caveats"] {
        assert!(
            m["spec"][field]
                .as_str()
                .is_some_and(|s| !s.trim().is_empty()),
            "spec.{field} is missing"
        );
    }
    // krew's limit for the one-line description.
    assert!(m["spec"]["shortDescription"].as_str().unwrap().len() <= 50);
}

#[test]
fn krew_manifest_covers_four_platforms_of_this_version() {
    let m = manifest();
    let homepage = m["spec"]["homepage"].as_str().unwrap();
    let platforms = m["spec"]["platforms"].as_array().unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    for p in platforms {
        let labels = &p["selector"]["matchLabels"];
        let os = labels["os"].as_str().unwrap().to_owned();
        let arch = labels["arch"].as_str().unwrap().to_owned();
        assert_eq!(p["bin"], "kubectl-ds", "{os}/{arch}");
        let files = p["files"].as_array().unwrap();
        assert!(
            files.iter().any(|f| f["from"] == "kubectl-ds"),
            "{os}/{arch}: the binary is not among the files"
        );
        let uri = p["uri"].as_str().unwrap();
        let prefix = format!("{homepage}/releases/download/v{VERSION}/kubectl-ds_v{VERSION}_");
        let triple = uri
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tar.gz"))
            .unwrap_or_else(|| panic!("{os}/{arch}: uri {uri} is not {prefix}TRIPLE.tar.gz"));
        let expected_arch = if arch == "amd64" { "x86_64" } else { "aarch64" };
        assert!(triple.starts_with(expected_arch), "{os}/{arch}: {triple}");
        let expected_os = if os == "linux" {
            "linux"
        } else {
            "apple-darwin"
        };
        assert!(triple.contains(expected_os), "{os}/{arch}: {triple}");
        // The placeholder scripts/release-archives.sh prints the sed line for.
        let sha = p["sha256"].as_str().unwrap();
        let placeholder = format!("SHA256_{}", triple.to_uppercase().replace('-', "_"));
        assert!(
            sha == placeholder || (sha.len() == 64 && sha.chars().all(|c| c.is_ascii_hexdigit())),
            "{os}/{arch}: sha256 {sha} is neither {placeholder} nor a digest"
        );
        seen.push((os, arch));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            ("darwin".into(), "amd64".into()),
            ("darwin".into(), "arm64".into()),
            ("linux".into(), "amd64".into()),
            ("linux".into(), "arm64".into()),
        ]
    );
}

#[test]
fn krew_caveats_name_the_readme_cluster_roles() {
    let roles = readme_cluster_roles();
    assert_eq!(
        roles,
        ["kubectl-ds-reader", "kubectl-ds-operator"],
        "the README's RBAC section changed: update .krew.yaml's caveats and this test"
    );
    let m = manifest();
    let caveats = m["spec"]["caveats"].as_str().unwrap();
    for role in &roles {
        assert!(
            caveats.contains(role.as_str()),
            "caveats do not name {role}"
        );
    }
}

#[test]
fn release_script_names_archives_as_the_manifest_does() {
    let script = std::fs::read_to_string(root().join("scripts/release-archives.sh")).unwrap();
    assert!(script.contains(r#"name="kubectl-ds_v${version}_${target}""#));
    let syntax = std::process::Command::new("bash")
        .args(["-n", "scripts/release-archives.sh"])
        .current_dir(root())
        .status()
        .unwrap();
    assert!(syntax.success());
}

/// Runs the release script on a stand-in binary; (stdout lines, archive path).
fn release_archive(out: &Path, binary: &Path) -> (Vec<String>, std::path::PathBuf) {
    let output = std::process::Command::new("bash")
        .arg("scripts/release-archives.sh")
        .args(["--target", "aarch64-apple-darwin", "--binary"])
        .arg(binary)
        .arg("--out")
        .arg(out)
        .env("SOURCE_DATE_EPOCH", "1795000000")
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    let archive = std::path::PathBuf::from(&lines[0]);
    (lines, archive)
}

#[test]
fn release_script_packs_what_the_manifest_expects() {
    let dir = std::env::temp_dir().join(format!("kds-packaging-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("stand-in");
    std::fs::write(&binary, "#!/bin/sh\necho stand-in\n").unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&binary)
        .status()
        .unwrap();
    let (lines, archive) = release_archive(&dir.join("out"), &binary);
    assert_eq!(
        archive.file_name().unwrap().to_str().unwrap(),
        format!("kubectl-ds_v{VERSION}_aarch64-apple-darwin.tar.gz")
    );
    let listing = std::process::Command::new("tar")
        .arg("tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let names = String::from_utf8(listing.stdout).unwrap();
    let names: Vec<&str> = names.lines().collect();
    assert!(names.contains(&"kubectl-ds"), "{names:?}");
    assert!(names.contains(&"README.md"), "{names:?}");
    // Every file the manifest's platforms copy is in the archive.
    for p in manifest()["spec"]["platforms"].as_array().unwrap() {
        for f in p["files"].as_array().unwrap() {
            assert!(
                names.contains(&f["from"].as_str().unwrap()),
                "{f} not in {names:?}"
            );
        }
    }
    let sha = lines[1].strip_prefix("sha256: ").unwrap().to_owned();
    assert_eq!(sha.len(), 64, "{lines:?}");
    // The sed line, while .krew.yaml still has the placeholder (a release fills it in).
    let krew = std::fs::read_to_string(root().join(".krew.yaml")).unwrap();
    if krew.contains("SHA256_AARCH64_APPLE_DARWIN") {
        assert_eq!(
            lines[2],
            format!("fill .krew.yaml: sed -i 's/SHA256_AARCH64_APPLE_DARWIN/{sha}/' .krew.yaml")
        );
    }
    // Reproducible: the same input gives the same archive.
    let (again, _) = release_archive(&dir.join("out"), &binary);
    assert_eq!(again[1], lines[1]);
    std::fs::remove_dir_all(&dir).unwrap();
}
