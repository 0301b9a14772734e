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
  log "building etcd $ETCD_VERSION → $bin (cold build: a few minutes on 2 cores)"
  (cd "$HERE/etcd" && nice -n 10 go build -mod=readonly -trimpath -ldflags "-s -w" \
      -o "$bin/etcd" go.etcd.io/etcd/server/v3) || die "etcd build failed"
  t1=$(date +%s)
  log "etcd built in $((t1 - t0)) s"
  log "building kube-apiserver kube-controller-manager kube-scheduler kubectl $K8S_VERSION → $bin (cold build: ~20-30 min on 2 cores)"
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

case "${1:-}" in
  build) cmd_build ;;
  *) die "usage: $0 build|up|down|env|status|demo" ;;
esac
