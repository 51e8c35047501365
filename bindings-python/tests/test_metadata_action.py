"""docker/metadata-action's own test table (``fixtures/tagging/metadata-action/``, ported from its
``__tests__/meta.test.ts``) through ``build_context_from_env`` and ``TagStrategy.metadata_action``: each case
gives the action's version, tags, labels and annotations, or exactly the output ``differences.json`` records
for it (the differences table in docs/tagging.md says why)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES

DIR = FIXTURES / "tagging" / "metadata-action"
REPO = json.loads((DIR / "repo.json").read_text())
DIFFERENCES: dict[str, Any] = json.loads((DIR / "differences.json").read_text())
CASES = [c for p in sorted((DIR / "cases").glob("*.json")) for c in json.loads(p.read_text())["cases"]]


def _context(case: dict[str, Any]) -> dict[str, Any]:
    """The context the action's tests give it: GitHub variables and event, the mocked repository facts and clock."""
    env = dict(case["env"])
    if "GITHUB_EVENT_PATH" in env:
        env["GITHUB_EVENT_PATH"] = str(DIR / "events" / env["GITHUB_EVENT_PATH"])
    ctx = ecr_core.tagging.build_context_from_env(env)
    ctx.update(
        created=REPO["mockedNow"],
        commitDate=REPO["mockedNow"],
        title=REPO["name"],
        source=REPO["html_url"],
        description=REPO["description"],
        licenses=REPO["license"]["spdx_id"],
    )
    ctx.setdefault("defaultBranch", REPO["default_branch"])
    return ctx


def _run(case: dict[str, Any]) -> dict[str, Any]:
    inputs = case["inputs"]
    expected = case["expected"]
    try:
        strategy = ecr_core.tagging.TagStrategy.from_json(
            json.dumps({k: inputs[k] for k in ("tags", "flavor", "labels", "annotations")})
        )
        out = strategy.metadata_action(
            _context(case), images=inputs["images"], annotation_levels=expected.get("annotationLevels", [])
        )
    except ecr_core.EcrError as e:
        return {"error": {"code": e.code, "paths": [f["path"] for f in getattr(e, "errors", None) or []]}}
    if "json" in expected:
        return {**expected, "json": out["json"]}
    return {
        "version": {"main": out["version"] or None},
        "tags": out["tags"],
        "labels": out["labels"],
        # The action's tests read annotations without their level.
        "annotations": [a.removeprefix("manifest:") for a in out["annotations"]],
    }


def test_the_whole_table_is_ported() -> None:
    assert len(CASES) >= 120
    assert all(c["source"] == "__tests__/meta.test.ts" for c in CASES)
    names = {c["test"] for c in CASES}
    assert set(DIFFERENCES) <= names


@pytest.mark.parametrize("case", CASES, ids=[c["test"] for c in CASES])
def test_case_matches_the_action_or_its_listed_difference(case: dict[str, Any]) -> None:
    got = _run(case)
    difference = DIFFERENCES.get(case["test"])
    if difference is None:
        expected = dict(case["expected"])
        if "version" in expected:
            expected["version"] = {"main": expected["version"]["main"]}
        assert got == expected
    else:
        assert got == difference["ecrCore"]
