//! `list`: one summary per DaemonSet — kubectl's `get ds` values plus how many nodes the
//! why-missing engine finds `Missing`, `Pending` or `Failing`.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use super::age::human_duration;
use super::inventory::Inventory;
use super::verdict::Verdict;
use super::why_missing::{API_VERSION, DaemonSetState};
use crate::model::{DaemonSet, LabelSelector};

/// `kind: DaemonSetSummaryList`: every DaemonSet listed, by namespace then name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSummaryList {
    /// Always [`API_VERSION`].
    pub api_version: &'static str,
    /// Always `DaemonSetSummaryList`.
    pub kind: &'static str,
    /// One entry per DaemonSet.
    pub items: Vec<DaemonSetSummary>,
}

/// One DaemonSet: the controller's counts (as `kubectl get ds` prints them) and the engine's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSummary {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// `status.desiredNumberScheduled` (DESIRED).
    pub desired: i64,
    /// `status.currentNumberScheduled` (CURRENT).
    pub current: i64,
    /// `status.numberReady` (READY).
    pub ready: i64,
    /// `status.updatedNumberScheduled` (UP-TO-DATE; 0 when unset, as kubectl shows it).
    pub up_to_date: i64,
    /// `status.numberAvailable` (AVAILABLE; 0 when unset).
    pub available: i64,
    /// `status.numberMisscheduled`.
    pub misscheduled: i64,
    /// The template's `nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// `RollingUpdate` or `OnDelete`.
    pub update_strategy: String,
    /// `metadata.creationTimestamp` (`null` when the input has none).
    pub creation_timestamp: Option<Timestamp>,
    /// kubectl's AGE (`<unknown>` without a creation time).
    pub age: String,
    /// The template's container names.
    pub containers: Vec<String>,
    /// The template's container images, in container order.
    pub images: Vec<String>,
    /// The pod selector as kubectl prints it (`<none>` when empty).
    pub selector: String,
    /// Hash of the current ControllerRevision (`null` when the input cannot tell).
    pub current_revision: Option<String>,
    /// Nodes whose verdict is `Missing`, `Pending` or `Failing`.
    pub problems: Problems,
    /// What the engine could not judge or the reader should know (as in `WhyMissingReport`).
    pub warnings: Vec<String>,
}

/// The nodes of one DaemonSet that make the answer "no".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problems {
    /// How many nodes.
    pub total: usize,
    /// Count per problem verdict (only verdicts that occur).
    pub by_verdict: BTreeMap<Verdict, usize>,
}

impl DaemonSetSummaryList {
    /// True when a listed DaemonSet has a node `Missing`, `Pending` or `Failing` (exit code 3).
    pub fn has_problems(&self) -> bool {
        self.items.iter().any(|i| i.problems.total > 0)
    }
}

/// Summarises `daemon_sets`, judging each on every node of the inventory with the why-missing
/// engine; sorted by namespace then name, as kubectl sorts a list.
pub fn summarize(
    inv: &Inventory,
    daemon_sets: &[&DaemonSet],
    now: Timestamp,
) -> DaemonSetSummaryList {
    let mut items: Vec<DaemonSetSummary> =
        daemon_sets.iter().map(|ds| summary(inv, ds, now)).collect();
    items.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    DaemonSetSummaryList {
        api_version: API_VERSION,
        kind: "DaemonSetSummaryList",
        items,
    }
}

fn summary(inv: &Inventory, ds: &DaemonSet, now: Timestamp) -> DaemonSetSummary {
    let state = DaemonSetState::new(inv, ds);
    let mut problems = Problems::default();
    for node in &inv.snapshot.nodes {
        let verdict = state.judge(inv, node, now).verdict;
        if verdict.is_problem() {
            problems.total += 1;
            *problems.by_verdict.entry(verdict).or_default() += 1;
        }
    }
    let status = &ds.status;
    let spec = &ds.spec.template.spec;
    let created = ds.metadata.creation_timestamp;
    DaemonSetSummary {
        namespace: ds.metadata.namespace.clone(),
        name: ds.metadata.name.clone(),
        desired: status.desired_number_scheduled,
        current: status.current_number_scheduled,
        ready: status.number_ready,
        up_to_date: status.updated_number_scheduled.unwrap_or(0),
        available: status.number_available.unwrap_or(0),
        misscheduled: status.number_misscheduled,
        node_selector: spec.node_selector.clone(),
        update_strategy: ds.strategy().to_owned(),
        creation_timestamp: created,
        age: created.map_or_else(
            || "<unknown>".to_owned(),
            |t| human_duration(now.duration_since(t)),
        ),
        containers: spec.containers.iter().map(|c| c.name.clone()).collect(),
        images: spec.containers.iter().map(|c| c.image.clone()).collect(),
        selector: kubectl_selector(ds.spec.selector.as_ref()),
        current_revision: state.revision().hash.clone(),
        problems,
        warnings: state.warnings().to_vec(),
    }
}

/// A label map as kubectl's NODE SELECTOR column prints it (`labels.FormatLabels`): `k=v,k2=v2`
/// by key, `<none>` when empty.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_owned();
    }
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(",")
}

/// A pod selector as kubectl's wide SELECTOR column prints it (`metav1.FormatLabelSelector`).
///
/// This is not [`super::labels::format_selector`]: kubectl converts the selector to requirements
/// and prints them sorted by key with each value list sorted, `<none>` for an empty or absent
/// selector, and `<error>` when an operator is unknown — the column must read exactly as
/// `kubectl get ds -o wide`.
pub fn kubectl_selector(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else {
        return "<none>".to_owned();
    };
    let mut requirements: Vec<(&str, String)> = selector
        .match_labels
        .iter()
        .map(|(k, v)| (k.as_str(), format!("{k}={v}")))
        .collect();
    for req in &selector.match_expressions {
        let mut values = req.values.clone();
        values.sort();
        let values = values.join(",");
        let text = match req.operator.as_str() {
            "In" => format!("{} in ({values})", req.key),
            "NotIn" => format!("{} notin ({values})", req.key),
            "Exists" => req.key.clone(),
            "DoesNotExist" => format!("!{}", req.key),
            _ => return "<error>".to_owned(),
        };
        requirements.push((req.key.as_str(), text));
    }
    if requirements.is_empty() {
        return "<none>".to_owned();
    }
    // By key, as apimachinery sorts requirements; two on one key keep their input order (there
    // apimachinery's unstable sort leaves the order unspecified).
    requirements.sort_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<String> = requirements.into_iter().map(|(_, t)| t).collect();
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Snapshot;
    use serde_json::json;

    fn selector(v: serde_json::Value) -> LabelSelector {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn selectors_read_as_kubectl_prints_them() {
        assert_eq!(kubectl_selector(None), "<none>");
        assert_eq!(kubectl_selector(Some(&selector(json!({})))), "<none>");
        assert_eq!(
            kubectl_selector(Some(&selector(json!({"matchLabels": {"app": "agent"}})))),
            "app=agent"
        );
        let mixed = selector(json!({
            "matchLabels": {"tier": "node", "app": "agent"},
            "matchExpressions": [
                {"key": "zone", "operator": "In", "values": ["b", "a"]},
                {"key": "beta", "operator": "DoesNotExist"},
                {"key": "canary", "operator": "NotIn", "values": ["yes"]},
                {"key": "arch", "operator": "Exists"}
            ]
        }));
        assert_eq!(
            kubectl_selector(Some(&mixed)),
            "app=agent,arch,!beta,canary notin (yes),tier=node,zone in (a,b)"
        );
        let bad = selector(
            json!({"matchExpressions": [{"key": "k", "operator": "Gt", "values": ["1"]}]}),
        );
        assert_eq!(kubectl_selector(Some(&bad)), "<error>");
    }

    #[test]
    fn node_selector_column() {
        assert_eq!(format_labels(&BTreeMap::new()), "<none>");
        let labels: BTreeMap<String, String> = [("kubernetes.io/os", "linux"), ("a", "b")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(format_labels(&labels), "a=b,kubernetes.io/os=linux");
    }

    fn snapshot() -> Snapshot {
        let ds = |name: &str, ns: &str, os: &str| {
            json!({
                "metadata": {"name": name, "namespace": ns, "uid": format!("{ns}-{name}"),
                             "generation": 1, "creationTimestamp": "2026-11-28T09:00:00Z"},
                "spec": {"selector": {"matchLabels": {"app": name}},
                         "updateStrategy": {"type": "OnDelete"},
                         "template": {"metadata": {"labels": {"app": name}},
                                      "spec": {"nodeSelector": {"kubernetes.io/os": os},
                                               "containers": [{"name": "main", "image": "busybox:1.36"},
                                                              {"name": "side", "image": "pause:3.9"}]}}},
                "status": {"observedGeneration": 1, "desiredNumberScheduled": 2,
                           "currentNumberScheduled": 1, "numberReady": 1, "numberMisscheduled": 0}
            })
        };
        let node = |name: &str| {
            json!({"metadata": {"name": name, "labels": {"kubernetes.io/os": "linux"}},
                   "status": {"conditions": [{"type": "Ready", "status": "True"}],
                              "allocatable": {"cpu": "2", "pods": "110"}}})
        };
        // zz/agent has a Running pod on n1 and none on n2; aa/agent has no pods at all; aa/logs
        // selects no node.
        let pod = json!({
            "metadata": {"name": "agent-x", "namespace": "zz", "uid": "p1",
                         "labels": {"app": "agent"},
                         "ownerReferences": [{"kind": "DaemonSet", "name": "agent", "uid": "zz-agent", "controller": true}]},
            "spec": {"nodeName": "n1", "containers": [{"name": "main", "image": "busybox:1.36"}]},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}
        });
        fn from<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
            serde_json::from_value(v).unwrap()
        }
        Snapshot {
            nodes: vec![from(node("n1")), from(node("n2"))],
            pods: vec![from(pod)],
            daemon_sets: vec![
                from(ds("agent", "zz", "linux")),
                from(ds("agent", "aa", "linux")),
                from(ds("logs", "aa", "windows")),
            ],
            ..Snapshot::default()
        }
    }

    #[test]
    fn counts_come_from_status_problems_from_the_engine() {
        let snap = snapshot();
        let inv = Inventory::new(&snap);
        let all: Vec<&DaemonSet> = snap.daemon_sets.iter().collect();
        let now: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
        let list = summarize(&inv, &all, now);
        let names: Vec<String> = list
            .items
            .iter()
            .map(|i| format!("{}/{}", i.namespace, i.name))
            .collect();
        assert_eq!(
            names,
            ["aa/agent", "aa/logs", "zz/agent"],
            "namespace, then name"
        );
        let zz = &list.items[2];
        assert_eq!((zz.desired, zz.current, zz.ready), (2, 1, 1));
        assert_eq!((zz.up_to_date, zz.available), (0, 0));
        assert_eq!(zz.age, "60m");
        assert_eq!(zz.update_strategy, "OnDelete");
        assert_eq!(zz.containers, ["main", "side"]);
        assert_eq!(zz.images, ["busybox:1.36", "pause:3.9"]);
        assert_eq!(zz.selector, "app=agent");
        assert_eq!(zz.problems.total, 1, "n2 has no pod");
        assert_eq!(zz.problems.by_verdict.get(&Verdict::Missing), Some(&1));
        assert_eq!(
            list.items[0].problems.total, 2,
            "aa/agent: both nodes Missing"
        );
        assert_eq!(
            list.items[1].problems,
            Problems::default(),
            "aa/logs: Excluded"
        );
        assert!(list.has_problems());
        let quiet = summarize(&inv, &[&snap.daemon_sets[2]], now);
        assert!(!quiet.has_problems());
    }
}
