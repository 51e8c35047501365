"""EcrClient (blocking) and AsyncEcrClient (asyncio) against the local ECR emulator (moto)."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from typing import Any

import pytest

import ecr_core
from conftest import unique
from shapes import assert_shape

MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:" + "a" * 64,
            "size": 2,
        },
        "layers": [],
    },
    separators=(",", ":"),
)
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST.encode()).hexdigest()


@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


def test_client_properties(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    assert client.region == emulator["AWS_REGION"]
    assert client.endpoint_url == emulator["AWS_ENDPOINT_URL"]
    assert "EcrClient(region=" in repr(client)


def test_create_describe_list(client: ecr_core.EcrClient) -> None:
    name = unique("py-sync")
    created = client.create_repository(name)
    assert_shape(created, "Repository")
    assert created["repositoryName"] == name
    # RepositorySettings.recommended(): immutable tags, scan on push, AES256.
    assert created["imageTagMutability"] == "IMMUTABLE"
    assert created["scanOnPush"] is True
    assert created["encryptionType"] == "AES256"
    assert created["repositoryUri"].endswith("/" + name)

    described = client.describe_repository(name)
    assert described == created

    names = [r["repositoryName"] for r in client.list_repositories()]
    assert name in names


def test_create_with_settings(client: ecr_core.EcrClient) -> None:
    name = unique("py-settings")
    repo = client.create_repository(name, {"tagMutability": "MUTABLE", "scanOnPush": False})
    assert repo["imageTagMutability"] == "MUTABLE"
    assert repo["scanOnPush"] is False


def test_missing_repository_raises_repository_not_found(client: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.RepositoryNotFoundError) as info:
        client.describe_repository(unique("py-missing"))
    assert info.value.code == "RepositoryNotFound"
    assert isinstance(info.value, ecr_core.EcrError)


def test_duplicate_repository_is_a_service_error(client: ecr_core.EcrClient) -> None:
    name = unique("py-dup")
    client.create_repository(name)
    with pytest.raises(ecr_core.EcrError) as info:
        client.create_repository(name)
    assert info.value.code == "ServiceError"
    assert "RepositoryAlreadyExists" in str(info.value)


def test_put_and_describe_images(client: ecr_core.EcrClient) -> None:
    name = unique("py-images")
    client.create_repository(name, {"tagMutability": "MUTABLE"})
    image_id = client.put_image(
        name,
        MANIFEST,
        media_type="application/vnd.oci.image.manifest.v1+json",
        tag="v1",
        digest=MANIFEST_DIGEST,
    )
    assert image_id == {"imageDigest": MANIFEST_DIGEST, "imageTag": "v1"}

    images = client.describe_images(name)
    for image in images:
        assert_shape(image, "ImageDetail")
    assert [i["imageDigest"] for i in images] == [MANIFEST_DIGEST]
    assert images[0]["imageTags"] == ["v1"]
    assert images[0]["imageStatus"] == "ACTIVE"
    assert images[0]["repositoryName"] == name

    by_tag = client.describe_images(name, ["v1"])
    by_digest = client.describe_images(name, [{"imageDigest": MANIFEST_DIGEST}])
    assert by_tag == by_digest == images


def test_describe_images_of_missing_repository(client: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.describe_images(unique("py-noimages"))


def test_unknown_image_raises_image_not_found(client: ecr_core.EcrClient) -> None:
    name = unique("py-noimage")
    client.create_repository(name)
    with pytest.raises(ecr_core.ImageNotFoundError) as info:
        client.describe_images(name, ["no-such-tag"])
    assert info.value.code == "ImageNotFound"


def test_blocking_calls_release_the_gil(client: ecr_core.EcrClient) -> None:
    # A Python thread keeps running while the main thread waits for the emulator.
    ticks = 0
    stop = threading.Event()

    def spin() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        before = ticks
        for _ in range(5):
            client.list_repositories()
        assert ticks > before
    finally:
        stop.set()
        thread.join()


class TestAsync:
    @pytest.fixture
    def aclient(self, emulator: dict[str, str]) -> ecr_core.AsyncEcrClient:
        return ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])

    @pytest.mark.asyncio
    async def test_create_describe_list(self, aclient: ecr_core.AsyncEcrClient) -> None:
        name = unique("py-async")
        created = await aclient.create_repository(name, {"tagMutability": "MUTABLE"})
        assert created["repositoryName"] == name
        assert created["imageTagMutability"] == "MUTABLE"
        assert await aclient.describe_repository(name) == created
        assert name in [r["repositoryName"] for r in await aclient.list_repositories()]

    @pytest.mark.asyncio
    async def test_put_and_describe_images(self, aclient: ecr_core.AsyncEcrClient) -> None:
        name = unique("py-async-images")
        await aclient.create_repository(name, {"tagMutability": "MUTABLE"})
        image_id = await aclient.put_image(name, MANIFEST, tag="latest", digest=MANIFEST_DIGEST)
        assert image_id == {"imageDigest": MANIFEST_DIGEST, "imageTag": "latest"}
        images = await aclient.describe_images(name, [{"imageTag": "latest"}])
        assert [i["imageDigest"] for i in images] == [MANIFEST_DIGEST]

    @pytest.mark.asyncio
    async def test_calls_run_concurrently(self, aclient: ecr_core.AsyncEcrClient) -> None:
        import asyncio

        names = [unique("py-gather") for _ in range(4)]
        created = await asyncio.gather(*(aclient.create_repository(n) for n in names))
        assert sorted(r["repositoryName"] for r in created) == sorted(names)

    @pytest.mark.asyncio
    async def test_missing_repository_raises(self, aclient: ecr_core.AsyncEcrClient) -> None:
        with pytest.raises(ecr_core.RepositoryNotFoundError) as info:
            await aclient.describe_repository(unique("py-async-missing"))
        assert info.value.code == "RepositoryNotFound"


def test_retry_and_timeout_settings(emulator: dict[str, str]) -> None:
    tuned = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"],
                               retry_mode="adaptive", max_attempts=2, initial_backoff=0.01, connect_timeout=1,
                               operation_timeout=5, attempt_timeout=math.inf)
    assert isinstance(tuned.list_repositories(), list)
    bad_settings: list[dict[str, Any]] = [{"retry_mode": "eager"}, {"max_attempts": 0}, {"max_attempts": -2},
                                          {"connect_timeout": -1}, {"attempt_timeout": math.nan},
                                          {"operation_timeout": math.inf}]
    for bad in bad_settings:
        with pytest.raises(ecr_core.InvalidArgumentError):
            ecr_core.EcrClient(region="us-east-1", **bad)
        with pytest.raises(ecr_core.InvalidArgumentError):
            ecr_core.AsyncEcrClient(region="us-east-1", **bad)
    # One attempt against a closed port fails fast and typed.
    start = time.monotonic()
    dead = ecr_core.EcrClient(region="us-east-1", endpoint_url="http://127.0.0.1:9", max_attempts=1,
                              connect_timeout=1, operation_timeout=3)
    with pytest.raises(ecr_core.EcrError) as info:
        dead.list_repositories()
    assert info.value.code in ("Transport", "Timeout") and time.monotonic() - start < 10


@pytest.mark.asyncio
async def test_async_client_retry_settings(emulator: dict[str, str]) -> None:
    tuned = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"],
                                    retry_mode="standard", max_attempts=1, operation_timeout=10)
    assert isinstance(await tuned.list_repositories(), list)


def test_explicit_credentials(emulator: dict[str, str]) -> None:
    # The emulator accepts any keys: explicit ones replace the (dummy) chain.
    explicit = ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"],
                                  access_key_id="AKIAEXPLICIT", secret_access_key="explicit-secret",
                                  session_token="explicit-token")
    assert isinstance(explicit.list_repositories(), list)
    bad_credentials: list[dict[str, Any]] = [{"access_key_id": "AKIA"}, {"secret_access_key": "s"},
                                             {"session_token": "t"}, {"access_key_id": "", "secret_access_key": "s"}]
    for bad in bad_credentials:
        with pytest.raises(ecr_core.InvalidArgumentError):
            ecr_core.EcrClient(region="us-east-1", **bad)
        with pytest.raises(ecr_core.InvalidArgumentError):
            ecr_core.AsyncEcrClient(region="us-east-1", **bad)


@pytest.mark.asyncio
async def test_async_explicit_credentials(emulator: dict[str, str]) -> None:
    explicit = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"],
                                       access_key_id="AKIAEXPLICIT", secret_access_key="explicit-secret")
    assert isinstance(await explicit.list_repositories(), list)
