//! Label selectors and label syntax (apimachinery `labels` and `validation`).

use std::collections::BTreeMap;

use crate::model::LabelSelector;

/// True when `labels` satisfy `selector` (`matchLabels` AND every `matchExpressions` entry).
///
/// An empty selector matches everything here; callers that must refuse `{}` (the DaemonSet
/// controller does) check [`LabelSelector::is_empty`] first. An unknown operator matches nothing,
/// as `metav1.LabelSelectorAsSelector` fails on it.
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = selector
        .match_labels
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v));
    labels_ok
        && selector.match_expressions.iter().all(|req| {
            let value = labels.get(&req.key);
            match req.operator.as_str() {
                "In" => value.is_some_and(|v| req.values.contains(v)),
                "NotIn" => value.is_none_or(|v| !req.values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
}

/// Formats a selector the way kubectl prints one: `a=b,c in (x,y)`.
pub fn format_selector(selector: &LabelSelector) -> String {
    selector_string(selector, true)
}

/// A selector in kubectl's syntax: `matchLabels` (by key), then `matchExpressions` in order.
/// An expression with an operator the API does not define is shown as written when
/// `keep_unknown`, else left out (what a list request needs: the selection is then wider, never
/// narrower, and the analysis matches again itself).
pub fn selector_string(selector: &LabelSelector, keep_unknown: bool) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for req in &selector.match_expressions {
        let values = || req.values.join(",");
        match req.operator.as_str() {
            "In" => parts.push(format!("{} in ({})", req.key, values())),
            "NotIn" => parts.push(format!("{} notin ({})", req.key, values())),
            "Exists" => parts.push(req.key.clone()),
            "DoesNotExist" => parts.push(format!("!{}", req.key)),
            op if keep_unknown => parts.push(format!("{} {op} ({})", req.key, values())),
            _ => {}
        }
    }
    parts.join(",")
}

/// A valid label value: at most 63 characters, alphanumerics with `-`, `_`, `.` inside.
pub fn is_valid_label_value(value: &str) -> bool {
    value.is_empty() || is_qualified_segment(value)
}

/// A valid label key: an optional DNS-subdomain prefix and `/`, then a name segment.
pub fn is_valid_label_key(key: &str) -> bool {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    });
    prefix_ok && !name.is_empty() && is_qualified_segment(name)
}

fn is_qualified_segment(s: &str) -> bool {
    let bytes = s.as_bytes();
    s.len() <= 63
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn match_labels_and_expressions_are_anded() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "agent")]),
            match_expressions: vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "NotIn".into(),
                values: vec!["test".into()],
            }],
        };
        assert!(selector_matches(&sel, &labels(&[("app", "agent")])));
        assert!(selector_matches(
            &sel,
            &labels(&[("app", "agent"), ("tier", "prod")])
        ));
        assert!(!selector_matches(
            &sel,
            &labels(&[("app", "agent"), ("tier", "test")])
        ));
        assert!(!selector_matches(&sel, &labels(&[("app", "other")])));
        assert_eq!(format_selector(&sel), "app=agent,tier notin (test)");
    }

    #[test]
    fn label_syntax() {
        assert!(is_valid_label_value("v1.2_3-x"));
        assert!(is_valid_label_value(""));
        assert!(!is_valid_label_value("invalid value: ___@#$%^"));
        assert!(!is_valid_label_value(&"a".repeat(64)));
        assert!(is_valid_label_key("node-role.kubernetes.io/control-plane"));
        assert!(is_valid_label_key("kubernetes.io/os"));
        assert!(!is_valid_label_key("Bad_Prefix/x"));
        assert!(!is_valid_label_key("/x"));
    }
}
