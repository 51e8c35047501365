"""ecr_core.reference: typed ImageReference / RegistryHost values, checked against the shared
``fixtures/references`` cases (the parse_reference program's expected outputs), or InvalidReferenceError."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES
from ecr_core.reference import ImageReference, RegistryHost

DIGEST = "sha256:" + "0123456789abcdef" * 4


def cases(name: str) -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "references" / name).read_text())["cases"]  # type: ignore[no-any-return]


def host_of(text: str) -> RegistryHost:
    """How the program reads an input without a repository: a server URL or a bare host."""
    return RegistryHost.from_server_url(text) if "://" in text else RegistryHost(text)


def fields(host: RegistryHost, image: ImageReference | None) -> dict[str, Any]:
    return {
        "kind": host.kind, "registry_id": host.registry_id, "region": host.region, "fips": host.fips,
        "dual_stack": host.dual_stack, "dns_suffix": host.dns_suffix,
        "repository": image.repository if image else None, "tag": image.tag if image else None,
        "digest": image.digest if image else None,
    }  # fmt: skip


@pytest.mark.parametrize("case", cases("valid.json"), ids=lambda c: c["name"])
def test_every_valid_fixture_reads_as_the_program_reads_it(case: dict[str, Any]) -> None:
    text, expected = case["input"], case["expected"]
    if expected["repository"] is None:
        host, image = host_of(text), None
    else:
        image = ecr_core.parse_reference(text)
        host = image.host
        assert str(image) == text
        assert image == ImageReference(text) and hash(image) == hash(ImageReference(text))
    assert fields(host, image) == {k: v for k, v in expected.items() if k not in ("input", "ok")}


@pytest.mark.parametrize("case", cases("invalid.json"), ids=lambda c: c["name"])
def test_every_invalid_fixture_raises_with_the_programs_message(case: dict[str, Any]) -> None:
    text = case["input"]
    with pytest.raises(ecr_core.InvalidReferenceError) as info:
        if "://" in text or "/" not in text:
            host_of(text)
        else:
            ecr_core.parse_reference(text)
    assert info.value.code == case["expected"]["code"] == "InvalidReference"
    assert case["expected"]["message"] in str(info.value)
    assert info.value.request_id is None


def test_attributes_and_repr() -> None:
    image = ecr_core.parse_reference(f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1@{DIGEST}")
    assert (image.repository, image.tag, image.digest) == ("team/app", "v1", DIGEST)
    assert image.host.registry_id == "123456789012" and image.host.region == "eu-west-1"
    assert image.repository_uri == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app"
    assert repr(image) == f'ImageReference("{image}")'
    assert repr(image.host) == 'RegistryHost("123456789012.dkr.ecr.eu-west-1.amazonaws.com")'
    assert {image, ImageReference(str(image))} == {image}
    public = ecr_core.parse_reference("public.ecr.aws/nginx/nginx:latest")
    assert public.host.kind == "public" and public.host == RegistryHost.public()
    assert public.host.registry_id is None


def test_a_host_is_not_an_image_reference() -> None:
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.parse_reference("123456789012.dkr.ecr.us-east-1.amazonaws.com")
