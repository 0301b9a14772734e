//! Selector strings for list requests.

use crate::model::LabelSelector;

/// The field selector of the pods bound to `node`: `spec.nodeName=<node>`.
pub fn field_selector_for_node(node: &str) -> String {
    format!("spec.nodeName={node}")
}

/// A label selector in the Kubernetes query syntax: `a=b,c in (x,y),e notin (z),!d,f`.
///
/// `matchLabels` come first (sorted by key), then `matchExpressions` in their order. An
/// expression with an operator the API does not define is left out (the selection is then wider,
/// never narrower: the analysis matches pods again itself). The empty selector gives `""`.
pub fn label_selector_string(selector: &LabelSelector) -> String {
    crate::analysis::labels::selector_string(selector, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LabelSelectorRequirement;

    fn req(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_owned(),
            operator: operator.to_owned(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    #[test]
    fn node_field_selector() {
        assert_eq!(
            field_selector_for_node("worker-1"),
            "spec.nodeName=worker-1"
        );
    }

    #[test]
    fn label_selector_syntax() {
        let mut sel = LabelSelector::default();
        assert_eq!(label_selector_string(&sel), "");
        sel.match_labels.insert("a".into(), "b".into());
        assert_eq!(label_selector_string(&sel), "a=b");
        sel.match_expressions = vec![
            req("c", "In", &["x", "y"]),
            req("d", "DoesNotExist", &[]),
            req("e", "Exists", &[]),
            req("f", "NotIn", &["z"]),
        ];
        assert_eq!(
            label_selector_string(&sel),
            "a=b,c in (x,y),!d,e,f notin (z)"
        );
    }

    #[test]
    fn match_labels_sorted_and_unknown_operators_skipped() {
        let sel: LabelSelector = serde_json::from_value(serde_json::json!({
            "matchLabels": {"z": "1", "app.kubernetes.io/name": "agent"},
            "matchExpressions": [{"key": "k", "operator": "Bogus", "values": ["v"]}]
        }))
        .unwrap();
        assert_eq!(
            label_selector_string(&sel),
            "app.kubernetes.io/name=agent,z=1"
        );
    }
}
