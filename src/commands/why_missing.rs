//! `why-missing`: fetch the objects, judge the nodes, print the report.

use std::io::Write;

use anyhow::Context as _;

use super::{find_daemon_set, offline_snapshot, suggest, usage};
use crate::Outcome;
use crate::analysis::{Inventory, node_report, why_missing};
use crate::cli::WhyMissingArgs;
use crate::cluster::{self, Cluster};
use crate::context::{Context, OutputFormat, Source};
use crate::model::{DaemonSet, Node, Snapshot};
use crate::render::safe::Safe;
use crate::render::{
    self,
    why_missing::{Detail, View},
};

/// Runs `why-missing`.
///
/// # Errors
/// Usage errors, unknown DaemonSet or node, unreadable files, API failures.
pub async fn run(
    ctx: &Context,
    args: &WhyMissingArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let target = match (&args.daemonset, args.nodes.as_slice()) {
        (Some(ds), nodes) => Target::DaemonSet {
            name: ds.clone(),
            nodes: nodes.to_vec(),
        },
        (None, [node]) => Target::Node(node.clone()),
        (None, []) => {
            return Err(usage(
                "name a DaemonSet, or a single --node to judge every DaemonSet on it",
            ));
        }
        (None, _) => return Err(usage("without a DaemonSet, give exactly one --node")),
    };
    let (snapshot, namespace) = fetch(ctx, &target).await?;
    let ctx = &ctx.for_snapshot(&snapshot);
    let inv = Inventory::new(&snapshot);
    let view = View {
        detail: if ctx.output == OutputFormat::Wide {
            Detail::Wide
        } else {
            Detail::Attention
        },
        headers: ctx.headers,
        color: ctx.color,
        width: ctx.width,
    };
    match target {
        Target::DaemonSet { name, nodes } => {
            let ds = find_daemon_set(&snapshot, namespace.as_deref(), &name)?;
            super::ensure_answerable(ctx, &inv, ds)?;
            let wanted = find_nodes(&inv, &snapshot, &nodes)?;
            let mut report = why_missing(&inv, ds, wanted.as_deref(), ctx.now);
            report.as_of = ctx.as_of();
            match ctx.output {
                OutputFormat::Json => render::json(out, &report)?,
                OutputFormat::Yaml => render::yaml(out, &report)?,
                OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
                    // As kubectl's warnings: on stderr, so the table stays clean for scripts.
                    warn(&report.warnings);
                    render::why_missing::write_report(out, &report, view)?
                }
            }
            Ok(if report.has_problems() {
                Outcome::No
            } else {
                Outcome::Success
            })
        }
        Target::Node(node_name) => {
            let node = find_nodes(&inv, &snapshot, std::slice::from_ref(&node_name))?
                .and_then(|v| v.into_iter().next())
                .context("node lookup returned nothing")?;
            let daemon_sets: Vec<&DaemonSet> = snapshot
                .daemon_sets
                .iter()
                .filter(|ds| {
                    namespace
                        .as_deref()
                        .is_none_or(|ns| ds.metadata.namespace == ns)
                })
                .collect();
            crate::analysis::input::check_cluster(
                &inv,
                daemon_sets.iter().copied(),
                super::origin(ctx),
            )?;
            let mut report = node_report(&inv, &daemon_sets, node, ctx.now);
            report.as_of = ctx.as_of();
            match ctx.output {
                OutputFormat::Json => render::json(out, &report)?,
                OutputFormat::Yaml => render::yaml(out, &report)?,
                OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
                    // As kubectl's warnings: on stderr, so the table stays clean for scripts.
                    warn(&report.warnings);
                    render::why_missing::write_node_report(out, &report, view)?
                }
            }
            Ok(if report.has_problems() {
                Outcome::No
            } else {
                Outcome::Success
            })
        }
    }
}

/// Prints `warning: …` lines on stderr, escaped (they quote names from the input).
pub(crate) fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {}", Safe(w));
    }
}

enum Target {
    DaemonSet { name: String, nodes: Vec<String> },
    Node(String),
}

/// Loads or fetches what the analysis needs; returns the snapshot and the namespace to look in
/// (`None` = any).
async fn fetch(ctx: &Context, target: &Target) -> anyhow::Result<(Snapshot, Option<String>)> {
    match &ctx.source {
        Source::Files(_) => offline_snapshot(ctx),
        Source::Live { .. } => {
            let cluster = super::connect(ctx).await?;
            let namespace = super::live_namespace(ctx, &cluster);
            let snapshot = match target {
                Target::DaemonSet { name, .. } => {
                    let ns = namespace
                        .clone()
                        .unwrap_or_else(|| cluster.default_namespace().to_owned());
                    fetch_for_daemon_set(&cluster, &ns, name).await?
                }
                Target::Node(node) => fetch_for_node(&cluster, namespace.as_deref(), node).await?,
            };
            super::log_request_count(ctx, &cluster);
            Ok((snapshot, namespace))
        }
    }
}

/// At most six requests plus pagination, whatever the cluster's size: the DaemonSet, nodes,
/// its pods, its revisions, the namespace's Warning events, and other pods only where a pending pod
/// needs a resource or port analysis.
pub async fn fetch_for_daemon_set(
    cluster: &Cluster,
    ns: &str,
    name: &str,
) -> anyhow::Result<Snapshot> {
    let ds = super::lookup::get_daemon_set(cluster, ns, name).await?;
    let selector = ds
        .spec
        .selector
        .as_ref()
        .filter(|s| !s.is_empty())
        .map(cluster::label_selector_string);
    let nodes = cluster.list_nodes().await?;
    let (mut pods, revisions) = match &selector {
        Some(sel) => (
            cluster.list_pods(Some(ns), Some(sel), None).await?,
            cluster.list_revisions(ns, Some(sel)).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    // Only Warning events are ever quoted; Normal ones (Scheduled, Pulled, SuccessfulCreate…)
    // are most of a busy namespace's events.
    let events = cluster.list_events(Some(ns), Some("type=Warning")).await?;
    let pod_names: std::collections::HashSet<&str> =
        pods.iter().map(|p| p.metadata.name.as_str()).collect();
    let events = events
        .into_iter()
        .filter(|e| {
            let o = &e.involved_object;
            (o.kind == "DaemonSet" && o.name == name)
                || (o.kind == "Pod" && pod_names.contains(o.name.as_str()))
        })
        .collect();
    // Pending pods need the other pods on their target node for the fit analysis.
    let pending_targets: Vec<String> = pods
        .iter()
        .filter(|p| !p.is_bound() && !p.is_terminal())
        .filter_map(|p| p.target_node().map(str::to_owned))
        .collect();
    let others = super::pods_on_nodes(cluster, &pending_targets).await?;
    let known: std::collections::HashSet<String> =
        pods.iter().map(|p| p.metadata.uid.clone()).collect();
    pods.extend(
        others
            .into_iter()
            .filter(|p| !known.contains(&p.metadata.uid)),
    );
    Ok(Snapshot {
        nodes,
        pods,
        daemon_sets: vec![ds],
        revisions,
        events,
    })
}

/// Six requests plus pagination: DaemonSets, the node, pods bound to it, unbound pods (pending
/// DaemonSet pods aim at their node through affinity), revisions and events.
pub async fn fetch_for_node(
    cluster: &Cluster,
    ns: Option<&str>,
    node: &str,
) -> anyhow::Result<Snapshot> {
    let daemon_sets = cluster.list_daemon_sets(ns).await?;
    let Some(node_obj) = cluster.get_node(node).await? else {
        let all = cluster.list_nodes().await.unwrap_or_default();
        let hint = suggest(node, all.iter().map(|n| n.name())).unwrap_or_default();
        anyhow::bail!("node {node:?} not found{hint}");
    };
    let mut pods = cluster
        .list_pods(None, None, Some(&cluster::field_selector_for_node(node)))
        .await?;
    let unbound = cluster.list_pods(ns, None, Some("spec.nodeName=")).await?;
    pods.extend(
        unbound
            .into_iter()
            .filter(|p| p.target_node() == Some(node)),
    );
    let revisions = match ns {
        Some(ns) => cluster.list_revisions(ns, None).await?,
        None => cluster.list_revisions_all().await?,
    };
    let pod_names: std::collections::HashSet<&str> =
        pods.iter().map(|p| p.metadata.name.as_str()).collect();
    let events = cluster
        .list_events(ns, Some("type=Warning"))
        .await?
        .into_iter()
        .filter(|e| {
            let o = &e.involved_object;
            o.kind == "DaemonSet" || (o.kind == "Pod" && pod_names.contains(o.name.as_str()))
        })
        .collect();
    Ok(Snapshot {
        nodes: vec![node_obj],
        pods,
        daemon_sets,
        revisions,
        events,
    })
}

/// The requested nodes, or `None` for all. Unknown names are an error with suggestions.
fn find_nodes<'a>(
    inv: &Inventory<'a>,
    snapshot: &'a Snapshot,
    names: &[String],
) -> anyhow::Result<Option<Vec<&'a Node>>> {
    if names.is_empty() {
        return Ok(None);
    }
    let mut found = Vec::new();
    for name in names {
        match inv.node(name) {
            Some(node) => found.push(node),
            None => {
                let hint = suggest(name, snapshot.nodes.iter().map(Node::name)).unwrap_or_default();
                anyhow::bail!("node {name:?} not found{hint}");
            }
        }
    }
    Ok(Some(found))
}
