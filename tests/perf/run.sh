#!/usr/bin/env bash
# Whole-process performance figures of kubectl-ds, each beside its anchor, in one run.
#
#   tests/perf/run.sh                  # offline (5,000 nodes / 150,000 pods), start-up, binary size
#   KDS_PERF_NODES=1000 KDS_PERF_PODS=30000 tests/perf/run.sh   # smaller
#   tests/perf/run.sh --live           # also the live figures on the local control plane
#                                      # (1,000 sim nodes, 20,000 other pods; takes ~5 min to set up)
#
# KDS_PERF_SKIP_OFFLINE=1 skips the offline and start-up figures.
# Needs: a release build (built here), jq, /usr/bin/time, hyperfine (apt-get install hyperfine).
# Prints figures; asserts nothing (timing is measured here, never in tests).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
NODES=${KDS_PERF_NODES:-5000}
PODS=${KDS_PERF_PODS:-150000}
WORK=${KDS_PERF_DIR:-/tmp/kubectl-ds-perf}
mkdir -p "$WORK"

cargo build --release --quiet --bin kubectl-ds --example gen_snapshot
BIN="$ROOT/target/release/kubectl-ds"
SNAP="$WORK/snapshot-$NODES-$PODS.json"
[[ -s "$SNAP" ]] || target/release/examples/gen_snapshot --nodes "$NODES" --pods "$PODS" > "$SNAP"
SIZE=$(stat -c %s "$SNAP")

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
echo "snapshot: $NODES nodes, $PODS pods, $((SIZE / 1048576)) MiB"
echo

if [[ "${KDS_PERF_SKIP_OFFLINE:-0}" != 1 ]]; then
echo "== 1. offline why-missing vs jq '.items|length' (same file, warm page cache) =="
cat "$SNAP" > /dev/null
hyperfine --warmup 1 --runs "${KDS_PERF_RUNS:-3}" --ignore-failure \
  --export-json "$WORK/offline.json" \
  -n kubectl-ds "$BIN why-missing agent -n kube-system -f $SNAP -o json" \
  -n jq "jq '.items|length' $SNAP"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
KDS_RSS=$(rss "$BIN" why-missing agent -n kube-system -f "$SNAP" -o json || true)
JQ_RSS=$(rss jq '.items|length' "$SNAP")
python3 - "$WORK/offline.json" "$KDS_RSS" "$JQ_RSS" "$SIZE" <<'PY'
import json, sys
r = {x["command"]: x["mean"] for x in json.load(open(sys.argv[1]))["results"]}
kds_rss, jq_rss, size = int(sys.argv[2]) * 1024, int(sys.argv[3]) * 1024, int(sys.argv[4])
print(f"wall: kubectl-ds {r['kubectl-ds']:.2f} s, jq {r['jq']:.2f} s, ratio {r['kubectl-ds'] / r['jq']:.3f} (target <= 0.5)")
print(f"peak RSS: kubectl-ds {kds_rss / 2**20:.0f} MiB, jq {jq_rss / 2**20:.0f} MiB, file {size / 2**20:.0f} MiB, kubectl-ds/file {kds_rss / size:.2f} (target <= 1.0)")
PY
echo

echo "== 5. start-up and size =="
hyperfine --warmup 5 --runs 200 -N -n 'kubectl-ds --help' "$BIN --help" --export-json "$WORK/help.json" > /dev/null
python3 -c "import json;r=json.load(open('$WORK/help.json'))['results'][0];print(f\"kubectl ds --help: {r['mean']*1000:.2f} ms mean, {r['max']*1000:.2f} ms max (target <= 5 ms)\")"
echo "release binary: $(( $(stat -c %s "$BIN") / 1024 )) KiB (target <= 15 MB)"
fi

if [[ "${1:-}" == "--live" ]]; then
  echo
  echo "== 3. live why-missing vs kubectl get nodes + pods (local control plane) =="
  export KDS_CLUSTER_DIR="$WORK/cluster"
  trap 'tests/cluster/cluster.sh down >/dev/null 2>&1 || true' EXIT
  KDS_SIM_ARGS="--nodes ${KDS_PERF_LIVE_NODES:-1000} --prefix perf-" tests/cluster/cluster.sh up > /dev/null
  eval "$(tests/cluster/cluster.sh env)"
  KUBECTL="$KDS_KUBECTL"
  "$KUBECTL" create namespace perf > /dev/null
  # 20 DaemonSets over 1,000 nodes = 20,000 other pods, plus the one under test.
  for i in $(seq 1 "${KDS_PERF_LIVE_DS:-20}"); do
    "$KUBECTL" -n perf create -f - > /dev/null <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: filler-$i}
spec:
  selector: {matchLabels: {app: filler-$i}}
  template:
    metadata: {labels: {app: filler-$i}}
    spec: {containers: [{name: c, image: filler:1, resources: {requests: {cpu: 10m}}}]}
YAML
  done
  "$KUBECTL" -n perf create -f - > /dev/null <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: agent:1, resources: {requests: {cpu: 10m}}}]}
YAML
  echo "waiting for the pods to run…"
  for _ in $(seq 1 120); do
    running=$("$KUBECTL" get pods -A --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)
    [[ "$running" -ge $(( (${KDS_PERF_LIVE_DS:-20} + 1) * ${KDS_PERF_LIVE_NODES:-1000} )) ]] && break
    sleep 5
  done
  echo "running pods: $running"
  hyperfine --warmup 1 --runs 5 --export-json "$WORK/live.json" \
    -n kubectl-ds "$BIN why-missing agent -n perf -o json" \
    -n 'kubectl get nodes + pods' "$KUBECTL get nodes -o json > /dev/null && $KUBECTL get pods -A -o json > /dev/null" || true
  python3 -c "import json;r={x['command']:x['mean'] for x in json.load(open('$WORK/live.json'))['results']};a=r['kubectl-ds'];b=r['kubectl get nodes + pods'];print(f'live: kubectl-ds {a:.2f} s, kubectl get nodes+pods {b:.2f} s, ratio {a/b:.3f} (target <= 0.5)')"
  "$BIN" why-missing agent -n perf -o json -v 2>&1 >/dev/null | tail -1
fi
