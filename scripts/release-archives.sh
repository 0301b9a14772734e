#!/usr/bin/env bash
# Builds the release archive for one target (default: this machine's) and prints its sha256,
# with the line that fills the matching placeholder in .krew.yaml.
#
#   scripts/release-archives.sh [--target TRIPLE] [--out DIR] [--binary PATH]
#
# --binary packs an already built kubectl-ds (for TRIPLE) instead of running cargo build.
#
# The archive is kubectl-ds_v<version>_<triple>.tar.gz with kubectl-ds, README.md (and LICENSE,
# when there is one) at its root: the names .krew.yaml's platforms expect. .krew.yaml names the
# musl triples for Linux; build them on a host that has the target installed
# (`rustup target add x86_64-unknown-linux-musl`). This script runs no cross build itself
# beyond `cargo build --target`.
set -euo pipefail

cd "$(dirname "$0")/.."

target=""
out="target/release-archives"
bin=""
while [ $# -gt 0 ]; do
    case "$1" in
        --target) target="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --binary) bin="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

host="$(rustc -vV | sed -n 's/^host: //p')"
target="${target:-$host}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
[ -n "$version" ] || { echo "error: no version in Cargo.toml" >&2; exit 1; }

# Release builds outside a git checkout still carry a commit; a fixed date makes the binary
# reproducible (the date of the commit being released).
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git rev-parse --git-dir >/dev/null 2>&1; then
    SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"
    export SOURCE_DATE_EPOCH
fi

if [ -n "$bin" ]; then
    [ -x "$bin" ] || { echo "error: $bin is not an executable" >&2; exit 1; }
elif [ "$target" = "$host" ]; then
    cargo build --release --locked
    bin="target/release/kubectl-ds"
else
    cargo build --release --locked --target "$target"
    bin="target/$target/release/kubectl-ds"
fi

name="kubectl-ds_v${version}_${target}"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$bin" "$stage/kubectl-ds"
cp README.md "$stage/"
[ -f LICENSE ] && cp LICENSE "$stage/"
mkdir -p "$out"
archive="$out/$name.tar.gz"
# Sorted names, fixed owner and mtimes, no gzip timestamp: the same binary gives the same
# archive. Files sit at the archive's root, where .krew.yaml's `files` look for them.
(cd "$stage" && ls) | tar --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@${SOURCE_DATE_EPOCH:-0}" -C "$stage" -cf - -T - | gzip -n > "$archive"
sum="$(sha256sum "$archive" | cut -d' ' -f1)"

echo "$archive"
echo "sha256: $sum"
placeholder="SHA256_$(echo "$target" | tr 'a-z-' 'A-Z_')"
if grep -q "$placeholder" .krew.yaml; then
    echo "fill .krew.yaml: sed -i 's/$placeholder/$sum/' .krew.yaml"
else
    echo "note: .krew.yaml has no platform for $target (it ships the musl triples on Linux)"
fi
