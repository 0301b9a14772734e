//! Least privilege (issue #7, item 5): the two ClusterRoles the README ships, taken out of its
//! "### RBAC" section (so the README cannot drift from what is tested), bound to two
//! ServiceAccounts whose TokenRequest tokens run the binary.
//!
//! * `kubectl-ds-reader` runs every read-only command (exit 0 or 3, never 1) and gets one clear
//!   line naming the verb, the resource and the operator role for the mutating ones.
//! * `kubectl-ds-operator` runs everything (`exec` and `logs` only up to authorization: the
//!   sim-kubelet serves no kubelet API, so the API server's dial to the node fails after it
//!   authorized the request, as in tests/e2e_pods.rs).
//!
//! The README check at the top needs no cluster; the end-to-end test is `#[ignore]`d:
//!
//! ```sh
//! export KDS_CLUSTER_DIR=/tmp/kds-rbac
//! tests/cluster/cluster.sh up && eval "$(tests/cluster/cluster.sh env)"
//! cargo test --test e2e_rbac -- --ignored
//! tests/cluster/cluster.sh down
//! ```

mod e2e_support;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, ensure};
use e2e_support::{DEFAULT_TIMEOUT, NodeOpts, TEST_CLUSTER_NAME, TestEnv};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding};
use kube::api::{Api, DeleteParams, Patch, PatchParams};
use kube::config::Kubeconfig;
use serde_json::{Value, json};

const README: &str = include_str!("../README.md");

/// The YAML blocks of the README's "### RBAC" section, parsed.
fn readme_roles() -> Result<Vec<Value>> {
    let start = README
        .find("\n### RBAC\n")
        .context("README has no \"### RBAC\" section")?;
    let section = &README[start + 1..];
    let end = section[4..]
        .find("\n## ")
        .or_else(|| section[4..].find("\n### "))
        .map_or(section.len(), |i| i + 4);
    let section = &section[..end];
    let mut roles = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```yaml\n") {
        let body = &rest[open + 8..];
        let close = body.find("\n```").context("unclosed yaml block")?;
        let doc: Value = serde_saphyr::from_str(&body[..close + 1])
            .map_err(|e| anyhow!("README RBAC yaml: {e}"))?;
        roles.push(doc);
        rest = &body[close + 4..];
    }
    Ok(roles)
}

fn readme_role(name: &str) -> Result<Value> {
    readme_roles()?
        .into_iter()
        .find(|r| r["kind"] == "ClusterRole" && r["metadata"]["name"] == name)
        .with_context(|| format!("no ClusterRole {name} in the README's RBAC section"))
}

/// (apiGroup, resource, verb) triples a role grants.
fn grants(role: &Value) -> BTreeSet<(String, String, String)> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut out = BTreeSet::new();
    for rule in role["rules"].as_array().into_iter().flatten() {
        for g in rule["apiGroups"].as_array().into_iter().flatten() {
            for r in rule["resources"].as_array().into_iter().flatten() {
                for v in rule["verbs"].as_array().into_iter().flatten() {
                    out.insert((s(g), s(r), s(v)));
                }
            }
        }
    }
    out
}

fn triples(list: &[(&str, &str, &str)]) -> BTreeSet<(String, String, String)> {
    list.iter()
        .map(|(g, r, v)| ((*g).to_owned(), (*r).to_owned(), (*v).to_owned()))
        .collect()
}

/// What the read-only commands need, and nothing else (the e2e test below shows it suffices).
const READER: &[(&str, &str, &str)] = &[
    ("", "nodes", "get"),
    ("", "nodes", "list"),
    ("", "nodes", "watch"),
    ("", "pods", "get"),
    ("", "pods", "list"),
    ("", "pods", "watch"),
    ("", "events", "get"),
    ("", "events", "list"),
    ("", "events", "watch"),
    ("", "pods/log", "get"),
    ("apps", "daemonsets", "get"),
    ("apps", "daemonsets", "list"),
    ("apps", "daemonsets", "watch"),
    ("apps", "controllerrevisions", "get"),
    ("apps", "controllerrevisions", "list"),
    ("apps", "controllerrevisions", "watch"),
];

/// What the mutating commands add: `rollout undo|restart` patch the DaemonSet, `replace`
/// deletes pods, `exec` opens pods/exec (a WebSocket GET that the API server also checks
/// against `create`).
const OPERATOR_ADDS: &[(&str, &str, &str)] = &[
    ("", "pods", "delete"),
    ("", "pods/exec", "create"),
    ("", "pods/exec", "get"),
    ("apps", "daemonsets", "patch"),
];

/// Tier 1 (no cluster): the README's roles grant exactly the least-privilege sets above, and no
/// rule is written twice.
#[test]
fn readme_roles_are_exactly_least_privilege_without_duplicate_rules() -> Result<()> {
    let reader = readme_role("kubectl-ds-reader")?;
    let operator = readme_role("kubectl-ds-operator")?;
    assert_eq!(grants(&reader), triples(READER));
    let mut wanted = triples(READER);
    wanted.extend(triples(OPERATOR_ADDS));
    assert_eq!(grants(&operator), wanted);
    for role in [&reader, &operator] {
        let rules = role["rules"].as_array().context("rules")?;
        let distinct: BTreeSet<String> = rules.iter().map(Value::to_string).collect();
        assert_eq!(distinct.len(), rules.len(), "a duplicated rule: {role}");
        // A (group, resource) appears in one rule per distinct verb set only.
        let mut seen = BTreeSet::new();
        for rule in rules {
            for g in rule["apiGroups"].as_array().into_iter().flatten() {
                for r in rule["resources"].as_array().into_iter().flatten() {
                    let verbs = rule["verbs"].to_string();
                    assert!(
                        seen.insert((g.to_string(), r.to_string(), verbs)),
                        "{g}/{r} twice with the same verbs: {role}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Deletes the test's cluster-scoped objects (ClusterRoles, bindings) and kubeconfigs on drop.
struct ClusterScoped {
    names: Vec<String>,
    files: Vec<PathBuf>,
}

impl Drop for ClusterScoped {
    fn drop(&mut self) {
        for f in &self.files {
            let _ = std::fs::remove_file(f);
        }
        let names = std::mem::take(&mut self.names);
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(client) = e2e_support::admin_client().await else {
                    return;
                };
                let roles: Api<ClusterRole> = Api::all(client.clone());
                let bindings: Api<ClusterRoleBinding> = Api::all(client);
                for n in &names {
                    let _ = bindings.delete(n, &DeleteParams::default()).await;
                    let _ = roles.delete(n, &DeleteParams::default()).await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// A ServiceAccount `sa` bound (ClusterRoleBinding) to the README role `role`, created under the
/// name `role-<test id>`; returns a kubeconfig file with a TokenRequest token of it.
async fn service_account_kubeconfig(
    env: &TestEnv,
    role: &str,
    sa: &str,
    scoped: &mut ClusterScoped,
) -> Result<PathBuf> {
    let unique = format!("{role}-{}", env.id);
    let mut cr = readme_role(role)?;
    cr["metadata"] = json!({"name": unique, "labels": {"kubectl-ds.test/e2e": "true"}});
    scoped.names.push(unique.clone());
    env.apply_value(&cr).await?;
    env.apply_value(&json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": sa, "namespace": env.ns}
    }))
    .await?;
    env.apply_value(&json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
        "metadata": {"name": unique, "labels": {"kubectl-ds.test/e2e": "true"}},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": unique},
        "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": env.ns}]
    }))
    .await?;
    // TokenRequest (serviceaccounts/token), as `kubectl create token` makes it.
    let out = env.kubectl(&["create", "token", sa, "--duration=1h"])?;
    ensure!(
        out.status.success(),
        "kubectl create token: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)?.trim().to_owned();
    ensure!(token.split('.').count() == 3, "not a JWT");

    let admin = Kubeconfig::read_from(e2e_support::kubeconfig_path()?)?;
    let cluster = admin
        .clusters
        .iter()
        .find(|c| c.name == TEST_CLUSTER_NAME)
        .and_then(|c| c.cluster.clone())
        .context("the test cluster in the admin kubeconfig")?;
    let user = format!("sa-{sa}");
    let kubeconfig = json!({
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": TEST_CLUSTER_NAME, "cluster": serde_json::to_value(&cluster)?}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": TEST_CLUSTER_NAME,
                      "context": {"cluster": TEST_CLUSTER_NAME, "user": user, "namespace": env.ns}}],
        "current-context": TEST_CLUSTER_NAME,
    });
    let path = e2e_support::cluster_dir()?.join(format!("kubeconfig-{}-{sa}", env.id));
    scoped.files.push(path.clone());
    std::fs::write(&path, serde_json::to_vec_pretty(&kubeconfig)?)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(path)
}

/// Runs the plugin with `kubeconfig` in the test namespace: (exit code, stdout, stderr).
fn run(env: &TestEnv, kubeconfig: &PathBuf, args: &[&str]) -> Result<(i32, String, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .env("KUBECONFIG", kubeconfig)
        .env("NO_COLOR", "1")
        .arg(format!("--namespace={}", env.ns))
        .args(args)
        .output()
        .context("running kubectl-ds")?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The read-only commands (`logs` is checked apart: it reaches the kubelet).
fn read_only_commands(node: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let mut cmds = vec![
        v(&["why-missing", "log-collector"]),
        v(&["why-missing", "--node", node]),
        v(&["rollout", "status", "log-collector", "--watch=false"]),
        v(&["rollout", "history", "log-collector"]),
        v(&["pod", "log-collector", "--node", node]),
        v(&["pod", "log-collector", "--all-nodes"]),
        v(&["describe", "log-collector"]),
        v(&["describe", "log-collector", "--node", node]),
    ];
    // `list` (added while this test was written) only where the binary has it.
    let has_list = Command::new(env!("CARGO_BIN_EXE_kubectl-ds"))
        .args(["list", "--help"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_list {
        cmds.push(v(&["list"]));
    }
    cmds
}

/// Exit 0 or 3 (an answer), never 1 (an error).
fn assert_answers(who: &str, args: &[String], (code, out, err): &(i32, String, String)) {
    assert!(
        *code == 0 || *code == 3,
        "{who}: kubectl ds {} exited {code}\nstdout:\n{out}\nstderr:\n{err}",
        args.join(" ")
    );
    assert!(!err.contains("forbidden"), "{who}: {args:?}: {err}");
}

/// `logs`/`exec` as far as the sim allows: past authorization, the API server fails to reach
/// the kubelet (exit 1, its URL quoted), never a refusal.
fn assert_reached_kubelet(who: &str, (code, _, err): &(i32, String, String), url_part: &str) {
    assert_eq!(*code, 1, "{who}: {err}");
    assert!(!err.contains("forbidden"), "{who}: {err}");
    assert!(err.contains(url_part), "{who}: {url_part:?} in {err}");
}

/// Exit 1 with one `error:` line naming the verb, the resource and the operator role.
fn assert_refused(who: &str, (code, out, err): &(i32, String, String), verb_resource: &str) {
    assert_eq!(*code, 1, "{who}: stdout:\n{out}\nstderr:\n{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{who}: {err}");
    let line = errors[0];
    // `rollout undo` keeps kubectl's "failed restoring revision N: " before the reason.
    assert!(
        line.contains("forbidden: User \"system:serviceaccount:"),
        "{who}: {line}"
    );
    assert!(
        line.contains(verb_resource),
        "{who}: {verb_resource:?} in {line}"
    );
    assert!(
        line.contains("grant the ClusterRole kubectl-ds-operator from the README"),
        "{who}: {line}"
    );
}

#[tokio::test]
#[ignore = "needs the local control plane"]
async fn reader_and_operator_service_accounts() -> Result<()> {
    let env = TestEnv::new("rbac").await?;
    let w1 = env.create_node("w1", NodeOpts::default()).await?;
    let w2 = env.create_node("w2", NodeOpts::default()).await?;
    env.wait_nodes_initialized(&[w1.clone(), w2.clone()], DEFAULT_TIMEOUT)
        .await?;
    env.apply_yaml(e2e_support::DEMO_MANIFESTS).await?;
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    // A second revision, so that there is something to undo.
    env.daemonsets()
        .patch(
            "log-collector",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
                {"name": "collector", "image": "busybox:1.37"}
            ]}}}})),
        )
        .await?;
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    // An OnDelete DaemonSet with outdated pods, for `replace`.
    let mut agent = json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "updateStrategy": {"type": "OnDelete"},
            "template": {
                "metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "agent", "image": "busybox:1"}],
                         "terminationGracePeriodSeconds": 1}
            }
        }
    });
    env.isolate(&mut agent);
    env.apply_value(&agent).await?;
    env.wait_ds_ready("agent", 2, DEFAULT_TIMEOUT).await?;
    env.daemonsets()
        .patch(
            "agent",
            &PatchParams::default(),
            &Patch::Strategic(json!({"spec": {"template": {"spec": {"containers": [
                {"name": "agent", "image": "busybox:2"}
            ]}}}})),
        )
        .await?;
    env.wait_ds(
        "agent",
        DEFAULT_TIMEOUT,
        "the new template observed",
        |_| true,
    )
    .await?;

    let mut scoped = ClusterScoped {
        names: Vec::new(),
        files: Vec::new(),
    };
    let reader =
        service_account_kubeconfig(&env, "kubectl-ds-reader", "reader", &mut scoped).await?;
    let operator =
        service_account_kubeconfig(&env, "kubectl-ds-operator", "operator", &mut scoped).await?;
    // RBAC caches: give the authorizer a moment to see the new bindings.
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The reader: every read-only command answers.
    for args in read_only_commands(&w1) {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_answers("reader", &args, &run(&env, &reader, &argv)?);
    }
    let logs = run(&env, &reader, &["logs", "log-collector", "--node", &w1])?;
    assert_reached_kubelet("reader logs", &logs, "containerLogs/");

    // … and is refused, with one clear line, what changes something. Nothing changed after.
    let before = env.daemonsets().get("log-collector").await?;
    let refusals: [(&[&str], &str); 4] = [
        (
            &["rollout", "undo", "log-collector"],
            "cannot patch daemonsets",
        ),
        (
            &["rollout", "restart", "log-collector"],
            "cannot patch daemonsets",
        ),
        (
            &["replace", "agent", "--all-outdated"],
            "cannot delete pods",
        ),
        (
            &["exec", "log-collector", "--node", &w1, "--", "true"],
            // `get` (the WebSocket GET) or `create`, whichever the API server checked first
            " pods/exec in namespace",
        ),
    ];
    for (args, what) in refusals {
        assert_refused(
            &format!("reader {args:?}"),
            &run(&env, &reader, args)?,
            what,
        );
    }
    let after = env.daemonsets().get("log-collector").await?;
    assert_eq!(
        before.metadata.generation, after.metadata.generation,
        "the reader changed the DaemonSet"
    );

    // The operator runs everything: the reads, …
    for args in read_only_commands(&w2) {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_answers("operator", &args, &run(&env, &operator, &argv)?);
    }
    let logs = run(&env, &operator, &["logs", "log-collector", "--node", &w2])?;
    assert_reached_kubelet("operator logs", &logs, "containerLogs/");
    let exec = run(
        &env,
        &operator,
        &["exec", "log-collector", "--node", &w2, "--", "true"],
    )?;
    assert_reached_kubelet("operator exec", &exec, "exec/");
    // … and the changes, for real.
    let (code, out, err) = run(&env, &operator, &["rollout", "undo", "log-collector"])?;
    assert_eq!(code, 0, "undo: {out}{err}");
    assert_eq!(out, "daemonset.apps/log-collector rolled back\n");
    env.wait_ds_ready("log-collector", 2, DEFAULT_TIMEOUT)
        .await?;
    let (code, out, err) = run(&env, &operator, &["rollout", "restart", "log-collector"])?;
    assert_eq!(code, 0, "restart: {out}{err}");
    assert_eq!(out, "daemonset.apps/log-collector restarted\n");
    let (code, out, err) = run(
        &env,
        &operator,
        &["replace", "agent", "--all-outdated", "-o", "json"],
    )?;
    assert_eq!(code, 0, "replace: {out}{err}");
    let report: Value = serde_json::from_str(&out)?;
    assert_eq!(report["status"], "completed");
    assert_eq!(report["summary"], json!({"replaced": 2}));
    let (code, out, err) = run(
        &env,
        &operator,
        &["rollout", "status", "log-collector", "--timeout", "60s"],
    )?;
    assert_eq!(code, 0, "status after restart: {out}{err}");

    drop(scoped);
    env.cleanup().await?;
    Ok(())
}
