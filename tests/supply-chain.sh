#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (config: deny.toml):
#   licenses, bans (duplicate crates, wildcards), sources — offline, always enforced;
#   advisories (RustSec) — enforced when the advisory database can be fetched from GitHub; on a
#   machine without GitHub access the fetch error is reported and the check is skipped (it cannot
#   be judged there), anything else it reports fails the run.
# cargo-deny is installed from crates.io (locked) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if ! command -v cargo-deny >/dev/null; then
  echo "supply-chain: installing cargo-deny from crates.io" >&2
  timeout 1800 cargo install --locked cargo-deny
fi
cargo deny --version >&2

cargo deny --offline check licenses bans sources

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if cargo deny check advisories >"$log" 2>&1; then
  cat "$log" >&2
  echo "supply-chain: advisories ok" >&2
elif grep -q "failed to fetch advisory database" "$log"; then
  grep -m1 "failed to fetch advisory database" "$log" >&2
  echo "supply-chain: advisories NOT checked: the RustSec database is unreachable from this machine" >&2
else
  cat "$log" >&2
  exit 1
fi
