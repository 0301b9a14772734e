//! Tier 1: `replace`'s pure decisions — target selection, batches and the budget rules, canary
//! truncation, judging a replacement, the report document — on the offline fixture and on small
//! built clusters.

mod common;

use common::builders::*;
use kubectl_ds::analysis::Inventory;
use kubectl_ds::analysis::label_query::LabelQuery;
use kubectl_ds::analysis::replace::{
    Assessment, DryRun, MaxUnavailable, NodeOutcome, Plan, PlanError, ReplaceReport, Replacement,
    Request, RunStatus, SkipReason, Targets, continue_command, judge_replacement, plan,
};
use kubectl_ds::analysis::why_missing::DaemonSetState;
use kubectl_ds::model::Snapshot;
use kubectl_ds::render::replace::{View, write_report};
use serde_json::{Value, json};

fn fixture() -> Snapshot {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replace/cluster.yaml");
    kubectl_ds::snapshot::load_bytes("cluster.yaml", &std::fs::read(path).unwrap())
        .unwrap()
        .snapshot
}

fn load(items: Vec<Value>) -> Snapshot {
    kubectl_ds::snapshot::load_bytes("test", &list(items))
        .unwrap()
        .snapshot
}

fn request(targets: Targets, max: &str) -> Request {
    Request {
        targets,
        force: false,
        max_unavailable: MaxUnavailable::parse(max).unwrap(),
        canary: None,
    }
}

fn nodes(names: &[&str]) -> Targets {
    Targets::Nodes(names.iter().map(|s| (*s).to_owned()).collect())
}

fn selector(s: &str) -> Targets {
    Targets::Selector(LabelQuery::parse(s).unwrap())
}

fn plan_for(snap: &Snapshot, ds: &str, req: &Request) -> Result<Plan, PlanError> {
    let ns = snap
        .daemon_sets
        .iter()
        .find(|d| d.metadata.name == ds)
        .unwrap();
    plan(&Inventory::new(snap), ns, req, now())
}

fn target_names(p: &Plan) -> Vec<&str> {
    p.targets.iter().map(|t| t.node.as_str()).collect()
}

fn skipped(p: &Plan) -> Vec<(&str, SkipReason)> {
    p.skipped
        .iter()
        .map(|s| (s.node.as_str(), s.reason))
        .collect()
}

fn batches(p: &Plan) -> Vec<Vec<&str>> {
    p.batches
        .iter()
        .map(|b| b.iter().map(String::as_str).collect())
        .collect()
}

// ---------------------------------------------------------------- target selection

#[test]
fn all_outdated_takes_old_pods_broken_ones_first_and_skips_what_cannot_come_back() {
    let snap = fixture();
    let p = plan_for(&snap, "node-agent", &request(Targets::AllOutdated, "1")).unwrap();
    // w4 (crash-looping on the old revision) is already unavailable: it goes first.
    assert_eq!(target_names(&p), ["w4", "w1", "w2", "w6"]);
    assert!(!p.targets[0].available && p.targets[1].available);
    assert_eq!(p.targets[1].pod, "node-agent-a1w1x");
    assert_eq!(p.targets[1].uid, "pod-node-agent-a1w1x");
    assert_eq!(p.targets[1].revision.as_deref(), Some("5c7d9f8b4"));
    assert!(p.targets.iter().all(|t| !t.restart));
    // w5's node is NotReady: its pod would stay Terminating. w3 is current, cp runs nothing:
    // neither is mentioned.
    assert_eq!(skipped(&p), [("w5", SkipReason::NodeNotReady)]);
    assert_eq!(p.daemon_set.current_revision.as_deref(), Some("6d8f7b9c5"));
    assert_eq!(p.desired, 6);
}

#[test]
fn named_nodes_keep_their_order_and_report_every_node() {
    let snap = fixture();
    let p = plan_for(
        &snap,
        "node-agent",
        &request(nodes(&["w6", "w3", "cp", "w1", "w6"]), "1"),
    )
    .unwrap();
    assert_eq!(target_names(&p), ["w6", "w1"]);
    assert_eq!(
        skipped(&p),
        [
            ("w3", SkipReason::Current),
            ("cp", SkipReason::NotScheduled)
        ]
    );
    assert!(p.skipped[0].message.contains("--force"));
    assert!(p.skipped[1].message.contains("UntoleratedTaint"));
}

#[test]
fn force_restarts_current_pods_too() {
    let snap = fixture();
    let mut req = request(nodes(&["w3", "w1"]), "1");
    req.force = true;
    let p = plan_for(&snap, "node-agent", &req).unwrap();
    assert_eq!(target_names(&p), ["w3", "w1"]);
    assert!(p.targets[0].restart, "w3 is already current: a restart");
    assert!(!p.targets[1].restart);
}

#[test]
fn selector_takes_outdated_pods_of_matching_nodes_unless_forced() {
    let snap = fixture();
    let p = plan_for(
        &snap,
        "node-agent",
        &request(selector("topology.kubernetes.io/zone=a"), "1"),
    )
    .unwrap();
    assert_eq!(target_names(&p), ["w4", "w1", "w2"]);
    assert_eq!(skipped(&p), [("w3", SkipReason::Current)]);

    let mut req = request(selector("topology.kubernetes.io/zone=a"), "1");
    req.force = true;
    let p = plan_for(&snap, "node-agent", &req).unwrap();
    assert_eq!(target_names(&p), ["w4", "w1", "w2", "w3"]);
    assert!(p.skipped.is_empty());

    let p = plan_for(
        &snap,
        "node-agent",
        &request(selector("topology.kubernetes.io/zone in (b)"), "1"),
    )
    .unwrap();
    assert_eq!(target_names(&p), ["w6"]);
    assert_eq!(skipped(&p), [("w5", SkipReason::NodeNotReady)]);

    // The control plane matches but runs nothing: not worth a line.
    let p = plan_for(
        &snap,
        "node-agent",
        &request(selector("!topology.kubernetes.io/zone"), "1"),
    )
    .unwrap();
    assert!(p.targets.is_empty() && p.skipped.is_empty());

    assert_eq!(
        plan_for(&snap, "node-agent", &request(selector("zone=nowhere"), "1")).unwrap_err(),
        PlanError::NoNodeMatches("zone=nowhere".to_owned())
    );
}

#[test]
fn unknown_nodes_and_rolling_update_are_refused() {
    let snap = fixture();
    assert_eq!(
        plan_for(&snap, "node-agent", &request(nodes(&["w9"]), "1")).unwrap_err(),
        PlanError::UnknownNode("w9".to_owned())
    );
    let err = plan_for(&snap, "log-shipper", &request(Targets::AllOutdated, "1")).unwrap_err();
    assert_eq!(
        err,
        PlanError::RollingUpdate("log-shipper".to_owned(), "monitoring".to_owned())
    );
    assert!(err.to_string().contains("--force"));
    assert!(
        err.to_string()
            .contains("kubectl ds rollout status log-shipper -n monitoring"),
        "{err}"
    );
    let mut req = request(Targets::AllOutdated, "1");
    req.force = true;
    let p = plan_for(&snap, "log-shipper", &req).unwrap();
    assert_eq!(target_names(&p), ["w1"]);
    assert!(p.warnings.iter().any(|w| w.contains("RollingUpdate")));
}

// ---------------------------------------------------------------- batches and budget

#[test]
fn batches_follow_the_budget_and_unavailable_nodes_use_it_up() {
    let snap = fixture();
    let b = |max: &str| {
        let p = plan_for(&snap, "node-agent", &request(Targets::AllOutdated, max)).unwrap();
        let owned: Vec<Vec<String>> = p.batches.clone();
        (p.budget, owned, p.blocked.clone())
    };
    let v = |b: &[&[&str]]| -> Vec<Vec<String>> {
        b.iter()
            .map(|x| x.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    };
    // w4 (target) and w5 (NotReady) lack an available pod: with 3, one more node may go down
    // in the first batch.
    assert_eq!(b("3"), (3, v(&[&["w4", "w1"], &["w2", "w6"]]), None));
    // 34% of 6 = 2.04, rounded UP to 3 (as the controller does).
    assert_eq!(b("34%").0, 3);
    assert_eq!(b("34%").1, b("3").1);
    // 50% of 6 = 3.
    assert_eq!(b("50%").0, 3);
    assert_eq!(b("4"), (4, v(&[&["w4", "w1", "w2"], &["w6"]]), None));
    assert_eq!(b("2"), (2, v(&[&["w4"], &["w1"], &["w2"], &["w6"]]), None));
    // 1: w4 is replaced (it costs nothing), then w5 alone uses up the budget.
    let (budget, batches, blocked) = b("1");
    assert_eq!((budget, batches), (1, v(&[&["w4"]])));
    assert!(blocked.unwrap().contains("(w5)"));
}

#[test]
fn a_used_up_budget_is_reported_not_exceeded() {
    // Four nodes; c and d have no pod (Missing): with --max-unavailable 2 nothing may go.
    let ds = with_strategy(daemon_set("agent"), "OnDelete");
    let mut items = vec![revision_of(&ds, "h1", 1)];
    let ds2 = set_image(ds, "agent:2");
    items.push(revision_of(&ds2, "h2", 2));
    items.push(ds2);
    for n in ["a", "b", "c", "d"] {
        items.push(node(n));
    }
    items.push(ds_pod("agent", "agent-a", "a", "h1"));
    items.push(ds_pod("agent", "agent-b", "b", "h1"));
    let snap = load(items);
    let p = plan_for(&snap, "agent", &request(Targets::AllOutdated, "2")).unwrap();
    assert_eq!(target_names(&p), ["a", "b"]);
    assert!(p.batches.is_empty());
    assert_eq!(p.unavailable, ["c", "d"]);
    let why = p.blocked.clone().unwrap();
    assert!(
        why.contains("2 desired node(s) already lack an available pod (c, d)"),
        "{why}"
    );
    let report = ReplaceReport::from_plan(&p, DryRun::Client, None, now());
    assert_eq!(report.status, RunStatus::BudgetExhausted);
    assert_eq!(report.status.exit_code(), 3);
    assert_eq!(report.count(NodeOutcome::Untouched), 2);
    // One more unit of budget: one at a time.
    let p = plan_for(&snap, "agent", &request(Targets::AllOutdated, "3")).unwrap();
    assert_eq!(batches(&p), [vec!["a"], vec!["b"]]);
}

#[test]
fn a_pod_within_min_ready_seconds_is_not_available_yet() {
    let mut ds = with_strategy(daemon_set("agent"), "OnDelete");
    ds["spec"]["minReadySeconds"] = json!(300);
    let mut items = vec![revision_of(&ds, "h1", 1)];
    let ds2 = set_image(ds, "agent:2");
    items.push(revision_of(&ds2, "h2", 2));
    items.push(ds2);
    for n in ["a", "b", "c"] {
        items.push(node(n));
        items.push(ds_pod("agent", &format!("agent-{n}"), n, "h1"));
    }
    // c: the current revision, Ready 10 s ago: still counts as unavailable.
    let mut c = ds_pod("agent", "agent-c2", "c", "h2");
    c["status"]["conditions"][1]["lastTransitionTime"] = json!("2026-11-28T09:59:50Z");
    items.retain(|i| i["metadata"]["name"] != "agent-c");
    items.push(c);
    let snap = load(items);
    let p = plan_for(&snap, "agent", &request(Targets::AllOutdated, "2")).unwrap();
    assert_eq!(p.unavailable, ["c"]);
    assert_eq!(batches(&p), [vec!["a"], vec!["b"]]);
}

#[test]
fn canary_truncates_the_targets() {
    let snap = fixture();
    let mut req = request(Targets::AllOutdated, "2");
    req.canary = Some(2);
    let p = plan_for(&snap, "node-agent", &req).unwrap();
    assert_eq!(target_names(&p), ["w4", "w1"]);
    let held: Vec<&str> = p.held_back.iter().map(|t| t.node.as_str()).collect();
    assert_eq!(held, ["w2", "w6"]);
    assert_eq!(batches(&p), [vec!["w4"], vec!["w1"]]);
    let report = ReplaceReport::from_plan(&p, DryRun::Client, req.canary, now());
    assert_eq!(report.status, RunStatus::Planned);
    assert!(
        report.message.contains("2 more held back"),
        "{}",
        report.message
    );
    let w2 = report.nodes.iter().find(|n| n.name == "w2").unwrap();
    assert_eq!(w2.outcome, NodeOutcome::Untouched);
    assert_eq!(w2.message.as_deref(), Some("held back by --canary 2"));
    // A canary larger than the work is no limit.
    req.canary = Some(10);
    let p = plan_for(&snap, "node-agent", &req).unwrap();
    assert_eq!(p.targets.len(), 4);
    assert!(p.held_back.is_empty());
}

// ---------------------------------------------------------------- the report

#[test]
fn the_plan_document() {
    let snap = fixture();
    let p = plan_for(&snap, "node-agent", &request(Targets::AllOutdated, "3")).unwrap();
    let report = ReplaceReport::from_plan(&p, DryRun::Client, None, now());
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["apiVersion"], "kubectl-ds/v1alpha1");
    assert_eq!(v["kind"], "ReplaceReport");
    assert_eq!(v["dryRun"], "client");
    assert_eq!(v["status"], "planned");
    assert_eq!(v["maxUnavailable"], "3");
    assert_eq!(v["budget"], 3);
    assert_eq!(v["desiredNumberScheduled"], 6);
    assert_eq!(v["daemonSet"]["currentRevision"], "6d8f7b9c5");
    assert_eq!(v["summary"], json!({"skipped": 1, "planned": 4}));
    assert_eq!(v["batches"], json!([["w4", "w1"], ["w2", "w6"]]));
    let first = &v["nodes"][0];
    assert_eq!(first["name"], "w4");
    assert_eq!(first["outcome"], "planned");
    assert_eq!(first["batch"], 1);
    assert_eq!(first["podUid"], "pod-node-agent-d4w4q");
    assert!(first["deletedAt"].is_null() && first["readyAt"].is_null());
    let last = &v["nodes"][4];
    assert_eq!(last["name"], "w5");
    assert_eq!(last["outcome"], "skipped");
    assert_eq!(last["skipReason"], "nodeNotReady");
}

#[test]
fn plan_table_snapshot() {
    let snap = fixture();
    let mut req = request(Targets::AllOutdated, "3");
    req.canary = Some(3);
    let p = plan_for(&snap, "node-agent", &req).unwrap();
    let report = ReplaceReport::from_plan(&p, DryRun::Client, req.canary, now());
    let mut out = Vec::new();
    write_report(
        &mut out,
        &report,
        View {
            headers: true,
            color: false,
            wide: false,
        },
    )
    .unwrap();
    insta::assert_snapshot!("plan_table", String::from_utf8(out).unwrap());
}

#[test]
fn continuing() {
    let snap = fixture();
    let p = plan_for(&snap, "node-agent", &request(Targets::AllOutdated, "2")).unwrap();
    let req = request(Targets::AllOutdated, "2");
    assert_eq!(
        continue_command(&p.daemon_set, &req, &["w2", "w6"], None).unwrap(),
        "kubectl ds replace node-agent -n monitoring --all-outdated --max-unavailable 2"
    );
    // With --force a selector would restart the nodes done already: name the rest.
    let mut req = request(selector("zone in (a,b)"), "1");
    req.force = true;
    assert_eq!(
        continue_command(&p.daemon_set, &req, &["w2", "w6"], Some(10)).unwrap(),
        "kubectl ds replace node-agent -n monitoring --node w2 --node w6 --force --grace-period 10"
    );
    let req = request(selector("zone in (a,b)"), "25%");
    assert_eq!(
        continue_command(&p.daemon_set, &req, &["w2"], None).unwrap(),
        "kubectl ds replace node-agent -n monitoring -l 'zone in (a,b)' --max-unavailable 25%"
    );
    assert!(continue_command(&p.daemon_set, &req, &[], None).is_none());
}

// ---------------------------------------------------------------- judging a replacement

/// One node `a` of an OnDelete DaemonSet at revision h2 whose old pod (uid-agent-old) was
/// deleted; `pods` are what the API shows now.
fn after_delete(pods: Vec<Value>) -> Snapshot {
    let ds = with_strategy(daemon_set("agent"), "OnDelete");
    let mut items = vec![revision_of(&ds, "h1", 1)];
    let ds2 = set_image(ds, "agent:2");
    items.push(revision_of(&ds2, "h2", 2));
    items.push(ds2);
    items.push(node("a"));
    items.extend(pods);
    load(items)
}

fn judge(snap: &Snapshot) -> Replacement {
    let inv = Inventory::new(snap);
    let ds = snap.daemon_set(NS, "agent").unwrap();
    let state = DaemonSetState::new(&inv, ds);
    judge_replacement(
        &inv,
        &state,
        snap.node("a").unwrap(),
        "uid-agent-old",
        0,
        now(),
    )
}

fn old_pod_terminating() -> Value {
    let mut p = ds_pod("agent", "agent-old", "a", "h1");
    p["metadata"]["deletionTimestamp"] = json!("2026-11-28T09:59:58Z");
    p
}

fn code(r: &Replacement) -> String {
    match r {
        Replacement::Waiting { code, .. } => format!("Waiting/{code}"),
        Replacement::Ready { pod, .. } => format!("Ready/{pod}"),
        Replacement::Failed { reasons, .. } => format!(
            "Failed/{}",
            reasons.first().map(|r| r.code()).unwrap_or("-")
        ),
    }
}

#[test]
fn replacement_states() {
    // The old pod is still terminating: the controller waits for it (D5).
    assert_eq!(
        code(&judge(&after_delete(vec![old_pod_terminating()]))),
        "Waiting/Terminating"
    );
    // Gone, nothing new yet.
    assert_eq!(
        code(&judge(&after_delete(vec![]))),
        "Waiting/NotYetObserved"
    );
    // The new pod is being created.
    let creating = container_state(
        ds_pod("agent", "agent-new", "a", "h2"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ContainerCreating"}}),
    );
    assert_eq!(
        code(&judge(&after_delete(vec![creating]))),
        "Waiting/ContainerCreating"
    );
    // Not yet scheduled.
    let unbound_new = unbound(ds_pod("agent", "agent-new", "a", "h2"));
    assert!(code(&judge(&after_delete(vec![unbound_new]))).starts_with("Waiting/"));
    // Running and Ready on the current revision.
    let ready = ds_pod("agent", "agent-new", "a", "h2");
    assert_eq!(
        code(&judge(&after_delete(vec![old_pod_terminating(), ready]))),
        "Ready/agent-new"
    );
    // A bad image: stop now, don't wait for the timeout.
    let pull = container_state(
        ds_pod("agent", "agent-new", "a", "h2"),
        "Pending",
        false,
        json!({"waiting": {"reason": "ImagePullBackOff", "message": "Back-off pulling image"}}),
    );
    let r = judge(&after_delete(vec![pull]));
    assert_eq!(code(&r), "Failed/ImagePullBackOff");
    let Replacement::Failed { pod, .. } = r else {
        unreachable!()
    };
    assert_eq!(pod.as_deref(), Some("agent-new"));
    // Crash loop.
    let crash = container_state(
        ds_pod("agent", "agent-new", "a", "h2"),
        "Running",
        false,
        json!({"waiting": {"reason": "CrashLoopBackOff"}}),
    );
    assert_eq!(
        code(&judge(&after_delete(vec![crash]))),
        "Failed/CrashLoopBackOff"
    );
    // The old pod not yet marked for deletion (a stale read): wait.
    let old = ds_pod("agent", "agent-old", "a", "h1");
    assert_eq!(code(&judge(&after_delete(vec![old]))), "Waiting/Deleting");
}

#[test]
fn replacement_waits_for_min_ready_seconds() {
    let ds = with_strategy(daemon_set("agent"), "OnDelete");
    let items = vec![revision_of(&ds, "h1", 1), ds, node("a"), {
        let mut p = ds_pod("agent", "agent-new", "a", "h1");
        p["status"]["conditions"][1]["lastTransitionTime"] = json!("2026-11-28T09:59:55Z");
        p
    }];
    let snap = load(items);
    let inv = Inventory::new(&snap);
    let ds = snap.daemon_set(NS, "agent").unwrap();
    let state = DaemonSetState::new(&inv, ds);
    let node = snap.node("a").unwrap();
    let r = judge_replacement(&inv, &state, node, "uid-agent-old", 10, now());
    assert_eq!(code(&r), "Waiting/MinReadySeconds");
    let r = judge_replacement(&inv, &state, node, "uid-agent-old", 4, now());
    assert_eq!(code(&r), "Ready/agent-new");
}

#[test]
fn assessment_counts_desired_and_available() {
    let snap = fixture();
    let inv = Inventory::new(&snap);
    let ds = snap.daemon_set("monitoring", "node-agent").unwrap();
    let a = Assessment::new(&inv, ds, now()).unwrap();
    assert_eq!(a.desired, 6);
    assert_eq!(a.unavailable(), ["w4", "w5"]);
    assert_eq!(a.hash, "6d8f7b9c5");
}

// ---------------------------------------------------------------- helpers

fn with_strategy(mut ds: Value, strategy: &str) -> Value {
    ds["spec"]["updateStrategy"] = json!({"type": strategy});
    ds
}

fn set_image(mut ds: Value, image: &str) -> Value {
    ds["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    ds["metadata"]["generation"] = json!(2);
    ds["status"]["observedGeneration"] = json!(2);
    ds
}
