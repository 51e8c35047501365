"""Shared fixtures: the local ECR emulator and unique repository names.

When ``AWS_ENDPOINT_URL`` is already exported (``scripts/test`` starts the emulator), the tests use it.
Otherwise the first test that needs it starts a private instance with ``scripts/local-ecr start`` in a
temporary state directory and stops it when the session ends.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import ecr_core

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
_counter = itertools.count()


def _parse_exports(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line[len("export ") :].split("=", 1)
            env[key] = value.strip('"')
    return env


@pytest.fixture(scope="session")
def emulator() -> Iterator[dict[str, str]]:
    """The emulator's environment (AWS_ENDPOINT_URL, AWS_REGION, dummy credentials, LOCAL_REGISTRY_*)."""
    if os.environ.get("AWS_ENDPOINT_URL"):
        yield {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "LOCAL_"))}
        return
    state = tempfile.mkdtemp(prefix="ecr-core-pytest-")
    env = dict(os.environ, LOCAL_ECR_DIR=state, LOCAL_ECR_WATCH_PID=str(os.getpid()))
    out = subprocess.run(
        [str(ROOT / "scripts" / "local-ecr"), "start"], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        pytest.fail(f"scripts/local-ecr start failed:\n{out.stderr}")
    exports = _parse_exports(out.stdout)
    saved = {k: os.environ.get(k) for k in exports}
    os.environ.update(exports)
    try:
        yield exports
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        subprocess.run([str(ROOT / "scripts" / "local-ecr"), "stop"], env=env, capture_output=True, check=False)


def unique(prefix: str) -> str:
    """A repository name unique to this test run (tests share one emulator)."""
    return f"{prefix}-py{os.getpid()}-{next(_counter)}"


# One blocking and one asyncio client over the emulator, for the test modules that need no other settings.
@pytest.fixture(scope="module")
def client(emulator: dict[str, str]) -> ecr_core.EcrClient:
    return ecr_core.EcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])


@pytest.fixture(scope="module")
def aclient(emulator: dict[str, str]) -> ecr_core.AsyncEcrClient:
    return ecr_core.AsyncEcrClient(region=emulator["AWS_REGION"], endpoint_url=emulator["AWS_ENDPOINT_URL"])
