//! Taints and tolerations (k8s.io/api `Toleration.ToleratesTaint`, component-helpers
//! `FindMatchingUntoleratedTaint`) and the tolerations the DaemonSet controller adds itself.

use crate::model::{Taint, Toleration};

/// The keys of the tolerations every DaemonSet pod gets, with their effects
/// (`util.AddOrUpdateDaemonPodTolerations`).
const AUTOMATIC: [(&str, &str); 6] = [
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
];

/// Only with `hostNetwork: true`.
const NETWORK_UNAVAILABLE: (&str, &str) = ("node.kubernetes.io/network-unavailable", "NoSchedule");

/// The template's tolerations plus the controller's automatic ones, as on a created pod.
///
/// A user toleration equal to an automatic one on key, effect, operator and value is replaced
/// (so its `tolerationSeconds` disappears); others are kept beside it.
pub fn daemon_pod_tolerations(template: &[Toleration], host_network: bool) -> Vec<Toleration> {
    let mut out: Vec<Toleration> = template.to_vec();
    let automatic = AUTOMATIC
        .iter()
        .chain(host_network.then_some(&NETWORK_UNAVAILABLE));
    for (key, effect) in automatic {
        let auto = Toleration {
            key: (*key).to_owned(),
            operator: "Exists".to_owned(),
            value: String::new(),
            effect: (*effect).to_owned(),
            toleration_seconds: None,
        };
        match out.iter_mut().find(|t| same_toleration(t, &auto)) {
            Some(existing) => *existing = auto,
            None => out.push(auto),
        }
    }
    out
}

fn same_toleration(a: &Toleration, b: &Toleration) -> bool {
    a.key == b.key && a.effect == b.effect && operator(a) == operator(b) && a.value == b.value
}

fn operator(t: &Toleration) -> &str {
    if t.operator.is_empty() {
        "Equal"
    } else {
        &t.operator
    }
}

/// `ToleratesTaint`: does `toleration` tolerate `taint`? `tolerationSeconds` plays no part.
///
/// The `Lt`/`Gt` operators exist only behind the alpha gate `TaintTolerationComparisonOperators`;
/// with the gate off (the default) they tolerate nothing, which is what this returns.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    if !toleration.effect.is_empty() && toleration.effect != taint.effect {
        return false;
    }
    if !toleration.key.is_empty() && toleration.key != taint.key {
        return false;
    }
    match operator(toleration) {
        "Exists" => true,
        "Equal" => toleration.value == taint.value,
        _ => false,
    }
}

/// True for the effects the controller and the scheduler filter on.
pub fn is_hard_effect(effect: &str) -> bool {
    effect == "NoSchedule" || effect == "NoExecute"
}

/// Every `NoSchedule`/`NoExecute` taint that no toleration tolerates, in node order.
pub fn untolerated_taints<'a>(taints: &'a [Taint], tolerations: &[Toleration]) -> Vec<&'a Taint> {
    taints
        .iter()
        .filter(|t| is_hard_effect(&t.effect))
        .filter(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
        .collect()
}

/// The YAML of a toleration that tolerates `taint`, ready to paste under `tolerations:`.
pub fn toleration_yaml(taint: &Taint) -> String {
    if taint.value.is_empty() {
        format!(
            "- key: {}\n  operator: Exists\n  effect: {}",
            taint.key, taint.effect
        )
    } else {
        format!(
            "- key: {}\n  operator: Equal\n  value: {}\n  effect: {}",
            taint.key,
            quote_yaml(&taint.value),
            taint.effect
        )
    }
}

fn quote_yaml(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && value.parse::<f64>().is_err()
        && !matches!(
            value,
            "true" | "false" | "yes" | "no" | "null" | "on" | "off"
        );
    if plain {
        value.to_owned()
    } else {
        format!("{value:?}")
    }
}

/// Formats a taint as kubectl does: `key=value:Effect` (or `key:Effect`).
pub fn format_taint(taint: &Taint) -> String {
    if taint.value.is_empty() {
        format!("{}:{}", taint.key, taint.effect)
    } else {
        format!("{}={}:{}", taint.key, taint.value, taint.effect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
        }
    }

    fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        Toleration {
            key: key.into(),
            operator: op.into(),
            value: value.into(),
            effect: effect.into(),
            toleration_seconds: None,
        }
    }

    // Rule H7 in docs/semantics.md, on the cases of upstream's core/v1 toleration tests.
    #[test]
    fn toleration_matching() {
        let t = taint("foo", "bar", "NoSchedule");
        assert!(tolerates(&tol("foo", "Exists", "", "NoSchedule"), &t));
        assert!(tolerates(&tol("", "Exists", "", "NoSchedule"), &t));
        assert!(!tolerates(&tol("foo", "Equal", "baz", "NoSchedule"), &t));
        assert!(!tolerates(&tol("foo", "Equal", "bar", "NoExecute"), &t));
        assert!(tolerates(&tol("foo", "", "bar", ""), &t));
        // Gate off by default: comparison operators tolerate nothing.
        assert!(!tolerates(
            &tol("foo", "Gt", "750", "NoSchedule"),
            &taint("foo", "950", "NoSchedule")
        ));
        // Rule H7: empty key, Exists, empty effect tolerates everything.
        assert!(tolerates(
            &tol("", "Exists", "", ""),
            &taint("node-role.kubernetes.io/control-plane", "", "NoSchedule")
        ));
    }

    #[test]
    fn automatic_tolerations_depend_on_host_network() {
        let plain = daemon_pod_tolerations(&[], false);
        assert_eq!(plain.len(), 6);
        let net = taint("node.kubernetes.io/network-unavailable", "", "NoSchedule");
        assert_eq!(
            untolerated_taints(std::slice::from_ref(&net), &plain).len(),
            1
        );
        let host = daemon_pod_tolerations(&[], true);
        assert!(untolerated_taints(&[net], &host).is_empty());
        let cp = taint("node-role.kubernetes.io/control-plane", "", "NoSchedule");
        assert_eq!(untolerated_taints(&[cp], &host).len(), 1);
    }

    // Rule C2: an equal user toleration is replaced, losing tolerationSeconds.
    #[test]
    fn equal_user_toleration_is_replaced() {
        let mut user = tol("node.kubernetes.io/not-ready", "Exists", "", "NoExecute");
        user.toleration_seconds = Some(300);
        let all = daemon_pod_tolerations(&[user], false);
        let not_ready: Vec<_> = all
            .iter()
            .filter(|t| t.key == "node.kubernetes.io/not-ready")
            .collect();
        assert_eq!(not_ready.len(), 1);
        assert_eq!(not_ready[0].toleration_seconds, None);
    }

    #[test]
    fn prefer_no_schedule_never_matters() {
        let soft = taint("dedicated", "gpu", "PreferNoSchedule");
        assert!(untolerated_taints(&[soft], &[]).is_empty());
    }

    #[test]
    fn toleration_yaml_is_pasteable() {
        assert_eq!(
            toleration_yaml(&taint("dedicated", "gpu", "NoSchedule")),
            "- key: dedicated\n  operator: Equal\n  value: gpu\n  effect: NoSchedule"
        );
        assert_eq!(
            toleration_yaml(&taint(
                "node-role.kubernetes.io/control-plane",
                "",
                "NoSchedule"
            )),
            "- key: node-role.kubernetes.io/control-plane\n  operator: Exists\n  effect: NoSchedule"
        );
        assert_eq!(format_taint(&taint("a", "1", "NoExecute")), "a=1:NoExecute");
    }
}
