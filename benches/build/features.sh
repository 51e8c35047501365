#!/usr/bin/env bash
# The build time of ecr-core's cargo features: a clean debug build of the crate with no default features in a
# fresh target dir, then each feature on top of that (the increment is what the feature adds to a user's clean
# build), then the defaults. Prints a Markdown table: step, wall seconds, crates compiled.
#
#   benches/build/features.sh [TARGET_DIR]    (default: a temporary dir, removed afterwards)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/ecr-core-features.XXXXXX")}
[ $# -ge 1 ] || trap 'rm -rf "$dir"' EXIT
cd "$root"
step() { # label, cargo args...
  local label=$1; shift
  local t0 log; t0=$(date +%s); log=$(mktemp)
  CARGO_TARGET_DIR=$dir cargo build --locked -p ecr-core "$@" 2>"$log"
  printf '| %s | %d s | %s |\n' "$label" "$(( $(date +%s) - t0 ))" "$(grep -c '^ *Compiling ' "$log")"
  rm -f "$log"
}
echo "| step | wall | crates compiled |"
echo "|---|---|---|"
step "no default features (clean)" --no-default-features
step "then + ecr-public" --no-default-features --features ecr-public
step "then + inventory (without ecr-public)" --no-default-features --features inventory
step "then the defaults (both)"
