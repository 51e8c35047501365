"""Tagging: the shared fixtures (28 plan cases, 12 CI environments), the ``tag_plan`` program, bad input, and
the plan checked against the local ECR emulator (sync and asyncio)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, unique
from shapes import assert_shape

PLANS = sorted((FIXTURES / "tagging" / "plans").glob("*.json"))
ENVS = sorted((FIXTURES / "tagging" / "env").glob("*.json"))


def _plan(case: dict[str, Any]) -> ecr_core.tagging.PlanReport:
    strategy = ecr_core.tagging.TagStrategy.from_json(json.dumps(case["strategy"]))
    repo = case.get("repository") or {}
    return strategy.plan(
        case["context"],
        policy=case.get("policy"),
        existing=repo.get("imageDetails"),
        mutability=repo.get("mutability"),
        exclusions=repo.get("exclusionFilters", []),
        digest=case.get("digest"),
    )


def test_every_fixture_is_replayed() -> None:
    assert len(PLANS) == 28
    assert len(ENVS) == 12


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_plan_fixture(path: Path) -> None:
    case = json.loads(path.read_text())
    if "expectedError" in case:
        with pytest.raises(ecr_core.EcrError) as info:
            _plan(case)
        err = info.value
        assert err.code == case["expectedError"]["code"], str(err)
        paths = [f["path"] for f in getattr(err, "errors", [])]
        assert paths == case["expectedError"]["paths"], str(err)
        return
    report = _plan(case)
    assert_shape(report.to_dict(), "PlanReport")
    assert report.to_dict() == case["expected"]
    # to_json() is the program's pretty-printed text; the properties are its parts.
    assert report.to_json() == json.dumps(case["expected"], indent=2, ensure_ascii=False)
    assert report.ok == (not case["expected"]["violations"])
    assert report.tags == case["expected"]["tags"]
    assert report.tag_values == [t["value"] for t in case["expected"]["tags"]]
    assert report.labels == case["expected"]["labels"]
    assert report.violations == case["expected"]["violations"]
    assert report.warnings == case["expected"]["warnings"]


def test_env_fixtures_give_the_expected_contexts(tmp_path: Path) -> None:
    cis = set()
    for path in ENVS:
        case = json.loads(path.read_text())
        env = dict(case["env"])
        if "eventPayload" in case:
            event = tmp_path / path.name
            event.write_text(json.dumps(case["eventPayload"]))
            env["GITHUB_EVENT_PATH"] = str(event)
        ctx = ecr_core.tagging.build_context_from_env(env)
        assert ctx == case["expected"], path.name
        cis.add(ctx["ci"])
    assert len(cis) == 5


def test_context_from_env_outside_ci_is_refused() -> None:
    with pytest.raises(ecr_core.InvalidArgumentError) as info:
        ecr_core.tagging.build_context_from_env({"HOME": "/root"})
    assert "no supported CI" in str(info.value)


def test_process_env_is_read_when_no_mapping_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    case = json.loads((FIXTURES / "tagging" / "env" / "gitlab-tag.json").read_text())
    for key in [k for k in os.environ if k.startswith(("GITHUB_", "GITLAB_", "CI_", "BUILDKITE", "CIRCLE", "JENKINS"))]:
        monkeypatch.delenv(key)
    for key, value in case["env"].items():
        monkeypatch.setenv(key, value)
    assert ecr_core.tagging.build_context_from_env() == case["expected"]


def test_same_report_as_the_tag_plan_program() -> None:
    bin_dir = os.environ.get("ECR_CORE_BIN_DIR")
    program = Path(bin_dir or "") / "tag_plan"
    if not bin_dir or not program.exists():
        pytest.skip("ECR_CORE_BIN_DIR/tag_plan not built (scripts/test-python sets ECR_CORE_BIN_DIR)")
    demo = FIXTURES / "tagging" / "demo"
    out = subprocess.run(
        [str(program), "--context", str(demo / "context.json"), "--strategy", str(demo / "strategy.json"),
         "--existing", str(demo / "existing.json"), "--policy", "production"],
        capture_output=True, text=True, check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    strategy = ecr_core.tagging.TagStrategy.from_json((demo / "strategy.json").read_text())
    report = strategy.plan(
        (demo / "context.json").read_text(), policy="production", existing=(demo / "existing.json").read_text()
    )
    assert report.to_json() == out.stdout.rstrip("\n")
    assert out.returncode == (0 if report.ok else 1)


CONTEXT = {"sha": "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39", "ref": "refs/tags/v1.2.3",
           "created": "2026-03-04T05:06:07Z"}


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"mutability": "SOMETIMES"}, ecr_core.InvalidArgumentError),
        ({"policy": "lenient"}, ecr_core.InvalidArgumentError),
        ({"policy": {"maxTagsPerImage": 0}}, ecr_core.PolicyValidationError),
        ({"existing": [{"imageTags": ["x"]}]}, ecr_core.InvalidArgumentError),
        ({"digest": "sha256:nope"}, ecr_core.EcrError),
    ],
)
def test_bad_plan_arguments_raise_typed_errors(kwargs: dict[str, Any], error: type[ecr_core.EcrError]) -> None:
    strategy = ecr_core.tagging.TagStrategy.from_json('{"tags": ["type=semver,pattern={{version}}"]}')
    with pytest.raises(error):
        strategy.plan(CONTEXT, **kwargs)


def test_bad_context_and_strategy_raise_typed_errors() -> None:
    strategy = ecr_core.tagging.TagStrategy.from_json('{"tags": ["type=sha"]}')
    with pytest.raises(ecr_core.EcrError):
        strategy.plan({"sha": 5})
    with pytest.raises(ecr_core.InvalidArgumentError):
        strategy.plan({"sha": object()})
    with pytest.raises(ecr_core.EcrError):
        ecr_core.tagging.TagStrategy.from_json("not json")
    assert "TagStrategy(rules=1)" == repr(strategy)


MEDIA = "application/vnd.oci.image.manifest.v1+json"


def _manifest(seed: str) -> tuple[str, str]:
    body = json.dumps(
        {"schemaVersion": 2, "mediaType": MEDIA,
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                    "digest": "sha256:" + hashlib.sha256(seed.encode()).hexdigest(), "size": 2},
         "layers": []},
        separators=(",", ":"),
    )
    return body, "sha256:" + hashlib.sha256(body.encode()).hexdigest()


@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


def _repo_with_release(client: ecr_core.EcrClient) -> tuple[str, str]:
    name = unique("py-tagging")
    client.create_repository(name, {"tagMutability": "MUTABLE"})
    body, digest = _manifest(name)
    client.put_image(name, body, media_type=MEDIA, tag="1.2.3", digest=digest)
    return name, digest


def test_check_tag_plan_against_the_emulator(client: ecr_core.EcrClient) -> None:
    name, digest = _repo_with_release(client)
    state = client.repository_tag_state(name)
    assert_shape(state, "RepositoryTagState")
    assert state["mutability"] == "MUTABLE"
    assert [i["imageTags"] for i in state.get("imageDetails") or []] == [["1.2.3"]]
    strategy = ecr_core.tagging.TagStrategy.from_json('{"tags": ["type=semver,pattern={{version}}"]}')
    _, rebuilt = _manifest(name + "-rebuilt")
    report = client.check_tag_plan(name, strategy, CONTEXT, digest=rebuilt)
    assert not report.ok
    assert [v["code"] for v in report.violations] == ["retag-immutable"]
    # The same digest again is no violation; the offline plan over the same state agrees.
    same = client.check_tag_plan(name, strategy, CONTEXT, digest=digest)
    assert same.ok
    offline = strategy.plan(CONTEXT, existing=state.get("imageDetails"), mutability="MUTABLE", digest=digest)
    assert offline.to_dict() == same.to_dict()
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        client.repository_tag_state(unique("py-tagging-missing"))


@pytest.mark.asyncio
async def test_check_tag_plan_async(client: ecr_core.EcrClient, emulator: dict[str, str]) -> None:
    name, digest = _repo_with_release(client)
    aclient = ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
    strategy = ecr_core.tagging.TagStrategy.from_json('{"tags": ["type=semver,pattern={{version}}", "type=sha"]}')
    report = await aclient.check_tag_plan(name, strategy, json.dumps(CONTEXT), policy="production", digest=digest)
    assert [v["code"] for v in report.violations] == ["latest-forbidden"]
    state = await aclient.repository_tag_state(name)
    assert state["mutability"] == "MUTABLE"
    with pytest.raises(ecr_core.RepositoryNotFoundError):
        await aclient.check_tag_plan(unique("py-tagging-missing"), strategy, CONTEXT)


@pytest.mark.parametrize("path", PLANS, ids=[p.stem for p in PLANS])
def test_plan_tags_then_check_plan_match_the_fixture(path: Path) -> None:
    """The two halves of ``TagStrategy.plan`` (the raw plan, then ``check_plan``) give the same report."""
    case = json.loads(path.read_text())
    if "expectedError" in case:
        with pytest.raises(ecr_core.EcrError):
            strategy = ecr_core.tagging.TagStrategy.from_json(json.dumps(case["strategy"]))
            plan = strategy.plan_tags(case["context"])
            ecr_core.tagging.check_plan(plan, policy=case.get("policy"), repository=case.get("repository"),
                                digest=case.get("digest"))
        return
    strategy = ecr_core.tagging.TagStrategy.from_json(json.dumps(case["strategy"]))
    repo = case.get("repository") or {}
    existing = [t for image in repo.get("imageDetails") or [] for t in image.get("imageTags", [])]
    plan = strategy.plan_tags(case["context"], existing_tags=existing)
    assert plan["tags"] == case["expected"]["tags"]
    assert plan["labels"] == case["expected"]["labels"]
    check = ecr_core.tagging.check_plan(plan, policy=case.get("policy"), repository=case.get("repository"),
                                digest=case.get("digest"))
    assert check == {"violations": case["expected"]["violations"], "warnings": case["expected"]["warnings"]}


def test_check_plan_rejects_bad_input() -> None:
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.check_plan({"tags": "nope", "labels": {}})
    plan = {"tags": [{"value": "latest", "kind": "rolling", "rule": "flavor.latest=true"}], "labels": {}}
    out = ecr_core.tagging.check_plan(plan, policy="production")
    assert {v["code"] for v in out["violations"]} >= {"latest-forbidden", "no-immutable-tag"}
    with pytest.raises(ecr_core.InvalidArgumentError):
        ecr_core.tagging.check_plan(plan, digest="sha256:nothex")
    with pytest.raises(ecr_core.EcrError):
        ecr_core.tagging.check_plan(plan, repository={"mutability": "SOMETIMES"})
