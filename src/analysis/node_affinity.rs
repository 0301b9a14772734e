//! Required node affinity and `nodeSelector` matching with explanations
//! (component-helpers `nodeaffinity`: terms ORed, requirements ANDed, invalid terms fail).

use std::collections::BTreeMap;

use serde::Serialize;

use super::labels::{is_valid_label_key, is_valid_label_value};
use crate::model::{Node, NodeSelector, NodeSelectorRequirement};

/// Why one node-selector term does not match a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TermMismatch {
    /// Index of the term in `nodeSelectorTerms`.
    pub term: usize,
    /// The first requirement of the term that fails, as `key Operator [values]`; `None` for an
    /// empty term.
    pub requirement: Option<String>,
    /// The node's value for the requirement's key (`null` when the label is absent).
    pub actual: Option<String>,
    /// Set when the requirement is invalid rather than merely unmet.
    pub invalid: Option<String>,
}

/// A `nodeSelector` key whose node label is absent or different.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorMismatch {
    /// Label key.
    pub key: String,
    /// Value the selector requires.
    pub expected: String,
    /// The node's value (`None` when absent).
    pub actual: Option<String>,
}

/// Every `nodeSelector` entry the node fails (rule H1 in docs/semantics.md: all keys must match
/// exactly).
pub fn node_selector_mismatches(
    selector: &BTreeMap<String, String>,
    node: &Node,
) -> Vec<SelectorMismatch> {
    selector
        .iter()
        .filter_map(|(key, expected)| {
            let actual = node.metadata.labels.get(key);
            (actual != Some(expected)).then(|| SelectorMismatch {
                key: key.clone(),
                expected: expected.clone(),
                actual: actual.cloned(),
            })
        })
        .collect()
}

/// Matches a required node-affinity selector against a node.
///
/// # Errors
/// When no term matches: one [`TermMismatch`] per term (empty when there are no terms at all).
pub fn match_required_affinity(
    selector: &NodeSelector,
    node: &Node,
) -> Result<(), Vec<TermMismatch>> {
    let mut mismatches = Vec::new();
    for (index, term) in selector.node_selector_terms.iter().enumerate() {
        if term.match_expressions.is_empty() && term.match_fields.is_empty() {
            mismatches.push(TermMismatch {
                term: index,
                requirement: None,
                actual: None,
                invalid: Some("the term is empty and matches no node".to_owned()),
            });
            continue;
        }
        let failure = term
            .match_expressions
            .iter()
            .find_map(|req| label_requirement(req, node).err())
            .or_else(|| {
                term.match_fields
                    .iter()
                    .find_map(|req| field_requirement(req, node).err())
            });
        match failure {
            None => return Ok(()),
            Some(mut m) => {
                m.term = index;
                mismatches.push(m);
            }
        }
    }
    Err(mismatches)
}

/// Formats a requirement as `key Operator [v1, v2]`.
pub fn format_requirement(req: &NodeSelectorRequirement) -> String {
    if req.values.is_empty() {
        format!("{} {}", req.key, req.operator)
    } else {
        format!("{} {} [{}]", req.key, req.operator, req.values.join(", "))
    }
}

fn mismatch(
    req: &NodeSelectorRequirement,
    actual: Option<&String>,
    invalid: Option<String>,
) -> TermMismatch {
    TermMismatch {
        term: 0,
        requirement: Some(format_requirement(req)),
        actual: actual.cloned(),
        invalid,
    }
}

fn label_requirement(req: &NodeSelectorRequirement, node: &Node) -> Result<(), TermMismatch> {
    let actual = node.metadata.labels.get(&req.key);
    let invalid = |why: String| Err(mismatch(req, actual, Some(why)));
    if !is_valid_label_key(&req.key) {
        return invalid(format!("invalid label key {:?}", req.key));
    }
    let matched = match req.operator.as_str() {
        "In" | "NotIn" => {
            if req.values.is_empty() {
                return invalid(format!(
                    "operator {} needs at least one value",
                    req.operator
                ));
            }
            if let Some(bad) = req.values.iter().find(|v| !is_valid_label_value(v)) {
                return invalid(format!("invalid label value {bad:?}"));
            }
            let contained = actual.is_some_and(|v| req.values.contains(v));
            if req.operator == "In" {
                contained
            } else {
                !contained
            }
        }
        "Exists" | "DoesNotExist" => {
            if !req.values.is_empty() {
                return invalid(format!("operator {} takes no values", req.operator));
            }
            (req.operator == "Exists") == actual.is_some()
        }
        "Gt" | "Lt" => {
            let [bound] = req.values.as_slice() else {
                return invalid(format!("operator {} needs exactly one value", req.operator));
            };
            let Ok(bound) = bound.parse::<i64>() else {
                return invalid(format!("{bound:?} is not an integer"));
            };
            match actual.and_then(|v| v.parse::<i64>().ok()) {
                Some(v) if req.operator == "Gt" => v > bound,
                Some(v) => v < bound,
                None => false,
            }
        }
        other => return invalid(format!("unknown operator {other:?}")),
    };
    if matched {
        Ok(())
    } else {
        Err(mismatch(req, actual, None))
    }
}

fn field_requirement(req: &NodeSelectorRequirement, node: &Node) -> Result<(), TermMismatch> {
    let actual = Some(&node.metadata.name);
    if req.key != "metadata.name" {
        return Err(mismatch(
            req,
            None,
            Some(format!("unsupported field {:?}", req.key)),
        ));
    }
    let [value] = req.values.as_slice() else {
        return Err(mismatch(
            req,
            actual,
            Some("matchFields needs exactly one value".to_owned()),
        ));
    };
    let matched = match req.operator.as_str() {
        "In" => &node.metadata.name == value,
        "NotIn" => &node.metadata.name != value,
        other => {
            return Err(mismatch(
                req,
                actual,
                Some(format!("operator {other:?} is not allowed in matchFields")),
            ));
        }
    };
    if matched {
        Ok(())
    } else {
        Err(mismatch(req, actual, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::NodeSelectorTerm;

    fn node(name: &str, labels: &[(&str, &str)]) -> Node {
        let mut n = Node::default();
        n.metadata.name = name.into();
        n.metadata.labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        n
    }

    fn req(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn terms(
        terms: Vec<(Vec<NodeSelectorRequirement>, Vec<NodeSelectorRequirement>)>,
    ) -> NodeSelector {
        NodeSelector {
            node_selector_terms: terms
                .into_iter()
                .map(|(e, f)| NodeSelectorTerm {
                    match_expressions: e,
                    match_fields: f,
                })
                .collect(),
        }
    }

    // Rules H2–H6 in docs/semantics.md, on the cases of upstream's nodeaffinity tests.
    #[test]
    fn gt_compares_integers_with_leading_zeros() {
        let sel = terms(vec![(vec![req("kernel-version", "Gt", &["0204"])], vec![])]);
        assert!(match_required_affinity(&sel, &node("n", &[("kernel-version", "0206")])).is_ok());
        assert!(match_required_affinity(&sel, &node("n", &[("kernel-version", "0200")])).is_err());
        assert!(match_required_affinity(&sel, &node("n", &[("kernel-version", "x")])).is_err());
    }

    #[test]
    fn not_in_matches_absent_labels() {
        let sel = terms(vec![(
            vec![req("mem-type", "NotIn", &["DDR", "DDR2"])],
            vec![],
        )]);
        assert!(match_required_affinity(&sel, &node("n", &[("mem-type", "DDR3")])).is_ok());
        assert!(match_required_affinity(&sel, &node("n", &[])).is_ok());
        assert!(match_required_affinity(&sel, &node("n", &[("mem-type", "DDR")])).is_err());
    }

    #[test]
    fn requirements_in_a_term_are_anded() {
        let sel = terms(vec![(
            vec![
                req("GPU", "Exists", &[]),
                req("GPU", "NotIn", &["AMD", "INTER"]),
            ],
            vec![],
        )]);
        assert!(match_required_affinity(&sel, &node("n", &[("GPU", "NVIDIA")])).is_ok());
        let sel = terms(vec![(vec![req("GPU", "In", &["AMD", "INTER"])], vec![])]);
        let err = match_required_affinity(&sel, &node("n", &[("GPU", "NVIDIA")])).unwrap_err();
        assert_eq!(err[0].requirement.as_deref(), Some("GPU In [AMD, INTER]"));
        assert_eq!(err[0].actual.as_deref(), Some("NVIDIA"));
    }

    #[test]
    fn empty_terms_match_nothing() {
        assert_eq!(
            match_required_affinity(&terms(vec![]), &node("n", &[])),
            Err(vec![])
        );
        let err =
            match_required_affinity(&terms(vec![(vec![], vec![])]), &node("n", &[])).unwrap_err();
        assert!(err[0].invalid.is_some());
    }

    #[test]
    fn terms_are_ored_but_fields_and_labels_in_one_term_are_anded() {
        let two_terms = terms(vec![
            (vec![], vec![req("metadata.name", "In", &["node_1"])]),
            (vec![req("foo", "In", &["bar"])], vec![]),
        ]);
        assert!(match_required_affinity(&two_terms, &node("node_2", &[("foo", "bar")])).is_ok());
        let one_term = terms(vec![(
            vec![req("foo", "In", &["bar"])],
            vec![req("metadata.name", "In", &["node_1"])],
        )]);
        assert!(match_required_affinity(&one_term, &node("node_2", &[("foo", "bar")])).is_err());
    }

    #[test]
    fn invalid_requirements_fail_the_term() {
        let sel = terms(vec![(
            vec![req("foo", "NotIn", &["invalid value: ___@#$%^"])],
            vec![],
        )]);
        let err = match_required_affinity(&sel, &node("n", &[])).unwrap_err();
        assert!(
            err[0]
                .invalid
                .as_deref()
                .unwrap()
                .contains("invalid label value")
        );
        let sel = terms(vec![(
            vec![],
            vec![req("metadata.name", "In", &["host_1", "host_2"])],
        )]);
        assert!(
            match_required_affinity(&sel, &node("host_1", &[])).unwrap_err()[0]
                .invalid
                .is_some()
        );
    }

    #[test]
    fn node_selector_reports_every_missing_key() {
        let sel: BTreeMap<String, String> = [("type", "production"), ("zone", "a")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let m = node_selector_mismatches(&sel, &node("n", &[("zone", "b")]));
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].key, "type");
        assert_eq!(m[0].actual, None);
        assert_eq!(m[1].actual.as_deref(), Some("b"));
        assert!(
            node_selector_mismatches(&sel, &node("n", &[("type", "production"), ("zone", "a")]))
                .is_empty()
        );
    }
}
