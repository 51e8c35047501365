"""Typed shapes of the dicts ecr_core returns and accepts (ECR's camelCase JSON).

These are ``TypedDict`` classes: at run time the values are plain ``dict`` objects, equal to the JSON the
example programs print. Timestamps are RFC 3339 strings.
"""

from __future__ import annotations

from typing import List, Optional, TypedDict

# The ParsedReference keys are the parse_reference program's (snake_case) JSON keys.

__all__ = ["FieldError", "ImageDetail", "ImageId", "ParsedReference", "Repository", "RepositorySettings"]


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
