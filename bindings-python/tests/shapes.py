"""Checks real results against the one schema of the shapes (fixtures/schema/shapes.schema.json) and against
the TypedDicts generated from it (ecr_core.types), so neither can drift from what the code returns."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

import ecr_core.types

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "fixtures/schema/shapes.schema.json"


def _closed(schema: Any) -> Any:
    """The schema with every object closed: a key the shape does not name is an error."""
    if isinstance(schema, dict):
        out = {k: _closed(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


_SCHEMA = _closed(json.loads(SCHEMA_PATH.read_text()))


def assert_shape(value: Any, name: str) -> None:
    """`value` (a result of ecr_core) is a valid `name` by the schema, and has the keys its TypedDict names."""
    root = {**copy.deepcopy(_SCHEMA), "$ref": f"#/$defs/{name}"}
    errors = sorted(jsonschema.Draft202012Validator(root).iter_errors(value), key=lambda e: list(e.absolute_path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    shape = getattr(ecr_core.types, name)
    if isinstance(value, dict) and hasattr(shape, "__required_keys__"):
        keys = set(value)
        assert shape.__required_keys__ <= keys, f"{name}: missing {sorted(shape.__required_keys__ - keys)}"
        assert keys <= shape.__required_keys__ | shape.__optional_keys__, f"{name}: unnamed keys {sorted(keys)}"
