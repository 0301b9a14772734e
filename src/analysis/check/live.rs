//! Rules that need the cluster: nodes, the DaemonSet's pods and its ControllerRevisions.

use jiff::SignedDuration;

use super::{CheckInput, Findings, budget_text, is_positive, scaled};
use crate::analysis::age::human_duration;
use crate::analysis::node_affinity::{match_required_affinity, node_selector_mismatches};
use crate::analysis::revision::current_revision;
use crate::model::{DaemonSet, IntOrString, Node, Pod};

const SPEC: &str = "spec.template.spec";

/// Runs the live rules (the caller made sure the input has nodes).
pub(super) fn run(ds: &DaemonSet, input: &CheckInput<'_>, f: &mut Findings<'_>) {
    matches_no_node(ds, input, f);
    let inv = input.inventory;
    let pods: Vec<&Pod> = inv
        .daemon_set_pods(ds)
        .into_iter()
        .filter(|p| !p.is_terminating() && !p.is_terminal())
        .collect();
    let revisions = inv.daemon_set_revisions(ds);
    let current = current_revision(ds, &revisions, &pods);
    let namespace = &ds.metadata.namespace;
    let name = &ds.metadata.name;

    // DS206: restarts of pods that run the current template.
    if f.enabled("DS206") {
        match &current.hash {
            None => f.skip(
                "DS206",
                "the current revision is unknown (no matching ControllerRevision in the input)",
            ),
            Some(hash) => {
                let threshold = input.options.restart_threshold;
                let on_current: Vec<&Pod> = pods
                    .iter()
                    .copied()
                    .filter(|p| current.is_current(p) == Some(true))
                    .collect();
                let mut restarting: Vec<(&Pod, &str, i32)> = on_current
                    .iter()
                    .filter_map(|p| {
                        let worst = p
                            .status
                            .container_statuses
                            .iter()
                            .chain(&p.status.init_container_statuses)
                            .max_by_key(|c| c.restart_count)?;
                        (worst.restart_count >= threshold).then_some((
                            *p,
                            worst.name.as_str(),
                            worst.restart_count,
                        ))
                    })
                    .collect();
                restarting.sort_by(|a, b| {
                    b.2.cmp(&a.2)
                        .then_with(|| a.0.metadata.name.cmp(&b.0.metadata.name))
                });
                if let Some((pod, container, count)) = restarting.first() {
                    let node = pod.spec.node_name.as_str();
                    f.push(
                        "DS206",
                        "spec.template",
                        format!(
                            "{} of {} pods of the current revision {hash} restarted {threshold} times or more since spec.template last changed (most: {} on {}, container {container:?}, {count} restarts)",
                            restarting.len(),
                            on_current.len(),
                            pod.metadata.name,
                            if node.is_empty() { "<no node>" } else { node },
                        ),
                        format!(
                            "read why it exits: kubectl ds logs {name} -n {namespace} --node {node} -c {container} --previous\nif the new template is at fault: kubectl ds rollout undo {name} -n {namespace}"
                        ),
                    );
                }
            }
        }
    }

    // DS403: how long a rollout takes at this budget.
    if f.enabled("DS403") && ds.strategy() == "RollingUpdate" {
        slow_rollout(ds, input, &pods, f);
    }

    // DS404: OnDelete pods left on an old revision.
    if f.enabled("DS404") && ds.strategy() == "OnDelete" {
        let Some(hash) = &current.hash else {
            f.skip(
                "DS404",
                "the current revision is unknown (no matching ControllerRevision in the input)",
            );
            return;
        };
        let created = revisions
            .iter()
            .find(|r| r.hash() == hash)
            .and_then(|r| r.metadata.creation_timestamp);
        let Some(created) = created else {
            f.skip(
                "DS404",
                format!("the creation time of revision {hash} is unknown"),
            );
            return;
        };
        let outdated = pods
            .iter()
            .filter(|p| current.is_current(p) == Some(false))
            .count();
        let age = input.now.as_second().saturating_sub(created.as_second());
        let max = input.options.max_outdated_seconds;
        if outdated > 0 && age > max {
            f.push(
                "DS404",
                "status.updatedNumberScheduled",
                format!(
                    "status.updatedNumberScheduled: {outdated} of {} pods still run an older revision than {hash}, current for {} (more than --max-outdated-age {}); with OnDelete nothing replaces them until they are deleted",
                    pods.len(),
                    human_duration(SignedDuration::from_secs(age)),
                    human_duration(SignedDuration::from_secs(max)),
                ),
                format!(
                    "kubectl ds replace {name} -n {namespace} --all-outdated --canary 1   # then again without --canary"
                ),
            );
        }
    }
}

/// True when the template's nodeName, nodeSelector and required affinity all accept `node`.
fn accepts(ds: &DaemonSet, node: &Node) -> bool {
    let spec = &ds.spec.template.spec;
    (spec.node_name.is_empty() || spec.node_name == node.name())
        && node_selector_mismatches(&spec.node_selector, node).is_empty()
        && spec
            .required_node_affinity()
            .is_none_or(|a| match_required_affinity(a, node).is_ok())
}

/// DS102.
fn matches_no_node(ds: &DaemonSet, input: &CheckInput<'_>, f: &mut Findings<'_>) {
    let nodes = &input.inventory.snapshot.nodes;
    if nodes.is_empty() || ds.status.desired_number_scheduled > 0 {
        return;
    }
    if nodes.iter().any(|n| accepts(ds, n)) {
        return;
    }
    let spec = &ds.spec.template.spec;
    let count = nodes.len();
    let (path, what, fix) = if !spec.node_name.is_empty()
        && nodes.iter().all(|n| n.name() != spec.node_name)
    {
        (
            format!("{SPEC}.nodeName"),
            format!("names node {:?}, which does not exist", spec.node_name),
            format!("remove {SPEC}.nodeName (a DaemonSet runs on every matching node)"),
        )
    } else if !spec.node_selector.is_empty()
        && nodes
            .iter()
            .all(|n| !node_selector_mismatches(&spec.node_selector, n).is_empty())
    {
        let pairs: Vec<String> = spec
            .node_selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let keys: Vec<&str> = spec.node_selector.keys().map(String::as_str).collect();
        (
            format!("{SPEC}.nodeSelector"),
            format!("({}) matches no node", pairs.join(", ")),
            format!(
                "see the nodes' values: kubectl get nodes -L {}\nthen fix the selector, or label the nodes meant to run it: kubectl label node NODE {}",
                keys.join(","),
                pairs.join(" ")
            ),
        )
    } else {
        (
            format!("{SPEC}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
            "matches no node (with the nodeSelector, if any)".to_owned(),
            "compare with the nodes' labels: kubectl get nodes --show-labels".to_owned(),
        )
    };
    f.push(
        "DS102",
        path.clone(),
        format!("{path} {what} among the {count} nodes: the DaemonSet runs nowhere (desired 0)"),
        fix,
    );
}

/// Seconds from a pod's creation to its Ready condition, for pods that are Ready.
fn start_to_ready(pod: &Pod) -> Option<i64> {
    let created = pod.metadata.creation_timestamp?;
    let ready = pod.condition("Ready").filter(|c| c.status == "True")?;
    let at = ready.last_transition_time?;
    let secs = at.as_second().checked_sub(created.as_second())?;
    (secs >= 0).then_some(secs)
}

/// DS403.
fn slow_rollout(ds: &DaemonSet, input: &CheckInput<'_>, pods: &[&Pod], f: &mut Findings<'_>) {
    let desired = ds.status.desired_number_scheduled;
    if desired <= 0 {
        return;
    }
    let ru = ds.spec.update_strategy.rolling_update.as_ref();
    let surge = ru
        .and_then(|r| r.max_surge.as_ref())
        .filter(|s| is_positive(s));
    let default_unavailable = IntOrString::Int(1);
    let (field, value) = match surge {
        Some(s) => ("maxSurge", s),
        None => (
            "maxUnavailable",
            ru.and_then(|r| r.max_unavailable.as_ref())
                .unwrap_or(&default_unavailable),
        ),
    };
    let Some(budget) = scaled(value, desired).filter(|b| *b > 0) else {
        return;
    };
    let batches = desired.div_euclid(budget) + i64::from(desired % budget != 0);
    let mut times: Vec<i64> = pods.iter().filter_map(|p| start_to_ready(p)).collect();
    if times.is_empty() {
        f.skip("DS403", "no Ready pod of the DaemonSet to time");
        return;
    }
    times.sort_unstable();
    let median = times[times.len() / 2];
    let per_batch = median
        .saturating_add(ds.spec.min_ready_seconds.max(0))
        .max(1);
    let estimate = batches.saturating_mul(per_batch);
    let max = input.options.max_rollout_seconds;
    if estimate <= max {
        return;
    }
    let allowed_batches = (max / per_batch).max(1);
    let needed = desired.div_euclid(allowed_batches) + i64::from(desired % allowed_batches != 0);
    let percent = (needed.saturating_mul(100).saturating_add(desired - 1) / desired).clamp(1, 100);
    let path = format!("spec.updateStrategy.rollingUpdate.{field}");
    let show = |s: i64| human_duration(SignedDuration::from_secs(s));
    f.push(
        "DS403",
        path.clone(),
        format!(
            "{path} {} on {desired} nodes makes {batches} batches; at the pods' median creation-to-Ready time of {} (plus minReadySeconds {}) a rollout takes about {}, more than --max-rollout-duration {}",
            budget_text(value),
            show(median),
            ds.spec.min_ready_seconds,
            show(estimate),
            show(max),
        ),
        if percent >= 100 {
            format!(
                "no budget short of 100% (every pod at once) fits: make the pods Ready sooner, or accept a longer rollout with --max-rollout-duration {}",
                show(estimate)
            )
        } else {
            format!(
                "a budget that fits:\n  spec:\n    updateStrategy:\n      rollingUpdate:\n        {field}: {percent}%   # about {} per rollout",
                show((desired.div_euclid(needed) + i64::from(desired % needed != 0)).saturating_mul(per_batch))
            )
        },
    );
}
