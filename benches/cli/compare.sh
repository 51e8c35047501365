#!/usr/bin/env bash
# ecr-core against the AWS CLI scripts it replaces: same machine, same emulator, same checks.
#
#   benches/cli/compare.sh [RUNS]        (default 5 runs per side)
#
# Starts a private ECR emulator (moto), puts one image under three tags, registers a scan result for it
# (2 HIGH, 1 MEDIUM, 1 LOW: both gates pass), then times
#   - aws_cli_checks.sh: the AWS CLI way teams script today (describe-images per tag, wait image-scan-complete, the usual
#     two describe-image-scan-findings calls with --query), the AWS CLI from PyPI (scripts/requirements-dev.txt);
#   - ecr_core_checks.sh: verify_push + scan_gate, release builds;
# and counts the ECR API calls each makes with moto's request recorder. Prints a markdown table.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/benches/cli
cd "$root"
runs=${1:-5}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
CARGO_BUILD_TARGET=${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}
export CARGO_BUILD_TARGET

scripts/install
echo "building verify_push and scan_gate (release)..." >&2
cargo build -q --release -p ecr-core-examples --bin verify_push --bin scan_gate
bin=$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/release
export AWS_CLI=$root/.venv/bin/aws
"$AWS_CLI" --version >&2

state=$(mktemp -d)
export LOCAL_ECR_DIR=$state/ecr MOTO_RECORDER_FILEPATH=$state/recording.jsonl
cleanup() { scripts/local-ecr stop >/dev/null 2>&1 || true; rm -rf "$state"; }
trap cleanup EXIT
eval "$(scripts/local-ecr start)" 2>/dev/null
moto=${AWS_ENDPOINT_URL%/}

# One image, three tags, and a scan result (the demo's findings without the CRITICAL one).
repo=bench/service host=$LOCAL_ECR_ACCOUNT.dkr.ecr.$AWS_REGION.amazonaws.com
tags=(1.2.3 sha-4f2a9c1 build-118)
digest=$(python3 examples/oci/build_image.py "$state/image")
manifest=$state/image/blobs/sha256/${digest#sha256:}
"$AWS_CLI" ecr create-repository --repository-name "$repo" > /dev/null
for t in "${tags[@]}"; do
  "$AWS_CLI" ecr put-image --repository-name "$repo" --image-tag "$t" --image-digest "$digest" \
    --image-manifest "file://$manifest" --image-manifest-media-type application/vnd.oci.image.manifest.v1+json > /dev/null
done
# A scan on push, as the recommended repository settings have (moto does not scan on push; it records the scan as started).
"$AWS_CLI" ecr start-image-scan --repository-name "$repo" --image-id "imageDigest=$digest" > /dev/null
python3 - "$root/examples/demo/findings.json" "$state/findings.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["findings"] = [x for x in f["findings"] if x["severity"] != "CRITICAL"]
f["findingSeverityCounts"].pop("CRITICAL")
json.dump(f, open(sys.argv[2], "w"))
PY
# moto gives each queued result to the first request with a new image-id shape (by tag, by digest): queue plenty.
python3 examples/demo/register_findings.py "$repo" "$digest" "$state/findings.json" --count 8

recorder() { curl -sf -X POST "$moto/moto-api/recorder/$1" > /dev/null; }
calls() { # the ECR operations recorded since the last reset, "Op×n" sorted
  curl -sf "$moto/moto-api/recorder/download-recording" | python3 -c '
import collections, json, sys
ops = collections.Counter()
for line in sys.stdin:
    if line.strip():
        target = {k.lower(): v for k, v in json.loads(line)["headers"].items()}.get("x-amz-target", "?")
        ops[target.split(".")[-1]] += 1
print(sum(ops.values()), "|", ", ".join(f"{op} {n}" for op, n in sorted(ops.items())))'
}
time_runs() { # prints "min mean" seconds of $runs runs of "$@"
  local times=()
  for _ in $(seq "$runs"); do
    local t0 t1; t0=$(date +%s.%N)
    "$@" > /dev/null
    t1=$(date +%s.%N)
    times+=("$(echo "$t1 - $t0" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | python3 -c 'import sys; v=[float(x) for x in sys.stdin]; print(f"{min(v):.3f} {sum(v)/len(v):.3f}")'
}

cli=("$here/aws_cli_checks.sh" "$repo" "$digest" "${tags[@]}")
core=("$here/ecr_core_checks.sh" "$bin" "$host" "$repo" "$digest" "${tags[@]}")
"${cli[@]}" >&2   # both must pass before anything is timed
"${core[@]}" >&2

recorder reset-recording; recorder start-recording
"${cli[@]}" > /dev/null
cli_calls=$(calls)
recorder reset-recording
"${core[@]}" > /dev/null
core_calls=$(calls)
recorder stop-recording

read -r cli_min cli_mean < <(time_runs "${cli[@]}")
read -r core_min core_mean < <(time_runs "${core[@]}")
ratio=$(echo "$cli_mean / $core_mean" | bc -l)

echo
echo "Checking 3 tags + scan wait + gate, $runs runs each, $(nproc) cores, $(date -u +%Y-%m-%d):"
echo
echo "| | wall time mean (min) | API calls | calls by operation |"
echo "|---|---|---|---|"
echo "| AWS CLI scripts | ${cli_mean} s (${cli_min} s) | ${cli_calls%% |*} | ${cli_calls#*| } |"
echo "| ecr-core (verify_push + scan_gate) | ${core_mean} s (${core_min} s) | ${core_calls%% |*} | ${core_calls#*| } |"
echo
printf 'ecr-core is %.1fx faster (mean wall time).\n' "$ratio"
