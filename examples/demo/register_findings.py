#!/usr/bin/env python3
"""Registers a DescribeImageScanFindings result for one image in moto's ECR emulator (the emulator has no
scanner): POST {AWS_ENDPOINT_URL}/moto-api/static/ecr/scan-finding-results.

    register_findings.py REPOSITORY DIGEST FINDINGS.json [--count N]

FINDINGS.json holds the `imageScanFindings` object. Moto hands each queued result to the first request
for that image with a new imageId shape (by digest, by tag, ...), so --count queues that many copies.
Only for the emulator: real ECR scans the image itself.
"""
import argparse
import json
import os
import urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("repository")
ap.add_argument("digest")
ap.add_argument("findings")
ap.add_argument("--count", type=int, default=1)
args = ap.parse_args()

with open(args.findings) as f:
    findings = json.load(f)
result = {
    "registryId": os.environ.get("LOCAL_ECR_ACCOUNT", "123456789012"),
    "repositoryName": args.repository,
    "imageId": {"imageDigest": args.digest},
    "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
    "imageScanFindings": findings,
}
body = json.dumps({"results": [result] * args.count, "region": os.environ["AWS_REGION"]}).encode()
url = os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/moto-api/static/ecr/scan-finding-results"
req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
with urllib.request.urlopen(req) as resp:
    if resp.status != 201:
        raise SystemExit(f"moto answered {resp.status}")
