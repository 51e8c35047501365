"""The small pure helpers: ImageReference / RegistryHost builders, the verify check policy table, scan
severities and report formats, and the strict findings reader."""

from __future__ import annotations

import json

import pytest

import ecr_core
from conftest import FIXTURES
from ecr_core.reference import ImageReference, RegistryHost
from shapes import assert_shape

HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
DIGEST = "sha256:" + "0123456789abcdef" * 4
OTHER = "sha256:" + "f" * 64


# --- ImageReference -----------------------------------------------------------------------------------


def test_reference_builders_replace_and_drop_tag_and_digest() -> None:
    ref = ImageReference(f"{HOST}/team/app:v1@{DIGEST}")
    assert str(ref.with_tag("v2")) == f"{HOST}/team/app:v2@{DIGEST}"
    assert str(ref.with_digest(OTHER)) == f"{HOST}/team/app:v1@{OTHER}"
    assert str(ref.without_tag()) == f"{HOST}/team/app@{DIGEST}"
    assert str(ref.without_digest()) == f"{HOST}/team/app:v1"
    bare = ImageReference(f"{HOST}/team/app")
    assert bare.without_tag() == bare
    assert str(bare.with_tag("latest")) == f"{HOST}/team/app:latest"
    assert ref.repository_uri == f"{HOST}/team/app"
    assert str(ref) == f"{HOST}/team/app:v1@{DIGEST}", "builders return new values"


def test_reference_builders_check_what_they_are_given() -> None:
    bare = ImageReference(f"{HOST}/team/app")
    with pytest.raises(ecr_core.InvalidReferenceError):
        bare.with_tag("-bad")
    with pytest.raises(ecr_core.InvalidReferenceError):
        bare.with_digest("sha256:short")
    with pytest.raises(ecr_core.InvalidReferenceError):
        ImageReference("ghcr.io/acme/app:v1")


# --- RegistryHost -------------------------------------------------------------------------------------


def test_host_builders() -> None:
    host = RegistryHost(HOST)
    fips = host.with_fips(True)
    assert str(fips) == "123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com" and fips.fips
    assert fips.with_fips(False) == host
    assert RegistryHost.public().with_fips(True) == RegistryHost("public.ecr.aws")
    dual = host.with_dual_stack(True)
    assert str(dual) == "123456789012.dkr-ecr.eu-west-1.on.aws" and dual.dual_stack
    assert dual.with_dual_stack(False) == host
    assert str(RegistryHost.public().with_dual_stack(True)) == "ecr-public.aws.com"
    assert RegistryHost.private("123456789012", "eu-west-1", fips=True) == fips


def test_server_urls() -> None:
    assert str(RegistryHost.from_server_url(f"https://{HOST}/v2/")) == HOST
    assert str(RegistryHost.from_server_url(HOST)) == HOST
    assert RegistryHost(HOST).server_url == f"https://{HOST}"
    with pytest.raises(ecr_core.InvalidReferenceError):
        RegistryHost.from_server_url(f"http://{HOST}")
    with pytest.raises(ecr_core.InvalidReferenceError):
        RegistryHost.from_server_url(f"https://user@{HOST}")


def test_partitions() -> None:
    assert ecr_core.reference.partition_of_region("eu-west-1") == {
        "name": "aws", "dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "on.aws",
    }  # fmt: skip
    cn = ecr_core.reference.partition_of_region("cn-north-1")
    assert_shape(cn, "PartitionInfo")
    assert cn["name"] == "aws-cn" and cn["dnsSuffix"] == "amazonaws.com.cn"
    assert ecr_core.reference.partition_of_region("us-gov-west-1")["name"] == "aws-us-gov"


# --- verify check policy ------------------------------------------------------------------------------


def test_default_check_policy_in_report_order() -> None:
    table = ecr_core.verify.default_check_policy()
    assert list(table) == ecr_core.verify.check_names() == [
        "tags", "integrity", "platforms", "non-root", "labels", "no-secrets", "healthcheck", "replication",
        "referrers",
    ]  # fmt: skip
    assert table["tags"] == "required" and table["healthcheck"] == "warn" and table["referrers"] == "skip"


def test_check_policy_applies_the_table_then_the_lists() -> None:
    table = ecr_core.verify.check_policy({"labels": "warn", "referrers": "required"}, skip="labels", warn=" tags ")
    assert table["labels"] == "skip" and table["referrers"] == "required" and table["tags"] == "warn"
    assert ecr_core.verify.check_policy() == ecr_core.verify.default_check_policy()
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        ecr_core.verify.check_policy({"nope": "warn"})
    assert "nope" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.check_policy({"labels": "REQUIRED"})
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.check_policy(require="tags,bogus")


# --- scan severities, formats, strict reader ----------------------------------------------------------


def test_severities_parse_and_order() -> None:
    order = ecr_core.scan.severities()
    assert order == ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED", "UNDEFINED"]
    assert ecr_core.scan.parse_severity(" high ") == "HIGH"
    assert ecr_core.scan.parse_severity("severe") is None
    assert ecr_core.scan.severity_of_finding("severe") == "UNDEFINED"
    assert ecr_core.scan.severity_of_finding() == "UNDEFINED"
    assert ecr_core.scan.severity_of_finding("critical") == "CRITICAL"
    assert ecr_core.scan.compare_severity("CRITICAL", "low") < 0
    assert ecr_core.scan.compare_severity("low", "LOW") == 0
    assert ecr_core.scan.compare_severity("UNDEFINED", "informational") > 0
    shuffled = ["LOW", "CRITICAL", "UNDEFINED", "HIGH"]
    import functools

    assert sorted(shuffled, key=functools.cmp_to_key(ecr_core.scan.compare_severity)) == [
        "CRITICAL", "HIGH", "LOW", "UNDEFINED",
    ]  # fmt: skip
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.scan.compare_severity("CRITICAL", "severe")


def test_report_formats_and_render() -> None:
    assert ecr_core.scan.parse_report_format("SARIF") == "sarif"
    assert ecr_core.scan.parse_report_format("md") == "markdown"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.scan.parse_report_format("html")
    decision = ecr_core.scan.evaluate_findings(
        (FIXTURES / "scan" / "basic_page.json").read_text(), {}, now="2026-06-01T00:00:00Z"
    )
    assert json.loads(decision.render("json")) == decision.to_dict()
    assert json.loads(decision.render("sarif")) == decision.to_sarif()
    assert decision.render("MD") == decision.to_markdown()
    with pytest.raises(ecr_core.InvalidArgumentError):
        decision.render("html")


def test_strict_findings_reader() -> None:
    text = (FIXTURES / "scan" / "enhanced_page.json").read_text()
    assert ecr_core.scan.parse_findings_strict(text) == ecr_core.scan.parse_findings(text)
    page = json.loads(text)
    page["imageScanFindings"]["enhancedFindings"][0]["severity"] = 7
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        ecr_core.scan.parse_findings_strict(json.dumps([page]))
    assert "[0].imageScanFindings.enhancedFindings[0]" in str(info.value)
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.scan.parse_findings_strict("[]")


# --- tag text helpers, platform normal form, image id ---------------------------------------------------


def test_tag_text_helpers() -> None:
    assert ecr_core.tagging.is_reserved_tag("sha256-" + "a" * 64)
    assert ecr_core.tagging.is_reserved_tag("sha256-" + "a" * 64 + ".sig")
    assert not ecr_core.tagging.is_reserved_tag("sha256-" + "a" * 64 + ".txt")
    assert not ecr_core.tagging.is_reserved_tag("v1.2.3")
    assert ecr_core.tagging.replace_illegal_runs("feature/new login") == "feature-new-login"
    assert ecr_core.tagging.fit_tag("feature/x", prefix="pr-") == "pr-feature-x"
    assert ecr_core.tagging.fit_tag("...") is None
    long = ecr_core.tagging.fit_tag("a" * 200, suffix="-amd64")
    assert long is not None and len(long) == 128 and long.endswith("-amd64")
    assert long != ecr_core.tagging.fit_tag("a" * 199 + "b", suffix="-amd64")


def test_platform_normal_form_and_image_id() -> None:
    assert ecr_core.verify.normalize_platform("Linux/aarch64/v8") == "linux/arm64"
    assert ecr_core.verify.normalize_platform("linux/x86_64") == "linux/amd64"
    assert ecr_core.verify.normalize_platform("linux/arm/v7") == "linux/arm/v7"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.verify.normalize_platform("linux")
    assert ImageReference(f"{HOST}/team/app:v1@{DIGEST}").image_id() == {"imageDigest": DIGEST, "imageTag": "v1"}
    assert ImageReference(f"{HOST}/team/app:v1").image_id() == {"imageTag": "v1"}
    assert ImageReference(f"{HOST}/team/app").image_id() is None
