"""The inventory of images in use from Python: the file sources against the golden document shared with the Rust
tests (``fixtures/inventory``), the preview with an inventory equal to the ``lifecycle_preview --inventory``
program, typed option errors, and discovery against the emulator (moto's server: an ECS service and the
revisions of its task definition family, an image Lambda function with a version, an alias and a newer
``$LATEST``, created with the AWS CLI), followed by the guarded deletion and the registry-wide report, sync and
asyncio. Moto has no ListImageReferrers, so discovery here finds referrers by their tags only."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import ecr_core
from conftest import FIXTURES, ROOT, unique
from ecr_core.inventory import (
    DiscoverOptions,
    Inventory,
    inventory_from_files,
    merge_inventories,
    preview_with_inventory,
    read_inventory,
)
from shapes import assert_shape

INVENTORY = FIXTURES / "inventory"
EXPIRE_ALL = {"rules": [{"rulePriority": 1, "description": "expire everything older than a day",
                         "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days",
                                       "countNumber": 1},
                         "action": {"type": "expire"}}]}


def digest(c: str) -> str:
    return "sha256:" + c * 64


def from_fixtures(monkeypatch: pytest.MonkeyPatch) -> Inventory:
    """The two fixture files read by the paths the golden document names them by."""
    monkeypatch.chdir(ROOT)
    return inventory_from_files([{"kind": "kubernetes", "path": "fixtures/inventory/kubernetes.json"},
                                 {"kind": "file", "path": "fixtures/inventory/uris.json"}])


def test_files_give_the_golden_inventory(monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = from_fixtures(monkeypatch)
    golden = json.loads((INVENTORY / "expected-offline.json").read_text())
    assert inventory == golden
    # Offline, the tags stay unresolved: incomplete, and the ECR source says why.
    assert inventory["complete"] is False
    assert [s["kind"] for s in inventory["sources"] if "error" in s] == ["ecr"]
    pod = next(u for u in inventory["images"][0]["uses"] if u["kind"] == "kubernetesPod")
    assert (pod["name"], pod["since"]) == ("shop/Pod/api-7c9f8d6b5-x2x7q", "2026-11-30T10:00:05Z")


def test_a_saved_inventory_is_checked_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (INVENTORY / "expected-offline.json").read_text()
    assert read_inventory(text) == read_inventory(json.loads(text)) == from_fixtures(monkeypatch)
    lying = json.loads(text)
    lying["complete"] = True
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        read_inventory(lying)
    assert "at complete" in str(e.value)
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        read_inventory(text.replace("ecr-core/inventory/v1", "ecr-core/inventory/v0"))
    assert "at schema" in str(e.value)
    bad_digest = {"schema": "ecr-core/inventory/v1", "complete": True, "sources": [],
                  "images": [{"digest": "sha256:zz", "uses": []}]}
    with pytest.raises(ecr_core.InvalidArgumentError, match=r"images\[0\]\.digest"):
        read_inventory(bad_digest)


def test_unreadable_files_are_failed_sources_and_merging_keeps_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('["123456789012.dkr.ecr.eu-west-1.amazonaws.com/a@' + digest("a") + '", 7]')
    good = tmp_path / "good.json"
    good.write_text(json.dumps(["123456789012.dkr.ecr.eu-west-1.amazonaws.com/a@" + digest("a")]))
    inventory = inventory_from_files([{"kind": "file", "path": str(bad)},
                                      {"kind": "file", "path": str(tmp_path / "missing.json")},
                                      {"kind": "file", "path": str(good)}])
    assert inventory["complete"] is False
    errors = {Path(s["name"]).name: s["error"] for s in inventory["sources"] if "error" in s}
    assert "[1] is not an image URI" in errors["bad.json"]["message"]
    assert errors["missing.json"]["code"] == "Io"
    assert [i["digest"] for i in inventory["images"]] == [digest("a")]
    whole = inventory_from_files([{"kind": "file", "path": str(good)}])
    assert whole["complete"] is True
    merged = merge_inventories([whole, json.dumps(inventory)])
    assert merged["complete"] is False
    assert len(merged["images"][0]["uses"]) == 1  # the same use from both: one entry


def test_bad_options_name_the_field_path(client: ecr_core.EcrClient) -> None:
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        helm: Any = {"kind": "helm", "path": "b.json"}
        inventory_from_files([{"kind": "kubernetes", "path": "a.json"}, helm])
    assert "files[1].kind" in str(e.value) and "helm" in str(e.value)
    bad: Any = {"taskDefinitionRevisions": "five"}
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        client.discover_inventory(bad)
    assert "options.taskDefinitionRevisions" in str(e.value)
    typo: Any = {"region": ["eu-west-1"]}
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        client.discover_inventory(typo)
    assert "unknown field `region`" in str(e.value)
    wrong: Any = {"services": ["ecs", "kubernetes"]}
    with pytest.raises(ecr_core.InvalidArgumentError) as e:
        client.discover_inventory(wrong)
    assert "services[1]" in str(e.value) and "kubernetes" in str(e.value).lower()


def program(name: str) -> Path:
    """A built example program (scripts/test-python exports ECR_CORE_BIN_DIR)."""
    path = Path(os.environ.get("ECR_CORE_BIN_DIR", "")) / name
    if not path.is_file():
        pytest.skip(f"{path} is not built")
    return path


def test_the_preview_with_an_inventory_equals_the_program(tmp_path: Path) -> None:
    used = digest("a")
    uris = tmp_path / "in-use.json"
    uris.write_text(json.dumps([f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api@{used}"]))
    inventory = inventory_from_files([{"kind": "file", "path": str(uris)}])
    assert inventory["complete"] is True
    # The image in use, its cosign signature (legacy tag) and an unused image.
    images = [
        {"imageDigest": used, "imageTags": ["1.4.2"], "imagePushedAt": "2026-01-01T00:00:00Z"},
        {"imageDigest": digest("5"), "imageTags": [f"sha256-{'a' * 64}.sig"], "imagePushedAt": "2026-01-01T00:00:00Z"},
        {"imageDigest": digest("d"), "imageTags": ["old"], "imagePushedAt": "2026-01-01T00:00:00Z"},
    ]
    now = "2026-12-01T00:00:00Z"
    doc = preview_with_inventory(EXPIRE_ALL, images, inventory, now=now)
    assert [r["imageDigest"] for r in doc["previewResults"]] == [digest("d")]
    assert doc["inventoryComplete"] is True
    hits = {h["imageDigest"]: h for h in doc["inUse"][0]["images"]}
    assert doc["inUse"][0]["rulePriority"] == 1
    assert hits[used]["uses"][0] == {"kind": "file", "name": str(uris), "reference": json.loads(uris.read_text())[0]}
    assert hits[digest("5")]["uses"][0]["kind"] == "referrer" and hits[digest("5")]["uses"][0]["via"] == used
    # A LifecyclePolicy and LifecycleImages give the same document.
    same = preview_with_inventory(ecr_core.lifecycle.LifecyclePolicy.from_dict(EXPIRE_ALL),
                                  ecr_core.lifecycle.LifecycleImages.from_list(images), json.dumps(inventory), now=now)
    assert same == doc

    (tmp_path / "policy.json").write_text(json.dumps(EXPIRE_ALL))
    (tmp_path / "images.json").write_text(json.dumps(images))
    (tmp_path / "inventory.json").write_text(json.dumps(inventory))
    out = subprocess.run([str(program("lifecycle_preview")), "--policy", str(tmp_path / "policy.json"),
                          "--images", str(tmp_path / "images.json"), "--inventory", str(tmp_path / "inventory.json"),
                          "--now", now], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == doc


# --- against the emulator ---

def aws(emulator: dict[str, str], *args: str) -> Any:
    """The AWS CLI of the project's virtualenv against the emulator; its JSON output."""
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "aws"), *args, "--output", "json"],
                         env={**os.environ, **emulator}, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout) if out.stdout.strip() else None


def manifest(n: int) -> str:
    return json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": n,
                                  "digest": f"sha256:{n:064x}"}, "layers": []}, separators=(",", ":"))


@pytest.fixture(scope="module")
def workloads(client: ecr_core.EcrClient, emulator: dict[str, str]) -> dict[str, Any]:
    """A repository with five tagged images, an ECS service on the newer of two task definition revisions, and a
    Lambda function whose version 1 (alias ``live``) runs ``published`` and whose ``$LATEST`` runs
    ``latest-code``."""
    # Moto's Lambda finds an image's repository by the last path segment: a name without `/`.
    repo = unique("py-inventory")
    uri = client.create_repository(repo, {"tagMutability": "MUTABLE"})["repositoryUri"]
    digests = {}
    for i, tag in enumerate(["rollback", "service", "published", "latest-code", "unused"]):
        body = manifest(3000 + i)
        digests[tag] = "sha256:" + hashlib.sha256(body.encode()).hexdigest()
        client.put_image(repo, body, tag=tag, digest=digests[tag])
    cluster = unique("py-cluster")
    aws(emulator, "ecs", "create-cluster", "--cluster-name", cluster)
    family = unique("py-family")
    revisions = []
    for tag in ["rollback", "service"]:
        out = aws(emulator, "ecs", "register-task-definition", "--family", family, "--container-definitions",
                  json.dumps([{"name": "app", "image": f"{uri}:{tag}", "memory": 256}]))
        revisions.append(out["taskDefinition"]["taskDefinitionArn"])
    aws(emulator, "ecs", "create-service", "--cluster", cluster, "--service-name", "api", "--task-definition",
        revisions[1], "--desired-count", "1")
    role = aws(emulator, "iam", "create-role", "--role-name", unique("py-role"), "--assume-role-policy-document",
               json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]}))
    function = unique("py-fn")
    aws(emulator, "lambda", "create-function", "--function-name", function, "--role", role["Role"]["Arn"],
        "--package-type", "Image", "--code", f"ImageUri={uri}:published")
    version = aws(emulator, "lambda", "publish-version", "--function-name", function)["Version"]
    aws(emulator, "lambda", "create-alias", "--function-name", function, "--name", "live", "--function-version",
        version)
    aws(emulator, "lambda", "update-function-code", "--function-name", function, "--image-uri",
        f"{uri}:latest-code")
    return {"repo": repo, "digests": digests, "revisions": revisions, "function": function}


# ECS and Lambda (what moto has), two rollback revisions, referrers by tag only (moto has no ListImageReferrers),
# no earlier service deployments (moto has no ListServiceDeployments).
OPTIONS: DiscoverOptions = {"services": ["ecs", "lambda"], "taskDefinitionRevisions": 2, "referrersApi": False,
                            "serviceDeployments": False}


def uses(inventory: Inventory, d: str) -> list[tuple[str, str]]:
    image = next((i for i in inventory["images"] if i["digest"] == d), None)
    assert image is not None, f"{d} is not in use: {json.dumps(inventory, indent=1)}"
    return [(u["kind"], u["name"]) for u in image["uses"]]


@pytest.mark.asyncio
async def test_discovery_finds_ecs_and_lambda_images_sync_and_async(
    client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient, workloads: dict[str, Any]
) -> None:
    d = workloads["digests"]
    inventory = client.discover_inventory(OPTIONS)
    assert_shape(inventory, "Inventory")
    assert inventory["complete"], [s for s in inventory["sources"] if "error" in s]
    assert {"ecs", "lambda"} <= {s["kind"] for s in inventory["sources"]}
    assert any(k == "ecsService" and n.endswith("/api") for k, n in uses(inventory, d["service"]))
    assert ("ecsTaskDefinition", workloads["revisions"][0]) in uses(inventory, d["rollback"])
    published = uses(inventory, d["published"])
    assert any(k == "lambdaVersion" and n.endswith(f"{workloads['function']}:1") for k, n in published), published
    assert any(k == "lambdaAlias" and n.endswith(":live") for k, n in published), published
    assert any(k == "lambdaVersion" and n.endswith(":$LATEST") for k, n in uses(inventory, d["latest-code"]))
    assert d["unused"] not in {i["digest"] for i in inventory["images"]}
    assert read_inventory(inventory) == inventory

    # The asyncio client reads the same; one rollback revision no longer protects the older one.
    newest_only = await aclient.discover_inventory({**OPTIONS, "taskDefinitionRevisions": 1})
    assert d["service"] in {i["digest"] for i in newest_only["images"]}
    assert d["rollback"] not in {i["digest"] for i in newest_only["images"]}


@pytest.mark.asyncio
async def test_preview_deletion_and_report_spare_what_is_in_use(
    client: ecr_core.EcrClient, aclient: ecr_core.AsyncEcrClient, workloads: dict[str, Any]
) -> None:
    repo, d = workloads["repo"], workloads["digests"]
    inventory = client.discover_inventory(OPTIONS)
    images = client.describe_images_all_statuses(repo)
    newest = max(i["imagePushedAt"] for i in images if "imagePushedAt" in i)
    now = datetime.fromisoformat(newest.replace("Z", "+00:00")) + timedelta(days=10)
    in_use = {d[t] for t in ["rollback", "service", "published", "latest-code"]}

    doc = client.lifecycle_preview_with_inventory(repo, inventory, policy=EXPIRE_ALL, now=now)
    assert [r["imageDigest"] for r in doc["previewResults"]] == [d["unused"]]
    assert {h["imageDigest"] for h in doc["inUse"][0]["images"]} == in_use
    assert doc == await aclient.lifecycle_preview_with_inventory(repo, inventory, policy=EXPIRE_ALL, now=now)

    # An unguarded preview expires images in use: refused before anything is deleted.
    unguarded = ecr_core.lifecycle.LifecyclePolicy.from_dict(EXPIRE_ALL).evaluate(images, now=now)
    with pytest.raises(ecr_core.RefusedError):
        client.expire_images_with_inventory(repo, unguarded, inventory, dry_run=False)
    # An incomplete inventory is refused unless told otherwise (a dry run here).
    failed = inventory_from_files([{"kind": "file", "path": "/nonexistent/in-use.json"}])
    incomplete = merge_inventories([inventory, failed])
    with pytest.raises(ecr_core.RefusedError) as e:
        await aclient.expire_images_with_inventory(repo, doc, incomplete)
    assert "incomplete" in str(e.value)
    dry = client.expire_images_with_inventory(repo, doc, incomplete, allow_incomplete=True)
    assert dry["dryRun"] is True and dry["requested"] == [d["unused"]]
    report = client.expire_images_with_inventory(repo, doc, inventory, dry_run=False)
    assert report["deleted"] == [d["unused"]]
    assert len(client.describe_images_all_statuses(repo)) == len(images) - 1

    # The registry-wide report: the policy on the repository would expire nothing but images in use.
    client.put_lifecycle_policy(repo, EXPIRE_ALL)
    registry = client.registry_in_use_report(inventory, now=now, concurrency=4)
    assert_shape(registry, "RegistryInUseReport")
    row = next(r for r in registry["findings"] if r["repository"] == repo)
    assert (row["expiring"], row["inUseHits"]) == (0, len(in_use))
    assert registry["inventoryComplete"] is True and registry["inUseHits"] >= len(in_use)
    assert registry == await aclient.registry_in_use_report(json.dumps(inventory), now=now, concurrency=4)
