//! Rules that read the DaemonSet alone (they work on a bare manifest).

use std::fmt::Write as _;

use super::{Findings, budget_text, is_positive, scaled};
use crate::analysis::labels::selector_matches;
use crate::model::{ContainerExtras, ContainerSpec, DaemonSet, IntOrString};

const SPEC: &str = "spec.template.spec";

/// Host paths that mark a CNI plugin.
const CNI_PATHS: &[&str] = &["/etc/cni", "/opt/cni"];
/// Host paths that mark a node-critical agent (CNI, CSI, kubelet plugins).
const NODE_CRITICAL_PATHS: &[&str] = &["/var/lib/kubelet", "/etc/cni", "/opt/cni"];
/// Host paths that hand the node over: exact matches.
const SENSITIVE_EXACT: &[&str] = &["/", "/etc"];
/// Host paths that hand the node over: the path or anything under it (runtime sockets).
const SENSITIVE_TREES: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/run/containerd",
    "/var/run/containerd",
    "/run/crio",
    "/var/run/crio",
];

/// One container of the template with its place.
struct Container<'a> {
    /// `spec.template.spec.containers[0]`.
    path: String,
    spec: &'a ContainerSpec,
    extras: Option<&'a ContainerExtras>,
    /// Regular containers and sidecars run for the pod's life; plain init containers do not.
    long_running: bool,
}

fn containers(ds: &DaemonSet) -> Vec<Container<'_>> {
    let spec = &ds.spec.template.spec;
    let extras = &ds.spec.template_extras;
    let regular = spec.containers.iter().enumerate().map(|(i, c)| Container {
        path: format!("{SPEC}.containers[{i}]"),
        spec: c,
        extras: extras.containers.get(i),
        long_running: true,
    });
    let init = spec
        .init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| Container {
            path: format!("{SPEC}.initContainers[{i}]"),
            spec: c,
            extras: extras.init_containers.get(i),
            long_running: c.is_sidecar(),
        });
    regular.chain(init).collect()
}

/// Normalises a host path for comparison: no trailing slash (except `/` itself).
fn clean(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() && path.starts_with('/') {
        "/"
    } else {
        trimmed
    }
}

/// True when `path` is `dir` or under it.
fn under(path: &str, dir: &str) -> bool {
    let path = clean(path);
    path == dir
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The hostPath volumes: (index, name, path).
fn host_paths(ds: &DaemonSet) -> Vec<(usize, &str, &str)> {
    ds.spec
        .template_extras
        .volumes
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.host_path
                .as_ref()
                .map(|h| (i, v.name.as_str(), h.path.as_str()))
        })
        .collect()
}

fn display_namespace(ds: &DaemonSet) -> &str {
    if ds.metadata.namespace.is_empty() {
        "default"
    } else {
        &ds.metadata.namespace
    }
}

/// Runs the manifest rules.
pub(super) fn run(ds: &DaemonSet, f: &mut Findings<'_>) {
    surge_with_host_port(ds, f);
    selector_template_mismatch(ds, f);
    zero_rollout_budget(ds, f);
    missing_requests(ds, f);
    node_critical(ds, f);
    tolerates_everything(ds, f);
    no_readiness_gate(ds, f);
    all_at_once(ds, f);
    host_access(ds, f);
    revision_history(ds, f);
    mutable_image_tag(ds, f);
}

fn rolling_budgets(ds: &DaemonSet) -> Option<(Option<&IntOrString>, Option<&IntOrString>)> {
    let strategy = &ds.spec.update_strategy;
    if strategy.type_ != "RollingUpdate" {
        return None;
    }
    let ru = strategy.rolling_update.as_ref();
    Some((
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
    ))
}

/// DS101.
fn surge_with_host_port(ds: &DaemonSet, f: &mut Findings<'_>) {
    let Some((Some(surge), _)) = rolling_budgets(ds) else {
        return;
    };
    if !is_positive(surge) {
        return;
    }
    let host_network = ds.spec.template.spec.uses_host_network();
    let port = containers(ds).into_iter().find_map(|c| {
        c.spec.ports.iter().enumerate().find_map(|(j, p)| {
            let host_port = p.host_port.filter(|&h| h > 0);
            match (host_port, host_network) {
                (Some(h), _) => Some(format!("host port {h} ({}.ports[{j}].hostPort)", c.path)),
                (None, true) => Some(format!(
                    "port {} under hostNetwork ({}.ports[{j}])",
                    p.container_port, c.path
                )),
                (None, false) => None,
            }
        })
    });
    let Some(port) = port else { return };
    f.push(
        "DS101",
        "spec.updateStrategy.rollingUpdate.maxSurge",
        format!(
            "spec.updateStrategy.rollingUpdate.maxSurge is {} while the pod uses {port}: the surge pod needs the same port on the same node, stays Pending, and the rollout stalls (kubernetes#106417)",
            budget_text(surge)
        ),
        "surge by unavailability instead:\n  spec:\n    updateStrategy:\n      rollingUpdate:\n        maxSurge: 0\n        maxUnavailable: 1",
    );
}

/// DS103.
fn selector_template_mismatch(ds: &DaemonSet, f: &mut Findings<'_>) {
    let labels = &ds.spec.template.metadata.labels;
    let problem = match &ds.spec.selector {
        None => Some("spec.selector is missing (required in apps/v1)".to_owned()),
        Some(s) if s.is_empty() => {
            Some("spec.selector is empty (the API server refuses a selector that selects everything)".to_owned())
        }
        Some(s) if !selector_matches(s, labels) => Some(
            "spec.selector does not match spec.template.metadata.labels: the API server rejects the DaemonSet (`selector` does not match template `labels`)".to_owned(),
        ),
        Some(_) => None,
    };
    let Some(message) = problem else { return };
    let mut fix = String::from(
        "select the template's own labels:\n  spec:\n    selector:\n      matchLabels:",
    );
    if labels.is_empty() {
        fix.push_str("\n        app: NAME\n    template:\n      metadata:\n        labels:\n          app: NAME");
    }
    for (k, v) in labels {
        let _ = write!(fix, "\n        {k}: {v}");
    }
    f.push("DS103", "spec.selector", message, fix);
}

/// DS104.
fn zero_rollout_budget(ds: &DaemonSet, f: &mut Findings<'_>) {
    let Some((surge, unavailable)) = rolling_budgets(ds) else {
        return;
    };
    // API defaults: maxUnavailable 1, maxSurge 0.
    let surge_zero = surge.is_none_or(|s| scaled(s, 1) == Some(0));
    let unavailable_zero = unavailable.is_some_and(|u| scaled(u, 1) == Some(0));
    if surge_zero && unavailable_zero {
        f.push(
            "DS104",
            "spec.updateStrategy.rollingUpdate.maxUnavailable",
            "spec.updateStrategy.rollingUpdate.maxUnavailable and maxSurge are both 0: the API server rejects it (one must be positive)",
            "give the rollout a budget:\n  spec:\n    updateStrategy:\n      rollingUpdate:\n        maxUnavailable: 1",
        );
    }
}

/// DS201.
fn missing_requests(ds: &DaemonSet, f: &mut Findings<'_>) {
    // Pod-level requests (spec.resources) cover every container.
    let pod_level = ds.spec.template.spec.resources.as_ref();
    for c in containers(ds).into_iter().filter(|c| c.long_running) {
        let mut missing = Vec::new();
        let mut limit_only = Vec::new();
        for resource in ["cpu", "memory"] {
            if pod_level
                .is_some_and(|r| r.requests.contains(resource) || r.limits.contains(resource))
            {
                continue;
            }
            let res = c.spec.resources.as_ref();
            let requested = res.is_some_and(|r| r.requests.contains(resource));
            let limited = res.is_some_and(|r| r.limits.contains(resource));
            match (requested, limited) {
                (true, _) => {}
                (false, true) => limit_only.push(resource),
                (false, false) => missing.push(resource),
            }
        }
        if missing.is_empty() && limit_only.is_empty() {
            continue;
        }
        let name = &c.spec.name;
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!(
                "no {} request (the scheduler reserves nothing; a LimitRange default applies if the namespace has one)",
                missing.join(" or ")
            ));
        }
        if !limit_only.is_empty() {
            parts.push(format!(
                "a {} limit but no request (the request defaults to the limit)",
                limit_only.join(" and ")
            ));
        }
        let path = format!("{}.resources.requests", c.path);
        let mut fix = format!(
            "set requests from observed usage, under {}:\n  resources:\n    requests:",
            c.path
        );
        for resource in missing.iter().chain(&limit_only) {
            let example = if *resource == "cpu" { "25m" } else { "32Mi" };
            let _ = write!(fix, "\n      {resource}: {example}");
        }
        f.push(
            "DS201",
            path.clone(),
            format!("{path}: container {name:?} has {}", parts.join(", and ")),
            fix,
        );
    }
}

/// Why the DaemonSet looks node-critical, if it does.
fn node_critical_signal(ds: &DaemonSet) -> Option<String> {
    if ds.spec.template.spec.uses_host_network() {
        return Some(format!("{SPEC}.hostNetwork: true"));
    }
    for (i, _, path) in host_paths(ds) {
        if NODE_CRITICAL_PATHS.iter().any(|d| under(path, d)) {
            return Some(format!("hostPath {path} ({SPEC}.volumes[{i}])"));
        }
    }
    (ds.metadata.namespace == "kube-system").then(|| "namespace kube-system".to_owned())
}

/// True when the DaemonSet looks like a CNI plugin: hostNetwork plus a CNI host path.
fn cni_path(ds: &DaemonSet) -> Option<(usize, &str)> {
    if !ds.spec.template.spec.uses_host_network() {
        return None;
    }
    host_paths(ds)
        .into_iter()
        .find(|(_, _, p)| CNI_PATHS.iter().any(|d| under(p, d)))
        .map(|(i, _, p)| (i, p))
}

/// DS202 and DS203.
fn node_critical(ds: &DaemonSet, f: &mut Findings<'_>) {
    let priority = ds.spec.template.spec.priority_class_name.as_deref();
    if let Some(signal) = node_critical_signal(ds)
        && priority != Some("system-node-critical")
    {
        let now = match priority {
            Some(p) if !p.is_empty() => format!("is {p:?}"),
            _ => "is unset".to_owned(),
        };
        f.push(
            "DS202",
            format!("{SPEC}.priorityClassName"),
            format!(
                "{SPEC}.priorityClassName {now} but the DaemonSet looks node-critical ({signal}): under pressure its pods are evicted or cannot preempt"
            ),
            format!(
                "give it the node-critical priority:\n  spec:\n    template:\n      spec:\n        priorityClassName: system-node-critical\n(outside kube-system the cluster may need a ResourceQuota that admits this class in {})",
                display_namespace(ds)
            ),
        );
    }
    if let Some((i, path)) = cni_path(ds)
        && ds.strategy() == "RollingUpdate"
    {
        f.push(
            "DS203",
            "spec.updateStrategy.type",
            format!(
                "spec.updateStrategy.type is RollingUpdate but the DaemonSet looks like a CNI plugin (hostNetwork and hostPath {path} in {SPEC}.volumes[{i}]): a broken version takes networking down on node after node"
            ),
            format!(
                "replace pods yourself, node by node:\n  spec:\n    updateStrategy:\n      type: OnDelete\nthen: kubectl ds replace {} -n {} --canary 1",
                ds.metadata.name,
                display_namespace(ds)
            ),
        );
    }
}

/// DS204.
fn tolerates_everything(ds: &DaemonSet, f: &mut Findings<'_>) {
    for (i, t) in ds.spec.template.spec.tolerations.iter().enumerate() {
        if t.operator != "Exists" || !t.key.is_empty() {
            continue;
        }
        let what = match t.effect.as_str() {
            "" => "every taint, NoExecute included",
            "NoExecute" => "every NoExecute taint",
            _ => continue,
        };
        let unreachable = if t.effect.is_empty() {
            " and the controller creates pods on nodes tainted node.kubernetes.io/unreachable:NoSchedule, which never start and hold a rolling update's budget (kubernetes#73011)"
        } else {
            ""
        };
        f.push(
            "DS204",
            format!("{SPEC}.tolerations[{i}]"),
            format!(
                "{SPEC}.tolerations[{i}] (operator Exists, no key) tolerates {what}: pods are never evicted by a NoExecute taint (drains, custom evictions){unreachable}"
            ),
            "if that is not wanted, tolerate NoSchedule taints only (the controller already adds the not-ready and unreachable NoExecute tolerations):\n  tolerations:\n  - operator: Exists\n    effect: NoSchedule",
        );
    }
}

/// DS205.
fn no_readiness_gate(ds: &DaemonSet, f: &mut Findings<'_>) {
    if ds.spec.min_ready_seconds > 0 {
        return;
    }
    let extras = &ds.spec.template_extras.containers;
    if extras.iter().any(|c| c.readiness_probe) || ds.spec.template.spec.containers.is_empty() {
        return;
    }
    f.push(
        "DS205",
        format!("{SPEC}.containers[*].readinessProbe"),
        format!(
            "no container has {SPEC}.containers[*].readinessProbe and spec.minReadySeconds is 0: a rolling update counts a pod available as soon as it runs, so a version that fails after start still rolls to every node"
        ),
        format!(
            "give the agent a readiness probe, or at least a soak time:\n  spec:\n    minReadySeconds: 10\n    template:\n      spec:\n        containers:\n        - name: {}\n          readinessProbe:\n            exec:\n              command: [\"true\"]   # replace with a real health check",
            ds.spec.template.spec.containers[0].name
        ),
    );
}

/// DS207.
fn all_at_once(ds: &DaemonSet, f: &mut Findings<'_>) {
    let Some((_, Some(unavailable))) = rolling_budgets(ds) else {
        return;
    };
    let IntOrString::String(s) = unavailable else {
        return;
    };
    let Some(p) = s
        .strip_suffix('%')
        .and_then(|p| p.trim().parse::<i64>().ok())
    else {
        return;
    };
    if p >= 100 {
        f.push(
            "DS207",
            "spec.updateStrategy.rollingUpdate.maxUnavailable",
            format!(
                "spec.updateStrategy.rollingUpdate.maxUnavailable is {s}: every pod is deleted at once, so a bad version is everywhere before one pod can fail (kubernetes#123232)"
            ),
            "replace a fraction of the nodes at a time:\n  spec:\n    updateStrategy:\n      rollingUpdate:\n        maxUnavailable: 10%",
        );
    }
}

/// DS301–DS305.
fn host_access(ds: &DaemonSet, f: &mut Findings<'_>) {
    let volumes = host_paths(ds);
    const PAIRING: &str = "pair host access with: runAsNonRoot where the agent allows it, capabilities drop [ALL] plus only what is needed, readOnly mounts, and PodSecurity enforce=baseline (privileged only in the agent's namespace)";
    for c in containers(ds) {
        let Some(extras) = c.extras else { continue };
        for (j, m) in extras.volume_mounts.iter().enumerate() {
            let Some((_, _, host)) = volumes.iter().find(|(_, name, _)| *name == m.name) else {
                continue;
            };
            if m.read_only == Some(true) {
                continue;
            }
            let path = format!("{}.volumeMounts[{j}].readOnly", c.path);
            f.push(
                "DS301",
                path.clone(),
                format!(
                    "{path} is not true: container {:?} can write to the node's {host} (volume {:?}, mounted at {})",
                    c.spec.name, m.name, m.mount_path
                ),
                format!(
                    "mount it read-only unless the agent must write there (then opt out with the annotation):\n  volumeMounts:\n  - name: {}\n    mountPath: {}\n    readOnly: true",
                    m.name, m.mount_path
                ),
            );
        }
        if let Some(sc) = &extras.security_context {
            if sc.privileged == Some(true) {
                let path = format!("{}.securityContext.privileged", c.path);
                f.push(
                    "DS303",
                    path.clone(),
                    format!("{path} is true: container {:?} has every capability and every device of the node", c.spec.name),
                    format!("only CSI node plugins and the like need it (mount propagation); otherwise add only the capabilities needed\n{PAIRING}"),
                );
            }
            if let Some(caps) = &sc.capabilities
                && !caps.add.is_empty()
            {
                let path = format!("{}.securityContext.capabilities.add", c.path);
                f.push(
                    "DS305",
                    path.clone(),
                    format!(
                        "{path} adds {}: container {:?} holds them on the node",
                        caps.add.join(", "),
                        c.spec.name
                    ),
                    format!("drop everything, add back only what the agent needs:\n  securityContext:\n    capabilities:\n      drop: [ALL]\n      add: [{}]\n{PAIRING}", caps.add.join(", ")),
                );
            }
        }
    }
    for (i, _, host) in &volumes {
        if SENSITIVE_EXACT.contains(&clean(host)) || SENSITIVE_TREES.iter().any(|d| under(host, d))
        {
            let path = format!("{SPEC}.volumes[{i}].hostPath.path");
            f.push(
                "DS302",
                path.clone(),
                format!(
                    "{path} is {host}: whoever controls the pod (its image, its exec) controls the node"
                ),
                "mount only the subdirectory or file the agent reads, read-only (e.g. /var/log, /etc/machine-id); for the runtime, use the CRI API through a narrower socket proxy",
            );
        }
    }
    if ds.spec.template_extras.host_pid == Some(true) {
        f.push(
            "DS304",
            format!("{SPEC}.hostPID"),
            format!(
                "{SPEC}.hostPID is true: the pod sees and can signal every process of the node"
            ),
            format!("keep it only for agents that inspect host processes\n{PAIRING}"),
        );
    }
}

/// DS401.
fn revision_history(ds: &DaemonSet, f: &mut Findings<'_>) {
    if ds.spec.revision_history_limit == Some(0) {
        f.push(
            "DS401",
            "spec.revisionHistoryLimit",
            "spec.revisionHistoryLimit is 0: old ControllerRevisions are deleted, so `rollout undo` has nothing to go back to",
            "keep some history:\n  spec:\n    revisionHistoryLimit: 10",
        );
    }
}

/// The tag of an image reference: `None` for a digest, `Some("")` for no tag.
fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    Some(last.rsplit_once(':').map_or("", |(_, tag)| tag))
}

/// DS402.
fn mutable_image_tag(ds: &DaemonSet, f: &mut Findings<'_>) {
    for c in containers(ds) {
        let image = &c.spec.image;
        if image.is_empty() {
            continue;
        }
        let what = match image_tag(image) {
            Some("") => "has no tag (it means :latest)",
            Some("latest") => "uses the tag latest",
            _ => continue,
        };
        let path = format!("{}.image", c.path);
        f.push(
            "DS402",
            path.clone(),
            format!(
                "{path} {image:?} {what}: nodes run whichever build they pulled, a new node may run a different one, and a rollback changes nothing"
            ),
            format!(
                "pin a version, or better a digest:\n  image: {}:1.2.3   # or {}@sha256:…",
                image.trim_end_matches(":latest"),
                image.trim_end_matches(":latest")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("busybox"), Some(""));
        assert_eq!(image_tag("busybox:latest"), Some("latest"));
        assert_eq!(image_tag("busybox:1.36"), Some("1.36"));
        assert_eq!(image_tag("registry:5000/team/agent"), Some(""));
        assert_eq!(image_tag("registry:5000/team/agent:v2"), Some("v2"));
        assert_eq!(image_tag("agent@sha256:abcd"), None);
    }

    #[test]
    fn host_path_prefixes() {
        assert!(under("/etc/cni/net.d", "/etc/cni"));
        assert!(under("/etc/cni/", "/etc/cni"));
        assert!(!under("/etc/cnix", "/etc/cni"));
        assert_eq!(clean("/"), "/");
        assert_eq!(clean("/etc/"), "/etc");
    }
}
