//! Why a bound DaemonSet pod is not Running and Ready (kubelet states, quoted events).

use super::inventory::Inventory;
use super::verdict::{Detail, EventRef, GateRef, Reason};
use crate::model::{ContainerStatus, Node, Pod};

const IMAGE_PULL_STATES: [&str; 7] = [
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
    "ImageInspectError",
    "RegistryUnavailable",
    "SignatureValidationFailed",
];
const CONTAINER_ERROR_STATES: [&str; 5] = [
    "CreateContainerError",
    "RunContainerError",
    "StartError",
    "PreStartHookError",
    "PostStartHookError",
];

/// The node-level reason, when the node is not Ready.
pub fn node_not_ready(node: &Node) -> Option<Reason> {
    if node.is_ready() {
        return None;
    }
    let condition = node.ready_condition();
    let status = condition.map(|c| c.status.clone());
    let reason = condition.and_then(|c| c.reason.clone());
    let message = match (&status, condition.and_then(|c| c.message.as_deref())) {
        (Some(s), Some(m)) => format!("the node is not Ready (Ready={s}: {m})"),
        (Some(s), None) => format!("the node is not Ready (Ready={s})"),
        (None, _) => "the node reports no Ready condition".to_owned(),
    };
    Some(
        Reason::new(Detail::NodeNotReady { status, reason }, message)
            .with_hint(format!("kubectl describe node {}", node.name())),
    )
}

/// Reasons a bound pod is not Running and Ready; empty when it is. `owner` is the DaemonSet as
/// `NAME -n NAMESPACE`, for hints.
pub fn bound_pod_problems(inv: &Inventory, pod: &Pod, owner: &str) -> Vec<Reason> {
    let ns = &pod.metadata.namespace;
    let name = &pod.metadata.name;
    let describe = format!("kubectl describe pod -n {ns} {name}");
    if pod.is_terminating() {
        return vec![
            Reason::new(
                Detail::Terminating { since: pod.metadata.deletion_timestamp },
                "the pod is terminating; the controller creates its replacement only once it is gone",
            )
            .with_hint(format!(
                "if it is stuck (node down or a finalizer), check {describe}; kubectl delete pod -n {ns} {name} --force --grace-period=0 removes it"
            )),
        ];
    }
    match pod.status.phase.as_str() {
        "Failed" => {
            let reason = pod.status.reason.clone();
            let what = reason.as_deref().unwrap_or("Failed");
            let message = match &pod.status.message {
                Some(m) => format!("the pod failed ({what}): {}", m.trim()),
                None => format!("the pod failed ({what})"),
            };
            return vec![
                Reason::new(Detail::PodFailed { pod_reason: reason, pod_message: pod.status.message.clone() }, message)
                    .with_hint("the controller deletes failed pods and recreates them with a back-off; if it recurs, fix the cause above"),
            ];
        }
        "Succeeded" => {
            return vec![Reason::new(
                Detail::PodCompleted {},
                "the pod's containers exited successfully; a DaemonSet pod is expected to keep running",
            )
            .with_hint("the controller replaces it; make the container's command long-running")];
        }
        _ => {}
    }
    let mut reasons = Vec::new();
    let containers = pod.spec.init_containers.iter().chain(&pod.spec.containers);
    let statuses: Vec<&ContainerStatus> = pod
        .status
        .init_container_statuses
        .iter()
        .chain(&pod.status.container_statuses)
        .collect();
    for status in &statuses {
        if let Some(r) = container_problem(pod, status, &describe, owner) {
            reasons.push(r);
        }
    }
    if !reasons.is_empty() {
        return reasons;
    }
    let not_started: Vec<String> = containers
        .filter(|c| {
            statuses.iter().find(|s| s.name == c.name).is_none_or(|s| {
                s.state
                    .as_ref()
                    .is_none_or(|st| st.running.is_none() && st.terminated.is_none())
            })
        })
        .map(|c| c.name.clone())
        .collect();
    let mount = inv.latest_event("Pod", ns, name, "FailedMount");
    if let Some(event) = mount.filter(|_| !pod.is_ready()) {
        let e = EventRef::from(event);
        return vec![
            Reason::new(Detail::MountFailed { event: e.clone() }, format!("a volume cannot be mounted: {}", e.message))
                .with_hint("check the volume's source on the node (hostPath type and path, Secret or ConfigMap name)"),
        ];
    }
    if pod.status.phase == "Pending" || (!not_started.is_empty() && !pod.is_ready()) {
        let list = if not_started.is_empty() {
            pod.spec.containers.iter().map(|c| c.name.clone()).collect()
        } else {
            not_started
        };
        return vec![
            Reason::new(
                Detail::ContainerCreating {
                    containers: list.clone(),
                },
                format!("containers not started yet: {}", list.join(", ")),
            )
            .with_hint(describe),
        ];
    }
    if !pod.is_ready() {
        let unready: Vec<String> = pod
            .status
            .container_statuses
            .iter()
            .filter(|s| !s.ready)
            .map(|s| s.name.clone())
            .collect();
        let gates = unready_gates(pod);
        if unready.is_empty() && !gates.is_empty() {
            return vec![gates_not_ready(gates, &describe)];
        }
        let event = inv
            .latest_event("Pod", ns, name, "Unhealthy")
            .map(EventRef::from);
        let message = match (&event, unready.is_empty()) {
            (Some(e), _) => format!("the pod runs but is not Ready: {}", e.message),
            (None, false) => format!(
                "the pod runs but is not Ready (containers not ready: {})",
                unready.join(", ")
            ),
            (None, true) => "the pod runs but is not Ready".to_owned(),
        };
        reasons.push(
            Reason::new(
                Detail::NotReady {
                    containers: unready,
                    event,
                    readiness_gates: gates,
                },
                message,
            )
            .with_hint(format!("check the readiness probe: {describe}")),
        );
    }
    reasons
}

/// The registry's answer at the end of a kubelet pull message (`…: not found`), when the
/// message ends with one: the words after its last `": "`, provided they are short and quote no
/// image (`Back-off pulling image "x"` has none).
fn registry_answer(message: &str) -> Option<&str> {
    let (_, tail) = message.trim().rsplit_once(": ")?;
    let tail = tail.trim();
    (!tail.is_empty() && tail.len() <= 80 && !tail.contains('"')).then_some(tail)
}

/// The pod's readiness gates whose condition is not True (absent counts as not True, as the
/// kubelet counts it).
fn unready_gates(pod: &Pod) -> Vec<GateRef> {
    pod.spec
        .readiness_gates
        .iter()
        .filter_map(|gate| {
            let status = pod
                .condition(&gate.condition_type)
                .map(|c| c.status.clone());
            (status.as_deref() != Some("True")).then(|| GateRef {
                condition_type: gate.condition_type.clone(),
                status,
            })
        })
        .collect()
}

/// Every container is ready, but a readiness gate is not: the probe is not the cause; whoever
/// owns the gate's condition (often a load-balancer controller) has not set it True.
fn gates_not_ready(gates: Vec<GateRef>, describe: &str) -> Reason {
    let list: Vec<String> = gates
        .iter()
        .map(|g| match &g.status {
            Some(s) => format!("{}={s}", g.condition_type),
            None => format!("{} (condition not set)", g.condition_type),
        })
        .collect();
    let (noun, verb, types) = if gates.len() == 1 {
        ("gate", "is", gates[0].condition_type.clone())
    } else {
        (
            "gates",
            "are",
            gates
                .iter()
                .map(|g| g.condition_type.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    Reason::new(
        Detail::NotReady {
            containers: Vec::new(),
            event: None,
            readiness_gates: gates,
        },
        format!(
            "the containers are ready but the readiness {noun} {verb} not: {}",
            list.join(", ")
        ),
    )
    .with_hint(format!(
        "the controller that owns the readiness {noun} ({types}) sets the condition; check that it runs and knows this pod: {describe}"
    ))
}

fn container_problem(
    pod: &Pod,
    status: &ContainerStatus,
    describe: &str,
    owner: &str,
) -> Option<Reason> {
    let waiting = status.state.as_ref()?.waiting.as_ref()?;
    let state = waiting.reason.clone().unwrap_or_default();
    let detail_text = waiting.message.clone();
    let container = status.name.clone();
    let ns = &pod.metadata.namespace;
    let name = &pod.metadata.name;
    if IMAGE_PULL_STATES.contains(&state.as_str()) {
        let image = pod
            .spec
            .containers
            .iter()
            .chain(&pod.spec.init_containers)
            .find(|c| c.name == container)
            .map(|c| c.image.clone())
            .unwrap_or_default();
        // The registry's answer (`not found`, `authorization failed`) leads: it is what decides,
        // and a cut or wrapped column would otherwise lose it behind the image name.
        let answer = detail_text
            .as_deref()
            .and_then(registry_answer)
            .map(|a| format!("{a}: "))
            .unwrap_or_default();
        let message = format!(
            "{answer}container {container} cannot pull image {image:?} ({state}){}",
            detail_text
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
        return Some(
            Reason::new(Detail::ImagePullBackOff { container, image, state }, message)
                .with_hint(format!(
                    "check the image name and tag and the registry credentials (imagePullSecrets); if a rollout brought it: kubectl ds rollout undo {owner}"
                )),
        );
    }
    if state == "CrashLoopBackOff" {
        let last = status
            .last_state
            .as_ref()
            .and_then(|s| s.terminated.as_ref());
        let last_exit_code = last.and_then(|t| t.exit_code);
        let last_reason = last.and_then(|t| t.reason.clone());
        let exit = match (last_exit_code, &last_reason) {
            (Some(code), Some(r)) => format!(", last exit code {code} ({r})"),
            (Some(code), None) => format!(", last exit code {code}"),
            (None, Some(r)) => format!(", last termination {r}"),
            (None, None) => String::new(),
        };
        let message = format!(
            "container {container} is crash-looping ({} restarts{exit})",
            status.restart_count
        );
        return Some(
            Reason::new(
                Detail::CrashLoopBackOff {
                    container: container.clone(),
                    restart_count: status.restart_count,
                    last_exit_code,
                    last_reason,
                },
                message,
            )
            .with_hint(format!(
                "kubectl logs -n {ns} {name} -c {container} --previous"
            )),
        );
    }
    if state == "CreateContainerConfigError" {
        let message = format!(
            "container {container} cannot be configured{}",
            detail_text
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
        return Some(
            Reason::new(
                Detail::CreateContainerConfigError {
                    container,
                    detail: detail_text,
                },
                message,
            )
            .with_hint("create the missing ConfigMap/Secret or key, or fix the securityContext"),
        );
    }
    if CONTAINER_ERROR_STATES.contains(&state.as_str()) {
        let message = format!(
            "container {container} cannot start ({state}){}",
            detail_text
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default()
        );
        return Some(
            Reason::new(
                Detail::ContainerError {
                    container,
                    state,
                    detail: detail_text,
                },
                message,
            )
            .with_hint(describe.to_owned()),
        );
    }
    None
}

#[cfg(test)]
mod registry_answer_tests {
    use super::registry_answer;

    #[test]
    fn the_registrys_answer_is_the_end_of_the_pull_message() {
        assert_eq!(
            registry_answer(
                "Back-off pulling image \"busybox:x\": ErrImagePull: failed to pull and unpack image \"docker.io/library/busybox:x\": not found"
            ),
            Some("not found")
        );
        assert_eq!(
            registry_answer(
                "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
            ),
            Some("authorization failed")
        );
        assert_eq!(
            registry_answer("Back-off pulling image \"busybox:x\""),
            None
        );
        assert_eq!(registry_answer("failed: \"quoted\""), None);
        assert_eq!(registry_answer("trailing: "), None);
    }
}
