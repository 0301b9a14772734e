#!/usr/bin/env bash
# Runs every test tier of kubectl-ds:
#   1. `cargo test --workspace`            unit, snapshot and integration tests (no cluster needed)
#   2. tests/cluster/cluster.sh build      etcd + Kubernetes v1.37 binaries from the Go module proxy,
#                                          cached per machine (cold: ~10 min on 2 cores; then ~1 s)
#   3. tests/cluster/cluster.sh up         local control plane + sim-kubelet on 127.0.0.1
#   4. cargo test --test e2e_* -- --ignored   the end-to-end tier against that cluster, then
#      e2e_faults alone (--test-threads=1): it restarts the apiserver and stops the controller-manager
#   5. tests/cluster/cluster.sh down       always (trap), even on failure or interrupt
#
# Env knobs:
#   KDS_SKIP_E2E=1        run only tier 1
#   KDS_ONLY_E2E=1        skip tier 1
#   KDS_CLUSTER_DIR=…     state dir of the cluster (default: a fresh /tmp/kubectl-ds-e2e.XXXXXX)
#   KDS_CACHE=…           binary cache (default ~/.cache/kubectl-ds)
#   KDS_E2E_THREADS=N     parallel e2e tests (default 4)
#   KDS_E2E_LOGS=dir      where component logs are copied when the e2e tier fails
#                         (default target/e2e-logs)
# Works unattended (CI=true, no stdin). Needs: cargo, Go >= 1.26 (/usr/local/go/bin or PATH),
# openssl and curl (installed with apt-get if missing and running as root).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export GOTOOLCHAIN=local CGO_ENABLED=0
export PATH="/usr/local/go/bin:$HOME/.cargo/bin:$PATH"

say() { printf '\n=== run-all: %s ===\n' "$*" >&2; }
now() { date +%s; }
T0=$(now)

if [[ "${KDS_ONLY_E2E:-0}" != 1 ]]; then
  say "tier 1: cargo test --workspace"
  cargo test --workspace
fi

if [[ "${KDS_SKIP_E2E:-0}" == 1 ]]; then
  say "KDS_SKIP_E2E=1: skipping the e2e tier"
  exit 0
fi

# e2e_faults stops and restarts shared control-plane components: never alongside the others.
E2E_TESTS=()
E2E_SERIAL=()
for f in tests/e2e_*.rs; do
  [[ -f "$f" ]] || continue
  t="$(basename "$f" .rs)"
  if [[ "$t" == e2e_faults ]]; then E2E_SERIAL+=(--test "$t"); else E2E_TESTS+=(--test "$t"); fi
done
if ((${#E2E_TESTS[@]} + ${#E2E_SERIAL[@]} == 0)); then
  say "no tests/e2e_*.rs files: nothing to run against the cluster"
  exit 0
fi

say "tier 2: build the control-plane binaries (cached)"
T1=$(now)
timeout 3600 tests/cluster/cluster.sh build
say "binaries ready after $(($(now) - T1)) s"

export KDS_CLUSTER_DIR="${KDS_CLUSTER_DIR:-$(mktemp -u /tmp/kubectl-ds-e2e.XXXXXX)}"
LOGS_DIR="${KDS_E2E_LOGS:-$ROOT/target/e2e-logs}"

cluster_down() {
  local rc=$?
  if ((rc != 0)) && [[ -d "$KDS_CLUSTER_DIR/logs" ]]; then
    say "failure (rc=$rc): component logs follow (full copies in $LOGS_DIR)"
    local f
    for f in "$KDS_CLUSTER_DIR"/logs/*.log; do
      printf -- '----- tail %s -----\n' "$f" >&2
      tail -n 25 "$f" >&2 || true
    done
    export KDS_KEEP_LOGS="$LOGS_DIR"
  fi
  timeout 120 tests/cluster/cluster.sh down >&2 || true
  exit "$rc"
}
trap cluster_down EXIT
trap 'exit 130' INT TERM

say "tier 3: start the local control plane in $KDS_CLUSTER_DIR"
T2=$(now)
timeout 600 tests/cluster/cluster.sh up >/dev/null
eval "$(tests/cluster/cluster.sh env)"
say "control plane up after $(($(now) - T2)) s (KUBECONFIG=$KUBECONFIG)"

T3=$(now)
if ((${#E2E_TESTS[@]})); then
  say "tier 4: e2e tests (${E2E_TESTS[*]}) -- --ignored"
  timeout 2400 cargo test "${E2E_TESTS[@]}" -- --ignored --test-threads="${KDS_E2E_THREADS:-4}"
fi
if ((${#E2E_SERIAL[@]})); then
  # alone, one test at a time, against the same cluster (the tests restart what they stop)
  say "tier 4b: fault-injection tests (${E2E_SERIAL[*]}) -- --ignored --test-threads=1"
  timeout 900 cargo test "${E2E_SERIAL[@]}" -- --ignored --test-threads=1
fi
say "e2e tier passed in $(($(now) - T3)) s; total $(($(now) - T0)) s"
