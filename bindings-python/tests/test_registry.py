"""The registry protocol (``RegistryClient`` / ``AsyncRegistryClient`` against the local registry with Basic
auth), the individual verification checks over the shared ``fixtures/verify`` cases (the same cases the Rust
tests use), and the lookups behind ``verify_push`` (``batch_get_images``, ``resolve_tags``,
``list_image_referrers``, ``wait_for_replication``); sync and asyncio."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique
from test_verify import HOST, LABELS, _digest, _oci_image, _push_and_mirror, _put
from shapes import assert_shape

CASES = FIXTURES / "verify"



def _registry_creds(emulator: dict[str, str]) -> ecr_core.auth.RegistryCredentials:
    return ecr_core.auth.RegistryCredentials(emulator["LOCAL_REGISTRY_HOST"], emulator["LOCAL_REGISTRY_USER"],
                                        emulator["LOCAL_REGISTRY_PASSWORD"], "2030-01-01T00:00:00Z")


# --- the pure checks over the shared fixtures ------------------------------------------------------------


def test_config_checks_fixture() -> None:
    data = json.loads((CASES / "config_cases.json").read_text())
    checks = {"non-root": ecr_core.verify.check_non_root, "labels": ecr_core.verify.check_labels,
              "no-secrets": ecr_core.verify.check_secrets, "healthcheck": ecr_core.verify.check_healthcheck}
    for case in data["cases"]:
        config = ecr_core.verify.ImageConfig.parse(json.dumps(case["config"]))
        assert config.platform == case.get("platform"), case["name"]
        for name, expected in case["expected"].items():
            finding = checks[name](config)
            assert finding["ok"] is expected, (case["name"], name, finding)
            assert finding["message"]
        assert ecr_core.verify.check_labels(config)["details"]["missing"] == case["missingLabels"], case["name"]
        env = case["config"].get("config", {}).get("Env", [])
        assert ecr_core.verify.secret_like_env_names(env) == case["secretNames"], case["name"]
        assert config.env_names == [e.split("=")[0] for e in env]
        for value in case.get("secretValues", []):
            for shown in (json.dumps(ecr_core.verify.check_secrets(config)), json.dumps(config.to_dict())):
                assert value not in shown
            assert value not in repr(config)
        assert config.env == env  # the explicit read
    assert ecr_core.verify.ImageConfig.parse(b'{"os": "linux", "architecture": "arm64", "variant": "v8"}').platform == \
        "linux/arm64/v8"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.ImageConfig.parse("not json")


def test_is_root_user() -> None:
    for user in ("", "root", "0", "0:0", "root:wheel", "000"):
        assert ecr_core.verify.is_root_user(user), user
    for user in ("10001", "10001:10001", "app", "nobody"):
        assert not ecr_core.verify.is_root_user(user), user


def test_platform_cases_fixture() -> None:
    data = json.loads((CASES / "platform_cases.json").read_text())
    for case in data["cases"]:
        finding = ecr_core.verify.compare_platforms(case["expected"], case["found"])
        assert finding["ok"] is case["ok"], (case["name"], finding)
        assert finding["details"]["missing"] == case["missing"], case["name"]
        assert finding["details"]["extra"] == case["extra"], case["name"]
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.compare_platforms(["linux"], [])


def test_manifest_cases_fixture() -> None:
    data = json.loads((CASES / "manifest_cases.json").read_text())
    for case in data["cases"]:
        raw = (CASES / case["file"]).read_bytes()
        assert ecr_core.verify.sha256_digest(raw) == case["digest"]
        parsed = ecr_core.verify.parse_manifest(raw)
        assert parsed["kind"] == case["kind"] and parsed["mediaType"] == case["mediaType"], case["file"]
        if case["kind"] == "index":
            entries = parsed["entries"]
            platforms = [e["platform"] for e in entries if not e["attestation"]]
            found = ["/".join(filter(None, (p["os"], p["architecture"], p.get("variant")))) for p in platforms]
            assert found == case["platforms"], case["file"]
            assert sum(e["attestation"] for e in entries) == case["attestations"]
            assert ecr_core.verify.compare_platforms(case["platforms"], found, case["attestations"])["ok"]
        else:
            assert parsed["configDigest"] == case["configDigest"], case["file"]
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.parse_manifest('{"schemaVersion": 1}')


def test_integrity_replication_and_referrer_checks() -> None:
    raw = (CASES / "manifests" / "oci-image-amd64.json").read_text()
    good: dict[str, Any] = {"imageId": {"imageTag": "v1"}, "digest": _digest(raw.encode()), "manifest": raw}
    assert ecr_core.verify.check_integrity([good], good["digest"])["ok"] is True
    tampered = dict(good, manifest=raw + " ")
    assert ecr_core.verify.check_integrity([tampered], good["digest"])["ok"] is False
    assert ecr_core.verify.check_integrity([good], "sha256:" + "0" * 64)["ok"] is False
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.check_integrity([{"digest": 1}], good["digest"])

    def status(region: str, state: str) -> dict[str, Any]:
        return {"region": region, "registryId": "123456789012", "status": state}

    assert ecr_core.verify.check_replication([status("eu-west-1", "COMPLETE")])["ok"] is True
    assert ecr_core.verify.check_replication([])["ok"] is False
    missing = ecr_core.verify.check_replication([status("eu-west-1", "COMPLETE")], ["us-west-2"])
    assert missing["ok"] is False and "us-west-2" in missing["message"]
    assert ecr_core.verify.check_replication([status("eu-west-1", "COMPLETE"), status("ap-south-1", "FAILED")],
                                      ["eu-west-1"])["ok"] is True

    sig = {"digest": "sha256:" + "a" * 64, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json", "size": 10}
    assert ecr_core.verify.check_referrers([sig])["ok"] is True
    assert ecr_core.verify.check_referrers([sig], ["application/spdx+json"])["ok"] is False
    assert ecr_core.verify.check_referrers([])["ok"] is False


# --- lookups against the emulator -------------------------------------------------------------------------


def test_batch_get_images_and_resolve_tags(client: ecr_core.EcrClient) -> None:
    name, digest = _put(client, "v1")
    lookup = client.batch_get_images(name, ["v1", digest, "nope"])
    assert {i["digest"] for i in lookup["images"]} == {digest}
    assert any(f["imageId"].get("imageTag") == "nope" for f in lookup["failures"]), lookup
    assert ecr_core.verify.check_integrity(lookup["images"], digest)["ok"] is True
    resolved = client.resolve_tags(name, ["v1", "v2"], digest)
    assert_shape(resolved, "ResolvedTags")
    assert resolved["resolution"]["ok"] == ["v1"]
    assert resolved["resolution"]["problems"]["v2"]["problem"] == "notFound"
    assert resolved["finding"]["ok"] is False and "v2" in resolved["finding"]["message"]
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.batch_get_images(name, [])
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.batch_get_images(unique("py-missing"), ["v1"])


def test_replication_and_referrers_reach_the_service(client: ecr_core.EcrClient) -> None:
    # Moto's gaps: no DescribeImageReplicationStatus / ListImageReferrers. The calls must reach the service and
    # come back through the error map as typed errors, never as Internal.
    name, digest = _put(client, "v1")
    with pytest.raises(ecr_core.EcrError) as info:
        client.wait_for_replication(name, digest, regions=["eu-west-1"], timeout=0, interval=0)
    assert info.value.code != "Internal"
    with pytest.raises(ecr_core.EcrError) as info2:
        client.list_image_referrers(name, digest)
    assert info2.value.code != "Internal"
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.wait_for_replication(name, digest, timeout=-1)


@pytest.mark.asyncio
async def test_async_lookups(client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient) -> None:
    name, digest = _put(client, "v1")
    lookup = await aclient.batch_get_images(name, [digest])
    assert lookup == client.batch_get_images(name, [digest])
    resolved = await aclient.resolve_tags(name, ["v1"], digest)
    assert resolved["finding"]["ok"] is True
    with pytest.raises(ecr_core.EcrError) as info:
        await aclient.wait_for_replication(name, digest, timeout=0, interval=0)
    assert info.value.code != "Internal"
    with pytest.raises(ecr_core.EcrError) as info2:
        await aclient.list_image_referrers(name, digest)
    assert info2.value.code != "Internal"


# --- the registry protocol against the local registry ---------------------------------------------------


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")
def test_registry_client_reads_manifest_blob_and_config(
    client: ecr_core.EcrClient, emulator: dict[str, str], tmp_path: Path
) -> None:
    repo = unique("py-registry")
    runtime = {"User": "10001", "Labels": LABELS, "Env": ["PATH=/usr/bin", "API_TOKEN=tok-not-for-logs"]}
    _oci_image(tmp_path / "layout", runtime, "v1")
    digest = _push_and_mirror(client, emulator, tmp_path / "layout", repo, "v1")
    reg = ecr_core.verify.RegistryClient(HOST, url=emulator["LOCAL_REGISTRY_URL"], credentials=_registry_creds(emulator))
    assert reg.host == emulator["LOCAL_REGISTRY_HOST"]
    manifest = reg.fetch_manifest(repo, "v1")
    assert manifest["digest"] == digest == _digest(manifest["bytes"])
    assert reg.fetch_manifest(repo, digest)["bytes"] == manifest["bytes"]
    parsed = ecr_core.verify.parse_manifest(manifest["bytes"])
    assert parsed["kind"] == "image"
    blob = reg.fetch_blob(repo, parsed["configDigest"])
    assert _digest(blob) == parsed["configDigest"]
    config = reg.fetch_config(repo, parsed["configDigest"])
    assert config.platform == "linux/amd64" and config.user == "10001" and config.labels == LABELS
    assert ecr_core.verify.check_non_root(config)["ok"] and ecr_core.verify.check_labels(config)["ok"]
    assert ecr_core.verify.check_secrets(config)["ok"] is False
    assert_shape(config.to_dict(), "ImageConfigSummary")
    assert "tok-not-for-logs" not in repr(config) and "tok-not-for-logs" not in json.dumps(config.to_dict())
    # Wrong or no credentials: a RegistryError, never a leaked password.
    wrong = ecr_core.auth.RegistryCredentials(HOST, "AWS", "wrong-password", "2030-01-01T00:00:00Z")
    for bad in (ecr_core.verify.RegistryClient(HOST, url=emulator["LOCAL_REGISTRY_URL"], credentials=wrong),
                ecr_core.verify.RegistryClient(HOST, url=emulator["LOCAL_REGISTRY_URL"])):
        with pytest.raises(ecr_core.RegistryError) as info:
            bad.fetch_manifest(repo, "v1")
        assert "wrong-password" not in str(info.value)
    with pytest.raises(ecr_core.RegistryError):
        ecr_core.verify.RegistryClient(HOST, url=emulator["LOCAL_REGISTRY_URL"],
                                credentials=_registry_creds(emulator)).fetch_manifest(repo, "missing")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.RegistryClient(HOST, url="ftp://example")


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")
@pytest.mark.asyncio
async def test_async_registry_client(client: ecr_core.EcrClient, emulator: dict[str, str], tmp_path: Path) -> None:
    repo = unique("py-aregistry")
    _oci_image(tmp_path / "layout", {"User": "root"}, "v1")
    digest = _push_and_mirror(client, emulator, tmp_path / "layout", repo, "v1")
    reg = ecr_core.verify.AsyncRegistryClient(HOST, url=emulator["LOCAL_REGISTRY_URL"],
                                       credentials=_registry_creds(emulator))
    manifest = await reg.fetch_manifest(repo, "v1")
    assert manifest["digest"] == digest
    config_digest = ecr_core.verify.parse_manifest(manifest["bytes"])["configDigest"]
    assert _digest(await reg.fetch_blob(repo, config_digest)) == config_digest
    config = await reg.fetch_config(repo, config_digest)
    assert ecr_core.verify.check_non_root(config)["ok"] is False
    with pytest.raises(ecr_core.RegistryError):
        await reg.fetch_manifest(repo, "missing")


def test_index_children_fixture() -> None:
    data = json.loads((CASES / "manifest_cases.json").read_text())
    for case in data["cases"]:
        if case["kind"] != "index":
            continue
        children = ecr_core.verify.index_children((CASES / case["file"]).read_text())
        assert [c["platform"] for c in children] == case["platforms"], case["file"]
        assert all(c["digest"].startswith("sha256:") for c in children)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.index_children('{"schemaVersion": 2}')


def test_audit_reads(client: ecr_core.EcrClient) -> None:
    name = unique("py-audit-reads")
    client.create_repository(name)
    scanning = client.repository_scanning(name)
    assert_shape(scanning, "RepositoryScanning")
    assert set(scanning) == {"scanFrequency", "scanOnPush", "appliedFilters"}
    assert isinstance(scanning["scanOnPush"], bool)
    assert client.lifecycle_policy_text(name) is None
    assert client.repository_policy_text(name) is None
    client.put_lifecycle_policy(name, ecr_core.verify.default_lifecycle_policy())
    text = client.lifecycle_policy_text(name)
    assert text is not None and json.loads(text) == json.loads(ecr_core.verify.default_lifecycle_policy())
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.lifecycle_policy_text(unique("py-missing"))


@pytest.mark.asyncio
async def test_async_audit_reads(client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient) -> None:
    name = unique("py-aaudit-reads")
    client.create_repository(name)
    assert await aclient.repository_scanning(name) == client.repository_scanning(name)
    assert await aclient.lifecycle_policy_text(name) is None
    assert await aclient.repository_policy_text(name) is None
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        await aclient.repository_scanning(unique("py-missing"))
