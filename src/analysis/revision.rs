//! Which revision of a DaemonSet is current, and whether a pod runs it (controller `history.go`
//! `Match`, `util.IsPodUpdated`).

use crate::model::{ControllerRevision, DaemonSet, Pod};

/// The label that carries a pod's revision hash.
pub const HASH_LABEL: &str = "controller-revision-hash";
const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";
const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// The current revision as far as the snapshot tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentRevision {
    /// The current hash, when known.
    pub hash: Option<String>,
    /// Its ControllerRevision number, when known.
    pub number: Option<i64>,
    /// The legacy template generation (annotation), when set.
    template_generation: Option<String>,
    /// Why the hash is unknown or guessed, for the report's warnings.
    pub note: Option<String>,
}

impl CurrentRevision {
    /// True when `pod` runs the current revision; `None` when that cannot be told.
    pub fn is_current(&self, pod: &Pod) -> Option<bool> {
        let by_generation = self
            .template_generation
            .as_ref()
            .map(|g| pod.metadata.labels.get(TEMPLATE_GENERATION_LABEL) == Some(g));
        match (&self.hash, by_generation) {
            (Some(h), g) => Some(pod.metadata.labels.get(HASH_LABEL) == Some(h) || g == Some(true)),
            (None, Some(true)) => Some(true),
            (None, _) => None,
        }
    }
}

/// Finds the current revision: the ControllerRevision whose stored template equals the
/// DaemonSet's template (compared as parsed JSON), highest revision on ties.
///
/// Without a match (no revisions in the snapshot, or the controller has not stored the new
/// template yet) it falls back to the pods' common hash when the status says every pod is
/// updated, and otherwise leaves the hash unknown with a note.
pub fn current_revision(
    ds: &DaemonSet,
    revisions: &[&ControllerRevision],
    pods: &[&Pod],
) -> CurrentRevision {
    let template_generation = ds
        .metadata
        .annotations
        .get(TEMPLATE_GENERATION_ANNOTATION)
        .cloned();
    let matching = revisions
        .iter()
        .filter(|r| r.template().as_ref() == Some(&ds.spec.template_json))
        .max_by_key(|r| r.revision);
    if let Some(r) = matching {
        return CurrentRevision {
            hash: Some(r.hash().to_owned()),
            number: Some(r.revision),
            template_generation,
            note: None,
        };
    }
    let status = &ds.status;
    let settled = status.observed_generation.is_some()
        && status.observed_generation == ds.metadata.generation
        && status.updated_number_scheduled == Some(status.desired_number_scheduled);
    let mut hashes: Vec<&str> = pods
        .iter()
        .filter_map(|p| p.metadata.labels.get(HASH_LABEL).map(String::as_str))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    if settled && hashes.len() == 1 {
        let number = revisions
            .iter()
            .find(|r| r.hash() == hashes[0])
            .map(|r| r.revision);
        return CurrentRevision {
            hash: Some(hashes[0].to_owned()),
            number,
            template_generation,
            note: None,
        };
    }
    let note = if revisions.is_empty() {
        "the snapshot has no ControllerRevisions of this DaemonSet, so pod revisions were not checked (add controllerrevisions to the dump)"
    } else {
        "no ControllerRevision matches the current template yet (the controller has not observed the change), so pod revisions were not checked"
    };
    CurrentRevision {
        hash: None,
        number: None,
        template_generation,
        note: Some(note.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ds(template: serde_json::Value) -> DaemonSet {
        serde_json::from_value(json!({
            "metadata": {"name": "agent", "namespace": "ns", "generation": 2},
            "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template},
            "status": {"observedGeneration": 2, "desiredNumberScheduled": 1, "updatedNumberScheduled": 1}
        }))
        .unwrap()
    }

    fn cr(hash: &str, revision: i64, template: serde_json::Value) -> ControllerRevision {
        let mut template = template;
        template["$patch"] = json!("replace");
        serde_json::from_value(json!({
            "metadata": {"name": format!("agent-{hash}"), "namespace": "ns",
                          "labels": {"controller-revision-hash": hash}},
            "revision": revision,
            "data": {"spec": {"template": template}}
        }))
        .unwrap()
    }

    fn pod(hash: &str) -> Pod {
        serde_json::from_value(
            json!({"metadata": {"name": "p", "labels": {"controller-revision-hash": hash}}}),
        )
        .unwrap()
    }

    #[test]
    fn the_revision_storing_the_live_template_is_current() {
        let v1 = json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "x:1"}]}});
        let v2 = json!({"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "c", "image": "x:2"}]}});
        let (r1, r2) = (cr("aaa", 1, v1.clone()), cr("bbb", 2, v2.clone()));
        let cur = current_revision(&ds(v1), &[&r1, &r2], &[]);
        assert_eq!(cur.hash.as_deref(), Some("aaa"));
        assert_eq!(cur.number, Some(1));
        assert_eq!(cur.is_current(&pod("aaa")), Some(true));
        assert_eq!(cur.is_current(&pod("bbb")), Some(false));
    }

    #[test]
    fn without_revisions_a_settled_status_and_one_hash_decide() {
        let t = json!({"spec": {"containers": []}});
        let p = pod("abc");
        let cur = current_revision(&ds(t.clone()), &[], &[&p]);
        assert_eq!(cur.hash.as_deref(), Some("abc"));
        let q = pod("def");
        let cur = current_revision(&ds(t), &[], &[&p, &q]);
        assert_eq!(cur.hash, None);
        assert!(
            cur.note
                .as_deref()
                .unwrap()
                .contains("no ControllerRevisions")
        );
        assert_eq!(cur.is_current(&p), None);
    }
}
