//! Whether a replacement pod is done, still coming, or failed.

#[allow(unused_imports)]
use super::*;

/// Where one node's replacement stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Replacement {
    /// Not there yet; `code` says what is awaited (a why-missing reason code, or
    /// `MinReadySeconds`).
    Waiting {
        /// The new pod, once created.
        pod: Option<String>,
        /// Short state: `Terminating`, `NotYetObserved`, `ContainerCreating`, …
        code: String,
        /// One sentence.
        message: String,
        /// The why-missing reasons.
        reasons: Vec<Reason>,
    },
    /// A new pod of the current revision is Running, Ready and available.
    Ready {
        /// The new pod.
        pod: String,
        /// Its uid.
        uid: String,
    },
    /// The new pod fails in a way that does not heal by itself.
    Failed {
        /// The new pod, if created.
        pod: Option<String>,
        /// The why-missing reasons.
        reasons: Vec<Reason>,
    },
}

/// Judges the replacement of the pod `old_uid` on `node`.
pub fn judge_replacement(
    inv: &Inventory,
    assessment_state: &DaemonSetState,
    node: &Node,
    old_uid: &str,
    min_ready_seconds: i64,
    now: Timestamp,
) -> Replacement {
    let v = assessment_state.judge(inv, node, now);
    let pod = v
        .pod
        .as_deref()
        .and_then(|name| inv.snapshot.pods.iter().find(|p| p.metadata.name == name))
        .filter(|p| p.metadata.uid != old_uid);
    let pod_name = pod.map(|p| p.metadata.name.clone());
    let old_still_there = inv
        .snapshot
        .pods
        .iter()
        .any(|p| p.metadata.uid == old_uid && !p.is_terminating());
    if old_still_there {
        return Replacement::Waiting {
            pod: None,
            code: "Deleting".to_owned(),
            message: "the old pod is not marked for deletion yet".to_owned(),
            reasons: Vec::new(),
        };
    }
    match v.verdict {
        Verdict::Healthy => match pod {
            Some(p) if p.is_available(min_ready_seconds, now) => Replacement::Ready {
                pod: p.metadata.name.clone(),
                uid: p.metadata.uid.clone(),
            },
            Some(_) => Replacement::Waiting {
                pod: pod_name,
                code: "MinReadySeconds".to_owned(),
                message: format!("Ready; waiting for minReadySeconds ({min_ready_seconds}s)"),
                reasons: Vec::new(),
            },
            None => waiting_for(None, &v.reasons, "the old pod is still the node's pod"),
        },
        Verdict::Excluded | Verdict::Misscheduled => Replacement::Failed {
            pod: pod_name,
            reasons: v.reasons,
        },
        Verdict::Outdated => waiting_for(
            pod_name,
            &v.reasons,
            "the new pod runs an older revision than expected",
        ),
        Verdict::Missing | Verdict::Pending | Verdict::Failing => {
            // The old pod, terminating, is judged while it blocks the node (rule D5): expected.
            let hard = v.reasons.iter().any(|r| HARD_FAILURES.contains(&r.code()));
            let create_failed = v.reasons.iter().any(|r| r.code() == "FailedCreate");
            if (hard && pod.is_some()) || create_failed {
                Replacement::Failed {
                    pod: pod_name,
                    reasons: v.reasons,
                }
            } else {
                waiting_for(pod_name, &v.reasons, "waiting for the new pod")
            }
        }
    }
}

fn waiting_for(pod: Option<String>, reasons: &[Reason], fallback: &str) -> Replacement {
    let (code, message) = match reasons.first() {
        Some(r) => (r.code().to_owned(), r.message.clone()),
        None => ("Waiting".to_owned(), fallback.to_owned()),
    };
    Replacement::Waiting {
        pod,
        code,
        message,
        reasons: reasons.to_vec(),
    }
}
