"""Auth: registry credentials from the local ECR emulator (sync and asyncio), the docker config merge and
credential-helper fixtures, registry hosts, and the ``ecr_login`` program.

Moto's GetAuthorizationToken hands out password ``<account>-auth-token`` with ``expiresAt`` 2015-01-01 (already
expired), so the emulator tests judge expiry with ``assume_now`` (the ``ecr_login --assume-now`` knob).
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES
from shapes import assert_shape

BEFORE_MOTO_EXPIRY = "2014-12-31T12:00:00Z"
MOTO_PASSWORD = "123456789012-auth-token"
HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


@pytest.fixture(scope="module")
def auth(client: ecr_core.EcrClient) -> ecr_core.auth.Authenticator:
    return ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY)


def test_credentials_from_the_emulator(auth: ecr_core.auth.Authenticator) -> None:
    creds = auth.credentials_for_region()
    assert (creds.host, creds.username, creds.password) == (HOST, "AWS", MOTO_PASSWORD)
    assert creds.expires_at == "2015-01-01T00:00:00Z"
    assert creds.region == "us-east-1" and not creds.is_public
    assert creds.proxy_endpoint == "https://" + HOST
    assert creds.docker_auth() == base64.b64encode(f"AWS:{MOTO_PASSWORD}".encode()).decode()
    assert creds.authorization_header() == "Basic " + creds.docker_auth()
    assert not creds.is_expired_at(BEFORE_MOTO_EXPIRY) and creds.is_expired_at("2015-01-01T00:00:00Z")
    assert creds.to_dict() == {
        "host": HOST, "username": "AWS", "expiresAt": "2015-01-01T00:00:00Z",
        "proxyEndpoint": "https://" + HOST, "region": "us-east-1",
    }
    # Another account's server URL in the same region: its own host, the region's token.
    other = auth.credentials("https://210987654321.dkr.ecr.us-east-1.amazonaws.com/v2/")
    assert other.host == "210987654321.dkr.ecr.us-east-1.amazonaws.com"
    assert other.password == MOTO_PASSWORD
    assert auth.now == BEFORE_MOTO_EXPIRY
    auth.invalidate(HOST)
    assert auth.credentials(HOST).password == MOTO_PASSWORD


def test_identity_has_no_secret(auth: ecr_core.auth.Authenticator, emulator: dict[str, str]) -> None:
    identity = auth.aws_identity()
    assert_shape(identity, "AwsIdentity")
    assert identity["source"] == "environment"
    assert identity["hasSessionToken"] is bool(emulator.get("AWS_SESSION_TOKEN"))
    assert identity["accessKeyKind"] == "other"  # the emulator's dummy key is neither AKIA nor ASIA


def test_expired_token_is_refused_and_policy_is_enforced(
    client: ecr_core.EcrClient, emulator: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Judged by the real clock, moto's token expired in 2015: never handed out.
    with pytest.raises(ecr_core.RefusedError) as info:
        ecr_core.auth.Authenticator(client).credentials_for_region()
    assert "2015-01-01" in str(info.value)
    # A static AKIA key without session token is long-lived: refused under RequireTemporary.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    static = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    strict = ecr_core.auth.Authenticator(static, require_temporary_credentials=True, assume_now=BEFORE_MOTO_EXPIRY)
    with pytest.raises(ecr_core.LongLivedCredentialsError):
        strict.credentials(HOST)
    assert ecr_core.auth.Authenticator(static, assume_now=BEFORE_MOTO_EXPIRY).aws_identity()["accessKeyKind"] == "long-term"


def test_bad_arguments_raise_typed_errors(client: ecr_core.EcrClient, auth: ecr_core.auth.Authenticator) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.Authenticator(client, assume_now="yesterday")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.Authenticator(client, disk_cache=3)  # type: ignore[arg-type]
    with pytest.raises(ecr_core.InvalidReferenceError):
        auth.credentials("ghcr.io")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.RegistryCredentials("h", "AWS", "p", "not a time")


def test_disk_cache_is_shared(client: ecr_core.EcrClient, tmp_path: Path) -> None:
    first = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY, disk_cache=str(tmp_path),
                                   principal="arn:aws:iam::123456789012:user/ci")
    assert first.credentials(HOST).password == MOTO_PASSWORD
    cached = list(tmp_path.iterdir())
    assert cached, "the disk cache was not written"
    text = "".join(p.read_text() for p in cached if p.is_file())
    assert HOST in text or "us-east-1" in text


def test_docker_config_written(auth: ecr_core.auth.Authenticator, tmp_path: Path) -> None:
    creds = auth.credentials(HOST)
    path = tmp_path / "docker" / "config.json"
    outcome = ecr_core.auth.write_docker_config(path, "https://" + HOST + "/v2/", creds)
    assert outcome == {"key": HOST, "replaced": False, "shadowedBy": None}
    assert json.loads(path.read_text())["auths"][HOST]["auth"] == creds.docker_auth()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = ecr_core.auth.write_docker_config(str(path), HOST, creds)
    assert again["replaced"] is True


def test_docker_config_merge_fixture() -> None:
    data = json.loads((FIXTURES / "auth" / "docker_config_merge.json").read_text())
    c = data["credentials"]
    creds = ecr_core.auth.RegistryCredentials("h", c["username"], c["password"], "2030-01-01T00:00:00Z")
    assert creds.docker_auth() == c["auth"]
    assert len(data["cases"]) >= 5
    for case in data["cases"]:
        before: Any = case["before"]
        if "error" in case:
            with pytest.raises(ecr_core.EcrError) as info:
                ecr_core.auth.merge_auth_entry(before, case["server"], creds)
            assert info.value.code == case["error"], case["name"]
            continue
        snapshot = json.dumps(before)
        after, outcome = ecr_core.auth.merge_auth_entry(before, case["server"], creds)
        assert after == case["after"], case["name"]
        assert list(after) == list(case["after"]), case["name"]  # key order kept
        assert outcome["replaced"] == case["replaced"], case["name"]
        assert outcome["shadowedBy"] == case["shadowedBy"], case["name"]
        assert json.dumps(before) == snapshot, "the caller's dict was changed"


def test_helper_protocol_fixture(auth: ecr_core.auth.Authenticator) -> None:
    data = json.loads((FIXTURES / "auth" / "helper_protocol.json").read_text())
    for case in data["cases"]:
        out = auth.run_helper(case["action"], case["stdin"])
        assert (out.stdout, out.exit_code) == (case["stdout"], case["exitCode"]), case["name"]
    version = auth.run_helper("version")
    assert version.stdout.strip() == ecr_core.auth.helper_version_line().strip()


def test_helper_get_and_list_against_the_emulator(auth: ecr_core.auth.Authenticator) -> None:
    out = auth.run_helper("get", HOST + "\n")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == {"ServerURL": HOST, "Username": "AWS", "Secret": MOTO_PASSWORD}


def test_registry_hosts_fixture() -> None:
    data = json.loads((FIXTURES / "auth" / "hosts.json").read_text())
    for case in data["accept"]:
        assert ecr_core.auth.registry_region(case["input"]) == case.get("region"), case["input"]
    for case in data["reject"]:
        with pytest.raises(ecr_core.EcrError):
            ecr_core.auth.registry_region(case["input"])


def test_default_docker_config_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    assert ecr_core.auth.default_docker_config_path() == tmp_path / "config.json"


def test_same_password_as_the_ecr_login_program(auth: ecr_core.auth.Authenticator, emulator: dict[str, str]) -> None:
    bin_dir = os.environ.get("ECR_CORE_BIN_DIR")
    program = Path(bin_dir or "") / "ecr_login"
    if not bin_dir or not program.exists():
        pytest.skip("ECR_CORE_BIN_DIR/ecr_login not built (scripts/test-python sets ECR_CORE_BIN_DIR)")
    out = subprocess.run(
        [str(program), "--assume-now", BEFORE_MOTO_EXPIRY, "--password-stdout"],
        env={**os.environ, **emulator}, capture_output=True, text=True, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == auth.credentials_for_region().password


@pytest.mark.asyncio
async def test_async_authenticator(emulator: dict[str, str], tmp_path: Path) -> None:
    aclient = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    auth = ecr_core.auth.AsyncAuthenticator(aclient, assume_now=BEFORE_MOTO_EXPIRY)
    creds = await auth.credentials_for_region()
    assert (creds.host, creds.password) == (HOST, MOTO_PASSWORD)
    other = await auth.credentials("210987654321.dkr.ecr.us-east-1.amazonaws.com")
    assert other.host.startswith("210987654321.")
    identity = await auth.aws_identity()
    assert identity["source"] == "environment"
    await auth.invalidate(HOST)
    with pytest.raises(ecr_core.TransportError):  # moto's gap: no ECR Public API (see the sync test)
        await auth.public_credentials()
    out = await auth.run_helper("get", HOST)
    assert json.loads(out.stdout)["Secret"] == MOTO_PASSWORD
    with pytest.raises(ecr_core.RefusedError):
        await ecr_core.auth.AsyncAuthenticator(aclient).credentials(HOST)
    # The emulator's keys carry a session token: accepted under RequireTemporary.
    strict = ecr_core.auth.AsyncAuthenticator(aclient, require_temporary_credentials=True, assume_now=BEFORE_MOTO_EXPIRY)
    if emulator.get("AWS_SESSION_TOKEN"):
        assert (await strict.credentials_for_region()).host == HOST


def test_public_credentials_reach_ecr_public(auth: ecr_core.auth.Authenticator) -> None:
    # Moto's gap: no ECR Public API (it answers an HTML page). The request goes to ECR Public's
    # GetAuthorizationToken and its failure comes back typed (Transport), never as Internal; the mocked Rust
    # tests (ecr-core/src/auth/tests.rs) cover the documented response.
    with pytest.raises(ecr_core.TransportError):
        auth.public_credentials()


# --- the settable clock, the refresh policy, disk cache inspection -----------------------------------------


def test_settable_clock_decides_expiry(client: ecr_core.EcrClient) -> None:
    auth = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY)
    assert auth.now == BEFORE_MOTO_EXPIRY
    assert auth.credentials(HOST).password == MOTO_PASSWORD
    auth.advance(24 * 3600)  # past moto's fixed expiry: the cached token is not handed out, a refetch is expired
    assert auth.now == "2015-01-01T12:00:00Z"
    with pytest.raises(ecr_core.RefusedError):
        auth.credentials(HOST)
    auth.set_now(BEFORE_MOTO_EXPIRY)
    assert auth.credentials(HOST).password == MOTO_PASSWORD
    with pytest.raises(ecr_core.InvalidArgumentError):
        auth.advance(-1)
    with pytest.raises(ecr_core.InvalidArgumentError):
        auth.set_now("yesterday")
    system = ecr_core.auth.Authenticator(client)
    with pytest.raises(ecr_core.InvalidArgumentError, match="assume_now"):
        system.set_now(BEFORE_MOTO_EXPIRY)
    with pytest.raises(ecr_core.InvalidArgumentError):
        system.advance(1)


def test_refresh_policy() -> None:
    default = ecr_core.auth.RefreshPolicy()
    assert (default.ahead_fraction, default.ahead_min, default.min_remaining) == (0.25, 300.0, 60.0)
    # A 12 h token is refreshed after 9 h; never handed out with less than a minute left.
    assert default.refresh_at("2026-01-01T00:00:00Z", "2026-01-01T12:00:00Z") == "2026-01-01T09:00:00Z"
    assert default.usable("2026-01-01T12:00:00Z", "2026-01-01T11:58:00Z") is True
    assert default.usable("2026-01-01T12:00:00Z", "2026-01-01T11:59:30Z") is False
    custom = ecr_core.auth.RefreshPolicy(ahead_fraction=0.5, ahead_min=0, min_remaining=3600)
    assert custom.refresh_at("2026-01-01T00:00:00Z", "2026-01-01T12:00:00Z") == "2026-01-01T06:00:00Z"
    assert custom.usable("2026-01-01T12:00:00Z", "2026-01-01T11:00:00Z") is False
    assert "ahead_fraction=0.5" in repr(custom)
    for bad in ({"ahead_fraction": 1.5}, {"ahead_min": -1.0}, {"min_remaining": float("nan")}):
        with pytest.raises(ecr_core.InvalidArgumentError):
            ecr_core.auth.RefreshPolicy(**bad)
    with pytest.raises(ecr_core.InvalidArgumentError):
        default.usable("never", "2026-01-01T00:00:00Z")


def test_refresh_policy_is_applied(client: ecr_core.EcrClient) -> None:
    # Moto's token has 12 h left at BEFORE_MOTO_EXPIRY: fine by default, too little for a 24 h minimum.
    strict = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY,
                                    refresh_policy=ecr_core.auth.RefreshPolicy(min_remaining=24 * 3600))
    with pytest.raises(ecr_core.RefusedError):
        strict.credentials(HOST)
    lenient = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY,
                                     refresh_policy=ecr_core.auth.RefreshPolicy(min_remaining=3600))
    assert lenient.credentials(HOST).password == MOTO_PASSWORD


def test_disk_cache_inspection(client: ecr_core.EcrClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ecr_core.auth.DiskCache(tmp_path / "cache", max_entries=8)
    assert cache.dir == tmp_path / "cache" and cache.file == tmp_path / "cache" / "cache.json"
    assert cache.token_count() == 0 and cache.registries() == []
    auth = ecr_core.auth.Authenticator(client, assume_now=BEFORE_MOTO_EXPIRY, disk_cache=cache,
                                  principal="arn:aws:iam::123456789012:user/ci")
    assert auth.disk_cache is not None and auth.disk_cache.dir == cache.dir
    auth.credentials(HOST)
    assert cache.token_count() == 1
    assert cache.registries(BEFORE_MOTO_EXPIRY) == [f"https://{HOST}"]
    assert cache.registries() == []  # moto's token expired in 2015
    assert MOTO_PASSWORD not in repr(cache)
    assert ecr_core.auth.Authenticator(client).disk_cache is None
    with pytest.raises(ecr_core.InvalidArgumentError):
        cache.registries("not a time")
    monkeypatch.setenv("ECR_CORE_CACHE_DIR", str(tmp_path / "env"))
    monkeypatch.delenv("ECR_CORE_DISABLE_CACHE", raising=False)
    from_env = ecr_core.auth.DiskCache.from_env()
    assert from_env is not None and from_env.dir == tmp_path / "env"
    monkeypatch.setenv("ECR_CORE_DISABLE_CACHE", "1")
    assert ecr_core.auth.DiskCache.from_env() is None


@pytest.mark.asyncio
async def test_async_authenticator_clock_and_cache(emulator: dict[str, str], tmp_path: Path) -> None:
    aclient = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    auth = ecr_core.auth.AsyncAuthenticator(aclient, assume_now=BEFORE_MOTO_EXPIRY, disk_cache=str(tmp_path),
                                       principal="arn:aws:iam::123456789012:user/ci",
                                       refresh_policy=ecr_core.auth.RefreshPolicy())
    assert auth.now == BEFORE_MOTO_EXPIRY
    assert (await auth.credentials(HOST)).password == MOTO_PASSWORD
    assert auth.disk_cache is not None and auth.disk_cache.token_count() == 1
    auth.advance(24 * 3600)
    assert auth.now == "2015-01-01T12:00:00Z"
    with pytest.raises(ecr_core.RefusedError):
        await auth.credentials(HOST)
    auth.set_now(BEFORE_MOTO_EXPIRY)
    assert (await auth.credentials(HOST)).password == MOTO_PASSWORD
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.AsyncAuthenticator(aclient).advance(1)


def test_credential_policy_check(auth: ecr_core.auth.Authenticator) -> None:
    # The identity the authenticator reports round-trips through the check.
    live = auth.aws_identity()
    assert ecr_core.auth.is_long_lived(live) is (not live["hasSessionToken"])
    ecr_core.auth.check_credential_policy(live, require_temporary_credentials=False)
    static: ecr_core.types.AwsIdentity = {
        "source": "profile", "accessKeyKind": "long-term", "hasSessionToken": True, "expiresAt": None,
    }  # fmt: skip
    assert ecr_core.auth.is_long_lived(static)
    with pytest.raises(ecr_core.LongLivedCredentialsError) as info:
        ecr_core.auth.check_credential_policy(static)
    assert "profile" in str(info.value) and "AKIA" in str(info.value)
    ecr_core.auth.check_credential_policy(static, require_temporary_credentials=False)
    sso = {"source": "sso", "accessKeyKind": "temporary", "hasSessionToken": True,
           "expiresAt": "2026-01-01T00:00:00Z"}  # fmt: skip
    assert not ecr_core.auth.is_long_lived(sso)
    ecr_core.auth.check_credential_policy(sso)
    no_token = {**sso, "source": "credential_process", "hasSessionToken": False}
    with pytest.raises(ecr_core.InvalidArgumentError):  # not a source spelling
        ecr_core.auth.check_credential_policy(no_token)
    with pytest.raises(ecr_core.LongLivedCredentialsError) as session:
        ecr_core.auth.check_credential_policy({**no_token, "source": "process"})
    assert "session token" in str(session.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.is_long_lived({**sso, "accessKeyKind": "forever"})
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.auth.is_long_lived({**sso, "expiresAt": "soon"})
