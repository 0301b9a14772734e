//! Fake Node creation and status/taint reconciliation.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use anyhow::{Context, Result, bail};
use futures::StreamExt;
use k8s_openapi::api::core::v1::{Node, Taint};
use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::util::{hash64, is_status, now_str};
use crate::{Ctx, Labels, NODE_ALLOCATABLE_ANNOTATION, NODE_READY_LABEL, NodeSpecArgs, parse_kv};

pub const KUBELET_VERSION: &str = "v1.37.2";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadyMode {
    True,
    False,
    Unknown,
}

pub fn ready_mode(n: &Node) -> ReadyMode {
    match n
        .labels()
        .get(NODE_READY_LABEL)
        .map(|s| s.to_ascii_lowercase())
    {
        Some(v) if v == "false" => ReadyMode::False,
        Some(v) if v == "unknown" => ReadyMode::Unknown,
        _ => ReadyMode::True,
    }
}

/// Deterministic loopback InternalIP for a node name (127.16.0.0/12-ish; data only, never dialled).
pub fn node_ip(name: &str) -> String {
    let h = hash64(name.as_bytes());
    format!(
        "127.{}.{}.{}",
        16 + (h % 16),
        (h >> 8) % 256,
        1 + (h >> 16) % 254
    )
}

/// The InternalIP of a node object (its own address if it has one, else the derived one).
pub fn internal_ip(n: &Node) -> String {
    n.status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
        .map(|a| a.address.clone())
        .unwrap_or_else(|| node_ip(&n.name_any()))
}

// ------------------------------------------------------------------------------------------------
// Creation

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpecFile {
    pub name: String,
    #[serde(default)]
    pub labels: Labels,
    #[serde(default)]
    pub annotations: Labels,
    #[serde(default)]
    pub taints: Vec<Value>,
    #[serde(default)]
    pub unschedulable: bool,
}

pub fn parse_taint(s: &str) -> Result<Value> {
    let (kv, effect) = s
        .rsplit_once(':')
        .with_context(|| format!("taint {s:?}: expected key[=value]:Effect"))?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        bail!("taint {s:?}: effect must be NoSchedule, PreferNoSchedule or NoExecute");
    }
    let (k, v) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (kv, None),
    };
    let mut t = json!({"key": k, "effect": effect});
    if let Some(v) = v {
        t["value"] = json!(v);
    }
    Ok(t)
}

pub fn specs_from_args(a: &NodeSpecArgs, selector: &str) -> Result<Vec<NodeSpecFile>> {
    let (sk, sv) = parse_kv(selector)?;
    let mut out = Vec::new();
    let mut labels = Labels::new();
    for l in &a.labels {
        let (k, v) = parse_kv(l)?;
        labels.insert(k, v);
    }
    let taints = a
        .taints
        .iter()
        .map(|t| parse_taint(t))
        .collect::<Result<Vec<_>>>()?;
    let width = (a.start + a.nodes).to_string().len().max(1);
    for i in a.start..a.start + a.nodes {
        out.push(NodeSpecFile {
            name: format!("{}{:0width$}", a.prefix, i),
            labels: labels.clone(),
            taints: taints.clone(),
            ..Default::default()
        });
    }
    if let Some(f) = &a.node_file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        let specs: Vec<NodeSpecFile> =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", f.display()))?;
        out.extend(specs);
    }
    for s in &mut out {
        s.labels.entry(sk.clone()).or_insert_with(|| sv.clone());
    }
    Ok(out)
}

/// The full Node object (metadata + spec + status) for a spec. Nodes keep `.status` on create.
pub fn node_object(s: &NodeSpecFile) -> Value {
    let mut labels = s.labels.clone();
    labels
        .entry("kubernetes.io/hostname".into())
        .or_insert_with(|| s.name.clone());
    labels
        .entry("kubernetes.io/os".into())
        .or_insert_with(|| "linux".into());
    labels
        .entry("kubernetes.io/arch".into())
        .or_insert_with(|| "amd64".into());
    let mut spec = json!({});
    if !s.taints.is_empty() {
        spec["taints"] = json!(s.taints);
    }
    if s.unschedulable {
        spec["unschedulable"] = json!(true);
    }
    let mode = match labels.get(NODE_READY_LABEL).map(|s| s.as_str()) {
        Some("false") => ReadyMode::False,
        Some("unknown") => ReadyMode::Unknown,
        _ => ReadyMode::True,
    };
    let resources = resources_from_annotation(
        s.annotations
            .get(NODE_ALLOCATABLE_ANNOTATION)
            .map(|s| s.as_str()),
    );
    let now = now_str();
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": s.name, "labels": labels, "annotations": s.annotations},
        "spec": spec,
        "status": status_body(&s.name, &node_ip(&s.name), mode, &resources, &now, None),
    })
}

pub async fn create_nodes(
    client: &Client,
    specs: Vec<NodeSpecFile>,
    concurrency: usize,
) -> Result<usize> {
    let api: Api<Node> = Api::all(client.clone());
    let results: Vec<Result<bool>> = futures::stream::iter(specs)
        .map(|s| {
            let api = api.clone();
            async move {
                let obj: Node = serde_json::from_value(node_object(&s))?;
                match api.create(&PostParams::default(), &obj).await {
                    Ok(_) => Ok(true),
                    Err(e) if is_status(&e, 409) => Ok(false),
                    Err(e) => {
                        Err(anyhow::Error::from(e).context(format!("creating node {}", s.name)))
                    }
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut created = 0;
    for r in results {
        if r? {
            created += 1;
        }
    }
    Ok(created)
}

// ------------------------------------------------------------------------------------------------
// Status

pub fn resources_from_annotation(ann: Option<&str>) -> BTreeMap<String, String> {
    let mut r: BTreeMap<String, String> = [
        ("cpu", "4"),
        ("memory", "16Gi"),
        ("pods", "110"),
        ("ephemeral-storage", "100Gi"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(a) = ann {
        for part in a.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some((k, v)) = part.split_once('=') {
                r.insert(k.trim().to_string(), v.trim().to_string());
            }
        }
    }
    r
}

fn condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    heartbeat: &str,
    transition: &str,
) -> Value {
    json!({"type": type_, "status": status, "reason": reason, "message": message,
           "lastHeartbeatTime": heartbeat, "lastTransitionTime": transition})
}

/// Node status body. `prev_transition` gives the previous transition time per condition type
/// (kept when the status of that condition does not change).
pub fn status_body(
    name: &str,
    ip: &str,
    mode: ReadyMode,
    resources: &BTreeMap<String, String>,
    now: &str,
    prev: Option<&Node>,
) -> Value {
    let prev_cond = |t: &str| -> Option<(String, String)> {
        prev.and_then(|n| n.status.as_ref())
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == t))
            .map(|c| {
                let tt = c
                    .last_transition_time
                    .as_ref()
                    .map(|t| crate::util::fmt_time(&t.0))
                    .unwrap_or_else(|| now.to_string());
                (c.status.clone(), tt)
            })
    };
    let mk = |t: &str, status: &str, reason: &str, msg: &str| {
        let transition = match prev_cond(t) {
            Some((s, tt)) if s == status => tt,
            _ => now.to_string(),
        };
        condition(t, status, reason, msg, now, &transition)
    };
    let conditions = match mode {
        ReadyMode::True => vec![
            mk(
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            mk(
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            mk(
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            mk(
                "Ready",
                "True",
                "KubeletReady",
                "kubelet is posting ready status",
            ),
        ],
        ReadyMode::False => vec![
            mk(
                "MemoryPressure",
                "False",
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
            mk(
                "DiskPressure",
                "False",
                "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure",
            ),
            mk(
                "PIDPressure",
                "False",
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
            mk(
                "Ready",
                "False",
                "KubeletNotReady",
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
            ),
        ],
        ReadyMode::Unknown => ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]
            .iter()
            .map(|t| {
                mk(
                    t,
                    "Unknown",
                    "NodeStatusUnknown",
                    "Kubelet stopped posting node status.",
                )
            })
            .collect(),
    };
    json!({
        "capacity": resources,
        "allocatable": resources,
        "conditions": conditions,
        "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "machineID": format!("{:032x}", (hash64(name.as_bytes()) as u128) << 64 | hash64(b"machine") as u128),
            "systemUUID": format!("sim-{name}"),
            "bootID": format!("{:016x}", hash64(format!("boot/{name}").as_bytes())),
            "kernelVersion": "6.1.0-sim",
            "osImage": "Debian GNU/Linux 12 (bookworm) (simulated)",
            "containerRuntimeVersion": "containerd://2.1.0-sim",
            "kubeletVersion": KUBELET_VERSION,
            "kubeProxyVersion": "",
            "operatingSystem": "linux",
            "architecture": "amd64",
        },
    })
}

fn desired_taints(n: &Node, mode: ReadyMode, now: &str) -> (Vec<Taint>, Vec<Value>) {
    let current: Vec<Taint> = n
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let managed = [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ];
    let mut out: Vec<Value> = current
        .iter()
        .filter(|t| !managed.contains(&t.key.as_str()))
        .map(|t| serde_json::to_value(t).unwrap())
        .collect();
    let want_key = match mode {
        ReadyMode::True => None,
        ReadyMode::False => Some("node.kubernetes.io/not-ready"),
        ReadyMode::Unknown => Some("node.kubernetes.io/unreachable"),
    };
    if let Some(k) = want_key {
        for effect in ["NoSchedule", "NoExecute"] {
            // keep the existing taint (with its timeAdded) if present
            if let Some(t) = current.iter().find(|t| t.key == k && t.effect == effect) {
                out.push(serde_json::to_value(t).unwrap());
            } else if effect == "NoExecute" {
                out.push(json!({"key": k, "effect": effect, "timeAdded": now}));
            } else {
                out.push(json!({"key": k, "effect": effect}));
            }
        }
    }
    (current, out)
}

fn taint_sig(v: &[Value]) -> Vec<(String, String, String)> {
    let mut s: Vec<_> = v
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap_or("").to_string(),
                t["value"].as_str().unwrap_or("").to_string(),
                t["effect"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    s.sort();
    s
}

pub async fn reconcile(ctx: &Ctx, name: &str) -> Result<()> {
    let Some(n) = ctx.nodes.lock().unwrap().get(name).cloned() else {
        return Ok(());
    };
    if n.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let api: Api<Node> = Api::all(ctx.client.clone());
    let mode = ready_mode(&n);
    let now = now_str();

    // --- taints (spec) ---
    let (current, desired) = desired_taints(&n, mode, &now);
    let cur_v: Vec<Value> = current
        .iter()
        .map(|t| serde_json::to_value(t).unwrap())
        .collect();
    if taint_sig(&cur_v) != taint_sig(&desired) {
        let taints = if desired.is_empty() {
            Value::Null
        } else {
            json!(desired)
        };
        let patch = json!({
            "metadata": {"resourceVersion": n.resource_version()},
            "spec": {"taints": taints},
        });
        api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .with_context(|| format!("patching taints of node {name}"))?;
        ctx.stats.node_patches.fetch_add(1, Ordering::Relaxed);
        ctx.log(format!("node {name}: taints → {:?}", taint_sig(&desired)));
        // the watch brings the new object; status is handled on that event
        return Ok(());
    }

    // --- status ---
    let ann = n
        .annotations()
        .get(NODE_ALLOCATABLE_ANNOTATION)
        .map(|s| s.as_str());
    let st = n.status.clone().unwrap_or_default();
    let resources: BTreeMap<String, String> = match (ann, &st.capacity) {
        (None, Some(cap)) if !cap.is_empty() => {
            cap.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()
        }
        _ => resources_from_annotation(ann),
    };
    let ready_status = st
        .conditions
        .as_ref()
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
        .map(|c| c.status.clone());
    let want_ready = match mode {
        ReadyMode::True => "True",
        ReadyMode::False => "False",
        ReadyMode::Unknown => "Unknown",
    };
    let cap_now: BTreeMap<String, String> = st
        .capacity
        .as_ref()
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
        .unwrap_or_default();
    let alloc_now: BTreeMap<String, String> = st
        .allocatable
        .as_ref()
        .map(|c| c.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect())
        .unwrap_or_default();
    let has_addr = st.addresses.as_ref().is_some_and(|a| !a.is_empty());
    let has_info = st
        .node_info
        .as_ref()
        .is_some_and(|i| !i.kubelet_version.is_empty());
    if ready_status.as_deref() == Some(want_ready)
        && cap_now == resources
        && (alloc_now == resources || ann.is_none() && !alloc_now.is_empty())
        && has_addr
        && has_info
    {
        return Ok(());
    }
    let ip = internal_ip(&n);
    let mut body = status_body(name, &ip, mode, &resources, &now, Some(&n));
    if ann.is_none() && !alloc_now.is_empty() {
        body["allocatable"] = json!(alloc_now);
    }
    if let Some(addrs) = st.addresses.as_ref().filter(|a| !a.is_empty()) {
        body["addresses"] = serde_json::to_value(addrs)?;
    }
    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(&json!({"status": body})),
    )
    .await
    .with_context(|| format!("patching status of node {name}"))?;
    ctx.stats.node_patches.fetch_add(1, Ordering::Relaxed);
    ctx.log(format!("node {name}: status Ready={want_ready}"));
    Ok(())
}
