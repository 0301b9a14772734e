//! `list`: every DaemonSet with kubectl's columns and the nodes that need attention.

use std::io::Write;

use super::{offline_snapshot, usage};
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::label_query::LabelQuery;
use crate::analysis::overview::summarize;
use crate::cli::ListArgs;
use crate::cluster::Cluster;
use crate::context::{Context, OutputFormat, Source};
use crate::model::{DaemonSet, Snapshot};
use crate::render::safe::Safe;
use crate::render::{self, list::View};

/// Runs `list`: exit 3 when a listed DaemonSet has a node `Missing`, `Pending` or `Failing`.
///
/// # Errors
/// A selector that does not parse (usage), unreadable files, API failures.
pub async fn run(ctx: &Context, args: &ListArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    // Parsed up front, live too: a typo is a usage error before any request, not an API 400.
    let selector = args
        .selector
        .as_deref()
        .map(LabelQuery::parse)
        .transpose()
        .map_err(usage)?;
    let (snapshot, namespace) = match &ctx.source {
        Source::Files(_) => offline_snapshot(ctx)?,
        Source::Live { .. } => {
            let cluster = super::connect(ctx).await?;
            let namespace = super::live_namespace(ctx, &cluster);
            let snapshot = fetch(
                &cluster,
                namespace.as_deref(),
                selector.as_ref().map(LabelQuery::as_str),
            )
            .await?;
            super::log_request_count(ctx, &cluster);
            (snapshot, namespace)
        }
    };
    // Offline the selector is evaluated here; live the API server already did (again is harmless).
    let daemon_sets: Vec<&DaemonSet> = snapshot
        .daemon_sets
        .iter()
        .filter(|ds| {
            namespace
                .as_deref()
                .is_none_or(|ns| ds.metadata.namespace == ns)
        })
        .filter(|ds| {
            selector
                .as_ref()
                .is_none_or(|s| s.matches(&ds.metadata.labels))
        })
        .collect();
    let inv = Inventory::new(&snapshot);
    crate::analysis::input::check_cluster(&inv, daemon_sets.iter().copied(), super::origin(ctx))?;
    let ctx = &ctx.for_snapshot(&snapshot);
    let list = summarize(&inv, &daemon_sets, ctx.now);
    match ctx.output {
        // kubectl prints an empty List document for json/yaml, and nothing for -o name.
        OutputFormat::Json => render::json(out, &list)?,
        OutputFormat::Yaml => render::yaml(out, &list)?,
        OutputFormat::Name => render::list::write_names(out, &list)?,
        OutputFormat::Table | OutputFormat::Wide => {
            if list.items.is_empty() {
                // kubectl's words, on stderr, exit 0.
                match &namespace {
                    Some(ns) => eprintln!("No resources found in {} namespace.", Safe(ns)),
                    None => eprintln!("No resources found"),
                }
            }
            let view = View {
                wide: ctx.output == OutputFormat::Wide,
                namespaces: namespace.is_none(),
                headers: ctx.headers,
                color: ctx.color,
                width: ctx.width,
            };
            let dropped = render::list::write_table(out, &list, view)?;
            // Never silently: say which columns a narrow terminal cost, and how to see them.
            if let Some(note) = ctx
                .width
                .and_then(|w| render::pod::dropped_note(&dropped, w))
            {
                out.flush()?;
                eprintln!("{note}");
            }
            // As kubectl's warnings: on stderr, so the table stays clean for scripts.
            for item in &list.items {
                for w in &item.warnings {
                    eprintln!(
                        "warning: {}",
                        Safe(&format!("{}/{}: {w}", item.namespace, item.name))
                    );
                }
            }
        }
    }
    Ok(if list.has_problems() {
        Outcome::No
    } else {
        Outcome::Success
    })
}

/// Four lists plus pagination, whatever the cluster's size: DaemonSets (filtered by
/// `label_selector`), nodes, pods and ControllerRevisions, each of `ns` or of every namespace
/// (`None`). Nothing more when no DaemonSet matches. No events: the verdicts counted do not
/// depend on them (events only explain).
///
/// # Errors
/// API failures.
pub async fn fetch(
    cluster: &Cluster,
    ns: Option<&str>,
    label_selector: Option<&str>,
) -> anyhow::Result<Snapshot> {
    let daemon_sets = cluster
        .list_daemon_sets_selected(ns, label_selector)
        .await?;
    if daemon_sets.is_empty() {
        return Ok(Snapshot::default());
    }
    let nodes = cluster.list_nodes().await?;
    let pods = cluster.list_pods(ns, None, None).await?;
    let revisions = match ns {
        Some(ns) => cluster.list_revisions(ns, None).await?,
        None => cluster.list_revisions_all().await?,
    };
    Ok(Snapshot {
        nodes,
        pods,
        daemon_sets,
        revisions,
        events: Vec::new(),
    })
}
