//! `logs`: the logs of the DaemonSet's pod on a node, streamed through the API
//! (`pods/{name}/log`); with several nodes, each line prefixed as `kubectl logs --prefix` does.
//! With `--from-file DIR`, read from a `kubectl cluster-info dump` directory instead ([`dump`]).

mod dump;

use std::cell::RefCell;
use std::io::Write;

use futures::StreamExt;

use super::pod::{Loaded, find_node, load, no_pod_message};
use super::usage;
use crate::Outcome;
use crate::analysis::Inventory;
use crate::analysis::label_query::LabelQuery;
use crate::analysis::pods::{check_container, default_container, pod_on_node};
use crate::analysis::why_missing::DaemonSetState;
use crate::cli::LogsArgs;
use crate::cluster::Cluster;
use crate::cluster::pods::LogOptions;
use crate::context::{Context, Source};
use crate::model::{Node, Pod};
use crate::render::safe::Safe;
use std::path::PathBuf;

/// One log stream to read.
struct Target<'a> {
    node: &'a str,
    pod: &'a Pod,
}

/// The container to read: `-c`, else the pod's default (its annotation, read from the pod).
pub(crate) async fn container_for(
    cluster: &Cluster,
    pod: &Pod,
    wanted: Option<&str>,
) -> anyhow::Result<String> {
    if let Some(c) = wanted {
        check_container(&pod.spec, &pod.metadata.name, c).map_err(anyhow::Error::msg)?;
        return Ok(c.to_owned());
    }
    let annotations = cluster
        .get_pod_annotations(&pod.metadata.namespace, &pod.metadata.name)
        .await?
        .unwrap_or_default();
    let chosen = default_container(&pod.spec, &annotations)
        .ok_or_else(|| anyhow::anyhow!("pod {} has no containers", pod.metadata.name))?;
    if let Some(note) = &chosen.note {
        eprintln!("{}", Safe(note));
    }
    Ok(chosen.name)
}

/// Runs `logs`.
///
/// # Errors
/// Usage errors, unknown DaemonSet or node, API failures.
pub async fn run(ctx: &Context, args: &LogsArgs, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    if let Source::Files(paths) = &ctx.source {
        check_offline(args, paths)?;
    }
    let selector = args
        .selector
        .as_deref()
        .map(LabelQuery::parse)
        .transpose()
        .map_err(usage)?;
    if args.max_log_requests == 0 {
        return Err(usage("--max-log-requests must be at least 1"));
    }
    let Loaded {
        snapshot,
        namespace,
        cluster,
    } = load(ctx, &args.daemonset).await?;
    let ds = super::find_daemon_set(&snapshot, namespace.as_deref(), &args.daemonset)?;
    let inv = Inventory::new(&snapshot);
    let state = DaemonSetState::new(&inv, ds);
    let many = args.all_nodes || selector.is_some() || args.nodes.len() > 1;
    let nodes: Vec<&Node> = if !args.nodes.is_empty() {
        args.nodes
            .iter()
            .map(|n| find_node(&snapshot, n))
            .collect::<anyhow::Result<_>>()?
    } else {
        let mut all: Vec<&Node> = snapshot
            .nodes
            .iter()
            .filter(|n| {
                selector
                    .as_ref()
                    .is_none_or(|s| s.matches(&n.metadata.labels))
            })
            .collect();
        all.sort_by(|a, b| a.name().cmp(b.name()));
        all
    };
    let mut targets: Vec<Target> = Vec::new();
    let mut missing = 0;
    for node in &nodes {
        match pod_on_node(&inv, ds, node.name()) {
            Some(pod) => targets.push(Target {
                node: node.name(),
                pod,
            }),
            None if !args.nodes.is_empty() => {
                eprintln!("{}", no_pod_message(&inv, &state, ds, node, ctx));
                missing += 1;
            }
            None => {}
        }
    }
    if targets.is_empty() {
        if missing > 0 {
            return Ok(Outcome::No);
        }
        anyhow::bail!("no pod of daemonset {} on the selected nodes", ds.key());
    }
    if let Source::Files(paths) = &ctx.source {
        return from_dump(paths, &targets, args, many, missing, out);
    }
    let Some(cluster) = cluster else {
        anyhow::bail!("internal error: no cluster");
    };
    if args.follow && targets.len() > args.max_log_requests {
        return Err(usage(format!(
            "you are attempting to follow {} log streams, but the maximum is {}; use --max-log-requests to raise it",
            targets.len(),
            args.max_log_requests
        )));
    }
    let options = |container: String| LogOptions {
        container: Some(container),
        follow: args.follow,
        previous: args.previous,
        since_seconds: args
            .since
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX).max(1)),
        tail_lines: (args.tail >= 0).then_some(args.tail),
        timestamps: args.timestamps,
    };
    let out = RefCell::new(out);
    let failures = RefCell::new(0usize);
    let cluster = &cluster;
    let run_one = |(node, pod)| {
        let out = &out;
        let failures = &failures;
        async move {
            let result: anyhow::Result<()> = async {
                let container = container_for(cluster, pod, args.container.as_deref()).await?;
                let prefix = many.then(|| line_prefix(node, &pod.metadata.name, &container));
                let mut stream = cluster
                    .pod_logs(
                        &pod.metadata.namespace,
                        &pod.metadata.name,
                        &options(container),
                    )
                    .await?;
                let mut pending: Vec<u8> = Vec::new();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk?;
                    match &prefix {
                        None => {
                            let mut w = out.borrow_mut();
                            w.write_all(&chunk)?;
                            if args.follow {
                                w.flush()?;
                            }
                        }
                        Some(p) => {
                            pending.extend_from_slice(&chunk);
                            let Some(last) = pending.iter().rposition(|b| *b == b'\n') else {
                                continue;
                            };
                            let complete: Vec<u8> = pending.drain(..=last).collect();
                            let mut w = out.borrow_mut();
                            write_prefixed(&mut **w, p, &complete)?;
                            if args.follow {
                                w.flush()?;
                            }
                        }
                    }
                }
                if let Some(p) = &prefix {
                    write_prefixed(&mut **out.borrow_mut(), p, &pending)?;
                }
                Ok(())
            }
            .await;
            if let Err(e) = result {
                if !many {
                    return Err(e);
                }
                if crate::is_broken_pipe(&e) {
                    return Err(e);
                }
                eprintln!("error: {}", Safe(&format!("node {node}: {e:#}")));
                *failures.borrow_mut() += 1;
            }
            Ok(())
        }
    };
    let results: Vec<anyhow::Result<()>> =
        futures::stream::iter(targets.iter().map(|t| (t.node, t.pod)))
            .map(|(node, pod)| run_one((node, pod)))
            .buffer_unordered(args.max_log_requests)
            .collect()
            .await;
    for r in results {
        r?;
    }
    out.borrow_mut().flush()?;
    let failed = *failures.borrow();
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} log streams failed (see above)",
            targets.len()
        );
    }
    Ok(if missing > 0 {
        Outcome::No
    } else {
        Outcome::Success
    })
}

/// Offline logs need a dump directory, and refuse the flags a dump cannot honour: it holds the
/// current logs once, without timestamps.
fn check_offline(args: &LogsArgs, paths: &[PathBuf]) -> anyhow::Result<()> {
    if !paths.iter().any(|p| p.is_dir()) {
        return Err(usage(
            "logs needs a live cluster or the directory of a `kubectl cluster-info dump --output-directory DIR` (--from-file DIR): a saved file has no container logs",
        ));
    }
    let refused = [
        (args.follow, "--follow", "a dump does not grow"),
        (
            args.previous,
            "--previous",
            "a dump holds only the current containers' logs",
        ),
        (
            args.since.is_some(),
            "--since",
            "a dump's logs have no timestamps",
        ),
        (
            args.timestamps,
            "--timestamps",
            "a dump's logs have no timestamps",
        ),
    ];
    match refused.iter().find(|(given, _, _)| *given) {
        Some((_, flag, why)) => Err(usage(format!(
            "{flag} needs a live cluster: {why} (--from-file)"
        ))),
        None => Ok(()),
    }
}

/// The prefix of every line when several pods are read, as `kubectl logs --prefix` writes it.
/// The prefix is ours and names from the cluster, so it is escaped; the log line after it is
/// data and stays raw, as kubectl prints it.
fn line_prefix(node: &str, pod: &str, container: &str) -> String {
    format!(
        "[node/{} pod/{}/{}] ",
        Safe(node),
        Safe(pod),
        Safe(container)
    )
}

/// Writes each line of `text` after `prefix`; a last line without a newline gets one.
fn write_prefixed(out: &mut dyn Write, prefix: &str, text: &[u8]) -> std::io::Result<()> {
    for line in text.split_inclusive(|b| *b == b'\n') {
        out.write_all(prefix.as_bytes())?;
        out.write_all(line)?;
        if !line.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// `logs --from-file DIR`: each target's container section of `DIR/NS/POD/logs.txt`, `--tail`
/// applied here, prefixed as live when there are several nodes.
fn from_dump(
    paths: &[PathBuf],
    targets: &[Target],
    args: &LogsArgs,
    many: bool,
    missing: usize,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let mut failed = 0;
    for target in targets {
        let pod = target.pod;
        let (ns, name) = (&pod.metadata.namespace, &pod.metadata.name);
        let result = (|| -> anyhow::Result<()> {
            let container = match args.container.as_deref() {
                Some(c) => {
                    check_container(&pod.spec, name, c).map_err(anyhow::Error::msg)?;
                    c.to_owned()
                }
                None => {
                    // Bulk pods keep no annotations: the default-container annotation is not
                    // known offline, so the default is the first container.
                    let chosen = default_container(&pod.spec, &Default::default())
                        .ok_or_else(|| anyhow::anyhow!("pod {name} has no containers"))?;
                    if let Some(note) = &chosen.note {
                        eprintln!("{}", Safe(note));
                    }
                    chosen.name
                }
            };
            let text = dump::read(&dump::log_file(paths, ns, name)?)?;
            let logs = dump::tail(
                dump::container_logs(&text, ns, name, &container)?,
                args.tail,
            );
            if !many {
                return Ok(out.write_all(logs.as_bytes())?);
            }
            let prefix = line_prefix(target.node, name, &container);
            Ok(write_prefixed(out, &prefix, logs.as_bytes())?)
        })();
        if let Err(e) = result {
            if !many || crate::is_broken_pipe(&e) {
                return Err(e);
            }
            eprintln!("error: {}", Safe(&format!("node {}: {e:#}", target.node)));
            failed += 1;
        }
    }
    out.flush()?;
    if failed > 0 {
        anyhow::bail!("{failed} of {} pod logs failed (see above)", targets.len());
    }
    Ok(if missing > 0 {
        Outcome::No
    } else {
        Outcome::Success
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_gets_the_prefix_and_a_last_line_its_newline() {
        let prefix = line_prefix("n1", "agent-x", "agent");
        assert_eq!(prefix, "[node/n1 pod/agent-x/agent] ");
        let mut out = Vec::new();
        write_prefixed(&mut out, &prefix, b"one\ntwo\nthree").unwrap();
        write_prefixed(&mut out, &prefix, b"").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "[node/n1 pod/agent-x/agent] one\n[node/n1 pod/agent-x/agent] two\n[node/n1 pod/agent-x/agent] three\n"
        );
    }
}
