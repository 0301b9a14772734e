//! The DaemonSet a command names: found, or an error that says where it is instead — in other
//! namespaces (`use -n …`), nowhere in the input, or close names in the namespace asked. One
//! implementation for saved snapshots and for the live API, used by every command.

use crate::cluster::Cluster;
use crate::model::{DaemonSet, Snapshot};
use crate::render::safe::Safe;

use super::{suggest, usage};

/// What the DaemonSets given to [`not_found`] cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Searched {
    /// Every DaemonSet of a saved input (`--from-file`).
    Input,
    /// Every DaemonSet of the cluster (a list over all namespaces).
    Cluster,
    /// Only the namespace asked (the all-namespaces list was refused, e.g. by RBAC).
    Namespace,
}

/// The DaemonSet `name` of a snapshot (in `namespace`, or the only one of that name).
///
/// # Errors
/// Not found (see [`not_found`]); a usage error when the name exists in several namespaces and
/// none was given.
pub fn find_daemon_set<'a>(
    snapshot: &'a Snapshot,
    namespace: Option<&str>,
    name: &str,
) -> anyhow::Result<&'a DaemonSet> {
    let matches: Vec<&DaemonSet> = snapshot
        .daemon_sets
        .iter()
        .filter(|ds| {
            ds.metadata.name == name && namespace.is_none_or(|ns| ds.metadata.namespace == ns)
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(not_found(
            name,
            namespace,
            &snapshot.daemon_sets,
            Searched::Input,
        )),
        several => {
            let namespaces: Vec<String> = several
                .iter()
                .map(|d| Safe(&d.metadata.namespace).to_string())
                .collect();
            Err(usage(format!(
                "daemonset {name:?} exists in several namespaces ({}); choose one with -n",
                namespaces.join(", ")
            )))
        }
    }
}

/// GETs the DaemonSet `name` in `ns`.
///
/// # Errors
/// Not found (see [`not_found_live`]) and API failures.
pub async fn get_daemon_set(cluster: &Cluster, ns: &str, name: &str) -> anyhow::Result<DaemonSet> {
    match cluster.get_daemon_set(ns, name).await? {
        Some(ds) => Ok(ds),
        None => Err(not_found_live(cluster, ns, name).await),
    }
}

/// The error for a DaemonSet the API server does not have in `ns`. Costs one list request, over
/// all namespaces (a second, of `ns` only, when that one is refused); only ever on this path,
/// so a found DaemonSet costs nothing extra.
pub async fn not_found_live(cluster: &Cluster, ns: &str, name: &str) -> anyhow::Error {
    match cluster.list_daemon_sets(None).await {
        Ok(all) => not_found(name, Some(ns), &all, Searched::Cluster),
        Err(_) => {
            let here = cluster.list_daemon_sets(Some(ns)).await.unwrap_or_default();
            not_found(name, Some(ns), &here, Searched::Namespace)
        }
    }
}

/// "not found", said as usefully as `known` allows: where else the name exists, that there is
/// no DaemonSet at all, or the close names of the namespace asked.
pub fn not_found(
    name: &str,
    namespace: Option<&str>,
    known: &[DaemonSet],
    searched: Searched,
) -> anyhow::Error {
    let where_asked = match namespace {
        Some(ns) => format!("daemonset {name:?} not found in namespace {ns:?}"),
        None => format!("daemonset {name:?} not found"),
    };
    if known.is_empty() {
        return match searched {
            Searched::Input => anyhow::anyhow!(
                "{where_asked}: the input has no DaemonSets (save them with e.g. \
                 `kubectl get ds,pods,nodes -A -o yaml`)"
            ),
            Searched::Cluster => anyhow::anyhow!("{where_asked}: the cluster has no DaemonSets"),
            Searched::Namespace => anyhow::anyhow!("{where_asked}"),
        };
    }
    let mut elsewhere: Vec<&str> = known
        .iter()
        .filter(|d| d.metadata.name == name && Some(d.metadata.namespace.as_str()) != namespace)
        .map(|d| d.metadata.namespace.as_str())
        .collect();
    elsewhere.sort_unstable();
    elsewhere.dedup();
    if !elsewhere.is_empty() {
        let list: Vec<String> = elsewhere.iter().map(|ns| Safe(ns).to_string()).collect();
        let options: Vec<String> = list.iter().map(|ns| format!("-n {ns}")).collect();
        return anyhow::anyhow!(
            "{where_asked}; it exists in {}; use {}",
            list.join(", "),
            options.join(" or ")
        );
    }
    let in_scope = known
        .iter()
        .filter(|d| namespace.is_none_or(|ns| d.metadata.namespace == ns))
        .map(|d| d.metadata.name.as_str());
    let hint = suggest(name, in_scope).unwrap_or_default();
    anyhow::anyhow!("{where_asked}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(ns: &str, name: &str) -> DaemonSet {
        serde_json::from_value(serde_json::json!({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": []}}}
        }))
        .unwrap()
    }

    fn message(name: &str, ns: Option<&str>, known: &[DaemonSet], searched: Searched) -> String {
        format!("{:#}", not_found(name, ns, known, searched))
    }

    #[test]
    fn names_the_namespaces_that_have_it() {
        let known = [
            ds("daemonset-demo", "log-collector"),
            ds("kube-system", "kube-proxy"),
        ];
        assert_eq!(
            message(
                "log-collector",
                Some("kube-system"),
                &known,
                Searched::Input
            ),
            "daemonset \"log-collector\" not found in namespace \"kube-system\"; it exists in \
             daemonset-demo; use -n daemonset-demo"
        );
        let known = [ds("b", "agent"), ds("a", "agent"), ds("c", "other")];
        assert_eq!(
            message("agent", Some("c"), &known, Searched::Cluster),
            "daemonset \"agent\" not found in namespace \"c\"; it exists in a, b; use -n a or -n b"
        );
    }

    #[test]
    fn says_when_there_is_no_daemon_set_at_all() {
        let input = message("agent", None, &[], Searched::Input);
        assert!(
            input.starts_with("daemonset \"agent\" not found: the input has no DaemonSets"),
            "{input}"
        );
        assert_eq!(
            message("agent", Some("prod"), &[], Searched::Cluster),
            "daemonset \"agent\" not found in namespace \"prod\": the cluster has no DaemonSets"
        );
        // Only the namespace was listed: nothing can be said about the rest of the cluster.
        assert_eq!(
            message("agent", Some("prod"), &[], Searched::Namespace),
            "daemonset \"agent\" not found in namespace \"prod\""
        );
    }

    #[test]
    fn suggests_close_names_of_the_namespace_asked() {
        let known = [ds("prod", "agent"), ds("other", "agnet-x")];
        assert_eq!(
            message("agnet", Some("prod"), &known, Searched::Cluster),
            "daemonset \"agnet\" not found in namespace \"prod\" (did you mean \"agent\"?)"
        );
    }

    #[test]
    fn foreign_namespaces_are_escaped() {
        let known = [ds("evil\u{1b}]52;x\u{7}", "agent")];
        let m = message("agent", Some("prod"), &known, Searched::Cluster);
        assert!(!m.contains('\u{1b}') && !m.contains('\u{7}'), "{m:?}");
    }

    #[test]
    fn offline_lookup_uses_the_same_message() {
        let snapshot = Snapshot {
            daemon_sets: vec![ds("daemonset-demo", "log-collector")],
            ..Snapshot::default()
        };
        let e = find_daemon_set(&snapshot, Some("kube-system"), "log-collector").unwrap_err();
        assert!(format!("{e:#}").ends_with("use -n daemonset-demo"), "{e:#}");
        assert!(find_daemon_set(&snapshot, None, "log-collector").is_ok());
    }
}
