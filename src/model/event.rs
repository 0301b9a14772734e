//! Events (`v1` and `events.k8s.io/v1`), kept as evidence for verdicts.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};

/// An event, from either API group.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Event {
    /// `metadata`.
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    /// The object the event is about (`regarding` in events.k8s.io/v1).
    #[serde(alias = "regarding", deserialize_with = "null_default")]
    pub involved_object: InvolvedObject,
    /// Short reason (`FailedCreate`, `FailedScheduling`, `FailedMount`, …).
    #[serde(deserialize_with = "null_default")]
    pub reason: String,
    /// Message (`note` in events.k8s.io/v1).
    #[serde(alias = "note", deserialize_with = "null_default")]
    pub message: String,
    /// `Normal` or `Warning`.
    #[serde(rename = "type", deserialize_with = "null_default")]
    pub type_: String,
    /// Occurrences (v1).
    #[serde(alias = "deprecatedCount")]
    pub count: Option<i64>,
    /// Last occurrence (v1).
    #[serde(alias = "deprecatedLastTimestamp")]
    pub last_timestamp: Option<Timestamp>,
    /// First occurrence (v1).
    #[serde(alias = "deprecatedFirstTimestamp")]
    pub first_timestamp: Option<Timestamp>,
    /// Event time (events.k8s.io/v1 and newer v1 writers).
    pub event_time: Option<Timestamp>,
    /// Series of repeats.
    pub series: Option<EventSeries>,
    /// Who wrote it (v1; `deprecatedSource` in events.k8s.io/v1).
    #[serde(alias = "deprecatedSource", deserialize_with = "null_default")]
    pub source: EventSource,
    /// The controller that wrote it (`reportingController` in events.k8s.io/v1).
    #[serde(alias = "reportingController", deserialize_with = "null_default")]
    pub reporting_component: String,
}

/// The writer of a v1 event; only the component is shown.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct EventSource {
    /// `kubelet`, `daemonset-controller`, `default-scheduler`, …
    #[serde(deserialize_with = "null_default")]
    pub component: String,
}

/// The object an event refers to.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct InvolvedObject {
    /// Kind.
    #[serde(deserialize_with = "null_default")]
    pub kind: String,
    /// Namespace.
    #[serde(deserialize_with = "null_default")]
    pub namespace: String,
    /// Name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Uid.
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
}

/// Repetition of an event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EventSeries {
    /// Number of repeats.
    pub count: Option<i64>,
    /// Last repeat.
    pub last_observed_time: Option<Timestamp>,
}

impl Event {
    /// When the event last happened, from whichever timestamp its writer set.
    pub fn last_seen(&self) -> Option<Timestamp> {
        self.series
            .as_ref()
            .and_then(|s| s.last_observed_time)
            .or(self.last_timestamp)
            .or(self.event_time)
            .or(self.first_timestamp)
            .or(self.metadata.creation_timestamp)
    }

    /// kubectl describe's `From`: the source component, else the reporting controller.
    pub fn from(&self) -> &str {
        if self.source.component.is_empty() {
            &self.reporting_component
        } else {
            &self.source.component
        }
    }

    /// How many times it happened.
    pub fn occurrences(&self) -> i64 {
        self.series
            .as_ref()
            .and_then(|s| s.count)
            .or(self.count)
            .unwrap_or(1)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Event {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn from_is_the_source_component_then_the_reporting_controller() {
        // core/v1, as the kubelet and the controllers write it.
        let v1 = event(
            r#"{"source": {"component": "kubelet", "host": "n1"}, "reportingComponent": "kubelet-x"}"#,
        );
        assert_eq!(v1.from(), "kubelet");
        // core/v1 written through events.k8s.io: no source, kubectl falls back.
        let new_writer = event(r#"{"source": {}, "reportingComponent": "default-scheduler"}"#);
        assert_eq!(new_writer.from(), "default-scheduler");
        // events.k8s.io/v1 itself.
        let events_k8s_io = event(r#"{"reportingController": "daemonset-controller"}"#);
        assert_eq!(events_k8s_io.from(), "daemonset-controller");
        let deprecated =
            event(r#"{"deprecatedSource": {"component": "kubelet"}, "reportingController": "x"}"#);
        assert_eq!(deprecated.from(), "kubelet");
        assert_eq!(event(r#"{"source": null}"#).from(), "");
    }
}
