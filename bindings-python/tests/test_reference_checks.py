"""Reference checks: repository-name, tag and digest grammar, and registry hosts built from their
parts; the hosts are checked against the shared ``fixtures/auth/hosts.json`` through ``RegistryHost``."""

from __future__ import annotations

import json

import pytest

import ecr_core
from conftest import FIXTURES
from ecr_core.reference import RegistryHost


def test_registry_host_rebuilds_every_private_fixture_host() -> None:
    data = json.loads((FIXTURES / "auth" / "hosts.json").read_text())
    rebuilt = 0
    for case in data["accept"]:
        try:
            parsed = RegistryHost(case["input"])
        except ecr_core.InvalidReferenceError:
            continue  # forms only the credential helper accepts (host:443)
        if parsed.kind != "private":
            continue
        assert parsed.registry_id is not None and parsed.region is not None
        host = RegistryHost.private(parsed.registry_id, parsed.region, fips=parsed.fips, dual_stack=parsed.dual_stack)
        assert str(host) == case["host"], case["input"]
        rebuilt += 1
    assert rebuilt >= 10


def test_registry_host_refuses_bad_parts() -> None:
    with pytest.raises(ecr_core.InvalidReferenceError):
        RegistryHost.private("12345", "us-east-1")
    with pytest.raises(ecr_core.InvalidReferenceError):
        RegistryHost.private("123456789012", "not a region")


@pytest.mark.parametrize("name", ["app", "team/service", "a/b-c/d_e.f"])
def test_valid_repository_names(name: str) -> None:
    ecr_core.reference.validate_repository_name(name)


@pytest.mark.parametrize("name", ["", "a", "Team/app", "app/", "/app", "a//b", "x" * 257])
def test_invalid_repository_names(name: str) -> None:
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.reference.validate_repository_name(name)


def test_tags_and_digests() -> None:
    ecr_core.reference.validate_tag("v1.2.3_rc-1")
    ecr_core.reference.validate_digest("sha256:" + "0" * 64)
    for bad in ("", ".v1", "-v1", "bad tag", "x" * 129):
        with pytest.raises(ecr_core.InvalidReferenceError):
            ecr_core.reference.validate_tag(bad)
    for bad in ("sha256:" + "0" * 63, "sha256:" + "G" * 64, "md5:" + "0" * 32, "0" * 64):
        with pytest.raises(ecr_core.InvalidReferenceError):
            ecr_core.reference.validate_digest(bad)
