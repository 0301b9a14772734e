//! The `Examples:` and per-command `Exit codes:` sections of `--help` (and of the man pages).
//! Every example is a real invocation: those with `-f tests/fixtures/…` are the ones
//! docs/gallery.md runs, and tests/cli_flags.rs runs or parses each of them.

/// Top level.
pub const TOP: &str = "\
Examples:
  # Why is log-collector missing or unhealthy on some nodes?
  kubectl ds why-missing log-collector -n daemonset-demo
  # Every DaemonSet with kubectl's columns and the nodes that need attention
  kubectl ds list -A
  # The same questions answered from a saved dump, with no cluster
  kubectl ds why-missing node-monitor -n daemonset-demo -f tests/fixtures/demo/cluster.yaml

Exit codes:
  0    success, nothing wrong
  1    error (not found, unreadable file, API unreachable or refusing)
  2    usage error
  3    the answer is \"no\": problems found (why-missing: a node Missing, Pending or
       Failing; list: a DaemonSet with such a node), not rolled out (rollout status),
       stopped at a failure (replace), no pod on the named node (pod, logs, exec,
       describe --node)
  130  interrupted (Ctrl-C)

With --from-file, nothing contacts a cluster.";

/// `why-missing`.
pub const WHY_MISSING: &str = "\
Examples:
  # The nodes of node-monitor that need attention, with reasons and hints
  kubectl ds why-missing node-monitor -n daemonset-demo -f tests/fixtures/demo/cluster.yaml
  # Every node, also the healthy ones
  kubectl ds why-missing log-collector -n daemonset-demo -o wide -f tests/fixtures/demo/cluster.yaml
  # Every DaemonSet of the namespace, judged on one node
  kubectl ds why-missing --node minikube-m04 -n daemonset-demo -f tests/fixtures/demo/cluster.yaml

Exit codes: 3 when a node is Missing, Pending or Failing; otherwise as in `kubectl ds --help`.";

/// `rollout`.
pub const ROLLOUT: &str = "\
Examples:
  kubectl ds rollout status log-collector -n daemonset-demo --watch=false -f tests/fixtures/demo/cluster.yaml
  kubectl ds rollout history agent -n prod -f tests/fixtures/rollout/cluster.yaml";

/// `rollout status`.
pub const ROLLOUT_STATUS: &str = "\
Examples:
  # Once, from a saved dump
  kubectl ds rollout status log-collector -n daemonset-demo --watch=false -f tests/fixtures/demo/cluster.yaml
  kubectl ds rollout status agent -n prod --watch=false -f tests/fixtures/rollout/cluster.yaml
  # Wait at most five minutes; stop at the first blocked new pod
  kubectl ds rollout status daemonset/agent -n prod --timeout 5m --fail-fast

Exit codes: 3 when not rolled out: --watch=false and not done, --timeout expired, or
--fail-fast and a new pod is blocked; otherwise as in `kubectl ds --help`.";

/// `rollout history`.
pub const ROLLOUT_HISTORY: &str = "\
Examples:
  kubectl ds rollout history agent -n prod -f tests/fixtures/rollout/cluster.yaml
  # One revision's pod template, and what changed between two
  kubectl ds rollout history agent -n prod --revision 2 -f tests/fixtures/rollout/cluster.yaml
  kubectl ds rollout history agent -n prod --diff 2 3 -f tests/fixtures/rollout/cluster.yaml";

/// `rollout undo`.
pub const ROLLOUT_UNDO: &str = "\
Examples:
  # Show what rolling back to the previous revision would change; change nothing
  kubectl ds rollout undo ds/agent -n prod --dry-run
  kubectl ds rollout undo ds/agent -n prod --to-revision 2";

/// `rollout restart`.
pub const ROLLOUT_RESTART: &str = "\
Examples:
  kubectl ds rollout restart ds/agent -n prod
  # Let the API server validate the change without persisting it
  kubectl ds rollout restart ds/agent -n prod --dry-run=server";

/// `replace`.
pub const REPLACE: &str = "\
Examples:
  # The plan: every outdated pod, half the nodes at a time, stopping after two
  kubectl ds replace node-agent -n monitoring --all-outdated --max-unavailable 50% --canary 2 --dry-run -f tests/fixtures/replace/cluster.yaml
  # One node at a time, a minute apart
  kubectl ds replace node-agent -n monitoring --all-outdated --pause 1m --timeout 10m
  # The pod on one node, even if it is current (a per-node restart)
  kubectl ds replace node-agent -n monitoring --node w3 --force

Exit codes: 3 when it stopped at a failure (a new pod failed or was not Ready within
--timeout) or the --max-unavailable budget is used up; otherwise as in `kubectl ds --help`.";

/// `pod`.
pub const POD: &str = "\
Examples:
  kubectl ds pod log-collector -n daemonset-demo --all-nodes -f tests/fixtures/demo/cluster.yaml
  kubectl ds pod log-collector -n daemonset-demo --node minikube-m02 -o name -f tests/fixtures/demo/cluster.yaml

Exit codes: 3 when a named node has no pod; otherwise as in `kubectl ds --help`.";

/// `logs`.
pub const LOGS: &str = "\
Examples:
  # Follow the pod on one node, as `kubectl logs -f`
  kubectl ds logs -f log-collector -n daemonset-demo --node minikube-m02
  # The last line of every node, prefixed, from a `kubectl cluster-info dump` directory
  kubectl ds logs node-exporter -n monitoring --all-nodes -c exporter --tail 1 --from-file tests/fixtures/logs-dump

Exit codes: 3 when a named node has no pod; otherwise as in `kubectl ds --help`.";

/// `exec`.
pub const EXEC: &str = "\
Examples:
  kubectl ds exec log-collector -n daemonset-demo --node minikube-m02 -- cat /etc/os-release
  # A shell, as `kubectl exec -it`
  kubectl ds exec log-collector -n daemonset-demo --node minikube-m02 -i -t -- sh

Exit codes: the command's own; 3 when the node has no pod; otherwise as in
`kubectl ds --help`.";

/// `describe`.
pub const DESCRIBE: &str = "\
Examples:
  kubectl ds describe log-collector -n daemonset-demo -f tests/fixtures/demo/cluster.yaml
  # The pod on one node, with the node's why-missing verdict
  kubectl ds describe log-collector -n daemonset-demo --node minikube-m04 -f tests/fixtures/demo/cluster.yaml

Exit codes: 3 with --node when the node has no pod; otherwise as in `kubectl ds --help`.";

/// `list`.
pub const LIST: &str = "\
Examples:
  kubectl ds list -f tests/fixtures/demo/cluster.yaml
  kubectl ds list -A -f tests/fixtures/replace/cluster.yaml
  # Names only, for scripts
  kubectl ds ls -l app=agent -o name

Exit codes: 3 when a DaemonSet has a node Missing, Pending or Failing (PROBLEMS > 0);
otherwise as in `kubectl ds --help`.";

/// `version`.
pub const VERSION: &str = "\
Examples:
  kubectl ds version
  kubectl ds version -o json";

/// `completion`.
pub const COMPLETION: &str = "\
Examples:
  kubectl ds completion bash > ~/.local/share/bash-completion/completions/kubectl-ds
  kubectl ds completion zsh > ~/.zfunc/_kubectl-ds";

/// `check`.
pub const CHECK: &str = "\
Examples:
  # The production pitfalls of the seed's demo, from a saved dump
  kubectl ds check -n daemonset-demo -f tests/fixtures/demo/cluster.yaml
  # A deliberately bad manifest, as a linter in CI (SARIF for code scanning)
  kubectl ds check -f tests/fixtures/check/bad.yaml -o sarif
  # Rendered charts, warnings fail too, one rule silenced
  helm template ./chart | kubectl ds check -f - --fail-on warning --disable DS402

Exit codes: 3 when a finding at or above --fail-on (default error) exists; otherwise as in
`kubectl ds --help`.";
