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

from typing import Any, Dict, List, Literal, TypedDict

from ._native import inventory_from_files, merge_inventories, preview_with_inventory, read_inventory

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

UsageKind = Literal[
    "ecsService",
    "ecsServiceRevision",
    "ecsTaskSet",
    "ecsTask",
    "ecsTaskDefinition",
    "lambdaVersion",
    "lambdaAlias",
    "batchJobDefinition",
    "appRunnerService",
    "kubernetesPod",
    "kubernetesController",
    "file",
    "indexChild",
    "referrer",
]
"""What uses an image."""

ServiceKind = Literal["ecs", "lambda", "batch", "appRunner"]
"""A service ``discover_inventory`` reads."""

SourceKind = Literal["ecs", "lambda", "batch", "appRunner", "kubernetes", "file", "ecr", "credentials"]
"""Where a source lives."""


class InventoryFile(TypedDict):
    """A file to read: a ``kubectl get ... -o json`` snapshot (``kubernetes``) or a JSON array of image URIs."""

    kind: Literal["kubernetes", "file"]
    path: str


class DiscoverOptions(TypedDict, total=False):
    """What ``discover_inventory`` reads; missing keys keep their defaults, unknown keys are refused."""

    roleArns: List[str]
    regions: List[str]
    services: List[ServiceKind]
    taskDefinitionRevisions: int
    stoppedTasks: bool
    serviceDeployments: bool
    files: List[InventoryFile]
    concurrency: int
    referrersApi: bool
    ociReferrers: bool
    registryUrl: str
    fallbackTags: bool
    maxAttempts: int


class _UsageRequired(TypedDict):
    kind: UsageKind
    name: str


class Usage(_UsageRequired, total=False):
    """One use of an image: by what (an ARN, ``namespace/Kind/name``, a file), since when."""

    account: str
    region: str
    reference: str
    since: str
    via: str


class InUseImage(TypedDict):
    """One digest in use, with every use."""

    digest: str
    repositories: List[str]
    uses: List[Usage]


class UnresolvedReference(TypedDict):
    """A reference that did not resolve to a digest."""

    reference: str
    reason: str
    uses: List[Usage]


class SourceError(TypedDict):
    """Why a source could not be read."""

    code: str
    message: str


class _SourceRequired(TypedDict):
    kind: SourceKind
    references: int


class InventorySource(_SourceRequired, total=False):
    """One source read; ``error`` when it could not be read."""

    account: str
    region: str
    name: str
    error: SourceError


class _InventoryRequired(TypedDict):
    schema: str
    complete: bool
    images: List[InUseImage]
    unresolved: List[UnresolvedReference]
    sources: List[InventorySource]


class Inventory(_InventoryRequired, total=False):
    """The inventory document."""

    generatedAt: str


class InUseImageHit(TypedDict):
    """An in-use image a rule would have acted on, and who uses it."""

    imageDigest: str
    imageTags: List[str]
    action: Dict[str, str]
    uses: List[Usage]


class RuleInUse(TypedDict):
    """The in-use images one rule would have acted on."""

    rulePriority: int
    images: List[InUseImageHit]


class InUsePreview(TypedDict):
    """The ``lifecycle_preview --inventory`` document: the preview's keys, ``inUse`` and ``inventoryComplete``."""

    previewResults: List[Dict[str, Any]]
    summary: Dict[str, Any]
    reclaimedBytes: Dict[str, int]
    protectedImages: List[Dict[str, Any]]
    blockedImages: List[Dict[str, Any]]
    collateralTags: List[Dict[str, Any]]
    followingSubject: List[Dict[str, Any]]
    warnings: List[Dict[str, Any]]
    inUse: List[RuleInUse]
    inventoryComplete: bool


class _RepositoryInUseRequired(TypedDict):
    repository: str
    hasPolicy: bool
    expiring: int
    inUseHits: int


class RepositoryInUse(_RepositoryInUseRequired, total=False):
    """One repository's policy against the inventory."""

    rules: List[RuleInUse]
    error: SourceError


class RegistryInUseReport(TypedDict):
    """Every repository's lifecycle policy against an inventory."""

    inventoryComplete: bool
    repositories: int
    withPolicy: int
    inUseHits: int
    findings: List[RepositoryInUse]
