//! The DaemonSet controller's per-node decision (`NodeShouldRunDaemonPod`), with the reasons.

use super::node_affinity::{match_required_affinity, node_selector_mismatches};
use super::taints::{daemon_pod_tolerations, format_taint, toleration_yaml, untolerated_taints};
use super::verdict::{Detail, Reason, TaintRef};
use crate::model::{DaemonSet, Node, Taint, Toleration};

/// The controller's two answers for one node, and every reason that makes them false.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligibility {
    /// A pod should be created here if none exists.
    pub should_run: bool,
    /// An existing pod may stay.
    pub should_continue: bool,
    /// Every failed check (all of them, so one read shows everything to fix).
    pub reasons: Vec<Reason>,
}

/// Tolerations a DaemonSet's pods carry: the template's plus the automatic ones.
pub fn effective_tolerations(ds: &DaemonSet) -> Vec<Toleration> {
    let spec = &ds.spec.template.spec;
    daemon_pod_tolerations(&spec.tolerations, spec.uses_host_network())
}

/// Decides whether `ds` should run on `node` (rules A3–A7 in docs/semantics.md).
pub fn evaluate(ds: &DaemonSet, tolerations: &[Toleration], node: &Node) -> Eligibility {
    let spec = &ds.spec.template.spec;
    let node_name = node.name();
    let mut reasons = Vec::new();
    if !spec.node_name.is_empty() && spec.node_name != node_name {
        reasons.push(
            Reason::new(
                Detail::NodeNameMismatch {
                    expected: spec.node_name.clone(),
                },
                format!("the template pins spec.nodeName to {:?}", spec.node_name),
            )
            .with_hint("remove spec.template.spec.nodeName to run on every node"),
        );
    }
    for m in node_selector_mismatches(&spec.node_selector, node) {
        let message = match &m.actual {
            None => format!(
                "the node has no label {}; nodeSelector wants {}={}",
                m.key, m.key, m.expected
            ),
            Some(a) => format!(
                "the node's label {}={a} differs from nodeSelector {}={}",
                m.key, m.key, m.expected
            ),
        };
        let overwrite = if m.actual.is_some() {
            " --overwrite"
        } else {
            ""
        };
        reasons.push(
            Reason::new(
                Detail::NodeSelectorMismatch {
                    key: m.key.clone(),
                    expected: m.expected.clone(),
                    actual: m.actual.clone(),
                },
                message,
            )
            .with_hint(format!(
                "kubectl label node {node_name} {}={}{overwrite}",
                m.key, m.expected
            )),
        );
    }
    if let Some(required) = spec.required_node_affinity()
        && let Err(terms) = match_required_affinity(required, node)
    {
        if terms.is_empty() {
            reasons.push(Reason::new(
                Detail::NodeAffinityMismatch {
                    term: 0,
                    requirement: None,
                    actual: None,
                    invalid: Some("nodeSelectorTerms is empty".to_owned()),
                },
                "required node affinity has no terms, so it matches no node",
            ));
        }
        for t in terms {
            let message = match (&t.requirement, &t.invalid, &t.actual) {
                (_, Some(why), _) => {
                    format!("required node affinity term {} cannot match: {why}", t.term)
                }
                (Some(req), None, Some(actual)) => {
                    format!(
                        "required node affinity term {}: {req} fails (node has {actual:?})",
                        t.term
                    )
                }
                (Some(req), None, None) => {
                    format!(
                        "required node affinity term {}: {req} fails (node lacks the label)",
                        t.term
                    )
                }
                (None, None, _) => format!("required node affinity term {} does not match", t.term),
            };
            reasons.push(
                Reason::new(
                    Detail::NodeAffinityMismatch { term: t.term, requirement: t.requirement, actual: t.actual, invalid: t.invalid },
                    message,
                )
                .with_hint("label the node to satisfy one term, or change spec.template.spec.affinity.nodeAffinity"),
            );
        }
    }
    let placement_ok = reasons.is_empty();
    let untolerated = untolerated_taints(&node.spec.taints, tolerations);
    let evicting = untolerated.iter().any(|t| t.effect == "NoExecute");
    for taint in &untolerated {
        let effect = if taint.effect == "NoExecute" {
            "NoExecute: an existing pod is deleted too"
        } else {
            "NoSchedule: no new pod, an existing one may stay"
        };
        reasons.push(
            Reason::new(
                Detail::UntoleratedTaint {
                    taint: TaintRef::from(*taint),
                },
                format!(
                    "the node has the taint {} that the pod does not tolerate ({effect})",
                    format_taint(taint)
                ),
            )
            .with_hint(taint_hint(taint, node_name)),
        );
    }
    Eligibility {
        should_run: placement_ok && untolerated.is_empty(),
        should_continue: placement_ok && !evicting,
        reasons,
    }
}

/// What to do about an untolerated taint: taints Kubernetes manages itself clear on their own;
/// for the others, the toleration to paste or the command that removes the taint.
fn taint_hint(taint: &Taint, node_name: &str) -> String {
    let managed = match taint.key.as_str() {
        "node.kubernetes.io/not-ready" | "node.kubernetes.io/unreachable" => Some(
            "Kubernetes sets it while the node is not Ready and clears it when the node recovers",
        ),
        "node.kubernetes.io/network-unavailable" => Some(
            "the network plugin clears it once the node's network is up; a CNI DaemonSet needs hostNetwork: true to run before that",
        ),
        "node.cloudprovider.kubernetes.io/uninitialized" => {
            Some("the cloud controller manager clears it once it has initialised the node")
        }
        "node.kubernetes.io/out-of-service" => {
            Some("an administrator marked the node out of service")
        }
        _ => None,
    };
    match managed {
        Some(why) => format!(
            "{why}; to run there anyway, add under spec.template.spec.tolerations:\n{}",
            toleration_yaml(taint)
        ),
        None => format!(
            "add under spec.template.spec.tolerations:\n{}\nor remove the taint: kubectl taint node {node_name} {}-",
            toleration_yaml(taint),
            format_taint(taint)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(template_spec: &str) -> DaemonSet {
        let yaml = format!(
            "metadata: {{name: agent, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{app: a}}}}\n  template:\n    metadata: {{labels: {{app: a}}}}\n    spec:\n{}",
            template_spec
                .lines()
                .map(|l| format!("      {l}\n"))
                .collect::<String>()
        );
        serde_saphyr::from_str(&yaml).unwrap()
    }

    fn node(yaml: &str) -> Node {
        serde_saphyr::from_str(yaml).unwrap()
    }

    fn check(ds: &DaemonSet, node: &Node) -> (bool, bool, Vec<&'static str>) {
        let e = evaluate(ds, &effective_tolerations(ds), node);
        (
            e.should_run,
            e.should_continue,
            e.reasons.iter().map(Reason::code).collect(),
        )
    }

    // Rules A3–A9 and C1 in docs/semantics.md, on upstream's TestNodeShouldRunDaemonPod cases.
    #[test]
    fn controller_decisions() {
        let plain = ds("containers: [{name: c, image: x}]");
        let n = node("metadata: {name: test-node, labels: {color: blue}}");
        assert_eq!(check(&plain, &n), (true, true, vec![]));

        let pinned = ds("nodeName: other-node\ncontainers: [{name: c}]");
        assert_eq!(check(&pinned, &n), (false, false, vec!["NodeNameMismatch"]));

        let sel = ds("nodeSelector: {type: production}\ncontainers: [{name: c}]");
        assert_eq!(
            check(&sel, &n),
            (false, false, vec!["NodeSelectorMismatch"])
        );
        let sel_ok = ds("nodeSelector: {color: blue}\ncontainers: [{name: c}]");
        assert!(check(&sel_ok, &n).0);

        let aff = ds(
            "affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: type, operator: In, values: [production]}]}]}}}",
        );
        assert_eq!(
            check(&aff, &n),
            (false, false, vec!["NodeAffinityMismatch"])
        );
        let prod = node("metadata: {name: p, labels: {type: production}}");
        assert_eq!(check(&aff, &prod), (true, true, vec![]));

        let cordoned = node(
            "metadata: {name: c}\nspec: {unschedulable: true, taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]}",
        );
        assert_eq!(check(&plain, &cordoned), (true, true, vec![]));

        let gpu = node(
            "metadata: {name: g}\nspec: {taints: [{key: dedicated, value: gpu, effect: NoSchedule}]}",
        );
        assert_eq!(check(&plain, &gpu), (false, true, vec!["UntoleratedTaint"]));
        let tolerant =
            ds("tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]");
        assert_eq!(check(&tolerant, &gpu), (true, true, vec![]));

        let evict = node(
            "metadata: {name: e}\nspec: {taints: [{key: dedicated, value: gpu, effect: NoExecute}]}",
        );
        assert_eq!(
            check(&plain, &evict),
            (false, false, vec!["UntoleratedTaint"])
        );

        let not_ready = node(
            "metadata: {name: nr}\nspec: {taints: [{key: node.kubernetes.io/not-ready, effect: NoExecute}]}\nstatus: {conditions: [{type: Ready, status: 'False'}]}",
        );
        assert_eq!(check(&plain, &not_ready), (true, true, vec![]));

        let net = node(
            "metadata: {name: net}\nspec: {taints: [{key: node.kubernetes.io/network-unavailable, effect: NoSchedule}]}",
        );
        assert!(!check(&plain, &net).0);
        let host_net = ds("hostNetwork: true\ncontainers: [{name: c}]");
        assert!(check(&host_net, &net).0);

        let cp = node(
            "metadata: {name: cp}\nspec: {taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]}",
        );
        assert_eq!(check(&plain, &cp), (false, true, vec!["UntoleratedTaint"]));
        let everything = ds("tolerations: [{operator: Exists}]");
        assert_eq!(check(&everything, &cp), (true, true, vec![]));
        assert_eq!(check(&everything, &evict), (true, true, vec![]));
    }

    #[test]
    fn every_failed_check_is_reported() {
        let picky = ds("nodeSelector: {a: '1', b: '2'}");
        let n = node(
            "metadata: {name: n, labels: {a: '0'}}\nspec: {taints: [{key: x, effect: NoSchedule}]}",
        );
        let (run, cont, codes) = check(&picky, &n);
        assert!(!run && !cont);
        assert_eq!(
            codes,
            vec![
                "NodeSelectorMismatch",
                "NodeSelectorMismatch",
                "UntoleratedTaint"
            ]
        );
    }
}
