//! `replace`: replace a DaemonSet's pods node by node, in batches, stopping at the first failure.
//!
//! fetch (cluster) → plan (analysis) → delete with a uid precondition and wait for the controller's
//! replacement, batch by batch (runner) → report (render). Progress goes to stderr (a live view
//! on a terminal, one line per event otherwise); the report to stdout.

mod progress;
pub mod runner;

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use super::{find_daemon_set, offline_snapshot, suggest, usage};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::label_query::LabelQuery;
use crate::analysis::replace::{
    DryRun, MaxUnavailable, ReplaceReport, Request, RunStatus, Targets, plan,
};
use crate::cli::{DryRunArg, ReplaceArgs};
use crate::context::{Context, NamespaceScope, OutputFormat, Source};
use crate::model::{Node, Snapshot};
use crate::render;

pub use runner::{Interrupt, InterruptedBeforeStart, Options, Progress, Recorder};

/// The analysis request for the arguments.
///
/// # Errors
/// Usage errors: a bad `--max-unavailable` or selector, `--canary 0`, a negative grace period.
pub fn request_from_args(args: &ReplaceArgs) -> anyhow::Result<Request> {
    let max_unavailable = MaxUnavailable::parse(&args.max_unavailable).map_err(usage)?;
    let targets = if !args.nodes.is_empty() {
        Targets::Nodes(args.nodes.clone())
    } else if args.all_outdated {
        Targets::AllOutdated
    } else if let Some(sel) = &args.selector {
        Targets::Selector(LabelQuery::parse(sel).map_err(usage)?)
    } else {
        return Err(usage(
            "name the nodes: --node NODE, --all-outdated or -l SELECTOR",
        ));
    };
    if args.canary == Some(0) {
        return Err(usage("--canary must be at least 1"));
    }
    if args.grace_period.is_some_and(|g| g < 0) {
        return Err(usage("--grace-period must be 0 or more seconds"));
    }
    Ok(Request {
        targets,
        force: args.force,
        max_unavailable,
        canary: args.canary,
    })
}

/// The run options for the arguments.
pub fn options_from_args(args: &ReplaceArgs) -> Options {
    let mut opts = Options::new(match args.dry_run {
        DryRunArg::None => DryRun::None,
        DryRunArg::Client => DryRun::Client,
        DryRunArg::Server => DryRun::Server,
    });
    opts.grace_period = args.grace_period;
    opts.timeout = args.timeout;
    opts.pause = args.pause;
    opts
}

/// Every `--node` must exist (with "did you mean" hints otherwise).
///
/// # Errors
/// The first unknown node.
pub fn check_nodes(snapshot: &Snapshot, req: &Request) -> anyhow::Result<()> {
    if let Targets::Nodes(names) = &req.targets {
        for name in names {
            if snapshot.node(name).is_none() {
                let hint = suggest(name, snapshot.nodes.iter().map(Node::name)).unwrap_or_default();
                anyhow::bail!("node {name:?} not found{hint}");
            }
        }
    }
    Ok(())
}

/// Runs `replace`.
///
/// # Errors
/// Usage errors (exit 2), errors before anything was deleted, and API errors during the run
/// (exit 1, after the report).
pub async fn run(
    ctx: &Context,
    args: &ReplaceArgs,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let req = request_from_args(args)?;
    let opts = options_from_args(args);
    if ctx.namespace == NamespaceScope::All {
        return Err(usage(
            "replace works on one DaemonSet: use -n NAMESPACE instead of -A",
        ));
    }
    let report = match &ctx.source {
        Source::Files(_) => {
            if opts.dry_run != DryRun::Client {
                return Err(usage(
                    "replace deletes pods, which needs a live cluster: --from-file works only with --dry-run=client (to review the plan)",
                ));
            }
            let (snapshot, namespace) = offline_snapshot(ctx)?;
            let ctx = &ctx.for_snapshot(&snapshot);
            let ds = find_daemon_set(&snapshot, namespace.as_deref(), &args.daemonset)?;
            check_nodes(&snapshot, &req)?;
            let inv = Inventory::new(&snapshot);
            let plan = plan(&inv, ds, &req, ctx.now)?;
            ReplaceReport::from_plan(&plan, DryRun::Client, req.canary, ctx.now)
        }
        Source::Live { .. } => {
            // No request (connecting and credentials included) outlasts --timeout.
            let cluster = super::connect(&super::with_requests_within(ctx, args.timeout)).await?;
            let ns = match &ctx.namespace {
                NamespaceScope::Explicit(ns) => ns.clone(),
                _ => cluster.default_namespace().to_owned(),
            };
            let interrupt = Arc::new(Interrupt::new());
            let listener = Arc::clone(&interrupt);
            let signals = tokio::spawn(async move {
                while tokio::signal::ctrl_c().await.is_ok() {
                    listener.press();
                }
            });
            // Let the listener register before anything is deleted.
            tokio::task::yield_now().await;
            // From here the first Ctrl-C is ours (finish the batch); see `watch_interrupts`.
            let _owned = InterruptOwned::claim();
            let stderr = std::io::stderr();
            let mut sink: Box<dyn Progress> = if stderr.is_terminal() {
                Box::new(progress::Live::new(stderr, ctx.color))
            } else {
                Box::new(progress::Lines::new(stderr))
            };
            let result = runner::replace(
                &cluster,
                &ns,
                &args.daemonset,
                &req,
                &opts,
                &interrupt,
                sink.as_mut(),
            )
            .await;
            signals.abort();
            crate::commands::log_request_count(ctx, &cluster);
            match result {
                Ok(report) => report,
                Err(e) if e.is::<InterruptedBeforeStart>() => {
                    eprintln!("interrupted: nothing was deleted");
                    return Ok(Outcome::Interrupted);
                }
                Err(e) => return Err(e),
            }
        }
    };
    write(ctx, &report, out)?;
    match report.status {
        RunStatus::Error => {
            out.flush()?;
            Err(anyhow::anyhow!("{}", report.message))
        }
        status => Ok(match status.exit_code() {
            0 => Outcome::Success,
            130 => Outcome::Interrupted,
            _ => Outcome::No,
        }),
    }
}

fn write(ctx: &Context, report: &ReplaceReport, out: &mut dyn Write) -> anyhow::Result<()> {
    match ctx.output {
        OutputFormat::Json => render::json(out, report)?,
        OutputFormat::Yaml => render::yaml(out, report)?,
        OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name => {
            // A run already printed its warnings with its progress, on stderr.
            if report.dry_run != crate::analysis::replace::DryRun::None {
                crate::commands::why_missing::warn(&report.warnings);
            }
            render::replace::write_report(
                out,
                report,
                render::replace::View {
                    headers: ctx.headers,
                    color: ctx.color,
                    wide: ctx.output == OutputFormat::Wide,
                },
            )?
        }
    }
    Ok(())
}

/// Marks the first Ctrl-C as handled by `replace` while alive (see `crate::watch_interrupts`).
struct InterruptOwned;

impl InterruptOwned {
    fn claim() -> InterruptOwned {
        crate::COMMAND_HANDLES_INTERRUPT.store(true, std::sync::atomic::Ordering::SeqCst);
        InterruptOwned
    }
}

impl Drop for InterruptOwned {
    fn drop(&mut self) {
        crate::COMMAND_HANDLES_INTERRUPT.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}
