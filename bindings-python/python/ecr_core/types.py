"""Typed shapes of the dicts ecr_core returns and accepts (ECR's camelCase JSON).

These are ``TypedDict`` classes: at run time the values are plain ``dict`` objects, equal to the JSON the
example programs print. Timestamps are RFC 3339 strings.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, TypedDict

# The ParsedReference keys are the parse_reference program's (snake_case) JSON keys.

__all__ = ["FieldError", "ImageDetail", "ImageId", "ParsedReference", "Repository", "RepositorySettings"]
# scan + lifecycle (bindscan)
__all__ += [
    "ExpireFailure",
    "ExpireReport",
    "LifecyclePolicyWarning",
    "LifecycleValidation",
    "ResolvedImage",
    "ScanProgress",
    "ScanWaitOutcome",
]


class FieldError(TypedDict):
    """One problem of a policy document: its JSON path and what is wrong."""

    path: str
    message: str


class ImageId(TypedDict, total=False):
    """A tag or a digest naming one image (``imageDigest`` and/or ``imageTag``)."""

    imageDigest: str
    imageTag: str


class _RepositoryRequired(TypedDict):
    repositoryName: str
    repositoryArn: str
    registryId: str
    repositoryUri: str
    imageTagMutability: str
    imageTagMutabilityExclusionFilters: List[str]
    scanOnPush: bool
    encryptionType: str


class Repository(_RepositoryRequired, total=False):
    """A repository as DescribeRepositories reports it."""

    createdAt: str
    kmsKey: str


class _ImageDetailRequired(TypedDict):
    imageDigest: str
    imageTags: List[str]
    imageStatus: str


class ImageDetail(_ImageDetailRequired, total=False):
    """One image as DescribeImages reports it."""

    registryId: str
    repositoryName: str
    imageSizeInBytes: int
    imagePushedAt: str
    imageManifestMediaType: str
    artifactMediaType: str
    lastRecordedPullTime: str
    lastArchivedAt: str
    lastActivatedAt: str
    subjectManifestDigest: str


class RepositorySettings(TypedDict, total=False):
    """Settings of a new repository; missing keys keep the recommended values."""

    tagMutability: str
    exclusionFilters: List[str]
    scanOnPush: bool
    kmsKey: Optional[str]


class ParsedReference(TypedDict):
    """What ``parse_reference`` returns: the ``parse_reference`` program's JSON object (None where absent)."""

    input: str
    ok: bool
    kind: str
    registry_id: Optional[str]
    region: Optional[str]
    fips: bool
    dual_stack: bool
    dns_suffix: Optional[str]
    repository: Optional[str]
    tag: Optional[str]
    digest: Optional[str]


# scan + lifecycle (bindscan)


class ScanProgress(TypedDict):
    """What a scan-wait progress callback receives after each poll."""

    image: str
    status: str
    elapsed: float
    polls: int
    stablePolls: int
    findings: int
    counts: Dict[str, int]


class ScanWaitOutcome(TypedDict):
    """The result of ``wait_for_scan``: the merged findings and how the wait went."""

    scan: Dict[str, Any]
    polls: int
    elapsed: float
    startedScan: bool


class _ResolvedImageRequired(TypedDict):
    repository: str
    digest: str
    children: List[Dict[str, str]]


class ResolvedImage(_ResolvedImageRequired, total=False):
    """A tag or digest resolved to its digest, media type and platform children (for an index)."""

    mediaType: str


class LifecyclePolicyWarning(TypedDict):
    """A lint warning: valid but probably not what was meant."""

    kind: str
    path: str
    message: str


class LifecycleValidation(TypedDict):
    """The ``lifecycle_preview --validate-only`` document."""

    errors: List[FieldError]
    warnings: List[LifecyclePolicyWarning]


class ExpireFailure(TypedDict):
    """One image ``expire_images`` could not delete."""

    imageDigest: str
    failureCode: str
    failureReason: str


class ExpireReport(TypedDict):
    """What ``expire_images`` did (or, in a dry run, would do)."""

    dryRun: bool
    requested: List[str]
    deleted: List[str]
    failures: List[ExpireFailure]
    batches: int
