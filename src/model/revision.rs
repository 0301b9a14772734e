//! `apps/v1 ControllerRevision`: one stored template of a DaemonSet.

use serde::{Deserialize, Serialize};

use super::meta::{ObjectMeta, null_default};

/// A ControllerRevision.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct ControllerRevision {
    /// `metadata` (labels carry `controller-revision-hash`).
    #[serde(deserialize_with = "null_default")]
    pub metadata: ObjectMeta,
    /// The stored patch, `{"spec":{"template":{…,"$patch":"replace"}}}`.
    pub data: serde_json::Value,
    /// Revision number.
    pub revision: i64,
}

impl ControllerRevision {
    /// The revision's hash: its `controller-revision-hash` label, else its name's suffix.
    pub fn hash(&self) -> &str {
        if let Some(h) = self.metadata.labels.get("controller-revision-hash") {
            return h;
        }
        self.metadata
            .name
            .rsplit_once('-')
            .map_or(self.metadata.name.as_str(), |(_, h)| h)
    }

    /// The stored pod template, without the `$patch` directive.
    pub fn template(&self) -> Option<serde_json::Value> {
        let mut template = self.data.get("spec")?.get("template")?.clone();
        if let Some(map) = template.as_object_mut() {
            map.remove("$patch");
        }
        Some(template)
    }
}
