#!/usr/bin/env bash
# The AWS CLI way of checking a push and gating its scan, as teams script it today:
#   aws_cli_checks.sh REPOSITORY DIGEST TAG...
# 1. `aws ecr describe-images` per pushed tag, comparing the digest;
# 2. `aws ecr wait image-scan-complete` on the first tag;
# 3. the usual gate: two `describe-image-scan-findings` calls with --query (CRITICAL > 0 or HIGH > 5 blocks).
# Exit 0 pass, 1 blocked. Uses the standard AWS environment (AWS_ENDPOINT_URL honoured by the CLI).
set -euo pipefail
aws=${AWS_CLI:-aws}
repo=$1 digest=$2; shift 2
for tag in "$@"; do
  got=$("$aws" ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" \
    --query 'imageDetails[0].imageDigest' --output text)
  if [ "$got" != "$digest" ]; then echo "BLOCKED: tag $tag points at $got, not $digest"; exit 1; fi
done
tag=$1
"$aws" ecr wait image-scan-complete --repository-name "$repo" --image-id "imageTag=$tag"
CRITICAL=$("$aws" ecr describe-image-scan-findings --repository-name "$repo" --image-id "imageTag=$tag" \
  --query 'imageScanFindings.findingSeverityCounts.CRITICAL || `0`' --output text)
HIGH=$("$aws" ecr describe-image-scan-findings --repository-name "$repo" --image-id "imageTag=$tag" \
  --query 'imageScanFindings.findingSeverityCounts.HIGH || `0`' --output text)
if [ "$CRITICAL" -gt 0 ]; then echo "BLOCKED: $CRITICAL critical vulnerabilities found"; exit 1; fi
if [ "$HIGH" -gt 5 ]; then echo "BLOCKED: $HIGH high-severity vulnerabilities found (threshold: 5)"; exit 1; fi
echo "Scan passed: $CRITICAL critical, $HIGH high"
