"""The public surface: documented, interruptible, installed from the wheel."""

from __future__ import annotations

import _thread
import inspect
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import ecr_core


def test_every_public_item_has_a_docstring() -> None:
    for name in ecr_core.__all__:
        obj = getattr(ecr_core, name)
        if callable(obj):
            assert (obj.__doc__ or "").strip(), name
    for cls in (ecr_core.EcrClient, ecr_core.AsyncEcrClient):
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_"):
                assert (member.__doc__ or "").strip(), f"{cls.__name__}.{name}"


SUBMODULES = ("auth", "reference", "tagging", "verify", "scan", "lifecycle", "settings", "inventory")


def test_submodules_group_every_native_name_once() -> None:
    """Every public native name is reachable from exactly one capability submodule or the top level."""
    homes: dict[str, list[str]] = {}
    for module in SUBMODULES:
        sub = getattr(ecr_core, module)
        for name in sub.__all__:
            if not hasattr(ecr_core._native, name):
                continue  # a typed shape (TypedDict or Literal alias) the submodule declares itself
            assert getattr(sub, name) is getattr(ecr_core._native, name), f"{module}.{name}"
            homes.setdefault(name, []).append(module)
            obj = getattr(sub, name)
            if callable(obj):
                assert (obj.__doc__ or "").strip(), f"{module}.{name}"
    top = {n for n in ecr_core.__all__ if n not in SUBMODULES and n != "types"}
    public = {n for n in dir(ecr_core._native) if not n.startswith("_")}
    orphans = public - set(homes) - top
    assert not orphans, f"native names in no submodule: {sorted(orphans)}"
    twice = {n: m for n, m in homes.items() if len(m) > 1}
    assert not twice, twice
    assert len(top) <= 35, "the top level keeps the clients, the errors and the entry points"


def test_signatures_are_introspectable() -> None:
    sig = inspect.signature(ecr_core.EcrClient.put_image)
    assert [p for p in sig.parameters if sig.parameters[p].kind is inspect.Parameter.KEYWORD_ONLY] == [
        "media_type",
        "tag",
        "digest",
    ]


def test_native_module_comes_from_the_installed_package() -> None:
    assert ecr_core._native.__file__ is not None
    assert "site-packages" in ecr_core._native.__file__ or "dist-packages" in ecr_core._native.__file__


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


def test_ctrl_c_interrupts_a_blocking_call(silent_server: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = ecr_core.EcrClient(region="us-east-1", endpoint_url=f"http://127.0.0.1:{silent_server}")
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.list_repositories()  # would wait 20 s per attempt without the interrupt
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5
