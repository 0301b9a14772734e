//! Object metadata shared by every kind.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};

/// The parts of `metadata` the analysis reads.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    /// `metadata.name`; empty when the object has none (the loader rejects that).
    #[serde(deserialize_with = "null_default")]
    pub name: String,
    /// `metadata.namespace`; empty for cluster-scoped objects.
    #[serde(deserialize_with = "null_default")]
    pub namespace: String,
    /// `metadata.uid`.
    #[serde(deserialize_with = "null_default")]
    pub uid: String,
    /// `metadata.resourceVersion`, used as a write precondition.
    #[serde(deserialize_with = "null_default")]
    pub resource_version: String,
    /// `metadata.generation`.
    pub generation: Option<i64>,
    /// `metadata.creationTimestamp`.
    pub creation_timestamp: Option<Timestamp>,
    /// `metadata.deletionTimestamp`: set while the object is terminating.
    pub deletion_timestamp: Option<Timestamp>,
    /// `metadata.labels`.
    #[serde(deserialize_with = "unique_string_map")]
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    #[serde(deserialize_with = "unique_string_map")]
    pub annotations: BTreeMap<String, String>,
    /// `metadata.ownerReferences`.
    #[serde(deserialize_with = "null_default")]
    pub owner_references: Vec<OwnerReference>,
    /// The newest `metadata.managedFields[].time`: when a writer last touched the object, one of
    /// the clocks a saved dump carries. Only the time is kept; never written out.
    #[serde(
        rename = "managedFields",
        deserialize_with = "newest_managed_time",
        skip_serializing
    )]
    pub managed_fields_time: Option<Timestamp>,
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's API version, e.g. `apps/v1`.
    pub api_version: String,
    /// The owner's kind, e.g. `DaemonSet`.
    pub kind: String,
    /// The owner's name.
    pub name: String,
    /// The owner's uid.
    pub uid: String,
    /// True for the managing controller.
    pub controller: Option<bool>,
}

impl ObjectMeta {
    /// The controller owner reference, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    /// `namespace/name`, or just `name` for cluster-scoped objects.
    pub fn key(&self) -> String {
        if self.namespace.is_empty() {
            self.name.clone()
        } else {
            format!("{}/{}", self.namespace, self.name)
        }
    }
}

/// Deserializes an explicit `null` (as YAML writes an empty key) as the type's default.
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A string map (labels, a selector), `null` read as empty, refusing a repeated key: JSON keeps
/// the last of two equal keys, so the answer would depend on their order.
pub(crate) fn unique_string_map<'de, D>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error>
where
    D: Deserializer<'de>,
{
    struct MapVisitor;
    impl<'de> serde::de::Visitor<'de> for MapVisitor {
        type Value = BTreeMap<String, String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of strings")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(BTreeMap::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, String>()? {
                if let Some((key, _)) = out.get_key_value(&key) {
                    return Err(serde::de::Error::custom(format!("duplicate key {key:?}")));
                }
                out.insert(key, value);
            }
            Ok(out)
        }
    }
    deserializer.deserialize_option(MapVisitor)
}

/// Deserializes `metadata` without its annotations (for kinds whose annotations nothing reads).
pub(crate) fn without_annotations<'de, D: Deserializer<'de>>(d: D) -> Result<ObjectMeta, D::Error> {
    #[derive(Default, Deserialize)]
    #[serde(default, rename_all = "camelCase")]
    struct Lean {
        #[serde(deserialize_with = "null_default")]
        name: String,
        #[serde(deserialize_with = "null_default")]
        namespace: String,
        #[serde(deserialize_with = "null_default")]
        uid: String,
        #[serde(deserialize_with = "null_default")]
        resource_version: String,
        generation: Option<i64>,
        creation_timestamp: Option<Timestamp>,
        deletion_timestamp: Option<Timestamp>,
        #[serde(deserialize_with = "unique_string_map")]
        labels: BTreeMap<String, String>,
        #[serde(deserialize_with = "null_default")]
        owner_references: Vec<OwnerReference>,
        #[serde(rename = "managedFields", deserialize_with = "newest_managed_time")]
        managed_fields_time: Option<Timestamp>,
    }
    let lean: Lean = null_default(d)?;
    Ok(ObjectMeta {
        name: lean.name,
        namespace: lean.namespace,
        uid: lean.uid,
        resource_version: lean.resource_version,
        generation: lean.generation,
        creation_timestamp: lean.creation_timestamp,
        deletion_timestamp: lean.deletion_timestamp,
        labels: lean.labels,
        annotations: BTreeMap::new(),
        owner_references: lean.owner_references,
        managed_fields_time: lean.managed_fields_time,
    })
}

/// Folds `metadata.managedFields` to its newest `time`, skipping each entry's field set (the bulk
/// of it). A time that does not parse is ignored: it only ever serves as an offline clock.
fn newest_managed_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    #[derive(Default, Deserialize)]
    #[serde(default)]
    struct Entry {
        time: Option<String>,
    }
    let entries: Vec<Entry> = null_default(d)?;
    Ok(entries
        .iter()
        .filter_map(|e| e.time.as_deref()?.parse::<Timestamp>().ok())
        .max())
}
