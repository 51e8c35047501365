"""Scan gating from Python: the shared fixtures (fixtures/scan/) replayed, outputs equal to the scan_gate
program's (JSON, SARIF, Markdown), policy errors, and the live gate against the emulator (sync + asyncio)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import subprocess
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique
from ecr_core.types import ScanProgress
from shapes import assert_shape

SCAN = FIXTURES / "scan"
CASES: list[dict[str, Any]] = json.loads((SCAN / "gate_cases.json").read_text())
STATUSES: list[dict[str, Any]] = json.loads((SCAN / "statuses.json").read_text())
INVALID: list[dict[str, Any]] = json.loads((SCAN / "policies_invalid.json").read_text())
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def program(name: str) -> Path:
    """A built example program (scripts/test-python exports ECR_CORE_BIN_DIR)."""
    bin_dir = os.environ.get("ECR_CORE_BIN_DIR")
    assert bin_dir, "ECR_CORE_BIN_DIR must name the directory of the built example programs"
    path = Path(bin_dir) / name
    assert path.is_file(), f"{path} is not built (cargo build -p ecr-core-examples --bin {name})"
    return path


def scan_gate(tmp_path: Path, case: dict[str, Any], fmt: str) -> str:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(case["policy"]))
    out = subprocess.run(
        [str(program("scan_gate")), "--findings", str(SCAN / case["findings"]), "--policy", str(policy),
         "--now", case["now"], "--format", fmt, "--full"],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    assert out.returncode == (0 if case["expect"]["passed"] else 1)
    return out.stdout


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_gate_cases_match_the_fixture_expectations(case: dict[str, Any]) -> None:
    text = (SCAN / case["findings"]).read_text()
    decision = ecr_core.scan.evaluate_findings(text, case["policy"], now=case["now"])
    expect = case["expect"]
    assert decision.passed is expect["passed"]
    assert bool(decision) is expect["passed"]
    doc = decision.to_dict()
    assert_shape(doc, "ScanGateReport")
    assert doc["passed"] is expect["passed"]
    assert len(doc["reasons"]) == len(expect["reasons"])
    for got, want in zip(doc["reasons"], expect["reasons"]):
        for key, value in want.items():
            assert got[key] == value, (key, got)
    assert doc["counted"] == expect["counted"]
    assert doc["notCounted"] == expect["notCounted"]
    assert doc["staleIgnores"] == expect["staleIgnores"]
    assert doc["expiredIgnores"] == expect["expiredIgnores"]
    assert sorted(w["code"] for w in doc["warnings"]) == sorted(expect["warnings"])
    if "ignoreStates" in expect:
        assert [i["state"] for i in doc["ignores"]] == expect["ignoreStates"]
    assert decision.reasons == doc["reasons"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_outputs_equal_the_scan_gate_program(case: dict[str, Any], tmp_path: Path) -> None:
    policy = ecr_core.scan.ScanPolicy.from_dict(case["policy"])
    decision = ecr_core.scan.evaluate_findings(json.loads((SCAN / case["findings"]).read_text()), policy, now=case["now"])
    assert decision.to_dict() == json.loads(scan_gate(tmp_path, case, "json"))
    assert decision.to_sarif() == json.loads(scan_gate(tmp_path, case, "sarif"))
    assert decision.to_markdown() + "\n" == scan_gate(tmp_path, case, "markdown")


def test_pages_may_be_text_a_dict_or_a_list_of_pages() -> None:
    pages_text = (SCAN / "enhanced_pages_cli.json").read_text()
    one = ecr_core.scan.parse_findings((SCAN / "enhanced_page.json").read_text())
    from_text = ecr_core.scan.parse_findings(pages_text)
    from_list = ecr_core.scan.parse_findings(json.loads(pages_text))
    assert from_text == from_list
    assert from_text["pages"] > 1 and one["pages"] == 1
    assert [f["id"] for f in from_text["findings"]] == [f["id"] for f in one["findings"]]


def test_pages_with_datetimes_as_boto3_returns_them_equal_the_iso_text() -> None:
    page = json.loads((SCAN / "enhanced_page.json").read_text())
    with_datetimes = json.loads(json.dumps(page))
    findings = with_datetimes["imageScanFindings"]
    # boto3 gives aware datetimes (tzlocal); an offset other than UTC must keep the instant.
    findings["imageScanCompletedAt"] = datetime.fromtimestamp(1748368447.5, timezone(timedelta(hours=2)))
    findings["enhancedFindings"][0]["firstObservedAt"] = datetime.fromtimestamp(1748368447.765, timezone.utc)
    got = ecr_core.scan.parse_findings(with_datetimes)
    want = ecr_core.scan.parse_findings(page)
    assert got["completedAt"] == "2025-05-27T17:54:07.500Z"
    assert got["findings"][0]["firstObservedAt"] == want["findings"][0]["firstObservedAt"]
    findings["imageScanCompletedAt"] = datetime(2025, 5, 27)
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"imageScanCompletedAt.*naive"):
        ecr_core.scan.parse_findings(with_datetimes)


def test_now_accepts_an_aware_datetime_and_refuses_a_naive_one() -> None:
    case = CASES[2]
    text = (SCAN / case["findings"]).read_text()
    aware = ecr_core.scan.evaluate_findings(text, case["policy"], now=datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert aware.to_dict() == ecr_core.scan.evaluate_findings(text, case["policy"], now=case["now"]).to_dict()
    with pytest.raises(ecr_core.InvalidArgumentError, match="naive"):
        ecr_core.scan.evaluate_findings(text, case["policy"], now=datetime(2026, 6, 1))


def test_location_overrides_scope_ignore_rules() -> None:
    page = json.loads((SCAN / "enhanced_page.json").read_text())
    policy = {"failOn": {"CRITICAL": 0}, "ignore": [{"id": "CVE-2024-0001", "repository": "team/other"}]}
    assert not ecr_core.scan.evaluate_findings(page, policy, now="2026-06-01T00:00:00Z").passed
    scoped = ecr_core.scan.evaluate_findings(page, policy, now="2026-06-01T00:00:00Z", repository="team/other")
    assert [i["state"] for i in scoped.to_dict()["ignores"]] == ["active"]


@pytest.mark.parametrize("case", STATUSES, ids=[c["status"] for c in STATUSES])
def test_statuses_fail_closed(case: dict[str, Any]) -> None:
    decision = ecr_core.scan.evaluate_findings(case["response"], {}, now="2026-06-01T00:00:00Z")
    assert decision.passed is case["gate"]["passed"]
    if case["gate"].get("reason"):
        assert decision.reasons[0]["code"] == case["gate"]["reason"]


def test_json_and_toml_policies_are_the_same() -> None:
    j = ecr_core.scan.ScanPolicy.from_json((SCAN / "policy.json").read_text())
    t = ecr_core.scan.ScanPolicy.from_toml((SCAN / "policy.toml").read_text())
    assert j == t
    assert ecr_core.scan.ScanPolicy.load(SCAN / "policy.toml") == j
    assert j.to_dict()["failOn"] == {"CRITICAL": 0, "HIGH": 5}
    with pytest.raises(ecr_core.IoError):
        ecr_core.scan.ScanPolicy.load(SCAN / "missing.json")


@pytest.mark.parametrize("case", INVALID, ids=[c["name"] for c in INVALID])
def test_invalid_policies_name_the_path(case: dict[str, Any]) -> None:
    with pytest.raises(ecr_core.PolicyValidationError) as err:
        ecr_core.scan.ScanPolicy.from_dict(case["policy"])
    assert err.value.code == "PolicyValidation"
    assert case["path"] in [e["path"] for e in err.value.errors]
    with pytest.raises(ecr_core.PolicyValidationError):
        ecr_core.scan.evaluate_findings((SCAN / "basic_page.json").read_text(), json.dumps(case["policy"]))


def test_bad_findings_are_typed_errors() -> None:
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.scan.evaluate_findings("[]", {})
    with pytest.raises(ecr_core.EcrError):
        ecr_core.scan.evaluate_findings({"imageScanFindings": {"findings": "nope"}}, {})
    with pytest.raises(ecr_core.InvalidArgumentError, match="pages"):
        ecr_core.scan.evaluate_findings([object()], {})  # type: ignore[list-item]


# ------------------------------------------------------------------ live gate against the emulator
# Moto gaps (as in ecr-core/tests/scan_emulator.rs): findings are queued through
# POST {endpoint}/moto-api/static/ecr/scan-finding-results, and a queued result sticks to the first request
# that takes it, so to see IN_PROGRESS -> COMPLETE the progress callback deletes and re-pushes the image
# (raw ECR JSON-protocol calls; moto does not check signatures) and queues the COMPLETE result.


def _post(endpoint: str, path: str, body: dict[str, Any], target: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if target:
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AmazonEC2ContainerRegistry_V20150921.{target}",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecr/aws4_request, "
            "SignedHeaders=host, Signature=0",
        }
    req = urllib.request.Request(endpoint.rstrip("/") + path, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


def queue(emulator: dict[str, str], results: list[dict[str, Any]]) -> None:
    _post(emulator["AWS_ENDPOINT_URL"], "/moto-api/static/ecr/scan-finding-results",
          {"results": results, "region": emulator["AWS_REGION"]})


def response(repo: str, digest: str, status: str, findings: dict[str, Any]) -> dict[str, Any]:
    return {"registryId": "123456789012", "repositoryName": repo, "imageId": {"imageDigest": digest},
            "imageScanStatus": {"status": status, "description": f"{status} (emulated)"},
            "imageScanFindings": findings}


def fixture_findings(name: str) -> dict[str, Any]:
    findings: dict[str, Any] = json.loads((SCAN / name).read_text())["imageScanFindings"]
    return findings


def manifest(seed: str) -> tuple[str, str]:
    config = "sha256:" + hashlib.sha256(seed.encode()).hexdigest()
    text = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                                  "digest": config}, "layers": []}, separators=(",", ":"))
    return text, "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


def repo_with_image(client: ecr_core.EcrClient, prefix: str) -> tuple[str, str, str]:
    repo = unique(prefix)
    client.create_repository(repo, {"tagMutability": "MUTABLE"})
    text, digest = manifest(repo)
    client.put_image(repo, text, media_type=MANIFEST_TYPE, tag="v1", digest=digest)
    return repo, digest, text


QUICK: dict[str, Any] = {"timeout": 20.0, "poll_interval": 0.1, "max_poll_interval": 0.4}


def switch_to_complete(emulator: dict[str, str], repo: str, digest: str, text: str) -> Callable[[ScanProgress], None]:
    """A progress callback that, on the first IN_PROGRESS, makes the next poll read a COMPLETE scan."""
    seen: list[str] = []
    endpoint = emulator["AWS_ENDPOINT_URL"]

    def on_progress(p: ScanProgress) -> None:
        seen.append(p["status"])
        if p["status"] == "IN_PROGRESS" and seen.count("IN_PROGRESS") == 1:
            _post(endpoint, "/", {"repositoryName": repo, "imageIds": [{"imageDigest": digest}]}, "BatchDeleteImage")
            queue(emulator, [response(repo, digest, "COMPLETE", fixture_findings("basic_page.json"))])
            _post(endpoint, "/", {"repositoryName": repo, "imageManifest": text, "imageTag": "v1",
                                  "imageManifestMediaType": MANIFEST_TYPE, "imageDigest": digest}, "PutImage")
            _post(endpoint, "/", {"repositoryName": repo, "imageId": {"imageDigest": digest}}, "StartImageScan")

    on_progress.seen = seen  # type: ignore[attr-defined]
    return on_progress


def test_in_progress_then_complete_with_a_progress_callback(client: ecr_core.EcrClient,
                                                             emulator: dict[str, str]) -> None:
    repo, digest, text = repo_with_image(client, "py-scan-progress")
    client.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "IN_PROGRESS", {})])
    callback = switch_to_complete(emulator, repo, digest, text)
    decision = client.gate_image(repo, "v1", {"failOn": {"CRITICAL": 0}}, on_progress=callback, **QUICK)
    assert callback.seen == ["IN_PROGRESS", "COMPLETE"]  # type: ignore[attr-defined]
    assert not decision.passed
    doc = decision.to_dict()
    assert doc["images"][0]["digest"] == digest
    assert doc["images"][0]["status"] == "COMPLETE"
    assert doc["reasons"][0]["findingIds"] == ["CVE-2023-45871"]
    assert len(doc["findings"]) == 2
    findings = client.describe_scan_findings(repo, {"imageDigest": digest})
    assert findings["status"] == "COMPLETE" and len(findings["findings"]) == 2


def test_failed_scan_fails_the_gate_and_registry_helpers(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    repo, digest, _ = repo_with_image(client, "py-scan-failed")
    client.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "FAILED", {})])
    decision = client.gate_image(repo, "v1", {}, **QUICK)
    assert not decision.passed
    assert decision.reasons[0]["code"] == "scanError"
    assert "FAILED" in decision.reasons[0]["message"]
    assert client.gate_image(repo, "v1", {"onScanError": "warn"}, **QUICK).passed
    resolved = client.resolve_image(repo, "v1")
    assert (resolved["repository"], resolved["digest"], resolved.get("mediaType"), resolved["children"]) == (
        repo, digest, MANIFEST_TYPE, [])
    assert client.registry_scan_type() in (None, "BASIC", "ENHANCED")
    outcome = client.wait_for_scan(repo, digest, scan_type="basic", **QUICK)
    assert_shape(outcome, "ScanWaitOutcome")
    assert outcome["scan"]["status"] == "FAILED" and outcome["polls"] >= 1 and outcome["startedScan"] is False


def test_a_real_finding_set_passes_with_an_ignore(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    repo, digest, _ = repo_with_image(client, "py-scan-active")
    client.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "ACTIVE", fixture_findings("enhanced_page.json"))])
    polls: list[int] = []
    policy = ecr_core.scan.ScanPolicy.from_dict(
        {"failOn": {"CRITICAL": 0}, "ignore": [{"id": "CVE-2024-0001", "reason": "accepted"}]})
    decision = client.gate_image(repo, digest, policy, scan_type="enhanced",
                                 on_progress=lambda p: polls.append(p["polls"]), **QUICK)
    assert polls == [1, 2], "enhanced: done after two identical polls"
    assert decision.passed, decision.reasons
    doc = decision.to_dict()
    assert doc["images"][0]["scanType"] == "ENHANCED"
    assert len(doc["findings"]) == 6


def test_callback_exception_aborts_the_wait_and_is_reraised(client: ecr_core.EcrClient,
                                                            emulator: dict[str, str]) -> None:
    repo, digest, _ = repo_with_image(client, "py-scan-raise")
    client.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "IN_PROGRESS", {})])

    class Stop(Exception):
        pass

    calls: list[str] = []

    def on_progress(p: ScanProgress) -> None:
        calls.append(p["status"])
        raise Stop("enough")

    with pytest.raises(Stop, match="enough"):
        client.gate_image(repo, "v1", {}, on_progress=on_progress, **QUICK)
    assert calls == ["IN_PROGRESS"]


def test_timeout_raises_scan_timeout_error(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    repo, digest, _ = repo_with_image(client, "py-scan-timeout")
    client.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "IN_PROGRESS", {})])
    with pytest.raises(ecr_core.ScanTimeoutError) as err:
        client.gate_image(repo, "v1", {}, timeout=0.5, poll_interval=0.1, max_poll_interval=0.1)
    assert err.value.code == "ScanTimeout"


def test_bad_arguments_are_refused_before_any_call(client: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match="scan_type"):
        client.gate_image("r", "v1", {}, scan_type="deep")
    with pytest.raises(ecr_core.InvalidArgumentError, match="timeout"):
        client.gate_image("r", "v1", {}, timeout=-1.0)
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.gate_image(unique("py-scan-missing"), "v1", {}, scan_type="basic", **QUICK)


def test_async_gate_and_helpers(emulator: dict[str, str]) -> None:
    sync = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    repo, digest, text = repo_with_image(sync, "py-scan-async")
    sync.start_image_scan(repo, digest)
    queue(emulator, [response(repo, digest, "IN_PROGRESS", {})])
    callback = switch_to_complete(emulator, repo, digest, text)

    async def main() -> None:
        client = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
        decision = await client.gate_image(repo, "v1", {"failOn": {"CRITICAL": 0}}, on_progress=callback, **QUICK)
        assert callback.seen == ["IN_PROGRESS", "COMPLETE"]  # type: ignore[attr-defined]
        assert not decision.passed
        assert decision.to_dict()["reasons"][0]["findingIds"] == ["CVE-2023-45871"]
        findings = await client.describe_scan_findings(repo, digest)
        assert len(findings["findings"]) == 2
        resolved = await client.resolve_image(repo, "v1")
        assert resolved["digest"] == digest
        outcome = await client.wait_for_scan(repo, digest, scan_type="basic", **QUICK)
        assert outcome["scan"]["status"] == "COMPLETE"
        assert await client.registry_scan_type() in (None, "BASIC", "ENHANCED")
        with pytest.raises(ecr_core.LimitExceededError):
            await client.start_image_scan(repo, digest)

        repo2, digest2, _ = repo_with_image(sync, "py-scan-async-fail")
        await client.start_image_scan(repo2, digest2)
        queue(emulator, [response(repo2, digest2, "FAILED", {})])

        def boom(p: ScanProgress) -> None:
            raise KeyError(p["status"])

        with pytest.raises(KeyError, match="FAILED"):
            await client.gate_image(repo2, "v1", {}, on_progress=boom, **QUICK)
        repo3, digest3, _ = repo_with_image(sync, "py-scan-async-timeout")
        await client.start_image_scan(repo3, digest3)
        queue(emulator, [response(repo3, digest3, "IN_PROGRESS", {})])
        with pytest.raises(ecr_core.ScanTimeoutError):
            await client.gate_image(repo3, "v1", {}, timeout=0.5, poll_interval=0.1, max_poll_interval=0.1)

    asyncio.run(main())
