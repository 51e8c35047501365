"""Registry settings: the pure resolver and audit over the shared snapshot (``fixtures/settings``) equal the
Rust golden outputs and the ``registry_settings`` program; the template check against a repository in the
emulator, sync and asyncio. Moto has no creation-template API, so the snapshot comes from the fixture."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique

SETTINGS = FIXTURES / "settings"



def _snapshot() -> str:
    return (SETTINGS / "snapshot.json").read_text()


def test_effective_settings_equal_the_golden_outputs() -> None:
    golden = json.loads((SETTINGS / "effective.json").read_text())
    assert len(golden["cases"]) >= 7
    for case in golden["cases"]:
        got = ecr_core.settings.effective_settings(_snapshot(), case["name"], existing=case.get("existing"))
        assert got == case["expected"], case["name"]


def test_audit_names_each_failed_check() -> None:
    repositories: list[dict[str, Any]] = json.loads((SETTINGS / "repositories.json").read_text())
    report = ecr_core.settings.audit_registry(_snapshot(), repositories, rolling_tags=["stable"])
    assert report["passed"] is False
    failed = [c["check"] for c in report["checks"] if c["status"] == "failed"]
    assert "template-lifecycle-policy[team/payments]" in failed
    assert "cache-rule-credential[ghcr]" in failed
    assert "enhanced-scanning-coverage" in failed


def test_bad_snapshots_raise_naming_the_field() -> None:
    with pytest.raises(ecr_core.PolicyValidationError) as e:
        ecr_core.settings.effective_settings('{"scanningConfiguration": {"scanType": "DEEP"}}', "a/b")
    assert [err["path"] for err in e.value.errors] == ["scanningConfiguration.scanType"]
    with pytest.raises(ecr_core.EcrError) as bad:
        ecr_core.settings.audit_registry(_snapshot(), [{"repositoryName": 5}])
    assert bad.value.code == "InvalidArgument" and "repositories" in str(bad.value)


@pytest.mark.asyncio
async def test_template_check_on_a_repository_in_the_emulator(
    client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient
) -> None:
    name = f"team/{unique('py-template')}"
    client.create_repository(name)
    report = client.audit_repository_with_templates(name, _snapshot())
    template = next(c for c in report["checks"] if c["check"] == "template")
    assert template["status"] == "failed"
    assert template["details"]["template"] == "team"
    assert report == await aclient.audit_repository_with_templates(name, _snapshot())


def test_one_login_for_many_registries(client: ecr_core.EcrClient, tmp_path: Any) -> None:
    hosts = ecr_core.auth.registry_hosts(["123456789012", "210987654321"], ["us-east-1", "eu-west-1"], dual_stack=True)
    assert len(hosts) == 8 and "210987654321.dkr-ecr.eu-west-1.on.aws" in hosts
    auth = ecr_core.auth.Authenticator(client, assume_now="2014-12-31T12:00:00Z")
    config = tmp_path / "config.json"
    logins = auth.login_all(hosts, config)
    assert [entry["host"] for entry in logins] == hosts
    written = json.loads(config.read_text())
    assert sorted(written["auths"]) == sorted(hosts)
    assert "auth-token" not in repr(logins)
    with pytest.raises(ecr_core.EcrError) as e:
        ecr_core.auth.registry_hosts(["not-an-account"], ["us-east-1"])
    assert e.value.code == "InvalidReference"
