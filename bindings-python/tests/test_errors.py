"""Errors: every core code maps to its own EcrError subclass carrying .code, .request_id (and .errors)."""

from __future__ import annotations

import asyncio
import pickle
import re

import pytest

import ecr_core


def _class_name(code: str) -> str:
    special = {"Timeout": "OperationTimeoutError", "Io": "IoError"}
    if code in special:
        return special[code]
    return code if code.endswith("Error") else f"{code}Error"


def test_error_codes_are_the_cores() -> None:
    assert len(ecr_core.ERROR_CODES) == len(set(ecr_core.ERROR_CODES)) >= 22
    assert "RepositoryNotFound" in ecr_core.ERROR_CODES
    assert "PolicyValidation" in ecr_core.ERROR_CODES


@pytest.mark.parametrize("code", ecr_core.ERROR_CODES)
def test_every_code_raises_its_own_subclass(code: str) -> None:
    expected = getattr(ecr_core, _class_name(code))
    assert issubclass(expected, ecr_core.EcrError) and expected is not ecr_core.EcrError
    assert expected.code == code
    with pytest.raises(ecr_core.EcrError) as info:
        ecr_core._native._raise_sample_error(code)
    assert type(info.value) is expected
    assert info.value.code == code
    assert str(info.value)  # a message a person can act on


def test_subclasses_are_exported_once_each() -> None:
    classes = {
        name: obj
        for name, obj in vars(ecr_core).items()
        if isinstance(obj, type) and issubclass(obj, ecr_core.EcrError) and obj is not ecr_core.EcrError
    }
    assert sorted(cls.code for cls in classes.values()) == sorted(ecr_core.ERROR_CODES)
    assert set(classes) <= set(ecr_core.__all__)
    for cls in classes.values():
        assert cls.__module__ == "ecr_core"
        assert cls.__doc__


def test_request_id_is_kept() -> None:
    with pytest.raises(ecr_core.RepositoryNotFoundError) as info:
        ecr_core._native._raise_sample_error("RepositoryNotFound")
    assert info.value.request_id == "sample-request-id"
    assert "sample-request-id" in str(info.value)
    with pytest.raises(ecr_core.NoRegionError) as no_region:
        ecr_core._native._raise_sample_error("NoRegion")
    assert no_region.value.request_id is None


def test_policy_validation_lists_every_field() -> None:
    with pytest.raises(ecr_core.PolicyValidationError) as info:
        ecr_core._native._raise_sample_error("PolicyValidation")
    assert info.value.errors == [
        {"path": "rules[0].selection.countNumber", "message": "must be at least 1"},
        {"path": "", "message": "document has no rules"},
    ]
    assert "rules[0].selection.countNumber" in str(info.value)


def test_transport_message_keeps_the_cause() -> None:
    with pytest.raises(ecr_core.TransportError) as info:
        ecr_core._native._raise_sample_error("Transport")
    assert "connection reset" in str(info.value)


def test_errors_survive_pickling() -> None:
    with pytest.raises(ecr_core.ThrottledError) as info:
        ecr_core._native._raise_sample_error("Throttled")
    copy = pickle.loads(pickle.dumps(info.value))
    assert type(copy) is ecr_core.ThrottledError
    assert (copy.code, copy.request_id, str(copy)) == ("Throttled", "sample-request-id", str(info.value))


def test_unknown_sample_code_is_an_invalid_argument() -> None:
    with pytest.raises(ecr_core.InvalidArgumentError, match="NoSuchCode"):
        ecr_core._native._raise_sample_error("NoSuchCode")


def test_panic_becomes_internal_ecr_error() -> None:
    with pytest.raises(ecr_core.EcrError) as info:
        ecr_core._native._panic("boom in sync code")
    assert type(info.value) is ecr_core.EcrError
    assert info.value.code == "Internal"
    assert "boom in sync code" in str(info.value)


def test_panic_in_a_task_becomes_internal_ecr_error() -> None:
    async def run() -> None:
        await ecr_core._native._panic_async("boom in a task")

    with pytest.raises(ecr_core.EcrError) as info:
        asyncio.run(run())
    assert info.value.code == "Internal"
    assert re.search("boom in a task", str(info.value))


def test_a_task_that_does_not_panic_resolves() -> None:
    done = []

    async def run() -> None:
        await ecr_core._native._panic_async("")
        done.append(True)

    asyncio.run(run())
    assert done == [True]
