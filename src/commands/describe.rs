//! `describe`: the DaemonSet in detail, or its pod on one node with the node's verdict.

use std::io::Write;

use super::pod::{find_node, load};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::pods::pods_on_node;
use crate::analysis::why_missing::DaemonSetState;
use crate::cli::DescribeArgs;
use crate::context::{Context, OutputFormat};
use crate::model::Event;
use crate::render::describe::{DaemonSetView, PodView, write_daemon_set, write_pod};

/// Runs `describe`.
///
/// # Errors
/// Unknown DaemonSet or node, unreadable files, API failures; `-o` other than the default.
pub async fn run(
    ctx: &Context,
    args: &DescribeArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    if ctx.output != OutputFormat::Table {
        return Err(super::usage(
            "describe prints text only; use why-missing, pod or rollout history with -o json",
        ));
    }
    let loaded = load(ctx, &args.daemonset).await?;
    let snapshot = &loaded.snapshot;
    let ctx = &ctx.for_snapshot(snapshot);
    let ds = super::find_daemon_set(snapshot, loaded.namespace.as_deref(), &args.daemonset)?;
    let inv = Inventory::new(snapshot);
    let state = DaemonSetState::new(&inv, ds);
    let ns = ds.metadata.namespace.as_str();
    let newest_last = |kind: &str, name: &str| -> Vec<&Event> {
        let mut events: Vec<&Event> = inv.events_for(kind, ns, name).collect();
        events.reverse();
        events
    };
    match &args.node {
        None => {
            let pods = inv.daemon_set_pods(ds);
            let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
            let view = DaemonSetView {
                ds,
                revisions: inv.daemon_set_revisions(ds),
                pod_phases: (
                    count("Running"),
                    count("Pending"),
                    count("Succeeded"),
                    count("Failed"),
                ),
                events: newest_last("DaemonSet", &ds.metadata.name),
                current_revision: state.revision().hash.as_deref(),
            };
            write_daemon_set(out, &view, ctx.now)?;
            Ok(Outcome::Success)
        }
        Some(node_name) => {
            let node = find_node(snapshot, node_name)?;
            let pods = pods_on_node(&inv, ds, node.name());
            let pod = pods.first().copied();
            let view = PodView {
                ds,
                node: node.name(),
                pod,
                others: pods.iter().skip(1).copied().collect(),
                events: pod.map_or_else(Vec::new, |p| newest_last("Pod", &p.metadata.name)),
                verdict: state.judge(&inv, node, ctx.now),
            };
            write_pod(out, &view, ctx.now)?;
            Ok(if pod.is_some() {
                Outcome::Success
            } else {
                Outcome::No
            })
        }
    }
}
