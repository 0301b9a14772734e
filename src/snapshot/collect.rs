//! The format-independent half of the loader: turning one decoded-on-demand object into a model
//! object, the warnings for objects that are skipped, and the duplicate check at the end.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::model::{
    ContainerSpec, ControllerRevision, DaemonSet, Event, Kind, Node, NodeSelector, ObjectMeta, Pod,
    PodSpec, Snapshot,
};

/// Why an object did not decode.
pub(super) struct DecodeError {
    /// What is wrong, with no file name or position.
    pub detail: String,
    /// The object's `namespace/name`, when it can be read.
    pub key: Option<String>,
    /// Line and column (1-based) inside the object's text, when known.
    pub at: Option<(usize, usize)>,
}

/// One object as read from a file, not yet decoded: JSON text or a YAML-built value.
pub(super) trait ItemSource {
    /// Decodes the object into a model type.
    fn decode<T: DeserializeOwned>(self) -> Result<T, DecodeError>;
    /// `namespace/name` (or `name`) for messages, when the object has one.
    fn key(&self) -> Option<String>;
}

impl ItemSource for serde_json::Value {
    fn decode<T: DeserializeOwned>(self) -> Result<T, DecodeError> {
        let key = self.key();
        T::deserialize(self).map_err(|e| DecodeError {
            detail: e.to_string(),
            key,
            at: None,
        })
    }

    fn key(&self) -> Option<String> {
        MetaProbe::deserialize(self).ok().and_then(MetaProbe::key)
    }
}

/// `namespace/name` of a JSON object's text, for messages about objects that are skipped.
pub(super) fn probe_key(text: &[u8]) -> Option<String> {
    serde_json::from_slice::<MetaProbe>(text)
        .ok()
        .and_then(MetaProbe::key)
}

/// `metadata.namespace` and `metadata.name`, read only for messages about skipped objects.
#[derive(Deserialize)]
struct MetaProbe {
    #[serde(default)]
    metadata: Option<NameProbe>,
}

#[derive(Deserialize)]
struct NameProbe {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    namespace: Option<String>,
}

impl MetaProbe {
    fn key(self) -> Option<String> {
        let meta = self.metadata?;
        let name = meta.name.filter(|n| !n.is_empty())?;
        Some(match meta.namespace.filter(|n| !n.is_empty()) {
            Some(ns) => format!("{ns}/{name}"),
            None => name,
        })
    }
}

/// A serde_json error's message without its position.
pub(super) fn json_error_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(msg) => msg.to_owned(),
        None => text,
    }
}

/// Where an object sits in its file, for messages.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Place {
    /// 1-based document number in the file (a YAML document or a top-level JSON value).
    pub doc: usize,
    /// Name the document in messages (the file holds, or may hold, more than one).
    pub show_doc: bool,
    /// 1-based index in the list's `items`, for list members.
    pub item: Option<usize>,
}

impl Place {
    /// `document 2: item 3` (the parts that apply), with no trailing separator.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if self.show_doc {
            let _ = write!(out, "document {}", self.doc);
        }
        if let Some(item) = self.item {
            if !out.is_empty() {
                out.push_str(": ");
            }
            let _ = write!(out, "item {item}");
        }
        out
    }

    /// `document 2: item 3 (Pod ns/name)` or `Pod ns/name`: the object a message is about.
    pub fn subject(&self, kind: Option<&str>, key: Option<&str>) -> String {
        let what = match (kind, key) {
            (Some(kind), Some(key)) => format!("{kind} {key}"),
            (Some(kind), None) => kind.to_owned(),
            (None, Some(key)) => key.to_owned(),
            (None, None) => String::new(),
        };
        let place = self.describe();
        match (place.is_empty(), what.is_empty()) {
            (true, true) => "object".to_owned(),
            (true, false) => what,
            (false, true) => place,
            (false, false) if self.item.is_some() => format!("{place} ({what})"),
            (false, false) => format!("{place}: {what}"),
        }
    }
}

/// A fatal problem with one object: the loader stops and reports it.
#[derive(Debug)]
pub(super) struct ItemError {
    /// The object (`item 3 (Pod ns/name)`), without the file name.
    pub subject: String,
    /// What is wrong with it.
    pub detail: String,
    /// Line and column (1-based) inside the object's text, when known.
    pub at: Option<(usize, usize)>,
}

/// Accumulates the objects of every file, in load order.
#[derive(Default)]
pub(super) struct Collector {
    /// The caps on what the inputs may make the loader hold.
    pub limits: super::Limits,
    /// Objects of the current file, and how many of them had no `kind`.
    file_objects: usize,
    file_kindless: usize,
    /// Index in `warnings` of the current file's first warning.
    file_warnings: usize,
    pub snapshot: Snapshot,
    pub warnings: Vec<String>,
    /// Display names of the files loaded so far.
    files: Vec<String>,
    /// For each kept object, the index in `files` it came from, per kind.
    origins: [Vec<u32>; 5],
    /// Kubernetes objects seen (of any kind, kept or not).
    pub objects: usize,
    /// The 1-based line where the next object added starts, when the loader knows it (set
    /// just before [`Collector::add`], which consumes it).
    pub line: Option<usize>,
    /// Where each DaemonSet was read: `(namespace, name)` → `FILE:LINE` (or `FILE`). The last
    /// copy wins, as in the snapshot.
    pub daemon_set_sources: std::collections::BTreeMap<(String, String), String>,
}

fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Node => 0,
        Kind::Pod => 1,
        Kind::DaemonSet => 2,
        Kind::ControllerRevision => 3,
        Kind::Event => 4,
    }
}

impl Collector {
    /// Starts a new file; its name prefixes every later message until the next call.
    pub fn begin_file(&mut self, display: &str) {
        self.files.push(display.to_owned());
        self.file_objects = 0;
        self.file_kindless = 0;
        self.file_warnings = self.warnings.len();
    }

    /// A collector under `limits`.
    pub fn with_limits(limits: super::Limits) -> Self {
        Collector {
            limits,
            ..Collector::default()
        }
    }

    /// When the current file held objects and none had a `kind`: how many, after dropping the
    /// warnings about them (the caller reports the file once instead).
    pub fn nothing_but_kindless(&mut self) -> Option<usize> {
        if self.file_objects == 0 || self.file_kindless < self.file_objects {
            return None;
        }
        self.warnings.truncate(self.file_warnings);
        Some(self.file_objects)
    }

    /// The current file's display name.
    pub fn file(&self) -> &str {
        self.files.last().map_or("<input>", String::as_str)
    }

    fn file_index(&self) -> u32 {
        u32::try_from(self.files.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    /// Adds one object whose `kind` and `apiVersion` are already known (either may be absent).
    ///
    /// Objects of other kinds are counted and dropped; objects with an unsupported apiVersion,
    /// without a kind or without a name are skipped with a warning. Only an object that does
    /// not decode is an error.
    pub fn add<S: ItemSource>(
        &mut self,
        place: &Place,
        kind: Option<&str>,
        api_version: Option<&str>,
        src: S,
    ) -> Result<(), ItemError> {
        self.objects += 1;
        self.file_objects += 1;
        if self.objects > self.limits.objects {
            return Err(ItemError {
                subject: place.subject(kind, None),
                detail: format!(
                    "more than {} objects in the input (the loader's limit; is the input endless?)",
                    super::count_figure(self.limits.objects)
                ),
                at: None,
            });
        }
        let line = self.line.take();
        let Some(kind_name) = kind.filter(|k| !k.is_empty()) else {
            self.file_kindless += 1;
            let key = src.key();
            let subject = place.subject(None, key.as_deref());
            let file = self.file().to_owned();
            self.warnings
                .push(format!("{file}: {subject}: kind is missing; skipped"));
            return Ok(());
        };
        let Some(kind) = Kind::from_kind(kind_name) else {
            return Ok(());
        };
        if let Some(api) = api_version.filter(|a| !a.is_empty()) {
            let known = kind.known_api_versions();
            if !known.contains(&api) {
                let key = src.key();
                let subject = place.subject(Some(kind_name), key.as_deref());
                let file = self.file().to_owned();
                self.warnings.push(format!(
                    "{file}: {subject}: apiVersion {api} is not supported (known: {}); skipped",
                    known.join(", ")
                ));
                return Ok(());
            }
        }
        match kind {
            Kind::Node => self.push(place, kind, src, |s| &mut s.nodes, |o| &o.metadata),
            Kind::Pod => self.push(place, kind, src, |s| &mut s.pods, |o| &o.metadata),
            Kind::DaemonSet => {
                let before = self.snapshot.daemon_sets.len();
                self.push(place, kind, src, |s| &mut s.daemon_sets, |o| &o.metadata)?;
                if let Some(ds) = self.snapshot.daemon_sets.get(before) {
                    let file = self.file();
                    let source = match line {
                        Some(line) => format!("{file}:{line}"),
                        None => file.to_owned(),
                    };
                    let key = (ds.metadata.namespace.clone(), ds.metadata.name.clone());
                    self.daemon_set_sources.insert(key, source);
                }
                Ok(())
            }
            Kind::ControllerRevision => {
                self.push(place, kind, src, |s| &mut s.revisions, |o| &o.metadata)
            }
            Kind::Event => self.push(place, kind, src, |s| &mut s.events, |o| &o.metadata),
        }
    }

    fn push<T, S>(
        &mut self,
        place: &Place,
        kind: Kind,
        src: S,
        list: fn(&mut Snapshot) -> &mut Vec<T>,
        meta: fn(&T) -> &ObjectMeta,
    ) -> Result<(), ItemError>
    where
        T: DeserializeOwned + Shrink,
        S: ItemSource,
    {
        let kind_name = kind_name(kind);
        let (limit, real) = match kind {
            Kind::Node => (
                self.limits.nodes,
                "Kubernetes supports 5,000 nodes per cluster",
            ),
            Kind::Pod => (
                self.limits.pods,
                "Kubernetes supports 150,000 pods per cluster",
            ),
            _ => (self.limits.others, "far more than a cluster holds"),
        };
        if list(&mut self.snapshot).len() >= limit {
            return Err(ItemError {
                subject: place.subject(Some(kind_name), None),
                detail: format!(
                    "more than {} {kind_name} objects in the input (the loader's limit; {real})",
                    super::count_figure(limit)
                ),
                at: None,
            });
        }
        let mut object: T = match src.decode() {
            Ok(object) => object,
            Err(e) => {
                return Err(ItemError {
                    subject: place.subject(Some(kind_name), e.key.as_deref()),
                    detail: e.detail,
                    at: e.at,
                });
            }
        };
        if meta(&object).name.is_empty() {
            let subject = place.subject(Some(kind_name), None);
            let file = self.file().to_owned();
            self.warnings.push(format!(
                "{file}: {subject}: metadata.name is missing; skipped"
            ));
            return Ok(());
        }
        object.shrink();
        let origin = self.file_index();
        list(&mut self.snapshot).push(object);
        self.origins[slot(kind)].push(origin);
        Ok(())
    }

    /// Drops duplicates (the later copy wins) and returns the result.
    pub fn finish(mut self) -> (Snapshot, Vec<String>) {
        let files = std::mem::take(&mut self.files);
        let [nodes, pods, dss, revs, events] = std::mem::take(&mut self.origins);
        let w = &mut self.warnings;
        let s = &mut self.snapshot;
        dedupe(&mut s.nodes, &nodes, |o| &o.metadata, Kind::Node, &files, w);
        dedupe(&mut s.pods, &pods, |o| &o.metadata, Kind::Pod, &files, w);
        dedupe(
            &mut s.daemon_sets,
            &dss,
            |o| &o.metadata,
            Kind::DaemonSet,
            &files,
            w,
        );
        let rev = Kind::ControllerRevision;
        dedupe(&mut s.revisions, &revs, |o| &o.metadata, rev, &files, w);
        dedupe(
            &mut s.events,
            &events,
            |o| &o.metadata,
            Kind::Event,
            &files,
            w,
        );
        (self.snapshot, self.warnings)
    }
}

/// Gives back the spare capacity of an object's vectors.
///
/// Decoding grows each vector by doubling from four slots, so a pod's single container status
/// (about 500 bytes) holds room for four. Across 100,000 pods that slack is a quarter of the
/// model's memory; shrinking right after decoding returns it before the next item needs it.
trait Shrink {
    fn shrink(&mut self);
}

fn shrink_meta(meta: &mut ObjectMeta) {
    meta.owner_references.shrink_to_fit();
}

fn shrink_node_selector(selector: &mut NodeSelector) {
    selector.node_selector_terms.shrink_to_fit();
    for term in &mut selector.node_selector_terms {
        for requirements in [&mut term.match_expressions, &mut term.match_fields] {
            requirements.shrink_to_fit();
            for r in requirements.iter_mut() {
                r.values.shrink_to_fit();
            }
        }
    }
}

fn shrink_containers(containers: &mut Vec<ContainerSpec>) {
    containers.shrink_to_fit();
    for c in containers {
        c.ports.shrink_to_fit();
    }
}

fn shrink_pod_spec(spec: &mut PodSpec) {
    spec.tolerations.shrink_to_fit();
    shrink_containers(&mut spec.containers);
    shrink_containers(&mut spec.init_containers);
    spec.scheduling_gates.shrink_to_fit();
    let required = spec
        .affinity
        .as_mut()
        .and_then(|a| a.node_affinity.as_mut())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_mut()
        });
    if let Some(selector) = required {
        shrink_node_selector(selector);
    }
}

impl Shrink for Pod {
    fn shrink(&mut self) {
        shrink_meta(&mut self.metadata);
        shrink_pod_spec(&mut self.spec);
        self.status.conditions.shrink_to_fit();
        self.status.container_statuses.shrink_to_fit();
        self.status.init_container_statuses.shrink_to_fit();
    }
}

impl Shrink for Node {
    fn shrink(&mut self) {
        shrink_meta(&mut self.metadata);
        self.spec.taints.shrink_to_fit();
        self.status.conditions.shrink_to_fit();
    }
}

impl Shrink for DaemonSet {
    fn shrink(&mut self) {
        shrink_meta(&mut self.metadata);
        shrink_meta(&mut self.spec.template.metadata);
        shrink_pod_spec(&mut self.spec.template.spec);
        if let Some(selector) = &mut self.spec.selector {
            selector.match_expressions.shrink_to_fit();
        }
    }
}

impl Shrink for ControllerRevision {
    fn shrink(&mut self) {
        shrink_meta(&mut self.metadata);
    }
}

impl Shrink for Event {
    fn shrink(&mut self) {
        shrink_meta(&mut self.metadata);
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Node => "Node",
        Kind::Pod => "Pod",
        Kind::DaemonSet => "DaemonSet",
        Kind::ControllerRevision => "ControllerRevision",
        Kind::Event => "Event",
    }
}

/// Keeps the last of each group of objects with the same namespace and name, with one warning
/// per duplicated object. Sorting indices keeps this free of per-object allocations.
fn dedupe<T>(
    objects: &mut Vec<T>,
    origins: &[u32],
    meta: fn(&T) -> &ObjectMeta,
    kind: Kind,
    files: &[String],
    warnings: &mut Vec<String>,
) {
    if objects.len() < 2 {
        return;
    }
    let same = |a: &ObjectMeta, b: &ObjectMeta| a.namespace == b.namespace && a.name == b.name;
    let mut order: Vec<u32> = (0..u32::try_from(objects.len()).unwrap_or(u32::MAX)).collect();
    order.sort_unstable_by(|&a, &b| {
        let (ma, mb) = (meta(&objects[a as usize]), meta(&objects[b as usize]));
        match ma.namespace.cmp(&mb.namespace) {
            Ordering::Equal => ma.name.cmp(&mb.name).then(a.cmp(&b)),
            other => other,
        }
    });
    let mut drop: Vec<bool> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let first = meta(&objects[order[start] as usize]);
        let mut end = start + 1;
        while end < order.len() && same(first, meta(&objects[order[end] as usize])) {
            end += 1;
        }
        if end - start > 1 {
            if drop.is_empty() {
                drop = vec![false; objects.len()];
            }
            let group = &order[start..end];
            let last = *group.last().unwrap_or(&order[start]) as usize;
            for &i in &group[..group.len() - 1] {
                drop[i as usize] = true;
            }
            let mut uids: Vec<&str> = group
                .iter()
                .map(|&i| meta(&objects[i as usize]).uid.as_str())
                .filter(|u| !u.is_empty())
                .collect();
            uids.sort_unstable();
            uids.dedup();
            let file = files.get(origins[last] as usize).map_or("<input>", |f| f);
            let mut earlier: Vec<&str> = group[..group.len() - 1]
                .iter()
                .map(|&i| {
                    files
                        .get(origins[i as usize] as usize)
                        .map_or("<input>", |f| f)
                })
                .filter(|f| *f != file)
                .collect();
            earlier.dedup();
            let mut note = String::new();
            if !earlier.is_empty() {
                let _ = write!(note, " (earlier copy in {})", earlier.join(", "));
            }
            if uids.len() > 1 {
                note.push_str(" (the copies have different uids)");
            }
            warnings.push(format!(
                "duplicate {} {} in {file}{note}; using the later one",
                kind_name(kind),
                meta(&objects[last]).key()
            ));
        }
        start = end;
    }
    if drop.is_empty() {
        return;
    }
    let mut index = 0;
    objects.retain(|_| {
        let keep = !drop[index];
        index += 1;
        keep
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pod;

    fn pod(ns: &str, name: &str, uid: &str, phase: &str) -> serde_json::Value {
        serde_json::json!({
            "metadata": {"namespace": ns, "name": name, "uid": uid},
            "status": {"phase": phase},
        })
    }

    #[test]
    fn subjects_name_what_is_known() {
        let item = Place {
            doc: 2,
            show_doc: true,
            item: Some(3),
        };
        assert_eq!(
            item.subject(Some("Pod"), Some("ns/a")),
            "document 2: item 3 (Pod ns/a)"
        );
        assert_eq!(item.subject(None, None), "document 2: item 3");
        let single = Place {
            doc: 1,
            show_doc: false,
            item: None,
        };
        assert_eq!(single.subject(Some("Node"), Some("n1")), "Node n1");
        assert_eq!(single.subject(None, None), "object");
        let doc = Place {
            doc: 4,
            show_doc: true,
            item: None,
        };
        assert_eq!(doc.subject(Some("Pod"), None), "document 4: Pod");
    }

    #[test]
    fn duplicates_keep_the_last_copy_with_one_warning_each() {
        let mut c = Collector::default();
        let place = Place::default();
        c.begin_file("a.json");
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "x", "u1", "Pending"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "y", "", "Pending"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "x", "u1", "Running"),
        )
        .unwrap();
        c.begin_file("b.yaml");
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "x", "u1", "Succeeded"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "y", "u9", "Failed"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("other", "x", "u1", "Running"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "z", "u2", "Running"),
        )
        .unwrap();
        c.add(
            &place,
            Some("Pod"),
            Some("v1"),
            pod("ns", "z", "u3", "Failed"),
        )
        .unwrap();
        assert_eq!(c.objects, 8);
        let (snapshot, warnings) = c.finish();
        let got: Vec<(String, &str)> = snapshot
            .pods
            .iter()
            .map(|p: &Pod| (p.metadata.key(), p.status.phase.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("ns/x".to_owned(), "Succeeded"),
                ("ns/y".to_owned(), "Failed"),
                ("other/x".to_owned(), "Running"),
                ("ns/z".to_owned(), "Failed"),
            ]
        );
        assert_eq!(
            warnings,
            [
                "duplicate Pod ns/x in b.yaml (earlier copy in a.json); using the later one",
                "duplicate Pod ns/y in b.yaml (earlier copy in a.json); using the later one",
                "duplicate Pod ns/z in b.yaml (the copies have different uids); using the later one",
            ]
        );
    }

    #[test]
    fn vectors_keep_no_spare_capacity() {
        let mut c = Collector::default();
        c.begin_file("p.json");
        let pod = serde_json::json!({
            "metadata": {"name": "p", "ownerReferences": [{"kind": "DaemonSet", "name": "d"}]},
            "spec": {
                "containers": [{"name": "c", "ports": [{"containerPort": 80}]}],
                "tolerations": [{"operator": "Exists"}],
                "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchFields": [
                        {"key": "metadata.name", "operator": "In", "values": ["n1"]}
                    ]}]
                }}}
            },
            "status": {"conditions": [{"type": "Ready", "status": "True"}],
                       "containerStatuses": [{"name": "c", "ready": true}]}
        });
        let text = serde_json::to_vec(&pod).unwrap();
        let src = super::super::json::JsonText(&text);
        c.add(&Place::default(), Some("Pod"), Some("v1"), src)
            .unwrap();
        let (snapshot, _) = c.finish();
        let pod = &snapshot.pods[0];
        assert_eq!(pod.target_node(), Some("n1"));
        assert_eq!(pod.metadata.owner_references.capacity(), 1);
        assert_eq!(pod.spec.containers.capacity(), 1);
        assert_eq!(pod.spec.containers[0].ports.capacity(), 1);
        assert_eq!(pod.spec.tolerations.capacity(), 1);
        let required = pod.spec.required_node_affinity().unwrap();
        assert_eq!(required.node_selector_terms.capacity(), 1);
        assert_eq!(required.node_selector_terms[0].match_fields.capacity(), 1);
        assert_eq!(
            required.node_selector_terms[0].match_fields[0]
                .values
                .capacity(),
            1
        );
        assert_eq!(pod.status.conditions.capacity(), 1);
        assert_eq!(pod.status.container_statuses.capacity(), 1);
    }

    #[test]
    fn unusable_objects_are_skipped_with_a_warning() {
        let mut c = Collector::default();
        c.begin_file("f.json");
        let at = |item| Place {
            doc: 1,
            show_doc: false,
            item: Some(item),
        };
        let obj = serde_json::json!({"metadata": {"name": "a", "namespace": "n"}});
        c.add(
            &at(1),
            Some("DaemonSet"),
            Some("extensions/v1beta1"),
            obj.clone(),
        )
        .unwrap();
        c.add(&at(2), None, Some("v1"), obj.clone()).unwrap();
        c.add(
            &at(3),
            Some("Pod"),
            Some("v1"),
            serde_json::json!({"metadata": {}}),
        )
        .unwrap();
        c.add(&at(4), Some("ReplicaSet"), Some("apps/v1"), obj.clone())
            .unwrap();
        c.add(&at(5), Some("Event"), Some("events.k8s.io/v1"), obj.clone())
            .unwrap();
        let err = c
            .add(
                &at(6),
                Some("Node"),
                None,
                serde_json::json!({"metadata": {"name": 5}}),
            )
            .unwrap_err();
        assert_eq!(err.subject, "item 6 (Node)");
        assert!(err.detail.contains("invalid type"), "{}", err.detail);
        let (snapshot, warnings) = c.finish();
        assert_eq!(snapshot.events.len(), 1);
        assert_eq!(
            warnings,
            [
                "f.json: item 1 (DaemonSet n/a): apiVersion extensions/v1beta1 is not supported (known: apps/v1); skipped",
                "f.json: item 2 (n/a): kind is missing; skipped",
                "f.json: item 3 (Pod): metadata.name is missing; skipped",
            ]
        );
    }
}
