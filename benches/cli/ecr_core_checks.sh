#!/usr/bin/env bash
# The same checks with ecr-core's programs (release builds):
#   ecr_core_checks.sh BIN_DIR REGISTRY_HOST REPOSITORY DIGEST TAG...
# 1. verify_push: every tag → the digest in one BatchGetImage, plus manifest integrity (the image-config checks,
#    which the CLI script does not do, are skipped so both sides check the same things);
# 2. scan_gate: wait for the scan and gate with the same thresholds (failOn CRITICAL 0, HIGH 5), findings read once.
set -euo pipefail
bin=$1 host=$2 repo=$3 digest=$4; shift 4
first=$1; shift
extra=(); for t in "$@"; do extra+=(--tag "$t"); done
"$bin/verify_push" --image "$host/$repo:$first" "${extra[@]}" --digest "$digest" \
  --skip platforms,non-root,labels,no-secrets,healthcheck > /dev/null
policy=$(dirname "$0")/gate-policy.json
"$bin/scan_gate" --policy "$policy" --repository "$repo" --tag "$first" --timeout 60 --poll-interval 1 \
  --format markdown > /dev/null
echo "verify_push and scan_gate passed"
