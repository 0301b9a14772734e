#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (config: deny.toml):
#   licenses, bans (duplicate crates, wildcards), sources — offline, always enforced;
#   advisories (RustSec) — enforced when the advisory database can be fetched from GitHub; on a
#   machine without GitHub access the fetch error is reported and the check is skipped (it cannot
#   be judged there), anything else it reports fails the run.
# cargo-deny is installed from crates.io (locked) when it is missing.
#
# `--offline` needs every crate of the lock file in the cargo cache, for every platform the
# graph names (windows-sys and friends too), while a Linux build downloads only its own: so the
# whole lock file is fetched first (`cargo fetch` without --target). Checked under an empty
# CARGO_HOME.
set -euo pipefail
cd "$(dirname "$0")/.."
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$HOME/.cargo/bin:$PATH"

if ! cargo deny --version >/dev/null 2>&1; then
  echo "supply-chain: installing cargo-deny from crates.io into $CARGO_BIN" >&2
  timeout 1800 cargo install --locked cargo-deny
fi
cargo deny --version >&2

timeout 900 cargo fetch --locked
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
