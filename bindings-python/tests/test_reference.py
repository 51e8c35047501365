"""ecr_core.parse_reference: the parse_reference program's JSON object, or InvalidReferenceError."""

from __future__ import annotations

import pytest

import ecr_core

KEYS = [
    "input", "ok", "kind", "registry_id", "region", "fips", "dual_stack", "dns_suffix", "repository", "tag", "digest",
]  # fmt: skip
DIGEST = "sha256:" + "0123456789abcdef" * 4


def test_private_image_reference() -> None:
    text = f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1@{DIGEST}"
    parsed = ecr_core.parse_reference(text)
    assert list(parsed) == KEYS
    assert parsed == {
        "input": text,
        "ok": True,
        "kind": "private",
        "registry_id": "123456789012",
        "region": "eu-west-1",
        "fips": False,
        "dual_stack": False,
        "dns_suffix": "amazonaws.com",
        "repository": "team/app",
        "tag": "v1",
        "digest": DIGEST,
    }


def test_server_url_and_bare_host() -> None:
    url = ecr_core.parse_reference("https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/")
    host = ecr_core.parse_reference("123456789012.dkr.ecr.us-east-1.amazonaws.com")
    for parsed in (url, host):
        assert (parsed["kind"], parsed["registry_id"], parsed["region"]) == ("private", "123456789012", "us-east-1")
        assert parsed["repository"] is None and parsed["tag"] is None


def test_public_image_reference() -> None:
    parsed = ecr_core.parse_reference("public.ecr.aws/nginx/nginx:latest")
    assert parsed["kind"] == "public"
    assert parsed["tag"] == "latest"


@pytest.mark.parametrize(
    "text",
    [
        "public.ecr.aws/Team/app",  # upper case in a repository name
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:bad tag",
        " 123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "",
    ],
)
def test_invalid_references_raise(text: str) -> None:
    with pytest.raises(ecr_core.InvalidReferenceError) as info:
        ecr_core.parse_reference(text)
    assert info.value.code == "InvalidReference"
    assert info.value.request_id is None
    assert str(info.value)
