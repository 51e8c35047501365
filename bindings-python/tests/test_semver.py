"""The semver helpers (tagging::semver, apply_build_metadata) and a build context's derived facts."""

from __future__ import annotations

import pytest

import ecr_core
from shapes import assert_shape

TAGS = ["v2.0.1", "v1.9.3", "1.9", "latest", "v3.0.0-rc.1", "sha-abc1234", "1.8.0_abc"]


def test_parse_version_and_prerelease() -> None:
    assert ecr_core.tagging.parse_version(" =1.2.3-rc.1+b7 ") == {
        "version": "1.2.3-rc.1+b7",
        "major": 1,
        "minor": 2,
        "patch": 3,
        "pre": "rc.1",
        "build": "b7",
        "prerelease": True,
    }
    v = ecr_core.tagging.parse_version("v1.2.3")
    assert v is not None and v["version"] == "1.2.3" and not v["prerelease"]
    assert_shape(v, "ParsedVersion")
    assert ecr_core.tagging.parse_version("1.2") is None
    assert ecr_core.tagging.parse_version("release-1") is None
    assert ecr_core.tagging.is_prerelease("2.0.0-beta.1")
    assert not ecr_core.tagging.is_prerelease("v2.0.0")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.is_prerelease("latest")


def test_released_versions_and_backports() -> None:
    assert ecr_core.tagging.highest_released(TAGS) == "2.0.1"
    assert ecr_core.tagging.highest_released(TAGS, version="1.9.4", line="major") == "1.9.3"
    assert ecr_core.tagging.highest_released(TAGS, version="1.8.5", line="minor") == "1.8.0+abc"
    assert ecr_core.tagging.highest_released(TAGS, version="4.0.0", line="major") is None
    assert ecr_core.tagging.highest_released(["latest", "v3.0.0-rc.1"]) is None
    assert ecr_core.tagging.highest_released(["app-1.4.0-alpine", "app-1.5.0-alpine"], prefix="app-", suffix="-alpine") == (
        "1.5.0"
    )
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.highest_released(TAGS, line="major")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.highest_released(TAGS, version="1.9.4", line="patch")  # type: ignore[arg-type]
    assert not ecr_core.tagging.may_roll_to("1.9.4", TAGS)
    assert ecr_core.tagging.may_roll_to("1.9.4", TAGS, line="major")
    assert ecr_core.tagging.may_roll_to("1.9.4", TAGS, line="minor")
    assert not ecr_core.tagging.may_roll_to("1.9.2", TAGS, line="minor")
    assert ecr_core.tagging.may_roll_to("2.0.2", TAGS)
    assert ecr_core.tagging.may_roll_to("2.0.1+rebuild", TAGS)
    assert ecr_core.tagging.may_roll_to("1.9.2", [])
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.may_roll_to("main", TAGS)


def test_apply_build_metadata() -> None:
    assert ecr_core.tagging.apply_build_metadata("v1.2.3+abc") == "v1.2.3_abc"
    assert ecr_core.tagging.apply_build_metadata("v1.2.3+abc", "hyphen") == "v1.2.3-abc"
    assert ecr_core.tagging.apply_build_metadata("v1.2.3+abc", "drop") == "v1.2.3"
    assert ecr_core.tagging.apply_build_metadata("v1.2.3+abc", "reject") is None
    assert ecr_core.tagging.apply_build_metadata("v1.2.3", "reject") == "v1.2.3"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.apply_build_metadata("v1.2.3+abc", "plus")  # type: ignore[arg-type]


SHA = "0123456789ABCDEF0123456789abcdef01234567"


def test_describe_build_context() -> None:
    push = {"sha": SHA, "ref": "refs/heads/main", "defaultBranch": "main"}
    assert_shape(ecr_core.tagging.describe_build_context(push), "BuildContextFacts")
    assert ecr_core.tagging.describe_build_context(push) == {
        "ref": "refs/heads/main",
        "branch": "main",
        "tag": None,
        "pullRequest": None,
        "event": "push",
        "isDefaultBranch": True,
        "shortSha": "0123456",
    }
    pr = ecr_core.tagging.describe_build_context(
        {"sha": SHA, "ref": "refs/merge-requests/12/merge", "headRef": "feat/x", "defaultBranch": "main"},
        sha_length=10,
    )
    assert pr["ref"] == "refs/pull/12/head"
    assert pr["branch"] == "feat/x" and pr["pullRequest"] == 12 and pr["event"] == "pull_request"
    assert not pr["isDefaultBranch"] and pr["shortSha"] == "0123456789"
    tag = ecr_core.tagging.describe_build_context('{"ref": "refs/tags/v1.2.3"}')
    assert tag["tag"] == "v1.2.3" and tag["branch"] is None and tag["shortSha"] is None
    assert ecr_core.tagging.describe_build_context({"ref": "refs/heads/x", "isDefaultBranch": True})["isDefaultBranch"]
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.describe_build_context({"ref": "main"})


def test_normalize_git_ref() -> None:
    assert ecr_core.tagging.normalize_git_ref("refs/pull/12/merge") == "refs/pull/12/head"
    assert ecr_core.tagging.normalize_git_ref("refs/merge-requests/7/head") == "refs/pull/7/head"
    assert ecr_core.tagging.normalize_git_ref("refs/heads/feat/x") == "refs/heads/feat/x"
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.normalize_git_ref("main")
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.normalize_git_ref("refs/pull/x/merge")
