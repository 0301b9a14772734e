//! Commands: fetch → decide → act → print.

pub mod check;
pub mod complete;
pub mod completion;
pub mod describe;
pub mod exec;
pub mod list;
pub mod logs;
pub mod lookup;
pub mod pod;
pub mod replace;
pub mod rollout;
pub mod version;
pub mod why_missing;

use std::io::Write;

use crate::cli::{Command, RolloutCommand};
use crate::context::Context;
use crate::context::{NamespaceScope, Source};
use crate::model::Snapshot;
use crate::{Outcome, UsageError};

pub use lookup::find_daemon_set;

/// Runs one command.
///
/// # Errors
/// Whatever the command reports; [`UsageError`] for bad combinations of arguments.
pub async fn dispatch(
    command: &Command,
    ctx: &Context,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    if ctx.output == crate::context::OutputFormat::Name
        && !matches!(command, Command::Pod(_) | Command::List(_))
    {
        return Err(usage(
            "unsupported output format \"name\" for this command (only `pod` and `list` print names)",
        ));
    }
    if ctx.sarif && !matches!(command, Command::Check(_)) {
        return Err(usage(
            "unsupported output format \"sarif\" for this command (only `check` prints SARIF)",
        ));
    }
    match command {
        Command::Pod(args) => pod::run(ctx, args, out).await,
        Command::Logs(args) => logs::run(ctx, args, out).await,
        Command::Exec(args) => exec::run(ctx, args, out).await,
        Command::Describe(args) => describe::run(ctx, args, out).await,
        Command::WhyMissing(args) => why_missing::run(ctx, args, out).await,
        Command::Rollout(RolloutCommand::Status(args)) => {
            rollout::status::run(ctx, args, out).await
        }
        Command::Rollout(RolloutCommand::History(args)) => {
            rollout::history::run(ctx, args, out).await
        }
        Command::Rollout(RolloutCommand::Undo(args)) => rollout::undo::run(ctx, args, out).await,
        Command::Rollout(RolloutCommand::Restart(args)) => {
            rollout::restart::run(ctx, args, out).await
        }
        Command::Replace(args) => replace::run(ctx, args, out).await,
        Command::List(args) => list::run(ctx, args, out).await,
        Command::Version => version::run(ctx, out),
        Command::Completion { shell } => {
            completion::run(*shell, out)?;
            Ok(Outcome::Success)
        }
        Command::Check(args) => check::run(ctx, args, out).await,
    }
}

/// The closest few of `candidates` to `wanted`, for "did you mean" hints.
pub fn suggest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|c| (strsim::jaro_winkler(wanted, c), c))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    let names: Vec<String> = scored
        .iter()
        .take(3)
        .map(|(_, c)| format!("{c:?}"))
        .collect();
    (!names.is_empty()).then(|| format!(" (did you mean {}?)", names.join(" or ")))
}

/// Builds a usage error (exit code 2).
pub fn usage(message: impl Into<String>) -> anyhow::Error {
    UsageError(message.into()).into()
}

/// Loads `--from-file` and prints the loader's warnings to stderr; the namespace to look in is
/// `-n`, or any (a saved dump has no "current namespace").
///
/// # Errors
/// When there are no files to load, or the loader fails.
pub fn offline_snapshot(ctx: &Context) -> anyhow::Result<(Snapshot, Option<String>)> {
    let Source::Files(paths) = &ctx.source else {
        anyhow::bail!("internal error: no files to load");
    };
    let loaded = crate::snapshot::load_paths(paths, &mut std::io::stdin().lock())?;
    for w in &loaded.warnings {
        eprintln!("warning: {}", crate::render::safe::Safe(w));
    }
    let ns = match &ctx.namespace {
        NamespaceScope::Explicit(ns) => Some(ns.clone()),
        NamespaceScope::Default | NamespaceScope::All => None,
    };
    Ok((loaded.snapshot, ns))
}

/// Connects to the cluster the global flags name (`--kubeconfig`, `--context`,
/// `--request-timeout`, `-v`).
///
/// # Errors
/// When the input is `--from-file`, or the connection cannot be set up.
pub async fn connect(ctx: &Context) -> anyhow::Result<crate::cluster::Cluster> {
    let Source::Live {
        kubeconfig,
        context,
    } = &ctx.source
    else {
        anyhow::bail!("internal error: no cluster to connect to with --from-file");
    };
    crate::cluster::connect(&crate::cluster::ConnectOptions {
        kubeconfig: kubeconfig.clone(),
        context: context.clone(),
        request_timeout: ctx.request_timeout,
        connect_limits: crate::cluster::transport::ConnectLimits::default(),
        verbose: ctx.verbose,
    })
    .await
}

/// The namespace a live command looks in: `-n`, else the kubeconfig context's; `None` with `-A`.
pub fn live_namespace(ctx: &Context, cluster: &crate::cluster::Cluster) -> Option<String> {
    match &ctx.namespace {
        NamespaceScope::Explicit(ns) => Some(ns.clone()),
        NamespaceScope::Default => Some(cluster.default_namespace().to_owned()),
        NamespaceScope::All => None,
    }
}

/// With `-v`, the number of API requests the command made (the request budget, visible).
pub fn log_request_count(ctx: &Context, cluster: &crate::cluster::Cluster) {
    if ctx.verbose {
        eprintln!("I {} API requests", cluster.request_count());
    }
}

/// The non-terminal pods on `nodes` (for the resource and host-port analysis of pending pods):
/// a field selector for one node, one paginated list of all running pods for several — so the
/// request count does not grow with the number of nodes.
///
/// # Errors
/// API failures.
pub async fn pods_on_nodes(
    cluster: &crate::cluster::Cluster,
    nodes: &[String],
) -> anyhow::Result<Vec<crate::model::Pod>> {
    Ok(match nodes {
        [] => Vec::new(),
        [one] => {
            cluster
                .list_pods(
                    None,
                    None,
                    Some(&crate::cluster::field_selector_for_node(one)),
                )
                .await?
        }
        _ => {
            let wanted: std::collections::HashSet<&str> =
                nodes.iter().map(String::as_str).collect();
            cluster
                .list_pods(
                    None,
                    None,
                    Some("status.phase!=Succeeded,status.phase!=Failed"),
                )
                .await?
                .into_iter()
                .filter(|p| wanted.contains(p.spec.node_name.as_str()))
                .collect()
        }
    })
}

/// Where the command's objects come from, for the input checks of [`crate::analysis::input`].
pub fn origin(ctx: &Context) -> crate::analysis::input::Origin {
    match ctx.source {
        Source::Files(_) => crate::analysis::input::Origin::Saved,
        Source::Live { .. } => crate::analysis::input::Origin::Live,
    }
}

/// Ends the command with an error when the input cannot answer questions about `ds` node by
/// node (no nodes, or a saved input without the pods its status counts): never a false
/// "healthy".
///
/// # Errors
/// The [`crate::analysis::input::InputGap`] found.
pub fn ensure_answerable(
    ctx: &Context,
    inv: &crate::analysis::Inventory,
    ds: &crate::model::DaemonSet,
) -> anyhow::Result<()> {
    crate::analysis::input::check_daemon_set(inv, ds, origin(ctx))?;
    Ok(())
}

/// `ctx` with each request bounded by `limit` too (a command's `--timeout`, 0 = none): no single
/// request, connecting and credentials included, may outlast the command's own limit.
pub(crate) fn with_requests_within(ctx: &Context, limit: std::time::Duration) -> Context {
    let mut bounded = ctx.clone();
    if !limit.is_zero() {
        bounded.request_timeout = Some(ctx.request_timeout.map_or(limit, |t| t.min(limit)));
    }
    bounded
}
