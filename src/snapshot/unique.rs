//! Repeated keys: JSON allows them and serde_json keeps the last, so `"kind"` written twice would
//! give a result that depends on the order. The loader refuses them instead: serde's derived
//! structs already reject a repeated field, the model's string maps reject a repeated key
//! (`crate::model::unique_string_map`), and [`UniqueKeys`] checks the object's top level, where
//! `kind` and `apiVersion` are read but not fields of the model.

use std::fmt;

use serde::de::value::CowStrDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

/// A deserializer whose top-level object refuses a key it has already seen.
pub(super) struct UniqueKeys<D>(pub D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for UniqueKeys<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Checked(visitor))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Checked(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Checked(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

/// The model's visitor, given a map that checks its keys.
struct Checked<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for Checked<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(CheckedMap {
            map,
            seen: Vec::new(),
        })
    }
}

struct CheckedMap<A> {
    map: A,
    seen: Vec<String>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<String>()? else {
            return Ok(None);
        };
        if self.seen.contains(&key) {
            return Err(de::Error::custom(format!("duplicate key {key:?}")));
        }
        self.seen.push(key.clone());
        seed.deserialize(CowStrDeserializer::<A::Error>::new(key.into()))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Node;
    use serde::Deserialize;

    fn decode(text: &str) -> Result<Node, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        Node::deserialize(UniqueKeys(&mut de))
    }

    #[test]
    fn a_repeated_top_level_key_is_refused_in_either_order() {
        let one = r#"{"kind": "Node", "metadata": {"name": "a"}}"#;
        assert_eq!(decode(one).unwrap().metadata.name, "a");
        for text in [
            r#"{"kind": "Node", "kind": "Pod", "metadata": {"name": "a"}}"#,
            r#"{"kind": "Pod", "metadata": {"name": "a"}, "kind": "Node"}"#,
        ] {
            let err = decode(text).unwrap_err().to_string();
            assert!(err.starts_with("duplicate key \"kind\""), "{err}");
        }
        // Model fields were already refused by serde's derive; string maps by the model.
        let err = decode(r#"{"metadata": {"name": "a"}, "metadata": {"name": "b"}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate"), "{err}");
        let err = decode(r#"{"metadata": {"name": "a", "labels": {"x": "1", "x": "2"}}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate key \"x\""), "{err}");
    }
}
