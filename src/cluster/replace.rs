//! Reads `replace` needs beyond the common ones: a DaemonSet's pods on given nodes (or not yet
//! bound), one pod (to learn whether a delete that got no answer happened), and the events of
//! one object.

use super::error::Op;
use super::{CORE, Cluster, collection, field_selector_for_node, label_selector_string};
use crate::model::{DaemonSet, Event, Pod};

impl Cluster {
    /// The pods matching the DaemonSet's selector in its namespace: all of them (`node` =
    /// `None`), those bound to one node (`Some(name)`), or the unbound ones (`Some("")`).
    /// An empty selector selects nothing (the controller manages no pod then).
    ///
    /// # Errors
    /// See [`super::ClusterError`].
    pub async fn list_daemon_set_pods(
        &self,
        ds: &DaemonSet,
        node: Option<&str>,
    ) -> anyhow::Result<Vec<Pod>> {
        let Some(selector) = ds.spec.selector.as_ref().filter(|s| !s.is_empty()) else {
            return Ok(Vec::new());
        };
        let ns = ds.metadata.namespace.as_str();
        let labels = label_selector_string(selector);
        let fields = node.map(field_selector_for_node);
        let op = Op::new("list", "pods", Some(ns));
        let path = collection(CORE, Some(ns), "pods")?;
        Ok(self
            .list(op, &path, Some(&labels), fields.as_deref())
            .await?)
    }

    /// The pod `ns/name`, or `None` when it does not exist.
    ///
    /// # Errors
    /// See [`super::ClusterError`].
    pub async fn get_pod(&self, ns: &str, name: &str) -> anyhow::Result<Option<Pod>> {
        let op = Op::new("get", "pods", Some(ns)).named(name);
        Ok(self
            .get(op, &collection(CORE, Some(ns), "pods")?, name)
            .await?)
    }

    /// Events of namespace `ns` about the object with `uid` (`involvedObject.uid`), optionally
    /// only those with `reason`.
    ///
    /// # Errors
    /// See [`super::ClusterError`].
    pub async fn list_events_about(
        &self,
        ns: &str,
        uid: &str,
        reason: Option<&str>,
    ) -> anyhow::Result<Vec<Event>> {
        let mut fields = format!("involvedObject.uid={uid}");
        if let Some(r) = reason {
            fields.push_str(&format!(",reason={r}"));
        }
        let op = Op::new("list", "events", Some(ns));
        let path = collection(CORE, Some(ns), "events")?;
        Ok(self.list(op, &path, None, Some(&fields)).await?)
    }
}
