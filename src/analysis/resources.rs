//! The scheduler's resource and host-port fit for one pod on one node
//! (`noderesources.Fit`, `nodeports`, component-helpers `resource.PodRequests`).

use std::collections::BTreeMap;

use crate::model::{Node, Pod, PodSpec, ResourceList};

/// The resources the pod-level `resources.requests` may set (they replace the container sum).
fn is_pod_level_resource(name: &str) -> bool {
    name == "cpu" || name == "memory" || name.starts_with("hugepages-")
}

/// The pod's effective request (`PodRequests`): containers plus sidecars, or the largest init
/// step if bigger, pod-level requests replacing the sum, then overhead added.
pub fn pod_requests(spec: &PodSpec) -> ResourceList {
    let mut reqs = container_steps(spec);
    if let Some(pod_level) = &spec.resources {
        for (k, v) in pod_level.requests.iter() {
            if is_pod_level_resource(k) {
                reqs.insert(k.to_owned(), v);
            }
        }
    }
    for (k, v) in spec.overhead.iter() {
        let slot = reqs.entry(k.to_owned()).or_default();
        *slot = slot.saturating_add(v);
    }
    reqs.into_iter().collect()
}

/// Where one resource's figure in [`pod_requests`] comes from (milli-units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestParts {
    /// The regular containers' sum.
    pub containers: i128,
    /// What init containers and sidecars add on top of it.
    pub init_containers: i128,
    /// The pod-level request (`spec.resources.requests`), which replaces the two above.
    pub pod_level: Option<i128>,
    /// The RuntimeClass overhead (`spec.overhead`), added to everything.
    pub overhead: i128,
}

/// The part of a request that weighs most, for pointing a hint at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestPart {
    /// `spec.containers[].resources`.
    Containers,
    /// `spec.initContainers[].resources` (init steps and sidecars).
    InitContainers,
    /// `spec.resources`.
    PodLevel,
    /// `spec.overhead`, from the RuntimeClass.
    Overhead,
}

impl RequestPart {
    /// The part's name in JSON and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestPart::Containers => "containers",
            RequestPart::InitContainers => "initContainers",
            RequestPart::PodLevel => "podLevel",
            RequestPart::Overhead => "overhead",
        }
    }
}

impl RequestParts {
    /// The non-zero parts, in the order they are added up.
    pub fn parts(&self) -> Vec<(RequestPart, i128)> {
        let mut out = Vec::new();
        match self.pod_level {
            Some(v) => out.push((RequestPart::PodLevel, v)),
            None => {
                out.push((RequestPart::Containers, self.containers));
                out.push((RequestPart::InitContainers, self.init_containers));
            }
        }
        out.push((RequestPart::Overhead, self.overhead));
        out.retain(|(_, v)| *v > 0);
        out
    }

    /// The largest part (containers when nothing is requested at all).
    pub fn largest(&self) -> RequestPart {
        self.parts()
            .into_iter()
            .max_by_key(|(_, v)| *v)
            .map_or(RequestPart::Containers, |(p, _)| p)
    }
}

/// Splits the pod's request for `resource` into its parts (see [`pod_requests`]).
pub fn request_parts(spec: &PodSpec, resource: &str) -> RequestParts {
    let containers = spec
        .containers
        .iter()
        .fold(0i128, |sum, c| sum.saturating_add(c.request(resource)));
    let steps = container_steps(spec).get(resource).copied().unwrap_or(0);
    let pod_level = spec
        .resources
        .as_ref()
        .map(|r| r.requests.get(resource))
        .filter(|v| *v > 0 && is_pod_level_resource(resource));
    RequestParts {
        containers,
        init_containers: steps.saturating_sub(containers).max(0),
        pod_level,
        overhead: spec.overhead.get(resource),
    }
}

/// Containers plus sidecars, or the largest init step if bigger (no pod level, no overhead).
fn container_steps(spec: &PodSpec) -> BTreeMap<String, i128> {
    let mut reqs: BTreeMap<String, i128> = BTreeMap::new();
    let add = |into: &mut BTreeMap<String, i128>, from: &BTreeMap<String, i128>| {
        for (k, v) in from {
            let slot = into.entry(k.clone()).or_default();
            *slot = slot.saturating_add(*v);
        }
    };
    for c in &spec.containers {
        add(&mut reqs, &container_requests(c));
    }
    let mut sidecars: BTreeMap<String, i128> = BTreeMap::new();
    let mut init_max: BTreeMap<String, i128> = BTreeMap::new();
    for c in &spec.init_containers {
        let own = container_requests(c);
        let step = if c.is_sidecar() {
            add(&mut reqs, &own);
            add(&mut sidecars, &own);
            sidecars.clone()
        } else {
            let mut step = own;
            add(&mut step, &sidecars);
            step
        };
        for (k, v) in step {
            let slot = init_max.entry(k).or_default();
            *slot = (*slot).max(v);
        }
    }
    for (k, v) in init_max {
        let slot = reqs.entry(k).or_default();
        *slot = (*slot).max(v);
    }
    reqs
}

fn container_requests(c: &crate::model::ContainerSpec) -> BTreeMap<String, i128> {
    c.requested_resources()
        .map(|r| (r.to_owned(), c.request(r)))
        .collect()
}

/// A resource the node cannot give the pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// Resource name (`cpu`, `memory`, `pods`, `nvidia.com/gpu`, …).
    pub resource: String,
    /// What the pod asks for (milli-units; `pods` counts 1000 per pod).
    pub requested: i128,
    /// What is left on the node (milli-units; may be negative when over-committed).
    pub available: i128,
    /// The node's allocatable amount.
    pub allocatable: i128,
    /// True when even an empty node could not fit it (preemption cannot help).
    pub exceeds_node: bool,
    /// The other pods holding the most of it, largest first: (`ns/name`, amount). For `pods`,
    /// the pods that fill the node's slots, by name.
    pub top_consumers: Vec<(String, i128)>,
    /// Where `requested` comes from.
    pub parts: RequestParts,
}

/// The resources `pod` does not fit on `node` next to `others` (the non-terminal pods bound to
/// it, the pod itself excluded). Empty when it fits, or when the node reports no allocatable
/// resources at all (nothing to judge by).
pub fn shortfalls(pod: &PodSpec, node: &Node, others: &[&Pod]) -> Vec<Shortfall> {
    let allocatable = node.allocatable();
    if allocatable.is_empty() {
        return Vec::new();
    }
    let other_requests: Vec<(String, ResourceList)> = others
        .iter()
        .map(|p| (p.metadata.key(), pod_requests(&p.spec)))
        .collect();
    let mut out = Vec::new();
    let pod_slots = allocatable.get("pods");
    let used_slots = others.len() as i128 * 1000;
    if used_slots + 1000 > pod_slots {
        out.push(Shortfall {
            resource: "pods".to_owned(),
            requested: 1000,
            available: pod_slots.saturating_sub(used_slots),
            allocatable: pod_slots,
            exceeds_node: pod_slots < 1000,
            top_consumers: {
                let mut names: Vec<(String, i128)> =
                    others.iter().map(|p| (p.metadata.key(), 1000)).collect();
                names.sort();
                names
            },
            parts: RequestParts {
                containers: 1000,
                ..RequestParts::default()
            },
        });
    }
    for (resource, requested) in pod_requests(pod).iter() {
        if requested <= 0 || resource == "pods" {
            continue;
        }
        let total = allocatable.get(resource);
        // Saturating: each quantity is bounded, but a node's worth of them may not be.
        let used = other_requests
            .iter()
            .fold(0i128, |sum, (_, r)| sum.saturating_add(r.get(resource)));
        let available = total.saturating_sub(used);
        if requested > available {
            let mut top: Vec<(String, i128)> = other_requests
                .iter()
                .map(|(name, r)| (name.clone(), r.get(resource)))
                .filter(|(_, v)| *v > 0)
                .collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            top.truncate(3);
            out.push(Shortfall {
                resource: resource.to_owned(),
                requested,
                available,
                allocatable: total,
                exceeds_node: requested > total,
                top_consumers: top,
                parts: request_parts(pod, resource),
            });
        }
    }
    out
}

/// A host port a pod claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    /// Port number.
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// Host IP (`0.0.0.0` for all).
    pub ip: String,
}

/// The host ports of a pod's containers and sidecars; with `hostNetwork` a declared container
/// port is a host port too (the API server defaults `hostPort` to `containerPort`).
pub fn host_ports(spec: &PodSpec) -> Vec<HostPort> {
    let host_network = spec.uses_host_network();
    spec.containers
        .iter()
        .chain(spec.init_containers.iter().filter(|c| c.is_sidecar()))
        .flat_map(|c| &c.ports)
        .filter_map(|p| {
            let port = match p.host_port {
                Some(h) if h > 0 => h,
                _ if host_network && p.container_port > 0 => p.container_port,
                _ => return None,
            };
            Some(HostPort {
                port,
                protocol: if p.protocol.is_empty() {
                    "TCP".to_owned()
                } else {
                    p.protocol.clone()
                },
                ip: if p.host_ip.is_empty() {
                    "0.0.0.0".to_owned()
                } else {
                    p.host_ip.clone()
                },
            })
        })
        .collect()
}

/// Two claims conflict on the same protocol and port when their IPs overlap.
pub fn ports_conflict(a: &HostPort, b: &HostPort) -> bool {
    a.port == b.port
        && a.protocol == b.protocol
        && (a.ip == b.ip || a.ip == "0.0.0.0" || b.ip == "0.0.0.0")
}

/// Each of `pod`'s host ports that one of `others` already holds: (port, the holder).
pub fn port_conflicts<'a>(pod: &PodSpec, others: &[&'a Pod]) -> Vec<(HostPort, &'a Pod)> {
    let wanted = host_ports(pod);
    if wanted.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for want in wanted {
        if let Some(holder) = others.iter().find(|o| {
            host_ports(&o.spec)
                .iter()
                .any(|have| ports_conflict(&want, have))
        }) {
            out.push((want, *holder));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> PodSpec {
        serde_saphyr::from_str(yaml).unwrap()
    }

    // Rule I3: sidecar order matters.
    #[test]
    fn sidecars_before_an_init_container_add_to_its_step() {
        let first = spec(
            "containers: [{name: a, resources: {requests: {cpu: 100m}}}]
initContainers:
- {name: side, restartPolicy: Always, resources: {requests: {cpu: 50m}}}
- {name: init, resources: {requests: {cpu: 200m}}}",
        );
        assert_eq!(pod_requests(&first).get("cpu"), 250);
        let second = spec(
            "containers: [{name: a, resources: {requests: {cpu: 100m}}}]
initContainers:
- {name: init, resources: {requests: {cpu: 200m}}}
- {name: side, restartPolicy: Always, resources: {requests: {cpu: 50m}}}",
        );
        assert_eq!(pod_requests(&second).get("cpu"), 200);
    }

    // Rule I3: pod-level resources replace the container sum; overhead is added.
    #[test]
    fn pod_level_requests_and_overhead() {
        let s = spec(
            "resources: {requests: {cpu: '1'}}
overhead: {cpu: 250m}
containers:
- {name: a, resources: {requests: {cpu: 300m, memory: 100Mi}}}
- {name: b, resources: {requests: {cpu: 300m, memory: 100Mi}}}",
        );
        let r = pod_requests(&s);
        assert_eq!(r.get("cpu"), 1250);
        assert_eq!(r.get("memory"), 200 * (1 << 20) * 1000);
    }

    #[test]
    fn limits_default_requests() {
        let s = spec("containers: [{name: a, resources: {limits: {cpu: '2'}}}]");
        assert_eq!(pod_requests(&s).get("cpu"), 2000);
    }

    #[test]
    fn host_network_defaults_host_ports() {
        let s = spec("hostNetwork: true\ncontainers: [{name: a, ports: [{containerPort: 9100}]}]");
        assert_eq!(host_ports(&s)[0].port, 9100);
        let s = spec("containers: [{name: a, ports: [{containerPort: 9100}]}]");
        assert!(host_ports(&s).is_empty());
    }

    #[test]
    fn port_overlap_rules() {
        let any = HostPort {
            port: 80,
            protocol: "TCP".into(),
            ip: "0.0.0.0".into(),
        };
        let one = HostPort {
            port: 80,
            protocol: "TCP".into(),
            ip: "10.0.0.1".into(),
        };
        let two = HostPort {
            port: 80,
            protocol: "TCP".into(),
            ip: "10.0.0.2".into(),
        };
        let udp = HostPort {
            port: 80,
            protocol: "UDP".into(),
            ip: "0.0.0.0".into(),
        };
        assert!(ports_conflict(&any, &one));
        assert!(!ports_conflict(&one, &two));
        assert!(!ports_conflict(&any, &udp));
    }
}
