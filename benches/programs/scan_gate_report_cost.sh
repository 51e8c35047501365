#!/usr/bin/env bash
# What writing a report costs scan_gate: wall time, peak memory and report size of each format on 10,000
# enhanced findings (100 pages of 100, the criterion scan bench's input: fixtures/scan/enhanced_page.json's
# finding repeated with new ids, severities, fixes and scores), release build, /usr/bin/time -v.
#
#   benches/programs/scan_gate_report_cost.sh [RUNS]      (default 5 runs per format; the best is shown)
#
# Prints a markdown table. Uses CARGO_TARGET_DIR (default target-bench) for the release build.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
runs=${1:-5}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target-bench}
CARGO_BUILD_TARGET=${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}
export CARGO_BUILD_TARGET
cargo build -q --release -p ecr-core-examples --bin scan_gate
bin=$CARGO_TARGET_DIR/$CARGO_BUILD_TARGET/release/scan_gate

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$root/fixtures/scan/enhanced_page.json" "$work/findings.json" <<'PY'
import copy, json, sys
page = json.load(open(sys.argv[1]))
template = page["imageScanFindings"]["enhancedFindings"][0]
severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"]
fixes = ["YES", "NO", "PARTIAL"]
findings = []
for i in range(10_000):
    f = copy.deepcopy(template)
    f["packageVulnerabilityDetails"]["vulnerabilityId"] = f"CVE-2025-{i:05}"
    f["title"] = f"CVE-2025-{i:05} - libxml2"
    f["severity"] = severities[i % len(severities)]
    f["fixAvailable"] = fixes[i % len(fixes)]
    f["score"] = (i % 100) / 10.0
    findings.append(f)
pages = []
for n in range(100):
    p = copy.deepcopy(page)
    p["imageScanFindings"]["enhancedFindings"] = findings[n * 100:(n + 1) * 100]
    p["imageScanFindings"].pop("findingSeverityCounts", None)
    if n < 99:
        p["nextToken"] = f"token-{n}"
    pages.append(p)
json.dump(pages, open(sys.argv[2], "w"), separators=(",", ":"))
PY
python3 - "$work/policy.json" <<'PY'
import json, sys
ignores = [{"id": f"CVE-2025-{i * 7:05}", "expires": "2030-01-01", "reason": "bench"} for i in range(50)]
json.dump({"failOn": {"CRITICAL": 0, "HIGH": 10}, "minScore": 9.0, "failOnExploitAvailable": True,
           "fixableOnly": True, "ignore": ignores}, open(sys.argv[1], "w"))
PY
input_bytes=$(stat -c %s "$work/findings.json")

measure() { # prints "wall_seconds cpu_seconds peak_kb report_bytes" of the fastest of $runs runs
  local best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/time.txt" "$bin" --findings "$work/findings.json" --policy "$work/policy.json" \
      --now 2026-06-01T00:00:00Z "$@" > "$work/report" || [ $? -eq 1 ]
    local wall cpu kb
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{print $(NF-1)*60 + $NF}')
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time.txt")
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a < b)}'; then
      best="$wall $cpu $kb $(stat -c %s "$work/report")"
    fi
  done
  echo "$best"
}

printf 'scan_gate on %.1f MB of findings (10,000 enhanced, 100 pages), best of %s runs, %s cores, %s:\n' \
  "$(echo "$input_bytes / 1000000" | bc -l)" "$runs" "$(nproc)" "$(date -u +%Y-%m-%d)"
echo
echo "| format | wall time | CPU (user + sys) | peak memory (max RSS) | report size |"
echo "|---|---:|---:|---:|---:|"
for variant in "markdown:--format markdown" "json:--format json" "json --full:--format json --full" "sarif:--format sarif"; do
  name=${variant%%:*}
  read -r -a flags <<< "${variant#*:}"
  read -r wall cpu kb bytes < <(measure "${flags[@]}")
  printf '| `%s` | %.2f s | %.2f s | %.1f MB | %.1f MB |\n' "$name" "$wall" "$cpu" "$(echo "$kb / 1000" | bc -l)" \
    "$(echo "$bytes / 1000000" | bc -l)"
done
printf '\nInput: %.1f MB; load average while measuring: %s.\n' "$(echo "$input_bytes / 1000000" | bc -l)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
