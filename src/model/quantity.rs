//! Resource quantities (`100m`, `1Gi`, `2`) held as integer milli-units.
//!
//! The scheduler compares CPU in millicores and everything else in whole units; holding every
//! resource in milli-units keeps both comparisons exact for any value a real object carries.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use kube_quantity::ParsedQuantity;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A resource list (`requests`, `allocatable`, `overhead`): resource name → milli-units, sorted
/// by name. A short vector rather than a map: lists hold a handful of entries and there is one
/// per container of every pod, so this is most of a large snapshot's memory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResourceList(Vec<(String, i128)>);

impl ResourceList {
    /// The amount of `resource` in milli-units (0 when absent).
    pub fn get(&self, resource: &str) -> i128 {
        self.amount(resource).unwrap_or(0)
    }

    /// The amount of `resource`, `None` when it is not listed.
    pub fn amount(&self, resource: &str) -> Option<i128> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(resource))
            .ok()
            .map(|i| self.0[i].1)
    }

    /// True when `resource` is listed.
    pub fn contains(&self, resource: &str) -> bool {
        self.amount(resource).is_some()
    }

    /// Sets `resource` to `milli`.
    pub fn insert(&mut self, resource: &str, milli: i128) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(resource)) {
            Ok(i) => self.0[i].1 = milli,
            Err(i) => self.0.insert(i, (resource.to_owned(), milli)),
        }
    }

    /// (resource, milli-units) pairs, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, i128)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// True when no resource is listed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, i128)> for ResourceList {
    fn from_iter<I: IntoIterator<Item = (String, i128)>>(iter: I) -> Self {
        let map: BTreeMap<String, i128> = iter.into_iter().collect();
        ResourceList(map.into_iter().collect())
    }
}

/// Parses a Kubernetes quantity into milli-units, rounding up as `Quantity.MilliValue` does.
///
/// # Errors
/// When the text is not a valid quantity.
pub fn parse_quantity_milli(text: &str) -> Result<i128, String> {
    let parsed = ParsedQuantity::try_from(&Quantity(text.trim().to_owned()))
        .map_err(|e| format!("invalid quantity {text:?}: {e}"))?;
    // The number is held as a decimal with 28 digits; multiplying a larger one by 1000 would
    // panic inside rust_decimal, so such a number is out of range before it gets there.
    if number_part(text.trim()).is_none_or(|n| !n.is_finite() || n.abs() >= 1e25) {
        return Err(format!("quantity {text:?} is out of range"));
    }
    let milli = (parsed * 1000)
        .to_bytes_f64()
        .ok_or_else(|| format!("quantity {text:?} is out of range"))?;
    if !milli.is_finite() || milli.abs() > 1e36 {
        return Err(format!("quantity {text:?} is out of range"));
    }
    // The cast saturates; the bound above keeps it exact enough for any real allocatable.
    Ok(milli.ceil() as i128)
}

impl<'de> Deserialize<'de> for ResourceList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = ResourceList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of resource names to quantities")
            }
            fn visit_unit<E: de::Error>(self) -> Result<ResourceList, E> {
                Ok(ResourceList::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<ResourceList, E> {
                Ok(ResourceList::default())
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<ResourceList, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResourceList, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(name) = map.next_key::<String>()? {
                    let value = map.next_value::<QuantityText>()?;
                    let milli = parse_quantity_milli(&value.0)
                        .map_err(|e| de::Error::custom(format!("{name}: {e}")))?;
                    if out.contains_key(&name) {
                        return Err(de::Error::custom(format!("duplicate key {name:?}")));
                    }
                    out.insert(name, milli);
                }
                Ok(ResourceList(out.into_iter().collect()))
            }
        }
        deserializer.deserialize_option(ListVisitor)
    }
}

/// A quantity as written: a string, or a bare number in hand-written YAML.
struct QuantityText(String);

impl<'de> Deserialize<'de> for QuantityText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = QuantityText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quantity such as \"100m\" or \"1Gi\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// The number of a quantity without its suffix (`1.5` of `1.5Gi`, `1e3` of `1e3`).
fn number_part(text: &str) -> Option<f64> {
    if let Ok(n) = text.parse::<f64>() {
        return Some(n);
    }
    let mut boundaries = text.char_indices().map(|(i, _)| i).rev();
    let last = boundaries.next()?;
    let before_last = boundaries.next();
    std::iter::once(last)
        .chain(before_last)
        .find_map(|cut| text[..cut].parse::<f64>().ok())
}

/// Formats milli-units for people: `cpu` as `250m`/`2`, memory-like resources in binary units.
pub fn format_quantity(resource: &str, milli: i128) -> String {
    if resource == "cpu" {
        if milli % 1000 == 0 {
            return (milli / 1000).to_string();
        }
        return format!("{milli}m");
    }
    let units = milli.div_euclid(1000);
    let is_bytes = resource == "memory"
        || resource == "ephemeral-storage"
        || resource.starts_with("hugepages-");
    if is_bytes {
        for (suffix, factor) in [
            ("Ti", 1i128 << 40),
            ("Gi", 1 << 30),
            ("Mi", 1 << 20),
            ("Ki", 1 << 10),
        ] {
            if units >= factor && units % factor == 0 {
                return format!("{}{suffix}", units / factor);
            }
        }
        for (suffix, factor) in [("Gi", 1i128 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] {
            if units >= factor {
                return format!("{:.1}{suffix}", units as f64 / factor as f64);
            }
        }
    }
    if milli % 1000 == 0 {
        units.to_string()
    } else {
        format!("{milli}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubernetes_quantities_to_milli_units() {
        assert_eq!(parse_quantity_milli("100m").unwrap(), 100);
        assert_eq!(parse_quantity_milli("2").unwrap(), 2000);
        assert_eq!(parse_quantity_milli("1.5").unwrap(), 1500);
        assert_eq!(parse_quantity_milli("1Ki").unwrap(), 1_024_000);
        assert_eq!(parse_quantity_milli("1Gi").unwrap(), (1i128 << 30) * 1000);
        assert_eq!(parse_quantity_milli("1k").unwrap(), 1_000_000);
        assert!(parse_quantity_milli("lots").is_err());
    }

    #[test]
    fn huge_quantities_are_errors_not_panics() {
        for text in [
            "79228162514264337593543950335",
            "79228162514264337593543950335Ei",
            "79228162514264337593543950335n",
            "9999999999999999999999999999E",
            "-79228162514264337593543950335Ei",
            "1e28",
            "1e308",
            "99999999999999999999999999999999999999",
        ] {
            let e = parse_quantity_milli(text).unwrap_err();
            assert!(e.contains(&format!("{text:?}")), "{text}: {e}");
        }
        assert_eq!(parse_quantity_milli("1e3").unwrap(), 1_000_000);
        assert_eq!(
            parse_quantity_milli("1P").unwrap(),
            1_000_000_000_000_000_000
        );
    }

    #[test]
    fn resource_list_accepts_numbers_and_null() {
        let list: ResourceList = serde_json::from_str(r#"{"cpu": 2, "memory": "64Mi"}"#).unwrap();
        assert_eq!(list.get("cpu"), 2000);
        assert_eq!(list.get("memory"), 64 * (1 << 20) * 1000);
        let empty: ResourceList = serde_json::from_str("null").unwrap();
        assert!(empty.is_empty());
        let err = serde_json::from_str::<ResourceList>(r#"{"cpu": "x1"}"#).unwrap_err();
        assert!(err.to_string().contains("cpu"), "{err}");
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(format_quantity("cpu", 250), "250m");
        assert_eq!(format_quantity("cpu", 2000), "2");
        assert_eq!(format_quantity("memory", 64 * (1 << 20) * 1000), "64Mi");
        assert_eq!(format_quantity("pods", 110_000), "110");
        assert_eq!(format_quantity("nvidia.com/gpu", 1000), "1");
    }
}
