"""Bad arguments raise InvalidArgumentError naming what is wrong, before any request is sent."""

from __future__ import annotations

import pytest

import ecr_core

# Port 9 (discard) on loopback: nothing answers, so a request that was sent would fail with TransportError,
# not with the InvalidArgumentError these tests expect.
OFFLINE = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def offline() -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region="us-east-1", endpoint_url=OFFLINE)


def test_unknown_settings_key(offline: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"settings\.scanOnPsuh: unknown field `scanOnPsuh`"):
        offline.create_repository("x", {"scanOnPsuh": True})  # type: ignore[arg-type]


def test_wrong_settings_value(offline: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match="settings") as info:
        offline.create_repository("x", {"tagMutability": "SOMETIMES"})  # type: ignore[arg-type]
    assert info.value.code == "InvalidArgument"


def test_settings_must_be_a_dict(offline: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match="expected a dict"):
        offline.create_repository("x", ["IMMUTABLE"])  # type: ignore[arg-type]


def test_settings_values_must_be_json(offline: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"settings\.kmsKey: .*no JSON equivalent"):
        offline.create_repository("x", {"kmsKey": object()})  # type: ignore[arg-type]


def test_non_finite_numbers_are_refused_where_they_are(offline: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"options\.concurrency: not a finite number: NaN"):
        offline.discover_inventory({"concurrency": float("nan")})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([""], r"image_ids\[0\]"),
        ([{"imageTag": "a"}, {}], r"image_ids\[1\]: needs imageDigest or imageTag"),
        ([{"tag": "a"}], r'unknown key "tag"'),
        ("v1", "expected a list"),
        ([3], r"image_ids\[0\]"),
    ],
)
def test_bad_image_ids(offline: ecr_core.EcrClient, ids: object, message: str) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match=message):
        offline.describe_images("repo", ids)  # type: ignore[arg-type]


def test_unreachable_endpoint_is_a_transport_error() -> None:
    client = ecr_core.EcrClient(region="us-east-1", endpoint_url=OFFLINE)
    with pytest.raises(ecr_core.EcrError) as info:
        client.list_repositories()
    assert info.value.code in {"Transport", "Timeout", "NoCredentials"}


def test_no_region_raises_no_region_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(ecr_core.NoRegionError) as info:
        ecr_core.EcrClient()
    assert info.value.code == "NoRegion"


def test_async_client_reports_configuration_errors_on_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = ecr_core.AsyncEcrClient()
    assert "AsyncEcrClient(" in repr(client)

    async def first_call() -> None:
        await client.list_repositories()

    with pytest.raises(ecr_core.NoRegionError):
        asyncio.run(first_call())
