//! `rollout restart`: a new `restartedAt` annotation on the pod template, as kubectl sets it.

use std::io::Write;

use jiff::Timestamp;

use super::status::{dry_run_suffix, live_namespace, live_only, one_namespace};
use crate::Outcome;
use crate::analysis::rollout::restart_patch;
use crate::cli::{DryRunArg, RolloutRestartArgs};
use crate::cluster::Cluster;
use crate::commands::connect;
use crate::commands::lookup::get_daemon_set;
use crate::context::Context;

/// Runs `rollout restart`.
///
/// # Errors
/// `--from-file`, unknown DaemonSet, API failures.
pub async fn run(
    ctx: &Context,
    args: &RolloutRestartArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    live_only(ctx, "rollout restart")?;
    one_namespace(ctx, "rollout restart")?;
    let cluster = connect(ctx).await?;
    let ns = live_namespace(ctx, &cluster);
    let result = restart(&cluster, &ns, args, ctx.now, out, &mut std::io::stderr()).await;
    crate::commands::log_request_count(ctx, &cluster);
    result
}

/// The restart against `cluster` in `ns`: GET the DaemonSet, PATCH its template (unless
/// `--dry-run=client`). The result line goes to `out`, the OnDelete warning to `err`.
///
/// # Errors
/// As [`run`].
pub async fn restart(
    cluster: &Cluster,
    ns: &str,
    args: &RolloutRestartArgs,
    now: Timestamp,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let name = args.daemonset.as_str();
    let ds = get_daemon_set(cluster, ns, name).await?;
    if args.dry_run != DryRunArg::Client {
        cluster
            .patch_daemon_set_strategic(
                ns,
                name,
                restart_patch(now),
                None,
                args.dry_run == DryRunArg::Server,
            )
            .await?;
    }
    if ds.strategy() == "OnDelete" {
        writeln!(
            err,
            "Warning: daemonset {name} uses the OnDelete strategy: the new template takes effect only as pods are replaced; kubectl ds replace {name} -n {ns} --all-outdated"
        )?;
    }
    writeln!(
        out,
        "daemonset.apps/{name} restarted{}",
        dry_run_suffix(args.dry_run)
    )?;
    Ok(Outcome::Success)
}
