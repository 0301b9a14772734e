//! Pod status simulation and deletion finalisation.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, Result};
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodCondition, PodStatus};
use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;
use kube::api::{Api, DeleteParams, Patch, PatchParams, Preconditions};
use serde_json::{Value, json};

use crate::node::{self, ReadyMode};
use crate::util::{fmt_time, hash64, hex64, is_status};
use crate::{BEHAVIOR_ANNOTATION, Ctx, Key};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Behavior {
    pub image_pull_backoff: bool,
    pub crash_loop: bool,
    pub not_ready: bool,
    pub pending: bool,
    pub slow_start: Option<Duration>,
}

pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, mul) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60_000)
    } else {
        (s, 1000)
    };
    let v: f64 = num.trim().parse().ok()?;
    if v < 0.0 {
        return None;
    }
    Some(Duration::from_millis((v * mul as f64) as u64))
}

pub fn parse_behavior(v: Option<&str>) -> Behavior {
    let mut b = Behavior::default();
    for tok in v
        .unwrap_or("")
        .split(',')
        .map(|t| t.trim().to_ascii_lowercase())
    {
        match tok.as_str() {
            "" | "running" | "ready" => {}
            "image-pull-backoff" | "imagepullbackoff" => b.image_pull_backoff = true,
            "crash-loop" | "crashloop" | "crash-loop-backoff" | "crashloopbackoff" => {
                b.crash_loop = true
            }
            "not-ready" | "notready" => b.not_ready = true,
            "pending" | "stuck" => b.pending = true,
            t if t.starts_with("slow-start") => {
                let d = t
                    .split_once('=')
                    .and_then(|(_, d)| parse_duration(d))
                    .unwrap_or(Duration::from_secs(5));
                b.slow_start = Some(d);
            }
            other => {
                eprintln!("sim-kubelet: unknown {BEHAVIOR_ANNOTATION} token {other:?} (ignored)")
            }
        }
    }
    b
}

/// Image naming convention for a failing pull: tag `bad`, or a name containing `does-not-exist`.
pub fn image_is_bad(image: &str) -> bool {
    let without_digest = image.split('@').next().unwrap_or(image);
    let last = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let tag = last.split_once(':').map(|(_, t)| t);
    tag == Some("bad") || image.contains("does-not-exist")
}

/// `busybox:1.36` → `docker.io/library/busybox:1.36` (what containerd reports).
pub fn full_image_ref(image: &str) -> String {
    let first = image.split('/').next().unwrap_or("");
    let has_registry =
        image.contains('/') && (first.contains('.') || first.contains(':') || first == "localhost");
    let mut r = if has_registry {
        image.to_string()
    } else if image.contains('/') {
        format!("docker.io/{image}")
    } else {
        format!("docker.io/library/{image}")
    };
    let last = r.rsplit('/').next().unwrap_or("").to_string();
    if !last.contains(':') && !r.contains('@') {
        r.push_str(":latest");
    }
    r
}

fn image_id(image: &str) -> String {
    let full = full_image_ref(image);
    let repo = full.split('@').next().unwrap_or(&full);
    let repo = match repo.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => r,
        _ => repo,
    };
    format!("{repo}@sha256:{}", hex64(&format!("image/{image}")))
}

fn pod_ip(uid: &str) -> String {
    let h = hash64(uid.as_bytes());
    format!(
        "127.{}.{}.{}",
        64 + (h % 64),
        (h >> 8) % 256,
        1 + (h >> 16) % 254
    )
}

/// A comparable digest of the fields the simulation controls.
#[derive(Debug, PartialEq)]
struct Summary {
    phase: Option<String>,
    conditions: Vec<(String, String)>,
    containers: Vec<(String, &'static str, String, bool, i32)>,
    init: Vec<(String, &'static str, String, bool, i32)>,
    pod_ip: Option<String>,
}

fn state_sig(cs: &ContainerStatus) -> (String, &'static str, String, bool, i32) {
    let (kind, reason) = match cs.state.as_ref() {
        Some(s) if s.running.is_some() => ("running", String::new()),
        Some(s) if s.terminated.is_some() => (
            "terminated",
            s.terminated
                .as_ref()
                .unwrap()
                .reason
                .clone()
                .unwrap_or_default(),
        ),
        Some(s) if s.waiting.is_some() => (
            "waiting",
            s.waiting
                .as_ref()
                .unwrap()
                .reason
                .clone()
                .unwrap_or_default(),
        ),
        _ => ("none", String::new()),
    };
    (cs.name.clone(), kind, reason, cs.ready, cs.restart_count)
}

fn summary(st: &PodStatus) -> Summary {
    let managed = [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
    ];
    let mut conditions: Vec<(String, String)> = st
        .conditions
        .iter()
        .flatten()
        .filter(|c| managed.contains(&c.type_.as_str()))
        .map(|c| (c.type_.clone(), c.status.clone()))
        .collect();
    conditions.sort();
    Summary {
        phase: st.phase.clone(),
        conditions,
        containers: st
            .container_statuses
            .iter()
            .flatten()
            .map(state_sig)
            .collect(),
        init: st
            .init_container_statuses
            .iter()
            .flatten()
            .map(state_sig)
            .collect(),
        pod_ip: st.pod_ip.clone(),
    }
}

pub async fn reconcile(ctx: &Arc<Ctx>, ns: &str, name: &str) -> Result<()> {
    let Some(pod) = ctx
        .pods
        .lock()
        .unwrap()
        .get(&(ns.to_string(), name.to_string()))
        .cloned()
    else {
        return Ok(());
    };
    let Some(node_name) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) else {
        return Ok(());
    };
    let Some(node) = ctx.nodes.lock().unwrap().get(&node_name).cloned() else {
        return Ok(()); // not one of ours (or not seen yet: the node event re-queues its pods)
    };
    let api: Api<Pod> = Api::namespaced(ctx.client.clone(), ns);

    // ---- graceful deletion → finish it (the real kubelet does this after killing containers)
    if pod.metadata.deletion_timestamp.is_some() {
        if pod.metadata.deletion_grace_period_seconds == Some(0) && !pod.finalizers().is_empty() {
            return Ok(()); // already asked; waiting for finalizers
        }
        if node::ready_mode(&node) == ReadyMode::Unknown {
            // an unreachable kubelet cannot confirm the kill: the pod stays Terminating (as in
            // a real cluster) until the node comes back, is deleted, or the pod is force-deleted
            return Ok(());
        }
        let dp = DeleteParams {
            grace_period_seconds: Some(0),
            preconditions: Some(Preconditions {
                uid: pod.metadata.uid.clone(),
                resource_version: None,
            }),
            ..DeleteParams::default()
        };
        match api.delete(name, &dp).await {
            Ok(_) => {
                ctx.stats.pod_deletes.fetch_add(1, Ordering::Relaxed);
                ctx.log(format!("pod {ns}/{name}: deleted (grace 0)"));
            }
            Err(e) if is_status(&e, 404) || is_status(&e, 409) => {}
            Err(e) => {
                return Err(anyhow::Error::from(e).context(format!("deleting pod {ns}/{name}")));
            }
        }
        return Ok(());
    }

    let status = pod.status.clone().unwrap_or_default();
    if matches!(status.phase.as_deref(), Some("Succeeded") | Some("Failed")) {
        return Ok(());
    }

    let now_ts = Timestamp::now();
    let now = fmt_time(&now_ts);
    let mode = node::ready_mode(&node);
    let desired = if mode != ReadyMode::True {
        // Node not ready: no kubelet is starting anything; pods that were running are marked
        // NotReady (what the node-lifecycle controller does in a real cluster).
        if status
            .container_statuses
            .as_ref()
            .is_none_or(|c| c.is_empty())
        {
            return Ok(());
        }
        let mut conds: Vec<Value> = Vec::new();
        for c in status.conditions.iter().flatten() {
            let mut v = serde_json::to_value(c)?;
            if c.type_ == "Ready" && c.status != "False" {
                v["status"] = json!("False");
                v["lastTransitionTime"] = json!(now);
                v["reason"] = Value::Null;
                v["message"] = Value::Null;
            }
            conds.push(v);
        }
        json!({"conditions": conds})
    } else {
        let b = parse_behavior(
            pod.annotations()
                .get(BEHAVIOR_ANNOTATION)
                .map(|s| s.as_str()),
        );
        let (d, requeue) = desired_status(&pod, &node, &b, &status, &now_ts, &now);
        if let Some(after) = requeue {
            ctx.enqueue_after(Key::Pod(ns.to_string(), name.to_string()), after);
        }
        d
    };

    // compare what we control; skip no-op writes
    let mut merged = serde_json::to_value(&status)?;
    if let (Some(m), Some(d)) = (merged.as_object_mut(), desired.as_object()) {
        for (k, v) in d {
            m.insert(k.clone(), v.clone());
        }
    }
    let desired_typed: PodStatus =
        serde_json::from_value(merged).context("building desired pod status")?;
    if summary(&desired_typed) == summary(&status) {
        return Ok(());
    }

    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(&json!({"status": desired})),
    )
    .await
    .with_context(|| format!("patching status of pod {ns}/{name}"))?;
    ctx.stats.pod_patches.fetch_add(1, Ordering::Relaxed);
    ctx.log(format!(
        "pod {ns}/{name} on {node_name}: {:?}",
        summary(&desired_typed)
    ));
    Ok(())
}

fn existing<'a>(list: &'a Option<Vec<ContainerStatus>>, name: &str) -> Option<&'a ContainerStatus> {
    list.as_ref()
        .and_then(|l| l.iter().find(|c| c.name == name))
}

/// Keep the previous timestamp when the container stays in the same state.
fn running_since(prev: Option<&ContainerStatus>, now: &str) -> String {
    prev.and_then(|p| p.state.as_ref())
        .and_then(|s| s.running.as_ref())
        .and_then(|r| r.started_at.as_ref())
        .map(|t| fmt_time(&t.0))
        .unwrap_or_else(|| now.to_string())
}

fn container_id(uid: &str, name: &str, restart: i32) -> String {
    format!("containerd://{}", hex64(&format!("{uid}/{name}/{restart}")))
}

fn desired_status(
    pod: &Pod,
    node: &k8s_openapi::api::core::v1::Node,
    b: &Behavior,
    st: &PodStatus,
    now_ts: &Timestamp,
    now: &str,
) -> (Value, Option<Duration>) {
    let spec = pod.spec.clone().unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let pod_name = pod.name_any();
    let ns = pod.namespace().unwrap_or_default();

    // slow start / pending: containers are still being created
    let mut requeue = None;
    let mut starting = b.pending;
    if let Some(d) = b.slow_start {
        let created = pod
            .metadata
            .creation_timestamp
            .as_ref()
            .map(|t| t.0)
            .unwrap_or(*now_ts);
        let elapsed = now_ts.duration_since(created);
        let elapsed = Duration::try_from(elapsed).unwrap_or_default();
        if elapsed < d {
            starting = true;
            requeue = Some(d - elapsed + Duration::from_millis(100));
        }
    }

    let host_ip = node::internal_ip(node);
    let pip = if spec.host_network == Some(true) {
        host_ip.clone()
    } else {
        st.pod_ip.clone().unwrap_or_else(|| pod_ip(&uid))
    };

    // ---- init containers
    let mut init_statuses = Vec::new();
    let mut initialized = true;
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let prev = existing(&st.init_container_statuses, &c.name);
        let sidecar = c.restart_policy.as_deref() == Some("Always");
        let v = if starting {
            initialized = false;
            let reason = if i == 0 {
                "ContainerCreating"
            } else {
                "PodInitializing"
            };
            json!({"name": c.name, "image": c.image.clone().unwrap_or_default(), "imageID": "",
                   "ready": false, "started": false, "restartCount": 0,
                   "state": {"waiting": {"reason": reason}}})
        } else if sidecar {
            running_status(c, &uid, prev, now, true)
        } else {
            let img = c.image.clone().unwrap_or_default();
            let started = prev
                .and_then(|p| p.state.as_ref())
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.started_at.as_ref())
                .map(|t| fmt_time(&t.0))
                .unwrap_or_else(|| now.to_string());
            json!({"name": c.name, "image": img, "imageID": image_id(&img),
                   "containerID": container_id(&uid, &c.name, 0),
                   "ready": true, "started": false, "restartCount": 0,
                   "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started,
                             "finishedAt": started, "containerID": container_id(&uid, &c.name, 0)}}})
        };
        init_statuses.push(v);
    }

    // ---- app containers
    let mut statuses = Vec::new();
    let mut unready = Vec::new();
    let mut any_waiting_fresh = false;
    for c in spec.containers.iter() {
        let prev = existing(&st.container_statuses, &c.name);
        let img = c.image.clone().unwrap_or_default();
        let v = if starting {
            any_waiting_fresh = true;
            let reason = if spec.init_containers.as_ref().is_some_and(|i| !i.is_empty()) {
                "PodInitializing"
            } else {
                "ContainerCreating"
            };
            json!({"name": c.name, "image": img, "imageID": "", "ready": false, "started": false,
                   "restartCount": 0, "state": {"waiting": {"reason": reason}}})
        } else if b.image_pull_backoff || image_is_bad(&img) {
            any_waiting_fresh = true;
            let full = full_image_ref(&img);
            json!({"name": c.name, "image": img, "imageID": "", "ready": false, "started": false,
                   "restartCount": 0,
                   "state": {"waiting": {"reason": "ImagePullBackOff",
                     "message": format!("Back-off pulling image \"{img}\": ErrImagePull: failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found")}}})
        } else if b.crash_loop {
            let restarts = 5;
            let last_started = prev
                .and_then(|p| p.last_state.as_ref())
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.started_at.as_ref())
                .map(|t| fmt_time(&t.0))
                .unwrap_or_else(|| now.to_string());
            let last_finished = prev
                .and_then(|p| p.last_state.as_ref())
                .and_then(|s| s.terminated.as_ref())
                .and_then(|t| t.finished_at.as_ref())
                .map(|t| fmt_time(&t.0))
                .unwrap_or_else(|| now.to_string());
            let cid = container_id(&uid, &c.name, restarts);
            json!({"name": c.name, "image": img, "imageID": image_id(&img), "containerID": cid,
                   "ready": false, "started": false, "restartCount": restarts,
                   "state": {"waiting": {"reason": "CrashLoopBackOff",
                     "message": format!("back-off 2m40s restarting failed container={} pod={pod_name}_{ns}({uid})", c.name)}},
                   "lastState": {"terminated": {"exitCode": 1, "reason": "Error",
                     "startedAt": last_started, "finishedAt": last_finished, "containerID": cid}}})
        } else {
            running_status(c, &uid, prev, now, !b.not_ready)
        };
        if v["ready"] != json!(true) {
            unready.push(c.name.clone());
        }
        statuses.push(v);
    }

    // ---- conditions
    let containers_ready = unready.is_empty();
    let gates_ok = spec.readiness_gates.iter().flatten().all(|g| {
        st.conditions
            .iter()
            .flatten()
            .any(|c| c.type_ == g.condition_type && c.status == "True")
    });
    let unready_msg = format!("containers with unready status: [{}]", unready.join(" "));
    let prev_cond = |t: &str| -> Option<&PodCondition> {
        st.conditions.iter().flatten().find(|c| c.type_ == t)
    };
    let mk = |t: &str, ok: bool, reason: Option<&str>, msg: Option<&str>| -> Value {
        let status = if ok { "True" } else { "False" };
        let transition = match prev_cond(t) {
            Some(p) if p.status == status => p
                .last_transition_time
                .as_ref()
                .map(|x| fmt_time(&x.0))
                .unwrap_or_else(|| now.to_string()),
            _ => now.to_string(),
        };
        let mut v = json!({"type": t, "status": status, "lastTransitionTime": transition});
        if !ok {
            if let Some(r) = reason {
                v["reason"] = json!(r);
            }
            if let Some(m) = msg {
                v["message"] = json!(m);
            }
        }
        if let Some(g) = pod.metadata.generation {
            v["observedGeneration"] = json!(g);
        }
        v
    };
    let managed = [
        "PodReadyToStartContainers",
        "Initialized",
        "ContainersReady",
        "Ready",
    ];
    let mut conditions: Vec<Value> = Vec::new();
    // keep the scheduler's PodScheduled and anything set by others (DisruptionTarget, gates…)
    for c in st.conditions.iter().flatten() {
        if !managed.contains(&c.type_.as_str()) {
            conditions.push(serde_json::to_value(c).unwrap_or(Value::Null));
        }
    }
    if prev_cond("PodScheduled").is_none() {
        conditions
            .push(json!({"type": "PodScheduled", "status": "True", "lastTransitionTime": now}));
    }
    conditions.push(mk("PodReadyToStartContainers", !starting, None, None));
    conditions.push(mk(
        "Initialized",
        initialized,
        Some("ContainersNotInitialized"),
        Some("containers with incomplete status: [init]"),
    ));
    let ready_reason = if !containers_ready {
        "ContainersNotReady"
    } else {
        "ReadinessGatesNotReady"
    };
    conditions.push(mk(
        "ContainersReady",
        containers_ready,
        Some("ContainersNotReady"),
        Some(&unready_msg),
    ));
    conditions.push(mk(
        "Ready",
        containers_ready && gates_ok,
        Some(ready_reason),
        Some(if containers_ready {
            "corresponding condition of pod readiness gate is not True"
        } else {
            &unready_msg
        }),
    ));

    let phase = if starting || any_waiting_fresh {
        "Pending"
    } else {
        "Running"
    };
    let start_time = st
        .start_time
        .as_ref()
        .map(|t| fmt_time(&t.0))
        .unwrap_or_else(|| now.to_string());
    let mut out = json!({
        "phase": phase,
        "conditions": conditions,
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": pip,
        "podIPs": [{"ip": pip}],
        "startTime": start_time,
        "containerStatuses": statuses,
    });
    if !init_statuses.is_empty() {
        out["initContainerStatuses"] = json!(init_statuses);
    }
    if let Some(g) = pod.metadata.generation {
        out["observedGeneration"] = json!(g);
    }
    (out, requeue)
}

fn running_status(
    c: &Container,
    uid: &str,
    prev: Option<&ContainerStatus>,
    now: &str,
    ready: bool,
) -> Value {
    let img = c.image.clone().unwrap_or_default();
    json!({"name": c.name, "image": img, "imageID": image_id(&img),
           "containerID": container_id(uid, &c.name, 0),
           "ready": ready, "started": true, "restartCount": 0,
           "state": {"running": {"startedAt": running_since(prev, now)}}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_images() {
        assert!(image_is_bad("busybox:bad"));
        assert!(image_is_bad("registry.local:5000/x/busybox:bad"));
        assert!(image_is_bad("example.com/does-not-exist/agent:1.0"));
        assert!(!image_is_bad("busybox:1.36"));
        assert!(!image_is_bad("registry.local:5000/bad/busybox"));
    }

    #[test]
    fn behaviors() {
        let b = parse_behavior(Some("crash-loop, slow-start=2s"));
        assert!(b.crash_loop);
        assert_eq!(b.slow_start, Some(Duration::from_secs(2)));
        assert!(parse_behavior(Some("image-pull-backoff")).image_pull_backoff);
        assert_eq!(parse_duration("1500ms"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
    }

    #[test]
    fn image_refs() {
        assert_eq!(
            full_image_ref("busybox:1.36"),
            "docker.io/library/busybox:1.36"
        );
        assert_eq!(
            full_image_ref("grafana/agent"),
            "docker.io/grafana/agent:latest"
        );
        assert_eq!(
            full_image_ref("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
        assert!(image_id("busybox:1.36").starts_with("docker.io/library/busybox@sha256:"));
    }
}
