"""The generated typed shapes are current, and the checker rejects what does not fit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from shapes import assert_shape

ROOT = Path(__file__).resolve().parents[2]


def test_the_generated_shapes_are_current() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "scripts/gen-types"), "--check"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_a_value_that_does_not_fit_is_named() -> None:
    assert_shape({"imageDigest": "sha256:" + "a" * 64}, "ImageId")
    with pytest.raises(AssertionError, match="ImageId"):
        assert_shape({"imageDigest": 7}, "ImageId")
    with pytest.raises(AssertionError, match="repositoryArn"):
        assert_shape({"repositoryName": "x"}, "Repository")
    with pytest.raises(AssertionError, match="Additional properties"):
        assert_shape({"imageTag": "v1", "extra": 1}, "ImageId")
