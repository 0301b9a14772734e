#!/usr/bin/env bash
# Target 4 of the performance issue: `kubectl-ds rollout status` returns within 100 ms of the
# DaemonSet status update that completes the rollout, and its total time on a rollout is at most
# that of `kubectl rollout status` on the same rollout.
#
#   tests/perf/rollout_status.sh                 # 20 sim nodes, 5 rollouts, median
#   KDS_RS_NODES=50 KDS_RS_RUNS=7 tests/perf/rollout_status.sh
#
# Uses the cluster in $KDS_CLUSTER_DIR (default /tmp/kubectl-ds-rollout-perf) if it is up, else
# starts one there and stops it on exit. Creates its own namespace and nodes (deleted on exit).
# Per run: change the image of a DaemonSet whose pods start slowly (sim `slow-start`), then start
# both commands at once; a third watcher (`kubectl get ds -w`, timestamped as each line arrives)
# gives the time of the status update that completed the rollout: the first one with
# observedGeneration >= generation and updated == available == desired. Only the measurement
# watches; nothing here polls. Needs a release build (built here), python3 (the medians).
# Prints figures; asserts nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
N=${KDS_RS_NODES:-20}
RUNS=${KDS_RS_RUNS:-5}
SLOW=${KDS_RS_SLOW_START:-2s}
SURGE=${KDS_RS_MAX_UNAVAILABLE:-25%}
NS=rollout-perf
GROUP=rollout-perf
export KDS_CLUSTER_DIR=${KDS_CLUSTER_DIR:-/tmp/kubectl-ds-rollout-perf}
WORK=$(mktemp -d /tmp/kds-rollout-perf.XXXXXX)

BIN=${KDS_BIN:-}
if [[ -z "$BIN" ]]; then
  cargo build --release --quiet --bin kubectl-ds
  BIN="$ROOT/target/release/kubectl-ds"
fi
# A copy, so that a concurrent build cannot swap the binary between runs.
cp "$BIN" "$WORK/kubectl-ds"
BIN="$WORK/kubectl-ds"

started_cluster=0
cleanup() {
  set +e
  kill $(jobs -p) 2>/dev/null
  if [[ -n "${KDS_KUBECTL:-}" ]]; then
    "$KDS_KUBECTL" delete namespace "$NS" --wait=false > /dev/null 2>&1
    "$KDS_SIM_KUBELET" delete-nodes --selector "kubectl-ds.test/group=$GROUP" > /dev/null 2>&1
  fi
  [[ $started_cluster == 1 ]] && tests/cluster/cluster.sh down > /dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
if ! tests/cluster/cluster.sh status > /dev/null 2>&1; then
  tests/cluster/cluster.sh up > /dev/null
  started_cluster=1
fi
eval "$(tests/cluster/cluster.sh env)"
K="$KDS_KUBECTL"

"$KDS_SIM_KUBELET" create-nodes --nodes "$N" --prefix rsperf- \
  --label "kubectl-ds.test/group=$GROUP" > /dev/null 2>&1
"$K" create namespace "$NS" > /dev/null
ds_yaml() {
  cat <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: $NS}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "$SURGE"}}
  template:
    metadata:
      labels: {app: agent}
      annotations: {sim.kubectl-ds/behavior: "slow-start=$SLOW"}
    spec:
      nodeSelector: {kubectl-ds.test/group: $GROUP}
      terminationGracePeriodSeconds: 0
      containers: [{name: c, image: "agent:$1"}]
YAML
}
ds_yaml 0 | "$K" apply -f - > /dev/null
"$K" -n "$NS" rollout status ds/agent --timeout=120s > /dev/null

echo "machine: $(nproc) cores, $(uname -r); $N sim nodes, slow-start=$SLOW, maxUnavailable=$SURGE"
# rollout_s: from the change to the completing update; lags: process exit after that update;
# kds/kubectl: total times (change to exit), kubectl-ds over kubectl.
printf '%-4s %10s %12s %15s %12s\n' run rollout_s kds_lag_ms kubectl_lag_ms kds/kubectl
: > "$WORK/results"
for run in $(seq 1 "$RUNS"); do
  # The measuring watcher: one line per DaemonSet update, stamped as it arrives.
  "$K" -n "$NS" get ds agent -w --output-watch-events=false -o \
    jsonpath='{.metadata.generation} {.status.observedGeneration} {.status.desiredNumberScheduled} {.status.updatedNumberScheduled} {.status.numberAvailable}{"\n"}' \
    2> /dev/null > >(while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done > "$WORK/ds.$run") &
  watcher=$!
  sleep 1
  gen=$(( $("$K" -n "$NS" get ds agent -o jsonpath='{.metadata.generation}') + 1 ))
  ds_yaml "$run" | "$K" apply -f - > /dev/null
  t0=$EPOCHREALTIME
  ( "$BIN" rollout status agent -n "$NS" --timeout 120s > "$WORK/kds.out.$run" 2>&1
    echo "$EPOCHREALTIME $?" > "$WORK/kds.end.$run" ) &
  kds=$!
  ( "$K" -n "$NS" rollout status ds/agent --timeout=120s > "$WORK/kubectl.out.$run" 2>&1
    echo "$EPOCHREALTIME $?" > "$WORK/kubectl.end.$run" ) &
  kc=$!
  wait "$kds" "$kc" || true
  sleep 0.5
  kill "$watcher" 2> /dev/null || true
  wait "$watcher" 2> /dev/null || true
  sleep 0.1
  python3 - "$run" "$t0" "$gen" "$WORK" >> "$WORK/results" <<'PY'
import sys
run, t0, gen, work = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
done = None
for line in open(f"{work}/ds.{run}"):
    f = line.split()
    if len(f) < 6:
        continue
    t, g, og, desired, updated, avail = float(f[0]), *map(int, f[1:6])
    if g >= gen and og >= g and desired > 0 and updated == desired and avail == desired:
        done = t
        break
kds_end, kds_rc = open(f"{work}/kds.end.{run}").read().split()
k_end, k_rc = open(f"{work}/kubectl.end.{run}").read().split()
kds_end, k_end = float(kds_end), float(k_end)
if done is None:
    print(f"# run {run}: no completing update seen", file=sys.stderr)
    sys.exit(0)
print(run, done - t0, (kds_end - done) * 1000, (k_end - done) * 1000,
      (kds_end - t0) / (k_end - t0), kds_rc, k_rc)
PY
  tail -1 "$WORK/results" | awk '{printf "%-4s %10.2f %12.0f %15.0f %12.3f %s\n", $1, $2, $3, $4, $5, ($6==0 && $7==0) ? "" : "rc " $6 "/" $7}'
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
if not rows:
    sys.exit("no runs measured")
col = lambda i: statistics.median(float(r[i]) for r in rows)
print(f"median of {len(rows)}: rollout {col(1):.2f} s after the change; "
      f"kubectl-ds exits {col(2):.0f} ms after the completing update (target <= 100 ms), "
      f"kubectl {col(3):.0f} ms; total time kubectl-ds/kubectl {col(4):.3f} (target <= 1.0)")
PY
