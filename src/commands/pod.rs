//! `pod`: the DaemonSet's pod on a node (the one the controller keeps), or a node → pod table.
//! Also the loading and node lookup shared by `describe`, `logs` and `exec`.

use std::io::Write;

use super::why_missing::fetch_for_daemon_set;
use super::{connect, offline_snapshot, suggest};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::pods::{DaemonSetPods, PodRow, all_node_rows, pod_row, pods_on_node};
use crate::analysis::why_missing::DaemonSetState;
use crate::cli::PodArgs;
use crate::cluster::Cluster;
use crate::context::{Context, NamespaceScope, OutputFormat, Source};
use crate::model::{DaemonSet, Node, Snapshot};
use crate::render;
use crate::render::safe::{Safe, escape_lines};

/// What a per-node command works on: the DaemonSet's objects, the namespace to look in, and
/// the live cluster (`None` offline).
pub(crate) struct Loaded {
    pub snapshot: Snapshot,
    pub namespace: Option<String>,
    pub cluster: Option<Cluster>,
}

/// Loads the snapshot (`--from-file`) or fetches the DaemonSet `name` and what belongs to it.
pub(crate) async fn load(ctx: &Context, name: &str) -> anyhow::Result<Loaded> {
    match &ctx.source {
        Source::Files(_) => {
            let (snapshot, namespace) = offline_snapshot(ctx)?;
            Ok(Loaded {
                snapshot,
                namespace,
                cluster: None,
            })
        }
        Source::Live { .. } => {
            let cluster = connect(ctx).await?;
            let ns = match &ctx.namespace {
                NamespaceScope::Explicit(ns) => ns.clone(),
                NamespaceScope::Default | NamespaceScope::All => {
                    cluster.default_namespace().to_owned()
                }
            };
            let snapshot = fetch_for_daemon_set(&cluster, &ns, name).await?;
            Ok(Loaded {
                snapshot,
                namespace: Some(ns),
                cluster: Some(cluster),
            })
        }
    }
}

/// The node `name` of the snapshot; unknown names are an error with close names suggested.
pub(crate) fn find_node<'a>(snapshot: &'a Snapshot, name: &str) -> anyhow::Result<&'a Node> {
    snapshot.node(name).ok_or_else(|| {
        let hint = suggest(name, snapshot.nodes.iter().map(Node::name)).unwrap_or_default();
        anyhow::anyhow!("node {name:?} not found{hint}")
    })
}

/// The stderr text for a node without a pod: the verdict, its reasons and hints.
pub(crate) fn no_pod_message(
    inv: &Inventory,
    state: &DaemonSetState,
    ds: &DaemonSet,
    node: &Node,
    ctx: &Context,
) -> String {
    let verdict = state.judge(inv, node, ctx.now);
    // Each line escaped on its own: names and messages come from the cluster.
    let mut text = format!(
        "no pod of daemonset {} on node {}: {}",
        Safe(&ds.key()),
        Safe(node.name()),
        verdict.verdict
    );
    for r in &verdict.reasons {
        text.push_str(&format!("\n  {}: {}", r.code(), Safe(&r.message)));
        if let Some(h) = &r.hint {
            text.push_str(&format!("\n    hint: {}", escape_lines(h)));
        }
    }
    text
}

/// Runs `pod`.
///
/// # Errors
/// Unknown DaemonSet or node, unreadable files, API failures.
pub async fn run(ctx: &Context, args: &PodArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    let loaded = load(ctx, &args.daemonset).await?;
    let snapshot = &loaded.snapshot;
    let ctx = &ctx.for_snapshot(snapshot);
    let ds = super::find_daemon_set(snapshot, loaded.namespace.as_deref(), &args.daemonset)?;
    let inv = Inventory::new(snapshot);
    let state = DaemonSetState::new(&inv, ds);
    let wide = ctx.output == OutputFormat::Wide;
    let mut missing: Vec<String> = Vec::new();
    let mut rows: Vec<PodRow> = if args.all_nodes {
        // One pass over the pods for all nodes (linear; a per-node scan was quadratic).
        all_node_rows(&inv, &state, ds, wide, ctx.now)
    } else {
        let nodes = args
            .nodes
            .iter()
            .map(|n| find_node(snapshot, n))
            .collect::<anyhow::Result<Vec<&Node>>>()?;
        let mut rows = Vec::new();
        for node in nodes {
            let pods = pods_on_node(&inv, ds, node.name());
            let verdict = state.judge(&inv, node, ctx.now);
            if pods.is_empty() {
                missing.push(no_pod_message(&inv, &state, ds, node, ctx));
            }
            rows.push(pod_row(
                node.name(),
                &pods,
                verdict.verdict.as_str(),
                ctx.now,
            ));
        }
        rows
    };
    if !args.all_nodes && !matches!(ctx.output, OutputFormat::Json | OutputFormat::Yaml) {
        rows.retain(|r| r.pod.is_some());
    }
    match ctx.output {
        OutputFormat::Name => render::pod::write_names(out, &rows)?,
        OutputFormat::Json => render::json(out, &DaemonSetPods::new(ds, rows))?,
        OutputFormat::Yaml => render::yaml(out, &DaemonSetPods::new(ds, rows))?,
        OutputFormat::Table | OutputFormat::Wide => {
            if !rows.is_empty() {
                let dropped = render::pod::write_table(out, &rows, wide, ctx.headers, ctx.width)?;
                if let Some(note) = ctx
                    .width
                    .and_then(|w| render::pod::dropped_note(&dropped, w))
                {
                    out.flush()?;
                    eprintln!("{note}");
                }
            }
        }
    }
    if missing.is_empty() {
        Ok(Outcome::Success)
    } else {
        out.flush()?;
        for m in &missing {
            eprintln!("{m}");
        }
        Ok(Outcome::No)
    }
}
