//! `check` output: a table grouped by DaemonSet, and SARIF 2.1.0.

use std::collections::BTreeMap;
use std::io::{self, Write};

use owo_colors::OwoColorize;
use serde_json::{Value, json};

use super::safe::escape;
use crate::analysis::check::{CheckReport, DaemonSetCheck, RULES, Severity};

/// A severity word padded to the column, coloured when `color` is on.
fn severity(s: Severity, color: bool) -> String {
    let word = format!("{:<7}", s.as_str());
    if !color {
        return word;
    }
    match s {
        Severity::Error => word.red().bold().to_string(),
        Severity::Warning => word.yellow().to_string(),
        Severity::Info => word.cyan().to_string(),
    }
}

/// Writes the table: one block per DaemonSet (its findings worst first, each fix under its
/// row), then the counts, then the rules that could not be judged.
///
/// # Errors
/// On write failure.
pub fn write_table<W: Write + ?Sized>(
    out: &mut W,
    checks: &[(DaemonSetCheck, String)],
    report: &CheckReport,
    color: bool,
) -> io::Result<()> {
    // A skip that applies to every DaemonSet with the same reason is said once, at the end.
    let mut everywhere: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (check, _) in checks {
        for s in &check.skipped {
            *everywhere
                .entry((s.rule.id, s.reason.as_str()))
                .or_default() += 1;
        }
    }
    everywhere.retain(|_, n| *n == checks.len());
    for (check, source) in checks {
        let ns = if check.namespace.is_empty() {
            "<none>"
        } else {
            check.namespace.as_str()
        };
        writeln!(
            out,
            "DaemonSet {}/{} ({})",
            escape(ns),
            escape(&check.name),
            escape(source)
        )?;
        if check.findings.is_empty() {
            writeln!(out, "  no findings")?;
        }
        for f in &check.findings {
            writeln!(
                out,
                "  {}  {}  {}: {}",
                severity(f.rule.severity, color),
                f.rule.id,
                f.rule.name,
                escape(&f.message)
            )?;
            let mut lines = f.fix.lines();
            if let Some(first) = lines.next() {
                writeln!(out, "           fix: {}", escape(first))?;
            }
            for line in lines {
                writeln!(out, "                {}", escape(line))?;
            }
        }
        for s in &check.skipped {
            if everywhere.contains_key(&(s.rule.id, s.reason.as_str())) {
                continue;
            }
            writeln!(
                out,
                "  skipped  {}  {}: {}",
                s.rule.id,
                s.rule.name,
                escape(&s.reason)
            )?;
        }
        writeln!(out)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} checked: {} error{}, {} warning{}, {} info{}",
        plural(s.daemon_sets, "DaemonSet"),
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.infos,
        if s.infos == 1 { "" } else { "s" },
    )?;
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (rule, reason) in everywhere.keys() {
        by_reason.entry(reason).or_default().push(rule);
    }
    for (reason, rules) in by_reason {
        writeln!(out, "skipped {}: {}", rules.join(", "), escape(reason))?;
    }
    Ok(())
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `FILE:LINE` → (`FILE`, `Some(LINE)`); `FILE` → (`FILE`, `None`).
fn split_source(source: &str) -> (&str, Option<u64>) {
    match source.rsplit_once(':') {
        Some((file, line)) => match line.parse::<u64>() {
            Ok(n) if n > 0 => (file, Some(n)),
            _ => (source, None),
        },
        None => (source, None),
    }
}

/// A file path as a relative URI reference (percent-encoding what a URI cannot hold).
fn file_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The report as a SARIF 2.1.0 log: one run, every rule described, one result per finding
/// (with the file and line for files, a logical location `NAMESPACE/NAME` always), and each
/// skipped rule as a tool notification.
pub fn sarif(report: &CheckReport) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "help": {"text": format!("{} {}: see docs/checks.md", r.id, r.name)},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {"liveOnly": r.needs_nodes}
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let object = format!("{}/{}", f.daemon_set.namespace, f.daemon_set.name);
            let mut location = json!({
                "logicalLocations": [{
                    "name": f.path,
                    "fullyQualifiedName": format!("{object}:{}", f.path),
                    "kind": "member"
                }]
            });
            if f.source != "live" {
                let (file, line) = split_source(&f.source);
                let mut physical = json!({"artifactLocation": {"uri": file_uri(file)}});
                if let Some(line) = line {
                    physical["region"] = json!({"startLine": line});
                }
                location["physicalLocation"] = physical;
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": sarif_level(f.severity),
                "message": {"text": format!("{object}: {}\nfix: {}", f.message, f.fix)},
                "locations": [location],
                "properties": {
                    "daemonSet": {"namespace": f.daemon_set.namespace, "name": f.daemon_set.name},
                    "source": f.source,
                    "path": f.path,
                    "fix": f.fix
                }
            })
        })
        .collect();
    let notifications: Vec<Value> = report
        .skipped
        .iter()
        .map(|s| {
            json!({
                "level": "note",
                "message": {"text": format!(
                    "{}/{}: {} {} skipped: {}",
                    s.daemon_set.namespace, s.daemon_set.name, s.rule, s.name, s.reason
                )},
                "descriptor": {"id": s.rule}
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kubectl-ds",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications
            }],
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_at_a_trailing_line_number() {
        assert_eq!(split_source("a/b.yaml:12"), ("a/b.yaml", Some(12)));
        assert_eq!(split_source("a/b.yaml"), ("a/b.yaml", None));
        assert_eq!(split_source("c:/x"), ("c:/x", None));
        assert_eq!(
            file_uri("dir with space/ds.yaml"),
            "dir%20with%20space/ds.yaml"
        );
    }
}
