"""Verify: push verification (the ``verify_push`` program's report, through the registry protocol for the
config checks: a real OCI image pushed to the local registry with ``skopeo`` and mirrored into the ECR
emulator), repository audit and ensure (the ``audit_repository`` program), build records; sync and asyncio."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique
from shapes import assert_shape

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
BEFORE_MOTO_EXPIRY = "2014-12-31T12:00:00Z"
MEDIA = "application/vnd.oci.image.manifest.v1+json"
LABELS = {
    "org.opencontainers.image.revision": "4f2c9e1d",
    "org.opencontainers.image.source": "https://github.com/example/app",
    "org.opencontainers.image.created": "2026-11-23T10:00:00Z",
}


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _program(name: str) -> Path:
    bin_dir = os.environ.get("ECR_CORE_BIN_DIR")
    path = Path(bin_dir or "") / name
    if not bin_dir or not path.exists():
        pytest.skip(f"ECR_CORE_BIN_DIR/{name} not built (scripts/test-python sets ECR_CORE_BIN_DIR)")
    return path


def _run(program: Path, args: list[str], emulator: dict[str, str]) -> tuple[int, Any]:
    out = subprocess.run([str(program), *args], env={**os.environ, **emulator}, capture_output=True, text=True,
                         check=False)
    assert out.returncode in (0, 1), out.stderr
    return out.returncode, json.loads(out.stdout)



def _put(client: ecr_core.EcrClient, tag: str) -> tuple[str, str]:
    name = unique("py-verify")
    client.create_repository(name)
    body = json.dumps({"schemaVersion": 2, "mediaType": MEDIA,
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": _digest(name.encode()), "size": 2}, "layers": []},
                      separators=(",", ":"))
    digest = _digest(body.encode())
    client.put_image(name, body, media_type=MEDIA, tag=tag, digest=digest)
    return name, digest


# The config checks need the registry protocol; these runs skip them (and platforms, read from the config).
SKIP_CONFIG = "platforms,non-root,labels,no-secrets,healthcheck"


def test_verify_push_tags_and_integrity(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    name, digest = _put(client, "v1")
    v = client.verify_push(f"{HOST}/{name}:v1", digest=digest, skip=SKIP_CONFIG)
    assert_shape(v, "PushVerification")
    report = v["report"]
    assert report["passed"] is True, report
    status = {c["check"]: c["status"] for c in report["checks"]}
    assert status["tags"] == "passed" and status["integrity"] == "passed"
    assert status["non-root"] == "skipped"
    assert v["mediaType"] == MEDIA
    # A tag that is missing fails the tags check.
    bad = client.verify_push(f"{HOST}/{name}@{digest}", tags=["v1", "v2"], skip=SKIP_CONFIG)
    assert bad["report"]["passed"] is False
    assert {c["check"]: c["status"] for c in bad["report"]["checks"]}["tags"] == "failed"
    # Same report as the program.
    code, program = _run(_program("verify_push"),
                         ["--image", f"{HOST}/{name}:v1", "--digest", digest, "--skip", SKIP_CONFIG], emulator)
    assert program == report and code == 0


def test_verify_push_bad_arguments(client: ecr_core.EcrClient) -> None:
    other = "sha256:" + "1" * 64
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        client.verify_push(f"{HOST}/repo@sha256:{'0' * 64}", digest=other)
    assert "differs" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.verify_push(f"{HOST}/repo:v1")  # no digest at all
    with pytest.raises(ecr_core.InvalidReferenceError):
        client.verify_push("ghcr.io/acme/app:v1", digest=other)
    with pytest.raises(ecr_core.EcrError) as bogus:
        client.verify_push(f"{HOST}/repo:v1", digest=other, require="bogus")
    assert "bogus" in str(bogus.value)
    with pytest.raises(ecr_core.EcrError):
        client.verify_push(f"{HOST}/repo:v1", digest=other, platforms=["not a platform"])


# --- through the registry protocol ---------------------------------------------------------------------


def _oci_image(layout: Path, runtime: dict[str, Any], tag: str) -> None:
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> tuple[str, int]:
        d = _digest(data)
        (blobs / d[7:]).write_bytes(data)
        return d, len(data)

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = b"hello from python\n"
        info = tarfile.TarInfo("hello.txt")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    layer_d, layer_s = blob(gzip.compress(raw.getvalue(), mtime=0))
    config = {"architecture": "amd64", "os": "linux", "config": runtime,
              "rootfs": {"type": "layers", "diff_ids": [_digest(raw.getvalue())]}}
    cd, cs = blob(json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": MEDIA,
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_d,
                            "size": layer_s}]}
    md, ms = blob(json.dumps(manifest).encode())
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": MEDIA, "digest": md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": tag}}]}))


def _push_and_mirror(client: ecr_core.EcrClient, emulator: dict[str, str], layout: Path, repo: str, tag: str,
                     create: bool = True) -> str:
    """Pushes the layout to the local registry with skopeo and mirrors the served manifest into the emulator
    (creating the repository there unless `create` is false: a second image of the same repository)."""
    user, password = emulator["LOCAL_REGISTRY_USER"], emulator["LOCAL_REGISTRY_PASSWORD"]
    subprocess.run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", f"{user}:{password}",
                    f"oci:{layout}:{tag}", f"docker://{emulator['LOCAL_REGISTRY_HOST']}/{repo}:{tag}"],
                   check=True, capture_output=True)
    request = urllib.request.Request(f"{emulator['LOCAL_REGISTRY_URL']}/v2/{repo}/manifests/{tag}", headers={
        "Accept": MEDIA, "Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()})
    with urllib.request.urlopen(request) as response:
        body = response.read().decode()
    digest = _digest(body.encode())
    if create:
        client.create_repository(repo)
    client.put_image(repo, body, media_type=MEDIA, tag=tag, digest=digest)
    return digest


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")
def test_verify_push_config_checks_through_the_registry(
    client: ecr_core.EcrClient, emulator: dict[str, str], tmp_path: Path
) -> None:
    repo = unique("py-verify-reg")
    _oci_image(tmp_path / "layout", {"User": "root", "Env": ["PATH=/usr/bin", "API_TOKEN=tok-not-for-logs"]}, "v1")
    digest = _push_and_mirror(client, emulator, tmp_path / "layout", repo, "v1")
    # Registry credentials from the emulator's GetAuthorizationToken, judged before moto's fixed expiry.
    creds = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY).credentials(HOST)
    v = client.verify_push(f"{HOST}/{repo}:v1", digest=digest, platforms=["linux/amd64"],
                           registry_url=emulator["LOCAL_REGISTRY_URL"], registry_credentials=creds)
    status = {c["check"]: c["status"] for c in v["report"]["checks"]}
    assert status["platforms"] == "passed", v
    assert status["non-root"] == "failed" and status["labels"] == "failed"
    assert status["no-secrets"] == "failed" and status["healthcheck"] == "warned"
    assert "tok-not-for-logs" not in json.dumps(v)
    # The default credentials (one GetAuthorizationToken call) give the same report as the program.
    default = client.verify_push(f"{HOST}/{repo}:v1", digest=digest, platforms=["linux/amd64"],
                                 registry_url=emulator["LOCAL_REGISTRY_URL"])
    assert default == v
    code, program = _run(_program("verify_push"), ["--image", f"{HOST}/{repo}:v1", "--digest", digest,
                                                   "--platform", "linux/amd64", "--registry-url",
                                                   emulator["LOCAL_REGISTRY_URL"]], emulator)
    assert (code, program) == (1, v["report"])
    # Wrong credentials: the config cannot be read, so the required config checks fail closed.
    wrong = ecr_core.auth.RegistryCredentials(HOST, "AWS", "wrong-password", "2030-01-01T00:00:00Z")
    w = client.verify_push(f"{HOST}/{repo}:v1", digest=digest, registry_url=emulator["LOCAL_REGISTRY_URL"],
                           registry_credentials=wrong)
    non_root = next(c for c in w["report"]["checks"] if c["check"] == "non-root")
    assert non_root["status"] == "failed" and "not readable" in non_root["message"]
    assert "wrong-password" not in json.dumps(w)


@pytest.mark.skipif(shutil.which("skopeo") is None, reason="skopeo not installed")
@pytest.mark.asyncio
async def test_verify_push_async_hardened_image(
    client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient, emulator: dict[str, str], tmp_path: Path
) -> None:
    repo = unique("py-verify-good")
    runtime = {"User": "10001:10001", "Labels": LABELS, "Healthcheck": {"Test": ["CMD", "/bin/true"]}}
    _oci_image(tmp_path / "layout", runtime, "v2")
    digest = _push_and_mirror(client, emulator, tmp_path / "layout", repo, "v2")
    v = await aclient.verify_push(f"{HOST}/{repo}:v2", digest=digest, platforms=["linux/amd64"],
                                  registry_url=emulator["LOCAL_REGISTRY_URL"])
    assert v["report"]["passed"] is True, v
    record = ecr_core.verify.build_record(f"{HOST}/{repo}", digest, tags=["v2"], revision="4f2c9e1d",
                                   build_time="2026-11-23T10:00:00Z", media_type=v["mediaType"],
                                   platforms=v["platforms"], verified=v["report"]["passed"])
    assert record["_type"] == "https://in-toto.io/Statement/v1"
    assert record["subject"][0] == {"name": f"{HOST}/{repo}", "digest": {"sha256": digest[7:]}}
    assert record["predicate"]["verified"] is True and record["predicate"]["tags"] == ["v2"]


def test_build_record_validates_its_input() -> None:
    with pytest.raises(ecr_core.EcrError):
        ecr_core.verify.build_record(f"{HOST}/app", "sha256:short")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.build_record(f"{HOST}/app", "sha256:" + "a" * 64, build_time="soon")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.build_record(f"{HOST}/app", "sha256:" + "a" * 64, platforms=[{"platform": 1}])  # type: ignore[typeddict-item]


# --- audit and ensure ----------------------------------------------------------------------------------


def test_ensure_then_audit_like_the_program(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    name = unique("py-ensure")
    created = client.ensure_repository(name)
    # (scan on push is left out of the drift checks below: moto's scanning configuration is not AWS's)
    assert created["created"] is True and created["drift"] == []
    assert created["repository"]["imageTagMutability"] == "IMMUTABLE"
    again = client.ensure_repository(name, {"settings": {"tagMutability": "MUTABLE", "scanOnPush": False}})
    assert again["created"] is False
    assert [d["setting"] for d in again["drift"]] == ["imageTagMutability"]
    assert again["drift"][0]["fixed"] is False
    fixed = client.ensure_repository(name, {"settings": {"tagMutability": "MUTABLE", "scanOnPush": False}, "apply": True})
    assert fixed["drift"][0]["fixed"] is True
    assert client.describe_repository(name)["imageTagMutability"] == "MUTABLE"
    assert client.ensure_repository(name, {"settings": {"tagMutability": "MUTABLE", "scanOnPush": False}})["drift"] == []

    report = client.audit_repository(name)
    assert report["subject"].endswith(name)
    assert len(report["checks"]) == 5
    code, program = _run(_program("audit_repository"), ["--repository", name], emulator)
    assert program == report and code == (0 if report["passed"] else 1)
    everything = client.audit_all_repositories()
    assert name in [r["subject"].split("/")[-1] for r in everything["repositories"]]


def test_ensure_and_audit_errors(client: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.audit_repository(unique("py-audit-missing"))
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.ensure_repository(unique("py-x"), {"colour": "red"})  # type: ignore[arg-type]
    with pytest.raises(ecr_core.EcrError):
        client.ensure_repository(unique("py-x"), {"lifecyclePolicy": "not json"})
    assert json.loads(ecr_core.verify.default_lifecycle_policy())["rules"][0]["rulePriority"] == 1


def test_replication_status_reaches_the_service(client: ecr_core.EcrClient) -> None:
    # Moto's gap: no DescribeImageReplicationStatus (it answers an error without a code). The call must still
    # reach the service and come back through the error map as a ServiceError, never as Internal.
    name, digest = _put(client, "v1")
    with pytest.raises(ecr_core.ServiceError):
        client.image_replication_status(name, digest)
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.verify_push(f"{HOST}/{name}:v1", digest=digest, replication_timeout=-1)


@pytest.mark.asyncio
async def test_async_audit_ensure_verify(client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient) -> None:
    name = unique("py-aensure")
    out = await aclient.ensure_repository(name, {"lifecyclePolicy": None})
    assert out["created"] is True
    report = await aclient.audit_repository(name)
    assert report == client.audit_repository(name)
    everything = await aclient.audit_all_repositories()
    assert isinstance(everything["passed"], bool)
    repo, digest = _put(client, "v1")
    v = await aclient.verify_push(f"{HOST}/{repo}:v1", digest=digest, skip=SKIP_CONFIG)
    assert v["report"]["passed"] is True
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        await aclient.audit_repository(unique("py-audit-missing"))
    with pytest.raises(ecr_core.ServiceError):  # moto's gap, as in the sync test
        await aclient.image_replication_status(repo, digest)


# --- pure helpers --------------------------------------------------------------------------------------


def test_repository_policy_fixture() -> None:
    data = json.loads((FIXTURES / "verify" / "policy_cases.json").read_text())
    assert len(data["cases"]) >= 3
    for case in data["cases"]:
        findings = ecr_core.verify.analyse_repository_policy(json.dumps(case["policy"]), case["accountId"])
        got = [{"statement": f["statement"], "principal": f["principal"]} for f in findings]
        assert got == case["flagged"], case["name"]
        assert all(f["message"] for f in findings)
    with pytest.raises(ecr_core.EcrError):
        ecr_core.verify.analyse_repository_policy("not json", "123456789012")


def test_lifecycle_policy_text_and_digests_and_wildcards() -> None:
    ecr_core.verify.validate_lifecycle_policy_text(ecr_core.verify.default_lifecycle_policy())
    with pytest.raises(ecr_core.PolicyValidationError) as info:
        ecr_core.verify.validate_lifecycle_policy_text('{"rules": [{"rulePriority": 0}]}')
    assert "rules[0].rulePriority" in [e["path"] for e in info.value.errors]
    body = '{"schemaVersion":2}'
    assert ecr_core.verify.sha256_digest(body) == _digest(body.encode()) == ecr_core.verify.sha256_digest(body.encode())
    assert ecr_core.tagging.wildcard_match("release-*", "release-1.2")
    assert not ecr_core.tagging.wildcard_match("release-*", "dev-1")
    assert ecr_core.tagging.wildcard_match("*", "anything")


def test_verify_push_with_a_check_policy_table(client: ecr_core.EcrClient) -> None:
    name, digest = _put(client, "v1")
    table = ecr_core.verify.check_policy({c: "skip" for c in SKIP_CONFIG.split(",")})
    v = client.verify_push(f"{HOST}/{name}:v1", digest=digest, checks=table)
    assert v["report"]["passed"] is True, v["report"]
    status = {c["check"]: c["status"] for c in v["report"]["checks"]}
    assert status["tags"] == "passed" and status["labels"] == "skipped" and status["healthcheck"] == "skipped"
    # The lists apply after the table: skipping `tags` there wins over the table's `required`.
    later = client.verify_push(f"{HOST}/{name}:v1", digest=digest, checks=table, skip="tags")
    assert {c["check"]: c["status"] for c in later["report"]["checks"]}["tags"] == "skipped"
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        client.verify_push(f"{HOST}/{name}:v1", digest=digest, checks={"labels": "sometimes"})
    assert "sometimes" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        client.verify_push(f"{HOST}/{name}:v1", digest=digest, checks={"bogus": "warn"})


# --- signatures (verify_signatures) ------------------------------------------------------------------------
# Real signatures made here: a P-256 key generated with openssl, a cosign simple-signing payload signed with
# `openssl dgst -sha256 -sign` (ASN.1 DER, as cosign writes it), pushed with skopeo in cosign's legacy
# `sha256-<hex>.sig` tag layout to the local docker-registry. (No cosign or notation package exists in Debian.)

KEY_POLICY = {"signers": [{"type": "key", "key": "release"}]}


def _key_pair(directory: Path, name: str) -> tuple[Path, str]:
    """A new P-256 key: the private key's path and the public key's PEM text."""
    private = directory / f"{name}.key"
    subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", str(private)],
                   check=True, capture_output=True)
    public = subprocess.run(["openssl", "ec", "-in", str(private), "-pubout"], check=True, capture_output=True,
                            text=True).stdout
    return private, public


def _push_cosign_signature(emulator: dict[str, str], directory: Path, repo: str, key: Path, signed: str,
                           at: str | None = None) -> None:
    """Signs `signed` (a digest) with `key` and pushes the signature at the `.sig` tag of `at` (default: the
    same digest; another digest's tag when the test moves a signature)."""
    payload = json.dumps({"critical": {"identity": {"docker-reference": f"{HOST}/{repo}"},
                                       "image": {"docker-manifest-digest": signed},
                                       "type": "cosign container image signature"}, "optional": None}).encode()
    (directory / "payload").write_bytes(payload)
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(key), str(directory / "payload")],
                               check=True, capture_output=True).stdout
    layout = directory / f"sig-{signed[7:19]}-{(at or signed)[7:19]}"
    blobs = layout / "blobs" / "sha256"
    blobs.mkdir(parents=True)

    def blob(data: bytes) -> dict[str, Any]:
        (blobs / _digest(data)[7:]).write_bytes(data)
        return {"digest": _digest(data), "size": len(data)}

    config = b'{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}'
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": MEDIA,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(config)},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", **blob(payload),
                    "annotations": {"dev.cosignproject.cosign/signature": base64.b64encode(signature).decode()}}],
    }).encode()
    tag = (at or signed).replace(":", "-") + ".sig"
    (layout / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (layout / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": MEDIA, **blob(manifest), "annotations": {"org.opencontainers.image.ref.name": tag}}]}))
    user, password = emulator["LOCAL_REGISTRY_USER"], emulator["LOCAL_REGISTRY_PASSWORD"]
    subprocess.run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", f"{user}:{password}",
                    f"oci:{layout}:{tag}", f"docker://{emulator['LOCAL_REGISTRY_HOST']}/{repo}:{tag}"],
                   check=True, capture_output=True)


def _registry_credentials(emulator: dict[str, str]) -> ecr_core.auth.RegistryCredentials:
    return ecr_core.auth.RegistryCredentials(HOST, emulator["LOCAL_REGISTRY_USER"],
                                             emulator["LOCAL_REGISTRY_PASSWORD"], "2099-01-01T00:00:00Z")


@pytest.mark.skipif(shutil.which("skopeo") is None or shutil.which("openssl") is None,
                    reason="skopeo or openssl not installed")
def test_verify_signatures_checks_the_signature_not_its_presence(
    client: ecr_core.EcrClient, emulator: dict[str, str], tmp_path: Path
) -> None:
    repo = unique("py-signed")
    _oci_image(tmp_path / "signed", {"User": "10001"}, "v1")
    signed = _push_and_mirror(client, emulator, tmp_path / "signed", repo, "v1")
    _oci_image(tmp_path / "other", {"User": "10002"}, "v2")
    other = _push_and_mirror(client, emulator, tmp_path / "other", repo, "v2", create=False)
    release, release_pub = _key_pair(tmp_path, "release")
    _push_cosign_signature(emulator, tmp_path, repo, release, signed)
    # `other` carries a signature over `signed`'s digest, moved under its own tag.
    _push_cosign_signature(emulator, tmp_path, repo, release, signed, at=other)
    common: dict[str, Any] = {"keys": {"release": release_pub}, "registry_url": emulator["LOCAL_REGISTRY_URL"],
              "registry_credentials": _registry_credentials(emulator), "ecr_referrers": False}

    good = client.verify_signatures(f"{HOST}/{repo}@{signed}", KEY_POLICY, **common)
    assert good.passed and bool(good) and good.digest == signed
    [requirement] = good.requirements
    assert requirement["status"] == "passed" and requirement["requirement"] == "signature", requirement
    assert (requirement.get("satisfiedBy") or "").startswith("sha256:")
    assert good.to_dict()["schema"] == "ecr-core/signature-decision/v1"
    assert_shape(good.to_dict(), "SignatureReport")
    assert "passed" in good.to_markdown() and good.to_sarif()["runs"][0]["results"] == []
    assert json.loads(good.render("json")) == good.to_dict()
    assert repr(good).startswith("SignatureDecision(passed=True")

    moved = client.verify_signatures(f"{HOST}/{repo}@{other}", json.dumps(KEY_POLICY), **common)
    assert not moved.passed and moved.requirements[0]["reason"] == "digest-mismatch", moved.to_dict()
    assert moved.to_sarif()["runs"][0]["results"][0]["ruleId"] == "digest-mismatch"

    # Signed with a key the policy does not trust, under the name it trusts.
    _, intruder_pub = _key_pair(tmp_path, "intruder")
    wrong = client.verify_signatures(f"{HOST}/{repo}@{signed}", KEY_POLICY,
                                     **{**common, "keys": {"release": intruder_pub}})
    assert not wrong.passed and wrong.requirements[0]["reason"] == "bad-signature", wrong.to_dict()

    unsigned_repo = unique("py-unsigned")
    _oci_image(tmp_path / "unsigned", {"User": "10003"}, "v1")
    unsigned = _push_and_mirror(client, emulator, tmp_path / "unsigned", unsigned_repo, "v1")
    missing = client.verify_signatures(f"{HOST}/{unsigned_repo}@{unsigned}", KEY_POLICY, **common)
    assert not missing.passed and missing.requirements[0]["reason"] == "missing"
    warned = client.verify_signatures(f"{HOST}/{unsigned_repo}@{unsigned}", {**KEY_POLICY, "onMissing": "warn"},
                                      **common)
    assert warned.passed and warned.requirements[0]["status"] == "warned"

    # The program reports the same decision.
    (tmp_path / "policy.json").write_text(json.dumps(KEY_POLICY))
    (tmp_path / "release.pub").write_text(release_pub)
    code, program = _run(_program("verify_signatures"), [
        "--image", f"{HOST}/{repo}@{other}", "--policy", str(tmp_path / "policy.json"),
        "--key", f"release={tmp_path / 'release.pub'}", "--registry-url", emulator["LOCAL_REGISTRY_URL"],
        "--no-ecr"], {**emulator, "REGISTRY_USERNAME": emulator["LOCAL_REGISTRY_USER"],
                      "REGISTRY_PASSWORD": emulator["LOCAL_REGISTRY_PASSWORD"]})
    assert (code, program) == (1, moved.to_dict())


@pytest.mark.skipif(shutil.which("skopeo") is None or shutil.which("openssl") is None,
                    reason="skopeo or openssl not installed")
@pytest.mark.asyncio
async def test_verify_signatures_async_with_the_default_credentials(
    client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient, emulator: dict[str, str], tmp_path: Path
) -> None:
    repo = unique("py-signed-async")
    _oci_image(tmp_path / "layout", {"User": "10001"}, "v1")
    digest = _push_and_mirror(client, emulator, tmp_path / "layout", repo, "v1")
    key, pub = _key_pair(tmp_path, "release")
    _push_cosign_signature(emulator, tmp_path, repo, key, digest)
    # Registry credentials from one GetAuthorizationToken call, as the program's ECR mode gets them.
    decision = await aclient.verify_signatures(f"{HOST}/{repo}:v1", KEY_POLICY, digest=digest,
                                               keys={"release": pub}, registry_url=emulator["LOCAL_REGISTRY_URL"],
                                               ecr_referrers=False)
    assert isinstance(decision, ecr_core.verify.SignatureDecision)
    assert decision.passed, decision.to_dict()


def test_verify_signatures_refuses_bad_input_naming_it(client: ecr_core.EcrClient) -> None:
    pinned = f"{HOST}/team/app@sha256:" + "a" * 64
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"policy\.signers\[0\]"):
        client.verify_signatures(pinned, {"signers": [{"type": "keyless"}]})
    with pytest.raises(ecr_core.InvalidArgumentError, match="polcy"):
        client.verify_signatures(pinned, {"signers": [{"type": "key", "key": "k"}], "polcy": 1})
    with pytest.raises(ecr_core.PolicyValidationError):
        client.verify_signatures(pinned, {"signers": []})
    with pytest.raises(ecr_core.InvalidArgumentError, match="policy"):
        client.verify_signatures(pinned, "{not json")
    with pytest.raises(ecr_core.InvalidArgumentError, match="digest"):
        client.verify_signatures(f"{HOST}/team/app:v1", KEY_POLICY)
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"keys\.release"):
        client.verify_signatures(pinned, KEY_POLICY, keys={"release": "not a PEM key"})
    with pytest.raises(ecr_core.InvalidArgumentError, match="trustedRoot"):
        client.verify_signatures(pinned, KEY_POLICY, trusted_root="{}x")
