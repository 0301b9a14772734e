//! Synthetic snapshots for the engine benchmarks, built in memory.
//!
//! Realistic pods (requests, ports, env, probes, ownerReferences, managedFields, full status).
//! [`write_snapshot`] writes what `kubectl get nodes,pods,daemonsets,controllerrevisions -A -o
//! json` would print for such a cluster; the benchmarks keep it in memory ([`snapshot_json`]),
//! `examples/gen_snapshot.rs` streams it to stdout.

use std::io::{self, Write};

use serde_json::{Value, json};

const T0: &str = "2026-11-01T08:00:00Z";

fn node(i: usize) -> Value {
    let name = format!("node-{i:05}");
    let mut taints = vec![];
    if i % 500 == 7 {
        taints.push(json!({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}));
    }
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": name, "uid": format!("00000000-0000-4000-8000-{i:012}"), "resourceVersion": "123456",
            "creationTimestamp": T0,
            "labels": {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
                       "topology.kubernetes.io/zone": format!("zone-{}", i % 3), "node.kubernetes.io/instance-type": "m5.xlarge"},
            "annotations": {"node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
        },
        "spec": {"podCIDR": format!("10.{}.{}.0/24", i / 256, i % 256), "providerID": format!("aws:///zone/i-{i:017x}"), "taints": taints},
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"},
            "allocatable": {"cpu": "3920m", "memory": "15Gi", "pods": "110", "ephemeral-storage": "95Gi"},
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": T0, "lastTransitionTime": T0},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", "lastHeartbeatTime": T0, "lastTransitionTime": T0},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", "lastHeartbeatTime": T0, "lastTransitionTime": T0},
                {"type": "Ready", "status": if i % 997 == 3 { "Unknown" } else { "True" }, "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": T0, "lastTransitionTime": T0}
            ],
            "addresses": [{"type": "InternalIP", "address": format!("10.0.{}.{}", i / 256, i % 256)}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.33.1", "kubeProxyVersion": "v1.33.1", "osImage": "Ubuntu 24.04 LTS", "containerRuntimeVersion": "containerd://2.0.5",
                         "kernelVersion": "6.8.0-1019-aws", "architecture": "amd64", "operatingSystem": "linux", "machineID": format!("{i:032x}"), "systemUUID": format!("{i:032x}"), "bootID": format!("{i:032x}")},
            "images": (0..8).map(|k| json!({"names": [format!("registry.example.com/team/app-{k}@sha256:{:064x}", k * 7919 + i), format!("registry.example.com/team/app-{k}:v1.{k}")], "sizeBytes": 123456789 + k})).collect::<Vec<_>>()
        }
    })
}

#[allow(clippy::too_many_arguments)] // copied as is from the example
fn pod(
    name: &str,
    ns: &str,
    node: &str,
    owner: (&str, &str, &str),
    labels: Value,
    cpu: &str,
    host_port: Option<i32>,
    ready: bool,
    waiting: Option<&str>,
) -> Value {
    let mut ports = vec![json!({"name": "http", "containerPort": 8080, "protocol": "TCP"})];
    if let Some(p) = host_port {
        ports
            .push(json!({"name": "metrics", "containerPort": p, "hostPort": p, "protocol": "TCP"}));
    }
    let state = match waiting {
        Some(reason) => {
            json!({"waiting": {"reason": reason, "message": "back-off 5m0s restarting failed container"}})
        }
        None => json!({"running": {"startedAt": T0}}),
    };
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": name, "generateName": format!("{}-", owner.1), "namespace": ns,
            "uid": format!("pod-{name}"), "resourceVersion": "987654", "creationTimestamp": T0,
            "labels": labels,
            "annotations": {"kubectl.kubernetes.io/restartedAt": T0, "prometheus.io/scrape": "true"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner.0, "name": owner.1, "uid": owner.2, "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [
                {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1", "time": T0, "fieldsType": "FieldsV1",
                 "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {".": {}, "f:app": {}}, "f:ownerReferences": {".": {}}},
                              "f:spec": {"f:containers": {"k:{\"name\":\"main\"}": {".": {}, "f:image": {}, "f:name": {}, "f:ports": {}, "f:resources": {}}}}}},
                {"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": T0, "fieldsType": "FieldsV1", "subresource": "status",
                 "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:hostIP": {}, "f:phase": {}, "f:podIP": {}, "f:startTime": {}}}}
            ]
        },
        "spec": {
            "nodeName": node,
            "containers": [{
                "name": "main", "image": "registry.example.com/team/app:v1.2.3", "imagePullPolicy": "IfNotPresent",
                "args": ["--port=8080", "--log-level=info"],
                "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}, {"name": "MODE", "value": "production"}],
                "ports": ports,
                "resources": {"requests": {"cpu": cpu, "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
                "volumeMounts": [{"name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}],
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
                "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"
            }],
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst", "serviceAccountName": "default",
            "schedulerName": "default-scheduler", "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority"
        },
        "status": {
            "phase": "Running", "qosClass": "Burstable", "hostIP": "10.0.0.1", "podIP": "10.1.0.1", "startTime": T0,
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": T0},
                {"type": "Initialized", "status": "True", "lastTransitionTime": T0},
                {"type": "Ready", "status": if ready { "True" } else { "False" }, "lastTransitionTime": T0},
                {"type": "ContainersReady", "status": if ready { "True" } else { "False" }, "lastTransitionTime": T0},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": T0}
            ],
            "containerStatuses": [{"name": "main", "ready": ready, "restartCount": if waiting.is_some() { 12 } else { 0 }, "started": ready,
                                   "image": "registry.example.com/team/app:v1.2.3", "imageID": format!("registry.example.com/team/app@sha256:{:064x}", 42),
                                   "containerID": "containerd://0123456789abcdef", "state": state,
                                   "lastState": if waiting.is_some() { json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": T0, "finishedAt": T0}}) } else { json!({}) }}]
        }
    })
}

/// A `v1 List` with one DaemonSet (`agent` in `kube-system`, on every node but the tainted
/// ones, half of its pods on the old revision, a few crash-looping), its two
/// ControllerRevisions, `nodes` nodes and `pods` pods in all (the DaemonSet's plus others spread
/// round-robin over the nodes), pretty-printed as kubectl prints it.
#[allow(dead_code)] // the example binary only streams
pub fn snapshot_json(nodes: usize, pods: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity((nodes * 6 + pods * 6) << 10);
    write_snapshot(&mut out, nodes, pods).expect("write to memory");
    out
}

/// Writes the snapshot of [`snapshot_json`] to `out`.
///
/// # Errors
/// On write failure.
pub fn write_snapshot<W: Write>(out: &mut W, nodes: usize, pods: usize) -> io::Result<()> {
    out.write_all(b"{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"List\",\n    \"items\": [\n")?;
    let mut first = true;
    let mut emit = |out: &mut W, v: Value| -> io::Result<()> {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer_pretty(&mut *out, &v)?;
        Ok(())
    };
    let ds_uid = "ds-agent-uid";
    let template = json!({"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "main", "image": "registry.example.com/agent:2.0", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}, "ports": [{"containerPort": 9100, "hostPort": 9100, "protocol": "TCP"}]}]}});
    emit(
        out,
        json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": "kube-system", "uid": ds_uid, "generation": 2, "creationTimestamp": T0},
            "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": template, "updateStrategy": {"type": "OnDelete"}},
            "status": {"observedGeneration": 2, "desiredNumberScheduled": nodes, "currentNumberScheduled": nodes, "numberReady": nodes, "updatedNumberScheduled": nodes / 2}
        }),
    )?;
    let mut t2 = template.clone();
    t2["$patch"] = json!("replace");
    let mut t1 = t2.clone();
    t1["spec"]["containers"][0]["image"] = json!("registry.example.com/agent:1.0");
    for (hash, rev, t) in [("aaaa1111", 1, t1), ("bbbb2222", 2, t2)] {
        emit(
            out,
            json!({"apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": format!("agent-{hash}"), "namespace": "kube-system", "labels": {"app": "agent", "controller-revision-hash": hash},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": ds_uid, "controller": true}]},
            "data": {"spec": {"template": t}}, "revision": rev}),
        )?;
    }
    for i in 0..nodes {
        emit(out, node(i))?;
    }
    let mut written = 0;
    for i in 0..nodes {
        if i % 500 == 7 || i % 1000 == 11 {
            continue;
        }
        let n = format!("node-{i:05}");
        let hash = if i % 2 == 0 { "aaaa1111" } else { "bbbb2222" };
        let waiting = (i % 800 == 5).then_some("CrashLoopBackOff");
        emit(
            out,
            pod(
                &format!("agent-{i:05}"),
                "kube-system",
                &n,
                ("DaemonSet", "agent", ds_uid),
                json!({"app": "agent", "controller-revision-hash": hash, "pod-template-generation": "2"}),
                "100m",
                Some(9100),
                waiting.is_none(),
                waiting,
            ),
        )?;
        written += 1;
    }
    let mut k = 0;
    while written < pods {
        let n = format!("node-{:05}", k % nodes.max(1));
        let app = format!("app-{}", k % 300);
        emit(
            out,
            pod(
                &format!("{app}-{k:07}"),
                &format!("team-{}", k % 40),
                &n,
                ("ReplicaSet", &format!("{app}-5d8f9c"), "rs-uid"),
                json!({"app": app, "pod-template-hash": "5d8f9c"}),
                "250m",
                None,
                true,
                None,
            ),
        )?;
        written += 1;
        k += 1;
    }
    out.write_all(b"\n    ],\n    \"metadata\": {\"resourceVersion\": \"\"}\n}\n")
}
