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
