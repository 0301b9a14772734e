#!/usr/bin/env bash
# Local Kubernetes control plane for the kubectl-ds end-to-end tests.
#
#   cluster.sh build    build etcd + kube-apiserver/-controller-manager/-scheduler + kubectl
#                       from the Go module proxy into a per-machine cache (skipped when present)
#   cluster.sh up       start etcd → kube-apiserver → kube-controller-manager → kube-scheduler
#                       → sim-kubelet in the background (state in $KDS_CLUSTER_DIR)
#   cluster.sh down     stop exactly the processes `up` started, remove the state dir
#   cluster.sh env      print `export KUBECONFIG=…` (and KDS_KUBECTL/KDS_SIM_KUBELET)
#   cluster.sh status   show what runs and whether the apiserver is ready
#   cluster.sh demo     `up` + the seed demo (namespace daemonset-demo, 3 nodes)
#   cluster.sh stop|start|restart NAME
#                       stop (SIGTERM), start (same flags, ports and state; waits until ready) or
#                       both, one component of a running cluster: kube-apiserver,
#                       kube-controller-manager or kube-scheduler (fault-injection tests)
#
# See tests/cluster/README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

export GOTOOLCHAIN=local CGO_ENABLED=0
export PATH="/usr/local/go/bin:$PATH"

KDS_CLUSTER_DIR="${KDS_CLUSTER_DIR:-/tmp/kubectl-ds-cluster}"
KDS_CACHE="${KDS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-ds}"

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] ERROR: %s\n' "$*" >&2; exit 1; }

# --- versions (read from the pinned wrapper modules) -------------------------------------------
modver() { # modver <go.mod> <module path>
  awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$1"
}
K8S_VERSION="$(modver "$HERE/k8s/go.mod" k8s.io/kubernetes)"
ETCD_VERSION="$(modver "$HERE/etcd/go.mod" go.etcd.io/etcd/server/v3)"
[[ -n "$K8S_VERSION" && -n "$ETCD_VERSION" ]] || die "cannot read versions from tests/cluster/{k8s,etcd}/go.mod"

go_version() {
  command -v go >/dev/null 2>&1 || die "Go toolchain not found (need go >= 1.26 at /usr/local/go/bin or on PATH)"
  go env GOVERSION
}

bin_dir() {
  printf '%s/k8s-%s-etcd-%s-%s/bin' "$KDS_CACHE" "$K8S_VERSION" "$ETCD_VERSION" "$(go_version)"
}

BINS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)

cmd_build() {
  local bin; bin="$(bin_dir)"
  if [[ -f "$bin/.complete" ]]; then
    local b ok=1
    for b in "${BINS[@]}"; do [[ -x "$bin/$b" ]] || ok=0; done
    if (( ok )); then
      log "binaries present in $bin (k8s $K8S_VERSION, etcd $ETCD_VERSION) — build skipped"
      return 0
    fi
  fi
  mkdir -p "$bin"
  rm -f "$bin/.complete"
  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ld="-s -w"
  local p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
    ld+=" -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  local t0 t1 t2
  t0=$(date +%s)
  log "building etcd $ETCD_VERSION → $bin (cold build: ~1-2 min on 2 cores)"
  (cd "$HERE/etcd" && nice -n 10 go build -mod=readonly -trimpath -ldflags "-s -w" \
      -o "$bin/etcd" go.etcd.io/etcd/server/v3) || die "etcd build failed"
  t1=$(date +%s)
  log "etcd built in $((t1 - t0)) s"
  log "building kube-apiserver kube-controller-manager kube-scheduler kubectl $K8S_VERSION → $bin (cold build: ~8-15 min on 2 cores)"
  (cd "$HERE/k8s" && nice -n 10 go build -mod=readonly -trimpath -ldflags "$ld" -o "$bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl) || die "kubernetes build failed"
  t2=$(date +%s)
  log "kubernetes binaries built in $((t2 - t1)) s (total $((t2 - t0)) s)"
  printf 'k8s=%s etcd=%s go=%s built=%s etcd_s=%s k8s_s=%s\n' "$K8S_VERSION" "$ETCD_VERSION" \
    "$(go_version)" "$(date -u +%FT%TZ)" "$((t1 - t0))" "$((t2 - t1))" > "$bin/.complete"
}

# --- helpers -----------------------------------------------------------------------------------
need_tools() {
  local missing=()
  local t
  for t in openssl curl; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      log "installing missing tools via apt-get: ${missing[*]}"
      timeout 300 apt-get update -qq >/dev/null || true
      DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null ||
        die "apt-get install ${missing[*]} failed"
    else
      die "missing tools: ${missing[*]}"
    fi
  fi
}

# free_ports N → N distinct free TCP ports on 127.0.0.1
free_ports() {
  local n=$1
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
' "$n"
  else
    local ports=() p
    while ((${#ports[@]} < n)); do
      p=$((20000 + RANDOM % 30000))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then ports+=("$p"); fi
    done
    echo "${ports[*]}"
  fi
}

# start_proc NAME BINARY ARGS… : background process in its own session; log + pid in the state dir
start_proc() {
  local name=$1; shift
  basename "$1" >"$KDS_CLUSTER_DIR/pids/$name.bin"
  # appended: a restarted component (`restart NAME`) keeps the log of its previous run
  nohup setsid "$@" >>"$KDS_CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$KDS_CLUSTER_DIR/pids/$name.pid"
  # wait (bounded) until the forked shell has exec'd nohup → setsid → the binary, so that
  # `alive` (which checks /proc/PID/exe) does not see the intermediate shell
  local i exe
  for ((i = 0; i < 100; i++)); do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    [[ -z "$exe" || "$(basename "${exe% (deleted)}")" == "$(basename "$1")" ]] && break
    sleep 0.05
  done
}

pid_of() { cat "$KDS_CLUSTER_DIR/pids/$1.pid" 2>/dev/null || true; }

# alive NAME: the recorded pid still runs the binary we started (guards against pid reuse)
alive() {
  local pid; pid=$(pid_of "$1")
  [[ -n "$pid" && -d /proc/$pid ]] || return 1
  local exe; exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
  exe="${exe% (deleted)}"
  [[ "$(basename "$exe")" == "$(cat "$KDS_CLUSTER_DIR/pids/$1.bin" 2>/dev/null)" ]] || return 1
  # a zombie is not alive
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}

tail_log() {
  local f="$KDS_CLUSTER_DIR/logs/$1.log"
  [[ -f "$f" ]] || return 0
  printf -- '----- last 40 lines of %s -----\n' "$f" >&2
  tail -n 40 "$f" >&2 || true
  printf -- '-----\n' >&2
}

# wait_for NAME TIMEOUT_S CMD…: poll CMD every 0.5 s while the process lives
wait_for() {
  local name=$1 timeout_s=$2; shift 2
  local deadline=$(($(date +%s) + timeout_s))
  while :; do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if ! alive "$name"; then
      log "$name exited during start-up"
      tail_log "$name"
      return 1
    fi
    if (($(date +%s) >= deadline)); then
      log "$name not ready after ${timeout_s}s"
      tail_log "$name"
      return 1
    fi
    sleep 0.5
  done
}

http_ok() { # http_ok URL [curl args…] : body must be `ok` (k8s) or contain "health":"true" (etcd)
  local url=$1; shift
  local body; body=$(curl -fsS --max-time 3 "$@" "$url") || return 1
  [[ "$body" == ok || "$body" == *'"health":"true"'* ]]
}

stop_all() {
  [[ -d "$KDS_CLUSTER_DIR/pids" ]] || return 0
  local name
  for name in sim-kubelet kube-scheduler kube-controller-manager kube-apiserver etcd; do
    stop_one "$name"
  done
}

remove_state() {
  if [[ -d "$KDS_CLUSTER_DIR" ]]; then
    [[ -f "$KDS_CLUSTER_DIR/.kubectl-ds-cluster" ]] ||
      die "$KDS_CLUSTER_DIR exists but is not a kubectl-ds cluster dir (no marker file); not removing it"
    if [[ -n "${KDS_KEEP_LOGS:-}" && -d "$KDS_CLUSTER_DIR/logs" ]]; then
      mkdir -p "$KDS_KEEP_LOGS" && cp -r "$KDS_CLUSTER_DIR/logs/." "$KDS_KEEP_LOGS/" || true
      log "component logs copied to $KDS_KEEP_LOGS"
    fi
    rm -rf "$KDS_CLUSTER_DIR"
  fi
}

sim_kubelet_bin() {
  if [[ -n "${KDS_SIM_KUBELET:-}" ]]; then
    echo "$KDS_SIM_KUBELET"
  else
    echo "${CARGO_TARGET_DIR:-$REPO/target}/debug/sim-kubelet"
  fi
}

build_sim_kubelet() {
  if [[ -n "${KDS_SIM_KUBELET:-}" ]]; then
    [[ -x "$KDS_SIM_KUBELET" ]] || die "KDS_SIM_KUBELET=$KDS_SIM_KUBELET is not executable"
    return 0
  fi
  log "building sim-kubelet (cargo build -p sim-kubelet)"
  (cd "$REPO" && cargo build -q -p sim-kubelet) || die "cargo build -p sim-kubelet failed"
}

gen_pki() {
  local p="$KDS_CLUSTER_DIR/pki"
  mkdir -p "$p"
  (
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=kubectl-ds-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' \
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local' \
      >srv.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -extfile srv.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    rm -f apiserver.csr srv.ext
  ) || die "PKI generation failed"
}

write_kubeconfig() { # write_kubeconfig FILE USER TOKEN
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "clusters:"
    echo "- name: kubectl-ds-test"
    echo "  cluster:"
    echo "    server: https://127.0.0.1:${API_PORT}"
    echo "    certificate-authority: ${KDS_CLUSTER_DIR}/pki/ca.crt"
    echo "users:"
    echo "- name: $2"
    echo "  user:"
    echo "    token: $3"
    echo "contexts:"
    echo "- name: kubectl-ds-test"
    echo "  context:"
    echo "    cluster: kubectl-ds-test"
    echo "    user: $2"
    echo "    namespace: default"
    echo "current-context: kubectl-ds-test"
  } >"$1"
  chmod 600 "$1"
}

load_state() {
  [[ -f "$KDS_CLUSTER_DIR/cluster.env" ]] || return 1
  # shellcheck disable=SC1091
  source "$KDS_CLUSTER_DIR/cluster.env"
}

is_up() {
  load_state 2>/dev/null || return 1
  local n
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler sim-kubelet; do alive "$n" || return 1; done
  http_ok "https://127.0.0.1:${API_PORT}/readyz" --cacert "$KDS_CLUSTER_DIR/pki/ca.crt"
}

# --- components ---------------------------------------------------------------------------------
# One start_X (launch in the background) and one wait_X (bounded readiness wait) per component,
# used by `up` and by `start NAME`/`restart NAME`, so a restarted component gets exactly the
# flags, ports and state dir of the first start. They read the ports and BIN_DIR of cluster.env.
COMPONENTS=(kube-apiserver kube-controller-manager kube-scheduler)

start_etcd() {
  start_proc etcd "$BIN_DIR/etcd" --name=kds --data-dir="$KDS_CLUSTER_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="kds=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync=true \
    --auto-compaction-retention=1 --quota-backend-bytes=4294967296 --log-level=warn
}

wait_etcd() {
  wait_for etcd 30 http_ok "http://127.0.0.1:$ETCD_PORT/health"
  log "etcd ready on 127.0.0.1:$ETCD_PORT"
}

start_kube_apiserver() {
  local p="$KDS_CLUSTER_DIR/pki"
  start_proc kube-apiserver "$BIN_DIR/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --tls-cert-file="$p/apiserver.crt" --tls-private-key-file="$p/apiserver.key" \
    --cert-dir="$p/auto" --client-ca-file="$p/ca.crt" \
    --token-auth-file="$p/tokens.csv" \
    --authorization-mode=RBAC \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$p/sa.key" --service-account-signing-key-file="$p/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --disable-admission-plugins=ServiceAccount,TaintNodesByCondition \
    --endpoint-reconciler-type=none \
    --allow-privileged=true --profiling=false \
    --max-requests-inflight=1000 --max-mutating-requests-inflight=500 \
    --shutdown-watch-termination-grace-period=2s \
    --v=1
}

wait_kube_apiserver() {
  wait_for kube-apiserver 120 http_ok "https://127.0.0.1:$API_PORT/readyz" --cacert "$KDS_CLUSTER_DIR/pki/ca.crt"
  log "kube-apiserver ready on https://127.0.0.1:$API_PORT"
}

# (no node-lifecycle controller: the sim-kubelet owns node health)
start_kube_controller_manager() {
  start_proc kube-controller-manager "$BIN_DIR/kube-controller-manager" \
    --kubeconfig="$KDS_CLUSTER_DIR/kubeconfig" \
    --controllers=daemonset-controller,garbage-collector-controller,namespace-controller,pod-garbage-collector-controller,serviceaccount-controller,disruption-controller,deployment-controller,replicaset-controller \
    --leader-elect=false --use-service-account-credentials=false \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
    --kube-api-qps=200 --kube-api-burst=400 --concurrent-daemonset-syncs=4 \
    --profiling=false --v=1
}

wait_kube_controller_manager() {
  wait_for kube-controller-manager 60 http_ok "https://127.0.0.1:$KCM_PORT/healthz" -k
  log "kube-controller-manager healthy on 127.0.0.1:$KCM_PORT"
}

start_kube_scheduler() {
  {
    echo "apiVersion: kubescheduler.config.k8s.io/v1"
    echo "kind: KubeSchedulerConfiguration"
    echo "clientConnection:"
    echo "  kubeconfig: $KDS_CLUSTER_DIR/kubeconfig"
    echo "  qps: 200"
    echo "  burst: 400"
    echo "leaderElection:"
    echo "  leaderElect: false"
  } >"$KDS_CLUSTER_DIR/scheduler.yaml"
  start_proc kube-scheduler "$BIN_DIR/kube-scheduler" --config="$KDS_CLUSTER_DIR/scheduler.yaml" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --profiling=false --v=1
}

wait_kube_scheduler() {
  wait_for kube-scheduler 60 http_ok "https://127.0.0.1:$SCHED_PORT/healthz" -k
  log "kube-scheduler healthy on 127.0.0.1:$SCHED_PORT"
}

# stop_one NAME: SIGTERM to the recorded pid (checked against /proc/PID/exe), SIGKILL after 10 s
stop_one() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  [[ -n "$pid" ]] || return 0
  if alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do alive "$name" || break; sleep 0.1; done
    if alive "$name"; then
      log "$name (pid $pid) did not stop on SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do alive "$name" || break; sleep 0.1; done
    fi
  fi
  rm -f "$KDS_CLUSTER_DIR/pids/$name.pid"
}

# component NAME → NAME if it is one `stop`/`start`/`restart` accept, else die with the usage
component() {
  local c
  for c in "${COMPONENTS[@]}"; do [[ "$1" == "$c" ]] && { echo "$c"; return 0; }; done
  die "unknown component ${1:-<none>} (one of: ${COMPONENTS[*]})"
}

cmd_stop() {
  local name; name=$(component "${1:-}")
  load_state || die "no cluster state in $KDS_CLUSTER_DIR (run: $0 up)"
  if ! alive "$name"; then
    log "$name is not running"
    return 0
  fi
  local t0; t0=$(date +%s%N)
  stop_one "$name"
  log "$name stopped in $((($(date +%s%N) - t0) / 1000000)) ms"
}

cmd_start() {
  local name; name=$(component "${1:-}")
  load_state || die "no cluster state in $KDS_CLUSTER_DIR (run: $0 up)"
  if alive "$name"; then
    log "$name is already running (pid $(pid_of "$name"))"
    return 0
  fi
  local t0 fn=${name//-/_}; t0=$(date +%s%N)
  "start_$fn"
  "wait_$fn" || die "$name did not become ready (log: $KDS_CLUSTER_DIR/logs/$name.log)"
  log "$name started in $((($(date +%s%N) - t0) / 1000000)) ms"
}

cleanup_on_failure() {
  local rc=$?
  if ((rc)); then
    log "start-up failed (rc=$rc), stopping what was started and removing $KDS_CLUSTER_DIR"
    stop_all
    remove_state
  fi
}

cmd_up() {
  need_tools
  if is_up; then
    log "cluster already up ($KDS_CLUSTER_DIR)"
    cmd_env
    return 0
  fi
  if [[ -d "$KDS_CLUSTER_DIR" ]]; then
    log "removing stale state in $KDS_CLUSTER_DIR"
    stop_all
    remove_state
  fi
  cmd_build
  build_sim_kubelet
  local bin; bin="$(bin_dir)"
  local t0; t0=$(date +%s%N)

  mkdir -p "$KDS_CLUSTER_DIR"/{logs,pids,etcd}
  touch "$KDS_CLUSTER_DIR/.kubectl-ds-cluster"
  trap cleanup_on_failure EXIT

  read -r ETCD_PORT ETCD_PEER_PORT API_PORT KCM_PORT SCHED_PORT < <(free_ports 5)
  local admin_token; admin_token="admin-$(openssl rand -hex 16)"
  {
    echo "ETCD_PORT=$ETCD_PORT"
    echo "ETCD_PEER_PORT=$ETCD_PEER_PORT"
    echo "API_PORT=$API_PORT"
    echo "KCM_PORT=$KCM_PORT"
    echo "SCHED_PORT=$SCHED_PORT"
    echo "BIN_DIR=$bin"
    echo "SIM_KUBELET_BIN=$(sim_kubelet_bin)"
  } >"$KDS_CLUSTER_DIR/cluster.env"
  BIN_DIR=$bin
  gen_pki
  local p="$KDS_CLUSTER_DIR/pki"
  # static tokens: token,user,uid,"groups"
  {
    echo "$admin_token,kds-admin,uid-kds-admin,\"system:masters\""
    echo "readonly-token,kds-readonly,uid-kds-readonly"
    echo "operator-token,kds-operator,uid-kds-operator"
    echo "nobody-token,kds-nobody,uid-kds-nobody"
  } >"$p/tokens.csv"
  chmod 600 "$p/tokens.csv"
  write_kubeconfig "$KDS_CLUSTER_DIR/kubeconfig" kds-admin "$admin_token"
  write_kubeconfig "$KDS_CLUSTER_DIR/kubeconfig-readonly" kds-readonly readonly-token
  write_kubeconfig "$KDS_CLUSTER_DIR/kubeconfig-operator" kds-operator operator-token
  write_kubeconfig "$KDS_CLUSTER_DIR/kubeconfig-nobody" kds-nobody nobody-token

  start_etcd
  wait_etcd
  start_kube_apiserver
  wait_kube_apiserver
  # controller-manager and scheduler start together, then both are waited for
  start_kube_controller_manager
  start_kube_scheduler
  wait_kube_controller_manager
  wait_kube_scheduler

  # ---- RBAC for the non-admin test users (kds-readonly, kds-operator; kds-nobody gets nothing)
  local i
  for ((i = 0; i < 20; i++)); do
    if timeout 30 "$bin/kubectl" --kubeconfig="$KDS_CLUSTER_DIR/kubeconfig" apply -f "$HERE/rbac.yaml" \
      >"$KDS_CLUSTER_DIR/logs/rbac.log" 2>&1; then break; fi
    sleep 1
  done
  ((i < 20)) || { cat "$KDS_CLUSTER_DIR/logs/rbac.log" >&2; die "cannot create RBAC objects"; }

  # ---- sim-kubelet (adopts nodes labelled kubectl-ds.test/sim=true)
  # shellcheck disable=SC2086
  KUBECONFIG="$KDS_CLUSTER_DIR/kubeconfig" start_proc sim-kubelet "$(sim_kubelet_bin)" run \
    --ready-file="$KDS_CLUSTER_DIR/sim-kubelet.ready" ${KDS_SIM_ARGS:-}
  wait_for sim-kubelet 60 test -f "$KDS_CLUSTER_DIR/sim-kubelet.ready"
  log "sim-kubelet running"

  trap - EXIT
  local t1; t1=$(date +%s%N)
  log "control plane up in $(((t1 - t0) / 1000000)) ms — state in $KDS_CLUSTER_DIR"
  cmd_env
}

cmd_down() {
  if [[ ! -d "$KDS_CLUSTER_DIR" ]]; then
    log "nothing to stop ($KDS_CLUSTER_DIR does not exist)"
    return 0
  fi
  stop_all
  remove_state
  log "cluster stopped, $KDS_CLUSTER_DIR removed"
}

cmd_env() {
  load_state || die "no cluster state in $KDS_CLUSTER_DIR (run: $0 up)"
  echo "export KUBECONFIG=$KDS_CLUSTER_DIR/kubeconfig"
  echo "export KDS_CLUSTER_DIR=$KDS_CLUSTER_DIR"
  echo "export KDS_KUBECTL=$BIN_DIR/kubectl"
  echo "export KDS_SIM_KUBELET=$SIM_KUBELET_BIN"
}

cmd_status() {
  if ! load_state 2>/dev/null; then
    echo "cluster: down (no state in $KDS_CLUSTER_DIR)"
    return 1
  fi
  local n rc=0
  for n in etcd kube-apiserver kube-controller-manager kube-scheduler sim-kubelet; do
    if alive "$n"; then echo "$n: running (pid $(pid_of "$n"))"; else echo "$n: NOT running"; rc=1; fi
  done
  if http_ok "https://127.0.0.1:${API_PORT}/readyz" --cacert "$KDS_CLUSTER_DIR/pki/ca.crt"; then
    echo "apiserver: https://127.0.0.1:$API_PORT ready"
    timeout 20 "$BIN_DIR/kubectl" --kubeconfig="$KDS_CLUSTER_DIR/kubeconfig" get nodes 2>&1 | head -n 20 || true
  else
    echo "apiserver: https://127.0.0.1:$API_PORT NOT ready"
    rc=1
  fi
  echo "KUBECONFIG=$KDS_CLUSTER_DIR/kubeconfig"
  return $rc
}

cmd_demo() {
  cmd_up >/dev/null
  load_state
  local k=(timeout 60 "$BIN_DIR/kubectl" --kubeconfig="$KDS_CLUSTER_DIR/kubeconfig")
  log "creating demo nodes (minikube = tainted control plane, minikube-m02, minikube-m03)"
  "${k[@]}" apply -f "$HERE/demo/nodes.yaml" >/dev/null
  log "applying demo manifests (namespace daemonset-demo: node-monitor, log-collector)"
  "${k[@]}" apply -f "$HERE/demo/daemonset-demo.yaml" >/dev/null
  local ds
  for ds in node-monitor log-collector; do
    timeout 100 "$BIN_DIR/kubectl" --kubeconfig="$KDS_CLUSTER_DIR/kubeconfig" -n daemonset-demo \
      rollout status "daemonset/$ds" --timeout=90s >&2 || die "daemonset $ds did not roll out"
  done
  "${k[@]}" get nodes -o wide >&2
  "${k[@]}" -n daemonset-demo get daemonsets,pods -o wide >&2
  cat <<EOF

Demo cluster is up. Point kubectl (and the plugin) at it:

  export KUBECONFIG=$KDS_CLUSTER_DIR/kubeconfig
  export PATH=$BIN_DIR:${CARGO_TARGET_DIR:-$REPO/target}/debug:\$PATH   # kubectl $K8S_VERSION + kubectl-ds
  kubectl get ds -n daemonset-demo
  kubectl ds --help

Break things:
  bad rollout:       kubectl -n daemonset-demo set image ds/log-collector collector=busybox:bad
  NotReady node:     kubectl label node minikube-m02 sim.kubectl-ds/ready=false --overwrite
  crash loop:        kubectl -n daemonset-demo patch ds/node-monitor --type=merge \\
                       -p '{"spec":{"template":{"metadata":{"annotations":{"sim.kubectl-ds/behavior":"crash-loop"}}}}}'
Stop it all:         $0 down
EOF
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  demo) cmd_demo ;;
  stop) cmd_stop "${2:-}" ;;
  start) cmd_start "${2:-}" ;;
  restart) cmd_stop "${2:-}" && cmd_start "${2:-}" ;;
  *) die "usage: $0 build|up|down|env|status|demo|stop NAME|start NAME|restart NAME" ;;
esac
