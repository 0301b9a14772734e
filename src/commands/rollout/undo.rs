//! `rollout undo`: back to the previous (or a given) revision, as kubectl does it, guarded
//! against a concurrent change.
//!
//! stdout carries only kubectl's result line; the template diff the undo applies, the
//! last-applied-configuration warning and the OnDelete note go to stderr.

use std::io::Write;

use anyhow::Context as _;

use super::status::{dry_run_suffix, list_ds_revisions, live_namespace, live_only, one_namespace};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::rollout::{LAST_APPLIED_ANNOTATION, UndoPlan, owned_revisions, plan_undo};
use crate::cli::{DryRunArg, RolloutUndoArgs};
use crate::cluster::Cluster;
use crate::commands::connect;
use crate::commands::lookup::get_daemon_set;
use crate::context::Context;
use crate::model::Snapshot;
use crate::render;

/// Runs `rollout undo`.
///
/// # Errors
/// `--from-file`, unknown DaemonSet or revision, API failures (a concurrent change is a
/// conflict, never overwritten).
pub async fn run(
    ctx: &Context,
    args: &RolloutUndoArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    live_only(ctx, "rollout undo")?;
    one_namespace(ctx, "rollout undo")?;
    let cluster = connect(ctx).await?;
    let ns = live_namespace(ctx, &cluster);
    let result = undo(&cluster, &ns, args, ctx.color, out, &mut std::io::stderr()).await;
    crate::commands::log_request_count(ctx, &cluster);
    result
}

/// The undo against `cluster` in `ns`: GET the DaemonSet, LIST its revisions, PATCH (unless
/// `--dry-run=client` or nothing to do). The result line goes to `out`, the rest to `err`.
///
/// # Errors
/// As [`run`].
pub async fn undo(
    cluster: &Cluster,
    ns: &str,
    args: &RolloutUndoArgs,
    color: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let name = args.daemonset.as_str();
    let ds = get_daemon_set(cluster, ns, name).await?;
    let revisions = list_ds_revisions(cluster, &ds).await?;
    let snapshot = Snapshot {
        revisions,
        daemon_sets: vec![ds],
        ..Snapshot::default()
    };
    let ds = &snapshot.daemon_sets[0];
    let inv = Inventory::new(&snapshot);
    let plan = plan_undo(ds, &owned_revisions(&inv, ds), args.to_revision)?;
    let suffix = dry_run_suffix(args.dry_run);
    let (target, patch, template) = match plan {
        UndoPlan::Skip { requested, .. } => {
            writeln!(
                out,
                "daemonset.apps/{name} skipped rollback (current template already matches revision {requested}){suffix}"
            )?;
            return Ok(Outcome::Success);
        }
        UndoPlan::Rollback {
            target,
            patch,
            template,
        } => (target, patch, template),
    };
    if ds
        .metadata
        .annotations
        .contains_key(LAST_APPLIED_ANNOTATION)
    {
        writeln!(
            err,
            "Warning: resource daemonsets/{name} was previously managed with 'kubectl apply'. Rolling back will not update the {LAST_APPLIED_ANNOTATION} annotation, which may cause unexpected behavior on future 'kubectl apply' operations. Consider using 'kubectl apply' with your previous configuration file instead."
        )?;
    }
    let mut diff = Vec::new();
    render::rollout::write_template_diff(
        &mut diff,
        (
            &format!("daemonset.apps/{name} (current template)"),
            &ds.spec.template_json,
        ),
        (
            &format!("daemonset.apps/{name} revision #{target}"),
            &template,
        ),
        color,
    )?;
    err.write_all(&diff)?;
    if args.dry_run != DryRunArg::Client {
        cluster
            .patch_daemon_set_strategic(
                ns,
                name,
                patch,
                Some(&ds.metadata.resource_version),
                args.dry_run == DryRunArg::Server,
            )
            .await
            .with_context(|| format!("failed restoring revision {target}"))?;
    }
    if ds.strategy() == "OnDelete" {
        writeln!(
            err,
            "note: daemonset {name} uses the OnDelete strategy: its pods change only when they are replaced; kubectl ds replace {name} -n {ns} --all-outdated"
        )?;
    }
    writeln!(out, "daemonset.apps/{name} rolled back{suffix}")?;
    Ok(Outcome::Success)
}
