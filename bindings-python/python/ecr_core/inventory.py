"""The inventory of images in use, and lifecycle that never expires them.

An inventory is the core's versioned JSON document (``schema`` ``ecr-core/inventory/v1``): every digest in use,
who uses it and since when, every reference that did not resolve, every source read (``complete`` is ``False``
as soon as one could not be read). Build one live with :meth:`ecr_core.EcrClient.discover_inventory`, or offline
from files with :func:`inventory_from_files`; functions that take an inventory accept its dict or JSON text.

The live calls are methods of both clients: ``discover_inventory``, ``lifecycle_preview_with_inventory``,
``expire_images_with_inventory`` (refuses in-use digests, and an incomplete inventory unless
``allow_incomplete=True``) and ``registry_in_use_report``.

>>> from ecr_core.inventory import inventory_from_files
>>> inventory_from_files([])["complete"]
True
"""

from __future__ import annotations

from typing import List, Literal

from ._native import inventory_from_files, merge_inventories, preview_with_inventory, read_inventory
from ._shapes import (
    LifecyclePreview,
    DiscoverOptions,
    InUseImage,
    InUseImageHit,
    Inventory,
    InventoryFile,
    InventorySource,
    RegistryInUseReport,
    RepositoryInUse,
    RuleInUse,
    SourceError,
    SourceKind,
    UnresolvedReference,
    Usage,
    UsageKind,
)

__all__ = [
    "inventory_from_files",
    "merge_inventories",
    "preview_with_inventory",
    "read_inventory",
    # typed shapes
    "DiscoverOptions",
    "InUseImage",
    "InUseImageHit",
    "InUsePreview",
    "Inventory",
    "InventoryFile",
    "InventorySource",
    "RegistryInUseReport",
    "RepositoryInUse",
    "RuleInUse",
    "ServiceKind",
    "SourceError",
    "SourceKind",
    "UnresolvedReference",
    "Usage",
    "UsageKind",
]

ServiceKind = Literal["ecs", "lambda", "batch", "appRunner"]
"""A service ``discover_inventory`` reads."""


class InUsePreview(LifecyclePreview):
    """The ``lifecycle_preview --inventory`` document: the preview's keys, ``inUse`` and ``inventoryComplete``."""

    inUse: List[RuleInUse]
    inventoryComplete: bool
