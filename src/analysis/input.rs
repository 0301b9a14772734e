//! Can the input answer the question at all?
//!
//! A verdict per node needs the nodes, the DaemonSet and its pods. A saved dump may lack any of
//! them (`kubectl get ds,pods -o yaml` has no nodes; a bare manifest has neither nodes nor pods),
//! and judging such an input would print "every node has a healthy pod (0 of 0)" or "successfully
//! rolled out" — a false "healthy". These checks say instead what the input lacks and how to
//! save it, and the command ends with an error.

use super::inventory::Inventory;
use crate::model::DaemonSet;

/// Where the objects came from: what their absence means differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--from-file`: an absent kind was most likely not saved.
    Saved,
    /// A live API server: a list is the cluster's answer, so an empty one is believed unless
    /// the DaemonSet's own status contradicts it.
    Live,
}

/// What the input lacks to answer a question.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputGap {
    /// A saved input with no Node objects.
    #[error(
        "the input has no Node objects, so it cannot tell which nodes should run {subject}; save the nodes too: kubectl get nodes,pods,daemonsets,controllerrevisions,events -A -o yaml"
    )]
    NoSavedNodes {
        /// What was asked about (`daemonset NS/NAME`, or `any DaemonSet`).
        subject: String,
    },
    /// The API listed no nodes, yet the DaemonSet's status counts some that should run it.
    #[error(
        "the API server listed no nodes, but the status of daemonset {daemon_set} counts {desired} node(s) that should run it; cannot judge (can this user list nodes?)"
    )]
    NoListedNodes {
        /// `NS/NAME`.
        daemon_set: String,
        /// `status.desiredNumberScheduled`.
        desired: i64,
    },
    /// A saved input without the DaemonSet's pods while its status counts some.
    #[error(
        "the input has no pods of daemonset {daemon_set}, but its status counts {scheduled} node(s) running one; save its pods too: kubectl get pods -n {namespace} -o yaml"
    )]
    NoSavedPods {
        /// `NS/NAME`.
        daemon_set: String,
        /// Its namespace.
        namespace: String,
        /// `status.currentNumberScheduled + status.numberMisscheduled`.
        scheduled: i64,
    },
    /// A saved input with no DaemonSet objects at all.
    #[error("the input has no DaemonSet objects; save them too: kubectl get daemonsets -A -o yaml")]
    NoSavedDaemonSets,
}

/// Whether the objects of `inv` can answer questions about `ds` node by node.
///
/// # Errors
/// The first [`InputGap`] found: no nodes (saved input, or live while the status says some
/// should run the pod), or a saved input without the pods its status counts.
pub fn check_daemon_set(inv: &Inventory, ds: &DaemonSet, origin: Origin) -> Result<(), InputGap> {
    let snapshot = inv.snapshot;
    let key = format!("{}/{}", ds.metadata.namespace, ds.metadata.name);
    if snapshot.nodes.is_empty() {
        match origin {
            Origin::Saved => {
                return Err(InputGap::NoSavedNodes {
                    subject: format!("daemonset {key}"),
                });
            }
            Origin::Live if ds.status.desired_number_scheduled > 0 => {
                return Err(InputGap::NoListedNodes {
                    daemon_set: key,
                    desired: ds.status.desired_number_scheduled,
                });
            }
            Origin::Live => {}
        }
    }
    if origin == Origin::Saved {
        let scheduled = ds
            .status
            .current_number_scheduled
            .saturating_add(ds.status.number_misscheduled);
        // The pods the analysis would judge (controller reference and selector, as the
        // controller claims them); an empty selector claims none and is warned about elsewhere.
        let selects = ds.spec.selector.as_ref().is_some_and(|s| !s.is_empty());
        if scheduled > 0 && selects && inv.daemon_set_pods(ds).is_empty() {
            return Err(InputGap::NoSavedPods {
                daemon_set: key,
                namespace: ds.metadata.namespace.clone(),
                scheduled,
            });
        }
    }
    Ok(())
}

/// Whether the objects of `inv` can answer questions about `daemon_sets` (those of `list`, `why-missing
/// --node`): each as [`check_daemon_set`]; a saved input with no DaemonSet at all cannot say
/// anything (one that has some, none in scope, is an honest empty answer).
///
/// # Errors
/// The first [`InputGap`] found.
pub fn check_cluster<'a>(
    inv: &Inventory,
    daemon_sets: impl IntoIterator<Item = &'a DaemonSet>,
    origin: Origin,
) -> Result<(), InputGap> {
    let mut any = false;
    for ds in daemon_sets {
        any = true;
        check_daemon_set(inv, ds, origin)?;
    }
    if origin == Origin::Saved && !any && inv.snapshot.daemon_sets.is_empty() {
        return Err(InputGap::NoSavedDaemonSets);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Node, Pod, Snapshot};

    fn ds(status: &str) -> DaemonSet {
        serde_saphyr::from_str(&format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent, namespace: ops, uid: u1}}\nspec:\n  selector: {{matchLabels: {{app: agent}}}}\n  template: {{metadata: {{labels: {{app: agent}}}}, spec: {{containers: [{{name: c, image: i}}]}}}}\nstatus: {status}\n"
        ))
        .expect("fixture parses")
    }

    fn node() -> Node {
        serde_saphyr::from_str("apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n").expect("node")
    }

    fn pod_of(uid: &str) -> Pod {
        serde_saphyr::from_str(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: agent-x, namespace: ops, labels: {{app: agent}}, ownerReferences: [{{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: {uid}, controller: true}}]}}\nspec: {{nodeName: n1, containers: [{{name: c, image: i}}]}}\n"
        ))
        .expect("pod")
    }

    const RUNNING_ON_3: &str = "{desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0, numberReady: 3}";

    #[test]
    fn a_saved_input_without_nodes_cannot_answer() {
        let ds = ds("{}");
        let snapshot = Snapshot {
            daemon_sets: vec![ds.clone()],
            ..Snapshot::default()
        };
        let err = check_daemon_set(&Inventory::new(&snapshot), &ds, Origin::Saved).unwrap_err();
        assert!(matches!(err, InputGap::NoSavedNodes { .. }));
        assert!(
            err.to_string()
                .contains("cannot tell which nodes should run daemonset ops/agent")
        );
    }

    #[test]
    fn live_without_nodes_is_believed_unless_the_status_counts_some() {
        let empty = ds(
            "{desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0}",
        );
        let snapshot = Snapshot::default();
        assert_eq!(
            check_daemon_set(&Inventory::new(&snapshot), &empty, Origin::Live),
            Ok(())
        );
        let counted = ds(RUNNING_ON_3);
        assert_eq!(
            check_daemon_set(&Inventory::new(&snapshot), &counted, Origin::Live),
            Err(InputGap::NoListedNodes {
                daemon_set: "ops/agent".into(),
                desired: 3
            })
        );
    }

    #[test]
    fn saved_pods_missing_while_the_status_counts_them() {
        let ds = ds(RUNNING_ON_3);
        let mut snapshot = Snapshot {
            nodes: vec![node()],
            daemon_sets: vec![ds.clone()],
            ..Snapshot::default()
        };
        assert!(matches!(
            check_daemon_set(&Inventory::new(&snapshot), &ds, Origin::Saved),
            Err(InputGap::NoSavedPods { scheduled: 3, .. })
        ));
        // Another DaemonSet's pod does not count; its own does.
        snapshot.pods.push(pod_of("other"));
        assert!(check_daemon_set(&Inventory::new(&snapshot), &ds, Origin::Saved).is_err());
        snapshot.pods.push(pod_of("u1"));
        assert_eq!(
            check_daemon_set(&Inventory::new(&snapshot), &ds, Origin::Saved),
            Ok(())
        );
        // Live, the pod list is the cluster's answer (the status may lag).
        snapshot.pods.clear();
        assert_eq!(
            check_daemon_set(&Inventory::new(&snapshot), &ds, Origin::Live),
            Ok(())
        );
    }

    #[test]
    fn a_saved_input_without_daemon_sets_or_nodes_cannot_list() {
        let empty = Snapshot {
            nodes: vec![node()],
            ..Snapshot::default()
        };
        assert_eq!(
            check_cluster(&Inventory::new(&empty), [], Origin::Saved),
            Err(InputGap::NoSavedDaemonSets)
        );
        let ds = ds("{}");
        let no_nodes = Snapshot {
            daemon_sets: vec![ds.clone()],
            ..Snapshot::default()
        };
        assert!(matches!(
            check_cluster(&Inventory::new(&no_nodes), [&ds], Origin::Saved),
            Err(InputGap::NoSavedNodes { .. })
        ));
        assert_eq!(
            check_cluster(&Inventory::new(&Snapshot::default()), [], Origin::Live),
            Ok(())
        );
    }
}
