//! `rollout history`: the DaemonSet's revisions, one revision's template, or a diff of two.

use std::io::Write;

use super::status::{list_ds_pods, list_ds_revisions, live_namespace, one_namespace};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::rollout::{RolloutHistory, find_revision, owned_revisions, rollout_history};
use crate::cli::RolloutHistoryArgs;
use crate::commands::lookup::get_daemon_set;
use crate::commands::{connect, usage};
use crate::commands::{find_daemon_set, offline_snapshot};
use crate::context::{Context, OutputFormat, Source};
use crate::model::Snapshot;
use crate::render;

/// kubectl's error for `--revision` naming no revision.
const NO_SUCH_REVISION: &str = "unable to find the specified revision";

/// Runs `rollout history`.
///
/// # Errors
/// Unknown DaemonSet or revision, unreadable files, API failures.
pub async fn run(
    ctx: &Context,
    args: &RolloutHistoryArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    one_namespace(ctx, "rollout history")?;
    if args.diff.is_some() && matches!(ctx.output, OutputFormat::Json | OutputFormat::Yaml) {
        return Err(usage("--diff prints a text diff; drop -o json|yaml"));
    }
    let name = args.daemonset.as_str();
    let (snapshot, namespace) = match &ctx.source {
        Source::Files(_) => offline_snapshot(ctx)?,
        Source::Live { .. } => {
            let cluster = connect(ctx).await?;
            let ns = live_namespace(ctx, &cluster);
            let ds = get_daemon_set(&cluster, &ns, name).await?;
            let pods = list_ds_pods(&cluster, &ds).await?;
            let revisions = list_ds_revisions(&cluster, &ds).await?;
            crate::commands::log_request_count(ctx, &cluster);
            let snapshot = Snapshot {
                pods,
                revisions,
                daemon_sets: vec![ds],
                ..Snapshot::default()
            };
            (snapshot, Some(ns))
        }
    };
    let ds = find_daemon_set(&snapshot, namespace.as_deref(), name)?;
    let inv = Inventory::new(&snapshot);
    let ctx = &ctx.for_snapshot(&snapshot);
    let history = rollout_history(&inv, ds);
    let revisions = owned_revisions(&inv, ds);
    if let Some([a, b]) = args.diff.as_deref() {
        let template = |n: i64| {
            find_revision(&revisions, n)
                .and_then(|r| r.template())
                .ok_or_else(|| anyhow::anyhow!("{NO_SUCH_REVISION} #{n}{}", existing(&revisions)))
        };
        let (old, new) = (template(*a)?, template(*b)?);
        let label = |n: i64| format!("daemonset.apps/{name} revision #{n}");
        render::rollout::write_template_diff(
            out,
            (&label(*a), &old),
            (&label(*b), &new),
            ctx.color,
        )?;
        return Ok(Outcome::Success);
    }
    if let Some(n) = args.revision {
        let (Some(entry), Some(template)) = (
            history.revisions.iter().find(|e| e.revision == n),
            find_revision(&revisions, n).and_then(|r| r.template()),
        ) else {
            anyhow::bail!("{NO_SUCH_REVISION}{}", existing(&revisions));
        };
        match ctx.output {
            OutputFormat::Json | OutputFormat::Yaml => {
                let mut one = entry.clone();
                one.template = Some(template);
                let doc = RolloutHistory {
                    revisions: vec![one],
                    ..history.clone()
                };
                write_doc(ctx, &doc, out)?;
            }
            OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
                render::rollout::write_revision(out, name, entry, &template, ctx.now)?;
            }
        }
        return Ok(Outcome::Success);
    }
    match ctx.output {
        OutputFormat::Json | OutputFormat::Yaml => write_doc(ctx, &history, out)?,
        OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
            render::rollout::write_history(out, &history, ctx.headers, ctx.now)?;
        }
    }
    Ok(Outcome::Success)
}

/// The revisions that exist, for the "unable to find" errors.
fn existing(revisions: &[&crate::model::ControllerRevision]) -> String {
    let numbers: Vec<i64> = revisions.iter().map(|r| r.revision).collect();
    crate::analysis::rollout::existing_revisions(&numbers)
}

fn write_doc(ctx: &Context, doc: &RolloutHistory, out: &mut dyn Write) -> anyhow::Result<()> {
    if ctx.output == OutputFormat::Yaml {
        render::yaml(out, doc)?;
    } else {
        render::json(out, doc)?;
    }
    Ok(())
}
