//! `check`: lint DaemonSets (live, a dump, or manifests) for production pitfalls.

use std::collections::BTreeMap;
use std::io::Write;

use super::usage;
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::check::{
    CheckInput, CheckOptions, CheckReport, DaemonSetCheck, Severity, check_daemon_set,
    parse_disabled,
};
use crate::cli::{CheckArgs, FailOnArg};
use crate::context::{Context, NamespaceScope, OutputFormat, Source};
use crate::model::Snapshot;
use crate::render;

/// Runs `check`: exit 3 when a finding at or above `--fail-on` exists.
///
/// # Errors
/// An unknown rule in `--disable` (usage), a named DaemonSet that does not exist, unreadable
/// input, API failures.
pub async fn run(ctx: &Context, args: &CheckArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let options = CheckOptions {
        disabled: parse_disabled(&args.disable).map_err(usage)?,
        max_rollout_seconds: seconds(args.max_rollout_duration),
        max_outdated_seconds: seconds(args.max_outdated_age),
        ..CheckOptions::default()
    };
    if ctx.output == OutputFormat::Wide {
        return Err(usage(
            "unsupported output format \"wide\" for check (table, json, yaml or sarif)",
        ));
    }
    // fetch
    let (mut snapshot, namespace, sources) = match &ctx.source {
        Source::Files(paths) => {
            let loaded = crate::snapshot::load_paths(paths, &mut std::io::stdin().lock())?;
            for w in &loaded.warnings {
                eprintln!("warning: {w}");
            }
            let ns = match &ctx.namespace {
                NamespaceScope::Explicit(ns) => Some(ns.clone()),
                NamespaceScope::Default | NamespaceScope::All => None,
            };
            (loaded.snapshot, ns, Some(loaded.daemon_set_sources))
        }
        Source::Live { .. } => {
            let cluster = super::connect(ctx).await?;
            let ns = super::live_namespace(ctx, &cluster);
            let snapshot = super::list::fetch(&cluster, ns.as_deref(), None).await?;
            super::log_request_count(ctx, &cluster);
            (snapshot, ns, None)
        }
    };
    // A manifest without a namespace lands in the one `kubectl apply` would use.
    let fill = namespace.clone().unwrap_or_else(|| "default".to_owned());
    let mut source_of: BTreeMap<(String, String), String> = BTreeMap::new();
    for ds in &mut snapshot.daemon_sets {
        let key = (ds.metadata.namespace.clone(), ds.metadata.name.clone());
        if ds.metadata.namespace.is_empty() {
            ds.metadata.namespace.clone_from(&fill);
        }
        let source = match &sources {
            None => "live".to_owned(),
            Some(map) => map.get(&key).cloned().unwrap_or_else(|| "file".to_owned()),
        };
        source_of.insert(
            (ds.metadata.namespace.clone(), ds.metadata.name.clone()),
            source,
        );
    }
    // decide
    let selected = select(&snapshot, namespace.as_deref(), &args.daemonsets)?;
    let inventory = Inventory::new(&snapshot);
    let input = CheckInput {
        inventory: &inventory,
        has_nodes: !snapshot.nodes.is_empty(),
        now: ctx.now,
        options: &options,
    };
    let mut checks: Vec<(DaemonSetCheck, String)> = selected
        .iter()
        .map(|&i| {
            let ds = &snapshot.daemon_sets[i];
            let source = source_of
                .get(&(ds.metadata.namespace.clone(), ds.metadata.name.clone()))
                .cloned()
                .unwrap_or_else(|| "live".to_owned());
            (check_daemon_set(ds, &input), source)
        })
        .collect();
    checks.sort_by(|a, b| (&a.0.namespace, &a.0.name).cmp(&(&b.0.namespace, &b.0.name)));
    for (check, _) in &checks {
        for w in &check.warnings {
            eprintln!(
                "warning: {}/{}: {}",
                render::safe::escape(&check.namespace),
                render::safe::escape(&check.name),
                render::safe::escape(w)
            );
        }
    }
    let report = CheckReport::new(&checks);
    // print
    if ctx.sarif {
        render::json(out, &render::check::sarif(&report))?;
    } else {
        match ctx.output {
            OutputFormat::Json => render::json(out, &report)?,
            OutputFormat::Yaml => render::yaml(out, &report)?,
            _ => {
                if checks.is_empty() {
                    match &namespace {
                        Some(ns) => eprintln!("No resources found in {ns} namespace."),
                        None => eprintln!("No resources found"),
                    }
                } else {
                    render::check::write_table(out, &checks, &report, ctx.color)?;
                }
            }
        }
    }
    let level = match args.fail_on {
        FailOnArg::Error => Severity::Error,
        FailOnArg::Warning => Severity::Warning,
        FailOnArg::Info => Severity::Info,
    };
    Ok(if report.fails_at(level) {
        Outcome::No
    } else {
        Outcome::Success
    })
}

/// Indexes of the DaemonSets to check: the named ones (each must exist), or every one in scope.
fn select(
    snapshot: &Snapshot,
    namespace: Option<&str>,
    names: &[String],
) -> anyhow::Result<Vec<usize>> {
    let in_scope = |i: &usize| {
        let ds = &snapshot.daemon_sets[*i];
        namespace.is_none_or(|ns| ds.metadata.namespace == ns)
    };
    if names.is_empty() {
        return Ok((0..snapshot.daemon_sets.len()).filter(in_scope).collect());
    }
    let mut out = Vec::new();
    for name in names {
        let found = super::find_daemon_set(snapshot, namespace, name)?;
        let index = snapshot
            .daemon_sets
            .iter()
            .position(|d| std::ptr::eq(d, found))
            .unwrap_or_default();
        if !out.contains(&index) {
            out.push(index);
        }
    }
    Ok(out)
}

fn seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
