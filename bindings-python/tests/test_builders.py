"""The small pure helpers: ImageReference / RegistryHost builders, the verify check policy table, scan
severities and report formats, and the strict findings reader."""

from __future__ import annotations

import json

import pytest

import ecr_core
from conftest import FIXTURES

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
DIGEST = "sha256:" + "0123456789abcdef" * 4
OTHER = "sha256:" + "f" * 64


# --- ImageReference -----------------------------------------------------------------------------------


def test_reference_builders_replace_and_drop_tag_and_digest() -> None:
    ref = f"{HOST}/team/app:v1@{DIGEST}"
    assert ecr_core.reference_with_tag(ref, "v2") == f"{HOST}/team/app:v2@{DIGEST}"
    assert ecr_core.reference_with_digest(ref, OTHER) == f"{HOST}/team/app:v1@{OTHER}"
    assert ecr_core.reference_without_tag(ref) == f"{HOST}/team/app@{DIGEST}"
    assert ecr_core.reference_without_digest(ref) == f"{HOST}/team/app:v1"
    assert ecr_core.reference_without_tag(f"{HOST}/team/app") == f"{HOST}/team/app"
    assert ecr_core.reference_with_tag(f"{HOST}/team/app", "latest") == f"{HOST}/team/app:latest"
    assert ecr_core.reference_repository_uri(ref) == f"{HOST}/team/app"


def test_reference_builders_check_what_they_are_given() -> None:
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.reference_with_tag(f"{HOST}/team/app", "-bad")
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.reference_with_digest(f"{HOST}/team/app", "sha256:short")
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.reference_without_tag("ghcr.io/acme/app:v1")


# --- RegistryHost -------------------------------------------------------------------------------------


def test_host_builders() -> None:
    fips = ecr_core.host_with_fips(HOST, True)
    assert fips == "123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com"
    assert ecr_core.host_with_fips(fips, False) == HOST
    assert ecr_core.host_with_fips("public.ecr.aws", True) == "public.ecr.aws"
    dual = ecr_core.host_with_dual_stack(HOST, True)
    assert dual == "123456789012.dkr-ecr.eu-west-1.on.aws"
    assert ecr_core.host_with_dual_stack(dual, False) == HOST
    assert ecr_core.host_with_dual_stack("public.ecr.aws", True) == "ecr-public.aws.com"
    assert ecr_core.registry_host("123456789012", "eu-west-1", fips=True) == fips


def test_server_urls() -> None:
    assert ecr_core.host_from_server_url(f"https://{HOST}/v2/") == HOST
    assert ecr_core.host_from_server_url(HOST) == HOST
    assert ecr_core.host_server_url(HOST) == f"https://{HOST}"
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.host_from_server_url(f"http://{HOST}")
    with pytest.raises(ecr_core.InvalidReferenceError):
        ecr_core.host_from_server_url(f"https://user@{HOST}")


def test_partitions() -> None:
    assert ecr_core.partition_of_region("eu-west-1") == {
        "name": "aws", "dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "on.aws",
    }  # fmt: skip
    cn = ecr_core.partition_of_region("cn-north-1")
    assert cn["name"] == "aws-cn" and cn["dnsSuffix"] == "amazonaws.com.cn"
    assert ecr_core.partition_of_region("us-gov-west-1")["name"] == "aws-us-gov"


# --- verify check policy ------------------------------------------------------------------------------


def test_default_check_policy_in_report_order() -> None:
    table = ecr_core.default_check_policy()
    assert list(table) == ecr_core.check_names() == [
        "tags", "integrity", "platforms", "non-root", "labels", "no-secrets", "healthcheck", "replication",
        "referrers",
    ]  # fmt: skip
    assert table["tags"] == "required" and table["healthcheck"] == "warn" and table["referrers"] == "skip"


def test_check_policy_applies_the_table_then_the_lists() -> None:
    table = ecr_core.check_policy({"labels": "warn", "referrers": "required"}, skip="labels", warn=" tags ")
    assert table["labels"] == "skip" and table["referrers"] == "required" and table["tags"] == "warn"
    assert ecr_core.check_policy() == ecr_core.default_check_policy()
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        ecr_core.check_policy({"nope": "warn"})
    assert "nope" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.check_policy({"labels": "REQUIRED"})
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.check_policy(require="tags,bogus")


# --- scan severities, formats, strict reader ----------------------------------------------------------


def test_severities_parse_and_order() -> None:
    order = ecr_core.severities()
    assert order == ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED", "UNDEFINED"]
    assert ecr_core.parse_severity(" high ") == "HIGH"
    assert ecr_core.parse_severity("severe") is None
    assert ecr_core.severity_of_finding("severe") == "UNDEFINED"
    assert ecr_core.severity_of_finding() == "UNDEFINED"
    assert ecr_core.severity_of_finding("critical") == "CRITICAL"
    assert ecr_core.compare_severity("CRITICAL", "low") < 0
    assert ecr_core.compare_severity("low", "LOW") == 0
    assert ecr_core.compare_severity("UNDEFINED", "informational") > 0
    shuffled = ["LOW", "CRITICAL", "UNDEFINED", "HIGH"]
    import functools

    assert sorted(shuffled, key=functools.cmp_to_key(ecr_core.compare_severity)) == [
        "CRITICAL", "HIGH", "LOW", "UNDEFINED",
    ]  # fmt: skip
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.compare_severity("CRITICAL", "severe")


def test_report_formats_and_render() -> None:
    assert ecr_core.parse_report_format("SARIF") == "sarif"
    assert ecr_core.parse_report_format("md") == "markdown"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.parse_report_format("html")
    decision = ecr_core.evaluate_findings(
        (FIXTURES / "scan" / "basic_page.json").read_text(), {}, now="2026-06-01T00:00:00Z"
    )
    assert json.loads(decision.render("json")) == decision.to_dict()
    assert json.loads(decision.render("sarif")) == decision.to_sarif()
    assert decision.render("MD") == decision.to_markdown()
    with pytest.raises(ecr_core.InvalidArgumentError):
        decision.render("html")


def test_strict_findings_reader() -> None:
    text = (FIXTURES / "scan" / "enhanced_page.json").read_text()
    assert ecr_core.parse_findings_strict(text) == ecr_core.parse_findings(text)
    page = json.loads(text)
    page["imageScanFindings"]["enhancedFindings"][0]["severity"] = 7
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        ecr_core.parse_findings_strict(json.dumps([page]))
    assert "[0].imageScanFindings.enhancedFindings[0]" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.parse_findings_strict("[]")


# --- tag text helpers, platform normal form, image id ---------------------------------------------------


def test_tag_text_helpers() -> None:
    assert ecr_core.is_reserved_tag("sha256-" + "a" * 64)
    assert ecr_core.is_reserved_tag("sha256-" + "a" * 64 + ".sig")
    assert not ecr_core.is_reserved_tag("sha256-" + "a" * 64 + ".txt")
    assert not ecr_core.is_reserved_tag("v1.2.3")
    assert ecr_core.replace_illegal_runs("feature/new login") == "feature-new-login"
    assert ecr_core.fit_tag("feature/x", prefix="pr-") == "pr-feature-x"
    assert ecr_core.fit_tag("...") is None
    long = ecr_core.fit_tag("a" * 200, suffix="-amd64")
    assert long is not None and len(long) == 128 and long.endswith("-amd64")
    assert long != ecr_core.fit_tag("a" * 199 + "b", suffix="-amd64")


def test_platform_normal_form_and_image_id() -> None:
    assert ecr_core.normalize_platform("Linux/aarch64/v8") == "linux/arm64"
    assert ecr_core.normalize_platform("linux/x86_64") == "linux/amd64"
    assert ecr_core.normalize_platform("linux/arm/v7") == "linux/arm/v7"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.normalize_platform("linux")
    assert ecr_core.reference_image_id(f"{HOST}/team/app:v1@{DIGEST}") == {"imageDigest": DIGEST, "imageTag": "v1"}
    assert ecr_core.reference_image_id(f"{HOST}/team/app:v1") == {"imageTag": "v1"}
    assert ecr_core.reference_image_id(f"{HOST}/team/app") is None
