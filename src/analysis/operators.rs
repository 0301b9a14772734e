//! The operators the API defines for selectors, node affinity and tolerations, and a warning for
//! every other one a DaemonSet holds.
//!
//! The API server rejects an unknown operator on create, so a live DaemonSet never has one; a
//! hand-written or edited file can (`in` for `In`, `Equals` for `Equal`). The matchers treat such
//! a requirement as matching nothing, which would otherwise show up as a silent `Excluded` or a
//! tainted node that "should" be tolerated: the warning names the field so the typo is found.

use crate::model::{DaemonSet, NodeSelectorRequirement};

/// `metav1.LabelSelectorOperator`.
pub const LABEL_SELECTOR_OPERATORS: [&str; 4] = ["In", "NotIn", "Exists", "DoesNotExist"];

/// `v1.NodeSelectorOperator` in `matchExpressions`.
pub const NODE_SELECTOR_OPERATORS: [&str; 6] =
    ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];

/// `v1.NodeSelectorOperator` in `matchFields` (validation allows only these two).
pub const NODE_FIELD_OPERATORS: [&str; 2] = ["In", "NotIn"];

/// `v1.TolerationOperator`; empty means `Equal`. `Lt`/`Gt` exist only behind an alpha gate and
/// are accepted here without a warning (the matcher explains they tolerate nothing).
pub const TOLERATION_OPERATORS: [&str; 5] = ["", "Equal", "Exists", "Lt", "Gt"];

/// One warning per operator of `ds` that the API does not define, naming its field path.
pub fn unknown_operator_warnings(ds: &DaemonSet) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Some(selector) = &ds.spec.selector {
        for (i, req) in selector.match_expressions.iter().enumerate() {
            check(
                &mut warnings,
                &format!("spec.selector.matchExpressions[{i}].operator"),
                &req.operator,
                &LABEL_SELECTOR_OPERATORS,
                "the requirement matches no pod",
            );
        }
    }
    let spec = &ds.spec.template.spec;
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|s| s.node_selector_terms.as_slice())
        .unwrap_or_default();
    let base = "spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
    for (t, term) in terms.iter().enumerate() {
        node_requirements(
            &mut warnings,
            &format!("{base}[{t}].matchExpressions"),
            &term.match_expressions,
            &NODE_SELECTOR_OPERATORS,
        );
        node_requirements(
            &mut warnings,
            &format!("{base}[{t}].matchFields"),
            &term.match_fields,
            &NODE_FIELD_OPERATORS,
        );
    }
    for (i, toleration) in spec.tolerations.iter().enumerate() {
        check(
            &mut warnings,
            &format!("spec.template.spec.tolerations[{i}].operator"),
            &toleration.operator,
            &TOLERATION_OPERATORS,
            "the toleration tolerates no taint",
        );
    }
    warnings
}

fn node_requirements(
    warnings: &mut Vec<String>,
    path: &str,
    requirements: &[NodeSelectorRequirement],
    valid: &[&str],
) {
    for (i, req) in requirements.iter().enumerate() {
        check(
            warnings,
            &format!("{path}[{i}].operator"),
            &req.operator,
            valid,
            "the term matches no node",
        );
    }
}

fn check(warnings: &mut Vec<String>, path: &str, operator: &str, valid: &[&str], effect: &str) {
    if valid.contains(&operator) {
        return;
    }
    let listed: Vec<&str> = valid.iter().copied().filter(|v| !v.is_empty()).collect();
    warnings.push(format!(
        "{path}: unknown operator {operator:?} (the API accepts {}); {effect}",
        listed.join(", ")
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(yaml_spec: &str) -> DaemonSet {
        let text = format!(
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: agent, namespace: ops}}\nspec:\n{yaml_spec}"
        );
        serde_saphyr::from_str(&text).expect("fixture parses")
    }

    #[test]
    fn valid_operators_give_no_warning() {
        let ds = ds("
  selector: {matchExpressions: [{key: app, operator: In, values: [agent]}]}
  template:
    spec:
      tolerations: [{operator: Exists}, {key: a, value: b}, {key: c, operator: Equal, value: d}]
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
        {matchExpressions: [{key: cpus, operator: Gt, values: ['4']}], matchFields: [{key: metadata.name, operator: NotIn, values: [x]}]}]}}}
      containers: [{name: c, image: i}]
");
        assert_eq!(unknown_operator_warnings(&ds), Vec::<String>::new());
    }

    #[test]
    fn a_lower_case_selector_operator_is_named_with_its_path() {
        let ds = ds("
  selector: {matchLabels: {app: agent}, matchExpressions: [{key: tier, operator: in, values: [node]}]}
  template: {spec: {containers: [{name: c, image: i}]}}
");
        assert_eq!(
            unknown_operator_warnings(&ds),
            vec![
                "spec.selector.matchExpressions[0].operator: unknown operator \"in\" (the API accepts In, NotIn, Exists, DoesNotExist); the requirement matches no pod"
            ]
        );
    }

    #[test]
    fn affinity_match_fields_accept_only_in_and_not_in() {
        let ds = ds("
  selector: {matchLabels: {app: agent}}
  template:
    spec:
      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [
        {matchExpressions: [{key: zone, operator: Exist}]},
        {matchFields: [{key: metadata.name, operator: Exists}]}]}}}
      containers: [{name: c, image: i}]
");
        let warnings = unknown_operator_warnings(&ds);
        assert_eq!(warnings.len(), 2, "{warnings:#?}");
        assert!(warnings[0].starts_with("spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: unknown operator \"Exist\""));
        assert!(warnings[1].contains("nodeSelectorTerms[1].matchFields[0].operator: unknown operator \"Exists\" (the API accepts In, NotIn)"));
    }

    #[test]
    fn a_misspelt_toleration_operator_is_named() {
        let ds = ds("
  selector: {matchLabels: {app: agent}}
  template:
    spec:
      tolerations: [{operator: Exists}, {key: dedicated, operator: Equals, value: gpu, effect: NoSchedule}]
      containers: [{name: c, image: i}]
");
        assert_eq!(
            unknown_operator_warnings(&ds),
            vec![
                "spec.template.spec.tolerations[1].operator: unknown operator \"Equals\" (the API accepts Equal, Exists, Lt, Gt); the toleration tolerates no taint"
            ]
        );
    }
}
