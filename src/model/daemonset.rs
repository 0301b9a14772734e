//! `apps/v1 DaemonSet`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};
use super::pod::PodTemplate;
use super::template::TemplateExtras;

/// A DaemonSet.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct DaemonSet {
    /// `metadata`.
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(deserialize_with = "null_default")]
    pub spec: DaemonSetSpec,
    /// `status` (as last written by the controller).
    #[serde(deserialize_with = "null_default")]
    pub status: DaemonSetStatus,
}

/// `DaemonSet.spec`. The template is kept twice: typed for the analysis, and as the original
/// JSON so revisions can be compared and patched without losing fields this model skips.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSpec {
    /// Pod selector; `None` when absent.
    pub selector: Option<LabelSelector>,
    /// The pod template, typed.
    #[serde(skip)]
    pub template: PodTemplate,
    /// The pod template exactly as the object carried it.
    #[serde(rename = "template")]
    pub template_json: serde_json::Value,
    /// Update strategy.
    pub update_strategy: UpdateStrategy,
    /// `minReadySeconds`.
    pub min_ready_seconds: i64,
    /// `revisionHistoryLimit`.
    pub revision_history_limit: Option<i32>,
    /// Template fields only `check` reads (kept here, not in `PodSpec`, so pods stay small).
    #[serde(skip)]
    pub template_extras: Box<TemplateExtras>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RawSpec {
    selector: Option<LabelSelector>,
    template: Option<serde_json::Value>,
    #[serde(deserialize_with = "null_default")]
    update_strategy: UpdateStrategy,
    #[serde(deserialize_with = "null_default")]
    min_ready_seconds: i64,
    revision_history_limit: Option<i32>,
}

impl<'de> Deserialize<'de> for DaemonSetSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawSpec::deserialize(deserializer)?;
        let template_json = raw.template.unwrap_or(serde_json::Value::Null);
        let template = if template_json.is_null() {
            PodTemplate::default()
        } else {
            PodTemplate::deserialize(&template_json)
                .map_err(|e| serde::de::Error::custom(format!("spec.template: {e}")))?
        };
        let template_extras = TemplateExtras::from_template(&template_json)
            .map_err(|e| serde::de::Error::custom(format!("spec.template.spec: {e}")))?;
        Ok(DaemonSetSpec {
            template_extras: Box::new(template_extras),
            selector: raw.selector,
            template,
            template_json,
            update_strategy: raw.update_strategy,
            min_ready_seconds: raw.min_ready_seconds,
            revision_history_limit: raw.revision_history_limit,
        })
    }
}

/// A label selector (`matchLabels` ANDed with `matchExpressions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelSelector {
    /// Exact label matches.
    #[serde(deserialize_with = "crate::model::meta::unique_string_map")]
    pub match_labels: BTreeMap<String, String>,
    /// Set-based requirements.
    #[serde(deserialize_with = "null_default")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One set-based label requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct LabelSelectorRequirement {
    /// Label key.
    #[serde(deserialize_with = "null_default")]
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`.
    #[serde(deserialize_with = "null_default")]
    pub operator: String,
    /// Values.
    #[serde(deserialize_with = "null_default")]
    pub values: Vec<String>,
}

impl LabelSelector {
    /// True for `{}`: the selector that would select every pod (the controller refuses it).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
}

/// `spec.updateStrategy`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UpdateStrategy {
    /// `RollingUpdate` (the API default) or `OnDelete`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Budgets for `RollingUpdate`.
    pub rolling_update: Option<RollingUpdate>,
}

impl Default for UpdateStrategy {
    fn default() -> Self {
        UpdateStrategy {
            type_: "RollingUpdate".to_owned(),
            rolling_update: None,
        }
    }
}

/// `rollingUpdate` budgets: an integer or a percentage string.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RollingUpdate {
    /// `maxUnavailable` (API default 1).
    pub max_unavailable: Option<IntOrString>,
    /// `maxSurge` (API default 0).
    pub max_surge: Option<IntOrString>,
}

/// An `IntOrString` value such as `1` or `"10%"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A count.
    Int(i64),
    /// A percentage (or a count written as a string).
    String(String),
}

/// `DaemonSet.status`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DaemonSetStatus {
    /// Nodes that should run the pod.
    pub desired_number_scheduled: i64,
    /// Nodes that run at least one pod and should.
    pub current_number_scheduled: i64,
    /// Nodes that run a pod but should not.
    pub number_misscheduled: i64,
    /// Nodes whose pod is Ready.
    pub number_ready: i64,
    /// Nodes whose pod is available.
    pub number_available: Option<i64>,
    /// Desired nodes without an available pod.
    pub number_unavailable: Option<i64>,
    /// Nodes running the current revision.
    pub updated_number_scheduled: Option<i64>,
    /// Generation the controller last acted on.
    pub observed_generation: Option<i64>,
    /// Hash collision counter.
    pub collision_count: Option<i32>,
}

impl DaemonSet {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        self.metadata.key()
    }

    /// `OnDelete` or `RollingUpdate`.
    pub fn strategy(&self) -> &str {
        &self.spec.update_strategy.type_
    }
}
