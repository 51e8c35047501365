"""Lifecycle policies from Python: the shared fixtures (fixtures/lifecycle/) replayed, previews equal to the
lifecycle_preview program's JSON, and the repository operations against the emulator (sync + asyncio)."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique
from shapes import assert_shape

LIFECYCLE = FIXTURES / "lifecycle"
VALIDATION: list[dict[str, Any]] = json.loads((LIFECYCLE / "validation.json").read_text())["cases"]
EVALUATION: list[dict[str, Any]] = json.loads((LIFECYCLE / "evaluation.json").read_text())["cases"]
EXTRAS = ["reclaimedBytes", "protectedImages", "blockedImages", "collateralTags", "followingSubject", "warnings"]


def policy_text(case: dict[str, Any]) -> str:
    """The policy text exactly as the Rust suite builds it (compact JSON)."""
    if "policyText" in case:
        text: str = case["policyText"]
        return text
    return json.dumps(case["policy"], separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("case", VALIDATION, ids=[c["name"] for c in VALIDATION])
def test_validation_cases(case: dict[str, Any]) -> None:
    text = policy_text(case)
    doc = ecr_core.lifecycle.LifecyclePolicy.validate(text)
    assert_shape(doc, "LifecycleValidation")
    unused = list(doc["errors"])
    for want in case["expect"]["errors"]:
        hit = next((e for e in unused if e["path"] == want["path"] and want["messageContains"] in e["message"]), None)
        assert hit is not None, (want, doc["errors"])
        unused.remove(hit)
    assert unused == []
    if doc["errors"]:
        with pytest.raises(ecr_core.PolicyValidationError) as err:
            ecr_core.lifecycle.LifecyclePolicy.from_json(text)
        assert err.value.code == "PolicyValidation"
        assert err.value.errors == doc["errors"]
    else:
        policy = ecr_core.lifecycle.LifecyclePolicy.from_json(text)
        assert policy.warnings == doc["warnings"]
        if "policy" in case:
            assert policy.to_dict() == case["policy"]
            assert ecr_core.lifecycle.LifecyclePolicy.from_dict(case["policy"]) == policy
            assert json.loads(policy.to_json()) == case["policy"]
    if "warnings" in case["expect"]:
        got = sorted((w["kind"], w["path"]) for w in doc["warnings"])
        assert got == sorted((w["kind"], w["path"]) for w in case["expect"]["warnings"])


def evaluate(case: dict[str, Any], images: Any) -> dict[str, Any]:
    policy = ecr_core.lifecycle.LifecyclePolicy.from_json(policy_text(case))
    preview = policy.evaluate(images, now=case["now"], protected=case.get("protected", []),
                              manifest_lists=case.get("manifestLists"))
    doc = preview.to_dict()
    assert_shape(doc, "LifecyclePreview")
    assert json.dumps(doc) == json.dumps(json.loads(preview.to_json()))
    assert preview.expiring_digests == [r["imageDigest"] for r in doc["previewResults"]
                                        if r["action"]["type"] == "EXPIRE"]
    return doc


@pytest.mark.parametrize("case", EVALUATION, ids=[c["name"] for c in EVALUATION])
def test_evaluation_cases_in_every_image_form(case: dict[str, Any]) -> None:
    as_list = evaluate(case, case["images"])
    for key, want in case["expect"].items():
        assert as_list[key] == want, key
    for key in EXTRAS:
        assert key in as_list
    text = json.dumps(case["images"])
    assert evaluate(case, text) == as_list
    assert evaluate(case, json.dumps({"imageDetails": case["images"]})) == as_list
    assert evaluate(case, ecr_core.lifecycle.LifecycleImages.from_json(text)) == as_list
    parsed = ecr_core.lifecycle.LifecycleImages.from_list(case["images"])
    assert len(parsed) == len(case["images"])
    assert evaluate(case, parsed) == as_list


def program(name: str) -> Path:
    bin_dir = os.environ.get("ECR_CORE_BIN_DIR")
    assert bin_dir, "ECR_CORE_BIN_DIR must name the directory of the built example programs"
    path = Path(bin_dir) / name
    assert path.is_file(), f"{path} is not built"
    return path


@pytest.mark.parametrize("case", EVALUATION, ids=[c["name"] for c in EVALUATION])
def test_preview_equals_the_lifecycle_preview_program(case: dict[str, Any], tmp_path: Path) -> None:
    if "manifestLists" in case:
        pytest.skip("the program reads manifest lists only from a repository (covered by the emulator test)")
    (tmp_path / "policy.json").write_text(policy_text(case))
    (tmp_path / "images.json").write_text(json.dumps(case["images"]))
    args = [str(program("lifecycle_preview")), "--policy", str(tmp_path / "policy.json"),
            "--images", str(tmp_path / "images.json"), "--now", case["now"]]
    for digest in case.get("protected", []):
        args += ["--protect", digest]
    out = subprocess.run(args, capture_output=True, text=True, check=True)
    assert evaluate(case, case["images"]) == json.loads(out.stdout)


def test_validate_document_equals_the_program(tmp_path: Path) -> None:
    for case in VALIDATION[:30]:
        (tmp_path / "p.json").write_text(policy_text(case))
        out = subprocess.run([str(program("lifecycle_preview")), "--policy", str(tmp_path / "p.json"),
                              "--validate-only"], capture_output=True, text=True, check=False)
        assert out.returncode in (0, 2), out.stderr
        assert ecr_core.lifecycle.LifecyclePolicy.validate(policy_text(case)) == json.loads(out.stdout), case["name"]


def archiving_policy(prefix: str, keep: int) -> ecr_core.lifecycle.LifecyclePolicy:
    """Expires tagged `prefix` images beyond the newest `keep`, archives images older than 200 days and expires
    archived ones 200 days later."""
    return ecr_core.lifecycle.LifecyclePolicy.from_json(json.dumps({"rules": [
        {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": [prefix],
                                          "countType": "imageCountMoreThan", "countNumber": keep},
         "action": {"type": "expire"}},
        {"rulePriority": 2, "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days",
                                          "countNumber": 200},
         "action": {"type": "transition", "targetStorageClass": "archive"}},
        {"rulePriority": 3, "selection": {"tagStatus": "any", "storageClass": "archive",
                                          "countType": "sinceImageTransitioned", "countUnit": "days",
                                          "countNumber": 200},
         "action": {"type": "expire"}}]}))


def test_to_dict_is_the_json_document_non_ascii_tags_unknown_push_times_archive() -> None:
    policy = archiving_policy("café", 1)
    images: list[dict[str, Any]] = [
        {"imageDigest": "sha256:a1", "imageTags": ["café-1", "ü-😀"]},
        {"imageDigest": "sha256:b2", "imageTags": ["café-2"]},
        {"imageDigest": "sha256:c3", "imageTags": ["x"], "imagePushedAt": "2020-01-01T00:00:00.123Z"},
        {"imageDigest": "sha256:d4", "imageTags": ["é"], "imagePushedAt": 1500000000.5, "imageStatus": "ARCHIVED",
         "lastArchivedAt": "2021-01-01T00:00:00Z"},
    ]
    preview = policy.evaluate(images, now="2026-06-01T00:00:00Z")
    got = preview.to_dict()
    # Equal to the JSON text's document, key order included (json.dumps keeps dict order).
    assert json.dumps(got) == json.dumps(json.loads(preview.to_json()))
    assert [[r["imageDigest"], r["imageTags"], r["imagePushedAt"], r["action"], r["storageClass"]]
            for r in got["previewResults"]] == [
        ["sha256:a1", ["café-1", "ü-😀"], None, {"type": "EXPIRE"}, "STANDARD"],
        ["sha256:c3", ["x"], "2020-01-01T00:00:00.123Z", {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"},
         "STANDARD"],
        ["sha256:d4", ["é"], "2017-07-14T02:40:00.500Z", {"type": "EXPIRE"}, "ARCHIVE"],
    ]
    assert [c["collateralTags"] for c in got["collateralTags"]] == [["ü-😀"]]
    # Results are independent dicts: changing one action changes no other.
    got["previewResults"][0]["action"]["type"] = "CHANGED"
    del got["previewResults"][0]["storageClass"]
    assert got["previewResults"][2]["action"] == {"type": "EXPIRE"}
    assert [r.get("storageClass") for r in got["previewResults"]] == [None, "STANDARD", "ARCHIVE"]
    # The collector, paused while the dicts are built, is left as it was found.
    fresh = preview.to_dict()
    assert gc.isenabled()
    gc.disable()
    try:
        assert preview.to_dict() == fresh
        assert not gc.isenabled()
    finally:
        gc.enable()
    # A preview read back from its dict gives the same dict (from_dict keeps no lint warnings).
    again = ecr_core.lifecycle.LifecyclePreview.from_dict(fresh).to_dict()
    assert json.dumps({**again, "warnings": []}) == json.dumps({**fresh, "warnings": []})


def test_to_dict_of_many_results_is_the_json_document() -> None:
    # Over 4096 results: the document text is written on two threads.
    policy = archiving_policy("rc", 100)
    images: list[dict[str, Any]] = []
    for i in range(12_000):
        image: dict[str, Any] = {
            "imageDigest": f"sha256:{i:064x}",
            "imageTags": [] if i % 7 == 0 else [f"rc-{i}", f"ü-{i}😀"] if i % 3 == 0 else [f"rc-{i}"],
            "imageSizeInBytes": 1000 + i,
        }
        if i % 11:
            image["imagePushedAt"] = 1_600_000_000 + i * 60 + (i % 5) / 4
        if i % 13 == 0:
            image.update(imageStatus="ARCHIVED", lastArchivedAt="2025-01-01T00:00:00Z")
        images.append(image)
    preview = policy.evaluate(ecr_core.lifecycle.LifecycleImages.from_list(images), now="2026-06-01T00:00:00Z")
    got = preview.to_dict()
    results = got["previewResults"]
    assert len(results) > 8000
    assert json.dumps(got) == json.dumps(json.loads(preview.to_json()))
    assert any(r["imagePushedAt"] is None and r["storageClass"] == "ARCHIVE" for r in results)
    assert any(len(r["imageTags"]) == 2 and r["imageTags"][1].endswith("😀") for r in results)
    assert any(r["action"] == {"type": "TRANSITION", "targetStorageClass": "ARCHIVE"} for r in results)
    assert_shape(got, "LifecyclePreview")


def test_images_with_datetimes_as_boto3_returns_them_equal_the_iso_text() -> None:
    case = next(c for c in EVALUATION if any("imagePushedAt" in i for i in c["images"]))
    as_text = evaluate(case, case["images"])
    with_datetimes = []
    for image in case["images"]:
        image = dict(image)
        for key in ("imagePushedAt", "lastRecordedPullTime", "lastArchivedAt", "lastActivatedAt"):
            if isinstance(image.get(key), str):
                image[key] = datetime.fromisoformat(image[key].replace("Z", "+00:00")).astimezone(
                    timezone(timedelta(hours=-5)))
        with_datetimes.append(image)
    assert any(isinstance(i.get("imagePushedAt"), datetime) for i in with_datetimes)
    assert evaluate(case, with_datetimes) == as_text
    with_datetimes[0] = dict(with_datetimes[0], imagePushedAt=datetime(2025, 1, 1))
    policy = ecr_core.lifecycle.LifecyclePolicy.from_json(policy_text(case))
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"images\[0\]\.imagePushedAt.*naive"):
        policy.evaluate(with_datetimes, now=case["now"])


def test_bad_images_and_now_are_typed_errors() -> None:
    policy = ecr_core.lifecycle.LifecyclePolicy.from_json(policy_text(EVALUATION[0]))
    with pytest.raises(ecr_core.InvalidArgumentError, match="images"):
        policy.evaluate("not json")
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"images\[1\]"):
        policy.evaluate([{"imageDigest": "sha256:a"}, {"imageDigest": 5}])
    with pytest.raises(ecr_core.InvalidArgumentError, match="now"):
        policy.evaluate([], now="yesterday")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.lifecycle.LifecyclePreview.from_dict({"previewResults": 3})


# ------------------------------------------------------------------ against the emulator
# Moto gaps: no lifecycle preview (StartLifecyclePolicyPreview), so `compare_with_ecr` / `ecr_lifecycle_preview`
# are only checked to raise a typed error here (the comparison itself is covered by the core's mocked tests).

KEEP_ONE = {"rules": [{"rulePriority": 1, "description": "keep only the newest image",
                       "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
                       "action": {"type": "expire"}}]}
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


def push(client: ecr_core.EcrClient, repo: str, n: int) -> list[str]:
    digests = []
    for i in range(n):
        text = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                                      "digest": "sha256:" + hashlib.sha256(f"{repo}{i}".encode()).hexdigest()},
                           "layers": []}, separators=(",", ":"))
        digest = "sha256:" + hashlib.sha256(text.encode()).hexdigest()
        client.put_image(repo, text, media_type=MANIFEST_TYPE, tag=f"v{i}", digest=digest)
        digests.append(digest)
    return digests


@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


def test_put_preview_and_expire(client: ecr_core.EcrClient) -> None:
    repo = unique("py-lifecycle")
    client.create_repository(repo)
    digests = push(client, repo, 3)
    with pytest.raises(ecr_core.LifecyclePolicyNotFoundError):
        client.get_lifecycle_policy(repo)
    with pytest.raises(ecr_core.PolicyValidationError) as err:
        client.put_lifecycle_policy(repo, {"rules": []})
    assert err.value.errors
    with pytest.raises(ecr_core.LifecyclePolicyNotFoundError):
        client.get_lifecycle_policy(repo)  # the invalid policy was never sent
    assert client.put_lifecycle_policy(repo, ecr_core.lifecycle.LifecyclePolicy.from_dict(KEEP_ONE)) == []
    assert client.get_lifecycle_policy(repo) == ecr_core.lifecycle.LifecyclePolicy.from_dict(KEEP_ONE)

    images = client.describe_images_all_statuses(repo)
    assert sorted(i["imageDigest"] for i in images) == sorted(digests)
    assert client.manifest_list_children(repo, images) == {}
    report = client.lifecycle_preview(repo)
    assert report.repository == repo
    assert report.ecr_diff is None
    assert len(report.images) == 3
    offline = report.policy.evaluate(report.images)
    expiring = report.preview.expiring_digests
    assert len(expiring) == 2 and sorted(expiring) == sorted(offline.expiring_digests)
    assert report.preview.to_dict()["summary"] == {"expiringImageTotalCount": 2}

    with pytest.raises(ecr_core.RefusedError):
        client.expire_images(repo, report.preview, dry_run=False, protected=[expiring[0]])
    with pytest.raises(ecr_core.RefusedError, match="maximum of 1"):
        client.expire_images(repo, report.preview, dry_run=False, max_deletions=1)
    dry = client.expire_images(repo, report.preview)
    assert_shape(dry, "ExpireReport")
    assert dry == {"dryRun": True, "requested": expiring, "deleted": [], "failures": [], "batches": 0}
    assert len(client.describe_images(repo)) == 3
    done = client.expire_images(repo, report.preview.to_dict(), dry_run=False)
    assert sorted(done["deleted"]) == sorted(expiring) and done["failures"] == [] and done["batches"] == 1
    assert [i["imageDigest"] for i in client.describe_images(repo)] == [
        d for d in digests if d not in expiring]

    protected = client.lifecycle_preview(repo, policy=json.dumps(KEEP_ONE), protected=digests)
    assert protected.preview.expiring_digests == []
    with pytest.raises(ecr_core.EcrError):
        client.ecr_lifecycle_preview(repo, timeout=1.0, poll_interval=0.1)


def test_async_lifecycle_operations(emulator: dict[str, str]) -> None:
    sync = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    repo = unique("py-lifecycle-async")
    sync.create_repository(repo)
    digests = push(sync, repo, 3)

    async def main() -> None:
        client = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
        with pytest.raises(ecr_core.LifecyclePolicyNotFoundError):
            await client.get_lifecycle_policy(repo)
        with pytest.raises(ecr_core.PolicyValidationError):
            await client.put_lifecycle_policy(repo, "{}")
        assert await client.put_lifecycle_policy(repo, json.dumps(KEEP_ONE)) == []
        assert (await client.get_lifecycle_policy(repo)).to_dict() == KEEP_ONE
        images = await client.describe_images_all_statuses(repo)
        assert len(images) == 3
        assert await client.manifest_list_children(repo, json.dumps(images)) == {}
        report = await client.lifecycle_preview(repo, now="2030-01-01T00:00:00Z")
        assert len(report.preview.expiring_digests) == 2
        with pytest.raises(ecr_core.RefusedError):
            await client.expire_images(repo, report.preview, dry_run=False, max_deletions=0)
        done = await client.expire_images(repo, report.preview, dry_run=False)
        assert sorted(done["deleted"]) == sorted(report.preview.expiring_digests)
        left = await client.describe_images_all_statuses(repo)
        assert [i["imageDigest"] for i in left] == [d for d in digests if d not in done["deleted"]]
        with pytest.raises(ecr_core.EcrError):
            await client.ecr_lifecycle_preview(repo, timeout=1.0, poll_interval=0.1)

    asyncio.run(main())
