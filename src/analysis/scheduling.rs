//! Why a DaemonSet pod that exists is not bound to its node: the scheduler's filters recomputed
//! from the objects, with the scheduler's own `FailedScheduling` words quoted as evidence.

use jiff::Timestamp;

use super::inventory::Inventory;
use super::node_affinity::node_selector_mismatches;
use std::collections::BTreeMap;

use super::resources::{RequestPart, RequestParts, port_conflicts, shortfalls};
use super::taints::{format_taint, untolerated_taints};
use super::verdict::{Detail, EventRef, Reason, TaintRef};
use crate::model::{Node, Pod, format_quantity};

/// Reasons a pending pod does not fit `node`, most specific first.
pub fn pending_reasons(inv: &Inventory, pod: &Pod, node: &Node, now: Timestamp) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if !pod.spec.scheduling_gates.is_empty() {
        let gates: Vec<String> = pod
            .spec
            .scheduling_gates
            .iter()
            .map(|g| g.name.clone())
            .collect();
        reasons.push(
            Reason::new(
                Detail::SchedulingGated {
                    gates: gates.clone(),
                },
                format!("the pod waits for scheduling gates: {}", gates.join(", ")),
            )
            .with_hint("the controller that added the gates removes them; check it is running"),
        );
    }
    let others: Vec<&Pod> = inv
        .pods_bound_to(node.name())
        .iter()
        .filter(|p| p.metadata.uid != pod.metadata.uid || p.metadata.name != pod.metadata.name)
        .copied()
        .collect();
    for s in shortfalls(&pod.spec, node, &others) {
        let (requested, available, allocatable) = (
            format_quantity(&s.resource, s.requested),
            format_quantity(&s.resource, s.available.max(0)),
            format_quantity(&s.resource, s.allocatable),
        );
        let parts = s.parts.parts();
        let split = matches!(
            parts.as_slice(),
            [_, _, ..]
                | [(
                    RequestPart::PodLevel | RequestPart::InitContainers | RequestPart::Overhead,
                    _
                )]
        );
        let requested_parts: BTreeMap<&'static str, String> = if split {
            parts
                .iter()
                .map(|(part, v)| (part.as_str(), format_quantity(&s.resource, *v)))
                .collect()
        } else {
            BTreeMap::new()
        };
        // "260m cpu (containers 10m + overhead 250m)": the figure, then what adds up to it.
        let figure = if split && s.resource != "pods" {
            let list: Vec<String> = parts
                .iter()
                .map(|(part, v)| {
                    format!("{} {}", part_words(*part), format_quantity(&s.resource, *v))
                })
                .collect();
            format!("{requested} {} ({})", s.resource, list.join(" + "))
        } else {
            format!("{requested} {}", s.resource)
        };
        let message = if s.resource == "pods" {
            let n = others.len();
            format!(
                "the node already runs {n} {}, its limit (allocatable pods {allocatable})",
                if n == 1 { "pod" } else { "pods" }
            )
        } else if s.exceeds_node {
            format!(
                "the pod requests {figure} but the node has only {allocatable} allocatable in total"
            )
        } else {
            format!("the pod requests {figure}; only {available} of {allocatable} is free")
        };
        let holders: Vec<String> = s
            .top_consumers
            .iter()
            .map(|(name, _)| name.clone())
            .collect();
        let lower = lower_hint(pod, &s.resource, &requested, &s.parts);
        let hint = if s.resource == "pods" {
            let named = match holders.as_slice() {
                [] => String::new(),
                [a] => format!(" ({a})"),
                [a, b] => format!(" ({a}, {b})"),
                [a, b, c] => format!(" ({a}, {b}, {c})"),
                [a, b, c, rest @ ..] => format!(" ({a}, {b}, {c} and {} more)", rest.len()),
            };
            format!(
                "the node runs as many pods as its kubelet allows (--max-pods); move pods off it{named}, or give the DaemonSet a priorityClassName such as system-node-critical so it can preempt one"
            )
        } else if s.exceeds_node {
            format!("{lower}, or exclude this node")
        } else if holders.is_empty() {
            if s.parts.largest() == RequestPart::Containers {
                format!("free {} on the node or lower the request", s.resource)
            } else {
                format!("free {} on the node, or {lower}", s.resource)
            }
        } else {
            let list: Vec<String> = s
                .top_consumers
                .iter()
                .map(|(name, amount)| format!("{name} ({})", format_quantity(&s.resource, *amount)))
                .collect();
            let mut hint = format!(
                "pods holding the most {}: {}; or give the DaemonSet a priorityClassName such as system-node-critical so it can preempt them",
                s.resource,
                list.join(", ")
            );
            if s.parts.largest() != RequestPart::Containers {
                hint.push_str(&format!("; or {lower}"));
            }
            hint
        };
        reasons.push(
            Reason::new(
                Detail::InsufficientResource {
                    resource: s.resource.clone(),
                    requested,
                    available,
                    allocatable,
                    holders,
                    requested_parts,
                },
                message,
            )
            .with_hint(hint),
        );
    }
    for (port, holder) in port_conflicts(&pod.spec, &others) {
        let holder_key = holder.metadata.key();
        reasons.push(
            Reason::new(
                Detail::HostPortConflict {
                    port: port.port,
                    protocol: port.protocol.clone(),
                    conflicting_pod: holder_key.clone(),
                },
                format!(
                    "host port {}/{} is already taken by {holder_key}",
                    port.port, port.protocol
                ),
            )
            .with_hint(format!(
                "change the hostPort of one of them, or move {holder_key} off the node"
            )),
        );
    }
    for taint in untolerated_taints(&node.spec.taints, &pod.spec.tolerations) {
        reasons.push(Reason::new(
            Detail::UntoleratedTaint { taint: TaintRef::from(taint) },
            format!("the pod does not tolerate the taint {} that the node got after the pod was created", format_taint(taint)),
        ));
    }
    for m in node_selector_mismatches(&pod.spec.node_selector, node) {
        reasons.push(Reason::new(
            Detail::NodeSelectorMismatch {
                key: m.key.clone(),
                expected: m.expected.clone(),
                actual: m.actual.clone(),
            },
            format!(
                "the pod's nodeSelector {}={} no longer matches the node",
                m.key, m.expected
            ),
        ));
    }
    if let Some(evidence) = scheduler_evidence(inv, pod, now) {
        reasons.push(evidence);
    }
    if reasons.is_empty() {
        let scheduler = pod
            .spec
            .scheduler_name
            .clone()
            .unwrap_or_else(|| "default-scheduler".to_owned());
        reasons.push(
            Reason::new(
                Detail::WaitingForScheduler {
                    scheduler_name: scheduler.clone(),
                },
                format!("the pod is not bound yet and {scheduler} has reported nothing about it"),
            )
            .with_hint(format!("check that the scheduler {scheduler:?} is running")),
        );
    }
    reasons
}

/// A request part as a message names it.
fn part_words(part: RequestPart) -> &'static str {
    match part {
        RequestPart::Containers => "containers",
        RequestPart::InitContainers => "init containers",
        RequestPart::PodLevel => "pod-level",
        RequestPart::Overhead => "overhead",
    }
}

/// What to lower, aimed at the part of the request that weighs most.
fn lower_hint(pod: &Pod, resource: &str, requested: &str, parts: &RequestParts) -> String {
    match parts.largest() {
        RequestPart::Containers => {
            format!("lower the {resource} request in the DaemonSet template")
        }
        RequestPart::InitContainers => format!(
            "lower the {resource} request of the init containers or sidecars (spec.template.spec.initContainers)"
        ),
        RequestPart::PodLevel => {
            format!("lower the pod-level request spec.template.spec.resources.requests.{resource}")
        }
        RequestPart::Overhead => {
            let overhead = format_quantity(resource, parts.overhead);
            match &pod.spec.runtime_class_name {
                Some(class) => format!(
                    "RuntimeClass {class} adds {overhead} of the {requested} {resource} as overhead: choose a RuntimeClass with less overhead (spec.template.spec.runtimeClassName) or lower its overhead.podFixed"
                ),
                None => format!(
                    "pod overhead (spec.overhead, from the RuntimeClass) is {overhead} of the {requested} {resource}: choose a RuntimeClass with less overhead"
                ),
            }
        }
    }
}

/// The scheduler's latest word on the pod: its `FailedScheduling` event, else its
/// `PodScheduled=False` condition, reduced to the parts about the target node.
fn scheduler_evidence(inv: &Inventory, pod: &Pod, now: Timestamp) -> Option<Reason> {
    let event = inv
        .latest_event(
            "Pod",
            &pod.metadata.namespace,
            &pod.metadata.name,
            "FailedScheduling",
        )
        .map(EventRef::from)
        .or_else(|| {
            let c = pod
                .condition("PodScheduled")
                .filter(|c| c.status == "False")?;
            Some(EventRef {
                reason: "FailedScheduling".to_owned(),
                message: c.message.clone()?,
                type_: "Warning".to_owned(),
                count: 1,
                last_seen: c.last_transition_time,
                last_timestamp: c.last_transition_time,
            })
        })?;
    let about_node = target_node_reasons(&event.message);
    let summary = match &about_node {
        Some(list) if !list.is_empty() => list.join(", "),
        _ => event.message.clone(),
    };
    let when = event
        .last_seen
        .map(|t| {
            format!(
                ", {} ago",
                super::age::human_duration(now.duration_since(t))
            )
        })
        .unwrap_or_default();
    Some(
        Reason::new(
            Detail::FailedScheduling {
                event: event.clone(),
            },
            format!("scheduler: {summary} (x{})", event.count),
        )
        .with_elapsed(format!("scheduler: {summary} (x{}{when})", event.count)),
    )
}

/// Splits a `0/N nodes are available: …` message into its per-node reasons and drops the
/// bucket that only says the other N−1 nodes are not the pod's target.
pub fn target_node_reasons(message: &str) -> Option<Vec<String>> {
    let rest = message.strip_prefix("0/")?;
    let (total, rest) = rest.split_once(" nodes are available: ")?;
    let total: i64 = total.parse().ok()?;
    // The body ends at the first ". " (the post-filter part follows) or at the final ".".
    let body = rest.split(". ").next()?.trim_end_matches('.');
    let mut out = Vec::new();
    for entry in body.split(", ") {
        let Some((count, reason)) = entry.split_once(' ') else {
            out.push(entry.to_owned());
            continue;
        };
        let Ok(count) = count.parse::<i64>() else {
            out.push(entry.to_owned());
            continue;
        };
        let other_nodes = reason.contains("didn't satisfy plugin(s) [NodeAffinity]")
            || reason.contains("filtered out by the prefilter result")
            || (reason.contains("didn't match Pod's node affinity/selector") && count == total - 1);
        if !other_nodes {
            out.push(reason.to_owned());
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_target_nodes_reasons() {
        let m = "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.";
        assert_eq!(target_node_reasons(m).unwrap(), vec!["Insufficient cpu"]);
        let m = "0/10 nodes are available: 1 Too many pods, 9 node(s) didn't satisfy plugin(s) [NodeAffinity].";
        assert_eq!(target_node_reasons(m).unwrap(), vec!["Too many pods"]);
        let m = "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) didn't match Pod's node affinity/selector.";
        assert_eq!(
            target_node_reasons(m).unwrap(),
            vec!["node(s) didn't have free ports for the requested pod ports"]
        );
        assert_eq!(target_node_reasons("something else"), None);
    }
}
