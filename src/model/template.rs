//! Template fields only `check` reads (host access, security context, probes, volumes).
//!
//! They live on the DaemonSet side alone: every pod of a cluster is loaded into the model, and
//! none of them needs these, so [`PodSpec`](super::PodSpec) does not grow. A DaemonSet decodes
//! them once from its template JSON.

use serde::{Deserialize, Serialize};

use super::meta::null_default;

/// The extra template fields of a DaemonSet (`spec.template.spec`), for the linter.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TemplateExtras {
    /// `hostPID`.
    #[serde(rename = "hostPID")]
    pub host_pid: Option<bool>,
    /// `volumes`.
    #[serde(deserialize_with = "null_default")]
    pub volumes: Vec<Volume>,
    /// Regular containers, in template order (same order as `PodSpec::containers`).
    #[serde(deserialize_with = "null_default")]
    pub containers: Vec<ContainerExtras>,
    /// Init containers, in template order.
    #[serde(deserialize_with = "null_default")]
    pub init_containers: Vec<ContainerExtras>,
}

/// A volume; only `hostPath` volumes are described.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Volume {
    /// Volume name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// `hostPath`, when the volume is one.
    pub host_path: Option<HostPathSource>,
}

/// `hostPath`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct HostPathSource {
    /// Path on the node.
    #[serde(deserialize_with = "null_default")]
    pub path: String,
}

/// The extra fields of one container.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ContainerExtras {
    /// Container name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// `volumeMounts`.
    #[serde(deserialize_with = "null_default")]
    pub volume_mounts: Vec<VolumeMount>,
    /// `securityContext`.
    pub security_context: Option<SecurityContext>,
    /// True when `readinessProbe` is set (its contents do not matter here).
    #[serde(deserialize_with = "is_present")]
    pub readiness_probe: bool,
}

/// A volume mount.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VolumeMount {
    /// The volume's name.
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// Path in the container.
    #[serde(deserialize_with = "null_default")]
    pub mount_path: String,
    /// `readOnly`.
    pub read_only: Option<bool>,
}

/// A container's `securityContext` (the parts the linter reads).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SecurityContext {
    /// `privileged`.
    pub privileged: Option<bool>,
    /// `capabilities`.
    pub capabilities: Option<Capabilities>,
}

/// `capabilities`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct Capabilities {
    /// Added capabilities.
    #[serde(deserialize_with = "null_default")]
    pub add: Vec<String>,
    /// Dropped capabilities.
    #[serde(deserialize_with = "null_default")]
    pub drop: Vec<String>,
}

/// True when the field is present and not `null`.
fn is_present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let value = Option::<serde::de::IgnoredAny>::deserialize(d)?;
    Ok(value.is_some())
}

impl TemplateExtras {
    /// Decodes the extras from a template (`{metadata, spec}`) as JSON; `null` gives defaults.
    ///
    /// # Errors
    /// When a field this type reads has the wrong type.
    pub fn from_template(
        template: &serde_json::Value,
    ) -> Result<TemplateExtras, serde_json::Error> {
        match template.get("spec") {
            Some(spec) if !spec.is_null() => TemplateExtras::deserialize(spec),
            _ => Ok(TemplateExtras::default()),
        }
    }
}
